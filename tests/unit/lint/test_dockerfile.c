/* test_dockerfile.c - the Dockerfile parser (src/lint/dockerfile.c) against BuildKit's rules:
 * directives, continuations, exec and shell form, flags, heredocs, ONBUILD, pairs, stages,
 * variable expansion and scopes, positions, errors and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/dockerfile.h"

typedef struct fx {
	vakt_arena a;
	df_file *f;
	vakt_error *err;
	int rc;
} fx;

static void run(fx *x, const char *src, size_t len, const df_options *o)
{
	memset(x, 0, sizeof(*x));
	vakt_arena_init(&x->a, 0);
	x->rc = vakt_dockerfile_parse("Dockerfile", src, len, o, &x->a, &x->f, &x->err);
}

/* Parse src, which must succeed. */
static void ok(fx *x, const char *src)
{
	run(x, src, strlen(src), NULL);
	if (x->rc != 0)
		fail_msg("parse failed: %u:%u %s", x->err->line, x->err->col, x->err->msg);
}

static void ok_args(fx *x, const char *src, const char *const *build_args)
{
	df_options o = {.build_args = build_args};
	run(x, src, strlen(src), &o);
	if (x->rc != 0)
		fail_msg("parse failed: %u:%u %s", x->err->line, x->err->col, x->err->msg);
}

#define ANY UINT32_MAX

/* Parse src, which must fail with code at line:col (line ANY, col 0: any) and a message
 * containing msg. */
static void bad(const char *src, size_t len, const df_options *o, int code, unsigned line,
		unsigned col, const char *msg)
{
	fx x;
	run(&x, src, len, o);
	assert_int_equal(x.rc, code);
	assert_non_null(x.err);
	assert_string_equal(x.err->file, "Dockerfile");
	if (!strstr(x.err->msg, msg))
		fail_msg("message \"%s\" lacks \"%s\"", x.err->msg, msg);
	if (line != ANY)
		assert_int_equal(x.err->line, line);
	if (col)
		assert_int_equal(x.err->col, col);
	vakt_error_free(x.err);
	vakt_arena_destroy(&x.a);
}

static void bad_s(const char *src, int code, unsigned line, unsigned col, const char *msg)
{
	bad(src, strlen(src), NULL, code, line, col, msg);
}

static void done(fx *x)
{
	vakt_error_free(x->err);
	vakt_arena_destroy(&x->a);
}

static const df_instruction *I(const fx *x, size_t i)
{
	assert_true(i < x->f->ninstructions);
	return &x->f->instructions[i];
}

/* The label value of key in LABEL instruction i. */
static const char *label(const fx *x, size_t i, const char *key)
{
	const df_instruction *in = I(x, i);
	assert_int_equal(in->kind, DF_LABEL);
	for (size_t k = 0; k < in->npairs; k++) {
		if (strcmp(in->keys[k], key) == 0)
			return in->values[k];
	}
	fail_msg("no label %s", key);
	return NULL;
}

/* ---- keywords, directives ------------------------------------------------------------- */

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(vakt_dockerfile_kind_name(DF_RUN), "RUN");
	assert_string_equal(vakt_dockerfile_kind_name(DF_HEALTHCHECK), "HEALTHCHECK");
	assert_string_equal(vakt_dockerfile_kind_name(DF_WORKDIR), "WORKDIR");
	assert_string_equal(vakt_dockerfile_kind_name(DF_UNKNOWN), "");
	assert_string_equal(vakt_dockerfile_kind_name((df_kind)999), "");
	for (int k = DF_ADD; k <= DF_WORKDIR; k++)
		assert_true(strlen(vakt_dockerfile_kind_name((df_kind)k)) > 0);
}

static void test_keywords_any_case_unknown_kept(void **state)
{
	(void)state;
	fx x;
	ok(&x, "from alpine\nRuN echo hi\n  Frobnicate  --x=1 a \"b c\"\ncopy a b\n");
	assert_int_equal(x.f->ninstructions, 4);
	assert_int_equal(I(&x, 0)->kind, DF_FROM);
	assert_string_equal(I(&x, 1)->keyword, "RuN");
	assert_int_equal(I(&x, 1)->kind, DF_RUN);
	const df_instruction *u = I(&x, 2);
	assert_int_equal(u->kind, DF_UNKNOWN);
	assert_string_equal(u->keyword, "Frobnicate");
	assert_int_equal(u->line, 3);
	assert_int_equal(u->col, 3);
	assert_int_equal(u->nflags, 1);
	assert_string_equal(u->text, "a \"b c\"");
	assert_int_equal(u->nargs, 2);
	assert_string_equal(u->args[1].raw, "\"b c\"");
	assert_int_equal(u->stage, 0);
	assert_int_equal(I(&x, 3)->kind, DF_COPY);
	done(&x);
}

/* Go lower-cases U+212A KELVIN SIGN to 'k': BuildKit runs "WOR\u212aDIR" as WORKDIR. */
static void test_kelvin_sign_keyword(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nWOR\xe2\x84\xaa"
	       "DIR /x\nHEALTHCHEC\xe2\x84\xaa NONE\n");
	assert_int_equal(I(&x, 1)->kind, DF_WORKDIR);
	assert_int_equal(I(&x, 2)->kind, DF_HEALTHCHECK);
	done(&x);
}

static void test_directives(void **state)
{
	(void)state;
	fx x;
	ok(&x, "# syntax = docker/dockerfile:1.7  \n#ESCAPE=`\n  #  Check=skip=all;error=true\n"
	       "# not a directive\n# escape=\\\nFROM a\n");
	assert_int_equal(x.f->ndirectives, 3);
	assert_string_equal(x.f->directives[0].name, "syntax");
	assert_string_equal(x.f->directives[0].value, "docker/dockerfile:1.7");
	assert_int_equal(x.f->directives[0].line, 1);
	assert_string_equal(x.f->directives[1].name, "escape");
	assert_string_equal(x.f->directives[1].value, "`");
	assert_string_equal(x.f->directives[2].name, "check");
	assert_string_equal(x.f->directives[2].value, "skip=all;error=true");
	assert_int_equal(x.f->escape, '`');
	/* directives are not comments; what follows the first non-directive is a comment */
	assert_int_equal(x.f->ncomments, 2);
	assert_string_equal(x.f->comments[0].text, "not a directive");
	assert_string_equal(x.f->comments[1].text, "escape=\\");
	done(&x);
}

/* Directives only count before anything else, a blank line included. */
static void test_directive_after_blank_or_instruction_is_comment(void **state)
{
	(void)state;
	fx x;
	ok(&x, "\n# escape=`\nFROM a\nRUN a `\n  b\n");
	assert_int_equal(x.f->ndirectives, 0);
	assert_int_equal(x.f->escape, '\\');
	assert_int_equal(x.f->ninstructions, 3); /* the backtick continues nothing */
	assert_string_equal(I(&x, 2)->keyword, "b");
	done(&x);
	ok(&x, "FROM a\n# syntax=x\n");
	assert_int_equal(x.f->ndirectives, 0);
	assert_int_equal(x.f->ncomments, 1);
	done(&x);
	ok(&x, "# unknown=1\n# syntax=x\nFROM a\n");
	assert_int_equal(x.f->ndirectives, 0);
	done(&x);
}

static void test_directive_errors(void **state)
{
	(void)state;
	bad_s("# syntax=a\n# Syntax=b\nFROM a\n", VAKT_E_PARSE, 2, 1,
	      "only one syntax parser directive can be used");
	bad_s("# escape=x\nFROM a\n", VAKT_E_PARSE, 1, 1, "invalid escape token 'x'");
	bad_s("# escape=``\nFROM a\n", VAKT_E_PARSE, 1, 1, "invalid escape token");
}

/* ---- lines and continuations ---------------------------------------------------------- */

static void test_continuation_joins_and_positions(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN apt-get update && \\\n    apt-get install -y \\\n\tcurl\nUSER app\n");
	const df_instruction *in = I(&x, 1);
	assert_string_equal(in->text, "apt-get update &&     apt-get install -y \tcurl");
	assert_int_equal(in->line, 2);
	assert_int_equal(in->end_line, 4);
	assert_int_equal(in->nargs, 7);
	assert_string_equal(in->args[3].raw, "apt-get");
	assert_int_equal(in->args[3].line, 3);
	assert_int_equal(in->args[3].col, 5);
	assert_string_equal(in->args[6].raw, "curl");
	assert_int_equal(in->args[6].line, 4);
	assert_int_equal(in->args[6].col, 2);
	assert_int_equal(I(&x, 2)->line, 5);
	done(&x);
}

/* Comment lines and empty lines inside a continuation are dropped (parser.go). */
static void test_continuation_skips_comments_and_blank_lines(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\n# before\nRUN a \\\n  # inside\n\n   \n  b\n# after\nUSER x\n");
	const df_instruction *in = I(&x, 1);
	assert_string_equal(in->text, "a   b");
	assert_int_equal(in->end_line, 7);
	assert_int_equal(x.f->ncomments, 3);
	assert_string_equal(x.f->comments[0].text, "before");
	assert_int_equal(x.f->comments[0].next_instruction, 1);
	assert_int_equal(x.f->comments[0].in_instruction, -1);
	assert_string_equal(x.f->comments[1].text, "inside");
	assert_int_equal(x.f->comments[1].line, 4);
	assert_int_equal(x.f->comments[1].in_instruction, 1);
	assert_int_equal(x.f->comments[1].next_instruction, 2);
	assert_int_equal(x.f->comments[2].next_instruction, 2);
	done(&x);
}

static void test_continuation_at_eof_and_escaped_escape(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN a \\");
	assert_string_equal(I(&x, 1)->text, "a");
	done(&x);
	ok(&x, "FROM a\nRUN a \\\n# only a comment after\n");
	assert_string_equal(I(&x, 1)->text, "a");
	assert_int_equal(I(&x, 1)->end_line, 3);
	done(&x);
	/* an escape after an escape is not a continuation (BuildKit's regexp) */
	ok(&x, "FROM a\nRUN echo a\\\\\nRUN b\n");
	assert_int_equal(x.f->ninstructions, 3);
	assert_string_equal(I(&x, 1)->text, "echo a\\\\");
	done(&x);
	/* a lone escape line starts an instruction whose keyword is on the next line */
	ok(&x, "FROM a\n\\\n  RUN late\n");
	assert_int_equal(I(&x, 1)->kind, DF_RUN);
	assert_int_equal(I(&x, 1)->line, 3);
	assert_int_equal(I(&x, 1)->col, 3);
	done(&x);
}

static void test_crlf_bom_and_indentation(void **state)
{
	(void)state;
	fx x;
	ok(&x, "\xef\xbb\xbf# escape=`\r\nFROM a\r\nRUN a `\r\n  b\r\n\t RUN c\r\n");
	assert_int_equal(x.f->ndirectives, 1);
	assert_int_equal(I(&x, 0)->col, 1);
	assert_string_equal(I(&x, 1)->text, "a   b");
	assert_int_equal(I(&x, 2)->col, 3);
	assert_string_equal(I(&x, 2)->text, "c");
	done(&x);
}

static void test_empty_and_comment_only_files(void **state)
{
	(void)state;
	fx x;
	ok(&x, "");
	assert_int_equal(x.f->ninstructions, 0);
	assert_int_equal(x.f->nstages, 0);
	assert_int_equal(vakt_dockerfile_target(x.f, NULL), -1);
	done(&x);
	ok(&x, "# just\n\n# comments\n");
	assert_int_equal(x.f->ninstructions, 0);
	assert_int_equal(x.f->ncomments, 2);
	assert_int_equal(x.f->comments[1].next_instruction, -1);
	done(&x);
}

/* Columns count characters, not bytes. */
static void test_positions_multibyte(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nLABEL \xc3\xa9t\xc3\xa9=\xe2\x9c\x93 x=2\n");
	const df_instruction *in = I(&x, 1);
	assert_string_equal(in->keys[0], "\xc3\xa9t\xc3\xa9");
	assert_int_equal(in->pair_words[1].col, 13);
	done(&x);
}

/* ---- exec form and shell form --------------------------------------------------------- */

static void test_exec_form(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN [\"sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\\ud83d\\ude00 \\ud800\"]\n"
	       "CMD []\nENTRYPOINT  [ \"/bin/app\" ,\"--x\" ]  \nVOLUME [\"/data\", \"/logs\"]\n"
	       "COPY [\"a b\", \"/dst/\"]\nSHELL [\"pwsh\", \"-c\"]\n");
	const df_instruction *run = I(&x, 1);
	assert_true(run->exec_form);
	assert_int_equal(run->nargs, 3);
	assert_string_equal(run->args[2].raw, "echo \"hi\" \xc3\xa9\xf0\x9f\x98\x80 \xef\xbf\xbd");
	assert_int_equal(run->args[1].line, 2);
	assert_int_equal(run->args[1].col, 12);
	assert_string_equal(run->expanded, run->text);
	assert_true(I(&x, 2)->exec_form);
	assert_int_equal(I(&x, 2)->nargs, 0);
	assert_true(I(&x, 3)->exec_form);
	assert_string_equal(I(&x, 3)->args[1].raw, "--x");
	assert_true(I(&x, 4)->exec_form);
	assert_int_equal(I(&x, 4)->nargs, 2);
	assert_string_equal(I(&x, 5)->args[0].raw, "a b");
	assert_true(I(&x, 6)->exec_form);
	done(&x);
}

/* Text that starts with '[' but is not JSON is shell form (parseMaybeJSON). */
static void test_invalid_json_is_shell_form(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN [\"a\", \"b\"\nCMD [ \"a\" ] x\nENTRYPOINT [\"a\", 1e999]\nRUN [a]\n"
	       "RUN [\"a\",]\nRUN [\"\\q\"]\nCOPY [\"a\" /b\n");
	for (size_t i = 1; i < x.f->ninstructions; i++)
		assert_false(I(&x, i)->exec_form);
	assert_int_equal(I(&x, 1)->nargs, 2);
	assert_string_equal(I(&x, 1)->args[0].raw, "[\"a\",");
	assert_int_equal(I(&x, 7)->nargs, 2); /* COPY shell form splits at blanks */
	done(&x);
}

static void test_json_with_other_elements_is_an_error(void **state)
{
	(void)state;
	bad_s("FROM a\nRUN [\"a\", 1]\n", VAKT_E_PARSE, 2, 5,
	      "arrays must be comprised of strings only");
	bad_s("FROM a\nCMD [\"a\", {\"b\": [null, true]}]\n", VAKT_E_PARSE, 2, 5, "strings only");
	bad_s("FROM a\nHEALTHCHECK CMD [null]\n", VAKT_E_PARSE, 2, 17, "strings only");
	bad_s("FROM a\nRUN [\"a\\u0000b\"]\n", VAKT_E_PARSE, 2, 5, "NUL character");
}

/* ---- flags ------------------------------------------------------------------------------ */

static void test_flags(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM --platform=linux/arm64 a AS b\n"
	       "COPY --from=b --chown=1:2 --chmod=0755 --link src /dst\n"
	       "RUN --mount=type=cache,target=/root/.cache --network=none --mount=\"a b\" make\n"
	       "RUN --mount type=cache echo\n"
	       "COPY -- --odd /dst\n"
	       "ADD --checksum='sha256:ab' https://x/y /z\n");
	const df_instruction *c = I(&x, 1);
	assert_int_equal(c->nflags, 4);
	assert_string_equal(c->flags[0].name, "from");
	assert_string_equal(c->flags[0].value, "b");
	assert_int_equal(c->flags[0].line, 2);
	assert_int_equal(c->flags[0].col, 6);
	assert_string_equal(c->flags[2].name, "chmod");
	assert_string_equal(c->flags[2].value, "0755");
	assert_string_equal(c->flags[3].name, "link");
	assert_null(c->flags[3].value);
	assert_null(c->flags[3].expanded);
	assert_string_equal(c->text, "src /dst");
	assert_int_equal(c->nargs, 2);
	const df_instruction *r = I(&x, 2);
	assert_int_equal(r->nflags, 3);
	assert_string_equal(r->flags[0].value, "type=cache,target=/root/.cache");
	assert_string_equal(r->flags[2].name, "mount");
	assert_string_equal(r->flags[2].value, "a b");
	assert_string_equal(r->text, "make");
	/* a value needs '=': the next word is an argument */
	assert_int_equal(I(&x, 3)->nflags, 1);
	assert_null(I(&x, 3)->flags[0].value);
	assert_string_equal(I(&x, 3)->text, "type=cache echo");
	/* "--" ends the flags */
	assert_int_equal(I(&x, 4)->nflags, 0);
	assert_string_equal(I(&x, 4)->args[0].raw, "--odd");
	assert_string_equal(I(&x, 5)->flags[0].value, "sha256:ab");
	assert_string_equal(x.f->stages[0].platform, "linux/arm64");
	done(&x);
}

static void test_healthcheck(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || "
	       "exit 1\n"
	       "HEALTHCHECK CMD [\"/bin/check\", \"-q\"]\nHEALTHCHECK NONE\n");
	const df_instruction *h = I(&x, 1);
	assert_int_equal(h->nflags, 2);
	assert_string_equal(h->flags[0].name, "interval");
	assert_string_equal(h->flags[0].value, "30s");
	assert_string_equal(h->args[0].raw, "CMD");
	assert_string_equal(h->args[1].raw, "curl");
	assert_false(h->exec_form);
	assert_string_equal(h->expanded, h->text);
	const df_instruction *e = I(&x, 2);
	assert_true(e->exec_form);
	assert_int_equal(e->nargs, 3);
	assert_string_equal(e->args[2].raw, "-q");
	assert_int_equal(I(&x, 3)->nargs, 1);
	assert_string_equal(I(&x, 3)->args[0].raw, "NONE");
	done(&x);
}

/* ---- heredocs --------------------------------------------------------------------------- */

static void test_heredoc_basic_and_quoted(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN <<EOF\napt-get update\necho $HOME\nEOF\n"
	       "RUN <<\"EOT\" bash\necho $X\nEOT\nRUN python3 <<'PY'\nprint(1)\nPY\n"
	       "RUN <<E\"O\"F\nx\nEOF\nUSER app\n");
	const df_instruction *r = I(&x, 1);
	assert_int_equal(r->nheredocs, 1);
	assert_string_equal(r->heredocs[0].delimiter, "EOF");
	assert_false(r->heredocs[0].quoted);
	assert_false(r->heredocs[0].strip_tabs);
	assert_string_equal(r->heredocs[0].body, "apt-get update\necho $HOME\n");
	assert_int_equal(r->heredocs[0].line, 3);
	assert_int_equal(r->end_line, 5);
	assert_string_equal(r->text, "<<EOF");
	assert_true(I(&x, 2)->heredocs[0].quoted);
	assert_string_equal(I(&x, 2)->heredocs[0].delimiter, "EOT");
	assert_true(I(&x, 3)->heredocs[0].quoted);
	assert_string_equal(I(&x, 3)->heredocs[0].delimiter, "PY");
	assert_string_equal(I(&x, 3)->heredocs[0].body, "print(1)\n");
	assert_true(I(&x, 4)->heredocs[0].quoted);
	assert_string_equal(I(&x, 4)->heredocs[0].delimiter, "EOF");
	assert_int_equal(I(&x, 5)->kind, DF_USER);
	assert_int_equal(I(&x, 5)->line, 15);
	done(&x);
}

/* Several heredocs on one line: each body follows the previous one's delimiter. */
static void test_heredoc_several_on_one_line(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nCOPY <<app.conf <<run.sh /etc/app/\nport=1\napp.conf\n#!/bin/sh\nexec app\n"
	       "run.sh\nRUN <<A cat >/x && 3<<-B cat <&3\nline a\nA\n\tline b\n\tB\n");
	const df_instruction *c = I(&x, 1);
	assert_int_equal(c->nheredocs, 2);
	assert_string_equal(c->heredocs[0].delimiter, "app.conf");
	assert_string_equal(c->heredocs[0].body, "port=1\n");
	assert_int_equal(c->heredocs[0].line, 3);
	assert_string_equal(c->heredocs[1].delimiter, "run.sh");
	assert_string_equal(c->heredocs[1].body, "#!/bin/sh\nexec app\n");
	assert_int_equal(c->heredocs[1].line, 5);
	assert_int_equal(c->end_line, 7);
	/* heredoc sources are not paths to expand */
	assert_string_equal(c->args[0].expanded, "<<app.conf");
	const df_instruction *r = I(&x, 2);
	assert_int_equal(r->nheredocs, 2);
	assert_string_equal(r->heredocs[1].delimiter, "B");
	assert_true(r->heredocs[1].strip_tabs);
	assert_string_equal(r->heredocs[1].body, "line b\n");
	assert_int_equal(r->end_line, 12);
	done(&x);
}

/* Heredocs belong to RUN, COPY and ADD in shell form only. */
static void test_heredoc_only_where_buildkit_reads_them(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nRUN [\"cat\", \"<<EOF\"]\nCMD cat <<EOF\nENV A=<<EOF\nRUN echo \"<<EOF\"\n"
	       "RUN echo 'open <<EOF\nLABEL b=1\n");
	for (size_t i = 1; i < x.f->ninstructions; i++)
		assert_int_equal(I(&x, i)->nheredocs, 0);
	assert_int_equal(x.f->ninstructions, 7);
	done(&x);
}

static void test_heredoc_unterminated_names_marker(void **state)
{
	(void)state;
	bad_s("FROM a\nRUN echo hi && cat <<EOF\nbody\nEOF \n", VAKT_E_PARSE, 2, 20,
	      "unterminated heredoc");
	bad_s("FROM a\nCOPY <<A <<B /\nA\nbody\n", VAKT_E_PARSE, 2, 10, "\"B\"");
}

static void test_heredoc_onbuild(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nONBUILD RUN <<EOF\nmake\nEOF\n");
	const df_instruction *o = I(&x, 1);
	assert_int_equal(o->nheredocs, 1);
	assert_int_equal(o->onbuild->nheredocs, 1);
	assert_string_equal(o->onbuild->heredocs[0].body, "make\n");
	assert_int_equal(o->end_line, 4);
	assert_int_equal(o->onbuild->end_line, 4);
	done(&x);
}

/* ---- ONBUILD ---------------------------------------------------------------------------- */

static void test_onbuild(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nENV A=1\nONBUILD  copy --chown=$A . /app/$A\n");
	const df_instruction *o = I(&x, 2);
	assert_int_equal(o->kind, DF_ONBUILD);
	assert_int_equal(o->nargs, 0);
	assert_string_equal(o->text, "copy --chown=$A . /app/$A");
	const df_instruction *in = o->onbuild;
	assert_non_null(in);
	assert_int_equal(in->kind, DF_COPY);
	assert_string_equal(in->keyword, "copy");
	assert_int_equal(in->line, 3);
	assert_int_equal(in->col, 10);
	assert_int_equal(in->stage, 0);
	assert_string_equal(in->flags[0].value, "$A");
	/* the trigger runs, and expands, in the child build */
	assert_string_equal(in->flags[0].expanded, "$A");
	assert_string_equal(in->args[1].expanded, "/app/$A");
	done(&x);
	bad_s("FROM a\nONBUILD ONBUILD RUN x\n", VAKT_E_PARSE, 2, 9, "ONBUILD ONBUILD");
	bad_s("FROM a\nonbuild from b\n", VAKT_E_PARSE, 2, 9,
	      "FROM isn't allowed as an ONBUILD trigger");
	bad_s("FROM a\nONBUILD MAINTAINER me\n", VAKT_E_PARSE, 2, 9, "MAINTAINER isn't allowed");
	bad_s("FROM a\nONBUILD\n", VAKT_E_PARSE, 2, 1, "ONBUILD requires at least one argument");
}

/* ---- ENV, LABEL, ARG --------------------------------------------------------------------- */

static void test_env_and_label_pairs(void **state)
{
	(void)state;
	fx x;
	ok(&x,
	   "FROM scratch\nENV A=1 B=\"two words\" C='$A' D=$A\nENV A=2 E=$A\n"
	   "LABEL \"org.opencontainers.image.title\"=\"My app\" v=$A\nENV legacy value  with $A\n");
	const df_instruction *e = I(&x, 1);
	assert_int_equal(e->npairs, 4);
	assert_string_equal(e->keys[1], "B");
	assert_string_equal(e->values[1], "two words");
	assert_string_equal(e->raw_values[1], "\"two words\"");
	assert_string_equal(e->values[2], "$A");
	/* every pair expands with the scope before the instruction */
	assert_string_equal(e->values[3], "");
	assert_int_equal(e->pair_words[3].line, 2);
	assert_int_equal(e->pair_words[3].col, 30);
	assert_string_equal(e->args[1].raw, "B=\"two words\"");
	assert_string_equal(e->args[1].expanded, "B=two words");
	assert_string_equal(I(&x, 2)->values[1], "1");
	const df_instruction *l = I(&x, 3);
	assert_string_equal(l->keys[0], "org.opencontainers.image.title");
	assert_string_equal(l->pair_words[0].raw, "\"org.opencontainers.image.title\"");
	assert_string_equal(l->values[0], "My app");
	assert_string_equal(l->values[1], "2");
	const df_instruction *g = I(&x, 4);
	assert_int_equal(g->npairs, 1);
	assert_string_equal(g->keys[0], "legacy");
	assert_string_equal(g->values[0], "value  with 2");
	assert_int_equal(g->nargs, 2);
	assert_string_equal(g->args[1].raw, "value  with $A");
	assert_string_equal(g->expanded, "legacy value  with 2");
	done(&x);
}

static void test_env_label_arg_errors(void **state)
{
	(void)state;
	bad_s("FROM a\nENV\n", VAKT_E_PARSE, 2, 0, "ENV requires at least one argument");
	bad_s("FROM a\nENV FOO\n", VAKT_E_PARSE, 2, 5, "ENV must have two arguments");
	bad_s("FROM a\nLABEL a=1 b\n", VAKT_E_PARSE, 2, 11, "can't find = in \"b\"");
	bad_s("FROM a\nLABEL =x\n", VAKT_E_PARSE, 2, 7, "LABEL names can not be blank");
	bad_s("ARG =x\nFROM a\n", VAKT_E_PARSE, 1, 5, "ARG names can not be blank");
	bad_s("FROM a\nARG\n", VAKT_E_PARSE, 2, 0, "ARG requires at least one argument");
}

static void test_arg_forms(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a\nARG A B=2 C=\"x y\" D=\nLABEL l=$A-$B-$C-$D\n");
	const df_instruction *a = I(&x, 1);
	assert_int_equal(a->npairs, 4);
	assert_null(a->raw_values[0]);
	assert_null(a->values[0]);
	assert_string_equal(a->values[1], "2");
	assert_string_equal(a->values[2], "x y");
	assert_string_equal(a->raw_values[2], "\"x y\"");
	assert_string_equal(a->values[3], "");
	assert_string_equal(a->args[0].expanded, "A");
	assert_string_equal(a->args[2].expanded, "C=x y");
	assert_string_equal(label(&x, 2, "l"), "-2-x y-");
	done(&x);
}

/* ---- stages ----------------------------------------------------------------------------- */

static void test_stages(void **state)
{
	(void)state;
	fx x;
	ok(&x, "ARG V=1\nFROM golang:1.22 AS Build\nRUN go build\nFROM build as TEST\nRUN go test\n"
	       "FROM scratch\nCOPY --from=build /app /app\nFROM BUILD\n");
	assert_int_equal(x.f->nstages, 4);
	assert_int_equal(I(&x, 0)->stage, -1);
	const df_stage *s = x.f->stages;
	assert_string_equal(s[0].name, "build");
	assert_string_equal(s[0].base, "golang:1.22");
	assert_int_equal(s[0].base_stage, -1);
	assert_int_equal(s[0].first, 1);
	assert_int_equal(s[0].last, 2);
	assert_int_equal(s[0].line, 2);
	assert_string_equal(s[1].name, "test");
	assert_int_equal(s[1].base_stage, 0);
	assert_null(s[2].name);
	assert_string_equal(s[2].base, "scratch");
	assert_int_equal(s[2].base_stage, -1);
	assert_int_equal(s[3].base_stage, 0); /* stage names match in any case */
	assert_int_equal(I(&x, 4)->stage, 1);
	assert_int_equal(I(&x, 6)->stage, 2);
	done(&x);
	/* a name only refers to an earlier stage */
	ok(&x, "FROM later AS first\nFROM a AS later\n");
	assert_int_equal(x.f->stages[0].base_stage, -1);
	done(&x);
}

static void test_from_errors(void **state)
{
	(void)state;
	bad_s("FROM\n", VAKT_E_PARSE, 1, 1, "FROM requires either one or three arguments");
	bad_s("FROM a b\n", VAKT_E_PARSE, 1, 1, "one or three");
	bad_s("FROM a AS b c\n", VAKT_E_PARSE, 1, 1, "one or three");
	bad_s("FROM a AS 1st\n", VAKT_E_PARSE, 1, 11, "invalid name for build stage: \"1st\"");
	bad_s("FROM a AS b$c\n", VAKT_E_PARSE, 1, 11, "invalid name for build stage");
	fx x;
	ok(&x, "FROM a AS b-c_d.e9\nFROM x a\xc5\xbf Y\n"); /* U+017F folds to 's' */
	assert_string_equal(x.f->stages[0].name, "b-c_d.e9");
	assert_string_equal(x.f->stages[1].name, "y");
	done(&x);
}

/* Stage names resolve through a table: many stages stay fast, and a later stage of the
 * same name shadows an earlier one, as in BuildKit's map of names. */
static void test_many_stages(void **state)
{
	(void)state;
	size_t n = 30000;
	char *src = malloc(n * 40 + 64), *p = src;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "FROM img%zu AS s%zu\n", i, i % 1000);
	p += sprintf(p, "FROM S999\n");
	fx x;
	run(&x, src, (size_t)(p - src), NULL);
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.f->nstages, n + 1);
	assert_int_equal(x.f->stages[n].base_stage, (int)n - 1);
	assert_int_equal(x.f->stages[5].base_stage, -1);
	done(&x);
	free(src);
}

/* hadolint's pain point: the builder runs as root, the final stage does not. */
static void test_multistage_build_stage_runs_as_root(void **state)
{
	(void)state;
	fx x;
	ok(&x,
	   "FROM golang:1.22 AS builder\nUSER root\nRUN make\n"
	   "FROM gcr.io/distroless/static AS runtime\nCOPY --from=builder /out /app\nUSER 65532\n"
	   "ENTRYPOINT [\"/app\"]\n");
	int t = vakt_dockerfile_target(x.f, NULL);
	assert_int_equal(t, 1);
	const char *user = NULL;
	for (size_t i = x.f->stages[t].first; i <= x.f->stages[t].last; i++) {
		if (I(&x, i)->kind == DF_USER)
			user = I(&x, i)->expanded;
	}
	assert_string_equal(user, "65532");
	int chain[4];
	assert_int_equal(vakt_dockerfile_stage_chain(x.f, t, chain, 4), 1);
	assert_int_equal(vakt_dockerfile_target(x.f, "Builder"), 0);
	assert_int_equal(I(&x, 1)->stage, 0);
	done(&x);
}

static void test_target_and_stage_chain(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM a AS base\nFROM base AS mid\nFROM other AS side\nFROM mid AS final\n");
	assert_int_equal(vakt_dockerfile_target(x.f, NULL), 3);
	assert_int_equal(vakt_dockerfile_target(x.f, ""), 3);
	assert_int_equal(vakt_dockerfile_target(x.f, "SIDE"), 2);
	assert_int_equal(vakt_dockerfile_target(x.f, "nope"), -1);
	int chain[8];
	assert_int_equal(vakt_dockerfile_stage_chain(x.f, 3, chain, 8), 3);
	assert_int_equal(chain[0], 3);
	assert_int_equal(chain[1], 1);
	assert_int_equal(chain[2], 0);
	assert_int_equal(vakt_dockerfile_stage_chain(x.f, 3, chain, 2), 2);
	assert_int_equal(vakt_dockerfile_stage_chain(x.f, 7, chain, 8), 0);
	assert_int_equal(vakt_dockerfile_stage_chain(x.f, -1, chain, 8), 0);
	done(&x);

	/* a hand-built file with a cycle cannot make the walk loop */
	df_stage st[3] = {{.base_stage = 2}, {.base_stage = 0}, {.base_stage = 1}};
	df_file f = {.nstages = 3, .stages = st};
	assert_int_equal(vakt_dockerfile_stage_chain(&f, 1, chain, 8), 2);
	assert_int_equal(vakt_dockerfile_stage_chain(&f, 0, chain, 8), 1);
	assert_int_equal(vakt_dockerfile_target(NULL, NULL), -1);
}

/* ---- variables ---------------------------------------------------------------------------- */

/* hadolint's pain point: FROM ${BASE} with a global ARG. */
static void test_from_with_global_arg(void **state)
{
	(void)state;
	fx x;
	ok(&x, "ARG REGISTRY=docker.io\nARG BASE=${REGISTRY}/library/alpine:3.20\n"
	       "ARG PLATFORM=linux/amd64\nFROM --platform=$PLATFORM ${BASE} AS app\n");
	const df_stage *s = &x.f->stages[0];
	assert_string_equal(s->base, "docker.io/library/alpine:3.20");
	assert_string_equal(s->base_raw, "${BASE}");
	assert_string_equal(s->platform, "linux/amd64");
	assert_string_equal(I(&x, 3)->args[0].expanded, "docker.io/library/alpine:3.20");
	assert_string_equal(I(&x, 3)->expanded, "docker.io/library/alpine:3.20 AS app");
	assert_false(I(&x, 3)->unresolved);
	done(&x);
	const char *ba[] = {"BASE=debian:12", NULL};
	ok_args(&x, "ARG BASE=alpine\nFROM $BASE\n", ba);
	assert_string_equal(x.f->stages[0].base, "debian:12");
	done(&x);
	/* an ARG without default and without build arg is empty */
	ok(&x, "ARG TAG\nFROM alpine:${TAG:-latest}\n");
	assert_string_equal(x.f->stages[0].base, "alpine:latest");
	done(&x);
}

/* Global ARGs reach a stage only through "ARG NAME" there; stage ARG and ENV count from
 * their line on. */
static void test_scopes(void **state)
{
	(void)state;
	fx x;
	ok(&x, "ARG V=global\nFROM scratch\nLABEL a=$V\nARG V\nLABEL b=$V\nARG V=own\nLABEL c=$V\n"
	       "LABEL d=$E\nENV E=env\nLABEL e=$E\nFROM scratch\nLABEL f=$V$E\n");
	assert_string_equal(label(&x, 2, "a"), "");
	assert_string_equal(label(&x, 4, "b"), "global");
	assert_string_equal(label(&x, 6, "c"), "own");
	assert_string_equal(label(&x, 7, "d"), "");
	assert_string_equal(label(&x, 9, "e"), "env");
	assert_string_equal(label(&x, 11, "f"), "");
	assert_string_equal(I(&x, 3)->values[0], "global");
	done(&x);
}

static void test_build_args_override_defaults(void **state)
{
	(void)state;
	fx x;
	const char *ba[] = {"V=cli", "G=gcli", "UNDECLARED=x", "EMPTY", NULL};
	ok_args(&x,
		"ARG G=g\nFROM scratch\nARG V=default\nARG G\nARG EMPTY=e\n"
		"LABEL v=$V g=$G u=${UNDECLARED:-none} e=[$EMPTY]\n",
		ba);
	assert_string_equal(label(&x, 5, "v"), "cli");
	assert_string_equal(label(&x, 5, "g"), "gcli");
	assert_string_equal(label(&x, 5, "u"), "none");
	assert_string_equal(label(&x, 5, "e"), "[]");
	assert_string_equal(I(&x, 2)->values[0], "cli");
	assert_string_equal(I(&x, 2)->raw_values[0], "default");
	done(&x);
	const char *bad_arg[] = {"X=\xff", NULL};
	df_options o = {.build_args = bad_arg};
	run(&x, "FROM a\n", 7, &o);
	assert_int_equal(x.rc, VAKT_E_INVALID);
	done(&x);
}

/* A stage built FROM another starts with its ENV (and ARG) values. */
static void test_env_carries_to_child_stage(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM scratch AS base\nENV APP=/srv\nARG MODE=prod\nFROM base AS child\n"
	       "WORKDIR $APP/$MODE\nFROM scratch\nWORKDIR ${APP:-/none}\n");
	assert_string_equal(I(&x, 4)->expanded, "/srv/prod");
	assert_string_equal(I(&x, 6)->expanded, "/none");
	done(&x);
}

static void test_no_expansion_at_run_time_instructions(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM scratch\nENV A=1\nRUN echo $A\nCMD echo $A\nENTRYPOINT [\"echo\", \"$A\"]\n"
	       "SHELL [\"/bin/sh\", \"-c\", \"$A\"]\nHEALTHCHECK CMD echo $A\nMAINTAINER $A\n");
	for (size_t i = 2; i < x.f->ninstructions; i++) {
		const df_instruction *in = I(&x, i);
		assert_string_equal(in->expanded, in->text);
		for (size_t k = 0; k < in->nargs; k++)
			assert_ptr_equal(in->args[k].expanded, in->args[k].raw);
	}
	done(&x);
}

static void test_expansion_instructions(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM scratch\nENV D=/data U=app P=\"80 443\" S=SIGTERM\nVOLUME $D/a \"${D}/b\"\n"
	       "VOLUME [\"$D\", \" /x \"]\nEXPOSE $P 8080/tcp\nUSER $U:$U\nWORKDIR ${D}/w\n"
	       "STOPSIGNAL $S\nCOPY --chown=$U --from=$U $D/src ${D}/dst\n"
	       "ADD --chmod=${M:-644} a b\nRUN --mount=type=cache,target=$D --network=$U make\n");
	assert_string_equal(I(&x, 2)->args[0].expanded, "/data/a");
	assert_string_equal(I(&x, 2)->args[1].expanded, "/data/b");
	assert_string_equal(I(&x, 2)->expanded, "/data/a /data/b");
	assert_true(I(&x, 3)->exec_form);
	assert_string_equal(I(&x, 3)->args[0].expanded, "/data");
	assert_string_equal(I(&x, 3)->args[1].expanded, "/x");
	assert_string_equal(I(&x, 4)->args[0].expanded, "80 443");
	assert_string_equal(I(&x, 4)->expanded, "80 443 8080/tcp");
	assert_string_equal(I(&x, 5)->expanded, "app:app");
	assert_string_equal(I(&x, 6)->expanded, "/data/w");
	assert_string_equal(I(&x, 7)->expanded, "SIGTERM");
	const df_instruction *c = I(&x, 8);
	assert_string_equal(c->flags[0].expanded, "app");
	assert_string_equal(c->flags[1].expanded, "$U"); /* BuildKit never expands --from */
	assert_string_equal(c->expanded, "/data/src /data/dst");
	assert_string_equal(I(&x, 9)->flags[0].expanded, "644");
	const df_instruction *r = I(&x, 10);
	assert_string_equal(r->flags[0].expanded, "type=cache,target=/data");
	assert_string_equal(r->flags[1].expanded, "$U");
	done(&x);
}

static void test_expansion_operators(void **state)
{
	(void)state;
	fx x;
	ok(&x,
	   "FROM scratch\nENV E= S=set F=/a/b/c.tar.gz\n"
	   "LABEL a=${S:-w} b=${E:-w} c=${E-w} d=${N-w} e=${S:+w} f=${E:+w} g=${E+w} h=${N+w}\n"
	   "LABEL i=${F#*/} j=${F##*/} k=${F%.*} l=${F%%.*} m=${F/a/X} n=${F//\\//_} o=${F//?/-}\n"
	   "LABEL p=\"$S\" q='$S' r=\\$S s=\"a\\\"b\" t=${S?x} u=$S$S v=${S}x w=$ x=$$ y=a\\ b\n"
	   "LABEL z=${F/*/[$0]} z2=${F//b/[${S}]}\n");
	const char *want[][2] = {{"a", "set"}, {"b", "w"}, {"c", ""},  {"d", "w"},
				 {"e", "w"},   {"f", ""},  {"g", "w"}, {"h", ""}};
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(label(&x, 2, want[i][0]), want[i][1]);
	assert_string_equal(label(&x, 3, "i"), "a/b/c.tar.gz");
	assert_string_equal(label(&x, 3, "j"), "c.tar.gz");
	assert_string_equal(label(&x, 3, "k"), "/a/b/c.tar");
	assert_string_equal(label(&x, 3, "l"), "/a/b/c");
	assert_string_equal(label(&x, 3, "m"), "/X/b/c.tar.gz");
	assert_string_equal(label(&x, 3, "n"), "_a_b_c.tar.gz");
	assert_string_equal(label(&x, 3, "o"), "-------------");
	assert_string_equal(label(&x, 4, "p"), "set");
	assert_string_equal(label(&x, 4, "q"), "$S");
	assert_string_equal(label(&x, 4, "r"), "$S");
	assert_string_equal(label(&x, 4, "s"), "a\"b");
	assert_string_equal(label(&x, 4, "t"), "set");
	assert_string_equal(label(&x, 4, "u"), "setset");
	assert_string_equal(label(&x, 4, "v"), "setx");
	assert_string_equal(label(&x, 4, "w"), "$");
	assert_string_equal(label(&x, 4, "x"), ""); /* $$ is the unset special parameter */
	assert_string_equal(label(&x, 4, "y"), "a b");
	/* $0 in a replacement is shell-expanded first, to nothing */
	assert_string_equal(label(&x, 5, "z"), "[]");
	assert_string_equal(label(&x, 5, "z2"), "/a/[set]/c.tar.gz");
	done(&x);
}

/* Expansion errors are BuildKit build errors, not parse errors: recorded, text kept. */
static void test_expansion_errors_recorded(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM scratch\nLABEL a=${} b=1\nLABEL c=\"${N?must be set}\"\nUSER ${N:?}\n"
	       "WORKDIR ${A:x}\nLABEL d=${P#\\a}\nLABEL e=${unclosed\nLABEL ok=1\n");
	assert_string_equal(I(&x, 1)->expand_error, "syntax error: bad substitution");
	assert_string_equal(I(&x, 1)->values[0], "${}");
	assert_string_equal(I(&x, 1)->values[1], "1");
	assert_string_equal(I(&x, 2)->expand_error, "N: must be set");
	assert_string_equal(I(&x, 3)->expand_error, "N: is not allowed to be unset");
	assert_string_equal(I(&x, 3)->expanded, "${N:?}");
	assert_non_null(strstr(I(&x, 4)->expand_error, "unsupported modifier"));
	assert_non_null(strstr(I(&x, 5)->expand_error, "invalid escape"));
	assert_string_equal(I(&x, 6)->expand_error, "syntax error: missing '}'");
	assert_null(I(&x, 7)->expand_error);
	done(&x);
}

static void test_expansion_depth_limit(void **state)
{
	(void)state;
	char src[2048] = "FROM scratch\nLABEL a=";
	for (int i = 0; i < 80; i++)
		strcat(src, "${A:-");
	strcat(src, "x");
	for (int i = 0; i < 80; i++)
		strcat(src, "}");
	strcat(src, "\nLABEL b=${A:-${B:-${C:-deep}}}\n");
	fx x;
	ok(&x, src);
	assert_non_null(strstr(I(&x, 1)->expand_error, "nested deeper than"));
	assert_string_equal(label(&x, 2, "b"), "deep");
	done(&x);
}

/* The automatic platform ARGs are unknown here unless given: kept as written, marked. */
static void test_platform_args_unresolved(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nARG TARGETOS\n"
	       "COPY bin-${TARGETOS}-$TARGETARCH /app\nLABEL plain=1\n");
	assert_string_equal(x.f->stages[0].platform, "$BUILDPLATFORM");
	assert_true(I(&x, 0)->unresolved);
	assert_null(I(&x, 1)->values[0]);
	const df_instruction *c = I(&x, 3);
	assert_string_equal(c->args[0].expanded, "bin-${TARGETOS}-$TARGETARCH");
	assert_true(c->args[0].unresolved);
	assert_false(c->args[1].unresolved);
	assert_true(c->unresolved);
	done(&x);
	const char *ba[] = {"BUILDPLATFORM=linux/amd64", "TARGETARCH=arm64", "TARGETOS=linux",
			    NULL};
	ok_args(&x,
		"FROM --platform=$BUILDPLATFORM golang\nARG TARGETARCH\nARG TARGETOS\n"
		"COPY bin-${TARGETOS}-$TARGETARCH /app\n",
		ba);
	assert_string_equal(x.f->stages[0].platform, "linux/amd64");
	assert_string_equal(I(&x, 3)->args[0].expanded, "bin-linux-arm64");
	assert_false(I(&x, 3)->unresolved);
	done(&x);
}

/* A registry image's environment is unknown: unset as BuildKit would see it if the image
 * sets nothing, but marked; scratch has BuildKit's default PATH. */
static void test_image_environment(void **state)
{
	(void)state;
	fx x;
	ok(&x, "FROM alpine\nUSER $APP_UID\nENV PATH=$PATH:/opt/bin\nFROM scratch\nENV P=$PATH\n");
	assert_string_equal(I(&x, 1)->expanded, "");
	assert_true(I(&x, 1)->unresolved);
	assert_string_equal(I(&x, 2)->values[0], ":/opt/bin");
	assert_true(I(&x, 2)->unresolved);
	assert_string_equal(I(&x, 4)->values[0],
			    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_false(I(&x, 4)->unresolved);
	done(&x);
}

/* hadolint's pain point: escape=` with Windows paths; backslashes are plain characters. */
static void test_escape_backtick_windows_paths(void **state)
{
	(void)state;
	fx x;
	ok(&x, "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
	       "COPY C:\\src\\app\\ C:\\app\\\nWORKDIR C:\\app\nENV TOOLS=C:\\tools\n"
	       "RUN powershell -Command `\n    $ErrorActionPreference = 'Stop'; `\n    Get-Item "
	       "C:\\app\n"
	       "USER ContainerUser\nRUN echo `$TOOLS\nCOPY ${TOOLS}\\x D:\\y\n");
	assert_int_equal(x.f->escape, '`');
	const df_instruction *c = I(&x, 1);
	assert_string_equal(c->args[0].expanded, "C:\\src\\app\\");
	assert_string_equal(c->args[1].expanded, "C:\\app\\");
	assert_string_equal(I(&x, 2)->expanded, "C:\\app");
	assert_string_equal(I(&x, 3)->values[0], "C:\\tools");
	const df_instruction *r = I(&x, 4);
	assert_int_equal(r->line, 6);
	assert_int_equal(r->end_line, 8);
	assert_string_equal(
		r->text,
		"powershell -Command     $ErrorActionPreference = 'Stop';     Get-Item C:\\app");
	assert_int_equal(I(&x, 5)->kind, DF_USER);
	assert_string_equal(I(&x, 7)->args[0].expanded, "C:\\tools\\x");
	done(&x);
}

/* ---- errors with positions, limits --------------------------------------------------------- */

static void test_nul_and_invalid_utf8(void **state)
{
	(void)state;
	bad("FROM a\nRUN ab\0c\n", 16, NULL, VAKT_E_PARSE, 2, 7, "NUL byte");
	bad_s("FROM a\nLABEL \xc3\xa9=\xff\n", VAKT_E_PARSE, 2, 9, "invalid UTF-8");
	bad_s("FROM a\nRUN \xed\xa0\x80\n", VAKT_E_PARSE, 2, 5, "invalid UTF-8"); /* a surrogate */
	bad_s("FROM a\nRUN \xc0\xaf\n", VAKT_E_PARSE, 2, 5, "invalid UTF-8");	  /* overlong */
}

static void test_limit_bytes(void **state)
{
	(void)state;
	df_options o = {.max_bytes = 10};
	bad("FROM alpine:3\n", 14, &o, VAKT_E_LIMIT, 0, 0, "larger than the limit of 10 bytes");
	fx x;
	run(&x, "FROM a\n", 7, &o);
	assert_int_equal(x.rc, 0);
	done(&x);
}

static void test_limit_instructions(void **state)
{
	(void)state;
	df_options o = {.max_instructions = 3};
	const char *src = "FROM a\nRUN 1\nRUN 2\nRUN 3\n";
	bad(src, strlen(src), &o, VAKT_E_LIMIT, 4, 1, "more than 3 instructions");
	fx x;
	run(&x, src, strlen(src) - 6, &o);
	assert_int_equal(x.rc, 0);
	done(&x);
}

/* BuildKit's scanner refuses lines longer than 64 KiB - 1: so does vakt, in bounded time. */
static void test_limit_long_line(void **state)
{
	(void)state;
	size_t n = 70000;
	char *src = malloc(n + 16);
	memcpy(src, "FROM a\nRUN ", 11);
	memset(src + 11, 'x', n);
	memcpy(src + 11 + n, "\n", 2);
	bad(src, strlen(src), NULL, VAKT_E_LIMIT, 2, 1, "longer than BuildKit's maximum");
	src[7 + 65534] = '\n'; /* a line of 65534 bytes plus its newline is fine */
	src[7 + 65535] = '\0';
	fx x;
	run(&x, src, strlen(src), NULL);
	assert_int_equal(x.rc, 0);
	done(&x);
	free(src);
}

/* Many continuation lines or words: bounded memory, a limit error. */
static void test_limit_elements(void **state)
{
	(void)state;
	size_t reps = 1100000;
	char *src = malloc(reps * 4 + 32);
	char *p = src + sprintf(src, "FROM a\nRUN x \\\n");
	for (size_t i = 0; i < reps; i++, p += 4)
		memcpy(p, "a \\\n", 4);
	*p = '\0';
	bad(src, strlen(src), NULL, VAKT_E_LIMIT, ANY, 0, "more than 1000000 words");
	free(src);
}

/* Variables inside variables could grow exponentially: the expansion budget stops them. */
static void test_limit_expansion_budget(void **state)
{
	(void)state;
	char src[4096] = "FROM scratch\nENV A=0123456789\n";
	for (int i = 0; i < 30; i++)
		strcat(src, "ENV A=$A$A$A$A\n");
	bad_s(src, VAKT_E_LIMIT, ANY, 1, "expansion");
}

static void test_positions_of_errors_in_continuations(void **state)
{
	(void)state;
	bad_s("FROM a\nENV A=1 \\\n  B \\\n  C=2\n", VAKT_E_PARSE, 3, 3, "can't find = in \"B\"");
	bad_s("FROM a\nRUN [\"a\", \\\n  2]\n", VAKT_E_PARSE, 2, 5, "strings only");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_keywords_any_case_unknown_kept),
		cmocka_unit_test(test_kelvin_sign_keyword),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_directive_after_blank_or_instruction_is_comment),
		cmocka_unit_test(test_directive_errors),
		cmocka_unit_test(test_continuation_joins_and_positions),
		cmocka_unit_test(test_continuation_skips_comments_and_blank_lines),
		cmocka_unit_test(test_continuation_at_eof_and_escaped_escape),
		cmocka_unit_test(test_crlf_bom_and_indentation),
		cmocka_unit_test(test_empty_and_comment_only_files),
		cmocka_unit_test(test_positions_multibyte),
		cmocka_unit_test(test_exec_form),
		cmocka_unit_test(test_invalid_json_is_shell_form),
		cmocka_unit_test(test_json_with_other_elements_is_an_error),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_healthcheck),
		cmocka_unit_test(test_heredoc_basic_and_quoted),
		cmocka_unit_test(test_heredoc_several_on_one_line),
		cmocka_unit_test(test_heredoc_only_where_buildkit_reads_them),
		cmocka_unit_test(test_heredoc_unterminated_names_marker),
		cmocka_unit_test(test_heredoc_onbuild),
		cmocka_unit_test(test_onbuild),
		cmocka_unit_test(test_env_and_label_pairs),
		cmocka_unit_test(test_env_label_arg_errors),
		cmocka_unit_test(test_arg_forms),
		cmocka_unit_test(test_stages),
		cmocka_unit_test(test_from_errors),
		cmocka_unit_test(test_many_stages),
		cmocka_unit_test(test_multistage_build_stage_runs_as_root),
		cmocka_unit_test(test_target_and_stage_chain),
		cmocka_unit_test(test_from_with_global_arg),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_build_args_override_defaults),
		cmocka_unit_test(test_env_carries_to_child_stage),
		cmocka_unit_test(test_no_expansion_at_run_time_instructions),
		cmocka_unit_test(test_expansion_instructions),
		cmocka_unit_test(test_expansion_operators),
		cmocka_unit_test(test_expansion_errors_recorded),
		cmocka_unit_test(test_expansion_depth_limit),
		cmocka_unit_test(test_platform_args_unresolved),
		cmocka_unit_test(test_image_environment),
		cmocka_unit_test(test_escape_backtick_windows_paths),
		cmocka_unit_test(test_nul_and_invalid_utf8),
		cmocka_unit_test(test_limit_bytes),
		cmocka_unit_test(test_limit_instructions),
		cmocka_unit_test(test_limit_long_line),
		cmocka_unit_test(test_limit_elements),
		cmocka_unit_test(test_limit_expansion_budget),
		cmocka_unit_test(test_positions_of_errors_in_continuations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
