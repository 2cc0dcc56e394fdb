/* cmd_version.c - `vakt version`. */
#include "cli/cli.h"
#include "lint/lint.h"
#include "lint/pss.h"

#include <yaml.h>

static const vakt_opt version_opts[] = {{0}};

const vakt_cmd_help cmd_version_help = {
	.name = "version",
	.usage = "",
	.summary = "Print vakt's version and what it was built with.",
	.opts = version_opts,
};

static int on_opt(int id, const char *value, void *ud)
{
	(void)id, (void)ud;
	return vakt_usage_error("version", "unexpected argument '%s'", value);
}

int cmd_version(int argc, char **argv)
{
	int r = vakt_opts_parse(&cmd_version_help, argc, argv, on_opt, NULL);
	if (r != 0)
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	printf("vakt %s\n", VAKT_VERSION);
	printf("pod security standards: k8s.io/pod-security-admission v0.%d (v1.0 to v1.%d)\n",
	       VAKT_PSS_MAX_MINOR, VAKT_PSS_MAX_MINOR);
	printf("libyaml %s\n", yaml_get_version_string());
	return VAKT_EXIT_OK;
}
