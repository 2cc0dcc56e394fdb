/* pkg.h - the OS package model and the package-database parsers.
 *
 * Each parser reads one database file that the image reader has already pulled out of the
 * image (it never touches the filesystem) and appends what it finds to a vakt_pkg_list.
 * Strings live in the list's arena; a list is freed as a whole. Parsers are strict about
 * bounds and lenient about content: a malformed record is skipped with a warning naming
 * the file and line (or record number), a database that cannot be read at all is an
 * error, and on an error nothing is appended (the list is as it was). At most 100
 * warnings go out per file, then one saying the rest are suppressed. None of them
 * allocates in proportion to anything but the input's size, and each runs in time
 * linear (or n log n) in it.
 */
#ifndef VAKT_IMAGE_PKG_H
#define VAKT_IMAGE_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

typedef enum vakt_pkg_type {
	VAKT_PKG_DPKG, /* Debian, Ubuntu, distroless */
	VAKT_PKG_APK,  /* Alpine, Wolfi, Chainguard */
	VAKT_PKG_RPM,  /* Red Hat, Fedora, Alma, Rocky, SUSE, Amazon Linux */
} vakt_pkg_type;

typedef struct vakt_pkg {
	vakt_pkg_type type;
	const char *name;
	/* The version as the package manager prints it and compares it:
	 *   dpkg  "[epoch:]upstream[-revision]"   (the Version field as dpkg-query prints
	 *                                          it: verbatim but for surrounding blanks
	 *                                          and a zero epoch, "0:1.2" -> "1.2")
	 *   apk   "1.2.3-r4"                      (the V: line)
	 *   rpm   "[epoch:]version-release"       (epoch only when the header has one) */
	const char *version;
	/* rpm only (NULL/0 otherwise): the parts, for package URLs and matching */
	const char *rpm_version;
	const char *rpm_release;
	bool has_epoch; /* dpkg: version shows an epoch; rpm: the header has EPOCH (even 0) */
	uint32_t epoch; /* dpkg and rpm: the epoch when has_epoch */
	const char *arch;        /* "amd64", "x86_64", "noarch", "all"; NULL if not recorded */
	const char *src_name;    /* source package; equals name when the database names none */
	const char *src_version; /* source version; equals version when none is recorded.
				  * dpkg: from "Source: name (version)", as dpkg-query's
				  * ${source:Version}; apk: always version;
				  * rpm: "[epoch:]version-release" of the SOURCERPM, with
				  * the binary's epoch (SOURCERPM names none) */
	const char *license;     /* as recorded (apk L:, rpm LICENSE, dpkg copyright), or NULL */
	const char *maintainer;  /* dpkg Maintainer, apk m:, rpm VENDOR (else PACKAGER); or NULL */
	const char *db_path;     /* the database file it came from, "var/lib/dpkg/status" */
	int layer;               /* index of the image layer that introduced it; -1 unknown */
} vakt_pkg;

typedef struct vakt_pkg_list {
	vakt_pkg *items;
	size_t n, cap;
	vakt_arena arena; /* every string of every item */
} vakt_pkg_list;

void vakt_pkg_list_init(vakt_pkg_list *l);
void vakt_pkg_list_free(vakt_pkg_list *l);
/* Append a zeroed package (layer -1) and return it; its strings must come from l->arena.
 * The array may move: pointers from earlier calls do not survive this one. */
vakt_pkg *vakt_pkg_list_add(vakt_pkg_list *l);
/* Sort by type, name, arch, version (bytewise): the order every output uses. */
void vakt_pkg_list_sort(vakt_pkg_list *l);
/* "dpkg", "apk", "rpm" */
const char *vakt_pkg_type_name(vakt_pkg_type t);

/* Non-fatal problems in a database (a record skipped, a field ignored): file, line (0 if
 * the format has no lines; rpm records give their header number in the message). */
typedef void (*vakt_pkg_warn_fn)(const char *file, unsigned line, const char *msg, void *ud);

/* Upper bound on the records one database may hold; beyond it parsing stops with
 * VAKT_E_LIMIT (a real rpmdb holds a few thousand). */
#define VAKT_PKG_MAX_RECORDS 1000000

/* dpkg: /var/lib/dpkg/status, or one file of the distroless /var/lib/dpkg/status.d/.
 * Appends packages whose Status says the files are on disk (installed, half-installed,
 * unpacked, half-configured, triggers-awaited, triggers-pending); config-files and
 * not-installed entries are skipped; a paragraph without Status (distroless writes none)
 * is installed. Source "name (version)" gives the source version; a bare "Source: name"
 * means the binary version. Name, version, source name and version equal what
 * `dpkg-query -W -f='${Package} ${Version} ${source:Package} ${source:Version}'` prints.
 * Field names are case-insensitive, continuation lines are folded into one line, CRLF
 * line ends are accepted. As in dpkg, a second stanza for the same package and
 * architecture replaces the first (with a warning). file names the input in messages and
 * becomes db_path. */
int vakt_pkgdb_dpkg(const char *data, size_t len, const char *file, vakt_pkg_list *out,
		    vakt_pkg_warn_fn warn, void *ud, vakt_error **err);

/* dpkg licences: a /usr/share/doc/<pkg>/copyright file. In machine-readable (DEP-5)
 * form, the distinct License: short names of its Files paragraphs, joined with " AND "
 * in order of first appearance, as a new string in arena; NULL when none is recorded
 * (free-form copyright files say nothing a machine can rely on). */
const char *vakt_pkgdb_dpkg_copyright(const char *data, size_t len, vakt_arena *arena);

/* apk: /lib/apk/db/installed (also /usr/lib/apk/db/installed). Records without P: or V:
 * are skipped with a warning; a record repeated exactly (name, arch, version) is reported
 * once; two versions of one name are both kept. The origin (o:) is the source name. */
int vakt_pkgdb_apk(const char *data, size_t len, const char *file, vakt_pkg_list *out,
		   vakt_pkg_warn_fn warn, void *ud, vakt_error **err);

/* What an rpm database file is, from its first bytes. */
typedef enum vakt_rpmdb_kind {
	VAKT_RPMDB_UNKNOWN,
	VAKT_RPMDB_SQLITE, /* rpmdb.sqlite: rpm >= 4.16, RHEL 9, Fedora 33+ */
	VAKT_RPMDB_BDB,    /* Packages: Berkeley DB hash, RHEL <= 8, CentOS 7, SUSE < 15.4 */
	VAKT_RPMDB_NDB,    /* Packages.db: rpm's own format, SUSE 15.4+ */
} vakt_rpmdb_kind;

vakt_rpmdb_kind vakt_rpmdb_detect(const void *data, size_t len);

/* rpm: a whole database file of any kind above. SQLite databases are opened in memory
 * (sqlite3_deserialize, read-only: nothing touches the disk; defensive mode, untrusted
 * schema, no views or triggers); Berkeley DB hash files of either byte order are walked
 * bucket by bucket as rpm's bdb_ro backend does; NDB slots are read as rpm's rpmpkg.c
 * writes them. Each header blob goes through vakt_rpm_header: one that fails is a
 * warning naming its header number. Unknown formats are VAKT_E_INVALID naming the file;
 * a file that is corrupt as a whole (no Packages table, bad metadata page) is an error
 * naming it. */
int vakt_pkgdb_rpm(const void *data, size_t len, const char *file, vakt_pkg_list *out,
		   vakt_pkg_warn_fn warn, void *ud, vakt_error **err);

/* One rpm header blob as stored in an rpmdb (index count, data length, index entries,
 * data store; no lead, no magic). Appends one package; gpg-pubkey pseudo-packages are
 * skipped (returns 0, nothing appended). Every offset and count is bounds-checked. */
int vakt_rpm_header(const void *blob, size_t len, const char *file, vakt_pkg_list *out,
		    vakt_error **err);

#endif
