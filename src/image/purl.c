/* purl.c - package URLs, and the identities, order and time both SBOM writers derive
 * from an image (see sbom.h). */
#include "image/sbom.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- package URLs ----------------------------------------------------------------------- */

/* purl-spec "Character encoding": alphanumerics and ".-_~" are never encoded, and
 * neither is ':' ("the colon ':', whether used as a Separator Character or otherwise");
 * every other octet of the UTF-8 text is %XX with upper-case hex. */
static void put_enc(vakt_buf *b, const char *s, bool lower)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
			vakt_buf_putc(b, (char)c);
		} else {
			char t[3] = {'%', hex[c >> 4], hex[c & 15]};
			vakt_buf_append(b, t, 3);
		}
	}
}

/* The purl type of a package database. */
static const char *purl_type(vakt_pkg_type t)
{
	switch (t) {
	case VAKT_PKG_DPKG:
		return "deb";
	case VAKT_PKG_APK:
		return "apk";
	case VAKT_PKG_RPM:
		return "rpm";
	default:
		return "generic";
	}
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The namespace (vendor) of p's purl, or NULL for none; see sbom.h for the choices. */
static const char *purl_namespace(const vakt_pkg *p, const vakt_os_info *os)
{
	const char *id = os && os->id && *os->id ? os->id : NULL;
	switch (p->type) {
	case VAKT_PKG_DPKG:
		return id ? id : "debian";
	case VAKT_PKG_APK:
		return id ? id : "alpine";
	case VAKT_PKG_RPM:
		if (!id)
			return NULL;
		if (strcmp(id, "rhel") == 0)
			return "redhat";
		if (has_prefix(id, "opensuse"))
			return "opensuse"; /* opensuse-leap, opensuse-tumbleweed */
		if (has_prefix(id, "sles") || has_prefix(id, "sled") || has_prefix(id, "sle-"))
			return "suse";
		return id;
	default:
		return id;
	}
}

/* The rpm purl version "version-release" (epoch is a qualifier): from the parts when the
 * parser recorded them, else p->version without a leading "epoch:". */
static void put_rpm_version(vakt_buf *b, const vakt_pkg *p)
{
	if (p->rpm_version && *p->rpm_version) {
		put_enc(b, p->rpm_version, false);
		if (p->rpm_release && *p->rpm_release) {
			vakt_buf_putc(b, '-');
			put_enc(b, p->rpm_release, false);
		}
		return;
	}
	const char *v = p->version, *q = v;
	while (*q >= '0' && *q <= '9')
		q++;
	put_enc(b, q > v && *q == ':' ? q + 1 : v, false);
}

const char *vakt_purl(const vakt_pkg *p, const vakt_os_info *os, vakt_arena *arena)
{
	/* Built from strings the package parsers already bounded; at most three times their
	 * length after encoding. */
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&b, "pkg:");
	vakt_buf_puts(&b, purl_type(p->type));
	vakt_buf_putc(&b, '/');
	const char *ns = purl_namespace(p, os);
	if (ns) {
		put_enc(&b, ns, true); /* deb, apk, rpm: the vendor is lower case */
		vakt_buf_putc(&b, '/');
	}
	/* deb names are lower-cased by the deb type's rules (Debian policy makes them so) */
	put_enc(&b, p->name ? p->name : "", p->type == VAKT_PKG_DPKG);
	if (p->version && *p->version) {
		vakt_buf_putc(&b, '@');
		if (p->type == VAKT_PKG_RPM)
			put_rpm_version(&b, p);
		else
			put_enc(&b, p->version, false);
	}

	/* qualifiers in key order: arch < distro < epoch */
	char sep = '?';
	if (p->arch && *p->arch) {
		vakt_buf_putc(&b, sep);
		sep = '&';
		vakt_buf_puts(&b, "arch=");
		put_enc(&b, p->arch, false);
	}
	if (os && os->id && *os->id) {
		vakt_buf_putc(&b, sep);
		sep = '&';
		vakt_buf_puts(&b, "distro=");
		put_enc(&b, os->id, false);
		const char *v = os->version_id && *os->version_id ? os->version_id : os->version;
		if (v && *v) {
			vakt_buf_putc(&b, '-');
			put_enc(&b, v, false);
		}
	}
	if (p->type == VAKT_PKG_RPM && p->has_epoch) {
		vakt_buf_putc(&b, sep);
		vakt_buf_printf(&b, "epoch=%" PRIu32, p->epoch);
	}
	const char *s = vakt_arena_strndup(arena, vakt_buf_str(&b), b.len);
	vakt_buf_free(&b);
	return s;
}

/* ---- document order and identity ---------------------------------------------------------- */

static int scmp(const char *a, const char *b)
{
	int c = strcmp(a ? a : "", b ? b : "");
	return c ? c : (a != NULL) - (b != NULL);
}

/* vakt_pkg_list_sort's order (type, name, arch, version), then every other field, so
 * that the document does not depend on the order the databases listed packages in. */
static int cmp_pkg(const void *pa, const void *pb)
{
	const vakt_pkg *a = *(const vakt_pkg *const *)pa, *b = *(const vakt_pkg *const *)pb;
	int c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = scmp(a->name, b->name)) || (c = scmp(a->arch, b->arch)) ||
	    (c = scmp(a->version, b->version)) || (c = scmp(a->src_name, b->src_name)) ||
	    (c = scmp(a->src_version, b->src_version)) || (c = scmp(a->license, b->license)) ||
	    (c = scmp(a->maintainer, b->maintainer)) || (c = scmp(a->db_path, b->db_path)))
		return c;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return 0;
}

/* Sorting indexes by the string they name, ties by index: finds duplicates in
 * O(n log n) whatever the input. */
static int cmp_idx(const void *pa, const void *pb, void *strs)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const char *const *s = strs;
	int c = strcmp(s[a], s[b]);
	return c ? c : (a > b) - (a < b);
}

size_t *vakt_sbom_sorted_index(const char *const *strs, size_t n)
{
	size_t *idx = xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_idx, (void *)(uintptr_t)strs);
	return idx;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void vakt_sbom_doc_init(vakt_sbom_doc *d, const vakt_image *img)
{
	memset(d, 0, sizeof(*d));
	vakt_arena_init(&d->arena, 0);
	d->img = img;
	size_t n = d->n = img->pkgs.n;
	d->pkgs = vakt_arena_calloc(&d->arena, n ? n : 1, sizeof(*d->pkgs));
	d->purls = vakt_arena_calloc(&d->arena, n ? n : 1, sizeof(*d->purls));
	d->refs = vakt_arena_calloc(&d->arena, n ? n : 1, sizeof(*d->refs));
	for (size_t i = 0; i < n; i++)
		d->pkgs[i] = &img->pkgs.items[i];
	qsort(d->pkgs, n, sizeof(*d->pkgs), cmp_pkg);
	for (size_t i = 0; i < n; i++)
		d->purls[i] = d->refs[i] = vakt_purl(d->pkgs[i], &img->os, &d->arena);

	/* The same purl twice (one package in two databases): the later ones get a
	 * package-id qualifier, which sorts after every qualifier vakt_purl writes and which
	 * vakt_purl never writes, so the result cannot meet another package's purl. */
	size_t *idx = vakt_sbom_sorted_index(d->purls, n);
	for (size_t i = 1, k = 1; i < n; i++) {
		size_t j = idx[i];
		if (strcmp(d->purls[j], d->purls[idx[i - 1]]) != 0) {
			k = 1;
			continue;
		}
		k++;
		d->refs[j] = vakt_arena_printf(&d->arena, "%s%cpackage-id=%zu", d->purls[j],
					       strchr(d->purls[j], '?') ? '&' : '?', k);
	}
	free(idx);

	if (img->digest && *img->digest) {
		d->identity = img->digest;
	} else {
		/* no digest (a rootfs directory): the name and what is in it */
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		if (!ctx)
			vakt_oom();
		const char *name = img->name ? img->name : img->ref ? img->ref : "";
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
		EVP_DigestUpdate(ctx, "vakt-rootfs\n", 12);
		EVP_DigestUpdate(ctx, name, strlen(name) + 1);
		for (size_t i = 0; i < n; i++)
			EVP_DigestUpdate(ctx, d->refs[i], strlen(d->refs[i]) + 1);
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		EVP_DigestFinal_ex(ctx, md, &mdlen);
		EVP_MD_CTX_free(ctx);
		char h[2 * EVP_MAX_MD_SIZE + 1];
		hex(md, mdlen, h);
		d->identity = vakt_arena_printf(&d->arena, "sha256:%s", h);
	}
	vakt_sbom_time(img, d->created);
}

void vakt_sbom_doc_free(vakt_sbom_doc *d)
{
	vakt_arena_destroy(&d->arena);
	memset(d, 0, sizeof(*d));
}

/* ---- time ---------------------------------------------------------------------------------- */

#define MAX_TIME INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool num(const char **s, int ndigits, int *out)
{
	int v = 0;
	for (int i = 0; i < ndigits; i++) {
		char c = (*s)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*s += ndigits;
	*out = v;
	return true;
}

/* RFC 3339 date-time -> seconds since the epoch (UTC). */
static bool parse_rfc3339(const char *s, int64_t *ret)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	if (!num(&s, 4, &y) || *s++ != '-' || !num(&s, 2, &mo) || *s++ != '-' || !num(&s, 2, &d))
		return false;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return false;
	s++;
	if (!num(&s, 2, &h) || *s++ != ':' || !num(&s, 2, &mi) || *s++ != ':' || !num(&s, 2, &se))
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++; /* fractions are dropped: the formats want whole seconds */
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (!num(&s, 2, &oh) || *s++ != ':' || !num(&s, 2, &om))
			return false;
	} else {
		return false;
	}
	if (*s)
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
		return false;
	if (se == 60)
		se = 59; /* a leap second: the formats cannot write it */
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= sign * (oh * 3600 + om * 60);
	if (t < 0 || t > MAX_TIME)
		return false;
	*ret = t;
	return true;
}

static void format_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm)), tm.tm_year = 70, tm.tm_mday = 1;
	/* t is within 0000..9999 (callers check MAX_TIME), so this is always 20 bytes */
	if (strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

void vakt_sbom_time(const vakt_image *img, char out[32])
{
	int64_t t = 0;
	if (img && img->config.created && parse_rfc3339(img->config.created, &t)) {
		format_time(t, out);
		return;
	}
	/* https://reproducible-builds.org/specs/source-date-epoch/: a decimal integer */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde && strlen(sde) <= 12 && strspn(sde, "0123456789") == strlen(sde)) {
		t = strtoll(sde, NULL, 10);
		if (t <= MAX_TIME) {
			format_time(t, out);
			return;
		}
	}
	format_time(0, out);
}

/* ---- name-based UUIDs ---------------------------------------------------------------------- */

void vakt_uuid5(const char *name, char out[37])
{
	/* RFC 4122 appendix C: the URL namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8 */
	static const unsigned char ns[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					     0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		vakt_oom();
	EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
	EVP_DigestUpdate(ctx, ns, sizeof(ns));
	EVP_DigestUpdate(ctx, name, strlen(name));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	char h[33];
	hex(md, 16, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}
