/* pkg_apk.c - apk's installed database (lib/apk/db/installed).
 *
 * The format (apk-tools' "FDB"): one record per package, records separated by an empty
 * line; each line is a one-letter key, ':', and the value:
 *
 *   C:Q1...=            checksum          P:musl          name
 *   V:1.2.4-r2          version           A:x86_64        architecture
 *   L:MIT               licence           o:musl          origin (the source package)
 *   m:Name <mail>       maintainer        T: U: S: I: t: c: D: p: i: r: q: k:   not used here
 *   F:lib  R:file  a:  M:  Z:             the files, as many lines as the package has
 *
 * Read in one pass, a line at a time; values are slices of the input until a record is
 * kept. apk itself stops at a line without the "X:" shape; here the line is skipped with
 * a warning and the record kept.
 */
#include "image/pkg.h"
#include "image/pkg_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { A_NAME, A_VERSION, A_ARCH, A_ORIGIN, A_LICENSE, A_MAINTAINER, A_COUNT };

static const char *const apk_field_names[A_COUNT] = {"P", "V", "A", "o", "L", "m"};

typedef struct apk_rec {
	const char *val[A_COUNT];
	size_t len[A_COUNT];
	unsigned line; /* of the record's first line */
	bool any;
	bool bad_reported;
} apk_rec;

typedef struct apk_ctx {
	vakt_pkg_list *out;
	size_t start;
	vakt_pkg_rec *recs;
	size_t nrecs, caprecs;
	vakt_pkg_warner w;
	const char *db_path;
	const char *file;
	vakt_error **err;
} apk_ctx;

static int apk_finish(apk_ctx *c, const apk_rec *r)
{
	vakt_pkg_warner *w = &c->w;
	vakt_arena *a = &c->out->arena;
	char q[256];
	if (!r->any)
		return 0;
	for (int i = 0; i < A_COUNT; i++) {
		if (!r->val[i])
			continue;
		if (r->len[i] > VAKT_PKG_MAX_FIELD) {
			vakt_pkg_warn(w, r->line, "%s: value longer than %d bytes: record skipped",
				      apk_field_names[i], VAKT_PKG_MAX_FIELD);
			return 0;
		}
		if (memchr(r->val[i], '\0', r->len[i])) {
			vakt_pkg_warn(w, r->line, "NUL byte in the %s: value: record skipped",
				      apk_field_names[i]);
			return 0;
		}
	}
	const char *name = r->val[A_NAME] ? vakt_pkg_fold(a, r->val[A_NAME], r->len[A_NAME]) : NULL;
	if (!name) {
		vakt_pkg_warn(w, r->line, "record without a package name (P:) skipped");
		return 0;
	}
	if (strchr(name, ' ')) {
		vakt_pkg_warn(w, r->line, "bad package name '%s': record skipped",
			      vakt_pkg_quote(q, sizeof(q), name, strlen(name)));
		return 0;
	}
	const char *version =
		r->val[A_VERSION] ? vakt_pkg_fold(a, r->val[A_VERSION], r->len[A_VERSION]) : NULL;
	if (!version) {
		vakt_pkg_warn(w, r->line, "package %s has no version (V:): skipped",
			      vakt_pkg_quote(q, sizeof(q), name, strlen(name)));
		return 0;
	}
	if (c->out->n - c->start >= VAKT_PKG_MAX_RECORDS)
		return vakt_error_set_at(c->err, VAKT_E_LIMIT, c->file, r->line, 0,
					 "more than %d packages", VAKT_PKG_MAX_RECORDS);
	if (c->nrecs == c->caprecs) {
		c->caprecs = c->caprecs ? 2 * c->caprecs : 64;
		c->recs = xreallocarray(c->recs, c->caprecs, sizeof(*c->recs));
	}
	c->recs[c->nrecs++] = (vakt_pkg_rec){.line = r->line};

	vakt_pkg *p = vakt_pkg_list_add(c->out);
	p->type = VAKT_PKG_APK;
	p->name = name;
	p->version = version;
	p->db_path = c->db_path;
	if (r->val[A_ARCH])
		p->arch = vakt_pkg_fold(a, r->val[A_ARCH], r->len[A_ARCH]);
	if (r->val[A_LICENSE])
		p->license = vakt_pkg_fold(a, r->val[A_LICENSE], r->len[A_LICENSE]);
	if (r->val[A_MAINTAINER])
		p->maintainer = vakt_pkg_fold(a, r->val[A_MAINTAINER], r->len[A_MAINTAINER]);
	const char *origin =
		r->val[A_ORIGIN] ? vakt_pkg_fold(a, r->val[A_ORIGIN], r->len[A_ORIGIN]) : NULL;
	p->src_name = origin ? origin : name;
	p->src_version = version; /* apk records no separate source version */
	return 0;
}

int vakt_pkgdb_apk(const char *data, size_t len, const char *file, vakt_pkg_list *out,
		   vakt_pkg_warn_fn warn, void *ud, vakt_error **err)
{
	apk_ctx c = {
		.out = out,
		.start = out->n,
		.w = {warn, ud, file, 0},
		.db_path = vakt_arena_strdup(&out->arena, file),
		.file = file,
		.err = err,
	};
	apk_rec rec = {0};
	const char *p = data, *end = data + len;
	unsigned line = 0;
	int r = 0;
	char q[256];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *ls = p;
		p = nl ? nl + 1 : end;
		line++;
		while (e > ls && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == ls) {
			/* an empty line ends the record */
			r = apk_finish(&c, &rec);
			if (r < 0)
				break;
			memset(&rec, 0, sizeof(rec));
			continue;
		}
		if (!rec.any) {
			rec.any = true;
			rec.line = line;
		}
		if (e - ls < 2 || ls[1] != ':') {
			if (!rec.bad_reported) {
				rec.bad_reported = true;
				vakt_pkg_warn(&c.w, line, "not a 'X:value' line: '%s'",
					      vakt_pkg_quote(q, sizeof(q), ls, (size_t)(e - ls)));
			}
			continue;
		}
		int id;
		switch (ls[0]) {
		case 'P': id = A_NAME; break;
		case 'V': id = A_VERSION; break;
		case 'A': id = A_ARCH; break;
		case 'o': id = A_ORIGIN; break;
		case 'L': id = A_LICENSE; break;
		case 'm': id = A_MAINTAINER; break;
		default: id = -1; break;
		}
		if (id >= 0) {
			/* a repeated key replaces the value, as in apk */
			rec.val[id] = ls + 2;
			rec.len[id] = (size_t)(e - ls - 2);
		}
	}
	if (r == 0)
		r = apk_finish(&c, &rec); /* the last record may lack its empty line */
	if (r == 0) {
		/* the same package twice (name, arch, version) is reported once; two versions
		 * of one name are both kept: hiding either could hide a vulnerable one */
		vakt_pkg_mark_dups(out, c.start, c.recs, true, false, &c.w);
		vakt_pkg_compact(out, c.start, c.recs);
	} else {
		out->n = c.start;
	}
	free(c.recs);
	return r;
}
