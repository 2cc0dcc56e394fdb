/* buf.h - growable byte buffer with a hard maximum (after curl's dynbuf).
 *
 * Every buffer that grows from input has a ceiling, so hostile input cannot make vakt
 * allocate without bound: appends past `max` fail with VAKT_E_LIMIT and leave the
 * buffer unchanged. The data is always NUL-terminated.
 */
#ifndef VAKT_CORE_BUF_H
#define VAKT_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct vakt_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* maximum len; SIZE_MAX for "output we produce ourselves" */
} vakt_buf;

#define VAKT_BUF_INIT(maxlen) {NULL, 0, 0, (maxlen)}

void vakt_buf_init(vakt_buf *b, size_t max);
void vakt_buf_free(vakt_buf *b);
/* Empty the buffer, keeping its memory. */
void vakt_buf_reset(vakt_buf *b);
/* Append n bytes; 0, or VAKT_E_LIMIT if the result would exceed b->max. */
int vakt_buf_append(vakt_buf *b, const void *p, size_t n);
/* vakt_buf_append with the common case (room left) inline, for parsers that append in a
 * loop: the same result, and the same limit. */
static inline int vakt_buf_append_fast(vakt_buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && b->len + n <= b->max) { /* cap > len once data exists */
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return vakt_buf_append(b, p, n);
}
int vakt_buf_puts(vakt_buf *b, const char *s);
int vakt_buf_putc_slow(vakt_buf *b, char c);
/* Append one byte; the common case (room left) stays inline, as parsers call it per byte. */
static inline int vakt_buf_putc(vakt_buf *b, char c)
{
	if (b->len + 1 < b->cap && b->len < b->max) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return vakt_buf_putc_slow(b, c);
}
int vakt_buf_printf(vakt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vakt_buf_vprintf(vakt_buf *b, const char *fmt, va_list ap);
/* Take the data (caller frees); the buffer is left empty. Never NULL. */
char *vakt_buf_steal(vakt_buf *b);
/* The contents as a C string ("" when empty). */
static inline const char *vakt_buf_str(const vakt_buf *b)
{
	return b->data ? b->data : "";
}

/* "256 MiB", "64 KiB", "1000 bytes": a size for messages, into buf. */
const char *vakt_size_str(size_t n, char *buf, size_t len);

static inline void vakt_buf_freep(vakt_buf *b)
{
	vakt_buf_free(b);
}
#define _cleanup_buf_ __attribute__((cleanup(vakt_buf_freep)))

#endif
