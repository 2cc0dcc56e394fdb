/* fuzz_dockerfile.c - libFuzzer target for the Dockerfile parser. */
#include <stdint.h>

#include "lint/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_arena a;
	vakt_arena_init(&a, 0);
	df_file *f = NULL;
	vakt_error *err = NULL;
	if (vakt_dockerfile_parse("fuzz", (const char *)data, size, NULL, &a, &f, &err) == 0) {
		int t = vakt_dockerfile_target(f, NULL);
		int chain[64];
		(void)vakt_dockerfile_stage_chain(f, t, chain, 64);
	}
	vakt_error_free(err);
	vakt_arena_destroy(&a);
	return 0;
}
