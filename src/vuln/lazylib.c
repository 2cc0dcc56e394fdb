/* lazylib.c - libcurl and libarchive, loaded the first time they are used.
 *
 * Only `vakt db update` needs libcurl and only OSV zip files need libarchive, but linking
 * them pulls some forty shared libraries into every start of vakt (ICU, Kerberos,
 * GnuTLS, LDAP...): about 5 ms of dynamic linking before `vakt run` can do anything. So
 * the binary does not link them; this file defines the functions vakt calls, and each
 * loads its library with dlopen on first use and forwards to the real one. The prototypes
 * come from the libraries' own headers, so a mismatch is a compile error.
 *
 * A library that cannot be loaded is reported once on stderr; the calls then fail the way
 * the library itself reports failure (NULL, an error code), so callers need nothing new.
 */
#define CURL_DISABLE_TYPECHECK /* curl_easy_setopt/getinfo as functions, not macros */
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void *curl_lib, *archive_lib;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT, archive_once = PTHREAD_ONCE_INIT;

static void load_curl(void)
{
	curl_lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!curl_lib)
		fprintf(stderr, "vakt: error: cannot load libcurl (apt-get install libcurl4): %s\n", dlerror());
}

static void load_archive(void)
{
	archive_lib = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!archive_lib)
		fprintf(stderr, "vakt: error: cannot load libarchive (apt-get install libarchive13): %s\n", dlerror());
}

/* The address of name in the library, or NULL when it is not there. */
static void *curl_sym(const char *name)
{
	pthread_once(&curl_once, load_curl);
	return curl_lib ? dlsym(curl_lib, name) : NULL;
}

static void *archive_sym(const char *name)
{
	pthread_once(&archive_once, load_archive);
	return archive_lib ? dlsym(archive_lib, name) : NULL;
}

/* Forwarders: F(ret, name, params, args, fail) defines name(params) calling the real one,
 * or returning fail when the library is missing. */
#define FWD(lib, ret, name, params, args, fail)                          \
	ret name params                                                  \
	{                                                                \
		static ret(*f) params;                                   \
		if (!f)                                                  \
			*(void **)&f = lib##_sym(#name);                 \
		return f ? f args : fail;                                \
	}
#define FWDV(lib, name, params, args)                                    \
	void name params                                                 \
	{                                                                \
		static void(*f) params;                                  \
		if (!f)                                                  \
			*(void **)&f = lib##_sym(#name);                 \
		if (f)                                                   \
			f args;                                          \
	}

/* ---- libcurl ---------------------------------------------------------------------------- */

FWD(curl, CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT)
FWDV(curl, curl_global_cleanup, (void), ())
FWD(curl, CURL *, curl_easy_init, (void), (), NULL)
FWDV(curl, curl_easy_cleanup, (CURL *h), (h))
FWDV(curl, curl_easy_reset, (CURL *h), (h))
FWD(curl, CURLcode, curl_easy_perform, (CURL *h), (h), CURLE_FAILED_INIT)
FWD(curl, const char *, curl_easy_strerror, (CURLcode c), (c), "libcurl is not available")
FWD(curl, struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), (l, s), NULL)
FWDV(curl, curl_slist_free_all, (struct curl_slist *l), (l))
FWDV(curl, curl_free, (void *p), (p))
FWD(curl, CURLU *, curl_url, (void), (), NULL)
FWDV(curl, curl_url_cleanup, (CURLU *u), (u))
FWD(curl, CURLUcode, curl_url_get, (CURLU *u, CURLUPart w, char **part, unsigned int flags),
    (u, w, part, flags), CURLUE_OUT_OF_MEMORY)
FWD(curl, CURLUcode, curl_url_set, (CURLU *u, CURLUPart w, const char *part, unsigned int flags),
    (u, w, part, flags), CURLUE_OUT_OF_MEMORY)
FWD(curl, const char *, curl_url_strerror, (CURLUcode c), (c), "libcurl is not available")

/* The two variadic calls take exactly one argument after the option: a long, a pointer or
 * a curl_off_t. On the ABIs vakt is built for (x86-64, aarch64) all three travel the same
 * way through varargs, so it is read as a pointer-sized integer and passed on as is. */
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
	static CURLcode (*f)(CURL *, CURLoption, ...);
	if (!f)
		*(void **)&f = curl_sym("curl_easy_setopt");
	va_list ap;
	va_start(ap, o);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return f ? f(h, o, arg) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
	static CURLcode (*f)(CURL *, CURLINFO, ...);
	if (!f)
		*(void **)&f = curl_sym("curl_easy_getinfo");
	va_list ap;
	va_start(ap, i);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	return f ? f(h, i, arg) : CURLE_FAILED_INIT;
}

/* ---- libarchive ---------------------------------------------------------------------------- */

FWD(archive, struct archive *, archive_read_new, (void), (), NULL)
FWD(archive, int, archive_read_free, (struct archive *a), (a), ARCHIVE_FATAL)
FWD(archive, int, archive_read_support_format_zip_streamable, (struct archive *a), (a), ARCHIVE_FATAL)
FWD(archive, int, archive_read_open_memory, (struct archive *a, const void *buf, size_t size), (a, buf, size),
    ARCHIVE_FATAL)
FWD(archive, int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e), ARCHIVE_FATAL)
FWD(archive, la_ssize_t, archive_read_data, (struct archive *a, void *buf, size_t size), (a, buf, size),
    ARCHIVE_FATAL)
FWD(archive, const char *, archive_error_string, (struct archive *a), (a), "libarchive is not available")
FWD(archive, const char *, archive_entry_pathname, (struct archive_entry *e), (e), NULL)
FWD(archive, __LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e), 0)
