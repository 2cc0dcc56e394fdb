/* version.h - version ordering exactly as each package manager or ecosystem defines it.
 *
 * A vulnerability matches when the installed version lies in an affected range, so one
 * wrong comparison is a missed vulnerability or a false alarm. Each scheme follows its
 * reference implementation, not a generic "natural sort":
 *
 *   dpkg    Debian policy 5.6.12 as dpkg's verrevcmp does it: [epoch:]upstream[-revision],
 *           '~' sorts before everything, even the end of the string; letters before
 *           non-letters. Reference: dpkg --compare-versions, python3-apt.
 *   rpm     rpmvercmp (rpm 4.x): alternating alphabetic and numeric segments, separators
 *           ignored, '~' before everything, '^' after the end but before anything else;
 *           with [epoch:]version[-release] (EVR), a missing epoch is 0. Reference: rpm's
 *           rpmvercmp.at vectors, python3-rpm (rpm.labelCompare).
 *   apk     apk-tools' version.c: digits, letter, suffixes (_alpha _beta _pre _rc < none <
 *           _cvs _svn _git _hg _p), -rN, and its fallbacks for invalid strings.
 *   semver  Semantic Versioning 2.0.0 (Go modules and npm): an optional leading 'v',
 *           build metadata ignored, prerelease identifiers compared per section 11.
 *           Reference: Debian's node-semver.
 *   pep440  PEP 440 (PyPI): epochs, pre/post/dev releases, local versions, and the
 *           normalisations the PEP lists (case, separators, "alpha" for "a", ...).
 *           Reference: python3-packaging (packaging.version.Version).
 *
 * Strings are NUL-terminated; nothing is allocated unless stated. Comparisons are total
 * and consistent (antisymmetric, transitive) even for invalid input, so they can sort.
 */
#ifndef VAKT_VULN_VERSION_H
#define VAKT_VULN_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef enum vakt_vscheme {
	VAKT_VS_DPKG,
	VAKT_VS_RPM,
	VAKT_VS_APK,
	VAKT_VS_SEMVER,
	VAKT_VS_PEP440,
	VAKT_VS_COUNT,
} vakt_vscheme;

/* "dpkg", "rpm", "apk", "semver", "pep440" (also "deb" for dpkg, "npm"/"go" for semver,
 * "pypi" for pep440) -> scheme. false if unknown. */
bool vakt_vscheme_parse(const char *name, vakt_vscheme *ret);
const char *vakt_vscheme_name(vakt_vscheme s);

/* Is v a valid version of the scheme? 0, or VAKT_E_PARSE with a message saying what is
 * wrong ("dpkg version \"1:\": nothing after the epoch"). */
int vakt_version_check(vakt_vscheme s, const char *v, vakt_error **err);

/* Compare two versions: <0, 0, >0 (callers normalise to -1/0/1). Defined for invalid
 * versions too, the way the reference treats them (apk's fallback, dpkg's lenient
 * parsing); callers that must refuse invalid input check first. */
int vakt_version_cmp(vakt_vscheme s, const char *a, const char *b);

/* ---- the schemes, one file each (ver_*.c) ---------------------------------------------- */

int vakt_dpkg_check(const char *v, vakt_error **err);
int vakt_dpkg_cmp(const char *a, const char *b);
int vakt_rpm_check(const char *v, vakt_error **err);
/* EVR strings "[epoch:]version[-release]" */
int vakt_rpm_cmp(const char *a, const char *b);
/* rpmvercmp on one version or release field, without epoch or '-' splitting */
int vakt_rpmvercmp(const char *a, const char *b);
int vakt_apk_check(const char *v, vakt_error **err);
int vakt_apk_cmp(const char *a, const char *b);
/* apk's fuzzy comparison (its "~" dependency operator): 0 also when b's tokens are a
 * prefix of a's ("3.6.9" ~ "3.6"). */
int vakt_apk_cmp_fuzzy(const char *a, const char *b);
int vakt_semver_check(const char *v, vakt_error **err);
int vakt_semver_cmp(const char *a, const char *b);
int vakt_pep440_check(const char *v, vakt_error **err);
int vakt_pep440_cmp(const char *a, const char *b);

#endif
