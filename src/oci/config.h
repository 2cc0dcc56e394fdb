/* config.h - an OCI runtime-spec 1.x config.json, read into typed, bounded fields.
 *
 * The runtime (container.c) works from this struct, never from the JSON: every field
 * it uses is checked here once, with its type, its range and a bound on its size, and
 * a config that fails a check is an error naming the field ("mounts[3].destination:
 * must be an absolute path"). Unknown fields are ignored, as the specification says.
 *
 * Strings point into the parsed JSON, which the config holds a reference to: they live
 * as long as the config.
 */
#ifndef VAKT_OCI_CONFIG_H
#define VAKT_OCI_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

#define VAKT_OCI_CONFIG_MAX_BYTES (16u << 20) /* config.json itself */
#define VAKT_OCI_MAX_ITEMS	  4096	       /* any array: mounts, env, args, devices... */
#define VAKT_OCI_MAX_PATH	  4096

typedef enum vakt_oci_ns_type {
	VAKT_NS_PID = 0,
	VAKT_NS_NET,
	VAKT_NS_MNT,
	VAKT_NS_IPC,
	VAKT_NS_UTS,
	VAKT_NS_USER,
	VAKT_NS_CGROUP,
	VAKT_NS_TIME,
	VAKT_NS_COUNT
} vakt_oci_ns_type;

typedef struct vakt_oci_ns {
	bool present;	  /* listed in linux.namespaces */
	const char *path; /* join this one (NULL: a new namespace) */
} vakt_oci_ns;

typedef struct vakt_oci_idmap {
	uint32_t container_id, host_id, size;
} vakt_oci_idmap;

typedef struct vakt_oci_mount {
	const char *destination, *type, *source;
	unsigned long flags;	 /* MS_* from the options, propagation excluded */
	unsigned long clear;	 /* MS_* an option cleared explicitly ("rw", "suid", "dev", "exec"...) */
	unsigned long propagation; /* MS_PRIVATE|MS_REC...; 0: none given */
	bool bind, recursive;	 /* "bind"/"rbind" option or type "bind" */
	bool idmap;		 /* "idmap"/"ridmap": idmapped with uidMappings of the mount */
	char *data;		 /* the options the kernel takes as data, comma-joined (malloc'd) */
} vakt_oci_mount;

typedef struct vakt_oci_rlimit {
	int resource;
	uint64_t soft, hard;
} vakt_oci_rlimit;

typedef struct vakt_oci_hook {
	const char *path;
	const char **args; /* NULL-terminated; NULL: { path } */
	const char **env;  /* NULL-terminated; NULL: empty */
	int timeout;	   /* seconds, 0: none */
} vakt_oci_hook;

typedef enum vakt_oci_hook_kind {
	VAKT_HOOK_PRESTART = 0,
	VAKT_HOOK_CREATE_RUNTIME,
	VAKT_HOOK_CREATE_CONTAINER,
	VAKT_HOOK_START_CONTAINER,
	VAKT_HOOK_POSTSTART,
	VAKT_HOOK_POSTSTOP,
	VAKT_HOOK_COUNT
} vakt_oci_hook_kind;

typedef struct vakt_oci_device {
	const char *path;
	char type; /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	uint32_t mode; /* fileMode, 0666 when absent */
	uint32_t uid, gid;
} vakt_oci_device;

typedef struct vakt_oci_devrule {
	bool allow;
	char type; /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];	      /* "rwm" subset */
} vakt_oci_devrule;

typedef struct vakt_oci_throttle {
	int64_t major, minor;
	uint64_t rate;
	int kind; /* 0 read bps, 1 write bps, 2 read iops, 3 write iops */
} vakt_oci_throttle;

/* linux.resources; -1 (or 0 where said) means "not set". */
typedef struct vakt_oci_resources {
	int64_t memory_limit, memory_reservation, memory_swap, memory_swappiness; /* -1 */
	bool memory_disable_oom_killer;
	int64_t cpu_shares, cpu_quota, cpu_period;  /* -1; quota -1 also "no limit" */
	const char *cpu_cpus, *cpu_mems;	    /* NULL */
	int64_t pids_limit;			    /* 0: not set, -1 unlimited */
	int64_t blkio_weight;			    /* -1 */
	vakt_oci_throttle *throttle;
	size_t nthrottle;
	vakt_oci_devrule *devices;
	size_t ndevices;
	const char **unified_keys, **unified_values; /* linux.resources.unified (cgroup v2) */
	size_t nunified;
} vakt_oci_resources;

typedef struct vakt_oci_process {
	bool terminal;
	unsigned console_rows, console_cols;
	uint32_t uid, gid;
	int64_t umask; /* -1: not set */
	uint32_t *additional_gids;
	size_t ngids;
	const char **args, **env; /* NULL-terminated */
	const char *cwd;
	uint64_t caps[5]; /* bounding, effective, inheritable, permitted, ambient: 1 << CAP_x */
	bool caps_given;
	vakt_oci_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	const char *apparmor_profile, *selinux_label; /* accepted, recorded */
	bool has_oom_score_adj;
	int oom_score_adj;
} vakt_oci_process;

enum { VAKT_CAP_BOUNDING = 0, VAKT_CAP_EFFECTIVE, VAKT_CAP_INHERITABLE, VAKT_CAP_PERMITTED, VAKT_CAP_AMBIENT };

typedef struct vakt_oci_config {
	json_t *json;		/* the parsed config (owned reference) */
	const char *oci_version;
	char *root_path;	/* absolute: the bundle joined in (malloc'd) */
	bool root_readonly;
	const char *hostname, *domainname;
	vakt_oci_process process;
	vakt_oci_mount *mounts;
	size_t nmounts;
	vakt_oci_hook *hooks[VAKT_HOOK_COUNT];
	size_t nhooks[VAKT_HOOK_COUNT];
	vakt_oci_ns ns[VAKT_NS_COUNT];
	vakt_oci_idmap *uid_mappings, *gid_mappings;
	size_t nuid_mappings, ngid_mappings;
	vakt_oci_device *devices;
	size_t ndevices;
	const char *cgroups_path;
	vakt_oci_resources res;
	const char **sysctl_keys, **sysctl_values;
	size_t nsysctl;
	const char **masked_paths, **readonly_paths;
	size_t nmasked, nreadonly;
	json_t *seccomp;	/* linux.seccomp (borrowed), NULL when absent */
	unsigned long rootfs_propagation; /* MS_* (0: none given) */
	const char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
} vakt_oci_config;

/* Read config (a parsed config.json; a reference is taken) of the bundle directory
 * bundle (root.path is joined to it when relative). Errors are VAKT_E_INVALID naming the
 * field, with file (for messages) as the error's file. */
int vakt_oci_config_parse(json_t *config, const char *bundle, const char *file, vakt_oci_config **ret,
			  vakt_error **err);

/* Read the file path (at most VAKT_OCI_CONFIG_MAX_BYTES) as JSON: a JSON object or an
 * error at file:line:col. */
int vakt_oci_config_load_json(const char *path, json_t **ret, vakt_error **err);

/* JSON from fd, read in large blocks, at most max bytes (then an error in je). */
json_t *vakt_oci_json_loadfd(int fd, size_t max, size_t flags, json_error_t *je);

/* Read a process object (`exec --process FILE`, the engines' form) into p, whose strings
 * point into obj (the caller keeps it alive). */
int vakt_oci_process_parse(json_t *obj, const char *file, vakt_oci_process *p, vakt_error **err);
void vakt_oci_process_clear(vakt_oci_process *p);

/* A linux.resources object alone (`update -r FILE`); res's strings point into obj. */
int vakt_oci_resources_parse(json_t *obj, const char *file, vakt_oci_resources *res, vakt_error **err);
void vakt_oci_resources_clear(vakt_oci_resources *res);

/* Free; accepts NULL, returns NULL. */
vakt_oci_config *vakt_oci_config_free(vakt_oci_config *c);

/* "pid", "network", ... for a type; and back (-1 when unknown). */
const char *vakt_oci_ns_name(vakt_oci_ns_type t);
int vakt_oci_ns_from_name(const char *name);

/* A signal by name ("TERM", "SIGTERM", "term") or number; -1 when unknown. */
int vakt_oci_signal(const char *s);

/* The mount options parsed into m (flags, clear, propagation, bind, data). An option the
 * kernel does not take as a flag becomes data. Returns false on an option that needs a
 * value vakt does not have; never fails otherwise. */
void vakt_oci_mount_options(vakt_oci_mount *m, json_t *options);

#endif
