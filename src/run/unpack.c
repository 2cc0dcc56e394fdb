/* unpack.c - apply an image's layers into a cached rootfs directory (see unpack.h).
 *
 * Order of the work: resolve the image and read its config (the cache key); reuse the
 * entry if it exists; else make a private temporary directory, stream each layer through
 * the decompressor and a SHA-256 (checked against the config's diff ID) into the tar
 * reader, apply each entry, and rename the directory into place.
 */
#include "run/unpack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "image/manifest.h"
#include "image/source.h"
#include "image/store.h"
#include "image/tar.h"

#define DEFAULT_ID_BASE 1000000000u
#define ID_COUNT 65536u
#define MAX_PASSWD (4u << 20)

/* ---- references -------------------------------------------------------------------- */

static bool path_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

bool vakt_unpack_is_image(const char *source)
{
	struct stat st;
	if (stat(source, &st) < 0 || !S_ISDIR(st.st_mode))
		return true;
	static const char *const marks[] = {"index.json", "manifest.json", "oci-layout", "repositories"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(marks); i++) {
		_cleanup_free_ char *p = vakt_path_join(source, marks[i]);
		if (path_exists(p))
			return true;
	}
	return false;
}

unsigned vakt_unpack_id_base(const char *file)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	if (!f)
		return DEFAULT_ID_BASE;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned b, n;
		if (strncmp(line, "vakt:", 5) == 0 && sscanf(line + 5, "%u:%u", &b, &n) == 2 && n >= ID_COUNT)
			return b;
	}
	return DEFAULT_ID_BASE;
}

/* ---- paths inside the root ------------------------------------------------------------- */

/* Open path (clean, relative) below root_fd as a directory, every symlink on the way
 * resolved as if root_fd were "/" and magic links (/proc/self/...) refused: whatever an
 * earlier layer stored, the result is inside the rootfs. "" is the root itself. Returns
 * the fd or -errno. */
static int open_dir_in_root(int root_fd, const char *path)
{
	if (!*path)
		path = ".";
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* As open_dir_in_root, creating missing directories (0755, owned by the container's
 * root) the way docker does for a layer that names a file before its directory. Each
 * step is created relative to its resolved parent, so it lands inside the rootfs too. */
static int open_dir_in_root_p(int root_fd, const char *path, uid_t uid, gid_t gid, bool chown_ok)
{
	int fd = open_dir_in_root(root_fd, path);
	if (fd != -ENOENT)
		return fd;
	size_t len = strlen(path);
	_cleanup_free_ char *buf = xstrdup(path);
	_cleanup_close_ int cur = open_dir_in_root(root_fd, "");
	if (cur < 0)
		return cur;
	for (size_t i = 0; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		const char *name = strrchr(buf, '/');
		name = name ? name + 1 : buf;
		if (mkdirat(cur, name, 0755) == 0) {
			if (chown_ok && fchownat(cur, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		int next = open_dir_in_root(root_fd, buf);
		if (next < 0)
			return next;
		close(cur);
		cur = next;
		if (i < len)
			buf[i] = '/';
	}
	return TAKE_FD(cur);
}

/* Remove name below dir_fd and, for a directory, everything in it; never follows a
 * symlink (unlinkat removes the link, subdirectories are opened with O_NOFOLLOW).
 * keep (may be NULL): when it returns true for a path below prefix, that entry (and, for
 * a directory, the entry itself) stays and only its unkept content goes: how an opaque
 * directory drops lower layers but keeps what its own layer added. 0 or -errno. */
typedef bool (*keep_fn)(const char *path, void *ud);
static int remove_tree(int dir_fd, const char *name, const char *path, keep_fn keep, void *ud, int depth)
{
	bool kept = keep && path && keep(path, ud);
	if (!kept && unlinkat(dir_fd, name, 0) == 0)
		return 0;
	if (!kept && errno != EISDIR && errno != EPERM)
		return errno == ENOENT ? 0 : -errno;
	if (depth > 512)
		return -ELOOP;
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kept && (errno == ENOTDIR || errno == ELOOP) ? 0 : -errno;
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_free_ char *sub = path ? (*path ? xasprintf("%s/%s", path, de->d_name) : xstrdup(de->d_name)) : NULL;
		r = remove_tree(dirfd(d), de->d_name, sub, keep, ud, depth + 1);
	}
	if (r == 0 && !kept && unlinkat(dir_fd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

/* ---- the set of paths a layer wrote ------------------------------------------------------ */

typedef struct path_set {
	char **slot;
	size_t cap, n;
} path_set;

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool set_has(const path_set *s, const char *p)
{
	if (!s->cap)
		return false;
	for (size_t i = hash_str(p) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return false;
		if (strcmp(s->slot[i], p) == 0)
			return true;
	}
}

static void set_add(path_set *s, const char *p)
{
	if (set_has(s, p))
		return;
	if ((s->n + 1) * 2 > s->cap) {
		path_set g = {xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(char *)), s->cap ? s->cap * 2 : 1024, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i]) {
				size_t j = hash_str(s->slot[i]) & (g.cap - 1);
				while (g.slot[j])
					j = (j + 1) & (g.cap - 1);
				g.slot[j] = s->slot[i];
				g.n++;
			}
		free(s->slot);
		*s = g;
	}
	size_t j = hash_str(p) & (s->cap - 1);
	while (s->slot[j])
		j = (j + 1) & (s->cap - 1);
	s->slot[j] = xstrdup(p);
	s->n++;
}

static void set_clear(path_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	*s = (path_set){0};
}

static bool keep_in_set(const char *path, void *ud)
{
	return set_has(ud, path);
}

/* ---- applying a layer ---------------------------------------------------------------- */

typedef struct unpacker {
	const vakt_unpack_options *opt;
	int root_fd;
	bool chown;          /* running as root: give entries their container owners */
	bool warned_special; /* devices and FIFOs: one warning per image */
	path_set layer_paths;
	const char *where;   /* "layer 2 (sha256:ab12...)" */
} unpacker;

static void uwarn(unpacker *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void uwarn(unpacker *u, const char *fmt, ...)
{
	if (!u->opt->warn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	u->opt->warn(msg, u->opt->ud);
}

static uid_t map_uid(const unpacker *u, uint64_t id)
{
	return (uid_t)(u->opt->uid_base + (id < ID_COUNT ? (unsigned)id : ID_COUNT - 2));
}

static gid_t map_gid(const unpacker *u, uint64_t id)
{
	return (gid_t)(u->opt->gid_base + (id < ID_COUNT ? (unsigned)id : ID_COUNT - 2));
}

/* Owner first, mode second: chown clears the set-id bits, which are kept on purpose
 * (no_new_privs keeps them from raising privileges in the container). */
static int set_owner_mode(unpacker *u, int fd, const vakt_tar_entry *e, bool dir)
{
	if (u->chown && fchown(fd, map_uid(u, e->uid), map_gid(u, e->gid)) < 0)
		return -errno;
	mode_t mode = e->mode & 07777;
	if (dir && !u->chown)
		mode |= 0700; /* rootless: the caller must still be able to write into it */
	return fchmod(fd, mode) < 0 ? -errno : 0;
}

static int copy_body(unpacker *u, vakt_tar *t, int fd, const char *path, vakt_error **err)
{
	static char buf[1 << 16];
	for (;;) {
		size_t got = 0;
		int r = vakt_tar_read(t, buf, sizeof(buf), &got, err);
		if (r < 0)
			return r;
		if (!got)
			return 0;
		for (size_t off = 0; off < got;) {
			ssize_t w = write(fd, buf + off, got - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return vakt_error_set(err, VAKT_E_IO, "%s: writing %s: %s", u->where, path, strerror(errno));
			off += (size_t)w;
		}
	}
}

/* Apply one entry. The parent is resolved inside the root; the entry itself is created
 * relative to it and never followed: O_CREAT|O_EXCL|O_NOFOLLOW, symlinkat, mkdirat,
 * linkat without AT_SYMLINK_FOLLOW, and whatever stood at the name before is removed
 * first (unlinkat removes a symlink, not its target). */
static int apply_entry(unpacker *u, vakt_tar *t, const vakt_tar_entry *e, vakt_error **err)
{
	char path[VAKT_TAR_MAX_PATH + 1];
	unsigned fl = vakt_tar_clean_path(e->path, path, sizeof(path));
	if (fl & VAKT_PATH_DOTDOT)
		return vakt_error_set(err, VAKT_E_INVALID, "%s: the entry \"%s\" has a \"..\" component", u->where,
				      e->path);
	if (e->type == VAKT_TAR_CHR || e->type == VAKT_TAR_BLK || e->type == VAKT_TAR_FIFO ||
	    e->type == VAKT_TAR_OTHER) {
		if (!u->warned_special)
			uwarn(u, "%s: device nodes, FIFOs and unknown entry types are not created (first: %s)",
			      u->where, e->path);
		u->warned_special = true;
		return 0;
	}
	if (fl & VAKT_PATH_EMPTY) {
		/* the root directory itself: only its owner and mode */
		if (e->type != VAKT_TAR_DIR)
			return 0;
		int r = set_owner_mode(u, u->root_fd, e, true);
		return r < 0 ? vakt_error_set(err, VAKT_E_IO, "%s: the root directory: %s", u->where, strerror(-r)) : 0;
	}
	char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char parent[VAKT_TAR_MAX_PATH + 1];
	size_t plen = slash ? (size_t)(slash - path) : 0;
	memcpy(parent, path, plen);
	parent[plen] = '\0';
	_cleanup_close_ int pfd = open_dir_in_root_p(u->root_fd, parent, map_uid(u, 0), map_gid(u, 0), u->chown);
	if (pfd < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s: the directory %s: %s", u->where, e->path,
				      parent, strerror(-pfd));

	/* whiteouts: what lower layers put there goes, what this layer put there stays */
	if (strncmp(name, ".wh.", 4) == 0) {
		int r = 0;
		if (strcmp(name, ".wh..wh..opq") == 0) {
			DIR *d = fdopendir(dup(pfd));
			if (!d)
				return vakt_error_set(err, VAKT_E_IO, "%s: %s: %s", u->where, e->path, strerror(errno));
			struct dirent *de;
			while (r == 0 && (de = readdir(d))) {
				if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
					continue;
				_cleanup_free_ char *sub = *parent ? xasprintf("%s/%s", parent, de->d_name) : xstrdup(de->d_name);
				r = remove_tree(dirfd(d), de->d_name, sub, keep_in_set, &u->layer_paths, 0);
			}
			closedir(d);
		} else {
			_cleanup_free_ char *victim = *parent ? xasprintf("%s/%s", parent, name + 4) : xstrdup(name + 4);
			if (!name[4] || strchr(name + 4, '/'))
				return 0;
			if (!set_has(&u->layer_paths, victim))
				r = remove_tree(pfd, name + 4, NULL, NULL, NULL, 0);
		}
		return r < 0 ? vakt_error_set(err, VAKT_E_IO, "%s: whiteout %s: %s", u->where, e->path, strerror(-r)) : 0;
	}
	/* this layer's: the entry and the directories above it (created or not) */
	set_add(&u->layer_paths, path);
	for (char *c = strchr(path, '/'); c; c = strchr(c + 1, '/')) {
		*c = '\0';
		set_add(&u->layer_paths, path);
		*c = '/';
	}

	struct stat st;
	bool exists = fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !(e->type == VAKT_TAR_DIR && S_ISDIR(st.st_mode))) {
		int r = remove_tree(pfd, name, NULL, NULL, NULL, 0);
		if (r < 0)
			return vakt_error_set(err, VAKT_E_IO, "%s: replacing %s: %s", u->where, e->path, strerror(-r));
	}
	int r = 0;
	switch (e->type) {
	case VAKT_TAR_DIR: {
		if (!(exists && S_ISDIR(st.st_mode)) && mkdirat(pfd, name, 0700) < 0) {
			r = -errno;
			break;
		}
		_cleanup_close_ int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : set_owner_mode(u, fd, e, true);
		break;
	}
	case VAKT_TAR_REG: {
		_cleanup_close_ int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			r = -errno;
			break;
		}
		int cr = copy_body(u, t, fd, e->path, err);
		if (cr < 0)
			return cr;
		r = set_owner_mode(u, fd, e, false);
		break;
	}
	case VAKT_TAR_SYMLINK:
		/* stored as it is; resolved only later, inside the container or by
		 * open_dir_in_root, both confined to the rootfs */
		if (symlinkat(e->link, pfd, name) < 0)
			r = -errno;
		else if (u->chown && fchownat(pfd, name, map_uid(u, e->uid), map_gid(u, e->gid), AT_SYMLINK_NOFOLLOW) < 0)
			r = -errno;
		break;
	case VAKT_TAR_HARDLINK: {
		char target[VAKT_TAR_MAX_PATH + 1];
		unsigned tf = vakt_tar_clean_path(e->link, target, sizeof(target));
		if (tf & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY))
			return vakt_error_set(err, VAKT_E_INVALID, "%s: the hard link %s names \"%s\"", u->where,
					      e->path, e->link);
		char *ts = strrchr(target, '/');
		const char *tname = ts ? ts + 1 : target;
		if (ts)
			*ts = '\0';
		/* the target's directory resolved inside the root, its last component not
		 * followed (flags 0): a link to a symlink links the symlink itself */
		_cleanup_close_ int tfd = open_dir_in_root(u->root_fd, ts ? target : "");
		if (tfd < 0)
			r = tfd;
		else if (linkat(tfd, tname, pfd, name, 0) < 0)
			r = -errno;
		break;
	}
	default:
		break;
	}
	if (r < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s: %s", u->where, e->path, strerror(-r));
	return 0;
}

/* Stream one layer: decompress (within the budget), hash, and apply entry by entry;
 * then check the hash against the diff ID from the config. */
static int apply_layer(unpacker *u, vakt_src *raw, vakt_src_budget *budget, const char *diff_id,
		       vakt_error **err)
{
	vakt_src *top = NULL;
	int r = vakt_src_decompress(raw, budget, &top, NULL, err);
	if (r < 0)
		return vakt_error_wrap(err, "%s", u->where);
	_cleanup_src_ vakt_src *dig = vakt_src_digest(top);
	vakt_tar *t = vakt_tar_new(dig);
	const vakt_tar_entry *e;
	while ((r = vakt_tar_next(t, &e, err)) == 1)
		if ((r = apply_entry(u, t, e, err)) < 0)
			break;
	if (r == 0 && vakt_tar_truncated(t))
		uwarn(u, "%s: the tar has no end-of-archive marker", u->where);
	vakt_tar_free(t);
	set_clear(&u->layer_paths);
	if (r < 0)
		return r;
	char got[72];
	if ((r = vakt_src_skip_to_end(dig, NULL, err)) < 0 || (r = vakt_src_digest_final(dig, got, err)) < 0)
		return vakt_error_wrap(err, "%s", u->where);
	if (strcmp(got, diff_id) != 0)
		return vakt_error_set(err, VAKT_E_INVALID, "%s: the uncompressed layer is %s, the config says %s",
				      u->where, got, diff_id);
	return 0;
}

/* ---- the cache --------------------------------------------------------------------- */

static char *default_cache_root(void)
{
	if (geteuid() == 0)
		return xstrdup("/var/lib/vakt");
	const char *x = getenv("XDG_DATA_HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/vakt", x);
	const char *h = getenv("HOME");
	return xasprintf("%s/.local/share/vakt", h && *h ? h : "/");
}

/* mkdir -p path with mode for what is created; then refuse a cache directory that
 * someone else owns or can write to (they could swap an entry under us). */
static int make_cache_dir(const char *path, mode_t mode, vakt_error **err)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return vakt_error_set(err, VAKT_E_IO, "creating %s: %s", p, strerror(errno));
			*s = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (lstat(path, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return vakt_error_set(err, VAKT_E_IO,
				      "%s: the image cache must be a directory owned by this user and writable by no one else",
				      path);
	return 0;
}

static int sha256_hex(const char *data, size_t len, char out[72], vakt_error **err)
{
	_cleanup_src_ vakt_src *s = vakt_src_digest(vakt_src_mem(data, len, "config"));
	int r = vakt_src_skip_to_end(s, NULL, err);
	return r < 0 ? r : vakt_src_digest_final(s, out, err);
}

/* Build the rootfs of plan into tmp_root (a fresh directory). */
static int extract(const vakt_unpack_options *opt, vakt_store *st, const vakt_plan *plan,
		   const vakt_image *img, int tmp_fd, vakt_error **err)
{
	if (mkdirat(tmp_fd, "rootfs", 0755) < 0)
		return vakt_error_set(err, VAKT_E_IO, "creating the rootfs: %s", strerror(errno));
	_cleanup_close_ int root_fd = openat(tmp_fd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root_fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "opening the rootfs: %s", strerror(errno));
	unpacker u = {.opt = opt, .root_fd = root_fd, .chown = geteuid() == 0};
	if (u.chown && fchown(root_fd, map_uid(&u, 0), map_gid(&u, 0)) < 0)
		return vakt_error_set(err, VAKT_E_IO, "chown of the rootfs: %s", strerror(errno));
	vakt_src_budget budget = {VAKT_IMAGE_DEFAULT_MAX_UNCOMPRESSED, VAKT_IMAGE_DEFAULT_MAX_UNCOMPRESSED, NULL};
	for (size_t i = 0; i < plan->nlayers; i++) {
		char where[128];
		const char *dg = plan->layers[i].digest;
		snprintf(where, sizeof(where), "layer %zu (%.19s...)", i + 1, dg ? dg : plan->layers[i].name);
		u.where = where;
		vakt_src *raw = NULL;
		int r = vakt_store_open_file(st, plan->layers[i].name, &raw, NULL, err);
		if (r < 0)
			return vakt_error_wrap(err, "%s", where);
		if ((r = apply_layer(&u, raw, &budget, img->layers[i].diff_id, err)) < 0)
			return r;
	}
	return 0;
}

int vakt_unpack(const char *ref, const vakt_unpack_options *opt, vakt_unpacked *ret,
		vakt_error **err)
{
	vakt_platform plat;
	if (!vakt_platform_parse(opt->platform ? opt->platform : "linux/amd64", &plat))
		return vakt_error_set(err, VAKT_E_USAGE, "--platform: expected OS/ARCH[/VARIANT], got \"%s\"",
				      opt->platform);
	_cleanup_free_ char *path = NULL, *tag = NULL;
	vakt_image_split_ref(ref, &path, &tag);
	if (!path_exists(path))
		return vakt_error_set(err, VAKT_E_NOTFOUND, "%s: %s", ref, strerror(ENOENT));
	vakt_store *st = NULL;
	int r = vakt_store_open(path, path, &st, err);
	if (r < 0 && err && *err && (*err)->code == VAKT_E_PARSE) {
		/* not an archive at all (`vakt run /etc/passwd`): the wrong argument, not a
		 * broken image */
		_cleanup_free_ char *why = vakt_error_format(*err);
		*err = vakt_error_free(*err);
		return vakt_error_set(err, VAKT_E_USAGE,
				      "%s is not a directory, and not an image archive (%s)", path, why);
	}
	if (r < 0)
		return r;
	vakt_plan plan;
	if ((r = vakt_plan_resolve(st, path, tag, &plat, false, &plan, err)) < 0) {
		vakt_store_free(st);
		return r;
	}
	vakt_image *img = xcalloc(1, sizeof(*img));
	vakt_arena_init(&img->arena, 0);
	img->ref = vakt_arena_strdup(&img->arena, ref);
	img->format = plan.format;
	img->nlayers = plan.nlayers;
	img->layers = vakt_arena_calloc(&img->arena, plan.nlayers ? plan.nlayers : 1, sizeof(*img->layers));
	_cleanup_free_ char *cfg = NULL, *cache = NULL, *images = NULL, *tmp = NULL, *key = NULL;
	_cleanup_free_ char *work = NULL, *final = NULL;
	size_t cfglen = 0;
	char digest[72];
	if (plan.legacy_config)
		r = vakt_error_set(err, VAKT_E_INVALID,
				   "%s: a legacy docker-archive (no image config with diff IDs) cannot be run; "
				   "save it again with a current docker", ref);
	else if ((r = vakt_store_read(st, plan.config_name, VAKT_STORE_MAX_JSON, &cfg, &cfglen, err)) < 0)
		vakt_error_wrap(err, "%s: the image config", ref);
	if (r >= 0) {
		_cleanup_free_ char *file = xasprintf("%s: %s", path, plan.config_name);
		r = vakt_config_parse(cfg, cfglen, file, img, err);
	}
	for (size_t i = 0; r >= 0 && i < plan.nlayers; i++)
		if (!img->layers[i].diff_id)
			r = vakt_error_set(err, VAKT_E_INVALID,
					   "%s: the config's rootfs.diff_ids do not list layer %zu: the layers cannot be verified",
					   ref, i + 1);
	if (r >= 0 && (r = sha256_hex(cfg, cfglen, digest, err)) >= 0) {
		img->config_digest = vakt_arena_strdup(&img->arena, digest);
		const char *hex = strchr(digest, ':') + 1;
		key = opt->uid_base == opt->gid_base ? xasprintf("%s-%u", hex, opt->uid_base)
						     : xasprintf("%s-%u-%u", hex, opt->uid_base, opt->gid_base);
		cache = opt->cache_root ? xstrdup(opt->cache_root) : default_cache_root();
		images = xasprintf("%s/images", cache);
		tmp = xasprintf("%s/tmp", cache);
		/* o+x: the container's root (an unprivileged host UID) must reach the rootfs */
		mode_t m = geteuid() == 0 ? 0711 : 0700;
		if ((r = make_cache_dir(cache, m, err)) >= 0 && (r = make_cache_dir(images, m, err)) >= 0)
			r = make_cache_dir(tmp, 0700, err);
	}
	if (r >= 0) {
		final = xasprintf("%s/%s", images, key);
		struct stat sb;
		if (lstat(final, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			ret->reused = true;
		} else {
			work = xasprintf("%s/XXXXXX", tmp);
			if (!mkdtemp(work)) {
				r = vakt_error_set(err, VAKT_E_IO, "creating %s: %s", work, strerror(errno));
				free(work);
				work = NULL;
			}
		}
	}
	if (r >= 0 && work) {
		_cleanup_close_ int tmp_fd = open(work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (tmp_fd < 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: %s", work, strerror(errno));
		else
			r = extract(opt, st, &plan, img, tmp_fd, err);
		if (r >= 0 && fchmod(tmp_fd, geteuid() == 0 ? 0711 : 0700) < 0)
			r = vakt_error_set(err, VAKT_E_IO, "%s: %s", work, strerror(errno));
		/* complete: into place in one step; if another vakt got there first, theirs
		 * is as good as ours (same key, same verified content) */
		if (r >= 0 && rename(work, final) < 0 && errno != EEXIST && errno != ENOTEMPTY)
			r = vakt_error_set(err, VAKT_E_IO, "renaming %s to %s: %s", work, final, strerror(errno));
		if (path_exists(work)) {
			_cleanup_close_ int tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			const char *base = strrchr(work, '/') + 1;
			if (tfd >= 0)
				remove_tree(tfd, base, NULL, NULL, NULL, 0);
		}
	}
	vakt_plan_free(&plan);
	vakt_store_free(st);
	if (r < 0) {
		vakt_image_free(img);
		return r;
	}
	ret->rootfs = xasprintf("%s/rootfs", final);
	ret->img = img;
	return 0;
}

void vakt_unpacked_free(vakt_unpacked *u)
{
	if (!u)
		return;
	free(u->rootfs);
	vakt_image_free(u->img);
	*u = (vakt_unpacked){0};
}

/* ---- users ------------------------------------------------------------------------- */

static bool parse_num(const char *s, size_t len, unsigned long *ret)
{
	if (!len || len > 10)
		return false;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= 4294967295UL)
		return false;
	*ret = v;
	return true;
}

/* Read /etc/<file> of the rootfs: resolved inside it, a regular file, bounded. NULL
 * (and *ret_len 0) when absent or unreadable: the caller reports the name as unknown. */
static char *read_in_root(const char *rootfs, const char *file)
{
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return NULL;
	struct open_how how = {.flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, root, file, &how, sizeof(how));
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	char *data = NULL;
	size_t len = 0;
	vakt_error *e = NULL;
	if (vakt_read_all(fd, file, MAX_PASSWD, &data, &len, &e) < 0) {
		vakt_error_free(e);
		return NULL;
	}
	return data;
}

/* Find name (or, when by_id, the numeric id) in a passwd/group style file: field 0 the
 * name, field 2 the id, field 3 (passwd) the group. */
static bool lookup(const char *data, const char *name, size_t nlen, unsigned long *ret_id,
		   unsigned long *ret_gid)
{
	for (const char *l = data; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		const char *f[5] = {l};
		size_t nf = 1;
		for (size_t i = 0; i < ll && nf < 5; i++)
			if (l[i] == ':')
				f[nf++] = l + i + 1;
		if (nf >= 3 && (size_t)(f[1] - 1 - f[0]) == nlen && strncmp(f[0], name, nlen) == 0) {
			size_t idl = (size_t)(f[3 < nf ? 3 : nf - 1] - 1 - f[2]);
			if (nf == 3)
				idl = ll - (size_t)(f[2] - l);
			unsigned long id, gid = 0;
			if (parse_num(f[2], idl, &id)) {
				if (nf >= 5)
					parse_num(f[3], (size_t)(f[4] - 1 - f[3]), &gid);
				*ret_id = id;
				*ret_gid = gid;
				return true;
			}
		}
		l = end ? end + 1 : NULL;
	}
	return false;
}

/* The passwd group of a numeric uid, if listed. */
static bool lookup_uid(const char *data, unsigned long uid, unsigned long *ret_gid)
{
	for (const char *l = data; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		const char *f[5] = {l};
		size_t nf = 1;
		for (size_t i = 0; i < ll && nf < 5; i++)
			if (l[i] == ':')
				f[nf++] = l + i + 1;
		unsigned long id, gid;
		if (nf >= 5 && parse_num(f[2], (size_t)(f[3] - 1 - f[2]), &id) && id == uid &&
		    parse_num(f[3], (size_t)(f[4] - 1 - f[3]), &gid)) {
			*ret_gid = gid;
			return true;
		}
		l = end ? end + 1 : NULL;
	}
	return false;
}

int vakt_unpack_user(const char *rootfs, const char *user, uid_t *ret_uid, gid_t *ret_gid,
		     vakt_error **err)
{
	const char *colon = strchr(user, ':');
	size_t ulen = colon ? (size_t)(colon - user) : strlen(user);
	_cleanup_free_ char *passwd = read_in_root(rootfs, "/etc/passwd");
	unsigned long uid, gid = 0, dummy;
	bool have_gid = false;
	if (parse_num(user, ulen, &uid)) {
		have_gid = passwd && lookup_uid(passwd, uid, &gid);
	} else if (passwd && lookup(passwd, user, ulen, &uid, &gid)) {
		have_gid = true;
	} else if (ulen == 4 && strncmp(user, "root", 4) == 0) {
		uid = 0;
	} else {
		return vakt_error_set(err, VAKT_E_NOTFOUND, "the image's user \"%.*s\" is not in its /etc/passwd",
				      (int)ulen, user);
	}
	if (colon) {
		const char *g = colon + 1;
		if (!parse_num(g, strlen(g), &gid)) {
			_cleanup_free_ char *group = read_in_root(rootfs, "/etc/group");
			if (!group || !lookup(group, g, strlen(g), &gid, &dummy)) {
				if (strcmp(g, "root") != 0)
					return vakt_error_set(err, VAKT_E_NOTFOUND,
							      "the image's group \"%s\" is not in its /etc/group", g);
				gid = 0;
			}
		}
	} else if (!have_gid) {
		gid = 0;
	}
	*ret_uid = (uid_t)uid;
	*ret_gid = (gid_t)gid;
	return 0;
}
