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

/* Is name (a path or a base name) a compose file name: compose.yaml, compose.*.yaml,
 * compose-*.yml, the same with docker-compose (not composer.yml)?
 * And an override: compose.override.yaml/.yml or docker-compose.override.yaml/.yml? */
bool vakt_compose_is_compose_name(const char *name);
bool vakt_compose_is_override_name(const char *name);

/* The compose file `docker compose` would pick in dir (without walking up to parents):
 * the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml that is a
 * regular file, as "dir/name" in a, or NULL when there is none. */
const char *vakt_compose_find_file(const char *dir, vakt_arena *a);

/* Load a project from files (nfiles > 0) in merge order, adding the automatic override of
 * the first file when add_override is true and one exists next to it (the first of
 * compose.override.yml, compose.override.yaml, docker-compose.override.yml,
 * docker-compose.override.yaml, as compose picks it). Errors name file:line:col: invalid
 * YAML, a service that is not a mapping, a value of the wrong type, a missing required
 * variable (${VAR:?err}), an extends cycle or missing target.
 *
 * What compose does and this follows (compose-go's loader, override and template code):
 * - every document of a file is read and merged in order; a null or empty file has no
 *   services; `version`, `name`, `x-*` and the other top-level keys are ignored;
 * - every string value in a file is interpolated, so an unresolved ${VAR:?err} anywhere
 *   (environment:, command:, ...) fails the load, as `docker compose config` does; a value
 *   that was interpolated is a string, and booleans also take the strings compose casts
 *   ("true", "yes", "on", ... in any case);
 * - relative paths (bind sources, build contexts, extends files) resolve against the
 *   project directory, and in a file reached through extends against that file's
 *   directory; they are cleaned lexically but not made absolute, so output does not depend
 *   on the working directory;
 * - the `!reset` and `!override` tags of an override file reset or replace a value;
 * - opt may be NULL (process environment, .env read, default limits); a zero field of
 *   opt->limits takes its default. Work is bounded whatever the input: the values copied,
 *   merged and extended by the node limit (aliases and extends included), the strings made
 *   (interpolated, derived, copied into the results) by four times the document limit,
 *   extends chains to 32 services and 64 files, ${...} nesting to 64; a value shared through
 *   aliases is copied into the results once.
 * - not read: top-level `include`, `profiles` (every service is loaded), env_file and
 *   environment (interpolation still checks them).
 *
 * How values reach the model: devices in long syntax become "source:target[:permissions]";
 * volumes of type bind, and of type npipe (a host pipe such as the Docker engine's), are
 * binds; port ranges stay one entry ("8000-8010"); deploy.resources.limits.memory and .pids
 * win over mem_limit and pids_limit, as docker compose applies them; a build arg without a
 * value takes the environment's, and is dropped when there is none. */
int vakt_compose_load(const char *const *files, size_t nfiles, bool add_override,
		      const compose_options *opt, vakt_arena *a, compose_project **ret,
		      vakt_error **err);

#endif
