/* source.h - byte sources: where layer and blob bytes come from.
 *
 * Image data is read as a stack of sources: a window of a file (a blob in an OCI layout,
 * a layer inside a docker-archive tar), or a pipe; over it, optionally, a SHA-256 digest;
 * over that a decompressor picked by the stream's magic bytes (gzip, zstd, or none). The
 * tar reader sits on top and calls read and skip only.
 *
 * Skipping is what makes scanning cheap: a file window skips by moving an offset (no
 * read at all), a pipe reads and discards, a decompressor inflates and discards (there
 * is no other way), and a digesting source reads and hashes (the point of
 * --verify-digests is to see every byte).
 *
 * Limits: a decompressor counts the bytes it produces against a budget shared by the
 * whole image (vakt_src_budget), so a gzip or zstd bomb stops with VAKT_E_LIMIT after at
 * most budget bytes of work. Errors name the source ("layer 2 (sha256:ab12...)").
 */
#ifndef VAKT_IMAGE_SOURCE_H
#define VAKT_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct vakt_src vakt_src;

/* Decompressed bytes still allowed for one image; shared by all its decompressors. */
typedef struct vakt_src_budget {
	uint64_t left;
	uint64_t limit; /* for the message: "exceeds the limit of 16 GiB" */
	const char *flag; /* the option that raises it, for the message: "--max-uncompressed" */
} vakt_src_budget;

typedef enum vakt_compression {
	VAKT_COMP_NONE,
	VAKT_COMP_GZIP,
	VAKT_COMP_ZSTD,
} vakt_compression;

/* ---- constructors ------------------------------------------------------------------- */

/* A window [off, off+len) of a regular file, read with pread(); the fd is not owned and
 * must outlive the source. Seekable: skip costs nothing. name labels errors. */
vakt_src *vakt_src_file_window(int fd, uint64_t off, uint64_t len, const char *name);

/* A pipe or any fd read with read() (stdin): not seekable, length unknown. fd not owned. */
vakt_src *vakt_src_stream(int fd, const char *name);

/* The next len bytes of parent (a tar entry's body inside an outer tar that is being
 * streamed). Reading past len gives EOF; freeing it does not touch parent, so the caller
 * skips any unread rest with vakt_src_skip(parent, vakt_src_remaining(sub)). Seekable
 * when parent is. parent not owned. */
vakt_src *vakt_src_sub(vakt_src *parent, uint64_t len, const char *name);

/* In-memory bytes (not copied; must outlive the source). Seekable. */
vakt_src *vakt_src_mem(const void *data, size_t len, const char *name);

/* SHA-256 of every byte that passes through inner (skips become reads). Takes ownership
 * of inner. */
vakt_src *vakt_src_digest(vakt_src *inner);
/* After inner is exhausted (the caller read or skipped to EOF): "sha256:<64 hex>" into
 * out[72]. VAKT_E_INVALID if inner is not at EOF. */
int vakt_src_digest_final(vakt_src *s, char out[72], vakt_error **err);

/* Look at the first bytes of inner and stack the matching decompressor, or none; takes
 * ownership of inner and returns the new top (inner itself when uncompressed). *ret_kind
 * (may be NULL) tells which. budget may be NULL for "no limit" (tests only). */
int vakt_src_decompress(vakt_src *inner, vakt_src_budget *budget, vakt_src **ret,
			vakt_compression *ret_kind, vakt_error **err);

/* Free a source and everything it owns; accepts NULL, returns NULL. */
vakt_src *vakt_src_free(vakt_src *s);

/* ---- use ----------------------------------------------------------------------------- */

/* Read up to n bytes into buf; *ret_got < n only at end of data (0 at EOF). */
int vakt_src_read(vakt_src *s, void *buf, size_t n, size_t *ret_got, vakt_error **err);

/* Read exactly n bytes; fewer is VAKT_E_PARSE "truncated" naming the source and offset. */
int vakt_src_read_full(vakt_src *s, void *buf, size_t n, vakt_error **err);

/* Skip n bytes; hitting EOF first is VAKT_E_PARSE "truncated". */
int vakt_src_skip(vakt_src *s, uint64_t n, vakt_error **err);

/* Skip everything up to EOF (length known or not: what a digest needs before
 * vakt_src_digest_final when the tar reader stopped at the end marker); *ret_skipped (may
 * be NULL) is how many bytes that was. Errors as for read. */
int vakt_src_skip_to_end(vakt_src *s, uint64_t *ret_skipped, vakt_error **err);

/* Look at the next n bytes without consuming them (n capped at the read-ahead size, at
 * least 4 KiB, and at what is left): *ret points into the source's read-ahead, valid
 * until the next call on s; *ret_got < n only at the end of the data. Only on a source
 * nothing was pushed back to (not what vakt_src_decompress returns uncompressed). */
int vakt_src_peek(vakt_src *s, size_t n, const void **ret, size_t *ret_got, vakt_error **err);

/* Bytes consumed (read or skipped) so far. */
uint64_t vakt_src_offset(const vakt_src *s);

/* Bytes left when the length is known (file windows, subs, memory); UINT64_MAX if not. */
uint64_t vakt_src_remaining(const vakt_src *s);

/* True when skipping costs no reading (a file window or memory, not under a digest or a
 * decompressor). */
bool vakt_src_seekable(const vakt_src *s);

/* The source's label, for messages. */
const char *vakt_src_name(const vakt_src *s);

/* "gzip", "zstd", "none" */
const char *vakt_compression_name(vakt_compression c);

static inline void vakt_src_freep(vakt_src **s)
{
	*s = vakt_src_free(*s);
}
#define _cleanup_src_ __attribute__((cleanup(vakt_src_freep)))

#endif
