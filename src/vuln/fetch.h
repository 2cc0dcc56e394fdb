/* fetch.h - downloading one feed over HTTPS into a file, with libcurl.
 *
 * What a download promises:
 *   - HTTPS with the peer's certificate and host name verified (libcurl's defaults, set
 *     explicitly so no environment can turn them off), TLS 1.2 or later. Plain http:// is
 *     accepted only for the loopback host (127.0.0.1, localhost, [::1]): the test servers.
 *   - Redirects are followed by this code, not by libcurl, so every hop passes the same
 *     check as the first URL: at most VAKT_FETCH_MAX_REDIRECTS of them, never from https
 *     to http, never to another scheme.
 *   - Bounded: connecting takes at most `timeout` seconds, a transfer slower than
 *     VAKT_FETCH_LOW_SPEED bytes/s for `timeout` seconds is abandoned, and so is any
 *     transfer lasting longer than `total_timeout`. The body (after content decoding) may
 *     not exceed `max_bytes`: a larger Content-Length is refused before the body is read,
 *     and a body that grows past it is cut off. A body shorter than its Content-Length
 *     (a closed or reset connection) is an error, never a short file.
 *   - Transient failures (HTTP 408, 429 and 5xx, timeouts, refused or reset connections,
 *     truncated bodies) are retried `retries` times, waiting backoff_ms, then twice as
 *     long each time (at most 30 s; longer when the server asks with Retry-After, up to
 *     60 s). Anything else (404, a TLS verification failure, the size limit) fails at once.
 *   - Conditional: given the ETag and Last-Modified of an earlier download, the request
 *     carries If-None-Match and If-Modified-Since, and a 304 answer is reported as "not
 *     modified" (no file written). The validators of a new download are returned.
 *
 * Credentials in URLs are refused: feed URLs are printed and stored in the database.
 */
#ifndef VAKT_VULN_FETCH_H
#define VAKT_VULN_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

#define VAKT_FETCH_MAX_URL	 4096 /* bytes of a URL */
#define VAKT_FETCH_MAX_VALIDATOR 1024 /* bytes of an ETag or Last-Modified value */
#define VAKT_FETCH_MAX_REDIRECTS 5
#define VAKT_FETCH_LOW_SPEED	 1024L /* bytes/s: below this for `timeout` s, give up */
#define VAKT_FETCH_DEFAULT_MAX	 ((uint64_t)1 << 30) /* 1 GiB per feed */

typedef struct vakt_fetch_opts {
	long timeout;	     /* seconds: connect, and low-speed window (default 30) */
	long total_timeout;  /* seconds for one attempt, 0 for none (default 3600) */
	uint64_t max_bytes;  /* largest body accepted (default VAKT_FETCH_DEFAULT_MAX) */
	unsigned retries;    /* extra attempts after a transient failure (default 3) */
	unsigned backoff_ms; /* first wait before a retry (default 1000) */
	const char *ca_file; /* PEM certificates to verify servers with instead of the
			      * system's (a proxy's own CA, a test server), or NULL */
} vakt_fetch_opts;

/* The defaults above. */
void vakt_fetch_opts_default(vakt_fetch_opts *o);

/* The validators of an earlier download of a URL; either may be NULL. */
typedef struct vakt_fetch_cond {
	const char *etag;
	const char *last_modified;
} vakt_fetch_cond;

typedef struct vakt_fetch_result {
	bool not_modified; /* 304: nothing was written */
	uint64_t bytes;	   /* body bytes written */
	unsigned attempts; /* 1 when the first try succeeded */
	double seconds;	   /* wall time, retries and waits included */
	char *etag;	   /* validators of the response (heap), or NULL */
	char *last_modified;
} vakt_fetch_result;

/* Free the strings of a result (the struct itself is the caller's). Accepts NULL. */
void vakt_fetch_result_release(vakt_fetch_result *r);

/* Check that url may be fetched: an https:// URL, or http:// to the loopback host; no
 * user name or password; at most VAKT_FETCH_MAX_URL bytes. VAKT_E_USAGE with the reason
 * otherwise. */
int vakt_fetch_url_check(const char *url, vakt_error **err);

typedef struct vakt_fetcher vakt_fetcher;

/* A downloader: one libcurl handle, reused so consecutive feeds from one host share the
 * connection. o may be NULL for the defaults. */
int vakt_fetcher_new(const vakt_fetch_opts *o, vakt_fetcher **ret, vakt_error **err);

/* Accepts NULL; returns NULL. */
vakt_fetcher *vakt_fetcher_free(vakt_fetcher *f);

/* Download url into a new file `name` created in the directory dirfd (it must not exist;
 * it is created 0600 and never through a symbolic link). cond may be NULL (no
 * conditional request). On success *ret is filled (release it with
 * vakt_fetch_result_release): either a complete body was written to name, or the server
 * answered 304 and name does not exist. On failure name does not exist either, and the
 * message names the URL, what went wrong, and how many attempts were made. */
int vakt_fetch(vakt_fetcher *f, const char *url, const vakt_fetch_cond *cond, int dirfd,
	       const char *name, vakt_fetch_result *ret, vakt_error **err);

#endif
