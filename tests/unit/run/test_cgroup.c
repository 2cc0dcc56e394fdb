/* test_cgroup.c - cgroup limits: the --memory/--cpus parsers, v2 and v1 against fake
 * trees in a temporary directory, and (with --real) the host's hierarchies for real.
 *
 *   unit_run_test_cgroup          parsers and fake trees (no privileges needed)
 *   unit_run_test_cgroup --real   a real group: membership, OOM kill, pids limit; exits
 *                                 77 when not root or the kernel has no memory cgroup
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "run/cgroup.h"

/* ---- helpers -------------------------------------------------------------------------- */

static void put(const char *dir, const char *name, const char *content)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	free(p);
}

/* The file's content, trailing newline removed ("" if absent: checked by callers). */
static char *get(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return xstrdup("<missing>");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	return xstrdup(buf);
}

static void assert_file(const char *dir, const char *name, const char *want)
{
	char *got = get(dir, name);
	if (strcmp(got, want) != 0)
		fail_msg("%s/%s: got \"%s\", want \"%s\"", dir, name, got, want);
	free(got);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* exists() of a formatted path */
static bool existsf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool existsf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = NULL;
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	bool r = exists(p);
	free(p);
	return r;
}

static void mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
	free(p);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct warnings {
	int n;
	char last[512];
} warnings;

static void on_warn(const char *msg, void *ud)
{
	warnings *w = ud;
	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

/* ---- parsers -------------------------------------------------------------------------- */

static void test_parse_bytes(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_true(vakt_parse_bytes("512m", &v));
	assert_int_equal(v, 512ll << 20);
	assert_true(vakt_parse_bytes("1g", &v));
	assert_int_equal(v, 1ll << 30);
	assert_true(vakt_parse_bytes("1G", &v));
	assert_int_equal(v, 1ll << 30);
	assert_true(vakt_parse_bytes("1024", &v));
	assert_int_equal(v, 1024);
	assert_true(vakt_parse_bytes("1.5g", &v));
	assert_int_equal(v, 3ll << 29);
	assert_true(vakt_parse_bytes("64MiB", &v));
	assert_int_equal(v, 64ll << 20);
	assert_true(vakt_parse_bytes("2kb", &v));
	assert_int_equal(v, 2048);
	assert_true(vakt_parse_bytes("100b", &v));
	assert_int_equal(v, 100);
	assert_true(vakt_parse_bytes("8e", &v) == false);
	assert_true(vakt_parse_bytes("7p", &v));
	assert_int_equal(v, 7ll << 50);

	const char *bad[] = {"",
			     "m",
			     "-1",
			     "+1",
			     " 1",
			     "1 ",
			     "1 g",
			     "1.",
			     ".5",
			     "1..5",
			     "1.5.2",
			     "12x",
			     "1gg",
			     "1bi",
			     "0x10",
			     "1e3",
			     "99999999999g",
			     "8192p",
			     "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (vakt_parse_bytes(bad[i], &v))
			fail_msg("\"%s\" accepted as %lld", bad[i], (long long)v);
		assert_int_equal(v, 42); /* untouched on failure */
	}
	assert_false(vakt_parse_bytes(NULL, &v));
}

static void test_parse_cpus(void **state)
{
	(void)state;
	int64_t q = -1, p = -1;
	assert_true(vakt_parse_cpus("1.5", &q, &p));
	assert_int_equal(q, 150000);
	assert_int_equal(p, 100000);
	assert_true(vakt_parse_cpus("2", &q, &p));
	assert_int_equal(q, 200000);
	assert_true(vakt_parse_cpus("0.5", &q, &p));
	assert_int_equal(q, 50000);
	assert_true(vakt_parse_cpus(".25", &q, &p));
	assert_int_equal(q, 25000);
	assert_true(vakt_parse_cpus("0.01", &q, &p)); /* the kernel's 1 ms minimum */
	assert_int_equal(q, 1000);
	assert_true(vakt_parse_cpus("0.1", &q, &p)); /* exact: no binary floating point */
	assert_int_equal(q, 10000);
	assert_true(vakt_parse_cpus("3.000009", &q, &p)); /* beyond 1e-5: cut */
	assert_int_equal(q, 300000);

	const char *bad[] = {"",   "0",	 "0.0",	  "0.001", "-1",
			     "+1", "1.", "1.5.2", "abc",   "1e3",
			     " 1", "1 ", "1,5",	  ".",	   "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q = p = 42;
		if (vakt_parse_cpus(bad[i], &q, &p))
			fail_msg("\"%s\" accepted as %lld/%lld", bad[i], (long long)q,
				 (long long)p);
		assert_int_equal(q, 42);
		assert_int_equal(p, 42);
	}
	assert_false(vakt_parse_cpus(NULL, &q, &p));
}

/* ---- ids ------------------------------------------------------------------------------ */

static void test_bad_ids(void **state)
{
	(void)state;
	char tmp[] = "/tmp/vakt-cg-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	put(tmp, "cgroup.controllers", "memory pids cpu\n");
	char long_id[80];
	memset(long_id, 'a', 65);
	long_id[65] = 0;
	const char *bad[] = {"", ".", "..", "../x", "a/b", "a.b", "a b", "a\n", "é", long_id};
	vakt_cgroup_limits lim = {0};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vakt_cgroup *cg = NULL;
		vakt_error *e = NULL;
		assert_int_equal(vakt_cgroup_create(tmp, bad[i], &lim, NULL, NULL, &cg, &e),
				 VAKT_E_INVALID);
		assert_null(cg);
		assert_non_null(e);
		vakt_error_free(e);
	}
	assert_false(existsf("%s/vakt", tmp)); /* nothing was made */
	long_id[64] = 0;		       /* 64 is the maximum */
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	assert_int_equal(vakt_cgroup_create(tmp, long_id, &lim, NULL, NULL, &cg, &e), 0);
	vakt_cgroup_destroy(cg);
	rm_tree(tmp);
}

/* ---- v2 fake tree --------------------------------------------------------------------- */

/* Lay out root like a cgroup2 mount with vakt/<id> already holding the files the kernel
 * would create (a plain directory gets none on mkdir). */
static char *fake_v2(const char *controllers, const char *id)
{
	char tmp[] = "/tmp/vakt-cg-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	put(tmp, "cgroup.controllers", controllers);
	put(tmp, "cgroup.subtree_control", "");
	char *vakt = xasprintf("%s/vakt", tmp);
	mkdirs(vakt);
	put(vakt, "cgroup.subtree_control", "");
	if (id) {
		char *g = xasprintf("%s/%s", vakt, id);
		mkdirs(g);
		const char *files[] = {"memory.max", "memory.swap.max", "pids.max",
				       "cpu.max",    "cgroup.procs",	"cgroup.kill"};
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			put(g, files[i], "");
		put(g, "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
		free(g);
	}
	free(vakt);
	return xstrdup(tmp);
}

static void test_v2_fake(void **state)
{
	(void)state;
	char *root = fake_v2("cpuset cpu io memory hugetlb pids rdma misc\n", "c1");
	char *g = xasprintf("%s/vakt/c1", root);
	vakt_cgroup_limits lim = {.memory = 512ll << 20,
				  .pids = 64,
				  .cpu_quota = 150000,
				  .memory_explicit = true,
				  .pids_explicit = true,
				  .cpus_explicit = true};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	warnings w = {0};
	int r = vakt_cgroup_create(root, "c1", &lim, on_warn, &w, &cg, &e);
	if (r < 0)
		fail_msg("create: %s", e->msg);
	assert_int_equal(w.n, 0);
	assert_file(root, "cgroup.subtree_control", "+memory +pids +cpu");
	assert_file(root, "vakt/cgroup.subtree_control", "+memory +pids +cpu");
	assert_file(g, "memory.max", "536870912");
	assert_file(g, "memory.swap.max", "0");
	assert_file(g, "pids.max", "64");
	assert_file(g, "cpu.max", "150000 100000");

	/* the group already had one OOM kill before: only a rise counts */
	assert_false(vakt_cgroup_oom_killed(cg));
	assert_int_equal(vakt_cgroup_attach(cg, 4242, &e), 0);
	assert_file(g, "cgroup.procs", "4242");
	put(g, "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n");
	assert_true(vakt_cgroup_oom_killed(cg));

	/* a nested group the container made, to be removed first; the fake "kernel" has
	 * emptied cgroup.procs */
	char *sub = xasprintf("%s/sub/subsub", g);
	mkdirs(sub);
	free(sub);
	put(g, "cgroup.procs", "");
	vakt_cgroup_destroy(cg);
	assert_file(g, "cgroup.kill", "1");
	assert_false(existsf("%s/sub", g));
	/* g itself holds regular files in the fake tree, so its rmdir fails here */
	rm_tree(root);
	free(g);
	free(root);
}

static void test_v2_fake_controllers_present(void **state)
{
	(void)state;
	/* memory already enabled at the root: only the missing ones are written */
	char *root = fake_v2("memory pids cpu\n", "c2");
	put(root, "cgroup.subtree_control", "memory\n");
	vakt_cgroup_limits lim = {.pids = 10};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	assert_int_equal(vakt_cgroup_create(root, "c2", &lim, NULL, NULL, &cg, &e), 0);
	/* no O_TRUNC on kernfs: the fake file keeps the tail of its old content */
	char *s = get(root, "cgroup.subtree_control");
	assert_true(strncmp(s, "+pids", 5) == 0);
	free(s);
	assert_file(root, "vakt/cgroup.subtree_control", "+memory +pids");
	assert_file(root, "vakt/c2/pids.max", "10");
	assert_file(root, "vakt/c2/memory.max", ""); /* no memory limit asked */
	put(root, "vakt/c2/cgroup.procs", "");
	vakt_cgroup_destroy(cg);
	rm_tree(root);
	free(root);
}

static void test_v2_fake_missing_controller(void **state)
{
	(void)state;
	/* pids asked explicitly but not available: an error, nothing left behind */
	char *root = fake_v2("memory\n", NULL);
	vakt_cgroup_limits lim = {.pids = 100, .pids_explicit = true};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	warnings w = {0};
	assert_true(vakt_cgroup_create(root, "c3", &lim, on_warn, &w, &cg, &e) < 0);
	assert_null(cg);
	assert_non_null(e);
	assert_non_null(strstr(e->msg, "pids"));
	assert_int_equal(w.n, 0);
	e = vakt_error_free(e);

	/* the same as a default: one warning, and the group is made (and removed) */
	lim.pids_explicit = false;
	assert_int_equal(vakt_cgroup_create(root, "c3", &lim, on_warn, &w, &cg, &e), 0);
	assert_null(e);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "pids"));
	char *g = xasprintf("%s/vakt/c3", root);
	assert_true(exists(g));
	vakt_cgroup_destroy(cg);
	assert_false(exists(g)); /* an empty directory in the fake tree: really removed */
	assert_true(existsf("%s/vakt", root)); /* shared by all containers: kept */
	free(g);
	rm_tree(root);
	free(root);
}

static void test_v2_fake_occupied(void **state)
{
	(void)state;
	/* a group with processes in it is another container's: refused, left alone */
	char *root = fake_v2("memory pids\n", "busy");
	put(root, "vakt/busy/cgroup.procs", "1\n");
	vakt_cgroup_limits lim = {0};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	assert_int_equal(vakt_cgroup_create(root, "busy", &lim, NULL, NULL, &cg, &e),
			 VAKT_E_INVALID);
	assert_null(cg);
	assert_non_null(strstr(e->msg, "already exists"));
	vakt_error_free(e);
	assert_true(existsf("%s/vakt/busy/memory.max", root));
	rm_tree(root);
	free(root);
}

static void test_v2_fake_symlink(void **state)
{
	(void)state;
	/* vakt/<id> a symbolic link elsewhere: not followed */
	char *root = fake_v2("memory pids\n", NULL);
	char *target = xasprintf("%s/elsewhere", root);
	mkdirs(target);
	char *link = xasprintf("%s/vakt/evil", root);
	assert_int_equal(symlink(target, link), 0);
	vakt_cgroup_limits lim = {.memory = 1 << 20};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	assert_true(vakt_cgroup_create(root, "evil", &lim, NULL, NULL, &cg, &e) < 0);
	assert_null(cg);
	vakt_error_free(e);
	rm_tree(root);
	free(target);
	free(link);
	free(root);
}

/* ---- v1 fake tree --------------------------------------------------------------------- */

static void test_v1_fake(void **state)
{
	(void)state;
	char tmp[] = "/tmp/vakt-cg-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *mem = xasprintf("%s/memory/vakt/v1", tmp);
	char *pids = xasprintf("%s/pids/vakt/v1", tmp);
	char *cpu = xasprintf("%s/cpu,cpuacct/vakt/v1", tmp);
	mkdirs(mem);
	mkdirs(pids);
	mkdirs(cpu);
	char *cpulink = xasprintf("%s/cpu", tmp);
	assert_int_equal(symlink("cpu,cpuacct", cpulink), 0); /* the usual layout */
	put(mem, "memory.limit_in_bytes", "");
	put(mem, "memory.memsw.limit_in_bytes", "");
	put(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put(mem, "cgroup.procs", "");
	put(pids, "pids.max", "");
	put(pids, "cgroup.procs", "");
	put(cpu, "cpu.cfs_period_us", "");
	put(cpu, "cpu.cfs_quota_us", "");
	put(cpu, "cgroup.procs", "");

	vakt_cgroup_limits lim = {.memory = 64ll << 20,
				  .pids = 16,
				  .cpu_quota = 50000,
				  .cpu_period = 200000,
				  .memory_explicit = true};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	warnings w = {0};
	int r = vakt_cgroup_create(tmp, "v1", &lim, on_warn, &w, &cg, &e);
	if (r < 0)
		fail_msg("create: %s", e->msg);
	assert_int_equal(w.n, 0);
	assert_file(mem, "memory.limit_in_bytes", "67108864");
	assert_file(mem, "memory.memsw.limit_in_bytes", "67108864");
	assert_file(pids, "pids.max", "16");
	assert_file(cpu, "cpu.cfs_period_us", "200000");
	assert_file(cpu, "cpu.cfs_quota_us", "50000");
	assert_false(vakt_cgroup_oom_killed(cg));
	assert_int_equal(vakt_cgroup_attach(cg, 777, &e), 0);
	assert_file(mem, "cgroup.procs", "777");
	assert_file(pids, "cgroup.procs", "777");
	assert_file(cpu, "cgroup.procs", "777");
	put(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	assert_true(vakt_cgroup_oom_killed(cg));
	put(mem, "cgroup.procs", "");
	put(pids, "cgroup.procs", "");
	put(cpu, "cgroup.procs", "");
	vakt_cgroup_destroy(cg);
	rm_tree(tmp);
	free(mem);
	free(pids);
	free(cpu);
	free(cpulink);
}

static void test_v1_fake_no_memory(void **state)
{
	(void)state;
	/* no memory hierarchy: a default limit warns once, an explicit one fails */
	char tmp[] = "/tmp/vakt-cg-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *pids = xasprintf("%s/pids", tmp);
	mkdirs(pids);
	vakt_cgroup_limits lim = {.memory = 64ll << 20};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	warnings w = {0};
	assert_int_equal(vakt_cgroup_create(tmp, "nm", &lim, on_warn, &w, &cg, &e), 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "memory"));
	assert_false(vakt_cgroup_oom_killed(cg));
	char *g = xasprintf("%s/vakt/nm", pids);
	assert_true(exists(g)); /* the pids hierarchy still holds the container */
	vakt_cgroup_destroy(cg);
	assert_false(exists(g));

	lim.memory_explicit = true;
	assert_true(vakt_cgroup_create(tmp, "nm", &lim, on_warn, &w, &cg, &e) < 0);
	assert_non_null(strstr(e->msg, "memory"));
	vakt_error_free(e);
	assert_false(exists(g)); /* cleaned up on failure */
	free(g);
	free(pids);
	rm_tree(tmp);
}

/* ---- the real hierarchies --------------------------------------------------------------- */

/* The line of /proc/<pid>/cgroup for a v1 controller (or v2's "0::"), heap string. */
static char *proc_cgroup(pid_t pid, const char *ctl)
{
	char *path = xasprintf("/proc/%d/cgroup", (int)pid);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	char line[4096];
	char *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		char *a = strchr(line, ':');
		char *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = 0;
		bool match = ctl ? strcmp(a + 1, ctl) == 0 || strstr(a + 1, ctl) != NULL
				 : strcmp(line, "0") == 0 && a[1] == 0;
		if (match)
			found = xstrdup(b + 1);
	}
	fclose(f);
	return found;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool real_v2;

/* A child that waits for a byte on go, then runs work and _exits (no unwinding, no
 * sanitizer exit hooks in the copy of the test process). */
static pid_t spawn(int go[2], void (*work)(int out), int out)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		work(out);
		_exit(0);
	}
	close(go[0]);
	return pid;
}

static void eat_memory(int out)
{
	(void)out;
	size_t len = 200u << 20;
	/* mmap, not malloc: the sanitizer's allocator is not what is being tested */
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(4);
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	_exit(5); /* survived: the limit did not hold */
}

static void fork_bomb(int out)
{
	int n = 0, eno = 0;
	for (int i = 0; i < 1000; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			eno = errno;
			break;
		}
		n++;
	}
	int msg[2] = {n, eno};
	if (write(out, msg, sizeof(msg)) != sizeof(msg))
		_exit(6);
	pause(); /* with the children, until destroy kills us all */
}

static void test_real(void **state)
{
	(void)state;
	/* the fork bomb's children are orphaned when destroy kills their parent: adopt and
	 * reap them here rather than leave zombies to a PID 1 that may not reap */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	char id[64];
	snprintf(id, sizeof(id), "vakt-test-%d", (int)getpid());
	vakt_cgroup_limits lim = {
		.memory = 64ll << 20, .pids = 16, .memory_explicit = true, .pids_explicit = true};
	vakt_cgroup *cg = NULL;
	vakt_error *e = NULL;
	warnings w = {0};
	int r = vakt_cgroup_create(NULL, id, &lim, on_warn, &w, &cg, &e);
	if (r < 0)
		fail_msg("create: %s", e->msg);
	assert_int_equal(w.n, 0);
	char *suffix = xasprintf("/vakt/%s", id);

	/* 1. membership, then 200 MB against a 64 MB limit */
	int go[2];
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pid_t pid = spawn(go, eat_memory, -1);
	close(go[0]);
	assert_int_equal(vakt_cgroup_attach(cg, pid, &e), 0);
	const char *ctls[] = {"memory", "pids"};
	for (size_t i = 0; i < 2; i++) {
		char *where = proc_cgroup(pid, real_v2 ? NULL : ctls[i]);
		assert_non_null(where);
		if (!ends_with(where, suffix))
			fail_msg("child in %s:%s, want ...%s", ctls[i], where, suffix);
		free(where);
	}
	assert_false(vakt_cgroup_oom_killed(cg));
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		fail_msg("the 200 MB child was not OOM-killed (status 0x%x)", st);
	assert_true(vakt_cgroup_oom_killed(cg));

	/* 2. a fork bomb: 16 tasks in all, the first one included */
	int res[2];
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	pid = spawn(go, fork_bomb, res[1]);
	close(res[1]);
	assert_int_equal(vakt_cgroup_attach(cg, pid, &e), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	int msg[2] = {-1, -1};
	assert_int_equal(read(res[0], msg, sizeof(msg)), sizeof(msg));
	close(res[0]);
	assert_int_equal(msg[0], 15);
	assert_int_equal(msg[1], EAGAIN);

	/* 3. destroy kills the bomb (reparented grandchildren included) and removes the groups */
	vakt_cgroup_destroy(cg);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	int orphans = 0;
	while (waitpid(-1, &st, 0) > 0) {
		assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		orphans++;
	}
	assert_int_equal(orphans, 15);
	for (size_t i = 0; i < 2; i++) {
		char *dir = real_v2 ? xasprintf("/sys/fs/cgroup/vakt/%s", id)
				    : xasprintf("/sys/fs/cgroup/%s/vakt/%s", ctls[i], id);
		if (exists(dir))
			fail_msg("%s is still there after destroy", dir);
		free(dir);
	}
	free(suffix);
}

/* Why the real test cannot run here, or NULL. */
static const char *real_unavailable(void)
{
	if (geteuid() != 0)
		return "not root";
	char buf[256] = "";
	FILE *f = fopen("/sys/fs/cgroup/cgroup.controllers", "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		real_v2 = true;
		return strstr(buf, "memory") && strstr(buf, "pids")
			       ? NULL
			       : "cgroup v2 without memory and pids controllers";
	}
	if (access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) != 0)
		return "no v1 memory hierarchy at /sys/fs/cgroup/memory";
	if (access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) != 0)
		return "no v1 pids hierarchy at /sys/fs/cgroup/pids";
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--real") == 0) {
		const char *why = real_unavailable();
		if (why) {
			printf("skipping the real cgroup test: %s\n", why);
			return 77;
		}
		const struct CMUnitTest real[] = {cmocka_unit_test(test_real)};
		return cmocka_run_group_tests_name("cgroup_real", real, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bytes),
		cmocka_unit_test(test_parse_cpus),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_v2_fake),
		cmocka_unit_test(test_v2_fake_controllers_present),
		cmocka_unit_test(test_v2_fake_missing_controller),
		cmocka_unit_test(test_v2_fake_occupied),
		cmocka_unit_test(test_v2_fake_symlink),
		cmocka_unit_test(test_v1_fake),
		cmocka_unit_test(test_v1_fake_no_memory),
	};
	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
