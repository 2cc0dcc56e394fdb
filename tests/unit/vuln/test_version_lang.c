/* test_version_lang.c - SemVer 2.0.0 and PEP 440 ordering (src/vuln/ver_semver.c,
 * src/vuln/ver_pep440.c).
 *
 * The vectors come from the specifications (semver.org's precedence examples, PEP 440's
 * ordering summary and normalisation section), Go's pseudo-versions, and the corners of
 * the references (node-semver strict mode, packaging.version.Version) that
 * tests/vuln/diff_lang.py found or exercises; every expectation here was checked against
 * those references. On top: every comparison is a consistent order over all the strings
 * of this file (valid or not), and hostile input (100 kB strings, 40-digit numbers, bytes
 * that are not UTF-8) is handled without overflow and with short messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vuln/version.h"

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Each of list[0..n) strictly below every later one. */
static void assert_ascending(vakt_vscheme s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vakt_error *e = NULL;
		if (vakt_version_check(s, list[i], &e) != 0)
			fail_msg("%s: \"%s\" should be valid: %s", vakt_vscheme_name(s), list[i],
				 e->msg);
		for (size_t j = i + 1; j < n; j++)
			if (sign(vakt_version_cmp(s, list[i], list[j])) != -1 ||
			    sign(vakt_version_cmp(s, list[j], list[i])) != 1)
				fail_msg("%s: expected \"%s\" < \"%s\"", vakt_vscheme_name(s),
					 list[i], list[j]);
	}
}

static void assert_equal_pairs(vakt_vscheme s, const char *const (*pairs)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++)
			if (vakt_version_check(s, pairs[i][k], NULL) != 0)
				fail_msg("%s: \"%s\" should be valid", vakt_vscheme_name(s),
					 pairs[i][k]);
		if (vakt_version_cmp(s, pairs[i][0], pairs[i][1]) != 0 ||
		    vakt_version_cmp(s, pairs[i][1], pairs[i][0]) != 0)
			fail_msg("%s: expected \"%s\" == \"%s\"", vakt_vscheme_name(s), pairs[i][0],
				 pairs[i][1]);
	}
}

static void assert_less_pairs(vakt_vscheme s, const char *const (*pairs)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_ascending(s, pairs[i], 2);
}

static void assert_invalid(vakt_vscheme s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vakt_error *e = NULL;
		if (vakt_version_check(s, list[i], &e) != VAKT_E_PARSE)
			fail_msg("%s: \"%s\" should be invalid", vakt_vscheme_name(s), list[i]);
		assert_non_null(e);
		assert_int_equal(e->code, VAKT_E_PARSE);
		assert_non_null(strstr(e->msg, vakt_vscheme_name(s)));
		assert_null(strchr(e->msg, '\n'));
		vakt_error_free(e);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- SemVer -------------------------------------------------------------------------- */

/* clang-format off */
/* semver.org, section 11 */
static const char *const semver_spec_order[] = {
	"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
	"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
};

/* Go pseudo-versions (golang.org/ref/mod#pseudo-versions): vX.0.0-yyyymmddhhmmss-hash
 * before any release, vX.Y.Z-pre.0.yyyy...-hash after vX.Y.Z-pre, and
 * vX.Y.(Z+1)-0.yyyy...-hash between vX.Y.Z and vX.Y.(Z+1). */
static const char *const semver_go_order[] = {
	"v0.0.0-20210101000000-abcdef123456",
	"v0.0.0-20210102000000-012345abcdef",
	"v0.0.1",
	"v1.2.3-pre",
	"v1.2.3-pre.0.20210101000000-abcdef123456",
	"v1.2.3",
	"v1.2.4-0.20190101000000-abcdef123456",
	"v1.2.4-0.20210101000000-abcdef123456",
	"1.2.4", /* OSV's Go ranges write versions without the 'v' */
};

static const char *const semver_less[][2] = {
	{"1.0.0-1", "1.0.0-a"},             /* numeric below alphanumeric */
	{"1.0.0-9", "1.0.0-0a"},            /* "0a" is alphanumeric */
	{"1.0.0--", "1.0.0-0a"},            /* ASCII: '-' < '0' */
	{"1.0.0-2", "1.0.0-10"},            /* numerically */
	{"1.0.0-alpha.9", "1.0.0-alpha.10"},
	{"1.0.0-A", "1.0.0-a"},             /* ASCII, case-sensitive */
	{"1.0.0-Z", "1.0.0-a"},
	{"1.0.0-a", "1.0.0-a.0"},           /* more identifiers sort higher */
	{"1.0.0-a.b", "1.0.0-a-b"},         /* "a" < "a-b" */
	{"0.9.9", "1.0.0-0"},
	{"1.0.0", "v1.0.1-0"},
	{"1.9.0", "1.10.0"},
	{"999999999999999999999999999999999999999.0.0",     /* 39 digits */
	 "1234567890123456789012345678901234567890.0.0"},   /* 40 digits */
	{"1.0.0-1234567890123456789012345678901234567890",
	 "1.0.0-1234567890123456789012345678901234567891"}, /* beyond doubles, still exact */
	{"1.0.0-9007199254740992", "1.0.0-9007199254740993"},
	{"0.0.9007199254740992", "0.0.9007199254740993"},
};

static const char *const semver_equal[][2] = {
	{"1.0.0+a", "1.0.0+b"}, /* build metadata is ignored */
	{"v1.0.0", "1.0.0"},
	{"1.0.0-alpha+001", "1.0.0-alpha"},
	{"v1.0.0-rc.1+x.y", "1.0.0-rc.1"},
	{"1.0.0+21AF26D3----117B344092BD", "1.0.0+20130313144700"},
	{"1234567890123456789012345678901234567890.0.0",
	 "v1234567890123456789012345678901234567890.0.0"},
};

static const char *const semver_valid[] = {
	"0.0.0", "1.2.3-0a", "1.2.3--", "1.2.3-a-b.c", "1.2.3+01", "1.2.3-00a", "1.2.3-x.7.z.92",
	"1.2.3-a+b-c", "1.0.0-0", "v0.0.0-20210101000000-abcdef123456",
};

static const char *const semver_invalid[] = {
	"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-00",
	"1.2.3-", "1.2.3+", "1.2.3-a..b", "1.2.3+a..b", "1.2.3-a.", "1.2.3+a.", "V1.2.3",
	"=1.2.3", " 1.2.3", "1.2.3 ", "vv1.2.3", "1.2.3-a_b", "1.2.3-\xc3\xa9", "-1.2.3",
	"1.2.-3", "1.2.3\n", "1..3", "v", "1.2.3-+a", "1.2.3++a", "1.2.3+a+b", "1.2.3\xff",
	"v1", "v1.2", /* Go's shorthands are not SemVer */
};

/* clang-format on */

static void test_semver_order(void **state)
{
	(void)state;
	assert_ascending(VAKT_VS_SEMVER, semver_spec_order, N(semver_spec_order));
	assert_ascending(VAKT_VS_SEMVER, semver_go_order, N(semver_go_order));
	assert_less_pairs(VAKT_VS_SEMVER, semver_less, N(semver_less));
	assert_equal_pairs(VAKT_VS_SEMVER, semver_equal, N(semver_equal));
}

static void test_semver_validity(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(semver_valid); i++)
		if (vakt_semver_check(semver_valid[i], NULL) != 0)
			fail_msg("\"%s\" should be valid", semver_valid[i]);
	assert_invalid(VAKT_VS_SEMVER, semver_invalid, N(semver_invalid));
}

static void test_semver_messages(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"1.2", "semver version \"1.2\": expected '.' after the minor version at offset 3, "
			"found the end"},
		{"01.2.3",
		 "semver version \"01.2.3\": leading zero in the major version at offset 0"},
		{"1.2.3-a..b",
		 "semver version \"1.2.3-a..b\": empty prerelease identifier at offset 8, "
		 "found '.'"},
		{"1.2.3 x", "semver version \"1.2.3 x\": unexpected character at offset 5, found "
			    "byte 0x20"},
		{"1.2.3\x1b[31m", "semver version \"1.2.3\\x1b[31m\": unexpected character at "
				  "offset 5, found byte 0x1b"},
		{"", "semver version \"\": empty"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		vakt_error *e = NULL;
		assert_int_equal(vakt_semver_check(cases[i][0], &e), VAKT_E_PARSE);
		assert_string_equal(e->msg, cases[i][1]);
		vakt_error_free(e);
	}
}

/* ---- PEP 440 ------------------------------------------------------------------------- */

/* clang-format off */
/* PEP 440, "Summary of permitted suffixes and relative ordering" */
static const char *const pep440_spec_order[] = {
	"1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
	"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456",
	"1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456",
	"1.0.15", "1.1.dev1",
};

/* PEP 440's other ordering examples: releases, and epochs over date-based versions */
static const char *const pep440_release_order[] = {
	"0.9", "0.9.1", "0.9.2", "0.9.10", "0.9.11", "1.0", "1.0.1", "1.1", "2.0", "2.0.1",
	"2012.4", "2013.10", "2014.04", "1!1.0", "1!1.1", "1!2.0",
};

static const char *const pep440_cycle_order[] = {
	"0.9", "1.0.dev1", "1.0.dev2", "1.0.dev3", "1.0.dev4", "1.0a1", "1.0a2", "1.0b1",
	"1.0c1", "1.0rc2", "1.0", "1.0.post1", "1.1.dev1", "1.1a1",
};

/* PEP 440, "Normalization", one pair per rule, and what packaging adds */
static const char *const pep440_equal[][2] = {
	{"1.1RC1", "1.1rc1"},            /* case */
	{"00", "0"},                     /* integers */
	{"09000", "9000"},
	{"1.1.a1", "1.1a1"},             /* pre-release separators */
	{"1.1-a1", "1.1a1"},
	{"1.0a.1", "1.0a1"},
	{"1.1alpha1", "1.1a1"},          /* pre-release spelling */
	{"1.1beta2", "1.1b2"},
	{"1.1c3", "1.1rc3"},
	{"1.0pre1", "1.0rc1"},
	{"1.0preview1", "1.0rc1"},
	{"1.2a", "1.2a0"},               /* implicit pre-release number */
	{"1.2-post2", "1.2.post2"},      /* post-release separators */
	{"1.2post2", "1.2.post2"},
	{"1.2.post-2", "1.2.post2"},
	{"1.0-r4", "1.0.post4"},         /* post-release spelling */
	{"1.0-rev4", "1.0.post4"},
	{"1.2.post", "1.2.post0"},       /* implicit post-release number */
	{"1.0-1", "1.0.post1"},          /* implicit post release */
	{"1.2-dev2", "1.2.dev2"},        /* development release separators */
	{"1.2dev2", "1.2.dev2"},
	{"1.2.dev", "1.2.dev0"},         /* implicit development release number */
	{"1.0+ubuntu-1", "1.0+ubuntu.1"}, /* local version segments */
	{"v1.0", "1.0"},                 /* preceding v */
	{"V1.0", "1.0"},
	{"1.0\n", "1.0"},                /* whitespace */
	{" \t1.0\r\n\f\v", "1.0"},
	{"1.0", "1.0.0.0"},              /* trailing zeros of the release */
	{"0!1.0", "1.0"},
	{"000!1.0", "1.0"},
	{"1.0+ABC", "1.0+abc"},
	{"1.0+01", "1.0+1"},             /* numeric local segments by value */
	{"1.0a-1", "1.0a1"},             /* the separator goes to the pre-release number */
	{"1.0.dev-", "1.0.dev0"},
	{"1.0a.", "1.0a0"},
	{"1.0_rc_2", "1.0rc2"},
	{"1.0-dev-", "1.0.dev0"},
	/* Python's \s and IGNORECASE are Unicode-aware */
	{"\xe3\x80\x80" "1.0\xe2\x80\xa9", "1.0"},  /* U+3000, U+2029 */
	{"\x1c" "1.0\xc2\x85", "1.0"},              /* U+001C, U+0085 */
	{"1.0+\xe2\x84\xaa", "1.0+k"},               /* U+212A KELVIN SIGN lowers to 'k' */
	{"1.0+K", "1.0+k"},
};

static const char *const pep440_less[][2] = {
	{"1.0+foo0100", "1.0+foo100"}, /* digits inside a string segment are text */
	{"1.0+abc", "1.0+0"},          /* strings below numbers */
	{"1.0+abc", "1.0+abc.0"},
	{"1.0+a.b", "1.0+a.b.c"},
	{"1.0+9", "1.0+10"},
	{"1.0.post1.dev0", "1.0.post1"},
	{"1.0", "1.0.post1.dev0"},
	{"1.0a1.post1.dev1", "1.0a1.post1"},
	{"1.0.dev0", "1.0a0.dev0"},
	{"1.0a0.dev0", "1.0a0"},
	{"2.0", "1!1.0"},
	{"1.0", "1.0+0"},
	{"1.0.dev1", "1.0.dev1+local"},
	{"1.0.0.1", "1.0.1"},
	{"999999999999999999999999999999999999999", "1234567890123456789012345678901234567890"},
	{"1.0a1234567890123456789012345678901234567890",
	 "1.0a1234567890123456789012345678901234567891"},
	{"1.0.post9007199254740992", "1.0.post9007199254740993"},
	{"1!1.0", "1234567890123456789012345678901234567890!0"},
	/* what packaging makes of the non-ASCII letters IGNORECASE admits */
	{"1.0+i", "1.0+\xc4\xb0"},                /* U+0130 lowers to "i\u0307" */
	{"1.0+i", "1.0+\xc4\xb1"},                /* U+0131 stays */
	{"1.0+s", "1.0+\xc5\xbf"},                /* U+017F stays */
	{"1.0post5", "1.0po\xc5\xbft1"},          /* post letter "po\u017ft" > "post" */
	{"1.0b9", "1.0prev\xc4\xb0" "ew1"},       /* pre letter "previ\u0307ew": b < it < rc */
	{"1.0prev\xc4\xb0" "ew1", "1.0rc0"},
	{"1.0prev\xc4\xb0" "ew1", "1.0prev\xc4\xb1" "ew0"},
};

static const char *const pep440_valid[] = {
	"1.0a-post", "1.0.post_", "1.0.dev.", "1.0-1.dev1", "1.0rev", "1.0.r", "1.0c",
	"1.0.post1.dev2", "1!1.0.0a1.post2.dev3+local.7", "1.0+a-b_c.d", "1.0-a-",
	"1.0\x1c", "1.0PO\xc5\xbfT", "1.0+x\xc5\xbfy",
};

static const char *const pep440_invalid[] = {
	"1.0-", "", "   ", "1.0+", "1.0+abc.", "1.0+abc..d", "1.0+\xc3\xa9", "vv1.0", "1.0_",
	"a1", "1.0.", "!1.0", "1!", "1.0a1a1", "1.0.post1.post2", "1.0+a+b", "1 .0", "1.0 rc1",
	"1.0dev1.post1", "1.0\xe2\x80\x8b", "\357\273\2771.0" /* BOM */, "1.0+a_", "1.0a1.dev1+",
	"1,0", "01!", "v", "1.0alph", "1.0+a\xe2\x84\xab", "1.0\xff", "1.0\xc4", "1.0+\xc4",
	"1.0+\xe2\x84", "1.0po\xc5", "\xe3\x80", "1.0-1-", "1.0rc1-", "1!2!3",
};

/* clang-format on */

static void test_pep440_order(void **state)
{
	(void)state;
	assert_ascending(VAKT_VS_PEP440, pep440_spec_order, N(pep440_spec_order));
	assert_ascending(VAKT_VS_PEP440, pep440_release_order, N(pep440_release_order));
	assert_ascending(VAKT_VS_PEP440, pep440_cycle_order, N(pep440_cycle_order));
	assert_equal_pairs(VAKT_VS_PEP440, pep440_equal, N(pep440_equal));
	assert_less_pairs(VAKT_VS_PEP440, pep440_less, N(pep440_less));
}

static void test_pep440_validity(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(pep440_valid); i++)
		if (vakt_pep440_check(pep440_valid[i], NULL) != 0)
			fail_msg("\"%s\" should be valid", pep440_valid[i]);
	assert_invalid(VAKT_VS_PEP440, pep440_invalid, N(pep440_invalid));
}

static void test_pep440_messages(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"1.0-", "pep440 version \"1.0-\": unexpected character at offset 3, found '-'"},
		{"1!", "pep440 version \"1!\": expected the release number after the epoch at "
		       "offset 2, found the end"},
		{"1.0+",
		 "pep440 version \"1.0+\": expected a letter or digit after '+' at offset 4, "
		 "found the end"},
		{"x1", "pep440 version \"x1\": expected the release number at offset 0, found 'x'"},
		{" \t", "pep440 version \" \\x09\": empty"},
		{"\"1\"",
		 "pep440 version \"\\x221\\x22\": expected the release number at offset 0, "
		 "found '\"'"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		vakt_error *e = NULL;
		assert_int_equal(vakt_pep440_check(cases[i][0], &e), VAKT_E_PARSE);
		assert_string_equal(e->msg, cases[i][1]);
		vakt_error_free(e);
	}
}

/* ---- every comparison is an order -------------------------------------------------- */

/* All the strings of this file, for one scheme: its own and the other's (mostly invalid
 * there, which is the point). */
static size_t all_strings(const char **out, size_t max)
{
	size_t n = 0;
#define ADD_LIST(l)                                                                                \
	for (size_t i_ = 0; i_ < N(l) && n < max; i_++)                                            \
		out[n++] = (l)[i_];
#define ADD_PAIRS(l)                                                                               \
	for (size_t i_ = 0; i_ < N(l) && n + 1 < max; i_++) {                                      \
		out[n++] = (l)[i_][0];                                                             \
		out[n++] = (l)[i_][1];                                                             \
	}
	ADD_LIST(semver_spec_order)
	ADD_LIST(semver_go_order)
	ADD_PAIRS(semver_less)
	ADD_PAIRS(semver_equal)
	ADD_LIST(semver_valid)
	ADD_LIST(semver_invalid)
	ADD_LIST(pep440_spec_order)
	ADD_LIST(pep440_release_order)
	ADD_LIST(pep440_cycle_order)
	ADD_PAIRS(pep440_equal)
	ADD_PAIRS(pep440_less)
	ADD_LIST(pep440_valid)
	ADD_LIST(pep440_invalid)
#undef ADD_LIST
#undef ADD_PAIRS
	return n;
}

static vakt_vscheme sort_scheme;

static int sort_cmp(const void *a, const void *b)
{
	return vakt_version_cmp(sort_scheme, *(const char *const *)a, *(const char *const *)b);
}

static void check_order(vakt_vscheme s)
{
	static const char *v[1024];
	size_t n = all_strings(v, N(v));
	assert_true(n < N(v));
	for (size_t i = 0; i < n; i++) {
		if (vakt_version_cmp(s, v[i], v[i]) != 0)
			fail_msg("%s: cmp(\"%s\", itself) != 0", vakt_vscheme_name(s), v[i]);
		for (size_t j = 0; j < n; j++)
			if (sign(vakt_version_cmp(s, v[i], v[j])) !=
			    -sign(vakt_version_cmp(s, v[j], v[i])))
				fail_msg("%s: cmp(\"%s\", \"%s\") not antisymmetric",
					 vakt_vscheme_name(s), v[i], v[j]);
	}
	/* transitivity: once sorted, no later string may compare below an earlier one */
	sort_scheme = s;
	qsort(v, n, sizeof(v[0]), sort_cmp);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (vakt_version_cmp(s, v[i], v[j]) > 0)
				fail_msg("%s: sorted, yet \"%s\" > \"%s\"", vakt_vscheme_name(s),
					 v[i], v[j]);
	/* invalid strings first, valid ones after */
	bool seen_valid = false;
	for (size_t i = 0; i < n; i++) {
		bool ok = vakt_version_check(s, v[i], NULL) == 0;
		assert_false(seen_valid && !ok);
		seen_valid |= ok;
	}
}

static void test_consistent_order(void **state)
{
	(void)state;
	check_order(VAKT_VS_SEMVER);
	check_order(VAKT_VS_PEP440);
	/* NULL is an invalid empty string, not a crash */
	assert_int_equal(vakt_semver_cmp(NULL, NULL), 0);
	assert_true(vakt_semver_cmp(NULL, "1.0.0") < 0);
	assert_true(vakt_pep440_cmp("1.0", NULL) > 0);
	assert_int_equal(vakt_pep440_cmp(NULL, ""), 0);
	assert_int_equal(vakt_semver_check(NULL, NULL), VAKT_E_PARSE);
	assert_int_equal(vakt_pep440_check(NULL, NULL), VAKT_E_PARSE);
}

static void test_scheme_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		vakt_vscheme s;
	} names[] = {
		{"semver", VAKT_VS_SEMVER}, {"npm", VAKT_VS_SEMVER},  {"go", VAKT_VS_SEMVER},
		{"pep440", VAKT_VS_PEP440}, {"pypi", VAKT_VS_PEP440},
	};
	for (size_t i = 0; i < N(names); i++) {
		vakt_vscheme s;
		assert_true(vakt_vscheme_parse(names[i].name, &s));
		assert_int_equal(s, names[i].s);
	}
	assert_true(vakt_version_cmp(VAKT_VS_SEMVER, "1.0.0-rc.1", "1.0.0") < 0);
	assert_true(vakt_version_cmp(VAKT_VS_PEP440, "1.0rc1", "1.0") < 0);
}

/* ---- hostile sizes ------------------------------------------------------------------- */

#define BIG (100 * 1024)

/* prefix, then fill repeated to BIG bytes, then suffix: a fresh heap string */
static char *big(const char *prefix, const char *fill, const char *suffix)
{
	size_t pl = strlen(prefix), fl = strlen(fill), sl = strlen(suffix);
	char *s = malloc(pl + BIG + fl + sl + 1);
	assert_non_null(s);
	memcpy(s, prefix, pl);
	size_t n = pl;
	while (n < pl + BIG) {
		memcpy(s + n, fill, fl);
		n += fl;
	}
	memcpy(s + n, suffix, sl + 1);
	return s;
}

static void assert_short_error(int (*check)(const char *, vakt_error **), const char *v)
{
	vakt_error *e = NULL;
	assert_int_equal(check(v, &e), VAKT_E_PARSE);
	assert_true(strlen(e->msg) < 400);
	assert_non_null(strstr(e->msg, "...")); /* the version is cut */
	vakt_error_free(e);
}

static void test_semver_big(void **state)
{
	(void)state;
	char *alpha = big("1.0.0-", "a", "");
	char *alpha2 = big("1.0.0-", "a", "b");
	char *num = big("1.0.0-1", "0", ""); /* a numeric identifier of 100 k digits */
	char *num2 = big("1.0.0-1", "0", "1");
	char *major = big("1", "0", ".0.0");   /* 100 k-digit major */
	char *many = big("1.0.0-", "1.", "1"); /* 50 k identifiers */
	char *build = big("1.0.0+", "x", "");
	char *bad = big("1.0.0-", "a", "!");
	char *zeros = big("1.0.0-0", "0", "");
	assert_int_equal(vakt_semver_check(alpha, NULL), 0);
	assert_int_equal(vakt_semver_check(num, NULL), 0);
	assert_int_equal(vakt_semver_check(major, NULL), 0);
	assert_int_equal(vakt_semver_check(many, NULL), 0);
	assert_int_equal(vakt_semver_check(build, NULL), 0);
	assert_short_error(vakt_semver_check, bad);
	assert_short_error(vakt_semver_check, zeros);
	assert_true(vakt_semver_cmp(alpha, alpha2) < 0);
	assert_true(vakt_semver_cmp(num, num2) < 0);
	assert_true(vakt_semver_cmp(num, alpha) < 0); /* numeric below alphanumeric */
	assert_true(vakt_semver_cmp(major, "2.0.0") > 0);
	assert_true(vakt_semver_cmp(many, "1.0.0-1.1") > 0);
	assert_int_equal(vakt_semver_cmp(build, "1.0.0"), 0);
	assert_true(vakt_semver_cmp(bad, "0.0.0") < 0); /* invalid first */
	assert_int_equal(vakt_semver_cmp(bad, bad), 0);
	free(alpha), free(alpha2), free(num), free(num2), free(major), free(many), free(build);
	free(bad), free(zeros);
}

static void test_pep440_big(void **state)
{
	(void)state;
	char *zeros = big("1.", "0.", "0");  /* 50 k trailing zeros == "1" */
	char *zeros1 = big("1.", "0.", "1"); /* ... but not with a 1 at the end */
	char *num = big("1", "0", "");	     /* a 100 k-digit release */
	char *lead = big("v", "0", "7");     /* 100 k leading zeros == "7" */
	char *local = big("1.0+", "ab.", "c");
	char *local2 = big("1.0+", "ab.", "d");
	char *space = big("", " ", "1.0");
	char *uspace = big("1.0", "\xe3\x80\x80", ""); /* U+3000 trailing */
	char *bad = big("1.0+", "a", "!");
	char *blank = big("", " ", "");
	assert_int_equal(vakt_pep440_check(zeros, NULL), 0);
	assert_int_equal(vakt_pep440_check(num, NULL), 0);
	assert_int_equal(vakt_pep440_check(local, NULL), 0);
	assert_int_equal(vakt_pep440_check(space, NULL), 0);
	assert_int_equal(vakt_pep440_check(uspace, NULL), 0);
	assert_short_error(vakt_pep440_check, bad);
	vakt_error *e = NULL;
	assert_int_equal(vakt_pep440_check(blank, &e), VAKT_E_PARSE);
	assert_true(strlen(e->msg) < 400);
	vakt_error_free(e);
	assert_int_equal(vakt_pep440_cmp(zeros, "1"), 0);
	assert_true(vakt_pep440_cmp(zeros, zeros1) < 0);
	assert_true(vakt_pep440_cmp(num, "9999999999999999999999999999999999999999") > 0);
	assert_int_equal(vakt_pep440_cmp(lead, "7"), 0);
	assert_true(vakt_pep440_cmp(local, local2) < 0);
	assert_int_equal(vakt_pep440_cmp(space, uspace), 0);
	assert_true(vakt_pep440_cmp(bad, "0") < 0);
	free(zeros), free(zeros1), free(num), free(lead), free(local), free(local2), free(space);
	free(uspace), free(bad), free(blank);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semver_order),	 cmocka_unit_test(test_semver_validity),
		cmocka_unit_test(test_semver_messages),	 cmocka_unit_test(test_pep440_order),
		cmocka_unit_test(test_pep440_validity),	 cmocka_unit_test(test_pep440_messages),
		cmocka_unit_test(test_consistent_order), cmocka_unit_test(test_scheme_names),
		cmocka_unit_test(test_semver_big),	 cmocka_unit_test(test_pep440_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
