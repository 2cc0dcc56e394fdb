/* lint_util.c - see lint_util.h. */
#include "lint/lint_util.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void lint_cap_norm(const char *in, char *out, size_t len)
{
	if (strncasecmp(in, "CAP_", 4) == 0)
		in += 4;
	size_t i = 0;
	for (; in[i] && i + 1 < len; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

bool lint_cap_dangerous(const char *name)
{
	static const char *const dangerous[] = {
		"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO",
		"SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN",
		"MAC_OVERRIDE", "SYSLOG", "AUDIT_CONTROL", "LINUX_IMMUTABLE", "CHECKPOINT_RESTORE",
	};
	for (size_t i = 0; i < ARRAY_LEN(dangerous); i++)
		if (strcmp(name, dangerous[i]) == 0)
			return true;
	return false;
}

char *lint_clean_path(vakt_arena *a, const char *in)
{
	size_t n = strlen(in);
	char *out = vakt_arena_alloc(a, n + 2);
	size_t o = 0;
	out[o++] = '/';
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = '\0';
	return out;
}

bool lint_path_is_or_under(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool is_runtime_socket(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	static const char *const names[] = {"docker.sock",     "containerd.sock",  "crio.sock",
					    "cri-dockerd.sock", "podman.sock",      "dockershim.sock",
					    "cri-containerd.sock"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	return false;
}

bool lint_is_runtime_endpoint(const char *path)
{
	/* /var/run is a symlink to /run on every current distribution */
	static const char *const dirs[] = {"/run/docker", "/run/containerd", "/run/crio", "/run/podman"};
	if (is_runtime_socket(path))
		return true;
	if (strncmp(path, "/var/run/", 9) == 0)
		path += 4;
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		if (strcmp(path, dirs[i]) == 0)
			return true;
	return false;
}

static const char *const sensitive_dirs[] = {
	"/proc", "/sys", "/etc", "/root", "/boot", "/dev", "/lib", "/lib64", "/usr", "/bin",
	"/sbin", "/var/run", "/run", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd",
	"/var/lib/containers", "/var/lib/etcd", "/var/log", "/home",
};

const char *lint_sensitive_dir(const char *path, bool *contains)
{
	*contains = false;
	if (strcmp(path, "/") == 0)
		return "/";
	for (size_t d = 0; d < ARRAY_LEN(sensitive_dirs); d++)
		if (lint_path_is_or_under(path, sensitive_dirs[d]))
			return sensitive_dirs[d];
	*contains = true;
	for (size_t d = 0; d < ARRAY_LEN(sensitive_dirs); d++)
		if (lint_path_is_or_under(sensitive_dirs[d], path))
			return sensitive_dirs[d];
	return NULL;
}

void lint_image_ref_parse(const char *image, lint_image_ref *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->variable = strchr(image, '$') != NULL;
	const char *at = strchr(image, '@');
	ret->digest = at != NULL;
	size_t end = at ? (size_t)(at - image) : strlen(image);
	/* the first component is a registry when it has a '.' or ':' or is localhost */
	const char *slash = memchr(image, '/', end);
	if (slash) {
		size_t first = (size_t)(slash - image);
		if (memchr(image, '.', first) || memchr(image, ':', first) ||
		    (first == 9 && strncmp(image, "localhost", 9) == 0)) {
			ret->registry = image;
			ret->registry_len = first;
		}
	}
	if (!ret->registry) {
		ret->registry = "docker.io";
		ret->registry_len = 9;
	}
	const char *last_slash = NULL;
	for (const char *p = image; p < image + end; p++)
		if (*p == '/')
			last_slash = p;
	const char *colon = NULL;
	for (const char *p = last_slash ? last_slash : image; p < image + end; p++)
		if (*p == ':')
			colon = p;
	ret->tag = colon ? colon + 1 : "";
	ret->tag_len = colon ? (size_t)(image + end - colon - 1) : 0;
}

/* ---- secrets ---------------------------------------------------------------------------- */

/* A variable name that says it holds a secret (and is not a path to one): one of the words
 * below, ending the name or one of its parts. */
bool lint_secret_name(const char *k)
{
	static const char *const words[] = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY",
					    "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL",
					    "AUTH_KEY", "CLIENT_KEY", "SIGNING_KEY"};
	char up[256];
	size_t n = 0;
	for (; k[n] && n + 1 < sizeof(up); n++)
		up[n] = (char)toupper((unsigned char)k[n]);
	up[n] = '\0';
	static const char *const benign[] = {"_FILE", "_PATH", "_DIR", "_URL", "_ENDPOINT", "_NAME",
					     "_LENGTH", "_TTL", "_EXPIRY", "_HEADER", "_TYPE"};
	for (size_t i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		size_t b = strlen(benign[i]);
		if (n > b && strcmp(up + n - b, benign[i]) == 0)
			return false;
	}
	/* a word ends the name or a part of it (DB_PASSWORD, GITHUB_TOKEN, CLIENT_SECRETS,
	 * SECRETKEY), so TOKENIZERS_PARALLELISM is not a token */
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (const char *m = strstr(up, words[i]); m; m = strstr(m + 1, words[i])) {
			const char *e = m + strlen(words[i]);
			if (*e == 'S')
				e++;
			if (*e == '\0' || *e == '_' || *e == '-' || *e == '.' || strncmp(e, "KEY", 3) == 0)
				return true;
		}
	return false;
}

/* A value that looks like a credential whatever its name. */
const char *lint_secret_value(const char *v)
{
	if (!v)
		return NULL;
	if (strncmp(v, "AKIA", 4) == 0 && strlen(v) == 20)
		return "an AWS access key ID";
	if ((strncmp(v, "ghp_", 4) == 0 || strncmp(v, "gho_", 4) == 0 || strncmp(v, "ghs_", 4) == 0 ||
	     strncmp(v, "github_pat_", 11) == 0) && strlen(v) >= 36)
		return "a GitHub token";
	if (strncmp(v, "xox", 3) == 0 && strchr("baprs", v[3]) && v[4] == '-')
		return "a Slack token";
	if (strstr(v, "-----BEGIN") && strstr(v, "PRIVATE KEY"))
		return "a private key";
	if (strncmp(v, "glpat-", 6) == 0)
		return "a GitLab token";
	if (strncmp(v, "sk_live_", 8) == 0)
		return "a Stripe key";
	if (strncmp(v, "npm_", 4) == 0 && strlen(v) == 40)
		return "an npm token";
	return NULL;
}
