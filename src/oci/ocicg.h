/* ocicg.h - the cgroups of one OCI container, at the config's linux.cgroupsPath.
 *
 * src/run/cgroup.h keeps vakt run's groups under vakt/<id>; an engine instead names
 * the group (Podman: /libpod_parent/libpod-<id>), reads statistics from it and expects
 * the runtime to pause, update and kill through it. This module handles that: a path
 * joined under every mounted hierarchy (cgroup v2: the one unified tree; v1: each
 * controller's, plus name=systemd), created with its parents, the resources of
 * linux.resources written, and the verbs that work on an existing group.
 *
 * Paths: absolute ("/a/b") is below each hierarchy's root; relative ("a/b") below the
 * calling process's own group in that hierarchy; empty gives "/vakt/<id>". A ".."
 * component is refused: the path must not climb out of the hierarchy.
 */
#ifndef VAKT_OCI_OCICG_H
#define VAKT_OCI_OCICG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/error.h"
#include "oci/config.h"

typedef struct vakt_ocicg vakt_ocicg;

/* Resolve the groups for cgroups_path (see above) under root (NULL: /sys/fs/cgroup);
 * create them when create. Without create, a group that does not exist is skipped (a
 * container already gone). The resolved path ("/libpod_parent/libpod-x") is in
 * vakt_ocicg_path. */
int vakt_ocicg_open(const char *root, const char *cgroups_path, const char *id, bool create, vakt_ocicg **ret,
		    vakt_error **err);

const char *vakt_ocicg_path(const vakt_ocicg *cg);
bool vakt_ocicg_is_v2(const vakt_ocicg *cg);

/* Write the limits of res. A limit that was asked for and cannot be written (no such
 * controller file, the kernel refusing the value) is an error naming the field; the
 * device rules are skipped with a warning where the kernel refuses them to a user
 * namespace, and on v2 (they need a BPF program vakt does not attach yet). Block IO
 * weights that the I/O scheduler does not support are warnings ("where available"). */
int vakt_ocicg_apply(vakt_ocicg *cg, const vakt_oci_resources *res, void (*warn)(const char *msg, void *ud), void *ud,
		     vakt_error **err);

/* A systemd cgroupsPath ("slice:prefix:name", as engines give it with --systemd-cgroup)
 * as the cgroupfs path systemd itself would use: "machine-libpod.slice:libpod:x" is
 * "/machine.slice/machine-libpod.slice/libpod-x.scope". NULL when malformed. */
char *vakt_ocicg_systemd_path(const char *p);

/* Move pid into every group. */
int vakt_ocicg_attach(vakt_ocicg *cg, pid_t pid, vakt_error **err);

/* Freeze or thaw every process of the container (v1 freezer, v2 cgroup.freeze), waiting
 * until the kernel reports the new state. */
int vakt_ocicg_freeze(vakt_ocicg *cg, bool freeze, vakt_error **err);
bool vakt_ocicg_frozen(vakt_ocicg *cg);

/* The PIDs in the container's group and the groups below it (host PID namespace),
 * sorted. */
int vakt_ocicg_pids(vakt_ocicg *cg, pid_t **ret, size_t *n, vakt_error **err);

/* runc's statistics object: {"cpu": {"usage": {...}}, "memory": {...}, "pids": {...}}. */
json_t *vakt_ocicg_stats(vakt_ocicg *cg);

/* Send sig to every process in the group and the groups below it. */
void vakt_ocicg_kill(vakt_ocicg *cg, int sig);

/* Kill what is left, remove the groups (the container's and any it made below; never
 * the parents, which may be shared), free. */
void vakt_ocicg_destroy(vakt_ocicg *cg);

/* The resolved groups, for state.json, and back: later verbs act on the directories
 * create made, whatever cgroup they themselves run in (a relative cgroupsPath resolves
 * against the caller's own group). restore keeps only directories under /sys/fs/cgroup/. */
json_t *vakt_ocicg_save(const vakt_ocicg *cg);
vakt_ocicg *vakt_ocicg_restore(json_t *saved);

/* Free without removing. Accepts NULL, returns NULL. */
vakt_ocicg *vakt_ocicg_free(vakt_ocicg *cg);

#endif
