/* dockerrun.h - `docker run` command lines read into the container model (ctr.h).
 *
 * Recognised commands: docker run, docker create, docker container run|create, and the
 * same with podman (also through sudo, env and the other wrappers shell.h strips). Flags
 * are read in all their spellings: --flag=value, --flag value, -u value, -uvalue, combined
 * short booleans (-it, -dit), --flag=false for booleans. The first word that is not a flag
 * or a flag's value is the image; the rest is the command. Flags vakt does not model are
 * skipped with their value (the table of docker run's options says which take one).
 */
#ifndef VAKT_LINT_DOCKERRUN_H
#define VAKT_LINT_DOCKERRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "lint/ctr.h"
#include "lint/shell.h"

/* True if words (a simple command from vakt_shell_commands) start a container command;
 * *ret_skip is then how many words the command name takes (2 for "docker run", 3 for
 * "docker container run"). */
bool vakt_dockerrun_is_run(const sh_token *words, size_t n, size_t *ret_skip);

/* Read a run command (words as above) into *ret (strings in arena). A flag that needs a
 * value at the end of the line, or no image, is an error naming the position. */
int vakt_dockerrun_parse(const char *file, const sh_token *words, size_t n, vakt_arena *a,
			 vakt_ctr *ret, vakt_error **err);

/* ---- finding run lines in files ----------------------------------------------------------- */

typedef enum vakt_script_kind {
	VAKT_SCRIPT_SHELL,   /* *.sh, *.bash, or a --docker-run string */
	VAKT_SCRIPT_MAKE,    /* Makefile recipes: tab-indented lines, $$ for $, @ and - prefixes */
	VAKT_SCRIPT_GITHUB,  /* GitHub Actions workflows: jobs.J.steps[N].run */
	VAKT_SCRIPT_GITLAB,  /* .gitlab-ci.yml: script, before_script, after_script of jobs */
} vakt_script_kind;

/* A container command found in a file, with an ignore comment on the line before it
 * (e.g. "# vakt ignore=CTR-001 reason") if there was one. */
typedef struct vakt_run_line {
	vakt_ctr ctr;
	const char *ignore_comment; /* text after '#', or NULL */
} vakt_run_line;

typedef void (*vakt_run_fn)(const vakt_run_line *run, void *ud);

/* Find every container command in data (a file of the given kind, named file for
 * positions) and call fn for each, in order. Problems with one command (an unterminated
 * quote, a run line without an image) go to on_error and the scan goes on. Returns 0, or
 * a negative code with *err if the file as a whole cannot be read (invalid YAML for the
 * CI kinds). */
int vakt_scripts_scan(vakt_script_kind kind, const char *file, const char *data, size_t len,
		      vakt_arena *a, vakt_run_fn fn, void (*on_error)(vakt_error *e, void *ud),
		      void *ud, vakt_error **err);

#endif
