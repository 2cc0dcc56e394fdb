/* seccomp.c - compile and load the container's system call filter.
 *
 * Three parts:
 *  1. The compiler (vakt_sc_compile): a vakt_sc_policy (the built-in table or a Docker
 *     JSON profile) goes through libseccomp for the native architecture and the
 *     sub-architectures Docker's archMap gives it (amd64: x86 and x32; arm64: arm;
 *     s390x: s390), with the rules whose capability, architecture and kernel conditions
 *     hold; libseccomp exports the BPF into a memfd, and an ENOSYS prologue of our own
 *     goes in front of it.
 *  2. The profile reader: Docker's JSON format (jansson), errors naming file and field.
 *  3. vakt_seccomp_build/load: the built-in program compiled at build time when nothing
 *     needs compiling now; loading with prctl, async-signal-safe.
 *
 * ENOSYS for newer syscalls. The policy is an allowlist, so a syscall added to the kernel
 * after the list was written would fail with EPERM, and programs that probe for a new
 * syscall (glibc with clone3, faccessat2...) and fall back only on ENOSYS would break.
 * Docker's answer (runc's patchbpf) is what we do: before libseccomp's program, a short
 * prologue compares the syscall number, per architecture, with the highest number any
 * name of the policy resolves to there and returns ENOSYS above it. Only numbers above
 * every name the policy knows are affected, so nothing the policy decides (allows,
 * refuses with a capability condition) is changed; a syscall older than the list but
 * absent from it stays EPERM. libseccomp cannot express this itself: it only takes rules
 * for syscalls it can name, and the point is the ones nobody has named yet.
 *
 * This file is also compiled into the build-time generator (seccomp_gen.c) with
 * VAKT_SECCOMP_GENERATOR defined, which leaves out the reference to the generated
 * program (the generator is what writes it).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "run/seccomp.h"
#include "run/seccomp_policy.h"

/* Limits for a profile from a file: Docker's default is 20 KiB with ~450 names. */
#define PROFILE_MAX_BYTES (4u << 20)
#define PROFILE_MAX_RULES 4096
#define PROFILE_MAX_NAMES 4096 /* per rule */
#define PROFILE_MAX_LIST 64    /* caps or arches per condition */

/* ---- architectures ------------------------------------------------------------------- */

/* libseccomp's token for an architecture, and the name Docker's "arches" conditions use
 * for it (Go's GOARCH, as moby compares them with runtime.GOARCH). */
static const struct {
	uint32_t token;
	const char *docker;
} arch_names[] = {
	{ SCMP_ARCH_X86_64, "amd64" },     { SCMP_ARCH_X86, "x86" },        { SCMP_ARCH_X32, "x32" },
	{ SCMP_ARCH_AARCH64, "arm64" },    { SCMP_ARCH_ARM, "arm" },        { SCMP_ARCH_PPC64LE, "ppc64le" },
	{ SCMP_ARCH_PPC64, "ppc64" },      { SCMP_ARCH_S390X, "s390x" },    { SCMP_ARCH_S390, "s390" },
	{ SCMP_ARCH_RISCV64, "riscv64" },  { SCMP_ARCH_MIPS64, "mips64" },  { SCMP_ARCH_MIPSEL64, "mipsel64" },
	{ SCMP_ARCH_MIPS, "mips" },        { SCMP_ARCH_MIPSEL, "mipsel" },
};

static const char *arch_docker_name(uint32_t token)
{
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(arch_names); i++)
		if (arch_names[i].token == token)
			return arch_names[i].docker;
	return "";
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 when libseccomp does not know it. */
static uint32_t arch_token(const char *docker_name)
{
	char lower[32];
	if (strncmp(docker_name, "SCMP_ARCH_", 10) != 0 || strlen(docker_name + 10) >= sizeof(lower))
		return 0;
	size_t i = 0;
	for (const char *p = docker_name + 10; *p; p++)
		lower[i++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

static bool list_has(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* ---- the ENOSYS prologue ---------------------------------------------------------------- */

/* A range of syscall numbers on one architecture (as the kernel reports it in
 * seccomp_data.arch) within which numbers above the policy's highest get ENOSYS.
 * Ranges exist because some ABIs number in blocks: x32 shares AUDIT_ARCH_X86_64 with
 * amd64 and sets bit 30, with its own compat entries from 512 up; 32-bit ARM has private
 * syscalls from 0x0f0000 up. A new common syscall lands below those blocks. */
typedef struct nr_range {
	uint32_t token;       /* libseccomp arch, for name resolution */
	uint32_t audit;       /* seccomp_data.arch */
	uint32_t lo, hi;      /* [lo, hi); hi 0: no upper bound */
} nr_range;

static const nr_range nr_ranges[] = {
	{ SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, 0, 0x40000000 },
	{ SCMP_ARCH_X32, AUDIT_ARCH_X86_64, 0x40000000, 0x40000200 },
	{ SCMP_ARCH_X32, AUDIT_ARCH_X86_64, 0x40000200, 0 },
	{ SCMP_ARCH_X86, AUDIT_ARCH_I386, 0, 0 },
	{ SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, 0, 0 },
	{ SCMP_ARCH_ARM, AUDIT_ARCH_ARM, 0, 0x0f0000 },
	{ SCMP_ARCH_ARM, AUDIT_ARCH_ARM, 0x0f0000, 0 },
};

long vakt_sc_policy_max_nr(const vakt_sc_policy *pol, uint32_t arch, long lo, long hi)
{
	long max = -1;
	for (size_t i = 0; i < pol->nrules; i++)
		for (const char *const *n = pol->rules[i].names; n && *n; n++) {
			/* Negative numbers are libseccomp's pseudo-syscalls (a name that exists
			 * on another architecture only): not a number the kernel sees. */
			long nr = seccomp_syscall_resolve_name_arch(arch, *n);
			if (nr >= lo && (hi == 0 || nr < hi) && nr > max)
				max = nr;
		}
	return max;
}

typedef struct insn_list {
	struct sock_filter *v;
	size_t len, cap;
} insn_list;

/* Jump targets fixed up once the prologue's length is known. */
#define TARGET_ENOSYS 0xfe
#define TARGET_MAIN 0xff

static void emit(insn_list *l, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/* The prologue for the architectures in arches (libseccomp tokens), ending in
 * "return ENOSYS"; the program that follows it is libseccomp's. Each range is
 *     ld arch; jeq audit ? : next; ld nr; [jge lo ? : next;] [jge hi ? next :;]
 *     jgt max ? ENOSYS : MAIN
 * A syscall that matches no range falls through to libseccomp's program, which
 * checks the architecture again and applies the filter's bad-arch action. */
static void build_prologue(const vakt_sc_policy *pol, const uint32_t *arches, size_t narches,
			   insn_list *l)
{
	for (size_t r = 0; r < VAKT_ARRAY_SIZE(nr_ranges); r++) {
		const nr_range *rg = &nr_ranges[r];
		bool in = false;
		for (size_t a = 0; a < narches; a++)
			in |= arches[a] == rg->token;
		if (!in)
			continue;
		long max = vakt_sc_policy_max_nr(pol, rg->token, rg->lo, rg->hi);
		if (max < 0)
			continue; /* nothing named in this block: leave it all to the policy (EPERM) */
		uint8_t rest = (uint8_t)(1 + (rg->lo ? 1 : 0) + (rg->hi ? 1 : 0) + 1);
		emit(l, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
		emit(l, BPF_JMP | BPF_JEQ | BPF_K, 0, rest, rg->audit);
		emit(l, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
		if (rg->lo)
			emit(l, BPF_JMP | BPF_JGE | BPF_K, 0, (uint8_t)(rg->hi ? 2 : 1), rg->lo);
		if (rg->hi)
			emit(l, BPF_JMP | BPF_JGE | BPF_K, 1, 0, rg->hi);
		emit(l, BPF_JMP | BPF_JGT | BPF_K, TARGET_ENOSYS, TARGET_MAIN, (uint32_t)max);
	}
	if (l->len == 0)
		return;
	size_t enosys = l->len;
	emit(l, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	/* The prologue is at most 6 instructions per range, 7 ranges: every offset fits
	 * the 8-bit jump fields. */
	for (size_t i = 0; i < enosys; i++) {
		struct sock_filter *f = &l->v[i];
		if (BPF_CLASS(f->code) != BPF_JMP || f->jt != TARGET_ENOSYS)
			continue;
		f->jt = (uint8_t)(enosys - i - 1);
		f->jf = (uint8_t)(enosys + 1 - i - 1);
	}
}

/* ---- the compiler ---------------------------------------------------------------------- */

static uint32_t scmp_action(vakt_sc_action a, unsigned e)
{
	switch (a) {
	case VAKT_SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case VAKT_SC_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case VAKT_SC_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case VAKT_SC_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case VAKT_SC_TRAP:
		return SCMP_ACT_TRAP;
	case VAKT_SC_TRACE:
		return SCMP_ACT_TRACE(e);
	case VAKT_SC_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

static enum scmp_compare scmp_op(vakt_sc_op op)
{
	switch (op) {
	case VAKT_SC_NE:
		return SCMP_CMP_NE;
	case VAKT_SC_LT:
		return SCMP_CMP_LT;
	case VAKT_SC_LE:
		return SCMP_CMP_LE;
	case VAKT_SC_EQ:
		return SCMP_CMP_EQ;
	case VAKT_SC_GE:
		return SCMP_CMP_GE;
	case VAKT_SC_GT:
		return SCMP_CMP_GT;
	case VAKT_SC_MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	default:
		return _SCMP_CMP_MIN; /* rejected by libseccomp */
	}
}

/* Does rule r apply to a container keeping caps, on kernel, for native arch dname?
 * Docker's semantics: includes.caps needs every listed capability, excludes.caps any
 * one; arches compare with the native architecture only (sub-architectures share the
 * native one's rules). */
static bool rule_applies(const vakt_sc_rule *r, uint64_t caps, unsigned kernel, const char *dname)
{
	if (r->min_kernel && kernel < r->min_kernel)
		return false;
	if (r->arches_incl && !list_has(r->arches_incl, dname))
		return false;
	if (r->arches_excl && list_has(r->arches_excl, dname))
		return false;
	for (const char *const *c = r->caps_incl; c && *c; c++) {
		int nr = vakt_sc_cap_number(*c);
		if (nr < 0 || !(caps & (UINT64_C(1) << nr)))
			return false;
	}
	for (const char *const *c = r->caps_excl; c && *c; c++) {
		int nr = vakt_sc_cap_number(*c);
		if (nr >= 0 && (caps & (UINT64_C(1) << nr)))
			return false;
	}
	return true;
}

static void scmp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int add_rule(scmp_filter_ctx ctx, const vakt_sc_rule *r, uint32_t act, const char *name,
		    vakt_error **err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0; /* not known to this libseccomp: stays EPERM, or ENOSYS if newer */

	struct scmp_arg_cmp cmp[6];
	bool repeated = false;
	for (size_t i = 0; i < r->nargs; i++)
		for (size_t j = 0; j < i; j++)
			repeated |= r->args[i].index == r->args[j].index;
	for (size_t i = 0; i < r->nargs; i++)
		cmp[i] = (struct scmp_arg_cmp){ .arg = r->args[i].index, .op = scmp_op(r->args[i].op),
						.datum_a = r->args[i].value, .datum_b = r->args[i].value_two };
	int rc;
	if (!repeated) {
		rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->nargs, cmp);
	} else {
		/* Two conditions on one argument cannot both hold as "and" (libseccomp
		 * refuses them); Docker and runc read them as "or": one rule each. */
		rc = 0;
		for (size_t i = 0; i < r->nargs && rc == 0; i++)
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
	}
	if (rc < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "seccomp rule for %s: %s", name, strerror(-rc));
	return 0;
}

/* Read the exported program back from the memfd libseccomp wrote it to. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret, size_t *ret_len, vakt_error **err)
{
	_cleanup_close_ int fd = memfd_create("vakt-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "seccomp: memfd_create: %s", strerror(errno));
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "seccomp: exporting the filter: %s", strerror(-rc));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "seccomp: fstat: %s", strerror(errno));
	size_t size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0 || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return vakt_error_set(err, VAKT_E_INVALID, "seccomp: exported filter has %zu bytes", size);
	_cleanup_free_ struct sock_filter *v = xmalloc(size);
	for (size_t off = 0; off < size;) {
		ssize_t n = pread(fd, (char *)v + off, size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vakt_error_set(err, VAKT_E_IO, "seccomp: reading the filter back: %s",
					      n < 0 ? strerror(errno) : "short read");
		off += (size_t)n;
	}
	*ret_len = size / sizeof(struct sock_filter);
	*ret = TAKE_PTR(v);
	return 0;
}

/* The sub-architectures of native, from Docker's archMap (see the table in
 * seccomp_policy.c); unknown names are skipped. */
static size_t policy_arches(const vakt_sc_policy *pol, uint32_t native, uint32_t *out, size_t max)
{
	size_t n = 0;
	out[n++] = native;
	for (size_t i = 0; i < pol->narchmap; i++) {
		if (arch_token(pol->archmap[i].arch) != native)
			continue;
		for (const char *const *s = pol->archmap[i].sub; s && *s && n < max; s++) {
			uint32_t t = arch_token(*s);
			if (t && t != native)
				out[n++] = t;
		}
	}
	return n;
}

int vakt_sc_compile(const vakt_sc_policy *pol, uint64_t caps, unsigned kernel, vakt_seccomp_prog *ret,
		    vakt_error **err)
{
	uint32_t def = scmp_action(pol->default_action, pol->default_errno);
	_cleanup_(scmp_releasep) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return vakt_error_set(err, VAKT_E_INVALID, "seccomp: cannot initialise a filter");
	/* a binary tree of syscall numbers instead of a linear list: a shorter path for
	 * every system call the container makes */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	uint32_t native = seccomp_arch_native();
	uint32_t arches[8];
	size_t narches = policy_arches(pol, native, arches, VAKT_ARRAY_SIZE(arches));
	for (size_t i = 1; i < narches; i++) {
		int rc = seccomp_arch_add(ctx, arches[i]);
		if (rc < 0 && rc != -EEXIST)
			return vakt_error_set(err, VAKT_E_INVALID, "seccomp: adding architecture %#x: %s",
					      arches[i], strerror(-rc));
	}

	const char *dname = arch_docker_name(native);
	for (size_t i = 0; i < pol->nrules; i++) {
		const vakt_sc_rule *r = &pol->rules[i];
		if (!rule_applies(r, caps, kernel, dname))
			continue;
		uint32_t act = scmp_action(r->action, r->errno_ret);
		if (act == def)
			continue; /* libseccomp refuses rules that repeat the default; they change nothing */
		for (const char *const *n = r->names; n && *n; n++) {
			int rc = add_rule(ctx, r, act, *n, err);
			if (rc < 0)
				return rc;
		}
	}

	_cleanup_free_ struct sock_filter *body = NULL;
	size_t body_len = 0;
	int rc = export_bpf(ctx, &body, &body_len, err);
	if (rc < 0)
		return rc;

	insn_list l = { 0 };
	/* A denylist (default allow or log) has no "newer than the list": everything
	 * unnamed is allowed already, and an ENOSYS cut-off would break it (runc skips
	 * the stub for these defaults too). */
	if (pol->default_action != VAKT_SC_ALLOW && pol->default_action != VAKT_SC_LOG)
		build_prologue(pol, arches, narches, &l);
	if (l.len + body_len > BPF_MAXINSNS) {
		free(l.v);
		return vakt_error_set(err, VAKT_E_LIMIT, "seccomp: filter has %zu instructions (limit %d)",
				      l.len + body_len, BPF_MAXINSNS);
	}
	struct sock_filter *all = xreallocarray(l.v, l.len + body_len, sizeof(*all));
	memcpy(all + l.len, body, body_len * sizeof(*all));
	*ret = (vakt_seccomp_prog){ .filter = all, .len = l.len + body_len, .builtin = false };
	return 0;
}

/* ---- Docker JSON profiles ------------------------------------------------------------------- */

/* A profile read from a file: its policy and the memory behind it. */
typedef struct profile {
	vakt_arena arena;
	vakt_sc_policy pol;
} profile;

static int perr(vakt_error **err, const char *file, const char *field, const char *what)
{
	return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "seccomp profile: %s: %s", field, what);
}


static const struct {
	const char *name;
	vakt_sc_action action;
} action_names[] = {
	{ "SCMP_ACT_ALLOW", VAKT_SC_ALLOW },
	{ "SCMP_ACT_ERRNO", VAKT_SC_ERRNO },
	{ "SCMP_ACT_KILL", VAKT_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", VAKT_SC_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", VAKT_SC_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", VAKT_SC_TRAP },
	{ "SCMP_ACT_TRACE", VAKT_SC_TRACE },
	{ "SCMP_ACT_LOG", VAKT_SC_LOG },
};

static const struct {
	const char *name;
	vakt_sc_op op;
} op_names[] = {
	{ "SCMP_CMP_NE", VAKT_SC_NE }, { "SCMP_CMP_LT", VAKT_SC_LT }, { "SCMP_CMP_LE", VAKT_SC_LE },
	{ "SCMP_CMP_EQ", VAKT_SC_EQ }, { "SCMP_CMP_GE", VAKT_SC_GE }, { "SCMP_CMP_GT", VAKT_SC_GT },
	{ "SCMP_CMP_MASKED_EQ", VAKT_SC_MASKED_EQ },
};

/* The action named by a JSON string and the errno or trace value beside it. */
static int read_action(const char *file, const char *field, json_t *act, json_t *eret, unsigned def_errno,
		       vakt_sc_action *ret_action, unsigned *ret_errno, vakt_error **err)
{
	if (!json_is_string(act))
		return perr(err, file, field, "must be a string naming an action (SCMP_ACT_...)");
	size_t i = 0;
	while (i < VAKT_ARRAY_SIZE(action_names) && strcmp(action_names[i].name, json_string_value(act)) != 0)
		i++;
	if (i == VAKT_ARRAY_SIZE(action_names))
		return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "seccomp profile: %s: unknown action \"%s\"",
					 field, json_string_value(act));
	*ret_action = action_names[i].action;
	*ret_errno = def_errno;
	if (eret && !json_is_null(eret)) {
		if (!json_is_integer(eret) || json_integer_value(eret) < 0 || json_integer_value(eret) > 4095)
			return perr(err, file, field, "errnoRet must be an integer from 0 to 4095");
		*ret_errno = (unsigned)json_integer_value(eret);
	}
	return 0;
}

/* A NULL-terminated copy of a JSON array of strings (NULL for a missing or null list). */
static int read_strings(profile *p, const char *file, const char *field, json_t *arr, size_t max,
			const char *const **ret, vakt_error **err)
{
	*ret = NULL;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return perr(err, file, field, "must be an array of strings");
	if (json_array_size(arr) > max)
		return vakt_error_set_at(err, VAKT_E_LIMIT, file, 0, 0, "seccomp profile: %s: more than %zu entries",
					 field, max);
	const char **v = vakt_arena_calloc(&p->arena, json_array_size(arr) + 1, sizeof(*v));
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		if (!json_is_string(e))
			return perr(err, file, field, "must be an array of strings");
		v[i] = vakt_arena_strdup(&p->arena, json_string_value(e));
	}
	*ret = v;
	return 0;
}

/* "4.8" -> 4008. */
static bool parse_kernel(const char *s, unsigned *ret)
{
	unsigned major, minor;
	int n = 0;
	if (sscanf(s, "%3u.%3u%n", &major, &minor, &n) != 2 || s[n] != '\0')
		return false;
	*ret = major * 1000 + minor;
	return true;
}

static int read_conditions(profile *p, const char *file, const char *field, json_t *o, bool include,
			   vakt_sc_rule *r, vakt_error **err)
{
	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return perr(err, file, field, "must be an object");
	_cleanup_free_ char *f = xasprintf("%s.caps", field);
	const char *const *caps;
	int rc = read_strings(p, file, f, json_object_get(o, "caps"), PROFILE_MAX_LIST, &caps, err);
	if (rc < 0)
		return rc;
	for (const char *const *c = caps; c && *c; c++)
		if (vakt_sc_cap_number(*c) < 0)
			return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
						 "seccomp profile: %s: unknown capability \"%s\"", f, *c);
	free(f);
	f = xasprintf("%s.arches", field);
	const char *const *arches;
	rc = read_strings(p, file, f, json_object_get(o, "arches"), PROFILE_MAX_LIST, &arches, err);
	if (rc < 0)
		return rc;
	if (include) {
		r->caps_incl = caps, r->arches_incl = arches;
		json_t *mk = json_object_get(o, "minKernel");
		free(f);
		f = xasprintf("%s.minKernel", field);
		if (mk && !json_is_null(mk) &&
		    (!json_is_string(mk) || !parse_kernel(json_string_value(mk), &r->min_kernel)))
			return perr(err, file, f, "must be a kernel version \"major.minor\"");
	} else {
		r->caps_excl = caps, r->arches_excl = arches;
	}
	return 0;
}

static int read_args(profile *p, const char *file, const char *field, json_t *arr, vakt_sc_rule *r,
		     vakt_error **err)
{
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 6)
		return perr(err, file, field, "must be an array of at most 6 conditions");
	vakt_sc_arg *args = vakt_arena_calloc(&p->arena, json_array_size(arr) + 1, sizeof(*args));
	size_t i;
	json_t *a;
	json_array_foreach (arr, i, a) {
		_cleanup_free_ char *f = xasprintf("%s[%zu]", field, i);
		json_t *idx = json_object_get(a, "index"), *val = json_object_get(a, "value");
		json_t *v2 = json_object_get(a, "valueTwo"), *op = json_object_get(a, "op");
		if (!json_is_object(a))
			return perr(err, file, f, "must be an object");
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 || json_integer_value(idx) > 5)
			return perr(err, file, f, "index must be an integer from 0 to 5");
		/* jansson holds integers as json_int_t (long long): Docker writes values up
		 * to 2^64-1 for 64-bit masks, which do not fit; refuse rather than wrap. */
		if (!json_is_integer(val) || json_integer_value(val) < 0)
			return perr(err, file, f, "value must be a non-negative integer");
		if (v2 && !json_is_null(v2) && (!json_is_integer(v2) || json_integer_value(v2) < 0))
			return perr(err, file, f, "valueTwo must be a non-negative integer");
		if (!json_is_string(op))
			return perr(err, file, f, "op must be a string (SCMP_CMP_...)");
		size_t k = 0;
		while (k < VAKT_ARRAY_SIZE(op_names) && strcmp(op_names[k].name, json_string_value(op)) != 0)
			k++;
		if (k == VAKT_ARRAY_SIZE(op_names))
			return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
						 "seccomp profile: %s.op: unknown operator \"%s\"", f, json_string_value(op));
		args[i] = (vakt_sc_arg){ .index = (unsigned)json_integer_value(idx), .op = op_names[k].op,
					 .value = (uint64_t)json_integer_value(val),
					 .value_two = v2 && json_is_integer(v2) ? (uint64_t)json_integer_value(v2) : 0 };
	}
	r->args = args;
	r->nargs = json_array_size(arr);
	return 0;
}

static int read_rule(profile *p, const char *file, size_t i, json_t *o, vakt_sc_rule *r, vakt_error **err)
{
	_cleanup_free_ char *field = xasprintf("syscalls[%zu]", i);
	if (!json_is_object(o))
		return perr(err, file, field, "must be an object");
	_cleanup_free_ char *f = xasprintf("%s.names", field);
	json_t *names = json_object_get(o, "names");
	int rc;
	if (!names && json_is_string(json_object_get(o, "name"))) {
		/* the old format: one "name" */
		const char **v = vakt_arena_calloc(&p->arena, 2, sizeof(*v));
		v[0] = vakt_arena_strdup(&p->arena, json_string_value(json_object_get(o, "name")));
		r->names = v;
	} else if ((rc = read_strings(p, file, f, names, PROFILE_MAX_NAMES, &r->names, err)) < 0) {
		return rc;
	} else if (!r->names) {
		return perr(err, file, f, "missing (an array of syscall names)");
	}
	free(f);
	f = xasprintf("%s.action", field);
	rc = read_action(file, f, json_object_get(o, "action"), json_object_get(o, "errnoRet"), 1 /* EPERM */,
			 &r->action, &r->errno_ret, err);
	if (rc < 0)
		return rc;
	free(f);
	f = xasprintf("%s.args", field);
	if ((rc = read_args(p, file, f, json_object_get(o, "args"), r, err)) < 0)
		return rc;
	free(f);
	f = xasprintf("%s.includes", field);
	if ((rc = read_conditions(p, file, f, json_object_get(o, "includes"), true, r, err)) < 0)
		return rc;
	free(f);
	f = xasprintf("%s.excludes", field);
	if ((rc = read_conditions(p, file, f, json_object_get(o, "excludes"), false, r, err)) < 0)
		return rc;
	return 0;
}

static int read_archmap(profile *p, const char *file, json_t *root, vakt_error **err)
{
	json_t *am = json_object_get(root, "archMap");
	json_t *legacy = json_object_get(root, "architectures");
	if (am && !json_is_null(am)) {
		if (!json_is_array(am) || json_array_size(am) > PROFILE_MAX_LIST)
			return perr(err, file, "archMap", "must be an array of at most 64 objects");
		vakt_sc_archmap *v = vakt_arena_calloc(&p->arena, json_array_size(am) + 1, sizeof(*v));
		size_t i;
		json_t *e;
		json_array_foreach (am, i, e) {
			_cleanup_free_ char *f = xasprintf("archMap[%zu]", i);
			json_t *a = json_object_get(e, "architecture");
			if (!json_is_string(a))
				return perr(err, file, f, "architecture must be a string (SCMP_ARCH_...)");
			v[i].arch = vakt_arena_strdup(&p->arena, json_string_value(a));
			_cleanup_free_ char *fs = xasprintf("%s.subArchitectures", f);
			int rc = read_strings(p, file, fs, json_object_get(e, "subArchitectures"), PROFILE_MAX_LIST,
					      &v[i].sub, err);
			if (rc < 0)
				return rc;
		}
		p->pol.archmap = v;
		p->pol.narchmap = json_array_size(am);
	} else if (legacy && !json_is_null(legacy)) {
		/* "architectures": the filter covers every one listed; as an archMap, each
		 * one maps to the whole list. */
		const char *const *list;
		int rc = read_strings(p, file, "architectures", legacy, PROFILE_MAX_LIST, &list, err);
		if (rc < 0)
			return rc;
		size_t n = json_array_size(legacy);
		vakt_sc_archmap *v = vakt_arena_calloc(&p->arena, n + 1, sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[i] = (vakt_sc_archmap){ .arch = list[i], .sub = list };
		p->pol.archmap = v;
		p->pol.narchmap = n;
	}
	return 0;
}

/* Read a Docker-format profile into p (its arena initialised by the caller). */
static int read_profile(profile *p, const char *file, vakt_error **err)
{
	_cleanup_close_ int fd = vakt_open_regular(AT_FDCWD, file, file, err);
	if (fd < 0)
		return fd;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int rc = vakt_read_all(fd, file, PROFILE_MAX_BYTES, &text, &len, err);
	if (rc < 0)
		return rc;
	json_error_t jerr;
	json_auto_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, (unsigned)jerr.line, (unsigned)jerr.column,
					 "seccomp profile: %s", jerr.text);
	if (!json_is_object(root))
		return perr(err, file, "(top level)", "must be an object");

	rc = read_action(file, "defaultAction", json_object_get(root, "defaultAction"),
			 json_object_get(root, "defaultErrnoRet"), 1 /* EPERM */, &p->pol.default_action,
			 &p->pol.default_errno, err);
	if (rc < 0)
		return rc;
	if ((rc = read_archmap(p, file, root, err)) < 0)
		return rc;

	json_t *sc = json_object_get(root, "syscalls");
	if (sc && !json_is_null(sc)) {
		if (!json_is_array(sc))
			return perr(err, file, "syscalls", "must be an array");
		if (json_array_size(sc) > PROFILE_MAX_RULES)
			return vakt_error_set_at(err, VAKT_E_LIMIT, file, 0, 0,
						 "seccomp profile: syscalls: more than %d entries", PROFILE_MAX_RULES);
		vakt_sc_rule *rules = vakt_arena_calloc(&p->arena, json_array_size(sc) + 1, sizeof(*rules));
		size_t i;
		json_t *o;
		json_array_foreach (sc, i, o) {
			if ((rc = read_rule(p, file, i, o, &rules[i], err)) < 0)
				return rc;
		}
		p->pol.rules = rules;
		p->pol.nrules = json_array_size(sc);
	}
	return 0;
}

/* ---- build, free, load ----------------------------------------------------------------------- */

static unsigned running_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2)
		return major * 1000 + minor;
	return 0; /* unknown: every minKernel rule is left out, the safe side */
}

int vakt_seccomp_build(uint64_t caps, unsigned kernel, const char *profile_path, vakt_seccomp_prog *ret,
		       vakt_error **err)
{
	if (kernel == 0)
		kernel = running_kernel();
#ifndef VAKT_SECCOMP_GENERATOR
	/* The built-in program is exactly what vakt_sc_compile gives for these inputs
	 * (the unit test compares them byte for byte): the generator ran the same code on
	 * the same table. It is safe to compile ahead of time because nothing in the
	 * inputs depends on the machine it runs on: syscall numbers are a property of the
	 * architecture ABI, which the build machine's libseccomp resolves for the one
	 * architecture this binary is built for (a cross build would need the generator
	 * to run for the target; see seccomp_gen.c), no capability is kept, and the
	 * running kernel is at least as new as every minKernel condition. Syscalls the
	 * build machine's libseccomp did not know get ENOSYS or EPERM, as they would
	 * from a runtime compile with that libseccomp. */
	if (caps == 0 && !profile_path && kernel >= vakt_sc_policy_max_kernel(&vakt_sc_default_policy)) {
		*ret = (vakt_seccomp_prog){ .filter = (void *)(uintptr_t)vakt_sc_builtin_filter,
					    .len = vakt_sc_builtin_len,
					    .builtin = true };
		return 0;
	}
#endif
	if (!profile_path)
		return vakt_sc_compile(&vakt_sc_default_policy, caps, kernel, ret, err);

	profile p = { 0 };
	vakt_arena_init(&p.arena, 16384);
	int rc = read_profile(&p, profile_path, err);
	if (rc == 0) {
		rc = vakt_sc_compile(&p.pol, caps, kernel, ret, err);
		if (rc < 0)
			vakt_error_set_file(err ? *err : NULL, profile_path);
	}
	vakt_arena_destroy(&p.arena);
	return rc;
}

void vakt_seccomp_prog_free(vakt_seccomp_prog *p)
{
	if (!p)
		return;
	if (!p->builtin)
		free(p->filter);
	*p = (vakt_seccomp_prog){ 0 };
}

int vakt_seccomp_load(const vakt_seccomp_prog *p)
{
	if (!p || !p->filter || p->len == 0 || p->len > BPF_MAXINSNS)
		return -EINVAL;
	struct sock_fprog prog = { .len = (unsigned short)p->len, .filter = p->filter };
	/* prctl rather than seccomp(2) with SECCOMP_FILTER_FLAG_TSYNC: the container's
	 * init is single-threaded between clone and exec, so there are no siblings to
	 * synchronise, and prctl works on every kernel with filter mode (3.5+). The kernel
	 * copies the program, so p may be freed after this. It refuses without
	 * PR_SET_NO_NEW_PRIVS (or CAP_SYS_ADMIN); the caller sets that first, as otherwise
	 * a setuid binary could run under a filter that makes its privilege checks fail.
	 * No allocation, no locks: safe after clone/fork in a multi-threaded parent. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	return 0;
}
