/* vulnrec.h - one vulnerability record, whatever feed it came from.
 *
 * Every importer (OSV JSON and YAML, the Debian security tracker, Alpine secdb, NVD CVE
 * 2.0) turns what it reads into these records and hands them, one at a time, to a sink
 * (the database writer, a test, a fuzz target). The model is OSV's, because OSV can say
 * everything the others say:
 *
 *   - a record is one advisory (CVE-..., GHSA-..., DSA-..., ALSA-..., USN-...) with its
 *     aliases, summary, dates, references and severities;
 *   - it affects packages, each named in an ecosystem ("Debian:12", "Alpine:v3.19",
 *     "AlmaLinux:9", "Ubuntu:22.04:LTS", "PyPI", "Go", "npm"), with version ranges made
 *     of events (introduced, fixed, last_affected, limit) and/or an explicit list of
 *     affected versions;
 *   - the distribution trackers add what OSV keeps in ecosystem_specific fields: a status
 *     ("resolved", "open", "undetermined", "not-affected") and the distribution's own
 *     severity for that package ("low", "medium", "high", "unimportant", Ubuntu's
 *     priorities...).
 *
 * Importers normalise names: distribution ecosystems use OSV's spelling with the release
 * number ("Debian:12", not "bookworm"); Alpine branches keep their "v" ("Alpine:v3.19").
 * A feed that only scores CVEs (NVD) produces records without affected packages.
 *
 * Strings are owned by the importer and valid only during the sink call: a sink copies
 * what it keeps.
 */
#ifndef VAKT_VULN_VULNREC_H
#define VAKT_VULN_VULNREC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef enum vakt_vevent_kind {
	VAKT_EV_INTRODUCED,    /* "0" means: from the first version */
	VAKT_EV_FIXED,
	VAKT_EV_LAST_AFFECTED,
	VAKT_EV_LIMIT,
} vakt_vevent_kind;

typedef struct vakt_vevent {
	vakt_vevent_kind kind;
	const char *version;
} vakt_vevent;

typedef enum vakt_vrange_type {
	VAKT_RANGE_ECOSYSTEM, /* versions ordered by the ecosystem's scheme */
	VAKT_RANGE_SEMVER,    /* SemVer 2.0.0 whatever the ecosystem */
	VAKT_RANGE_GIT,       /* commit hashes: kept, never matched against packages */
} vakt_vrange_type;

typedef struct vakt_vrange {
	vakt_vrange_type type;
	const vakt_vevent *events;
	size_t nevents;
} vakt_vrange;

typedef struct vakt_vaffected {
	const char *ecosystem;  /* "Debian:12" ... (see above) */
	const char *package;    /* source package for distributions, module/project otherwise */
	const vakt_vrange *ranges;
	size_t nranges;
	const char *const *versions; /* explicitly affected versions */
	size_t nversions;
	const char *status;     /* tracker status, or NULL */
	const char *severity;   /* the distribution's severity for this package, or NULL */
} vakt_vaffected;

typedef struct vakt_vseverity {
	const char *type;  /* "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", ... as in OSV */
	const char *score; /* a CVSS vector ("CVSS:3.1/AV:N/...") or a word ("medium") */
	double base;       /* a base score the feed states (NVD), or -1 */
} vakt_vseverity;

typedef struct vakt_vrecord {
	const char *source;    /* "osv", "debian-tracker", "alpine-secdb", "nvd" */
	const char *id;
	const char *const *aliases;
	size_t naliases;
	const char *summary;   /* or NULL */
	const char *published; /* RFC 3339, or NULL */
	const char *modified;
	const char *withdrawn; /* a withdrawn record is imported but never matched */
	const vakt_vseverity *severity;
	size_t nseverity;
	const char *const *refs; /* URLs */
	size_t nrefs;
	const vakt_vaffected *affected;
	size_t naffected;
	/* OSV's "upstream" (the advisories this one derives from: DEBIAN-CVE-X -> CVE-X) and
	 * "related" (other advisories about the same problem: ALSA-... -> CVE-...); these are
	 * not aliases, but they are how a distribution record finds its CVE's scores. */
	const char *const *upstream;
	size_t nupstream;
	const char *const *related;
	size_t nrelated;
} vakt_vrecord;

/* Where records go. Returns 0, or a negative code to stop the import (the importer
 * returns it). file and line locate the record for messages. */
typedef int (*vakt_vsink_fn)(const vakt_vrecord *rec, const char *file, unsigned line, void *ud);

/* What an importer skipped: a malformed record, an unknown range type. It goes on. */
typedef void (*vakt_vwarn_fn)(const char *file, unsigned line, const char *msg, void *ud);

typedef struct vakt_vimport {
	vakt_vsink_fn sink;
	vakt_vwarn_fn warn; /* may be NULL */
	void *ud;
	size_t skipped;     /* counted by the importer */
	size_t records;     /* handed to the sink */
	size_t warnings;    /* every warning, shown or not (skips included) */
	/* Limits; 0 means the default (import.h: VAKT_VIMPORT_MAX_*). Tests lower them. */
	size_t max_file, max_record, max_zip_members;
	unsigned long long max_zip_total;
	/* Splitting a directory between threads (vpipe.c): with nparts > 1, only the files
	 * whose index in the walk's sorted order is part modulo nparts are read, and
	 * file_end (may be NULL) is called with ud after each of them. Problems of the walk
	 * itself are reported by part 0 only. */
	unsigned part, nparts;
	void (*file_end)(void *ud);
} vakt_vimport;

#endif
