/* k8s.h - the part of a Kubernetes workload that security checks read, typed.
 *
 * vakt_k8s_pod_read() turns a workload object's document tree into this model with
 * the decoding rules Kubernetes applies (sigs.k8s.io/yaml): absent and null are both
 * "unset" (Go nil), `{}` is set, plain scalars resolve as YAML 1.1 (`yes` is true).
 * A field of the wrong type is an error naming file:line:col and the field path, as
 * the API server would reject the object: the model is never guessed.
 *
 * Every value keeps its node, so findings point at the line that set it.
 * Everything is allocated in the document's arena and dies with it.
 */
#ifndef VAKT_LINT_K8S_H
#define VAKT_LINT_K8S_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/error.h"

/* A *bool, *int64 or string field: set == false means nil (absent or null). */
typedef struct k8s_bool {
	bool set;
	bool value;
	const vakt_node *node;
} k8s_bool;

typedef struct k8s_int {
	bool set;
	int64_t value;
	const vakt_node *node;
} k8s_int;

typedef struct k8s_str {
	bool set;
	const char *value; /* "" when unset, as Go's zero value */
	const vakt_node *node;
} k8s_str;

typedef struct k8s_strlist {
	bool set;
	size_t n;
	const char **items;
	const vakt_node **nodes;
	const vakt_node *node;
} k8s_strlist;

/* seccompProfile and appArmorProfile: {type, localhostProfile} */
typedef struct k8s_profile {
	bool set;
	k8s_str type;
	k8s_str localhost;
	const vakt_node *node;
} k8s_profile;

typedef struct k8s_selinux {
	bool set;
	k8s_str user, role, type, level;
	const vakt_node *node;
} k8s_selinux;

/* Fields shared by PodSecurityContext and SecurityContext. */
typedef struct k8s_sc_common {
	bool set;
	const vakt_node *node;
	k8s_bool run_as_non_root;
	k8s_int run_as_user;
	k8s_int run_as_group;
	k8s_profile seccomp;
	k8s_profile apparmor;
	k8s_selinux selinux;
	k8s_bool windows_host_process;
} k8s_sc_common;

typedef struct k8s_sysctl {
	const char *name;
	const vakt_node *node;
} k8s_sysctl;

typedef struct k8s_pod_sc {
	k8s_sc_common c;
	k8s_int fs_group;
	size_t n_supplemental;
	int64_t *supplemental;
	const vakt_node **supplemental_nodes;
	size_t n_sysctls;
	k8s_sysctl *sysctls;
} k8s_pod_sc;

typedef struct k8s_container_sc {
	k8s_sc_common c;
	k8s_bool privileged;
	k8s_bool allow_privilege_escalation;
	k8s_bool read_only_root_fs;
	k8s_str proc_mount;
	bool caps_set;
	const vakt_node *caps_node;
	k8s_strlist cap_add;
	k8s_strlist cap_drop;
} k8s_container_sc;

typedef enum k8s_container_kind {
	K8S_INIT_CONTAINER,
	K8S_CONTAINER,
	K8S_EPHEMERAL_CONTAINER,
} k8s_container_kind;

typedef struct k8s_port {
	int64_t container_port;
	int64_t host_port; /* 0 when unset */
	const vakt_node *node;
	const vakt_node *host_port_node;
} k8s_port;

typedef struct k8s_mount {
	const char *name;
	const char *mount_path;
	const char *sub_path; /* "" when the whole volume is mounted */
	bool read_only;
	const vakt_node *node;
} k8s_mount;

/* A host named by a probe or lifecycle handler (httpGet.host, tcpSocket.host). */
typedef struct k8s_handler_host {
	const char *host;
	const vakt_node *node;
} k8s_handler_host;

typedef struct k8s_container {
	k8s_container_kind kind;
	const char *name; /* "" when absent */
	const vakt_node *node;
	k8s_str image;
	k8s_container_sc sc;
	size_t n_ports;
	k8s_port *ports;
	size_t n_mounts;
	k8s_mount *mounts;
	/* resources.limits / resources.requests */
	const vakt_node *resources_node;
	bool limit_cpu, limit_memory, request_cpu, request_memory;
	size_t n_hosts; /* non-empty probe/lifecycle hosts, in upstream visit order */
	k8s_handler_host *hosts;
} k8s_container;

/* Volume sources Pod Security distinguishes, as a bitmask over k8s_volume_source. */
typedef enum k8s_volume_source {
	K8S_VOL_CONFIGMAP, K8S_VOL_CSI, K8S_VOL_DOWNWARDAPI, K8S_VOL_EMPTYDIR, K8S_VOL_EPHEMERAL,
	K8S_VOL_IMAGE, K8S_VOL_PVC, K8S_VOL_PROJECTED, K8S_VOL_SECRET,
	/* restricted sources, in the order upstream names the first one found */
	K8S_VOL_HOSTPATH, K8S_VOL_GCEPD, K8S_VOL_AWSEBS, K8S_VOL_GITREPO, K8S_VOL_NFS, K8S_VOL_ISCSI,
	K8S_VOL_GLUSTERFS, K8S_VOL_RBD, K8S_VOL_FLEXVOLUME, K8S_VOL_CINDER, K8S_VOL_CEPHFS,
	K8S_VOL_FLOCKER, K8S_VOL_FC, K8S_VOL_AZUREFILE, K8S_VOL_VSPHERE, K8S_VOL_QUOBYTE,
	K8S_VOL_AZUREDISK, K8S_VOL_PHOTONPD, K8S_VOL_PORTWORX, K8S_VOL_SCALEIO, K8S_VOL_STORAGEOS,
	K8S_VOL_COUNT
} k8s_volume_source;

/* The JSON field name of a volume source ("hostPath", "persistentVolumeClaim", ...). */
const char *vakt_k8s_volume_source_name(k8s_volume_source s);

typedef struct k8s_volume {
	const char *name;
	const vakt_node *node;
	uint64_t sources; /* bit (1 << k8s_volume_source) for each non-null source */
	k8s_str host_path;  /* hostPath.path */
} k8s_volume;

/* A workload's pod: the object it came from and its (template) metadata and spec. */
typedef struct k8s_pod {
	const char *kind;
	const char *ns;   /* NULL when the object names none */
	const char *name; /* metadata.name, or generateName, or NULL */
	const vakt_node *object;
	const vakt_node *annotations;      /* object metadata.annotations (mapping or NULL) */
	const vakt_node *pod_annotations;  /* pod (template) metadata.annotations */
	const vakt_node *spec;             /* the PodSpec node */
	const char *spec_path;             /* "spec.template.spec" */

	k8s_bool host_network, host_pid, host_ipc;
	k8s_bool host_users;
	k8s_bool automount_sa_token;
	k8s_str os_name;
	bool limit_cpu, limit_memory; /* pod-level spec.resources.limits (Kubernetes 1.34+) */
	k8s_pod_sc sc;

	size_t n_containers; /* init, then regular, then ephemeral: upstream visit order */
	k8s_container *containers;
	size_t n_volumes;
	k8s_volume *volumes;
} k8s_pod;

/* The identity of any Kubernetes object (apiVersion + kind present). */
typedef struct k8s_object {
	const char *api_version;
	const char *kind;
	const char *ns;
	const char *name;
	const vakt_node *node;
	const vakt_node *metadata;
	const vakt_node *annotations;
	const vakt_node *labels;
} k8s_object;

/* True if root is a Kubernetes object (a mapping with string apiVersion and kind);
 * fills *ret. Documents that are not objects are not errors: callers skip them. */
bool vakt_k8s_object(const vakt_node *root, k8s_object *ret);

/* True if (apiVersion, kind) is a Pod or a built-in kind carrying a pod template; a
 * kind of another API group (a CRD named "Job") is not. api_version NULL: any group. */
bool vakt_k8s_is_workload(const char *api_version, const char *kind);

/* Read the pod of a workload object. Returns 0 and fills *ret (arena-allocated parts),
 * or a negative code with *err (file:line:col, field path) if a field has the wrong
 * type. A workload without a pod spec yields a pod with no containers. */
int vakt_k8s_pod_read(const k8s_object *obj, const char *file, vakt_arena *arena, k8s_pod *ret,
		      vakt_error **err);

/* An annotation value (string) by key from a metadata.annotations mapping, or NULL. */
const char *vakt_k8s_annotation(const vakt_node *annotations, const char *key);

/* Label value by key, or NULL. */
const char *vakt_k8s_label(const vakt_node *labels, const char *key);

#endif
