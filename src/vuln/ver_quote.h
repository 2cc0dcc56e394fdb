/* ver_quote.h - version strings and bytes for error messages, shared by the dpkg, rpm and
 * apk comparators (private to src/vuln). */
#ifndef VAKT_VULN_VER_QUOTE_H
#define VAKT_VULN_VER_QUOTE_H

#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 40 /* bytes of a version shown in a message */

/* v for an error message: printable ASCII as is, '"' and '\' escaped, every other byte
 * as \xNN, and cut after QUOTE_MAX bytes. Versions come from untrusted images and feeds:
 * a message must not carry a newline into `vakt vercmp -` output, move a terminal's
 * cursor, or grow with the input. */
static inline const char *quote(char out[static 4 * QUOTE_MAX + 8], const char *v)
{
	char *o = out;
	size_t i;
	for (i = 0; v[i] && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '"' || c == '\\')
			o += sprintf(o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			*o++ = (char)c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	strcpy(o, v[i] ? "..." : "");
	return out;
}

/* One byte for a message: 'c' when printable, else \xNN. */
static inline const char *show_byte(char out[static 8], char c)
{
	unsigned char u = (unsigned char)c;
	if (u >= 0x20 && u < 0x7f && u != '\'')
		sprintf(out, "'%c'", u);
	else
		sprintf(out, "\\x%02x", u);
	return out;
}

#endif
