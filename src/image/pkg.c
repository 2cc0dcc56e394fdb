/* pkg.c - the package list, and the helpers the database parsers share (pkg_internal.h). */
#include "image/pkg.h"
#include "image/pkg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* ---- the list ------------------------------------------------------------------------ */

void vakt_pkg_list_init(vakt_pkg_list *l)
{
	l->items = NULL;
	l->n = l->cap = 0;
	/* package strings are short: small chunks keep a list of ten packages small */
	vakt_arena_init(&l->arena, 16 * 1024);
}

void vakt_pkg_list_free(vakt_pkg_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
	vakt_arena_destroy(&l->arena);
}

/* Pointers returned earlier may move: the array grows by doubling (amortised O(1)). The
 * parsers cap the count at VAKT_PKG_MAX_RECORDS per database, so growth is bounded by
 * their input. */
vakt_pkg *vakt_pkg_list_add(vakt_pkg_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap : 64;
		if (l->cap && vakt_mul_overflow(l->cap, 2, &cap))
			vakt_oom();
		l->items = xreallocarray(l->items, cap, sizeof(*l->items));
		l->cap = cap;
	}
	vakt_pkg *p = &l->items[l->n++];
	memset(p, 0, sizeof(*p));
	p->layer = -1;
	return p;
}

/* NULL sorts before every string. */
static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_pkg(const void *pa, const void *pb)
{
	const vakt_pkg *a = pa, *b = pb;
	int c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = cmp_str(a->name, b->name)) || (c = cmp_str(a->arch, b->arch)) ||
	    (c = cmp_str(a->version, b->version)))
		return c;
	/* the rest only makes the order total, so every output is deterministic */
	if ((c = cmp_str(a->src_name, b->src_name)) || (c = cmp_str(a->src_version, b->src_version)) ||
	    (c = cmp_str(a->db_path, b->db_path)) || (c = cmp_str(a->license, b->license)) ||
	    (c = cmp_str(a->maintainer, b->maintainer)))
		return c;
	return (a->layer > b->layer) - (a->layer < b->layer);
}

void vakt_pkg_list_sort(vakt_pkg_list *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), cmp_pkg);
}

const char *vakt_pkg_type_name(vakt_pkg_type t)
{
	switch (t) {
	case VAKT_PKG_DPKG: return "dpkg";
	case VAKT_PKG_APK: return "apk";
	case VAKT_PKG_RPM: return "rpm";
	default: return "unknown";
	}
}

/* ---- helpers for the parsers ----------------------------------------------------------- */

void vakt_pkg_warn(vakt_pkg_warner *w, unsigned line, const char *fmt, ...)
{
	if (!w->fn) {
		w->count++;
		return;
	}
	if (w->count > VAKT_PKG_MAX_WARNINGS)
		return;
	if (w->count++ == VAKT_PKG_MAX_WARNINGS) {
		w->fn(w->file, 0, "too many problems; further warnings for this file suppressed",
		      w->ud);
		return;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->fn(w->file, line, msg, w->ud);
}

const char *vakt_pkg_quote(char *buf, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;
	if (size == 0)
		return buf;
	for (i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= size)
				break;
			buf[o++] = (char)c;
		} else {
			if (o + 4 >= size)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < n && o + 3 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *vakt_pkg_fold(vakt_arena *arena, const char *s, size_t n)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	/* the folded string is never longer than the input */
	char *out = vakt_arena_alloc(arena, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (is_blank(s[i])) {
			if (o[-1] != ' ') /* o > out: s[0] is not blank */
				*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

typedef struct dup_ctx {
	const vakt_pkg *items;
	bool with_version;
} dup_ctx;

static int cmp_dup(const void *pa, const void *pb, void *arg)
{
	const dup_ctx *ctx = arg;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const vakt_pkg *a = &ctx->items[ia], *b = &ctx->items[ib];
	int c;
	if ((c = cmp_str(a->name, b->name)) || (c = cmp_str(a->arch, b->arch)))
		return c;
	if (ctx->with_version && (c = cmp_str(a->version, b->version)))
		return c;
	return (ia > ib) - (ia < ib); /* input order inside a group */
}

void vakt_pkg_mark_dups(const vakt_pkg_list *l, size_t start, vakt_pkg_rec *recs,
			bool with_version, bool keep_last, vakt_pkg_warner *w)
{
	size_t n = l->n - start;
	if (n < 2)
		return;
	size_t *idx = xreallocarray(NULL, n, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = start + i;
	dup_ctx ctx = {l->items, with_version};
	qsort_r(idx, n, sizeof(*idx), cmp_dup, &ctx);
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		while (e < n && cmp_str(l->items[idx[e]].name, l->items[idx[g]].name) == 0 &&
		       cmp_str(l->items[idx[e]].arch, l->items[idx[g]].arch) == 0 &&
		       (!with_version ||
			cmp_str(l->items[idx[e]].version, l->items[idx[g]].version) == 0))
			e++;
		size_t keep = keep_last ? e - 1 : g;
		for (size_t k = g; k < e; k++) {
			if (k == keep)
				continue;
			const vakt_pkg *p = &l->items[idx[k]];
			vakt_pkg_rec *r = &recs[idx[k] - start];
			r->drop = true;
			/* names come from the input: quoted, so no control byte reaches a terminal */
			char qn[256], qa[256], qv[256];
			vakt_pkg_quote(qn, sizeof(qn), p->name ? p->name : "", p->name ? strlen(p->name) : 0);
			vakt_pkg_quote(qa, sizeof(qa), p->arch ? p->arch : "", p->arch ? strlen(p->arch) : 0);
			vakt_pkg_quote(qv, sizeof(qv), p->version ? p->version : "",
				       p->version && with_version ? strlen(p->version) : 0);
			vakt_pkg_warn(w, r->line,
				      "package %s%s%s%s%s is recorded more than once; the record at "
				      "line %u is used",
				      qn, p->arch ? ":" : "", qa, with_version ? " " : "", qv,
				      recs[idx[keep] - start].line);
		}
		g = e;
	}
	free(idx);
}

void vakt_pkg_compact(vakt_pkg_list *l, size_t start, const vakt_pkg_rec *recs)
{
	size_t o = start;
	for (size_t i = start; i < l->n; i++) {
		const vakt_pkg_rec *r = &recs[i - start];
		if (r->drop || r->absent)
			continue;
		if (o != i)
			l->items[o] = l->items[i];
		o++;
	}
	l->n = o;
}
