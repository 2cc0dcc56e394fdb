/* dockerfile.h - a Dockerfile (or Containerfile) parsed as BuildKit's frontend reads it.
 *
 * Parser directives (# syntax=, # escape=, # check=) at the top; instructions with their
 * keyword in any case; line continuations with the active escape character, comment lines
 * inside a continuation dropped; exec form (a JSON array) and shell form; flags
 * (--from=, --chown=, --chmod=, --platform=, --mount=, --link, ...); heredocs (<<EOF,
 * <<-EOF, quoted delimiters, several on one line) attached to their instruction; ONBUILD
 * with its inner instruction; stages (FROM ... AS name) with their base resolved to an
 * earlier stage when it names one.
 *
 * Variables: ARG before the first FROM (global, usable in FROM lines), ARG and ENV in a
 * stage, expanded with $V, ${V}, ${V:-word}, ${V:+word} (and - / + without the colon, and
 * BuildKit's ?, #, ##, %, %%, / and // forms) in the instructions where BuildKit expands
 * them: ADD, COPY, ENV, EXPOSE, FROM (global ARGs only), LABEL, STOPSIGNAL, USER, VOLUME,
 * WORKDIR, the defaults of ARG, and the values of ADD/COPY flags (not --from) and of
 * RUN --mount. RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK and ONBUILD's inner instruction
 * are not expanded (the shell, or the child build, does that later). Build args given by
 * the caller override ARG defaults. Expansion results are kept next to the raw text.
 *
 * What is not known statically: the environment of a base image pulled from a registry,
 * and the automatic platform ARGs (BUILDPLATFORM, TARGETARCH, ...) unless the caller
 * passes them as build args. A variable BuildKit would read from the base image expands
 * to "" as for an unset one; a platform ARG is kept as written ("$TARGETARCH"). Either way
 * the word (and its instruction) is marked `unresolved`.
 *
 * Every instruction keeps its line range and the column of its keyword. Everything lives
 * in the caller's arena. Columns count characters (code points), 1-based.
 */
#ifndef VAKT_LINT_DOCKERFILE_H
#define VAKT_LINT_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

/* clang-format off */
typedef enum df_kind {
	DF_UNKNOWN = 0, /* a keyword BuildKit does not know: kept, reported by rules if useful */
	DF_ADD, DF_ARG, DF_CMD, DF_COPY, DF_ENTRYPOINT, DF_ENV, DF_EXPOSE, DF_FROM,
	DF_HEALTHCHECK, DF_LABEL, DF_MAINTAINER, DF_ONBUILD, DF_RUN, DF_SHELL, DF_STOPSIGNAL,
	DF_USER, DF_VOLUME, DF_WORKDIR,
} df_kind;
/* clang-format on */

/* "--name=value" or "--name" (value NULL) before an instruction's arguments. A value
 * needs the "=": "--mount type=cache" is a bare flag followed by the arguments. */
typedef struct df_flag {
	const char *name;     /* without the dashes: "from", "chown", "mount", "link" */
	const char *value;    /* quotes removed as BuildKit removes them; NULL for a bare flag */
	const char *expanded; /* value with variables expanded (== value when nothing to expand) */
	unsigned line, col;   /* where the flag starts in the file */
} df_flag;

typedef struct df_heredoc {
	const char *delimiter; /* without quotes */
	bool quoted;	       /* <<"EOF" or <<'EOF': no expansion in the body */
	bool strip_tabs;       /* <<-EOF: leading tabs are already stripped from body */
	const char *body;      /* the lines between the marker line and the delimiter line,
				* each with its line ending */
	unsigned line;	       /* first line of the body (the delimiter line when empty) */
} df_heredoc;

/* One argument word (exec form element, or a word of a key=value list, a path, ...).
 * In exec form, raw is the JSON string already decoded; line/col is its opening quote. */
typedef struct df_word {
	const char *raw;
	const char *expanded;
	unsigned line, col; /* where the word starts in the file */
	bool unresolved;    /* the expansion used a value not known statically (see above) */
} df_word;

/* Arguments by kind (nargs/args):
 *   exec form (RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME): the array's elements;
 *   FROM, COPY, ADD, VOLUME, EXPOSE: the words split at blanks, as BuildKit splits them
 *     (quotes are not word boundaries there; expansion removes them afterwards);
 *   WORKDIR, USER, STOPSIGNAL, MAINTAINER: one word, the whole text;
 *   HEALTHCHECK: the type word (CMD or NONE), then the command (exec or shell words);
 *   ENV, LABEL, ARG: one word per pair, expanded as "key=value"; the legacy
 *     "ENV key value with spaces" has two words, the key and the value;
 *   RUN, CMD, ENTRYPOINT, SHELL (shell form), unknown keywords: the words of the text
 *     split as BuildKit's word splitter does (quotes kept in raw), not expanded;
 *   ONBUILD: none; see onbuild.
 * expanded, for the instruction: the expanded words joined with one space (for ENV, LABEL
 * and ARG the "key=value" pairs; for WORKDIR, USER, STOPSIGNAL the expanded text); text
 * itself where BuildKit expands nothing, or when no word changed. */
typedef struct df_instruction df_instruction;
struct df_instruction {
	df_kind kind;
	const char *keyword; /* as written, e.g. "run" */
	unsigned line;	     /* line of the keyword */
	unsigned col;	     /* column of the keyword */
	unsigned end_line;   /* last line (continuations and heredoc bodies included) */
	int stage;	     /* index into df_file.stages; -1 before the first FROM */

	const char *text;     /* the arguments after the flags, continuations joined, raw */
	const char *expanded; /* text with variables expanded where BuildKit expands them */
	bool exec_form; /* the arguments are a JSON array (RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME)
			 */
	size_t nargs;	/* see "Arguments by kind" above */
	df_word *args;
	size_t nflags;
	df_flag *flags;
	size_t nheredocs;
	df_heredoc *heredocs;

	/* key=value instructions (ENV, ARG, LABEL; legacy "ENV key value" too) */
	size_t npairs;
	const char **keys;	 /* expanded (ARG keys are not expanded, as in BuildKit) */
	const char **values;	 /* expanded; for ARG the value in effect (build arg, default,
				  * or the global value a bare "ARG NAME" takes), NULL when it
				  * has none or it is not known statically */
	const char **raw_values; /* as written, quotes kept; NULL for an ARG without default */
	df_word *pair_words;	 /* position of each key; raw and expanded key */

	df_instruction *onbuild; /* ONBUILD: the inner instruction (its own kind, text, ...) */

	bool unresolved;	  /* some expansion used a value not known statically */
	const char *expand_error; /* why BuildKit would fail to expand this instruction
				   * ("syntax error: bad substitution", ...), or NULL; the
				   * words concerned keep their raw text as expanded */
};

typedef struct df_stage {
	const char *base; /* FROM image, expanded ("ubuntu:22.04", "scratch", "${BASE}" -> value) */
	const char *base_raw; /* as written */
	const char *name;     /* AS name, lower-cased as BuildKit does; NULL when unnamed */
	const char *platform; /* --platform value, expanded with the global ARGs, or NULL */
	int base_stage;	      /* index of the earlier stage the base names, or -1 for an image */
	size_t first, last;   /* instruction indexes: the FROM, and the stage's last instruction */
	unsigned line;
} df_stage;

typedef struct df_directive {
	const char *name; /* "syntax", "escape", "check" (lower-case) */
	const char *value;
	unsigned line;
} df_directive;

/* A comment, kept for inline ignores (# vakt ignore=..., # hadolint ignore=..., ...).
 * Parser directives are not comments. */
typedef struct df_comment {
	const char *text; /* after '#', surrounding white space trimmed */
	unsigned line;
	int next_instruction; /* index of the instruction that starts after it, or -1 at the end */
	int in_instruction;   /* the instruction whose continuation lines hold it, or -1 */
} df_comment;

typedef struct df_file {
	const char *name;
	char escape; /* '\\' or '`' */
	size_t ndirectives;
	df_directive *directives;
	size_t ninstructions;
	df_instruction *instructions;
	size_t nstages;
	df_stage *stages;
	size_t ncomments;
	df_comment *comments;
} df_file;

typedef struct df_options {
	/* --build-arg NAME=VALUE overrides, NULL-terminated "NAME=VALUE" strings, or NULL; a
	 * bare "NAME" sets NAME to "", the last one for a name wins. They apply to the ARGs
	 * the Dockerfile declares, and set the automatic platform ARGs (TARGETARCH, ...).
	 * They must be valid UTF-8 (VAKT_E_INVALID otherwise). */
	const char *const *build_args;
	size_t max_bytes;	 /* input limit; 0 for the default (16 MiB) */
	size_t max_instructions; /* 0 for the default (100,000) */
} df_options;

/* Parse data (len bytes, need not be NUL-terminated) named name into *ret, allocated in
 * arena. Returns 0, or a negative code with *err naming file:line:col: VAKT_E_PARSE for
 * what BuildKit refuses to parse (an unterminated heredoc, a JSON array with an element
 * that is not a string, a repeated or invalid directive, ENV/LABEL/ARG without their
 * pairs, FROM without one or three arguments, an invalid stage name, ONBUILD ONBUILD, FROM
 * or MAINTAINER), invalid UTF-8 or NUL bytes, a JSON string with \u0000; VAKT_E_LIMIT for
 * a limit: max_bytes, max_instructions, a line longer than 65535 bytes (BuildKit's own
 * limit), more than 1,000,000 words, flags, comments and continuation lines, or variable
 * expansion past twice max_bytes of output or past its time budget. A continuation at the end of
 * the file is accepted, as BuildKit does; a file without instructions parses to an empty df_file
 * (BuildKit refuses it: rules may report that). Instruction-level checks BuildKit makes later
 * (unknown flags, argument counts of COPY, ...) are left to rules. */
int vakt_dockerfile_parse(const char *name, const char *data, size_t len, const df_options *opt,
			  vakt_arena *arena, df_file **ret, vakt_error **err);

/* The stage that becomes the image: the one named target (case-insensitive), or the last
 * when target is NULL or "". -1 if the file has no stage or no stage has that name. */
int vakt_dockerfile_target(const df_file *f, const char *target);

/* The stages the target depends on through FROM <stage>, target first, its bases after:
 * up to max indexes into chain, and their count. Stops at a base that is not an earlier
 * stage, so a hand-built df_file with a cycle cannot loop. */
size_t vakt_dockerfile_stage_chain(const df_file *f, int target, int *chain, size_t max);

/* Canonical keyword ("RUN") of a kind; "" for DF_UNKNOWN or a value out of range. */
const char *vakt_dockerfile_kind_name(df_kind k);

#endif
