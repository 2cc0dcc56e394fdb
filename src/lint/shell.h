/* shell.h - POSIX shell word splitting, enough to find container commands in scripts.
 *
 * vakt does not run or fully parse shell: it tokenises text the way sh would split it
 * into words and operators, so `docker run` lines can be found and their flags read, in
 * shell scripts, Makefile recipes, CI files and Dockerfile RUN instructions. Quotes ('...',
 * "...", $'...') and backslash escapes are removed as sh removes them; backslash-newline
 * joins lines; comments are dropped; heredoc bodies are skipped; $VAR, ${...}, $(...) and
 * `...` are kept as written and flagged, since their value is not known statically.
 * Every token keeps the file position where it starts.
 *
 * Redirections (>file, 2>&1, <in, <<EOF, <<<word, &>file) are not arguments of the command
 * they appear in, so they are dropped with their target word, as sh drops them. Process
 * substitutions <(...) and >(...) are words, like $(...). The text inside each command
 * substitution is also handed back (sh_token.subst), positioned, so a caller can look for
 * commands in `ID=$(docker run -d ...)` too. Operators are given in their plain form: bash's
 * |& is |, its case terminators ;& and ;;& are ;;, and blank lines give one newline token
 * (none before the first word).
 *
 * Bounded work: one pass over the text; nesting of quotes and substitutions inside each
 * other is limited (SH_MAX_NESTING) so hostile input cannot exhaust the C stack.
 */
#ifndef VAKT_LINT_SHELL_H
#define VAKT_LINT_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

/* Deepest nesting of $( ), ${ }, `...` and quotes inside them that is tokenised. */
#define SH_MAX_NESTING 64

typedef enum sh_token_kind {
	SH_WORD,
	SH_OP, /* && || ; | & ;; ( ) and a newline (text "\n") that ends a command */
} sh_token_kind;

/* A file position (1-based). */
typedef struct sh_pos {
	unsigned line, col;
} sh_pos;

typedef struct sh_source sh_source;

typedef struct sh_token {
	sh_token_kind kind;
	const char *text;	/* word after quote removal; the operator for SH_OP */
	bool expansion;		/* contains an unquoted or double-quoted $ or ` (value unknown) */
	bool quoted;		/* any part was quoted (quotes or a backslash) */
	bool assignment;	/* NAME=value with NAME unquoted: an assignment when it leads a
				 * command */
	unsigned line, col;	/* where the token starts in the file */
	size_t nsubst;		/* command substitutions in the word: $(...), `...`, <(...) */
	const sh_source *subst; /* the text inside each, as written, positioned in the file */
} sh_token;

/* Where text comes from: text[0] is at (line, col) of file. For text taken from a YAML
 * block scalar, each line of the text starts at its own column: line_cols[i] is the file
 * column of the first character of text line i, for 0 < i < nline_cols (line 0 always
 * starts at col; NULL: later lines start at column 1). Text line i is file line line + i.
 *
 * Text that was rewritten on its way from the file (a folded or quoted YAML scalar, a
 * Makefile recipe with $$ turned into $) cannot be mapped by lines: pos_map then gives
 * the file position of each byte of text and overrides line, col and line_cols. Columns
 * count characters (UTF-8 sequences), as libyaml counts them. */
struct sh_source {
	const char *text;
	size_t len;
	unsigned line, col;
	const unsigned *line_cols;
	size_t nline_cols;
	const sh_pos *pos_map; /* NULL, or len entries */
};

/* Tokenise src into *ret (arena). An unterminated quote is an error naming file:line:col
 * of its opening quote (likewise an unterminated $(, ${, $(( or `); an unterminated heredoc
 * ends at the end of the text (as sh warns and accepts). Nesting deeper than
 * SH_MAX_NESTING is a VAKT_E_LIMIT error. Returns 0 or a negative code. */
int vakt_shell_tokenize(const char *file, const sh_source *src, vakt_arena *a, sh_token **ret,
			size_t *ret_n, vakt_error **err);

/* As vakt_shell_tokenize, but after an error *ret and *ret_n still hold the tokens of the
 * lines before the line where the failing command starts (up to and including the last
 * newline token), since sh runs those before it meets the error; the error is returned as
 * well. For scanners that report what they can. */
int vakt_shell_tokenize_partial(const char *file, const sh_source *src, vakt_arena *a,
				sh_token **ret, size_t *ret_n, vakt_error **err);

/* Split tokens into simple commands (at operators) and call fn with each command's words,
 * after leading variable assignments (A=b) and wrappers (sudo [-flags], env, exec, nohup,
 * time, command) are stripped. Also stripped: the reserved words that can lead a command
 * (! { } if then elif else fi do done while until) and the wrappers doas, timeout and
 * nice, each with its own options (sudo -u root, env -u X, timeout -s KILL 60, nice -n 5).
 * `command -v` and `command -V` only look a command up, so nothing is called for them.
 * fn is not called for a command left empty. */
typedef void (*sh_command_fn)(const sh_token *words, size_t n, void *ud);
void vakt_shell_commands(const sh_token *toks, size_t n, sh_command_fn fn, void *ud);

#endif
