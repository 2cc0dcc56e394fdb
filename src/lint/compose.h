/* compose.h - docker-compose projects read into the container model (ctr.h).
 *
 * A project is one or more compose files merged in order, as `docker compose -f a -f b`
 * does; when none is named, compose.yaml / compose.yml / docker-compose.yaml /
 * docker-compose.yml in a directory, with compose.override.yaml (or .yml, or the
 * docker-compose.override.* forms) merged on top automatically. The Compose Specification
 * and the older v2/v3 file formats are read (a top-level `version:` is accepted and
 * ignored). Values are interpolated as Compose does: ${VAR}, $VAR, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, $$ for a literal $,
 * from the environment and the project's .env file (the environment wins). `extends`
 * (in this file or another) is resolved before merging. Merging follows the Compose
 * Specification's rules (mappings merged key by key, scalars overridden, sequences such
 * as cap_add appended, ports and volumes merged by their target).
 *
 * Each service becomes a vakt_ctr; positions point into the file that set the value.
 */
#ifndef VAKT_LINT_COMPOSE_H
#define VAKT_LINT_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/error.h"
#include "lint/ctr.h"

typedef struct compose_service {
	vakt_ctr ctr;                 /* source CTR_COMPOSE; ctr.name is the service name */
	const char *file;             /* the file that defines the service (positions default here) */
	const char *build_context;    /* the build context directory (resolved against the project
				       * directory), or NULL when the service has no build */
	const char *build_dockerfile; /* path of the Dockerfile to lint (context + dockerfile, or
				       * context/Dockerfile), or NULL; NULL too for an inline
				       * dockerfile_inline */
	const char *build_target;     /* build.target, or NULL */
	const char *const *build_args; /* NULL-terminated "NAME=VALUE" from build.args, or NULL */
	size_t nignores;              /* x-vakt-ignore: [IDs] on the service, for inline ignores */
	ctr_item *ignores;
} compose_service;

typedef struct compose_project {
	const char *dir;      /* project directory (of the first file) */
	size_t nfiles;
	const char **files;   /* the files read, in merge order */
	size_t nservices;
	compose_service *services; /* in name order, for deterministic output */
} compose_project;

typedef struct compose_options {
	const char *const *environ; /* NULL-terminated "NAME=VALUE"; NULL: the process environment */
	bool no_env_file;           /* do not read the project's .env */
	vakt_doc_limits limits;     /* per file */
} compose_options;

/* Is name a compose file name (compose*.y*ml, docker-compose*.y*ml)? And an override? */
bool vakt_compose_is_compose_name(const char *name);
bool vakt_compose_is_override_name(const char *name);

/* Load a project from files (nfiles > 0) in merge order, adding the automatic override of
 * the first file when add_override is true and one exists next to it. Errors name
 * file:line:col: invalid YAML, a service that is not a mapping, a value of the wrong type,
 * a missing required variable (${VAR:?err}), an extends cycle or missing target. */
int vakt_compose_load(const char *const *files, size_t nfiles, bool add_override,
		      const compose_options *opt, vakt_arena *a, compose_project **ret,
		      vakt_error **err);

#endif
