/* test_pkgdb.c - the package-database parsers: dpkg (status, status.d, copyright), apk,
 * rpm (header blobs; SQLite, Berkeley DB hash and NDB files).
 *
 * Ground truth comes from the real tools: tests/inputs/pkgdb/make-fixtures.sh records what
 * dpkg-query and rpm print for the fixtures; two tests compare against dpkg-query on live
 * databases (the Debian image of /work/images/deb, and this host) and skip when those are
 * absent. Hostile inputs (NUL bytes, truncation, huge fields, absurd counts, loops in page
 * chains, garbage SQLite) must give an error or warnings, in bounded time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "image/pkg.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static char srcdir[4096];

static const char *fixture(const char *rel)
{
	static char path[8192];
	snprintf(path, sizeof(path), "%s/tests/inputs/pkgdb/%s", srcdir, rel);
	return path;
}

/* The whole file, or NULL; *len set. A NUL follows the data (not counted). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

typedef struct warns {
	unsigned n;
	char last[512];
	unsigned last_line;
	bool print;
} warns;

static void on_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	warns *w = ud;
	w->n++;
	w->last_line = line;
	snprintf(w->last, sizeof(w->last), "%s", msg);
	if (w->print)
		print_message("  warning: %s:%u: %s\n", file, line, msg);
	assert_non_null(file);
	assert_non_null(msg);
}

static const vakt_pkg *find(const vakt_pkg_list *l, const char *name, const char *arch)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0 &&
		    (!arch || (l->items[i].arch && strcmp(l->items[i].arch, arch) == 0)))
			return &l->items[i];
	return NULL;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sorted set of lines. */
typedef struct lines {
	char **v;
	size_t n, cap;
} lines;

static void lines_add(lines *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lines_add(lines *s, const char *fmt, ...)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
	}
	va_list ap;
	va_start(ap, fmt);
	assert_true(vasprintf(&s->v[s->n++], fmt, ap) >= 0);
	va_end(ap);
}

static void lines_free(lines *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Equal as sorted sets; the first differences are printed. */
static void lines_assert_equal(lines *got, lines *want, const char *what)
{
	qsort(got->v, got->n, sizeof(char *), cmp_strp);
	qsort(want->v, want->n, sizeof(char *), cmp_strp);
	size_t i = 0, j = 0, diffs = 0;
	while (i < got->n || j < want->n) {
		int c = i == got->n ? 1 : j == want->n ? -1 : strcmp(got->v[i], want->v[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		if (diffs++ < 10)
			print_message("  %s: %s %s\n", what, c < 0 ? "unexpected" : "missing",
				      c < 0 ? got->v[i] : want->v[j]);
		if (c < 0)
			i++;
		else
			j++;
	}
	print_message("  %s: %zu entries, %zu differences\n", what, want->n, diffs);
	assert_int_equal(diffs, 0);
}

static bool on_disk(const char *status)
{
	static const char *const s[] = {"installed", "half-installed", "unpacked",
					"half-configured", "triggers-awaited", "triggers-pending"};
	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++)
		if (strcmp(status, s[i]) == 0)
			return true;
	return false;
}

/* dpkg-query lines "status\tpackage\tarch\tversion\tsource\tsource version" -> the lines of
 * packages on disk, without the status. */
static void expected_from_query(lines *want, FILE *f)
{
	char buf[4096];
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		char *tab = strchr(buf, '\t');
		assert_non_null(tab);
		*tab = '\0';
		if (on_disk(buf))
			lines_add(want, "%s", tab + 1);
	}
}

static void got_lines(lines *got, const vakt_pkg_list *l, bool with_arch)
{
	for (size_t i = 0; i < l->n; i++) {
		const vakt_pkg *p = &l->items[i];
		if (with_arch)
			lines_add(got, "%s\t%s\t%s\t%s\t%s", p->name, p->arch ? p->arch : "",
				  p->version, p->src_name, p->src_version);
		else
			lines_add(got, "%s\t%s\t%s\t%s", p->name, p->version, p->src_name,
				  p->src_version);
	}
}

static int parse_dpkg_file(const char *path, vakt_pkg_list *l, warns *w)
{
	size_t len;
	char *data = slurp(path, &len);
	assert_non_null(data);
	vakt_error *err = NULL;
	int r = vakt_pkgdb_dpkg(data, len, path, l, on_warn, w, &err);
	if (err)
		print_message("  error: %s\n", err->msg);
	vakt_error_free(err);
	free(data);
	return r;
}

/* ---- the list ------------------------------------------------------------------------------ */

static void test_list(void **state)
{
	(void)state;
	vakt_pkg_list l;
	vakt_pkg_list_init(&l);
	const struct {
		vakt_pkg_type t;
		const char *name, *arch, *version;
	} in[] = {
		{VAKT_PKG_RPM, "zlib", "x86_64", "1.2-1"}, {VAKT_PKG_DPKG, "zlib1g", "amd64", "1:1.2"},
		{VAKT_PKG_DPKG, "libc6", "i386", "2.36"},  {VAKT_PKG_DPKG, "libc6", "amd64", "2.36"},
		{VAKT_PKG_DPKG, "libc6", NULL, "2.35"},    {VAKT_PKG_APK, "musl", "x86_64", "1.2"},
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++) {
		vakt_pkg *p = vakt_pkg_list_add(&l);
		assert_int_equal(p->layer, -1);
		assert_null(p->license);
		p->type = in[i].t;
		p->name = vakt_arena_strdup(&l.arena, in[i].name);
		p->arch = in[i].arch ? vakt_arena_strdup(&l.arena, in[i].arch) : NULL;
		p->version = vakt_arena_strdup(&l.arena, in[i].version);
	}
	/* many more than the first allocation */
	for (int i = 0; i < 1000; i++) {
		vakt_pkg *p = vakt_pkg_list_add(&l);
		p->type = VAKT_PKG_APK;
		p->name = vakt_arena_printf(&l.arena, "pkg%04d", 999 - i);
		p->version = "1";
	}
	vakt_pkg_list_sort(&l);
	assert_int_equal(l.n, 1006);
	assert_string_equal(l.items[0].name, "libc6");
	assert_null(l.items[0].arch); /* NULL first */
	assert_string_equal(l.items[1].arch, "amd64");
	assert_string_equal(l.items[2].arch, "i386");
	assert_string_equal(l.items[3].name, "zlib1g");
	assert_int_equal(l.items[4].type, VAKT_PKG_APK);
	assert_string_equal(l.items[4].name, "musl");
	assert_string_equal(l.items[5].name, "pkg0000");
	assert_string_equal(l.items[1005].name, "zlib");
	assert_string_equal(vakt_pkg_type_name(VAKT_PKG_DPKG), "dpkg");
	assert_string_equal(vakt_pkg_type_name(VAKT_PKG_APK), "apk");
	assert_string_equal(vakt_pkg_type_name(VAKT_PKG_RPM), "rpm");
	vakt_pkg_list_free(&l);
	vakt_pkg_list_free(&l); /* twice is harmless */
}

/* ---- dpkg ---------------------------------------------------------------------------------- */

static void check_status_fixture(const char *file)
{
	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_dpkg_file(fixture(file), &l, &w), 0);
	assert_int_equal(w.n, 0);

	size_t len;
	char *exp = slurp(fixture("dpkg/status.expected"), &len);
	assert_non_null(exp);
	FILE *f = fmemopen(exp, len, "r");
	lines want = {0}, got = {0};
	expected_from_query(&want, f);
	fclose(f);
	free(exp);
	got_lines(&got, &l, true);
	lines_assert_equal(&got, &want, file);
	lines_free(&got);
	lines_free(&want);

	const vakt_pkg *p = find(&l, "bsdutils", NULL);
	assert_non_null(p);
	assert_int_equal(p->type, VAKT_PKG_DPKG);
	assert_true(p->has_epoch);
	assert_int_equal(p->epoch, 1);
	assert_string_equal(p->maintainer, "util-linux packagers <util-linux@packages.debian.org>");
	assert_null(p->license);
	assert_null(p->rpm_version);
	assert_int_equal(p->layer, -1);
	assert_string_equal(p->db_path, fixture(file));
	p = find(&l, "lowercase-fields", NULL);
	assert_non_null(p);
	assert_false(p->has_epoch); /* "0:1.5-2" is "1.5-2" */
	assert_string_equal(p->maintainer, "First Line Continued <mixed@example.org>");
	p = find(&l, "halfway", NULL);
	assert_non_null(p);
	assert_null(find(&l, "oldconf", NULL));
	assert_null(find(&l, "gone", NULL));
	assert_non_null(find(&l, "libc6", "i386"));
	assert_non_null(find(&l, "libc6", "amd64"));
	vakt_pkg_list_free(&l);
}

static void test_dpkg_status(void **state)
{
	(void)state;
	check_status_fixture("dpkg/status");
	check_status_fixture("dpkg/status-crlf");
}

static void test_dpkg_status_d(void **state)
{
	(void)state;
	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_dpkg_file(fixture("dpkg/status.d/base-files"), &l, &w), 0);
	assert_int_equal(parse_dpkg_file(fixture("dpkg/status.d/libssl3"), &l, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(l.n, 2);
	const vakt_pkg *p = find(&l, "libssl3", NULL);
	assert_non_null(p);
	assert_string_equal(p->version, "3.0.15-1~deb12u1");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->src_version, "3.0.15-1~deb12u1");
	assert_string_equal(p->arch, "amd64");
	assert_string_equal(p->db_path, fixture("dpkg/status.d/libssl3"));
	p = find(&l, "base-files", NULL);
	assert_non_null(p);
	assert_string_equal(p->src_name, "base-files");
	vakt_pkg_list_free(&l);
}

/* The Debian image built by /work/shared/tools/make-debian-image.sh, against the
 * dpkg-query output recorded when it was built. */
static void test_dpkg_debian_image(void **state)
{
	(void)state;
	const char *status = "/work/images/deb/rootfs/var/lib/dpkg/status";
	const char *tsv = "/work/images/deb/packages-minbase.tsv";
	struct stat st;
	if (stat(status, &st) != 0 || stat(tsv, &st) != 0) {
		print_message("  SKIP: %s or %s is absent\n", status, tsv);
		skip();
	}
	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_dpkg_file(status, &l, &w), 0);
	assert_int_equal(w.n, 0);
	lines got = {0}, want = {0};
	got_lines(&got, &l, false);
	size_t len;
	char *t = slurp(tsv, &len);
	for (char *save = NULL, *line = strtok_r(t, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		lines_add(&want, "%s", line);
	free(t);
	lines_assert_equal(&got, &want, "minbase");
	assert_true(want.n > 50);
	lines_free(&got);
	lines_free(&want);
	vakt_pkg_list_free(&l);
}

/* This host's own database against dpkg-query (hundreds of packages, binNMUs, epochs). */
static void test_dpkg_host(void **state)
{
	(void)state;
	struct stat st;
	if (stat("/var/lib/dpkg/status", &st) != 0 || stat("/usr/bin/dpkg-query", &st) != 0) {
		print_message("  SKIP: no dpkg database on this host\n");
		skip();
	}
	FILE *q = popen("/usr/bin/dpkg-query -W -f='${db:Status-Status}\\t${Package}\\t"
			"${Architecture}\\t${Version}\\t${source:Package}\\t${source:Version}\\n' "
			"2>/dev/null",
			"r");
	assert_non_null(q);
	lines want = {0}, got = {0};
	expected_from_query(&want, q);
	assert_int_equal(pclose(q), 0);
	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_dpkg_file("/var/lib/dpkg/status", &l, &w), 0);
	got_lines(&got, &l, true);
	size_t binnmu = 0, epochs = 0;
	for (size_t i = 0; i < l.n; i++) {
		binnmu += strcmp(l.items[i].version, l.items[i].src_version) != 0;
		epochs += l.items[i].has_epoch;
	}
	print_message("  host: %zu packages, %zu with another source version, %zu with epochs\n",
		      l.n, binnmu, epochs);
	lines_assert_equal(&got, &want, "host");
	lines_free(&got);
	lines_free(&want);
	vakt_pkg_list_free(&l);
}

static int dpkg_str(const char *text, vakt_pkg_list *l, warns *w, vakt_error **err)
{
	return vakt_pkgdb_dpkg(text, strlen(text), "status", l, on_warn, w, err);
}

static void test_dpkg_bad(void **state)
{
	(void)state;
	vakt_pkg_list l;
	vakt_error *err = NULL;
	warns w = {0};
	vakt_pkg_list_init(&l);

	/* empty, blank, comments only */
	assert_int_equal(dpkg_str("", &l, &w, &err), 0);
	assert_int_equal(dpkg_str("\n\n \r\n\t\n", &l, &w, &err), 0);
	assert_int_equal(dpkg_str("# comment\n", &l, &w, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(w.n, 0);

	/* the last paragraph without its final newline; a field cut short */
	assert_int_equal(dpkg_str("Package: a\nVersion: 1", &l, &w, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(dpkg_str("Package: b\nVers", &l, &w, &err), 0);
	assert_int_equal(l.n, 1); /* no Version: skipped */
	assert_int_equal(w.n, 2); /* the bad line, then the missing version */
	assert_int_equal(w.last_line, 1);

	/* NUL bytes inside a value and in a field name */
	w.n = 0;
	static const char nul[] = "Package: c\0d\nVersion: 1\n\nPack\0age: e\nVersion: 2\n\n"
				  "Package: f\nVersion: 3\nMaintainer: x\0y\n\nPackage: g\nVersion: 4\n";
	assert_int_equal(vakt_pkgdb_dpkg(nul, sizeof(nul) - 1, "status", &l, on_warn, &w, &err), 0);
	assert_int_equal(l.n, 2); /* a and g */
	assert_string_equal(l.items[1].name, "g");
	assert_int_equal(w.n, 3);

	/* Status forms */
	w.n = 0;
	assert_int_equal(dpkg_str("Package: h\nStatus: installed\nVersion: 1\n\n"
				  "Package: i\nStatus: install ok frobnicated\nVersion: 1\n\n"
				  "Package: j\nStatus: install ok installed extra\nVersion: 1\n\n"
				  "Package: k\nStatus: hold ok half-configured\nVersion: 1\n\n"
				  "Package: l m\nVersion: 1\n\nVersion: 2\n\n"
				  "Package: n\nStatus: install ok triggers-awaited\nVersion: 1:\n",
				  &l, &w, &err),
			 0);
	assert_int_equal(w.n, 6); /* h, i, j, "l m", no Package, bad version of n */
	assert_non_null(find(&l, "k", NULL));
	assert_non_null(find(&l, "n", NULL));
	assert_string_equal(find(&l, "n", NULL)->version, "1:"); /* kept as written */
	assert_int_equal(l.n, 4);

	/* the same package again: the later stanza decides, as in dpkg */
	vakt_pkg_list_free(&l);
	vakt_pkg_list_init(&l);
	w.n = 0;
	assert_int_equal(dpkg_str("Package: p\nArchitecture: amd64\nStatus: install ok installed\n"
				  "Version: 1\n\n"
				  "Package: p\nArchitecture: amd64\nStatus: deinstall ok config-files\n"
				  "Version: 1\n\n"
				  "Package: q\nStatus: install ok installed\nVersion: 1\n\n"
				  "Package: q\nStatus: install ok installed\nVersion: 2\n\n"
				  "Package: r\nArchitecture: amd64\nVersion: 1\n\n"
				  "Package: r\nArchitecture: i386\nVersion: 1\n",
				  &l, &w, &err),
			 0);
	assert_int_equal(w.n, 2);
	assert_null(find(&l, "p", NULL));
	assert_string_equal(find(&l, "q", NULL)->version, "2");
	assert_int_equal(l.n, 3);

	/* a huge field; a huge continuation; binary garbage (warnings capped) */
	vakt_pkg_list_free(&l);
	vakt_pkg_list_init(&l);
	w.n = 0;
	size_t big = 200000;
	char *buf = malloc(big + 64);
	memcpy(buf, "Package: ", 9);
	memset(buf + 9, 'x', big);
	memcpy(buf + 9 + big, "\nVersion: 1\n", 13);
	assert_int_equal(vakt_pkgdb_dpkg(buf, strlen(buf), "status", &l, on_warn, &w, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(w.n, 1);
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)(i * 2654435761u >> 13);
	w.n = 0;
	assert_int_equal(vakt_pkgdb_dpkg(buf, big, "status", &l, on_warn, &w, &err), 0);
	assert_true(w.n <= 101);
	free(buf);

	assert_null(err);
	vakt_pkg_list_free(&l);
}

/* Time for a status file of `paragraphs` packages with `lines_each` lines each. */
static double time_status(size_t paragraphs, size_t extra, vakt_pkg_list *l)
{
	size_t cap = paragraphs * (extra * 48 + 160) + 1;
	char *buf = malloc(cap), *o = buf;
	for (size_t i = 0; i < paragraphs; i++) {
		o += sprintf(o, "Package: pkg%zu\nStatus: install ok installed\nVersion: 1:%zu.0-1\n"
				"Architecture: amd64\nSource: src%zu (%zu.0-1)\nDescription: d\n",
			     i, i, i / 3, i);
		for (size_t j = 0; j < extra; j++)
			o += sprintf(o, " continuation line %zu of the description\n", j);
		*o++ = '\n';
	}
	struct timespec a, b;
	vakt_error *err = NULL;
	warns w = {0};
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vakt_pkgdb_dpkg(buf, (size_t)(o - buf), "status", l, on_warn, &w, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(w.n, 0);
	free(buf);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void test_dpkg_large(void **state)
{
	(void)state;
	vakt_pkg_list l;
	vakt_pkg_list_init(&l);
	/* 1,000,000 lines: 100,000 packages of 10 lines */
	double t = time_status(100000, 4, &l);
	assert_int_equal(l.n, 100000);
	print_message("  1,000,000 lines (100,000 packages): %.3f s\n", t);
	vakt_pkg_list_free(&l);
	vakt_pkg_list_init(&l);
	/* one package with a 1,000,000-line description */
	t = time_status(1, 1000000, &l);
	assert_int_equal(l.n, 1);
	print_message("  one paragraph of 1,000,000 lines: %.3f s\n", t);
	vakt_pkg_list_free(&l);
	/* generous: this runs under sanitizers with one malloc per arena allocation */
	assert_true(t < 10);
}

static void test_copyright(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	size_t len;
	char *d = slurp(fixture("copyright/dep5"), &len);
	assert_string_equal(vakt_pkgdb_dpkg_copyright(d, len, &a),
			    "GPL-2+ AND LGPL-2.1+ AND Zlib AND BSD-3-clause or Expat");
	free(d);
	d = slurp(fixture("copyright/dep5-crlf"), &len);
	assert_string_equal(vakt_pkgdb_dpkg_copyright(d, len, &a),
			    "GPL-2+ AND LGPL-2.1+ AND Zlib AND BSD-3-clause or Expat");
	free(d);
	d = slurp(fixture("copyright/freeform"), &len);
	assert_null(vakt_pkgdb_dpkg_copyright(d, len, &a));
	free(d);
	assert_null(vakt_pkgdb_dpkg_copyright("", 0, &a));
	assert_null(vakt_pkgdb_dpkg_copyright("Format: x\n", 10, &a)); /* no Files paragraph */
	static const char old[] = "Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/"
				  "dep5.mdwn?op=file&rev=135\n\nFiles: *\nLicense: BSD\n";
	assert_string_equal(vakt_pkgdb_dpkg_copyright(old, sizeof(old) - 1, &a), "BSD");
	static const char nul[] = "Format: x\n\nFiles: *\nLicense: A\0B\n\nFiles: b\nLicense: C\n";
	assert_string_equal(vakt_pkgdb_dpkg_copyright(nul, sizeof(nul) - 1, &a), "C");

	/* many distinct licences: capped, bounded */
	char *big = malloc(1 << 20), *o = big;
	o += sprintf(o, "Format: x\n\n");
	for (int i = 0; i < 20000; i++)
		o += sprintf(o, "Files: f%d\nLicense: L%d\n\n", i, i);
	const char *s = vakt_pkgdb_dpkg_copyright(big, (size_t)(o - big), &a);
	assert_non_null(s);
	assert_true(strlen(s) < 64 * 520);
	assert_non_null(strstr(s, "L63"));
	assert_null(strstr(s, "L64"));
	free(big);
	vakt_arena_destroy(&a);
}

/* Every /usr/share/doc/<pkg>/copyright of this host. */
static void test_copyright_host(void **state)
{
	(void)state;
	glob_t g;
	if (glob("/usr/share/doc/*/copyright", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		print_message("  SKIP: no /usr/share/doc/*/copyright on this host\n");
		skip();
	}
	vakt_arena a;
	vakt_arena_init(&a, 0);
	size_t machine = 0, with = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		char *d = slurp(g.gl_pathv[i], &len);
		if (!d)
			continue; /* a dangling symlink */
		machine += strncmp(d, "Format:", 7) == 0;
		const char *s = vakt_pkgdb_dpkg_copyright(d, len, &a);
		if (s) {
			with++;
			/* each name is there in the file, after a License: */
			char *copy = strdup(s), *n = copy;
			for (;;) {
				char *and = strstr(n, " AND ");
				if (and)
					*and = '\0';
				if (!strstr(d, n))
					fail_msg("%s: '%s' is not in the file", g.gl_pathv[i], n);
				if (!and)
					break;
				n = and + 5;
			}
			free(copy);
		}
		free(d);
	}
	print_message("  %zu copyright files, %zu start with Format:, %zu yield licences\n",
		      g.gl_pathc, machine, with);
	assert_true(with > 0);
	assert_true(with <= g.gl_pathc);
	globfree(&g);

	static const struct {
		const char *pkg, *want;
	} spot[] = {
		{"zlib1g", "Zlib"},
		{"libjansson4", "Expat"},
		{"libyaml-0-2", "Expat AND permissive"},
		{"libsqlite3-0", "public-domain AND GPL-2+"},
		{"libc6", NULL}, /* free-form */
	};
	for (size_t i = 0; i < sizeof(spot) / sizeof(*spot); i++) {
		char path[256];
		size_t len;
		snprintf(path, sizeof(path), "/usr/share/doc/%s/copyright", spot[i].pkg);
		char *d = slurp(path, &len);
		if (!d)
			continue;
		const char *s = vakt_pkgdb_dpkg_copyright(d, len, &a);
		print_message("  %s: %s\n", spot[i].pkg, s ? s : "(none)");
		if (spot[i].want)
			assert_string_equal(s, spot[i].want);
		else
			assert_null(s);
		free(d);
	}
	vakt_arena_destroy(&a);
}

/* ---- apk ---------------------------------------------------------------------------------- */

static int parse_apk_file(const char *path, vakt_pkg_list *l, warns *w)
{
	size_t len;
	char *data = slurp(path, &len);
	assert_non_null(data);
	vakt_error *err = NULL;
	int r = vakt_pkgdb_apk(data, len, "lib/apk/db/installed", l, on_warn, w, &err);
	vakt_error_free(err);
	free(data);
	return r;
}

static void check_apk_installed(const char *file)
{
	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_apk_file(fixture(file), &l, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(l.n, 5);
	const vakt_pkg *p = find(&l, "musl", NULL);
	assert_non_null(p);
	assert_int_equal(p->type, VAKT_PKG_APK);
	assert_string_equal(p->version, "1.2.4_git20230717-r4");
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->license, "MIT");
	assert_string_equal(p->src_name, "musl");
	assert_string_equal(p->src_version, "1.2.4_git20230717-r4");
	assert_string_equal(p->maintainer, "Timo Teräs <timo.teras@iki.fi>");
	assert_string_equal(p->db_path, "lib/apk/db/installed");
	assert_false(p->has_epoch);
	p = find(&l, "libcrypto3", NULL);
	assert_non_null(p);
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->license, "Apache-2.0");
	p = find(&l, "alpine-baselayout-data", NULL);
	assert_string_equal(p->src_name, "alpine-baselayout");
	p = find(&l, "ca-certificates-bundle", NULL);
	assert_string_equal(p->license, "MPL-2.0 AND MIT");
	assert_string_equal(p->src_name, "ca-certificates");
	vakt_pkg_list_free(&l);
}

static void test_apk(void **state)
{
	(void)state;
	check_apk_installed("apk/installed");
	check_apk_installed("apk/installed-crlf");

	vakt_pkg_list l;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	assert_int_equal(parse_apk_file(fixture("apk/installed-odd"), &l, &w), 0);
	/* no V:, no P:, the duplicate musl, the bad line */
	assert_int_equal(w.n, 4);
	assert_int_equal(l.n, 5);
	const vakt_pkg *p = find(&l, "no-origin", NULL);
	assert_string_equal(p->src_name, "no-origin");
	assert_string_equal(p->arch, "aarch64");
	assert_null(p->license);
	assert_null(p->maintainer);
	p = find(&l, "after-bad-line", NULL);
	assert_string_equal(p->src_name, "origin-pkg");
	assert_null(p->arch);
	assert_non_null(find(&l, "no-newline-at-end", NULL));
	size_t musl = 0;
	for (size_t i = 0; i < l.n; i++)
		musl += strcmp(l.items[i].name, "musl") == 0;
	assert_int_equal(musl, 2); /* 1.2.4 once, 1.2.5 */
	vakt_pkg_list_free(&l);
}

static void test_apk_bad(void **state)
{
	(void)state;
	vakt_pkg_list l;
	vakt_error *err = NULL;
	warns w = {0};
	vakt_pkg_list_init(&l);
	assert_int_equal(vakt_pkgdb_apk("", 0, "installed", &l, on_warn, &w, &err), 0);
	static const char nul[] = "P:a\0b\nV:1\n\nP:c\nV:2\0\n\nP:\nV:3\n\nP:d\nV:\n\nP:e\nV:4";
	assert_int_equal(vakt_pkgdb_apk(nul, sizeof(nul) - 1, "installed", &l, on_warn, &w, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "e");
	assert_int_equal(w.n, 4);

	size_t big = 300000;
	char *buf = malloc(big + 16);
	memcpy(buf, "P:", 2);
	memset(buf + 2, 'y', big);
	memcpy(buf + 2 + big, "\nV:1\n", 6);
	w.n = 0;
	assert_int_equal(vakt_pkgdb_apk(buf, strlen(buf), "installed", &l, on_warn, &w, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(w.n, 1);
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)(i * 2654435761u >> 11);
	w.n = 0;
	assert_int_equal(vakt_pkgdb_apk(buf, big, "installed", &l, on_warn, &w, &err), 0);
	assert_true(w.n <= 101);
	free(buf);
	assert_null(err);
	vakt_pkg_list_free(&l);
}

/* The record limit: an error that names the file and leaves the list as it was. */
static void test_record_limit(void **state)
{
	(void)state;
	size_t n = VAKT_PKG_MAX_RECORDS + 1;
	char *buf = malloc(n * 16 + 1), *o = buf;
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "P:p%zu\nV:1\n\n", i);
	vakt_pkg_list l;
	vakt_error *err = NULL;
	vakt_pkg_list_init(&l);
	vakt_pkg *keep = vakt_pkg_list_add(&l);
	keep->name = "kept";
	assert_int_equal(vakt_pkgdb_apk(buf, (size_t)(o - buf), "installed", &l, NULL, NULL, &err),
			 VAKT_E_LIMIT);
	assert_non_null(err);
	assert_string_equal(err->file, "installed");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "kept");
	vakt_error_free(err);
	free(buf);
	vakt_pkg_list_free(&l);
}

/* ---- rpm: header blobs ---------------------------------------------------------------------- */

/* A header blob under construction. */
typedef struct hdr {
	unsigned char idx[64 * 16], data[65536];
	uint32_t il, dl;
} hdr;

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void hdr_entry(hdr *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	unsigned char *e = h->idx + 16 * h->il++;
	put32(e, tag);
	put32(e + 4, type);
	put32(e + 8, off);
	put32(e + 12, count);
}

static void hdr_str(hdr *h, uint32_t tag, const char *s)
{
	hdr_entry(h, tag, 6, h->dl, 1);
	memcpy(h->data + h->dl, s, strlen(s) + 1);
	h->dl += (uint32_t)strlen(s) + 1;
}

static void hdr_int(hdr *h, uint32_t tag, uint32_t v)
{
	while (h->dl % 4)
		h->data[h->dl++] = 0;
	hdr_entry(h, tag, 4, h->dl, 1);
	put32(h->data + h->dl, v);
	h->dl += 4;
}

/* The blob: il, dl, index, data. */
static unsigned char *hdr_blob(const hdr *h, size_t *len)
{
	*len = 8 + 16 * (size_t)h->il + h->dl;
	unsigned char *b = malloc(*len);
	put32(b, h->il);
	put32(b + 4, h->dl);
	memcpy(b + 8, h->idx, 16 * (size_t)h->il);
	memcpy(b + 8 + 16 * (size_t)h->il, h->data, h->dl);
	return b;
}

static hdr *hdr_nvr(const char *n, const char *v, const char *r)
{
	hdr *h = calloc(1, sizeof(*h));
	hdr_str(h, 1000, n);
	hdr_str(h, 1001, v);
	hdr_str(h, 1002, r);
	return h;
}

/* Parse h; 0 or the error code; the error message into msg. */
static int hdr_parse(const hdr *h, vakt_pkg_list *l, char *msg, size_t msglen)
{
	size_t len;
	unsigned char *b = hdr_blob(h, &len);
	vakt_error *err = NULL;
	int r = vakt_rpm_header(b, len, "rpmdb.sqlite", l, &err);
	if (msg)
		snprintf(msg, msglen, "%s", err ? err->msg : "");
	if (r < 0) {
		assert_non_null(err);
		assert_string_equal(err->file, "rpmdb.sqlite");
	}
	vakt_error_free(err);
	free(b);
	return r;
}

static void test_rpm_header(void **state)
{
	(void)state;
	vakt_pkg_list l;
	vakt_pkg_list_init(&l);
	char msg[512];

	hdr *h = hdr_nvr("openssl", "3.0.7", "24.el9");
	hdr_int(h, 1003, 1);
	hdr_str(h, 1022, "x86_64");
	hdr_str(h, 1044, "openssl-3.0.7-24.el9.src.rpm");
	hdr_str(h, 1014, "Apache-2.0");
	hdr_str(h, 1015, "Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>");
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), 0);
	free(h);
	assert_int_equal(l.n, 1);
	const vakt_pkg *p = &l.items[0];
	assert_int_equal(p->type, VAKT_PKG_RPM);
	assert_string_equal(p->name, "openssl");
	assert_string_equal(p->version, "1:3.0.7-24.el9");
	assert_string_equal(p->rpm_version, "3.0.7");
	assert_string_equal(p->rpm_release, "24.el9");
	assert_true(p->has_epoch);
	assert_int_equal(p->epoch, 1);
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->src_name, "openssl");
	assert_string_equal(p->src_version, "1:3.0.7-24.el9");
	assert_string_equal(p->license, "Apache-2.0");
	assert_string_equal(p->maintainer, "Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>");
	assert_string_equal(p->db_path, "rpmdb.sqlite");

	/* SOURCERPM forms; the vendor wins over the packager; a later entry replaces */
	static const struct {
		const char *srpm, *name, *ver;
	} srpms[] = {
		{"python3.11-3.11.2-2.el9.src.rpm", "python3.11", "3.11.2-2.el9"},
		{"kernel-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel", "5.14.0-362.8.1.el9_3"},
		{"a-b-c-1-2.src.rpm", "a-b-c", "1-2"},
		{"noversion.src.rpm", "bin", "1.0-1"},
		{"-1-2.src.rpm", "bin", "1.0-1"},
		{"x-1-.src.rpm", "bin", "1.0-1"},
		{"", "bin", "1.0-1"},
		{"name-1-2", "bin", "1.0-1"}, /* no arch part left after the release */
	};
	for (size_t i = 0; i < sizeof(srpms) / sizeof(*srpms); i++) {
		h = hdr_nvr("bin", "1.0", "1");
		hdr_str(h, 1044, srpms[i].srpm);
		hdr_str(h, 1015, "packager");
		hdr_str(h, 1011, "vendor");
		assert_int_equal(hdr_parse(h, &l, NULL, 0), 0);
		free(h);
		p = &l.items[l.n - 1];
		assert_string_equal(p->src_name, srpms[i].name);
		assert_string_equal(p->src_version, srpms[i].ver);
		assert_string_equal(p->maintainer, "vendor");
		assert_false(p->has_epoch);
		assert_null(p->arch);
	}
	h = hdr_nvr("bin", "1.0", "1");
	hdr_str(h, 1000, "renamed");
	assert_int_equal(hdr_parse(h, &l, NULL, 0), 0);
	free(h);
	assert_string_equal(l.items[l.n - 1].name, "renamed");

	/* gpg-pubkey: skipped, no error */
	size_t before = l.n;
	h = hdr_nvr("gpg-pubkey", "fd431d51", "4ae0493b");
	assert_int_equal(hdr_parse(h, &l, NULL, 0), 0);
	free(h);
	assert_int_equal(l.n, before);

	/* errors */
	h = hdr_nvr("x", "1", "1");
	h->il = 0;
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE); /* no index */
	free(h);
	h = hdr_nvr("x", "1", "");
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_INVALID); /* empty RELEASE */
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1001, 4, 0, 1); /* VERSION as an INT32 */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_INVALID);
	assert_non_null(strstr(msg, "VERSION"));
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1003, 6, 0, 1); /* EPOCH as a string */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_INVALID);
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1003, 4, h->dl - 2, 1); /* EPOCH running off the data */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE);
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1022, 6, h->dl, 1); /* offset = data length */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE);
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1022, 6, 0xfffffff0u, 1); /* "negative" offset */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE);
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 1014, 6, 0, 0); /* count 0 */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE);
	free(h);
	h = hdr_nvr("x", "1", "1");
	memcpy(h->data + h->dl, "unterminated", 12);
	hdr_entry(h, 1014, 6, h->dl, 1);
	h->dl += 12;
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_PARSE);
	assert_non_null(strstr(msg, "NUL"));
	free(h);
	h = hdr_nvr("x", "1", "1");
	hdr_entry(h, 5000, 99, 0xffffffffu, 0xffffffffu); /* tags not read are not checked */
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), 0);
	free(h);
	h = hdr_nvr("x", "1", "1");
	h->il = 3;
	memset(h->idx, 0, 16);
	assert_int_equal(hdr_parse(h, &l, msg, sizeof(msg)), VAKT_E_INVALID); /* no NAME */
	free(h);

	/* absurd counts in the first 8 bytes */
	static const unsigned char absurd[][8] = {
		{0, 1, 0, 0, 0, 0, 0, 0},          /* 65536 entries */
		{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, /* 4 billion */
		{0, 0, 0, 1, 0x10, 0, 0, 0},       /* data length 256 MiB */
		{0, 0, 0, 1, 0, 0, 0, 100},        /* more than the blob */
	};
	for (size_t i = 0; i < sizeof(absurd) / sizeof(*absurd); i++) {
		vakt_error *err = NULL;
		unsigned char b[8 + 16];
		memcpy(b, absurd[i], 8);
		memset(b + 8, 0, 16);
		assert_int_equal(vakt_rpm_header(b, sizeof(b), "f", &l, &err), VAKT_E_PARSE);
		vakt_error_free(err);
	}
	vakt_error *err = NULL;
	assert_int_equal(vakt_rpm_header("", 0, "f", &l, &err), VAKT_E_PARSE);
	vakt_error_free(err);

	/* every truncation and every single-byte change of a real blob */
	size_t len;
	char path[8192];
	snprintf(path, sizeof(path), "%s/fuzz/corpus/rpm/seed-blob-1", srcdir);
	char *blob = slurp(path, &len);
	assert_non_null(blob);
	unsigned char *b = (unsigned char *)blob + 1;
	len--;
	size_t ok = 0;
	for (size_t n = 0; n <= len; n++) {
		err = NULL;
		ok += vakt_rpm_header(b, n, "f", &l, &err) == 0;
		vakt_error_free(err);
	}
	assert_int_equal(ok, 1); /* only the whole blob */
	for (size_t i = 0; i < len; i++) {
		unsigned char keep = b[i];
		b[i] ^= 0xff;
		err = NULL;
		vakt_rpm_header(b, len, "f", &l, &err);
		vakt_error_free(err);
		b[i] = keep;
	}
	free(blob);
	vakt_pkg_list_free(&l);
}

/* ---- rpm: database files -------------------------------------------------------------------- */

static void check_rpm_db(const char *file)
{
	size_t len;
	char *data = slurp(fixture(file), &len);
	assert_non_null(data);
	vakt_pkg_list l;
	vakt_error *err = NULL;
	warns w = {.print = true};
	vakt_pkg_list_init(&l);
	int r = vakt_pkgdb_rpm(data, len, file, &l, on_warn, &w, &err);
	if (err)
		print_message("  %s: %s\n", file, err->msg);
	assert_int_equal(r, 0);
	assert_int_equal(w.n, 0);
	free(data);

	/* rpm -qa's view, recorded by make-fixtures.sh: name, [epoch:]version-release, arch,
	 * SOURCERPM, LICENSE, VENDOR, PACKAGER ("(none)" when absent); vakt's maintainer is
	 * the vendor, else the packager */
	lines got = {0}, want = {0};
	char *exp = slurp(fixture("rpm/expected.tsv"), &len);
	for (char *save = NULL, *line = strtok_r(exp, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[7], *fs = NULL;
		int nf = 0;
		for (char *t = strtok_r(line, "\t", &fs); t && nf < 7; t = strtok_r(NULL, "\t", &fs))
			f[nf++] = t;
		assert_int_equal(nf, 7);
		lines_add(&want, "%s\t%s\t%s\t%s\t%s\t%s", f[0], f[1], f[2], f[3], f[4],
			  strcmp(f[5], "(none)") ? f[5] : f[6]);
	}
	free(exp);
	for (size_t i = 0; i < l.n; i++) {
		const vakt_pkg *p = &l.items[i];
		const char *sv = strchr(p->src_version, ':'); /* SOURCERPM has no epoch */
		lines_add(&got, "%s\t%s\t%s\t%s-%s.src.rpm\t%s\t%s", p->name, p->version, p->arch,
			  p->src_name, sv ? sv + 1 : p->src_version, p->license ? p->license : "(none)",
			  p->maintainer ? p->maintainer : "(none)");
	}
	lines_assert_equal(&got, &want, file);
	lines_free(&got);
	lines_free(&want);

	const vakt_pkg *p = find(&l, "vakt-data", NULL);
	assert_non_null(p);
	assert_string_equal(p->src_name, "vakt-suite");
	assert_string_equal(p->src_version, "0:2.4.1-1.el9");
	assert_true(p->has_epoch);
	assert_int_equal(p->epoch, 0);
	assert_string_equal(p->arch, "noarch");
	assert_string_equal(p->db_path, file);
	p = find(&l, "vakt-libs", NULL);
	assert_string_equal(p->src_name, "vakt-suite");
	assert_string_equal(p->license, "LGPL-2.1-only");
	p = find(&l, "vakt-big", NULL);
	assert_false(p->has_epoch);
	assert_string_equal(p->version, "0.9~rc1-7");
	assert_string_equal(p->src_version, "0.9~rc1-7");
	assert_null(p->maintainer);
	p = find(&l, "vakt-hello", NULL);
	assert_string_equal(p->src_version, "2:1.0-3.el9");
	vakt_pkg_list_free(&l);
}

static void test_rpm_dbs(void **state)
{
	(void)state;
	size_t len;
	char *d = slurp(fixture("rpm/rpmdb.sqlite"), &len);
	assert_int_equal(vakt_rpmdb_detect(d, len), VAKT_RPMDB_SQLITE);
	free(d);
	d = slurp(fixture("rpm/Packages"), &len);
	assert_int_equal(vakt_rpmdb_detect(d, len), VAKT_RPMDB_BDB);
	free(d);
	d = slurp(fixture("rpm/Packages-be"), &len);
	assert_int_equal(vakt_rpmdb_detect(d, len), VAKT_RPMDB_BDB);
	free(d);
	d = slurp(fixture("rpm/Packages.db"), &len);
	assert_int_equal(vakt_rpmdb_detect(d, len), VAKT_RPMDB_NDB);
	free(d);
	assert_int_equal(vakt_rpmdb_detect("", 0), VAKT_RPMDB_UNKNOWN);
	assert_int_equal(vakt_rpmdb_detect("SQLite format 3", 15), VAKT_RPMDB_UNKNOWN);

	check_rpm_db("rpm/rpmdb.sqlite");
	check_rpm_db("rpm/Packages");
	check_rpm_db("rpm/Packages-be");
	check_rpm_db("rpm/Packages-chksum");
	check_rpm_db("rpm/Packages.db");
}

/* Parse a database; returns the code, counts packages and warnings. */
static int rpm_db(const void *d, size_t len, size_t *npkgs, warns *w, char *msg, size_t msglen)
{
	vakt_pkg_list l;
	vakt_error *err = NULL;
	vakt_pkg_list_init(&l);
	int r = vakt_pkgdb_rpm(d, len, "var/lib/rpm/Packages", &l, on_warn, w, &err);
	if (r < 0) {
		assert_non_null(err);
		assert_string_equal(err->file, "var/lib/rpm/Packages"); /* the error names the file */
		assert_int_equal(l.n, 0);
	}
	if (msg)
		snprintf(msg, msglen, "%s", err ? err->msg : "");
	*npkgs = l.n;
	vakt_error_free(err);
	vakt_pkg_list_free(&l);
	return r;
}

static uint32_t le32_at(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_rpm_bdb_bad(void **state)
{
	(void)state;
	size_t len, n;
	char msg[512];
	char *orig = slurp(fixture("rpm/Packages"), &len);
	assert_non_null(orig);
	unsigned char *d = malloc(len);
	const size_t ps = 4096, npages = len / ps;
	warns w = {0};

	/* the overflow chain of the big header: a loop, a page out of range, a wrong type */
	size_t chained = 0;
	for (size_t pg = 1; pg < npages; pg++) {
		const unsigned char *p = (unsigned char *)orig + pg * ps;
		if (p[25] != 7 || le32_at(p + 16) == 0)
			continue;
		chained++;
		static const uint32_t next[] = {0, 1, 0xffffff, 0xffffffffu};
		for (size_t k = 0; k < sizeof(next) / sizeof(*next); k++) {
			memcpy(d, orig, len);
			le32_put(d + pg * ps + 16, next[k] == 0 ? (uint32_t)pg : next[k]);
			w.n = 0;
			assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), 0);
			assert_int_equal(n, 3); /* the other three */
			assert_true(w.n >= 1);
		}
	}
	assert_true(chained >= 2); /* the 10 KiB header spans three 4 KiB pages */

	/* an overflow length claiming more than the file; a page claiming more bytes */
	for (size_t pg = 1; pg < npages; pg++) {
		unsigned char *p = (unsigned char *)orig + pg * ps;
		if (p[25] != 13)
			continue;
		memcpy(d, orig, len);
		unsigned nent = p[20] | p[21] << 8;
		for (unsigned i = 1; i < nent; i += 2) {
			unsigned off = d[pg * ps + 26 + 2 * i] | d[pg * ps + 27 + 2 * i] << 8;
			if (d[pg * ps + off] == 3)
				le32_put(d + pg * ps + off + 8, 0x7fffffff);
		}
		w.n = 0;
		assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);
		assert_true(w.n >= 1);
		assert_true(n < 4);
	}

	/* metadata: page size, bucket count, version, encryption, last page */
	struct {
		size_t off;
		uint32_t v;
		int code;
	} meta[] = {
		{20, 1000, VAKT_E_PARSE},       {20, 0, VAKT_E_PARSE},  {20, 1u << 20, VAKT_E_PARSE},
		{72, 0xffffffffu, VAKT_E_PARSE}, {16, 7, VAKT_E_INVALID}, {32, 0xffffff, 0},
		{32, 1, 0},
	};
	for (size_t i = 0; i < sizeof(meta) / sizeof(*meta); i++) {
		memcpy(d, orig, len);
		le32_put(d + meta[i].off, meta[i].v);
		w.n = 0;
		assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), meta[i].code);
	}
	memcpy(d, orig, len);
	d[24] = 1; /* encrypted */
	assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), VAKT_E_INVALID);

	/* spares pointing every bucket at page 1: the second visit is a loop */
	memcpy(d, orig, len);
	for (int i = 0; i < 32; i++)
		le32_put(d + 96 + 4 * i, 1);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);

	/* every truncation at a 512-byte step, and random damage to every page */
	for (size_t cut = 0; cut < len; cut += 512) {
		w.n = 0;
		rpm_db(orig, cut, &n, &w, NULL, 0);
	}
	srand(1);
	for (int round = 0; round < 300; round++) {
		memcpy(d, orig, len);
		for (int k = 0; k < 8; k++)
			d[512 + (size_t)rand() % (len - 512)] = (unsigned char)rand();
		w.n = 0;
		rpm_db(d, len, &n, &w, NULL, 0);
	}
	free(d);
	free(orig);
}

static void test_rpm_ndb_bad(void **state)
{
	(void)state;
	size_t len, n;
	char *orig = slurp(fixture("rpm/Packages.db"), &len);
	unsigned char *d = malloc(len);
	warns w = {0};

	memcpy(d, orig, len);
	d[32 + 16 * 3] = 'X'; /* a slot's magic */
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), VAKT_E_PARSE);
	memcpy(d, orig, len);
	le32_put(d + 12, 1000); /* slot pages past the end */
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), VAKT_E_PARSE);
	memcpy(d, orig, len);
	le32_put(d + 4, 1); /* version */
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), VAKT_E_INVALID);

	/* slot 1 pointing at slot 0's blob: overlap, skipped */
	memcpy(d, orig, len);
	memcpy(d + 32 + 16, d + 32, 16);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_int_equal(w.n, 1);
	/* blocks past the end; a blob longer than its blocks; a damaged tail (read anyway) */
	memcpy(d, orig, len);
	le32_put(d + 32 + 12, 0x7fffffff);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);
	assert_int_equal(n, 3);
	assert_int_equal(w.n, 1);
	memcpy(d, orig, len);
	size_t blob0 = (size_t)le32_at(d + 32 + 8) * 16;
	le32_put(d + blob0 + 12, 0x10000000);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);
	assert_int_equal(n, 3);
	memcpy(d, orig, len);
	size_t end0 = blob0 + (size_t)le32_at(d + 32 + 12) * 16;
	d[end0 - 1] ^= 1; /* "BlbE" */
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, NULL, 0), 0);
	assert_int_equal(n, 4);
	assert_int_equal(w.n, 1);
	memcpy(d, orig, len);
	d[blob0 + 100] ^= 1; /* inside the header: the checksum no longer matches */
	w.n = 0;
	rpm_db(d, len, &n, &w, NULL, 0);
	assert_true(w.n >= 1);

	for (size_t cut = 0; cut < len; cut += 97)
		rpm_db(orig, cut, &n, &w, NULL, 0);
	free(d);
	free(orig);
}

/* A database made here through SQLite itself, as bytes. */
static unsigned char *make_sqlite(const char *sql, size_t *len)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	char *e = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK)
		fail_msg("%s", e);
	sqlite3_int64 n;
	unsigned char *s = sqlite3_serialize(db, "main", &n, 0);
	assert_non_null(s);
	unsigned char *copy = malloc((size_t)n);
	memcpy(copy, s, (size_t)n);
	sqlite3_free(s);
	sqlite3_close(db);
	*len = (size_t)n;
	return copy;
}

static void test_rpm_sqlite_bad(void **state)
{
	(void)state;
	size_t len, n;
	char msg[512];
	warns w = {0};

	/* the magic, then garbage */
	unsigned char garbage[8192];
	memcpy(garbage, "SQLite format 3", 16);
	for (size_t i = 16; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 7 + 3);
	assert_true(rpm_db(garbage, sizeof(garbage), &n, &w, msg, sizeof(msg)) < 0);
	print_message("  garbage: %s\n", msg);
	assert_true(rpm_db(garbage, 16, &n, &w, msg, sizeof(msg)) < 0);

	/* no Packages table; Packages as a view that would never end; a text blob */
	unsigned char *d = make_sqlite("CREATE TABLE Other(x);", &len);
	assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), VAKT_E_INVALID);
	print_message("  no table: %s\n", msg);
	free(d);
	d = make_sqlite("CREATE VIEW Packages AS WITH RECURSIVE c(hnum, blob) AS "
			"(SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM c) SELECT * FROM c;",
			&len);
	assert_true(rpm_db(d, len, &n, &w, msg, sizeof(msg)) < 0);
	print_message("  view: %s\n", msg);
	free(d);
	d = make_sqlite("CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB);"
			"INSERT INTO Packages VALUES (1, 'text'), (2, NULL), (3, x''), (4, x'00000001');",
			&len);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(w.n, 4);
	free(d);
	/* a large blob that is not a header: a warning */
	d = make_sqlite("CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB);"
			"INSERT INTO Packages VALUES (1, randomblob(100000));",
			&len);
	w.n = 0;
	assert_int_equal(rpm_db(d, len, &n, &w, msg, sizeof(msg)), 0);
	assert_int_equal(w.n, 1); /* not a header */
	free(d);

	/* the real database, truncated and damaged */
	char *orig = slurp(fixture("rpm/rpmdb.sqlite"), &len);
	for (size_t cut = 0; cut < len; cut += len / 16) {
		w.n = 0;
		rpm_db(orig, cut, &n, &w, NULL, 0);
	}
	d = malloc(len);
	srand(2);
	for (int round = 0; round < 100; round++) {
		memcpy(d, orig, len);
		for (int k = 0; k < 16; k++)
			d[100 + (size_t)rand() % (len - 100)] = (unsigned char)rand();
		w.n = 0;
		rpm_db(d, len, &n, &w, NULL, 0);
	}
	free(d);
	free(orig);
}

static void test_rpm_unknown(void **state)
{
	(void)state;
	size_t n;
	char msg[512];
	warns w = {0};
	assert_int_equal(rpm_db("", 0, &n, &w, msg, sizeof(msg)), VAKT_E_INVALID);
	assert_int_equal(rpm_db("hello, world, not a database", 28, &n, &w, msg, sizeof(msg)),
			 VAKT_E_INVALID);
	assert_non_null(strstr(msg, "not an rpm database"));
	unsigned char btree[512] = {0};
	le32_put(btree + 12, 0x00053162);
	assert_int_equal(rpm_db(btree, sizeof(btree), &n, &w, msg, sizeof(msg)), VAKT_E_INVALID);
	assert_non_null(strstr(msg, "btree"));
	unsigned char hash[512] = {0};
	le32_put(hash + 12, 0x00061561);
	assert_true(rpm_db(hash, 100, &n, &w, msg, sizeof(msg)) < 0);
	assert_true(rpm_db(hash, sizeof(hash), &n, &w, msg, sizeof(msg)) < 0);
	assert_true(rpm_db("RpmP", 4, &n, &w, msg, sizeof(msg)) < 0);
	assert_true(rpm_db("RpmP\0\0\0\0\0\0\0\0", 12, &n, &w, msg, sizeof(msg)) < 0);
}

int main(void)
{
	/* the source tree from this file's path: tests/unit/image/test_pkgdb.c */
	snprintf(srcdir, sizeof(srcdir), "%s", __FILE__);
	char *cut = strstr(srcdir, "/tests/unit/image/test_pkgdb.c");
	if (!cut) {
		fprintf(stderr, "cannot locate the source tree from %s\n", __FILE__);
		return 1;
	}
	*cut = '\0';

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_dpkg_status),
		cmocka_unit_test(test_dpkg_status_d),
		cmocka_unit_test(test_dpkg_debian_image),
		cmocka_unit_test(test_dpkg_host),
		cmocka_unit_test(test_dpkg_bad),
		cmocka_unit_test(test_dpkg_large),
		cmocka_unit_test(test_copyright),
		cmocka_unit_test(test_copyright_host),
		cmocka_unit_test(test_apk),
		cmocka_unit_test(test_apk_bad),
		cmocka_unit_test(test_record_limit),
		cmocka_unit_test(test_rpm_header),
		cmocka_unit_test(test_rpm_dbs),
		cmocka_unit_test(test_rpm_bdb_bad),
		cmocka_unit_test(test_rpm_ndb_bad),
		cmocka_unit_test(test_rpm_sqlite_bad),
		cmocka_unit_test(test_rpm_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
