/* stream.c - an image arriving on stdin: `docker save app | vakt image -`.
 *
 * A pipe is read once, in the order its writer chose: docker save writes the layers
 * before manifest.json, and an OCI archive may put index.json anywhere. So the archive
 * is read in one pass and the decisions come after it:
 *
 *   - small JSON members (index, manifests, configs, a legacy layer's json) are kept in
 *     memory, in a store like the one over an archive file (store.c), so resolving the
 *     image is the same code as for a file;
 *   - every member that looks like a layer (gzip or zstd magic, or a tar header) is read
 *     as it streams by into a record: each entry's type, raw path, link, mode and size,
 *     front-coded (a few bytes per entry: a million entries take about 20 MB), plus the
 *     content of the files the inventory wants;
 *   - anything else is skipped.
 *
 * When the archive ends, the manifest names the image's layers, and their records are
 * replayed in order through scan_apply_entry, the code that applies a layer read from a
 * file: overlay semantics, warnings and per-layer package attribution are the same. A
 * layer that failed to read only matters if the image uses it (an archive may hold other
 * images); a decompression bomb stops the stream at once. Everything kept counts against
 * STREAM_MAX_KEPT; nothing is written to disk.
 *
 * What differs from a file: which content is worth keeping is decided as a layer goes
 * by, and a pipe cannot be read again (image.c's scan_layer_again), so content that only
 * becomes wanted after it went by (the target of a later hard link, a file below a
 * directory that a later link makes wanted) is not kept, and the inventory says so.
 */
#include "image/scan.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define STREAM_MAX_KEPT (1ULL << 30) /* records, kept files and JSON, the whole archive */
#define PEEK_LEN 512                 /* one tar header: enough to tell a layer from JSON */

typedef struct layer_rec {
	vakt_buf enc;     /* the entries, encoded by put_entry */
	char **bodies;    /* kept contents, in entry order (NULL where a kept file had none) */
	size_t nbodies;
	uint64_t size;    /* bytes of the member */
	vakt_compression comp;
	bool truncated;   /* the layer's tar ended without its end marker */
	bool verified;    /* digest holds the SHA-256 of the member's bytes */
	char digest[72];
	vakt_error *err;  /* reading the layer failed: raised if the image uses it */
	struct layer_rec *next;
} layer_rec;

typedef struct stream {
	scan *s;
	vakt_src *in;
	vakt_store *store;
	layer_rec *recs; /* every layer-like member, the last one first */
	uint64_t kept;   /* bytes held, against STREAM_MAX_KEPT */
} stream;

static layer_rec *rec_free(layer_rec *r)
{
	layer_rec *next = r->next;
	vakt_buf_free(&r->enc);
	for (size_t i = 0; i < r->nbodies; i++)
		free(r->bodies[i]);
	free(r->bodies);
	vakt_error_free(r->err);
	free(r);
	return next;
}

/* Count n more bytes held in memory; VAKT_E_LIMIT past STREAM_MAX_KEPT. */
static int keep_bytes(stream *st, uint64_t n, vakt_error **err)
{
	st->kept += n;
	if (st->kept <= STREAM_MAX_KEPT)
		return 0;
	char lim[32];
	return vakt_error_set(err, VAKT_E_LIMIT,
			      "-: the image on stdin needs more than %s of metadata in memory; save it to a file (docker save -o) and scan that",
			      vakt_size_str(STREAM_MAX_KEPT, lim, sizeof(lim)));
}

/* ---- what a member is ------------------------------------------------------------------- */

typedef enum member_kind { M_OTHER, M_JSON, M_LAYER } member_kind;

/* A tar header: the checksum at 148 (octal, space or NUL terminated) matches the sum of
 * the block's bytes with that field counted as spaces. An all-zero block (an empty tar,
 * which is what an empty layer is) counts too. */
static bool looks_like_tar(const unsigned char *p, size_t n)
{
	if (n < 512)
		return false;
	bool zero = true;
	uint64_t sum = 0;
	for (size_t i = 0; i < 512; i++) {
		zero = zero && p[i] == 0;
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	}
	if (zero)
		return true;
	uint64_t want = 0;
	size_t i = 148;
	while (i < 156 && p[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++, digits++)
		want = want * 8 + (uint64_t)(p[i] - '0');
	return digits > 0 && want == sum;
}

static member_kind classify(const unsigned char *p, size_t n, uint64_t size)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return M_LAYER;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return M_LAYER;
	if (looks_like_tar(p, n))
		return M_LAYER;
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (size <= VAKT_STORE_MAX_JSON && (n == 0 || (i < n && (p[i] == '{' || p[i] == '['))))
		return M_JSON; /* an empty member too: reading it then gives a JSON error */
	return M_OTHER;
}

/* ---- the record of a layer --------------------------------------------------------------- */

static void put_varint(vakt_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;
	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	vakt_buf_append_fast(b, tmp, n);
}

typedef struct cursor {
	const unsigned char *p, *end;
} cursor;

/* The record was written by this file, so a bad one is a bug: abort rather than guess. */
static uint64_t get_varint(cursor *c)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end)
			abort();
		unsigned char b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	abort();
}

static const char *get_bytes(cursor *c, size_t n)
{
	if ((size_t)(c->end - c->p) < n)
		abort();
	const char *r = (const char *)c->p;
	c->p += n;
	return r;
}

enum { REC_BODY = 1 };

/* Append entry e (path front-coded against the previous one, prev/prevlen) and return
 * the bytes it took. */
static size_t put_entry(layer_rec *r, const vakt_tar_entry *e, bool body, char *prev,
			size_t *prevlen)
{
	size_t before = r->enc.len;
	size_t pl = strlen(e->path), shared = 0;
	while (shared < pl && shared < *prevlen && prev[shared] == e->path[shared])
		shared++;
	unsigned char head[3] = {(unsigned char)e->type, (unsigned char)e->typeflag,
				 (unsigned char)(body ? REC_BODY : 0)};
	vakt_buf_append_fast(&r->enc, head, sizeof(head));
	put_varint(&r->enc, e->mode);
	put_varint(&r->enc, e->size);
	put_varint(&r->enc, shared);
	put_varint(&r->enc, pl - shared);
	vakt_buf_append_fast(&r->enc, e->path + shared, pl - shared);
	size_t ll = strlen(e->link);
	put_varint(&r->enc, ll);
	vakt_buf_append_fast(&r->enc, e->link, ll);
	memcpy(prev, e->path, pl + 1); /* pl <= VAKT_TAR_MAX_PATH: the tar reader's limit */
	*prevlen = pl;
	return r->enc.len - before;
}

/* Read the layer's tar from top into r, keeping the content of the files the inventory
 * wants (as far as is known now: see the top of the file). */
static int record_layer(stream *st, vakt_src *top, layer_rec *r, vakt_error **err)
{
	vakt_tar *t = vakt_tar_new(top);
	const vakt_tar_entry *e;
	char prev[VAKT_TAR_MAX_PATH + 1] = "", clean[VAKT_TAR_MAX_PATH + 1];
	size_t prevlen = 0;
	size_t cap = 0;
	int ret;
	while ((ret = vakt_tar_next(t, &e, err)) > 0) {
		char *body = NULL;
		bool want_body = false;
		if (e->type == VAKT_TAR_REG || e->type == VAKT_TAR_SYMLINK) {
			unsigned fl = vakt_tar_clean_path(e->path, clean, sizeof(clean));
			size_t max = 0;
			if (fl & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY))
				;
			else if (e->type == VAKT_TAR_SYMLINK)
				scan_note_symlink(st->s, clean, e->link);
			else if ((max = scan_wanted_size(st->s, clean)) && e->size <= max)
				want_body = true;
		}
		if (want_body) {
			ret = keep_bytes(st, e->size + 1, err);
			if (ret < 0)
				break;
			body = xmalloc((size_t)e->size + 1);
			size_t got = 0;
			ret = vakt_tar_read(t, body, (size_t)e->size, &got, err);
			if (ret >= 0 && got != e->size)
				ret = vakt_error_set(err, VAKT_E_PARSE, "%s: the body of %s ends early",
						     vakt_src_name(top), e->path);
			if (ret < 0) {
				free(body);
				break;
			}
			body[e->size] = '\0';
			if (r->nbodies == cap) {
				cap = cap ? cap * 2 : 16;
				r->bodies = xreallocarray(r->bodies, cap, sizeof(*r->bodies));
			}
			r->bodies[r->nbodies++] = body;
		}
		ret = keep_bytes(st, put_entry(r, e, want_body, prev, &prevlen), err);
		if (ret < 0)
			break;
	}
	r->truncated = vakt_tar_truncated(t);
	vakt_tar_free(t);
	return ret < 0 ? ret : 0;
}

/* A layer-like member on top (owned): decompress, record, and with --verify-digests
 * hash it to the end. Errors other than a limit stay in the record. */
static int read_layer(stream *st, vakt_src *top, vakt_src *digest, layer_rec *r, vakt_error **err)
{
	vakt_error *lerr = NULL;
	int ret = vakt_src_decompress(top, &st->s->budget, &top, &r->comp, &lerr);
	if (ret >= 0)
		ret = record_layer(st, top, r, &lerr);
	if (ret >= 0 && digest) {
		/* every byte must be hashed: the rest of the compressed stream, then of the
		 * member (a decompressor stops at its end, the tar reader at its marker) */
		ret = vakt_src_skip_to_end(top, NULL, &lerr);
		if (ret >= 0 && top != digest)
			ret = vakt_src_skip_to_end(digest, NULL, &lerr);
		if (ret >= 0)
			ret = vakt_src_digest_final(digest, r->digest, &lerr);
		r->verified = ret >= 0;
	}
	vakt_src_free(top);
	if (ret == VAKT_E_LIMIT && (st->s->budget.left == 0 || st->kept > STREAM_MAX_KEPT)) {
		/* a bomb or too much to keep: stop now rather than read on (a limit of one
		 * entry, such as an oversized pax header, stays with the layer) */
		*err = lerr;
		return ret;
	}
	r->err = lerr;
	return 0;
}

/* One member of the outer archive. */
static int read_member(stream *st, const vakt_tar_entry *e, vakt_error **err)
{
	scan *s = st->s;
	if (e->type != VAKT_TAR_REG)
		return vakt_store_add(st->store, e, NULL, NULL, err); /* links; the rest ignored */
	char *label = xasprintf("-: %s", e->path);
	vakt_src *sub = vakt_src_sub(st->in, e->size, label);
	free(label);
	vakt_src *digest = s->opt->verify_digests ? vakt_src_digest(sub) : NULL;
	vakt_src *top = digest ? digest : sub;
	const void *peek;
	size_t got = 0;
	int r = vakt_src_peek(top, PEEK_LEN, &peek, &got, err);
	if (r < 0) {
		vakt_src_free(top);
		return r;
	}
	switch (classify(peek, got, e->size)) {
	case M_JSON: {
		r = keep_bytes(st, e->size + 1, err);
		char *data = r < 0 ? NULL : xmalloc((size_t)e->size + 1);
		if (data)
			r = vakt_src_read_full(top, data, (size_t)e->size, err);
		vakt_src_free(top);
		if (r < 0) {
			free(data);
			return r;
		}
		data[e->size] = '\0';
		return vakt_store_add(st->store, e, data, NULL, err);
	}
	case M_LAYER: {
		layer_rec *rec = xcalloc(1, sizeof(*rec));
		vakt_buf_init(&rec->enc, SIZE_MAX);
		rec->size = e->size;
		rec->next = st->recs;
		st->recs = rec;
		r = read_layer(st, top, digest, rec, err);
		if (r < 0)
			return r;
		return vakt_store_add(st->store, e, NULL, rec, err);
	}
	case M_OTHER:
	default:
		vakt_src_free(top); /* the outer reader skips the body */
		return vakt_store_add(st->store, e, NULL, NULL, err);
	}
}

/* ---- after the archive: the image ---------------------------------------------------------- */

/* Apply record r as layer li, in its original order. */
static int replay(scan *s, const layer_rec *r, size_t li, vakt_error **err)
{
	cursor c = {(const unsigned char *)r->enc.data, (const unsigned char *)r->enc.data + r->enc.len};
	char path[VAKT_TAR_MAX_PATH + 1], link[VAKT_TAR_MAX_PATH + 1];
	size_t nbody = 0, plen = 0;
	layer_stats lst = {0};
	while (c.p < c.end) {
		const unsigned char *head = (const unsigned char *)get_bytes(&c, 3);
		vakt_tar_entry e = {.type = (vakt_tar_type)head[0], .typeflag = (char)head[1]};
		e.mode = (uint32_t)get_varint(&c);
		e.size = get_varint(&c);
		size_t shared = (size_t)get_varint(&c), rest = (size_t)get_varint(&c);
		if (shared > plen || shared + rest > VAKT_TAR_MAX_PATH)
			abort();
		memcpy(path + shared, get_bytes(&c, rest), rest);
		plen = shared + rest;
		path[plen] = '\0';
		size_t ll = (size_t)get_varint(&c);
		if (ll > VAKT_TAR_MAX_PATH)
			abort();
		memcpy(link, get_bytes(&c, ll), ll);
		link[ll] = '\0';
		e.path = path;
		e.link = link;
		char *body = NULL;
		if (head[2] & REC_BODY) {
			if (nbody >= r->nbodies)
				abort();
			/* a copy: an image may use the same layer twice */
			const char *b = r->bodies[nbody++];
			body = xmalloc((size_t)e.size + 1);
			memcpy(body, b, (size_t)e.size + 1);
		}
		int ret = scan_apply_entry(s, NULL, &e, body, (int)li, &lst, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int scan_plan_layers(stream *st, const vakt_plan *plan, vakt_error **err)
{
	scan *s = st->s;
	vakt_image *img = s->img;
	for (size_t i = 0; i < plan->nlayers; i++) {
		scan_set_where(s, i);
		const char *name = plan->layers[i].name;
		const layer_rec *r = vakt_store_tag(st->store, name);
		if (!r) {
			if (!vakt_store_has(st->store, name))
				return vakt_error_set(err, VAKT_E_NOTFOUND, "-: %s: no member %s", s->where, name);
			return vakt_error_set(err, VAKT_E_INVALID,
					      "-: %s: %s is not a tar archive (nor gzip or zstd)", s->where, name);
		}
		if (r->err) {
			/* the record keeps its error (a layer may be used twice): copy it */
			vakt_error_set(err, r->err->code, "%s", r->err->msg);
			return vakt_error_wrap(err, "-: %s", s->where);
		}
		vakt_image_layer *L = &img->layers[i];
		if (plan->layers[i].size && plan->layers[i].size != r->size)
			return vakt_error_set(err, VAKT_E_INVALID, "-: %s: the blob has %llu bytes, the manifest says %llu",
					      s->where, (unsigned long long)r->size,
					      (unsigned long long)plan->layers[i].size);
		L->size = r->size;
		L->compression = vakt_compression_name(r->comp);
		const char *want = plan->layers[i].digest ? plan->layers[i].digest : L->diff_id;
		if (r->verified && want && strcmp(r->digest, want) != 0)
			return vakt_error_set(err, VAKT_E_INVALID,
					      "-: %s: does not match its digest: expected %s, the bytes hash to %s",
					      s->where, want, r->digest);
		int ret = replay(s, r, i, err);
		if (ret < 0)
			return vakt_error_wrap(err, "-: %s", s->where);
		if (r->truncated)
			scan_warn(s, s->where, 0, "the layer's tar ends without its end-of-archive marker");
		scan_after_layer(s, i);
	}
	vakt_files f = vakt_files_view(s->view);
	scan_finish_inventory(s, &f);
	return 0;
}

int scan_stream(scan *s, int fd, const char *tag, const vakt_platform *plat, vakt_error **err)
{
	stream st = {.s = s, .in = vakt_src_stream(fd, "-"), .store = vakt_store_new_streamed("-")};
	vakt_tar *t = vakt_tar_new(st.in);
	const vakt_tar_entry *e;
	int r;
	while ((r = vakt_tar_next(t, &e, err)) > 0) {
		r = read_member(&st, e, err);
		if (r < 0)
			break;
		scan_progress(s, 0, vakt_src_offset(st.in), false);
	}
	if (r >= 0 && vakt_tar_truncated(t))
		scan_warn(s, "-", 0, "the archive ends without its end-of-archive marker");
	vakt_tar_free(t);
	s->base_bytes = vakt_src_offset(st.in);
	if (r >= 0) {
		vakt_plan plan;
		r = vakt_plan_resolve(st.store, "-", tag, plat, s->opt->verify_digests, &plan, err);
		if (r >= 0) {
			r = scan_plan_setup(s, st.store, "-", &plan, err);
			if (r >= 0)
				r = scan_plan_layers(&st, &plan, err);
			vakt_plan_free(&plan);
		}
	}
	for (layer_rec *rec = st.recs; rec;)
		rec = rec_free(rec);
	vakt_store_free(st.store);
	vakt_src_free(st.in);
	return r < 0 ? r : 0;
}
