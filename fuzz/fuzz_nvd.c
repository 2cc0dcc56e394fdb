/* fuzz_nvd.c - libFuzzer target: an NVD CVE API 2.0 page or feed file. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(VAKT_FEED_NVD, data, size);
	return 0;
}
