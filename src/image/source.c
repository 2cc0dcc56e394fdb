/* source.c - see source.h.
 *
 * One struct for every kind of source: a small table of operations (read, skip, free)
 * under a common layer that owns the caller-visible offset, a read-ahead buffer and a
 * few bytes of push-back.
 *
 *   - read-ahead (rbuf): small reads (a tar header, a short file body) are served from a
 *     buffer filled in one large operation; large reads go straight into the caller's
 *     buffer (one pread, one inflate call), so the bulk of the data is never copied by us.
 *     Sources that cannot skip for free (pipes, digests, decompressors) also skip through
 *     this buffer, so it doubles as their scratch space.
 *   - push-back (pb): vakt_src_decompress looks at the first bytes of a stream to pick a
 *     decompressor; when there is none, those bytes are handed back so nothing is lost.
 *     vakt_src_digest_final uses it the same way to probe for EOF.
 *
 * The operations may return fewer bytes than asked (0 only at EOF); the common layer
 * loops, so vakt_src_read returns a short count only at the end of the data.
 */
#include "image/source.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

/* Sizes: large enough that syscalls and decompressor calls are amortised over a lot of
 * data (the layer hot path), small enough to keep a dozen sources cheap. */
#define FILE_RBUF (4 * 1024)     /* read-ahead of a file window for small reads: a header
				  * and a short body in one pread (measured: 4 KiB walks a
				  * 6676-entry layer in 5.6 ms, 64 KiB in 7.6 ms) */
#define STREAM_RBUF (128 * 1024) /* a pipe: read-ahead, and the scratch for skips */
#define DIGEST_RBUF (128 * 1024) /* a digest: scratch for skips (they become reads) */
#define DEC_IN (256 * 1024)      /* compressed input read from inner at a time */
#define DEC_OUT (256 * 1024)     /* decompressed read-ahead, and the scratch for skips */
#define DEC_DIRECT (64 * 1024)   /* reads at least this large decompress in place */
#define PB_MAX 16

typedef struct src_ops {
	/* Read up to n (> 0) bytes into buf; *got == 0 only at EOF. */
	int (*read)(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err);
	/* Skip exactly n bytes below the buffers (the common layer has checked n against a
	 * known length), or NULL: skips read through rbuf. */
	int (*skip)(vakt_src *s, uint64_t n, vakt_error **err);
	/* Release what the kind owns (not the common parts). */
	void (*free)(vakt_src *s);
	const char *kind; /* for debugging */
} src_ops;

struct dec_state {
	vakt_src *inner;
	vakt_src_budget *budget;
	vakt_compression kind;
	unsigned char *in; /* DEC_IN bytes of compressed input */
	size_t in_pos, in_len;
	bool in_eof;      /* inner returned EOF */
	bool member_done; /* gzip: the current member ended (its CRC checked by zlib) */
	bool frame_done;  /* zstd: the last call ended a frame (or none was started) */
	z_stream z;
	ZSTD_DStream *zs;
};

struct vakt_src {
	const src_ops *ops;
	char *name;
	uint64_t off; /* bytes the caller consumed (read or skipped) */
	uint64_t len; /* bytes the caller can consume in total, or UINT64_MAX: unknown */
	bool eof;     /* the operations returned EOF (unknown-length sources) */
	bool seekable;
	/* read-ahead: [rpos, rlen) of rbuf are the next bytes; allocated on first use */
	unsigned char *rbuf;
	size_t rcap, rpos, rlen;
	size_t direct_min; /* reads at least this large bypass rbuf (0: always) */
	/* push-back: [pb_pos, pb_len) of pb come before anything in rbuf */
	unsigned char pb[PB_MAX];
	unsigned pb_pos, pb_len;
	union {
		struct {
			int fd;
			uint64_t base, pos; /* pos: next byte below the buffer, relative to base */
		} file;
		struct {
			int fd;
		} stream;
		struct {
			vakt_src *parent;
			uint64_t pos;
		} sub;
		struct {
			const unsigned char *data;
			uint64_t pos;
		} mem;
		struct {
			vakt_src *inner;
			EVP_MD_CTX *ctx;
			bool final;
			char hex[72];
		} dig;
		struct dec_state dec;
	} u;
};

static vakt_src *src_new(const src_ops *ops, const char *name, uint64_t len, size_t rcap,
			 size_t direct_min)
{
	vakt_src *s = xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->name = xstrdup(name && *name ? name : "input");
	s->len = len;
	s->rcap = rcap;
	s->direct_min = direct_min;
	return s;
}

static int truncated(vakt_src *s, uint64_t at, vakt_error **err)
{
	return vakt_error_set(err, VAKT_E_PARSE, "%s: truncated: the data ends at offset %" PRIu64,
			      s->name, at);
}

/* Put n bytes back in front of the unread data; they were just consumed by the caller
 * (so off >= n) and n + the bytes still pushed back fit in pb. */
static void src_unread(vakt_src *s, const void *p, size_t n)
{
	unsigned keep = s->pb_len - s->pb_pos;
	if (n == 0)
		return;
	if (n + keep > PB_MAX || n > s->off)
		abort(); /* a bug in this file, not an input problem */
	memmove(s->pb + n, s->pb + s->pb_pos, keep);
	memcpy(s->pb, p, n);
	s->pb_pos = 0;
	s->pb_len = (unsigned)(n + keep);
	s->off -= n;
}

/* ---- the common layer -------------------------------------------------------------- */

/* Refill rbuf (empty) from the operations; eof set when they have nothing more. */
static int src_fill(vakt_src *s, vakt_error **err)
{
	size_t got = 0;
	if (!s->rbuf) {
		if (!s->rcap)
			s->rcap = DIGEST_RBUF;
		s->rbuf = xmalloc(s->rcap);
	}
	s->rpos = s->rlen = 0;
	int r = s->ops->read(s, s->rbuf, s->rcap, &got, err);
	if (r < 0)
		return r;
	s->rlen = got;
	if (got == 0)
		s->eof = true;
	return 0;
}

int vakt_src_read(vakt_src *s, void *buf, size_t n, size_t *ret_got, vakt_error **err)
{
	unsigned char *out = buf;
	size_t done = 0;

	if (s->len != UINT64_MAX && n > s->len - s->off)
		n = (size_t)(s->len - s->off);
	if (s->pb_pos < s->pb_len && n) {
		size_t k = s->pb_len - s->pb_pos;
		if (k > n)
			k = n;
		memcpy(out, s->pb + s->pb_pos, k);
		s->pb_pos += (unsigned)k;
		done = k;
	}
	while (done < n) {
		size_t have = s->rlen - s->rpos;
		if (have) {
			size_t k = n - done < have ? n - done : have;
			memcpy(out + done, s->rbuf + s->rpos, k);
			s->rpos += k;
			done += k;
			continue;
		}
		if (s->eof)
			break;
		size_t want = n - done, got = 0;
		int r;
		if (s->rcap == 0 || want >= s->direct_min) {
			/* large: straight into the caller's buffer, no copy */
			r = s->ops->read(s, out + done, want, &got, err);
			done += got;
			if (r == 0 && got == 0)
				s->eof = true;
		} else {
			r = src_fill(s, err);
		}
		if (r < 0) {
			s->off += done;
			return r;
		}
	}
	s->off += done;
	*ret_got = done;
	return 0;
}

int vakt_src_read_full(vakt_src *s, void *buf, size_t n, vakt_error **err)
{
	size_t got = 0;
	int r = vakt_src_read(s, buf, n, &got, err);
	if (r < 0)
		return r;
	if (got < n)
		return truncated(s, s->off, err);
	return 0;
}

int vakt_src_skip(vakt_src *s, uint64_t n, vakt_error **err)
{
	if (s->len != UINT64_MAX && n > s->len - s->off) {
		/* known to be too short: say so without doing the work */
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: truncated: %" PRIu64 " bytes to skip at offset %" PRIu64
				      " but the data ends at offset %" PRIu64,
				      s->name, n, s->off, s->len);
	}
	uint64_t left = n;
	if (s->pb_pos < s->pb_len && left) {
		size_t k = s->pb_len - s->pb_pos;
		if (k > left)
			k = (size_t)left;
		s->pb_pos += (unsigned)k;
		left -= k;
	}
	for (;;) {
		size_t have = s->rlen - s->rpos;
		size_t k = left < have ? (size_t)left : have;
		s->rpos += k;
		left -= k;
		if (!left)
			break;
		if (s->ops->skip) {
			int r = s->ops->skip(s, left, err);
			if (r < 0) {
				s->off += n - left;
				return r;
			}
			break;
		}
		/* no cheaper way: produce the bytes into rbuf and drop them */
		int r = s->eof ? 0 : src_fill(s, err);
		if (r < 0 || s->eof) {
			s->off += n - left;
			return r < 0 ? r : truncated(s, s->off, err);
		}
	}
	s->off += n;
	return 0;
}

int vakt_src_skip_to_end(vakt_src *s, uint64_t *ret_skipped, vakt_error **err)
{
	uint64_t start = s->off;
	if (s->len != UINT64_MAX) {
		int r = vakt_src_skip(s, s->len - s->off, err);
		if (r < 0)
			return r;
	} else {
		for (;;) {
			/* drop what is buffered, then refill until EOF */
			s->off += (uint64_t)(s->pb_len - s->pb_pos) + (s->rlen - s->rpos);
			s->pb_pos = s->pb_len;
			s->rpos = s->rlen;
			if (s->eof)
				break;
			int r = src_fill(s, err);
			if (r < 0)
				return r;
		}
	}
	if (ret_skipped)
		*ret_skipped = s->off - start;
	return 0;
}

int vakt_src_peek(vakt_src *s, size_t n, const void **ret, size_t *ret_got, vakt_error **err)
{
	if (s->pb_pos < s->pb_len)
		abort(); /* a bug in the caller: peek only at a fresh source */
	if (!s->rbuf) {
		if (!s->rcap)
			s->rcap = DIGEST_RBUF;
		s->rbuf = xmalloc(s->rcap);
	}
	if (n > s->rcap)
		n = s->rcap;
	if (s->len != UINT64_MAX && n > s->len - s->off)
		n = (size_t)(s->len - s->off);
	if (s->rpos) {
		memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
		s->rlen -= s->rpos;
		s->rpos = 0;
	}
	while (s->rlen < n && !s->eof) {
		size_t got = 0;
		int r = s->ops->read(s, s->rbuf + s->rlen, n - s->rlen, &got, err);
		if (r < 0)
			return r;
		if (got == 0)
			s->eof = true;
		s->rlen += got;
	}
	*ret = s->rbuf;
	*ret_got = s->rlen < n ? s->rlen : n;
	return 0;
}

uint64_t vakt_src_offset(const vakt_src *s)
{
	return s->off;
}

uint64_t vakt_src_remaining(const vakt_src *s)
{
	return s->len == UINT64_MAX ? UINT64_MAX : s->len - s->off;
}

bool vakt_src_seekable(const vakt_src *s)
{
	return s->seekable;
}

const char *vakt_src_name(const vakt_src *s)
{
	return s->name;
}

const char *vakt_compression_name(vakt_compression c)
{
	switch (c) {
	case VAKT_COMP_GZIP:
		return "gzip";
	case VAKT_COMP_ZSTD:
		return "zstd";
	case VAKT_COMP_NONE:
		return "none";
	default:
		return "unknown";
	}
}

vakt_src *vakt_src_free(vakt_src *s)
{
	if (!s)
		return NULL;
	if (s->ops->free)
		s->ops->free(s);
	free(s->rbuf);
	free(s->name);
	free(s);
	return NULL;
}

/* ---- file window --------------------------------------------------------------------- */

static int file_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	unsigned char *out = buf;
	uint64_t left = s->len - s->u.file.pos;
	size_t done = 0;
	if (n > left)
		n = (size_t)left;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	while (done < n) {
		/* base + pos + done < base + len <= INT64_MAX (checked when the window was made) */
		off_t at = (off_t)(s->u.file.base + s->u.file.pos + done);
		ssize_t k = pread(s->u.file.fd, out + done, n - done, at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vakt_error_set(err, VAKT_E_IO, "%s: read error at offset %" PRIu64 ": %s",
					      s->name, s->u.file.pos + done, strerror(errno));
		if (k == 0) /* the file is shorter than the window (changed under us?) */
			return truncated(s, s->u.file.pos + done, err);
		done += (size_t)k;
	}
	s->u.file.pos += done;
	*got = done;
	return 0;
}

static int file_skip(vakt_src *s, uint64_t n, vakt_error **err)
{
	(void)err;
	/* no read at all: the next pread starts further on (n is within the window) */
	s->u.file.pos += n;
	return 0;
}

static const src_ops file_ops = {file_read, file_skip, NULL, "file"};

vakt_src *vakt_src_file_window(int fd, uint64_t off, uint64_t len, const char *name)
{
	/* pread takes an off_t: a window reaching past INT64_MAX is cut there (reads past a
	 * real file's end report truncation anyway) */
	if (off > (uint64_t)INT64_MAX)
		off = (uint64_t)INT64_MAX;
	if (len > (uint64_t)INT64_MAX - off)
		len = (uint64_t)INT64_MAX - off;
	vakt_src *s = src_new(&file_ops, name, len, FILE_RBUF, FILE_RBUF);
	s->u.file.fd = fd;
	s->u.file.base = off;
	s->seekable = true;
	return s;
}

/* ---- stream -------------------------------------------------------------------------- */

static int stream_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	for (;;) {
		ssize_t k = read(s->u.stream.fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return vakt_error_set(err, VAKT_E_IO, "%s: read error at offset %" PRIu64 ": %s",
					      s->name, s->off, strerror(errno));
		*got = (size_t)k;
		return 0;
	}
}

static const src_ops stream_ops = {stream_read, NULL, NULL, "stream"};

vakt_src *vakt_src_stream(int fd, const char *name)
{
	vakt_src *s = src_new(&stream_ops, name, UINT64_MAX, STREAM_RBUF, STREAM_RBUF / 2);
	s->u.stream.fd = fd;
	return s;
}

/* ---- sub-window ---------------------------------------------------------------------- */

static int sub_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	uint64_t left = s->len - s->u.sub.pos;
	size_t k = 0;
	if (n > left)
		n = (size_t)left;
	int r = vakt_src_read(s->u.sub.parent, buf, n, &k, err);
	if (r < 0)
		return r;
	s->u.sub.pos += k;
	if (k < n) /* the parent ended inside the window */
		return truncated(s, s->u.sub.pos, err);
	*got = k;
	return 0;
}

static int sub_skip(vakt_src *s, uint64_t n, vakt_error **err)
{
	int r = vakt_src_skip(s->u.sub.parent, n, err);
	if (r < 0)
		return r;
	s->u.sub.pos += n;
	return 0;
}

static const src_ops sub_ops = {sub_read, sub_skip, NULL, "sub"};

vakt_src *vakt_src_sub(vakt_src *parent, uint64_t len, const char *name)
{
	/* no read-ahead of its own: reading ahead of len would take bytes from the parent
	 * that belong to whatever follows the window */
	vakt_src *s = src_new(&sub_ops, name, len, 0, 0);
	s->u.sub.parent = parent;
	s->seekable = parent->seekable;
	return s;
}

/* ---- memory -------------------------------------------------------------------------- */

static int mem_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	(void)err;
	uint64_t left = s->len - s->u.mem.pos;
	if (n > left)
		n = (size_t)left;
	memcpy(buf, s->u.mem.data + s->u.mem.pos, n);
	s->u.mem.pos += n;
	*got = n;
	return 0;
}

static int mem_skip(vakt_src *s, uint64_t n, vakt_error **err)
{
	(void)err;
	s->u.mem.pos += n;
	return 0;
}

static const src_ops mem_ops = {mem_read, mem_skip, NULL, "mem"};

vakt_src *vakt_src_mem(const void *data, size_t len, const char *name)
{
	vakt_src *s = src_new(&mem_ops, name, len, 0, 0);
	s->u.mem.data = data;
	s->seekable = true;
	return s;
}

/* ---- SHA-256 digest ------------------------------------------------------------------ */

static int dig_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	int r = vakt_src_read(s->u.dig.inner, buf, n, got, err);
	if (r < 0)
		return r;
	if (*got && EVP_DigestUpdate(s->u.dig.ctx, buf, *got) != 1)
		return vakt_error_set(err, VAKT_E_IO, "%s: SHA-256 update failed", s->name);
	return 0;
}

static void dig_free(vakt_src *s)
{
	EVP_MD_CTX_free(s->u.dig.ctx);
	vakt_src_free(s->u.dig.inner);
}

static const src_ops dig_ops = {dig_read, NULL, dig_free, "digest"};

vakt_src *vakt_src_digest(vakt_src *inner)
{
	/* skips become reads (no skip operation): every byte is hashed */
	vakt_src *s = src_new(&dig_ops, inner->name, vakt_src_remaining(inner), DIGEST_RBUF,
			      DIGEST_RBUF / 2);
	s->u.dig.inner = inner;
	s->u.dig.ctx = EVP_MD_CTX_new();
	if (!s->u.dig.ctx || EVP_DigestInit_ex(s->u.dig.ctx, EVP_sha256(), NULL) != 1)
		vakt_oom(); /* only fails for want of memory */
	return s;
}

int vakt_src_digest_final(vakt_src *s, char out[72], vakt_error **err)
{
	if (s->ops != &dig_ops)
		return vakt_error_set(err, VAKT_E_INVALID, "%s: not a digesting source", s->name);
	if (!s->u.dig.final) {
		bool at_end;
		if (s->len != UINT64_MAX) {
			at_end = s->off == s->len;
		} else {
			/* unknown length: probe one byte, and give it back if there is one */
			unsigned char c;
			size_t got = 0;
			int r = vakt_src_read(s, &c, 1, &got, err);
			if (r < 0)
				return r;
			if (got)
				src_unread(s, &c, 1);
			at_end = got == 0;
		}
		if (!at_end)
			return vakt_error_set(err, VAKT_E_INVALID,
					      "%s: digest asked for before the end of the data (offset %" PRIu64
					      ")",
					      s->name, s->off);
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		if (EVP_DigestFinal_ex(s->u.dig.ctx, md, &mdlen) != 1 || mdlen != 32)
			return vakt_error_set(err, VAKT_E_IO, "%s: SHA-256 failed", s->name);
		static const char hexd[] = "0123456789abcdef";
		memcpy(s->u.dig.hex, "sha256:", 7);
		for (unsigned i = 0; i < 32; i++) {
			s->u.dig.hex[7 + 2 * i] = hexd[md[i] >> 4];
			s->u.dig.hex[8 + 2 * i] = hexd[md[i] & 15];
		}
		s->u.dig.hex[71] = '\0';
		s->u.dig.final = true;
	}
	memcpy(out, s->u.dig.hex, 72);
	return 0;
}

/* ---- decompressors ------------------------------------------------------------------- */

/* Refill the compressed input from inner (only when it is used up). */
static int dec_refill(vakt_src *s, vakt_error **err)
{
	struct dec_state *d = &s->u.dec;
	size_t got = 0;
	int r = vakt_src_read(d->inner, d->in, DEC_IN, &got, err);
	if (r < 0)
		return r;
	d->in_pos = 0;
	d->in_len = got;
	if (got == 0)
		d->in_eof = true;
	return 0;
}

/* Offset in the compressed data of the next unconsumed input byte, for messages. */
static uint64_t dec_in_offset(const vakt_src *s)
{
	return vakt_src_offset(s->u.dec.inner) - (s->u.dec.in_len - s->u.dec.in_pos);
}

/* How much output the next decompressor call may produce: n, capped by the budget (one
 * byte more than is left, so that exceeding it is seen after a bounded amount of work). */
static size_t dec_cap(const vakt_src *s, size_t n)
{
	const vakt_src_budget *b = s->u.dec.budget;
	if (b && b->left < n)
		n = (size_t)b->left + 1;
	return n;
}

/* Count produced bytes against the budget. */
static int dec_account(vakt_src *s, size_t produced, vakt_error **err)
{
	vakt_src_budget *b = s->u.dec.budget;
	if (!b)
		return 0;
	if (produced > b->left) {
		char lim[32];
		b->left = 0;
		return vakt_error_set(err, VAKT_E_LIMIT,
				      "%s: decompressed data exceeds the limit of %s (%s raises it)",
				      s->name, vakt_size_str((size_t)b->limit, lim, sizeof(lim)),
				      b->flag ? b->flag : "a larger limit");
	}
	b->left -= produced;
	return 0;
}

static int dec_corrupt(vakt_src *s, const char *what, vakt_error **err)
{
	return vakt_error_set(err, VAKT_E_PARSE,
			      "%s: corrupt %s data at compressed offset %" PRIu64 ": %s", s->name,
			      vakt_compression_name(s->u.dec.kind), dec_in_offset(s), what);
}

static int dec_truncated(vakt_src *s, vakt_error **err)
{
	return vakt_error_set(err, VAKT_E_PARSE,
			      "%s: truncated %s data: the compressed stream ends at offset %" PRIu64
			      " in the middle of a %s",
			      s->name, vakt_compression_name(s->u.dec.kind), dec_in_offset(s),
			      s->u.dec.kind == VAKT_COMP_GZIP ? "member" : "frame");
}

/* After a gzip member: what follows must be another member, zero padding to the end (as
 * tape-blocked writers leave), or nothing. Returns 1 when another member starts, 0 at
 * the end of the data. */
static int gz_after_member(vakt_src *s, vakt_error **err)
{
	struct dec_state *d = &s->u.dec;
	bool padding = false;
	for (;;) {
		if (d->in_pos == d->in_len) {
			if (d->in_eof)
				return 0;
			int r = dec_refill(s, err);
			if (r < 0)
				return r;
			continue;
		}
		if (!padding) {
			if (d->in[d->in_pos] == 0x1f) /* inflate checks the rest of the magic */
				return 1;
			if (d->in[d->in_pos] != 0)
				return vakt_error_set(err, VAKT_E_PARSE,
						      "%s: unexpected data after the gzip stream at compressed offset %" PRIu64,
						      s->name, dec_in_offset(s));
			padding = true;
		}
		while (d->in_pos < d->in_len && d->in[d->in_pos] == 0)
			d->in_pos++;
		if (d->in_pos < d->in_len)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: unexpected data after the gzip stream's zero padding at compressed offset %" PRIu64,
					      s->name, dec_in_offset(s));
	}
}

static int gz_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	struct dec_state *d = &s->u.dec;
	int r;
	for (;;) {
		if (d->member_done) {
			r = gz_after_member(s, err);
			if (r < 0)
				return r;
			if (r == 0) {
				*got = 0;
				return 0;
			}
			if (inflateReset(&d->z) != Z_OK)
				return dec_corrupt(s, "cannot reset the inflater", err);
			d->member_done = false;
		}
		if (d->in_pos == d->in_len && !d->in_eof) {
			r = dec_refill(s, err);
			if (r < 0)
				return r;
		}
		size_t cap = dec_cap(s, n);
		if (cap > UINT_MAX)
			cap = UINT_MAX;
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		d->z.next_out = buf;
		d->z.avail_out = (uInt)cap;
		int zr = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		size_t produced = cap - d->z.avail_out;
		switch (zr) {
		case Z_OK:
		case Z_BUF_ERROR: /* no progress possible: more input needed (checked below) */
			break;
		case Z_STREAM_END:
			d->member_done = true;
			break;
		case Z_MEM_ERROR:
			vakt_oom();
		default: /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
			return dec_corrupt(s, d->z.msg ? d->z.msg : "invalid data", err);
		}
		if (produced) {
			r = dec_account(s, produced, err);
			if (r < 0)
				return r;
			*got = produced;
			return 0;
		}
		if (!d->member_done && d->in_pos == d->in_len && d->in_eof)
			return dec_truncated(s, err);
	}
}

static int zstd_read(vakt_src *s, void *buf, size_t n, size_t *got, vakt_error **err)
{
	struct dec_state *d = &s->u.dec;
	int r;
	for (;;) {
		if (d->in_pos == d->in_len && !d->in_eof) {
			r = dec_refill(s, err);
			if (r < 0)
				return r;
		}
		if (d->in_pos == d->in_len && d->in_eof && d->frame_done) {
			*got = 0; /* every frame complete and flushed */
			return 0;
		}
		ZSTD_inBuffer in = {d->in, d->in_len, d->in_pos};
		ZSTD_outBuffer out = {buf, dec_cap(s, n), 0};
		size_t zr = ZSTD_decompressStream(d->zs, &out, &in);
		if (ZSTD_isError(zr))
			return dec_corrupt(s, ZSTD_getErrorName(zr), err);
		/* 0: a frame is complete and flushed; the next input (if any) starts another */
		d->frame_done = zr == 0;
		d->in_pos = in.pos;
		if (out.pos) {
			r = dec_account(s, out.pos, err);
			if (r < 0)
				return r;
			*got = out.pos;
			return 0;
		}
		if (!d->frame_done && d->in_pos == d->in_len && d->in_eof)
			return dec_truncated(s, err);
	}
}

static void dec_free(vakt_src *s)
{
	struct dec_state *d = &s->u.dec;
	if (d->kind == VAKT_COMP_GZIP)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	free(d->in);
	vakt_src_free(d->inner);
}

static const src_ops gz_ops = {gz_read, NULL, dec_free, "gzip"};
static const src_ops zstd_ops = {zstd_read, NULL, dec_free, "zstd"};

static vakt_compression sniff(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return VAKT_COMP_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return VAKT_COMP_ZSTD;
	/* a skippable frame (magic 0x184D2A50..5F, little-endian) may precede the data */
	if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
		return VAKT_COMP_ZSTD;
	return VAKT_COMP_NONE;
}

int vakt_src_decompress(vakt_src *inner, vakt_src_budget *budget, vakt_src **ret,
			vakt_compression *ret_kind, vakt_error **err)
{
	unsigned char magic[4];
	size_t got = 0;
	int r = vakt_src_read(inner, magic, sizeof(magic), &got, err);
	if (r < 0) {
		vakt_src_free(inner);
		return r;
	}
	vakt_compression kind = sniff(magic, got);
	if (kind == VAKT_COMP_NONE) {
		src_unread(inner, magic, got); /* nothing lost: the caller reads them first */
		if (ret_kind)
			*ret_kind = kind;
		*ret = inner;
		return 0;
	}

	const src_ops *ops = kind == VAKT_COMP_GZIP ? &gz_ops : &zstd_ops;
	vakt_src *s = src_new(ops, inner->name, UINT64_MAX, DEC_OUT, DEC_DIRECT);
	struct dec_state *d = &s->u.dec;
	d->inner = inner;
	d->budget = budget;
	d->kind = kind;
	d->in = xmalloc(DEC_IN);
	memcpy(d->in, magic, got); /* the sniffed bytes start the compressed input */
	d->in_len = got;
	if (kind == VAKT_COMP_GZIP) {
		/* 16 + 15: gzip wrapper only (the magic said so), the largest window */
		int zr = inflateInit2(&d->z, 16 + MAX_WBITS);
		if (zr == Z_MEM_ERROR)
			vakt_oom();
		if (zr != Z_OK) {
			vakt_src_free(s);
			return vakt_error_set(err, VAKT_E_IO, "%s: cannot start zlib", inner->name);
		}
	} else {
		d->zs = ZSTD_createDStream();
		if (!d->zs)
			vakt_oom();
		/* the window a frame may ask for (memory we allocate on its word) stays at
		 * zstd's default limit of 2^27 = 128 MiB; larger frames are refused */
		ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, 27);
		d->frame_done = false;
	}
	if (ret_kind)
		*ret_kind = kind;
	*ret = s;
	return 0;
}
