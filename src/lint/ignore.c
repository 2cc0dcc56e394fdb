/* ignore.c - inline ignores written as annotations on the object or its pod template.
 *
 * vakt's own:
 *   vakt.io/ignore: "K8S-001,PSS-runAsNonRoot"     every container of the object
 *   ignore.vakt.io/<container>: "K8S-017"          one container
 *   vakt.io/ignore-reason: "why"                   shown with --show-ignored
 * Rule references are vakt IDs or peer aliases ("trivy:KSV-0012", "KSV012"); "*" is all.
 *
 * Peers' own, each suppressing the vakt rules that carry that peer's alias:
 *   ignore-check.kube-linter.io/<check>   kube-linter.io/ignore-all        (any value)
 *   polaris.fairwinds.com/<check>-exempt  polaris.fairwinds.com/exempt     (value "true")
 *   checkov.io/skipN: CKV_K8S_20=reason   (any key containing checkov.io/skip or bridgecrew.io/skip)
 *   kube-score/ignore: check-a,check-b    kube-score/skip: "true"
 */
#include "core/xalloc.h"
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Annotation pairs read per object at most (merges through aliases fan out). */
#define IGNORE_ANNOTATION_BUDGET 100000

static void set_ignore(lint_ignore *rules, unsigned r, const char *by, const char *reason)
{
	if (!rules[r].by) {
		rules[r].by = by;
		rules[r].reason = reason;
	}
}

/* Every rule carrying an alias of tool (e.g. "kube-linter"). */
static void ignore_tool(lint_ignore *rules, const char *tool, const char *by, const char *reason)
{
	size_t tl = strlen(tool);
	for (unsigned r = 0; r < R__COUNT; r++)
		for (const char *const *a = vakt_rules[r].aliases; a && *a; a++)
			if (strncmp(*a, tool, tl) == 0 && (*a)[tl] == ':') {
				set_ignore(rules, r, by, reason);
				break;
			}
}

/* Rules matching "tool:id" (tool may be NULL for a vakt reference). Returns matches. */
static unsigned ignore_ref(lint_ignore *rules, const char *tool, const char *id, const char *by,
			   const char *reason)
{
	char *ref = tool ? xasprintf("%s:%s", tool, id) : xstrdup(id);
	unsigned n = 0;
	for (int r = vakt_rule_match(ref, 0); r >= 0; r = vakt_rule_match(ref, (size_t)r + 1)) {
		set_ignore(rules, (unsigned)r, by, reason);
		n++;
	}
	free(ref);
	return n;
}

static void notice(lint_ctx *ctx, const vakt_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void notice(lint_ctx *ctx, const vakt_node *at, const char *fmt, ...)
{
	if (!ctx->opt->on_notice)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	ctx->opt->on_notice(ctx->file, at->line, msg, ctx->opt->ud);
	free(msg);
}

/* Split a "A, B C" list and ignore each reference. container: the list scopes one
 * container (ignore.vakt.io/<name>). */
static void ignore_list(lint_ctx *ctx, lint_ignore *rules, const char *tool, const vakt_node *v,
			const char *by, const char *reason, bool container)
{
	const char *s = v->scalar.str;
	while (*s) {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		const char *e = s;
		while (*e && *e != ',' && !isspace((unsigned char)*e))
			e++;
		if (e == s)
			break;
		char tok[256];
		snprintf(tok, sizeof(tok), "%.*s", (int)(e - s), s);
		if (strcmp(tok, "*") == 0) {
			if (tool)
				ignore_tool(rules, tool, by, reason);
			else
				for (unsigned r = 0; r < R__COUNT; r++)
					set_ignore(rules, r, by, reason);
		} else if (ignore_ref(rules, tool, tok, by, reason) == 0 && !tool) {
			notice(ctx, v, "%s names no vakt rule or alias '%s'", by, tok);
		} else if (container) {
			/* Pod Security verdicts are about the whole pod: no container to scope to */
			int r = vakt_rule_match(tok, 0);
			if (r >= 0 && vakt_rules[r].pss_check)
				notice(ctx, v, "%s: %s is a pod-level rule, which a container's ignore "
					       "cannot reach; use vakt.io/ignore",
				       by, vakt_rules[r].id);
		}
		s = e;
	}
}

static lint_ignore *container_slot(lint_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_container_ignores; i++)
		if (strcmp(ctx->container_ignores[i].container, name) == 0)
			return ctx->container_ignores[i].rules;
	lint_container_ignores *n =
		vakt_arena_calloc(ctx->arena, ctx->n_container_ignores + 1, sizeof(*n));
	if (ctx->n_container_ignores)
		memcpy(n, ctx->container_ignores, ctx->n_container_ignores * sizeof(*n));
	n[ctx->n_container_ignores].container = name;
	ctx->container_ignores = n;
	return n[ctx->n_container_ignores++].rules;
}

static bool is_true(const vakt_node *v)
{
	return v && v->type == VAKT_NODE_SCALAR && strcasecmp(v->scalar.str, "true") == 0;
}

static void collect(lint_ctx *ctx, const vakt_node *ann)
{
	if (!ann || ann->type != VAKT_NODE_MAP)
		return;
	const char *reason = vakt_k8s_annotation(ann, "vakt.io/ignore-reason");
	/* the annotations as Kubernetes stores them: each key once, the last value winning */
	vakt_map_entry *ents = NULL;
	size_t nents = 0;
	vakt_node_map_entries(ann, IGNORE_ANNOTATION_BUDGET, &ents, &nents);
	for (size_t i = 0; i < nents; i++) {
		const vakt_node *v = ents[i].value;
		const char *key = ents[i].key->scalar.str;
		bool str = v->type == VAKT_NODE_SCALAR;
		static const char kl[] = "ignore-check.kube-linter.io/";
		static const char pol[] = "polaris.fairwinds.com/";
		static const char cv[] = "ignore.vakt.io/";

		if (strcmp(key, "vakt.io/ignore") == 0 && str) {
			ignore_list(ctx, ctx->object_ignores, NULL, v, key, reason, false);
		} else if (strncmp(key, cv, sizeof(cv) - 1) == 0 && str) {
			lint_ignore *slot = container_slot(ctx, key + sizeof(cv) - 1);
			ignore_list(ctx, slot, NULL, v, key, reason, true);
		} else if (strncmp(key, kl, sizeof(kl) - 1) == 0) {
			/* kube-linter reads only the key; the value is the reason */
			const char *why = str && !vakt_node_is_null(v) && v->scalar.str[0] ? v->scalar.str : reason;
			ignore_ref(ctx->object_ignores, "kube-linter", key + sizeof(kl) - 1, key, why);
		} else if (strcmp(key, "kube-linter.io/ignore-all") == 0) {
			ignore_tool(ctx->object_ignores, "kube-linter", key, reason);
		} else if (strcmp(key, "polaris.fairwinds.com/exempt") == 0) {
			if (is_true(v))
				ignore_tool(ctx->object_ignores, "polaris", key, reason);
		} else if (strncmp(key, pol, sizeof(pol) - 1) == 0) {
			size_t kl2 = strlen(key);
			if (kl2 > sizeof(pol) - 1 + 7 && strcmp(key + kl2 - 7, "-exempt") == 0 && is_true(v)) {
				char check[256];
				snprintf(check, sizeof(check), "%.*s", (int)(kl2 - 7 - (sizeof(pol) - 1)),
					 key + sizeof(pol) - 1);
				ignore_ref(ctx->object_ignores, "polaris", check, key, reason);
			}
		} else if ((strstr(key, "checkov.io/skip") || strstr(key, "bridgecrew.io/skip")) && str) {
			/* "CKV_K8S_20=reason" or "CKV_K8S_20" */
			const char *val = v->scalar.str;
			const char *eq = strchr(val, '=');
			char id[128];
			snprintf(id, sizeof(id), "%.*s", (int)(eq ? (size_t)(eq - val) : strlen(val)), val);
			char *end = id + strlen(id);
			while (end > id && isspace((unsigned char)end[-1]))
				*--end = '\0';
			const char *why = eq ? vakt_arena_strdup(ctx->arena, eq + 1) : reason;
			ignore_ref(ctx->object_ignores, "checkov", id, key, why);
		} else if (strcmp(key, "kube-score/ignore") == 0 && str) {
			ignore_list(ctx, ctx->object_ignores, "kube-score", v, key, reason, false);
		} else if (strcmp(key, "kube-score/skip") == 0) {
			if (vakt_node_bool(v) == VAKT_BOOL_TRUE || is_true(v))
				ignore_tool(ctx->object_ignores, "kube-score", key, reason);
		}
	}
	free(ents);
}

void lint_collect_ignores(lint_ctx *ctx)
{
	memset(ctx->object_ignores, 0, sizeof(ctx->object_ignores));
	ctx->container_ignores = NULL;
	ctx->n_container_ignores = 0;
	if (ctx->opt->no_inline_ignores)
		return;
	collect(ctx, ctx->obj->annotations);
	if (ctx->pod && ctx->pod->pod_annotations != ctx->obj->annotations)
		collect(ctx, ctx->pod->pod_annotations);
}

/* ---- comments: Dockerfiles, scripts ------------------------------------------------------- */

/* Record an ignore of rule r for instruction (or -1, the whole file). */
static void add_line_ignore(lint_ctx *ctx, int instruction, unsigned r, const char *by,
			    const char *reason)
{
	lint_line_ignore *n = vakt_arena_calloc(ctx->arena, ctx->n_df_ignores + 1, sizeof(*n));
	if (ctx->n_df_ignores)
		memcpy(n, ctx->df_ignores, ctx->n_df_ignores * sizeof(*n));
	n[ctx->n_df_ignores].instruction = instruction;
	n[ctx->n_df_ignores].rule = r;
	n[ctx->n_df_ignores].ig.by = by;
	n[ctx->n_df_ignores].ig.reason = reason;
	ctx->df_ignores = n;
	ctx->n_df_ignores++;
}

/* Every rule a reference names ("DF-001", "hadolint:DL3002", "DS-0002") gets an ignore. */
static unsigned ignore_line_ref(lint_ctx *ctx, int instruction, const char *tool, const char *id,
				size_t idlen, const char *by, const char *reason)
{
	char *ref = tool ? vakt_arena_printf(ctx->arena, "%s:%.*s", tool, (int)idlen, id)
			 : vakt_arena_strndup(ctx->arena, id, idlen);
	unsigned n = 0;
	for (int r = vakt_rule_match(ref, 0); r >= 0; r = vakt_rule_match(ref, (size_t)r + 1), n++)
		add_line_ignore(ctx, instruction, (unsigned)r, by, reason);
	return n;
}

/* "A,B rest": each reference up to the first space; the rest is the reason. */
static void ignore_line_list(lint_ctx *ctx, int instruction, const char *tool, const char *list,
			     const char *by, unsigned line)
{
	size_t end = strcspn(list, " \t");
	const char *reason = list + end;
	while (*reason == ' ' || *reason == '\t')
		reason++;
	const char *why = *reason ? vakt_arena_strdup(ctx->arena, reason) : NULL;
	const char *p = list;
	while (p < list + end) {
		size_t k = strcspn(p, ",");
		if (k > (size_t)(list + end - p))
			k = (size_t)(list + end - p);
		if (k && ignore_line_ref(ctx, instruction, tool, p, k, by, why) == 0 && !tool &&
		    ctx->opt->on_notice) {
			char *msg = xasprintf("%s names no vakt rule or alias '%.*s'", by, (int)k, p);
			ctx->opt->on_notice(ctx->file, line, msg, ctx->opt->ud);
			free(msg);
		}
		p += k + 1;
	}
}

void lint_collect_comment_ignores(lint_ctx *ctx, const char *comment, unsigned line,
				  int instruction)
{
	if (ctx->opt->no_inline_ignores)
		return;
	const char *c = comment;
	while (*c == ' ' || *c == '\t' || *c == '#')
		c++;
	if (strncmp(c, "vakt ignore=", 12) == 0) {
		ignore_line_list(ctx, instruction, NULL, c + 12, "# vakt ignore", line);
	} else if (strncmp(c, "vakt ignore-file=", 17) == 0) {
		ignore_line_list(ctx, -1, NULL, c + 17, "# vakt ignore-file", line);
	} else if (strncmp(c, "hadolint ignore=", 16) == 0) {
		ignore_line_list(ctx, instruction, "hadolint", c + 16, "# hadolint ignore", line);
	} else if (strncmp(c, "hadolint global ignore=", 23) == 0) {
		ignore_line_list(ctx, -1, "hadolint", c + 23, "# hadolint global ignore", line);
	} else if (strncmp(c, "trivy:ignore:", 13) == 0) {
		/* "trivy:ignore:DS-0002 trivy:ignore:DS-0005": each names one check */
		for (const char *t = c; (t = strstr(t, "trivy:ignore:")); ) {
			t += 13;
			size_t k = strcspn(t, " \t");
			if (k == 1 && t[0] == '*') {
				/* trivy:ignore:* : every check Trivy has, i.e. every rule with its alias */
				for (unsigned r = 0; r < R__COUNT; r++)
					for (const char *const *a = vakt_rules[r].aliases; *a; a++)
						if (strncmp(*a, "trivy:", 6) == 0) {
							add_line_ignore(ctx, instruction, r, "# trivy:ignore", NULL);
							break;
						}
			} else {
				ignore_line_ref(ctx, instruction, "trivy", t, k, "# trivy:ignore", NULL);
			}
			t += k;
		}
	} else if (strncmp(c, "checkov:skip=", 13) == 0) {
		/* "checkov:skip=CKV_DOCKER_3:reason": checkov applies it to the whole file */
		const char *id = c + 13;
		size_t k = strcspn(id, ": \t");
		const char *why = id[k] == ':' ? vakt_arena_strdup(ctx->arena, id + k + 1) : NULL;
		ignore_line_ref(ctx, -1, "checkov", id, k, "# checkov:skip", why);
	}
}

void lint_ignore_refs(lint_ctx *ctx, const char *list, const char *by, const char *reason,
		      unsigned line)
{
	if (ctx->opt->no_inline_ignores)
		return;
	vakt_node n = {.type = VAKT_NODE_SCALAR, .line = line, .col = 1,
		       .scalar = {.str = list, .len = strlen(list)}};
	ignore_list(ctx, ctx->object_ignores, NULL, &n, by, reason, false);
}
