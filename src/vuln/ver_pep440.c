/* ver_pep440.c - PEP 440 versions, parsed and ordered exactly as packaging.version.Version.
 *
 * The grammar is packaging's regular expression (compiled with re.VERBOSE | re.IGNORECASE
 * and anchored by ^\s* ... \s*$), written out as a one-pass parser:
 *
 *   v?  [N!]  N(.N)*                                         epoch, release
 *   [ [-_.]? (a|b|c|rc|alpha|beta|pre|preview) [-_.]? N? ]   pre-release
 *   [ -N | [-_.]? (post|rev|r) [-_.]? N? ]                   post-release
 *   [ [-_.]? dev [-_.]? N? ]                                 development release
 *   [ + [a-z0-9]+ ([-_.][a-z0-9]+)* ]                        local version label
 *
 * N is ASCII digits of any length (compared by value, so "007" == "7" and nothing
 * overflows); an omitted N is 0. The regular expression would backtrack, but no choice it
 * could revisit changes the outcome: a run of digits is never followed by anything that
 * starts with a digit, a shorter keyword (a for alpha, pre for preview, r for rev) leaves
 * a letter that nothing can continue with, and an optional separator consumed after a
 * keyword never stops what follows from matching (the next part's own separator is
 * optional, and "-N" after a consumed '-' is that keyword's number). So each part is taken
 * greedily, longest keyword first, and the parse is the one packaging finds.
 *
 * Python details that packaging inherits and vakt reproduces, because versions arrive
 * from JSON feeds as Unicode text (vakt sees it as UTF-8):
 *   - \s is Unicode whitespace: besides " \t\n\v\f\r" also U+001C..U+001F, U+0085,
 *     U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000;
 *   - IGNORECASE equates four non-ASCII letters with ASCII ones: U+0130 and U+0131 with
 *     'i', U+017F with 's', U+212A (Kelvin) with 'k'. They may appear in keywords
 *     ("previ\u0131ew", "po\u017ft") and local labels. packaging then lowercases with
 *     str.lower(), which turns U+0130 into "i\u0307" and U+212A into "k" and leaves the
 *     other two, so "po\u017ft1" is a post-release whose letter is not "post" and that
 *     sorts above every "postN" of the same release. Odd, but it is the reference.
 *
 * The ordering is packaging's _cmpkey, compared field by field:
 *   epoch; release with trailing zeros ignored (shorter ones padded with zeros);
 *   pre:  -inf for a development release without pre or post ("1.0.dev0" < "1.0a0"),
 *         +inf without a pre-release, else (letter, N) with a < b < rc;
 *   post: -inf without, else (letter, N);
 *   dev:  +inf without, else N;
 *   local: -inf without, else its segments (split at '-', '_', '.') in turn: all-digit
 *         segments as numbers, above every other segment, others lowercased, compared by
 *         code point (which is byte order in UTF-8); a shorter label sorts first when it
 *         is a prefix of the other.
 *
 * Invalid versions (packaging raises InvalidVersion) still compare, for sorting: every
 * invalid string sorts before every valid one, and invalid strings among themselves
 * bytewise (strcmp). NULL is treated as an invalid empty string.
 *
 * Nothing here allocates; checking is one pass, comparing parses both strings once.
 */
#include "vuln/version.h"
#include "vuln/ver_lang_quote.h"

#include <stdio.h>
#include <string.h>

typedef struct pep_span {
	const char *p;
	size_t n;
} pep_span;

#define LETTER_MAX 32 /* "preview" with every 'i' as U+0130 lowered: 9 bytes */

/* A pre- or post-release letter as packaging keeps it: lowered, alternate spellings
 * replaced ("alpha" -> "a", "rev" -> "post"), as UTF-8. */
typedef struct pep_letter {
	char s[LETTER_MAX];
	size_t n;
} pep_letter;

typedef struct pep440 {
	pep_span epoch;	  /* digits; n == 0 for the implicit 0 */
	pep_span release; /* "N(.N)*" */
	bool has_pre, has_post, has_dev, has_local;
	pep_letter pre, post;
	pep_span pre_n, post_n, dev_n; /* digits; n == 0 for an omitted (0) number */
	pep_span local;		       /* the label after '+' */
} pep440;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* ---- Python's view of the characters ------------------------------------------------ */

/* The length of one whitespace character (str.isspace(), what Python's \s matches) at p,
 * as UTF-8; 0 if there is none. */
static size_t space_len(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;
	if ((s[0] >= 0x09 && s[0] <= 0x0d) || (s[0] >= 0x1c && s[0] <= 0x20))
		return 1;
	if (s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2; /* U+0085, U+00A0 */
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3; /* U+205F */
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* The non-ASCII characters that re.IGNORECASE equates with an ASCII letter, as UTF-8,
 * with that letter and what str.lower() makes of them. */
static const struct pep_fold {
	const char *utf8;
	size_t n;
	char ascii;
	const char *lower;
	size_t lower_n;
} folds[] = {
	{"\xc4\xb0", 2, 'i', "i\xcc\x87", 3}, /* U+0130 capital I with dot above */
	{"\xc4\xb1", 2, 'i', "\xc4\xb1", 2},  /* U+0131 dotless i */
	{"\xc5\xbf", 2, 's', "\xc5\xbf", 2},  /* U+017F long s */
	{"\xe2\x84\xaa", 3, 'k', "k", 1},     /* U+212A Kelvin sign */
};

/* One letter at p as the regular expression sees it under IGNORECASE: its length in bytes
 * (0 if p holds no letter), the ASCII letter it matches into *ascii and its str.lower()
 * into out[0 .. *out_n) (at most 3 bytes). */
static size_t letter_at(const char *p, char *ascii, char out[4], size_t *out_n)
{
	char c = *p;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		*ascii = (char)(c | 0x20);
		out[0] = *ascii;
		*out_n = 1;
		return 1;
	}
	if ((unsigned char)c < 0x80)
		return 0;
	for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]); i++) {
		/* strncmp stops at p's NUL, so it never reads past the string */
		if (strncmp(p, folds[i].utf8, folds[i].n) == 0) {
			*ascii = folds[i].ascii;
			memcpy(out, folds[i].lower, folds[i].lower_n);
			*out_n = folds[i].lower_n;
			return folds[i].n;
		}
	}
	return 0;
}

/* One character of a local version label at p ([a-z0-9] under IGNORECASE): as
 * letter_at, digits included. */
static size_t local_char(const char *p, char out[4], size_t *out_n)
{
	if (is_digit(*p)) {
		out[0] = *p;
		*out_n = 1;
		return 1;
	}
	char ascii;
	return letter_at(p, &ascii, out, out_n);
}

/* Match the lowercase ASCII keyword kw at p case-insensitively: the bytes consumed (0 if
 * it does not match), the lowered spelling into *ret. */
static size_t match_kw(const char *p, const char *kw, pep_letter *ret)
{
	const char *s = p;
	ret->n = 0;
	for (; *kw; kw++) {
		char ascii, out[4];
		size_t n, k = letter_at(s, &ascii, out, &n);
		if (k == 0 || ascii != *kw || ret->n + n > LETTER_MAX)
			return 0;
		memcpy(ret->s + ret->n, out, n);
		ret->n += n;
		s += k;
	}
	return (size_t)(s - p);
}

static bool letter_is(const pep_letter *l, const char *s)
{
	return l->n == strlen(s) && memcmp(l->s, s, l->n) == 0;
}

static void letter_set(pep_letter *l, const char *s)
{
	l->n = strlen(s);
	memcpy(l->s, s, l->n);
}

/* The longest of kws (NULL-terminated, longest first) matching at p; see match_kw. */
static size_t match_longest(const char *p, const char *const *kws, pep_letter *ret)
{
	for (; *kws; kws++) {
		size_t n = match_kw(p, *kws, ret);
		if (n)
			return n;
	}
	return 0;
}

/* ---- parsing ------------------------------------------------------------------------ */

/* Why a version is invalid: a phrase and the offset of the offending character. */
typedef struct pep_fail {
	const char *why;
	size_t at;
} pep_fail;

static int fail(pep_fail *f, const char *why, const char *v, const char *p)
{
	*f = (pep_fail){why, (size_t)(p - v)};
	return -1;
}

/* After a keyword: an optional separator, then optional digits into *ret (n == 0 when
 * there are none). Returns the position after them; the separator is consumed even
 * without digits, as the regular expression's greedy [-_.]? does. */
static const char *opt_number(const char *p, pep_span *ret)
{
	if (is_sep(*p))
		p++;
	const char *s = p;
	while (is_digit(*p))
		p++;
	*ret = (pep_span){s, (size_t)(p - s)};
	return p;
}

static const char *const pre_kws[] = {"preview", "alpha", "beta", "pre", "rc", "a", "b", "c", NULL};
static const char *const post_kws[] = {"post", "rev", "r", NULL};
static const char *const dev_kws[] = {"dev", NULL};

/* Parse v into *ret: 0, or -1 with *f saying why. */
static int pep440_parse(const char *v, pep440 *ret, pep_fail *f)
{
	memset(ret, 0, sizeof(*ret));
	const char *p = v, *q, *s;
	size_t n;
	while ((n = space_len(p)))
		p += n;
	if (*p == 'v' || *p == 'V')
		p++;
	for (s = p; is_digit(*p);)
		p++;
	if (p == s)
		return fail(f, "expected the release number", v, p);
	if (*p == '!') {
		ret->epoch = (pep_span){s, (size_t)(p - s)};
		for (s = ++p; is_digit(*p);)
			p++;
		if (p == s)
			return fail(f, "expected the release number after the epoch", v, p);
	}
	while (*p == '.' && is_digit(p[1]))
		for (p++; is_digit(*p);)
			p++;
	ret->release = (pep_span){s, (size_t)(p - s)};

	q = is_sep(*p) ? p + 1 : p;
	if ((n = match_longest(q, pre_kws, &ret->pre))) {
		ret->has_pre = true;
		if (letter_is(&ret->pre, "alpha"))
			letter_set(&ret->pre, "a");
		else if (letter_is(&ret->pre, "beta"))
			letter_set(&ret->pre, "b");
		else if (letter_is(&ret->pre, "c") || letter_is(&ret->pre, "pre") ||
			 letter_is(&ret->pre, "preview"))
			letter_set(&ret->pre, "rc");
		p = opt_number(q + n, &ret->pre_n);
	}

	if (*p == '-' && is_digit(p[1])) { /* the implicit post-release "1.0-1" */
		ret->has_post = true;
		letter_set(&ret->post, "post");
		for (s = ++p; is_digit(*p);)
			p++;
		ret->post_n = (pep_span){s, (size_t)(p - s)};
	} else {
		q = is_sep(*p) ? p + 1 : p;
		if ((n = match_longest(q, post_kws, &ret->post))) {
			ret->has_post = true;
			if (letter_is(&ret->post, "rev") || letter_is(&ret->post, "r"))
				letter_set(&ret->post, "post");
			p = opt_number(q + n, &ret->post_n);
		}
	}

	pep_letter dev;
	q = is_sep(*p) ? p + 1 : p;
	if ((n = match_longest(q, dev_kws, &dev))) {
		ret->has_dev = true;
		p = opt_number(q + n, &ret->dev_n);
	}

	if (*p == '+') {
		char out[4];
		size_t outn;
		s = ++p;
		for (;;) {
			while ((n = local_char(p, out, &outn)))
				p += n;
			if (p == s)
				return fail(f, "expected a letter or digit after '+'", v, p);
			/* a separator counts only with a letter or digit after it */
			if (!is_sep(*p) || !local_char(p + 1, out, &outn))
				break;
			p++;
		}
		ret->has_local = true;
		ret->local = (pep_span){s, (size_t)(p - s)};
	}

	while ((n = space_len(p)))
		p += n;
	if (*p != '\0')
		return fail(f, "unexpected character", v, p);
	return 0;
}

/* Check v as packaging.version.Version would; see the top of this file and version.h.
 * The message names the version (quoted, cut, escaped), what is wrong and where. */
int vakt_pep440_check(const char *v, vakt_error **err)
{
	if (!v)
		return vakt_error_set(err, VAKT_E_PARSE, "pep440 version: none given");
	pep440 pv;
	pep_fail f;
	if (pep440_parse(v, &pv, &f) == 0)
		return 0;
	char q[QUOTE_MAX * 4 + 8], d[16];
	const char *p = v;
	size_t n;
	while ((n = space_len(p)))
		p += n;
	if (*p == '\0')
		return vakt_error_set(err, VAKT_E_PARSE, "pep440 version \"%s\": empty",
				      quote(v, q, sizeof(q)));
	return vakt_error_set(
		err, VAKT_E_PARSE, "pep440 version \"%s\": %s at offset %zu, found %s",
		quote(v, q, sizeof(q)), f.why, f.at, describe(v + f.at, d, sizeof(d)));
}

/* ---- ordering ----------------------------------------------------------------------- */

static int sign_of(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Two decimal digit strings by value (int() of each); empty is 0. */
static int num_cmp(pep_span a, pep_span b)
{
	while (a.n && *a.p == '0')
		a.p++, a.n--;
	while (b.n && *b.p == '0')
		b.p++, b.n--;
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return a.n ? sign_of(memcmp(a.p, b.p, a.n)) : 0;
}

/* The next part of *s up to a separator (any of "-_." when local, else '.'), consumed
 * with its separator; false at the end. */
static bool next_part(pep_span *s, pep_span *ret, bool local)
{
	if (!s->p || s->n == 0)
		return false;
	size_t n = 0;
	while (n < s->n && !(local ? is_sep(s->p[n]) : s->p[n] == '.'))
		n++;
	*ret = (pep_span){s->p, n};
	size_t skip = n < s->n ? n + 1 : n;
	s->p += skip;
	s->n -= skip;
	return true;
}

/* Release tuples, the shorter padded with zeros: the same as packaging dropping trailing
 * zeros and comparing tuples, since what the longer one has beyond the shorter either is
 * all zeros or has a first non-zero that decides. */
static int release_cmp(pep_span a, pep_span b)
{
	for (;;) {
		pep_span x = {NULL, 0}, y = {NULL, 0};
		bool hx = next_part(&a, &x, false), hy = next_part(&b, &y, false);
		if (!hx && !hy)
			return 0;
		int c = num_cmp(x, y);
		if (c != 0)
			return c;
	}
}

static int letter_cmp(const pep_letter *a, const pep_letter *b)
{
	int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	if (c != 0)
		return sign_of(c);
	return a->n < b->n ? -1 : a->n > b->n;
}

/* The lowered bytes of a local segment one at a time, so two segments compare as
 * part.lower() strings without a copy. */
typedef struct pep_lowered {
	pep_span rest;
	char buf[4];
	size_t i, n;
} pep_lowered;

/* The next byte, or -1 at the end. */
static int lowered_next(pep_lowered *l)
{
	if (l->i == l->n) {
		if (l->rest.n == 0)
			return -1;
		size_t k = local_char(l->rest.p, l->buf, &l->n);
		if (k == 0 || k > l->rest.n)
			return -1; /* cannot happen: the segment was parsed with local_char */
		l->rest.p += k;
		l->rest.n -= k;
		l->i = 0;
	}
	return (unsigned char)l->buf[l->i++];
}

static bool all_digits(pep_span s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!is_digit(s.p[i]))
			return false;
	return true;
}

/* Two local segments: numbers by value, above strings; strings by their lowercase form. */
static int segment_cmp(pep_span a, pep_span b)
{
	bool an = all_digits(a), bn = all_digits(b);
	if (an && bn)
		return num_cmp(a, b);
	if (an != bn)
		return an ? 1 : -1;
	pep_lowered x = {a, {0}, 0, 0}, y = {b, {0}, 0, 0};
	for (;;) {
		int cx = lowered_next(&x), cy = lowered_next(&y);
		if (cx != cy)
			return cx < cy ? -1 : 1; /* -1 (the end) below every byte */
		if (cx < 0)
			return 0;
	}
}

static int local_cmp(pep_span a, pep_span b)
{
	for (;;) {
		pep_span x = {NULL, 0}, y = {NULL, 0}; /* set when the iterators return true */
		bool hx = next_part(&a, &x, true), hy = next_part(&b, &y, true);
		if (!hx || !hy)
			return hx ? 1 : hy ? -1 : 0;
		int c = segment_cmp(x, y);
		if (c != 0)
			return c;
	}
}

/* packaging's _pre: 0 for -inf (a development release without pre or post), 1 for a
 * (letter, N) pair, 2 for +inf (no pre-release). */
static int pre_rank(const pep440 *v)
{
	if (!v->has_pre)
		return !v->has_post && v->has_dev ? 0 : 2;
	return 1;
}

static int pep440_key_cmp(const pep440 *a, const pep440 *b)
{
	int c = num_cmp(a->epoch, b->epoch);
	if (c == 0)
		c = release_cmp(a->release, b->release);
	if (c == 0) {
		int ra = pre_rank(a), rb = pre_rank(b);
		c = ra != rb ? (ra < rb ? -1 : 1) : 0;
		if (c == 0 && ra == 1) {
			c = letter_cmp(&a->pre, &b->pre);
			if (c == 0)
				c = num_cmp(a->pre_n, b->pre_n);
		}
	}
	if (c == 0) {
		c = a->has_post != b->has_post ? (a->has_post ? 1 : -1) : 0;
		if (c == 0 && a->has_post) {
			c = letter_cmp(&a->post, &b->post);
			if (c == 0)
				c = num_cmp(a->post_n, b->post_n);
		}
	}
	if (c == 0) {
		c = a->has_dev != b->has_dev ? (a->has_dev ? -1 : 1) : 0;
		if (c == 0 && a->has_dev)
			c = num_cmp(a->dev_n, b->dev_n);
	}
	if (c == 0) {
		c = a->has_local != b->has_local ? (a->has_local ? 1 : -1) : 0;
		if (c == 0 && a->has_local)
			c = local_cmp(a->local, b->local);
	}
	return c;
}

/* Order a and b as packaging.version.Version does; invalid versions first, bytewise. See
 * the top of this file and version.h. */
int vakt_pep440_cmp(const char *a, const char *b)
{
	pep_fail f;
	pep440 x, y;
	bool va = a && pep440_parse(a, &x, &f) == 0;
	bool vb = b && pep440_parse(b, &y, &f) == 0;
	if (!va || !vb) {
		if (va != vb)
			return va ? 1 : -1;
		return sign_of(strcmp(a ? a : "", b ? b : ""));
	}
	return pep440_key_cmp(&x, &y);
}
