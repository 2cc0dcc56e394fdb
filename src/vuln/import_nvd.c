/* import_nvd.c - NVD CVE API 2.0 JSON (the API's pages and the yearly feed files have the
 * same shape: https://nvd.nist.gov/developers/vulnerabilities):
 *
 *   { "resultsPerPage", "startIndex", "totalResults", "format": "NVD_CVE", "version": "2.0",
 *     "timestamp", "vulnerabilities": [ { "cve": { "id", "published", "lastModified",
 *       "vulnStatus", "descriptions": [{"lang", "value"}], "metrics": { "cvssMetricV40":
 *       [...], "cvssMetricV31": [...], "cvssMetricV30": [...], "cvssMetricV2": [{ "source",
 *       "type": "Primary" | "Secondary", "cvssData": {"vectorString", "baseScore", ...}
 *       }] }, "references": [{"url"}], ... } } ] }
 *
 * A record per CVE, without affected packages (NVD's CPE configurations do not name
 * distribution packages): id, summary (the English description), published and modified
 * (lastModified; NVD writes UTC without a zone, so "Z" is added), withdrawn = lastModified
 * when vulnStatus is "Rejected", refs, and one severity per metric: CVSS_V4, CVSS_V3
 * (3.1 and 3.0), CVSS_V2 in that order, the Primary (NVD's own) before Secondary (the
 * CNA's) within a version, score the vector, base the stated baseScore (-1 when absent).
 *
 * The legacy 1.1 feeds (CVE_Items) are not read. The feed is walked with jscan: one CVE at a
 * time goes to jansson.
 */
#include "vuln/import.h"
#include "vuln/import_int.h"

#include "core/buf.h"

#include <stdio.h>
#include <string.h>

typedef struct nmap {
	vctx *c;
	const vloc *loc;
	vpath path;
	const char *id;
	bool bad;
} nmap;

static bool nbad(nmap *m, const json_t *v, const char *what)
{
	if (m->bad)
		return false;
	m->bad = true;
	char where[200];
	vctx_skip(m->c, vctx_shown(m->c) ? vloc_line(m->loc, &m->path, v) : 0,
		  "%.80s: %s: %s; record skipped", m->id ? m->id : "CVE",
		  vpath_str(&m->path, where, sizeof(where)), what);
	return false;
}

static const struct {
	const char *key, *type;
} metric_kinds[] = {
	{"cvssMetricV40", "CVSS_V4"},
	{"cvssMetricV31", "CVSS_V3"},
	{"cvssMetricV30", "CVSS_V3"},
	{"cvssMetricV2", "CVSS_V2"},
};

/* Severities from metrics, Primary first within each kind. */
static bool map_metrics(nmap *m, const json_t *metrics, vakt_vrecord *rec)
{
	size_t total = 0;
	for (size_t k = 0; k < sizeof(metric_kinds) / sizeof(metric_kinds[0]); k++) {
		json_t *arr = json_object_get(metrics, metric_kinds[k].key);
		if (!arr || json_is_null(arr))
			continue;
		vpath_key(&m->path, metric_kinds[k].key);
		if (!json_is_array(arr))
			return nbad(m, arr, "expected an array");
		total += json_array_size(arr);
		vpath_pop(&m->path);
	}
	if (!total)
		return true;
	vakt_vseverity *sv = vakt_arena_calloc(&m->c->arena, total, sizeof(*sv));
	size_t n = 0;
	for (size_t k = 0; k < sizeof(metric_kinds) / sizeof(metric_kinds[0]); k++) {
		json_t *arr = json_object_get(metrics, metric_kinds[k].key);
		if (!json_is_array(arr))
			continue;
		vpath_key(&m->path, metric_kinds[k].key);
		for (int primary = 1; primary >= 0; primary--)
			for (size_t i = 0; i < json_array_size(arr); i++) {
				json_t *e = json_array_get(arr, i);
				vpath_idx(&m->path, i);
				if (!json_is_object(e))
					return nbad(m, e, "expected an object");
				const char *type;
				if (vjson_str(e, "type", &type) < 0) {
					vpath_key(&m->path, "type");
					return nbad(m, json_object_get(e, "type"),
						    "expected a string");
				}
				bool is_primary = !type || strcmp(type, "Primary") == 0;
				if (is_primary != (bool)primary) {
					vpath_pop(&m->path);
					continue;
				}
				json_t *d = json_object_get(e, "cvssData");
				vpath_key(&m->path, "cvssData");
				if (!json_is_object(d))
					return nbad(m, d ? d : e,
						    d ? "expected an object" : "missing");
				const char *vec;
				int rv = vjson_str(d, "vectorString", &vec);
				if (rv <= 0 || !*vec) {
					vpath_key(&m->path, "vectorString");
					return nbad(m, rv ? json_object_get(d, "vectorString") : d,
						    rv < 0 ? "expected a string" : "missing");
				}
				json_t *bs = json_object_get(d, "baseScore");
				double base = -1;
				if (bs && !json_is_null(bs)) {
					if (!json_is_number(bs) || json_number_value(bs) < 0 ||
					    json_number_value(bs) > 10) {
						vpath_key(&m->path, "baseScore");
						return nbad(m, bs,
							    "expected a number from 0 to 10");
					}
					base = json_number_value(bs);
				}
				sv[n++] = (vakt_vseverity){metric_kinds[k].type, vec, base};
				vpath_pop(&m->path);
				vpath_pop(&m->path);
			}
		vpath_pop(&m->path);
	}
	rec->severity = sv;
	rec->nseverity = n;
	return true;
}

static int nvd_cve(vctx *c, const json_t *item, const vloc *loc, vakt_error **err)
{
	nmap m = {.c = c, .loc = loc};
	vakt_vrecord rec = {.source = "nvd"};
	int r = 0;
	vctx_record_begin(c, loc->line);
	const json_t *cve = json_object_get(item, "cve");
	if (!json_is_object(item) || !json_is_object(cve)) {
		if (json_is_object(item))
			vpath_key(&m.path, "cve");
		nbad(&m, cve ? cve : item,
		     json_is_object(item) && !cve ? "missing" : "expected an object");
		goto out;
	}
	vpath_key(&m.path, "cve");
	const char *id, *pub, *mod, *status;
	int ri = vjson_str(cve, "id", &id);
	if (ri <= 0 || !vimp_id_ok(id)) {
		vpath_key(&m.path, "id");
		nbad(&m, ri ? json_object_get(cve, "id") : cve,
		     ri < 0    ? "expected a string"
		     : ri == 0 ? "missing"
			       : "not an advisory id");
		goto out;
	}
	m.id = rec.id = id;
	static const char *const str_keys[] = {"published", "lastModified", "vulnStatus"};
	const char **str_out[] = {&pub, &mod, &status};
	for (size_t i = 0; i < 3; i++)
		if (vjson_str(cve, str_keys[i], str_out[i]) < 0) {
			vpath_key(&m.path, str_keys[i]);
			nbad(&m, json_object_get(cve, str_keys[i]), "expected a string");
			goto out;
		}
	rec.published = vimp_rfc3339(&c->arena, pub);
	rec.modified = vimp_rfc3339(&c->arena, mod);
	if (status && strcmp(status, "Rejected") == 0)
		rec.withdrawn = rec.modified ? rec.modified : rec.published ? rec.published : "";

	json_t *desc = json_object_get(cve, "descriptions");
	if (desc && !json_is_null(desc)) {
		vpath_key(&m.path, "descriptions");
		if (!json_is_array(desc)) {
			nbad(&m, desc, "expected an array");
			goto out;
		}
		const char *any = NULL, *en = NULL;
		for (size_t i = 0; i < json_array_size(desc); i++) {
			json_t *d = json_array_get(desc, i);
			const char *lang, *value;
			vpath_idx(&m.path, i);
			if (!json_is_object(d) || vjson_str(d, "lang", &lang) < 0 ||
			    vjson_str(d, "value", &value) < 0) {
				nbad(&m, d, "expected an object with strings lang and value");
				goto out;
			}
			if (value && *value && !any)
				any = value;
			if (value && *value && !en && lang && strcmp(lang, "en") == 0)
				en = value;
			vpath_pop(&m.path);
		}
		rec.summary = en ? en : any;
		vpath_pop(&m.path);
	}

	json_t *metrics = json_object_get(cve, "metrics");
	if (metrics && !json_is_null(metrics)) {
		vpath_key(&m.path, "metrics");
		if (!json_is_object(metrics)) {
			nbad(&m, metrics, "expected an object");
			goto out;
		}
		if (!map_metrics(&m, metrics, &rec))
			goto out;
		vpath_pop(&m.path);
	}

	json_t *refs = json_object_get(cve, "references");
	if (refs && !json_is_null(refs)) {
		vpath_key(&m.path, "references");
		if (!json_is_array(refs)) {
			nbad(&m, refs, "expected an array");
			goto out;
		}
		size_t n = json_array_size(refs);
		const char **rv = vakt_arena_calloc(&c->arena, n ? n : 1, sizeof(*rv));
		for (size_t i = 0; i < n; i++) {
			json_t *ref = json_array_get(refs, i);
			const char *url;
			vpath_idx(&m.path, i);
			if (!json_is_object(ref) || vjson_str(ref, "url", &url) < 0) {
				nbad(&m, ref, "expected an object with a string url");
				goto out;
			}
			if (url && *url)
				rv[rec.nrefs++] = url;
			vpath_pop(&m.path);
		}
		rec.refs = rv;
		vpath_pop(&m.path);
	}
	r = vctx_emit(c, &rec, loc->line, err);
out:
	vctx_record_end(c);
	return r;
}

int vimp_nvd(vctx *c, const char *data, size_t len, vakt_error **err)
{
	jscan s;
	js_init(&s, data, len, 1);
	bool first = true;
	const char *k;
	size_t kl;
	bool esc;
	unsigned kline;
	int n = js_obj_begin(&s) < 0 ? -1 : 1;
	while (n == 1 && (n = js_obj_next(&s, &first, &k, &kl, &esc, &kline)) == 1) {
		bool vulns = kl == 15 && memcmp(k, "vulnerabilities", 15) == 0;
		if (!vulns || js_peek(&s) != '[') {
			if (vulns && js_peek(&s) != 'n') {
				vctx_record_begin(c, kline);
				vctx_skip(c, kline, "vulnerabilities: expected an array; skipped");
				vctx_record_end(c);
			}
			if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
				n = -1;
			continue;
		}
		bool f2 = true;
		int e = js_arr_begin(&s);
		while (e == 0 && (e = js_arr_next(&s, &f2)) == 1) {
			const char *start, *end;
			unsigned line = s.line;
			s.tokens = 0;
			if (js_skip(&s, SIZE_MAX / 2, &start, &end) < 0) {
				e = -1;
				break;
			}
			e = 0;
			json_t *j = vctx_record_json(c, start, end, line, s.tokens, "CVE entry");
			if (!j)
				continue;
			vloc loc = {.line = line, .text = start, .text_end = end};
			int r = nvd_cve(c, j, &loc, err);
			json_decref(j);
			if (r < 0)
				return r;
		}
		n = e < 0 ? -1 : 1;
	}
	if (n == 0 && js_end(&s) == 0)
		return 0;
	return vakt_error_set_at(err, VAKT_E_PARSE, c->file, s.err_line, 0, "invalid JSON: %s",
				 s.err ? s.err : "?");
}
