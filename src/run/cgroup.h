/* cgroup.h - resource limits for one container: memory, pids, CPU.
 *
 * cgroup v2 (one unified hierarchy) and v1 (one hierarchy per controller, as on hosts
 * booted with the legacy or hybrid layout, where v2 is mounted only at
 * /sys/fs/cgroup/unified without controllers) are both supported: vakt creates
 * vakt/<id> under each controller it needs, writes the limits, moves the container's
 * first process in before it execs, and removes the groups when the container is gone.
 */
#ifndef VAKT_RUN_CGROUP_H
#define VAKT_RUN_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

typedef struct vakt_cgroup_limits {
	int64_t memory;     /* bytes; 0: none */
	int64_t pids;       /* 0: none */
	int64_t cpu_quota;  /* microseconds per cpu_period; 0: none */
	int64_t cpu_period; /* microseconds (100000 when 0) */
	bool memory_explicit, pids_explicit, cpus_explicit; /* asked for: failure is an error */
} vakt_cgroup_limits;

typedef struct vakt_cgroup vakt_cgroup;

/* Create the container's groups under root (NULL: /sys/fs/cgroup) and write the limits.
 * A limit that cannot be applied (no controller, no permission) is an error when it was
 * asked for explicitly, else reported once through warn and skipped. */
int vakt_cgroup_create(const char *root, const char *id, const vakt_cgroup_limits *lim,
		       void (*warn)(const char *msg, void *ud), void *ud, vakt_cgroup **ret,
		       vakt_error **err);

/* Move pid into every group. */
int vakt_cgroup_attach(vakt_cgroup *cg, pid_t pid, vakt_error **err);

/* Was the container killed for memory (the OOM counter rose)? */
bool vakt_cgroup_oom_killed(vakt_cgroup *cg);

/* Remove the groups (killing what is left in them) and free. Accepts NULL. */
void vakt_cgroup_destroy(vakt_cgroup *cg);

/* Parse "512m", "1g", "1024" (bytes) for --memory; false if malformed. */
bool vakt_parse_bytes(const char *s, int64_t *ret);

/* Parse "1.5" for --cpus into quota/period; false if malformed or below 0.01 (the
 * kernel refuses quotas under 1 ms). */
bool vakt_parse_cpus(const char *s, int64_t *quota, int64_t *period);

#endif
