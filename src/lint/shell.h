/* shell.h - POSIX shell word splitting, enough to find container commands in scripts.
 *
 * vakt does not run or fully parse shell: it tokenises text the way sh would split it
 * into words and operators, so `docker run` lines can be found and their flags read, in
 * shell scripts, Makefile recipes, CI files and Dockerfile RUN instructions. Quotes ('...',
 * "...", $'...') and backslash escapes are removed as sh removes them; backslash-newline
 * joins lines; comments are dropped; heredoc bodies are skipped; $VAR, ${...}, $(...) and
 * `...` are kept as written and flagged, since their value is not known statically.
 * Every token keeps the file position where it starts.
 */
#ifndef VAKT_LINT_SHELL_H
#define VAKT_LINT_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

typedef enum sh_token_kind {
	SH_WORD,
	SH_OP, /* && || ; | & ;; ( ) and a newline (text "\n") that ends a command */
} sh_token_kind;

typedef struct sh_token {
	sh_token_kind kind;
	const char *text;    /* word after quote removal; the operator for SH_OP */
	bool expansion;      /* contains an unquoted or double-quoted $ or ` (value unknown) */
	bool quoted;         /* any part was quoted */
	unsigned line, col;  /* where the token starts in the file */
} sh_token;

/* Where text comes from: text[0] is at (line, col) of file. For text taken from a YAML
 * block scalar, each line of the text starts at its own column: line_cols[i] is the file
 * column of the first character of text line i (NULL: line 0 starts at col, later lines
 * at column 1). */
typedef struct sh_source {
	const char *text;
	size_t len;
	unsigned line, col;
	const unsigned *line_cols;
	size_t nline_cols;
} sh_source;

/* Tokenise src into *ret (arena). An unterminated quote is an error naming file:line:col
 * of its opening quote; an unterminated heredoc ends at the end of the text (as sh warns
 * and accepts). Returns 0 or a negative code. */
int vakt_shell_tokenize(const char *file, const sh_source *src, vakt_arena *a, sh_token **ret,
			size_t *ret_n, vakt_error **err);

/* Split tokens into simple commands (at operators) and call fn with each command's words,
 * after leading variable assignments (A=b) and wrappers (sudo [-flags], env, exec, nohup,
 * time, command) are stripped. */
typedef void (*sh_command_fn)(const sh_token *words, size_t n, void *ud);
void vakt_shell_commands(const sh_token *toks, size_t n, sh_command_fn fn, void *ud);

#endif
