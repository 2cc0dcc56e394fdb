/* fuzz_apk.c - libFuzzer target: a whole apk installed database. */
#include <stddef.h>
#include <stdint.h>

#include "image/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(const char *file, unsigned line, const char *msg, void *ud)
{
	(void)file, (void)line, (void)msg;
	++*(unsigned *)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_pkg_list l;
	vakt_error *err = NULL;
	unsigned warnings = 0;
	vakt_pkg_list_init(&l);
	if (vakt_pkgdb_apk((const char *)data, size, "lib/apk/db/installed", &l, ignore, &warnings,
			   &err) == 0) {
		vakt_pkg_list_sort(&l);
		for (size_t i = 0; i < l.n; i++)
			if (!l.items[i].name || !l.items[i].version || !l.items[i].src_name ||
			    !l.items[i].src_version)
				__builtin_trap();
	}
	vakt_error_free(err);
	vakt_pkg_list_free(&l);
	return 0;
}
