/* fuzz_unpack.c - `vakt run IMAGE`'s unpacker: any bytes as an image archive, extracted
 * into a private cache under /tmp. Checked, abort on violation: nothing is ever created
 * outside the cache (the seeds aim symlinks and hard links at /tmp/vakt-fuzz-escape), a
 * failure leaves nothing in the cache, a success yields a rootfs inside it. Every cache
 * entry is removed after each input. Needs a writable /tmp; runs as any user. */
#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "run/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ESCAPE "/tmp/vakt-fuzz-escape"

static char cache[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* Remove everything below dir, keeping dir. */
static void empty_dir(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* True if dir has no entries (or does not exist). */
static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return true;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static void remove_cache(void)
{
	empty_dir(cache);
	rmdir(cache);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cache[0]) {
		strcpy(cache, "/tmp/vakt-fuzz-unpack-XXXXXX");
		if (!mkdtemp(cache))
			abort();
		atexit(remove_cache);
	}
	if (size > (4u << 20))
		return 0;
	int fd = memfd_create("fuzz-unpack", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	char ref[64];
	snprintf(ref, sizeof(ref), "/proc/self/fd/%d", fd);
	vakt_unpack_options o = {.cache_root = cache};
	vakt_unpacked u = {0};
	vakt_error *err = NULL;
	int r = vakt_unpack(ref, &o, &u, &err);
	if (r < 0) {
		char tmp[96];
		snprintf(tmp, sizeof(tmp), "%s/tmp", cache);
		if (!err || !err->msg || !dir_empty(tmp))
			abort(); /* a failure says why and leaves no half-written entry */
	} else if (!u.rootfs || strncmp(u.rootfs, cache, strlen(cache)) != 0) {
		abort();
	}
	vakt_unpacked_free(&u);
	vakt_error_free(err);
	close(fd);
	struct stat st;
	if (lstat(ESCAPE, &st) == 0)
		abort(); /* written outside the cache */
	empty_dir(cache);
	return 0;
}
