/* import.h - reading vulnerability feeds into records (vulnrec.h).
 *
 * Kinds, told apart by content (not by file name):
 *   - OSV records: one JSON object per file, or a JSON array of them; YAML (the PyPA
 *     advisory database); an OSV all.zip (one record per member);
 *   - the Debian security tracker JSON (package -> CVE -> release -> status);
 *   - Alpine secdb, JSON and YAML (branch, packages, secfixes);
 *   - NVD CVE JSON 2.0 feeds (scores only: records without affected packages).
 * A directory is walked recursively, in sorted order, skipping hidden entries and never
 * following symbolic links.
 *
 * In a directory, the files read are those named *.json, *.yaml, *.yml and *.zip (the
 * kind is still told by content); a file named explicitly is read whatever its name.
 *
 * Bad input: a malformed record is skipped with a warning (file and line) and counted in
 * im->skipped; the import goes on. Whole files are bounded (VAKT_VIMPORT_MAX_FILE), and so
 * is a zip: its members (count, names, sizes, total inflated bytes); member names are
 * never used as paths. A file that is not well-formed (JSON syntax, YAML syntax, a broken
 * zip) is an error for vakt_vimport_buffer and for a file named to vakt_vimport_path,
 * but only a warning (and one skip) for a file found in a directory, which goes on with
 * the next file; records handed to the sink before the error stay handed (a writer that
 * wants all or nothing keeps its transaction open until the import returns 0). An
 * all.zip member that is not well-formed is a skipped record.
 *
 * Every warning counts in im->warnings; a record shows at most 8 of its own. The big
 * single-document feeds (Debian tracker, NVD, Alpine, OSV arrays) are read one record at
 * a time: memory is the file plus the largest record (see import_int.h).
 */
#ifndef VAKT_VULN_IMPORT_H
#define VAKT_VULN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "vuln/vulnrec.h"

#define VAKT_VIMPORT_MAX_FILE (512u << 20)    /* one feed file (the Debian tracker: ~80 MB) */
#define VAKT_VIMPORT_MAX_RECORD (16u << 20)   /* one record: OSV; a tracker, NVD or Alpine entry */
#define VAKT_VIMPORT_MAX_ZIP_TOTAL (4ULL << 30) /* inflated bytes of one all.zip */
#define VAKT_VIMPORT_MAX_ZIP_MEMBERS (1u << 20) /* members of one all.zip */
#define VAKT_VIMPORT_MAX_ZIP_NAME 1024u         /* bytes of one member name */

typedef enum vakt_feed {
	VAKT_FEED_AUTO,
	VAKT_FEED_OSV_JSON,
	VAKT_FEED_OSV_YAML,
	VAKT_FEED_OSV_ZIP,
	VAKT_FEED_DEBIAN,
	VAKT_FEED_ALPINE_JSON,
	VAKT_FEED_ALPINE_YAML,
	VAKT_FEED_NVD,
} vakt_feed;

/* Import a file or a directory. 0, or a negative code when path cannot be read at all
 * (bad records are warnings); a sink's negative return stops the import and is returned. */
int vakt_vimport_path(vakt_vimport *im, const char *path, vakt_error **err);

/* Import one buffer: kind, or VAKT_FEED_AUTO to detect it; name labels messages. */
int vakt_vimport_buffer(vakt_vimport *im, vakt_feed kind, const char *name, const char *data,
			size_t len, vakt_error **err);

/* The kind of a buffer from its first bytes, or VAKT_FEED_AUTO when unknown. */
vakt_feed vakt_feed_detect(const char *data, size_t len);

/* "osv-json", "osv-yaml", "osv-zip", "debian-tracker", "alpine-json", "alpine-yaml", "nvd" */
const char *vakt_feed_name(vakt_feed f);

/* Debian codename -> release number ("bookworm" -> "12", "buzz" -> "1.1" .. "duke" ->
 * "15"), or NULL if unknown. "sid" and "experimental" have no number: NULL. */
const char *vakt_debian_release(const char *codename);

/* Does rec keep the promises importers make? source and id non-empty; every count backed
 * by an array; every alias, reference, version, ecosystem, package and severity type and
 * score a non-empty string; every event with a version; base -1 or within 0..10. For
 * tests, fuzz targets and defensive sinks: false with *why (static text) if not. */
bool vakt_vrecord_valid(const vakt_vrecord *rec, const char **why);

#endif
