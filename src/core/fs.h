/* fs.h - finding and opening inputs.
 *
 * Directory walks are deterministic (entries sorted bytewise, as `LC_ALL=C ls`) and do
 * not follow symbolic links: a link to a parent would loop, and a link out of the tree
 * would lint files the user did not point at. Files named explicitly are opened as
 * given. Everything goes through openat() relative to the directory being walked.
 */
#ifndef VAKT_CORE_FS_H
#define VAKT_CORE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct vakt_walk_entry {
	const char *path; /* as the user would name it: "dir/sub/file.yaml" */
	int dirfd;        /* directory containing it (AT_FDCWD for explicit paths) */
	const char *name; /* name relative to dirfd */
	bool explicit_;   /* named on the command line (not found by a walk) */
	bool helm_template; /* under a Helm chart's templates/ directory */
	const char *chart; /* the chart directory for helm_template entries */
} vakt_walk_entry;

/* Decide whether a walked file is wanted (by name). */
typedef bool (*vakt_walk_filter)(const char *name, void *userdata);
/* Called for each input file in order; a negative return stops the walk. */
typedef int (*vakt_walk_fn)(const vakt_walk_entry *e, void *userdata);

/* Walk one input path: a file is visited as is; a directory recursively, visiting
 * files accepted by filter. Problems with single entries (unreadable subdirectory) go
 * to on_error and the walk continues. Returns 0, the callback's negative value, or a
 * negative code with *err when path itself cannot be read. */
int vakt_walk(const char *path, vakt_walk_filter filter, vakt_walk_fn fn,
	      void (*on_error)(vakt_error *e, void *userdata), void *userdata, vakt_error **err);

/* True if path (a file) lies under a "templates" directory whose parent has Chart.yaml;
 * *ret_chart (heap, may be NULL) names that chart directory. */
bool vakt_path_in_helm_templates(const char *path, char **ret_chart);

/* Open a file for reading without blocking on FIFOs or devices, refusing anything that
 * is not a regular file. Returns the fd or a negative code with *err. */
int vakt_open_regular(int dirfd, const char *name, const char *display, vakt_error **err);

/* Read the whole of fd into a new buffer, at most max bytes (VAKT_E_LIMIT beyond). */
int vakt_read_all(int fd, const char *display, size_t max, char **ret, size_t *ret_len,
		  vakt_error **err);

/* Directory part of path ("." when none), heap string. */
char *vakt_dirname(const char *path);
/* Join a and b with one '/', heap string. */
char *vakt_path_join(const char *a, const char *b);

#endif
