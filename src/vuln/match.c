/* match.c - see match.h. */
#include "vuln/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xalloc.h"
#include "vuln/cvss.h"

void vakt_vfindings_init(vakt_vfindings *f)
{
	memset(f, 0, sizeof(*f));
	vakt_arena_init(&f->arena, 0);
}

void vakt_vfindings_free(vakt_vfindings *f)
{
	free(f->items);
	vakt_arena_destroy(&f->arena);
	memset(f, 0, sizeof(*f));
}

/* ---- the image's ecosystem ------------------------------------------------------------- */

/* The leading "MAJOR" or "MAJOR.MINOR" of a version id into out. */
static bool leading(const char *v, int parts, char *out, size_t len)
{
	size_t n = 0;
	int seen = 0;
	for (const char *p = v; *p && n + 1 < len; p++) {
		if (*p == '.' && ++seen == parts)
			break;
		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			break;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n > 0 && out[0] != '.';
}

bool vakt_vuln_ecosystem(const vakt_os_info *os, char *buf, size_t len, vakt_vscheme *scheme)
{
	if (!os || !os->id)
		return false;
	const char *vid = os->version_id ? os->version_id : os->version;
	char v[32];
	if (strcmp(os->id, "debian") == 0) {
		/* testing and sid have no VERSION_ID: no release to match */
		if (!vid || !leading(vid, 1, v, sizeof(v)))
			return false;
		*scheme = VAKT_VS_DPKG;
		return (size_t)snprintf(buf, len, "Debian:%s", v) < len;
	}
	if (strcmp(os->id, "ubuntu") == 0) {
		if (!vid || !leading(vid, 2, v, sizeof(v)))
			return false;
		*scheme = VAKT_VS_DPKG;
		/* LTS releases are the April ones of even years: "22.04:LTS" in OSV */
		bool lts = strlen(v) == 5 && strcmp(v + 2, ".04") == 0 && (v[1] - '0') % 2 == 0;
		return (size_t)snprintf(buf, len, "Ubuntu:%s%s", v, lts ? ":LTS" : "") < len;
	}
	if (strcmp(os->id, "alpine") == 0) {
		const char *av = os->version ? os->version : vid;
		if (!av || !leading(av, 2, v, sizeof(v)))
			return false;
		*scheme = VAKT_VS_APK;
		return (size_t)snprintf(buf, len, "Alpine:v%s", v) < len;
	}
	static const struct {
		const char *id, *eco;
	} rpm_distros[] = {{"almalinux", "AlmaLinux"}, {"rocky", "Rocky Linux"}};
	for (size_t i = 0; i < sizeof(rpm_distros) / sizeof(rpm_distros[0]); i++)
		if (strcmp(os->id, rpm_distros[i].id) == 0) {
			if (!vid || !leading(vid, 1, v, sizeof(v)))
				return false;
			*scheme = VAKT_VS_RPM;
			return (size_t)snprintf(buf, len, "%s:%s", rpm_distros[i].eco, v) < len;
		}
	return false;
}

/* ---- ranges ---------------------------------------------------------------------------------- */

typedef struct event {
	int kind; /* 0 introduced, 1 fixed, 2 last_affected, 3 limit */
	const char *version;
} event;

static int event_kind(const char *name)
{
	static const char *const names[] = {"introduced", "fixed", "last_affected", "limit"};
	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static vakt_vscheme sort_scheme;

/* "0" (introduced from the beginning) sorts before every version. */
static int cmp_event(const void *pa, const void *pb)
{
	const event *a = pa, *b = pb;
	bool za = a->kind == 0 && strcmp(a->version, "0") == 0;
	bool zb = b->kind == 0 && strcmp(b->version, "0") == 0;
	if (za || zb)
		return zb - za;
	return vakt_version_cmp(sort_scheme, a->version, b->version);
}

/* Is v affected by one range (OSV's evaluation)? *fixed: the first fixed event above v. */
static bool range_affects(vakt_vscheme s, json_t *events, const char *v, const char **fixed)
{
	size_t n = json_array_size(events);
	if (n == 0 || n > 4096)
		return false;
	event *ev = xcalloc(n, sizeof(*ev));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(events, i);
		const char *k = json_string_value(json_array_get(e, 0));
		const char *ver = json_string_value(json_array_get(e, 1));
		int kind = k ? event_kind(k) : -1;
		if (kind >= 0 && ver)
			ev[m++] = (event){kind, ver};
	}
	sort_scheme = s;
	qsort(ev, m, sizeof(*ev), cmp_event);
	bool affected = false, limited = false;
	*fixed = NULL;
	for (size_t i = 0; i < m; i++) {
		int c = (ev[i].kind == 0 && strcmp(ev[i].version, "0") == 0) ? 1
										 : vakt_version_cmp(s, v, ev[i].version);
		switch (ev[i].kind) {
		case 0:
			if (c >= 0)
				affected = true;
			break;
		case 1:
			if (c >= 0)
				affected = false;
			else if (!*fixed && affected)
				*fixed = ev[i].version;
			break;
		case 2:
			if (c > 0)
				affected = false;
			break;
		case 3:
			if (c >= 0)
				limited = true;
			break;
		default:
			break;
		}
		if (c < 0 && ev[i].kind == 0)
			break; /* events above v no longer change the answer, but a fix may */
	}
	free(ev);
	if (!affected || limited)
		*fixed = NULL;
	return affected && !limited;
}

/* ---- severity -------------------------------------------------------------------------------- */

/* A distribution's word for severity; VAKT_SEV_COUNT when it says nothing. */
static vakt_severity distro_severity(const char *w)
{
	static const struct {
		const char *word;
		vakt_severity sev;
	} words[] = {
		{"unimportant", VAKT_SEV_LOW}, {"negligible", VAKT_SEV_LOW}, {"low", VAKT_SEV_LOW},
		{"medium", VAKT_SEV_MEDIUM},   {"moderate", VAKT_SEV_MEDIUM}, {"high", VAKT_SEV_HIGH},
		{"important", VAKT_SEV_HIGH},  {"critical", VAKT_SEV_CRITICAL},
	};
	if (!w)
		return VAKT_SEV_COUNT;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t l = strlen(words[i].word);
		/* the tracker marks guesses with a '*': "medium*" */
		if (strncasecmp(w, words[i].word, l) == 0 && (w[l] == '\0' || w[l] == '*'))
			return words[i].sev;
	}
	return VAKT_SEV_COUNT;
}

static const char *distro_name(const char *ecosystem, vakt_arena *a)
{
	const char *colon = strchr(ecosystem, ':');
	char *s = vakt_arena_strndup(a, ecosystem, colon ? (size_t)(colon - ecosystem) : strlen(ecosystem));
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Best CVSS of a severity array: v3.x first, then v4.0, then v2 (rank lower is better). */
static bool best_cvss(json_t *sev, vakt_cvss *out, const char **vector)
{
	int best = 99;
	size_t i;
	json_t *s;
	json_array_foreach(sev, i, s) {
		const char *score = json_string_value(json_object_get(s, "score"));
		vakt_cvss c;
		if (!score || vakt_cvss_score(score, &c, NULL) < 0)
			continue;
		int rank = c.version == VAKT_CVSS_V31 ? 0 : c.version == VAKT_CVSS_V30 ? 1 : c.version == VAKT_CVSS_V40 ? 2 : 3;
		if (rank < best) {
			best = rank;
			*out = c;
			*vector = score;
		}
	}
	return best != 99;
}

typedef struct nvd_ctx {
	vakt_cvss best;
	const char *vector;
	int rank;
	vakt_arena *arena;
} nvd_ctx;

static void on_score(const char *type, const char *vector, double base, void *ud)
{
	nvd_ctx *c = ud;
	(void)type;
	vakt_cvss s;
	if (!vector || vakt_cvss_score(vector, &s, NULL) < 0)
		return;
	if (base >= 0 && base <= 10)
		s.base = base; /* the feed's own number */
	int rank = s.version == VAKT_CVSS_V31 ? 0 : s.version == VAKT_CVSS_V30 ? 1 : s.version == VAKT_CVSS_V40 ? 2 : 3;
	if (rank < c->rank) {
		c->rank = rank;
		c->best = s;
		c->vector = vakt_arena_strdup(c->arena, vector);
	}
}

/* ---- one package ------------------------------------------------------------------------------- */

typedef struct pkg_ctx {
	vakt_vdb *db;
	vakt_vfindings *out;
	const vakt_pkg *pkg;
	const char *installed;
	vakt_vscheme scheme;
	size_t first; /* this package's first finding in out */
	vakt_error **err;
} pkg_ctx;

static const char *const *str_list(json_t *arr, size_t *n, vakt_arena *a)
{
	size_t cnt = json_array_size(arr);
	const char **v = vakt_arena_calloc(a, cnt ? cnt : 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s)
			v[k++] = vakt_arena_strdup(a, s);
	}
	*n = k;
	return v;
}

/* Is any ID of (id, aliases) already reported for this package? */
static bool seen(const pkg_ctx *c, const char *id, json_t *aliases)
{
	for (size_t i = c->first; i < c->out->n; i++) {
		const vakt_vfinding *f = &c->out->items[i];
		size_t k;
		json_t *a;
		if (strcmp(f->id, id) == 0)
			return true;
		for (size_t j = 0; j < f->naliases; j++) {
			if (strcmp(f->aliases[j], id) == 0)
				return true;
			json_array_foreach(aliases, k, a) if (json_string_value(a) &&
							      strcmp(json_string_value(a), f->aliases[j]) == 0) return true;
		}
		json_array_foreach(aliases, k, a) if (json_string_value(a) && strcmp(json_string_value(a), f->id) == 0) return true;
	}
	return false;
}

static int on_row(const vakt_vdb_row *row, void *ud)
{
	pkg_ctx *c = ud;
	vakt_arena *A = &c->out->arena;
	if (row->withdrawn && *row->withdrawn)
		return 0;
	if (row->status && strcmp(row->status, "not-affected") == 0)
		return 0;
	json_t *ranges = json_loads(row->ranges_json ? row->ranges_json : "[]", 0, NULL);
	json_t *versions = json_loads(row->versions_json ? row->versions_json : "[]", 0, NULL);
	bool affected = false;
	const char *fixed = NULL;
	size_t i;
	json_t *r;
	json_array_foreach(ranges, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		vakt_vscheme s;
		if (type && strcmp(type, "ECOSYSTEM") == 0)
			s = c->scheme;
		else if (type && strcmp(type, "SEMVER") == 0)
			s = VAKT_VS_SEMVER;
		else
			continue; /* GIT: commits, not package versions */
		const char *fx = NULL;
		if (range_affects(s, json_object_get(r, "events"), c->installed, &fx)) {
			if (!affected || (fx && (!fixed || vakt_version_cmp(s, fx, fixed) < 0)))
				fixed = fx;
			affected = true;
		}
	}
	json_t *v;
	json_array_foreach(versions, i, v) if (!affected && json_string_value(v) &&
					       vakt_version_cmp(c->scheme, json_string_value(v), c->installed) == 0)
		affected = true;
	/* a tracker entry with no range at all but an open status: every version */
	if (!affected && json_array_size(ranges) == 0 && json_array_size(versions) == 0 && row->status &&
	    (strcmp(row->status, "open") == 0 || strcmp(row->status, "undetermined") == 0))
		affected = true;
	if (!affected) {
		json_decref(ranges), json_decref(versions);
		return 0;
	}
	json_t *aliases = json_loads(row->aliases_json ? row->aliases_json : "[]", 0, NULL);
	if (seen(c, row->id, aliases)) {
		json_decref(ranges), json_decref(versions), json_decref(aliases);
		return 0;
	}
	if (c->out->n == c->out->cap) {
		c->out->cap = c->out->cap ? c->out->cap * 2 : 64;
		c->out->items = xreallocarray(c->out->items, c->out->cap, sizeof(*c->out->items));
	}
	vakt_vfinding *f = &c->out->items[c->out->n++];
	memset(f, 0, sizeof(*f));
	f->id = vakt_arena_strdup(A, row->id);
	f->aliases = str_list(aliases, &f->naliases, A);
	f->pkg = c->pkg;
	f->installed = c->installed;
	f->fixed = fixed ? vakt_arena_strdup(A, fixed) : NULL;
	f->status = fixed ? "fixed"
			  : row->status && strcmp(row->status, "resolved") != 0 ? vakt_arena_strdup(A, row->status)
										: "affected";
	f->title = row->summary ? vakt_arena_strdup(A, row->summary) : NULL;
	f->source = vakt_arena_strdup(A, row->source);
	f->ecosystem = vakt_arena_strdup(A, row->ecosystem);
	json_t *refs = json_loads(row->refs_json ? row->refs_json : "[]", 0, NULL);
	f->links = str_list(refs, &f->nlinks, A);
	json_decref(refs);
	f->cvss = -1;

	vakt_severity ds = distro_severity(row->severity);
	json_t *sev = json_loads(row->severity_json ? row->severity_json : "[]", 0, NULL);
	vakt_cvss cv;
	const char *vec = NULL;
	if (ds != VAKT_SEV_COUNT) {
		f->severity = ds;
		f->severity_source = distro_name(row->ecosystem, A);
	} else if (best_cvss(sev, &cv, &vec)) {
		f->severity = vakt_cvss_severity(&cv);
		f->severity_source = vakt_arena_printf(A, "cvss (%s)", row->source);
		f->cvss = cv.base;
		f->cvss_vector = vakt_arena_strdup(A, vec);
	} else {
		nvd_ctx n = {.rank = 99, .arena = A};
		vakt_vdb_scores(c->db, f->id, on_score, &n, NULL);
		for (size_t k = 0; k < f->naliases && n.rank == 99; k++)
			vakt_vdb_scores(c->db, f->aliases[k], on_score, &n, NULL);
		/* a distribution's record names its CVE as upstream or related (DEBIAN-CVE-X,
		 * ALSA-...): that CVE's scores are the ones NVD has */
		json_t *rel = json_loads(row->related_json ? row->related_json : "[]", 0, NULL);
		size_t ri;
		json_t *rv;
		json_array_foreach(rel, ri, rv) if (n.rank == 99 && json_string_value(rv))
			vakt_vdb_scores(c->db, json_string_value(rv), on_score, &n, NULL);
		json_decref(rel);
		if (n.rank != 99) {
			f->severity = vakt_cvss_severity(&n.best);
			f->severity_source = "nvd";
			f->cvss = n.best.base;
			f->cvss_vector = n.vector;
		} else {
			f->severity = VAKT_SEV_UNKNOWN;
			f->severity_source = "none";
		}
	}
	json_decref(sev), json_decref(ranges), json_decref(versions), json_decref(aliases);
	return 0;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const vakt_vfinding *a = pa, *b = pb;
	int c = strcmp(a->pkg->name, b->pkg->name);
	if (c)
		return c;
	if (a->pkg != b->pkg)
		return a->pkg < b->pkg ? -1 : 1;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	return strcmp(a->id, b->id);
}

/* The name and version a package is looked up by. */
static const char *pkg_key(const vakt_pkg *p, const char **version)
{
	bool by_source = p->type != VAKT_PKG_RPM;
	*version = by_source && p->src_version ? p->src_version : p->version;
	return by_source && p->src_name ? p->src_name : p->name;
}

static const vakt_image *sort_img;

static int cmp_key(const void *pa, const void *pb)
{
	const vakt_pkg *a = &sort_img->pkgs.items[*(const size_t *)pa];
	const vakt_pkg *b = &sort_img->pkgs.items[*(const size_t *)pb];
	const char *va, *vb;
	int c = strcmp(pkg_key(a, &va), pkg_key(b, &vb));
	if (!c)
		c = strcmp(va, vb);
	if (!c)
		c = (*(const size_t *)pa > *(const size_t *)pb) - (*(const size_t *)pa < *(const size_t *)pb);
	return c;
}

int vakt_vuln_match(vakt_vdb *db, const vakt_image *img, vakt_vfindings *out, vakt_error **err)
{
	char eco[64];
	vakt_vscheme scheme;
	if (!vakt_vuln_ecosystem(&img->os, eco, sizeof(eco), &scheme))
		return 0;
	out->ecosystem = vakt_arena_strdup(&out->arena, eco);
	/* Binaries of one source package share its records: look each (name, version) up
	 * once and give its findings to every binary built from it. */
	size_t n = img->pkgs.n;
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_img = img;
	qsort(order, n, sizeof(*order), cmp_key);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0;) {
		const vakt_pkg *p = &img->pkgs.items[order[i]];
		const char *ver, *key = pkg_key(p, &ver);
		pkg_ctx c = {.db = db, .out = out, .pkg = p, .installed = ver, .scheme = scheme,
			     .first = out->n, .err = err};
		out->packages++;
		r = vakt_vdb_affected(db, eco, key, on_row, &c, err);
		size_t first = c.first, last = out->n, j = i + 1;
		for (; r >= 0 && j < n; j++) {
			const vakt_pkg *q = &img->pkgs.items[order[j]];
			const char *qv, *qk = pkg_key(q, &qv);
			if (strcmp(qk, key) != 0 || strcmp(qv, ver) != 0)
				break;
			out->packages++;
			for (size_t k = first; k < last; k++) {
				if (out->n == out->cap) {
					out->cap *= 2;
					out->items = xreallocarray(out->items, out->cap, sizeof(*out->items));
				}
				out->items[out->n] = out->items[k];
				out->items[out->n++].pkg = q;
			}
		}
		i = j;
	}
	free(order);
	if (r < 0)
		return r;
	qsort(out->items, out->n, sizeof(*out->items), cmp_finding);
	return 0;
}
