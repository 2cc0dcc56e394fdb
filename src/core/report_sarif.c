/* report_sarif.c - SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
 *
 * driver.rules lists every rule (known before any input is read), so results can be
 * streamed with their ruleIndex. Suppressed findings (--show-ignored) carry a SARIF
 * suppression; input errors become toolExecutionNotifications of the invocation.
 */
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/report.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 1000

typedef struct sarif_priv {
	jsonw w;
	vakt_error *errs;
	size_t nerrs;
} sarif_priv;

static const char *sarif_level(vakt_severity s)
{
	switch (s) {
	case VAKT_SEV_CRITICAL:
	case VAKT_SEV_HIGH: return "error";
	case VAKT_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

/* GitHub reads properties.security-severity: >= 9 critical, >= 7 high, >= 4 medium. */
static const char *security_severity(vakt_severity s)
{
	switch (s) {
	case VAKT_SEV_CRITICAL: return "9.5";
	case VAKT_SEV_HIGH: return "8.0";
	case VAKT_SEV_MEDIUM: return "5.5";
	case VAKT_SEV_LOW: return "3.0";
	default: return "0.0";
	}
}

/* A relative path as a URI reference: percent-encode all but unreserved chars and '/'. */
static char *path_uri(const char *path)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	if (strcmp(path, "-") == 0)
		path = "stdin";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			vakt_buf_putc(&b, (char)*p);
		else
			vakt_buf_printf(&b, "%%%02X", *p);
	}
	return vakt_buf_steal(&b);
}

static void write_location(jsonw *w, const char *file, unsigned line, unsigned col)
{
	jsonw_key(w, "physicalLocation");
	jsonw_obj_begin(w);
	jsonw_key(w, "artifactLocation");
	jsonw_obj_begin(w);
	char *uri = path_uri(file ? file : "-");
	jsonw_kv_str(w, "uri", uri);
	free(uri);
	jsonw_obj_end(w);
	if (line) {
		jsonw_key(w, "region");
		jsonw_obj_begin(w);
		jsonw_kv_int(w, "startLine", line);
		if (col)
			jsonw_kv_int(w, "startColumn", col);
		jsonw_obj_end(w);
	}
	jsonw_obj_end(w);
}

static void write_rule(jsonw *w, const vakt_rule *rule)
{
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "id", rule->id);
	jsonw_key(w, "shortDescription");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "text", rule->title);
	jsonw_obj_end(w);
	if (rule->rationale) {
		jsonw_key(w, "fullDescription");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "text", rule->rationale);
		jsonw_obj_end(w);
	}
	if (rule->fix) {
		jsonw_key(w, "help");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "text", rule->fix);
		jsonw_obj_end(w);
	}
	char *docs = vakt_rule_docs(rule);
	if (strstr(docs, "://"))
		jsonw_kv_str(w, "helpUri", docs); /* SARIF wants an absolute URI here */
	free(docs);
	jsonw_key(w, "defaultConfiguration");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "level", sarif_level(rule->severity));
	jsonw_obj_end(w);
	jsonw_key(w, "properties");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "severity", vakt_severity_name(rule->severity));
	jsonw_kv_str(w, "security-severity", security_severity(rule->severity));
	jsonw_key(w, "tags");
	jsonw_arr_begin(w);
	jsonw_str(w, "security");
	jsonw_str(w, rule->target);
	if (rule->pss_level)
		jsonw_str(w, rule->pss_level);
	jsonw_arr_end(w);
	jsonw_key(w, "aliases");
	jsonw_arr_begin(w);
	for (const char *const *a = rule->aliases; a && *a; a++)
		jsonw_str(w, *a);
	jsonw_arr_end(w);
	if (rule->pss_check)
		jsonw_kv_str(w, "pssCheck", rule->pss_check);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
}

static void sarif_begin(vakt_report *r)
{
	sarif_priv *p = xcalloc(1, sizeof(*p));
	r->priv = p;
	jsonw *w = &p->w;
	jsonw_init(w, r->out, 2);
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	jsonw_kv_str(w, "version", "2.1.0");
	jsonw_key(w, "runs");
	jsonw_arr_begin(w);
	jsonw_obj_begin(w);
	jsonw_key(w, "tool");
	jsonw_obj_begin(w);
	jsonw_key(w, "driver");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "name", "vakt");
	jsonw_kv_str(w, "version", VAKT_VERSION);
	jsonw_kv_str(w, "semanticVersion", VAKT_VERSION);
	jsonw_key(w, "rules");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < r->info.nrules; i++)
		write_rule(w, r->info.rules[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
	jsonw_kv_str(w, "columnKind", "unicodeCodePoints");
	jsonw_key(w, "results");
	jsonw_arr_begin(w);
}

static long rule_index(const vakt_report *r, const vakt_rule *rule)
{
	for (size_t i = 0; i < r->info.nrules; i++)
		if (r->info.rules[i] == rule)
			return (long)i;
	return -1;
}

static void sarif_finding(vakt_report *r, const vakt_finding *f)
{
	sarif_priv *p = r->priv;
	jsonw *w = &p->w;
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "ruleId", f->rule->id);
	long idx = rule_index(r, f->rule);
	if (idx >= 0)
		jsonw_kv_int(w, "ruleIndex", idx);
	jsonw_kv_str(w, "level", sarif_level(f->severity));
	jsonw_key(w, "message");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "text", f->message);
	jsonw_obj_end(w);
	jsonw_key(w, "locations");
	jsonw_arr_begin(w);
	jsonw_obj_begin(w);
	write_location(w, f->file, f->line, f->col);
	char *obj = vakt_finding_object(f);
	if (obj) {
		jsonw_key(w, "logicalLocations");
		jsonw_arr_begin(w);
		jsonw_obj_begin(w);
		char *fq = f->container ? xasprintf("%s/%s", obj, f->container) : xstrdup(obj);
		jsonw_kv_str(w, "name", f->container ? f->container : (f->name ? f->name : f->kind));
		jsonw_kv_str(w, "fullyQualifiedName", fq);
		jsonw_kv_str(w, "kind", f->container ? "member" : "object");
		jsonw_obj_end(w);
		jsonw_arr_end(w);
		free(fq);
	}
	free(obj);
	jsonw_obj_end(w);
	jsonw_arr_end(w);
	if (f->suppressed) {
		jsonw_key(w, "suppressions");
		jsonw_arr_begin(w);
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "kind", "inSource");
		char *j = f->suppress_reason ? xasprintf("%s: %s", f->suppressed_by, f->suppress_reason)
					     : xstrdup(f->suppressed_by);
		jsonw_kv_str(w, "justification", j);
		free(j);
		jsonw_obj_end(w);
		jsonw_arr_end(w);
	}
	jsonw_key(w, "properties");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "severity", vakt_severity_name(f->severity));
	if (f->kind) {
		jsonw_kv_str(w, "kind", f->kind);
		jsonw_kv_str_opt(w, "namespace", f->ns);
		jsonw_kv_str_opt(w, "name", f->name);
	}
	jsonw_kv_str_opt(w, "container", f->container);
	if (f->rule->pss_check) {
		jsonw_kv_str(w, "pssLevel", f->pss_level ? f->pss_level : f->rule->pss_level);
		jsonw_kv_str_opt(w, "pssVersion", f->pss_version);
		jsonw_kv_str(w, "pssCheck", f->rule->pss_check);
	}
	jsonw_obj_end(w);
	jsonw_obj_end(w);
}

static void sarif_error(vakt_report *r, const vakt_error *e)
{
	sarif_priv *p = r->priv;
	if (p->nerrs >= MAX_ERRORS)
		return;
	p->errs = xreallocarray(p->errs, p->nerrs + 1, sizeof(*p->errs));
	vakt_error *c = &p->errs[p->nerrs++];
	*c = *e;
	c->msg = xstrdup(e->msg);
	c->file = e->file ? xstrdup(e->file) : NULL;
}

static void sarif_end(vakt_report *r, const vakt_summary *s)
{
	sarif_priv *p = r->priv;
	jsonw *w = &p->w;
	jsonw_arr_end(w); /* results */
	jsonw_key(w, "invocations");
	jsonw_arr_begin(w);
	jsonw_obj_begin(w);
	jsonw_kv_bool(w, "executionSuccessful", s->errors == 0);
	jsonw_kv_int(w, "exitCode", s->exit_code);
	if (p->nerrs) {
		jsonw_key(w, "toolExecutionNotifications");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < p->nerrs; i++) {
			jsonw_obj_begin(w);
			jsonw_kv_str(w, "level", "error");
			jsonw_key(w, "message");
			jsonw_obj_begin(w);
			jsonw_kv_str(w, "text", p->errs[i].msg);
			jsonw_obj_end(w);
			if (p->errs[i].file) {
				jsonw_key(w, "locations");
				jsonw_arr_begin(w);
				jsonw_obj_begin(w);
				write_location(w, p->errs[i].file, p->errs[i].line, p->errs[i].col);
				jsonw_obj_end(w);
				jsonw_arr_end(w);
			}
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	jsonw_obj_end(w);
	jsonw_arr_end(w); /* invocations */
	jsonw_obj_end(w); /* run */
	jsonw_arr_end(w); /* runs */
	jsonw_obj_end(w);
}

static void sarif_free(vakt_report *r)
{
	sarif_priv *p = r->priv;
	if (!p)
		return;
	for (size_t i = 0; i < p->nerrs; i++) {
		free(p->errs[i].msg);
		free(p->errs[i].file);
	}
	free(p->errs);
	free(p);
}

const vakt_report_ops vakt_report_sarif_ops = {
	.begin = sarif_begin,
	.finding = sarif_finding,
	.error = sarif_error,
	.end = sarif_end,
	.free = sarif_free,
};
