/* main.c - vakt's entry point: the command table and dispatch.
 *
 * vakt [--version] [--help] COMMAND [ARGS...]
 *
 * Exit codes, the same for every command: 0 nothing at or above --fail-on; 1 findings
 * at or above it; 2 usage error; 3 an input could not be read or parsed (3 wins over 1).
 */
#include "cli/cli.h"
#include "core/utf8.h"
#include "lint/lint.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmd_help(int argc, char **argv);

static const vakt_cmd_help cmd_help_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "Show the list of commands, or the help of one.",
};

static const vakt_command commands[] = {
	{"lint", cmd_lint, &cmd_lint_help},
	{"image", cmd_image, &cmd_image_help},
	{"db", cmd_db, &cmd_db_help},
	{"run", cmd_run, &cmd_run_help},
	{"oci", cmd_oci, &cmd_oci_help},
	{"rules", cmd_rules, &cmd_rules_help},
	{"vercmp", cmd_vercmp, &cmd_vercmp_help},
	{"version", cmd_version, &cmd_version_help},
	{"help", cmd_help, &cmd_help_help},
};

static const vakt_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: vakt COMMAND [OPTIONS] [ARGS...]\n\n"
		     "vakt finds what is unsafe about a container setup.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help->summary);
	fprintf(out, "\nRun 'vakt COMMAND --help' for a command's options.\n"
		     "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error,\n"
		     "3 an input could not be read or parsed.\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return VAKT_EXIT_OK;
	}
	const vakt_command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "vakt help: unknown command '%s'\n", argv[1]);
		return VAKT_EXIT_USAGE;
	}
	vakt_opts_help(c->help, stdout);
	return VAKT_EXIT_OK;
}

void cli_print_error(const vakt_error *e)
{
	char *s = vakt_error_format(e);
	fputs("vakt: error: ", stderr);
	vakt_fputs_printable(stderr, s); /* file names and values come from the input */
	fputc('\n', stderr);
	free(s);
}

bool cli_want_color(FILE *f)
{
	const char *term = getenv("TERM");
	return isatty(fileno(f)) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

int main(int argc, char **argv)
{
	/* an engine calls its runtime as `RUNTIME [GLOBAL FLAGS] VERB ...`: under another
	 * name (a vakt-runc link), or as vakt with a runc flag or verb first */
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strcmp(base, "vakt") != 0 || cli_is_runc_call(argc, argv))
		return cmd_oci(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return VAKT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return VAKT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	const vakt_command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "vakt: unknown command '%s'\nRun 'vakt --help' for the list.\n", argv[1]);
		return VAKT_EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
