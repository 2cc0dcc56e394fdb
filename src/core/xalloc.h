/* xalloc.h - allocation that never returns NULL.
 *
 * vakt's policy: out-of-memory aborts (the process cannot report findings honestly
 * once allocation fails). Size arithmetic goes through the checked helpers so a huge
 * count cannot wrap into a small allocation.
 */
#ifndef VAKT_CORE_XALLOC_H
#define VAKT_CORE_XALLOC_H

#include <stddef.h>
#include <stdbool.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc to count*size bytes, aborting on overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* a + b and a * b into *ret; false on overflow (*ret untouched). */
static inline bool vakt_add_overflow(size_t a, size_t b, size_t *ret)
{
	return __builtin_add_overflow(a, b, ret);
}
static inline bool vakt_mul_overflow(size_t a, size_t b, size_t *ret)
{
	return __builtin_mul_overflow(a, b, ret);
}

/* Abort with a message naming what could not be allocated. */
void vakt_oom(void) __attribute__((noreturn));

#endif
