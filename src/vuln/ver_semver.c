/* ver_semver.c - Semantic Versioning 2.0.0: validity and precedence (Go modules, npm).
 *
 * The grammar of semver.org, with the one optional leading 'v' that Go always writes and
 * npm accepts:
 *
 *   version  = ["v"] num "." num "." num ["-" ident *("." ident)] ["+" build *("." build)]
 *   num      = "0" | [1-9] *[0-9]                     any length
 *   ident    = num | *[0-9A-Za-z-] with at least one letter or '-'
 *   build    = 1*[0-9A-Za-z-]                          leading zeros allowed
 *
 * Precedence is section 11: major, minor and patch numerically; a version with a
 * prerelease sorts before the same version without one; prerelease identifiers one by one,
 * numeric ones numerically and below alphanumeric ones, alphanumeric ones in ASCII order,
 * a shorter list first when all its identifiers are equal. Build metadata is ignored, so
 * "1.0.0+a" and "1.0.0+b" compare equal. Go pseudo-versions (v0.0.0-20210101000000-abcdef)
 * are ordinary prereleases and need nothing special.
 *
 * Numbers are compared as decimal strings (length, then digits), so there is no limit on
 * their size and nothing to overflow. That is where vakt follows the specification (and
 * Go's golang.org/x/mod/semver) rather than node-semver, which rejects versions longer
 * than 256 characters and a major, minor or patch above 2^53-1, and compares prerelease
 * numbers of 2^53-1 and more as doubles (so 1.0.0-9007199254740993 == ...992 there).
 *
 * Invalid versions still compare, for sorting: every invalid string sorts before every
 * valid one, and invalid strings among themselves bytewise (strcmp). NULL is treated as
 * an invalid empty string.
 *
 * Nothing here allocates; parsing is one pass, comparison one more.
 */
#include "vuln/version.h"
#include "vuln/ver_lang_quote.h"

#include <stdio.h>
#include <string.h>

typedef struct semver_span {
	const char *p;
	size_t n;
} semver_span;

typedef struct semver {
	semver_span num[3]; /* major, minor, patch: digits, no leading zero */
	semver_span pre;    /* the prerelease after '-'; n == 0 when there is none */
} semver;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* ---- parsing ------------------------------------------------------------------------ */

/* Why a version is invalid: a phrase, the offset of the offending character, and whether
 * the message should name that character. */
typedef struct semver_fail {
	const char *why;
	size_t at;
	bool found;
} semver_fail;

static int fail(semver_fail *f, const char *why, const char *v, const char *p, bool found)
{
	*f = (semver_fail){why, (size_t)(p - v), found};
	return -1;
}

/* Parse v into *ret: 0, or -1 with *f saying why. */
static int semver_parse(const char *v, semver *ret, semver_fail *f)
{
	static const char *const missing[3] = {
		"expected the major version (a number)",
		"expected the minor version (a number)",
		"expected the patch version (a number)",
	};
	static const char *const leading[3] = {
		"leading zero in the major version",
		"leading zero in the minor version",
		"leading zero in the patch version",
	};
	static const char *const no_dot[2] = {
		"expected '.' after the major version",
		"expected '.' after the minor version",
	};
	const char *p = v;
	if (*p == 'v')
		p++;
	for (int i = 0; i < 3; i++) {
		const char *s = p;
		while (is_digit(*p))
			p++;
		if (p == s)
			return fail(f, missing[i], v, p, true);
		if (*s == '0' && p - s > 1)
			return fail(f, leading[i], v, s, false);
		ret->num[i] = (semver_span){s, (size_t)(p - s)};
		if (i < 2) {
			if (*p != '.')
				return fail(f, no_dot[i], v, p, true);
			p++;
		}
	}
	ret->pre = (semver_span){NULL, 0};
	if (*p == '-') {
		const char *pre = ++p;
		for (;;) {
			const char *s = p;
			bool numeric = true;
			while (is_ident_char(*p))
				numeric &= is_digit(*p++);
			if (p == s)
				return fail(f, "empty prerelease identifier", v, p, true);
			if (numeric && *s == '0' && p - s > 1)
				return fail(f, "leading zero in a numeric prerelease identifier", v,
					    s, false);
			if (*p != '.')
				break;
			p++;
		}
		ret->pre = (semver_span){pre, (size_t)(p - pre)};
	}
	if (*p == '+') {
		p++;
		for (;;) {
			const char *s = p;
			while (is_ident_char(*p))
				p++;
			if (p == s)
				return fail(f, "empty build metadata identifier", v, p, true);
			if (*p != '.')
				break;
			p++;
		}
	}
	if (*p != '\0')
		return fail(f, "unexpected character", v, p, true);
	return 0;
}

/* Check v against the grammar at the top of this file; see version.h. The message names
 * the version (quoted, cut, escaped), what is wrong and where. */
int vakt_semver_check(const char *v, vakt_error **err)
{
	if (!v)
		return vakt_error_set(err, VAKT_E_PARSE, "semver version: none given");
	semver sv;
	semver_fail f;
	if (semver_parse(v, &sv, &f) == 0)
		return 0;
	if (*v == '\0')
		return vakt_error_set(err, VAKT_E_PARSE, "semver version \"\": empty");
	char q[QUOTE_MAX * 4 + 8], d[16];
	return vakt_error_set(err, VAKT_E_PARSE, "semver version \"%s\": %s at offset %zu%s%s",
			      quote(v, q, sizeof(q)), f.why, f.at, f.found ? ", found " : "",
			      f.found ? describe(v + f.at, d, sizeof(d)) : "");
}

/* ---- precedence --------------------------------------------------------------------- */

static int sign_of(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Two decimal digit strings by value: leading zeros skipped, then the longer is larger,
 * then the digits. Valid versions have no leading zeros but this costs nothing. */
static int num_cmp(semver_span a, semver_span b)
{
	while (a.n > 1 && *a.p == '0')
		a.p++, a.n--;
	while (b.n > 1 && *b.p == '0')
		b.p++, b.n--;
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return sign_of(memcmp(a.p, b.p, a.n));
}

/* The next prerelease identifier of *s (consumed, with its '.'); false at the end. */
static bool next_ident(semver_span *s, semver_span *ret, bool *numeric)
{
	if (s->n == 0)
		return false;
	const char *dot = memchr(s->p, '.', s->n);
	size_t n = dot ? (size_t)(dot - s->p) : s->n;
	*ret = (semver_span){s->p, n};
	*numeric = true;
	for (size_t i = 0; i < n; i++)
		*numeric &= is_digit(s->p[i]);
	s->p += dot ? n + 1 : n;
	s->n -= dot ? n + 1 : n;
	return true;
}

/* Section 11.4 on two prerelease strings, both non-empty. */
static int pre_cmp(semver_span a, semver_span b)
{
	for (;;) {
		semver_span x = {0}, y = {0}; /* set by next_ident when it returns true */
		bool xnum = false, ynum = false;
		bool hx = next_ident(&a, &x, &xnum), hy = next_ident(&b, &y, &ynum);
		if (!hx || !hy)
			return hx ? 1 : hy ? -1 : 0; /* a larger set of fields sorts higher */
		int c;
		if (xnum && ynum)
			c = num_cmp(x, y);
		else if (xnum != ynum)
			c = xnum ? -1 : 1; /* numeric identifiers below alphanumeric ones */
		else {
			c = sign_of(memcmp(x.p, y.p, x.n < y.n ? x.n : y.n));
			if (c == 0 && x.n != y.n)
				c = x.n < y.n ? -1 : 1;
		}
		if (c != 0)
			return c;
	}
}

/* Order a and b by SemVer precedence; invalid versions first, bytewise. See the top of
 * this file and version.h. */
int vakt_semver_cmp(const char *a, const char *b)
{
	semver_fail f;
	semver x, y;
	bool va = a && semver_parse(a, &x, &f) == 0;
	bool vb = b && semver_parse(b, &y, &f) == 0;
	if (!va || !vb) {
		if (va != vb)
			return va ? 1 : -1;
		return sign_of(strcmp(a ? a : "", b ? b : ""));
	}
	for (int i = 0; i < 3; i++) {
		int c = num_cmp(x.num[i], y.num[i]);
		if (c != 0)
			return c;
	}
	if (x.pre.n == 0 || y.pre.n == 0)
		return x.pre.n ? -1 : y.pre.n ? 1 : 0; /* a prerelease sorts before the release */
	return pre_cmp(x.pre, y.pre);
}
