/* arena.c - see arena.h. */
#include "core/arena.h"
#include "core/xalloc.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vakt_arena_chunk {
	vakt_arena_chunk *next;
	size_t size; /* usable bytes in data */
	size_t off;  /* first free byte */
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN (alignof(max_align_t))

void vakt_arena_init(vakt_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->used = 0;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

static void free_chunks(vakt_arena_chunk *c)
{
	while (c) {
		vakt_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void vakt_arena_destroy(vakt_arena *a)
{
	free_chunks(a->head);
	a->head = NULL;
	a->used = 0;
}

#ifdef VAKT_ARENA_DEBUG
/* Debug mode: one malloc per allocation, exact size, chained for reset. */
void vakt_arena_reset(vakt_arena *a)
{
	vakt_arena_destroy(a);
}

void *vakt_arena_alloc(vakt_arena *a, size_t n)
{
	size_t total;
	if (vakt_add_overflow(sizeof(vakt_arena_chunk), n, &total))
		vakt_oom();
	vakt_arena_chunk *c = xmalloc(total);
	c->size = n;
	c->off = n;
	c->next = a->head;
	a->head = c;
	a->used += n;
	return c->data;
}
#else
void vakt_arena_reset(vakt_arena *a)
{
	if (!a->head)
		return;
	/* keep the newest chunk only if it is a regular one; drop oversized ones */
	vakt_arena_chunk *keep = a->head;
	free_chunks(keep->next);
	keep->next = NULL;
	if (keep->size > a->chunk_size) {
		free(keep);
		a->head = NULL;
	} else {
		keep->off = 0;
	}
	a->used = 0;
}

void *vakt_arena_alloc(vakt_arena *a, size_t n)
{
	size_t need;
	if (vakt_add_overflow(n, ARENA_ALIGN - 1, &need))
		vakt_oom();
	need &= ~(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;

	vakt_arena_chunk *c = a->head;
	if (!c || c->size - c->off < need) {
		size_t size = need > a->chunk_size ? need : a->chunk_size;
		size_t total;
		if (vakt_add_overflow(sizeof(*c), size, &total))
			vakt_oom();
		vakt_arena_chunk *nc = xmalloc(total);
		nc->size = size;
		nc->off = 0;
		if (c && size > a->chunk_size) {
			/* an oversized block goes behind the current chunk, which keeps serving */
			nc->next = c->next;
			c->next = nc;
			nc->off = need;
			a->used += need;
			return nc->data;
		}
		nc->next = c;
		a->head = c = nc;
	}
	void *p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}
#endif

void *vakt_arena_calloc(vakt_arena *a, size_t count, size_t size)
{
	size_t n;
	if (vakt_mul_overflow(count, size, &n))
		vakt_oom();
	void *p = vakt_arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *vakt_arena_strndup(vakt_arena *a, const char *s, size_t n)
{
	size_t total;
	if (vakt_add_overflow(n, 1, &total))
		vakt_oom();
	char *p = vakt_arena_alloc(a, total);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vakt_arena_strdup(vakt_arena *a, const char *s)
{
	return vakt_arena_strndup(a, s, strlen(s));
}

char *vakt_arena_printf(vakt_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		vakt_oom();
	char *p = vakt_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
