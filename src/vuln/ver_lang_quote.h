/* ver_lang_quote.h - versions and characters for the error messages of the language
 * ecosystems' comparators, semver and PEP 440 (private to src/vuln). The package
 * managers' comparators use ver_quote.h, whose form their tests check. */
#ifndef VAKT_VULN_VER_LANG_QUOTE_H
#define VAKT_VULN_VER_LANG_QUOTE_H

#include <stdio.h>
#include <string.h>

#define QUOTE_MAX 48 /* bytes of the version shown in a message */

/* v for a message, into buf (at least QUOTE_MAX * 4 + 4 bytes): printable ASCII as is,
 * '"' and '\\' and every other byte as \xNN, "..." when cut. The message is printed by the
 * CLI, one per line, so it must never carry a newline or a terminal escape from the input. */
static inline const char *quote(const char *v, char *buf, size_t size)
{
	size_t o = 0;
	size_t i = 0;
	for (; v[i] && i < QUOTE_MAX && o + 5 < size; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (v[i] && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The character at p, for a message: "'x'", "byte 0x80" or "the end". */
static inline const char *describe(const char *p, char *buf, size_t size)
{
	unsigned char c = (unsigned char)*p;
	if (c == '\0')
		snprintf(buf, size, "the end");
	else if (c > 0x20 && c < 0x7f && c != '\'' && c != '\\')
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

#endif
