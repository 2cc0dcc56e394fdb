/* cmd_oci.c - `vakt oci`: vakt as an OCI runtime, with runc's command line.
 *
 *   vakt oci [GLOBAL] create|start|state|kill|delete|run|exec|list|ps|pause|resume|
 *                     update|events|features ...      runc's verbs and flags
 *   vakt oci spec [--bundle DIR]                      write a hardened config.json
 *   vakt oci policy check [--policy F] [-f json] CONFIG   what the policy would do
 *
 * Engines call a runtime as `RUNTIME [GLOBAL] VERB ...`: main.c sends those calls here
 * too (the binary invoked under another name, or `vakt --root X create ...`). The
 * lifecycle itself is src/oci/container.c; this file parses flags, logs in the engine's
 * format and prints. */
#include "cli/cli.h"
#include "core/cleanup.h"
#include "core/fdpass.h"
#include "lint/lint.h"
#include "oci/policy.h"
#include "oci/container.h"
#include "oci/ocicg.h"
#include "run/cgroup.h"
#include "run/run.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_BUNDLE = 1, O_POLICY, O_FORMAT };

static const vakt_opt oci_opts[] = {
	{O_BUNDLE, 'b', "bundle", "DIR", "the bundle: config.json and the root it names (default .)"},
	{O_POLICY, 0, "policy", "FILE", "the policy (default /etc/vakt/policy.yaml, else built in)"},
	{O_FORMAT, 'f', "format", "FORMAT", "policy check: text (default) or json"},
	{0},
};

const vakt_cmd_help cmd_oci_help = {
	.name = "oci",
	.usage = "[GLOBAL FLAGS] VERB [FLAGS] [ID] ...",
	.summary = "Run OCI containers as runc does, under a policy that tightens them.",
	.details =
		"Verbs, as runc's: create [--bundle DIR] [--pid-file F] [--console-socket S]\n"
		"[--no-pivot] [--no-new-keyring] [--preserve-fds N] ID; start ID; state ID;\n"
		"kill [--all] ID [SIGNAL]; delete [--force] ID; run [create's flags]\n"
		"[--detach] [--keep] ID; exec [--process F | --tty --cwd D --env K=V --user U[:G]\n"
		"--cap C --no-new-privs] [--detach] [--pid-file F] [--console-socket S] ID [CMD...];\n"
		"list [--format table|json] [-q]; ps [--format table|json] ID; pause ID;\n"
		"resume ID; update [-r FILE] [--memory B] [--pids-limit N] [--cpu-quota N] ... ID;\n"
		"events [--stats] [--interval 5s] ID; features.\n"
		"vakt's own: spec [--bundle DIR] writes a hardened config.json; policy check\n"
		"[-f json] CONFIG prints what the policy would change or refuse.\n"
		"\n"
		"Global flags: --root DIR (state, default /run/vakt), --log FILE, --log-format\n"
		"text|json, --debug, --systemd-cgroup, --policy FILE (default $VAKT_POLICY, then\n"
		"/etc/vakt/policy.yaml, else the built-in policy; see docs/oci-runtime.md).\n"
		"Engines may call the binary as `vakt VERB ...` or under another name.\n"
		"\n"
		"Exit status: 0 done; 1 an error (also in --log); 4 create or run refused by the\n"
		"policy; run and exec: the process's status; policy check: 0 the config passes\n"
		"as is, 1 the policy would change it, 4 it would refuse it; 2 usage error, 3 an\n"
		"unreadable config or policy.",
	.opts = oci_opts,
};

typedef struct oci_args {
	const char *bundle, *policy;
	bool json;
	const char *words[4];
	int nwords;
} oci_args;

static int on_opt(int id, const char *v, void *ud)
{
	oci_args *a = ud;
	switch (id) {
	case 0:
		if (a->nwords >= 4)
			return vakt_usage_error("oci", "unexpected argument '%s'", v);
		a->words[a->nwords++] = v;
		return 0;
	case O_BUNDLE:
		a->bundle = v;
		return 0;
	case O_POLICY:
		a->policy = v;
		return 0;
	case O_FORMAT:
		if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
			return vakt_usage_error("oci", "--format: text or json");
		a->json = strcmp(v, "json") == 0;
		return 0;
	default:
		return vakt_usage_error("oci", "internal: unhandled option");
	}
}

/* The policy in force: --policy, $VAKT_POLICY, /etc/vakt/policy.yaml, else the default. */
static int load_policy(const oci_args *a, vakt_oci_policy **ret, vakt_error **err)
{
	const char *path = a->policy ? a->policy : getenv("VAKT_POLICY");
	struct stat st;
	if (!path && stat("/etc/vakt/policy.yaml", &st) == 0)
		path = "/etc/vakt/policy.yaml";
	return vakt_oci_policy_load(path, ret, err);
}

static json_t *read_config(const char *path, vakt_error **err)
{
	json_error_t je;
	json_t *cfg = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!cfg)
		vakt_error_set_at(err, VAKT_E_PARSE, path, (unsigned)(je.line > 0 ? je.line : 0),
				  (unsigned)(je.column > 0 ? je.column : 0), "%s", je.text);
	else if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = NULL;
		vakt_error_set_at(err, VAKT_E_INVALID, path, 1, 1, "config.json must be an object");
	}
	return cfg;
}

/* ---- spec ------------------------------------------------------------------------------- */

static int oci_spec(const oci_args *a)
{
	char *path = NULL;
	if (asprintf(&path, "%s/config.json", a->bundle ? a->bundle : ".") < 0)
		abort();
	struct stat st;
	if (stat(path, &st) == 0) {
		fprintf(stderr, "vakt: error: %s exists: not overwritten\n", path);
		free(path);
		return VAKT_EXIT_INPUT;
	}
	/* runc spec's layout (its mounts, masked and read-only paths), with vakt's hardened
	 * defaults: a user namespace, no capability, no_new_privs, a read-only root with a
	 * tmpfs /tmp, a pids limit */
	json_t *cfg = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:{s:[], s:[], s:[], s:[], s:[]}, s:b},"
		" s:{s:s, s:b}, s:s, s:["
		"{s:s, s:s, s:s, s:[s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s, s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s, s]},"
		"{s:s, s:s, s:s, s:[s, s, s, s]}],"
		" s:{s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}],"
		"    s:[{s:i, s:i, s:i}], s:[{s:i, s:i, s:i}], s:{s:{s:i}},"
		"    s:[s, s, s, s, s, s, s, s, s, s], s:[s, s, s, s, s, s]}}",
		"ociVersion", "1.0.2",
		"process", "terminal", 0, "user", "uid", 0, "gid", 0, "args", "sh",
		"env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		"cwd", "/", "capabilities", "bounding", "effective", "inheritable", "permitted", "ambient",
		"noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 1,
		"hostname", "vakt",
		"mounts",
		"destination", "/proc", "type", "proc", "source", "proc", "options", "nosuid", "noexec", "nodev",
		"destination", "/dev", "type", "tmpfs", "source", "tmpfs", "options", "nosuid", "strictatime", "mode=755",
		"size=65536k", "noexec",
		"destination", "/dev/pts", "type", "devpts", "source", "devpts", "options", "nosuid", "noexec", "newinstance",
		"ptmxmode=0666", "mode=0620", "gid=5",
		"destination", "/dev/shm", "type", "tmpfs", "source", "shm", "options", "nosuid", "noexec", "nodev",
		"mode=1777", "size=65536k",
		"destination", "/dev/mqueue", "type", "mqueue", "source", "mqueue", "options", "nosuid", "noexec", "nodev",
		"destination", "/sys", "type", "sysfs", "source", "sysfs", "options", "nosuid", "noexec", "nodev", "ro",
		"destination", "/tmp", "type", "tmpfs", "source", "tmpfs", "options", "nosuid", "nodev", "mode=1777",
		"size=65536k",
		"linux", "namespaces", "type", "user", "type", "mount", "type", "pid", "type", "ipc", "type", "uts",
		"type", "network", "type", "cgroup",
		"uidMappings", "containerID", 0, "hostID", 1000000000, "size", 65536,
		"gidMappings", "containerID", 0, "hostID", 1000000000, "size", 65536,
		"resources", "pids", "limit", 1024,
		"maskedPaths", "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
		"readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", "/sys/fs/cgroup");
	int rc = cfg && json_dump_file(cfg, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? VAKT_EXIT_OK : VAKT_EXIT_INPUT;
	if (rc != VAKT_EXIT_OK)
		fprintf(stderr, "vakt: error: cannot write %s: %s\n", path, strerror(errno));
	json_decref(cfg);
	free(path);
	return rc;
}

/* ---- policy check ------------------------------------------------------------------------ */

static int oci_policy_check(const oci_args *a, const char *config)
{
	vakt_error *e = NULL;
	vakt_oci_policy *pol = NULL;
	json_t *cfg = NULL;
	int rc;
	if (load_policy(a, &pol, &e) < 0 || !(cfg = read_config(config, &e))) {
		cli_print_error(e);
		rc = e->code == VAKT_E_USAGE ? VAKT_EXIT_USAGE : VAKT_EXIT_INPUT;
		goto out;
	}
	vakt_oci_result *res = NULL;
	if (vakt_oci_policy_apply(pol, cfg, &res, &e) < 0) {
		vakt_error_set_file(e, config);
		cli_print_error(e);
		rc = VAKT_EXIT_INPUT;
		goto out;
	}
	if (a->json)
		vakt_oci_result_print_json(res, stdout);
	else
		vakt_oci_result_print_text(res, stdout);
	/* RUNTIME actions (the built-in seccomp filter) change nothing in the config */
	size_t changed = 0;
	for (size_t i = 0; i < res->n; i++)
		changed += res->actions[i].kind == VAKT_OCI_ACT_CHANGED;
	rc = res->denied ? 4 : changed ? VAKT_EXIT_FINDINGS : VAKT_EXIT_OK;
	vakt_oci_result_free(res);
out:
	json_decref(cfg);
	vakt_oci_policy_free(pol);
	vakt_error_free(e);
	return rc;
}

/* ---- runc's command line ------------------------------------------------------------------ */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

typedef struct flagdef {
	const char *name;
	char shrt;
	bool value;
	int id;
} flagdef;

typedef struct rt_globals {
	const char *root, *log, *policy;
	bool json_log, debug, systemd;
	FILE *logf;
} rt_globals;

static rt_globals G;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

/* One log line in the engine's format: logrus's JSON ({"level","msg","time"}) or text
 * (time="..." level=... msg="..."), as runc writes them and conmon reads them. */
static void oci_log(vakt_oci_log_level l, const char *msg, void *ud)
{
	(void)ud;
	if (l == VAKT_LOG_DEBUG && !G.debug)
		return;
	if (!G.logf) {
		/* without --log, only warnings and errors reach stderr (which is often the
		 * container's own stderr under an engine) */
		if (l >= VAKT_LOG_WARN && l != VAKT_LOG_ERROR)
			fprintf(stderr, "vakt: warning: %s\n", msg);
		return;
	}
	char ts[64];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct tm tm;
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%09ldZ", now.tv_nsec);
	if (G.json_log) {
		json_t *o = json_pack("{s:s,s:s,s:s}", "level", level_names[l], "msg", msg, "time", ts);
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(G.logf, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		json_t *q = json_string(msg);
		char *s = json_dumps(q, JSON_ENCODE_ANY);
		fprintf(G.logf, "time=\"%s\" level=%s msg=%s\n", ts, level_names[l], s);
		free(s);
		json_decref(q);
	}
	fflush(G.logf);
}

static vakt_oci_rt rt_of(void)
{
	return (vakt_oci_rt){.root = G.root, .log = oci_log, .log_to_file = G.logf != NULL, .systemd_cgroup = G.systemd};
}

/* An error: to the log and to stderr (engines read either); exit status 1, as runc. */
static int rt_fail(vakt_error *e)
{
	char buf[4096];
	if (e->file && e->line)
		snprintf(buf, sizeof(buf), "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	else if (e->file)
		snprintf(buf, sizeof(buf), "%s: %s", e->file, e->msg);
	else
		snprintf(buf, sizeof(buf), "%s", e->msg);
	oci_log(VAKT_LOG_ERROR, buf, NULL);
	fprintf(stderr, "vakt: error: %s\n", buf);
	vakt_error_free(e);
	return 1;
}

__attribute__((format(printf, 2, 3))) static int rt_usage(const char *verb, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	oci_log(VAKT_LOG_ERROR, msg, NULL);
	fprintf(stderr, "vakt oci %s: %s\nRun 'vakt oci --help' for the verbs and their flags.\n", verb, msg);
	return VAKT_EXIT_USAGE;
}

typedef struct parsed {
	const char *val[64]; /* by flag id */
	int count[64];
	const char *pos[256];
	int npos;
	const char *multi[64][32]; /* repeatable flags */
} parsed;

/* Parse argv[*i..argc) against defs: "--name", "-name" (Go's flag syntax, which runc
 * inherits), "--name=value", "-x value". Positionals are collected; with stop_at_pos,
 * everything from the first positional on is positional (exec's command). */
static int parse_verb(const char *verb, const flagdef *defs, int argc, char **argv, int i, bool stop_at_pos, parsed *p)
{
	memset(p, 0, sizeof(*p));
	bool only_pos = false;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0' || (stop_at_pos && p->npos > 0)) {
			if (p->npos >= 256)
				return rt_usage(verb, "too many arguments");
			p->pos[p->npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		const char *name = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t nl = eq ? (size_t)(eq - name) : strlen(name);
		const flagdef *d = NULL;
		for (const flagdef *f = defs; f && f->name; f++)
			if ((strlen(f->name) == nl && strncmp(f->name, name, nl) == 0) || (nl == 1 && f->shrt == name[0]))
				d = f;
		if (!d)
			return rt_usage(verb, "unknown flag '%s'", a);
		const char *v = "true";
		if (d->value) {
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return rt_usage(verb, "flag '%s' needs a value", a);
		} else if (eq) {
			v = eq + 1;
		}
		if (p->count[d->id] < 32)
			p->multi[d->id][p->count[d->id]] = v;
		p->count[d->id]++;
		p->val[d->id] = v;
	}
	return 0;
}

static bool flag_true(const parsed *p, int id)
{
	return p->val[id] && strcmp(p->val[id], "false") != 0;
}

static int load_rt_policy(vakt_oci_policy **ret, vakt_error **err)
{
	oci_args a = {.policy = G.policy};
	return load_policy(&a, ret, err);
}

static int parse_uint(const char *verb, const char *flag, const char *v, unsigned *ret)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > 1u << 20)
		return rt_usage(verb, "%s: '%s' is not a count", flag, v);
	*ret = (unsigned)n;
	return 0;
}

/* -- create / run ------------------------------------------------------------------------ */

enum { F_BUNDLE = 1, F_PIDFILE, F_CONSOLE, F_NOPIVOT, F_NOKEYRING, F_PRESERVE, F_DETACH, F_KEEP, F_NOSUBREAPER };

static const flagdef create_flags[] = {
	{"bundle", 'b', true, F_BUNDLE},	  {"pid-file", 0, true, F_PIDFILE},
	{"console-socket", 0, true, F_CONSOLE},	  {"no-pivot", 0, false, F_NOPIVOT},
	{"no-new-keyring", 0, false, F_NOKEYRING}, {"preserve-fds", 0, true, F_PRESERVE},
	{"detach", 'd', false, F_DETACH},	  {"keep", 0, false, F_KEEP},
	{"no-subreaper", 0, false, F_NOSUBREAPER}, {0},
};

static volatile sig_atomic_t run_child;

static void run_forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* runc run in the foreground with process.terminal and no --console-socket: vakt is the
 * console socket's other end itself, and copies between the pty and its own stdio (raw
 * when that is a terminal, the window size passed on). */
typedef struct fg_console {
	char dir[64];
	char path[96];
	int listen_fd;
} fg_console;

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static int fg_console_open(fg_console *fc)
{
	snprintf(fc->dir, sizeof(fc->dir), "/tmp/vakt-console-XXXXXX");
	if (!mkdtemp(fc->dir))
		return -1;
	snprintf(fc->path, sizeof(fc->path), "%s/sock", fc->dir);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fc->path);
	fc->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fc->listen_fd < 0 || bind(fc->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fc->listen_fd, 1) < 0)
		return -1;
	return 0;
}

static void fg_console_close(fg_console *fc)
{
	if (fc->listen_fd >= 0)
		close(fc->listen_fd);
	unlink(fc->path);
	rmdir(fc->dir);
}

/* The pty master the container's init sent (queued on our socket during create). */
static int fg_console_master(fg_console *fc)
{
	int c = accept4(fc->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return -1;
	char data[64];
	int fd = -1;
	vakt_recv_fd(c, data, sizeof(data), &fd);
	close(c);
	return fd;
}

static bool write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w, n -= (size_t)w;
	}
	return true;
}

/* Copy stdin -> master and master -> stdout until the process pid has exited and the
 * master is drained. */
static void fg_console_copy(int master, pid_t pid)
{
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	struct sigaction sa = {.sa_handler = on_winch};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	winch = 1;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool in_open = true, exited = false;
	char buf[8192];
	for (;;) {
		if (winch) {
			winch = 0;
			struct winsize ws;
			if (ioctl(0, TIOCGWINSZ, &ws) == 0)
				ioctl(master, TIOCSWINSZ, &ws);
		}
		struct pollfd p[3] = {{in_open ? 0 : -1, POLLIN, 0}, {master, POLLIN, 0}, {exited ? -1 : pfd, POLLIN, 0}};
		int r = poll(p, 3, exited ? 100 : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0 && exited)
			break; /* exited and nothing more to read */
		if (p[2].revents)
			exited = true;
		if (p[1].revents) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n <= 0)
				break; /* EIO: every slave closed */
			if (!write_all(1, buf, (size_t)n))
				break;
		}
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0)
				in_open = false;
			else
				write_all(master, buf, (size_t)n);
		}
	}
	if (pfd >= 0)
		close(pfd);
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
}

/* process.terminal of the bundle's config.json, read for run's own console. */
static bool bundle_wants_terminal(const char *bundle)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.json", bundle ? bundle : ".");
	json_t *j = NULL;
	vakt_error *e = NULL;
	if (vakt_oci_config_load_json(path, &j, &e) < 0) {
		vakt_error_free(e);
		return false; /* create reports it */
	}
	bool t = json_is_true(json_object_get(json_object_get(j, "process"), "terminal"));
	json_decref(j);
	return t;
}

static int verb_create(const char *verb, int argc, char **argv, int i, bool run)
{
	parsed p;
	if (parse_verb(verb, create_flags, argc, argv, i, false, &p) < 0)
		return VAKT_EXIT_USAGE;
	if (p.npos != 1)
		return rt_usage(verb, "exactly one container ID expected");
	if (!run && (p.val[F_DETACH] || p.val[F_KEEP]))
		return rt_usage(verb, "--detach and --keep are flags of run");
	vakt_oci_create_opts o = {.id = p.pos[0], .bundle = p.val[F_BUNDLE], .pid_file = p.val[F_PIDFILE],
				  .console_socket = p.val[F_CONSOLE], .no_pivot = flag_true(&p, F_NOPIVOT),
				  .no_new_keyring = flag_true(&p, F_NOKEYRING)};
	if (p.val[F_PRESERVE] && parse_uint(verb, "--preserve-fds", p.val[F_PRESERVE], &o.preserve_fds) < 0)
		return VAKT_EXIT_USAGE;
	vakt_error *e = NULL;
	vakt_oci_policy *pol = NULL;
	if (load_rt_policy(&pol, &e) < 0)
		return rt_fail(e);
	o.policy = pol;
	bool refused = false;
	o.ret_refused = &refused;
	fg_console fc = {.listen_fd = -1};
	bool own_console = run && !flag_true(&p, F_DETACH) && !o.console_socket && bundle_wants_terminal(o.bundle);
	if (own_console) {
		if (fg_console_open(&fc) < 0) {
			fg_console_close(&fc);
			vakt_oci_policy_free(pol);
			return rt_usage(verb, "a console socket for process.terminal: %s", strerror(errno));
		}
		o.console_socket = fc.path;
	}
	vakt_oci_rt rt = rt_of();
	pid_t pid;
	int rc = vakt_oci_create(&rt, &o, &pid, &e);
	vakt_oci_policy_free(pol);
	int master = own_console && rc == 0 ? fg_console_master(&fc) : -1;
	if (own_console)
		fg_console_close(&fc);
	if (rc < 0) {
		rt_fail(e);
		return refused ? 4 : 1;
	}
	if (!run)
		return VAKT_EXIT_OK;
	if (vakt_oci_start(&rt, o.id, &e) < 0) {
		rc = rt_fail(e);
		e = NULL;
		vakt_oci_delete(&rt, o.id, true, &e);
		vakt_error_free(e);
		return rc;
	}
	if (flag_true(&p, F_DETACH))
		return VAKT_EXIT_OK;
	/* foreground: the init is our child; forward the usual signals, return its status,
	 * then remove the container as runc run does */
	run_child = pid;
	struct sigaction sa = {.sa_handler = run_forward};
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
		sigaction(sigs[k], &sa, NULL);
	if (master >= 0) {
		fg_console_copy(master, pid);
		close(master);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!flag_true(&p, F_KEEP) && vakt_oci_delete(&rt, o.id, true, &e) < 0)
		rt_fail(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* -- exec ---------------------------------------------------------------------------------- */

enum { X_PROCESS = 1, X_CONSOLE, X_CWD, X_ENV, X_TTY, X_USER, X_GIDS, X_CAP, X_NNP, X_DETACH, X_PIDFILE, X_PRESERVE,
       X_LABEL, X_APPARMOR, X_IGNPAUSED, X_CGROUP };

static const flagdef exec_flags[] = {
	{"process", 'p', true, X_PROCESS},	  {"console-socket", 0, true, X_CONSOLE}, {"cwd", 0, true, X_CWD},
	{"env", 'e', true, X_ENV},		  {"tty", 't', false, X_TTY},		  {"user", 'u', true, X_USER},
	{"additional-gids", 'g', true, X_GIDS},	  {"cap", 'c', true, X_CAP},		  {"no-new-privs", 0, false, X_NNP},
	{"detach", 'd', false, X_DETACH},	  {"pid-file", 0, true, X_PIDFILE},	  {"preserve-fds", 0, true, X_PRESERVE},
	{"process-label", 0, true, X_LABEL},	  {"apparmor", 0, true, X_APPARMOR},	  {"ignore-paused", 0, false, X_IGNPAUSED},
	{"cgroup", 0, true, X_CGROUP},		  {0},
};

/* The process for exec from flags, runc's way: the container's own process as the base
 * (env, user, capabilities, cwd), the flags on top. */
static json_t *exec_process_from_flags(const parsed *p, json_t *base)
{
	json_t *proc = json_deep_copy(json_object_get(base, "process"));
	if (!proc)
		proc = json_object();
	json_t *args = json_array();
	for (int k = 1; k < p->npos; k++)
		json_array_append_new(args, json_string(p->pos[k]));
	json_object_set_new(proc, "args", args);
	json_object_set_new(proc, "terminal", json_boolean(flag_true(p, X_TTY)));
	if (p->val[X_CWD])
		json_object_set_new(proc, "cwd", json_string(p->val[X_CWD]));
	json_t *env = json_object_get(proc, "env");
	if (!json_is_array(env))
		json_object_set_new(proc, "env", env = json_array());
	for (int k = 0; k < p->count[X_ENV] && k < 32; k++)
		json_array_append_new(env, json_string(p->multi[X_ENV][k]));
	if (p->val[X_USER]) {
		unsigned long uid = strtoul(p->val[X_USER], NULL, 10), gid = 0;
		const char *c = strchr(p->val[X_USER], ':');
		if (c)
			gid = strtoul(c + 1, NULL, 10);
		json_object_set_new(proc, "user", json_pack("{s:I,s:I}", "uid", (json_int_t)uid, "gid", (json_int_t)gid));
	}
	if (p->val[X_GIDS]) {
		json_t *g = json_array();
		char *copy = strdup(p->val[X_GIDS]), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(g, json_integer(strtol(t, NULL, 10)));
		free(copy);
		json_t *u = json_object_get(proc, "user");
		if (!json_is_object(u))
			json_object_set_new(proc, "user", u = json_object());
		json_object_set_new(u, "additionalGids", g);
	}
	if (p->count[X_CAP]) {
		json_t *caps = json_object_get(proc, "capabilities");
		if (!json_is_object(caps))
			json_object_set_new(proc, "capabilities", caps = json_object());
		static const char *const sets[] = {"bounding", "effective", "permitted", "ambient", "inheritable"};
		for (size_t s = 0; s < 5; s++) {
			json_t *a = json_object_get(caps, sets[s]);
			if (!json_is_array(a))
				json_object_set_new(caps, sets[s], a = json_array());
			for (int k = 0; k < p->count[X_CAP] && k < 32; k++)
				json_array_append_new(a, json_string(p->multi[X_CAP][k]));
		}
	}
	if (flag_true(p, X_NNP))
		json_object_set_new(proc, "noNewPrivileges", json_true());
	return proc;
}

static int verb_exec(int argc, char **argv, int i)
{
	parsed p;
	if (parse_verb("exec", exec_flags, argc, argv, i, true, &p) < 0)
		return VAKT_EXIT_USAGE;
	if (p.npos < 1)
		return rt_usage("exec", "a container ID expected");
	if (!p.val[X_PROCESS] && p.npos < 2)
		return rt_usage("exec", "a command or --process FILE expected");
	vakt_error *e = NULL;
	json_t *proc = NULL;
	if (p.val[X_PROCESS]) {
		if (vakt_oci_config_load_json(p.val[X_PROCESS], &proc, &e) < 0)
			return rt_fail(e);
	} else {
		_cleanup_free_ char *cp = NULL;
		if (asprintf(&cp, "%s/%s/config.json", G.root, p.pos[0]) < 0)
			abort();
		json_t *base = NULL;
		if (vakt_oci_id_valid(p.pos[0]) && vakt_oci_config_load_json(cp, &base, &e) < 0) {
			vakt_error_free(e);
			e = NULL;
		}
		proc = exec_process_from_flags(&p, base);
		json_decref(base);
	}
	vakt_oci_exec_opts o = {.id = p.pos[0], .process = proc, .pid_file = p.val[X_PIDFILE],
				.console_socket = p.val[X_CONSOLE], .detach = flag_true(&p, X_DETACH)};
	if (p.val[X_PRESERVE] && parse_uint("exec", "--preserve-fds", p.val[X_PRESERVE], &o.preserve_fds) < 0) {
		json_decref(proc);
		return VAKT_EXIT_USAGE;
	}
	vakt_oci_policy *pol = NULL;
	if (load_rt_policy(&pol, &e) < 0) {
		json_decref(proc);
		return rt_fail(e);
	}
	o.policy = pol;
	/* a terminal without --console-socket, in the foreground: vakt holds the pty, as for
	 * run; the process is started detached and, vakt being its subreaper, waited for */
	fg_console fc = {.listen_fd = -1};
	bool own_console = !o.detach && !o.console_socket && json_is_true(json_object_get(proc, "terminal"));
	pid_t xpid = 0;
	if (own_console) {
		if (fg_console_open(&fc) < 0) {
			fg_console_close(&fc);
			vakt_oci_policy_free(pol);
			json_decref(proc);
			return rt_usage("exec", "a console socket for the terminal: %s", strerror(errno));
		}
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		o.console_socket = fc.path;
		o.detach = true;
		o.ret_pid = &xpid;
	}
	vakt_oci_rt rt = rt_of();
	int status = 0;
	int rc = vakt_oci_exec(&rt, &o, &status, &e);
	vakt_oci_policy_free(pol);
	json_decref(proc);
	int master = own_console && rc == 0 ? fg_console_master(&fc) : -1;
	if (own_console)
		fg_console_close(&fc);
	if (rc < 0)
		return rt_fail(e);
	if (own_console) {
		if (master >= 0) {
			fg_console_copy(master, xpid);
			close(master);
		}
		int st = 0;
		while (waitpid(xpid, &st, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return status;
}

/* -- the small verbs -------------------------------------------------------------------------- */

enum { S_FORCE = 1, S_ALL, S_FORMAT, S_QUIET, S_STATS, S_INTERVAL, S_RES, S_MEM, S_SWAP, S_MEMRES, S_SHARES, S_QUOTA,
       S_PERIOD, S_CPUS, S_MEMS, S_PIDS, S_BLKIO, S_KMEM, S_RTPERIOD, S_RTRUNTIME, S_L3, S_MEMBW };

static const flagdef small_flags[] = {
	{"force", 'f', false, S_FORCE},
	{"all", 'a', false, S_ALL},
	{"format", 0, true, S_FORMAT},
	{"quiet", 'q', false, S_QUIET},
	{"stats", 0, false, S_STATS},
	{"interval", 0, true, S_INTERVAL},
	{"resources", 'r', true, S_RES},
	{"memory", 0, true, S_MEM},
	{"memory-swap", 0, true, S_SWAP},
	{"memory-reservation", 0, true, S_MEMRES},
	{"cpu-share", 0, true, S_SHARES},
	{"cpu-shares", 0, true, S_SHARES},
	{"cpu-quota", 0, true, S_QUOTA},
	{"cpu-period", 0, true, S_PERIOD},
	{"cpuset-cpus", 0, true, S_CPUS},
	{"cpuset-mems", 0, true, S_MEMS},
	{"pids-limit", 0, true, S_PIDS},
	{"blkio-weight", 0, true, S_BLKIO},
	{"kernel-memory", 0, true, S_KMEM},
	{"cpu-rt-period", 0, true, S_RTPERIOD},
	{"cpu-rt-runtime", 0, true, S_RTRUNTIME},
	{"l3-cache-schema", 0, true, S_L3},
	{"mem-bw-schema", 0, true, S_MEMBW},
	{0},
};

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
}

static int parse_i64(const char *verb, const char *flag, const char *v, bool bytes, int64_t *ret)
{
	char *end;
	if (bytes && vakt_parse_bytes(v, ret))
		return 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end)
		return rt_usage(verb, "%s: '%s' is not a number", flag, v);
	*ret = n;
	return 0;
}

static int verb_update(const parsed *p, const char *id)
{
	vakt_error *e = NULL;
	vakt_oci_resources res;
	json_t *rj = NULL;
	if (p->val[S_RES]) {
		json_error_t je;
		rj = strcmp(p->val[S_RES], "-") == 0 ? json_loadf(stdin, 0, &je) : json_load_file(p->val[S_RES], 0, &je);
		if (!rj) {
			vakt_error_set_at(&e, VAKT_E_PARSE, p->val[S_RES], (unsigned)(je.line > 0 ? je.line : 0),
					  (unsigned)(je.column > 0 ? je.column : 0), "%s", je.text);
			return rt_fail(e);
		}
		if (vakt_oci_resources_parse(rj, p->val[S_RES], &res, &e) < 0) {
			json_decref(rj);
			return rt_fail(e);
		}
	} else {
		json_t *empty = json_object();
		vakt_oci_resources_parse(empty, "flags", &res, &e);
		json_decref(empty);
	}
	struct {
		int id;
		int64_t *dst;
		bool bytes;
		const char *name;
	} nums[] = {
		{S_MEM, &res.memory_limit, true, "--memory"},	       {S_SWAP, &res.memory_swap, true, "--memory-swap"},
		{S_MEMRES, &res.memory_reservation, true, "--memory-reservation"}, {S_SHARES, &res.cpu_shares, false, "--cpu-share"},
		{S_QUOTA, &res.cpu_quota, false, "--cpu-quota"},       {S_PERIOD, &res.cpu_period, false, "--cpu-period"},
		{S_PIDS, &res.pids_limit, false, "--pids-limit"},      {S_BLKIO, &res.blkio_weight, false, "--blkio-weight"},
	};
	int rc = 0;
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
		if (p->val[nums[k].id] && parse_i64("update", nums[k].name, p->val[nums[k].id], nums[k].bytes, nums[k].dst) < 0)
			rc = VAKT_EXIT_USAGE;
	if (p->val[S_KMEM] || p->val[S_RTPERIOD] || p->val[S_RTRUNTIME] || p->val[S_L3] || p->val[S_MEMBW])
		rc = rt_usage("update", "kernel memory, realtime CPU and Intel RDT limits are not supported by vakt");
	if (p->val[S_CPUS])
		res.cpu_cpus = p->val[S_CPUS];
	if (p->val[S_MEMS])
		res.cpu_mems = p->val[S_MEMS];
	if (rc == 0) {
		vakt_oci_policy *pol = NULL;
		vakt_oci_rt rt = rt_of();
		if (load_rt_policy(&pol, &e) < 0 || vakt_oci_update(&rt, id, &res, pol, &e) < 0)
			rc = rt_fail(e);
		vakt_oci_policy_free(pol);
	}
	vakt_oci_resources_clear(&res);
	json_decref(rj);
	return rc;
}

/* runc's ps table: ps(1) run with the given options (default -ef), its header and the
 * lines whose PID column is one of the container's. */
static int ps_table(const parsed *p, const pid_t *pids, size_t n)
{
	char *argv[64] = {(char *)(uintptr_t) "ps"};
	int argc = 1;
	if (p->npos > 1)
		for (int k = 1; k < p->npos && argc < 62; k++)
			argv[argc++] = (char *)(uintptr_t)p->pos[k];
	else
		argv[argc++] = (char *)(uintptr_t) "-ef";
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return rt_usage("ps", "pipe: %s", strerror(errno));
	pid_t c = fork();
	if (c == 0) {
		dup2(fds[1], 1);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char line[4096];
	int pid_col = -1, rc = VAKT_EXIT_OK;
	while (f && fgets(line, sizeof(line), f)) {
		char copy[4096], *save = NULL;
		snprintf(copy, sizeof(copy), "%s", line);
		if (pid_col < 0) {
			int col = 0;
			for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
				if (strcmp(t, "PID") == 0)
					pid_col = col;
			fputs(line, stdout);
			if (pid_col < 0) {
				rc = rt_usage("ps", "the ps options given print no PID column");
				break;
			}
			continue;
		}
		int col = 0;
		for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
			if (col == pid_col) {
				long v = strtol(t, NULL, 10);
				for (size_t k = 0; k < n; k++)
					if (pids[k] == v)
						fputs(line, stdout);
				break;
			}
	}
	if (f)
		fclose(f);
	int st;
	waitpid(c, &st, 0);
	if (rc == VAKT_EXIT_OK && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		rc = rt_usage("ps", "ps(1) failed (procps installs it)");
	return rc;
}

static void print_list(json_t *arr, const parsed *p)
{
	const char *fmt = p->val[S_FORMAT] ? p->val[S_FORMAT] : "table";
	size_t i;
	json_t *s;
	if (flag_true(p, S_QUIET)) {
		json_array_foreach(arr, i, s) printf("%s\n", json_string_value(json_object_get(s, "id")));
		return;
	}
	if (strcmp(fmt, "json") == 0) {
		print_json(arr);
		return;
	}
	printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	json_array_foreach(arr, i, s)
	{
		printf("%-12s %-10lld %-10s %-40s %-30s %s\n", json_string_value(json_object_get(s, "id")),
		       (long long)json_integer_value(json_object_get(s, "pid")), json_string_value(json_object_get(s, "status")),
		       json_string_value(json_object_get(s, "bundle")), json_string_value(json_object_get(s, "created")),
		       json_string_value(json_object_get(s, "owner")) ? json_string_value(json_object_get(s, "owner")) : "");
	}
}

static json_t *str_array(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The runtime-spec features document (features.md): what this build of vakt supports. */
static json_t *features_json(void)
{
	static const char *const hooks[] = {"prestart", "createRuntime", "createContainer", "startContainer",
					    "poststart", "poststop", NULL};
	static const char *const mopts[] = {
		"async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "idmap", "mand", "noatime", "nodev",
		"nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
		"remount", "ridmap", "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "slave",
		"strictatime", "suid", "sync", "unbindable", NULL};
	static const char *const ns[] = {"cgroup", "ipc", "mount", "network", "pid", "user", "uts", NULL};
	static const char *const actions[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
					      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL};
	static const char *const ops[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
					  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL};
	static const char *const archs[] = {"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
					    "SCMP_ARCH_ARM", NULL};
	json_t *caps = json_array();
	for (int c = 0; c <= 40; c++) {
		char n[40];
		snprintf(n, sizeof(n), "CAP_%s", vakt_cap_name(c));
		json_array_append_new(caps, json_string(n));
	}
	json_t *f = json_object();
	json_object_set_new(f, "ociVersionMin", json_string("1.0.0"));
	json_object_set_new(f, "ociVersionMax", json_string("1.2.0"));
	json_object_set_new(f, "hooks", str_array(hooks));
	json_object_set_new(f, "mountOptions", str_array(mopts));
	json_t *lin = json_object();
	json_object_set_new(lin, "namespaces", str_array(ns));
	json_object_set_new(lin, "capabilities", caps);
	json_object_set_new(lin, "cgroup", json_pack("{s:b,s:b,s:b,s:b}", "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0));
	json_t *sc = json_object();
	json_object_set_new(sc, "enabled", json_true());
	json_object_set_new(sc, "actions", str_array(actions));
	json_object_set_new(sc, "operators", str_array(ops));
	json_object_set_new(sc, "archs", str_array(archs));
	json_object_set_new(lin, "seccomp", sc);
	json_object_set_new(lin, "apparmor", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(lin, "selinux", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(lin, "intelRdt", json_pack("{s:b}", "enabled", 0));
	json_object_set_new(lin, "mountExtensions", json_pack("{s:{s:b}}", "idmap", "enabled", 1));
	json_object_set_new(f, "linux", lin);
	json_object_set_new(f, "annotations", json_pack("{s:s,s:s}", "io.vakt.version", VAKT_VERSION, "io.vakt.policy",
							"every container is tightened or refused by the policy "
							"(docs/oci-runtime.md)"));
	return f;
}

static int verb_small(const char *verb, int argc, char **argv, int i)
{
	parsed p;
	/* ps: what follows the ID are ps(1)'s options */
	if (parse_verb(verb, small_flags, argc, argv, i, strcmp(verb, "ps") == 0, &p) < 0)
		return VAKT_EXIT_USAGE;
	vakt_oci_rt rt = rt_of();
	vakt_error *e = NULL;
	if (strcmp(verb, "list") == 0) {
		json_t *arr = NULL;
		if (vakt_oci_list(&rt, &arr, &e) < 0) {
			json_decref(arr);
			return rt_fail(e);
		}
		print_list(arr, &p);
		json_decref(arr);
		return VAKT_EXIT_OK;
	}
	if (strcmp(verb, "features") == 0) {
		json_t *f = features_json();
		char *s = json_dumps(f, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(f);
		return VAKT_EXIT_OK;
	}
	bool is_kill = strcmp(verb, "kill") == 0, is_ps = strcmp(verb, "ps") == 0;
	if (p.npos < 1 || (p.npos > 1 && !is_kill && !is_ps) || (is_kill && p.npos > 2))
		return rt_usage(verb, is_kill ? "a container ID and an optional signal expected" : "exactly one container ID expected");
	const char *id = p.pos[0];
	if (strcmp(verb, "start") == 0)
		return vakt_oci_start(&rt, id, &e) < 0 ? rt_fail(e) : VAKT_EXIT_OK;
	if (strcmp(verb, "state") == 0) {
		json_t *s = NULL;
		if (vakt_oci_state(&rt, id, &s, &e) < 0)
			return rt_fail(e);
		char *txt = json_dumps(s, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", txt);
		free(txt);
		json_decref(s);
		return VAKT_EXIT_OK;
	}
	if (is_kill) {
		int sig = p.npos == 2 ? vakt_oci_signal(p.pos[1]) : SIGTERM;
		if (sig < 0)
			return rt_usage(verb, "unknown signal '%s'", p.pos[1]);
		return vakt_oci_kill(&rt, id, sig, flag_true(&p, S_ALL), &e) < 0 ? rt_fail(e) : VAKT_EXIT_OK;
	}
	if (strcmp(verb, "delete") == 0)
		return vakt_oci_delete(&rt, id, flag_true(&p, S_FORCE), &e) < 0 ? rt_fail(e) : VAKT_EXIT_OK;
	if (strcmp(verb, "pause") == 0 || strcmp(verb, "resume") == 0)
		return vakt_oci_pause(&rt, id, verb[0] == 'p', &e) < 0 ? rt_fail(e) : VAKT_EXIT_OK;
	if (strcmp(verb, "update") == 0)
		return verb_update(&p, id);
	if (is_ps) {
		pid_t *pids = NULL;
		size_t n = 0;
		if (vakt_oci_ps(&rt, id, &pids, &n, &e) < 0)
			return rt_fail(e);
		bool json = p.val[S_FORMAT] && strcmp(p.val[S_FORMAT], "json") == 0;
		int rc_ps = VAKT_EXIT_OK;
		if (json) {
			printf("[");
			for (size_t k = 0; k < n; k++)
				printf("%s%d", k ? "," : "", (int)pids[k]);
			printf("]\n");
		} else {
			rc_ps = ps_table(&p, pids, n);
		}
		free(pids);
		return rc_ps;
	}
	if (strcmp(verb, "events") == 0) {
		unsigned interval = 5;
		if (p.val[S_INTERVAL]) {
			char *end;
			unsigned long v = strtoul(p.val[S_INTERVAL], &end, 10);
			if (strcmp(end, "s") != 0 && *end)
				return rt_usage(verb, "--interval: seconds, like 5s");
			interval = v ? (unsigned)v : 1;
		}
		for (;;) {
			json_t *s = NULL;
			if (vakt_oci_stats(&rt, id, &s, &e) < 0)
				return p.val[S_STATS] ? rt_fail(e) : (vakt_error_free(e), VAKT_EXIT_OK);
			print_json(s);
			fflush(stdout);
			json_decref(s);
			if (flag_true(&p, S_STATS))
				return VAKT_EXIT_OK;
			sleep(interval);
		}
	}
	return rt_usage(verb, "unknown verb");
}

static const flagdef global_flags[] = {
	{"root", 0, true, 1},	      {"log", 0, true, 2},	     {"log-format", 0, true, 3}, {"debug", 0, false, 4},
	{"systemd-cgroup", 0, false, 5}, {"rootless", 0, true, 6},	     {"criu", 0, true, 7},	 {"policy", 0, true, 8},
	{"help", 'h', false, 9},	      {"version", 'v', false, 10}, {0},
};

static const char *const runc_verbs[] = {"create", "start",  "state", "kill",  "delete", "run",	"exec",	   "list",
					 "ps",	   "pause",  "resume", "update", "events", "features", "spec", "policy"};

bool cli_is_runc_call(int argc, char **argv)
{
	if (argc < 2)
		return false;
	const char *a = argv[1];
	if (a[0] == '-') {
		const char *n = a + (a[1] == '-' ? 2 : 1);
		size_t l = strcspn(n, "=");
		for (const flagdef *f = global_flags; f->name; f++)
			if (f->id <= 7 && strlen(f->name) == l && strncmp(f->name, n, l) == 0)
				return true;
		return false;
	}
	for (size_t i = 0; i < sizeof(runc_verbs) / sizeof(runc_verbs[0]); i++)
		if (strcmp(a, runc_verbs[i]) == 0 && strcmp(a, "run") != 0 && strcmp(a, "policy") != 0)
			return true;
	return false;
}

int cmd_oci(int argc, char **argv)
{
	memset(&G, 0, sizeof(G));
	G.root = "/run/vakt";
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *n = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(n, '=');
		size_t l = eq ? (size_t)(eq - n) : strlen(n);
		const flagdef *d = NULL;
		for (const flagdef *f = global_flags; f->name; f++)
			if ((strlen(f->name) == l && strncmp(f->name, n, l) == 0) || (l == 1 && f->shrt == n[0]))
				d = f;
		if (!d)
			break; /* a verb's own flag before the verb: spec/policy check's table decides */
		const char *v = eq ? eq + 1 : NULL;
		if (d->value && !v) {
			if (i + 1 >= argc)
				return rt_usage("", "flag '%s' needs a value", a);
			v = argv[++i];
		}
		switch (d->id) {
		case 1:
			G.root = v;
			break;
		case 2:
			G.log = v;
			break;
		case 3:
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				return rt_usage("", "--log-format: json or text, not '%s'", v);
			G.json_log = strcmp(v, "json") == 0;
			break;
		case 4:
			G.debug = true;
			break;
		case 5:
			G.systemd = true;
			break;
		case 8:
			G.policy = v;
			break;
		case 9:
			vakt_opts_help(&cmd_oci_help, stdout);
			return VAKT_EXIT_OK;
		case 10:
			printf("vakt version %s\nspec: 1.2.0\n", VAKT_VERSION);
			return VAKT_EXIT_OK;
		default:
			break; /* --rootless, --criu: accepted, nothing to do */
		}
	}
	if (G.log) {
		G.logf = fopen(G.log, "ae");
		if (!G.logf) {
			fprintf(stderr, "vakt: error: --log %s: %s\n", G.log, strerror(errno));
			return 1;
		}
	}
	int rc;
	const char *verb = i < argc ? argv[i] : NULL;
	if (!verb) {
		rc = rt_usage("", "no verb: create, start, state, kill, delete, run, exec, list, ps, pause, resume, update, "
				  "events, features, spec or policy check");
	} else if (G.systemd && access("/run/systemd/system", F_OK) != 0 &&
		   (strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0)) {
		vakt_error *e = NULL;
		vakt_error_set(&e, VAKT_E_USAGE,
			       "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system): use the "
			       "cgroupfs manager (Podman: cgroup_manager = \"cgroupfs\")");
		rc = rt_fail(e);
	} else if (strcmp(verb, "create") == 0 || strcmp(verb, "run") == 0) {
		rc = verb_create(verb, argc, argv, i + 1, verb[0] == 'r');
	} else if (strcmp(verb, "exec") == 0) {
		rc = verb_exec(argc, argv, i + 1);
	} else if (strcmp(verb, "spec") == 0 || strcmp(verb, "policy") == 0) {
		oci_args a = {.policy = G.policy};
		/* the verb's own table parses from the verb on ("spec" stands as argv[0]) */
		int r = vakt_opts_parse(&cmd_oci_help, argc - i + 1, argv + i - 1, on_opt, &a);
		if (r != 0)
			rc = r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
		else if (a.nwords == 1 && strcmp(a.words[0], "spec") == 0)
			rc = oci_spec(&a);
		else if (a.nwords == 3 && strcmp(a.words[1], "check") == 0)
			rc = oci_policy_check(&a, a.words[2]);
		else
			rc = rt_usage(verb, "usage: spec [--bundle DIR] | policy check [--policy F] [-f json] CONFIG");
	} else {
		bool known = false;
		for (size_t k = 0; k < sizeof(runc_verbs) / sizeof(runc_verbs[0]); k++)
			known |= strcmp(verb, runc_verbs[k]) == 0;
		rc = known ? verb_small(verb, argc, argv, i + 1) : rt_usage(verb, "unknown verb '%s'", verb);
	}
	if (G.logf)
		fclose(G.logf);
	return rc;
}
