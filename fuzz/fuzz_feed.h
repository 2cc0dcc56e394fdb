/* fuzz_feed.h - what the importer fuzz targets (fuzz_osv, fuzz_osvzip, fuzz_debian,
 * fuzz_alpine, fuzz_nvd) share: import the bytes as one feed kind and check the contract.
 * Every record handed on must keep the record contract (vakt_vrecord_valid); every record
 * reached the sink, a skip is always a warning, and an error always says why. */
#ifndef VAKT_FUZZ_FEED_H
#define VAKT_FUZZ_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "vuln/import.h"

typedef struct fuzz_seen {
	size_t records, warnings;
} fuzz_seen;

static inline int fuzz_feed_check(const vakt_vrecord *rec, const char *file, unsigned line, void *ud)
{
	(void)line;
	if (!file || !vakt_vrecord_valid(rec, NULL) || !rec->id[0])
		__builtin_trap();
	((fuzz_seen *)ud)->records++;
	return 0;
}

static inline void fuzz_feed_warned(const char *file, unsigned line, const char *msg, void *ud)
{
	(void)line;
	if (!file || !msg)
		__builtin_trap();
	((fuzz_seen *)ud)->warnings++;
}

static inline void fuzz_feed(vakt_feed kind, const uint8_t *data, size_t size)
{
	fuzz_seen s = {0};
	vakt_vimport im = {.sink = fuzz_feed_check, .warn = fuzz_feed_warned, .ud = &s};
	vakt_error *err = NULL;
	int r = vakt_vimport_buffer(&im, kind, "fuzz", (const char *)data, size, &err);
	if (s.records != im.records || im.skipped > im.warnings || s.warnings > im.warnings ||
	    (r < 0) != (err != NULL))
		__builtin_trap();
	vakt_error_free(err);
}

/* The index of the first byte that is not JSON white space. */
static inline size_t fuzz_feed_skip_ws(const uint8_t *data, size_t size)
{
	size_t i = 0;
	while (i < size && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r'))
		i++;
	return i;
}

#endif
