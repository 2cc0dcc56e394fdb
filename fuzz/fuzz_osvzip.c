/* fuzz_osvzip.c - libFuzzer target: an OSV all.zip (libarchive's streaming zip reader, then each
 * member as OSV JSON). Every record handed on must keep the record contract (vakt_vrecord_valid),
 * and the counters must agree. */
#include <stddef.h>
#include <stdint.h>

#include "vuln/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct seen {
	size_t records, warnings;
} seen;

static int check(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	(void)line;
	if (!file || !vakt_vrecord_valid(rec, NULL) || !rec->id[0])
		__builtin_trap();
	((seen *)ud)->records++;
	return 0;
}

static void warned(const char *file, unsigned line, const char *msg, void *ud)
{
	(void)line;
	if (!file || !msg)
		__builtin_trap();
	((seen *)ud)->warnings++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vakt_feed kind = VAKT_FEED_OSV_ZIP;
	seen s = {0};
	vakt_vimport im = {.sink = check, .warn = warned, .ud = &s};
	vakt_error *err = NULL;
	int r = vakt_vimport_buffer(&im, kind, "fuzz", (const char *)data, size, &err);
	/* the counters: every record reached the sink; a skip is always a warning; an error
	 * always says why */
	if (s.records != im.records || im.skipped > im.warnings || s.warnings > im.warnings ||
	    (r < 0) != (err != NULL))
		__builtin_trap();
	vakt_error_free(err);
	return 0;
}
