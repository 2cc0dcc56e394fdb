/* compose.c - docker-compose projects; see compose.h. (Being written.) */
#include "lint/compose.h"

bool vakt_compose_is_compose_name(const char *name)
{
	(void)name;
	return false;
}

bool vakt_compose_is_override_name(const char *name)
{
	(void)name;
	return false;
}

int vakt_compose_load(const char *const *files, size_t nfiles, bool add_override,
		      const compose_options *opt, vakt_arena *a, compose_project **ret,
		      vakt_error **err)
{
	(void)nfiles, (void)add_override, (void)opt, (void)a, (void)ret;
	return vakt_error_set_at(err, VAKT_E_INVALID, files[0], 0, 0, "compose loader not built yet");
}
