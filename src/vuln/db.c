/* db.c - see db.h. SQLite through prepared statements only: no SQL is ever built from
 * feed data. */
#include "vuln/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE sources(kind TEXT NOT NULL, location TEXT NOT NULL, imported_at TEXT NOT NULL,"
	"  records INTEGER NOT NULL, skipped INTEGER NOT NULL, PRIMARY KEY(kind, location));"
	"CREATE TABLE vulns(id TEXT NOT NULL, source TEXT NOT NULL, summary TEXT, published TEXT,"
	"  modified TEXT, withdrawn TEXT, aliases TEXT NOT NULL, refs TEXT NOT NULL,"
	"  severity TEXT NOT NULL, related TEXT NOT NULL, UNIQUE(id, source));"
	"CREATE TABLE affected(vuln INTEGER NOT NULL, ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
	"  ranges TEXT NOT NULL, versions TEXT NOT NULL, status TEXT, severity TEXT);"
	"CREATE INDEX affected_pkg ON affected(ecosystem, package);"
	"CREATE INDEX affected_vuln ON affected(vuln, ecosystem, package);"
	"CREATE TABLE scores(id TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL,"
	"  vector TEXT, base REAL);"
	"CREATE INDEX scores_id ON scores(id, source);";

static int db_error(vakt_error **err, sqlite3 *db, const char *what, const char *path)
{
	return vakt_error_set(err, VAKT_E_IO, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
}

char *vakt_vdb_default_path(void)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	if (cache && cache[0] == '/')
		return xasprintf("%s/vakt/vuln.db", cache);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.cache/vakt/vuln.db", home);
	return NULL;
}

static void now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* mkdir -p of path's directory (0700 for what vakt creates: a per-user cache). */
static int make_parent(const char *path, vakt_error **err)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				int e = errno;
				vakt_error_set(err, VAKT_E_IO, "%s: cannot create %s: %s", path, dir, strerror(e));
				free(dir);
				return VAKT_E_IO;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return 0;
}

/* ---- writing ------------------------------------------------------------------------------ */

struct vakt_vdb_writer {
	sqlite3 *db;
	char *path, *tmp;
	bool fresh;
	sqlite3_stmt *find, *del_aff, *upd_vuln, *ins_vuln, *ins_aff, *del_scores, *ins_score,
		*ins_source;
	vakt_error *err; /* the first failure of add (a sink cannot return one) */
	vakt_buf b1, b2, b3, b4; /* JSON columns, reused */
};

/* ---- the JSON columns, written directly (the import's hot path: no DOM per record) ---- */

/* A JSON string: escapes as JSON requires; invalid UTF-8 becomes U+FFFD, so every column
 * parses again at match time. */
static void js_str(vakt_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	vakt_buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	while (len) {
		unsigned char c = *p;
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = vakt_utf8_decode(p, len, &cp);
			if (n) {
				vakt_buf_append_fast(b, p, n);
			} else {
				vakt_buf_append_fast(b, "\\ufffd", 6);
				n = 1;
			}
			p += n, len -= n;
			continue;
		}
		if (c == '"' || c == '\\') {
			vakt_buf_putc(b, '\\');
			vakt_buf_putc(b, (char)c);
		} else if (c < 0x20) {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			vakt_buf_append_fast(b, esc, 6);
		} else {
			vakt_buf_putc(b, (char)c);
		}
		p++, len--;
	}
	vakt_buf_putc(b, '"');
}

static const char *str_array(vakt_buf *b, const char *const *v, size_t n)
{
	vakt_buf_reset(b);
	vakt_buf_putc(b, '[');
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			continue;
		if (!first)
			vakt_buf_putc(b, ',');
		js_str(b, v[i]);
		first = false;
	}
	vakt_buf_putc(b, ']');
	return vakt_buf_str(b);
}

/* One JSON array of two lists (OSV's upstream and related IDs). */
static const char *str_array2(vakt_buf *b, const char *const *v, size_t n, const char *const *u, size_t m)
{
	vakt_buf_reset(b);
	vakt_buf_putc(b, '[');
	bool first = true;
	for (size_t k = 0; k < 2; k++) {
		const char *const *a = k ? u : v;
		size_t an = k ? m : n;
		for (size_t i = 0; i < an; i++) {
			if (!a[i])
				continue;
			if (!first)
				vakt_buf_putc(b, ',');
			js_str(b, a[i]);
			first = false;
		}
	}
	vakt_buf_putc(b, ']');
	return vakt_buf_str(b);
}

static const char *event_name(vakt_vevent_kind k)
{
	switch (k) {
	case VAKT_EV_INTRODUCED:
		return "introduced";
	case VAKT_EV_FIXED:
		return "fixed";
	case VAKT_EV_LAST_AFFECTED:
		return "last_affected";
	case VAKT_EV_LIMIT:
		return "limit";
	default:
		return "?";
	}
}

static const char *range_name(vakt_vrange_type t)
{
	switch (t) {
	case VAKT_RANGE_ECOSYSTEM:
		return "ECOSYSTEM";
	case VAKT_RANGE_SEMVER:
		return "SEMVER";
	case VAKT_RANGE_GIT:
		return "GIT";
	default:
		return "?";
	}
}

/* [{"type":"ECOSYSTEM","events":[["introduced","0"],["fixed","1.2-3"]]}] */
static const char *ranges_json(vakt_buf *b, const vakt_vaffected *a)
{
	vakt_buf_reset(b);
	vakt_buf_putc(b, '[');
	for (size_t i = 0; i < a->nranges; i++) {
		const vakt_vrange *r = &a->ranges[i];
		vakt_buf_printf(b, "%s{\"type\":\"%s\",\"events\":[", i ? "," : "", range_name(r->type));
		bool first = true;
		for (size_t k = 0; k < r->nevents; k++) {
			if (!r->events[k].version)
				continue;
			vakt_buf_printf(b, "%s[\"%s\",", first ? "" : ",", event_name(r->events[k].kind));
			js_str(b, r->events[k].version);
			vakt_buf_putc(b, ']');
			first = false;
		}
		vakt_buf_puts(b, "]}");
	}
	vakt_buf_putc(b, ']');
	return vakt_buf_str(b);
}

/* [{"type":"CVSS_V3","score":"CVSS:3.1/...","base":9.8}] */
static const char *severity_json(vakt_buf *b, const vakt_vrecord *rec)
{
	vakt_buf_reset(b);
	vakt_buf_putc(b, '[');
	bool first = true;
	for (size_t i = 0; i < rec->nseverity; i++) {
		const vakt_vseverity *s = &rec->severity[i];
		if (!s->type || !s->score)
			continue;
		vakt_buf_puts(b, first ? "{\"type\":" : ",{\"type\":");
		js_str(b, s->type);
		vakt_buf_puts(b, ",\"score\":");
		js_str(b, s->score);
		if (s->base >= 0 && s->base <= 10)
			vakt_buf_printf(b, ",\"base\":%.1f", s->base);
		vakt_buf_putc(b, '}');
		first = false;
	}
	vakt_buf_putc(b, ']');
	return vakt_buf_str(b);
}

static int step_done(vakt_vdb_writer *w, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return db_error(&w->err, w->db, "writing", w->tmp);
}

/* Every statement is stepped and reset (step_done) before the strings bound to it change
 * or go away, so SQLite need not copy them. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* A score-only record (NVD): its scores replace the source's earlier ones for that id. */
static int add_scores(vakt_vdb_writer *w, const vakt_vrecord *rec)
{
	bind_text(w->del_scores, 1, rec->id);
	bind_text(w->del_scores, 2, rec->source);
	int r = step_done(w, w->del_scores);
	for (size_t i = 0; r >= 0 && i < rec->nseverity; i++) {
		const vakt_vseverity *s = &rec->severity[i];
		if (!s->type)
			continue;
		bind_text(w->ins_score, 1, rec->id);
		bind_text(w->ins_score, 2, rec->source);
		bind_text(w->ins_score, 3, s->type);
		bind_text(w->ins_score, 4, s->score);
		if (s->base >= 0)
			sqlite3_bind_double(w->ins_score, 5, s->base);
		r = step_done(w, w->ins_score);
	}
	return r;
}

int vakt_vdb_writer_add(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	(void)file, (void)line;
	vakt_vdb_writer *w = ud;
	if (w->err)
		return w->err->code;
	if (!rec->id || !*rec->id || !rec->source)
		return 0;
	if (!rec->naffected) /* NVD: scores by CVE; other records without packages match nothing */
		return strcmp(rec->source, "nvd") == 0 ? add_scores(w, rec) : 0;

	/* The same ID from the same source may come many times: one tracker record per
	 * package, one secdb record per branch, a feed imported again. The record's own
	 * fields take the newest values; its affected rows are replaced package by package
	 * (ecosystem, name), so a Debian CVE in ten packages or an Alpine CVE in five branches
	 * keeps all of them. */
	bind_text(w->find, 1, rec->id);
	bind_text(w->find, 2, rec->source);
	sqlite3_int64 rowid = 0;
	if (sqlite3_step(w->find) == SQLITE_ROW)
		rowid = sqlite3_column_int64(w->find, 0);
	sqlite3_reset(w->find);
	sqlite3_clear_bindings(w->find);
	sqlite3_stmt *st = rowid ? w->upd_vuln : w->ins_vuln;
	bind_text(st, 1, rec->id);
	bind_text(st, 2, rec->source);
	bind_text(st, 3, rec->summary);
	bind_text(st, 4, rec->published);
	bind_text(st, 5, rec->modified);
	bind_text(st, 6, rec->withdrawn);
	bind_text(st, 7, str_array(&w->b1, rec->aliases, rec->naliases));
	bind_text(st, 8, str_array(&w->b2, rec->refs, rec->nrefs));
	bind_text(st, 9, severity_json(&w->b3, rec));
	bind_text(st, 11, str_array2(&w->b4, rec->upstream, rec->nupstream, rec->related, rec->nrelated));
	if (rowid)
		sqlite3_bind_int64(st, 10, rowid);
	int r = step_done(w, st);
	if (r < 0)
		return r;
	if (!rowid)
		rowid = sqlite3_last_insert_rowid(w->db);
	else
		for (size_t i = 0; i < rec->naffected; i++) {
			const vakt_vaffected *a = &rec->affected[i];
			if (!a->ecosystem || !a->package)
				continue;
			sqlite3_bind_int64(w->del_aff, 1, rowid);
			bind_text(w->del_aff, 2, a->ecosystem);
			bind_text(w->del_aff, 3, a->package);
			if (step_done(w, w->del_aff) < 0)
				return w->err->code;
		}
	for (size_t i = 0; i < rec->naffected; i++) {
		const vakt_vaffected *a = &rec->affected[i];
		if (!a->ecosystem || !a->package)
			continue;
		sqlite3_bind_int64(w->ins_aff, 1, rowid);
		bind_text(w->ins_aff, 2, a->ecosystem);
		bind_text(w->ins_aff, 3, a->package);
		bind_text(w->ins_aff, 4, ranges_json(&w->b1, a));
		bind_text(w->ins_aff, 5, str_array(&w->b2, a->versions, a->nversions));
		bind_text(w->ins_aff, 6, a->status);
		bind_text(w->ins_aff, 7, a->severity);
		r = step_done(w, w->ins_aff);
		if (r < 0)
			return r;
	}
	return 0;
}

int vakt_vdb_writer_error(const vakt_vdb_writer *w, vakt_error **err)
{
	if (!w->err)
		return 0;
	return vakt_error_set(err, w->err->code, "%s", w->err->msg);
}

int vakt_vdb_writer_source(vakt_vdb_writer *w, const char *kind, const char *location,
			   size_t records, size_t skipped, vakt_error **err)
{
	char now[32];
	now_rfc3339(now);
	bind_text(w->ins_source, 1, kind);
	bind_text(w->ins_source, 2, location);
	bind_text(w->ins_source, 3, now);
	sqlite3_bind_int64(w->ins_source, 4, (sqlite3_int64)records);
	sqlite3_bind_int64(w->ins_source, 5, (sqlite3_int64)skipped);
	if (step_done(w, w->ins_source) < 0) {
		int code = w->err->code;
		vakt_error_set(err, code, "%s", w->err->msg);
		return code;
	}
	return 0;
}

static int prepare(vakt_vdb_writer *w, sqlite3_stmt **st, const char *sql, vakt_error **err)
{
	if (sqlite3_prepare_v2(w->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(err, w->db, "preparing", w->tmp);
	return 0;
}

static void writer_free(vakt_vdb_writer *w, bool remove_tmp)
{
	sqlite3_stmt *all[] = {w->find, w->del_aff, w->upd_vuln, w->ins_vuln, w->ins_aff,
			       w->del_scores, w->ins_score, w->ins_source};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	if (w->db)
		sqlite3_close(w->db);
	if (remove_tmp && w->tmp)
		unlink(w->tmp);
	vakt_error_free(w->err);
	vakt_buf_free(&w->b1);
	vakt_buf_free(&w->b2);
	vakt_buf_free(&w->b3);
	vakt_buf_free(&w->b4);
	free(w->path);
	free(w->tmp);
	free(w);
}

/* Copy the database at src into the open dst (SQLite's online backup: a consistent copy
 * even while another process reads it). */
static int copy_existing(vakt_vdb_writer *w, vakt_error **err)
{
	sqlite3 *src = NULL;
	if (sqlite3_open_v2(w->path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		int r = db_error(err, src, "opening", w->path);
		sqlite3_close(src);
		return r;
	}
	sqlite3_backup *b = sqlite3_backup_init(w->db, "main", src, "main");
	int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	sqlite3_backup_finish(b);
	int r = 0;
	if (rc != SQLITE_DONE)
		r = db_error(err, w->db, "copying the database", w->path);
	sqlite3_close(src);
	if (r < 0)
		return r;
	/* the copy must be one of ours, with this schema */
	sqlite3_stmt *st = NULL;
	const char *ver = NULL;
	if (sqlite3_prepare_v2(w->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ver = (const char *)sqlite3_column_text(st, 0);
	if (!ver || atoi(ver) != VAKT_VDB_SCHEMA)
		r = vakt_error_set(err, VAKT_E_INVALID,
				   "%s: not a vakt vulnerability database of schema %d: remove it, then import again",
				   w->path, VAKT_VDB_SCHEMA);
	sqlite3_finalize(st);
	return r;
}

int vakt_vdb_writer_open(const char *path, vakt_vdb_writer **ret, vakt_error **err)
{
	int r = make_parent(path, err);
	if (r < 0)
		return r;
	vakt_vdb_writer *w = xcalloc(1, sizeof(*w));
	vakt_buf_init(&w->b1, SIZE_MAX);
	vakt_buf_init(&w->b2, SIZE_MAX);
	vakt_buf_init(&w->b3, SIZE_MAX);
	vakt_buf_init(&w->b4, SIZE_MAX);
	w->path = xstrdup(path);
	w->tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(w->tmp);
	if (fd < 0) {
		int e = errno;
		free(w->tmp);
		w->tmp = NULL;
		writer_free(w, false);
		return vakt_error_set(err, VAKT_E_IO, "%s: cannot create a temporary file next to it: %s", path,
				      strerror(e));
	}
	close(fd);
	struct stat st;
	w->fresh = stat(path, &st) < 0;
	if (sqlite3_open_v2(w->tmp, &w->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		r = db_error(err, w->db, "opening", w->tmp);
		writer_free(w, true);
		return r;
	}
	r = w->fresh ? (sqlite3_exec(w->db, schema_sql, NULL, NULL, NULL) == SQLITE_OK
				? 0
				: db_error(err, w->db, "creating the schema", w->tmp))
		     : copy_existing(w, err);
	/* The copy is thrown away on any failure, so it needs no journal of its own. */
	if (r >= 0 && sqlite3_exec(w->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-32768; BEGIN", NULL,
				   NULL, NULL) != SQLITE_OK)
		r = db_error(err, w->db, "starting", w->tmp);
	if (r >= 0)
		r = prepare(w, &w->find, "SELECT rowid FROM vulns WHERE id = ?1 AND source = ?2", err);
	if (r >= 0)
		r = prepare(w, &w->del_aff,
			    "DELETE FROM affected WHERE vuln = ?1 AND ecosystem = ?2 AND package = ?3", err);
	if (r >= 0)
		r = prepare(w, &w->upd_vuln,
			    "UPDATE vulns SET summary = ?3, published = ?4, modified = ?5, withdrawn = ?6,"
			    " aliases = ?7, refs = ?8, severity = ?9, related = ?11"
			    " WHERE rowid = ?10 AND id = ?1 AND source = ?2",
			    err);
	if (r >= 0)
		r = prepare(w, &w->ins_vuln,
			    "INSERT INTO vulns(id, source, summary, published, modified, withdrawn, aliases,"
			    " refs, severity, related) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11)",
			    err);
	if (r >= 0)
		r = prepare(w, &w->ins_aff,
			    "INSERT INTO affected(vuln, ecosystem, package, ranges, versions, status, severity)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			    err);
	if (r >= 0)
		r = prepare(w, &w->del_scores, "DELETE FROM scores WHERE id = ?1 AND source = ?2", err);
	if (r >= 0)
		r = prepare(w, &w->ins_score,
			    "INSERT INTO scores(id, source, type, vector, base) VALUES (?1, ?2, ?3, ?4, ?5)", err);
	if (r >= 0)
		r = prepare(w, &w->ins_source,
			    "INSERT OR REPLACE INTO sources(kind, location, imported_at, records, skipped)"
			    " VALUES (?1, ?2, ?3, ?4, ?5)",
			    err);
	if (r < 0) {
		writer_free(w, true);
		return r;
	}
	*ret = w;
	return 0;
}

static int set_meta(vakt_vdb_writer *w, const char *key, const char *value, vakt_error **err)
{
	sqlite3_stmt *st = NULL;
	int r = prepare(w, &st, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", err);
	if (r < 0)
		return r;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = db_error(err, w->db, "writing", w->tmp);
	sqlite3_finalize(st);
	return r;
}

/* fsync a file or directory by path. */
static int sync_path(const char *p, int flags)
{
	int fd = open(p, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

int vakt_vdb_writer_commit(vakt_vdb_writer *w, vakt_error **err)
{
	if (w->err) {
		int code = w->err->code;
		vakt_error_set(err, code, "%s", w->err->msg);
		writer_free(w, true);
		return code;
	}
	char now[32], ver[16];
	now_rfc3339(now);
	snprintf(ver, sizeof(ver), "%d", VAKT_VDB_SCHEMA);
	int r = set_meta(w, "schema", ver, err);
	if (r >= 0 && w->fresh)
		r = set_meta(w, "built_at", now, err);
	if (r >= 0)
		r = set_meta(w, "updated_at", now, err);
	if (r >= 0 && sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		r = db_error(err, w->db, "committing", w->tmp);
	if (r >= 0) {
		sqlite3_stmt *all[] = {w->find, w->del_aff, w->upd_vuln, w->ins_vuln, w->ins_aff,
				       w->del_scores, w->ins_score, w->ins_source};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			sqlite3_finalize(all[i]);
		w->find = w->del_aff = w->upd_vuln = w->ins_vuln = w->ins_aff = NULL;
		w->del_scores = w->ins_score = w->ins_source = NULL;
		if (sqlite3_close(w->db) != SQLITE_OK)
			r = db_error(err, w->db, "closing", w->tmp);
		else
			w->db = NULL;
	}
	/* durable before it replaces the database in use, and the rename itself too */
	if (r >= 0 && sync_path(w->tmp, O_RDONLY) < 0)
		r = vakt_error_set(err, VAKT_E_IO, "%s: fsync: %s", w->tmp, strerror(errno));
	if (r >= 0 && chmod(w->tmp, 0644) < 0)
		r = vakt_error_set(err, VAKT_E_IO, "%s: chmod: %s", w->tmp, strerror(errno));
	if (r >= 0 && rename(w->tmp, w->path) < 0)
		r = vakt_error_set(err, VAKT_E_IO, "%s: cannot replace it: %s", w->path, strerror(errno));
	if (r >= 0) {
		char *dir = xstrdup(w->path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		sync_path(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY);
		free(dir);
	}
	writer_free(w, r < 0);
	return r;
}

void vakt_vdb_writer_abort(vakt_vdb_writer *w)
{
	if (w)
		writer_free(w, true);
}

/* ---- reading ------------------------------------------------------------------------------- */

struct vakt_vdb {
	sqlite3 *db;
	char *path;
	time_t updated;
	sqlite3_stmt *aff, *scores;
};

static time_t parse_time(const char *s)
{
	struct tm tm = {0};
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 0;
	return timegm(&tm);
}

int vakt_vdb_open(const char *path, vakt_vdb **ret, vakt_error **err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return vakt_error_set(err, VAKT_E_NOTFOUND,
				      "%s: no vulnerability database (create one: vakt db import PATH..., or vakt db update)",
				      path);
	vakt_vdb *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	int r = 0;
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		r = db_error(err, d->db, "opening", path);
	/* read pages in place rather than copying them: a scan touches few of them */
	if (r >= 0)
		sqlite3_exec(d->db, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
	sqlite3_stmt *m = NULL;
	int schema = -1;
	if (r >= 0 && sqlite3_prepare_v2(d->db, "SELECT key, value FROM meta", -1, &m, NULL) == SQLITE_OK) {
		while (sqlite3_step(m) == SQLITE_ROW) {
			const char *k = (const char *)sqlite3_column_text(m, 0);
			const char *v = (const char *)sqlite3_column_text(m, 1);
			if (k && v && strcmp(k, "schema") == 0)
				schema = atoi(v);
			else if (k && v && strcmp(k, "updated_at") == 0)
				d->updated = parse_time(v);
		}
	}
	sqlite3_finalize(m);
	if (r >= 0 && schema != VAKT_VDB_SCHEMA)
		r = vakt_error_set(err, VAKT_E_INVALID,
				   "%s: not a vakt vulnerability database of schema %d (rebuild it with vakt db import)",
				   path, VAKT_VDB_SCHEMA);
	if (r >= 0 &&
	    (sqlite3_prepare_v2(d->db,
				"SELECT v.id, v.source, v.summary, v.withdrawn, v.aliases, v.refs, v.severity,"
				" a.ecosystem, a.package, a.ranges, a.versions, a.status, a.severity, v.related"
				" FROM affected a JOIN vulns v ON v.rowid = a.vuln"
				" WHERE a.ecosystem = ?1 AND a.package = ?2 ORDER BY v.id, v.source",
				-1, &d->aff, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(d->db, "SELECT type, vector, base FROM scores WHERE id = ?1 ORDER BY source, type",
				-1, &d->scores, NULL) != SQLITE_OK))
		r = db_error(err, d->db, "reading", path);
	if (r < 0) {
		vakt_vdb_close(d);
		return r;
	}
	*ret = d;
	return 0;
}

vakt_vdb *vakt_vdb_close(vakt_vdb *d)
{
	if (!d)
		return NULL;
	sqlite3_finalize(d->aff);
	sqlite3_finalize(d->scores);
	sqlite3_close(d->db);
	free(d->path);
	free(d);
	return NULL;
}

time_t vakt_vdb_updated(const vakt_vdb *d)
{
	return d->updated;
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int vakt_vdb_affected(vakt_vdb *d, const char *ecosystem, const char *package,
		      vakt_vdb_row_fn fn, void *ud, vakt_error **err)
{
	sqlite3_stmt *st = d->aff;
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, package, -1, SQLITE_STATIC);
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		vakt_vdb_row row = {
			.id = col(st, 0), .source = col(st, 1), .summary = col(st, 2), .withdrawn = col(st, 3),
			.aliases_json = col(st, 4), .refs_json = col(st, 5), .severity_json = col(st, 6),
			.ecosystem = col(st, 7), .package = col(st, 8), .ranges_json = col(st, 9),
			.versions_json = col(st, 10), .status = col(st, 11), .severity = col(st, 12),
			.related_json = col(st, 13),
		};
		if (!row.id)
			continue;
		r = fn(&row, ud);
		if (r < 0)
			break;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = db_error(err, d->db, "reading", d->path);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

int vakt_vdb_scores(vakt_vdb *d, const char *id, vakt_vdb_score_fn fn, void *ud, vakt_error **err)
{
	sqlite3_stmt *st = d->scores;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(col(st, 0) ? col(st, 0) : "", col(st, 1),
		   sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 2), ud);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_error(err, d->db, "reading", d->path);
}

/* Run sql and pass each row's first two columns as (key, value) under section. */
static int info_query(vakt_vdb *d, const char *section, const char *sql, vakt_vdb_info_fn fn, void *ud,
		      vakt_error **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(err, d->db, "reading", d->path);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(section, col(st, 0) ? col(st, 0) : "", col(st, 1) ? col(st, 1) : "", ud);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(err, d->db, "reading", d->path);
}

int vakt_vdb_info(vakt_vdb *d, vakt_vdb_info_fn fn, void *ud, vakt_error **err)
{
	int r = info_query(d, "meta", "SELECT key, value FROM meta ORDER BY key", fn, ud, err);
	if (r >= 0)
		r = info_query(d, "source",
			       "SELECT kind || ' ' || location, imported_at || ', ' || records || ' records'"
			       " || CASE WHEN skipped > 0 THEN ', ' || skipped || ' skipped' ELSE '' END"
			       " FROM sources ORDER BY kind, location",
			       fn, ud, err);
	if (r >= 0)
		r = info_query(d, "records", "SELECT source, count(*) FROM vulns GROUP BY source ORDER BY source",
			       fn, ud, err);
	if (r >= 0)
		r = info_query(d, "records", "SELECT 'scores (' || source || ')', count(DISTINCT id) FROM scores"
					      " GROUP BY source ORDER BY source",
			       fn, ud, err);
	if (r >= 0)
		r = info_query(d, "ecosystem",
			       "SELECT ecosystem, count(DISTINCT package) || ' packages, ' || count(*) || ' entries'"
			       " FROM affected GROUP BY ecosystem ORDER BY ecosystem",
			       fn, ud, err);
	return r;
}
