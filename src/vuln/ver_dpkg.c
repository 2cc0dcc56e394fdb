/* ver_dpkg.c - Debian version ordering, as dpkg 1.21 does it.
 *
 * A version is [epoch:]upstream[-revision] (Debian policy 5.6.12). The reference is the
 * dpkg binary: lib/dpkg/parsehelp.c parseversion() decides what is refused, and
 * lib/dpkg/version.c verrevcmp() orders the parts; `dpkg --compare-versions` adds the
 * "blank" version (empty string or "<unknown>"), which sorts before every other one.
 *
 * parseversion() has two levels of complaint. Errors ("1:", "1.0-", "1 2", ":1",
 * "2147483648:1") make dpkg refuse the version outright; warnings (upstream not starting
 * with a digit, a character outside [A-Za-z0-9.+~:-] or [A-Za-z0-9.+~] in the revision)
 * only make it complain, and dpkg --compare-versions then compares anyway. In strict
 * mode (building or installing a package) dpkg turns warnings into errors, and so does
 * vakt_dpkg_check: both levels are invalid. vakt_dpkg_cmp compares like
 * dpkg --compare-versions, warnings included, and gives the refused strings an order
 * of their own (see dpkg_parse) so that sorting stays total.
 *
 * Nothing here allocates (the error message aside) or recurses, every loop advances
 * through its input, and digit runs of any length compare without conversion:
 * leading zeros dropped, then the longer run is larger, then bytes decide.
 */
#include "vuln/version.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "vuln/ver_quote.h"

/* dpkg refuses epochs above INT_MAX; the message spells the number out. */
_Static_assert(INT_MAX == 2147483647, "dpkg's epoch limit is INT_MAX, 2147483647 here");

/* ---- bytes and messages ----------------------------------------------------------------- */

/* dpkg uses its own locale-independent c_is*() helpers: ASCII only. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* What strtol() skips before a number: isspace() in the C locale. */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* ---- parsing ------------------------------------------------------------------------------ */

typedef struct span {
	const char *p;
	size_t n;
} span;

typedef struct dpkg_ver {
	bool blank;	/* "" or "<unknown>": before every other version */
	bool epoch_neg; /* only in refused versions ("-1:0") */
	span epoch;	/* digits without leading zeros; empty for epoch 0 */
	span upstream;
	span revision; /* empty when there is none: dpkg compares it as "" */
} dpkg_ver;

/* Record the first problem found (dpkg reports only its first one, and so does the
 * message) and remember that the version is invalid. The message is only built when the
 * caller asked for one: comparisons pass err == NULL and never allocate. */
#define BAD(fmt, ...)                                                                              \
	do {                                                                                       \
		if (!bad && err)                                                                   \
			vakt_error_set(err, VAKT_E_PARSE, "dpkg version \"%s\": " fmt,             \
				       quote(q, s), ##__VA_ARGS__);                                \
		bad = true;                                                                        \
	} while (0)

/* Parse s as parseversion() does, checking in its order, into *v. Returns 0, or
 * VAKT_E_PARSE (with *err set when err is not NULL) for a version dpkg refuses or warns
 * about. *v is filled in every case, so that refused versions can still be ordered:
 *   - "", "<unknown>" and blank-only strings are the blank version;
 *   - embedded blanks stay in the version as ordinary (non-letter) characters;
 *   - an epoch that is not a number ("a:1", ":1") is not an epoch: the whole string
 *     is upstream[-revision];
 *   - a negative or too big epoch keeps its value, compared as a number of any size;
 *   - an empty revision or upstream is empty.
 * Every accepted version (warnings included) is parsed exactly as dpkg does. */
static int dpkg_parse(const char *s, dpkg_ver *v, vakt_error **err)
{
	char q[4 * QUOTE_MAX + 8], cb[8];
	bool bad = false;
	memset(v, 0, sizeof(*v));

	/* dpkg --compare-versions takes "" and "<unknown>" as "no version" */
	if (s[0] == '\0' || strcmp(s, "<unknown>") == 0) {
		v->blank = true;
		if (s[0] == '\0')
			BAD("empty");
		else
			BAD("a placeholder for a missing version");
		return VAKT_E_PARSE;
	}

	/* blanks around the version are trimmed; blanks inside are refused */
	const char *b = s;
	while (is_blank(*b))
		b++;
	const char *e = b + strlen(b);
	while (e > b && is_blank(e[-1]))
		e--;
	if (b == e) {
		v->blank = true;
		BAD("empty");
		return VAKT_E_PARSE;
	}
	for (const char *p = b; p < e; p++)
		if (is_blank(*p)) {
			BAD("a blank inside the version at offset %zu", (size_t)(p - s));
			break;
		}

	/* the epoch: everything before the first ':', read as strtol(s, &end, 10) reads it
	 * (leading white space and a sign included) and refused unless it ends at the ':'
	 * and lies in [0, INT_MAX] */
	const char *up = b;
	const char *colon = memchr(b, ':', (size_t)(e - b));
	if (colon) {
		const char *p = b;
		while (is_space(*p))
			p++;
		bool neg = *p == '-';
		if (*p == '+' || *p == '-')
			p++;
		const char *digits = p;
		while (is_digit(*p))
			p++;
		if (p == digits) {
			BAD("the epoch before ':' is empty");
		} else if (p != colon) {
			BAD("the epoch before ':' is not a number");
		} else {
			while (digits < p && *digits == '0')
				digits++;
			v->epoch = (span){digits, (size_t)(p - digits)};
			v->epoch_neg = neg && v->epoch.n > 0;
			if (v->epoch_neg)
				BAD("the epoch is negative");
			else if (v->epoch.n > 10 ||
				 (v->epoch.n == 10 && memcmp(digits, "2147483647", 10) > 0))
				BAD("the epoch is larger than 2147483647");
			if (colon[1] == '\0') /* dpkg looks at the raw string here */
				BAD("nothing after the epoch");
			up = colon + 1;
		}
	}

	/* the revision: after the last '-' */
	const char *hyphen = NULL;
	for (const char *p = up; p < e; p++)
		if (*p == '-')
			hyphen = p;
	if (hyphen) {
		v->upstream = (span){up, (size_t)(hyphen - up)};
		v->revision = (span){hyphen + 1, (size_t)(e - hyphen - 1)};
		if (v->revision.n == 0)
			BAD("the revision after '-' is empty");
	} else {
		v->upstream = (span){up, (size_t)(e - up)};
	}

	/* what dpkg only warns about, and refuses in strict mode */
	if (v->upstream.n == 0) {
		BAD("the upstream version is empty");
	} else if (!is_digit(v->upstream.p[0])) {
		BAD("the upstream version does not start with a digit");
	} else {
		for (size_t i = 1; i < v->upstream.n; i++) {
			char c = v->upstream.p[i];
			if (!is_digit(c) && !is_alpha(c) && !strchr(".-+~:", c)) {
				BAD("%s at offset %zu is not allowed in the upstream version (only "
				    "letters, digits and . + ~ - :)",
				    show_byte(cb, c), (size_t)(v->upstream.p + i - s));
				break;
			}
		}
	}
	for (size_t i = 0; i < v->revision.n; i++) {
		char c = v->revision.p[i];
		if (!is_digit(c) && !is_alpha(c) && !strchr(".+~", c)) {
			BAD("%s at offset %zu is not allowed in the revision (only letters, "
			    "digits and . + ~)",
			    show_byte(cb, c), (size_t)(v->revision.p + i - s));
			break;
		}
	}
	return bad ? VAKT_E_PARSE : 0;
}

/* ---- ordering ------------------------------------------------------------------------- */

/* verrevcmp()'s weight of a non-digit: '~' before the end of a part, the end (and a digit,
 * which ends a non-digit run) next, then letters by ASCII, then everything else. dpkg
 * computes c + 256 on a plain char, which is signed on amd64 (the reference build): bytes
 * 0x80-0xff weigh 128-255, after the letters and before the ASCII punctuation. */
static int order(const char *p, const char *end)
{
	if (p == end || is_digit(*p))
		return 0;
	if (is_alpha(*p))
		return *p;
	if (*p == '~')
		return -1;
	return (signed char)*p + 256;
}

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Two digit strings without leading zeros, as numbers of any size. */
static int cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return an ? sign(memcmp(a, b, an)) : 0; /* a missing epoch's span is {NULL, 0} */
}

/* dpkg's verrevcmp() on two byte ranges: alternate non-digit runs (compared by order())
 * and digit runs (compared as numbers); a missing part counts as empty. */
static int verrevcmp(span sa, span sb)
{
	const char *a = sa.p, *ae = sa.p + sa.n, *b = sb.p, *be = sb.p + sb.n;
	while (a < ae || b < be) {
		while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
			int ac = order(a, ae), bc = order(b, be);
			if (ac != bc)
				return sign(ac - bc);
			/* equal weights are never the end of one side only: the end weighs 0
			 * and only a digit (which stopped neither loop condition) shares it */
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		const char *da = a, *db = b;
		while (a < ae && is_digit(*a))
			a++;
		while (b < be && is_digit(*b))
			b++;
		int r = cmp_digits(da, (size_t)(a - da), db, (size_t)(b - db));
		if (r)
			return r;
	}
	return 0;
}

static int cmp_epoch(const dpkg_ver *a, const dpkg_ver *b)
{
	if (a->epoch_neg != b->epoch_neg)
		return a->epoch_neg ? -1 : 1;
	int r = cmp_digits(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n);
	return a->epoch_neg ? -r : r;
}

/* ---- the interface ---------------------------------------------------------------------- */

/* Is v a version dpkg accepts in strict mode (no error, no warning)? Surrounding blanks are
 * allowed, as dpkg trims them; so is a sign or leading white space in the epoch ("+1:2"),
 * which dpkg reads with strtol(). 0, or VAKT_E_PARSE with dpkg's first complaint. */
int vakt_dpkg_check(const char *v, vakt_error **err)
{
	dpkg_ver pv;
	return dpkg_parse(v, &pv, err);
}

/* dpkg --compare-versions A lt/eq B as -1/0/1: the blank version first, then the epoch
 * as a number, upstream and revision by verrevcmp(). Versions dpkg only warns about
 * compare as dpkg compares them; the ones it refuses compare as dpkg_parse describes. */
int vakt_dpkg_cmp(const char *a, const char *b)
{
	dpkg_ver va, vb;
	dpkg_parse(a, &va, NULL);
	dpkg_parse(b, &vb, NULL);
	if (va.blank || vb.blank)
		return va.blank == vb.blank ? 0 : va.blank ? -1 : 1;
	int r = cmp_epoch(&va, &vb);
	if (!r)
		r = verrevcmp(va.upstream, vb.upstream);
	if (!r)
		r = verrevcmp(va.revision, vb.revision);
	return r;
}
