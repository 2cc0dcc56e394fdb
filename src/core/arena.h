/* arena.h - bump allocator for data that dies together (one YAML document, one run).
 *
 * Allocations are never freed one by one; vakt_arena_reset() drops them all at once and
 * keeps the first chunk for reuse, so parsing document after document does not churn
 * malloc. Built with VAKT_ARENA_DEBUG, every allocation is its own malloc block, so
 * AddressSanitizer sees an overflow past any single object (libgit2's trick).
 *
 * An arena also keeps a byte budget: vakt_arena_used() lets parsers enforce limits.
 */
#ifndef VAKT_CORE_ARENA_H
#define VAKT_CORE_ARENA_H

#include <stddef.h>

typedef struct vakt_arena_chunk vakt_arena_chunk;

typedef struct vakt_arena {
	vakt_arena_chunk *head;
	size_t used;       /* bytes handed out since the last reset */
	size_t chunk_size; /* default size of a new chunk */
} vakt_arena;

/* Initialise an empty arena; chunk_size 0 picks 64 KiB. */
void vakt_arena_init(vakt_arena *a, size_t chunk_size);
/* Free every allocation and every chunk. */
void vakt_arena_destroy(vakt_arena *a);
/* Free every allocation; keep one chunk for reuse. */
void vakt_arena_reset(vakt_arena *a);

/* n bytes aligned for any type; never NULL (aborts on OOM or size overflow). */
void *vakt_arena_alloc(vakt_arena *a, size_t n);
/* Zeroed count*size bytes (overflow-checked). */
void *vakt_arena_calloc(vakt_arena *a, size_t count, size_t size);
/* Copy of s[0..n) plus a terminating NUL. */
char *vakt_arena_strndup(vakt_arena *a, const char *s, size_t n);
char *vakt_arena_strdup(vakt_arena *a, const char *s);
char *vakt_arena_printf(vakt_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline size_t vakt_arena_used(const vakt_arena *a)
{
	return a->used;
}

#endif
