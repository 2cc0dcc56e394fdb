/* import.c - reading vulnerability feeds: dispatch by kind, directory walks, and what the
 * importers share (import_int.h): counters and warnings, the streaming JSON walk,
 * locating values for messages, YAML to jansson.
 */
#include "vuln/import.h"
#include "vuln/import_int.h"

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one import call ------------------------------------------------------------------------- */

void vctx_init(vctx *c, vakt_vimport *im, const char *file)
{
	memset(c, 0, sizeof(*c));
	c->im = im;
	c->file = file;
	vakt_arena_init(&c->arena, 0);
	c->max_file = im->max_file ? im->max_file : VAKT_VIMPORT_MAX_FILE;
	c->max_record = im->max_record ? im->max_record : VAKT_VIMPORT_MAX_RECORD;
	c->max_zip_members =
		im->max_zip_members ? im->max_zip_members : VAKT_VIMPORT_MAX_ZIP_MEMBERS;
	c->max_zip_total = im->max_zip_total ? im->max_zip_total : VAKT_VIMPORT_MAX_ZIP_TOTAL;
}

void vctx_fini(vctx *c)
{
	vakt_arena_destroy(&c->arena);
}

void vctx_record_begin(vctx *c, unsigned line)
{
	vakt_arena_reset(&c->arena);
	c->rec_warnings = 0;
	c->rec_line = line;
}

void vctx_record_end(vctx *c)
{
	if (c->rec_warnings > VIMP_RECORD_WARNINGS && c->im->warn) {
		char msg[96];
		snprintf(msg, sizeof(msg), "%u more warnings for this record not shown",
			 c->rec_warnings - VIMP_RECORD_WARNINGS);
		c->im->warn(c->file, c->rec_line, msg, c->im->ud);
	}
	c->rec_warnings = 0;
}

/* Messages quote input (ids, package names, member names): control bytes become '?', so
 * a hostile feed cannot forge lines in a log. Long messages are cut. */
static void vwarn(vctx *c, unsigned line, const char *fmt, va_list ap)
{
	c->im->warnings++;
	if (++c->rec_warnings > VIMP_RECORD_WARNINGS || !c->im->warn)
		return;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->im->warn(c->file, line, msg, c->im->ud);
}

void vctx_warn(vctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(c, line, fmt, ap);
	va_end(ap);
}

void vctx_skip(vctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(c, line, fmt, ap);
	va_end(ap);
	c->im->skipped++;
}

int vctx_emit(vctx *c, const vakt_vrecord *rec, unsigned line, vakt_error **err)
{
	c->im->records++;
	int r = c->im->sink ? c->im->sink(rec, c->file, line, c->im->ud) : 0;
	if (r < 0)
		return vakt_error_set_at(err, r, c->file, line, 0, "%s: the import was stopped",
					 rec->id);
	return 0;
}

/* ---- jscan ----------------------------------------------------------------------------------- */

void js_init(jscan *s, const char *data, size_t len, unsigned line)
{
	s->p = data;
	s->end = data + len;
	s->line = line;
	s->tokens = 0;
	s->err = NULL;
	s->err_line = 0;
}

static int js_fail(jscan *s, const char *msg)
{
	if (!s->err) {
		s->err = msg;
		s->err_line = s->line;
	}
	return -1;
}

void js_ws(jscan *s)
{
	const char *p = s->p;
	while (p < s->end) {
		char ch = *p;
		if (ch == '\n')
			s->line++;
		else if (ch != ' ' && ch != '\t' && ch != '\r')
			break;
		p++;
	}
	s->p = p;
}

int js_peek(jscan *s)
{
	js_ws(s);
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

int js_expect(jscan *s, char c)
{
	if (js_peek(s) != (unsigned char)c) {
		if (s->p >= s->end)
			return js_fail(s, "unexpected end of input");
		switch (c) {
		case '{': return js_fail(s, "expected an object");
		case '[': return js_fail(s, "expected an array");
		case ':': return js_fail(s, "expected ':'");
		case '"': return js_fail(s, "expected a string");
		default: return js_fail(s, "unexpected character");
		}
	}
	s->p++;
	return 0;
}

int js_string(jscan *s, const char **ret, size_t *ret_len, bool *escaped)
{
	if (js_expect(s, '"') < 0)
		return -1;
	const char *start = s->p, *p = s->p;
	bool esc = false;
	for (;;) {
		/* the common run of plain bytes */
		const char *q = p;
		while (q < s->end && *q != '"' && *q != '\\' && *q != '\n')
			q++;
		p = q;
		if (p >= s->end)
			return js_fail(s, "unterminated string");
		if (*p == '"')
			break;
		if (*p == '\n') { /* invalid in JSON; jansson says so, the count stays right */
			s->line++;
			p++;
			continue;
		}
		esc = true; /* backslash: skip the escaped byte */
		if (p + 1 >= s->end)
			return js_fail(s, "unterminated string");
		if (p[1] == '\n')
			s->line++;
		p += 2;
	}
	*ret = start;
	*ret_len = (size_t)(p - start);
	if (escaped)
		*escaped = esc;
	s->p = p + 1;
	s->tokens++;
	return 0;
}

static bool js_scalar_byte(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '-' || ch == '+' || ch == '.';
}

/* Skip a scalar (number, true, false, null); jansson validates it later. */
static int js_scalar(jscan *s)
{
	const char *p = s->p;
	while (p < s->end && js_scalar_byte(*p))
		p++;
	if (p == s->p)
		return js_fail(s,
			       s->p < s->end ? "unexpected character" : "unexpected end of input");
	s->p = p;
	s->tokens++;
	return 0;
}

/* The walk over one value keeps a stack of open brackets as bits (1: object). Members
 * and elements are checked for their separators, so the spans handed on are whole. */
int js_skip(jscan *s, size_t max_tokens, const char **ret_start, const char **ret_end)
{
	uint8_t stack[VIMP_MAX_DEPTH / 8];
	unsigned depth = 0;
	size_t limit = s->tokens + max_tokens;
	js_ws(s);
	const char *start = s->p;
	/* state: expecting a value (after '[', ',' in an array, ':'), or a key (after '{', ','
	 * in an object), or a separator/closer after a value */
	enum { VAL, KEY_OR_CLOSE, VAL_OR_CLOSE, KEY, AFTER } st = VAL;
	for (;;) {
		if (s->tokens > limit)
			return js_fail(s, "too many values");
		if (st == AFTER && depth == 0)
			break;
		int ch = js_peek(s);
		if (ch < 0)
			return js_fail(s, "unexpected end of input");
		if (st == AFTER) {
			bool obj = stack[(depth - 1) / 8] & (1u << ((depth - 1) % 8));
			if (ch == ',') {
				s->p++;
				st = obj ? KEY : VAL;
			} else if (ch == (obj ? '}' : ']')) {
				s->p++;
				depth--;
				s->tokens++;
			} else {
				return js_fail(s,
					       obj ? "expected ',' or '}'" : "expected ',' or ']'");
			}
			continue;
		}
		if (st == KEY || st == KEY_OR_CLOSE) {
			if (ch == '}' && st == KEY_OR_CLOSE) {
				s->p++;
				depth--;
				s->tokens++;
				st = AFTER;
				continue;
			}
			const char *k;
			size_t kl;
			if (js_string(s, &k, &kl, NULL) < 0 || js_expect(s, ':') < 0)
				return -1;
			st = VAL;
			continue;
		}
		if (ch == ']' && st == VAL_OR_CLOSE) {
			s->p++;
			depth--;
			s->tokens++;
			st = AFTER;
			continue;
		}
		/* a value */
		if (ch == '{' || ch == '[') {
			if (depth >= VIMP_MAX_DEPTH)
				return js_fail(s, "nested too deeply");
			if (ch == '{')
				stack[depth / 8] |= (uint8_t)(1u << (depth % 8));
			else
				stack[depth / 8] &= (uint8_t) ~(1u << (depth % 8));
			depth++;
			s->p++;
			s->tokens++;
			st = ch == '{' ? KEY_OR_CLOSE : VAL_OR_CLOSE;
			continue;
		}
		if (ch == '"') {
			const char *v;
			size_t vl;
			if (js_string(s, &v, &vl, NULL) < 0)
				return -1;
		} else if (js_scalar(s) < 0) {
			return -1;
		}
		st = AFTER;
	}
	if (ret_start)
		*ret_start = start;
	if (ret_end)
		*ret_end = s->p;
	return 0;
}

int js_obj_begin(jscan *s)
{
	return js_expect(s, '{');
}

int js_obj_next(jscan *s, bool *first, const char **key, size_t *key_len, bool *escaped,
		unsigned *key_line)
{
	int ch = js_peek(s);
	if (ch == '}') {
		s->p++;
		return 0;
	}
	if (!*first) {
		if (ch != ',')
			return js_fail(s,
				       ch < 0 ? "unexpected end of input" : "expected ',' or '}'");
		s->p++;
		js_ws(s);
	}
	*first = false;
	*key_line = s->line;
	if (js_string(s, key, key_len, escaped) < 0 || js_expect(s, ':') < 0)
		return -1;
	js_ws(s);
	return 1;
}

int js_arr_begin(jscan *s)
{
	return js_expect(s, '[');
}

int js_arr_next(jscan *s, bool *first)
{
	int ch = js_peek(s);
	if (ch == ']') {
		s->p++;
		return 0;
	}
	if (!*first) {
		if (ch != ',')
			return js_fail(s,
				       ch < 0 ? "unexpected end of input" : "expected ',' or ']'");
		s->p++;
		js_ws(s);
	}
	*first = false;
	if (s->p >= s->end)
		return js_fail(s, "unexpected end of input");
	return 1;
}

int js_end(jscan *s)
{
	if (js_peek(s) >= 0)
		return js_fail(s, "data after the end of the document");
	return 0;
}

const char *js_key_str(vakt_arena *a, const char *raw, size_t len, bool escaped)
{
	bool plain = !escaped;
	for (size_t i = 0; plain && i < len; i++)
		if ((unsigned char)raw[i] < 0x20 || (unsigned char)raw[i] >= 0x80)
			plain = false;
	if (plain)
		return vakt_arena_strndup(a, raw, len);
	/* let jansson decode (escapes, UTF-8 validation, no NUL): the key with its quotes */
	json_error_t je;
	json_t *j = json_loadb(raw - 1, len + 2, JSON_DECODE_ANY, &je);
	const char *out = NULL;
	if (j && json_is_string(j))
		out = vakt_arena_strdup(a, json_string_value(j));
	json_decref(j);
	return out;
}

json_t *vjson_parse(const char *start, const char *end, unsigned line, unsigned *ret_line,
		    char *msg, size_t msglen)
{
	json_error_t je;
	/* duplicate keys are refused: two readers of one record must not disagree about it;
	 * integers are read as reals so a huge one in a field vakt ignores is no error */
	json_t *j =
		json_loadb(start, (size_t)(end - start),
			   JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY, &je);
	if (!j) {
		*ret_line = line + (je.line > 0 ? (unsigned)je.line - 1 : 0);
		snprintf(msg, msglen, "%s", je.text);
	}
	return j;
}

json_t *vctx_record_json(vctx *c, const char *start, const char *end, unsigned line, size_t tokens,
			 const char *what)
{
	char msg[200];
	unsigned eline = line;
	json_t *j = NULL;
	if (tokens > VIMP_MAX_VALUES || (size_t)(end - start) > c->max_record)
		snprintf(msg, sizeof(msg), "over the record limits");
	else
		j = vjson_parse(start, end, line, &eline, msg, sizeof(msg));
	if (!j) {
		vctx_record_begin(c, line);
		vctx_skip(c, eline, "%s: %s; skipped", what, msg);
		vctx_record_end(c);
	}
	return j;
}

/* ---- where a value is ------------------------------------------------------------------------ */

const char *vpath_str(const vpath *p, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	unsigned n = p->n < VPATH_MAX ? p->n : VPATH_MAX;
	for (unsigned i = 0; i < n && o < len; i++) {
		int w;
		if (p->c[i].key)
			w = snprintf(buf + o, len - o, "%s%s", i ? "." : "", p->c[i].key);
		else
			w = snprintf(buf + o, len - o, "[%zu]", p->c[i].idx);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (p->n > VPATH_MAX && o < len)
		snprintf(buf + o, len - o, "...");
	return buf;
}

void vlines_free(vlines *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void vlines_add(vlines *t, const json_t *v, unsigned line)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].v = v;
	t->v[t->n++].line = line;
	t->sorted = false;
}

static int cmp_vline(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const vline_ent *)a)->v,
		  y = (uintptr_t)((const vline_ent *)b)->v;
	return x < y ? -1 : x > y;
}

/* Walk the record's text along path; the line of the value found, or 0. */
/* Walk the record's text along path: the line of the value found, or of the deepest
 * container found on the way (a missing member is reported where its object is). */
static unsigned locate_json(const vloc *l, const vpath *path)
{
	jscan s;
	js_init(&s, l->text, (size_t)(l->text_end - l->text), l->line);
	unsigned n = path->n < VPATH_MAX ? path->n : VPATH_MAX;
	for (unsigned i = 0; i < n; i++) {
		bool first = true;
		int r;
		js_ws(&s);
		unsigned here = s.line;
		if (path->c[i].key) {
			if (js_peek(&s) != '{' || js_obj_begin(&s) < 0)
				return here;
			const char *k;
			size_t kl;
			bool esc;
			unsigned kline;
			size_t want = strlen(path->c[i].key);
			while ((r = js_obj_next(&s, &first, &k, &kl, &esc, &kline)) == 1) {
				/* keys with escapes are not compared: their line is the object's */
				if (!esc && kl == want && memcmp(k, path->c[i].key, kl) == 0)
					break;
				if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
					return here;
			}
			if (r != 1)
				return here;
		} else {
			if (js_peek(&s) != '[' || js_arr_begin(&s) < 0)
				return here;
			size_t idx = 0;
			while ((r = js_arr_next(&s, &first)) == 1 && idx < path->c[i].idx) {
				if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
					return here;
				idx++;
			}
			if (r != 1)
				return here;
		}
	}
	js_ws(&s);
	return s.line;
}

static unsigned table_line(vlines *t, const json_t *v)
{
	if (!t->sorted) {
		qsort(t->v, t->n, sizeof(*t->v), cmp_vline);
		t->sorted = true;
	}
	vline_ent key = {.v = v};
	const vline_ent *e = bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_vline);
	return e ? e->line : 0;
}

unsigned vloc_line(const vloc *l, const vpath *path, const json_t *v)
{
	if (l->text)
		return locate_json(l, path);
	if (!l->lines || !l->lines->n)
		return l->line;
	unsigned line = v ? table_line(l->lines, v) : 0;
	if (line)
		return line;
	/* the deepest container along the path that has a line */
	line = l->line;
	const json_t *cur = l->root;
	for (unsigned i = 0; cur && i < path->n && i < VPATH_MAX; i++) {
		unsigned here = table_line(l->lines, cur);
		if (here)
			line = here;
		cur = path->c[i].key ? json_object_get(cur, path->c[i].key)
				     : json_array_get(cur, path->c[i].idx);
	}
	unsigned here = cur ? table_line(l->lines, cur) : 0;
	return here ? here : line;
}

/* ---- YAML to jansson ------------------------------------------------------------------------- */

/* Recursive: the depth is bounded here (aliases can stack anchored trees deeper than the
 * document's own nesting limit), the node count by budget. */
static json_t *yconv(const vakt_node *n, unsigned depth, size_t *budget, vlines *lines,
		     const char **why, unsigned *why_line)
{
	if (depth > VIMP_MAX_DEPTH) {
		*why = "nested too deeply (aliases expanded)";
		*why_line = n->line;
		return NULL;
	}
	if (*budget == 0) {
		*why = "too many values (aliases expanded)";
		*why_line = n->line;
		return NULL;
	}
	--*budget;
	json_t *j = NULL;
	switch ((vakt_node_type)n->type) {
	case VAKT_NODE_SCALAR:
		if (vakt_node_is_null(n))
			return json_null(); /* a shared singleton: not in the line table */
		if (memchr(n->scalar.str, '\0', n->scalar.len)) {
			*why = "a string holds a NUL byte";
			*why_line = n->line;
			return NULL;
		}
		j = json_stringn(n->scalar.str, n->scalar.len);
		if (!j) {
			*why = "a string is not valid UTF-8";
			*why_line = n->line;
			return NULL;
		}
		break;
	case VAKT_NODE_SEQ:
		j = json_array();
		for (size_t i = 0; i < n->seq.n; i++) {
			json_t *c = yconv(n->seq.items[i], depth + 1, budget, lines, why, why_line);
			if (!c) {
				json_decref(j);
				return NULL;
			}
			json_array_append_new(j, c);
		}
		break;
	case VAKT_NODE_MAP: {
		vakt_map_entry *ents = NULL;
		size_t ne = 0;
		bool ok = vakt_node_map_entries(n, *budget, &ents, &ne);
		if (!ok) {
			free(ents);
			*why = "too many values (merge keys expanded)";
			*why_line = n->line;
			return NULL;
		}
		j = json_object();
		for (size_t i = 0; i < ne; i++) {
			const vakt_node *k = ents[i].key;
			if (k->type != VAKT_NODE_SCALAR ||
			    memchr(k->scalar.str, '\0', k->scalar.len)) {
				*why = "a mapping key is not a string";
				*why_line = k->line;
				json_decref(j);
				free(ents);
				return NULL;
			}
			json_t *c = yconv(ents[i].value, depth + 1, budget, lines, why, why_line);
			if (!c) {
				json_decref(j);
				free(ents);
				return NULL;
			}
			if (json_object_set_new(j, k->scalar.str, c) < 0) {
				*why = "a mapping key is not valid UTF-8";
				*why_line = k->line;
				json_decref(j);
				free(ents);
				return NULL;
			}
		}
		free(ents);
		break;
	}
	default:
		*why = "unknown node";
		*why_line = n->line;
		return NULL;
	}
	if (lines)
		vlines_add(lines, j, n->line);
	return j;
}

json_t *vyaml_to_json(const vakt_node *n, size_t *budget, vlines *lines, const char **why,
		      unsigned *why_line)
{
	if (!n)
		return json_null();
	return yconv(n, 0, budget, lines, why, why_line);
}

/* ---- small helpers --------------------------------------------------------------------------- */

bool vimp_id_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f || n >= VIMP_MAX_ID)
			return false;
	return n > 0;
}

char *vimp_lower(vakt_arena *a, const char *s)
{
	char *o = vakt_arena_strdup(a, s);
	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

const char *vimp_word(vakt_arena *a, const char *s)
{
	if (!s)
		return NULL;
	char *w = vimp_lower(a, s);
	size_t n = strlen(w);
	while (n && (w[n - 1] == '*' || w[n - 1] == ' '))
		w[--n] = '\0';
	if (!n || strcmp(w, "not yet assigned") == 0 || strcmp(w, "unknown") == 0)
		return NULL;
	return w;
}

const char *vimp_rfc3339(vakt_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	const char *t = strchr(s, 'T');
	if (!t || n == 0 || s[n - 1] == 'Z' || s[n - 1] == 'z' || strchr(t, '+') || strchr(t, '-'))
		return s;
	return vakt_arena_printf(a, "%sZ", s); /* NVD: UTC without the zone designator */
}

const char *vjson_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	default: return "?";
	}
}

int vjson_str(const json_t *obj, const char *key, const char **ret)
{
	json_t *v = json_object_get(obj, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*ret = json_string_value(v);
	return 1;
}

/* ---- the record contract --------------------------------------------------------------------- */

static bool nonempty(const char *s)
{
	return s && *s;
}

static bool str_array_ok(const char *const *v, size_t n)
{
	if (n && !v)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!nonempty(v[i]))
			return false;
	return true;
}

bool vakt_vrecord_valid(const vakt_vrecord *rec, const char **why)
{
	const char *w = NULL;
	if (!rec || !nonempty(rec->source) || !nonempty(rec->id))
		w = "no source or id";
	else if (!str_array_ok(rec->aliases, rec->naliases) ||
		 !str_array_ok(rec->upstream, rec->nupstream) ||
		 !str_array_ok(rec->related, rec->nrelated))
		w = "an alias, upstream or related id is empty";
	else if (!str_array_ok(rec->refs, rec->nrefs))
		w = "a reference is empty";
	else if ((rec->nseverity && !rec->severity) || (rec->naffected && !rec->affected))
		w = "a count without its array";
	for (size_t i = 0; !w && i < rec->nseverity; i++) {
		const vakt_vseverity *s = &rec->severity[i];
		if (!nonempty(s->type) || !nonempty(s->score))
			w = "a severity without type or score";
		else if (!(s->base == -1 || (s->base >= 0 && s->base <= 10)))
			w = "a base score outside 0..10";
	}
	for (size_t i = 0; !w && i < rec->naffected; i++) {
		const vakt_vaffected *a = &rec->affected[i];
		if (!nonempty(a->ecosystem) || !nonempty(a->package))
			w = "an affected entry without ecosystem or package";
		else if (!str_array_ok(a->versions, a->nversions))
			w = "an affected version is empty";
		else if (a->nranges && !a->ranges)
			w = "a count without its array";
		else if ((a->status && !*a->status) || (a->severity && !*a->severity))
			w = "an empty status or severity";
		for (size_t k = 0; !w && k < a->nranges; k++) {
			const vakt_vrange *r = &a->ranges[k];
			if (r->type != VAKT_RANGE_ECOSYSTEM && r->type != VAKT_RANGE_SEMVER &&
			    r->type != VAKT_RANGE_GIT)
				w = "an unknown range type";
			else if (!r->nevents || !r->events)
				w = "a range without events";
			for (size_t e = 0; !w && e < r->nevents; e++)
				if (!nonempty(r->events[e].version) ||
				    (unsigned)r->events[e].kind > VAKT_EV_LIMIT)
					w = "an event without a version or kind";
		}
	}
	if (why)
		*why = w;
	return !w;
}

/* ---- kinds ----------------------------------------------------------------------------------- */

const char *vakt_feed_name(vakt_feed f)
{
	switch (f) {
	case VAKT_FEED_OSV_JSON: return "osv-json";
	case VAKT_FEED_OSV_YAML: return "osv-yaml";
	case VAKT_FEED_OSV_ZIP: return "osv-zip";
	case VAKT_FEED_DEBIAN: return "debian-tracker";
	case VAKT_FEED_ALPINE_JSON: return "alpine-json";
	case VAKT_FEED_ALPINE_YAML: return "alpine-yaml";
	case VAKT_FEED_NVD: return "nvd";
	case VAKT_FEED_AUTO: return "auto";
	default: return "unknown";
	}
}

/* Releases by codename, from the Debian release notes (buzz 1.1 .. duke 15). "sid" and
 * "experimental" have no number: no OSV ecosystem names them, and an image running sid
 * cannot be told apart from the next release by /etc/os-release alone, so their entries
 * in the tracker are not imported. */
const char *vakt_debian_release(const char *codename)
{
	static const char *const names[][2] = {
		{"buzz", "1.1"},    {"rex", "1.2"},    {"bo", "1.3"},	 {"hamm", "2.0"},
		{"slink", "2.1"},   {"potato", "2.2"}, {"woody", "3.0"}, {"sarge", "3.1"},
		{"etch", "4"},	    {"lenny", "5"},    {"squeeze", "6"}, {"wheezy", "7"},
		{"jessie", "8"},    {"stretch", "9"},  {"buster", "10"}, {"bullseye", "11"},
		{"bookworm", "12"}, {"trixie", "13"},  {"forky", "14"},	 {"duke", "15"},
	};
	if (!codename)
		return NULL;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(names); i++)
		if (strcmp(codename, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

static bool looks_like_tracker_id(const char *k, size_t n)
{
	return (n > 4 && memcmp(k, "CVE-", 4) == 0) || (n > 5 && memcmp(k, "TEMP-", 5) == 0);
}

static bool key_is(const char *k, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(k, want, n) == 0;
}

/* Decide a JSON object's kind from its top-level keys (at most 64 looked at). */
static vakt_feed detect_object(const char *data, size_t len)
{
	jscan s;
	js_init(&s, data, len, 1);
	if (js_obj_begin(&s) < 0)
		return VAKT_FEED_AUTO;
	bool first = true;
	const char *k;
	size_t kl;
	bool esc;
	unsigned kline;
	vakt_feed guess = VAKT_FEED_AUTO;
	for (int i = 0; i < 64 && js_obj_next(&s, &first, &k, &kl, &esc, &kline) == 1; i++) {
		/* Debian: package -> {CVE-...: {...}} */
		if (js_peek(&s) == '{') {
			jscan t = s;
			bool f2 = true;
			const char *k2;
			size_t kl2;
			bool e2;
			unsigned l2;
			if (js_obj_begin(&t) == 0 &&
			    js_obj_next(&t, &f2, &k2, &kl2, &e2, &l2) == 1 &&
			    looks_like_tracker_id(k2, kl2) && js_peek(&t) == '{')
				return VAKT_FEED_DEBIAN;
		}
		if (key_is(k, kl, "schema_version") || key_is(k, kl, "affected"))
			return VAKT_FEED_OSV_JSON;
		if (key_is(k, kl, "vulnerabilities") || key_is(k, kl, "resultsPerPage") ||
		    key_is(k, kl, "totalResults"))
			return VAKT_FEED_NVD;
		if (key_is(k, kl, "format")) {
			const char *v;
			size_t vl;
			jscan t = s;
			if (js_peek(&t) == '"' && js_string(&t, &v, &vl, NULL) == 0 &&
			    key_is(v, vl, "NVD_CVE"))
				return VAKT_FEED_NVD;
		}
		if (key_is(k, kl, "distroversion") || key_is(k, kl, "packages") ||
		    key_is(k, kl, "secfixes") || key_is(k, kl, "apkurl") ||
		    key_is(k, kl, "reponame"))
			return VAKT_FEED_ALPINE_JSON;
		if (key_is(k, kl, "id") || key_is(k, kl, "modified") || key_is(k, kl, "aliases") ||
		    key_is(k, kl, "published") || key_is(k, kl, "withdrawn"))
			guess = VAKT_FEED_OSV_JSON; /* unless a later key says otherwise */
		if (js_skip(&s, SIZE_MAX / 2, NULL, NULL) < 0)
			break;
	}
	return guess;
}

/* A line at column 0 of the first 64 KiB starting with key (e.g. "id:"). */
static bool yaml_has_top_key(const char *data, size_t len, const char *key)
{
	size_t kl = strlen(key);
	if (len > 65536)
		len = 65536;
	for (size_t i = 0; i < len;) {
		if (len - i >= kl && memcmp(data + i, key, kl) == 0)
			return true;
		const char *nl = memchr(data + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - data) + 1;
	}
	return false;
}

vakt_feed vakt_feed_detect(const char *data, size_t len)
{
	if (!data)
		return VAKT_FEED_AUTO;
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
		return VAKT_FEED_OSV_ZIP;
	if (len >= 4 && memcmp(data, "PK\x05\x06", 4) == 0) /* an empty zip */
		return VAKT_FEED_OSV_ZIP;
	size_t o = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		o = 3;
	while (o < len && (data[o] == ' ' || data[o] == '\t' || data[o] == '\r' || data[o] == '\n'))
		o++;
	if (o < len && data[o] == '{')
		return detect_object(data + o, len - o);
	if (o < len && data[o] == '[')
		return VAKT_FEED_OSV_JSON;
	if (yaml_has_top_key(data, len, "distroversion:"))
		return VAKT_FEED_ALPINE_YAML;
	if (yaml_has_top_key(data, len, "schema_version:") ||
	    (yaml_has_top_key(data, len, "id:") && yaml_has_top_key(data, len, "affected:")))
		return VAKT_FEED_OSV_YAML;
	return VAKT_FEED_AUTO;
}

/* ---- import ---------------------------------------------------------------------------------- */

int vakt_vimport_buffer(vakt_vimport *im, vakt_feed kind, const char *name, const char *data,
			size_t len, vakt_error **err)
{
	if (!name)
		name = "<buffer>";
	if (!data)
		data = "", len = 0;
	if (kind == VAKT_FEED_AUTO) {
		kind = vakt_feed_detect(data, len);
		if (kind == VAKT_FEED_AUTO)
			return vakt_error_set_at(
				err, VAKT_E_PARSE, name, 0, 0,
				"not a feed vakt knows (OSV JSON, YAML or zip, the "
				"Debian security tracker, Alpine secdb, NVD CVE 2.0)");
	}
	vctx c;
	vctx_init(&c, im, name);
	if (len > c.max_file) {
		char lim[32];
		vctx_fini(&c);
		return vakt_error_set_at(err, VAKT_E_LIMIT, name, 0, 0,
					 "input is larger than the %s limit",
					 vakt_size_str(c.max_file, lim, sizeof(lim)));
	}
	/* a byte order mark is no part of JSON; libyaml and libarchive handle theirs */
	if (kind != VAKT_FEED_OSV_ZIP && kind != VAKT_FEED_OSV_YAML &&
	    kind != VAKT_FEED_ALPINE_YAML && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3;
	int r;
	switch (kind) {
	case VAKT_FEED_OSV_JSON: r = vimp_osv_json(&c, data, len, err); break;
	case VAKT_FEED_OSV_YAML: r = vimp_osv_yaml(&c, data, len, err); break;
	case VAKT_FEED_OSV_ZIP: r = vimp_osv_zip(&c, data, len, err); break;
	case VAKT_FEED_DEBIAN: r = vimp_debian(&c, data, len, err); break;
	case VAKT_FEED_ALPINE_JSON: r = vimp_alpine_json(&c, data, len, err); break;
	case VAKT_FEED_ALPINE_YAML: r = vimp_alpine_yaml(&c, data, len, err); break;
	case VAKT_FEED_NVD: r = vimp_nvd(&c, data, len, err); break;
	case VAKT_FEED_AUTO:
	default:
		r = vakt_error_set_at(err, VAKT_E_USAGE, name, 0, 0, "unknown feed kind %d",
				      (int)kind);
		break;
	}
	vctx_fini(&c);
	return r;
}

typedef struct walk_ud {
	vakt_vimport *im;
	vakt_error **err;
	size_t root_len;
	/* the caller's callbacks, called through ours so a stop by the sink is told apart
	 * from a file that failed */
	vakt_vsink_fn sink;
	vakt_vwarn_fn warn;
	void *ud;
	bool stopped;
	size_t index; /* of the next feed file in the walk */
} walk_ud;

/* In a directory, feed files are told by their names (the kind is still told by content):
 * the Alpine secdb checkout, for one, holds a Makefile and a Lua script beside its YAML. */
static bool feed_name(const char *name, void *ud)
{
	(void)ud;
	if (name[0] == '.')
		return false;
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".json") == 0 || strcmp(dot, ".yaml") == 0 ||
		       strcmp(dot, ".yml") == 0 || strcmp(dot, ".zip") == 0);
}

/* True if a directory below the walk's root is hidden (".git", ".cache"): vakt_walk
 * enters those, import.h promises not to. */
static bool in_hidden_dir(const char *rel)
{
	for (const char *p = rel; *p;) {
		while (*p == '/')
			p++;
		const char *slash = strchr(p, '/');
		if (!slash)
			return false; /* the file itself: the walk's filter saw its name */
		if (*p == '.')
			return true;
		p = slash;
	}
	return false;
}

static int sink_tramp(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	walk_ud *w = ud;
	int r = w->sink ? w->sink(rec, file, line, w->ud) : 0;
	if (r < 0)
		w->stopped = true;
	return r;
}

static void warn_tramp(const char *file, unsigned line, const char *msg, void *ud)
{
	walk_ud *w = ud;
	if (w->warn)
		w->warn(file, line, msg, w->ud);
}

/* A file that could not be imported, in a directory walk: one warning, one skip. */
static void warn_file(walk_ud *w, const vakt_error *e)
{
	w->im->warnings++;
	w->im->skipped++;
	if (w->warn)
		w->warn(e->file ? e->file : "?", e->line, e->msg, w->ud);
}

static int import_one(walk_ud *w, const vakt_walk_entry *e);

static int import_file(const vakt_walk_entry *e, void *ud)
{
	walk_ud *w = ud;
	if (!e->explicit_ && in_hidden_dir(e->path + w->root_len))
		return 0;
	size_t index = w->index++;
	if (w->im->nparts > 1 && index % w->im->nparts != w->im->part)
		return 0; /* another thread's file */
	int fr = import_one(w, e);
	if (w->im->nparts > 1 && w->im->file_end)
		w->im->file_end(w->ud);
	return fr;
}

static int import_one(walk_ud *w, const vakt_walk_entry *e)
{
	vakt_error *ferr = NULL;
	size_t max = w->im->max_file ? w->im->max_file : VAKT_VIMPORT_MAX_FILE;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = vakt_open_regular(e->dirfd, e->name, e->path, &ferr);
	if (r >= 0) {
		int fd = r;
		r = vakt_read_all(fd, e->path, max, &data, &len, &ferr);
		close(fd);
	}
	if (r >= 0)
		r = vakt_vimport_buffer(w->im, VAKT_FEED_AUTO, e->path, data, len, &ferr);
	if (r >= 0)
		return 0;
	if (w->stopped || e->explicit_) {
		/* the sink stopped the import, or the file the caller named failed: the
		 * answer */
		if (!*w->err)
			*w->err = ferr;
		else
			vakt_error_free(ferr);
		return r;
	}
	/* a file found by the walk: one bad file does not stop the others */
	warn_file(w, ferr);
	vakt_error_free(ferr);
	return 0;
}

static void walk_error(vakt_error *e, void *ud)
{
	walk_ud *w = ud;
	if (w->im->nparts <= 1 || w->im->part == 0)
		warn_file(w, e);
}

int vakt_vimport_path(vakt_vimport *im, const char *path, vakt_error **err)
{
	vakt_error *local = NULL;
	walk_ud w = {
		.im = im,
		.err = err ? err : &local,
		.root_len = strlen(path),
		.sink = im->sink,
		.warn = im->warn,
		.ud = im->ud,
	};
	while (w.root_len > 1 && path[w.root_len - 1] == '/')
		w.root_len--;
	if (w.root_len == 1 && path[0] == '.') /* vakt_walk names "./x" as "x" */
		w.root_len = 0;
	im->sink = sink_tramp;
	im->warn = warn_tramp;
	im->ud = &w;
	int r = vakt_walk(path, feed_name, import_file, walk_error, &w, w.err);
	im->sink = w.sink;
	im->warn = w.warn;
	im->ud = w.ud;
	vakt_error_free(local);
	return r;
}
