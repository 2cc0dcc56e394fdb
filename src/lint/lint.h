/* lint.h - `vakt lint`: check Kubernetes manifests.
 *
 * The driver walks the inputs (sorted), reads each file as a stream of YAML/JSON
 * documents, runs every hardening rule and, when a Pod Security level applies, the
 * Pod Security Standards checks on each workload, filters findings through
 * configuration and ignore annotations, and hands them to a report writer as they are
 * found. Input problems are reported through on_error and counted; they never stop the
 * run (exit code 3 is decided by the caller from the summary).
 */
#ifndef VAKT_LINT_LINT_H
#define VAKT_LINT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/doc.h"
#include "core/error.h"
#include "core/report.h"
#include "lint/pss.h"

/* What an input is. Classified by name, then by content, unless --type says. */
typedef enum vakt_input_type {
	VAKT_INPUT_AUTO = 0,
	VAKT_INPUT_KUBERNETES,
	VAKT_INPUT_DOCKERFILE,
	VAKT_INPUT_COMPOSE,
	VAKT_INPUT_SHELL,
	VAKT_INPUT_MAKEFILE,
	VAKT_INPUT_GITHUB,
	VAKT_INPUT_GITLAB,
} vakt_input_type;

/* Parse a --type value ("kubernetes", "dockerfile", "compose", "shell", "makefile",
 * "github-actions", "gitlab-ci"); false if unknown. */
bool vakt_input_type_parse(const char *s, vakt_input_type *ret);

typedef struct vakt_lint_options {
	bool pss_set;            /* --pss given: overrides namespace labels and config */
	vakt_pss_policy pss;
	vakt_severity fail_on;   /* default LOW */
	int findings_exit_code;  /* when findings remain at or above fail_on: 1, or --exit-code */
	bool severity_filter;    /* --severity given */
	bool severities[VAKT_SEV_COUNT];
	bool no_inline_ignores;
	bool no_config;          /* --no-config: built-in defaults only */
	bool show_ignored;
	const char *config_path; /* --config, else .vakt.yaml found upward from each input */
	vakt_doc_limits limits;

	vakt_input_type type;    /* --type: force how every input is read */
	const char *const *docker_run; /* --docker-run command lines, NULL-terminated, or NULL */
	const char *const *compose_files; /* --compose-file, in merge order, NULL-terminated */
	const char *target;      /* --target: the Dockerfile stage that becomes the image */
	const char *const *build_args; /* --build-arg NAME=VALUE, NULL-terminated, or NULL */

	/* Diagnostics for the caller to print: input errors and one-off notices. */
	void (*on_error)(const vakt_error *e, void *ud);
	void (*on_notice)(const char *file, unsigned line, const char *msg, void *ud);
	/* Progress for long runs (files and objects so far), about every 100 ms; done at the
	 * end is true once. NULL: no progress. The CLI shows it only on a TTY. */
	void (*on_progress)(unsigned files, unsigned objects, bool done, void *ud);
	void *ud;
} vakt_lint_options;

/* Lint inputs (paths, or "-" for stdin) into report. Fills *sum (exit code included).
 * Returns 0, or a negative code with *err for a problem that makes the run meaningless
 * (an invalid configuration file: exit 2). */
int vakt_lint_run(const vakt_lint_options *opt, const char *const *inputs, size_t n,
		  vakt_report *report, vakt_summary *sum, vakt_error **err);

/* Lint one in-memory input named name (no configuration file, no directory walk): for
 * fuzzing and for callers that already hold the bytes. opt->type says what it is
 * (Kubernetes by default; a compose project needs files). Fills *sum like vakt_lint_run. */
void vakt_lint_buffer(const vakt_lint_options *opt, const char *name, const void *data,
		      size_t len, vakt_report *report, vakt_summary *sum);

/* Initialise options with the defaults. */
void vakt_lint_options_init(vakt_lint_options *opt);

/* Exit codes shared by every command. */
enum {
	VAKT_EXIT_OK = 0,
	VAKT_EXIT_FINDINGS = 1,
	VAKT_EXIT_USAGE = 2,
	VAKT_EXIT_INPUT = 3,
};

#endif
