/* osrel.c - which operating system an image is built from.
 *
 * The primary source is os-release(5) (etc/os-release, else usr/lib/os-release): a
 * shell-compatible list of KEY=value assignments. The distributions' own release files
 * then refine it, the way Trivy's and Syft's OS analyzers do:
 *   etc/debian_version   "12.8"   (point release; "trixie/sid" on testing says nothing)
 *   etc/alpine-release   "3.19.1"
 *   etc/redhat-release   "CentOS Linux release 7.9.2009 (Core)"
 * and stand in for os-release on images old enough to lack it (CentOS 6, Debian 6).
 *
 * Everything here reads bytes an image author controls, so the parser is bounded: at
 * most OSREL_MAX_INPUT bytes of os-release are looked at, lines longer than
 * OSREL_MAX_LINE are skipped as junk, each value is unquoted into a fixed stack buffer
 * no longer than its line, and only the handful of keys vakt reports are copied to the
 * arena (so the arena grows by at most the input size).
 */
#include "image/image.h"

#include <stdbool.h>
#include <string.h>

#define OSREL_MAX_INPUT (64 * 1024) /* bytes of os-release read; the rest is ignored */
#define OSREL_MAX_LINE 4096         /* longer lines are junk */
#define RELEASE_MAX_LINE 256        /* first line of debian_version and friends */

/* The os-release keys vakt keeps. */
struct osrel {
	const char *id, *version_id, *codename, *ubuntu_codename, *version, *pretty, *name,
		*id_like;
	bool any; /* at least one recognised key */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_key_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

/* Unquote the value part of one line (v[0..n)) into out (room for n + 1 bytes), shell
 * style as os-release(5) asks: '...' is literal; inside "..." a backslash escapes
 * $ " \ and ` (and is kept before anything else, as in sh); outside quotes a backslash
 * escapes any character. A '#' after unquoted whitespace starts a comment. Unquoted
 * whitespace inside the value is kept (sh would run the rest as a command; no real file
 * does that, and keeping it loses nothing); leading and trailing unquoted whitespace is
 * dropped. Returns false for junk: an unterminated quote or a NUL byte. */
static bool unquote(const char *v, size_t n, char *out, size_t *out_len)
{
	size_t o = 0, i = 0, keep = 0; /* keep: length up to the last quoted or non-blank byte */
	enum { BARE, DQ, SQ } st = BARE;

	while (i < n && is_blank(v[i]))
		i++;
	for (; i < n; i++) {
		char c = v[i];
		if (c == '\0')
			return false;
		switch (st) {
		case SQ:
			if (c == '\'')
				st = BARE;
			else
				out[o++] = c;
			keep = o;
			break;
		case DQ:
			if (c == '"') {
				st = BARE;
			} else if (c == '\\' && i + 1 < n &&
				   (v[i + 1] == '"' || v[i + 1] == '\\' || v[i + 1] == '$' ||
				    v[i + 1] == '`')) {
				out[o++] = v[++i];
			} else {
				out[o++] = c;
			}
			keep = o;
			break;
		case BARE:
		default:
			if (c == '"') {
				st = DQ;
				keep = o;
			} else if (c == '\'') {
				st = SQ;
				keep = o;
			} else if (c == '\\') {
				if (i + 1 < n) {
					if (v[i + 1] == '\0')
						return false;
					out[o++] = v[++i];
					keep = o;
				}
				/* a trailing backslash (line continuation) adds nothing */
			} else if (is_blank(c)) {
				/* whitespace then '#': a comment ends the value */
				size_t j = i;
				while (j < n && is_blank(v[j]))
					j++;
				if (j == n || v[j] == '#')
					goto done;
				out[o++] = c;
			} else {
				out[o++] = c;
				keep = o;
			}
			break;
		}
	}
	if (st != BARE)
		return false; /* unterminated quote: a junk line, not a value */
done:
	out[keep] = '\0';
	*out_len = keep;
	return true;
}

/* Which struct member a key fills, or NULL for keys vakt does not keep. */
static const char **field_for(struct osrel *r, const char *key, size_t klen)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"ID", offsetof(struct osrel, id)},
		{"VERSION_ID", offsetof(struct osrel, version_id)},
		{"VERSION_CODENAME", offsetof(struct osrel, codename)},
		{"UBUNTU_CODENAME", offsetof(struct osrel, ubuntu_codename)},
		{"VERSION", offsetof(struct osrel, version)},
		{"PRETTY_NAME", offsetof(struct osrel, pretty)},
		{"NAME", offsetof(struct osrel, name)},
		{"ID_LIKE", offsetof(struct osrel, id_like)},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].key) == klen && memcmp(keys[i].key, key, klen) == 0)
			return (const char **)(void *)((char *)r + keys[i].off);
	return NULL;
}

/* One line of os-release: KEY=value, a comment, a blank line, or junk (ignored). */
static void parse_line(struct osrel *r, const char *line, size_t n, vakt_arena *arena)
{
	size_t i = 0;
	while (i < n && is_blank(line[i]))
		i++;
	if (i == n || line[i] == '#' || !is_key_start(line[i]))
		return;
	size_t k0 = i;
	while (i < n && is_key_char(line[i]))
		i++;
	if (i == n || line[i] != '=')
		return; /* "KEY value", "export KEY=...", "KEY =": not an assignment we read */
	const char **slot = field_for(r, line + k0, i - k0);
	if (!slot)
		return;
	i++; /* '=' */
	/* the value is never longer than the line, which is at most OSREL_MAX_LINE */
	char val[OSREL_MAX_LINE + 1];
	size_t vlen = 0;
	if (!unquote(line + i, n - i, val, &vlen))
		return;
	/* an empty value says nothing; a later assignment of the key still wins */
	*slot = vlen ? vakt_arena_strndup(arena, val, vlen) : NULL;
	r->any = true;
}

static void parse_os_release(struct osrel *r, const char *data, size_t len, vakt_arena *arena)
{
	if (len > OSREL_MAX_INPUT)
		len = OSREL_MAX_INPUT; /* real files are a few hundred bytes */
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		if (n <= OSREL_MAX_LINE)
			parse_line(r, p, n, arena);
		p = nl ? nl + 1 : end;
	}
}

/* The first line of a small release file, without surrounding whitespace, in buf
 * (NUL-terminated); false when it is empty, too long or holds a NUL. */
static bool first_line(const char *data, size_t len, char *buf, size_t bufsz)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;
	while (n > 0 && is_blank(data[0]))
		data++, n--;
	while (n > 0 && is_blank(data[n - 1]))
		n--;
	if (n == 0 || n >= bufsz || memchr(data, '\0', n))
		return false;
	memcpy(buf, data, n);
	buf[n] = '\0';
	return true;
}

/* "12", "12.8", "6.0.10": digits and dots, starting and ending with a digit. */
static bool is_numeric_version(const char *s)
{
	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		if (*s == '.' && s[1] >= '0' && s[1] <= '9')
			continue;
		if (!(*s >= '0' && *s <= '9'))
			return false;
	}
	return true;
}

/* "3.19.1", "3.20.0_alpha20240329": a digit, then version characters. */
static bool is_version_token(const char *s)
{
	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      *s == '.' || *s == '_' || *s == '-' || *s == '+' || *s == '~'))
			return false;
	return true;
}

/* Whether precise refines the os-release VERSION_ID: equal, or VERSION_ID followed by
 * a separator ("7" -> "7.9.2009", "12" -> "12.8", "3.19" -> "3.19.1"). A release file
 * that disagrees with os-release (a half-upgraded image) is not trusted over it. */
static bool refines(const char *precise, const char *version_id)
{
	if (!version_id)
		return true;
	size_t n = strlen(version_id);
	return strncmp(precise, version_id, n) == 0 &&
	       (precise[n] == '\0' || precise[n] == '.' || precise[n] == '_' || precise[n] == '-');
}

/* The part of v before its first '.', in arena. */
static const char *major_of(const char *v, vakt_arena *arena)
{
	const char *dot = strchr(v, '.');
	return dot ? vakt_arena_strndup(arena, v, (size_t)(dot - v)) : vakt_arena_strdup(arena, v);
}

/* "12 (bookworm)" -> "bookworm": for os-release files older than VERSION_CODENAME
 * (Debian 8 and 9). Only a single lower-case word counts ("7 (Core)" is not a codename). */
static const char *codename_from_version(const char *version, vakt_arena *arena)
{
	const char *open = strchr(version, '(');
	if (!open)
		return NULL;
	const char *s = open + 1, *e = s;
	while (*e >= 'a' && *e <= 'z')
		e++;
	if (e == s || *e != ')')
		return NULL;
	return vakt_arena_strndup(arena, s, (size_t)(e - s));
}

/* redhat-release names -> os-release IDs. CentOS images write their own name; Oracle
 * Linux ships a redhat-release that says "Red Hat Enterprise Linux", which is why the
 * file never overrides an os-release ID, only refines a matching one. */
static const struct {
	const char *prefix, *id;
	bool major_only; /* the distribution's VERSION_ID is the major version alone */
} rh_names[] = {
	{"Red Hat Enterprise Linux", "rhel", false},
	{"CentOS", "centos", true}, /* "CentOS Linux", "CentOS Stream", "CentOS release" */
	{"Rocky Linux", "rocky", false},
	{"AlmaLinux", "almalinux", false},
	{"Fedora", "fedora", false},
	{"Oracle Linux", "ol", false},
	{"Scientific Linux", "scientific", true},
	{"CloudLinux", "cloudlinux", false},
	{"EuroLinux", "eurolinux", false},
	{"Amazon Linux", "amzn", false},
};

/* Parse "<name> release <version> (<codename>)"; false when the line has no such shape.
 * *id is NULL for a name vakt does not know. */
static bool parse_redhat_release(const char *line, const char **id, bool *major_only, char *ver,
				 size_t versz)
{
	const char *rel = strstr(line, " release ");
	if (!rel)
		return false;
	const char *v = rel + strlen(" release ");
	while (*v == ' ')
		v++;
	size_t n = 0;
	while ((v[n] >= '0' && v[n] <= '9') || (v[n] == '.' && n > 0))
		n++;
	while (n > 0 && v[n - 1] == '.')
		n--;
	if (n == 0 || n >= versz)
		return false;
	memcpy(ver, v, n);
	ver[n] = '\0';
	*id = NULL;
	*major_only = false;
	for (size_t i = 0; i < sizeof(rh_names) / sizeof(rh_names[0]); i++) {
		size_t pn = strlen(rh_names[i].prefix);
		if (strncmp(line, rh_names[i].prefix, pn) == 0 && line + pn <= rel) {
			*id = rh_names[i].id;
			*major_only = rh_names[i].major_only;
			break;
		}
	}
	return true;
}

/* os-release IDs are lower case by definition (os-release(5)); fold an image that got
 * it wrong so the package URL namespace and vulnerability matching see one spelling. */
static const char *lower_id(const char *id, vakt_arena *arena)
{
	char *s = vakt_arena_strdup(arena, id);
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Fill *os from whichever of the four files the image holds (see image.h). os-release
 * gives the identity; debian_version, alpine-release and redhat-release refine the
 * version of a matching ID (or supply ID and version when os-release is absent or has
 * no ID). `version` ends up as the most precise version known, else VERSION_ID. */
void vakt_os_detect(vakt_os_info *os, vakt_arena *arena, const char *os_release,
		    size_t os_release_len, const char *os_release_path, const char *alpine_release,
		    size_t alpine_len, const char *debian_version, size_t debian_len,
		    const char *redhat_release, size_t redhat_len)
{
	memset(os, 0, sizeof(*os));
	struct osrel r = {0};
	if (os_release)
		parse_os_release(&r, os_release, os_release_len, arena);

	if (r.any)
		os->source = vakt_arena_strdup(arena, os_release_path ? os_release_path : "etc/os-release");
	os->id = r.id ? lower_id(r.id, arena) : NULL;
	os->version_id = r.version_id;
	os->codename = r.codename ? r.codename : r.ubuntu_codename;
	if (!os->codename && r.version)
		os->codename = codename_from_version(r.version, arena);
	os->pretty_name = r.pretty ? r.pretty : r.name;
	os->id_like = r.id_like;

	char line[RELEASE_MAX_LINE];

	/* Debian point release: "12.8". Testing and unstable say "trixie/sid", and Ubuntu
	 * ships Debian's file with such a name in it: both are ignored. */
	if (debian_version && first_line(debian_version, debian_len, line, sizeof(line)) &&
	    is_numeric_version(line)) {
		if (!os->id) {
			os->id = "debian";
			os->version_id = major_of(line, arena);
			os->version = vakt_arena_strdup(arena, line);
			os->source = "etc/debian_version";
		} else if (strcmp(os->id, "debian") == 0 && !os->version) {
			const char *major = major_of(line, arena);
			if (!os->version_id || strcmp(major, os->version_id) == 0)
				os->version = vakt_arena_strdup(arena, line);
		}
	}

	/* Alpine: "3.19.1" (os-release carries the same since 3.x, older images only "3.4"). */
	if (alpine_release && first_line(alpine_release, alpine_len, line, sizeof(line)) &&
	    is_version_token(line)) {
		if (!os->id) {
			os->id = "alpine";
			os->version_id = vakt_arena_strdup(arena, line);
			os->version = os->version_id;
			os->source = "etc/alpine-release";
		} else if (strcmp(os->id, "alpine") == 0 && !os->version &&
			   refines(line, os->version_id)) {
			os->version = vakt_arena_strdup(arena, line);
		}
	}

	/* Red Hat family: "CentOS Linux release 7.9.2009 (Core)". */
	char ver[64];
	const char *rh_id;
	bool major_only;
	if (redhat_release && first_line(redhat_release, redhat_len, line, sizeof(line)) &&
	    parse_redhat_release(line, &rh_id, &major_only, ver, sizeof(ver))) {
		if (!os->id && rh_id) {
			os->id = rh_id;
			os->version_id = major_only ? major_of(ver, arena) : vakt_arena_strdup(arena, ver);
			os->version = vakt_arena_strdup(arena, ver);
			if (!os->pretty_name)
				os->pretty_name = vakt_arena_strdup(arena, line);
			os->source = "etc/redhat-release";
		} else if (os->id && rh_id && strcmp(os->id, rh_id) == 0 && !os->version &&
			   refines(ver, os->version_id)) {
			os->version = vakt_arena_strdup(arena, ver);
		}
	}

	if (!os->version)
		os->version = os->version_id;
}
