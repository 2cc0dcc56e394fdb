/* cvss.h - CVSS base scores computed from vectors, per FIRST's specifications.
 *
 * Feeds often carry only the vector ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
 * the score, and from it the severity vakt gates on, is computed here:
 *   - v3.0 and v3.1: the base equations of the specification (section 7), with v3.1's
 *     Roundup (integer arithmetic, as its appendix A prescribes) and v3.0's;
 *   - v4.0: the macrovector method of the specification (the lookup table and the
 *     severity-distance interpolation of FIRST's reference calculator);
 *   - v2.0: the base equation, for old NVD records.
 * Vectors are validated strictly: every mandatory base metric exactly once, known values
 * only, known prefixes; temporal/threat and environmental metrics are accepted (valid
 * values only) and ignored, as a base score ignores them.
 */
#ifndef VAKT_VULN_CVSS_H
#define VAKT_VULN_CVSS_H

#include "core/error.h"
#include "core/severity.h"

typedef enum vakt_cvss_version {
	VAKT_CVSS_V2,
	VAKT_CVSS_V30,
	VAKT_CVSS_V31,
	VAKT_CVSS_V40,
} vakt_cvss_version;

typedef struct vakt_cvss {
	vakt_cvss_version version;
	double base; /* 0.0 .. 10.0, one decimal */
} vakt_cvss;

/* Parse and score a vector. 0 and *ret, or VAKT_E_PARSE naming the bad metric. */
int vakt_cvss_score(const char *vector, vakt_cvss *ret, vakt_error **err);

/* The qualitative rating of a base score (v3/v4 table: 0 NONE->INFO here, 0.1-3.9 LOW,
 * 4.0-6.9 MEDIUM, 7.0-8.9 HIGH, 9.0-10.0 CRITICAL; v2: 0-3.9 LOW, 4-6.9 MEDIUM, 7-10 HIGH). */
vakt_severity vakt_cvss_severity(const vakt_cvss *c);

#endif
