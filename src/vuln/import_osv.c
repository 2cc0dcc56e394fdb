/* import_osv.c - OSV records (https://ossf.github.io/osv-schema/): JSON objects, JSON
 * arrays of them, YAML (the PyPA advisory database), and an all.zip (one record per
 * member, as osv.dev exports each ecosystem).
 *
 * What is kept of a record (vulnrec.h):
 *   id, aliases, upstream, related, summary (or, when absent, the first line of details,
 *   cut to 200 bytes), published, modified, withdrawn, severity[] {type, score} with base
 *   -1 (OSV states vectors, not scores), references[].url, and affected[] with
 *   package.ecosystem and .name, ranges of type ECOSYSTEM, SEMVER and GIT (events
 *   introduced, fixed, last_affected, limit, in the record's order; a GIT range's repo is
 *   not kept) and versions[].
 *
 * The distribution's severity of an affected package, which OSV keeps in several places:
 *   - ecosystem_specific.urgency (Debian's DSA, DLA and DEBIAN-CVE records: "low",
 *     "medium", "high", "unimportant", "not yet assigned" -> none; trailing '*' dropped),
 *     else ecosystem_specific.severity, else database_specific.severity;
 *   - for Ubuntu ecosystems, the record's severity entry of type "Ubuntu" ("negligible",
 *     "low", "medium", "high", "critical"), which Ubuntu's records state once per record;
 *   - for AlmaLinux, Rocky Linux and Red Hat, the Red Hat impact that starts the summary
 *     ("Important: gupnp security update" -> "important"): their records keep it nowhere
 *     else (AlmaLinux's have no severity, database_specific or ecosystem_specific).
 * Words are lowercased. USN records keep per-CVE priorities in database_specific.cves_map;
 * they are not combined into one.
 *
 * Shapes are checked: a field of the wrong type (aliases not an array, an event version
 * not a string, a package without a name) skips the record with a warning naming the file,
 * the field's line and its path. An unknown range type skips that range, an unknown event
 * key that event, each with a warning: the record stays. An affected entry without a
 * package (allowed by the schema for GIT-only data) matches no installed package and is
 * dropped without a word. null counts as absent, as the schema allows for aliases,
 * affected and references.
 *
 * An all.zip is read with libarchive's streaming zip reader (see vimp_osv_zip): member
 * names are labels in messages ("all.zip:DSA-5638-1.json", control bytes as '?'), never
 * paths; nothing is written anywhere. The streaming reader sees no file types (they live
 * in the central directory), so a symbolic link is a member holding its target's name,
 * which is no JSON and is skipped as such.
 */
#include "vuln/import.h"
#include "vuln/import_int.h"

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one record ------------------------------------------------------------------------------ */

typedef struct omap {
	vctx *c;
	const vloc *loc;
	vpath path;
	const char *id;
	bool bad; /* a shape error was reported: the record is skipped */
} omap;

/* A shape error at the current path: warn once and mark the record skipped. */
static bool bad(omap *m, const json_t *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool bad(omap *m, const json_t *v, const char *fmt, ...)
{
	if (m->bad)
		return false;
	m->bad = true;
	char what[256], where[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vpath_str(&m->path, where, sizeof(where));
	unsigned line = vctx_shown(m->c) ? vloc_line(m->loc, &m->path, v) : 0;
	vctx_skip(m->c, line, "%.100s: %s%s%s; record skipped", m->id ? m->id : "OSV record", where,
		  *where ? ": " : "", what);
	return false;
}

static void note(omap *m, const json_t *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(omap *m, const json_t *v, const char *fmt, ...)
{
	char what[256], where[256];
	va_list ap;
	va_start(ap, fmt);
	if (!vctx_shown(m->c)) { /* counted, not shown: no need for its line */
		va_end(ap);
		vctx_warn(m->c, 0, "-");
		return;
	}
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vpath_str(&m->path, where, sizeof(where));
	vctx_warn(m->c, vloc_line(m->loc, &m->path, v), "%.100s: %s: %s", m->id ? m->id : "?",
		  where, what);
}

/* An optional string member: true with *ret (NULL when absent or null), false (reported)
 * for another type. */
static bool opt_str(omap *m, const json_t *obj, const char *key, const char **ret)
{
	*ret = NULL;
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		vpath_key(&m->path, key);
		bad(m, v, "expected a string, found %s", vjson_kind(v));
		vpath_pop(&m->path);
		return false;
	}
	*ret = json_string_value(v);
	return true;
}

/* A required, non-empty string member. */
static bool req_str(omap *m, const json_t *obj, const char *key, const char **ret)
{
	*ret = NULL;
	json_t *v = json_object_get(obj, key);
	vpath_key(&m->path, key);
	bool ok = true;
	if (!v || json_is_null(v))
		ok = bad(m, obj, "missing");
	else if (!json_is_string(v))
		ok = bad(m, v, "expected a string, found %s", vjson_kind(v));
	else if (!*json_string_value(v))
		ok = bad(m, v, "empty");
	else
		*ret = json_string_value(v);
	vpath_pop(&m->path);
	return ok;
}

/* An optional array member: true with *ret (NULL when absent or null). */
static bool opt_arr(omap *m, const json_t *obj, const char *key, json_t **ret)
{
	*ret = NULL;
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v)) {
		vpath_key(&m->path, key);
		bad(m, v, "expected an array, found %s", vjson_kind(v));
		vpath_pop(&m->path);
		return false;
	}
	*ret = v;
	return true;
}

/* An optional array of non-empty strings, into the arena. */
static bool str_list(omap *m, const json_t *obj, const char *key, const char *const **ret,
		     size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	json_t *arr;
	if (!opt_arr(m, obj, key, &arr))
		return false;
	if (!arr || !json_array_size(arr))
		return true;
	size_t n = json_array_size(arr);
	const char **out = vakt_arena_calloc(&m->c->arena, n, sizeof(*out));
	vpath_key(&m->path, key);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		vpath_idx(&m->path, i);
		if (!json_is_string(e))
			return bad(m, e, "expected a string, found %s", vjson_kind(e));
		if (!*json_string_value(e))
			return bad(m, e, "empty");
		out[i] = json_string_value(e);
		vpath_pop(&m->path);
	}
	vpath_pop(&m->path);
	*ret = out;
	*ret_n = n;
	return true;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The Red Hat impact starting an AlmaLinux, Rocky or Red Hat summary, or NULL. */
static const char *rh_impact(const char *summary)
{
	static const char *const words[] = {"Low", "Moderate", "Important", "Critical"};
	static const char *const lower[] = {"low", "moderate", "important", "critical"};
	if (!summary)
		return NULL;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i]);
		if (strncmp(summary, words[i], n) == 0 && summary[n] == ':')
			return lower[i];
	}
	return NULL;
}

static const char *dist_severity(omap *m, const json_t *aff, const char *eco, const char *summary,
				 const char *ubuntu)
{
	const char *w = NULL;
	const json_t *es = json_object_get(aff, "ecosystem_specific");
	const json_t *ds = json_object_get(aff, "database_specific");
	/* free-form objects: a value of another type is no error, only no answer */
	if (json_is_object(es)) {
		json_t *u = json_object_get(es, "urgency");
		json_t *s = json_object_get(es, "severity");
		w = json_is_string(u)	? json_string_value(u)
		    : json_is_string(s) ? json_string_value(s)
					: NULL;
	}
	if (!w && json_is_object(ds)) {
		json_t *s = json_object_get(ds, "severity");
		w = json_is_string(s) ? json_string_value(s) : NULL;
	}
	if (w)
		return vimp_word(&m->c->arena, w);
	if (ubuntu && starts_with(eco, "Ubuntu"))
		return ubuntu;
	if (starts_with(eco, "AlmaLinux") || starts_with(eco, "Rocky Linux") ||
	    starts_with(eco, "Red Hat"))
		return rh_impact(summary);
	return NULL;
}

static bool event_kind(const char *k, vakt_vevent_kind *ret)
{
	static const struct {
		const char *name;
		vakt_vevent_kind kind;
	} kinds[] = {
		{"introduced", VAKT_EV_INTRODUCED},
		{"fixed", VAKT_EV_FIXED},
		{"last_affected", VAKT_EV_LAST_AFFECTED},
		{"limit", VAKT_EV_LIMIT},
	};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(kinds); i++)
		if (strcmp(k, kinds[i].name) == 0) {
			*ret = kinds[i].kind;
			return true;
		}
	return false;
}

/* One range into *out; false if the record is bad; *keep false if only the range is
 * dropped. */
static bool map_range(omap *m, const json_t *r, vakt_vrange *out, bool *keep)
{
	*keep = false;
	if (!json_is_object(r))
		return bad(m, r, "expected an object, found %s", vjson_kind(r));
	const char *type;
	if (!req_str(m, r, "type", &type))
		return false;
	if (strcmp(type, "ECOSYSTEM") == 0)
		out->type = VAKT_RANGE_ECOSYSTEM;
	else if (strcmp(type, "SEMVER") == 0)
		out->type = VAKT_RANGE_SEMVER;
	else if (strcmp(type, "GIT") == 0)
		out->type = VAKT_RANGE_GIT;
	else {
		vpath_key(&m->path, "type");
		note(m, json_object_get(r, "type"), "unknown range type \"%.40s\": range ignored",
		     type);
		vpath_pop(&m->path);
		return true;
	}
	json_t *evs = json_object_get(r, "events");
	vpath_key(&m->path, "events");
	if (!evs || json_is_null(evs))
		return bad(m, r, "missing");
	if (!json_is_array(evs))
		return bad(m, evs, "expected an array, found %s", vjson_kind(evs));
	/* count first: an event object normally holds one key */
	size_t total = 0;
	for (size_t i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i);
		vpath_idx(&m->path, i);
		if (!json_is_object(e))
			return bad(m, e, "expected an object, found %s", vjson_kind(e));
		total += json_object_size(e);
		vpath_pop(&m->path);
	}
	vakt_vevent *ev = vakt_arena_calloc(&m->c->arena, total ? total : 1, sizeof(*ev));
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i);
		vpath_idx(&m->path, i);
		for (void *it = json_object_iter(e); it; it = json_object_iter_next(e, it)) {
			const char *k = json_object_iter_key(it);
			json_t *v = json_object_iter_value(it);
			vakt_vevent_kind kind;
			vpath_key(&m->path, k);
			if (!event_kind(k, &kind)) {
				note(m, v, "unknown event \"%.40s\" ignored", k);
			} else if (!json_is_string(v)) {
				return bad(m, v, "expected a string, found %s", vjson_kind(v));
			} else if (!*json_string_value(v)) {
				return bad(m, v, "empty version");
			} else {
				ev[n].kind = kind;
				ev[n++].version = json_string_value(v);
			}
			vpath_pop(&m->path);
		}
		vpath_pop(&m->path);
	}
	if (!n) {
		note(m, evs, "no events: range ignored");
		vpath_pop(&m->path);
		return true;
	}
	vpath_pop(&m->path);
	out->events = ev;
	out->nevents = n;
	*keep = true;
	return true;
}

static bool map_affected(omap *m, const json_t *a, vakt_vaffected *out, bool *keep,
			 const char *summary, const char *ubuntu)
{
	*keep = false;
	if (!json_is_object(a))
		return bad(m, a, "expected an object, found %s", vjson_kind(a));
	json_t *pkg = json_object_get(a, "package");
	if (!pkg || json_is_null(pkg))
		return true; /* no package: nothing installed can match it */
	vpath_key(&m->path, "package");
	if (!json_is_object(pkg))
		return bad(m, pkg, "expected an object, found %s", vjson_kind(pkg));
	if (!req_str(m, pkg, "ecosystem", &out->ecosystem) ||
	    !req_str(m, pkg, "name", &out->package))
		return false;
	vpath_pop(&m->path);

	json_t *ranges;
	if (!opt_arr(m, a, "ranges", &ranges))
		return false;
	size_t nr = ranges ? json_array_size(ranges) : 0;
	vakt_vrange *rv = vakt_arena_calloc(&m->c->arena, nr ? nr : 1, sizeof(*rv));
	size_t kept = 0;
	vpath_key(&m->path, "ranges");
	for (size_t i = 0; i < nr; i++) {
		bool k;
		vpath_idx(&m->path, i);
		if (!map_range(m, json_array_get(ranges, i), &rv[kept], &k))
			return false;
		kept += k;
		vpath_pop(&m->path);
	}
	vpath_pop(&m->path);
	out->ranges = rv;
	out->nranges = kept;
	if (!str_list(m, a, "versions", &out->versions, &out->nversions))
		return false;
	out->status = NULL;
	out->severity = dist_severity(m, a, out->ecosystem, summary, ubuntu);
	*keep = true;
	return true;
}

/* The first line of details, at most 200 bytes (cut at a UTF-8 boundary, "..." added). */
static const char *details_line(vakt_arena *a, const char *details)
{
	if (!details)
		return NULL;
	while (*details == ' ' || *details == '\n' || *details == '\r' || *details == '\t')
		details++;
	size_t n = strcspn(details, "\r\n");
	while (n && details[n - 1] == ' ')
		n--;
	if (!n)
		return NULL;
	if (n <= 200)
		return vakt_arena_strndup(a, details, n);
	n = 200;
	while (n && ((unsigned char)details[n] & 0xc0) == 0x80)
		n--;
	return vakt_arena_printf(a, "%.*s...", (int)n, details);
}

int vimp_osv_record(vctx *c, json_t *root, const vloc *loc, vakt_error **err)
{
	omap m = {.c = c, .loc = loc};
	vctx_record_begin(c, loc->line);
	vakt_vrecord rec = {.source = "osv"};
	int r = 0;
	if (!json_is_object(root)) {
		bad(&m, root, "expected an object, found %s", vjson_kind(root));
		goto out;
	}
	if (!req_str(&m, root, "id", &rec.id))
		goto out;
	if (!vimp_id_ok(rec.id)) {
		m.id = NULL;
		vpath_key(&m.path, "id");
		bad(&m, json_object_get(root, "id"),
		    "not an advisory id (printable ASCII, no spaces)");
		goto out;
	}
	m.id = rec.id;
	const char *details;
	if (!opt_str(&m, root, "summary", &rec.summary) ||
	    !opt_str(&m, root, "details", &details) ||
	    !opt_str(&m, root, "published", &rec.published) ||
	    !opt_str(&m, root, "modified", &rec.modified) ||
	    !opt_str(&m, root, "withdrawn", &rec.withdrawn) ||
	    !str_list(&m, root, "aliases", &rec.aliases, &rec.naliases) ||
	    !str_list(&m, root, "upstream", &rec.upstream, &rec.nupstream) ||
	    !str_list(&m, root, "related", &rec.related, &rec.nrelated))
		goto out;
	if (!rec.summary || !*rec.summary)
		rec.summary = details_line(&c->arena, details);

	/* severity: [{type, score}] */
	json_t *sev;
	if (!opt_arr(&m, root, "severity", &sev))
		goto out;
	const char *ubuntu = NULL;
	if (sev && json_array_size(sev)) {
		size_t n = json_array_size(sev);
		vakt_vseverity *sv = vakt_arena_calloc(&c->arena, n, sizeof(*sv));
		vpath_key(&m.path, "severity");
		for (size_t i = 0; i < n; i++) {
			json_t *s = json_array_get(sev, i);
			vpath_idx(&m.path, i);
			if (!json_is_object(s)) {
				bad(&m, s, "expected an object, found %s", vjson_kind(s));
				goto out;
			}
			if (!req_str(&m, s, "type", &sv[i].type) ||
			    !req_str(&m, s, "score", &sv[i].score))
				goto out;
			sv[i].base = -1;
			if (strcmp(sv[i].type, "Ubuntu") == 0 && !ubuntu)
				ubuntu = vimp_word(&c->arena, sv[i].score);
			vpath_pop(&m.path);
		}
		vpath_pop(&m.path);
		rec.severity = sv;
		rec.nseverity = n;
	}

	/* references: [{type, url}] */
	json_t *refs;
	if (!opt_arr(&m, root, "references", &refs))
		goto out;
	if (refs && json_array_size(refs)) {
		size_t n = json_array_size(refs), k = 0;
		const char **rv = vakt_arena_calloc(&c->arena, n, sizeof(*rv));
		vpath_key(&m.path, "references");
		for (size_t i = 0; i < n; i++) {
			json_t *ref = json_array_get(refs, i);
			const char *url;
			vpath_idx(&m.path, i);
			if (!json_is_object(ref)) {
				bad(&m, ref, "expected an object, found %s", vjson_kind(ref));
				goto out;
			}
			if (!opt_str(&m, ref, "url", &url))
				goto out;
			if (url && *url)
				rv[k++] = url;
			vpath_pop(&m.path);
		}
		vpath_pop(&m.path);
		rec.refs = rv;
		rec.nrefs = k;
	}

	/* affected */
	json_t *aff;
	if (!opt_arr(&m, root, "affected", &aff))
		goto out;
	if (aff && json_array_size(aff)) {
		size_t n = json_array_size(aff), k = 0;
		vakt_vaffected *av = vakt_arena_calloc(&c->arena, n, sizeof(*av));
		vpath_key(&m.path, "affected");
		for (size_t i = 0; i < n; i++) {
			bool keep;
			vpath_idx(&m.path, i);
			if (!map_affected(&m, json_array_get(aff, i), &av[k], &keep, rec.summary,
					  ubuntu))
				goto out;
			k += keep;
			vpath_pop(&m.path);
		}
		vpath_pop(&m.path);
		rec.affected = av;
		rec.naffected = k;
	}
	r = vctx_emit(c, &rec, loc->line, err);
out:
	vctx_record_end(c);
	return r;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* One record's text [start, end) at line: parsed and mapped. Failures of this record are
 * warnings (it is skipped). */
static int osv_text(vctx *c, const char *start, const char *end, unsigned line, vakt_error **err)
{
	char msg[200];
	unsigned eline;
	if ((size_t)(end - start) > c->max_record) {
		char lim[32];
		vctx_record_begin(c, line);
		vctx_skip(c, line, "record larger than the %s limit; skipped",
			  vakt_size_str(c->max_record, lim, sizeof(lim)));
		vctx_record_end(c);
		return 0;
	}
	json_t *j = vjson_parse(start, end, line, &eline, msg, sizeof(msg));
	if (!j) {
		vctx_record_begin(c, line);
		vctx_skip(c, eline, "invalid JSON: %s; record skipped", msg);
		vctx_record_end(c);
		return 0;
	}
	vloc loc = {.line = line, .text = start, .text_end = end};
	int r = vimp_osv_record(c, j, &loc, err);
	json_decref(j);
	return r;
}

/* The next value of s as one record: its text is walked (in constant memory) and handed
 * on when it is within the limits, else skipped with a warning. 0, 1 when the walk fails
 * (the document is broken: s->err says why), or the sink's negative code. */
static int osv_next(vctx *c, jscan *s, bool last, vakt_error **err)
{
	const char *start, *end;
	unsigned line = s->line;
	s->tokens = 0;
	if (js_skip(s, SIZE_MAX / 2, &start, &end) < 0 || (last && js_end(s) < 0))
		return 1;
	if (s->tokens > VIMP_MAX_VALUES) {
		vctx_record_begin(c, line);
		vctx_skip(c, line, "record holds more than %u values; skipped", VIMP_MAX_VALUES);
		vctx_record_end(c);
		return 0;
	}
	return osv_text(c, start, end, line, err);
}

/* A JSON document of OSV records: one object, or an array of them. lenient: a broken
 * document is a skipped record (a zip member), else an error. */
static int osv_json_doc(vctx *c, const char *data, size_t len, bool lenient, vakt_error **err)
{
	jscan s;
	js_init(&s, data, len, 1);
	int r;
	if (js_peek(&s) != '[') {
		r = osv_next(c, &s, true, err);
	} else {
		bool first = true, more = js_arr_begin(&s) == 0;
		r = more ? 0 : 1;
		while (more && r == 0) {
			int n = js_arr_next(&s, &first);
			if (n == 1)
				r = osv_next(c, &s, false, err);
			else
				r = n < 0 || js_end(&s) < 0, more = false;
		}
	}
	if (r <= 0)
		return r;
	if (lenient) {
		vctx_record_begin(c, s.err_line);
		vctx_skip(c, s.err_line, "invalid JSON: %s; skipped", s.err);
		vctx_record_end(c);
		return 0;
	}
	return vakt_error_set_at(err, VAKT_E_PARSE, c->file, s.err_line, 0, "invalid JSON: %s",
				 s.err);
}

int vimp_osv_json(vctx *c, const char *data, size_t len, vakt_error **err)
{
	return osv_json_doc(c, data, len, false, err);
}

/* ---- YAML ------------------------------------------------------------------------------------ */

int vimp_osv_yaml(vctx *c, const char *data, size_t len, vakt_error **err)
{
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_file_bytes = c->max_file;
	lim.max_doc_bytes = c->max_record;
	lim.max_nodes = VIMP_MAX_VALUES;
	vakt_doc_stream *st = NULL;
	int r = vakt_doc_stream_open_mem(data, len, c->file, &lim, &st, err);
	if (r < 0)
		return r;
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
			vctx_record_begin(c, doc->root->line);
			vctx_skip(c, why_line, "%s; record skipped", why);
			vctx_record_end(c);
			vlines_free(&lines);
			continue;
		}
		vloc loc = {.line = doc->root->line, .lines = &lines, .root = j};
		if (json_is_array(j)) { /* a list of records */
			for (size_t i = 0; r >= 0 && i < json_array_size(j); i++) {
				json_t *e = json_array_get(j, i);
				vloc el = loc;
				vpath none = {0};
				el.line = vloc_line(&loc, &none, e);
				el.root = e;
				r = vimp_osv_record(c, e, &el, err);
			}
		} else {
			r = vimp_osv_record(c, j, &loc, err);
		}
		json_decref(j);
		vlines_free(&lines);
		if (r < 0)
			break;
	}
	vakt_doc_stream_free(st);
	return r < 0 ? r : 0;
}

/* ---- all.zip --------------------------------------------------------------------------------- */

/* "all.zip:NAME" with NAME's control bytes as '?' and cut at 200 bytes: a member name is a
 * label, never a path. */
static void member_label(char *buf, size_t len, const char *file, const char *name)
{
	int o = snprintf(buf, len, "%s:", file);
	if (o < 0 || (size_t)o >= len)
		return;
	size_t i = (size_t)o, k = 0;
	for (; name && name[k] && k < 200 && i + 1 < len; k++)
		buf[i++] = ((unsigned char)name[k] < 0x20 || name[k] == 0x7f) ? '?' : name[k];
	if (name && name[k] && i + 4 < len)
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
}

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

/* libarchive's streaming zip reader: it follows the local headers in order and never
 * loads the central directory, so a zip's cost is what its members cost (the seeking
 * reader would first allocate for every central directory entry, and members sharing
 * data through it -- the overlapping "better zip bomb" -- would each be inflated). */
int vimp_osv_zip(vctx *c, const char *data, size_t len, vakt_error **err)
{
	__attribute__((cleanup(archive_freep))) struct archive *a = archive_read_new();
	if (!a)
		vakt_oom();
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		return vakt_error_set_at(err, VAKT_E_PARSE, c->file, 0, 0, "not a zip file: %s",
					 archive_error_string(a) ? archive_error_string(a) : "?");
	const char *zipfile = c->file;
	size_t label_len = strlen(zipfile) + 208;
	_cleanup_free_ char *label = xmalloc(label_len);
	_cleanup_buf_ vakt_buf buf = VAKT_BUF_INIT(c->max_record);
	char chunk[65536];
	size_t members = 0;
	uint64_t total = 0;
	int r = 0;
	for (;;) {
		struct archive_entry *ent;
		int ar = archive_read_next_header(a, &ent);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			r = vakt_error_set_at(
				err, VAKT_E_PARSE, zipfile, 0, 0, "zip: %s (after %zu members)",
				archive_error_string(a) ? archive_error_string(a) : "?", members);
			break;
		}
		if (++members > c->max_zip_members) {
			r = vakt_error_set_at(err, VAKT_E_LIMIT, zipfile, 0, 0,
					      "zip: more than %zu members", c->max_zip_members);
			break;
		}
		const char *name = archive_entry_pathname(ent);
		member_label(label, label_len, zipfile, name ? name : "?");
		c->file = label;
		bool name_ok = name && *name && strlen(name) <= VAKT_VIMPORT_MAX_ZIP_NAME;
		bool regular = archive_entry_filetype(ent) == AE_IFREG;
		bool dir = archive_entry_filetype(ent) == AE_IFDIR;

		/* every member's data goes through here, wanted or not, so each inflated byte
		 * counts against the total: letting libarchive skip would inflate unseen */
		bool want = name_ok && regular, too_big = false, failed = false;
		vakt_buf_reset(&buf);
		for (;;) {
			la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));
			if (n == 0)
				break;
			if (n < 0) {
				if (n < ARCHIVE_FAILED) { /* fatal: the zip cannot go on */
					r = vakt_error_set_at(err, VAKT_E_PARSE, zipfile, 0, 0,
							      "zip: %s: %s", label,
							      archive_error_string(a)
								      ? archive_error_string(a)
								      : "?");
					goto done;
				}
				failed = true;
				break;
			}
			total += (uint64_t)n;
			if (total > c->max_zip_total) {
				char lim[32];
				r = vakt_error_set_at(
					err, VAKT_E_LIMIT, zipfile, 0, 0,
					"zip: members inflate to more than %s",
					vakt_size_str((size_t)c->max_zip_total, lim, sizeof(lim)));
				goto done;
			}
			if (want && !too_big && vakt_buf_append(&buf, chunk, (size_t)n) < 0)
				too_big = true; /* read on (counted), keep nothing */
		}
		if (dir)
			continue;
		vctx_record_begin(c, 0);
		if (!name_ok)
			vctx_skip(c, 0, "member name empty or longer than %u bytes; skipped",
				  VAKT_VIMPORT_MAX_ZIP_NAME);
		else if (!regular)
			vctx_skip(c, 0, "not a regular file; skipped");
		else if (failed)
			vctx_skip(c, 0, "cannot read member: %s; skipped",
				  archive_error_string(a) ? archive_error_string(a) : "?");
		else if (too_big) {
			char lim[32];
			vctx_skip(c, 0, "member inflates to more than the %s record limit; skipped",
				  vakt_size_str(c->max_record, lim, sizeof(lim)));
		}
		vctx_record_end(c);
		if (!want || failed || too_big)
			continue;
		r = osv_json_doc(c, vakt_buf_str(&buf), buf.len, true, err);
		if (r < 0)
			break;
	}
done:
	c->file = zipfile;
	return r < 0 ? r : 0;
}
