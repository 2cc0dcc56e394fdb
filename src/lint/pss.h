/* pss.h - Pod Security Standards, exactly as k8s.io/pod-security-admission/policy v0.37.
 *
 * The upstream registry is reproduced: each check has versioned variants; a (level,
 * version) pair selects, for every check, the newest variant whose minimum version is
 * not above the requested one; restricted includes baseline except for baseline checks
 * overridden by an active restricted check; versions above v1.37 (and "latest") are
 * evaluated as v1.37. Checks run in upstream order (baseline IDs sorted, then restricted
 * IDs sorted) and report upstream's forbidden reason and detail, verbatim.
 * docs/internals/pss.md records the sources and the decisions.
 */
#ifndef VAKT_LINT_PSS_H
#define VAKT_LINT_PSS_H

#include <stdbool.h>

#include "core/error.h"
#include "lint/k8s.h"

#define VAKT_PSS_MAX_MINOR 37 /* "latest" */

typedef enum vakt_pss_level {
	VAKT_PSS_PRIVILEGED = 0,
	VAKT_PSS_BASELINE,
	VAKT_PSS_RESTRICTED,
} vakt_pss_level;

typedef struct vakt_pss_policy {
	vakt_pss_level level;
	bool latest;
	unsigned minor; /* v1.<minor>; meaningful when !latest */
} vakt_pss_policy;

/* Parse "LEVEL[:VERSION]" (VERSION "latest" or "v1.N"; default latest), strictly: for the
 * command line and .vakt.yaml. */
int vakt_pss_parse(const char *s, vakt_pss_policy *ret, vakt_error **err);

/* Parse a namespace's pod-security.kubernetes.io/enforce[-version] labels as the
 * admission controller does: an invalid level means restricted, an invalid or missing
 * version means latest. Returns false if the level label is absent. *ret_warning gets a
 * static message when a value was invalid, else NULL. */
bool vakt_pss_from_labels(const char *level, const char *version, vakt_pss_policy *ret,
			  const char **ret_warning);

/* "baseline", "restricted", "privileged". */
const char *vakt_pss_level_name(vakt_pss_level l);
/* "v1.30" or "latest" into buf. */
const char *vakt_pss_version_str(const vakt_pss_policy *p, char *buf, size_t len);

/* One failed check: the rule (PSS-<check>), upstream's reason and detail, the node the
 * violation is best pointed at. */
typedef void (*vakt_pss_fail_fn)(void *ud, unsigned rule_index, const char *reason,
				 const char *detail, const vakt_node *at);

/* Evaluate pod at policy p; calls fail() for each forbidden check, in upstream order. */
void vakt_pss_evaluate(const vakt_pss_policy *p, const k8s_pod *pod, vakt_pss_fail_fn fail,
		       void *ud);

/* The safe sysctls for a policy version (NULL-terminated); for the hardening rule too. */
bool vakt_pss_sysctl_allowed(const char *name, unsigned minor);

#endif
