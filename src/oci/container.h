/* container.h - OCI containers: runc's lifecycle on vakt's policy.
 *
 * A container lives in <root>/<id>/ (root is runc's --root, /run/vakt by default):
 *   state.json    vakt's record: pid and its start time, bundle, creation time, cgroup
 *   config.json   the bundle's config as the policy left it (exec, update and delete
 *                 work from it, never from the bundle, which may have changed)
 *   start.sock    exists while the container is "created": its init waits in accept(2)
 *   policy.log    what the policy changed, when no --log was given
 * The directory is made with mkdir(2), which fails for a second create of the same ID;
 * every verb holds flock(2) on it, so concurrent calls on one container are serialised.
 *
 * Status is derived, never stored: "creating" while state.json is missing, "stopped"
 * once the init PID is gone (or reused: the start time differs), "created" while
 * start.sock exists, "paused" when the freezer says so, else "running".
 *
 * Errors are vakt_error; messages for the operator (what the policy did, warnings) go
 * through the log callback, which the CLI writes to --log in the engine's format.
 */
#ifndef VAKT_OCI_CONTAINER_H
#define VAKT_OCI_CONTAINER_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "oci/config.h"
#include "oci/policy.h"

typedef enum vakt_oci_log_level { VAKT_LOG_DEBUG = 0, VAKT_LOG_INFO, VAKT_LOG_WARN, VAKT_LOG_ERROR } vakt_oci_log_level;

typedef struct vakt_oci_rt {
	const char *root;	 /* state directory (default /run/vakt) */
	const char *cgroup_root; /* NULL: /sys/fs/cgroup (tests point it elsewhere) */
	void (*log)(vakt_oci_log_level level, const char *msg, void *ud);
	void *ud;
	bool log_to_file;	 /* --log was given: policy actions go there, not to policy.log */
	bool systemd_cgroup;	 /* --systemd-cgroup: cgroupsPath is "slice:prefix:name" */
} vakt_oci_rt;

typedef struct vakt_oci_create_opts {
	const char *id, *bundle;
	const char *pid_file;	    /* written once the container is created */
	const char *console_socket; /* process.terminal: the pty master is sent here */
	bool no_pivot, no_new_keyring;
	unsigned preserve_fds;	    /* fds 3 .. 3+N-1 pass into the container */
	const vakt_oci_policy *policy;
	bool *ret_refused;	    /* set when the policy refused the container (may be NULL) */
} vakt_oci_create_opts;

/* Validate the ID: 1..1024 of [A-Za-z0-9_.+-], not "." or "..". */
bool vakt_oci_id_valid(const char *id);

/* create: the policy, then the container up to the point where only exec is left; its
 * init waits for start. *ret_pid is the init (a child of the caller, who may wait for it
 * or exit and leave it to a subreaper). Nothing is left behind on error. Exit code for
 * a config the policy refuses: VAKT_E_USAGE with the reasons in the message. */
int vakt_oci_create(const vakt_oci_rt *rt, const vakt_oci_create_opts *o, pid_t *ret_pid, vakt_error **err);

/* start: let a created container exec its process; then the poststart hooks. */
int vakt_oci_start(const vakt_oci_rt *rt, const char *id, vakt_error **err);

/* The runtime-spec state object: ociVersion, id, status, pid, bundle, annotations, plus
 * runc's rootfs, created and owner. */
int vakt_oci_state(const vakt_oci_rt *rt, const char *id, json_t **ret, vakt_error **err);

/* Every container under root, as state objects, sorted by ID. */
int vakt_oci_list(const vakt_oci_rt *rt, json_t **ret, vakt_error **err);

/* Signal the init (all: every process of the container). Through a pidfd, so a PID
 * reused since cannot be hit. A stopped container is an error. */
int vakt_oci_kill(const vakt_oci_rt *rt, const char *id, int sig, bool all, vakt_error **err);

/* Remove a stopped container (force: kill a created or running one first); its cgroup,
 * its state, then the poststop hooks. */
int vakt_oci_delete(const vakt_oci_rt *rt, const char *id, bool force, vakt_error **err);

int vakt_oci_pause(const vakt_oci_rt *rt, const char *id, bool pause, vakt_error **err);

/* New limits for a running container, checked against the policy: its pidsLimit cannot
 * be lifted to unlimited (it is a default, not a ceiling, as at create). */
int vakt_oci_update(const vakt_oci_rt *rt, const char *id, const vakt_oci_resources *res,
		    const vakt_oci_policy *pol, vakt_error **err);

int vakt_oci_ps(const vakt_oci_rt *rt, const char *id, pid_t **ret, size_t *n, vakt_error **err);

/* runc's {"type": "stats", "id", "data": {...}}. */
int vakt_oci_stats(const vakt_oci_rt *rt, const char *id, json_t **ret, vakt_error **err);

typedef struct vakt_oci_exec_opts {
	const char *id;
	json_t *process;	    /* a runtime-spec process object */
	const char *pid_file, *console_socket;
	bool detach;
	unsigned preserve_fds;
	const vakt_oci_policy *policy;
	pid_t *ret_pid;		    /* the process's PID, host view (may be NULL) */
} vakt_oci_exec_opts;

/* Run a further process in a running container: its namespaces, its cgroup, its
 * seccomp filter, the policy's capabilities and no_new_privs. Without detach, waits and
 * sets *ret_status (128+N for signal N). */
int vakt_oci_exec(const vakt_oci_rt *rt, const vakt_oci_exec_opts *o, int *ret_status, vakt_error **err);

#endif
