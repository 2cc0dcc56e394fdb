/* db.h - the local vulnerability database: one SQLite file.
 *
 * What is in it: every imported record (id, source, summary, dates, aliases, references,
 * severities), the packages each affects (ecosystem, name, ranges, explicit versions,
 * tracker status and distribution severity), scores by CVE (NVD), and metadata: the
 * schema version, when it was built and updated, and one row per imported source
 * (kind, location, time, record and skip counts).
 *
 * Safety: a database is never changed in place. A writer works on a temporary copy in
 * the same directory (the existing records included) and renames it over the original
 * only when everything went well (vakt_vdb_writer_commit), so a failed or interrupted
 * import or update leaves the database in use intact; readers open it read-only.
 */
#ifndef VAKT_VULN_DB_H
#define VAKT_VULN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "vuln/vulnrec.h"

#define VAKT_VDB_SCHEMA 2

/* $XDG_CACHE_HOME/vakt/vuln.db, else $HOME/.cache/vakt/vuln.db (heap string; NULL when
 * neither variable is set). */
char *vakt_vdb_default_path(void);

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct vakt_vdb_writer vakt_vdb_writer;

/* Start changing the database at path (created, with its directory, if absent): a copy
 * is made next to it and changed instead. */
int vakt_vdb_writer_open(const char *path, vakt_vdb_writer **ret, vakt_error **err);

/* A record, replacing an earlier one with the same id from the same source. Usable as a
 * vakt_vsink_fn with the writer as ud. */
int vakt_vdb_writer_add(const vakt_vrecord *rec, const char *file, unsigned line, void *w);

/* The error that made vakt_vdb_writer_add fail, copied into *err; returns its code (0
 * when there was none). */
int vakt_vdb_writer_error(const vakt_vdb_writer *w, vakt_error **err);

/* Note one imported source: kind ("osv-json"...), location (path or URL), counts. */
int vakt_vdb_writer_source(vakt_vdb_writer *w, const char *kind, const char *location,
			   size_t records, size_t skipped, vakt_error **err);

/* Finish: write the metadata, make the copy durable and rename it over the database. The
 * writer is freed either way. */
int vakt_vdb_writer_commit(vakt_vdb_writer *w, vakt_error **err);

/* Give up: remove the copy, leave the database as it was. Accepts NULL. */
void vakt_vdb_writer_abort(vakt_vdb_writer *w);

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct vakt_vdb vakt_vdb;

/* Open read-only. VAKT_E_NOTFOUND when there is no database at path (the message says how
 * to make one); VAKT_E_INVALID for a file that is not a vakt database or has another
 * schema version. */
int vakt_vdb_open(const char *path, vakt_vdb **ret, vakt_error **err);
vakt_vdb *vakt_vdb_close(vakt_vdb *db);

/* When the database was last built or updated (0 if unknown). */
time_t vakt_vdb_updated(const vakt_vdb *db);

/* One affected-package row joined with its record, for matching. Strings are valid until
 * the next call of the iteration. */
typedef struct vakt_vdb_row {
	const char *id, *source, *summary, *withdrawn;
	const char *aliases_json, *refs_json, *severity_json; /* JSON arrays */
	const char *ecosystem, *package;
	const char *ranges_json, *versions_json;              /* JSON arrays */
	const char *status, *severity;
	const char *related_json; /* OSV upstream and related IDs: where scores may be found */
} vakt_vdb_row;

typedef int (*vakt_vdb_row_fn)(const vakt_vdb_row *row, void *ud);

/* Call fn for each affected row of (ecosystem, package). fn returning < 0 stops (returned). */
int vakt_vdb_affected(vakt_vdb *db, const char *ecosystem, const char *package,
		      vakt_vdb_row_fn fn, void *ud, vakt_error **err);

/* Scores recorded for id by score-only sources (NVD): fn(type, vector, base). */
typedef void (*vakt_vdb_score_fn)(const char *type, const char *vector, double base, void *ud);
int vakt_vdb_scores(vakt_vdb *db, const char *id, vakt_vdb_score_fn fn, void *ud, vakt_error **err);

/* For `vakt db info`: fn(key, value) for the metadata, then each source row, then record
 * counts per record source and per ecosystem. */
typedef void (*vakt_vdb_info_fn)(const char *section, const char *key, const char *value,
				 void *ud);
int vakt_vdb_info(vakt_vdb *db, vakt_vdb_info_fn fn, void *ud, vakt_error **err);

#endif
