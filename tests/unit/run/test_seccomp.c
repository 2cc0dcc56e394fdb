/* test_seccomp.c - the seccomp filter: built-in program, capabilities, JSON profiles,
 * the ENOSYS cut-off, and the default table against Docker's default profile.
 *
 * Filters are loaded in forked children (a filter cannot be removed). A child checks
 * with its own CHECK macro, writes what failed to stderr and leaves with _exit(): no
 * cmocka longjmp across fork, no atexit handlers, and no LeakSanitizer pass (which would
 * run under the filter and needs ptrace and other syscalls the filter may refuse).
 * Under ASan, _exit() itself calls sigaltstack (__asan_handle_no_return), and a failed
 * check mmaps: the small test profiles allow those two besides what they test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "run/seccomp.h"
#include "run/seccomp_policy.h"

#ifndef DOCKER_DEFAULT_PROFILE
#define DOCKER_DEFAULT_PROFILE "../shared/data/seccomp/docker-default.json"
#endif

/* ---- running checks under a filter ---------------------------------------------------- */

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: child check failed: %s (errno %d)\n", __FILE__, \
				__LINE__, #cond, errno);                                   \
			_exit(1);                                                          \
		}                                                                          \
	} while (0)

/* syscall() that reports -errno, so checks read "== -EPERM". */
#define SYS(...) (syscall(__VA_ARGS__) < 0 ? -errno : 0)

typedef void (*child_fn)(void *arg);

/* Fork; the child loads prog after no_new_privs and runs fn; 0 when it exits 0. */
static int run_filtered(const vakt_seccomp_prog *prog, child_fn fn, void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(2);
		int rc = vakt_seccomp_load(prog);
		if (rc < 0) {
			fprintf(stderr, "vakt_seccomp_load: %s\n", strerror(-rc));
			_exit(3);
		}
		fn(arg);
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		fprintf(stderr, "child killed by signal %d\n", WTERMSIG(st));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static long max_native_nr(const vakt_sc_policy *pol)
{
	uint32_t native = seccomp_arch_native();
	return vakt_sc_policy_max_nr(pol, native, 0, native == SCMP_ARCH_X86_64 ? 0x40000000 : 0);
}

/* ---- the default filter ------------------------------------------------------------------ */

static void default_checks(void *arg)
{
	long max = *(long *)arg;
	CHECK(getpid() > 0);
	CHECK(SYS(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0) == -EPERM);
	CHECK(SYS(SYS_add_key, "user", "x", "y", 1, -3) == -EPERM);
	CHECK(SYS(SYS_request_key, "user", "x", NULL, 0) == -EPERM);
	CHECK(SYS(SYS_unshare, CLONE_NEWUSER) == -EPERM);
	CHECK(SYS(SYS_mount, "none", "/", "tmpfs", 0, NULL) == -EPERM);
	CHECK(SYS(SYS_kexec_load, 0, 0, NULL, 0) == -EPERM);
	CHECK(SYS(SYS_bpf, 0, NULL, 0) == -EPERM);
	/* ptrace: allowed from kernel 4.8 on, as in Docker (see test_caps_ptrace);
	 * tracing oneself fails with ESRCH, not with the filter's EPERM */
	CHECK(SYS(SYS_ptrace, PTRACE_PEEKDATA, getpid(), 0, 0) == -ESRCH);
	/* clone with a CLONE_NEW* flag is refused (the kernel would say EINVAL to this
	 * combination, so a filter that let it through cannot fork here); clone3 falls back */
	CHECK(SYS(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, NULL, NULL, NULL, 0) == -EPERM);
	CHECK(SYS(SYS_clone3, NULL, 0) == -ENOSYS);
	/* above the highest number in the table: ENOSYS, so programs fall back */
	CHECK(SYS(max + 1, 0, 0, 0) == -ENOSYS);
	CHECK(SYS(max + 1000, 0, 0, 0) == -ENOSYS);
	/* personality: the query and the listed personas only */
	CHECK(personality(0xffffffff) >= 0);
	CHECK(personality(PER_LINUX) >= 0);
	CHECK(SYS(SYS_personality, PER_BSD) == -EPERM);
	CHECK(SYS(SYS_personality, PER_LINUX | READ_IMPLIES_EXEC) == -EPERM);
	/* socket: every family but AF_ALG and AF_VSOCK */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s >= 0);
	close(s);
	CHECK(SYS(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0) == -EPERM);
	CHECK(SYS(SYS_socket, AF_VSOCK, SOCK_STREAM, 0) == -EPERM);
}

static void test_default_filter(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	vakt_seccomp_prog prog;
	assert_int_equal(vakt_seccomp_build(0, 0, NULL, &prog, &err), 0);
	assert_true(prog.builtin); /* this kernel is newer than 4.8 */
	long max = max_native_nr(&vakt_sc_default_policy);
	assert_true(max > 400);
	assert_int_equal(run_filtered(&prog, default_checks, &max), 0);
	vakt_seccomp_prog_free(&prog);
}

/* The built-in program is what libseccomp compiles now for the same inputs. */
static void test_builtin_matches_compile(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	vakt_seccomp_prog now;
	unsigned kernel = vakt_sc_policy_max_kernel(&vakt_sc_default_policy);
	assert_int_equal(kernel, 4008);
	assert_int_equal(vakt_sc_compile(&vakt_sc_default_policy, 0, kernel, &now, &err), 0);
	assert_false(now.builtin);
	assert_int_equal(now.len, vakt_sc_builtin_len);
	assert_memory_equal(now.filter, vakt_sc_builtin_filter, now.len * sizeof(struct sock_filter));
	vakt_seccomp_prog_free(&now);

	/* and it is chosen only for its inputs */
	vakt_seccomp_prog p;
	assert_int_equal(vakt_seccomp_build(0, 6001, NULL, &p, &err), 0);
	assert_true(p.builtin);
	assert_ptr_equal(p.filter, vakt_sc_builtin_filter);
	vakt_seccomp_prog_free(&p);
	assert_int_equal(vakt_seccomp_build(0, 4007, NULL, &p, &err), 0);
	assert_false(p.builtin);
	vakt_seccomp_prog_free(&p);
	assert_int_equal(vakt_seccomp_build(UINT64_C(1) << CAP_SYS_PTRACE, 6001, NULL, &p, &err), 0);
	assert_false(p.builtin);
	vakt_seccomp_prog_free(&p);
	vakt_seccomp_prog_free(NULL);
}

/* ---- capabilities and kernel versions ------------------------------------------------------ */

static void ptrace_refused(void *arg)
{
	(void)arg;
	CHECK(SYS(SYS_ptrace, PTRACE_PEEKDATA, getpid(), 0, 0) == -EPERM);
	CHECK(SYS(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0) == -EPERM);
}

static void ptrace_allowed(void *arg)
{
	(void)arg;
	CHECK(SYS(SYS_ptrace, PTRACE_PEEKDATA, getpid(), 0, 0) == -ESRCH);
	CHECK(SYS(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0) != -EPERM);
	CHECK(SYS(SYS_mount, "none", "/", "tmpfs", 0, NULL) == -EPERM); /* still no CAP_SYS_ADMIN */
}

static void sys_admin_allowed(void *arg)
{
	(void)arg;
	/* with CAP_SYS_ADMIN kept, unshare passes the filter (and the kernel decides) */
	CHECK(SYS(SYS_unshare, 0) == 0);
	CHECK(SYS(SYS_clone3, NULL, 0) != -ENOSYS);
}

static void test_caps_ptrace(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	vakt_seccomp_prog p;
	/* before 4.8 ptrace could bypass seccomp, so the default allows it only from 4.8 */
	assert_int_equal(vakt_seccomp_build(0, 4007, NULL, &p, &err), 0);
	assert_int_equal(run_filtered(&p, ptrace_refused, NULL), 0);
	vakt_seccomp_prog_free(&p);
	/* --cap-add SYS_PTRACE allows it (and kcmp, process_vm_*) on any kernel */
	assert_int_equal(vakt_seccomp_build(UINT64_C(1) << CAP_SYS_PTRACE, 4007, NULL, &p, &err), 0);
	assert_int_equal(run_filtered(&p, ptrace_allowed, NULL), 0);
	vakt_seccomp_prog_free(&p);
	assert_int_equal(vakt_seccomp_build(UINT64_C(1) << CAP_SYS_ADMIN, 0, NULL, &p, &err), 0);
	assert_int_equal(run_filtered(&p, sys_admin_allowed, NULL), 0);
	vakt_seccomp_prog_free(&p);
	assert_null(err);
}

/* ---- JSON profiles ---------------------------------------------------------------------------- */

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/vakt-seccomp-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char allow_list_profile[] =
	"{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
	"  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_X86_64\",\n"
	"                 \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] } ],\n"
	"  \"syscalls\": [\n"
	"    { \"names\": [\"exit\", \"exit_group\", \"write\", \"getpid\", \"rt_sigreturn\",\n"
	"                  \"sigaltstack\", \"mmap\", \"munmap\",\n"
	"                  \"no_such_syscall_at_all\"], \"action\": \"SCMP_ACT_ALLOW\" },\n"
	"    { \"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13 },\n"
	"    { \"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"args\": [ { \"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
	"    { \"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"includes\": { \"caps\": [\"CAP_SYS_ADMIN\"] } }\n"
	"  ] }\n";

static void allow_list_checks(void *arg)
{
	(void)arg;
	CHECK(SYS(SYS_getpid) == 0);
	CHECK(SYS(SYS_uname, NULL) == -EACCES);
	CHECK(SYS(SYS_getppid) == -EPERM);
	CHECK(SYS(SYS_personality, 0xffffffff) == 0);
	CHECK(SYS(SYS_personality, PER_LINUX) == -EPERM);
	CHECK(SYS(SYS_mount, "none", "/", "tmpfs", 0, NULL) == -EPERM);
	/* the highest number this profile names is exit_group (231): above it ENOSYS */
	CHECK(SYS(SYS_exit_group + 1, 0, 0, 0) == -ENOSYS);
}

static const char deny_list_profile[] =
	"{ \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	"  \"syscalls\": [ { \"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22 } ] }\n";

static void deny_list_checks(void *arg)
{
	(void)arg;
	CHECK(SYS(SYS_getppid) == -EINVAL);
	CHECK(getpid() > 0);
	CHECK(personality(0xffffffff) >= 0);
	/* no ENOSYS cut-off for a default-allow profile: the syscalls above getppid work */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(s >= 0);
	close(s);
}

static void test_profile_file(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	vakt_seccomp_prog p;
	char *path = write_temp(allow_list_profile);
	assert_int_equal(vakt_seccomp_build(0, 0, path, &p, &err), 0);
	assert_false(p.builtin);
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		assert_int_equal(run_filtered(&p, allow_list_checks, NULL), 0);
	vakt_seccomp_prog_free(&p);
	unlink(path);
	free(path);

	path = write_temp(deny_list_profile);
	assert_int_equal(vakt_seccomp_build(0, 0, path, &p, &err), 0);
	assert_int_equal(run_filtered(&p, deny_list_checks, NULL), 0);
	vakt_seccomp_prog_free(&p);
	unlink(path);
	free(path);

	/* Docker's own default profile, read as a file, gives the built-in program */
	if (access(DOCKER_DEFAULT_PROFILE, R_OK) == 0) {
		unsigned kernel = vakt_sc_policy_max_kernel(&vakt_sc_default_policy);
		assert_int_equal(vakt_seccomp_build(0, kernel, DOCKER_DEFAULT_PROFILE, &p, &err), 0);
		assert_int_equal(p.len, vakt_sc_builtin_len);
		assert_memory_equal(p.filter, vakt_sc_builtin_filter, p.len * sizeof(struct sock_filter));
		vakt_seccomp_prog_free(&p);
	}
	assert_null(err);
}

static void test_profile_errors(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		int code;
		const char *want; /* in the message */
	} cases[] = {
		{ "{ \"defaultAction\": ", VAKT_E_PARSE, "seccomp profile" },
		{ "[]", VAKT_E_INVALID, "must be an object" },
		{ "{}", VAKT_E_INVALID, "defaultAction" },
		{ "{ \"defaultAction\": \"SCMP_ACT_NOPE\" }", VAKT_E_INVALID, "unknown action \"SCMP_ACT_NOPE\"" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1 }", VAKT_E_INVALID, "errnoRet" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {} }", VAKT_E_INVALID, "syscalls:" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"action\": \"SCMP_ACT_ALLOW\" } ] }",
		  VAKT_E_INVALID, "syscalls[0].names" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\", 3], "
		  "\"action\": \"SCMP_ACT_ALLOW\" } ] }",
		  VAKT_E_INVALID, "syscalls[0].names" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\" }, { \"names\": [\"read\"], \"action\": 1 } ] }",
		  VAKT_E_INVALID, "syscalls[1].action" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" } ] } ] }",
		  VAKT_E_INVALID, "syscalls[0].args[0]: index" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ABOUT\" } ] } ] }",
		  VAKT_E_INVALID, "syscalls[0].args[0].op: unknown operator" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": { \"caps\": [\"CAP_FLY\"] } } ] }",
		  VAKT_E_INVALID, "syscalls[0].includes.caps: unknown capability \"CAP_FLY\"" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": { \"minKernel\": \"four\" } } ] }",
		  VAKT_E_INVALID, "syscalls[0].includes.minKernel" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [ { \"architecture\": 1 } ] }",
		  VAKT_E_INVALID, "archMap[0]" },
		{ "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\" }", VAKT_E_PARSE,
		  "duplicate" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = write_temp(cases[i].json);
		vakt_error *err = NULL;
		vakt_seccomp_prog p = { 0 };
		int rc = vakt_seccomp_build(0, 0, path, &p, &err);
		if (rc != cases[i].code || !err || !strstr(err->msg, cases[i].want) || !err->file ||
		    strcmp(err->file, path) != 0)
			fail_msg("case %zu: rc %d, message \"%s\" (want %d, \"%s\")", i, rc, err ? err->msg : "",
				 cases[i].code, cases[i].want);
		assert_null(p.filter);
		vakt_error_free(err);
		unlink(path);
		free(path);
	}
	vakt_error *err = NULL;
	vakt_seccomp_prog p = { 0 };
	assert_int_equal(vakt_seccomp_build(0, 0, "/nonexistent/profile.json", &p, &err), VAKT_E_IO);
	assert_non_null(strstr(err->msg, "/nonexistent/profile.json") ? err->msg : err->file);
	vakt_error_free(err);
}

static void test_load_rejects(void **state)
{
	(void)state;
	vakt_seccomp_prog empty = { 0 };
	assert_int_equal(vakt_seccomp_load(&empty), -EINVAL);
	assert_int_equal(vakt_seccomp_load(NULL), -EINVAL);
}

/* ---- drift: the table against Docker's default profile ---------------------------------------- */

static const char *const op_json[] = {
	[VAKT_SC_NE] = "SCMP_CMP_NE", [VAKT_SC_LT] = "SCMP_CMP_LT", [VAKT_SC_LE] = "SCMP_CMP_LE",
	[VAKT_SC_EQ] = "SCMP_CMP_EQ", [VAKT_SC_GE] = "SCMP_CMP_GE", [VAKT_SC_GT] = "SCMP_CMP_GT",
	[VAKT_SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static void cat(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s", s);
}

static void cat_list(char *buf, size_t size, const char *what, const char *const *l)
{
	if (!l || !*l)
		return;
	cat(buf, size, what);
	for (; *l; l++) {
		cat(buf, size, *l);
		cat(buf, size, ",");
	}
}

/* One line per (syscall name, entry): "name|action|errno|args|conditions". */
static char *table_line(const vakt_sc_rule *r, const char *name)
{
	char buf[2048] = "";
	snprintf(buf, sizeof(buf), "%s|%s|%u|", name, r->action == VAKT_SC_ALLOW ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO",
		 r->action == VAKT_SC_ERRNO ? r->errno_ret : 0);
	for (size_t i = 0; i < r->nargs; i++) {
		char a[128];
		snprintf(a, sizeof(a), "%u:%s:%llu:%llu;", r->args[i].index, op_json[r->args[i].op],
			 (unsigned long long)r->args[i].value, (unsigned long long)r->args[i].value_two);
		cat(buf, sizeof(buf), a);
	}
	if (r->min_kernel) {
		char k[32];
		snprintf(k, sizeof(k), "|minKernel=%u.%u", r->min_kernel / 1000, r->min_kernel % 1000);
		cat(buf, sizeof(buf), k);
	}
	cat_list(buf, sizeof(buf), "|+caps=", r->caps_incl);
	cat_list(buf, sizeof(buf), "|+arches=", r->arches_incl);
	cat_list(buf, sizeof(buf), "|-caps=", r->caps_excl);
	cat_list(buf, sizeof(buf), "|-arches=", r->arches_excl);
	return strdup(buf);
}

static void json_list(char *buf, size_t size, const char *what, json_t *arr)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return;
	cat(buf, size, what);
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		cat(buf, size, json_string_value(e));
		cat(buf, size, ",");
	}
}

static char *json_line(json_t *o, const char *name)
{
	char buf[2048] = "";
	const char *action = json_string_value(json_object_get(o, "action"));
	json_t *eret = json_object_get(o, "errnoRet");
	snprintf(buf, sizeof(buf), "%s|%s|%lld|", name, action,
		 strcmp(action, "SCMP_ACT_ERRNO") == 0 ? (eret ? (long long)json_integer_value(eret) : 1) : 0);
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(o, "args"), i, a) {
		char s[128];
		json_t *v2 = json_object_get(a, "valueTwo");
		snprintf(s, sizeof(s), "%lld:%s:%llu:%llu;", (long long)json_integer_value(json_object_get(a, "index")),
			 json_string_value(json_object_get(a, "op")),
			 (unsigned long long)json_integer_value(json_object_get(a, "value")),
			 (unsigned long long)(v2 ? json_integer_value(v2) : 0));
		cat(buf, sizeof(buf), s);
	}
	json_t *inc = json_object_get(o, "includes"), *exc = json_object_get(o, "excludes");
	json_t *mk = json_object_get(inc, "minKernel");
	if (json_is_string(mk)) {
		cat(buf, sizeof(buf), "|minKernel=");
		cat(buf, sizeof(buf), json_string_value(mk));
	}
	json_list(buf, sizeof(buf), "|+caps=", json_object_get(inc, "caps"));
	json_list(buf, sizeof(buf), "|+arches=", json_object_get(inc, "arches"));
	json_list(buf, sizeof(buf), "|-caps=", json_object_get(exc, "caps"));
	json_list(buf, sizeof(buf), "|-arches=", json_object_get(exc, "arches"));
	return strdup(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct lines {
	char **v;
	size_t n, cap;
} lines;

static void push(lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n++] = s;
}

static void test_drift_docker_default(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *root = json_load_file(DOCKER_DEFAULT_PROFILE, 0, &jerr);
	if (!root) {
		print_message("SKIP drift test: %s not readable (%s); the table cannot be compared "
			      "with Docker's default profile in this checkout\n",
			      DOCKER_DEFAULT_PROFILE, jerr.text);
		skip();
	}
	const vakt_sc_policy *pol = &vakt_sc_default_policy;
	assert_string_equal(json_string_value(json_object_get(root, "defaultAction")), "SCMP_ACT_ERRNO");
	assert_int_equal(pol->default_action, VAKT_SC_ERRNO);
	json_t *der = json_object_get(root, "defaultErrnoRet");
	assert_int_equal(pol->default_errno, der ? (unsigned)json_integer_value(der) : 1);

	/* archMap, in order */
	json_t *am = json_object_get(root, "archMap");
	assert_int_equal(json_array_size(am), pol->narchmap);
	for (size_t i = 0; i < pol->narchmap; i++) {
		json_t *e = json_array_get(am, i);
		assert_string_equal(json_string_value(json_object_get(e, "architecture")), pol->archmap[i].arch);
		json_t *sub = json_object_get(e, "subArchitectures");
		size_t n = 0;
		for (const char *const *s = pol->archmap[i].sub; s && *s; s++, n++)
			assert_string_equal(json_string_value(json_array_get(sub, n)), *s);
		assert_int_equal(json_is_array(sub) ? json_array_size(sub) : 0, n);
	}

	/* every (name, entry) of each side, sorted, must be the same multiset */
	lines t = { 0 }, j = { 0 };
	for (size_t i = 0; i < pol->nrules; i++)
		for (const char *const *n = pol->rules[i].names; *n; n++)
			push(&t, table_line(&pol->rules[i], *n));
	size_t i;
	json_t *o;
	json_array_foreach (json_object_get(root, "syscalls"), i, o) {
		size_t k;
		json_t *n;
		/* a key the comparison does not know would be a rule it silently ignores */
		const char *key;
		json_t *v;
		json_object_foreach (o, key, v) {
			if (strcmp(key, "names") && strcmp(key, "action") && strcmp(key, "errnoRet") &&
			    strcmp(key, "args") && strcmp(key, "includes") && strcmp(key, "excludes") &&
			    strcmp(key, "comment"))
				fail_msg("syscalls[%zu]: key \"%s\" not compared", i, key);
		}
		json_array_foreach (json_object_get(o, "names"), k, n)
			push(&j, json_line(o, json_string_value(n)));
	}
	qsort(t.v, t.n, sizeof(*t.v), cmp_str);
	qsort(j.v, j.n, sizeof(*j.v), cmp_str);
	size_t a = 0, b = 0, diffs = 0;
	while (a < t.n || b < j.n) {
		int c = a == t.n ? 1 : b == j.n ? -1 : strcmp(t.v[a], j.v[b]);
		if (c == 0) {
			a++, b++;
			continue;
		}
		diffs++;
		if (c < 0)
			print_message("only in vakt's table:  %s\n", t.v[a++]);
		else
			print_message("only in Docker's JSON: %s\n", j.v[b++]);
	}
	print_message("drift: %zu entries compared, %zu differences\n", t.n, diffs);
	for (size_t k = 0; k < t.n; k++)
		free(t.v[k]);
	for (size_t k = 0; k < j.n; k++)
		free(j.v[k]);
	free(t.v);
	free(j.v);
	json_decref(root);
	assert_int_equal(diffs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_filter),   cmocka_unit_test(test_builtin_matches_compile),
		cmocka_unit_test(test_caps_ptrace),      cmocka_unit_test(test_profile_file),
		cmocka_unit_test(test_profile_errors),   cmocka_unit_test(test_load_rejects),
		cmocka_unit_test(test_drift_docker_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
