/* lint_internal.h - what rule functions see: the object under check and emit(). */
#ifndef VAKT_LINT_INTERNAL_H
#define VAKT_LINT_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "core/arena.h"
#include "lint/ctr.h"
#include "lint/dockerfile.h"
#include "lint/k8s.h"
#include "lint/lint.h"
#include "lint/rules.h"

/* Settings from .vakt.yaml, resolved against the rule table. */
typedef struct lint_config {
	char *path; /* NULL for the built-in defaults */
	char *dir;  /* absolute directory of the file */
	bool disabled[R__COUNT];
	bool has_severity[R__COUNT];
	vakt_severity severity[R__COUNT];
	bool pss_set;
	vakt_pss_policy pss;
	char **ignore_paths;
	size_t n_ignore_paths;
	int64_t low_id; /* K8S-024/025 threshold */
	char **trusted_registries; /* DF-010; NULL-terminated, NULL when not configured */
	size_t n_trusted_registries;
} lint_config;

/* An ignore that applies to one rule. */
typedef struct lint_ignore {
	const char *by;     /* the annotation key, e.g. "vakt.io/ignore" */
	const char *reason; /* NULL when none given */
} lint_ignore;

typedef struct lint_container_ignores {
	const char *container;
	lint_ignore rules[R__COUNT];
} lint_container_ignores;

/* An inline ignore in a Dockerfile, scoped to one instruction or (instruction -1) the
 * whole file. */
typedef struct lint_line_ignore {
	int instruction;
	unsigned rule;
	lint_ignore ig;
} lint_line_ignore;

typedef struct lint_ctx {
	const vakt_lint_options *opt;
	const lint_config *cfg;
	vakt_report *report;
	vakt_summary *sum;
	vakt_arena *arena; /* the document's: message strings live here */
	const char *file;

	/* what the finding is about, for the report: kind, namespace, name */
	const char *obj_kind, *obj_ns, *obj_name;

	/* Kubernetes: the object and its pod */
	const k8s_object *obj;
	const k8s_pod *pod;

	/* Dockerfile: the parsed file, the stage that becomes the image, its inline ignores */
	const df_file *df;
	int df_target;
	lint_line_ignore *df_ignores;
	size_t n_df_ignores;
	struct df_token_cache *df_tokens; /* df_rules.c: each RUN tokenised once */
	bool *df_image_stages;            /* df_rules.c: stages that make the image */

	/* a compose service or a docker run line */
	const vakt_ctr *ctr;
	bool ctr_image_built; /* compose builds the image here: its name is not pulled */

	const char *pss_level;   /* for PSS findings */
	const char *pss_version;
	lint_ignore object_ignores[R__COUNT];
	lint_container_ignores *container_ignores;
	size_t n_container_ignores;
} lint_ctx;

/* Report a finding of rule about ct (NULL for pod-level) at node `at`. Applies the
 * configuration (disabled rules, severity overrides), the severity filter and ignores. */
void lint_emit(lint_ctx *ctx, unsigned rule, const vakt_node *at, const k8s_container *ct,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same for a position in a file (NULL: ctx->file): Dockerfile and container rules.
 * ig is an inline ignore already found for this finding, or NULL. */
void lint_emit_at(lint_ctx *ctx, unsigned rule, const char *file, unsigned line, unsigned col,
		  const lint_ignore *ig, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

void lint_emit_atv(lint_ctx *ctx, unsigned rule, const char *file, unsigned line, unsigned col,
		   const lint_ignore *ig, const char *fmt, va_list ap);

/* Parse an ignore comment ("vakt ignore=A,B reason", "hadolint ignore=DL3002",
 * "trivy:ignore:DS-0002", "checkov:skip=CKV_DOCKER_3:reason", ...) into entries for the
 * given instruction; file-wide forms use instruction -1. */
void lint_collect_comment_ignores(lint_ctx *ctx, const char *comment, unsigned line,
				  int instruction);
/* Rule references from a list ("K8S-001, trivy:KSV-0012") into ctx->object_ignores. */
void lint_ignore_refs(lint_ctx *ctx, const char *list, const char *by, const char *reason,
		      unsigned line);

/* Collect the ignores of ctx->obj / ctx->pod annotations into ctx (unless disabled).
 * Unknown rule references are reported through opt->on_notice. */
void lint_collect_ignores(lint_ctx *ctx);

/* Hardening rule functions, one per rules.def entry with a check. */
#define RULE(sym, id, sev, sev_run, target, check, level, pcheck, title, rationale, fix, aliases) \
	void check(lint_ctx *ctx);
#include "lint/rules.def"
#undef RULE

#endif
