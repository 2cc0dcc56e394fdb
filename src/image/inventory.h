/* inventory.h - what is installed: OS and packages, read from an image's files.
 *
 * The files come from a vakt_files provider: the kept view of a layered image, or a
 * rootfs directory on disk read with openat2(RESOLVE_IN_ROOT). The same code reads both,
 * so an image and the directory it unpacks to give the same inventory.
 */
#ifndef VAKT_IMAGE_INVENTORY_H
#define VAKT_IMAGE_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "image/image.h"
#include "image/pkg.h"
#include "image/view.h"

typedef struct vakt_files {
	/* Read path (resolved inside the image root) into *ret (malloc'd, caller frees) when it
	 * is a regular file of at most max bytes. 0 on success, VAKT_E_NOTFOUND when absent,
	 * another negative code (with *err) when it exists but cannot be read. */
	int (*read)(void *ud, const char *path, size_t max, char **ret, size_t *ret_len,
		    vakt_error **err);
	/* Call fn for each entry name of directory path, sorted; 0, or VAKT_E_NOTFOUND. */
	int (*list)(void *ud, const char *path, void (*fn)(const char *name, void *fud), void *fud);
	void *ud;
} vakt_files;

/* A provider over a view (files whose content was not kept read as errors). */
vakt_files vakt_files_view(const vakt_view *v);

/* A provider over a directory: rootfd must stay open. */
vakt_files vakt_files_rootfs(int *rootfd);

/* Is this path (cleaned, relative to the root) one the inventory reads? Used while
 * streaming layers to decide which file contents to keep. */
bool vakt_inventory_wants(const char *path);

/* Is some path the inventory reads below directory dir (cleaned)? A symbolic link there
 * (var/lib/dpkg -> /opt/dpkg) makes the matching paths below its target wanted. */
bool vakt_inventory_wants_below(const char *dir);

/* One path of every kind the inventory reads (the fixed paths, and an instance of each
 * pattern, with "\x01package" for the package name), NULL-terminated. */
const char *const *vakt_inventory_samples(void);

/* Largest content kept for path (0 when not wanted). */
size_t vakt_inventory_max_size(const char *path);

/* Paths below which a change means the package databases must be read again. */
extern const char *const vakt_inventory_db_paths[];

/* Read the package databases into out (not sorted; layer -1). Problems go to warn. */
void vakt_inventory_packages(const vakt_files *f, vakt_pkg_list *out, vakt_pkg_warn_fn warn,
			     void *ud);

/* Licences of dpkg packages from their copyright files (where not yet known). */
void vakt_inventory_dpkg_licenses(const vakt_files *f, vakt_pkg_list *pkgs);

/* Detect the OS. */
void vakt_inventory_os(const vakt_files *f, vakt_os_info *os, vakt_arena *arena);

#endif
