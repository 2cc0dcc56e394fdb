/* fuzz_dockerfile.c - libFuzzer target for the Dockerfile parser.
 *
 * Every string of the model is read (so ASan sees a stray pointer) and the invariants rules
 * rely on are checked: line ranges in order, stage indexes in range, a base stage earlier
 * than its stage, arrays as long as their counts say. A violation aborts. Inputs whose
 * first byte is odd also get build args, so the override paths run too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

static void touch(const char *s, int nullable)
{
	if (!s) {
		if (!nullable)
			abort();
		return;
	}
	sink += strlen(s);
}

static void check_words(const df_word *w, size_t n, unsigned line, unsigned end)
{
	for (size_t i = 0; i < n; i++) {
		touch(w[i].raw, 0);
		touch(w[i].expanded, 0);
		if (w[i].line < line || w[i].line > end || w[i].col == 0)
			abort();
	}
}

static void check_instruction(const df_file *f, const df_instruction *in)
{
	touch(in->keyword, 0);
	touch(in->text, 0);
	touch(in->expanded, 0);
	touch(in->expand_error, 1);
	if (in->line == 0 || in->col == 0 || in->end_line < in->line)
		abort();
	if (in->stage < -1 || (in->stage >= 0 && (size_t)in->stage >= f->nstages))
		abort();
	check_words(in->args, in->nargs, in->line, in->end_line);
	check_words(in->pair_words, in->npairs, in->line, in->end_line);
	for (size_t i = 0; i < in->nflags; i++) {
		touch(in->flags[i].name, 0);
		touch(in->flags[i].value, 1);
		touch(in->flags[i].expanded, in->flags[i].value == NULL);
	}
	for (size_t i = 0; i < in->npairs; i++) {
		touch(in->keys[i], 0);
		touch(in->values[i], in->kind == DF_ARG);
		touch(in->raw_values[i], in->kind == DF_ARG);
	}
	for (size_t i = 0; i < in->nheredocs; i++) {
		touch(in->heredocs[i].delimiter, 0);
		touch(in->heredocs[i].body, 0);
		if (in->heredocs[i].line <= in->line || in->heredocs[i].line > in->end_line)
			abort();
	}
	if ((in->kind == DF_ONBUILD) != (in->onbuild != NULL))
		abort();
	if (in->onbuild) {
		if (in->onbuild->kind == DF_ONBUILD || in->onbuild->onbuild)
			abort();
		check_instruction(f, in->onbuild);
	}
}

static void check_file(const df_file *f)
{
	touch(f->name, 0);
	if (f->escape != '\\' && f->escape != '`')
		abort();
	for (size_t i = 0; i < f->ndirectives; i++) {
		touch(f->directives[i].name, 0);
		touch(f->directives[i].value, 0);
	}
	for (size_t i = 0; i < f->ninstructions; i++) {
		check_instruction(f, &f->instructions[i]);
		if (i && f->instructions[i].line <= f->instructions[i - 1].end_line)
			abort();
	}
	for (size_t i = 0; i < f->nstages; i++) {
		const df_stage *s = &f->stages[i];
		touch(s->base, 0);
		touch(s->base_raw, 0);
		touch(s->name, 1);
		touch(s->platform, 1);
		if (s->base_stage >= (int)i || s->base_stage < -1 || s->first > s->last ||
		    s->last >= f->ninstructions || f->instructions[s->first].kind != DF_FROM)
			abort();
	}
	for (size_t i = 0; i < f->ncomments; i++) {
		const df_comment *c = &f->comments[i];
		touch(c->text, 0);
		if (c->next_instruction >= (int)f->ninstructions ||
		    c->in_instruction >= (int)f->ninstructions)
			abort();
		if (c->next_instruction >= 0 &&
		    f->instructions[c->next_instruction].line <= c->line)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const build_args[] = {"TARGETARCH=amd64", "BUILDPLATFORM=linux/amd64",
						 "A=from-cli", "BASE", NULL};
	df_options opt = {.build_args = size && (data[0] & 1) ? build_args : NULL};
	vakt_arena a;
	vakt_arena_init(&a, 0);
	df_file *f = NULL;
	vakt_error *err = NULL;
	if (vakt_dockerfile_parse("fuzz", (const char *)data, size, &opt, &a, &f, &err) == 0) {
		check_file(f);
		int t = vakt_dockerfile_target(f, NULL);
		int chain[64];
		size_t n = vakt_dockerfile_stage_chain(f, t, chain, 64);
		for (size_t i = 1; i < n; i++) {
			if (chain[i] >= chain[i - 1])
				abort();
		}
	} else if (!err || !err->msg) {
		abort();
	}
	vakt_error_free(err);
	vakt_arena_destroy(&a);
	return 0;
}
