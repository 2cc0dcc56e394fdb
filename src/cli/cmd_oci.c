/* cmd_oci.c - `vakt oci`: the OCI runtime side of vakt (first part).
 *
 *   vakt oci spec [--bundle DIR]                 write a hardened config.json
 *   vakt oci policy check [--policy F] CONFIG    what the policy would do to a config
 *
 * The runc protocol itself (create, start, state, kill, delete, run, exec...) comes
 * later. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "oci/policy.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
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
	.usage = "spec | policy check CONFIG  [OPTIONS]",
	.summary = "OCI bundles: a hardened config.json, and the policy that tightens any config.",
	.details =
		"spec writes a config.json whose defaults are vakt's hardened ones.\n"
		"policy check prints what the policy (--policy, $VAKT_POLICY,\n"
		"/etc/vakt/policy.yaml, else the built-in default) would change in a\n"
		"config.json, or why it would refuse it. The runtime verbs (create, start,\n"
		"state, kill, delete, run) come next.\n"
		"\n"
		"Exit status: policy check: 0 the config passes as is,\n"
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
	vakt_usage_error("oci", a.nwords ? "unknown or incomplete verb '%s' (spec, policy check)"
					 : "no verb: spec or policy check",
			 a.nwords ? a.words[0] : "");
	return VAKT_EXIT_USAGE;
}
