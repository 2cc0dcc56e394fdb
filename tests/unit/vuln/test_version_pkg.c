/* test_version_pkg.c - dpkg, rpm and apk version ordering against the package managers'
 * own test vectors, plus edge cases: huge numbers, empty and 100 kB strings, hostile
 * bytes in messages, and consistency (reflexive, antisymmetric, transitive) over every
 * vector string and thousands of generated ones.
 *
 * The vectors are public test data kept outside the repository, in
 * ${SRCDIR}/../shared/data/version-vectors (or $VAKT_VERSION_VECTORS): dpkg's
 * t/Dpkg_Version.t, rpm's tests/rpmvercmp.at and apk-tools' test/unit/version.data.
 * The tests that read them skip, saying why, when the folder is absent, and the run then
 * ends with 77 (skipped) once everything else has passed. The number of
 * vectors read is asserted, so a parser that silently reads nothing fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "vuln/version.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------------------------ */

static int sgn(int c)
{
	return c < 0 ? -1 : c > 0;
}

static bool vectors_missing; /* then the run ends with 77 (skipped) if nothing failed */

/* The vectors folder, or NULL (after saying why) when it is absent. */
static const char *vectors_dir(void)
{
	static char dir[4096];
	const char *env = getenv("VAKT_VERSION_VECTORS");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
	} else {
		const char *me = __FILE__;
		const char *tail = strstr(me, "tests/unit/vuln/test_version_pkg.c");
		if (!tail || me[0] != '/') {
			print_message("skip: cannot find the source tree from __FILE__ (%s); set "
				      "VAKT_VERSION_VECTORS\n",
				      me);
			vectors_missing = true;
			return NULL;
		}
		snprintf(dir, sizeof(dir), "%.*s../shared/data/version-vectors", (int)(tail - me),
			 me);
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		print_message("skip: no version vectors at %s\n", dir);
		vectors_missing = true;
		return NULL;
	}
	return dir;
}

/* The lines of a vectors file (newlines removed), NULL-terminated; NULL if it is absent. */
static char **read_lines(const char *name, size_t *ret_n)
{
	const char *dir = vectors_dir();
	if (!dir)
		return NULL;
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f) {
		print_message("skip: cannot open %s\n", path);
		return NULL;
	}
	char **lines = NULL;
	size_t n = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		lines = realloc(lines, (n + 2) * sizeof(*lines));
		assert_non_null(lines);
		lines[n++] = strdup(line);
	}
	free(line);
	fclose(f);
	assert_true(n > 0);
	lines[n] = NULL;
	*ret_n = n;
	return lines;
}

static void free_lines(char **lines)
{
	for (size_t i = 0; lines && lines[i]; i++)
		free(lines[i]);
	free(lines);
}

/* A growable set of distinct strings, for the consistency checks. */
typedef struct strset {
	char **s;
	size_t n;
} strset;

static void strset_add(strset *set, const char *s)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->s[i], s) == 0)
			return;
	set->s = realloc(set->s, (set->n + 1) * sizeof(*set->s));
	assert_non_null(set->s);
	set->s[set->n++] = strdup(s);
}

static void strset_free(strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->s[i]);
	free(set->s);
	set->s = NULL;
	set->n = 0;
}

static int (*sort_cmp)(const char *, const char *);

static int qsort_cmp(const void *a, const void *b)
{
	return sort_cmp(*(char *const *)a, *(char *const *)b);
}

/* cmp is reflexive and antisymmetric on every pair of set, and sorting with it gives an
 * order in which every earlier string compares <= every later one (transitivity). */
static void check_consistent(const char *scheme, int (*cmp)(const char *, const char *),
			     strset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (cmp(set->s[i], set->s[i]) != 0)
			fail_msg("%s: cmp(\"%s\", itself) != 0", scheme, set->s[i]);
		for (size_t j = i + 1; j < set->n; j++) {
			int ab = sgn(cmp(set->s[i], set->s[j])),
			    ba = sgn(cmp(set->s[j], set->s[i]));
			if (ab != -ba)
				fail_msg("%s: cmp(\"%s\", \"%s\") = %d but the reverse is %d",
					 scheme, set->s[i], set->s[j], ab, ba);
		}
	}
	sort_cmp = cmp;
	qsort(set->s, set->n, sizeof(*set->s), qsort_cmp);
	for (size_t i = 0; i < set->n; i++)
		for (size_t j = i + 1; j < set->n; j++)
			if (cmp(set->s[i], set->s[j]) > 0)
				fail_msg("%s: not transitive: \"%s\" sorted before \"%s\"", scheme,
					 set->s[i], set->s[j]);
}

/* Check v and return the message (caller frees), or NULL if it is valid. */
static char *check_msg(int (*check)(const char *, vakt_error **), const char *v)
{
	vakt_error *e = NULL;
	int r = check(v, &e);
	if (r == 0) {
		assert_null(e);
		return NULL;
	}
	assert_int_equal(r, VAKT_E_PARSE);
	assert_non_null(e);
	char *msg = strdup(e->msg);
	vakt_error_free(e);
	return msg;
}

static void assert_valid(int (*check)(const char *, vakt_error **), const char *v)
{
	char *msg = check_msg(check, v);
	if (msg)
		fail_msg("\"%s\" should be valid: %s", v, msg);
}

static void assert_invalid(int (*check)(const char *, vakt_error **), const char *v,
			   const char *want)
{
	char *msg = check_msg(check, v);
	if (!msg)
		fail_msg("\"%s\" should be invalid", v);
	if (want && !strstr(msg, want))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", v, msg, want);
	/* bounded, one line, printable */
	assert_true(strlen(msg) < 400);
	for (const char *p = msg; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	free(msg);
}

/* A deterministic generator (xorshift), so every run tests the same strings. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random string of up to max pieces, each taken from pieces[]. */
static char *random_version(const char *const *pieces, size_t npieces, size_t max)
{
	char buf[512] = "";
	size_t n = rng() % (max + 1);
	for (size_t i = 0; i < n; i++)
		strncat(buf, pieces[rng() % npieces], sizeof(buf) - strlen(buf) - 1);
	return strdup(buf);
}

static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + n + sl + 1);
	assert_non_null(s);
	memcpy(s, prefix, pl);
	memset(s + pl, c, n);
	memcpy(s + pl + n, suffix, sl + 1);
	return s;
}

/* ---- dpkg --------------------------------------------------------------------------------- */

/* The __DATA__ section of Dpkg_Version.t: "A B RESULT", every version valid. */
static void test_dpkg_vectors(void **state)
{
	(void)state;
	size_t n;
	char **lines = read_lines("dpkg_Dpkg_Version.t", &n);
	if (!lines)
		skip();
	size_t count = 0;
	bool data = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(lines[i], "__DATA__") == 0) {
			data = true;
			continue;
		}
		if (!data || !lines[i][0])
			continue;
		char a[256], b[256];
		int want;
		if (sscanf(lines[i], "%255s %255s %d", a, b, &want) != 3)
			fail_msg("dpkg vectors: cannot read \"%s\"", lines[i]);
		assert_valid(vakt_dpkg_check, a);
		assert_valid(vakt_dpkg_check, b);
		int got = sgn(vakt_dpkg_cmp(a, b));
		if (got != want)
			fail_msg("dpkg: %s vs %s: want %d, got %d", a, b, want, got);
		assert_int_equal(sgn(vakt_dpkg_cmp(b, a)), -want);
		count++;
	}
	free_lines(lines);
	assert_int_equal(count, 43);
}

/* Extract X from "... Dpkg::Version->new('X') ..." into out. */
static bool perl_new_arg(const char *line, char *out, size_t outlen)
{
	const char *p = strstr(line, "= Dpkg::Version->new('");
	if (!p)
		return false;
	p += strlen("= Dpkg::Version->new('");
	const char *q = strstr(p, "')");
	if (!q || (size_t)(q - p) >= outlen)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

/* The validity section of Dpkg_Version.t: each "$ver = Dpkg::Version->new('X')" followed
 * by "ok(! $ver->is_valid()" is invalid; the ones followed by has_epoch() checks are
 * well-formed versions. */
static void test_dpkg_validity(void **state)
{
	(void)state;
	size_t n;
	char **lines = read_lines("dpkg_Dpkg_Version.t", &n);
	if (!lines)
		skip();
	size_t valid = 0, invalid = 0;
	for (size_t i = 0; i < n; i++) {
		char v[256];
		if (!perl_new_arg(lines[i], v, sizeof(v)))
			continue;
		int verdict = 0; /* -1 invalid, 1 valid */
		for (size_t k = i + 1; k < n && !verdict; k++) {
			char other[256];
			if (perl_new_arg(lines[k], other, sizeof(other)) || strstr(lines[k], "# "))
				break;
			if (strstr(lines[k], "is_valid()"))
				verdict = strstr(lines[k], "ok(! ") ? -1 : 1;
			else if (strstr(lines[k], "has_epoch()"))
				verdict = 1;
		}
		if (verdict < 0) {
			assert_invalid(vakt_dpkg_check, v, NULL);
			invalid++;
		} else if (verdict > 0) {
			assert_valid(vakt_dpkg_check, v);
			valid++;
		}
	}
	free_lines(lines);
	assert_int_equal(invalid, 9);
	assert_int_equal(valid, 5);
}

/* The three sorts at the end of Dpkg_Version.t (whole versions, upstream parts, bare
 * strings): vakt_dpkg_cmp sorts each list as dpkg does. */
static void test_dpkg_sorts(void **state)
{
	(void)state;
	size_t n;
	char **lines = read_lines("dpkg_Dpkg_Version.t", &n);
	if (!lines)
		skip();
	size_t sorts = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strstr(lines[i], "@versions_unsorted = qw("))
			continue;
		char *unsorted[32], *expected[32];
		size_t nu = 0, ne = 0;
		size_t k = i + 1;
		for (; k < n && !strstr(lines[k], ");"); k++) {
			assert_true(nu < 32);
			unsorted[nu++] = lines[k] + strspn(lines[k], " ");
		}
		for (k++; k < n && !strstr(lines[k], "@versions_expected = qw("); k++)
			;
		for (k++; k < n && !strstr(lines[k], ");"); k++) {
			assert_true(ne < 32);
			expected[ne++] = lines[k] + strspn(lines[k], " ");
		}
		assert_int_equal(nu, 6);
		assert_int_equal(ne, nu);
		sort_cmp = vakt_dpkg_cmp;
		qsort(unsorted, nu, sizeof(*unsorted), qsort_cmp);
		for (size_t j = 0; j < nu; j++)
			if (strcmp(unsorted[j], expected[j]) != 0)
				fail_msg("dpkg sort %zu: position %zu is %s, want %s", sorts, j,
					 unsorted[j], expected[j]);
		sorts++;
		i = k;
	}
	free_lines(lines);
	assert_int_equal(sorts, 3);
}

static void test_dpkg_edges(void **state)
{
	(void)state;
	/* the lead's example message, and dpkg's errors and warnings */
	char *msg = check_msg(vakt_dpkg_check, "1:");
	assert_string_equal(msg, "dpkg version \"1:\": nothing after the epoch");
	free(msg);
	assert_invalid(vakt_dpkg_check, "", "empty");
	assert_invalid(vakt_dpkg_check, "  \t", "empty");
	assert_invalid(vakt_dpkg_check, "<unknown>", "placeholder");
	assert_invalid(vakt_dpkg_check, "1 2", "blank inside");
	assert_invalid(vakt_dpkg_check, ":1", "epoch before ':' is empty");
	assert_invalid(vakt_dpkg_check, "a:1", "epoch before ':' is empty");
	assert_invalid(vakt_dpkg_check, "1a:1", "not a number");
	assert_invalid(vakt_dpkg_check, "1-a:b", "not a number");
	assert_invalid(vakt_dpkg_check, "-1:1", "negative");
	assert_invalid(vakt_dpkg_check, "2147483648:1", "larger than 2147483647");
	assert_invalid(vakt_dpkg_check, "99999999999999999999999999:1", "larger");
	assert_invalid(vakt_dpkg_check, "1: ", "upstream version is empty"); /* as dpkg */
	assert_invalid(vakt_dpkg_check, "1.0-", "revision after '-' is empty");
	assert_invalid(vakt_dpkg_check, "-1", "upstream version is empty");
	assert_invalid(vakt_dpkg_check, "a1", "does not start with a digit");
	assert_invalid(vakt_dpkg_check, "1@", "'@' at offset 1");
	assert_invalid(vakt_dpkg_check, "1\n", "\\x0a at offset 1");
	assert_invalid(vakt_dpkg_check, "1:2-3:4", "not allowed in the revision");
	assert_invalid(vakt_dpkg_check, "1.0-1_2", "not allowed in the revision");
	assert_invalid(vakt_dpkg_check, "1\xff", "\\xff");
	/* what dpkg accepts silently */
	assert_valid(vakt_dpkg_check, "2147483647:1");
	assert_valid(vakt_dpkg_check, "0000000000000000000000002147483647:1");
	assert_valid(vakt_dpkg_check, " 1.0\t");
	assert_valid(vakt_dpkg_check, "+1:2");
	assert_valid(vakt_dpkg_check, "-0:1");
	assert_valid(vakt_dpkg_check, "\v1:2");
	assert_valid(vakt_dpkg_check, "1:1.0:1-a~b+c.d");
	assert_valid(vakt_dpkg_check, "1.0-1-2");

	/* the blank version first */
	assert_int_equal(vakt_dpkg_cmp("", "<unknown>"), 0);
	assert_true(vakt_dpkg_cmp("", "0") < 0);
	assert_true(vakt_dpkg_cmp("0~", "") > 0);
	/* trimming, signs, leading zeros, huge numbers */
	assert_int_equal(vakt_dpkg_cmp(" 1.0 ", "1.0"), 0);
	assert_int_equal(vakt_dpkg_cmp("+1:2", "1:2"), 0);
	assert_int_equal(vakt_dpkg_cmp("-0:1", "1"), 0);
	assert_int_equal(vakt_dpkg_cmp("000:1", "1"), 0);
	assert_int_equal(vakt_dpkg_cmp("1.000000000000000000000000000000001", "1.1"), 0);
	assert_true(vakt_dpkg_cmp("1.99999999999999999999999999", "1.100000000000000000000000000") <
		    0);
	assert_true(vakt_dpkg_cmp("1.18446744073709551616", "1.18446744073709551615") > 0);
	assert_true(vakt_dpkg_cmp("2147483648:1", "2147483647:9") > 0);
	assert_true(vakt_dpkg_cmp("99999999999999999999999:1", "99999999999999999999998:9") > 0);
	assert_true(vakt_dpkg_cmp("-1:9", "0") < 0);
	assert_true(vakt_dpkg_cmp("-2:9", "-1:0") < 0);
	/* '~' before the end, letters before other characters, high bytes in between
	 * (dpkg's signed char on amd64) */
	assert_true(vakt_dpkg_cmp("1.0~rc1", "1.0") < 0);
	assert_true(vakt_dpkg_cmp("1.0~~", "1.0~") < 0);
	assert_true(vakt_dpkg_cmp("1.0a", "1.0+") < 0);
	assert_true(vakt_dpkg_cmp("1.0z", "1.0\x80") < 0);
	assert_true(vakt_dpkg_cmp("1.0\xff", "1.0+") < 0);
	assert_true(vakt_dpkg_cmp("1.0\x80", "1.0\xff") < 0);
	/* revision: missing == "0" */
	assert_int_equal(vakt_dpkg_cmp("1.0", "1.0-0"), 0);
	assert_true(vakt_dpkg_cmp("1.0-1-1", "1.0-1") > 0);
}

/* ---- rpm ---------------------------------------------------------------------------------- */

/* RPMVERCMP(a, b, result) lines of rpmvercmp.at; with dnl, the "oddities" the file
 * documents (rpm 4.18 still behaves so; python3-rpm agrees). */
static void test_rpm_vectors(void **state)
{
	(void)state;
	size_t n;
	char **lines = read_lines("rpm_rpmvercmp.at", &n);
	if (!lines)
		skip();
	size_t active = 0, documented = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i];
		bool dnl = strncmp(l, "dnl ", 4) == 0;
		if (dnl)
			l += 4;
		if (strncmp(l, "RPMVERCMP(", 10) != 0)
			continue;
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", l + 10);
		char *close = strrchr(buf, ')');
		assert_non_null(close);
		*close = '\0';
		char *c1 = strstr(buf, ", ");
		assert_non_null(c1);
		*c1 = '\0';
		char *b = c1 + 2;
		char *c2 = strstr(b, ", ");
		assert_non_null(c2);
		*c2 = '\0';
		int want = atoi(c2 + 2);
		const char *a = buf;
		int got = vakt_rpmvercmp(a, b);
		if (got != want)
			fail_msg("rpmvercmp(%s, %s): want %d, got %d", a, b, want, got);
		assert_int_equal(vakt_rpmvercmp(b, a), -want);
		/* without ':' or '-' an EVR is its version */
		if (!strpbrk(a, ":-") && !strpbrk(b, ":-"))
			assert_int_equal(sgn(vakt_rpm_cmp(a, b)), want);
		if (dnl)
			documented++;
		else
			active++;
	}
	free_lines(lines);
	assert_int_equal(active, 91);
	assert_int_equal(documented, 12);
}

static void test_rpm_edges(void **state)
{
	(void)state;
	/* rpmvercmp: separators, '~', '^', huge numbers */
	assert_int_equal(vakt_rpmvercmp("1..0", "1.0"), 0);
	assert_int_equal(vakt_rpmvercmp("1.0", "1.0."), 0);
	assert_int_equal(vakt_rpmvercmp("", ""), 0);
	assert_int_equal(vakt_rpmvercmp("", "."), 0);
	assert_int_equal(vakt_rpmvercmp("", "0"), -1);
	assert_int_equal(vakt_rpmvercmp("~", ""), -1);
	assert_int_equal(vakt_rpmvercmp("^", ""), 1);
	assert_int_equal(vakt_rpmvercmp("1.1.\xce\xb1", "1.1.\xce\xb2"), 0);
	assert_int_equal(vakt_rpmvercmp("1.000000000000000000000000000000001", "1.1"), 0);
	assert_int_equal(vakt_rpmvercmp("1.18446744073709551616", "1.18446744073709551615"), 1);
	assert_int_equal(vakt_rpmvercmp("1a", "1.1"), -1);
	assert_int_equal(vakt_rpmvercmp("a", "1"), -1);

	/* EVR: epochs, releases (missing < empty < any), the last '-' */
	assert_int_equal(vakt_rpm_cmp("1:1.0", "2.0"), 1);
	assert_int_equal(vakt_rpm_cmp("0:1.0", "1.0"), 0);
	assert_int_equal(vakt_rpm_cmp(":1.0", "1.0"), 0);
	assert_int_equal(vakt_rpm_cmp("00:1.0", "0:1.0"), 0);
	assert_int_equal(vakt_rpm_cmp("99999999999999999999:1", "99999999999999999998:2"), 1);
	assert_int_equal(vakt_rpm_cmp("1.0", "1.0-1"), -1);
	assert_int_equal(vakt_rpm_cmp("1.0", "1.0-"), -1);
	assert_int_equal(vakt_rpm_cmp("1.0-", "1.0-0"), -1);
	assert_int_equal(vakt_rpm_cmp("1.0-1.el8", "1.0-1.el8"), 0);
	assert_int_equal(vakt_rpm_cmp("1.0-2", "1.0-10"), -1);
	assert_int_equal(vakt_rpm_cmp("1-2-3", "1-2-4"), -1);
	assert_int_equal(vakt_rpm_cmp("a:1", "0"), -1); /* "a:1" is all version */
	assert_int_equal(vakt_rpm_cmp("", ""), 0);

	assert_valid(vakt_rpm_check, "1.0");
	assert_valid(vakt_rpm_check, "0:1.2.3-4.el8_9.1");
	assert_valid(vakt_rpm_check, "2:1.0~rc1^git20240101.abc+x-0.1");
	assert_valid(vakt_rpm_check, "4294967295:1");
	assert_valid(vakt_rpm_check, "0004294967295:1");
	assert_invalid(vakt_rpm_check, "4294967296:1", "larger than 4294967295");
	assert_invalid(vakt_rpm_check, "99999999999999999999:1", "larger");
	assert_invalid(vakt_rpm_check, "", "empty");
	assert_invalid(vakt_rpm_check, ":1.0", "epoch before ':' is empty");
	assert_invalid(vakt_rpm_check, "a:1.0", "epoch before ':' is not a number");
	assert_invalid(vakt_rpm_check, "1:", "version is empty");
	assert_invalid(vakt_rpm_check, "-1", "version is empty");
	assert_invalid(vakt_rpm_check, "1.0-", "release is empty");
	assert_invalid(vakt_rpm_check, "1-2-3", "'-' at offset 1");
	assert_invalid(vakt_rpm_check, "1:2:3", "':' at offset 3");
	assert_invalid(vakt_rpm_check, "1..0", "\"..\"");
	assert_invalid(vakt_rpm_check, "1.0%{?dist}", "'%'");
	assert_invalid(vakt_rpm_check, "1.0\n", "\\x0a");
	assert_invalid(vakt_rpm_check, "1.\xce\xb1", "\\xce");
}

/* ---- apk ---------------------------------------------------------------------------------- */

/* apk_version_result_mask_blob(); 0 for an operator it does not know. */
enum { APK_LESS = 1, APK_EQUAL = 2, APK_GREATER = 4, APK_FUZZY = 8 };

static int apk_mask(const char *op)
{
	int r = 0;
	for (; *op; op++) {
		switch (*op) {
		case '<': r |= APK_LESS; break;
		case '>': r |= APK_GREATER; break;
		case '=': r |= APK_EQUAL; break;
		case '~': r |= APK_FUZZY | APK_EQUAL; break;
		default: return 0;
		}
	}
	return r;
}

/* version.data read as apk-tools' test/unit/version_test.c reads it: '#' starts a
 * comment, lines are trimmed; "A OP B" (OP may start with '!' to negate) is a comparison
 * with apk_version_match(), a lone "V" (or "!V") a validity check. */
static void test_apk_vectors(void **state)
{
	(void)state;
	size_t n;
	char **lines = read_lines("apk_version.data", &n);
	if (!lines)
		skip();
	size_t compared = 0, fuzzy = 0, valid = 0, invalid = 0;
	for (size_t i = 0; i < n; i++) {
		char *l = lines[i];
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		while (*l == ' ' || *l == '\t')
			l++;
		size_t len = strlen(l);
		while (len && (l[len - 1] == ' ' || l[len - 1] == '\t'))
			l[--len] = '\0';
		if (!len)
			continue;
		char *sp1 = strchr(l, ' ');
		char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (sp2) {
			*sp1 = *sp2 = '\0';
			const char *a = l, *op = sp1 + 1, *b = sp2 + 1;
			bool invert = op[0] == '!';
			int mask = apk_mask(op + invert);
			assert_true(mask != 0);
			int r = sgn((mask & APK_FUZZY) ? vakt_apk_cmp_fuzzy(a, b)
						       : vakt_apk_cmp(a, b));
			int got = r < 0 ? APK_LESS : r > 0 ? APK_GREATER : APK_EQUAL;
			bool ok = (got & mask) != 0;
			if (ok == invert)
				fail_msg("apk line %zu: %s %s %s fails (compare says %d)", i + 1, a,
					 op, b, r);
			if (!(mask & APK_FUZZY))
				assert_int_equal(sgn(vakt_apk_cmp(b, a)), -r);
			compared++;
			fuzzy += (mask & APK_FUZZY) != 0;
		} else if (l[0] == '!') {
			assert_invalid(vakt_apk_check, l + 1, NULL);
			invalid++;
		} else {
			assert_valid(vakt_apk_check, l);
			valid++;
		}
	}
	free_lines(lines);
	assert_int_equal(compared, 754);
	assert_int_equal(fuzzy, 16);
	assert_int_equal(valid, 6);
	assert_int_equal(invalid, 25);
}

static void test_apk_edges(void **state)
{
	(void)state;
	assert_valid(vakt_apk_check, "1.2.3_alpha1_p2~deadbeef-r10");
	assert_valid(vakt_apk_check, "0");
	assert_valid(vakt_apk_check, "1a_rc");
	assert_invalid(vakt_apk_check, "", "at offset 0: empty");
	assert_invalid(vakt_apk_check, "v1.0", "at offset 0: does not start with a digit");
	assert_invalid(vakt_apk_check, "1.0bc", "at offset 4: a second letter");
	assert_invalid(vakt_apk_check, "1.", "at offset 1: '.' not followed by a digit");
	assert_invalid(vakt_apk_check, "1_foo", "at offset 1: an unknown suffix");
	assert_invalid(vakt_apk_check, "1-1", "-rN");
	assert_invalid(vakt_apk_check, "1-r", "'-r' not followed by a number");
	assert_invalid(vakt_apk_check, "1~ABC", "hex commit hash");
	assert_invalid(vakt_apk_check, "1.0\n", "\\x0a");

	/* leading zeros: a string after a '.', a number at the start and in -r, _p */
	assert_true(vakt_apk_cmp("1.01", "1.1") < 0);
	assert_true(vakt_apk_cmp("1.010", "1.09") < 0); /* "010" < "09" */
	assert_int_equal(vakt_apk_cmp("01.1", "1.1"), 0);
	assert_int_equal(vakt_apk_cmp("1-r01", "1-r1"), 0);
	assert_int_equal(vakt_apk_cmp("1_p01", "1_p1"), 0);
	/* numbers beyond 64 bits compare exactly (apk would wrap) */
	assert_true(vakt_apk_cmp("1.18446744073709551616", "1.18446744073709551615") > 0);
	assert_true(vakt_apk_cmp("1.99999999999999999999999999", "1.100000000000000000000000000") <
		    0);
	assert_true(vakt_apk_cmp("18446744073709551616", "1") > 0);
	/* suffixes around the bare version, hashes, revisions */
	assert_true(vakt_apk_cmp("1.0_rc1", "1.0") < 0);
	assert_true(vakt_apk_cmp("1.0_p1", "1.0") > 0);
	assert_true(vakt_apk_cmp("1.0_p1", "1.0-r5") > 0);
	assert_true(vakt_apk_cmp("1.0~abc", "1.0~abd") < 0);
	assert_true(vakt_apk_cmp("1.0~abc-r1", "1.0-r1") > 0);
	/* invalid versions: equal when both turn invalid at the same point */
	assert_int_equal(vakt_apk_cmp("1.0-x", "1.0_foo"), 0);
	assert_true(vakt_apk_cmp("1.0-x", "1.0") < 0);
	assert_true(vakt_apk_cmp("1.0-x", "1.0_rc1") > 0);
	assert_true(vakt_apk_cmp("", "0") < 0);
	assert_int_equal(vakt_apk_cmp("", "x"), 0);
	/* fuzzy: b a token prefix of a */
	assert_int_equal(vakt_apk_cmp_fuzzy("3.6.9", "3.6"), 0);
	assert_true(vakt_apk_cmp_fuzzy("3.6", "3.6.9") < 0);
}

/* ---- all three: size, consistency -------------------------------------------------------- */

static void test_long_strings(void **state)
{
	(void)state;
	const size_t big = 100 * 1024;
	/* long digit runs: exact numbers */
	char *a = repeat("1.", '9', big, "");
	char *b = repeat("1.1", '0', big, "");
	assert_true(vakt_dpkg_cmp(a, b) < 0);
	assert_true(vakt_rpm_cmp(a, b) < 0);
	assert_true(vakt_rpmvercmp(a, b) < 0);
	assert_true(vakt_apk_cmp(a, b) < 0);
	assert_valid(vakt_dpkg_check, a);
	assert_valid(vakt_rpm_check, a);
	assert_valid(vakt_apk_check, a);
	free(a);
	free(b);
	/* long runs of separators and tildes, huge epochs */
	a = repeat("1", '~', big, "");
	b = repeat("1", '~', big - 1, "");
	assert_true(vakt_dpkg_cmp(a, b) < 0);
	assert_true(vakt_rpmvercmp(a, b) < 0);
	free(a);
	free(b);
	a = repeat("1", '.', big, "2");
	assert_int_equal(vakt_rpmvercmp(a, "1.2"), 0);
	assert_invalid(vakt_rpm_check, a, "\"..\"");
	free(a);
	a = repeat("", '7', big, ":1");
	b = repeat("", '7', big, ":2");
	assert_true(vakt_dpkg_cmp(a, b) < 0);
	assert_true(vakt_rpm_cmp(a, b) < 0);
	assert_invalid(vakt_dpkg_check, a, "larger");
	free(a);
	free(b);
	/* long invalid strings: bounded messages */
	a = repeat("1", '\n', big, "");
	assert_invalid(vakt_dpkg_check, a, "...");
	assert_invalid(vakt_rpm_check, a, "...");
	assert_invalid(vakt_apk_check, a, "...");
	free(a);
	/* apk: a long chain of tokens */
	a = malloc(2 * big + 2);
	assert_non_null(a);
	a[0] = '1';
	for (size_t i = 0; i < big; i++)
		memcpy(a + 1 + 2 * i, "_p", 2);
	a[1 + 2 * big] = '\0';
	assert_valid(vakt_apk_check, a);
	assert_true(vakt_apk_cmp(a, "1_p") > 0);
	assert_int_equal(vakt_apk_cmp(a, a), 0);
	free(a);
}

static const char *const dpkg_pieces[] = {"0", "1", "2",  "9",	"00", "01", "10",   "~",    "~",
					  ".", ".", "+",  "-",	"-",  ":",  "a",    "b",    "z",
					  "A", "Z", "1:", "0:", " ",  "@",  "\xff", "\x80", "_"};
static const char *const rpm_pieces[] = {"0", "1", "2", "9", "00", "01", "10", "~",    "~",
					 "^", "^", ".", ".", "_",  "+",	 "-",  ":",    "a",
					 "b", "z", "A", "Z", "1:", "0:", "rc", "\xce", "%"};
static const char *const apk_pieces[] = {
	"0",	"1", "2",      "9",	"00",	"01",  "10",  ".",    ".",    ".1",   ".0",
	"a",	"z", "_alpha", "_beta", "_pre", "_rc", "_p",  "_git", "_cvs", "_svn", "_hg",
	"_foo", "~", "~ab",    "~0f",	"-r",	"-r0", "-r1", "-r10", "-",    "A",    "_"};

static void test_consistency(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int (*cmp)(const char *, const char *);
		const char *const *pieces;
		size_t npieces;
		const char *file;
	} schemes[] = {
		{"dpkg", vakt_dpkg_cmp, dpkg_pieces, N(dpkg_pieces), "dpkg_Dpkg_Version.t"},
		{"rpm", vakt_rpm_cmp, rpm_pieces, N(rpm_pieces), "rpm_rpmvercmp.at"},
		{"rpmvercmp", vakt_rpmvercmp, rpm_pieces, N(rpm_pieces), "rpm_rpmvercmp.at"},
		{"apk", vakt_apk_cmp, apk_pieces, N(apk_pieces), "apk_version.data"},
	};
	for (size_t s = 0; s < N(schemes); s++) {
		strset set = {0};
		/* every token of the vectors file that could be a version */
		size_t n;
		char **lines = read_lines(schemes[s].file, &n);
		for (size_t i = 0; lines && i < n; i++) {
			char *save = NULL;
			for (char *w = strtok_r(lines[i], " \t(),", &save); w;
			     w = strtok_r(NULL, " \t(),", &save))
				if (strlen(w) < 64)
					strset_add(&set, w);
		}
		free_lines(lines);
		/* and generated strings */
		rng_state = 0x9e3779b97f4a7c15ULL + s;
		strset_add(&set, "");
		for (size_t i = 0; i < 1000; i++) {
			char *v = random_version(schemes[s].pieces, schemes[s].npieces, 8);
			strset_add(&set, v);
			free(v);
		}
		print_message("%s: %zu strings, %zu pairs\n", schemes[s].name, set.n,
			      set.n * (set.n - 1) / 2);
		assert_true(set.n > 700);
		check_consistent(schemes[s].name, schemes[s].cmp, &set);
		strset_free(&set);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_vectors), cmocka_unit_test(test_dpkg_validity),
		cmocka_unit_test(test_dpkg_sorts),   cmocka_unit_test(test_dpkg_edges),
		cmocka_unit_test(test_rpm_vectors),  cmocka_unit_test(test_rpm_edges),
		cmocka_unit_test(test_apk_vectors),  cmocka_unit_test(test_apk_edges),
		cmocka_unit_test(test_long_strings), cmocka_unit_test(test_consistency),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (!failed && vectors_missing) {
		printf("SKIP: the version vectors are missing: the tests that read them were "
		       "skipped\n");
		return 77;
	}
	return failed;
}
