/* cmd_run.c - `vakt run`: option parsing; the work is in src/run. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "run/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum {
	O_USER = 1, O_ENV, O_WORKDIR, O_HOSTNAME, O_VOLUME, O_TMPFS, O_READ_WRITE, O_CAP_ADD, O_NETWORK,
	O_MEMORY, O_PIDS, O_CPUS, O_ULIMIT, O_SECURITY_OPT, O_USERNS, O_QUIET,
};

static const vakt_opt run_opts[] = {
	{O_USER, 'u', "user", "UID[:GID]", "run as this user (default 0: root only inside the user namespace)"},
	{O_ENV, 'e', "env", "KEY=VALUE", "set an environment variable (repeatable)"},
	{O_WORKDIR, 'w', "workdir", "DIR", "working directory in the container (default /)"},
	{O_HOSTNAME, 0, "hostname", "NAME", "the container's host name (default vakt)"},
	{O_VOLUME, 'v', "volume", "SRC:DST[:ro|rw]", "bind a host path, read-only unless :rw"},
	{O_TMPFS, 0, "tmpfs", "DIR", "mount a tmpfs at DIR (besides /tmp and /run)"},
	{O_READ_WRITE, 0, "read-write", NULL, "leave the root filesystem writable"},
	{O_CAP_ADD, 0, "cap-add", "NAME", "grant one capability (also to a non-root user)"},
	{O_NETWORK, 0, "network", "none|host", "none (default: loopback only) or the host's network"},
	{O_MEMORY, 'm', "memory", "BYTES", "memory limit (512m, 1g)"},
	{O_PIDS, 0, "pids-limit", "N", "process limit (default 1024)"},
	{O_CPUS, 0, "cpus", "N", "CPU limit (1.5)"},
	{O_ULIMIT, 0, "ulimit", "NAME=SOFT[:HARD]", "a resource limit: nofile, nproc, core, stack, fsize"},
	{O_SECURITY_OPT, 0, "security-opt", "seccomp=FILE|unconfined", "a seccomp profile (Docker's format)"},
	{O_USERNS, 0, "userns", "host", "no user namespace: root inside is root outside"},
	{O_QUIET, 'q', "quiet", NULL, "do not print warnings"},
	{0},
};

const vakt_cmd_help cmd_run_help = {
	.name = "run",
	.usage = "[OPTIONS] ROOTFS [--] [CMD [ARG...]]",
	.summary = "Run a command in a container hardened by default.",
	.details =
		"ROOTFS is a root filesystem directory. The container gets its own user (root\n"
		"inside is an unprivileged UID range outside), mount, PID, IPC, UTS, cgroup and\n"
		"network namespaces (loopback only), a read-only root with tmpfs on /tmp and\n"
		"/run, a minimal /dev, /proc with the kernel's sensitive files masked, no\n"
		"capabilities, no_new_privs, a seccomp allowlist equivalent to Docker's\n"
		"default, and at most 1024 processes. Options loosen one default at a time.\n"
		"\n"
		"Exit status: the command's, or 128+N when signal N killed it; 125 when the\n"
		"container could not be started (the message says why), 2 usage error.",
	.opts = run_opts,
};

typedef struct run_args {
	vakt_run_spec spec;
	const char *source;
	char **env;
	size_t nenv;
	vakt_bind *binds;
	char **bind_copies; /* the strings binds point into */
	const char **tmpfs;
	vakt_rlimit *rlimits;
	bool quiet;
} run_args;

static void *grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n + 1) * size);
	if (!q)
		abort();
	return q;
}

static bool parse_id(const char *s, unsigned long *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v >= 4294967295UL)
		return false;
	*ret = v;
	return true;
}

static int on_opt(int id, const char *v, void *ud)
{
	run_args *a = ud;
	vakt_run_spec *s = &a->spec;
	switch (id) {
	case 0:
		if (a->source)
			return vakt_usage_error("run", "unexpected argument '%s'", v);
		a->source = v;
		return 0;
	case O_USER: {
		char *copy = strdup(v), *colon = strchr(copy, ':');
		if (colon)
			*colon = '\0';
		unsigned long uid, gid;
		bool ok = parse_id(copy, &uid) && (!colon || parse_id(colon + 1, &gid));
		free(copy);
		if (!ok)
			return vakt_usage_error("run", "--user: expected UID[:GID] (numbers), got '%s'", v);
		s->uid = (uid_t)uid;
		s->gid = colon ? (gid_t)gid : (gid_t)uid;
		return 0;
	}
	case O_ENV:
		if (!strchr(v, '='))
			return vakt_usage_error("run", "--env: expected KEY=VALUE, got '%s'", v);
		a->env = grow(a->env, a->nenv + 1, sizeof(*a->env));
		a->env[a->nenv++] = strdup(v);
		a->env[a->nenv] = NULL;
		return 0;
	case O_WORKDIR:
		if (v[0] != '/')
			return vakt_usage_error("run", "--workdir: expected an absolute path, got '%s'", v);
		s->cwd = v;
		return 0;
	case O_HOSTNAME:
		s->hostname = v;
		return 0;
	case O_VOLUME: {
		char *copy = strdup(v);
		char *dst = strchr(copy, ':');
		if (!dst || copy[0] != '/' || dst[1] != '/') {
			free(copy);
			return vakt_usage_error("run", "-v: expected /HOST:/CONTAINER[:ro|rw], got '%s'", v);
		}
		*dst++ = '\0';
		char *mode = strchr(dst, ':');
		bool rw = false;
		if (mode) {
			*mode++ = '\0';
			if (strcmp(mode, "rw") == 0)
				rw = true;
			else if (strcmp(mode, "ro") != 0) {
				int r = vakt_usage_error("run", "-v: unknown mode '%s' (ro, rw)", mode);
				free(copy);
				return r;
			}
		}
		a->binds = grow(a->binds, s->nbinds, sizeof(*a->binds));
		a->bind_copies = grow(a->bind_copies, s->nbinds, sizeof(*a->bind_copies));
		a->bind_copies[s->nbinds] = copy; /* lives for the run */
		a->binds[s->nbinds++] = (vakt_bind){copy, dst, rw};
		s->binds = a->binds;
		return 0;
	}
	case O_TMPFS:
		if (v[0] != '/')
			return vakt_usage_error("run", "--tmpfs: expected an absolute path, got '%s'", v);
		a->tmpfs = grow(a->tmpfs, s->ntmpfs, sizeof(*a->tmpfs));
		a->tmpfs[s->ntmpfs++] = v;
		s->tmpfs = a->tmpfs;
		return 0;
	case O_READ_WRITE:
		s->read_write = true;
		return 0;
	case O_CAP_ADD: {
		int cap = vakt_cap_from_name(v);
		if (cap < 0)
			return vakt_usage_error("run", "--cap-add: unknown capability '%s'", v);
		s->caps |= 1ull << cap;
		return 0;
	}
	case O_NETWORK:
		if (strcmp(v, "host") == 0)
			s->network_host = true;
		else if (strcmp(v, "none") != 0)
			return vakt_usage_error("run", "--network: expected none or host, got '%s'", v);
		return 0;
	case O_MEMORY:
		if (!vakt_parse_bytes(v, &s->limits.memory) || s->limits.memory <= 0)
			return vakt_usage_error("run", "--memory: expected a size like 512m, got '%s'", v);
		s->limits.memory_explicit = true;
		return 0;
	case O_PIDS: {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (*end || end == v || n < 0)
			return vakt_usage_error("run", "--pids-limit: expected a number, got '%s'", v);
		s->limits.pids = n;
		s->limits.pids_explicit = true;
		return 0;
	}
	case O_CPUS:
		if (!vakt_parse_cpus(v, &s->limits.cpu_quota, &s->limits.cpu_period))
			return vakt_usage_error("run", "--cpus: expected a positive number, got '%s'", v);
		s->limits.cpus_explicit = true;
		return 0;
	case O_ULIMIT: {
		static const struct {
			const char *name;
			int res;
		} names[] = {{"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}, {"core", RLIMIT_CORE},
			     {"stack", RLIMIT_STACK}, {"fsize", RLIMIT_FSIZE}, {"memlock", RLIMIT_MEMLOCK}};
		const char *eq = strchr(v, '=');
		int res = -1;
		for (size_t i = 0; eq && i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == (size_t)(eq - v) && strncmp(v, names[i].name, (size_t)(eq - v)) == 0)
				res = names[i].res;
		unsigned long long soft, hard;
		int n = eq ? sscanf(eq + 1, "%llu:%llu", &soft, &hard) : 0;
		if (res < 0 || n < 1)
			return vakt_usage_error("run", "--ulimit: expected NAME=SOFT[:HARD], got '%s'", v);
		if (n == 1)
			hard = soft;
		a->rlimits = grow(a->rlimits, s->nrlimits, sizeof(*a->rlimits));
		a->rlimits[s->nrlimits++] = (vakt_rlimit){res, soft, hard};
		s->rlimits = a->rlimits;
		return 0;
	}
	case O_SECURITY_OPT:
		if (strcmp(v, "seccomp=unconfined") == 0)
			s->no_seccomp = true;
		else if (strncmp(v, "seccomp=", 8) == 0 && v[8])
			s->seccomp_profile = v + 8;
		else
			return vakt_usage_error("run", "--security-opt: expected seccomp=FILE or seccomp=unconfined");
		return 0;
	case O_USERNS:
		if (strcmp(v, "host") != 0)
			return vakt_usage_error("run", "--userns: only 'host' is accepted");
		s->userns = false;
		return 0;
	case O_QUIET:
		a->quiet = true;
		return 0;
	default:
		return vakt_usage_error("run", "internal: unhandled option");
	}
}

static void on_warn(const char *msg, void *ud)
{
	const run_args *a = ud;
	if (!a->quiet)
		fprintf(stderr, "vakt: warning: %s\n", msg);
}

/* Where the command starts: after "--", or after the first operand (ROOTFS), so the
 * command's own options ("ls -la") are never taken for vakt's. */
static int split_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return i;
		if (a[0] != '-' || !a[1])
			return i + 1; /* ROOTFS */
		if (a[1] == '-') {
			if (strchr(a, '='))
				continue;
			for (const vakt_opt *o = run_opts; o->id; o++)
				if (strcmp(a + 2, o->long_name) == 0 && o->value_name)
					i++;
		} else if (!a[2]) {
			for (const vakt_opt *o = run_opts; o->id; o++)
				if (o->short_name == a[1] && o->value_name)
					i++;
		}
	}
	return argc;
}

int cmd_run(int argc, char **argv)
{
	run_args a = {0};
	vakt_run_spec_init(&a.spec);
	int split = split_command(argc, argv);
	int r = vakt_opts_parse(&cmd_run_help, split, argv, on_opt, &a);
	int rc;
	if (r != 0) {
		rc = r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
		goto out;
	}
	if (!a.source) {
		vakt_usage_error("run", "no ROOTFS: give a root filesystem directory");
		rc = VAKT_EXIT_USAGE;
		goto out;
	}
	int cmd_at = split < argc && strcmp(argv[split], "--") == 0 ? split + 1 : split;
	if (cmd_at >= argc) {
		vakt_usage_error("run", "no command to run");
		rc = VAKT_EXIT_USAGE;
		goto out;
	}
	static char path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char home_env[] = "HOME=/";
	static char *const default_env[] = {path_env, home_env, NULL};
	a.spec.rootfs = a.source;
	a.spec.argv = argv + cmd_at;
	a.spec.env = a.env ? a.env : default_env;
	if (a.env) {
		bool has_path = false;
		for (size_t i = 0; i < a.nenv; i++)
			has_path |= strncmp(a.env[i], "PATH=", 5) == 0;
		if (!has_path) {
			a.env = grow(a.env, a.nenv + 1, sizeof(*a.env));
			a.env[a.nenv++] = strdup(path_env);
			a.env[a.nenv] = NULL;
			a.spec.env = a.env;
		}
	}
	a.spec.warn = on_warn;
	a.spec.ud = &a;
	vakt_error *e = NULL;
	int status = 0;
	if (vakt_run(&a.spec, &status, &e) < 0) {
		cli_print_error(e);
		rc = e->code == VAKT_E_USAGE ? VAKT_EXIT_USAGE : 125;
		vakt_error_free(e);
	} else {
		rc = status;
	}
out:
	for (size_t i = 0; i < a.spec.nbinds; i++)
		free(a.bind_copies[i]);
	free(a.bind_copies);
	free(a.binds);
	for (size_t i = 0; i < a.nenv; i++)
		free(a.env[i]);
	free(a.env);
	free(a.tmpfs);
	free(a.rlimits);
	return rc;
}
