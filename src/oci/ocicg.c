/* ocicg.c - see ocicg.h.
 *
 * A group is a directory per hierarchy; files are written one value per write(2) with
 * O_NOFOLLOW (cgroupfs has no symlinks below a hierarchy root, so one would be planted).
 */
#include "oci/ocicg.h"

#include "core/cleanup.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define MAX_HIER 16

typedef struct hier {
	char *name; /* "memory", "cpu,cpuacct", "name=systemd"; "" on v2 */
	char *dir;  /* the container's group: /sys/fs/cgroup/memory/libpod_parent/libpod-x */
} hier;

struct vakt_ocicg {
	bool v2;
	char *path;
	hier h[MAX_HIER];
	size_t n;
};

const char *vakt_ocicg_path(const vakt_ocicg *cg)
{
	return cg->path;
}

bool vakt_ocicg_is_v2(const vakt_ocicg *cg)
{
	return cg->v2;
}

/* ---- files ------------------------------------------------------------------------------ */

static int wr(const char *dir, const char *file, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	return n < 0 ? -errno : 0;
}

static char *rd(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= (8u << 20))
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static int64_t rd_i64(const char *dir, const char *file)
{
	_cleanup_free_ char *s = rd(dir, file);
	if (!s)
		return -1;
	return strtoll(s, NULL, 10);
}

/* The value of "key N" in a flat-keyed file (memory.stat, cpu.stat), or -1. */
static int64_t rd_key(const char *dir, const char *file, const char *key)
{
	_cleanup_free_ char *s = rd(dir, file);
	size_t kl = strlen(key);
	for (char *line = s; line && *line;) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			return strtoll(line + kl + 1, NULL, 10);
		char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A new v1 cpuset group starts with no CPUs and no memory nodes, and nothing can join
 * it: fill each empty level of dir from its parent, top down. */
static void cpuset_fill(const char *dir)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", dir);
	/* the hierarchy root is /sys/fs/cgroup/cpuset (or cpuset,x): start below it */
	char *p = strstr(buf, "/cpuset");
	p = p ? strchr(p + 1, '/') : NULL;
	while (p) {
		char *next = strchr(p + 1, '/');
		if (next)
			*next = '\0';
		_cleanup_free_ char *parent = xstrndup(buf, (size_t)(p - buf));
		_cleanup_free_ char *mine = rd(buf, "cpuset.cpus");
		if (mine && (mine[0] == '\n' || !mine[0])) {
			_cleanup_free_ char *cpus = rd(parent, "cpuset.cpus"), *mems = rd(parent, "cpuset.mems");
			if (cpus && mems) {
				wr(buf, "cpuset.cpus", cpus);
				wr(buf, "cpuset.mems", mems);
			}
		}
		if (next)
			*next = '/';
		p = next;
	}
}

/* ---- resolving ---------------------------------------------------------------------------- */

/* The calling process's group in hierarchy name ("" for v2), from /proc/self/cgroup. */
static char *own_group(const char *name)
{
	_cleanup_free_ char *s = rd("/proc/self", "cgroup");
	for (char *line = s; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2) {
			*c2 = '\0';
			if (strcmp(c1 + 1, name) == 0)
				return xstrdup(c2 + 1);
		}
		line = nl ? nl + 1 : NULL;
	}
	return xstrdup("/");
}

/* No "." or ".." component (the path must not name the caller's own group or climb out
 * of the hierarchy), and at least one component (not the hierarchy's root). */
static bool path_ok(const char *p)
{
	size_t n = 0;
	for (const char *s = p; *s;) {
		while (*s == '/')
			s++;
		size_t l = strcspn(s, "/");
		if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		n += l > 0;
		s += l;
	}
	return n > 0;
}

int vakt_ocicg_open(const char *root, const char *cgroups_path, const char *id, bool create, vakt_ocicg **ret,
		    vakt_error **err)
{
	if (!root)
		root = "/sys/fs/cgroup";
	_cleanup_free_ char *def = NULL;
	if (!cgroups_path || !*cgroups_path)
		cgroups_path = def = xasprintf("/vakt/%s", id);
	if (strchr(cgroups_path, ':') && cgroups_path[0] != '/')
		return vakt_error_set(err, VAKT_E_USAGE,
				      "linux.cgroupsPath '%s' is a systemd slice path: it needs --systemd-cgroup and a "
				      "running systemd",
				      cgroups_path);
	if (!path_ok(cgroups_path))
		return vakt_error_set(err, VAKT_E_INVALID,
				      "linux.cgroupsPath '%s' must name a group below the root, without '.' or '..'",
				      cgroups_path);
	vakt_ocicg *cg = xcalloc(1, sizeof(*cg));
	cg->path = xstrdup(cgroups_path);
	struct statfs sf;
	_cleanup_free_ char *ctl = xasprintf("%s/cgroup.controllers", root);
	struct stat st;
	cg->v2 = statfs(root, &sf) == 0 && (sf.f_type == CGROUP2_SUPER_MAGIC || stat(ctl, &st) == 0);
	if (cg->v2) {
		_cleanup_free_ char *base = cgroups_path[0] == '/' ? xstrdup("") : own_group("");
		cg->h[cg->n++] = (hier){xstrdup(""), xasprintf("%s%s/%s", root, strcmp(base, "/") ? base : "", cgroups_path)};
	} else {
		static const char *const ctls[] = {"memory", "pids", "cpu", "cpuacct", "cpuset", "freezer", "devices",
						   "blkio", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "systemd"};
		char *seen[MAX_HIER] = {0};
		size_t nseen = 0;
		for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]) && cg->n < MAX_HIER; i++) {
			_cleanup_free_ char *hp = xasprintf("%s/%s", root, ctls[i]);
			char real[PATH_MAX];
			if (!realpath(hp, real))
				continue;
			bool dup = false;
			for (size_t k = 0; k < nseen; k++)
				dup |= strcmp(seen[k], real) == 0;
			if (dup)
				continue;
			seen[nseen++] = xstrdup(real);
			/* the hierarchy's name in /proc/self/cgroup: "cpu,cpuacct", "name=systemd" */
			const char *leaf = strrchr(real, '/') + 1;
			_cleanup_free_ char *pname = strcmp(ctls[i], "systemd") == 0 ? xstrdup("name=systemd") : xstrdup(leaf);
			_cleanup_free_ char *base = cgroups_path[0] == '/' ? xstrdup("") : own_group(pname);
			cg->h[cg->n++] = (hier){xstrdup(pname),
						xasprintf("%s%s/%s", real, strcmp(base, "/") ? base : "", cgroups_path)};
		}
		for (size_t k = 0; k < nseen; k++)
			free(seen[k]);
	}
	for (size_t i = 0; i < cg->n; i++) {
		/* collapse "//" from joining */
		char *d = cg->h[i].dir, *w = d;
		for (char *s = d; *s; s++)
			if (!(s[0] == '/' && s[1] == '/'))
				*w++ = *s;
		*w = '\0';
		if (w > d + 1 && w[-1] == '/')
			w[-1] = '\0';
		if (!create)
			continue;
		/* a group that already has processes is someone else's (a service, the engine):
		 * the container must not join it, nor its removal kill them */
		_cleanup_free_ char *procs = rd(d, "cgroup.procs");
		if (procs && procs[strspn(procs, " \n")]) {
			vakt_error_set(err, VAKT_E_INVALID, "linux.cgroupsPath '%s': %s is in use by other processes",
				       cgroups_path, d);
			vakt_ocicg_free(cg);
			return VAKT_E_INVALID;
		}
		int r = mkdir_p(d);
		if (r < 0) {
			/* the systemd named hierarchy and net_* are bookkeeping: a failure there is
			 * not worth refusing the container for */
			if (strcmp(cg->h[i].name, "name=systemd") == 0 || strncmp(cg->h[i].name, "net_", 4) == 0)
				continue;
			vakt_error_set(err, VAKT_E_IO, "creating the cgroup %s: %s", d, strerror(-r));
			vakt_ocicg_free(cg);
			return VAKT_E_IO;
		}
		if (strcmp(cg->h[i].name, "cpuset") == 0)
			cpuset_fill(d);
	}
	*ret = cg;
	return 0;
}

static const char *dir_of(vakt_ocicg *cg, const char *ctl)
{
	if (cg->v2)
		return cg->h[0].dir;
	for (size_t i = 0; i < cg->n; i++) {
		const char *n = cg->h[i].name;
		size_t l = strlen(ctl);
		for (const char *s = n; *s;) {
			if (strncmp(s, ctl, l) == 0 && (s[l] == ',' || s[l] == '\0'))
				return cg->h[i].dir;
			s = strchr(s, ',');
			if (!s)
				break;
			s++;
		}
	}
	return NULL;
}

/* ---- resources --------------------------------------------------------------------------- */

static int put(vakt_ocicg *cg, const char *ctl, const char *file, const char *field, vakt_error **err, const char *fmt,
	       ...) __attribute__((format(printf, 6, 7)));
static int put(vakt_ocicg *cg, const char *ctl, const char *file, const char *field, vakt_error **err, const char *fmt,
	       ...)
{
	const char *d = dir_of(cg, ctl);
	char val[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!d)
		return vakt_error_set(err, VAKT_E_INVALID, "%s: this host has no %s cgroup controller", field, ctl);
	int r = wr(d, file, val);
	if (r < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "%s: writing %s to %s/%s: %s", field, val, d, file, strerror(-r));
	return 0;
}

static int apply_devices(vakt_ocicg *cg, const vakt_oci_resources *res, void (*warn)(const char *, void *), void *ud,
			 vakt_error **err)
{
	if (!res->ndevices)
		return 0;
	if (cg->v2) {
		/* every engine sends device rules (deny all, then the usual devices): refusing
		 * them would refuse every container on a v2 host. They are not enforced, and
		 * said so; the container still cannot make device nodes (no CAP_MKNOD under the
		 * policy) and the host's /dev cannot be bound in */
		warn("linux.resources.devices: not enforced on cgroup v2 by this version of vakt (it needs a BPF "
		     "program); the container has only the device nodes the config lists",
		     ud);
		return 0;
	}
	const char *d = dir_of(cg, "devices");
	if (!d) {
		warn("linux.resources.devices: no devices cgroup controller: device rules not applied", ud);
		return 0;
	}
	/* the rules in order, then the devices every container needs (runc's list), so a
	 * deny-all first rule still leaves /dev/null usable */
	static const char *const defaults[] = {"c *:* m",   "b *:* m",	   "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm",
					       "c 1:5 rwm", "c 1:9 rwm", "c 5:1 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm"};
	for (size_t i = 0; i < res->ndevices; i++) {
		const vakt_oci_devrule *r = &res->devices[i];
		char rule[64], ma[24], mi[24];
		if (r->major < 0)
			strcpy(ma, "*");
		else
			snprintf(ma, sizeof(ma), "%" PRId64, r->major);
		if (r->minor < 0)
			strcpy(mi, "*");
		else
			snprintf(mi, sizeof(mi), "%" PRId64, r->minor);
		if (r->type == 'a')
			snprintf(rule, sizeof(rule), "a");
		else
			snprintf(rule, sizeof(rule), "%c %s:%s %s", r->type, ma, mi, r->access);
		int rc = wr(d, r->allow ? "devices.allow" : "devices.deny", rule);
		if (rc == -EPERM) {
			warn("linux.resources.devices: the kernel refuses device rules here (a user namespace): not applied", ud);
			return 0;
		}
		if (rc < 0)
			return vakt_error_set(err, VAKT_E_INVALID, "linux.resources.devices[%zu]: '%s': %s", i, rule, strerror(-rc));
	}
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		wr(d, "devices.allow", defaults[i]);
	return 0;
}

int vakt_ocicg_apply(vakt_ocicg *cg, const vakt_oci_resources *res, void (*warn)(const char *msg, void *ud), void *ud,
		     vakt_error **err)
{
	bool v2 = cg->v2;
	/* linux.resources.unified first: the typed fields below (the policy's pids limit
	 * among them) are written after it and win */
	for (size_t i = 0; i < res->nunified; i++) {
		if (!v2)
			return vakt_error_set(err, VAKT_E_INVALID, "linux.resources.unified: this host does not use cgroup v2");
		int r = wr(cg->h[0].dir, res->unified_keys[i], res->unified_values[i]);
		if (r < 0)
			return vakt_error_set(err, VAKT_E_INVALID, "linux.resources.unified.%s: %s", res->unified_keys[i],
					      strerror(-r));
	}
	if (res->memory_limit > 0) {
		if (v2 ? put(cg, "memory", "memory.max", "linux.resources.memory.limit", err, "%" PRId64, res->memory_limit) < 0
		       : put(cg, "memory", "memory.limit_in_bytes", "linux.resources.memory.limit", err, "%" PRId64,
			     res->memory_limit) < 0)
			return VAKT_E_INVALID;
	}
	if (res->memory_reservation > 0 &&
	    put(cg, "memory", v2 ? "memory.low" : "memory.soft_limit_in_bytes", "linux.resources.memory.reservation", err,
		"%" PRId64, res->memory_reservation) < 0)
		return VAKT_E_INVALID;
	if (res->memory_swap > 0) {
		/* OCI's swap is memory+swap, as v1's memsw; v2 limits swap alone */
		int64_t v = v2 && res->memory_limit > 0 ? res->memory_swap - res->memory_limit : res->memory_swap;
		if (v < 0)
			return vakt_error_set(err, VAKT_E_INVALID, "linux.resources.memory.swap: below the memory limit");
		if (put(cg, "memory", v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", "linux.resources.memory.swap", err,
			"%" PRId64, v) < 0)
			return VAKT_E_INVALID;
	}
	if (res->memory_swappiness >= 0 && !v2 &&
	    put(cg, "memory", "memory.swappiness", "linux.resources.memory.swappiness", err, "%" PRId64,
		res->memory_swappiness) < 0)
		return VAKT_E_INVALID;
	if (res->memory_disable_oom_killer && !v2 &&
	    put(cg, "memory", "memory.oom_control", "linux.resources.memory.disableOOMKiller", err, "1") < 0)
		return VAKT_E_INVALID;
	if (res->cpu_shares > 0) {
		/* v2 weight from shares, as runc converts: 2..262144 onto 1..10000 */
		int64_t w = 1 + ((res->cpu_shares - 2) * 9999) / 262142;
		if (v2 ? put(cg, "cpu", "cpu.weight", "linux.resources.cpu.shares", err, "%" PRId64, w < 1 ? 1 : w) < 0
		       : put(cg, "cpu", "cpu.shares", "linux.resources.cpu.shares", err, "%" PRId64, res->cpu_shares) < 0)
			return VAKT_E_INVALID;
	}
	if (res->cpu_quota != -1 || res->cpu_period > 0) {
		int64_t period = res->cpu_period > 0 ? res->cpu_period : 100000;
		if (v2) {
			if (res->cpu_quota > 0 ? put(cg, "cpu", "cpu.max", "linux.resources.cpu.quota", err,
						     "%" PRId64 " %" PRId64, res->cpu_quota, period) < 0
					       : put(cg, "cpu", "cpu.max", "linux.resources.cpu.period", err, "max %" PRId64, period) < 0)
				return VAKT_E_INVALID;
		} else {
			if (put(cg, "cpu", "cpu.cfs_period_us", "linux.resources.cpu.period", err, "%" PRId64, period) < 0)
				return VAKT_E_INVALID;
			if (res->cpu_quota != 0 && res->cpu_quota >= -1 &&
			    put(cg, "cpu", "cpu.cfs_quota_us", "linux.resources.cpu.quota", err, "%" PRId64,
				res->cpu_quota > 0 ? res->cpu_quota : -1) < 0)
				return VAKT_E_INVALID;
		}
	}
	if (res->cpu_cpus && *res->cpu_cpus &&
	    put(cg, "cpuset", v2 ? "cpuset.cpus" : "cpuset.cpus", "linux.resources.cpu.cpus", err, "%s", res->cpu_cpus) < 0)
		return VAKT_E_INVALID;
	if (res->cpu_mems && *res->cpu_mems && put(cg, "cpuset", "cpuset.mems", "linux.resources.cpu.mems", err, "%s", res->cpu_mems) < 0)
		return VAKT_E_INVALID;
	if (res->pids_limit != 0) {
		if (res->pids_limit > 0 ? put(cg, "pids", "pids.max", "linux.resources.pids.limit", err, "%" PRId64, res->pids_limit) < 0
					: put(cg, "pids", "pids.max", "linux.resources.pids.limit", err, "max") < 0)
			return VAKT_E_INVALID;
	}
	if (res->blkio_weight > 0) {
		const char *d = dir_of(cg, v2 ? "io" : "blkio");
		char v[32];
		snprintf(v, sizeof(v), "%" PRId64, res->blkio_weight);
		if (!d || (wr(d, v2 ? "io.weight" : "blkio.weight", v) < 0 && (v2 || wr(d, "blkio.bfq.weight", v) < 0)))
			warn("linux.resources.blockIO.weight: the I/O scheduler here has no weights: not applied", ud);
	}
	static const char *const v1thr[] = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
					    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	static const char *const v2thr[] = {"rbps", "wbps", "riops", "wiops"};
	for (size_t i = 0; i < res->nthrottle; i++) {
		const vakt_oci_throttle *t = &res->throttle[i];
		if (v2 ? put(cg, "io", "io.max", "linux.resources.blockIO", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
			     t->minor, v2thr[t->kind], t->rate) < 0
		       : put(cg, "blkio", v1thr[t->kind], "linux.resources.blockIO", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
			     t->major, t->minor, t->rate) < 0)
			return VAKT_E_INVALID;
	}
	return apply_devices(cg, res, warn, ud, err);
}

int vakt_ocicg_attach(vakt_ocicg *cg, pid_t pid, vakt_error **err)
{
	char v[24];
	snprintf(v, sizeof(v), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = wr(cg->h[i].dir, "cgroup.procs", v);
		if (r < 0 && strcmp(cg->h[i].name, "name=systemd") != 0 && strncmp(cg->h[i].name, "net_", 4) != 0)
			return vakt_error_set(err, VAKT_E_IO, "moving the container into %s: %s", cg->h[i].dir, strerror(-r));
	}
	return 0;
}

/* ---- verbs on a running container ---------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool vakt_ocicg_frozen(vakt_ocicg *cg)
{
	const char *d = dir_of(cg, "freezer");
	if (cg->v2) {
		return rd_key(d, "cgroup.events", "frozen") == 1;
	}
	_cleanup_free_ char *s = d ? rd(d, "freezer.state") : NULL;
	return s && strncmp(s, "FROZEN", 6) == 0;
}

int vakt_ocicg_freeze(vakt_ocicg *cg, bool freeze, vakt_error **err)
{
	const char *d = dir_of(cg, "freezer");
	if (!d)
		return vakt_error_set(err, VAKT_E_INVALID, "this host has no freezer cgroup: pause needs it");
	int r = cg->v2 ? wr(d, "cgroup.freeze", freeze ? "1" : "0") : wr(d, "freezer.state", freeze ? "FROZEN" : "THAWED");
	if (r < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s %s: %s", freeze ? "freezing" : "thawing", d, strerror(-r));
	for (int i = 0; i < 1000; i++) {
		if (vakt_ocicg_frozen(cg) == freeze)
			return 0;
		sleep_ms(2);
	}
	return vakt_error_set(err, VAKT_E_IO, "%s: the kernel did not report the container %s after 2 s", d,
			      freeze ? "frozen" : "thawed");
}

#define MAX_DEPTH 32 /* nested groups the container may have made below its own */

/* Call fn on dir and every group below it (children first when post), at most MAX_DEPTH
 * levels: a container's root may create groups in a writable cgroup mount and move its
 * processes there. Directories only, no symlinks (cgroupfs has none). */
static void walk(const char *dir, unsigned depth, bool post, void (*fn)(const char *d, void *ud), void *ud)
{
	if (!post)
		fn(dir, ud);
	DIR *d = depth < MAX_DEPTH ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, de->d_name);
		walk(sub, depth + 1, post, fn, ud);
	}
	if (d)
		closedir(d);
	if (post)
		fn(dir, ud);
}

typedef struct pid_acc {
	pid_t *v;
	size_t n, cap;
} pid_acc;

static void collect_pids(const char *dir, void *ud)
{
	pid_acc *a = ud;
	_cleanup_free_ char *s = rd(dir, "cgroup.procs");
	for (char *p = s; p && *p;) {
		char *end;
		long x = strtol(p, &end, 10);
		if (end == p)
			break;
		if (a->n == a->cap)
			a->v = xrealloc(a->v, (a->cap = a->cap ? 2 * a->cap : 16) * sizeof(*a->v));
		a->v[a->n++] = (pid_t)x;
		p = end;
		while (*p == '\n')
			p++;
	}
}

static void rmdir_one(const char *dir, void *ud)
{
	bool *busy = ud;
	if (rmdir(dir) < 0 && errno == EBUSY)
		*busy = true;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

int vakt_ocicg_pids(vakt_ocicg *cg, pid_t **ret, size_t *n, vakt_error **err)
{
	const char *d = dir_of(cg, "pids");
	if (!d)
		d = cg->n ? cg->h[0].dir : NULL;
	struct stat st;
	if (!d || stat(d, &st) < 0)
		return vakt_error_set(err, VAKT_E_IO, "reading the container's cgroup %s: %s", d ? d : cg->path,
				      strerror(d ? errno : ENOENT));
	pid_acc a = {0};
	walk(d, 0, false, collect_pids, &a);
	if (a.n)
		qsort(a.v, a.n, sizeof(*a.v), cmp_pid);
	*ret = a.v ? a.v : xcalloc(1, sizeof(pid_t));
	*n = a.n;
	return 0;
}

json_t *vakt_ocicg_stats(vakt_ocicg *cg)
{
	json_t *o = json_object();
	const char *cpu = dir_of(cg, cg->v2 ? "cpu" : "cpuacct"), *mem = dir_of(cg, "memory"), *pids = dir_of(cg, "pids");
	int64_t usage = cg->v2 ? rd_key(cpu, "cpu.stat", "usage_usec") * 1000 : rd_i64(cpu, "cpuacct.usage");
	json_object_set_new(o, "cpu", json_pack("{s:{s:I}}", "usage", "total", (json_int_t)(usage < 0 ? 0 : usage)));
	int64_t mu = mem ? rd_i64(mem, cg->v2 ? "memory.current" : "memory.usage_in_bytes") : -1;
	_cleanup_free_ char *ml = mem ? rd(mem, cg->v2 ? "memory.max" : "memory.limit_in_bytes") : NULL;
	int64_t lim = ml && strncmp(ml, "max", 3) != 0 ? strtoll(ml, NULL, 10) : 0;
	json_object_set_new(o, "memory",
			    json_pack("{s:{s:I,s:I}}", "usage", "usage", (json_int_t)(mu < 0 ? 0 : mu), "limit", (json_int_t)lim));
	int64_t pc = pids ? rd_i64(pids, "pids.current") : -1;
	_cleanup_free_ char *pm = pids ? rd(pids, "pids.max") : NULL;
	int64_t pl = pm && strncmp(pm, "max", 3) != 0 ? strtoll(pm, NULL, 10) : 0;
	json_object_set_new(o, "pids", json_pack("{s:I,s:I}", "current", (json_int_t)(pc < 0 ? 0 : pc), "limit", (json_int_t)pl));
	return o;
}

void vakt_ocicg_kill(vakt_ocicg *cg, int sig)
{
	pid_t *v = NULL;
	size_t n = 0;
	vakt_error *e = NULL;
	if (vakt_ocicg_pids(cg, &v, &n, &e) < 0) {
		vakt_error_free(e);
		return;
	}
	for (size_t i = 0; i < n; i++)
		kill(v[i], sig);
	free(v);
}

void vakt_ocicg_destroy(vakt_ocicg *cg)
{
	if (!cg)
		return;
	/* a frozen group cannot die: thaw it first */
	if (dir_of(cg, "freezer") && vakt_ocicg_frozen(cg)) {
		vakt_error *e = NULL;
		vakt_ocicg_freeze(cg, false, &e);
		vakt_error_free(e);
	}
	for (int tries = 0; tries < 250; tries++) {
		bool busy = false;
		for (size_t i = 0; i < cg->n; i++)
			walk(cg->h[i].dir, 0, true, rmdir_one, &busy); /* the groups below first */
		if (!busy)
			break;
		vakt_ocicg_kill(cg, SIGKILL);
		sleep_ms(20);
	}
	vakt_ocicg_free(cg);
}

json_t *vakt_ocicg_save(const vakt_ocicg *cg)
{
	json_t *o = json_pack("{s:s,s:b,s:[]}", "path", cg->path, "v2", cg->v2, "groups");
	json_t *a = json_object_get(o, "groups");
	for (size_t i = 0; i < cg->n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "name", cg->h[i].name, "dir", cg->h[i].dir));
	return o;
}

vakt_ocicg *vakt_ocicg_restore(json_t *saved)
{
	json_t *a = json_object_get(saved, "groups");
	const char *path = json_string_value(json_object_get(saved, "path"));
	if (!path || !json_is_array(a) || json_array_size(a) > MAX_HIER)
		return NULL;
	vakt_ocicg *cg = xcalloc(1, sizeof(*cg));
	cg->path = xstrdup(path);
	cg->v2 = json_is_true(json_object_get(saved, "v2"));
	size_t i;
	json_t *g;
	json_array_foreach(a, i, g)
	{
		const char *name = json_string_value(json_object_get(g, "name"));
		const char *dir = json_string_value(json_object_get(g, "dir"));
		/* only directories of the cgroup filesystem: the record is root's, but a
		 * damaged one must not make kill or rmdir act elsewhere */
		if (!name || !dir || strncmp(dir, "/sys/fs/cgroup/", 15) != 0 || strstr(dir, "/.."))
			continue;
		cg->h[cg->n++] = (hier){xstrdup(name), xstrdup(dir)};
	}
	return cg;
}

vakt_ocicg *vakt_ocicg_free(vakt_ocicg *cg)
{
	if (!cg)
		return NULL;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->h[i].name);
		free(cg->h[i].dir);
	}
	free(cg->path);
	free(cg);
	return NULL;
}

char *vakt_ocicg_systemd_path(const char *p)
{
	const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':') || strchr(p, '/'))
		return NULL;
	_cleanup_free_ char *slice = c1 == p ? xstrdup("system.slice") : xasprintf("%.*s", (int)(c1 - p), p);
	size_t sl = strlen(slice);
	if (sl < 7 || strcmp(slice + sl - 6, ".slice") != 0)
		return NULL;
	/* "a-b-c.slice" lives in /a.slice/a-b.slice/a-b-c.slice */
	char *out = xstrdup("");
	for (size_t i = 0; i + 6 <= sl; i++) {
		if (slice[i] != '-' && i + 6 != sl)
			continue;
		char *n = xasprintf("%s/%.*s.slice", out, (int)i, slice);
		free(out);
		out = n;
	}
	if (strcmp(slice, "-.slice") == 0)
		out[0] = '\0';
	char *full = xasprintf("%s/%.*s-%s.scope", out, (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
	free(out);
	return full;
}
