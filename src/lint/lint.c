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
		} else if (strcmp(key, "low-id") == 0) {
			int64_t x;
			if (!vakt_node_int64(v, &x) || x < 0)
				return config_error(vc, v, err, "low-id: expected a non-negative integer");
			c->low_id = x;
		} else {
			return config_error(vc, k, err,
					    "unknown setting '%s' (known: pss, disable, severity, "
					    "ignore-paths, low-id)",
					    key);
		}
	}
	return 0;
}

static void config_release(lint_config *c)
{
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

void lint_emit(lint_ctx *ctx, unsigned rule, const vakt_node *at, const k8s_container *ct,
	       const char *fmt, ...)
{
	if (ctx->cfg->disabled[rule])
		return;
	vakt_severity sev = ctx->cfg->has_severity[rule] ? ctx->cfg->severity[rule]
							 : vakt_rules[rule].severity;
	if (ctx->opt->severity_filter && !ctx->opt->severities[sev])
		return;

	const lint_ignore *ig = ctx->object_ignores[rule].by ? &ctx->object_ignores[rule] : NULL;
	if (!ig && ct)
		for (size_t i = 0; i < ctx->n_container_ignores; i++)
			if (strcmp(ctx->container_ignores[i].container, ct->name) == 0 &&
			    ctx->container_ignores[i].rules[rule].by)
				ig = &ctx->container_ignores[i].rules[rule];
	if (ig) {
		ctx->sum->suppressed++;
		if (!ctx->opt->show_ignored)
			return;
	}

	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);

	vakt_finding f = {
		.rule = &vakt_rules[rule],
		.severity = sev,
		.message = msg,
		.file = ctx->file,
		.line = at ? at->line : 0,
		.col = at ? at->col : 0,
		.kind = ctx->obj->kind,
		.ns = ctx->obj->ns,
		.name = ctx->obj->name,
		.container = ct ? ct->name : NULL,
		.pss_level = vakt_rules[rule].pss_check ? vakt_rules[rule].pss_level : NULL,
		.pss_version = vakt_rules[rule].pss_check ? ctx->pss_version : NULL,
		.suppressed = ig != NULL,
		.suppressed_by = ig ? ig->by : NULL,
		.suppress_reason = ig ? ig->reason : NULL,
	};
	vakt_report_finding(ctx->report, &f);
	free(msg);
	if (!ig) {
		ctx->sum->findings++;
		ctx->sum->by_severity[sev]++;
	}
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
		.obj = obj,
		.pod = &pod,
	};
	lint_collect_ignores(&ctx);
	for (unsigned i = 0; i < R__COUNT; i++)
		if (!vakt_rules[i].pss_check && vakt_rule_checks[i])
			vakt_rule_checks[i](&ctx);

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

static bool wanted(const char *name, void *ud)
{
	(void)ud;
	size_t n = strlen(name);
	if (strcmp(name, ".vakt.yaml") == 0 || strcmp(name, ".vakt.yml") == 0)
		return false; /* configuration, not input */
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
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
	if (r->prepass) {
		bool has = mentions_namespace(fd);
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
	if (r->prepass && !memmem(r->stdin_data, r->stdin_len, "Namespace", 9) &&
	    !memchr(r->stdin_data, '\0', r->stdin_len))
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
	return 0;
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
	r.input_cfgs = xcalloc(n + 1, sizeof(*r.input_cfgs));
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = config_for(&r, inputs[i], &r.input_cfgs[i], err);
	if (rc >= 0 && !opt->pss_set) {
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
	for (size_t i = 0; i < r.nnamespaces; i++)
		free(r.namespaces[i].name);
	free(r.namespaces);
	for (size_t i = 0; i < r.ncharts; i++)
		free(r.charts_noticed[i]);
	free(r.charts_noticed);
	free(r.stdin_data);
	return rc;
}
