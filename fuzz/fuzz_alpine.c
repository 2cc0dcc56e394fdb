/* fuzz_alpine.c - libFuzzer target: Alpine secdb, JSON when the input starts with '{' after white
 * space, YAML otherwise. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = fuzz_feed_skip_ws(data, size);
	fuzz_feed(i < size && data[i] == '{' ? VAKT_FEED_ALPINE_JSON : VAKT_FEED_ALPINE_YAML, data, size);
	return 0;
}
