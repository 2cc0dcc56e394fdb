/* dockerrun.h - `docker run` command lines read into the container model (ctr.h).
 *
 * Recognised commands: docker run, docker create, docker container run|create, and the
 * same with podman (also through sudo, env and the other wrappers shell.h strips). Flags
 * are read in all their spellings: --flag=value, --flag value, -u value, -uvalue, combined
 * short booleans (-it, -dit), --flag=false for booleans. The first word that is not a flag
 * or a flag's value is the image; the rest is the command. Flags vakt does not model are
 * skipped with their value (the table of docker run's options says which take one).
 *
 * The table is the union of docker run/create's options (docker/cli
 * cli/command/container/opts.go, run.go, create.go) and podman run/create's
 * (cmd/podman/common/create.go). An option in neither is read as a boolean unless it is
 * written --flag=value; "--d" (a doubled dash before a one-letter shorthand, a common typo)
 * is read as the shorthand "-d". A word that is only $VAR or ${VAR} (quoted or not) whose
 * name says it holds options ($DOCKER_OPTS, ${RUN_ARGS}, "$EXTRA_FLAGS": a part of the
 * name between underscores is OPT(S), OPTION(S), ARG(S), FLAG(S) or PARAM(S)) is skipped,
 * not taken as the image.
 *
 * What lands in vakt_ctr: every value keeps the position of the option that set it (the
 * image its own); a scalar option given twice keeps the last (as docker does), except
 * --network, which keeps the first (docker's network mode). --cap-add/--cap-drop values are
 * split at commas (podman splits them; a rule should see each capability). --tmpfs keeps
 * the path only. -v/--volume SRC:DST[:OPTS] is a bind when SRC starts with / . ~ or $
 * (a host path or a variable holding one), a named volume otherwise; ro/readonly in OPTS
 * makes it read-only. --mount type=bind|volume|tmpfs|npipe,... is read by its keys (npipe,
 * a host pipe, counts as a bind; tmpfs also goes to ctr.tmpfs). --use-api-socket adds
 * the bind mount of /var/run/docker.sock that docker makes for it. ctr.name is --name,
 * else the image; ctr.tool is "docker" or "podman"; positions have file NULL.
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
 * "docker container run"), counting global options before the subcommand
 * (docker -H host --context x run: 6) and bare $VAR words before the tool ($SUDO docker
 * run: 3), whose value is unknown. The tool may be named by a path (/usr/bin/docker), or
 * by a variable that conventionally holds it: $DOCKER, ${PODMAN}, make's
 * $(CONTAINER_TOOL), likewise DOCKER_CMD, DOCKER_BIN, DOCKER_EXE, PODMAN_CMD, PODMAN_BIN,
 * CONTAINER_ENGINE, CONTAINER_RUNTIME, CONTAINER_CLI, CONTAINER_CMD, OCI_BIN, OCI_ENGINE
 * (any case in $NAME and ${NAME}; in capitals in $(NAME), which in shell would run NAME);
 * such a tool is "docker" unless the name says podman. */
bool vakt_dockerrun_is_run(const sh_token *words, size_t n, size_t *ret_skip);

/* Read a run command (words as above) into *ret (strings in arena). A flag that needs a
 * value at the end of the line, or no image, is an error naming the position (of the
 * flag; of the command for a missing image), as is --privileged=x or --read-only=x with x
 * not a boolean (a $VAR there is taken as true: the worst case). Words that are not a run
 * command are VAKT_E_INVALID. */
int vakt_dockerrun_parse(const char *file, const sh_token *words, size_t n, vakt_arena *a,
			 vakt_ctr *ret, vakt_error **err);

/* ---- finding run lines in files (scripts.c) -------------------------------------------------- */

typedef enum vakt_script_kind {
	VAKT_SCRIPT_SHELL,  /* *.sh, *.bash, or a --docker-run string */
	VAKT_SCRIPT_MAKE,   /* Makefile recipes: tab-indented lines, $$ for $, @ and - prefixes */
	VAKT_SCRIPT_GITHUB, /* GitHub Actions workflows: jobs.J.steps[N].run */
	VAKT_SCRIPT_GITLAB, /* .gitlab-ci.yml: script, before_script, after_script of jobs */
} vakt_script_kind;

/* A container command found in a file, with an ignore comment on the line before it
 * (e.g. "# vakt ignore=CTR-001 reason") if there was one. An ignore comment is a comment
 * line whose first word is vakt, hadolint, trivy, checkov, kics or kics-scan
 * ("# vakt ignore=CTR-001,CTR-004 reason", "# trivy:ignore:AVD-DS-0002",
 * "# checkov:skip=CKV_DOCKER_8: reason"), on the comment lines right above the command
 * (at most 32 are looked through): vakt's own if there is one there, else the nearest
 * peer's. For a command on the first line of a YAML block scalar, a comment after the
 * block indicator (run: | # vakt ...) and the lines above the key count too. The text is
 * passed through as written; the rules decide what it ignores. */
typedef struct vakt_run_line {
	vakt_ctr ctr;
	const char *ignore_comment; /* text after '#', or NULL */
} vakt_run_line;

typedef void (*vakt_run_fn)(const vakt_run_line *run, void *ud);

/* Find every container command in data (a file of the given kind, named file for
 * positions) and call fn for each, in order. Problems with one command (an unterminated
 * quote, a run line without an image) go to on_error and the scan goes on; the error is
 * freed when on_error returns (on_error may be NULL). Returns 0, or a negative code with
 * *err if the file as a whole cannot be read (invalid YAML for the CI kinds).
 *
 * Order: by position, per file for scripts and Makefiles, per YAML document for CI files.
 * Commands inside command substitutions are found too (ID=$(docker run -d ...)), to a
 * nesting of 8. run lines and their ctr live in arena a; nothing else is kept.
 *
 * Where commands are looked for:
 * - SHELL: the whole text.
 * - MAKE: recipe lines (tab-indented lines after a rule, and the part after ';' on a rule
 *   line), each its own shell; continuation lines keep joining and lose their leading tab,
 *   as make does; @ - + prefixes are dropped; $$ is $; $(X) and ${X} stay as written.
 *   Lines inside define ... endef and continuations of variable assignments are not
 *   recipes.
 * - GITHUB: jobs.<id>.steps[*].run (and runs.steps[*].run of a composite action), skipped
 *   when the step's shell (step shell:, else defaults.run.shell of the job or workflow) is
 *   not bash or sh, or when no shell is set and runs-on names a Windows runner (pwsh).
 * - GITLAB: script, before_script and after_script of every job (hidden .jobs too), of
 *   default:, and the global before_script/after_script: a string or a list of strings
 *   (nested lists flattened, !reference lists skipped, each item its own command line).
 * A YAML scalar reached twice through aliases is scanned once. */
int vakt_scripts_scan(vakt_script_kind kind, const char *file, const char *data, size_t len,
		      vakt_arena *a, vakt_run_fn fn, void (*on_error)(vakt_error *e, void *ud),
		      void *ud, vakt_error **err);

#endif
