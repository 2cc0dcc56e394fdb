/* k8s_rules.c - Kubernetes hardening rules (K8S-*), one function per rules.def entry.
 *
 * Each function receives one workload's pod and emits findings with lint_emit(). Pod
 * level securityContext fields are inherited by containers and overridden by the
 * container's own, exactly as the kubelet resolves them (eff_* below). Rules about
 * Linux-only fields skip Windows pods (spec.os.name: windows), where they do not apply;
 * the rules about running as root or with a low UID or GID skip pods in a user namespace
 * (hostUsers: false), whose IDs map to unprivileged ones on the node.
 */
#include "core/buf.h"
#include "core/xalloc.h"
#include "lint/lint_internal.h"
#include "lint/lint_util.h"
#include "lint/pss.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------------- */

#define FOR_EACH_CONTAINER(pod, ct)                                                               \
	for (const k8s_container *ct = (pod)->containers; ct < (pod)->containers + (pod)->n_containers; ct++)

static bool is_windows(const k8s_pod *pod)
{
	return pod->os_name.set && strcmp(pod->os_name.value, "windows") == 0;
}

/* hostUsers: false: the pod gets its own user namespace, and its root is not the node's. */
static bool in_user_namespace(const k8s_pod *pod)
{
	return pod->host_users.set && !pod->host_users.value;
}

/* "container" for regular containers, "init container", "ephemeral container" */
static const char *kind_word(const k8s_container *ct)
{
	switch (ct->kind) {
	case K8S_INIT_CONTAINER: return "init container";
	case K8S_EPHEMERAL_CONTAINER: return "ephemeral container";
	case K8S_CONTAINER:
	default: return "container";
	}
}

/* The effective value of a field present on both levels: the container's if set. */
static const k8s_bool *eff_bool(const k8s_bool *pod, const k8s_bool *ct, bool *from_pod)
{
	*from_pod = !ct->set && pod->set;
	return ct->set ? ct : pod;
}

static const k8s_int *eff_int(const k8s_int *pod, const k8s_int *ct, bool *from_pod)
{
	*from_pod = !ct->set && pod->set;
	return ct->set ? ct : pod;
}

static const k8s_profile *eff_profile(const k8s_profile *pod, const k8s_profile *ct, bool *from_pod)
{
	*from_pod = !ct->set && pod->set;
	return ct->set ? ct : pod;
}

static const char *where(bool from_pod)
{
	return from_pod ? " (set on the pod)" : "";
}

/* Position for a finding about a missing container field. */
static const vakt_node *ct_at(const k8s_container *ct)
{
	return ct->sc.c.set ? ct->sc.c.node : ct->node;
}

/* ---- identity and privilege -------------------------------------------------------------- */

void check_readonly_rootfs(lint_ctx *ctx)
{
	if (is_windows(ctx->pod))
		return;
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		const k8s_bool *ro = &ct->sc.read_only_root_fs;
		if (ro->set && ro->value)
			continue;
		if (ro->set)
			lint_emit(ctx, R_K8S_001, ro->node, ct,
				  "%s \"%s\" sets securityContext.readOnlyRootFilesystem: false",
				  kind_word(ct), ct->name);
		else
			lint_emit(ctx, R_K8S_001, ct_at(ct), ct,
				  "%s \"%s\" does not set securityContext.readOnlyRootFilesystem: true",
				  kind_word(ct), ct->name);
	}
}

void check_run_as_non_root(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (in_user_namespace(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_bool *rn = eff_bool(&pod->sc.c.run_as_non_root, &ct->sc.c.run_as_non_root, &from_pod);
		if (rn->set && rn->value)
			continue;
		if (rn->set) {
			lint_emit(ctx, R_K8S_002, rn->node, ct, "%s \"%s\" sets runAsNonRoot: false%s",
				  kind_word(ct), ct->name, where(from_pod));
			continue;
		}
		bool uid_from_pod;
		const k8s_int *uid = eff_int(&pod->sc.c.run_as_user, &ct->sc.c.run_as_user, &uid_from_pod);
		if (uid->set && uid->value > 0)
			lint_emit(ctx, R_K8S_002, ct_at(ct), ct,
				  "%s \"%s\" runs as UID %" PRId64 "%s but does not set runAsNonRoot: "
				  "true, the setting that makes the kubelet refuse UID 0",
				  kind_word(ct), ct->name, uid->value, where(uid_from_pod));
		else
			lint_emit(ctx, R_K8S_002, ct_at(ct), ct,
				  "%s \"%s\" may run as root: runAsNonRoot is set neither on the "
				  "container nor on the pod",
				  kind_word(ct), ct->name);
	}
}

void check_run_as_root_uid(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod) || in_user_namespace(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_int *uid = eff_int(&pod->sc.c.run_as_user, &ct->sc.c.run_as_user, &from_pod);
		if (uid->set && uid->value == 0)
			lint_emit(ctx, R_K8S_003, uid->node, ct, "%s \"%s\" runs as root: runAsUser: 0%s",
				  kind_word(ct), ct->name, where(from_pod));
	}
}

void check_root_group(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_int *gid = eff_int(&pod->sc.c.run_as_group, &ct->sc.c.run_as_group, &from_pod);
		if (gid->set && gid->value == 0)
			lint_emit(ctx, R_K8S_004, gid->node, ct,
				  "%s \"%s\" runs with the root group: runAsGroup: 0%s", kind_word(ct),
				  ct->name, where(from_pod));
	}
	if (pod->sc.fs_group.set && pod->sc.fs_group.value == 0)
		lint_emit(ctx, R_K8S_004, pod->sc.fs_group.node, NULL,
			  "pod sets fsGroup: 0: volumes are owned by the root group");
	for (size_t i = 0; i < pod->sc.n_supplemental; i++)
		if (pod->sc.supplemental[i] == 0)
			lint_emit(ctx, R_K8S_004, pod->sc.supplemental_nodes[i], NULL,
				  "pod adds the root group (0) to supplementalGroups");
}

void check_privilege_escalation(lint_ctx *ctx)
{
	if (is_windows(ctx->pod))
		return;
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		const k8s_bool *ape = &ct->sc.allow_privilege_escalation;
		if (ape->set && !ape->value)
			continue;
		if (ape->set)
			lint_emit(ctx, R_K8S_005, ape->node, ct,
				  "%s \"%s\" sets allowPrivilegeEscalation: true", kind_word(ct), ct->name);
		else
			lint_emit(ctx, R_K8S_005, ct_at(ct), ct,
				  "%s \"%s\" does not set allowPrivilegeEscalation: false", kind_word(ct),
				  ct->name);
	}
}

void check_drop_all(lint_ctx *ctx)
{
	if (is_windows(ctx->pod))
		return;
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		/* runtimes compare "ALL" case-insensitively (Pod Security does not), but do not
		 * strip a CAP_ prefix from it: containerd turns "CAP_ALL" into the unknown
		 * capability CAP_CAP_ALL and drops nothing */
		bool all = false;
		for (size_t i = 0; i < ct->sc.cap_drop.n; i++)
			all |= strcasecmp(ct->sc.cap_drop.items[i], "ALL") == 0;
		if (all)
			continue;
		if (ct->sc.cap_drop.n)
			lint_emit(ctx, R_K8S_006, ct->sc.cap_drop.node, ct,
				  "%s \"%s\" drops some capabilities but not ALL", kind_word(ct), ct->name);
		else
			lint_emit(ctx, R_K8S_006, ct->sc.caps_set ? ct->sc.caps_node : ct_at(ct), ct,
				  "%s \"%s\" keeps the runtime's default capabilities: "
				  "capabilities.drop does not include ALL",
				  kind_word(ct), ct->name);
	}
}

void check_dangerous_caps(lint_ctx *ctx)
{
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		vakt_buf list = VAKT_BUF_INIT(4096);
		const vakt_node *first = NULL;
		for (size_t i = 0; i < ct->sc.cap_add.n; i++) {
			char c[64];
			lint_cap_norm(ct->sc.cap_add.items[i], c, sizeof(c));
			if (!lint_cap_dangerous(c))
				continue;
			vakt_buf_printf(&list, "%s%s", list.len ? ", " : "", c);
			if (!first)
				first = ct->sc.cap_add.nodes[i];
		}
		if (first)
			lint_emit(ctx, R_K8S_007, first, ct, "%s \"%s\" adds capabilities %s",
				  kind_word(ct), ct->name, vakt_buf_str(&list));
		vakt_buf_free(&list);
	}
}

void check_privileged(lint_ctx *ctx)
{
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		if (ct->sc.privileged.set && ct->sc.privileged.value)
			lint_emit(ctx, R_K8S_008, ct->sc.privileged.node, ct,
				  "%s \"%s\" sets privileged: true", kind_word(ct), ct->name);
	}
}

/* ---- host namespaces and host resources ------------------------------------------------------ */

void check_host_network(lint_ctx *ctx)
{
	if (ctx->pod->host_network.value)
		lint_emit(ctx, R_K8S_009, ctx->pod->host_network.node, NULL, "pod sets hostNetwork: true");
}

void check_host_pid(lint_ctx *ctx)
{
	if (ctx->pod->host_pid.value)
		lint_emit(ctx, R_K8S_010, ctx->pod->host_pid.node, NULL, "pod sets hostPID: true");
}

void check_host_ipc(lint_ctx *ctx)
{
	if (ctx->pod->host_ipc.value)
		lint_emit(ctx, R_K8S_011, ctx->pod->host_ipc.node, NULL, "pod sets hostIPC: true");
}

/* The hostPath volume a mount refers to, or NULL (not found, or another volume type). */
static const k8s_volume *hostpath_volume(const k8s_pod *pod, const k8s_mount *mt)
{
	for (size_t i = 0; i < pod->n_volumes; i++) {
		const k8s_volume *v = &pod->volumes[i];
		if (strcmp(v->name, mt->name) == 0)
			return v->sources & (1ull << K8S_VOL_HOSTPATH) ? v : NULL;
	}
	return NULL;
}


/* A mount that reaches a runtime socket through its subPath: /var/run mounted with
 * subPath docker.sock. (A volume that is a socket itself is reported once, as a volume.) */
static void check_socket_sub_path(lint_ctx *ctx, const k8s_container *ct, const k8s_mount *mt)
{
	const k8s_volume *v = hostpath_volume(ctx->pod, mt);
	const char *sub = mt->sub_path;
	if (!v || !sub[0] || lint_is_runtime_endpoint(lint_clean_path(ctx->arena, v->host_path.value)))
		return;
	const char *p = vakt_arena_printf(ctx->arena, "%s/%s", v->host_path.value, sub);
	p = lint_clean_path(ctx->arena, p);
	if (lint_is_runtime_endpoint(p))
		lint_emit(ctx, R_K8S_012, mt->node, ct,
			  "%s \"%s\" mounts the container runtime socket %s from the host "
			  "(volume \"%s\", subPath %s)",
			  kind_word(ct), ct->name, p, v->name, sub);
}

void check_runtime_socket(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	for (size_t i = 0; i < pod->n_volumes; i++) {
		const k8s_volume *v = &pod->volumes[i];
		if (!(v->sources & (1ull << K8S_VOL_HOSTPATH)))
			continue;
		if (lint_is_runtime_endpoint(lint_clean_path(ctx->arena, v->host_path.value)))
			lint_emit(ctx, R_K8S_012, v->host_path.node ? v->host_path.node : v->node, NULL,
				  "volume \"%s\" mounts the container runtime socket %s from the host",
				  v->name, v->host_path.value);
	}
	FOR_EACH_CONTAINER(pod, ct) {
		for (size_t m = 0; m < ct->n_mounts; m++)
			check_socket_sub_path(ctx, ct, &ct->mounts[m]);
	}
}

void check_sensitive_host_path(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	for (size_t i = 0; i < pod->n_volumes; i++) {
		const k8s_volume *v = &pod->volumes[i];
		if (!(v->sources & (1ull << K8S_VOL_HOSTPATH)))
			continue;
		const char *p = lint_clean_path(ctx->arena, v->host_path.value);
		if (lint_is_runtime_endpoint(p))
			continue; /* K8S-012 */
		bool contains;
		const char *dir = lint_sensitive_dir(p, &contains);
		const vakt_node *at = v->host_path.node ? v->host_path.node : v->node;
		if (dir && contains)
			lint_emit(ctx, R_K8S_013, at, NULL,
				  "volume \"%s\" mounts the host path %s, which contains the sensitive %s",
				  v->name, v->host_path.value, dir);
		else if (dir)
			lint_emit(ctx, R_K8S_013, at, NULL, "volume \"%s\" mounts the sensitive host path %s",
				  v->name, v->host_path.value);
	}
}

void check_writable_host_path(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	FOR_EACH_CONTAINER(pod, ct) {
		for (size_t m = 0; m < ct->n_mounts; m++) {
			const k8s_mount *mt = &ct->mounts[m];
			const k8s_volume *v = hostpath_volume(pod, mt);
			if (v && !mt->read_only)
				lint_emit(ctx, R_K8S_014, mt->node, ct,
					  "%s \"%s\" mounts hostPath volume \"%s\" (%s) writable at %s",
					  kind_word(ct), ct->name, v->name, v->host_path.value,
					  mt->mount_path);
		}
	}
}

void check_host_port(lint_ctx *ctx)
{
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		for (size_t i = 0; i < ct->n_ports; i++)
			if (ct->ports[i].host_port != 0)
				lint_emit(ctx, R_K8S_015, ct->ports[i].host_port_node, ct,
					  "%s \"%s\" binds hostPort %" PRId64, kind_word(ct), ct->name,
					  ct->ports[i].host_port);
	}
}

/* ---- confinement ----------------------------------------------------------------------------- */

void check_seccomp_unconfined(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_profile *sp = eff_profile(&pod->sc.c.seccomp, &ct->sc.c.seccomp, &from_pod);
		if (sp->set && strcmp(sp->type.value, "Unconfined") == 0)
			lint_emit(ctx, R_K8S_016, sp->node, ct,
				  "%s \"%s\" runs with seccomp profile Unconfined%s", kind_word(ct),
				  ct->name, where(from_pod));
	}
}

void check_seccomp_unset(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_profile *sp = eff_profile(&pod->sc.c.seccomp, &ct->sc.c.seccomp, &from_pod);
		if (!sp->set || !sp->type.set)
			lint_emit(ctx, R_K8S_017, sp->set ? sp->node : ct_at(ct), ct,
				  "%s \"%s\" has no seccomp profile: seccompProfile.type is set neither "
				  "on the container nor on the pod",
				  kind_word(ct), ct->name);
	}
}

void check_apparmor_unconfined(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_profile *ap = eff_profile(&pod->sc.c.apparmor, &ct->sc.c.apparmor, &from_pod);
		if (ap->set && strcmp(ap->type.value, "Unconfined") == 0) {
			lint_emit(ctx, R_K8S_018, ap->node, ct,
				  "%s \"%s\" runs with AppArmor profile Unconfined%s", kind_word(ct),
				  ct->name, where(from_pod));
			continue;
		}
		char key[320];
		snprintf(key, sizeof(key), "container.apparmor.security.beta.kubernetes.io/%s", ct->name);
		vakt_node *k = NULL;
		const vakt_node *v = vakt_node_get_pair(pod->pod_annotations, key, &k);
		if (!ap->set && v && v->type == VAKT_NODE_SCALAR && strcmp(v->scalar.str, "unconfined") == 0)
			lint_emit(ctx, R_K8S_018, v, ct,
				  "%s \"%s\" runs with AppArmor profile unconfined (annotation %s)",
				  kind_word(ct), ct->name, key);
	}
}

void check_sa_token(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (pod->automount_sa_token.set && !pod->automount_sa_token.value)
		return;
	if (pod->automount_sa_token.set)
		lint_emit(ctx, R_K8S_019, pod->automount_sa_token.node, NULL,
			  "pod sets automountServiceAccountToken: true");
	else
		lint_emit(ctx, R_K8S_019, pod->spec ? pod->spec : pod->object, NULL,
			  "pod does not set automountServiceAccountToken: false, so every container "
			  "gets an API token");
}

/* ---- resources ------------------------------------------------------------------------------ */


void check_memory_limit(lint_ctx *ctx)
{
	/* a pod-level limit caps all containers together: none can take the whole node */
	if (ctx->pod->limit_memory)
		return;
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		if (ct->kind != K8S_EPHEMERAL_CONTAINER && !ct->limit_memory)
			lint_emit(ctx, R_K8S_020, ct->resources_node ? ct->resources_node : ct->node, ct,
				  "%s \"%s\" has no memory limit (resources.limits.memory)",
				  kind_word(ct), ct->name);
	}
}

void check_cpu_limit(lint_ctx *ctx)
{
	if (ctx->pod->limit_cpu)
		return;
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		if (ct->kind != K8S_EPHEMERAL_CONTAINER && !ct->limit_cpu)
			lint_emit(ctx, R_K8S_021, ct->resources_node ? ct->resources_node : ct->node, ct,
				  "%s \"%s\" has no CPU limit (resources.limits.cpu)", kind_word(ct),
				  ct->name);
	}
}

/* ---- images ---------------------------------------------------------------------------------- */

void check_image_tag(lint_ctx *ctx)
{
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		if (!ct->image.set || !ct->image.value[0])
			continue;
		lint_image_ref ref;
		lint_image_ref_parse(ct->image.value, &ref);
		if (ref.digest)
			continue;
		if (ref.tag_len == 0)
			lint_emit(ctx, R_K8S_022, ct->image.node, ct,
				  "%s \"%s\" uses image \"%s\" without a tag, which means :latest",
				  kind_word(ct), ct->name, ct->image.value);
		else if (ref.tag_len == 6 && strncmp(ref.tag, "latest", 6) == 0)
			lint_emit(ctx, R_K8S_022, ct->image.node, ct, "%s \"%s\" uses image \"%s\"",
				  kind_word(ct), ct->name, ct->image.value);
	}
}

void check_image_digest(lint_ctx *ctx)
{
	FOR_EACH_CONTAINER(ctx->pod, ct) {
		if (!ct->image.set || !ct->image.value[0])
			continue;
		lint_image_ref ref;
		lint_image_ref_parse(ct->image.value, &ref);
		if (!ref.digest)
			lint_emit(ctx, R_K8S_023, ct->image.node, ct,
				  "%s \"%s\" image \"%s\" is not pinned by digest", kind_word(ct),
				  ct->name, ct->image.value);
	}
}

void check_low_uid(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod) || in_user_namespace(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_int *uid = eff_int(&pod->sc.c.run_as_user, &ct->sc.c.run_as_user, &from_pod);
		if (uid->set && uid->value > 0 && uid->value < ctx->cfg->low_id)
			lint_emit(ctx, R_K8S_024, uid->node, ct,
				  "%s \"%s\" runs as UID %" PRId64 "%s, below %" PRId64, kind_word(ct),
				  ct->name, uid->value, where(from_pod), ctx->cfg->low_id);
	}
}

void check_low_gid(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (is_windows(pod) || in_user_namespace(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_int *gid = eff_int(&pod->sc.c.run_as_group, &ct->sc.c.run_as_group, &from_pod);
		if (gid->set && gid->value > 0 && gid->value < ctx->cfg->low_id)
			lint_emit(ctx, R_K8S_025, gid->node, ct,
				  "%s \"%s\" runs as GID %" PRId64 "%s, below %" PRId64, kind_word(ct),
				  ct->name, gid->value, where(from_pod), ctx->cfg->low_id);
	}
}

/* ---- kernel interfaces -------------------------------------------------------------------------- */

void check_proc_mount(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	/* unmasking /proc is safe inside a user namespace */
	if (in_user_namespace(pod))
		return;
	FOR_EACH_CONTAINER(pod, ct) {
		const k8s_str *pm = &ct->sc.proc_mount;
		if (pm->set && strcmp(pm->value, "Default") != 0)
			lint_emit(ctx, R_K8S_026, pm->node, ct, "%s \"%s\" sets procMount: %s",
				  kind_word(ct), ct->name, pm->value);
	}
}

/* A sysctl name as the kubelet matches it against its safe set (utilsysctl.NormalizeName):
 * when the first separator is '/', '.' and '/' swap, so "net/ipv4/ip_local_port_range" is
 * "net.ipv4.ip_local_port_range". (Pod Security compares names as written.) */
static const char *sysctl_name(vakt_arena *a, const char *name)
{
	const char *sep = strpbrk(name, "./");
	if (!sep || *sep == '.')
		return name;
	char *out = vakt_arena_strdup(a, name);
	for (char *p = out; *p; p++)
		*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	return out;
}

void check_unsafe_sysctls(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	for (size_t i = 0; i < pod->sc.n_sysctls; i++) {
		const char *name = pod->sc.sysctls[i].name;
		if (!vakt_pss_sysctl_allowed(sysctl_name(ctx->arena, name), VAKT_PSS_MAX_MINOR))
			lint_emit(ctx, R_K8S_027, pod->sc.sysctls[i].node, NULL,
				  "pod sets sysctl %s, which is not in the safe set", name);
	}
}

static bool selinux_custom(const k8s_selinux *se)
{
	const char *t = se->type.value;
	return se->set && (se->user.value[0] || se->role.value[0] ||
			   !(t[0] == '\0' || strcmp(t, "container_t") == 0 ||
			     strcmp(t, "container_init_t") == 0 || strcmp(t, "container_kvm_t") == 0 ||
			     strcmp(t, "container_engine_t") == 0));
}

/* "user \"system_u\", type \"spc_t\"": the fields of se that are set, for messages. */
static const char *selinux_desc(vakt_arena *a, const k8s_selinux *se)
{
	const struct {
		const char *what;
		const char *value;
	} f[] = {{"user", se->user.value}, {"role", se->role.value}, {"type", se->type.value}};
	vakt_buf b = VAKT_BUF_INIT(4096);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].value[0])
			vakt_buf_printf(&b, "%s%s \"%s\"", b.len ? ", " : "", f[i].what, f[i].value);
	const char *out = vakt_arena_strdup(a, vakt_buf_str(&b));
	vakt_buf_free(&b);
	return out;
}

void check_selinux(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	if (selinux_custom(&pod->sc.c.selinux))
		lint_emit(ctx, R_K8S_028, pod->sc.c.selinux.node, NULL,
			  "pod sets custom seLinuxOptions (%s)",
			  selinux_desc(ctx->arena, &pod->sc.c.selinux));
	FOR_EACH_CONTAINER(pod, ct) {
		const k8s_selinux *se = &ct->sc.c.selinux;
		if (selinux_custom(se))
			lint_emit(ctx, R_K8S_028, se->node, ct, "%s \"%s\" sets custom seLinuxOptions (%s)",
				  kind_word(ct), ct->name, selinux_desc(ctx->arena, se));
	}
}

void check_host_process(lint_ctx *ctx)
{
	const k8s_pod *pod = ctx->pod;
	FOR_EACH_CONTAINER(pod, ct) {
		bool from_pod;
		const k8s_bool *hp = eff_bool(&pod->sc.c.windows_host_process,
					      &ct->sc.c.windows_host_process, &from_pod);
		if (hp->set && hp->value)
			lint_emit(ctx, R_K8S_029, hp->node, ct,
				  "%s \"%s\" runs as a Windows HostProcess container%s", kind_word(ct),
				  ct->name, where(from_pod));
	}
}
