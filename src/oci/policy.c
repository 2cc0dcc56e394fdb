/* policy.c - see policy.h. */
#include "oci/policy.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/config.h"
#include "core/doc.h"
#include "core/jsonw.h"
#include "core/xalloc.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define POLICY_MAX_BYTES   ((size_t)1 << 20)
#define DEFAULT_PIDS_LIMIT 1024
#define USERNS_HOST_ID	   1000000000
#define USERNS_SIZE	   65536

/* ---- capabilities ------------------------------------------------------------------------ */

static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};
#define CAP_NET_BIND_SERVICE_NR 10
#define CAP_AUDIT_READ_NR	37

int vakt_oci_cap_number(const char *name)
{
	if (!name)
		return -1;
	const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(bare, cap_names[i] + 4) == 0)
			return (int)i;
	return -1;
}

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
				       "ambient"};

/* ---- paths ------------------------------------------------------------------------------- */

/* A lexically clean absolute path: no "//", "." or ".." (".." at the root stays at the
 * root, as the kernel resolves it), no trailing slash, and /var/run read as /run (a
 * symlink to it on every distribution vakt supports). NULL when p is not absolute. */
static char *path_clean(const char *p)
{
	if (!p || p[0] != '/')
		return NULL;
	size_t n = strlen(p);
	char *out = xmalloc(n + 2);
	size_t o = 0;
	const char *s = p;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the slash before the removed component */
		} else {
			out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	if (strcmp(out, "/var/run") == 0 || strncmp(out, "/var/run/", 9) == 0)
		memmove(out, out + 4, o - 4 + 1);
	return out;
}

/* True if a equals b or is a directory above it (both clean). */
static bool path_covers(const char *a, const char *b)
{
	if (strcmp(a, "/") == 0)
		return true;
	size_t n = strlen(a);
	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

/* True if b lies strictly beneath a (both clean). */
static bool path_beneath(const char *a, const char *b)
{
	return strcmp(a, b) != 0 && path_covers(a, b);
}

static const char *const deny_sockets[] = {
	"/run/docker.sock",
	"/run/containerd/containerd.sock",
	"/run/podman/podman.sock",
	"/run/crio/crio.sock",
};
/* Host trees denied as a whole. Beneath /proc too (/proc/1/root is the host's root);
 * beneath /etc and /sys not: /etc/localtime and /sys/fs/cgroup binds are common and
 * harmless read-only. */
static const struct {
	const char *path;
	bool beneath;
} deny_host_trees[] = {{"/", false}, {"/proc", true}, {"/etc", false}, {"/sys", false}};

/* ---- policy ------------------------------------------------------------------------------ */

vakt_oci_policy *vakt_oci_policy_default(void)
{
	vakt_oci_policy *p = xcalloc(1, sizeof(*p));
	p->mode = VAKT_OCI_MODE_TIGHTEN;
	p->no_new_privileges = true;
	p->drop_capabilities = true;
	p->cap_allow = 0;
	p->readonly_rootfs = true;
	p->deny_privileged = true;
	p->deny_host_namespaces = true;
	p->seccomp_default = true;
	p->userns = false;
	p->pids_limit = DEFAULT_PIDS_LIMIT;
	p->source = xstrdup("built-in default");
	return p;
}

vakt_oci_policy *vakt_oci_policy_free(vakt_oci_policy *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_deny_host_paths; i++)
		free(p->deny_host_paths[i]);
	free(p->deny_host_paths);
	free(p->source);
	free(p);
	return NULL;
}

static int policy_error(const char *name, const vakt_node *n, vakt_error **err, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));
static int policy_error(const char *name, const vakt_node *n, vakt_error **err, const char *fmt,
			...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	vakt_error_set_at(err, VAKT_E_USAGE, name, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	free(msg);
	return VAKT_E_USAGE;
}

/* A two-valued setting: *ret = true for on, false for off; anything else is an error.
 * The text is compared, not the YAML 1.1 boolean: `off` is the word the docs use. */
static int policy_choice(const char *name, const char *key, const vakt_node *v, const char *on,
			 const char *off, bool *ret, vakt_error **err)
{
	const char *s =
		v && v->type == VAKT_NODE_SCALAR && !vakt_node_is_null(v) ? vakt_node_str(v) : NULL;
	if (s && strcmp(s, on) == 0)
		*ret = true;
	else if (s && strcmp(s, off) == 0)
		*ret = false;
	else
		return policy_error(name, v, err, "%s: expected %s or %s", key, on, off);
	return 0;
}

static int policy_capabilities(const char *name, const vakt_node *v, vakt_oci_policy *p,
			       vakt_error **err)
{
	if (v && v->type == VAKT_NODE_SCALAR && !vakt_node_is_null(v) &&
	    strcmp(vakt_node_str(v), "off") == 0) {
		p->drop_capabilities = false;
		return 0;
	}
	if (!v || v->type != VAKT_NODE_MAP)
		return policy_error(name, v, err,
				    "capabilities: expected a mapping {allow: [NAMES]} or off");
	p->drop_capabilities = true;
	p->cap_allow = 0;
	for (size_t i = 0; i < v->map.n; i++) {
		const vakt_node *k = v->map.pairs[i].key, *val = v->map.pairs[i].value;
		const char *key = vakt_node_str(k);
		if (!key || strcmp(key, "allow") != 0)
			return policy_error(name, k, err,
					    "capabilities: unknown key '%s' (known: allow)",
					    key ? key : "?");
		if (vakt_node_is_null(val))
			continue; /* allow: (nothing) is allow none */
		if (val->type != VAKT_NODE_SEQ)
			return policy_error(
				name, val, err,
				"capabilities.allow: expected a list of capability names");
		for (size_t j = 0; j < val->seq.n; j++) {
			const vakt_node *it = val->seq.items[j];
			const char *s = it->type == VAKT_NODE_SCALAR ? vakt_node_str(it) : NULL;
			int nr = vakt_oci_cap_number(s);
			if (nr < 0)
				return policy_error(name, it, err,
						    "capabilities.allow: unknown capability '%s'",
						    s ? s : vakt_node_kind_name(it));
			p->cap_allow |= UINT64_C(1) << nr;
		}
	}
	return 0;
}

static int policy_mounts(const char *name, const vakt_node *v, vakt_oci_policy *p, vakt_error **err)
{
	if (!v || v->type != VAKT_NODE_MAP)
		return policy_error(name, v, err,
				    "mounts: expected a mapping {denyHostPaths: [PATHS]}");
	for (size_t i = 0; i < v->map.n; i++) {
		const vakt_node *k = v->map.pairs[i].key, *val = v->map.pairs[i].value;
		const char *key = vakt_node_str(k);
		if (!key || strcmp(key, "denyHostPaths") != 0)
			return policy_error(name, k, err,
					    "mounts: unknown key '%s' (known: denyHostPaths)",
					    key ? key : "?");
		if (vakt_node_is_null(val))
			continue;
		if (val->type != VAKT_NODE_SEQ)
			return policy_error(
				name, val, err,
				"mounts.denyHostPaths: expected a list of absolute paths");
		for (size_t j = 0; j < val->seq.n; j++) {
			const vakt_node *it = val->seq.items[j];
			const char *s = it->type == VAKT_NODE_SCALAR ? vakt_node_str(it) : NULL;
			char *c = path_clean(s);
			if (!c)
				return policy_error(
					name, it, err,
					"mounts.denyHostPaths: expected an absolute path, not '%s'",
					s ? s : vakt_node_kind_name(it));
			p->deny_host_paths = xreallocarray(
				p->deny_host_paths, p->n_deny_host_paths + 1, sizeof(char *));
			p->deny_host_paths[p->n_deny_host_paths++] = c;
		}
	}
	return 0;
}

static int policy_from_node(const char *name, const vakt_node *root, vakt_oci_policy **ret,
			    vakt_error **err)
{
	vakt_oci_policy *p = vakt_oci_policy_default();
	free(p->source);
	p->source = xstrdup(name);
	int rc = 0;
	if (root && root->type != VAKT_NODE_MAP)
		rc = policy_error(name, root, err, "a policy must be a mapping");
	for (size_t i = 0; rc == 0 && root && i < root->map.n; i++) {
		const vakt_node *k = root->map.pairs[i].key, *v = root->map.pairs[i].value;
		const char *key = k->type == VAKT_NODE_SCALAR ? vakt_node_str(k) : NULL;
		bool b = false;
		if (!key) {
			rc = policy_error(name, k, err, "keys must be strings");
		} else if (strcmp(key, "mode") == 0) {
			rc = policy_choice(name, key, v, "deny", "tighten", &b, err);
			p->mode = b ? VAKT_OCI_MODE_DENY : VAKT_OCI_MODE_TIGHTEN;
		} else if (strcmp(key, "noNewPrivileges") == 0) {
			rc = policy_choice(name, key, v, "force", "off", &p->no_new_privileges,
					   err);
		} else if (strcmp(key, "capabilities") == 0) {
			rc = policy_capabilities(name, v, p, err);
		} else if (strcmp(key, "readonlyRootfs") == 0) {
			rc = policy_choice(name, key, v, "force", "off", &p->readonly_rootfs, err);
		} else if (strcmp(key, "privileged") == 0) {
			rc = policy_choice(name, key, v, "deny", "allow", &p->deny_privileged, err);
		} else if (strcmp(key, "hostNamespaces") == 0) {
			rc = policy_choice(name, key, v, "deny", "allow", &p->deny_host_namespaces,
					   err);
		} else if (strcmp(key, "seccomp") == 0) {
			rc = policy_choice(name, key, v, "require-default", "off",
					   &p->seccomp_default, err);
		} else if (strcmp(key, "mounts") == 0) {
			rc = policy_mounts(name, v, p, err);
		} else if (strcmp(key, "userns") == 0) {
			rc = policy_choice(name, key, v, "require", "off", &p->userns, err);
		} else if (strcmp(key, "pidsLimit") == 0) {
			int64_t x;
			if (v && v->type == VAKT_NODE_SCALAR &&
			    strcmp(vakt_node_str(v), "off") == 0)
				p->pids_limit = 0;
			else if (v && vakt_node_int64(v, &x) && x > 0)
				p->pids_limit = x;
			else
				rc = policy_error(name, v ? v : k, err,
						  "pidsLimit: expected a positive integer or off");
		} else {
			rc = policy_error(
				name, k, err,
				"unknown key '%s' (known: mode, noNewPrivileges, capabilities, "
				"readonlyRootfs, privileged, hostNamespaces, seccomp, mounts, "
				"userns, pidsLimit)",
				key);
		}
	}
	if (rc < 0) {
		vakt_oci_policy_free(p);
		return rc;
	}
	*ret = p;
	return 0;
}

int vakt_oci_policy_load(const char *path, vakt_oci_policy **ret, vakt_error **err)
{
	if (!path) {
		*ret = vakt_oci_policy_default();
		return 0;
	}
	vakt_config *vc = NULL;
	int rc = vakt_config_load(path, &vc, err);
	if (rc < 0) {
		/* vakt_config_load calls a non-mapping root a "configuration": say policy */
		if (err && *err && rc == VAKT_E_USAGE &&
		    strstr((*err)->msg, "configuration must be")) {
			free((*err)->msg);
			(*err)->msg = xstrdup("a policy must be a mapping");
		}
		return rc;
	}
	rc = policy_from_node(path, vc->root, ret, err);
	vakt_config_free(vc);
	return rc;
}

int vakt_oci_policy_parse(const void *data, size_t len, const char *name, vakt_oci_policy **ret,
			  vakt_error **err)
{
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_file_bytes = POLICY_MAX_BYTES;
	lim.max_doc_bytes = POLICY_MAX_BYTES;
	vakt_doc_stream *s = NULL;
	int rc = vakt_doc_stream_open_mem(data, len, name, &lim, &s, err);
	vakt_doc *doc = NULL;
	if (rc >= 0)
		rc = vakt_doc_stream_next(s, &doc, err);
	if (rc >= 0)
		rc = policy_from_node(name, rc == 1 ? doc->root : NULL, ret, err);
	vakt_doc_stream_free(s);
	return rc < 0 ? rc : 0;
}

/* ---- results ----------------------------------------------------------------------------- */

vakt_oci_result *vakt_oci_result_free(vakt_oci_result *r)
{
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		free(r->actions[i].field);
		free(r->actions[i].message);
	}
	free(r->actions);
	free(r);
	return NULL;
}

const char *vakt_oci_action_kind_name(vakt_oci_action_kind k)
{
	switch (k) {
	case VAKT_OCI_ACT_CHANGED: return "changed";
	case VAKT_OCI_ACT_RUNTIME: return "runtime";
	case VAKT_OCI_ACT_DENIED: return "denied";
	default: return "?";
	}
}

void vakt_oci_result_print_text(const vakt_oci_result *r, FILE *out)
{
	for (size_t i = 0; i < r->n; i++) {
		const vakt_oci_action *a = &r->actions[i];
		fprintf(out, "%s: %s: %s: %s\n", vakt_oci_action_kind_name(a->kind), a->rule,
			a->field, a->message);
	}
}

void vakt_oci_result_print_json(const vakt_oci_result *r, FILE *out)
{
	jsonw w;
	jsonw_init(&w, out, 2);
	jsonw_obj_begin(&w);
	jsonw_kv_bool(&w, "denied", r->denied);
	jsonw_kv_bool(&w, "seccompDefault", r->seccomp_default);
	jsonw_key(&w, "actions");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < r->n; i++) {
		const vakt_oci_action *a = &r->actions[i];
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "kind", vakt_oci_action_kind_name(a->kind));
		jsonw_kv_str(&w, "rule", a->rule);
		jsonw_kv_str(&w, "field", a->field);
		jsonw_kv_str(&w, "message", a->message);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	fputc('\n', out);
}

/* ---- applying: helpers ------------------------------------------------------------------- */

typedef struct apply_ctx {
	const vakt_oci_policy *pol;
	json_t *config;
	vakt_oci_result *res;
	vakt_error **err;
} apply_ctx;

static void act(apply_ctx *c, vakt_oci_action_kind kind, const char *rule, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void act(apply_ctx *c, vakt_oci_action_kind kind, const char *rule, const char *field,
		const char *fmt, ...)
{
	vakt_oci_result *r = c->res;
	r->actions = xreallocarray(r->actions, r->n + 1, sizeof(*r->actions));
	vakt_oci_action *a = &r->actions[r->n++];
	a->kind = kind;
	a->rule = rule;
	a->field = xstrdup(field);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&a->message, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	if (kind == VAKT_OCI_ACT_DENIED)
		r->denied = true;
}

static bool deny_mode(const apply_ctx *c)
{
	return c->pol->mode == VAKT_OCI_MODE_DENY;
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	default: return "?";
	}
}

/* The member key of obj (NULL when obj is NULL, or the member is absent or null), which
 * must have type t; otherwise VAKT_E_INVALID naming field. */
static int member(apply_ctx *c, json_t *obj, const char *key, json_type t, const char *field,
		  json_t **ret)
{
	*ret = NULL;
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != t) {
		static const char *const names[] = {
			[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
			[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
			[JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
			[JSON_FALSE] = "a boolean",  [JSON_NULL] = "null"};
		return vakt_error_set(c->err, VAKT_E_INVALID,
				      "config.json: %s: expected %s, found %s", field, names[t],
				      json_kind(v));
	}
	*ret = v;
	return 0;
}

/* member(), creating an empty object when absent. */
static int member_obj_create(apply_ctx *c, json_t *obj, const char *key, const char *field,
			     json_t **ret)
{
	int rc = member(c, obj, key, JSON_OBJECT, field, ret);
	if (rc < 0 || *ret)
		return rc;
	*ret = json_object();
	json_object_set_new(obj, key, *ret);
	return 0;
}

/* config.linux, created (empty) when absent: only rules that change the config call it. */
static json_t *linux_obj(apply_ctx *c, json_t **linuxp)
{
	if (!*linuxp) {
		*linuxp = json_object();
		json_object_set_new(c->config, "linux", *linuxp);
	}
	return *linuxp;
}

/* The string at index i of array arr, or VAKT_E_INVALID naming field[i]. */
static int item_str(apply_ctx *c, json_t *arr, size_t i, const char *field, const char **ret)
{
	json_t *v = json_array_get(arr, i);
	if (!json_is_string(v))
		return vakt_error_set(c->err, VAKT_E_INVALID,
				      "config.json: %s[%zu]: expected a string, found %s", field, i,
				      json_kind(v));
	*ret = json_string_value(v);
	return 0;
}

/* The object at index i of array arr, or VAKT_E_INVALID naming field[i]. */
static int item_obj(apply_ctx *c, json_t *arr, size_t i, const char *field, json_t **ret)
{
	json_t *v = json_array_get(arr, i);
	if (!json_is_object(v))
		return vakt_error_set(c->err, VAKT_E_INVALID,
				      "config.json: %s[%zu]: expected an object, found %s", field,
				      i, json_kind(v));
	*ret = v;
	return 0;
}

/* A mount's fields; absent strings are NULL, options NULL when there are none. */
typedef struct mount_view {
	json_t *obj;
	const char *destination, *type, *source;
	json_t *options;
} mount_view;

static int mount_at(apply_ctx *c, json_t *mounts, size_t i, mount_view *m)
{
	_cleanup_free_ char *f = xasprintf("mounts[%zu]", i);
	json_t *d = NULL, *t = NULL, *s = NULL;
	int rc = item_obj(c, mounts, i, "mounts", &m->obj);
	if (rc == 0)
		rc = member(c, m->obj, "destination", JSON_STRING, f, &d);
	if (rc == 0)
		rc = member(c, m->obj, "type", JSON_STRING, f, &t);
	if (rc == 0)
		rc = member(c, m->obj, "source", JSON_STRING, f, &s);
	if (rc == 0)
		rc = member(c, m->obj, "options", JSON_ARRAY, f, &m->options);
	for (size_t j = 0; rc == 0 && m->options && j < json_array_size(m->options); j++) {
		const char *o;
		_cleanup_free_ char *of = xasprintf("mounts[%zu].options", i);
		rc = item_str(c, m->options, j, of, &o);
	}
	if (rc < 0)
		return rc;
	m->destination = d ? json_string_value(d) : NULL;
	m->type = t ? json_string_value(t) : NULL;
	m->source = s ? json_string_value(s) : NULL;
	return 0;
}

/* A bind mount, as runc decides: type "bind", or a "bind"/"rbind" option. */
static bool mount_is_bind(const mount_view *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t j = 0; m->options && j < json_array_size(m->options); j++) {
		const char *o = json_string_value(json_array_get(m->options, j));
		if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0)
			return true;
	}
	return false;
}

/* The clean forms of a bind source: lexical, and after realpath(3) of the source as
 * given when that differs. */
static void source_forms(const char *source, char **ret_lex, char **ret_real)
{
	*ret_lex = path_clean(source);
	*ret_real = NULL;
	if (!*ret_lex)
		return;
	/* realpath of the source as written, as the kernel will walk it ("/dev/fd/../root"
	 * is /proc/<pid>/root, not the "/dev/root" its lexical form suggests) */
	char buf[PATH_MAX];
	if (realpath(source, buf)) {
		char *r = path_clean(buf);
		if (r && strcmp(r, *ret_lex) != 0)
			*ret_real = r;
		else
			free(r);
	}
}

/* ---- applying: the rules ----------------------------------------------------------------- */

static int rule_privileged(apply_ctx *c, json_t *process, json_t *linux_, json_t *mounts)
{
	if (!c->pol->deny_privileged)
		return 0;
	json_t *caps = NULL, *bounding = NULL, *seccomp = NULL;
	int rc = member(c, process, "capabilities", JSON_OBJECT, "process.capabilities", &caps);
	if (rc == 0)
		rc = member(c, caps, "bounding", JSON_ARRAY, "process.capabilities.bounding",
			    &bounding);
	if (rc == 0)
		rc = member(c, linux_, "seccomp", JSON_OBJECT, "linux.seccomp", &seccomp);
	if (rc < 0)
		return rc;
	uint64_t have = 0;
	for (size_t i = 0; bounding && i < json_array_size(bounding); i++) {
		const char *s;
		if ((rc = item_str(c, bounding, i, "process.capabilities.bounding", &s)) < 0)
			return rc;
		int nr = vakt_oci_cap_number(s);
		if (nr >= 0)
			have |= UINT64_C(1) << nr;
	}
	uint64_t all = (UINT64_C(1) << (CAP_AUDIT_READ_NR + 1)) - 1;
	if ((have & all) == all && !seccomp)
		act(c, VAKT_OCI_ACT_DENIED, "privileged", "process.capabilities.bounding",
		    "privileged-equivalent: every capability (CAP_SYS_ADMIN included) in the "
		    "bounding "
		    "set and no linux.seccomp filter");
	for (size_t i = 0; mounts && i < json_array_size(mounts); i++) {
		mount_view m;
		if ((rc = mount_at(c, mounts, i, &m)) < 0)
			return rc;
		if (!mount_is_bind(&m))
			continue;
		_cleanup_free_ char *lex = NULL, *real = NULL;
		source_forms(m.source, &lex, &real);
		if ((lex && strcmp(lex, "/dev") == 0) || (real && strcmp(real, "/dev") == 0)) {
			_cleanup_free_ char *f = xasprintf("mounts[%zu]", i);
			act(c, VAKT_OCI_ACT_DENIED, "privileged", f,
			    "privileged-equivalent: the host's /dev is bind-mounted at %s (every "
			    "device "
			    "of the host, disks included)",
			    m.destination ? m.destination : "(no destination)");
		}
	}
	return 0;
}

static const struct {
	const char *type; /* in linux.namespaces */
	const char *proc; /* in /proc/PID/ns */
} host_ns_types[] = {{"network", "net"}, {"pid", "pid"}, {"ipc", "ipc"}, {"mount", "mnt"}};

/* True if path names a namespace vakt knows to be the host's (see policy.h). */
static bool ns_path_is_host(const char *path, const char *proc)
{
	_cleanup_free_ char *clean = path_clean(path);
	if (!clean)
		return false;
	static const char *const owners[] = {"1", "self", "thread-self"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(owners); i++) {
		_cleanup_free_ char *p = xasprintf("/proc/%s/ns/%s", owners[i], proc);
		if (strcmp(clean, p) == 0)
			return true;
	}
	struct stat a, b;
	_cleanup_free_ char *own = xasprintf("/proc/self/ns/%s", proc);
	return stat(path, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int rule_host_namespaces(apply_ctx *c, json_t *namespaces)
{
	if (!c->pol->deny_host_namespaces)
		return 0;
	for (size_t t = 0; t < VAKT_ARRAY_SIZE(host_ns_types); t++) {
		bool found = false;
		for (size_t i = 0; namespaces && i < json_array_size(namespaces); i++) {
			json_t *ns = NULL, *type = NULL, *path = NULL;
			_cleanup_free_ char *f = xasprintf("linux.namespaces[%zu]", i);
			int rc = item_obj(c, namespaces, i, "linux.namespaces", &ns);
			if (rc == 0)
				rc = member(c, ns, "type", JSON_STRING, f, &type);
			if (rc == 0)
				rc = member(c, ns, "path", JSON_STRING, f, &path);
			if (rc < 0)
				return rc;
			if (!type || strcmp(json_string_value(type), host_ns_types[t].type) != 0)
				continue;
			found = true;
			const char *p = path ? json_string_value(path) : NULL;
			if (p && *p && ns_path_is_host(p, host_ns_types[t].proc))
				act(c, VAKT_OCI_ACT_DENIED, "hostNamespaces", f,
				    "the %s namespace %s is the host's", host_ns_types[t].type, p);
		}
		if (!found)
			act(c, VAKT_OCI_ACT_DENIED, "hostNamespaces", "linux.namespaces",
			    "no %s namespace: the container would share the host's",
			    host_ns_types[t].type);
	}
	return 0;
}

/* The denied path a clean bind source exposes, or NULL; *ret_socket says which list. A
 * source exposes a path when it is that path or a directory above it; also when it lies
 * beneath /proc or a path of the policy's denyHostPaths. Equality is checked first, so
 * a bind of / is named as / rather than as the first socket beneath it. */
static const char *denied_host_path(const vakt_oci_policy *pol, const char *src, bool *ret_socket)
{
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: src is the path; pass 1: src is above it, or beneath a tree */
		for (size_t i = 0; i < VAKT_ARRAY_SIZE(deny_sockets); i++)
			if (pass ? path_covers(src, deny_sockets[i])
				 : strcmp(src, deny_sockets[i]) == 0) {
				*ret_socket = true;
				return deny_sockets[i];
			}
		*ret_socket = false;
		for (size_t i = 0; i < VAKT_ARRAY_SIZE(deny_host_trees); i++) {
			const char *t = deny_host_trees[i].path;
			if (pass ? path_covers(src, t) ||
					    (deny_host_trees[i].beneath && path_covers(t, src))
				 : strcmp(src, t) == 0)
				return t;
		}
		for (size_t i = 0; i < pol->n_deny_host_paths; i++) {
			const char *t = pol->deny_host_paths[i];
			if (pass ? path_covers(src, t) || path_covers(t, src) : strcmp(src, t) == 0)
				return t;
		}
	}
	return NULL;
}

/* Filesystems a container may mount itself: kernel pseudo-filesystems and tmpfs. Any
 * other type mounts something of the host's (a disk, devtmpfs with every device, an
 * overlay over host directories) and is refused, as binds of denied paths are. */
static const char *const pseudo_fs[] = {"proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2"};

const char *vakt_oci_policy_denied_path(const vakt_oci_policy *pol, const char *path)
{
	_cleanup_free_ char *lex = NULL, *real = NULL;
	source_forms(path, &lex, &real);
	bool sock;
	const char *hit = lex ? denied_host_path(pol, lex, &sock) : NULL;
	if (!hit && real)
		hit = denied_host_path(pol, real, &sock);
	return hit;
}

static int rule_mounts(apply_ctx *c, json_t *mounts, json_t *root)
{
	json_t *rp = json_object_get(root, "path");
	if (json_is_string(rp) && json_string_value(rp)[0] == '/') {
		const char *hit = vakt_oci_policy_denied_path(c->pol, json_string_value(rp));
		if (hit)
			act(c, VAKT_OCI_ACT_DENIED, "mounts", "root.path",
			    "the container's root %s is the host's %s", json_string_value(rp), hit);
	}
	for (size_t i = 0; mounts && i < json_array_size(mounts); i++) {
		mount_view m;
		int rc = mount_at(c, mounts, i, &m);
		if (rc < 0)
			return rc;
		if (!mount_is_bind(&m)) {
			bool ok = false;
			for (size_t k = 0; m.type && k < VAKT_ARRAY_SIZE(pseudo_fs); k++)
				ok |= strcmp(m.type, pseudo_fs[k]) == 0;
			if (!ok) {
				_cleanup_free_ char *f = xasprintf("mounts[%zu]", i);
				act(c, VAKT_OCI_ACT_DENIED, "mounts", f,
				    "a %s mount (source %s) at %s: only binds and kernel pseudo-filesystems "
				    "(proc, sysfs, tmpfs, devpts, mqueue, cgroup) are allowed; others "
				    "expose the host's devices or filesystems",
				    m.type ? m.type : "(no type)", m.source ? m.source : "(none)",
				    m.destination ? m.destination : "(no destination)");
			}
			continue;
		}
		_cleanup_free_ char *lex = NULL, *real = NULL;
		source_forms(m.source, &lex, &real);
		bool sock = false;
		const char *hit = lex ? denied_host_path(c->pol, lex, &sock) : NULL;
		const char *via = NULL;
		if (!hit && real) {
			hit = denied_host_path(c->pol, real, &sock);
			via = real;
		}
		if (!hit)
			continue;
		_cleanup_free_ char *f = xasprintf("mounts[%zu]", i);
		_cleanup_free_ char *resolved =
			via ? xasprintf(" (which resolves to %s)", via) : xstrdup("");
		const char *dest = m.destination ? m.destination : "(no destination)";
		if (sock)
			act(c, VAKT_OCI_ACT_DENIED, "mounts", f,
			    "bind mount of the host's %s%s at %s exposes %s: control of the "
			    "container "
			    "engine is root on the host",
			    m.source, resolved, dest, hit);
		else
			act(c, VAKT_OCI_ACT_DENIED, "mounts", f,
			    "bind mount of the host's %s%s at %s (denied host path %s)", m.source,
			    resolved, dest, hit);
	}
	return 0;
}

static int rule_no_new_privileges(apply_ctx *c, json_t *process)
{
	if (!c->pol->no_new_privileges || !process)
		return 0;
	json_t *v = json_object_get(process, "noNewPrivileges");
	if (v && !json_is_null(v) && !json_is_boolean(v))
		return vakt_error_set(
			c->err, VAKT_E_INVALID,
			"config.json: process.noNewPrivileges: expected a boolean, found %s",
			json_kind(v));
	if (json_is_true(v))
		return 0;
	if (deny_mode(c)) {
		act(c, VAKT_OCI_ACT_DENIED, "noNewPrivileges", "process.noNewPrivileges",
		    "is not true: setuid binaries and file capabilities could raise privileges "
		    "(policy noNewPrivileges: force)");
		return 0;
	}
	json_object_set_new(process, "noNewPrivileges", json_true());
	act(c, VAKT_OCI_ACT_CHANGED, "noNewPrivileges", "process.noNewPrivileges", "set to true");
	return 0;
}

/* "CAP_A" or "none" for a mask, for messages. */
static char *cap_list(uint64_t mask)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(cap_names); i++)
		if (mask & (UINT64_C(1) << i))
			vakt_buf_printf(&b, "%s%s", b.len ? ", " : "", cap_names[i]);
	if (!b.len)
		vakt_buf_puts(&b, "none");
	return vakt_buf_steal(&b);
}

/* True if linux.namespaces asks for a network namespace of the container's own. */
static bool own_network_ns(json_t *namespaces)
{
	for (size_t i = 0; namespaces && i < json_array_size(namespaces); i++) {
		json_t *ns = json_array_get(namespaces, i);
		const char *t = json_string_value(json_object_get(ns, "type"));
		json_t *p = json_object_get(ns, "path");
		if (t && strcmp(t, "network") == 0)
			return !p || json_is_null(p) ||
			       (json_is_string(p) && !*json_string_value(p));
	}
	return false;
}

static int rule_capabilities(apply_ctx *c, json_t *process, json_t **linuxp, json_t *namespaces)
{
	if (!c->pol->drop_capabilities || !process)
		return 0;
	json_t *caps;
	int rc = member(c, process, "capabilities", JSON_OBJECT, "process.capabilities", &caps);
	if (rc < 0 || !caps)
		return rc;
	bool dropped_bind = false;
	_cleanup_free_ char *allowed = cap_list(c->pol->cap_allow);
	for (size_t s = 0; s < VAKT_ARRAY_SIZE(cap_sets); s++) {
		_cleanup_free_ char *f = xasprintf("process.capabilities.%s", cap_sets[s]);
		json_t *set;
		if ((rc = member(c, caps, cap_sets[s], JSON_ARRAY, f, &set)) < 0)
			return rc;
		if (!set)
			continue;
		vakt_buf drop = VAKT_BUF_INIT(SIZE_MAX);
		json_t *keep = json_array();
		bool bind = false;
		for (size_t i = 0; i < json_array_size(set); i++) {
			const char *name;
			if ((rc = item_str(c, set, i, f, &name)) < 0) {
				vakt_buf_free(&drop);
				json_decref(keep);
				return rc;
			}
			int nr = vakt_oci_cap_number(name);
			if (nr >= 0 && (c->pol->cap_allow & (UINT64_C(1) << nr))) {
				json_array_append(keep, json_array_get(set, i));
				continue;
			}
			vakt_buf_printf(&drop, "%s%s", drop.len ? ", " : "", name);
			bind |= nr == CAP_NET_BIND_SERVICE_NR;
		}
		if (drop.len && deny_mode(c)) {
			act(c, VAKT_OCI_ACT_DENIED, "capabilities", f,
			    "holds %s, which the policy does not allow (allowed: %s)", drop.data,
			    allowed);
		} else if (drop.len) {
			json_object_set_new(caps, cap_sets[s], keep);
			keep = NULL;
			act(c, VAKT_OCI_ACT_CHANGED, "capabilities", f,
			    "dropped %s (allowed: %s)%s", drop.data, allowed,
			    bind && own_network_ns(namespaces)
				    ? "; ports below 1024 stay bindable without "
				      "CAP_NET_BIND_SERVICE "
				      "through net.ipv4.ip_unprivileged_port_start=0 in the "
				      "container's "
				      "private network namespace"
				    : "");
			dropped_bind |= bind;
		}
		json_decref(keep);
		vakt_buf_free(&drop);
	}
	if (!dropped_bind || !own_network_ns(namespaces))
		return 0;
	/* a private network namespace: the sysctl is per namespace, the host is untouched */
	json_t *sysctl;
	if ((rc = member_obj_create(c, linux_obj(c, linuxp), "sysctl", "linux.sysctl", &sysctl)) <
	    0)
		return rc;
	if (json_object_get(sysctl, "net.ipv4.ip_unprivileged_port_start"))
		return 0;
	json_object_set_new(sysctl, "net.ipv4.ip_unprivileged_port_start", json_string("0"));
	act(c, VAKT_OCI_ACT_CHANGED, "capabilities",
	    "linux.sysctl.net.ipv4.ip_unprivileged_port_start",
	    "set to 0, so ports below 1024 bind without CAP_NET_BIND_SERVICE (the container's "
	    "own network namespace only)");
	return 0;
}

/* Insert a tmpfs at dest into mounts, before the first mount beneath dest. */
static void add_tmpfs(json_t *mounts, const char *dest, const char *mode)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:[s, s, s]}", "destination", dest, "type", "tmpfs",
			      "source", "tmpfs", "options", "nosuid", "nodev", mode);
	if (!m)
		vakt_oom();
	for (size_t i = 0; i < json_array_size(mounts); i++) {
		const char *d = json_string_value(
			json_object_get(json_array_get(mounts, i), "destination"));
		_cleanup_free_ char *cd = path_clean(d);
		if (cd && path_beneath(dest, cd)) {
			json_array_insert_new(mounts, i, m);
			return;
		}
	}
	json_array_append_new(mounts, m);
}

static int rule_readonly_rootfs(apply_ctx *c, json_t **mountsp)
{
	if (!c->pol->readonly_rootfs)
		return 0;
	json_t *root, *ro = NULL;
	int rc = member(c, c->config, "root", JSON_OBJECT, "root", &root);
	if (rc == 0 && !root)
		rc = vakt_error_set(c->err, VAKT_E_INVALID, "config.json: root: missing");
	if (rc == 0) {
		ro = json_object_get(root, "readonly");
		if (ro && !json_is_null(ro) && !json_is_boolean(ro))
			rc = vakt_error_set(
				c->err, VAKT_E_INVALID,
				"config.json: root.readonly: expected a boolean, found %s",
				json_kind(ro));
	}
	if (rc < 0)
		return rc;
	if (json_is_true(ro))
		return 0;
	if (deny_mode(c)) {
		act(c, VAKT_OCI_ACT_DENIED, "readonlyRootfs", "root.readonly",
		    "is not true: the container could change its own binaries (policy "
		    "readonlyRootfs: force)");
		return 0;
	}
	json_object_set_new(root, "readonly", json_true());
	act(c, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "root.readonly", "set to true");
	static const struct {
		const char *dest, *mode;
	} scratch[] = {{"/tmp", "mode=1777"}, {"/var/tmp", "mode=1777"}, {"/run", "mode=755"}};
	if (!*mountsp) {
		*mountsp = json_array();
		json_object_set_new(c->config, "mounts", *mountsp);
	}
	for (size_t s = 0; s < VAKT_ARRAY_SIZE(scratch); s++) {
		bool mounted = false;
		for (size_t i = 0; i < json_array_size(*mountsp) && !mounted; i++) {
			const char *d = json_string_value(
				json_object_get(json_array_get(*mountsp, i), "destination"));
			_cleanup_free_ char *cd = path_clean(d);
			mounted = cd && strcmp(cd, scratch[s].dest) == 0;
		}
		if (mounted)
			continue;
		add_tmpfs(*mountsp, scratch[s].dest, scratch[s].mode);
		act(c, VAKT_OCI_ACT_CHANGED, "readonlyRootfs", "mounts",
		    "added tmpfs %s (nosuid,nodev,%s)", scratch[s].dest, scratch[s].mode);
	}
	return 0;
}

/* True for a filter that allows every system call: no filter at all. */
static bool seccomp_allows_all(json_t *seccomp)
{
	const char *def = json_string_value(json_object_get(seccomp, "defaultAction"));
	json_t *sys = json_object_get(seccomp, "syscalls");
	return def && strcmp(def, "SCMP_ACT_ALLOW") == 0 && json_array_size(sys) == 0;
}

static int rule_seccomp(apply_ctx *c, json_t *linux_)
{
	if (!c->pol->seccomp_default)
		return 0;
	json_t *seccomp;
	int rc = member(c, linux_, "seccomp", JSON_OBJECT, "linux.seccomp", &seccomp);
	if (rc < 0)
		return rc;
	if (seccomp && !seccomp_allows_all(seccomp))
		return 0;
	if (deny_mode(c)) {
		act(c, VAKT_OCI_ACT_DENIED, "seccomp", "linux.seccomp", "%s",
		    seccomp ? "allows every system call (policy seccomp: require-default)"
			    : "is absent: every system call would be allowed (policy seccomp: "
			      "require-default)");
		return 0;
	}
	if (seccomp) {
		json_object_del(linux_, "seccomp");
		act(c, VAKT_OCI_ACT_CHANGED, "seccomp", "linux.seccomp",
		    "removed a filter that allows every system call");
	}
	c->res->seccomp_default = true;
	act(c, VAKT_OCI_ACT_RUNTIME, "seccomp", "linux.seccomp",
	    "absent: the runtime loads vakt's built-in default filter");
	return 0;
}

static int rule_pids_limit(apply_ctx *c, json_t **linuxp)
{
	json_t *linux_ = *linuxp;
	if (c->pol->pids_limit <= 0)
		return 0;
	json_t *res = NULL, *pids = NULL, *limit = NULL;
	int rc = member(c, linux_, "resources", JSON_OBJECT, "linux.resources", &res);
	if (rc == 0)
		rc = member(c, res, "pids", JSON_OBJECT, "linux.resources.pids", &pids);
	if (rc == 0)
		rc = member(c, pids, "limit", JSON_INTEGER, "linux.resources.pids.limit", &limit);
	if (rc < 0)
		return rc;
	if (limit && json_integer_value(limit) > 0)
		return 0;
	if (deny_mode(c)) {
		act(c, VAKT_OCI_ACT_DENIED, "pidsLimit", "linux.resources.pids.limit",
		    "%s: a fork bomb could exhaust the host's PIDs (policy pidsLimit: %lld)",
		    limit ? "is not positive (no limit)" : "is not set",
		    (long long)c->pol->pids_limit);
		return 0;
	}
	if ((rc = member_obj_create(c, linux_obj(c, linuxp), "resources", "linux.resources",
				    &res)) < 0 ||
	    (rc = member_obj_create(c, res, "pids", "linux.resources.pids", &pids)) < 0)
		return rc;
	json_object_set_new(pids, "limit", json_integer(c->pol->pids_limit));
	act(c, VAKT_OCI_ACT_CHANGED, "pidsLimit", "linux.resources.pids.limit", "set to %lld",
	    (long long)c->pol->pids_limit);
	return 0;
}

static int rule_userns(apply_ctx *c, json_t **linuxp, json_t **namespacesp)
{
	if (!c->pol->userns)
		return 0;
	for (size_t i = 0; *namespacesp && i < json_array_size(*namespacesp); i++) {
		const char *t =
			json_string_value(json_object_get(json_array_get(*namespacesp, i), "type"));
		if (t && strcmp(t, "user") == 0)
			return 0;
	}
	if (deny_mode(c)) {
		act(c, VAKT_OCI_ACT_DENIED, "userns", "linux.namespaces",
		    "no user namespace: root in the container is root on the host (policy userns: "
		    "require)");
		return 0;
	}
	json_t *linux_ = linux_obj(c, linuxp);
	if (!*namespacesp) {
		*namespacesp = json_array();
		json_object_set_new(linux_, "namespaces", *namespacesp);
	}
	json_array_append_new(*namespacesp, json_pack("{s:s}", "type", "user"));
	act(c, VAKT_OCI_ACT_CHANGED, "userns", "linux.namespaces", "added a user namespace");
	static const char *const maps[] = {"uidMappings", "gidMappings"};
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *f = xasprintf("linux.%s", maps[i]);
		json_t *m;
		int rc = member(c, linux_, maps[i], JSON_ARRAY, f, &m);
		if (rc < 0)
			return rc;
		if (m && json_array_size(m) > 0)
			continue;
		json_object_set_new(linux_, maps[i],
				    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
					      USERNS_HOST_ID, "size", USERNS_SIZE));
		act(c, VAKT_OCI_ACT_CHANGED, "userns", f, "mapped container 0 to host %d, size %d",
		    USERNS_HOST_ID, USERNS_SIZE);
	}
	return 0;
}

/* ---- applying ---------------------------------------------------------------------------- */

int vakt_oci_policy_apply(const vakt_oci_policy *pol, json_t *config, vakt_oci_result **ret,
			  vakt_error **err)
{
	if (!json_is_object(config))
		return vakt_error_set(err, VAKT_E_INVALID, "config.json: expected an object");
	vakt_oci_result *res = xcalloc(1, sizeof(*res));
	apply_ctx c = {.pol = pol, .config = config, .res = res, .err = err};
	json_t *process, *linux_ = NULL, *mounts = NULL, *namespaces = NULL;
	int rc = member(&c, config, "process", JSON_OBJECT, "process", &process);
	if (rc == 0)
		rc = member(&c, config, "mounts", JSON_ARRAY, "mounts", &mounts);
	if (rc == 0)
		rc = member(&c, config, "linux", JSON_OBJECT, "linux", &linux_);
	if (rc == 0)
		rc = member(&c, linux_, "namespaces", JSON_ARRAY, "linux.namespaces", &namespaces);
	/* denials first, on the config as it came: tightening must not hide them */
	if (rc == 0)
		rc = rule_privileged(&c, process, linux_, mounts);
	if (rc == 0)
		rc = rule_host_namespaces(&c, namespaces);
	if (rc == 0)
		rc = rule_mounts(&c, mounts, json_object_get(config, "root"));
	if (rc == 0)
		rc = rule_no_new_privileges(&c, process);
	if (rc == 0)
		rc = rule_capabilities(&c, process, &linux_, namespaces);
	if (rc == 0)
		rc = rule_readonly_rootfs(&c, &mounts);
	if (rc == 0)
		rc = rule_seccomp(&c, linux_);
	if (rc == 0)
		rc = rule_pids_limit(&c, &linux_);
	if (rc == 0)
		rc = rule_userns(&c, &linux_, &namespaces);
	if (rc < 0) {
		vakt_oci_result_free(res);
		return rc;
	}
	*ret = res;
	return 0;
}
