/* buf.c - see buf.h. */
#include "core/buf.h"
#include "core/error.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vakt_buf_init(vakt_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void vakt_buf_free(vakt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void vakt_buf_reset(vakt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL. */
static int buf_reserve(vakt_buf *b, size_t n)
{
	size_t want;
	if (vakt_add_overflow(b->len, n, &want) || want > b->max)
		return VAKT_E_LIMIT;
	if (want + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want + 1) {
		if (vakt_mul_overflow(cap, 2, &cap))
			return VAKT_E_LIMIT;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int vakt_buf_append(vakt_buf *b, const void *p, size_t n)
{
	int r = buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int vakt_buf_puts(vakt_buf *b, const char *s)
{
	return vakt_buf_append(b, s, strlen(s));
}

int vakt_buf_putc_slow(vakt_buf *b, char c)
{
	return vakt_buf_append(b, &c, 1);
}

int vakt_buf_vprintf(vakt_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return VAKT_E_INVALID;
	int r = buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int vakt_buf_printf(vakt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vakt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *vakt_size_str(size_t n, char *buf, size_t len)
{
	if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0)
		snprintf(buf, len, "%zu GiB", n >> 30);
	else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		snprintf(buf, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%zu KiB", n >> 10);
	else
		snprintf(buf, len, "%zu bytes", n);
	return buf;
}

char *vakt_buf_steal(vakt_buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
