/* severity.c - see severity.h. */
#include "core/severity.h"

#include <strings.h>

static const char *const names[VAKT_SEV_COUNT] = {
	[VAKT_SEV_INFO] = "INFO",     [VAKT_SEV_UNKNOWN] = "UNKNOWN", [VAKT_SEV_LOW] = "LOW",
	[VAKT_SEV_MEDIUM] = "MEDIUM", [VAKT_SEV_HIGH] = "HIGH",       [VAKT_SEV_CRITICAL] = "CRITICAL",
};

const char *vakt_severity_name(vakt_severity s)
{
	return (unsigned)s < VAKT_SEV_COUNT ? names[s] : "UNKNOWN";
}

bool vakt_severity_parse(const char *s, vakt_severity *ret)
{
	for (unsigned i = 0; i < VAKT_SEV_COUNT; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*ret = (vakt_severity)i;
			return true;
		}
	}
	return false;
}
