/* fuzz_dpkg.c - libFuzzer target: a whole dpkg status file (or status.d file), and the
 * same bytes as a DEP-5 copyright file. */
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
	if (vakt_pkgdb_dpkg((const char *)data, size, "var/lib/dpkg/status", &l, ignore, &warnings,
			    &err) == 0) {
		vakt_pkg_list_sort(&l);
		for (size_t i = 0; i < l.n; i++)
			if (!l.items[i].name || !l.items[i].version || !l.items[i].src_name ||
			    !l.items[i].src_version)
				__builtin_trap(); /* the contract: these are always set */
	}
	vakt_error_free(err);
	vakt_pkgdb_dpkg_copyright((const char *)data, size, &l.arena);
	vakt_pkg_list_free(&l);
	return 0;
}
