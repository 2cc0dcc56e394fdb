/* df_rules.c - Dockerfile rules (DF-*), one function per rules.def entry.
 *
 * What the running container does is judged on the stage that becomes the image (the
 * last stage, or --target) and the stages it is built FROM: a build stage that runs as
 * root or exposes nothing is fine. What the build itself does (sudo, piping a download
 * into a shell, unpinned packages, world-writable files, secrets in ARG/ENV) is judged
 * wherever it happens. RUN lines are read with the shell tokenizer (shell.h), never run.
 */
#include "core/buf.h"
#include "lint/lint_internal.h"
#include "lint/lint_util.h"
#include "lint/shell.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- helpers --------------------------------------------------------------------------------- */

/* The inline ignore (vakt or a peer's comment) that covers rule on instruction idx. */
static const lint_ignore *ignore_for(const lint_ctx *ctx, size_t idx, unsigned rule)
{
	for (size_t i = 0; i < ctx->n_df_ignores; i++)
		if (ctx->df_ignores[i].rule == rule && ctx->df_ignores[i].instruction == (int)idx)
			return &ctx->df_ignores[i].ig;
	return NULL;
}

/* Report rule at instruction idx (its line and keyword column). */
static void df_emit(lint_ctx *ctx, unsigned rule, size_t idx, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void df_emit(lint_ctx *ctx, unsigned rule, size_t idx, const char *fmt, ...)
{
	const df_instruction *ins = &ctx->df->instructions[idx];
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		lint_emit_at(ctx, rule, NULL, ins->line, ins->col, ignore_for(ctx, idx, rule), "%s", msg);
	free(msg);
}

/* Is instruction idx in the image (the target stage or a stage it is built FROM)? */
static bool in_image(const lint_ctx *ctx, size_t idx)
{
	int chain[64];
	size_t n = vakt_dockerfile_stage_chain(ctx->df, ctx->df_target, chain, 64);
	int stage = ctx->df->instructions[idx].stage;
	for (size_t i = 0; i < n; i++)
		if (chain[i] == stage)
			return true;
	return false;
}

/* "stage \"build\"" / "stage 2" / "the final stage" for messages. */
static const char *stage_name(const lint_ctx *ctx, int stage)
{
	if (stage < 0)
		return "the global scope";
	if (stage == ctx->df_target)
		return "the final stage";
	const df_stage *s = &ctx->df->stages[stage];
	return s->name ? vakt_arena_printf(ctx->arena, "stage \"%s\"", s->name)
		       : vakt_arena_printf(ctx->arena, "stage %d", stage + 1);
}

static bool is_shell(const char *w)
{
	const char *b = strrchr(w, '/');
	b = b ? b + 1 : w;
	static const char *const shells[] = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"};
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (strcmp(b, shells[i]) == 0)
			return true;
	return false;
}

/* The shell tokens of a RUN instruction: its command text, the scripts of heredocs that
 * are run by the shell (RUN <<EOF, RUN bash <<EOF), or the -c string of an exec-form
 * shell. Returns the count; *ret in the arena. Unreadable shell (an unbalanced quote)
 * yields no tokens: vakt does not guess. */
static size_t run_tokens(lint_ctx *ctx, const df_instruction *ins, sh_token **ret)
{
	vakt_buf script = VAKT_BUF_INIT((size_t)16 << 20);
	if (ins->exec_form) {
		if (ins->nargs >= 3 && is_shell(ins->args[0].raw) && ins->args[1].raw[0] == '-' &&
		    strchr(ins->args[1].raw, 'c')) {
			vakt_buf_puts(&script, ins->args[2].raw);
		} else {
			/* a program run directly: its words are the command */
			sh_token *t = vakt_arena_calloc(ctx->arena, ins->nargs + 1, sizeof(*t));
			for (size_t i = 0; i < ins->nargs; i++)
				t[i] = (sh_token){.kind = SH_WORD, .text = ins->args[i].raw, .quoted = true,
						  .line = ins->line, .col = ins->col};
			*ret = t;
			vakt_buf_free(&script);
			return ins->nargs;
		}
	} else {
		vakt_buf_puts(&script, ins->text);
		/* heredocs given to the shell itself are part of the script */
		const char *t = ins->text;
		while (isspace((unsigned char)*t))
			t++;
		bool shell_reads_heredoc = strncmp(t, "<<", 2) == 0;
		if (!shell_reads_heredoc) {
			char first[32];
			size_t k = strcspn(t, " \t<");
			if (k < sizeof(first)) {
				memcpy(first, t, k);
				first[k] = '\0';
				shell_reads_heredoc = is_shell(first);
			}
		}
		for (size_t h = 0; shell_reads_heredoc && h < ins->nheredocs; h++)
			vakt_buf_printf(&script, "\n%s", ins->heredocs[h].body);
	}
	sh_source src = {.text = vakt_buf_str(&script), .len = script.len, .line = ins->line,
			 .col = ins->col};
	sh_token *toks = NULL;
	size_t n = 0;
	vakt_error *err = NULL;
	if (vakt_shell_tokenize(ctx->file, &src, ctx->arena, &toks, &n, &err) < 0)
		n = 0;
	vakt_error_free(err);
	vakt_buf_free(&script);
	*ret = toks;
	return n;
}

typedef struct cmd_visit {
	lint_ctx *ctx;
	size_t idx;
	void (*fn)(lint_ctx *ctx, size_t idx, const sh_token *w, size_t n, void *ud);
	void *ud;
} cmd_visit;

static void visit_cmd(const sh_token *w, size_t n, void *ud)
{
	cmd_visit *v = ud;
	if (n)
		v->fn(v->ctx, v->idx, w, n, v->ud);
}

static const char *base_name(const char *w)
{
	const char *b = strrchr(w, '/');
	return b ? b + 1 : w;
}

static bool word_is(const sh_token *w, const char *s)
{
	return w->kind == SH_WORD && strcmp(base_name(w->text), s) == 0;
}

/* The flag (e.g. "chown") of an instruction, or NULL. */
static const df_flag *flag(const df_instruction *ins, const char *name)
{
	for (size_t i = 0; i < ins->nflags; i++)
		if (strcasecmp(ins->flags[i].name, name) == 0)
			return &ins->flags[i];
	return NULL;
}

/* ---- who the container runs as ------------------------------------------------------------ */

void check_df_user(lint_ctx *ctx)
{
	const df_file *f = ctx->df;
	if (ctx->df_target < 0)
		return;
	int chain[64];
	size_t n = vakt_dockerfile_stage_chain(f, ctx->df_target, chain, 64);
	/* the last USER along the chain, target first, then the stages it is built FROM */
	for (size_t c = 0; c < n; c++) {
		const df_stage *st = &f->stages[chain[c]];
		for (size_t i = st->last + 1; i-- > st->first;) {
			const df_instruction *ins = &f->instructions[i];
			if (ins->kind != DF_USER)
				continue;
			const char *u = ins->expanded ? ins->expanded : ins->text;
			if (strchr(u, '$'))
				return; /* a user vakt cannot resolve: not judged */
			size_t k = strcspn(u, ":");
			if ((k == 4 && strncmp(u, "root", 4) == 0) || (k == 1 && u[0] == '0') ||
			    strspn(u, "0") == k)
				df_emit(ctx, R_DF_001, i, "USER %s: the image runs as root", u);
			return;
		}
	}
	const df_stage *last = &f->stages[chain[n ? n - 1 : 0]];
	df_emit(ctx, R_DF_001, f->stages[ctx->df_target].first,
		"no USER in %s: the image runs as %s's user, root for most images",
		stage_name(ctx, ctx->df_target), last->base ? last->base : "the base image");
}

/* ---- COPY then chown ------------------------------------------------------------------------ */

/* Destination of a COPY/ADD, made absolute against the working directory. */
static const char *copy_dest(lint_ctx *ctx, const df_instruction *ins, const char *cwd)
{
	if (ins->nargs < 2)
		return NULL;
	const char *d = ins->args[ins->nargs - 1].expanded;
	if (!d || strchr(d, '$'))
		return NULL;
	if (d[0] != '/')
		d = vakt_arena_printf(ctx->arena, "%s/%s", cwd, d);
	return lint_clean_path(ctx->arena, d);
}

typedef struct chown_state {
	const char *cwd;
	size_t ncopies;
	const char *copies[64]; /* destinations of COPY/ADD without --chown */
	size_t copy_idx[64];
} chown_state;

void check_df_chown(lint_ctx *ctx)
{
	const df_file *f = ctx->df;
	if (ctx->df_target < 0)
		return;
	const df_stage *st = &f->stages[ctx->df_target];
	chown_state s = {.cwd = "/"};
	for (size_t i = st->first; i <= st->last; i++) {
		const df_instruction *ins = &f->instructions[i];
		if (ins->kind == DF_WORKDIR && ins->expanded && !strchr(ins->expanded, '$')) {
			const char *w = ins->expanded;
			s.cwd = lint_clean_path(ctx->arena, w[0] == '/' ? w
								 : vakt_arena_printf(ctx->arena, "%s/%s", s.cwd, w));
		} else if ((ins->kind == DF_COPY || ins->kind == DF_ADD) && !flag(ins, "chown") &&
			   !flag(ins, "from") && s.ncopies < 64) {
			const char *d = copy_dest(ctx, ins, s.cwd);
			if (d) {
				s.copy_idx[s.ncopies] = i;
				s.copies[s.ncopies++] = d;
			}
		} else if (ins->kind == DF_RUN && !ins->exec_form) {
			sh_token *toks;
			size_t n = run_tokens(ctx, ins, &toks);
			/* chown -R user[:group] PATH... */
			for (size_t t = 0; t + 3 < n + 1 && t < n; t++) {
				if (!word_is(&toks[t], "chown"))
					continue;
				bool recursive = false;
				size_t a = t + 1;
				for (; a < n && toks[a].kind == SH_WORD && toks[a].text[0] == '-'; a++)
					recursive |= strchr(toks[a].text, 'R') != NULL ||
						     strcmp(toks[a].text, "--recursive") == 0;
				if (!recursive || a >= n || toks[a].kind != SH_WORD)
					continue;
				for (size_t p = a + 1; p < n && toks[p].kind == SH_WORD; p++) {
					const char *path = toks[p].text;
					if (strchr(path, '$'))
						continue;
					path = lint_clean_path(ctx->arena, path[0] == '/' ? path
						: vakt_arena_printf(ctx->arena, "%s/%s", s.cwd, path));
					for (size_t c = 0; c < s.ncopies; c++)
						if (lint_path_is_or_under(s.copies[c], path))
							df_emit(ctx, R_DF_002, i,
								"chown -R %s %s rewrites what line %u copied "
								"into a second layer: use COPY --chown=%s",
								toks[a].text, toks[p].text,
								f->instructions[s.copy_idx[c]].line, toks[a].text);
				}
			}
		}
	}
}

/* ---- what RUN does --------------------------------------------------------------------------- */

void check_df_sudo(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind == DF_ONBUILD && ins->onbuild)
			ins = ins->onbuild;
		if (ins->kind != DF_RUN)
			continue;
		sh_token *toks;
		size_t n = run_tokens(ctx, ins, &toks);
		/* sudo at the start of a command: after an operator or at the beginning */
		for (size_t t = 0; t < n; t++) {
			bool starts = t == 0 || toks[t - 1].kind == SH_OP;
			if (starts && word_is(&toks[t], "sudo")) {
				df_emit(ctx, R_DF_003, i, "RUN uses sudo (in %s)",
					stage_name(ctx, ctx->df->instructions[i].stage));
				break;
			}
		}
	}
}

void check_df_pipe_shell(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind == DF_ONBUILD && ins->onbuild)
			ins = ins->onbuild;
		if (ins->kind != DF_RUN)
			continue;
		sh_token *toks;
		size_t n = run_tokens(ctx, ins, &toks);
		const char *fetcher = NULL;
		bool reported = false;
		for (size_t t = 0; t < n && !reported; t++) {
			if (toks[t].kind == SH_OP) {
				if (strcmp(toks[t].text, "|") != 0) {
					fetcher = NULL;
					continue;
				}
				/* curl ... | [sudo] sh */
				size_t k = t + 1;
				while (k < n && toks[k].kind == SH_WORD &&
				       (word_is(&toks[k], "sudo") || strchr(toks[k].text, '=') ||
					(toks[k].text[0] == '-' && k > t + 1)))
					k++;
				if (fetcher && k < n && toks[k].kind == SH_WORD &&
				    (is_shell(toks[k].text) || word_is(&toks[k], "python") ||
				     word_is(&toks[k], "python3") || word_is(&toks[k], "perl"))) {
					df_emit(ctx, R_DF_006, i, "RUN pipes %s output into %s", fetcher,
						base_name(toks[k].text));
					reported = true;
				}
				continue;
			}
			if (word_is(&toks[t], "curl") || word_is(&toks[t], "wget"))
				fetcher = base_name(toks[t].text);
		}
	}
}

void check_df_world_writable(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		const df_flag *cm = (ins->kind == DF_COPY || ins->kind == DF_ADD) ? flag(ins, "chmod") : NULL;
		if (cm && cm->value) {
			size_t len = strlen(cm->value);
			char last = len ? cm->value[len - 1] : '0';
			if (strspn(cm->value, "01234567") == len && strchr("2367", last))
				df_emit(ctx, R_DF_012, i, "%s --chmod=%s makes files world-writable",
					vakt_dockerfile_kind_name(ins->kind), cm->value);
		}
		if (ins->kind != DF_RUN)
			continue;
		sh_token *toks;
		size_t n = run_tokens(ctx, ins, &toks);
		for (size_t t = 0; t < n; t++) {
			if (!word_is(&toks[t], "chmod"))
				continue;
			for (size_t a = t + 1; a < n && toks[a].kind == SH_WORD; a++) {
				const char *m = toks[a].text;
				size_t len = strlen(m);
				bool numeric = len >= 3 && len <= 4 && strspn(m, "01234567") == len &&
					       strchr("2367", m[len - 1]);
				bool symbolic = (m[0] == 'o' || m[0] == 'a') && strstr(m, "+") &&
						strchr(strchr(m, '+'), 'w');
				if (numeric || symbolic) {
					df_emit(ctx, R_DF_012, i, "RUN chmod %s makes files world-writable", m);
					break;
				}
				if (m[0] != '-')
					break; /* past the mode */
			}
		}
	}
}

/* ---- packages ------------------------------------------------------------------------------- */

typedef struct pkg_use {
	bool installs;  /* apt-get/apt install seen */
	bool apt_clean; /* rm -rf /var/lib/apt/lists, apt-get clean + rm */
	bool apk_add, apk_clean;
	bool yum, yum_clean;
	bool pip, pip_clean;
	vakt_buf unpinned;
} pkg_use;

static bool pkg_arg(const sh_token *w)
{
	return w->kind == SH_WORD && w->text[0] != '-' && !w->expansion;
}

static void note_unpinned(pkg_use *u, const char *pkg)
{
	if (u->unpinned.len < 200)
		vakt_buf_printf(&u->unpinned, "%s%s", u->unpinned.len ? ", " : "", pkg);
}

static void pkg_cmd(lint_ctx *ctx, size_t idx, const sh_token *w, size_t n, void *ud)
{
	(void)ctx, (void)idx;
	pkg_use *u = ud;
	const char *cmd = base_name(w[0].text);
	size_t sub = 1;
	while (sub < n && w[sub].text[0] == '-')
		sub++;
	const char *verb = sub < n ? w[sub].text : "";
	if ((strcmp(cmd, "apt-get") == 0 || strcmp(cmd, "apt") == 0) && strcmp(verb, "install") == 0) {
		u->installs = true;
		for (size_t i = sub + 1; i < n; i++)
			if (pkg_arg(&w[i]) && !strchr(w[i].text, '=') && !strstr(w[i].text, ".deb"))
				note_unpinned(u, w[i].text);
	} else if (strcmp(cmd, "apk") == 0 && strcmp(verb, "add") == 0) {
		u->apk_add = true;
		for (size_t i = 1; i < n; i++) {
			if (strcmp(w[i].text, "--no-cache") == 0)
				u->apk_clean = true;
			else if (i > sub && pkg_arg(&w[i]) && !strchr(w[i].text, '='))
				note_unpinned(u, w[i].text);
		}
	} else if ((strcmp(cmd, "yum") == 0 || strcmp(cmd, "dnf") == 0 ||
		    strcmp(cmd, "microdnf") == 0) && strcmp(verb, "install") == 0) {
		u->yum = true;
		for (size_t i = sub + 1; i < n; i++) {
			const char *p = w[i].text;
			const char *dash = strrchr(p, '-');
			bool pinned = (dash && isdigit((unsigned char)dash[1])) || strstr(p, ".rpm");
			if (pkg_arg(&w[i]) && !pinned)
				note_unpinned(u, p);
		}
	} else if ((strcmp(cmd, "pip") == 0 || strcmp(cmd, "pip3") == 0) && strcmp(verb, "install") == 0) {
		u->pip = true;
		for (size_t i = 1; i < n; i++) {
			const char *p = w[i].text;
			if (strcmp(p, "--no-cache-dir") == 0)
				u->pip_clean = true;
			if (strcmp(p, "-r") == 0 || strcmp(p, "--requirement") == 0 ||
			    strcmp(p, "-e") == 0 || strcmp(p, "-c") == 0) {
				i++; /* a file: pinned there, not here */
				continue;
			}
			if (i > sub && pkg_arg(&w[i]) && !strstr(p, "==") && !strchr(p, '@') &&
			    p[0] != '.' && p[0] != '/' && !strstr(p, ".whl") && !strstr(p, ".tar.gz"))
				note_unpinned(u, p);
		}
	} else if (strcmp(cmd, "npm") == 0 && (strcmp(verb, "install") == 0 || strcmp(verb, "i") == 0)) {
		for (size_t i = sub + 1; i < n; i++) {
			const char *p = w[i].text;
			const char *at = strrchr(p, '@');
			if (pkg_arg(&w[i]) && (!at || at == p) && p[0] != '.' && p[0] != '/')
				note_unpinned(u, p);
		}
	} else if (strcmp(cmd, "gem") == 0 && strcmp(verb, "install") == 0) {
		bool version = false;
		for (size_t i = sub + 1; i < n; i++)
			version |= strcmp(w[i].text, "-v") == 0 || strncmp(w[i].text, "--version", 9) == 0;
		for (size_t i = sub + 1; !version && i < n; i++)
			if (pkg_arg(&w[i]) && !strchr(w[i].text, ':'))
				note_unpinned(u, w[i].text);
	} else if (strcmp(cmd, "rm") == 0) {
		for (size_t i = 1; i < n; i++) {
			if (strstr(w[i].text, "/var/lib/apt/lists"))
				u->apt_clean = true;
			if (strstr(w[i].text, "/var/cache/apk"))
				u->apk_clean = true;
			if (strstr(w[i].text, "/var/cache/yum") || strstr(w[i].text, "/var/cache/dnf"))
				u->yum_clean = true;
			if (strstr(w[i].text, ".cache/pip"))
				u->pip_clean = true;
		}
	} else if ((strcmp(cmd, "yum") == 0 || strcmp(cmd, "dnf") == 0 ||
		    strcmp(cmd, "microdnf") == 0) && strcmp(verb, "clean") == 0) {
		u->yum_clean = true;
	}
}

/* The package use of one RUN instruction. A RUN with a cache mount keeps the caches out of
 * the layer by construction. */
static void pkg_scan(lint_ctx *ctx, size_t idx, pkg_use *u)
{
	memset(u, 0, sizeof(*u));
	vakt_buf_init(&u->unpinned, 4096);
	const df_instruction *ins = &ctx->df->instructions[idx];
	sh_token *toks;
	size_t n = run_tokens(ctx, ins, &toks);
	cmd_visit v = {ctx, idx, pkg_cmd, u};
	vakt_shell_commands(toks, n, visit_cmd, &v);
	for (size_t i = 0; i < ins->nflags; i++)
		if (strcasecmp(ins->flags[i].name, "mount") == 0 && ins->flags[i].value &&
		    strstr(ins->flags[i].value, "type=cache"))
			u->apt_clean = u->apk_clean = u->yum_clean = u->pip_clean = true;
}

void check_df_pkg_pin(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		if (ctx->df->instructions[i].kind != DF_RUN)
			continue;
		pkg_use u;
		pkg_scan(ctx, i, &u);
		if (u.unpinned.len)
			df_emit(ctx, R_DF_013, i, "RUN installs packages without a pinned version: %s",
				vakt_buf_str(&u.unpinned));
		vakt_buf_free(&u.unpinned);
	}
}

void check_df_pkg_cleanup(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		if (ctx->df->instructions[i].kind != DF_RUN)
			continue;
		pkg_use u;
		pkg_scan(ctx, i, &u);
		vakt_buf_free(&u.unpinned);
		if (u.installs && !u.apt_clean)
			df_emit(ctx, R_DF_014, i, "RUN apt-get install without removing /var/lib/apt/lists");
		if (u.apk_add && !u.apk_clean)
			df_emit(ctx, R_DF_014, i, "RUN apk add without --no-cache");
		if (u.yum && !u.yum_clean)
			df_emit(ctx, R_DF_014, i, "RUN yum/dnf install without a clean all");
		if (u.pip && !u.pip_clean)
			df_emit(ctx, R_DF_014, i, "RUN pip install without --no-cache-dir");
	}
}

/* ---- ADD ---------------------------------------------------------------------------------------- */

static bool is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	       strncasecmp(s, "git@", 4) == 0 || strncasecmp(s, "ftp://", 6) == 0;
}

static bool is_archive(const char *s)
{
	static const char *const ext[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz",
					  ".txz", ".tar.zst", ".gz", ".bz2", ".xz"};
	size_t l = strlen(s);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);
		if (l > e && strcasecmp(s + l - e, ext[i]) == 0)
			return true;
	}
	return false;
}

void check_df_add_url(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind != DF_ADD || flag(ins, "checksum"))
			continue;
		for (size_t a = 0; a + 1 < ins->nargs; a++)
			if (is_url(ins->args[a].expanded ? ins->args[a].expanded : ins->args[a].raw)) {
				df_emit(ctx, R_DF_004, i, "ADD fetches %s without a --checksum", ins->args[a].raw);
				break;
			}
	}
}

void check_df_add_local(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind != DF_ADD || ins->nargs < 2 || ins->nheredocs)
			continue;
		bool local_plain = true;
		for (size_t a = 0; a + 1 < ins->nargs; a++) {
			const char *src = ins->args[a].expanded ? ins->args[a].expanded : ins->args[a].raw;
			if (is_url(src) || is_archive(src) || strchr(src, '$'))
				local_plain = false;
		}
		if (local_plain)
			df_emit(ctx, R_DF_005, i, "ADD copies local %s, where COPY would do",
				ins->args[0].raw);
	}
}

/* ---- secrets ----------------------------------------------------------------------------------- */

/* A variable name that says it holds a secret (and is not a path to one). */
static bool secret_name(const char *k)
{
	static const char *const words[] = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY",
					    "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL",
					    "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY"};
	char up[256];
	size_t n = 0;
	for (; k[n] && n + 1 < sizeof(up); n++)
		up[n] = (char)toupper((unsigned char)k[n]);
	up[n] = '\0';
	static const char *const benign[] = {"_FILE", "_PATH", "_DIR", "_URL", "_ENDPOINT", "_NAME",
					     "_LENGTH", "_TTL", "_EXPIRY", "_HEADER", "_TYPE"};
	for (size_t i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		size_t b = strlen(benign[i]);
		if (n > b && strcmp(up + n - b, benign[i]) == 0)
			return false;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(up, words[i]))
			return true;
	return false;
}

/* A value that looks like a credential whatever its name. */
static const char *secret_value(const char *v)
{
	if (!v)
		return NULL;
	if (strncmp(v, "AKIA", 4) == 0 && strlen(v) == 20)
		return "an AWS access key ID";
	if ((strncmp(v, "ghp_", 4) == 0 || strncmp(v, "gho_", 4) == 0 || strncmp(v, "ghs_", 4) == 0 ||
	     strncmp(v, "github_pat_", 11) == 0) && strlen(v) >= 36)
		return "a GitHub token";
	if (strncmp(v, "xox", 3) == 0 && strchr("baprs", v[3]) && v[4] == '-')
		return "a Slack token";
	if (strstr(v, "-----BEGIN") && strstr(v, "PRIVATE KEY"))
		return "a private key";
	if (strncmp(v, "glpat-", 6) == 0)
		return "a GitLab token";
	if (strncmp(v, "sk_live_", 8) == 0)
		return "a Stripe key";
	if (strncmp(v, "npm_", 4) == 0 && strlen(v) == 40)
		return "an npm token";
	return NULL;
}

void check_df_secrets(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind != DF_ENV && ins->kind != DF_ARG)
			continue;
		/* ENV reaches the image only from its own stages; an ARG anywhere is recorded in
		 * the build's history and cache */
		if (ins->kind == DF_ENV && ins->stage >= 0 && !in_image(ctx, i))
			continue;
		const char *kw = vakt_dockerfile_kind_name(ins->kind);
		for (size_t p = 0; p < ins->npairs; p++) {
			const char *k = ins->keys[p], *v = ins->values[p];
			const char *what = secret_value(v);
			if (what)
				df_emit(ctx, R_DF_007, i, "%s %s holds what looks like %s", kw, k, what);
			else if (secret_name(k) && (ins->kind == DF_ARG || (v && v[0])))
				df_emit(ctx, R_DF_007, i, "%s %s is named as a secret, and %s", kw, k,
					ins->kind == DF_ARG ? "build args are recorded in the image history"
							    : "ENV is stored in the image config");
		}
	}
}

/* ---- base images ------------------------------------------------------------------------------- */

/* Call fn for each stage whose base is an image (not scratch, not another stage). */
static void for_each_base(lint_ctx *ctx, void (*fn)(lint_ctx *ctx, const df_stage *st,
						      const lint_image_ref *ref))
{
	for (size_t s = 0; s < ctx->df->nstages; s++) {
		const df_stage *st = &ctx->df->stages[s];
		if (st->base_stage >= 0 || !st->base || strcasecmp(st->base, "scratch") == 0)
			continue;
		lint_image_ref ref;
		lint_image_ref_parse(st->base, &ref);
		if (!ref.variable)
			fn(ctx, st, &ref);
	}
}

static void base_tag(lint_ctx *ctx, const df_stage *st, const lint_image_ref *ref)
{
	if (ref->digest)
		return;
	if (ref->tag_len == 0)
		df_emit(ctx, R_DF_008, st->first, "FROM %s: no tag, which means :latest", st->base);
	else if (ref->tag_len == 6 && strncmp(ref->tag, "latest", 6) == 0)
		df_emit(ctx, R_DF_008, st->first, "FROM %s", st->base);
}

void check_df_base_tag(lint_ctx *ctx)
{
	for_each_base(ctx, base_tag);
}

static void base_digest(lint_ctx *ctx, const df_stage *st, const lint_image_ref *ref)
{
	if (!ref->digest)
		df_emit(ctx, R_DF_009, st->first, "FROM %s is not pinned by digest", st->base);
}

void check_df_base_digest(lint_ctx *ctx)
{
	for_each_base(ctx, base_digest);
}

static void base_registry(lint_ctx *ctx, const df_stage *st, const lint_image_ref *ref)
{
	const lint_config *c = ctx->cfg;
	for (size_t i = 0; i < c->n_trusted_registries; i++) {
		const char *t = c->trusted_registries[i];
		if (strlen(t) == ref->registry_len && strncmp(t, ref->registry, ref->registry_len) == 0)
			return;
	}
	df_emit(ctx, R_DF_010, st->first, "FROM %s: registry %.*s is not a trusted registry",
		st->base, (int)ref->registry_len, ref->registry);
}

void check_df_base_registry(lint_ctx *ctx)
{
	if (ctx->cfg->n_trusted_registries)
		for_each_base(ctx, base_registry);
}

/* ---- the running container ------------------------------------------------------------------- */

void check_df_expose_ssh(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind != DF_EXPOSE || !in_image(ctx, i))
			continue;
		for (size_t a = 0; a < ins->nargs; a++) {
			const char *p = ins->args[a].expanded ? ins->args[a].expanded : ins->args[a].raw;
			if (strcmp(p, "22") == 0 || strcmp(p, "22/tcp") == 0)
				df_emit(ctx, R_DF_011, i, "EXPOSE %s: an SSH server in the image", p);
		}
	}
}

void check_df_healthcheck(lint_ctx *ctx)
{
	if (ctx->df_target < 0)
		return;
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = &ctx->df->instructions[i];
		if (ins->kind == DF_HEALTHCHECK && in_image(ctx, i)) {
			const char *t = ins->text;
			while (isspace((unsigned char)*t))
				t++;
			if (strncasecmp(t, "NONE", 4) == 0)
				df_emit(ctx, R_DF_015, i, "HEALTHCHECK NONE turns the health check off");
			return;
		}
	}
	df_emit(ctx, R_DF_015, ctx->df->stages[ctx->df_target].first,
		"no HEALTHCHECK in %s", stage_name(ctx, ctx->df_target));
}
