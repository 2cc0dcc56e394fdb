/* test_tar.c - byte sources (file windows, pipes, sub-windows, digests, gzip and zstd)
 * and the streaming tar reader, on archives built here byte by byte and by GNU tar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "core/error.h"
#include "image/source.h"
#include "image/tar.h"

/* ---- helpers: a growable byte buffer and a tar writer --------------------------------- */

typedef struct tb {
	unsigned char *d;
	size_t len, cap;
} tb;

static void tb_put(tb *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2 + 1024;
		t->d = realloc(t->d, t->cap);
		assert_non_null(t->d);
	}
	if (n)
		memcpy(t->d + t->len, p, n);
	t->len += n;
}

static void tb_zeros(tb *t, size_t n)
{
	unsigned char z[512] = {0};
	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);
		tb_put(t, z, k);
		n -= k;
	}
}

static void tb_pad(tb *t)
{
	tb_zeros(t, (512 - t->len % 512) % 512);
}

static void tb_free(tb *t)
{
	free(t->d);
	memset(t, 0, sizeof(*t));
}

static void hdr_checksum(unsigned char *h, bool sign)
{
	memset(h + 148, ' ', 8);
	long sum = 0;
	for (int i = 0; i < 512; i++)
		sum += sign ? (signed char)h[i] : h[i];
	snprintf((char *)h + 148, 8, "%06lo", (unsigned long)sum & 0777777);
	h[155] = ' ';
}

/* A ustar header (magic "ustar\0" "00") with octal fields; checksum filled in. */
static void hdr_make(unsigned char h[512], const char *name, char type, uint64_t size,
		     const char *link)
{
	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 1000);
	snprintf((char *)h + 116, 8, "%07o", 1001);
	snprintf((char *)h + 124, 12, "%011" PRIo64, size);
	snprintf((char *)h + 136, 12, "%011o", 1700000000);
	h[156] = (unsigned char)type;
	if (link)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar\0" "00", 8);
	hdr_checksum(h, false);
}

static void tb_entry(tb *t, const char *name, char type, const void *body, size_t n,
		     const char *link)
{
	unsigned char h[512];
	hdr_make(h, name, type, n, link);
	tb_put(t, h, 512);
	tb_put(t, body, n);
	tb_pad(t);
}

/* A metadata header of type ('x', 'g', 'L', 'K') with the given body. */
static void tb_meta(tb *t, char type, const void *body, size_t n)
{
	tb_entry(t, type == 'L' || type == 'K' ? "././@LongLink" : "PaxHeaders/x", type, body, n,
		 NULL);
}

/* Append one pax record "LEN key=value\n" to r. */
static void pax_rec(tb *r, const char *key, const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3; /* ' ', '=', '\n' */
	size_t len = body + 1;
	char num[32];
	for (;;) { /* the length counts its own digits */
		int d = snprintf(num, sizeof(num), "%zu", len);
		if (body + (size_t)d == len)
			break;
		len = body + (size_t)d;
	}
	char *s = NULL;
	int k = asprintf(&s, "%zu %s=%s\n", len, key, val);
	assert_true(k > 0 && (size_t)k == len);
	tb_put(r, s, (size_t)k);
	free(s);
}

static void tb_end(tb *t)
{
	tb_zeros(t, 1024);
}

/* List every entry as "T path[ -> link] size@body_offset\n"; bodies are read (in pieces of
 * `chunk` bytes, 0 = not read) and checked to be their declared size. */
static int walk(vakt_src *s, size_t chunk, char **ret, vakt_error **err)
{
	static const char types[] = "fhlcbdpo";
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	vakt_tar *t = vakt_tar_new(s);
	const vakt_tar_entry *e;
	int r;
	char *buf = chunk ? malloc(chunk) : NULL;
	while ((r = vakt_tar_next(t, &e, err)) == 1) {
		fprintf(f, "%c %s", types[e->type], e->path);
		if (*e->link)
			fprintf(f, " -> %s", e->link);
		fprintf(f, " %" PRIu64 "@%" PRIu64 "\n", e->size, e->body_offset);
		if (chunk) {
			uint64_t total = 0;
			size_t got;
			do {
				r = vakt_tar_read(t, buf, chunk, &got, err);
				if (r < 0)
					goto out;
				total += got;
			} while (got == chunk);
			assert_int_equal(total, e->size);
			assert_int_equal(vakt_tar_body_left(t), 0);
		}
	}
out:
	if (r == 0 && vakt_tar_truncated(t))
		fprintf(f, "(truncated)\n");
	vakt_tar_free(t);
	free(buf);
	fclose(f);
	*ret = out;
	return r;
}

/* Walk an in-memory archive, expecting success; returns the listing (caller frees). */
static char *walk_mem(const tb *a, size_t chunk)
{
	vakt_error *err = NULL;
	char *out = NULL;
	vakt_src *s = vakt_src_mem(a->d, a->len, "test.tar");
	int r = walk(s, chunk, &out, &err);
	if (r < 0)
		fail_msg("walk: %s", err->msg);
	vakt_src_free(s);
	return out;
}

/* Walk an in-memory archive expecting error code `code` with `needle` in its message. */
static void walk_mem_fails(const tb *a, int code, const char *needle)
{
	vakt_error *err = NULL;
	char *out = NULL;
	vakt_src *s = vakt_src_mem(a->d, a->len, "test.tar");
	int r = walk(s, 0, &out, &err);
	if (r != code)
		fail_msg("expected %d, got %d (%s); listing:\n%s", code, r, err ? err->msg : "",
			 out);
	assert_non_null(err);
	if (!strstr(err->msg, needle))
		fail_msg("message '%s' lacks '%s'", err->msg, needle);
	vakt_error_free(err);
	vakt_src_free(s);
	free(out);
}

static unsigned char *pattern(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 16);
	}
	return p;
}

static void gzip_member(tb *out, const void *data, size_t n, int level)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	unsigned char *buf = malloc(cap);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	tb_put(out, buf, cap - z.avail_out);
	deflateEnd(&z);
	free(buf);
}

static void zstd_frame(tb *out, const void *data, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	void *buf = malloc(cap);
	size_t k = ZSTD_compress(buf, cap, data, n, 3);
	assert_false(ZSTD_isError(k));
	tb_put(out, buf, k);
	free(buf);
}

/* Read all of s in reads of varying sizes (small, large) into a new buffer. */
static int read_all(vakt_src *s, unsigned char **ret, size_t *ret_len, vakt_error **err)
{
	static const size_t sizes[] = {1, 7, 512, 100000, 3, 300000, 4096, 65536};
	tb o = {0};
	unsigned char *buf = malloc(300000);
	size_t got, i = 0;
	int r;
	do {
		size_t want = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];
		r = vakt_src_read(s, buf, want, &got, err);
		if (r < 0)
			break;
		tb_put(&o, buf, got);
		if (got < want) {
			/* the end: stays there */
			r = vakt_src_read(s, buf, 10, &got, err);
			assert_int_equal(r, 0);
			assert_int_equal(got, 0);
			break;
		}
	} while (1);
	free(buf);
	if (r < 0) {
		tb_free(&o);
		return r;
	}
	*ret = o.d;
	*ret_len = o.len;
	return 0;
}

static char *tmpdir;

static char *tmp_path(const char *name)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	return p;
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return 0;
}

static void assert_err_at(int r, vakt_error **err, int code, const char *needle, int line)
{
	if (r != code)
		fail_msg("line %d: expected code %d, got %d (%s)", line, code, r,
			 *err ? (*err)->msg : "no error");
	assert_non_null(*err);
	if (needle && !strstr((*err)->msg, needle))
		fail_msg("line %d: message '%s' lacks '%s'", line, (*err)->msg, needle);
	*err = vakt_error_free(*err);
}
#define assert_err(r, err, code, needle) assert_err_at((r), (err), (code), (needle), __LINE__)

/* ---- sources ------------------------------------------------------------------------- */

static void test_mem_source(void **state)
{
	(void)state;
	const char data[] = "0123456789abcdef";
	vakt_error *err = NULL;
	vakt_src *s = vakt_src_mem(data, 16, "m");
	char buf[32];
	size_t got;
	assert_true(vakt_src_seekable(s));
	assert_string_equal(vakt_src_name(s), "m");
	assert_int_equal(vakt_src_read(s, buf, 3, &got, &err), 0);
	assert_int_equal(got, 3);
	assert_memory_equal(buf, "012", 3);
	assert_int_equal(vakt_src_skip(s, 5, &err), 0);
	assert_int_equal(vakt_src_offset(s), 8);
	assert_int_equal(vakt_src_remaining(s), 8);
	assert_int_equal(vakt_src_read_full(s, buf, 2, &err), 0);
	assert_memory_equal(buf, "89", 2);
	assert_err(vakt_src_skip(s, 7, &err), &err, VAKT_E_PARSE, "truncated");
	assert_int_equal(vakt_src_offset(s), 10); /* a refused skip consumes nothing */
	assert_err(vakt_src_read_full(s, buf, 7, &err), &err, VAKT_E_PARSE, "m: truncated");
	assert_int_equal(vakt_src_read(s, buf, 7, &got, &err), 0);
	assert_int_equal(got, 0);
	assert_int_equal(vakt_src_skip(s, 0, &err), 0);
	vakt_src_free(s);
	assert_null(vakt_src_free(NULL));
	assert_string_equal(vakt_compression_name(VAKT_COMP_GZIP), "gzip");
	assert_string_equal(vakt_compression_name(VAKT_COMP_ZSTD), "zstd");
	assert_string_equal(vakt_compression_name(VAKT_COMP_NONE), "none");
}

static void test_file_window(void **state)
{
	(void)state;
	size_t n = 300000;
	unsigned char *p = pattern(n, 1);
	char *path = tmp_path("window.bin");
	write_file(path, p, n);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	vakt_error *err = NULL;
	unsigned char buf[200000];

	/* the window [1000, 1000+250000): small reads, a skip, a large read, the end */
	vakt_src *s = vakt_src_file_window(fd, 1000, 250000, "blob");
	assert_true(vakt_src_seekable(s));
	assert_int_equal(vakt_src_read_full(s, buf, 10, &err), 0);
	assert_memory_equal(buf, p + 1000, 10);
	assert_int_equal(vakt_src_skip(s, 100, &err), 0);
	assert_int_equal(vakt_src_read_full(s, buf, 512, &err), 0);
	assert_memory_equal(buf, p + 1110, 512);
	assert_int_equal(vakt_src_skip(s, 50000, &err), 0);
	assert_int_equal(vakt_src_offset(s), 50622);
	size_t got;
	assert_int_equal(vakt_src_read(s, buf, sizeof(buf), &got, &err), 0);
	assert_int_equal(got, 199378);
	assert_memory_equal(buf, p + 51622, got);
	assert_int_equal(vakt_src_remaining(s), 0);
	assert_int_equal(vakt_src_read(s, buf, 1, &got, &err), 0);
	assert_int_equal(got, 0);
	vakt_src_free(s);

	/* a skip does not read: a window past the end of the file can be skipped over, and
	 * only the read that follows notices the file is short */
	s = vakt_src_file_window(fd, 0, n + 100000, "short");
	assert_int_equal(vakt_src_skip(s, n + 50000, &err), 0);
	assert_err(vakt_src_read(s, buf, 10, &got, &err), &err, VAKT_E_PARSE, "short: truncated");
	vakt_src_free(s);

	/* read everything through mixed read sizes */
	s = vakt_src_file_window(fd, 7, n - 7, "all");
	unsigned char *all;
	size_t all_len;
	assert_int_equal(read_all(s, &all, &all_len, &err), 0);
	assert_int_equal(all_len, n - 7);
	assert_memory_equal(all, p + 7, n - 7);
	free(all);
	vakt_src_free(s);

	/* a bad fd is an I/O error */
	s = vakt_src_file_window(-1, 0, 10, "badfd");
	assert_err(vakt_src_read(s, buf, 10, &got, &err), &err, VAKT_E_IO, "badfd");
	vakt_src_free(s);

	close(fd);
	free(path);
	free(p);
}

/* A child writes n pattern bytes into a pipe in odd-sized pieces; returns the read end. */
static int pipe_feed(const unsigned char *p, size_t n, pid_t *ret_pid)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		size_t off = 0, step = 1;
		while (off < n) {
			size_t k = step < n - off ? step : n - off;
			if (write(fds[1], p + off, k) != (ssize_t)k)
				_exit(1);
			off += k;
			step = step * 3 + 1;
			if (step > 70000)
				step = 1;
		}
		_exit(0);
	}
	close(fds[1]);
	*ret_pid = pid;
	return fds[0];
}

static void test_stream_and_sub(void **state)
{
	(void)state;
	size_t n = 1000000;
	unsigned char *p = pattern(n, 2);
	pid_t pid;
	int fd = pipe_feed(p, n, &pid);
	vakt_error *err = NULL;
	unsigned char buf[100000];
	size_t got;

	vakt_src *s = vakt_src_stream(fd, "stdin");
	assert_false(vakt_src_seekable(s));
	assert_int_equal(vakt_src_remaining(s), UINT64_MAX);
	assert_int_equal(vakt_src_read_full(s, buf, 100, &err), 0);
	assert_memory_equal(buf, p, 100);
	assert_int_equal(vakt_src_skip(s, 200000, &err), 0);

	/* a sub-window of 300000 bytes at 200100 */
	vakt_src *sub = vakt_src_sub(s, 300000, "inner");
	assert_false(vakt_src_seekable(sub));
	assert_int_equal(vakt_src_remaining(sub), 300000);
	assert_int_equal(vakt_src_read_full(sub, buf, 512, &err), 0);
	assert_memory_equal(buf, p + 200100, 512);
	assert_int_equal(vakt_src_skip(sub, 150000, &err), 0);
	assert_int_equal(vakt_src_read(sub, buf, sizeof(buf), &got, &err), 0);
	assert_int_equal(got, sizeof(buf));
	assert_memory_equal(buf, p + 350612, got);
	assert_err(vakt_src_skip(sub, 60000, &err), &err, VAKT_E_PARSE, "inner: truncated");
	assert_int_equal(vakt_src_read(sub, buf, sizeof(buf), &got, &err), 0);
	assert_int_equal(got, 300000 - 512 - 150000 - 100000);
	assert_int_equal(vakt_src_read(sub, buf, 10, &got, &err), 0);
	assert_int_equal(got, 0); /* past len: EOF, the parent is not touched */
	assert_int_equal(vakt_src_offset(s), 500100);
	uint64_t left = vakt_src_remaining(sub);
	vakt_src_free(sub);
	assert_int_equal(vakt_src_skip(s, left, &err), 0);

	/* the rest of the stream, then the end; skipping past the end is an error */
	assert_int_equal(vakt_src_read_full(s, buf, 10, &err), 0);
	assert_memory_equal(buf, p + 500100, 10);
	uint64_t skipped = 0;
	assert_int_equal(vakt_src_skip_to_end(s, &skipped, &err), 0);
	assert_int_equal(skipped, n - 500110);
	assert_int_equal(vakt_src_offset(s), n);
	assert_err(vakt_src_skip(s, 1, &err), &err, VAKT_E_PARSE, "stdin: truncated");
	vakt_src_free(s);
	close(fd);
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* a sub-window whose parent ends early */
	vakt_src *m = vakt_src_mem(p, 100, "short-parent");
	sub = vakt_src_sub(m, 200, "sub");
	assert_true(vakt_src_seekable(sub));
	assert_err(vakt_src_read(sub, buf, 150, &got, &err), &err, VAKT_E_PARSE, "truncated");
	vakt_src_free(sub);
	vakt_src_free(m);
	free(p);
}

static void digest_of(const void *data, size_t n, const size_t *ops, size_t nops,
		      const char *want)
{
	vakt_error *err = NULL;
	unsigned char buf[64];
	char hex[72];
	vakt_src *s = vakt_src_digest(vakt_src_mem(data, n, "d"));
	assert_false(vakt_src_seekable(s));
	/* ops: odd entries read, even entries skip (by index) */
	for (size_t i = 0; i < nops; i++) {
		if (i % 2 == 0)
			assert_int_equal(vakt_src_read_full(s, buf, ops[i], &err), 0);
		else
			assert_int_equal(vakt_src_skip(s, ops[i], &err), 0);
	}
	assert_int_equal(vakt_src_digest_final(s, hex, &err), 0);
	assert_string_equal(hex, want);
	assert_int_equal(vakt_src_digest_final(s, hex, &err), 0); /* again: the same */
	assert_string_equal(hex, want);
	vakt_src_free(s);
}

static void test_digest(void **state)
{
	(void)state;
	const char *abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	size_t read3[] = {3}, skip3[] = {0, 3}, mix[] = {1, 1, 1}, mix2[] = {0, 2, 1};
	digest_of("abc", 3, read3, 1, abc);
	digest_of("abc", 3, skip3, 2, abc);
	digest_of("abc", 3, mix, 3, abc);
	digest_of("abc", 3, mix2, 3, abc);
	digest_of("", 0, NULL, 0,
		  "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	vakt_error *err = NULL;
	char hex[72];
	/* not at the end: refused */
	vakt_src *s = vakt_src_digest(vakt_src_mem("abc", 3, "d"));
	assert_int_equal(vakt_src_skip(s, 2, &err), 0);
	assert_err(vakt_src_digest_final(s, hex, &err), &err, VAKT_E_INVALID, "before the end");
	vakt_src_free(s);
	/* not a digest */
	s = vakt_src_mem("abc", 3, "d");
	assert_err(vakt_src_digest_final(s, hex, &err), &err, VAKT_E_INVALID, NULL);
	vakt_src_free(s);

	/* over a stream of unknown length: the EOF probe must not lose a byte */
	size_t n = 500000;
	unsigned char *p = pattern(n, 3);
	pid_t pid;
	int fd = pipe_feed(p, n, &pid);
	s = vakt_src_digest(vakt_src_stream(fd, "pipe"));
	unsigned char buf[1000];
	assert_int_equal(vakt_src_read_full(s, buf, 1000, &err), 0);
	assert_err(vakt_src_digest_final(s, hex, &err), &err, VAKT_E_INVALID, NULL);
	assert_int_equal(vakt_src_offset(s), 1000);
	assert_int_equal(vakt_src_read_full(s, buf, 10, &err), 0);
	assert_memory_equal(buf, p + 1000, 10);
	assert_int_equal(vakt_src_skip(s, n - 1010 - 1, &err), 0);
	assert_err(vakt_src_digest_final(s, hex, &err), &err, VAKT_E_INVALID, NULL);
	assert_int_equal(vakt_src_read_full(s, buf, 1, &err), 0);
	assert_int_equal(buf[0], p[n - 1]);
	assert_int_equal(vakt_src_digest_final(s, hex, &err), 0);
	/* the same through a memory source */
	vakt_src *m = vakt_src_digest(vakt_src_mem(p, n, "m"));
	uint64_t skipped;
	assert_int_equal(vakt_src_skip_to_end(m, &skipped, &err), 0);
	assert_int_equal(skipped, n);
	char hex2[72];
	assert_int_equal(vakt_src_digest_final(m, hex2, &err), 0);
	assert_string_equal(hex, hex2);
	vakt_src_free(m);
	vakt_src_free(s);
	close(fd);
	waitpid(pid, NULL, 0);
	free(p);
}

/* Decompress `in` with the given budget (0: none) and return the code; *out gets the data. */
static int inflate_all(const tb *in, uint64_t budget, vakt_compression want_kind,
		       unsigned char **out, size_t *out_len, vakt_error **err)
{
	vakt_src_budget b = {budget, budget, "--max-uncompressed"};
	vakt_src *s = NULL;
	vakt_compression kind;
	int r = vakt_src_decompress(vakt_src_mem(in->d, in->len, "layer 1 (sha256:ab12)"),
				    budget ? &b : NULL, &s, &kind, err);
	if (r < 0)
		return r;
	assert_int_equal(kind, want_kind);
	assert_false(vakt_src_seekable(s) && kind != VAKT_COMP_NONE);
	r = read_all(s, out, out_len, err);
	vakt_src_free(s);
	return r;
}

static void test_decompress(void **state)
{
	(void)state;
	vakt_error *err = NULL;
	size_t n = 3000000;
	unsigned char *p = pattern(n, 4);
	memset(p + 1000000, 'a', 1000000); /* compressible part */
	unsigned char *out;
	size_t out_len;

	/* none: the peeked bytes are delivered */
	tb raw = {0};
	tb_put(&raw, p, 100000);
	assert_int_equal(inflate_all(&raw, 0, VAKT_COMP_NONE, &out, &out_len, &err), 0);
	assert_int_equal(out_len, 100000);
	assert_memory_equal(out, p, out_len);
	free(out);
	/* tiny inputs */
	static const struct {
		const char *in;
		size_t n;
	} tiny[] = {{"", 0}, {"\x1f", 1}, {"\x28\xb5\x2f", 3}, {"ab", 2}};
	for (size_t k = 0; k < sizeof(tiny) / sizeof(tiny[0]); k++) {
		tb t = {0};
		tb_put(&t, tiny[k].in, tiny[k].n);
		assert_int_equal(inflate_all(&t, 0, VAKT_COMP_NONE, &out, &out_len, &err), 0);
		assert_int_equal(out_len, tiny[k].n);
		assert_memory_equal(out, tiny[k].in, tiny[k].n);
		free(out);
		tb_free(&t);
	}
	tb t2 = {0};
	tb_put(&t2, "\x1f\x8b", 2);
	assert_err(inflate_all(&t2, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "truncated gzip");
	tb_free(&t2);

	/* gzip, one member and three (one of them empty), then zero padding */
	tb gz = {0};
	gzip_member(&gz, p, n, 6);
	assert_int_equal(inflate_all(&gz, 0, VAKT_COMP_GZIP, &out, &out_len, &err), 0);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, p, n);
	free(out);
	tb gz3 = {0};
	gzip_member(&gz3, p, 1000, 1);
	gzip_member(&gz3, p, 0, 9);
	gzip_member(&gz3, p + 1000, n - 1000, 6);
	tb_zeros(&gz3, 10000);
	assert_int_equal(inflate_all(&gz3, n, VAKT_COMP_GZIP, &out, &out_len, &err), 0);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, p, n);
	free(out);

	/* trailing garbage after the stream, and after the padding */
	tb g = {0};
	tb_put(&g, gz.d, gz.len);
	tb_put(&g, "junk", 4);
	assert_err(inflate_all(&g, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "after the gzip stream");
	g.len = gz.len;
	tb_zeros(&g, 100);
	tb_put(&g, "\x1f\x8b", 2);
	assert_err(inflate_all(&g, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "zero padding");
	/* a second member that is not gzip after all */
	g.len = gz.len;
	tb_put(&g, "\x1f\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10);
	assert_err(inflate_all(&g, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "corrupt gzip");

	/* truncated at various points, and corrupt */
	size_t cuts[] = {2, 10, 100, gz.len / 2, gz.len - 5, gz.len - 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		tb c = {0};
		tb_put(&c, gz.d, cuts[i]);
		assert_err(inflate_all(&c, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err,
			   VAKT_E_PARSE, "truncated");
		tb_free(&c);
	}
	tb c = {0};
	tb_put(&c, gz.d, gz.len);
	for (size_t i = 200; i < 260; i++)
		c.d[i] ^= 0x55;
	assert_err(inflate_all(&c, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "layer 1 (sha256:ab12): corrupt gzip data at compressed offset");
	tb_free(&c);
	/* a bad CRC at the end */
	tb_put(&c, gz.d, gz.len);
	c.d[gz.len - 6] ^= 1;
	assert_err(inflate_all(&c, 0, VAKT_COMP_GZIP, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "incorrect data check");
	tb_free(&c);

	/* budget: exactly enough is fine, one byte less is not */
	assert_int_equal(inflate_all(&gz, n, VAKT_COMP_GZIP, &out, &out_len, &err), 0);
	free(out);
	assert_err(inflate_all(&gz, n - 1, VAKT_COMP_GZIP, &out, &out_len, &err), &err,
		   VAKT_E_LIMIT, "layer 1 (sha256:ab12): decompressed data exceeds the limit of");

	/* zstd: one frame; a skippable frame and three frames; trailing garbage; truncated */
	tb zs = {0};
	zstd_frame(&zs, p, n);
	assert_int_equal(inflate_all(&zs, 0, VAKT_COMP_ZSTD, &out, &out_len, &err), 0);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, p, n);
	free(out);
	tb zs3 = {0};
	tb_put(&zs3, "\x5a\x2a\x4d\x18\x05\x00\x00\x00hello", 13); /* skippable, 5 bytes */
	zstd_frame(&zs3, p, 1000);
	zstd_frame(&zs3, p, 0);
	zstd_frame(&zs3, p + 1000, n - 1000);
	assert_int_equal(inflate_all(&zs3, n, VAKT_COMP_ZSTD, &out, &out_len, &err), 0);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, p, n);
	free(out);
	assert_err(inflate_all(&zs3, n - 1, VAKT_COMP_ZSTD, &out, &out_len, &err), &err,
		   VAKT_E_LIMIT, "--max-uncompressed");
	tb z = {0};
	tb_put(&z, zs.d, zs.len);
	tb_zeros(&z, 8);
	assert_err(inflate_all(&z, 0, VAKT_COMP_ZSTD, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "corrupt zstd data");
	tb_free(&z);
	size_t zcuts[] = {4, 6, 20, zs.len / 2, zs.len - 1};
	for (size_t i = 0; i < sizeof(zcuts) / sizeof(zcuts[0]); i++) {
		tb_put(&z, zs.d, zcuts[i]);
		assert_err(inflate_all(&z, 0, VAKT_COMP_ZSTD, &out, &out_len, &err), &err,
			   VAKT_E_PARSE, "truncated zstd");
		tb_free(&z);
	}
	tb_put(&z, zs.d, zs.len);
	z.d[4] |= 0x08; /* a reserved bit of the frame header */
	assert_err(inflate_all(&z, 0, VAKT_COMP_ZSTD, &out, &out_len, &err), &err, VAKT_E_PARSE,
		   "corrupt zstd data at compressed offset");
	tb_free(&z);

	tb_free(&raw);
	tb_free(&gz);
	tb_free(&gz3);
	tb_free(&g);
	tb_free(&zs);
	tb_free(&zs3);
	free(p);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 100 MB of zeros against a 10 MiB budget: VAKT_E_LIMIT after about 10 MiB of work. */
static void test_bombs(void **state)
{
	(void)state;
	size_t n = 100u << 20;
	unsigned char *zeros = calloc(1, n);
	tb gz = {0}, zs = {0};
	gzip_member(&gz, zeros, n, 9);
	zstd_frame(&zs, zeros, n);
	free(zeros);
	assert_true(gz.len < 200000 && zs.len < 20000);
	tb *bombs[] = {&gz, &zs};
	for (int i = 0; i < 2; i++) {
		vakt_error *err = NULL;
		vakt_src_budget b = {10u << 20, 10u << 20, "--max-uncompressed"};
		vakt_src *s = NULL;
		assert_int_equal(vakt_src_decompress(vakt_src_mem(bombs[i]->d, bombs[i]->len, "bomb"),
						     &b, &s, NULL, &err),
				 0);
		double t0 = now();
		assert_err(vakt_src_skip(s, UINT64_MAX / 2, &err), &err, VAKT_E_LIMIT,
			   "bomb: decompressed data exceeds the limit of 10 MiB (--max-uncompressed raises it)");
		assert_true(now() - t0 < 2.0);
		assert_int_equal(b.left, 0);
		/* the budget is shared: a second decompressor stops at once */
		vakt_src *s2 = NULL;
		assert_int_equal(vakt_src_decompress(vakt_src_mem(bombs[i]->d, bombs[i]->len, "bomb2"),
						     &b, &s2, NULL, &err),
				 0);
		unsigned char buf[100];
		size_t got;
		assert_err(vakt_src_read(s2, buf, sizeof(buf), &got, &err), &err, VAKT_E_LIMIT,
			   "bomb2");
		vakt_src_free(s2);
		vakt_src_free(s);
	}
	tb_free(&gz);
	tb_free(&zs);
}

/* Decompressor over digest over file window, as the image reader stacks them. */
static void test_stack(void **state)
{
	(void)state;
	size_t n = 2000000;
	unsigned char *p = pattern(n, 5);
	tb gz = {0};
	tb_zeros(&gz, 777); /* other bytes before the blob in the file */
	gzip_member(&gz, p, n, 1);
	size_t blob_len = gz.len - 777;
	tb_zeros(&gz, 333); /* and after */
	char *path = tmp_path("stack.bin");
	write_file(path, gz.d, gz.len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	vakt_error *err = NULL;

	/* the digest of the compressed blob, computed over the whole window */
	vakt_src *w = vakt_src_digest(vakt_src_mem(gz.d + 777, blob_len, "ref"));
	char want[72], got_hex[72];
	assert_int_equal(vakt_src_skip(w, blob_len, &err), 0);
	assert_int_equal(vakt_src_digest_final(w, want, &err), 0);
	vakt_src_free(w);

	vakt_src *dig = vakt_src_digest(vakt_src_file_window(fd, 777, blob_len, "layer"));
	vakt_src *s;
	vakt_compression kind;
	assert_int_equal(vakt_src_decompress(dig, NULL, &s, &kind, &err), 0);
	assert_int_equal(kind, VAKT_COMP_GZIP);
	unsigned char *buf = malloc(n);
	assert_int_equal(vakt_src_read_full(s, buf, 512, &err), 0);
	assert_int_equal(vakt_src_skip(s, 100000, &err), 0);
	assert_int_equal(vakt_src_read_full(s, buf + 100512, 200000, &err), 0);
	assert_memory_equal(buf, p, 512);
	assert_memory_equal(buf + 100512, p + 100512, 200000);
	assert_int_equal(vakt_src_offset(s), 300512);
	uint64_t skipped;
	assert_int_equal(vakt_src_skip_to_end(s, &skipped, &err), 0);
	assert_int_equal(skipped, n - 300512);
	assert_int_equal(vakt_src_digest_final(dig, got_hex, &err), 0);
	assert_string_equal(got_hex, want);
	vakt_src_free(s);
	free(buf);
	close(fd);
	free(path);
	tb_free(&gz);
	free(p);
}

/* ---- tar ------------------------------------------------------------------------------- */

static void test_tar_basic(void **state)
{
	(void)state;
	tb a = {0};
	unsigned char *p = pattern(5000, 6);
	tb_entry(&a, "etc/", '5', NULL, 0, NULL);
	tb_entry(&a, "etc/hosts", '0', p, 1000, NULL);
	tb_entry(&a, "etc/empty", '0', NULL, 0, NULL);
	tb_entry(&a, "etc/old", '\0', p, 512, NULL);
	tb_entry(&a, "etc/olddir/", '\0', NULL, 0, NULL);
	tb_entry(&a, "etc/cont", '7', p, 3, NULL);
	tb_entry(&a, "bin/sh", '2', NULL, 0, "dash");
	tb_entry(&a, "bin/hard", '1', NULL, 0, "etc/hosts");
	tb_entry(&a, "dev/null", '3', NULL, 0, NULL);
	tb_entry(&a, "dev/sda", '4', NULL, 0, NULL);
	tb_entry(&a, "run/fifo", '6', NULL, 0, NULL);
	tb_entry(&a, "vol", 'V', NULL, 0, NULL);
	tb_entry(&a, "x/unknown", 'Z', p, 600, NULL);
	tb_entry(&a, "big", '0', p, 5000, NULL);
	tb_end(&a);
	const char *want = "d etc/ 0@512\n"
			   "f etc/hosts 1000@1024\n"
			   "f etc/empty 0@2560\n"
			   "f etc/old 512@3072\n"
			   "d etc/olddir/ 0@4096\n"
			   "f etc/cont 3@4608\n"
			   "l bin/sh -> dash 0@5632\n"
			   "h bin/hard -> etc/hosts 0@6144\n"
			   "c dev/null 0@6656\n"
			   "b dev/sda 0@7168\n"
			   "p run/fifo 0@7680\n"
			   "o vol 0@8192\n"
			   "o x/unknown 600@8704\n"
			   "f big 5000@10240\n";
	size_t chunks[] = {0, 1, 100, 512, 4096, 100000};
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *l = walk_mem(&a, chunks[i]);
		assert_string_equal(l, want);
		free(l);
	}

	/* fields, offsets and partial reads */
	vakt_error *err = NULL;
	vakt_src *s = vakt_src_mem(a.d, a.len, "t");
	vakt_tar *t = vakt_tar_new(s);
	const vakt_tar_entry *e;
	unsigned char buf[600];
	size_t got;
	assert_int_equal(vakt_tar_read(t, buf, 10, &got, &err), 0); /* no entry yet */
	assert_int_equal(got, 0);
	assert_int_equal(vakt_tar_next(t, &e, &err), 1);
	assert_int_equal(e->type, VAKT_TAR_DIR);
	assert_int_equal(e->typeflag, '5');
	assert_int_equal(e->mode, 0644);
	assert_int_equal(e->uid, 1000);
	assert_int_equal(e->gid, 1001);
	assert_int_equal(e->mtime, 1700000000);
	assert_int_equal(e->offset, 0);
	assert_int_equal(vakt_tar_next(t, &e, &err), 1);
	assert_string_equal(e->path, "etc/hosts");
	assert_int_equal(e->offset, 512);
	assert_int_equal(vakt_tar_body_left(t), 1000);
	assert_int_equal(vakt_tar_read(t, buf, 600, &got, &err), 0);
	assert_int_equal(got, 600);
	assert_memory_equal(buf, p, 600);
	assert_int_equal(vakt_tar_body_left(t), 400);
	assert_int_equal(vakt_tar_read(t, buf, 600, &got, &err), 0);
	assert_int_equal(got, 400);
	assert_memory_equal(buf, p + 600, 400);
	assert_int_equal(vakt_tar_read(t, buf, 600, &got, &err), 0);
	assert_int_equal(got, 0);
	assert_int_equal(vakt_tar_next(t, &e, &err), 1); /* etc/empty */
	assert_int_equal(vakt_tar_next(t, &e, &err), 1); /* etc/old: read 10 bytes, skip rest */
	assert_int_equal(vakt_tar_read(t, buf, 10, &got, &err), 0);
	assert_memory_equal(buf, p, 10);
	assert_int_equal(vakt_tar_next(t, &e, &err), 1);
	assert_string_equal(e->path, "etc/olddir/");
	int r;
	while ((r = vakt_tar_next(t, &e, &err)) == 1)
		;
	assert_int_equal(r, 0);
	assert_false(vakt_tar_truncated(t));
	assert_int_equal(vakt_tar_count(t), 14);
	assert_int_equal(vakt_tar_next(t, &e, &err), 0); /* stays at the end */
	vakt_tar_free(t);
	vakt_src_free(s);
	tb_free(&a);
	free(p);
}

static void test_tar_end_marker(void **state)
{
	(void)state;
	tb a = {0};
	tb_entry(&a, "a", '0', "hello", 5, NULL);
	size_t one = a.len;

	/* no marker at all: the end, flagged truncated */
	char *l = walk_mem(&a, 0);
	assert_string_equal(l, "f a 5@512\n(truncated)\n");
	free(l);
	/* one zero block, then EOF: fine */
	tb_zeros(&a, 512);
	l = walk_mem(&a, 0);
	assert_string_equal(l, "f a 5@512\n");
	free(l);
	/* two, then more zeros (a 10240-byte record): fine */
	tb_zeros(&a, 9000);
	l = walk_mem(&a, 0);
	assert_string_equal(l, "f a 5@512\n");
	free(l);
	/* two zero blocks, then garbage: not read */
	a.len = one + 1024;
	tb_put(&a, "garbage", 7);
	l = walk_mem(&a, 0);
	assert_string_equal(l, "f a 5@512\n");
	free(l);
	/* a lone zero block, then a header */
	a.len = one + 512;
	tb_entry(&a, "hidden", '0', "x", 1, NULL);
	walk_mem_fails(&a, VAKT_E_PARSE, "lone zero block at offset 1024");
	/* one zero block and part of another */
	a.len = one + 700;
	walk_mem_fails(&a, VAKT_E_PARSE, "end-of-archive marker");
	/* EOF inside a header */
	a.len = one + 100;
	walk_mem_fails(&a, VAKT_E_PARSE, "ends at offset 1124 inside a tar header");
	/* EOF inside the body: by skipping, and by reading */
	a.len = 515;
	walk_mem_fails(&a, VAKT_E_PARSE, "truncated");
	{
		vakt_error *err = NULL;
		vakt_src *s = vakt_src_mem(a.d, a.len, "t");
		vakt_tar *t = vakt_tar_new(s);
		const vakt_tar_entry *e;
		assert_err(vakt_tar_next(t, &e, &err), &err, VAKT_E_PARSE, "truncated");
		vakt_tar_free(t);
		vakt_src_free(s);
	}
	/* the body ends exactly, without padding or marker */
	a.len = 517;
	l = walk_mem(&a, 0);
	assert_string_equal(l, "f a 5@512\n(truncated)\n");
	free(l);
	/* padding cut short */
	a.len = 600;
	walk_mem_fails(&a, VAKT_E_PARSE, "truncated");
	/* empty archive */
	a.len = 0;
	l = walk_mem(&a, 0);
	assert_string_equal(l, "(truncated)\n");
	free(l);
	tb_free(&a);
}

/* The same archives through a pipe (unknown length): EOF handling without a length. */
static void test_tar_stream(void **state)
{
	(void)state;
	tb a = {0};
	tb_entry(&a, "a", '0', "hello", 5, NULL);
	tb_entry(&a, "b", '0', "world!", 6, NULL);
	size_t cuts[] = {a.len, a.len - 512 + 6, a.len - 512 + 100, a.len - 100, a.len + 1024};
	const char *want[] = {"f a 5@512\nf b 6@1536\n(truncated)\n",
			      "f a 5@512\nf b 6@1536\n(truncated)\n", NULL, NULL,
			      "f a 5@512\nf b 6@1536\n"};
	tb_end(&a);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		pid_t pid;
		int fd = pipe_feed(a.d, cuts[i], &pid);
		vakt_src *s = vakt_src_stream(fd, "pipe");
		vakt_error *err = NULL;
		char *l = NULL;
		int r = walk(s, i % 2 ? 3 : 0, &l, &err);
		if (want[i]) {
			if (r < 0)
				fail_msg("cut %zu: %s", cuts[i], err->msg);
			assert_string_equal(l, want[i]);
		} else {
			assert_err(r, &err, VAKT_E_PARSE, "truncated");
		}
		free(l);
		vakt_src_free(s);
		close(fd);
		waitpid(pid, NULL, 0);
	}
	tb_free(&a);
}

static void test_tar_headers(void **state)
{
	(void)state;
	tb a = {0};
	unsigned char h[512];

	/* a ustar prefix */
	char name[101], prefix[156];
	memset(name, 'n', 100);
	name[100] = 0;
	memset(prefix, 'p', 155);
	prefix[155] = 0;
	hdr_make(h, name, '0', 0, NULL);
	memcpy(h + 345, prefix, 155);
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	/* a GNU header ("ustar  \0"): the prefix area is not a prefix */
	hdr_make(h, "gnu", '0', 0, NULL);
	memcpy(h + 257, "ustar  \0", 8);
	memcpy(h + 345, "junk", 4);
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	/* v7 (no magic) */
	hdr_make(h, "v7", '0', 2, NULL);
	memset(h + 257, 0, 8);
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	tb_put(&a, "hi", 2);
	tb_pad(&a);
	/* a signed checksum (a byte >= 0x80 in the name) */
	hdr_make(h, "caf\xc3\xa9", '0', 0, NULL);
	hdr_checksum(h, true);
	tb_put(&a, h, 512);
	/* base-256 numbers: size 3, uid 2^40, negative mtime; octal with spaces */
	hdr_make(h, "b256", '0', 0, NULL);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 3;
	memset(h + 108, 0, 8);
	h[108] = 0x80;
	h[110] = 1;
	memset(h + 136, 0xff, 12);
	memcpy(h + 100, "  755 \0\0", 8);
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	tb_put(&a, "abc", 3);
	tb_pad(&a);
	tb_end(&a);

	char want[1024];
	snprintf(want, sizeof(want),
		 "f %s/%s 0@512\nf gnu 0@1024\nf v7 2@1536\nf caf\xc3\xa9 0@2560\nf b256 3@3072\n",
		 prefix, name);
	char *l = walk_mem(&a, 1);
	assert_string_equal(l, want);
	free(l);
	{
		vakt_error *err = NULL;
		vakt_src *s = vakt_src_mem(a.d, a.len, "t");
		vakt_tar *t = vakt_tar_new(s);
		const vakt_tar_entry *e;
		for (int i = 0; i < 5; i++)
			assert_int_equal(vakt_tar_next(t, &e, &err), 1);
		assert_int_equal(e->uid, (uint64_t)1 << 40);
		assert_int_equal(e->mtime, -1);
		assert_int_equal(e->mode, 0755);
		vakt_tar_free(t);
		vakt_src_free(s);
	}

	/* a star header: 131-byte prefix, "tar\0" at 508 */
	tb_free(&a);
	hdr_make(h, "file", '0', 0, NULL);
	memcpy(h + 345, "dir", 3);
	memset(h + 476, '7', 12); /* star's atime field, not part of the prefix */
	memcpy(h + 508, "tar\0", 4);
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	l = walk_mem(&a, 0);
	assert_string_equal(l, "f dir/file 0@512\n(truncated)\n");
	free(l);

	/* bad checksum; not a tar header */
	tb_free(&a);
	hdr_make(h, "x", '0', 0, NULL);
	h[0] = 'y';
	tb_put(&a, h, 512);
	walk_mem_fails(&a, VAKT_E_PARSE, "test.tar: bad tar header checksum at offset 0");
	tb_free(&a);
	tb_entry(&a, "ok", '0', NULL, 0, NULL);
	tb_zeros(&a, 512);
	memset(a.d + 512, 'A', 512);
	walk_mem_fails(&a, VAKT_E_PARSE, "not a tar header at offset 512");
	tb_free(&a);

	/* bad numeric fields */
	const struct {
		size_t off, len; /* the field, all of it replaced by val */
		const char *val;
		const char *msg;
	} bad[] = {
		{124, 12, "0000000008\0\0", "bad size field"},
		{124, 12, "12 3\0\0\0\0\0\0\0\0", "bad size field"},
		{100, 8, "abc\0\0\0\0\0", "bad mode field"},
		{108, 8, "\xff\xff\xff\xff\xff\xff\xff\xfe", "bad uid field"}, /* -2 */
		{136, 12, "\x80\x80\0\0\0\0\0\0\0\0\0\0", "bad mtime field"}, /* >= 2^63 */
		{124, 12, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "bad size field"},
		{148, 8, "\0\0\0\0\0\0\0\0", "bad tar header checksum"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr_make(h, "f", '0', 0, NULL);
		memcpy(h + bad[i].off, bad[i].val, bad[i].len);
		if (bad[i].off != 148)
			hdr_checksum(h, false);
		tb_put(&a, h, 512);
		walk_mem_fails(&a, VAKT_E_PARSE, bad[i].msg);
		tb_free(&a);
	}

	/* a huge base-256 size on a known-length source: refused, not skipped */
	hdr_make(h, "huge", '0', 0, NULL);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[131] = 0x02; /* 2 * 2^32 = 8 GiB */
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	tb_put(&a, "abc", 3);
	walk_mem_fails(&a, VAKT_E_PARSE, "has 8589934592 bytes but only 3 follow");
	tb_free(&a);
}

static void test_tar_pax(void **state)
{
	(void)state;
	tb a = {0}, r = {0};
	char longp[5000];
	memset(longp, 'q', sizeof(longp));
	longp[300] = '\0';

	pax_rec(&r, "path", longp);
	pax_rec(&r, "mtime", "1234567890.123456789");
	pax_rec(&r, "uid", "4000000000");
	pax_rec(&r, "gid", "7");
	pax_rec(&r, "SCHILY.xattr.user.x", "v\0w");
	pax_rec(&r, "comment", "=== with = signs");
	tb_meta(&a, 'x', r.d, r.len);
	tb_entry(&a, "short", '0', "data", 4, NULL);
	tb_free(&r);
	/* a global header, ignored */
	pax_rec(&r, "path", "global-name");
	tb_meta(&a, 'g', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "after-global", '0', NULL, 0, NULL);
	/* linkpath; size larger than the header says; empty path keeps the header's */
	pax_rec(&r, "linkpath", longp);
	pax_rec(&r, "path", "");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "sym", '2', NULL, 0, NULL);
	pax_rec(&r, "size", "700");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	{
		unsigned char h[512];
		unsigned char *p = pattern(700, 7);
		hdr_make(h, "sized", '0', 0, NULL);
		tb_put(&a, h, 512);
		tb_put(&a, p, 700);
		tb_pad(&a);
		free(p);
	}
	/* two 'x' headers: the last one wins entirely */
	pax_rec(&r, "path", "first");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	pax_rec(&r, "uid", "5");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "second", '0', NULL, 0, NULL);
	/* a pax sparse file: OTHER under its real name */
	pax_rec(&r, "GNU.sparse.major", "1");
	pax_rec(&r, "GNU.sparse.minor", "0");
	pax_rec(&r, "GNU.sparse.name", "real/name");
	pax_rec(&r, "GNU.sparse.realsize", "100000");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "GNUSparseFile.0/name", '0', "1\n0\n10\nabcdefghij", 17, NULL);
	/* pax on a hardlink with a size: no body all the same (as Go) */
	pax_rec(&r, "size", "1000");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "hl", '1', NULL, 0, "short");
	tb_end(&a);

	char want[12000];
	snprintf(want, sizeof(want),
		 "f %s 4@1536\nf after-global 0@3584\nl sym -> %s 0@5120\nf sized 700@6656\n"
		 "f second 0@10240\no real/name 17@11776\nh hl -> short 0@13824\n",
		 longp, longp);
	char *l = walk_mem(&a, 64);
	assert_string_equal(l, want);
	free(l);
	{
		vakt_error *err = NULL;
		vakt_src *s = vakt_src_mem(a.d, a.len, "t");
		vakt_tar *t = vakt_tar_new(s);
		const vakt_tar_entry *e;
		assert_int_equal(vakt_tar_next(t, &e, &err), 1);
		assert_int_equal(e->offset, 0);
		assert_int_equal(e->mtime, 1234567890);
		assert_int_equal(e->uid, 4000000000u);
		assert_int_equal(e->gid, 7);
		for (int i = 0; i < 4; i++)
			assert_int_equal(vakt_tar_next(t, &e, &err), 1);
		assert_string_equal(e->path, "second");
		assert_int_equal(e->uid, 5);
		assert_int_equal(e->offset, 7680);
		vakt_tar_free(t);
		vakt_src_free(s);
	}
	tb_free(&a);

	/* malformed records: each alone in a pax header */
	static const struct {
		const char *rec;
		size_t len;
	} badrec[] = {
		{"5 a=\n", 0},                 /* fine: control */
		{"6 a=\n", 0},                 /* length too long */
		{"4 a=\n", 0},                 /* too short */
		{"5 a=x", 0},                  /* no newline */
		{"05 =x\n", 0},                /* empty key */
		{"6 abc\n", 0},                /* no '=' */
		{"a 5=x\n", 0},                /* not a number */
		{" 6 a=\n", 0},                /* leading space */
		{"99999999999999999999 a=b\n", 0},
		{"12 path=a\0b\n", 12},        /* NUL in a path */
		{"11 size=-1\n", 0},
		{"11 size=1x\n", 0},
		{"8 size=\n", 0},              /* empty size: fine, keeps the header's */
		{"19 mtime=12.3.4   \n", 0},
		{"13 uid=99e99\n", 0},
		{"6 a=b\nX", 0},               /* trailing garbage */
		{"5 a=\n\0", 6},               /* trailing NUL */
	};
	for (size_t i = 0; i < sizeof(badrec) / sizeof(badrec[0]); i++) {
		size_t n = badrec[i].len ? badrec[i].len : strlen(badrec[i].rec);
		tb_meta(&a, 'x', badrec[i].rec, n);
		tb_entry(&a, "f", '0', NULL, 0, NULL);
		tb_end(&a);
		if (i == 0 || i == 12) {
			char *ok = walk_mem(&a, 0);
			assert_string_equal(ok, "f f 0@1536\n");
			free(ok);
		} else {
			walk_mem_fails(&a, VAKT_E_PARSE, "pax");
		}
		tb_free(&a);
	}
	/* the size must fit what follows */
	pax_rec(&r, "size", "99999999999");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "f", '0', NULL, 0, NULL);
	walk_mem_fails(&a, VAKT_E_PARSE, "truncated");
	tb_free(&a);

	/* limits: a path longer than VAKT_TAR_MAX_PATH; a header larger than the limit */
	memset(longp, 'q', sizeof(longp));
	longp[VAKT_TAR_MAX_PATH + 1] = '\0';
	pax_rec(&r, "path", longp);
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "f", '0', NULL, 0, NULL);
	walk_mem_fails(&a, VAKT_E_LIMIT, "longer than 4096 bytes");
	tb_free(&a);
	longp[VAKT_TAR_MAX_PATH] = '\0'; /* exactly the maximum is fine */
	pax_rec(&r, "path", longp);
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_entry(&a, "f", '0', NULL, 0, NULL);
	tb_end(&a);
	l = walk_mem(&a, 0);
	assert_int_equal(strlen(l), 2 + VAKT_TAR_MAX_PATH + 8);
	free(l);
	tb_free(&a);
	unsigned char h[512];
	hdr_make(h, "big-pax", 'x', VAKT_TAR_MAX_META + 1, NULL);
	tb_put(&a, h, 512);
	tb_zeros(&a, VAKT_TAR_MAX_META + 1024);
	walk_mem_fails(&a, VAKT_E_LIMIT, "more than the limit");
	tb_free(&a);
	/* too many metadata headers in a row */
	for (int i = 0; i < 65; i++) {
		pax_rec(&r, "path", "x");
		tb_meta(&a, 'g', r.d, r.len);
		tb_free(&r);
	}
	tb_entry(&a, "f", '0', NULL, 0, NULL);
	walk_mem_fails(&a, VAKT_E_LIMIT, "metadata headers in a row");
	tb_free(&a);
	/* a metadata header, then the end */
	pax_rec(&r, "path", "x");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	size_t cut = a.len;
	walk_mem_fails(&a, VAKT_E_PARSE, "after its metadata header");
	tb_end(&a);
	walk_mem_fails(&a, VAKT_E_PARSE, "right after a metadata header");
	a.len = cut - 600; /* inside the pax body */
	walk_mem_fails(&a, VAKT_E_PARSE, "truncated");
	tb_free(&a);
}

static void test_tar_gnu(void **state)
{
	(void)state;
	tb a = {0};
	char longp[5000];
	memset(longp, 'g', sizeof(longp));
	longp[1000] = '\0';
	tb_meta(&a, 'L', longp, 1001);
	tb_meta(&a, 'K', "target/of/the/link", 19);
	tb_entry(&a, "trunc", '2', NULL, 0, "trunc");
	/* the pax and GNU names agree: fine */
	tb r = {0};
	pax_rec(&r, "path", "same");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_meta(&a, 'L', "same", 5);
	tb_entry(&a, "s", '0', NULL, 0, NULL);
	/* old GNU sparse with two extension blocks */
	unsigned char h[512];
	hdr_make(h, "sparse", 'S', 1024, NULL);
	memcpy(h + 257, "ustar  \0", 8);
	h[482] = 1;
	hdr_checksum(h, false);
	tb_put(&a, h, 512);
	unsigned char ext[512] = {0};
	ext[504] = 1;
	tb_put(&a, ext, 512);
	ext[504] = 0;
	tb_put(&a, ext, 512);
	tb_zeros(&a, 1024);
	memset(a.d + a.len - 1024, 'D', 1024);
	tb_entry(&a, "after", '0', "x", 1, NULL);
	tb_end(&a);
	char want[12000];
	snprintf(want, sizeof(want),
		 "l %s -> target/of/the/link 0@3072\nf same 0@5632\no sparse 1024@7168\n"
		 "f after 1@8704\n",
		 longp);
	char *l = walk_mem(&a, 0);
	assert_string_equal(l, want);
	free(l);
	tb_free(&a);

	/* they disagree: refused */
	pax_rec(&r, "path", "pax-name");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_meta(&a, 'L', "gnu-name", 9);
	tb_entry(&a, "s", '0', NULL, 0, NULL);
	walk_mem_fails(&a, VAKT_E_PARSE, "extractors disagree");
	tb_free(&a);
	pax_rec(&r, "linkpath", "pax-name");
	tb_meta(&a, 'x', r.d, r.len);
	tb_free(&r);
	tb_meta(&a, 'K', "gnu-name", 9);
	tb_entry(&a, "s", '2', NULL, 0, "x");
	walk_mem_fails(&a, VAKT_E_PARSE, "differ");
	tb_free(&a);
	/* a long name over the limit */
	memset(longp, 'g', sizeof(longp));
	tb_meta(&a, 'L', longp, sizeof(longp));
	tb_entry(&a, "s", '0', NULL, 0, NULL);
	walk_mem_fails(&a, VAKT_E_LIMIT, "GNU long name");
	tb_free(&a);
}

static void test_clean_path(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
		unsigned flags;
	} cases[] = {
		{"etc/passwd", "etc/passwd", 0},
		{"./etc/passwd", "etc/passwd", 0},
		{"/etc/passwd", "etc/passwd", VAKT_PATH_ABSOLUTE},
		{"//etc//passwd/", "etc/passwd", VAKT_PATH_ABSOLUTE},
		{"etc/./x/.", "etc/x", 0},
		{"././", "", VAKT_PATH_EMPTY},
		{".", "", VAKT_PATH_EMPTY},
		{"", "", VAKT_PATH_EMPTY},
		{"/", "", VAKT_PATH_ABSOLUTE | VAKT_PATH_EMPTY},
		{"../etc", "../etc", VAKT_PATH_DOTDOT},
		{"a/../../b", "a/../../b", VAKT_PATH_DOTDOT},
		{"/..", "..", VAKT_PATH_ABSOLUTE | VAKT_PATH_DOTDOT},
		{"a/..b/c..", "a/..b/c..", 0},
		{"...", "...", 0},
		{".hidden/.x", ".hidden/.x", 0},
		{"usr/lib/", "usr/lib", 0},
	};
	char out[VAKT_TAR_MAX_PATH + 1];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned f = vakt_tar_clean_path(cases[i].in, out, sizeof(out));
		if (f != cases[i].flags || strcmp(out, cases[i].out) != 0)
			fail_msg("'%s' -> '%s' %u, want '%s' %u", cases[i].in, out, f, cases[i].out,
				 cases[i].flags);
	}
	char small[4];
	assert_int_equal(vakt_tar_clean_path("abc", small, sizeof(small)), 0);
	assert_int_equal(vakt_tar_clean_path("abcd", small, sizeof(small)),
			 VAKT_PATH_TOOLONG | VAKT_PATH_DOTDOT);
	assert_string_equal(small, "");
}

/* ---- archives written by GNU tar ---------------------------------------------------- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	int st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void mkfile(const char *path, size_t n, unsigned seed)
{
	unsigned char *p = pattern(n, seed);
	write_file(path, p, n);
	free(p);
}

/* Walk a tar file written to disk, directly or through the decompressor. */
static char *walk_file(const char *path, bool decompress, vakt_compression want_kind)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	struct stat st;
	fstat(fd, &st);
	vakt_error *err = NULL;
	vakt_src *s = vakt_src_file_window(fd, 0, (uint64_t)st.st_size, path);
	if (decompress) {
		vakt_compression kind;
		assert_int_equal(vakt_src_decompress(s, NULL, &s, &kind, &err), 0);
		assert_int_equal(kind, want_kind);
	}
	char *out = NULL;
	if (walk(s, decompress ? 777 : 0, &out, &err) < 0)
		fail_msg("%s: %s", path, err->msg);
	vakt_src_free(s);
	close(fd);
	return out;
}

static void test_gnu_tar(void **state)
{
	(void)state;
	if (sh("tar --version >/dev/null 2>&1") != 0)
		skip();
	char *root = tmp_path("tree");
	char long1[200], long2[300];
	memset(long1, 'a', 150);
	long1[150] = 0;
	memset(long2, 'b', 120);
	long2[120] = 0;
	assert_int_equal(sh("rm -rf %s && mkdir -p %s/d/%s/%s && cd %s && "
			    "ln -s %s/%s/%s d/sym && ln d/small d/hard 2>/dev/null; true",
			    root, root, long1, long2, root, long1, long2, long1),
			 0);
	char *p = NULL;
	assert_true(asprintf(&p, "%s/d/small", root) > 0);
	mkfile(p, 100, 1);
	free(p);
	assert_true(asprintf(&p, "%s/d/%s/%s/f", root, long1, long2) > 0);
	mkfile(p, 70000, 2);
	free(p);
	assert_true(asprintf(&p, "%s/d/big", root) > 0);
	mkfile(p, 1000000, 3);
	free(p);
	assert_int_equal(sh("cd %s && ln d/small d/hard && mkfifo d/fifo", root), 0);
	bool dev = sh("cd %s && mknod d/null c 1 3 2>/dev/null", root) == 0;

	const char *formats[] = {"gnu", "pax", "ustar"};
	char *first = NULL;
	for (size_t i = 0; i < 3; i++) {
		char *tarf = tmp_path(formats[i]);
		/* ustar cannot hold the 150+120 byte directory: only the rest for it */
		int rc = sh("cd %s && tar --format=%s --sort=name --owner=0 --group=0 -cf %s.tar %s "
			    "2>/dev/null",
			    root, formats[i], tarf, i == 2 ? "d/small d/hard d/big d/fifo" : "d");
		assert_int_equal(rc, 0);
		char *tp = NULL;
		assert_true(asprintf(&tp, "%s.tar", tarf) > 0);
		char *l = walk_file(tp, false, VAKT_COMP_NONE);
		/* every entry there, with the right types */
		if (i < 2) {
			char want[1000];
			snprintf(want, sizeof(want), "f d/%s/%s/f 70000@", long1, long2);
			assert_non_null(strstr(l, want));
			snprintf(want, sizeof(want), "l d/sym -> %s/%s/%s 0@", long1, long2, long1);
			assert_non_null(strstr(l, want));
			snprintf(want, sizeof(want), "d d/%s/%s/ 0@", long1, long2);
			assert_non_null(strstr(l, want));
			if (dev)
				assert_non_null(strstr(l, "c d/null 0@"));
		}
		assert_non_null(strstr(l, "f d/big 1000000@"));
		assert_true(strstr(l, "h d/hard -> d/small 0@") || strstr(l, "h d/small -> d/hard 0@"));
		assert_non_null(strstr(l, "p d/fifo 0@"));
		assert_null(strstr(l, "(truncated)"));

		/* the same through gzip and zstd: the same listing */
		assert_int_equal(sh("gzip -c %s > %s.gz && cat %s.gz %s.gz > /dev/null", tp, tp, tp, tp), 0);
		assert_true(asprintf(&p, "%s.gz", tp) > 0);
		char *lz = walk_file(p, true, VAKT_COMP_GZIP);
		assert_string_equal(lz, l);
		free(lz);
		free(p);
		if (sh("zstd -q -f %s -o %s.zst 2>/dev/null", tp, tp) == 0) {
			assert_true(asprintf(&p, "%s.zst", tp) > 0);
			lz = walk_file(p, true, VAKT_COMP_ZSTD);
			assert_string_equal(lz, l);
			free(lz);
			free(p);
		}
		if (i == 0)
			first = l;
		else
			free(l);
		free(tp);
		free(tarf);
	}
	/* gnu and pax agree on paths and sizes; body offsets differ */
	free(first);
	sh("rm -rf %s", root);
	free(root);
}

/* A tar inside a tar (a docker-archive): the inner one read through a file window at
 * body_offset, and through a sub-window of the streamed outer one. */
static void test_nested(void **state)
{
	(void)state;
	tb inner = {0};
	unsigned char *p = pattern(3000, 8);
	tb_entry(&inner, "etc/os-release", '0', p, 3000, NULL);
	tb_entry(&inner, "bin/", '5', NULL, 0, NULL);
	tb_end(&inner);
	tb gz = {0};
	gzip_member(&gz, inner.d, inner.len, 6);
	tb outer = {0};
	tb_entry(&outer, "manifest.json", '0', "[]", 2, NULL);
	tb_entry(&outer, "abc/layer.tar", '0', gz.d, gz.len, NULL);
	tb_entry(&outer, "def/layer.tar", '0', inner.d, inner.len, NULL);
	tb_end(&outer);
	char *path = tmp_path("outer.tar");
	write_file(path, outer.d, outer.len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	vakt_error *err = NULL;
	const char *want = "f etc/os-release 3000@512\nd bin/ 0@4096\n";

	for (int mode = 0; mode < 2; mode++) {
		pid_t pid = 0;
		int pfd = mode == 0 ? -1 : pipe_feed(outer.d, outer.len, &pid);
		vakt_src *os = mode == 0 ? vakt_src_file_window(fd, 0, outer.len, "outer.tar")
					 : vakt_src_stream(pfd, "stdin");
		vakt_tar *t = vakt_tar_new(os);
		const vakt_tar_entry *e;
		int n = 0, r;
		while ((r = vakt_tar_next(t, &e, &err)) == 1) {
			if (strstr(e->path, "layer.tar")) {
				vakt_src *ls = mode == 0 ? vakt_src_file_window(fd, e->body_offset, e->size, e->path)
							 : vakt_src_sub(os, e->size, e->path);
				vakt_src *d = NULL;
				vakt_compression kind;
				assert_int_equal(vakt_src_decompress(vakt_src_digest(ls), NULL, &d, &kind, &err), 0);
				assert_int_equal(kind, n == 0 ? VAKT_COMP_GZIP : VAKT_COMP_NONE);
				char *l = NULL;
				assert_int_equal(walk(d, 100, &l, &err), 0);
				assert_string_equal(l, want);
				free(l);
				vakt_src_free(d);
				n++;
				/* the outer reader skips the rest: the inner walk stopped at
				 * the end marker, the gzip trailer is left */
			}
		}
		if (r < 0)
			fail_msg("mode %d: %s", mode, err->msg);
		assert_int_equal(n, 2);
		vakt_tar_free(t);
		vakt_src_free(os);
		if (pfd >= 0)
			close(pfd);
		if (pid)
			waitpid(pid, NULL, 0);
	}
	close(fd);
	free(path);
	tb_free(&inner);
	tb_free(&gz);
	tb_free(&outer);
	free(p);
}

/* The real images, when they were built: every layer of the docker archive walks. */
static void test_real_image(void **state)
{
	(void)state;
	const char *path = "/work/images/deb/minbase.docker.tar";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		skip();
	struct stat st;
	fstat(fd, &st);
	vakt_error *err = NULL;
	vakt_src *os = vakt_src_file_window(fd, 0, (uint64_t)st.st_size, path);
	vakt_tar *t = vakt_tar_new(os);
	const vakt_tar_entry *e;
	int r, layers = 0;
	bool status = false;
	while ((r = vakt_tar_next(t, &e, &err)) == 1) {
		if (e->type != VAKT_TAR_REG || e->size < 100000)
			continue;
		vakt_src_budget b = {(uint64_t)1 << 32, (uint64_t)1 << 32, "--max-uncompressed"};
		vakt_src *d = NULL;
		assert_int_equal(vakt_src_decompress(vakt_src_file_window(fd, e->body_offset, e->size, e->path),
						     &b, &d, NULL, &err),
				 0);
		vakt_tar *lt = vakt_tar_new(d);
		const vakt_tar_entry *le;
		int lr;
		uint64_t n = 0;
		while ((lr = vakt_tar_next(lt, &le, &err)) == 1) {
			n++;
			char clean[VAKT_TAR_MAX_PATH + 1];
			unsigned f = vakt_tar_clean_path(le->path, clean, sizeof(clean));
			assert_false(f & VAKT_PATH_DOTDOT);
			if (strcmp(clean, "var/lib/dpkg/status") == 0)
				status = true;
		}
		if (lr < 0)
			fail_msg("%s: %s", e->path, err->msg);
		assert_true(n > 1000);
		vakt_tar_free(lt);
		vakt_src_free(d);
		layers++;
	}
	assert_int_equal(r, 0);
	assert_true(layers >= 1);
	assert_true(status);
	vakt_tar_free(t);
	vakt_src_free(os);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/vakt-test-tar-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	tmpdir = strdup(tmpl);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = NULL;
	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) > 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	free(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_source),
		cmocka_unit_test(test_file_window),
		cmocka_unit_test(test_stream_and_sub),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_decompress),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_tar_basic),
		cmocka_unit_test(test_tar_end_marker),
		cmocka_unit_test(test_tar_stream),
		cmocka_unit_test(test_tar_headers),
		cmocka_unit_test(test_tar_pax),
		cmocka_unit_test(test_tar_gnu),
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_gnu_tar),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_real_image),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
