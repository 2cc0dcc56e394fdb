/* stream.c - images arriving on stdin. */
#include "image/scan.h"

int scan_stream(scan *s, int fd, const vakt_platform *plat, vakt_error **err)
{
	(void)s, (void)fd, (void)plat;
	return vakt_error_set(err, VAKT_E_USAGE, "reading an image from stdin is not supported yet");
}
