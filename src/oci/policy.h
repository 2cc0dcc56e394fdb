/* policy.h - vakt's policy for OCI containers: rules applied to a config.json.
 *
 * `vakt oci create` (runc's command-line protocol) hands every bundle's config.json to
 * vakt_oci_policy_apply before anything runs. The policy either tightens the config in
 * place (mode tighten, the default) or refuses the container (mode deny); either way it
 * returns the list of what it did, so the runtime can log it and `vakt oci` can show it.
 *
 * Rules, in the order they are evaluated (each name is the policy-file key that governs
 * it, and the `rule` of the actions it produces):
 *
 *   privileged      deny: a privileged-equivalent config is refused in both modes. It is
 *                   one whose process.capabilities.bounding holds every capability of
 *                   Linux 3.16 (CAP_CHOWN .. CAP_AUDIT_READ, the set every engine grants
 *                   for "privileged"; CAP_SYS_ADMIN among them) while linux.seccomp is
 *                   absent, or that bind-mounts the host's /dev anywhere.
 *   hostNamespaces  deny: refused when linux.namespaces has no entry for network, pid,
 *                   ipc or mount (the container would share the runtime's), or an entry
 *                   whose path is a host namespace: /proc/1/ns/X, /proc/self/ns/X,
 *                   /proc/thread-self/ns/X, or any path that is the same namespace (same
 *                   device and inode) as the one vakt itself runs in. Joining another
 *                   container's or a pod's namespace (/proc/PID/ns/X, /var/run/netns/Y)
 *                   is allowed.
 *   mounts          mounts of any type but a bind or a kernel pseudo-filesystem (proc,
 *                   sysfs, tmpfs, devpts, mqueue, cgroup, cgroup2) are refused in both
 *                   modes (devtmpfs, a disk, an overlay would expose the host's), and so is
 *                   a root.path that is a denied host path (/ above all). Then:
 *                   bind mounts (type "bind", or a "bind"/"rbind" option) whose source is
 *                   a denied host path, or a directory above one, are refused in both
 *                   modes. Built in: the engine sockets /run/docker.sock,
 *                   /run/containerd/containerd.sock, /run/podman/podman.sock,
 *                   /run/crio/crio.sock (also under /var/run), and /, /proc, /etc, /sys.
 *                   Sources beneath /proc (/proc/1/root is the host's root) and beneath
 *                   the policy's denyHostPaths are refused too; sources beneath /etc and
 *                   /sys are not (/etc/localtime, /sys/fs/cgroup binds are common).
 *                   Sources are compared lexically (after removing "//", "." and "..",
 *                   with /var/run read as /run) and, when the source exists, also after
 *                   realpath(3), so a symlink to a socket is caught. The runtime must still
 *                   mount what it checked (open the source O_PATH, mount the fd): this
 *                   check alone does not close the race with a swapped symlink.
 *   noNewPrivileges force: process.noNewPrivileges set to true.
 *   capabilities    allow [names]: every other capability is removed from each of
 *                   process.capabilities.{bounding,effective,inheritable,permitted,ambient}
 *                   (names the policy does not know are removed too). Allowed names are
 *                   kept where present, never added. When CAP_NET_BIND_SERVICE is dropped
 *                   and the container gets a network namespace of its own (an entry with
 *                   no path), linux.sysctl net.ipv4.ip_unprivileged_port_start is set to
 *                   "0" (when not set), so ports below 1024 stay bindable without it;
 *                   the sysctl is per network namespace and touches nothing on the host.
 *   readonlyRootfs  force: root.readonly set to true; when the policy made it read-only,
 *                   a tmpfs is added on each of /tmp, /var/tmp (nosuid,nodev,mode=1777)
 *                   and /run (nosuid,nodev,mode=755) where no mount has that
 *                   destination. Each goes before the first mount beneath it (so a
 *                   /run/secrets bind stays visible), else at the end.
 *   seccomp         require-default: where linux.seccomp is absent, or is a filter that
 *                   allows everything (defaultAction SCMP_ACT_ALLOW and no syscalls
 *                   entries, which it is then removed), the result says so
 *                   (seccomp_default) and the runtime loads its built-in filter. The
 *                   config itself does not name that filter: the action has kind
 *                   VAKT_OCI_ACT_RUNTIME.
 *   pidsLimit       N: linux.resources.pids.limit set to N when absent or not positive
 *                   (0 and -1 mean "no limit"). A larger positive limit is kept: the
 *                   policy supplies a default, not a ceiling.
 *   userns          require: when linux.namespaces has no "user" entry, one is added,
 *                   with linux.uidMappings and linux.gidMappings of container 0 -> host
 *                   1000000000, size 65536, where they are absent. The bundle's rootfs
 *                   must then be owned by those IDs (or be an idmapped mount) or the
 *                   container sees its files as nobody: that is why the default is off.
 *
 * Mode deny turns every change above into a denial naming the rule and the field, and
 * leaves the config untouched. Denials stop nothing: every rule is evaluated, so one run
 * reports every reason a container is refused.
 *
 * The default policy (no file): every rule on as described, capabilities allowing none,
 * pidsLimit 1024, userns off, mode tighten.
 *
 * Policy files are YAML (one mapping); every key is optional, absent keys keep their
 * default, and unknown keys or values are errors with file:line:col:
 *
 *   mode: tighten                  # tighten | deny
 *   noNewPrivileges: force         # force | off
 *   capabilities:                  # or `capabilities: off` to leave them alone
 *     allow: [NET_BIND_SERVICE, CHOWN]   # "CAP_" optional, any case; [] for none
 *   readonlyRootfs: force          # force | off
 *   privileged: deny               # deny | allow
 *   hostNamespaces: deny           # deny | allow
 *   seccomp: require-default       # require-default | off
 *   mounts:
 *     denyHostPaths: [/srv/secrets]    # absolute, with what is beneath; added to the built-ins
 *   userns: off                    # require | off
 *   pidsLimit: 1024                # a positive integer, or off
 *
 * The built-in denied host paths cannot be removed in this version.
 */
#ifndef VAKT_OCI_POLICY_H
#define VAKT_OCI_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum vakt_oci_mode {
	VAKT_OCI_MODE_TIGHTEN = 0, /* change the config so it complies */
	VAKT_OCI_MODE_DENY,	   /* refuse a config that does not comply */
} vakt_oci_mode;

/* A loaded policy. Plain data: the defaults come from vakt_oci_policy_default. */
typedef struct vakt_oci_policy {
	vakt_oci_mode mode;
	bool no_new_privileges; /* force */
	bool drop_capabilities; /* false with `capabilities: off`: leave every set alone */
	uint64_t cap_allow;	/* 1 << CAP_x of the capabilities kept where present */
	bool readonly_rootfs;	/* force */
	bool deny_privileged;
	bool deny_host_namespaces;
	bool seccomp_default;	/* require-default */
	bool userns;		/* require */
	int64_t pids_limit;	/* 0: off */
	char **deny_host_paths; /* extra absolute paths, cleaned; the built-ins always apply */
	size_t n_deny_host_paths;
	char *source; /* the file it came from, or "built-in default" */
} vakt_oci_policy;

/* The built-in default policy (see the top of this file). Never NULL. */
vakt_oci_policy *vakt_oci_policy_default(void);

/* Load the policy in the YAML file path; path NULL gives the built-in default. Errors
 * (unreadable file, YAML syntax, unknown keys or values) are VAKT_E_IO, VAKT_E_PARSE or
 * VAKT_E_USAGE with the file, line and column in *err. */
int vakt_oci_policy_load(const char *path, vakt_oci_policy **ret, vakt_error **err);

/* As vakt_oci_policy_load, from len bytes at data, called `name` in messages. */
int vakt_oci_policy_parse(const void *data, size_t len, const char *name, vakt_oci_policy **ret,
			  vakt_error **err);

/* Free a policy; accepts NULL, returns NULL. */
vakt_oci_policy *vakt_oci_policy_free(vakt_oci_policy *p);

typedef enum vakt_oci_action_kind {
	VAKT_OCI_ACT_CHANGED = 1, /* the config was changed */
	VAKT_OCI_ACT_RUNTIME,	  /* the runtime must act (load the built-in seccomp filter) */
	VAKT_OCI_ACT_DENIED,	  /* the container must not be created */
} vakt_oci_action_kind;

typedef struct vakt_oci_action {
	vakt_oci_action_kind kind;
	const char *rule; /* the policy key: "capabilities", "hostNamespaces", ... (static) */
	char *field;	  /* config path: "process.capabilities.bounding", "mounts[3]" */
	char *message;	  /* "dropped CAP_SYS_ADMIN", "set to true", or why it is denied */
} vakt_oci_action;

typedef struct vakt_oci_result {
	vakt_oci_action *actions; /* in rule order, then config order: deterministic */
	size_t n;
	bool denied;	      /* at least one VAKT_OCI_ACT_DENIED: do not create it */
	bool seccomp_default; /* load the built-in seccomp filter (the config names none) */
} vakt_oci_result;

/* Apply pol to config (a parsed config.json), changing it in place in tighten mode, and
 * set *ret to what was done. Findings, including denials, are data: the return value is
 * 0 for any well-formed config. A config whose fields have the wrong JSON types (mounts
 * not an array, a capability that is not a string, ...) fails with VAKT_E_INVALID naming
 * the field; config may then be partly changed and must be discarded.
 *
 * Applying the same policy to its own output again changes nothing and produces no
 * VAKT_OCI_ACT_CHANGED action (RUNTIME actions repeat: the config never names the filter). */
int vakt_oci_policy_apply(const vakt_oci_policy *pol, json_t *config, vakt_oci_result **ret,
			  vakt_error **err);

/* Free a result; accepts NULL, returns NULL. */
vakt_oci_result *vakt_oci_result_free(vakt_oci_result *r);

/* "changed", "runtime", "denied". */
const char *vakt_oci_action_kind_name(vakt_oci_action_kind k);

/* One line per action: "denied: hostNamespaces: linux.namespaces: ...". Nothing when the
 * config complied as it was. */
void vakt_oci_result_print_text(const vakt_oci_result *r, FILE *out);

/* {"denied": B, "seccompDefault": B, "actions": [{"kind", "rule", "field", "message"}]},
 * indented by 2, with a final newline. */
void vakt_oci_result_print_json(const vakt_oci_result *r, FILE *out);

/* The denied host path (built in or the policy's) that path is, lies above, or (for
 * the trees that deny what is beneath) lies beneath, lexically or after realpath(3);
 * NULL when none. The runtime checks root.path and bind sources with it again. */
const char *vakt_oci_policy_denied_path(const vakt_oci_policy *pol, const char *path);

/* Capability number of a name ("SYS_ADMIN", "CAP_SYS_ADMIN", any case), or -1. Known:
 * CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40). */
int vakt_oci_cap_number(const char *name);

#endif
