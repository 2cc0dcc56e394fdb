/* fuzz_rpm.c - libFuzzer target for the rpm readers. The first byte picks: even, the rest
 * is one header blob (vakt_rpm_header); odd, a whole database file of any kind
 * (vakt_pkgdb_rpm: SQLite, Berkeley DB hash, NDB). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "image/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(const char *file, unsigned line, const char *msg, void *ud)
{
	(void)file, (void)line, (void)msg;
	++*(unsigned *)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	vakt_pkg_list l;
	vakt_error *err = NULL;
	unsigned warnings = 0;
	int r;
	vakt_pkg_list_init(&l);
	if (data[0] % 2 == 0)
		r = vakt_rpm_header(data + 1, size - 1, "rpmdb.sqlite", &l, &err);
	else
		r = vakt_pkgdb_rpm(data + 1, size - 1, "var/lib/rpm/Packages", &l, ignore, &warnings,
				   &err);
	if (r == 0) {
		vakt_pkg_list_sort(&l);
		for (size_t i = 0; i < l.n; i++) {
			const vakt_pkg *p = &l.items[i];
			if (!p->name || !p->version || !p->rpm_version || !p->rpm_release ||
			    !p->src_name || !p->src_version || strcmp(p->name, "gpg-pubkey") == 0)
				__builtin_trap();
		}
	} else if (!err || l.n != 0) {
		__builtin_trap(); /* an error is reported, and leaves the list as it was */
	}
	vakt_error_free(err);
	vakt_pkg_list_free(&l);
	return 0;
}
