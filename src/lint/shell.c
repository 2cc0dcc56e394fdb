/* shell.c - shell word splitting; see shell.h.
 *
 * One forward pass over the text. The scanner recurses only where sh nests: a command
 * substitution $( ) is scanned as a command list of its own until its closing ')' (so
 * quotes, comments, nested $( ) and case patterns inside it cannot end it early), and
 * quotes and ${ } inside it recurse in turn. Every level counts against SH_MAX_NESTING,
 * so the C stack stays bounded whatever the input. Tokens are only built for the top
 * level; text inside a substitution is kept as written in the word that holds it.
 *
 * Positions are computed when a token starts, so they only move forward: a cursor walks
 * the text once (an error may rewind it once, to the opening quote it names).
 */
#include "lint/shell.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#include <limits.h>
#include <string.h>

#define TRY(expr)                                                                                  \
	do {                                                                                       \
		int r_ = (expr);                                                                   \
		if (r_ < 0)                                                                        \
			return r_;                                                                 \
	} while (0)

typedef struct heredoc {
	const char *delim;
	size_t len;
	bool strip_tabs; /* <<-: leading tabs are stripped from body lines */
} heredoc;

typedef enum scan_mode {
	SCAN_TOP,   /* the whole text: tokens are emitted */
	SCAN_SUBST, /* inside $( ): scanned to its closing ')', nothing emitted */
} scan_mode;

typedef struct word_info {
	bool quoted, expansion, assignment;
	bool name_ok;	  /* every character so far could be part of NAME in NAME=value */
	bool digits_only; /* an IO number (2>&1) if a redirection follows at once */
	size_t nchars;	  /* characters so far; only read (and kept exact) while name_ok */
} word_info;

typedef struct tz {
	const char *file;
	const sh_source *src;
	const char *s;
	size_t n, i;
	vakt_error **err;
	unsigned nesting;
	unsigned sublevel; /* > 0 inside a substitution or ${ }: nothing is recorded there */
	bool recording;	   /* reading a word that becomes a token: record its substitutions */

	/* position cursor: pc_off is at text line pc_tl, file column pc_col */
	size_t pc_off, pc_tl;
	unsigned pc_col;
	bool ascii; /* no byte of the text is above 0x7f: every byte is a column */

	heredoc *hd; /* pending heredocs, bodies skipped at the next newline */
	size_t nhd, caphd;

	vakt_arena *a;
	sh_token *toks; /* few, then the heap while tokenising; copied to the arena at the end */
	size_t ntoks, captoks;
	sh_token few[32]; /* enough for most scripts (a RUN line): no heap at all */
	sh_source *subs;  /* substitutions of the word being read (heap) */
	size_t nsubs, capsubs;
	vakt_buf word;	 /* text of the word being read */
	vakt_buf target; /* a redirection's target (a heredoc delimiter) */
	/* the texts of the word tokens, in one arena block: a word's text is never longer
	 * than the input it was read from, and the words' inputs do not overlap and are each
	 * followed by at least one byte or the end, so n + 1 bytes hold every text and its
	 * NUL. Allocated at the first word; a text that would not fit (none should) gets
	 * its own allocation. */
	char *texts;
	size_t texts_left;
} tz;

static int scan_list(tz *t, scan_mode mode, size_t open);
static int read_word(tz *t, vakt_buf *out, word_info *w);
static int dollar(tz *t, vakt_buf *out, word_info *w, bool in_dquote);
static int double_quote(tz *t, vakt_buf *out, word_info *w);
static int backquote(tz *t, vakt_buf *out, word_info *w);

/* ---- positions ------------------------------------------------------------------------------- */

static unsigned line_start_col(const tz *t, size_t tl)
{
	if (tl == 0)
		return t->src->col;
	if (t->src->line_cols && tl < t->src->nline_cols)
		return t->src->line_cols[tl];
	return 1;
}

static unsigned add_lines(unsigned line, size_t tl)
{
	return tl > UINT_MAX - line ? UINT_MAX : line + (unsigned)tl;
}

/* The file position of text offset off; moves the cursor (rewinding if off is behind). */
static sh_pos pos_at(tz *t, size_t off)
{
	const sh_source *src = t->src;
	if (src->pos_map) {
		if (!src->len)
			return (sh_pos){src->line, src->col};
		return src->pos_map[off < src->len ? off : src->len - 1];
	}
	if (off < t->pc_off) {
		t->pc_off = 0;
		t->pc_tl = 0;
		t->pc_col = src->col;
	}
	/* the cursor in locals: the loop then keeps it in registers */
	const unsigned char *s = (const unsigned char *)t->s;
	size_t i = t->pc_off, tl = t->pc_tl, n = t->n, end = off < n ? off : n;
	unsigned col = t->pc_col;
	if (t->ascii) {
		/* every byte but a newline is a column */
		for (size_t j = i; j < end; j++) {
			if (s[j] == '\n') {
				tl++;
				col = line_start_col(t, tl);
				i = j + 1;
			}
		}
		col += (unsigned)(end - i);
		t->pc_off = end;
		t->pc_tl = tl;
		t->pc_col = col;
		return (sh_pos){add_lines(src->line, tl), col};
	}
	/* a byte adds a column when the next one starts a character (columns count those);
	 * the last byte of the text has no next one, and is counted after the loop */
	size_t last = end == n && n ? n - 1 : end;
	for (; i < last; i++) {
		if (s[i] == '\n') {
			tl++;
			col = line_start_col(t, tl);
		} else {
			col += (s[i + 1] & 0xc0) != 0x80;
		}
	}
	if (i < end) { /* i == n - 1 */
		if (s[i] == '\n') {
			tl++;
			col = line_start_col(t, tl);
		} else {
			col++;
		}
		i++;
	}
	t->pc_off = i;
	t->pc_tl = tl;
	t->pc_col = col;
	return (sh_pos){add_lines(src->line, tl), col};
}

static int error_at(tz *t, size_t off, int code, const char *what)
{
	sh_pos p = pos_at(t, off);
	return vakt_error_set_at(t->err, code, t->file, p.line, p.col, "%s", what);
}

/* ---- small helpers --------------------------------------------------------------------------- */

static inline char at(const tz *t, size_t i)
{
	return i < t->n ? t->s[i] : '\0';
}

static inline bool is_blank_at(const tz *t, size_t i)
{
	char c = at(t, i);
	return c == ' ' || c == '\t' || (c == '\r' && at(t, i + 1) == '\n');
}

/* Characters that end an unquoted word (with blanks). */
static inline bool is_meta(char c)
{
	return c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' ||
	       c == '>';
}

/* Length of a backslash-newline (line continuation) at i, or 0. */
static inline size_t continuation_at(const tz *t, size_t i)
{
	if (at(t, i) != '\\')
		return 0;
	if (at(t, i + 1) == '\n')
		return 2;
	if (at(t, i + 1) == '\r' && at(t, i + 2) == '\n')
		return 3;
	return 0;
}

static inline bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* What a byte is in an unquoted word: PLAIN stands for itself; SPECIAL does not (blanks,
 * operator characters (is_meta), quotes, a backslash and the starts of expansions); a
 * '\r' (CR) stands for itself unless a '\n' follows it (is_blank_at). */
enum { PLAIN, SPECIAL, CR };
static const unsigned char byte_class[256] = {
	[' '] = SPECIAL, ['\t'] = SPECIAL, ['\n'] = SPECIAL, [';'] = SPECIAL,
	['&'] = SPECIAL, ['|'] = SPECIAL,  ['('] = SPECIAL,  [')'] = SPECIAL,
	['<'] = SPECIAL, ['>'] = SPECIAL,  ['\\'] = SPECIAL, ['\''] = SPECIAL,
	['"'] = SPECIAL, ['$'] = SPECIAL,  ['`'] = SPECIAL,  ['\r'] = CR,
};

/* Whether the byte at i < t->n stands for itself in an unquoted word. */
static inline bool plain_at(const tz *t, size_t i)
{
	unsigned char k = byte_class[(unsigned char)t->s[i]];
	return k == PLAIN || (k == CR && (i + 1 >= t->n || t->s[i + 1] != '\n'));
}

/* The end of the run of bytes that stand for themselves from i. */
static inline size_t plain_run_end(const tz *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n;
	for (;;) {
		const unsigned char *q = (const unsigned char *)s + i;
		while (q < (const unsigned char *)s + n && byte_class[*q] == PLAIN)
			q++;
		i = (size_t)(q - (const unsigned char *)s);
		if (i < n && plain_at(t, i))
			i++; /* a '\r' on its own */
		else
			return i;
	}
}

static inline int put(tz *t, vakt_buf *out, const char *p, size_t n)
{
	if (!out || !n)
		return 0;
	if (vakt_buf_append_fast(out, p, n) < 0)
		return error_at(t, t->i, VAKT_E_LIMIT, "word longer than the input allows");
	return 0;
}

static int enter(tz *t, size_t off)
{
	if (t->nesting >= SH_MAX_NESTING) {
		char msg[96];
		snprintf(msg, sizeof(msg), "quotes and substitutions nested deeper than %d levels",
			 SH_MAX_NESTING);
		return error_at(t, off, VAKT_E_LIMIT, msg);
	}
	t->nesting++;
	return 0;
}

static void leave(tz *t)
{
	t->nesting--;
}

/* ---- quotes ---------------------------------------------------------------------------------- */

static int single_quote(tz *t, vakt_buf *out, word_info *w)
{
	size_t open = t->i;
	const char *close = memchr(t->s + open + 1, '\'', t->n - open - 1);
	if (!close)
		return error_at(t, open, VAKT_E_PARSE, "unterminated single quote");
	size_t end = (size_t)(close - t->s);
	TRY(put(t, out, t->s + open + 1, end - open - 1));
	t->i = end + 1;
	w->quoted = true;
	return 0;
}

static int put_utf8(tz *t, vakt_buf *out, unsigned long v)
{
	char b[4];
	size_t n;
	if (v < 0x80) {
		b[0] = (char)v;
		n = 1;
	} else if (v < 0x800) {
		b[0] = (char)(0xc0 | (v >> 6));
		b[1] = (char)(0x80 | (v & 0x3f));
		n = 2;
	} else if (v < 0x10000) {
		b[0] = (char)(0xe0 | (v >> 12));
		b[1] = (char)(0x80 | ((v >> 6) & 0x3f));
		b[2] = (char)(0x80 | (v & 0x3f));
		n = 3;
	} else if (v <= 0x10ffff) {
		b[0] = (char)(0xf0 | (v >> 18));
		b[1] = (char)(0x80 | ((v >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((v >> 6) & 0x3f));
		b[3] = (char)(0x80 | (v & 0x3f));
		n = 4;
	} else {
		return 0; /* not a character: bash prints nothing useful either */
	}
	return put(t, out, b, n);
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Read up to max digits of base (8 or 16) at t->i into *v; returns how many were read. */
static unsigned read_number(tz *t, unsigned base, unsigned max, unsigned long *v)
{
	unsigned k = 0;
	*v = 0;
	for (; k < max; k++) {
		int d = hex_digit(at(t, t->i));
		if (d < 0 || (unsigned)d >= base)
			break;
		*v = *v * base + (unsigned)d;
		t->i++;
	}
	return k;
}

/* One escape of $'...' after its backslash (t->i at the escaped character). Sets *value
 * to the character, or -1 when the escape stands for itself (backslash included). */
static void ansi_escape(tz *t, long *value)
{
	char e = at(t, t->i++);
	unsigned long v = 0;
	switch (e) {
	case 'a': *value = 7; return;
	case 'b': *value = 8; return;
	case 'e':
	case 'E': *value = 27; return;
	case 'f': *value = 12; return;
	case 'n': *value = 10; return;
	case 'r': *value = 13; return;
	case 't': *value = 9; return;
	case 'v': *value = 11; return;
	case '\\':
	case '\'':
	case '"':
	case '?': *value = e; return;
	case 'c':
		/* control character: \cA is 1 */
		*value = t->i < t->n ? (t->s[t->i++] & 0x1f) : -1;
		return;
	case 'x': *value = read_number(t, 16, 2, &v) ? (long)v : -1; return;
	case 'u':
	case 'U':
		*value = read_number(t, 16, e == 'u' ? 4 : 8, &v) ? (long)(v & 0x7fffffff) : -1;
		return;
	default:
		if (e >= '0' && e <= '7') {
			t->i--;
			read_number(t, 8, 3, &v);
			*value = (long)(v & 0xff);
			return;
		}
		*value = -1;
		return;
	}
}

/* $'...': ANSI-C quoting. A NUL ends the string as bash ends it (the rest is dropped). */
static int ansi_c_quote(tz *t, vakt_buf *out, word_info *w)
{
	size_t open = t->i;
	bool ended = false;
	t->i += 2;
	while (t->i < t->n) {
		char c = t->s[t->i];
		if (c == '\'') {
			t->i++;
			w->quoted = true;
			return 0;
		}
		if (c != '\\' || t->i + 1 >= t->n) {
			if (!ended)
				TRY(put(t, out, &c, 1));
			t->i++;
			continue;
		}
		size_t esc = t->i++;
		long v;
		ansi_escape(t, &v);
		if (ended)
			continue;
		if (v < 0)
			TRY(put(t, out, t->s + esc, t->i - esc));
		else if (v == 0)
			ended = true;
		else if (t->s[esc + 1] == 'u' || t->s[esc + 1] == 'U')
			TRY(put_utf8(t, out, (unsigned long)v));
		else
			TRY(put(t, out, &(char){(char)v}, 1));
	}
	return error_at(t, open, VAKT_E_PARSE, "unterminated $'...' quote");
}

/* "...": backslash escapes only $ ` " \ and newline; $ and ` still expand. */
static int double_quote_body(tz *t, vakt_buf *out, word_info *w, size_t open)
{
	t->i++;
	while (t->i < t->n) {
		char c = t->s[t->i];
		if (c == '"') {
			t->i++;
			w->quoted = true;
			return 0;
		}
		if (c == '\\') {
			size_t k = continuation_at(t, t->i);
			char e = at(t, t->i + 1);
			if (k) {
				t->i += k;
			} else if (e == '$' || e == '`' || e == '"' || e == '\\') {
				TRY(put(t, out, &e, 1));
				t->i += 2;
			} else {
				TRY(put(t, out, &c, 1));
				t->i++;
			}
		} else if (c == '$') {
			TRY(dollar(t, out, w, true));
		} else if (c == '`') {
			TRY(backquote(t, out, w));
		} else {
			/* a run of bytes that stand for themselves, copied at once */
			size_t run = t->i;
			while (++t->i < t->n) {
				c = t->s[t->i];
				if (c == '"' || c == '\\' || c == '$' || c == '`')
					break;
			}
			TRY(put(t, out, t->s + run, t->i - run));
		}
	}
	return error_at(t, open, VAKT_E_PARSE, "unterminated double quote");
}

static int double_quote(tz *t, vakt_buf *out, word_info *w)
{
	size_t open = t->i;
	TRY(enter(t, open));
	int r = double_quote_body(t, out, w, open);
	leave(t);
	return r;
}

/* ---- expansions: kept as written ------------------------------------------------------------- */

/* Record the text of a command substitution [off, off+len) of the word being read. */
static void record_subst(tz *t, size_t off, size_t len, sh_pos p)
{
	if (!t->recording || t->sublevel)
		return;
	if (t->nsubs == t->capsubs) {
		t->capsubs = t->capsubs ? 2 * t->capsubs : 4;
		t->subs = xreallocarray(t->subs, t->capsubs, sizeof(*t->subs));
	}
	const sh_source *src = t->src;
	sh_source *sub = &t->subs[t->nsubs++];
	memset(sub, 0, sizeof(*sub));
	sub->text = t->s + off;
	sub->len = len;
	sub->line = p.line;
	sub->col = p.col;
	if (src->pos_map) {
		sub->pos_map = src->pos_map + off;
	} else if (src->line_cols && t->pc_tl < src->nline_cols) {
		/* the cursor is at off (pos_at just moved it there) */
		sub->line_cols = src->line_cols + t->pc_tl;
		sub->nline_cols = src->nline_cols - t->pc_tl;
	}
}

/* $( ... ), <( ... ), >( ... ): t->i at the opening '('. The inside is a command list. */
static int command_subst(tz *t, vakt_buf *out, word_info *w, size_t start)
{
	TRY(enter(t, start));
	size_t inner = t->i + 1;
	bool record = t->recording && !t->sublevel;
	sh_pos p = record ? pos_at(t, inner) : (sh_pos){0, 0};
	t->i = inner;
	t->sublevel++;
	int r = scan_list(t, SCAN_SUBST, start);
	t->sublevel--;
	leave(t);
	if (r < 0)
		return r;
	if (record)
		record_subst(t, inner, t->i - 1 - inner, p);
	w->expansion = true;
	return put(t, out, t->s + start, t->i - start);
}

/* $(( ... )): arithmetic, skipped by counting parentheses. */
static int arithmetic(tz *t, vakt_buf *out, word_info *w)
{
	size_t start = t->i;
	unsigned level = 2;
	t->i += 3;
	while (t->i < t->n && level) {
		char c = t->s[t->i++];
		if (c == '(')
			level++;
		else if (c == ')')
			level--;
	}
	if (level)
		return error_at(t, start, VAKT_E_PARSE, "unterminated arithmetic expansion $((");
	w->expansion = true;
	return put(t, out, t->s + start, t->i - start);
}

/* ${ ... }: parameter expansion, to its matching brace; quotes and substitutions inside it
 * are read (and may hold braces). */
static int brace_body(tz *t, bool in_dquote, size_t start)
{
	word_info inner = {0};
	unsigned level = 1;
	t->i += 2;
	while (t->i < t->n) {
		char c = t->s[t->i];
		if (c == '\\') {
			t->i = t->i + 2 < t->n ? t->i + 2 : t->n;
		} else if (c == '\'' && !in_dquote) {
			TRY(single_quote(t, NULL, &inner));
		} else if (c == '"') {
			TRY(double_quote(t, NULL, &inner));
		} else if (c == '$') {
			TRY(dollar(t, NULL, &inner, in_dquote));
		} else if (c == '`') {
			TRY(backquote(t, NULL, &inner));
		} else if (c == '{') {
			level++;
			t->i++;
		} else if (c == '}') {
			t->i++;
			if (--level == 0)
				return 0;
		} else {
			t->i++;
		}
	}
	return error_at(t, start, VAKT_E_PARSE, "unterminated parameter expansion ${");
}

static int brace(tz *t, vakt_buf *out, word_info *w, bool in_dquote)
{
	size_t start = t->i;
	TRY(enter(t, start));
	t->sublevel++;
	int r = brace_body(t, in_dquote, start);
	t->sublevel--;
	leave(t);
	if (r < 0)
		return r;
	w->expansion = true;
	return put(t, out, t->s + start, t->i - start);
}

/* `...`: to the next unescaped backquote. */
static int backquote(tz *t, vakt_buf *out, word_info *w)
{
	size_t start = t->i, k = start + 1;
	while (k < t->n && t->s[k] != '`')
		k += t->s[k] == '\\' ? 2 : 1;
	if (k >= t->n)
		return error_at(t, start, VAKT_E_PARSE, "unterminated backquote");
	if (t->recording && !t->sublevel)
		record_subst(t, start + 1, k - start - 1, pos_at(t, start + 1));
	t->i = k + 1;
	w->expansion = true;
	return put(t, out, t->s + start, t->i - start);
}

/* $...: t->i at the '$'. */
static int dollar(tz *t, vakt_buf *out, word_info *w, bool in_dquote)
{
	size_t start = t->i;
	char nx = at(t, start + 1);
	if (!in_dquote && nx == '\'')
		return ansi_c_quote(t, out, w);
	if (!in_dquote && nx == '"') {
		t->i++; /* $"...": a translatable string, read as "..." */
		return double_quote(t, out, w);
	}
	if (nx == '(' && at(t, start + 2) == '(')
		return arithmetic(t, out, w);
	if (nx == '(') {
		t->i++;
		return command_subst(t, out, w, start);
	}
	if (nx == '{')
		return brace(t, out, w, in_dquote);
	if (is_name_start(nx)) {
		t->i += 2;
		while (t->i < t->n && is_name_char(t->s[t->i]))
			t->i++;
	} else if (nx && strchr("0123456789@*#?$!-", nx)) {
		t->i += 2;
	} else {
		t->i++; /* a lone $ is itself */
		return put(t, out, "$", 1);
	}
	w->expansion = true;
	return put(t, out, t->s + start, t->i - start);
}

/* ---- words ----------------------------------------------------------------------------------- */

static inline void track_plain(word_info *w, char c)
{
	if (c == '=' && w->name_ok && w->nchars > 0)
		w->assignment = true;
	if (w->name_ok && !(w->nchars ? is_name_char(c) : is_name_start(c)))
		w->name_ok = false;
	if (c < '0' || c > '9')
		w->digits_only = false;
	w->nchars++;
}

static void track_other(word_info *w)
{
	w->name_ok = false;
	w->digits_only = false;
	w->nchars++;
}

/* Read one word from t->i, stopping at a blank or an operator character. */
static int read_word(tz *t, vakt_buf *out, word_info *w)
{
	size_t start = t->i;
	w->name_ok = true;
	w->digits_only = true;
	while (t->i < t->n) {
		char c = t->s[t->i];
		if ((c == '<' || c == '>') && t->i == start && at(t, t->i + 1) == '(') {
			t->i++; /* process substitution <(...) or >(...) */
			track_other(w);
			TRY(command_subst(t, out, w, start));
			continue;
		}
		if (is_blank_at(t, t->i) || is_meta(c))
			break;
		size_t k = continuation_at(t, t->i);
		if (k) {
			t->i += k;
			continue;
		}
		if (c != '\\' && c != '\'' && c != '"' && c != '$' && c != '`') {
			/* a run of plain bytes (plain_at), copied at once; each is tracked until
			 * the word can be neither an assignment nor an IO number (track_plain
			 * changes nothing after) */
			size_t run = t->i, i = run;
			for (; i < t->n && (w->name_ok || w->digits_only) && plain_at(t, i); i++)
				track_plain(w, t->s[i]);
			i = plain_run_end(t, i);
			t->i = i;
			TRY(put(t, out, t->s + run, i - run));
			continue;
		}
		track_other(w); /* quoted or expanded: not part of a NAME, not an IO number */
		if (c == '\\') {
			w->quoted = true;
			if (t->i + 1 < t->n) {
				TRY(put(t, out, t->s + t->i + 1, 1));
				t->i += 2;
			} else {
				/* a backslash at the very end is itself */
				TRY(put(t, out, "\\", 1));
				t->i++;
			}
		} else if (c == '\'') {
			TRY(single_quote(t, out, w));
		} else if (c == '"') {
			TRY(double_quote(t, out, w));
		} else if (c == '$') {
			TRY(dollar(t, out, w, false));
		} else {
			TRY(backquote(t, out, w));
		}
	}
	if (t->i == start)
		w->digits_only = false;
	return 0;
}

/* ---- tokens ---------------------------------------------------------------------------------- */

static sh_token *new_token(tz *t)
{
	if (t->ntoks == t->captoks) {
		bool few = t->toks == t->few;
		t->captoks *= 2;
		t->toks = xreallocarray(few ? NULL : t->toks, t->captoks, sizeof(*t->toks));
		if (few)
			memcpy(t->toks, t->few, sizeof(t->few));
	}
	sh_token *k = &t->toks[t->ntoks++];
	memset(k, 0, sizeof(*k));
	return k;
}

static void emit_op(tz *t, const char *op, size_t off)
{
	/* one newline token between commands is enough */
	if (op[0] == '\n' && (t->ntoks == 0 || (t->toks[t->ntoks - 1].kind == SH_OP &&
						t->toks[t->ntoks - 1].text[0] == '\n')))
		return;
	sh_pos p = pos_at(t, off);
	sh_token *k = new_token(t);
	k->kind = SH_OP;
	k->text = op;
	k->line = p.line;
	k->col = p.col;
}

/* A word token with the text text[0..len) (copied) and the substitutions recorded. */
static void emit_word(tz *t, const word_info *w, sh_pos p, const char *text, size_t len)
{
	sh_token *k = new_token(t);
	k->kind = SH_WORD;
	if (!t->texts) {
		t->texts_left = t->n + 1;
		t->texts = vakt_arena_alloc(t->a, t->texts_left);
	}
	if (len < t->texts_left) {
		memcpy(t->texts, text, len);
		t->texts[len] = '\0';
		k->text = t->texts;
		t->texts += len + 1;
		t->texts_left -= len + 1;
	} else {
		k->text = vakt_arena_strndup(t->a, text, len);
	}
	k->expansion = w->expansion;
	k->quoted = w->quoted;
	k->assignment = w->assignment;
	k->line = p.line;
	k->col = p.col;
	if (t->nsubs) {
		sh_source *subs = vakt_arena_calloc(t->a, t->nsubs, sizeof(*subs));
		memcpy(subs, t->subs, t->nsubs * sizeof(*subs));
		k->subst = subs;
		k->nsubst = t->nsubs;
	}
}

/* ---- redirections and heredocs --------------------------------------------------------------- */

/* Skip blanks and line continuations (the cursor in a local, for a tight loop). */
static void skip_blanks(tz *t)
{
	const char *s = t->s;
	size_t i = t->i, n = t->n;
	while (i < n) {
		if (s[i] == ' ' || s[i] == '\t' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			i++; /* is_blank_at */
		else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n')
			i += 2; /* continuation_at */
		else if (s[i] == '\\' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n')
			i += 3;
		else
			break;
	}
	t->i = i;
}

static void push_heredoc(tz *t, const char *delim, size_t len, bool strip_tabs)
{
	if (t->nhd == t->caphd) {
		t->caphd = t->caphd ? 2 * t->caphd : 4;
		t->hd = xreallocarray(t->hd, t->caphd, sizeof(*t->hd));
	}
	t->hd[t->nhd++] = (heredoc){vakt_arena_strndup(t->a, delim, len), len, strip_tabs};
}

/* A redirection operator at t->i (after its IO number, if any), and its target word, which
 * is not an argument: both are dropped. A heredoc's delimiter is remembered. */
static int redirect(tz *t)
{
	bool heredoc_op = false, strip = false;
	if (at(t, t->i) == '&')
		t->i++; /* &> and &>> (bash) */
	char c = at(t, t->i++);
	if (c == '<' && at(t, t->i) == '<') {
		t->i++;
		if (at(t, t->i) == '<') {
			t->i++; /* <<< here-string: its word is dropped */
		} else {
			heredoc_op = true;
			if (at(t, t->i) == '-') {
				strip = true;
				t->i++;
			}
		}
	} else if (c == '<' && (at(t, t->i) == '&' || at(t, t->i) == '>')) {
		t->i++;
	} else if (c == '>' && (at(t, t->i) == '>' || at(t, t->i) == '|' || at(t, t->i) == '&')) {
		t->i++;
	}
	skip_blanks(t);
	if (t->i >= t->n || is_meta(t->s[t->i]))
		return 0; /* no target: sh refuses it; nothing to drop */
	word_info w = {0};
	vakt_buf_reset(&t->target);
	bool was = t->recording;
	t->recording = false;
	int r = read_word(t, heredoc_op ? &t->target : NULL, &w);
	t->recording = was;
	if (r < 0)
		return r;
	if (heredoc_op)
		push_heredoc(t, vakt_buf_str(&t->target), t->target.len, strip);
	return 0;
}

/* After a newline: skip the bodies of the heredocs started on the line just ended. */
static void skip_heredocs(tz *t)
{
	for (size_t h = 0; h < t->nhd; h++) {
		const heredoc *d = &t->hd[h];
		while (t->i < t->n) {
			size_t ls = t->i;
			const char *nl = memchr(t->s + ls, '\n', t->n - ls);
			size_t le = nl ? (size_t)(nl - t->s) : t->n;
			t->i = nl ? le + 1 : t->n;
			size_t p = ls, e = le;
			if (d->strip_tabs)
				while (p < e && t->s[p] == '\t')
					p++;
			if (e > p && t->s[e - 1] == '\r')
				e--;
			if (e - p == d->len && memcmp(t->s + p, d->delim, d->len) == 0)
				break;
		}
	}
	t->nhd = 0;
}

/* ---- command lists --------------------------------------------------------------------------- */

/* The operator at t->i (one of ; & | ( ) ), its canonical text, advancing past it. */
static const char *read_op(tz *t)
{
	char c = t->s[t->i], d = at(t, t->i + 1);
	t->i++;
	switch (c) {
	case '&':
		if (d == '&') {
			t->i++;
			return "&&";
		}
		return "&";
	case '|':
		if (d == '|') {
			t->i++;
			return "||";
		}
		if (d == '&')
			t->i++; /* |& (bash): a pipe with stderr */
		return "|";
	case ';':
		if (d == ';' || d == '&') {
			t->i++; /* ;; and the bash case terminators ;& ;;& */
			if (d == ';' && at(t, t->i) == '&')
				t->i++;
			return ";;";
		}
		return ";";
	case '(': return "(";
	case ')': return ")";
	default: return ";";
	}
}

static bool raw_is(const tz *t, size_t start, const char *word)
{
	size_t len = strlen(word);
	return t->i - start == len && memcmp(t->s + start, word, len) == 0;
}

typedef struct list_state {
	unsigned paren;	  /* ( ) subshells open in this list */
	unsigned in_case; /* case ... esac open: a ')' ends a pattern there */
	bool cmd_start;	  /* the next word starts a command */
} list_state;

/* The end of the word at start when it is plain bytes only (plain_at) up to a blank, an
 * operator character or the end of the text: its text is then the input itself. start
 * when it is anything else (read_word reads those). */
static size_t plain_word_end(const tz *t, size_t start)
{
	size_t i = plain_run_end(t, start);
	if (i > start && (i == t->n || is_blank_at(t, i) || is_meta(t->s[i])))
		return i;
	return start;
}

static int word(tz *t, scan_mode mode, list_state *ls)
{
	size_t start = t->i;
	word_info w = {0};
	bool top = mode == SCAN_TOP;
	sh_pos p = {0, 0};
	if (top) {
		p = pos_at(t, start);
		t->nsubs = 0;
	}
	const char *text = t->s + start; /* the word's text, as read */
	size_t len = plain_word_end(t, start) - start;
	if (len) {
		/* what read_word does with plain bytes, without a copy to t->word */
		w.name_ok = w.digits_only = true;
		for (size_t i = 0; i < len && (w.name_ok || w.digits_only); i++)
			track_plain(&w, text[i]);
		t->i = start + len;
	} else {
		if (top) {
			vakt_buf_reset(&t->word);
			t->recording = true;
		}
		int r = read_word(t, top ? &t->word : NULL, &w);
		if (top)
			t->recording = false;
		if (r < 0)
			return r;
		text = vakt_buf_str(&t->word);
		len = t->word.len;
	}
	char c = at(t, t->i);
	if (w.digits_only && (c == '<' || c == '>') && at(t, t->i + 1) != '(')
		return redirect(t); /* 2>&1: the digits are the redirection's file descriptor */
	if (ls->cmd_start && raw_is(t, start, "case"))
		ls->in_case++;
	else if (ls->cmd_start && raw_is(t, start, "esac") && ls->in_case)
		ls->in_case--;
	ls->cmd_start = w.assignment;
	if (top)
		emit_word(t, &w, p, text, len);
	return 0;
}

/* ')' in a list: ends a $( ) substitution, a subshell, or a case pattern. Returns 1 when
 * it ends the substitution being scanned. */
static int close_paren(tz *t, scan_mode mode, list_state *ls)
{
	size_t off = t->i++;
	if (ls->paren == 0 && ls->in_case == 0 && mode == SCAN_SUBST)
		return 1;
	if (ls->paren)
		ls->paren--;
	if (mode == SCAN_TOP)
		emit_op(t, ")", off);
	ls->cmd_start = true;
	return 0;
}

static int scan_list(tz *t, scan_mode mode, size_t open)
{
	list_state ls = {0, 0, true};
	for (;;) {
		skip_blanks(t);
		if (t->i >= t->n) {
			if (mode == SCAN_SUBST)
				return error_at(t, open, VAKT_E_PARSE,
						"unterminated command substitution $(");
			return 0;
		}
		char c = t->s[t->i], d = at(t, t->i + 1);
		if (c == '#') {
			const char *nl = memchr(t->s + t->i, '\n', t->n - t->i);
			t->i = nl ? (size_t)(nl - t->s) : t->n;
		} else if (c == '\n') {
			if (mode == SCAN_TOP)
				emit_op(t, "\n", t->i);
			t->i++;
			ls.cmd_start = true;
			skip_heredocs(t);
		} else if (c == ')') {
			if (close_paren(t, mode, &ls))
				return 0;
		} else if ((c == '<' || c == '>') && d != '(') {
			TRY(redirect(t));
		} else if (c == '&' && d == '>') {
			TRY(redirect(t));
		} else if (c == ';' || c == '&' || c == '|' || c == '(') {
			size_t off = t->i;
			const char *op = read_op(t);
			if (op[0] == '(')
				ls.paren++;
			if (mode == SCAN_TOP)
				emit_op(t, op, off);
			ls.cmd_start = true;
		} else {
			TRY(word(t, mode, &ls));
		}
	}
}

static int tokenize(const char *file, const sh_source *src, vakt_arena *a, sh_token **ret,
		    size_t *ret_n, bool partial, vakt_error **err)
{
	tz t = {
		.file = file,
		.src = src,
		.s = src->text ? src->text : "",
		.n = src->text ? src->len : 0,
		.err = err,
		.pc_col = src->col,
		.a = a,
	};
	t.toks = t.few;
	t.captoks = VAKT_ARRAY_SIZE(t.few);
	unsigned char any = 0;
	for (size_t i = 0; i < t.n; i++)
		any |= (unsigned char)t.s[i];
	t.ascii = any < 0x80;
	/* words never grow past the input: quote removal and escapes only shrink text */
	vakt_buf_init(&t.word, t.n + 64);
	vakt_buf_init(&t.target, t.n + 64);
	int r = scan_list(&t, SCAN_TOP, 0);
	if (r < 0 && partial) {
		/* keep the lines before the failing command: up to the last newline */
		size_t keep = t.ntoks;
		while (keep > 0 &&
		       !(t.toks[keep - 1].kind == SH_OP && t.toks[keep - 1].text[0] == '\n'))
			keep--;
		t.ntoks = keep;
	}
	if (r >= 0 || partial) {
		sh_token *toks = vakt_arena_calloc(a, t.ntoks ? t.ntoks : 1, sizeof(*toks));
		if (t.ntoks)
			memcpy(toks, t.toks, t.ntoks * sizeof(*toks));
		*ret = toks;
		*ret_n = t.ntoks;
	}
	if (t.toks != t.few)
		free(t.toks);
	free(t.subs);
	free(t.hd);
	vakt_buf_free(&t.word);
	vakt_buf_free(&t.target);
	return r < 0 ? r : 0;
}

int vakt_shell_tokenize(const char *file, const sh_source *src, vakt_arena *a, sh_token **ret,
			size_t *ret_n, vakt_error **err)
{
	return tokenize(file, src, a, ret, ret_n, false, err);
}

int vakt_shell_tokenize_partial(const char *file, const sh_source *src, vakt_arena *a,
				sh_token **ret, size_t *ret_n, vakt_error **err)
{
	return tokenize(file, src, a, ret, ret_n, true, err);
}

/* ---- simple commands ------------------------------------------------------------------------- */

typedef struct wrapper {
	const char *name;
	const char *short_values;	/* short options that take a value */
	const char *const *long_values; /* long options that take a value (without "--") */
	const char *query;		/* short options that make it not run the command */
	unsigned operands;		/* words between the options and the command */
	bool assignments;		/* NAME=value words may come before the command */
	bool dash_option;		/* a lone "-" is an option (env -) */
} wrapper;

static const char *const sudo_long[] = {
	"user", "group",	   "host",	 "prompt",     "chdir",	    "chroot",	   "role",
	"type", "command-timeout", "close-from", "other-user", "auth-type", "login-class", NULL};
static const char *const env_long[] = {"unset", "chdir", "split-string", NULL};
static const char *const time_long[] = {"format", "output", NULL};
static const char *const timeout_long[] = {"signal", "kill-after", NULL};
static const char *const nice_long[] = {"adjustment", NULL};

/* Commands that run the command after their options. */
static const wrapper wrappers[] = {
	{"sudo", "CDgpRrTtUuac", sudo_long, NULL, 0, true, false},
	{"doas", "uC", NULL, NULL, 0, false, false},
	{"env", "uCS", env_long, NULL, 0, true, true},
	{"exec", "a", NULL, NULL, 0, false, false},
	{"nohup", "", NULL, NULL, 0, false, false},
	{"time", "fo", time_long, NULL, 0, false, false},
	{"command", "", NULL, "vV", 0, false, false},
	{"timeout", "sk", timeout_long, NULL, 1, false, false},
	{"nice", "n", nice_long, NULL, 0, false, false},
};

static const char *basename_of(const char *s)
{
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

static bool in_list(const char *const *list, const char *s, size_t len)
{
	for (; list && *list; list++)
		if (strlen(*list) == len && memcmp(*list, s, len) == 0)
			return true;
	return false;
}

/* Skip a wrapper's options from words[k]; n when it will not run a command. */
static size_t skip_wrapper_options(const wrapper *w, const sh_token *words, size_t k, size_t n)
{
	while (k < n) {
		const char *s = words[k].text;
		if (s[0] != '-' || (s[1] == '\0' && !w->dash_option))
			break;
		k++;
		if (strcmp(s, "--") == 0)
			break;
		if (s[1] == '-') {
			const char *eq = strchr(s, '=');
			if (!eq && in_list(w->long_values, s + 2, strlen(s + 2)))
				k++;
			continue;
		}
		for (const char *p = s + 1; *p; p++) {
			if (w->query && strchr(w->query, *p))
				return n;
			if (strchr(w->short_values, *p)) {
				if (!p[1])
					k++; /* the value is the next word */
				break;
			}
		}
	}
	return k < n ? k : n;
}

/* The reserved words that can lead a command: ! { } if then elif else fi do done while
 * until. Checked by length first, as every command's first word goes through here. */
static bool is_reserved(const char *s)
{
	switch (strlen(s)) {
	case 1: return s[0] == '!' || s[0] == '{' || s[0] == '}';
	case 2: return !memcmp(s, "if", 2) || !memcmp(s, "fi", 2) || !memcmp(s, "do", 2);
	case 4:
		return !memcmp(s, "then", 4) || !memcmp(s, "elif", 4) || !memcmp(s, "else", 4) ||
		       !memcmp(s, "done", 4);
	case 5: return !memcmp(s, "while", 5) || !memcmp(s, "until", 5);
	default: return false;
	}
}

/* The wrapper named name (a basename), or NULL. Most words are not wrappers: their first
 * two letters rule nearly all of them out before any string comparison. */
static const wrapper *find_wrapper(const char *name)
{
	if (!name[0])
		return NULL;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(wrappers); i++) {
		const char *wn = wrappers[i].name;
		if (name[0] == wn[0] && name[1] == wn[1] && strcmp(name, wn) == 0)
			return &wrappers[i];
	}
	return NULL;
}

/* Index of the first word of the command proper: assignments, reserved words and
 * wrappers (with their options, operands and assignments) skipped. */
static size_t command_start(const sh_token *words, size_t n)
{
	size_t k = 0;
	while (k < n) {
		const sh_token *w = &words[k];
		if (w->assignment || (!w->quoted && is_reserved(w->text))) {
			k++;
			continue;
		}
		const wrapper *wr = find_wrapper(basename_of(w->text));
		if (!wr)
			break;
		k = skip_wrapper_options(wr, words, k + 1, n);
		for (unsigned o = 0; o < wr->operands && k < n; o++)
			k++;
		while (wr->assignments && k < n && words[k].assignment)
			k++;
	}
	return k;
}

void vakt_shell_commands(const sh_token *toks, size_t n, sh_command_fn fn, void *ud)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && toks[i].kind != SH_OP)
			continue;
		size_t len = i - start;
		size_t k = command_start(toks + start, len);
		if (k < len)
			fn(toks + start + k, len - k, ud);
		start = i + 1;
	}
}
