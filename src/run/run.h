/* run.h - start one container, stripped of everything it was not given.
 *
 * The defaults are the hardened ones and each has an opt-out in the spec:
 *   - namespaces: user (root inside is an unprivileged UID range outside), mount, PID,
 *     IPC, UTS, network (loopback only) and cgroup;
 *   - the root filesystem read-only after pivot_root, tmpfs on /tmp and /run, a minimal
 *     /dev, /proc with Docker's masked and read-only paths, /sys read-only;
 *   - no capability in any set; no_new_privs; the seccomp filter of seccomp.h;
 *   - cgroup limits (cgroup.h), pids at 1024 by default.
 *
 * Between clone and exec the child only makes system calls: every message it needs to
 * send (why a step failed) goes through a close-on-exec pipe, so the parent learns that
 * exec happened when the pipe closes without data.
 */
#ifndef VAKT_RUN_RUN_H
#define VAKT_RUN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "run/cgroup.h"

typedef struct vakt_bind {
	const char *src;  /* host path */
	const char *dst;  /* path in the container */
	bool rw;          /* read-only unless asked */
} vakt_bind;

/* -p HOST:CONTAINER: host_addr:host_port on the host forwards to 127.0.0.1:ctr_port in
 * the container's network namespace. */
typedef struct vakt_port {
	const char *host_addr; /* "127.0.0.1" by default */
	unsigned host_port, ctr_port;
} vakt_port;

typedef struct vakt_rlimit {
	int resource;
	uint64_t soft, hard;
} vakt_rlimit;

typedef struct vakt_run_spec {
	const char *rootfs;          /* a directory */
	char *const *argv;           /* the command, argv[0] resolved inside the rootfs */
	char *const *env;            /* NULL-terminated "K=V" */
	const char *cwd;             /* in the container; default "/" */
	const char *hostname;        /* default "vakt" */
	uid_t uid;                   /* inside the container; default 0 */
	gid_t gid;
	bool userns;                 /* default true; false: --userns host */
	bool network_host;           /* --network host: no network namespace */
	bool read_write;             /* --read-write: the root stays writable */
	bool no_seccomp;             /* --security-opt seccomp=unconfined */
	bool init;                   /* --init: PID 1 is vakt's reaper, the command its child */
	bool tty;                    /* -t: the command's stdio is a pseudo-terminal */
	bool idmap;                  /* show the rootfs's host owners as the container's own
				      * (an idmapped mount) when the kernel and filesystem can;
				      * not for a copy already owned by the mapped IDs */
	const char *seccomp_profile; /* --security-opt seccomp=FILE */
	uint64_t caps;               /* --cap-add: 1 << CAP_x */
	const vakt_bind *binds;
	size_t nbinds;
	const char *const *tmpfs;    /* extra tmpfs mount points */
	size_t ntmpfs;
	const vakt_rlimit *rlimits;
	size_t nrlimits;
	const vakt_port *ports;
	size_t nports;
	vakt_cgroup_limits limits;
	void (*warn)(const char *msg, void *ud);
	void *ud;
} vakt_run_spec;

/* Fill spec with the defaults (everything stripped, pids 1024). */
void vakt_run_spec_init(vakt_run_spec *spec);

/* Run the container and wait for it. *ret_status: the command's exit status, or 128 +
 * the signal that killed it. Errors (before the command runs) name the step and leave
 * nothing behind: no mount, no cgroup. */
int vakt_run(const vakt_run_spec *spec, int *ret_status, vakt_error **err);

/* Open path (relative to the rootfs root_fd, may start with "/") as a directory or file
 * inside it, every symlink resolved as if root_fd were "/" (openat2 RESOLVE_IN_ROOT, no
 * magic links), so a link in an image can never point a mount outside it (the
 * CVE-2021-30465 class); mkdir the missing parts when create (the last one a directory
 * when dir, else an empty file). Returns an O_PATH fd, or -errno. Async-signal-safe. */
int vakt_open_in_root(int root_fd, const char *path, bool create, bool dir);

/* The flags a remount of the mount at path must keep: the kernel refuses to clear
 * nosuid, nodev, noexec and the atime flags that a mount made in (or passed into) a user
 * namespace inherited. MS_RDONLY is not among them. Async-signal-safe. */
unsigned long vakt_mount_locked_flags(const char *path);

/* Bring up the loopback interface of the calling process's network namespace: 0 or
 * -errno. Async-signal-safe. */
int vakt_loopback_up(void);

/* The name of capability number cap without "CAP_" ("CHOWN"), or "?". */
const char *vakt_cap_name(int cap);

/* Capability name ("NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", any case) -> number. */
int vakt_cap_from_name(const char *name);

#endif
