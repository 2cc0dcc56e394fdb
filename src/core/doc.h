/* doc.h - YAML/JSON document model with positions, on libyaml.
 *
 * A stream (one file or stdin) yields documents one at a time; each document is a tree
 * of nodes allocated in the stream's arena, which is reset when the next document is
 * read, so memory is bounded by the largest document, not by the file.
 *
 * Every node keeps its 1-based line and column. JSON is parsed by the same code: JSON
 * is (for the inputs vakt reads) a subset of the YAML libyaml accepts.
 *
 * Limits (vakt_doc_limits) bound file bytes, document bytes, nesting depth and node
 * count. Aliases are not expanded: an alias becomes a second reference to the anchored
 * node, so "billion laughs" input costs one pointer per alias, and each alias counts
 * against the node budget. Anchors are registered when their node is complete, so an
 * alias can never refer to an enclosing node: the graph is acyclic. Code that walks a
 * whole tree must still budget its visits (vakt_node_count_expanded shows how).
 */
#ifndef VAKT_CORE_DOC_H
#define VAKT_CORE_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

typedef enum vakt_node_type {
	VAKT_NODE_SCALAR = 1,
	VAKT_NODE_SEQ,
	VAKT_NODE_MAP,
} vakt_node_type;

typedef enum vakt_scalar_style {
	VAKT_SCALAR_PLAIN = 0, /* unquoted: subject to null/bool/int resolution */
	VAKT_SCALAR_QUOTED,    /* single, double, literal or folded: always a string */
} vakt_scalar_style;

typedef struct vakt_node vakt_node;
typedef struct vakt_pair {
	vakt_node *key;
	vakt_node *value;
} vakt_pair;

struct vakt_node {
	uint8_t type;  /* vakt_node_type */
	uint8_t style; /* vakt_scalar_style, scalars only */
	uint32_t line; /* 1-based */
	uint32_t col;  /* 1-based */
	const char *tag; /* explicit tag ("tag:yaml.org,2002:str", "!foo") or NULL */
	union {
		struct {
			const char *str; /* NUL-terminated; may contain NULs before len */
			size_t len;
		} scalar;
		struct {
			vakt_node **items;
			size_t n;
		} seq;
		struct {
			vakt_pair *pairs;
			size_t n;
		} map;
	};
};

typedef struct vakt_doc_limits {
	size_t max_file_bytes; /* whole stream */
	size_t max_doc_bytes;  /* one document */
	unsigned max_depth;    /* nesting of collections */
	size_t max_nodes;      /* nodes + alias references in one document */
} vakt_doc_limits;

/* 256 MiB per file, 16 MiB per document, depth 256, 1,000,000 nodes per document. */
extern const vakt_doc_limits vakt_doc_default_limits;

typedef struct vakt_doc {
	vakt_node *root;  /* NULL for an empty document */
	unsigned index;   /* 0-based position in the stream */
	unsigned line;    /* line where the document starts */
	size_t nodes;     /* nodes built */
} vakt_doc;

typedef struct vakt_doc_stream vakt_doc_stream;

/* Open a stream reading fd (not closed by the stream) named `name` in messages. */
int vakt_doc_stream_open_fd(int fd, const char *name, const vakt_doc_limits *lim,
			    vakt_doc_stream **ret, vakt_error **err);
/* Open a stream over memory (not copied; must outlive the stream). */
int vakt_doc_stream_open_mem(const void *data, size_t len, const char *name,
			     const vakt_doc_limits *lim, vakt_doc_stream **ret, vakt_error **err);

/* Parse the next document. Returns 1 and sets *ret (valid until the next call), 0 at the
 * end of the stream, or a negative code with *err naming file:line:col. After an error
 * the stream is finished: libyaml cannot resynchronise. */
int vakt_doc_stream_next(vakt_doc_stream *s, vakt_doc **ret, vakt_error **err);

/* Free a stream; accepts NULL, returns NULL. */
vakt_doc_stream *vakt_doc_stream_free(vakt_doc_stream *s);

/* The arena holding the current document (for data that should die with it). */
vakt_arena *vakt_doc_stream_arena(vakt_doc_stream *s);

/* Bytes read from the input so far. */
size_t vakt_doc_stream_bytes(const vakt_doc_stream *s);

/* ---- Reading nodes, with the resolution rules Kubernetes applies ----------------------
 * Kubernetes decodes YAML with sigs.k8s.io/yaml (YAML 1.1 scalars via go-yaml v2), so a
 * plain `yes`, `on` or `y` is a boolean true and `~`, `null` or nothing is null. Quoted
 * scalars are always strings. */

/* True for NULL, and for a plain scalar `~`, `null`, `Null`, `NULL` or empty. */
bool vakt_node_is_null(const vakt_node *n);
/* A mapping value by key (the last one when a key repeats, as Kubernetes decodes it),
 * looking through `<<` merge keys; NULL when absent. Null values are returned as NULL. */
vakt_node *vakt_node_get(const vakt_node *map, const char *key);
/* The effective entries of a mapping as Kubernetes decodes it into a Go map: each key
 * once, the last occurrence winning, `<<` merges looked through (explicit keys first,
 * then merged maps in order), null values included (a key that is present). Entries
 * are sorted by key bytewise, in a heap array the caller frees. At most `budget` pairs are
 * visited (merges through aliases fan out); returns false if the budget ran out, with
 * the entries found so far. O(n log n). */
typedef struct vakt_map_entry {
	const vakt_node *key;
	const vakt_node *value;
} vakt_map_entry;
bool vakt_node_map_entries(const vakt_node *map, size_t budget, vakt_map_entry **ret,
			   size_t *ret_n);

/* True if k is a YAML merge key (`<<`, plain or tagged !!merge). */
bool vakt_node_is_merge_key(const vakt_node *k);
/* As vakt_node_get, but returns the key node (for positions) in *ret_key if not NULL. */
vakt_node *vakt_node_get_pair(const vakt_node *map, const char *key, vakt_node **ret_key);

typedef enum vakt_bool_result {
	VAKT_BOOL_INVALID = -1, /* not a boolean */
	VAKT_BOOL_FALSE = 0,
	VAKT_BOOL_TRUE = 1,
} vakt_bool_result;
vakt_bool_result vakt_node_bool(const vakt_node *n);
/* A plain integer scalar (decimal, 0x hex, 0o/0 octal, 0b binary, `_` separators, sign)
 * into *ret; false if n is not one or it overflows int64. */
bool vakt_node_int64(const vakt_node *n, int64_t *ret);
/* Scalar text, or NULL if n is not a scalar. */
const char *vakt_node_str(const vakt_node *n);
/* True if n is a scalar that Kubernetes would take as a string field's value. */
bool vakt_node_is_stringy(const vakt_node *n);
/* "mapping", "sequence", "string", "boolean", "integer", "number", "null": for messages. */
const char *vakt_node_kind_name(const vakt_node *n);

/* Count nodes as a full expansion of aliases would visit them, stopping at budget.
 * Returns the count, or budget+1 when the expansion would exceed it. */
size_t vakt_node_count_expanded(const vakt_node *n, size_t budget);

#endif
