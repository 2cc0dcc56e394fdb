/* cli.h - the commands of the vakt binary. */
#ifndef VAKT_CLI_CLI_H
#define VAKT_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/opts.h"
#include "core/error.h"

typedef struct vakt_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name; returns exit code */
	const vakt_cmd_help *help;
} vakt_command;

int cmd_db(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_oci(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_version(int argc, char **argv);

extern const vakt_cmd_help cmd_db_help;
extern const vakt_cmd_help cmd_image_help;
extern const vakt_cmd_help cmd_lint_help;
extern const vakt_cmd_help cmd_oci_help;
extern const vakt_cmd_help cmd_rules_help;
extern const vakt_cmd_help cmd_run_help;
extern const vakt_cmd_help cmd_vercmp_help;
extern const vakt_cmd_help cmd_version_help;

/* True when argv is an engine's runtime call (`vakt --root X create ...`, `vakt state ID`):
 * a runc global flag or a verb only the OCI runtime has comes first. main.c then runs
 * cmd_oci on it, as it does for any call of the binary under another name. */
bool cli_is_runc_call(int argc, char **argv);

/* Print an error the way every command does: "vakt: error: file:line:col: message". */
void cli_print_error(const vakt_error *e);

/* True if colour should be used on f: a TTY, NO_COLOR unset, TERM not "dumb". */
bool cli_want_color(FILE *f);

#endif
