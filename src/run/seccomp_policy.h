/* seccomp_policy.h - vakt's default system call policy as a table, and the compiler
 * shared by the runtime (seccomp.c) and the build-time generator (seccomp_gen.c).
 *
 * Internal to src/run: the CLI and other modules use seccomp.h. The table holds the
 * same facts as Docker's default profile (names, actions, argument conditions,
 * capability, architecture and kernel conditions) in vakt's own format; the unit test
 * compares it with the Docker profile so the two cannot drift apart.
 */
#ifndef VAKT_RUN_SECCOMP_POLICY_H
#define VAKT_RUN_SECCOMP_POLICY_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "run/seccomp.h"

typedef enum vakt_sc_action {
	VAKT_SC_ALLOW = 1,
	VAKT_SC_ERRNO,        /* fail with errno_ret */
	VAKT_SC_KILL_THREAD,  /* Docker's SCMP_ACT_KILL */
	VAKT_SC_KILL_PROCESS,
	VAKT_SC_TRAP,
	VAKT_SC_TRACE,        /* errno_ret is the tracer's message */
	VAKT_SC_LOG,
} vakt_sc_action;

typedef enum vakt_sc_op {
	VAKT_SC_NE = 1,
	VAKT_SC_LT,
	VAKT_SC_LE,
	VAKT_SC_EQ,
	VAKT_SC_GE,
	VAKT_SC_GT,
	VAKT_SC_MASKED_EQ, /* (arg & value) == value_two */
} vakt_sc_op;

typedef struct vakt_sc_arg {
	unsigned index; /* 0..5 */
	vakt_sc_op op;
	uint64_t value, value_two;
} vakt_sc_arg;

/* One entry: the action for every name in names, when all conditions hold. Lists are
 * NULL-terminated; a NULL list is "no condition". */
typedef struct vakt_sc_rule {
	const char *const *names;
	vakt_sc_action action;
	unsigned errno_ret;
	const vakt_sc_arg *args; /* all must match (several on one index: any of them) */
	size_t nargs;
	unsigned min_kernel;            /* major*1000+minor; 0: any */
	const char *const *caps_incl;   /* every one of these capabilities is kept */
	const char *const *caps_excl;   /* none of these is kept */
	const char *const *arches_incl; /* Docker's architecture names: amd64, x32, x86, arm64... */
	const char *const *arches_excl;
	const char *comment;
} vakt_sc_rule;

/* Docker's archMap: the architectures a filter for arch also covers (libseccomp names
 * as Docker spells them: "SCMP_ARCH_X86_64"). */
typedef struct vakt_sc_archmap {
	const char *arch;
	const char *const *sub;
} vakt_sc_archmap;

typedef struct vakt_sc_policy {
	vakt_sc_action default_action;
	unsigned default_errno;
	const vakt_sc_archmap *archmap;
	size_t narchmap;
	const vakt_sc_rule *rules;
	size_t nrules;
} vakt_sc_policy;

/* The default policy (seccomp_policy.c). */
extern const vakt_sc_policy vakt_sc_default_policy;

/* The BPF compiled at build time from vakt_sc_default_policy with no capabilities and
 * every minKernel satisfied (generated seccomp_builtin.c). */
extern const struct sock_filter vakt_sc_builtin_filter[];
extern const size_t vakt_sc_builtin_len;

/* Capability number of a name ("CAP_SYS_ADMIN"), or -1. */
int vakt_sc_cap_number(const char *name);

/* The largest minKernel of the policy (0 when none). */
unsigned vakt_sc_policy_max_kernel(const vakt_sc_policy *pol);

/* Compile pol for the native architecture (and its Docker sub-architectures) with
 * libseccomp, for a container keeping caps on kernel kernel (major*1000+minor), and
 * put the ENOSYS prologue in front (see seccomp.c). ret->filter is malloc'd. */
int vakt_sc_compile(const vakt_sc_policy *pol, uint64_t caps, unsigned kernel, vakt_seccomp_prog *ret,
		    vakt_error **err);

/* The highest syscall number any name in pol resolves to on the libseccomp arch token
 * arch, among numbers in [lo, hi) (hi 0: no bound); -1 when none. Used for the ENOSYS
 * prologue and by the tests. */
long vakt_sc_policy_max_nr(const vakt_sc_policy *pol, uint32_t arch, long lo, long hi);

#endif
