/* unpack.h - an image made into a root filesystem directory for `vakt run`.
 *
 * The image (a docker-archive, an OCI archive or an OCI layout; "PATH:TAG" and skopeo's
 * "oci:", "oci-archive:", "docker-archive:" prefixes as for `vakt image`) is read with the
 * image module and its layers are applied in order into a directory of a cache:
 *
 *   <cache>/images/<config digest hex>-<uid base>/rootfs
 *
 * The key is the SHA-256 of the config bytes, and each layer's uncompressed bytes are
 * checked against the config's rootfs.diff_ids while they are written, so an entry can
 * only ever hold the layers its config names: an image cannot poison the entry of
 * another. An entry is built in <cache>/tmp/<random> and renamed into place when
 * complete, so it is never half-written; an existing entry is reused without work.
 *
 * Every entry of a layer is created relative to its parent directory, itself opened with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): a symlink stored by one layer ("evil"
 * -> "/") resolves inside the rootfs when a later entry ("evil/etc/x") goes through it,
 * and the final component is never followed (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, O_EXCL).
 */
#ifndef VAKT_RUN_UNPACK_H
#define VAKT_RUN_UNPACK_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "image/image.h"

typedef struct vakt_unpack_options {
	const char *platform;   /* "linux/amd64" when NULL */
	const char *cache_root; /* NULL: /var/lib/vakt as root, else $XDG_DATA_HOME/vakt or
				 * ~/.local/share/vakt */
	/* The host IDs of the container's UID and GID 0 (0 for --userns host). As root every
	 * entry is chowned to base + its tar id (ids >= 65536 become base + 65534), so files
	 * look right inside the user namespace; as another user ownership is left alone. */
	unsigned uid_base, gid_base;
	void (*warn)(const char *msg, void *ud); /* non-fatal problems; may be NULL */
	void *ud;
} vakt_unpack_options;

typedef struct vakt_unpacked {
	char *rootfs;     /* the rootfs directory (heap) */
	vakt_image *img;  /* the image and its config (img->config) */
	bool reused;      /* the cache entry existed already */
} vakt_unpacked;

/* True if source names an image rather than a rootfs directory: a directory is a rootfs
 * unless it holds index.json, manifest.json, oci-layout or repositories; anything else
 * (a file, "PATH:TAG", a path that does not exist) is taken for an image. */
bool vakt_unpack_is_image(const char *source);

/* Unpack ref into the cache (see the top of this file) and fill *ret (free it with
 * vakt_unpacked_free). Errors: VAKT_E_NOTFOUND (no such image or tag), VAKT_E_PARSE /
 * VAKT_E_INVALID / VAKT_E_LIMIT for a broken or hostile image (a layer whose bytes do
 * not match its diff ID, a ".." path, a config without diff IDs), VAKT_E_USAGE for a
 * file that is not an archive at all, VAKT_E_IO for the cache. Nothing is left in the
 * cache on error. */
int vakt_unpack(const char *ref, const vakt_unpack_options *opt, vakt_unpacked *ret,
		vakt_error **err);

void vakt_unpacked_free(vakt_unpacked *u);

/* The first host ID of the "vakt" range in a subordinate-ID file (/etc/subuid,
 * /etc/subgid) with at least 65536 IDs, else 1000000000: the same choice run.c makes for
 * the container's ID map. */
unsigned vakt_unpack_id_base(const char *file);

/* Resolve an image's Config.User ("root", "UID", "NAME", "UID:GID", "NAME:GROUP") against
 * the rootfs' /etc/passwd and /etc/group, read inside the rootfs (symlinks resolved as if
 * it were "/", regular files only, at most 4 MiB). A user without a group gets the
 * group of its passwd entry, else 0. VAKT_E_NOTFOUND for an unknown name. */
int vakt_unpack_user(const char *rootfs, const char *user, uid_t *ret_uid, gid_t *ret_gid,
		     vakt_error **err);

#endif
