/* opts.h - per-command option tables that parse argv and generate --help.
 *
 * After libgit2's CLI: each command declares its options once, as data; the same table
 * drives parsing and the help text, so they cannot disagree.
 */
#ifndef VAKT_CLI_OPTS_H
#define VAKT_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/severity.h"

typedef struct vakt_opt {
	int id;                 /* returned to the command; 0 ends the table */
	char short_name;        /* 0 for none */
	const char *long_name;  /* without "--" */
	const char *value_name; /* NULL for a flag */
	const char *help;
} vakt_opt;

typedef struct vakt_cmd_help {
	const char *name;     /* "lint" */
	const char *usage;    /* "[OPTIONS] PATH..." */
	const char *summary;  /* one line */
	const char *details;  /* paragraphs after the usage, may be NULL */
	const vakt_opt *opts;
} vakt_cmd_help;

/* Called for each option (id, value or NULL) and each operand (id 0, value). Return
 * negative to stop with a usage error (the callback prints why). */
typedef int (*vakt_opt_fn)(int id, const char *value, void *ud);

/* Parse argv[1..argc) against h->opts. "--" ends options; "-" is an operand. --help
 * prints the help and returns 1. Returns 0, 1, or -1 after printing a usage error. */
int vakt_opts_parse(const vakt_cmd_help *h, int argc, char **argv, vakt_opt_fn fn, void *ud);

void vakt_opts_help(const vakt_cmd_help *h, FILE *out);

/* Print "vakt CMD: MESSAGE" and a hint to stderr; returns -1. */
int vakt_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Value parsers for the options several commands share (--severity, --exit-code,
 * --color), so their syntax and messages stay the same everywhere. Each returns 0, or
 * -1 after vakt_usage_error(cmd, ...); on error *ret may be partly written. */

/* "HIGH,CRITICAL" or "high critical": sets sev[s] for each listed severity. */
int vakt_opt_severities(const char *cmd, const char *v, bool sev[VAKT_SEV_COUNT]);
/* A decimal 0..255. */
int vakt_opt_exit_code(const char *cmd, const char *v, int *ret);
/* auto (-1), always (1), never (0). */
int vakt_opt_color(const char *cmd, const char *v, int *ret);

#endif
