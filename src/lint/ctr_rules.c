/* ctr_rules.c - container rules (CTR-*): docker-compose services and docker run lines,
 * both read into vakt_ctr (ctr.h). One function per rules.def entry. Where the two
 * targets differ in what they can know, rules.def gives the run line its own severity.
 */
#include "core/buf.h"
#include "lint/lint_internal.h"
#include "lint/lint_util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Emit at a position of the container (pos.file set: a compose override file). */
static void at(lint_ctx *ctx, unsigned rule, ctr_pos pos, const char *fmt, const char *a,
	       const char *b)
{
	if (pos.line == 0)
		pos = ctx->ctr->pos;
	lint_emit_at(ctx, rule, pos.file, pos.line, pos.col, NULL, fmt, a, b);
}

/* "service \"web\"" or "docker run" for messages. */
static const char *who(const lint_ctx *ctx)
{
	if (ctx->ctr->source == CTR_COMPOSE)
		return vakt_arena_printf(ctx->arena, "service \"%s\"", ctx->ctr->name);
	return vakt_arena_printf(ctx->arena, "%s run", ctx->ctr->tool ? ctx->ctr->tool : "docker");
}

static bool is_host(const ctr_str *s)
{
	return s->set && strcmp(s->value, "host") == 0;
}

/* A security_opt entry "name[:=]value": value for name, or NULL. */
static const char *secopt(const vakt_ctr *c, const char *name, ctr_pos *pos)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (size_t i = 0; i < c->security_opt.n; i++) {
		const char *v = c->security_opt.items[i].value;
		if (strncasecmp(v, name, n) == 0 && (v[n] == ':' || v[n] == '=')) {
			found = v + n + 1; /* the last one wins */
			*pos = c->security_opt.items[i].pos;
		} else if (strcasecmp(v, name) == 0) {
			found = "true"; /* "no-new-privileges" alone */
			*pos = c->security_opt.items[i].pos;
		}
	}
	return found;
}

void check_ctr_privileged(lint_ctx *ctx)
{
	if (ctx->ctr->privileged.set && ctx->ctr->privileged.value)
		at(ctx, R_CTR_001, ctx->ctr->privileged.pos, "%s%s runs privileged", who(ctx), "");
}

void check_ctr_dangerous_caps(lint_ctx *ctx)
{
	const ctr_list *l = &ctx->ctr->cap_add;
	vakt_buf names = VAKT_BUF_INIT(4096);
	ctr_pos first = {0};
	for (size_t i = 0; i < l->n; i++) {
		char c[64];
		lint_cap_norm(l->items[i].value, c, sizeof(c));
		if (!lint_cap_dangerous(c))
			continue;
		if (!names.len)
			first = l->items[i].pos;
		vakt_buf_printf(&names, "%s%s", names.len ? ", " : "", c);
	}
	if (names.len)
		at(ctx, R_CTR_002, first, "%s adds capabilities %s", who(ctx), vakt_buf_str(&names));
	vakt_buf_free(&names);
}

void check_ctr_drop_all(lint_ctx *ctx)
{
	const ctr_list *l = &ctx->ctr->cap_drop;
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->items[i].value, "ALL") == 0)
			return;
	if (ctx->ctr->privileged.set && ctx->ctr->privileged.value)
		return; /* CTR-001 says more */
	at(ctx, R_CTR_003, l->n ? l->items[0].pos : ctx->ctr->pos,
	   "%s keeps the default capabilities: no %s", who(ctx),
	   ctx->ctr->source == CTR_COMPOSE ? "cap_drop: [ALL]" : "--cap-drop=ALL");
}

void check_ctr_read_only(lint_ctx *ctx)
{
	const ctr_bool *ro = &ctx->ctr->read_only;
	if (ro->set && ro->value)
		return;
	at(ctx, R_CTR_004, ro->set ? ro->pos : ctx->ctr->pos, "%s has a writable root filesystem: %s",
	   who(ctx), ctx->ctr->source == CTR_COMPOSE ? "read_only is not true" : "no --read-only");
}

/* A read-only root needs something writable on /tmp: a tmpfs or a writable mount there
 * (/tmp/ and //tmp are /tmp). podman run mounts a tmpfs on /tmp by itself with --read-only
 * (its --read-only-tmpfs defaults to true), so a podman line is not judged. */
void check_ctr_tmpfs(lint_ctx *ctx)
{
	const vakt_ctr *c = ctx->ctr;
	if (!(c->read_only.set && c->read_only.value))
		return;
	if (c->source == CTR_DOCKER_RUN && c->tool && strcmp(c->tool, "podman") == 0 &&
	    !(c->read_only_tmpfs.set && !c->read_only_tmpfs.value))
		return; /* podman mounts its own tmpfs unless --read-only-tmpfs=false */
	for (size_t i = 0; i < c->tmpfs.n; i++)
		if (strcmp(lint_clean_path(ctx->arena, c->tmpfs.items[i].value), "/tmp") == 0)
			return;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (strcmp(lint_clean_path(ctx->arena, c->mounts[i].target), "/tmp") == 0 &&
		    !c->mounts[i].read_only)
			return;
	at(ctx, R_CTR_005, c->read_only.pos, "%s has a read-only root but nothing writable on %s",
	   who(ctx), "/tmp");
}

/* The user part of "user[:group]" is root (name or UID 0, however many zeros). */
static bool user_is_root(const char *u)
{
	size_t n = strcspn(u, ":");
	return (n == 4 && strncmp(u, "root", 4) == 0) || (n > 0 && strspn(u, "0") == n);
}

void check_ctr_user_unset(lint_ctx *ctx)
{
	if (!ctx->ctr->user.set || !ctx->ctr->user.value[0])
		at(ctx, R_CTR_006, ctx->ctr->pos, "%s sets no user: it runs as the image's %s", who(ctx),
		   "USER (root unless the image says otherwise)");
}

void check_ctr_user_root(lint_ctx *ctx)
{
	const ctr_str *u = &ctx->ctr->user;
	if (u->set && user_is_root(u->value))
		at(ctx, R_CTR_007, u->pos, "%s runs as root (user %s)", who(ctx), u->value);
}

void check_ctr_no_new_privs(lint_ctx *ctx)
{
	ctr_pos pos = {0};
	const char *v = secopt(ctx->ctr, "no-new-privileges", &pos);
	if (v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0))
		return;
	if (ctx->ctr->privileged.set && ctx->ctr->privileged.value)
		return; /* CTR-001 says more */
	at(ctx, R_CTR_008, v ? pos : ctx->ctr->pos, "%s does not set %s", who(ctx),
	   v ? "no-new-privileges to true" : "no-new-privileges");
}

void check_ctr_seccomp(lint_ctx *ctx)
{
	ctr_pos pos = {0};
	const char *v = secopt(ctx->ctr, "seccomp", &pos);
	if (v && strcasecmp(v, "unconfined") == 0)
		at(ctx, R_CTR_009, pos, "%s runs with seccomp=%s", who(ctx), v);
}

void check_ctr_apparmor(lint_ctx *ctx)
{
	ctr_pos pos = {0};
	const char *v = secopt(ctx->ctr, "apparmor", &pos);
	if (v && strcasecmp(v, "unconfined") == 0)
		at(ctx, R_CTR_010, pos, "%s runs with apparmor=%s", who(ctx), v);
}

void check_ctr_host_network(lint_ctx *ctx)
{
	if (is_host(&ctx->ctr->network_mode))
		at(ctx, R_CTR_011, ctx->ctr->network_mode.pos, "%s uses the host's network%s", who(ctx), "");
}

void check_ctr_host_pid(lint_ctx *ctx)
{
	if (is_host(&ctx->ctr->pid))
		at(ctx, R_CTR_012, ctx->ctr->pid.pos, "%s shares the host's PID namespace%s", who(ctx), "");
}

void check_ctr_host_ipc(lint_ctx *ctx)
{
	if (is_host(&ctx->ctr->ipc))
		at(ctx, R_CTR_013, ctx->ctr->ipc.pos, "%s shares the host's IPC namespace%s", who(ctx), "");
}

void check_ctr_runtime_socket(lint_ctx *ctx)
{
	const vakt_ctr *c = ctx->ctr;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const ctr_mount *m = &c->mounts[i];
		if (m->bind && lint_is_runtime_endpoint(lint_clean_path(ctx->arena, m->source)))
			at(ctx, R_CTR_014, m->pos, "%s mounts the container runtime socket %s", who(ctx),
			   m->source);
	}
}

void check_ctr_sensitive_mount(lint_ctx *ctx)
{
	const vakt_ctr *c = ctx->ctr;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const ctr_mount *m = &c->mounts[i];
		if (!m->bind || m->source[0] != '/')
			continue; /* relative binds are project files */
		const char *p = lint_clean_path(ctx->arena, m->source);
		if (lint_is_runtime_endpoint(p))
			continue; /* CTR-014 */
		bool contains;
		const char *dir = lint_sensitive_dir(p, &contains);
		if (!dir)
			continue;
		const char *how = m->read_only ? "read-only" : "writable";
		if (contains)
			lint_emit_at(ctx, R_CTR_015, m->pos.file, m->pos.line, m->pos.col, NULL,
				     "%s mounts the host path %s (%s), which contains the sensitive %s",
				     who(ctx), m->source, how, dir);
		else
			lint_emit_at(ctx, R_CTR_015, m->pos.file, m->pos.line, m->pos.col, NULL,
				     "%s mounts the sensitive host path %s (%s)", who(ctx), m->source, how);
	}
}

void check_ctr_devices(lint_ctx *ctx)
{
	const ctr_list *l = &ctx->ctr->devices;
	for (size_t i = 0; i < l->n; i++)
		at(ctx, R_CTR_016, l->items[i].pos, "%s gets the host device %s", who(ctx),
		   l->items[i].value);
}

void check_ctr_pids_limit(lint_ctx *ctx)
{
	const ctr_str *p = &ctx->ctr->pids_limit;
	long v = p->set ? strtol(p->value, NULL, 10) : 0;
	if (!p->set || v <= 0)
		at(ctx, R_CTR_017, p->set ? p->pos : ctx->ctr->pos, "%s has no process limit%s", who(ctx),
		   p->set ? " (pids limit 0 or -1 means unlimited)" : "");
}

void check_ctr_memory(lint_ctx *ctx)
{
	const ctr_str *m = &ctx->ctr->memory;
	if (!m->set || !m->value[0] || strcmp(m->value, "0") == 0)
		at(ctx, R_CTR_018, m->set ? m->pos : ctx->ctr->pos, "%s has no memory limit%s", who(ctx), "");
}

/* Ports of services that should never face every network. */
static const char *admin_service(const char *port)
{
	static const struct {
		const char *port;
		const char *what;
	} admin[] = {
		{"22", "SSH"}, {"23", "telnet"}, {"2375", "the unencrypted Docker API"},
		{"2376", "the Docker API"}, {"2379", "etcd"}, {"2380", "etcd peers"},
		{"3306", "MySQL"}, {"5432", "PostgreSQL"}, {"6379", "Redis"}, {"27017", "MongoDB"},
		{"9200", "Elasticsearch"}, {"11211", "memcached"}, {"5984", "CouchDB"},
		{"8500", "Consul"}, {"10250", "the kubelet"}, {"6443", "the Kubernetes API"},
		{"5900", "VNC"}, {"3389", "RDP"}, {"9000", "PHP-FPM"},
		{"15672", "RabbitMQ management"}, {"9090", "Prometheus"},
	};
	for (size_t i = 0; i < sizeof(admin) / sizeof(admin[0]); i++)
		if (strcmp(port, admin[i].port) == 0)
			return admin[i].what;
	return NULL;
}

void check_ctr_admin_ports(lint_ctx *ctx)
{
	const vakt_ctr *c = ctx->ctr;
	for (size_t i = 0; i < c->n_ports; i++) {
		const ctr_port *p = &c->ports[i];
		bool all = !p->host_ip[0] || strcmp(p->host_ip, "0.0.0.0") == 0 ||
			   strcmp(p->host_ip, "::") == 0 || strcmp(p->host_ip, "[::]") == 0;
		const char *what = admin_service(p->container_port);
		if (all && what && p->host_port[0])
			lint_emit_at(ctx, R_CTR_019, p->pos.file, p->pos.line, p->pos.col, NULL,
				     "%s publishes port %s (%s) on all interfaces as %s", who(ctx),
				     p->container_port, what, p->host_port);
	}
}

void check_ctr_userns_host(lint_ctx *ctx)
{
	if (is_host(&ctx->ctr->userns))
		at(ctx, R_CTR_020, ctx->ctr->userns.pos, "%s turns off user namespace remapping%s",
		   who(ctx), " (userns host)");
}

void check_ctr_image_tag(lint_ctx *ctx)
{
	const ctr_str *img = &ctx->ctr->image;
	if (!img->set || !img->value[0] || ctx->ctr_image_built)
		return; /* a service with build: names the image it builds, nothing is pulled */
	lint_image_ref ref;
	lint_image_ref_parse(img->value, &ref);
	if (ref.digest || ref.variable)
		return;
	if (ref.tag_len == 0)
		at(ctx, R_CTR_021, img->pos, "%s uses image %s without a tag, which means :latest",
		   who(ctx), img->value);
	else if (ref.tag_len == 6 && strncmp(ref.tag, "latest", 6) == 0)
		at(ctx, R_CTR_021, img->pos, "%s uses image %s", who(ctx), img->value);
}
