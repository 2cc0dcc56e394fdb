/* inventory.c - find and read the package databases and release files of an image. */
#include "image/inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

/* ---- what is read ---------------------------------------------------------------------- */

typedef struct wanted {
	const char *path;
	size_t max;
} wanted;

static const wanted exact[] = {
	{"etc/os-release", 64 * KIB},
	{"usr/lib/os-release", 64 * KIB},
	{"etc/alpine-release", 4 * KIB},
	{"etc/debian_version", 4 * KIB},
	{"etc/redhat-release", 4 * KIB},
	{"etc/centos-release", 4 * KIB},
	{"etc/system-release", 4 * KIB},
	{"var/lib/dpkg/status", 256 * MIB},
	{"lib/apk/db/installed", 256 * MIB},
	{"usr/lib/apk/db/installed", 256 * MIB},
	{"usr/lib/sysimage/rpm/rpmdb.sqlite", 1024 * MIB},
	{"var/lib/rpm/rpmdb.sqlite", 1024 * MIB},
	{"usr/lib/sysimage/rpm/Packages.db", 1024 * MIB},
	{"var/lib/rpm/Packages.db", 1024 * MIB},
	{"usr/lib/sysimage/rpm/Packages", 1024 * MIB},
	{"var/lib/rpm/Packages", 1024 * MIB},
};

/* rpm databases in the order they are tried: the newest format first. */
static const char *const rpm_dbs[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/Packages.db",
	"usr/lib/sysimage/rpm/Packages", "var/lib/rpm/Packages",
};

const char *const vakt_inventory_db_paths[] = {
	"var/lib/dpkg/status", "var/lib/dpkg/status.d", "lib/apk/db/installed",
	"usr/lib/apk/db/installed", "var/lib/rpm", "usr/lib/sysimage/rpm", NULL,
};

size_t vakt_inventory_max_size(const char *path)
{
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(exact); i++)
		if (strcmp(path, exact[i].path) == 0)
			return exact[i].max;
	/* distroless: one file per package in var/lib/dpkg/status.d/ (md5sums not needed) */
	if (strncmp(path, "var/lib/dpkg/status.d/", 22) == 0 && !strchr(path + 22, '/')) {
		size_t l = strlen(path);
		if (l > 8 && strcmp(path + l - 8, ".md5sums") == 0)
			return 0;
		return 16 * MIB;
	}
	/* dpkg licences: usr/share/doc/<package>/copyright */
	if (strncmp(path, "usr/share/doc/", 14) == 0) {
		const char *slash = strchr(path + 14, '/');
		if (slash && slash > path + 14 && strcmp(slash, "/copyright") == 0)
			return 1 * MIB;
	}
	return 0;
}

/* dir equals prefix, or is one of its leading components */
static bool leads_to(const char *dir, const char *prefix)
{
	size_t l = strlen(dir);
	return strncmp(prefix, dir, l) == 0 && (prefix[l] == '\0' || prefix[l] == '/');
}

const char *const *vakt_inventory_samples(void)
{
	static const char *samples[VAKT_ARRAY_SIZE(exact) + 3];
	if (!samples[0]) {
		size_t n = 0;
		for (size_t i = 0; i < VAKT_ARRAY_SIZE(exact); i++)
			samples[n++] = exact[i].path;
		samples[n++] = "var/lib/dpkg/status.d/\x01package";
		samples[n++] = "usr/share/doc/\x01package/copyright";
	}
	return samples;
}

bool vakt_inventory_wants_below(const char *dir)
{
	size_t l = strlen(dir);
	if (!l)
		return true;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(exact); i++)
		if (strncmp(exact[i].path, dir, l) == 0 && exact[i].path[l] == '/')
			return true;
	if (leads_to(dir, "var/lib/dpkg/status.d") || leads_to(dir, "usr/share/doc"))
		return true;
	/* usr/share/doc/<package> holds a copyright file */
	return strncmp(dir, "usr/share/doc/", 14) == 0 && dir[14] && !strchr(dir + 14, '/');
}

bool vakt_inventory_wants(const char *path)
{
	return vakt_inventory_max_size(path) > 0;
}

/* ---- providers ------------------------------------------------------------------------- */

static int view_read(void *ud, const char *path, size_t max, char **ret, size_t *ret_len,
		     vakt_error **err)
{
	const vakt_view *v = ud;
	const vakt_vnode *n = vakt_view_lookup(v, path, false);
	if (!n)
		return VAKT_E_NOTFOUND;
	if (vakt_vnode_type(n) != VAKT_V_REG)
		return vakt_vnode_type(n) == VAKT_V_DIR
			       ? VAKT_E_NOTFOUND
			       : vakt_error_set(err, VAKT_E_INVALID, "%s: not a regular file", path);
	size_t len;
	const char *data = vakt_vnode_data(n, &len);
	if (!data) {
		char buf[4200];
		return vakt_error_set(err, VAKT_E_INVALID,
				      "%s: its content was not kept (it resolves to %s, a file vakt did not expect to need)",
				      path, vakt_view_path(n, buf, sizeof(buf)));
	}
	if (len > max)
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: larger than %zu bytes", path, max);
	char *copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	*ret = copy;
	*ret_len = len;
	return 0;
}

typedef struct list_ctx {
	void (*fn)(const char *name, void *fud);
	void *fud;
} list_ctx;

static void view_list_child(const vakt_vnode *child, const char *name, void *ud)
{
	(void)child;
	list_ctx *c = ud;
	c->fn(name, c->fud);
}

static int view_list(void *ud, const char *path, void (*fn)(const char *name, void *fud), void *fud)
{
	const vakt_view *v = ud;
	const vakt_vnode *n = vakt_view_lookup(v, path, false);
	if (!n || vakt_vnode_type(n) != VAKT_V_DIR)
		return VAKT_E_NOTFOUND;
	list_ctx c = {fn, fud};
	vakt_view_children(n, view_list_child, &c);
	return 0;
}

vakt_files vakt_files_view(const vakt_view *v)
{
	union {
		const vakt_view *c;
		void *m;
	} u = {.c = v};
	return (vakt_files){.read = view_read, .list = view_list, .ud = u.m};
}

/* Open path below the root with every symlink resolved as if the root were "/":
 * RESOLVE_IN_ROOT makes ".." and absolute link targets stop at the root, so a hostile
 * rootfs cannot point vakt at the host's files. */
static int rootfs_open(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -1 : (int)fd;
}

static int rootfs_read(void *ud, const char *path, size_t max, char **ret, size_t *ret_len,
		       vakt_error **err)
{
	int rootfd = *(int *)ud;
	/* O_NONBLOCK: a FIFO planted at a database path must not hang the scan. */
	_cleanup_close_ int fd = rootfs_open(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return VAKT_E_NOTFOUND;
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return VAKT_E_NOTFOUND;
	if (!S_ISREG(st.st_mode))
		return vakt_error_set(err, VAKT_E_INVALID, "%s: not a regular file", path);
	return vakt_read_all(fd, path, max, ret, ret_len, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int rootfs_list(void *ud, const char *path, void (*fn)(const char *name, void *fud), void *fud)
{
	int rootfd = *(int *)ud;
	int fd = rootfs_open(rootfd, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return VAKT_E_NOTFOUND;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return VAKT_E_NOTFOUND;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 1000000) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		fn(names[i], fud);
		free(names[i]);
	}
	free(names);
	return 0;
}

vakt_files vakt_files_rootfs(int *rootfd)
{
	return (vakt_files){.read = rootfs_read, .list = rootfs_list, .ud = rootfd};
}

/* ---- packages -------------------------------------------------------------------------- */

typedef struct pkg_ctx {
	const vakt_files *f;
	vakt_pkg_list *out;
	vakt_pkg_warn_fn warn;
	void *ud;
} pkg_ctx;

static void warn_err(pkg_ctx *c, const char *path, vakt_error *e)
{
	if (c->warn && e)
		c->warn(e->file ? e->file : path, e->line, e->msg, c->ud);
	vakt_error_free(e);
}

/* Read one database file with parse; absent files are silently skipped. */
static void read_db(pkg_ctx *c, const char *path,
		    int (*parse)(const char *, size_t, const char *, vakt_pkg_list *, vakt_pkg_warn_fn,
				 void *, vakt_error **))
{
	char *data = NULL;
	size_t len = 0;
	vakt_error *e = NULL;
	int r = c->f->read(c->f->ud, path, vakt_inventory_max_size(path) ? vakt_inventory_max_size(path) : 256 * MIB,
			   &data, &len, &e);
	if (r == VAKT_E_NOTFOUND) {
		vakt_error_free(e);
		return;
	}
	if (r < 0) {
		warn_err(c, path, e);
		return;
	}
	r = parse(data, len, path, c->out, c->warn, c->ud, &e);
	if (r < 0)
		warn_err(c, path, e);
	free(data);
}

static int parse_rpm(const char *data, size_t len, const char *file, vakt_pkg_list *out,
		     vakt_pkg_warn_fn warn, void *ud, vakt_error **err)
{
	return vakt_pkgdb_rpm(data, len, file, out, warn, ud, err);
}

static void status_d_entry(const char *name, void *ud)
{
	pkg_ctx *c = ud;
	char path[512];
	if ((size_t)snprintf(path, sizeof(path), "var/lib/dpkg/status.d/%s", name) >= sizeof(path))
		return;
	if (!vakt_inventory_wants(path))
		return; /* *.md5sums */
	read_db(c, path, vakt_pkgdb_dpkg);
}

void vakt_inventory_packages(const vakt_files *f, vakt_pkg_list *out, vakt_pkg_warn_fn warn,
			     void *ud)
{
	pkg_ctx c = {f, out, warn, ud};
	read_db(&c, "var/lib/dpkg/status", vakt_pkgdb_dpkg);
	f->list(f->ud, "var/lib/dpkg/status.d", status_d_entry, &c);

	/* /lib/apk/db is the classic place; /usr/lib/apk/db the merged-/usr one. When /lib is
	 * a link to usr/lib both name the same file: read it once. */
	size_t before = out->n;
	read_db(&c, "lib/apk/db/installed", vakt_pkgdb_apk);
	if (out->n == before)
		read_db(&c, "usr/lib/apk/db/installed", vakt_pkgdb_apk);

	/* One rpm database: when a system has been converted, the old one may linger. */
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(rpm_dbs); i++) {
		before = out->n;
		char *data = NULL;
		size_t len = 0;
		vakt_error *e = NULL;
		int r = f->read(f->ud, rpm_dbs[i], vakt_inventory_max_size(rpm_dbs[i]), &data, &len, &e);
		if (r == VAKT_E_NOTFOUND) {
			vakt_error_free(e);
			continue;
		}
		if (r < 0) {
			warn_err(&c, rpm_dbs[i], e);
			continue;
		}
		r = parse_rpm(data, len, rpm_dbs[i], out, warn, ud, &e);
		free(data);
		if (r < 0)
			warn_err(&c, rpm_dbs[i], e);
		if (r >= 0 || out->n > before)
			break;
	}
}

void vakt_inventory_dpkg_licenses(const vakt_files *f, vakt_pkg_list *pkgs)
{
	for (size_t i = 0; i < pkgs->n; i++) {
		vakt_pkg *p = &pkgs->items[i];
		if (p->type != VAKT_PKG_DPKG || p->license)
			continue;
		char path[512];
		if ((size_t)snprintf(path, sizeof(path), "usr/share/doc/%s/copyright", p->name) >= sizeof(path))
			continue;
		char *data = NULL;
		size_t len = 0;
		vakt_error *e = NULL;
		if (f->read(f->ud, path, 1 * MIB, &data, &len, &e) == 0)
			p->license = vakt_pkgdb_dpkg_copyright(data, len, &pkgs->arena);
		vakt_error_free(e);
		free(data);
	}
}

void vakt_inventory_os(const vakt_files *f, vakt_os_info *os, vakt_arena *arena)
{
	char *osr = NULL, *alp = NULL, *deb = NULL, *rh = NULL;
	size_t osl = 0, al = 0, dl = 0, rl = 0;
	const char *osr_path = "etc/os-release";
	vakt_error *e = NULL;
	if (f->read(f->ud, "etc/os-release", 64 * KIB, &osr, &osl, &e) < 0) {
		vakt_error_free(e), e = NULL;
		osr = NULL;
		osr_path = "usr/lib/os-release";
		if (f->read(f->ud, "usr/lib/os-release", 64 * KIB, &osr, &osl, &e) < 0)
			osr = NULL;
	}
	vakt_error_free(e), e = NULL;
	if (f->read(f->ud, "etc/alpine-release", 4 * KIB, &alp, &al, &e) < 0)
		alp = NULL;
	vakt_error_free(e), e = NULL;
	if (f->read(f->ud, "etc/debian_version", 4 * KIB, &deb, &dl, &e) < 0)
		deb = NULL;
	vakt_error_free(e), e = NULL;
	static const char *const rh_files[] = {"etc/redhat-release", "etc/centos-release",
					       "etc/system-release"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(rh_files) && !rh; i++) {
		if (f->read(f->ud, rh_files[i], 4 * KIB, &rh, &rl, &e) < 0)
			rh = NULL;
		vakt_error_free(e), e = NULL;
	}
	vakt_os_detect(os, arena, osr, osl, osr ? osr_path : NULL, alp, al, deb, dl, rh, rl);
	free(osr), free(alp), free(deb), free(rh);
}
