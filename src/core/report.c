/* report.c - report writer dispatch; see report.h. */
#include "core/report.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

bool vakt_format_parse(const char *s, vakt_format *ret)
{
	static const struct {
		const char *name;
		vakt_format fmt;
	} formats[] = {
		{"text", VAKT_FORMAT_TEXT},
		{"json", VAKT_FORMAT_JSON},
		{"sarif", VAKT_FORMAT_SARIF},
		{"junit", VAKT_FORMAT_JUNIT},
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*ret = formats[i].fmt;
			return true;
		}
	}
	return false;
}

vakt_report *vakt_report_new(vakt_format fmt, FILE *out, const vakt_report_info *info)
{
	vakt_report *r = xcalloc(1, sizeof(*r));
	switch (fmt) {
	case VAKT_FORMAT_JSON: r->ops = &vakt_report_json_ops; break;
	case VAKT_FORMAT_SARIF: r->ops = &vakt_report_sarif_ops; break;
	case VAKT_FORMAT_JUNIT: r->ops = &vakt_report_junit_ops; break;
	case VAKT_FORMAT_TEXT:
	default: r->ops = &vakt_report_text_ops; break;
	}
	r->out = out;
	r->info = *info;
	return r;
}

void vakt_report_begin(vakt_report *r)
{
	if (r->ops->begin)
		r->ops->begin(r);
}

void vakt_report_file_begin(vakt_report *r, const char *file)
{
	if (r->ops->file_begin)
		r->ops->file_begin(r, file);
}

void vakt_report_finding(vakt_report *r, const vakt_finding *f)
{
	r->ops->finding(r, f);
}

void vakt_report_error(vakt_report *r, const vakt_error *e)
{
	if (r->ops->error)
		r->ops->error(r, e);
}

void vakt_report_file_end(vakt_report *r, const char *file)
{
	if (r->ops->file_end)
		r->ops->file_end(r, file);
}

void vakt_report_end(vakt_report *r, const vakt_summary *s)
{
	if (r->ops->end)
		r->ops->end(r, s);
	fflush(r->out);
}

vakt_report *vakt_report_free(vakt_report *r)
{
	if (!r)
		return NULL;
	if (r->ops->free)
		r->ops->free(r);
	free(r);
	return NULL;
}

char *vakt_finding_object(const vakt_finding *f)
{
	if (!f->kind)
		return NULL;
	const char *name = f->name ? f->name : "(unnamed)";
	if (f->ns)
		return xasprintf("%s %s/%s", f->kind, f->ns, name);
	return xasprintf("%s %s", f->kind, name);
}

char *vakt_rule_docs(const vakt_rule *rule)
{
	return xasprintf("%s%s.md", VAKT_DOCS_URL, rule->id);
}
