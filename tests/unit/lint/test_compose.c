/* test_compose.c - compose projects: discovery, merging, interpolation, .env, extends, the
 * short and long syntaxes, positions and errors. Each test writes its files into a fresh
 * directory under /tmp and removes it afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint/compose.h"

/* ---- fixture --------------------------------------------------------------------------- */

typedef struct fx {
	char dir[64];
	vakt_arena a;
	compose_project *p;
	vakt_error *err;
	int rc;
	compose_options opt;
	const char *env[16];
} fx;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/vakt-compose-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	vakt_arena_init(&f->a, 0);
	f->opt.limits = vakt_doc_default_limits;
	f->opt.environ = f->env; /* empty unless a test adds to it */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	vakt_error_free(f->err);
	vakt_arena_destroy(&f->a);
	free(f);
	return 0;
}

/* dir/name, in the test's arena. */
static const char *path(fx *f, const char *name)
{
	return vakt_arena_printf(&f->a, "%s/%s", f->dir, name);
}

/* Write dir/name (making its directory). */
static void put(fx *f, const char *name, const char *text)
{
	const char *p = path(f, name);
	const char *slash = strrchr(name, '/');
	if (slash) {
		char sub[256];
		snprintf(sub, sizeof(sub), "%s/%.*s", f->dir, (int)(slash - name), name);
		mkdir(sub, 0755);
	}
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void setenv_(fx *f, const char *kv)
{
	size_t i = 0;
	while (f->env[i])
		i++;
	f->env[i] = kv;
}

/* Load dir/names[0..] in order. */
static int load_n(fx *f, const char *const *names, size_t n, bool add_override)
{
	const char *files[8];
	for (size_t i = 0; i < n; i++)
		files[i] = path(f, names[i]);
	vakt_error_free(f->err);
	f->err = NULL;
	f->p = NULL;
	f->rc = vakt_compose_load(files, n, add_override, &f->opt, &f->a, &f->p, &f->err);
	if (f->rc < 0)
		assert_non_null(f->err);
	return f->rc;
}

static int load1(fx *f, const char *name)
{
	const char *names[] = {name};
	return load_n(f, names, 1, false);
}

/* Write compose.yaml and load it, expecting success. */
static void load_ok(fx *f, const char *yaml)
{
	put(f, "compose.yaml", yaml);
	if (load1(f, "compose.yaml") < 0)
		fail_msg("load failed: %s:%u:%u: %s", f->err->file, f->err->line, f->err->col,
			 f->err->msg);
}

/* Write compose.yaml, load it, expect an error of code at line:col whose message has want. */
static void load_err(fx *f, const char *yaml, int code, unsigned line, unsigned col,
		     const char *want)
{
	put(f, "compose.yaml", yaml);
	assert_int_equal(load1(f, "compose.yaml"), code);
	if (!strstr(f->err->msg, want) || f->err->line != line || f->err->col != col)
		fail_msg("got %u:%u: %s; want %u:%u: ...%s...", f->err->line, f->err->col,
			 f->err->msg, line, col, want);
	assert_string_equal(f->err->file, path(f, "compose.yaml"));
}

static const compose_service *svc(fx *f, const char *name)
{
	for (size_t i = 0; i < f->p->nservices; i++)
		if (strcmp(f->p->services[i].ctr.name, name) == 0)
			return &f->p->services[i];
	fail_msg("no service %s", name);
	return NULL;
}

static void assert_pos(ctr_pos p, const char *file, unsigned line, unsigned col)
{
	if (file)
		assert_non_null(p.file), assert_string_equal(p.file, file);
	else if (p.file)
		fail_msg("position in %s, want the service's file", p.file);
	assert_int_equal(p.line, line);
	assert_int_equal(p.col, col);
}

static void assert_list(const ctr_list *l, const char *const *want, size_t n)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(l->items[i].value, want[i]);
}

#define LIST(l, ...)                                                                               \
	do {                                                                                       \
		const char *const w_[] = {__VA_ARGS__};                                            \
		assert_list((l), w_, sizeof(w_) / sizeof(w_[0]));                                  \
	} while (0)

/* ---- names ------------------------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	static const char *const yes[] = {"compose.yaml",	"compose.yml",
					  "docker-compose.yml", "docker-compose.yaml",
					  "compose.prod.yaml",	"docker-compose.override.yml",
					  "a/b/compose.yaml",	"docker-compose-dev.yml"};
	static const char *const no[] = {"compose.json", "mycompose.yaml",   "docker-compose",
					 "Compose.yaml", "compose.yaml.bak", "app.yaml", "composer.yml"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(vakt_compose_is_compose_name(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(vakt_compose_is_compose_name(no[i]));
	assert_true(vakt_compose_is_override_name("compose.override.yaml"));
	assert_true(vakt_compose_is_override_name("compose.override.yml"));
	assert_true(vakt_compose_is_override_name("docker-compose.override.yaml"));
	assert_true(vakt_compose_is_override_name("x/docker-compose.override.yml"));
	assert_false(vakt_compose_is_override_name("compose.yaml"));
	assert_false(vakt_compose_is_override_name("compose.prod.yaml"));
	assert_false(vakt_compose_is_override_name("compose.override.json"));
}

static void test_find_file(void **state)
{
	fx *f = *state;
	assert_null(vakt_compose_find_file(f->dir, &f->a));
	put(f, "docker-compose.yaml", "services: {}\n");
	assert_string_equal(vakt_compose_find_file(f->dir, &f->a), path(f, "docker-compose.yaml"));
	put(f, "docker-compose.yml", "services: {}\n");
	assert_string_equal(vakt_compose_find_file(f->dir, &f->a), path(f, "docker-compose.yml"));
	put(f, "compose.yml", "services: {}\n");
	assert_string_equal(vakt_compose_find_file(f->dir, &f->a), path(f, "compose.yml"));
	put(f, "compose.yaml", "services: {}\n");
	assert_string_equal(vakt_compose_find_file(f->dir, &f->a), path(f, "compose.yaml"));
}

/* ---- one file ------------------------------------------------------------------------------ */

static void test_fields_and_positions(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n"
		   "  web:\n"
		   "    image: nginx:1.25\n"
		   "    privileged: true\n"
		   "    read_only: \"yes\"\n"
		   "    user: \"1000:1000\"\n"
		   "    cap_add: [NET_ADMIN, SYS_TIME]\n"
		   "    cap_drop:\n"
		   "      - ALL\n"
		   "    security_opt:\n"
		   "      - no-new-privileges:true\n"
		   "      - seccomp=unconfined\n"
		   "    tmpfs: /run:size=64m\n"
		   "    devices:\n"
		   "      - /dev/fuse:/dev/fuse:rwm\n"
		   "      - source: /dev/kvm\n"
		   "        target: /dev/kvm\n"
		   "        permissions: rw\n"
		   "    network_mode: host\n"
		   "    pid: host\n"
		   "    ipc: shareable\n"
		   "    uts: host\n"
		   "    userns_mode: host\n"
		   "    pids_limit: 100\n"
		   "    mem_limit: 512m\n"
		   "    environment: [A=1]\n"
		   "    x-other: 1\n");
	assert_int_equal(f->p->nservices, 1);
	assert_int_equal(f->p->nfiles, 1);
	assert_string_equal(f->p->dir, f->dir);
	const compose_service *s = svc(f, "web");
	const vakt_ctr *c = &s->ctr;
	assert_string_equal(s->file, path(f, "compose.yaml"));
	assert_int_equal(c->source, CTR_COMPOSE);
	assert_string_equal(c->tool, "compose");
	assert_pos(c->pos, NULL, 2, 3);
	assert_true(c->image.set);
	assert_string_equal(c->image.value, "nginx:1.25");
	assert_pos(c->image.pos, NULL, 3, 12);
	assert_true(c->privileged.set && c->privileged.value);
	assert_pos(c->privileged.pos, NULL, 4, 17);
	assert_true(c->read_only.set && c->read_only.value); /* compose casts "yes" */
	assert_string_equal(c->user.value, "1000:1000");
	LIST(&c->cap_add, "NET_ADMIN", "SYS_TIME");
	assert_pos(c->cap_add.items[1].pos, NULL, 7, 26);
	LIST(&c->cap_drop, "ALL");
	assert_pos(c->cap_drop.items[0].pos, NULL, 9, 9);
	LIST(&c->security_opt, "no-new-privileges:true", "seccomp=unconfined");
	LIST(&c->tmpfs, "/run");
	assert_pos(c->tmpfs.items[0].pos, NULL, 13, 12);
	LIST(&c->devices, "/dev/fuse:/dev/fuse:rwm", "/dev/kvm:/dev/kvm:rw");
	assert_pos(c->devices.items[1].pos, NULL, 16, 9);
	assert_string_equal(c->network_mode.value, "host");
	assert_string_equal(c->pid.value, "host");
	assert_string_equal(c->ipc.value, "shareable");
	assert_string_equal(c->uts.value, "host");
	assert_string_equal(c->userns.value, "host");
	assert_string_equal(c->pids_limit.value, "100");
	assert_pos(c->pids_limit.pos, NULL, 24, 17);
	assert_string_equal(c->memory.value, "512m");
	assert_int_equal(c->n_mounts, 0);
	assert_int_equal(c->n_ports, 0);
	assert_null(s->build_context);
	assert_null(s->build_dockerfile);
	assert_null(s->build_args);
	assert_int_equal(s->nignores, 0);
}

static void test_unset_fields(void **state)
{
	fx *f = *state;
	load_ok(f, "version: \"3.8\"\nname: proj\nservices:\n  a:\n    image: x\n    user: null\n"
		   "    privileged: ~\nx-foo: {bar: 1}\nnetworks: {n: {}}\n");
	const vakt_ctr *c = &svc(f, "a")->ctr;
	assert_false(c->user.set);
	assert_string_equal(c->user.value, "");
	assert_false(c->privileged.set);
	assert_false(c->read_only.set);
	assert_false(c->pids_limit.set);
	assert_string_equal(c->memory.value, "");
}

static void test_services_in_name_order(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n  zeta: {image: z}\n  alpha: {image: a}\n  mid: {image: m}\n");
	assert_int_equal(f->p->nservices, 3);
	assert_string_equal(f->p->services[0].ctr.name, "alpha");
	assert_string_equal(f->p->services[1].ctr.name, "mid");
	assert_string_equal(f->p->services[2].ctr.name, "zeta");
	assert_pos(f->p->services[0].ctr.pos, NULL, 3, 3);
}

static void test_empty_and_no_services(void **state)
{
	fx *f = *state;
	load_ok(f, "");
	assert_int_equal(f->p->nservices, 0);
	load_ok(f, "version: '3'\nnetworks: {}\n");
	assert_int_equal(f->p->nservices, 0);
	load_ok(f, "services: {}\n");
	assert_int_equal(f->p->nservices, 0);
}

static void test_deploy_limits(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n"
		   "  a:\n"
		   "    mem_limit: 1g\n"
		   "    pids_limit: \"50\"\n"
		   "    deploy:\n"
		   "      resources:\n"
		   "        limits:\n"
		   "          memory: 256M\n"
		   "          pids: 20\n"
		   "  b:\n"
		   "    mem_limit: 1073741824\n"
		   "    pids_limit: -1\n"
		   "    deploy: {replicas: 2}\n");
	const vakt_ctr *a = &svc(f, "a")->ctr, *b = &svc(f, "b")->ctr;
	assert_string_equal(a->memory.value, "256M");
	assert_pos(a->memory.pos, NULL, 8, 19);
	assert_string_equal(a->pids_limit.value, "20");
	assert_string_equal(b->memory.value, "1073741824");
	assert_string_equal(b->pids_limit.value, "-1");
}

static void test_multiple_documents(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n  a:\n    image: one\n    cap_add: [A]\n---\nservices:\n  a:\n"
		   "    image: two\n    cap_add: [B]\n  b:\n    image: b\n");
	const vakt_ctr *a = &svc(f, "a")->ctr;
	assert_string_equal(a->image.value, "two");
	assert_pos(a->image.pos, NULL, 8, 12);
	LIST(&a->cap_add, "A", "B");
	assert_int_equal(f->p->nservices, 2);
}

/* ---- several files --------------------------------------------------------------------------- */

static void test_override_discovery(void **state)
{
	fx *f = *state;
	put(f, "compose.yaml",
	    "services:\n"
	    "  web:\n"
	    "    image: nginx:1.0\n"
	    "    cap_add: [NET_ADMIN]\n"
	    "  db:\n"
	    "    image: postgres\n");
	put(f, "compose.override.yaml",
	    "services:\n"
	    "  web:\n"
	    "    image: nginx:2.0\n"
	    "    cap_add: [SYS_TIME]\n"
	    "    read_only: true\n"
	    "  cache:\n"
	    "    image: redis\n");
	const char *names[] = {"compose.yaml"};
	assert_int_equal(load_n(f, names, 1, true), 0);
	assert_int_equal(f->p->nfiles, 2);
	assert_string_equal(f->p->files[1], path(f, "compose.override.yaml"));
	assert_int_equal(f->p->nservices, 3);
	const char *ov = path(f, "compose.override.yaml");
	const compose_service *web = svc(f, "web");
	assert_string_equal(web->file, path(f, "compose.yaml"));
	assert_string_equal(web->ctr.image.value, "nginx:2.0");
	assert_pos(web->ctr.image.pos, ov, 3, 12);
	LIST(&web->ctr.cap_add, "NET_ADMIN", "SYS_TIME");
	assert_pos(web->ctr.cap_add.items[0].pos, NULL, 4, 15);
	assert_pos(web->ctr.cap_add.items[1].pos, ov, 4, 15);
	assert_pos(web->ctr.read_only.pos, ov, 5, 16);
	assert_pos(web->ctr.pos, NULL, 2, 3);
	const compose_service *cache = svc(f, "cache");
	assert_string_equal(cache->file, ov);
	assert_pos(cache->ctr.image.pos, NULL, 7, 12); /* in its own file */
	assert_string_equal(svc(f, "db")->ctr.image.value, "postgres");

	/* without add_override, only the named file */
	assert_int_equal(load_n(f, names, 1, false), 0);
	assert_int_equal(f->p->nfiles, 1);
	assert_int_equal(f->p->nservices, 2);
	assert_string_equal(svc(f, "web")->ctr.image.value, "nginx:1.0");

	/* compose.override.yml is compose's first choice */
	put(f, "compose.override.yml", "services:\n  web:\n    image: nginx:3.0\n");
	assert_int_equal(load_n(f, names, 1, true), 0);
	assert_string_equal(svc(f, "web")->ctr.image.value, "nginx:3.0");
	assert_int_equal(f->p->nservices, 2);

	/* an override named among the files is not added again */
	const char *both[] = {"compose.yaml", "compose.override.yml"};
	assert_int_equal(load_n(f, both, 2, true), 0);
	assert_int_equal(f->p->nfiles, 2);
}

static void test_docker_compose_override(void **state)
{
	fx *f = *state;
	put(f, "docker-compose.yml", "version: '2.4'\nservices:\n  app:\n    image: a\n");
	put(f, "docker-compose.override.yml", "version: '2.4'\nservices:\n  app:\n    user: app\n");
	const char *names[] = {"docker-compose.yml"};
	assert_int_equal(load_n(f, names, 1, true), 0);
	const vakt_ctr *c = &svc(f, "app")->ctr;
	assert_string_equal(c->image.value, "a");
	assert_string_equal(c->user.value, "app");
	assert_pos(c->user.pos, path(f, "docker-compose.override.yml"), 4, 11);
}

static void test_files_in_order(void **state)
{
	fx *f = *state;
	put(f, "a.yaml", "services:\n  s:\n    image: a\n    user: u\n    cap_add: [A]\n");
	put(f, "b.yaml", "services:\n  s:\n    image: b\n    cap_add: [B]\n");
	put(f, "c.yaml", "services:\n  s:\n    image: c\n    cap_add: [C]\n");
	const char *abc[] = {"a.yaml", "b.yaml", "c.yaml"};
	assert_int_equal(load_n(f, abc, 3, true), 0);
	const vakt_ctr *s = &svc(f, "s")->ctr;
	assert_string_equal(s->image.value, "c");
	assert_string_equal(s->user.value, "u");
	LIST(&s->cap_add, "A", "B", "C");
	assert_string_equal(f->p->files[0], path(f, "a.yaml"));
	assert_string_equal(f->p->files[2], path(f, "c.yaml"));
	const char *cba[] = {"c.yaml", "b.yaml", "a.yaml"};
	assert_int_equal(load_n(f, cba, 3, false), 0);
	s = &svc(f, "s")->ctr;
	assert_string_equal(s->image.value, "a");
	LIST(&s->cap_add, "C", "B", "A");
}

static void test_merge_lists(void **state)
{
	fx *f = *state;
	put(f, "compose.yaml",
	    "services:\n"
	    "  s:\n"
	    "    cap_add: [NET_ADMIN, SYS_TIME]\n"
	    "    cap_drop: [ALL]\n"
	    "    security_opt: [no-new-privileges:true]\n"
	    "    devices: [\"/dev/a:/dev/x\", \"/dev/b:/dev/y\"]\n"
	    "    tmpfs: /run\n"
	    "    volumes:\n"
	    "      - data:/data\n"
	    "      - ./cfg:/etc/app:ro\n"
	    "    ports:\n"
	    "      - \"8080:80\"\n"
	    "      - \"9090:90\"\n"
	    "    build:\n"
	    "      context: .\n"
	    "      args:\n"
	    "        A: \"1\"\n"
	    "        B: \"2\"\n");
	put(f, "o.yaml",
	    "services:\n"
	    "  s:\n"
	    "    cap_add: [NET_ADMIN, CHOWN]\n"
	    "    cap_drop: [ALL]\n"
	    "    security_opt: [no-new-privileges:true]\n"
	    "    devices: [\"/dev/c:/dev/x\"]\n"
	    "    tmpfs: [/tmp]\n"
	    "    volumes:\n"
	    "      - other:/data\n"
	    "    ports:\n"
	    "      - \"8080:80\"\n"
	    "      - \"127.0.0.1:8081:81\"\n"
	    "    build:\n"
	    "      context: ./sub\n"
	    "      args: [B=3, C]\n");
	setenv_(f, "C=envc");
	const char *names[] = {"compose.yaml", "o.yaml"};
	assert_int_equal(load_n(f, names, 2, false), 0);
	const char *o = path(f, "o.yaml");
	const compose_service *s = svc(f, "s");
	const vakt_ctr *c = &s->ctr;
	/* unique by value: the later entry takes the earlier one's place */
	LIST(&c->cap_add, "NET_ADMIN", "SYS_TIME", "CHOWN");
	assert_pos(c->cap_add.items[0].pos, o, 3, 15);
	LIST(&c->cap_drop, "ALL");
	assert_pos(c->cap_drop.items[0].pos, o, 4, 16);
	/* security_opt is appended as compose does, without de-duplication */
	LIST(&c->security_opt, "no-new-privileges:true", "no-new-privileges:true");
	/* devices unique by container path */
	LIST(&c->devices, "/dev/c:/dev/x", "/dev/b:/dev/y");
	LIST(&c->tmpfs, "/run", "/tmp");
	/* volumes unique by target */
	assert_int_equal(c->n_mounts, 2);
	assert_string_equal(c->mounts[0].source, "other");
	assert_string_equal(c->mounts[0].target, "/data");
	assert_pos(c->mounts[0].pos, o, 9, 9);
	assert_string_equal(c->mounts[1].source, path(f, "cfg"));
	assert_true(c->mounts[1].read_only && c->mounts[1].bind);
	/* ports: the same mapping once */
	assert_int_equal(c->n_ports, 3);
	assert_string_equal(c->ports[0].host_port, "8080");
	assert_pos(c->ports[0].pos, o, 11, 9);
	assert_string_equal(c->ports[1].host_port, "9090");
	assert_string_equal(c->ports[2].host_ip, "127.0.0.1");
	/* build mappings merge; args become a list, unique by name */
	assert_string_equal(s->build_context, path(f, "sub"));
	assert_non_null(s->build_args);
	assert_string_equal(s->build_args[0], "A=1");
	assert_string_equal(s->build_args[1], "B=3");
	assert_string_equal(s->build_args[2], "C=envc");
	assert_null(s->build_args[3]);
}

static void test_merge_build_string_and_scalars(void **state)
{
	fx *f = *state;
	put(f, "compose.yaml",
	    "services:\n  s:\n    build:\n      context: .\n      target: dev\n"
	    "    privileged: true\n    user: root\n    ports: ['80']\n");
	put(f, "o.yaml",
	    "services:\n  s:\n    build: ./app\n    privileged: false\n    user: null\n"
	    "    ports: null\n");
	const char *names[] = {"compose.yaml", "o.yaml"};
	assert_int_equal(load_n(f, names, 2, false), 0);
	const compose_service *s = svc(f, "s");
	assert_string_equal(s->build_context, path(f, "app"));
	assert_string_equal(s->build_target, "dev");
	assert_true(s->ctr.privileged.set);
	assert_false(s->ctr.privileged.value);
	/* a null in a later file replaces nothing */
	assert_string_equal(s->ctr.user.value, "root");
	assert_int_equal(s->ctr.n_ports, 1);
}

static void test_reset_and_override_tags(void **state)
{
	fx *f = *state;
	put(f, "compose.yaml",
	    "services:\n  s:\n    image: x\n    user: root\n    ports: ['8080:80']\n"
	    "    cap_add: [NET_ADMIN]\n  db:\n    image: pg\n");
	put(f, "o.yaml",
	    "services:\n  s:\n    user: !reset null\n    cap_add: !reset []\n"
	    "    ports: !override\n      - '8443:443'\n  db: !reset\n");
	const char *names[] = {"compose.yaml", "o.yaml"};
	assert_int_equal(load_n(f, names, 2, false), 0);
	assert_int_equal(f->p->nservices, 1);
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_false(c->user.set);
	assert_int_equal(c->cap_add.n, 0);
	assert_int_equal(c->n_ports, 1);
	assert_string_equal(c->ports[0].container_port, "443");
	assert_string_equal(c->image.value, "x");
}

static void test_cannot_override(void **state)
{
	fx *f = *state;
	put(f, "compose.yaml", "services:\n  s:\n    cap_add: [A]\n");
	put(f, "o.yaml", "services:\n  s:\n    cap_add: A\n");
	const char *names[] = {"compose.yaml", "o.yaml"};
	assert_int_equal(load_n(f, names, 2, false), VAKT_E_INVALID);
	assert_string_equal(f->err->file, path(f, "o.yaml"));
	assert_int_equal(f->err->line, 3);
	assert_int_equal(f->err->col, 14);
	assert_non_null(strstr(f->err->msg, "services.s.cap_add: cannot override a sequence"));
}

/* ---- interpolation ------------------------------------------------------------------------------
 */

static void test_interpolation_forms(void **state)
{
	fx *f = *state;
	setenv_(f, "TAG=1.5");
	setenv_(f, "EMPTY=");
	setenv_(f, "PRIV=TRUE");
	setenv_(f, "NAME=web");
	load_ok(f, "services:\n"
		   "  s:\n"
		   "    image: \"repo/app:${TAG}\"\n"
		   "    user: $NAME\n"
		   "    network_mode: ${UNSET:-bridge}\n"
		   "    pid: ${EMPTY-host}\n"
		   "    ipc: ${EMPTY:-private}\n"
		   "    uts: ${TAG:+host}\n"
		   "    userns_mode: ${UNSET+x}\n"
		   "    privileged: ${PRIV}\n"
		   "    cap_add:\n"
		   "      - \"$$LITERAL\"\n"
		   "      - ${UNSET:-${TAG:-x}}\n"
		   "      - a$1b$\n"
		   "      - ${EMPTY?unused}\n"
		   "      - pre${UNSET}post\n"
		   "      - ${UNSET:-a}-${TAG}\n"
		   "      - ${EMPTY:+x}${UNSET-}end\n"
		   "      - ${UNSET:-{x}}\n"
		   "      - ${TAG:+${NAME}}\n"
		   "      - $NAME-$TAG.$NAMEx\n"
		   "      - '${UNSET:-a}}'\n"
		   "    labels:\n"
		   "      \"${not interpolated\": x\n");
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_string_equal(c->image.value, "repo/app:1.5");
	assert_string_equal(c->user.value, "web");
	assert_string_equal(c->network_mode.value, "bridge");
	assert_true(c->pid.set);
	assert_string_equal(c->pid.value, "");
	assert_string_equal(c->ipc.value, "private");
	assert_string_equal(c->uts.value, "host");
	assert_string_equal(c->userns.value, "");
	assert_true(c->privileged.set && c->privileged.value);
	LIST(&c->cap_add, "$LITERAL", "1.5", "a$1b$", "", "prepost", "a-1.5", "end", "{x}", "web",
	     "web-1.5.", "a}");
}

static void test_interpolated_types(void **state)
{
	fx *f = *state;
	setenv_(f, "UID=1000");
	setenv_(f, "RO=off");
	/* an interpolated value is a string; a plain number is not */
	load_ok(f, "services:\n  s:\n    user: ${UID}\n    read_only: ${RO}\n    pids_limit: "
		   "${UID}\n");
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_string_equal(c->user.value, "1000");
	assert_true(c->read_only.set);
	assert_false(c->read_only.value);
	assert_string_equal(c->pids_limit.value, "1000");
	load_err(f, "services:\n  s:\n    user: 1000\n", VAKT_E_INVALID, 3, 11,
		 "services.s.user: expected a string, got integer");
	load_err(f, "services:\n  s:\n    pids_limit: ${RO}\n", VAKT_E_INVALID, 3, 17,
		 "services.s.pids_limit: expected an integer");
}

static void test_interpolation_errors(void **state)
{
	fx *f = *state;
	setenv_(f, "EMPTY=");
	load_err(f, "services:\n  s:\n    image: ${MISSING:?set MISSING to the image}\n",
		 VAKT_E_INVALID, 3, 12,
		 "services.s.image: required variable MISSING is missing a value: set MISSING to "
		 "the image");
	load_err(f, "services:\n  s:\n    image: x\n    environment:\n      - PW=${EMPTY:?}\n",
		 VAKT_E_INVALID, 5, 9,
		 "services.s.environment[0]: required variable EMPTY is missing a value");
	load_err(f, "x-top:\n  a: ${UNSET?}\nservices: {}\n", VAKT_E_INVALID, 2, 6,
		 "x-top.a: required variable UNSET");
	load_err(f, "services:\n  s:\n    command: echo ${\n", VAKT_E_INVALID, 3, 14,
		 "services.s.command: invalid interpolation format \"echo ${\"");
	load_err(f, "services:\n  s:\n    image: ${A B}\n", VAKT_E_INVALID, 3, 12,
		 "invalid interpolation format");
	load_err(f, "services:\n  s:\n    image: ${A:x}\n", VAKT_E_INVALID, 3, 12,
		 "invalid interpolation format");
	load_err(f, "services:\n  s:\n    image: ${A:-x\n", VAKT_E_INVALID, 3, 12,
		 "invalid interpolation format");
	load_err(f, "services:\n  s:\n    image: ${UNSET:-${MISSING:?inner}}\n", VAKT_E_INVALID, 3,
		 12, "required variable MISSING is missing a value: inner");
	/* the message itself is interpolated */
	setenv_(f, "WHO=ops");
	load_err(f, "services:\n  s:\n    image: ${X?ask $WHO}\n", VAKT_E_INVALID, 3, 12,
		 "required variable X is missing a value: ask ops");
	/* an anchored value is reported once, where it is written (its anchor), under the path
	 * it is first reached by */
	load_err(f, "x-a: &a ${NOPE:?no}\nservices:\n  s:\n    image: *a\n", VAKT_E_INVALID, 1, 6,
		 "services.s.image: required variable NOPE");
}

static void test_interpolation_limits(void **state)
{
	fx *f = *state;
	char yaml[4096] = "services:\n  s:\n    image: ";
	for (int i = 0; i < 80; i++)
		strcat(yaml, "${A:-");
	strcat(yaml, "x");
	for (int i = 0; i < 80; i++)
		strcat(yaml, "}");
	strcat(yaml, "\n");
	load_err(f, yaml, VAKT_E_LIMIT, 3, 12, "nested more than");
	/* a value that would expand past its limit */
	f->opt.limits.max_doc_bytes = 4096;
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char kv[3100];
	snprintf(kv, sizeof(kv), "BIG=%s", big);
	setenv_(f, kv);
	load_err(f, "services:\n  s:\n    image: $BIG$BIG\n", VAKT_E_LIMIT, 3, 12,
		 "interpolated value is larger than");
}

static void test_dotenv(void **state)
{
	fx *f = *state;
	put(f, ".env",
	    "\xEF\xBB\xBF# a comment\n"
	    "export TAG=2.0\n"
	    "NAME=\"my app\" # trailing comment\n"
	    "SINGLE='raw $TAG \\n'\n"
	    "DOUBLE=\"line\\nnext $TAG \\\"q\\\"\"\n"
	    "INLINE=value # comment\n"
	    "HASH=a#b\n"
	    "REF=${TAG}-x\n"
	    "FROMENV=dotenv\n"
	    "COLON: yes\n"
	    "  SPACED = v  \n"
	    "ESC=\"\\$TAG\"\n"
	    "INHERIT\n"
	    "MULTI=\"a\n"
	    "b\"\n"
	    "AFTER=${MULTI}!\n");
	setenv_(f, "FROMENV=env");
	setenv_(f, "INHERIT=inherited");
	load_ok(f, "services:\n  s:\n    image: \"${TAG}\"\n    user: ${NAME}\n    cap_add:\n"
		   "      - ${SINGLE}\n      - ${DOUBLE}\n      - ${INLINE}\n      - ${HASH}\n"
		   "      - ${REF}\n      - ${FROMENV}\n      - ${COLON}\n      - ${SPACED}\n"
		   "      - ${ESC}\n      - ${INHERIT}\n      - ${AFTER}\n");
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_string_equal(c->image.value, "2.0");
	assert_string_equal(c->user.value, "my app");
	LIST(&c->cap_add, "raw $TAG \\n", "line\nnext 2.0 \"q\"", "value", "a#b", "2.0-x", "env",
	     "yes", "v", "$TAG", "inherited", "a\nb!");

	/* no_env_file: the file is not read */
	f->opt.no_env_file = true;
	load_ok(f, "services:\n  s:\n    image: \"x${TAG}\"\n");
	assert_string_equal(svc(f, "s")->ctr.image.value, "x");
}

static void test_dotenv_errors(void **state)
{
	fx *f = *state;
	put(f, ".env", "A=1\nBAD KEY=1\n");
	put(f, "compose.yaml", "services: {}\n");
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_PARSE);
	assert_string_equal(f->err->file, path(f, ".env"));
	assert_int_equal(f->err->line, 2);
	assert_non_null(strstr(f->err->msg, "cannot contain a space"));
	put(f, ".env", "A=1\n\nB=\"open\n");
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_PARSE);
	assert_int_equal(f->err->line, 3);
	assert_non_null(strstr(f->err->msg, "unterminated quoted value"));
	put(f, ".env", "A=1\nB$=2\n");
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_PARSE);
	assert_int_equal(f->err->line, 2);
	assert_non_null(strstr(f->err->msg, "unexpected character '$'"));
	put(f, ".env", "A=${B:?b is needed}\n");
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_INVALID);
	assert_non_null(strstr(f->err->msg, "required variable B is missing a value: b is needed"));
}

/* ---- extends
 * ------------------------------------------------------------------------------------- */

static void test_extends_same_file(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n"
		   "  base:\n"
		   "    image: base:1\n"
		   "    cap_drop: [ALL]\n"
		   "    read_only: true\n"
		   "    cap_add: [CHOWN]\n"
		   "  web:\n"
		   "    extends: base\n"
		   "    image: web:1\n"
		   "    cap_add: [NET_BIND_SERVICE]\n"
		   "  worker:\n"
		   "    extends:\n"
		   "      service: web\n"
		   "    user: nobody\n");
	const vakt_ctr *web = &svc(f, "web")->ctr, *wk = &svc(f, "worker")->ctr;
	assert_string_equal(web->image.value, "web:1");
	assert_pos(web->image.pos, NULL, 9, 12);
	LIST(&web->cap_drop, "ALL");
	assert_pos(web->cap_drop.items[0].pos, NULL, 4, 16);
	assert_true(web->read_only.value);
	LIST(&web->cap_add, "CHOWN", "NET_BIND_SERVICE");
	assert_string_equal(wk->image.value, "web:1");
	assert_string_equal(wk->user.value, "nobody");
	LIST(&wk->cap_add, "CHOWN", "NET_BIND_SERVICE");
	assert_pos(wk->pos, NULL, 11, 3);
}

static void test_extends_other_file(void **state)
{
	fx *f = *state;
	put(f, "sub/common.yml",
	    "services:\n"
	    "  tmpl:\n"
	    "    build: ./app\n"
	    "    volumes:\n"
	    "      - ./data:/data\n"
	    "      - /var/run/docker.sock:/var/run/docker.sock:ro\n"
	    "    privileged: ${PRIV:-true}\n"
	    "  more:\n"
	    "    extends: tmpl\n"
	    "    user: u\n");
	load_ok(f, "services:\n"
		   "  web:\n"
		   "    extends:\n"
		   "      file: sub/common.yml\n"
		   "      service: more\n"
		   "    volumes:\n"
		   "      - ./data:/data2\n");
	const char *common = path(f, "sub/common.yml");
	const compose_service *s = svc(f, "web");
	const vakt_ctr *c = &s->ctr;
	assert_string_equal(s->file, path(f, "compose.yaml"));
	assert_string_equal(s->build_context, path(f, "sub/app"));
	assert_string_equal(s->build_dockerfile, path(f, "sub/app/Dockerfile"));
	assert_int_equal(c->n_mounts, 3);
	assert_string_equal(c->mounts[0].source, path(f, "sub/data"));
	assert_pos(c->mounts[0].pos, common, 5, 9);
	assert_string_equal(c->mounts[1].source, "/var/run/docker.sock");
	assert_true(c->mounts[1].read_only);
	assert_string_equal(c->mounts[2].source, path(f, "data"));
	assert_pos(c->mounts[2].pos, NULL, 7, 9);
	assert_true(c->privileged.value);
	assert_pos(c->privileged.pos, common, 7, 17);
	assert_string_equal(c->user.value, "u");
}

static void test_extends_errors(void **state)
{
	fx *f = *state;
	load_err(f, "services:\n  a:\n    extends: b\n  b:\n    extends: a\n", VAKT_E_INVALID, 5,
		 14, "services.b.extends: a cycle: a -> b -> a");
	load_err(f, "services:\n  a:\n    extends: a\n", VAKT_E_INVALID, 3, 14, "a cycle: a -> a");
	load_err(f, "services:\n  a:\n    extends: nope\n", VAKT_E_INVALID, 3, 14,
		 "services.a.extends: service \"nope\" not found");
	load_err(f, "services:\n  a:\n    extends:\n      file: nothere.yml\n      service: x\n",
		 VAKT_E_IO, 4, 13, "extends: cannot read");
	load_err(f, "services:\n  a:\n    extends: {file: x.yml}\n", VAKT_E_INVALID, 3, 14,
		 "service is required");
	load_err(f, "services:\n  a:\n    extends: [b]\n", VAKT_E_INVALID, 3, 14,
		 "expected a string or a mapping, got sequence");
	put(f, "other.yml", "services:\n  x: {image: x}\n");
	load_err(f, "services:\n  a:\n    extends: {file: other.yml, service: y}\n", VAKT_E_INVALID,
		 3, 41, "service \"y\" not found in");

	/* a cycle through two files */
	put(f, "one.yml", "services:\n  x:\n    extends: {file: two.yml, service: y}\n");
	put(f, "two.yml", "services:\n  y:\n    extends: {file: one.yml, service: x}\n");
	assert_int_equal(load1(f, "one.yml"), VAKT_E_INVALID);
	assert_non_null(strstr(f->err->msg, "a cycle"));
	/* a broken extended file reports its own position */
	put(f, "broken.yml", "services:\n  x: [\n");
	put(f, "compose.yaml", "services:\n  a:\n    extends: {file: broken.yml, service: x}\n");
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_PARSE);
	assert_string_equal(f->err->file, path(f, "broken.yml"));
	assert_int_equal(f->err->line, 3);
}

static void test_extends_chain_limit(void **state)
{
	fx *f = *state;
	char yaml[8192] = "services:\n";
	for (int i = 0; i < 40; i++) {
		char line[64];
		snprintf(line, sizeof(line), "  s%d: {extends: s%d}\n", i, i + 1);
		strcat(yaml, line);
	}
	strcat(yaml, "  s40: {image: x}\n");
	put(f, "compose.yaml", yaml);
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_LIMIT);
	assert_non_null(strstr(f->err->msg, "extend each other"));
	/* a long chain within the limit resolves */
	strcpy(yaml, "services:\n");
	for (int i = 0; i < 20; i++) {
		char line[64];
		snprintf(line, sizeof(line), "  s%d: {extends: s%d, cap_add: [C%d]}\n", i, i + 1,
			 i);
		strcat(yaml, line);
	}
	strcat(yaml, "  s20: {image: x}\n");
	load_ok(f, yaml);
	assert_string_equal(svc(f, "s0")->ctr.image.value, "x");
	assert_int_equal(svc(f, "s0")->ctr.cap_add.n, 20);
}

/* ---- volumes and ports
 * ---------------------------------------------------------------------------- */

static void test_volumes(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n"
		   "  s:\n"
		   "    volumes:\n"
		   "      - /var/run/docker.sock:/var/run/docker.sock\n"
		   "      - ./data:/data:ro\n"
		   "      - ../shared/./x/..:/shared:rw,z\n"
		   "      - ~/.ssh:/root/.ssh:ro\n"
		   "      - named:/named\n"
		   "      - /anon\n"
		   "      - type: bind\n"
		   "        source: ./conf\n"
		   "        target: /conf\n"
		   "        read_only: \"true\"\n"
		   "      - type: volume\n"
		   "        source: vol\n"
		   "        target: /vol\n"
		   "      - type: tmpfs\n"
		   "        target: /tmp\n"
		   "      - type: npipe\n"
		   "        source: \\\\.\\pipe\\docker_engine\n"
		   "        target: \\\\.\\pipe\\docker_engine\n"
		   "      - //etc//passwd:/p\n"
		   "      - .:/app\n");
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_int_equal(c->n_mounts, 12);
	const ctr_mount *m = c->mounts;
	assert_string_equal(m[0].source, "/var/run/docker.sock");
	assert_string_equal(m[0].target, "/var/run/docker.sock");
	assert_true(m[0].bind);
	assert_false(m[0].read_only);
	assert_pos(m[0].pos, NULL, 4, 9);
	assert_string_equal(m[1].source, path(f, "data"));
	assert_true(m[1].read_only);
	char *parent = strdup(f->dir);
	*strrchr(parent, '/') = '\0';
	char want[128];
	snprintf(want, sizeof(want), "%s/shared", parent);
	free(parent);
	assert_string_equal(m[2].source, want);
	assert_false(m[2].read_only);
	assert_string_equal(m[3].source, "~/.ssh");
	assert_true(m[3].bind && m[3].read_only);
	assert_string_equal(m[4].source, "named");
	assert_false(m[4].bind);
	assert_string_equal(m[5].source, "");
	assert_string_equal(m[5].target, "/anon");
	assert_false(m[5].bind);
	assert_string_equal(m[6].source, path(f, "conf"));
	assert_true(m[6].bind && m[6].read_only);
	assert_pos(m[6].pos, NULL, 10, 9);
	assert_string_equal(m[7].source, "vol");
	assert_false(m[7].bind);
	assert_string_equal(m[8].source, "");
	assert_string_equal(m[8].target, "/tmp");
	assert_false(m[8].bind);
	assert_true(m[9].bind);
	assert_string_equal(m[9].source, "\\\\.\\pipe\\docker_engine");
	assert_string_equal(m[10].source, "/etc/passwd");
	assert_string_equal(m[11].source, f->dir);
}

static void test_volume_errors(void **state)
{
	fx *f = *state;
	load_err(f, "services:\n  s:\n    volumes: [\"/a:/b:ro:x\"]\n", VAKT_E_INVALID, 3, 15,
		 "services.s.volumes[0]: invalid volume \"/a:/b:ro:x\": too many colons");
	load_err(f, "services:\n  s:\n    volumes: [\"/a::/b\"]\n", VAKT_E_INVALID, 3, 15,
		 "empty section between colons");
	load_err(f, "services:\n  s:\n    volumes:\n      - type: bind\n        source: /x\n",
		 VAKT_E_INVALID, 4, 9, "services.s.volumes[0]: target is required");
	load_err(f, "services:\n  s:\n    volumes: /a:/b\n", VAKT_E_INVALID, 3, 14,
		 "services.s.volumes: expected a sequence, got string");
	load_err(f,
		 "services:\n  s:\n    volumes:\n      - {type: bind, target: /x, read_only: "
		 "maybe}\n",
		 VAKT_E_INVALID, 4, 45, "services.s.volumes[0].read_only: expected a boolean");
}

static void test_ports(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n"
		   "  s:\n"
		   "    ports:\n"
		   "      - 80\n"
		   "      - \"8080:80\"\n"
		   "      - \"127.0.0.1:8081:81/udp\"\n"
		   "      - \"[::1]:8082:82\"\n"
		   "      - \"8000-8010:8000-8010\"\n"
		   "      - \"9090-9091:8080\"\n"
		   "      - 53:53/UDP\n"
		   "      - target: 443\n"
		   "        published: \"8443\"\n"
		   "        host_ip: 0.0.0.0\n"
		   "        protocol: udp\n"
		   "      - \"6000\"\n"
		   "      - \"::1:7000:70\"\n"
		   "      - target: \"5000\"\n");
	const vakt_ctr *c = &svc(f, "s")->ctr;
	assert_int_equal(c->n_ports, 11);
	const ctr_port *p = c->ports;
	struct {
		const char *ip, *host, *cont, *proto;
	} want[] = {
		{"", "", "80", "tcp"},
		{"", "8080", "80", "tcp"},
		{"127.0.0.1", "8081", "81", "udp"},
		{"::1", "8082", "82", "tcp"},
		{"", "8000-8010", "8000-8010", "tcp"},
		{"", "9090-9091", "8080", "tcp"},
		{"", "53", "53", "udp"},
		{"0.0.0.0", "8443", "443", "udp"},
		{"", "", "6000", "tcp"},
		{"::1", "7000", "70", "tcp"},
		{"", "", "5000", "tcp"},
	};
	for (size_t i = 0; i < 11; i++) {
		assert_string_equal(p[i].host_ip, want[i].ip);
		assert_string_equal(p[i].host_port, want[i].host);
		assert_string_equal(p[i].container_port, want[i].cont);
		assert_string_equal(p[i].protocol, want[i].proto);
	}
	assert_pos(p[7].pos, NULL, 11, 9);
}

static void test_port_errors(void **state)
{
	fx *f = *state;
	load_err(f, "services:\n  s:\n    ports: [\"8080:80/foo\"]\n", VAKT_E_INVALID, 3, 13,
		 "services.s.ports[0]: invalid port \"8080:80/foo\": invalid protocol");
	load_err(f, "services:\n  s:\n    ports: [\"1.2.3:80:80\"]\n", VAKT_E_INVALID, 3, 13,
		 "invalid IP address");
	load_err(f, "services:\n  s:\n    ports: [\"8000-8010:9000-9001\"]\n", VAKT_E_INVALID, 3,
		 13, "port ranges differ");
	load_err(f, "services:\n  s:\n    ports: [abc]\n", VAKT_E_INVALID, 3, 13,
		 "invalid container port");
	load_err(f, "services:\n  s:\n    ports: [\"70000:80\"]\n", VAKT_E_INVALID, 3, 13,
		 "invalid host port");
	load_err(f, "services:\n  s:\n    ports: [{published: 80}]\n", VAKT_E_INVALID, 3, 13,
		 "target is required");
	load_err(f, "services:\n  s:\n    ports: [[80]]\n", VAKT_E_INVALID, 3, 13,
		 "expected a string, a number or a mapping, got sequence");
}

/* ---- YAML features ------------------------------------------------------------------------------
 */

static void test_anchors_and_merge_keys(void **state)
{
	fx *f = *state;
	load_ok(f, "x-hardening: &hard\n"
		   "  read_only: true\n"
		   "  cap_drop: [ALL]\n"
		   "  security_opt:\n"
		   "    - no-new-privileges:true\n"
		   "x-caps: &caps [CHOWN, SETUID]\n"
		   "services:\n"
		   "  a:\n"
		   "    <<: *hard\n"
		   "    image: a\n"
		   "  b:\n"
		   "    <<: *hard\n"
		   "    read_only: false\n"
		   "    cap_add: *caps\n"
		   "  c:\n"
		   "    <<: [*hard, {user: me, read_only: false}]\n");
	const vakt_ctr *a = &svc(f, "a")->ctr, *b = &svc(f, "b")->ctr, *c = &svc(f, "c")->ctr;
	assert_true(a->read_only.value);
	assert_pos(a->read_only.pos, NULL, 2, 14);
	LIST(&a->cap_drop, "ALL");
	LIST(&a->security_opt, "no-new-privileges:true");
	assert_false(b->read_only.value);
	assert_pos(b->read_only.pos, NULL, 13, 16);
	LIST(&b->cap_add, "CHOWN", "SETUID");
	assert_pos(b->cap_add.items[1].pos, NULL, 6, 23);
	/* a merged list: the earliest mapping wins */
	assert_true(c->read_only.value);
	assert_string_equal(c->user.value, "me");
}

static void test_ignores(void **state)
{
	fx *f = *state;
	load_ok(f, "services:\n  a:\n    x-vakt-ignore: [CTR-001, CTR-004]\n"
		   "  b:\n    x-vakt-ignore: \"CTR-001, CTR-006,,\"\n  c:\n    image: c\n");
	const compose_service *a = svc(f, "a"), *b = svc(f, "b");
	assert_int_equal(a->nignores, 2);
	assert_string_equal(a->ignores[1].value, "CTR-004");
	assert_pos(a->ignores[1].pos, NULL, 3, 30);
	assert_int_equal(b->nignores, 2);
	assert_string_equal(b->ignores[0].value, "CTR-001");
	assert_string_equal(b->ignores[1].value, "CTR-006");
	assert_int_equal(svc(f, "c")->nignores, 0);
	load_err(f, "services:\n  a:\n    x-vakt-ignore: {a: b}\n", VAKT_E_INVALID, 3, 20,
		 "expected a sequence or a string");
}

static void test_build(void **state)
{
	fx *f = *state;
	setenv_(f, "B=bee");
	load_ok(f, "services:\n"
		   "  plain:\n"
		   "    build: .\n"
		   "  full:\n"
		   "    build:\n"
		   "      context: ./app\n"
		   "      dockerfile: docker/Dockerfile.prod\n"
		   "      target: prod\n"
		   "      args: [A=1, B, C]\n"
		   "  mapped:\n"
		   "    build:\n"
		   "      context: app\n"
		   "      args: {X: 1, Y: null, B: }\n"
		   "  inline:\n"
		   "    build:\n"
		   "      dockerfile_inline: FROM alpine\n"
		   "  remote:\n"
		   "    build: https://github.com/x/y.git#main\n"
		   "  absolute:\n"
		   "    build: {context: /srv/app, dockerfile: /srv/df/Dockerfile}\n"
		   "  none:\n"
		   "    image: x\n");
	const compose_service *s = svc(f, "plain");
	assert_string_equal(s->build_context, f->dir);
	assert_string_equal(s->build_dockerfile, path(f, "Dockerfile"));
	assert_null(s->build_target);
	assert_null(s->build_args);
	s = svc(f, "full");
	assert_string_equal(s->build_context, path(f, "app"));
	assert_string_equal(s->build_dockerfile, path(f, "app/docker/Dockerfile.prod"));
	assert_string_equal(s->build_target, "prod");
	assert_string_equal(s->build_args[0], "A=1");
	assert_string_equal(s->build_args[1], "B=bee");
	assert_null(s->build_args[2]);
	s = svc(f, "mapped");
	assert_string_equal(s->build_args[0], "B=bee");
	assert_string_equal(s->build_args[1], "X=1");
	assert_null(s->build_args[2]);
	s = svc(f, "inline");
	assert_string_equal(s->build_context, f->dir);
	assert_null(s->build_dockerfile);
	s = svc(f, "remote");
	assert_string_equal(s->build_context, "https://github.com/x/y.git#main");
	assert_null(s->build_dockerfile);
	s = svc(f, "absolute");
	assert_string_equal(s->build_context, "/srv/app");
	assert_string_equal(s->build_dockerfile, "/srv/df/Dockerfile");
	s = svc(f, "none");
	assert_null(s->build_context);
	assert_null(s->build_dockerfile);
	load_err(f, "services:\n  a:\n    build: [x]\n", VAKT_E_INVALID, 3, 12,
		 "services.a.build: expected a string or a mapping, got sequence");
}

/* ---- errors
 * --------------------------------------------------------------------------------------- */

static void test_errors_have_positions(void **state)
{
	fx *f = *state;
	load_err(f, "services:\n  web: [\n", VAKT_E_PARSE, 3, 1, "");
	load_err(f, "- a\n- b\n", VAKT_E_INVALID, 1, 1,
		 "top-level: expected a mapping, got sequence");
	load_err(f, "services:\n  - web\n", VAKT_E_INVALID, 2, 3,
		 "services: expected a mapping, got sequence");
	load_err(f, "services:\n", VAKT_E_INVALID, 1, 1, "services: expected a mapping, got null");
	load_err(f, "services:\n  web: nginx\n", VAKT_E_INVALID, 2, 8,
		 "services.web: expected a mapping, got string");
	load_err(f, "services:\n  web:\n", VAKT_E_INVALID, 2, 7,
		 "services.web: expected a mapping, got null");
	load_err(f, "services:\n  web:\n    privileged: maybe\n", VAKT_E_INVALID, 3, 17,
		 "services.web.privileged: expected a boolean, got string");
	load_err(f, "services:\n  web:\n    cap_add: NET_ADMIN\n", VAKT_E_INVALID, 3, 14,
		 "services.web.cap_add: expected a sequence, got string");
	load_err(f, "services:\n  web:\n    cap_add: [1]\n", VAKT_E_INVALID, 3, 15,
		 "services.web.cap_add[0]: expected a string, got integer");
	load_err(f, "services:\n  web:\n    image: true\n", VAKT_E_INVALID, 3, 12,
		 "services.web.image: expected a string, got boolean");
	load_err(f, "services:\n  web:\n    deploy:\n      resources:\n        limits: x\n",
		 VAKT_E_INVALID, 5, 17, "services.web.deploy.resources.limits: expected a mapping");
	load_err(f, "services:\n  web:\n    devices: [{target: /x}]\n", VAKT_E_INVALID, 3, 15,
		 "source is required");
	load_err(f, "services:\n  web:\n    mem_limit: [1]\n", VAKT_E_INVALID, 3, 16,
		 "expected a string or a number");
	load_err(f, "services:\n  web:\n    tmpfs: {a: b}\n", VAKT_E_INVALID, 3, 12,
		 "expected a string or a sequence");
	/* `yes` is a string to compose (YAML 1.2), so not an image type error */
	load_ok(f, "services:\n  web:\n    image: yes\n    read_only: on\n");
	assert_string_equal(svc(f, "web")->ctr.image.value, "yes");
	assert_true(svc(f, "web")->ctr.read_only.value);
}

static void test_missing_file(void **state)
{
	fx *f = *state;
	assert_int_equal(load1(f, "nothere.yaml"), VAKT_E_IO);
	assert_string_equal(f->err->file, path(f, "nothere.yaml"));
	const char *none[] = {NULL};
	assert_int_equal(vakt_compose_load(none, 0, false, NULL, &f->a, &f->p, NULL), VAKT_E_USAGE);
}

static void test_work_is_bounded(void **state)
{
	fx *f = *state;
	/* an anchored list copied into many services outgrows the node budget */
	char yaml[16384] = "x-big: &big [";
	for (int i = 0; i < 200; i++)
		strcat(yaml, i ? ", C" : "C");
	strcat(yaml, "]\nservices:\n");
	for (int i = 0; i < 30; i++) {
		char line[64];
		snprintf(line, sizeof(line), "  s%d: {cap_add: *big}\n", i);
		strcat(yaml, line);
	}
	f->opt.limits.max_nodes = 3000;
	put(f, "compose.yaml", yaml);
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_LIMIT);
	assert_non_null(strstr(f->err->msg, "more than 3000 values"));
	f->opt.limits.max_nodes = 0; /* zero: the default */
	assert_int_equal(load1(f, "compose.yaml"), 0);
	assert_int_equal(f->p->nservices, 30);
	/* duplicates collapse: 200 copies of C are one capability */
	assert_int_equal(svc(f, "s7")->ctr.cap_add.n, 1);
}

static void test_strings_are_bounded(void **state)
{
	fx *f = *state;
	/* one big value shared by many services is copied into the results once */
	size_t big = 100000;
	char *yaml = malloc(big + 8192);
	strcpy(yaml, "x-img: &img \"");
	memset(yaml + strlen(yaml), 'i', big);
	strcpy(yaml + 13 + big, "\"\nservices:\n");
	for (int i = 0; i < 60; i++)
		sprintf(yaml + strlen(yaml), "  s%02d: {image: *img}\n", i);
	f->opt.limits.max_doc_bytes = 1 << 20;
	load_ok(f, yaml);
	assert_int_equal(f->p->nservices, 60);
	assert_int_equal(strlen(svc(f, "s07")->ctr.image.value), big);
	assert_ptr_equal(svc(f, "s07")->ctr.image.value, svc(f, "s42")->ctr.image.value);
	/* strings made from a shared value (a resolved bind source) count against the budget */
	strcpy(yaml, "x-vol: &vol \"./");
	memset(yaml + strlen(yaml), 'v', big);
	strcpy(yaml + 15 + big, ":/x\"\nservices:\n");
	for (int i = 0; i < 60; i++)
		sprintf(yaml + strlen(yaml), "  s%02d: {volumes: [*vol]}\n", i);
	put(f, "compose.yaml", yaml);
	assert_int_equal(load1(f, "compose.yaml"), VAKT_E_LIMIT);
	assert_non_null(strstr(f->err->msg, "strings add up to more than 4 MiB"));
	free(yaml);
}

static void test_null_options_use_process_environment(void **state)
{
	fx *f = *state;
	setenv("VAKT_COMPOSE_TEST_VAR", "from-process", 1);
	put(f, "compose.yaml", "services:\n  a:\n    image: ${VAKT_COMPOSE_TEST_VAR}\n");
	const char *files[] = {path(f, "compose.yaml")};
	assert_int_equal(vakt_compose_load(files, 1, true, NULL, &f->a, &f->p, &f->err), 0);
	assert_string_equal(svc(f, "a")->ctr.image.value, "from-process");
	unsetenv("VAKT_COMPOSE_TEST_VAR");
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_names),
		T(test_find_file),
		T(test_fields_and_positions),
		T(test_unset_fields),
		T(test_services_in_name_order),
		T(test_empty_and_no_services),
		T(test_deploy_limits),
		T(test_multiple_documents),
		T(test_override_discovery),
		T(test_docker_compose_override),
		T(test_files_in_order),
		T(test_merge_lists),
		T(test_merge_build_string_and_scalars),
		T(test_reset_and_override_tags),
		T(test_cannot_override),
		T(test_interpolation_forms),
		T(test_interpolated_types),
		T(test_interpolation_errors),
		T(test_interpolation_limits),
		T(test_dotenv),
		T(test_dotenv_errors),
		T(test_extends_same_file),
		T(test_extends_other_file),
		T(test_extends_errors),
		T(test_extends_chain_limit),
		T(test_volumes),
		T(test_volume_errors),
		T(test_ports),
		T(test_port_errors),
		T(test_anchors_and_merge_keys),
		T(test_ignores),
		T(test_build),
		T(test_errors_have_positions),
		T(test_missing_file),
		T(test_work_is_bounded),
		T(test_strings_are_bounded),
		T(test_null_options_use_process_environment),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
