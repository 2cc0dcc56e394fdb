/* lint_util.h - knowledge shared by the rule families (Kubernetes, Dockerfile, container):
 * capability names, host paths that matter, image references. */
#ifndef VAKT_LINT_UTIL_H
#define VAKT_LINT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* A capability name as runtimes read it: upper case, a CAP_ prefix removed. */
void lint_cap_norm(const char *in, char *out, size_t len);
/* True for capabilities that known container escapes rely on (and for ALL). name is
 * normalised with lint_cap_norm first. */
bool lint_cap_dangerous(const char *name);

/* A host path cleaned lexically: '//' collapsed, '.' dropped, '..' resolved, no trailing
 * '/', always absolute (a relative path is taken from /). */
char *lint_clean_path(vakt_arena *a, const char *in);
/* path is dir or below it (both cleaned). */
bool lint_path_is_or_under(const char *path, const char *dir);
/* A cleaned path that is a container runtime's socket or socket directory (Docker,
 * containerd, CRI-O, Podman; /var/run and /run alike). */
bool lint_is_runtime_endpoint(const char *path);
/* The sensitive host directory a cleaned path is or is under; else the first one it
 * contains (*contains set: mounting /var exposes /var/lib/kubelet). NULL: none. */
const char *lint_sensitive_dir(const char *path, bool *contains);

/* An image reference split as registry/repository:tag@digest. */
typedef struct lint_image_ref {
	const char *registry; /* "docker.io" when none is named */
	size_t registry_len;
	const char *tag;      /* "" when none */
	size_t tag_len;
	bool digest;          /* @sha256:... present */
	bool variable;        /* contains an unexpanded $: not judged */
} lint_image_ref;
void lint_image_ref_parse(const char *image, lint_image_ref *ret);

/* A variable name that says it holds a secret (DB_PASSWORD, GITHUB_TOKEN), not a path or
 * URL to one (PASSWORD_FILE). */
bool lint_secret_name(const char *name);
/* What a value looks like when it is a credential whatever its name ("an AWS access key
 * ID", "a private key"), or NULL. */
const char *lint_secret_value(const char *value);

#endif
