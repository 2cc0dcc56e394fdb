/* pkg_dpkg.c - dpkg's status database (and distroless status.d files) and DEP-5 copyright
 * files: both are deb822, "Field: value" paragraphs separated by blank lines.
 *
 * The paragraph reader walks the input once, a line at a time (memchr for the line
 * break), and hands out fields as slices of the input: nothing is allocated until a
 * package is kept, and then only its few strings, in the list's arena.
 */
#include "image/pkg.h"
#include "image/pkg_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

/* ---- deb822 paragraphs ---------------------------------------------------------------- */

typedef struct d822 {
	const char *p, *end; /* the next unread byte */
	unsigned line;       /* the number of the line starting at p */
	bool in_par;         /* a field of the current paragraph has been returned */
} d822;

typedef struct d822_field {
	const char *name;
	size_t nlen;
	/* from after the colon (leading blanks skipped) to the end of the field's last
	 * continuation line, without its line break; continuation lines included as written */
	const char *val;
	size_t vlen;
	size_t first_len; /* the value's first line */
	unsigned line;
} d822_field;

enum { D822_EOF, D822_FIELD, D822_END, D822_BAD };

static void d822_init(d822 *d, const char *data, size_t len)
{
	d->p = data;
	d->end = data + len;
	d->line = 1;
	d->in_par = false;
}

static bool blank_line(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/* The line at d->p: [*ls, *ce) without the line break or a CR before it; moves d past it. */
static void d822_take_line(d822 *d, const char **ls, const char **ce)
{
	const char *s = d->p;
	const char *nl = memchr(s, '\n', (size_t)(d->end - s));
	const char *e = nl ? nl : d->end;
	*ls = s;
	*ce = (e > s && e[-1] == '\r') ? e - 1 : e;
	d->p = nl ? nl + 1 : d->end;
	d->line++;
}

/* Next event: a field (into *f), the end of a paragraph, a line that is not a field (f->line
 * says where), or the end of the input. Lines that hold only blanks separate paragraphs (as
 * a CRLF file's empty lines do); '#' lines are comments; a continuation line with no field
 * before it (after a bad line) is ignored. */
static int d822_next(d822 *d, d822_field *f)
{
	for (;;) {
		if (d->p >= d->end) {
			if (d->in_par) {
				d->in_par = false;
				return D822_END;
			}
			return D822_EOF;
		}
		unsigned line = d->line;
		const char *ls, *ce;
		d822_take_line(d, &ls, &ce);
		if (blank_line(ls, ce)) {
			if (d->in_par) {
				d->in_par = false;
				return D822_END;
			}
			continue;
		}
		if (*ls == '#' || *ls == ' ' || *ls == '\t')
			continue;
		d->in_par = true;
		const char *colon = memchr(ls, ':', (size_t)(ce - ls));
		if (!colon || colon == ls) {
			f->line = line;
			f->name = ls;
			f->nlen = (size_t)(ce - ls);
			return D822_BAD;
		}
		const char *ne = colon;
		while (ne > ls && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		const char *v = colon + 1;
		while (v < ce && (*v == ' ' || *v == '\t'))
			v++;
		const char *vend = ce;
		f->first_len = (size_t)(ce - v);
		/* continuation lines: start with a blank and hold something else too */
		while (d->p < d->end && (*d->p == ' ' || *d->p == '\t')) {
			const char *nl = memchr(d->p, '\n', (size_t)(d->end - d->p));
			const char *e = nl ? nl : d->end;
			if (blank_line(d->p, e))
				break; /* a paragraph separator, read as such next time */
			const char *cls, *cce;
			d822_take_line(d, &cls, &cce);
			vend = cce;
		}
		f->name = ls;
		f->nlen = (size_t)(ne - ls);
		f->val = v;
		f->vlen = (size_t)(vend - v);
		f->line = line;
		return D822_FIELD;
	}
}

static bool field_is(const d822_field *f, const char *name, size_t n)
{
	return f->nlen == n && strncasecmp(f->name, name, n) == 0;
}

/* ---- versions ------------------------------------------------------------------------ */

/* dpkg's spelling of a version (parseversion, then varbuf_add_dpkg_version as dpkg-query's
 * ${Version} and ${source:Version} print it): the epoch shown only when it is not zero or
 * the rest holds a colon, and without leading zeros. v is folded (no outer blanks). Returns
 * false when dpkg would reject the version; then *ret is v as written, without epoch. */
static bool dpkg_version(vakt_arena *a, const char *v, const char **ret, bool *has_epoch,
			 uint32_t *epoch)
{
	*ret = v;
	*has_epoch = false;
	*epoch = 0;
	if (strpbrk(v, " \t"))
		return false; /* "embedded spaces" */
	const char *colon = strchr(v, ':');
	const char *rest = v;
	unsigned long e = 0;
	if (colon) {
		if (colon == v)
			return false; /* empty epoch */
		for (const char *p = v; p < colon; p++) {
			if (*p < '0' || *p > '9')
				return false;
			e = e * 10 + (unsigned long)(*p - '0');
			if (e > INT_MAX)
				return false; /* "epoch in version is too big" */
		}
		rest = colon + 1;
	}
	if (*rest == '\0')
		return false;
	const char *hyphen = strrchr(rest, '-');
	if (hyphen && hyphen[1] == '\0')
		return false; /* "revision number is empty" */
	if (e != 0 || strchr(rest, ':')) {
		*has_epoch = true;
		*epoch = (uint32_t)e;
		/* "01:2" is printed "1:2" */
		if (v[0] == '0' && colon != v + 1)
			*ret = vakt_arena_printf(a, "%lu:%s", e, rest);
	} else {
		*ret = rest; /* "0:1.2" is printed "1.2" */
	}
	return true;
}

/* ---- the status database --------------------------------------------------------------- */

enum { F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_MAINTAINER, F_COUNT };

typedef struct dpkg_par {
	const char *val[F_COUNT];
	size_t len[F_COUNT];
	unsigned line; /* of the paragraph's first field */
	bool any;      /* the paragraph has a field */
} dpkg_par;

typedef struct dpkg_ctx {
	vakt_pkg_list *out;
	size_t start;
	vakt_pkg_rec *recs;
	size_t nrecs, caprecs;
	vakt_pkg_warner w;
	const char *db_path; /* in out->arena */
	const char *file;
	vakt_error **err;
} dpkg_ctx;

/* Status words 1 and 2 (want, error flag) do not matter here; word 3 says whether the
 * package's files are on the disk. */
static const char *const on_disk[] = {"installed", "half-installed", "unpacked",
				      "half-configured", "triggers-awaited", "triggers-pending"};
static const char *const not_on_disk[] = {"not-installed", "config-files"};

static bool word_in(const char *w, size_t n, const char *const *set, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(set[i]) == n && memcmp(set[i], w, n) == 0)
			return true;
	return false;
}

static const char *const field_names[F_COUNT] = {"Package", "Status", "Version",
						 "Architecture", "Source", "Maintainer"};

/* A paragraph is complete: append its package (with a record saying whether it is on the
 * disk), or warn and skip it. Returns 0 or VAKT_E_LIMIT. */
static int dpkg_finish(dpkg_ctx *c, dpkg_par *par)
{
	vakt_pkg_warner *w = &c->w;
	char q[256], q2[256];
	if (!par->any)
		return 0;
	if (!par->val[F_PACKAGE]) {
		vakt_pkg_warn(w, par->line, "paragraph without a Package field skipped");
		return 0;
	}
	for (int i = 0; i < F_COUNT; i++) {
		if (!par->val[i])
			continue;
		if (par->len[i] > VAKT_PKG_MAX_FIELD) {
			vakt_pkg_warn(w, par->line, "%s field longer than %d bytes: paragraph skipped",
				      field_names[i], VAKT_PKG_MAX_FIELD);
			return 0;
		}
		if (memchr(par->val[i], '\0', par->len[i])) {
			vakt_pkg_warn(w, par->line, "NUL byte in the %s field: paragraph skipped",
				      field_names[i]);
			return 0;
		}
	}
	vakt_arena *a = &c->out->arena;
	const char *name = vakt_pkg_fold(a, par->val[F_PACKAGE], par->len[F_PACKAGE]);
	if (!name || strchr(name, ' ')) {
		vakt_pkg_warn(w, par->line, "bad package name '%s': paragraph skipped",
			      vakt_pkg_quote(q, sizeof(q), par->val[F_PACKAGE], par->len[F_PACKAGE]));
		return 0;
	}

	/* Distroless status.d files carry no Status: what is listed is installed. */
	bool absent = false;
	if (par->val[F_STATUS]) {
		const char *s = par->val[F_STATUS], *e = s + par->len[F_STATUS];
		const char *words[4];
		size_t wlen[4];
		int nw = 0;
		while (s < e) {
			while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
				s++;
			if (s == e)
				break;
			const char *b = s;
			while (s < e && !(*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
				s++;
			if (nw == 4)
				break;
			words[nw] = b;
			wlen[nw++] = (size_t)(s - b);
		}
		if (nw != 3) {
			vakt_pkg_warn(w, par->line, "package %s: Status '%s' is not three words: skipped",
				      vakt_pkg_quote(q, sizeof(q), name, strlen(name)),
				      vakt_pkg_quote(q2, sizeof(q2), par->val[F_STATUS], par->len[F_STATUS]));
			return 0;
		}
		if (word_in(words[2], wlen[2], not_on_disk, VAKT_ARRAY_SIZE(not_on_disk))) {
			absent = true;
		} else if (!word_in(words[2], wlen[2], on_disk, VAKT_ARRAY_SIZE(on_disk))) {
			vakt_pkg_warn(w, par->line, "package %s: unknown status '%s': skipped",
				      vakt_pkg_quote(q, sizeof(q), name, strlen(name)),
				      vakt_pkg_quote(q2, sizeof(q2), words[2], wlen[2]));
			return 0;
		}
	}

	const char *vtext = par->val[F_VERSION]
				    ? vakt_pkg_fold(a, par->val[F_VERSION], par->len[F_VERSION])
				    : NULL;
	if (!vtext && !absent) {
		vakt_pkg_warn(w, par->line, "package %s has no Version: skipped",
			      vakt_pkg_quote(q, sizeof(q), name, strlen(name)));
		return 0;
	}

	if (c->out->n - c->start >= VAKT_PKG_MAX_RECORDS)
		return vakt_error_set_at(c->err, VAKT_E_LIMIT, c->file, par->line, 0,
					 "more than %d packages", VAKT_PKG_MAX_RECORDS);
	vakt_pkg *p = vakt_pkg_list_add(c->out);
	if (c->nrecs == c->caprecs) {
		c->caprecs = c->caprecs ? 2 * c->caprecs : 64;
		c->recs = xreallocarray(c->recs, c->caprecs, sizeof(*c->recs));
	}
	c->recs[c->nrecs++] = (vakt_pkg_rec){.line = par->line, .absent = absent};

	p->type = VAKT_PKG_DPKG;
	p->name = name;
	p->db_path = c->db_path;
	if (vtext && !dpkg_version(a, vtext, &p->version, &p->has_epoch, &p->epoch) && !absent)
		vakt_pkg_warn(w, par->line, "package %s: version '%s' has bad syntax",
			      vakt_pkg_quote(q, sizeof(q), name, strlen(name)),
			      vakt_pkg_quote(q2, sizeof(q2), vtext, strlen(vtext)));
	if (par->val[F_ARCH])
		p->arch = vakt_pkg_fold(a, par->val[F_ARCH], par->len[F_ARCH]);
	if (par->val[F_MAINTAINER])
		p->maintainer = vakt_pkg_fold(a, par->val[F_MAINTAINER], par->len[F_MAINTAINER]);

	/* Source: "name" or "name (version)"; dpkg-query's ${source:Package} is the text up
	 * to the first space, ${source:Version} what stands between '(' and ')' (to the end
	 * when there is no ')'), or the binary's version. */
	p->src_name = name;
	p->src_version = p->version;
	const char *src = par->val[F_SOURCE] ? vakt_pkg_fold(a, par->val[F_SOURCE], par->len[F_SOURCE])
					     : NULL;
	if (src) {
		size_t n = strcspn(src, " ");
		if (n > 0)
			p->src_name = src[n] ? vakt_arena_strndup(a, src, n) : src;
		const char *open = strchr(src, '(');
		if (open) {
			open++;
			size_t vn = strcspn(open, ")");
			const char *sv = vakt_pkg_fold(a, open, vn);
			bool he;
			uint32_t ep;
			if (!sv) {
				vakt_pkg_warn(w, par->line,
					      "package %s: empty source version; using the binary's",
					      vakt_pkg_quote(q, sizeof(q), name, strlen(name)));
			} else {
				if (!dpkg_version(a, sv, &p->src_version, &he, &ep))
					vakt_pkg_warn(w, par->line,
						      "package %s: source version '%s' has bad syntax",
						      vakt_pkg_quote(q, sizeof(q), name, strlen(name)),
						      vakt_pkg_quote(q2, sizeof(q2), sv, strlen(sv)));
			}
		}
	}
	return 0;
}

int vakt_pkgdb_dpkg(const char *data, size_t len, const char *file, vakt_pkg_list *out,
		    vakt_pkg_warn_fn warn, void *ud, vakt_error **err)
{
	dpkg_ctx c = {
		.out = out,
		.start = out->n,
		.w = {warn, ud, file, 0},
		.db_path = vakt_arena_strdup(&out->arena, file),
		.file = file,
		.err = err,
	};
	d822 d;
	d822_field f;
	dpkg_par par = {0};
	int ev, r = 0;
	char q[256];
	unsigned bad_reported = 0;

	d822_init(&d, data, len);
	while ((ev = d822_next(&d, &f)) != D822_EOF) {
		if (ev == D822_END) {
			r = dpkg_finish(&c, &par);
			if (r < 0)
				break;
			memset(&par, 0, sizeof(par));
			continue;
		}
		if (!par.any) {
			par.any = true;
			par.line = f.line;
		}
		if (ev == D822_BAD) {
			/* once per paragraph: a binary file would otherwise warn on every line */
			if (bad_reported != par.line) {
				bad_reported = par.line;
				vakt_pkg_warn(&c.w, f.line, "not a 'Field: value' line: '%s'",
					      vakt_pkg_quote(q, sizeof(q), f.name, f.nlen));
			}
			continue;
		}
		int id = -1;
		switch (f.nlen) {
		case 6:
			if (field_is(&f, "Status", 6))
				id = F_STATUS;
			else if (field_is(&f, "Source", 6))
				id = F_SOURCE;
			break;
		case 7:
			if (field_is(&f, "Package", 7))
				id = F_PACKAGE;
			else if (field_is(&f, "Version", 7))
				id = F_VERSION;
			break;
		case 10:
			if (field_is(&f, "Maintainer", 10))
				id = F_MAINTAINER;
			break;
		case 12:
			if (field_is(&f, "Architecture", 12))
				id = F_ARCH;
			break;
		default: break;
		}
		if (id >= 0) {
			/* a repeated field: dpkg refuses the paragraph; the last one is kept here */
			par.val[id] = f.val;
			par.len[id] = f.vlen;
		}
	}
	if (r == 0) {
		/* dpkg keeps one entry per package and architecture: a later stanza replaces an
		 * earlier one, and only then does its Status decide. */
		vakt_pkg_mark_dups(out, c.start, c.recs, false, true, &c.w);
		vakt_pkg_compact(out, c.start, c.recs);
	} else {
		out->n = c.start; /* nothing appended on error */
	}
	free(c.recs);
	return r;
}

/* ---- DEP-5 copyright files ----------------------------------------------------------- */

#define COPYRIGHT_MAX_LICENSES 64
#define COPYRIGHT_MAX_NAME 512

const char *vakt_pkgdb_dpkg_copyright(const char *data, size_t len, vakt_arena *arena)
{
	d822 d;
	d822_field f;
	int ev;
	bool first = true, machine = false, has_files = false;
	const char *lic = NULL;
	size_t lic_len = 0;
	/* the distinct short names, NUL-separated in one scratch buffer */
	vakt_buf names = VAKT_BUF_INIT(COPYRIGHT_MAX_LICENSES * (COPYRIGHT_MAX_NAME + 1));
	size_t off[COPYRIGHT_MAX_LICENSES], n = 0;
	char tmp[COPYRIGHT_MAX_NAME + 1];

	d822_init(&d, data, len);
	while ((ev = d822_next(&d, &f)) != D822_EOF) {
		if (ev == D822_FIELD) {
			if (first && (field_is(&f, "Format", 6) || field_is(&f, "Format-Specification", 20)))
				machine = true;
			else if (field_is(&f, "Files", 5))
				has_files = true;
			else if (field_is(&f, "License", 7)) {
				lic = f.val;
				lic_len = f.first_len; /* the short name; the text follows */
			}
			continue;
		}
		if (ev != D822_END)
			continue;
		if (first && !machine)
			break; /* free-form: nothing a machine can rely on */
		first = false;
		if (has_files && lic && lic_len <= COPYRIGHT_MAX_NAME && n < COPYRIGHT_MAX_LICENSES &&
		    !memchr(lic, '\0', lic_len)) {
			/* fold blanks into tmp (never longer than the input) */
			size_t t = 0;
			for (size_t i = 0; i < lic_len; i++) {
				char ch = lic[i] == '\t' || lic[i] == '\r' ? ' ' : lic[i];
				if (ch == ' ' && (t == 0 || tmp[t - 1] == ' '))
					continue;
				tmp[t++] = ch;
			}
			while (t && tmp[t - 1] == ' ')
				t--;
			tmp[t] = '\0';
			bool seen = t == 0;
			for (size_t i = 0; i < n && !seen; i++)
				seen = strcmp(names.data + off[i], tmp) == 0;
			if (!seen && vakt_buf_append(&names, tmp, t + 1) == 0)
				off[n++] = names.len - t - 1;
		}
		has_files = false;
		lic = NULL;
	}
	const char *ret = NULL;
	if (machine && n > 0) {
		vakt_buf joined = VAKT_BUF_INIT(SIZE_MAX);
		for (size_t i = 0; i < n; i++) {
			if (i)
				vakt_buf_puts(&joined, " AND ");
			vakt_buf_puts(&joined, names.data + off[i]);
		}
		ret = vakt_arena_strndup(arena, joined.data, joined.len);
		vakt_buf_free(&joined);
	}
	vakt_buf_free(&names);
	return ret;
}
