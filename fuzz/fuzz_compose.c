/* fuzz_compose.c - libFuzzer target for the compose model: the input is written to a
 * temporary compose file and loaded as a project (interpolation, extends, merging). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lint/compose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	static char path[128];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/vakt-fuzz-compose-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	static const char *const env[] = {"TAG=1.0", "HOST=0.0.0.0", NULL};
	compose_options opt = {.environ = env, .no_env_file = true, .limits = vakt_doc_default_limits};
	opt.limits.max_nodes = 100000;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	compose_project *p = NULL;
	vakt_error *err = NULL;
	const char *files[] = {path};
	(void)vakt_compose_load(files, 1, false, &opt, &a, &p, &err);
	vakt_error_free(err);
	vakt_arena_destroy(&a);
	return 0;
}
