/* pkg_internal.h - what the package-database parsers (pkg_*.c) share: capped warnings,
 * quoting of hostile bytes for messages, duplicate-record handling, field folding.
 * Not part of the image module's interface; only pkg*.c include it.
 */
#ifndef VAKT_IMAGE_PKG_INTERNAL_H
#define VAKT_IMAGE_PKG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "image/pkg.h"

/* One database's warnings. A hostile file could otherwise produce one warning per line
 * (millions); after VAKT_PKG_MAX_WARNINGS a single "further warnings suppressed" goes
 * out and the rest are counted only. */
typedef struct vakt_pkg_warner {
	vakt_pkg_warn_fn fn; /* NULL: warnings are dropped */
	void *ud;
	const char *file;
	unsigned count;
} vakt_pkg_warner;

#define VAKT_PKG_MAX_WARNINGS 100

/* Longest value kept from any one field (a name, a version, a maintainer, a licence). Real
 * ones are under 200 bytes; longer ones are a record the parser skips with a warning. */
#define VAKT_PKG_MAX_FIELD 65536

/* Send one warning (printf-style) for line (0: none) of w->file, within the cap. */
void vakt_pkg_warn(vakt_pkg_warner *w, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* s[0..n) for a message, into buf: at most 60 bytes of it, bytes outside printable ASCII
 * as \xNN, "..." when cut. Returns buf. */
const char *vakt_pkg_quote(char *buf, size_t size, const char *s, size_t n);

/* Copy s[0..n) into arena with every run of blanks (space, tab, CR, LF) folded to one
 * space and the ends trimmed: continuation lines become one line. NULL when the result is
 * empty. */
char *vakt_pkg_fold(vakt_arena *arena, const char *s, size_t n);

/* Per-record bookkeeping for vakt_pkg_mark_dups and vakt_pkg_compact, parallel to the
 * items a parser appended. */
typedef struct vakt_pkg_rec {
	unsigned line; /* where the record starts */
	bool drop;     /* a duplicate: removed by vakt_pkg_compact */
	bool absent;   /* parsed only to follow the format's rules, not reported */
} vakt_pkg_rec;

/* Among l->items[start..l->n) (recs[i] belongs to items[start + i]), find records with the
 * same name and arch, and also the same version when with_version: in each such group
 * every record but one gets drop set and a warning. keep_last picks which one survives
 * (dpkg: a later stanza for the same package replaces the earlier one). O(n log n). */
void vakt_pkg_mark_dups(const vakt_pkg_list *l, size_t start, vakt_pkg_rec *recs,
			bool with_version, bool keep_last, vakt_pkg_warner *w);

/* Remove the items whose record says drop or absent, keeping the order of the rest. */
void vakt_pkg_compact(vakt_pkg_list *l, size_t start, const vakt_pkg_rec *recs);

#endif
