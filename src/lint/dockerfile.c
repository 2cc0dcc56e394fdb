/* dockerfile.c - a Dockerfile read as BuildKit's frontend reads it; see dockerfile.h.
 *
 * Transcribed from moby/buildkit frontend/dockerfile: parser/parser.go (lines, comments,
 * continuations, heredocs), parser/directives.go, parser/split_command.go (keyword and
 * flags), parser/line_parsers.go (per-instruction argument splitting, JSON), shell/lex.go
 * (variable expansion), instructions/parse.go (FROM, ONBUILD, ARG shapes) and
 * dockerfile2llb/convert.go (which words are expanded, with which variables in scope).
 * Where this file departs from BuildKit on purpose, a comment says so and why.
 *
 * One pass: read a logical line (an instruction with its continuations), split it, read
 * its heredoc bodies, then expand its words with the variables in scope at that point, and
 * move on. Nothing recurses on input except ONBUILD (one level: ONBUILD ONBUILD is refused
 * before its inner instruction is read) and ${...} inside ${...} (bounded by
 * LX_MAX_DEPTH). Every growing structure has a limit; see dockerfile.h.
 *
 * Sections: helpers - parser state - reading lines - words and flags - JSON - expansion
 * (lexer, shell patterns) - variables and scopes - instructions - heredocs - semantics
 * (stages, scopes, expansion) - the main loop - the public functions.
 */
#include "lint/dockerfile.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DF_DEFAULT_MAX_BYTES	    ((size_t)16 << 20)
#define DF_DEFAULT_MAX_INSTRUCTIONS 100000
/* BuildKit reads lines with bufio.Scanner and its default 64 KiB buffer: a longer line
 * fails the build ("dockerfile line greater than max allowed size of 65535"). */
#define DF_MAX_LINE ((size_t)64 * 1024)
/* Words, flags, pairs, heredocs, comments and continuation lines: each costs tens of bytes
 * of model for as few as two bytes of input, so their number is capped to keep memory
 * proportional (a real Dockerfile has a few per line). */
#define DF_MAX_ELEMENTS 1000000
/* ${a:-${b:-${c...}}}: each level is a few C frames; BuildKit has no limit of its own. */
#define LX_MAX_DEPTH 64
/* Work budgets for the pattern operators (${v#*}, ${v//a/b}) and for variable lookups
 * through long FROM-stage chains: far above any real Dockerfile, a bound for hostile ones. */
#define DF_MATCH_BUDGET 200000000ULL
#define DF_SCOPE_BUDGET 50000000ULL
/* encoding/json's scanner refuses nesting deeper than this (and the text is shell form). */
#define JSON_MAX_DEPTH 10000
#define LX_EOF	       UINT32_MAX

/* The default PATH BuildKit gives a stage whose image config sets none (scratch). */
static const char DEFAULT_PATH[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/* ---- small helpers ------------------------------------------------------------------- */

/* A growable array of fixed-size elements (malloc'd; copied into the arena when done). */
typedef struct vec {
	char *v;
	size_t n, cap, size;
} vec;

static void vec_init(vec *a, size_t size)
{
	a->v = NULL;
	a->n = a->cap = 0;
	a->size = size;
}

static inline void *vec_push(vec *a)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = xreallocarray(a->v, a->cap, a->size);
	}
	void *e = a->v + a->n * a->size;
	memset(e, 0, a->size);
	a->n++;
	return e;
}

static void *vec_at(const vec *a, size_t i)
{
	return a->v + i * a->size;
}

static void vec_free(vec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* The elements, copied into the arena (never NULL, so callers can index an empty array). */
static void *vec_to_arena(vakt_arena *ar, const vec *a)
{
	if (!a->n)
		return vakt_arena_calloc(ar, 1, a->size);
	void *p = vakt_arena_alloc(ar, a->n * a->size); /* vec_push checked the product */
	memcpy(p, a->v, a->n * a->size);
	return p;
}

/* One character at s[0..len): its code point and byte length (>= 1). The input is valid
 * UTF-8 (checked up front), so the fallback only guards against misuse. ASCII, nearly all
 * of a Dockerfile, is decoded here without a call. */
static inline size_t rune_at(const char *s, size_t len, uint32_t *cp)
{
	if (len && (unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	size_t n = vakt_utf8_decode((const unsigned char *)s, len, cp);
	if (n == 0) {
		*cp = 0xfffd;
		return 1;
	}
	return n;
}

/* unicode.IsSpace for an ASCII byte: \t \n \v \f \r and the space. */
static inline bool ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Go's unicode.IsSpace. */
static inline bool go_space(uint32_t c)
{
	if (c < 0x80)
		return ascii_space((unsigned char)c);
	/* clang-format off */
	switch (c) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xa0:
	case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
	/* clang-format on */
}

/* Go's unicode.IsLetter, exact for Latin-1 and approximated above it (BuildKit accepts
 * any letter in a variable name): the punctuation, symbol, private-use and emoji blocks are
 * not letters, the rest is. Only names with such characters can differ. */
static bool go_letter(uint32_t c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (c < 0x100)
		return c == 0xaa || c == 0xb5 || c == 0xba || (c >= 0xc0 && c != 0xd7 && c != 0xf7);
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x2000 && c <= 0x2bff) ||
	    (c >= 0x3000 && c <= 0x303f) || (c >= 0xe000 && c <= 0xf8ff) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfff0 && c <= 0xffff) ||
	    (c >= 0x1f000 && c < 0x20000) || c >= 0xe0000)
		return false;
	return true;
}

static bool go_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* The blanks of BuildKit's `[\t\v\f\r ]+` (tokenWhitespace, reWhitespace). */
static inline bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* skip_space past non-ASCII white space (the loop handles ASCII as well). */
static size_t skip_space_slow(const char *s, size_t i, size_t end)
{
	while (i < end) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x80) {
			if (!ascii_space(b))
				break;
			i++;
			continue;
		}
		uint32_t c;
		size_t n = rune_at(s + i, end - i, &c);
		if (!go_space(c))
			break;
		i += n;
	}
	return i;
}

/* First index at or after i in s[..end) that is not white space (unicode.IsSpace): ASCII
 * inline, the rest out of line. */
static inline size_t skip_space(const char *s, size_t i, size_t end)
{
	while (i < end && (unsigned char)s[i] < 0x80) {
		if (!ascii_space((unsigned char)s[i]))
			return i;
		i++;
	}
	return i < end ? skip_space_slow(s, i, end) : i;
}

/* End of s[start..end) with trailing white space (unicode.IsSpace) removed. */
static size_t rtrim_space(const char *s, size_t start, size_t end)
{
	while (end > start) {
		unsigned char last = (unsigned char)s[end - 1];
		if (last < 0x80) {
			if (!ascii_space(last))
				break;
			end--;
			continue;
		}
		size_t b = end - 1;
		while (b > start && ((unsigned char)s[b] & 0xc0) == 0x80 && end - b < 4)
			b--;
		uint32_t c;
		rune_at(s + b, end - b, &c);
		if (!go_space(c))
			break;
		end = b;
	}
	return end;
}

/* ---- the parser state ------------------------------------------------------------------ */

/* One piece of a logical line: bytes [lofs, next piece's lofs) come from data[src...]. */
typedef struct seg {
	size_t lofs, src, line_start;
	unsigned line;
} seg;

typedef struct var {
	const char *name;
	size_t nlen;
	size_t hash;	   /* name_hash of the name, kept for growing the table */
	const char *value; /* NULL: set, but its value is not known statically */
	int index;	   /* in the table of stage names: the latest stage with the name */
} var;

/* Variables in scope: an open-addressing table, plus the stage it continues from. */
typedef struct scope {
	var *slots;
	size_t cap, n;
	int parent;	 /* stage whose final scope this one starts from; -1 for none */
	bool image_root; /* the chain starts at a registry image, whose ENV is unknown */
} scope;

typedef struct parser {
	const char *file;
	const char *data;
	size_t len;
	vakt_arena *arena;
	vakt_error **err;
	size_t max_instructions;
	size_t elements;
	char escape;

	/* reading */
	size_t pos;	 /* next unread byte */
	unsigned lineno; /* the last line read */
	bool directives_done;
	unsigned seen_directives;

	/* column cache: the column of cc_off on the line starting at cc_start */
	size_t cc_start, cc_off;
	unsigned cc_col;
	bool ascii; /* the input has no byte above 0x7f: a column is a byte offset plus one */

	/* the logical line being read, and where its pieces come from */
	vakt_buf ll;
	vec segs;
	size_t seg_hint; /* the piece map_pos found last */

	/* results */
	vec insts, comments, stages, directives;
	size_t pending_comments; /* comments[pending_comments..] wait for their instruction */
	vec inside;		 /* indexes of comments inside the current continuation */

	/* scratch, emptied and reused by each instruction rather than allocated for it:
	 * build_instruction's flags, the words and pairs of the kind's line parser, one word
	 * being decoded (a flag, a JSON string), and expand's output. None is held across
	 * the only recursion, ONBUILD's inner instruction, which starts after the outer one
	 * is done with them. */
	vec flags, words, pairs;
	vakt_buf wbuf, xout;
	/* the arrays of no words and no flags: one zeroed element each, shared by every
	 * instruction with none (nothing reads or writes an array past its count) */
	df_word *no_words;
	df_flag *no_flags;

	/* variables */
	scope global;
	vec scopes;	   /* one per stage */
	scope stage_names; /* lower-cased stage name -> index of the latest stage so named */
	const char *const *build_args;
	uint64_t expand_bytes, expand_budget, match_steps, scope_steps;
	bool fatal; /* a budget ran out inside the lexer; the error is set */
} parser;

static int perr(parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int perr(parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vakt_error_set_at(p->err, code, p->file, line, col, "%s", msg);
}

/* Count an element against DF_MAX_ELEMENTS. */
static inline int count_element(parser *p, unsigned line)
{
	if (++p->elements > DF_MAX_ELEMENTS)
		return perr(p, VAKT_E_LIMIT, line, 0,
			    "more than %d words, flags, comments and continuation lines in the "
			    "Dockerfile",
			    DF_MAX_ELEMENTS);
	return 0;
}

/* col_of in a file with non-ASCII text, where columns are counted. Words are located in
 * increasing order, so the last answer is usually a good starting point: that keeps
 * locating every word of a long line linear. */
static unsigned col_of_utf8(parser *p, size_t line_start, size_t off)
{
	size_t from = line_start;
	unsigned col = 1;
	if (p->cc_start == line_start && p->cc_off <= off) {
		from = p->cc_off;
		col = p->cc_col;
	}
	const unsigned char *d = (const unsigned char *)p->data;
	for (size_t i = from; i < off; i++)
		col += (d[i] & 0xc0) != 0x80;
	p->cc_start = line_start;
	p->cc_off = off;
	p->cc_col = col;
	return col;
}

/* Column (1-based, in characters) of byte off on the line that starts at line_start. */
static inline unsigned col_of(parser *p, size_t line_start, size_t off)
{
	if (p->ascii)
		return (unsigned)(off - line_start + 1); /* lines are shorter than DF_MAX_LINE */
	return col_of_utf8(p, line_start, off);
}

/* The piece of the logical line that holds offset lofs: the last one starting at or
 * before it (pieces start at strictly increasing offsets, the first at 0). */
static size_t find_seg(parser *p, size_t lofs)
{
	size_t lo = 0, hi = p->segs.n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (((seg *)vec_at(&p->segs, mid))->lofs <= lofs)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* File position of offset lofs of the logical line. */
static inline void map_pos(parser *p, size_t lofs, unsigned *line, unsigned *col)
{
	const seg *segs = (const seg *)p->segs.v;
	size_t n = p->segs.n, h = p->seg_hint;
	if (n == 0) {
		*line = p->lineno;
		*col = 1;
		return;
	}
	/* words are located in increasing order: the piece of the last answer usually holds
	 * this offset too */
	if (!(h < n && segs[h].lofs <= lofs && (h + 1 == n || segs[h + 1].lofs > lofs)))
		p->seg_hint = h = find_seg(p, lofs);
	const seg *s = &segs[h];
	*line = s->line;
	*col = col_of(p, s->line_start, s->src + (lofs - s->lofs));
}

/* Line and column of byte off of the file, counted from the start (for errors only). */
static void file_pos(const parser *p, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	size_t start = p->len >= 3 && memcmp(p->data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	for (size_t i = start; i < off && i < p->len; i++) {
		if (p->data[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)p->data[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* ---- reading lines --------------------------------------------------------------------- */

typedef struct rline {
	size_t start; /* first byte (after a byte-order mark on line 1) */
	size_t end;   /* end of the content: trailing \r and \n removed (BuildKit's trimNewline) */
	size_t next;  /* first byte of the next line */
	unsigned no;
} rline;

/* Security: NUL bytes and invalid UTF-8 are refused before anything else reads the input,
 * so every later step can decode characters without checking, and no string in the model
 * is cut short by a NUL or carries bytes a terminal could misread. */
static int check_text(parser *p)
{
	const unsigned char *d = (const unsigned char *)p->data;
	size_t i = 0;
	p->ascii = true;
	while (i < p->len) {
		/* eight bytes at a time while they are all ASCII and none is NUL: v has a high
		 * bit set for a non-ASCII byte, and v - 0x0101... sets the high bit of its lowest
		 * NUL byte (the bytes below it, all 0x01..0x7f, borrow nothing); either sends the
		 * bytes to the checks below, as does a harmless false alarm past a NUL */
		while (p->len - i >= 8) {
			uint64_t v;
			memcpy(&v, d + i, 8);
			if ((v | (v - 0x0101010101010101ULL)) & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i == p->len)
			break;
		if (d[i] >= 0x01 && d[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = d[i] ? vakt_utf8_decode(d + i, p->len - i, &cp) : 0;
		if (n == 0) {
			unsigned line, col;
			file_pos(p, i, &line, &col);
			if (d[i] == 0)
				return perr(p, VAKT_E_PARSE, line, col, "NUL byte in a Dockerfile");
			return perr(p, VAKT_E_PARSE, line, col, "invalid UTF-8 (byte 0x%02x)",
				    d[i]);
		}
		p->ascii = false;
		i += n;
	}
	return 0;
}

/* Read the next physical line into *l: 1, 0 at the end, or a negative code. */
static int next_line(parser *p, rline *l)
{
	if (p->pos >= p->len)
		return 0;
	size_t s = p->pos;
	const char *nl = memchr(p->data + s, '\n', p->len - s);
	size_t next = nl ? (size_t)(nl - p->data) + 1 : p->len;
	/* bufio.Scanner: a line and its newline must fit the 64 KiB buffer; a last line without
	 * a newline must leave one byte free, or the scanner gives up before it sees the end */
	if (next - s > DF_MAX_LINE || (!nl && next - s >= DF_MAX_LINE))
		return perr(p, VAKT_E_LIMIT, p->lineno + 1, 1,
			    "line longer than BuildKit's maximum of %zu bytes", DF_MAX_LINE - 1);
	l->no = ++p->lineno;
	if (s == 0 && p->len >= 3 && memcmp(p->data, "\xef\xbb\xbf", 3) == 0)
		s = 3;
	size_t e = next;
	while (e > s && (p->data[e - 1] == '\n' || p->data[e - 1] == '\r'))
		e--;
	l->start = s;
	l->end = e;
	l->next = next;
	p->pos = next;
	return 1;
}

/* BuildKit's line-continuation regexp `([^E])E[ \t]*$|^E[ \t]*$` (E the escape character)
 * on data[s..*e): true when it matches, with *e moved before the escape character. An
 * escape preceded by another escape ("foo \\") is not a continuation. */
static bool trim_continuation(const parser *p, size_t s, size_t *e)
{
	const char *d = p->data;
	size_t t = *e;
	while (t > s && (d[t - 1] == ' ' || d[t - 1] == '\t'))
		t--;
	if (t == s || d[t - 1] != p->escape)
		return false;
	if (t - 1 > s && d[t - 2] == p->escape)
		return false;
	*e = t - 1;
	return true;
}

/* Append data[s..e) of line l to the logical line. */
static int append_piece(parser *p, size_t s, size_t e, const rline *l)
{
	if (e <= s)
		return 0;
	int r = count_element(p, l->no);
	if (r < 0)
		return r;
	seg *g = vec_push(&p->segs);
	g->lofs = p->ll.len;
	g->src = s;
	g->line = l->no;
	g->line_start = l->start;
	if (vakt_buf_append_fast(&p->ll, p->data + s, e - s) < 0)
		return perr(p, VAKT_E_LIMIT, l->no, 1, "instruction longer than the input limit");
	return 0;
}

/* A comment line: '#' at data[hash]. */
static int add_comment(parser *p, const rline *l, size_t hash, bool inside)
{
	int r = count_element(p, l->no);
	if (r < 0)
		return r;
	size_t s = skip_space(p->data, hash + 1, l->end);
	size_t e = rtrim_space(p->data, s, l->end);
	df_comment *c = vec_push(&p->comments);
	c->text = vakt_arena_strndup(p->arena, p->data + s, e - s);
	c->line = l->no;
	c->next_instruction = -1;
	c->in_instruction = -1;
	if (inside)
		*(size_t *)vec_push(&p->inside) = p->comments.n - 1;
	return 0;
}

/* A parser directive on a top line (directives.go): "#" then `key = value`, with key one
 * of syntax, escape, check in any case. Anything else ends the directives for good: a
 * blank line, an instruction, any other comment. Sets *is to whether the line was one. */
static int try_directive(parser *p, const rline *l, size_t s, bool *is)
{
	const char *d = p->data;
	size_t e = l->end;
	*is = false;
	if (p->directives_done)
		return 0;
	p->directives_done = true;
	if (s >= e || d[s] != '#')
		return 0;
	size_t k = skip_space(d, s + 1, e), i = k;
	if (i >= e || !((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'z'))
		return 0;
	while (i < e &&
	       (((d[i] | 0x20) >= 'a' && (d[i] | 0x20) <= 'z') || (d[i] >= '0' && d[i] <= '9')))
		i++;
	size_t klen = i - k;
#define RE_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\f' || (c) == '\r' || (c) == '\n')
	while (i < e && RE_SPACE(d[i]))
		i++;
	if (i >= e || d[i] != '=')
		return 0;
	i++;
	if (i >= e)
		return 0;
	/* `\s*(.+?)\s*$`: the value without surrounding white space; when there is nothing
	 * but white space, the regexp's backtracking leaves the last character as the value */
	size_t vs = i, ve = e;
	while (vs < e && RE_SPACE(d[vs]))
		vs++;
	if (vs == e) {
		vs = e - 1;
	} else {
		while (ve > vs && RE_SPACE(d[ve - 1]))
			ve--;
	}
#undef RE_SPACE
	static const char *const names[] = {"syntax", "escape", "check"};
	int which = -1;
	for (int n = 0; n < 3; n++) {
		if (klen == strlen(names[n]) && strncasecmp(d + k, names[n], klen) == 0)
			which = n;
	}
	if (which < 0)
		return 0;
	unsigned col = col_of(p, l->start, s);
	if (p->seen_directives & (1u << which))
		return perr(p, VAKT_E_PARSE, l->no, col, "only one %s parser directive can be used",
			    names[which]);
	p->seen_directives |= 1u << which;
	if (which == 1) {
		if (ve - vs != 1 || (d[vs] != '\\' && d[vs] != '`'))
			return perr(p, VAKT_E_PARSE, l->no, col,
				    "invalid escape token '%.*s' does not match ` or \\",
				    (int)(ve - vs > 64 ? 64 : ve - vs), d + vs);
		p->escape = d[vs];
	}
	df_directive *dir = vec_push(&p->directives);
	dir->name = names[which];
	dir->value = vakt_arena_strndup(p->arena, d + vs, ve - vs);
	dir->line = l->no;
	p->directives_done = false;
	*is = true;
	return 0;
}

/* ---- words and flags ------------------------------------------------------------------- */

/* A word of the logical line: where it starts, and its text (arena). */
typedef struct rword {
	size_t start;
	const char *s;
	size_t n;
} rword;

/* A word whose text s[0..n) is already in the arena, NUL-terminated. */
static inline int push_kept_rword(parser *p, vec *out, size_t start, const char *s, size_t n)
{
	int r = count_element(p, p->lineno);
	if (r < 0)
		return r;
	rword *w = vec_push(out);
	w->start = start;
	w->s = s;
	w->n = n;
	return 0;
}

static inline int push_rword(parser *p, vec *out, size_t start, const char *s, size_t n)
{
	return push_kept_rword(p, out, start, vakt_arena_strndup(p->arena, s, n), n);
}

/* The bytes parse_words must look at one by one: white space, quotes, both possible escape
 * characters, and every byte of a non-ASCII character (which may be white space). */
/* clang-format off */
static const bool pw_special[256] = {
	['\t'] = true, ['\n'] = true, ['\v'] = true, ['\f'] = true, ['\r'] = true, [' '] = true,
	['\''] = true, ['"'] = true, ['\\'] = true, ['`'] = true,
	[0x80 ... 0xff] = true,
};
/* clang-format on */

/* The words of ll[start..end) as BuildKit's parseWords splits them: at white space outside
 * quotes; quotes and escapes are kept in the word (they are removed later, by expansion);
 * the escape character protects the next character, except inside single quotes.
 *
 * Since quotes and escapes are kept, a word is the text from its first character to the
 * white space that ends it, as written: only an escape at the very end of the text (with
 * nothing left to protect) is dropped. So each word is located, then copied once. */
static int parse_words(parser *p, size_t start, size_t end, vec *out)
{
	const char *l = p->ll.data;
	const unsigned char esc = (unsigned char)p->escape;
	size_t pos = start;
	char *block = NULL; /* where the next word's text goes */
	for (;;) {
		pos = skip_space(l, pos, end);
		if (pos == end)
			return 0;
		size_t wstart = pos, wend;
		unsigned char quote = 0; /* the open quote, or 0 outside quotes */
		bool blank_ok = false;	 /* a quote was seen: the word counts even when empty */
		for (;;) {
			const unsigned char *q = (const unsigned char *)l + pos;
			while (q < (const unsigned char *)l + end && !pw_special[*q])
				q++;
			pos = (size_t)(q - (const unsigned char *)l);
			if (pos == end) {
				wend = end;
				break;
			}
			unsigned char c = (unsigned char)l[pos];
			if (c >= 0x80) {
				uint32_t cp;
				size_t n = rune_at(l + pos, end - pos, &cp);
				if (!quote && go_space(cp)) {
					wend = pos;
					break;
				}
				pos += n;
			} else if (ascii_space(c)) {
				if (!quote) {
					wend = pos;
					break;
				}
				pos++;
			} else if (quote && c == quote) {
				quote = 0;
				pos++;
			} else if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				blank_ok = true;
				pos++;
			} else if (c == esc && quote != '\'') {
				if (pos + 1 == end) { /* an escape at the very end is dropped */
					wend = pos;
					pos = end;
					break;
				}
				uint32_t cp;
				pos += 1 + rune_at(l + pos + 1, end - pos - 1, &cp);
			} else {
				/* a quote inside the other quotes, an escape inside '...', or
				 * the escape character not in use */
				pos++;
			}
		}
		if (blank_ok || wend > wstart) {
			/* the words are copied into one block: each with its NUL takes no more
			 * room than it and the white space after it (the last: the rest of the
			 * text, plus one), so the text from the first word on, plus one, holds
			 * them all */
			if (!block)
				block = vakt_arena_alloc(p->arena, end - wstart + 1);
			size_t n = wend - wstart;
			memcpy(block, l + wstart, n);
			block[n] = '\0';
			int r = push_kept_rword(p, out, wstart, block, n);
			if (r < 0)
				return r;
			block += n + 1;
		}
	}
}

/* The words of ll[start..end) split at runs of `[\t\v\f\r ]` (parseStringsWhitespaceDelimited:
 * FROM, EXPOSE, and COPY/ADD/VOLUME in shell form). */
static int split_blanks(parser *p, size_t start, size_t end, vec *out)
{
	const char *l = p->ll.data;
	size_t i = start;
	while (i < end) {
		while (i < end && blank(l[i]))
			i++;
		if (i == end)
			break;
		size_t s = i;
		while (i < end && !blank(l[i]))
			i++;
		int r = push_rword(p, out, s, l + s, i - s);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Flags before the arguments (split_command.go, extractBuilderFlags): words that start
 * with "--", quotes removed, a backslash protecting the next character; "--" alone ends the
 * flags. *rest is where the arguments start. A value needs "=": "--mount type=cache" is the
 * bare flag --mount, then the arguments (as BuildKit's maintainers put it, Dockerfile flags
 * are strict).
 *
 * BuildKit walks bytes here and widens each to a rune, which turns non-ASCII text into
 * Latin-1 mojibake and takes the bytes 0x85 and 0xa0 (inside UTF-8 sequences) for white
 * space; vakt copies the bytes unchanged, so flag values stay valid UTF-8. */
static int extract_flags(parser *p, size_t start, size_t end, vec *out, size_t *rest)
{
	const char *l = p->ll.data;
	vakt_buf *w = &p->wbuf; /* the flag being read */
	enum { SP, WD, QT } ph = SP;
	char quote = 0;
	bool blank_ok = false;
	size_t wstart = start;
	int r;
	vakt_buf_reset(w);
#define FL_SPACE(c)                                                                                \
	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\v' || (c) == '\f' || (c) == '\r')
	for (size_t pos = start; pos <= end; pos++) {
		char ch = pos < end ? l[pos] : 0;
		if (ph == SP) {
			if (pos == end)
				break;
			if (FL_SPACE(ch))
				continue;
			if (ch != '-' || pos + 1 == end || l[pos + 1] != '-') {
				*rest = pos;
				return 0;
			}
			ph = WD;
			wstart = pos;
		}
		bool dashes = w->len == 2 && memcmp(w->data, "--", 2) == 0;
		if (pos == end || (ph == WD && FL_SPACE(ch))) {
			if (dashes && pos < end) {
				*rest = pos;
				return 0;
			}
			if (!dashes && (blank_ok || w->len) &&
			    (r = push_rword(p, out, wstart, vakt_buf_str(w), w->len)) < 0)
				return r;
			if (pos == end)
				break;
			ph = SP;
			vakt_buf_reset(w);
			blank_ok = false;
			continue;
		}
		if (ph == WD) {
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				ph = QT;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == end)
					continue;
				ch = l[++pos];
			}
			vakt_buf_putc(w, ch);
			continue;
		}
		/* QT */
		if (ch == quote) {
			ph = WD;
			continue;
		}
		if (ch == '\\') {
			if (pos + 1 == end) {
				ph = WD;
				continue;
			}
			ch = l[++pos];
		}
		vakt_buf_putc(w, ch);
	}
#undef FL_SPACE
	*rest = end;
	return 0;
}

/* ---- JSON (exec form) ------------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Four hex digits at s[i..end) after "\u", or -1. */
static long hex4(const char *s, size_t i, size_t end)
{
	if (end - i < 4)
		return -1;
	long v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hexval(s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void put_utf8(vakt_buf *b, uint32_t c)
{
	char u[4];
	size_t n;
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	vakt_buf_append(b, u, n);
}

/* A JSON string at s[*i] == '"': checked as encoding/json's scanner checks it, and decoded
 * into dec (when not NULL) as encoding/json decodes it (a lone surrogate becomes U+FFFD).
 * false when it is not valid JSON. *nul is set when it decodes to a NUL character. */
static bool json_string(const char *s, size_t *i, size_t end, vakt_buf *dec, bool *nul)
{
	size_t k = *i + 1;
	while (k < end) {
		unsigned char c = (unsigned char)s[k];
		if (c == '"') {
			*i = k + 1;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\') {
			size_t run = k;
			while (k < end && s[k] != '"' && s[k] != '\\' &&
			       (unsigned char)s[k] >= 0x20)
				k++;
			if (dec)
				vakt_buf_append_fast(dec, s + run, k - run);
			continue;
		}
		if (k + 1 >= end)
			return false;
		char e = s[k + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char out[] = "\"\\/\b\f\n\r\t";
			if (dec)
				vakt_buf_putc(dec, out[simple - "\"\\/bfnrt"]);
			k += 2;
			continue;
		}
		if (e != 'u')
			return false;
		long u = hex4(s, k + 2, end);
		if (u < 0)
			return false;
		k += 6;
		uint32_t cp = (uint32_t)u;
		if (cp >= 0xd800 && cp < 0xe000) {
			long lo = k + 1 < end && s[k] == '\\' && s[k + 1] == 'u'
					  ? hex4(s, k + 2, end)
					  : -1;
			if (cp < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
				k += 6;
			} else {
				cp = 0xfffd;
			}
		}
		if (cp == 0)
			*nul = true;
		if (dec)
			put_utf8(dec, cp);
	}
	return false;
}

/* A JSON number at s[*i]: its grammar checked; *overflow set when it does not fit a double
 * (encoding/json then fails to decode it into an interface{}). */
static bool json_number(const char *s, size_t *i, size_t end, bool *overflow)
{
	size_t k = *i, b = k;
	if (k < end && s[k] == '-')
		k++;
	if (k < end && s[k] == '0') {
		k++;
	} else if (k < end && s[k] >= '1' && s[k] <= '9') {
		while (k < end && s[k] >= '0' && s[k] <= '9')
			k++;
	} else {
		return false;
	}
	if (k < end && s[k] == '.') {
		size_t d = ++k;
		while (k < end && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	}
	if (k < end && (s[k] == 'e' || s[k] == 'E')) {
		k++;
		if (k < end && (s[k] == '+' || s[k] == '-'))
			k++;
		size_t d = k;
		while (k < end && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == d)
			return false;
	}
	_cleanup_free_ char *num = xstrndup(s + b, k - b);
	if (isinf(strtod(num, NULL)))
		*overflow = true;
	*i = k;
	return true;
}

static bool json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* parseJSON (line_parsers.go) on ll[start..end): 1 and the elements in out when the text is
 * a JSON array of strings; 0 when it is not JSON at all (then BuildKit reads shell form);
 * a negative code when it is a JSON array with another element (BuildKit's error "when
 * using JSON array syntax, arrays must be comprised of strings only"). The walk keeps its
 * own stack of open containers, so deep nesting costs no C stack. Elements go to out as
 * they are read, and are taken back unless the whole text is an array of strings. */
static int parse_json(parser *p, size_t start, size_t end, vec *out)
{
	const char *s = p->ll.data;
	if (start >= end || s[start] != '[')
		return 0;
	/* the open containers: on the C stack for the usual shallow arrays, on the heap past
	 * that (JSON_MAX_DEPTH entries, allocated once) */
	char shallow[64];
	_cleanup_free_ char *deep = NULL;
	char *stack = shallow;
	vakt_buf *dec = &p->wbuf;
	size_t depth = 0, i = start, first = out->n;
	bool nonstring = false, overflow = false, nul = false;
	enum { VALUE, ARR_FIRST, OBJ_FIRST, KEY, AFTER } st = VALUE;
	int ret = 0;
	for (;;) {
		while (i < end && json_ws(s[i]))
			i++;
		if (st == AFTER && depth == 0) {
			if (i == end)
				ret = 1;
			break;
		}
		if (i >= end)
			break;
		char c = s[i];
		if (st == ARR_FIRST || st == OBJ_FIRST) {
			if (c == (st == ARR_FIRST ? ']' : '}')) {
				i++;
				depth--;
				st = AFTER;
				continue;
			}
			st = st == ARR_FIRST ? VALUE : KEY;
		}
		if (st == KEY) {
			if (c != '"' || !json_string(s, &i, end, NULL, &nul))
				break;
			while (i < end && json_ws(s[i]))
				i++;
			if (i >= end || s[i] != ':')
				break;
			i++;
			st = VALUE;
			continue;
		}
		if (st == AFTER) {
			if (c == ',') {
				i++;
				st = stack[depth - 1] == '[' ? VALUE : KEY;
			} else if (c == (stack[depth - 1] == '[' ? ']' : '}')) {
				i++;
				depth--;
			} else {
				break;
			}
			continue;
		}
		/* VALUE */
		bool element = depth == 1;
		if (c == '[' || c == '{') {
			if (depth == JSON_MAX_DEPTH)
				break;
			if (depth == sizeof(shallow) && !deep) {
				deep = xmalloc(JSON_MAX_DEPTH + 1);
				memcpy(deep, shallow, sizeof(shallow));
				stack = deep;
			}
			stack[depth++] = c;
			i++;
			st = c == '[' ? ARR_FIRST : OBJ_FIRST;
			nonstring |= element;
			continue;
		}
		st = AFTER;
		if (c == '"') {
			size_t at = i;
			bool enul = false;
			vakt_buf_reset(dec);
			if (!json_string(s, &i, end, element ? dec : NULL, &enul))
				break;
			if (element) {
				nul |= enul;
				rword *w = vec_push(out);
				w->start = at;
				w->s = vakt_arena_strndup(p->arena, vakt_buf_str(dec), dec->len);
				w->n = dec->len;
			}
			continue;
		}
		nonstring |= element;
		if (c == '-' || (c >= '0' && c <= '9')) {
			if (!json_number(s, &i, end, &overflow))
				break;
			continue;
		}
		const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
		if (!lit || end - i < strlen(lit) || memcmp(s + i, lit, strlen(lit)) != 0)
			break;
		i += strlen(lit);
	}
	if (ret == 1 && overflow)
		ret = 0; /* json.Unmarshal fails on the number: shell form */
	if (ret == 1 && nonstring) {
		unsigned line, col;
		map_pos(p, start, &line, &col);
		ret = perr(
			p, VAKT_E_PARSE, line, col,
			"when using JSON array syntax, arrays must be comprised of strings only");
	} else if (ret == 1 && nul) {
		/* departs from BuildKit, which would pass the NUL on and fail at exec time: a
		 * NUL cannot reach a program's argv, and C strings would hide what follows it */
		unsigned line, col;
		map_pos(p, start, &line, &col);
		ret = perr(p, VAKT_E_PARSE, line, col,
			   "JSON string with a NUL character (\\u0000)");
	}
	if (ret != 1) {
		out->n = first; /* not an array of strings: its elements are no words */
		return ret;
	}
	for (size_t k = first; k < out->n; k++) {
		int r = count_element(p, p->lineno);
		if (r < 0)
			return r;
	}
	return 1;
}

/* ---- expansion: BuildKit's shell lexer (shell/lex.go) ---------------------------------- */

typedef enum var_state { VAR_UNSET, VAR_SET, VAR_UNKNOWN } var_state;

/* Look a variable up: VAR_SET with *val, VAR_UNSET, or VAR_UNKNOWN (set, value not known). */
typedef var_state (*lx_getenv_fn)(void *ud, const char *name, size_t n, const char **val);

enum { LX_ERR = -1, LX_FATAL = -2 };

typedef struct lexer {
	parser *p;
	const char *s;
	size_t len, pos;
	char escape;
	bool raw_quotes, raw_escapes, skip_unset; /* Lex.RawQuotes, .RawEscapes, .SkipUnsetEnv */
	lx_getenv_fn getenv;			  /* NULL: nothing is set */
	void *ud;
	int depth;
	bool unresolved;
	size_t max_out;
	char msg[256]; /* why the last call failed */
} lexer;

/* What is left of the expansion budget: no buffer of a lexer may grow past it. */
static size_t lx_budget(const parser *p)
{
	return p && p->expand_budget ? (size_t)(p->expand_budget - p->expand_bytes)
				     : DF_DEFAULT_MAX_BYTES;
}

static void lx_init(lexer *lx, parser *p, const char *s, size_t len, char escape)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = p;
	lx->s = s;
	lx->len = len;
	lx->escape = escape;
	lx->max_out = lx_budget(p);
	/* text/scanner skips a byte-order mark at the start of what it reads */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		lx->pos = 3;
}

static int lx_fail(lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lx_fail(lexer *lx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lx->msg, sizeof(lx->msg), fmt, ap);
	va_end(ap);
	return LX_ERR;
}

static int lx_fatal(lexer *lx, const char *msg)
{
	snprintf(lx->msg, sizeof(lx->msg), "%s", msg);
	return LX_FATAL;
}

static uint32_t lx_peek(const lexer *lx, size_t *n)
{
	if (lx->pos >= lx->len) {
		*n = 0;
		return LX_EOF;
	}
	uint32_t c;
	*n = rune_at(lx->s + lx->pos, lx->len - lx->pos, &c);
	return c;
}

static uint32_t lx_next(lexer *lx, size_t *n)
{
	uint32_t c = lx_peek(lx, n);
	lx->pos += *n;
	return c;
}

static int lx_put(lexer *lx, vakt_buf *b, const char *s, size_t n)
{
	if (vakt_buf_append_fast(b, s, n) < 0)
		return lx_fatal(lx, "variable expansion longer than the expansion budget");
	return 0;
}

static var_state lx_get(lexer *lx, const char *name, size_t n, const char **val)
{
	*val = "";
	if (!lx->getenv)
		return VAR_UNSET;
	var_state st = lx->getenv(lx->ud, name, n, val);
	if (st == VAR_UNKNOWN)
		lx->unresolved = true;
	return st;
}

/* The words of a ProcessWords call (shell/lex.go's wordsStruct): white space splits words,
 * except inside quotes and in escaped characters; an empty quoted string makes no word. */
typedef void (*lx_word_fn)(void *ud, size_t start, const char *w, size_t n);

typedef struct wordacc {
	vakt_buf w;
	bool in_word;
	size_t start; /* input offset of the token that began the current word */
	lx_word_fn fn;
	void *ud;
} wordacc;

static void wa_emit(wordacc *a)
{
	a->fn(a->ud, a->start, vakt_buf_str(&a->w), a->w.len);
	vakt_buf_reset(&a->w);
	a->in_word = false;
}

static void wa_raw(wordacc *a, const char *b, size_t n, size_t at)
{
	if (!a->in_word)
		a->start = at;
	vakt_buf_append_fast(&a->w, b, n);
	a->in_word = true;
}

static void wa_string(wordacc *a, const char *s, size_t n, size_t at)
{
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = rune_at(s + i, n - i, &c);
		if (!go_space(c))
			wa_raw(a, s + i, k, at);
		else if (a->in_word && a->w.len)
			wa_emit(a);
		i += k;
	}
}

static int lx_dollar(lexer *lx, vakt_buf *out);

/* '...': everything up to the next single quote, as is (copied at once: the budget check
 * of lx_put fails for the whole text exactly when it would fail for a part of it). */
static int lx_single(lexer *lx, vakt_buf *out)
{
	size_t n;
	const char *b = lx->s + lx->pos;
	lx_next(lx, &n);
	if (lx->raw_quotes && lx_put(lx, out, b, n) < 0)
		return LX_FATAL;
	b = lx->s + lx->pos;
	const char *q = memchr(b, '\'', lx->len - lx->pos);
	size_t run = q ? (size_t)(q - b) : lx->len - lx->pos;
	if (lx_put(lx, out, b, run) < 0)
		return LX_FATAL;
	lx->pos += run;
	if (!q)
		return lx_fail(lx, "unexpected end of statement while looking for matching "
				   "single-quote");
	lx->pos++;
	if (lx->raw_quotes && lx_put(lx, out, q, 1) < 0)
		return LX_FATAL;
	return 0;
}

/* "...": variables expanded; the escape character protects only " $ and itself, and an
 * escape before anything else stays (written twice with RawEscapes, as BuildKit does). */
static int lx_double(lexer *lx, vakt_buf *out)
{
	size_t n;
	const char *b = lx->s + lx->pos;
	const uint32_t esc = (unsigned char)lx->escape;
	lx_next(lx, &n);
	if (lx->raw_quotes && lx_put(lx, out, b, n) < 0)
		return LX_FATAL;
	for (;;) {
		uint32_t c = lx_peek(lx, &n);
		b = lx->s + lx->pos;
		if (c == LX_EOF)
			return lx_fail(lx, "unexpected end of statement while looking for matching "
					   "double-quote");
		if (c == '"') {
			lx->pos += n;
			if (lx->raw_quotes && lx_put(lx, out, b, n) < 0)
				return LX_FATAL;
			return 0;
		}
		if (c == '$') {
			int r = lx_dollar(lx, out);
			if (r < 0)
				return r;
			continue;
		}
		if (c != esc) {
			/* a run of characters that stand for themselves, copied at once */
			size_t e = lx->pos + n;
			while (e < lx->len && lx->s[e] != '"' && lx->s[e] != '$' &&
			       (unsigned char)lx->s[e] != esc)
				e++;
			if (lx_put(lx, out, b, e - lx->pos) < 0)
				return LX_FATAL;
			lx->pos = e;
			continue;
		}
		/* the escape character */
		lx->pos += n;
		if (lx->raw_escapes && lx_put(lx, out, b, n) < 0)
			return LX_FATAL;
		size_t n2;
		uint32_t c2 = lx_peek(lx, &n2);
		if (c2 == LX_EOF)
			continue;
		if (c2 == '"' || c2 == '$' || c2 == esc) {
			b = lx->s + lx->pos;
			n = n2;
			lx->pos += n2;
		}
		if (lx_put(lx, out, b, n) < 0)
			return LX_FATAL;
	}
}

/* Whether byte c can start a run of characters that stand for themselves in
 * lx_stop_on_: not one it reads specially, and for ProcessWords ASCII but no white space
 * (white space splits words; other characters are checked one by one there). */
static inline bool lx_plain(const lexer *lx, unsigned char c, uint32_t stop, bool words)
{
	if (c == '$' || c == '\'' || c == '"' || c == (unsigned char)lx->escape || c == stop)
		return false;
	return !words || (c < 0x80 && !ascii_space(c));
}

static int lx_stop_on_(lexer *lx, uint32_t stop, vakt_buf *out, wordacc *wa)
{
	const uint32_t esc = (unsigned char)lx->escape;
	for (;;) {
		size_t n, at = lx->pos;
		if (at < lx->len && lx_plain(lx, (unsigned char)lx->s[at], stop, wa)) {
			/* a run of characters that stand for themselves, copied at once (a
			 * multi-byte character is never special, nor split: its bytes are not
			 * ASCII); a word of ProcessWords grows by the run as by each character */
			size_t e = at + 1;
			while (e < lx->len && lx_plain(lx, (unsigned char)lx->s[e], stop, wa))
				e++;
			if (wa)
				wa_raw(wa, lx->s + at, e - at, at);
			if (lx_put(lx, out, lx->s + at, e - at) < 0)
				return LX_FATAL;
			lx->pos = e;
			continue;
		}
		uint32_t c = lx_peek(lx, &n);
		if (c == LX_EOF)
			break;
		if (stop != LX_EOF && c == stop) {
			lx->pos += n;
			return 0;
		}
		if (c == '$' || c == '\'' || c == '"') {
			size_t mark = out->len;
			int r = c == '$'    ? lx_dollar(lx, out)
				: c == '\'' ? lx_single(lx, out)
					    : lx_double(lx, out);
			if (r < 0)
				return r;
			if (wa && c == '$')
				wa_string(wa, vakt_buf_str(out) + mark, out->len - mark, at);
			else if (wa)
				wa_raw(wa, vakt_buf_str(out) + mark, out->len - mark, at);
			continue;
		}
		const char *b = lx->s + lx->pos;
		lx->pos += n;
		if (c == esc) {
			if (lx->raw_escapes) {
				if (wa)
					wa_raw(wa, b, n, at);
				if (lx_put(lx, out, b, n) < 0)
					return LX_FATAL;
			}
			b = lx->s + lx->pos;
			if (lx_next(lx, &n) == LX_EOF)
				break;
			if (wa)
				wa_raw(wa, b, n, at);
		} else if (wa) {
			wa_string(wa, b, n, at);
		}
		if (lx_put(lx, out, b, n) < 0)
			return LX_FATAL;
	}
	if (stop != LX_EOF)
		return lx_fail(lx, "unexpected end of statement while looking for matching %c",
			       (char)stop);
	return 0;
}

/* processStopOn: read up to stop (LX_EOF: the end) into out; raw_escapes holds for the
 * duration, as BuildKit sets it for the pattern of ${v#...} and ${v/.../...}. */
static int lx_stop_on(lexer *lx, uint32_t stop, bool raw_escapes, vakt_buf *out, wordacc *wa)
{
	bool saved = lx->raw_escapes;
	lx->raw_escapes = raw_escapes;
	int r = lx_stop_on_(lx, stop, out, wa);
	lx->raw_escapes = saved;
	return r;
}

/* processName: letters, digits and _; or a run of digits; or one special parameter. */
static void lx_name(lexer *lx, size_t *ns, size_t *ne)
{
	*ns = lx->pos;
	for (bool first = true;; first = false) {
		size_t n;
		uint32_t c = lx_peek(lx, &n);
		if (c == LX_EOF)
			break;
		if (first && go_digit(c)) {
			while (go_digit(lx_peek(lx, &n)))
				lx->pos += n;
			break;
		}
		if (first && c && c < 0x80 && strchr("@*#?-$!0", (int)c)) {
			lx->pos += n;
			break;
		}
		if (!go_letter(c) && !go_digit(c) && c != '_')
			break;
		lx->pos += n;
	}
	*ne = lx->pos;
}

/* ---- shell patterns for ${v#p} ${v%p} ${v/p/r} (convertShellPatternToRegex) ------------ */

enum { RX_CHAR, RX_ANY, RX_SPLIT, RX_JMP, RX_MATCH };

typedef struct rx_inst {
	uint8_t op;
	uint32_t c, x, y;
} rx_inst;

typedef struct rx_thread {
	uint32_t pc;
	size_t start;
} rx_thread;

/* A regexp of literals, '.' (any character but a newline, as in Go) and '.*' or '.*?',
 * run as a Pike VM: threads in priority order give Go's leftmost-first match in time
 * linear in the text times the pattern, whatever the pattern. */
typedef struct rx_vm {
	parser *p;
	rx_inst *prog;
	size_t np;
	rx_thread *cur, *nxt;
	size_t ncur, nnxt;
	uint32_t *mark, gen, *stack;
} rx_vm;

static void rx_vm_free(rx_vm *vm)
{
	free(vm->prog);
	free(vm->cur);
	free(vm->nxt);
	free(vm->mark);
	free(vm->stack);
}

/* Compile the pattern p[0..n) (code points): 0, or -1 with *bad the character after an
 * invalid escape (LX_EOF at the end). \} and \/ drop the backslash; \*, \? and \\ are
 * literal; any other escape is invalid. */
static int rx_compile(rx_vm *vm, const uint32_t *pat, size_t n, bool greedy, uint32_t *bad)
{
	size_t cap = 3 * n + 1, np = 0;
	vm->prog = xreallocarray(NULL, cap, sizeof(rx_inst));
	size_t i = n && pat[0] == 0xfeff ? 1 : 0; /* text/scanner skips a leading BOM */
	while (i < n) {
		uint32_t t = pat[i++];
		if (t == '*') {
			uint32_t l = (uint32_t)np;
			vm->prog[np++] = (rx_inst){RX_SPLIT, 0, greedy ? l + 1 : l + 3,
						   greedy ? l + 3 : l + 1};
			vm->prog[np++] = (rx_inst){RX_ANY, 0, 0, 0};
			vm->prog[np++] = (rx_inst){RX_JMP, 0, l, 0};
			continue;
		}
		if (t == '?') {
			vm->prog[np++] = (rx_inst){RX_ANY, 0, 0, 0};
			continue;
		}
		if (t == '\\') {
			if (i < n && (pat[i] == '}' || pat[i] == '/'))
				continue;
			t = i < n ? pat[i++] : LX_EOF;
			if (t != '*' && t != '?' && t != '\\') {
				*bad = t;
				return -1;
			}
		}
		vm->prog[np++] = (rx_inst){RX_CHAR, t, 0, 0};
	}
	vm->prog[np++] = (rx_inst){RX_MATCH, 0, 0, 0};
	vm->np = np;
	vm->cur = xreallocarray(NULL, np, sizeof(rx_thread));
	vm->nxt = xreallocarray(NULL, np, sizeof(rx_thread));
	vm->mark = xcalloc(np, sizeof(uint32_t));
	vm->stack = xreallocarray(NULL, 2 * np + 2, sizeof(uint32_t));
	vm->gen = 0;
	return 0;
}

/* Add the thread at pc and what it reaches without reading, in priority order. */
static bool rx_add(rx_vm *vm, rx_thread *list, size_t *nlist, uint32_t pc, size_t start)
{
	size_t sp = 0;
	vm->stack[sp++] = pc;
	while (sp) {
		pc = vm->stack[--sp];
		if (vm->mark[pc] == vm->gen)
			continue;
		vm->mark[pc] = vm->gen;
		if (++vm->p->match_steps > DF_MATCH_BUDGET)
			return false;
		const rx_inst *in = &vm->prog[pc];
		if (in->op == RX_JMP) {
			vm->stack[sp++] = in->x;
		} else if (in->op == RX_SPLIT) {
			vm->stack[sp++] = in->y;
			vm->stack[sp++] = in->x;
		} else {
			list[(*nlist)++] = (rx_thread){pc, start};
		}
	}
	return true;
}

/* The leftmost-first match in v[from..n) (code points): 1 with [*ms, *me), 0 for none,
 * -1 when the work budget is spent. anchored: only a match starting at from. */
static int rx_search(rx_vm *vm, const uint32_t *v, size_t n, size_t from, bool anchored, size_t *ms,
		     size_t *me)
{
	bool matched = false;
	vm->gen++;
	vm->ncur = 0;
	if (!rx_add(vm, vm->cur, &vm->ncur, 0, from))
		return -1;
	for (size_t pos = from;; pos++) {
		vm->gen++;
		vm->nnxt = 0;
		for (size_t i = 0; i < vm->ncur; i++) {
			rx_thread t = vm->cur[i];
			const rx_inst *in = &vm->prog[t.pc];
			if (in->op == RX_MATCH) {
				matched = true;
				*ms = t.start;
				*me = pos;
				break; /* lower-priority threads lose */
			}
			if (pos < n && ((in->op == RX_CHAR && v[pos] == in->c) ||
					(in->op == RX_ANY && v[pos] != '\n'))) {
				if (!rx_add(vm, vm->nxt, &vm->nnxt, t.pc + 1, t.start))
					return -1;
			}
		}
		if (pos >= n)
			break;
		if (!matched && !anchored && !rx_add(vm, vm->nxt, &vm->nnxt, 0, pos + 1))
			return -1;
		if (vm->nnxt == 0)
			break;
		rx_thread *t = vm->cur;
		vm->cur = vm->nxt;
		vm->nxt = t;
		vm->ncur = vm->nnxt;
	}
	return matched;
}

/* Code points of s[0..n) into *cps, and the byte offset of each (plus the end) into *offs. */
static size_t to_runes(const char *s, size_t n, uint32_t **cps, size_t **offs)
{
	*cps = xreallocarray(NULL, n + 1, sizeof(uint32_t));
	*offs = xreallocarray(NULL, n + 1, sizeof(size_t));
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		(*offs)[k] = i;
		i += rune_at(s + i, n - i, &(*cps)[k]);
		k++;
	}
	(*offs)[k] = n;
	return k;
}

static int lx_bad_pattern(lexer *lx, const char *pat, size_t pn, uint32_t bad)
{
	char c[8] = "EOF";
	if (bad != LX_EOF) {
		vakt_buf b = VAKT_BUF_INIT(8);
		put_utf8(&b, bad);
		snprintf(c, sizeof(c), "%s", vakt_buf_str(&b));
		vakt_buf_free(&b);
	}
	return lx_fail(lx, "invalid pattern (%.*s) in substitution: invalid escape '\\%s'",
		       (int)(pn > 64 ? 64 : pn), pat, c);
}

/* ${v#p} ${v##p} (suffix false) and ${v%p} ${v%%p} (suffix true): value without the
 * shortest (greedy: longest) prefix or suffix the pattern matches. The suffix case runs the
 * reversed pattern on the reversed value, as BuildKit's trimSuffix does. */
static int lx_trim(lexer *lx, vakt_buf *out, const char *pat, size_t pn, const char *val, size_t vn,
		   bool greedy, bool suffix)
{
	_cleanup_free_ uint32_t *pc = NULL, *vc = NULL;
	_cleanup_free_ size_t *po = NULL, *vo = NULL;
	size_t np = to_runes(pat, pn, &pc, &po), nv = to_runes(val, vn, &vc, &vo);
	if (suffix) {
		/* reversePattern: an escape stays before the character it escapes */
		_cleanup_free_ uint32_t *rp = xreallocarray(NULL, np + 1, sizeof(uint32_t));
		for (size_t i = 0; i < np;) {
			size_t o = np - 1 - i;
			if (pc[i] == '\\' && i != np - 1) {
				rp[o - 1] = '\\';
				rp[o] = pc[i + 1];
				i += 2;
			} else {
				rp[o] = pc[i++];
			}
		}
		memcpy(pc, rp, np * sizeof(uint32_t));
		for (size_t i = 0; i < nv / 2; i++) {
			uint32_t t = vc[i];
			vc[i] = vc[nv - 1 - i];
			vc[nv - 1 - i] = t;
		}
	}
	rx_vm vm = {.p = lx->p};
	uint32_t bad;
	if (rx_compile(&vm, pc, np, greedy, &bad) < 0) {
		rx_vm_free(&vm);
		return lx_bad_pattern(lx, pat, pn, bad);
	}
	size_t ms = 0, me = 0;
	int m = rx_search(&vm, vc, nv, 0, true, &ms, &me);
	rx_vm_free(&vm);
	if (m < 0)
		return lx_fatal(lx, "variable expansion patterns exceed their work budget");
	if (!m)
		return lx_put(lx, out, val, vn);
	if (suffix)
		return lx_put(lx, out, val, vo[nv - me]);
	return lx_put(lx, out, val + vo[me], vn - vo[me]);
}

/* Go's Regexp.Expand for a regexp without groups: $$ is $, $0 and ${0} the match, other
 * $name and ${name} nothing, a malformed $ itself. */
static int lx_template(lexer *lx, vakt_buf *out, const char *t, size_t tn, const char *m, size_t mn)
{
	size_t i = 0;
	while (i < tn) {
		const char *d = memchr(t + i, '$', tn - i);
		if (!d)
			return lx_put(lx, out, t + i, tn - i);
		size_t k = (size_t)(d - t);
		if (lx_put(lx, out, t + i, k - i) < 0)
			return LX_FATAL;
		i = k;
		if (i + 1 < tn && t[i + 1] == '$') {
			if (lx_put(lx, out, "$", 1) < 0)
				return LX_FATAL;
			i += 2;
			continue;
		}
		size_t j = i + 1;
		bool brace = j < tn && t[j] == '{';
		if (brace)
			j++;
		size_t ns = j;
		while (j < tn) {
			uint32_t c;
			size_t n = rune_at(t + j, tn - j, &c);
			if (!go_letter(c) && !go_digit(c) && c != '_')
				break;
			j += n;
		}
		size_t ne = j;
		bool ok = ne > ns;
		if (ok && brace) {
			if (j < tn && t[j] == '}')
				j++;
			else
				ok = false;
		}
		if (!ok) {
			if (lx_put(lx, out, "$", 1) < 0)
				return LX_FATAL;
			i++;
			continue;
		}
		if (ne - ns == 1 && t[ns] == '0' && lx_put(lx, out, m, mn) < 0)
			return LX_FATAL;
		i = j;
	}
	return 0;
}

/* ${v/p/r} (the first match) and ${v//p/r} (every match, with Go's ReplaceAllString: the
 * replacement is a template, and an empty match right after a match is skipped). */
static int lx_subst(lexer *lx, vakt_buf *out, const char *pat, size_t pn, const char *rep,
		    size_t rn, const char *val, size_t vn, bool all)
{
	_cleanup_free_ uint32_t *pc = NULL, *vc = NULL;
	_cleanup_free_ size_t *po = NULL, *vo = NULL;
	size_t np = to_runes(pat, pn, &pc, &po), nv = to_runes(val, vn, &vc, &vo);
	rx_vm vm = {.p = lx->p};
	uint32_t bad;
	int r = 0;
	if (rx_compile(&vm, pc, np, true, &bad) < 0) {
		rx_vm_free(&vm);
		return lx_bad_pattern(lx, pat, pn, bad);
	}
	size_t ms = 0, me = 0, last = 0, sp = 0;
	if (!all) {
		int m = rx_search(&vm, vc, nv, 0, false, &ms, &me);
		if (m < 0)
			r = lx_fatal(lx, "variable expansion patterns exceed their work budget");
		else if (!m)
			r = lx_put(lx, out, val, vn);
		else if (lx_put(lx, out, val, vo[ms]) < 0 || lx_put(lx, out, rep, rn) < 0 ||
			 lx_put(lx, out, val + vo[me], vn - vo[me]) < 0)
			r = LX_FATAL;
		rx_vm_free(&vm);
		return r;
	}
	while (sp <= nv) {
		int m = rx_search(&vm, vc, nv, sp, false, &ms, &me);
		if (m < 0) {
			r = lx_fatal(lx, "variable expansion patterns exceed their work budget");
			break;
		}
		if (!m)
			break;
		if (lx_put(lx, out, val + vo[last], vo[ms] - vo[last]) < 0) {
			r = LX_FATAL;
			break;
		}
		if ((me > last || ms == 0) &&
		    (r = lx_template(lx, out, rep, rn, val + vo[ms], vo[me] - vo[ms])) < 0)
			break;
		last = me;
		sp = me == sp ? sp + 1 : me;
	}
	if (r == 0)
		r = lx_put(lx, out, val + vo[last], vn - vo[last]);
	rx_vm_free(&vm);
	return r;
}

/* ${name<modifier>word}: - + ? # % with or without ':' (':' treats empty as unset). */
static int lx_modifier(lexer *lx, vakt_buf *out, const char *name, size_t nl, uint32_t ch,
		       size_t mpos)
{
	size_t n;
	bool null_unset = false;
	if (ch == ':') {
		null_unset = true;
		ch = lx_next(lx, &n);
	}
	const char *chs = lx->s + mpos;
	size_t chn = lx->pos - mpos;
	_cleanup_buf_ vakt_buf word = VAKT_BUF_INIT(lx->max_out);
	int r = lx_stop_on(lx, '}', ch == '#' || ch == '%', &word, NULL);
	if (r == LX_ERR && lx_peek(lx, &n) == LX_EOF)
		return lx_fail(lx, "syntax error: missing '}'");
	if (r < 0)
		return r;
	const char *v;
	var_state st = lx_get(lx, name, nl, &v);
	if (lx->p && lx->p->fatal)
		return lx_fatal(lx, "variable lookups exceed their work budget");
	const char *w = vakt_buf_str(&word);
	if (st == VAR_UNKNOWN || (st == VAR_UNSET && lx->skip_unset)) {
		if (lx_put(lx, out, "${", 2) < 0 || lx_put(lx, out, name, nl) < 0 ||
		    lx_put(lx, out, chs, chn) < 0 || lx_put(lx, out, w, word.len) < 0 ||
		    lx_put(lx, out, "}", 1) < 0)
			return LX_FATAL;
		return 0;
	}
	bool empty = st == VAR_UNSET || (null_unset && !*v);
	switch (ch) {
	case '-': return empty ? lx_put(lx, out, w, word.len) : lx_put(lx, out, v, strlen(v));
	case '+': return empty ? 0 : lx_put(lx, out, w, word.len);
	case '?':
		if (!empty)
			return lx_put(lx, out, v, strlen(v));
		if (!word.len)
			w = st == VAR_UNSET ? "is not allowed to be unset"
					    : "is not allowed to be empty";
		return lx_fail(lx, "%.*s: %.*s", (int)(nl > 64 ? 64 : nl), name,
			       (int)(strlen(w) > 128 ? 128 : strlen(w)), w);
	case '#':
	case '%': {
		bool greedy = word.len && (unsigned char)w[0] == ch;
		size_t skip = greedy ? 1 : 0;
		return lx_trim(lx, out, w + skip, word.len - skip, v, strlen(v), greedy, ch == '%');
	}
	default: return lx_fail(lx, "unsupported modifier (%.*s) in substitution", (int)chn, chs);
	}
}

static int lx_replace(lexer *lx, vakt_buf *out, const char *name, size_t nl)
{
	size_t n;
	bool all = lx_peek(lx, &n) == '/';
	if (all)
		lx->pos += n;
	_cleanup_buf_ vakt_buf pat = VAKT_BUF_INIT(lx->max_out);
	_cleanup_buf_ vakt_buf rep = VAKT_BUF_INIT(lx->max_out);
	int r = lx_stop_on(lx, '/', true, &pat, NULL);
	if (r == LX_ERR && lx_peek(lx, &n) == LX_EOF)
		return lx_fail(lx, "syntax error: missing '/' in ${}");
	if (r < 0)
		return r;
	r = lx_stop_on(lx, '}', true, &rep, NULL);
	if (r == LX_ERR && lx_peek(lx, &n) == LX_EOF)
		return lx_fail(lx, "syntax error: missing '}'");
	if (r < 0)
		return r;
	const char *v;
	var_state st = lx_get(lx, name, nl, &v);
	if (lx->p && lx->p->fatal)
		return lx_fatal(lx, "variable lookups exceed their work budget");
	if (st == VAR_UNKNOWN || (st == VAR_UNSET && lx->skip_unset)) {
		if (lx_put(lx, out, "${", 2) < 0 || lx_put(lx, out, name, nl) < 0 ||
		    lx_put(lx, out, "/", 1) < 0 ||
		    lx_put(lx, out, vakt_buf_str(&pat), pat.len) < 0 ||
		    lx_put(lx, out, "/", 1) < 0 ||
		    lx_put(lx, out, vakt_buf_str(&rep), rep.len) < 0 || lx_put(lx, out, "}", 1) < 0)
			return LX_FATAL;
		return 0;
	}
	return lx_subst(lx, out, vakt_buf_str(&pat), pat.len, vakt_buf_str(&rep), rep.len, v,
			strlen(v), all);
}

/* After "${": the name, then } or a modifier. */
static int lx_brace(lexer *lx, vakt_buf *out)
{
	size_t n;
	uint32_t ch = lx_peek(lx, &n);
	if (ch == LX_EOF)
		return lx_fail(lx, "syntax error: missing '}'");
	if (ch == '{' || ch == '}' || ch == ':')
		return lx_fail(lx, "syntax error: bad substitution");
	size_t ns, ne;
	lx_name(lx, &ns, &ne);
	const char *name = lx->s + ns;
	size_t nl = ne - ns, mpos = lx->pos;
	ch = lx_next(lx, &n);
	switch (ch) {
	case '}': {
		const char *v;
		var_state st = lx_get(lx, name, nl, &v);
		if (lx->p && lx->p->fatal)
			return lx_fatal(lx, "variable lookups exceed their work budget");
		if (st == VAR_UNKNOWN || (st == VAR_UNSET && lx->skip_unset)) {
			if (lx_put(lx, out, "${", 2) < 0 || lx_put(lx, out, name, nl) < 0 ||
			    lx_put(lx, out, "}", 1) < 0)
				return LX_FATAL;
			return 0;
		}
		return lx_put(lx, out, v, strlen(v));
	}
	case ':':
	case '+':
	case '-':
	case '?':
	case '#':
	case '%': return lx_modifier(lx, out, name, nl, ch, mpos);
	case '/': return lx_replace(lx, out, name, nl);
	case LX_EOF: return lx_fail(lx, "syntax error: missing '}'");
	default:
		return lx_fail(lx, "unsupported modifier (%.*s) in substitution", (int)n,
			       lx->s + mpos);
	}
}

/* processDollar: $name, ${...}, or a lone '$'. */
static int lx_dollar(lexer *lx, vakt_buf *out)
{
	size_t n;
	lx_next(lx, &n);
	if (lx_peek(lx, &n) != '{') {
		size_t ns, ne;
		lx_name(lx, &ns, &ne);
		if (ns == ne)
			return lx_put(lx, out, "$", 1);
		const char *v;
		var_state st = lx_get(lx, lx->s + ns, ne - ns, &v);
		if (lx->p && lx->p->fatal)
			return lx_fatal(lx, "variable lookups exceed their work budget");
		if (st == VAR_UNKNOWN || (st == VAR_UNSET && lx->skip_unset))
			return lx_put(lx, out, lx->s + ns - 1, ne - ns + 1);
		return lx_put(lx, out, v, strlen(v));
	}
	lx->pos += n;
	if (lx->depth >= LX_MAX_DEPTH)
		return lx_fail(lx, "variable expansion nested deeper than %d levels", LX_MAX_DEPTH);
	lx->depth++;
	int r = lx_brace(lx, out);
	lx->depth--;
	return r;
}

/* ProcessWord (wa NULL) or ProcessWords (wa collects the words): the whole input. */
static int lx_run(lexer *lx, vakt_buf *out, wordacc *wa)
{
	int r = lx_stop_on(lx, LX_EOF, lx->raw_escapes, out, wa);
	if (r == 0 && wa && wa->w.len)
		wa_emit(wa);
	return r;
}

/* ---- variables and scopes -------------------------------------------------------------- */

static size_t name_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* The variable name[0..n) whose name_hash is h, or NULL. */
static var *scope_find_hashed(const scope *sc, const char *name, size_t n, size_t h)
{
	if (!sc->cap)
		return NULL;
	for (size_t i = h & (sc->cap - 1);; i = (i + 1) & (sc->cap - 1)) {
		var *v = &sc->slots[i];
		if (!v->name)
			return NULL;
		if (v->hash == h && v->nlen == n && memcmp(v->name, name, n) == 0)
			return v;
	}
}

static var *scope_find(const scope *sc, const char *name, size_t n)
{
	return sc->cap ? scope_find_hashed(sc, name, n, name_hash(name, n)) : NULL;
}

/* Bind name (which must outlive the parse: arena or static) to value (NULL: unknown). */
static void scope_set(scope *sc, const char *name, size_t n, const char *value)
{
	size_t h = name_hash(name, n);
	var *v = scope_find_hashed(sc, name, n, h);
	if (v) {
		v->value = value;
		return;
	}
	if ((sc->n + 1) * 2 > sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 32; /* the global scope starts with 11 */
		var *slots = xcalloc(cap, sizeof(var));
		for (size_t i = 0; i < sc->cap; i++) {
			var *o = &sc->slots[i];
			if (!o->name)
				continue;
			size_t k = o->hash & (cap - 1);
			while (slots[k].name)
				k = (k + 1) & (cap - 1);
			slots[k] = *o;
		}
		free(sc->slots);
		sc->slots = slots;
		sc->cap = cap;
	}
	size_t k = h & (sc->cap - 1);
	while (sc->slots[k].name)
		k = (k + 1) & (sc->cap - 1);
	sc->slots[k] = (var){name, n, h, value, 0};
	sc->n++;
}

static scope *stage_scope(parser *p, int stage)
{
	return vec_at(&p->scopes, (size_t)stage);
}

/* The last --build-arg for name, or NULL. "NAME" alone counts as NAME="". */
static const char *build_arg(const parser *p, const char *name)
{
	const char *found = NULL;
	size_t n = strlen(name);
	for (const char *const *a = p->build_args; a && *a; a++) {
		if (strncmp(*a, name, n) == 0 && ((*a)[n] == '=' || (*a)[n] == '\0'))
			found = (*a)[n] == '=' ? *a + n + 1 : "";
	}
	return found;
}

/* Where an expansion happens, and what it found. */
typedef struct xctx {
	parser *p;
	int stage;	    /* -1: the global scope (FROM lines, ARGs before the first FROM) */
	unsigned line, col; /* the instruction, for budget errors */
	bool image_env;	    /* a lookup fell through to a registry image's unknown environment */
	bool unresolved;    /* any expansion of the instruction used an unknown value */
	const char *error;  /* the first expansion error of the instruction */
} xctx;

/* The variables in scope (dockerfile2llb: a stage's state env, which holds its ENV and ARG
 * values and those of the stage it is built FROM; or the global ARGs). */
static var_state env_get(void *ud, const char *name, size_t n, const char **val)
{
	xctx *x = ud;
	parser *p = x->p;
	const var *v = NULL;
	if (x->stage < 0) {
		v = scope_find(&p->global, name, n);
	} else {
		int s = x->stage, last = s;
		while (s >= 0 && !v) {
			/* each stage only looks at its base stage's final scope: cheap for real
			 * files, bounded for a hostile chain of thousands of stages */
			if (++p->scope_steps > DF_SCOPE_BUDGET) {
				p->fatal = true;
				return VAR_UNSET;
			}
			const scope *sc = stage_scope(p, s);
			v = scope_find(sc, name, n);
			last = s;
			s = sc->parent;
		}
		if (!v && stage_scope(p, last)->image_root)
			x->image_env = true;
	}
	if (!v)
		return VAR_UNSET;
	*val = v->value ? v->value : "";
	return v->value ? VAR_SET : VAR_UNKNOWN;
}

static void join_word(void *ud, size_t start, const char *w, size_t n)
{
	(void)start;
	vakt_buf *b = ud;
	if (b->len)
		vakt_buf_putc(b, ' ');
	vakt_buf_append(b, w, n);
}

/* Whether ProcessWord (multi: ProcessWords) gives raw[0..n) back as it is without reading
 * a variable: no '$', no quote and no escape character in it, no byte-order mark at its
 * start (the lexer skips one), and for ProcessWords no white space (nothing to split or
 * join). Most words of a Dockerfile are such plain text. */
static bool expands_to_itself(const char *raw, size_t n, bool multi)
{
	/* what the lexer reads specially (both escape characters: text with the one not in
	 * use is merely left to the lexer), and for ProcessWords white space and non-ASCII
	 * bytes (characters that may be white space) */
	/* clang-format off */
	static const unsigned char special[256] = {
		['$'] = 1, ['\''] = 1, ['"'] = 1, ['\\'] = 1, ['`'] = 1,
		['\t'] = 2, ['\n'] = 2, ['\v'] = 2, ['\f'] = 2, ['\r'] = 2, [' '] = 2,
		[0x80 ... 0xff] = 2,
	};
	/* clang-format on */
	const unsigned char stop = multi ? 3 : 1;
	if (n >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (special[(unsigned char)raw[i]] & stop)
			return false;
	}
	return true;
}

/* Expand raw with the variables in x's scope, as ProcessWord does (multi: ProcessWords, the
 * words joined with one space). 0 with *ret (raw itself when nothing changed); 1 when
 * BuildKit would fail (x->error gets the first message, *ret = raw); negative for a limit. */
static int expand(xctx *x, const char *raw, bool multi, const char **ret, bool *unresolved)
{
	parser *p = x->p;
	size_t rn = strlen(raw);
	x->image_env = false;
	*ret = raw;
	if (rn <= lx_budget(p) && expands_to_itself(raw, rn, multi)) {
		/* what the lexer would do, without it: the text fits what is left of the
		 * budget, so it is counted and cannot exceed it */
		p->expand_bytes += rn;
		if (unresolved)
			*unresolved = false;
		return 0;
	}
	lexer lx;
	lx_init(&lx, p, raw, rn, p->escape);
	lx.getenv = env_get;
	lx.ud = x;
	vakt_buf *out = &p->xout; /* the scratch buffer, with this expansion's limit */
	vakt_buf_reset(out);
	out->max = lx.max_out;
	_cleanup_buf_ vakt_buf joined = VAKT_BUF_INIT(SIZE_MAX);
	wordacc wa = {.w = VAKT_BUF_INIT(SIZE_MAX), .fn = join_word, .ud = &joined};
	int r = lx_run(&lx, out, multi ? &wa : NULL);
	vakt_buf_free(&wa.w);
	if (r == LX_FATAL || p->fatal)
		return perr(p, VAKT_E_LIMIT, x->line, x->col, "%s", lx.msg);
	if (r == LX_ERR) {
		if (!x->error)
			x->error = vakt_arena_strdup(p->arena, lx.msg);
		return 1;
	}
	const vakt_buf *res = multi ? &joined : out;
	p->expand_bytes += res->len;
	if (p->expand_bytes > p->expand_budget)
		return perr(p, VAKT_E_LIMIT, x->line, x->col,
			    "variable expansion produces more than %llu bytes",
			    (unsigned long long)p->expand_budget);
	if (res->len != rn || memcmp(vakt_buf_str(res), raw, res->len) != 0)
		*ret = vakt_arena_strndup(p->arena, vakt_buf_str(res), res->len);
	bool u = lx.unresolved || x->image_env;
	if (unresolved)
		*unresolved = u;
	x->unresolved |= u;
	return 0;
}

/* Expand a word in place (w->expanded). */
static int expand_word(xctx *x, df_word *w, bool multi)
{
	int r = expand(x, w->raw, multi, &w->expanded, &w->unresolved);
	return r < 0 ? r : 0;
}

/* ---- instructions ---------------------------------------------------------------------- */

/* clang-format off */
static const char *const kind_names[] = {
	[DF_UNKNOWN] = "",         [DF_ADD] = "ADD",         [DF_ARG] = "ARG",
	[DF_CMD] = "CMD",          [DF_COPY] = "COPY",       [DF_ENTRYPOINT] = "ENTRYPOINT",
	[DF_ENV] = "ENV",          [DF_EXPOSE] = "EXPOSE",   [DF_FROM] = "FROM",
	[DF_HEALTHCHECK] = "HEALTHCHECK", [DF_LABEL] = "LABEL", [DF_MAINTAINER] = "MAINTAINER",
	[DF_ONBUILD] = "ONBUILD",  [DF_RUN] = "RUN",         [DF_SHELL] = "SHELL",
	[DF_STOPSIGNAL] = "STOPSIGNAL", [DF_USER] = "USER",  [DF_VOLUME] = "VOLUME",
	[DF_WORKDIR] = "WORKDIR",
};
/* clang-format on */

/* strings.ToLower of a keyword or stage name, for matching: ASCII letters, and U+212A
 * KELVIN SIGN, which Go lower-cases to 'k'. BuildKit therefore runs "WOR\u212aDIR" as
 * WORKDIR; a linter that did not would be easy to walk around. false when s has any other
 * non-ASCII character, or is longer than max - 1. */
static bool go_lower(const char *s, size_t n, char *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 1 >= max)
			return false;
		unsigned char c = (unsigned char)s[i];
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x84 &&
		    (unsigned char)s[i + 2] == 0xaa) {
			out[k++] = 'k';
			i += 2;
		} else if (c >= 0x80) {
			return false;
		} else {
			out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	out[k] = '\0';
	return true;
}

static df_kind kind_of(const char *s, size_t n)
{
	char low[16];
	if (!go_lower(s, n, low, sizeof(low)))
		return DF_UNKNOWN;
	/* the names are upper-case letters, which | 0x20 lower-cases: the same comparison as
	 * strcasecmp, made only with the names of the same first letter */
	for (size_t k = 1; k < VAKT_ARRAY_SIZE(kind_names); k++) {
		if ((kind_names[k][0] | 0x20) != low[0])
			continue;
		const char *a = low, *b = kind_names[k];
		while (*b && *a == (*b | 0x20))
			a++, b++;
		if (!*a && !*b)
			return (df_kind)k;
	}
	return DF_UNKNOWN;
}

/* strings.EqualFold(s, "as"): 's' also folds with U+017F LATIN SMALL LETTER LONG S. */
static bool is_as(const char *s)
{
	if ((s[0] | 0x20) != 'a')
		return false;
	if ((s[1] | 0x20) == 's' && !s[2])
		return true;
	return strcmp(s + 1, "\xc5\xbf") == 0;
}

/* The df_words of rwords, located in the file. */
static df_word *to_words(parser *p, const vec *rw)
{
	if (!rw->n)
		return p->no_words;
	df_word *w = vakt_arena_alloc(p->arena, rw->n * sizeof(df_word)); /* vec_push checked */
	for (size_t i = 0; i < rw->n; i++) {
		const rword *r = vec_at(rw, i);
		w[i].raw = w[i].expanded = r->s;
		w[i].unresolved = false;
		map_pos(p, r->start, &w[i].line, &w[i].col);
	}
	return w;
}

static void set_args(parser *p, df_instruction *in, const vec *rw)
{
	in->nargs = rw->n;
	in->args = to_words(p, rw);
}

/* Pairs of ENV, LABEL and ARG, before expansion. */
typedef struct rpair {
	size_t start;
	const char *key;
	const char *value; /* NULL: ARG without default */
} rpair;

static void set_pairs(parser *p, df_instruction *in, const vec *pairs)
{
	size_t n = pairs->n ? pairs->n : 1;
	in->npairs = pairs->n;
	const char **strs = vakt_arena_calloc(p->arena, 3 * n, sizeof(char *)); /* n <= elements */
	in->keys = strs;
	in->values = strs + n;
	in->raw_values = strs + 2 * n;
	in->pair_words = vakt_arena_calloc(p->arena, n, sizeof(df_word));
	for (size_t i = 0; i < pairs->n; i++) {
		const rpair *r = vec_at(pairs, i);
		in->keys[i] = in->pair_words[i].raw = in->pair_words[i].expanded = r->key;
		in->values[i] = in->raw_values[i] = r->value;
		map_pos(p, r->start, &in->pair_words[i].line, &in->pair_words[i].col);
	}
}

/* A pair: the key copied (it ends at the '='); the value copied from value[0..vn), or, when
 * value_kept, value itself: the NUL-terminated rest of a word already in the arena. */
static int push_pair(parser *p, vec *pairs, size_t start, const char *key, size_t kn,
		     const char *value, size_t vn, bool value_kept)
{
	int r = count_element(p, p->lineno);
	if (r < 0)
		return r;
	rpair *pr = vec_push(pairs);
	pr->start = start;
	pr->key = vakt_arena_strndup(p->arena, key, kn);
	pr->value = !value ? NULL : value_kept ? value : vakt_arena_strndup(p->arena, value, vn);
	return 0;
}

static int word_error(parser *p, size_t lofs, const char *fmt, const char *cmd, const rword *w)
{
	unsigned line, col;
	map_pos(p, lofs, &line, &col);
	if (w)
		return perr(p, VAKT_E_PARSE, line, col, fmt, (int)(w->n > 80 ? 80 : w->n), w->s);
	return perr(p, VAKT_E_PARSE, line, col, fmt, cmd);
}

/* ENV and LABEL (parseNameVal): "key=value ..." pairs, or the legacy "key value with
 * spaces" when the first word has no '='. */
static int build_name_val(parser *p, df_instruction *in, size_t ts, size_t te, const char *cmd)
{
	vec *words = &p->words, *pairs = &p->pairs;
	words->n = pairs->n = 0;
	int r = parse_words(p, ts, te, words);
	if (r < 0)
		return r;
	if (words->n == 0)
		return word_error(p, ts, "%s requires at least one argument", cmd, NULL);
	const rword *w0 = vec_at(words, 0);
	if (!memchr(w0->s, '=', w0->n)) {
		const char *l = p->ll.data;
		size_t k = ts;
		while (k < te && !blank(l[k]))
			k++;
		if (k == te)
			return word_error(p, ts, "%s must have two arguments", cmd, NULL);
		size_t v = k;
		while (v < te && blank(l[v]))
			v++;
		words->n = 0;
		if ((r = push_rword(p, words, ts, l + ts, k - ts)) < 0 ||
		    (r = push_rword(p, words, v, l + v, te - v)) < 0 ||
		    (r = push_pair(p, pairs, ts, l + ts, k - ts, l + v, te - v, false)) < 0)
			return r;
	} else {
		for (size_t i = 0; i < words->n; i++) {
			const rword *w = vec_at(words, i);
			const char *eq = memchr(w->s, '=', w->n);
			if (!eq)
				return word_error(p, w->start,
						  "Syntax error - can't find = in \"%.*s\". "
						  "Must be of the form: name=value",
						  cmd, w);
			if (eq == w->s)
				return word_error(p, w->start, "%s names can not be blank", cmd,
						  NULL);
			size_t kn = (size_t)(eq - w->s);
			if ((r = push_pair(p, pairs, w->start, w->s, kn, eq + 1, w->n - kn - 1,
					   true)) < 0)
				return r;
		}
	}
	set_args(p, in, words);
	set_pairs(p, in, pairs);
	return 0;
}

/* ARG name[=default] ... */
static int build_arg_pairs(parser *p, df_instruction *in, size_t ts, size_t te)
{
	vec *words = &p->words, *pairs = &p->pairs;
	words->n = pairs->n = 0;
	int r = parse_words(p, ts, te, words);
	if (r < 0)
		return r;
	if (words->n == 0)
		return word_error(p, ts, "%s requires at least one argument", "ARG", NULL);
	for (size_t i = 0; i < words->n; i++) {
		const rword *w = vec_at(words, i);
		const char *eq = memchr(w->s, '=', w->n);
		if (eq == w->s)
			return word_error(p, w->start, "%s names can not be blank", "ARG", NULL);
		size_t kn = eq ? (size_t)(eq - w->s) : w->n;
		r = push_pair(p, pairs, w->start, w->s, kn, eq ? eq + 1 : NULL,
			      eq ? w->n - kn - 1 : 0, true);
		if (r < 0)
			return r;
	}
	set_args(p, in, words);
	set_pairs(p, in, pairs);
	return 0;
}

/* parseMaybeJSON (list: parseMaybeJSONToList): exec form, or words. */
static int build_maybe_json(parser *p, df_instruction *in, size_t ts, size_t te, bool list)
{
	vec *words = &p->words;
	words->n = 0;
	int r = parse_json(p, ts, te, words);
	if (r < 0)
		return r;
	in->exec_form = r == 1;
	if (r == 0)
		r = list ? split_blanks(p, ts, te, words) : parse_words(p, ts, te, words);
	if (r < 0)
		return r;
	set_args(p, in, words);
	return 0;
}

/* HEALTHCHECK: the type word, then the command (parseHealthConfig). */
static int build_healthcheck(parser *p, df_instruction *in, size_t ts, size_t te)
{
	const char *l = p->ll.data;
	vec *words = &p->words;
	words->n = 0;
	size_t sep = ts;
	while (sep < te && !(blank(l[sep]) || l[sep] == '\n'))
		sep++;
	if (sep == ts)
		return 0;
	int r = push_rword(p, words, ts, l + ts, sep - ts);
	if (r < 0)
		return r;
	size_t next = sep;
	while (next < te && (blank(l[next]) || l[next] == '\n'))
		next++;
	if (next < te) {
		r = parse_json(p, next, te, words);
		if (r < 0)
			return r;
		in->exec_form = r == 1;
		if (r == 0 && (r = parse_words(p, next, te, words)) < 0)
			return r;
	}
	set_args(p, in, words);
	return 0;
}

static int build_instruction(parser *p, size_t start, size_t end, df_instruction *in);

/* ONBUILD <instruction>: the inner one is read like a line of its own (parseSubCommand). */
static int build_onbuild(parser *p, df_instruction *in, size_t ts, size_t te)
{
	const char *l = p->ll.data;
	if (ts == te)
		return perr(p, VAKT_E_PARSE, in->line, in->col,
			    "ONBUILD requires at least one argument");
	size_t ke = ts;
	while (ke < te && !blank(l[ke]))
		ke++;
	/* checked before the inner instruction is read: ONBUILD never nests */
	char low[16];
	if (go_lower(l + ts, ke - ts, low, sizeof(low))) {
		unsigned line, col;
		map_pos(p, ts, &line, &col);
		if (strcmp(low, "onbuild") == 0)
			return perr(p, VAKT_E_PARSE, line, col,
				    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
		if (strcmp(low, "from") == 0 || strcmp(low, "maintainer") == 0)
			return perr(p, VAKT_E_PARSE, line, col,
				    "%s isn't allowed as an ONBUILD trigger",
				    strcmp(low, "from") == 0 ? "FROM" : "MAINTAINER");
	}
	in->onbuild = vakt_arena_calloc(p->arena, 1, sizeof(df_instruction));
	return build_instruction(p, ts, te, in->onbuild);
}

/* Split ll[start..end) into an instruction (splitCommand, then the kind's line parser). */
static int build_instruction(parser *p, size_t start, size_t end, df_instruction *in)
{
	const char *l = p->ll.data;
	size_t ks = skip_space(l, start, end), te = rtrim_space(l, ks, end), ke = ks;
	while (ke < te && !blank(l[ke]))
		ke++;
	in->kind = kind_of(l + ks, ke - ks);
	in->stage = -1;
	map_pos(p, ks, &in->line, &in->col);

	vec *flags = &p->flags;
	flags->n = 0;
	size_t rs = ke, ts = te;
	while (rs < te && blank(l[rs]))
		rs++;
	int r = ke < te ? extract_flags(p, rs, te, flags, &ts) : 0;
	if (r < 0)
		return r;
	ts = skip_space(l, ts, te);
	/* the keyword and the text, in one allocation */
	char *kt = vakt_arena_alloc(p->arena, (ke - ks) + (te - ts) + 2);
	memcpy(kt, l + ks, ke - ks);
	kt[ke - ks] = '\0';
	memcpy(kt + (ke - ks) + 1, l + ts, te - ts);
	kt[(ke - ks) + 1 + (te - ts)] = '\0';
	in->keyword = kt;
	in->text = in->expanded = kt + (ke - ks) + 1;
	in->nflags = flags->n;
	in->flags = flags->n ? vakt_arena_calloc(p->arena, flags->n, sizeof(df_flag)) : p->no_flags;
	for (size_t i = 0; i < flags->n; i++) {
		const rword *w = vec_at(flags, i);
		df_flag *f = &in->flags[i];
		const char *eq = memchr(w->s + 2, '=', w->n - 2);
		f->name = vakt_arena_strndup(p->arena, w->s + 2,
					     eq ? (size_t)(eq - w->s - 2) : w->n - 2);
		f->value = f->expanded = eq ? eq + 1 : NULL;
		map_pos(p, w->start, &f->line, &f->col);
	}
	in->args = p->no_words;

	vec *words = &p->words;
	words->n = 0;
	switch (in->kind) {
	case DF_RUN:
	case DF_CMD:
	case DF_ENTRYPOINT:
	case DF_SHELL: return build_maybe_json(p, in, ts, te, false);
	case DF_COPY:
	case DF_ADD:
	case DF_VOLUME: return build_maybe_json(p, in, ts, te, true);
	case DF_FROM:
	case DF_EXPOSE: r = split_blanks(p, ts, te, words); break;
	case DF_HEALTHCHECK: return build_healthcheck(p, in, ts, te);
	case DF_WORKDIR:
	case DF_USER:
	case DF_STOPSIGNAL:
	case DF_MAINTAINER: r = ts < te ? push_rword(p, words, ts, l + ts, te - ts) : 0; break;
	case DF_ENV: return build_name_val(p, in, ts, te, "ENV");
	case DF_LABEL: return build_name_val(p, in, ts, te, "LABEL");
	case DF_ARG: return build_arg_pairs(p, in, ts, te);
	case DF_ONBUILD: return build_onbuild(p, in, ts, te);
	case DF_UNKNOWN:
	default: r = parse_words(p, ts, te, words); break;
	}
	if (r < 0)
		return r;
	set_args(p, in, words);
	return 0;
}

/* ---- heredocs -------------------------------------------------------------------------- */

/* A heredoc marker found on the instruction line. */
typedef struct hmark {
	size_t start;
	char *word; /* malloc'd */
	size_t n;
} hmark;

/* The candidate words of `^(\d*)<<(-?)([^<]*)$` with a non-empty rest (ParseHeredoc);
 * *rest and *chomp locate the delimiter part. */
static bool heredoc_word(const char *w, size_t n, size_t *rest, bool *chomp)
{
	size_t i = 0;
	while (i < n && w[i] >= '0' && w[i] <= '9')
		i++;
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return false;
	i += 2;
	*chomp = i < n && w[i] == '-';
	if (*chomp)
		i++;
	if (i == n || memchr(w + i, '<', n - i))
		return false;
	*rest = i;
	return true;
}

static void collect_mark(void *ud, size_t start, const char *w, size_t n)
{
	size_t rest;
	bool chomp;
	if (!heredoc_word(w, n, &rest, &chomp))
		return;
	hmark *m = vec_push(ud);
	m->start = start;
	m->word = xstrndup(w, n);
	m->n = n;
}

typedef struct first_word {
	size_t count;
	vakt_buf w;
} first_word;

static void take_first(void *ud, size_t start, const char *w, size_t n)
{
	(void)start;
	first_word *f = ud;
	if (f->count++ == 0)
		vakt_buf_append(&f->w, w, n);
}

static size_t count_quotes(const vakt_buf *b)
{
	size_t q = 0;
	for (size_t i = 0; i < b->len; i++)
		q += b->data[i] == '\'' || b->data[i] == '"';
	return q;
}

/* heredocFromMatch: the delimiter is the rest of the marker read as one shell word, and
 * the body is expanded only when no part of it was quoted. 1 with d filled; 0 when the rest
 * is not one word; negative on a lexing error (BuildKit fails the parse). */
static int heredoc_from_mark(parser *p, const hmark *m, df_heredoc *d)
{
	size_t rest;
	bool chomp;
	heredoc_word(m->word, m->n, &rest, &chomp);
	first_word plain = {.w = VAKT_BUF_INIT(SIZE_MAX)}, raw = {.w = VAKT_BUF_INIT(SIZE_MAX)};
	int ret = 1;
	for (int pass = 0; pass < 2 && ret == 1; pass++) {
		lexer lx;
		lx_init(&lx, p, m->word + rest, m->n - rest, '\\');
		lx.max_out = SIZE_MAX; /* no variables: never longer than the word */
		lx.skip_unset = true;
		lx.raw_quotes = pass == 1;
		_cleanup_buf_ vakt_buf out = VAKT_BUF_INIT(lx.max_out);
		first_word *f = pass ? &raw : &plain;
		wordacc wa = {.w = VAKT_BUF_INIT(SIZE_MAX), .fn = take_first, .ud = f};
		int r = lx_run(&lx, &out, &wa);
		vakt_buf_free(&wa.w);
		unsigned line, col;
		map_pos(p, m->start, &line, &col);
		if (r < 0)
			ret = perr(p, r == LX_FATAL ? VAKT_E_LIMIT : VAKT_E_PARSE, line, col,
				   "heredoc %.*s: %s", (int)(m->n > 64 ? 64 : m->n), m->word,
				   lx.msg);
		else if (pass == 0 && plain.count != 1)
			ret = 0;
		else if (pass == 1 && raw.count != plain.count)
			ret = perr(p, VAKT_E_PARSE, line, col,
				   "internal lexing of heredoc produced inconsistent results: %.*s",
				   (int)(m->n > 64 ? 64 : m->n), m->word);
	}
	if (ret == 1) {
		d->delimiter = vakt_arena_strndup(p->arena, vakt_buf_str(&plain.w), plain.w.len);
		d->quoted = count_quotes(&plain.w) != count_quotes(&raw.w);
		d->strip_tabs = chomp;
	}
	vakt_buf_free(&plain.w);
	vakt_buf_free(&raw.w);
	return ret;
}

/* Read the body of d: the lines up to the one equal to its delimiter (leading tabs ignored
 * with <<-). The marker at lofs of the instruction line locates an unterminated one. */
static int read_body(parser *p, df_heredoc *d, size_t lofs)
{
	unsigned mline, mcol;
	map_pos(p, lofs, &mline, &mcol);
	_cleanup_buf_ vakt_buf body = VAKT_BUF_INIT(SIZE_MAX);
	size_t dn = strlen(d->delimiter);
	d->line = p->lineno + 1;
	rline l;
	int r;
	while ((r = next_line(p, &l)) > 0) {
		size_t s = l.start;
		if (d->strip_tabs)
			while (s < l.end && p->data[s] == '\t')
				s++;
		if (l.end - s == dn && memcmp(p->data + s, d->delimiter, dn) == 0)
			break;
		/* ChompHeredocContent: <<- drops the leading tabs of every body line */
		s = d->strip_tabs ? s : l.start;
		vakt_buf_append_fast(&body, p->data + s, l.next - s);
	}
	if (r < 0)
		return r;
	if (r == 0)
		return perr(p, VAKT_E_PARSE, mline, mcol,
			    "unterminated heredoc: no line \"%.*s\" ends it",
			    (int)(dn > 64 ? 64 : dn), d->delimiter);
	d->body = vakt_arena_strndup(p->arena, vakt_buf_str(&body), body.len);
	return 0;
}

/* Whether s[0..n) holds "<<" (memchr finds the candidates faster than memmem here). */
static bool has_ltlt(const char *s, size_t n)
{
	for (const char *e = s + n, *c = s; (c = memchr(c, '<', (size_t)(e - c))) != NULL;) {
		if (++c < e && *c == '<')
			return true;
	}
	return false;
}

/* The heredocs of a RUN, COPY or ADD in shell form (or ONBUILD of one): the markers among
 * the words of the whole line (heredocsFromLine), then each body in turn. */
static int attach_heredocs(parser *p, df_instruction *in)
{
	const df_instruction *h = in->kind == DF_ONBUILD ? in->onbuild : in;
	if (!h || !(h->kind == DF_RUN || h->kind == DF_COPY || h->kind == DF_ADD) || h->exec_form ||
	    !has_ltlt(p->ll.data, p->ll.len))
		return 0;
	vec marks, docs;
	vec_init(&marks, sizeof(hmark));
	vec_init(&docs, sizeof(df_heredoc));
	lexer lx;
	lx_init(&lx, p, p->ll.data, p->ll.len, '\\');
	lx.raw_quotes = lx.raw_escapes = lx.skip_unset = true;
	lx.max_out = SIZE_MAX; /* no variables: never longer than the line */
	_cleanup_buf_ vakt_buf out = VAKT_BUF_INIT(lx.max_out);
	wordacc wa = {.w = VAKT_BUF_INIT(SIZE_MAX), .fn = collect_mark, .ud = &marks};
	int r = lx_run(&lx, &out, &wa);
	vakt_buf_free(&wa.w);
	/* on a lexing error (an unclosed quote) BuildKit drops every marker of the line */
	size_t nmarks = r == 0 ? marks.n : 0;
	if (r == LX_FATAL)
		r = perr(p, VAKT_E_LIMIT, in->line, in->col, "%s", lx.msg);
	else
		r = 0;
	for (size_t i = 0; i < nmarks && r >= 0; i++) {
		const hmark *m = vec_at(&marks, i);
		df_heredoc d = {0};
		r = heredoc_from_mark(p, m, &d);
		if (r == 1 && (r = count_element(p, p->lineno)) == 0 &&
		    (r = read_body(p, &d, m->start)) == 0)
			*(df_heredoc *)vec_push(&docs) = d;
	}
	for (size_t i = 0; i < marks.n; i++)
		free(((hmark *)vec_at(&marks, i))->word);
	vec_free(&marks);
	if (r >= 0) {
		in->nheredocs = docs.n;
		in->heredocs = vec_to_arena(p->arena, &docs);
		if (in->onbuild) {
			in->onbuild->nheredocs = docs.n;
			in->onbuild->heredocs = in->heredocs;
		}
	}
	vec_free(&docs);
	return r < 0 ? r : 0;
}

/* ---- semantics: stages, scopes, expansion ---------------------------------------------- */

/* Join the expanded words with one space (the instruction's expanded text). */
static const char *join_words(parser *p, const df_word *w, size_t n, const char *text)
{
	bool same = true;
	for (size_t i = 0; i < n; i++)
		same &= w[i].expanded == w[i].raw;
	if (same)
		return text;
	_cleanup_buf_ vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		if (i)
			vakt_buf_putc(&b, ' ');
		vakt_buf_puts(&b, w[i].expanded);
	}
	return vakt_arena_strndup(p->arena, vakt_buf_str(&b), b.len);
}

/* "key=value" of pair i (value NULL: the key alone). The word as written is that text
 * when nothing was expanded, and then serves as is; otherwise a new arena string. */
static const char *pair_text(parser *p, const df_instruction *in, size_t i)
{
	const char *k = in->keys[i], *v = in->values[i], *raw = in->args[i].raw;
	if (!v)
		return k;
	size_t kn = strlen(k), vn = strlen(v);
	if (strncmp(raw, k, kn) == 0 && raw[kn] == '=' && strcmp(raw + kn + 1, v) == 0)
		return raw;
	char *e = vakt_arena_alloc(p->arena, kn + vn + 2);
	memcpy(e, k, kn);
	e[kn] = '=';
	memcpy(e + kn + 1, v, vn + 1);
	return e;
}

/* The pairs as "key=value" (value NULL: the key alone), as args and expanded text. */
static void pairs_to_args(parser *p, df_instruction *in)
{
	if (in->nargs != in->npairs)
		return; /* legacy ENV: args are the key and the value */
	/* the expanded text is the pairs joined with one space, unless that is the text
	 * itself: compared as the pairs are made, built only when it differs */
	const char *t = in->text;
	bool same = true;
	size_t total = 0;
	for (size_t i = 0; i < in->npairs; i++) {
		const char *e = pair_text(p, in, i), *raw = in->args[i].raw;
		in->args[i].expanded = e != raw && strcmp(e, raw) ? e : raw;
		in->args[i].unresolved = in->pair_words[i].unresolved;
		size_t n = strlen(e);
		total += n + (i ? 1 : 0);
		if (same && i)
			same = *t++ == ' ';
		if (same)
			same = strncmp(t, e, n) == 0;
		if (same)
			t += n;
	}
	if (same && *t == '\0')
		return;
	char *joined = vakt_arena_alloc(p->arena, total + 1), *o = joined;
	for (size_t i = 0; i < in->npairs; i++) {
		if (i)
			*o++ = ' ';
		size_t n = strlen(in->args[i].expanded);
		memcpy(o, in->args[i].expanded, n);
		o += n;
	}
	*o = '\0';
	in->expanded = joined;
}

static int from_error(parser *p, const df_instruction *in, const df_word *w, const char *msg)
{
	return perr(p, VAKT_E_PARSE, w ? w->line : in->line, w ? w->col : in->col, "%s", msg);
}

/* FROM [--platform=p] image [AS name]: a new stage. The image and the platform are expanded
 * with the global ARGs; the image names an earlier stage when one has that name. */
static int apply_from(parser *p, df_instruction *in, size_t idx, xctx *x)
{
	bool as = in->nargs == 3 && is_as(in->args[1].raw);
	if (in->nargs != 1 && !as)
		return from_error(p, in, NULL, "FROM requires either one or three arguments");
	const char *name = NULL;
	if (as) {
		const df_word *w = &in->args[2];
		char *low = vakt_arena_alloc(p->arena, strlen(w->raw) + 1);
		bool ok = go_lower(w->raw, strlen(w->raw), low, strlen(w->raw) + 1) &&
			  low[0] >= 'a' && low[0] <= 'z';
		for (const char *c = low; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			     strchr("-_.", *c);
		if (!ok)
			return perr(
				p, VAKT_E_PARSE, w->line, w->col,
				"invalid name for build stage: \"%.*s\", name can't start with a "
				"number or contain symbols",
				64, w->raw);
		name = low;
	}
	x->stage = -1;
	int r = expand_word(x, &in->args[0], false);
	if (r < 0)
		return r;
	const char *platform = NULL;
	for (size_t i = 0; i < in->nflags; i++) {
		df_flag *f = &in->flags[i];
		if (strcmp(f->name, "platform") || !f->value)
			continue;
		bool u = false;
		if ((r = expand(x, f->value, false, &f->expanded, &u)) < 0)
			return r;
		platform = f->expanded;
	}
	df_stage *st = vec_push(&p->stages);
	st->base = in->args[0].expanded;
	st->base_raw = in->args[0].raw;
	st->name = name;
	st->platform = platform;
	st->base_stage = -1;
	st->first = st->last = idx;
	st->line = in->line;
	/* stage names are lower-case; the base matches in any case (ASCII, as strcasecmp),
	 * and a later stage of the same name shadows an earlier one (BuildKit's map) */
	size_t bn = strlen(st->base);
	_cleanup_free_ char *low = xstrndup(st->base, bn);
	for (size_t i = 0; i < bn; i++)
		low[i] = (char)(low[i] >= 'A' && low[i] <= 'Z' ? low[i] + 32 : low[i]);
	const var *named = scope_find(&p->stage_names, low, bn);
	if (named)
		st->base_stage = named->index;
	if (name) {
		scope_set(&p->stage_names, name, strlen(name), NULL);
		scope_find(&p->stage_names, name, strlen(name))->index = (int)p->stages.n - 1;
	}
	/* the scope continues from the base stage's (dockerfile2llb: ds.init copies its
	 * state, ENV and ARG values alike); from scratch, only BuildKit's default PATH */
	scope *sc = vec_push(&p->scopes);
	sc->parent = st->base_stage;
	if (st->base_stage >= 0) {
		sc->image_root = stage_scope(p, st->base_stage)->image_root;
	} else {
		sc->image_root = strcmp(st->base, "scratch") != 0;
		if (!sc->image_root)
			scope_set(sc, "PATH", 4, DEFAULT_PATH);
	}
	in->stage = (int)p->stages.n - 1;
	in->expanded = join_words(p, in->args, in->nargs, in->text);
	return 0;
}

/* ARG: global (before the first FROM: buildMetaArgs) or in a stage (dispatchArg). */
static int apply_arg(parser *p, df_instruction *in, xctx *x)
{
	for (size_t i = 0; i < in->npairs; i++) {
		const char *key = in->keys[i], *def = in->raw_values[i], *ba = build_arg(p, key);
		const char *val = NULL;
		bool has = false, unresolved = false;
		if (in->stage >= 0 && !def && !ba) {
			/* "ARG NAME" in a stage takes the global ARG's value, if there is one */
			const var *g = scope_find(&p->global, key, strlen(key));
			if (g) {
				has = true;
				val = g->value;
				unresolved = !val;
			}
		}
		if (ba) {
			has = true;
			val = ba;
		} else if (def) {
			int r = expand(x, def, false, &val, &unresolved);
			if (r < 0)
				return r;
			has = true;
			if (r == 1)
				val = NULL; /* BuildKit would fail here: the value is not known */
		}
		in->values[i] = val;
		in->pair_words[i].unresolved = unresolved;
		x->unresolved |= unresolved;
		if (!has)
			continue;
		if (in->stage < 0)
			scope_set(&p->global, key, strlen(key), val);
		else if (strcmp(key, "BUILDKIT_SBOM_SCAN_CONTEXT") &&
			 strcmp(key, "BUILDKIT_SBOM_SCAN_STAGE"))
			scope_set(stage_scope(p, in->stage), key, strlen(key), val);
	}
	pairs_to_args(p, in);
	return 0;
}

/* ENV and LABEL: keys and values expanded, all with the scope before the instruction
 * ("ENV a=1 b=$a" gives b the old a); ENV then binds them in order. */
static int apply_pairs(parser *p, df_instruction *in, xctx *x)
{
	for (size_t i = 0; i < in->npairs; i++) {
		int r = expand_word(x, &in->pair_words[i], false);
		if (r < 0)
			return r;
		in->keys[i] = in->pair_words[i].expanded;
		bool u = false;
		if ((r = expand(x, in->raw_values[i], false, &in->values[i], &u)) < 0)
			return r;
		in->pair_words[i].unresolved |= u;
	}
	if (in->kind == DF_ENV && in->stage >= 0) {
		for (size_t i = 0; i < in->npairs; i++)
			scope_set(stage_scope(p, in->stage), in->keys[i], strlen(in->keys[i]),
				  in->values[i]);
	}
	if (in->nargs == 2 && in->npairs == 1) { /* legacy form: key and value words */
		in->args[0].expanded = in->keys[0];
		in->args[1].expanded = in->values[0];
		in->args[0].unresolved = in->args[1].unresolved = in->pair_words[0].unresolved;
		if (strcmp(in->keys[0], in->args[0].raw) || strcmp(in->values[0], in->args[1].raw))
			in->expanded =
				vakt_arena_printf(p->arena, "%s %s", in->keys[0], in->values[0]);
		return 0;
	}
	pairs_to_args(p, in);
	return 0;
}

/* Flags whose values BuildKit expands: ADD/COPY's (not --from, which BuildKit refuses to
 * expand), RUN's --mount. */
static int apply_flags(df_instruction *in, xctx *x)
{
	for (size_t i = 0; i < in->nflags; i++) {
		df_flag *f = &in->flags[i];
		if (!f->value)
			continue;
		if (in->kind == DF_RUN ? strcmp(f->name, "mount") != 0
				       : strcmp(f->name, "from") == 0)
			continue;
		bool u = false;
		int r = expand(x, f->value, false, &f->expanded, &u);
		if (r < 0)
			return r;
	}
	return 0;
}

/* What BuildKit expands for this instruction, with the variables in scope. */
static int apply(parser *p, df_instruction *in, size_t idx)
{
	xctx x = {.p = p, .stage = (int)p->stages.n - 1, .line = in->line, .col = in->col};
	int r = 0;
	if (in->kind == DF_FROM) {
		r = apply_from(p, in, idx, &x);
		goto done;
	}
	in->stage = x.stage;
	if (in->stage >= 0)
		((df_stage *)vec_at(&p->stages, (size_t)in->stage))->last = idx;
	if (in->onbuild) {
		/* not expanded: the trigger runs, and expands, in the child build */
		in->onbuild->stage = in->stage;
		in->onbuild->end_line = in->end_line;
	}
	switch (in->kind) {
	case DF_ARG: r = apply_arg(p, in, &x); break;
	case DF_ENV:
	case DF_LABEL: r = apply_pairs(p, in, &x); break;
	case DF_COPY:
	case DF_ADD:
		if ((r = apply_flags(in, &x)) < 0)
			break;
		for (size_t i = 0; i < in->nargs && r >= 0; i++) {
			size_t rest;
			bool chomp;
			const df_word *w = &in->args[i];
			if (in->nheredocs && heredoc_word(w->raw, strlen(w->raw), &rest, &chomp))
				continue; /* a heredoc source, not a path */
			r = expand_word(&x, &in->args[i], false);
		}
		in->expanded = join_words(p, in->args, in->nargs, in->text);
		break;
	case DF_VOLUME:
	case DF_EXPOSE:
		for (size_t i = 0; i < in->nargs && r >= 0; i++) {
			df_word *w = &in->args[i];
			if (in->kind == DF_VOLUME) { /* parseVolume trims each path first */
				size_t s = skip_space(w->raw, 0, strlen(w->raw));
				size_t e = rtrim_space(w->raw, s, strlen(w->raw));
				if (s || w->raw[e])
					w->expanded =
						vakt_arena_strndup(p->arena, w->raw + s, e - s);
			}
			const char *src = w->expanded;
			bool u = false;
			r = expand(&x, src, in->kind == DF_EXPOSE, &w->expanded, &u);
			w->unresolved = u;
		}
		in->expanded = join_words(p, in->args, in->nargs, in->text);
		break;
	case DF_WORKDIR:
	case DF_USER:
	case DF_STOPSIGNAL:
		if (in->nargs == 1) {
			r = expand_word(&x, &in->args[0], false);
			in->expanded = in->args[0].expanded;
		}
		break;
	case DF_RUN: r = apply_flags(in, &x); break;
	default: break;
	}
done:
	if (r < 0)
		return r;
	in->unresolved = x.unresolved;
	in->expand_error = x.error;
	return 0;
}

/* ---- the main loop --------------------------------------------------------------------- */

/* The logical line is complete: make it an instruction. */
static int handle_logical(parser *p)
{
	const char *l = p->ll.data;
	size_t n = p->ll.len, idx = p->insts.n;
	if (skip_space(l, 0, n) == n) {
		/* white space only (a lone escape, then blank lines): nothing BuildKit could run */
		p->inside.n = 0;
		return 0;
	}
	/* built in place: nothing else grows p->insts meanwhile, and after an error the
	 * parse fails, so a half-built last element is never seen */
	df_instruction *in = vec_push(&p->insts);
	int r = build_instruction(p, 0, n, in);
	if (r < 0)
		return r;
	if (idx >= p->max_instructions)
		return perr(p, VAKT_E_LIMIT, in->line, in->col, "more than %zu instructions",
			    p->max_instructions);
	if ((r = attach_heredocs(p, in)) < 0)
		return r;
	in->end_line = p->lineno;
	size_t first_inside = p->comments.n - p->inside.n;
	for (size_t i = p->pending_comments; i < first_inside; i++)
		((df_comment *)vec_at(&p->comments, i))->next_instruction = (int)idx;
	for (size_t i = 0; i < p->inside.n; i++) {
		size_t c = *(size_t *)vec_at(&p->inside, i);
		((df_comment *)vec_at(&p->comments, c))->in_instruction = (int)idx;
	}
	p->pending_comments = first_inside;
	p->inside.n = 0;
	return apply(p, in, idx);
}

/* parser.go's Parse loop: directives, comments, blank lines, continuations. */
static int parse_lines(parser *p)
{
	rline l;
	int r;
	while ((r = next_line(p, &l)) > 0) {
		size_t s = skip_space(p->data, l.start, l.end);
		bool is_directive;
		if ((r = try_directive(p, &l, s, &is_directive)) < 0)
			return r;
		if (is_directive)
			continue;
		if (s < l.end && p->data[s] == '#') {
			if ((r = add_comment(p, &l, s, false)) < 0)
				return r;
			continue;
		}
		size_t e = l.end;
		bool more = trim_continuation(p, s, &e);
		if (!more && e == s)
			continue;
		vakt_buf_reset(&p->ll);
		p->segs.n = 0;
		p->cc_start = SIZE_MAX;
		if ((r = append_piece(p, s, e, &l)) < 0)
			return r;
		while (more) {
			if ((r = next_line(p, &l)) < 0)
				return r;
			if (r == 0)
				break; /* a continuation at the end of the file is accepted */
			size_t cs = skip_space(p->data, l.start, l.end);
			if (cs < l.end && p->data[cs] == '#') {
				if ((r = add_comment(p, &l, cs, true)) < 0)
					return r;
				continue;
			}
			if (cs == l.end)
				continue; /* an empty continuation line (BuildKit warns) */
			size_t ce = l.end;
			more = trim_continuation(p, l.start, &ce);
			if ((r = append_piece(p, l.start, ce, &l)) < 0)
				return r;
		}
		if (p->ll.len == 0) {
			p->inside.n = 0;
			continue;
		}
		if ((r = handle_logical(p)) < 0)
			return r;
	}
	return r;
}

/* ---- the public functions -------------------------------------------------------------- */

static void parser_free(parser *p)
{
	vakt_buf_free(&p->ll);
	vec_free(&p->flags);
	vec_free(&p->words);
	vec_free(&p->pairs);
	vakt_buf_free(&p->wbuf);
	vakt_buf_free(&p->xout);
	vec_free(&p->segs);
	vec_free(&p->insts);
	vec_free(&p->comments);
	vec_free(&p->stages);
	vec_free(&p->directives);
	vec_free(&p->inside);
	for (size_t i = 0; i < p->scopes.n; i++)
		free(stage_scope(p, (int)i)->slots);
	vec_free(&p->scopes);
	free(p->global.slots);
	free(p->stage_names.slots);
}

/* The automatic platform ARGs BuildKit defines before the first FROM. Their values depend
 * on the machine that builds, so they are unknown here unless a build arg sets them. */
static void init_global(parser *p)
{
	static const char *const auto_args[] = {
		"BUILDPLATFORM", "BUILDOS",	   "BUILDOSVERSION", "BUILDARCH",
		"BUILDVARIANT",	 "TARGETPLATFORM", "TARGETOS",	     "TARGETOSVERSION",
		"TARGETARCH",	 "TARGETVARIANT",  "TARGETSTAGE",
	};
	p->global.parent = -1;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(auto_args); i++) {
		const char *v = build_arg(p, auto_args[i]);
		scope_set(&p->global, auto_args[i], strlen(auto_args[i]),
			  v ? vakt_arena_strdup(p->arena, v) : NULL);
	}
}

static int check_build_args(parser *p)
{
	for (const char *const *a = p->build_args; a && *a; a++) {
		const unsigned char *s = (const unsigned char *)*a;
		size_t n = strlen(*a);
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t k = vakt_utf8_decode(s + i, n - i, &cp);
			if (k == 0)
				return vakt_error_set(p->err, VAKT_E_INVALID,
						      "build arg \"%.32s\" is not valid UTF-8", *a);
			i += k;
		}
	}
	return 0;
}

int vakt_dockerfile_parse(const char *name, const char *data, size_t len, const df_options *opt,
			  vakt_arena *arena, df_file **ret, vakt_error **err)
{
	parser p = {
		.file = name,
		.data = data ? data : "",
		.len = data ? len : 0,
		.arena = arena,
		.err = err,
		.escape = '\\',
		.cc_start = SIZE_MAX,
		.build_args = opt ? opt->build_args : NULL,
	};
	size_t max_bytes = opt && opt->max_bytes ? opt->max_bytes : DF_DEFAULT_MAX_BYTES;
	p.max_instructions =
		opt && opt->max_instructions ? opt->max_instructions : DF_DEFAULT_MAX_INSTRUCTIONS;
	/* expansion may grow the text (variables inside variables); it gets twice the input
	 * limit in all, and no more */
	p.expand_budget = (uint64_t)max_bytes * 2 < ((uint64_t)1 << 20) ? (uint64_t)1 << 20
									: (uint64_t)max_bytes * 2;
	vakt_buf_init(&p.ll, max_bytes);
	vec_init(&p.segs, sizeof(seg));
	vec_init(&p.insts, sizeof(df_instruction));
	vec_init(&p.comments, sizeof(df_comment));
	vec_init(&p.stages, sizeof(df_stage));
	vec_init(&p.directives, sizeof(df_directive));
	vec_init(&p.inside, sizeof(size_t));
	vec_init(&p.scopes, sizeof(scope));
	vec_init(&p.flags, sizeof(rword));
	vec_init(&p.words, sizeof(rword));
	vec_init(&p.pairs, sizeof(rpair));
	vakt_buf_init(&p.wbuf, SIZE_MAX);
	vakt_buf_init(&p.xout, SIZE_MAX);

	int r;
	if (p.len > max_bytes) {
		char a[32], b[32];
		r = vakt_error_set_at(err, VAKT_E_LIMIT, name, 0, 0,
				      "Dockerfile of %s is larger than the limit of %s",
				      vakt_size_str(p.len, a, sizeof(a)),
				      vakt_size_str(max_bytes, b, sizeof(b)));
		goto out;
	}
	if ((r = check_text(&p)) < 0 || (r = check_build_args(&p)) < 0)
		goto out;
	init_global(&p);
	p.no_words = vakt_arena_calloc(arena, 1, sizeof(df_word));
	p.no_flags = vakt_arena_calloc(arena, 1, sizeof(df_flag));
	if ((r = parse_lines(&p)) < 0)
		goto out;

	df_file *f = vakt_arena_calloc(arena, 1, sizeof(*f));
	f->name = vakt_arena_strdup(arena, name ? name : "");
	f->escape = p.escape;
	f->ndirectives = p.directives.n;
	f->directives = vec_to_arena(arena, &p.directives);
	f->ninstructions = p.insts.n;
	f->instructions = vec_to_arena(arena, &p.insts);
	f->nstages = p.stages.n;
	f->stages = vec_to_arena(arena, &p.stages);
	f->ncomments = p.comments.n;
	f->comments = vec_to_arena(arena, &p.comments);
	*ret = f;
	r = 0;
out:
	parser_free(&p);
	return r;
}

int vakt_dockerfile_target(const df_file *f, const char *target)
{
	if (!f || f->nstages == 0 || f->nstages > INT_MAX)
		return -1;
	if (!target || !*target)
		return (int)f->nstages - 1;
	for (size_t i = f->nstages; i-- > 0;) {
		if (f->stages[i].name && strcasecmp(f->stages[i].name, target) == 0)
			return (int)i;
	}
	return -1;
}

size_t vakt_dockerfile_stage_chain(const df_file *f, int target, int *chain, size_t max)
{
	size_t n = 0;
	if (!f || target < 0 || (size_t)target >= f->nstages)
		return 0;
	/* a base is always an earlier stage: following only strictly decreasing indexes
	 * ends, whatever a hand-built df_file says */
	for (int s = target; s >= 0 && n < max;) {
		chain[n++] = s;
		int b = f->stages[s].base_stage;
		if (b >= s)
			break;
		s = b;
	}
	return n;
}

const char *vakt_dockerfile_kind_name(df_kind k)
{
	if ((unsigned)k >= VAKT_ARRAY_SIZE(kind_names))
		return "";
	return kind_names[k];
}
