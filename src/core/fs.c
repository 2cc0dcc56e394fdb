/* fs.c - see fs.h. */
#include "core/fs.h"
#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH_MAX 64

int vakt_open_regular(int dirfd, const char *name, const char *display, vakt_error **err)
{
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below anyway */
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return vakt_error_set_at(err, VAKT_E_IO, display, 0, 0, "cannot open: %s",
					 strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return vakt_error_set_at(err, VAKT_E_IO, display, 0, 0, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return vakt_error_set_at(err, VAKT_E_IO, display, 0, 0, "not a regular file");
	}
	/* O_NONBLOCK stays set: it has no effect on reads of a regular file */
	return fd;
}

int vakt_read_all(int fd, const char *display, size_t max, char **ret, size_t *ret_len,
		  vakt_error **err)
{
	_cleanup_buf_ vakt_buf b = VAKT_BUF_INIT(max);
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vakt_error_set_at(err, VAKT_E_IO, display, 0, 0, "read error: %s",
						 strerror(errno));
		if (n == 0)
			break;
		if (vakt_buf_append(&b, chunk, (size_t)n) < 0)
		{
			char lim[32];
			return vakt_error_set_at(err, VAKT_E_LIMIT, display, 0, 0,
						 "input is larger than the %s limit",
						 vakt_size_str(max, lim, sizeof(lim)));
		}
	}
	*ret_len = b.len;
	*ret = vakt_buf_steal(&b);
	return 0;
}

char *vakt_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *vakt_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	if (la == 0 || strcmp(a, ".") == 0)
		return xstrdup(b);
	return xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

static bool file_exists_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
}

bool vakt_path_in_helm_templates(const char *path, char **ret_chart)
{
	_cleanup_free_ char *dir = vakt_dirname(path);
	/* look for ".../templates" among the ancestors, nearest first */
	for (int depth = 0; depth < WALK_DEPTH_MAX; depth++) {
		const char *base = strrchr(dir, '/');
		base = base ? base + 1 : dir;
		if (strcmp(base, "templates") == 0) {
			_cleanup_free_ char *chart = vakt_dirname(dir);
			_cleanup_free_ char *cy = vakt_path_join(chart, "Chart.yaml");
			if (file_exists_at(AT_FDCWD, cy)) {
				if (ret_chart)
					*ret_chart = TAKE_PTR(chart);
				return true;
			}
		}
		if (strcmp(dir, ".") == 0 || strcmp(dir, "/") == 0 || !strchr(dir, '/'))
			break;
		char *up = vakt_dirname(dir);
		free(dir);
		dir = up;
	}
	return false;
}

typedef struct walk_ctx {
	vakt_walk_filter filter;
	vakt_walk_fn fn;
	void (*on_error)(vakt_error *e, void *userdata);
	void *userdata;
} walk_ctx;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void report_walk_error(walk_ctx *c, const char *path, int e)
{
	vakt_error *err = NULL;
	vakt_error_set_at(&err, VAKT_E_IO, path, 0, 0, "cannot read directory: %s", strerror(e));
	if (c->on_error)
		c->on_error(err, c->userdata);
	vakt_error_free(err);
}

/* Walk directory fd (named path), whose entries are visited sorted. chart is the Helm
 * chart directory when this directory is inside its templates/. */
static int walk_dir(walk_ctx *c, int fd, const char *path, const char *chart, int depth)
{
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		report_walk_error(c, path, e);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool has_chart = false;
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		if (strcmp(de->d_name, "Chart.yaml") == 0)
			has_chart = true;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		/* d_type saves a stat per entry; it travels with the name through the sort,
		 * stored after the NUL */
		size_t len = strlen(de->d_name);
		names[n] = xmalloc(len + 2);
		memcpy(names[n], de->d_name, len + 1);
		names[n][len + 1] = (char)de->d_type;
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);

	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct stat st;
		_cleanup_free_ char *child = vakt_path_join(path, names[i]);
		unsigned char dt = (unsigned char)names[i][strlen(names[i]) + 1];
		/* never follow symlinks during a walk: no loops, no escapes from the tree */
		if (dt == DT_REG)
			st.st_mode = S_IFREG;
		else if (dt == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (dt == DT_LNK)
			continue;
		else if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= WALK_DEPTH_MAX) {
				vakt_error *e = NULL;
				vakt_error_set_at(&e, VAKT_E_LIMIT, child, 0, 0,
						  "directory nested deeper than %d levels: not read",
						  WALK_DEPTH_MAX);
				if (c->on_error)
					c->on_error(e, c->userdata);
				vakt_error_free(e);
				continue;
			}
			int sub = openat(dirfd(d), names[i],
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				report_walk_error(c, child, errno);
				continue;
			}
			const char *sub_chart = chart;
			if (!sub_chart && has_chart && strcmp(names[i], "templates") == 0)
				sub_chart = path;
			r = walk_dir(c, sub, child, sub_chart, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (c->filter && !c->filter(names[i], c->userdata))
				continue;
			vakt_walk_entry e = {
				.path = child,
				.dirfd = dirfd(d),
				.name = names[i],
				.helm_template = chart != NULL,
				.chart = chart,
			};
			r = c->fn(&e, c->userdata);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r < 0 ? r : 0;
}

int vakt_walk(const char *path, vakt_walk_filter filter, vakt_walk_fn fn,
	      void (*on_error)(vakt_error *e, void *userdata), void *userdata, vakt_error **err)
{
	walk_ctx c = {filter, fn, on_error, userdata};
	struct stat st;
	if (stat(path, &st) < 0)
		return vakt_error_set_at(err, VAKT_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return vakt_error_set_at(err, VAKT_E_IO, path, 0, 0, "cannot open: %s",
						 strerror(errno));
		/* strip trailing slashes so child paths read "dir/file" */
		_cleanup_free_ char *clean = xstrdup(path);
		size_t l = strlen(clean);
		while (l > 1 && clean[l - 1] == '/')
			clean[--l] = '\0';
		/* a directory that is itself inside templates/ (or is templates/) of a chart */
		_cleanup_free_ char *probe = vakt_path_join(clean, "probe.yaml");
		_cleanup_free_ char *chart = NULL;
		bool in_helm = vakt_path_in_helm_templates(probe, &chart);
		return walk_dir(&c, fd, clean, in_helm ? chart : NULL, 0);
	}
	char *chart = NULL;
	bool helm = vakt_path_in_helm_templates(path, &chart);
	vakt_walk_entry e = {
		.path = path,
		.dirfd = AT_FDCWD,
		.name = path,
		.explicit_ = true,
		.helm_template = helm,
		.chart = chart,
	};
	int r = fn(&e, userdata);
	free(chart);
	return r < 0 ? r : 0;
}
