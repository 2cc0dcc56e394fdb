/* dockerrun.c - docker run lines; see dockerrun.h. (Being written.) */
#include "lint/dockerrun.h"

bool vakt_dockerrun_is_run(const sh_token *words, size_t n, size_t *ret_skip)
{
	(void)words, (void)n, (void)ret_skip;
	return false;
}

int vakt_dockerrun_parse(const char *file, const sh_token *words, size_t n, vakt_arena *a,
			 vakt_ctr *ret, vakt_error **err)
{
	(void)words, (void)n, (void)a, (void)ret;
	return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "docker run parser not built yet");
}

int vakt_scripts_scan(vakt_script_kind kind, const char *file, const char *data, size_t len,
		      vakt_arena *a, vakt_run_fn fn, void (*on_error)(vakt_error *e, void *ud),
		      void *ud, vakt_error **err)
{
	(void)kind, (void)data, (void)len, (void)a, (void)fn, (void)on_error, (void)ud;
	return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "script scanner not built yet");
}
