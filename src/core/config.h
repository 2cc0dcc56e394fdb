/* config.h - locating and loading .vakt.yaml.
 *
 * The file is found by looking in the input's directory and then each parent up to the
 * filesystem root (as git finds .gitignore's repository), or named with --config. The
 * core only loads it; each command interprets the keys it owns and rejects the rest,
 * so a typo in a security setting is an error, not a silent default.
 */
#ifndef VAKT_CORE_CONFIG_H
#define VAKT_CORE_CONFIG_H

#include "core/doc.h"
#include "core/error.h"

typedef struct vakt_config {
	char *path;           /* as found or given */
	char *dir;            /* absolute directory of the file */
	const vakt_node *root; /* a mapping, or NULL for an empty file */
	vakt_doc_stream *stream; /* owns the nodes */
} vakt_config;

/* Absolute path of the .vakt.yaml (or .vakt.yml) governing `start` (a file or a
 * directory), or NULL when there is none. */
char *vakt_config_find(const char *start);

/* Load and parse path (one YAML document whose root is a mapping). */
int vakt_config_load(const char *path, vakt_config **ret, vakt_error **err);

vakt_config *vakt_config_free(vakt_config *c);

#endif
