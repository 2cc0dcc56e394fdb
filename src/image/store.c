/* store.c - files of an image layout or archive: a directory, or an indexed tar. */
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/xalloc.h"
#include "image/tar.h"

#define MAX_LINK_HOPS 16

typedef struct member {
	char *name;       /* cleaned path inside the archive */
	char *link;       /* symlink target or hardlink name (cleaned for hardlinks), or NULL */
	vakt_tar_type type;
	uint64_t off, size; /* body in the archive file */
	char *data;         /* a streamed store: the content kept in memory, or NULL */
	void *tag;          /* a streamed store: the caller's record of the member */
	struct member *hnext;
	struct member *next; /* archive order */
} member;

struct vakt_store {
	char *display;
	int fd;    /* directory fd, or the archive file */
	bool dir;
	member **tab;
	size_t tabsize, n;
	member *first, *last;
	int *fds; /* files opened below a directory store */
	size_t nfds, capfds;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static member *member_get(const vakt_store *s, const char *name)
{
	if (!s->tabsize)
		return NULL;
	for (member *m = s->tab[str_hash(name) & (s->tabsize - 1)]; m; m = m->hnext)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

static void member_put(vakt_store *s, member *m)
{
	member *old = member_get(s, m->name);
	if (old) {
		/* A later member of the same name replaces the earlier, as extraction would. */
		free(old->link);
		free(old->data);
		old->link = m->link;
		old->type = m->type;
		old->off = m->off;
		old->size = m->size;
		old->data = m->data;
		old->tag = m->tag;
		free(m->name);
		free(m);
		return;
	}
	if (s->n + 1 > s->tabsize / 2) {
		size_t nsize = s->tabsize ? s->tabsize * 2 : 256;
		member **ntab = xcalloc(nsize, sizeof(*ntab));
		for (member *e = s->first; e; e = e->next) {
			size_t i = str_hash(e->name) & (nsize - 1);
			e->hnext = ntab[i];
			ntab[i] = e;
		}
		free(s->tab);
		s->tab = ntab;
		s->tabsize = nsize;
	}
	size_t i = str_hash(m->name) & (s->tabsize - 1);
	m->hnext = s->tab[i];
	s->tab[i] = m;
	if (s->last)
		s->last->next = m;
	else
		s->first = m;
	s->last = m;
	s->n++;
}

/* Join a symlink target to the directory of the member holding it and clean the result;
 * ".." above the archive root stays at the root. */
static char *link_join(const char *name, const char *target)
{
	char buf[2 * VAKT_TAR_MAX_PATH + 2], out[2 * VAKT_TAR_MAX_PATH + 2];
	const char *slash = strrchr(name, '/');
	size_t dl = (target[0] == '/' || !slash) ? 0 : (size_t)(slash - name);
	if (dl + strlen(target) + 2 > sizeof(buf))
		return NULL;
	memcpy(buf, name, dl);
	buf[dl] = '/';
	strcpy(buf + dl + 1, target);
	/* clean with ".." resolved lexically, clamped at the root */
	size_t o = 0;
	const char *p = buf;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		if (cl == 0)
			break;
		if (cl == 1 && p[0] == '.') {
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, cl);
			o += cl;
		}
		p = e;
	}
	out[o] = '\0';
	return xstrdup(out);
}

/* Follow links from name to a regular member; NULL if absent, a loop, or not a file. */
static const member *resolve(const vakt_store *s, const char *name)
{
	const member *m = member_get(s, name);
	char *cur = NULL;
	for (int hops = 0; m && hops < MAX_LINK_HOPS; hops++) {
		if (m->type == VAKT_TAR_REG) {
			free(cur);
			return m;
		}
		if (m->type == VAKT_TAR_HARDLINK) {
			m = member_get(s, m->link);
			continue;
		}
		if (m->type != VAKT_TAR_SYMLINK)
			break;
		char *next = link_join(m->name, m->link);
		free(cur);
		cur = next;
		m = cur ? member_get(s, cur) : NULL;
	}
	free(cur);
	return NULL;
}

int vakt_store_add(vakt_store *s, const vakt_tar_entry *e, char *data, void *tag, vakt_error **err)
{
	char clean[VAKT_TAR_MAX_PATH + 1];
	if (s->n >= VAKT_STORE_MAX_ENTRIES) {
		free(data);
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: more than %u members", s->display,
				      (unsigned)VAKT_STORE_MAX_ENTRIES);
	}
	unsigned fl = vakt_tar_clean_path(e->path, clean, sizeof(clean));
	/* ".." and the root itself are never addressable: manifests name members by plain
	 * paths. Directories and devices are not files of the layout. */
	if ((fl & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY)) ||
	    (e->type != VAKT_TAR_REG && e->type != VAKT_TAR_SYMLINK && e->type != VAKT_TAR_HARDLINK)) {
		free(data);
		return 0;
	}
	member *m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(clean);
	m->type = e->type;
	m->off = e->body_offset;
	m->size = e->size;
	m->data = e->type == VAKT_TAR_REG ? data : (free(data), NULL);
	m->tag = tag;
	if (e->type == VAKT_TAR_HARDLINK) {
		char lc[VAKT_TAR_MAX_PATH + 1];
		vakt_tar_clean_path(e->link, lc, sizeof(lc));
		m->link = xstrdup(lc);
	} else if (e->type == VAKT_TAR_SYMLINK) {
		m->link = xstrdup(e->link);
	}
	member_put(s, m);
	return 0;
}

vakt_store *vakt_store_new_streamed(const char *display)
{
	vakt_store *s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->display = xstrdup(display);
	return s;
}

void *vakt_store_tag(const vakt_store *s, const char *name)
{
	const member *m = s->dir ? NULL : resolve(s, name);
	return m ? m->tag : NULL;
}

static int index_tar(vakt_store *s, vakt_error **err)
{
	struct stat st;
	if (fstat(s->fd, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", s->display, strerror(errno));
	_cleanup_src_ vakt_src *src = vakt_src_file_window(s->fd, 0, (uint64_t)st.st_size, s->display);
	vakt_tar *t = vakt_tar_new(src);
	const vakt_tar_entry *e;
	int r;
	while ((r = vakt_tar_next(t, &e, err)) > 0) {
		r = vakt_store_add(s, e, NULL, NULL, err);
		if (r < 0)
			break;
	}
	vakt_tar_free(t);
	if (r < 0)
		return vakt_error_wrap(err, "reading the archive");
	return 0;
}

int vakt_store_open(const char *path, const char *display, vakt_store **ret, vakt_error **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return vakt_error_set(err, errno == ENOENT ? VAKT_E_NOTFOUND : VAKT_E_IO, "%s: %s",
				      display, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", display, strerror(e));
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		close(fd);
		return vakt_error_set(err, VAKT_E_INVALID,
				      "%s: not a directory or a regular file (for a pipe, use - and stdin)",
				      display);
	}
	/* Regular files only from here on: the non-blocking flag is harmless for them. */
	vakt_store *s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->dir = S_ISDIR(st.st_mode);
	s->display = xstrdup(display);
	if (!s->dir) {
		int r = index_tar(s, err);
		if (r < 0) {
			vakt_store_free(s);
			return r;
		}
	}
	*ret = s;
	return 0;
}

vakt_store *vakt_store_free(vakt_store *s)
{
	if (!s)
		return NULL;
	member *m = s->first;
	while (m) {
		member *next = m->next;
		free(m->name);
		free(m->link);
		free(m->data);
		free(m);
		m = next;
	}
	free(s->tab);
	for (size_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	if (s->fd >= 0)
		close(s->fd);
	free(s->display);
	free(s);
	return NULL;
}

bool vakt_store_is_dir(const vakt_store *s)
{
	return s->dir;
}

/* Open name below the directory store, one component at a time with O_NOFOLLOW, so
 * neither a symbolic link in the layout nor ".." leads outside it. */
static int dir_open(const vakt_store *s, const char *name, vakt_error **err)
{
	char buf[VAKT_TAR_MAX_PATH + 1];
	unsigned fl = vakt_tar_clean_path(name, buf, sizeof(buf));
	if (fl & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY | VAKT_PATH_ABSOLUTE))
		return vakt_error_set(err, VAKT_E_INVALID, "%s: refusing the path %s", s->display, name);
	int dfd = s->fd;
	_cleanup_close_ int owned = -1;
	char *p = buf;
	for (;;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (slash ? O_DIRECTORY : O_NONBLOCK);
		int fd = openat(dfd, p, flags);
		if (fd < 0) {
			int e = errno;
			if (slash)
				*slash = '/';
			return vakt_error_set(err, e == ENOENT || e == ENOTDIR ? VAKT_E_NOTFOUND : VAKT_E_IO,
					      "%s: %s: %s", s->display, name,
					      e == ELOOP ? "is a symbolic link" : strerror(e));
		}
		if (!slash) {
			struct stat st;
			if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
				close(fd);
				return vakt_error_set(err, VAKT_E_INVALID, "%s: %s: not a regular file",
						      s->display, name);
			}
			return fd;
		}
		if (owned >= 0)
			close(owned);
		owned = fd;
		dfd = fd;
		p = slash + 1;
	}
}

bool vakt_store_has(const vakt_store *s, const char *name)
{
	if (!s->dir)
		return resolve(s, name) != NULL;
	int fd = dir_open(s, name, NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int vakt_store_open_file(vakt_store *s, const char *name, vakt_src **ret, uint64_t *ret_size,
			 vakt_error **err)
{
	if (s->dir) {
		int fd = dir_open(s, name, err);
		if (fd < 0)
			return fd;
		struct stat st;
		if (fstat(fd, &st) < 0) {
			int e = errno;
			close(fd);
			return vakt_error_set(err, VAKT_E_IO, "%s: %s: %s", s->display, name, strerror(e));
		}
		char *label = xasprintf("%s: %s", s->display, name);
		/* Sources do not own fds: the store keeps them until it is freed. */
		if (s->nfds == s->capfds) {
			s->capfds = s->capfds ? s->capfds * 2 : 16;
			s->fds = xreallocarray(s->fds, s->capfds, sizeof(*s->fds));
		}
		s->fds[s->nfds++] = fd;
		vakt_src *src = vakt_src_file_window(fd, 0, (uint64_t)st.st_size, label);
		free(label);
		*ret = src;
		if (ret_size)
			*ret_size = (uint64_t)st.st_size;
		return 0;
	}
	const member *m = resolve(s, name);
	if (!m)
		return vakt_error_set(err, VAKT_E_NOTFOUND, "%s: no member %s", s->display, name);
	if (s->fd < 0 && !m->data)
		return vakt_error_set(err, VAKT_E_INVALID,
				      "%s: %s went by in the stream without being kept (it does not look like JSON)",
				      s->display, name);
	char *label = xasprintf("%s: %s", s->display, name);
	*ret = s->fd < 0 ? vakt_src_mem(m->data, (size_t)m->size, label)
			 : vakt_src_file_window(s->fd, m->off, m->size, label);
	free(label);
	if (ret_size)
		*ret_size = m->size;
	return 0;
}

int vakt_store_read(vakt_store *s, const char *name, size_t max, char **ret, size_t *ret_len,
		    vakt_error **err)
{
	vakt_src *src = NULL;
	uint64_t size = 0;
	int r = vakt_store_open_file(s, name, &src, &size, err);
	if (r < 0)
		return r;
	if (size > max) {
		char lim[32];
		vakt_src_free(src);
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: %s is larger than %s", s->display, name,
				      vakt_size_str(max, lim, sizeof(lim)));
	}
	char *buf = xmalloc((size_t)size + 1);
	r = vakt_src_read_full(src, buf, (size_t)size, err);
	vakt_src_free(src);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[size] = '\0';
	*ret = buf;
	*ret_len = (size_t)size;
	return 0;
}

char *vakt_blob_path(const char *digest)
{
	const char *colon = strchr(digest, ':');
	if (!colon)
		return NULL;
	size_t al = (size_t)(colon - digest), hl = strlen(colon + 1);
	size_t want;
	if (al == 6 && memcmp(digest, "sha256", 6) == 0)
		want = 64;
	else if (al == 6 && memcmp(digest, "sha512", 6) == 0)
		want = 128;
	else
		return NULL;
	if (hl != want)
		return NULL;
	for (const char *p = colon + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return NULL;
	return xasprintf("blobs/%.*s/%s", (int)al, digest, colon + 1);
}

void vakt_store_names(const vakt_store *s, vakt_store_name_fn fn, void *ud)
{
	for (const member *m = s->first; m; m = m->next)
		fn(m->name, ud);
}
