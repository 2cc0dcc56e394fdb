/* fuzz_debian.c - libFuzzer target: the Debian security tracker's JSON (package -> CVE ->
 * releases). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(VAKT_FEED_DEBIAN, data, size);
	return 0;
}
