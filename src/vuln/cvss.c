/* cvss.c - CVSS vectors: strict parsing and base scores for v2.0, v3.0, v3.1 and v4.0.
 *
 * What each specification says, and what is implemented here:
 *
 *   v2.0  "AV:N/AC:L/Au:N/C:P/I:P/A:P" (NVD sometimes wraps it in parentheses, accepted).
 *         The guide's section 2.4 lists the metrics "in a predetermined order" (its table
 *         13), so the order is enforced: the six base metrics, then E, RL, RC, then CDP,
 *         TD, CR, IR, AR. Temporal and environmental metrics are optional, each at most
 *         once, ND allowed. Base equation of section 3.2.1, rounded half up to one decimal.
 *   v3.0, v3.1  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H". Section 6 of both: "Programs
 *         reading CVSS v3.x vector strings must accept metrics in any order" and "must not
 *         include the same metric more than once"; the eight base metrics are mandatory,
 *         temporal and environmental ones optional (X allowed). Base equations of section
 *         7.1; v3.1 rounds with the Roundup of its appendix A, v3.0 with its own Roundup,
 *         "the smallest number, specified to one decimal place, that is equal to or higher
 *         than its input".
 *   v4.0  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N". Section 7: "A
 *         vector string must contain metrics in the order shown in Table 23, every other
 *         ordering is invalid" (base, threat, environmental, supplemental), so the order is
 *         enforced; the eleven base metrics are mandatory, the others optional (X allowed).
 *         The score is the macrovector method of FIRST's reference calculator
 *         (github.com/FIRSTdotorg/cvss-v4-calculator, cvss_score.js): the 270-entry
 *         lookup table, the highest-severity vectors of each macrovector (max_composed),
 *         their depths (max_severity) and the interpolation by severity distances; the
 *         result is rounded half up to one decimal, as the calculator does after adding
 *         1e-6 to absorb floating-point error.
 *
 * Every version: metric names and values are case-sensitive and must be ones the
 * specification lists; no empty field, no trailing '/', no whitespace. A base score
 * ignores the threat/temporal, environmental and supplemental metrics: they are validated
 * and then ignored (for v4.0 this is CVSS-B, the score of the base metrics with the threat
 * and environmental ones Not Defined).
 *
 * Arithmetic. The equations are evaluated in integers, not in doubles as the calculators
 * do, so that the result does not depend on the compiler (x87 excess precision, fused
 * multiply-add) and so that ties and Roundup boundaries are decided exactly:
 *   - v2 and v3 weights have two or three decimals, so the equations are exact at a
 *     fixed scale (v2 at 1e-15, v3 at 1e-12). The one inexact term is v3's scope-changed
 *     3.25 x (ISS - 0.02)^15, computed in double by multiplications only and rounded to
 *     1e-12 (an error below 1e-11); no base vector lands within 3e-9 of a rounding
 *     boundary, so this cannot change a result.
 *   - v4 lookup scores, distances and depths are all tenths, so the interpolated score
 *     is a fraction with denominator 25200 x n (n <= 5): it is computed exactly and
 *     rounded half up. A score that is not a tie is at least 1/252000 > 1e-6 away from
 *     one, so this rounds exactly as the calculator does with its 1e-6 nudge (and, unlike
 *     a bare Math.round, decides the 522 base vectors whose doubles land just below an
 *     x.x5 tie the way the specification intends).
 * Over the whole base-vector space (729 v2, 2 x 2592 v3, 104976 v4 vectors) these
 * results were checked equal to the reference calculators' double arithmetic; the unit
 * test keeps checksums of the three spaces.
 *
 * Input is untrusted (vectors come from feeds): a vector longer than CVSS_MAX_LEN is
 * rejected before it is scanned, nothing allocates except an error, and messages quote at
 * most a few bytes of the input, escaped.
 */
#include "vuln/cvss.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The longest valid vector (v4.0 with every optional metric) is about 180 bytes. */
#define CVSS_MAX_LEN	 256
#define CVSS_MAX_METRICS 32 /* v4.0 has the most */

/* ---- messages ----------------------------------------------------------------------- */

#define QUOTE_MAX 24 /* bytes of the input shown in a message */

/* The n bytes at s for a message, into buf (at least QUOTE_MAX * 4 + 4 bytes): printable
 * ASCII as is, '\'' and '\\' and every other byte as \xNN, "..." when cut. Messages are
 * printed one per line by the CLI and must not carry a newline or an escape from a feed. */
static const char *quote(const char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	size_t i = 0;
	for (; i < n && i < QUOTE_MAX && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (i < n && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

#define QUOTE_BUF (QUOTE_MAX * 4 + 4)

/* ---- metric tables -------------------------------------------------------------------- */

typedef struct cvss_metric {
	const char *name;
	const char *const *values; /* abbreviations the specification allows, NULL-terminated */
	bool mandatory;		   /* a base metric */
} cvss_metric;

typedef struct cvss_spec {
	const char *label; /* how messages name the version */
	const cvss_metric *metrics;
	size_t n_metrics;
	bool ordered; /* the specification fixes the order of the metrics */
} cvss_spec;

#define VALUES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* v2.0: the guide's table 13, in its order. The value order gives the weight index. */
enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A, V2_COUNT = 14 };
static const cvss_metric v2_metrics[V2_COUNT] = {
	{"AV", VALUES("L", "A", "N"), true},
	{"AC", VALUES("H", "M", "L"), true},
	{"Au", VALUES("M", "S", "N"), true},
	{"C", VALUES("N", "P", "C"), true},
	{"I", VALUES("N", "P", "C"), true},
	{"A", VALUES("N", "P", "C"), true},
	{"E", VALUES("U", "POC", "F", "H", "ND"), false},
	{"RL", VALUES("OF", "TF", "W", "U", "ND"), false},
	{"RC", VALUES("UC", "UR", "C", "ND"), false},
	{"CDP", VALUES("N", "L", "LM", "MH", "H", "ND"), false},
	{"TD", VALUES("N", "L", "M", "H", "ND"), false},
	{"CR", VALUES("L", "M", "H", "ND"), false},
	{"IR", VALUES("L", "M", "H", "ND"), false},
	{"AR", VALUES("L", "M", "H", "ND"), false},
};

/* v3.0 and v3.1: table 15 (the same metrics and values in both). */
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_COUNT = 22 };
static const cvss_metric v3_metrics[V3_COUNT] = {
	{"AV", VALUES("N", "A", "L", "P"), true},
	{"AC", VALUES("L", "H"), true},
	{"PR", VALUES("N", "L", "H"), true},
	{"UI", VALUES("N", "R"), true},
	{"S", VALUES("U", "C"), true},
	{"C", VALUES("H", "L", "N"), true},
	{"I", VALUES("H", "L", "N"), true},
	{"A", VALUES("H", "L", "N"), true},
	{"E", VALUES("X", "H", "F", "P", "U"), false},
	{"RL", VALUES("X", "U", "W", "T", "O"), false},
	{"RC", VALUES("X", "C", "R", "U"), false},
	{"CR", VALUES("X", "H", "M", "L"), false},
	{"IR", VALUES("X", "H", "M", "L"), false},
	{"AR", VALUES("X", "H", "M", "L"), false},
	{"MAV", VALUES("X", "N", "A", "L", "P"), false},
	{"MAC", VALUES("X", "L", "H"), false},
	{"MPR", VALUES("X", "N", "L", "H"), false},
	{"MUI", VALUES("X", "N", "R"), false},
	{"MS", VALUES("X", "U", "C"), false},
	{"MC", VALUES("X", "H", "L", "N"), false},
	{"MI", VALUES("X", "H", "L", "N"), false},
	{"MA", VALUES("X", "H", "L", "N"), false},
};

/* v4.0: table 23, in its order. For the base metrics the value index is the metric's
 * severity level of the reference calculator (AV_levels etc.), in tenths, except for SC,
 * SI and SA, whose levels are one more (see v4_levels). */
enum { V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA, V4_COUNT = 32 };
static const cvss_metric v4_metrics[V4_COUNT] = {
	{"AV", VALUES("N", "A", "L", "P"), true},
	{"AC", VALUES("L", "H"), true},
	{"AT", VALUES("N", "P"), true},
	{"PR", VALUES("N", "L", "H"), true},
	{"UI", VALUES("N", "P", "A"), true},
	{"VC", VALUES("H", "L", "N"), true},
	{"VI", VALUES("H", "L", "N"), true},
	{"VA", VALUES("H", "L", "N"), true},
	{"SC", VALUES("H", "L", "N"), true},
	{"SI", VALUES("H", "L", "N"), true},
	{"SA", VALUES("H", "L", "N"), true},
	{"E", VALUES("X", "A", "P", "U"), false},
	{"CR", VALUES("X", "H", "M", "L"), false},
	{"IR", VALUES("X", "H", "M", "L"), false},
	{"AR", VALUES("X", "H", "M", "L"), false},
	{"MAV", VALUES("X", "N", "A", "L", "P"), false},
	{"MAC", VALUES("X", "L", "H"), false},
	{"MAT", VALUES("X", "N", "P"), false},
	{"MPR", VALUES("X", "N", "L", "H"), false},
	{"MUI", VALUES("X", "N", "P", "A"), false},
	{"MVC", VALUES("X", "H", "L", "N"), false},
	{"MVI", VALUES("X", "H", "L", "N"), false},
	{"MVA", VALUES("X", "H", "L", "N"), false},
	{"MSC", VALUES("X", "H", "L", "N"), false},
	{"MSI", VALUES("X", "S", "H", "L", "N"), false},
	{"MSA", VALUES("X", "S", "H", "L", "N"), false},
	{"S", VALUES("X", "N", "P"), false},
	{"AU", VALUES("X", "N", "Y"), false},
	{"R", VALUES("X", "A", "U", "I"), false},
	{"V", VALUES("X", "D", "C"), false},
	{"RE", VALUES("X", "L", "M", "H"), false},
	{"U", VALUES("X", "Clear", "Green", "Amber", "Red"), false},
};

static const cvss_spec spec_v2 = {"CVSS v2 vector", v2_metrics, V2_COUNT, true};
static const cvss_spec spec_v30 = {"CVSS:3.0 vector", v3_metrics, V3_COUNT, false};
static const cvss_spec spec_v31 = {"CVSS:3.1 vector", v3_metrics, V3_COUNT, false};
static const cvss_spec spec_v40 = {"CVSS:4.0 vector", v4_metrics, V4_COUNT, true};

/* ---- parsing ------------------------------------------------------------------------ */

static int find_metric(const cvss_spec *spec, const char *name, size_t n)
{
	for (size_t i = 0; i < spec->n_metrics; i++) {
		const char *m = spec->metrics[i].name;
		if (strlen(m) == n && memcmp(m, name, n) == 0)
			return (int)i;
	}
	return -1;
}

static int find_value(const cvss_metric *m, const char *value, size_t n)
{
	for (int i = 0; m->values[i]; i++) {
		if (strlen(m->values[i]) == n && memcmp(m->values[i], value, n) == 0)
			return i;
	}
	return -1;
}

/* Parse the n bytes at s ("NAME:VALUE/NAME:VALUE...", after any prefix) against spec:
 * vals[i] is the index of metric i's value in its table, -1 when the metric is absent.
 * Each metric at most once, in the specification's order when it fixes one, every
 * mandatory metric present. */
static int parse_metrics(const cvss_spec *spec, const char *s, size_t n, int vals[],
			 vakt_error **err)
{
	char q[QUOTE_BUF];
	for (size_t i = 0; i < spec->n_metrics; i++)
		vals[i] = -1;
	if (n == 0)
		return vakt_error_set(err, VAKT_E_PARSE, "%s: no metrics", spec->label);

	int last = -1; /* index of the previous metric, for the order */
	size_t pos = 0;
	for (;;) {
		const char *field = s + pos;
		const char *slash = memchr(field, '/', n - pos);
		size_t flen = slash ? (size_t)(slash - field) : n - pos;
		if (flen == 0)
			return vakt_error_set(err, VAKT_E_PARSE, "%s: %s", spec->label,
					      pos == n ? "trailing '/'"
						       : "empty metric between '/'");
		const char *colon = memchr(field, ':', flen);
		if (!colon)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: malformed metric '%s' (expected NAME:VALUE)",
					      spec->label, quote(field, flen, q, sizeof(q)));
		size_t nlen = (size_t)(colon - field);
		const char *value = colon + 1;
		size_t vlen = flen - nlen - 1;

		int m = find_metric(spec, field, nlen);
		if (m < 0)
			return vakt_error_set(err, VAKT_E_PARSE, "%s: unknown metric '%s'",
					      spec->label, quote(field, nlen, q, sizeof(q)));
		const char *name = spec->metrics[m].name;
		if (vals[m] >= 0)
			return vakt_error_set(err, VAKT_E_PARSE, "%s: metric %s given twice",
					      spec->label, name);
		if (spec->ordered && m < last)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: metric %s after %s, out of the order the "
					      "specification requires",
					      spec->label, name, spec->metrics[last].name);
		int v = find_value(&spec->metrics[m], value, vlen);
		if (v < 0)
			return vakt_error_set(err, VAKT_E_PARSE, "%s: unknown value '%s' for %s",
					      spec->label, quote(value, vlen, q, sizeof(q)), name);
		vals[m] = v;
		last = m;

		if (!slash)
			break;
		pos += flen + 1; /* pos == n after a trailing '/': an empty last field */
	}

	char missing[CVSS_MAX_METRICS * 4] = "";
	size_t o = 0, count = 0;
	for (size_t i = 0; i < spec->n_metrics; i++) {
		if (!spec->metrics[i].mandatory || vals[i] >= 0)
			continue;
		o += (size_t)snprintf(missing + o, sizeof(missing) - o, "%s%s", count ? ", " : "",
				      spec->metrics[i].name);
		count++;
	}
	if (count)
		return vakt_error_set(err, VAKT_E_PARSE, "%s: missing base metric%s %s",
				      spec->label, count > 1 ? "s" : "", missing);
	return 0;
}

/* ---- v2.0 ----------------------------------------------------------------------------- */

/* Base equation of the v2 guide, section 3.2.1:
 *   Impact         = 10.41 x (1 - (1 - C) x (1 - I) x (1 - A))
 *   Exploitability = 20 x AV x AC x Au
 *   f(Impact)      = 0 if Impact = 0, 1.176 otherwise
 *   BaseScore      = round_to_1_decimal(((0.6 x Impact) + (0.4 x Exploitability) - 1.5)
 *                                       x f(Impact))
 * Weights in thousandths (AC in hundredths); every product is exact in int64_t. */
static int v2_tenths(const int vals[])
{
	static const int64_t av[] = {395, 646, 1000}; /* L A N */
	static const int64_t ac[] = {35, 61, 71};     /* H M L, hundredths */
	static const int64_t au[] = {450, 560, 704};  /* M S N */
	static const int64_t cia[] = {0, 275, 660};   /* N P C */

	int64_t keep = (1000 - cia[vals[V2_C]]) * (1000 - cia[vals[V2_I]]) *
		       (1000 - cia[vals[V2_A]]);     /* 1e-9 */
	int64_t impact = 1041 * (1000000000 - keep); /* 1e-11: 10.41 is 1041e-2 */
	if (impact == 0)
		return 0;
	int64_t expl = 20 * av[vals[V2_AV]] * ac[vals[V2_AC]] * au[vals[V2_AU]]; /* 1e-8 */
	/* 0.6 x Impact + 0.4 x Exploitability - 1.5, at 1e-12 */
	int64_t sum = 6 * impact + 4000 * expl - 1500000000000;
	int64_t score = sum * 1176; /* 1e-15 */
	if (score <= 0)
		return 0;
	int64_t t = (score + 50000000000000) / 100000000000000; /* half up to 1e-1 */
	return t > 100 ? 100 : (int)t;
}

/* ---- v3.0 and v3.1 ---------------------------------------------------------------------- */

/* Base equations of section 7.1 (the same in v3.0 and v3.1):
 *   ISS            = 1 - (1 - C) x (1 - I) x (1 - A)
 *   Impact         = 6.42 x ISS                                   scope unchanged
 *                    7.52 x (ISS - 0.029) - 3.25 x (ISS - 0.02)^15  scope changed
 *   Exploitability = 8.22 x AV x AC x PR x UI
 *   Base           = 0 if Impact <= 0, else
 *                    Roundup(min(Impact + Exploitability, 10))           unchanged
 *                    Roundup(min(1.08 x (Impact + Exploitability), 10))  changed
 * computed at a scale of 1e-12; Roundup is v3.1's appendix A or v3.0's ceiling. */
static int v3_tenths(const int vals[], bool v31)
{
	static const int64_t av[] = {85, 62, 55, 20};		      /* N A L P */
	static const int64_t ac[] = {77, 44};			      /* L H */
	static const int64_t pr[2][3] = {{85, 62, 27}, {85, 68, 50}}; /* N L H; by S */
	static const int64_t ui[] = {85, 62};			      /* N R */
	static const int64_t cia[] = {56, 22, 0};		      /* H L N */
	const int64_t E12 = 1000000000000;

	bool changed = vals[V3_S] == 1;
	int64_t keep = (100 - cia[vals[V3_C]]) * (100 - cia[vals[V3_I]]) * (100 - cia[vals[V3_A]]);
	int64_t iss = 1000000 - keep; /* 1e-6 */
	if (iss == 0)
		return 0; /* Impact <= 0 in both scopes */
	int64_t expl = 822 * av[vals[V3_AV]] * ac[vals[V3_AC]] * pr[changed][vals[V3_PR]] *
		       ui[vals[V3_UI]]; /* 1e-10 */

	int64_t x; /* 1e-12 */
	if (!changed) {
		x = (642 * iss * 100 + expl) * 100;
	} else {
		/* 3.25 x (ISS - 0.02)^15 in double (the power by multiplications, so no libm
		 * difference), then to 1e-12 with the factor 1.08 applied: an error of a few
		 * units of 1e-12 at most. ISS >= 0.22 here, so Impact > 0. */
		double d = (double)(iss - 20000) / 1e6, p = 1.0;
		for (int k = 0; k < 15; k++)
			p *= d;
		int64_t term = (int64_t)(p * 3.25 * 1.08e12 + 0.5);
		x = 108 * (752 * (iss - 29000) * 100 + expl) - term;
	}
	if (x > 10 * E12)
		x = 10 * E12;

	if (v31) {
		/* Appendix A: int_input = round_to_nearest_integer(input x 100000); a multiple of
		 * 10000 is returned as is, anything else goes up to the next tenth. */
		int64_t in = (x + 5000000) / 10000000;
		return (int)(in % 10000 == 0 ? in / 10000 : in / 10000 + 1);
	}
	/* v3.0: the smallest one-decimal number >= x */
	return (int)((x + E12 / 10 - 1) / (E12 / 10));
}

/* ---- v4.0 ----------------------------------------------------------------------------- */

/* Scores of the 270 macrovectors, in tenths, from FIRST's cvss_lookup.js. The key is
 * EQ1..EQ6: EQ1 0-2, EQ2 0-1, EQ3 0-2, EQ4 0-2, EQ5 0-2, EQ6 0-1, and EQ3 = 2 only with
 * EQ6 = 1. Sorted by key, as there, one row per EQ1-EQ4 so that the table can be compared
 * with the reference line by line (hence clang-format off). */
static const struct v4_mv {
	char key[7];
	unsigned char tenths;
} v4_lookup[270] = {
	/* clang-format off */
	{"000000",100},{"000001",99},{"000010",98},{"000011",95},{"000020",95},{"000021",92},
	{"000100",100},{"000101",96},{"000110",93},{"000111",87},{"000120",91},{"000121",81},
	{"000200",93},{"000201",90},{"000210",89},{"000211",80},{"000220",81},{"000221",68},
	{"001000",98},{"001001",95},{"001010",95},{"001011",92},{"001020",90},{"001021",84},
	{"001100",93},{"001101",92},{"001110",89},{"001111",81},{"001120",81},{"001121",65},
	{"001200",88},{"001201",80},{"001210",78},{"001211",70},{"001220",69},{"001221",48},
	{"002001",92},{"002011",82},{"002021",72},
	{"002101",79},{"002111",69},{"002121",50},
	{"002201",69},{"002211",55},{"002221",27},
	{"010000",99},{"010001",97},{"010010",95},{"010011",92},{"010020",92},{"010021",85},
	{"010100",95},{"010101",91},{"010110",90},{"010111",83},{"010120",84},{"010121",71},
	{"010200",92},{"010201",81},{"010210",82},{"010211",71},{"010220",72},{"010221",53},
	{"011000",95},{"011001",93},{"011010",92},{"011011",85},{"011020",85},{"011021",73},
	{"011100",92},{"011101",82},{"011110",80},{"011111",72},{"011120",70},{"011121",59},
	{"011200",84},{"011201",70},{"011210",71},{"011211",52},{"011220",50},{"011221",30},
	{"012001",86},{"012011",75},{"012021",52},
	{"012101",71},{"012111",52},{"012121",29},
	{"012201",63},{"012211",29},{"012221",17},
	{"100000",98},{"100001",95},{"100010",94},{"100011",87},{"100020",91},{"100021",81},
	{"100100",94},{"100101",89},{"100110",86},{"100111",74},{"100120",77},{"100121",64},
	{"100200",87},{"100201",75},{"100210",74},{"100211",63},{"100220",63},{"100221",49},
	{"101000",94},{"101001",89},{"101010",88},{"101011",77},{"101020",76},{"101021",67},
	{"101100",86},{"101101",76},{"101110",74},{"101111",58},{"101120",59},{"101121",50},
	{"101200",72},{"101201",57},{"101210",57},{"101211",52},{"101220",52},{"101221",25},
	{"102001",83},{"102011",70},{"102021",54},
	{"102101",65},{"102111",58},{"102121",26},
	{"102201",53},{"102211",21},{"102221",13},
	{"110000",95},{"110001",90},{"110010",88},{"110011",76},{"110020",76},{"110021",70},
	{"110100",90},{"110101",77},{"110110",75},{"110111",62},{"110120",61},{"110121",53},
	{"110200",77},{"110201",66},{"110210",68},{"110211",59},{"110220",52},{"110221",30},
	{"111000",89},{"111001",78},{"111010",76},{"111011",67},{"111020",62},{"111021",58},
	{"111100",74},{"111101",59},{"111110",57},{"111111",57},{"111120",47},{"111121",23},
	{"111200",61},{"111201",52},{"111210",57},{"111211",29},{"111220",24},{"111221",16},
	{"112001",71},{"112011",59},{"112021",30},
	{"112101",58},{"112111",26},{"112121",15},
	{"112201",23},{"112211",13},{"112221",6},
	{"200000",93},{"200001",87},{"200010",86},{"200011",72},{"200020",75},{"200021",58},
	{"200100",86},{"200101",74},{"200110",74},{"200111",61},{"200120",56},{"200121",34},
	{"200200",70},{"200201",54},{"200210",52},{"200211",40},{"200220",40},{"200221",22},
	{"201000",85},{"201001",75},{"201010",74},{"201011",55},{"201020",62},{"201021",51},
	{"201100",72},{"201101",57},{"201110",55},{"201111",41},{"201120",46},{"201121",19},
	{"201200",53},{"201201",36},{"201210",34},{"201211",19},{"201220",19},{"201221",8},
	{"202001",64},{"202011",51},{"202021",20},
	{"202101",47},{"202111",21},{"202121",11},
	{"202201",24},{"202211",9},{"202221",4},
	{"210000",88},{"210001",75},{"210010",73},{"210011",53},{"210020",60},{"210021",50},
	{"210100",73},{"210101",55},{"210110",59},{"210111",40},{"210120",41},{"210121",20},
	{"210200",54},{"210201",43},{"210210",45},{"210211",22},{"210220",20},{"210221",11},
	{"211000",75},{"211001",55},{"211010",58},{"211011",45},{"211020",40},{"211021",21},
	{"211100",61},{"211101",51},{"211110",48},{"211111",18},{"211120",20},{"211121",9},
	{"211200",46},{"211201",18},{"211210",17},{"211211",7},{"211220",8},{"211221",2},
	{"212001",53},{"212011",24},{"212021",14},
	{"212101",24},{"212111",12},{"212121",5},
	{"212201",10},{"212211",3},{"212221",1},
	/* clang-format on */
};

/* The score of macrovector eq[0..5] in tenths, -1 when it does not exist (the reference
 * gets NaN there, and leaves the EQ out of the mean). */
static int v4_score_of(const int eq[6])
{
	char key[7];
	for (int i = 0; i < 6; i++) {
		if (eq[i] < 0 || eq[i] > 9)
			return -1;
		key[i] = (char)('0' + eq[i]);
	}
	key[6] = '\0';
	size_t lo = 0, hi = sizeof(v4_lookup) / sizeof(v4_lookup[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v4_lookup[mid].key, key);
		if (c == 0)
			return v4_lookup[mid].tenths;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Severity levels of the metrics as the reference calculator defines them (AV_levels
 * ...), in tenths: 0 is the most severe value. E is A/P/U = 0/1/2 (it only selects
 * EQ5). */
typedef struct v4_levels {
	int av, pr, ui;		    /* AV N A L P = 0 1 2 3, PR N L H, UI N P A = 0 1 2 */
	int ac, at;		    /* L H, N P = 0 1 */
	int vc, vi, va, cr, ir, ar; /* H L N = 0 1 2; H M L = 0 1 2 */
	int sc, si, sa;		    /* SC H L N = 1 2 3; SI, SA S H L N = 0 1 2 3 */
	int e;
} v4_levels;

/* The highest-severity vectors of each EQ level (FIRST's max_composed.js), as levels. In
 * the reference's order: the first one the scored vector does not exceed is used. */
typedef struct v4_max1 {
	int av, pr, ui;
} v4_max1;
typedef struct v4_max2 {
	int ac, at;
} v4_max2;
typedef struct v4_max36 {
	int vc, vi, va, cr, ir, ar;
} v4_max36;
typedef struct v4_max4 {
	int sc, si, sa;
} v4_max4;

#define V4_MAXES(T, ...)                                                                           \
	{                                                                                          \
		(const T[]){__VA_ARGS__}, sizeof((const T[]){__VA_ARGS__}) / sizeof(T)             \
	}

static const struct {
	const v4_max1 *v;
	size_t n;
} v4_eq1_max[3] = {
	/* AV:N/PR:N/UI:N */
	V4_MAXES(v4_max1, {0, 0, 0}),
	/* AV:A/PR:N/UI:N, AV:N/PR:L/UI:N, AV:N/PR:N/UI:P */
	V4_MAXES(v4_max1, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}),
	/* AV:P/PR:N/UI:N, AV:A/PR:L/UI:P */
	V4_MAXES(v4_max1, {3, 0, 0}, {1, 1, 1}),
};

static const struct {
	const v4_max2 *v;
	size_t n;
} v4_eq2_max[2] = {
	V4_MAXES(v4_max2, {0, 0}),	   /* AC:L/AT:N */
	V4_MAXES(v4_max2, {1, 0}, {0, 1}), /* AC:H/AT:N, AC:L/AT:P */
};

/* [EQ3][EQ6]; VC VI VA CR IR AR */
static const struct {
	const v4_max36 *v;
	size_t n;
} v4_eq36_max[3][2] = {
	{
		V4_MAXES(v4_max36, {0, 0, 0, 0, 0, 0}), /* VC:H/VI:H/VA:H/CR:H/IR:H/AR:H */
		V4_MAXES(v4_max36, {0, 0, 1, 1, 1, 0},	/* VC:H/VI:H/VA:L/CR:M/IR:M/AR:H */
			 {0, 0, 0, 1, 1, 1}),		/* VC:H/VI:H/VA:H/CR:M/IR:M/AR:M */
	},
	{
		V4_MAXES(v4_max36, {1, 0, 0, 0, 0, 0}, /* VC:L/VI:H/VA:H/CR:H/IR:H/AR:H */
			 {0, 1, 0, 0, 0, 0}),	       /* VC:H/VI:L/VA:H/CR:H/IR:H/AR:H */
		V4_MAXES(v4_max36, {1, 0, 1, 0, 1, 0}, /* VC:L/VI:H/VA:L/CR:H/IR:M/AR:H */
			 {1, 0, 0, 0, 1, 1},	       /* VC:L/VI:H/VA:H/CR:H/IR:M/AR:M */
			 {0, 1, 0, 1, 0, 1},	       /* VC:H/VI:L/VA:H/CR:M/IR:H/AR:M */
			 {0, 1, 1, 1, 0, 0},	       /* VC:H/VI:L/VA:L/CR:M/IR:H/AR:H */
			 {1, 1, 0, 0, 0, 1}),	       /* VC:L/VI:L/VA:H/CR:H/IR:H/AR:M */
	},
	{
		{NULL, 0},				/* EQ3 = 2 implies EQ6 = 1 */
		V4_MAXES(v4_max36, {1, 1, 1, 0, 0, 0}), /* VC:L/VI:L/VA:L/CR:H/IR:H/AR:H */
	},
};

static const struct {
	const v4_max4 *v;
	size_t n;
} v4_eq4_max[3] = {
	V4_MAXES(v4_max4, {1, 0, 0}), /* SC:H/SI:S/SA:S */
	V4_MAXES(v4_max4, {1, 1, 1}), /* SC:H/SI:H/SA:H */
	V4_MAXES(v4_max4, {2, 2, 2}), /* SC:L/SI:L/SA:L */
};

/* Depth of each EQ level in severity steps (FIRST's max_severity.js). */
static const int v4_eq1_depth[3] = {1, 4, 5};
static const int v4_eq2_depth[2] = {1, 2};
static const int v4_eq36_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int v4_eq4_depth[3] = {6, 5, 4};

/* The index of the first highest-severity vector of each list that l does not exceed
 * (every level at least the max's), -1 when there is none. */
static int v4_first1(const v4_levels *l, const v4_max1 *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l->av >= m[i].av && l->pr >= m[i].pr && l->ui >= m[i].ui)
			return (int)i;
	return -1;
}

static int v4_first2(const v4_levels *l, const v4_max2 *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l->ac >= m[i].ac && l->at >= m[i].at)
			return (int)i;
	return -1;
}

static int v4_first36(const v4_levels *l, const v4_max36 *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l->vc >= m[i].vc && l->vi >= m[i].vi && l->va >= m[i].va && l->cr >= m[i].cr &&
		    l->ir >= m[i].ir && l->ar >= m[i].ar)
			return (int)i;
	return -1;
}

static int v4_first4(const v4_levels *l, const v4_max4 *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l->sc >= m[i].sc && l->si >= m[i].si && l->sa >= m[i].sa)
			return (int)i;
	return -1;
}

/* cvss_score() of the reference calculator for the levels l, in tenths (-1 only if the
 * macrovector has no score, which the table rules out for valid levels).
 *
 *   1. The macrovector (EQ1..EQ6) of the vector and its score from the table.
 *   2. For each EQ the next lower macrovector (one EQ level more; EQ3 and EQ6 move
 *      together) and the score available between the two; an EQ without a lower
 *      macrovector is left out.
 *   3. The severity distance of the vector from the highest-severity vector of its
 *      macrovector, per EQ, as a proportion of the macrovector's depth for that EQ.
 *   4. Score = macrovector score - mean over the EQs kept of (available x proportion);
 *      EQ5 always contributes 0 but counts in the mean.
 *
 * In tenths, with D = 2520 (every depth divides it):
 *   10 x Score = (S x D x n - sum(avail_i x dist_i x D / depth_i)) / (D x n). */
static int v4_tenths(const v4_levels *l)
{
	if (l->vc == 2 && l->vi == 2 && l->va == 2 && l->sc == 3 && l->si == 3 && l->sa == 3)
		return 0; /* no impact at all */

	int eq[6];
	if (l->av == 0 && l->pr == 0 && l->ui == 0)
		eq[0] = 0;
	else if ((l->av == 0 || l->pr == 0 || l->ui == 0) && l->av != 3)
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = l->ac == 0 && l->at == 0 ? 0 : 1;
	if (l->vc == 0 && l->vi == 0)
		eq[2] = 0;
	else if (l->vc == 0 || l->vi == 0 || l->va == 0)
		eq[2] = 1;
	else
		eq[2] = 2;
	if (l->si == 0 || l->sa == 0)
		eq[3] = 0;
	else if (l->sc == 1 || l->si == 1 || l->sa == 1)
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = l->e;
	bool required_high = (l->cr == 0 && l->vc == 0) || (l->ir == 0 && l->vi == 0) ||
			     (l->ar == 0 && l->va == 0);
	eq[5] = required_high ? 0 : 1;

	int score = v4_score_of(eq);
	if (score < 0)
		return -1;

	/* 2. next lower macrovectors */
	int lower[5];
	for (int k = 0; k < 5; k++) {
		int next[6];
		memcpy(next, eq, sizeof(next));
		switch (k) {
		case 0: next[0]++; break;
		case 1: next[1]++; break;
		case 3: next[3]++; break;
		case 4: next[4]++; break;
		case 2:
			if (eq[2] == 0 && eq[5] == 0) {
				/* two ways down (00 -> 01, 00 -> 10): the higher-scored one; the
				 * reference's "left > right ? left : right" */
				int left[6], right[6];
				memcpy(left, eq, sizeof(left));
				memcpy(right, eq, sizeof(right));
				left[5]++;
				right[2]++;
				int ls = v4_score_of(left), rs = v4_score_of(right);
				lower[k] = ls >= 0 && rs >= 0 && ls > rs ? ls : rs;
				continue;
			}
			if (eq[2] == 1 && eq[5] == 0) {
				next[5]++; /* 10 -> 11 */
			} else if (eq[5] == 1 && eq[2] <= 1) {
				next[2]++; /* 01 -> 11, 11 -> 21 */
			} else {
				next[2]++; /* 21 -> 32, which does not exist */
				next[5]++;
			}
			break;
		default: break;
		}
		lower[k] = v4_score_of(next);
	}

	/* 3. the highest-severity vector the scored one does not exceed: the first in the
	 * reference's nested order, which is the first valid one of each EQ; when some EQ
	 * has none, the reference ends its loop on the last combination. */
	const v4_max1 *l1 = v4_eq1_max[eq[0]].v;
	const v4_max2 *l2 = v4_eq2_max[eq[1]].v;
	const v4_max36 *l36 = v4_eq36_max[eq[2]][eq[5]].v;
	const v4_max4 *l4 = v4_eq4_max[eq[3]].v;
	size_t n1 = v4_eq1_max[eq[0]].n, n2 = v4_eq2_max[eq[1]].n;
	size_t n36 = v4_eq36_max[eq[2]][eq[5]].n, n4 = v4_eq4_max[eq[3]].n;
	if (n36 == 0)
		return -1; /* EQ3 = 2 with EQ6 = 0: impossible, EQ3 = 2 means no H in VC, VI, VA */
	int i1 = v4_first1(l, l1, n1), i2 = v4_first2(l, l2, n2);
	int i36 = v4_first36(l, l36, n36), i4 = v4_first4(l, l4, n4);
	if (i1 < 0 || i2 < 0 || i36 < 0 || i4 < 0) {
		i1 = (int)n1 - 1;
		i2 = (int)n2 - 1;
		i36 = (int)n36 - 1;
		i4 = (int)n4 - 1;
	}
	const v4_max1 *m1 = &l1[i1];
	const v4_max2 *m2 = &l2[i2];
	const v4_max36 *m36 = &l36[i36];
	const v4_max4 *m4 = &l4[i4];
	int dist[4] = {
		(l->av - m1->av) + (l->pr - m1->pr) + (l->ui - m1->ui),
		(l->ac - m2->ac) + (l->at - m2->at),
		(l->vc - m36->vc) + (l->vi - m36->vi) + (l->va - m36->va) + (l->cr - m36->cr) +
			(l->ir - m36->ir) + (l->ar - m36->ar),
		(l->sc - m4->sc) + (l->si - m4->si) + (l->sa - m4->sa),
	};
	int depth[4] = {v4_eq1_depth[eq[0]], v4_eq2_depth[eq[1]], v4_eq36_depth[eq[2]][eq[5]],
			v4_eq4_depth[eq[3]]};

	/* 4. the mean, exactly */
	const int64_t D = 2520;
	int64_t sum = 0;
	int n = 0;
	for (int k = 0; k < 4; k++) {
		if (lower[k] < 0 || depth[k] <= 0)
			continue;
		n++;
		sum += (int64_t)(score - lower[k]) * dist[k] * (D / depth[k]);
	}
	if (lower[4] >= 0)
		n++; /* EQ5: a proportion of 0 */
	if (n == 0)
		return score;
	int64_t den = D * n;
	int64_t num = (int64_t)score * den - sum; /* 10 x Score = num / den */
	if (num <= 0)
		return 0;
	int64_t t = (2 * num + den) / (2 * den); /* half up */
	return t > 100 ? 100 : (int)t;
}

/* CVSS-B: the base metrics, with E, CR, IR and AR Not Defined (A, H, H, H) and no
 * modified metric. */
static int v4_base_tenths(const int vals[])
{
	v4_levels l = {
		.av = vals[V4_AV],
		.pr = vals[V4_PR],
		.ui = vals[V4_UI],
		.ac = vals[V4_AC],
		.at = vals[V4_AT],
		.vc = vals[V4_VC],
		.vi = vals[V4_VI],
		.va = vals[V4_VA],
		.cr = 0,
		.ir = 0,
		.ar = 0,
		.sc = vals[V4_SC] + 1, /* H L N are levels 1 2 3: S is 0 */
		.si = vals[V4_SI] + 1,
		.sa = vals[V4_SA] + 1,
		.e = 0,
	};
	return v4_tenths(&l);
}

/* ---- entry points ----------------------------------------------------------------------- */

/* Parse and score vector (see the top of this file for what is accepted). On success fill
 * *ret (if ret is not NULL) with the version and the base score, 0.0 to 10.0 in steps of
 * 0.1, and return 0. Otherwise return VAKT_E_PARSE with a message that names the version
 * and the bad metric, and leave *ret alone. Never reads more than CVSS_MAX_LEN + 1 bytes
 * of vector; allocates only the error. */
int vakt_cvss_score(const char *vector, vakt_cvss *ret, vakt_error **err)
{
	char q[QUOTE_BUF];
	if (!vector || !*vector)
		return vakt_error_set(err, VAKT_E_PARSE, "CVSS vector is empty");
	size_t len = strnlen(vector, CVSS_MAX_LEN + 1);
	if (len > CVSS_MAX_LEN)
		return vakt_error_set(err, VAKT_E_PARSE, "CVSS vector is longer than %d bytes",
				      CVSS_MAX_LEN);

	const cvss_spec *spec;
	vakt_cvss_version version;
	const char *body = vector;
	size_t blen = len;
	const char *slash = memchr(vector, '/', len);
	size_t plen = slash ? (size_t)(slash - vector) : len;
	if (plen >= 4 && strncasecmp(vector, "CVSS", 4) == 0) {
		static const struct {
			const char *prefix;
			const cvss_spec *spec;
			vakt_cvss_version version;
		} prefixes[] = {
			{"CVSS:3.0", &spec_v30, VAKT_CVSS_V30},
			{"CVSS:3.1", &spec_v31, VAKT_CVSS_V31},
			{"CVSS:4.0", &spec_v40, VAKT_CVSS_V40},
		};
		spec = NULL;
		version = VAKT_CVSS_V2;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			if (plen == strlen(prefixes[i].prefix) &&
			    memcmp(vector, prefixes[i].prefix, plen) == 0) {
				spec = prefixes[i].spec;
				version = prefixes[i].version;
			}
		}
		if (!spec)
			return vakt_error_set(
				err, VAKT_E_PARSE,
				"CVSS vector: unknown prefix '%s' (expected CVSS:3.0, "
				"CVSS:3.1, CVSS:4.0, or a v2 vector without one)",
				quote(vector, plen, q, sizeof(q)));
		if (!slash)
			return vakt_error_set(err, VAKT_E_PARSE, "%s: no metrics", spec->label);
		body = slash + 1;
		blen = len - plen - 1;
	} else {
		spec = &spec_v2;
		version = VAKT_CVSS_V2;
		if (vector[0] == '(') { /* NVD's "(AV:N/AC:L/Au:N/C:P/I:P/A:P)" */
			if (len < 2 || vector[len - 1] != ')')
				return vakt_error_set(err, VAKT_E_PARSE,
						      "%s: '(' without a closing ')'", spec->label);
			body = vector + 1;
			blen = len - 2;
		}
	}

	int vals[CVSS_MAX_METRICS];
	int r = parse_metrics(spec, body, blen, vals, err);
	if (r < 0)
		return r;

	int tenths;
	switch (version) {
	case VAKT_CVSS_V2: tenths = v2_tenths(vals); break;
	case VAKT_CVSS_V30: tenths = v3_tenths(vals, false); break;
	case VAKT_CVSS_V31: tenths = v3_tenths(vals, true); break;
	case VAKT_CVSS_V40: tenths = v4_base_tenths(vals); break;
	default: tenths = -1; break;
	}
	if (tenths < 0 || tenths > 100) /* unreachable: every valid vector has a score */
		return vakt_error_set(err, VAKT_E_PARSE, "%s: no score", spec->label);
	if (ret) {
		ret->version = version;
		ret->base = tenths / 10.0;
	}
	return 0;
}

/* The qualitative rating of c's base score: for v3.x and v4.0 the specifications' table
 * (None 0.0, here INFO; Low 0.1-3.9; Medium 4.0-6.9; High 7.0-8.9; Critical 9.0-10.0),
 * for v2 NVD's (Low 0.0-3.9, Medium 4.0-6.9, High 7.0-10.0). VAKT_SEV_UNKNOWN for NULL,
 * an unknown version or a score outside 0..10. */
vakt_severity vakt_cvss_severity(const vakt_cvss *c)
{
	if (!c || !(c->base >= 0.0 && c->base <= 10.0))
		return VAKT_SEV_UNKNOWN;
	int t = (int)(c->base * 10.0 + 0.5); /* tenths; scores are multiples of 0.1 */
	switch (c->version) {
	case VAKT_CVSS_V2:
		return t >= 70 ? VAKT_SEV_HIGH : t >= 40 ? VAKT_SEV_MEDIUM : VAKT_SEV_LOW;
	case VAKT_CVSS_V30:
	case VAKT_CVSS_V31:
	case VAKT_CVSS_V40:
		if (t == 0)
			return VAKT_SEV_INFO;
		return t >= 90	 ? VAKT_SEV_CRITICAL
		       : t >= 70 ? VAKT_SEV_HIGH
		       : t >= 40 ? VAKT_SEV_MEDIUM
				 : VAKT_SEV_LOW;
	default: return VAKT_SEV_UNKNOWN;
	}
}
