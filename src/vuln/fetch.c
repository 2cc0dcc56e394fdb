/* fetch.c - see fetch.h. */
#include "vuln/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define DISCARD_MAX	  (1u << 20) /* body bytes of a response not kept (error page, redirect) */
#define BACKOFF_MAX_MS	  30000u
#define RETRY_AFTER_MAX_S 60

void vakt_fetch_opts_default(vakt_fetch_opts *o)
{
	*o = (vakt_fetch_opts){
		.timeout = 30,
		.total_timeout = 3600,
		.max_bytes = VAKT_FETCH_DEFAULT_MAX,
		.retries = 3,
		.backoff_ms = 1000,
	};
}

void vakt_fetch_result_release(vakt_fetch_result *r)
{
	if (!r)
		return;
	free(r->etag);
	free(r->last_modified);
	r->etag = r->last_modified = NULL;
}

/* ---- URLs --------------------------------------------------------------------------------- */

typedef struct url_info {
	bool https;
	bool loopback;
} url_info;

static bool is_loopback_host(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcasecmp(host, "localhost") == 0 ||
	       strcmp(host, "[::1]") == 0;
}

/* Parse url with libcurl's own parser (the one the transfer will use, so the check and
 * the request cannot disagree about the scheme or the host) and apply the policy. */
static int url_parse(const char *url, url_info *ret, vakt_error **err)
{
	if (strlen(url) > VAKT_FETCH_MAX_URL)
		return vakt_error_set(err, VAKT_E_USAGE, "%.80s...: URL longer than %d bytes", url,
				      VAKT_FETCH_MAX_URL);
	CURLU *u = curl_url();
	if (!u)
		vakt_oom();
	char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	int r = 0;
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK)
		r = vakt_error_set(err, VAKT_E_USAGE, "%s: not a valid URL (%s)", url,
				   curl_url_strerror(uc));
	if (r >= 0 && (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		       curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK))
		r = vakt_error_set(err, VAKT_E_USAGE, "%s: not a valid URL (no scheme or host)",
				   url);
	/* Credentials would end up in messages, in the database's sources and in the
	 * validators file: refuse them rather than leak them. */
	if (r >= 0 && (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		       curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK))
		r = vakt_error_set(
			err, VAKT_E_USAGE,
			"feed URLs may not carry a user name or password (they are printed and "
			"stored in the database)");
	if (r >= 0) {
		ret->https = strcmp(scheme, "https") == 0;
		ret->loopback = is_loopback_host(host);
		/* http:// only to this machine: that is what the tests use, and nothing can
		 * intercept it on the way. Anything from the network must come over TLS. */
		if (!ret->https && !(strcmp(scheme, "http") == 0 && ret->loopback))
			r = vakt_error_set(
				err, VAKT_E_USAGE,
				"%s: only https:// URLs are fetched (http:// only from 127.0.0.1 "
				"or localhost)",
				url);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return r;
}

int vakt_fetch_url_check(const char *url, vakt_error **err)
{
	url_info ui;
	return url_parse(url, &ui, err);
}

/* ---- the fetcher -------------------------------------------------------------------------- */

struct vakt_fetcher {
	CURL *curl;
	vakt_fetch_opts o;
	char errbuf[CURL_ERROR_SIZE];
};

int vakt_fetcher_new(const vakt_fetch_opts *o, vakt_fetcher **ret, vakt_error **err)
{
	/* Reference-counted by libcurl; vakt is single-threaded when it fetches. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return vakt_error_set(err, VAKT_E_IO, "cannot initialise libcurl");
	vakt_fetcher *f = xcalloc(1, sizeof(*f));
	if (o)
		f->o = *o;
	else
		vakt_fetch_opts_default(&f->o);
	f->curl = curl_easy_init();
	if (!f->curl) {
		free(f);
		curl_global_cleanup();
		return vakt_error_set(err, VAKT_E_IO, "cannot initialise libcurl");
	}
	*ret = f;
	return 0;
}

vakt_fetcher *vakt_fetcher_free(vakt_fetcher *f)
{
	if (!f)
		return NULL;
	curl_easy_cleanup(f->curl);
	free(f);
	curl_global_cleanup();
	return NULL;
}

/* ---- one transfer ------------------------------------------------------------------------- */

typedef struct xfer {
	CURL *curl;
	int fd;
	uint64_t max, bytes, discarded;
	bool too_big, discard_too_big;
	int write_errno;
	bool encoded; /* Content-Encoding other than identity: curl decodes, lengths differ */
	long long content_length; /* as announced, -1 when not (for messages) */
	char etag[VAKT_FETCH_MAX_VALIDATOR + 1];
	char last_modified[VAKT_FETCH_MAX_VALIDATOR + 1];
} xfer;

/* A validator value is sent back in a request header and stored in a JSON file: only
 * printable ASCII is kept (no CR or LF that could inject a header, nothing that is not
 * UTF-8), and only up to VAKT_FETCH_MAX_VALIDATOR bytes. */
static bool validator_ok(const char *s, size_t len)
{
	if (len == 0 || len > VAKT_FETCH_MAX_VALIDATOR)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n; /* size is always 1 */
	if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		/* a new response (after a 100 Continue, or a redirect): forget the last one's */
		x->etag[0] = x->last_modified[0] = '\0';
		x->encoded = false;
		x->content_length = -1;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon)
		return len;
	size_t nlen = (size_t)(colon - buf);
	const char *v = colon + 1, *end = buf + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t vlen = (size_t)(end - v);
	char *dst = NULL;
	if (nlen == 4 && strncasecmp(buf, "etag", 4) == 0)
		dst = x->etag;
	else if (nlen == 13 && strncasecmp(buf, "last-modified", 13) == 0)
		dst = x->last_modified;
	else if (nlen == 16 && strncasecmp(buf, "content-encoding", 16) == 0)
		x->encoded = vlen > 0 && !(vlen == 8 && strncasecmp(v, "identity", 8) == 0);
	else if (nlen == 14 && strncasecmp(buf, "content-length", 14) == 0 && vlen > 0 &&
		 vlen < 19) {
		/* for messages only (libcurl enforces it); the line is not NUL-terminated */
		long long cl = 0;
		for (size_t i = 0; i < vlen && cl >= 0; i++)
			cl = v[i] >= '0' && v[i] <= '9' ? cl * 10 + (v[i] - '0') : -1;
		x->content_length = cl;
	}
	if (dst) {
		if (validator_ok(v, vlen)) {
			memcpy(dst, v, vlen);
			dst[vlen] = '\0';
		} else {
			dst[0] = '\0';
		}
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n; /* size is always 1 */
	long code = 0;
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		/* an error page or a redirect's body: not kept, and not read without end */
		if (len > DISCARD_MAX - x->discarded) {
			x->discard_too_big = true;
			return 0;
		}
		x->discarded += len;
		return len;
	}
	/* The size limit on what we keep, counted after content decoding, so a small
	 * compressed body cannot inflate into a full disk. Returning short aborts. */
	if (len > x->max - x->bytes) {
		x->too_big = true;
		return 0;
	}
	for (size_t done = 0; done < len;) {
		ssize_t w = write(x->fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			x->write_errno = errno;
			return 0;
		}
		done += (size_t)w;
	}
	x->bytes += len;
	return len;
}

static bool transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR: return true;
	default: return false;
	}
}

static bool transient_http(long code)
{
	return code == 408 || code == 429 || (code >= 500 && code <= 599);
}

static bool is_redirect(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

static const char *http_reason(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Set every option of one request: the handle is reset first, so nothing from an earlier
 * feed (headers, a protocol allowance for a loopback test URL) carries over. Returns
 * CURLE_OK or the first option libcurl refused. */
static CURLcode setup(vakt_fetcher *f, const char *url, const url_info *ui, struct curl_slist *hdrs,
		      xfer *x)
{
	CURL *h = f->curl;
	curl_easy_reset(h);
	CURLcode c = CURLE_OK;
#define SET(opt, val)                                                                              \
	do {                                                                                       \
		if (c == CURLE_OK)                                                                 \
			c = curl_easy_setopt(h, opt, val);                                         \
	} while (0)
	SET(CURLOPT_URL, url);
	/* Only the scheme the policy accepted for this very URL; redirects are not followed
	 * by libcurl (below, each hop is checked as a new URL). */
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, ui->https ? "https" : "http");
#else
	SET(CURLOPT_PROTOCOLS, ui->https ? (long)CURLPROTO_HTTPS : (long)CURLPROTO_HTTP);
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	/* TLS: verify the certificate chain and the host name, always (these are libcurl's
	 * defaults; set here so no build or environment can change them), TLS 1.2 or later. */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* another trust anchor replaces the system's, verification stays on */
	if (f->o.ca_file)
		SET(CURLOPT_CAINFO, f->o.ca_file);
	/* a loopback URL never goes through a proxy from the environment */
	if (ui->loopback)
		SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, f->o.timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, VAKT_FETCH_LOW_SPEED);
	SET(CURLOPT_LOW_SPEED_TIME, f->o.timeout);
	SET(CURLOPT_TIMEOUT, f->o.total_timeout);
	/* refused before the body when the Content-Length says it is too big; on_body enforces
	 * the same limit on what actually arrives */
	SET(CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)(f->o.max_bytes > INT64_MAX ? INT64_MAX : f->o.max_bytes));
	SET(CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl can decode */
	SET(CURLOPT_USERAGENT, "vakt/" VAKT_VERSION " (vakt db update)");
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_ERRORBUFFER, f->errbuf);
#undef SET
	return c;
}

typedef enum outcome {
	OUT_OK,
	OUT_NOT_MODIFIED,
	OUT_REDIRECT,
	OUT_RETRY, /* transient: try again if attempts remain */
	OUT_FAIL,
} outcome;

/* Put the reason an attempt failed into msg. */
static outcome classify(vakt_fetcher *f, CURLcode res, const xfer *x, bool conditional,
			int *code_out, vakt_buf *msg)
{
	char sz[32];
	*code_out = VAKT_E_IO;
	if (x->too_big) {
		*code_out = VAKT_E_LIMIT;
		vakt_buf_printf(msg, "the body is larger than the limit of %s",
				vakt_size_str((size_t)(f->o.max_bytes > SIZE_MAX ? SIZE_MAX
										 : f->o.max_bytes),
					      sz, sizeof(sz)));
		return OUT_FAIL;
	}
	if (x->write_errno) {
		vakt_buf_printf(msg, "cannot write the download: %s", strerror(x->write_errno));
		return OUT_FAIL;
	}
	if (x->discard_too_big) {
		vakt_buf_printf(msg, "an error response with a body larger than %u bytes",
				DISCARD_MAX);
		return OUT_FAIL;
	}
	if (res == CURLE_FILESIZE_EXCEEDED) {
		*code_out = VAKT_E_LIMIT;
		vakt_buf_printf(msg, "the server announces %lld bytes, more than the limit of %s",
				x->content_length,
				vakt_size_str((size_t)(f->o.max_bytes > SIZE_MAX ? SIZE_MAX
										 : f->o.max_bytes),
					      sz, sizeof(sz)));
		return OUT_FAIL;
	}
	if (res != CURLE_OK) {
		const char *why = f->errbuf[0] ? f->errbuf : curl_easy_strerror(res);
		if (res == CURLE_PARTIAL_FILE)
			vakt_buf_printf(msg, "the body was cut short (%s)", why);
		else if (res == CURLE_OPERATION_TIMEDOUT)
			vakt_buf_printf(msg, "timed out (%s)", why);
		else if (res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE ||
			 res == CURLE_SSL_CERTPROBLEM)
			vakt_buf_printf(msg, "TLS verification failed (%s)", why);
		else
			vakt_buf_printf(msg, "%s", why);
		return transient_curl(res) ? OUT_RETRY : OUT_FAIL;
	}
	long status = 0;
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200) {
		curl_off_t cl = -1;
		curl_easy_getinfo(f->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		/* libcurl reports a connection closed early as CURLE_PARTIAL_FILE; this is the
		 * same check done here too, so a short file can never pass as a whole one. With
		 * a Content-Encoding the length counts the encoded bytes: libcurl checks those. */
		if (cl >= 0 && !x->encoded && (uint64_t)cl != x->bytes) {
			vakt_buf_printf(msg,
					"the body was cut short (%" PRIu64
					" of %" CURL_FORMAT_CURL_OFF_T " bytes)",
					x->bytes, cl);
			return OUT_RETRY;
		}
		return OUT_OK;
	}
	if (status == 304) {
		if (conditional)
			return OUT_NOT_MODIFIED;
		vakt_buf_printf(msg, "HTTP 304 to a request that was not conditional");
		return OUT_FAIL;
	}
	if (is_redirect(status))
		return OUT_REDIRECT;
	if (status == 404 || status == 410)
		*code_out = VAKT_E_NOTFOUND;
	const char *reason = http_reason(status);
	vakt_buf_printf(msg, "HTTP %ld%s%s", status, *reason ? " " : "", reason);
	return transient_http(status) ? OUT_RETRY : OUT_FAIL;
}

/* The wait before attempt `attempt` + 1: backoff_ms doubled per attempt, at most
 * BACKOFF_MAX_MS, or what the server asked for with Retry-After (at most 60 s). */
static unsigned backoff(vakt_fetcher *f, unsigned attempt)
{
	unsigned ms = f->o.backoff_ms;
	for (unsigned i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	curl_off_t ra = 0;
	if (curl_easy_getinfo(f->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0) {
		if (ra > RETRY_AFTER_MAX_S)
			ra = RETRY_AFTER_MAX_S;
		if ((unsigned)ra * 1000u > ms)
			ms = (unsigned)ra * 1000u;
	}
	return ms;
}

static void rewind_file(int fd)
{
	/* a retry starts the body again from its first byte */
	if (ftruncate(fd, 0) == 0)
		lseek(fd, 0, SEEK_SET);
}

int vakt_fetch(vakt_fetcher *f, const char *url, const vakt_fetch_cond *cond, int dirfd,
	       const char *name, vakt_fetch_result *ret, vakt_error **err)
{
	url_info first;
	int r = url_parse(url, &first, err);
	if (r < 0)
		return r;
	/* O_EXCL | O_NOFOLLOW: a file or link planted under this name is never written through */
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: cannot create the download file %s: %s",
				      url, name, strerror(errno));

	struct curl_slist *hdrs = NULL;
	bool conditional = false;
	char line[VAKT_FETCH_MAX_VALIDATOR + 64];
	if (cond && cond->etag && validator_ok(cond->etag, strlen(cond->etag))) {
		snprintf(line, sizeof(line), "If-None-Match: %s", cond->etag);
		hdrs = curl_slist_append(hdrs, line);
		conditional = true;
	}
	if (cond && cond->last_modified &&
	    validator_ok(cond->last_modified, strlen(cond->last_modified))) {
		snprintf(line, sizeof(line), "If-Modified-Since: %s", cond->last_modified);
		hdrs = curl_slist_append(hdrs, line);
		conditional = true;
	}
	if (conditional && !hdrs)
		vakt_oom();

	double t0 = now_s();
	char *cur = xstrdup(url);
	url_info ui = first;
	unsigned attempt = 1, hops = 0;
	vakt_buf msg = VAKT_BUF_INIT(16384); /* reasons quote URLs (at most VAKT_FETCH_MAX_URL) */
	int code = 0;
	outcome out;
	xfer x;
	for (;;) {
		rewind_file(fd);
		x = (xfer){.curl = f->curl, .fd = fd, .max = f->o.max_bytes, .content_length = -1};
		f->errbuf[0] = '\0';
		vakt_buf_reset(&msg);
		CURLcode c = setup(f, cur, &ui, hdrs, &x);
		if (c != CURLE_OK) {
			vakt_buf_printf(&msg, "libcurl refused an option: %s",
					curl_easy_strerror(c));
			code = VAKT_E_IO;
			out = OUT_FAIL;
			break;
		}
		CURLcode res = curl_easy_perform(f->curl);
		out = classify(f, res, &x, conditional, &code, &msg);
		if (out == OUT_REDIRECT) {
			char *to = NULL;
			curl_easy_getinfo(f->curl, CURLINFO_REDIRECT_URL, &to);
			url_info next;
			vakt_error *e = NULL;
			if (!to) {
				vakt_buf_printf(&msg, "a redirect without a Location");
			} else if (++hops > VAKT_FETCH_MAX_REDIRECTS) {
				vakt_buf_printf(&msg, "more than %d redirects",
						VAKT_FETCH_MAX_REDIRECTS);
			} else if (url_parse(to, &next, &e) < 0) {
				vakt_buf_printf(&msg, "redirected to a URL that is not fetched: %s",
						e->msg);
			} else if (ui.https && !next.https) {
				/* never downgrade: what came over TLS stays on TLS */
				vakt_buf_printf(&msg, "redirected from https to http (%s): refused",
						to);
			} else {
				free(cur);
				cur = xstrdup(to);
				ui = next;
				continue;
			}
			vakt_error_free(e);
			code = VAKT_E_IO;
			out = OUT_FAIL;
			break;
		}
		if (out != OUT_RETRY || attempt > f->o.retries)
			break;
		sleep_ms(backoff(f, attempt));
		attempt++;
	}
	curl_slist_free_all(hdrs);
	close(fd);
	if (out == OUT_OK) {
		*ret = (vakt_fetch_result){
			.bytes = x.bytes,
			.attempts = attempt,
			.seconds = now_s() - t0,
			.etag = x.etag[0] ? xstrdup(x.etag) : NULL,
			.last_modified = x.last_modified[0] ? xstrdup(x.last_modified) : NULL,
		};
		r = 0;
	} else {
		unlinkat(dirfd, name, 0);
		if (out == OUT_NOT_MODIFIED) {
			*ret = (vakt_fetch_result){
				.not_modified = true, .attempts = attempt, .seconds = now_s() - t0};
			r = 0;
		} else {
			/* name the hop that failed when it is not the URL asked for */
			char *via = strcmp(cur, url) != 0 ? xasprintf("redirected to %s: ", cur)
							  : xstrdup("");
			if (attempt > 1)
				r = vakt_error_set(err, code,
						   "%s: %s%s (gave up after %u attempts)", url, via,
						   vakt_buf_str(&msg), attempt);
			else
				r = vakt_error_set(err, code, "%s: %s%s", url, via,
						   vakt_buf_str(&msg));
			free(via);
		}
	}
	free(cur);
	vakt_buf_free(&msg);
	return r;
}
