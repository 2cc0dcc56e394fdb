/* ver_apk.c - Alpine version ordering, as apk-tools does it: src/version.c in its current
 * form, the tokenizer with commit hashes that apk-tools' test/unit/version.data tests.
 *
 * A version is digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}: the suffixes
 * _alpha _beta _pre _rc sort before the bare version, _cvs _svn _git _hg _p after it.
 * Two versions are compared token by token while both have a token of the same kind;
 * numbers compare as numbers, except that a dotted component with a leading zero on
 * either side compares as a string ("1.01" < "1.1", Gentoo's rule); a commit hash
 * compares as a string. When the kinds differ, a pre-release suffix sorts first, then
 * the later kind in the list above (the end and an invalid token being the latest) is
 * the smaller version: "1.0" < "1.0a" < "1.0.1", "1.0_alpha" < "1.0" < "1.0_p1",
 * "1.0-r1" < "1.0_p1-r0".
 *
 * An invalid token (apk_version_validate() fails) stops the comparison there, as in
 * apk: two versions that agree up to an invalid token on both sides are equal, and one
 * that turns invalid where the other goes on or ends is, like the end, smaller unless
 * the other continues with a pre-release suffix ("1.0bc" sits between "1.0b_rc1" and
 * "1.0b").
 *
 * One deliberate difference: apk reads numbers into a uint64_t that silently wraps past
 * 18446744073709551615; here digit runs of any length compare exactly (leading zeros
 * dropped, more digits win, then bytes). The two agree on every number apk can hold.
 * Nothing here allocates (the error message aside) or recurses.
 */
#include "vuln/version.h"

#include <stdio.h>
#include <string.h>

#include "core/cleanup.h"
#include "vuln/ver_quote.h"

/* ---- bytes and messages ----------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* APK_CTYPE_HEXDIGIT: lower-case only */
static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* ---- tokens ------------------------------------------------------------------------------- */

/* The order is the semantics: token_next() allows a token only after the ones before it,
 * and the comparison ranks unequal kinds by it. */
enum token {
	TOKEN_INITIAL_DIGIT,
	TOKEN_DIGIT,
	TOKEN_LETTER,
	TOKEN_SUFFIX,
	TOKEN_SUFFIX_NO,
	TOKEN_COMMIT_HASH,
	TOKEN_REVISION_NO,
	TOKEN_END,
	TOKEN_INVALID,
};

/* SUFFIX_NONE is the pivot: below it pre-releases, above it post-releases. */
enum suffix {
	SUFFIX_INVALID,
	SUFFIX_ALPHA,
	SUFFIX_BETA,
	SUFFIX_PRE,
	SUFFIX_RC,
	SUFFIX_NONE,
	SUFFIX_CVS,
	SUFFIX_SVN,
	SUFFIX_GIT,
	SUFFIX_HG,
	SUFFIX_P,
};

static const char *const suffix_names[] = {
	[SUFFIX_ALPHA] = "alpha", [SUFFIX_BETA] = "beta", [SUFFIX_PRE] = "pre",
	[SUFFIX_RC] = "rc",	  [SUFFIX_CVS] = "cvs",	  [SUFFIX_SVN] = "svn",
	[SUFFIX_GIT] = "git",	  [SUFFIX_HG] = "hg",	  [SUFFIX_P] = "p",
};

typedef struct tok {
	enum token token;
	enum suffix suffix; /* TOKEN_SUFFIX */
	const char *value;  /* the token's bytes: digits, letter, suffix name or hash */
	size_t len;
	const char *why; /* TOKEN_INVALID: what is wrong, for messages */
} tok;

/* The input still to read. */
typedef struct cursor {
	const char *p, *end;
} cursor;

static enum suffix suffix_value(const char *s, size_t n)
{
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(suffix_names); i++)
		if (suffix_names[i] && strlen(suffix_names[i]) == n &&
		    memcmp(suffix_names[i], s, n) == 0)
			return (enum suffix)i;
	return SUFFIX_INVALID;
}

static void invalid(tok *t, const char *why)
{
	t->token = TOKEN_INVALID;
	t->why = why;
}

static void parse_digits(tok *t, cursor *c, const char *why_empty)
{
	t->value = c->p;
	while (c->p < c->end && is_digit(*c->p))
		c->p++;
	t->len = (size_t)(c->p - t->value);
	if (t->len == 0)
		invalid(t, why_empty);
}

static void token_first(tok *t, cursor *c)
{
	t->token = TOKEN_INITIAL_DIGIT;
	parse_digits(t, c, c->p == c->end ? "empty" : "does not start with a digit");
}

/* The next token after t, its kind from its first byte, refused when it may not follow t. */
static void token_next(tok *t, cursor *c)
{
	const char *why;
	if (c->p == c->end) {
		t->token = TOKEN_END;
		return;
	}
	switch (*c->p) {
	case 'a' ... 'z':
		if (t->token > TOKEN_DIGIT) {
			why = t->token == TOKEN_LETTER
				      ? "a second letter"
				      : "a letter after a suffix, hash or revision";
			break;
		}
		t->value = c->p++;
		t->len = 1;
		t->token = TOKEN_LETTER;
		return;
	case '.':
		if (t->token > TOKEN_DIGIT) {
			why = "'.' after a letter, suffix, hash or revision";
			break;
		}
		c->p++;
		t->token = TOKEN_DIGIT;
		parse_digits(t, c, "'.' not followed by a digit");
		return;
	case '0' ... '9':
		/* every number but a suffix's was read whole: a digit here follows a
		 * letter (or a suffix, for its number) */
		if (t->token != TOKEN_SUFFIX) {
			why = "a digit after a letter";
			break;
		}
		t->token = TOKEN_SUFFIX_NO;
		parse_digits(t, c, "");
		return;
	case '_':
		if (t->token > TOKEN_SUFFIX_NO) {
			why = "a suffix after a commit hash or revision";
			break;
		}
		c->p++;
		t->value = c->p;
		while (c->p < c->end && is_lower(*c->p))
			c->p++;
		t->len = (size_t)(c->p - t->value);
		t->suffix = suffix_value(t->value, t->len);
		if (t->suffix == SUFFIX_INVALID) {
			why = "an unknown suffix (alpha, beta, pre, rc, cvs, svn, git, hg, p)";
			break;
		}
		t->token = TOKEN_SUFFIX;
		return;
	case '~':
		if (t->token >= TOKEN_COMMIT_HASH) {
			why = "'~' after a commit hash or revision";
			break;
		}
		c->p++;
		t->value = c->p;
		while (c->p < c->end && is_hex(*c->p))
			c->p++;
		t->len = (size_t)(c->p - t->value);
		if (t->len == 0) {
			why = "'~' not followed by a lower-case hex commit hash";
			break;
		}
		t->token = TOKEN_COMMIT_HASH;
		return;
	case '-':
		if (t->token >= TOKEN_REVISION_NO) {
			why = "a second revision";
			break;
		}
		if (c->end - c->p < 2 || c->p[1] != 'r') {
			why = "'-' that does not start a revision -rN";
			break;
		}
		c->p += 2;
		t->token = TOKEN_REVISION_NO;
		parse_digits(t, c, "'-r' not followed by a number");
		return;
	default: why = "a character apk versions do not use"; break;
	}
	invalid(t, why);
}

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* apk_blob_sort(): bytes, then the shorter first. */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);
	if (r)
		return sign(r);
	return an < bn ? -1 : an > bn;
}

/* Two digit runs as numbers of any size. */
static int cmp_number(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && *a == '0')
		a++, an--;
	while (bn && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	return sign(memcmp(a, b, an));
}

/* Two tokens of the same kind. */
static int token_cmp(const tok *ta, const tok *tb)
{
	switch (ta->token) {
	case TOKEN_DIGIT:
		/* a leading zero on either side: a string, as Gentoo compares it */
		if (ta->value[0] == '0' || tb->value[0] == '0')
			return cmp_bytes(ta->value, ta->len, tb->value, tb->len);
		return cmp_number(ta->value, ta->len, tb->value, tb->len);
	case TOKEN_INITIAL_DIGIT:
	case TOKEN_SUFFIX_NO:
	case TOKEN_REVISION_NO: return cmp_number(ta->value, ta->len, tb->value, tb->len);
	case TOKEN_LETTER: return sign(ta->value[0] - tb->value[0]);
	case TOKEN_SUFFIX: return sign((int)ta->suffix - (int)tb->suffix);
	case TOKEN_COMMIT_HASH:
	default: return cmp_bytes(ta->value, ta->len, tb->value, tb->len);
	}
}

/* apk_version_compare_fuzzy(): with fuzzy, b matches every version it is a token prefix
 * of ("3.6.9" ~ "3.6"). */
static int apk_compare(const char *a, const char *b, bool fuzzy)
{
	tok ta = {0}, tb = {0};
	cursor ca = {a, a + strlen(a)}, cb = {b, b + strlen(b)};

	for (token_first(&ta, &ca), token_first(&tb, &cb);
	     ta.token == tb.token && ta.token < TOKEN_END;
	     token_next(&ta, &ca), token_next(&tb, &cb)) {
		int r = token_cmp(&ta, &tb);
		if (r)
			return r;
	}

	/* both ended, or both turned invalid; or b is a prefix of a, for a fuzzy match */
	if (ta.token == tb.token)
		return 0;
	if (tb.token == TOKEN_END && fuzzy)
		return 0;

	/* equal so far: the one that goes on is newer, unless it goes on with a
	 * pre-release suffix */
	if (ta.token == TOKEN_SUFFIX && ta.suffix < SUFFIX_NONE)
		return -1;
	if (tb.token == TOKEN_SUFFIX && tb.suffix < SUFFIX_NONE)
		return 1;
	if (ta.token > tb.token)
		return -1;
	if (tb.token > ta.token)
		return 1;
	return 0;
}

/* ---- the interface ---------------------------------------------------------------------- */

/* Is v a version apk_version_validate() accepts? 0, or VAKT_E_PARSE naming the offset of
 * the first token that may not be there. */
int vakt_apk_check(const char *v, vakt_error **err)
{
	char q[4 * QUOTE_MAX + 8];
	tok t = {0};
	cursor c = {v, v + strlen(v)};
	const char *at = c.p;
	for (token_first(&t, &c); t.token < TOKEN_END; token_next(&t, &c))
		at = c.p;
	if (t.token == TOKEN_END)
		return 0;
	return vakt_error_set(err, VAKT_E_PARSE, "apk version \"%s\": at offset %zu: %s",
			      quote(q, v), (size_t)(at - v), t.why);
}

/* apk_version_compare(a, b): <0, 0, >0, defined for invalid versions as apk defines it
 * (see the top of this file). */
int vakt_apk_cmp(const char *a, const char *b)
{
	return apk_compare(a, b, false);
}

/* apk_version_compare_fuzzy(a, b, true): 0 also when b's tokens are a prefix of a's, as
 * apk's "~" dependency operator matches ("3.6.9" ~ "3.6", but not "3.6" ~ "3.6.9"). */
int vakt_apk_cmp_fuzzy(const char *a, const char *b)
{
	return apk_compare(a, b, true);
}
