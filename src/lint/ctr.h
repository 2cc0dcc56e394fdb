/* ctr.h - a container's runtime settings, whatever wrote them: a docker-compose service or
 * a `docker run` / `podman run` command line. Both are read into this one model so one
 * set of rules (CTR-*) judges both, with per-target severities where the targets differ
 * (a `docker run` line cannot see the image's USER, a compose file can set it).
 *
 * Every value keeps the position it was written at (1-based line and column in the file
 * the user gave), so findings point into the compose file or into the shell script.
 * Strings live in the arena of whoever built the model.
 */
#ifndef VAKT_LINT_CTR_H
#define VAKT_LINT_CTR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ctr_pos {
	const char *file;   /* NULL: the file the container is read from (compose: an override
			     * or extended file can set a value elsewhere) */
	unsigned line, col; /* 0 when unknown */
} ctr_pos;

/* A scalar setting; set == false when absent. */
typedef struct ctr_str {
	bool set;
	const char *value; /* "" when unset */
	ctr_pos pos;
} ctr_str;

typedef struct ctr_bool {
	bool set;
	bool value;
	ctr_pos pos;
} ctr_bool;

typedef struct ctr_item {
	const char *value;
	ctr_pos pos;
} ctr_item;

typedef struct ctr_list {
	size_t n;
	ctr_item *items;
} ctr_list;

/* A volume or mount: bind mounts of host paths are what the rules look at. */
typedef struct ctr_mount {
	const char *source; /* host path for binds, volume name for volumes, "" for tmpfs/anonymous */
	const char *target; /* path in the container */
	bool bind;          /* source is a host path (starts with / or . or ~, or type: bind) */
	bool read_only;
	ctr_pos pos;
} ctr_mount;

/* A published port: "[host_ip:][host_port:]container_port[/proto]". */
typedef struct ctr_port {
	const char *host_ip;        /* "" = all interfaces (0.0.0.0 and ::) */
	const char *host_port;      /* "" when not published to a fixed host port */
	const char *container_port; /* "8080" or a range "8000-8010" */
	const char *protocol;       /* "tcp" when not given */
	ctr_pos pos;
} ctr_port;

typedef enum ctr_source {
	CTR_COMPOSE,    /* a service of a compose project */
	CTR_DOCKER_RUN, /* docker run / podman run / docker create / docker container run */
} ctr_source;

typedef struct vakt_ctr {
	ctr_source source;
	const char *name;  /* service name, or --name, or the image */
	const char *tool;  /* "docker", "podman" (docker run lines), "compose" */
	ctr_pos pos;       /* the service key, or the start of the command */
	ctr_str image;

	ctr_bool privileged;
	ctr_bool read_only;
	ctr_bool read_only_tmpfs; /* podman: tmpfs on /tmp, /var/tmp, /run with --read-only
				   * (podman's default is true; docker has no such flag) */
	ctr_str user;         /* "uid[:gid]" or "name[:group]" as written */
	ctr_list cap_add;
	ctr_list cap_drop;
	ctr_list security_opt; /* "no-new-privileges:true", "seccomp=unconfined", ... as written */
	ctr_list tmpfs;        /* container paths mounted as tmpfs (options stripped) */
	ctr_list devices;
	ctr_str network_mode;  /* "host", "bridge", "container:x", ... */
	ctr_str pid;
	ctr_str ipc;
	ctr_str uts;
	ctr_str userns;
	ctr_str pids_limit;    /* as written ("100", "-1") */
	ctr_str memory;        /* as written ("512m") */
	size_t n_mounts;
	ctr_mount *mounts;
	size_t n_ports;
	ctr_port *ports;
} vakt_ctr;

#endif
