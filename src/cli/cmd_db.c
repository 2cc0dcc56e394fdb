/* cmd_db.c - `vakt db import|update|info`: the local vulnerability database. */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "lint/lint.h"
#include "vuln/db.h"
#include "vuln/import.h"
#include "vuln/vpipe.h"
#include "vuln/update.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { O_DB = 1, O_QUIET, O_FEED, O_CONFIG, O_TIMEOUT, O_RETRIES, O_MAX_SIZE, O_FORCE, O_CACERT };

static const vakt_opt db_opts[] = {
	{O_DB, 0, "db", "PATH", "the database (default $XDG_CACHE_HOME/vakt/vuln.db)"},
	{O_QUIET, 'q', "quiet", NULL, "do not print warnings about skipped records"},
	{O_FEED, 0, "feed", "URL", "update: download this feed (repeatable; replaces the configured\nand default feeds)"},
	{O_CONFIG, 0, "config", "FILE", "update: read db.feeds from FILE instead of the nearest .vakt.yaml"},
	{O_TIMEOUT, 0, "timeout", "SECONDS",
	 "update: give up on a server that takes longer to connect, or sends\nless than 1 KiB/s for this long (default 30)"},
	{O_RETRIES, 0, "retries", "N", "update: retries after a transient failure (default 3)"},
	{O_MAX_SIZE, 0, "max-size", "SIZE", "update: largest feed downloaded and imported, bytes or with K, M,\nG (default 512M)"},
	{O_FORCE, 0, "force", NULL, "update: download every feed, even those not modified"},
	{O_CACERT, 0, "cacert", "FILE",
	 "update: verify servers with the CA certificates in FILE (PEM)\ninstead of the system's"},
	{0},
};

const vakt_cmd_help cmd_db_help = {
	.name = "db",
	.usage = "import [OPTIONS] PATH... | update [OPTIONS] | info [OPTIONS]",
	.summary = "Build and inspect the local vulnerability database.",
	.details =
		"import reads vulnerability data into the database: OSV records (JSON or\n"
		"YAML files, directories of them, an OSV all.zip), the Debian security\n"
		"tracker JSON, Alpine secdb (JSON or YAML) and NVD CVE JSON 2.0 feeds (for\n"
		"CVSS scores). Each file's kind is recognised by its content. Records already\n"
		"in the database are replaced by newer imports of the same ID and source.\n"
		"The database is changed on a copy that replaces it only when the import\n"
		"succeeded: a failed import leaves the previous database in use.\n"
		"\n"
		"update downloads the feeds over HTTPS and imports them the same way: by\n"
		"default OSV's all.zip for Debian, Alpine, Ubuntu, AlmaLinux and Rocky Linux,\n"
		"the Debian security tracker and Alpine secdb for recent branches; or the\n"
		"URLs of --feed, or of db.feeds in .vakt.yaml (found from the current\n"
		"directory, or --config FILE):\n"
		"    db:\n"
		"      feeds: [https://..., ...]\n"
		"      max-age: 7          # days; vakt image warns when the database is older\n"
		"A feed that has not changed since the last update (the server answers 304 to\n"
		"its ETag or Last-Modified, kept in PATH.feeds.json) is not downloaded again.\n"
		"Only https:// is fetched (http:// only from 127.0.0.1 or localhost), with the\n"
		"certificate verified; redirects never lead from https to http. Any failed\n"
		"download or import leaves the previous database in use, unchanged.\n"
		"\n"
		"info prints the sources, record counts per source and ecosystem, and age.\n"
		"\n"
		"Exit status: 0 done, 2 usage error or a bad configuration, 3 a path, a feed\n"
		"or the database could not be read, downloaded or written (malformed records\n"
		"are skipped with a warning, not errors).",
	.opts = db_opts,
};

typedef struct db_args {
	const char *sub;
	const char *db;
	bool quiet;
	const char **paths;
	size_t npaths;
	/* update */
	const char **feeds;
	size_t nfeeds;
	const char *config;
	vakt_fetch_opts fetch;
	bool force;
	const char *update_opt; /* the first update-only option given, for its usage error */
} db_args;

/* "1024", "64K", "512M", "1G" (powers of 1024) into *ret; false when malformed or zero. */
static bool parse_size(const char *s, uint64_t *ret)
{
	char *end = NULL;
	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	unsigned shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end == 'i' && shift) /* KiB, MiB, GiB */
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return false;
	*ret = (uint64_t)v << shift;
	return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end = NULL;
	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*ret = v;
	return true;
}

static int on_opt(int id, const char *value, void *ud)
{
	db_args *a = ud;
	switch (id) {
	case O_DB:
		a->db = value;
		return 0;
	case O_QUIET:
		a->quiet = true;
		return 0;
	case O_FEED:
		a->update_opt = a->update_opt ? a->update_opt : "--feed";
		a->feeds = realloc(a->feeds, (a->nfeeds + 1) * sizeof(*a->feeds));
		if (!a->feeds)
			abort();
		a->feeds[a->nfeeds++] = value;
		return 0;
	case O_CONFIG:
		a->update_opt = a->update_opt ? a->update_opt : "--config";
		a->config = value;
		return 0;
	case O_TIMEOUT: {
		unsigned long v;
		a->update_opt = a->update_opt ? a->update_opt : "--timeout";
		if (!parse_uint(value, 86400, &v) || v == 0)
			return vakt_usage_error("db", "--timeout: expected a number of seconds (1 to 86400), got '%s'",
						value);
		a->fetch.timeout = (long)v;
		return 0;
	}
	case O_RETRIES: {
		unsigned long v;
		a->update_opt = a->update_opt ? a->update_opt : "--retries";
		if (!parse_uint(value, 20, &v))
			return vakt_usage_error("db", "--retries: expected a number from 0 to 20, got '%s'", value);
		a->fetch.retries = (unsigned)v;
		return 0;
	}
	case O_MAX_SIZE:
		a->update_opt = a->update_opt ? a->update_opt : "--max-size";
		if (!parse_size(value, &a->fetch.max_bytes))
			return vakt_usage_error("db", "--max-size: expected a size such as 512M or 1G, got '%s'", value);
		return 0;
	case O_CACERT:
		a->update_opt = a->update_opt ? a->update_opt : "--cacert";
		if (access(value, R_OK) < 0)
			return vakt_usage_error("db", "--cacert: cannot read '%s': %s", value, strerror(errno));
		a->fetch.ca_file = value;
		return 0;
	case O_FORCE:
		a->update_opt = a->update_opt ? a->update_opt : "--force";
		a->force = true;
		return 0;
	case 0:
		if (!a->sub) {
			a->sub = value;
			return 0;
		}
		a->paths = realloc(a->paths, (a->npaths + 1) * sizeof(*a->paths));
		if (!a->paths)
			abort();
		a->paths[a->npaths++] = value;
		return 0;
	default:
		return vakt_usage_error("db", "unexpected argument '%s'", value);
	}
}

typedef struct import_ctx {
	vakt_vdb_writer *w;
	bool quiet;
	size_t warnings;
} import_ctx;

static void on_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	import_ctx *c = ud;
	c->warnings++;
	if (c->quiet)
		return;
	if (line)
		fprintf(stderr, "vakt: warning: %s:%u: %s\n", file, line, msg);
	else
		fprintf(stderr, "vakt: warning: %s: %s\n", file, msg);
}

static int db_import(const db_args *a, const char *path)
{
	if (!a->npaths) {
		vakt_usage_error("db", "import: no PATH to import");
		return VAKT_EXIT_USAGE;
	}
	vakt_error *e = NULL;
	import_ctx c = {.quiet = a->quiet};
	if (vakt_vdb_writer_open(path, &c.w, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return VAKT_EXIT_INPUT;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t total = 0, skipped = 0;
	for (size_t i = 0; i < a->npaths; i++) {
		vakt_vimport im = {.warn = on_warn, .ud = &c};
		int r = vakt_vimport_path_into(&im, a->paths[i], c.w, &e);
		if (r >= 0)
			r = vakt_vdb_writer_source(c.w, "import", a->paths[i], im.records, im.skipped, &e);
		if (r < 0) {
			cli_print_error(e);
			vakt_error_free(e);
			vakt_vdb_writer_abort(c.w);
			fprintf(stderr, "vakt: the database at %s was not changed\n", path);
			return VAKT_EXIT_INPUT;
		}
		total += im.records;
		skipped += im.skipped;
	}
	if (vakt_vdb_writer_commit(c.w, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		fprintf(stderr, "vakt: the database at %s was not changed\n", path);
		return VAKT_EXIT_INPUT;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("vakt: imported %zu records from %zu path%s into %s in %.2f s (%.0f records/s)", total, a->npaths,
	       a->npaths == 1 ? "" : "s", path, secs, secs > 0 ? (double)total / secs : 0.0);
	if (skipped)
		printf("; %zu skipped (see the warnings)", skipped);
	putchar('\n');
	return VAKT_EXIT_OK;
}

static void on_info(const char *section, const char *key, const char *value, void *ud)
{
	const char **last = ud;
	if (!*last || strcmp(*last, section) != 0) {
		static const struct {
			const char *section, *title;
		} titles[] = {{"meta", "Database"}, {"source", "Sources"}, {"records", "Records"},
			      {"ecosystem", "Ecosystems"}};
		const char *t = section;
		for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
			if (strcmp(titles[i].section, section) == 0)
				t = titles[i].title;
		printf("%s%s:\n", *last ? "\n" : "", t);
		*last = section;
	}
	printf("  %-36s %s\n", key, value);
}

/* ---- update ---------------------------------------------------------------------------------- */

typedef struct update_ctx {
	bool quiet;
	size_t warnings;
} update_ctx;

static void on_update_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	update_ctx *c = ud;
	c->warnings++;
	if (c->quiet)
		return;
	/* the file is a URL, a path or a member of a downloaded archive: printable only */
	fputs("vakt: warning: ", stderr);
	if (file && *file) {
		vakt_fputs_printable(stderr, file);
		if (line)
			fprintf(stderr, ":%u", line);
		fputs(": ", stderr);
	}
	vakt_fputs_printable(stderr, msg);
	fputc('\n', stderr);
}

static void on_feed(const vakt_vupdate_feed *f, void *ud)
{
	(void)ud;
	char sz[32];
	fputs("vakt: ", stdout);
	vakt_fputs_printable(stdout, f->url);
	switch (f->state) {
	case VAKT_VUPDATE_DOWNLOADED:
		printf(": downloaded %s", vakt_size_str((size_t)f->bytes, sz, sizeof(sz)));
		if (!strstr(sz, "bytes"))
			printf(" (%" PRIu64 " bytes)", f->bytes);
		printf(" in %.1f s", f->seconds);
		if (f->attempts > 1)
			printf(", %u attempts", f->attempts);
		break;
	case VAKT_VUPDATE_NOT_MODIFIED:
		fputs(": not modified", stdout);
		break;
	case VAKT_VUPDATE_FAILED:
		fputs(": failed", stdout);
		break;
	case VAKT_VUPDATE_IMPORTED:
		printf(": imported %zu record%s", f->records, f->records == 1 ? "" : "s");
		if (f->skipped)
			printf(", %zu skipped (see the warnings)", f->skipped);
		break;
	default:
		break;
	}
	putchar('\n');
	fflush(stdout);
}

static int db_update(db_args *a, const char *path)
{
	if (a->npaths) {
		vakt_usage_error("db", "update takes no PATH (feeds are URLs: --feed URL)");
		return VAKT_EXIT_USAGE;
	}
	vakt_error *e = NULL;
	vakt_vdb_config cfg = {.max_age = -1};
	const char *const *feeds = a->feeds;
	size_t nfeeds = a->nfeeds;
	/* --feed replaces the configuration's feeds, but a broken configuration is still
	 * reported: a typo in it would otherwise only show on the next run without --feed */
	if (vakt_vdb_config_read(a->config, ".", &cfg, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return VAKT_EXIT_USAGE;
	}
	if (!nfeeds && cfg.nfeeds) {
		feeds = (const char *const *)cfg.feeds;
		nfeeds = cfg.nfeeds;
	} else if (!nfeeds) {
		feeds = vakt_vupdate_default_feeds(&nfeeds);
	}
	update_ctx c = {.quiet = a->quiet};
	vakt_vupdate_opts o = {
		.db = path,
		.feeds = feeds,
		.nfeeds = nfeeds,
		.fetch = a->fetch,
		.force = a->force,
		.on_feed = on_feed,
		.warn = on_update_warn,
		.ud = &c,
	};
	struct stat st;
	bool existed = stat(path, &st) == 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vakt_vupdate_stats s = {0};
	int r = vakt_vupdate(&o, &s, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vakt_vdb_config_release(&cfg);
	if (r < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		if (r == VAKT_E_USAGE)
			return VAKT_EXIT_USAGE; /* refused before anything was done */
		if (existed)
			fprintf(stderr, "vakt: the database at %s was not changed: the previous one stays in use\n", path);
		else
			fprintf(stderr, "vakt: no database was written at %s\n", path);
		return VAKT_EXIT_INPUT;
	}
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	char sz[32];
	if (!s.replaced) {
		printf("vakt: %s is up to date: %zu feed%s not modified (%.1f s)\n", path, s.not_modified,
		       s.not_modified == 1 ? "" : "s", secs);
		return VAKT_EXIT_OK;
	}
	printf("vakt: updated %s: %zu feed%s downloaded (%s), %zu not modified, %zu records imported", path,
	       s.downloaded, s.downloaded == 1 ? "" : "s", vakt_size_str((size_t)s.bytes, sz, sizeof(sz)),
	       s.not_modified, s.records);
	if (s.skipped)
		printf(" (%zu skipped)", s.skipped);
	printf(" in %.1f s\n", secs);
	return VAKT_EXIT_OK;
}

static int db_info(const char *path)
{
	vakt_vdb *db = NULL;
	vakt_error *e = NULL;
	if (vakt_vdb_open(path, &db, &e) < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return VAKT_EXIT_INPUT;
	}
	printf("Path: %s\n", path);
	time_t up = vakt_vdb_updated(db);
	if (up)
		printf("Age:  %.1f days\n", difftime(time(NULL), up) / 86400.0);
	const char *last = NULL;
	int r = vakt_vdb_info(db, on_info, &last, &e);
	vakt_vdb_close(db);
	if (r < 0) {
		cli_print_error(e);
		vakt_error_free(e);
		return VAKT_EXIT_INPUT;
	}
	return VAKT_EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	db_args a = {0};
	vakt_fetch_opts_default(&a.fetch);
	/* a feed the importer would refuse is not worth downloading */
	a.fetch.max_bytes = VAKT_VIMPORT_MAX_FILE;
	int r = vakt_opts_parse(&cmd_db_help, argc, argv, on_opt, &a);
	if (r != 0) {
		free(a.paths);
		free(a.feeds);
		return r > 0 ? VAKT_EXIT_OK : VAKT_EXIT_USAGE;
	}
	char *def = a.db ? NULL : vakt_vdb_default_path();
	const char *path = a.db ? a.db : def;
	int rc;
	if (!path) {
		vakt_usage_error("db", "no --db PATH, and neither XDG_CACHE_HOME nor HOME is set");
		rc = VAKT_EXIT_USAGE;
	} else if (a.update_opt && !(a.sub && strcmp(a.sub, "update") == 0)) {
		vakt_usage_error("db", "%s is an option of vakt db update", a.update_opt);
		rc = VAKT_EXIT_USAGE;
	} else if (a.sub && strcmp(a.sub, "update") == 0) {
		rc = db_update(&a, path);
	} else if (a.sub && strcmp(a.sub, "import") == 0) {
		rc = db_import(&a, path);
	} else if (a.sub && strcmp(a.sub, "info") == 0 && !a.npaths) {
		rc = db_info(path);
	} else {
		vakt_usage_error("db", a.sub ? "unknown subcommand '%s' (import, update, info)"
					     : "no subcommand: import, update or info",
				 a.sub);
		rc = VAKT_EXIT_USAGE;
	}
	free(def);
	free(a.paths);
	free(a.feeds);
	return rc;
}
