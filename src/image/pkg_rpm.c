/* pkg_rpm.c - rpm databases: header blobs, and the three containers rpm keeps them in.
 *
 *   rpmdb.sqlite  SQLite, table Packages(hnum INTEGER PRIMARY KEY, blob BLOB)   rpm >= 4.16
 *   Packages      Berkeley DB hash: key the 4-byte header number (native order),
 *                 value the blob; big values on chains of overflow pages       rpm <= 4.15
 *   Packages.db   rpm's own "ndb": slot pages pointing at checksummed blobs     SUSE
 *
 * A blob is what rpm's headerExport writes without the magic: index count and data length
 * (big-endian 32-bit), the index entries (tag, type, offset, count; 16 bytes each), then
 * the data store. Everything in a blob and in the containers comes from the image, so each
 * offset, count and page number is checked before use, every chain is walked at most once
 * (a page bitmap), and the work is linear in the file's size.
 */
#include "image/pkg.h"
#include "image/pkg_internal.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/xalloc.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- header blobs ----------------------------------------------------------------------- */

/* rpm's own limits (lib/header.c: hdrchkTags, hdrchkData) */
#define RPM_TAGS_MAX 0xffffu
#define RPM_DATA_MAX 0x0fffffffu

#define RPMTAG_NAME 1000
#define RPMTAG_VERSION 1001
#define RPMTAG_RELEASE 1002
#define RPMTAG_EPOCH 1003
#define RPMTAG_VENDOR 1011
#define RPMTAG_LICENSE 1014
#define RPMTAG_PACKAGER 1015
#define RPMTAG_ARCH 1022
#define RPMTAG_SOURCERPM 1044

#define RPM_INT32_TYPE 4
#define RPM_STRING_TYPE 6
#define RPM_STRING_ARRAY_TYPE 8
#define RPM_I18NSTRING_TYPE 9

enum { H_NAME, H_VERSION, H_RELEASE, H_VENDOR, H_LICENSE, H_PACKAGER, H_ARCH, H_SOURCERPM, H_COUNT };

static int tag_slot(uint32_t tag)
{
	switch (tag) {
	case RPMTAG_NAME: return H_NAME;
	case RPMTAG_VERSION: return H_VERSION;
	case RPMTAG_RELEASE: return H_RELEASE;
	case RPMTAG_VENDOR: return H_VENDOR;
	case RPMTAG_LICENSE: return H_LICENSE;
	case RPMTAG_PACKAGER: return H_PACKAGER;
	case RPMTAG_ARCH: return H_ARCH;
	case RPMTAG_SOURCERPM: return H_SOURCERPM;
	default: return -1;
	}
}

/* "openssl-3.0.7-24.el9.src.rpm" -> name "openssl", version "3.0.7", release "24.el9", as
 * Trivy's splitFileName does: drop ".rpm", then the arch after the last '.', then release
 * and version at the last two '-'. False when a part is missing or empty. */
static bool split_srpm(const char *s, size_t n, size_t *name_len, const char **ver,
		       size_t *ver_len, const char **rel, size_t *rel_len)
{
	if (n >= 4 && memcmp(s + n - 4, ".rpm", 4) == 0)
		n -= 4;
	const char *dot = memrchr(s, '.', n);
	if (!dot)
		return false;
	const char *rdash = memrchr(s, '-', (size_t)(dot - s));
	if (!rdash)
		return false;
	const char *vdash = memrchr(s, '-', (size_t)(rdash - s));
	if (!vdash)
		return false;
	*name_len = (size_t)(vdash - s);
	*ver = vdash + 1;
	*ver_len = (size_t)(rdash - vdash - 1);
	*rel = rdash + 1;
	*rel_len = (size_t)(dot - rdash - 1);
	return *name_len > 0 && *ver_len > 0 && *rel_len > 0;
}

static const char *const slot_tag_names[H_COUNT] = {"NAME",    "VERSION", "RELEASE",  "VENDOR",
						    "LICENSE", "PACKAGER", "ARCH",    "SOURCERPM"};

int vakt_rpm_header(const void *blob, size_t len, const char *file, vakt_pkg_list *out,
		    vakt_error **err)
{
	const unsigned char *b = blob;
	if (len < 8)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
					 "rpm header of %zu bytes: too short", len);
	uint32_t il = be32(b), dl = be32(b + 4);
	if (il == 0 || il > RPM_TAGS_MAX)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
					 "rpm header: index count %u out of range (1..%u)", il,
					 RPM_TAGS_MAX);
	if (dl > RPM_DATA_MAX)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
					 "rpm header: data length %u over the limit of %u", dl,
					 RPM_DATA_MAX);
	/* no overflow: il <= 0xffff and dl < 2^28 */
	size_t need = 8 + (size_t)il * 16 + dl;
	if (need > len)
		return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
					 "rpm header: %u index entries and %u data bytes need %zu "
					 "bytes, the blob has %zu",
					 il, dl, need, len);
	const unsigned char *idx = b + 8, *ds = idx + (size_t)il * 16;
	const char *str[H_COUNT] = {0};
	uint32_t epoch = 0;
	bool has_epoch = false;

	for (uint32_t i = 0; i < il; i++) {
		const unsigned char *e = idx + (size_t)i * 16;
		uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), cnt = be32(e + 12);
		int slot = tag_slot(tag);
		if (slot < 0 && tag != RPMTAG_EPOCH)
			continue;
		if (off >= dl)
			return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
						 "rpm header: tag %u at offset %u, past the %u data "
						 "bytes",
						 tag, off, dl);
		if (cnt == 0)
			return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
						 "rpm header: tag %u has count 0", tag);
		/* Entries after the immutable region ("dribbles") replace earlier ones in
		 * rpm; taking the last of each tag does the same. */
		if (tag == RPMTAG_EPOCH) {
			if (type != RPM_INT32_TYPE)
				return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
							 "rpm header: EPOCH has type %u, not INT32",
							 type);
			if (dl - off < 4)
				return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
							 "rpm header: EPOCH runs past the data");
			epoch = be32(ds + off);
			has_epoch = true;
			continue;
		}
		if (type != RPM_STRING_TYPE && type != RPM_STRING_ARRAY_TYPE &&
		    type != RPM_I18NSTRING_TYPE)
			return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
						 "rpm header: %s has type %u, not a string",
						 slot_tag_names[slot], type);
		/* the string (the first one of an array) must end inside the data store */
		if (!memchr(ds + off, '\0', dl - off))
			return vakt_error_set_at(err, VAKT_E_PARSE, file, 0, 0,
						 "rpm header: %s is not NUL-terminated inside the data",
						 slot_tag_names[slot]);
		str[slot] = (const char *)(ds + off);
	}
	for (int s = H_NAME; s <= H_RELEASE; s++)
		if (!str[s] || !*str[s])
			return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
						 "rpm header without %s", slot_tag_names[s]);
	/* imported signing keys live in the database as packages; they are not software */
	if (strcmp(str[H_NAME], "gpg-pubkey") == 0)
		return 0;

	vakt_arena *a = &out->arena;
	vakt_pkg *p = vakt_pkg_list_add(out);
	p->type = VAKT_PKG_RPM;
	p->name = vakt_arena_strdup(a, str[H_NAME]);
	p->rpm_version = vakt_arena_strdup(a, str[H_VERSION]);
	p->rpm_release = vakt_arena_strdup(a, str[H_RELEASE]);
	p->has_epoch = has_epoch;
	p->epoch = epoch;
	p->version = has_epoch ? vakt_arena_printf(a, "%u:%s-%s", epoch, p->rpm_version, p->rpm_release)
			       : vakt_arena_printf(a, "%s-%s", p->rpm_version, p->rpm_release);
	if (str[H_ARCH] && *str[H_ARCH])
		p->arch = vakt_arena_strdup(a, str[H_ARCH]);
	if (str[H_LICENSE] && *str[H_LICENSE])
		p->license = vakt_arena_strdup(a, str[H_LICENSE]);
	if (str[H_VENDOR] && *str[H_VENDOR])
		p->maintainer = vakt_arena_strdup(a, str[H_VENDOR]);
	else if (str[H_PACKAGER] && *str[H_PACKAGER])
		p->maintainer = vakt_arena_strdup(a, str[H_PACKAGER]);
	p->db_path = vakt_arena_strdup(a, file);

	/* The source package: from SOURCERPM; it records no epoch, so the binary's is used
	 * (as Trivy does). No SOURCERPM (or an unreadable one): the package is its own. */
	p->src_name = p->name;
	p->src_version = p->version;
	const char *srpm = str[H_SOURCERPM];
	size_t nl, vl, rl;
	const char *v, *r;
	if (srpm && split_srpm(srpm, strlen(srpm), &nl, &v, &vl, &r, &rl)) {
		p->src_name = vakt_arena_strndup(a, srpm, nl);
		p->src_version = has_epoch ? vakt_arena_printf(a, "%u:%.*s-%.*s", epoch, (int)vl, v,
							      (int)rl, r)
					   : vakt_arena_printf(a, "%.*s-%.*s", (int)vl, v, (int)rl, r);
	}
	return 0;
}

/* ---- containers: shared ------------------------------------------------------------------ */

typedef struct rpm_ctx {
	vakt_pkg_list *out;
	size_t start;
	size_t nheaders;
	vakt_pkg_warner w;
	const char *file;
	vakt_error **err;
} rpm_ctx;

/* One blob out of a container: parse it; a bad one is a warning naming its header number. */
static int rpm_one(rpm_ctx *c, unsigned long long hnum, const void *blob, size_t n)
{
	if (++c->nheaders > VAKT_PKG_MAX_RECORDS)
		return vakt_error_set_at(c->err, VAKT_E_LIMIT, c->file, 0, 0,
					 "more than %d headers", VAKT_PKG_MAX_RECORDS);
	vakt_error *e = NULL;
	if (vakt_rpm_header(blob, n, c->file, c->out, &e) < 0)
		vakt_pkg_warn(&c->w, 0, "header %llu skipped: %s", hnum, e ? e->msg : "unreadable");
	vakt_error_free(e);
	return 0;
}

vakt_rpmdb_kind vakt_rpmdb_detect(const void *data, size_t len)
{
	const unsigned char *d = data;
	if (len >= 16 && memcmp(d, "SQLite format 3", 16) == 0) /* with its NUL */
		return VAKT_RPMDB_SQLITE;
	if (len >= 16 && (le32(d + 12) == 0x00061561 || be32(d + 12) == 0x00061561))
		return VAKT_RPMDB_BDB;
	if (len >= 8 && memcmp(d, "RpmP", 4) == 0)
		return VAKT_RPMDB_NDB;
	return VAKT_RPMDB_UNKNOWN;
}

/* ---- SQLite ------------------------------------------------------------------------------ */

typedef struct sqlite_budget {
	unsigned long long calls, max;
} sqlite_budget;

/* Called every 1000 virtual-machine steps: a non-zero return interrupts the statement. */
static int sqlite_progress(void *ud)
{
	sqlite_budget *b = ud;
	return ++b->calls > b->max;
}

static int sqlite_fail(rpm_ctx *c, sqlite3 *db, int code, const char *what)
{
	return vakt_error_set_at(c->err, code, c->file, 0, 0, "not a readable rpm SQLite database: %s: %s",
				 what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int rpm_sqlite(const unsigned char *data, size_t len, rpm_ctx *c)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int r = 0, rc;

	if (len > (size_t)INT_MAX)
		return vakt_error_set_at(c->err, VAKT_E_LIMIT, c->file, 0, 0,
					 "SQLite database over 2 GiB");
	/* The database is read from a private copy in memory: sqlite3_deserialize needs a
	 * buffer sqlite owns (FREEONCLOSE), and the copy lets the header say "rollback
	 * journal" where rpm left it in WAL mode (bytes 18-19 = 2): the in-memory VFS has no
	 * shared memory for a WAL index. A checkpointed WAL database reads the same either
	 * way; a -wal file is not in the image anyway. */
	unsigned char *copy = sqlite3_malloc64(len ? len : 1);
	if (!copy)
		vakt_oom();
	memcpy(copy, data, len);
	if (len >= 20 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sqlite3_free(copy);
		r = sqlite_fail(c, db, VAKT_E_IO, "opening");
		goto out;
	}
	/* Hostile-database hardening, before any byte of it is read: DEFENSIVE forbids
	 * writes to the schema and shadow tables; no triggers, views or extensions (the
	 * Packages table of a real rpmdb is a plain table, so a "Packages" view cannot run
	 * SQL of the image's choosing); untrusted schema: no SQL functions from it; no
	 * ATTACH; no row longer than the file. */
	int ok = 1;
	ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK;
	ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK;
	ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) == SQLITE_OK;
	ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL) == SQLITE_OK;
	ok &= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL) == SQLITE_OK;
	if (!ok) {
		sqlite3_free(copy);
		r = sqlite_fail(c, db, VAKT_E_IO, "configuring");
		goto out;
	}
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, len > 1000 ? (int)len : 1000);
	/* read-only: sqlite never writes the buffer; FREEONCLOSE: it frees the copy (also
	 * when deserialize fails) */
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
	if (rc != SQLITE_OK) {
		r = sqlite_fail(c, db, VAKT_E_PARSE, "loading");
		goto out;
	}
	if (sqlite3_exec(db,
			 "PRAGMA trusted_schema=OFF; PRAGMA query_only=ON; "
			 "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		r = sqlite_fail(c, db, VAKT_E_PARSE, "setting pragmas");
		goto out;
	}
	/* Bounded time whatever the file holds: a generous number of VM steps per byte. */
	sqlite_budget budget = {0, 1000 + len / 16};
	sqlite3_progress_handler(db, 1000, sqlite_progress, &budget);

	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		int ec = sqlite3_errcode(db);
		r = sqlite_fail(c, db, ec == SQLITE_ERROR ? VAKT_E_INVALID : VAKT_E_PARSE,
				"reading the Packages table");
		goto out;
	}
	/* A sound database holds no more blob bytes than the file has; a corrupt one that
	 * shares overflow pages between rows could claim more, and stops here. */
	unsigned long long total = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 hnum = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			vakt_pkg_warn(&c->w, 0, "header %lld skipped: the blob column is not a blob",
				      (long long)hnum);
			continue;
		}
		const void *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (!blob || n <= 0) {
			vakt_pkg_warn(&c->w, 0, "header %lld skipped: empty blob", (long long)hnum);
			continue;
		}
		total += (unsigned long long)n;
		if (total > len) {
			r = vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					      "corrupt SQLite database: its rows hold more bytes "
					      "than the file");
			goto out;
		}
		r = rpm_one(c, (unsigned long long)hnum, blob, (size_t)n);
		if (r < 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = sqlite_fail(c, db, rc == SQLITE_INTERRUPT ? VAKT_E_LIMIT : VAKT_E_PARSE,
				rc == SQLITE_INTERRUPT ? "taking too long" : "reading Packages");
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

/* ---- Berkeley DB hash -------------------------------------------------------------------- */

/* Page layout (libdb dbinc/db_page.h): a 26-byte header on every page,
 *   0 lsn[8]  8 pgno  12 prev_pgno  16 next_pgno  20 entries(16)  22 hf_offset(16)
 *   24 level  25 type
 * then, on hash pages, `entries` 16-bit offsets of items stored from the end of the page
 * down: key and value alternate, item i runs from inp[i] to inp[i-1] (the page end for
 * i = 0). An item's first byte is its type: H_KEYDATA (the bytes follow) or H_OFFPAGE
 * (pad[3], first overflow page, total length). An overflow page holds hf_offset bytes
 * after its header and names the next page. The metadata page (page 0) gives the page
 * size, the last page, the highest bucket and the "spares" that map a bucket to its page:
 * bucket b lives on page b + spares[bit length of b]. Integers are in the byte order of
 * the machine that wrote the file; the magic number tells which. With page checksums
 * (DBMETA_CHKSUM in the metadata flags) the header is 32 bytes: 2 of padding and the
 * checksum follow. Encrypted files are refused. */
#define BDB_HASH_MAGIC 0x00061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13
#define H_KEYDATA 1
#define H_DUPLICATE 2
#define H_OFFPAGE 3
#define H_OFFDUP 4
#define BDB_PAGE_HDR 26

typedef struct bdb {
	const unsigned char *d;
	size_t pagesize;
	uint32_t npages; /* pages that are both in the file and not past last_pgno */
	bool be;
	size_t hdr;          /* page header: 26 bytes, 32 with page checksums */
	unsigned char *seen; /* one bit per page: every page is used once at most */
	vakt_buf val;        /* an overflow value being assembled */
} bdb;

static uint32_t bdb32(const bdb *b, const unsigned char *p)
{
	return b->be ? be32(p) : le32(p);
}

static unsigned bdb16(const bdb *b, const unsigned char *p)
{
	return b->be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

/* Page pg, or NULL (with a warning) when it is out of range, seen before (a loop or two
 * chains sharing a page), does not carry its own number, or has a type not in want. */
static const unsigned char *bdb_page(rpm_ctx *c, bdb *b, uint32_t pg, int want1, int want2,
				     const char *what)
{
	if (pg == 0 || pg >= b->npages) {
		vakt_pkg_warn(&c->w, 0, "%s: page %u is out of range (%u pages)", what, pg, b->npages);
		return NULL;
	}
	if (b->seen[pg / 8] & (1u << (pg % 8))) {
		vakt_pkg_warn(&c->w, 0, "%s: page %u is reached a second time (a loop)", what, pg);
		return NULL;
	}
	b->seen[pg / 8] |= (unsigned char)(1u << (pg % 8));
	const unsigned char *p = b->d + (size_t)pg * b->pagesize;
	if (bdb32(b, p + 8) != pg) {
		vakt_pkg_warn(&c->w, 0, "%s: page %u says it is page %u", what, pg, bdb32(b, p + 8));
		return NULL;
	}
	if (p[25] != want1 && p[25] != want2) {
		vakt_pkg_warn(&c->w, 0, "%s: page %u has type %u", what, pg, p[25]);
		return NULL;
	}
	return p;
}

/* Gather a value from its overflow chain into b->val. */
static bool bdb_overflow(rpm_ctx *c, bdb *b, uint32_t pg, uint32_t total, uint32_t hnum)
{
	char what[64];
	snprintf(what, sizeof(what), "header %u", hnum);
	vakt_buf_reset(&b->val);
	if (total == 0 || total > b->val.max) {
		vakt_pkg_warn(&c->w, 0, "header %u skipped: overflow length %u out of range", hnum,
			      total);
		return false;
	}
	uint32_t left = total;
	while (left > 0) {
		const unsigned char *p = bdb_page(c, b, pg, P_OVERFLOW, P_OVERFLOW, what);
		if (!p)
			return false;
		unsigned n = bdb16(b, p + 22);
		if (n == 0 || n > b->pagesize - b->hdr || n > left) {
			vakt_pkg_warn(&c->w, 0, "header %u skipped: overflow page %u holds %u bytes",
				      hnum, pg, n);
			return false;
		}
		vakt_buf_append(&b->val, p + b->hdr, n); /* within max: total <= file */
		left -= n;
		pg = bdb32(b, p + 16);
	}
	return true;
}

static int bdb_item_pair(rpm_ctx *c, bdb *b, uint32_t pg, const unsigned char *p, unsigned n,
			 unsigned i)
{
	const unsigned char *inp = p + b->hdr;
	size_t min = b->hdr + 2 * (size_t)n;
	size_t koff = bdb16(b, inp + 2 * i), voff = bdb16(b, inp + 2 * (i + 1));
	size_t kend = i == 0 ? b->pagesize : bdb16(b, inp + 2 * (i - 1));
	if (kend > b->pagesize || koff < min || koff >= kend || voff < min || voff >= koff) {
		vakt_pkg_warn(&c->w, 0, "page %u: item %u has bad offsets", pg, i);
		return 0;
	}
	size_t klen = kend - koff, vlen = koff - voff;
	const unsigned char *k = p + koff, *v = p + voff;
	if (k[0] != H_KEYDATA || klen != 5) {
		vakt_pkg_warn(&c->w, 0, "page %u: item %u: key is not a 4-byte header number", pg, i);
		return 0;
	}
	uint32_t hnum = bdb32(b, k + 1);
	if (hnum == 0)
		return 0; /* rpm's record 0 holds the next free header number, not a header */
	switch (v[0]) {
	case H_KEYDATA:
		return rpm_one(c, hnum, v + 1, vlen - 1);
	case H_OFFPAGE:
		if (vlen < 12) {
			vakt_pkg_warn(&c->w, 0, "header %u skipped: short off-page item", hnum);
			return 0;
		}
		if (!bdb_overflow(c, b, bdb32(b, v + 4), bdb32(b, v + 8), hnum))
			return 0;
		return rpm_one(c, hnum, b->val.data, b->val.len);
	default:
		vakt_pkg_warn(&c->w, 0, "header %u skipped: item type %u is not used by rpm", hnum,
			      v[0]);
		return 0;
	}
}

static int rpm_bdb(const unsigned char *d, size_t len, rpm_ctx *c)
{
	bdb b = {.d = d};
	int r = 0;
	if (len < 512)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "Berkeley DB: truncated metadata page (%zu bytes)", len);
	if (le32(d + 12) == BDB_HASH_MAGIC)
		b.be = false;
	else if (be32(d + 12) == BDB_HASH_MAGIC)
		b.be = true;
	else
		return vakt_error_set_at(c->err, VAKT_E_INVALID, c->file, 0, 0,
					 "not a Berkeley DB hash database");
	uint32_t version = bdb32(&b, d + 16), pagesize = bdb32(&b, d + 20);
	if (version < 8 || version > 10)
		return vakt_error_set_at(c->err, VAKT_E_INVALID, c->file, 0, 0,
					 "Berkeley DB hash version %u is not supported (8-10)", version);
	if (pagesize < 512 || pagesize > 65536 || (pagesize & (pagesize - 1)))
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "Berkeley DB: bad page size %u", pagesize);
	if (d[24] != 0)
		return vakt_error_set_at(c->err, VAKT_E_INVALID, c->file, 0, 0,
					 "Berkeley DB: encrypted database");
	if (d[25] != P_HASHMETA)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "Berkeley DB: page 0 has type %u, not hash metadata", d[25]);
	/* DBMETA_CHKSUM: every page header grows by 6 bytes (2 of padding, a 4-byte
	 * checksum, not verified here) before the item index or overflow data */
	b.hdr = (d[26] & 1) ? 32 : BDB_PAGE_HDR;
	b.pagesize = pagesize;
	uint32_t last = bdb32(&b, d + 32);
	size_t in_file = len / pagesize;
	if (len % pagesize)
		vakt_pkg_warn(&c->w, 0, "file size %zu is not a multiple of the page size %u", len,
			      pagesize);
	if (in_file == 0)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "Berkeley DB: shorter than one %u-byte page", pagesize);
	if ((size_t)last >= in_file)
		vakt_pkg_warn(&c->w, 0, "truncated: the last page is %u, the file holds %zu", last,
			      in_file);
	b.npages = (uint32_t)((size_t)last + 1 < in_file ? (size_t)last + 1 : in_file);
	uint32_t max_bucket = bdb32(&b, d + 72);
	if (max_bucket >= b.npages)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "Berkeley DB: %u buckets in %u pages", max_bucket + 1,
					 b.npages);
	uint32_t spares[32];
	for (int i = 0; i < 32; i++)
		spares[i] = bdb32(&b, d + 96 + 4 * i);

	b.seen = xcalloc((b.npages + 7) / 8, 1);
	b.seen[0] = 1; /* the metadata page */
	vakt_buf_init(&b.val, len);
	for (uint32_t bucket = 0; bucket <= max_bucket && r == 0; bucket++) {
		int bits = 0;
		for (uint32_t x = bucket; x; x >>= 1)
			bits++;
		if (bits >= 32)
			break; /* unreachable: max_bucket < npages <= len / 512 */
		uint64_t first = (uint64_t)bucket + spares[bits];
		uint32_t pg = first > UINT32_MAX ? UINT32_MAX : (uint32_t)first;
		char what[48];
		snprintf(what, sizeof(what), "bucket %u", bucket);
		while (pg != 0 && r == 0) {
			const unsigned char *p = bdb_page(c, &b, pg, P_HASH, P_HASH_UNSORTED, what);
			if (!p)
				break;
			unsigned n = bdb16(&b, p + 20);
			if (b.hdr + 2 * (size_t)n > pagesize) {
				vakt_pkg_warn(&c->w, 0, "page %u: %u entries do not fit", pg, n);
				break;
			}
			if (n % 2) {
				vakt_pkg_warn(&c->w, 0, "page %u: odd number of entries (%u)", pg, n);
				n--;
			}
			for (unsigned i = 0; i < n && r == 0; i += 2)
				r = bdb_item_pair(c, &b, pg, p, n, i);
			pg = bdb32(&b, p + 16);
		}
	}
	free(b.seen);
	vakt_buf_free(&b.val);
	return r;
}

/* ---- NDB (rpm's lib/backend/ndb/rpmpkg.c) ------------------------------------------------- */

/* Little-endian throughout. A 32-byte header ("RpmP", version 0, generation, slot page
 * count, next package index), which shares the first 4096-byte slot page; slots of 16
 * bytes ("Slot", package index, block offset, block count; blocks of 16 bytes; offset 0:
 * free); a blob at a block offset: "BlbS", package index, generation, length, the header
 * blob, zero padding to the block, then a tail (adler32, length, "BlbE") in the last 12
 * bytes of the blocks. */
#define NDB_PAGE 4096u
#define NDB_BLK 16u

typedef struct ndb_slot {
	uint32_t pkgidx, blkoff, blkcnt;
} ndb_slot;

static int cmp_slot(const void *a, const void *b)
{
	uint32_t x = ((const ndb_slot *)a)->blkoff, y = ((const ndb_slot *)b)->blkoff;
	return (x > y) - (x < y);
}

static int rpm_ndb(const unsigned char *d, size_t len, rpm_ctx *c)
{
	if (len < 32)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0, "NDB: truncated header");
	if (le32(d + 4) != 0)
		return vakt_error_set_at(c->err, VAKT_E_INVALID, c->file, 0, 0,
					 "NDB version %u is not supported (0)", le32(d + 4));
	uint32_t npages = le32(d + 12);
	if (npages == 0 || (uint64_t)npages * NDB_PAGE > len)
		return vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					 "NDB: %u slot pages do not fit in %zu bytes", npages, len);
	size_t nslots = (size_t)npages * (NDB_PAGE / 16) - 2;
	ndb_slot *slots = xreallocarray(NULL, nslots, sizeof(*slots));
	size_t used = 0;
	uint64_t minblk = (uint64_t)npages * (NDB_PAGE / NDB_BLK);
	int r = 0;
	for (size_t i = 0; i < nslots; i++) {
		const unsigned char *s = d + 32 + 16 * i;
		if (memcmp(s, "Slot", 4) != 0) {
			r = vakt_error_set_at(c->err, VAKT_E_PARSE, c->file, 0, 0,
					      "NDB: slot %zu has a bad magic number", i);
			goto out;
		}
		ndb_slot sl = {le32(s + 4), le32(s + 8), le32(s + 12)};
		if (sl.blkoff == 0)
			continue; /* free */
		if (sl.pkgidx == 0 || sl.blkcnt == 0 || sl.blkoff < minblk ||
		    ((uint64_t)sl.blkoff + sl.blkcnt) * NDB_BLK > len) {
			vakt_pkg_warn(&c->w, 0, "NDB slot %zu (package %u): blocks out of range", i,
				      sl.pkgidx);
			continue;
		}
		slots[used++] = sl;
	}
	/* in file order, so overlapping blobs (each byte parsed once at most) show */
	qsort(slots, used, sizeof(*slots), cmp_slot);
	uint64_t prev_end = 0;
	for (size_t i = 0; i < used && r == 0; i++) {
		const ndb_slot *sl = &slots[i];
		if (sl->blkoff < prev_end) {
			vakt_pkg_warn(&c->w, 0, "header %u skipped: its blob overlaps another",
				      sl->pkgidx);
			continue;
		}
		prev_end = (uint64_t)sl->blkoff + sl->blkcnt;
		const unsigned char *h = d + (size_t)sl->blkoff * NDB_BLK;
		size_t room = (size_t)sl->blkcnt * NDB_BLK;
		if (room < 16 + 12 || memcmp(h, "BlbS", 4) != 0 || le32(h + 4) != sl->pkgidx) {
			vakt_pkg_warn(&c->w, 0, "header %u skipped: no blob at block %u", sl->pkgidx,
				      sl->blkoff);
			continue;
		}
		uint32_t blen = le32(h + 12);
		if ((uint64_t)blen + 16 + 12 > room) {
			vakt_pkg_warn(&c->w, 0, "header %u skipped: blob of %u bytes overruns its %zu "
				      "bytes of blocks", sl->pkgidx, blen, room);
			continue;
		}
		/* The tail ends the blocks; its adler32 covers head, blob and padding. A bad
		 * tail or checksum is reported, and the blob still read: it is bounded by its
		 * blocks and checked as a header, and reporting a package from a damaged
		 * database beats hiding it. */
		const unsigned char *t = h + room - 12;
		if (le32(t + 4) != blen || memcmp(t + 8, "BlbE", 4) != 0)
			vakt_pkg_warn(&c->w, 0, "header %u: blob tail missing; read anyway",
				      sl->pkgidx);
		else if (adler32_z(1, h, room - 12) != le32(t))
			vakt_pkg_warn(&c->w, 0, "header %u: blob checksum mismatch; read anyway",
				      sl->pkgidx);
		r = rpm_one(c, sl->pkgidx, h + 16, blen);
	}
out:
	free(slots);
	return r;
}

/* ---- dispatch ------------------------------------------------------------------------ */

int vakt_pkgdb_rpm(const void *data, size_t len, const char *file, vakt_pkg_list *out,
		   vakt_pkg_warn_fn warn, void *ud, vakt_error **err)
{
	rpm_ctx c = {
		.out = out,
		.start = out->n,
		.w = {warn, ud, file, 0},
		.file = file,
		.err = err,
	};
	const unsigned char *d = data;
	int r;
	switch (vakt_rpmdb_detect(data, len)) {
	case VAKT_RPMDB_SQLITE: r = rpm_sqlite(d, len, &c); break;
	case VAKT_RPMDB_BDB: r = rpm_bdb(d, len, &c); break;
	case VAKT_RPMDB_NDB: r = rpm_ndb(d, len, &c); break;
	case VAKT_RPMDB_UNKNOWN:
	default:
		if (len >= 16 && (le32(d + 12) == 0x00053162 || be32(d + 12) == 0x00053162))
			r = vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
					      "a Berkeley DB btree, not rpm's Packages hash database");
		else
			r = vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0,
					      "not an rpm database (SQLite, Berkeley DB hash or NDB)");
		break;
	}
	if (r < 0)
		out->n = c.start; /* nothing appended on error */
	return r;
}
