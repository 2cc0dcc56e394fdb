/* fuzz_tar.c - the layer path of `vakt image`: bytes -> (digest) -> decompressor (gzip,
 * zstd or none, 64 MiB budget) -> tar reader (a quarter of the inputs are compressed with
 * zstd first, for a source of unknown length); every entry's path cleaned, some bodies
 * read in part, some through a sub-window, the rest skipped. Invariants of the reader
 * are checked (abort on violation). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "core/error.h"
#include "image/source.h"
#include "image/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_src_budget budget = {64u << 20, 64u << 20, "--max-uncompressed"};
	vakt_error *err = NULL;
	void *packed = NULL;
	if (size % 4 == 3 && size < (1u << 20)) {
		/* a mutated archive compressed here, so that the reader also runs over a source
		 * of unknown length (mutations of compressed inputs rarely stay valid) */
		size_t cap = ZSTD_compressBound(size);
		packed = malloc(cap);
		size_t n = ZSTD_compress(packed, cap, data, size, 1);
		if (!packed || ZSTD_isError(n)) {
			free(packed);
			return 0;
		}
		data = packed;
		size = n;
	}
	vakt_src *s = vakt_src_mem(data, size, "fuzz");
	vakt_src *dig = NULL;
	if (size % 3 == 0) /* sometimes hash what goes through, as --verify-digests does */
		s = dig = vakt_src_digest(s);
	vakt_compression kind;
	if (vakt_src_decompress(s, &budget, &s, &kind, &err) < 0) {
		vakt_error_free(err);
		return 0;
	}
	vakt_tar *t = vakt_tar_new(s);
	const vakt_tar_entry *e;
	unsigned char buf[1024];
	char clean[VAKT_TAR_MAX_PATH + 1];
	unsigned i = 0;
	int r;
	uint64_t prev_end = 0;
	while ((r = vakt_tar_next(t, &e, &err)) == 1) {
		i++;
		check(strlen(e->path) <= VAKT_TAR_MAX_PATH && strlen(e->link) <= VAKT_TAR_MAX_PATH);
		check(e->offset >= prev_end && e->offset % 512 == 0);
		check(e->body_offset >= e->offset + 512 && e->body_offset % 512 == 0);
		check(e->mode <= 07777);
		check(vakt_tar_body_left(t) == e->size);
		prev_end = e->body_offset + e->size;
		unsigned f = vakt_tar_clean_path(e->path, clean, sizeof(clean));
		check(!(f & VAKT_PATH_TOOLONG));
		check(strlen(clean) <= strlen(e->path));
		check(((f & VAKT_PATH_EMPTY) != 0) == (clean[0] == '\0'));
		vakt_tar_clean_path(e->link, clean, sizeof(clean));
		size_t got = 0;
		if (i % 3 == 1) {
			/* a part of the body */
			size_t want = (i * 37u) % sizeof(buf);
			if (vakt_tar_read(t, buf, want, &got, &err) < 0)
				break;
			check(got <= want && got <= e->size);
			check(vakt_tar_body_left(t) == e->size - got);
		} else if (i % 5 == 2) {
			/* all of it, through a sub-window (as a nested layer is read) */
			vakt_src *sub = vakt_src_sub(s, e->size, e->path);
			uint64_t total = 0;
			do {
				if (vakt_src_read(sub, buf, sizeof(buf), &got, &err) < 0)
					break;
				total += got;
			} while (got == sizeof(buf));
			vakt_src_free(sub);
			if (err)
				break;
			check(total == e->size);
			check(vakt_tar_body_left(t) == 0);
		}
	}
	if (r == 0 && dig && !err) {
		/* to the end, then the digest */
		char hex[72];
		if (vakt_src_skip_to_end(s, NULL, &err) == 0) {
			check(vakt_src_digest_final(dig, hex, &err) == 0);
			check(strncmp(hex, "sha256:", 7) == 0 && strlen(hex) == 71);
		}
	}
	(void)kind;
	vakt_error_free(err);
	vakt_tar_free(t);
	vakt_src_free(s);
	free(packed);
	return 0;
}
