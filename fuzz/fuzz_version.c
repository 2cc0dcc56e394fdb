/* fuzz_version.c - the version orderings (dpkg, rpm, apk, semver, pep440) on hostile
 * strings. The first byte picks the scheme; the rest is split at the first NUL into A and
 * B (B empty when there is none). Checked, abort on violation: checking never fails
 * without a message, and every comparison is a consistent order: cmp(x, x) == 0 and
 * cmp(a, b) == -cmp(b, a), whether or not the versions are valid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

static void check_one(vakt_vscheme s, const char *v)
{
	vakt_error *err = NULL;
	if (vakt_version_check(s, v, &err) < 0 && (!err || !err->msg))
		abort();
	vakt_error_free(err);
	if (vakt_version_cmp(s, v, v) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	vakt_vscheme s = (vakt_vscheme)(data[0] % VAKT_VS_COUNT);
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	buf[size] = '\0';
	const char *a = buf;
	size_t al = strlen(a);
	const char *b = al < size - 1 ? buf + al + 1 : buf + size - 1;
	check_one(s, a);
	check_one(s, b);
	if (sign(vakt_version_cmp(s, a, b)) != -sign(vakt_version_cmp(s, b, a)))
		abort();
	free(buf);
	return 0;
}
