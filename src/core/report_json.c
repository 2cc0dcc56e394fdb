/* report_json.c - the JSON report, schema "vakt/report/v1" (docs/formats/json.md).
 *
 * Findings are written as they arrive; errors are kept (up to MAX_ERRORS, then only
 * counted) and written after the findings, with the summary.
 */
#include "core/jsonw.h"
#include "core/report.h"
#include "core/xalloc.h"

#include <stdlib.h>

#define MAX_ERRORS 1000

typedef struct json_priv {
	jsonw w;
	vakt_error *errs;
	size_t nerrs;
} json_priv;

static void json_begin(vakt_report *r)
{
	json_priv *p = xcalloc(1, sizeof(*p));
	r->priv = p;
	jsonw_init(&p->w, r->out, 2);
	jsonw_obj_begin(&p->w);
	jsonw_kv_str(&p->w, "schema", "vakt/report/v1");
	jsonw_key(&p->w, "tool");
	jsonw_obj_begin(&p->w);
	jsonw_kv_str(&p->w, "name", "vakt");
	jsonw_kv_str(&p->w, "version", VAKT_VERSION);
	jsonw_obj_end(&p->w);
	jsonw_kv_str(&p->w, "command", r->info.command);
	jsonw_key(&p->w, "findings");
	jsonw_arr_begin(&p->w);
}

static void json_finding(vakt_report *r, const vakt_finding *f)
{
	json_priv *p = r->priv;
	jsonw *w = &p->w;
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "rule", f->rule->id);
	jsonw_kv_str(w, "severity", vakt_severity_name(f->severity));
	jsonw_kv_str(w, "title", f->rule->title);
	jsonw_kv_str(w, "message", f->message);
	jsonw_kv_str(w, "file", f->file);
	if (f->line)
		jsonw_kv_int(w, "line", f->line);
	if (f->col)
		jsonw_kv_int(w, "column", f->col);
	if (f->kind) {
		jsonw_key(w, "object");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "kind", f->kind);
		jsonw_kv_str_opt(w, "namespace", f->ns);
		jsonw_kv_str_opt(w, "name", f->name);
		jsonw_obj_end(w);
	}
	jsonw_kv_str_opt(w, "container", f->container);
	if (f->rule->pss_check) {
		jsonw_key(w, "pss");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "level", f->pss_level ? f->pss_level : f->rule->pss_level);
		jsonw_kv_str_opt(w, "version", f->pss_version);
		jsonw_kv_str(w, "check", f->rule->pss_check);
		jsonw_obj_end(w);
	}
	jsonw_kv_str_opt(w, "fix", f->rule->fix);
	char *docs = vakt_rule_docs(f->rule);
	jsonw_kv_str(w, "docs", docs);
	free(docs);
	jsonw_key(w, "aliases");
	jsonw_arr_begin(w);
	for (const char *const *a = f->rule->aliases; a && *a; a++)
		jsonw_str(w, *a);
	jsonw_arr_end(w);
	if (f->suppressed) {
		jsonw_key(w, "suppressed");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "by", f->suppressed_by);
		jsonw_kv_str_opt(w, "reason", f->suppress_reason);
		jsonw_obj_end(w);
	}
	jsonw_obj_end(w);
}

static void json_error(vakt_report *r, const vakt_error *e)
{
	json_priv *p = r->priv;
	if (p->nerrs >= MAX_ERRORS)
		return;
	p->errs = xreallocarray(p->errs, p->nerrs + 1, sizeof(*p->errs));
	vakt_error *c = &p->errs[p->nerrs++];
	c->code = e->code;
	c->msg = xstrdup(e->msg);
	c->file = e->file ? xstrdup(e->file) : NULL;
	c->line = e->line;
	c->col = e->col;
}

static void json_end(vakt_report *r, const vakt_summary *s)
{
	json_priv *p = r->priv;
	jsonw *w = &p->w;
	jsonw_arr_end(w);
	jsonw_key(w, "errors");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < p->nerrs; i++) {
		jsonw_obj_begin(w);
		jsonw_kv_str_opt(w, "file", p->errs[i].file);
		if (p->errs[i].line)
			jsonw_kv_int(w, "line", p->errs[i].line);
		if (p->errs[i].col)
			jsonw_kv_int(w, "column", p->errs[i].col);
		jsonw_kv_str(w, "message", p->errs[i].msg);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	if (r->info.json_extra)
		r->info.json_extra(w, r->info.extra_ud);
	jsonw_key(w, "summary");
	jsonw_obj_begin(w);
	jsonw_kv_int(w, "files", s->files);
	jsonw_kv_int(w, "objects", s->objects);
	jsonw_kv_int(w, "findings", s->findings);
	jsonw_key(w, "by_severity");
	jsonw_obj_begin(w);
	for (int i = VAKT_SEV_COUNT - 1; i >= 0; i--)
		if (i != VAKT_SEV_UNKNOWN)
			jsonw_kv_int(w, vakt_severity_name((vakt_severity)i), s->by_severity[i]);
	jsonw_obj_end(w);
	jsonw_kv_int(w, "ignored", s->suppressed);
	jsonw_kv_int(w, "errors", s->errors);
	jsonw_kv_str(w, "fail_on", vakt_severity_name(s->fail_on));
	jsonw_kv_int(w, "exit_code", s->exit_code);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
}

static void json_free(vakt_report *r)
{
	json_priv *p = r->priv;
	if (!p)
		return;
	for (size_t i = 0; i < p->nerrs; i++) {
		free(p->errs[i].msg);
		free(p->errs[i].file);
	}
	free(p->errs);
	free(p);
}

const vakt_report_ops vakt_report_json_ops = {
	.begin = json_begin,
	.finding = json_finding,
	.error = json_error,
	.end = json_end,
	.free = json_free,
};
