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
 * stage, expanded with $V, ${V}, ${V:-word}, ${V:+word} (and - / + without the colon) in
 * the instructions where BuildKit expands them. Build args given by the caller override
 * ARG defaults. Expansion results are kept next to the raw text.
 *
 * Every instruction keeps its line range and the column of its keyword. Everything lives
 * in the caller's arena.
 */
#ifndef VAKT_LINT_DOCKERFILE_H
#define VAKT_LINT_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

typedef enum df_kind {
	DF_UNKNOWN = 0, /* a keyword BuildKit does not know: kept, reported by rules if useful */
	DF_ADD, DF_ARG, DF_CMD, DF_COPY, DF_ENTRYPOINT, DF_ENV, DF_EXPOSE, DF_FROM,
	DF_HEALTHCHECK, DF_LABEL, DF_MAINTAINER, DF_ONBUILD, DF_RUN, DF_SHELL, DF_STOPSIGNAL,
	DF_USER, DF_VOLUME, DF_WORKDIR,
} df_kind;

/* "--name=value" or "--name" (value NULL) before an instruction's arguments. */
typedef struct df_flag {
	const char *name;  /* without the dashes: "from", "chown", "mount", "link" */
	const char *value; /* raw; NULL for a bare flag */
	const char *expanded; /* value with variables expanded (== value when nothing to expand) */
} df_flag;

typedef struct df_heredoc {
	const char *delimiter; /* without quotes */
	bool quoted;           /* <<"EOF" or <<'EOF': no expansion in the body */
	bool strip_tabs;       /* <<-EOF */
	const char *body;      /* the lines between the marker line and the delimiter line */
	unsigned line;         /* first line of the body */
} df_heredoc;

/* One argument word (exec form element, or a word of a key=value list, a path, ...). */
typedef struct df_word {
	const char *raw;
	const char *expanded;
	unsigned line, col; /* where the word starts in the file */
} df_word;

typedef struct df_instruction df_instruction;
struct df_instruction {
	df_kind kind;
	const char *keyword; /* as written, e.g. "run" */
	unsigned line;       /* line of the keyword */
	unsigned col;        /* column of the keyword */
	unsigned end_line;   /* last line (continuations and heredoc bodies included) */
	int stage;           /* index into df_file.stages; -1 before the first FROM */

	const char *text;     /* the arguments after the flags, continuations joined, raw */
	const char *expanded; /* text with variables expanded where BuildKit expands them */
	bool exec_form;       /* the arguments are a JSON array (RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME) */
	size_t nargs;         /* exec form: the array's elements; else the words of the text */
	df_word *args;
	size_t nflags;
	df_flag *flags;
	size_t nheredocs;
	df_heredoc *heredocs;

	/* key=value instructions (ENV, ARG, LABEL; legacy "ENV key value" too) */
	size_t npairs;
	const char **keys;
	const char **values;   /* expanded; NULL for "ARG name" without a default */
	df_word *pair_words;   /* position of each key */

	df_instruction *onbuild; /* ONBUILD: the inner instruction (its own kind, text, ...) */
};

typedef struct df_stage {
	const char *base;     /* FROM image, expanded ("ubuntu:22.04", "scratch", "${BASE}" -> value) */
	const char *base_raw; /* as written */
	const char *name;     /* AS name, lower-cased as BuildKit does; NULL when unnamed */
	const char *platform; /* --platform value, or NULL */
	int base_stage;       /* index of the earlier stage the base names, or -1 for an image */
	size_t first, last;   /* instruction indexes: the FROM, and the stage's last instruction */
	unsigned line;
} df_stage;

typedef struct df_directive {
	const char *name;  /* "syntax", "escape", "check" (lower-case) */
	const char *value;
	unsigned line;
} df_directive;

/* A comment, kept for inline ignores (# vakt ignore=..., # hadolint ignore=..., ...). */
typedef struct df_comment {
	const char *text; /* after '#', leading spaces trimmed */
	unsigned line;
	int next_instruction; /* index of the instruction that follows it, or -1 at the end */
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
	/* --build-arg NAME=VALUE overrides, NULL-terminated "NAME=VALUE" strings, or NULL */
	const char *const *build_args;
	size_t max_bytes;        /* input limit; 0 for the default (16 MiB) */
	size_t max_instructions; /* 0 for the default (100,000) */
} df_options;

/* Parse data (len bytes, need not be NUL-terminated) named name into *ret, allocated in
 * arena. Returns 0, or a negative code with *err naming file:line:col (an unterminated
 * heredoc, an unterminated JSON array in exec form, invalid UTF-8 or NUL bytes, a limit).
 * A continuation at the end of the file is accepted, as BuildKit does. */
int vakt_dockerfile_parse(const char *name, const char *data, size_t len, const df_options *opt,
			  vakt_arena *arena, df_file **ret, vakt_error **err);

/* The stage that becomes the image: the one named target (case-insensitive), or the last.
 * -1 if the file has no stage or no stage has that name. */
int vakt_dockerfile_target(const df_file *f, const char *target);

/* The stages the target depends on through FROM <stage>, target first, its bases after. */
size_t vakt_dockerfile_stage_chain(const df_file *f, int target, int *chain, size_t max);

/* Canonical keyword ("RUN") of a kind. */
const char *vakt_dockerfile_kind_name(df_kind k);

#endif
