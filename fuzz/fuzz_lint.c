/* fuzz_lint.c - libFuzzer target for the whole Kubernetes path: YAML/JSON document model,
 * typed workload model, every hardening rule and the Pod Security checks (two levels,
 * the version taken from the input's first byte), into the JSON report writer. */
#include <stdint.h>
#include <stdio.h>

#include "core/report.h"
#include "lint/lint.h"
#include "lint/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	vakt_lint_options opt;
	vakt_lint_options_init(&opt);
	opt.limits.max_nodes = 100000;
	opt.show_ignored = true;
	vakt_report_info info = {.command = "lint", .rules = vakt_rule_ptrs, .nrules = R__COUNT};
	for (int level = 0; level < 2; level++) {
		opt.pss_set = level == 1;
		opt.pss.level = VAKT_PSS_RESTRICTED;
		opt.pss.latest = false;
		opt.pss.minor = size ? data[0] % 40 : 0;
		vakt_report *rep = vakt_report_new(level ? VAKT_FORMAT_SARIF : VAKT_FORMAT_JSON, devnull, &info);
		vakt_summary sum;
		vakt_lint_buffer(&opt, "fuzz.yaml", data, size, rep, &sum);
		vakt_report_free(rep);
	}
	return 0;
}
