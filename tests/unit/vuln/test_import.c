/* test_import.c - the feed importers (src/vuln/import*.c).
 *
 * Three kinds of test:
 *   - the public samples in ../shared/data/vulndata (AlmaLinux, Go, PyPA and Ubuntu OSV,
 *     the Debian tracker sample, Alpine secdb YAML and JSON): every file imports, the
 *     counts are pinned (so an importer that silently reads nothing fails), and one
 *     record of each feed is compared field by field. Skipped, with the reason printed,
 *     when the folder is absent;
 *   - fixtures in tests/inputs/vuln (Debian OSV records, an NVD 2.0 excerpt, an Alpine
 *     secdb excerpt) and an all.zip built here with libarchive;
 *   - hostile input: malformed JSON and YAML (an error with its line), wrong types (a
 *     warning naming line and field, the record skipped), unknown range types (a warning,
 *     the record kept), a 20 MB string, a million values, deep nesting, zip bombs, "../"
 *     member names, 100k members, the zip limits, directory walks with symlinks and hidden
 *     directories. Each ends in a counted warning or a clean error.
 *
 * Every record handed to a sink is checked with vakt_vrecord_valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "vuln/import.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static char srcdir[4096];
static char datadir[4200];

static const char *fixture(const char *rel)
{
	static char path[4][8192];
	static unsigned slot;
	char *p = path[slot++ % 4];
	snprintf(p, sizeof(path[0]), "%s/tests/inputs/vuln/%s", srcdir, rel);
	return p;
}

static const char *vulndata(const char *rel)
{
	static char path[4][8192];
	static unsigned slot;
	char *p = path[slot++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", datadir, rel);
	return p;
}

static bool have_vulndata(void)
{
	struct stat st;
	if (stat(datadir, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	print_message("  skipped: no public data at %s (see ../shared/data/README.md)\n", datadir);
	return false;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a sink and a warning callback saw. */
typedef struct coll {
	size_t records, invalid;
	const char *want[16]; /* ids whose records are described into desc */
	size_t nwant;
	vakt_buf desc;
	char why[256];
	vakt_buf warnings; /* "file:line: message\n" (the first 256 KiB) */
	size_t nwarn;
	size_t stop_after; /* the sink returns -42 at this record (1-based); 0: never */
	char file[1024];   /* the last record's file and line */
	unsigned line;
	bool label_clean; /* every file label free of control bytes */
} coll;

static void coll_init(coll *c)
{
	memset(c, 0, sizeof(*c));
	vakt_buf_init(&c->desc, SIZE_MAX);
	vakt_buf_init(&c->warnings, 256 << 10);
	c->label_clean = true;
}

static void coll_free(coll *c)
{
	vakt_buf_free(&c->desc);
	vakt_buf_free(&c->warnings);
}

static void describe_list(vakt_buf *b, const char *what, const char *const *v, size_t n)
{
	if (!n)
		return;
	vakt_buf_printf(b, " %s:", what);
	for (size_t i = 0; i < n; i++)
		vakt_buf_printf(b, " %s", v[i]);
	vakt_buf_puts(b, "\n");
}

static const char *event_name(vakt_vevent_kind k)
{
	switch (k) {
	case VAKT_EV_INTRODUCED: return "introduced";
	case VAKT_EV_FIXED: return "fixed";
	case VAKT_EV_LAST_AFFECTED: return "last_affected";
	case VAKT_EV_LIMIT: return "limit";
	default: return "?";
	}
}

static const char *range_name(vakt_vrange_type t)
{
	switch (t) {
	case VAKT_RANGE_ECOSYSTEM: return "ECOSYSTEM";
	case VAKT_RANGE_SEMVER: return "SEMVER";
	case VAKT_RANGE_GIT: return "GIT";
	default: return "?";
	}
}

/* A record as text, one field a line, for comparing field by field. */
static void describe(vakt_buf *b, const vakt_vrecord *r)
{
	vakt_buf_printf(b, "%s %s\n", r->source, r->id);
	if (r->summary) {
		size_t n = strlen(r->summary);
		if (n > 100)
			vakt_buf_printf(b, " summary: %.100s... (%zu bytes)\n", r->summary, n);
		else
			vakt_buf_printf(b, " summary: %s\n", r->summary);
	}
	if (r->published)
		vakt_buf_printf(b, " published: %s\n", r->published);
	if (r->modified)
		vakt_buf_printf(b, " modified: %s\n", r->modified);
	if (r->withdrawn)
		vakt_buf_printf(b, " withdrawn: %s\n", r->withdrawn);
	describe_list(b, "aliases", r->aliases, r->naliases);
	describe_list(b, "upstream", r->upstream, r->nupstream);
	describe_list(b, "related", r->related, r->nrelated);
	for (size_t i = 0; i < r->nseverity; i++) {
		vakt_buf_printf(b, " severity: %s %s", r->severity[i].type, r->severity[i].score);
		if (r->severity[i].base >= 0)
			vakt_buf_printf(b, " %.1f", r->severity[i].base);
		vakt_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < r->nrefs; i++)
		vakt_buf_printf(b, " ref: %s\n", r->refs[i]);
	for (size_t i = 0; i < r->naffected; i++) {
		const vakt_vaffected *a = &r->affected[i];
		vakt_buf_printf(b, " affected: %s %s", a->ecosystem, a->package);
		if (a->status)
			vakt_buf_printf(b, " status=%s", a->status);
		if (a->severity)
			vakt_buf_printf(b, " severity=%s", a->severity);
		vakt_buf_puts(b, "\n");
		for (size_t k = 0; k < a->nranges; k++) {
			vakt_buf_printf(b, "  %s", range_name(a->ranges[k].type));
			for (size_t e = 0; e < a->ranges[k].nevents; e++)
				vakt_buf_printf(b, "%s %s %s", e ? "," : "",
						event_name(a->ranges[k].events[e].kind),
						a->ranges[k].events[e].version);
			vakt_buf_puts(b, "\n");
		}
		if (a->nversions) {
			vakt_buf_printf(b, "  versions (%zu):", a->nversions);
			for (size_t k = 0; k < a->nversions && k < 4; k++)
				vakt_buf_printf(b, " %s", a->versions[k]);
			vakt_buf_puts(b, a->nversions > 4 ? " ...\n" : "\n");
		}
	}
}

static int sink(const vakt_vrecord *r, const char *file, unsigned line, void *ud)
{
	coll *c = ud;
	c->records++;
	const char *why;
	if (!vakt_vrecord_valid(r, &why)) {
		if (!c->invalid++)
			snprintf(c->why, sizeof(c->why), "%s:%u: %s: %s", file, line,
				 r->id ? r->id : "?", why);
	}
	for (const char *p = file; *p; p++)
		if ((unsigned char)*p < 0x20)
			c->label_clean = false;
	snprintf(c->file, sizeof(c->file), "%s", file);
	c->line = line;
	for (size_t i = 0; i < c->nwant; i++)
		if (strcmp(r->id, c->want[i]) == 0)
			describe(&c->desc, r);
	if (c->stop_after && c->records == c->stop_after)
		return -42;
	return 0;
}

static void on_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	coll *c = ud;
	c->nwarn++;
	assert_non_null(file);
	assert_non_null(msg);
	for (const char *p = msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20); /* messages never carry control bytes */
	vakt_buf_printf(&c->warnings, "%s:%u: %s\n", file, line, msg);
}

static vakt_vimport make_im(coll *c)
{
	return (vakt_vimport){.sink = sink, .warn = on_warn, .ud = c};
}

/* Import path; print the counts and the speed. */
static int import(coll *c, vakt_vimport *im, const char *path, vakt_error **err)
{
	double t0 = now();
	int r = vakt_vimport_path(im, path, err);
	double dt = now() - t0;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	print_message("  %-40s %6zu records, %zu skipped, %zu warnings, %.2f s (%.0f records/s)\n",
		      name, im->records, im->skipped, im->warnings, dt,
		      dt > 0 ? (double)im->records / dt : 0.0);
	assert_int_equal(c->invalid, 0);
	assert_int_equal(c->records, im->records);
	return r;
}

static int import_buf(coll *c, vakt_vimport *im, vakt_feed kind, const char *data, size_t len,
		      vakt_error **err)
{
	int r = vakt_vimport_buffer(im, kind, "buf", data, len, err);
	if (c->invalid)
		print_message("invalid record: %s\n", c->why);
	assert_int_equal(c->invalid, 0);
	assert_int_equal(c->records, im->records);
	return r;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_message("expected to find:\n%s\nin:\n%s\n", needle, hay);
		fail();
	}
}

/* text without every occurrence of cut (a new string). */
static char *strip(const char *text, const char *cut)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	size_t n = strlen(cut);
	for (const char *p = text, *q; *p; p = q + n) {
		q = strstr(p, cut);
		if (!q) {
			vakt_buf_puts(&b, p);
			break;
		}
		vakt_buf_append(&b, p, (size_t)(q - p));
	}
	return vakt_buf_steal(&b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(vakt_buf_append(&b, chunk, n), 0);
	fclose(f);
	*len = b.len;
	return vakt_buf_steal(&b);
}

/* ---- detection and names --------------------------------------------------------------------- */

static void test_detect(void **state)
{
	(void)state;
	/* clang-format off */
	static const struct {
		const char *text;
		vakt_feed want;
	} cases[] = {
		{"{\"schema_version\": \"1.6.0\", \"id\": \"X\"}", VAKT_FEED_OSV_JSON},
		{"  \n{\"id\": \"GHSA-1\", \"modified\": \"2024\"}", VAKT_FEED_OSV_JSON},
		{"\xef\xbb\xbf{\"affected\": []}", VAKT_FEED_OSV_JSON},
		{"[{\"id\": \"X\"}]", VAKT_FEED_OSV_JSON},
		{"[]", VAKT_FEED_OSV_JSON},
		{"{\"resultsPerPage\": 1, \"vulnerabilities\": []}", VAKT_FEED_NVD},
		{"{\"format\": \"NVD_CVE\", \"version\": \"2.0\"}", VAKT_FEED_NVD},
		{"{\"vulnerabilities\": []}", VAKT_FEED_NVD},
		{"{\"apkurl\": \"x\", \"packages\": [], \"distroversion\": \"v3.19\"}",
		 VAKT_FEED_ALPINE_JSON},
		{"{\"name\": \"busybox\", \"secfixes\": {}}", VAKT_FEED_ALPINE_JSON},
		{"{\"openssl\": {\"CVE-2024-1\": {\"releases\": {}}}}", VAKT_FEED_DEBIAN},
		{"{\"0ad\": {\"TEMP-0000000-ABCDEF\": {}}}", VAKT_FEED_DEBIAN},
		{"id: PYSEC-1\nmodified: x\naffected: []\n", VAKT_FEED_OSV_YAML},
		{"# c\nschema_version: 1.6.0\nid: X\n", VAKT_FEED_OSV_YAML},
		{"---\ndistroversion: v3.5\npackages: []\n", VAKT_FEED_ALPINE_YAML},
		{"PK\x03\x04rest", VAKT_FEED_OSV_ZIP},
		{"PK\x05\x06", VAKT_FEED_OSV_ZIP},
		{"", VAKT_FEED_AUTO},
		{"{}", VAKT_FEED_AUTO},
		{"{\"foo\": 1}", VAKT_FEED_AUTO},
		{"hello: world\n", VAKT_FEED_AUTO},
		/* a broken OSV file is still OSV: its error says why */
		{"{\"id\": ", VAKT_FEED_OSV_JSON},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vakt_feed got = vakt_feed_detect(cases[i].text, strlen(cases[i].text));
		if (got != cases[i].want)
			print_message("case %zu: %s: got %s\n", i, cases[i].text,
				      vakt_feed_name(got));
		assert_int_equal(got, cases[i].want);
	}
	assert_int_equal(vakt_feed_detect(NULL, 0), VAKT_FEED_AUTO);
	assert_string_equal(vakt_feed_name(VAKT_FEED_OSV_JSON), "osv-json");
	assert_string_equal(vakt_feed_name(VAKT_FEED_OSV_YAML), "osv-yaml");
	assert_string_equal(vakt_feed_name(VAKT_FEED_OSV_ZIP), "osv-zip");
	assert_string_equal(vakt_feed_name(VAKT_FEED_DEBIAN), "debian-tracker");
	assert_string_equal(vakt_feed_name(VAKT_FEED_ALPINE_JSON), "alpine-json");
	assert_string_equal(vakt_feed_name(VAKT_FEED_ALPINE_YAML), "alpine-yaml");
	assert_string_equal(vakt_feed_name(VAKT_FEED_NVD), "nvd");

	/* AUTO on something unknown: a clean error */
	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_AUTO, "x.txt", "hello", 5, &err),
			 VAKT_E_PARSE);
	assert_non_null(err);
	assert_string_equal(err->file, "x.txt");
	err = vakt_error_free(err);
	coll_free(&c);
}

static void test_debian_release(void **state)
{
	(void)state;
	assert_string_equal(vakt_debian_release("buzz"), "1.1");
	assert_string_equal(vakt_debian_release("woody"), "3.0");
	assert_string_equal(vakt_debian_release("etch"), "4");
	assert_string_equal(vakt_debian_release("jessie"), "8");
	assert_string_equal(vakt_debian_release("buster"), "10");
	assert_string_equal(vakt_debian_release("bullseye"), "11");
	assert_string_equal(vakt_debian_release("bookworm"), "12");
	assert_string_equal(vakt_debian_release("trixie"), "13");
	assert_string_equal(vakt_debian_release("forky"), "14");
	assert_string_equal(vakt_debian_release("duke"), "15");
	assert_null(vakt_debian_release("sid"));
	assert_null(vakt_debian_release("experimental"));
	assert_null(vakt_debian_release("Bookworm"));
	assert_null(vakt_debian_release(""));
	assert_null(vakt_debian_release(NULL));
}

/* ---- the public samples ---------------------------------------------------------------------- */

typedef struct sample {
	const char *dir;
	size_t records, skipped, warnings;
} sample;

static void test_vulndata_counts(void **state)
{
	(void)state;
	if (!have_vulndata())
		skip();
	/* Counts: the AlmaLinux, Go and PyPA folders hold one record a file (5,680, 4,291,
	 * 2,661 per ../shared/data/README.md); the Debian sample has 7 package/CVE entries,
	 * of which one (chromium-browser CVE-2022-0358) has no releases and so no record;
	 * Alpine's YAML gives 11,863 package/id records and 41 words that are no advisory id
	 * ("CVE-????-?????", "CVE_2019-2426", "CVE-2017-8073.patch", "XPTI", ...), the JSON
	 * sample 31 (both counted independently with PyYAML). */
	/* clang-format off */
	static const sample samples[] = {
		{"almalinux-osv", 5680, 0, 0},
		{"golang-osv", 4291, 0, 0},
		{"pypa-osv", 2661, 0, 0},
		{"ubuntu-osv", 6, 0, 0},
		{"debian-tracker", 6, 0, 0},
		{"alpine-secdb", 11863, 0, 41},
		{"alpine-secdb-json", 31, 0, 0},
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		coll c;
		coll_init(&c);
		vakt_vimport im = make_im(&c);
		vakt_error *err = NULL;
		int r = import(&c, &im, vulndata(samples[i].dir), &err);
		if (r < 0 || im.skipped != samples[i].skipped || im.records != samples[i].records ||
		    im.warnings != samples[i].warnings)
			print_message("%s: r=%d err=%s\n%s", samples[i].dir, r,
				      err ? err->msg : "-", vakt_buf_str(&c.warnings));
		assert_int_equal(r, 0);
		assert_null(err);
		assert_int_equal(im.records, samples[i].records);
		assert_int_equal(im.skipped, samples[i].skipped);
		assert_int_equal(im.warnings, samples[i].warnings);
		coll_free(&c);
	}
}

/* Import path and return the description of the records with these ids. */
static char *describe_ids(const char *path, const char *const *ids, size_t n)
{
	coll c;
	coll_init(&c);
	for (size_t i = 0; i < n; i++)
		c.want[c.nwant++] = ids[i];
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	int r = vakt_vimport_path(&im, path, &err);
	if (r < 0)
		print_message("%s: %s\n", path, err->msg);
	assert_int_equal(r, 0);
	assert_int_equal(c.invalid, 0);
	char *out = vakt_buf_steal(&c.desc);
	coll_free(&c);
	return out;
}

static void expect_ids(const char *path, const char *const *ids, size_t n, const char *want)
{
	char *got = describe_ids(path, ids, n);
	if (getenv("VAKT_TEST_DUMP")) {
		printf("%s\n%s====\n", want, got);
		free(got);
		return;
	}
	if (strcmp(got, want) != 0)
		print_message("%s:\n--- got\n%s--- want\n%s", path, got, want);
	assert_string_equal(got, want);
	free(got);
}

#define EXPECT(path, want, ...)                                                                    \
	do {                                                                                       \
		const char *ids_[] = {__VA_ARGS__};                                                \
		expect_ids(path, ids_, sizeof(ids_) / sizeof(ids_[0]), want);                      \
	} while (0)

/* What the records look like, field by field (checked by hand against the sources). */

static const char want_alsa[] = "osv ALSA-2021:2363\n"
				" summary: Important: gupnp security update\n"
				" published: 2021-06-09T12:54:08Z\n"
				" modified: 2021-11-12T10:20:56Z\n"
				" related: CVE-2021-33516\n"
				" ref: https://errata.almalinux.org/8/ALSA-2021-2363.html\n"
				" ref: https://vulners.com/cve/CVE-2021-33516\n"
				" affected: AlmaLinux:8 gupnp severity=important\n"
				"  ECOSYSTEM introduced 0, fixed 1.0.6-2.el8_4\n"
				" affected: AlmaLinux:8 gupnp-devel severity=important\n"
				"  ECOSYSTEM introduced 0, fixed 1.0.6-2.el8_4\n";

static const char want_go[] =
	"osv GO-2024-3228\n"
	" summary: Coder vulnerable to post-auth URL redirection to untrusted site ('Open "
	"Redirect') in github.com/code... (107 bytes)\n"
	" published: 0001-01-01T00:00:00Z\n"
	" modified: 0001-01-01T00:00:00Z\n"
	" aliases: GHSA-wcx9-ccpj-hx3c\n"
	" ref: https://github.com/coder/coder/security/advisories/GHSA-wcx9-ccpj-hx3c\n"
	" ref: https://github.com/coder/coder/commit/69c1d981e3131e50d52b01f6a360abadaad699e6\n"
	" affected: Go github.com/coder/coder\n"
	"  SEMVER introduced 0\n"
	" affected: Go github.com/coder/coder/v2\n"
	"  SEMVER introduced 2.3.1, fixed 2.14.4, introduced 2.15.0, fixed 2.15.3, introduced "
	"2.16.0, fixed 2.16.1\n";

static const char want_go_withdrawn[] =
	"osv GO-2022-0617\n"
	" summary: WITHDRAWN: Potential proxy IP restriction bypass in Kubernetes in "
	"k8s.io/kubernetes\n"
	" published: 0001-01-01T00:00:00Z\n"
	" modified: 0001-01-01T00:00:00Z\n"
	" withdrawn: 2024-08-21T16:25:56Z\n"
	" aliases: CVE-2020-8562 GHSA-qh36-44jv-c8xj\n"
	" ref: https://github.com/advisories/GHSA-qh36-44jv-c8xj\n"
	" ref: https://github.com/kubernetes/kubernetes/issues/101493\n"
	" ref: https://github.com/kubernetes/kubernetes/issues/101493#issuecomment-2272095629\n"
	" ref: https://groups.google.com/g/kubernetes-security-announce/c/-MFX60_wdOY\n"
	" ref: https://security.netapp.com/advisory/ntap-20220225-0002\n"
	" affected: Go k8s.io/kubernetes\n"
	"  SEMVER introduced 0\n";

static const char want_pysec[] = "osv PYSEC-2020-342\n"
				 " summary: **Resolved** Only when using H2/MySQL/TiDB as Apache "
				 "SkyWalking storage, there is a SQL injection vu... (140 bytes)\n"
				 " published: 2020-08-05T14:15:00Z\n"
				 " modified: 2023-11-07T20:24:23.946863Z\n"
				 " aliases: CVE-2020-13921\n"
				 " severity: CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
				 " ref: https://github.com/apache/skywalking/pull/4970\n"
				 " ref: http://www.openwall.com/lists/oss-security/2020/08/05/3\n"
				 " ref: http://www.openwall.com/lists/oss-security/2020/08/05/3\n"
				 " ref: "
				 "https://lists.apache.org/thread.html/"
				 "r6f3a934ebc54585d8468151a494c1919dc1ee2cccaf237ec434dbbd6%40%"
				 "3Cdev.skywalking.apache.org%3E\n"
				 " affected: PyPI apache-skywalking\n"
				 "  ECOSYSTEM introduced 0\n"
				 "  versions (10): 0.1.0 0.2.0 0.3.0 0.4.0 ...\n";

static const char want_ubuntu[] =
	"osv UBUNTU-CVE-2013-2208\n"
	" summary: tpp 1.3.1 allows remote attackers to execute arbitrary commands via a --exec "
	"command in a TPP templa... (108 bytes)\n"
	" published: 2013-10-28T22:55:00Z\n"
	" modified: 2025-07-16T04:50:15Z\n"
	" withdrawn: 2025-07-18T16:42:51Z\n"
	" upstream: CVE-2013-2208\n"
	" severity: Ubuntu medium\n"
	" ref: https://ubuntu.com/security/CVE-2013-2208\n"
	" ref: https://www.cve.org/CVERecord?id=CVE-2013-2208\n"
	" affected: Ubuntu:14.04:LTS tpp severity=medium\n"
	"  ECOSYSTEM introduced 0, fixed 1.3.1-3\n";

static const char want_usn[] =
	"osv USN-5614-1\n"
	" summary: wayland vulnerability\n"
	" published: 2022-09-15T16:43:06Z\n"
	" modified: 2026-04-22T07:37:02Z\n"
	" upstream: UBUNTU-CVE-2021-3782\n"
	" ref: https://ubuntu.com/security/notices/USN-5614-1\n"
	" ref: https://ubuntu.com/security/CVE-2021-3782\n"
	" affected: Ubuntu:18.04:LTS wayland\n"
	"  ECOSYSTEM introduced 0, fixed 1.16.0-1ubuntu1.1~18.04.4\n"
	"  versions (4): 1.14.0-1 1.14.0-2 1.16.0-1ubuntu1.1~18.04.1 1.16.0-1ubuntu1.1~18.04.3\n"
	" affected: Ubuntu:20.04:LTS wayland\n"
	"  ECOSYSTEM introduced 0, fixed 1.18.0-1ubuntu0.1\n"
	"  versions (4): 1.17.0-1 1.17.0-1build1 1.17.0-1build2 1.18.0-1\n"
	" affected: Ubuntu:22.04:LTS wayland\n"
	"  ECOSYSTEM introduced 0, fixed 1.20.0-1ubuntu0.1\n"
	"  versions (2): 1.19.0-2build1 1.20.0-1\n";

static const char want_debian[] =
	"debian-tracker CVE-2008-7220\n"
	" summary: Unspecified vulnerability in Prototype JavaScript framework (prototypejs) "
	"before 1.6.0.2 allows atta... (161 bytes)\n"
	" ref: https://security-tracker.debian.org/tracker/CVE-2008-7220\n"
	" ref: https://bugs.debian.org/555217\n"
	" affected: Debian:9 prototypejs status=resolved severity=high\n"
	"  ECOSYSTEM introduced 0, fixed 1.6.0.2-1\n"
	" affected: Debian:8 prototypejs status=resolved severity=high\n"
	"  ECOSYSTEM introduced 0, fixed 1.6.0.2-1\n"
	" affected: Debian:10 prototypejs status=resolved severity=high\n"
	"  ECOSYSTEM introduced 0, fixed 1.6.0.2-1\n"
	"debian-tracker CVE-2007-2383\n"
	" summary: The Prototype (prototypejs) framework before 1.5.1 RC3 exchanges data using "
	"JavaScript Object Notati... (372 bytes)\n"
	" ref: https://security-tracker.debian.org/tracker/CVE-2007-2383\n"
	" ref: https://bugs.debian.org/555217\n"
	" affected: Debian:9 prototypejs status=not-affected severity=unimportant\n"
	" affected: Debian:8 prototypejs status=not-affected severity=unimportant\n"
	" affected: Debian:10 prototypejs status=not-affected severity=unimportant\n"
	"debian-tracker CVE-2022-0456\n"
	" ref: https://security-tracker.debian.org/tracker/CVE-2022-0456\n"
	" affected: Debian:12 chromium status=resolved\n"
	"  ECOSYSTEM introduced 0, fixed 98.0.4758.80-1\n"
	" affected: Debian:11 chromium status=resolved\n"
	"  ECOSYSTEM introduced 0, fixed 98.0.4758.80-1~deb11u1\n"
	" affected: Debian:10 chromium status=open severity=end-of-life\n"
	"  ECOSYSTEM introduced 0\n"
	" affected: Debian:9 chromium status=open severity=end-of-life\n"
	"  ECOSYSTEM introduced 0\n";

static const char want_alpine[] = "alpine-secdb CVE-2019-5747\n"
				  " affected: Alpine:v3.10 busybox status=resolved\n"
				  "  ECOSYSTEM introduced 0, fixed 1.29.3-r10\n"
				  "  ECOSYSTEM introduced 0, fixed 1.30.1-r2\n"
				  "alpine-secdb CVE-2018-14461\n"
				  " affected: Alpine:v3.10 tcpdump status=resolved\n"
				  "  ECOSYSTEM introduced 0, fixed 4.9.3-r0\n"
				  "alpine-secdb CVE-2016-10013\n"
				  " aliases: XSA-204\n"
				  " affected: Alpine:v3.10 xen status=resolved\n"
				  "  ECOSYSTEM introduced 0, fixed 4.7.1-r4\n";

static const char want_alpine9[] = "alpine-secdb XSA-284\n"
				   " affected: Alpine:v3.9 xen status=resolved\n"
				   "  ECOSYSTEM introduced 0, fixed 4.11.2-r0\n";

static const char want_alpine7[] = "alpine-secdb CVE-2017-5715\n"
				   " aliases: XSA-254\n"
				   " affected: Alpine:v3.7 xen status=resolved\n"
				   "  ECOSYSTEM introduced 0, fixed 4.9.1-r3\n";

static const char want_alpine_json[] = "alpine-secdb ALPINE-13661\n"
				       " affected: Alpine:v3.20 busybox status=resolved\n"
				       "  ECOSYSTEM introduced 0, fixed 1.35.0-r7\n"
				       "alpine-secdb CVE-2021-42373\n"
				       " affected: Alpine:v3.20 busybox status=not-affected\n"
				       "alpine-secdb CVE-2022-28391\n"
				       " affected: Alpine:v3.20 busybox status=resolved\n"
				       "  ECOSYSTEM introduced 0, fixed 1.35.0-r7\n";

static const char want_debian_osv[] =
	"osv DEBIAN-CVE-2024-58382\n"
	" summary: league/commonmark versions before 2.6.0 contain polynomial time complexity "
	"vulnerabilities in Markdo... (111 bytes)\n"
	" published: 2025-09-09T14:17:10.327Z\n"
	" modified: 2025-09-12T11:00:05.986201Z\n"
	" upstream: CVE-2024-58382\n"
	" ref: https://security-tracker.debian.org/tracker/CVE-2024-58382\n"
	" affected: Debian:12 php-league-commonmark\n"
	"  ECOSYSTEM introduced 0\n"
	"  versions (2): 2.3.9-1 2.3.9-1+deb12u1\n"
	" affected: Debian:13 php-league-commonmark severity=low\n"
	"  ECOSYSTEM introduced 0, fixed 2.6.0-1\n"
	"osv DSA-5638-1\n"
	" summary: libuv1 - security update\n"
	" published: 2024-03-10T00:00:00Z\n"
	" modified: 2024-03-11T07:05:12Z\n"
	" upstream: CVE-2024-24806\n"
	" ref: https://www.debian.org/security/2024/dsa-5638\n"
	" affected: Debian:11 libuv1 severity=medium\n"
	"  ECOSYSTEM introduced 0, fixed 1.40.0-2+deb11u1\n"
	" affected: Debian:12 libuv1 severity=medium\n"
	"  ECOSYSTEM introduced 0, fixed 1.44.2-1+deb12u1\n";

static const char want_nvd[] =
	"nvd CVE-2021-44228\n"
	" summary: Apache Log4j2 2.0-beta9 through 2.15.0 (excluding security releases 2.12.2, "
	"2.12.3, and 2.3.1) JNDI ... (242 bytes)\n"
	" published: 2021-12-10T10:15:09.143Z\n"
	" modified: 2024-07-24T17:08:24.167Z\n"
	" severity: CVSS_V3 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H 10.0\n"
	" severity: CVSS_V2 AV:N/AC:M/Au:N/C:C/I:C/A:C 9.3\n"
	" ref: https://logging.apache.org/log4j/2.x/security.html\n"
	" ref: https://www.cisa.gov/known-exploited-vulnerabilities-catalog\n"
	"nvd CVE-2099-0001\n"
	" summary: A made-up entry: metrics of every version, the CNA's listed before NVD's.\n"
	" published: 2099-01-02T03:04:05.678Z\n"
	" modified: 2099-01-03T00:00:00.000Z\n"
	" severity: CVSS_V4 CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N 8.5\n"
	" severity: CVSS_V4 CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N 9.3\n"
	" severity: CVSS_V3 CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.8\n"
	"nvd CVE-2099-0002\n"
	" summary: Rejected reason: a made-up duplicate.\n"
	" published: 2099-02-01T00:00:00.000Z\n"
	" modified: 2099-02-05T10:00:00.000Z\n"
	" withdrawn: 2099-02-05T10:00:00.000Z\n";

static const char want_alpine_fixture[] = "alpine-secdb ALPINE-13661\n"
					  " affected: Alpine:v3.19 busybox status=resolved\n"
					  "  ECOSYSTEM introduced 0, fixed 1.35.0-r7\n"
					  "alpine-secdb CVE-2021-42373\n"
					  " affected: Alpine:v3.19 busybox status=not-affected\n"
					  "alpine-secdb CVE-2022-28391\n"
					  " affected: Alpine:v3.19 busybox status=resolved\n"
					  "  ECOSYSTEM introduced 0, fixed 1.35.0-r7\n"
					  "alpine-secdb CVE-2099-1001\n"
					  " affected: Alpine:v3.19 made-up status=resolved\n"
					  "  ECOSYSTEM introduced 0, fixed 1.0-r1\n"
					  "  ECOSYSTEM introduced 0, fixed 1.1-r0\n"
					  "alpine-secdb CVE-2099-1002\n"
					  " affected: Alpine:v3.19 made-up status=resolved\n"
					  "  ECOSYSTEM introduced 0, fixed 1.0-r1\n"
					  "alpine-secdb CVE-2099-1003\n"
					  " aliases: XSA-999\n"
					  " affected: Alpine:v3.19 made-up status=resolved\n"
					  "  ECOSYSTEM introduced 0, fixed 1.0-r1\n";

static void test_vulndata_records(void **state)
{
	(void)state;
	if (!have_vulndata())
		skip();
	/* AlmaLinux: the Red Hat impact from the summary, CVEs in "related" */
	EXPECT(vulndata("almalinux-osv/advisories/almalinux8/ALSA-2021:2363.json"), want_alsa,
	       "ALSA-2021:2363");
	/* Go: SEMVER, aliases, a withdrawn record */
	EXPECT(vulndata("golang-osv/data/osv/GO-2024-3228.json"), want_go, "GO-2024-3228");
	EXPECT(vulndata("golang-osv/data/osv/GO-2022-0617.json"), want_go_withdrawn,
	       "GO-2022-0617");
	/* PyPA YAML: no summary (details' first line), versions, unquoted timestamps */
	EXPECT(vulndata("pypa-osv/vulns/apache-skywalking/PYSEC-2020-342.yaml"), want_pysec,
	       "PYSEC-2020-342");
	/* Ubuntu: the "Ubuntu" severity becomes each package's; a USN without it */
	EXPECT(vulndata("ubuntu-osv/cve/2013/UBUNTU-CVE-2013-2208.json"), want_ubuntu,
	       "UBUNTU-CVE-2013-2208");
	EXPECT(vulndata("ubuntu-osv/usn/USN-5614-1.json"), want_usn, "USN-5614-1");
	/* the Debian tracker: sid left out, "0" as not affected, "**" dropped */
	EXPECT(vulndata("debian-tracker/sample.json"), want_debian, "CVE-2022-0456",
	       "CVE-2007-2383", "CVE-2008-7220");
	/* Alpine YAML: comments, aliases, two fix versions, "0" */
	EXPECT(vulndata("alpine-secdb/v3.10/main.yaml"), want_alpine, "CVE-2016-10013",
	       "CVE-2018-14461", "CVE-2019-5747");
	/* "CVE-????-?????  XSA-284": the XSA is all that is left */
	EXPECT(vulndata("alpine-secdb/v3.9/main.yaml"), want_alpine9, "XSA-284");
	/* several CVEs in one entry share its XSA; "XPTI" is no id */
	EXPECT(vulndata("alpine-secdb/v3.7/main.yaml"), want_alpine7, "CVE-2017-5715");
	/* Alpine JSON (vuln-list's one-package shape) */
	EXPECT(vulndata("alpine-secdb-json"), want_alpine_json, "CVE-2021-42373", "ALPINE-13661",
	       "CVE-2022-28391");
}

static void test_fixtures(void **state)
{
	(void)state;
	EXPECT(fixture("debian-osv"), want_debian_osv, "DEBIAN-CVE-2024-58382", "DSA-5638-1");
	EXPECT(fixture("nvd"), want_nvd, "CVE-2021-44228", "CVE-2099-0001", "CVE-2099-0002");
	EXPECT(fixture("alpine"), want_alpine_fixture, "CVE-2021-42373", "ALPINE-13661",
	       "CVE-2022-28391", "CVE-2099-1001", "CVE-2099-1002", "CVE-2099-1003");

	/* counts, and the one garbage word of the Alpine excerpt */
	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(import(&c, &im, fixture("alpine"), &err), 0);
	assert_int_equal(im.records, 7);
	assert_int_equal(im.skipped, 0);
	assert_int_equal(im.warnings, 1);
	assert_contains(
		vakt_buf_str(&c.warnings),
		"alpine/secdb-v3.19-main-excerpt.json:22: made-up 1.1-r0: \"CVE-2099-XXXX\" "
		"is not an advisory id: ignored\n");
	coll_free(&c);
}

/* ---- all.zip --------------------------------------------------------------------------------- */

typedef struct zmember {
	const char *name;
	const void *data;
	size_t len;
	unsigned type; /* AE_IFREG when 0 */
} zmember;

/* A zip of the members, built with libarchive in memory (deflate, or stored). */
static char *build_zip(const zmember *m, size_t n, bool store, size_t *ret_len)
{
	size_t cap = 1 << 20;
	for (size_t i = 0; i < n; i++)
		cap += m[i].len + 2 * strlen(m[i].name) + 256;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t used = 0;
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	if (store)
		assert_int_equal(archive_write_set_options(a, "zip:compression=store"), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type ? m[i].type : AE_IFREG);
		archive_entry_set_perm(e, 0644);
		if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, (const char *)m[i].data);
		else
			archive_entry_set_size(e, (la_int64_t)m[i].len);
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (m[i].len && m[i].type != AE_IFLNK)
			assert_int_equal(archive_write_data(a, m[i].data, m[i].len),
					 (la_ssize_t)m[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*ret_len = used;
	return buf;
}

/* A zip of fixtures gives the same records as the files do. */
static void test_zip(void **state)
{
	(void)state;
	const char *files[] = {"debian-osv/DEBIAN-CVE-2024-58382.json",
			       "debian-osv/DSA-5638-1.json", "hostile/wrong-types.json"};
	zmember m[4];
	char *data[3];
	for (size_t i = 0; i < 3; i++) {
		data[i] = slurp(fixture(files[i]), &m[i].len);
		assert_non_null(data[i]);
		m[i].name = strchr(files[i], '/') + 1;
		m[i].data = data[i];
		m[i].type = 0;
	}
	m[3] = (zmember){"sub/", NULL, 0, AE_IFDIR};
	size_t zlen;
	char *zip = build_zip(m, 4, false, &zlen);
	assert_int_equal(vakt_feed_detect(zip, zlen), VAKT_FEED_OSV_ZIP);

	coll c;
	coll_init(&c);
	c.want[c.nwant++] = "DEBIAN-CVE-2024-58382";
	c.want[c.nwant++] = "DSA-5638-1";
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_AUTO, "all.zip", zip, zlen, &err), 0);
	assert_null(err);
	assert_int_equal(c.invalid, 0);
	assert_string_equal(vakt_buf_str(&c.desc), want_debian_osv);
	/* wrong-types.json as a member: the same one good record and six skips */
	assert_int_equal(im.records, 3);
	assert_int_equal(im.skipped, 6);
	assert_contains(vakt_buf_str(&c.warnings),
			"all.zip:wrong-types.json:5: BAD-1: aliases: expected an array, found a "
			"string; record skipped\n");
	coll_free(&c);
	free(zip);
	for (size_t i = 0; i < 3; i++)
		free(data[i]);

	/* an empty zip: nothing, no error */
	struct archive *a = archive_write_new();
	char ebuf[1024];
	size_t eused = 0;
	archive_write_set_format_zip(a);
	archive_write_open_memory(a, ebuf, sizeof(ebuf), &eused);
	archive_write_close(a);
	archive_write_free(a);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_AUTO, "empty.zip", ebuf, eused, &err),
			 0);
	assert_int_equal(im.records, 0);
	coll_free(&c);
}

static const char small_record[] = "{\"id\": \"ZIP-1\", \"modified\": \"2024-01-01T00:00:00Z\"}";

static void test_zip_hostile(void **state)
{
	(void)state;
	/* a bomb: 17 MB of spaces inflating from a few KB; a name climbing out; a name with
	 * a newline; a symlink; a member that is not JSON; then a good one */
	size_t bomb_len = (17u << 20);
	char *bomb = malloc(bomb_len);
	memset(bomb, ' ', bomb_len);
	zmember m[] = {
		{"bomb.json", bomb, bomb_len, 0},
		{"../../x.json", small_record, strlen(small_record), 0},
		{"/etc/evil\n.json", small_record, strlen(small_record), 0},
		{"link.json", "../../etc/passwd", 16, AE_IFLNK},
		{"junk.json", "not json", 8, 0},
		{"ok.json", small_record, strlen(small_record), 0},
	};
	size_t zlen;
	char *zip = build_zip(m, sizeof(m) / sizeof(m[0]), false, &zlen);
	assert_true(zlen < (1u << 20));
	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "all.zip", zip, zlen, &err),
			 0);
	assert_null(err);
	assert_int_equal(im.records, 3); /* the names are labels: their records import */
	assert_int_equal(im.skipped, 3);
	assert_true(c.label_clean);
	const char *w = vakt_buf_str(&c.warnings);
	assert_contains(w, "all.zip:bomb.json:0: member inflates to more than the 16 MiB record "
			   "limit; skipped\n");
	/* libarchive's streaming reader sees no file types (they live in the central
	 * directory): the link is a member holding "../../etc/passwd", which is no JSON */
	assert_contains(w, "all.zip:link.json:1: invalid JSON: data after the end of the "
			   "document; skipped\n");
	assert_contains(w, "all.zip:junk.json:1: invalid JSON:");
	assert_string_equal(c.file, "all.zip:ok.json");
	coll_free(&c);

	/* the total inflated bytes: the bomb alone passes 1 MiB */
	coll_init(&c);
	im = make_im(&c);
	im.max_zip_total = 1 << 20;
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "all.zip", zip, zlen, &err),
			 VAKT_E_LIMIT);
	assert_contains(err->msg, "members inflate to more than 1 MiB");
	err = vakt_error_free(err);
	coll_free(&c);

	/* a zip cut short: the records before the cut, then an error */
	coll_init(&c);
	im = make_im(&c);
	size_t cut = zlen - 200; /* inside ok.json or the central directory */
	int r = vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "cut.zip", zip, cut, &err);
	assert_true(r == 0 || r == VAKT_E_PARSE);
	err = vakt_error_free(err);
	coll_free(&c);
	for (size_t k = 1; k < 64; k++) { /* and cut anywhere: never a crash */
		coll_init(&c);
		im = make_im(&c);
		vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "cut.zip", zip, zlen * k / 64, &err);
		err = vakt_error_free(err);
		coll_free(&c);
	}
	free(zip);
	free(bomb);

	/* a name longer than the limit */
	char *longname = malloc(VAKT_VIMPORT_MAX_ZIP_NAME + 100);
	memset(longname, 'a', VAKT_VIMPORT_MAX_ZIP_NAME + 99);
	longname[VAKT_VIMPORT_MAX_ZIP_NAME + 99] = '\0';
	zmember ln[] = {{longname, small_record, strlen(small_record), 0}};
	zip = build_zip(ln, 1, true, &zlen);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "all.zip", zip, zlen, &err),
			 0);
	assert_int_equal(im.records, 0);
	assert_int_equal(im.skipped, 1);
	assert_contains(vakt_buf_str(&c.warnings),
			"...:0: member name empty or longer than 1024 bytes");
	coll_free(&c);
	free(zip);
	free(longname);
}

/* 100k members: all imported under the default limit; refused past a lower one. */
static void test_zip_members(void **state)
{
	(void)state;
	enum { N = 100000 };
	zmember *m = calloc(N, sizeof(*m));
	char(*names)[32] = calloc(N, 32);
	char(*bodies)[96] = calloc(N, 96);
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], 32, "M-%06zu.json", i);
		int n = snprintf(bodies[i], 96,
				 "{\"id\": \"M-%06zu\", \"modified\": \"2024-01-01T00:00:00Z\"}",
				 i);
		m[i] = (zmember){names[i], bodies[i], (size_t)n, 0};
	}
	size_t zlen;
	char *zip = build_zip(m, N, true, &zlen);
	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	double t0 = now();
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "all.zip", zip, zlen, &err),
			 0);
	print_message("  100000 members: %zu records in %.2f s\n", im.records, now() - t0);
	assert_int_equal(im.records, N);
	assert_string_equal(c.file, "all.zip:M-099999.json");
	coll_free(&c);

	coll_init(&c);
	im = make_im(&c);
	im.max_zip_members = 50000;
	assert_int_equal(vakt_vimport_buffer(&im, VAKT_FEED_OSV_ZIP, "all.zip", zip, zlen, &err),
			 VAKT_E_LIMIT);
	assert_contains(err->msg, "more than 50000 members");
	assert_int_equal(im.records, 50000);
	err = vakt_error_free(err);
	coll_free(&c);
	free(zip);
	free(m);
	free(names);
	free(bodies);
}

/* ---- hostile JSON and YAML ------------------------------------------------------------------- */

static void test_osv_hostile(void **state)
{
	(void)state;
	coll c;
	vakt_vimport im;
	vakt_error *err = NULL;

	/* truncated: an error with the line */
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, fixture("hostile/truncated.json"), &err),
			 VAKT_E_PARSE);
	assert_int_equal(err->line, 7);
	assert_contains(err->msg, "invalid JSON: unexpected end of input");
	err = vakt_error_free(err);
	coll_free(&c);

	/* wrong types: each bad record skipped with its field and line; unknown range and
	 * event kinds are warnings and GOOD-1 stays */
	coll_init(&c);
	c.want[c.nwant++] = "GOOD-1";
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, fixture("hostile/wrong-types.json"), &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 6);
	assert_int_equal(im.warnings, 8);
	const char *want_w =
		"hostile/wrong-types.json:5: BAD-1: aliases: expected an array, found a string; "
		"record skipped\n"
		"hostile/wrong-types.json:18: BAD-2: affected[0].ranges[0].events[1].fixed: "
		"expected "
		"a string, found a number; record skipped\n"
		"hostile/wrong-types.json:32: GOOD-1: affected[0].ranges[0].type: unknown range "
		"type "
		"\"FUTURE_KIND\": range ignored\n"
		"hostile/wrong-types.json:33: GOOD-1: affected[0].ranges[1].events[2].patched: "
		"unknown event \"patched\" ignored\n"
		"hostile/wrong-types.json:40: BAD-3: affected[0].package.name: missing; record "
		"skipped\n"
		"hostile/wrong-types.json:43: OSV record: id: expected a string, found a number; "
		"record skipped\n"
		"hostile/wrong-types.json:45: OSV record: expected an object, found a string; "
		"record "
		"skipped\n"
		"hostile/wrong-types.json:48: invalid JSON: duplicate object key near '\"id\"'; "
		"record skipped\n";
	char *got_w = strip(vakt_buf_str(&c.warnings), fixture(""));
	assert_string_equal(got_w, want_w);
	free(got_w);
	assert_string_equal(vakt_buf_str(&c.desc), "osv GOOD-1\n"
						   " modified: 2024-01-01T00:00:00Z\n"
						   " affected: PyPI x\n"
						   "  ECOSYSTEM introduced 0, fixed 1.0\n");
	coll_free(&c);

	/* a 20 MB string: the record is refused unparsed, the next one imports */
	size_t big = 20u << 20;
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&b, "[{\"id\": \"BIG-1\", \"details\": \"");
	char *fill = malloc(big);
	memset(fill, 'a', big);
	vakt_buf_append(&b, fill, big);
	free(fill);
	vakt_buf_puts(&b, "\"},\n{\"id\": \"SMALL-1\"}]");
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, b.data, b.len, &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 1);
	assert_contains(vakt_buf_str(&c.warnings),
			"buf:1: record larger than the 16 MiB limit; skipped\n");
	assert_int_equal(c.line, 2);
	coll_free(&c);
	/* the same string as the only record of a file */
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_OSV_JSON, b.data + 1, b.len - 21, &err), 0);
	assert_int_equal(im.skipped, 1);
	coll_free(&c);
	/* and as a Debian description, and an NVD description */
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "{\"openssl\": {\"CVE-2024-1\": {\"description\": \"");
	fill = malloc(big);
	memset(fill, 'a', big);
	vakt_buf_append(&b, fill, big);
	vakt_buf_puts(&b, "\", \"releases\": {}}, \"CVE-2024-2\": {\"releases\": {\"bookworm\": "
			  "{\"status\": \"open\"}}}}}");
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, b.data, b.len, &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 1);
	coll_free(&c);
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\", \"x\": \"");
	vakt_buf_append(&b, fill, big);
	vakt_buf_puts(&b, "\"}}, {\"cve\": {\"id\": \"CVE-2\"}}]}");
	free(fill);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, b.data, b.len, &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 1);
	coll_free(&c);

	/* a million values in one record: refused before jansson sees it */
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "[{\"id\": \"MANY-1\", \"aliases\": [\"a\"");
	for (size_t i = 0; i < 1100000; i++)
		vakt_buf_append(&b, ",\"a\"", 4);
	vakt_buf_puts(&b, "]}, {\"id\": \"OK-1\"}]");
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_OSV_JSON, b.data, b.len, &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 1);
	assert_contains(vakt_buf_str(&c.warnings),
			"record holds more than 1000000 values; skipped");
	coll_free(&c);

	/* 100k unknown range types in one record: each a counted warning, 8 shown and a
	 * summary, and no walk of the record's text per warning (that would be quadratic) */
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "{\"id\": \"NOISY-1\", \"affected\": [{\"package\": {\"ecosystem\": "
			  "\"Go\", \"name\": \"m\"}, \"ranges\": [");
	for (size_t i = 0; i < 100000; i++)
		vakt_buf_puts(&b, i ? ",\n{\"type\": \"X\", \"events\": []}"
				    : "{\"type\": \"X\", \"events\": []}");
	vakt_buf_puts(&b, "]}]}");
	coll_init(&c);
	im = make_im(&c);
	double t0 = now();
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_OSV_JSON, b.data, b.len, &err), 0);
	print_message("  100000 warnings in one record: %.2f s\n", now() - t0);
	assert_true(now() - t0 < 20);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.warnings, 100000);
	assert_int_equal(c.nwarn, 9);
	assert_contains(
		vakt_buf_str(&c.warnings),
		"buf:8: NOISY-1: affected[0].ranges[7].type: unknown range type \"X\": range "
		"ignored\n"
		"buf:1: 99992 more warnings for this record not shown\n");
	coll_free(&c);

	/* deep nesting: a clean error, no recursion */
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "{\"id\": \"DEEP\", \"x\": ");
	for (size_t i = 0; i < 200000; i++)
		vakt_buf_putc(&b, '[');
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_OSV_JSON, b.data, b.len, &err),
			 VAKT_E_PARSE);
	assert_contains(err->msg, "nested too deeply");
	err = vakt_error_free(err);
	coll_free(&c);
	vakt_buf_free(&b);

	/* small things: NUL, bad UTF-8, an empty id, an id with a space, junk after the end,
	 * an empty input, null fields */
	static const struct {
		const char *text;
		int r;
		size_t records, skipped;
	} cases[] = {
		{"{\"id\": \"A\\u0000B\"}", 0, 0, 1},
		{"{\"id\": \"A\xff\"}", 0, 0, 1},
		{"{\"id\": \"\"}", 0, 0, 1},
		{"{\"id\": \"A B\"}", 0, 0, 1},
		{"{\"id\": \"A\"} x", VAKT_E_PARSE, 0, 0},
		{"", VAKT_E_PARSE, 0, 0},
		{"[", VAKT_E_PARSE, 0, 0},
		{"[1,", VAKT_E_PARSE, 0, 1},
		{"[{\"id\": \"A\"},]", VAKT_E_PARSE, 1, 0},
		{"{\"id\": \"A\", \"aliases\": null, \"affected\": null, \"references\": null, "
		 "\"summary\": null}",
		 0, 1, 0},
		{"{\"id\": \"A\", \"affected\": [{\"package\": null}, {\"ranges\": []}]}", 0, 1, 0},
		{"{\"id\": \"A\", \"affected\": [{\"package\": {\"ecosystem\": \"Go\", \"name\": "
		 "\"m\"}, "
		 "\"ranges\": [{\"type\": \"SEMVER\", \"events\": []}]}]}",
		 0, 1, 0},
		{"{\"id\": \"A\", \"affected\": [{\"package\": {\"ecosystem\": \"Go\", \"name\": "
		 "\"m\"}, "
		 "\"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"\"}]}]}]}",
		 0, 0, 1},
		{"{\"id\": \"A\", \"severity\": [{\"type\": \"CVSS_V3\"}]}", 0, 0, 1},
		{"{\"id\": \"A\", \"references\": [{\"type\": \"WEB\"}]}", 0, 1, 0},
		{"{\"id\": \"A\", \"x\": 1e999}", 0, 0, 1},
		{"{\"id\": \"A\", \"x\": 123456789012345678901234567890}", 0, 1, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		coll_init(&c);
		im = make_im(&c);
		int r = import_buf(&c, &im, i == 5 ? VAKT_FEED_AUTO : VAKT_FEED_OSV_JSON,
				   cases[i].text, strlen(cases[i].text), &err);
		if (r != cases[i].r || im.records != cases[i].records ||
		    im.skipped != cases[i].skipped)
			print_message("case %zu: %s: r=%d records=%zu skipped=%zu %s\n", i,
				      cases[i].text, r, im.records, im.skipped,
				      vakt_buf_str(&c.warnings));
		assert_int_equal(r, cases[i].r);
		assert_int_equal(im.records, cases[i].records);
		assert_int_equal(im.skipped, cases[i].skipped);
		if (r < 0)
			assert_non_null(err);
		err = vakt_error_free(err);
		coll_free(&c);
	}
}

static void test_yaml_hostile(void **state)
{
	(void)state;
	coll c;
	vakt_vimport im;
	vakt_error *err = NULL;

	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, fixture("hostile/bad.yaml"), &err), VAKT_E_PARSE);
	assert_int_equal(err->line, 10);
	assert_contains(err->msg, "invalid YAML");
	err = vakt_error_free(err);
	coll_free(&c);

	/* wrong types, with the field's own line */
	const char *y = "id: PYSEC-0000-2\n"
			"modified: 2024-01-01T00:00:00Z\n"
			"affected:\n"
			"- package:\n"
			"    ecosystem: PyPI\n"
			"    name: x\n"
			"  versions:\n"
			"  - 1.0\n"
			"  - [nested]\n"
			"---\n"
			"id: PYSEC-0000-3\n"
			"affected: []\n"
			"aliases: [CVE-2099-1, 7, 1.10, null]\n";
	coll_init(&c);
	c.want[c.nwant++] = "PYSEC-0000-3";
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, y, strlen(y), &err), 0);
	assert_int_equal(im.records, 0);
	assert_int_equal(im.skipped, 2);
	assert_string_equal(
		vakt_buf_str(&c.warnings),
		"buf:9: PYSEC-0000-2: affected[0].versions[1]: expected a string, found an "
		"array; record skipped\n"
		"buf:13: PYSEC-0000-3: aliases[3]: expected a string, found null; record "
		"skipped\n");
	coll_free(&c);

	/* plain scalars stay text: 1.10 is not 1.1, 0 is "0" */
	y = "id: PYSEC-0000-4\n"
	    "affected:\n"
	    "- package: {ecosystem: PyPI, name: x}\n"
	    "  ranges: [{type: ECOSYSTEM, events: [{introduced: 0}, {fixed: 1.10}]}]\n"
	    "  versions: [1.0, 01, 1e3, true]\n";
	coll_init(&c);
	c.want[c.nwant++] = "PYSEC-0000-4";
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, y, strlen(y), &err), 0);
	assert_string_equal(vakt_buf_str(&c.desc), "osv PYSEC-0000-4\n"
						   " affected: PyPI x\n"
						   "  ECOSYSTEM introduced 0, fixed 1.10\n"
						   "  versions (4): 1.0 01 1e3 true\n");
	coll_free(&c);

	/* aliases fanning out ("billion laughs"): bounded, an error or a skip, quickly */
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&b, "id: LAUGH-1\naffected: []\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		vakt_buf_printf(
			&b,
			"l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
			i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	coll_init(&c);
	im = make_im(&c);
	double t0 = now();
	int r = import_buf(&c, &im, VAKT_FEED_OSV_YAML, b.data, b.len, &err);
	assert_true(now() - t0 < 10);
	assert_true(r < 0 || im.skipped == 1);
	assert_int_equal(im.records, 0);
	err = vakt_error_free(err);
	coll_free(&c);

	/* anchored trees stacked through aliases, each 200 deep: 2,000 levels once
	 * expanded, past what the document itself may nest; refused, not recursed into */
	vakt_buf_reset(&b);
	vakt_buf_puts(&b, "id: DEEP-1\naffected: []\n");
	for (int i = 0; i < 10; i++) {
		vakt_buf_printf(&b, "d%d: &d%d ", i, i);
		for (int k = 0; k < 200; k++)
			vakt_buf_putc(&b, '[');
		if (i)
			vakt_buf_printf(&b, "*d%d", i - 1);
		for (int k = 0; k < 200; k++)
			vakt_buf_putc(&b, ']');
		vakt_buf_putc(&b, '\n');
	}
	coll_init(&c);
	im = make_im(&c);
	r = import_buf(&c, &im, VAKT_FEED_OSV_YAML, b.data, b.len, &err);
	assert_int_equal(r, 0);
	assert_int_equal(im.skipped, 1);
	assert_contains(vakt_buf_str(&c.warnings),
			"nested too deeply (aliases expanded); record skipped");
	coll_free(&c);
	vakt_buf_free(&b);
}

static void test_debian_hostile(void **state)
{
	(void)state;
	const char *j =
		"{\n"
		" \"pkg-a\": {\n"
		"  \"CVE-2099-1\": {\"releases\": {\"bookworm\": {\"status\": 3}}},\n"
		"  \"CVE-2099-2\": {\"releases\": {\"newname\": {\"status\": \"open\"},\n"
		"                                 \"bookworm\": {\"status\": \"resolved\"}}},\n"
		"  \"CVE-2099-3\": {\"releases\": {\"newname\": {\"status\": \"open\"},\n"
		"                                 \"trixie\": {\"status\": \"resolved\", "
		"\"fixed_version\": \"1.0-1\", \"urgency\": \"medium*\"}}},\n"
		"  \"not an id\": {\"releases\": {}},\n"
		"  \"CVE-2099-4\": [],\n"
		"  \"CVE-2099-5\": {\"description\": 5},\n"
		"  \"CVE-2099-6\": {\"releases\": [1]},\n"
		"  \"CVE-2099-7\": {\"releases\": {\"bookworm\": {\"status\": \"wontfix\"}, "
		"\"sid\": {\"status\": \"open\"}}}\n"
		" },\n"
		" \"pkg-b\": [],\n"
		" \"pkg-c\": {\"TEMP-0000000-ABCDEF\": {\"releases\": {\"bullseye\": {\"status\": "
		"\"undetermined\", \"urgency\": \"not yet assigned\"}}}}\n"
		"}\n";
	coll c;
	coll_init(&c);
	c.want[c.nwant++] = "CVE-2099-3";
	c.want[c.nwant++] = "TEMP-0000000-ABCDEF";
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, j, strlen(j), &err), 0);
	assert_int_equal(im.records, 2);
	assert_int_equal(im.skipped, 6);
	assert_string_equal(
		vakt_buf_str(&c.warnings),
		"buf:3: pkg-a CVE-2099-1: releases.bookworm.status: expected a string; record "
		"skipped\n"
		"buf:4: release \"newname\" has no known number: its entries are not imported\n"
		"buf:5: pkg-a CVE-2099-2: releases.bookworm: status \"resolved\" without "
		"fixed_version: release left out\n"
		"buf:8: pkg-a: an entry's key is not an advisory id; skipped\n"
		"buf:9: pkg-a CVE-2099-4: : expected an object, found an array; record skipped\n"
		"buf:10: pkg-a CVE-2099-5: description: expected a string; record skipped\n"
		"buf:11: pkg-a CVE-2099-6: releases: expected an object, found an array; record "
		"skipped\n"
		"buf:12: pkg-a CVE-2099-7: releases.bookworm: status \"wontfix\": release left "
		"out\n"
		"buf:14: pkg-b: expected an object of CVEs; skipped\n");
	assert_string_equal(
		vakt_buf_str(&c.desc),
		"debian-tracker CVE-2099-3\n"
		" ref: https://security-tracker.debian.org/tracker/CVE-2099-3\n"
		" affected: Debian:13 pkg-a status=resolved severity=medium\n"
		"  ECOSYSTEM introduced 0, fixed 1.0-1\n"
		"debian-tracker TEMP-0000000-ABCDEF\n"
		" ref: https://security-tracker.debian.org/tracker/TEMP-0000000-ABCDEF\n"
		" affected: Debian:11 pkg-c status=undetermined\n"
		"  ECOSYSTEM introduced 0\n");
	coll_free(&c);

	/* broken JSON: records before the break, then an error with its line */
	j = "{\"a\": {\"CVE-2099-1\": {\"releases\": {\"bookworm\": {\"status\": \"open\"}}}},\n"
	    " \"b\": {\"CVE-2099-2\": {\"releases\": {\"bookworm\": {\"status\": \"open\"}}}\n"
	    " \"c\": {}}\n";
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_DEBIAN, j, strlen(j), &err), VAKT_E_PARSE);
	assert_int_equal(err->line, 3);
	assert_int_equal(im.records, 2);
	err = vakt_error_free(err);
	coll_free(&c);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_DEBIAN, "[]", 2, &err), VAKT_E_PARSE);
	err = vakt_error_free(err);
	coll_free(&c);
}

static void test_alpine_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int r;
		size_t records, skipped, warnings;
	} cases[] = {
		{"{\"packages\": []}", VAKT_E_INVALID, 0, 0, 0},
		{"{\"distroversion\": 3.19, \"packages\": []}", VAKT_E_INVALID, 0, 0, 0},
		{"{\"distroversion\": \"3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
		 "\"secfixes\": "
		 "{\"1-r0\": [\"CVE-2099-1001\"]}}}]}",
		 0, 1, 0, 0},
		{"{\"distroversion\": \"v3.19\", \"packages\": {}}", 0, 0, 1, 1},
		{"{\"distroversion\": \"v3.19\", \"packages\": [1, {\"pkg\": 2}, {\"pkg\": {}}, "
		 "{\"pkg\": {\"name\": \"a\", \"secfixes\": []}}, {\"pkg\": {\"name\": \"a\", "
		 "\"secfixes\": {\"1-r0\": \"CVE-2099-1\"}}}, {\"pkg\": {\"name\": \"a\", "
		 "\"secfixes\": {\"1-r0\": [[\"CVE-2099-1\"]]}}}]}",
		 0, 0, 6, 6},
		{"{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
		 "\"secfixes\": "
		 "{\"1-r0\": [\"(only a comment\", \"\", null, "
		 "\"CVE-2099-1001\\nCVE-2099-1002\"]}}}]}",
		 0, 2, 0, 0},
		{"{\"distroversion\": \"v3.19\", \"packages\": [", VAKT_E_PARSE, 0, 0, 0},
		{"distroversion: v3.5\npackages:\n- pkg:\n    name: a\n    secfixes:\n      "
		 "1-r0:\n      - "
		 "CVE-2099-1001 XSA-1 XSA-2\n      0:\n      - CVE-2099-1001\n",
		 0, 1, 0, 0},
		{"distroversion: v3.5\npackages: {}\n", 0, 0, 1, 1},
		{"distroversion: [v3.5]\npackages: []\n", VAKT_E_INVALID, 0, 0, 0},
		{"distroversion: v3.5\npackages: [\n", VAKT_E_PARSE, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		coll c;
		coll_init(&c);
		vakt_vimport im = make_im(&c);
		vakt_error *err = NULL;
		int r = import_buf(&c, &im, VAKT_FEED_AUTO, cases[i].text, strlen(cases[i].text),
				   &err);
		if (r != cases[i].r || im.records != cases[i].records ||
		    im.skipped != cases[i].skipped || im.warnings != cases[i].warnings)
			print_message("case %zu: r=%d records=%zu skipped=%zu warnings=%zu %s %s\n",
				      i, r, im.records, im.skipped, im.warnings,
				      err ? err->msg : "", vakt_buf_str(&c.warnings));
		assert_int_equal(r, cases[i].r);
		assert_int_equal(im.records, cases[i].records);
		assert_int_equal(im.skipped, cases[i].skipped);
		assert_int_equal(im.warnings, cases[i].warnings);
		vakt_error_free(err);
		coll_free(&c);
	}
}

/* 100k words that are no ids in one JSON package: counted, 8 shown, in linear time. */
static void test_alpine_noisy(void **state)
{
	(void)state;
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&b,
		      "{\"distroversion\": \"v3.19\", \"packages\": [{\"pkg\": {\"name\": \"a\", "
		      "\"secfixes\": {\"1-r0\": [\"CVE-2099-1001\"");
	for (size_t i = 0; i < 100000; i++)
		vakt_buf_puts(&b, ",\n\"junk\"");
	vakt_buf_puts(&b, "]}}}]}");
	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	double t0 = now();
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, b.data, b.len, &err), 0);
	assert_true(now() - t0 < 20);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.warnings, 100000);
	assert_int_equal(c.nwarn, 9);
	assert_contains(vakt_buf_str(&c.warnings),
			"buf:2: a 1-r0: \"junk\" is not an advisory id: ignored\n");
	assert_contains(vakt_buf_str(&c.warnings),
			"buf:1: 99992 more warnings for this record not shown\n");
	coll_free(&c);
	vakt_buf_free(&b);
}

static void test_nvd_hostile(void **state)
{
	(void)state;
	const char *j =
		"{\"format\": \"NVD_CVE\", \"vulnerabilities\": [\n"
		" {},\n"
		" {\"cve\": {\"id\": 5}},\n"
		" {\"cve\": {\"id\": \"CVE-2099-1\", \"metrics\": {\"cvssMetricV31\": {}}}},\n"
		" {\"cve\": {\"id\": \"CVE-2099-2\", \"metrics\": {\"cvssMetricV31\": "
		"[{\"cvssData\": "
		"{\"vectorString\": \"CVSS:3.1/AV:N\", \"baseScore\": 11}}]}}},\n"
		" {\"cve\": {\"id\": \"CVE-2099-3\", \"metrics\": {\"cvssMetricV2\": "
		"[{\"cvssData\": {}}]}}},\n"
		" {\"cve\": {\"id\": \"CVE-2099-4\", \"descriptions\": \"x\"}},\n"
		" {\"cve\": {\"id\": \"CVE-2099-5\", \"published\": \"2099-01-01T00:00:00+02:00\", "
		"\"references\": [{\"url\": \"https://example.org\"}, {}], \"metrics\": "
		"{\"cvssMetricV2\": "
		"[{\"type\": \"Secondary\", \"cvssData\": {\"vectorString\": "
		"\"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}}]}}}\n"
		"]}\n";
	coll c;
	coll_init(&c);
	c.want[c.nwant++] = "CVE-2099-5";
	vakt_vimport im = make_im(&c);
	vakt_error *err = NULL;
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_AUTO, j, strlen(j), &err), 0);
	assert_int_equal(im.records, 1);
	assert_int_equal(im.skipped, 6);
	assert_string_equal(
		vakt_buf_str(&c.warnings),
		"buf:2: CVE: cve: missing; record skipped\n"
		"buf:3: CVE: cve.id: expected a string; record skipped\n"
		"buf:4: CVE-2099-1: cve.metrics.cvssMetricV31: expected an array; record skipped\n"
		"buf:5: CVE-2099-2: cve.metrics.cvssMetricV31[0].cvssData.baseScore: expected a "
		"number from 0 to 10; record skipped\n"
		"buf:6: CVE-2099-3: cve.metrics.cvssMetricV2[0].cvssData.vectorString: missing; "
		"record skipped\n"
		"buf:7: CVE-2099-4: cve.descriptions: expected an array; record skipped\n");
	assert_string_equal(vakt_buf_str(&c.desc), "nvd CVE-2099-5\n"
						   " published: 2099-01-01T00:00:00+02:00\n"
						   " severity: CVSS_V2 AV:N/AC:L/Au:N/C:P/I:P/A:P\n"
						   " ref: https://example.org\n");
	coll_free(&c);

	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(import_buf(&c, &im, VAKT_FEED_NVD, "{\"vulnerabilities\": [{}", 22, &err),
			 VAKT_E_PARSE);
	err = vakt_error_free(err);
	coll_free(&c);
}

/* ---- directories, limits, the sink ----------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "w");
	free(path);
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_walk(void **state)
{
	(void)state;
	char dir[] = "/tmp/vakt-import-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[8192], hidden[8192], outside[8192];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(hidden, sizeof(hidden), "%s/.hidden", dir);
	snprintf(outside, sizeof(outside), "%s-outside", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mkdir(hidden, 0755), 0);
	assert_int_equal(mkdir(outside, 0755), 0);
	write_file(dir, "a.json", "{\"id\": \"WALK-A\"}");
	write_file(dir, "Makefile", "{\"id\": \"NOT-A-FEED-NAME\"}");
	write_file(dir, ".dot.json", "{\"id\": \"HIDDEN-FILE\"}");
	write_file(hidden, "h.json", "{\"id\": \"HIDDEN-DIR\"}");
	write_file(sub, "c.yaml", "id: WALK-C\naffected: []\n");
	write_file(sub, "bad.json", "{\"id\": ");
	write_file(sub, "unknown.json", "{\"hello\": 1}");
	write_file(outside, "o.json", "{\"id\": \"OUTSIDE\"}");
	char big[8192];
	snprintf(big, sizeof(big), "{\"id\": \"BIG\", \"details\": \"%0*d\"}", 5000, 0);
	write_file(sub, "big.json", big);
	char link[8192];
	snprintf(link, sizeof(link), "%s/sub/link", dir);
	assert_int_equal(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/l.json", dir);
	assert_int_equal(symlink("a.json", link), 0);

	coll c;
	coll_init(&c);
	vakt_vimport im = make_im(&c);
	im.max_file = 4096;
	vakt_error *err = NULL;
	assert_int_equal(vakt_vimport_path(&im, dir, &err), 0);
	assert_null(err);
	/* WALK-A and WALK-C; Makefile, hidden entries and symlinks not read; bad.json,
	 * big.json (over max_file) and unknown.json each a warning and a skip */
	assert_int_equal(im.records, 2);
	assert_int_equal(im.skipped, 3);
	assert_int_equal(im.warnings, 3);
	const char *w = vakt_buf_str(&c.warnings);
	assert_contains(w, "/sub/bad.json:1: invalid JSON: unexpected end of input\n");
	assert_contains(w, "/sub/big.json:0: input is larger than the 4 KiB limit\n");
	assert_contains(w, "/sub/unknown.json:0: not a feed vakt knows");
	assert_null(strstr(w, "OUTSIDE"));
	coll_free(&c);

	/* a file named explicitly: read whatever its name; its failure is the answer */
	char path[8192];
	snprintf(path, sizeof(path), "%s/Makefile", dir);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, path, &err), 0);
	assert_int_equal(im.records, 1);
	coll_free(&c);
	snprintf(path, sizeof(path), "%s/sub/bad.json", dir);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, path, &err), VAKT_E_PARSE);
	assert_int_equal(err->line, 1);
	err = vakt_error_free(err);
	coll_free(&c);
	snprintf(path, sizeof(path), "%s/missing", dir);
	coll_init(&c);
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, path, &err), VAKT_E_IO);
	err = vakt_error_free(err);
	coll_free(&c);

	/* the sink stops a walk */
	coll_init(&c);
	c.stop_after = 1;
	im = make_im(&c);
	assert_int_equal(vakt_vimport_path(&im, dir, &err), -42);
	assert_non_null(err);
	assert_contains(err->msg, "WALK-A: the import was stopped");
	assert_int_equal(im.records, 1);
	assert_int_equal(im.warnings, 0);
	err = vakt_error_free(err);
	/* the caller's callbacks are back in place */
	assert_ptr_equal(im.sink, sink);
	assert_ptr_equal(im.warn, on_warn);
	assert_ptr_equal(im.ud, &c);
	coll_free(&c);

	char cmd[20000];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, outside);
	assert_int_equal(system(cmd), 0);
}

/* A sink's stop ends every kind of import and comes back as the result. */
static void test_sink_stop(void **state)
{
	(void)state;
	static const char *const paths[] = {"debian-osv", "nvd", "alpine"};
	for (size_t i = 0; i < 3; i++) {
		coll c;
		coll_init(&c);
		c.stop_after = 2;
		vakt_vimport im = make_im(&c);
		vakt_error *err = NULL;
		assert_int_equal(vakt_vimport_path(&im, fixture(paths[i]), &err), -42);
		assert_int_equal(im.records, 2);
		assert_non_null(err);
		err = vakt_error_free(err);
		coll_free(&c);
	}
	if (!have_vulndata())
		return;
	static const char *const data[] = {"debian-tracker/sample.json", "pypa-osv",
					   "alpine-secdb/v3.10/main.yaml"};
	for (size_t i = 0; i < 3; i++) {
		coll c;
		coll_init(&c);
		c.stop_after = 2;
		vakt_vimport im = make_im(&c);
		vakt_error *err = NULL;
		assert_int_equal(vakt_vimport_path(&im, vulndata(data[i]), &err), -42);
		assert_int_equal(im.records, 2);
		err = vakt_error_free(err);
		coll_free(&c);
	}
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(void)
{
	/* the source tree from this file's path: tests/unit/vuln/test_import.c */
	snprintf(srcdir, sizeof(srcdir), "%s", __FILE__);
	char *cut = strstr(srcdir, "/tests/unit/vuln/test_import.c");
	if (!cut) {
		fprintf(stderr, "cannot locate the source tree from %s\n", __FILE__);
		return 1;
	}
	*cut = '\0';
	snprintf(datadir, sizeof(datadir), "%s/../shared/data/vulndata", srcdir);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_debian_release),
		cmocka_unit_test(test_vulndata_counts),
		cmocka_unit_test(test_vulndata_records),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_zip),
		cmocka_unit_test(test_zip_hostile),
		cmocka_unit_test(test_zip_members),
		cmocka_unit_test(test_osv_hostile),
		cmocka_unit_test(test_yaml_hostile),
		cmocka_unit_test(test_debian_hostile),
		cmocka_unit_test(test_alpine_hostile),
		cmocka_unit_test(test_alpine_noisy),
		cmocka_unit_test(test_nvd_hostile),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_sink_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
