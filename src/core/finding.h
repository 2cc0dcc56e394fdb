/* finding.h - one result of a check: data, not an error. */
#ifndef VAKT_CORE_FINDING_H
#define VAKT_CORE_FINDING_H

#include <stdbool.h>

#include "core/rule.h"
#include "core/severity.h"

typedef struct vakt_finding {
	const vakt_rule *rule;
	vakt_severity severity; /* effective, after configuration */
	const char *message;    /* specific: names fields, values, containers */
	const char *file;
	unsigned line, col; /* 0 when unknown */

	/* the object and container the finding is about (NULL when not applicable) */
	const char *kind;
	const char *ns;
	const char *name;
	const char *container;

	/* Pod Security Standards findings: the level and version evaluated */
	const char *pss_level;   /* level of the check ("baseline"/"restricted") */
	const char *pss_version; /* "v1.37" */

	/* set when an ignore applies; shown only with --show-ignored */
	bool suppressed;
	const char *suppressed_by; /* "vakt.io/ignore", "ignore-check.kube-linter.io/...", ... */
	const char *suppress_reason;
} vakt_finding;

#endif
