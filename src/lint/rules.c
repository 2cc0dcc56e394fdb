/* rules.c - the rule table, built from rules.def; see rules.h. */
#include "lint/rules.h"
#include "lint/lint_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_ALIASES ((const char *const[]){NULL})

const vakt_rule vakt_rules[R__COUNT] = {
#define VAKT_SEV_SAME VAKT_SEV_COUNT /* no run-line severity of its own */
#define RULE(sym, id_, sev, sev_run, target_, check, level, pcheck, title_, rationale_, fix_,       \
	     aliases_)                                                                          \
	[R_##sym] = {.id = id_,                                                                 \
		     .severity = VAKT_SEV_##sev,                                                \
		     .severity_run = VAKT_SEV_##sev_run,                                        \
		     .target = target_,                                                         \
		     .title = title_,                                                           \
		     .rationale = rationale_,                                                   \
		     .fix = fix_,                                                               \
		     .aliases = aliases_,                                                       \
		     .pss_level = level,                                                        \
		     .pss_check = pcheck},
#include "lint/rules.def"
#undef RULE
};

const vakt_check_fn vakt_rule_checks[R__COUNT] = {
#define RULE(sym, id, sev, sev_run, target, check, level, pcheck, title, rationale, fix, aliases)  \
	[R_##sym] = check,
#include "lint/rules.def"
#undef RULE
};

const vakt_rule *const vakt_rule_ptrs[R__COUNT] = {
#define RULE(sym, id, sev, sev_run, target, check, level, pcheck, title, rationale, fix, aliases)  \
	[R_##sym] = &vakt_rules[R_##sym],
#include "lint/rules.def"
#undef RULE
};

/* Canonical Trivy check ID: "KSV-0012" from "KSV-0012", "AVD-KSV-0012" or "KSV012".
 * Writes into buf; false if ref is not a Trivy-style ID. */
static bool trivy_canonical(const char *ref, char *buf, size_t len)
{
	if (strncasecmp(ref, "AVD-", 4) == 0)
		ref += 4;
	size_t p = 0;
	while (isalpha((unsigned char)ref[p]))
		p++;
	if (p < 2 || p > 8)
		return false;
	const char *num = ref + p;
	bool dash = *num == '-';
	if (dash)
		num++;
	if (!*num || strspn(num, "0123456789") != strlen(num))
		return false;
	/* the new form keeps the old AVD number (4 digits or more); KSV012 -> KSV-0012 */
	size_t nd = strlen(num);
	char digits[32];
	if (nd >= sizeof(digits) - 5)
		return false;
	if (!dash && nd < 4)
		snprintf(digits, sizeof(digits), "%0*d%s", (int)(4 - nd), 0, num);
	else
		snprintf(digits, sizeof(digits), "%s", num);
	if (snprintf(buf, len, "%.*s-%s", (int)p, ref, digits) >= (int)len)
		return false;
	for (char *c = buf; *c && *c != '-'; c++)
		*c = (char)toupper((unsigned char)*c);
	return true;
}

/* Does alias ("tool:ID") match ref ("tool:ID" or bare "ID")? */
static bool alias_matches(const char *alias, const char *ref)
{
	const char *colon = strchr(alias, ':');
	const char *aid = colon ? colon + 1 : alias;
	const char *rcolon = strchr(ref, ':');
	const char *rid = ref;
	if (rcolon) {
		if ((size_t)(rcolon - ref) != (size_t)(colon - alias) ||
		    strncasecmp(ref, alias, (size_t)(colon - alias)) != 0)
			return false;
		rid = rcolon + 1;
	}
	if (strcmp(aid, rid) == 0)
		return true;
	if (colon && strncmp(alias, "trivy:", 6) == 0) {
		char a[64], b[64];
		return trivy_canonical(aid, a, sizeof(a)) && trivy_canonical(rid, b, sizeof(b)) &&
		       strcmp(a, b) == 0;
	}
	return false;
}

int vakt_rule_match(const char *ref, size_t from)
{
	for (size_t i = from; i < R__COUNT; i++) {
		if (strcasecmp(vakt_rules[i].id, ref) == 0)
			return (int)i;
		for (const char *const *a = vakt_rules[i].aliases; a && *a; a++)
			if (alias_matches(*a, ref))
				return (int)i;
	}
	return -1;
}

bool vakt_rule_ref_valid(const char *ref)
{
	return vakt_rule_match(ref, 0) >= 0;
}
