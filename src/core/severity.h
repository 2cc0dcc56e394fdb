/* severity.h - finding severities, ordered so that a threshold is a comparison. */
#ifndef VAKT_CORE_SEVERITY_H
#define VAKT_CORE_SEVERITY_H

#include <stdbool.h>

typedef enum vakt_severity {
	VAKT_SEV_INFO = 0,
	VAKT_SEV_UNKNOWN, /* a vulnerability without a score: below LOW, above INFO */
	VAKT_SEV_LOW,
	VAKT_SEV_MEDIUM,
	VAKT_SEV_HIGH,
	VAKT_SEV_CRITICAL,
	VAKT_SEV_COUNT
} vakt_severity;

/* "CRITICAL", "HIGH", ... */
const char *vakt_severity_name(vakt_severity s);
/* Case-insensitive parse of a severity name into *ret; false if unknown. */
bool vakt_severity_parse(const char *s, vakt_severity *ret);

#endif
