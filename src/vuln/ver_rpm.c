/* ver_rpm.c - RPM version ordering, as rpm 4.18 does it.
 *
 * rpmvercmp() (rpmio/rpmvercmp.c) compares one version or release field: it skips
 * separators (every byte that is not an ASCII letter or digit, '~' or '^'), then compares
 * the next maximal run of digits or of letters; digits beat letters; digit runs compare
 * as numbers of any length, letter runs by bytes. '~' sorts before everything, the end
 * included ("1.0~rc1" < "1.0"); '^' sorts after the end but before anything else
 * ("1.0" < "1.0^git1" < "1.0.1"). Which separator, and how many, never matters
 * ("1.0" == "1_0" == "1..0"), and bytes outside ASCII are separators too.
 *
 * EVR strings "[epoch:]version[-release]" are split as rpmverParse() does (the epoch is
 * the leading digits when a ':' follows them, the release follows the last '-') and
 * compared as rpmverCmp() and python's rpm.labelCompare() do: the epoch (missing = 0)
 * and the version with rpmvercmp(), then the release, where a missing release sorts
 * before any release, even an empty one.
 *
 * rpm itself refuses no string but the empty one; vakt_rpm_check holds versions to what
 * rpmbuild lets into a package (see there). Nothing here allocates (the error message
 * aside) or copies: rpm copies each string onto the stack, which a 100 MB version would
 * overflow; these loops walk the input in place, each step advancing.
 */
#include "vuln/version.h"

#include <stdio.h>
#include <string.h>

#include "vuln/ver_quote.h"

/* ---- bytes and messages ----------------------------------------------------------------- */

/* rpm's risdigit(), risalpha(): ASCII only, whatever the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

/* ---- rpmvercmp ---------------------------------------------------------------------------- */

typedef struct span {
	const char *p;
	size_t n;
} span;

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Two byte strings as strcmp() orders them (no NUL inside). */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);
	if (r)
		return sign(r);
	return an < bn ? -1 : an > bn;
}

/* The byte at p, or the NUL that ends rpm's copy of the string. */
static char at(const char *p, const char *end)
{
	return p < end ? *p : '\0';
}

/* rpmvercmp() on two byte ranges, step for step. */
static int rpmvercmp_span(span sa, span sb)
{
	const char *one = sa.p, *oe = sa.p + sa.n, *two = sb.p, *te = sb.p + sb.n;

	if (cmp_bytes(one, sa.n, two, sb.n) == 0)
		return 0;

	while (one < oe || two < te) {
		while (one < oe && !is_alnum(*one) && *one != '~' && *one != '^')
			one++;
		while (two < te && !is_alnum(*two) && *two != '~' && *two != '^')
			two++;

		/* the tilde separator sorts before everything else */
		if (at(one, oe) == '~' || at(two, te) == '~') {
			if (at(one, oe) != '~')
				return 1;
			if (at(two, te) != '~')
				return -1;
			one++;
			two++;
			continue;
		}

		/* the caret separator, like the tilde except that when one string ends
		 * (the base version), the other is the higher version */
		if (at(one, oe) == '^' || at(two, te) == '^') {
			if (one == oe)
				return -1;
			if (two == te)
				return 1;
			if (at(one, oe) != '^')
				return 1;
			if (at(two, te) != '^')
				return -1;
			one++;
			two++;
			continue;
		}

		/* the end of either ends the loop */
		if (one == oe || two == te)
			break;

		/* the next run of digits, or of letters, on both sides; one's kind decides */
		const char *s1 = one, *s2 = two;
		bool isnum = is_digit(*one);
		if (isnum) {
			while (s1 < oe && is_digit(*s1))
				s1++;
			while (s2 < te && is_digit(*s2))
				s2++;
		} else {
			while (s1 < oe && is_alpha(*s1))
				s1++;
			while (s2 < te && is_alpha(*s2))
				s2++;
		}

		/* one's run is never empty here (it starts at a letter or a digit); an empty
		 * run on two's side means the kinds differ: numbers are newer than letters */
		if (two == s2)
			return isnum ? 1 : -1;

		if (isnum) {
			/* numbers of any length: leading zeros dropped, more digits win */
			while (one < s1 && *one == '0')
				one++;
			while (two < s2 && *two == '0')
				two++;
			if (s1 - one != s2 - two)
				return s1 - one > s2 - two ? 1 : -1;
		}
		int rc = cmp_bytes(one, (size_t)(s1 - one), two, (size_t)(s2 - two));
		if (rc)
			return rc;
		one = s1;
		two = s2;
	}

	/* all runs equal, only the separators differed */
	if (one == oe && two == te)
		return 0;
	/* whichever version still has characters left over wins */
	return one == oe ? -1 : 1;
}

/* ---- EVR ------------------------------------------------------------------------------- */

typedef struct rpm_evr {
	span epoch; /* "0" when missing or empty, as rpmverCmp() takes it */
	span version;
	span release;
	bool has_release;
	bool has_epoch; /* a ':' after the leading digits */
} rpm_evr;

/* Split s as rpmverParse()/parseEVR() do. */
static void evr_split(const char *s, rpm_evr *v)
{
	memset(v, 0, sizeof(*v));
	const char *p = s;
	while (is_digit(*p))
		p++;
	const char *end = p + strlen(p);
	const char *version = s;
	v->epoch = (span){"0", 1};
	if (*p == ':') {
		v->has_epoch = true;
		if (p > s)
			v->epoch = (span){s, (size_t)(p - s)};
		version = p + 1;
	}
	/* the last '-': the leading digits hold none, so searching from p is searching
	 * the whole string, as parseEVR() does */
	const char *hyphen = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '-')
			hyphen = q;
	if (hyphen) {
		v->version = (span){version, (size_t)(hyphen - version)};
		v->release = (span){hyphen + 1, (size_t)(end - hyphen - 1)};
		v->has_release = true;
	} else {
		v->version = (span){version, (size_t)(end - version)};
	}
}

/* The characters rpmbuild allows in a version or a release (ALLOWED_CHARS_VERREL, less
 * the macro characters % { }, which in a built package only mean a macro that was never
 * expanded). */
static bool verrel_char(char c)
{
	return is_alnum(c) || (c && strchr("._+~^", c));
}

#define BAD(fmt, ...)                                                                              \
	vakt_error_set(err, VAKT_E_PARSE, "rpm version \"%s\": " fmt, quote(q, v), ##__VA_ARGS__)

/* Check one field (what is "version" or "release") as rpmbuild's rpmCharCheck() does. */
static int check_field(const char *v, span f, const char *what, vakt_error **err)
{
	char q[4 * QUOTE_MAX + 8], cb[8];
	if (f.n == 0)
		return BAD("the %s is empty", what);
	for (size_t i = 0; i < f.n; i++) {
		if (!verrel_char(f.p[i]))
			return BAD(
				"%s at offset %zu is not allowed in the %s (only letters, digits "
				"and . _ + ~ ^)",
				show_byte(cb, f.p[i]), (size_t)(f.p + i - v), what);
		if (f.p[i] == '.' && i + 1 < f.n && f.p[i + 1] == '.')
			return BAD("\"..\" at offset %zu in the %s", (size_t)(f.p + i - v), what);
	}
	return 0;
}

/* ---- the interface ---------------------------------------------------------------------- */

/* Is v an EVR that a package built by rpmbuild can carry? The epoch, when there is a ':',
 * is a non-empty run of digits no larger than 4294967295 (rpm stores it in 32 bits;
 * vakt_rpm_cmp compares epochs of any length); the version, and
 * the release when there is a '-', are non-empty and made of ASCII letters, digits and
 * . _ + ~ ^ without "..". A ':' anywhere else, or a second '-', is refused (rpmbuild
 * allows neither in a version or release). rpm's own comparison accepts anything but "";
 * vakt_rpm_cmp does too. 0, or VAKT_E_PARSE saying what is wrong. */
int vakt_rpm_check(const char *v, vakt_error **err)
{
	char q[4 * QUOTE_MAX + 8];
	if (v[0] == '\0')
		return BAD("empty");
	rpm_evr e;
	evr_split(v, &e);
	if (e.has_epoch && e.epoch.p != v) /* rpm reads "" as 0 */
		return BAD("the epoch before ':' is empty");
	if (e.has_epoch) {
		/* rpmbuild: "Epoch field must be an unsigned number" (32 bits) */
		span d = e.epoch;
		while (d.n > 1 && d.p[0] == '0')
			d.p++, d.n--;
		if (d.n > 10 || (d.n == 10 && memcmp(d.p, "4294967295", 10) > 0))
			return BAD("the epoch is larger than 4294967295");
	}
	if (!e.has_epoch) {
		/* parseEVR() takes only leading digits as an epoch: "a:1" has none */
		const char *colon = strchr(v, ':');
		if (colon && colon < e.version.p + e.version.n)
			return BAD("the epoch before ':' is not a number");
	}
	int r = check_field(v, e.version, "version", err);
	if (r == 0 && e.has_release)
		r = check_field(v, e.release, "release", err);
	return r;
}

/* EVR order as rpm.labelCompare() / rpmverCmp(): epoch (missing = 0), version, then
 * release (missing < present) with rpmvercmp(). Defined for every string. */
int vakt_rpm_cmp(const char *a, const char *b)
{
	rpm_evr ea, eb;
	evr_split(a, &ea);
	evr_split(b, &eb);
	int r = rpmvercmp_span(ea.epoch, eb.epoch);
	if (!r)
		r = rpmvercmp_span(ea.version, eb.version);
	if (!r) {
		if (ea.has_release && eb.has_release)
			r = rpmvercmp_span(ea.release, eb.release);
		else
			r = ea.has_release - eb.has_release;
	}
	return r;
}

/* rpmvercmp(a, b) on one version or release field: -1, 0 or 1. */
int vakt_rpmvercmp(const char *a, const char *b)
{
	return rpmvercmp_span((span){a, strlen(a)}, (span){b, strlen(b)});
}
