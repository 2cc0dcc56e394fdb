/* cmd_oci.c - `vakt oci`: the OCI runtime side of vakt (first part).
 *
 *   vakt oci spec [--bundle DIR]                 write a hardened config.json
 *   vakt oci policy check [--policy F] CONFIG    what the policy would do to a config
 *   vakt oci run [--bundle DIR] [--policy F] ID  the bundle run in the foreground, after
 *                                                the policy, with vakt run's runtime
 *
 * The rest of the runc protocol (create, start, state, kill, delete, exec...) comes
 * later. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "oci/policy.h"
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
	.usage = "spec | policy check CONFIG | run ID  [OPTIONS]",
	.summary = "OCI bundles: a hardened config.json, and the policy that tightens any config.",
	.details =
		"spec writes a config.json whose defaults are vakt's hardened ones.\n"
		"policy check prints what the policy (--policy, $VAKT_POLICY,\n"
		"/etc/vakt/policy.yaml, else the built-in default) would change in a\n"
		"config.json, or why it would refuse it. run applies the policy to the\n"
		"bundle's config.json and runs it in the foreground with vakt run's runtime\n"
		"(its user namespace always). The other runtime verbs (create, start, state,\n"
		"kill, delete) come next.\n"
		"\n"
		"Exit status: run: the container's (125 when it could not start, 4 refused by\n"
		"the policy); policy check: 0 the config passes as is,\n"
		"1 the policy would change it, 4 it would refuse it; 2 usage error, 3 an\n"
		"unreadable bundle or policy.",
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
	json_t *cfg = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:[s, s], s:s, s:{s:[], s:[], s:[], s:[], s:[]}, s:b},"
		" s:{s:s, s:b}, s:s, s:[{s:s, s:s, s:s, s:[s, s, s]}, {s:s, s:s, s:s, s:[s, s, s, s]}],"
		" s:{s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}],"
		"    s:[{s:i, s:i, s:i}], s:[{s:i, s:i, s:i}], s:{s:{s:i}}}}",
		"ociVersion", "1.0.2",
		"process", "terminal", 0, "user", "uid", 0, "gid", 0, "args", "sh",
		"env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		"cwd", "/", "capabilities", "bounding", "effective", "inheritable", "permitted", "ambient",
		"noNewPrivileges", 1,
		"root", "path", "rootfs", "readonly", 1,
		"hostname", "vakt",
		"mounts",
		"destination", "/proc", "type", "proc", "source", "proc", "options", "nosuid", "noexec", "nodev",
		"destination", "/tmp", "type", "tmpfs", "source", "tmpfs", "options", "nosuid", "nodev", "mode=1777",
		"size=65536k",
		"linux", "namespaces", "type", "user", "type", "mount", "type", "pid", "type", "ipc", "type", "uts",
		"type", "network", "type", "cgroup",
		"uidMappings", "containerID", 0, "hostID", 1000000000, "size", 65536,
		"gidMappings", "containerID", 0, "hostID", 1000000000, "size", 65536,
		"resources", "pids", "limit", 1024);
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

/* ---- run -------------------------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *path)
{
	/* "a.b.c" */
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = o;
	for (char *save = NULL, *t = strtok_r(buf, ".", &save); t && cur; t = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, t);
	return json_string_value(cur);
}

static json_int_t jint(json_t *o, const char *path, json_int_t def)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = o;
	for (char *save = NULL, *t = strtok_r(buf, ".", &save); t && cur; t = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, t);
	return json_is_integer(cur) ? json_integer_value(cur) : def;
}

/* A NULL-terminated copy of a JSON array of strings (NULL if it is not one). */
static char **jstrv(json_t *arr)
{
	if (!json_is_array(arr))
		return NULL;
	size_t n = json_array_size(arr);
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		v[i] = strdup(s ? s : "");
	}
	return v;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool has_option(json_t *opts, const char *o)
{
	size_t i;
	json_t *v;
	json_array_foreach(opts, i, v) if (json_string_value(v) && strcmp(json_string_value(v), o) == 0) return true;
	return false;
}

static void run_warn(const char *msg, void *ud)
{
	(void)ud;
	fprintf(stderr, "vakt: warning: %s\n", msg);
}

/* config.json (after the policy) onto vakt run's spec; returns 0 or a usage error. The
 * container always gets vakt run's user namespace and its own /proc, /dev and /sys:
 * those mounts of the config are vakt's to make. */
static int oci_run(const oci_args *a, const char *id)
{
	const char *bundle = a->bundle ? a->bundle : ".";
	char *cfgpath = NULL, *rootfs = NULL, *seccomp_file = NULL;
	int seccomp_fd = -1;
	if (asprintf(&cfgpath, "%s/config.json", bundle) < 0)
		abort();
	vakt_error *e = NULL;
	vakt_oci_policy *pol = NULL;
	vakt_oci_result *res = NULL;
	json_t *cfg = NULL;
	char **args = NULL, **env = NULL;
	vakt_bind *binds = NULL;
	const char **tmpfs = NULL;
	int rc = 125;
	if (load_policy(a, &pol, &e) < 0 || !(cfg = read_config(cfgpath, &e)) ||
	    vakt_oci_policy_apply(pol, cfg, &res, &e) < 0) {
		cli_print_error(e);
		goto out;
	}
	if (res->denied) {
		fprintf(stderr, "vakt: error: %s: container %s refused by the policy:\n", cfgpath, id);
		vakt_oci_result_print_text(res, stderr);
		rc = 4;
		goto out;
	}
	vakt_run_spec s;
	vakt_run_spec_init(&s);
	const char *rp = jstr(cfg, "root.path");
	if (!rp) {
		fprintf(stderr, "vakt: error: %s: no root.path\n", cfgpath);
		goto out;
	}
	if (rp[0] == '/' ? !(rootfs = strdup(rp)) : asprintf(&rootfs, "%s/%s", bundle, rp) < 0)
		abort();
	s.rootfs = rootfs;
	args = jstrv(json_object_get(json_object_get(cfg, "process"), "args"));
	env = jstrv(json_object_get(json_object_get(cfg, "process"), "env"));
	if (!args || !args[0]) {
		fprintf(stderr, "vakt: error: %s: process.args is empty\n", cfgpath);
		goto out;
	}
	s.argv = args;
	static char *const no_env[] = {NULL};
	s.env = env ? env : no_env;
	if (jstr(cfg, "process.cwd"))
		s.cwd = jstr(cfg, "process.cwd");
	if (jstr(cfg, "hostname"))
		s.hostname = jstr(cfg, "hostname");
	s.uid = (uid_t)jint(cfg, "process.user.uid", 0);
	s.gid = (gid_t)jint(cfg, "process.user.gid", 0);
	json_t *ro = json_object_get(json_object_get(cfg, "root"), "readonly");
	s.read_write = !json_is_true(ro);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(json_object_get(json_object_get(cfg, "process"), "capabilities"), "bounding"), i, v)
	{
		int cap = json_string_value(v) ? vakt_cap_from_name(json_string_value(v)) : -1;
		if (cap >= 0)
			s.caps |= 1ull << cap;
	}
	json_t *mounts = json_object_get(cfg, "mounts");
	size_t nm = json_array_size(mounts);
	binds = calloc(nm + 1, sizeof(*binds));
	tmpfs = calloc(nm + 1, sizeof(*tmpfs));
	if (!binds || !tmpfs)
		abort();
	json_array_foreach(mounts, i, v)
	{
		const char *dst = json_string_value(json_object_get(v, "destination"));
		const char *type = json_string_value(json_object_get(v, "type"));
		const char *src = json_string_value(json_object_get(v, "source"));
		json_t *opts = json_object_get(v, "options");
		if (!dst || dst[0] != '/')
			continue;
		if (strcmp(dst, "/proc") == 0 || strncmp(dst, "/dev", 4) == 0 || strncmp(dst, "/sys", 4) == 0 ||
		    strcmp(dst, "/tmp") == 0 || strcmp(dst, "/run") == 0)
			continue; /* vakt's own */
		bool bind = (type && strcmp(type, "bind") == 0) || has_option(opts, "bind") || has_option(opts, "rbind");
		if (bind && src)
			binds[s.nbinds++] = (vakt_bind){src, dst, !has_option(opts, "ro")};
		else if (type && strcmp(type, "tmpfs") == 0)
			tmpfs[s.ntmpfs++] = dst;
	}
	s.binds = binds;
	s.tmpfs = tmpfs;
	json_t *lin = json_object_get(cfg, "linux");
	json_int_t mem = jint(lin, "resources.memory.limit", 0), pids = jint(lin, "resources.pids.limit", 0);
	if (mem > 0)
		s.limits.memory = mem, s.limits.memory_explicit = true;
	s.limits.pids = pids > 0 ? pids : 1024;
	s.limits.pids_explicit = pids > 0;
	json_int_t quota = jint(lin, "resources.cpu.quota", 0), period = jint(lin, "resources.cpu.period", 100000);
	if (quota > 0)
		s.limits.cpu_quota = quota, s.limits.cpu_period = period, s.limits.cpus_explicit = true;
	json_t *sc = json_object_get(lin, "seccomp");
	if (sc) {
		/* the config's own filter, through the Docker-format reader (OCI's is the same
		 * shape), handed over in memory: nothing is written to disk */
		seccomp_fd = memfd_create("vakt-oci-seccomp", MFD_CLOEXEC);
		if (seccomp_fd < 0 || json_dumpfd(sc, seccomp_fd, 0) < 0) {
			fprintf(stderr, "vakt: error: the config's seccomp profile: %s\n", strerror(errno));
			goto out;
		}
		if (asprintf(&seccomp_file, "/proc/self/fd/%d", seccomp_fd) < 0)
			abort();
		s.seccomp_profile = seccomp_file;
	}
	s.warn = run_warn;
	int status = 0;
	if (vakt_run(&s, &status, &e) < 0) {
		cli_print_error(e);
		rc = e->code == VAKT_E_USAGE ? VAKT_EXIT_USAGE : 125;
	} else {
		rc = status;
	}
out:
	if (seccomp_fd >= 0)
		close(seccomp_fd);
	free(seccomp_file);
	strv_free(args);
	strv_free(env);
	free(binds);
	free(tmpfs);
	free(rootfs);
	free(cfgpath);
	vakt_oci_result_free(res);
	json_decref(cfg);
	vakt_oci_policy_free(pol);
	vakt_error_free(e);
	return rc;
}

int cmd_oci(int argc, char **argv)
{
	oci_args a = {0};
	int r = vakt_opts_parse(&cmd_oci_help, argc, argv, on_opt, &a);
	if (r != 0)
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	if (a.nwords >= 1 && strcmp(a.words[0], "spec") == 0 && a.nwords == 1)
		return oci_spec(&a);
	if (a.nwords == 3 && strcmp(a.words[0], "policy") == 0 && strcmp(a.words[1], "check") == 0)
		return oci_policy_check(&a, a.words[2]);
	if (a.nwords == 2 && strcmp(a.words[0], "run") == 0)
		return oci_run(&a, a.words[1]);
	vakt_usage_error("oci", a.nwords ? "unknown or incomplete verb '%s' (spec, policy check, run)"
					 : "no verb: spec, policy check or run",
			 a.nwords ? a.words[0] : "");
	return VAKT_EXIT_USAGE;
}
