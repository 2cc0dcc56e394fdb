/* fuzz_cvss.c - CVSS vector parsing and scoring on hostile strings. The input, cut at its
 * first NUL, is one vector. Checked, abort on violation:
 *   - a failure is VAKT_E_PARSE with a message free of control characters, and leaves
 *     *ret alone;
 *   - a success gives a known version, a base score 0 <= base <= 10 with base x 10 a whole
 *     number, and a severity other than UNKNOWN;
 *   - a CVSS:3.0 vector scores the same as CVSS:3.1 (their base equations differ only in
 *     Roundup, which never separates them on a base score).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(int r, const vakt_error *err, const vakt_cvss *c)
{
	if (r != VAKT_E_PARSE || !err || !err->msg)
		abort();
	for (const char *p = err->msg; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == 0x7f)
			abort();
	}
	if (c->version != VAKT_CVSS_V2 || c->base != -1.0)
		abort(); /* *ret must be untouched */
}

static void check_success(const vakt_cvss *c)
{
	if (!(c->base >= 0.0 && c->base <= 10.0))
		abort();
	double t = c->base * 10.0;
	if (t != (double)(int)t)
		abort();
	switch (c->version) {
	case VAKT_CVSS_V2:
	case VAKT_CVSS_V30:
	case VAKT_CVSS_V31:
	case VAKT_CVSS_V40: break;
	default: abort();
	}
	if (vakt_cvss_severity(c) == VAKT_SEV_UNKNOWN)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	vakt_cvss c = {.version = VAKT_CVSS_V2, .base = -1.0};
	vakt_error *err = NULL;
	int r = vakt_cvss_score(s, &c, &err);
	if (r < 0) {
		check_failure(r, err, &c);
	} else {
		if (r != 0 || err)
			abort();
		check_success(&c);
		if (c.version == VAKT_CVSS_V30) {
			s[7] = '1'; /* "CVSS:3.0" -> "CVSS:3.1" */
			vakt_cvss c31;
			if (vakt_cvss_score(s, &c31, NULL) != 0 || c31.version != VAKT_CVSS_V31 ||
			    c31.base * 10.0 != c.base * 10.0)
				abort();
		}
	}
	vakt_error_free(err);
	free(s);
	return 0;
}
