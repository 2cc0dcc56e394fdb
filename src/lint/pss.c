/* pss.c - Pod Security Standards checks; see pss.h and docs/internals/pss.md.
 *
 * Each check below is a transcription of the upstream Go function named in its comment:
 * same fields, same nil semantics, same order of containers (init, regular, ephemeral),
 * same reason and detail strings (pluralize, joinQuote, sorted sets).
 */
#include "lint/pss.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "lint/rules.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small string helpers mirroring upstream's helpers.go ------------------------------- */

/* A growable list of strings (borrowed pointers or owned, per `owned`). */
typedef struct strlist {
	const char **v;
	size_t n, cap;
	char **owned;
	size_t nowned, ownedcap;
} strlist;

static void sl_add(strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

/* Add a heap string the list frees. */
static void sl_add_owned(strlist *l, char *s)
{
	if (l->nowned == l->ownedcap) {
		l->ownedcap = l->ownedcap ? l->ownedcap * 2 : 8;
		l->owned = xreallocarray(l->owned, l->ownedcap, sizeof(*l->owned));
	}
	l->owned[l->nowned++] = s;
	sl_add(l, s);
}

static void sl_free(strlist *l)
{
	for (size_t i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Go's sets.List(): distinct elements, sorted bytewise. In place. */
static void sl_set(strlist *l)
{
	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	size_t w = 1;
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(l->v[i], l->v[w - 1]) != 0)
			l->v[w++] = l->v[i];
	l->n = w;
}

static const char *pluralize(const char *one, const char *many, size_t n)
{
	return n == 1 ? one : many;
}

/* joinQuote: `"a", "b"`, items not escaped (as upstream). */
static void join_quote(vakt_buf *b, const strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		vakt_buf_printf(b, "%s\"%s\"", i ? ", " : "", l->v[i]);
}

static void join(vakt_buf *b, const strlist *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++)
		vakt_buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

/* Go's strconv.Quote, for annotation values in details (fmt "%q"). Non-ASCII runes are
 * taken as printable except the C1 controls and a few format characters; upstream uses
 * unicode.IsPrint, which agrees on everything a manifest realistically holds. */
static void go_quote(vakt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	vakt_buf_putc(b, '"');
	while (len) {
		uint32_t r;
		size_t n = vakt_utf8_decode(p, len, &r);
		if (n == 0) {
			vakt_buf_printf(b, "\\x%02x", p[0]);
			p++, len--;
			continue;
		}
		switch (r) {
		case '"': vakt_buf_puts(b, "\\\""); break;
		case '\\': vakt_buf_puts(b, "\\\\"); break;
		case '\a': vakt_buf_puts(b, "\\a"); break;
		case '\b': vakt_buf_puts(b, "\\b"); break;
		case '\f': vakt_buf_puts(b, "\\f"); break;
		case '\n': vakt_buf_puts(b, "\\n"); break;
		case '\r': vakt_buf_puts(b, "\\r"); break;
		case '\t': vakt_buf_puts(b, "\\t"); break;
		case '\v': vakt_buf_puts(b, "\\v"); break;
		default:
			if (r < 0x20 || r == 0x7f)
				vakt_buf_printf(b, "\\x%02x", r);
			else if ((r >= 0x80 && r < 0xa0) || r == 0xad || r == 0x2028 || r == 0x2029 ||
				 r == 0xfeff || (r >= 0x200b && r <= 0x200f))
				vakt_buf_printf(b, r < 0x10000 ? "\\u%04x" : "\\U%08x", r);
			else
				vakt_buf_append(b, p, n);
		}
		p += n, len -= n;
	}
	vakt_buf_putc(b, '"');
}

/* ---- levels and versions ----------------------------------------------------------------- */

const char *vakt_pss_level_name(vakt_pss_level l)
{
	switch (l) {
	case VAKT_PSS_BASELINE: return "baseline";
	case VAKT_PSS_RESTRICTED: return "restricted";
	case VAKT_PSS_PRIVILEGED:
	default: return "privileged";
	}
}

const char *vakt_pss_version_str(const vakt_pss_policy *p, char *buf, size_t len)
{
	if (p->latest)
		snprintf(buf, len, "latest");
	else
		snprintf(buf, len, "v1.%u", p->minor);
	return buf;
}

static bool parse_level(const char *s, size_t n, vakt_pss_level *ret)
{
	static const struct {
		const char *name;
		vakt_pss_level l;
	} levels[] = {{"privileged", VAKT_PSS_PRIVILEGED},
		      {"baseline", VAKT_PSS_BASELINE},
		      {"restricted", VAKT_PSS_RESTRICTED}};
	for (size_t i = 0; i < 3; i++)
		if (strlen(levels[i].name) == n && strncmp(levels[i].name, s, n) == 0) {
			*ret = levels[i].l;
			return true;
		}
	return false;
}

/* upstream api.ParseVersion: "latest" or ^v1\.([0-9]|[1-9][0-9]*)$ */
static bool parse_version(const char *s, bool *latest, unsigned *minor)
{
	if (strcmp(s, "latest") == 0) {
		*latest = true;
		return true;
	}
	if (strncmp(s, "v1.", 3) != 0)
		return false;
	const char *d = s + 3;
	size_t n = strlen(d);
	/* any minor Go's Atoi takes (up to 18 digits here); above v1.37 is clamped later */
	if (n == 0 || strspn(d, "0123456789") != n || (n > 1 && d[0] == '0') || n > 18)
		return false;
	*latest = false;
	unsigned long long m = strtoull(d, NULL, 10);
	*minor = m > UINT_MAX ? UINT_MAX : (unsigned)m;
	return true;
}

int vakt_pss_parse(const char *s, vakt_pss_policy *ret, vakt_error **err)
{
	const char *colon = strchr(s, ':');
	size_t ln = colon ? (size_t)(colon - s) : strlen(s);
	vakt_pss_policy p = {.latest = true};
	if (!parse_level(s, ln, &p.level))
		return vakt_error_set(err, VAKT_E_USAGE,
				      "invalid Pod Security level '%.*s': must be one of privileged, "
				      "baseline, restricted",
				      (int)ln, s);
	if (colon && !parse_version(colon + 1, &p.latest, &p.minor))
		return vakt_error_set(err, VAKT_E_USAGE,
				      "invalid Pod Security version '%s': must be \"latest\" or \"v1.x\"",
				      colon + 1);
	*ret = p;
	return 0;
}

bool vakt_pss_from_labels(const char *level, const char *version, vakt_pss_policy *ret,
			  const char **ret_warning)
{
	*ret_warning = NULL;
	if (!level)
		return false;
	vakt_pss_policy p = {.latest = true};
	if (!parse_level(level, strlen(level), &p.level)) {
		/* admission: an invalid enforce level fails closed, to restricted */
		p.level = VAKT_PSS_RESTRICTED;
		*ret_warning = "invalid enforce level, evaluated as restricted as the admission "
			       "controller does";
	}
	if (version && !parse_version(version, &p.latest, &p.minor)) {
		p.latest = true;
		*ret_warning = "invalid enforce-version, evaluated as latest as the admission "
			       "controller does";
	}
	*ret = p;
	return true;
}

/* ---- check context --------------------------------------------------------------------- */

typedef struct chk {
	const k8s_pod *pod;
	vakt_pss_fail_fn fail;
	void *ud;
	unsigned rule;
	vakt_buf detail;
	const vakt_node *at; /* where the first violation is */
} chk;

static void mark(chk *c, const vakt_node *n)
{
	if (!c->at && n)
		c->at = n;
}

static const char *cname(const k8s_container *ct)
{
	return ct->name;
}

static bool is_windows(const k8s_pod *pod)
{
	return pod->os_name.set && strcmp(pod->os_name.value, "windows") == 0;
}

/* relaxPolicyForUserNamespacePod: hostUsers present and false */
static bool userns_pod(const k8s_pod *pod)
{
	return pod->host_users.set && !pod->host_users.value;
}

/* Each check fills c->detail and returns the reason when forbidden, NULL when allowed. */
typedef const char *(*check_fn)(chk *c);

/* Pairs visited when reading an annotations mapping (merges through aliases fan out). */
#define PSS_ANNOTATION_BUDGET 100000

/* ---- baseline checks ------------------------------------------------------------------------ */

/* check_appArmorProfile.go: appArmorProfile_1_0 (fields and annotations, at all versions) */
static bool apparmor_type_ok(const char *t)
{
	return strcmp(t, "RuntimeDefault") == 0 || strcmp(t, "Localhost") == 0;
}


static const char *apparmor_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, values = {0}, containers = {0}, annots = {0};
	if (pod->sc.c.apparmor.set && !apparmor_type_ok(pod->sc.c.apparmor.type.value)) {
		sl_add(&setters, "pod");
		sl_add(&values, pod->sc.c.apparmor.type.value);
		mark(c, pod->sc.c.apparmor.node);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.c.apparmor.set && !apparmor_type_ok(ct->sc.c.apparmor.type.value)) {
			sl_add(&containers, cname(ct));
			sl_add(&values, ct->sc.c.apparmor.type.value);
			mark(c, ct->sc.c.apparmor.node);
		}
	}
	if (containers.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", containers.n));
		join_quote(&b, &containers);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	/* the annotations as the Go map upstream iterates: each key once, the last value
	 * winning, merge keys looked through; a null value is "" */
	static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
	vakt_map_entry *ents = NULL;
	size_t nents = 0;
	vakt_node_map_entries(pod->pod_annotations, PSS_ANNOTATION_BUDGET, &ents, &nents);
	for (size_t i = 0; i < nents; i++) {
		const vakt_node *k = ents[i].key, *v = ents[i].value;
		if (strncmp(k->scalar.str, prefix, sizeof(prefix) - 1) != 0)
			continue;
		const char *val = v->type == VAKT_NODE_SCALAR && !vakt_node_is_null(v) ? v->scalar.str : "";
		if (val[0] == '\0' || strcmp(val, "runtime/default") == 0 ||
		    strncmp(val, "localhost/", 10) == 0)
			continue;
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s=", k->scalar.str);
		go_quote(&b, val);
		sl_add_owned(&annots, vakt_buf_steal(&b));
		mark(c, v);
	}
	free(ents);
	sl_set(&values);
	if (annots.n) {
		/* upstream sorts them (keys are distinct, as in the Go map) */
		sl_set(&annots);
		for (size_t i = 0; i < annots.n; i++)
			sl_add(&values, annots.v[i]);
		sl_add(&setters, pluralize("annotation", "annotations", annots.n));
	}
	const char *reason = NULL;
	if (setters.n) {
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set AppArmor profile type to ");
		join_quote(&c->detail, &values);
		reason = values.n == 1 ? "forbidden AppArmor profile" : "forbidden AppArmor profiles";
	}
	sl_free(&setters), sl_free(&values), sl_free(&containers), sl_free(&annots);
	return reason;
}

/* check_capabilities_baseline.go: capabilitiesBaseline_1_0 */
static const char *const baseline_caps[] = {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
};

static bool baseline_cap_ok(const char *cap)
{
	for (size_t i = 0; i < sizeof(baseline_caps) / sizeof(baseline_caps[0]); i++)
		if (strcmp(cap, baseline_caps[i]) == 0)
			return true;
	return false;
}

static const char *caps_baseline_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0}, caps = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (!ct->sc.caps_set)
			continue;
		bool found = false;
		for (size_t j = 0; j < ct->sc.cap_add.n; j++) {
			if (baseline_cap_ok(ct->sc.cap_add.items[j]))
				continue;
			if (!found)
				sl_add(&bad, cname(ct));
			found = true;
			sl_add(&caps, ct->sc.cap_add.items[j]);
			mark(c, ct->sc.cap_add.nodes[j]);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		sl_set(&caps);
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_puts(&c->detail, " must not include ");
		join_quote(&c->detail, &caps);
		vakt_buf_puts(&c->detail, " in securityContext.capabilities.add");
		reason = "non-default capabilities";
	}
	sl_free(&bad), sl_free(&caps);
	return reason;
}

/* check_hostNamespaces.go: hostNamespaces_1_0 */
static const char *host_namespaces_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist l = {0};
	if (pod->host_network.value) {
		sl_add(&l, "hostNetwork=true");
		mark(c, pod->host_network.node);
	}
	if (pod->host_pid.value) {
		sl_add(&l, "hostPID=true");
		mark(c, pod->host_pid.node);
	}
	if (pod->host_ipc.value) {
		sl_add(&l, "hostIPC=true");
		mark(c, pod->host_ipc.node);
	}
	const char *reason = NULL;
	if (l.n) {
		join(&c->detail, &l, ", ");
		reason = "host namespaces";
	}
	sl_free(&l);
	return reason;
}

/* check_hostPathVolumes.go: hostPathVolumes_1_0 */
static const char *host_path_volumes_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist l = {0};
	for (size_t i = 0; i < pod->n_volumes; i++) {
		if (pod->volumes[i].sources & (1ull << K8S_VOL_HOSTPATH)) {
			sl_add(&l, pod->volumes[i].name);
			mark(c, pod->volumes[i].node);
		}
	}
	const char *reason = NULL;
	if (l.n) {
		vakt_buf_printf(&c->detail, "%s ", pluralize("volume", "volumes", l.n));
		join_quote(&c->detail, &l);
		reason = "hostPath volumes";
	}
	sl_free(&l);
	return reason;
}

/* check_hostPorts.go: hostPorts_1_0 */
static const char *host_ports_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0}, ports = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		bool found = false;
		for (size_t j = 0; j < ct->n_ports; j++) {
			if (ct->ports[j].host_port == 0)
				continue;
			if (!found)
				sl_add(&bad, cname(ct));
			found = true;
			sl_add_owned(&ports, xasprintf("%lld", (long long)ct->ports[j].host_port));
			mark(c, ct->ports[j].host_port_node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		sl_set(&ports);
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_printf(&c->detail, " %s %s ", pluralize("uses", "use", bad.n),
				pluralize("hostPort", "hostPorts", ports.n));
		join(&c->detail, &ports, ", ");
		reason = "hostPort";
	}
	sl_free(&bad), sl_free(&ports);
	return reason;
}

/* check_hostProbesAndhostLifecycle.go: hostProbesAndHostLifecycleV1Dot34; container
 * names are a sorted set here, unlike every other check */
static const char *host_probes_1_34(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0}, hosts = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (!ct->n_hosts)
			continue;
		sl_add(&bad, cname(ct));
		for (size_t j = 0; j < ct->n_hosts; j++) {
			sl_add(&hosts, ct->hosts[j].host);
			mark(c, ct->hosts[j].node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		sl_set(&bad);
		sl_set(&hosts);
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_printf(&c->detail, " %s %s ", pluralize("uses", "use", bad.n),
				pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.n));
		join_quote(&c->detail, &hosts);
		reason = "probe or lifecycle host";
	}
	sl_free(&bad), sl_free(&hosts);
	return reason;
}

/* check_privileged.go: privileged_1_0 */
static const char *privileged_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.privileged.set && ct->sc.privileged.value) {
			sl_add(&bad, cname(ct));
			mark(c, ct->sc.privileged.node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_puts(&c->detail, " must not set securityContext.privileged=true");
		reason = "privileged";
	}
	sl_free(&bad);
	return reason;
}

/* check_procMount_baseline.go: procMount_1_0 (also procMount_restricted's function) */
static const char *proc_mount_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0}, types = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.proc_mount.set && strcmp(ct->sc.proc_mount.value, "Default") != 0) {
			sl_add(&bad, cname(ct));
			sl_add(&types, ct->sc.proc_mount.value);
			mark(c, ct->sc.proc_mount.node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		sl_set(&types);
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_puts(&c->detail, " must not set securityContext.procMount to ");
		join_quote(&c->detail, &types);
		reason = "procMount";
	}
	sl_free(&bad), sl_free(&types);
	return reason;
}

/* procMount1_35baseline: pods in a user namespace may unmask /proc */
static const char *proc_mount_1_35(chk *c)
{
	if (userns_pod(c->pod))
		return NULL;
	return proc_mount_1_0(c);
}

/* check_seLinuxOptions.go: seLinuxOptions_1_0 and seLinuxOptions1_31 */
static const char *selinux_check(chk *c, bool engine_t)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, bad = {0}, types = {0}, data = {0};
	bool set_user = false, set_role = false;
	for (size_t i = 0; i <= pod->n_containers; i++) {
		const k8s_selinux *se = i == 0 ? &pod->sc.c.selinux : &pod->containers[i - 1].sc.c.selinux;
		if (!se->set)
			continue;
		const char *t = se->type.value;
		bool valid = true;
		if (!(t[0] == '\0' || strcmp(t, "container_t") == 0 || strcmp(t, "container_init_t") == 0 ||
		      strcmp(t, "container_kvm_t") == 0 || (engine_t && strcmp(t, "container_engine_t") == 0))) {
			sl_add(&types, t);
			valid = false;
		}
		if (se->user.value[0]) {
			set_user = true;
			valid = false;
		}
		if (se->role.value[0]) {
			set_role = true;
			valid = false;
		}
		if (valid)
			continue;
		mark(c, se->node);
		if (i == 0)
			sl_add(&setters, "pod");
		else
			sl_add(&bad, cname(&pod->containers[i - 1]));
	}
	if (bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&b, &bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		sl_set(&types);
		if (types.n) {
			vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
			vakt_buf_printf(&b, "%s ", pluralize("type", "types", types.n));
			join_quote(&b, &types);
			sl_add_owned(&data, vakt_buf_steal(&b));
		}
		if (set_user)
			sl_add(&data, "user may not be set");
		if (set_role)
			sl_add(&data, "role may not be set");
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " set forbidden securityContext.seLinuxOptions: ");
		join(&c->detail, &data, "; ");
		reason = "seLinuxOptions";
	}
	sl_free(&setters), sl_free(&bad), sl_free(&types), sl_free(&data);
	return reason;
}

static const char *selinux_1_0(chk *c) { return selinux_check(c, false); }
static const char *selinux_1_31(chk *c) { return selinux_check(c, true); }

/* check_seccompProfile_baseline.go: seccompProfileBaseline_1_0 (annotations only) */
static bool seccomp_annotation_ok(const char *v)
{
	return strcmp(v, "runtime/default") == 0 || strcmp(v, "docker/default") == 0 ||
	       strncmp(v, "localhost/", 10) == 0;
}

/* An annotation's value node, for keys present even with a null value (Go: ""). */
static const vakt_node *annotation_node(const vakt_node *ann, const char *key, bool *present)
{
	vakt_node *k = NULL;
	const vakt_node *v = vakt_node_get_pair(ann, key, &k);
	*present = k != NULL;
	return v;
}

static const char *seccomp_baseline_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	const vakt_node *ann = pod->pod_annotations;
	strlist forbidden = {0};
	bool present;
	const vakt_node *v = annotation_node(ann, "seccomp.security.alpha.kubernetes.io/pod", &present);
	const char *val = v && v->type == VAKT_NODE_SCALAR ? v->scalar.str : "";
	if (present && !seccomp_annotation_ok(val)) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_puts(&b, "seccomp.security.alpha.kubernetes.io/pod=");
		go_quote(&b, val);
		sl_add_owned(&forbidden, vakt_buf_steal(&b));
		mark(c, v ? v : ann);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		_cleanup_free_ char *key = xasprintf("container.seccomp.security.alpha.kubernetes.io/%s",
						     cname(&pod->containers[i]));
		v = annotation_node(ann, key, &present);
		val = v && v->type == VAKT_NODE_SCALAR ? v->scalar.str : "";
		if (present && !seccomp_annotation_ok(val)) {
			vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
			vakt_buf_printf(&b, "%s=", key);
			go_quote(&b, val);
			sl_add_owned(&forbidden, vakt_buf_steal(&b));
			mark(c, v ? v : ann);
		}
	}
	const char *reason = NULL;
	if (forbidden.n) {
		sl_set(&forbidden);
		vakt_buf_printf(&c->detail, "forbidden %s ",
				pluralize("annotation", "annotations", forbidden.n));
		join(&c->detail, &forbidden, ", ");
		reason = "seccompProfile";
	}
	sl_free(&forbidden);
	return reason;
}

static bool seccomp_type_ok(const char *t)
{
	return strcmp(t, "RuntimeDefault") == 0 || strcmp(t, "Localhost") == 0;
}

/* seccompProfileBaseline_1_19 (fields only) */
static const char *seccomp_baseline_1_19(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, bad = {0}, values = {0};
	if (pod->sc.c.seccomp.set && !seccomp_type_ok(pod->sc.c.seccomp.type.value)) {
		sl_add(&setters, "pod");
		sl_add(&values, pod->sc.c.seccomp.type.value);
		mark(c, pod->sc.c.seccomp.node);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.c.seccomp.set && !seccomp_type_ok(ct->sc.c.seccomp.type.value)) {
			sl_add(&bad, cname(ct));
			sl_add(&values, ct->sc.c.seccomp.type.value);
			mark(c, ct->sc.c.seccomp.node);
		}
	}
	if (bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&b, &bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		sl_set(&values);
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set securityContext.seccompProfile.type to ");
		join_quote(&c->detail, &values);
		reason = "seccompProfile";
	}
	sl_free(&setters), sl_free(&bad), sl_free(&values);
	return reason;
}

/* check_sysctls.go: the safe set grows with the version */
static const struct {
	const char *name;
	unsigned since;
} safe_sysctls[] = {
	{"kernel.shm_rmid_forced", 0},
	{"net.ipv4.ip_local_port_range", 0},
	{"net.ipv4.tcp_syncookies", 0},
	{"net.ipv4.ping_group_range", 0},
	{"net.ipv4.ip_unprivileged_port_start", 0},
	{"net.ipv4.ip_local_reserved_ports", 27},
	{"net.ipv4.tcp_keepalive_time", 29},
	{"net.ipv4.tcp_fin_timeout", 29},
	{"net.ipv4.tcp_keepalive_intvl", 29},
	{"net.ipv4.tcp_keepalive_probes", 29},
	{"net.ipv4.tcp_rmem", 32},
	{"net.ipv4.tcp_wmem", 32},
	{"net.ipv4.tcp_slow_start_after_idle", 37},
	{"net.ipv4.tcp_notsent_lowat", 37},
};

bool vakt_pss_sysctl_allowed(const char *name, unsigned minor)
{
	for (size_t i = 0; i < sizeof(safe_sysctls) / sizeof(safe_sysctls[0]); i++)
		if (safe_sysctls[i].since <= minor && strcmp(safe_sysctls[i].name, name) == 0)
			return true;
	return false;
}

static const char *sysctls_at(chk *c, unsigned minor)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0};
	for (size_t i = 0; i < pod->sc.n_sysctls; i++) {
		if (!vakt_pss_sysctl_allowed(pod->sc.sysctls[i].name, minor)) {
			sl_add(&bad, pod->sc.sysctls[i].name);
			mark(c, pod->sc.sysctls[i].node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		join(&c->detail, &bad, ", ");
		reason = "forbidden sysctls";
	}
	sl_free(&bad);
	return reason;
}

static const char *sysctls_1_0(chk *c) { return sysctls_at(c, 0); }
static const char *sysctls_1_27(chk *c) { return sysctls_at(c, 27); }
static const char *sysctls_1_29(chk *c) { return sysctls_at(c, 29); }
static const char *sysctls_1_32(chk *c) { return sysctls_at(c, 32); }
static const char *sysctls_1_37(chk *c) { return sysctls_at(c, 37); }

/* check_windowsHostProcess.go: windowsHostProcess_1_0 */
static const char *windows_host_process_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, bad = {0};
	if (pod->sc.c.windows_host_process.set && pod->sc.c.windows_host_process.value) {
		sl_add(&setters, "pod");
		mark(c, pod->sc.c.windows_host_process.node);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.c.windows_host_process.set && ct->sc.c.windows_host_process.value) {
			sl_add(&bad, cname(ct));
			mark(c, ct->sc.c.windows_host_process.node);
		}
	}
	if (bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&b, &bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set securityContext.windowsOptions.hostProcess=true");
		reason = "hostProcess";
	}
	sl_free(&setters), sl_free(&bad);
	return reason;
}

/* ---- restricted checks ----------------------------------------------------------------------- */

/* check_allowPrivilegeEscalation.go: allowPrivilegeEscalation_1_8 (no pod-level field) */
static const char *ape_1_8(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		const k8s_bool *ape = &ct->sc.allow_privilege_escalation;
		if (!ape->set || ape->value) {
			sl_add(&bad, cname(ct));
			mark(c, ape->set ? ape->node : ct->node);
		}
	}
	const char *reason = NULL;
	if (bad.n) {
		vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_puts(&c->detail, " must set securityContext.allowPrivilegeEscalation=false");
		reason = "allowPrivilegeEscalation != false";
	}
	sl_free(&bad);
	return reason;
}

/* allowPrivilegeEscalation_1_25: Windows pods are exempt */
static const char *ape_1_25(chk *c)
{
	return is_windows(c->pod) ? NULL : ape_1_8(c);
}

/* check_capabilities_restricted.go: capabilitiesRestricted_1_22 */
static const char *caps_restricted_1_22(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist missing = {0}, adding = {0}, forbidden = {0};
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (!ct->sc.caps_set) {
			sl_add(&missing, cname(ct));
			mark(c, ct->sc.c.set ? ct->sc.c.node : ct->node);
			continue;
		}
		bool drop_all = false;
		for (size_t j = 0; j < ct->sc.cap_drop.n; j++)
			if (strcmp(ct->sc.cap_drop.items[j], "ALL") == 0)
				drop_all = true;
		if (!drop_all) {
			sl_add(&missing, cname(ct));
			mark(c, ct->sc.caps_node);
		}
		bool found = false;
		for (size_t j = 0; j < ct->sc.cap_add.n; j++) {
			if (strcmp(ct->sc.cap_add.items[j], "NET_BIND_SERVICE") == 0)
				continue;
			sl_add(&forbidden, ct->sc.cap_add.items[j]);
			if (!found)
				sl_add(&adding, cname(ct));
			found = true;
			mark(c, ct->sc.cap_add.nodes[j]);
		}
	}
	const char *reason = NULL;
	if (missing.n || adding.n) {
		if (missing.n) {
			vakt_buf_printf(&c->detail, "%s ", pluralize("container", "containers", missing.n));
			join_quote(&c->detail, &missing);
			vakt_buf_puts(&c->detail, " must set securityContext.capabilities.drop=[\"ALL\"]");
		}
		if (adding.n) {
			sl_set(&forbidden);
			vakt_buf_printf(&c->detail, "%s%s ", missing.n ? "; " : "",
					pluralize("container", "containers", adding.n));
			join_quote(&c->detail, &adding);
			vakt_buf_puts(&c->detail, " must not include ");
			join_quote(&c->detail, &forbidden);
			vakt_buf_puts(&c->detail, " in securityContext.capabilities.add");
		}
		reason = "unrestricted capabilities";
	}
	sl_free(&missing), sl_free(&adding), sl_free(&forbidden);
	return reason;
}

static const char *caps_restricted_1_25(chk *c)
{
	return is_windows(c->pod) ? NULL : caps_restricted_1_22(c);
}

/* check_restrictedVolumes.go: restrictedVolumes_1_0 */
static const char *restricted_volumes_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist bad = {0}, types = {0};
	const uint64_t allowed = (1ull << (K8S_VOL_SECRET + 1)) - 1; /* configMap .. secret */
	for (size_t i = 0; i < pod->n_volumes; i++) {
		const k8s_volume *v = &pod->volumes[i];
		if (v->sources & allowed)
			continue;
		sl_add(&bad, v->name);
		mark(c, v->node);
		const char *t = "unknown";
		for (unsigned s = K8S_VOL_HOSTPATH; s < K8S_VOL_COUNT; s++)
			if (v->sources & (1ull << s)) {
				t = vakt_k8s_volume_source_name((k8s_volume_source)s);
				break;
			}
		sl_add(&types, t);
	}
	const char *reason = NULL;
	if (bad.n) {
		sl_set(&types);
		vakt_buf_printf(&c->detail, "%s ", pluralize("volume", "volumes", bad.n));
		join_quote(&c->detail, &bad);
		vakt_buf_printf(&c->detail, " %s %s ", pluralize("uses", "use", bad.n),
				pluralize("restricted volume type", "restricted volume types", types.n));
		join_quote(&c->detail, &types);
		reason = "restricted volume types";
	}
	sl_free(&bad), sl_free(&types);
	return reason;
}

/* check_runAsNonRoot.go: runAsNonRoot_1_0 */
static const char *run_as_non_root_1_0(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, explicit_bad = {0}, implicit_bad = {0};
	bool pod_non_root = false;
	const k8s_bool *prn = &pod->sc.c.run_as_non_root;
	if (prn->set) {
		if (!prn->value) {
			sl_add(&setters, "pod");
			mark(c, prn->node);
		} else {
			pod_non_root = true;
		}
	}
	const vakt_node *implicit_at = NULL;
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		const k8s_bool *rn = &ct->sc.c.run_as_non_root;
		if (rn->set) {
			if (!rn->value) {
				sl_add(&explicit_bad, cname(ct));
				mark(c, rn->node);
			}
		} else if (!pod_non_root) {
			sl_add(&implicit_bad, cname(ct));
			if (!implicit_at)
				implicit_at = ct->node;
		}
	}
	if (explicit_bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", explicit_bad.n));
		join_quote(&b, &explicit_bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set securityContext.runAsNonRoot=false");
		reason = "runAsNonRoot != true";
	} else if (implicit_bad.n) {
		vakt_buf_printf(&c->detail, "pod or %s ",
				pluralize("container", "containers", implicit_bad.n));
		join_quote(&c->detail, &implicit_bad);
		vakt_buf_puts(&c->detail, " must set securityContext.runAsNonRoot=true");
		mark(c, implicit_at);
		reason = "runAsNonRoot != true";
	}
	sl_free(&setters), sl_free(&explicit_bad), sl_free(&implicit_bad);
	return reason;
}

static const char *run_as_non_root_1_35(chk *c)
{
	return userns_pod(c->pod) ? NULL : run_as_non_root_1_0(c);
}

/* check_runAsUser.go: runAsUser_1_23 */
static const char *run_as_user_1_23(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, bad = {0};
	if (pod->sc.c.run_as_user.set && pod->sc.c.run_as_user.value == 0) {
		sl_add(&setters, "pod");
		mark(c, pod->sc.c.run_as_user.node);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.c.run_as_user.set && ct->sc.c.run_as_user.value == 0) {
			sl_add(&bad, cname(ct));
			mark(c, ct->sc.c.run_as_user.node);
		}
	}
	if (bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", bad.n));
		join_quote(&b, &bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set runAsUser=0");
		reason = "runAsUser=0";
	}
	sl_free(&setters), sl_free(&bad);
	return reason;
}

static const char *run_as_user_1_35(chk *c)
{
	return userns_pod(c->pod) ? NULL : run_as_user_1_23(c);
}

/* check_seccompProfile_restricted.go: seccompProfileRestricted_1_19 */
static const char *seccomp_restricted_1_19(chk *c)
{
	const k8s_pod *pod = c->pod;
	strlist setters = {0}, explicit_bad = {0}, implicit_bad = {0}, values = {0};
	bool pod_set = false;
	if (pod->sc.c.seccomp.set) {
		if (!seccomp_type_ok(pod->sc.c.seccomp.type.value)) {
			sl_add(&setters, "pod");
			sl_add(&values, pod->sc.c.seccomp.type.value);
			mark(c, pod->sc.c.seccomp.node);
		} else {
			pod_set = true;
		}
	}
	const vakt_node *implicit_at = NULL;
	for (size_t i = 0; i < pod->n_containers; i++) {
		const k8s_container *ct = &pod->containers[i];
		if (ct->sc.c.seccomp.set) {
			if (!seccomp_type_ok(ct->sc.c.seccomp.type.value)) {
				sl_add(&explicit_bad, cname(ct));
				sl_add(&values, ct->sc.c.seccomp.type.value);
				mark(c, ct->sc.c.seccomp.node);
			}
		} else if (!pod_set) {
			sl_add(&implicit_bad, cname(ct));
			if (!implicit_at)
				implicit_at = ct->node;
		}
	}
	if (explicit_bad.n) {
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "%s ", pluralize("container", "containers", explicit_bad.n));
		join_quote(&b, &explicit_bad);
		sl_add_owned(&setters, vakt_buf_steal(&b));
	}
	const char *reason = NULL;
	if (setters.n) {
		sl_set(&values);
		join(&c->detail, &setters, " and ");
		vakt_buf_puts(&c->detail, " must not set securityContext.seccompProfile.type to ");
		join_quote(&c->detail, &values);
		reason = "seccompProfile";
	} else if (implicit_bad.n) {
		vakt_buf_printf(&c->detail, "pod or %s ",
				pluralize("container", "containers", implicit_bad.n));
		join_quote(&c->detail, &implicit_bad);
		vakt_buf_puts(&c->detail,
			      " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
		mark(c, implicit_at);
		reason = "seccompProfile";
	}
	sl_free(&setters), sl_free(&explicit_bad), sl_free(&implicit_bad), sl_free(&values);
	return reason;
}

static const char *seccomp_restricted_1_25(chk *c)
{
	return is_windows(c->pod) ? NULL : seccomp_restricted_1_19(c);
}

/* ---- the registry (registry.go) -------------------------------------------------------------- */

typedef struct variant {
	unsigned min_minor;
	check_fn fn;
} variant;

typedef struct pss_check {
	unsigned rule; /* R_PSS_* */
	vakt_pss_level level;
	variant variants[5]; /* ascending min_minor; fn NULL ends */
	int overrides;       /* index into pss_checks[] of the baseline check it overrides, or -1 */
} pss_check;

/* Upstream evaluation order: baseline IDs sorted bytewise, then restricted IDs sorted. */
enum {
	C_APPARMOR, C_CAPS_BASELINE, C_HOST_NAMESPACES, C_HOSTPATH, C_HOST_PORTS, C_HOST_PROBES,
	C_PRIVILEGED, C_PROC_MOUNT, C_SELINUX, C_SECCOMP_BASELINE, C_SYSCTLS, C_WINDOWS_HOST_PROCESS,
	C_APE, C_CAPS_RESTRICTED, C_PROC_MOUNT_RESTRICTED, C_RESTRICTED_VOLUMES, C_RUN_AS_NON_ROOT,
	C_RUN_AS_USER, C_SECCOMP_RESTRICTED, C__COUNT
};

static const pss_check pss_checks[C__COUNT] = {
	[C_APPARMOR] = {R_PSS_APPARMOR, VAKT_PSS_BASELINE, {{0, apparmor_1_0}}, -1},
	[C_CAPS_BASELINE] = {R_PSS_CAPS_BASELINE, VAKT_PSS_BASELINE, {{0, caps_baseline_1_0}}, -1},
	[C_HOST_NAMESPACES] = {R_PSS_HOST_NAMESPACES, VAKT_PSS_BASELINE, {{0, host_namespaces_1_0}}, -1},
	[C_HOSTPATH] = {R_PSS_HOSTPATH, VAKT_PSS_BASELINE, {{0, host_path_volumes_1_0}}, -1},
	[C_HOST_PORTS] = {R_PSS_HOST_PORTS, VAKT_PSS_BASELINE, {{0, host_ports_1_0}}, -1},
	[C_HOST_PROBES] = {R_PSS_HOST_PROBES, VAKT_PSS_BASELINE, {{34, host_probes_1_34}}, -1},
	[C_PRIVILEGED] = {R_PSS_PRIVILEGED, VAKT_PSS_BASELINE, {{0, privileged_1_0}}, -1},
	[C_PROC_MOUNT] = {R_PSS_PROC_MOUNT, VAKT_PSS_BASELINE,
			  {{0, proc_mount_1_0}, {35, proc_mount_1_35}}, -1},
	[C_SELINUX] = {R_PSS_SELINUX, VAKT_PSS_BASELINE, {{0, selinux_1_0}, {31, selinux_1_31}}, -1},
	[C_SECCOMP_BASELINE] = {R_PSS_SECCOMP_BASELINE, VAKT_PSS_BASELINE,
				{{0, seccomp_baseline_1_0}, {19, seccomp_baseline_1_19}}, -1},
	[C_SYSCTLS] = {R_PSS_SYSCTLS, VAKT_PSS_BASELINE,
		       {{0, sysctls_1_0}, {27, sysctls_1_27}, {29, sysctls_1_29}, {32, sysctls_1_32},
			{37, sysctls_1_37}},
		       -1},
	[C_WINDOWS_HOST_PROCESS] = {R_PSS_WINDOWS_HOST_PROCESS, VAKT_PSS_BASELINE,
				    {{0, windows_host_process_1_0}}, -1},
	[C_APE] = {R_PSS_APE, VAKT_PSS_RESTRICTED, {{8, ape_1_8}, {25, ape_1_25}}, -1},
	[C_CAPS_RESTRICTED] = {R_PSS_CAPS_RESTRICTED, VAKT_PSS_RESTRICTED,
			       {{22, caps_restricted_1_22}, {25, caps_restricted_1_25}}, C_CAPS_BASELINE},
	[C_PROC_MOUNT_RESTRICTED] = {R_PSS_PROC_MOUNT_RESTRICTED, VAKT_PSS_RESTRICTED,
				     {{35, proc_mount_1_0}}, C_PROC_MOUNT},
	[C_RESTRICTED_VOLUMES] = {R_PSS_RESTRICTED_VOLUMES, VAKT_PSS_RESTRICTED,
				  {{0, restricted_volumes_1_0}}, C_HOSTPATH},
	[C_RUN_AS_NON_ROOT] = {R_PSS_RUN_AS_NON_ROOT, VAKT_PSS_RESTRICTED,
			       {{0, run_as_non_root_1_0}, {35, run_as_non_root_1_35}}, -1},
	[C_RUN_AS_USER] = {R_PSS_RUN_AS_USER, VAKT_PSS_RESTRICTED,
			   {{23, run_as_user_1_23}, {35, run_as_user_1_35}}, -1},
	[C_SECCOMP_RESTRICTED] = {R_PSS_SECCOMP_RESTRICTED, VAKT_PSS_RESTRICTED,
				  {{19, seccomp_restricted_1_19}, {25, seccomp_restricted_1_25}},
				  C_SECCOMP_BASELINE},
};

/* The variant of check k active at minor, or NULL if the check does not exist yet. */
static check_fn active_variant(const pss_check *k, unsigned minor)
{
	check_fn fn = NULL;
	for (size_t i = 0; i < 5 && k->variants[i].fn; i++)
		if (k->variants[i].min_minor <= minor)
			fn = k->variants[i].fn;
	return fn;
}

void vakt_pss_evaluate(const vakt_pss_policy *p, const k8s_pod *pod, vakt_pss_fail_fn fail,
		       void *ud)
{
	if (p->level == VAKT_PSS_PRIVILEGED)
		return;
	/* "latest" and versions past the newest check evaluate as the newest (upstream clamps) */
	unsigned minor = p->latest || p->minor > VAKT_PSS_MAX_MINOR ? VAKT_PSS_MAX_MINOR : p->minor;

	bool overridden[C__COUNT] = {0};
	if (p->level == VAKT_PSS_RESTRICTED)
		for (unsigned k = 0; k < C__COUNT; k++)
			if (pss_checks[k].level == VAKT_PSS_RESTRICTED && pss_checks[k].overrides >= 0 &&
			    active_variant(&pss_checks[k], minor))
				overridden[pss_checks[k].overrides] = true;

	for (unsigned k = 0; k < C__COUNT; k++) {
		const pss_check *ck = &pss_checks[k];
		if (ck->level > p->level || overridden[k])
			continue;
		check_fn fn = active_variant(ck, minor);
		if (!fn)
			continue;
		chk c = {.pod = pod, .fail = fail, .ud = ud, .rule = ck->rule};
		vakt_buf_init(&c.detail, SIZE_MAX);
		const char *reason = fn(&c);
		if (reason)
			fail(ud, ck->rule, reason, vakt_buf_str(&c.detail),
			     c.at ? c.at : (pod->spec ? pod->spec : pod->object));
		vakt_buf_free(&c.detail);
	}
}
