/* sbom_spdx.c - SPDX 2.3 JSON for an image, and the SPDX licence-expression check both
 * SBOM writers use.
 *
 * Licences: package databases record licences in every dialect there is: SPDX
 * expressions (Alpine, Fedora since 2023), Callaway short names ("GPLv2+ and LGPLv2+",
 * RHEL), DEP-5 short names ("GPL-2+", "BSD-3-clause", Debian). Only a valid expression
 * over known identifiers goes into licenseDeclared; any other text is kept verbatim
 * under a LicenseRef- declared once in hasExtractedLicensingInfos, so nothing is lost
 * and no validator sees an identifier that is not on the SPDX licence list.
 */
#include "image/sbom.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/jsonw.h"
#include "core/xalloc.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- SPDX licence expressions ------------------------------------------------------------ */

/* SPDX licence and exception identifiers vakt recognises: the licences distributions use,
 * as spelled on the SPDX licence list (each checked present in list 3.17). Sorted
 * case-insensitively (strcasecmp), for bsearch. An identifier missing here is not an
 * error: the text is kept as a LicenseRef instead. */
static const char *const spdx_licenses[] = {
	"0BSD", "AAL", "ADSL", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0",
	"AGPL-1.0", "AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0", "AGPL-3.0-only",
	"AGPL-3.0-or-later", "AMDPLPA", "AML", "AMPAS", "ANTLR-PD", "Apache-1.0", "Apache-1.1",
	"Apache-2.0", "APSL-1.0", "APSL-1.1", "APSL-1.2", "APSL-2.0", "Artistic-1.0",
	"Artistic-1.0-cl8", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BitTorrent-1.0",
	"BitTorrent-1.1", "blessing", "BlueOak-1.0.0", "BSD-1-Clause", "BSD-2-Clause",
	"BSD-2-Clause-FreeBSD", "BSD-2-Clause-NetBSD", "BSD-2-Clause-Patent",
	"BSD-2-Clause-Views", "BSD-3-Clause", "BSD-3-Clause-Attribution", "BSD-3-Clause-Clear",
	"BSD-3-Clause-LBNL", "BSD-3-Clause-Modification", "BSD-3-Clause-No-Nuclear-License",
	"BSD-3-Clause-Open-MPI", "BSD-4-Clause", "BSD-4-Clause-UC", "BSD-Protection",
	"BSD-Source-Code", "BSL-1.0", "bzip2-1.0.5", "bzip2-1.0.6", "CAL-1.0", "Caldera",
	"CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-NC-4.0",
	"CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
	"CC-PDDC", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CDLA-Permissive-1.0",
	"CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "CECILL-1.0", "CECILL-1.1", "CECILL-2.0",
	"CECILL-2.1", "CECILL-B", "CECILL-C", "ClArtistic", "CNRI-Python", "Condor-1.1",
	"copyleft-next-0.3.0", "copyleft-next-0.3.1", "CPAL-1.0", "CPL-1.0", "Crossword",
	"CrystalStacker", "Cube", "curl", "D-FSL-1.0", "diffmark", "DOC", "DSDP", "dvipdfm",
	"ECL-1.0", "ECL-2.0", "eCos-2.0", "EFL-1.0", "EFL-2.0", "eGenix", "Entessa", "EPL-1.0",
	"EPL-2.0", "ErlPL-1.1", "etalab-2.0", "EUDatagrid", "EUPL-1.0", "EUPL-1.1", "EUPL-1.2",
	"Eurosym", "Fair", "Frameworx-1.0", "FreeImage", "FSFAP", "FSFUL", "FSFULLR", "FTL",
	"GD", "GFDL-1.1", "GFDL-1.1-only", "GFDL-1.1-or-later", "GFDL-1.2", "GFDL-1.2-only",
	"GFDL-1.2-or-later", "GFDL-1.3", "GFDL-1.3-only", "GFDL-1.3-or-later", "Giftware",
	"GL2PS", "Glide", "Glulxe", "gnuplot", "GPL-1.0", "GPL-1.0-only", "GPL-1.0-or-later",
	"GPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-2.0-with-autoconf-exception",
	"GPL-2.0-with-bison-exception", "GPL-2.0-with-classpath-exception",
	"GPL-2.0-with-font-exception", "GPL-2.0-with-GCC-exception", "GPL-3.0", "GPL-3.0-only",
	"GPL-3.0-or-later", "GPL-3.0-with-autoconf-exception", "GPL-3.0-with-GCC-exception",
	"HaskellReport", "HPND", "HPND-sell-variant", "HTMLTIDY", "ICU", "IJG", "ImageMagick",
	"iMatix", "Imlib2", "Info-ZIP", "Intel", "Intel-ACPI", "Interbase-1.0", "IPA",
	"IPL-1.0", "ISC", "JasPer-2.0", "JPNIC", "JSON", "LAL-1.2", "LAL-1.3", "Latex2e",
	"Leptonica", "LGPL-2.0", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1",
	"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later",
	"LGPLLR", "Libpng", "libpng-2.0", "libselinux-1.0", "libtiff", "LiLiQ-P-1.1",
	"Linux-OpenIB", "LPL-1.0", "LPL-1.02", "LPPL-1.0", "LPPL-1.1", "LPPL-1.2", "LPPL-1.3a",
	"LPPL-1.3c", "MakeIndex", "MirOS", "MIT", "MIT-0", "MIT-advertising", "MIT-CMU",
	"MIT-enna", "MIT-feh", "MIT-Modern-Variant", "MIT-open-group", "MITNFA", "Motosoto",
	"mpich2", "MPL-1.0", "MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-PL",
	"MS-RL", "MTLL", "Multics", "Mup", "Naumen", "NCSA", "Net-SNMP", "NetCDF", "Newsletr",
	"NGPL", "NLOD-1.0", "NLPL", "Nokia", "NOSL", "Noweb", "NPL-1.0", "NPL-1.1",
	"NPOSL-3.0", "NRL", "NTP", "ODbL-1.0", "OFL-1.0", "OFL-1.1", "OGL-UK-3.0", "OLDAP-2.8",
	"OML", "OpenSSL", "OPL-1.0", "OSET-PL-2.1", "OSL-1.0", "OSL-2.0", "OSL-2.1", "OSL-3.0",
	"PDDL-1.0", "PHP-3.0", "PHP-3.01", "Plexus", "PostgreSQL", "PSF-2.0", "psfrag",
	"psutils", "Python-2.0", "Qhull", "QPL-1.0", "Rdisc", "RHeCos-1.1", "RPL-1.1",
	"RPL-1.5", "RPSL-1.0", "RSA-MD", "RSCPL", "Ruby", "SAX-PD", "Saxpath", "SCEA",
	"Sendmail", "Sendmail-8.23", "SGI-B-1.0", "SGI-B-1.1", "SGI-B-2.0", "SimPL-2.0",
	"SISSL", "SISSL-1.2", "Sleepycat", "SMLNJ", "SMPPL", "SNIA", "Spencer-86",
	"Spencer-94", "Spencer-99", "SPL-1.0", "SSH-OpenSSH", "SSH-short", "SSPL-1.0",
	"SugarCRM-1.1.3", "SWL", "TCL", "TCP-wrappers", "TMate", "TORQUE-1.1", "TOSL",
	"TU-Berlin-1.0", "TU-Berlin-2.0", "UCL-1.0", "Unicode-DFS-2015", "Unicode-DFS-2016",
	"Unicode-TOU", "Unlicense", "UPL-1.0", "Vim", "VOSTROM", "VSL-1.0", "W3C",
	"W3C-19980720", "W3C-20150513", "Watcom-1.0", "Wsuipa", "WTFPL", "wxWindows", "X11",
	"X11-distribute-modifications-variant", "Xerox", "XFree86-1.1", "xinetd", "Xnet",
	"xpp", "XSkat", "YPL-1.0", "YPL-1.1", "Zed", "Zend-2.0", "Zimbra-1.3", "Zimbra-1.4",
	"Zlib", "zlib-acknowledgement", "ZPL-1.1", "ZPL-2.0", "ZPL-2.1",
};

static const char *const spdx_exceptions[] = {
	"389-exception", "Autoconf-exception-2.0", "Autoconf-exception-3.0",
	"Bison-exception-2.2", "Bootloader-exception", "Classpath-exception-2.0",
	"CLISP-exception-2.0", "DigiRule-FOSS-exception", "eCos-exception-2.0",
	"Fawkes-Runtime-exception", "FLTK-exception", "Font-exception-2.0",
	"freertos-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1",
	"gnu-javamail-exception", "GPL-3.0-linking-exception",
	"GPL-3.0-linking-source-exception", "GPL-CC-1.0", "i2p-gpl-java-exception",
	"LGPL-3.0-linking-exception", "Libtool-exception", "Linux-syscall-note",
	"LLVM-exception", "LZMA-exception", "mif-exception", "Nokia-Qt-exception-1.1",
	"OCaml-LGPL-linking-exception", "OCCT-exception-1.0", "OpenJDK-assembly-exception-1.0",
	"openvpn-openssl-exception", "PS-or-PDF-font-exception-20170817",
	"Qt-GPL-exception-1.0", "Qt-LGPL-exception-1.1", "Qwt-exception-1.0", "SHL-2.0",
	"SHL-2.1", "Swift-exception", "u-boot-exception-2.0", "Universal-FOSS-exception-1.0",
	"WxWindows-exception-3.1",
};

#define LICENSE_MAX_TEXT 4096
#define LICENSE_MAX_DEPTH 32
#define LICENSE_REF_MAX 64

/* The canonical spelling of the identifier tok[0..n) in table, or NULL. */
static const char *lookup_id(const char *const *table, size_t count, const char *tok, size_t n)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncasecmp(tok, table[mid], n);
		if (c == 0 && table[mid][n] != '\0')
			c = -1; /* tok is a proper prefix of the entry */
		if (c == 0)
			return table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

enum ltok { LT_END, LT_LPAREN, LT_RPAREN, LT_AND, LT_OR, LT_WITH, LT_ID, LT_BAD };

struct lexpr {
	const char *s;   /* the text, NUL-terminated */
	size_t pos;
	enum ltok tok;   /* the current token */
	const char *id;  /* LT_ID: its start ... */
	size_t idlen;    /* ... and length (without a '+') */
	bool plus;       /* LT_ID followed by '+' */
	vakt_buf *out;
};

static bool id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

static void lnext(struct lexpr *l)
{
	const char *s = l->s;
	while (s[l->pos] == ' ' || s[l->pos] == '\t' || s[l->pos] == '\n' || s[l->pos] == '\r')
		l->pos++;
	char c = s[l->pos];
	if (c == '\0') {
		l->tok = LT_END;
	} else if (c == '(' || c == ')') {
		l->tok = c == '(' ? LT_LPAREN : LT_RPAREN;
		l->pos++;
	} else if (id_char(c)) {
		size_t start = l->pos;
		while (id_char(s[l->pos]))
			l->pos++;
		l->id = s + start;
		l->idlen = l->pos - start;
		l->plus = s[l->pos] == '+';
		if (l->plus)
			l->pos++;
		/* operators are matched case-sensitively (SPDX 2.3 annex D) */
		if (!l->plus && l->idlen == 3 && memcmp(l->id, "AND", 3) == 0)
			l->tok = LT_AND;
		else if (!l->plus && l->idlen == 2 && memcmp(l->id, "OR", 2) == 0)
			l->tok = LT_OR;
		else if (!l->plus && l->idlen == 4 && memcmp(l->id, "WITH", 4) == 0)
			l->tok = LT_WITH;
		else
			l->tok = LT_ID;
	} else {
		l->tok = LT_BAD;
	}
}

static bool lexpr_or(struct lexpr *l, int depth);

/* simple-expression [WITH exception] | "(" expression ")" */
static bool lexpr_primary(struct lexpr *l, int depth)
{
	if (l->tok == LT_LPAREN) {
		if (depth >= LICENSE_MAX_DEPTH)
			return false;
		vakt_buf_putc(l->out, '(');
		lnext(l);
		if (!lexpr_or(l, depth + 1) || l->tok != LT_RPAREN)
			return false;
		vakt_buf_putc(l->out, ')');
		lnext(l);
		return true;
	}
	if (l->tok != LT_ID)
		return false;
	const char *id = lookup_id(spdx_licenses, VAKT_ARRAY_SIZE(spdx_licenses), l->id, l->idlen);
	if (!id)
		return false;
	vakt_buf_puts(l->out, id);
	if (l->plus)
		vakt_buf_putc(l->out, '+');
	lnext(l);
	if (l->tok == LT_WITH) {
		lnext(l);
		if (l->tok != LT_ID || l->plus)
			return false;
		const char *ex =
			lookup_id(spdx_exceptions, VAKT_ARRAY_SIZE(spdx_exceptions), l->id, l->idlen);
		if (!ex)
			return false;
		vakt_buf_puts(l->out, " WITH ");
		vakt_buf_puts(l->out, ex);
		lnext(l);
	}
	return true;
}

static bool lexpr_and(struct lexpr *l, int depth)
{
	if (!lexpr_primary(l, depth))
		return false;
	while (l->tok == LT_AND) {
		vakt_buf_puts(l->out, " AND ");
		lnext(l);
		if (!lexpr_primary(l, depth))
			return false;
	}
	return true;
}

static bool lexpr_or(struct lexpr *l, int depth)
{
	if (!lexpr_and(l, depth))
		return false;
	while (l->tok == LT_OR) {
		vakt_buf_puts(l->out, " OR ");
		lnext(l);
		if (!lexpr_and(l, depth))
			return false;
	}
	return true;
}

#ifndef NDEBUG
static void check_sorted(const char *const *t, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcasecmp(t[i - 1], t[i]) >= 0) {
			fprintf(stderr, "vakt: SPDX identifier table out of order at %s\n", t[i]);
			abort();
		}
}
#endif

const char *vakt_spdx_license_expr(const char *text, vakt_arena *arena)
{
#ifndef NDEBUG
	static bool checked;
	if (!checked) {
		check_sorted(spdx_licenses, VAKT_ARRAY_SIZE(spdx_licenses));
		check_sorted(spdx_exceptions, VAKT_ARRAY_SIZE(spdx_exceptions));
		checked = true;
	}
#endif
	if (!text || strlen(text) > LICENSE_MAX_TEXT)
		return NULL;
	/* canonical output is never longer than twice the input (a space added per byte at
	 * worst), and the input is bounded above */
	vakt_buf out = VAKT_BUF_INIT(2 * LICENSE_MAX_TEXT + 16);
	struct lexpr l = {.s = text, .out = &out};
	lnext(&l);
	const char *ret = NULL;
	if (l.tok != LT_END && lexpr_or(&l, 0) && l.tok == LT_END)
		ret = vakt_arena_strndup(arena, vakt_buf_str(&out), out.len);
	vakt_buf_free(&out);
	return ret;
}

const char *vakt_spdx_license_ref(const char *text, vakt_arena *arena)
{
	char body[LICENSE_REF_MAX + 8]; /* a '+' at the last position adds 5 */
	size_t n = 0;
	const char *p = text;
	for (; *p && n < LICENSE_REF_MAX; p++) {
		char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.') {
			body[n++] = c;
		} else if (c == '+') {
			if (n > 0 && body[n - 1] != '-')
				body[n++] = '-';
			memcpy(body + n, "plus", 4);
			n += 4;
		} else if (n > 0 && body[n - 1] != '-') {
			body[n++] = '-'; /* '-', blanks, punctuation, non-ASCII: one separator */
		}
	}
	if (*p || n > LICENSE_REF_MAX) {
		/* truncated: end at the last word boundary in the second half, if any */
		if (n > LICENSE_REF_MAX)
			n = LICENSE_REF_MAX;
		size_t cut = n;
		while (cut > LICENSE_REF_MAX / 2 && body[cut - 1] != '-')
			cut--;
		if (cut > LICENSE_REF_MAX / 2)
			n = cut;
	}
	while (n > 0 && body[n - 1] == '-')
		n--;
	if (n == 0)
		return "LicenseRef-unknown";
	return vakt_arena_printf(arena, "LicenseRef-%.*s", (int)n, body);
}

/* ---- unique identifiers ------------------------------------------------------------------ */

/* Make ids[0..n) pairwise distinct: among equal ones the first (lowest index) keeps its
 * value and the others get "-2", "-3"... Appended suffixes end in digits after the last
 * '-', so two renamed ids can only meet if they had the same base; a renamed id can meet
 * an original one, which the next round fixes. Each round is one sort: O(n log n). */
static void uniq_ids(const char **ids, size_t n, vakt_arena *arena)
{
	for (int round = 0; round < 16; round++) {
		size_t *idx = vakt_sbom_sorted_index(ids, n);
		bool changed = false;
		const char *run = n ? ids[idx[0]] : NULL;
		for (size_t i = 1, k = 1; i < n; i++) {
			if (strcmp(ids[idx[i]], run) != 0) {
				run = ids[idx[i]];
				k = 1;
				continue;
			}
			ids[idx[i]] = vakt_arena_printf(arena, "%s-%zu", run, ++k);
			changed = true;
		}
		free(idx);
		if (!changed)
			return;
	}
}

/* ---- the document ------------------------------------------------------------------------ */

static const char *type_name(vakt_pkg_type t)
{
	switch (t) {
	case VAKT_PKG_DPKG:
		return "dpkg";
	case VAKT_PKG_APK:
		return "apk";
	case VAKT_PKG_RPM:
		return "rpm";
	default:
		return "unknown";
	}
}

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

/* s with every character outside [A-Za-z0-9.-] (and outside allow) made '-', at most
 * max bytes of it, into b. */
static void put_sanitized(vakt_buf *b, const char *s, size_t max, const char *allow)
{
	for (size_t i = 0; s[i] && i < max; i++) {
		char c = s[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' || (c && strchr(allow, c));
		vakt_buf_putc(b, ok ? c : '-');
	}
}

static bool blank_text(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* The SPDX agent for a maintainer "Name <mail>": "Person: Name (mail)" (rpm: the vendor,
 * an Organization). Control characters become spaces: an agent is one line. */
static const char *supplier(const vakt_pkg *p, vakt_arena *arena)
{
	if (blank_text(p->maintainer))
		return "NOASSERTION";
	const char *m = p->maintainer;
	size_t n = strlen(m);
	const char *lt = strrchr(m, '<');
	size_t name_end = n;
	const char *mail = NULL;
	size_t mail_len = 0;
	if (lt && n > 0 && m[n - 1] == '>' && lt < m + n - 1) {
		name_end = (size_t)(lt - m);
		mail = lt + 1;
		mail_len = (size_t)(m + n - 1 - mail);
	}
	while (name_end > 0 && (m[name_end - 1] == ' ' || m[name_end - 1] == '\t'))
		name_end--;
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&b, p->type == VAKT_PKG_RPM ? "Organization: " : "Person: ");
	size_t start = b.len;
	vakt_buf_append(&b, m, name_end);
	if (mail && mail_len) {
		if (name_end) {
			vakt_buf_puts(&b, " (");
			vakt_buf_append(&b, mail, mail_len);
			vakt_buf_putc(&b, ')');
		} else {
			vakt_buf_append(&b, mail, mail_len);
		}
	}
	bool empty = true;
	for (size_t i = start; i < b.len; i++) {
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = ' ';
		empty = empty && b.data[i] == ' ';
	}
	if (empty) { /* "<>", control characters: no agent to name */
		vakt_buf_free(&b);
		return "NOASSERTION";
	}
	const char *s = vakt_arena_strndup(arena, vakt_buf_str(&b), b.len);
	vakt_buf_free(&b);
	return s;
}

/* What the document says about each package's licence. */
struct spdx_lic {
	const char **declared;  /* per package: expression, LicenseRef- or NOASSERTION */
	const char **ref_text;  /* distinct non-expression texts, sorted bytewise */
	const char **ref_id;    /* their LicenseRef- IDs, pairwise distinct */
	size_t nref;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void map_licenses(const vakt_sbom_doc *d, struct spdx_lic *L, vakt_arena *arena)
{
	size_t n = d->n;
	L->declared = vakt_arena_calloc(arena, n ? n : 1, sizeof(*L->declared));
	const char **texts = vakt_arena_calloc(arena, n ? n : 1, sizeof(*texts));
	size_t nt = 0;
	for (size_t i = 0; i < n; i++) {
		const char *lic = d->pkgs[i]->license;
		if (blank_text(lic)) {
			L->declared[i] = "NOASSERTION";
		} else if ((L->declared[i] = vakt_spdx_license_expr(lic, arena)) == NULL) {
			texts[nt++] = lic;
		}
	}
	/* one LicenseRef per distinct text: SPDX wants each declared exactly once */
	qsort(texts, nt, sizeof(*texts), cmp_str);
	size_t nd = 0;
	for (size_t i = 0; i < nt; i++)
		if (nd == 0 || strcmp(texts[nd - 1], texts[i]) != 0)
			texts[nd++] = texts[i];
	L->ref_text = texts;
	L->nref = nd;
	L->ref_id = vakt_arena_calloc(arena, nd ? nd : 1, sizeof(*L->ref_id));
	for (size_t i = 0; i < nd; i++)
		L->ref_id[i] = vakt_spdx_license_ref(texts[i], arena);
	/* "GPL-2+" and "GPL 2+" both sanitise to LicenseRef-GPL-2-plus */
	uniq_ids(L->ref_id, nd, arena);
	for (size_t i = 0; i < n; i++) {
		if (L->declared[i])
			continue;
		const char *lic = d->pkgs[i]->license;
		const char **hit = bsearch(&lic, texts, nd, sizeof(*texts), cmp_str);
		L->declared[i] = hit ? L->ref_id[hit - texts] : "NOASSERTION"; /* always a hit */
	}
}

static void kv_opt_nonempty(jsonw *w, const char *key, const char *s)
{
	if (s && *s)
		jsonw_kv_str(w, key, s);
}

static void annotation(jsonw *w, const char *date, const char *comment)
{
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "annotationDate", date);
	jsonw_kv_str(w, "annotationType", "OTHER");
	jsonw_kv_str(w, "annotator", "Tool: vakt-" VAKT_VERSION);
	jsonw_kv_str(w, "comment", comment);
	jsonw_obj_end(w);
}

void vakt_sbom_spdx(FILE *out, const vakt_image *img)
{
	vakt_sbom_doc d;
	vakt_sbom_doc_init(&d, img);
	vakt_arena *a = &d.arena;
	struct spdx_lic L;
	map_licenses(&d, &L, a);

	/* package SPDXIDs: type, name and a hash of the unique reference, so an ID stays the
	 * same from one scan to the next while other packages come and go */
	const char **ids = vakt_arena_calloc(a, d.n ? d.n : 1, sizeof(*ids));
	for (size_t i = 0; i < d.n; i++) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		EVP_Digest(d.refs[i], strlen(d.refs[i]), md, &mdlen, EVP_sha256(), NULL);
		vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
		vakt_buf_printf(&b, "SPDXRef-Package-%s-", purl_type(d.pkgs[i]->type));
		put_sanitized(&b, d.pkgs[i]->name ? d.pkgs[i]->name : "", 48, "");
		vakt_buf_printf(&b, "-%02x%02x%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3],
				md[4], md[5], md[6], md[7]);
		ids[i] = vakt_arena_strndup(a, vakt_buf_str(&b), b.len);
		vakt_buf_free(&b);
	}
	uniq_ids(ids, d.n, a);

	const char *name = img->name && *img->name ? img->name : img->ref && *img->ref ? img->ref : "image";
	char uuid[37];
	vakt_uuid5(vakt_arena_printf(a, "https://vakt.invalid/spdx/%s", d.identity), uuid);
	vakt_buf ns = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&ns, "https://vakt.invalid/spdx/");
	put_sanitized(&ns, name, 64, "_");
	vakt_buf_printf(&ns, "-%s", uuid);

	jsonw w;
	jsonw_init(&w, out, 2);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "spdxVersion", "SPDX-2.3");
	jsonw_kv_str(&w, "dataLicense", "CC0-1.0");
	jsonw_kv_str(&w, "SPDXID", "SPDXRef-DOCUMENT");
	jsonw_kv_str(&w, "name", name);
	jsonw_kv_str(&w, "documentNamespace", vakt_buf_str(&ns));
	jsonw_key(&w, "creationInfo");
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "created", d.created);
	jsonw_key(&w, "creators");
	jsonw_arr_begin(&w);
	jsonw_str(&w, "Tool: vakt-" VAKT_VERSION);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);

	jsonw_key(&w, "packages");
	jsonw_arr_begin(&w);
	/* the image */
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "name", name);
	jsonw_kv_str(&w, "SPDXID", "SPDXRef-Image");
	kv_opt_nonempty(&w, "versionInfo", img->digest);
	jsonw_kv_str(&w, "supplier", "NOASSERTION");
	jsonw_kv_str(&w, "downloadLocation", "NOASSERTION");
	jsonw_kv_bool(&w, "filesAnalyzed", false);
	jsonw_kv_str(&w, "primaryPackagePurpose", "CONTAINER");
	jsonw_obj_end(&w);
	/* the operating system */
	bool have_os = img->os.id && *img->os.id;
	if (have_os) {
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "name", img->os.id);
		jsonw_kv_str(&w, "SPDXID", "SPDXRef-OperatingSystem");
		kv_opt_nonempty(&w, "versionInfo", img->os.version);
		jsonw_kv_str(&w, "supplier", "NOASSERTION");
		jsonw_kv_str(&w, "downloadLocation", "NOASSERTION");
		jsonw_kv_bool(&w, "filesAnalyzed", false);
		kv_opt_nonempty(&w, "description", img->os.pretty_name);
		jsonw_kv_str(&w, "primaryPackagePurpose", "OPERATING_SYSTEM");
		jsonw_obj_end(&w);
	}
	/* the packages */
	for (size_t i = 0; i < d.n; i++) {
		const vakt_pkg *p = d.pkgs[i];
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "name", p->name ? p->name : "");
		jsonw_kv_str(&w, "SPDXID", ids[i]);
		kv_opt_nonempty(&w, "versionInfo", p->version);
		jsonw_kv_str(&w, "supplier", supplier(p, a));
		jsonw_kv_str(&w, "downloadLocation", "NOASSERTION");
		jsonw_kv_bool(&w, "filesAnalyzed", false);
		if (p->src_name && *p->src_name) {
			const char *sv = p->src_version && *p->src_version ? p->src_version : NULL;
			jsonw_kv_str(&w, "sourceInfo",
				     vakt_arena_printf(a, "built package from: %s%s%s", p->src_name,
						       sv ? " " : "", sv ? sv : ""));
		}
		jsonw_kv_str(&w, "licenseConcluded", "NOASSERTION");
		jsonw_kv_str(&w, "licenseDeclared", L.declared[i]);
		jsonw_key(&w, "externalRefs");
		jsonw_arr_begin(&w);
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "referenceCategory", "PACKAGE-MANAGER");
		jsonw_kv_str(&w, "referenceType", "purl");
		jsonw_kv_str(&w, "referenceLocator", d.purls[i]);
		jsonw_obj_end(&w);
		jsonw_arr_end(&w);
		jsonw_kv_str(&w, "primaryPackagePurpose", "LIBRARY");
		jsonw_key(&w, "annotations");
		jsonw_arr_begin(&w);
		annotation(&w, d.created,
			   vakt_arena_printf(a, "vakt:package:type: %s", type_name(p->type)));
		if (p->db_path && *p->db_path)
			annotation(&w, d.created,
				   vakt_arena_printf(a, "vakt:package:database: %s", p->db_path));
		if (p->layer >= 0 && (size_t)p->layer < img->nlayers &&
		    img->layers[p->layer].diff_id)
			annotation(&w, d.created,
				   vakt_arena_printf(a, "vakt:layer:diff_id: %s",
						     img->layers[p->layer].diff_id));
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);

	if (L.nref) {
		jsonw_key(&w, "hasExtractedLicensingInfos");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < L.nref; i++) {
			jsonw_obj_begin(&w);
			jsonw_kv_str(&w, "licenseId", L.ref_id[i]);
			jsonw_kv_str(&w, "name", L.ref_text[i]);
			jsonw_kv_str(&w, "extractedText", L.ref_text[i]);
			jsonw_kv_str(&w, "comment",
				     "the licence as the package database records it; not an SPDX "
				     "licence expression");
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
	}

	jsonw_key(&w, "relationships");
	jsonw_arr_begin(&w);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "spdxElementId", "SPDXRef-DOCUMENT");
	jsonw_kv_str(&w, "relatedSpdxElement", "SPDXRef-Image");
	jsonw_kv_str(&w, "relationshipType", "DESCRIBES");
	jsonw_obj_end(&w);
	for (size_t i = 0; i < d.n + have_os; i++) {
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "spdxElementId", "SPDXRef-Image");
		jsonw_kv_str(&w, "relatedSpdxElement",
			     have_os && i == 0 ? "SPDXRef-OperatingSystem" : ids[i - have_os]);
		jsonw_kv_str(&w, "relationshipType", "CONTAINS");
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);

	vakt_buf_free(&ns);
	vakt_sbom_doc_free(&d);
}
