/* report_text.c - human-readable findings, one per line, compiler style:
 *
 *   deploy.yaml:24:11: HIGH K8S-008: container "app" runs privileged [Deployment default/web]
 *
 * Colour only when the caller asked for it (the CLI decides: a TTY and no NO_COLOR).
 * Errors are not written here: the CLI prints them to stderr for every format.
 */
#include "core/report.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *sev_color(vakt_severity s)
{
	switch (s) {
	case VAKT_SEV_CRITICAL: return "\033[1;31m";
	case VAKT_SEV_HIGH: return "\033[31m";
	case VAKT_SEV_MEDIUM: return "\033[33m";
	case VAKT_SEV_LOW: return "\033[36m";
	case VAKT_SEV_UNKNOWN:
	case VAKT_SEV_INFO:
	default: return "\033[2m";
	}
}

static void text_finding(vakt_report *r, const vakt_finding *f)
{
	FILE *o = r->out;
	bool c = r->info.color;
	if (c)
		fputs(C_BOLD, o);
	vakt_fputs_printable(o, f->file ? f->file : "-");
	if (f->line)
		fprintf(o, ":%u", f->line);
	if (f->line && f->col)
		fprintf(o, ":%u", f->col);
	fputs(":", o);
	if (c)
		fputs(C_RESET, o);
	fputc(' ', o);
	if (c)
		fputs(sev_color(f->severity), o);
	fputs(vakt_severity_name(f->severity), o);
	if (c)
		fputs(C_RESET, o);
	fprintf(o, " %s: ", f->rule->id);
	/* names and values come from the input: printed so they cannot forge a line or
	 * drive the terminal */
	if (f->suppressed) {
		fputs("(ignored by ", o);
		vakt_fputs_printable(o, f->suppressed_by);
		if (f->suppress_reason) {
			fputs(": ", o);
			vakt_fputs_printable(o, f->suppress_reason);
		}
		fputs(") ", o);
	}
	vakt_fputs_printable(o, f->message);
	char *obj = vakt_finding_object(f);
	if (obj || f->container || f->pss_version) {
		const char *sep = "";
		fputs(c ? " " C_DIM "[" : " [", o);
		if (obj)
			vakt_fputs_printable(o, obj), sep = ", ";
		if (f->container) {
			fprintf(o, "%scontainer \"", sep);
			vakt_fputs_printable(o, f->container);
			fputs("\"", o);
			sep = ", ";
		}
		if (f->pss_version)
			fprintf(o, "%s%s:%s", sep, f->pss_level, f->pss_version);
		fputs(c ? "]" C_RESET : "]", o);
	}
	free(obj);
	fputc('\n', o);
	if (r->info.verbose && f->rule->fix) {
		/* the fix hint, indented, line by line */
		const char *p = f->rule->fix;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(o, "    %.*s\n", (int)n, p);
			p += n + (nl ? 1 : 0);
		}
	}
}

/* " in 3 files, 7 objects", or " in the image" (info.scope) */
static void text_scope(const vakt_report *r, const vakt_summary *s)
{
	if (r->info.scope)
		fprintf(r->out, " in %s", r->info.scope);
	else
		fprintf(r->out, " in %u file%s, %u object%s", s->files, s->files == 1 ? "" : "s",
			s->objects, s->objects == 1 ? "" : "s");
}

static void text_end(vakt_report *r, const vakt_summary *s)
{
	FILE *o = r->out;
	if (s->findings == 0) {
		fprintf(o, "vakt: no findings");
		text_scope(r, s);
	} else {
		fprintf(o, "vakt: %u finding%s (", s->findings, s->findings == 1 ? "" : "s");
		bool first = true;
		for (int i = VAKT_SEV_COUNT - 1; i >= 0; i--) {
			if (!s->by_severity[i])
				continue;
			fprintf(o, "%s%u %s", first ? "" : ", ", s->by_severity[i],
				vakt_severity_name((vakt_severity)i));
			first = false;
		}
		fputc(')', o);
		text_scope(r, s);
	}
	if (s->suppressed)
		fprintf(o, "; %u ignored", s->suppressed);
	if (s->errors)
		fprintf(o, "; %u input error%s", s->errors, s->errors == 1 ? "" : "s");
	fputc('\n', o);
}

const vakt_report_ops vakt_report_text_ops = {
	.finding = text_finding,
	.end = text_end,
};
