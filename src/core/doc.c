/* doc.c - YAML/JSON document model on libyaml's event API; see doc.h.
 *
 * The tree is built without recursion: an explicit frame stack for open collections
 * and one shared stack of finished children, copied into the arena when a collection
 * closes. libyaml's own parser is also non-recursive, so deep nesting costs heap, never
 * C stack, and our depth limit stops it early.
 */
#include "core/doc.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const vakt_doc_limits vakt_doc_default_limits = {
	.max_file_bytes = (size_t)256 << 20,
	.max_doc_bytes = (size_t)16 << 20,
	.max_depth = 256,
	.max_nodes = 1000000,
};

/* How much fed input we keep to turn a reader error's byte offset into line:col. */
#define HIST_MAX (64 * 1024)
#define READ_CHUNK (64 * 1024)

typedef struct frame {
	vakt_node *node;
	size_t first;     /* index in children where this collection's items start */
	char *anchor;     /* malloc'd, or NULL */
	uint64_t dec_open; /* decode count before this collection (see "aliasing" below) */
} frame;

typedef struct anchor_ent {
	const char *name; /* arena */
	vakt_node *node;
	uint64_t dec; /* how many nodes decoding the anchored node costs, aliases expanded */
} anchor_ent;

enum stop_reason { STOP_NONE, STOP_FILE_LIMIT, STOP_DOC_LIMIT, STOP_IO };

struct vakt_doc_stream {
	yaml_parser_t parser;
	char *name;
	vakt_doc_limits lim;

	int fd;
	const unsigned char *mem;
	size_t mem_len, mem_off;

	/* JSON input: surrogate-pair escapes are rewritten as they stream past */
	bool sniffed, json;
	unsigned char carry[16];
	size_t ncarry;

	size_t fed;       /* bytes given to libyaml */
	size_t doc_start; /* bytes fed when the current document began */
	enum stop_reason stop;
	int io_errno;
	bool finished;

	/* the last bytes fed, to locate reader errors (invalid UTF-8, control bytes) */
	unsigned char *hist;
	size_t hist_len;
	size_t hist_off;   /* stream offset of hist[0] */
	size_t hist_lines; /* newlines before hist[0] */
	size_t hist_col0;  /* characters since the last newline before hist[0] */

	vakt_arena arena;
	vakt_doc doc;

	vakt_node **children;
	size_t nchildren, children_cap;
	frame *frames;
	size_t nframes, frames_cap;
	anchor_ent *anchors; /* open-addressing table */
	size_t anchors_cap, nanchors;

	/* go-yaml's decode and alias counters for the current document (see "aliasing") */
	uint64_t dec, ali;
};

/* ---- input ----------------------------------------------------------------------------- */

static void hist_push(vakt_doc_stream *s, const unsigned char *p, size_t n)
{
	if (n >= HIST_MAX) {
		/* account the part that will not fit, keep the tail */
		size_t drop = n - HIST_MAX;
		const unsigned char *q = s->hist, *end = s->hist + s->hist_len;
		for (int pass = 0; pass < 2; pass++) {
			for (; q < end; q++) {
				if (*q == '\n') {
					s->hist_lines++;
					s->hist_col0 = 0;
				} else if ((*q & 0xc0) != 0x80) {
					s->hist_col0++; /* columns count characters, not bytes */
				}
			}
			q = p;
			end = p + drop;
		}
		s->hist_off += s->hist_len + drop;
		memcpy(s->hist, p + drop, HIST_MAX);
		s->hist_len = HIST_MAX;
		return;
	}
	if (s->hist_len + n > HIST_MAX) {
		size_t drop = s->hist_len + n - HIST_MAX;
		for (size_t i = 0; i < drop; i++) {
			if (s->hist[i] == '\n') {
				s->hist_lines++;
				s->hist_col0 = 0;
			} else if ((s->hist[i] & 0xc0) != 0x80) {
				s->hist_col0++;
			}
		}
		memmove(s->hist, s->hist + drop, s->hist_len - drop);
		s->hist_len -= drop;
		s->hist_off += drop;
	}
	memcpy(s->hist + s->hist_len, p, n);
	s->hist_len += n;
}

/* Line and column (1-based) of stream byte offset off, if it is still in the history. */
static bool hist_locate(const vakt_doc_stream *s, size_t off, unsigned *line, unsigned *col)
{
	if (off < s->hist_off || off > s->hist_off + s->hist_len)
		return false;
	size_t l = s->hist_lines, c = s->hist_col0;
	for (size_t i = 0; i < off - s->hist_off; i++) {
		if (s->hist[i] == '\n') {
			l++;
			c = 0;
		} else if ((s->hist[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = (unsigned)(l + 1 > UINT_MAX ? UINT_MAX : l + 1);
	*col = (unsigned)(c + 1 > UINT_MAX ? UINT_MAX : c + 1);
	return true;
}

/* Read up to n raw bytes of the input into dst; the count, 0 at EOF, -1 on error. */
static ssize_t raw_read(vakt_doc_stream *s, unsigned char *dst, size_t n)
{
	if (s->mem) {
		size_t left = s->mem_len - s->mem_off;
		if (n > left)
			n = left;
		memcpy(dst, s->mem + s->mem_off, n);
		s->mem_off += n;
		return (ssize_t)n;
	}
	for (;;) {
		ssize_t r = read(s->fd, dst, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			s->io_errno = errno;
		return r;
	}
}

static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The code unit of "\uXXXX" at p (6 bytes), or -1. */
static long u_escape(const unsigned char *p)
{
	if (p[0] != '\\' || p[1] != 'u')
		return -1;
	long v = 0;
	for (int i = 2; i < 6; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* JSON writes a character above U+FFFF as a surrogate pair of \u escapes
 * ("\ud83d\ude80"), which libyaml refuses. Rewrite buf[0..n) in place: a pair becomes
 * YAML's "\U0001F680" and a lone surrogate "\uFFFD", as Go's decoder reads it. Escapes
 * are recognised from their backslash, so "\\u..." (an escaped backslash) is left alone.
 * A tail that may be an unfinished escape is moved to the carry unless at_eof. Returns
 * the new length. The result is never longer than the input. */
static size_t json_fix_surrogates(vakt_doc_stream *s, unsigned char *buf, size_t n, bool at_eof)
{
	size_t r = 0, w = 0;
	while (r < n) {
		if (buf[r] != '\\') {
			buf[w++] = buf[r++];
			continue;
		}
		size_t need = r + 1 < n && buf[r + 1] == 'u' ? 6 : 2;
		if (r + need > n && !at_eof)
			break; /* finish it with the next read */
		long hi = r + 6 <= n ? u_escape(buf + r) : -1;
		if (hi >= 0xd800 && hi <= 0xdbff) {
			if (r + 12 > n && !at_eof)
				break;
			long lo = r + 12 <= n ? u_escape(buf + r + 6) : -1;
			char tmp[16];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				unsigned long cp = 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
						   ((unsigned long)lo - 0xdc00);
				snprintf(tmp, sizeof(tmp), "\\U%08lX", cp);
				memcpy(buf + w, tmp, 10);
				w += 10, r += 12;
			} else {
				memcpy(buf + w, "\\uFFFD", 6);
				w += 6, r += 6;
			}
			continue;
		}
		if (hi >= 0xdc00 && hi <= 0xdfff) {
			memcpy(buf + w, "\\uFFFD", 6);
			w += 6, r += 6;
			continue;
		}
		/* any other escape: copy the backslash and the escaped character together */
		size_t k = r + 2 <= n ? 2 : n - r;
		memmove(buf + w, buf + r, k);
		w += k, r += k;
	}
	s->ncarry = n - r;
	memcpy(s->carry, buf + r, s->ncarry);
	return w;
}

/* libyaml read handler: 1 with *size_read = 0 at EOF, 0 to fail the parse. The limits
 * are enforced here, before libyaml buffers the bytes: a 200 MB scalar stops at the
 * document limit instead of growing libyaml's string buffer. */
static int read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	vakt_doc_stream *s = data;
	*size_read = 0;

	size_t doc_bytes = s->fed - (s->doc_start < s->fed ? s->doc_start : s->fed);
	if (doc_bytes > s->lim.max_doc_bytes) {
		s->stop = STOP_DOC_LIMIT;
		return 0;
	}
	if (s->fed > s->lim.max_file_bytes) {
		s->stop = STOP_FILE_LIMIT;
		return 0;
	}
	if (size > READ_CHUNK)
		size = READ_CHUNK;

	size_t n;
	for (;;) {
		/* an escape held back from the last read comes first */
		memcpy(buffer, s->carry, s->ncarry);
		size_t have = s->ncarry;
		s->ncarry = 0;
		ssize_t got = raw_read(s, buffer + have, size - have);
		if (got < 0) {
			s->stop = STOP_IO;
			return 0;
		}
		n = have + (size_t)got;
		if (!s->sniffed && n) {
			/* JSON by name, or by a leading '{' or '[' (flow YAML reads the same) */
			size_t k = 0;
			while (k < n && strchr(" \t\r\n", buffer[k]))
				k++;
			size_t nl = strlen(s->name);
			s->json = (nl > 5 && strcmp(s->name + nl - 5, ".json") == 0) ||
				  (k < n && (buffer[k] == '{' || buffer[k] == '['));
			s->sniffed = true;
		}
		if (!s->json)
			break;
		n = json_fix_surrogates(s, buffer, n, got == 0);
		if (n || got == 0)
			break; /* else only a partial escape so far: read on */
	}
	hist_push(s, buffer, n);
	s->fed += n;
	*size_read = n;
	return 1;
}

static int stream_init(vakt_doc_stream *s, const char *name, const vakt_doc_limits *lim)
{
	s->name = xstrdup(name);
	s->lim = lim ? *lim : vakt_doc_default_limits;
	s->hist = xmalloc(HIST_MAX);
	vakt_arena_init(&s->arena, 0);
	if (!yaml_parser_initialize(&s->parser))
		vakt_oom();
	yaml_parser_set_input(&s->parser, read_handler, s);
	return 0;
}

int vakt_doc_stream_open_fd(int fd, const char *name, const vakt_doc_limits *lim,
			    vakt_doc_stream **ret, vakt_error **err)
{
	(void)err;
	vakt_doc_stream *s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	stream_init(s, name, lim);
	*ret = s;
	return 0;
}

int vakt_doc_stream_open_mem(const void *data, size_t len, const char *name,
			     const vakt_doc_limits *lim, vakt_doc_stream **ret, vakt_error **err)
{
	(void)err;
	vakt_doc_stream *s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->mem = data ? data : (const unsigned char *)"";
	s->mem_len = len;
	stream_init(s, name, lim);
	*ret = s;
	return 0;
}

vakt_arena *vakt_doc_stream_arena(vakt_doc_stream *s)
{
	return &s->arena;
}

size_t vakt_doc_stream_bytes(const vakt_doc_stream *s)
{
	return s->fed;
}

/* ---- anchors ----------------------------------------------------------------------------- */

static uint64_t hash_str(const char *p)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* Forget all anchors. The cost follows what the document used, not the largest table
 * ever needed: a big table left by an earlier document is freed, not cleared. */
static void anchors_clear(vakt_doc_stream *s)
{
	if (s->anchors_cap > 4 * s->nanchors + 64) {
		free(s->anchors);
		s->anchors = NULL;
		s->anchors_cap = 0;
	} else if (s->nanchors) {
		memset(s->anchors, 0, s->anchors_cap * sizeof(*s->anchors));
	}
	s->nanchors = 0;
}

static void anchor_put(vakt_doc_stream *s, const char *name, vakt_node *node, uint64_t dec);

static void anchors_grow(vakt_doc_stream *s)
{
	anchor_ent *old = s->anchors;
	size_t oldcap = s->anchors_cap;
	s->anchors_cap = oldcap ? oldcap * 2 : 64;
	s->anchors = xcalloc(s->anchors_cap, sizeof(*s->anchors));
	s->nanchors = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].name)
			anchor_put(s, old[i].name, old[i].node, old[i].dec);
	free(old);
}

/* Register (or redefine, as YAML allows) an anchor. name must live in the arena. */
static void anchor_put(vakt_doc_stream *s, const char *name, vakt_node *node, uint64_t dec)
{
	if ((s->nanchors + 1) * 2 > s->anchors_cap)
		anchors_grow(s);
	size_t mask = s->anchors_cap - 1;
	for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
		if (!s->anchors[i].name) {
			s->anchors[i].name = name;
			s->anchors[i].node = node;
			s->anchors[i].dec = dec;
			s->nanchors++;
			return;
		}
		if (strcmp(s->anchors[i].name, name) == 0) {
			s->anchors[i].node = node;
			s->anchors[i].dec = dec;
			return;
		}
	}
}

static const anchor_ent *anchor_get(const vakt_doc_stream *s, const char *name)
{
	if (!s->anchors_cap)
		return NULL;
	size_t mask = s->anchors_cap - 1;
	for (size_t i = hash_str(name) & mask; s->anchors[i].name; i = (i + 1) & mask)
		if (strcmp(s->anchors[i].name, name) == 0)
			return &s->anchors[i];
	return NULL;
}

/* ---- building ---------------------------------------------------------------------------- */

static int parse_error(vakt_doc_stream *s, vakt_error **err)
{
	yaml_parser_t *p = &s->parser;
	char size[32];
	switch (s->stop) {
	case STOP_FILE_LIMIT:
		return vakt_error_set_at(err, VAKT_E_LIMIT, s->name, 0, 0,
					 "file is larger than the %s limit",
					 vakt_size_str(s->lim.max_file_bytes, size, sizeof(size)));
	case STOP_DOC_LIMIT:
		return vakt_error_set_at(err, VAKT_E_LIMIT, s->name, s->doc.line, 0,
					 "document is larger than the %s limit",
					 vakt_size_str(s->lim.max_doc_bytes, size, sizeof(size)));
	case STOP_IO:
		return vakt_error_set_at(err, VAKT_E_IO, s->name, 0, 0, "read error: %s",
					 strerror(s->io_errno));
	case STOP_NONE:
	default:
		break;
	}
	const char *problem = p->problem ? p->problem : "syntax error";
	size_t nl = strlen(s->name);
	/* JSON is read by the YAML parser; name the format the user wrote */
	const char *what = nl > 5 && strcmp(s->name + nl - 5, ".json") == 0 ? "JSON" : "YAML";
	if (p->error == YAML_READER_ERROR) {
		unsigned line = 0, col = 0;
		hist_locate(s, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return vakt_error_set_at(err, VAKT_E_PARSE, s->name, line, col,
						 "not valid YAML or JSON text: %s (byte 0x%02x at offset %zu)",
						 problem, (unsigned)p->problem_value & 0xff,
						 p->problem_offset);
		return vakt_error_set_at(err, VAKT_E_PARSE, s->name, line, col,
					 "not valid YAML or JSON text: %s (offset %zu)", problem,
					 p->problem_offset);
	}
	if (p->error == YAML_MEMORY_ERROR)
		vakt_oom();
	unsigned line = (unsigned)p->problem_mark.line + 1, col = (unsigned)p->problem_mark.column + 1;
	if (p->context)
		return vakt_error_set_at(err, VAKT_E_PARSE, s->name, line, col,
					 "invalid %s: %s %s (line %zu)", what, problem, p->context,
					 p->context_mark.line + 1);
	return vakt_error_set_at(err, VAKT_E_PARSE, s->name, line, col, "invalid %s: %s", what, problem);
}

static vakt_node *new_node(vakt_doc_stream *s, vakt_node_type type, const yaml_mark_t *m,
			   const yaml_char_t *tag)
{
	vakt_node *n = vakt_arena_alloc(&s->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)type;
	n->line = m->line + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(m->line + 1);
	n->col = m->column + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(m->column + 1);
	n->tag = tag ? vakt_arena_strdup(&s->arena, (const char *)tag) : NULL;
	return n;
}

static int count_node(vakt_doc_stream *s, const yaml_mark_t *m, vakt_error **err)
{
	if (++s->doc.nodes > s->lim.max_nodes)
		return vakt_error_set_at(err, VAKT_E_LIMIT, s->name, (unsigned)m->line + 1,
					 (unsigned)m->column + 1,
					 "document has more than %zu nodes (aliases included)",
					 s->lim.max_nodes);
	return 0;
}

/* ---- aliasing, as Kubernetes' YAML decoder limits it ------------------------------------
 * sigs.k8s.io/yaml decodes with go-yaml v2, which counts every node it decodes (an alias
 * decodes its anchor's whole subtree again) and rejects a document as "excessive
 * aliasing" when the share of nodes decoded through aliases passes a ratio that falls from
 * 0.99 to 0.10 between 400,000 and 4,000,000 decoded nodes. vakt keeps the same two
 * counters while it parses (an alias costs O(1): its anchor's decode count is known) and
 * rejects the same documents, so nothing it accepts expands past about two million
 * nodes, and nothing Kubernetes accepts is refused. The counters follow go-yaml's rules:
 * a merge key `<<` is not decoded itself, nor is the sequence after it. */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) || r > ((uint64_t)1 << 62) ? (uint64_t)1 << 62 : r;
}

/* go-yaml v2's allowedAliasRatio() and its test in decoder.unmarshal(). */
static bool excessive_aliasing(uint64_t dec, uint64_t ali)
{
	if (ali <= 100 || dec <= 1000)
		return false;
	double allowed = dec <= 400000    ? 0.99
			 : dec >= 4000000 ? 0.10
					  : 0.99 - 0.89 * ((double)(dec - 400000) / 3600000.0);
	return (double)ali / (double)dec > allowed;
}

static int aliasing_error(vakt_doc_stream *s, const yaml_mark_t *m, vakt_error **err)
{
	return vakt_error_set_at(err, VAKT_E_LIMIT, s->name, (unsigned)m->line + 1,
				 (unsigned)m->column + 1,
				 "document contains excessive aliasing (Kubernetes' YAML decoder "
				 "rejects it too)");
}

/* One more node decoded outside any alias. */
static int decode_one(vakt_doc_stream *s, const yaml_mark_t *m, vakt_error **err)
{
	s->dec = sat_add(s->dec, 1);
	return excessive_aliasing(s->dec, s->ali) ? aliasing_error(s, m, err) : 0;
}

/* Is the next child of the open collection the value of a merge key `<<`? */
static bool at_merge_value(const vakt_doc_stream *s)
{
	if (!s->nframes)
		return false;
	const frame *f = &s->frames[s->nframes - 1];
	size_t pos = s->nchildren - f->first;
	return f->node->type == VAKT_NODE_MAP && pos % 2 == 1 &&
	       vakt_node_is_merge_key(s->children[s->nchildren - 1]);
}

/* Is the next child of the open collection a key (which `<<` may be)? */
static bool at_map_key(const vakt_doc_stream *s)
{
	if (!s->nframes)
		return false;
	const frame *f = &s->frames[s->nframes - 1];
	return f->node->type == VAKT_NODE_MAP && (s->nchildren - f->first) % 2 == 0;
}

/* A finished node goes to its parent collection, or becomes the root. */
static void attach(vakt_doc_stream *s, vakt_node *n)
{
	if (s->nframes == 0) {
		s->doc.root = n;
		return;
	}
	if (s->nchildren == s->children_cap) {
		s->children_cap = s->children_cap ? s->children_cap * 2 : 256;
		s->children = xreallocarray(s->children, s->children_cap, sizeof(*s->children));
	}
	s->children[s->nchildren++] = n;
}

static void register_anchor(vakt_doc_stream *s, const yaml_char_t *anchor, vakt_node *n,
			    uint64_t dec)
{
	if (anchor)
		anchor_put(s, vakt_arena_strdup(&s->arena, (const char *)anchor), n, dec);
}

static int open_collection(vakt_doc_stream *s, yaml_event_t *e, vakt_node_type type,
			   vakt_error **err)
{
	const yaml_char_t *tag = type == VAKT_NODE_MAP ? e->data.mapping_start.tag
						       : e->data.sequence_start.tag;
	const yaml_char_t *anchor = type == VAKT_NODE_MAP ? e->data.mapping_start.anchor
							  : e->data.sequence_start.anchor;
	if (s->nframes >= s->lim.max_depth)
		return vakt_error_set_at(err, VAKT_E_LIMIT, s->name, (unsigned)e->start_mark.line + 1,
					 (unsigned)e->start_mark.column + 1,
					 "nesting is deeper than %u levels", s->lim.max_depth);
	int r = count_node(s, &e->start_mark, err);
	if (r < 0)
		return r;
	uint64_t dec_open = s->dec;
	/* go-yaml merges a sequence after `<<` item by item, never decoding the sequence */
	if (!(type == VAKT_NODE_SEQ && at_merge_value(s)) && (r = decode_one(s, &e->start_mark, err)) < 0)
		return r;
	if (s->nframes == s->frames_cap) {
		s->frames_cap = s->frames_cap ? s->frames_cap * 2 : 32;
		s->frames = xreallocarray(s->frames, s->frames_cap, sizeof(*s->frames));
	}
	frame *f = &s->frames[s->nframes++];
	f->node = new_node(s, type, &e->start_mark, tag);
	f->first = s->nchildren;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->dec_open = dec_open;
	return 0;
}

/* go-yaml fails a whole document whose `<<` does not name a mapping or a list of them. */
static int check_merges(vakt_doc_stream *s, const vakt_node *map, vakt_error **err)
{
	for (size_t i = 0; i < map->map.n; i++) {
		const vakt_pair *p = &map->map.pairs[i];
		if (!vakt_node_is_merge_key(p->key))
			continue;
		const vakt_node *v = p->value;
		bool ok = v->type == VAKT_NODE_MAP;
		if (v->type == VAKT_NODE_SEQ) {
			ok = true;
			for (size_t j = 0; j < v->seq.n; j++)
				ok &= v->seq.items[j]->type == VAKT_NODE_MAP;
		}
		if (!ok)
			return vakt_error_set_at(err, VAKT_E_INVALID, s->name, p->key->line, p->key->col,
						 "a merge key (<<) needs a mapping or a list of mappings");
	}
	return 0;
}

static int close_collection(vakt_doc_stream *s, vakt_error **err)
{
	frame *f = &s->frames[--s->nframes];
	vakt_node *n = f->node;
	size_t count = s->nchildren - f->first;
	/* children is NULL until the first child anywhere: no pointer arithmetic on it then */
	vakt_node **items = count ? s->children + f->first : NULL;
	if (n->type == VAKT_NODE_MAP) {
		n->map.n = count / 2; /* libyaml guarantees key/value pairs */
		n->map.pairs = vakt_arena_calloc(&s->arena, n->map.n ? n->map.n : 1, sizeof(vakt_pair));
		for (size_t i = 0; i < n->map.n; i++) {
			n->map.pairs[i].key = items[2 * i];
			n->map.pairs[i].value = items[2 * i + 1];
		}
	} else {
		n->seq.n = count;
		n->seq.items = vakt_arena_calloc(&s->arena, count ? count : 1, sizeof(vakt_node *));
		if (count)
			memcpy(n->seq.items, items, count * sizeof(vakt_node *));
	}
	s->nchildren = f->first;
	char *anchor = f->anchor;
	f->anchor = NULL;
	int r = n->type == VAKT_NODE_MAP ? check_merges(s, n, err) : 0;
	if (r >= 0 && anchor)
		register_anchor(s, (const yaml_char_t *)anchor, n, s->dec - f->dec_open);
	free(anchor);
	if (r >= 0)
		attach(s, n);
	return r;
}

static void reset_document(vakt_doc_stream *s)
{
	for (size_t i = 0; i < s->nframes; i++)
		free(s->frames[i].anchor);
	s->nframes = 0;
	s->nchildren = 0;
	anchors_clear(s);
	vakt_arena_reset(&s->arena);
	unsigned index = s->doc.index;
	bool had = s->doc.line != 0;
	memset(&s->doc, 0, sizeof(s->doc));
	s->doc.index = had ? index + 1 : 0;
	s->dec = 1; /* go-yaml decodes the document node itself */
	s->ali = 0;
}

/* Handle one event; 1 when a document is complete, 2 at stream end, 0 to go on. */
static int handle_event(vakt_doc_stream *s, yaml_event_t *e, vakt_error **err)
{
	int r;
	switch (e->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_NO_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 2;
	case YAML_DOCUMENT_START_EVENT:
		s->doc.line = (unsigned)e->start_mark.line + 1;
		s->doc_start = s->fed;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	case YAML_MAPPING_START_EVENT:
		return open_collection(s, e, VAKT_NODE_MAP, err);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(s, e, VAKT_NODE_SEQ, err);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return close_collection(s, err);
	case YAML_SCALAR_EVENT: {
		r = count_node(s, &e->start_mark, err);
		if (r < 0)
			return r;
		vakt_node *n = new_node(s, VAKT_NODE_SCALAR, &e->start_mark, e->data.scalar.tag);
		n->style = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? VAKT_SCALAR_PLAIN
									     : VAKT_SCALAR_QUOTED;
		n->scalar.len = e->data.scalar.length;
		n->scalar.str = vakt_arena_strndup(&s->arena, (const char *)e->data.scalar.value,
						   e->data.scalar.length);
		/* go-yaml does not decode a merge key itself */
		if (!(at_map_key(s) && vakt_node_is_merge_key(n)) &&
		    (r = decode_one(s, &e->start_mark, err)) < 0)
			return r;
		register_anchor(s, e->data.scalar.anchor, n, 1);
		attach(s, n);
		return 0;
	}
	case YAML_ALIAS_EVENT: {
		r = count_node(s, &e->start_mark, err);
		if (r < 0)
			return r;
		const anchor_ent *a = anchor_get(s, (const char *)e->data.alias.anchor);
		if (!a)
			return vakt_error_set_at(err, VAKT_E_PARSE, s->name,
						 (unsigned)e->start_mark.line + 1,
						 (unsigned)e->start_mark.column + 1,
						 "alias *%s refers to no complete anchor before it",
						 (const char *)e->data.alias.anchor);
		/* the alias node, then its anchor's subtree again, every node of it through the
		 * alias; within an expansion the ratio only grows, so checking at its end is
		 * checking at every node */
		if ((r = decode_one(s, &e->start_mark, err)) < 0)
			return r;
		s->dec = sat_add(s->dec, a->dec);
		s->ali = sat_add(s->ali, a->dec);
		if (excessive_aliasing(s->dec, s->ali))
			return aliasing_error(s, &e->start_mark, err);
		/* not expanded: a second reference to the same node */
		attach(s, a->node);
		return 0;
	}
	default:
		return 0;
	}
}

int vakt_doc_stream_next(vakt_doc_stream *s, vakt_doc **ret, vakt_error **err)
{
	if (s->finished)
		return 0;
	reset_document(s);
	for (;;) {
		yaml_event_t e;
		if (!yaml_parser_parse(&s->parser, &e)) {
			s->finished = true;
			return parse_error(s, err);
		}
		int r = handle_event(s, &e, err);
		yaml_event_delete(&e);
		if (r < 0) {
			s->finished = true;
			return r;
		}
		if (r == 1) {
			*ret = &s->doc;
			return 1;
		}
		if (r == 2) {
			s->finished = true;
			return 0;
		}
	}
}

vakt_doc_stream *vakt_doc_stream_free(vakt_doc_stream *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nframes; i++)
		free(s->frames[i].anchor);
	yaml_parser_delete(&s->parser);
	vakt_arena_destroy(&s->arena);
	free(s->children);
	free(s->frames);
	free(s->anchors);
	free(s->hist);
	free(s->name);
	free(s);
	return NULL;
}

/* ---- reading nodes ----------------------------------------------------------------------- */

static bool tag_is(const vakt_node *n, const char *short_name)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	return n->tag && strncmp(n->tag, prefix, sizeof(prefix) - 1) == 0 &&
	       strcmp(n->tag + sizeof(prefix) - 1, short_name) == 0;
}

/* A plain scalar without a tag, or with the tag `want`: subject to resolution. */
static bool resolvable(const vakt_node *n, const char *want)
{
	if (!n || n->type != VAKT_NODE_SCALAR)
		return false;
	if (n->tag)
		return tag_is(n, want);
	return n->style == VAKT_SCALAR_PLAIN;
}

bool vakt_node_is_null(const vakt_node *n)
{
	if (!n)
		return true;
	if (!resolvable(n, "null"))
		return false;
	const char *v = n->scalar.str;
	return n->scalar.len == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static bool key_equals(const vakt_node *k, const char *key, size_t keylen)
{
	return k->type == VAKT_NODE_SCALAR && k->scalar.len == keylen &&
	       memcmp(k->scalar.str, key, keylen) == 0;
}

bool vakt_node_is_merge_key(const vakt_node *k)
{
	return k->type == VAKT_NODE_SCALAR && k->scalar.len == 2 && memcmp(k->scalar.str, "<<", 2) == 0 &&
	       (k->tag ? tag_is(k, "merge") : k->style == VAKT_SCALAR_PLAIN);
}

/* Merge chains are bounded: each merged mapping is an earlier anchor, so chains end, and
 * the aliasing limit bounds what they can expand to; the depth cap is a second fence. */
#define MERGE_DEPTH_MAX 16

/* A key's pair as Kubernetes' decoder (go-yaml v2, into a map) settles it: pairs apply in
 * document order and a later one overwrites an earlier one, so the last pair that sets the
 * key wins, whether it is the key itself or a `<<` merge that brings it. A merged list
 * applies its mappings last to first, so there the earliest mapping wins. */
static vakt_pair *lookup(const vakt_node *map, const char *key, size_t keylen, unsigned depth)
{
	if (!map || map->type != VAKT_NODE_MAP || depth > MERGE_DEPTH_MAX)
		return NULL;
	for (size_t i = map->map.n; i-- > 0;) {
		vakt_pair *p = &map->map.pairs[i];
		if (key_equals(p->key, key, keylen))
			return p;
		if (!vakt_node_is_merge_key(p->key))
			continue;
		const vakt_node *v = p->value;
		vakt_pair *found = NULL;
		if (v->type == VAKT_NODE_MAP) {
			found = lookup(v, key, keylen, depth + 1);
		} else if (v->type == VAKT_NODE_SEQ) {
			for (size_t j = 0; j < v->seq.n && !found; j++)
				found = lookup(v->seq.items[j], key, keylen, depth + 1);
		}
		if (found)
			return found;
	}
	return NULL;
}

vakt_node *vakt_node_get_pair(const vakt_node *map, const char *key, vakt_node **ret_key)
{
	vakt_pair *p = lookup(map, key, strlen(key), 0);
	if (ret_key)
		*ret_key = p ? p->key : NULL;
	if (!p || vakt_node_is_null(p->value))
		return NULL;
	return p->value;
}

vakt_node *vakt_node_get(const vakt_node *map, const char *key)
{
	return vakt_node_get_pair(map, key, NULL);
}

typedef struct rank_entry {
	const vakt_node *key;
	const vakt_node *value;
	size_t seq; /* when go-yaml assigns it: the highest wins */
} rank_entry;

typedef struct entry_vec {
	rank_entry *v;
	size_t n, cap;
	size_t seq;
	size_t budget;
} entry_vec;

/* Replay go-yaml's assignments into a map (see lookup()): pairs in order, a merged map's
 * own assignments where its `<<` stands, a merged list last to first. Each pair visited
 * costs one unit of budget. */
static void collect_entries(const vakt_node *map, unsigned depth, entry_vec *ev)
{
	if (!map || map->type != VAKT_NODE_MAP || depth > MERGE_DEPTH_MAX)
		return;
	for (size_t i = 0; i < map->map.n; i++) {
		if (ev->budget == 0)
			return;
		ev->budget--;
		const vakt_pair *p = &map->map.pairs[i];
		if (vakt_node_is_merge_key(p->key)) {
			const vakt_node *v = p->value;
			if (v->type == VAKT_NODE_SEQ) {
				for (size_t j = v->seq.n; j-- > 0;)
					collect_entries(v->seq.items[j], depth + 1, ev);
			} else {
				collect_entries(v, depth + 1, ev);
			}
			continue;
		}
		if (p->key->type != VAKT_NODE_SCALAR)
			continue;
		if (ev->n == ev->cap) {
			ev->cap = ev->cap ? ev->cap * 2 : 32;
			ev->v = xreallocarray(ev->v, ev->cap, sizeof(*ev->v));
		}
		ev->v[ev->n++] = (rank_entry){p->key, p->value, ev->seq++};
	}
}

static int cmp_rank_entry(const void *a, const void *b)
{
	const rank_entry *x = a, *y = b;
	size_t lx = x->key->scalar.len, ly = y->key->scalar.len;
	int c = memcmp(x->key->scalar.str, y->key->scalar.str, lx < ly ? lx : ly);
	if (c)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	/* the last assignment wins, so it sorts first */
	return x->seq > y->seq ? -1 : x->seq < y->seq ? 1 : 0;
}

bool vakt_node_map_entries(const vakt_node *map, size_t budget, vakt_map_entry **ret,
			   size_t *ret_n)
{
	entry_vec ev = {.budget = budget};
	collect_entries(map, 0, &ev);
	if (ev.n)
		qsort(ev.v, ev.n, sizeof(*ev.v), cmp_rank_entry);
	vakt_map_entry *out = xcalloc(ev.n ? ev.n : 1, sizeof(*out));
	size_t n = 0;
	for (size_t i = 0; i < ev.n; i++) {
		if (n && out[n - 1].key->scalar.len == ev.v[i].key->scalar.len &&
		    memcmp(out[n - 1].key->scalar.str, ev.v[i].key->scalar.str,
			   ev.v[i].key->scalar.len) == 0)
			continue; /* overwritten by a later assignment */
		out[n].key = ev.v[i].key;
		out[n++].value = ev.v[i].value;
	}
	free(ev.v);
	*ret = out;
	*ret_n = n;
	return ev.budget > 0;
}

vakt_bool_result vakt_node_bool(const vakt_node *n)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
					  "on",   "On",   "ON",   "y",   "Y"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO",
					 "off",   "Off",   "OFF",   "n",  "N"};
	if (!resolvable(n, "bool"))
		return VAKT_BOOL_INVALID;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(yes); i++)
		if (strcmp(n->scalar.str, yes[i]) == 0)
			return VAKT_BOOL_TRUE;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(no); i++)
		if (strcmp(n->scalar.str, no[i]) == 0)
			return VAKT_BOOL_FALSE;
	return VAKT_BOOL_INVALID;
}

/* Parse like Go's strconv.ParseInt(s, 0, 64) after go-yaml removed '_'. */
static bool parse_int(const char *str, size_t len, int64_t *ret)
{
	char tmp[80];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (str[i] == '_')
			continue;
		if (n + 1 >= sizeof(tmp))
			return false;
		tmp[n++] = str[i];
	}
	tmp[n] = '\0';
	const char *p = tmp;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*ret = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*ret = (int64_t)v;
	}
	return true;
}

static bool parse_float(const char *s, double *ret)
{
	if (!*s || strchr(s, '_'))
		return false;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (*end || errno)
		return false;
	/* YAML floats only: no hex floats, inf or nan spelled the C way */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return false;
	*ret = d;
	return true;
}

bool vakt_node_int64(const vakt_node *n, int64_t *ret)
{
	if (!n || n->type != VAKT_NODE_SCALAR)
		return false;
	if (!(n->tag ? tag_is(n, "int") || tag_is(n, "float") : n->style == VAKT_SCALAR_PLAIN))
		return false;
	if (parse_int(n->scalar.str, n->scalar.len, ret))
		return true;
	/* sigs.k8s.io/yaml turns a float into JSON without a fraction when it has none,
	 * so `1000.0` and `1e3` reach an int64 field as 1000 */
	double d;
	if (parse_float(n->scalar.str, &d) && d == floor(d) && d >= -9.2e18 && d <= 9.2e18) {
		*ret = (int64_t)d;
		return true;
	}
	return false;
}

const char *vakt_node_str(const vakt_node *n)
{
	return n && n->type == VAKT_NODE_SCALAR ? n->scalar.str : NULL;
}

bool vakt_node_is_stringy(const vakt_node *n)
{
	return n && n->type == VAKT_NODE_SCALAR && !vakt_node_is_null(n);
}

const char *vakt_node_kind_name(const vakt_node *n)
{
	if (!n || vakt_node_is_null(n))
		return "null";
	if (n->type == VAKT_NODE_MAP)
		return "mapping";
	if (n->type == VAKT_NODE_SEQ)
		return "sequence";
	if (vakt_node_bool(n) != VAKT_BOOL_INVALID)
		return "boolean";
	int64_t i;
	double d;
	if (resolvable(n, "int") && parse_int(n->scalar.str, n->scalar.len, &i))
		return "integer";
	if (resolvable(n, "float") && parse_float(n->scalar.str, &d))
		return "number";
	return "string";
}

static size_t count_expanded(const vakt_node *n, size_t budget, size_t used)
{
	if (used > budget)
		return used;
	used++;
	if (n->type == VAKT_NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n && used <= budget; i++)
			used = count_expanded(n->seq.items[i], budget, used);
	} else if (n->type == VAKT_NODE_MAP) {
		for (size_t i = 0; i < n->map.n && used <= budget; i++) {
			used = count_expanded(n->map.pairs[i].key, budget, used);
			used = count_expanded(n->map.pairs[i].value, budget, used);
		}
	}
	return used;
}

size_t vakt_node_count_expanded(const vakt_node *n, size_t budget)
{
	if (!n)
		return 0;
	size_t used = count_expanded(n, budget, 0);
	return used > budget ? budget + 1 : used;
}
