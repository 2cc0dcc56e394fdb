/* fuzz_osvzip.c - libFuzzer target: an OSV all.zip (libarchive's streaming zip reader, then each
 * member as OSV JSON). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(VAKT_FEED_OSV_ZIP, data, size);
	return 0;
}
