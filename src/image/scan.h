/* scan.h - the state of one image scan, shared by image.c (files and layouts on disk)
 * and stream.c (an archive arriving on stdin). Internal to src/image. */
#ifndef VAKT_IMAGE_SCAN_H
#define VAKT_IMAGE_SCAN_H

#include <stdarg.h>
#include <time.h>

#include "image/image.h"
#include "image/inventory.h"
#include "image/manifest.h"
#include "image/source.h"
#include "image/store.h"
#include "image/tar.h"
#include "image/view.h"

typedef struct scan {
	const vakt_image_options *opt;
	vakt_image *img;
	vakt_view *view;
	vakt_src_budget budget;
	char where[128];    /* "layer 2 (sha256:0123456789ab)" */
	vakt_pkg_list prev; /* packages after the last layer that changed a database */
	bool have_prev;
	uint64_t gen_seen;
	char **extra;       /* paths wanted because a wanted symlink points there */
	size_t nextra;
	char **map_from, **map_to; /* below map_from[i] is wanted what is below map_to[i] */
	size_t nmaps;
	char **hl_targets;  /* hard link targets whose content turned out to be needed */
	size_t nhl_targets;
	bool layer_new_wants; /* this layer made paths wanted after they may have gone by */
	uint64_t total_bytes, base_bytes;
	struct timespec last_progress;
} scan;

typedef struct layer_stats {
	size_t dotdot, devices, sparse;
} layer_stats;

void scan_warn(scan *s, const char *where, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void scan_progress(scan *s, size_t layer, uint64_t bytes, bool force);
/* "layer N (sha256:...)" into s->where */
void scan_set_where(scan *s, size_t li);
/* Apply one entry of layer li. Its body is read from t when the content is wanted; with
 * t NULL (a replayed entry, stream.c) body is the content kept earlier (malloc'd, e->size
 * bytes and a NUL, ownership passes) or NULL when it was not kept. */
int scan_apply_entry(scan *s, vakt_tar *t, const vakt_tar_entry *e, char *body, int li,
		     layer_stats *st, vakt_error **err);
/* Largest size of path's content worth keeping (0: not wanted): the inventory's files,
 * and the targets of symbolic links found at wanted paths. */
size_t scan_wanted_size(const scan *s, const char *path);
/* A symlink at path: at a wanted path, its target becomes wanted; below it (a link to a
 * directory holding wanted paths), the same paths below the target. true when something
 * new became wanted. */
bool scan_note_symlink(scan *s, const char *path, const char *target);
/* Fill s->img from a resolved plan and parse the config (read from st, named display). */
int scan_plan_setup(scan *s, vakt_store *st, const char *display, const vakt_plan *p,
		    vakt_error **err);
/* Stream layer li from raw (owned) into the view, checking digests when asked. */
int scan_layer(scan *s, size_t li, vakt_src *raw, const char *expect_digest,
	       const char *expect_diff, vakt_error **err);
/* After layer li: re-read the package databases if the layer touched them. */
void scan_after_layer(scan *s, size_t li);
/* Final inventory (licences, OS) from f. */
void scan_finish_inventory(scan *s, const vakt_files *f);

/* An image arriving on fd (docker-archive or OCI archive, any member order); tag as for
 * an archive file (NULL: the only image). */
int scan_stream(scan *s, int fd, const char *tag, const vakt_platform *plat, vakt_error **err);

#endif
