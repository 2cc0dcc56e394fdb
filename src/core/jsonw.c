/* jsonw.c - see jsonw.h. */
#include "core/jsonw.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <string.h>

void jsonw_init(jsonw *w, FILE *out, int indent)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->indent = indent;
	w->first[0] = true;
}

static void newline(jsonw *w)
{
	if (!w->indent)
		return;
	static const char spaces[] = "\n                                                                ";
	size_t n = (size_t)(w->depth * w->indent);
	fwrite(spaces, 1, 1 + (n < sizeof(spaces) - 2 ? n : sizeof(spaces) - 2), w->out);
}

/* Separator and indentation before a value or a key. */
static void pre_value(jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->out);
		newline(w);
	}
	w->first[w->depth] = false;
}

static void jw_open(jsonw *w, char c)
{
	pre_value(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSONW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(jsonw *w, char c)
{
	bool empty = w->first[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty)
		newline(w);
	fputc(c, w->out);
	if (w->depth == 0 && w->indent)
		fputc('\n', w->out);
}

void jsonw_obj_begin(jsonw *w) { jw_open(w, '{'); }
void jsonw_obj_end(jsonw *w) { jw_close(w, '}'); }
void jsonw_arr_begin(jsonw *w) { jw_open(w, '['); }
void jsonw_arr_end(jsonw *w) { jw_close(w, ']'); }

void jsonw_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (p < end) {
		/* write runs of characters that need no escaping in one call: the common case */
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), out);
		if (p == end)
			break;
		unsigned char c = *p;
		const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
				: c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
		if (esc) {
			fputs(esc, out);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			p++;
		} else {
			uint32_t cp;
			size_t n = vakt_utf8_decode(p, (size_t)(end - p), &cp);
			if (n == 0) {
				fputs("\xef\xbf\xbd", out); /* invalid UTF-8: U+FFFD */
				n = 1;
			} else {
				fwrite(p, 1, n, out);
			}
			p += n;
		}
	}
}

void jsonw_key(jsonw *w, const char *key)
{
	pre_value(w);
	fputc('"', w->out);
	jsonw_escape(w->out, key);
	fputs(w->indent ? "\": " : "\":", w->out);
	w->after_key = true;
}

void jsonw_str(jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	pre_value(w);
	fputc('"', w->out);
	jsonw_escape(w->out, s);
	fputc('"', w->out);
}

void jsonw_int(jsonw *w, int64_t v)
{
	pre_value(w);
	fprintf(w->out, "%" PRId64, v);
}

void jsonw_num1(jsonw *w, double v)
{
	pre_value(w);
	if (v != v || v > 1e15 || v < -1e15) /* NaN and huge values are not JSON numbers here */
		fputs("null", w->out);
	else
		fprintf(w->out, "%.1f", v);
}

void jsonw_bool(jsonw *w, bool v)
{
	pre_value(w);
	fputs(v ? "true" : "false", w->out);
}

void jsonw_null(jsonw *w)
{
	pre_value(w);
	fputs("null", w->out);
}

void jsonw_kv_str(jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kv_str_opt(jsonw *w, const char *key, const char *s)
{
	if (s)
		jsonw_kv_str(w, key, s);
}

void jsonw_kv_int(jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kv_bool(jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}
