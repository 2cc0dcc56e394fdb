/* cmd_vercmp.c - `vakt vercmp SCHEME A B`: version ordering for scripts and for
 * differential tests against the package managers' own comparisons. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "vuln/version.h"

#include <stdlib.h>
#include <string.h>

#define VERCMP_MAX_LINE (1024 * 1024) /* one "A<TAB>B" line of the batch mode */

static const vakt_opt vercmp_opts[] = {
	{0},
};

const vakt_cmd_help cmd_vercmp_help = {
	.name = "vercmp",
	.usage = "SCHEME A B | SCHEME -",
	.summary = "Compare two versions as a package manager does: prints -1, 0 or 1.",
	.details =
		"SCHEME is dpkg (Debian, Ubuntu), rpm (EVR: [epoch:]version[-release]), apk\n"
		"(Alpine), semver (Go modules, npm) or pep440 (PyPI). The ordering is the\n"
		"one vakt uses to match vulnerabilities: dpkg's, rpm's, apk-tools',\n"
		"SemVer 2.0.0's and PEP 440's, exactly.\n"
		"\n"
		"With -, reads lines \"A<TAB>B\" from stdin and prints one line per pair:\n"
		"-1, 0, 1, or \"invalid: MESSAGE\" (for scripts and differential tests).\n"
		"\n"
		"Exit status: 0 compared, 2 usage error, 3 an invalid version (the message\n"
		"says what is wrong with it).",
	.opts = vercmp_opts,
};

typedef struct vercmp_args {
	const char *operand[3];
	int n;
} vercmp_args;

static int on_opt(int id, const char *value, void *ud)
{
	vercmp_args *a = ud;
	if (id == 0 && a->n < 3) {
		a->operand[a->n++] = value;
		return 0;
	}
	return vakt_usage_error("vercmp", "unexpected argument '%s'", value);
}

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* Compare a and b after checking both; the result (-1/0/1) into *ret, or the error. */
static int compare(vakt_vscheme s, const char *a, const char *b, int *ret, vakt_error **err)
{
	int r = vakt_version_check(s, a, err);
	if (r >= 0)
		r = vakt_version_check(s, b, err);
	if (r < 0)
		return r;
	*ret = sign(vakt_version_cmp(s, a, b));
	return 0;
}

/* The batch mode: lines "A<TAB>B" on stdin. A line too long or without a tab is a usage
 * error naming the line; invalid versions are answered in the output. */
static int batch(vakt_vscheme s)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = VAKT_EXIT_OK;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		char *tab = memchr(line, '\t', (size_t)len);
		if ((size_t)len > VERCMP_MAX_LINE || !tab || memchr(line, '\0', (size_t)len)) {
			fprintf(stderr, "vakt: error: <stdin>:%lu: expected \"A<TAB>B\"%s\n", lineno,
				(size_t)len > VERCMP_MAX_LINE ? " (line longer than 1 MiB)" : "");
			rc = VAKT_EXIT_INPUT;
			break;
		}
		*tab = '\0';
		vakt_error *e = NULL;
		int c;
		if (compare(s, line, tab + 1, &c, &e) < 0)
			printf("invalid: %s\n", e->msg);
		else
			printf("%d\n", c);
		vakt_error_free(e);
	}
	free(line);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vakt: error: cannot write the results\n");
		rc = VAKT_EXIT_INPUT;
	}
	return rc;
}

int cmd_vercmp(int argc, char **argv)
{
	vercmp_args a = {0};
	int r = vakt_opts_parse(&cmd_vercmp_help, argc, argv, on_opt, &a);
	if (r != 0)
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	vakt_vscheme s;
	if (a.n < 1 || !vakt_vscheme_parse(a.operand[0], &s)) {
		vakt_usage_error("vercmp", a.n < 1 ? "no SCHEME: dpkg, rpm, apk, semver or pep440"
						   : "unknown scheme '%s' (dpkg, rpm, apk, semver, pep440)",
				 a.operand[0]);
		return VAKT_EXIT_USAGE;
	}
	if (a.n == 2 && strcmp(a.operand[1], "-") == 0)
		return batch(s);
	if (a.n != 3) {
		vakt_usage_error("vercmp", "expected SCHEME A B, or SCHEME - for pairs on stdin");
		return VAKT_EXIT_USAGE;
	}
	vakt_error *e = NULL;
	int c;
	if (compare(s, a.operand[1], a.operand[2], &c, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return VAKT_EXIT_INPUT;
	}
	printf("%d\n", c);
	return VAKT_EXIT_OK;
}
