/* cmd_run.c - `vakt run`: option parsing; the work is in src/run. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "run/run.h"
#include "run/unpack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	O_USER = 1, O_ENV, O_WORKDIR, O_HOSTNAME, O_VOLUME, O_TMPFS, O_READ_WRITE, O_CAP_ADD, O_NETWORK,
	O_MEMORY, O_PIDS, O_CPUS, O_ULIMIT, O_SECURITY_OPT, O_USERNS, O_QUIET, O_PLATFORM, O_CACHE, O_PUBLISH,
	O_INIT, O_TTY, O_ENV_FILE, O_DEVICE,
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
	{O_PUBLISH, 'p', "publish", "[ADDR:]HOST:CONTAINER",
	 "forward a TCP port of the host (127.0.0.1 unless ADDR)\nto the container's loopback"},
	{O_INIT, 0, "init", NULL, "run a reaping PID 1 that forwards signals to the command"},
	{O_TTY, 't', "tty", NULL, "give the command a pseudo-terminal"},
	{O_ENV_FILE, 0, "env-file", "FILE", "environment variables from FILE: KEY=VALUE lines, # comments"},
	{O_DEVICE, 0, "device", "/dev/NAME", "give the container one host device (bound, read-write)"},
	{O_QUIET, 'q', "quiet", NULL, "do not print warnings"},
	{O_PLATFORM, 0, "platform", "OS/ARCH[/VARIANT]", "the image to pick from a multi-platform index (linux/amd64)"},
	{O_CACHE, 0, "image-cache", "DIR", "where unpacked images are kept (/var/lib/vakt, ~/.local/share/vakt)"},
	{0},
};

const vakt_cmd_help cmd_run_help = {
	.name = "run",
	.usage = "[OPTIONS] ROOTFS|IMAGE [--] [CMD [ARG...]]",
	.summary = "Run a command in a container hardened by default.",
	.details =
		"ROOTFS is a root filesystem directory. IMAGE is a docker-archive, an OCI archive\n"
		"or an OCI layout (PATH:TAG picks one image): it is unpacked once into a cache,\n"
		"each layer checked against its digest, and its config applies: ENTRYPOINT and\n"
		"CMD (CMD replaced by the command given), Env (under --env), WorkingDir (unless\n"
		"--workdir) and User (unless --user).\n"
		"\n"
		"The container gets its own user (root\n"
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
	bool user_set, workdir_set;
	const char *platform;
	const char *cache;
	vakt_port *ports;
	char **port_addrs;
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
		a->user_set = true;
		return 0;
	}
	case O_ENV:
		if (!strchr(v, '='))
			return vakt_usage_error("run", "--env: expected KEY=VALUE, got '%s'", v);
		a->env = grow(a->env, a->nenv + 1, sizeof(*a->env));
		a->env[a->nenv++] = strdup(v);
		a->env[a->nenv] = NULL;
		return 0;
	case O_ENV_FILE: {
		FILE *f = fopen(v, "re");
		if (!f)
			return vakt_usage_error("run", "--env-file %s: %s", v, strerror(errno));
		char line[8192];
		unsigned n = 0;
		int rc = 0;
		while (rc == 0 && fgets(line, sizeof(line), f)) {
			n++;
			size_t l = strlen(line);
			while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
				line[--l] = '\0';
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p || *p == '#')
				continue;
			if (!strchr(p, '=') || *p == '=') {
				rc = vakt_usage_error("run", "--env-file %s:%u: expected KEY=VALUE", v, n);
				break;
			}
			a->env = grow(a->env, a->nenv + 1, sizeof(*a->env));
			a->env[a->nenv++] = strdup(p);
			a->env[a->nenv] = NULL;
		}
		fclose(f);
		return rc;
	}
	case O_DEVICE: {
		struct stat st;
		if (strncmp(v, "/dev/", 5) != 0 || stat(v, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			return vakt_usage_error("run", "--device: '%s' is not a device under /dev", v);
		char *copy = strdup(v);
		a->binds = grow(a->binds, s->nbinds, sizeof(*a->binds));
		a->bind_copies = grow(a->bind_copies, s->nbinds, sizeof(*a->bind_copies));
		a->bind_copies[s->nbinds] = copy;
		a->binds[s->nbinds++] = (vakt_bind){copy, copy, true};
		s->binds = a->binds;
		return 0;
	}
	case O_WORKDIR:
		if (v[0] != '/')
			return vakt_usage_error("run", "--workdir: expected an absolute path, got '%s'", v);
		s->cwd = v;
		a->workdir_set = true;
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
	case O_PUBLISH: {
		/* [ADDR:]HOST:CONTAINER, ADDR an IPv4 address */
		char *copy = strdup(v);
		char *last = strrchr(copy, ':');
		unsigned long hp = 0, cp = 0;
		char *addr = NULL;
		bool ok = last != NULL;
		if (ok) {
			*last = '\0';
			char *mid = strrchr(copy, ':');
			if (mid) {
				*mid = '\0';
				addr = copy;
				ok = parse_id(mid + 1, &hp);
			} else {
				ok = parse_id(copy, &hp);
			}
			ok = ok && parse_id(last + 1, &cp) && hp > 0 && hp < 65536 && cp > 0 && cp < 65536;
		}
		if (!ok) {
			free(copy);
			return vakt_usage_error("run", "-p: expected [ADDR:]HOST:CONTAINER ports, got '%s'", v);
		}
		a->ports = grow(a->ports, s->nports, sizeof(*a->ports));
		a->port_addrs = grow(a->port_addrs, s->nports, sizeof(*a->port_addrs));
		a->port_addrs[s->nports] = copy;
		a->ports[s->nports++] = (vakt_port){addr, (unsigned)hp, (unsigned)cp};
		s->ports = a->ports;
		return 0;
	}
	case O_INIT:
		s->init = true;
		return 0;
	case O_TTY:
		s->tty = true;
		return 0;
	case O_QUIET:
		a->quiet = true;
		return 0;
	case O_PLATFORM:
		a->platform = v;
		return 0;
	case O_CACHE:
		if (v[0] != '/')
			return vakt_usage_error("run", "--image-cache: expected an absolute path, got '%s'", v);
		a->cache = v;
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

static void image_warn(const char *msg, void *ud)
{
	on_warn(msg, ud);
}

/* Unpack the image a->source (see run/unpack.h) and take from its config what the
 * command line did not give: the command (ENTRYPOINT, then CMD unless a command was
 * given, as docker does), Env (--env wins for the same name), WorkingDir, User. Returns 0
 * or the exit code; *ret_argv is the command (NULL-terminated, every string a copy). */
static int use_image(run_args *a, char **cmd, int ncmd, vakt_unpacked *u, char ***ret_argv)
{
	bool userns = a->spec.userns;
	bool root = geteuid() == 0;
	vakt_unpack_options o = {
		.platform = a->platform,
		.cache_root = a->cache,
		.uid_base = !userns ? 0 : root ? vakt_unpack_id_base("/etc/subuid") : (unsigned)getuid(),
		.gid_base = !userns ? 0 : root ? vakt_unpack_id_base("/etc/subgid") : (unsigned)getgid(),
		.warn = image_warn,
		.ud = a,
	};
	vakt_error *e = NULL;
	if (vakt_unpack(a->source, &o, u, &e) < 0) {
		cli_print_error(e);
		int rc = e->code == VAKT_E_USAGE ? VAKT_EXIT_USAGE : 125;
		vakt_error_free(e);
		return rc;
	}
	const vakt_image_config *c = &u->img->config;
	a->spec.rootfs = u->rootfs;

	size_t n = 0, cap = (size_t)ncmd + 1;
	for (const char *const *p = c->entrypoint; p && *p; p++)
		cap++;
	for (const char *const *p = c->cmd; p && *p; p++)
		cap++;
	char **av = calloc(cap, sizeof(*av));
	if (!av)
		abort();
	for (const char *const *p = c->entrypoint; p && *p; p++)
		av[n++] = strdup(*p);
	if (ncmd > 0)
		for (int i = 0; i < ncmd; i++)
			av[n++] = strdup(cmd[i]);
	else
		for (const char *const *p = c->cmd; p && *p; p++)
			av[n++] = strdup(*p);
	*ret_argv = av;
	if (!n) {
		vakt_usage_error("run", "no command to run: the image has no ENTRYPOINT or CMD");
		return VAKT_EXIT_USAGE;
	}
	a->spec.argv = av;

	/* the image's Env under --env: a name given on the command line replaces it */
	char **env = NULL;
	size_t nenv = 0;
	for (const char *const *p = c->env; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq)
			continue;
		bool overridden = false;
		for (size_t i = 0; i < a->nenv; i++)
			overridden |= strncmp(a->env[i], *p, (size_t)(eq - *p) + 1) == 0;
		if (overridden)
			continue;
		env = grow(env, nenv + 1, sizeof(*env));
		env[nenv++] = strdup(*p);
	}
	for (size_t i = 0; i < a->nenv; i++) {
		env = grow(env, nenv + 1, sizeof(*env));
		env[nenv++] = a->env[i];
	}
	if (nenv) {
		env[nenv] = NULL;
		free(a->env);
		a->env = env;
		a->nenv = nenv;
	}

	static char cwd[4096];
	if (!a->workdir_set && c->workdir && *c->workdir) {
		snprintf(cwd, sizeof(cwd), "%s%s", c->workdir[0] == '/' ? "" : "/", c->workdir);
		a->spec.cwd = cwd;
	}
	if (!a->user_set && c->user && *c->user) {
		uid_t uid;
		gid_t gid;
		if (vakt_unpack_user(u->rootfs, c->user, &uid, &gid, &e) < 0) {
			cli_print_error(e);
			vakt_error_free(e);
			return 125;
		}
		a->spec.uid = uid;
		a->spec.gid = gid;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	run_args a = {0};
	vakt_unpacked unpacked = {0};
	char **image_argv = NULL;
	vakt_run_spec_init(&a.spec);
	int split = split_command(argc, argv);
	int r = vakt_opts_parse(&cmd_run_help, split, argv, on_opt, &a);
	int rc;
	if (r != 0) {
		rc = r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
		goto out;
	}
	if (!a.source) {
		vakt_usage_error("run", "no ROOTFS or IMAGE: give a root filesystem directory or an image");
		rc = VAKT_EXIT_USAGE;
		goto out;
	}
	int cmd_at = split < argc && strcmp(argv[split], "--") == 0 ? split + 1 : split;
	static char path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	static char home_env[] = "HOME=/";
	static char *const default_env[] = {path_env, home_env, NULL};
	a.spec.rootfs = a.source;
	a.spec.argv = argv + cmd_at;
	if (vakt_unpack_is_image(a.source)) {
		if (a.spec.read_write) {
			/* the unpacked image is a cache entry shared by every run of it */
			vakt_usage_error("run", "--read-write needs a rootfs directory: an image's unpacked copy is shared by every run");
			rc = VAKT_EXIT_USAGE;
			goto out;
		}
		/* the cache copy is already owned by the mapped IDs: no idmapped mount on top */
		a.spec.idmap = false;
		rc = use_image(&a, argv + cmd_at, argc - cmd_at, &unpacked, &image_argv);
		if (rc != 0)
			goto out;
	} else if (cmd_at >= argc) {
		vakt_usage_error("run", "no command to run");
		rc = VAKT_EXIT_USAGE;
		goto out;
	}
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
	for (size_t i = 0; i < a.spec.nports; i++)
		free(a.port_addrs[i]);
	free(a.port_addrs);
	free(a.ports);
	for (char **p = image_argv; p && *p; p++)
		free(*p);
	free(image_argv);
	vakt_unpacked_free(&unpacked);
	return rc;
}
