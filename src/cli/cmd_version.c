/* cmd_version.c - `vakt version`. */
#include "cli/cli.h"
#include "core/jsonw.h"
#include "lint/lint.h"
#include "lint/pss.h"

#include <string.h>
#include <yaml.h>

enum { O_FORMAT = 1 };

static const vakt_opt version_opts[] = {
	{O_FORMAT, 'f', "format", "FORMAT", "text (default) or json"},
	{0},
};

const vakt_cmd_help cmd_version_help = {
	.name = "version",
	.usage = "",
	.summary = "Print vakt's version and what it was built with.",
	.opts = version_opts,
};

static int on_opt(int id, const char *value, void *ud)
{
	bool *json = ud;
	if (id == O_FORMAT) {
		if (strcmp(value, "json") != 0 && strcmp(value, "text") != 0)
			return vakt_usage_error("version", "unknown format '%s' (text, json)", value);
		*json = strcmp(value, "json") == 0;
		return 0;
	}
	return vakt_usage_error("version", "unexpected argument '%s'", value);
}

int cmd_version(int argc, char **argv)
{
	bool json = false;
	int r = vakt_opts_parse(&cmd_version_help, argc, argv, on_opt, &json);
	if (r != 0)
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	if (json) {
		jsonw w;
		jsonw_init(&w, stdout, 2);
		jsonw_obj_begin(&w);
		jsonw_kv_str(&w, "vakt", VAKT_VERSION);
		jsonw_kv_str(&w, "pss_policy", "k8s.io/pod-security-admission v0.37");
		jsonw_kv_str(&w, "pss_latest", "v1.37");
		jsonw_kv_str(&w, "libyaml", yaml_get_version_string());
		jsonw_obj_end(&w);
		return VAKT_EXIT_OK;
	}
	printf("vakt %s\n", VAKT_VERSION);
	printf("pod security standards: k8s.io/pod-security-admission v0.%d (v1.0 to v1.%d)\n",
	       VAKT_PSS_MAX_MINOR, VAKT_PSS_MAX_MINOR);
	printf("libyaml %s\n", yaml_get_version_string());
	return VAKT_EXIT_OK;
}
