/* lint.c - the `vakt lint` driver; see lint.h.
 *
 * Two passes over the inputs when no --pss is given: a cheap first pass finds Namespace
 * objects with pod-security.kubernetes.io/enforce labels (files whose bytes never
 * mention "Namespace" are not parsed), so pods are checked at their namespace's level
 * wherever the Namespace appears in the input. The second pass lints, streaming one
 * document at a time: memory is bounded by the largest document, not the input.
 */
#include "lint/lint.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/config.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "lint/compose.h"
#include "lint/dockerrun.h"
#include "lint/lint_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LIST_DEPTH_MAX 4
#define DEFAULT_LOW_ID 10000

/* PSS rules are evaluated by pss.c in upstream order; their table slot does nothing. */
void pss_rule_check(lint_ctx *ctx)
{
	(void)ctx;
}

/* Image rules are evaluated by src/image on an image's config; their slot does nothing. */
void image_rule_check(lint_ctx *ctx)
{
	(void)ctx;
}

void vakt_lint_options_init(vakt_lint_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->fail_on = VAKT_SEV_LOW;
	opt->findings_exit_code = VAKT_EXIT_FINDINGS;
	opt->limits = vakt_doc_default_limits;
}

/* ---- run state ------------------------------------------------------------------------------ */

typedef struct ns_policy {
	char *name;
	vakt_pss_policy policy;
} ns_policy;

typedef struct loaded_config {
	lint_config cfg;
} loaded_config;

/* .hadolint.yaml's settings (see hadolint_load) */
typedef struct hadolint_cfg {
	bool disabled[R__COUNT];
	char **registries;
	size_t nregistries;
} hadolint_cfg;

typedef struct run {
	const vakt_lint_options *opt;
	vakt_report *report;
	vakt_summary *sum;

	lint_config defaults;
	loaded_config **configs;
	size_t nconfigs;
	const lint_config *cfg; /* for the current input */
	const lint_config **input_cfgs; /* per input, resolved before anything runs */

	ns_policy *namespaces;
	size_t nnamespaces;
	char **charts_noticed;
	size_t ncharts;

	char *stdin_data; /* stdin is read once, for both passes */
	size_t stdin_len;
	bool stdin_read;
	bool prepass;
	vakt_error **fatal;

	/* Dockerfiles named by compose services' build: found in the first pass, linted with
	 * the service's target and build args */
	struct df_ref {
		char *path; /* realpath */
		char *target;
		char **build_args;
	} *df_refs;
	size_t n_df_refs;
	char **df_done; /* realpaths of Dockerfiles already linted */
	size_t n_df_done;
	hadolint_cfg hadolint;
	struct timespec last_progress;
} run;

/* Call the progress callback at most every 100 ms (checked every 16 files). */
static void progress(run *r, bool done)
{
	if (!r->opt->on_progress || r->prepass)
		return;
	if (!done) {
		if (r->sum->files % 16)
			return;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - r->last_progress.tv_sec) * 1000 +
			  (now.tv_nsec - r->last_progress.tv_nsec) / 1000000;
		if (ms < 100)
			return;
		r->last_progress = now;
	}
	r->opt->on_progress(r->sum->files, r->sum->objects, done, r->opt->ud);
}

static void report_error(run *r, vakt_error *e)
{
	r->sum->errors++;
	if (r->opt->on_error)
		r->opt->on_error(e, r->opt->ud);
	vakt_report_error(r->report, e);
}

static void notice(run *r, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void notice(run *r, const char *file, unsigned line, const char *fmt, ...)
{
	if (!r->opt->on_notice)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	r->opt->on_notice(file, line, msg, r->opt->ud);
	free(msg);
}

/* ---- configuration ------------------------------------------------------------------------------ */

static void config_defaults(lint_config *c)
{
	memset(c, 0, sizeof(*c));
	c->low_id = DEFAULT_LOW_ID;
}

static void config_add_registry(lint_config *c, const char *reg)
{
	c->trusted_registries = xreallocarray(c->trusted_registries, c->n_trusted_registries + 2,
					      sizeof(char *));
	c->trusted_registries[c->n_trusted_registries++] = xstrdup(reg);
	c->trusted_registries[c->n_trusted_registries] = NULL;
}

static int config_error(vakt_config *vc, const vakt_node *n, vakt_error **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int config_error(vakt_config *vc, const vakt_node *n, vakt_error **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	vakt_error_set_at(err, VAKT_E_USAGE, vc->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	free(msg);
	return VAKT_E_USAGE;
}

/* ---- .hadolint.yaml, read as hadolint reads it -------------------------------------------------
 * So a team that switches keeps its decisions: the first of $PWD/.hadolint.y[a]ml,
 * $XDG_CONFIG_HOME (or ~/.config)/hadolint.y[a]ml, ~/.hadolint/{hadolint,config}.y[a]ml,
 * ~/.hadolint.y[a]ml (hadolint's own order; no search up the tree). Its `ignored` rules turn
 * off the vakt rules carrying that hadolint alias; its `trustedRegistries` are trusted. */
static char *hadolint_find(void)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *cands[12] = {0};
	size_t n = 0;
	cands[n++] = xstrdup(".hadolint.yaml");
	cands[n++] = xstrdup(".hadolint.yml");
	if (xdg && *xdg) {
		cands[n++] = xasprintf("%s/hadolint.yaml", xdg);
		cands[n++] = xasprintf("%s/hadolint.yml", xdg);
	} else if (home) {
		cands[n++] = xasprintf("%s/.config/hadolint.yaml", home);
		cands[n++] = xasprintf("%s/.config/hadolint.yml", home);
	}
	if (home) {
		static const char *const names[] = {"hadolint.yaml", "hadolint.yml", "config.yaml",
						    "config.yml"};
		for (size_t i = 0; i < 4; i++)
			cands[n++] = xasprintf("%s/.hadolint/%s", home, names[i]);
		cands[n++] = xasprintf("%s/.hadolint.yaml", home);
		cands[n++] = xasprintf("%s/.hadolint.yml", home);
	}
	char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found && access(cands[i], R_OK) == 0)
			found = TAKE_PTR(cands[i]);
		free(cands[i]);
	}
	return found;
}

/* Load .hadolint.yaml if there is one; a broken one is a configuration error (exit 2). */
static int hadolint_load(hadolint_cfg *h, vakt_error **err)
{
	memset(h, 0, sizeof(*h));
	_cleanup_free_ char *path = hadolint_find();
	if (!path)
		return 0;
	vakt_config *vc = NULL;
	if (vakt_config_load(path, &vc, err) < 0)
		return VAKT_E_USAGE;
	int rc = 0;
	const vakt_node *ign = vakt_node_get(vc->root, "ignored");
	for (size_t i = 0; ign && ign->type == VAKT_NODE_SEQ && i < ign->seq.n; i++) {
		const char *id = vakt_node_str(ign->seq.items[i]);
		if (!id)
			continue;
		char *ref = xasprintf("hadolint:%s", id);
		for (int r = vakt_rule_match(ref, 0); r >= 0; r = vakt_rule_match(ref, (size_t)r + 1))
			h->disabled[r] = true;
		free(ref);
	}
	const vakt_node *tr = vakt_node_get(vc->root, "trustedRegistries");
	for (size_t i = 0; tr && tr->type == VAKT_NODE_SEQ && i < tr->seq.n; i++) {
		const char *reg = vakt_node_str(tr->seq.items[i]);
		if (!reg)
			continue;
		h->registries = xreallocarray(h->registries, h->nregistries + 1, sizeof(char *));
		h->registries[h->nregistries++] = xstrdup(reg);
	}
	vakt_config_free(vc);
	return rc;
}

static void hadolint_apply(const hadolint_cfg *h, lint_config *c)
{
	for (unsigned r = 0; r < R__COUNT; r++)
		c->disabled[r] |= h->disabled[r];
	for (size_t i = 0; i < h->nregistries; i++)
		config_add_registry(c, h->registries[i]);
}

static void hadolint_release(hadolint_cfg *h)
{
	for (size_t i = 0; i < h->nregistries; i++)
		free(h->registries[i]);
	free(h->registries);
}

/* Resolve a rule reference from the configuration into every rule it names. */
static int config_rules(vakt_config *vc, const vakt_node *n, bool *out, vakt_error **err)
{
	const char *ref = vakt_node_str(n);
	if (!ref || vakt_node_is_null(n))
		return config_error(vc, n, err, "expected a rule ID");
	int r = vakt_rule_match(ref, 0);
	if (r < 0)
		return config_error(vc, n, err, "unknown rule '%s' (see `vakt rules`)", ref);
	for (; r >= 0; r = vakt_rule_match(ref, (size_t)r + 1))
		out[r] = true;
	return 0;
}

static int config_parse(vakt_config *vc, lint_config *c, vakt_error **err)
{
	config_defaults(c);
	c->path = xstrdup(vc->path);
	c->dir = xstrdup(vc->dir);
	const vakt_node *root = vc->root;
	if (!root)
		return 0;
	for (size_t i = 0; i < root->map.n; i++) {
		const vakt_node *k = root->map.pairs[i].key, *v = root->map.pairs[i].value;
		const char *key = vakt_node_str(k);
		if (!key)
			return config_error(vc, k, err, "keys must be strings");
		if (strcmp(key, "pss") == 0) {
			const char *s = vakt_node_str(v);
			if (!s || vakt_node_is_null(v))
				return config_error(vc, v, err, "pss: expected LEVEL[:VERSION]");
			vakt_error *e = NULL;
			if (vakt_pss_parse(s, &c->pss, &e) < 0) {
				int rc = config_error(vc, v, err, "pss: %s", e->msg);
				vakt_error_free(e);
				return rc;
			}
			c->pss_set = true;
		} else if (strcmp(key, "disable") == 0) {
			if (v->type != VAKT_NODE_SEQ)
				return config_error(vc, v, err, "disable: expected a list of rule IDs");
			for (size_t j = 0; j < v->seq.n; j++) {
				int r = config_rules(vc, v->seq.items[j], c->disabled, err);
				if (r < 0)
					return r;
			}
		} else if (strcmp(key, "severity") == 0) {
			if (v->type != VAKT_NODE_MAP)
				return config_error(vc, v, err, "severity: expected a mapping RULE: SEVERITY");
			for (size_t j = 0; j < v->map.n; j++) {
				bool which[R__COUNT] = {0};
				int r = config_rules(vc, v->map.pairs[j].key, which, err);
				if (r < 0)
					return r;
				vakt_severity sev;
				const char *s = vakt_node_str(v->map.pairs[j].value);
				if (!s || !vakt_severity_parse(s, &sev))
					return config_error(vc, v->map.pairs[j].value, err,
							    "expected a severity (CRITICAL, HIGH, MEDIUM, LOW, INFO)");
				for (unsigned x = 0; x < R__COUNT; x++)
					if (which[x]) {
						c->has_severity[x] = true;
						c->severity[x] = sev;
					}
			}
		} else if (strcmp(key, "ignore-paths") == 0) {
			if (v->type != VAKT_NODE_SEQ)
				return config_error(vc, v, err, "ignore-paths: expected a list of patterns");
			c->ignore_paths = xcalloc(v->seq.n + 1, sizeof(char *));
			for (size_t j = 0; j < v->seq.n; j++) {
				const char *s = vakt_node_str(v->seq.items[j]);
				if (!s)
					return config_error(vc, v->seq.items[j], err, "expected a pattern");
				c->ignore_paths[c->n_ignore_paths++] = xstrdup(s);
			}
		} else if (strcmp(key, "trusted-registries") == 0) {
			if (v->type != VAKT_NODE_SEQ)
				return config_error(vc, v, err, "trusted-registries: expected a list of registries");
			for (size_t j = 0; j < v->seq.n; j++) {
				const char *reg = vakt_node_str(v->seq.items[j]);
				if (!reg)
					return config_error(vc, v->seq.items[j], err, "expected a registry name");
				config_add_registry(c, reg);
			}
		} else if (strcmp(key, "low-id") == 0) {
			int64_t x;
			if (!vakt_node_int64(v, &x) || x < 0)
				return config_error(vc, v, err, "low-id: expected a non-negative integer");
			c->low_id = x;
		} else if (strcmp(key, "vulnerabilities") == 0 || strcmp(key, "db") == 0) {
			/* owned by vakt image and vakt db, which check them */
		} else {
			return config_error(vc, k, err,
					    "unknown setting '%s' (known: pss, disable, severity, "
					    "ignore-paths, low-id, trusted-registries; vulnerabilities and db for "
					    "vakt image and vakt db)",
					    key);
		}
	}
	return 0;
}

static void config_release(lint_config *c)
{
	for (size_t i = 0; i < c->n_trusted_registries; i++)
		free(c->trusted_registries[i]);
	free(c->trusted_registries);
	free(c->path);
	free(c->dir);
	for (size_t i = 0; i < c->n_ignore_paths; i++)
		free(c->ignore_paths[i]);
	free(c->ignore_paths);
}

/* The configuration for an input: --config, else the nearest .vakt.yaml, else defaults. */
static int config_for(run *r, const char *input, const lint_config **ret, vakt_error **err)
{
	_cleanup_free_ char *path = NULL;
	if (r->opt->no_config) {
		*ret = &r->defaults;
		return 0;
	}
	if (r->opt->config_path)
		path = xstrdup(r->opt->config_path);
	else if (strcmp(input, "-") != 0)
		path = vakt_config_find(input);
	else
		path = vakt_config_find(".");
	if (!path) {
		*ret = &r->defaults;
		return 0;
	}
	for (size_t i = 0; i < r->nconfigs; i++)
		if (strcmp(r->configs[i]->cfg.path, path) == 0) {
			*ret = &r->configs[i]->cfg;
			return 0;
		}
	vakt_config *vc = NULL;
	int rc = vakt_config_load(path, &vc, err);
	if (rc < 0)
		return VAKT_E_USAGE; /* an unreadable configuration is a usage problem: exit 2 */
	loaded_config *lc = xcalloc(1, sizeof(*lc));
	rc = config_parse(vc, &lc->cfg, err);
	vakt_config_free(vc);
	if (rc < 0) {
		config_release(&lc->cfg);
		free(lc);
		return rc;
	}
	hadolint_apply(&r->hadolint, &lc->cfg);
	r->configs = xreallocarray(r->configs, r->nconfigs + 1, sizeof(*r->configs));
	r->configs[r->nconfigs++] = lc;
	*ret = &lc->cfg;
	return 0;
}

/* True if file matches one of the configuration's ignore-paths (relative to its dir). */
static bool path_ignored(const lint_config *cfg, const char *file)
{
	if (!cfg->n_ignore_paths || !cfg->dir)
		return false;
	char real[PATH_MAX];
	if (!realpath(file, real))
		return false;
	size_t dl = strlen(cfg->dir);
	const char *rel = real;
	if (strncmp(real, cfg->dir, dl) == 0 && (real[dl] == '/' || dl == 1))
		rel = real + dl + (dl == 1 ? 0 : 1);
	for (size_t i = 0; i < cfg->n_ignore_paths; i++) {
		const char *pat = cfg->ignore_paths[i];
		if (fnmatch(pat, rel, 0) == 0)
			return true;
		/* a pattern naming a directory ignores everything below it */
		size_t pl = strlen(pat);
		while (pl && pat[pl - 1] == '/')
			pl--;
		if (strncmp(rel, pat, pl) == 0 && rel[pl] == '/')
			return true;
	}
	return false;
}

/* ---- findings -------------------------------------------------------------------------------- */

/* The severity of rule here: .vakt.yaml's, else the rule's own for this target. */
static vakt_severity severity_of(const lint_ctx *ctx, unsigned rule)
{
	if (ctx->cfg->has_severity[rule])
		return ctx->cfg->severity[rule];
	const vakt_rule *r = &vakt_rules[rule];
	if (ctx->ctr && ctx->ctr->source == CTR_DOCKER_RUN && r->severity_run != VAKT_SEV_COUNT)
		return r->severity_run;
	return r->severity;
}

/* Every finding goes through here: configuration, filters and ignores, then the report. */
static void emit(lint_ctx *ctx, unsigned rule, const char *file, unsigned line, unsigned col,
		 const char *container, const lint_ignore *ig, const char *fmt, va_list ap)
{
	if (ctx->cfg->disabled[rule])
		return;
	vakt_severity sev = severity_of(ctx, rule);
	if (ctx->opt->severity_filter && !ctx->opt->severities[sev])
		return;
	if (!ig && ctx->object_ignores[rule].by)
		ig = &ctx->object_ignores[rule];
	if (!ig && container)
		for (size_t i = 0; i < ctx->n_container_ignores; i++)
			if (strcmp(ctx->container_ignores[i].container, container) == 0 &&
			    ctx->container_ignores[i].rules[rule].by)
				ig = &ctx->container_ignores[i].rules[rule];
	if (ig) {
		ctx->sum->suppressed++;
		if (!ctx->opt->show_ignored)
			return;
	}

	/* most messages fit on the stack: no allocation per finding */
	char stack[512], *msg = stack;
	va_list ap2;
	va_copy(ap2, ap);
	int len = vsnprintf(stack, sizeof(stack), fmt, ap);
	if (len < 0)
		vakt_oom();
	if ((size_t)len >= sizeof(stack) && vasprintf(&msg, fmt, ap2) < 0)
		vakt_oom();
	va_end(ap2);
	bool pss = vakt_rules[rule].pss_check != NULL;
	vakt_finding f = {
		.rule = &vakt_rules[rule],
		.severity = sev,
		.message = msg,
		.file = file ? file : ctx->file,
		.line = line,
		.col = col,
		.kind = ctx->obj_kind,
		.ns = ctx->obj_ns,
		.name = ctx->obj_name,
		.container = container,
		.pss_level = pss ? vakt_rules[rule].pss_level : NULL,
		.pss_version = pss ? ctx->pss_version : NULL,
		.suppressed = ig != NULL,
		.suppressed_by = ig ? ig->by : NULL,
		.suppress_reason = ig ? ig->reason : NULL,
	};
	vakt_report_finding(ctx->report, &f);
	if (msg != stack)
		free(msg);
	if (!ig) {
		ctx->sum->findings++;
		ctx->sum->by_severity[sev]++;
	}
}

void lint_emit(lint_ctx *ctx, unsigned rule, const vakt_node *at, const k8s_container *ct,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(ctx, rule, NULL, at ? at->line : 0, at ? at->col : 0, ct ? ct->name : NULL, NULL, fmt, ap);
	va_end(ap);
}

void lint_emit_atv(lint_ctx *ctx, unsigned rule, const char *file, unsigned line, unsigned col,
		   const lint_ignore *ig, const char *fmt, va_list ap)
{
	/* a Dockerfile's file-wide inline ignores */
	for (size_t i = 0; !ig && i < ctx->n_df_ignores; i++)
		if (ctx->df_ignores[i].instruction < 0 && ctx->df_ignores[i].rule == rule)
			ig = &ctx->df_ignores[i].ig;
	emit(ctx, rule, file, line, col, NULL, ig, fmt, ap);
}

void lint_emit_at(lint_ctx *ctx, unsigned rule, const char *file, unsigned line, unsigned col,
		  const lint_ignore *ig, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lint_emit_atv(ctx, rule, file, line, col, ig, fmt, ap);
	va_end(ap);
}

static void pss_fail(void *ud, unsigned rule, const char *reason, const char *detail,
		     const vakt_node *at)
{
	lint_ctx *ctx = ud;
	if (detail[0])
		lint_emit(ctx, rule, at, NULL, "%s (%s)", reason, detail);
	else
		lint_emit(ctx, rule, at, NULL, "%s", reason);
}

/* Run every rule of target (PSS checks excepted: pss.c runs them in upstream order). */
static void run_rules(lint_ctx *ctx, const char *target)
{
	for (unsigned i = 0; i < R__COUNT; i++)
		if (!vakt_rules[i].pss_check && strcmp(vakt_rules[i].target, target) == 0)
			vakt_rule_checks[i](ctx);
}

/* ---- objects -------------------------------------------------------------------------------- */

static const vakt_pss_policy *namespace_policy(run *r, const char *ns)
{
	if (!ns)
		return NULL;
	for (size_t i = 0; i < r->nnamespaces; i++)
		if (strcmp(r->namespaces[i].name, ns) == 0)
			return &r->namespaces[i].policy;
	return NULL;
}

/* Record a Namespace's enforce labels (first pass). */
static void record_namespace(run *r, const char *file, const k8s_object *obj)
{
	if (strcmp(obj->kind, "Namespace") != 0 || !obj->name)
		return;
	const char *level = vakt_k8s_label(obj->labels, "pod-security.kubernetes.io/enforce");
	const char *version = vakt_k8s_label(obj->labels, "pod-security.kubernetes.io/enforce-version");
	vakt_pss_policy p;
	const char *warning = NULL;
	if (!vakt_pss_from_labels(level, version, &p, &warning))
		return;
	if (warning)
		notice(r, file, obj->node->line, "Namespace %s: %s", obj->name, warning);
	for (size_t i = 0; i < r->nnamespaces; i++)
		if (strcmp(r->namespaces[i].name, obj->name) == 0) {
			r->namespaces[i].policy = p; /* the last definition wins, as kubectl apply */
			return;
		}
	r->namespaces = xreallocarray(r->namespaces, r->nnamespaces + 1, sizeof(*r->namespaces));
	r->namespaces[r->nnamespaces].name = xstrdup(obj->name);
	r->namespaces[r->nnamespaces++].policy = p;
}

static void lint_object(run *r, vakt_arena *arena, const char *file, const k8s_object *obj)
{
	if (r->prepass) {
		record_namespace(r, file, obj);
		return;
	}
	r->sum->objects++;
	if (!vakt_k8s_is_workload(obj->api_version, obj->kind))
		return;
	k8s_pod pod;
	vakt_error *e = NULL;
	if (vakt_k8s_pod_read(obj, file, arena, &pod, &e) < 0) {
		if (e) {
			vakt_error_wrap(&e, "%s %s", obj->kind, obj->name ? obj->name : "(unnamed)");
			/* keep the position: wrap only prefixed the message */
			report_error(r, e);
		}
		vakt_error_free(e);
		return;
	}
	if (!pod.spec)
		return; /* no pod spec (a patch fragment, a template-less stub): nothing to check */

	lint_ctx ctx = {
		.opt = r->opt,
		.cfg = r->cfg,
		.report = r->report,
		.sum = r->sum,
		.arena = arena,
		.file = file,
		.obj_kind = obj->kind,
		.obj_ns = obj->ns,
		.obj_name = obj->name,
		.obj = obj,
		.pod = &pod,
	};
	lint_collect_ignores(&ctx);
	run_rules(&ctx, "kubernetes");

	const vakt_pss_policy *p = NULL;
	if (r->opt->pss_set)
		p = &r->opt->pss;
	else if ((p = namespace_policy(r, obj->ns)) == NULL && r->cfg->pss_set)
		p = &r->cfg->pss;
	if (p && p->level != VAKT_PSS_PRIVILEGED) {
		char ver[32];
		ctx.pss_level = vakt_pss_level_name(p->level);
		ctx.pss_version = vakt_arena_strdup(arena, vakt_pss_version_str(p, ver, sizeof(ver)));
		vakt_pss_evaluate(p, &pod, pss_fail, &ctx);
	}
}

static void lint_node(run *r, vakt_arena *arena, const char *file, const vakt_node *root, int depth)
{
	k8s_object obj;
	if (!vakt_k8s_object(root, &obj))
		return; /* not a Kubernetes object: skipped, not an error */
	size_t kl = strlen(obj.kind);
	if (kl >= 4 && strcmp(obj.kind + kl - 4, "List") == 0) {
		/* kind: List (and FooList): lint the items */
		const vakt_node *items = vakt_node_get(root, "items");
		if (!items || items->type != VAKT_NODE_SEQ || depth >= LIST_DEPTH_MAX)
			return;
		for (size_t i = 0; i < items->seq.n; i++)
			lint_node(r, arena, file, items->seq.items[i], depth + 1);
		return;
	}
	lint_object(r, arena, file, &obj);
}

/* ---- files ---------------------------------------------------------------------------------- */

static void lint_stream(run *r, vakt_doc_stream *s, const char *file)
{
	for (;;) {
		vakt_doc *doc = NULL;
		vakt_error *e = NULL;
		int rc = vakt_doc_stream_next(s, &doc, &e);
		if (rc < 0) {
			if (!r->prepass)
				report_error(r, e);
			vakt_error_free(e);
			return;
		}
		if (rc == 0)
			return;
		/* the arena of the stream holds this document until the next call */
		lint_node(r, vakt_doc_stream_arena(s), file, doc->root, 0);
	}
}

/* Does the file mention "Namespace" at all? A byte search is much cheaper than parsing. */
static bool mentions_namespace(int fd)
{
	static const char needle[] = "Namespace";
	char buf[65536 + sizeof(needle)];
	size_t keep = 0;
	bool first = true;
	for (;;) {
		ssize_t n = read(fd, buf + keep, sizeof(buf) - keep);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		size_t len = keep + (size_t)n;
		/* UTF-16 and UTF-32 text (a byte-order mark, or NUL bytes) spells "Namespace"
		 * with NULs between the letters: such files are always parsed */
		if (first && memchr(buf, '\0', len))
			return true;
		first = false;
		if (memmem(buf, len, needle, sizeof(needle) - 1))
			return true;
		keep = sizeof(needle) - 2;
		memmove(buf, buf + len - keep, keep);
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool is_dockerfile_name(const char *base)
{
	return strcmp(base, "Dockerfile") == 0 || strncmp(base, "Dockerfile.", 11) == 0 ||
	       ends_with(base, ".Dockerfile") || ends_with(base, ".dockerfile") ||
	       strcmp(base, "Containerfile") == 0 || strncmp(base, "Containerfile.", 14) == 0;
}

static bool is_yaml_name(const char *base)
{
	return ends_with(base, ".yaml") || ends_with(base, ".yml") || ends_with(base, ".json");
}

/* What a file is by its name and place; AUTO when only its content can tell. */
static vakt_input_type classify_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (is_dockerfile_name(base))
		return VAKT_INPUT_DOCKERFILE;
	if (vakt_compose_is_compose_name(base))
		return VAKT_INPUT_COMPOSE;
	if ((strstr(path, "/.github/workflows/") || strncmp(path, ".github/workflows/", 18) == 0) &&
	    (ends_with(base, ".yml") || ends_with(base, ".yaml")))
		return VAKT_INPUT_GITHUB;
	if (strcmp(base, ".gitlab-ci.yml") == 0 || strcmp(base, ".gitlab-ci.yaml") == 0)
		return VAKT_INPUT_GITLAB;
	if (ends_with(base, ".sh") || ends_with(base, ".bash"))
		return VAKT_INPUT_SHELL;
	if (strcmp(base, "Makefile") == 0 || strcmp(base, "makefile") == 0 ||
	    strcmp(base, "GNUmakefile") == 0 || ends_with(base, ".mk"))
		return VAKT_INPUT_MAKEFILE;
	return VAKT_INPUT_AUTO;
}

/* Does a line of text start with word (case-insensitively) followed by a blank? */
static bool line_starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) > n && strncasecmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\t');
}

/* What a file is by its first bytes: a compose file has a top-level `services:` and no
 * `apiVersion:`; a Dockerfile starts (after comments) with FROM, ARG or a # syntax=
 * directive; a script with a #! naming a shell. Everything else is read as YAML/JSON. */
static vakt_input_type sniff(const char *base, const char *p, size_t n)
{
	const char *end = p + n;
	bool yaml = is_yaml_name(base), services = false, api = false;
	bool first = true;
	for (const char *l = p; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *le = nl ? nl : end;
		if (first && !yaml) {
			if (le - l > 2 && l[0] == '#' && l[1] == '!' &&
			    (memmem(l, (size_t)(le - l), "sh", 2)))
				return VAKT_INPUT_SHELL;
			if (le - l >= 9 && strncasecmp(l, "# syntax=", 9) == 0)
				return VAKT_INPUT_DOCKERFILE;
		}
		if (l < le && l[0] != '#' && l[0] != '\r' && first && !yaml) {
			first = false;
			if (line_starts(l, le, "FROM") || line_starts(l, le, "ARG"))
				return VAKT_INPUT_DOCKERFILE;
		}
		if (le - l >= 9 && strncmp(l, "services:", 9) == 0)
			services = true;
		if (le - l >= 11 && strncmp(l, "apiVersion:", 11) == 0)
			api = true;
		l = nl ? nl + 1 : end;
	}
	return services && !api ? VAKT_INPUT_COMPOSE : VAKT_INPUT_KUBERNETES;
}

static bool wanted(const char *name, void *ud)
{
	(void)ud;
	if (strcmp(name, ".vakt.yaml") == 0 || strcmp(name, ".vakt.yml") == 0)
		return false; /* configuration, not input */
	return is_yaml_name(name) || classify_name(name) != VAKT_INPUT_AUTO;
}

/* ---- Dockerfiles ----------------------------------------------------------------------------- */

static bool df_done(run *r, const char *real)
{
	for (size_t i = 0; i < r->n_df_done; i++)
		if (strcmp(r->df_done[i], real) == 0)
			return true;
	r->df_done = xreallocarray(r->df_done, r->n_df_done + 1, sizeof(char *));
	r->df_done[r->n_df_done++] = xstrdup(real);
	return false;
}

/* Lint a Dockerfile's bytes: parse, collect the inline ignores, judge the target stage. */
static void lint_dockerfile_data(run *r, const char *path, const char *data, size_t len,
				 const char *target, const char *const *build_args)
{
	vakt_arena arena;
	vakt_arena_init(&arena, 0);
	df_options dopt = {.build_args = build_args, .max_bytes = r->opt->limits.max_doc_bytes};
	df_file *f = NULL;
	vakt_error *e = NULL;
	if (vakt_dockerfile_parse(path, data, len, &dopt, &arena, &f, &e) < 0) {
		report_error(r, e);
		vakt_error_free(e);
		vakt_arena_destroy(&arena);
		return;
	}
	lint_ctx ctx = {
		.opt = r->opt,
		.cfg = r->cfg,
		.report = r->report,
		.sum = r->sum,
		.arena = &arena,
		.file = path,
		.df = f,
		.df_target = vakt_dockerfile_target(f, target),
	};
	if (target && ctx.df_target < 0 && f->nstages) {
		vakt_error_set_at(&e, VAKT_E_INVALID, path, 0, 0, "no stage named \"%s\" (--target)", target);
		report_error(r, e);
		vakt_error_free(e);
		vakt_arena_destroy(&arena);
		return;
	}
	for (size_t i = 0; i < f->ncomments; i++)
		lint_collect_comment_ignores(&ctx, f->comments[i].text, f->comments[i].line,
					     f->comments[i].next_instruction);
	r->sum->objects += f->nstages;
	run_rules(&ctx, "dockerfile");
	vakt_arena_destroy(&arena);
}

/* Read and lint the Dockerfile at path (dirfd-relative name), once per run. */
static void lint_dockerfile_file(run *r, int dirfd, const char *name, const char *path,
				 const char *target, const char *const *build_args)
{
	/* Only Dockerfiles that compose projects build can be reached twice (by a walk and by
	 * the project): only then is the file's real path worth a lookup. */
	char real[PATH_MAX];
	if (r->n_df_refs && realpath(path, real)) {
		if (df_done(r, real))
			return;
		/* a Dockerfile a compose service builds is judged with that service's target
		 * and args */
		for (size_t i = 0; !target && i < r->n_df_refs; i++)
			if (strcmp(r->df_refs[i].path, real) == 0) {
				target = r->df_refs[i].target;
				build_args = (const char *const *)r->df_refs[i].build_args;
			}
	}
	if (!target)
		target = r->opt->target;
	if (!build_args)
		build_args = r->opt->build_args;
	vakt_error *e = NULL;
	char *data = NULL;
	size_t len = 0;
	int fd = vakt_open_regular(dirfd, name, path, &e);
	if (fd >= 0) {
		vakt_read_all(fd, path, r->opt->limits.max_doc_bytes, &data, &len, &e);
		close(fd);
	}
	r->sum->files++;
	vakt_report_file_begin(r->report, path);
	if (e)
		report_error(r, e);
	else
		lint_dockerfile_data(r, path, data, len, target, build_args);
	vakt_report_file_end(r->report, path);
	vakt_error_free(e);
	free(data);
}

/* ---- containers: compose services, docker run lines ------------------------------------------- */

static void lint_ctr(run *r, vakt_arena *arena, const char *file, const vakt_ctr *c,
		     const ctr_item *ignores, size_t nignores, const char *comment, unsigned line,
		     bool built)
{
	lint_ctx ctx = {
		.opt = r->opt,
		.cfg = r->cfg,
		.report = r->report,
		.sum = r->sum,
		.arena = arena,
		.file = file,
		.obj_kind = c->source == CTR_COMPOSE				   ? "service"
			    : c->tool && strcmp(c->tool, "podman") == 0 ? "podman run"
									   : "docker run",
		.obj_name = c->name,
		.ctr = c,
		.ctr_image_built = built,
	};
	for (size_t i = 0; i < nignores; i++)
		lint_ignore_refs(&ctx, ignores[i].value, "x-vakt-ignore", NULL, ignores[i].pos.line);
	if (comment) {
		const char *t = comment;
		while (*t == ' ' || *t == '\t' || *t == '#')
			t++;
		if (strncmp(t, "vakt ignore=", 12) == 0) {
			t += 12;
			size_t k = strcspn(t, " \t");
			const char *why = t + k;
			while (*why == ' ' || *why == '\t')
				why++;
			char *list = vakt_arena_strndup(arena, t, k);
			lint_ignore_refs(&ctx, list, "# vakt ignore", *why ? why : NULL, line);
		}
	}
	r->sum->objects++;
	run_rules(&ctx, "container");
}

typedef struct script_ctx {
	run *r;
	vakt_arena *arena;
	const char *file;
} script_ctx;

static void on_run_line(const vakt_run_line *rl, void *ud)
{
	script_ctx *sc = ud;
	lint_ctr(sc->r, sc->arena, sc->file, &rl->ctr, NULL, 0, rl->ignore_comment,
		 rl->ctr.pos.line > 1 ? rl->ctr.pos.line - 1 : 1, false);
}

static void on_script_error(vakt_error *e, void *ud)
{
	script_ctx *sc = ud;
	report_error(sc->r, e);
}

/* Find and lint the container commands of a script, Makefile or CI file. */
static void lint_script_data(run *r, vakt_script_kind kind, const char *path, const char *data,
			     size_t len)
{
	vakt_arena arena;
	vakt_arena_init(&arena, 0);
	script_ctx sc = {r, &arena, path};
	vakt_error *e = NULL;
	if (vakt_scripts_scan(kind, path, data, len, &arena, on_run_line, on_script_error, &sc, &e) < 0)
		report_error(r, e);
	vakt_error_free(e);
	vakt_arena_destroy(&arena);
}

static vakt_script_kind script_kind(vakt_input_type t)
{
	switch (t) {
	case VAKT_INPUT_MAKEFILE: return VAKT_SCRIPT_MAKE;
	case VAKT_INPUT_GITHUB: return VAKT_SCRIPT_GITHUB;
	case VAKT_INPUT_GITLAB: return VAKT_SCRIPT_GITLAB;
	case VAKT_INPUT_SHELL:
	default: return VAKT_SCRIPT_SHELL;
	}
}

/* Load a compose project; in the first pass only note the Dockerfiles it builds, in the
 * second lint its services and then those Dockerfiles. */
static void lint_compose_project(run *r, const char *const *files, size_t n, bool add_override)
{
	vakt_arena arena;
	vakt_arena_init(&arena, 0);
	compose_options copt = {.limits = r->opt->limits};
	compose_project *p = NULL;
	vakt_error *e = NULL;
	if (vakt_compose_load(files, n, add_override, &copt, &arena, &p, &e) < 0) {
		if (!r->prepass)
			report_error(r, e);
		vakt_error_free(e);
		vakt_arena_destroy(&arena);
		return;
	}
	for (size_t i = 0; i < p->nservices; i++) {
		const compose_service *svc = &p->services[i];
		if (r->prepass) {
			char real[PATH_MAX];
			if (svc->build_dockerfile && realpath(svc->build_dockerfile, real)) {
				r->df_refs = xreallocarray(r->df_refs, r->n_df_refs + 1, sizeof(*r->df_refs));
				struct df_ref *ref = &r->df_refs[r->n_df_refs++];
				ref->path = xstrdup(real);
				ref->target = svc->build_target ? xstrdup(svc->build_target) : NULL;
				size_t na = 0;
				while (svc->build_args && svc->build_args[na])
					na++;
				ref->build_args = xcalloc(na + 1, sizeof(char *));
				for (size_t k = 0; k < na; k++)
					ref->build_args[k] = xstrdup(svc->build_args[k]);
			}
			continue;
		}
		lint_ctr(r, &arena, svc->file, &svc->ctr, svc->ignores, svc->nignores, NULL, 0,
			 svc->build_context != NULL);
	}
	/* each service's Dockerfile, unless a walk already linted it */
	for (size_t i = 0; !r->prepass && i < p->nservices; i++) {
		const compose_service *svc = &p->services[i];
		if (svc->build_dockerfile)
			lint_dockerfile_file(r, AT_FDCWD, svc->build_dockerfile, svc->build_dockerfile,
					     svc->build_target, svc->build_args);
	}
	vakt_arena_destroy(&arena);
}

/* A compose file found by a walk or named: the project it starts. An override file next
 * to a base file was merged into the base's project and is skipped. */
static void lint_compose_file(run *r, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (vakt_compose_is_override_name(base)) {
		_cleanup_free_ char *dir = vakt_dirname(path);
		static const char *const bases[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
						    "docker-compose.yml"};
		for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
			_cleanup_free_ char *b = vakt_path_join(dir, bases[i]);
			if (access(b, F_OK) == 0)
				return;
		}
	}
	if (!r->prepass) {
		r->sum->files++;
		vakt_report_file_begin(r->report, path);
	}
	const char *files[] = {path};
	lint_compose_project(r, files, 1, !vakt_compose_is_override_name(base));
	if (!r->prepass)
		vakt_report_file_end(r->report, path);
}

/* ---- files ----------------------------------------------------------------------------------- */

/* Read a whole small input (script, Dockerfile) for its kind's linter. */
static void lint_whole_file(run *r, int fd, const char *path, vakt_input_type t)
{
	vakt_error *e = NULL;
	char *data = NULL;
	size_t len = 0;
	r->sum->files++;
	vakt_report_file_begin(r->report, path);
	if (vakt_read_all(fd, path, r->opt->limits.max_doc_bytes, &data, &len, &e) < 0)
		report_error(r, e);
	else
		lint_script_data(r, script_kind(t), path, data, len);
	vakt_report_file_end(r->report, path);
	vakt_error_free(e);
	free(data);
}

static int lint_entry(const vakt_walk_entry *we, void *ud)
{
	run *r = ud;
	if (we->helm_template) {
		if (r->prepass)
			return 0;
		for (size_t i = 0; i < r->ncharts; i++)
			if (strcmp(r->charts_noticed[i], we->chart) == 0)
				return 0;
		r->charts_noticed = xreallocarray(r->charts_noticed, r->ncharts + 1, sizeof(char *));
		r->charts_noticed[r->ncharts++] = xstrdup(we->chart);
		notice(r, we->chart, 0,
		       "Helm chart: files under templates/ are Go templates, not YAML; skipped "
		       "(render them with `helm template` and lint the output)");
		return 0;
	}
	if (path_ignored(r->cfg, we->path))
		return 0;
	vakt_input_type t = r->opt->type ? r->opt->type : classify_name(we->path);
	if (t == VAKT_INPUT_DOCKERFILE) {
		if (!r->prepass)
			lint_dockerfile_file(r, we->dirfd, we->name, we->path, NULL, NULL);
		return 0;
	}
	if (t == VAKT_INPUT_COMPOSE) {
		lint_compose_file(r, we->path);
		return 0;
	}
	vakt_error *e = NULL;
	int fd = vakt_open_regular(we->dirfd, we->name, we->path, &e);
	if (fd < 0) {
		if (!r->prepass)
			report_error(r, e);
		vakt_error_free(e);
		return 0;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > r->opt->limits.max_file_bytes) {
		/* refuse before reading a byte: a huge input costs nothing */
		if (!r->prepass) {
			char lim[32];
			vakt_error_set_at(&e, VAKT_E_LIMIT, we->path, 0, 0,
					  "file is larger than the %s limit (--max-file-size)",
					  vakt_size_str(r->opt->limits.max_file_bytes, lim, sizeof(lim)));
			report_error(r, e);
			vakt_error_free(e);
		}
		close(fd);
		return 0;
	}
	if (t == VAKT_INPUT_AUTO) {
		/* the content decides: peek at the start of the file */
		char head[65536];
		ssize_t n = pread(fd, head, sizeof(head), 0);
		const char *base = strrchr(we->path, '/');
		t = sniff(base ? base + 1 : we->path, head, n > 0 ? (size_t)n : 0);
		if (t == VAKT_INPUT_DOCKERFILE || t == VAKT_INPUT_COMPOSE) {
			close(fd);
			if (t == VAKT_INPUT_COMPOSE)
				lint_compose_file(r, we->path);
			else if (!r->prepass)
				lint_dockerfile_file(r, we->dirfd, we->name, we->path, NULL, NULL);
			return 0;
		}
	}
	if (t != VAKT_INPUT_KUBERNETES) {
		if (!r->prepass)
			lint_whole_file(r, fd, we->path, t);
		close(fd);
		return 0;
	}
	if (r->prepass) {
		bool has = !r->opt->pss_set && mentions_namespace(fd);
		if (!has || lseek(fd, 0, SEEK_SET) < 0) {
			close(fd);
			return 0;
		}
	} else {
		r->sum->files++;
		vakt_report_file_begin(r->report, we->path);
	}
	vakt_doc_stream *s = NULL;
	vakt_doc_stream_open_fd(fd, we->path, &r->opt->limits, &s, NULL);
	lint_stream(r, s, we->path);
	vakt_doc_stream_free(s);
	close(fd);
	if (!r->prepass) {
		vakt_report_file_end(r->report, we->path);
		progress(r, false);
	}
	return 0;
}

static void lint_stdin(run *r)
{
	static const char name[] = "<stdin>";
	if (!r->stdin_read) {
		vakt_error *e = NULL;
		r->stdin_read = true;
		if (vakt_read_all(STDIN_FILENO, name, r->opt->limits.max_file_bytes, &r->stdin_data,
				  &r->stdin_len, &e) < 0) {
			report_error(r, e);
			vakt_error_free(e);
			return;
		}
	}
	if (!r->stdin_data)
		return;
	vakt_input_type t = r->opt->type ? r->opt->type : sniff("-", r->stdin_data, r->stdin_len);
	if (t != VAKT_INPUT_KUBERNETES) {
		/* a Dockerfile or script on stdin; a compose project needs files to resolve */
		if (r->prepass)
			return;
		r->sum->files++;
		vakt_report_file_begin(r->report, name);
		if (t == VAKT_INPUT_DOCKERFILE) {
			lint_dockerfile_data(r, name, r->stdin_data, r->stdin_len, r->opt->target,
					     r->opt->build_args);
		} else if (t == VAKT_INPUT_COMPOSE) {
			vakt_error *e = NULL;
			vakt_error_set_at(&e, VAKT_E_USAGE, name, 0, 0,
					  "a compose project is read from files: use --compose-file");
			report_error(r, e);
			vakt_error_free(e);
		} else {
			lint_script_data(r, script_kind(t), name, r->stdin_data, r->stdin_len);
		}
		vakt_report_file_end(r->report, name);
		return;
	}
	if (r->prepass && (r->opt->pss_set || (!memmem(r->stdin_data, r->stdin_len, "Namespace", 9) &&
					       !memchr(r->stdin_data, '\0', r->stdin_len))))
		return;
	if (!r->prepass) {
		r->sum->files++;
		vakt_report_file_begin(r->report, name);
	}
	vakt_doc_stream *s = NULL;
	vakt_doc_stream_open_mem(r->stdin_data, r->stdin_len, name, &r->opt->limits, &s, NULL);
	lint_stream(r, s, name);
	vakt_doc_stream_free(s);
	if (!r->prepass)
		vakt_report_file_end(r->report, name);
}

static void walk_error(vakt_error *e, void *ud)
{
	run *r = ud;
	if (!r->prepass)
		report_error(r, e);
}

static int pass(run *r, const char *const *inputs, size_t n, vakt_error **err)
{
	(void)err;
	if (r->opt->compose_files && r->opt->compose_files[0]) {
		/* --compose-file F...: one project, in order, no automatic override (as -f) */
		size_t nf = 0;
		while (r->opt->compose_files[nf])
			nf++;
		r->cfg = n ? r->input_cfgs[0] : &r->defaults;
		if (!r->prepass) {
			r->sum->files++;
			vakt_report_file_begin(r->report, r->opt->compose_files[0]);
		}
		lint_compose_project(r, r->opt->compose_files, nf, false);
		if (!r->prepass)
			vakt_report_file_end(r->report, r->opt->compose_files[0]);
	}
	for (size_t i = 0; i < n; i++) {
		r->cfg = r->input_cfgs[i];
		if (strcmp(inputs[i], "-") == 0) {
			lint_stdin(r);
			continue;
		}
		vakt_error *e = NULL;
		if (vakt_walk(inputs[i], wanted, lint_entry, walk_error, r, &e) < 0) {
			if (!r->prepass)
				report_error(r, e);
			vakt_error_free(e);
		}
	}
	/* --docker-run 'docker run ...': each line read as a one-line shell script */
	for (size_t i = 0; !r->prepass && r->opt->docker_run && r->opt->docker_run[i]; i++) {
		static const char name[] = "<docker-run>";
		r->cfg = n ? r->input_cfgs[0] : &r->defaults;
		r->sum->files++;
		vakt_report_file_begin(r->report, name);
		lint_script_data(r, VAKT_SCRIPT_SHELL, name, r->opt->docker_run[i],
				 strlen(r->opt->docker_run[i]));
		vakt_report_file_end(r->report, name);
	}
	return 0;
}

bool vakt_input_type_parse(const char *s, vakt_input_type *ret)
{
	static const struct {
		const char *name;
		vakt_input_type t;
	} types[] = {
		{"kubernetes", VAKT_INPUT_KUBERNETES}, {"dockerfile", VAKT_INPUT_DOCKERFILE},
		{"compose", VAKT_INPUT_COMPOSE},       {"shell", VAKT_INPUT_SHELL},
		{"makefile", VAKT_INPUT_MAKEFILE},     {"github-actions", VAKT_INPUT_GITHUB},
		{"gitlab-ci", VAKT_INPUT_GITLAB},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i].name) == 0) {
			*ret = types[i].t;
			return true;
		}
	return false;
}

static void finish_summary(const vakt_lint_options *opt, vakt_summary *sum)
{
	bool failing = false;
	for (unsigned s = opt->fail_on; s < VAKT_SEV_COUNT; s++)
		failing |= sum->by_severity[s] > 0;
	sum->exit_code = sum->errors ? VAKT_EXIT_INPUT : failing ? opt->findings_exit_code : VAKT_EXIT_OK;
}

void vakt_lint_buffer(const vakt_lint_options *opt, const char *name, const void *data,
		      size_t len, vakt_report *report, vakt_summary *sum)
{
	run r = {.opt = opt, .report = report, .sum = sum};
	memset(sum, 0, sizeof(*sum));
	sum->fail_on = opt->fail_on;
	config_defaults(&r.defaults);
	r.cfg = &r.defaults;
	vakt_input_type t = opt->type ? opt->type : VAKT_INPUT_KUBERNETES;
	if (t == VAKT_INPUT_DOCKERFILE || t == VAKT_INPUT_SHELL || t == VAKT_INPUT_MAKEFILE ||
	    t == VAKT_INPUT_GITHUB || t == VAKT_INPUT_GITLAB) {
		vakt_report_begin(report);
		sum->files++;
		vakt_report_file_begin(report, name);
		if (t == VAKT_INPUT_DOCKERFILE)
			lint_dockerfile_data(&r, name, data, len, opt->target, opt->build_args);
		else
			lint_script_data(&r, script_kind(t), name, data, len);
	} else {
		/* namespaces first, as vakt_lint_run does */
		for (int p = opt->pss_set ? 1 : 0; p < 2; p++) {
			r.prepass = p == 0;
			if (!r.prepass) {
				vakt_report_begin(report);
				sum->files++;
				vakt_report_file_begin(report, name);
			}
			vakt_doc_stream *s = NULL;
			vakt_doc_stream_open_mem(data, len, name, &opt->limits, &s, NULL);
			lint_stream(&r, s, name);
			vakt_doc_stream_free(s);
		}
	}
	vakt_report_file_end(report, name);
	finish_summary(opt, sum);
	vakt_report_end(report, sum);
	for (size_t i = 0; i < r.nnamespaces; i++)
		free(r.namespaces[i].name);
	free(r.namespaces);
}

int vakt_lint_run(const vakt_lint_options *opt, const char *const *inputs, size_t n,
		  vakt_report *report, vakt_summary *sum, vakt_error **err)
{
	run r = {.opt = opt, .report = report, .sum = sum, .fatal = err};
	memset(sum, 0, sizeof(*sum));
	sum->fail_on = opt->fail_on;
	config_defaults(&r.defaults);

	int rc = 0;
	if (!opt->no_config)
		rc = hadolint_load(&r.hadolint, err);
	hadolint_apply(&r.hadolint, &r.defaults);
	r.input_cfgs = xcalloc(n + 1, sizeof(*r.input_cfgs));
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = config_for(&r, inputs[i], &r.input_cfgs[i], err);
	if (rc >= 0) {
		/* first pass: Namespaces (unless --pss) and the Dockerfiles compose builds */
		r.prepass = true;
		rc = pass(&r, inputs, n, err);
		r.prepass = false;
	}
	if (rc >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &r.last_progress);
		vakt_report_begin(report);
		rc = pass(&r, inputs, n, err);
		progress(&r, true);
	}
	if (rc >= 0) {
		finish_summary(opt, sum);
		vakt_report_end(report, sum);
	}

	for (size_t i = 0; i < r.nconfigs; i++) {
		config_release(&r.configs[i]->cfg);
		free(r.configs[i]);
	}
	free(r.configs);
	free(r.input_cfgs);
	config_release(&r.defaults);
	hadolint_release(&r.hadolint);
	for (size_t i = 0; i < r.n_df_refs; i++) {
		free(r.df_refs[i].path);
		free(r.df_refs[i].target);
		for (char **a = r.df_refs[i].build_args; a && *a; a++)
			free(*a);
		free(r.df_refs[i].build_args);
	}
	free(r.df_refs);
	for (size_t i = 0; i < r.n_df_done; i++)
		free(r.df_done[i]);
	free(r.df_done);
	for (size_t i = 0; i < r.nnamespaces; i++)
		free(r.namespaces[i].name);
	free(r.namespaces);
	for (size_t i = 0; i < r.ncharts; i++)
		free(r.charts_noticed[i]);
	free(r.charts_noticed);
	free(r.stdin_data);
	return rc;
}
