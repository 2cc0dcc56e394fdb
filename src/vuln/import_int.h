/* import_int.h - what the feed importers share (import.c), private to src/vuln/import*.c.
 *
 * Three pieces:
 *
 *   - vctx: one import call (a buffer with a name), with the warning and skip counters
 *     and an arena for the record being built; vctx_warn/vctx_skip/vctx_emit are the only
 *     ways out to the caller's callbacks.
 *
 *   - jscan: a streaming walk over JSON text. Big feeds (the Debian tracker, ~80 MB; NVD
 *     yearly files; Alpine secdb; OSV arrays) are one JSON document each, and jansson
 *     builds a whole document in memory at a cost of roughly ten times its size. jscan
 *     instead walks the outer levels (objects and arrays the importer names), finds each
 *     record's text and the line it starts on, and only that text goes to jansson. Memory
 *     is bounded by the largest record, and every record has a line number. jscan checks
 *     the structure it walks (brackets, strings, commas, colons); the values it skips are
 *     checked by jansson when the record is parsed.
 *
 *   - vloc and vpath: where a value sits, for warnings. The mappers keep the path of the
 *     field they are reading ("affected[2].ranges[0].type"); for JSON, vloc finds that
 *     path's line by walking the record's text again (only when warning); for YAML
 *     (converted to jansson values by vyaml_to_json) a table maps values to lines.
 */
#ifndef VAKT_VULN_IMPORT_INT_H
#define VAKT_VULN_IMPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/error.h"
#include "vuln/import.h"
#include "vuln/vulnrec.h"

/* Values (tokens) one record may hold before it is refused without parsing: bounds what
 * jansson allocates for a record to about 100 MB however the bytes are spent. */
#define VIMP_MAX_VALUES 1000000u
/* Nesting jscan follows; jansson stops at 2048 itself. */
#define VIMP_MAX_DEPTH 512u
/* Warnings printed for one record; more are counted and summarised. */
#define VIMP_RECORD_WARNINGS 8u
/* An advisory id: printable ASCII without spaces, at most this long. */
#define VIMP_MAX_ID 255u

/* ---- one import call ------------------------------------------------------------------------- */

typedef struct vctx {
	vakt_vimport *im;
	const char *file; /* label for messages: a path, or "all.zip:MEMBER" */
	vakt_arena arena; /* the record being built; reset after each record */
	size_t max_file, max_record, max_zip_members;
	uint64_t max_zip_total;
	unsigned rec_warnings; /* warnings of the current record */
	unsigned rec_line;
} vctx;

void vctx_init(vctx *c, vakt_vimport *im, const char *file);
void vctx_fini(vctx *c);
/* Start a record at line: resets the arena and the record's warning count. */
void vctx_record_begin(vctx *c, unsigned line);
/* A warning (counted in im->warnings; at most VIMP_RECORD_WARNINGS shown per record). */
void vctx_warn(vctx *c, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Will the next warning of this record be shown? Callers that must work to find a
 * warning's line (vloc_line walks the record's text) ask first, so a record with a
 * million bad parts costs no more than its size. */
static inline bool vctx_shown(const vctx *c)
{
	return c->im->warn && c->rec_warnings < VIMP_RECORD_WARNINGS;
}
/* A skipped record: a warning, and im->skipped + 1. */
void vctx_skip(vctx *c, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Hand rec to the sink (im->records + 1); the sink's negative return, or 0. A negative
 * return is recorded in err. */
int vctx_emit(vctx *c, const vakt_vrecord *rec, unsigned line, vakt_error **err);
/* Close the current record: summarises warnings beyond the shown ones. */
void vctx_record_end(vctx *c);

/* ---- jscan ----------------------------------------------------------------------------------- */

typedef struct jscan {
	const char *p, *end;
	unsigned line;	 /* line of p */
	size_t tokens;	 /* tokens skipped so far (see js_skip) */
	const char *err; /* static message after a failure */
	unsigned err_line;
} jscan;

void js_init(jscan *s, const char *data, size_t len, unsigned line);
/* Skip JSON whitespace (and a UTF-8 byte order mark at the very start if bom). */
void js_ws(jscan *s);
/* The next byte after whitespace, or -1 at the end. */
int js_peek(jscan *s);
/* Expect byte c after whitespace; 0, or -1 with s->err. */
int js_expect(jscan *s, char c);
/* A string token: *ret and *ret_len the raw bytes between the quotes; *escaped if they hold a
 * backslash. 0 or -1. */
int js_string(jscan *s, const char **ret, size_t *ret_len, bool *escaped);
/* Skip one value; *ret_start and *ret_end delimit it. At most max_tokens tokens (strings,
 * scalars, brackets) are counted before the value is refused (-1, s->err set, and
 * s->tokens beyond the limit). */
int js_skip(jscan *s, size_t max_tokens, const char **ret_start, const char **ret_end);

/* Iterate an object: js_obj_begin after '{' is expected; js_obj_next returns 1 with the
 * key's raw text (positioned at its value, after the colon), 0 at the closing brace, -1
 * on error. Same for arrays (js_arr_next positions at the next element). */
int js_obj_begin(jscan *s);
int js_obj_next(jscan *s, bool *first, const char **key, size_t *key_len, bool *escaped,
		unsigned *key_line);
int js_arr_begin(jscan *s);
int js_arr_next(jscan *s, bool *first);
/* Only whitespace left: 0, or -1. */
int js_end(jscan *s);

/* A key's text decoded: the raw bytes when they need no decoding, else jansson's decoding
 * into the arena. NULL if invalid (bad escape, NUL, invalid UTF-8). */
const char *js_key_str(vakt_arena *a, const char *raw, size_t len, bool escaped);

/* Parse the text [start, end) (beginning at line) with jansson. NULL on failure, with
 * *ret_line and the message in msg (size msglen). */
json_t *vjson_parse(const char *start, const char *end, unsigned line, unsigned *ret_line,
		    char *msg, size_t msglen);

/* One record of a streamed feed, [start, end) from line, which the scanner counted
 * tokens in: parsed with vjson_parse, or, over the record limits or malformed, recorded
 * as a skipped `what` ("CVE entry: ...; skipped") and NULL. */
json_t *vctx_record_json(vctx *c, const char *start, const char *end, unsigned line, size_t tokens,
			 const char *what);

/* ---- where a value is ------------------------------------------------------------------------ */

#define VPATH_MAX 12

typedef struct vpath {
	unsigned n;
	struct {
		const char *key; /* NULL for an array index */
		size_t idx;
	} c[VPATH_MAX];
} vpath;

static inline void vpath_key(vpath *p, const char *key)
{
	if (p->n < VPATH_MAX)
		p->c[p->n].key = key, p->c[p->n].idx = 0;
	p->n++;
}
static inline void vpath_idx(vpath *p, size_t idx)
{
	if (p->n < VPATH_MAX)
		p->c[p->n].key = NULL, p->c[p->n].idx = idx;
	p->n++;
}
static inline void vpath_pop(vpath *p)
{
	if (p->n)
		p->n--;
}
/* "affected[2].ranges[0].type" into buf. */
const char *vpath_str(const vpath *p, char *buf, size_t len);

typedef struct vline_ent {
	const json_t *v;
	unsigned line;
} vline_ent;

typedef struct vlines {
	vline_ent *v;
	size_t n, cap;
	bool sorted;
} vlines;

void vlines_free(vlines *t);

typedef struct vloc {
	unsigned line;	  /* the record's line */
	const char *text; /* JSON: the record's text, else NULL */
	const char *text_end;
	vlines *lines;	    /* YAML: value -> line, else NULL */
	const json_t *root; /* YAML: the value the paths start from */
} vloc;

/* The line of the value at path (v is that value when known), or the record's line. For
 * YAML, a value without a line of its own (null, a missing member) gets its nearest
 * container's. */
unsigned vloc_line(const vloc *l, const vpath *path, const json_t *v);

/* ---- YAML ------------------------------------------------------------------------------------ */

/* Convert a YAML node to jansson values: scalars become strings (plain null scalars
 * become null), mappings objects (the last of a repeated key wins, merge keys looked
 * through), sequences arrays. Aliases are expanded within *budget nodes. Lines go to
 * lines (if not NULL). NULL on failure with *why (a static message) and *why_line. */
json_t *vyaml_to_json(const vakt_node *n, size_t *budget, vlines *lines, const char **why,
		      unsigned *why_line);

/* ---- small helpers --------------------------------------------------------------------------- */

/* True if s is a usable advisory id: 1..VIMP_MAX_ID printable ASCII bytes, no spaces. */
bool vimp_id_ok(const char *s);
/* ASCII-lowercased copy in the arena. */
char *vimp_lower(vakt_arena *a, const char *s);
/* A distribution's severity word as vakt keeps it: lowercased, the trailing '*' of Debian's
 * urgencies (the mark of one taken from NVD) dropped; NULL for NULL, empty, "unknown" and
 * "not yet assigned". In the arena. */
const char *vimp_word(vakt_arena *a, const char *s);
/* s if it already carries a zone, else s + "Z" in the arena; NULL stays NULL. */
const char *vimp_rfc3339(vakt_arena *a, const char *s);
/* "an object", "an array", "a string", "a number", "a boolean", "null": for messages. */
const char *vjson_kind(const json_t *v);
/* A string member of obj: 1 found (string), 0 absent or null, -1 another type. */
int vjson_str(const json_t *obj, const char *key, const char **ret);

/* ---- the importers --------------------------------------------------------------------------- */

int vimp_osv_json(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_osv_yaml(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_osv_zip(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_debian(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_alpine_json(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_alpine_yaml(vctx *c, const char *data, size_t len, vakt_error **err);
int vimp_nvd(vctx *c, const char *data, size_t len, vakt_error **err);

/* Map one parsed OSV record (root) to a vakt_vrecord and emit it; malformed records are
 * skipped with a warning. 0, or the sink's negative code. */
int vimp_osv_record(vctx *c, json_t *root, const vloc *loc, vakt_error **err);

#endif
