/* image.c - `vakt image`: resolve the reference, stream the layers into the view, and
 * take the inventory.
 *
 * Layers are read once, base first. Each tar entry changes the kept view (view.c) the
 * way a container engine's overlay mount would; the contents of the few files the
 * inventory needs are read into memory, every other body is skipped (on an uncompressed
 * layer in a file, without reading it). After every layer that touched a package
 * database the databases are read again, so each package is attributed to the layer
 * that introduced the version the image ends with.
 */
#include "image/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "image/inventory.h"
#include "image/manifest.h"
#include "image/source.h"
#include "image/store.h"
#include "image/scan.h"
#include "image/tar.h"
#include "image/view.h"

/* ---- scan state ---------------------------------------------------------------------- */

void scan_warn(scan *s, const char *where, unsigned line, const char *fmt, ...)
{
	if (!s->opt->on_warning)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->opt->on_warning(where, line, msg, s->opt->ud);
}

static void pkg_warn(const char *file, unsigned line, const char *msg, void *ud)
{
	scan *s = ud;
	scan_warn(s, file, line, "%s", msg);
}

void scan_progress(scan *s, size_t layer, uint64_t bytes, bool force)
{
	if (!s->opt->on_progress)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - s->last_progress.tv_sec) * 1000 +
		  (now.tv_nsec - s->last_progress.tv_nsec) / 1000000;
	if (!force && ms < 100)
		return;
	s->last_progress = now;
	s->opt->on_progress(layer, s->img->nlayers, s->base_bytes + bytes, s->total_bytes, false,
			    s->opt->ud);
}

/* ---- what to keep ------------------------------------------------------------------- */

#define MAX_EXTRA 256   /* paths wanted because of links, per image */
#define MAX_MAP_DEPTH 4 /* directory links followed when deciding what is wanted */

static bool has_str(char *const *v, size_t n, const char *p)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], p) == 0)
			return true;
	return false;
}

/* If path lies below (or at) the directory from, the same path below to, into buf. */
static bool remap(const char *path, const char *from, const char *to, char *buf, size_t len)
{
	size_t fl = strlen(from);
	if (strncmp(path, from, fl) != 0 || (path[fl] != '/' && path[fl] != '\0'))
		return false;
	return (size_t)snprintf(buf, len, "%s%s", to, path + fl) < len;
}

static size_t wanted_size_depth(const scan *s, const char *path, int depth)
{
	size_t m = vakt_inventory_max_size(path);
	if (m)
		return m;
	if (has_str(s->extra, s->nextra, path) || has_str(s->hl_targets, s->nhl_targets, path))
		return 256u << 20;
	/* below a directory that a link at a wanted place points to: wanted as the path
	 * through the link is (opt/dpkg/status when var/lib/dpkg -> /opt/dpkg) */
	char buf[VAKT_TAR_MAX_PATH + 1];
	for (size_t i = 0; depth < MAX_MAP_DEPTH && i < s->nmaps; i++)
		if (remap(path, s->map_from[i], s->map_to[i], buf, sizeof(buf)) &&
		    (m = wanted_size_depth(s, buf, depth + 1)))
			return m;
	return 0;
}

size_t scan_wanted_size(const scan *s, const char *path)
{
	return wanted_size_depth(s, path, 0);
}

static bool wants_below_depth(const scan *s, const char *dir, int depth)
{
	if (vakt_inventory_wants_below(dir))
		return true;
	char buf[VAKT_TAR_MAX_PATH + 1];
	for (size_t i = 0; depth < MAX_MAP_DEPTH && i < s->nmaps; i++) {
		size_t dl = strlen(dir);
		/* a mapped directory lies below dir */
		if (strncmp(s->map_from[i], dir, dl) == 0 && s->map_from[i][dl] == '/')
			return true;
		if (remap(dir, s->map_from[i], s->map_to[i], buf, sizeof(buf)) &&
		    wants_below_depth(s, buf, depth + 1))
			return true;
	}
	return false;
}

/* Join a link target to the directory of the link at path, with ".." resolved lexically
 * and clamped at the root, into out[VAKT_TAR_MAX_PATH + 1]. false when it does not fit
 * or names the root itself. */
static bool link_target_path(const char *path, const char *target, char *out)
{
	char buf[2 * VAKT_TAR_MAX_PATH + 2];
	const char *slash = strrchr(path, '/');
	size_t dl = (target[0] == '/' || !slash) ? 0 : (size_t)(slash - path);
	if (dl + strlen(target) + 2 > sizeof(buf))
		return false;
	memcpy(buf, path, dl);
	buf[dl] = '/';
	strcpy(buf + dl + 1, target);
	size_t o = 0;
	for (const char *p = buf; *p;) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		if (!cl)
			break;
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (!(cl == 1 && p[0] == '.')) {
			if (o + (o ? 1 : 0) + cl > VAKT_TAR_MAX_PATH)
				return false;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, cl);
			o += cl;
		}
		p = e;
	}
	out[o] = '\0';
	return o > 0;
}

static void add_str(char ***v, size_t *n, const char *p)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(p);
}

/* A symlink path -> target: if the inventory reads path, it reads the target (etc/os-release
 * -> ../usr/lib/os-release); if it reads below path, it reads below the target. Either way
 * the target's content becomes wanted, from now on. Returns true if something new is
 * wanted. */
bool scan_note_symlink(scan *s, const char *path, const char *target)
{
	char clean[VAKT_TAR_MAX_PATH + 1];
	if (s->nextra + s->nmaps >= MAX_EXTRA || !link_target_path(path, target, clean))
		return false;
	if (scan_wanted_size(s, path)) {
		if (scan_wanted_size(s, clean))
			return false; /* wanted anyway (usr/lib/os-release) */
		add_str(&s->extra, &s->nextra, clean);
		vakt_view_watch(s->view, clean); /* a database reached through the link */
		return true;
	}
	if (!wants_below_depth(s, path, 0))
		return false;
	for (size_t i = 0; i < s->nmaps; i++)
		if (strcmp(s->map_from[i], clean) == 0 && strcmp(s->map_to[i], path) == 0)
			return false;
	/* new only if some kind of wanted path below the link is not wanted below its target
	 * already (lib -> usr/lib adds nothing: usr/lib/apk/db/installed is read anyway) */
	bool adds = false;
	char cand[VAKT_TAR_MAX_PATH + 1];
	for (const char *const *w = vakt_inventory_samples(); *w && !adds; w++)
		adds = remap(*w, path, clean, cand, sizeof(cand)) && !scan_wanted_size(s, cand);
	size_t n = s->nmaps;
	add_str(&s->map_from, &n, clean);
	n = s->nmaps;
	add_str(&s->map_to, &n, path);
	s->nmaps = n;
	if (adds)
		vakt_view_watch(s->view, clean);
	return adds;
}

/* ---- packages per layer -------------------------------------------------------------- */

static int cmp_pkg_key(const vakt_pkg *a, const vakt_pkg *b)
{
	if (a->type != b->type)
		return (int)a->type - (int)b->type;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

/* After layer `layer` changed a package database: read them again and carry over the
 * introducing layer of every package whose version did not change. */
static void packages_after_layer(scan *s, int layer)
{
	vakt_files f = vakt_files_view(s->view);
	vakt_pkg_list now;
	vakt_pkg_list_init(&now);
	vakt_inventory_packages(&f, &now, pkg_warn, s);
	vakt_pkg_list_sort(&now);
	for (size_t i = 0; i < now.n; i++) {
		vakt_pkg *p = &now.items[i];
		p->layer = layer;
		if (!s->have_prev)
			continue;
		size_t lo = 0, hi = s->prev.n;
		while (lo < hi) { /* prev is sorted by type, name, arch, version */
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_pkg_key(&s->prev.items[mid], p) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < s->prev.n && cmp_pkg_key(&s->prev.items[j], p) == 0; j++)
			if (strcmp(s->prev.items[j].version, p->version) == 0) {
				p->layer = s->prev.items[j].layer;
				break;
			}
	}
	if (s->have_prev)
		vakt_pkg_list_free(&s->prev);
	s->prev = now;
	s->have_prev = true;
}

/* ---- one layer ------------------------------------------------------------------------ */

/* Read the current entry's body (size bytes) into a new buffer. */
static int read_body(vakt_tar *t, uint64_t size, char **ret, vakt_error **err)
{
	char *buf = xmalloc((size_t)size + 1);
	size_t got = 0;
	int r = vakt_tar_read(t, buf, (size_t)size, &got, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	if (got != size) {
		free(buf);
		return vakt_error_set(err, VAKT_E_PARSE, "entry body ends early");
	}
	buf[size] = '\0';
	*ret = buf;
	return 0;
}

/* Apply one tar entry of layer li to the view. */
int scan_apply_entry(scan *s, vakt_tar *t, const vakt_tar_entry *e, char *body, int li,
		     layer_stats *st, vakt_error **err)
{
	/* From here on body is either handed to the view or freed. */
	if (t || e->type != VAKT_TAR_REG) {
		free(body);
		body = NULL;
	}
	char path[VAKT_TAR_MAX_PATH + 1];
	unsigned fl = vakt_tar_clean_path(e->path, path, sizeof(path));
	const char *base0 = strrchr(path, '/');
	base0 = base0 ? base0 + 1 : path;
	if ((fl & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY)) || strncmp(base0, ".wh.", 4) == 0) {
		free(body); /* kept for an entry that changes nothing or is not a file */
		body = NULL;
	}
	if (fl & VAKT_PATH_DOTDOT) {
		/* A ".." component would put the entry outside the root on extraction: a
		 * hostile layer. It changes nothing in the view. */
		if (st->dotdot++ == 0)
			scan_warn(s, s->where, 0, "entry \"%s\" climbs out of the image root with \"..\": ignored",
			     e->path);
		return 0;
	}
	if (fl & VAKT_PATH_EMPTY)
		return 0;

	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (strncmp(base, ".wh.", 4) == 0) {
		char dir[VAKT_TAR_MAX_PATH + 1];
		size_t dl = slash ? (size_t)(slash - path) : 0;
		memcpy(dir, path, dl);
		dir[dl] = '\0';
		if (strcmp(base, ".wh..wh..opq") == 0)
			vakt_view_whiteout(s->view, li, dir, ".wh..opq");
		else if (strncmp(base, ".wh..wh.", 8) != 0) /* aufs bookkeeping otherwise */
			vakt_view_whiteout(s->view, li, dir, base + 4);
		return 0;
	}

	vakt_ventry ve = {.path = path, .mode = e->mode};
	switch (e->type) {
	case VAKT_TAR_DIR:
		ve.type = VAKT_V_DIR;
		break;
	case VAKT_TAR_SYMLINK:
		ve.type = VAKT_V_SYMLINK;
		ve.link = e->link;
		ve.keep = true;
		if (scan_note_symlink(s, path, e->link))
			s->layer_new_wants = true;
		break;
	case VAKT_TAR_HARDLINK: {
		char target[VAKT_TAR_MAX_PATH + 1];
		unsigned tf = vakt_tar_clean_path(e->link, target, sizeof(target));
		if (tf & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY)) {
			if (st->dotdot++ == 0)
				scan_warn(s, s->where, 0, "hard link \"%s\" -> \"%s\" points outside the image root: ignored",
				     e->path, e->link);
			return 0;
		}
		bool missing = false;
		int r = vakt_view_hardlink(s->view, li, path, target, scan_wanted_size(s, path) > 0, &missing, err);
		if (r < 0)
			return r;
		if (missing && s->nhl_targets < MAX_EXTRA && !has_str(s->hl_targets, s->nhl_targets, target)) {
			/* the target went by before anything said it was needed: a layer read
			 * from a file is read again for it (scan_layer_again); on stdin the
			 * inventory says the content was not kept */
			add_str(&s->hl_targets, &s->nhl_targets, target);
			s->layer_new_wants = true;
		}
		return 0;
	}
	case VAKT_TAR_CHR:
	case VAKT_TAR_BLK:
	case VAKT_TAR_FIFO:
		/* Recorded as "something else is here", never created anywhere. */
		ve.type = VAKT_V_OTHER;
		ve.keep = scan_wanted_size(s, path) > 0;
		if (ve.keep && st->devices++ == 0)
			scan_warn(s, s->where, 0, "%s is a device or FIFO, not a file", path);
		break;
	case VAKT_TAR_OTHER:
		ve.type = VAKT_V_OTHER;
		ve.keep = scan_wanted_size(s, path) > 0;
		if (ve.keep && st->sparse++ == 0)
			scan_warn(s, s->where, 0, "%s is stored as a GNU sparse file or of type '%c': not read",
			     path, e->typeflag);
		break;
	case VAKT_TAR_REG: {
		ve.type = VAKT_V_REG;
		size_t max = scan_wanted_size(s, path);
		if (max && e->size > max) {
			char lim[32];
			scan_warn(s, s->where, 0, "%s is larger than %s: not read", path,
				  vakt_size_str(max, lim, sizeof(lim)));
		} else if (max && t) {
			int r = read_body(t, e->size, &ve.data, err);
			if (r < 0)
				return r;
			ve.len = (size_t)e->size;
			ve.keep = true;
		} else if (max && body) {
			/* replayed (stream.c): the content was kept when the layer went by */
			ve.data = body;
			ve.len = (size_t)e->size;
			ve.keep = true;
			body = NULL;
		}
		free(body);
		break;
	}
	default:
		return 0;
	}
	return vakt_view_apply(s->view, li, &ve, err);
}

/* Stream one layer from raw (owned) into the view. */
int scan_layer(scan *s, size_t li, vakt_src *raw, const char *expect_digest,
		      const char *expect_diff, vakt_error **err)
{
	vakt_image_layer *L = &s->img->layers[li];
	vakt_src *top = raw, *digest = NULL;
	if (s->opt->verify_digests && (expect_digest || expect_diff)) {
		digest = vakt_src_digest(raw);
		top = digest;
	}
	vakt_compression comp = VAKT_COMP_NONE;
	int r = vakt_src_decompress(top, &s->budget, &top, &comp, err);
	if (r < 0) {
		vakt_src_free(top);
		return r;
	}
	L->compression = vakt_compression_name(comp);

	vakt_tar *t = vakt_tar_new(top);
	layer_stats st = {0};
	const vakt_tar_entry *e;
	uint64_t n = 0;
	while ((r = vakt_tar_next(t, &e, err)) > 0) {
		r = scan_apply_entry(s, t, e, NULL, (int)li, &st, err);
		if (r < 0)
			break;
		if ((++n & 255) == 0)
			scan_progress(s, li + 1, vakt_src_offset(raw), false);
	}
	if (r >= 0 && vakt_tar_truncated(t))
		scan_warn(s, s->where, 0, "the layer's tar ends without its end-of-archive marker");
	vakt_tar_free(t);

	if (r >= 0 && digest) {
		/* Every byte must be hashed: drain what the tar reader did not need (the
		 * padding after the end marker, compressed trailers). */
		char buf[65536];
		size_t got;
		do
			r = vakt_src_read(top, buf, sizeof(buf), &got, err);
		while (r >= 0 && got > 0);
		if (r >= 0 && top != digest)
			do
				r = vakt_src_read(digest, buf, sizeof(buf), &got, err);
			while (r >= 0 && got > 0);
		char have[72];
		if (r >= 0)
			r = vakt_src_digest_final(digest, have, err);
		if (r >= 0) {
			/* An uncompressed layer's digest is its diff ID; a compressed one's is
			 * the blob digest. */
			const char *want = expect_digest ? expect_digest : expect_diff;
			if (strcmp(have, want) != 0)
				r = vakt_error_set(err, VAKT_E_INVALID,
						   "does not match its digest: expected %s, the bytes hash to %s", want,
						   have);
		}
	}
	if (r < 0)
		vakt_error_wrap(err, "%s", s->where);
	s->base_bytes += vakt_src_offset(raw);
	vakt_src_free(top);
	return r < 0 ? r : 0;
}

/* Read layer li again from raw (owned) for the contents that became wanted while its first
 * pass went by them: a hard link whose target was read before the link named a wanted
 * path, or files below a directory that a later entry linked into a wanted place. Only
 * those entries are applied again, with their content; everything else the first pass
 * did stands. */
static int scan_layer_again(scan *s, size_t li, vakt_src *raw, vakt_error **err)
{
	vakt_src *top = raw;
	int r = vakt_src_decompress(top, &s->budget, &top, NULL, err);
	if (r < 0) {
		vakt_src_free(top);
		return vakt_error_wrap(err, "%s", s->where);
	}
	vakt_tar *t = vakt_tar_new(top);
	const vakt_tar_entry *e;
	char path[VAKT_TAR_MAX_PATH + 1], target[VAKT_TAR_MAX_PATH + 1];
	while ((r = vakt_tar_next(t, &e, err)) > 0) {
		if (e->type != VAKT_TAR_REG && e->type != VAKT_TAR_HARDLINK)
			continue;
		unsigned fl = vakt_tar_clean_path(e->path, path, sizeof(path));
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		size_t max;
		if ((fl & (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY)) || strncmp(base, ".wh.", 4) == 0 ||
		    !(max = scan_wanted_size(s, path)))
			continue;
		const vakt_vnode *n = vakt_view_lookup(s->view, path, true);
		size_t len;
		if (n && !(vakt_vnode_type(n) == VAKT_V_REG && vakt_vnode_layer(n) == (int)li &&
			   !vakt_vnode_data(n, &len)))
			continue; /* kept the first time, or replaced later in the layer */
		if (e->type == VAKT_TAR_HARDLINK) {
			bool missing;
			if (vakt_tar_clean_path(e->link, target, sizeof(target)) &
			    (VAKT_PATH_DOTDOT | VAKT_PATH_EMPTY))
				continue;
			r = vakt_view_hardlink(s->view, (int)li, path, target, true, &missing, err);
		} else if (e->size <= max) {
			vakt_ventry ve = {.type = VAKT_V_REG, .path = path, .mode = e->mode, .keep = true};
			r = read_body(t, e->size, &ve.data, err);
			ve.len = (size_t)e->size;
			if (r >= 0)
				r = vakt_view_apply(s->view, (int)li, &ve, err);
		}
		if (r < 0)
			break;
	}
	vakt_tar_free(t);
	vakt_src_free(top);
	return r < 0 ? vakt_error_wrap(err, "%s (read again)", s->where) : 0;
}

void scan_set_where(scan *s, size_t li)
{
	const vakt_image_layer *L = &s->img->layers[li];
	const char *d = L->digest ? L->digest : L->diff_id;
	if (d && strncmp(d, "sha256:", 7) == 0)
		snprintf(s->where, sizeof(s->where), "layer %zu (sha256:%.12s)", li + 1, d + 7);
	else
		snprintf(s->where, sizeof(s->where), "layer %zu", li + 1);
}

void scan_after_layer(scan *s, size_t li)
{
	uint64_t g = vakt_view_generation(s->view);
	if (g != s->gen_seen) {
		s->gen_seen = g;
		packages_after_layer(s, (int)li);
	}
}

void scan_finish_inventory(scan *s, const vakt_files *f)
{
	vakt_image *img = s->img;
	if (s->have_prev) {
		img->pkgs = s->prev;
		s->have_prev = false;
	}
	vakt_inventory_dpkg_licenses(f, &img->pkgs);
	/* The database path tells which file a package came from; every package of the final
	 * list is attributed, but a layer that rewrote the database without changing a
	 * package's version does not take the credit. */
	vakt_inventory_os(f, &img->os, &img->arena);
}

/* ---- references ------------------------------------------------------------------------ */

static bool path_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* Split "PATH:TAG" where PATH exists: try each ':' from the right, so "dir/oci:curl" and
 * "a.tar:example/app:1.0" both work. false if no prefix exists. */
static bool split_at_existing(const char *ref, char **ret_path, char **ret_tag)
{
	*ret_tag = NULL;
	if (path_exists(ref)) {
		*ret_path = xstrdup(ref);
		return true;
	}
	for (const char *c = ref + strlen(ref); c > ref;) {
		c--;
		if (*c != ':')
			continue;
		char *p = xstrndup(ref, (size_t)(c - ref));
		if (path_exists(p) && c[1]) {
			*ret_path = p;
			*ret_tag = xstrdup(c + 1);
			return true;
		}
		free(p);
	}
	return false;
}

/* See image.h. */
void vakt_image_split_ref(const char *ref, char **ret_path, char **ret_tag)
{
	static const char *const transports[] = {"docker-archive:", "oci-archive:", "oci:"};
	if (split_at_existing(ref, ret_path, ret_tag))
		return;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(transports); i++) {
		size_t l = strlen(transports[i]);
		if (strncmp(ref, transports[i], l) == 0 && split_at_existing(ref + l, ret_path, ret_tag))
			return;
	}
	*ret_path = xstrdup(ref);
	*ret_tag = NULL;
}

static bool is_rootfs_dir(const char *path)
{
	char *a = vakt_path_join(path, "index.json"), *b = vakt_path_join(path, "manifest.json");
	char *c = vakt_path_join(path, "oci-layout"), *d = vakt_path_join(path, "repositories");
	bool layout = path_exists(a) || path_exists(b) || path_exists(c) || path_exists(d);
	free(a), free(b), free(c), free(d);
	return !layout;
}

/* ---- the three ways in ------------------------------------------------------------------- */

static int scan_rootfs(scan *s, const char *path, vakt_error **err)
{
	vakt_image *img = s->img;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", path, strerror(errno));
	img->format = "rootfs";
	vakt_files f = vakt_files_rootfs(&fd);
	vakt_pkg_list_init(&img->pkgs);
	vakt_inventory_packages(&f, &img->pkgs, pkg_warn, s);
	vakt_pkg_list_sort(&img->pkgs);
	vakt_inventory_dpkg_licenses(&f, &img->pkgs);
	vakt_inventory_os(&f, &img->os, &img->arena);
	close(fd);
	return 0;
}

static int scan_layers(scan *s, vakt_store *st, const vakt_plan *plan, vakt_error **err)
{
	vakt_image *img = s->img;
	for (size_t i = 0; i < plan->nlayers; i++)
		s->total_bytes += img->layers[i].size;
	for (size_t i = 0; i < plan->nlayers; i++) {
		scan_set_where(s, i);
		vakt_src *raw = NULL;
		uint64_t size = 0;
		int r = vakt_store_open_file(st, plan->layers[i].name, &raw, &size, err);
		if (r < 0)
			return vakt_error_wrap(err, "%s", s->where);
		if (plan->layers[i].size && plan->layers[i].size != size) {
			vakt_src_free(raw);
			return vakt_error_set(err, VAKT_E_INVALID, "%s: the blob has %llu bytes, the manifest says %llu",
					      s->where, (unsigned long long)size,
					      (unsigned long long)plan->layers[i].size);
		}
		s->layer_new_wants = false;
		r = scan_layer(s, i, raw, plan->layers[i].digest, img->layers[i].diff_id, err);
		if (r >= 0 && s->layer_new_wants && vakt_store_open_file(st, plan->layers[i].name, &raw, NULL, err) >= 0)
			r = scan_layer_again(s, i, raw, err);
		for (size_t k = 0; k < s->nhl_targets; k++)
			free(s->hl_targets[k]);
		s->nhl_targets = 0; /* a hard link names an entry of its own layer */
		if (r < 0)
			return r;
		scan_after_layer(s, i);
		scan_progress(s, i + 1, 0, true);
	}
	vakt_files f = vakt_files_view(s->view);
	scan_finish_inventory(s, &f);
	return 0;
}

/* Fill the image from a resolved plan (format, names, digests, layers) and parse its
 * config, read from the store st named display in messages. */
int scan_plan_setup(scan *s, vakt_store *st, const char *display, const vakt_plan *p,
		    vakt_error **err)
{
	vakt_image *img = s->img;
	int r = 0;
	img->format = p->format;
	img->name = p->name ? vakt_arena_strdup(&img->arena, p->name) : NULL;
	img->digest = p->manifest_digest ? vakt_arena_strdup(&img->arena, p->manifest_digest)
					   : p->config_digest ? vakt_arena_strdup(&img->arena, p->config_digest)
								: NULL;
	img->config_digest = p->config_digest ? vakt_arena_strdup(&img->arena, p->config_digest) : NULL;
	img->nlayers = p->nlayers;
	img->layers = vakt_arena_calloc(&img->arena, p->nlayers ? p->nlayers : 1, sizeof(*img->layers));
	for (size_t i = 0; i < p->nlayers; i++) {
		vakt_image_layer *L = &img->layers[i];
		L->digest = p->layers[i].digest ? vakt_arena_strdup(&img->arena, p->layers[i].digest) : NULL;
		L->media_type = p->layers[i].media_type ? vakt_arena_strdup(&img->arena, p->layers[i].media_type) : NULL;
		L->size = p->layers[i].size;
		if (!L->size) {
			vakt_src *src = NULL;
			uint64_t size = 0;
			if (vakt_store_open_file(st, p->layers[i].name, &src, &size, NULL) == 0) {
				L->size = size;
				vakt_src_free(src);
			}
		}
	}
	/* The config: as its own file, or (legacy docker-archive) the top layer's JSON. */
	char *cfg = NULL;
	size_t cfglen = 0;
	if (p->legacy_config) {
		cfg = xstrdup(p->legacy_config);
		cfglen = strlen(cfg);
	} else {
		r = vakt_store_read(st, p->config_name, VAKT_STORE_MAX_JSON, &cfg, &cfglen, err);
		if (r == VAKT_E_NOTFOUND)
			vakt_error_wrap(err, "the image config");
	}
	if (r >= 0) {
		char *file = xasprintf("%s: %s", display, p->legacy_config ? "(top layer json)" : p->config_name);
		r = vakt_config_parse(cfg, cfglen, file, img, err);
		free(file);
	}
	free(cfg);
	return r;
}

static int scan_store(scan *s, const char *path, const char *tag, const vakt_platform *plat,
		      vakt_error **err)
{
	vakt_store *st = NULL;
	int r = vakt_store_open(path, path, &st, err);
	if (r < 0)
		return r;
	vakt_plan plan;
	r = vakt_plan_resolve(st, path, tag, plat, s->opt->verify_digests, &plan, err);
	if (r < 0) {
		vakt_store_free(st);
		return r;
	}
	r = scan_plan_setup(s, st, path, &plan, err);
	if (r >= 0)
		r = scan_layers(s, st, &plan, err);
	vakt_plan_free(&plan);
	vakt_store_free(st);
	return r;
}

int vakt_image_scan(const char *ref, const vakt_image_options *opt, vakt_image **ret,
		    vakt_error **err)
{
	vakt_platform plat;
	if (!vakt_platform_parse(opt->platform ? opt->platform : "linux/amd64", &plat))
		return vakt_error_set(err, VAKT_E_USAGE, "--platform: expected OS/ARCH[/VARIANT], got \"%s\"",
				      opt->platform);
	vakt_image *img = xcalloc(1, sizeof(*img));
	vakt_arena_init(&img->arena, 0);
	vakt_pkg_list_init(&img->pkgs);
	img->ref = vakt_arena_strdup(&img->arena, ref);

	scan s = {.opt = opt, .img = img};
	s.budget.limit = opt->max_uncompressed ? opt->max_uncompressed : VAKT_IMAGE_DEFAULT_MAX_UNCOMPRESSED;
	s.budget.left = s.budget.limit;
	s.budget.flag = "--max-uncompressed";
	s.view = vakt_view_new(NULL);
	for (size_t i = 0; vakt_inventory_db_paths[i]; i++)
		vakt_view_watch(s.view, vakt_inventory_db_paths[i]);
	clock_gettime(CLOCK_MONOTONIC, &s.last_progress);

	int r;
	if (strcmp(ref, "-") == 0 || strncmp(ref, "-:", 2) == 0) {
		/* stdin; "-:TAG" picks one image of an archive holding several */
		r = scan_stream(&s, STDIN_FILENO, ref[1] ? ref + 2 : NULL, &plat, err);
	} else {
		char *path, *tag;
		vakt_image_split_ref(ref, &path, &tag);
		struct stat st;
		if (stat(path, &st) < 0)
			r = vakt_error_set(err, VAKT_E_NOTFOUND, "%s: %s", ref, strerror(errno));
		else if (S_ISDIR(st.st_mode) && is_rootfs_dir(path)) {
			if (tag)
				r = vakt_error_set(err, VAKT_E_USAGE, "%s is a root filesystem directory: it has no tags", path);
			else
				r = scan_rootfs(&s, path, err);
		} else {
			r = scan_store(&s, path, tag, &plat, err);
		}
		free(path);
		free(tag);
	}
	if (opt->on_progress)
		opt->on_progress(img->nlayers, img->nlayers, s.base_bytes, s.total_bytes, true, opt->ud);
	img->bytes_read = s.base_bytes;
	vakt_pkg_list_sort(&img->pkgs);
	if (s.have_prev)
		vakt_pkg_list_free(&s.prev);
	for (size_t i = 0; i < s.nextra; i++)
		free(s.extra[i]);
	free(s.extra);
	for (size_t i = 0; i < s.nmaps; i++)
		free(s.map_from[i]), free(s.map_to[i]);
	free(s.map_from);
	free(s.map_to);
	for (size_t i = 0; i < s.nhl_targets; i++)
		free(s.hl_targets[i]);
	free(s.hl_targets);
	vakt_view_free(s.view);
	if (r < 0) {
		vakt_image_free(img);
		return r;
	}
	*ret = img;
	return 0;
}

vakt_image *vakt_image_free(vakt_image *img)
{
	if (!img)
		return NULL;
	vakt_pkg_list_free(&img->pkgs);
	vakt_arena_destroy(&img->arena);
	free(img);
	return NULL;
}
