/* report_junit.c - JUnit XML: one <testsuite> per input file, one failing <testcase>
 * per finding, one passing "lint" testcase for a clean file, <error> for input errors.
 *
 * A testsuite's counts must precede its testcases, so one file's testcases are held in
 * a buffer until file_end. The buffer is capped: past the cap the suite is flushed and
 * continued as "FILE (part N)", so memory stays bounded even for a huge input.
 */
#include "core/buf.h"
#include "core/report.h"
#include "core/utf8.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SUITE_BUF_MAX ((size_t)8 << 20)

typedef struct junit_priv {
	vakt_buf cases;
	char *file;
	unsigned tests, failures, errors, skipped, part;
} junit_priv;

/* XML-escape s into b. XML 1.0 allows no C0 control but tab and newline (kept as
 * character references), no U+FFFE/U+FFFF and no invalid UTF-8: those become U+FFFD, so
 * the document is always well-formed. */
static void xml_escape(vakt_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (p < end) {
		uint32_t cp;
		size_t n = vakt_utf8_decode(p, (size_t)(end - p), &cp);
		if (n == 0) {
			vakt_buf_puts(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		switch (cp) {
		case '&': vakt_buf_puts(b, "&amp;"); break;
		case '<': vakt_buf_puts(b, "&lt;"); break;
		case '>': vakt_buf_puts(b, "&gt;"); break;
		case '"': vakt_buf_puts(b, "&quot;"); break;
		case '\'': vakt_buf_puts(b, "&apos;"); break;
		case '\n': vakt_buf_puts(b, "&#10;"); break;
		case '\r': vakt_buf_puts(b, "&#13;"); break;
		case '\t': vakt_buf_puts(b, "&#9;"); break;
		default:
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff)
				vakt_buf_puts(b, "\xef\xbf\xbd");
			else
				vakt_buf_append(b, p, n);
		}
		p += n;
	}
}

static void junit_begin(vakt_report *r)
{
	junit_priv *p = xcalloc(1, sizeof(*p));
	vakt_buf_init(&p->cases, SIZE_MAX);
	r->priv = p;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", r->out);
	fprintf(r->out, "<testsuites name=\"vakt %s\">\n", r->info.command);
}

static void flush_suite(vakt_report *r, bool final)
{
	junit_priv *p = r->priv;
	if (!p->file)
		return;
	if (final && p->tests == 0) {
		vakt_buf_puts(&p->cases, "    <testcase name=\"lint\" classname=\"");
		xml_escape(&p->cases, p->file);
		vakt_buf_puts(&p->cases, "\"/>\n");
		p->tests = 1;
	}
	vakt_buf head = VAKT_BUF_INIT(SIZE_MAX);
	vakt_buf_puts(&head, "  <testsuite name=\"");
	xml_escape(&head, p->file);
	if (p->part > 0 || !final)
		vakt_buf_printf(&head, " (part %u)", p->part + 1);
	vakt_buf_printf(&head, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
			p->tests, p->failures, p->errors, p->skipped);
	fputs(vakt_buf_str(&head), r->out);
	fputs(vakt_buf_str(&p->cases), r->out);
	fputs("  </testsuite>\n", r->out);
	vakt_buf_free(&head);
	vakt_buf_reset(&p->cases);
	p->tests = p->failures = p->errors = p->skipped = 0;
	p->part++;
}

static void junit_file_begin(vakt_report *r, const char *file)
{
	junit_priv *p = r->priv;
	if (p->file)
		flush_suite(r, true); /* errors reported before any file stay in the report */
	free(p->file);
	p->file = xstrdup(file);
	p->part = 0;
	p->tests = p->failures = p->errors = p->skipped = 0;
	vakt_buf_reset(&p->cases);
}

static void junit_finding(vakt_report *r, const vakt_finding *f)
{
	junit_priv *p = r->priv;
	if (!p->file)
		junit_file_begin(r, f->file ? f->file : "-");
	vakt_buf *b = &p->cases;
	char *obj = vakt_finding_object(f);
	vakt_buf_puts(b, "    <testcase name=\"");
	xml_escape(b, f->rule->id);
	if (obj) {
		vakt_buf_putc(b, ' ');
		xml_escape(b, obj);
	}
	if (f->container) {
		vakt_buf_puts(b, " container ");
		xml_escape(b, f->container);
	}
	vakt_buf_puts(b, "\" classname=\"");
	xml_escape(b, f->file ? f->file : "-");
	vakt_buf_puts(b, "\">\n");
	if (f->suppressed) {
		vakt_buf_puts(b, "      <skipped message=\"ignored by ");
		xml_escape(b, f->suppressed_by);
		if (f->suppress_reason) {
			vakt_buf_puts(b, ": ");
			xml_escape(b, f->suppress_reason);
		}
		vakt_buf_puts(b, "\"/>\n");
		p->skipped++;
	} else {
		vakt_buf_puts(b, "      <failure type=\"");
		vakt_buf_puts(b, vakt_severity_name(f->severity));
		vakt_buf_puts(b, "\" message=\"");
		xml_escape(b, f->message);
		vakt_buf_puts(b, "\">");
		char *where = f->line ? xasprintf("%s:%u:%u", f->file ? f->file : "-", f->line, f->col)
				      : xstrdup(f->file ? f->file : "-");
		xml_escape(b, where);
		free(where);
		vakt_buf_puts(b, ": ");
		xml_escape(b, vakt_severity_name(f->severity));
		vakt_buf_putc(b, ' ');
		xml_escape(b, f->rule->id);
		vakt_buf_puts(b, ": ");
		xml_escape(b, f->rule->title);
		vakt_buf_puts(b, "</failure>\n");
		p->failures++;
	}
	vakt_buf_puts(b, "    </testcase>\n");
	free(obj);
	p->tests++;
	if (b->len > SUITE_BUF_MAX)
		flush_suite(r, false);
}

static void junit_error(vakt_report *r, const vakt_error *e)
{
	junit_priv *p = r->priv;
	if (!p->file)
		junit_file_begin(r, e->file ? e->file : "-");
	vakt_buf *b = &p->cases;
	char *msg = vakt_error_format(e);
	vakt_buf_puts(b, "    <testcase name=\"input\" classname=\"");
	xml_escape(b, p->file);
	vakt_buf_puts(b, "\">\n      <error message=\"");
	xml_escape(b, msg);
	vakt_buf_puts(b, "\"/>\n    </testcase>\n");
	free(msg);
	p->tests++;
	p->errors++;
	if (b->len > SUITE_BUF_MAX)
		flush_suite(r, false);
}

static void junit_file_end(vakt_report *r, const char *file)
{
	(void)file;
	flush_suite(r, true);
	junit_priv *p = r->priv;
	free(p->file);
	p->file = NULL;
}

static void junit_end(vakt_report *r, const vakt_summary *s)
{
	(void)s;
	flush_suite(r, true); /* errors outside any file */
	fputs("</testsuites>\n", r->out);
}

static void junit_free(vakt_report *r)
{
	junit_priv *p = r->priv;
	if (!p)
		return;
	vakt_buf_free(&p->cases);
	free(p->file);
	free(p);
}

const vakt_report_ops vakt_report_junit_ops = {
	.begin = junit_begin,
	.file_begin = junit_file_begin,
	.finding = junit_finding,
	.error = junit_error,
	.file_end = junit_file_end,
	.end = junit_end,
	.free = junit_free,
};
