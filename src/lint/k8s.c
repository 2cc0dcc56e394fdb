/* k8s.c - typed reading of Kubernetes workloads; see k8s.h. */
#include "lint/k8s.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define VAKT_ARRAY_SIZE_K8S(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reader: collects the first type error, then turns every read into a no-op ---------- */

typedef struct rd {
	const char *file;
	vakt_arena *arena;
	vakt_error **err;
	bool failed;
} rd;

static void type_error(rd *r, const vakt_node *n, const char *path, const char *key,
		       const char *want)
{
	if (r->failed)
		return;
	r->failed = true;
	vakt_error_set_at(r->err, VAKT_E_INVALID, r->file, n ? n->line : 0, n ? n->col : 0,
			  "%s%s%s: expected %s, got %s", path, key && path[0] ? "." : "", key ? key : "", want,
			  vakt_node_kind_name(n));
}

/* A mapping field; NULL when unset. */
static const vakt_node *rd_map(rd *r, const vakt_node *parent, const char *key, const char *path)
{
	if (r->failed)
		return NULL;
	const vakt_node *n = vakt_node_get(parent, key);
	if (n && n->type != VAKT_NODE_MAP) {
		type_error(r, n, path, key, "a mapping");
		return NULL;
	}
	return n;
}

/* A sequence field; NULL when unset. */
static const vakt_node *rd_seq(rd *r, const vakt_node *parent, const char *key, const char *path)
{
	if (r->failed)
		return NULL;
	const vakt_node *n = vakt_node_get(parent, key);
	if (n && n->type != VAKT_NODE_SEQ) {
		type_error(r, n, path, key, "a sequence");
		return NULL;
	}
	return n;
}

static k8s_bool rd_bool(rd *r, const vakt_node *parent, const char *key, const char *path)
{
	k8s_bool b = {0};
	if (r->failed)
		return b;
	const vakt_node *n = vakt_node_get(parent, key);
	if (!n)
		return b;
	vakt_bool_result v = vakt_node_bool(n);
	if (v == VAKT_BOOL_INVALID) {
		type_error(r, n, path, key, "a boolean");
		return b;
	}
	b.set = true;
	b.value = v == VAKT_BOOL_TRUE;
	b.node = n;
	return b;
}

static k8s_int rd_int(rd *r, const vakt_node *parent, const char *key, const char *path,
		      int64_t min, int64_t max)
{
	k8s_int i = {0};
	if (r->failed)
		return i;
	const vakt_node *n = vakt_node_get(parent, key);
	if (!n)
		return i;
	int64_t v;
	if (!vakt_node_int64(n, &v)) {
		type_error(r, n, path, key, "an integer");
		return i;
	}
	if (v < min || v > max) {
		type_error(r, n, path, key, max == INT32_MAX ? "a 32-bit integer" : "an integer in range");
		return i;
	}
	i.set = true;
	i.value = v;
	i.node = n;
	return i;
}

/* A string field. A plain scalar that YAML resolves to a boolean or a number is not a
 * string to Kubernetes: sigs.k8s.io/yaml turns it into a JSON boolean or number, which
 * the API server refuses for a string field ("cannot unmarshal number into ... string"),
 * so it is a type error here too. Quote such values: image: "1.21". */
static bool string_scalar(const vakt_node *n)
{
	const char *k = vakt_node_kind_name(n);
	return n->type == VAKT_NODE_SCALAR && strcmp(k, "string") == 0;
}

static k8s_str rd_str(rd *r, const vakt_node *parent, const char *key, const char *path)
{
	k8s_str s = {.value = ""};
	if (r->failed)
		return s;
	const vakt_node *n = vakt_node_get(parent, key);
	if (!n)
		return s;
	if (!string_scalar(n)) {
		type_error(r, n, path, key, "a string");
		return s;
	}
	s.set = true;
	s.value = n->scalar.str;
	s.node = n;
	return s;
}

static k8s_strlist rd_strlist(rd *r, const vakt_node *parent, const char *key, const char *path)
{
	k8s_strlist l = {0};
	const vakt_node *seq = rd_seq(r, parent, key, path);
	if (!seq)
		return l;
	l.set = true;
	l.node = seq;
	l.items = vakt_arena_calloc(r->arena, seq->seq.n ? seq->seq.n : 1, sizeof(*l.items));
	l.nodes = vakt_arena_calloc(r->arena, seq->seq.n ? seq->seq.n : 1, sizeof(*l.nodes));
	for (size_t i = 0; i < seq->seq.n; i++) {
		const vakt_node *it = seq->seq.items[i];
		if (!vakt_node_is_null(it) && !string_scalar(it)) {
			char *p = vakt_arena_printf(r->arena, "%s.%s[%zu]", path, key, i);
			type_error(r, it, p, NULL, "a string");
			return l;
		}
		/* a null item decodes to "" in a []string */
		l.items[l.n] = vakt_node_is_null(it) ? "" : it->scalar.str;
		l.nodes[l.n++] = it;
	}
	return l;
}

static char *sub(rd *r, const char *path, const char *key)
{
	return vakt_arena_printf(r->arena, "%s.%s", path, key);
}

/* ---- security contexts ----------------------------------------------------------------- */

static k8s_profile rd_profile(rd *r, const vakt_node *sc, const char *key, const char *path)
{
	k8s_profile p = {.type = {.value = ""}, .localhost = {.value = ""}};
	const vakt_node *n = rd_map(r, sc, key, path);
	if (!n)
		return p;
	const char *pp = sub(r, path, key);
	p.set = true;
	p.node = n;
	p.type = rd_str(r, n, "type", pp);
	p.localhost = rd_str(r, n, "localhostProfile", pp);
	return p;
}

static void rd_sc_common(rd *r, const vakt_node *sc, const char *path, k8s_sc_common *c)
{
	memset(c, 0, sizeof(*c));
	c->seccomp.type.value = c->seccomp.localhost.value = "";
	c->apparmor.type.value = c->apparmor.localhost.value = "";
	c->selinux.user.value = c->selinux.role.value = c->selinux.type.value =
		c->selinux.level.value = "";
	if (!sc)
		return;
	c->set = true;
	c->node = sc;
	c->run_as_non_root = rd_bool(r, sc, "runAsNonRoot", path);
	c->run_as_user = rd_int(r, sc, "runAsUser", path, INT64_MIN, INT64_MAX);
	c->run_as_group = rd_int(r, sc, "runAsGroup", path, INT64_MIN, INT64_MAX);
	c->seccomp = rd_profile(r, sc, "seccompProfile", path);
	c->apparmor = rd_profile(r, sc, "appArmorProfile", path);
	const vakt_node *se = rd_map(r, sc, "seLinuxOptions", path);
	if (se) {
		const char *sp = sub(r, path, "seLinuxOptions");
		c->selinux.set = true;
		c->selinux.node = se;
		c->selinux.user = rd_str(r, se, "user", sp);
		c->selinux.role = rd_str(r, se, "role", sp);
		c->selinux.type = rd_str(r, se, "type", sp);
		c->selinux.level = rd_str(r, se, "level", sp);
	}
	const vakt_node *win = rd_map(r, sc, "windowsOptions", path);
	if (win)
		c->windows_host_process = rd_bool(r, win, "hostProcess", sub(r, path, "windowsOptions"));
}

static void rd_pod_sc(rd *r, const vakt_node *spec, const char *path, k8s_pod_sc *psc)
{
	memset(psc, 0, sizeof(*psc));
	const vakt_node *sc = rd_map(r, spec, "securityContext", path);
	const char *sp = sub(r, path, "securityContext");
	rd_sc_common(r, sc, sp, &psc->c);
	if (!sc)
		return;
	psc->fs_group = rd_int(r, sc, "fsGroup", sp, INT64_MIN, INT64_MAX);
	const vakt_node *sg = rd_seq(r, sc, "supplementalGroups", sp);
	if (sg) {
		psc->supplemental = vakt_arena_calloc(r->arena, sg->seq.n + 1, sizeof(int64_t));
		psc->supplemental_nodes = vakt_arena_calloc(r->arena, sg->seq.n + 1, sizeof(vakt_node *));
		for (size_t i = 0; i < sg->seq.n && !r->failed; i++) {
			int64_t v;
			if (!vakt_node_int64(sg->seq.items[i], &v)) {
				type_error(r, sg->seq.items[i],
					   vakt_arena_printf(r->arena, "%s.supplementalGroups[%zu]", sp, i),
					   NULL, "an integer");
				break;
			}
			psc->supplemental[psc->n_supplemental] = v;
			psc->supplemental_nodes[psc->n_supplemental++] = sg->seq.items[i];
		}
	}
	const vakt_node *sy = rd_seq(r, sc, "sysctls", sp);
	if (sy) {
		psc->sysctls = vakt_arena_calloc(r->arena, sy->seq.n + 1, sizeof(k8s_sysctl));
		for (size_t i = 0; i < sy->seq.n && !r->failed; i++) {
			const vakt_node *it = sy->seq.items[i];
			const char *ip = vakt_arena_printf(r->arena, "%s.sysctls[%zu]", sp, i);
			if (it->type != VAKT_NODE_MAP && !vakt_node_is_null(it)) {
				type_error(r, it, ip, NULL, "a mapping");
				break;
			}
			/* a null item decodes to a zero Sysctl (name ""), which Pod Security
			 * forbids like any unknown name: keep it rather than skip it */
			k8s_str name = rd_str(r, it->type == VAKT_NODE_MAP ? it : NULL, "name", ip);
			psc->sysctls[psc->n_sysctls].name = name.value;
			psc->sysctls[psc->n_sysctls++].node = it;
		}
	}
}

static void rd_container_sc(rd *r, const vakt_node *c, const char *path, k8s_container_sc *csc)
{
	memset(csc, 0, sizeof(*csc));
	const vakt_node *sc = rd_map(r, c, "securityContext", path);
	const char *sp = sub(r, path, "securityContext");
	rd_sc_common(r, sc, sp, &csc->c);
	csc->proc_mount.value = "";
	if (!sc)
		return;
	csc->privileged = rd_bool(r, sc, "privileged", sp);
	csc->allow_privilege_escalation = rd_bool(r, sc, "allowPrivilegeEscalation", sp);
	csc->read_only_root_fs = rd_bool(r, sc, "readOnlyRootFilesystem", sp);
	csc->proc_mount = rd_str(r, sc, "procMount", sp);
	const vakt_node *caps = rd_map(r, sc, "capabilities", sp);
	if (caps) {
		const char *cp = sub(r, sp, "capabilities");
		csc->caps_set = true;
		csc->caps_node = caps;
		csc->cap_add = rd_strlist(r, caps, "add", cp);
		csc->cap_drop = rd_strlist(r, caps, "drop", cp);
	}
}

/* ---- containers ------------------------------------------------------------------------ */

static void add_host(rd *r, k8s_container *c, const vakt_node *handler, const char *path)
{
	static const char *const kinds[] = {"httpGet", "tcpSocket"};
	for (size_t k = 0; k < 2; k++) {
		const vakt_node *h = rd_map(r, handler, kinds[k], path);
		if (!h)
			continue;
		k8s_str host = rd_str(r, h, "host", sub(r, path, kinds[k]));
		if (host.set && host.value[0]) {
			c->hosts = c->n_hosts ? c->hosts : vakt_arena_calloc(r->arena, 10, sizeof(*c->hosts));
			if (c->n_hosts < 10) { /* 5 handlers x 2 kinds */
				c->hosts[c->n_hosts].host = host.value;
				c->hosts[c->n_hosts++].node = host.node;
			}
		}
	}
}

/* resources.limits/requests of a container or (Kubernetes 1.34+) of the pod: which are
 * set. Returns the resources node, or NULL. */
static const vakt_node *rd_resources(rd *r, const vakt_node *n, const char *path, bool *limit_cpu,
				     bool *limit_memory, bool *request_cpu, bool *request_memory)
{
	const vakt_node *res = rd_map(r, n, "resources", path);
	if (!res)
		return NULL;
	const char *rp = sub(r, path, "resources");
	const vakt_node *lim = rd_map(r, res, "limits", rp);
	const vakt_node *req = rd_map(r, res, "requests", rp);
	*limit_cpu = vakt_node_get(lim, "cpu") != NULL;
	*limit_memory = vakt_node_get(lim, "memory") != NULL;
	*request_cpu = vakt_node_get(req, "cpu") != NULL;
	*request_memory = vakt_node_get(req, "memory") != NULL;
	return res;
}

static void rd_container(rd *r, const vakt_node *n, const char *path, k8s_container_kind kind,
			 k8s_container *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->node = n;
	k8s_str name = rd_str(r, n, "name", path);
	c->name = name.value;
	c->image = rd_str(r, n, "image", path);
	rd_container_sc(r, n, path, &c->sc);

	const vakt_node *ports = rd_seq(r, n, "ports", path);
	if (ports) {
		c->ports = vakt_arena_calloc(r->arena, ports->seq.n + 1, sizeof(k8s_port));
		for (size_t i = 0; i < ports->seq.n && !r->failed; i++) {
			const vakt_node *p = ports->seq.items[i];
			const char *pp = vakt_arena_printf(r->arena, "%s.ports[%zu]", path, i);
			if (p->type != VAKT_NODE_MAP) {
				if (vakt_node_is_null(p))
					continue;
				type_error(r, p, pp, NULL, "a mapping");
				break;
			}
			k8s_int cp = rd_int(r, p, "containerPort", pp, INT32_MIN, INT32_MAX);
			k8s_int hp = rd_int(r, p, "hostPort", pp, INT32_MIN, INT32_MAX);
			k8s_port *out = &c->ports[c->n_ports++];
			out->container_port = cp.value;
			out->host_port = hp.value;
			out->node = p;
			out->host_port_node = hp.node;
		}
	}

	const vakt_node *mounts = rd_seq(r, n, "volumeMounts", path);
	if (mounts) {
		c->mounts = vakt_arena_calloc(r->arena, mounts->seq.n + 1, sizeof(k8s_mount));
		for (size_t i = 0; i < mounts->seq.n && !r->failed; i++) {
			const vakt_node *m = mounts->seq.items[i];
			const char *mp = vakt_arena_printf(r->arena, "%s.volumeMounts[%zu]", path, i);
			if (m->type != VAKT_NODE_MAP) {
				if (vakt_node_is_null(m))
					continue;
				type_error(r, m, mp, NULL, "a mapping");
				break;
			}
			k8s_mount *out = &c->mounts[c->n_mounts++];
			out->name = rd_str(r, m, "name", mp).value;
			out->mount_path = rd_str(r, m, "mountPath", mp).value;
			out->sub_path = rd_str(r, m, "subPath", mp).value;
			out->read_only = rd_bool(r, m, "readOnly", mp).value;
			out->node = m;
		}
	}

	c->resources_node = rd_resources(r, n, path, &c->limit_cpu, &c->limit_memory,
					 &c->request_cpu, &c->request_memory);

	static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE_K8S(probes); i++) {
		const vakt_node *p = rd_map(r, n, probes[i], path);
		if (p)
			add_host(r, c, p, sub(r, path, probes[i]));
	}
	const vakt_node *lc = rd_map(r, n, "lifecycle", path);
	if (lc) {
		const char *lp = sub(r, path, "lifecycle");
		static const char *const hooks[] = {"postStart", "preStop"};
		for (size_t i = 0; i < 2; i++) {
			const vakt_node *h = rd_map(r, lc, hooks[i], lp);
			if (h)
				add_host(r, c, h, sub(r, lp, hooks[i]));
		}
	}
}

/* ---- volumes ----------------------------------------------------------------------------- */

static const char *const volume_sources[K8S_VOL_COUNT] = {
	[K8S_VOL_CONFIGMAP] = "configMap",
	[K8S_VOL_CSI] = "csi",
	[K8S_VOL_DOWNWARDAPI] = "downwardAPI",
	[K8S_VOL_EMPTYDIR] = "emptyDir",
	[K8S_VOL_EPHEMERAL] = "ephemeral",
	[K8S_VOL_IMAGE] = "image",
	[K8S_VOL_PVC] = "persistentVolumeClaim",
	[K8S_VOL_PROJECTED] = "projected",
	[K8S_VOL_SECRET] = "secret",
	[K8S_VOL_HOSTPATH] = "hostPath",
	[K8S_VOL_GCEPD] = "gcePersistentDisk",
	[K8S_VOL_AWSEBS] = "awsElasticBlockStore",
	[K8S_VOL_GITREPO] = "gitRepo",
	[K8S_VOL_NFS] = "nfs",
	[K8S_VOL_ISCSI] = "iscsi",
	[K8S_VOL_GLUSTERFS] = "glusterfs",
	[K8S_VOL_RBD] = "rbd",
	[K8S_VOL_FLEXVOLUME] = "flexVolume",
	[K8S_VOL_CINDER] = "cinder",
	[K8S_VOL_CEPHFS] = "cephfs",
	[K8S_VOL_FLOCKER] = "flocker",
	[K8S_VOL_FC] = "fc",
	[K8S_VOL_AZUREFILE] = "azureFile",
	[K8S_VOL_VSPHERE] = "vsphereVolume",
	[K8S_VOL_QUOBYTE] = "quobyte",
	[K8S_VOL_AZUREDISK] = "azureDisk",
	[K8S_VOL_PHOTONPD] = "photonPersistentDisk",
	[K8S_VOL_PORTWORX] = "portworxVolume",
	[K8S_VOL_SCALEIO] = "scaleIO",
	[K8S_VOL_STORAGEOS] = "storageos",
};

const char *vakt_k8s_volume_source_name(k8s_volume_source s)
{
	return (unsigned)s < K8S_VOL_COUNT ? volume_sources[s] : "unknown";
}

static void rd_volume(rd *r, const vakt_node *n, const char *path, k8s_volume *v)
{
	memset(v, 0, sizeof(*v));
	v->node = n;
	v->name = rd_str(r, n, "name", path).value;
	v->host_path.value = "";
	for (unsigned s = 0; s < K8S_VOL_COUNT; s++) {
		const vakt_node *src = vakt_node_get(n, volume_sources[s]);
		if (!src)
			continue;
		if (src->type != VAKT_NODE_MAP) {
			type_error(r, src, path, volume_sources[s], "a mapping");
			return;
		}
		v->sources |= (uint64_t)1 << s;
		if (s == K8S_VOL_HOSTPATH)
			v->host_path = rd_str(r, src, "path", sub(r, path, "hostPath"));
	}
}

/* ---- objects ------------------------------------------------------------------------------ */

static const char *scalar_or_null(const vakt_node *n)
{
	return n && n->type == VAKT_NODE_SCALAR && !vakt_node_is_null(n) ? n->scalar.str : NULL;
}

bool vakt_k8s_object(const vakt_node *root, k8s_object *ret)
{
	if (!root || root->type != VAKT_NODE_MAP)
		return false;
	const char *api = scalar_or_null(vakt_node_get(root, "apiVersion"));
	const char *kind = scalar_or_null(vakt_node_get(root, "kind"));
	if (!api || !kind || !*api || !*kind)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->api_version = api;
	ret->kind = kind;
	ret->node = root;
	const vakt_node *md = vakt_node_get(root, "metadata");
	if (md && md->type == VAKT_NODE_MAP) {
		ret->metadata = md;
		ret->name = scalar_or_null(vakt_node_get(md, "name"));
		if (!ret->name)
			ret->name = scalar_or_null(vakt_node_get(md, "generateName"));
		ret->ns = scalar_or_null(vakt_node_get(md, "namespace"));
		const vakt_node *a = vakt_node_get(md, "annotations");
		ret->annotations = a && a->type == VAKT_NODE_MAP ? a : NULL;
		const vakt_node *l = vakt_node_get(md, "labels");
		ret->labels = l && l->type == VAKT_NODE_MAP ? l : NULL;
	}
	return true;
}

/* The API group of apiVersion ("" for "v1", "apps" for "apps/v1"). */
static bool group_is(const char *api_version, const char *group)
{
	const char *slash = strchr(api_version, '/');
	if (!slash)
		return group[0] == '\0';
	return strlen(group) == (size_t)(slash - api_version) &&
	       strncmp(api_version, group, (size_t)(slash - api_version)) == 0;
}

typedef enum shape { SHAPE_NONE, SHAPE_POD, SHAPE_TEMPLATE, SHAPE_SPEC_TEMPLATE, SHAPE_CRONJOB } shape;

static shape workload_shape(const char *api_version, const char *kind)
{
	static const struct {
		const char *kind;
		const char *groups[2];
		shape s;
	} kinds[] = {
		{"Pod", {"", NULL}, SHAPE_POD},
		{"PodTemplate", {"", NULL}, SHAPE_TEMPLATE},
		{"ReplicationController", {"", NULL}, SHAPE_SPEC_TEMPLATE},
		{"Deployment", {"apps", "extensions"}, SHAPE_SPEC_TEMPLATE},
		{"StatefulSet", {"apps", NULL}, SHAPE_SPEC_TEMPLATE},
		{"DaemonSet", {"apps", "extensions"}, SHAPE_SPEC_TEMPLATE},
		{"ReplicaSet", {"apps", "extensions"}, SHAPE_SPEC_TEMPLATE},
		{"Job", {"batch", NULL}, SHAPE_SPEC_TEMPLATE},
		{"CronJob", {"batch", NULL}, SHAPE_CRONJOB},
	};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE_K8S(kinds); i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		for (size_t g = 0; g < 2 && kinds[i].groups[g]; g++)
			if (!api_version || group_is(api_version, kinds[i].groups[g]))
				return kinds[i].s;
	}
	return SHAPE_NONE;
}

bool vakt_k8s_is_workload(const char *api_version, const char *kind)
{
	return workload_shape(api_version, kind) != SHAPE_NONE;
}

static void rd_containers(rd *r, const vakt_node *spec, const char *path, k8s_pod *pod)
{
	static const struct {
		const char *key;
		k8s_container_kind kind;
	} lists[] = {
		{"initContainers", K8S_INIT_CONTAINER},
		{"containers", K8S_CONTAINER},
		{"ephemeralContainers", K8S_EPHEMERAL_CONTAINER},
	};
	const vakt_node *seqs[3];
	size_t total = 0;
	for (size_t l = 0; l < 3; l++) {
		seqs[l] = rd_seq(r, spec, lists[l].key, path);
		total += seqs[l] ? seqs[l]->seq.n : 0;
	}
	pod->containers = vakt_arena_calloc(r->arena, total + 1, sizeof(k8s_container));
	for (size_t l = 0; l < 3 && !r->failed; l++) {
		if (!seqs[l])
			continue;
		for (size_t i = 0; i < seqs[l]->seq.n && !r->failed; i++) {
			const vakt_node *c = seqs[l]->seq.items[i];
			const char *cp = vakt_arena_printf(r->arena, "%s.%s[%zu]", path, lists[l].key, i);
			if (c->type != VAKT_NODE_MAP) {
				type_error(r, c, cp, NULL, "a mapping");
				break;
			}
			rd_container(r, c, cp, lists[l].kind, &pod->containers[pod->n_containers++]);
		}
	}
}

int vakt_k8s_pod_read(const k8s_object *obj, const char *file, vakt_arena *arena, k8s_pod *ret,
		      vakt_error **err)
{
	rd r = {.file = file, .arena = arena, .err = err};
	k8s_pod *pod = ret;
	memset(pod, 0, sizeof(*pod));
	pod->kind = obj->kind;
	pod->ns = obj->ns;
	pod->name = obj->name;
	pod->object = obj->node;
	pod->annotations = obj->annotations;
	pod->os_name.value = "";

	const vakt_node *meta = obj->metadata, *spec = NULL;
	const char *path = "spec";
	const vakt_node *tmpl = NULL;
	switch (workload_shape(obj->api_version, obj->kind)) {
	case SHAPE_POD:
		spec = rd_map(&r, obj->node, "spec", "");
		path = "spec";
		break;
	case SHAPE_TEMPLATE:
		tmpl = rd_map(&r, obj->node, "template", "");
		path = "template.spec";
		break;
	case SHAPE_SPEC_TEMPLATE: {
		const vakt_node *s = rd_map(&r, obj->node, "spec", "");
		tmpl = rd_map(&r, s, "template", "spec");
		path = "spec.template.spec";
		break;
	}
	case SHAPE_CRONJOB: {
		const vakt_node *s = rd_map(&r, obj->node, "spec", "");
		const vakt_node *jt = rd_map(&r, s, "jobTemplate", "spec");
		const vakt_node *js = rd_map(&r, jt, "spec", "spec.jobTemplate");
		tmpl = rd_map(&r, js, "template", "spec.jobTemplate.spec");
		path = "spec.jobTemplate.spec.template.spec";
		break;
	}
	case SHAPE_NONE:
	default:
		return vakt_error_set_at(err, VAKT_E_INVALID, file, obj->node->line, obj->node->col,
					 "%s is not a workload kind", obj->kind);
	}
	if (tmpl) {
		char *tpath = xstrndup(path, strlen(path) - strlen(".spec"));
		meta = rd_map(&r, tmpl, "metadata", tpath);
		spec = rd_map(&r, tmpl, "spec", tpath);
		free(tpath);
	}
	if (meta && !r.failed) {
		const vakt_node *a = vakt_node_get(meta, "annotations");
		if (a && a->type != VAKT_NODE_MAP)
			type_error(&r, a, "metadata", "annotations", "a mapping");
		else
			pod->pod_annotations = a;
	}
	pod->spec = spec;
	pod->spec_path = path;
	pod->containers = NULL;
	if (spec && !r.failed) {
		pod->host_network = rd_bool(&r, spec, "hostNetwork", path);
		pod->host_pid = rd_bool(&r, spec, "hostPID", path);
		pod->host_ipc = rd_bool(&r, spec, "hostIPC", path);
		pod->host_users = rd_bool(&r, spec, "hostUsers", path);
		pod->automount_sa_token = rd_bool(&r, spec, "automountServiceAccountToken", path);
		const vakt_node *os = rd_map(&r, spec, "os", path);
		if (os)
			pod->os_name = rd_str(&r, os, "name", vakt_arena_printf(arena, "%s.os", path));
		rd_pod_sc(&r, spec, path, &pod->sc);
		bool req_cpu, req_memory;
		rd_resources(&r, spec, path, &pod->limit_cpu, &pod->limit_memory, &req_cpu, &req_memory);
		rd_containers(&r, spec, path, pod);
		const vakt_node *vols = rd_seq(&r, spec, "volumes", path);
		if (vols) {
			pod->volumes = vakt_arena_calloc(arena, vols->seq.n + 1, sizeof(k8s_volume));
			for (size_t i = 0; i < vols->seq.n && !r.failed; i++) {
				const vakt_node *v = vols->seq.items[i];
				const char *vp = vakt_arena_printf(arena, "%s.volumes[%zu]", path, i);
				if (v->type != VAKT_NODE_MAP) {
					type_error(&r, v, vp, NULL, "a mapping");
					break;
				}
				rd_volume(&r, v, vp, &pod->volumes[pod->n_volumes++]);
			}
		}
	} else {
		rd_pod_sc(&r, NULL, path, &pod->sc);
	}
	if (!pod->containers)
		pod->containers = vakt_arena_calloc(arena, 1, sizeof(k8s_container));
	return r.failed ? VAKT_E_INVALID : 0;
}

const char *vakt_k8s_annotation(const vakt_node *annotations, const char *key)
{
	return scalar_or_null(vakt_node_get(annotations, key));
}

const char *vakt_k8s_label(const vakt_node *labels, const char *key)
{
	return scalar_or_null(vakt_node_get(labels, key));
}
