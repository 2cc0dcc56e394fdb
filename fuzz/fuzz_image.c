/* fuzz_image.c - a whole image through `vakt image`: the outer archive (docker-archive,
 * legacy docker-archive or OCI archive), its JSON (manifest.json, repositories, index,
 * nested indexes, manifests, config), every layer's tar with whiteouts, opaque
 * directories, hard and symbolic links onto the kept view, and the package databases at
 * the end.
 *
 * The first byte picks the way in: bit 0 reads the rest as an archive file (indexed, the
 * layers read in place), or, set, as stdin (one pass, layers recorded and replayed);
 * bit 1 turns on --verify-digests. The rest is put in a memfd: no file is ever written.
 * The decompression budget is 64 MiB, so a bomb costs bounded time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(const char *where, unsigned line, const char *msg, void *ud)
{
	(void)where, (void)line, (void)msg, (void)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	int fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();

	vakt_image_options opt = {
		.verify_digests = (mode & 2) != 0,
		.max_uncompressed = 64u << 20,
		.on_warning = quiet,
	};
	char ref[64];
	int saved = -1;
	if (mode & 1) {
		saved = dup(STDIN_FILENO);
		if (dup2(fd, STDIN_FILENO) < 0)
			abort();
		snprintf(ref, sizeof(ref), "-");
	} else {
		snprintf(ref, sizeof(ref), "/proc/self/fd/%d", fd);
	}
	vakt_image *img = NULL;
	vakt_error *err = NULL;
	if (vakt_image_scan(ref, &opt, &img, &err) == 0) {
		/* what the report prints must be there */
		for (size_t i = 0; i < img->pkgs.n; i++)
			if (!img->pkgs.items[i].name || !img->pkgs.items[i].version)
				abort();
		vakt_image_free(img);
	} else if (!err || !err->msg) {
		abort(); /* a failure always says why */
	}
	vakt_error_free(err);
	if (saved >= 0) {
		dup2(saved, STDIN_FILENO);
		close(saved);
	}
	close(fd);
	return 0;
}
