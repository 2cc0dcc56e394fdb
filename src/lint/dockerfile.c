/* dockerfile.c - Dockerfile parser; see dockerfile.h. (Being written.) */
#include "lint/dockerfile.h"

int vakt_dockerfile_parse(const char *name, const char *data, size_t len, const df_options *opt,
			  vakt_arena *arena, df_file **ret, vakt_error **err)
{
	(void)data, (void)len, (void)opt, (void)arena, (void)ret;
	return vakt_error_set_at(err, VAKT_E_INVALID, name, 0, 0, "Dockerfile parser not built yet");
}

int vakt_dockerfile_target(const df_file *f, const char *target)
{
	(void)f, (void)target;
	return -1;
}

size_t vakt_dockerfile_stage_chain(const df_file *f, int target, int *chain, size_t max)
{
	(void)f, (void)target, (void)chain, (void)max;
	return 0;
}

const char *vakt_dockerfile_kind_name(df_kind k)
{
	(void)k;
	return "";
}
