/* tar.c - see tar.h.
 *
 * The reference for edge cases is Go's archive/tar, which docker, containerd and podman
 * use to unpack layers: what matters for a scanner is to see the files those extractors
 * create. Where Go and GNU tar disagree on an archive no honest writer produces (a pax
 * path and a GNU long name that differ), the entry is refused rather than guessed.
 *
 * Layout of a 512-byte header (offsets in decimal):
 *   0 name[100]  100 mode[8]  108 uid[8]  116 gid[8]  124 size[12]  136 mtime[12]
 *   148 chksum[8]  156 typeflag  157 linkname[100]  257 magic[6]  263 version[2]
 *   265 uname[32]  297 gname[32]  329 devmajor[8]  337 devminor[8]  345 prefix[155]
 * GNU headers keep atime/ctime/sparse data where ustar has the prefix (482: isextended
 * of an old sparse header; 504 in each sparse extension block); star has a 131-byte
 * prefix and "tar\0" at 508.
 */
#include "image/tar.h"
#include "core/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512
#define MAX_META_HEADERS 64 /* pax / GNU long-name headers in front of one entry */

/* A path-like value collected from a metadata header for the next entry. */
typedef struct meta_str {
	bool set;
	size_t len;
	char s[VAKT_TAR_MAX_PATH + 1];
} meta_str;

struct vakt_tar {
	vakt_src *src;
	vakt_tar_entry e;
	bool have_entry; /* e is current: its body may still be consumed */
	/* where the current body ends in the source: what is left of it is measured by the
	 * source's offset, so a caller may also read it through a vakt_src_sub */
	uint64_t body_end;
	uint64_t pad; /* zero padding after the body, to the next 512 boundary */
	uint64_t count;
	bool done, truncated;
	int failed; /* the first error's code: the reader does not go on after one */
	unsigned char blk[BLOCK];
	/* body of the current pax or GNU long-name header, at most VAKT_TAR_MAX_META */
	char *meta;
	size_t meta_cap;
	/* what metadata headers said about the next entry */
	meta_str pax_path, pax_link, gnu_name, gnu_link, sparse_name;
	bool pax_sparse, has_size, has_uid, has_gid, has_mtime;
	uint64_t pax_size, pax_uid, pax_gid;
	int64_t pax_mtime;
	char path[VAKT_TAR_MAX_PATH + 1];
	char link[VAKT_TAR_MAX_PATH + 1];
};

vakt_tar *vakt_tar_new(vakt_src *src)
{
	vakt_tar *t = xcalloc(1, sizeof(*t));
	t->src = src;
	t->e.path = t->path;
	t->e.link = t->link;
	return t;
}

vakt_tar *vakt_tar_free(vakt_tar *t)
{
	if (t) {
		free(t->meta);
		free(t);
	}
	return NULL;
}

/* Body bytes of the current entry not consumed yet; -1 when the source moved past the
 * body's end (a caller read too far through another source over it). */
static int64_t body_left(const vakt_tar *t)
{
	uint64_t at = vakt_src_offset(t->src);
	if (!t->have_entry)
		return 0;
	return at <= t->body_end ? (int64_t)(t->body_end - at) : -1;
}

uint64_t vakt_tar_body_left(const vakt_tar *t)
{
	int64_t left = body_left(t);
	return left > 0 ? (uint64_t)left : 0;
}

static int moved_past(vakt_tar *t, vakt_error **err)
{
	return vakt_error_set(err, VAKT_E_INVALID,
			      "%s: the source was read past the end of the entry %s (offset %" PRIu64
			      ")",
			      vakt_src_name(t->src), t->path, t->body_end);
}

bool vakt_tar_truncated(const vakt_tar *t)
{
	return t->truncated;
}

uint64_t vakt_tar_count(const vakt_tar *t)
{
	return t->count;
}

/* ---- header fields ------------------------------------------------------------------- */

static bool is_zero_block(const unsigned char *b)
{
	return b[0] == 0 && memcmp(b, b + 1, BLOCK - 1) == 0;
}

/* An octal field as Go reads it: spaces and NULs trimmed at both ends, cut at a NUL,
 * then octal digits only; empty is 0. false when malformed. */
static bool parse_octal(const unsigned char *b, size_t n, uint64_t *ret)
{
	while (n && (b[0] == ' ' || b[0] == '\0'))
		b++, n--;
	while (n && (b[n - 1] == ' ' || b[n - 1] == '\0'))
		n--;
	const unsigned char *nul = memchr(b, '\0', n);
	if (nul)
		n = (size_t)(nul - b);
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (b[i] < '0' || b[i] > '7' || x >> 61)
			return false;
		x = x << 3 | (uint64_t)(b[i] - '0');
	}
	*ret = x;
	return true;
}

/* A numeric field: GNU base-256 (first byte's high bit set; two's complement, so
 * negative when the next bit is set too) or octal. false when malformed or out of the
 * int64 range. */
static bool parse_numeric(const unsigned char *b, size_t n, int64_t *ret)
{
	if (n && (b[0] & 0x80)) {
		unsigned char inv = (b[0] & 0x40) ? 0xff : 0x00;
		uint64_t x = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = b[i] ^ inv;
			if (i == 0)
				c &= 0x7f;
			if (x >> 56)
				return false;
			x = x << 8 | c;
		}
		if (x >> 63)
			return false;
		*ret = inv ? ~(int64_t)x : (int64_t)x;
		return true;
	}
	uint64_t u;
	if (!parse_octal(b, n, &u) || u > (uint64_t)INT64_MAX)
		return false;
	*ret = (int64_t)u;
	return true;
}

/* The stored checksum matches the unsigned byte sum with the checksum field read as
 * spaces, or the signed sum some historical writers used. */
static bool checksum_ok(const unsigned char *b)
{
	uint64_t want;
	if (!parse_octal(b + 148, 8, &want))
		return false;
	uint64_t u = 0;
	int64_t sg = 0;
	for (size_t i = 0; i < BLOCK; i++) {
		u += b[i];
		sg += (signed char)b[i];
	}
	for (size_t i = 148; i < 156; i++) {
		u -= b[i];
		sg -= (signed char)b[i];
	}
	u += 8 * ' ';
	sg += 8 * ' ';
	return want == u || (int64_t)want == sg;
}

/* A NUL-terminated (or full) string field into out (which has room for n + 1). */
static size_t field_str(const unsigned char *b, size_t n, char *out)
{
	const unsigned char *nul = memchr(b, '\0', n);
	size_t len = nul ? (size_t)(nul - b) : n;
	memcpy(out, b, len);
	out[len] = '\0';
	return len;
}

static int bad_field(vakt_tar *t, const char *what, uint64_t hoff, vakt_error **err)
{
	return vakt_error_set(err, VAKT_E_PARSE, "%s: bad %s field in the tar header at offset %" PRIu64,
			      vakt_src_name(t->src), what, hoff);
}

/* ---- pax records --------------------------------------------------------------------- */

/* A decimal value of a pax record: digits only (a leading '-' when neg_ok), within
 * int64; for mtime a fraction ".digits" is allowed and dropped. */
static bool pax_decimal(const char *v, size_t n, bool neg_ok, bool frac_ok, int64_t *ret)
{
	bool neg = false;
	if (n && v[0] == '-' && neg_ok)
		neg = true, v++, n--;
	if (frac_ok) {
		const char *dot = memchr(v, '.', n);
		if (dot) {
			for (const char *p = dot + 1; p < v + n; p++)
				if (*p < '0' || *p > '9')
					return false;
			n = (size_t)(dot - v);
		}
	}
	if (n == 0)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > (uint64_t)INT64_MAX)
			return false;
	}
	*ret = neg ? -(int64_t)x : (int64_t)x;
	return true;
}

static int meta_set(vakt_tar *t, meta_str *m, const char *v, size_t n, const char *what,
		    uint64_t hoff, vakt_error **err)
{
	if (n > VAKT_TAR_MAX_PATH)
		return vakt_error_set(err, VAKT_E_LIMIT,
				      "%s: %s in the header at offset %" PRIu64
				      " is longer than %d bytes",
				      vakt_src_name(t->src), what, hoff, VAKT_TAR_MAX_PATH);
	memcpy(m->s, v, n);
	m->s[n] = '\0';
	m->len = n;
	m->set = n > 0; /* an empty value keeps the ustar field, as in Go */
	return 0;
}

/* Parse the records "LEN key=value\n" of a pax header of n bytes at p (strictly, as Go
 * does: LEN counts the whole record, which ends in a newline; the key is not empty and
 * has no '='; path-like values have no NUL). A global header ('g') is checked and
 * ignored, as docker does. */
static int pax_parse(vakt_tar *t, const char *p, size_t n, bool global, uint64_t hoff,
		     vakt_error **err)
{
	const char *name = vakt_src_name(t->src);
	while (n) {
		size_t i = 0, len = 0;
		while (i < n && p[i] >= '0' && p[i] <= '9' && len <= n) {
			len = len * 10 + (size_t)(p[i] - '0');
			i++;
		}
		/* digits, a space, a key of at least one byte, '=', a newline */
		if (i == 0 || i >= n || p[i] != ' ' || len > n || len < i + 4 || p[len - 1] != '\n')
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: malformed pax record in the header at offset %" PRIu64,
					      name, hoff);
		const char *key = p + i + 1;
		const char *end = p + len - 1; /* the newline */
		const char *eq = memchr(key, '=', (size_t)(end - key));
		if (!eq || eq == key)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: malformed pax record in the header at offset %" PRIu64,
					      name, hoff);
		size_t klen = (size_t)(eq - key);
		const char *v = eq + 1;
		size_t vlen = (size_t)(end - v);
#define KEY_IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
		bool pathlike = KEY_IS("path") || KEY_IS("linkpath") || KEY_IS("uname") ||
				KEY_IS("gname");
		if (pathlike ? memchr(v, '\0', vlen) != NULL : memchr(key, '\0', klen) != NULL)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: NUL byte in a pax record in the header at offset %" PRIu64,
					      name, hoff);
		int r = 0;
		int64_t x = 0;
		if (global) {
			/* checked above; the values do not apply to later entries */
		} else if (KEY_IS("path")) {
			r = meta_set(t, &t->pax_path, v, vlen, "pax path", hoff, err);
		} else if (KEY_IS("linkpath")) {
			r = meta_set(t, &t->pax_link, v, vlen, "pax linkpath", hoff, err);
		} else if (KEY_IS("size") || KEY_IS("uid") || KEY_IS("gid") || KEY_IS("mtime")) {
			bool mt = KEY_IS("mtime");
			if (vlen == 0)
				goto next; /* empty: keep the ustar field */
			if (!pax_decimal(v, vlen, mt, mt, &x))
				return vakt_error_set(err, VAKT_E_PARSE,
						      "%s: bad pax %.*s value in the header at offset %" PRIu64,
						      name, (int)klen, key, hoff);
			if (KEY_IS("size"))
				t->has_size = true, t->pax_size = (uint64_t)x;
			else if (KEY_IS("uid"))
				t->has_uid = true, t->pax_uid = (uint64_t)x;
			else if (KEY_IS("gid"))
				t->has_gid = true, t->pax_gid = (uint64_t)x;
			else
				t->has_mtime = true, t->pax_mtime = x;
		} else if (klen > 11 && memcmp(key, "GNU.sparse.", 11) == 0) {
			/* a pax sparse file (GNU formats 0.x, 1.0): the body is a map plus the
			 * data, not the file; reported as VAKT_TAR_OTHER under its real name */
			t->pax_sparse = true;
			if (KEY_IS("GNU.sparse.name"))
				r = meta_set(t, &t->sparse_name, v, vlen, "GNU.sparse.name", hoff,
					     err);
		}
#undef KEY_IS
		if (r < 0)
			return r;
	next:
		p += len;
		n -= len;
	}
	return 0;
}

/* Forget what metadata headers said (before a new entry, or a new 'x' header: the last
 * one wins, as in Go). */
static void pax_reset(vakt_tar *t)
{
	t->pax_path.set = t->pax_link.set = t->sparse_name.set = false;
	t->pax_sparse = t->has_size = t->has_uid = t->has_gid = t->has_mtime = false;
}

/* ---- reading ------------------------------------------------------------------------- */

/* The body of a metadata header (size bytes, bounded) into t->meta, and its padding. */
static int read_meta(vakt_tar *t, uint64_t size, uint64_t hoff, vakt_error **err)
{
	if (size > VAKT_TAR_MAX_META)
		return vakt_error_set(err, VAKT_E_LIMIT,
				      "%s: metadata header at offset %" PRIu64 " holds %" PRIu64
				      " bytes, more than the limit of %d",
				      vakt_src_name(t->src), hoff, size, VAKT_TAR_MAX_META);
	if (size + 1 > t->meta_cap) {
		t->meta_cap = (size_t)size + 1 < 4096 ? 4096 : (size_t)size + 1;
		free(t->meta);
		t->meta = xmalloc(t->meta_cap);
	}
	int r = vakt_src_read_full(t->src, t->meta, (size_t)size, err);
	if (r < 0)
		return r;
	t->meta[size] = '\0';
	uint64_t pad = (BLOCK - size % BLOCK) % BLOCK;
	return pad ? vakt_src_skip(t->src, pad, err) : 0;
}

/* Consume what is left of the current body and its padding. *ret_end is set when the
 * data ends right after the body, without padding (nothing after it at all). */
static int finish_entry(vakt_tar *t, bool *ret_end, vakt_error **err)
{
	*ret_end = false;
	if (!t->have_entry)
		return 0;
	int64_t left = body_left(t);
	if (left < 0)
		return moved_past(t, err);
	t->have_entry = false;
	if (left) {
		int r = vakt_src_skip(t->src, (uint64_t)left, err);
		if (r < 0)
			return r;
	}
	if (!t->pad)
		return 0;
	uint64_t rem = vakt_src_remaining(t->src);
	if (rem == 0) {
		*ret_end = true;
		return 0;
	}
	if (rem != UINT64_MAX)
		return vakt_src_skip(t->src, t->pad, err);
	size_t got = 0;
	int r = vakt_src_read(t->src, t->blk, (size_t)t->pad, &got, err);
	if (r < 0)
		return r;
	if (got == 0)
		*ret_end = true;
	else if (got < t->pad)
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: truncated: the data ends at offset %" PRIu64
				      " inside the padding of an entry",
				      vakt_src_name(t->src), vakt_src_offset(t->src));
	return 0;
}

/* The end-of-archive marker: a zero block was read at hoff; the next must be another, or
 * nothing. A header after a lone zero block is refused (as Go does): an entry there is one
 * some extractors see and others do not. */
static int end_marker(vakt_tar *t, uint64_t hoff, vakt_error **err)
{
	size_t got = 0;
	int r = vakt_src_read(t->src, t->blk, BLOCK, &got, err);
	if (r < 0)
		return r;
	if (got == 0 || (got == BLOCK && is_zero_block(t->blk)))
		return 0;
	if (got < BLOCK)
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: truncated: the data ends at offset %" PRIu64
				      " inside the end-of-archive marker",
				      vakt_src_name(t->src), vakt_src_offset(t->src));
	return vakt_error_set(err, VAKT_E_PARSE,
			      "%s: a lone zero block at offset %" PRIu64 " is followed by a header",
			      vakt_src_name(t->src), hoff);
}

/* Use meta (a pax or GNU value) for out when set; the two must agree when both are. */
static int pick_name(vakt_tar *t, char *out, const meta_str *pax, const meta_str *gnu,
		     const char *what, uint64_t hoff, vakt_error **err)
{
	if (pax->set && gnu->set && strcmp(pax->s, gnu->s) != 0)
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: the pax %s and the GNU long %s of the entry at offset %" PRIu64
				      " differ (extractors disagree on which wins)",
				      vakt_src_name(t->src), what, what, hoff);
	const meta_str *m = pax->set ? pax : gnu->set ? gnu : NULL;
	if (m)
		memcpy(out, m->s, m->len + 1);
	return 0;
}

static int tar_next(vakt_tar *t, const vakt_tar_entry **ret, vakt_error **err)
{
	vakt_src *src = t->src;
	const char *name = vakt_src_name(src);
	unsigned char *b = t->blk;
	bool end = false;
	int r = finish_entry(t, &end, err);
	if (r < 0)
		return r;
	if (end) {
		t->truncated = true;
		return 0;
	}
	pax_reset(t);
	t->gnu_name.set = t->gnu_link.set = false;

	unsigned nmeta = 0;
	uint64_t first = UINT64_MAX; /* offset of the entry's first (metadata) header */
	uint64_t hoff, size;
	for (;;) {
		size_t got = 0;
		hoff = vakt_src_offset(src);
		r = vakt_src_read(src, b, BLOCK, &got, err);
		if (r < 0)
			return r;
		if (got == 0 && nmeta == 0) {
			/* EOF on a header boundary: no end marker; a warning for the caller */
			t->truncated = true;
			return 0;
		}
		if (got < BLOCK)
			return vakt_error_set(err, VAKT_E_PARSE,
					      "%s: truncated: the data ends at offset %" PRIu64
					      " inside %s",
					      name, hoff + got,
					      nmeta ? "an entry (after its metadata header)" : "a tar header");
		if (is_zero_block(b)) {
			if (nmeta)
				return vakt_error_set(err, VAKT_E_PARSE,
						      "%s: end-of-archive marker at offset %" PRIu64
						      " right after a metadata header",
						      name, hoff);
			return end_marker(t, hoff, err);
		}
		if (!checksum_ok(b)) {
			if (memcmp(b + 257, "ustar", 5) == 0)
				return vakt_error_set(err, VAKT_E_PARSE,
						      "%s: bad tar header checksum at offset %" PRIu64,
						      name, hoff);
			return vakt_error_set(err, VAKT_E_PARSE, "%s: not a tar header at offset %" PRIu64,
					      name, hoff);
		}
		int64_t sz;
		if (!parse_numeric(b + 124, 12, &sz) || sz < 0)
			return bad_field(t, "size", hoff, err);
		size = (uint64_t)sz;
		char type = (char)b[156];
		if (type != 'x' && type != 'g' && type != 'L' && type != 'K')
			break;

		/* a metadata header: it describes the next header */
		if (++nmeta > MAX_META_HEADERS)
			return vakt_error_set(err, VAKT_E_LIMIT,
					      "%s: more than %d metadata headers in a row at offset %" PRIu64,
					      name, MAX_META_HEADERS, hoff);
		if (first == UINT64_MAX)
			first = hoff;
		r = read_meta(t, size, hoff, err);
		if (r < 0)
			return r;
		switch (type) {
		case 'x':
			pax_reset(t);
			r = pax_parse(t, t->meta, (size_t)size, false, hoff, err);
			break;
		case 'g':
			r = pax_parse(t, t->meta, (size_t)size, true, hoff, err);
			break;
		case 'L':
			r = meta_set(t, &t->gnu_name, t->meta, strlen(t->meta), "GNU long name",
				     hoff, err);
			break;
		default: /* 'K' */
			r = meta_set(t, &t->gnu_link, t->meta, strlen(t->meta), "GNU long link name",
				     hoff, err);
			break;
		}
		if (r < 0)
			return r;
	}

	/* the entry's own header */
	if (t->count >= VAKT_TAR_MAX_ENTRIES)
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: more than %d entries", name,
				      VAKT_TAR_MAX_ENTRIES);
	vakt_tar_entry *e = &t->e;
	memset(e, 0, sizeof(*e));
	e->path = t->path;
	e->link = t->link;
	e->offset = first != UINT64_MAX ? first : hoff;
	e->typeflag = (char)b[156];

	/* name: prefix/name for ustar (POSIX magic "ustar\0"); GNU and v7 have no prefix */
	char prefix[156];
	size_t plen = 0;
	if (memcmp(b + 257, "ustar\0", 6) == 0) {
		bool star = memcmp(b + 508, "tar\0", 4) == 0;
		plen = field_str(b + 345, star ? 131 : 155, prefix);
	}
	char nm[101];
	size_t nlen = field_str(b, 100, nm);
	if (plen) {
		memcpy(t->path, prefix, plen);
		t->path[plen] = '/';
		memcpy(t->path + plen + 1, nm, nlen + 1);
	} else {
		memcpy(t->path, nm, nlen + 1);
	}
	field_str(b + 157, 100, t->link);
	r = pick_name(t, t->path, &t->pax_path, &t->gnu_name, "name", hoff, err);
	if (r < 0)
		return r;
	r = pick_name(t, t->link, &t->pax_link, &t->gnu_link, "link name", hoff, err);
	if (r < 0)
		return r;
	if (t->pax_sparse && t->sparse_name.set)
		memcpy(t->path, t->sparse_name.s, t->sparse_name.len + 1);

	int64_t mode, uid, gid, mtime;
	if (!parse_numeric(b + 100, 8, &mode) || mode < 0)
		return bad_field(t, "mode", hoff, err);
	if (!parse_numeric(b + 108, 8, &uid) || uid < 0)
		return bad_field(t, "uid", hoff, err);
	if (!parse_numeric(b + 116, 8, &gid) || gid < 0)
		return bad_field(t, "gid", hoff, err);
	if (!parse_numeric(b + 136, 12, &mtime))
		return bad_field(t, "mtime", hoff, err);
	e->mode = (uint32_t)(mode & 07777);
	e->uid = t->has_uid ? t->pax_uid : (uint64_t)uid;
	e->gid = t->has_gid ? t->pax_gid : (uint64_t)gid;
	e->mtime = t->has_mtime ? t->pax_mtime : mtime;
	if (t->has_size)
		size = t->pax_size;

	bool header_only = true; /* types whose size field Go ignores: no body follows */
	switch (e->typeflag) {
	case '0':
	case '7':
		e->type = VAKT_TAR_REG;
		header_only = false;
		break;
	case '\0': /* old regular file; a trailing '/' made it a directory */
		nlen = strlen(t->path);
		e->type = nlen && t->path[nlen - 1] == '/' ? VAKT_TAR_DIR : VAKT_TAR_REG;
		header_only = e->type == VAKT_TAR_DIR;
		break;
	case '1':
		e->type = VAKT_TAR_HARDLINK;
		break;
	case '2':
		e->type = VAKT_TAR_SYMLINK;
		break;
	case '3':
		e->type = VAKT_TAR_CHR;
		break;
	case '4':
		e->type = VAKT_TAR_BLK;
		break;
	case '5':
		e->type = VAKT_TAR_DIR;
		break;
	case '6':
		e->type = VAKT_TAR_FIFO;
		break;
	default: /* 'S' sparse, 'V' label, 'M', 'D', vendor types: the body is size bytes */
		e->type = VAKT_TAR_OTHER;
		header_only = false;
		break;
	}
	if (t->pax_sparse && !header_only)
		e->type = VAKT_TAR_OTHER;
	if (header_only)
		size = 0;
	if (e->typeflag == 'S' && b[482]) {
		/* old GNU sparse: extension blocks of the sparse map follow the header */
		do {
			r = vakt_src_read_full(src, b, BLOCK, err);
			if (r < 0)
				return r;
		} while (b[504]);
	}
	uint64_t pad = (BLOCK - size % BLOCK) % BLOCK;
	uint64_t rem = vakt_src_remaining(src);
	if (rem != UINT64_MAX && size > rem)
		/* refused here rather than found out by a huge skip */
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: truncated: the entry at offset %" PRIu64 " has %" PRIu64
				      " bytes but only %" PRIu64 " follow",
				      name, e->offset, size, rem);
	e->size = size;
	e->body_offset = vakt_src_offset(src);
	t->body_end = e->body_offset + size; /* size <= remaining, or < 2^63 (no wrap) */
	t->pad = pad;
	t->have_entry = true;
	t->count++;
	*ret = e;
	return 1;
}

int vakt_tar_next(vakt_tar *t, const vakt_tar_entry **ret, vakt_error **err)
{
	if (t->failed)
		return vakt_error_set(err, t->failed, "%s: the tar reader stopped at an earlier error",
				      vakt_src_name(t->src));
	if (t->done)
		return 0;
	int r = tar_next(t, ret, err);
	if (r < 0) {
		t->failed = r;
		t->have_entry = false;
	} else if (r == 0) {
		t->done = true;
	}
	return r;
}

int vakt_tar_read(vakt_tar *t, void *buf, size_t n, size_t *ret_got, vakt_error **err)
{
	int64_t left = body_left(t);
	if (left < 0)
		return moved_past(t, err);
	if (t->failed || n == 0 || left == 0) {
		*ret_got = 0;
		return 0;
	}
	size_t want = (uint64_t)left < n ? (size_t)left : n;
	size_t got = 0;
	int r = vakt_src_read(t->src, buf, want, &got, err);
	if (r < 0) {
		t->failed = r;
		return r;
	}
	if (got < want) {
		t->failed = VAKT_E_PARSE;
		return vakt_error_set(err, VAKT_E_PARSE,
				      "%s: truncated: the data ends at offset %" PRIu64
				      " inside the body of %s",
				      vakt_src_name(t->src), vakt_src_offset(t->src), t->path);
	}
	*ret_got = got;
	return 0;
}

/* ---- paths --------------------------------------------------------------------------- */

unsigned vakt_tar_clean_path(const char *in, char *out, size_t outlen)
{
	unsigned flags = 0;
	size_t o = 0;
	const char *p = in;
	if (outlen == 0)
		return VAKT_PATH_TOOLONG;
	if (*p == '/')
		flags |= VAKT_PATH_ABSOLUTE;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t clen = (size_t)(p - c);
		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.')
			flags |= VAKT_PATH_DOTDOT;
		if (o + (o ? 1 : 0) + clen >= outlen) {
			/* cannot happen for paths from vakt_tar_next and a buffer of the
			 * documented size; DOTDOT too, so that a caller refuses it */
			out[0] = '\0';
			return flags | VAKT_PATH_TOOLONG | VAKT_PATH_DOTDOT;
		}
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, clen);
		o += clen;
	}
	out[o] = '\0';
	if (o == 0)
		flags |= VAKT_PATH_EMPTY;
	return flags;
}
