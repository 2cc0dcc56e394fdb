/* seccomp.h - the container's system call filter: Docker's default profile, as BPF.
 *
 * The profile is an allowlist: the syscalls every container may make, some only with
 * given arguments (personality, clone flags, socket families), some only with a
 * capability (CAP_SYS_ADMIN: mount, ...; CAP_SYS_PTRACE: ptrace, ...) or from a kernel
 * version on. Everything else fails: with ENOSYS for syscalls newer than the list (so
 * programs fall back, as with an old kernel), with EPERM otherwise, as Docker does.
 */
#ifndef VAKT_RUN_SECCOMP_H
#define VAKT_RUN_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* A filter ready to load: a classic BPF program (struct sock_filter[]). */
typedef struct vakt_seccomp_prog {
	void *filter;   /* struct sock_filter *, malloc'd (or static for the built-in one) */
	size_t len;     /* instructions */
	bool builtin;   /* the one compiled at build time: not freed */
} vakt_seccomp_prog;

/* The filter for this start: caps is the bitmask of capabilities the container keeps
 * (1 << CAP_x), kernel the running kernel as major*1000+minor (0: ask uname).
 * profile_path: a Docker-format JSON profile to use instead of the built-in default
 * (NULL: the default). With no capabilities, the default profile and a kernel at least
 * as new as every minKernel in it, the BPF compiled at build time is returned without
 * any work; otherwise the profile is compiled now (libseccomp). */
int vakt_seccomp_build(uint64_t caps, unsigned kernel, const char *profile_path, vakt_seccomp_prog *ret,
		       vakt_error **err);

void vakt_seccomp_prog_free(vakt_seccomp_prog *p);

/* Load p for the calling thread and its future children (after no_new_privs): 0 or -errno.
 * Async-signal-safe: called between clone and exec. */
int vakt_seccomp_load(const vakt_seccomp_prog *p);

#endif
