/* test_shell.c - unit tests of src/lint/shell.c (tokenising and splitting shell),
 * src/lint/dockerrun.c (docker/podman run lines into vakt_ctr) and src/lint/scripts.c
 * (finding run lines in scripts, Makefiles, GitHub Actions and GitLab CI files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/dockerrun.h"
#include "lint/shell.h"

/* ---- helpers --------------------------------------------------------------------------------- */

typedef struct toks {
	vakt_arena a;
	sh_token *t;
	size_t n;
	vakt_error *err;
	int rc;
} toks;

static void tok_src(toks *k, const sh_source *src)
{
	memset(k, 0, sizeof(*k));
	vakt_arena_init(&k->a, 0);
	k->rc = vakt_shell_tokenize("t.sh", src, &k->a, &k->t, &k->n, &k->err);
}

static void tok(toks *k, const char *text)
{
	sh_source src = {text, strlen(text), 1, 1, NULL, 0, NULL};
	tok_src(k, &src);
}

static void tok_free(toks *k)
{
	vakt_error_free(k->err);
	vakt_arena_destroy(&k->a);
}

/* The tokens as one string: words in [brackets], operators bare ("\n" as NL). */
static const char *show(const toks *k)
{
	static char buf[4096];
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < k->n && w < sizeof(buf) - 1; i++) {
		const sh_token *t = &k->t[i];
		if (t->kind == SH_WORD)
			w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s[%s]", i ? " " : "",
					      t->text);
		else
			w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? " " : "",
					      strcmp(t->text, "\n") == 0 ? "NL" : t->text);
	}
	return buf;
}

static void assert_tokens(const char *text, const char *want)
{
	toks k;
	tok(&k, text);
	if (k.rc < 0)
		fail_msg("tokenising %s: %s", text, k.err ? k.err->msg : "?");
	assert_string_equal(show(&k), want);
	tok_free(&k);
}

static void assert_pos(const sh_token *t, unsigned line, unsigned col)
{
	if (t->line != line || t->col != col)
		fail_msg("token '%s' at %u:%u, expected %u:%u", t->text, t->line, t->col, line,
			 col);
}

static void assert_error(const char *text, int code, unsigned line, unsigned col,
			 const char *msg_part)
{
	toks k;
	tok(&k, text);
	assert_int_equal(k.rc, code);
	assert_non_null(k.err);
	assert_int_equal(k.err->line, line);
	assert_int_equal(k.err->col, col);
	if (!strstr(k.err->msg, msg_part))
		fail_msg("error '%s' lacks '%s'", k.err->msg, msg_part);
	tok_free(&k);
}

/* Simple commands, joined: words by spaces, commands by " | ". */
typedef struct cmds {
	char buf[2048];
	size_t n;
} cmds;

static void on_cmd(const sh_token *words, size_t n, void *ud)
{
	cmds *c = ud;
	size_t w = strlen(c->buf);
	if (c->n++)
		w += (size_t)snprintf(c->buf + w, sizeof(c->buf) - w, " | ");
	for (size_t i = 0; i < n; i++)
		w += (size_t)snprintf(c->buf + w, sizeof(c->buf) - w, "%s%s", i ? " " : "",
				      words[i].text);
}

static void assert_commands(const char *text, const char *want)
{
	toks k;
	tok(&k, text);
	assert_int_equal(k.rc, 0);
	cmds c = {.n = 0};
	c.buf[0] = '\0';
	vakt_shell_commands(k.t, k.n, on_cmd, &c);
	assert_string_equal(c.buf, want);
	tok_free(&k);
}

/* One docker run line read into a ctr. */
typedef struct run {
	toks k;
	vakt_ctr c;
	vakt_error *err;
	int rc;
	bool is_run;
	size_t skip;
} run;

static void first_cmd(const sh_token *words, size_t n, void *ud)
{
	run *r = ud;
	if (r->is_run || r->rc)
		return;
	r->is_run = vakt_dockerrun_is_run(words, n, &r->skip);
	if (r->is_run)
		r->rc = vakt_dockerrun_parse("t.sh", words, n, &r->k.a, &r->c, &r->err);
}

static void parse_run(run *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	tok(&r->k, text);
	assert_int_equal(r->k.rc, 0);
	vakt_shell_commands(r->k.t, r->k.n, first_cmd, r);
}

static void run_ok(run *r, const char *text)
{
	parse_run(r, text);
	if (!r->is_run)
		fail_msg("not a run command: %s", text);
	if (r->rc < 0)
		fail_msg("%s: %s", text, r->err ? r->err->msg : "?");
}

static void run_free(run *r)
{
	vakt_error_free(r->err);
	tok_free(&r->k);
}

static const char *list_str(const ctr_list *l)
{
	static char buf[512];
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? "," : "",
				      l->items[i].value);
	return buf;
}

/* ---- tokenising ------------------------------------------------------------------------------ */

static void test_words_and_positions(void **state)
{
	(void)state;
	toks k;
	tok(&k, "docker  run\t-it x");
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.n, 4);
	assert_pos(&k.t[0], 1, 1);
	assert_pos(&k.t[1], 1, 9);
	assert_pos(&k.t[2], 1, 13);
	assert_pos(&k.t[3], 1, 17);
	assert_false(k.t[0].quoted);
	assert_false(k.t[0].expansion);
	tok_free(&k);

	/* columns count characters, not bytes */
	tok(&k, "é\xe2\x82\xac b\n  c");
	assert_pos(&k.t[1], 1, 4);
	assert_pos(&k.t[3], 2, 3);
	tok_free(&k);
}

static void test_quotes(void **state)
{
	(void)state;
	assert_tokens("'a b'c 'x\"y' ''", "[a bc] [x\"y] []");
	assert_tokens("\"a\\\"b\\$c\\\\d\\e\" \"it's\"", "[a\"b$c\\d\\e] [it's]");
	assert_tokens("a\\ b \\$X \\'q", "[a b] [$X] ['q]");
	assert_tokens("x\"y\"'z'w", "[xyzw]");
	toks k;
	tok(&k, "'a' \\b c \"$X\" \"\\$Y\"");
	assert_true(k.t[0].quoted);
	assert_true(k.t[1].quoted); /* a backslash quotes too */
	assert_false(k.t[2].quoted);
	assert_true(k.t[3].expansion);
	assert_false(k.t[4].expansion);
	assert_string_equal(k.t[4].text, "$Y");
	tok_free(&k);
}

static void test_ansi_c_quotes(void **state)
{
	(void)state;
	toks k;
	tok(&k, "$'a\\tb\\x41\\u00e9\\101\\'\\\\\\cA\\q' $'ab\\0cd' $\"loc $X\"");
	assert_int_equal(k.rc, 0);
	assert_string_equal(k.t[0].text, "a\tbA\xc3\xa9"
					 "A'\\\x01\\q");
	assert_true(k.t[0].quoted);
	assert_false(k.t[0].expansion);
	assert_string_equal(k.t[1].text, "ab"); /* a NUL ends it, as in bash */
	assert_string_equal(k.t[2].text, "loc $X");
	assert_true(k.t[2].expansion);
	tok_free(&k);
	/* inside double quotes $'...' is not special */
	assert_tokens("\"$'x'\"", "[$'x']");
}

static void test_continuations(void **state)
{
	(void)state;
	toks k;
	tok(&k, "docker \\\n  run \\\r\n x doc\\\nker");
	assert_int_equal(k.rc, 0);
	assert_string_equal(show(&k), "[docker] [run] [x] [docker]");
	assert_pos(&k.t[1], 2, 3);
	assert_pos(&k.t[2], 3, 2);
	tok_free(&k);
	/* inside double quotes too; inside single quotes the backslash stays */
	assert_tokens("\"a\\\nb\" 'c\\\nd'", "[ab] [c\\\nd]");
}

static void test_comments(void **state)
{
	(void)state;
	assert_tokens("a # b 'c\nd", "[a] NL [d]");
	assert_tokens("a#b c;#x\ne", "[a#b] [c] ; NL [e]");
	assert_tokens("# only a comment", "");
	assert_tokens("echo ${#X} $#", "[echo] [${#X}] [$#]");
}

static void test_operators(void **state)
{
	(void)state;
	assert_tokens("a&&b||c;d|e&f;;g(h)", "[a] && [b] || [c] ; [d] | [e] & [f] ;; [g] ( [h] )");
	assert_tokens("a |& b ;& c ;;& d", "[a] | [b] ;; [c] ;; [d]");
	assert_tokens("a\n\n\n b\n", "[a] NL [b] NL");
	assert_tokens("\n\na", "[a]");
	assert_tokens("a b\r\nc", "[a] [b] NL [c]");
}

static void test_redirections_dropped(void **state)
{
	(void)state;
	assert_tokens("docker run x >out 2>&1 <in &>/dev/null >>log 2> err 1>&- <>rw >|c <<<word",
		      "[docker] [run] [x]");
	assert_tokens("a2>x b", "[a2] [b]");
	assert_tokens("echo 2 >x", "[echo] [2]");
	assert_tokens("diff <(a b) >(c)", "[diff] [<(a b)] [>(c)]");
}

static void test_heredocs_skipped(void **state)
{
	(void)state;
	assert_tokens("cat <<EOF\ndocker run --privileged x\nEOF\ndocker run y",
		      "[cat] NL [docker] [run] [y]");
	assert_tokens("cat <<'E F' | sh\n$(not\n'code\nE F\nz", "[cat] | [sh] NL [z]");
	assert_tokens("cat <<-\"EOF\"\n\tbody\n\tEOF\nz", "[cat] NL [z]");
	assert_tokens("cat <<A <<B; x\na\nA\nb\nB\ny", "[cat] ; [x] NL [y]");
	assert_tokens("cat <<\\EOF\r\nbody\r\nEOF\r\ny", "[cat] NL [y]");
	/* an unterminated heredoc runs to the end, as sh accepts it */
	assert_tokens("cat <<EOF\nno end 'here", "[cat] NL");
	/* a heredoc started inside $( ) is read there */
	assert_tokens("x=$(cat <<EOF\n)'\nEOF\n) y", "[x=$(cat <<EOF\n)'\nEOF\n)] [y]");
}

static void test_expansions_kept(void **state)
{
	(void)state;
	toks k;
	tok(&k, "$X ${Y:-\"a }b\"} $(echo \"x)\" $(b) ')') `date` $((1+(2))) a$1 $ z$");
	assert_int_equal(k.rc, 0);
	assert_string_equal(show(&k), "[$X] [${Y:-\"a }b\"}] [$(echo \"x)\" $(b) ')')] [`date`] "
				      "[$((1+(2)))] [a$1] [$] [z$]");
	for (size_t i = 0; i < 6; i++)
		assert_true(k.t[i].expansion);
	assert_false(k.t[6].expansion);
	assert_false(k.t[7].expansion);
	tok_free(&k);
	/* GitHub expressions stay one word */
	assert_tokens("docker run ${{ matrix.image }} x",
		      "[docker] [run] [${{ matrix.image }}] [x]");
	/* a case pattern's ')' does not close the substitution */
	assert_tokens("x=$(case a in a) echo;; (b) :;; esac) y",
		      "[x=$(case a in a) echo;; (b) :;; esac)] [y]");
	/* comments inside $( ) */
	assert_tokens("x=$(a # )\n) y", "[x=$(a # )\n)] [y]");
}

static void test_substitutions_recorded(void **state)
{
	(void)state;
	toks k;
	tok(&k, "ID=$(sudo docker run -d x)\necho \"`docker ps`\" $(a $(b))");
	assert_int_equal(k.rc, 0);
	assert_true(k.t[0].assignment);
	assert_int_equal(k.t[0].nsubst, 1);
	const sh_source *s = &k.t[0].subst[0];
	assert_int_equal(s->len, strlen("sudo docker run -d x"));
	assert_memory_equal(s->text, "sudo docker run -d x", s->len);
	assert_int_equal(s->line, 1);
	assert_int_equal(s->col, 6);
	assert_int_equal(k.t[3].nsubst, 1);
	assert_memory_equal(k.t[3].subst[0].text, "docker ps", 9);
	assert_int_equal(k.t[3].subst[0].line, 2);
	assert_int_equal(k.t[3].subst[0].col, 8);
	/* only the outer substitution; the inner one is inside its text */
	assert_int_equal(k.t[4].nsubst, 1);
	assert_memory_equal(k.t[4].subst[0].text, "a $(b)", 6);
	tok_free(&k);
}

static void test_assignments(void **state)
{
	(void)state;
	toks k;
	tok(&k, "A=1 B=\"x y\" _c=$(d) \"E\"=1 F\\=1 =x 1A=2 G+=1");
	assert_true(k.t[0].assignment);
	assert_true(k.t[1].assignment);
	assert_string_equal(k.t[1].text, "B=x y");
	assert_true(k.t[2].assignment);
	assert_false(k.t[3].assignment);
	assert_false(k.t[4].assignment);
	assert_false(k.t[5].assignment);
	assert_false(k.t[6].assignment);
	assert_false(k.t[7].assignment);
	tok_free(&k);
}

static void test_errors_with_positions(void **state)
{
	(void)state;
	assert_error("echo 'abc", VAKT_E_PARSE, 1, 6, "unterminated single quote");
	assert_error("a\n  b \"x\n", VAKT_E_PARSE, 2, 5, "unterminated double quote");
	assert_error("x $(a 'b)' ", VAKT_E_PARSE, 1, 3, "unterminated command substitution");
	assert_error("x ${a", VAKT_E_PARSE, 1, 3, "unterminated parameter expansion");
	assert_error("x `a", VAKT_E_PARSE, 1, 3, "unterminated backquote");
	assert_error("x $'a", VAKT_E_PARSE, 1, 3, "unterminated $'");
	assert_error("x $((1+2)", VAKT_E_PARSE, 1, 3, "unterminated arithmetic");
	assert_error("a \"$(b 'c)\"", VAKT_E_PARSE, 1, 8, "unterminated single quote");
}

static void test_nesting_limit(void **state)
{
	(void)state;
	char buf[1024];
	size_t w = 0;
	for (int i = 0; i < 200; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "$(");
	toks k;
	tok(&k, buf);
	assert_int_equal(k.rc, VAKT_E_LIMIT);
	tok_free(&k);
	/* within the limit it is fine */
	w = 0;
	for (int i = 0; i < 20; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "\"$(");
	for (int i = 0; i < 20; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, ")\"");
	tok(&k, buf);
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.n, 1);
	tok_free(&k);
}

static void test_line_cols_mapping(void **state)
{
	(void)state;
	/* a YAML block: text line 0 at 10:11, later lines at their own columns */
	const char *text = "docker run \\\n  --rm x\ny";
	unsigned cols[] = {11, 11, 5};
	sh_source src = {text, strlen(text), 10, 11, cols, 3, NULL};
	toks k;
	tok_src(&k, &src);
	assert_int_equal(k.rc, 0);
	assert_pos(&k.t[0], 10, 11);
	assert_pos(&k.t[1], 10, 18);
	assert_pos(&k.t[2], 11, 13);
	assert_pos(&k.t[3], 11, 18);
	assert_pos(&k.t[5], 12, 5);
	tok_free(&k);

	/* without line_cols, later lines start at column 1 */
	src.line_cols = NULL;
	tok_src(&k, &src);
	assert_pos(&k.t[2], 11, 3);
	tok_free(&k);

	/* a per-byte map overrides both */
	sh_pos map[] = {{7, 3}, {7, 4}, {7, 5}, {8, 9}};
	sh_source m = {"a bc", 4, 1, 1, NULL, 0, map};
	tok_src(&k, &m);
	assert_pos(&k.t[0], 7, 3);
	assert_pos(&k.t[1], 7, 5);
	tok_free(&k);

	/* the substitution of a mapped text carries the mapping */
	const char *t2 = "x\n  y=$(docker\n   run z)";
	unsigned c2[] = {1, 7, 9};
	sh_source s2 = {t2, strlen(t2), 20, 1, c2, 3, NULL};
	tok_src(&k, &s2);
	assert_int_equal(k.rc, 0);
	const sh_source *sub = &k.t[2].subst[0];
	assert_int_equal(sub->line, 21);
	assert_int_equal(sub->col, 13);
	toks k2;
	tok_src(&k2, sub);
	assert_pos(&k2.t[0], 21, 13);
	assert_pos(&k2.t[2], 22, 12);
	tok_free(&k2);
	tok_free(&k);
}

/* ---- simple commands ------------------------------------------------------------------------- */

static void test_commands_split(void **state)
{
	(void)state;
	assert_commands("a x && b | c; d & e\nf || (g) ;; h", "a x | b | c | d | e | f | g | h");
	assert_commands(";;\n&&", "");
}

static void test_wrappers_stripped(void **state)
{
	(void)state;
	assert_commands("A=1 B=2 docker run x", "docker run x");
	assert_commands("sudo docker run x", "docker run x");
	assert_commands("sudo -E -u root -g docker --preserve-env=A docker run x", "docker run x");
	assert_commands("sudo -uroot FOO=1 /usr/bin/docker run x", "/usr/bin/docker run x");
	assert_commands("sudo --user=root -- docker run x", "docker run x");
	assert_commands("env -i -u B A=1 env C=2 docker run x", "docker run x");
	assert_commands("env A=1 -u B", "-u B"); /* options end at the first assignment */
	assert_commands("env - X=1 docker run x", "docker run x");
	assert_commands("env --unset B --chdir=/ docker run x", "docker run x");
	assert_commands("exec -a name nohup time -p docker run x", "docker run x");
	assert_commands("time -f '%e' -o log docker run x", "docker run x");
	assert_commands("command docker run x; command -v docker; command -pV docker",
			"docker run x");
	assert_commands("timeout -s KILL -k 5 60 docker run x", "docker run x");
	assert_commands("nice -n 5 doas -u root docker run x", "docker run x");
	assert_commands("if docker run x; then :; elif ! docker run y; then { z; }; fi",
			"docker run x | : | docker run y | z");
	assert_commands("while true; do docker run x; done", "true | docker run x");
	assert_commands("\"if\" x; \\sudo y", "if x | y");
	assert_commands("A=1; sudo; env", "");
}

/* ---- docker run lines ------------------------------------------------------------------------ */

static void test_is_run(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool run;
		size_t skip;
	} cases[] = {
		{"docker run x", true, 2},
		{"docker create x", true, 2},
		{"docker container run x", true, 3},
		{"docker container create x", true, 3},
		{"podman run x", true, 2},
		{"podman container run x", true, 3},
		{"podman create x", true, 2},
		{"/usr/local/bin/docker run x", true, 2},
		{"docker -H tcp://h:2376 --context=c --tlsverify -D run x", true, 7},
		{"docker -H host --context x run y", true, 6},
		{"docker -l debug --config /c container run x", true, 7},
		{"podman --remote --url unix:///s -c conn run x", true, 7},
		{"$SUDO docker run x", true, 3},
		{"sudo docker run x", true, 2},
		{"docker ps", false, 0},
		{"docker container ls", false, 0},
		{"docker build .", false, 0},
		{"docker compose run web", false, 0},
		{"docker", false, 0},
		{"docker container", false, 0},
		{"docker -H", false, 0},
		{"dockerd run", false, 0},
		{"echo docker run", false, 0},
		{"$DOCKER run x", true, 2},
		{"$SUDO ${container_tool} run x", true, 3},
		{"$(CONTAINER_ENGINE) container run x", true, 3},
		{"$(PODMAN) run x", true, 2},
		{"$ENGINE run x", false, 0},
		{"$(docker) run x", false, 0},
		{"nerdctl run x", false, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run r;
		parse_run(&r, cases[i].text);
		if (r.is_run != cases[i].run)
			fail_msg("%s: is_run %d", cases[i].text, r.is_run);
		if (r.is_run && r.skip != cases[i].skip)
			fail_msg("%s: skip %zu, expected %zu", cases[i].text, r.skip,
				 cases[i].skip);
		run_free(&r);
	}
}

static void test_article_line(void **state)
{
	(void)state;
	run r;
	/* the article's line, typo (--d) and all */
	run_ok(&r, "docker run --d -p 8080:8080 \\\n--name web-app \\\n--cap-drop=ALL \\\n"
		   "--cap-add=NET_BIND_SERVICE \\\n--read-only \\\n--tmpfs /tmp \\\n"
		   "coolvds/secure-app:v1");
	vakt_ctr *c = &r.c;
	assert_int_equal(c->source, CTR_DOCKER_RUN);
	assert_string_equal(c->tool, "docker");
	assert_string_equal(c->image.value, "coolvds/secure-app:v1");
	assert_int_equal(c->image.pos.line, 7);
	assert_int_equal(c->image.pos.col, 1);
	assert_string_equal(c->name, "web-app");
	assert_string_equal(list_str(&c->cap_drop), "ALL");
	assert_int_equal(c->cap_drop.items[0].pos.line, 3);
	assert_string_equal(list_str(&c->cap_add), "NET_BIND_SERVICE");
	assert_true(c->read_only.set);
	assert_true(c->read_only.value);
	assert_int_equal(c->read_only.pos.line, 5);
	assert_string_equal(list_str(&c->tmpfs), "/tmp");
	assert_int_equal(c->n_ports, 1);
	assert_string_equal(c->ports[0].host_port, "8080");
	assert_string_equal(c->ports[0].container_port, "8080");
	assert_string_equal(c->ports[0].host_ip, "");
	assert_string_equal(c->ports[0].protocol, "tcp");
	assert_false(c->privileged.set);
	assert_false(c->user.set);
	assert_string_equal(c->user.value, "");
	assert_int_equal(c->pos.line, 1);
	assert_int_equal(c->pos.col, 1);
	assert_null(c->pos.file);
	run_free(&r);

	/* the same line as the article meant it */
	run_ok(&r, "docker run -d -p 8080:8080 --name web-app --cap-drop=ALL "
		   "--cap-add=NET_BIND_SERVICE --read-only --tmpfs /tmp coolvds/secure-app:v1");
	assert_string_equal(r.c.image.value, "coolvds/secure-app:v1");
	assert_string_equal(list_str(&r.c.tmpfs), "/tmp");
	run_free(&r);
}

static void test_flag_spellings(void **state)
{
	(void)state;
	static const char *const users[] = {
		"docker run -u 1000 img",     "docker run -u1000 img",
		"docker run -u=1000 img",     "docker run --user=1000 img",
		"docker run --user 1000 img", "docker run -itu 1000 img",
		"docker run -itu1000 img",    "docker run -dit -u 1000 img",
	};
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		run r;
		run_ok(&r, users[i]);
		assert_true(r.c.user.set);
		assert_string_equal(r.c.user.value, "1000");
		assert_string_equal(r.c.image.value, "img");
		run_free(&r);
	}
	run r;
	run_ok(&r, "docker run -u 0 -u nobody:nogroup img");
	assert_string_equal(r.c.user.value, "nobody:nogroup"); /* the last wins */
	assert_int_equal(r.c.user.pos.col, 17);
	run_free(&r);

	run_ok(&r, "docker run --cap-drop ALL --cap-drop=NET_RAW --cap-add SYS_ADMIN,NET_ADMIN "
		   "--cap-add=CHOWN img");
	assert_string_equal(list_str(&r.c.cap_drop), "ALL,NET_RAW");
	assert_string_equal(list_str(&r.c.cap_add), "SYS_ADMIN,NET_ADMIN,CHOWN");
	assert_int_equal(r.c.cap_add.items[1].pos.col, 46);
	run_free(&r);

	run_ok(&r, "docker run --security-opt no-new-privileges:true "
		   "--security-opt=seccomp=unconfined --security-opt apparmor=unconfined img");
	assert_string_equal(list_str(&r.c.security_opt),
			    "no-new-privileges:true,seccomp=unconfined,apparmor=unconfined");
	run_free(&r);

	run_ok(&r, "docker run --read-only=false --privileged=true img");
	assert_true(r.c.read_only.set);
	assert_false(r.c.read_only.value);
	assert_true(r.c.privileged.set);
	assert_true(r.c.privileged.value);
	run_free(&r);

	run_ok(&r, "docker run --privileged=0 --read-only=T --privileged=$PRIV img");
	assert_true(r.c.privileged.value); /* a variable: assume the worst */
	assert_true(r.c.read_only.value);
	run_free(&r);

	/* "--read-only false": false is the image (a boolean takes no separate value) */
	run_ok(&r, "docker run --read-only false");
	assert_string_equal(r.c.image.value, "false");
	run_free(&r);

	run_ok(&r,
	       "docker run --tmpfs /tmp:rw,size=64m --tmpfs=/run --tmpfs \"${T:-/x}:size=1\" img");
	assert_string_equal(list_str(&r.c.tmpfs), "/tmp,/run,${T:-/x}");
	run_free(&r);
}

static void test_namespace_flags(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run --pid host --ipc=host --uts host --userns=host --network host img");
	assert_string_equal(r.c.pid.value, "host");
	assert_true(r.c.pid.set);
	assert_string_equal(r.c.ipc.value, "host");
	assert_string_equal(r.c.uts.value, "host");
	assert_string_equal(r.c.userns.value, "host");
	assert_string_equal(r.c.network_mode.value, "host");
	assert_int_equal(r.c.network_mode.pos.col, 59);
	run_free(&r);

	run_ok(&r, "docker run --net=host --network bridge img");
	assert_string_equal(r.c.network_mode.value, "host"); /* docker's mode: the first */
	run_free(&r);

	run_ok(&r, "docker run --network name=host,alias=web img");
	assert_string_equal(r.c.network_mode.value, "host");
	run_free(&r);

	run_ok(&r, "docker run --network container:db --pid=container:db img");
	assert_string_equal(r.c.network_mode.value, "container:db");
	assert_string_equal(r.c.pid.value, "container:db");
	assert_false(r.c.ipc.set);
	run_free(&r);
}

static void test_volumes(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run -v /:/host -v data:/data -v /cache -v ./src:/src:ro "
		   "--volume=~/.ssh:/root/.ssh:ro,z -v $PWD:/app:rw -v \"${HOME}/x:/x\" "
		   "-v /var/run/docker.sock:/var/run/docker.sock --volume vol:/v:readonly img");
	vakt_ctr *c = &r.c;
	assert_int_equal(c->n_mounts, 9);
	assert_string_equal(c->mounts[0].source, "/");
	assert_string_equal(c->mounts[0].target, "/host");
	assert_true(c->mounts[0].bind);
	assert_false(c->mounts[0].read_only);
	assert_int_equal(c->mounts[0].pos.col, 12);
	assert_string_equal(c->mounts[1].source, "data");
	assert_false(c->mounts[1].bind); /* a named volume */
	assert_string_equal(c->mounts[2].source, "");
	assert_string_equal(c->mounts[2].target, "/cache");
	assert_false(c->mounts[2].bind);
	assert_true(c->mounts[3].bind);
	assert_true(c->mounts[3].read_only);
	assert_string_equal(c->mounts[4].source, "~/.ssh");
	assert_true(c->mounts[4].bind);
	assert_true(c->mounts[4].read_only);
	assert_string_equal(c->mounts[5].source, "$PWD");
	assert_true(c->mounts[5].bind);
	assert_false(c->mounts[5].read_only);
	assert_string_equal(c->mounts[6].source, "${HOME}/x");
	assert_true(c->mounts[6].bind);
	assert_string_equal(c->mounts[7].target, "/var/run/docker.sock");
	assert_true(c->mounts[7].bind);
	assert_false(c->mounts[8].bind);
	assert_true(c->mounts[8].read_only);
	run_free(&r);

	/* a colon inside a variable's default is not a separator */
	run_ok(&r, "docker run -v ${DATA:-/srv/data}:/data img");
	assert_string_equal(r.c.mounts[0].source, "${DATA:-/srv/data}");
	assert_string_equal(r.c.mounts[0].target, "/data");
	run_free(&r);
}

static void test_mounts(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run --mount type=bind,source=/etc,target=/host-etc,readonly "
		   "--mount type=volume,src=v,dst=/v --mount target=/anon "
		   "--mount type=tmpfs,destination=/scratch,tmpfs-size=1m "
		   "--mount=type=bind,src=/x,target=/y,ro=false "
		   "--mount 'type=bind,\"source=/a,b\",target=/c' img");
	vakt_ctr *c = &r.c;
	assert_int_equal(c->n_mounts, 6);
	assert_true(c->mounts[0].bind);
	assert_true(c->mounts[0].read_only);
	assert_string_equal(c->mounts[0].source, "/etc");
	assert_string_equal(c->mounts[0].target, "/host-etc");
	assert_false(c->mounts[1].bind);
	assert_string_equal(c->mounts[1].source, "v");
	assert_string_equal(c->mounts[1].target, "/v");
	assert_false(c->mounts[2].bind);
	assert_string_equal(c->mounts[2].target, "/anon");
	assert_string_equal(c->mounts[3].source, "");
	assert_string_equal(c->mounts[3].target, "/scratch");
	assert_false(c->mounts[3].bind);
	assert_string_equal(list_str(&c->tmpfs), "/scratch");
	assert_true(c->mounts[4].bind);
	assert_false(c->mounts[4].read_only);
	assert_string_equal(c->mounts[5].source, "/a,b");
	assert_string_equal(c->mounts[5].target, "/c");
	run_free(&r);

	run_ok(&r,
	       "docker run --use-api-socket --device /dev/fuse --device=/dev/sda:/dev/xvda:r img");
	assert_int_equal(r.c.n_mounts, 1);
	assert_string_equal(r.c.mounts[0].source, "/var/run/docker.sock");
	assert_true(r.c.mounts[0].bind);
	assert_string_equal(list_str(&r.c.devices), "/dev/fuse,/dev/sda:/dev/xvda:r");
	run_free(&r);
}

static void test_ports(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run -p 80 -p 8080:80 -p 127.0.0.1:8443:443/tcp -p 127.0.0.1::53/udp "
		   "--publish=[::1]:9000:9000 -p [2001:db8::1]::22 -p 8000-8010:8000-8010 "
		   "--publish target=80,published=8081,protocol=udp -p9090:90 "
		   "-p ::1:7000:70 img");
	vakt_ctr *c = &r.c;
	assert_int_equal(c->n_ports, 10);
	const char *want[][4] = {
		{"", "", "80", "tcp"},
		{"", "8080", "80", "tcp"},
		{"127.0.0.1", "8443", "443", "tcp"},
		{"127.0.0.1", "", "53", "udp"},
		{"::1", "9000", "9000", "tcp"},
		{"2001:db8::1", "", "22", "tcp"},
		{"", "8000-8010", "8000-8010", "tcp"},
		{"", "8081", "80", "udp"},
		{"", "9090", "90", "tcp"},
		{"::1", "7000", "70", "tcp"},
	};
	for (size_t i = 0; i < 10; i++) {
		assert_string_equal(c->ports[i].host_ip, want[i][0]);
		assert_string_equal(c->ports[i].host_port, want[i][1]);
		assert_string_equal(c->ports[i].container_port, want[i][2]);
		assert_string_equal(c->ports[i].protocol, want[i][3]);
	}
	assert_int_equal(c->ports[1].pos.col, 18);
	run_free(&r);
}

static void test_limits_and_name(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run --pids-limit 100 -m 512m img");
	assert_string_equal(r.c.pids_limit.value, "100");
	assert_string_equal(r.c.memory.value, "512m");
	assert_string_equal(r.c.name, "img"); /* no --name: the image */
	run_free(&r);
	run_ok(&r, "docker run --pids-limit=-1 --memory=1g -m1g --pids-limit -1 img");
	assert_string_equal(r.c.pids_limit.value, "-1");
	assert_string_equal(r.c.memory.value, "1g");
	run_free(&r);
}

static void test_values_and_command_skipped(void **state)
{
	(void)state;
	run r;
	/* every value flag takes its value, even one that looks like a flag; after the image
	 * everything is the container's command */
	run_ok(&r,
	       "docker run -e A=1 --env=B=2 --label x=y -l z -w /app --entrypoint -x "
	       "--restart always -h host -a stdout --health-cmd 'curl -f x' --log-opt max-size=1m "
	       "--platform linux/amd64 --pull=always --ulimit nofile=1024 -c 512 --cpus 2 "
	       "--sysctl net.ipv4.ip_forward=1 --add-host h:1.2.3.4 --stop-timeout 5 "
	       "--gpus all --cgroupns host --detach-keys ctrl-x --shm-size 1g --init --rm -q "
	       "img sh -c 'x' --privileged -u 0 -v /:/h");
	assert_string_equal(r.c.image.value, "img");
	assert_false(r.c.privileged.set);
	assert_false(r.c.user.set);
	assert_int_equal(r.c.n_mounts, 0);
	run_free(&r);

	/* podman's own options */
	run_ok(&r, "podman run --pod web --userns keep-id --uidmap 0:1:1 --secret s --tz UTC "
		   "--systemd=always --sdnotify conmon --http-proxy --rmi --replace -d alpine");
	assert_string_equal(r.c.tool, "podman");
	assert_string_equal(r.c.userns.value, "keep-id");
	assert_string_equal(r.c.image.value, "alpine");
	run_free(&r);

	/* -- ends the options */
	run_ok(&r, "docker run --rm -- -weird-image arg");
	assert_string_equal(r.c.image.value, "-weird-image");
	run_free(&r);
}

static void test_unknown_flags_and_variables(void **state)
{
	(void)state;
	run r;
	run_ok(&r, "docker run --frobnicate --zap=1 -Z img");
	assert_string_equal(r.c.image.value, "img");
	run_free(&r);
	run_ok(&r, "docker run $DOCKER_OPTS ${EXTRA_ARGS} \"$RUN_FLAGS\" --rm $IMAGE:$TAG cmd");
	assert_string_equal(r.c.image.value, "$IMAGE:$TAG");
	run_free(&r);
	run_ok(&r, "docker run $TARGET_IMAGE");
	assert_string_equal(r.c.image.value, "$TARGET_IMAGE");
	run_free(&r);
	run_ok(&r, "$SUDO docker run --privileged \"${REGISTRY}/app:${CI_COMMIT_SHA}\"");
	assert_true(r.c.privileged.value);
	assert_string_equal(r.c.image.value, "${REGISTRY}/app:${CI_COMMIT_SHA}");
	assert_int_equal(r.c.pos.col, 7);
	run_free(&r);
	run_ok(&r, "$(PODMAN_BIN) run x");
	assert_string_equal(r.c.tool, "podman");
	run_free(&r);
	run_ok(&r, "${OCI_BIN} run x");
	assert_string_equal(r.c.tool, "docker");
	run_free(&r);
	run_ok(&r, "docker -H ssh://h run --cap-drop=all img");
	assert_string_equal(list_str(&r.c.cap_drop), "all");
	run_free(&r);
}

static void test_run_errors(void **state)
{
	(void)state;
	run r;
	parse_run(&r, "docker run --rm \\\n  -u");
	assert_true(r.is_run);
	assert_int_equal(r.rc, VAKT_E_INVALID);
	assert_int_equal(r.err->line, 2);
	assert_int_equal(r.err->col, 3);
	assert_non_null(strstr(r.err->msg, "-u needs a value"));
	run_free(&r);

	parse_run(&r, "  docker run --rm --name x");
	assert_int_equal(r.rc, VAKT_E_INVALID);
	assert_int_equal(r.err->line, 1);
	assert_int_equal(r.err->col, 3);
	assert_non_null(strstr(r.err->msg, "no image"));
	run_free(&r);

	parse_run(&r, "docker run --name");
	assert_non_null(strstr(r.err->msg, "--name needs a value"));
	run_free(&r);

	parse_run(&r, "docker run --privileged=maybe img");
	assert_int_equal(r.rc, VAKT_E_INVALID);
	assert_int_equal(r.err->col, 12);
	run_free(&r);

	/* parse refuses what is not a run command */
	toks k;
	tok(&k, "docker ps");
	vakt_ctr c;
	vakt_error *e = NULL;
	assert_int_equal(vakt_dockerrun_parse("t.sh", k.t, k.n, &k.a, &c, &e), VAKT_E_INVALID);
	vakt_error_free(e);
	tok_free(&k);
}

/* ---- scanning files -------------------------------------------------------------------------- */

typedef struct hit {
	char image[64];
	char ignore[96];
	char user[32];
	unsigned line, col, image_line, image_col;
	bool privileged;
} hit;

typedef struct scanned {
	vakt_arena a;
	hit hits[32];
	size_t n;
	char errors[8][160];
	unsigned err_line[8], err_col[8];
	size_t nerr;
	vakt_error *err;
	int rc;
} scanned;

static void on_run(const vakt_run_line *run_line, void *ud)
{
	scanned *s = ud;
	if (s->n >= 32)
		return;
	hit *h = &s->hits[s->n++];
	const vakt_ctr *c = &run_line->ctr;
	snprintf(h->image, sizeof(h->image), "%s", c->image.value);
	snprintf(h->ignore, sizeof(h->ignore), "%s",
		 run_line->ignore_comment ? run_line->ignore_comment : "");
	snprintf(h->user, sizeof(h->user), "%s", c->user.value);
	h->line = c->pos.line;
	h->col = c->pos.col;
	h->image_line = c->image.pos.line;
	h->image_col = c->image.pos.col;
	h->privileged = c->privileged.value;
}

static void on_err(vakt_error *e, void *ud)
{
	scanned *s = ud;
	if (s->nerr >= 8)
		return;
	snprintf(s->errors[s->nerr], sizeof(s->errors[0]), "%s", e->msg);
	s->err_line[s->nerr] = e->line;
	s->err_col[s->nerr] = e->col;
	s->nerr++;
}

static void scan(scanned *s, vakt_script_kind kind, const char *file, const char *data)
{
	memset(s, 0, sizeof(*s));
	vakt_arena_init(&s->a, 0);
	s->rc = vakt_scripts_scan(kind, file, data, strlen(data), &s->a, on_run, on_err, s,
				  &s->err);
}

static void scan_free(scanned *s)
{
	vakt_error_free(s->err);
	vakt_arena_destroy(&s->a);
}

static void assert_hit(const scanned *s, size_t i, const char *image, unsigned line, unsigned col)
{
	if (i >= s->n)
		fail_msg("only %zu runs found, wanted #%zu (%s)", s->n, i, image);
	const hit *h = &s->hits[i];
	if (strcmp(h->image, image) != 0 || h->line != line || h->col != col)
		fail_msg("run #%zu: %s at %u:%u, expected %s at %u:%u", i, h->image, h->line,
			 h->col, image, line, col);
}

static void test_scan_shell_script(void **state)
{
	(void)state;
	scanned s;
	scan(&s, VAKT_SCRIPT_SHELL, "deploy.sh",
	     "#!/bin/sh\n"					  /* 1 */
	     "set -eu\n"					  /* 2 */
	     "# vakt ignore=CTR-001,CTR-004 the agent needs it\n" /* 3 */
	     "sudo docker run --privileged -d agent:1 &&\n"	  /* 4 */
	     "  echo ok\n"					  /* 5 */
	     "ID=$(docker run -d --user 1000 \\\n"		  /* 6 */
	     "     web:2)\n"					  /* 7 */
	     "docker run 'unterminated\n");			  /* 8 */
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 2);
	assert_hit(&s, 0, "agent:1", 4, 6);
	assert_true(s.hits[0].privileged);
	assert_string_equal(s.hits[0].ignore, "vakt ignore=CTR-001,CTR-004 the agent needs it");
	assert_hit(&s, 1, "web:2", 6, 6);
	assert_int_equal(s.hits[1].image_line, 7);
	assert_int_equal(s.hits[1].image_col, 6);
	assert_string_equal(s.hits[1].user, "1000");
	assert_string_equal(s.hits[1].ignore, "");
	assert_int_equal(s.nerr, 1);
	assert_int_equal(s.err_line[0], 8);
	assert_int_equal(s.err_col[0], 12);
	scan_free(&s);

	/* an error on one command does not stop the others; peers' comment forms count,
	 * through other comment lines */
	scan(&s, VAKT_SCRIPT_SHELL, "x.sh",
	     "docker run --rm\n"
	     "# hadolint ignore=DL3002\n"
	     "# start it\n"
	     "podman run -it --rm alpine sh\n"
	     "# plain note\n"
	     "docker create busybox\n");
	assert_int_equal(s.nerr, 1);
	assert_int_equal(s.err_line[0], 1);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.hits[0].ignore, "hadolint ignore=DL3002");
	assert_string_equal(s.hits[1].ignore, "");
	scan_free(&s);

	/* vakt's own comment wins over a nearer peer's */
	scan(&s, VAKT_SCRIPT_SHELL, "y.sh",
	     "# vakt ignore=CTR-001 reason\n# trivy:ignore:AVD-DS-0002\ndocker run x\n");
	assert_string_equal(s.hits[0].ignore, "vakt ignore=CTR-001 reason");
	scan_free(&s);
}

static void test_scan_docker_run_string(void **state)
{
	(void)state;
	scanned s;
	scan(&s, VAKT_SCRIPT_SHELL, "--docker-run",
	     "docker run -it -u root --rm ubuntu:22.04 bash");
	assert_int_equal(s.n, 1);
	assert_hit(&s, 0, "ubuntu:22.04", 1, 1);
	assert_string_equal(s.hits[0].user, "root");
	scan_free(&s);
}

static void test_scan_makefile(void **state)
{
	(void)state;
	scanned s;
	scan(&s, VAKT_SCRIPT_MAKE, "Makefile",
	     "IMAGE := app:$(VERSION)\n"		    /* 1 */
	     "FLAGS = --rm \\\n"			    /* 2 */
	     "\tdocker run notarecipe\n"		    /* 3 */
	     ".PHONY: run\n"				    /* 4 */
	     "run: build\n"				    /* 5 */
	     "\t@echo $$HOME\n"				    /* 6 */
	     "# vakt ignore=CTR-003 dev only\n"		    /* 7 */
	     "\t@-docker run --net=host -v $$PWD:/src \\\n" /* 8 */
	     "\t  $(IMAGE) make\n"			    /* 9 */
	     "\n"					    /* 10 */
	     "define SCRIPT\n"				    /* 11 */
	     "\tdocker run indefine\n"			    /* 12 */
	     "endef\n"					    /* 13 */
	     "shell: ; docker run -it $${IMG:-x} sh\n"	    /* 14 */
	     "bad:\n"					    /* 15 */
	     "\tdocker run \"oops\n");			    /* 16 */
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 2);
	assert_hit(&s, 0, "$(IMAGE)", 8, 4);
	assert_int_equal(s.hits[0].image_line, 9);
	assert_int_equal(s.hits[0].image_col, 4);
	assert_string_equal(s.hits[0].ignore, "vakt ignore=CTR-003 dev only");
	assert_hit(&s, 1, "${IMG:-x}", 14, 10);
	assert_int_equal(s.hits[1].image_col, 25);
	assert_int_equal(s.nerr, 1);
	assert_int_equal(s.err_line[0], 16);
	assert_int_equal(s.err_col[0], 13);
	scan_free(&s);

	/* the engine through a make variable, a recipe prefix of several characters */
	scan(&s, VAKT_SCRIPT_MAKE, "Makefile",
	     "CONTAINER_TOOL ?= docker\n"
	     "docker-run:\n"
	     "\t@ - $(CONTAINER_TOOL) run --user=$$(id -u) ${IMG}\n");
	assert_int_equal(s.n, 1);
	assert_hit(&s, 0, "${IMG}", 3, 6);
	assert_string_equal(s.hits[0].user, "$(id -u)");
	scan_free(&s);
}

static const char github_workflow[] = "name: ci\n"				       /* 1 */
				      "on: push\n"				       /* 2 */
				      "jobs:\n"					       /* 3 */
				      "  test:\n"				       /* 4 */
				      "    runs-on: ubuntu-latest\n"		       /* 5 */
				      "    steps:\n"				       /* 6 */
				      "      - uses: actions/checkout@v4\n"	       /* 7 */
				      "      # vakt ignore=CTR-001 builds need it\n"   /* 8 */
				      "      - run: |\n"			       /* 9 */
				      "          docker run --privileged \\\n"	       /* 10 */
				      "            -v /:/host alpine:3\n"	       /* 11 */
				      "          echo done\n"			       /* 12 */
				      "            # vakt ignore=CTR-002\n"	       /* 13 */
				      "          sudo docker run -u 0 nginx\n"	       /* 14 */
				      "      - name: plain\n"			       /* 15 */
				      "        run: docker run --rm   busybox true\n"  /* 16 */
				      "      - run: >\n"			       /* 17 */
				      "          docker run\n"			       /* 18 */
				      "          --rm folded:1\n"		       /* 19 */
				      "      - run: \"docker run \\\"quoted:1\\\"\"\n" /* 20 */
				      "      - shell: pwsh\n"			       /* 21 */
				      "        run: docker run pwsh-skipped\n"	       /* 22 */
				      "      - shell: bash -e {0}\n"		       /* 23 */
				      "        run: |2\n"			       /* 24 */
				      "             docker run indented:1\n"	       /* 25 */
				      "  win:\n"				       /* 26 */
				      "    runs-on: windows-latest\n"		       /* 27 */
				      "    steps:\n"				       /* 28 */
				      "      - run: docker run win-skipped\n"	       /* 29 */
				      "      - run: docker run win-bash\n"	       /* 30 */
				      "        shell: bash\n"			       /* 31 */
				      "  errs:\n"				       /* 32 */
				      "    steps:\n"				       /* 33 */
				      "      - run: {x: 1}\n"			       /* 34 */
				      "      - run: |\n"			       /* 35 */
				      "          docker run 'open\n";		       /* 36 */

static void test_scan_github(void **state)
{
	(void)state;
	scanned s;
	scan(&s, VAKT_SCRIPT_GITHUB, ".github/workflows/ci.yml", github_workflow);
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 7);
	assert_hit(&s, 0, "alpine:3", 10, 11);
	assert_true(s.hits[0].privileged);
	assert_int_equal(s.hits[0].image_line, 11);
	assert_int_equal(s.hits[0].image_col, 24);
	assert_string_equal(s.hits[0].ignore, "vakt ignore=CTR-001 builds need it");
	assert_hit(&s, 1, "nginx", 14, 16);
	assert_string_equal(s.hits[1].ignore, "vakt ignore=CTR-002");
	assert_hit(&s, 2, "busybox", 16, 14);
	assert_int_equal(s.hits[2].image_col, 32);
	assert_hit(&s, 3, "folded:1", 18, 11);
	assert_int_equal(s.hits[3].image_line, 19);
	assert_int_equal(s.hits[3].image_col, 16);
	assert_hit(&s, 4, "quoted:1", 20, 15);
	assert_int_equal(s.hits[4].image_col, 27); /* the '"' of its \" escape */
	assert_hit(&s, 5, "indented:1", 25, 14);
	assert_hit(&s, 6, "win-bash", 30, 14);
	assert_int_equal(s.nerr, 2);
	assert_non_null(strstr(s.errors[0], "jobs.errs.steps[0].run: expected a string"));
	assert_int_equal(s.err_line[0], 34);
	assert_int_equal(s.err_line[1], 36);
	assert_int_equal(s.err_col[1], 22);
	assert_non_null(strstr(s.errors[1], "unterminated single quote"));
	scan_free(&s);
}

static void test_scan_github_more(void **state)
{
	(void)state;
	scanned s;
	/* header comments, defaults.run.shell, anchors scanned once, a composite action */
	scan(&s, VAKT_SCRIPT_GITHUB, "w.yml",
	     "defaults: {run: {shell: sh}}\n"			/* 1 */
	     "jobs:\n"						/* 2 */
	     "  a:\n"						/* 3 */
	     "    steps:\n"					/* 4 */
	     "      - run: &r | # vakt ignore=CTR-009 header\n" /* 5 */
	     "          docker run hdr:1\n"			/* 6 */
	     "  b:\n"						/* 7 */
	     "    defaults: {run: {shell: python}}\n"		/* 8 */
	     "    steps: [{run: docker run py-skipped}]\n"	/* 9 */
	     "  c:\n"						/* 10 */
	     "    steps: [{run: *r}]\n"				/* 11 */
	     "runs:\n"						/* 12 */
	     "  using: composite\n"				/* 13 */
	     "  steps:\n"					/* 14 */
	     "    - run: docker run composite:1\n"		/* 15 */
	     "      shell: bash\n");
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.nerr, 0);
	assert_int_equal(s.n, 2);
	assert_hit(&s, 0, "hdr:1", 6, 11);
	assert_string_equal(s.hits[0].ignore, "vakt ignore=CTR-009 header");
	assert_hit(&s, 1, "composite:1", 15, 12);
	scan_free(&s);

	/* invalid YAML is an error for the whole file */
	scan(&s, VAKT_SCRIPT_GITHUB, "bad.yml", "jobs:\n  a: [\n");
	assert_int_equal(s.rc, VAKT_E_PARSE);
	assert_non_null(s.err);
	assert_int_equal(s.n, 0);
	scan_free(&s);
}

static void test_scan_gitlab(void **state)
{
	(void)state;
	scanned s;
	scan(&s, VAKT_SCRIPT_GITLAB, ".gitlab-ci.yml",
	     "image: docker:24\n"						      /* 1 */
	     "variables: {script: docker run not-a-job}\n"			      /* 2 */
	     "before_script:\n"							      /* 3 */
	     "  - docker run global:1\n"					      /* 4 */
	     "default:\n"							      /* 5 */
	     "  after_script: docker run default:1\n"				      /* 6 */
	     ".common: &common\n"						      /* 7 */
	     "  - docker run -v /var/run/docker.sock:/var/run/docker.sock common:1\n" /* 8 */
	     "build:\n"								      /* 9 */
	     "  script:\n"							      /* 10 */
	     "    - *common\n"							      /* 11 */
	     "    # vakt ignore=CTR-001 dind\n"					      /* 12 */
	     "    - docker run --privileged dind:1\n"				      /* 13 */
	     "    - >\n"							      /* 14 */
	     "      docker run\n"						      /* 15 */
	     "      --user root folded:2\n"					      /* 16 */
	     "    - |\n"							      /* 17 */
	     "      docker run \\\n"						      /* 18 */
	     "        literal:3\n"						      /* 19 */
	     "test:\n"								      /* 20 */
	     "  script: [*common, !reference [.x, script]]\n"			      /* 21 */
	     "lint:\n"								      /* 22 */
	     "  script: {a: b}\n"						      /* 23 */
	     "deploy:\n"							      /* 24 */
	     "  script: docker run 'open\n");					      /* 25 */
	assert_int_equal(s.rc, 0);
	assert_int_equal(s.n, 6);
	assert_hit(&s, 0, "global:1", 4, 5);
	assert_hit(&s, 1, "default:1", 6, 17);
	assert_hit(&s, 2, "common:1", 8, 5);
	assert_hit(&s, 3, "dind:1", 13, 7);
	assert_string_equal(s.hits[3].ignore, "vakt ignore=CTR-001 dind");
	assert_hit(&s, 4, "folded:2", 15, 7);
	assert_string_equal(s.hits[4].user, "root");
	assert_int_equal(s.hits[4].image_line, 16);
	assert_int_equal(s.hits[4].image_col, 19);
	assert_hit(&s, 5, "literal:3", 18, 7);
	assert_int_equal(s.hits[5].image_line, 19);
	assert_int_equal(s.hits[5].image_col, 9);
	assert_int_equal(s.nerr, 2);
	assert_int_equal(s.err_line[0], 23);
	assert_non_null(strstr(s.errors[0], "lint.script"));
	assert_int_equal(s.err_line[1], 25);
	assert_int_equal(s.err_col[1], 22);
	scan_free(&s);

	/* several documents (a CI/CD component's spec header first) */
	scan(&s, VAKT_SCRIPT_GITLAB, "c.yml",
	     "spec:\n  inputs: {x: {default: y}}\n---\njob:\n  script: docker run comp:1\n");
	assert_int_equal(s.n, 1);
	assert_hit(&s, 0, "comp:1", 5, 11);
	scan_free(&s);

	scan(&s, VAKT_SCRIPT_GITLAB, "bad.yml", "a: b: c\n");
	assert_true(s.rc < 0);
	scan_free(&s);
}

static void test_scan_hostile_inputs(void **state)
{
	(void)state;
	/* deep nesting, long lines, NULs and binary: no crash, bounded work */
	size_t n = 200000;
	char *big = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = "$(\"`'\\\n{}"[i % 10];
	big[n] = '\0';
	for (int kind = 0; kind < 4; kind++) {
		scanned s;
		memset(&s, 0, sizeof(s));
		vakt_arena_init(&s.a, 0);
		s.rc = vakt_scripts_scan((vakt_script_kind)kind, "big", big, n, &s.a, on_run,
					 on_err, &s, &s.err);
		scan_free(&s);
	}
	for (size_t i = 0; i < n; i++)
		big[i] = i % 2 ? '(' : '$';
	scanned s;
	scan(&s, VAKT_SCRIPT_SHELL, "deep.sh", big);
	assert_int_equal(s.nerr, 1);
	assert_non_null(strstr(s.errors[0], "nested deeper"));
	scan_free(&s);
	free(big);

	/* thousands of scalars on one line, thousands of commands under long comment lines */
	size_t reps = 20000;
	char *flow = malloc(reps * 16 + 64);
	size_t w = (size_t)sprintf(flow, "a:\n  script: [");
	for (size_t i = 0; i < reps; i++)
		w += (size_t)sprintf(flow + w, "docker run x%zu,", i % 10);
	strcpy(flow + w, "]\n");
	scan(&s, VAKT_SCRIPT_GITLAB, "flow.yml", flow);
	assert_int_equal(s.rc, 0);
	scan_free(&s);
	free(flow);
	char *many = malloc(40 * 10002 + reps * 16 + 16);
	w = 0;
	for (int l = 0; l < 40; l++) {
		many[w++] = '#';
		memset(many + w, 'c', 10000);
		w += 10000;
		many[w++] = '\n';
	}
	for (size_t i = 0; i < reps; i++)
		w += (size_t)sprintf(many + w, "docker run y;");
	many[w] = '\0';
	scan(&s, VAKT_SCRIPT_SHELL, "many.sh", many);
	assert_int_equal(s.rc, 0);
	scan_free(&s);
	free(many);

	const char bin[] = "docker run \0 x\n\tdocker run y\0";
	memset(&s, 0, sizeof(s));
	vakt_arena_init(&s.a, 0);
	s.rc = vakt_scripts_scan(VAKT_SCRIPT_MAKE, "bin", bin, sizeof(bin), &s.a, on_run, on_err,
				 &s, &s.err);
	assert_int_equal(s.rc, 0);
	scan_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_positions),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_ansi_c_quotes),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_redirections_dropped),
		cmocka_unit_test(test_heredocs_skipped),
		cmocka_unit_test(test_expansions_kept),
		cmocka_unit_test(test_substitutions_recorded),
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_errors_with_positions),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_line_cols_mapping),
		cmocka_unit_test(test_commands_split),
		cmocka_unit_test(test_wrappers_stripped),
		cmocka_unit_test(test_is_run),
		cmocka_unit_test(test_article_line),
		cmocka_unit_test(test_flag_spellings),
		cmocka_unit_test(test_namespace_flags),
		cmocka_unit_test(test_volumes),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_limits_and_name),
		cmocka_unit_test(test_values_and_command_skipped),
		cmocka_unit_test(test_unknown_flags_and_variables),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_scan_shell_script),
		cmocka_unit_test(test_scan_docker_run_string),
		cmocka_unit_test(test_scan_makefile),
		cmocka_unit_test(test_scan_github),
		cmocka_unit_test(test_scan_github_more),
		cmocka_unit_test(test_scan_gitlab),
		cmocka_unit_test(test_scan_hostile_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
