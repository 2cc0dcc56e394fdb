/* dockerrun.c - docker run lines; see dockerrun.h.
 *
 * Flags are read as spf13/pflag reads them for the docker and podman CLIs (both set
 * SetInterspersed(false), so the first positional word ends the options):
 *   --name=value   --name value (the next word, even one starting with '-')
 *   --bool         --bool=false (never "--bool false": that "false" is a positional)
 *   -u value  -uvalue  -u=value  -dit  -itu root (booleans cluster; a value flag ends
 *   the cluster and takes the rest of the word, or the next word)
 *   --             ends the options
 * The finding of the image is what matters most: a flag read with the wrong arity shifts
 * every later word. So the table below lists every option of docker run/create and podman
 * run/create with its arity, not only the ones the rules look at.
 */
#include "lint/dockerrun.h"
#include "core/cleanup.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- the option tables ----------------------------------------------------------------------- */

/* What an option sets in vakt_ctr. */
typedef enum opt_field {
	F_NONE = 0, /* read for its arity only */
	F_PRIVILEGED,
	F_READ_ONLY,
	F_READ_ONLY_TMPFS,
	F_USER,
	F_CAP_ADD,
	F_CAP_DROP,
	F_SECURITY_OPT,
	F_TMPFS,
	F_DEVICE,
	F_NETWORK,
	F_PID,
	F_IPC,
	F_UTS,
	F_USERNS,
	F_PIDS_LIMIT,
	F_MEMORY,
	F_VOLUME,
	F_MOUNT,
	F_PUBLISH,
	F_NAME,
	F_API_SOCKET,
} opt_field;

typedef struct run_opt {
	const char *name; /* long name, without "--" */
	char shorthand;	  /* 0 when none */
	bool value;	  /* takes a value; else a boolean (--flag or --flag=bool) */
	unsigned char field;
} run_opt;

/* clang-format off */
#define V(name, sh, field) {name, sh, true, field}
#define B(name, sh, field) {name, sh, false, field}

/* docker run and docker create (docker/cli cli/command/container/opts.go addFlags(),
 * run.go, create.go, and command.AddPlatformFlag / AddTrustVerificationFlags), and
 * podman run and podman create (cmd/podman/common/create.go, netflags.go): the union.
 * Alphabetical. */
static const run_opt run_opts[] = {
	V("add-host", 0, F_NONE),
	V("annotation", 0, F_NONE),
	V("arch", 0, F_NONE),                  /* podman */
	V("attach", 'a', F_NONE),
	V("authfile", 0, F_NONE),              /* podman */
	V("blkio-weight", 0, F_NONE),
	V("blkio-weight-device", 0, F_NONE),
	V("cap-add", 0, F_CAP_ADD),
	V("cap-drop", 0, F_CAP_DROP),
	V("cert-dir", 0, F_NONE),              /* podman */
	V("cgroup-conf", 0, F_NONE),           /* podman */
	V("cgroup-parent", 0, F_NONE),
	V("cgroupns", 0, F_NONE),
	V("cgroups", 0, F_NONE),               /* podman */
	V("chrootdirs", 0, F_NONE),            /* podman */
	V("cidfile", 0, F_NONE),
	V("conmon-pidfile", 0, F_NONE),        /* podman */
	V("cpu-count", 0, F_NONE),
	V("cpu-percent", 0, F_NONE),
	V("cpu-period", 0, F_NONE),
	V("cpu-quota", 0, F_NONE),
	V("cpu-rt-period", 0, F_NONE),
	V("cpu-rt-runtime", 0, F_NONE),
	V("cpu-shares", 'c', F_NONE),
	V("cpus", 0, F_NONE),
	V("cpuset-cpus", 0, F_NONE),
	V("cpuset-mems", 0, F_NONE),
	V("creds", 0, F_NONE),                 /* podman */
	V("decryption-key", 0, F_NONE),        /* podman */
	B("detach", 'd', F_NONE),
	V("detach-keys", 0, F_NONE),
	V("device", 0, F_DEVICE),
	V("device-cgroup-rule", 0, F_NONE),
	V("device-read-bps", 0, F_NONE),
	V("device-read-iops", 0, F_NONE),
	V("device-write-bps", 0, F_NONE),
	V("device-write-iops", 0, F_NONE),
	B("disable-content-trust", 0, F_NONE),
	V("dns", 0, F_NONE),
	V("dns-opt", 0, F_NONE),
	V("dns-option", 0, F_NONE),
	V("dns-search", 0, F_NONE),
	V("domainname", 0, F_NONE),
	V("entrypoint", 0, F_NONE),
	V("env", 'e', F_NONE),
	V("env-file", 0, F_NONE),
	B("env-host", 0, F_NONE),              /* podman */
	V("env-merge", 0, F_NONE),             /* podman */
	V("expose", 0, F_NONE),
	V("gidmap", 0, F_NONE),                /* podman */
	V("gpus", 0, F_NONE),
	V("group-add", 0, F_NONE),
	V("group-entry", 0, F_NONE),           /* podman */
	V("health-cmd", 0, F_NONE),
	V("health-interval", 0, F_NONE),
	V("health-log-destination", 0, F_NONE), /* podman */
	V("health-max-log-count", 0, F_NONE),  /* podman */
	V("health-max-log-size", 0, F_NONE),   /* podman */
	V("health-on-failure", 0, F_NONE),     /* podman */
	V("health-retries", 0, F_NONE),
	V("health-start-interval", 0, F_NONE),
	V("health-start-period", 0, F_NONE),
	V("health-startup-cmd", 0, F_NONE),    /* podman */
	V("health-startup-interval", 0, F_NONE), /* podman */
	V("health-startup-retries", 0, F_NONE), /* podman */
	V("health-startup-success", 0, F_NONE), /* podman */
	V("health-startup-timeout", 0, F_NONE), /* podman */
	V("health-timeout", 0, F_NONE),
	B("help", 0, F_NONE),
	V("hostname", 'h', F_NONE),
	V("hosts-file", 0, F_NONE),            /* podman */
	V("hostuser", 0, F_NONE),              /* podman */
	B("http-proxy", 0, F_NONE),            /* podman */
	V("image-volume", 0, F_NONE),          /* podman */
	B("init", 0, F_NONE),
	V("init-path", 0, F_NONE),             /* podman */
	B("interactive", 'i', F_NONE),
	V("io-maxbandwidth", 0, F_NONE),
	V("io-maxiops", 0, F_NONE),
	V("ip", 0, F_NONE),
	V("ip6", 0, F_NONE),
	V("ipc", 0, F_IPC),
	V("isolation", 0, F_NONE),
	V("kernel-memory", 0, F_NONE),
	V("label", 'l', F_NONE),
	V("label-file", 0, F_NONE),
	V("link", 0, F_NONE),
	V("link-local-ip", 0, F_NONE),
	V("log-driver", 0, F_NONE),
	V("log-opt", 0, F_NONE),
	V("mac-address", 0, F_NONE),
	V("memory", 'm', F_MEMORY),
	V("memory-reservation", 0, F_NONE),
	V("memory-swap", 0, F_NONE),
	V("memory-swappiness", 0, F_NONE),
	V("mount", 0, F_MOUNT),
	V("name", 0, F_NAME),
	V("net", 0, F_NETWORK),
	V("net-alias", 0, F_NONE),
	V("network", 0, F_NETWORK),
	V("network-alias", 0, F_NONE),
	B("no-healthcheck", 0, F_NONE),
	B("no-hosts", 0, F_NONE),              /* podman */
	B("oom-kill-disable", 0, F_NONE),
	V("oom-score-adj", 0, F_NONE),
	V("os", 0, F_NONE),                    /* podman */
	B("passwd", 0, F_NONE),                /* podman */
	V("passwd-entry", 0, F_NONE),          /* podman */
	V("personality", 0, F_NONE),           /* podman */
	V("pid", 0, F_PID),
	V("pidfile", 0, F_NONE),               /* podman */
	V("pids-limit", 0, F_PIDS_LIMIT),
	V("platform", 0, F_NONE),
	V("pod", 0, F_NONE),                   /* podman */
	V("pod-id-file", 0, F_NONE),           /* podman */
	V("preserve-fd", 0, F_NONE),           /* podman */
	V("preserve-fds", 0, F_NONE),          /* podman */
	B("privileged", 0, F_PRIVILEGED),
	V("publish", 'p', F_PUBLISH),
	B("publish-all", 'P', F_NONE),
	V("pull", 0, F_NONE),
	B("quiet", 'q', F_NONE),
	V("rdt-class", 0, F_NONE),             /* podman */
	B("read-only", 0, F_READ_ONLY),
	B("read-only-tmpfs", 0, F_READ_ONLY_TMPFS), /* podman */
	B("replace", 0, F_NONE),               /* podman */
	V("requires", 0, F_NONE),              /* podman */
	V("restart", 0, F_NONE),
	V("retry", 0, F_NONE),                 /* podman */
	V("retry-delay", 0, F_NONE),           /* podman */
	B("rm", 0, F_NONE),
	B("rmi", 0, F_NONE),                   /* podman */
	B("rootfs", 0, F_NONE),                /* podman */
	V("runtime", 0, F_NONE),
	V("sdnotify", 0, F_NONE),              /* podman */
	V("seccomp-policy", 0, F_NONE),        /* podman */
	V("secret", 0, F_NONE),                /* podman */
	V("security-opt", 0, F_SECURITY_OPT),
	V("shm-size", 0, F_NONE),
	V("shm-size-systemd", 0, F_NONE),      /* podman */
	B("sig-proxy", 0, F_NONE),
	V("signature-policy", 0, F_NONE),      /* podman */
	V("stop-signal", 0, F_NONE),
	V("stop-timeout", 0, F_NONE),
	V("storage-opt", 0, F_NONE),
	V("subgidname", 0, F_NONE),            /* podman */
	V("subuidname", 0, F_NONE),            /* podman */
	V("sysctl", 0, F_NONE),
	V("systemd", 0, F_NONE),               /* podman */
	V("timeout", 0, F_NONE),               /* podman */
	B("tls-verify", 0, F_NONE),            /* podman: --tls-verify[=bool] */
	V("tmpfs", 0, F_TMPFS),
	B("tty", 't', F_NONE),
	V("tz", 0, F_NONE),                    /* podman */
	V("uidmap", 0, F_NONE),                /* podman */
	V("ulimit", 0, F_NONE),
	V("umask", 0, F_NONE),                 /* podman */
	V("unsetenv", 0, F_NONE),              /* podman */
	B("unsetenv-all", 0, F_NONE),          /* podman */
	B("use-api-socket", 0, F_API_SOCKET),
	V("user", 'u', F_USER),
	V("userns", 0, F_USERNS),
	V("uts", 0, F_UTS),
	V("variant", 0, F_NONE),               /* podman */
	V("volume", 'v', F_VOLUME),
	V("volume-driver", 0, F_NONE),
	V("volumes-from", 0, F_NONE),
	V("workdir", 'w', F_NONE),
};

/* docker's global options (docker/cli cli/flags/options.go InstallFlags, and the root
 * command's --version), before the subcommand. */
static const run_opt docker_globals[] = {
	V("config", 0, F_NONE),
	V("context", 'c', F_NONE),
	B("debug", 'D', F_NONE),
	B("help", 0, F_NONE),
	V("host", 'H', F_NONE),
	V("log-level", 'l', F_NONE),
	B("tls", 0, F_NONE),
	V("tlscacert", 0, F_NONE),
	V("tlscert", 0, F_NONE),
	V("tlskey", 0, F_NONE),
	B("tlsverify", 0, F_NONE),
	B("version", 'v', F_NONE),
};

/* podman's global options (cmd/podman/root.go rootFlags). */
static const run_opt podman_globals[] = {
	V("cdi-spec-dir", 0, F_NONE),
	V("cgroup-manager", 0, F_NONE),
	V("cni-config-dir", 0, F_NONE),
	V("config", 0, F_NONE),
	V("conmon", 0, F_NONE),
	V("connection", 'c', F_NONE),
	V("db-backend", 0, F_NONE),
	V("events-backend", 0, F_NONE),
	B("help", 'h', F_NONE),
	V("hooks-dir", 0, F_NONE),
	V("identity", 0, F_NONE),
	V("imagestore", 0, F_NONE),
	V("log-level", 0, F_NONE),
	V("module", 0, F_NONE),
	V("network-backend", 0, F_NONE),
	V("network-cmd-path", 0, F_NONE),
	V("network-config-dir", 0, F_NONE),
	B("noout", 0, F_NONE),
	V("out", 0, F_NONE),
	B("remote", 'r', F_NONE),
	V("root", 0, F_NONE),
	V("runroot", 0, F_NONE),
	V("runtime", 0, F_NONE),
	V("runtime-flag", 0, F_NONE),
	V("ssh", 0, F_NONE),
	V("storage-driver", 0, F_NONE),
	V("storage-opt", 0, F_NONE),
	B("syslog", 0, F_NONE),
	V("tmpdir", 0, F_NONE),
	B("trace", 0, F_NONE),
	B("transient-store", 0, F_NONE),
	V("url", 0, F_NONE),
	B("version", 'v', F_NONE),
	V("volumepath", 0, F_NONE),
};

#undef V
#undef B
/* clang-format on */

typedef struct opt_table {
	const run_opt *opts;
	size_t n;
} opt_table;

static const run_opt *find_long(opt_table t, const char *name, size_t len)
{
	for (size_t i = 0; i < t.n; i++)
		if (strlen(t.opts[i].name) == len && memcmp(t.opts[i].name, name, len) == 0)
			return &t.opts[i];
	return NULL;
}

static const run_opt *find_short(opt_table t, char c)
{
	for (size_t i = 0; i < t.n; i++)
		if (t.opts[i].shorthand == c)
			return &t.opts[i];
	return NULL;
}

/* ---- reading flags --------------------------------------------------------------------------- */

/* One flag read from the words: the option (NULL when unknown), its value (NULL for a
 * boolean written without =value) and the word it was written in. */
typedef struct flag {
	const run_opt *opt;
	const char *value;
	size_t value_len;
	const sh_token *at;
	const char *spelling; /* "--user", "-u": for messages */
} flag;

typedef int (*flag_fn)(void *ud, const flag *f);

typedef struct flag_reader {
	opt_table table;
	flag_fn fn; /* NULL: only skip */
	void *ud;
	const char *file;
	vakt_error **err;
} flag_reader;

static int missing_value(const flag_reader *r, const sh_token *at, const char *spelling)
{
	return vakt_error_set_at(r->err, VAKT_E_INVALID, r->file, at->line, at->col,
				 "option %s needs a value", spelling);
}

static int deliver(const flag_reader *r, const flag *f)
{
	return r->fn ? r->fn(r->ud, f) : 0;
}

/* --name[=value] at words[*k]. */
static int read_long(const flag_reader *r, const sh_token *words, size_t n, size_t *k)
{
	const sh_token *w = &words[*k];
	const char *name = w->text + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const run_opt *o = find_long(r->table, name, len);
	char spelling[64];
	snprintf(spelling, sizeof(spelling), "--%.*s", (int)(len < 40 ? len : 40), name);
	if (!o && len == 1)
		o = find_short(r->table, name[0]); /* "--d": a doubled dash before a shorthand */
	flag f = {o, NULL, 0, w, spelling};
	(*k)++;
	if (eq) {
		f.value = eq + 1;
		f.value_len = strlen(eq + 1);
	} else if (o && o->value) {
		if (*k >= n)
			return missing_value(r, w, spelling);
		f.value = words[*k].text;
		f.value_len = strlen(f.value);
		(*k)++;
	}
	return deliver(r, &f);
}

/* -abc, -uvalue, -u value, -u=value at words[*k]. */
static int read_short(const flag_reader *r, const sh_token *words, size_t n, size_t *k)
{
	const sh_token *w = &words[*k];
	(*k)++;
	for (const char *p = w->text + 1; *p; p++) {
		const run_opt *o = find_short(r->table, *p);
		char spelling[3] = {'-', *p, '\0'};
		flag f = {o, NULL, 0, w, spelling};
		if (p[1] == '=') {
			f.value = p + 2; /* -u=1000, -d=false */
			f.value_len = strlen(p + 2);
			return deliver(r, &f);
		}
		if (o && o->value) {
			if (p[1]) {
				f.value = p + 1;
			} else if (*k < n) {
				f.value = words[(*k)++].text;
			} else {
				return missing_value(r, w, spelling);
			}
			f.value_len = strlen(f.value);
			return deliver(r, &f);
		}
		int rc = deliver(r, &f); /* a boolean (or an unknown letter): the cluster goes on */
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The NAME of a word that is only $NAME or ${NAME} (quoted or not), or NULL. */
static const char *variable_name(const sh_token *w, size_t *ret_len)
{
	const char *s = w->text;
	if (s[0] != '$')
		return NULL;
	s++;
	bool brace = *s == '{';
	s += brace;
	const char *name = s;
	if (!(*s == '_' || isalpha((unsigned char)*s)))
		return NULL;
	while (*s == '_' || isalnum((unsigned char)*s))
		s++;
	if (brace ? strcmp(s, "}") != 0 : *s != '\0')
		return NULL;
	*ret_len = (size_t)(s - name);
	return name;
}

/* A word that is only a variable whose name says it holds options ($DOCKER_OPTS,
 * ${RUN_ARGS}, $EXTRA_FLAGS: a part of the name between underscores is OPT(S), OPTION(S),
 * ARG(S), FLAG(S) or PARAM(S)). Its words are unknown, but they are options, not the
 * image. */
static bool is_options_variable(const sh_token *w)
{
	size_t len;
	const char *name = variable_name(w, &len);
	if (!name)
		return false;
	static const char *const hints[] = {"OPT",  "OPTS", "OPTION", "OPTIONS", "ARG",
					    "ARGS", "FLAG", "FLAGS",  "PARAM",	 "PARAMS"};
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && name[e] != '_')
			e++;
		for (size_t h = 0; h < VAKT_ARRAY_SIZE(hints); h++)
			if (strlen(hints[h]) == e - i &&
			    strncasecmp(name + i, hints[h], e - i) == 0)
				return true;
		i = e + 1;
	}
	return false;
}

/* Read flags from words[*k] up to the first positional word (or past "--"). Returns 0 with
 * *k at the positional (n if none), or a negative code. */
static int read_flags(const flag_reader *r, const sh_token *words, size_t n, size_t *k)
{
	while (*k < n) {
		const char *s = words[*k].text;
		if (strcmp(s, "--") == 0) {
			(*k)++;
			return 0;
		}
		if (is_options_variable(&words[*k])) {
			(*k)++;
			continue;
		}
		if (s[0] != '-' || s[1] == '\0')
			return 0;
		int rc = s[1] == '-' ? read_long(r, words, n, k) : read_short(r, words, n, k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- is it a run command? -------------------------------------------------------------------- */

/* Variables that scripts and Makefiles name the container engine by. */
static const char *const engine_variables[] = {
	"DOCKER",	 "DOCKER_CMD",	  "DOCKER_BIN",	      "DOCKER_EXE",	"PODMAN",
	"PODMAN_CMD",	 "PODMAN_BIN",	  "CONTAINER_ENGINE", "CONTAINER_TOOL", "CONTAINER_RUNTIME",
	"CONTAINER_CLI", "CONTAINER_CMD", "OCI_BIN",	      "OCI_ENGINE",
};

/* The NAME of $(NAME), a make variable (or a command substitution running NAME). */
static const char *make_variable_name(const char *s, size_t *ret_len)
{
	if (s[0] != '$' || s[1] != '(')
		return NULL;
	size_t len = strcspn(s + 2, ")");
	if (strcmp(s + 2 + len, ")") != 0 || len == 0)
		return NULL;
	*ret_len = len;
	return s + 2;
}

/* "docker" or "podman" if the word names one: by name or path, or through a variable
 * that holds the engine ($DOCKER, ${CONTAINER_TOOL}, make's $(CONTAINER_ENGINE)), which
 * counts as docker unless its name says podman. */
static const char *tool_of(const sh_token *w)
{
	const char *slash = strrchr(w->text, '/');
	const char *base = slash ? slash + 1 : w->text;
	if (strcmp(base, "docker") == 0)
		return "docker";
	if (strcmp(base, "podman") == 0)
		return "podman";
	size_t len;
	const char *name = variable_name(w, &len);
	/* make's $(NAME) in capitals: in shell, $(docker) runs docker for its output */
	bool make = !name && (name = make_variable_name(w->text, &len)) != NULL;
	if (!name)
		return NULL;
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(engine_variables); i++) {
		const char *v = engine_variables[i];
		if (strlen(v) == len &&
		    (make ? strncmp(name, v, len) : strncasecmp(name, v, len)) == 0)
			return strncasecmp(name, "PODMAN", 6) == 0 ? "podman" : "docker";
	}
	return NULL;
}

/* A word that is only $NAME or ${NAME}: $SUDO in "$SUDO docker run". */
static bool is_bare_variable(const sh_token *w)
{
	size_t len;
	return w->expansion && variable_name(w, &len);
}

/* Find the tool word and the subcommand: *ret_tool is the index of docker/podman. */
static bool find_run(const sh_token *words, size_t n, size_t *ret_tool, size_t *ret_skip)
{
	size_t t = 0;
	while (t < n && !tool_of(&words[t]) && is_bare_variable(&words[t]))
		t++; /* $SUDO docker run */
	if (t >= n || !tool_of(&words[t]))
		return false;
	bool podman = strcmp(tool_of(&words[t]), "podman") == 0;
	flag_reader r = {
		.table = podman ? (opt_table){podman_globals, VAKT_ARRAY_SIZE(podman_globals)}
				: (opt_table){docker_globals, VAKT_ARRAY_SIZE(docker_globals)},
	};
	size_t k = t + 1;
	int rc = read_flags(&r, words, n, &k); /* r.err is NULL: errors only say "no" */
	if (rc < 0 || k >= n)
		return false;
	const char *sub = words[k].text;
	if (strcmp(sub, "container") == 0 && k + 1 < n) {
		k++;
		sub = words[k].text;
	} else if (strcmp(sub, "container") == 0) {
		return false;
	}
	if (strcmp(sub, "run") != 0 && strcmp(sub, "create") != 0)
		return false;
	*ret_tool = t;
	*ret_skip = k + 1;
	return true;
}

bool vakt_dockerrun_is_run(const sh_token *words, size_t n, size_t *ret_skip)
{
	size_t tool, skip;
	if (!find_run(words, n, &tool, &skip))
		return false;
	if (ret_skip)
		*ret_skip = skip;
	return true;
}

/* ---- values into vakt_ctr -------------------------------------------------------------------- */

typedef struct run_parse {
	const char *file;
	vakt_arena *a;
	vakt_ctr *c;
	vakt_error **err;
	bool network_set;
	size_t cap_cap_add, cap_cap_drop, cap_security_opt, cap_tmpfs, cap_devices, cap_mounts,
		cap_ports;
} run_parse;

static ctr_pos pos_of(const sh_token *w)
{
	return (ctr_pos){NULL, w->line, w->col};
}

/* Grow an arena array of n elements (capacity *cap) to hold one more. */
static void *grow(vakt_arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return old;
	size_t ncap = *cap ? 2 * *cap : 4;
	void *p = vakt_arena_calloc(a, ncap, size);
	if (n)
		memcpy(p, old, n * size);
	*cap = ncap;
	return p;
}

static void list_add(run_parse *p, ctr_list *l, size_t *cap, const char *s, size_t len,
		     const sh_token *at)
{
	l->items = grow(p->a, l->items, l->n, cap, sizeof(*l->items));
	l->items[l->n++] = (ctr_item){vakt_arena_strndup(p->a, s, len), pos_of(at)};
}

static void set_str(run_parse *p, ctr_str *s, const flag *f)
{
	s->set = true;
	s->value = vakt_arena_strndup(p->a, f->value, f->value_len);
	s->pos = pos_of(f->at);
}

/* strconv.ParseBool, which pflag uses. */
static int parse_bool(const char *s, size_t len)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && memcmp(yes[i], s, len) == 0)
			return 1;
		if (strlen(no[i]) == len && memcmp(no[i], s, len) == 0)
			return 0;
	}
	return -1;
}

static int set_bool(run_parse *p, ctr_bool *b, const flag *f)
{
	int v = 1;
	if (f->value) {
		v = parse_bool(f->value, f->value_len);
		if (v < 0 && f->at->expansion)
			v = 1; /* unknown until run time: assume the worst */
		if (v < 0)
			return vakt_error_set_at(
				p->err, VAKT_E_INVALID, p->file, f->at->line, f->at->col,
				"option %s needs true or false, not \"%.*s\"", f->spelling,
				(int)(f->value_len < 64 ? f->value_len : 64), f->value);
	}
	b->set = true;
	b->value = v == 1;
	b->pos = pos_of(f->at);
	return 0;
}

/* Split s[0..len) at each `sep` outside ${...} and $(...) (a default value may hold
 * one: ${DATA:-/srv}:/data). Returns the number of parts (at most max; the last part
 * takes the rest). */
static size_t split_outside_expansions(const char *s, size_t len, char sep, const char **parts,
				       size_t *lens, size_t max)
{
	size_t np = 0, start = 0;
	unsigned depth = 0;
	for (size_t i = 0; i <= len && np < max; i++) {
		char c = i < len ? s[i] : '\0';
		if (i < len && c == '$' && i + 1 < len && (s[i + 1] == '{' || s[i + 1] == '(')) {
			depth++;
			i++;
			continue;
		}
		if (i < len && depth && (c == '}' || c == ')')) {
			depth--;
			continue;
		}
		if (i < len && (depth || c != sep || np + 1 == max))
			continue;
		parts[np] = s + start;
		lens[np++] = i - start;
		start = i + 1;
	}
	return np;
}

/* A host path: absolute, relative, home-relative, or a variable that holds one. */
static bool is_host_path(const char *s, size_t len)
{
	return len && (s[0] == '/' || s[0] == '.' || s[0] == '~' || s[0] == '$');
}

static bool has_option(const char *opts, size_t len, const char *want)
{
	const char *parts[32];
	size_t lens[32];
	size_t np = split_outside_expansions(opts, len, ',', parts, lens, 32);
	for (size_t i = 0; i < np; i++)
		if (lens[i] == strlen(want) && memcmp(parts[i], want, lens[i]) == 0)
			return true;
	return false;
}

static ctr_mount *new_mount(run_parse *p, const sh_token *at)
{
	p->c->mounts =
		grow(p->a, p->c->mounts, p->c->n_mounts, &p->cap_mounts, sizeof(*p->c->mounts));
	ctr_mount *m = &p->c->mounts[p->c->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->source = "";
	m->target = "";
	m->pos = pos_of(at);
	return m;
}

/* -v [SRC:]DST[:OPTS] */
static void add_volume(run_parse *p, const flag *f)
{
	const char *parts[3];
	size_t lens[3];
	size_t np = split_outside_expansions(f->value, f->value_len, ':', parts, lens, 3);
	ctr_mount *m = new_mount(p, f->at);
	if (np <= 1) {
		m->target = vakt_arena_strndup(p->a, f->value, f->value_len); /* anonymous */
		return;
	}
	m->source = vakt_arena_strndup(p->a, parts[0], lens[0]);
	m->target = vakt_arena_strndup(p->a, parts[1], lens[1]);
	m->bind = is_host_path(parts[0], lens[0]);
	if (np == 3)
		m->read_only = has_option(parts[2], lens[2], "ro") ||
			       has_option(parts[2], lens[2], "readonly");
}

/* Split a --mount value into CSV fields (encoding/csv, as docker reads it: a field may be
 * double-quoted, "" inside is a quote). Fields are written into buf. */
static size_t csv_fields(const char *s, size_t len, char *buf, const char **fields, size_t max)
{
	size_t nf = 0, w = 0, i = 0;
	while (i <= len && nf < max) {
		fields[nf++] = buf + w;
		bool quoted = i < len && s[i] == '"';
		i += quoted;
		for (; i < len; i++) {
			if (quoted && s[i] == '"' && i + 1 < len && s[i + 1] == '"') {
				buf[w++] = '"';
				i++;
			} else if (quoted && s[i] == '"') {
				quoted = false;
			} else if (!quoted && s[i] == ',') {
				break;
			} else {
				buf[w++] = s[i];
			}
		}
		buf[w++] = '\0';
		i++;
	}
	return nf;
}

static bool key_is(const char *field, size_t klen, const char *key)
{
	return strlen(key) == klen && strncmp(field, key, klen) == 0;
}

/* --mount type=bind,source=/x,target=/y,readonly */
static void add_mount(run_parse *p, const flag *f)
{
	char *buf = vakt_arena_alloc(p->a, 2 * f->value_len + 2);
	const char *fields[64];
	size_t nf = csv_fields(f->value, f->value_len, buf, fields, 64);
	const char *type = "volume", *source = "", *target = "";
	bool ro = false;
	for (size_t i = 0; i < nf; i++) {
		const char *eq = strchr(fields[i], '=');
		size_t klen = eq ? (size_t)(eq - fields[i]) : strlen(fields[i]);
		const char *v = eq ? eq + 1 : NULL;
		if (key_is(fields[i], klen, "type") && v)
			type = v;
		else if ((key_is(fields[i], klen, "source") || key_is(fields[i], klen, "src")) && v)
			source = v;
		else if ((key_is(fields[i], klen, "target") ||
			  key_is(fields[i], klen, "destination") ||
			  key_is(fields[i], klen, "dst")) &&
			 v)
			target = v;
		else if (key_is(fields[i], klen, "readonly") || key_is(fields[i], klen, "ro"))
			ro = !v || parse_bool(v, strlen(v)) == 1;
	}
	ctr_mount *m = new_mount(p, f->at);
	m->target = target;
	m->read_only = ro;
	if (strcmp(type, "tmpfs") == 0) {
		list_add(p, &p->c->tmpfs, &p->cap_tmpfs, target, strlen(target), f->at);
		return;
	}
	m->source = source;
	/* npipe mounts a host named pipe (\\.\pipe\docker_engine): host access, like a bind */
	m->bind = strcmp(type, "bind") == 0 || strcmp(type, "npipe") == 0;
}

/* -p [ip:][hostport:]containerport[/proto], the IPv6 ip in brackets, or the long form
 * target=80,published=8080,protocol=udp,host_ip=127.0.0.1. */
static void add_port(run_parse *p, const flag *f)
{
	vakt_arena *a = p->a;
	p->c->ports = grow(a, p->c->ports, p->c->n_ports, &p->cap_ports, sizeof(*p->c->ports));
	ctr_port *pt = &p->c->ports[p->c->n_ports++];
	*pt = (ctr_port){"", "", "", "tcp", pos_of(f->at)};
	const char *s = f->value;
	size_t len = f->value_len;
	if (memchr(s, '=', len)) {
		char *buf = vakt_arena_alloc(a, 2 * len + 2);
		const char *fields[32];
		size_t nf = csv_fields(s, len, buf, fields, 32);
		for (size_t i = 0; i < nf; i++) {
			const char *eq = strchr(fields[i], '=');
			if (!eq)
				continue;
			size_t klen = (size_t)(eq - fields[i]);
			if (key_is(fields[i], klen, "target"))
				pt->container_port = eq + 1;
			else if (key_is(fields[i], klen, "published"))
				pt->host_port = eq + 1;
			else if (key_is(fields[i], klen, "protocol"))
				pt->protocol = eq + 1;
			else if (key_is(fields[i], klen, "host_ip"))
				pt->host_ip = eq + 1;
		}
		return;
	}
	const char *slash = memchr(s, '/', len);
	if (slash) {
		pt->protocol = vakt_arena_strndup(a, slash + 1, len - (size_t)(slash - s) - 1);
		len = (size_t)(slash - s);
	}
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (close) {
			pt->host_ip = vakt_arena_strndup(a, s + 1, (size_t)(close - s) - 1);
			size_t skip = (size_t)(close - s) + 1;
			skip += skip < len && s[skip] == ':';
			s += skip;
			len -= skip;
		}
	}
	const char *parts[3];
	size_t lens[3];
	size_t ncolon = 0;
	for (size_t i = 0; i < len; i++)
		ncolon += s[i] == ':';
	if (ncolon > 2 && !pt->host_ip[0]) {
		/* an IPv6 address without brackets: the last two fields are the ports */
		size_t i = len, seen = 0;
		while (i > 0 && seen < 2)
			seen += s[--i] == ':';
		pt->host_ip = vakt_arena_strndup(a, s, i);
		s += i + 1;
		len -= i + 1;
	}
	size_t np = split_outside_expansions(s, len, ':', parts, lens, 3);
	if (np == 3) {
		pt->host_ip = vakt_arena_strndup(a, parts[0], lens[0]);
		pt->host_port = vakt_arena_strndup(a, parts[1], lens[1]);
		pt->container_port = vakt_arena_strndup(a, parts[2], lens[2]);
	} else if (np == 2) {
		pt->host_port = vakt_arena_strndup(a, parts[0], lens[0]);
		pt->container_port = vakt_arena_strndup(a, parts[1], lens[1]);
	} else if (np == 1) {
		pt->container_port = vakt_arena_strndup(a, parts[0], lens[0]);
	}
}

/* --network NAME, or the advanced form name=NAME,alias=x,... */
static void set_network(run_parse *p, const flag *f)
{
	if (p->network_set)
		return; /* docker's network mode is the first --network */
	p->network_set = true;
	ctr_str *s = &p->c->network_mode;
	set_str(p, s, f);
	if (!memchr(f->value, '=', f->value_len))
		return;
	char *buf = vakt_arena_alloc(p->a, 2 * f->value_len + 2);
	const char *fields[32];
	size_t nf = csv_fields(f->value, f->value_len, buf, fields, 32);
	for (size_t i = 0; i < nf; i++)
		if (strncmp(fields[i], "name=", 5) == 0)
			s->value = fields[i] + 5;
}

static void add_split(run_parse *p, ctr_list *l, size_t *cap, const flag *f)
{
	const char *parts[64];
	size_t lens[64];
	size_t np = split_outside_expansions(f->value, f->value_len, ',', parts, lens, 64);
	for (size_t i = 0; i < np; i++)
		if (lens[i])
			list_add(p, l, cap, parts[i], lens[i], f->at);
}

static int apply_value(run_parse *p, const flag *f)
{
	vakt_ctr *c = p->c;
	switch ((opt_field)f->opt->field) {
	case F_USER: set_str(p, &c->user, f); break;
	case F_CAP_ADD: add_split(p, &c->cap_add, &p->cap_cap_add, f); break;
	case F_CAP_DROP: add_split(p, &c->cap_drop, &p->cap_cap_drop, f); break;
	case F_SECURITY_OPT:
		list_add(p, &c->security_opt, &p->cap_security_opt, f->value, f->value_len, f->at);
		break;
	case F_TMPFS: {
		const char *parts[2];
		size_t lens[2];
		split_outside_expansions(f->value, f->value_len, ':', parts, lens, 2);
		list_add(p, &c->tmpfs, &p->cap_tmpfs, parts[0], lens[0], f->at);
		break;
	}
	case F_DEVICE:
		list_add(p, &c->devices, &p->cap_devices, f->value, f->value_len, f->at);
		break;
	case F_NETWORK: set_network(p, f); break;
	case F_PID: set_str(p, &c->pid, f); break;
	case F_IPC: set_str(p, &c->ipc, f); break;
	case F_UTS: set_str(p, &c->uts, f); break;
	case F_USERNS: set_str(p, &c->userns, f); break;
	case F_PIDS_LIMIT: set_str(p, &c->pids_limit, f); break;
	case F_MEMORY: set_str(p, &c->memory, f); break;
	case F_VOLUME: add_volume(p, f); break;
	case F_MOUNT: add_mount(p, f); break;
	case F_PUBLISH: add_port(p, f); break;
	case F_NAME: c->name = vakt_arena_strndup(p->a, f->value, f->value_len); break;
	case F_NONE:
	case F_PRIVILEGED:
	case F_READ_ONLY:
	case F_READ_ONLY_TMPFS:
	case F_API_SOCKET:
	default: break;
	}
	return 0;
}

static int apply_bool(run_parse *p, const flag *f)
{
	ctr_bool b = {0};
	switch ((opt_field)f->opt->field) {
	case F_PRIVILEGED: return set_bool(p, &p->c->privileged, f);
	case F_READ_ONLY: return set_bool(p, &p->c->read_only, f);
	case F_READ_ONLY_TMPFS: return set_bool(p, &p->c->read_only_tmpfs, f);
	case F_API_SOCKET: {
		/* docker bind-mounts its own socket into the container: root on the host */
		int r = set_bool(p, &b, f);
		if (r < 0 || !b.value)
			return r;
		ctr_mount *m = new_mount(p, f->at);
		m->source = "/var/run/docker.sock";
		m->target = "/var/run/docker.sock";
		m->bind = true;
		return 0;
	}
	default: return 0;
	}
}

static int apply_flag(void *ud, const flag *f)
{
	run_parse *p = ud;
	if (!f->opt)
		return 0; /* unknown: read as a boolean, nothing to record */
	return f->opt->value ? apply_value(p, f) : apply_bool(p, f);
}

static void init_ctr(vakt_ctr *c)
{
	memset(c, 0, sizeof(*c));
	c->source = CTR_DOCKER_RUN;
	ctr_str *strs[] = {&c->image, &c->user,	  &c->network_mode, &c->pid,   &c->ipc,
			   &c->uts,   &c->userns, &c->pids_limit,   &c->memory};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(strs); i++)
		strs[i]->value = "";
}

int vakt_dockerrun_parse(const char *file, const sh_token *words, size_t n, vakt_arena *a,
			 vakt_ctr *ret, vakt_error **err)
{
	size_t tool, k;
	if (!find_run(words, n, &tool, &k)) {
		unsigned line = n ? words[0].line : 0, col = n ? words[0].col : 0;
		return vakt_error_set_at(err, VAKT_E_INVALID, file, line, col,
					 "not a docker or podman run/create command");
	}
	vakt_ctr c;
	init_ctr(&c);
	c.tool = tool_of(&words[tool]);
	c.pos = pos_of(&words[tool]);
	run_parse p = {.file = file, .a = a, .c = &c, .err = err};
	flag_reader r = {
		.table = {run_opts, VAKT_ARRAY_SIZE(run_opts)},
		.fn = apply_flag,
		.ud = &p,
		.file = file,
		.err = err,
	};
	const char *sub = words[k - 1].text;
	int rc = read_flags(&r, words, n, &k);
	if (rc < 0)
		return rc;
	if (k >= n)
		return vakt_error_set_at(err, VAKT_E_INVALID, file, c.pos.line, c.pos.col,
					 "%s %s names no image", c.tool, sub);
	c.image.set = true;
	c.image.value = vakt_arena_strdup(a, words[k].text);
	c.image.pos = pos_of(&words[k]);
	if (!c.name)
		c.name = c.image.value;
	*ret = c;
	return 0;
}
