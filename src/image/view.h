/* view.h - the final view of an image's files, kept only for the files that matter.
 *
 * A container engine stacks layers: each layer's tar adds and replaces files, and its
 * whiteouts (".wh.NAME") and opaque markers (".wh..wh..opq") delete what lower layers
 * put there. vakt never writes that filesystem out. It streams each layer once and keeps
 * a tree of just the nodes it will need: every symbolic link (to resolve paths the way the
 * kernel would), the content of the files the scanners read (package databases,
 * os-release, copyright files), and the directories leading to them. Every other entry
 * still has its effect on the kept nodes: a lower symlink replaced by a file disappears,
 * a lower file hidden by a directory of the same name disappears, as in overlayfs (the
 * storage driver of Docker and containerd: an upper directory hides a lower non-directory
 * of the same path).
 *
 * Paths are relative to the image root, cleaned ("etc/os-release"). Resolution follows
 * symbolic links inside the view only: ".." at the root stays at the root and absolute
 * targets restart at the image root, as in a chroot, so no path ever leaves the image.
 */
#ifndef VAKT_IMAGE_VIEW_H
#define VAKT_IMAGE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef enum vakt_vtype {
	VAKT_V_DIR,
	VAKT_V_REG,     /* a regular file; content kept only when it was wanted */
	VAKT_V_SYMLINK,
	VAKT_V_OTHER,   /* device, fifo: kept only if its path was wanted (to report it) */
} vakt_vtype;

typedef struct vakt_vnode vakt_vnode;
typedef struct vakt_view vakt_view;

/* Limits: nodes kept, and bytes of content kept. */
typedef struct vakt_view_limits {
	size_t max_nodes;        /* default 4,000,000 */
	uint64_t max_content;    /* default 1 GiB over all kept files */
} vakt_view_limits;

vakt_view *vakt_view_new(const vakt_view_limits *lim);
vakt_view *vakt_view_free(vakt_view *v);

/* What a layer entry is, for vakt_view_apply. path is cleaned (vakt_tar_clean_path) and
 * not a whiteout. */
typedef struct vakt_ventry {
	vakt_vtype type;
	const char *path;
	const char *link;     /* symlink target; NULL otherwise */
	uint32_t mode;
	/* content for a kept regular file: malloc'd, ownership passes to the view; NULL when
	 * the entry's content is not kept */
	char *data;
	size_t len;
	bool keep;            /* keep a node for this entry (symlinks are always kept) */
} vakt_ventry;

/* Apply one entry of layer `layer` (0-based, increasing across calls). Returns 0 or
 * VAKT_E_LIMIT. Lower-layer nodes it hides are removed first. */
int vakt_view_apply(vakt_view *v, int layer, const vakt_ventry *e, vakt_error **err);

/* Apply a whiteout found in layer `layer`: dir is the directory holding it ("" for the
 * root) and name what follows ".wh." ("..wh..opq" makes dir opaque). Only nodes of lower
 * layers are removed. */
void vakt_view_whiteout(vakt_view *v, int layer, const char *dir, const char *name);

/* A hard link entry of layer `layer`: path becomes another name of target (an earlier
 * entry of the same layer). If target is kept here with content, the content is shared;
 * otherwise *ret_missing is set true (and path is recorded as a content-less regular
 * file) so the caller can fetch the content another way. */
int vakt_view_hardlink(vakt_view *v, int layer, const char *path, const char *target,
		       bool keep, bool *ret_missing, vakt_error **err);

/* Find the node at path, following symbolic links in every component (the last one too,
 * unless nofollow), at most 40 of them; NULL if absent, a dangling link, or a loop. */
const vakt_vnode *vakt_view_lookup(const vakt_view *v, const char *path, bool nofollow);

/* The resolved, cleaned path of a node (for messages): into buf. */
const char *vakt_view_path(const vakt_vnode *n, char *buf, size_t len);

/* Resolve path (following links) to a cleaned path even when the final node does not exist
 * (its parent must): used to learn what a symlink points at. NULL if it cannot be. */
const char *vakt_view_resolve(const vakt_view *v, const char *path, char *buf, size_t len);

vakt_vtype vakt_vnode_type(const vakt_vnode *n);
/* Content of a kept regular file; *ret_len its length; NULL when the content was not
 * kept. */
const char *vakt_vnode_data(const vakt_vnode *n, size_t *ret_len);
/* The layer that last wrote the node. */
int vakt_vnode_layer(const vakt_vnode *n);
/* Visit the children of a directory node, in name order. */
typedef void (*vakt_view_child_fn)(const vakt_vnode *child, const char *name, void *ud);
void vakt_view_children(const vakt_vnode *dir, vakt_view_child_fn fn, void *ud);

/* Number of nodes kept, and content bytes kept. */
size_t vakt_view_nodes(const vakt_view *v);
uint64_t vakt_view_content_bytes(const vakt_view *v);

/* A counter bumped every time a node under one of the watched prefixes changes (added,
 * replaced, removed): the scanner re-reads the package databases only after layers that
 * touched them. */
uint64_t vakt_view_generation(const vakt_view *v);
/* Watch paths equal to or below prefix (cleaned). */
void vakt_view_watch(vakt_view *v, const char *prefix);

#endif
