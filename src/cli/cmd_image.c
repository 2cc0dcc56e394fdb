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
#include "core/config.h"
#include "vuln/db.h"
#include "vuln/ignore.h"
#include "vuln/match.h"
#include "vuln/update.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	O_FORMAT = 1, O_OUTPUT, O_LIST_PACKAGES, O_PLATFORM, O_VERIFY, O_MAX_UNCOMPRESSED,
	O_FAIL_ON, O_SEVERITY, O_EXIT_CODE, O_COLOR, O_VERBOSE, O_QUIET, O_SCANNERS, O_DB,
	O_IGNORE_UNFIXED, O_DB_MAX_AGE, O_IGNOREFILE,
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
	{O_SCANNERS, 0, "scanners", "LIST",
	 "vuln, config (misconfig): what to look for (default both;\nvuln only when a database exists)"},
	{O_DB, 0, "db", "PATH", "the vulnerability database (default\n$XDG_CACHE_HOME/vakt/vuln.db)"},
	{O_IGNORE_UNFIXED, 0, "ignore-unfixed", NULL, "leave out vulnerabilities without a fixed version"},
	{O_DB_MAX_AGE, 0, "db-max-age", "DAYS",
	 "warn when the database is older (default: db.max-age\nof .vakt.yaml, else 7)"},
	{O_IGNOREFILE, 0, "ignorefile", "FILE",
	 "vulnerabilities to leave out: ID [pkg:NAME] [exp:DATE] [# reason]\n(default ./.vaktignore and ./.trivyignore)"},
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
	.summary = "Read a container image offline: OS, packages, vulnerabilities, config, SBOM.",
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
		"With a vulnerability database (vakt db import, vakt db update), the OS\n"
		"packages are matched against it; without one, that scan is skipped with a\n"
		"note, unless --scanners vuln asks for it. Ignores: .vaktignore, .trivyignore,\n"
		"and vulnerabilities.ignore in .vakt.yaml.\n"
		"\n"
		"Exit status: 0 no finding at or above --fail-on (after --severity,\n"
		"--ignore-unfixed and ignores), 1 findings (or --exit-code N), 2 usage error,\n"
		"3 the image or the database could not be read.",
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
	bool scan_vuln, scan_config, scanners_given;
	const char *db;
	bool ignore_unfixed;
	double db_max_age; /* days */
	const char *ignorefile;
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
	case O_SEVERITY:
		a->severity_filter = true;
		return vakt_opt_severities("image", v, a->severities);
	case O_EXIT_CODE:
		return vakt_opt_exit_code("image", v, &a->exit_code);
	case O_COLOR:
		return vakt_opt_color("image", v, &a->color);
	case O_SCANNERS: {
		a->scanners_given = true;
		a->scan_vuln = a->scan_config = false;
		char *copy = strdup(v), *save = NULL;
		int rc = 0;
		for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			if (strcmp(t, "vuln") == 0)
				a->scan_vuln = true;
			else if (strcmp(t, "config") == 0 || strcmp(t, "misconfig") == 0)
				a->scan_config = true;
			else {
				rc = vakt_usage_error("image", "--scanners: unknown scanner '%s' (vuln, config)", t);
				break;
			}
		}
		free(copy);
		return rc;
	}
	case O_DB:
		a->db = v;
		return 0;
	case O_IGNORE_UNFIXED:
		a->ignore_unfixed = true;
		return 0;
	case O_IGNOREFILE:
		a->ignorefile = v;
		return 0;
	case O_DB_MAX_AGE: {
		char *end;
		double d = strtod(v, &end);
		if (*end || end == v || !(d >= 0) || d > 36500)
			return vakt_usage_error("image", "--db-max-age: expected a number of days, got '%s'", v);
		a->db_max_age = d;
		return 0;
	}
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

/* ---- vulnerabilities ------------------------------------------------------------------------- */

typedef struct vuln_state {
	bool ran;          /* matched against a database */
	vakt_vfindings f;
	bool *keep;        /* per finding: passes --severity, --ignore-unfixed and the ignores */
	size_t kept;
	unsigned by_sev[VAKT_SEV_COUNT];
	unsigned ignored;
} vuln_state;

static void on_expired(const vakt_vignore_entry *e, void *ud)
{
	const image_args *a = ud;
	char day[16];
	time_t t = e->expires;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (!a->quiet)
		fprintf(stderr, "vakt: warning: %s:%u: the ignore entry for %s expired on %s: reported again\n", e->file,
			e->line, e->id, day);
}

/* The ignores: --ignorefile, else ./.vaktignore and ./.trivyignore; and .vakt.yaml. */
static int load_ignores(const image_args *a, vakt_vignore *ig)
{
	vakt_error *e = NULL;
	int r = 0;
	if (a->ignorefile) {
		r = vakt_vignore_load_file(ig, a->ignorefile, strstr(a->ignorefile, "trivyignore") != NULL, &e);
	} else {
		r = vakt_vignore_load_file(ig, ".vaktignore", false, &e);
		if (r == VAKT_E_NOTFOUND)
			e = vakt_error_free(e), r = vakt_vignore_load_file(ig, ".trivyignore", true, &e);
		if (r == VAKT_E_NOTFOUND)
			e = vakt_error_free(e), r = 0;
	}
	char *cfgpath = r >= 0 ? vakt_config_find(".") : NULL;
	if (cfgpath) {
		vakt_config *c = NULL;
		r = vakt_config_load(cfgpath, &c, &e);
		if (r >= 0)
			r = vakt_vignore_load_config(ig, c, &e);
		vakt_config_free(c);
		free(cfgpath);
	}
	if (r < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return r == VAKT_E_USAGE || r == VAKT_E_PARSE ? VAKT_EXIT_USAGE : VAKT_EXIT_INPUT;
	}
	return 0;
}

/* Open the database and match; returns an exit code (0 when all went well or the scan
 * was skipped with a note). */
static int run_vulns(image_args *a, const vakt_image *img, vuln_state *vs)
{
	char *def = a->db ? NULL : vakt_vdb_default_path();
	const char *path = a->db ? a->db : def;
	vakt_vdb *db = NULL;
	vakt_error *e = NULL;
	int rc = 0;
	if (!path || vakt_vdb_open(path, &db, &e) < 0) {
		bool missing = !path || e->code == VAKT_E_NOTFOUND;
		if (!a->scanners_given && missing) {
			/* the default: scan what can be scanned, and say what was not */
			if (!a->quiet)
				fprintf(stderr, "vakt: no vulnerability database%s%s: vulnerability scan skipped "
						"(vakt db import PATH... creates one)\n",
					a->db ? " at " : "", a->db ? a->db : "");
		} else {
			if (e)
				cli_print_error(e);
			else
				fprintf(stderr, "vakt: error: no --db PATH, and neither XDG_CACHE_HOME nor HOME is set\n");
			rc = VAKT_EXIT_INPUT;
		}
		vakt_error_free(e);
		free(def);
		return rc;
	}
	time_t up = vakt_vdb_updated(db);
	double age = up ? difftime(time(NULL), up) / 86400.0 : 0;
	double max_age = a->db_max_age;
	if (max_age < 0) {
		/* not given: db.max-age in .vakt.yaml, else a week */
		vakt_vdb_config cfg;
		max_age = 7;
		if (vakt_vdb_config_read(NULL, ".", &cfg, &e) == 0) {
			if (cfg.max_age > 0)
				max_age = cfg.max_age;
			vakt_vdb_config_release(&cfg);
		} else {
			cli_print_error(e);
			e = vakt_error_free(e);
			rc = VAKT_EXIT_USAGE;
		}
	}
	if (rc) {
		vakt_vdb_close(db);
		free(def);
		return rc;
	}
	if (!a->quiet && age > max_age)
		fprintf(stderr, "vakt: warning: the vulnerability database %s is %.0f days old (vakt db update)\n", path,
			age);
	vakt_vfindings_init(&vs->f);
	if (vakt_vuln_match(db, img, &vs->f, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		rc = VAKT_EXIT_INPUT;
	} else {
		vs->ran = true;
		if (!vs->f.ecosystem && !a->quiet)
			fprintf(stderr, "vakt: warning: vulnerability data is not matched for OS %s %s: no ecosystem for it\n",
				img->os.id ? img->os.id : "(unknown)", img->os.version ? img->os.version : "");
		vs->keep = calloc(vs->f.n ? vs->f.n : 1, sizeof(*vs->keep));
		if (!vs->keep)
			abort();
		vakt_vignore ig;
		vakt_vignore_init(&ig);
		rc = load_ignores(a, &ig);
		time_t now = time(NULL);
		for (size_t i = 0; rc == 0 && i < vs->f.n; i++) {
			const vakt_vfinding *f = &vs->f.items[i];
			if ((a->ignore_unfixed && !f->fixed) || (a->severity_filter && !a->severities[f->severity]))
				continue;
			if (vakt_vignore_match(&ig, f, now, on_expired, a)) {
				vs->ignored++;
				continue;
			}
			vs->keep[i] = true;
			vs->kept++;
			vs->by_sev[f->severity]++;
		}
		vakt_vignore_free(&ig);
	}
	vakt_vdb_close(db);
	free(def);
	return rc;
}

static void vuln_state_free(vuln_state *vs)
{
	if (vs->ran)
		vakt_vfindings_free(&vs->f);
	free(vs->keep);
}

/* Up to max display columns of s, with "..." when cut (UTF-8 aware enough: cuts at a
 * character boundary). */
static void put_cut(FILE *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		fputs(s, out);
		return;
	}
	size_t k = max - 3;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	fprintf(out, "%.*s...", (int)k, s);
}

/* The table; after a blank line when config findings were printed above it. */
static void print_vulns(FILE *out, bool after_findings, const vuln_state *vs)
{
	fprintf(out, "%sVulnerabilities (%s, %zu packages): %zu", after_findings ? "\n" : "", vs->f.ecosystem ? vs->f.ecosystem : "no ecosystem",
		vs->f.packages, vs->kept);
	const char *sep = " (";
	for (int s = VAKT_SEV_COUNT - 1; s >= 0; s--)
		if (vs->by_sev[s]) {
			fprintf(out, "%s%s %u", sep, vakt_severity_name((vakt_severity)s), vs->by_sev[s]);
			sep = ", ";
		}
	fputs(*sep == ',' ? ")\n" : "\n", out);
	if (!vs->kept)
		return;
	size_t w[5] = {7, 13, 8, 9, 5};
	for (size_t i = 0; i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		size_t l[5] = {strlen(f->pkg->name), strlen(f->id), strlen(vakt_severity_name(f->severity)),
			       strlen(f->installed), strlen(f->fixed ? f->fixed : "(no fix)")};
		for (int k = 0; k < 5; k++)
			if (l[k] > w[k])
				w[k] = l[k];
	}
	fprintf(out, "\n%-*s  %-*s  %-*s  %-*s  %-*s  LAYER  TITLE\n", (int)w[0], "PACKAGE", (int)w[1],
		"VULNERABILITY", (int)w[2], "SEVERITY", (int)w[3], "INSTALLED", (int)w[4], "FIXED");
	for (size_t i = 0; i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s  ", (int)w[0], f->pkg->name, (int)w[1], f->id, (int)w[2],
			vakt_severity_name(f->severity), (int)w[3], f->installed, (int)w[4],
			f->fixed ? f->fixed : "(no fix)");
		if (f->pkg->layer >= 0)
			fprintf(out, "%-5d  ", f->pkg->layer + 1);
		else
			fputs("-      ", out);
		put_cut(out, f->title ? f->title : "", 60);
		fputc('\n', out);
	}
}

static void json_vulns(jsonw *w, const vakt_image *img, const vuln_state *vs)
{
	jsonw_key(w, "vulnerabilities");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "id", f->id);
		jsonw_key(w, "aliases");
		jsonw_arr_begin(w);
		for (size_t k = 0; k < f->naliases; k++)
			jsonw_str(w, f->aliases[k]);
		jsonw_arr_end(w);
		jsonw_kv_str(w, "package", f->pkg->name);
		jsonw_kv_str(w, "package_version", f->pkg->version);
		jsonw_kv_str(w, "source_package", f->pkg->src_name);
		jsonw_kv_str(w, "installed_version", f->installed);
		if (f->fixed)
			jsonw_kv_str(w, "fixed_version", f->fixed);
		else {
			jsonw_key(w, "fixed_version");
			jsonw_null(w);
		}
		jsonw_kv_str(w, "status", f->status);
		jsonw_kv_str(w, "severity", vakt_severity_name(f->severity));
		jsonw_kv_str(w, "severity_source", f->severity_source);
		if (f->cvss >= 0) {
			jsonw_key(w, "cvss");
			jsonw_obj_begin(w);
			jsonw_key(w, "score");
			jsonw_num1(w, f->cvss);
			jsonw_kv_str_opt(w, "vector", f->cvss_vector);
			jsonw_obj_end(w);
		}
		jsonw_kv_str_opt(w, "title", f->title);
		if (f->pkg->layer >= 0) {
			jsonw_kv_int(w, "layer", f->pkg->layer + 1);
			jsonw_kv_str_opt(w, "layer_diff_id", img->layers[f->pkg->layer].diff_id);
		}
		jsonw_kv_str(w, "ecosystem", f->ecosystem);
		jsonw_kv_str(w, "data_source", f->source);
		jsonw_key(w, "links");
		jsonw_arr_begin(w);
		for (size_t k = 0; k < f->nlinks; k++)
			jsonw_str(w, f->links[k]);
		jsonw_arr_end(w);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

static const char *cdx_method(const char *vector)
{
	if (!vector)
		return "other";
	if (strncmp(vector, "CVSS:3.1/", 9) == 0)
		return "CVSSv31";
	if (strncmp(vector, "CVSS:3.0/", 9) == 0)
		return "CVSSv3";
	if (strncmp(vector, "CVSS:4.0/", 9) == 0)
		return "CVSSv4";
	return "CVSSv2";
}

/* CycloneDX 1.6 "vulnerabilities": one per finding, affecting its package's component. */
static void cdx_vulns(jsonw *w, vakt_sbom_ref_fn ref, void *doc, void *ud)
{
	const vuln_state *vs = ud;
	if (!vs->ran)
		return;
	jsonw_key(w, "vulnerabilities");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		char bref[64], sev[16];
		snprintf(bref, sizeof(bref), "vakt:vuln:%zu", i + 1);
		snprintf(sev, sizeof(sev), "%s", vakt_severity_name(f->severity));
		for (char *p = sev; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "bom-ref", bref);
		jsonw_kv_str(w, "id", f->id);
		jsonw_key(w, "source");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "name", f->source);
		jsonw_obj_end(w);
		if (f->naliases) {
			jsonw_key(w, "references");
			jsonw_arr_begin(w);
			for (size_t k = 0; k < f->naliases; k++) {
				jsonw_obj_begin(w);
				jsonw_kv_str(w, "id", f->aliases[k]);
				jsonw_key(w, "source");
				jsonw_obj_begin(w);
				jsonw_kv_str(w, "name", f->source);
				jsonw_obj_end(w);
				jsonw_obj_end(w);
			}
			jsonw_arr_end(w);
		}
		jsonw_key(w, "ratings");
		jsonw_arr_begin(w);
		jsonw_obj_begin(w);
		jsonw_key(w, "source");
		jsonw_obj_begin(w);
		jsonw_kv_str(w, "name", f->severity_source);
		jsonw_obj_end(w);
		if (f->cvss >= 0) {
			jsonw_key(w, "score");
			jsonw_num1(w, f->cvss);
		}
		jsonw_kv_str(w, "severity", strcmp(sev, "info") == 0 ? "info" : sev);
		jsonw_kv_str(w, "method", f->cvss >= 0 ? cdx_method(f->cvss_vector) : "other");
		jsonw_kv_str_opt(w, "vector", f->cvss_vector);
		jsonw_obj_end(w);
		jsonw_arr_end(w);
		jsonw_kv_str_opt(w, "description", f->title);
		if (f->fixed) {
			char rec[1024];
			snprintf(rec, sizeof(rec), "Upgrade %s to %s", f->pkg->name, f->fixed);
			jsonw_kv_str(w, "recommendation", rec);
		}
		if (f->nlinks) {
			jsonw_key(w, "advisories");
			jsonw_arr_begin(w);
			for (size_t k = 0; k < f->nlinks; k++) {
				jsonw_obj_begin(w);
				jsonw_kv_str(w, "url", f->links[k]);
				jsonw_obj_end(w);
			}
			jsonw_arr_end(w);
		}
		const char *r = ref(f->pkg, doc);
		jsonw_key(w, "affects");
		jsonw_arr_begin(w);
		if (r) {
			jsonw_obj_begin(w);
			jsonw_kv_str(w, "ref", r);
			jsonw_key(w, "versions");
			jsonw_arr_begin(w);
			jsonw_obj_begin(w);
			jsonw_kv_str(w, "version", f->pkg->version);
			jsonw_kv_str(w, "status", "affected");
			jsonw_obj_end(w);
			if (f->fixed) {
				jsonw_obj_begin(w);
				jsonw_kv_str(w, "version", f->fixed);
				jsonw_kv_str(w, "status", "unaffected");
				jsonw_obj_end(w);
			}
			jsonw_arr_end(w);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

/* SARIF and JUnit report vulnerabilities as results of rules made for the run: one rule
 * per vulnerability ID (title, severity, aliases), one result per affected package. */
typedef struct vuln_rules {
	vakt_rule *rules;
	const vakt_rule **ptrs; /* the image rules, then these */
	size_t n, nptrs;
	vakt_arena arena;
} vuln_rules;

static void vuln_rules_build(vuln_rules *vr, const vuln_state *vs)
{
	memset(vr, 0, sizeof(*vr));
	vakt_arena_init(&vr->arena, 0);
	size_t cap = vs->ran ? vs->kept : 0;
	vr->rules = vakt_arena_calloc(&vr->arena, cap ? cap : 1, sizeof(*vr->rules));
	vr->ptrs = vakt_arena_calloc(&vr->arena, R__COUNT + cap, sizeof(*vr->ptrs));
	for (size_t i = 0; i < R__COUNT; i++)
		vr->ptrs[vr->nptrs++] = vakt_rule_ptrs[i];
	for (size_t i = 0; vs->ran && i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		bool dup = false;
		for (size_t k = 0; k < vr->n && !dup; k++)
			dup = strcmp(vr->rules[k].id, f->id) == 0;
		if (dup)
			continue;
		vakt_rule *r = &vr->rules[vr->n++];
		r->id = f->id;
		r->severity = f->severity;
		r->severity_run = VAKT_SEV_COUNT;
		r->target = "vulnerability";
		r->title = f->title ? f->title : f->id;
		r->rationale = vakt_arena_printf(&vr->arena, "%s affects %s packages (%s; severity from %s).", f->id,
						 f->ecosystem, f->source, f->severity_source);
		r->fix = "Upgrade the package to the fixed version, or rebuild the image on an updated base.";
		const char **al = vakt_arena_calloc(&vr->arena, f->naliases + 1, sizeof(*al));
		for (size_t k = 0; k < f->naliases; k++)
			al[k] = f->aliases[k];
		r->aliases = al;
		vr->ptrs[vr->nptrs++] = r;
	}
}

static void vuln_report(vakt_report *rep, const vakt_image *img, const vuln_state *vs, const vuln_rules *vr)
{
	for (size_t i = 0; vs->ran && i < vs->f.n; i++) {
		if (!vs->keep[i])
			continue;
		const vakt_vfinding *f = &vs->f.items[i];
		const vakt_rule *rule = NULL;
		for (size_t k = 0; k < vr->n && !rule; k++)
			if (strcmp(vr->rules[k].id, f->id) == 0)
				rule = &vr->rules[k];
		char msg[2048];
		snprintf(msg, sizeof(msg), "%s %s (source %s %s) is affected by %s: %s", f->pkg->name, f->pkg->version,
			 f->pkg->src_name, f->installed, f->id, f->fixed ? "fixed in " : "no fix yet");
		if (f->fixed)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s", f->fixed);
		vakt_finding fd = {.rule = rule, .severity = f->severity, .message = msg, .file = img->ref,
				   .kind = "package", .name = f->pkg->name};
		vakt_report_finding(rep, &fd);
	}
}

typedef struct json_ctx {
	const vakt_image *img;
	bool packages;
	const vuln_state *vs;
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
	if (jc->vs->ran && jc->vs->f.ecosystem)
		jsonw_kv_str(w, "ecosystem", jc->vs->f.ecosystem);
	jsonw_obj_end(w);
	if (jc->vs->ran)
		json_vulns(w, img, jc->vs);
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
	image_args a = {.color = -1, .fail_on = VAKT_SEV_LOW, .exit_code = VAKT_EXIT_FINDINGS,
			.scan_vuln = true, .scan_config = true, .db_max_age = -1};
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
		/* with the vulnerabilities when a database was given or asked for explicitly: a
		 * plain SBOM stays the same whatever the machine's cache holds */
		vuln_state vs = {0};
		if (a.scan_vuln && (a.db || a.scanners_given))
			exit_code = run_vulns(&a, img, &vs);
		if (exit_code == VAKT_EXIT_OK) {
			vakt_sbom_cyclonedx_with(out, img, cdx_vulns, &vs);
			/* the gate applies to the vulnerabilities written, as for the report */
			bool unknown_fails = a.severity_filter && a.severities[VAKT_SEV_UNKNOWN];
			for (int s = a.fail_on; vs.ran && s < VAKT_SEV_COUNT && exit_code == VAKT_EXIT_OK; s++)
				if ((s != VAKT_SEV_UNKNOWN || unknown_fails) && vs.by_sev[s])
					exit_code = a.exit_code;
		}
		vuln_state_free(&vs);
	} else if (a.out == OUT_SPDX) {
		vakt_sbom_spdx(out, img);
	} else {
		vuln_state vs = {0};
		if (a.scan_vuln)
			exit_code = run_vulns(&a, img, &vs);
		if (exit_code != VAKT_EXIT_OK) {
			/* asked for a vulnerability scan that could not run: no partial report */
			vuln_state_free(&vs);
			vakt_image_free(img);
			if (out != stdout)
				fclose(out);
			return exit_code;
		}
		json_ctx jc = {img, a.list_packages, &vs};
		bool vuln_results = a.format == VAKT_FORMAT_SARIF || a.format == VAKT_FORMAT_JUNIT;
		vuln_rules vr;
		vuln_rules_build(&vr, vuln_results ? &vs : &(vuln_state){0});
		vakt_report_info info = {
			.command = "image",
			.rules = vr.ptrs,
			.nrules = vr.nptrs,
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
		if (a.scan_config)
			vakt_image_check(img, on_finding, &ec);
		if (vuln_results)
			vuln_report(rep, img, &vs, &vr);
		vakt_report_file_end(rep, img->ref);
		if (vs.ran && a.format == VAKT_FORMAT_TEXT)
			print_vulns(out, sum.findings > 0, &vs);
		for (int s = 0; vs.ran && s < VAKT_SEV_COUNT; s++) {
			sum.findings += vs.by_sev[s];
			sum.by_severity[s] += vs.by_sev[s];
		}
		sum.suppressed += vs.ignored;
		/* UNKNOWN (a vulnerability nobody scored) fails a run only when asked for */
		bool unknown_fails = a.severity_filter && a.severities[VAKT_SEV_UNKNOWN];
		for (int s = a.fail_on; s < VAKT_SEV_COUNT && exit_code == VAKT_EXIT_OK; s++)
			if ((s != VAKT_SEV_UNKNOWN || unknown_fails) && sum.by_severity[s])
				exit_code = a.exit_code;
		sum.exit_code = exit_code;
		vakt_report_end(rep, &sum);
		vakt_report_free(rep);
		if (a.format == VAKT_FORMAT_TEXT && a.list_packages)
			print_packages(out, img);
		vuln_state_free(&vs);
		vakt_arena_destroy(&vr.arena);
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
