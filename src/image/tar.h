/* tar.h - a streaming tar reader for image layers and archives.
 *
 * Reads POSIX ustar, pax (extended headers 'x' for path, linkpath, size; global 'g'
 * headers are read and ignored) and GNU (long names 'L', long link names 'K', base-256
 * numbers) from a vakt_src, one entry at a time, never holding more than one header and
 * the caller's reads. Bodies the caller does not read are skipped (for a seekable source
 * without reading them).
 *
 * Hostile archives: every header checksum is verified; pax and GNU long-name records are
 * bounded (VAKT_TAR_MAX_META); paths longer than VAKT_TAR_MAX_PATH are an error; so is a
 * header that is not a tar header. Where extractors disagree, the archive is refused
 * rather than read one way: a pax path (or linkpath) and a GNU long name (or link name)
 * on the same entry that differ (GNU tar takes the pax one, Go's archive/tar, which
 * docker uses, the GNU one); a header after a single zero block (GNU tar stops there, Go
 * refuses). Elsewhere the reader follows Go: links, directories, devices and FIFOs have
 * no body whatever their size field says; '\0' entries whose name ends in '/' are
 * directories; the last pax 'x' header before an entry wins. Paths are returned raw: the caller decides what ".."
 * or a leading "/" means (vakt_tar_clean_path). A missing end-of-archive marker (EOF on a
 * header boundary, as some tools write) is not an error: vakt_tar_next returns 0 and
 * vakt_tar_truncated() says so, for a warning. EOF inside a header or a body is an error.
 */
#ifndef VAKT_IMAGE_TAR_H
#define VAKT_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "image/source.h"

#define VAKT_TAR_MAX_PATH 4096          /* PATH_MAX: longer names are refused */
#define VAKT_TAR_MAX_META (1024 * 1024) /* one pax header or GNU long-name record */
#define VAKT_TAR_MAX_ENTRIES 4000000    /* entries of one archive (a big layer has ~10^5) */

typedef enum vakt_tar_type {
	VAKT_TAR_REG,      /* '0', '\0', '7' (contiguous) */
	VAKT_TAR_HARDLINK, /* '1': link names an earlier entry of the same archive */
	VAKT_TAR_SYMLINK,  /* '2' */
	VAKT_TAR_CHR,      /* '3' */
	VAKT_TAR_BLK,      /* '4' */
	VAKT_TAR_DIR,      /* '5' */
	VAKT_TAR_FIFO,     /* '6' */
	VAKT_TAR_OTHER,    /* GNU sparse 'S', volume labels, unknown types: body skipped */
} vakt_tar_type;

typedef struct vakt_tar_entry {
	vakt_tar_type type;
	char typeflag;        /* the raw type byte, for messages */
	const char *path;     /* raw name (pax path > GNU long name > prefix/name) */
	const char *link;     /* symlink target or hardlink name; "" otherwise */
	uint64_t size;        /* body bytes in the archive (0 for links, dirs, devices) */
	uint32_t mode;        /* permission bits and set-id bits (07777) */
	uint64_t uid, gid;
	int64_t mtime;
	uint64_t offset;      /* offset of the entry's first header in the source */
	uint64_t body_offset; /* offset of the body in the source */
} vakt_tar_entry;

typedef struct vakt_tar vakt_tar;

/* A reader over src (not owned; must outlive the reader). */
vakt_tar *vakt_tar_new(vakt_src *src);
vakt_tar *vakt_tar_free(vakt_tar *t);

/* Advance to the next entry, skipping what is left of the current body. Returns 1 and
 * *ret (valid until the next call) for an entry, 0 at the end of the archive, or a
 * negative code with *err. */
int vakt_tar_next(vakt_tar *t, const vakt_tar_entry **ret, vakt_error **err);

/* Read from the current entry's body; *ret_got < n only at the end of the body.
 * The body may instead be read through vakt_src_sub(src, entry->size) (a layer inside a
 * streamed archive): the reader measures what is left of the body by the source's offset,
 * so the next vakt_tar_next skips only the rest. Reading past the body that way is
 * VAKT_E_INVALID at the next call. */
int vakt_tar_read(vakt_tar *t, void *buf, size_t n, size_t *ret_got, vakt_error **err);

/* Bytes of the current body not read yet. */
uint64_t vakt_tar_body_left(const vakt_tar *t);

/* The archive ended without its two zero blocks (reported by the caller as a warning). */
bool vakt_tar_truncated(const vakt_tar *t);

/* Number of entries returned so far. */
uint64_t vakt_tar_count(const vakt_tar *t);

/* Flags from vakt_tar_clean_path */
enum {
	VAKT_PATH_ABSOLUTE = 1, /* had a leading "/" (removed, as tar does) */
	VAKT_PATH_DOTDOT = 2,   /* a ".." component: the caller must refuse the entry */
	VAKT_PATH_EMPTY = 4,    /* nothing left ("", ".", "./"): the root itself */
	VAKT_PATH_TOOLONG = 8,  /* did not fit in out (only with outlen too small): out is ""
				 * and DOTDOT is set as well, so the entry is refused */
};

/* Normalise a tar path into out (size outlen >= VAKT_TAR_MAX_PATH + 1): drop leading
 * "/" and "./", "." components and repeated or trailing "/". ".." components are kept in
 * out but flagged; nothing is resolved. Returns the flags above. */
unsigned vakt_tar_clean_path(const char *in, char *out, size_t outlen);

#endif
