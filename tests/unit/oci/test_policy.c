/* test_policy.c - the OCI policy engine on config.json fixtures (tests/inputs/oci): each
 * default rule, deny mode, a custom policy, malformed policies with their positions,
 * idempotence, and the text and JSON output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "oci/policy.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char *input(const char *rel)
{
	return xasprintf("%s/%s", VAKT_OCI_INPUTS, rel);
}

static json_t *load_config(const char *name)
{
	char *p = input(name);
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	if (!j)
		fail_msg("%s:%d: %s", p, je.line, je.text);
	free(p);
	return j;
}

static vakt_oci_policy *load_policy(const char *name)
{
	if (!name)
		return vakt_oci_policy_default();
	char *p = input(name);
	vakt_oci_policy *pol = NULL;
	vakt_error *err = NULL;
	if (vakt_oci_policy_load(p, &pol, &err) < 0)
		fail_msg("%s: %s", p, err->msg);
	free(p);
	return pol;
}

/* Apply the policy file `policy` (NULL: the default) to fixture `config`; the changed
 * config in *ret_config (caller decrefs). */
static vakt_oci_result *apply(const char *policy, const char *config, json_t **ret_config)
{
	vakt_oci_policy *pol = load_policy(policy);
	json_t *cfg = load_config(config);
	vakt_oci_result *res = NULL;
	vakt_error *err = NULL;
	if (vakt_oci_policy_apply(pol, cfg, &res, &err) < 0)
		fail_msg("%s: %s", config, err->msg);
	vakt_oci_policy_free(pol);
	if (ret_config)
		*ret_config = cfg;
	else
		json_decref(cfg);
	return res;
}

/* The i-th action (from 0) of rule on field, or NULL. */
static const vakt_oci_action *find_nth(const vakt_oci_result *r, const char *rule,
				       const char *field, int nth)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->actions[i].rule, rule) == 0 &&
		    strcmp(r->actions[i].field, field) == 0 && nth-- == 0)
			return &r->actions[i];
	return NULL;
}

static void dump(const vakt_oci_result *r)
{
	vakt_oci_result_print_text(r, stderr);
}

/* Assert an action of kind on rule/field whose message contains want. */
static void expect(const vakt_oci_result *r, vakt_oci_action_kind kind, const char *rule,
		   const char *field, const char *want)
{
	for (int n = 0;; n++) {
		const vakt_oci_action *a = find_nth(r, rule, field, n);
		if (!a)
			break;
		if (a->kind == kind && strstr(a->message, want))
			return;
	}
	dump(r);
	fail_msg("no %s action %s %s containing \"%s\"", vakt_oci_action_kind_name(kind), rule,
		 field, want);
}

static void expect_none(const vakt_oci_result *r, const char *rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->actions[i].rule, rule) == 0) {
			dump(r);
			fail_msg("unexpected %s action on %s", rule, r->actions[i].field);
		}
}

static size_t count_kind(const vakt_oci_result *r, vakt_oci_action_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->actions[i].kind == kind;
	return n;
}

/* The value at a dotted path ("process.capabilities.bounding"), or NULL. */
static json_t *at(json_t *j, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	for (char *t = strtok_r(copy, ".", &save); t && j; t = strtok_r(NULL, ".", &save))
		j = json_object_get(j, t);
	free(copy);
	return j;
}

/* The mount at destination, or NULL; *ret_index its position. */
static json_t *mount_at_dest(json_t *cfg, const char *dest, size_t *ret_index)
{
	json_t *mounts = json_object_get(cfg, "mounts");
	for (size_t i = 0; i < json_array_size(mounts); i++) {
		json_t *m = json_array_get(mounts, i);
		if (strcmp(json_string_value(json_object_get(m, "destination")), dest) == 0) {
			if (ret_index)
				*ret_index = i;
			return m;
		}
	}
	return NULL;
}

/* "a,b,c" of a JSON array of strings. */
static char *joined(json_t *arr)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		char *n = xasprintf("%s%s%s", s, i ? "," : "",
				    json_string_value(json_array_get(arr, i)));
		free(s);
		s = n;
	}
	return s;
}

static void assert_joined(json_t *arr, const char *want)
{
	assert_non_null(arr);
	char *got = joined(arr);
	assert_string_equal(got, want);
	free(got);
}

/* ---- the default policy ------------------------------------------------------------------- */

static void test_default_runc_spec(void **state)
{
	(void)state;
	json_t *cfg;
	vakt_oci_result *r = apply(NULL, "runc-spec.json", &cfg);
	assert_false(r->denied);
	/* runc spec already sets these */
	expect_none(r, "noNewPrivileges");
	expect_none(r, "readonlyRootfs");
	/* every capability dropped from each set, with the note about low ports */
	static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
	for (size_t i = 0; i < 4; i++) {
		char *f = xasprintf("process.capabilities.%s", sets[i]);
		expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", f,
		       "dropped CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE (allowed: none)");
		expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", f, "ip_unprivileged_port_start=0");
		assert_int_equal(json_array_size(at(cfg, f)), 0);
		free(f);
	}
	assert_null(at(cfg, "process.capabilities.inheritable"));
	/* so the sysctl is set in the container's own network namespace */
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities",
	       "linux.sysctl.net.ipv4.ip_unprivileged_port_start", "set to 0");
	json_t *sysctl = at(cfg, "linux.sysctl");
	assert_string_equal(
		json_string_value(json_object_get(sysctl, "net.ipv4.ip_unprivileged_port_start")),
		"0");
	/* no seccomp in runc spec: the runtime's default */
	expect(r, VAKT_OCI_ACT_RUNTIME, "seccomp", "linux.seccomp", "built-in default");
	assert_true(r->seccomp_default);
	assert_null(at(cfg, "linux.seccomp"));
	expect(r, VAKT_OCI_ACT_CHANGED, "pidsLimit", "linux.resources.pids.limit", "set to 1024");
	assert_int_equal(json_integer_value(at(cfg, "linux.resources.pids.limit")), 1024);
	/* devices cgroup rules kept beside the new pids limit */
	assert_non_null(at(cfg, "linux.resources.devices"));
	expect_none(r, "userns");
	expect_none(r, "privileged");
	expect_none(r, "hostNamespaces");
	expect_none(r, "mounts");
	vakt_oci_result_free(r);
	json_decref(cfg);
}

static void test_default_docker_like(void **state)
{
	(void)state;
	json_t *cfg;
	vakt_oci_result *r = apply(NULL, "docker-default-like.json", &cfg);
	assert_false(r->denied);
	expect(r, VAKT_OCI_ACT_CHANGED, "noNewPrivileges", "process.noNewPrivileges",
	       "set to true");
	assert_true(json_is_true(at(cfg, "process.noNewPrivileges")));
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "dropped CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID");
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "CAP_SYS_CHROOT");
	assert_int_equal(json_array_size(at(cfg, "process.capabilities.effective")), 0);
	assert_int_equal(json_array_size(at(cfg, "process.capabilities.permitted")), 0);
	/* docker sets the sysctl itself: nothing to add */
	assert_null(
		find_nth(r, "capabilities", "linux.sysctl.net.ipv4.ip_unprivileged_port_start", 0));
	/* read-only root with scratch space; /run gets one before the /run/secrets bind */
	expect(r, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "root.readonly", "set to true");
	assert_true(json_is_true(at(cfg, "root.readonly")));
	expect(r, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "mounts",
	       "added tmpfs /tmp (nosuid,nodev,mode=1777)");
	expect(r, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "mounts",
	       "added tmpfs /var/tmp (nosuid,nodev,mode=1777)");
	expect(r, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "mounts",
	       "added tmpfs /run (nosuid,nodev,mode=755)");
	size_t irun = 0, isecret = 0;
	json_t *tmp = mount_at_dest(cfg, "/tmp", NULL);
	assert_non_null(tmp);
	assert_string_equal(json_string_value(json_object_get(tmp, "type")), "tmpfs");
	assert_joined(json_object_get(tmp, "options"), "nosuid,nodev,mode=1777");
	assert_non_null(mount_at_dest(cfg, "/run", &irun));
	assert_non_null(mount_at_dest(cfg, "/run/secrets/token", &isecret));
	assert_true(irun < isecret);
	/* a real filter: no seccomp action */
	expect_none(r, "seccomp");
	assert_false(r->seccomp_default);
	expect(r, VAKT_OCI_ACT_CHANGED, "pidsLimit", "linux.resources.pids.limit", "set to 1024");
	/* docker's container binds (resolv.conf, hosts) are not host paths the policy denies */
	expect_none(r, "mounts");
	vakt_oci_result_free(r);
	json_decref(cfg);
}

static void test_default_privileged(void **state)
{
	(void)state;
	vakt_oci_result *r = apply(NULL, "privileged.json", NULL);
	assert_true(r->denied);
	expect(r, VAKT_OCI_ACT_DENIED, "privileged", "process.capabilities.bounding",
	       "privileged-equivalent");
	vakt_oci_result_free(r);

	r = apply(NULL, "host-dev.json", NULL);
	assert_true(r->denied);
	expect(r, VAKT_OCI_ACT_DENIED, "privileged", "mounts[11]",
	       "the host's /dev is bind-mounted at /dev");
	assert_null(find_nth(r, "privileged", "process.capabilities.bounding", 0));
	vakt_oci_result_free(r);

	/* with a seccomp filter, every capability is not privileged-equivalent: they are dropped */
	json_t *cfg = load_config("privileged.json");
	json_object_set_new(
		json_object_get(cfg, "linux"), "seccomp",
		json_pack("{s:s, s:[]}", "defaultAction", "SCMP_ACT_ERRNO", "syscalls"));
	vakt_oci_policy *pol = vakt_oci_policy_default();
	vakt_error *err = NULL;
	assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r, &err), 0);
	assert_false(r->denied);
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "CAP_SYS_ADMIN");
	vakt_oci_result_free(r);
	vakt_oci_policy_free(pol);
	json_decref(cfg);
}

static void test_default_host_namespaces(void **state)
{
	(void)state;
	json_t *cfg;
	vakt_oci_result *r = apply(NULL, "host-network.json", &cfg);
	assert_true(r->denied);
	expect(r, VAKT_OCI_ACT_DENIED, "hostNamespaces", "linux.namespaces",
	       "no network namespace: the container would share the host's");
	assert_null(find_nth(r, "hostNamespaces", "linux.namespaces", 1));
	/* the host's network namespace: no low-port sysctl there */
	assert_null(
		json_object_get(at(cfg, "linux.sysctl"), "net.ipv4.ip_unprivileged_port_start"));
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "CAP_NET_BIND_SERVICE");
	assert_null(strstr(find_nth(r, "capabilities", "process.capabilities.bounding", 0)->message,
			   "ip_unprivileged_port_start"));
	vakt_oci_result_free(r);
	json_decref(cfg);

	r = apply(NULL, "host-ns-paths.json", NULL);
	assert_true(r->denied);
	expect(r, VAKT_OCI_ACT_DENIED, "hostNamespaces", "linux.namespaces[3]",
	       "the pid namespace /proc/1/ns/pid is the host's");
	expect(r, VAKT_OCI_ACT_DENIED, "hostNamespaces", "linux.namespaces[4]",
	       "the ipc namespace");
	/* a CNI network namespace is the pod's, not the host's */
	assert_null(find_nth(r, "hostNamespaces", "linux.namespaces[1]", 0));
	assert_null(find_nth(r, "hostNamespaces", "linux.namespaces", 0));
	vakt_oci_result_free(r);

	/* the namespace vakt runs in, under a name the text check does not know */
	cfg = load_config("runc-spec.json");
	json_t *ns = at(cfg, "linux.namespaces");
	json_object_set_new(json_array_get(ns, 1), "path",
			    json_string("/proc/self/task/../ns/net"));
	vakt_oci_policy *pol = vakt_oci_policy_default();
	vakt_error *err = NULL;
	assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r, &err), 0);
	expect(r, VAKT_OCI_ACT_DENIED, "hostNamespaces", "linux.namespaces[1]",
	       "network namespace");
	vakt_oci_result_free(r);
	vakt_oci_policy_free(pol);
	json_decref(cfg);
}

static void test_default_host_mounts(void **state)
{
	(void)state;
	vakt_oci_result *r = apply(NULL, "docker-sock.json", NULL);
	assert_true(r->denied);
	/* mounts[0..10] are docker-default-like's own */
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[11]",
	       "bind mount of the host's /var/run/docker.sock at /var/run/docker.sock exposes "
	       "/run/docker.sock");
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[12]",
	       "exposes /run/containerd/containerd.sock");
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[13]", "exposes /run/docker.sock");
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[14]", "(denied host path /)");
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[15]",
	       "/srv/../etc at /hostetc (denied host path /etc)");
	assert_null(find_nth(r, "mounts", "mounts[16]", 0)); /* /srv/data */
	assert_null(find_nth(r, "mounts", "mounts[17]", 0)); /* proc, not a bind */
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[18]",
	       "/proc/1/root at /hostroot (denied host path /proc)");
	assert_null(find_nth(r, "mounts", "mounts[19]", 0)); /* /etc/localtime */
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[20]", "exposes /run/podman/podman.sock");
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[21]", "exposes /run/crio/crio.sock");
	for (size_t i = 0; i <= 10; i++) {
		char f[32];
		snprintf(f, sizeof(f), "mounts[%zu]", i);
		assert_null(find_nth(r, "mounts", f, 0));
	}
	vakt_oci_result_free(r);
}

/* ---- deny mode, custom policies ------------------------------------------------------------ */

static void test_deny_mode(void **state)
{
	(void)state;
	json_t *cfg, *orig = load_config("docker-default-like.json");
	vakt_oci_result *r = apply("policies/deny-mode.yaml", "docker-default-like.json", &cfg);
	assert_true(r->denied);
	assert_int_equal(count_kind(r, VAKT_OCI_ACT_CHANGED), 0);
	expect(r, VAKT_OCI_ACT_DENIED, "noNewPrivileges", "process.noNewPrivileges", "is not true");
	expect(r, VAKT_OCI_ACT_DENIED, "capabilities", "process.capabilities.bounding",
	       "holds CAP_CHOWN, CAP_DAC_OVERRIDE");
	expect(r, VAKT_OCI_ACT_DENIED, "capabilities", "process.capabilities.permitted",
	       "allowed: none");
	expect(r, VAKT_OCI_ACT_DENIED, "readonlyRootfs", "root.readonly", "is not true");
	expect(r, VAKT_OCI_ACT_DENIED, "pidsLimit", "linux.resources.pids.limit", "is not set");
	expect_none(r, "seccomp");
	/* the config is left as it came */
	assert_true(json_equal(cfg, orig));
	vakt_oci_result_free(r);
	json_decref(cfg);
	json_decref(orig);

	r = apply("policies/deny-mode.yaml", "runc-spec.json", NULL);
	expect(r, VAKT_OCI_ACT_DENIED, "seccomp", "linux.seccomp", "is absent");
	assert_false(r->seccomp_default);
	vakt_oci_result_free(r);
}

static void test_custom_allow(void **state)
{
	(void)state;
	json_t *cfg;
	vakt_oci_result *r = apply("policies/custom-allow.yaml", "docker-default-like.json", &cfg);
	assert_false(r->denied);
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "dropped CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, "
	       "CAP_SETGID, "
	       "CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE "
	       "(allowed: CAP_CHOWN, CAP_NET_BIND_SERVICE)");
	assert_joined(at(cfg, "process.capabilities.bounding"), "CAP_CHOWN,CAP_NET_BIND_SERVICE");
	assert_joined(at(cfg, "process.capabilities.effective"), "CAP_CHOWN,CAP_NET_BIND_SERVICE");
	/* the rest of the policy is the default */
	expect(r, VAKT_OCI_ACT_CHANGED, "noNewPrivileges", "process.noNewPrivileges",
	       "set to true");
	vakt_oci_result_free(r);
	json_decref(cfg);

	/* allowed but absent: not added */
	r = apply("policies/custom-allow.yaml", "runc-spec.json", &cfg);
	assert_joined(at(cfg, "process.capabilities.ambient"), "CAP_NET_BIND_SERVICE");
	assert_null(
		find_nth(r, "capabilities", "linux.sysctl.net.ipv4.ip_unprivileged_port_start", 0));
	vakt_oci_result_free(r);
	json_decref(cfg);
}

static void test_full_policy(void **state)
{
	(void)state;
	vakt_oci_policy *pol = load_policy("policies/full.yaml");
	assert_int_equal(pol->mode, VAKT_OCI_MODE_TIGHTEN);
	assert_false(pol->no_new_privileges);
	assert_false(pol->readonly_rootfs);
	assert_false(pol->deny_privileged);
	assert_false(pol->deny_host_namespaces);
	assert_false(pol->seccomp_default);
	assert_true(pol->userns);
	assert_int_equal(pol->pids_limit, 4096);
	assert_int_equal(pol->n_deny_host_paths, 2);
	assert_string_equal(pol->deny_host_paths[0], "/srv/app");
	vakt_oci_policy_free(pol);

	json_t *cfg;
	vakt_oci_result *r = apply("policies/full.yaml", "privileged.json", &cfg);
	/* privileged: allow, hostNamespaces: allow; only its /srv/app/token bind is refused */
	expect_none(r, "privileged");
	expect_none(r, "hostNamespaces");
	assert_int_equal(count_kind(r, VAKT_OCI_ACT_DENIED), 1);
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[9]", "(denied host path /srv/app)");
	expect_none(r, "noNewPrivileges");
	expect_none(r, "readonlyRootfs");
	expect_none(r, "seccomp");
	expect(r, VAKT_OCI_ACT_CHANGED, "capabilities", "process.capabilities.bounding",
	       "(allowed: CAP_KILL)");
	assert_joined(at(cfg, "process.capabilities.bounding"), "CAP_KILL");
	expect(r, VAKT_OCI_ACT_CHANGED, "userns", "linux.namespaces", "added a user namespace");
	expect(r, VAKT_OCI_ACT_CHANGED, "userns", "linux.uidMappings",
	       "mapped container 0 to host 1000000000, size 65536");
	json_t *m = json_array_get(at(cfg, "linux.gidMappings"), 0);
	assert_int_equal(json_integer_value(json_object_get(m, "hostID")), 1000000000);
	assert_int_equal(json_integer_value(json_object_get(m, "size")), 65536);
	expect(r, VAKT_OCI_ACT_CHANGED, "pidsLimit", "linux.resources.pids.limit", "set to 4096");
	vakt_oci_result_free(r);
	json_decref(cfg);

	/* the extra denied path, and the built-ins still apply */
	r = apply("policies/full.yaml", "docker-default-like.json", NULL);
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[10]",
	       "/srv/app/token at /run/secrets/token (denied host path /srv/app)");
	vakt_oci_result_free(r);
	r = apply("policies/full.yaml", "docker-sock.json", NULL);
	expect(r, VAKT_OCI_ACT_DENIED, "mounts", "mounts[11]", "docker.sock");
	vakt_oci_result_free(r);

	/* an empty file and no file are the same policy */
	json_t *a, *b;
	vakt_oci_result *ra = apply("policies/empty.yaml", "docker-default-like.json", &a);
	vakt_oci_result *rb = apply(NULL, "docker-default-like.json", &b);
	assert_true(json_equal(a, b));
	assert_int_equal(ra->n, rb->n);
	vakt_oci_result_free(ra);
	vakt_oci_result_free(rb);
	json_decref(a);
	json_decref(b);
}

/* ---- malformed input ---------------------------------------------------------------------- */

static void expect_policy_error(const char *name, int code, unsigned line, unsigned col,
				const char *want)
{
	char *p = input(name);
	vakt_oci_policy *pol = NULL;
	vakt_error *err = NULL;
	int rc = vakt_oci_policy_load(p, &pol, &err);
	if (rc != code || !err || err->line != line || (col && err->col != col) ||
	    !strstr(err->msg, want))
		fail_msg("%s: rc %d, %u:%u: %s", name, rc, err ? err->line : 0, err ? err->col : 0,
			 err ? err->msg : "(no error)");
	assert_null(pol);
	assert_string_equal(err->file, p);
	vakt_error_free(err);
	free(p);
}

static void test_malformed_policies(void **state)
{
	(void)state;
	expect_policy_error("policies/bad-unknown-key.yaml", VAKT_E_USAGE, 4, 1,
			    "unknown key 'readOnlyRootfs' (known: mode,");
	expect_policy_error("policies/bad-cap.yaml", VAKT_E_USAGE, 4, 7,
			    "capabilities.allow: unknown capability 'CAP_FLY'");
	expect_policy_error("policies/bad-value.yaml", VAKT_E_USAGE, 2, 10,
			    "seccomp: expected require-default or off");
	expect_policy_error("policies/bad-nested-key.yaml", VAKT_E_USAGE, 3, 3,
			    "capabilities: unknown key 'add' (known: allow)");
	expect_policy_error("policies/bad-pids.yaml", VAKT_E_USAGE, 1, 12,
			    "pidsLimit: expected a positive integer");
	expect_policy_error("policies/bad-path.yaml", VAKT_E_USAGE, 4, 7,
			    "expected an absolute path, not 'relative/path'");
	expect_policy_error("policies/bad-root.yaml", VAKT_E_USAGE, 1, 1,
			    "a policy must be a mapping");
	expect_policy_error("policies/bad-syntax.yaml", VAKT_E_PARSE, 3, 0, "");

	vakt_oci_policy *pol = NULL;
	vakt_error *err = NULL;
	static const char mem[] = "mode: tighten\nmode: strict\n";
	assert_int_equal(vakt_oci_policy_parse(mem, strlen(mem), "inline.yaml", &pol, &err),
			 VAKT_E_USAGE);
	assert_int_equal(err->line, 2);
	assert_string_equal(err->msg, "mode: expected deny or tighten");
	vakt_error_free(err);
	err = NULL;
	assert_int_equal(vakt_oci_policy_load("/nonexistent/policy.yaml", &pol, &err), VAKT_E_IO);
	vakt_error_free(err);
}

static void test_malformed_config(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"[]", "config.json: expected an object"},
		{"{\"process\": {\"capabilities\": {\"bounding\": \"CAP_KILL\"}}, \"root\": {}}",
		 "process.capabilities.bounding: expected an array, found a string"},
		{"{\"process\": {\"capabilities\": {\"effective\": [1]}}, \"root\": {}}",
		 "process.capabilities.effective[0]: expected a string, found an integer"},
		{"{\"mounts\": {}}", "mounts: expected an array, found an object"},
		{"{\"mounts\": [{\"source\": 5}]}",
		 "mounts[0]: expected a string, found an integer"},
		{"{\"linux\": {\"namespaces\": [\"pid\"]}}",
		 "linux.namespaces[0]: expected an object"},
		{"{\"process\": {\"noNewPrivileges\": \"yes\"}}",
		 "process.noNewPrivileges: expected a boolean"},
		{"{\"linux\": {\"namespaces\": [{\"type\": \"network\"}, {\"type\": \"pid\"}, "
		 "{\"type\": "
		 "\"ipc\"}, {\"type\": \"mount\"}]}}",
		 "root: missing"},
	};
	vakt_oci_policy *pol = vakt_oci_policy_default();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *cfg = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		assert_non_null(cfg);
		vakt_oci_result *r = NULL;
		vakt_error *err = NULL;
		int rc = vakt_oci_policy_apply(pol, cfg, &r, &err);
		if (rc != VAKT_E_INVALID || !strstr(err->msg, cases[i].want))
			fail_msg("case %zu: rc %d: %s", i, rc, err ? err->msg : "(no error)");
		assert_null(r);
		vakt_error_free(err);
		json_decref(cfg);
	}
	vakt_oci_policy_free(pol);
}

/* ---- idempotence, output ------------------------------------------------------------------ */

static void test_idempotent(void **state)
{
	(void)state;
	static const char *const configs[] = {"runc-spec.json",	    "docker-default-like.json",
					      "privileged.json",    "host-network.json",
					      "host-ns-paths.json", "docker-sock.json",
					      "host-dev.json"};
	static const char *const policies[] = {NULL, "policies/custom-allow.yaml",
					       "policies/full.yaml", "policies/deny-mode.yaml"};
	for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
		vakt_oci_policy *pol = load_policy(policies[p]);
		for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
			json_t *cfg = load_config(configs[c]);
			vakt_oci_result *r1 = NULL, *r2 = NULL;
			vakt_error *err = NULL;
			assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r1, &err), 0);
			json_t *once = json_deep_copy(cfg);
			assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r2, &err), 0);
			if (!json_equal(once, cfg) || count_kind(r2, VAKT_OCI_ACT_CHANGED) != 0) {
				dump(r2);
				fail_msg("%s on %s: the second application changed the config",
					 policies[p] ? policies[p] : "default", configs[c]);
			}
			/* a config that passed passes again with the same runtime actions (a
			 * refused one is discarded: once tightened, it may no longer be what was
			 * refused) */
			if (!r1->denied) {
				assert_false(r2->denied);
				assert_int_equal(count_kind(r1, VAKT_OCI_ACT_RUNTIME),
						 count_kind(r2, VAKT_OCI_ACT_RUNTIME));
			}
			if (pol->mode == VAKT_OCI_MODE_DENY)
				assert_int_equal(r1->n, r2->n);
			vakt_oci_result_free(r1);
			vakt_oci_result_free(r2);
			json_decref(once);
			json_decref(cfg);
		}
		vakt_oci_policy_free(pol);
	}
}

static char *capture(const vakt_oci_result *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (json)
		vakt_oci_result_print_json(r, f);
	else
		vakt_oci_result_print_text(r, f);
	fclose(f);
	return buf;
}

static void test_output(void **state)
{
	(void)state;
	vakt_oci_result *r = apply(NULL, "host-network.json", NULL);
	char *text = capture(r, false);
	assert_non_null(
		strstr(text, "denied: hostNamespaces: linux.namespaces: no network namespace: the "
			     "container would share the host's\n"));
	assert_non_null(
		strstr(text, "changed: noNewPrivileges: process.noNewPrivileges: set to true\n"));
	free(text);

	char *js = capture(r, true);
	json_error_t je;
	json_t *j = json_loads(js, 0, &je);
	if (!j)
		fail_msg("invalid JSON (%s): %s", je.text, js);
	assert_true(json_is_true(json_object_get(j, "denied")));
	assert_true(json_is_false(json_object_get(j, "seccompDefault")));
	json_t *acts = json_object_get(j, "actions");
	assert_int_equal(json_array_size(acts), r->n);
	json_t *a0 = json_array_get(acts, 0);
	assert_string_equal(json_string_value(json_object_get(a0, "kind")), "denied");
	assert_string_equal(json_string_value(json_object_get(a0, "rule")), "hostNamespaces");
	assert_string_equal(json_string_value(json_object_get(a0, "field")), "linux.namespaces");
	assert_int_equal(js[strlen(js) - 1], '\n');
	json_decref(j);
	free(js);
	vakt_oci_result_free(r);

	/* a config that complies prints nothing */
	vakt_oci_policy *pol = vakt_oci_policy_default();
	json_t *cfg = load_config("docker-default-like.json");
	vakt_error *err = NULL;
	assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r, &err), 0);
	vakt_oci_result_free(r);
	assert_int_equal(vakt_oci_policy_apply(pol, cfg, &r, &err), 0);
	assert_int_equal(r->n, 0);
	text = capture(r, false);
	assert_string_equal(text, "");
	free(text);
	vakt_oci_result_free(r);
	json_decref(cfg);
	vakt_oci_policy_free(pol);
}

static void test_cap_names(void **state)
{
	(void)state;
	assert_int_equal(vakt_oci_cap_number("CAP_CHOWN"), 0);
	assert_int_equal(vakt_oci_cap_number("sys_admin"), 21);
	assert_int_equal(vakt_oci_cap_number("Cap_Checkpoint_Restore"), 40);
	assert_int_equal(vakt_oci_cap_number("CAP_"), -1);
	assert_int_equal(vakt_oci_cap_number("ALL"), -1);
	assert_int_equal(vakt_oci_cap_number(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_runc_spec),
		cmocka_unit_test(test_default_docker_like),
		cmocka_unit_test(test_default_privileged),
		cmocka_unit_test(test_default_host_namespaces),
		cmocka_unit_test(test_default_host_mounts),
		cmocka_unit_test(test_deny_mode),
		cmocka_unit_test(test_custom_allow),
		cmocka_unit_test(test_full_policy),
		cmocka_unit_test(test_malformed_policies),
		cmocka_unit_test(test_malformed_config),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_cap_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
