/* import_debian.c - the Debian security tracker's JSON
 * (https://security-tracker.debian.org/tracker/data/json):
 *
 *   { "<source package>": { "<CVE-... or TEMP-...>": { "description": "...", "scope": ...,
 *       "debianbug": N, "releases": { "<codename>": { "status": "resolved" | "open" |
 *       "undetermined", "fixed_version": "...", "urgency": "...", "repositories": {...},
 *       "nodsa": ... } } } } }
 *
 * One record per CVE per package: id the CVE (or TEMP) id, summary the description, refs
 * the tracker's page (and the Debian bug when there is one), and one affected entry per
 * release that has a number ("bookworm" -> "Debian:12"; see vakt_debian_release: sid and
 * experimental are not imported, an unknown codename is warned about once per file),
 * package the source package, severity the urgency (lowercased; the "**" that marks an
 * urgency taken from NVD is dropped; "not yet assigned" is none):
 *
 *   resolved, fixed_version "0"   status "not-affected", no range (the tracker's way of
 *                                 saying the release never had the bug; Trivy and grype
 *                                 read it the same way)
 *   resolved, fixed_version V     status "resolved", range ECOSYSTEM introduced "0" fixed V
 *   open, undetermined            that status, range ECOSYSTEM introduced "0" (no fix yet)
 *   resolved without a version,   a warning; that release is left out
 *   or another status
 *
 * A CVE with no release left makes no record (not counted as skipped). A wrong type (a
 * release that is not an object, a status that is not a string) skips that CVE's record
 * for that package with a warning.
 *
 * The feed is one ~80 MB object; it is walked with jscan, and only one CVE entry at a time
 * is parsed by jansson, so memory is the file plus one entry.
 */
#include "vuln/import.h"
#include "vuln/import_int.h"

#include "core/buf.h"
#include "core/cleanup.h"

#include <stdio.h>
#include <string.h>

#define WARNED_MAX 16

typedef struct dctx {
	vctx *c;
	char warned[WARNED_MAX][32]; /* unknown codenames already warned about */
	unsigned nwarned;
} dctx;

/* Warn about an unknown codename once per file (the feed repeats it for every CVE). */
static void unknown_release(dctx *d, const char *codename, const vloc *loc, const vpath *p,
			    const json_t *v)
{
	if (strcmp(codename, "sid") == 0 || strcmp(codename, "experimental") == 0)
		return;
	for (unsigned i = 0; i < d->nwarned; i++)
		if (strncmp(d->warned[i], codename, sizeof(d->warned[i]) - 1) == 0)
			return;
	if (d->nwarned >= WARNED_MAX) /* a feed of made-up names: enough said */
		return;
	snprintf(d->warned[d->nwarned++], sizeof(d->warned[0]), "%s", codename);
	vctx_warn(d->c, vctx_shown(d->c) ? vloc_line(loc, p, v) : 0,
		  "release \"%.40s\" has no known number: its entries are not imported", codename);
}

/* Skip this CVE of this package: the warning names the field. */
static void dskip(vctx *c, const vloc *loc, vpath *p, const json_t *v, const char *pkg,
		  const char *id, const char *what)
{
	char where[200];
	vctx_skip(c, vctx_shown(c) ? vloc_line(loc, p, v) : 0,
		  "%.80s %.80s: %s: %s; record skipped", pkg, id,
		  vpath_str(p, where, sizeof(where)), what);
}

static int debian_cve(dctx *d, const char *pkg, const char *key, size_t key_len, bool esc,
		      unsigned line, const char *start, const char *end, vakt_error **err)
{
	vctx *c = d->c;
	vctx_record_begin(c, line);
	int r = 0;
	char msg[200], what[120];
	const char *id = js_key_str(&c->arena, key, key_len, esc);
	if (!id || !vimp_id_ok(id)) {
		vctx_skip(c, line, "%.80s: an entry's key is not an advisory id; skipped", pkg);
		goto out;
	}
	unsigned eline;
	json_t *j = vjson_parse(start, end, line, &eline, msg, sizeof(msg));
	if (!j) {
		vctx_skip(c, eline, "%.80s %s: invalid JSON: %s; record skipped", pkg, id, msg);
		goto out;
	}
	vloc loc = {.line = line, .text = start, .text_end = end};
	vpath p = {0};
	vakt_vrecord rec = {.source = "debian-tracker", .id = id};
	if (!json_is_object(j)) {
		snprintf(what, sizeof(what), "expected an object, found %s", vjson_kind(j));
		dskip(c, &loc, &p, j, pkg, id, what);
		goto done;
	}
	if (vjson_str(j, "description", &rec.summary) < 0) {
		vpath_key(&p, "description");
		dskip(c, &loc, &p, json_object_get(j, "description"), pkg, id, "expected a string");
		goto done;
	}
	if (rec.summary && !*rec.summary)
		rec.summary = NULL;

	const char **refs = vakt_arena_calloc(&c->arena, 2, sizeof(*refs));
	refs[rec.nrefs++] =
		vakt_arena_printf(&c->arena, "https://security-tracker.debian.org/tracker/%s", id);
	json_t *bug = json_object_get(j, "debianbug");
	if (json_is_number(bug) && json_number_value(bug) > 0 && json_number_value(bug) < 1e12)
		refs[rec.nrefs++] = vakt_arena_printf(&c->arena, "https://bugs.debian.org/%.0f",
						      json_number_value(bug));
	rec.refs = refs;

	json_t *rels = json_object_get(j, "releases");
	/* [] for no releases: how PHP and some converters write an empty object */
	if (rels && !json_is_null(rels) && !json_is_object(rels) &&
	    !(json_is_array(rels) && json_array_size(rels) == 0)) {
		vpath_key(&p, "releases");
		snprintf(what, sizeof(what), "expected an object, found %s", vjson_kind(rels));
		dskip(c, &loc, &p, rels, pkg, id, what);
		goto done;
	}
	size_t nrel = json_is_object(rels) ? json_object_size(rels) : 0;
	vakt_vaffected *aff = vakt_arena_calloc(&c->arena, nrel ? nrel : 1, sizeof(*aff));
	vpath_key(&p, "releases");
	for (void *it = nrel ? json_object_iter(rels) : NULL; it;
	     it = json_object_iter_next(rels, it)) {
		const char *codename = json_object_iter_key(it);
		json_t *rel = json_object_iter_value(it);
		vpath_key(&p, codename);
		const char *num = vakt_debian_release(codename);
		if (!num) {
			unknown_release(d, codename, &loc, &p, rel);
			vpath_pop(&p);
			continue;
		}
		if (!json_is_object(rel)) {
			snprintf(what, sizeof(what), "expected an object, found %s",
				 vjson_kind(rel));
			dskip(c, &loc, &p, rel, pkg, id, what);
			goto done;
		}
		const char *status, *fixed, *urgency;
		int rs = vjson_str(rel, "status", &status);
		int rf = vjson_str(rel, "fixed_version", &fixed);
		int ru = vjson_str(rel, "urgency", &urgency);
		const char *field = rs <= 0  ? "status"
				    : rf < 0 ? "fixed_version"
				    : ru < 0 ? "urgency"
					     : NULL;
		if (field) {
			vpath_key(&p, field);
			dskip(c, &loc, &p, json_object_get(rel, field), pkg, id,
			      rs == 0 && field[0] == 's' ? "missing" : "expected a string");
			goto done;
		}
		vakt_vaffected *a = &aff[rec.naffected];
		vakt_vrange *rg = vakt_arena_calloc(&c->arena, 1, sizeof(*rg));
		vakt_vevent *ev = vakt_arena_calloc(&c->arena, 2, sizeof(*ev));
		rg->type = VAKT_RANGE_ECOSYSTEM;
		rg->events = ev;
		ev[0].kind = VAKT_EV_INTRODUCED;
		ev[0].version = "0";
		if (strcmp(status, "resolved") == 0 && fixed && strcmp(fixed, "0") == 0) {
			a->status = "not-affected";
		} else if (strcmp(status, "resolved") == 0 && fixed && *fixed) {
			a->status = "resolved";
			ev[1].kind = VAKT_EV_FIXED;
			ev[1].version = fixed;
			rg->nevents = 2;
			a->ranges = rg, a->nranges = 1;
		} else if (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0) {
			a->status = strcmp(status, "open") == 0 ? "open" : "undetermined";
			rg->nevents = 1;
			a->ranges = rg, a->nranges = 1;
		} else {
			char where[200];
			vctx_warn(c, vctx_shown(c) ? vloc_line(&loc, &p, rel) : 0,
				  "%.80s %s: %s: status \"%.40s\"%s: release left out", pkg, id,
				  vpath_str(&p, where, sizeof(where)), status,
				  strcmp(status, "resolved") == 0 ? " without fixed_version" : "");
			vpath_pop(&p);
			continue;
		}
		a->ecosystem = vakt_arena_printf(&c->arena, "Debian:%s", num);
		a->package = pkg;
		a->severity = vimp_word(&c->arena, urgency);
		rec.naffected++;
		vpath_pop(&p);
	}
	vpath_pop(&p);
	rec.affected = aff;
	if (rec.naffected)
		r = vctx_emit(c, &rec, line, err);
done:
	json_decref(j);
out:
	vctx_record_end(c);
	return r;
}

static bool package_ok(const char *s)
{
	return s && vimp_id_ok(s);
}

int vimp_debian(vctx *c, const char *data, size_t len, vakt_error **err)
{
	dctx d = {.c = c};
	jscan s;
	js_init(&s, data, len, 1);
	vakt_arena pa; /* the package name, alive across its CVEs */
	vakt_arena_init(&pa, 4096);
	int r = js_obj_begin(&s) < 0 ? -1 : 1;
	bool first = true;
	while (r == 1) {
		const char *k;
		size_t kl;
		bool esc;
		unsigned kline;
		r = js_obj_next(&s, &first, &k, &kl, &esc, &kline);
		if (r != 1)
			break;
		vakt_arena_reset(&pa);
		const char *pkg = js_key_str(&pa, k, kl, esc);
		if (js_peek(&s) != '{' || !package_ok(pkg)) {
			vctx_record_begin(c, kline);
			if (!package_ok(pkg))
				vctx_skip(c, kline,
					  "a package name is not usable; its entries skipped");
			else
				vctx_skip(c, kline, "%.80s: expected an object of CVEs; skipped",
					  pkg);
			vctx_record_end(c);
			if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
				r = -1;
			continue;
		}
		bool f2 = true;
		int r2 = js_obj_begin(&s);
		while (r2 == 0) {
			const char *ck, *start, *end;
			size_t ckl;
			bool cesc;
			unsigned cline;
			int n = js_obj_next(&s, &f2, &ck, &ckl, &cesc, &cline);
			if (n != 1) {
				r2 = n < 0 ? -1 : 1;
				break;
			}
			s.tokens = 0;
			if (js_skip(&s, SIZE_MAX / 2, &start, &end) < 0) {
				r2 = -1;
				break;
			}
			if (s.tokens > VIMP_MAX_VALUES || (size_t)(end - start) > c->max_record) {
				vctx_record_begin(c, cline);
				vctx_skip(c, cline,
					  "%.80s: an entry is over the record limits; skipped",
					  pkg);
				vctx_record_end(c);
				continue;
			}
			int e = debian_cve(&d, pkg, ck, ckl, cesc, cline, start, end, err);
			if (e < 0) {
				vakt_arena_destroy(&pa);
				return e;
			}
		}
		r = r2 < 0 ? -1 : 1;
	}
	vakt_arena_destroy(&pa);
	if (r == 0 && js_end(&s) == 0)
		return 0;
	return vakt_error_set_at(err, VAKT_E_PARSE, c->file, s.err_line, 0, "invalid JSON: %s",
				 s.err ? s.err : "?");
}
