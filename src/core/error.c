/* error.c - see error.h. */
#include "core/error.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int error_vset(vakt_error **err, int code, const char *file, unsigned line, unsigned col,
		      const char *fmt, va_list ap)
{
	if (!err || *err)
		return code; /* the first error wins: it is the cause */
	vakt_error *e = xcalloc(1, sizeof(*e));
	e->code = code;
	if (vasprintf(&e->msg, fmt, ap) < 0)
		vakt_oom();
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	e->col = col;
	*err = e;
	return code;
}

int vakt_error_set(vakt_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return r;
}

int vakt_error_set_at(vakt_error **err, int code, const char *file, unsigned line, unsigned col,
		      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return r;
}

int vakt_error_wrap(vakt_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return VAKT_E_INVALID;
	vakt_error *e = *err;
	char *ctx = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	char *msg = xasprintf("%s: %s", ctx, e->msg);
	free(ctx);
	free(e->msg);
	e->msg = msg;
	return e->code;
}

void vakt_error_set_file(vakt_error *e, const char *file)
{
	if (e && !e->file && file)
		e->file = xstrdup(file);
}

char *vakt_error_format(const vakt_error *e)
{
	if (!e->file)
		return xstrdup(e->msg);
	if (e->line && e->col)
		return xasprintf("%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	if (e->line)
		return xasprintf("%s:%u: %s", e->file, e->line, e->msg);
	return xasprintf("%s: %s", e->file, e->msg);
}

vakt_error *vakt_error_free(vakt_error *e)
{
	if (e) {
		free(e->msg);
		free(e->file);
		free(e);
	}
	return NULL;
}
