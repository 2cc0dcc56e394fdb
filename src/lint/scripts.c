/* scripts.c - finding container commands in shell scripts, Makefiles and CI files; see
 * vakt_scripts_scan in dockerrun.h.
 *
 * Every kind comes down to shell text with a map back to the file: a whole script is
 * its own map; a Makefile recipe line is rewritten ($$ -> $, continuation tabs dropped)
 * with one position per byte; a YAML literal block maps line by line (each content line
 * starts at the block's indentation); other YAML scalars (folded, quoted, plain) are
 * matched back to the raw file text byte by byte. Results of one source are sorted by
 * position before they are reported, so commands inside $( ) come out in file order.
 *
 * Bounded work: YAML goes through the document model and its limits; aliased YAML nodes
 * are scanned once; command substitutions are looked into to a fixed depth; the search
 * for an ignore comment looks at a fixed number of lines (once per line); and the walking
 * done to turn libyaml's positions into file offsets has a budget proportional to the
 * input, after which positions fall back to the ones libyaml gave.
 */
#include "core/cleanup.h"
#include "core/doc.h"
#include "core/xalloc.h"
#include "lint/dockerrun.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCAN_MAX_DEPTH	     8		/* command substitutions looked into, nested */
#define IGNORE_LOOKUP_LINES  32		/* comment lines looked through for an ignore */
#define ALIGN_WINDOW	     64		/* raw bytes searched for the next byte of a YAML value */
#define ALIGN_MAX_BYTES	     (1u << 20) /* larger scalars get approximate positions */
#define GITLAB_LIST_DEPTH    10		/* nested script lists, as GitLab flattens them */
#define SEEK_BUDGET_PER_BYTE 32		/* file bytes walked to find positions, per input byte */
#define SEEK_BUDGET_BASE     ((size_t)64 << 20)

typedef struct found {
	unsigned line, col;
	size_t seq;
	vakt_run_line run;
	vakt_error *err; /* an error instead of a run */
} found;

typedef struct ptrset {
	const void **slots;
	size_t cap, n;
} ptrset;

typedef struct scan {
	vakt_script_kind kind;
	const char *file;
	const char *data;
	size_t len;
	vakt_arena *a;	/* results */
	vakt_arena tmp; /* tokens of the source being scanned */
	vakt_run_fn fn;
	void (*on_error)(vakt_error *e, void *ud);
	void *ud;

	size_t lc_off; /* line cursor: lc_off is the start of line lc_line */
	unsigned lc_line;
	size_t oc_off; /* position cursor of offset_of(): oc_off is at (oc_line, oc_col) */
	unsigned oc_line, oc_col;
	/* Bytes that looking up positions may still walk. YAML lets a hostile file send the
	 * lookups back and forth (aliases to far anchors, thousands of scalars on one line);
	 * once the budget is spent, positions fall back to what libyaml gave the node. */
	size_t seek_budget;
	unsigned hdr_line;	    /* header line of the YAML block scalar being scanned, or 0 */
	unsigned ign_line, ign_hdr; /* the last ignore lookup (many commands share a line) */
	const char *ign;

	found *found; /* results of the current source, reported by flush() */
	size_t nfound, capfound, seq;
	ptrset seen; /* YAML nodes already scanned */
} scan;

/* ---- a set of pointers ----------------------------------------------------------------------- */

static size_t ptr_hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 17);
}

/* Add p; false if it was there already. */
static bool ptrset_add(ptrset *s, const void *p)
{
	if ((s->n + 1) * 2 > s->cap) {
		ptrset old = *s;
		s->cap = old.cap ? 2 * old.cap : 64;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i])
				ptrset_add(s, old.slots[i]);
		free(old.slots);
	}
	size_t mask = s->cap - 1;
	for (size_t i = ptr_hash(p) & mask;; i = (i + 1) & mask) {
		if (s->slots[i] == p)
			return false;
		if (!s->slots[i]) {
			s->slots[i] = p;
			s->n++;
			return true;
		}
	}
}

static void ptrset_clear(ptrset *s)
{
	if (s->n)
		memset(s->slots, 0, s->cap * sizeof(*s->slots));
	s->n = 0;
}

/* ---- lines of the file ----------------------------------------------------------------------- */

/* Offset where line (1-based) starts, or SIZE_MAX past the end. The cursor moves from
 * where it was, so lookups in file order cost one pass. */
static bool spend(scan *sc, size_t n)
{
	if (n > sc->seek_budget) {
		sc->seek_budget = 0;
		return false;
	}
	sc->seek_budget -= n;
	return true;
}

static size_t line_offset(scan *sc, unsigned line)
{
	if (line == 0 || sc->seek_budget == 0)
		return SIZE_MAX;
	while (sc->lc_line < line) {
		const char *nl = memchr(sc->data + sc->lc_off, '\n', sc->len - sc->lc_off);
		if (!nl)
			return SIZE_MAX;
		size_t next = (size_t)(nl - sc->data) + 1;
		if (!spend(sc, next - sc->lc_off))
			return SIZE_MAX;
		sc->lc_off = next;
		sc->lc_line++;
	}
	while (sc->lc_line > line) {
		size_t p = sc->lc_off - 1; /* the newline that ends the line before */
		while (p > 0 && sc->data[p - 1] != '\n')
			p--;
		if (!spend(sc, sc->lc_off - p))
			return SIZE_MAX;
		sc->lc_off = p;
		sc->lc_line--;
	}
	return sc->lc_off;
}

/* The text of a line, without its line break (CR LF too). */
static bool line_text(scan *sc, unsigned line, const char **ret_s, const char **ret_e)
{
	size_t off = line_offset(sc, line);
	if (off == SIZE_MAX)
		return false;
	const char *s = sc->data + off;
	const char *nl = memchr(s, '\n', sc->len - off);
	const char *e = nl ? nl : sc->data + sc->len;
	if (!spend(sc, (size_t)(e - s)))
		return false;
	if (e > s && e[-1] == '\r')
		e--;
	*ret_s = s;
	*ret_e = e;
	return true;
}

/* Move past one byte of d at *p, keeping (*line, *col) the position of d[*p]; columns
 * count characters, not bytes. */
static void step(const char *d, size_t len, size_t *p, unsigned *line, unsigned *col)
{
	if (d[*p] == '\n') {
		(*line)++;
		*col = 1;
	} else if (*p + 1 >= len || ((unsigned char)d[*p + 1] & 0xc0) != 0x80) {
		(*col)++;
	}
	(*p)++;
}

/* Offset of (line, col) in the file, or SIZE_MAX. Walks on from the last lookup when it
 * is further along the same line (flow sequences put many scalars on one line). */
static size_t offset_of(scan *sc, unsigned line, unsigned col)
{
	size_t off;
	unsigned l = line, c = 1;
	if (sc->oc_line == line && sc->oc_col <= col) {
		off = sc->oc_off;
		c = sc->oc_col;
	} else if ((off = line_offset(sc, line)) == SIZE_MAX) {
		return SIZE_MAX;
	}
	size_t from = off;
	while (c < col && off < sc->len && sc->data[off] != '\n')
		step(sc->data, sc->len, &off, &l, &c);
	if (!spend(sc, off - from))
		return SIZE_MAX;
	sc->oc_off = off;
	sc->oc_line = line;
	sc->oc_col = c;
	return off;
}

/* ---- ignore comments ------------------------------------------------------------------------- */

/* The ignore comment after hash ('#') on a line ending at e, copied, or NULL when the
 * comment is not one: its first word must name vakt or a peer whose ignores vakt knows. */
static const char *ignore_text(scan *sc, const char *hash, const char *e)
{
	static const char *const tools[] = {"vakt",    "hadolint", "trivy",
					    "checkov", "kics",	   "kics-scan"};
	const char *s = hash + 1;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	const char *w = s;
	while (w < e && (isalnum((unsigned char)*w) || *w == '-'))
		w++;
	size_t wl = (size_t)(w - s);
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(tools); i++)
		if (strlen(tools[i]) == wl && strncasecmp(s, tools[i], wl) == 0)
			return vakt_arena_strndup(sc->a, s, (size_t)(e - s));
	return NULL;
}

/* A comment on a block scalar's header line (run: | # ...), or NULL. */
static const char *header_comment(const char *s, const char *e)
{
	for (const char *p = s + 1; p < e; p++)
		if (*p == '#' && (p[-1] == ' ' || p[-1] == '\t'))
			return p;
	return NULL;
}

/* The ignore comment for a command starting on line, on the comment lines right above it:
 * vakt's own if there is one, else the nearest peer's. */
static const char *find_ignore_uncached(scan *sc, unsigned line)
{
	const char *nearest = NULL;
	unsigned k = 0;
	for (unsigned l = line - 1; line > 1 && l >= 1 && k < IGNORE_LOOKUP_LINES; l--, k++) {
		const char *s, *e, *c = NULL;
		if (!line_text(sc, l, &s, &e))
			break;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (l == sc->hdr_line) {
			const char *h = s < e ? header_comment(s, e) : NULL;
			c = h ? ignore_text(sc, h, e) : NULL;
		} else if (s < e && *s == '#') {
			c = ignore_text(sc, s, e);
		} else {
			break;
		}
		if (c && strncasecmp(c, "vakt", 4) == 0)
			return c;
		nearest = nearest ? nearest : c;
	}
	return nearest;
}

static const char *find_ignore(scan *sc, unsigned line)
{
	if (line && line == sc->ign_line && sc->hdr_line == sc->ign_hdr)
		return sc->ign;
	sc->ign = find_ignore_uncached(sc, line);
	sc->ign_line = line;
	sc->ign_hdr = sc->hdr_line;
	return sc->ign;
}

/* ---- results --------------------------------------------------------------------------------- */

static found *new_found(scan *sc)
{
	if (sc->nfound == sc->capfound) {
		sc->capfound = sc->capfound ? 2 * sc->capfound : 16;
		sc->found = xreallocarray(sc->found, sc->capfound, sizeof(*sc->found));
	}
	found *f = &sc->found[sc->nfound++];
	memset(f, 0, sizeof(*f));
	f->seq = sc->seq++;
	return f;
}

static void add_error(scan *sc, vakt_error *e)
{
	if (!e)
		vakt_error_set_at(&e, VAKT_E_INVALID, sc->file, 0, 0, "unreadable command");
	found *f = new_found(sc);
	f->err = e;
	f->line = e->line;
	f->col = e->col;
}

static void add_run(scan *sc, const vakt_ctr *c)
{
	found *f = new_found(sc);
	f->run.ctr = *c;
	f->run.ignore_comment = find_ignore(sc, c->pos.line);
	f->line = c->pos.line;
	f->col = c->pos.col;
}

static int found_cmp(const void *pa, const void *pb)
{
	const found *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Report what was found, in file order. */
static void flush(scan *sc)
{
	if (sc->nfound > 1)
		qsort(sc->found, sc->nfound, sizeof(*sc->found), found_cmp);
	for (size_t i = 0; i < sc->nfound; i++) {
		found *f = &sc->found[i];
		if (f->err) {
			if (sc->on_error)
				sc->on_error(f->err, sc->ud);
			vakt_error_free(f->err);
		} else if (sc->fn) {
			sc->fn(&f->run, sc->ud);
		}
	}
	sc->nfound = 0;
}

/* A YAML value of the wrong shape: an error for that value, the scan goes on. */
static void shape_error(scan *sc, const vakt_node *n, const char *where, const char *want)
{
	vakt_error *e = NULL;
	vakt_error_set_at(&e, VAKT_E_INVALID, sc->file, n->line, n->col, "%s: expected %s, got %s",
			  where, want, vakt_node_kind_name(n));
	add_error(sc, e);
}

/* ---- shell text ------------------------------------------------------------------------------ */

static void on_command(const sh_token *words, size_t n, void *ud)
{
	scan *sc = ud;
	if (!vakt_dockerrun_is_run(words, n, NULL))
		return;
	vakt_ctr c;
	vakt_error *e = NULL;
	if (vakt_dockerrun_parse(sc->file, words, n, sc->a, &c, &e) < 0)
		add_error(sc, e);
	else
		add_run(sc, &c);
}

static void scan_source(scan *sc, const sh_source *src, unsigned depth)
{
	sh_token *toks;
	size_t n;
	vakt_error *e = NULL;
	if (depth > 0 && vakt_shell_tokenize(sc->file, src, &sc->tmp, &toks, &n, &e) < 0) {
		/* the outer text was read already: a second reading of the inner text
		 * (backquotes keep their escapes) is not a new problem */
		vakt_error_free(e);
		return;
	}
	if (depth == 0 && vakt_shell_tokenize_partial(sc->file, src, &sc->tmp, &toks, &n, &e) < 0)
		add_error(sc, e); /* and look at the lines before the error, which sh runs */
	vakt_shell_commands(toks, n, on_command, sc);
	if (depth >= SCAN_MAX_DEPTH)
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < toks[i].nsubst; j++)
			scan_source(sc, &toks[i].subst[j], depth + 1);
}

/* One shell text from the file: its tokens die with it. */
static void scan_top(scan *sc, const sh_source *src)
{
	scan_source(sc, src, 0);
	vakt_arena_reset(&sc->tmp);
}

/* ---- Makefiles ------------------------------------------------------------------------------- */

/* End of the logical line starting at off (continuation lines joined): the offset of its
 * final newline, or len. *nlines is how many physical lines it takes. */
static size_t logical_end(const char *d, size_t len, size_t off, unsigned *nlines)
{
	*nlines = 1;
	for (;;) {
		const char *nl = memchr(d + off, '\n', len - off);
		if (!nl)
			return len;
		size_t e = (size_t)(nl - d), q = e;
		if (q > off && d[q - 1] == '\r')
			q--;
		if (q == off || d[q - 1] != '\\')
			return e;
		off = e + 1;
		(*nlines)++;
	}
}

typedef enum make_line {
	MK_OTHER,  /* a directive, a comment, a blank line: the rule context stays */
	MK_RULE,   /* targets: prerequisites [; recipe] */
	MK_ASSIGN, /* a variable assignment: ends the rule context */
	MK_DEFINE, /* define NAME: lines up to endef are a variable's value */
} make_line;

static bool word_is(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(e - s) >= n && memcmp(s, w, n) == 0 &&
	       (s + n == e || s[n] == ' ' || s[n] == '\t' || s[n] == '(');
}

/* What a line that does not start with a tab is; for a rule with a recipe after ';',
 * *ret_recipe is where the recipe starts. */
static make_line classify_make_line(const char *s, const char *e, const char **ret_recipe)
{
	static const char *const directives[] = {"ifeq",     "ifneq", "ifdef",	  "ifndef",
						 "else",     "endif", "include",  "-include",
						 "sinclude", "vpath", "unexport", "endef"};
	*ret_recipe = NULL;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (s == e || *s == '#')
		return MK_OTHER;
	for (bool again = true; again;) {
		again = false;
		static const char *const prefixes[] = {"export", "override", "private"};
		for (size_t i = 0; i < VAKT_ARRAY_SIZE(prefixes); i++) {
			if (word_is(s, e, prefixes[i])) {
				s += strlen(prefixes[i]);
				while (s < e && (*s == ' ' || *s == '\t'))
					s++;
				again = true;
			}
		}
	}
	if (word_is(s, e, "define"))
		return MK_DEFINE;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(directives); i++)
		if (word_is(s, e, directives[i]))
			return MK_OTHER;
	unsigned depth = 0;
	for (const char *p = s; p < e; p++) {
		if (*p == '$' && p + 1 < e && (p[1] == '(' || p[1] == '{')) {
			depth++;
			p++;
		} else if (depth && (*p == ')' || *p == '}')) {
			depth--;
		} else if (!depth && *p == '=') {
			return MK_ASSIGN; /* =, ?=, +=, != */
		} else if (!depth && *p == ':') {
			const char *q = p;
			while (q < e && *q == ':')
				q++;
			if (q < e && *q == '=')
				return MK_ASSIGN; /* :=, ::=, :::= */
			for (; q < e; q++) {
				if (*q == '$' && q + 1 < e && (q[1] == '(' || q[1] == '{'))
					depth++;
				else if (depth && (*q == ')' || *q == '}'))
					depth--;
				else if (!depth && *q == ';') {
					*ret_recipe = q + 1;
					break;
				}
			}
			return MK_RULE;
		}
	}
	return MK_OTHER;
}

/* One recipe line, [off, end) of the file, starting at (line, col): the prefixes @ - +
 * dropped, $$ made $, and the tab that starts each continuation line dropped, as make
 * hands the line to the shell. */
static void make_recipe(scan *sc, size_t off, unsigned line, unsigned col, size_t end)
{
	const char *d = sc->data;
	while (off < end && d[off] && strchr("@-+ \t", d[off]))
		step(d, sc->len, &off, &line, &col);
	if (off >= end)
		return;
	_cleanup_free_ char *text = xmalloc(end - off);
	_cleanup_free_ sh_pos *map = xreallocarray(NULL, end - off, sizeof(*map));
	size_t n = 0;
	while (off < end) {
		map[n] = (sh_pos){line, col};
		if (d[off] == '$' && off + 1 < end && d[off + 1] == '$') {
			text[n++] = '$';
			step(d, sc->len, &off, &line, &col);
			step(d, sc->len, &off, &line, &col);
			continue;
		}
		text[n++] = d[off];
		bool newline = d[off] == '\n';
		step(d, sc->len, &off, &line, &col);
		if (newline && off < end && d[off] == '\t')
			step(d, sc->len, &off, &line, &col);
	}
	sh_source src = {text, n, map[0].line, map[0].col, NULL, 0, map};
	scan_top(sc, &src);
}

static void make_scan(scan *sc)
{
	bool in_rule = false, in_define = false;
	size_t off = 0;
	unsigned line = 1;
	while (off < sc->len) {
		unsigned nlines;
		size_t end = logical_end(sc->data, sc->len, off, &nlines);
		const char *s = sc->data + off, *e = sc->data + end, *recipe;
		if (in_define) {
			const char *t = s;
			while (t < e && (*t == ' ' || *t == '\t'))
				t++;
			in_define = !word_is(t, e, "endef");
		} else if (*s == '\t') {
			if (in_rule)
				make_recipe(sc, off + 1, line, 2, end);
		} else {
			switch (classify_make_line(s, e, &recipe)) {
			case MK_RULE:
				in_rule = true;
				if (recipe) {
					unsigned l = line, c = 1;
					size_t p = off;
					while (p < (size_t)(recipe - sc->data))
						step(sc->data, sc->len, &p, &l, &c);
					make_recipe(sc, p, l, c, end);
				}
				break;
			case MK_ASSIGN: in_rule = false; break;
			case MK_DEFINE:
				in_rule = false;
				in_define = true;
				break;
			case MK_OTHER:
			default: break;
			}
		}
		off = end < sc->len ? end + 1 : sc->len;
		line += nlines;
	}
}

/* ---- YAML scalars ---------------------------------------------------------------------------- */

static size_t leading_spaces(const char *s, const char *e)
{
	const char *p = s;
	while (p < e && *p == ' ')
		p++;
	return (size_t)(p - s);
}

/* A literal block (|): content line i is file line hdr_line + 1 + i, indented by the
 * block's indentation, which the first non-empty line shows (its indentation in the file
 * less the spaces it keeps in the value). */
static void scan_literal(scan *sc, const vakt_node *n, unsigned hdr_line)
{
	const char *v = n->scalar.str, *ve = v + n->scalar.len;
	size_t nlines = 1;
	for (const char *p = v; p < ve; p++)
		nlines += *p == '\n';
	size_t indent = 0;
	const char *ls = v;
	for (size_t i = 0; i < nlines; i++) {
		const char *le = memchr(ls, '\n', (size_t)(ve - ls));
		le = le ? le : ve;
		size_t vs = leading_spaces(ls, le);
		const char *rs, *re;
		if (ls + vs < le && line_text(sc, hdr_line + 1 + (unsigned)i, &rs, &re)) {
			size_t raw = leading_spaces(rs, re);
			indent = raw >= vs ? raw - vs : 0;
			break;
		}
		ls = le + 1;
	}
	_cleanup_free_ unsigned *cols = xreallocarray(NULL, nlines, sizeof(*cols));
	for (size_t i = 0; i < nlines; i++)
		cols[i] = (unsigned)indent + 1;
	sh_source src = {v, n->scalar.len, hdr_line + 1, (unsigned)indent + 1, cols, nlines, NULL};
	sc->hdr_line = hdr_line;
	scan_top(sc, &src);
	sc->hdr_line = 0;
}

/* Map each byte of a YAML value to the file: the value is the raw text from off with
 * line folding, quote escapes and indentation removed, so each byte is looked for a little
 * ahead in the raw text; a byte that an escape produced (not found) takes the position
 * reached so far. */
static sh_pos *align_value(scan *sc, size_t off, unsigned line, unsigned col, const char *v,
			   size_t vlen)
{
	sh_pos *map = xreallocarray(NULL, vlen ? vlen : 1, sizeof(*map));
	const char *d = sc->data;
	for (size_t i = 0; i < vlen; i++) {
		size_t k = off;
		unsigned kl = line, kc = col;
		for (unsigned w = 0; k < sc->len && w < ALIGN_WINDOW && d[k] != v[i]; w++)
			step(d, sc->len, &k, &kl, &kc);
		if (k < sc->len && d[k] == v[i]) {
			map[i] = (sh_pos){kl, kc};
			off = k;
			line = kl;
			col = kc;
			step(d, sc->len, &off, &line, &col);
		} else {
			map[i] = (sh_pos){line, col};
		}
	}
	return map;
}

/* Any other scalar: folded (>), double- or single-quoted, or plain. The raw text starts at
 * off, (line, col). */
static void scan_mapped(scan *sc, const vakt_node *n, size_t off, unsigned line, unsigned col)
{
	const char *v = n->scalar.str;
	size_t vlen = n->scalar.len;
	sh_source src = {v, vlen, line, col, NULL, 0, NULL};
	bool verbatim = off <= sc->len && vlen <= sc->len - off && !memchr(v, '\n', vlen) &&
			memcmp(sc->data + off, v, vlen) == 0;
	_cleanup_free_ sh_pos *map = NULL;
	if (!verbatim && vlen <= ALIGN_MAX_BYTES && off < sc->len) {
		map = align_value(sc, off, line, col, v, vlen);
		src.pos_map = map;
	}
	scan_top(sc, &src);
}

/* Look for commands in a YAML scalar (each scalar once, however often aliases name it). */
static void scan_scalar(scan *sc, const vakt_node *n)
{
	if (!ptrset_add(&sc->seen, n))
		return;
	unsigned line = n->line, col = n->col;
	size_t off = offset_of(sc, line, col);
	if (off == SIZE_MAX) {
		sh_source src = {n->scalar.str, n->scalar.len, line, col, NULL, 0, NULL};
		scan_top(sc, &src);
		return;
	}
	/* the node starts at its properties (&anchor, !tag) when it has any */
	while (off < sc->len && (sc->data[off] == '&' || sc->data[off] == '!')) {
		while (off < sc->len && !isspace((unsigned char)sc->data[off]))
			step(sc->data, sc->len, &off, &line, &col);
		while (off < sc->len && (sc->data[off] == ' ' || sc->data[off] == '\t'))
			step(sc->data, sc->len, &off, &line, &col);
	}
	char ind = off < sc->len ? sc->data[off] : '\0';
	if (n->style == VAKT_SCALAR_QUOTED && ind == '|') {
		scan_literal(sc, n, line);
	} else if (n->style == VAKT_SCALAR_QUOTED && ind == '>') {
		size_t next = line_offset(sc, line + 1);
		sc->hdr_line = line;
		if (next != SIZE_MAX)
			scan_mapped(sc, n, next, line + 1, 1);
		sc->hdr_line = 0;
	} else if (n->style == VAKT_SCALAR_QUOTED && (ind == '"' || ind == '\'')) {
		step(sc->data, sc->len, &off, &line, &col);
		scan_mapped(sc, n, off, line, col);
	} else {
		scan_mapped(sc, n, off, line, col);
	}
}

/* ---- GitHub Actions -------------------------------------------------------------------------- */

/* A step's shell runs sh syntax: bash or sh, possibly with arguments ("bash -e {0}"). */
static bool shell_is_sh(const vakt_node *shell)
{
	const char *s = vakt_node_str(shell);
	if (!s)
		return true;
	while (*s == ' ')
		s++;
	size_t len = strcspn(s, " \t");
	const char *base = s;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			base = s + i + 1;
	size_t bl = len - (size_t)(base - s);
	return (bl == 4 && strncmp(base, "bash", 4) == 0) ||
	       (bl == 2 && strncmp(base, "sh", 2) == 0);
}

static const vakt_node *default_shell(const vakt_node *m)
{
	return vakt_node_get(vakt_node_get(vakt_node_get(m, "defaults"), "run"), "shell");
}

static void github_steps(scan *sc, const vakt_node *steps, const vakt_node *shell_default,
			 bool windows, const char *where)
{
	if (!steps || steps->type != VAKT_NODE_SEQ || !ptrset_add(&sc->seen, steps))
		return;
	for (size_t i = 0; i < steps->seq.n; i++) {
		const vakt_node *step_node = steps->seq.items[i];
		if (step_node->type != VAKT_NODE_MAP)
			continue;
		const vakt_node *run = vakt_node_get(step_node, "run");
		if (!run)
			continue;
		const vakt_node *shell = vakt_node_get(step_node, "shell");
		shell = shell ? shell : shell_default;
		if (shell ? !shell_is_sh(shell) : windows)
			continue; /* PowerShell, cmd, python: not sh */
		if (run->type != VAKT_NODE_SCALAR) {
			char path[160];
			snprintf(path, sizeof(path), "%s.steps[%zu].run", where, i);
			shape_error(sc, run, path, "a string");
			continue;
		}
		scan_scalar(sc, run);
	}
}

static void github_doc(scan *sc, const vakt_node *root)
{
	const vakt_node *wf_shell = default_shell(root);
	const vakt_node *jobs = vakt_node_get(root, "jobs");
	for (size_t i = 0; jobs && jobs->type == VAKT_NODE_MAP && i < jobs->map.n; i++) {
		const vakt_pair *p = &jobs->map.pairs[i];
		const vakt_node *job = p->value;
		if (p->key->type != VAKT_NODE_SCALAR || job->type != VAKT_NODE_MAP)
			continue;
		const vakt_node *shell = default_shell(job);
		const char *runs_on = vakt_node_str(vakt_node_get(job, "runs-on"));
		bool windows = runs_on && strncasecmp(runs_on, "windows", 7) == 0;
		char where[128];
		snprintf(where, sizeof(where), "jobs.%.100s", p->key->scalar.str);
		github_steps(sc, vakt_node_get(job, "steps"), shell ? shell : wf_shell, windows,
			     where);
	}
	/* a composite action (action.yml) */
	github_steps(sc, vakt_node_get(vakt_node_get(root, "runs"), "steps"), NULL, false, "runs");
}

/* ---- GitLab CI ------------------------------------------------------------------------------- */

static void gitlab_script(scan *sc, const vakt_node *n, const char *where, unsigned depth)
{
	if (!n)
		return;
	if (n->type == VAKT_NODE_SCALAR) {
		scan_scalar(sc, n);
		return;
	}
	if (n->type != VAKT_NODE_SEQ || depth >= GITLAB_LIST_DEPTH) {
		shape_error(sc, n, where, "a string or a list of strings");
		return;
	}
	if ((n->tag && strcmp(n->tag, "!reference") == 0) || !ptrset_add(&sc->seen, n))
		return; /* !reference [.job, script]: read where it is defined */
	for (size_t i = 0; i < n->seq.n; i++) {
		const vakt_node *item = n->seq.items[i];
		if (item->type == VAKT_NODE_MAP)
			shape_error(sc, item, where, "a string or a list of strings");
		else
			gitlab_script(sc, item, where, depth + 1);
	}
}

static void gitlab_scripts_of(scan *sc, const vakt_node *job, const char *name, bool with_script)
{
	static const char *const keys[] = {"before_script", "script", "after_script"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(keys); i++) {
		if (!with_script && i == 1)
			continue;
		char where[160];
		snprintf(where, sizeof(where), "%.100s.%s", name, keys[i]);
		gitlab_script(sc, vakt_node_get(job, keys[i]), where, 0);
	}
}

static bool gitlab_keyword(const char *k)
{
	static const char *const kw[] = {"image", "services", "stages",	  "types", "variables",
					 "cache", "include",  "workflow", "spec"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(kw); i++)
		if (strcmp(k, kw[i]) == 0)
			return true;
	return false;
}

static void gitlab_doc(scan *sc, const vakt_node *root)
{
	for (size_t i = 0; i < root->map.n; i++) {
		const vakt_pair *p = &root->map.pairs[i];
		if (p->key->type != VAKT_NODE_SCALAR || vakt_node_is_merge_key(p->key))
			continue;
		const char *k = p->key->scalar.str;
		const vakt_node *v = vakt_node_is_null(p->value) ? NULL : p->value;
		if (strcmp(k, "before_script") == 0 || strcmp(k, "after_script") == 0)
			gitlab_script(sc, v, k, 0); /* the old global form of default: */
		else if (strcmp(k, "default") == 0 && v && v->type == VAKT_NODE_MAP)
			gitlab_scripts_of(sc, v, k, false);
		else if (!gitlab_keyword(k) && v && v->type == VAKT_NODE_MAP)
			gitlab_scripts_of(sc, v, k, true);
	}
}

/* ---- YAML files ------------------------------------------------------------------------------ */

static int yaml_scan(scan *sc, vakt_error **err)
{
	vakt_doc_stream *st = NULL;
	int r = vakt_doc_stream_open_mem(sc->data, sc->len, sc->file, NULL, &st, err);
	if (r < 0)
		return r;
	vakt_doc *doc;
	while ((r = vakt_doc_stream_next(st, &doc, err)) == 1) {
		ptrset_clear(&sc->seen); /* the nodes die with the document */
		const vakt_node *root = doc->root;
		if (root && root->type == VAKT_NODE_MAP) {
			if (sc->kind == VAKT_SCRIPT_GITHUB)
				github_doc(sc, root);
			else
				gitlab_doc(sc, root);
		}
		flush(sc);
	}
	vakt_doc_stream_free(st);
	return r < 0 ? r : 0;
}

int vakt_scripts_scan(vakt_script_kind kind, const char *file, const char *data, size_t len,
		      vakt_arena *a, vakt_run_fn fn, void (*on_error)(vakt_error *e, void *ud),
		      void *ud, vakt_error **err)
{
	scan sc = {
		.kind = kind,
		.file = file,
		.data = data ? data : "",
		.len = data ? len : 0,
		.a = a,
		.fn = fn,
		.on_error = on_error,
		.ud = ud,
		.lc_line = 1,
		.seek_budget = SEEK_BUDGET_BASE,
	};
	if (sc.len < (SIZE_MAX - SEEK_BUDGET_BASE) / SEEK_BUDGET_PER_BYTE)
		sc.seek_budget += SEEK_BUDGET_PER_BYTE * sc.len;
	vakt_arena_init(&sc.tmp, 0);
	int r = 0;
	switch (kind) {
	case VAKT_SCRIPT_SHELL: {
		sh_source src = {sc.data, sc.len, 1, 1, NULL, 0, NULL};
		scan_top(&sc, &src);
		break;
	}
	case VAKT_SCRIPT_MAKE: make_scan(&sc); break;
	case VAKT_SCRIPT_GITHUB:
	case VAKT_SCRIPT_GITLAB: r = yaml_scan(&sc, err); break;
	default:
		r = vakt_error_set_at(err, VAKT_E_USAGE, file, 0, 0, "unknown script kind %d",
				      (int)kind);
		break;
	}
	flush(&sc);
	free(sc.found);
	free(sc.seen.slots);
	vakt_arena_destroy(&sc.tmp);
	return r;
}
