/* ignore.c - see ignore.h. */
#include "vuln/ignore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define IGNORE_MAX_LINE 4096
#define IGNORE_MAX_ENTRIES 100000

void vakt_vignore_init(vakt_vignore *ig)
{
	memset(ig, 0, sizeof(*ig));
}

void vakt_vignore_free(vakt_vignore *ig)
{
	for (size_t i = 0; i < ig->n; i++) {
		free(ig->items[i].id);
		free(ig->items[i].package);
		free(ig->items[i].reason);
		free(ig->items[i].file);
	}
	free(ig->items);
	memset(ig, 0, sizeof(*ig));
}

/* "2025-03-31" -> the last second of that day, UTC. false when malformed. */
static bool parse_date(const char *s, size_t len, time_t *ret)
{
	struct tm tm = {0};
	char buf[16];
	if (len != 10)
		return false;
	memcpy(buf, s, 10);
	buf[10] = '\0';
	const char *end = strptime(buf, "%Y-%m-%d", &tm);
	if (!end || *end)
		return false;
	*ret = timegm(&tm) + 86399;
	return true;
}

static vakt_vignore_entry *add(vakt_vignore *ig, const char *file, unsigned line, vakt_error **err)
{
	if (ig->n >= IGNORE_MAX_ENTRIES) {
		vakt_error_set_at(err, VAKT_E_LIMIT, file, line, 0, "more than %d ignore entries", IGNORE_MAX_ENTRIES);
		return NULL;
	}
	if (ig->n == ig->cap) {
		ig->cap = ig->cap ? ig->cap * 2 : 16;
		ig->items = xreallocarray(ig->items, ig->cap, sizeof(*ig->items));
	}
	vakt_vignore_entry *e = &ig->items[ig->n++];
	memset(e, 0, sizeof(*e));
	e->file = xstrdup(file);
	e->line = line;
	return e;
}

/* An ID: letters, digits and "-_.:" (CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, ALSA-2024:1234). */
static bool valid_id(const char *s, size_t len)
{
	if (!len || len > 256)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* One line of .vaktignore / .trivyignore (comment and blank lines already skipped). */
static int parse_line(vakt_vignore *ig, char *s, const char *path, unsigned line, bool trivy, vakt_error **err)
{
	char *reason = NULL;
	char *hash = strchr(s, '#');
	if (hash) {
		*hash = '\0';
		reason = hash + 1;
		while (*reason == ' ' || *reason == '\t')
			reason++;
	}
	char *save = NULL, *tok = strtok_r(s, " \t", &save);
	if (!tok)
		return 0;
	if (!valid_id(tok, strlen(tok)))
		return vakt_error_set_at(err, VAKT_E_PARSE, path, line, 1, "\"%s\" is not a vulnerability ID", tok);
	vakt_vignore_entry *e = add(ig, path, line, err);
	if (!e)
		return VAKT_E_LIMIT;
	e->id = xstrdup(tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (strncmp(tok, "exp:", 4) == 0) {
			if (!parse_date(tok + 4, strlen(tok + 4), &e->expires))
				return vakt_error_set_at(err, VAKT_E_PARSE, path, line, 0,
							 "exp: expected a date YYYY-MM-DD, got \"%s\"", tok + 4);
		} else if (!trivy && strncmp(tok, "pkg:", 4) == 0 && tok[4]) {
			free(e->package);
			e->package = xstrdup(tok + 4);
		} else {
			return vakt_error_set_at(err, VAKT_E_PARSE, path, line, 0,
						 "unexpected \"%s\" (expected %s)", tok,
						 trivy ? "exp:YYYY-MM-DD" : "pkg:NAME or exp:YYYY-MM-DD");
		}
	}
	if (reason && *reason) {
		size_t l = strlen(reason);
		while (l && (reason[l - 1] == ' ' || reason[l - 1] == '\t' || reason[l - 1] == '\r'))
			l--;
		e->reason = xstrndup(reason, l);
	}
	return 0;
}

int vakt_vignore_load_file(vakt_vignore *ig, const char *path, bool trivy, vakt_error **err)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return vakt_error_set(err, errno == ENOENT ? VAKT_E_NOTFOUND : VAKT_E_IO, "%s: %s", path,
				      strerror(errno));
	char buf[IGNORE_MAX_LINE + 2];
	unsigned line = 0;
	int r = 0;
	while (r >= 0 && fgets(buf, sizeof(buf), f)) {
		line++;
		size_t l = strlen(buf);
		if (l == sizeof(buf) - 1 && buf[l - 1] != '\n') {
			r = vakt_error_set_at(err, VAKT_E_PARSE, path, line, 0, "line longer than %d bytes",
					      IGNORE_MAX_LINE);
			break;
		}
		while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
			buf[--l] = '\0';
		char *s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		r = parse_line(ig, s, path, line, trivy, err);
	}
	if (r >= 0 && ferror(f))
		r = vakt_error_set(err, VAKT_E_IO, "%s: read error", path);
	fclose(f);
	return r;
}

static int cfg_error(const vakt_config *c, const vakt_node *n, vakt_error **err, const char *msg)
{
	return vakt_error_set_at(err, VAKT_E_USAGE, c->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
}

int vakt_vignore_load_config(vakt_vignore *ig, const vakt_config *c, vakt_error **err)
{
	if (!c->root || c->root->type != VAKT_NODE_MAP)
		return 0;
	const vakt_node *v = vakt_node_get(c->root, "vulnerabilities");
	if (!v || vakt_node_is_null(v))
		return 0;
	if (v->type != VAKT_NODE_MAP)
		return cfg_error(c, v, err, "vulnerabilities: expected a mapping with ignore:");
	for (size_t i = 0; i < v->map.n; i++) {
		const vakt_node *k = v->map.pairs[i].key, *list = v->map.pairs[i].value;
		const char *key = vakt_node_str(k);
		if (!key || strcmp(key, "ignore") != 0)
			return cfg_error(c, k, err, "vulnerabilities: unknown setting (known: ignore)");
		if (list->type != VAKT_NODE_SEQ)
			return cfg_error(c, list, err, "vulnerabilities.ignore: expected a list of {id, package, reason, expires}");
		for (size_t j = 0; j < list->seq.n; j++) {
			const vakt_node *it = list->seq.items[j];
			if (it->type != VAKT_NODE_MAP)
				return cfg_error(c, it, err, "expected a mapping {id, package, reason, expires}");
			vakt_vignore_entry *e = add(ig, c->path, it->line, err);
			if (!e)
				return VAKT_E_LIMIT;
			for (size_t m = 0; m < it->map.n; m++) {
				const vakt_node *ek = it->map.pairs[m].key, *ev = it->map.pairs[m].value;
				const char *name = vakt_node_str(ek), *val = vakt_node_str(ev);
				if (!name || !val)
					return cfg_error(c, ek, err, "expected KEY: VALUE strings");
				if (strcmp(name, "id") == 0) {
					if (!valid_id(val, strlen(val)))
						return cfg_error(c, ev, err, "id: not a vulnerability ID");
					free(e->id);
					e->id = xstrdup(val);
				} else if (strcmp(name, "package") == 0) {
					free(e->package);
					e->package = xstrdup(val);
				} else if (strcmp(name, "reason") == 0) {
					free(e->reason);
					e->reason = xstrdup(val);
				} else if (strcmp(name, "expires") == 0) {
					if (!parse_date(val, strlen(val), &e->expires))
						return cfg_error(c, ev, err, "expires: expected a date YYYY-MM-DD");
				} else {
					return cfg_error(c, ek, err, "unknown key (known: id, package, reason, expires)");
				}
			}
			if (!e->id)
				return cfg_error(c, it, err, "an ignore entry needs an id");
		}
	}
	return 0;
}

static bool covers(const vakt_vignore_entry *e, const vakt_vfinding *f)
{
	if (e->package && strcmp(e->package, f->pkg->name) != 0 &&
	    !(f->pkg->src_name && strcmp(e->package, f->pkg->src_name) == 0))
		return false;
	if (strcmp(e->id, f->id) == 0)
		return true;
	for (size_t i = 0; i < f->naliases; i++)
		if (strcmp(e->id, f->aliases[i]) == 0)
			return true;
	return false;
}

const vakt_vignore_entry *vakt_vignore_match(vakt_vignore *ig, const vakt_vfinding *f, time_t now,
					     void (*on_expired)(const vakt_vignore_entry *e, void *ud),
					     void *ud)
{
	for (size_t i = 0; i < ig->n; i++) {
		vakt_vignore_entry *e = &ig->items[i];
		if (!covers(e, f))
			continue;
		if (e->expires && now > e->expires) {
			if (!e->expired_noted && on_expired)
				on_expired(e, ud);
			e->expired_noted = true;
			continue;
		}
		return e;
	}
	return NULL;
}
