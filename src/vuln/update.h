/* update.h - `vakt db update`: download the feeds, import them, replace the database.
 *
 * The order of work, and why:
 *   1. Every feed is downloaded (fetch.h) into a private directory (mode 0700) created
 *      next to the database, before the database is touched. A feed that has not changed
 *      since the last successful update (the server answers 304 to the ETag and
 *      Last-Modified remembered for its URL) is skipped: its records are already in the
 *      database. The first download that fails stops the update.
 *   2. A writer (db.h) opens a copy of the database; each downloaded file is imported
 *      (import.h) and recorded as a source of kind "update" whose location is the URL;
 *      the copy replaces the database only when every feed was imported. Any failure
 *      leaves the previous database in place and in use.
 *   3. Only then are the validators of the new downloads remembered, so the database
 *      and the validators cannot disagree in the direction that matters: a validator is
 *      never recorded for data that did not make it into the database.
 *
 * The validators live in a JSON file next to the database, <db>.feeds.json (replaced
 * atomically): {"version": 1, "feeds": {URL: {"etag", "last_modified", "updated_at"}}}.
 * A URL's validators are sent only when the database has an "update" source row for
 * that URL, so a database that was deleted or rebuilt by other means gets every feed
 * again rather than a 304 for data it does not have. <db>.update.lock serialises
 * concurrent updates of one database.
 *
 * When nothing was downloaded (every feed answered 304), the database is not rewritten.
 */
#ifndef VAKT_VULN_UPDATE_H
#define VAKT_VULN_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "vuln/fetch.h"
#include "vuln/vulnrec.h"

#define VAKT_VUPDATE_MAX_FEEDS 256

/* The default feeds (https URLs), in order: OSV all.zip for Debian, Alpine, Ubuntu,
 * AlmaLinux and Rocky Linux; the Debian security tracker; Alpine secdb for a few recent
 * branches. *ret_n is set to the count. */
const char *const *vakt_vupdate_default_feeds(size_t *ret_n);

/* ---- .vakt.yaml: the `db:` section ------------------------------------------------------- */

/* db:
 *   feeds: [URL, ...]   # replaces the default feeds
 *   max-age: DAYS       # vakt image warns when the database is older
 */
typedef struct vakt_vdb_config {
	char *path;   /* the file read (heap), or NULL when there was none */
	char **feeds; /* db.feeds, or NULL: use the defaults */
	size_t nfeeds;
	double max_age; /* db.max-age in days, or -1 when not set */
} vakt_vdb_config;

/* Read the `db:` section of a configuration: the file at path when path is not NULL (an
 * error if it cannot be read), else the .vakt.yaml found from the directory start
 * (vakt_config_find; nothing found is not an error). Keys of `db:` other than feeds and
 * max-age, a feed URL that would not be fetched (vakt_fetch_url_check), a feed listed
 * twice and a max-age that is not a positive number of days are VAKT_E_USAGE errors at
 * file:line:col. Other top-level keys belong to other commands and are not looked at.
 * *ret is filled on success (release it with vakt_vdb_config_release). */
int vakt_vdb_config_read(const char *path, const char *start, vakt_vdb_config *ret,
			 vakt_error **err);

/* Free what a config holds; accepts NULL. */
void vakt_vdb_config_release(vakt_vdb_config *c);

/* ---- the update ----------------------------------------------------------------------------- */

typedef enum vakt_vupdate_state {
	VAKT_VUPDATE_DOWNLOADED,   /* bytes, attempts, seconds */
	VAKT_VUPDATE_NOT_MODIFIED, /* 304 */
	VAKT_VUPDATE_FAILED,	   /* the download failed (the error is returned) */
	VAKT_VUPDATE_IMPORTED,	   /* records, skipped */
} vakt_vupdate_state;

typedef struct vakt_vupdate_feed {
	const char *url;
	vakt_vupdate_state state;
	uint64_t bytes;
	unsigned attempts;
	double seconds;
	size_t records, skipped;
} vakt_vupdate_feed;

/* Told about each feed as it is downloaded and as it is imported. */
typedef void (*vakt_vupdate_feed_fn)(const vakt_vupdate_feed *f, void *ud);

typedef struct vakt_vupdate_opts {
	const char *db;		  /* the database path */
	const char *const *feeds; /* the URLs, in order (none twice) */
	size_t nfeeds;
	vakt_fetch_opts fetch;	      /* fetch.max_bytes above VAKT_VIMPORT_MAX_FILE raises the
				       * import's file limit to match */
	bool force;		      /* send no validators: download every feed */
	vakt_vupdate_feed_fn on_feed; /* may be NULL */
	vakt_vwarn_fn warn;	      /* skipped records and other warnings; may be NULL */
	void *ud;		      /* for on_feed and warn */
} vakt_vupdate_opts;

typedef struct vakt_vupdate_stats {
	size_t downloaded, not_modified;
	uint64_t bytes;
	size_t records, skipped;
	bool replaced; /* the database was rewritten */
} vakt_vupdate_stats;

/* Run an update as described above. 0 on success (*ret filled, ret may be NULL), else a
 * negative code and *err naming the feed (by URL) and the reason; the database is then
 * exactly as it was. Warnings go to o->warn with the URL in place of the download's
 * temporary path. */
int vakt_vupdate(const vakt_vupdate_opts *o, vakt_vupdate_stats *ret, vakt_error **err);

#endif
