/* config.c - see config.h. */
#include "core/config.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_BYTES ((size_t)1 << 20)

char *vakt_config_find(const char *start)
{
	char real[PATH_MAX];
	if (!realpath(start, real))
		return NULL;
	struct stat st;
	if (stat(real, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(real, '/');
		if (slash && slash != real)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
	}
	for (;;) {
		static const char *const names[] = {".vakt.yaml", ".vakt.yml"};
		for (size_t i = 0; i < 2; i++) {
			_cleanup_free_ char *p = vakt_path_join(real, names[i]);
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
				return TAKE_PTR(p);
		}
		char *slash = strrchr(real, '/');
		if (!slash || strcmp(real, "/") == 0)
			return NULL;
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

int vakt_config_load(const char *path, vakt_config **ret, vakt_error **err)
{
	_cleanup_close_ int fd = vakt_open_regular(AT_FDCWD, path, path, err);
	if (fd < 0)
		return fd;
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_file_bytes = CONFIG_MAX_BYTES;
	lim.max_doc_bytes = CONFIG_MAX_BYTES;
	vakt_config *c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	char real[PATH_MAX];
	if (realpath(path, real)) {
		c->dir = vakt_dirname(real);
	} else {
		c->dir = vakt_dirname(path);
	}
	int r = vakt_doc_stream_open_fd(fd, path, &lim, &c->stream, err);
	vakt_doc *doc = NULL;
	if (r >= 0)
		r = vakt_doc_stream_next(c->stream, &doc, err);
	if (r < 0) {
		vakt_config_free(c);
		return r;
	}
	if (r == 1 && doc->root) {
		if (doc->root->type != VAKT_NODE_MAP) {
			vakt_error_set_at(err, VAKT_E_USAGE, path, doc->root->line, doc->root->col,
					  "configuration must be a mapping");
			vakt_config_free(c);
			return VAKT_E_USAGE;
		}
		c->root = doc->root;
	}
	/* the stream stays open: the nodes live in its arena until the next document */
	*ret = c;
	return 0;
}

vakt_config *vakt_config_free(vakt_config *c)
{
	if (!c)
		return NULL;
	vakt_doc_stream_free(c->stream);
	free(c->path);
	free(c->dir);
	free(c);
	return NULL;
}
