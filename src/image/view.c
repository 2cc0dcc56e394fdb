/* view.c - the kept part of an image's merged filesystem: a tree of nodes with a hash
 * index, overlay semantics for layers, and chroot-like path resolution.
 *
 * Nodes are found by (parent, name) in one hash table, so applying a tar entry costs one
 * lookup per path component until a component is not in the view, which for most
 * entries of a layer happens at the first or second component. Content is reference
 * counted so hard links share it.
 */
#include "image/view.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define MAX_SYMLINKS 40 /* as the kernel's MAXSYMLINKS */
#define MAX_WATCH 32

typedef struct vcontent {
	size_t refs;
	size_t len;
	char *data;
} vcontent;

struct vakt_vnode {
	vakt_vnode *parent;
	vakt_vnode *hnext;             /* hash chain */
	vakt_vnode *first, *prev, *next; /* children; siblings */
	char *name;
	size_t namelen;
	uint64_t hash;
	vakt_vtype type;
	int layer;
	bool watched;   /* at or below a watched path */
	bool watch_anc; /* above a watched path: replacing it (by a symlink) changes what is there */
	char *link;
	vcontent *content;
};

struct vakt_view {
	vakt_vnode root;
	vakt_vnode **tab;
	size_t tabsize; /* power of two */
	size_t nodes;
	uint64_t content_bytes;
	vakt_view_limits lim;
	uint64_t generation;
	char *watch[MAX_WATCH];
	size_t nwatch;
};

/* ---- hashing and the index --------------------------------------------------------- */

static uint64_t name_hash(const vakt_vnode *parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)parent;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static vakt_vnode *child_get(const vakt_view *v, const vakt_vnode *parent, const char *name,
			     size_t len)
{
	uint64_t h = name_hash(parent, name, len);
	for (vakt_vnode *n = v->tab[h & (v->tabsize - 1)]; n; n = n->hnext)
		if (n->hash == h && n->parent == parent && n->namelen == len &&
		    memcmp(n->name, name, len) == 0)
			return n;
	return NULL;
}

static void index_grow(vakt_view *v)
{
	size_t nsize = v->tabsize * 2;
	vakt_vnode **ntab = xcalloc(nsize, sizeof(*ntab));
	for (size_t i = 0; i < v->tabsize; i++) {
		vakt_vnode *n = v->tab[i];
		while (n) {
			vakt_vnode *next = n->hnext;
			n->hnext = ntab[n->hash & (nsize - 1)];
			ntab[n->hash & (nsize - 1)] = n;
			n = next;
		}
	}
	free(v->tab);
	v->tab = ntab;
	v->tabsize = nsize;
}

static void index_remove(vakt_view *v, vakt_vnode *n)
{
	vakt_vnode **pp = &v->tab[n->hash & (v->tabsize - 1)];
	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
}

/* The view's own nodes, found through the const lookup API. */
static vakt_vnode *node_unconst(const vakt_vnode *n)
{
	union {
		const vakt_vnode *c;
		vakt_vnode *m;
	} u = {.c = n};
	return u.m;
}

/* ---- content ------------------------------------------------------------------------ */

static void content_unref(vakt_view *v, vcontent *c)
{
	if (!c || --c->refs > 0)
		return;
	v->content_bytes -= c->len;
	free(c->data);
	free(c);
}

/* ---- nodes ---------------------------------------------------------------------------- */

static bool path_above_watch(const vakt_view *v, const char *path)
{
	size_t l = strlen(path);
	for (size_t i = 0; i < v->nwatch; i++)
		if (strncmp(v->watch[i], path, l) == 0 && v->watch[i][l] == '/')
			return true;
	return false;
}

static bool path_watched(const vakt_view *v, const vakt_vnode *parent, const char *path)
{
	if (parent && parent->watched)
		return true;
	for (size_t i = 0; i < v->nwatch; i++) {
		size_t l = strlen(v->watch[i]);
		if (strncmp(v->watch[i], path, l) == 0 && (path[l] == '\0' || path[l] == '/'))
			return true;
	}
	return false;
}

/* Create a child of parent named name[0..len); the caller checked it does not exist.
 * path is the node's full path (for watch matching). */
static int node_new(vakt_view *v, vakt_vnode *parent, const char *name, size_t len,
		    const char *path, vakt_vnode **ret, vakt_error **err)
{
	if (v->nodes >= v->lim.max_nodes)
		return vakt_error_set(err, VAKT_E_LIMIT,
				      "more than %zu files kept from the image's layers", v->lim.max_nodes);
	vakt_vnode *n = xcalloc(1, sizeof(*n));
	n->name = xstrndup(name, len);
	n->namelen = len;
	n->parent = parent;
	n->hash = name_hash(parent, name, len);
	n->type = VAKT_V_DIR;
	n->watched = path_watched(v, parent, path);
	n->watch_anc = !n->watched && path_above_watch(v, path);
	n->next = parent->first;
	if (parent->first)
		parent->first->prev = n;
	parent->first = n;
	if (v->nodes + 1 > v->tabsize)
		index_grow(v);
	n->hnext = v->tab[n->hash & (v->tabsize - 1)];
	v->tab[n->hash & (v->tabsize - 1)] = n;
	v->nodes++;
	if (n->watched || n->watch_anc)
		v->generation++;
	*ret = n;
	return 0;
}

/* Drop what a node holds (link, content) so it can become something else. */
static void node_clear(vakt_view *v, vakt_vnode *n)
{
	free(n->link);
	n->link = NULL;
	content_unref(v, n->content);
	n->content = NULL;
}

/* Remove n and everything below it. */
static void node_delete(vakt_view *v, vakt_vnode *n)
{
	while (n->first)
		node_delete(v, n->first);
	if (n->watched || n->watch_anc)
		v->generation++;
	node_clear(v, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		n->parent->first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	index_remove(v, n);
	v->nodes--;
	free(n->name);
	free(n);
}

/* Remove the nodes at and below n that lower layers (< layer) put there; keep what this
 * layer added, with the directories leading to it. Returns true if n itself was removed. */
static bool delete_lower(vakt_view *v, vakt_vnode *n, int layer)
{
	if (n->type != VAKT_V_DIR) {
		if (n->layer < layer) {
			node_delete(v, n);
			return true;
		}
		return false;
	}
	vakt_vnode *c = n->first;
	while (c) {
		vakt_vnode *next = c->next;
		delete_lower(v, c, layer);
		c = next;
	}
	if (!n->first && n->layer < layer && n != &v->root) {
		node_delete(v, n);
		return true;
	}
	return false;
}

/* Walk path's parent directories as this layer sees them: each is a directory, so a
 * lower-layer non-directory of the same name is hidden (removed). Stops at the first
 * component not in the view. Returns the parent node of the last component when every
 * parent exists, else NULL; *ret_last and *ret_lastlen name the last component. */
static vakt_vnode *walk_parents(vakt_view *v, const char *path, const char **ret_last,
				size_t *ret_lastlen, bool *ret_complete)
{
	vakt_vnode *cur = &v->root;
	const char *p = path;
	*ret_complete = true;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash) {
			*ret_last = p;
			*ret_lastlen = strlen(p);
			return cur;
		}
		vakt_vnode *c = child_get(v, cur, p, (size_t)(slash - p));
		if (c && c->type != VAKT_V_DIR) {
			/* An upper directory hides a lower file or link of the same name. A
			 * non-directory from this very layer is a malformed archive (a file and
			 * then entries below it); extraction would replace it too. */
			node_delete(v, c);
			c = NULL;
		}
		if (!c) {
			*ret_complete = false;
			*ret_last = slash + 1;
			*ret_lastlen = strlen(slash + 1);
			return cur;
		}
		cur = c;
		p = slash + 1;
	}
}

/* Create the missing directories of path below the deepest existing one. */
static int make_parents(vakt_view *v, int layer, const char *path, vakt_vnode **ret_parent,
			const char **ret_last, vakt_error **err)
{
	vakt_vnode *cur = &v->root;
	const char *p = path;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash) {
			*ret_parent = cur;
			*ret_last = p;
			return 0;
		}
		vakt_vnode *c = child_get(v, cur, p, (size_t)(slash - p));
		if (c && c->type != VAKT_V_DIR) {
			node_delete(v, c);
			c = NULL;
		}
		if (!c) {
			char *sub = xstrndup(path, (size_t)(slash - path));
			int r = node_new(v, cur, p, (size_t)(slash - p), sub, &c, err);
			free(sub);
			if (r < 0)
				return r;
			c->layer = layer;
		}
		cur = c;
		p = slash + 1;
	}
}

/* ---- public --------------------------------------------------------------------------- */

vakt_view *vakt_view_new(const vakt_view_limits *lim)
{
	vakt_view *v = xcalloc(1, sizeof(*v));
	v->tabsize = 1024;
	v->tab = xcalloc(v->tabsize, sizeof(*v->tab));
	v->root.type = VAKT_V_DIR;
	v->root.layer = -1;
	v->lim.max_nodes = lim && lim->max_nodes ? lim->max_nodes : 4000000;
	v->lim.max_content = lim && lim->max_content ? lim->max_content : (1ULL << 30);
	return v;
}

vakt_view *vakt_view_free(vakt_view *v)
{
	if (!v)
		return NULL;
	while (v->root.first)
		node_delete(v, v->root.first);
	for (size_t i = 0; i < v->nwatch; i++)
		free(v->watch[i]);
	free(v->tab);
	free(v);
	return NULL;
}

static void mark_watched(vakt_vnode *n)
{
	n->watched = true;
	n->watch_anc = false;
	for (vakt_vnode *c = n->first; c; c = c->next)
		mark_watched(c);
}

void vakt_view_watch(vakt_view *v, const char *prefix)
{
	for (size_t i = 0; i < v->nwatch; i++)
		if (strcmp(v->watch[i], prefix) == 0)
			return;
	if (v->nwatch >= MAX_WATCH)
		return;
	v->watch[v->nwatch++] = xstrdup(prefix);
	/* nodes already there: the one at prefix and below are watched, those above it
	 * watch for being replaced */
	vakt_vnode *n = node_unconst(vakt_view_lookup(v, prefix, true));
	if (n) {
		mark_watched(n);
		for (vakt_vnode *p = n->parent; p && p != &v->root; p = p->parent)
			if (!p->watched)
				p->watch_anc = true;
	}
}

uint64_t vakt_view_generation(const vakt_view *v)
{
	return v->generation;
}

size_t vakt_view_nodes(const vakt_view *v)
{
	return v->nodes;
}

uint64_t vakt_view_content_bytes(const vakt_view *v)
{
	return v->content_bytes;
}

int vakt_view_apply(vakt_view *v, int layer, const vakt_ventry *e, vakt_error **err)
{
	const char *last;
	size_t lastlen;
	bool complete;
	bool keep = e->keep || e->type == VAKT_V_SYMLINK;

	if (!*e->path) { /* the root directory itself: nothing to do */
		free(e->data);
		return 0;
	}
	vakt_vnode *parent = walk_parents(v, e->path, &last, &lastlen, &complete);
	vakt_vnode *cur = complete ? child_get(v, parent, last, lastlen) : NULL;

	if (e->type == VAKT_V_DIR) {
		/* A directory merges with a lower directory and hides a lower non-directory. */
		if (cur && cur->type != VAKT_V_DIR) {
			node_delete(v, cur);
			cur = NULL;
		}
		if (cur)
			cur->layer = layer;
		free(e->data);
		return 0;
	}
	/* A non-directory hides whatever lower layers had at this path, subtree included. */
	if (cur) {
		if (cur->type == VAKT_V_DIR) {
			delete_lower(v, cur, layer);
			cur = child_get(v, parent, last, lastlen); /* survives only if this layer wrote below it */
			if (cur) {
				node_delete(v, cur);
				cur = NULL;
			}
		} else {
			if (cur->watched || cur->watch_anc)
				v->generation++;
			node_clear(v, cur);
		}
	}
	if (!keep) {
		if (cur)
			node_delete(v, cur);
		free(e->data);
		return 0;
	}
	if (e->data && v->content_bytes + e->len > v->lim.max_content) {
		char lim[32];
		free(e->data);
		if (cur)
			node_delete(v, cur);
		return vakt_error_set(err, VAKT_E_LIMIT,
				      "%s: the files vakt keeps from the image exceed %s", e->path,
				      vakt_size_str(v->lim.max_content, lim, sizeof(lim)));
	}
	if (!cur) {
		int r = make_parents(v, layer, e->path, &parent, &last, err);
		if (r < 0) {
			free(e->data);
			return r;
		}
		r = node_new(v, parent, last, strlen(last), e->path, &cur, err);
		if (r < 0) {
			free(e->data);
			return r;
		}
	}
	cur->type = e->type;
	cur->layer = layer;
	if (e->type == VAKT_V_SYMLINK)
		cur->link = xstrdup(e->link ? e->link : "");
	if (e->data) {
		cur->content = xcalloc(1, sizeof(*cur->content));
		cur->content->refs = 1;
		cur->content->data = e->data;
		cur->content->len = e->len;
		v->content_bytes += e->len;
	}
	return 0;
}

void vakt_view_whiteout(vakt_view *v, int layer, const char *dir, const char *name)
{
	char *path = *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	const char *last;
	size_t lastlen;
	bool complete;
	vakt_vnode *parent = walk_parents(v, path, &last, &lastlen, &complete);

	if (complete) {
		if (strcmp(name, ".wh..opq") == 0) {
			/* ".wh..wh..opq": the directory hides everything lower layers put in it. */
			vakt_vnode *c = parent->first;
			while (c) {
				vakt_vnode *next = c->next;
				delete_lower(v, c, layer);
				c = next;
			}
		} else {
			vakt_vnode *cur = child_get(v, parent, last, lastlen);
			if (cur)
				delete_lower(v, cur, layer);
		}
	}
	free(path);
}

int vakt_view_hardlink(vakt_view *v, int layer, const char *path, const char *target,
		       bool keep, bool *ret_missing, vakt_error **err)
{
	*ret_missing = false;
	const vakt_vnode *t = vakt_view_lookup(v, target, true);
	vcontent *c = NULL;
	if (t && t->type == VAKT_V_REG && t->layer == layer)
		c = t->content;
	else if (t && t->type == VAKT_V_SYMLINK && t->layer == layer) {
		/* A hard link to a symlink is another symlink. */
		vakt_ventry e = {.type = VAKT_V_SYMLINK, .path = path, .link = t->link, .keep = true};
		return vakt_view_apply(v, layer, &e, err);
	}
	vakt_ventry e = {.type = VAKT_V_REG, .path = path, .keep = keep};
	int r = vakt_view_apply(v, layer, &e, err);
	if (r < 0 || !keep)
		return r;
	if (!c) {
		*ret_missing = true;
		return 0;
	}
	vakt_vnode *n = node_unconst(vakt_view_lookup(v, path, true));
	if (n) {
		c->refs++;
		n->content = c;
	}
	return 0;
}

/* ---- lookup ---------------------------------------------------------------------------- */

/* Resolve path from the root. On return *ret_parent is the directory of the last
 * component and *ret_last names it (pointing into a buffer the caller owns through work).
 * Returns the node, or NULL (with *ret_parent NULL when a parent is missing). */
static const vakt_vnode *resolve(const vakt_view *v, const char *path, bool nofollow,
				 const vakt_vnode **ret_parent, char *lastbuf, size_t lastlen)
{
	/* work: the remaining path to walk, rebuilt when a link is followed */
	char work[8192];
	size_t links = 0;
	const vakt_vnode *cur = &v->root;
	if (strlen(path) >= sizeof(work))
		return NULL;
	strcpy(work, path);
	char *p = work;

	*ret_parent = NULL;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			*ret_parent = cur->parent ? cur->parent : cur;
			if (lastbuf && lastlen)
				lastbuf[0] = '\0';
			return cur;
		}
		char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		bool final = true;
		for (char *q = p + clen; *q; q++)
			if (*q != '/') {
				final = false;
				break;
			}
		if (clen == 1 && p[0] == '.') {
			p += clen;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			/* ".." at the root stays at the root: the image is the whole world. */
			if (cur->parent)
				cur = cur->parent;
			p += clen;
			continue;
		}
		const vakt_vnode *c = child_get(v, cur, p, clen);
		if (final) {
			*ret_parent = cur;
			if (lastbuf && lastlen) {
				size_t n = clen < lastlen - 1 ? clen : lastlen - 1;
				memcpy(lastbuf, p, n);
				lastbuf[n] = '\0';
			}
		}
		if (!c)
			return NULL;
		if (c->type == VAKT_V_SYMLINK && !(final && nofollow)) {
			if (++links > MAX_SYMLINKS)
				return NULL;
			/* Splice the target in front of the rest of the path. An absolute
			 * target restarts at the image root, never the host's. */
			const char *rest = p + clen;
			size_t tl = strlen(c->link), rl = strlen(rest);
			if (tl + rl + 2 > sizeof(work))
				return NULL;
			char tmp[8192];
			memcpy(tmp, c->link, tl);
			memcpy(tmp + tl, rest, rl + 1);
			memcpy(work, tmp, tl + rl + 1);
			p = work;
			if (c->link[0] == '/')
				cur = &v->root;
			*ret_parent = NULL;
			continue;
		}
		if (final)
			return c;
		if (c->type != VAKT_V_DIR)
			return NULL;
		cur = c;
		p += clen;
	}
}

const vakt_vnode *vakt_view_lookup(const vakt_view *v, const char *path, bool nofollow)
{
	const vakt_vnode *parent;
	return resolve(v, path, nofollow, &parent, NULL, 0);
}

const char *vakt_view_path(const vakt_vnode *n, char *buf, size_t len)
{
	/* Build from the leaf upwards at the end of buf, then move to the front. */
	if (!len)
		return buf;
	size_t pos = len - 1;
	buf[pos] = '\0';
	for (const vakt_vnode *c = n; c && c->parent; c = c->parent) {
		if (c->namelen + 1 > pos) {
			buf[0] = '\0';
			return buf;
		}
		pos -= c->namelen;
		memcpy(buf + pos, c->name, c->namelen);
		if (c->parent->parent)
			buf[--pos] = '/';
	}
	memmove(buf, buf + pos, len - pos);
	return buf;
}

const char *vakt_view_resolve(const vakt_view *v, const char *path, char *buf, size_t len)
{
	const vakt_vnode *parent;
	char last[4097]; /* one component: at most a whole path */
	const vakt_vnode *n = resolve(v, path, false, &parent, last, sizeof(last));
	if (n)
		return vakt_view_path(n, buf, len);
	if (!parent || !last[0])
		return NULL;
	vakt_view_path(parent, buf, len);
	size_t bl = strlen(buf), ll = strlen(last);
	if (bl + ll + 2 > len)
		return NULL;
	if (bl)
		buf[bl++] = '/';
	memcpy(buf + bl, last, ll + 1);
	return buf;
}

vakt_vtype vakt_vnode_type(const vakt_vnode *n)
{
	return n->type;
}

const char *vakt_vnode_data(const vakt_vnode *n, size_t *ret_len)
{
	if (!n->content) {
		*ret_len = 0;
		return NULL;
	}
	*ret_len = n->content->len;
	return n->content->data;
}

int vakt_vnode_layer(const vakt_vnode *n)
{
	return n->layer;
}

static int cmp_node_name(const void *a, const void *b)
{
	const vakt_vnode *x = *(const vakt_vnode *const *)a, *y = *(const vakt_vnode *const *)b;
	return strcmp(x->name, y->name);
}

void vakt_view_children(const vakt_vnode *dir, vakt_view_child_fn fn, void *ud)
{
	size_t n = 0;
	for (const vakt_vnode *c = dir->first; c; c = c->next)
		n++;
	if (!n)
		return;
	const vakt_vnode **list = xcalloc(n, sizeof(*list));
	size_t i = 0;
	for (const vakt_vnode *c = dir->first; c; c = c->next)
		list[i++] = c;
	qsort(list, n, sizeof(*list), cmp_node_name);
	for (i = 0; i < n; i++)
		fn(list[i], list[i]->name, ud);
	free(list);
}
