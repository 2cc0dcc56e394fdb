/* fuzz_rules.c - libFuzzer target for the Dockerfile and container rules: the input is
 * linted as a Dockerfile, a shell script, a Makefile, a GitHub workflow or a GitLab CI
 * file (chosen by its first byte), through the parsers and every DF-* and CTR-* rule,
 * into the SARIF writer. The parsers have targets of their own; this one is for what the
 * rules do with whatever the parsers accept. */
#include <stdint.h>
#include <stdio.h>

#include "core/report.h"
#include "lint/lint.h"
#include "lint/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static const vakt_input_type types[] = {VAKT_INPUT_DOCKERFILE, VAKT_INPUT_SHELL,
						VAKT_INPUT_MAKEFILE, VAKT_INPUT_GITHUB,
						VAKT_INPUT_GITLAB};
	static const char *const build_args[] = {"BASE=alpine:3.20", "USER=0", NULL};
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	vakt_lint_options opt;
	vakt_lint_options_init(&opt);
	opt.show_ignored = true;
	opt.type = types[size ? data[0] % 5 : 0];
	opt.build_args = size > 1 && data[1] & 1 ? build_args : NULL;
	opt.target = size > 1 && data[1] & 2 ? "build" : NULL;
	vakt_report_info info = {.command = "lint", .rules = vakt_rule_ptrs, .nrules = R__COUNT};
	vakt_report *rep = vakt_report_new(VAKT_FORMAT_SARIF, devnull, &info);
	vakt_summary sum;
	vakt_lint_buffer(&opt, "fuzz", data, size, rep, &sum);
	vakt_report_free(rep);
	return 0;
}
