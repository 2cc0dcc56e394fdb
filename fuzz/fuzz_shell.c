/* fuzz_shell.c - libFuzzer target for the shell tokenizer, the command splitter and the
 * docker run parser, through the script scanner. The first byte picks the file kind
 * (byte % 4: shell, Makefile, GitHub Actions, GitLab CI); the seeds in corpus/shell start
 * with a byte that picks their kind. */
#include <stdint.h>

#include "lint/dockerrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_run(const vakt_run_line *run, void *ud)
{
	(void)run, (void)ud;
}

static void on_error(vakt_error *e, void *ud)
{
	(void)e, (void)ud; /* the scanner frees e when this returns */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_arena a;
	vakt_arena_init(&a, 0);
	vakt_error *err = NULL;
	vakt_script_kind kind = size ? (vakt_script_kind)(data[0] % 4) : VAKT_SCRIPT_SHELL;
	(void)vakt_scripts_scan(kind, "fuzz", (const char *)data, size, &a, on_run, on_error, NULL, &err);
	vakt_error_free(err);
	vakt_arena_destroy(&a);
	return 0;
}
