/* cmd_rules.c - `vakt rules` lists the rule table; `vakt rules show ID` explains one. */
#include "cli/cli.h"
#include "core/jsonw.h"
#include "core/report.h"
#include "lint/lint.h"
#include "lint/rules.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { O_FORMAT = 1 };

static const vakt_opt rules_opts[] = {
	{O_FORMAT, 'f', "format", "FORMAT", "text (default), json or markdown (with show)"},
	{0},
};

const vakt_cmd_help cmd_rules_help = {
	.name = "rules",
	.usage = "[OPTIONS] [show ID]",
	.summary = "List the rules, or explain one (ID or a peer alias such as trivy:KSV-0012).",
	.opts = rules_opts,
};

typedef struct rules_args {
	const char *format;
	const char *operands[3];
	int n;
} rules_args;

static int on_opt(int id, const char *v, void *ud)
{
	rules_args *a = ud;
	if (id == O_FORMAT) {
		if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "markdown"))
			return vakt_usage_error("rules", "unknown format '%s' (text, json, markdown)", v);
		a->format = v;
		return 0;
	}
	if (a->n >= 2)
		return vakt_usage_error("rules", "too many arguments");
	a->operands[a->n++] = v;
	return 0;
}

static void json_rule(jsonw *w, const vakt_rule *r)
{
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "id", r->id);
	jsonw_kv_str(w, "severity", vakt_severity_name(r->severity));
	jsonw_kv_str(w, "target", r->target);
	jsonw_kv_str(w, "title", r->title);
	jsonw_kv_str(w, "rationale", r->rationale);
	jsonw_kv_str(w, "fix", r->fix);
	char *docs = vakt_rule_docs(r);
	jsonw_kv_str(w, "docs", docs);
	free(docs);
	if (r->pss_check) {
		jsonw_kv_str(w, "pss_level", r->pss_level);
		jsonw_kv_str(w, "pss_check", r->pss_check);
	}
	jsonw_key(w, "aliases");
	jsonw_arr_begin(w);
	for (const char *const *al = r->aliases; al && *al; al++)
		jsonw_str(w, *al);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
}

/* Print text indented by four spaces, line by line. */
static void indented(const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		printf("    %.*s\n", (int)n, s);
		s += n + (nl ? 1 : 0);
	}
}

static void show_text(const vakt_rule *r)
{
	printf("%s  %s\n%s\n\n", r->id, vakt_severity_name(r->severity), r->title);
	if (r->pss_check)
		printf("Pod Security Standards: level %s, upstream check %s\n\n", r->pss_level, r->pss_check);
	printf("Why:\n");
	indented(r->rationale);
	printf("\nFix:\n");
	indented(r->fix);
	if (r->aliases && r->aliases[0]) {
		printf("\nAliases:");
		for (const char *const *al = r->aliases; *al; al++)
			printf(" %s", *al);
		printf("\n");
	}
	char *docs = vakt_rule_docs(r);
	printf("\nDocs: %s\n", docs);
	free(docs);
}

/* The generated part of docs/rules/<ID>.md (scripts/gen-rule-docs adds the examples). */
static void show_markdown(const vakt_rule *r)
{
	printf("# %s: %s\n\n", r->id, r->title);
	printf("| | |\n|---|---|\n| Severity | %s", vakt_severity_name(r->severity));
	if (r->severity_run != VAKT_SEV_COUNT)
		printf(" (%s on a docker run line)", vakt_severity_name(r->severity_run));
	printf(" |\n| Applies to | %s |\n", r->target);
	if (r->pss_check)
		printf("| Pod Security Standards | level `%s`, upstream check `%s` |\n", r->pss_level,
		       r->pss_check);
	if (r->aliases && r->aliases[0]) {
		printf("| Aliases |");
		for (const char *const *al = r->aliases; *al; al++)
			printf(" `%s`", *al);
		printf(" |\n");
	}
	printf("\n## Why\n\n%s\n\n## Fix\n\n", r->rationale);
	/* A fix is prose, a YAML snippet, or one line of prose (ending in ':') followed by a
	 * snippet. The first line is prose when a space comes before its first ':' (or it
	 * has none): "Set it:" is prose, "securityContext:" and "image: x" are YAML. */
	const char *nl = strchr(r->fix, '\n');
	size_t first_len = nl ? (size_t)(nl - r->fix) : strlen(r->fix);
	const char *colon = memchr(r->fix, ':', first_len);
	const char *space = memchr(r->fix, ' ', first_len);
	bool prose = !colon || (space && space < colon);
	if (strcmp(r->target, "kubernetes") != 0) {
		/* "Do this:\n<snippet>", a sentence ending in '.', or a snippet */
		prose = nl ? r->fix[first_len - 1] == ':' : r->fix[first_len - 1] == '.';
	}
	const char *snippet = prose ? (nl ? nl + 1 : NULL) : r->fix;
	/* the snippet's language: Dockerfile lines, shell (docker run), or YAML */
	const char *lang = "yaml";
	if (snippet && (strcmp(r->target, "dockerfile") == 0 ||
			(strcmp(r->target, "image") == 0 && strncmp(snippet, "docker ", 7) != 0)))
		lang = "dockerfile";
	else if (snippet && (strncmp(snippet, "docker run", 10) == 0 || strncmp(snippet, "-v ", 3) == 0 ||
			     strncmp(snippet, "-p ", 3) == 0 || strncmp(snippet, "kubectl", 7) == 0))
		lang = "sh";
	if (prose)
		printf("%.*s\n", (int)first_len, r->fix);
	if (prose && snippet)
		printf("\n");
	if (snippet)
		printf("```%s\n%s\n```\n", lang, snippet);
}

int cmd_rules(int argc, char **argv)
{
	rules_args a = {.format = "text"};
	int rc = vakt_opts_parse(&cmd_rules_help, argc, argv, on_opt, &a);
	if (rc != 0)
		return rc > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;

	if (a.n == 0) {
		if (strcmp(a.format, "json") == 0) {
			jsonw w;
			jsonw_init(&w, stdout, 2);
			jsonw_arr_begin(&w);
			for (unsigned i = 0; i < R__COUNT; i++)
				json_rule(&w, &vakt_rules[i]);
			jsonw_arr_end(&w);
		} else if (strcmp(a.format, "markdown") == 0) {
			printf("# vakt rules\n\nGenerated from `src/lint/rules.def` by "
			       "`scripts/gen-rule-docs.py`.\n\n| ID | Severity | Title | Aliases |\n|---|---|---|---|\n");
			for (unsigned i = 0; i < R__COUNT; i++) {
				const vakt_rule *r = &vakt_rules[i];
				printf("| [%s](%s.md) | %s | %s |", r->id, r->id,
				       vakt_severity_name(r->severity), r->title);
				for (const char *const *al = r->aliases; al && *al; al++)
					printf(" `%s`", *al);
				printf(" |\n");
			}
		} else {
			for (unsigned i = 0; i < R__COUNT; i++)
				printf("%-34s %-9s %s\n", vakt_rules[i].id,
				       vakt_severity_name(vakt_rules[i].severity), vakt_rules[i].title);
		}
		return VAKT_EXIT_OK;
	}
	if (strcmp(a.operands[0], "show") != 0 || a.n != 2) {
		vakt_usage_error("rules", "expected 'show ID'");
		return VAKT_EXIT_USAGE;
	}
	int idx = vakt_rule_match(a.operands[1], 0);
	if (idx < 0) {
		fprintf(stderr, "vakt rules: no rule or alias '%s'; 'vakt rules' lists them\n", a.operands[1]);
		return VAKT_EXIT_USAGE;
	}
	/* an alias can name several rules: show them all */
	for (int i = idx; i >= 0; i = vakt_rule_match(a.operands[1], (size_t)i + 1)) {
		if (i != idx)
			printf("\n");
		if (strcmp(a.format, "json") == 0) {
			jsonw w;
			jsonw_init(&w, stdout, 2);
			json_rule(&w, &vakt_rules[i]);
		} else if (strcmp(a.format, "markdown") == 0) {
			show_markdown(&vakt_rules[i]);
		} else {
			show_text(&vakt_rules[i]);
		}
	}
	return VAKT_EXIT_OK;
}
