/* import_alpine.c - Alpine secdb (https://secdb.alpinelinux.org/v3.19/main.json), JSON
 * and YAML (the retired alpine-secdb repository, v3.3 to v3.11):
 *
 *   { "distroversion": "v3.19", "reponame": "main", "urlprefix": ..., "apkurl": ...,
 *     "archs": [...], "packages": [ { "pkg": { "name": "busybox",
 *       "secfixes": { "1.36.1-r2": ["CVE-2022-48174"], "0": ["CVE-2021-42373"] } } } ] }
 *
 * and the one-package files aquasecurity/vuln-list keeps ({"name", "secfixes",
 * "distroversion", ...} at the top level).
 *
 * One record per advisory id per package: ecosystem "Alpine:" + distroversion (with its
 * "v"; one is added to a bare "3.19"), package the origin name, status "resolved" with a
 * range ECOSYSTEM introduced "0" fixed <the secfix version>; the secfix key "0" means the
 * package was never affected: status "not-affected", no range (as Trivy and grype read it).
 * An id listed under several versions of one package (a fix backported to an older
 * branch) makes one record with one range per version: the union, so a version is taken
 * as fixed only past the highest of them (conservative).
 *
 * The entries under a version are free text, written by hand for a decade, so each is
 * read as words: "(comments)" are dropped ("CVE-2018-14461 (LDP)"), then the words split
 * on white space. A word "CVE-YYYY-NNNN..." is a CVE; a word like "XSA-204", "ALPINE-13661",
 * "TALOS-2017-0488", "wnpa-sec-2017-18", "GHSA-..." is another advisory. An entry's other
 * advisories become aliases of its CVEs ("CVE-2016-10013 XSA-204"); an entry without a
 * CVE makes records for its advisories. Any other word ("CVE-????-?????",
 * "CVE-2017-8073.patch", "CVE_2019-2426", "XPTI") is ignored with a warning.
 *
 * A wrong shape (a package that is not an object, a secfixes entry that is not a list of
 * strings) skips that package with a warning. The JSON is walked with jscan: one package
 * at a time goes to jansson.
 */
#include "vuln/import.h"
#include "vuln/import_int.h"

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORD 64

typedef struct afix {
	const char *id;
	const char *ver;	 /* "0": not affected */
	const char *const *also; /* the entry's other advisories (aliases) */
	size_t nalso;
	unsigned line;
	size_t order;
} afix;

typedef struct actx {
	vctx *c;
	const char *eco; /* "Alpine:v3.19" */
	vakt_arena pa;	 /* one package's words and fixes */
	afix *fx;
	size_t nfx, capfx;
} actx;

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* CVE-YYYY-NNNN (four or more digits), nothing around it. */
static bool is_cve(const char *w, size_t n)
{
	if (n < 13 || memcmp(w, "CVE-", 4) != 0 || w[8] != '-')
		return false;
	for (size_t i = 4; i < 8; i++)
		if (!is_digit(w[i]))
			return false;
	for (size_t i = 9; i < n; i++)
		if (!is_digit(w[i]))
			return false;
	return true;
}

/* Another scheme's id: a letter, then letters and digits in '-'-separated parts, a digit
 * after the first '-', not a mangled CVE id. */
static bool is_advisory(const char *w, size_t n)
{
	if (n < 3 || n > MAX_WORD || !is_alpha(w[0]) || w[n - 1] == '-')
		return false;
	if (n >= 3 && strncasecmp(w, "CVE", 3) == 0)
		return false;
	bool dash = false, digit = false;
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '-') {
			if (w[i + 1] == '-')
				return false;
			dash = true;
		} else if (is_digit(w[i])) {
			digit = digit || dash;
		} else if (!is_alpha(w[i])) {
			return false;
		}
	}
	return dash && digit;
}

static void add_fix(actx *a, const char *id, const char *ver, const char *const *also, size_t nalso,
		    unsigned line)
{
	if (a->nfx == a->capfx) {
		a->capfx = a->capfx ? 2 * a->capfx : 32;
		a->fx = xreallocarray(a->fx, a->capfx, sizeof(*a->fx));
	}
	a->fx[a->nfx] = (afix){id, ver, also, nalso, line, a->nfx};
	a->nfx++;
}

/* One entry ("CVE-2016-10013 XSA-204") under version ver. */
static void read_entry(actx *a, const char *pkg, const char *ver, const char *text, unsigned line,
		       const vloc *loc, const vpath *path)
{
	vakt_arena *ar = &a->pa;
	/* drop "(...)" comments; an unclosed one runs to the end */
	size_t len = strlen(text);
	char *t = vakt_arena_alloc(ar, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '(') {
			const char *close = memchr(text + i, ')', len - i);
			if (!close)
				break;
			i = (size_t)(close - text);
			t[o++] = ' ';
			continue;
		}
		t[o++] = text[i];
	}
	t[o] = '\0';
	/* words; at most as many as fit in the text */
	size_t maxw = o / 2 + 1, ncve = 0, nadv = 0;
	const char **cves = vakt_arena_calloc(ar, maxw, sizeof(*cves));
	const char **advs = vakt_arena_calloc(ar, maxw, sizeof(*advs));
	for (char *p = t; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		char *w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		size_t n = (size_t)(p - w);
		if (is_cve(w, n) && n <= MAX_WORD)
			cves[ncve++] = vakt_arena_strndup(ar, w, n);
		else if (is_advisory(w, n))
			advs[nadv++] = vakt_arena_strndup(ar, w, n);
		else
			vctx_warn(a->c,
				  vctx_shown(a->c) && !loc->lines ? vloc_line(loc, path, NULL)
								  : line,
				  "%.80s %.60s: \"%.*s\" is not an advisory id: ignored", pkg, ver,
				  (int)(n > MAX_WORD ? MAX_WORD : n), w);
	}
	if (ncve)
		for (size_t i = 0; i < ncve; i++)
			add_fix(a, cves[i], ver, advs, nadv, line);
	else
		for (size_t i = 0; i < nadv; i++)
			add_fix(a, advs[i], ver, NULL, 0, line);
}

static int cmp_fix(const void *x, const void *y)
{
	const afix *a = x, *b = y;
	int c = strcmp(a->id, b->id);
	return c ? c : a->order < b->order ? -1 : a->order > b->order;
}

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* The records of one package: the fixes grouped by id. */
static int emit_package(actx *a, const char *pkg, vakt_error **err)
{
	vctx *c = a->c;
	if (a->nfx > 1)
		qsort(a->fx, a->nfx, sizeof(*a->fx), cmp_fix);
	for (size_t i = 0, j; i < a->nfx; i = j) {
		for (j = i + 1; j < a->nfx && strcmp(a->fx[j].id, a->fx[i].id) == 0; j++)
			;
		vctx_record_begin(c, a->fx[i].line);
		size_t nal = 0, maxal = 0, nr = 0;
		for (size_t k = i; k < j; k++)
			maxal += a->fx[k].nalso;
		const char **al = vakt_arena_calloc(&c->arena, maxal ? maxal : 1, sizeof(*al));
		vakt_vrange *rg = vakt_arena_calloc(&c->arena, j - i, sizeof(*rg));
		const char **vers = vakt_arena_calloc(&c->arena, j - i, sizeof(*vers));
		for (size_t k = i; k < j; k++) {
			for (size_t m = 0; m < a->fx[k].nalso; m++)
				if (!in_list(al, nal, a->fx[k].also[m]))
					al[nal++] = a->fx[k].also[m];
			const char *v = a->fx[k].ver;
			if (strcmp(v, "0") == 0 || in_list(vers, nr, v))
				continue;
			vakt_vevent *ev = vakt_arena_calloc(&c->arena, 2, sizeof(*ev));
			ev[0] = (vakt_vevent){VAKT_EV_INTRODUCED, "0"};
			ev[1] = (vakt_vevent){VAKT_EV_FIXED, v};
			vers[nr] = v;
			rg[nr++] = (vakt_vrange){VAKT_RANGE_ECOSYSTEM, ev, 2};
		}
		vakt_vaffected aff = {
			.ecosystem = a->eco,
			.package = pkg,
			.ranges = rg,
			.nranges = nr,
			.status = nr ? "resolved" : "not-affected",
		};
		vakt_vrecord rec = {
			.source = "alpine-secdb",
			.id = a->fx[i].id,
			.aliases = al,
			.naliases = nal,
			.affected = &aff,
			.naffected = 1,
		};
		int r = vctx_emit(c, &rec, a->fx[i].line, err);
		vctx_record_end(c);
		if (r < 0)
			return r;
	}
	return 0;
}

/* One package: {"pkg": {"name", "secfixes"}}, or (one) the package object itself. */
static int alpine_package(actx *a, const json_t *elem, const vloc *loc, bool bare, vakt_error **err)
{
	vctx *c = a->c;
	vpath p = {0};
	char where[200];
	const char *pkg = "package";
	const json_t *o = elem, *bad_v = elem;
	const char *what = NULL;
	vakt_arena_reset(&a->pa);
	a->nfx = 0;
	/* the package's warnings (ignored words) are capped like a record's */
	vctx_record_begin(c, loc->line);
	if (!json_is_object(elem)) {
		what = "expected an object";
		goto bad;
	}
	if (!bare) {
		o = json_object_get(elem, "pkg");
		vpath_key(&p, "pkg");
		if (!json_is_object(o)) {
			bad_v = o;
			what = o ? "expected an object" : "missing";
			goto bad;
		}
	}
	json_t *name = json_object_get(o, "name");
	if (!json_is_string(name) || !vimp_id_ok(json_string_value(name))) {
		vpath_key(&p, "name");
		bad_v = name;
		what = !name		       ? "missing"
		       : !json_is_string(name) ? "expected a string"
					       : "not a package name";
		goto bad;
	}
	pkg = json_string_value(name);
	json_t *sf = json_object_get(o, "secfixes");
	if (!sf || json_is_null(sf)) {
		vctx_record_end(c);
		return 0;
	}
	vpath_key(&p, "secfixes");
	if (!json_is_object(sf)) {
		bad_v = sf;
		what = "expected an object";
		goto bad;
	}
	for (void *it = json_object_iter(sf); it; it = json_object_iter_next(sf, it)) {
		const char *ver = json_object_iter_key(it);
		json_t *ids = json_object_iter_value(it);
		vpath_key(&p, ver);
		if (!*ver || !vimp_id_ok(ver)) {
			bad_v = ids;
			what = "not a version";
			goto bad;
		}
		if (json_is_null(ids)) { /* "1.2-r0:" with nothing under it */
			vpath_pop(&p);
			continue;
		}
		if (!json_is_array(ids)) {
			bad_v = ids;
			what = "expected a list of advisory ids";
			goto bad;
		}
		for (size_t i = 0; i < json_array_size(ids); i++) {
			json_t *e = json_array_get(ids, i);
			vpath_idx(&p, i);
			if (json_is_null(e)) {
				vpath_pop(&p);
				continue;
			}
			if (!json_is_string(e)) {
				bad_v = e;
				what = "expected a string";
				goto bad;
			}
			/* the entry's own line from YAML's table (cheap); a JSON package's
			 * text is walked again only for a warning that is shown */
			unsigned eline = loc->lines ? vloc_line(loc, &p, e) : loc->line;
			read_entry(a, pkg, ver, json_string_value(e), eline, loc, &p);
			vpath_pop(&p);
		}
		vpath_pop(&p);
	}
	vctx_record_end(c);
	return emit_package(a, pkg, err);
bad:
	vctx_skip(c, vctx_shown(c) ? vloc_line(loc, &p, bad_v) : 0,
		  "%.80s: %s: %s; package skipped", pkg, vpath_str(&p, where, sizeof(where)), what);
	vctx_record_end(c);
	return 0;
}

/* "Alpine:v3.19" from "v3.19" (or "3.19"); NULL if unusable. */
static const char *ecosystem(vakt_arena *ar, const char *dv)
{
	if (!dv || !vimp_id_ok(dv) || strlen(dv) > 32)
		return NULL;
	return vakt_arena_printf(ar, "Alpine:%s%s", is_digit(dv[0]) ? "v" : "", dv);
}

static void actx_fini(actx *a)
{
	vakt_arena_destroy(&a->pa);
	free(a->fx);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* A top-level member's value as a string (in ar), or NULL. */
static const char *top_string(vakt_arena *ar, jscan *s)
{
	const char *v;
	size_t vl;
	bool esc;
	if (js_peek(s) != '"')
		return NULL;
	jscan t = *s;
	if (js_string(&t, &v, &vl, &esc) < 0)
		return NULL;
	return js_key_str(ar, v, vl, esc); /* same decoding as a key */
}

int vimp_alpine_json(vctx *c, const char *data, size_t len, vakt_error **err)
{
	actx a = {.c = c};
	vakt_arena_init(&a.pa, 0);
	vakt_arena top;
	vakt_arena_init(&top, 4096);
	int r = 0;
	/* first pass: the top-level keys (distroversion may follow packages) */
	jscan s;
	js_init(&s, data, len, 1);
	const char *dv = NULL, *k, *start, *end;
	size_t kl;
	bool esc, first = true, has_packages = false, bare = false;
	unsigned kline;
	int n = js_obj_begin(&s) < 0 ? -1 : 1;
	while (n == 1 && (n = js_obj_next(&s, &first, &k, &kl, &esc, &kline)) == 1) {
		if (kl == 13 && memcmp(k, "distroversion", 13) == 0)
			dv = top_string(&top, &s);
		else if (kl == 8 && memcmp(k, "packages", 8) == 0)
			has_packages = true;
		else if (kl == 8 && memcmp(k, "secfixes", 8) == 0)
			bare = true;
		if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
			n = -1;
	}
	if (n < 0 || js_end(&s) < 0) {
		r = vakt_error_set_at(err, VAKT_E_PARSE, c->file, s.err_line, 0, "invalid JSON: %s",
				      s.err ? s.err : "?");
		goto out;
	}
	a.eco = ecosystem(&top, dv);
	if (!a.eco) {
		r = vakt_error_set_at(err, VAKT_E_INVALID, c->file, 1, 0,
				      "no usable \"distroversion\": not an Alpine secdb file");
		goto out;
	}
	if (bare && !has_packages) { /* vuln-list: the object is one package */
		char msg[200];
		unsigned eline;
		if (len > c->max_record || s.tokens > VIMP_MAX_VALUES) {
			r = vakt_error_set_at(err, VAKT_E_LIMIT, c->file, 1, 0,
					      "one package larger than the record limits");
			goto out;
		}
		json_t *j = vjson_parse(data, data + len, 1, &eline, msg, sizeof(msg));
		if (!j) {
			r = vakt_error_set_at(err, VAKT_E_PARSE, c->file, eline, 0,
					      "invalid JSON: %s", msg);
			goto out;
		}
		vloc loc = {.line = 1, .text = data, .text_end = data + len};
		r = alpine_package(&a, j, &loc, true, err);
		json_decref(j);
		goto out;
	}
	/* second pass: the packages, one at a time */
	js_init(&s, data, len, 1);
	first = true;
	js_obj_begin(&s);
	while ((n = js_obj_next(&s, &first, &k, &kl, &esc, &kline)) == 1) {
		if (!(kl == 8 && memcmp(k, "packages", 8) == 0) || js_peek(&s) != '[') {
			if (kl == 8 && memcmp(k, "packages", 8) == 0 && js_peek(&s) != 'n') {
				vctx_record_begin(c, kline);
				vctx_skip(c, kline, "packages: expected a list; skipped");
				vctx_record_end(c);
			}
			js_skip(&s, SIZE_MAX / 2, NULL, NULL);
			continue;
		}
		bool f2 = true;
		js_arr_begin(&s);
		while (js_arr_next(&s, &f2) == 1) {
			unsigned line = s.line;
			s.tokens = 0;
			js_skip(&s, SIZE_MAX / 2, &start, &end); /* the first pass walked it all */
			json_t *j = vctx_record_json(c, start, end, line, s.tokens, "package");
			if (!j)
				continue;
			vloc loc = {.line = line, .text = start, .text_end = end};
			r = alpine_package(&a, j, &loc, false, err);
			json_decref(j);
			if (r < 0)
				goto out;
		}
	}
out:
	vakt_arena_destroy(&top);
	actx_fini(&a);
	return r;
}

/* ---- YAML ------------------------------------------------------------------------------------ */

int vimp_alpine_yaml(vctx *c, const char *data, size_t len, vakt_error **err)
{
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_file_bytes = c->max_file;
	lim.max_nodes = VIMP_MAX_VALUES;
	vakt_doc_stream *st = NULL;
	int r = vakt_doc_stream_open_mem(data, len, c->file, &lim, &st, err);
	if (r < 0)
		return r;
	actx a = {.c = c};
	vakt_arena_init(&a.pa, 0);
	vakt_arena top;
	vakt_arena_init(&top, 4096);
	vakt_doc *doc;
	while ((r = vakt_doc_stream_next(st, &doc, err)) == 1) {
		if (!doc->root)
			continue;
		size_t budget = VIMP_MAX_VALUES;
		vlines lines = {0};
		const char *why = NULL;
		unsigned why_line = 0;
		json_t *j = vyaml_to_json(doc->root, &budget, &lines, &why, &why_line);
		if (!j) {
			vlines_free(&lines);
			r = vakt_error_set_at(err, VAKT_E_LIMIT, c->file, why_line, 0, "%s", why);
			break;
		}
		const char *dv = NULL;
		if (json_is_object(j))
			vjson_str(j, "distroversion", &dv);
		vakt_arena_reset(&top);
		a.eco = ecosystem(&top, dv);
		if (!a.eco) {
			json_decref(j);
			vlines_free(&lines);
			r = vakt_error_set_at(err, VAKT_E_INVALID, c->file, doc->root->line, 0,
					      "no usable \"distroversion\": not an Alpine secdb "
					      "document");
			break;
		}
		json_t *pk = json_object_get(j, "packages");
		vloc loc = {.line = doc->root->line, .lines = &lines, .root = j};
		vpath none = {0};
		if (json_is_array(pk)) {
			for (size_t i = 0; r >= 0 && i < json_array_size(pk); i++) {
				json_t *e = json_array_get(pk, i);
				vloc el = loc;
				el.line = vloc_line(&loc, &none, e);
				el.root = e;
				r = alpine_package(&a, e, &el, false, err);
			}
		} else if (json_object_get(j, "secfixes")) {
			r = alpine_package(&a, j, &loc, true, err);
		} else if (pk && !json_is_null(pk)) {
			vctx_record_begin(c, loc.line);
			vctx_skip(c, loc.line, "packages: expected a list; skipped");
			vctx_record_end(c);
		}
		json_decref(j);
		vlines_free(&lines);
		if (r < 0)
			break;
	}
	vakt_arena_destroy(&top);
	actx_fini(&a);
	vakt_doc_stream_free(st);
	return r < 0 ? r : 0;
}
