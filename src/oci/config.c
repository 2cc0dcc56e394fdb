/* config.c - see config.h.
 *
 * Each reader takes the JSON value and the field's name for messages, and fails with
 * VAKT_E_INVALID naming that field; absent optional fields keep their defaults. Arrays
 * are bounded by VAKT_OCI_MAX_ITEMS and paths by VAKT_OCI_MAX_PATH before anything is
 * allocated for them.
 */
#include "oci/config.h"

#include "core/cleanup.h"
#include "core/xalloc.h"
#include "oci/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct rd {
	const char *file;
	vakt_error **err;
} rd;

__attribute__((format(printf, 3, 4))) static int bad(const rd *r, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vakt_error_set_at(r->err, VAKT_E_INVALID, r->file, 0, 0, "%s: %s", field, msg);
}

/* An optional string: NULL when absent or null. */
static int get_str(const rd *r, json_t *o, const char *key, const char *field, bool path, const char **ret)
{
	json_t *v = json_object_get(o, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(r, field, "must be a string");
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return bad(r, field, "must not contain a NUL byte");
	if (path && json_string_length(v) >= VAKT_OCI_MAX_PATH)
		return bad(r, field, "longer than %d bytes", VAKT_OCI_MAX_PATH);
	*ret = s;
	return 0;
}

static int get_int(const rd *r, json_t *o, const char *key, const char *field, int64_t lo, int64_t hi, int64_t *ret)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad(r, field, "must be an integer");
	json_int_t n = json_integer_value(v);
	if (n < lo || n > hi)
		return bad(r, field, "%lld is out of range (%lld to %lld)", (long long)n, (long long)lo, (long long)hi);
	*ret = n;
	return 0;
}

static int get_bool(const rd *r, json_t *o, const char *key, const char *field, bool *ret)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(r, field, "must be true or false");
	*ret = json_is_true(v);
	return 0;
}

/* An optional array, bounded: *ret NULL when absent. */
static int get_array(const rd *r, json_t *o, const char *key, const char *field, json_t **ret)
{
	json_t *v = json_object_get(o, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(r, field, "must be an array");
	if (json_array_size(v) > VAKT_OCI_MAX_ITEMS)
		return bad(r, field, "more than %d entries", VAKT_OCI_MAX_ITEMS);
	*ret = v;
	return 0;
}

static int get_object(const rd *r, json_t *o, const char *key, const char *field, json_t **ret)
{
	json_t *v = json_object_get(o, key);
	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(r, field, "must be an object");
	if (json_object_size(v) > VAKT_OCI_MAX_ITEMS)
		return bad(r, field, "more than %d entries", VAKT_OCI_MAX_ITEMS);
	*ret = v;
	return 0;
}

/* An array of strings as a NULL-terminated vector (pointing into the JSON). */
static int get_strv(const rd *r, json_t *o, const char *key, const char *field, const char ***ret)
{
	json_t *a;
	*ret = NULL;
	if (get_array(r, o, key, field, &a) < 0)
		return -1;
	if (!a)
		return 0;
	const char **v = xcalloc(json_array_size(a) + 1, sizeof(*v));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
			free(v);
			return bad(r, field, "entry %zu must be a string without NUL bytes", i);
		}
		v[i] = json_string_value(e);
	}
	*ret = v;
	return 0;
}

/* ---- names ------------------------------------------------------------------------------ */

static const char *const ns_names[VAKT_NS_COUNT] = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};

const char *vakt_oci_ns_name(vakt_oci_ns_type t)
{
	return (unsigned)t < VAKT_NS_COUNT ? ns_names[t] : "?";
}

int vakt_oci_ns_from_name(const char *name)
{
	for (int i = 0; i < VAKT_NS_COUNT; i++)
		if (strcmp(name, ns_names[i]) == 0)
			return i;
	return -1;
}

static const struct {
	const char *name;
	int num;
} sig_names[] = {
	{"HUP", SIGHUP},   {"INT", SIGINT},	{"QUIT", SIGQUIT},   {"ILL", SIGILL},	 {"TRAP", SIGTRAP},
	{"ABRT", SIGABRT}, {"IOT", SIGIOT},	{"BUS", SIGBUS},     {"FPE", SIGFPE},	 {"KILL", SIGKILL},
	{"USR1", SIGUSR1}, {"SEGV", SIGSEGV},	{"USR2", SIGUSR2},   {"PIPE", SIGPIPE},	 {"ALRM", SIGALRM},
	{"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},	{"TTOU", SIGTTOU},   {"URG", SIGURG},	 {"XCPU", SIGXCPU},
	{"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
	{"POLL", SIGPOLL}, {"PWR", SIGPWR},	{"SYS", SIGSYS},
};

int vakt_oci_signal(const char *s)
{
	if (!s || !*s)
		return -1;
	char *end;
	long n = strtol(s, &end, 10);
	if (*end == '\0')
		return n > 0 && n <= 64 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (strcasecmp(s, sig_names[i].name) == 0)
			return sig_names[i].num;
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		bool min = strncasecmp(s, "RTMIN", 5) == 0;
		int off = 0;
		if (s[5]) {
			long o = strtol(s + 5, &end, 10);
			if (*end || o < -32 || o > 32)
				return -1;
			off = (int)o;
		}
		int v = (min ? SIGRTMIN : SIGRTMAX) + off;
		return v >= SIGRTMIN && v <= SIGRTMAX ? v : -1;
	}
	return -1;
}

static const struct {
	const char *name;
	int res;
} rlimit_names[] = {
	{"RLIMIT_AS", RLIMIT_AS},	  {"RLIMIT_CORE", RLIMIT_CORE},	    {"RLIMIT_CPU", RLIMIT_CPU},
	{"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_FSIZE", RLIMIT_FSIZE},   {"RLIMIT_LOCKS", RLIMIT_LOCKS},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_STACK", RLIMIT_STACK},
};

/* ---- mount options ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} mount_flags[] = {
	{"ro", false, MS_RDONLY},	   {"rw", true, MS_RDONLY},	       {"nosuid", false, MS_NOSUID},
	{"suid", true, MS_NOSUID},	   {"nodev", false, MS_NODEV},	       {"dev", true, MS_NODEV},
	{"noexec", false, MS_NOEXEC},	   {"exec", true, MS_NOEXEC},	       {"sync", false, MS_SYNCHRONOUS},
	{"async", true, MS_SYNCHRONOUS},   {"dirsync", false, MS_DIRSYNC},     {"remount", false, MS_REMOUNT},
	{"mand", false, MS_MANDLOCK},	   {"nomand", true, MS_MANDLOCK},      {"atime", true, MS_NOATIME},
	{"noatime", false, MS_NOATIME},	   {"diratime", true, MS_NODIRATIME},  {"nodiratime", false, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME},  {"strictatime", false, MS_STRICTATIME},
	{"nostrictatime", true, MS_STRICTATIME}, {"silent", false, MS_SILENT}, {"loud", true, MS_SILENT},
};

static const struct {
	const char *name;
	unsigned long flag;
} prop_flags[] = {
	{"private", MS_PRIVATE},		  {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
	{"rshared", MS_SHARED | MS_REC},	  {"slave", MS_SLAVE},		     {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE},		  {"runbindable", MS_UNBINDABLE | MS_REC},
};

static unsigned long prop_flag(const char *o)
{
	for (size_t i = 0; i < sizeof(prop_flags) / sizeof(prop_flags[0]); i++)
		if (strcmp(o, prop_flags[i].name) == 0)
			return prop_flags[i].flag;
	return 0;
}

void vakt_oci_mount_options(vakt_oci_mount *m, json_t *options)
{
	size_t i;
	json_t *e;
	char *data = NULL;
	size_t dlen = 0;
	json_array_foreach(options, i, e)
	{
		const char *o = json_string_value(e);
		if (!o)
			continue;
		bool known = false;
		for (size_t k = 0; k < sizeof(mount_flags) / sizeof(mount_flags[0]); k++)
			if (strcmp(o, mount_flags[k].name) == 0) {
				if (mount_flags[k].clear)
					m->flags &= ~mount_flags[k].flag, m->clear |= mount_flags[k].flag;
				else
					m->flags |= mount_flags[k].flag, m->clear &= ~mount_flags[k].flag;
				known = true;
			}
		unsigned long p = prop_flag(o);
		if (p)
			m->propagation = p, known = true;
		if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
			m->bind = true;
			m->recursive = o[0] == 'r';
			known = true;
		}
		if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0)
			m->idmap = true, known = true;
		/* runc's and crun's own options, not the kernel's */
		if (strcmp(o, "tmpcopyup") == 0 || strcmp(o, "copy-symlink") == 0 || strncmp(o, "rro", 3) == 0 ||
		    strcmp(o, "notmpcopyup") == 0)
			known = true;
		if (known)
			continue;
		size_t l = strlen(o);
		data = xrealloc(data, dlen + l + 2);
		if (dlen)
			data[dlen++] = ',';
		memcpy(data + dlen, o, l + 1);
		dlen += l;
	}
	m->data = data;
}

/* ---- sections ------------------------------------------------------------------------------- */

static int read_caps(const rd *r, json_t *caps, vakt_oci_process *p)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
	for (size_t s = 0; s < 5; s++) {
		char field[64];
		snprintf(field, sizeof(field), "process.capabilities.%s", sets[s]);
		json_t *a;
		if (get_array(r, caps, sets[s], field, &a) < 0)
			return -1;
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e)
		{
			if (!json_is_string(e))
				return bad(r, field, "entry %zu must be a string", i);
			int cap = vakt_oci_cap_number(json_string_value(e));
			/* an unknown capability is one this kernel or vakt does not have: never
			 * granted, as runc does with a warning */
			if (cap >= 0)
				p->caps[s] |= 1ull << cap;
		}
	}
	p->caps_given = true;
	return 0;
}

static int process_parse(json_t *po, const char *file, vakt_oci_process *p, vakt_error **err)
{
	rd rr = {file, err}, *r = &rr;
	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (!json_is_object(po))
		return bad(r, "process", "must be an object");
	if (get_bool(r, po, "terminal", "process.terminal", &p->terminal) < 0)
		return -1;
	json_t *cs;
	if (get_object(r, po, "consoleSize", "process.consoleSize", &cs) < 0)
		return -1;
	if (cs) {
		int64_t h = 0, w = 0;
		if (get_int(r, cs, "height", "process.consoleSize.height", 0, 65535, &h) < 0 ||
		    get_int(r, cs, "width", "process.consoleSize.width", 0, 65535, &w) < 0)
			return -1;
		p->console_rows = (unsigned)h, p->console_cols = (unsigned)w;
	}
	json_t *u;
	if (get_object(r, po, "user", "process.user", &u) < 0)
		return -1;
	int64_t uid = 0, gid = 0;
	if (get_int(r, u, "uid", "process.user.uid", 0, UINT32_MAX - 1, &uid) < 0 ||
	    get_int(r, u, "gid", "process.user.gid", 0, UINT32_MAX - 1, &gid) < 0 ||
	    get_int(r, u, "umask", "process.user.umask", 0, 0777, &p->umask) < 0)
		return -1;
	p->uid = (uint32_t)uid, p->gid = (uint32_t)gid;
	json_t *ag;
	if (get_array(r, u, "additionalGids", "process.user.additionalGids", &ag) < 0)
		return -1;
	if (ag && json_array_size(ag) > 65536)
		return bad(r, "process.user.additionalGids", "more than 65536 groups");
	if (ag && json_array_size(ag)) {
		p->additional_gids = xcalloc(json_array_size(ag), sizeof(uint32_t));
		size_t i;
		json_t *e;
		json_array_foreach(ag, i, e)
		{
			if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) >= UINT32_MAX)
				return bad(r, "process.user.additionalGids", "entry %zu must be a group ID", i);
			p->additional_gids[p->ngids++] = (uint32_t)json_integer_value(e);
		}
	}
	if (get_strv(r, po, "args", "process.args", &p->args) < 0 || get_strv(r, po, "env", "process.env", &p->env) < 0 ||
	    get_str(r, po, "cwd", "process.cwd", true, &p->cwd) < 0)
		return -1;
	if (!p->args || !p->args[0])
		return bad(r, "process.args", "must name the program to run");
	if (!p->cwd)
		return bad(r, "process.cwd", "is required");
	if (p->cwd[0] != '/')
		return bad(r, "process.cwd", "must be an absolute path, not '%s'", p->cwd);
	json_t *caps;
	if (get_object(r, po, "capabilities", "process.capabilities", &caps) < 0)
		return -1;
	if (caps && read_caps(r, caps, p) < 0)
		return -1;
	json_t *rl;
	if (get_array(r, po, "rlimits", "process.rlimits", &rl) < 0)
		return -1;
	if (rl && json_array_size(rl)) {
		p->rlimits = xcalloc(json_array_size(rl), sizeof(*p->rlimits));
		size_t i;
		json_t *e;
		json_array_foreach(rl, i, e)
		{
			char field[64];
			snprintf(field, sizeof(field), "process.rlimits[%zu]", i);
			const char *type;
			if (!json_is_object(e))
				return bad(r, field, "must be an object");
			if (get_str(r, e, "type", field, false, &type) < 0)
				return -1;
			int res = -1;
			for (size_t k = 0; type && k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
				if (strcmp(type, rlimit_names[k].name) == 0)
					res = rlimit_names[k].res;
			if (res < 0)
				return bad(r, field, "unknown type '%s'", type ? type : "");
			for (size_t k = 0; k < p->nrlimits; k++)
				if (p->rlimits[k].resource == res)
					return bad(r, field, "%s is given twice", type);
			json_t *soft = json_object_get(e, "soft"), *hard = json_object_get(e, "hard");
			if (!json_is_integer(soft) || !json_is_integer(hard))
				return bad(r, field, "soft and hard must be integers");
			/* JSON numbers above 2^63 (RLIM_INFINITY written as 18446744073709551615)
			 * do not fit jansson's integer: they arrive as reals and are refused above;
			 * -1 is read as infinity */
			p->rlimits[p->nrlimits++] = (vakt_oci_rlimit){res, (uint64_t)json_integer_value(soft),
								      (uint64_t)json_integer_value(hard)};
		}
	}
	if (get_bool(r, po, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privileges) < 0 ||
	    get_str(r, po, "apparmorProfile", "process.apparmorProfile", false, &p->apparmor_profile) < 0 ||
	    get_str(r, po, "selinuxLabel", "process.selinuxLabel", false, &p->selinux_label) < 0)
		return -1;
	if (json_object_get(po, "oomScoreAdj") && !json_is_null(json_object_get(po, "oomScoreAdj"))) {
		int64_t v = 0;
		if (get_int(r, po, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &v) < 0)
			return -1;
		p->has_oom_score_adj = true, p->oom_score_adj = (int)v;
	}
	return 0;
}

int vakt_oci_process_parse(json_t *po, const char *file, vakt_oci_process *p, vakt_error **err)
{
	int rc = process_parse(po, file, p, err);
	if (rc < 0)
		vakt_oci_process_clear(p); /* nothing half-read is left to the caller */
	return rc;
}

void vakt_oci_process_clear(vakt_oci_process *p)
{
	free(p->additional_gids);
	free(p->args);
	free(p->env);
	free(p->rlimits);
	memset(p, 0, sizeof(*p));
}

static int read_mounts(const rd *r, json_t *cfg, vakt_oci_config *c)
{
	json_t *a;
	if (get_array(r, cfg, "mounts", "mounts", &a) < 0)
		return -1;
	if (!a)
		return 0;
	c->mounts = xcalloc(json_array_size(a) + 1, sizeof(*c->mounts));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		char field[64];
		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (!json_is_object(e))
			return bad(r, field, "must be an object");
		vakt_oci_mount *m = &c->mounts[c->nmounts++];
		json_t *opts;
		if (get_str(r, e, "destination", field, true, &m->destination) < 0 ||
		    get_str(r, e, "type", field, false, &m->type) < 0 || get_str(r, e, "source", field, true, &m->source) < 0 ||
		    get_array(r, e, "options", field, &opts) < 0)
			return -1;
		if (!m->destination)
			return bad(r, field, "destination is required");
		if (m->destination[0] != '/')
			return bad(r, field, "destination '%s' must be an absolute path", m->destination);
		size_t k;
		json_t *o;
		json_array_foreach(opts, k, o) if (!json_is_string(o)) return bad(r, field, "options[%zu] must be a string", k);
		vakt_oci_mount_options(m, opts);
		if (m->type && strcmp(m->type, "bind") == 0)
			m->bind = true;
		if (m->bind && !m->source)
			return bad(r, field, "a bind mount needs a source");
		if (m->bind && m->source[0] != '/')
			return bad(r, field, "source '%s' must be an absolute path", m->source);
		if (!m->bind && !m->type)
			return bad(r, field, "type is required (or a bind option)");
	}
	return 0;
}

static int read_hooks(const rd *r, json_t *cfg, vakt_oci_config *c)
{
	static const char *const kinds[VAKT_HOOK_COUNT] = {"prestart",	       "createRuntime", "createContainer",
							   "startContainer", "poststart",	  "poststop"};
	json_t *h;
	if (get_object(r, cfg, "hooks", "hooks", &h) < 0)
		return -1;
	for (int k = 0; h && k < VAKT_HOOK_COUNT; k++) {
		char field[64];
		snprintf(field, sizeof(field), "hooks.%s", kinds[k]);
		json_t *a;
		if (get_array(r, h, kinds[k], field, &a) < 0)
			return -1;
		if (!a)
			continue;
		c->hooks[k] = xcalloc(json_array_size(a) + 1, sizeof(vakt_oci_hook));
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e)
		{
			snprintf(field, sizeof(field), "hooks.%s[%zu]", kinds[k], i);
			if (!json_is_object(e))
				return bad(r, field, "must be an object");
			vakt_oci_hook *hk = &c->hooks[k][c->nhooks[k]++];
			int64_t t = 0;
			if (get_str(r, e, "path", field, true, &hk->path) < 0 || get_strv(r, e, "args", field, &hk->args) < 0 ||
			    get_strv(r, e, "env", field, &hk->env) < 0 || get_int(r, e, "timeout", field, 1, 86400, &t) < 0)
				return -1;
			if (!hk->path || hk->path[0] != '/')
				return bad(r, field, "path must be an absolute path");
			hk->timeout = (int)t;
		}
	}
	return 0;
}

static int read_idmaps(const rd *r, json_t *lin, const char *key, vakt_oci_idmap **ret, size_t *n)
{
	char field[64];
	snprintf(field, sizeof(field), "linux.%s", key);
	json_t *a;
	if (get_array(r, lin, key, field, &a) < 0)
		return -1;
	if (!a)
		return 0;
	if (json_array_size(a) > 340) /* the kernel's limit on map lines */
		return bad(r, field, "more than 340 entries");
	*ret = xcalloc(json_array_size(a) + 1, sizeof(vakt_oci_idmap));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		int64_t ci = -1, hi = -1, sz = -1;
		if (!json_is_object(e))
			return bad(r, field, "entry %zu must be an object", i);
		if (get_int(r, e, "containerID", field, 0, UINT32_MAX - 1, &ci) < 0 ||
		    get_int(r, e, "hostID", field, 0, UINT32_MAX - 1, &hi) < 0 || get_int(r, e, "size", field, 1, UINT32_MAX, &sz) < 0)
			return -1;
		if (ci < 0 || hi < 0 || sz < 0)
			return bad(r, field, "entry %zu needs containerID, hostID and size", i);
		(*ret)[(*n)++] = (vakt_oci_idmap){(uint32_t)ci, (uint32_t)hi, (uint32_t)sz};
	}
	return 0;
}

static int read_resources(const rd *r, json_t *lin, vakt_oci_resources *res)
{
	res->memory_limit = res->memory_reservation = res->memory_swap = res->memory_swappiness = -1;
	res->cpu_shares = res->cpu_quota = res->cpu_period = res->blkio_weight = -1;
	json_t *ro;
	if (get_object(r, lin, "resources", "linux.resources", &ro) < 0)
		return -1;
	if (!ro)
		return 0;
	json_t *m, *cpu, *pids, *blk, *uni;
	if (get_object(r, ro, "memory", "linux.resources.memory", &m) < 0 ||
	    get_object(r, ro, "cpu", "linux.resources.cpu", &cpu) < 0 ||
	    get_object(r, ro, "pids", "linux.resources.pids", &pids) < 0 ||
	    get_object(r, ro, "blockIO", "linux.resources.blockIO", &blk) < 0 ||
	    get_object(r, ro, "unified", "linux.resources.unified", &uni) < 0)
		return -1;
	if (get_int(r, m, "limit", "linux.resources.memory.limit", -1, INT64_MAX, &res->memory_limit) < 0 ||
	    get_int(r, m, "reservation", "linux.resources.memory.reservation", -1, INT64_MAX, &res->memory_reservation) < 0 ||
	    get_int(r, m, "swap", "linux.resources.memory.swap", -1, INT64_MAX, &res->memory_swap) < 0 ||
	    get_int(r, m, "swappiness", "linux.resources.memory.swappiness", 0, 100, &res->memory_swappiness) < 0 ||
	    get_bool(r, m, "disableOOMKiller", "linux.resources.memory.disableOOMKiller", &res->memory_disable_oom_killer) < 0 ||
	    get_int(r, cpu, "shares", "linux.resources.cpu.shares", 0, 262144, &res->cpu_shares) < 0 ||
	    get_int(r, cpu, "quota", "linux.resources.cpu.quota", -1, INT64_MAX, &res->cpu_quota) < 0 ||
	    get_int(r, cpu, "period", "linux.resources.cpu.period", 1000, 1000000, &res->cpu_period) < 0 ||
	    get_str(r, cpu, "cpus", "linux.resources.cpu.cpus", false, &res->cpu_cpus) < 0 ||
	    get_str(r, cpu, "mems", "linux.resources.cpu.mems", false, &res->cpu_mems) < 0 ||
	    get_int(r, pids, "limit", "linux.resources.pids.limit", INT64_MIN, INT64_MAX, &res->pids_limit) < 0 ||
	    get_int(r, blk, "weight", "linux.resources.blockIO.weight", 10, 1000, &res->blkio_weight) < 0)
		return -1;
	if (res->cpu_quota == 0)
		return bad(r, "linux.resources.cpu.quota", "0 would stop the container: use -1 for no limit");
	static const char *const thr[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
					  "throttleWriteIOPSDevice"};
	for (int k = 0; blk && k < 4; k++) {
		char field[80];
		snprintf(field, sizeof(field), "linux.resources.blockIO.%s", thr[k]);
		json_t *a;
		if (get_array(r, blk, thr[k], field, &a) < 0)
			return -1;
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e)
		{
			int64_t ma = -1, mi = -1, rate = -1;
			if (!json_is_object(e) || get_int(r, e, "major", field, 0, 4095, &ma) < 0 ||
			    get_int(r, e, "minor", field, 0, 1048575, &mi) < 0 || get_int(r, e, "rate", field, 0, INT64_MAX, &rate) < 0)
				return json_is_object(e) ? -1 : bad(r, field, "entry %zu must be an object", i);
			if (ma < 0 || mi < 0 || rate < 0)
				return bad(r, field, "entry %zu needs major, minor and rate", i);
			res->throttle = xrealloc(res->throttle, (res->nthrottle + 1) * sizeof(*res->throttle));
			res->throttle[res->nthrottle++] = (vakt_oci_throttle){ma, mi, (uint64_t)rate, k};
		}
	}
	json_t *dev;
	if (get_array(r, ro, "devices", "linux.resources.devices", &dev) < 0)
		return -1;
	if (dev) {
		res->devices = xcalloc(json_array_size(dev) + 1, sizeof(*res->devices));
		size_t i;
		json_t *e;
		json_array_foreach(dev, i, e)
		{
			char field[64];
			snprintf(field, sizeof(field), "linux.resources.devices[%zu]", i);
			vakt_oci_devrule *d = &res->devices[res->ndevices++];
			const char *type = NULL, *access = NULL;
			d->major = d->minor = -1;
			if (!json_is_object(e))
				return bad(r, field, "must be an object");
			if (get_bool(r, e, "allow", field, &d->allow) < 0 || get_str(r, e, "type", field, false, &type) < 0 ||
			    get_str(r, e, "access", field, false, &access) < 0 ||
			    get_int(r, e, "major", field, -1, 4095, &d->major) < 0 ||
			    get_int(r, e, "minor", field, -1, 1048575, &d->minor) < 0)
				return -1;
			if (!json_is_boolean(json_object_get(e, "allow")))
				return bad(r, field, "allow is required");
			d->type = type ? type[0] : 'a';
			if ((type && strlen(type) != 1) || !strchr("acb", d->type))
				return bad(r, field, "type must be a, c or b");
			if (!access)
				access = "rwm";
			if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
				return bad(r, field, "access must be a subset of rwm");
			strcpy(d->access, access);
		}
	}
	if (uni) {
		res->unified_keys = xcalloc(json_object_size(uni) + 1, sizeof(char *));
		res->unified_values = xcalloc(json_object_size(uni) + 1, sizeof(char *));
		const char *k;
		json_t *v;
		json_object_foreach(uni, k, v)
		{
			if (!json_is_string(v) || strchr(k, '/') || k[0] == '.' || strlen(k) > 255)
				return bad(r, "linux.resources.unified", "'%s' must be a cgroup file name with a string value", k);
			/* cgroup.procs, cgroup.kill, cgroup.subtree_control...: membership and
			 * structure, not limits */
			if (strncmp(k, "cgroup.", 7) == 0)
				return bad(r, "linux.resources.unified", "'%s' is not a resource limit", k);
			res->unified_keys[res->nunified] = k;
			res->unified_values[res->nunified++] = json_string_value(v);
		}
	}
	return 0;
}

static int read_devices(const rd *r, json_t *lin, vakt_oci_config *c)
{
	json_t *a;
	if (get_array(r, lin, "devices", "linux.devices", &a) < 0)
		return -1;
	if (!a)
		return 0;
	c->devices = xcalloc(json_array_size(a) + 1, sizeof(*c->devices));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		char field[64];
		snprintf(field, sizeof(field), "linux.devices[%zu]", i);
		vakt_oci_device *d = &c->devices[c->ndevices++];
		const char *type = NULL;
		int64_t mode = 0666, uid = 0, gid = 0;
		d->major = d->minor = 0;
		if (!json_is_object(e))
			return bad(r, field, "must be an object");
		if (get_str(r, e, "path", field, true, &d->path) < 0 || get_str(r, e, "type", field, false, &type) < 0 ||
		    get_int(r, e, "major", field, 0, 4095, &d->major) < 0 || get_int(r, e, "minor", field, 0, 1048575, &d->minor) < 0 ||
		    get_int(r, e, "fileMode", field, 0, 07777, &mode) < 0 || get_int(r, e, "uid", field, 0, UINT32_MAX - 1, &uid) < 0 ||
		    get_int(r, e, "gid", field, 0, UINT32_MAX - 1, &gid) < 0)
			return -1;
		if (!d->path || strncmp(d->path, "/dev/", 5) != 0 || strstr(d->path, "/../") || strcmp(d->path + strlen(d->path) - 3, "/..") == 0)
			return bad(r, field, "path must be under /dev");
		if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
			return bad(r, field, "type must be c, b, u or p");
		d->type = type[0];
		d->mode = (uint32_t)mode, d->uid = (uint32_t)uid, d->gid = (uint32_t)gid;
	}
	return 0;
}

static int read_namespaces(const rd *r, json_t *lin, vakt_oci_config *c)
{
	json_t *a;
	if (get_array(r, lin, "namespaces", "linux.namespaces", &a) < 0)
		return -1;
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		char field[64];
		snprintf(field, sizeof(field), "linux.namespaces[%zu]", i);
		const char *type, *path;
		if (!json_is_object(e))
			return bad(r, field, "must be an object");
		if (get_str(r, e, "type", field, false, &type) < 0 || get_str(r, e, "path", field, true, &path) < 0)
			return -1;
		int t = type ? vakt_oci_ns_from_name(type) : -1;
		if (t < 0)
			return bad(r, field, "unknown namespace type '%s'", type ? type : "");
		if (c->ns[t].present)
			return bad(r, field, "the %s namespace is listed twice", type);
		if (path && path[0] != '/')
			return bad(r, field, "path '%s' must be absolute", path);
		c->ns[t] = (vakt_oci_ns){true, path && *path ? path : NULL};
	}
	return 0;
}

/* runc's rule: only sysctls that belong to a namespace the container has (new or joined)
 * may be set; anything else is the host's, and the init writes it as root. */
static bool sysctl_namespaced(const vakt_oci_config *c, const char *k)
{
	if (strncmp(k, "kernel.msg", 10) == 0 || strcmp(k, "kernel.sem") == 0 || strncmp(k, "kernel.shm", 10) == 0 ||
	    strncmp(k, "fs.mqueue.", 10) == 0)
		return c->ns[VAKT_NS_IPC].present;
	if (strncmp(k, "net.", 4) == 0)
		return c->ns[VAKT_NS_NET].present;
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
		return c->ns[VAKT_NS_UTS].present;
	return false;
}

static int read_linux(const rd *r, json_t *cfg, vakt_oci_config *c)
{
	json_t *lin;
	if (get_object(r, cfg, "linux", "linux", &lin) < 0)
		return -1;
	if (read_namespaces(r, lin, c) < 0 || read_idmaps(r, lin, "uidMappings", &c->uid_mappings, &c->nuid_mappings) < 0 ||
	    read_idmaps(r, lin, "gidMappings", &c->gid_mappings, &c->ngid_mappings) < 0 || read_devices(r, lin, c) < 0 ||
	    get_str(r, lin, "cgroupsPath", "linux.cgroupsPath", true, &c->cgroups_path) < 0 ||
	    read_resources(r, lin, &c->res) < 0 || get_strv(r, lin, "maskedPaths", "linux.maskedPaths", &c->masked_paths) < 0 ||
	    get_strv(r, lin, "readonlyPaths", "linux.readonlyPaths", &c->readonly_paths) < 0 ||
	    get_str(r, lin, "mountLabel", "linux.mountLabel", false, &c->mount_label) < 0)
		return -1;
	if (!c->ns[VAKT_NS_MNT].present)
		return bad(r, "linux.namespaces", "a mount namespace is required: the container's mounts would be the host's");
	if (c->ns[VAKT_NS_USER].present && !c->ns[VAKT_NS_USER].path && (!c->nuid_mappings || !c->ngid_mappings))
		return bad(r, "linux.uidMappings", "a new user namespace needs uidMappings and gidMappings");
	for (const char **p = c->masked_paths; p && *p; p++, c->nmasked++)
		if ((*p)[0] != '/')
			return bad(r, "linux.maskedPaths", "'%s' must be an absolute path", *p);
	for (const char **p = c->readonly_paths; p && *p; p++, c->nreadonly++)
		if ((*p)[0] != '/')
			return bad(r, "linux.readonlyPaths", "'%s' must be an absolute path", *p);
	json_t *sys;
	if (get_object(r, lin, "sysctl", "linux.sysctl", &sys) < 0)
		return -1;
	if (sys) {
		c->sysctl_keys = xcalloc(json_object_size(sys) + 1, sizeof(char *));
		c->sysctl_values = xcalloc(json_object_size(sys) + 1, sizeof(char *));
		const char *k;
		json_t *v;
		json_object_foreach(sys, k, v)
		{
			/* a key with ".." or "/" would reach outside /proc/sys */
			if (!json_is_string(v) || !*k || strstr(k, "..") || strchr(k, '/') || k[0] == '.' ||
			    strlen(k) > 255)
				return bad(r, "linux.sysctl", "'%s' must be a sysctl name with a string value", k);
			if (!sysctl_namespaced(c, k))
				return bad(r, "linux.sysctl",
					   "'%s' is not isolated by the container's namespaces: writing it would change "
					   "the host (allowed: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* with an "
					   "IPC namespace; net.* with a network namespace; kernel.hostname and "
					   "kernel.domainname with a UTS namespace)",
					   k);
			c->sysctl_keys[c->nsysctl] = k;
			c->sysctl_values[c->nsysctl++] = json_string_value(v);
		}
	}
	json_t *sc = json_object_get(lin, "seccomp");
	if (sc && !json_is_null(sc)) {
		if (!json_is_object(sc))
			return bad(r, "linux.seccomp", "must be an object");
		c->seccomp = sc;
	}
	const char *prop;
	if (get_str(r, lin, "rootfsPropagation", "linux.rootfsPropagation", false, &prop) < 0)
		return -1;
	if (prop && !(c->rootfs_propagation = prop_flag(prop)))
		return bad(r, "linux.rootfsPropagation", "unknown propagation '%s'", prop);
	json_t *pers;
	if (get_object(r, lin, "personality", "linux.personality", &pers) < 0)
		return -1;
	if (pers) {
		const char *dom;
		if (get_str(r, pers, "domain", "linux.personality.domain", false, &dom) < 0)
			return -1;
		if (!dom || (strcmp(dom, "LINUX") != 0 && strcmp(dom, "LINUX32") != 0))
			return bad(r, "linux.personality.domain", "must be LINUX or LINUX32");
		c->has_personality = true;
		c->personality = strcmp(dom, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
	}
	return 0;
}

int vakt_oci_config_parse(json_t *cfg, const char *bundle, const char *file, vakt_oci_config **ret, vakt_error **err)
{
	rd rr = {file, err}, *r = &rr;
	if (!json_is_object(cfg))
		return bad(r, "config", "must be a JSON object");
	vakt_oci_config *c = xcalloc(1, sizeof(*c));
	c->json = json_incref(cfg);
	json_t *root, *po;
	const char *rp = NULL;
	if (get_str(r, cfg, "ociVersion", "ociVersion", false, &c->oci_version) < 0)
		goto fail;
	if (!c->oci_version || strncmp(c->oci_version, "1.", 2) != 0) {
		bad(r, "ociVersion", "'%s' is not a 1.x version", c->oci_version ? c->oci_version : "");
		goto fail;
	}
	if (get_object(r, cfg, "root", "root", &root) < 0 || get_str(r, root, "path", "root.path", true, &rp) < 0 ||
	    get_bool(r, root, "readonly", "root.readonly", &c->root_readonly) < 0)
		goto fail;
	if (!rp || !*rp) {
		bad(r, "root.path", "is required");
		goto fail;
	}
	c->root_path = rp[0] == '/' ? xstrdup(rp) : xasprintf("%s/%s", bundle ? bundle : ".", rp);
	if (get_str(r, cfg, "hostname", "hostname", false, &c->hostname) < 0 ||
	    get_str(r, cfg, "domainname", "domainname", false, &c->domainname) < 0)
		goto fail;
	if ((c->hostname && strlen(c->hostname) > 64) || (c->domainname && strlen(c->domainname) > 64)) {
		bad(r, "hostname", "longer than 64 bytes");
		goto fail;
	}
	if (get_object(r, cfg, "process", "process", &po) < 0)
		goto fail;
	if (!po) {
		bad(r, "process", "is required to create a container");
		goto fail;
	}
	if (vakt_oci_process_parse(po, file, &c->process, err) < 0 || read_mounts(r, cfg, c) < 0 ||
	    read_hooks(r, cfg, c) < 0 || read_linux(r, cfg, c) < 0)
		goto fail;
	if ((c->hostname || c->domainname) && !c->ns[VAKT_NS_UTS].present) {
		bad(r, c->hostname ? "hostname" : "domainname", "needs a UTS namespace: it would be the host's name");
		goto fail;
	}
	if (json_object_get(cfg, "annotations") && !json_is_object(json_object_get(cfg, "annotations"))) {
		bad(r, "annotations", "must be an object");
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	vakt_oci_config_free(c);
	return (*err)->code;
}

json_t *vakt_oci_json_loadfd(int fd, size_t max, size_t flags, json_error_t *je)
{
	/* jansson's own json_loadfd reads one byte per read(2): thousands of system calls
	 * for a config.json, a measurable part of every create */
	size_t cap = 16384, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				snprintf(je->text, sizeof(je->text), "larger than %zu bytes", max);
				je->line = je->column = 0;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			snprintf(je->text, sizeof(je->text), "%s", strerror(errno));
			je->line = je->column = 0;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	json_t *j = json_loadb(buf, len, flags, je);
	free(buf);
	return j;
}

int vakt_oci_config_load_json(const char *path, json_t **ret, vakt_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return vakt_error_set(err, VAKT_E_IO, "%s: not a regular file", path);
	if (st.st_size > (off_t)VAKT_OCI_CONFIG_MAX_BYTES)
		return vakt_error_set(err, VAKT_E_LIMIT, "%s: larger than %u MiB", path, VAKT_OCI_CONFIG_MAX_BYTES >> 20);
	json_error_t je;
	json_t *j = vakt_oci_json_loadfd(fd, VAKT_OCI_CONFIG_MAX_BYTES, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return vakt_error_set_at(err, VAKT_E_PARSE, path, (unsigned)(je.line > 0 ? je.line : 0),
					 (unsigned)(je.column > 0 ? je.column : 0), "%s", je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return vakt_error_set_at(err, VAKT_E_INVALID, path, 1, 1, "must be a JSON object");
	}
	*ret = j;
	return 0;
}

vakt_oci_config *vakt_oci_config_free(vakt_oci_config *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->nmounts; i++)
		free(c->mounts[i].data);
	free(c->mounts);
	for (int k = 0; k < VAKT_HOOK_COUNT; k++) {
		for (size_t i = 0; i < c->nhooks[k]; i++) {
			free(c->hooks[k][i].args);
			free(c->hooks[k][i].env);
		}
		free(c->hooks[k]);
	}
	vakt_oci_process_clear(&c->process);
	free(c->uid_mappings);
	free(c->gid_mappings);
	free(c->devices);
	free(c->res.throttle);
	free(c->res.devices);
	free(c->res.unified_keys);
	free(c->res.unified_values);
	free(c->sysctl_keys);
	free(c->sysctl_values);
	free(c->masked_paths);
	free(c->readonly_paths);
	free(c->root_path);
	json_decref(c->json);
	free(c);
	return NULL;
}

void vakt_oci_resources_clear(vakt_oci_resources *res);

int vakt_oci_resources_parse(json_t *obj, const char *file, vakt_oci_resources *res, vakt_error **err)
{
	rd rr = {file, err};
	memset(res, 0, sizeof(*res));
	json_t *wrap = json_pack("{s:O}", "resources", obj);
	int rc = read_resources(&rr, wrap, res);
	json_decref(wrap);
	if (rc < 0)
		vakt_oci_resources_clear(res);
	return rc < 0 ? (*err)->code : 0;
}

void vakt_oci_resources_clear(vakt_oci_resources *res)
{
	free(res->throttle);
	free(res->devices);
	free(res->unified_keys);
	free(res->unified_values);
	memset(res, 0, sizeof(*res));
}
