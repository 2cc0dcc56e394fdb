/* opts.c - see opts.h. */
#include "cli/opts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int vakt_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vakt %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vakt %s --help'.\n", cmd);
	return -1;
}

static const vakt_opt help_opt = {-1, 'h', "help", NULL, "show this help"};

static const vakt_opt *find_long(const vakt_cmd_help *h, const char *name, size_t len)
{
	for (const vakt_opt *o = h->opts; o && o->id; o++)
		if (strlen(o->long_name) == len && strncmp(o->long_name, name, len) == 0)
			return o;
	if (len == 4 && strncmp(name, "help", 4) == 0)
		return &help_opt;
	return NULL;
}

static const vakt_opt *find_short(const vakt_cmd_help *h, char c)
{
	for (const vakt_opt *o = h->opts; o && o->id; o++)
		if (o->short_name == c)
			return o;
	return c == 'h' ? &help_opt : NULL;
}

int vakt_opts_parse(const vakt_cmd_help *h, int argc, char **argv, vakt_opt_fn fn, void *ud)
{
	bool only_operands = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_operands || a[0] != '-' || strcmp(a, "-") == 0) {
			if (fn(0, a, ud) < 0)
				return -1;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = true;
			continue;
		}
		const vakt_opt *o;
		const char *value = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(h, name, len);
			if (!o)
				return vakt_usage_error(h->name, "unknown option '--%.*s'", (int)len, name);
			if (eq) {
				if (!o->value_name)
					return vakt_usage_error(h->name, "option '--%s' takes no value",
								o->long_name);
				value = eq + 1;
			}
		} else {
			o = find_short(h, a[1]);
			if (!o)
				return vakt_usage_error(h->name, "unknown option '-%c'", a[1]);
			if (a[2]) {
				if (!o->value_name)
					return vakt_usage_error(h->name, "option '-%c' takes no value", a[1]);
				value = a + 2;
			}
		}
		if (o == &help_opt) {
			vakt_opts_help(h, stdout);
			return 1;
		}
		if (o->value_name && !value) {
			if (i + 1 >= argc)
				return vakt_usage_error(h->name, "option '--%s' needs a value (%s)",
							o->long_name, o->value_name);
			value = argv[++i];
		}
		if (fn(o->id, value, ud) < 0)
			return -1;
	}
	return 0;
}

void vakt_opts_help(const vakt_cmd_help *h, FILE *out)
{
	fprintf(out, "Usage: vakt %s %s\n\n%s\n", h->name, h->usage, h->summary);
	if (h->details)
		fprintf(out, "\n%s\n", h->details);
	fprintf(out, "\nOptions:\n");
	const vakt_opt *all[64];
	size_t n = 0;
	for (const vakt_opt *o = h->opts; o && o->id && n < 63; o++)
		all[n++] = o;
	all[n++] = &help_opt;
	for (size_t i = 0; i < n; i++) {
		const vakt_opt *o = all[i];
		/* "  -f, --format FORMAT" or "      --pss LEVEL", help from column 30 */
		char left[80];
		char shortpart[8] = "    ";
		if (o->short_name)
			snprintf(shortpart, sizeof(shortpart), "-%c, ", o->short_name);
		int w = snprintf(left, sizeof(left), "  %s--%s%s%s", shortpart, o->long_name,
				 o->value_name ? " " : "", o->value_name ? o->value_name : "");
		fputs(left, out);
		if (w > 28)
			fprintf(out, "\n%30s", "");
		else
			fprintf(out, "%*s", 30 - w, "");
		/* the help text may span lines: indent continuation lines */
		for (const char *p = o->help; *p; p++) {
			fputc(*p, out);
			if (*p == '\n')
				fprintf(out, "%30s", "");
		}
		fputc('\n', out);
	}
}

int vakt_opt_severities(const char *cmd, const char *v, bool sev[VAKT_SEV_COUNT])
{
	char *copy = strdup(v), *save = NULL;
	int rc = 0;
	if (!copy)
		return vakt_usage_error(cmd, "--severity: out of memory");
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		vakt_severity s;
		if (!vakt_severity_parse(t, &s)) {
			rc = vakt_usage_error(cmd, "--severity: unknown severity '%s'", t);
			break;
		}
		sev[s] = true;
	}
	free(copy);
	return rc;
}

int vakt_opt_exit_code(const char *cmd, const char *v, int *ret)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || end == v || n < 0 || n > 255)
		return vakt_usage_error(cmd, "--exit-code: expected 0..255, got '%s'", v);
	*ret = (int)n;
	return 0;
}

int vakt_opt_color(const char *cmd, const char *v, int *ret)
{
	if (strcmp(v, "auto") == 0)
		*ret = -1;
	else if (strcmp(v, "always") == 0)
		*ret = 1;
	else if (strcmp(v, "never") == 0)
		*ret = 0;
	else
		return vakt_usage_error(cmd, "--color: expected auto, always or never");
	return 0;
}
