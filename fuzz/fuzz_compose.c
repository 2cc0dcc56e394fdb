/* fuzz_compose.c - libFuzzer target for the compose model: the input is written to a
 * temporary project and loaded (interpolation, extends, merging, the typed model).
 *
 * The input is split at lines that are exactly "#---" into up to four files:
 * compose.yaml, compose.override.yaml (merged automatically), other.yml (for extends: {file:
 * other.yml}) and .env. A part that is absent removes that file, so runs do not leak into
 * each other. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint/compose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"compose.yaml", "compose.override.yaml", "other.yml", ".env"};
#define NPARTS (sizeof(names) / sizeof(names[0]))

static void write_part(const char *dir, const char *name, const uint8_t *p, size_t n, bool have)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!have) {
		unlink(path);
		return;
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(p, 1, n, f);
	fclose(f);
}

static char dir[64];

/* The scratch directory goes when the process does (CTest replays run it once each). */
static void remove_dir(void)
{
	for (size_t i = 0; i < NPARTS; i++) {
		char p[160];
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/vakt-fuzz-compose-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
		snprintf(path, sizeof(path), "%s/compose.yaml", dir);
	}
	const uint8_t *part = data, *end = data + size;
	size_t nparts = 0;
	for (const uint8_t *l = data; l < end && nparts + 1 < NPARTS;) {
		const uint8_t *nl = memchr(l, '\n', (size_t)(end - l));
		const uint8_t *le = nl ? nl : end;
		if (le - l == 4 && memcmp(l, "#---", 4) == 0) {
			write_part(dir, names[nparts++], part, (size_t)(l - part), true);
			part = nl ? nl + 1 : end;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	write_part(dir, names[nparts++], part, (size_t)(end - part), true);
	for (size_t i = nparts; i < NPARTS; i++)
		write_part(dir, names[i], NULL, 0, false);
	static const char *const env[] = {"TAG=1.0", "HOST=0.0.0.0", "EMPTY=", NULL};
	compose_options opt = {
		.environ = env, .no_env_file = nparts < NPARTS, .limits = vakt_doc_default_limits};
	opt.limits.max_nodes = 100000;
	opt.limits.max_doc_bytes = 1 << 20;
	vakt_arena a;
	vakt_arena_init(&a, 0);
	compose_project *proj = NULL;
	vakt_error *err = NULL;
	const char *files[] = {path};
	(void)vakt_compose_load(files, 1, true, &opt, &a, &proj, &err);
	vakt_error_free(err);
	vakt_arena_destroy(&a);
	return 0;
}
