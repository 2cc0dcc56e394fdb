/* cmd_lint.c - `vakt lint`: option parsing and output; the work is in src/lint. */
#include "cli/cli.h"
#include "core/report.h"
#include "core/utf8.h"
#include "lint/lint.h"
#include "lint/rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum {
	O_FORMAT = 1, O_OUTPUT, O_PSS, O_FAIL_ON, O_SEVERITY, O_EXIT_CODE, O_CONFIG,
	O_NO_INLINE_IGNORES, O_SHOW_IGNORED, O_NO_CONFIG, O_TYPE, O_DOCKER_RUN, O_COMPOSE_FILE,
	O_TARGET, O_BUILD_ARG, O_COLOR, O_VERBOSE, O_MAX_FILE_SIZE, O_QUIET,
};

static const vakt_opt lint_opts[] = {
	{O_FORMAT, 'f', "format", "FORMAT", "output format: text (default), json, sarif, junit"},
	{O_OUTPUT, 'o', "output", "FILE", "write the report to FILE instead of stdout"},
	{O_PSS, 0, "pss", "LEVEL[:VERSION]",
	 "check Pod Security Standards: baseline or restricted, at\n"
	 "v1.0..v1.37 or latest (default latest), e.g. restricted:v1.30"},
	{O_TYPE, 0, "type", "TYPE",
	 "read every input as TYPE: kubernetes, dockerfile, compose, shell,\n"
	 "makefile, github-actions, gitlab-ci (default: by name, then content)"},
	{O_DOCKER_RUN, 0, "docker-run", "'CMD'", "lint a docker run / podman run command line (repeatable)"},
	{O_COMPOSE_FILE, 0, "compose-file", "FILE",
	 "a compose project file, merged in order like docker compose -f\n(repeatable)"},
	{O_TARGET, 0, "target", "STAGE", "the Dockerfile stage that becomes the image (default: the last)"},
	{O_BUILD_ARG, 0, "build-arg", "NAME=VALUE", "a Dockerfile build argument (repeatable)"},
	{O_FAIL_ON, 0, "fail-on", "SEVERITY", "exit 1 for findings at or above SEVERITY (default LOW)"},
	{O_SEVERITY, 0, "severity", "LIST", "report only these severities, e.g. HIGH,CRITICAL"},
	{O_EXIT_CODE, 0, "exit-code", "N", "exit code when findings remain (default 1; Trivy's flag)"},
	{O_CONFIG, 0, "config", "FILE", "use FILE instead of the nearest .vakt.yaml"},
	{O_NO_CONFIG, 0, "no-config", NULL, "do not read any .vakt.yaml"},
	{O_NO_INLINE_IGNORES, 0, "no-inline-ignores", NULL, "ignore the ignore annotations (for CI)"},
	{O_SHOW_IGNORED, 0, "show-ignored", NULL, "also report ignored findings, marked as such"},
	{O_COLOR, 0, "color", "WHEN", "auto (default), always or never"},
	{O_VERBOSE, 'v', "verbose", NULL, "text: print the fix under each finding"},
	{O_QUIET, 'q', "quiet", NULL, "do not print notices"},
	{O_MAX_FILE_SIZE, 0, "max-file-size", "SIZE", "largest input file, e.g. 64M (default 256M)"},
	{0},
};

const vakt_cmd_help cmd_lint_help = {
	.name = "lint",
	.usage = "[OPTIONS] PATH...",
	.summary = "Check Kubernetes manifests, Dockerfiles, compose files and docker run lines.",
	.details =
		"PATH is a file, a directory (searched recursively, in sorted order) or - for\n"
		"stdin. Inputs are classified by name (Dockerfile, Containerfile, compose*.yaml,\n"
		"docker-compose*.yml, .github/workflows/*.yml, .gitlab-ci.yml, *.sh, Makefile),\n"
		"then by content (apiVersion + kind: Kubernetes; services: compose). Kubernetes\n"
		"YAML and JSON may hold several documents and `kind: List`; documents that are\n"
		"not Kubernetes objects are skipped. Without --pss, Pod Security Standards are\n"
		"checked only for namespaces labelled pod-security.kubernetes.io/enforce in the\n"
		"input or when .vakt.yaml sets `pss`.\n"
		"\n"
		"Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error,\n"
		"3 an input could not be read or parsed.",
	.opts = lint_opts,
};

typedef struct lint_args {
	vakt_lint_options opt;
	vakt_format format;
	const char *output;
	int color; /* -1 auto */
	bool verbose;
	bool quiet;
	const char **inputs;
	size_t ninputs;
	const char **docker_run, **compose_files, **build_args;
	size_t ndocker_run, ncompose_files, nbuild_args;
} lint_args;

static bool parse_size(const char *s, size_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	unsigned shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (*end || v == 0 || v > (SIZE_MAX >> shift))
		return false;
	*ret = (size_t)v << shift;
	return true;
}

static int on_opt(int id, const char *v, void *ud)
{
	lint_args *a = ud;
	switch (id) {
	case 0:
		a->inputs[a->ninputs++] = v;
		return 0;
	case O_FORMAT:
		if (!vakt_format_parse(v, &a->format))
			return vakt_usage_error("lint", "unknown format '%s' (text, json, sarif, junit)", v);
		return 0;
	case O_OUTPUT:
		a->output = v;
		return 0;
	case O_PSS: {
		vakt_error *e = NULL;
		if (vakt_pss_parse(v, &a->opt.pss, &e) < 0) {
			vakt_usage_error("lint", "--pss: %s", e->msg);
			vakt_error_free(e);
			return -1;
		}
		a->opt.pss_set = true;
		return 0;
	}
	case O_FAIL_ON:
		if (!vakt_severity_parse(v, &a->opt.fail_on))
			return vakt_usage_error("lint", "--fail-on: unknown severity '%s'", v);
		return 0;
	case O_SEVERITY:
		a->opt.severity_filter = true;
		return vakt_opt_severities("lint", v, a->opt.severities);
	case O_EXIT_CODE:
		return vakt_opt_exit_code("lint", v, &a->opt.findings_exit_code);
	case O_CONFIG:
		a->opt.config_path = v;
		return 0;
	case O_TYPE:
		if (!vakt_input_type_parse(v, &a->opt.type))
			return vakt_usage_error("lint", "--type: unknown type '%s' (kubernetes, dockerfile, "
						"compose, shell, makefile, github-actions, gitlab-ci)", v);
		return 0;
	case O_DOCKER_RUN:
		a->docker_run[a->ndocker_run++] = v;
		return 0;
	case O_COMPOSE_FILE:
		a->compose_files[a->ncompose_files++] = v;
		return 0;
	case O_TARGET:
		a->opt.target = v;
		return 0;
	case O_BUILD_ARG:
		if (!strchr(v, '='))
			return vakt_usage_error("lint", "--build-arg: expected NAME=VALUE, got '%s'", v);
		a->build_args[a->nbuild_args++] = v;
		return 0;
	case O_NO_CONFIG:
		a->opt.no_config = true;
		return 0;
	case O_NO_INLINE_IGNORES:
		a->opt.no_inline_ignores = true;
		return 0;
	case O_SHOW_IGNORED:
		a->opt.show_ignored = true;
		return 0;
	case O_COLOR:
		return vakt_opt_color("lint", v, &a->color);
	case O_VERBOSE:
		a->verbose = true;
		return 0;
	case O_QUIET:
		a->quiet = true;
		return 0;
	case O_MAX_FILE_SIZE:
		if (!parse_size(v, &a->opt.limits.max_file_bytes))
			return vakt_usage_error("lint", "--max-file-size: expected a size like 64M, got '%s'", v);
		if (a->opt.limits.max_doc_bytes > a->opt.limits.max_file_bytes)
			a->opt.limits.max_doc_bytes = a->opt.limits.max_file_bytes;
		return 0;
	default:
		return vakt_usage_error("lint", "internal: unhandled option");
	}
}

static void on_error(const vakt_error *e, void *ud)
{
	(void)ud;
	cli_print_error(e);
}

static void on_notice(const char *file, unsigned line, const char *msg, void *ud)
{
	const lint_args *a = ud;
	if (a->quiet)
		return;
	fputs("vakt: notice: ", stderr);
	vakt_fputs_printable(stderr, file);
	if (line)
		fprintf(stderr, ":%u", line);
	fputs(": ", stderr);
	vakt_fputs_printable(stderr, msg);
	fputc('\n', stderr);
}

/* "vakt: 1234 files, 2345 objects" redrawn in place on a terminal, erased at the end. */
static void on_progress(unsigned files, unsigned objects, bool done, void *ud)
{
	(void)ud;
	if (done)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[Kvakt: %u files, %u objects", files, objects);
	fflush(stderr);
}

int cmd_lint(int argc, char **argv)
{
	lint_args a = {.color = -1};
	vakt_lint_options_init(&a.opt);
	a.inputs = calloc((size_t)argc + 1, sizeof(char *));
	a.docker_run = calloc((size_t)argc + 1, sizeof(char *));
	a.compose_files = calloc((size_t)argc + 1, sizeof(char *));
	a.build_args = calloc((size_t)argc + 1, sizeof(char *));
	if (!a.inputs || !a.docker_run || !a.compose_files || !a.build_args)
		return VAKT_EXIT_USAGE;
	a.opt.docker_run = a.docker_run;
	a.opt.compose_files = a.compose_files;
	a.opt.build_args = a.build_args;
	int r = vakt_opts_parse(&cmd_lint_help, argc, argv, on_opt, &a);
	if (r != 0) {
		free(a.inputs), free(a.docker_run), free(a.compose_files), free(a.build_args);
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	}
	if (a.ninputs == 0 && a.ndocker_run == 0 && a.ncompose_files == 0) {
		free(a.inputs), free(a.docker_run), free(a.compose_files), free(a.build_args);
		vakt_usage_error("lint", "no input: give files, directories, - for stdin, "
					 "--docker-run or --compose-file");
		return VAKT_EXIT_USAGE;
	}

	FILE *out = stdout;
	if (a.output && !(out = fopen(a.output, "w"))) {
		fprintf(stderr, "vakt lint: cannot write %s: %s\n", a.output, strerror(errno));
		free(a.inputs), free(a.docker_run), free(a.compose_files), free(a.build_args);
		return VAKT_EXIT_USAGE;
	}
	a.opt.on_error = on_error;
	a.opt.on_notice = on_notice;
	if (!a.quiet && isatty(STDERR_FILENO))
		a.opt.on_progress = on_progress;
	a.opt.ud = &a;

	vakt_report_info info = {
		.command = "lint",
		.rules = vakt_rule_ptrs,
		.nrules = R__COUNT,
		.color = a.color < 0 ? (a.format == VAKT_FORMAT_TEXT && cli_want_color(out)) : a.color,
		.verbose = a.verbose,
	};
	vakt_report *rep = vakt_report_new(a.format, out, &info);
	vakt_summary sum;
	vakt_error *e = NULL;
	int rc = vakt_lint_run(&a.opt, a.inputs, a.ninputs, rep, &sum, &e);
	vakt_report_free(rep);
	int exit_code;
	if (rc < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		exit_code = VAKT_EXIT_USAGE;
	} else {
		exit_code = sum.exit_code;
	}
	/* a report that could not be written is no report: say so, never exit 0 or 1 */
	bool write_failed = fflush(out) != 0 || ferror(out);
	int write_errno = errno;
	if (out != stdout && fclose(out) != 0 && !write_failed)
		write_failed = true, write_errno = errno;
	if (write_failed) {
		fprintf(stderr, "vakt lint: error writing the report to %s: %s\n",
			a.output ? a.output : "standard output", strerror(write_errno));
		exit_code = VAKT_EXIT_INPUT;
	}
	free(a.inputs), free(a.docker_run), free(a.compose_files), free(a.build_args);
	return exit_code;
}
