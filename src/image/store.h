/* store.h - where an image's files and blobs are: a directory or a tar archive.
 *
 * An OCI image layout is a directory (index.json, blobs/sha256/...); an OCI archive and a
 * docker-archive are tars holding the same kind of files. A store hides the difference:
 * files are named by their path inside the layout or archive, and opened as byte
 * sources. A tar store is indexed once (headers only, bodies skipped with a seek), then
 * each file is a window of the archive: a layer inside a docker-archive is streamed from
 * where it lies, never copied.
 *
 * Names are resolved inside the store only: symbolic and hard links between archive
 * members are followed within the archive, and a directory store opens files with
 * openat() below the directory, refusing symbolic links and anything but regular files.
 */
#ifndef VAKT_IMAGE_STORE_H
#define VAKT_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "image/source.h"
#include "image/tar.h"

typedef struct vakt_store vakt_store;

#define VAKT_STORE_MAX_ENTRIES 1000000 /* members of an archive */
#define VAKT_STORE_MAX_JSON (16u << 20) /* index, manifest, config */

/* Open path as a store: a directory, or a regular file holding a tar. display names the
 * store in messages. */
int vakt_store_open(const char *path, const char *display, vakt_store **ret, vakt_error **err);

vakt_store *vakt_store_free(vakt_store *s);

/* A store filled while an archive streams by (stdin, read once: see stream.c). Members
 * are added with vakt_store_add; only those added with their content can be read. */
vakt_store *vakt_store_new_streamed(const char *display);

/* Add the archive entry e (links, directories and ".." paths as in an indexed archive).
 * data: the entry's content (malloc'd, e->size bytes and a NUL; ownership passes, even on
 * error), or NULL when it was not kept. tag: the caller's record of the member (not
 * owned), returned by vakt_store_tag. VAKT_E_LIMIT beyond VAKT_STORE_MAX_ENTRIES. Also
 * used to index an archive file, with data NULL. */
int vakt_store_add(vakt_store *s, const vakt_tar_entry *e, char *data, void *tag, vakt_error **err);

/* The tag of the regular member name resolves to (links followed), or NULL. */
void *vakt_store_tag(const vakt_store *s, const char *name);

/* True if name exists (a regular file after links are followed). */
bool vakt_store_has(const vakt_store *s, const char *name);

/* True for a directory store. */
bool vakt_store_is_dir(const vakt_store *s);

/* The whole content of a small file (JSON): at most max bytes (VAKT_E_LIMIT beyond),
 * VAKT_E_NOTFOUND if absent. *ret is NUL-terminated, caller frees. */
int vakt_store_read(vakt_store *s, const char *name, size_t max, char **ret, size_t *ret_len,
		    vakt_error **err);

/* A source over name's bytes and its size. VAKT_E_NOTFOUND if absent. */
int vakt_store_open_file(vakt_store *s, const char *name, vakt_src **ret, uint64_t *ret_size,
			 vakt_error **err);

/* Path of a blob in an OCI layout, "blobs/sha256/<hex>", after checking that digest is
 * well formed ("sha256:" + 64 lowercase hex, or "sha512:" + 128): a digest comes from an
 * untrusted manifest and must never become "../../etc/passwd". Heap string, or NULL. */
char *vakt_blob_path(const char *digest);

/* Visit the names of the store's members (tar stores only; in archive order). */
typedef void (*vakt_store_name_fn)(const char *name, void *ud);
void vakt_store_names(const vakt_store *s, vakt_store_name_fn fn, void *ud);

#endif
