/* df_rules.c - Dockerfile rules (DF-*), one function per rules.def entry.
 *
 * What the running container does, and what the image carries, is judged on the stage
 * that becomes the image (the last stage, or --target) and the stages it is built FROM: a
 * build stage that runs as root, exposes 22 or leaves package caches behind is fine. What
 * the build itself does (sudo, piping a download into a shell, unpinned packages,
 * world-writable files, secrets in ARG/ENV) is judged wherever it happens, ONBUILD
 * instructions included (the child build runs them). RUN lines are read with the shell
 * tokenizer (shell.h), never run.
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
	lint_emit_atv(ctx, rule, NULL, ins->line, ins->col, ignore_for(ctx, idx, rule), fmt, ap);
	va_end(ap);
}

/* Is instruction idx in the image (the target stage or a stage it is built FROM)? */
static bool in_image(lint_ctx *ctx, size_t idx)
{
	/* the stages of the image, computed once per file */
	if (!ctx->df_image_stages) {
		int chain[64];
		size_t n = vakt_dockerfile_stage_chain(ctx->df, ctx->df_target, chain, 64);
		ctx->df_image_stages = vakt_arena_calloc(ctx->arena, ctx->df->nstages + 1, sizeof(bool));
		for (size_t i = 0; i < n; i++)
			if (chain[i] >= 0 && (size_t)chain[i] < ctx->df->nstages)
				ctx->df_image_stages[chain[i]] = true;
	}
	int stage = ctx->df->instructions[idx].stage;
	return stage >= 0 && ctx->df_image_stages[stage];
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
/* Each RUN is tokenised once per file, whatever the number of rules that read it: slot i
 * for instruction i, slot n + i for the instruction inside ONBUILD i. */
struct df_token_cache {
	bool done;
	size_t n;
	sh_token *toks;
	struct pkg_use *pkg; /* DF-013 and DF-014 read the same scan */
};

static size_t tokenize_run(lint_ctx *ctx, const df_instruction *ins, sh_token **ret);

static size_t run_tokens(lint_ctx *ctx, const df_instruction *ins, sh_token **ret)
{
	const df_file *f = ctx->df;
	size_t n = f->ninstructions, slot = 2 * n;
	if (ins >= f->instructions && ins < f->instructions + n) {
		slot = (size_t)(ins - f->instructions);
	} else {
		for (size_t i = 0; i < n && slot == 2 * n; i++)
			if (f->instructions[i].onbuild == ins)
				slot = n + i;
	}
	if (slot == 2 * n)
		return tokenize_run(ctx, ins, ret);
	if (!ctx->df_tokens)
		ctx->df_tokens = vakt_arena_calloc(ctx->arena, 2 * n + 1, sizeof(*ctx->df_tokens));
	struct df_token_cache *c = &ctx->df_tokens[slot];
	if (!c->done) {
		c->n = tokenize_run(ctx, ins, &c->toks);
		c->done = true;
	}
	*ret = c->toks;
	return c->n;
}

/* Tokenise a RUN's shell (see run_tokens for the cache in front of it). */
static size_t tokenize_run(lint_ctx *ctx, const df_instruction *ins, sh_token **ret)
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
		/* heredocs given to the shell itself (RUN <<EOF, RUN bash <<EOF) are the script;
		 * otherwise the text is, and heredoc bodies are some program's input */
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
		if (shell_reads_heredoc && ins->nheredocs)
			for (size_t h = 0; h < ins->nheredocs; h++)
				vakt_buf_printf(&script, "%s\n", ins->heredocs[h].body);
		else
			vakt_buf_puts(&script, ins->text);
	}
	/* in the arena: the tokens' substitutions (sh_token.subst) point into the text */
	sh_source src = {.text = vakt_arena_strndup(ctx->arena, vakt_buf_str(&script), script.len),
			 .len = script.len, .line = ins->line, .col = ins->col};
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

/* The instruction ins stands for: ONBUILD's inner instruction (the child build runs it,
 * so what it does is judged as if the parent did it), else ins itself. */
static const df_instruction *inner(const df_instruction *ins)
{
	return ins->kind == DF_ONBUILD && ins->onbuild ? ins->onbuild : ins;
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
			if (ins->unresolved || strchr(u, '$'))
				return; /* a user vakt cannot resolve (a build arg without a value,
					 * the base image's environment): not judged */
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
		const df_instruction *ins = inner(&ctx->df->instructions[i]);
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

/* A program that runs the code it is given: a shell, python, perl. */
static bool runs_code(const sh_token *w)
{
	return w->kind == SH_WORD && (is_shell(w->text) || word_is(w, "python") ||
				      word_is(w, "python3") || word_is(w, "perl"));
}

/* The fetcher (curl or wget) that a command or process substitution in word w starts with,
 * as in sh -c "$(curl -fsSL URL)" or bash <(wget -qO- URL); NULL when there is none. */
static const char *fetch_subst(const sh_token *w)
{
	for (size_t s = 0; s < w->nsubst; s++) {
		const char *p = w->subst[s].text, *end = p + w->subst[s].len;
		while (p < end && isspace((unsigned char)*p))
			p++;
		const char *e = p, *b = p;
		for (; e < end && !isspace((unsigned char)*e) && *e != ')'; e++)
			if (*e == '/')
				b = e + 1;
		if (e - b == 4 && (strncmp(b, "curl", 4) == 0 || strncmp(b, "wget", 4) == 0))
			return strncmp(b, "curl", 4) == 0 ? "curl" : "wget";
	}
	return NULL;
}

/* A download run as code: curl ... | [sudo [-E]] sh (a pipe from curl or wget into a shell,
 * python or perl), and the forms without a pipe, sh -c "$(curl ...)" and bash <(curl ...). */
void check_df_pipe_shell(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = inner(&ctx->df->instructions[i]);
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
				if (fetcher && k < n && runs_code(&toks[k])) {
					df_emit(ctx, R_DF_006, i, "RUN pipes %s output into %s", fetcher,
						base_name(toks[k].text));
					reported = true;
				}
				continue;
			}
			if (word_is(&toks[t], "curl") || word_is(&toks[t], "wget"))
				fetcher = base_name(toks[t].text);
			bool starts = t == 0 || toks[t - 1].kind == SH_OP || word_is(&toks[t - 1], "sudo");
			if (!starts || !runs_code(&toks[t]))
				continue;
			/* sh -c "$(curl ...)", bash <(curl ...) */
			for (size_t k = t + 1; k < n && toks[k].kind == SH_WORD && !reported; k++) {
				const char *f = fetch_subst(&toks[k]);
				if (f) {
					df_emit(ctx, R_DF_006, i, "RUN runs %s output with %s", f,
						base_name(toks[t].text));
					reported = true;
				}
			}
		}
	}
}

/* Does a chmod mode make files writable by others? Octal (777, 0666, 2777: the last digit
 * is the others' bits) or symbolic (o+w, a=rwx, go+w, u+x,o+w; a clause that names
 * neither o nor a leaves others alone or follows the umask, and is not counted). A mode
 * with the sticky bit (1777, +t) is how a shared directory such as /tmp is made: others
 * may add files but not replace anyone else's, so it is not counted. */
static bool mode_world_writable(const char *m)
{
	size_t len = strlen(m);
	if (len && strspn(m, "01234567") == len) {
		if (len > 5)
			return false;
		bool sticky = len >= 4 && ((m[len - 4] - '0') & 1);
		return strchr("2367", m[len - 1]) && !sticky;
	}
	bool writable = false, sticky = false;
	for (const char *c = m; *c;) {
		size_t cl = strcspn(c, ",");
		size_t wl = strspn(c, "ugoa");
		bool others = memchr(c, 'o', wl) || memchr(c, 'a', wl);
		for (size_t k = wl; k < cl;) {
			char op = c[k++];
			if (op != '+' && op != '-' && op != '=')
				return false; /* not a mode */
			size_t pl = strspn(c + k, "rwxXst");
			bool w = memchr(c + k, 'w', pl) != NULL, t = memchr(c + k, 't', pl) != NULL;
			if (others && (w || op == '='))
				writable = op != '-' && w;
			if (t || (op == '=' && others))
				sticky = op != '-' && t;
			k += pl;
			if (pl == 0 && k < cl && strchr("ugo", c[k]))
				k++; /* o=u: copies another class's bits, not judged */
		}
		c += cl;
		if (*c == ',')
			c++;
	}
	return writable && !sticky;
}

typedef struct ww_visit {
	lint_ctx *ctx;
	size_t idx;
	bool reported;
} ww_visit;

/* The mode words of chmod MODE, mkdir -m MODE, install -m MODE at w[0]: is one of them
 * world-writable? (reported once per RUN) */
static void ww_mode(ww_visit *v, const sh_token *w, size_t n)
{
	bool chmod = word_is(&w[0], "chmod");
	for (size_t a = 1; a < n && w[a].kind == SH_WORD && !v->reported; a++) {
		const char *m = w[a].text, *mode = NULL;
		if (w[a].expansion)
			return;
		if (!chmod) {
			if ((strcmp(m, "-m") == 0 || strcmp(m, "--mode") == 0) && a + 1 < n)
				mode = w[++a].text;
			else if (strncmp(m, "--mode=", 7) == 0)
				mode = m + 7;
			else if (strncmp(m, "-m", 2) == 0 && m[2] != '-')
				mode = m + 2;
			if (!mode)
				continue;
		} else if (m[0] == '-' && (m[1] == '-' || strspn(m + 1, "RvcfH") == strlen(m + 1))) {
			continue; /* an option: -R, -v, --recursive, --reference=F */
		} else {
			mode = m;
		}
		if (mode_world_writable(mode)) {
			df_emit(v->ctx, R_DF_012, v->idx, "RUN %s %s%s makes files world-writable",
				base_name(w[0].text), chmod ? "" : "-m ", mode);
			v->reported = true;
		}
		if (chmod)
			return; /* past the mode */
	}
}

/* One command of a RUN: chmod/mkdir/install itself, or run by find -exec or xargs. */
static void ww_cmd(const sh_token *w, size_t n, void *ud)
{
	ww_visit *v = ud;
	bool xargs = n && word_is(&w[0], "xargs");
	for (size_t j = 0; j < n && !v->reported; j++) {
		if (!word_is(&w[j], "chmod") && !word_is(&w[j], "mkdir") && !word_is(&w[j], "install"))
			continue;
		if (j == 0 || xargs || word_is(&w[j - 1], "-exec") || word_is(&w[j - 1], "-execdir"))
			ww_mode(v, w + j, n - j);
	}
}

void check_df_world_writable(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const df_instruction *ins = inner(&ctx->df->instructions[i]);
		const df_flag *cm = (ins->kind == DF_COPY || ins->kind == DF_ADD) ? flag(ins, "chmod") : NULL;
		const char *cmv = cm ? (cm->expanded ? cm->expanded : cm->value) : NULL;
		if (cmv && mode_world_writable(cmv))
			df_emit(ctx, R_DF_012, i, "%s --chmod=%s makes files world-writable",
				vakt_dockerfile_kind_name(ins->kind), cmv);
		if (ins->kind != DF_RUN)
			continue;
		sh_token *toks;
		size_t n = run_tokens(ctx, ins, &toks);
		ww_visit v = {ctx, i, false};
		vakt_shell_commands(toks, n, ww_cmd, &v);
	}
}

/* ---- packages ------------------------------------------------------------------------------- */

typedef struct pkg_use {
	const char *apt;  /* "update" or "install" when apt-get/apt did that, else NULL */
	bool apt_clean;   /* rm -rf /var/lib/apt/lists */
	bool apk_add, apk_clean;
	bool yum, yum_clean;
	bool pip, pip_clean;
	vakt_buf unpinned;
	const char *unpinned_list; /* the unpinned packages, in the arena ("" for none) */
} pkg_use;

/* The package managers' options that take their value in the next word (unless written
 * --opt=value): that word is not a package. Tools by family: "apt" (apt-get, apt), "apk",
 * "yum" (yum, dnf, microdnf), "pip" (-r/-c/-e name files and paths), "npm", "gem". */
static bool takes_value(const char *tool, const char *opt)
{
	static const struct {
		const char *tool;
		const char *const opts[28];
	} tab[] = {
		{"apt", {"-o", "--option", "-c", "--config-file", "-t", "--target-release", NULL}},
		{"apk", {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch",
			 "--cache-dir", "--keys-dir", "--repositories-file", NULL}},
		{"yum", {"-c", "--config", "--installroot", "--releasever", "--setopt", "-x",
			 "--exclude", "--enablerepo", "--disablerepo", "--repo", "--repoid",
			 "--forcearch", NULL}},
		{"pip", {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
			 "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
			 "--prefix", "--root", "--platform", "--python-version", "--implementation",
			 "--abi", "--src", "--trusted-host", "--upgrade-strategy", "--progress-bar",
			 "--proxy", "--no-binary", "--only-binary", "--cache-dir", NULL}},
		{"npm", {"--prefix", "--registry", "--cache", "--tag", "-w", "--workspace",
			 "--userconfig", NULL}},
		{"gem", {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source",
			 "--platform", NULL}},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].tool, tool) == 0)
			for (size_t k = 0; tab[i].opts[k]; k++)
				if (strcmp(tab[i].opts[k], opt) == 0)
					return true;
	return false;
}

/* The next word of w at or after *i that is an argument (not an option, not an option's
 * value), advancing *i past it; NULL at the end. */
static const sh_token *next_arg(const char *tool, const sh_token *w, size_t n, size_t *i)
{
	while (*i < n) {
		const sh_token *t = &w[(*i)++];
		if (t->text[0] == '-' && t->text[1]) {
			if (!strchr(t->text, '=') && takes_value(tool, t->text))
				(*i)++;
			continue;
		}
		return t;
	}
	return NULL;
}

/* Is option opt (or --opt=value) among w[from..n)? */
static bool has_opt(const sh_token *w, size_t n, size_t from, const char *opt)
{
	size_t l = strlen(opt);
	for (size_t i = from; i < n; i++)
		if (strncmp(w[i].text, opt, l) == 0 && (w[i].text[l] == '\0' || w[i].text[l] == '='))
			return true;
	return false;
}

static void note_unpinned(pkg_use *u, const sh_token *w)
{
	if (w->expansion)
		return; /* $PACKAGES: not known */
	if (u->unpinned.len < 200)
		vakt_buf_printf(&u->unpinned, "%s%s", u->unpinned.len ? ", " : "", w->text);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void pkg_cmd(lint_ctx *ctx, size_t idx, const sh_token *w, size_t n, void *ud)
{
	(void)ctx, (void)idx;
	pkg_use *u = ud;
	const char *cmd = base_name(w[0].text);
	size_t i = 1;
	/* the family of the tool; python -m pip is pip */
	const char *tool = NULL;
	if (strcmp(cmd, "apt-get") == 0 || strcmp(cmd, "apt") == 0)
		tool = "apt";
	else if (strcmp(cmd, "apk") == 0)
		tool = "apk";
	else if (strcmp(cmd, "yum") == 0 || strcmp(cmd, "dnf") == 0 || strcmp(cmd, "microdnf") == 0)
		tool = "yum";
	else if (strncmp(cmd, "pip", 3) == 0 && (cmd[3] == '\0' || isdigit((unsigned char)cmd[3])))
		tool = "pip";
	else if (strncmp(cmd, "python", 6) == 0 && n > 2 && strcmp(w[1].text, "-m") == 0 &&
		 strcmp(w[2].text, "pip") == 0)
		tool = "pip", i = 3;
	else if (strcmp(cmd, "npm") == 0)
		tool = "npm";
	else if (strcmp(cmd, "gem") == 0)
		tool = "gem";
	else if (strcmp(cmd, "rm") == 0)
		tool = "rm";
	if (!tool)
		return;
	size_t from = i;
	const sh_token *vw = next_arg(tool, w, n, &i);
	const char *verb = vw ? vw->text : "";
	const sh_token *a;
	if (strcmp(tool, "apt") == 0 && (strcmp(verb, "install") == 0 || strcmp(verb, "update") == 0)) {
		bool install = strcmp(verb, "install") == 0;
		if (!u->apt || install)
			u->apt = install ? "install" : "update";
		while (install && (a = next_arg(tool, w, n, &i)))
			if (!strchr(a->text, '=') && !ends_with(a->text, ".deb"))
				note_unpinned(u, a);
	} else if (strcmp(tool, "apk") == 0 && strcmp(verb, "add") == 0) {
		u->apk_add = true;
		u->apk_clean |= has_opt(w, n, from, "--no-cache");
		while ((a = next_arg(tool, w, n, &i)))
			if (!strchr(a->text, '=') && !strchr(a->text, '~') && !ends_with(a->text, ".apk"))
				note_unpinned(u, a);
	} else if (strcmp(tool, "yum") == 0 && strcmp(verb, "install") == 0) {
		u->yum = true;
		while ((a = next_arg(tool, w, n, &i))) {
			const char *dash = strrchr(a->text, '-');
			if (!(dash && isdigit((unsigned char)dash[1])) && !strstr(a->text, ".rpm"))
				note_unpinned(u, a);
		}
	} else if (strcmp(tool, "pip") == 0 && strcmp(verb, "install") == 0) {
		u->pip = true;
		u->pip_clean |= has_opt(w, n, from, "--no-cache-dir");
		if (has_opt(w, n, from, "-c") || has_opt(w, n, from, "--constraint"))
			return; /* versions come from the constraints file */
		while ((a = next_arg(tool, w, n, &i))) {
			const char *p = a->text;
			if (!strstr(p, "==") && !strchr(p, '@') && !strchr(p, '/') && p[0] != '.' &&
			    !ends_with(p, ".whl") && !ends_with(p, ".tar.gz"))
				note_unpinned(u, a);
		}
	} else if (strcmp(tool, "npm") == 0 && (strcmp(verb, "install") == 0 || strcmp(verb, "i") == 0 ||
						strcmp(verb, "add") == 0)) {
		while ((a = next_arg(tool, w, n, &i))) {
			const char *p = a->text, *at = strrchr(p, '@');
			if ((!at || at == p) && p[0] != '.' && p[0] != '/' && strncmp(p, "file:", 5) != 0 &&
			    !ends_with(p, ".tgz"))
				note_unpinned(u, a);
		}
	} else if (strcmp(tool, "gem") == 0 && strcmp(verb, "install") == 0) {
		if (has_opt(w, n, from, "-v") || has_opt(w, n, from, "--version"))
			return;
		while ((a = next_arg(tool, w, n, &i)))
			if (!strchr(a->text, ':'))
				note_unpinned(u, a);
	} else if (strcmp(tool, "rm") == 0) {
		for (size_t k = 1; k < n; k++) {
			if (strstr(w[k].text, "/var/lib/apt/lists"))
				u->apt_clean = true;
			if (strstr(w[k].text, "/var/cache/apk"))
				u->apk_clean = true;
			if (strstr(w[k].text, "/var/cache/yum") || strstr(w[k].text, "/var/cache/dnf"))
				u->yum_clean = true;
			if (strstr(w[k].text, ".cache/pip"))
				u->pip_clean = true;
		}
	} else if (strcmp(tool, "yum") == 0 && strcmp(verb, "clean") == 0) {
		u->yum_clean = true;
	}
}

/* The targets of a RUN's --mount=type=cache flags (cleaned lexically), in the arena;
 * returns their count, at most max. */
static size_t cache_targets(lint_ctx *ctx, const df_instruction *ins, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t f = 0; f < ins->nflags && n < max; f++) {
		const df_flag *fl = &ins->flags[f];
		const char *v = fl->expanded ? fl->expanded : fl->value;
		if (strcasecmp(fl->name, "mount") != 0 || !v || !strstr(v, "type=cache"))
			continue;
		for (const char *o = v; *o && n < max;) {
			size_t l = strcspn(o, ",");
			size_t k = strcspn(o, "=");
			if (k + 1 < l && ((k == 6 && strncmp(o, "target", 6) == 0) ||
					  (k == 3 && strncmp(o, "dst", 3) == 0) ||
					  (k == 11 && strncmp(o, "destination", 11) == 0)))
				out[n++] = lint_clean_path(ctx->arena,
							   vakt_arena_strndup(ctx->arena, o + k + 1, l - k - 1));
			o += l;
			if (*o == ',')
				o++;
		}
	}
	return n;
}

/* Is dir, or a directory above it, one of the cache mount targets? */
static bool cached(const char *const *targets, size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++)
		if (lint_path_is_or_under(dir, targets[i]))
			return true;
	return false;
}

static bool truthy(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
		     strcasecmp(v, "on") == 0);
}

/* Is PIP_NO_CACHE_DIR set true for the RUN at idx: by the RUN itself (an assignment or an
 * export), or by ENV or ARG earlier in its stage or in the stages it is built FROM? */
static bool pip_no_cache_env(const lint_ctx *ctx, size_t idx, const sh_token *toks, size_t n)
{
	static const char var[] = "PIP_NO_CACHE_DIR=";
	for (size_t t = 0; t < n; t++)
		if (toks[t].kind == SH_WORD && strncmp(toks[t].text, var, sizeof(var) - 1) == 0)
			return truthy(toks[t].text + sizeof(var) - 1);
	const df_file *f = ctx->df;
	int stage = f->instructions[idx].stage;
	size_t i = idx;
	for (int hops = 0; stage >= 0 && hops < 64; hops++) {
		const df_stage *st = &f->stages[stage];
		while (i-- > st->first) {
			const df_instruction *ins = &f->instructions[i];
			if (ins->kind != DF_ENV && ins->kind != DF_ARG)
				continue;
			for (size_t p = ins->npairs; p-- > 0;)
				if (strcmp(ins->keys[p], "PIP_NO_CACHE_DIR") == 0)
					return truthy(ins->values[p]);
		}
		stage = st->base_stage;
		if (stage >= 0)
			i = f->stages[stage].last + 1;
	}
	return false;
}

/* The package use of one RUN instruction (or ONBUILD RUN). Caches in a RUN --mount=type=cache
 * directory stay out of the layer by construction. */
static void pkg_scan(lint_ctx *ctx, size_t idx, pkg_use *u)
{
	memset(u, 0, sizeof(*u));
	vakt_buf_init(&u->unpinned, 4096);
	const df_instruction *ins = inner(&ctx->df->instructions[idx]);
	if (ins->kind != DF_RUN)
		return;
	sh_token *toks;
	size_t n = run_tokens(ctx, ins, &toks);
	cmd_visit v = {ctx, idx, pkg_cmd, u};
	vakt_shell_commands(toks, n, visit_cmd, &v);
	const char *ct[16];
	size_t nct = cache_targets(ctx, ins, ct, 16);
	u->apt_clean |= cached(ct, nct, "/var/lib/apt/lists");
	u->apk_clean |= cached(ct, nct, "/var/cache/apk") || cached(ct, nct, "/etc/apk/cache");
	u->yum_clean |= cached(ct, nct, "/var/cache/yum") || cached(ct, nct, "/var/cache/dnf") ||
			cached(ct, nct, "/var/cache/libdnf5");
	u->pip_clean |= pip_no_cache_env(ctx, idx, toks, n);
	for (size_t i = 0; i < nct; i++) /* pip's cache is ~/.cache/pip, for any user */
		u->pip_clean |= ends_with(ct[i], "/.cache/pip") || ends_with(ct[i], "/.cache");
}

/* The package scan of instruction idx, done once for both package rules. */
static const pkg_use *pkg_get(lint_ctx *ctx, size_t idx)
{
	if (!ctx->df_tokens)
		ctx->df_tokens = vakt_arena_calloc(ctx->arena, 2 * ctx->df->ninstructions + 1,
						   sizeof(*ctx->df_tokens));
	struct df_token_cache *c = &ctx->df_tokens[idx];
	if (!c->pkg) {
		pkg_use *u = vakt_arena_alloc(ctx->arena, sizeof(*u));
		pkg_scan(ctx, idx, u);
		u->unpinned_list = vakt_arena_strdup(ctx->arena, vakt_buf_str(&u->unpinned));
		vakt_buf_free(&u->unpinned);
		c->pkg = u;
	}
	return c->pkg;
}

void check_df_pkg_pin(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		const pkg_use *u = pkg_get(ctx, i);
		if (u->unpinned_list[0])
			df_emit(ctx, R_DF_013, i, "RUN installs packages without a pinned version: %s",
				u->unpinned_list);
	}
}

void check_df_pkg_cleanup(lint_ctx *ctx)
{
	for (size_t i = 0; i < ctx->df->ninstructions; i++) {
		if (!in_image(ctx, i))
			continue;
		const pkg_use *u = pkg_get(ctx, i);
		if (u->apt && !u->apt_clean)
			df_emit(ctx, R_DF_014, i, "RUN apt-get %s without removing /var/lib/apt/lists",
				u->apt);
		if (u->apk_add && !u->apk_clean)
			df_emit(ctx, R_DF_014, i, "RUN apk add without --no-cache");
		if (u->yum && !u->yum_clean)
			df_emit(ctx, R_DF_014, i, "RUN yum/dnf install without a clean all");
		if (u->pip && !u->pip_clean)
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
		const df_instruction *ins = inner(&ctx->df->instructions[i]);
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
		const df_instruction *ins = inner(&ctx->df->instructions[i]);
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
			const char *what = lint_secret_value(v);
			if (what)
				df_emit(ctx, R_DF_007, i, "%s %s holds what looks like %s", kw, k, what);
			else if (lint_secret_name(k) && (ins->kind == DF_ARG || (v && v[0])))
				df_emit(ctx, R_DF_007, i, "%s %s is named as a secret, and %s", kw, k,
					ins->kind == DF_ARG ? "build args are recorded in the image history"
							    : "ENV is stored in the image config");
		}
	}
}

/* ---- base images ------------------------------------------------------------------------------- */

/* Call fn for each stage whose base is an image (not scratch, not another stage, not one
 * named by a variable vakt cannot resolve: FROM $BASE with no value for BASE). */
static void for_each_base(lint_ctx *ctx, void (*fn)(lint_ctx *ctx, const df_stage *st,
						      const lint_image_ref *ref))
{
	for (size_t s = 0; s < ctx->df->nstages; s++) {
		const df_stage *st = &ctx->df->stages[s];
		if (st->base_stage >= 0 || !st->base || !st->base[0] ||
		    ctx->df->instructions[st->first].unresolved || strcasecmp(st->base, "scratch") == 0)
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
