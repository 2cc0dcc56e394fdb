/* fuzz_seccomp.c - the Docker-format seccomp profile reader (--security-opt seccomp=FILE):
 * any bytes as a profile, compiled for no capabilities and for CAP_SYS_ADMIN, on a new
 * and an old kernel. A profile is either refused with a message or compiled into a
 * non-empty program; nothing is loaded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "run/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 20))
		return 0;
	int fd = memfd_create("fuzz-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int round = 0; round < 2; round++) {
		vakt_seccomp_prog prog = {0};
		vakt_error *err = NULL;
		int r = vakt_seccomp_build(round ? (1ull << 21) : 0, round ? 3010 : 6018, path, &prog, &err);
		if (r < 0 && (!err || !err->msg))
			abort();
		if (r == 0 && (!prog.filter || !prog.len))
			abort();
		vakt_error_free(err);
		vakt_seccomp_prog_free(&prog);
	}
	close(fd);
	return 0;
}
