/* cmd_image.c - `vakt image`: option parsing and output; the work is in src/image. */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/report.h"
#include "core/utf8.h"
#include "image/image.h"
#include "image/imgrules.h"
#include "image/sbom.h"
#include "lint/lint.h"
#include "lint/rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	O_FORMAT = 1, O_OUTPUT, O_LIST_PACKAGES, O_PLATFORM, O_VERIFY, O_MAX_UNCOMPRESSED,
	O_FAIL_ON, O_SEVERITY, O_EXIT_CODE, O_COLOR, O_VERBOSE, O_QUIET,
};

static const vakt_opt image_opts[] = {
	{O_FORMAT, 'f', "format", "FORMAT",
	 "output: text (default), json, sarif, junit, or an SBOM:\ncyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON)"},
	{O_OUTPUT, 'o', "output", "FILE", "write the report to FILE instead of stdout"},
	{O_LIST_PACKAGES, 0, "list-packages", NULL, "text and JSON: list every package found"},
	{O_PLATFORM, 0, "platform", "OS/ARCH[/VARIANT]",
	 "the image to read from a multi-platform index\n(default linux/amd64)"},
	{O_VERIFY, 0, "verify-digests", NULL,
	 "check every blob against its digest (reads every byte)"},
	{O_MAX_UNCOMPRESSED, 0, "max-uncompressed", "SIZE",
	 "stop after SIZE decompressed bytes (default 32G): a\nlimit for gzip and zstd bombs"},
	{O_FAIL_ON, 0, "fail-on", "SEVERITY", "exit 1 for findings at or above SEVERITY (default LOW)"},
	{O_SEVERITY, 0, "severity", "LIST", "report only these severities, e.g. HIGH,CRITICAL"},
	{O_EXIT_CODE, 0, "exit-code", "N", "exit code when findings remain (default 1)"},
	{O_COLOR, 0, "color", "WHEN", "auto (default), always or never"},
	{O_VERBOSE, 'v', "verbose", NULL, "text: print the fix under each finding"},
	{O_QUIET, 'q', "quiet", NULL, "do not print warnings or progress"},
	{0},
};

const vakt_cmd_help cmd_image_help = {
	.name = "image",
	.usage = "[OPTIONS] IMAGE",
	.summary = "Read a container image offline: OS, packages, SBOM, config findings.",
	.details =
		"IMAGE is a docker-archive (docker save, skopeo copy docker-archive:), an OCI\n"
		"image layout directory, an OCI archive (a tar of a layout), a root filesystem\n"
		"directory, or - for a docker-archive or OCI archive on stdin\n"
		"(docker save app | vakt image -). PATH:TAG (-:TAG) picks one image of\n"
		"several (the docker-archive tag, or the OCI org.opencontainers.image.ref.name);\n"
		"skopeo's oci:, oci-archive: and docker-archive: prefixes are accepted.\n"
		"The image is never unpacked: layers are streamed once and only the files\n"
		"that matter are read.\n"
		"\n"
		"Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage error,\n"
		"3 the image could not be read.",
	.opts = image_opts,
};

typedef enum out_kind { OUT_REPORT, OUT_CYCLONEDX, OUT_SPDX } out_kind;

typedef struct image_args {
	vakt_image_options opt;
	const char *image;
	vakt_format format;
	out_kind out;
	const char *output;
	bool list_packages;
	vakt_severity fail_on;
	bool severity_filter;
	bool severities[VAKT_SEV_COUNT];
	int exit_code;
	int color; /* -1 auto */
	bool verbose, quiet;
	bool progress_shown;
} image_args;

static bool parse_size(const char *s, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10, end++; break;
	case 'M': case 'm': shift = 20, end++; break;
	case 'G': case 'g': shift = 30, end++; break;
	case 'T': case 't': shift = 40, end++; break;
	default: break;
	}
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return false;
	*ret = (uint64_t)v << shift;
	return true;
}

static int on_opt(int id, const char *v, void *ud)
{
	image_args *a = ud;
	switch (id) {
	case 0:
		if (a->image)
			return vakt_usage_error("image", "one IMAGE at a time (got '%s' and '%s')", a->image, v);
		a->image = v;
		return 0;
	case O_FORMAT:
		if (strcmp(v, "cyclonedx") == 0)
			a->out = OUT_CYCLONEDX;
		else if (strcmp(v, "spdx") == 0 || strcmp(v, "spdx-json") == 0)
			a->out = OUT_SPDX;
		else if (vakt_format_parse(v, &a->format))
			a->out = OUT_REPORT;
		else
			return vakt_usage_error("image", "unknown format '%s' (text, json, sarif, junit, "
						"cyclonedx, spdx)", v);
		return 0;
	case O_OUTPUT:
		a->output = v;
		return 0;
	case O_LIST_PACKAGES:
		a->list_packages = true;
		return 0;
	case O_PLATFORM:
		a->opt.platform = v;
		return 0;
	case O_VERIFY:
		a->opt.verify_digests = true;
		return 0;
	case O_MAX_UNCOMPRESSED:
		if (!parse_size(v, &a->opt.max_uncompressed))
			return vakt_usage_error("image", "--max-uncompressed: expected a size like 64G, got '%s'", v);
		return 0;
	case O_FAIL_ON:
		if (!vakt_severity_parse(v, &a->fail_on))
			return vakt_usage_error("image", "--fail-on: unknown severity '%s'", v);
		return 0;
	case O_SEVERITY: {
		a->severity_filter = true;
		char *copy = strdup(v), *save = NULL;
		int rc = 0;
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			vakt_severity s;
			if (!vakt_severity_parse(t, &s)) {
				rc = vakt_usage_error("image", "--severity: unknown severity '%s'", t);
				break;
			}
			a->severities[s] = true;
		}
		free(copy);
		return rc;
	}
	case O_EXIT_CODE: {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || end == v || n < 0 || n > 255)
			return vakt_usage_error("image", "--exit-code: expected 0..255, got '%s'", v);
		a->exit_code = (int)n;
		return 0;
	}
	case O_COLOR:
		if (strcmp(v, "auto") == 0)
			a->color = -1;
		else if (strcmp(v, "always") == 0)
			a->color = 1;
		else if (strcmp(v, "never") == 0)
			a->color = 0;
		else
			return vakt_usage_error("image", "--color: expected auto, always or never");
		return 0;
	case O_VERBOSE:
		a->verbose = true;
		return 0;
	case O_QUIET:
		a->quiet = true;
		return 0;
	default:
		return vakt_usage_error("image", "internal: unhandled option");
	}
}

/* "56.2 MiB", "1.4 KiB", "512 bytes" */
static const char *human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	if (n < 1024) {
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
		return buf;
	}
	double v = (double)n / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]))
		v /= 1024, u++;
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/* ---- diagnostics --------------------------------------------------------------------------- */

static void clear_progress(image_args *a)
{
	if (a->progress_shown) {
		fputs("\r\033[K", stderr);
		a->progress_shown = false;
	}
}

static void on_warning(const char *where, unsigned line, const char *msg, void *ud)
{
	image_args *a = ud;
	if (a->quiet)
		return;
	clear_progress(a);
	fputs("vakt: warning: ", stderr);
	if (where) {
		vakt_fputs_printable(stderr, where);
		if (line)
			fprintf(stderr, ":%u", line);
		fputs(": ", stderr);
	}
	vakt_fputs_printable(stderr, msg);
	fputc('\n', stderr);
}

/* "vakt: layer 2/3, 45.1 MiB of 120.0 MiB" redrawn in place on a terminal. */
static void on_progress(size_t layer, size_t nlayers, uint64_t bytes, uint64_t total, bool done,
			void *ud)
{
	image_args *a = ud;
	if (done) {
		clear_progress(a);
		return;
	}
	char b1[32], b2[32];
	if (nlayers)
		fprintf(stderr, "\r\033[Kvakt: layer %zu/%zu, %s", layer, nlayers, human_size(bytes, b1, sizeof(b1)));
	else /* stdin: the layers are not known until the archive has been read */
		fprintf(stderr, "\r\033[Kvakt: reading the archive, %s", human_size(bytes, b1, sizeof(b1)));
	if (total)
		fprintf(stderr, " of %s", human_size(total, b2, sizeof(b2)));
	fflush(stderr);
	a->progress_shown = true;
}

/* ---- output -------------------------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_summary(FILE *out, const vakt_image *img)
{
	const vakt_image_config *c = &img->config;
	char sz[32];
	uint64_t total = 0;
	for (size_t i = 0; i < img->nlayers; i++)
		total += img->layers[i].size;
	fprintf(out, "Image:    %s (%s", img->ref, img->format);
	if (img->name)
		fprintf(out, ", %s", img->name);
	fputs(")\n", out);
	if (img->digest)
		fprintf(out, "Digest:   %s\n", img->digest);
	if (c->os || c->architecture)
		fprintf(out, "Platform: %s/%s%s%s\n", or_dash(c->os), or_dash(c->architecture),
			c->variant ? "/" : "", c->variant ? c->variant : "");
	if (img->os.id) {
		fprintf(out, "OS:       %s %s", img->os.id, or_dash(img->os.version));
		if (img->os.pretty_name)
			fprintf(out, " (%s)", img->os.pretty_name);
		fputc('\n', out);
	}
	if (strcmp(img->format, "rootfs") != 0) {
		fprintf(out, "Layers:   %zu, %s\n", img->nlayers, human_size(total, sz, sizeof(sz)));
		fprintf(out, "User:     %s\n", c->user && *c->user ? c->user : "(not set: root)");
	}
	size_t by_type[3] = {0};
	for (size_t i = 0; i < img->pkgs.n; i++)
		by_type[img->pkgs.items[i].type]++;
	fprintf(out, "Packages: %zu", img->pkgs.n);
	const char *sep = " (";
	for (int t = 0; t < 3; t++)
		if (by_type[t]) {
			fprintf(out, "%s%zu %s", sep, by_type[t], vakt_pkg_type_name((vakt_pkg_type)t));
			sep = ", ";
		}
	fputs(*sep == ',' ? ")\n\n" : "\n\n", out);
}

static void print_packages(FILE *out, const vakt_image *img)
{
	size_t w[4] = {4, 7, 4, 6};
	for (size_t i = 0; i < img->pkgs.n; i++) {
		const vakt_pkg *p = &img->pkgs.items[i];
		size_t l[4] = {strlen(p->name), strlen(p->version), strlen(or_dash(p->arch)),
			       strlen(p->src_name) + 1 + strlen(p->src_version)};
		for (int k = 0; k < 4; k++)
			if (l[k] > w[k])
				w[k] = l[k];
	}
	fprintf(out, "\n%-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0], "NAME", (int)w[1], "VERSION",
		(int)w[2], "ARCH", (int)w[3], "SOURCE", "LAYER");
	for (size_t i = 0; i < img->pkgs.n; i++) {
		const vakt_pkg *p = &img->pkgs.items[i];
		char src[1024];
		snprintf(src, sizeof(src), "%s %s", p->src_name, p->src_version);
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  ", (int)w[0], p->name, (int)w[1], p->version,
			(int)w[2], or_dash(p->arch), (int)w[3], src);
		if (p->layer >= 0)
			fprintf(out, "%d\n", p->layer + 1);
		else
			fputs("-\n", out);
	}
}

static void json_strs(jsonw *w, const char *key, const char *const *v)
{
	if (!v)
		return;
	jsonw_key(w, key);
	jsonw_arr_begin(w);
	for (; *v; v++)
		jsonw_str(w, *v);
	jsonw_arr_end(w);
}

typedef struct json_ctx {
	const vakt_image *img;
	bool packages;
} json_ctx;

/* The "image" member (and "packages" with --list-packages) of the JSON report. */
static void json_image(jsonw *w, void *ud)
{
	const json_ctx *jc = ud;
	const vakt_image *img = jc->img;
	const vakt_image_config *c = &img->config;
	jsonw_key(w, "image");
	jsonw_obj_begin(w);
	jsonw_kv_str(w, "ref", img->ref);
	jsonw_kv_str(w, "format", img->format);
	jsonw_kv_str_opt(w, "name", img->name);
	jsonw_kv_str_opt(w, "digest", img->digest);
	jsonw_kv_str_opt(w, "config_digest", img->config_digest);
	if (img->os.id) {
		jsonw_key(w, "os");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "id", img->os.id);
		jsonw_kv_str_opt(w, "version", img->os.version);
		jsonw_kv_str_opt(w, "version_id", img->os.version_id);
		jsonw_kv_str_opt(w, "codename", img->os.codename);
		jsonw_kv_str_opt(w, "pretty_name", img->os.pretty_name);
		jsonw_obj_end(w);
	}
	if (strcmp(img->format, "rootfs") != 0) {
		jsonw_key(w, "config");
		jsonw_obj_begin(w);
		jsonw_kv_str_opt(w, "os", c->os);
		jsonw_kv_str_opt(w, "architecture", c->architecture);
		jsonw_kv_str_opt(w, "variant", c->variant);
		jsonw_kv_str_opt(w, "created", c->created);
		if (c->user)
			jsonw_kv_str(w, "user", c->user);
		json_strs(w, "env", c->env);
		json_strs(w, "exposed_ports", c->exposed);
		json_strs(w, "entrypoint", c->entrypoint);
		json_strs(w, "cmd", c->cmd);
		jsonw_kv_str_opt(w, "workdir", c->workdir);
		jsonw_kv_bool(w, "healthcheck", c->has_healthcheck);
		jsonw_obj_end(w);
		jsonw_key(w, "layers");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < img->nlayers; i++) {
			const vakt_image_layer *L = &img->layers[i];
			jsonw_obj_begin(w);
			jsonw_kv_str_opt(w, "digest", L->digest);
			jsonw_kv_str_opt(w, "diff_id", L->diff_id);
			jsonw_kv_str_opt(w, "media_type", L->media_type);
			jsonw_kv_str_opt(w, "compression", L->compression);
			jsonw_kv_int(w, "size", (int64_t)L->size);
			jsonw_kv_str_opt(w, "created_by", L->created_by);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	jsonw_kv_int(w, "packages", (int64_t)img->pkgs.n);
	jsonw_obj_end(w);
	if (!jc->packages)
		return;
	jsonw_key(w, "packages");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < img->pkgs.n; i++) {
		const vakt_pkg *p = &img->pkgs.items[i];
		vakt_arena a;
		vakt_arena_init(&a, 0);
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "type", vakt_pkg_type_name(p->type));
		jsonw_kv_str(w, "name", p->name);
		jsonw_kv_str(w, "version", p->version);
		jsonw_kv_str_opt(w, "arch", p->arch);
		jsonw_kv_str(w, "source_name", p->src_name);
		jsonw_kv_str(w, "source_version", p->src_version);
		jsonw_kv_str_opt(w, "license", p->license);
		jsonw_kv_str_opt(w, "maintainer", p->maintainer);
		jsonw_kv_str(w, "purl", vakt_purl(p, &img->os, &a));
		jsonw_kv_str_opt(w, "db", p->db_path);
		if (p->layer >= 0) {
			jsonw_kv_int(w, "layer", p->layer + 1);
			const vakt_image_layer *L = &img->layers[p->layer];
			jsonw_kv_str_opt(w, "layer_diff_id", L->diff_id);
		}
		jsonw_obj_end(w);
		vakt_arena_destroy(&a);
	}
	jsonw_arr_end(w);
}

typedef struct emit_ctx {
	image_args *a;
	vakt_report *rep;
	vakt_summary *sum;
} emit_ctx;

static void on_finding(const vakt_finding *f, void *ud)
{
	emit_ctx *c = ud;
	if (c->a->severity_filter && !c->a->severities[f->severity])
		return;
	c->sum->findings++;
	c->sum->by_severity[f->severity]++;
	vakt_report_finding(c->rep, f);
}

int cmd_image(int argc, char **argv)
{
	image_args a = {.color = -1, .fail_on = VAKT_SEV_LOW, .exit_code = VAKT_EXIT_FINDINGS};
	int r = vakt_opts_parse(&cmd_image_help, argc, argv, on_opt, &a);
	if (r != 0)
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	if (!a.image) {
		vakt_usage_error("image", "no IMAGE: give a docker-archive, an OCI layout or archive, "
					  "a rootfs directory, or - for stdin");
		return VAKT_EXIT_USAGE;
	}
	FILE *out = stdout;
	if (a.output && !(out = fopen(a.output, "w"))) {
		fprintf(stderr, "vakt image: cannot write %s: %s\n", a.output, strerror(errno));
		return VAKT_EXIT_USAGE;
	}
	a.opt.on_warning = on_warning;
	if (!a.quiet && isatty(STDERR_FILENO))
		a.opt.on_progress = on_progress;
	a.opt.ud = &a;

	vakt_image *img = NULL;
	vakt_error *e = NULL;
	r = vakt_image_scan(a.image, &a.opt, &img, &e);
	clear_progress(&a);
	int exit_code = VAKT_EXIT_OK;
	if (r < 0) {
		cli_print_error(e);
		exit_code = r == VAKT_E_USAGE ? VAKT_EXIT_USAGE : VAKT_EXIT_INPUT;
		vakt_error_free(e);
	} else if (a.out == OUT_CYCLONEDX) {
		vakt_sbom_cyclonedx(out, img);
	} else if (a.out == OUT_SPDX) {
		vakt_sbom_spdx(out, img);
	} else {
		json_ctx jc = {img, a.list_packages};
		vakt_report_info info = {
			.command = "image",
			.rules = vakt_rule_ptrs,
			.nrules = R__COUNT,
			.color = a.color < 0 ? (a.format == VAKT_FORMAT_TEXT && cli_want_color(out)) : a.color,
			.verbose = a.verbose,
			.scope = "the image",
			.json_extra = json_image,
			.extra_ud = &jc,
		};
		if (a.format == VAKT_FORMAT_TEXT)
			print_summary(out, img);
		vakt_report *rep = vakt_report_new(a.format, out, &info);
		vakt_summary sum = {.files = 1, .objects = 1, .fail_on = a.fail_on};
		vakt_report_begin(rep);
		vakt_report_file_begin(rep, img->ref);
		emit_ctx ec = {&a, rep, &sum};
		vakt_image_check(img, on_finding, &ec);
		vakt_report_file_end(rep, img->ref);
		for (int s = a.fail_on; s < VAKT_SEV_COUNT; s++)
			if (s != VAKT_SEV_UNKNOWN && sum.by_severity[s])
				exit_code = a.exit_code;
		sum.exit_code = exit_code;
		vakt_report_end(rep, &sum);
		vakt_report_free(rep);
		if (a.format == VAKT_FORMAT_TEXT && a.list_packages)
			print_packages(out, img);
	}
	vakt_image_free(img);

	bool write_failed = fflush(out) != 0 || ferror(out);
	int write_errno = errno;
	if (out != stdout && fclose(out) != 0 && !write_failed)
		write_failed = true, write_errno = errno;
	if (write_failed) {
		fprintf(stderr, "vakt image: error writing the report to %s: %s\n",
			a.output ? a.output : "standard output", strerror(write_errno));
		exit_code = VAKT_EXIT_INPUT;
	}
	return exit_code;
}
