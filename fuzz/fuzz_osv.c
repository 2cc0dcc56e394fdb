/* fuzz_osv.c - libFuzzer target: OSV records, JSON (an object or an array of them) when the
 * input starts with '{' or '[' after white space, YAML otherwise. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = fuzz_feed_skip_ws(data, size);
	fuzz_feed(i < size && (data[i] == '{' || data[i] == '[') ? VAKT_FEED_OSV_JSON : VAKT_FEED_OSV_YAML, data,
		  size);
	return 0;
}
