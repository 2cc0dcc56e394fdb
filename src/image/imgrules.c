/* imgrules.c - findings about a built image: its config (IMG rules) and the Dockerfile
 * instructions its history records (DF rules).
 *
 * The config is what the runtime uses, so it decides the user, ports, environment and
 * health check, whatever the history says. The history only adds what the config cannot
 * show: how the image was built (curl | sh, sudo, chmod 777, package pinning) and build
 * arguments that leaked into RUN lines ("|1 NPM_TOKEN=... /bin/sh -c npm ci"). Each
 * history entry is turned back into one Dockerfile instruction where the builder
 * recorded it in a known form (the classic builder's "/bin/sh -c #(nop) ", BuildKit's
 * "RUN ... # buildkit", buildah's), and linted on its own with the DF rules that judge a
 * single instruction.
 */
#include "image/imgrules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cleanup.h"
#include "core/report.h"
#include "core/xalloc.h"
#include "lint/lint.h"
#include "lint/lint_util.h"
#include "lint/rules.h"

/* ---- the config ------------------------------------------------------------------------- */

/* Config.User names root: empty, "root", "0", optionally with a group ("0:0", "root:1000"). */
static bool user_is_root(const char *user)
{
	if (!user || !*user)
		return true;
	size_t n = strcspn(user, ":");
	return (n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0') ||
	       (n > 1 && strspn(user, "0") == n);
}

static void emit(const vakt_image *img, int rule, const char *msg, const char *kind,
		 const char *name, vakt_image_finding_fn fn, void *ud)
{
	vakt_finding f = {
		.rule = &vakt_rules[rule],
		.severity = vakt_rules[rule].severity,
		.message = msg,
		.file = img->ref,
		.kind = kind,
		.name = name,
	};
	fn(&f, ud);
}

static void check_config(const vakt_image *img, vakt_image_finding_fn fn, void *ud)
{
	const vakt_image_config *c = &img->config;
	char msg[1024];

	if (user_is_root(c->user)) {
		if (!c->user || !*c->user)
			snprintf(msg, sizeof(msg), "the image runs as root: its config sets no user");
		else
			snprintf(msg, sizeof(msg), "the image runs as root: its config sets user \"%s\"", c->user);
		emit(img, R_IMG_001, msg, NULL, NULL, fn, ud);
	}
	for (const char *const *p = c->exposed; p && *p; p++) {
		char *end;
		unsigned long port = strtoul(*p, &end, 10);
		if (end == *p)
			continue;
		if (port == 22) {
			snprintf(msg, sizeof(msg), "the image exposes %s, SSH", *p);
			emit(img, R_IMG_003, msg, NULL, NULL, fn, ud);
		} else if (port > 0 && port < 1024) {
			snprintf(msg, sizeof(msg),
				 "the image exposes %s, a privileged port: binding it needs root or "
				 "CAP_NET_BIND_SERVICE", *p);
			emit(img, R_IMG_002, msg, NULL, NULL, fn, ud);
		}
	}
	for (const char *const *p = c->env; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		char name[256];
		size_t nl = eq ? (size_t)(eq - *p) : strlen(*p);
		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, *p, nl);
		name[nl] = '\0';
		const char *value = eq ? eq + 1 : "";
		const char *what = lint_secret_value(value);
		if (what)
			snprintf(msg, sizeof(msg), "Env %s holds what looks like %s", name, what);
		else if (lint_secret_name(name) && *value)
			snprintf(msg, sizeof(msg), "Env %s is named as a secret and has a value, readable by "
				 "anyone who can pull the image", name);
		else
			continue;
		emit(img, R_IMG_004, msg, NULL, NULL, fn, ud);
	}
	if (!c->has_healthcheck)
		emit(img, R_IMG_005,
		     c->healthcheck_none ? "the image disables its health check (HEALTHCHECK NONE)"
					 : "the image config has no health check",
		     NULL, NULL, fn, ud);
}

/* ---- the history -------------------------------------------------------------------------- */

/* Rules that judge one instruction on its own; the others need the whole Dockerfile (the
 * final USER, the base image) or are answered by the config. */
static bool history_rule(const vakt_rule *r)
{
	static const char *const ids[] = {"DF-003", "DF-004", "DF-006", "DF-007",
					  "DF-012", "DF-013", "DF-014"};
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(ids); i++)
		if (strcmp(r->id, ids[i]) == 0)
			return true;
	return false;
}

/* Strip a trailing " # buildkit" marker. */
static size_t trim_buildkit(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 10 && memcmp(s + n - 10, "# buildkit", 10) == 0) {
		n -= 10;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	return n;
}

/* "|2 A=1 B=2 /bin/sh -c cmd": build arguments, then the command. Writes "ARG A=1" lines
 * into b (so DF-007 sees the values that leaked) and returns the command. */
static const char *strip_build_args(const char *s, vakt_buf *b)
{
	if (s[0] != '|' || !isdigit((unsigned char)s[1]))
		return s;
	char *end;
	unsigned long n = strtoul(s + 1, &end, 10);
	const char *p = end;
	for (unsigned long i = 0; i < n && *p; i++) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		if (memchr(w, '=', (size_t)(p - w)))
			vakt_buf_printf(b, "ARG %.*s\n", (int)(p - w), w);
	}
	while (*p == ' ')
		p++;
	return p;
}

/* One history entry as a Dockerfile instruction into b; false if it is not in a form
 * vakt recognises (umoci, "ADD file:... in /" of a base, tools of their own). */
static bool history_to_dockerfile(const char *cb, vakt_buf *b)
{
	static const char *const shells[] = {"/bin/sh -c ", "/bin/bash -c ", "sh -c "};
	const char *s = cb;
	while (isspace((unsigned char)*s))
		s++;
	/* BuildKit: "RUN /bin/sh -c cmd # buildkit", "RUN |1 A=b /bin/sh -c cmd # buildkit",
	 * "ENV A=b", "USER x", "COPY ... # buildkit", "EXPOSE map[22/tcp:{}]" */
	if (strncmp(s, "RUN ", 4) == 0) {
		const char *cmd = strip_build_args(s + 4, b);
		for (size_t i = 0; i < VAKT_ARRAY_SIZE(shells); i++)
			if (strncmp(cmd, shells[i], strlen(shells[i])) == 0) {
				cmd += strlen(shells[i]);
				break;
			}
		size_t n = trim_buildkit(cmd, strlen(cmd));
		vakt_buf_printf(b, "RUN %.*s\n", (int)n, cmd);
		return true;
	}
	/* Classic builder and buildah: "/bin/sh -c #(nop)  ENV A=b", "/bin/sh -c cmd",
	 * "|1 A=b /bin/sh -c cmd" */
	const char *cmd = strip_build_args(s, b);
	for (size_t i = 0; i < VAKT_ARRAY_SIZE(shells); i++) {
		size_t l = strlen(shells[i]);
		if (strncmp(cmd, shells[i], l) != 0)
			continue;
		cmd += l;
		if (strncmp(cmd, "#(nop)", 6) == 0) {
			cmd += 6;
			while (*cmd == ' ')
				cmd++;
			/* Only the instructions the history rules judge; ENV is judged on the
			 * config, and "ADD file:<hash> in /" is how a base image is recorded. */
			if (strncmp(cmd, "ADD ", 4) == 0 && strstr(cmd, "://")) {
				const char *in = strstr(cmd, " in ");
				size_t n = in ? (size_t)(in - cmd) : strlen(cmd);
				vakt_buf_printf(b, "%.*s %s\n", (int)n, cmd, in ? in + 4 : "/");
				return true;
			}
			if (strncmp(cmd, "ARG ", 4) == 0) {
				vakt_buf_printf(b, "%s\n", cmd);
				return true;
			}
			return false;
		}
		size_t n = trim_buildkit(cmd, strlen(cmd));
		vakt_buf_printf(b, "RUN %.*s\n", (int)n, cmd);
		return true;
	}
	if (strncmp(s, "ARG ", 4) == 0 || (strncmp(s, "ADD ", 4) == 0 && strstr(s, "://"))) {
		size_t n = trim_buildkit(s, strlen(s));
		vakt_buf_printf(b, "%.*s\n", (int)n, s);
		return true;
	}
	return false;
}

/* A report writer that hands each finding to the image's callback with the image as
 * its location. */
typedef struct capture {
	const vakt_image *img;
	vakt_image_finding_fn fn;
	void *ud;
	char name[32]; /* "5": the history entry */
} capture;

static void cap_noop(vakt_report *r)
{
	(void)r;
}
static void cap_file(vakt_report *r, const char *file)
{
	(void)r, (void)file;
}
static void cap_error(vakt_report *r, const vakt_error *e)
{
	(void)r, (void)e; /* a history line vakt cannot parse is no finding */
}
static void cap_end(vakt_report *r, const vakt_summary *s)
{
	(void)r, (void)s;
}

static void cap_finding(vakt_report *r, const vakt_finding *f)
{
	capture *c = r->priv;
	if (f->suppressed || !history_rule(f->rule))
		return;
	vakt_finding g = *f;
	g.file = c->img->ref;
	g.line = g.col = 0;
	g.kind = "history";
	g.name = c->name;
	c->fn(&g, c->ud);
}

static const vakt_report_ops capture_ops = {
	.begin = cap_noop,
	.file_begin = cap_file,
	.finding = cap_finding,
	.error = cap_error,
	.file_end = cap_file,
	.end = cap_end,
	.free = cap_noop,
};

static void check_history(const vakt_image *img, vakt_image_finding_fn fn, void *ud)
{
	const vakt_image_config *c = &img->config;
	vakt_lint_options opt;
	vakt_lint_options_init(&opt);
	opt.type = VAKT_INPUT_DOCKERFILE;
	opt.no_config = true;
	opt.no_inline_ignores = true;
	capture cap = {.img = img, .fn = fn, .ud = ud};
	vakt_report rep = {.ops = &capture_ops, .priv = &cap};

	for (size_t i = 0; i < c->nhistory; i++) {
		const char *cb = c->history[i].created_by;
		if (!cb)
			continue;
		vakt_buf b = VAKT_BUF_INIT(1u << 20);
		vakt_buf_puts(&b, "FROM scratch\n");
		if (history_to_dockerfile(cb, &b)) {
			snprintf(cap.name, sizeof(cap.name), "%zu", i + 1);
			vakt_summary sum;
			vakt_lint_buffer(&opt, "history", b.data, b.len, &rep, &sum);
		}
		vakt_buf_free(&b);
	}
}

void vakt_image_check(const vakt_image *img, vakt_image_finding_fn fn, void *ud)
{
	if (!strcmp(img->format ? img->format : "", "rootfs"))
		return; /* a directory has no config */
	check_config(img, fn, ud);
	check_history(img, fn, ud);
}
