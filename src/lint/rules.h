/* rules.h - the rule table (rules.def) and lookups by ID or peer alias. */
#ifndef VAKT_LINT_RULES_H
#define VAKT_LINT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rule.h"

struct lint_ctx;
typedef void (*vakt_check_fn)(struct lint_ctx *ctx);

enum {
#define RULE(sym, id, sev, sev_run, target, check, pss_level, pss_check, title, rationale, fix,      \
	     aliases)                                                                          \
	R_##sym,
#include "lint/rules.def"
#undef RULE
	R__COUNT
};

extern const vakt_rule vakt_rules[R__COUNT];
extern const vakt_check_fn vakt_rule_checks[R__COUNT];
extern const vakt_rule *const vakt_rule_ptrs[R__COUNT];

/* Index of the rule named by ref: a vakt ID (case-insensitive), a "tool:ID" alias, or a
 * bare peer ID; Trivy's older spellings (AVD-KSV-0012, KSV012) match KSV-0012. Since one
 * alias can name several vakt rules, `from` lets callers iterate: start at 0 and pass the
 * last result + 1. Returns -1 when nothing (more) matches. */
int vakt_rule_match(const char *ref, size_t from);

/* True if ref names any rule. */
bool vakt_rule_ref_valid(const char *ref);

#endif
