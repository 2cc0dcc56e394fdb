/* test_sbom.c - OS detection, package URLs, licence expressions and the two SBOM writers.
 *
 *   unit_image_test_sbom              the cmocka tests
 *   unit_image_test_sbom --write DIR  write sample SBOMs (an image with dpkg, apk and rpm
 *                                     packages full of awkward strings; an empty rootfs;
 *                                     the Debian image of ../images/deb when present) for
 *                                     tests/formats/validate-sbom.py
 *
 * Package lists are filled in directly (not through pkg.c), so these tests do not depend
 * on the database parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "image/image.h"
#include "image/sbom.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers -------------------------------------------------------------------------------- */

static vakt_os_info detect(vakt_arena *a, const char *osrel, const char *osrel_path,
			   const char *alpine, const char *debian, const char *redhat)
{
	vakt_os_info os;
	vakt_os_detect(&os, a, osrel, osrel ? strlen(osrel) : 0, osrel_path, alpine,
		       alpine ? strlen(alpine) : 0, debian, debian ? strlen(debian) : 0, redhat,
		       redhat ? strlen(redhat) : 0);
	return os;
}

#define assert_str_or_null(got, want)                                                          \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (!w_)                                                                           \
			assert_null(g_);                                                           \
		else {                                                                             \
			assert_non_null(g_);                                                       \
			assert_string_equal(g_, w_);                                               \
		}                                                                                  \
	} while (0)

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

/* The repository root, from this file's path (CMake compiles it by absolute path). */
static const char *repo_root(void)
{
	static char root[4096];
	if (!root[0]) {
		snprintf(root, sizeof(root), "%s", __FILE__);
		for (int i = 0; i < 4; i++) { /* tests/unit/image/test_sbom.c */
			char *slash = strrchr(root, '/');
			if (!slash) {
				strcpy(root, ".");
				break;
			}
			*slash = '\0';
		}
	}
	return root;
}

/* ---- OS detection --------------------------------------------------------------------------- */

struct os_case {
	const char *what;
	const char *osrel, *osrel_path, *alpine, *debian, *redhat;
	const char *id, *version_id, *version, *codename, *pretty, *source;
};

/* os-release contents as the distributions ship them (abridged). */
static const struct os_case os_cases[] = {
	{"debian 12 + debian_version",
	 "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
	 "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
	 "HOME_URL=\"https://www.debian.org/\"\n",
	 "etc/os-release", NULL, "12.8\n", NULL, "debian", "12", "12.8", "bookworm",
	 "Debian GNU/Linux 12 (bookworm)", "etc/os-release"},
	{"debian testing: trixie/sid says nothing",
	 "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n"
	 "VERSION_CODENAME=trixie\nID=debian\n",
	 "etc/os-release", NULL, "trixie/sid\n", NULL, "debian", NULL, NULL, "trixie",
	 "Debian GNU/Linux trixie/sid", "etc/os-release"},
	{"debian 9: codename from VERSION",
	 "PRETTY_NAME=\"Debian GNU/Linux 9 (stretch)\"\nNAME=\"Debian GNU/Linux\"\n"
	 "VERSION_ID=\"9\"\nVERSION=\"9 (stretch)\"\nID=debian\n",
	 "etc/os-release", NULL, "9.13\n", NULL, "debian", "9", "9.13", "stretch", NULL, NULL},
	{"debian 6 without os-release", NULL, NULL, NULL, "6.0.10\n", NULL, "debian", "6",
	 "6.0.10", NULL, NULL, "etc/debian_version"},
	{"ubuntu 22.04 ignores Debian's debian_version",
	 "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
	 "VERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n"
	 "ID_LIKE=debian\nUBUNTU_CODENAME=jammy\n",
	 "etc/os-release", NULL, "bookworm/sid\n", NULL, "ubuntu", "22.04", "22.04", "jammy",
	 "Ubuntu 22.04.4 LTS", "etc/os-release"},
	{"alpine 3.19",
	 "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"
	 "PRETTY_NAME=\"Alpine Linux v3.19\"\nHOME_URL=\"https://alpinelinux.org/\"\n",
	 "etc/os-release", "3.19.1\n", NULL, NULL, "alpine", "3.19.1", "3.19.1", NULL,
	 "Alpine Linux v3.19", "etc/os-release"},
	{"alpine without os-release", NULL, NULL, "3.4.6\n", NULL, NULL, "alpine", "3.4.6",
	 "3.4.6", NULL, NULL, "etc/alpine-release"},
	{"rhel 9.3",
	 "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3 (Plow)\"\nID=\"rhel\"\n"
	 "ID_LIKE=\"fedora\"\nVERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\n"
	 "PRETTY_NAME=\"Red Hat Enterprise Linux 9.3 (Plow)\"\nANSI_COLOR=\"0;31\"\n",
	 "etc/os-release", NULL, NULL, "Red Hat Enterprise Linux release 9.3 (Plow)\n", "rhel",
	 "9.3", "9.3", NULL, "Red Hat Enterprise Linux 9.3 (Plow)", "etc/os-release"},
	{"centos 7: precise version from redhat-release",
	 "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
	 "VERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n",
	 "etc/os-release", NULL, NULL, "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7",
	 "7.9.2009", NULL, "CentOS Linux 7 (Core)", "etc/os-release"},
	{"centos 6 without os-release", NULL, NULL, NULL, NULL, "CentOS release 6.10 (Final)\n",
	 "centos", "6", "6.10", NULL, "CentOS release 6.10 (Final)", "etc/redhat-release"},
	{"oracle linux: a redhat-release naming RHEL does not refine ol",
	 "NAME=\"Oracle Linux Server\"\nVERSION=\"8.9\"\nID=\"ol\"\nVERSION_ID=\"8.9\"\n",
	 "etc/os-release", NULL, NULL, "Red Hat Enterprise Linux release 8.9 (Ootpa)\n", "ol",
	 "8.9", "8.9", NULL, "Oracle Linux Server", "etc/os-release"},
	{"amazon linux 2",
	 "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\n"
	 "VERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\nANSI_COLOR=\"0;33\"\n"
	 "CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2\"\n",
	 "etc/os-release", NULL, NULL, NULL, "amzn", "2", "2", NULL, "Amazon Linux 2",
	 "etc/os-release"},
	{"amazon linux 2023",
	 "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\n"
	 "VERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023.4.20240416\"\n",
	 "etc/os-release", NULL, NULL, NULL, "amzn", "2023", "2023", NULL,
	 "Amazon Linux 2023.4.20240416", "etc/os-release"},
	{"distroless: only usr/lib/os-release",
	 "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\n"
	 "VERSION=\"Debian GNU/Linux 12 (bookworm)\"\n"
	 "HOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n",
	 "usr/lib/os-release", NULL, NULL, NULL, "debian", "12", "12", "bookworm", "Distroless",
	 "usr/lib/os-release"},
	{"syntax: comments, blanks, junk, quotes, escapes, CRLF, last assignment wins",
	 "# a comment\n\n   \njunk line without equals\nexport ID=nope\nID =nope\n"
	 "ID=first\r\nID=\"De\\\"bi\\\\an\\$\"   # trailing comment\r\n"
	 "VERSION_ID='1''2'\nPRETTY_NAME=\"unterminated\nPRETTY_NAME=plain\\ word \n"
	 "VERSION_CODENAME=a#b\nID_LIKE=\"\"\n",
	 "etc/os-release", NULL, NULL, NULL, "de\"bi\\an$", "12", "12", "a#b", "plain word",
	 "etc/os-release"},
	{"upper-case ID is folded", "ID=Debian\nVERSION_ID=12\n", NULL, NULL, "12.8", NULL,
	 "debian", "12", "12.8", NULL, NULL, "etc/os-release"},
	{"debian_version disagreeing with VERSION_ID is not trusted",
	 "ID=debian\nVERSION_ID=12\n", "etc/os-release", NULL, "11.9\n", NULL, "debian", "12",
	 "12", NULL, NULL, "etc/os-release"},
	{"os-release without ID falls back", "NAME=Something\nVERSION_ID=3\n", "etc/os-release",
	 NULL, "10.13", NULL, "debian", "10", "10.13", NULL, "Something", "etc/debian_version"},
	{"nothing at all", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	{"empty and garbage files", "", "etc/os-release", "\n", "\0\0", "release", NULL, NULL,
	 NULL, NULL, NULL, NULL},
};

static void test_os_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_(os_cases); i++) {
		const struct os_case *c = &os_cases[i];
		vakt_arena a;
		vakt_arena_init(&a, 0);
		vakt_os_info os = detect(&a, c->osrel, c->osrel_path, c->alpine, c->debian, c->redhat);
		print_message("case: %s\n", c->what);
		assert_str_or_null(os.id, c->id);
		assert_str_or_null(os.version_id, c->version_id);
		assert_str_or_null(os.version, c->version);
		assert_str_or_null(os.codename, c->codename);
		if (c->pretty)
			assert_str_or_null(os.pretty_name, c->pretty);
		if (c->source)
			assert_str_or_null(os.source, c->source);
		vakt_arena_destroy(&a);
	}
}

static void test_os_limits(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	/* a line longer than the limit is junk; the next line still counts */
	size_t n = 10000;
	char *big = malloc(n + 64);
	memcpy(big, "PRETTY_NAME=", 12);
	memset(big + 12, 'x', n - 12);
	strcpy(big + n, "\nID=alpine\n");
	vakt_os_info os = detect(&a, big, NULL, NULL, NULL, NULL);
	assert_string_equal(os.id, "alpine");
	assert_null(os.pretty_name);
	free(big);
	/* a NUL inside a value makes the line junk; the input length, not the NUL, ends it */
	static const char nul[] = "ID=deb\0ian\nVERSION_ID=7\n";
	vakt_os_detect(&os, &a, nul, sizeof(nul) - 1, NULL, NULL, 0, NULL, 0, NULL, 0);
	assert_null(os.id);
	assert_string_equal(os.version_id, "7");
	/* past 64 KiB nothing is read */
	size_t m = 70000;
	char *pad = malloc(m + 32);
	memset(pad, '\n', m);
	strcpy(pad + m, "ID=late\n");
	os = detect(&a, pad, NULL, NULL, NULL, NULL);
	assert_null(os.id);
	free(pad);
	vakt_arena_destroy(&a);
}

/* Real files: this host's and the Debian test image's. */
static void test_os_real_files(void **state)
{
	(void)state;
	char path[4200];
	snprintf(path, sizeof(path), "%s/../images/deb/rootfs/etc/os-release", repo_root());
	size_t osl = 0, dvl = 0;
	char *osr = slurp(path, &osl);
	snprintf(path, sizeof(path), "%s/../images/deb/rootfs/etc/debian_version", repo_root());
	char *dv = slurp(path, &dvl);
	if (!osr || !dv) {
		free(osr);
		free(dv);
		print_message("SKIP: ../images/deb is absent (built by make-debian-image.sh)\n");
		skip();
	}
	vakt_arena a;
	vakt_arena_init(&a, 0);
	vakt_os_info os;
	vakt_os_detect(&os, &a, osr, osl, "etc/os-release", NULL, 0, dv, dvl, NULL, 0);
	assert_string_equal(os.id, "debian");
	assert_string_equal(os.version_id, "12");
	assert_string_equal(os.codename, "bookworm");
	assert_true(strncmp(os.version, "12.", 3) == 0); /* the point release */
	free(osr);
	free(dv);

	/* this host: whatever it is, the ID must be found and the version must refine it */
	osr = slurp("/etc/os-release", &osl);
	if (!osr)
		osr = slurp("/usr/lib/os-release", &osl);
	if (osr) {
		dv = slurp("/etc/debian_version", &dvl);
		vakt_os_detect(&os, &a, osr, osl, "etc/os-release", NULL, 0, dv, dv ? dvl : 0, NULL, 0);
		assert_non_null(os.id);
		if (os.version_id)
			assert_true(strncmp(os.version, os.version_id, strlen(os.version_id)) == 0);
		print_message("host: %s %s (%s)\n", os.id, os.version ? os.version : "-",
			      os.pretty_name ? os.pretty_name : "-");
		free(osr);
		free(dv);
	}
	vakt_arena_destroy(&a);
}

/* ---- package URLs --------------------------------------------------------------------------- */

static vakt_pkg pkg(vakt_pkg_type t, const char *name, const char *version, const char *arch)
{
	vakt_pkg p;
	memset(&p, 0, sizeof(p));
	p.type = t;
	p.name = name;
	p.version = version;
	p.arch = arch;
	p.src_name = name;
	p.src_version = version;
	p.layer = -1;
	return p;
}

/* Vectors from package-url/purl-spec tests/types/deb-test.json, apk-test.json and
 * rpm-test.json (the "build" and "validation" cases whose qualifiers vakt can produce:
 * vakt always writes distro as <ID>-<VERSION_ID>, so "distro=jessie" is not among them). */
static void test_purl_spec_vectors(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	vakt_pkg p = pkg(VAKT_PKG_DPKG, "attr", "1:2.4.47-2+b1", "amd64");
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
	p = pkg(VAKT_PKG_DPKG, "attr", "1:2.4.47-2", "source");
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:deb/debian/attr@1:2.4.47-2?arch=source");
	p = pkg(VAKT_PKG_APK, "curl", "7.83.0-r0", "x86");
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:apk/alpine/curl@7.83.0-r0?arch=x86");
	p = pkg(VAKT_PKG_APK, "apk", "2.12.9-r3", "x86");
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:apk/alpine/apk@2.12.9-r3?arch=x86");
	vakt_os_info fedora = {.id = "fedora", .version_id = "25", .version = "25"};
	p = pkg(VAKT_PKG_RPM, "curl", "7.50.3-1.fc25", "i386");
	assert_string_equal(vakt_purl(&p, &fedora, &a),
			    "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
	p = pkg(VAKT_PKG_RPM, "centerim", "1:4.22.10-1.el6", "i686");
	p.rpm_version = "4.22.10";
	p.rpm_release = "1.el6";
	p.has_epoch = true;
	p.epoch = 1;
	assert_string_equal(vakt_purl(&p, &fedora, &a),
			    "pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1");
	vakt_arena_destroy(&a);
}

static void test_purl_vakt(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	vakt_os_info deb = {.id = "debian", .version_id = "12", .version = "12.8"};
	vakt_os_info alpine = {.id = "alpine", .version_id = "3.19.1", .version = "3.19.1"};
	vakt_os_info rhel = {.id = "rhel", .version_id = "9.3", .version = "9.3"};
	vakt_os_info old = {.id = "centos", .version = "6.10"}; /* no VERSION_ID */
	vakt_os_info noid = {0};

	vakt_pkg p = pkg(VAKT_PKG_DPKG, "curl", "7.88.1-10+deb12u8", "amd64");
	assert_string_equal(vakt_purl(&p, &deb, &a),
			    "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u8?arch=amd64&distro=debian-12");
	p = pkg(VAKT_PKG_APK, "musl", "1.2.4-r2", "x86_64");
	assert_string_equal(vakt_purl(&p, &alpine, &a),
			    "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1");
	p = pkg(VAKT_PKG_RPM, "openssl", "1:3.0.7-24.el9", "x86_64");
	p.rpm_version = "3.0.7";
	p.rpm_release = "24.el9";
	p.has_epoch = true;
	p.epoch = 1;
	assert_string_equal(vakt_purl(&p, &rhel, &a),
			    "pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1");
	/* rpm without the parts: the epoch is cut from the version; no ID, no namespace */
	p.rpm_version = p.rpm_release = NULL;
	assert_string_equal(vakt_purl(&p, &noid, &a),
			    "pkg:rpm/openssl@3.0.7-24.el9?arch=x86_64&epoch=1");
	p.has_epoch = false;
	p.epoch = 0;
	p.version = "3.0.7-24.el9";
	p.arch = NULL;
	assert_string_equal(vakt_purl(&p, &old, &a), "pkg:rpm/centos/openssl@3.0.7-24.el9?distro=centos-6.10");
	/* epoch 0 recorded in the header is kept */
	p.has_epoch = true;
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:rpm/openssl@3.0.7-24.el9?epoch=0");
	/* SUSE vendors */
	vakt_os_info leap = {.id = "opensuse-leap", .version_id = "15.5"};
	p.has_epoch = false;
	assert_string_equal(vakt_purl(&p, &leap, &a),
			    "pkg:rpm/opensuse/openssl@3.0.7-24.el9?distro=opensuse-leap-15.5");
	/* encoding: '/', ' ', '@', '?', '#', '%', non-ASCII; ':' and '~' are not encoded;
	 * deb names and namespaces are lower-cased */
	vakt_os_info odd = {.id = "My OS", .version_id = "1/2"};
	p = pkg(VAKT_PKG_DPKG, "Lib/Foo Bar@1?#%\xc3\xa9", "2:1.0~rc1+git", "amd64");
	assert_string_equal(vakt_purl(&p, &odd, &a),
			    "pkg:deb/my%20os/lib%2Ffoo%20bar%401%3F%23%25%C3%A9@2:1.0~rc1%2Bgit"
			    "?arch=amd64&distro=My%20OS-1%2F2");
	/* no version, no arch, no ID */
	p = pkg(VAKT_PKG_APK, "x", NULL, "");
	assert_string_equal(vakt_purl(&p, NULL, &a), "pkg:apk/alpine/x");
	p = pkg(VAKT_PKG_DPKG, "x", "", NULL);
	vakt_os_info idonly = {.id = "debian"};
	assert_string_equal(vakt_purl(&p, &idonly, &a), "pkg:deb/debian/x?distro=debian");
	vakt_arena_destroy(&a);
}

/* ---- licences, UUIDs, time ------------------------------------------------------------------ */

static void test_license_expr(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	static const char *const ok[][2] = {
		{"MIT", "MIT"},
		{"mit", "MIT"},
		{"  GPL-2.0-or-later  ", "GPL-2.0-or-later"},
		{"gpl-2.0+", "GPL-2.0+"},
		{"GPL-2.0-or-later AND (MIT OR bsd-3-clause)", "GPL-2.0-or-later AND (MIT OR BSD-3-Clause)"},
		{"(MIT)", "(MIT)"},
		{"((MIT))AND(Zlib)", "((MIT)) AND (Zlib)"},
		{"GPL-2.0+ WITH classpath-exception-2.0", "GPL-2.0+ WITH Classpath-exception-2.0"},
		{"Apache-2.0 WITH LLVM-exception OR MIT", "Apache-2.0 WITH LLVM-exception OR MIT"},
		{"MPL-2.0\tAND\nMIT", "MPL-2.0 AND MIT"},
		{"0BSD", "0BSD"},
		{"zlib-acknowledgement", "zlib-acknowledgement"},
	};
	for (size_t i = 0; i < N_(ok); i++) {
		const char *got = vakt_spdx_license_expr(ok[i][0], &a);
		print_message("expr: %s\n", ok[i][0]);
		assert_non_null(got);
		assert_string_equal(got, ok[i][1]);
	}
	static const char *const bad[] = {
		"", "   ", "GPLv2+ and LGPLv2+", "GPL-2+", "GPL-2", "BSD-3-clause and MIT", "MIT and BSD",
		"LicenseRef-foo", "DocumentRef-x:LicenseRef-y", "MIT OR", "OR MIT", "(MIT", "MIT)", "()",
		"MIT WITH MIT", "Classpath-exception-2.0", "MIT WITH", "MIT WITH LLVM-exception+",
		"MIT BSD-3-Clause", "MIT++", "+", "MIT, BSD", "Public Domain", "mit or apache-2.0",
		"MIT\xc3\xa9", "GPL-2.0-or-later WITH", "MIT AND AND Zlib",
	};
	for (size_t i = 0; i < N_(bad); i++) {
		print_message("not an expression: %s\n", bad[i]);
		assert_null(vakt_spdx_license_expr(bad[i], &a));
	}
	assert_null(vakt_spdx_license_expr(NULL, &a));
	/* nesting: 32 levels are fine, 33 are not; very long text is not looked at */
	char deep[200];
	for (int depth = 32; depth <= 33; depth++) {
		size_t n = 0;
		for (int i = 0; i < depth; i++)
			deep[n++] = '(';
		memcpy(deep + n, "MIT", 3);
		n += 3;
		for (int i = 0; i < depth; i++)
			deep[n++] = ')';
		deep[n] = '\0';
		if (depth == 32)
			assert_non_null(vakt_spdx_license_expr(deep, &a));
		else
			assert_null(vakt_spdx_license_expr(deep, &a));
	}
	char *longer = malloc(5000 * 8);
	size_t n = 0;
	for (int i = 0; i < 700; i++)
		n += (size_t)sprintf(longer + n, "%sMIT", i ? " OR " : "");
	assert_null(vakt_spdx_license_expr(longer, &a));
	free(longer);

	assert_string_equal(vakt_spdx_license_ref("GPLv2+ and LGPLv2+", &a),
			    "LicenseRef-GPLv2-plus-and-LGPLv2-plus");
	assert_string_equal(vakt_spdx_license_ref("GPL-2+", &a), "LicenseRef-GPL-2-plus");
	assert_string_equal(vakt_spdx_license_ref("  ASL 2.0 ", &a), "LicenseRef-ASL-2.0");
	assert_string_equal(vakt_spdx_license_ref("???", &a), "LicenseRef-unknown");
	assert_string_equal(vakt_spdx_license_ref("caf\xc3\xa9!", &a), "LicenseRef-caf");
	const char *lr = vakt_spdx_license_ref(
		"LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD", &a);
	assert_true(strlen(lr) <= strlen("LicenseRef-") + 64);
	assert_true(lr[strlen(lr) - 1] != '-');
	vakt_arena_destroy(&a);
}

static void test_uuid_time(void **state)
{
	(void)state;
	char u[37];
	/* python3: uuid.uuid5(uuid.NAMESPACE_URL, "https://vakt.invalid/x") */
	vakt_uuid5("https://vakt.invalid/x", u);
	assert_string_equal(u, "a6e6b2bb-8443-5205-b1df-40d1a94ea9b4");
	vakt_uuid5("", u);
	assert_string_equal(u, "1b4db7eb-4057-5ddf-91e0-36dec72071f5");

	vakt_image img;
	memset(&img, 0, sizeof(img));
	char t[32];
	unsetenv("SOURCE_DATE_EPOCH");
	static const char *const times[][2] = {
		{"2024-01-02T03:04:05.123456789Z", "2024-01-02T03:04:05Z"},
		{"2024-01-02T03:04:05+02:00", "2024-01-02T01:04:05Z"},
		{"2024-01-01T00:30:00-01:00", "2024-01-01T01:30:00Z"},
		{"2024-02-29t23:59:60z", "2024-02-29T23:59:59Z"},
		{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
		{"2023-02-29T00:00:00Z", "1970-01-01T00:00:00Z"}, /* not a date */
		{"1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z"}, /* before the epoch */
		{"1970-01-01T00:30:00+01:00", "1970-01-01T00:00:00Z"},
		{"2024-01-02 03:04:05Z", "2024-01-02T03:04:05Z"},
		{"2024-01-02T03:04:05", "1970-01-01T00:00:00Z"}, /* no offset */
		{"2024-01-02T03:04:05.Z", "1970-01-01T00:00:00Z"},
		{"2024-13-02T03:04:05Z", "1970-01-01T00:00:00Z"},
		{"", "1970-01-01T00:00:00Z"},
	};
	for (size_t i = 0; i < N_(times); i++) {
		img.config.created = times[i][0];
		vakt_sbom_time(&img, t);
		print_message("time: %s\n", times[i][0]);
		assert_string_equal(t, times[i][1]);
	}
	img.config.created = NULL;
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	vakt_sbom_time(&img, t);
	assert_string_equal(t, "2023-11-14T22:13:20Z");
	img.config.created = "garbage";
	vakt_sbom_time(&img, t);
	assert_string_equal(t, "2023-11-14T22:13:20Z");
	setenv("SOURCE_DATE_EPOCH", "-5", 1);
	vakt_sbom_time(&img, t);
	assert_string_equal(t, "1970-01-01T00:00:00Z");
	setenv("SOURCE_DATE_EPOCH", "999999999999999", 1);
	vakt_sbom_time(&img, t);
	assert_string_equal(t, "1970-01-01T00:00:00Z");
	unsetenv("SOURCE_DATE_EPOCH");
}

/* ---- sample images -------------------------------------------------------------------------- */

struct sample {
	vakt_image img;
	vakt_pkg items[64];
	vakt_image_layer layers[2];
	char longver[1100];
};

/* An image with dpkg, apk and rpm packages and every awkward string we could think of. */
static void awkward_image(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	vakt_image *img = &s->img;
	img->ref = "awkward.tar";
	img->format = "docker-archive";
	img->name = "example.org/team/awk\"ward:1.0";
	img->digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	img->config_digest = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	img->config.created = "2024-05-06T07:08:09.123456Z";
	img->config.os = "linux";
	img->config.architecture = "amd64";
	s->layers[0].diff_id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	s->layers[1].diff_id = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	img->layers = s->layers;
	img->nlayers = 2;
	img->os = (vakt_os_info){.id = "debian", .version_id = "12", .version = "12.8",
				 .codename = "bookworm", .pretty_name = "Debian GNU/Linux 12 (bookworm)",
				 .source = "etc/os-release"};
	memset(s->longver, '9', sizeof(s->longver) - 1);

	size_t n = 0;
	vakt_pkg *p;
#define ADD(t, nm, ver, ar, lic) (p = &s->items[n++], *p = pkg(t, nm, ver, ar), p->license = (lic))
	ADD(VAKT_PKG_DPKG, "bash", "5.2.15-2+b7", "amd64", "GPL-3+ AND GPL-2+");
	p->src_version = "5.2.15-2";
	p->maintainer = "Matthias Klose <doko@debian.org>";
	p->db_path = "var/lib/dpkg/status";
	p->layer = 0;
	ADD(VAKT_PKG_DPKG, "libc6", "2.36-9+deb12u8", "amd64", "LGPL-2.1-or-later AND GPL-2.0-or-later");
	p->src_name = "glibc";
	p->maintainer = "GNU Libc Maintainers <debian-glibc@lists.debian.org>";
	p->layer = 1;
	ADD(VAKT_PKG_DPKG, "bsdutils", "1:2.38.1-5+b1", "amd64", "");
	p->src_name = "util-linux";
	p->src_version = "2.38.1-5";
	p->has_epoch = true;
	p->epoch = 1;
	p->layer = 5; /* no such layer */
	ADD(VAKT_PKG_DPKG, "q\"uote\\back", "1.0~rc1+git\"x", "all", "MIT and \"BSD\"");
	p->maintainer = "\xc3\x9c" "n\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 Pers\xc3\xb6n" "\x01\t <u@example.org>";
	ADD(VAKT_PKG_DPKG, "caf\xc3\xa9", "1.0", "amd64", "GPL-2+");
	p->maintainer = "<only@mail.example>";
	ADD(VAKT_PKG_DPKG, "curl", "7.88.1-10+deb12u8", "amd64", "curl");
	p->db_path = "var/lib/dpkg/status";
	ADD(VAKT_PKG_DPKG, "curl", "7.88.1-10+deb12u8", "amd64", "curl"); /* the same, twice */
	p->db_path = "var/lib/dpkg/status.d/curl";
	ADD(VAKT_PKG_DPKG, "ctl\x01\x1f\x7f", "0\x02", NULL, "\xff\xfe invalid utf-8");
	ADD(VAKT_PKG_DPKG, "longversion", s->longver, "amd64", "GPL 2+");
	ADD(VAKT_PKG_DPKG, "tricky-ref", "1", "amd64", "GPL-2-plus-2");
	ADD(VAKT_PKG_DPKG, "nolicense", "1", "amd64", NULL);
	ADD(VAKT_PKG_DPKG, "spaces only", "1", "amd64", "  \t ");
	ADD(VAKT_PKG_APK, "musl", "1.2.4-r2", "x86_64", "MIT");
	p->maintainer = "Timo Ter\xc3\xa4s <timo.teras@iki.fi>";
	p->db_path = "lib/apk/db/installed";
	ADD(VAKT_PKG_APK, "busybox", "1.36.1-r15", "x86_64", "GPL-2.0-only");
	ADD(VAKT_PKG_APK, "ca-certificates", "20240226-r0", "x86_64", "MPL-2.0 AND MIT");
	ADD(VAKT_PKG_APK, "oldstyle", "1-r0", "x86_64", "GPL2+ BSD");
	ADD(VAKT_PKG_APK, "refers", "1-r0", "x86_64", "LicenseRef-Fedora-Public-Domain");
	ADD(VAKT_PKG_RPM, "openssl-libs", "1:3.0.7-24.el9", "x86_64", "ASL 2.0");
	p->rpm_version = "3.0.7";
	p->rpm_release = "24.el9";
	p->has_epoch = true;
	p->epoch = 1;
	p->src_name = "openssl";
	p->src_version = "1:3.0.7-24.el9";
	p->maintainer = "Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>";
	p->db_path = "var/lib/rpm/rpmdb.sqlite";
	ADD(VAKT_PKG_RPM, "glibc", "2.34-83.el9", "x86_64",
	    "LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD and "
	    "Inner-Net and ISC and Public Domain and GFDL");
	p->rpm_version = "2.34";
	p->rpm_release = "83.el9";
	p->maintainer = "Red Hat, Inc.";
	ADD(VAKT_PKG_RPM, "bash", "5.1.8-6.el9", "x86_64", "GPLv3+");
	ADD(VAKT_PKG_RPM, "tzdata", "2024a-1.el9", "noarch", "Public Domain");
	ADD(VAKT_PKG_RPM, "zero-epoch", "0:1-1", "noarch", "GPL-2.0-or-later WITH Linux-syscall-note");
	p->has_epoch = true;
	ADD(VAKT_PKG_RPM, "deep", "1-1", "noarch",
	    "((((((((((((((((((((((((((((((((((MIT))))))))))))))))))))))))))))))))))");
#undef ADD
	img->pkgs.items = s->items;
	img->pkgs.n = img->pkgs.cap = n;
}

/* A rootfs directory with nothing known: no digest, no OS, no packages, no time. */
static void minimal_image(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	s->img.ref = "/some/rootfs";
	s->img.format = "rootfs";
}

static char *write_mem(void (*writer)(FILE *, const vakt_image *), const vakt_image *img,
		       size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	writer(f, img);
	fclose(f);
	return buf;
}

static void test_sbom_deterministic(void **state)
{
	(void)state;
	static struct sample s;
	awkward_image(&s);
	void (*writers[])(FILE *, const vakt_image *) = {vakt_sbom_cyclonedx, vakt_sbom_spdx};
	for (size_t w = 0; w < N_(writers); w++) {
		size_t l1, l2, l3;
		char *a = write_mem(writers[w], &s.img, &l1);
		char *b = write_mem(writers[w], &s.img, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(a, b, l1);
		/* the input order does not matter */
		for (size_t i = 0, j = s.img.pkgs.n - 1; i < j; i++, j--) {
			vakt_pkg t = s.items[i];
			s.items[i] = s.items[j];
			s.items[j] = t;
		}
		char *c = write_mem(writers[w], &s.img, &l3);
		assert_int_equal(l1, l3);
		assert_memory_equal(a, c, l1);
		/* nor does the time of day: with a config time, SOURCE_DATE_EPOCH is not read */
		setenv("SOURCE_DATE_EPOCH", "12345", 1);
		free(c);
		c = write_mem(writers[w], &s.img, &l3);
		unsetenv("SOURCE_DATE_EPOCH");
		assert_int_equal(l1, l3);
		assert_memory_equal(a, c, l1);
		free(a);
		free(b);
		free(c);
	}
}

static json_t *parse(const char *text, size_t len)
{
	json_error_t e;
	json_t *j = json_loadb(text, len, 0, &e);
	if (!j)
		fail_msg("invalid JSON: %s at line %d", e.text, e.line);
	return j;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_cyclonedx(void **state)
{
	(void)state;
	static struct sample s;
	awkward_image(&s);
	size_t len;
	char *text = write_mem(vakt_sbom_cyclonedx, &s.img, &len);
	json_t *j = parse(text, len);
	assert_string_equal(jstr(j, "bomFormat"), "CycloneDX");
	assert_string_equal(jstr(j, "specVersion"), "1.6");
	const char *serial = jstr(j, "serialNumber");
	assert_int_equal(strlen(serial), 45);
	assert_true(strncmp(serial, "urn:uuid:", 9) == 0 && serial[9 + 14] == '5');
	json_t *meta = json_object_get(j, "metadata");
	assert_string_equal(jstr(meta, "timestamp"), "2024-05-06T07:08:09Z");
	json_t *comp = json_object_get(meta, "component");
	assert_string_equal(jstr(comp, "type"), "container");
	json_t *tool = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"), 0);
	assert_string_equal(jstr(tool, "version"), VAKT_VERSION);

	json_t *comps = json_object_get(j, "components");
	assert_int_equal(json_array_size(comps), s.img.pkgs.n + 1);
	assert_string_equal(jstr(json_array_get(comps, 0), "type"), "operating-system");
	assert_string_equal(jstr(json_array_get(comps, 0), "version"), "12.8");
	/* the duplicate curl: same purl, distinct bom-refs */
	int curls = 0, ids = 0;
	size_t i;
	json_t *c;
	json_array_foreach(comps, i, c) {
		const char *ref = jstr(c, "bom-ref");
		assert_non_null(ref);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(ref, jstr(json_array_get(comps, k), "bom-ref"));
		const char *purl = jstr(c, "purl");
		if (purl && strcmp(purl, "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u8?arch=amd64&distro=debian-12") == 0) {
			curls++;
			if (strcmp(ref, purl) != 0) {
				assert_string_equal(ref, "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u8?arch=amd64&distro=debian-12&package-id=2");
				ids++;
			}
		}
		if (purl && strcmp(jstr(c, "name"), "longversion") == 0)
			assert_null(jstr(c, "version")); /* over the schema's 1024 */
		if (purl && strcmp(jstr(c, "name"), "libc6") == 0) {
			json_t *lic = json_array_get(json_object_get(c, "licenses"), 0);
			assert_string_equal(jstr(lic, "expression"), "LGPL-2.1-or-later AND GPL-2.0-or-later");
		}
		if (purl && strcmp(jstr(c, "name"), "glibc") == 0) {
			json_t *lic = json_array_get(json_object_get(c, "licenses"), 0);
			assert_true(strncmp(jstr(json_object_get(lic, "license"), "name"), "LGPLv2+ and", 11) == 0);
		}
		if (purl && strcmp(jstr(c, "name"), "bsdutils") == 0)
			assert_null(json_object_get(c, "licenses")); /* empty licence: none */
	}
	assert_int_equal(curls, 2);
	assert_int_equal(ids, 1);
	json_t *deps = json_object_get(j, "dependencies");
	assert_int_equal(json_array_size(deps), 1);
	assert_int_equal(json_array_size(json_object_get(json_array_get(deps, 0), "dependsOn")),
			 s.img.pkgs.n + 1);
	json_decref(j);
	free(text);
}

static void test_spdx(void **state)
{
	(void)state;
	static struct sample s;
	awkward_image(&s);
	size_t len;
	char *text = write_mem(vakt_sbom_spdx, &s.img, &len);
	json_t *j = parse(text, len);
	assert_string_equal(jstr(j, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(jstr(j, "dataLicense"), "CC0-1.0");
	const char *ns = jstr(j, "documentNamespace");
	assert_true(strncmp(ns, "https://vakt.invalid/spdx/example.org-team-awk-ward-1.0-", 56) == 0);
	json_t *ci = json_object_get(j, "creationInfo");
	assert_string_equal(jstr(ci, "created"), "2024-05-06T07:08:09Z");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)),
			    "Tool: vakt-" VAKT_VERSION);

	json_t *pkgs = json_object_get(j, "packages");
	assert_int_equal(json_array_size(pkgs), s.img.pkgs.n + 2);
	json_t *lics = json_object_get(j, "hasExtractedLicensingInfos");
	size_t i, k;
	json_t *p, *l;
	/* every LicenseRef used is declared exactly once, every declared one is used */
	json_array_foreach(lics, i, l) {
		const char *id = jstr(l, "licenseId");
		assert_true(strncmp(id, "LicenseRef-", 11) == 0);
		for (k = 0; k < i; k++)
			assert_string_not_equal(id, jstr(json_array_get(lics, k), "licenseId"));
		int used = 0;
		json_array_foreach(pkgs, k, p) {
			const char *d = jstr(p, "licenseDeclared");
			used += d && strcmp(d, id) == 0;
		}
		assert_true(used > 0);
	}
	int gpl2plus = 0;
	json_array_foreach(pkgs, i, p) {
		const char *id = jstr(p, "SPDXID");
		for (const char *c = id; *c; c++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-", *c));
		for (k = 0; k < i; k++)
			assert_string_not_equal(id, jstr(json_array_get(pkgs, k), "SPDXID"));
		const char *d = jstr(p, "licenseDeclared");
		if (d && strncmp(d, "LicenseRef-", 11) == 0) {
			int found = 0;
			json_array_foreach(lics, k, l)
				found += strcmp(jstr(l, "licenseId"), d) == 0;
			assert_int_equal(found, 1);
		}
		if (d && strncmp(d, "LicenseRef-GPL-2-plus", 21) == 0)
			gpl2plus++;
	}
	/* "GPL 2+", "GPL-2+" and "GPL-2-plus-2" all start as LicenseRef-GPL-2-plus... */
	assert_int_equal(gpl2plus, 3);
	json_t *rels = json_object_get(j, "relationships");
	assert_int_equal(json_array_size(rels), s.img.pkgs.n + 2);
	assert_string_equal(jstr(json_array_get(rels, 0), "relationshipType"), "DESCRIBES");
	json_decref(j);
	free(text);
}

static void test_sbom_minimal(void **state)
{
	(void)state;
	static struct sample s;
	minimal_image(&s);
	unsetenv("SOURCE_DATE_EPOCH");
	size_t l1, l2;
	char *a = write_mem(vakt_sbom_cyclonedx, &s.img, &l1);
	json_t *j = parse(a, l1);
	assert_int_equal(json_array_size(json_object_get(j, "components")), 0);
	assert_string_equal(jstr(json_object_get(j, "metadata"), "timestamp"), "1970-01-01T00:00:00Z");
	assert_string_equal(jstr(json_object_get(json_object_get(j, "metadata"), "component"), "name"),
			    "/some/rootfs");
	json_decref(j);
	char *b = write_mem(vakt_sbom_spdx, &s.img, &l2);
	j = parse(b, l2);
	assert_int_equal(json_array_size(json_object_get(j, "packages")), 1);
	assert_null(json_object_get(j, "hasExtractedLicensingInfos"));
	json_decref(j);
	/* a rootfs without a digest: the identity follows the contents */
	struct sample *t = malloc(sizeof(*t));
	awkward_image(t);
	t->img.digest = NULL;
	size_t l3, l4;
	char *c = write_mem(vakt_sbom_cyclonedx, &t->img, &l3);
	t->img.pkgs.n--;
	char *d = write_mem(vakt_sbom_cyclonedx, &t->img, &l4);
	json_t *jc = parse(c, l3), *jd = parse(d, l4);
	assert_string_not_equal(jstr(jc, "serialNumber"), jstr(jd, "serialNumber"));
	json_decref(jc);
	json_decref(jd);
	free(a);
	free(b);
	free(c);
	free(d);
	free(t);
}

/* ---- --write DIR -------------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name,
		      void (*writer)(FILE *, const vakt_image *), const vakt_image *img)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	writer(f, img);
	if (fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("wrote %s\n", path);
	return 0;
}

/* The licence short names of a DEP-5 copyright file, joined with " AND " (a rough cut for
 * test data; the real reader is vakt_pkgdb_dpkg_copyright). */
static const char *dep5_licenses(const char *path, vakt_arena *a)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text)
		return NULL;
	char out[1024] = "", *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "License: ", 9) != 0)
			continue;
		const char *v = line + 9;
		char want[300];
		snprintf(want, sizeof(want), "%s", v);
		if (strstr(out, want))
			continue;
		if (strlen(out) + strlen(want) + 6 >= sizeof(out))
			break;
		if (out[0])
			strcat(out, " AND ");
		strcat(out, want);
	}
	free(text);
	return out[0] ? vakt_arena_strdup(a, out) : NULL;
}

/* The Debian image built by make-debian-image.sh: os files from its rootfs, packages
 * from its ground-truth list, licences from the rootfs's copyright files. */
static int write_debian(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/../images/deb/packages-curl.tsv", repo_root());
	size_t len, osl = 0, dvl = 0;
	char *tsv = slurp(path, &len);
	if (!tsv) {
		printf("no %s: the Debian sample is skipped\n", path);
		return 0;
	}
	vakt_image *img = calloc(1, sizeof(*img));
	vakt_arena_init(&img->arena, 0);
	snprintf(path, sizeof(path), "%s/../images/deb/rootfs/etc/os-release", repo_root());
	char *osr = slurp(path, &osl);
	snprintf(path, sizeof(path), "%s/../images/deb/rootfs/etc/debian_version", repo_root());
	char *dv = slurp(path, &dvl);
	vakt_os_detect(&img->os, &img->arena, osr, osl, "etc/os-release", NULL, 0, dv, dvl, NULL, 0);
	free(osr);
	free(dv);
	img->ref = "../images/deb/curl-slim.oci.tar";
	img->format = "oci-archive";
	img->name = "curl-slim";
	img->digest = "sha256:5e1ec7ab1e5e1ec7ab1e5e1ec7ab1e5e1ec7ab1e5e1ec7ab1e5e1ec7ab1e5e1e";
	size_t cap = 256, n = 0;
	vakt_pkg *items = calloc(cap, sizeof(*items));
	char *save = NULL;
	for (char *line = strtok_r(tsv, "\n", &save); line && n < cap;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {0};
		int nf = 0;
		for (char *c = line; nf < 4;) {
			f[nf++] = c;
			c = strchr(c, '\t');
			if (!c)
				break;
			*c++ = '\0';
		}
		if (nf < 4)
			continue;
		vakt_pkg *p = &items[n++];
		*p = pkg(VAKT_PKG_DPKG, vakt_arena_strdup(&img->arena, f[0]),
			 vakt_arena_strdup(&img->arena, f[1]), "amd64");
		p->src_name = vakt_arena_strdup(&img->arena, f[2]);
		p->src_version = vakt_arena_strdup(&img->arena, f[3]);
		p->db_path = "var/lib/dpkg/status";
		p->layer = 0;
		snprintf(path, sizeof(path), "%s/../images/deb/rootfs/usr/share/doc/%s/copyright",
			 repo_root(), f[0]);
		p->license = dep5_licenses(path, &img->arena);
	}
	free(tsv);
	img->pkgs.items = items;
	img->pkgs.n = img->pkgs.cap = n;
	int rc = write_file(dir, "debian-curl.cdx.json", vakt_sbom_cyclonedx, img) |
		 write_file(dir, "debian-curl.spdx.json", vakt_sbom_spdx, img);
	free(items);
	vakt_arena_destroy(&img->arena);
	free(img);
	return rc;
}

static int write_samples(const char *dir)
{
	static struct sample s;
	int rc = 0;
	awkward_image(&s);
	rc |= write_file(dir, "awkward.cdx.json", vakt_sbom_cyclonedx, &s.img);
	rc |= write_file(dir, "awkward.spdx.json", vakt_sbom_spdx, &s.img);
	minimal_image(&s);
	rc |= write_file(dir, "minimal.cdx.json", vakt_sbom_cyclonedx, &s.img);
	rc |= write_file(dir, "minimal.spdx.json", vakt_sbom_spdx, &s.img);
	rc |= write_debian(dir);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_samples(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--write DIR]\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_cases),
		cmocka_unit_test(test_os_limits),
		cmocka_unit_test(test_os_real_files),
		cmocka_unit_test(test_purl_spec_vectors),
		cmocka_unit_test(test_purl_vakt),
		cmocka_unit_test(test_license_expr),
		cmocka_unit_test(test_uuid_time),
		cmocka_unit_test(test_sbom_deterministic),
		cmocka_unit_test(test_cyclonedx),
		cmocka_unit_test(test_spdx),
		cmocka_unit_test(test_sbom_minimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
