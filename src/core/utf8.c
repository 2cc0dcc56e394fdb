/* utf8.c - see utf8.h. */
#include "core/utf8.h"

#include <string.h>

size_t vakt_utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || n > len || p[0] > 0xf4)
		return 0;
	uint32_t v = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

void vakt_fputs_printable(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	while (len) {
		const unsigned char *run = p;
		while (len && *p >= 0x20 && *p < 0x7f)
			p++, len--;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), out);
		if (!len)
			break;
		uint32_t cp;
		size_t n = vakt_utf8_decode(p, len, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f) {
			fprintf(out, "\\x%02x", *p);
			n = 1;
		} else if ((cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
			   (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
			   cp == 0xfffe || cp == 0xffff) {
			/* C1 controls, line separators, bidirectional overrides ("Trojan Source")
			 * and noncharacters: visible, never interpreted */
			fprintf(out, "\\u%04x", cp);
		} else {
			fwrite(p, 1, n, out);
		}
		p += n, len -= n;
	}
}
