/* utf8.h - decoding UTF-8 strictly, for writers that must emit valid text. */
#ifndef VAKT_CORE_UTF8_H
#define VAKT_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decode one character at p (len bytes available) into *cp. Returns its length in bytes,
 * or 0 for an invalid or truncated sequence, an overlong form or a surrogate. */
size_t vakt_utf8_decode(const unsigned char *p, size_t len, uint32_t *cp);

/* Write s for a human reader: valid printable text as is, everything that could move the
 * cursor, recolour a terminal, forge a line or reorder text (C0 and C1 controls, DEL,
 * line separators, bidirectional overrides, noncharacters, invalid UTF-8) as a visible
 * \xNN or \uNNNN escape. */
void vakt_fputs_printable(FILE *out, const char *s);

#endif
