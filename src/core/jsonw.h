/* jsonw.h - a small streaming JSON writer with deterministic layout.
 *
 * Output is written as it is produced (nothing is kept but a nesting stack), which is
 * what lets report writers emit findings as they are found. Strings are escaped per
 * RFC 8259; invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
 */
#ifndef VAKT_CORE_JSONW_H
#define VAKT_CORE_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 32

typedef struct jsonw {
	FILE *out;
	int indent;   /* spaces per level; 0 for compact */
	int depth;
	bool first[JSONW_MAX_DEPTH]; /* no element written yet at this depth */
	bool after_key;
} jsonw;

void jsonw_init(jsonw *w, FILE *out, int indent);
void jsonw_obj_begin(jsonw *w);
void jsonw_obj_end(jsonw *w);
void jsonw_arr_begin(jsonw *w);
void jsonw_arr_end(jsonw *w);
void jsonw_key(jsonw *w, const char *key);
void jsonw_str(jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(jsonw *w, int64_t v);
/* A number with one decimal ("9.8"), as CVSS scores are written. */
void jsonw_num1(jsonw *w, double v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);
/* key + value shorthands; *_opt skip the member when the value is NULL/0 */
void jsonw_kv_str(jsonw *w, const char *key, const char *s);
void jsonw_kv_str_opt(jsonw *w, const char *key, const char *s);
void jsonw_kv_int(jsonw *w, const char *key, int64_t v);
void jsonw_kv_bool(jsonw *w, const char *key, bool v);

/* Write s as JSON string contents (no quotes) to out. */
void jsonw_escape(FILE *out, const char *s);

#endif
