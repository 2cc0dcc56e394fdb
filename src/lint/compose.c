/* compose.c - docker-compose projects read into the container model; see compose.h.
 *
 * A project is read in the order compose-go (the library behind `docker compose`) reads it:
 *   1. each file is parsed, every YAML document of it; every string value is interpolated
 *      (${VAR} and its forms) from the environment and the project's .env file;
 *   2. the services of the file are copied into a small tree of our own (cnode) that keeps,
 *      for every value, the file, line and column it came from and the directory its
 *      relative paths resolve against;
 *   3. `extends` is resolved within the file, or from another file loaded the same way;
 *   4. the file is merged onto the files before it (compose-go's override.Merge);
 *   5. the lists that must be unique are de-duplicated (override.EnforceUnicity);
 *   6. each service is read into a vakt_ctr; a wrong type is an error naming file:line:col.
 *
 * Bounded work on hostile input: a document's size, depth and nodes are limited by doc.c;
 * here every node copied or created by a merge costs one unit of a budget (the node limit),
 * interpolated output has its own byte budget, the walks that follow aliases keep a visited
 * set so a shared node is looked at once, and no recursion follows the document's depth:
 * the interpolation walk keeps its own stack, and the copy stops descending a few levels
 * below a service, deeper than any field the model reads.
 */
#include "lint/compose.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define EXTENDS_DEPTH_MAX 32 /* services in one extends chain */
#define EXTENDS_FILES_MAX 64 /* distinct files reached through extends */
#define COPY_DEPTH_MAX	  8  /* levels below a service that are copied */
#define TPL_DEPTH_MAX	  64 /* ${A:-${B:-...}} nesting */
#define SHOW_MAX	  80 /* bytes of a value quoted in a message */

/* Compose's own names, in the order compose-go tries them (cli.DefaultFileNames). */
static const char *const compose_names[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
					    "docker-compose.yaml"};
static const char *const override_names[] = {"compose.override.yml", "compose.override.yaml",
					     "docker-compose.override.yml",
					     "docker-compose.override.yaml"};

/* ---- names ---------------------------------------------------------------------------- */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

bool vakt_compose_is_compose_name(const char *name)
{
	const char *b = base_name(name);
	/* compose.yaml, compose.prod.yml, docker-compose-dev.yaml ...; not composer.yml */
	static const char *const globs[] = {"compose.y*ml", "compose[-._]*.y*ml",
					    "docker-compose.y*ml", "docker-compose[-._]*.y*ml"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(globs); i++)
		if (fnmatch(globs[i], b, 0) == 0)
			return true;
	return false;
}

bool vakt_compose_is_override_name(const char *name)
{
	const char *b = base_name(name);
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(override_names); i++)
		if (strcmp(b, override_names[i]) == 0)
			return true;
	return false;
}

static bool is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *vakt_compose_find_file(const char *dir, vakt_arena *a)
{
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(compose_names); i++) {
		_cleanup_free_ char *p = vakt_path_join(dir, compose_names[i]);
		if (is_regular(p))
			return vakt_arena_strdup(a, p);
	}
	return NULL;
}

/* ---- small hash maps ---------------------------------------------------------------------
 * smap: byte-string keys (environments, unicity keys); pmap: node pointers (the visited set
 * and the interpolation memo of a document). Neither copies its keys or values. */

typedef struct smap_ent {
	const char *key; /* NULL: empty slot */
	size_t klen;
	const char *val;
	size_t idx;
} smap_ent;

typedef struct smap {
	smap_ent *v;
	size_t cap, n;
} smap;

static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static smap_ent *smap_slot(const smap *m, const char *key, size_t klen)
{
	size_t i = (size_t)hash_bytes(key, klen) & (m->cap - 1);
	for (;;) {
		smap_ent *e = &m->v[i];
		if (!e->key || (e->klen == klen && memcmp(e->key, key, klen) == 0))
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static const smap_ent *smap_get(const smap *m, const char *key, size_t klen)
{
	if (!m->cap)
		return NULL;
	const smap_ent *e = smap_slot(m, key, klen);
	return e->key ? e : NULL;
}

static void smap_put(smap *m, const char *key, size_t klen, const char *val, size_t idx)
{
	if ((m->n + 1) * 2 > m->cap) {
		smap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->v = xcalloc(m->cap, sizeof(*m->v));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].key)
				*smap_slot(m, old.v[i].key, old.v[i].klen) = old.v[i], m->n++;
		free(old.v);
	}
	smap_ent *e = smap_slot(m, key, klen);
	if (!e->key)
		m->n++;
	*e = (smap_ent){key, klen, val, idx};
}

static void smap_free(smap *m)
{
	free(m->v);
	*m = (smap){0};
}

typedef struct pmap_ent {
	const void *key;
	const char *val;
} pmap_ent;

typedef struct pmap {
	pmap_ent *v;
	size_t cap, n;
} pmap;

static pmap_ent *pmap_slot(const pmap *m, const void *key)
{
	uintptr_t k = (uintptr_t)key;
	size_t i = (size_t)((k >> 4) * 11400714819323198485ULL) & (m->cap - 1);
	while (m->v[i].key && m->v[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static const pmap_ent *pmap_get(const pmap *m, const void *key)
{
	if (!m->cap)
		return NULL;
	const pmap_ent *e = pmap_slot(m, key);
	return e->key ? e : NULL;
}

static void pmap_put(pmap *m, const void *key, const char *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		pmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 256;
		m->v = xcalloc(m->cap, sizeof(*m->v));
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].key)
				*pmap_slot(m, old.v[i].key) = old.v[i];
		free(old.v);
	}
	pmap_ent *e = pmap_slot(m, key);
	if (!e->key)
		m->n++;
	*e = (pmap_ent){key, val};
}

static void pmap_free(pmap *m)
{
	free(m->v);
	*m = (pmap){0};
}

/* "…" after SHOW_MAX bytes, for quoting input in messages. */
static const char *show(vakt_arena *a, const char *s, size_t n)
{
	if (n <= SHOW_MAX)
		return vakt_arena_strndup(a, s, n);
	return vakt_arena_printf(a, "%.*s...", SHOW_MAX, s);
}

/* ---- interpolation ------------------------------------------------------------------------
 * compose-go's template package, v2: a `$` starts
 *   $$            a literal $
 *   $NAME         NAME = [_A-Za-z][_A-Za-z0-9]*
 *   ${NAME}       and ${NAME<op>word} with op one of :- - :+ + :? ?
 *   ${ anything else: "invalid interpolation format", an error
 * and any other `$` is kept as it is. Upstream finds these with a regular expression whose
 * `.*` makes ${NAME<op>...} reach to the last `}` on the line, then cuts the match at its
 * first balanced `}` (getFirstBraceClosingIndex, where every `{` hides the character after
 * it) and goes on with the rest. The word is interpolated itself, so forms nest. Scanning
 * on from the cut is what upstream's recursion on the rest amounts to: the rest ends at the
 * line's last `}`, so nothing in it could have matched differently. */

typedef const char *(*lookup_fn)(const void *ud, const char *name, size_t len);

typedef struct tpl {
	lookup_fn lookup;
	const void *ud;
	int code;  /* a VAKT_E_* code once failed */
	char *msg; /* heap: the reason */
} tpl;

static int tpl_fail(tpl *t, int code, char *msg)
{
	if (!t->msg) {
		t->code = code;
		t->msg = msg;
	} else {
		free(msg);
	}
	return -1;
}

static int tpl_put(tpl *t, vakt_buf *out, const char *s, size_t n)
{
	if (vakt_buf_append(out, s, n) < 0) {
		char lim[32];
		return tpl_fail(t, VAKT_E_LIMIT,
				xasprintf("interpolated value is larger than %s",
					  vakt_size_str(out->max, lim, sizeof(lim))));
	}
	return 0;
}

static bool name_start(unsigned char c)
{
	return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* compose-go's getFirstBraceClosingIndex over m[0..n), quirks and all; -1 when none. */
static long first_closing(const char *m, size_t n)
{
	long open = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i] == '}' && --open == 0)
			return (long)i;
		if (m[i] == '{') {
			open++;
			i++;
		}
	}
	return -1;
}

static int tpl_invalid(tpl *t, const char *s, size_t n)
{
	char *shown = n > SHOW_MAX ? xasprintf("%.*s...", SHOW_MAX, s) : xstrndup(s, n);
	char *msg = xasprintf("invalid interpolation format \"%s\": you may need to escape any $ "
			      "with another $",
			      shown);
	free(shown);
	return tpl_fail(t, VAKT_E_INVALID, msg);
}

static int subst(tpl *t, const char *s, size_t len, unsigned depth, vakt_buf *out);

/* ${NAME<op>word}: name is s[k..e), the operator at e (colon says ":x"), word s[q..h). */
static int apply_op(tpl *t, const char *name, size_t nlen, bool colon, char op, const char *word,
		    size_t wlen, unsigned depth, vakt_buf *out)
{
	const char *v = t->lookup(t->ud, name, nlen);
	bool absent = !v || (colon && !v[0]);
	switch (op) {
	case '-':
		return absent ? subst(t, word, wlen, depth + 1, out)
			      : tpl_put(t, out, v, strlen(v));
	case '+':
		if (!absent)
			return subst(t, word, wlen, depth + 1, out);
		return v ? tpl_put(t, out, v, strlen(v)) : 0;
	case '?':
	default:
		if (!absent)
			return tpl_put(t, out, v, strlen(v));
		vakt_buf why = VAKT_BUF_INIT(out->max);
		int r = subst(t, word, wlen, depth + 1, &why);
		if (r == 0)
			tpl_fail(
				t, VAKT_E_INVALID,
				why.len ? xasprintf("required variable %.*s is missing a value: %s",
						    (int)nlen, name, vakt_buf_str(&why))
					: xasprintf("required variable %.*s is missing a value",
						    (int)nlen, name));
		vakt_buf_free(&why);
		return -1;
	}
}

static int put_var(tpl *t, vakt_buf *out, const char *name, size_t n)
{
	const char *v = t->lookup(t->ud, name, n);
	return v ? tpl_put(t, out, v, strlen(v)) : 0; /* unset: "" (compose warns) */
}

static int subst(tpl *t, const char *s, size_t len, unsigned depth, vakt_buf *out)
{
	if (depth > TPL_DEPTH_MAX)
		return tpl_fail(t, VAKT_E_LIMIT,
				xasprintf("variables nested more than %d deep", TPL_DEPTH_MAX));
	/* the line holding the current position: where it ends, and its last '}' */
	size_t line_end = 0;
	const char *last_brace = NULL;
	size_t i = 0;
	while (i < len) {
		const char *d = memchr(s + i, '$', len - i);
		size_t lit = d ? (size_t)(d - (s + i)) : len - i;
		if (tpl_put(t, out, s + i, lit) < 0)
			return -1;
		i += lit;
		if (i >= len)
			break;
		unsigned char c = i + 1 < len ? (unsigned char)s[i + 1] : 0;
		if (c == '$') {
			if (tpl_put(t, out, "$", 1) < 0)
				return -1;
			i += 2;
			continue;
		}
		if (i + 1 < len && name_start(c)) {
			size_t j = i + 2;
			while (j < len && name_char((unsigned char)s[j]))
				j++;
			if (put_var(t, out, s + i + 1, j - i - 1) < 0)
				return -1;
			i = j;
			continue;
		}
		if (i + 1 >= len || c != '{') {
			if (tpl_put(t, out, "$", 1) < 0) /* not a variable: kept */
				return -1;
			i++;
			continue;
		}
		size_t k = i + 2, e = k;
		if (k < len && name_start((unsigned char)s[k]))
			for (e = k + 1; e < len && name_char((unsigned char)s[e]);)
				e++;
		if (e == k)
			return tpl_invalid(t, s, len);
		if (e < len && s[e] == '}') {
			if (put_var(t, out, s + k, e - k) < 0)
				return -1;
			i = e + 1;
			continue;
		}
		size_t q = e;
		bool colon = q < len && s[q] == ':';
		if (colon)
			q++;
		if (q >= len || !s[q] || !strchr("-+?", s[q]))
			return tpl_invalid(t, s, len);
		char op = s[q++];
		if (q >= line_end) {
			const char *nl = q < len ? memchr(s + q, '\n', len - q) : NULL;
			line_end = nl ? (size_t)(nl - s) : len;
			last_brace = q < line_end ? memrchr(s + q, '}', line_end - q) : NULL;
		}
		if (!last_brace || last_brace < s + q)
			return tpl_invalid(t, s, len);
		size_t mend = (size_t)(last_brace - s);
		long h = first_closing(s + i, mend - i + 1);
		size_t head_end = h >= 0 ? i + (size_t)h : mend;
		if (apply_op(t, s + k, e - k, colon, op, s + q, head_end - q, depth, out) < 0)
			return -1;
		i = head_end + 1;
	}
	return 0;
}

/* Interpolate s into a new heap string (*ret), at most max bytes. 0, or -1 with t->msg. */
static int interpolate(tpl *t, const char *s, size_t len, size_t max, char **ret, size_t *ret_len)
{
	vakt_buf out = VAKT_BUF_INIT(max);
	if (subst(t, s, len, 0, &out) < 0) {
		vakt_buf_free(&out);
		return -1;
	}
	*ret_len = out.len;
	*ret = vakt_buf_steal(&out);
	return 0;
}

/* ---- the loader's state ------------------------------------------------------------------- */

typedef enum ckind { CK_NULL, CK_BOOL, CK_INT, CK_FLOAT, CK_STR, CK_SEQ, CK_MAP } ckind;

/* Where a value came from: its file, and the directory its relative paths resolve against
 * (the project directory, or the file's own for a file reached through extends). */
typedef struct csrc {
	const char *file; /* in the result arena: positions point at it */
	const char *base;
} csrc;

typedef struct cnode cnode;

typedef struct cpair {
	const char *key;
	const csrc *ksrc; /* where the key is (services: the defining file) */
	unsigned kline, kcol;
	cnode *v;
} cpair;

enum {
	CF_RESET = 1,	 /* !reset: the key is removed by this file */
	CF_OVERRIDE = 2, /* !override: the value replaces, without merging */
};

/* A value of the merged model. Nodes are never changed once built: a merge builds new
 * ones, so subtrees are shared freely. Maps are sorted by key (strcmp). */
struct cnode {
	uint8_t kind; /* ckind */
	uint8_t flags;
	unsigned line, col;
	const csrc *src;
	const char *str; /* scalars: the text, interpolated; CK_BOOL: "true" or "false" */
	size_t n;
	cnode **items; /* CK_SEQ */
	cpair *pairs;  /* CK_MAP */
};

/* A file's services, extends not yet (state 0) or being (1) or already (2) resolved. */
typedef struct layer {
	csrc src;
	const char *path; /* as opened: the extends cache key */
	size_t n;
	cpair *svcs; /* sorted by name */
	uint8_t *state;
} layer;

typedef struct ld {
	vakt_doc_limits lim;
	vakt_arena *out; /* the caller's: results */
	vakt_arena tmp;	 /* everything else */
	vakt_error **err;
	smap env;	 /* interpolation: the environment over the .env file */
	size_t budget;	 /* nodes that may still be copied or built */
	size_t bytes;	 /* bytes of strings that may still be made (interpolated, derived,
			  * copied into the results) */
	bool over;	 /* a budget ran out (the error is set) */
	const char *dir; /* project directory */
	pmap memo;	 /* current document: node -> interpolated text, or visited mark */
	pmap kept;	 /* current document: node -> its text copied out */
	pmap outstr;	 /* string -> its copy in the results */
	layer **ext;	 /* files loaded through extends */
	size_t next;
	const cpair *chain[EXTENDS_DEPTH_MAX + 1]; /* the extends chain being resolved */
	const layer *chain_ly[EXTENDS_DEPTH_MAX + 1];
	size_t nchain;
} ld;

static const char visited_mark[] = "";

static const char *env_lookup(const void *ud, const char *name, size_t len)
{
	const smap_ent *e = smap_get(ud, name, len);
	return e ? e->val : NULL;
}

static int charge(ld *l, size_t n, const csrc *src, unsigned line, unsigned col)
{
	if (n <= l->budget) {
		l->budget -= n;
		return 0;
	}
	l->budget = 0;
	l->over = true;
	return vakt_error_set_at(l->err, VAKT_E_LIMIT, src ? src->file : NULL, line, col,
				 "the project expands to more than %zu values (aliases, merges and "
				 "extends included)",
				 l->lim.max_nodes);
}

static int charge_bytes(ld *l, size_t n, const cnode *at)
{
	if (n <= l->bytes) {
		l->bytes -= n;
		return 0;
	}
	char lim[32];
	l->bytes = 0;
	l->over = true;
	return vakt_error_set_at(
		l->err, VAKT_E_LIMIT, at->src->file, at->line, at->col,
		"the project's strings add up to more than %s (aliases, merges and "
		"extends included)",
		vakt_size_str(l->lim.max_doc_bytes * 4, lim, sizeof(lim)));
}

static int charge_bytes(ld *l, size_t n, const cnode *at);

/* ---- .env files ------------------------------------------------------------------------------
 * compose-go's dotenv parser (v2): KEY=VALUE or KEY: VALUE statements, `export ` prefixes,
 * # comments, single quotes (raw), double quotes (escapes, variables), unquoted values up to
 * the end of the line or " #". Values may use ${VAR} forms, looked up in the environment
 * first and then in the keys defined above them. A KEY alone on its line takes the
 * environment's value. */

typedef struct denv {
	ld *l;
	const char *file;
	const char *s;
	size_t len, p;
	unsigned line;
	smap vars;
} denv;

static const char *denv_lookup(const void *ud, const char *name, size_t len)
{
	const denv *d = ud;
	const char *v = env_lookup(&d->l->env, name, len);
	if (v)
		return v;
	const smap_ent *e = smap_get(&d->vars, name, len);
	return e ? e->val : NULL;
}

/* Length of a space character at p (Go's unicode.IsSpace, with NEL and NBSP in UTF-8), 0 if
 * none; newlines count only when nl. */
static size_t space_at(const char *s, size_t len, size_t p, bool nl)
{
	unsigned char c = (unsigned char)s[p];
	if (c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r')
		return 1;
	if (c == '\n')
		return nl ? 1 : 0;
	if (c == 0xC2 && p + 1 < len &&
	    ((unsigned char)s[p + 1] == 0x85 || (unsigned char)s[p + 1] == 0xA0))
		return 2;
	return 0;
}

/* n less the spaces (unicode.IsSpace) at its end. */
static size_t trim_right(const char *s, size_t n)
{
	for (;;) {
		if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
		    ((unsigned char)s[n - 1] == 0x85 || (unsigned char)s[n - 1] == 0xA0))
			n -= 2;
		else if (n >= 1 && strchr(" \t\n\v\f\r", s[n - 1]) && s[n - 1])
			n--;
		else
			return n;
	}
}

static int denv_error(denv *d, const char *fmt, const char *arg)
{
	return vakt_error_set_at(d->l->err, VAKT_E_PARSE, d->file, d->line, 0, fmt, arg);
}

/* Skip blanks, newlines and comment lines; false at the end. */
static bool denv_statement(denv *d)
{
	for (;;) {
		size_t n;
		while (d->p < d->len && (n = space_at(d->s, d->len, d->p, true)) > 0) {
			if (d->s[d->p] == '\n')
				d->line++;
			d->p += n;
		}
		if (d->p >= d->len)
			return false;
		if (d->s[d->p] != '#')
			return true;
		const char *nl = memchr(d->s + d->p, '\n', d->len - d->p);
		if (!nl)
			return false;
		d->p = (size_t)(nl - d->s);
	}
}

static void denv_skip_blanks(denv *d)
{
	size_t n;
	while (d->p < d->len && (n = space_at(d->s, d->len, d->p, false)) > 0)
		d->p += n;
}

static bool key_byte(unsigned char c)
{
	return c == '_' || c == '.' || c == '-' || c == '[' || c == ']' || c >= 0x80 ||
	       (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The key of a statement; *inherited when it ends its line. */
static int denv_key(denv *d, char **ret, bool *inherited)
{
	if (d->len - d->p > 6 && memcmp(d->s + d->p, "export", 6) == 0 &&
	    strchr(" \t\n\f\r", d->s[d->p + 6])) {
		d->p += 6;
		denv_skip_blanks(d);
	}
	size_t start = d->p, i = d->p, end = start;
	*inherited = false;
	bool found = false;
	while (i < d->len) {
		size_t n = space_at(d->s, d->len, i, false);
		if (n) {
			i += n;
			continue;
		}
		char c = d->s[i];
		if (c == '=' || c == ':' || c == '\n') {
			end = i;
			*inherited = c == '\n';
			found = true;
			break;
		}
		if (!key_byte((unsigned char)c)) {
			const char *nl = memchr(d->s + start, '\n', d->len - start);
			size_t ln = nl ? (size_t)(nl - (d->s + start)) : d->len - start;
			char ch[8];
			snprintf(ch, sizeof(ch), c > ' ' && c < 0x7f ? "%c" : "\\x%02x",
				 (unsigned char)c);
			return vakt_error_set_at(
				d->l->err, VAKT_E_PARSE, d->file, d->line, 0,
				"unexpected character '%s' in variable name \"%s\"", ch,
				show(&d->l->tmp, d->s + start, ln));
		}
		i++;
	}
	if (!found) { /* upstream reads the rest as the value of an empty key */
		*ret = vakt_arena_strdup(&d->l->tmp, "");
		return 0;
	}
	end = start + trim_right(d->s + start, end - start);
	char *key = vakt_arena_strndup(&d->l->tmp, d->s + start, end - start);
	if (*inherited && !strchr(key, ' '))
		d->line++;
	d->p = i + 1;
	denv_skip_blanks(d);
	if (strchr(key, ' '))
		return denv_error(d, "key \"%s\" cannot contain a space", key);
	*ret = key;
	return 0;
}

/* Go's escapes in a double-quoted value: \a \b \f \n \r \t \v \" \\, \0ooo (octal), and \$
 * which stays "$$" so that interpolation makes it one literal $. */
static char *expand_escapes(vakt_arena *a, const char *s, size_t n)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		static const char from[] = "abfnrtv\"\\", to[] = "\a\b\f\n\r\t\v\"\\";
		char c = i + 1 < n && s[i] == '\\' ? s[i + 1] : 0;
		if (!c || !strchr("abcfnrtv\"\\$0", c)) {
			vakt_buf_putc(&b, s[i]);
			continue;
		}
		i++;
		if (c == 'c') {
			vakt_buf_puts(&b, "\\c"); /* matched upstream, but not a Go escape: kept */
		} else if (c == '$') {
			vakt_buf_puts(&b, "$$");
		} else if (c == '0') {
			size_t nd = 0;
			while (nd < 3 && i + 1 + nd < n && s[i + 1 + nd] >= '0' &&
			       s[i + 1 + nd] <= '9')
				nd++;
			const char *dg = s + i + 1;
			bool octal = nd == 3 && dg[0] <= '7' && dg[1] <= '7' && dg[2] <= '7' &&
				     (dg[0] - '0') * 64 + (dg[1] - '0') * 8 + (dg[2] - '0') <= 255;
			if (octal)
				vakt_buf_putc(&b, (char)((dg[0] - '0') * 64 + (dg[1] - '0') * 8 +
							 (dg[2] - '0')));
			else /* upstream keeps the sequence, less its 0 */
				vakt_buf_printf(&b, "\\%.*s", (int)nd, dg);
			i += nd;
		} else {
			vakt_buf_putc(&b, to[strchr(from, c) - from]);
		}
	}
	char *r = vakt_arena_strndup(a, vakt_buf_str(&b), b.len);
	vakt_buf_free(&b);
	return r;
}

static int denv_expand(denv *d, const char *v, size_t n, char **ret)
{
	tpl t = {.lookup = denv_lookup, .ud = d};
	char *out;
	size_t olen;
	if (interpolate(&t, v, n, d->l->lim.max_doc_bytes, &out, &olen) < 0) {
		int r = vakt_error_set_at(d->l->err, t.code, d->file, d->line, 0,
					  "expanding variables: %s", t.msg);
		free(t.msg);
		return r;
	}
	*ret = vakt_arena_strndup(&d->l->tmp, out, olen);
	free(out);
	return 0;
}

static int denv_value(denv *d, char **ret)
{
	char q = d->p < d->len ? d->s[d->p] : 0;
	if (q != '"' && q != '\'') {
		const char *nl = memchr(d->s + d->p, '\n', d->len - d->p);
		size_t end = nl ? (size_t)(nl - d->s) : d->len;
		const char *v = d->s + d->p;
		size_t n = end - d->p;
		d->p = nl ? end + 1 : d->len;
		d->line++;
		const char *cm = memmem(v, n, " #", 2);
		if (cm)
			n = (size_t)(cm - v);
		n = trim_right(v, n);
		return denv_expand(d, v, n, ret);
	}
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	bool esc = false, closed = false;
	size_t i = d->p + 1;
	unsigned line0 = d->line;
	for (; i < d->len; i++) {
		char c = d->s[i];
		if (c == '\n')
			d->line++;
		if (esc) {
			esc = false;
			if (c != q)
				vakt_buf_putc(&b, '\\');
			vakt_buf_putc(&b, c);
		} else if (c == '\\') {
			esc = true;
		} else if (c == q) {
			closed = true;
			break;
		} else {
			vakt_buf_putc(&b, c);
		}
	}
	if (!closed) {
		vakt_buf_free(&b);
		d->line = line0;
		return denv_error(d, "unterminated quoted value%s", "");
	}
	d->p = i + 1;
	int r = 0;
	if (q == '"') {
		char *u = expand_escapes(&d->l->tmp, vakt_buf_str(&b), b.len);
		r = denv_expand(d, u, strlen(u), ret);
	} else {
		*ret = vakt_arena_strndup(&d->l->tmp, vakt_buf_str(&b), b.len);
	}
	vakt_buf_free(&b);
	return r;
}

/* Read dir/.env (when there is one) under the environment: env keeps its values. */
static int read_dotenv(ld *l)
{
	_cleanup_free_ char *path = vakt_path_join(l->dir, ".env");
	struct stat st;
	if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	_cleanup_close_ int fd = vakt_open_regular(AT_FDCWD, path, path, l->err);
	if (fd < 0)
		return fd;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = vakt_read_all(fd, path, l->lim.max_doc_bytes, &data, &len, l->err);
	if (r < 0)
		return r;
	denv d = {.l = l, .file = path, .s = data, .len = len, .line = 1};
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		d.p = 3;
	while (r == 0 && denv_statement(&d)) {
		char *key = NULL, *val = NULL;
		bool inherited;
		if ((r = denv_key(&d, &key, &inherited)) < 0)
			break;
		if (inherited) {
			const char *v = env_lookup(&l->env, key, strlen(key));
			if (v)
				smap_put(&d.vars, key, strlen(key), v, 0);
			continue;
		}
		if ((r = denv_value(&d, &val)) < 0)
			break;
		smap_put(&d.vars, key, strlen(key), val, 0);
	}
	/* the environment wins over the file */
	for (size_t i = 0; r == 0 && i < d.vars.cap; i++) {
		const smap_ent *e = &d.vars.v[i];
		if (e->key && !smap_get(&l->env, e->key, e->klen))
			smap_put(&l->env, e->key, e->klen, e->val, 0);
	}
	smap_free(&d.vars);
	return r;
}

static void load_environ(ld *l, const char *const *env)
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq && eq > env[i])
			smap_put(&l->env, env[i], (size_t)(eq - env[i]), eq + 1, 0);
	}
}

/* ---- reading documents: interpolation of every value, then a copy of the services ------- */

/* A path into the document for messages ("services.web.ports[0]"), kept as a chain of
 * frames on the C stack (merges) or in the walk's own stack. */
typedef struct cpath {
	const struct cpath *up;
	const char *key; /* NULL: an index */
	size_t idx;
} cpath;

static const char *path_str(vakt_arena *a, const cpath *p)
{
	if (!p)
		return "";
	const char *up = path_str(a, p->up);
	if (!p->key)
		return vakt_arena_printf(a, "%s[%zu]", up, p->idx);
	return vakt_arena_printf(a, "%s%s%s", up, up[0] ? "." : "", p->key);
}

/* Interpolate a scalar of the current document once; the result is remembered. On failure
 * t->msg says why and the caller names the place. */
static int scalar_text(ld *l, const vakt_node *n, tpl *t, const char **ret, bool *interpolated)
{
	*interpolated = memchr(n->scalar.str, '$', n->scalar.len) != NULL;
	if (!*interpolated) {
		*ret = n->scalar.str;
		return 0;
	}
	const pmap_ent *m = pmap_get(&l->memo, n);
	if (m) {
		*ret = m->val;
		return 0;
	}
	*t = (tpl){.lookup = env_lookup, .ud = &l->env};
	size_t max = l->bytes < l->lim.max_doc_bytes ? l->bytes : l->lim.max_doc_bytes;
	char *out;
	size_t olen;
	if (interpolate(t, n->scalar.str, n->scalar.len, max, &out, &olen) < 0)
		return -1;
	l->bytes -= olen;
	*ret = vakt_arena_strndup(&l->tmp, out, olen);
	free(out);
	pmap_put(&l->memo, n, *ret);
	return 0;
}

/* A scalar's text copied out of the document's arena, which the next document reuses; once
 * per node, so aliases do not multiply the bytes. */
static const char *keep_str(ld *l, const vakt_node *n)
{
	const pmap_ent *m = pmap_get(&l->kept, n);
	if (m)
		return m->val;
	const char *s = vakt_arena_strndup(&l->tmp, n->scalar.str, strlen(n->scalar.str));
	pmap_put(&l->kept, n, s);
	return s;
}

static int interp_error(ld *l, const csrc *src, const vakt_node *n, const char *where, tpl *t)
{
	int r = vakt_error_set_at(l->err, t->code, src->file, n->line, n->col, "%s%s%s", where,
				  where[0] ? ": " : "", t->msg);
	free(t->msg);
	t->msg = NULL;
	return r;
}

/* The effective entries of a mapping (merge keys applied), keys without NUL bytes. */
static int map_entries(ld *l, const csrc *src, const vakt_node *n, vakt_map_entry **ret,
		       size_t *ret_n)
{
	if (!vakt_node_map_entries(n, l->lim.max_nodes, ret, ret_n)) {
		free(*ret);
		*ret = NULL;
		return vakt_error_set_at(l->err, VAKT_E_LIMIT, src->file, n->line, n->col,
					 "mapping merges more than %zu keys", l->lim.max_nodes);
	}
	size_t k = 0;
	for (size_t i = 0; i < *ret_n; i++)
		if (strlen((*ret)[i].key->scalar.str) == (*ret)[i].key->scalar.len)
			(*ret)[k++] = (*ret)[i];
	*ret_n = k;
	return 0;
}

typedef struct wframe {
	const vakt_node *n;
	size_t i; /* the next child; the one being visited is i - 1 */
	vakt_map_entry *ents;
	size_t nents;
} wframe;

/* "services.web.ports[0]" for the child being visited in each frame of the walk. */
static const char *walk_path(ld *l, const wframe *st, size_t n)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (size_t k = 0; k < n; k++) {
		if (st[k].n->type == VAKT_NODE_MAP)
			vakt_buf_printf(&b, "%s%s", k ? "." : "",
					st[k].ents[st[k].i - 1].key->scalar.str);
		else
			vakt_buf_printf(&b, "[%zu]", st[k].i - 1);
	}
	const char *r = vakt_arena_strndup(&l->tmp, vakt_buf_str(&b), b.len);
	vakt_buf_free(&b);
	return r;
}

/* Interpolate every value of a document, as compose does before anything else, so that
 * an unresolved ${VAR:?err} anywhere fails. Keys are not interpolated. Each node is
 * visited once however many aliases share it; the stack is ours, not the C stack's. */
static int walk_interpolate(ld *l, const csrc *src, const vakt_node *root)
{
	wframe *st = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	const vakt_node *next = root;
	while (next && r == 0) {
		if (next->type == VAKT_NODE_SCALAR) {
			const char *txt;
			bool interp;
			tpl t;
			if (scalar_text(l, next, &t, &txt, &interp) < 0)
				r = interp_error(l, src, next, walk_path(l, st, n), &t);
		} else if (!pmap_get(&l->memo, next)) {
			pmap_put(&l->memo, next, visited_mark);
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				st = xreallocarray(st, cap, sizeof(*st));
			}
			st[n] = (wframe){.n = next};
			if (next->type == VAKT_NODE_MAP)
				r = map_entries(l, src, next, &st[n].ents, &st[n].nents);
			n++;
		}
		next = NULL;
		while (r == 0 && n > 0 && !next) {
			wframe *f = &st[n - 1];
			if (f->n->type == VAKT_NODE_SEQ && f->i < f->n->seq.n) {
				next = f->n->seq.items[f->i++];
			} else if (f->n->type == VAKT_NODE_MAP && f->i < f->nents) {
				next = f->ents[f->i++].value;
			} else {
				free(f->ents);
				n--;
			}
		}
	}
	for (size_t k = 0; k < n; k++)
		free(st[k].ents);
	free(st);
	return r;
}

static bool yaml12_bool(const char *s)
{
	static const char *const b[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(b); i++)
		if (strcmp(s, b[i]) == 0)
			return true;
	return false;
}

/* A scalar's type as compose-go's YAML decoder (go-yaml v3) sees it: YAML 1.2 booleans, so
 * `yes` and `on` are strings; quoted and interpolated scalars are strings. */
static ckind scalar_kind(const vakt_node *n, bool interpolated)
{
	if (interpolated)
		return CK_STR;
	if (vakt_node_is_null(n))
		return CK_NULL;
	const char *k = vakt_node_kind_name(n);
	if (strcmp(k, "boolean") == 0)
		return n->tag || yaml12_bool(n->scalar.str) ? CK_BOOL : CK_STR;
	if (strcmp(k, "integer") == 0)
		return CK_INT;
	if (strcmp(k, "number") == 0)
		return CK_FLOAT;
	return CK_STR;
}

static cnode *new_node(ld *l, ckind kind, const csrc *src, unsigned line, unsigned col)
{
	cnode *c = vakt_arena_calloc(&l->tmp, 1, sizeof(*c));
	c->kind = (uint8_t)kind;
	c->src = src;
	c->line = line;
	c->col = col;
	return c;
}

/* The keys of a service the model reads; the others are not copied. */
static bool service_key(const char *k)
{
	static const char *const keys[] = {
		"build",       "cap_add",    "cap_drop",  "deploy",	   "devices", "extends",
		"image",       "ipc",	     "mem_limit", "network_mode",  "pid",     "pids_limit",
		"ports",       "privileged", "read_only", "security_opt",  "tmpfs",   "user",
		"userns_mode", "uts",	     "volumes",	  "x-vakt-ignore",
	};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(keys); i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

static int copy_node(ld *l, const csrc *src, const vakt_node *n, unsigned depth, bool service,
		     const cpath *p, cnode **ret);

static int copy_map(ld *l, const csrc *src, const vakt_node *n, unsigned depth, bool service,
		    const cpath *p, cnode *c)
{
	_cleanup_free_ vakt_map_entry *ents = NULL;
	size_t ne = 0;
	int r = map_entries(l, src, n, &ents, &ne);
	if (r < 0)
		return r;
	c->pairs = vakt_arena_calloc(&l->tmp, ne ? ne : 1, sizeof(*c->pairs));
	for (size_t i = 0; i < ne; i++) {
		const char *key = ents[i].key->scalar.str;
		if (service && !service_key(key))
			continue;
		key = keep_str(l, ents[i].key);
		cpath kp = {.up = p, .key = key};
		cpair *pr = &c->pairs[c->n];
		*pr = (cpair){key, src, ents[i].key->line, ents[i].key->col, NULL};
		if ((r = copy_node(l, src, ents[i].value, depth + 1, false, &kp, &pr->v)) < 0)
			return r;
		c->n++;
	}
	return 0;
}

/* Copy a node of the current document into the model, interpolated (the walk has done it
 * already; this finds the results). Levels deeper than any the model reads are left out. */
static int copy_node(ld *l, const csrc *src, const vakt_node *n, unsigned depth, bool service,
		     const cpath *p, cnode **ret)
{
	int r = charge(l, 1, src, n->line, n->col);
	if (r < 0)
		return r;
	cnode *c = new_node(l, CK_NULL, src, n->line, n->col);
	if (n->tag && strcmp(n->tag, "!reset") == 0)
		c->flags |= CF_RESET;
	if (n->tag && strcmp(n->tag, "!override") == 0)
		c->flags |= CF_OVERRIDE;
	*ret = c;
	if (n->type == VAKT_NODE_SCALAR) {
		bool interp;
		tpl t;
		if (scalar_text(l, n, &t, &c->str, &interp) < 0)
			return interp_error(l, src, n, path_str(&l->tmp, p), &t);
		if (!interp)
			c->str = keep_str(l, n);
		c->kind = (uint8_t)scalar_kind(n, interp);
		if (c->kind == CK_BOOL)
			c->str = vakt_node_bool(n) == VAKT_BOOL_TRUE ? "true" : "false";
		return 0;
	}
	c->kind = n->type == VAKT_NODE_MAP ? CK_MAP : CK_SEQ;
	if (depth >= COPY_DEPTH_MAX)
		return 0;
	if (c->kind == CK_MAP)
		return copy_map(l, src, n, depth, service, p, c);
	c->items = vakt_arena_calloc(&l->tmp, n->seq.n ? n->seq.n : 1, sizeof(*c->items));
	for (size_t i = 0; i < n->seq.n; i++) {
		cpath ip = {.up = p, .idx = i};
		if ((r = copy_node(l, src, n->seq.items[i], depth + 1, false, &ip, &c->items[i])) <
		    0)
			return r;
		c->n++;
	}
	return 0;
}

static const char *kind_name(const cnode *n)
{
	static const char *const names[] = {
		[CK_NULL] = "null",    [CK_BOOL] = "boolean", [CK_INT] = "integer",
		[CK_FLOAT] = "number", [CK_STR] = "string",   [CK_SEQ] = "sequence",
		[CK_MAP] = "mapping",
	};
	return n ? names[n->kind] : "null";
}

/* A value that is there: not absent, not reset by its file. */
static cnode *live(cnode *n)
{
	return n && !(n->flags & CF_RESET) ? n : NULL;
}

/* A mapping's value for key (NULL when absent, reset or null). */
static const cnode *field(const cnode *map, const char *key)
{
	if (!map || map->kind != CK_MAP)
		return NULL;
	size_t lo = 0, hi = map->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(map->pairs[mid].key, key);
		if (c == 0) {
			const cnode *v = live(map->pairs[mid].v);
			return v && v->kind != CK_NULL ? v : NULL;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- merging (compose-go's override.mergeYaml) ---------------------------------------------
 * Mappings merge key by key, sequences append, anything else is replaced; a null replaces
 * nothing. Special paths: services.*.build (a string is {context: it}), and
 * services.*.tmpfs and build.args, which become sequences ("k=v" for a mapping) before
 * appending. x-* keys are replaced whole. !reset removes a key, !override replaces it. */

typedef enum where { W_ANY, W_SERVICE, W_BUILD, W_TOSEQ } where;

static where child_where(where w, const char *key)
{
	if (w == W_SERVICE && strcmp(key, "build") == 0)
		return W_BUILD;
	if (w == W_SERVICE && strcmp(key, "tmpfs") == 0)
		return W_TOSEQ;
	if (w == W_BUILD && strcmp(key, "args") == 0)
		return W_TOSEQ;
	return W_ANY;
}

static int cmerge(ld *l, cnode *e, cnode *o, where w, const cpath *p, cnode **ret);

static int merge_maps(ld *l, cnode *e, cnode *o, where w, const cpath *p, cnode **ret)
{
	size_t ne = e ? e->n : 0, no = o ? o->n : 0;
	cnode *base = e ? e : o;
	int r = charge(l, 1 + ne + no, base->src, base->line, base->col);
	if (r < 0)
		return r;
	cnode *m = new_node(l, CK_MAP, base->src, base->line, base->col);
	m->pairs = vakt_arena_calloc(&l->tmp, ne + no ? ne + no : 1, sizeof(*m->pairs));
	size_t i = 0, j = 0;
	while (i < ne || j < no) {
		int c = i < ne && j < no ? strcmp(e->pairs[i].key, o->pairs[j].key)
			: i < ne	 ? -1
					 : 1;
		if (c < 0) {
			m->pairs[m->n++] = e->pairs[i++];
			continue;
		}
		const cpair *op = &o->pairs[j++];
		const cpair *ep = c == 0 ? &e->pairs[i++] : NULL;
		if (op->v->flags & CF_RESET)
			continue;
		cpair out = ep ? *ep : *op;
		if (!ep || !live(ep->v) || (op->v->flags & CF_OVERRIDE) ||
		    strncmp(op->key, "x-", 2) == 0) {
			out.v = op->v;
		} else {
			cpath kp = {.up = p, .key = op->key};
			if ((r = cmerge(l, ep->v, op->v, child_where(w, op->key), &kp, &out.v)) < 0)
				return r;
		}
		m->pairs[m->n++] = out;
	}
	*ret = m;
	return 0;
}

static int cannot_override(ld *l, const cnode *e, const cnode *o, const cpath *p)
{
	return vakt_error_set_at(l->err, VAKT_E_INVALID, o->src->file, o->line, o->col,
				 "%s: cannot override a %s with a %s", path_str(&l->tmp, p),
				 kind_name(e), kind_name(o));
}

static int cmp_str_node(const void *a, const void *b)
{
	return strcmp((*(cnode *const *)a)->str, (*(cnode *const *)b)->str);
}

/* Items of a value turned into a sequence (compose-go's convertIntoSequence). */
static size_t seq_items(ld *l, cnode *n, cnode **out)
{
	if (!n || n->kind == CK_NULL)
		return 0;
	if (n->kind == CK_SEQ) {
		if (out && n->n)
			memcpy(out, n->items, n->n * sizeof(*out));
		return n->n;
	}
	if (n->kind == CK_STR) {
		if (out)
			out[0] = n;
		return 1;
	}
	if (n->kind != CK_MAP)
		return 0; /* upstream drops other scalars */
	if (out) {
		for (size_t i = 0; i < n->n; i++) {
			const cpair *pr = &n->pairs[i];
			const cnode *v = pr->v;
			bool bare = v->kind == CK_NULL;
			cnode *it = new_node(l, CK_STR, pr->ksrc, bare ? pr->kline : v->line,
					     bare ? pr->kcol : v->col);
			const char *val = v->kind <= CK_STR ? v->str : "";
			if (!bare && charge_bytes(l, strlen(pr->key) + strlen(val) + 2, v) < 0)
				val = "";
			it->str =
				bare ? pr->key : vakt_arena_printf(&l->tmp, "%s=%s", pr->key, val);
			out[i] = it;
		}
		if (n->n > 1) /* upstream sorts the strings */
			qsort(out, n->n, sizeof(*out), cmp_str_node);
	}
	return n->n;
}

static int to_seq_concat(ld *l, cnode *e, cnode *o, cnode **ret)
{
	size_t ne = seq_items(l, e, NULL), no = seq_items(l, o, NULL);
	cnode *base = e ? e : o;
	if (!base) {
		*ret = NULL;
		return 0;
	}
	int r = charge(l, 1 + ne + no, base->src, base->line, base->col);
	if (r < 0)
		return r;
	cnode *s = new_node(l, CK_SEQ, base->src, base->line, base->col);
	s->items = vakt_arena_calloc(&l->tmp, ne + no ? ne + no : 1, sizeof(*s->items));
	seq_items(l, e, s->items);
	seq_items(l, o, s->items + ne);
	s->n = ne + no;
	*ret = s;
	return l->over ? VAKT_E_LIMIT : 0;
}

/* services.*.build as a mapping: a string is the context. */
static cnode *as_build(ld *l, cnode *n)
{
	if (!n || (n->kind != CK_STR && n->kind != CK_MAP))
		return NULL;
	if (n->kind == CK_MAP)
		return n;
	cnode *m = new_node(l, CK_MAP, n->src, n->line, n->col);
	m->pairs = vakt_arena_calloc(&l->tmp, 1, sizeof(*m->pairs));
	m->pairs[0] = (cpair){"context", n->src, n->line, n->col, n};
	m->n = 1;
	return m;
}

static int cmerge(ld *l, cnode *e, cnode *o, where w, const cpath *p, cnode **ret)
{
	e = live(e);
	o = live(o);
	if (w == W_TOSEQ)
		return to_seq_concat(l, e, o, ret);
	if (w == W_BUILD) {
		cnode *be = as_build(l, e), *bo = as_build(l, o);
		if (!be || !bo) {
			*ret = o && o->kind != CK_NULL ? o : e;
			return 0;
		}
		return merge_maps(l, be, bo, W_BUILD, p, ret);
	}
	if (!o || o->kind == CK_NULL) {
		*ret = e;
		return 0;
	}
	if (!e || e->kind == CK_NULL || (e->kind != CK_MAP && e->kind != CK_SEQ)) {
		*ret = o;
		return 0;
	}
	if (e->kind != o->kind)
		return cannot_override(l, e, o, p);
	if (e->kind == CK_MAP)
		return merge_maps(l, e, o, w, p, ret);
	int r = charge(l, 1 + e->n + o->n, o->src, o->line, o->col);
	if (r < 0)
		return r;
	cnode *s = new_node(l, CK_SEQ, e->src, e->line, e->col);
	s->items = vakt_arena_calloc(&l->tmp, e->n + o->n ? e->n + o->n : 1, sizeof(*s->items));
	if (e->n)
		memcpy(s->items, e->items, e->n * sizeof(*s->items));
	if (o->n)
		memcpy(s->items + e->n, o->items, o->n * sizeof(*s->items));
	s->n = e->n + o->n;
	*ret = s;
	return 0;
}

/* ---- files -------------------------------------------------------------------------------- */

/* Lexical cleaning as Go's path.Clean: single slashes, no "." elements, ".." eating the
 * element before it (dropped at the root), "." for nothing. */
static char *path_clean(vakt_arena *a, const char *p)
{
	char *out = vakt_arena_alloc(a, strlen(p) + 2);
	bool rooted = p[0] == '/';
	size_t o = 0, floor = 0; /* out[0..floor) is "/" or leading ".." that stays */
	if (rooted)
		out[o++] = '/', floor = 1;
	for (const char *s = p, *e; *s; s = e) {
		while (*s == '/')
			s++;
		for (e = s; *e && *e != '/';)
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (o > floor) {
				while (o > floor && out[o - 1] != '/')
					o--;
				if (o > floor)
					o--;
			} else if (!rooted) {
				if (o > 0)
					out[o++] = '/';
				out[o++] = '.';
				out[o++] = '.';
				floor = o;
			}
			continue;
		}
		if (o > 0 && out[o - 1] != '/')
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

static bool path_absolute(const char *p)
{
	return p[0] == '/' || p[0] == '~' || p[0] == '\\' ||
	       (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':');
}

/* p against base, cleaned (a/b/../c is a/c); absolute, ~ and Windows paths as they are,
 * cleaned where they are POSIX. */
static char *path_resolve(vakt_arena *a, const char *base, const char *p)
{
	if (p[0] == '/' || p[0] == '~')
		return path_clean(a, p);
	if (path_absolute(p))
		return vakt_arena_strdup(a, p);
	_cleanup_free_ char *j = vakt_path_join(base, p);
	return path_clean(a, j);
}

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const cpair *)a)->key, ((const cpair *)b)->key);
}

/* The services of one document, appended to ly (merged onto its earlier documents). */
static int merge_services(ld *l, cpair *a, size_t na, cpair *b, size_t nb, cpair **ret,
			  size_t *ret_n);

static int doc_services(ld *l, layer *ly, const vakt_node *root)
{
	const csrc *src = &ly->src;
	if (!root)
		return 0;
	if (root->type != VAKT_NODE_MAP)
		return vakt_error_set_at(l->err, VAKT_E_INVALID, src->file, root->line, root->col,
					 "top-level: expected a mapping, got %s",
					 vakt_node_kind_name(root));
	int r = walk_interpolate(l, src, root);
	if (r < 0)
		return r;
	vakt_node *key = NULL;
	const vakt_node *svcs = vakt_node_get_pair(root, "services", &key);
	if (!key)
		return 0;
	if (!svcs || svcs->type != VAKT_NODE_MAP) {
		const vakt_node *at = svcs ? svcs : key;
		return vakt_error_set_at(l->err, VAKT_E_INVALID, src->file, at->line, at->col,
					 "services: expected a mapping, got %s",
					 vakt_node_kind_name(svcs));
	}
	_cleanup_free_ vakt_map_entry *ents = NULL;
	size_t ne = 0;
	if ((r = map_entries(l, src, svcs, &ents, &ne)) < 0)
		return r;
	cpair *got = vakt_arena_calloc(&l->tmp, ne ? ne : 1, sizeof(*got));
	for (size_t i = 0; i < ne; i++) {
		const vakt_node *k = ents[i].key, *v = ents[i].value;
		bool reset = v->tag && strcmp(v->tag, "!reset") == 0;
		if (!reset && v->type != VAKT_NODE_MAP)
			return vakt_error_set_at(l->err, VAKT_E_INVALID, src->file, v->line, v->col,
						 "services.%s: expected a mapping, got %s",
						 k->scalar.str, vakt_node_kind_name(v));
		cpath sp = {.key = "services"};
		cpath p = {.up = &sp, .key = keep_str(l, k)};
		got[i] = (cpair){keep_str(l, k), src, k->line, k->col, NULL};
		if ((r = copy_node(l, src, v, 0, true, &p, &got[i].v)) < 0)
			return r;
	}
	return merge_services(l, ly->svcs, ly->n, got, ne, &ly->svcs, &ly->n);
}

/* Read a file (every document) into a layer; its values resolve relative paths against
 * base. display names it in positions and messages. */
static int read_layer(ld *l, const char *path, const char *base, layer **ret)
{
	layer *ly = vakt_arena_calloc(&l->tmp, 1, sizeof(*ly));
	ly->src.file = vakt_arena_strdup(l->out, path);
	ly->src.base = vakt_arena_strdup(&l->tmp, base);
	ly->path = ly->src.file;
	_cleanup_close_ int fd = vakt_open_regular(AT_FDCWD, path, path, l->err);
	if (fd < 0)
		return fd;
	vakt_doc_stream *st = NULL;
	int r = vakt_doc_stream_open_fd(fd, path, &l->lim, &st, l->err);
	while (r >= 0) {
		vakt_doc *doc = NULL;
		r = vakt_doc_stream_next(st, &doc, l->err);
		if (r <= 0)
			break;
		r = doc_services(l, ly, doc->root);
		pmap_free(&l->memo); /* the document's nodes go with the next one */
		pmap_free(&l->kept);
	}
	pmap_free(&l->memo);
	pmap_free(&l->kept);
	vakt_doc_stream_free(st);
	if (r < 0)
		return r;
	ly->state = vakt_arena_calloc(&l->tmp, ly->n ? ly->n : 1, 1);
	*ret = ly;
	return 0;
}

/* ---- extends ------------------------------------------------------------------------------ */

static long find_service(const layer *ly, const char *name)
{
	size_t lo = 0, hi = ly->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ly->svcs[mid].key, name);
		if (c == 0)
			return live(ly->svcs[mid].v) ? (long)mid : -1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* A file named by extends, read once. */
static int extends_layer(ld *l, const cnode *at, const char *path, layer **ret)
{
	for (size_t i = 0; i < l->next; i++)
		if (strcmp(l->ext[i]->path, path) == 0) {
			*ret = l->ext[i];
			return 0;
		}
	if (l->next >= EXTENDS_FILES_MAX)
		return vakt_error_set_at(l->err, VAKT_E_LIMIT, at->src->file, at->line, at->col,
					 "extends reaches more than %d files", EXTENDS_FILES_MAX);
	_cleanup_free_ char *dir = vakt_dirname(path);
	vakt_error *inner = NULL;
	vakt_error **saved = l->err;
	l->err = &inner;
	int r = read_layer(l, path, dir, ret);
	l->err = saved;
	if (r < 0) {
		/* a file that cannot be opened is a problem of the extends that names it */
		if (inner && inner->line == 0)
			vakt_error_set_at(l->err, inner->code, at->src->file, at->line, at->col,
					  "extends: cannot read %s: %s", path, inner->msg);
		else if (l->err && !*l->err)
			*l->err = TAKE_PTR(inner);
		vakt_error_free(inner);
		return r;
	}
	l->ext = xreallocarray(l->ext, l->next + 1, sizeof(*l->ext));
	l->ext[l->next++] = *ret;
	return 0;
}

static const char *chain_str(ld *l, const layer *ly, const char *name)
{
	vakt_buf b = VAKT_BUF_INIT(SIZE_MAX);
	for (size_t i = 0; i < l->nchain; i++) {
		vakt_buf_printf(&b, "%s%s", i ? " -> " : "", l->chain[i]->key);
		if (l->chain_ly[i] != l->chain_ly[0])
			vakt_buf_printf(&b, " (%s)", l->chain_ly[i]->src.file);
	}
	vakt_buf_printf(&b, " -> %s", name);
	if (ly != l->chain_ly[0])
		vakt_buf_printf(&b, " (%s)", ly->src.file);
	const char *r = vakt_arena_strdup(&l->tmp, vakt_buf_str(&b));
	vakt_buf_free(&b);
	return r;
}

static int resolve_service(ld *l, layer *ly, size_t idx, cnode **ret);

/* The service a service extends: its layer and index. */
static int extends_target(ld *l, layer *ly, const cpair *sp, const cnode *ext, layer **ret_ly,
			  size_t *ret_idx)
{
	const char *svc = sp->key;
	const cnode *ref = ext, *file = NULL;
	if (ext->kind == CK_MAP) {
		ref = field(ext, "service");
		file = field(ext, "file");
		if (!ref)
			return vakt_error_set_at(l->err, VAKT_E_INVALID, ext->src->file, ext->line,
						 ext->col,
						 "services.%s.extends: service is required", svc);
		if (file && file->kind != CK_STR)
			return vakt_error_set_at(
				l->err, VAKT_E_INVALID, file->src->file, file->line, file->col,
				"services.%s.extends.file: expected a string, got %s", svc,
				kind_name(file));
	}
	if (ref->kind != CK_STR)
		return vakt_error_set_at(l->err, VAKT_E_INVALID, ref->src->file, ref->line,
					 ref->col,
					 "services.%s.extends%s: expected a string%s, got %s", svc,
					 ref == ext ? "" : ".service",
					 ref == ext ? " or a mapping" : "", kind_name(ref));
	layer *tly = ly;
	if (file) {
		const char *path = path_resolve(&l->tmp, file->src->base, file->str);
		int r = extends_layer(l, file, path, &tly);
		if (r < 0)
			return r;
	}
	long j = find_service(tly, ref->str);
	if (j < 0)
		return vakt_error_set_at(l->err, VAKT_E_INVALID, ref->src->file, ref->line,
					 ref->col,
					 "services.%s.extends: service \"%s\" not found%s%s", svc,
					 ref->str, file ? " in " : "", file ? tly->src.file : "");
	for (size_t i = 0; i < l->nchain; i++)
		if (l->chain_ly[i] == tly && l->chain[i] == &tly->svcs[j])
			return vakt_error_set_at(l->err, VAKT_E_INVALID, ref->src->file, ref->line,
						 ref->col, "services.%s.extends: a cycle: %s", svc,
						 chain_str(l, tly, ref->str));
	*ret_ly = tly;
	*ret_idx = (size_t)j;
	return 0;
}

/* A service with its extends applied (compose-go's applyServiceExtends): the base, itself
 * resolved, merged under the service as a later file would be, less `extends`. */
static int resolve_service(ld *l, layer *ly, size_t idx, cnode **ret)
{
	cpair *sp = &ly->svcs[idx];
	const cnode *ext = ly->state[idx] == 2 ? NULL : field(sp->v, "extends");
	if (!ext) {
		ly->state[idx] = 2;
		*ret = sp->v;
		return 0;
	}
	if (l->nchain >= EXTENDS_DEPTH_MAX)
		return vakt_error_set_at(
			l->err, VAKT_E_LIMIT, ext->src->file, ext->line, ext->col,
			"services.%s.extends: more than %d services extend each other", sp->key,
			EXTENDS_DEPTH_MAX);
	l->chain[l->nchain] = sp;
	l->chain_ly[l->nchain++] = ly;
	ly->state[idx] = 1;
	layer *tly = NULL;
	size_t j = 0;
	cnode *base;
	int r = extends_target(l, ly, sp, ext, &tly, &j);
	if (r == 0)
		r = resolve_service(l, tly, j, &base);
	l->nchain--;
	if (r < 0)
		return r;
	cpath spp = {.key = "services"};
	cpath p = {.up = &spp, .key = sp->key};
	cnode *merged;
	if ((r = merge_maps(l, base, sp->v, W_SERVICE, &p, &merged)) < 0)
		return r;
	size_t k = 0;
	for (size_t i = 0; i < merged->n; i++)
		if (strcmp(merged->pairs[i].key, "extends") != 0)
			merged->pairs[k++] = merged->pairs[i];
	merged->n = k;
	sp->v = merged;
	ly->state[idx] = 2;
	*ret = merged;
	return 0;
}

/* Two sorted service lists merged; a service of b merges onto a's as a later file does. */
static int merge_services(ld *l, cpair *a, size_t na, cpair *b, size_t nb, cpair **ret,
			  size_t *ret_n)
{
	if (nb > 1)
		qsort(b, nb, sizeof(*b), cmp_pair);
	cpair *m = vakt_arena_calloc(&l->tmp, na + nb ? na + nb : 1, sizeof(*m));
	size_t i = 0, j = 0, n = 0;
	int r;
	while (i < na || j < nb) {
		int c = i < na && j < nb ? strcmp(a[i].key, b[j].key) : i < na ? -1 : 1;
		if (c < 0) {
			m[n++] = a[i++];
			continue;
		}
		const cpair *bp = &b[j++];
		const cpair *ap = c == 0 ? &a[i++] : NULL;
		/* the service is defined where it first appears (again, after a !reset) */
		cpair out = ap && live(ap->v) ? *ap : *bp;
		if (!ap || !live(ap->v) || (bp->v->flags & (CF_RESET | CF_OVERRIDE))) {
			out.v = bp->v;
		} else {
			cpath sp = {.key = "services"};
			cpath p = {.up = &sp, .key = bp->key};
			if ((r = merge_maps(l, ap->v, bp->v, W_SERVICE, &p, &out.v)) < 0)
				return r;
		}
		m[n++] = out;
	}
	*ret = m;
	*ret_n = n;
	return 0;
}

/* ---- volume and port syntax ------------------------------------------------------------------
 * Both parsers point into the spec (slices) and allocate nothing: a spec shared by aliases is
 * read again for each service, and only the reader's results are budgeted copies. */

typedef struct slice {
	const char *p;
	size_t n;
} slice;

typedef struct vspec {
	slice source, target;
	bool read_only, bind;
} vspec;

static bool drive_letter(const char *s, size_t n)
{
	return n == 1 &&
	       (((unsigned char)s[0] | 0x20) >= 'a' && ((unsigned char)s[0] | 0x20) <= 'z');
}

/* compose-go's format.ParseVolume: "[source:]target[:options]", a one-letter first part
 * being a Windows drive; a source starting with . / ~ (or a drive, or \\) is a bind. */
static int parse_volume(const char *spec, vspec *v, const char **why)
{
	size_t n = strlen(spec);
	*v = (vspec){{spec, 0}, {spec, 0}, false, false};
	if (n == 0) {
		*why = "invalid empty volume spec";
		return -1;
	}
	if (n <= 2) {
		v->target.n = n;
		return 0;
	}
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		bool end = i == n;
		if (!end && spec[i] != ':')
			continue;
		if (!end && drive_letter(spec + start, i - start))
			continue;
		slice b = {spec + start, i - start};
		start = i + 1;
		if (b.n == 0) {
			*why = "empty section between colons";
			return -1;
		}
		if (!v->source.n && end) {
			v->target = b; /* anonymous */
		} else if (!v->source.n) {
			v->source = b;
		} else if (!v->target.n) {
			v->target = b;
		} else if (!end) {
			*why = "too many colons";
			return -1;
		} else {
			for (const char *o = b.p; o < b.p + b.n;) {
				const char *c = memchr(o, ',', (size_t)(b.p + b.n - o));
				size_t ol = c ? (size_t)(c - o) : (size_t)(b.p + b.n - o);
				if (ol == 2 && memcmp(o, "ro", 2) == 0)
					v->read_only = true;
				else if (ol == 2 && memcmp(o, "rw", 2) == 0)
					v->read_only = false;
				o += ol + (c ? 1 : 0);
			}
		}
	}
	const char *s = v->source.p;
	size_t sn = v->source.n;
	v->bind = sn > 0 && (s[0] == '.' || s[0] == '/' || s[0] == '~' ||
			     (sn > 1 && s[0] == '\\' && s[1] == '\\') ||
			     (sn > 1 && drive_letter(s, 1) && s[1] == ':'));
	return 0;
}

/* docker/go-connections' ParsePortRange: "N" or "N-M" (anything after a second '-' is not
 * looked at, as upstream), 16-bit, M >= N. */
static bool port_range(const char *s, size_t n, unsigned long *lo, unsigned long *hi)
{
	const char *dash = memchr(s, '-', n);
	unsigned long v[2] = {0, 0};
	const char *part[2] = {s, dash ? dash + 1 : NULL};
	size_t len[2] = {dash ? (size_t)(dash - s) : n, 0};
	if (dash) {
		const char *dash2 = memchr(dash + 1, '-', (size_t)(s + n - dash - 1));
		len[1] = (size_t)((dash2 ? dash2 : s + n) - dash - 1);
	}
	for (int k = 0; k < (dash ? 2 : 1); k++) {
		if (len[k] == 0 || len[k] > 5)
			return false;
		for (size_t i = 0; i < len[k]; i++) {
			if (part[k][i] < '0' || part[k][i] > '9')
				return false;
			v[k] = v[k] * 10 + (unsigned long)(part[k][i] - '0');
		}
		if (v[k] > 65535)
			return false;
	}
	*lo = v[0];
	*hi = dash ? v[1] : v[0];
	return *hi >= *lo;
}

static bool valid_ip(slice ip)
{
	char buf[64];
	unsigned char addr[16];
	if (ip.n >= sizeof(buf))
		return false;
	memcpy(buf, ip.p, ip.n);
	buf[ip.n] = '\0';
	return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

typedef struct pspec {
	slice ip, host, cont;
	const char *proto; /* "tcp", "udp" or "sctp" */
} pspec;

/* "[ip:][host:]container[/proto]" as docker/go-connections' ParsePortSpec reads it: the
 * last part is the container port, the one before it the host port, everything before
 * that the IP (IPv6 in brackets, or bare); ranges are kept as written, not expanded. */
static int parse_port(const char *spec, pspec *p, const char **why)
{
	size_t n = strlen(spec);
	const char *last = memrchr(spec, ':', n);
	const char *prev = last ? memrchr(spec, ':', (size_t)(last - spec)) : NULL;
	*p = (pspec){{spec, 0}, {spec, 0}, {spec, n}, "tcp"};
	if (last) {
		p->cont = (slice){last + 1, (size_t)(spec + n - last - 1)};
		p->host = prev ? (slice){prev + 1, (size_t)(last - prev - 1)}
			       : (slice){spec, (size_t)(last - spec)};
		p->ip = (slice){spec, prev ? (size_t)(prev - spec) : 0};
	}
	const char *slash = memchr(p->cont.p, '/', p->cont.n);
	slice proto = {NULL, 0};
	if (slash) {
		proto.p = slash + 1;
		const char *s2 = memchr(proto.p, '/', (size_t)(p->cont.p + p->cont.n - proto.p));
		proto.n = (size_t)((s2 ? s2 : p->cont.p + p->cont.n) - proto.p);
		p->cont.n = (size_t)(slash - p->cont.p);
	}
	if (p->cont.n == 0) {
		*why = "no port specified";
		return -1;
	}
	static const char *const protos[] = {"tcp", "udp", "sctp"};
	bool known = proto.n == 0;
	for (size_t i = 0; !known && i < VAKT_ARRAY_SIZE(protos); i++)
		if (proto.n == strlen(protos[i]) && strncasecmp(proto.p, protos[i], proto.n) == 0)
			p->proto = protos[i], known = true;
	if (p->ip.n && p->ip.p[0] == '[') {
		if (p->ip.n < 2 || p->ip.p[p->ip.n - 1] != ']') {
			*why = "invalid IP address";
			return -1;
		}
		p->ip = (slice){p->ip.p + 1, p->ip.n - 2};
	}
	unsigned long c0, c1, h0 = 0, h1 = 0;
	if (p->ip.n && !valid_ip(p->ip))
		*why = "invalid IP address";
	else if (!port_range(p->cont.p, p->cont.n, &c0, &c1))
		*why = "invalid container port";
	else if (p->host.n && !port_range(p->host.p, p->host.n, &h0, &h1))
		*why = "invalid host port";
	else if (p->host.n && c1 - c0 != h1 - h0 && c1 != c0)
		*why = "the container and host port ranges differ";
	else if (!known)
		*why = "invalid protocol";
	else
		return 0;
	return -1;
}

/* ---- unicity (compose-go's override.EnforceUnicity) ---------------------------------------
 * A later entry with the key of an earlier one takes the earlier one's place. Entries whose
 * key cannot be told (of a wrong type) stay, for the reader to report. */

typedef bool (*ukey_fn)(ld *l, const cnode *it, slice *key);

static bool ukey_kv(ld *l, const cnode *it, slice *key)
{
	(void)l;
	if (it->kind != CK_STR)
		return false;
	*key = (slice){it->str, strcspn(it->str, "=")};
	return true;
}

static bool target_of(const cnode *it, slice *key)
{
	const cnode *t = field(it, "target");
	if (!t || t->kind != CK_STR)
		return false;
	*key = (slice){t->str, strlen(t->str)};
	return true;
}

static bool ukey_device(ld *l, const cnode *it, slice *key)
{
	(void)l;
	if (it->kind == CK_MAP)
		return target_of(it, key);
	if (it->kind != CK_STR)
		return false;
	const char *c = strchr(it->str, ':');
	*key = c ? (slice){c + 1, strcspn(c + 1, ":")} : (slice){it->str, strlen(it->str)};
	return true;
}

static bool ukey_volume(ld *l, const cnode *it, slice *key)
{
	(void)l;
	if (it->kind == CK_MAP)
		return target_of(it, key);
	vspec v;
	const char *why;
	if (it->kind != CK_STR || parse_volume(it->str, &v, &why) < 0)
		return false;
	*key = v.target;
	return true;
}

static bool ukey_port(ld *l, const cnode *it, slice *key)
{
	if (it->kind == CK_INT || it->kind == CK_STR) {
		*key = (slice){it->str, strlen(it->str)};
		return true;
	}
	if (it->kind != CK_MAP)
		return false;
	const cnode *f[4] = {field(it, "host_ip"), field(it, "published"), field(it, "target"),
			     field(it, "protocol")};
	const char *dflt[4] = {"0.0.0.0", "", NULL, "tcp"}, *v[4];
	for (int i = 0; i < 4; i++) {
		v[i] = f[i] && f[i]->kind <= CK_STR && f[i]->kind != CK_NULL ? f[i]->str : dflt[i];
		if (!v[i] || strlen(v[i]) > 64) /* no target, or not a port: the reader says so */
			return false;
	}
	char *k = vakt_arena_printf(&l->tmp, "%s:%s:%s/%s", v[0], v[1], v[2], v[3]);
	*key = (slice){k, strlen(k)};
	return true;
}

static cnode *unique(ld *l, const cnode *seq, ukey_fn fn)
{
	cnode *u = new_node(l, CK_SEQ, seq->src, seq->line, seq->col);
	u->items = vakt_arena_calloc(&l->tmp, seq->n ? seq->n : 1, sizeof(*u->items));
	smap seen = {0};
	for (size_t i = 0; i < seq->n; i++) {
		slice k;
		if (fn(l, seq->items[i], &k)) {
			const smap_ent *e = smap_get(&seen, k.p, k.n);
			if (e) {
				u->items[e->idx] = seq->items[i];
				continue;
			}
			smap_put(&seen, k.p, k.n, NULL, u->n);
		}
		u->items[u->n++] = seq->items[i];
	}
	smap_free(&seen);
	return u;
}

/* ---- services into vakt_ctr ------------------------------------------------------------------ */

typedef struct rd {
	ld *l;
	vakt_arena *a;	  /* results */
	const char *file; /* the service's file: positions elsewhere name theirs */
	const char *name;
} rd;

static ctr_pos pos_of(const rd *r, const cnode *n)
{
	ctr_pos p = {.line = n->line, .col = n->col};
	if (strcmp(n->src->file, r->file) != 0)
		p.file = n->src->file;
	return p;
}

/* A value's text in the results: copied once however many services share it. */
static const char *r_dup(rd *r, const cnode *n)
{
	const pmap_ent *m = pmap_get(&r->l->outstr, n->str);
	if (m)
		return m->val;
	size_t len = strlen(n->str);
	if (charge_bytes(r->l, len, n) < 0)
		return "";
	const char *s = vakt_arena_strndup(r->a, n->str, len);
	pmap_put(&r->l->outstr, n->str, s);
	return s;
}

/* A string made from a value (a part of it, or parts joined), in the results. */
static const char *r_make(rd *r, const cnode *at, const char *s, size_t len)
{
	if (charge_bytes(r->l, len, at) < 0)
		return "";
	return vakt_arena_strndup(r->a, s, len);
}

static int bad(rd *r, const cnode *n, const char *sub, const char *want)
{
	return vakt_error_set_at(r->l->err, VAKT_E_INVALID, n->src->file, n->line, n->col,
				 "services.%s%s: expected %s, got %s", r->name, sub, want,
				 kind_name(n));
}

static int invalid(rd *r, const cnode *n, const char *sub, const char *what, const char *why)
{
	return vakt_error_set_at(r->l->err, VAKT_E_INVALID, n->src->file, n->line, n->col,
				 "services.%s%s: %s \"%s\": %s", r->name, sub, what,
				 show(&r->l->tmp, n->str, strlen(n->str)), why);
}

static int required(rd *r, const cnode *n, const char *sub, const char *what)
{
	return vakt_error_set_at(r->l->err, VAKT_E_INVALID, n->src->file, n->line, n->col,
				 "services.%s%s: %s is required", r->name, sub, what);
}

static const char *sub_key(rd *r, const char *sub, const char *key)
{
	return vakt_arena_printf(&r->l->tmp, "%s.%s", sub, key);
}

static const char *sub_idx(rd *r, const char *sub, size_t i)
{
	return vakt_arena_printf(&r->l->tmp, "%s[%zu]", sub, i);
}

static int rd_str(rd *r, const cnode *map, const char *sub, const char *key, ctr_str *out)
{
	const cnode *n = field(map, key);
	if (!n)
		return 0;
	if (n->kind != CK_STR)
		return bad(r, n, sub_key(r, sub, key), "a string");
	*out = (ctr_str){true, r_dup(r, n), pos_of(r, n)};
	return 0;
}

/* compose-go casts strings to booleans where it wants one (interpolate.go's toBoolean). */
static int bool_of(const cnode *n, bool *ret)
{
	static const char *const yes[] = {"y", "yes", "true", "on"};
	static const char *const no[] = {"n", "no", "false", "off"};
	if (n->kind == CK_BOOL) {
		*ret = n->str[0] == 't';
		return 0;
	}
	for (size_t i = 0; n->kind == CK_STR && i < 4; i++) {
		if (strcasecmp(n->str, yes[i]) == 0 || strcasecmp(n->str, no[i]) == 0) {
			*ret = strcasecmp(n->str, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

static int rd_bool(rd *r, const cnode *map, const char *key, ctr_bool *out)
{
	const cnode *n = field(map, key);
	if (!n)
		return 0;
	bool v;
	if (bool_of(n, &v) < 0)
		return bad(r, n, sub_key(r, "", key), "a boolean");
	*out = (ctr_bool){true, v, pos_of(r, n)};
	return 0;
}

/* An integer as written; compose casts strings with strconv.ParseInt(s, 10, 64). */
static int rd_int(rd *r, const cnode *n, const char *sub, ctr_str *out)
{
	bool ok = n->kind == CK_INT;
	if (n->kind == CK_STR) {
		const char *s = n->str + (n->str[0] == '-' || n->str[0] == '+');
		ok = s[0] && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 18;
	}
	if (!ok)
		return bad(r, n, sub, "an integer");
	*out = (ctr_str){true, r_dup(r, n), pos_of(r, n)};
	return 0;
}

static int rd_size(rd *r, const cnode *n, const char *sub, ctr_str *out)
{
	if (n->kind != CK_STR && n->kind != CK_INT && n->kind != CK_FLOAT)
		return bad(r, n, sub, "a string or a number");
	*out = (ctr_str){true, r_dup(r, n), pos_of(r, n)};
	return 0;
}

/* An item: the value's text, or len bytes of it. */
static ctr_item item_of(rd *r, const cnode *n, size_t len)
{
	const char *v = n->str[len] ? r_make(r, n, n->str, len) : r_dup(r, n);
	return (ctr_item){v, pos_of(r, n)};
}

/* A list of strings; strip cuts each at its first ':' (tmpfs options). */
static int rd_list(rd *r, const cnode *map, const char *key, ukey_fn fn, bool strip, ctr_list *out)
{
	const cnode *n = field(map, key);
	const char *sub = sub_key(r, "", key);
	if (!n)
		return 0;
	if (n->kind == CK_STR && strip) { /* tmpfs: one path */
		out->items = vakt_arena_calloc(r->a, 1, sizeof(*out->items));
		out->items[out->n++] = item_of(r, n, strcspn(n->str, ":"));
		return 0;
	}
	if (n->kind != CK_SEQ)
		return bad(r, n, sub, strip ? "a string or a sequence" : "a sequence");
	const cnode *u = fn ? unique(r->l, n, fn) : n;
	out->items = vakt_arena_calloc(r->a, u->n ? u->n : 1, sizeof(*out->items));
	for (size_t i = 0; i < u->n; i++) {
		const cnode *it = u->items[i];
		if (it->kind != CK_STR)
			return bad(r, it, sub_idx(r, sub, i), "a string");
		out->items[out->n++] =
			item_of(r, it, strip ? strcspn(it->str, ":") : strlen(it->str));
	}
	return 0;
}

static int rd_devices(rd *r, const cnode *svc, ctr_list *out)
{
	const cnode *n = field(svc, "devices");
	if (!n)
		return 0;
	if (n->kind != CK_SEQ)
		return bad(r, n, ".devices", "a sequence");
	const cnode *u = unique(r->l, n, ukey_device);
	out->items = vakt_arena_calloc(r->a, u->n ? u->n : 1, sizeof(*out->items));
	for (size_t i = 0; i < u->n; i++) {
		const cnode *it = u->items[i];
		const char *sub = sub_idx(r, ".devices", i);
		if (it->kind == CK_STR) {
			out->items[out->n++] = item_of(r, it, strlen(it->str));
			continue;
		}
		if (it->kind != CK_MAP)
			return bad(r, it, sub, "a string or a mapping");
		static const char *const keys[] = {"source", "target", "permissions"};
		ctr_str f[3] = {{.value = ""}, {.value = ""}, {.value = ""}};
		for (size_t k = 0; k < 3; k++) {
			int e = rd_str(r, it, sub, keys[k], &f[k]);
			if (e < 0)
				return e;
		}
		if (!f[0].set)
			return required(r, it, sub, "source");
		const char *v =
			vakt_arena_printf(&r->l->tmp, "%s%s%s%s%s", f[0].value, f[1].set ? ":" : "",
					  f[1].value, f[2].set ? ":" : "", f[2].value);
		out->items[out->n++] = (ctr_item){r_make(r, it, v, strlen(v)), pos_of(r, it)};
	}
	return 0;
}

/* A bind source: relative paths against the directory of the file that wrote them. */
static const char *bind_source(rd *r, const cnode *at, slice src)
{
	if (charge_bytes(r->l, src.n + strlen(at->src->base) + 2, at) < 0)
		return "";
	const char *p = path_resolve(&r->l->tmp, at->src->base,
				     vakt_arena_strndup(&r->l->tmp, src.p, src.n));
	return r_make(r, at, p, strlen(p));
}

static int rd_volume(rd *r, const cnode *it, const char *sub, ctr_mount *m)
{
	m->pos = pos_of(r, it);
	if (it->kind == CK_STR) {
		vspec v;
		const char *why;
		if (parse_volume(it->str, &v, &why) < 0)
			return invalid(r, it, sub, "invalid volume", why);
		m->target = r_make(r, it, v.target.p, v.target.n);
		m->bind = v.bind;
		m->read_only = v.read_only;
		m->source = v.bind ? bind_source(r, it, v.source)
				   : r_make(r, it, v.source.p, v.source.n);
		return 0;
	}
	if (it->kind != CK_MAP)
		return bad(r, it, sub, "a string or a mapping");
	ctr_str type = {.value = ""}, src = {.value = ""}, dst = {.value = ""};
	int e;
	if ((e = rd_str(r, it, sub, "type", &type)) < 0 ||
	    (e = rd_str(r, it, sub, "source", &src)) < 0 ||
	    (e = rd_str(r, it, sub, "target", &dst)) < 0)
		return e;
	const cnode *ro = field(it, "read_only");
	if (ro && bool_of(ro, &m->read_only) < 0)
		return bad(r, ro, sub_key(r, sub, "read_only"), "a boolean");
	if (!type.set || !dst.set)
		return required(r, it, sub, type.set ? "target" : "type");
	m->bind = strcmp(type.value, "bind") == 0 || strcmp(type.value, "npipe") == 0;
	m->target = dst.value;
	m->source = src.value;
	if (src.set && strcmp(type.value, "bind") == 0) {
		const cnode *sn = field(it, "source");
		m->source = bind_source(r, sn, (slice){sn->str, strlen(sn->str)});
	}
	return 0;
}

static int rd_port(rd *r, const cnode *it, const char *sub, ctr_port *p)
{
	*p = (ctr_port){"", "", "", "tcp", pos_of(r, it)};
	if (it->kind == CK_INT) {
		p->container_port = r_dup(r, it);
		return 0;
	}
	if (it->kind == CK_STR) {
		pspec ps;
		const char *why;
		if (parse_port(it->str, &ps, &why) < 0)
			return invalid(r, it, sub, "invalid port", why);
		p->host_ip = r_make(r, it, ps.ip.p, ps.ip.n);
		p->host_port = r_make(r, it, ps.host.p, ps.host.n);
		p->container_port = r_make(r, it, ps.cont.p, ps.cont.n);
		p->protocol = ps.proto;
		return 0;
	}
	if (it->kind != CK_MAP)
		return bad(r, it, sub, "a string, a number or a mapping");
	const cnode *t = field(it, "target"), *pub = field(it, "published");
	ctr_str ip = {.value = ""}, proto = {.value = ""};
	int e;
	if ((e = rd_str(r, it, sub, "host_ip", &ip)) < 0 ||
	    (e = rd_str(r, it, sub, "protocol", &proto)) < 0)
		return e;
	if (!t)
		return required(r, it, sub, "target");
	unsigned long lo, hi;
	if (t->kind != CK_INT &&
	    !(t->kind == CK_STR && port_range(t->str, strlen(t->str), &lo, &hi)))
		return bad(r, t, sub_key(r, sub, "target"), "a port number");
	if (pub && pub->kind != CK_INT && pub->kind != CK_STR)
		return bad(r, pub, sub_key(r, sub, "published"), "a port or a range");
	p->container_port = r_dup(r, t);
	p->host_port = pub ? r_dup(r, pub) : "";
	p->host_ip = ip.value;
	if (proto.set && proto.value[0])
		p->protocol = proto.value;
	return 0;
}

static int rd_mounts_ports(rd *r, const cnode *svc, vakt_ctr *c)
{
	const cnode *v = field(svc, "volumes"), *p = field(svc, "ports");
	int e;
	if (v && v->kind != CK_SEQ)
		return bad(r, v, ".volumes", "a sequence");
	if (p && p->kind != CK_SEQ)
		return bad(r, p, ".ports", "a sequence");
	if (v) {
		const cnode *u = unique(r->l, v, ukey_volume);
		c->mounts = vakt_arena_calloc(r->a, u->n ? u->n : 1, sizeof(*c->mounts));
		for (size_t i = 0; i < u->n; i++, c->n_mounts++)
			if ((e = rd_volume(r, u->items[i], sub_idx(r, ".volumes", i),
					   &c->mounts[i])) < 0)
				return e;
	}
	if (p) {
		const cnode *u = unique(r->l, p, ukey_port);
		c->ports = vakt_arena_calloc(r->a, u->n ? u->n : 1, sizeof(*c->ports));
		for (size_t i = 0; i < u->n; i++, c->n_ports++)
			if ((e = rd_port(r, u->items[i], sub_idx(r, ".ports", i), &c->ports[i])) <
			    0)
				return e;
	}
	return 0;
}

/* pids_limit and mem_limit, with deploy.resources.limits winning as docker compose applies
 * them. */
static int rd_limits(rd *r, const cnode *svc, vakt_ctr *c)
{
	const cnode *n;
	int e;
	if ((n = field(svc, "pids_limit")) && (e = rd_int(r, n, ".pids_limit", &c->pids_limit)) < 0)
		return e;
	if ((n = field(svc, "mem_limit")) && (e = rd_size(r, n, ".mem_limit", &c->memory)) < 0)
		return e;
	const char *sub = ".deploy";
	const cnode *m = field(svc, "deploy");
	static const char *const keys[] = {"resources", "limits"};
	for (size_t i = 0; m && i < 2; i++) {
		if (m->kind != CK_MAP)
			return bad(r, m, sub, "a mapping");
		sub = sub_key(r, sub, keys[i]);
		m = field(m, keys[i]);
	}
	if (!m)
		return 0;
	if (m->kind != CK_MAP)
		return bad(r, m, sub, "a mapping");
	if ((n = field(m, "pids")) &&
	    (e = rd_int(r, n, sub_key(r, sub, "pids"), &c->pids_limit)) < 0)
		return e;
	if ((n = field(m, "memory")) &&
	    (e = rd_size(r, n, sub_key(r, sub, "memory"), &c->memory)) < 0)
		return e;
	return 0;
}

static bool remote_context(const char *s)
{
	static const char *const pre[] = {"https://", "http://",     "git://",
					  "ssh://",   "github.com/", "git@"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(pre); i++)
		if (strncmp(s, pre[i], strlen(pre[i])) == 0)
			return true;
	return false;
}

/* build.args as "NAME=VALUE"; a name without a value takes the environment's, or is left out. */
static int rd_args(rd *r, const cnode *args, compose_service *out)
{
	if (args->kind != CK_MAP && args->kind != CK_SEQ)
		return bad(r, args, ".build.args", "a mapping or a sequence");
	const cnode *u = args->kind == CK_SEQ ? unique(r->l, args, ukey_kv) : args;
	const char **v = vakt_arena_calloc(r->a, u->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < u->n; i++) {
		const cnode *it = u->kind == CK_MAP ? u->pairs[i].v : u->items[i];
		slice name;
		const char *val = NULL;
		if (u->kind == CK_MAP) {
			name = (slice){u->pairs[i].key, strlen(u->pairs[i].key)};
			if (it->kind > CK_STR)
				return bad(r, it, sub_key(r, ".build.args", name.p),
					   "a string or a number");
			val = it->kind == CK_NULL ? NULL : it->str;
		} else {
			if (it->kind != CK_STR)
				return bad(r, it, sub_idx(r, ".build.args", i), "a string");
			ukey_kv(r->l, it, &name);
			val = it->str[name.n] ? it->str + name.n + 1 : NULL;
		}
		if (!val)
			val = env_lookup(&r->l->env, name.p, name.n);
		if (!val)
			continue;
		const char *kv = vakt_arena_printf(&r->l->tmp, "%.*s=%s", (int)name.n, name.p, val);
		v[n++] = r_make(r, it, kv, strlen(kv));
	}
	out->build_args = v;
	return 0;
}

static int rd_build(rd *r, const cnode *svc, compose_service *out)
{
	const cnode *b = field(svc, "build");
	if (!b)
		return 0;
	const cnode *ctx = b, *df = NULL, *inl = NULL, *args = NULL;
	int e;
	if (b->kind == CK_MAP) {
		ctr_str s[4] = {{.value = ""}, {.value = ""}, {.value = ""}, {.value = ""}};
		static const char *const keys[] = {"context", "dockerfile", "dockerfile_inline",
						   "target"};
		for (size_t i = 0; i < 4; i++)
			if ((e = rd_str(r, b, ".build", keys[i], &s[i])) < 0)
				return e;
		ctx = field(b, "context");
		df = field(b, "dockerfile");
		inl = field(b, "dockerfile_inline");
		if (s[3].set)
			out->build_target = s[3].value;
		if ((args = field(b, "args")) && (e = rd_args(r, args, out)) < 0)
			return e;
	} else if (b->kind != CK_STR) {
		return bad(r, b, ".build", "a string or a mapping");
	}
	const cnode *at = ctx ? ctx : b;
	const char *cs = ctx ? ctx->str : ".";
	const char *f = df ? df->str : "Dockerfile";
	if (charge_bytes(r->l, 2 * (strlen(at->src->base) + strlen(cs) + strlen(f) + 2), at) < 0)
		return VAKT_E_LIMIT;
	bool remote = remote_context(cs);
	const char *dir = remote ? cs : path_resolve(&r->l->tmp, at->src->base, cs);
	out->build_context = r_make(r, at, dir, strlen(dir));
	if (remote || inl)
		return 0;
	const char *p = f[0] == '/' ? path_clean(&r->l->tmp, f) : path_resolve(&r->l->tmp, dir, f);
	out->build_dockerfile = r_make(r, df ? df : at, p, strlen(p));
	return 0;
}

/* x-vakt-ignore: [ID, ...] or "ID,ID". */
static int rd_ignores(rd *r, const cnode *svc, compose_service *out)
{
	const cnode *n = field(svc, "x-vakt-ignore");
	if (!n)
		return 0;
	if (n->kind == CK_SEQ) {
		ctr_list l = {0};
		int e = rd_list(r, svc, "x-vakt-ignore", NULL, false, &l);
		out->nignores = l.n;
		out->ignores = l.items;
		return e;
	}
	if (n->kind != CK_STR)
		return bad(r, n, ".x-vakt-ignore", "a sequence or a string");
	size_t cap = 1;
	for (const char *c = n->str; *c; c++)
		cap += *c == ',';
	out->ignores = vakt_arena_calloc(r->a, cap, sizeof(*out->ignores));
	for (const char *s = n->str; *s;) {
		size_t len = strcspn(s, ",");
		const char *a = s, *z = s + len;
		while (a < z && (*a == ' ' || *a == '\t'))
			a++;
		while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
			z--;
		if (z > a)
			out->ignores[out->nignores++] =
				(ctr_item){r_make(r, n, a, (size_t)(z - a)), pos_of(r, n)};
		s += len + (s[len] == ',');
	}
	return 0;
}

static int read_service(ld *l, const cpair *sp, compose_service *out)
{
	memset(out, 0, sizeof(*out));
	const cnode *svc = sp->v;
	rd r = {.l = l, .a = l->out, .file = sp->ksrc->file, .name = sp->key};
	vakt_ctr *c = &out->ctr;
	out->file = sp->ksrc->file;
	c->source = CTR_COMPOSE;
	c->name = vakt_arena_strdup(l->out, sp->key);
	c->tool = "compose";
	c->pos = (ctr_pos){NULL, sp->kline, sp->kcol};
	ctr_str *strs[] = {&c->image, &c->user,	  &c->network_mode, &c->pid,   &c->ipc,
			   &c->uts,   &c->userns, &c->pids_limit,   &c->memory};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(strs); i++)
		strs[i]->value = "";
	static const char *const skeys[] = {"image", "user", "network_mode", "pid",
					    "ipc",   "uts",  "userns_mode"};
	int e = 0;
	for (size_t i = 0; e == 0 && i < VAKT_ARRAY_SIZE(skeys); i++)
		e = rd_str(&r, svc, "", skeys[i], strs[i]);
	if (e == 0)
		e = rd_bool(&r, svc, "privileged", &c->privileged);
	if (e == 0)
		e = rd_bool(&r, svc, "read_only", &c->read_only);
	if (e == 0)
		e = rd_list(&r, svc, "cap_add", ukey_kv, false, &c->cap_add);
	if (e == 0)
		e = rd_list(&r, svc, "cap_drop", ukey_kv, false, &c->cap_drop);
	if (e == 0)
		e = rd_list(&r, svc, "security_opt", NULL, false, &c->security_opt);
	if (e == 0)
		e = rd_list(&r, svc, "tmpfs", ukey_kv, true, &c->tmpfs);
	if (e == 0)
		e = rd_devices(&r, svc, &c->devices);
	if (e == 0)
		e = rd_limits(&r, svc, c);
	if (e == 0)
		e = rd_mounts_ports(&r, svc, c);
	if (e == 0)
		e = rd_build(&r, svc, out);
	if (e == 0)
		e = rd_ignores(&r, svc, out);
	return e == 0 && l->over ? VAKT_E_LIMIT : e;
}

/* ---- projects -------------------------------------------------------------------------------- */

/* The automatic override next to the first file, unless it is among the files. */
static const char *auto_override(ld *l, const char *const *files, size_t nfiles)
{
	if (vakt_compose_is_override_name(files[0]))
		return NULL;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(override_names); i++) {
		_cleanup_free_ char *p = vakt_path_join(l->dir, override_names[i]);
		if (!is_regular(p))
			continue;
		for (size_t k = 0; k < nfiles; k++)
			if (strcmp(base_name(files[k]), override_names[i]) == 0)
				return NULL;
		return vakt_arena_strdup(&l->tmp, p);
	}
	return NULL;
}

/* Read one of the project's files: its services, extends resolved, merged onto psvcs. */
static int add_file(ld *l, const char *path, cpair **psvcs, size_t *np)
{
	layer *ly;
	int r = read_layer(l, path, l->dir, &ly);
	for (size_t i = 0; r == 0 && i < ly->n; i++) {
		cnode *v;
		if (live(ly->svcs[i].v))
			r = resolve_service(l, ly, i, &v);
	}
	if (r < 0)
		return r;
	return merge_services(l, *psvcs, *np, ly->svcs, ly->n, psvcs, np);
}

static void ld_init(ld *l, const compose_options *opt, vakt_arena *a, vakt_error **err)
{
	memset(l, 0, sizeof(*l));
	l->lim = opt ? opt->limits : vakt_doc_default_limits;
	const vakt_doc_limits *d = &vakt_doc_default_limits;
	l->lim.max_file_bytes = l->lim.max_file_bytes ? l->lim.max_file_bytes : d->max_file_bytes;
	l->lim.max_doc_bytes = l->lim.max_doc_bytes ? l->lim.max_doc_bytes : d->max_doc_bytes;
	l->lim.max_depth = l->lim.max_depth ? l->lim.max_depth : d->max_depth;
	l->lim.max_nodes = l->lim.max_nodes ? l->lim.max_nodes : d->max_nodes;
	l->out = a;
	l->err = err;
	l->budget = l->lim.max_nodes;
	l->bytes = l->lim.max_doc_bytes > SIZE_MAX / 4 ? SIZE_MAX : l->lim.max_doc_bytes * 4;
	vakt_arena_init(&l->tmp, 0);
	const char *const *env = opt ? opt->environ : NULL;
	if (!env) /* char ** to const char *const * without a cast that -Wcast-qual refuses */
		memcpy(&env, &environ, sizeof(env));
	load_environ(l, env);
}

static void ld_free(ld *l)
{
	smap_free(&l->env);
	pmap_free(&l->memo);
	pmap_free(&l->kept);
	pmap_free(&l->outstr);
	free(l->ext);
	vakt_arena_destroy(&l->tmp);
}

int vakt_compose_load(const char *const *files, size_t nfiles, bool add_override,
		      const compose_options *opt, vakt_arena *a, compose_project **ret,
		      vakt_error **err)
{
	if (!files || nfiles == 0)
		return vakt_error_set(err, VAKT_E_USAGE, "no compose file to load");
	ld l;
	ld_init(&l, opt, a, err);
	_cleanup_free_ char *dir = vakt_dirname(files[0]);
	l.dir = vakt_arena_strdup(a, dir);
	int r = opt && opt->no_env_file ? 0 : read_dotenv(&l);
	const char *extra = r == 0 && add_override ? auto_override(&l, files, nfiles) : NULL;
	compose_project *p = vakt_arena_calloc(a, 1, sizeof(*p));
	p->dir = l.dir;
	p->files = vakt_arena_calloc(a, nfiles + 1, sizeof(*p->files));
	cpair *svcs = NULL;
	size_t ns = 0;
	for (size_t i = 0; r == 0 && i < nfiles + (extra != NULL); i++) {
		const char *f = i < nfiles ? files[i] : extra;
		p->files[p->nfiles++] = vakt_arena_strdup(a, f);
		r = add_file(&l, f, &svcs, &ns);
	}
	if (r == 0) {
		p->services = vakt_arena_calloc(a, ns ? ns : 1, sizeof(*p->services));
		for (size_t i = 0; r == 0 && i < ns; i++)
			if (live(svcs[i].v))
				r = read_service(&l, &svcs[i], &p->services[p->nservices++]);
	}
	ld_free(&l);
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}
