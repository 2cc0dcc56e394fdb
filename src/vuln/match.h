/* match.h - an image's OS packages against the vulnerability database.
 *
 * Which records apply: the image's OS names an ecosystem (debian 12 -> "Debian:12",
 * alpine 3.19.1 -> "Alpine:v3.19", ubuntu 22.04 -> "Ubuntu:22.04:LTS", almalinux 9.3 ->
 * "AlmaLinux:9", rocky -> "Rocky Linux:9"); packages are looked up by the name the
 * distribution's trackers use: the source package for dpkg and apk (with the source
 * version, so binNMUs and renamed binaries match), the binary name for rpm.
 *
 * Whether a version is affected follows the OSV schema's evaluation: each range's events
 * sorted by the ecosystem's ordering (dpkg, apk or rpm; SemVer for SEMVER ranges),
 * introduced opens, fixed (v >= fixed) and last_affected (v > last_affected) close, limit
 * bounds; or the version is in the record's explicit list. The tracker's statuses:
 * "not-affected" never matches; "open" and "undetermined" match with no fix. The fix
 * reported is the first fixed event above the installed version.
 *
 * Severity, first that applies (reported as severity_source): the distribution's own
 * for the package (Debian urgency, Ubuntu priority, ...); a CVSS vector in the record
 * (v3.1/v3.0, then v4.0, then v2), scored here; NVD's score for the ID or an alias;
 * else UNKNOWN.
 */
#ifndef VAKT_VULN_MATCH_H
#define VAKT_VULN_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/severity.h"
#include "image/image.h"
#include "vuln/db.h"
#include "vuln/version.h"

typedef struct vakt_vfinding {
	const char *id;              /* the record's ID: CVE-..., DSA-..., ALSA-... */
	const char *const *aliases;  /* other IDs of the same issue */
	size_t naliases;
	const vakt_pkg *pkg;         /* the image's (binary) package */
	const char *installed;       /* the version compared (source version for dpkg, apk) */
	const char *fixed;           /* the version that fixes it, or NULL: no fix yet */
	const char *status;          /* "fixed" (a fix exists), "affected" (none yet), or the
				      * tracker's word ("open", "undetermined") */
	vakt_severity severity;
	const char *severity_source; /* "debian", "ubuntu", "alpine", "almalinux", "cvss (osv)",
				      * "nvd", "none" */
	double cvss;                 /* the score used, or -1 */
	const char *cvss_vector;     /* or NULL */
	const char *title;           /* summary, or NULL */
	const char *source;          /* the database source: "osv", "debian-tracker", ... */
	const char *ecosystem;
	const char *const *links;
	size_t nlinks;
} vakt_vfinding;

typedef struct vakt_vfindings {
	vakt_vfinding *items;
	size_t n, cap;
	vakt_arena arena; /* every string */
	const char *ecosystem; /* the image's, or NULL when its OS is not one vakt can match */
	size_t packages;       /* packages looked up */
} vakt_vfindings;

void vakt_vfindings_init(vakt_vfindings *f);
void vakt_vfindings_free(vakt_vfindings *f);

/* The ecosystem and ordering for an OS; false when vakt has no mapping for it. */
bool vakt_vuln_ecosystem(const vakt_os_info *os, char *buf, size_t len, vakt_vscheme *scheme);

/* Match every package of img. Findings sorted by package, then severity (highest
 * first), then ID. Errors only for a database that cannot be read. */
int vakt_vuln_match(vakt_vdb *db, const vakt_image *img, vakt_vfindings *out, vakt_error **err);

#endif
