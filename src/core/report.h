/* report.h - report writers: text, JSON, SARIF 2.1.0, JUnit XML.
 *
 * A writer is driven as a stream: begin, then for each input file file_begin, its
 * findings and errors in document order, file_end; then end with the summary. Writers
 * emit as they go and keep at most one file's worth of state (JUnit needs per-file
 * counts), so memory stays bounded whatever the number of inputs. Output contains no
 * timestamps or absolute paths that vakt did not receive: the same inputs give the
 * same bytes.
 */
#ifndef VAKT_CORE_REPORT_H
#define VAKT_CORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/finding.h"
#include "core/rule.h"

struct jsonw;

typedef enum vakt_format {
	VAKT_FORMAT_TEXT,
	VAKT_FORMAT_JSON,
	VAKT_FORMAT_SARIF,
	VAKT_FORMAT_JUNIT,
} vakt_format;

/* Parse "text", "json", "sarif", "junit"; false if unknown. */
bool vakt_format_parse(const char *s, vakt_format *ret);

typedef struct vakt_report_info {
	const char *command;       /* "lint" */
	const vakt_rule *const *rules; /* every rule that can fire, for SARIF's driver.rules */
	size_t nrules;
	int color;                 /* text: 1 colour, 0 none */
	bool verbose;              /* text: print the fix hint under each finding */
	const char *scope;         /* text summary: "in the image" rather than files/objects */
	/* JSON: write further members of the top-level object (after "errors", before
	 * "summary"), e.g. `vakt image`'s "image" and "packages". NULL: none. */
	void (*json_extra)(struct jsonw *w, void *ud);
	void *extra_ud;
} vakt_report_info;

typedef struct vakt_summary {
	unsigned files;
	unsigned objects;
	unsigned findings;                 /* reported (not suppressed) */
	unsigned by_severity[VAKT_SEV_COUNT];
	unsigned suppressed;
	unsigned errors;
	vakt_severity fail_on;
	int exit_code;
} vakt_summary;

typedef struct vakt_report vakt_report;

/* Create a writer for format onto out (not closed by the writer). */
vakt_report *vakt_report_new(vakt_format fmt, FILE *out, const vakt_report_info *info);
void vakt_report_begin(vakt_report *r);
void vakt_report_file_begin(vakt_report *r, const char *file);
void vakt_report_finding(vakt_report *r, const vakt_finding *f);
/* An input error (exit code 3), attached to the current file if any. */
void vakt_report_error(vakt_report *r, const vakt_error *e);
void vakt_report_file_end(vakt_report *r, const char *file);
void vakt_report_end(vakt_report *r, const vakt_summary *s);
/* Free a writer; accepts NULL, returns NULL. */
vakt_report *vakt_report_free(vakt_report *r);

/* ---- for the writers (report_*.c) --------------------------------------------------- */

typedef struct vakt_report_ops {
	void (*begin)(vakt_report *r);
	void (*file_begin)(vakt_report *r, const char *file);
	void (*finding)(vakt_report *r, const vakt_finding *f);
	void (*error)(vakt_report *r, const vakt_error *e);
	void (*file_end)(vakt_report *r, const char *file);
	void (*end)(vakt_report *r, const vakt_summary *s);
	void (*free)(vakt_report *r);
} vakt_report_ops;

struct vakt_report {
	const vakt_report_ops *ops;
	FILE *out;
	vakt_report_info info;
	void *priv;
};

extern const vakt_report_ops vakt_report_text_ops;
extern const vakt_report_ops vakt_report_json_ops;
extern const vakt_report_ops vakt_report_sarif_ops;
extern const vakt_report_ops vakt_report_junit_ops;

/* "Deployment default/web" or "Pod web" into a static-free heap string; NULL if no kind. */
char *vakt_finding_object(const vakt_finding *f);
/* Docs link of a rule (heap string). */
char *vakt_rule_docs(const vakt_rule *rule);

#endif
