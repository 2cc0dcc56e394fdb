/* shell.c - shell word splitting; see shell.h. (Being written.) */
#include "lint/shell.h"

int vakt_shell_tokenize(const char *file, const sh_source *src, vakt_arena *a, sh_token **ret,
			size_t *ret_n, vakt_error **err)
{
	(void)src, (void)a, (void)ret, (void)ret_n;
	return vakt_error_set_at(err, VAKT_E_INVALID, file, 0, 0, "shell tokenizer not built yet");
}

void vakt_shell_commands(const sh_token *toks, size_t n, sh_command_fn fn, void *ud)
{
	(void)toks, (void)n, (void)fn, (void)ud;
}
