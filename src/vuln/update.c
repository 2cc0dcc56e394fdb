/* update.c - see update.h. */
#include "vuln/update.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/config.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "vuln/db.h"
#include "vuln/import.h"

#define VALIDATORS_MAX_BYTES ((size_t)8 << 20)
#define VALIDATORS_VERSION   1
#define MAX_AGE_DAYS_MAX     36500.0

/* ---- the default feeds ------------------------------------------------------------------- */

#define OSV_BASE   "https://osv-vulnerabilities.storage.googleapis.com/"
#define SECDB_BASE "https://secdb.alpinelinux.org/"

/* Alpine branches: the supported ones when this list was written (keep it current; a
 * branch that does not exist yet would make every default update fail with a 404). */
static const char *const default_feeds[] = {
	OSV_BASE "Debian/all.zip",	  OSV_BASE "Alpine/all.zip",
	OSV_BASE "Ubuntu/all.zip",	  OSV_BASE "AlmaLinux/all.zip",
	OSV_BASE "Rocky%20Linux/all.zip", "https://security-tracker.debian.org/tracker/data/json",
	SECDB_BASE "v3.21/main.json",	  SECDB_BASE "v3.21/community.json",
	SECDB_BASE "v3.22/main.json",	  SECDB_BASE "v3.22/community.json",
	SECDB_BASE "v3.23/main.json",	  SECDB_BASE "v3.23/community.json",
};

const char *const *vakt_vupdate_default_feeds(size_t *ret_n)
{
	*ret_n = VAKT_ARRAY_SIZE(default_feeds);
	return default_feeds;
}

/* ---- .vakt.yaml ---------------------------------------------------------------------------- */

static int cfg_error(const vakt_config *vc, const vakt_node *n, vakt_error **err, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
static int cfg_error(const vakt_config *vc, const vakt_node *n, vakt_error **err, const char *fmt,
		     ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	vakt_error_set_at(err, VAKT_E_USAGE, vc->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	free(msg);
	return VAKT_E_USAGE;
}

void vakt_vdb_config_release(vakt_vdb_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nfeeds; i++)
		free(c->feeds[i]);
	free(c->feeds);
	free(c->path);
	*c = (vakt_vdb_config){.max_age = -1};
}

static int cfg_feeds(const vakt_config *vc, const vakt_node *v, vakt_vdb_config *c,
		     vakt_error **err)
{
	if (!v || v->type != VAKT_NODE_SEQ || v->seq.n == 0)
		return cfg_error(vc, v, err,
				 "db.feeds: expected a list of at least one URL (leave it out for "
				 "the default feeds)");
	if (v->seq.n > VAKT_VUPDATE_MAX_FEEDS)
		return cfg_error(vc, v, err, "db.feeds: more than %d feeds",
				 VAKT_VUPDATE_MAX_FEEDS);
	c->feeds = xcalloc(v->seq.n, sizeof(*c->feeds));
	for (size_t i = 0; i < v->seq.n; i++) {
		const vakt_node *item = v->seq.items[i];
		const char *url = vakt_node_str(item);
		if (!url || vakt_node_is_null(item))
			return cfg_error(vc, item, err, "db.feeds: expected a URL, got %s",
					 vakt_node_kind_name(item));
		if (strlen(url) != item->scalar.len)
			return cfg_error(vc, item, err, "db.feeds: a URL with a NUL byte");
		vakt_error *e = NULL;
		if (vakt_fetch_url_check(url, &e) < 0) {
			int r = cfg_error(vc, item, err, "db.feeds: %s", e->msg);
			vakt_error_free(e);
			return r;
		}
		for (size_t j = 0; j < c->nfeeds; j++)
			if (strcmp(c->feeds[j], url) == 0)
				return cfg_error(vc, item, err, "db.feeds: %s is listed twice",
						 url);
		c->feeds[c->nfeeds++] = xstrdup(url);
	}
	return 0;
}

static int cfg_max_age(const vakt_config *vc, const vakt_node *v, vakt_vdb_config *c,
		       vakt_error **err)
{
	int64_t i;
	double d = NAN;
	if (v && vakt_node_int64(v, &i)) {
		d = (double)i;
	} else if (v && v->type == VAKT_NODE_SCALAR && v->style == VAKT_SCALAR_PLAIN) {
		char *end = NULL;
		errno = 0;
		d = strtod(v->scalar.str, &end);
		if (errno || end == v->scalar.str || *end)
			d = NAN;
	}
	if (!isfinite(d) || d <= 0 || d > MAX_AGE_DAYS_MAX)
		return cfg_error(
			vc, v, err,
			"db.max-age: expected a number of days (more than 0, at most %.0f)",
			MAX_AGE_DAYS_MAX);
	c->max_age = d;
	return 0;
}

int vakt_vdb_config_read(const char *path, const char *start, vakt_vdb_config *ret,
			 vakt_error **err)
{
	_cleanup_free_ char *found = NULL;
	if (!path) {
		found = vakt_config_find(start ? start : ".");
		if (!found) {
			*ret = (vakt_vdb_config){.max_age = -1};
			return 0;
		}
		path = found;
	}
	vakt_config *vc = NULL;
	int r = vakt_config_load(path, &vc, err);
	if (r < 0)
		return r;
	vakt_vdb_config c = {.path = xstrdup(path), .max_age = -1};
	vakt_node *key = NULL;
	const vakt_node *db = vc->root ? vakt_node_get_pair(vc->root, "db", &key) : NULL;
	if (db && db->type != VAKT_NODE_MAP)
		r = cfg_error(vc, db, err, "db: expected a mapping (feeds, max-age)");
	for (size_t i = 0; db && r >= 0 && i < db->map.n; i++) {
		const vakt_node *k = db->map.pairs[i].key, *v = db->map.pairs[i].value;
		const char *name = vakt_node_str(k);
		if (name && strcmp(name, "feeds") == 0 && !c.feeds)
			r = cfg_feeds(vc, v, &c, err);
		else if (name && strcmp(name, "feeds") == 0)
			r = cfg_error(vc, k, err, "db.feeds: given twice");
		else if (name && strcmp(name, "max-age") == 0)
			r = cfg_max_age(vc, v, &c, err);
		else
			r = cfg_error(vc, k, err,
				      "db: unknown setting '%s' (known: feeds, max-age)",
				      name ? name : "?");
	}
	vakt_config_free(vc);
	if (r < 0) {
		vakt_vdb_config_release(&c);
		return r;
	}
	*ret = c;
	return 0;
}

/* ---- small helpers ------------------------------------------------------------------------- */

/* s with every occurrence of from replaced by to (heap). */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	if (!fl || !strstr(s, from))
		return xstrdup(s);
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (const char *p = s, *q; *p; p = q + fl) {
		q = strstr(p, from);
		if (!q) {
			vakt_buf_puts(&b, p);
			break;
		}
		vakt_buf_append(&b, p, (size_t)(q - p));
		vakt_buf_puts(&b, to);
		if (!q[fl])
			break;
	}
	return vakt_buf_steal(&b);
}

/* Move e into *err with the temporary path replaced by the URL, so messages name what the
 * user asked for. Frees e; returns its code. */
static int error_move(vakt_error **err, vakt_error *e, const char *tmp_path, const char *url)
{
	int code = e ? e->code : VAKT_E_IO;
	if (e) {
		_cleanup_free_ char *msg = replace_all(e->msg ? e->msg : "", tmp_path, url);
		_cleanup_free_ char *file = e->file ? replace_all(e->file, tmp_path, url) : NULL;
		if (file)
			vakt_error_set_at(err, code, file, e->line, e->col, "%s", msg);
		else
			vakt_error_set(err, code, "%s", msg);
		vakt_error_free(e);
	}
	return code;
}

/* mkdir -p of path's directory: 0700, as for the database (a per-user cache). */
static int make_parent(const char *path, vakt_error **err)
{
	_cleanup_free_ char *dir = vakt_dirname(path);
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return vakt_error_set(err, VAKT_E_IO, "%s: cannot create %s: %s", path, dir,
					      strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

static void now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "NN-<last path segment>", with only [A-Za-z0-9._-]: a name for messages and nothing
 * else; it is never derived from anything but our own index and a sanitised URL. */
static char *download_name(size_t i, const char *url)
{
	const char *end = url + strcspn(url, "?#");
	const char *seg = end;
	while (seg > url && seg[-1] != '/')
		seg--;
	char base[41];
	size_t n = 0;
	for (const char *p = seg; p < end && n < sizeof(base) - 1; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		base[n++] = ok ? ch : '_';
	}
	base[n] = '\0';
	if (n == 0 || strspn(base, ".") == n)
		snprintf(base, sizeof(base), "feed");
	return xasprintf("%02zu-%s", i + 1, base);
}

/* ---- the validators file ---------------------------------------------------------------- */

/* Load <db>.feeds.json. A missing file is an empty one; a broken one is ignored with a
 * warning (the cost is downloading every feed again, never wrong data). */
static json_t *validators_load(const char *path, const vakt_vupdate_opts *o)
{
	struct stat st;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return json_object();
	vakt_error *e = NULL;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int fd = vakt_open_regular(AT_FDCWD, path, path, &e);
	if (fd >= 0) {
		vakt_read_all(fd, path, VALIDATORS_MAX_BYTES, &data, &len, &e);
		close(fd);
	}
	json_t *root = NULL;
	const char *why = e ? e->msg : NULL;
	json_error_t je;
	if (!e) {
		root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
		if (!root)
			why = je.text;
	}
	json_t *ver = root ? json_object_get(root, "version") : NULL;
	if (root && (!json_is_object(root) || !json_is_integer(ver) ||
		     json_integer_value(ver) != VALIDATORS_VERSION ||
		     !json_is_object(json_object_get(root, "feeds")))) {
		why = "not a vakt feeds file of version 1";
		json_decref(root);
		root = NULL;
	}
	if (!root && o->warn) {
		char msg[512];
		snprintf(msg, sizeof(msg), "ignored (%s): every feed is downloaded again",
			 why ? why : "unreadable");
		o->warn(path, 0, msg, o->ud);
	}
	vakt_error_free(e);
	if (!root)
		return json_object();
	json_t *feeds = json_incref(json_object_get(root, "feeds"));
	json_decref(root);
	return feeds;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Replace <db>.feeds.json atomically: a temporary file next to it, made durable, renamed
 * over it, and the directory synced, so a crash leaves the old file or the new one. */
static int validators_save(const char *path, json_t *feeds, vakt_error **err)
{
	json_t *root = json_pack("{s:i,s:O}", "version", VALIDATORS_VERSION, "feeds", feeds);
	if (!root)
		vakt_oom();
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	if (!s)
		vakt_oom();
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	int r = 0;
	if (fd < 0) {
		r = vakt_error_set(err, VAKT_E_IO,
				   "%s: cannot create a temporary file next to it: %s", path,
				   strerror(errno));
	} else {
		if (write_all(fd, s, strlen(s)) < 0 || write_all(fd, "\n", 1) < 0 ||
		    fchmod(fd, 0644) < 0 || fsync(fd) < 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: %s", tmp, strerror(errno));
		if (close(fd) < 0 && r >= 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: %s", tmp, strerror(errno));
		if (r >= 0 && rename(tmp, path) < 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: cannot replace it: %s", path,
					   strerror(errno));
		if (r < 0) {
			unlink(tmp);
		} else {
			_cleanup_free_ char *dir = vakt_dirname(path);
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
		}
	}
	free(s);
	return r;
}

/* ---- what the database already has --------------------------------------------------------- */

typedef struct known {
	char **urls;
	size_t n;
} known;

static void on_source(const char *section, const char *key, const char *value, void *ud)
{
	(void)value;
	known *k = ud;
	/* source rows come as key "KIND LOCATION" */
	if (strcmp(section, "source") != 0 || strncmp(key, "update ", 7) != 0)
		return;
	k->urls = xreallocarray(k->urls, k->n + 1, sizeof(*k->urls));
	k->urls[k->n++] = xstrdup(key + 7);
}

static bool known_has(const known *k, const char *url)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->urls[i], url) == 0)
			return true;
	return false;
}

static void known_free(known *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->urls[i]);
	free(k->urls);
}

/* The URLs the database has "update" sources for. No database: none. A file that is not
 * a usable database is an error now, before anything is downloaded for it. */
static int known_load(const char *db, known *k, vakt_error **err)
{
	vakt_vdb *d = NULL;
	vakt_error *e = NULL;
	int r = vakt_vdb_open(db, &d, &e);
	if (r == VAKT_E_NOTFOUND) {
		vakt_error_free(e);
		return 0;
	}
	if (r < 0)
		return error_move(err, e, "", "");
	r = vakt_vdb_info(d, on_source, k, err);
	vakt_vdb_close(d);
	return r;
}

/* ---- the update ---------------------------------------------------------------------------- */

typedef struct feed {
	const char *url;
	char *name; /* in the download directory */
	char *path; /* download directory + name */
	bool downloaded;
	vakt_fetch_result res;
} feed;

typedef struct import_ctx {
	vakt_vdb_writer *w;
	const vakt_vupdate_opts *o;
	const feed *f;
} import_ctx;

static int import_sink(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	import_ctx *c = ud;
	return vakt_vdb_writer_add(rec, file, line, c->w);
}

static void import_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	import_ctx *c = ud;
	if (!c->o->warn)
		return;
	_cleanup_free_ char *f = replace_all(file ? file : "", c->f->path, c->f->url);
	_cleanup_free_ char *m = replace_all(msg ? msg : "", c->f->path, c->f->url);
	c->o->warn(f, line, m, c->o->ud);
}

static void tell(const vakt_vupdate_opts *o, const feed *f, vakt_vupdate_state st, size_t records,
		 size_t skipped)
{
	if (!o->on_feed)
		return;
	vakt_vupdate_feed ev = {
		.url = f->url,
		.state = st,
		.bytes = f->res.bytes,
		.attempts = f->res.attempts,
		.seconds = f->res.seconds,
		.records = records,
		.skipped = skipped,
	};
	o->on_feed(&ev, o->ud);
}

/* Take the lock of db's updates: another update of the same database is refused rather
 * than waited for (two updates would each replace the database and the validators). */
static int lock_updates(const char *db, int *ret_fd, vakt_error **err)
{
	_cleanup_free_ char *p = xasprintf("%s.update.lock", db);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: cannot open: %s", p, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return vakt_error_set(
				err, VAKT_E_IO,
				"%s: another vakt db update of this database is running", db);
		return vakt_error_set(err, VAKT_E_IO, "%s: cannot lock: %s", p, strerror(e));
	}
	*ret_fd = fd;
	return 0;
}

/* Remove the download directories an earlier update left behind when it was killed.
 * Called with the lock held: no other update is running, so every <db>.download.XXXXXX
 * is stale. Only what an update puts there is removed: regular files directly inside a
 * directory (not a symbolic link) of that exact name pattern. */
static void remove_stale_downloads(const char *db)
{
	_cleanup_free_ char *dir = vakt_dirname(db);
	const char *base = strrchr(db, '/') ? strrchr(db, '/') + 1 : db;
	_cleanup_free_ char *prefix = xasprintf("%s.download.", base);
	size_t pl = strlen(prefix);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, pl) != 0 || strlen(e->d_name) != pl + 6)
			continue;
		int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		DIR *sd = fdopendir(sub);
		if (!sd) {
			close(sub);
			continue;
		}
		struct dirent *f;
		struct stat st;
		while ((f = readdir(sd)))
			if (fstatat(sub, f->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode))
				unlinkat(sub, f->d_name, 0);
		closedir(sd);
		unlinkat(dfd, e->d_name,
			 AT_REMOVEDIR); /* fails, harmlessly, if anything else is inside */
	}
	closedir(d);
}

/* Import every downloaded feed into one writer and commit it. */
static int import_all(const vakt_vupdate_opts *o, feed *feeds, vakt_vupdate_stats *st, int dirfd,
		      vakt_error **err)
{
	import_ctx c = {.o = o};
	int r = vakt_vdb_writer_open(o->db, &c.w, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < o->nfeeds && r >= 0; i++) {
		feed *f = &feeds[i];
		if (!f->downloaded)
			continue;
		c.f = f;
		vakt_vimport im = {.sink = import_sink, .warn = import_warn, .ud = &c};
		/* what was allowed to download may be imported, also above the importer's
		 * default (the user raised the limit); below it, the importer's limit stands */
		if (o->fetch.max_bytes > VAKT_VIMPORT_MAX_FILE)
			im.max_file = o->fetch.max_bytes > SIZE_MAX ? SIZE_MAX
								    : (size_t)o->fetch.max_bytes;
		vakt_error *e = NULL;
		r = vakt_vimport_path(&im, f->path, &e);
		if (r < 0) {
			/* name the feed, unless the importer's message already does (by the file
			 * name, now the URL) */
			bool named = e && (e->file || (e->msg && strstr(e->msg, f->path)));
			error_move(err, e, f->path, f->url);
			if (!named)
				vakt_error_wrap(err, "%s", f->url);
			break;
		}
		/* Nothing usable in a whole feed is not an update: an HTML page from a captive
		 * portal, or a format that changed. Keep what the database had. */
		if (im.records == 0) {
			r = vakt_error_set(err, VAKT_E_INVALID,
					   "%s: no vulnerability records in the download (%" PRIu64
					   " bytes, %zu skipped)",
					   f->url, f->res.bytes, im.skipped);
			break;
		}
		r = vakt_vdb_writer_source(c.w, "update", f->url, im.records, im.skipped, err);
		if (r < 0)
			break;
		unlinkat(dirfd, f->name, 0); /* imported: give the disk space back early */
		st->records += im.records;
		st->skipped += im.skipped;
		tell(o, f, VAKT_VUPDATE_IMPORTED, im.records, im.skipped);
	}
	if (r < 0) {
		vakt_vdb_writer_abort(c.w);
		return r;
	}
	return vakt_vdb_writer_commit(c.w, err);
}

/* Remember the validators of what was just imported (after the commit only). */
static void remember(const vakt_vupdate_opts *o, json_t *vals, const feed *feeds, const char *vpath)
{
	char now[32];
	now_rfc3339(now);
	for (size_t i = 0; i < o->nfeeds; i++) {
		const feed *f = &feeds[i];
		if (!f->downloaded)
			continue;
		if (!f->res.etag && !f->res.last_modified) {
			json_object_del(vals, f->url);
			continue;
		}
		json_t *v = json_object();
		if (f->res.etag)
			json_object_set_new(v, "etag", json_string(f->res.etag));
		if (f->res.last_modified)
			json_object_set_new(v, "last_modified", json_string(f->res.last_modified));
		json_object_set_new(v, "updated_at", json_string(now));
		json_object_set_new(vals, f->url, v);
	}
	vakt_error *e = NULL;
	if (validators_save(vpath, vals, &e) < 0 && o->warn) {
		/* the database is updated; stale validators only cost a download next time */
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s (the next update downloads these feeds again)",
			 e->msg);
		o->warn(vpath, 0, msg, o->ud);
	}
	vakt_error_free(e);
}

int vakt_vupdate(const vakt_vupdate_opts *o, vakt_vupdate_stats *ret, vakt_error **err)
{
	if (o->nfeeds == 0)
		return vakt_error_set(err, VAKT_E_USAGE, "no feeds to update from");
	if (o->nfeeds > VAKT_VUPDATE_MAX_FEEDS)
		return vakt_error_set(err, VAKT_E_USAGE, "more than %d feeds",
				      VAKT_VUPDATE_MAX_FEEDS);
	for (size_t i = 0; i < o->nfeeds; i++) {
		int r = vakt_fetch_url_check(o->feeds[i], err);
		if (r < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->feeds[i], o->feeds[j]) == 0)
				return vakt_error_set(err, VAKT_E_USAGE, "%s: feed listed twice",
						      o->feeds[i]);
	}
	int r = make_parent(o->db, err);
	if (r < 0)
		return r;
	_cleanup_close_ int lockfd = -1;
	r = lock_updates(o->db, &lockfd, err);
	if (r < 0)
		return r;
	remove_stale_downloads(o->db);
	known k = {0};
	r = known_load(o->db, &k, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *vpath = xasprintf("%s.feeds.json", o->db);
	json_t *vals = validators_load(vpath, o);
	vakt_fetcher *fetcher = NULL;
	r = vakt_fetcher_new(&o->fetch, &fetcher, err);
	if (r < 0) {
		json_decref(vals);
		known_free(&k);
		return r;
	}

	/* The downloads go to a directory of our own (mkdtemp: 0700, a fresh name), next to
	 * the database so they land on the same filesystem as its copy, not on a small tmpfs. */
	_cleanup_free_ char *dir = xasprintf("%s.download.XXXXXX", o->db);
	int dirfd = -1;
	if (!mkdtemp(dir)) {
		r = vakt_error_set(err, VAKT_E_IO,
				   "%s: cannot create a download directory next to it: %s", o->db,
				   strerror(errno));
	} else {
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirfd < 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: %s", dir, strerror(errno));
	}

	feed *feeds = xcalloc(o->nfeeds, sizeof(*feeds));
	vakt_vupdate_stats st = {0};
	for (size_t i = 0; i < o->nfeeds && r >= 0; i++) {
		feed *f = &feeds[i];
		f->url = o->feeds[i];
		f->name = download_name(i, f->url);
		f->path = vakt_path_join(dir, f->name);
		vakt_fetch_cond cond = {0};
		json_t *v = json_object_get(vals, f->url);
		if (!o->force && json_is_object(v) && known_has(&k, f->url)) {
			cond.etag = json_string_value(json_object_get(v, "etag"));
			cond.last_modified = json_string_value(json_object_get(v, "last_modified"));
		}
		r = vakt_fetch(fetcher, f->url, &cond, dirfd, f->name, &f->res, err);
		if (r < 0) {
			tell(o, f, VAKT_VUPDATE_FAILED, 0, 0);
			break;
		}
		if (f->res.not_modified) {
			st.not_modified++;
			tell(o, f, VAKT_VUPDATE_NOT_MODIFIED, 0, 0);
		} else {
			f->downloaded = true;
			st.downloaded++;
			st.bytes += f->res.bytes;
			tell(o, f, VAKT_VUPDATE_DOWNLOADED, 0, 0);
		}
	}
	fetcher = vakt_fetcher_free(fetcher);

	if (r >= 0 && st.downloaded > 0) {
		r = import_all(o, feeds, &st, dirfd, err);
		if (r >= 0) {
			st.replaced = true;
			remember(o, vals, feeds, vpath);
		}
	}

	for (size_t i = 0; i < o->nfeeds; i++) {
		if (feeds[i].name && dirfd >= 0)
			unlinkat(dirfd, feeds[i].name, 0);
		free(feeds[i].name);
		free(feeds[i].path);
		vakt_fetch_result_release(&feeds[i].res);
	}
	free(feeds);
	if (dirfd >= 0) {
		close(dirfd);
		rmdir(dir);
	}
	json_decref(vals);
	known_free(&k);
	if (r >= 0 && ret)
		*ret = st;
	return r;
}
