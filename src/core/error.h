/* error.h - the error type every fallible vakt function reports through.
 *
 * After crun's libcrun_error_t: a function that can fail takes `vakt_error **err`
 * as its last parameter and returns 0 or a negative VAKT_E_* code. On failure it
 * fills *err (if err is not NULL); callers may add context while the error travels
 * up (vakt_error_wrap); only the CLI prints. Findings are data, never errors.
 */
#ifndef VAKT_CORE_ERROR_H
#define VAKT_CORE_ERROR_H

#include <stdarg.h>

enum {
	VAKT_E_IO = -1,      /* a file could not be opened or read */
	VAKT_E_PARSE = -2,   /* syntax error in an input */
	VAKT_E_LIMIT = -3,   /* an input exceeded a configured limit */
	VAKT_E_INVALID = -4, /* well-formed input with the wrong shape (types, values) */
	VAKT_E_USAGE = -5,   /* bad command line or configuration */
	VAKT_E_NOTFOUND = -6,
};

typedef struct vakt_error {
	int code;
	char *msg;  /* human-readable, without the location prefix */
	char *file; /* NULL when the error has no file */
	unsigned line, col; /* 1-based; 0 when unknown */
} vakt_error;

/* Record an error in *err (if err is not NULL and *err is empty) and return code. */
int vakt_error_set(vakt_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As vakt_error_set, with a file position. */
int vakt_error_set_at(vakt_error **err, int code, const char *file, unsigned line, unsigned col,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Prefix the message of *err with context ("reading config: <old message>").
 * Returns the error's code, so `return vakt_error_wrap(err, "...")` propagates. */
int vakt_error_wrap(vakt_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Attach a file name to an error that has none yet. */
void vakt_error_set_file(vakt_error *e, const char *file);

/* Format "file:line:col: message" (parts omitted when unknown) into a new string. */
char *vakt_error_format(const vakt_error *e);

/* Free an error; accepts NULL, returns NULL. */
vakt_error *vakt_error_free(vakt_error *e);

static inline void vakt_error_freep(vakt_error **e)
{
	*e = vakt_error_free(*e);
}
#define _cleanup_error_ __attribute__((cleanup(vakt_error_freep)))

#endif
