/* rule.h - what a rule is, independent of what it checks.
 *
 * The rule tables themselves live with the modules that implement the checks
 * (src/lint/rules.def); the core only needs the description, for reports and docs.
 */
#ifndef VAKT_CORE_RULE_H
#define VAKT_CORE_RULE_H

#include "core/severity.h"

typedef struct vakt_rule {
	const char *id;             /* stable, never reused: "K8S-008", "PSS-privileged" */
	vakt_severity severity;     /* default; .vakt.yaml may override */
	vakt_severity severity_run; /* on a docker run line; VAKT_SEV_COUNT: as severity */
	const char *target;         /* "kubernetes", "dockerfile", "container" */
	const char *title;          /* one line, no final period */
	const char *rationale;      /* why it matters */
	const char *fix;            /* how to fix: prose, then a snippet */
	const char *const *aliases; /* NULL-terminated "tool:ID" list */
	const char *pss_level;      /* "baseline" or "restricted" for PSS checks, else NULL */
	const char *pss_check;      /* upstream check ID for PSS checks, else NULL */
} vakt_rule;

/* Where a rule's documentation lives: "<VAKT_DOCS_URL><id>.md". The default is the path in
 * the source tree; packagers set -DVAKT_DOCS_URL=https://.../docs/rules/ for a web link. */
#ifndef VAKT_DOCS_URL
#define VAKT_DOCS_URL "docs/rules/"
#endif

#endif
