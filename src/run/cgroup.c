/* cgroup.c - see cgroup.h.
 *
 * Layout detection: a root holding cgroup.controllers is a v2 (unified) mount; anything
 * else is read as a v1 tmpfs holding one directory per hierarchy ("memory", "pids",
 * "cpu", the latter often a symbolic link to "cpu,cpuacct"). The container's groups are
 * <hierarchy>/vakt/<id>; every directory below the hierarchy root is opened with
 * O_NOFOLLOW and every file relative to its group's descriptor, so nothing here walks
 * a path a second time after checking it.
 *
 * Sections: small file helpers; the parsers; creation (v2, v1); attach and OOM;
 * destruction (killing what is left, removing the groups children first).
 */
#include "run/cgroup.h"

#include "core/cleanup.h"
#include "core/fs.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_DEFAULT_ROOT	  "/sys/fs/cgroup"
#define CG_ID_MAX	  64
#define CG_MAX_GROUPS	  3	     /* v1: memory, pids, cpu (fewer when co-mounted) */
#define CG_MAX_DEPTH	  32	     /* nested groups the container may have made below ours */
#define CG_READ_MAX	  (8u << 20) /* a cgroup.procs listing 1M pids is ~8 MiB */
#define CG_KILL_WAIT_MS	  5000	     /* how long destroy waits for the groups to empty */
#define CG_DEFAULT_PERIOD 100000

enum { CTL_MEMORY = 1u << 0, CTL_PIDS = 1u << 1, CTL_CPU = 1u << 2 };

typedef struct cg_group {
	int vaktfd;    /* <hierarchy>/vakt, to remove <id> from */
	int fd;	       /* <hierarchy>/vakt/<id> */
	unsigned ctls; /* controllers of this hierarchy we use (v2: all enabled ones) */
	char *path;    /* for messages */
} cg_group;

struct vakt_cgroup {
	bool v2;
	char *id;
	cg_group groups[CG_MAX_GROUPS];
	size_t n;
	int memfd;	  /* the group with the memory controller (borrowed), -1 if none */
	int64_t oom_base; /* OOM counter when the group was made (a reused group may have one) */
};

/* ---- file helpers --------------------------------------------------------------------- */

/* Write s to name under dirfd in one write(2): cgroup files take one value per write.
 * No O_CREAT: a missing file means a missing controller, never a file to make. No
 * O_TRUNC: kernfs files have no length; test trees start with empty files. Returns 0 or
 * -errno. */
static int cg_write(int dirfd, const char *name, const char *s)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(s);
	ssize_t n;
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

/* Read name under dirfd into a new string (NULL and -errno on failure). */
static int cg_read(int dirfd, const char *name, char **ret)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	char *s = NULL;
	size_t len = 0;
	vakt_error *e = NULL;
	if (vakt_read_all(fd, name, CG_READ_MAX, &s, &len, &e) < 0) {
		vakt_error_free(e);
		return -EIO;
	}
	*ret = s;
	return 0;
}

static bool cg_exists(int dirfd, const char *name)
{
	return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The value after "key " on its own line of a flat-keyed file (memory.events,
 * memory.oom_control); -1 when absent or unreadable. */
static int64_t cg_read_key(int dirfd, const char *name, const char *key)
{
	_cleanup_free_ char *s = NULL;
	if (cg_read(dirfd, name, &s) < 0)
		return -1;
	size_t klen = strlen(key);
	for (char *line = s; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			char *end;
			errno = 0;
			long long v = strtoll(line + klen + 1, &end, 10);
			if (errno || end == line + klen + 1 || v < 0)
				return -1;
			return v;
		}
	}
	return -1;
}

/* True if the space-separated list s names word. */
static bool cg_list_has(const char *s, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = s; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *b = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - b) == wl && memcmp(b, word, wl) == 0)
			return true;
	}
	return false;
}

static bool cg_valid_id(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++) {
		unsigned char c = (unsigned char)id[n];
		if (!(isascii(c) && (isalnum(c) || c == '_' || c == '-')))
			return false;
		if (n >= CG_ID_MAX)
			return false;
	}
	return n > 0;
}

/* ---- parsers -------------------------------------------------------------------------- */

/* Digits, an optional fraction, an optional unit (k m g t p, powers of 1024, as
 * Docker), an optional "i" and "b": "512m", "1.5g", "1024", "64MiB", "100b". */
bool vakt_parse_bytes(const char *s, int64_t *ret)
{
	if (!s)
		return false;
	const char *p = s;
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++)
		if (__builtin_mul_overflow(whole, 10u, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole))
			return false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++) {
			/* beyond 18 digits a fraction adds nothing (unit <= 2^50) */
			if (frac_scale < 1000000000000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_scale *= 10;
			}
		}
	}
	uint64_t mult = 1;
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1ull << 10;
		p++;
		break;
	case 'm':
		mult = 1ull << 20;
		p++;
		break;
	case 'g':
		mult = 1ull << 30;
		p++;
		break;
	case 't':
		mult = 1ull << 40;
		p++;
		break;
	case 'p':
		mult = 1ull << 50;
		p++;
		break;
	default: break;
	}
	if (mult > 1 && tolower((unsigned char)*p) == 'i')
		p++;
	if (tolower((unsigned char)*p) == 'b')
		p++;
	if (*p)
		return false;
	uint64_t v;
	if (__builtin_mul_overflow(whole, mult, &v))
		return false;
	if (frac) {
		/* frac/frac_scale of a unit; unsigned __int128 keeps frac*mult exact */
		unsigned __int128 f = (unsigned __int128)frac * mult / frac_scale;
		if (__builtin_add_overflow(v, (uint64_t)f, &v))
			return false;
	}
	if (v > INT64_MAX)
		return false;
	*ret = (int64_t)v;
	return true;
}

/* "1.5" -> quota 150000 per period 100000. Fixed-point on purpose: "0.1" is exact in
 * decimal but not in binary. Digits past the period's resolution (1e-5) are cut; the
 * kernel refuses quotas under 1 ms, so anything below 0.01 CPU is refused here. */
bool vakt_parse_cpus(const char *s, int64_t *quota, int64_t *period)
{
	if (!s)
		return false;
	const char *p = s;
	int64_t q = 0;
	if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
		return false;
	for (; isdigit((unsigned char)*p); p++)
		if (__builtin_mul_overflow(q, 10, &q) || __builtin_add_overflow(q, *p - '0', &q))
			return false;
	if (__builtin_mul_overflow(q, CG_DEFAULT_PERIOD, &q))
		return false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		int64_t scale = CG_DEFAULT_PERIOD / 10;
		for (; isdigit((unsigned char)*p); p++) {
			q += (*p - '0') * scale; /* cannot overflow: adds < CG_DEFAULT_PERIOD */
			scale /= 10;
		}
	}
	if (*p || q < 1000)
		return false;
	*quota = q;
	*period = CG_DEFAULT_PERIOD;
	return true;
}

/* ---- creation ------------------------------------------------------------------------- */

typedef struct cg_ctx {
	vakt_cgroup *cg;
	const vakt_cgroup_limits *lim;
	void (*warn)(const char *msg, void *ud);
	void *ud;
	vakt_error **err;
} cg_ctx;

static const char *ctl_name(unsigned ctl)
{
	switch (ctl) {
	case CTL_MEMORY: return "memory";
	case CTL_PIDS: return "pids";
	case CTL_CPU: return "cpu";
	default: return "?";
	}
}

static bool ctl_wanted(const vakt_cgroup_limits *lim, unsigned ctl)
{
	switch (ctl) {
	case CTL_MEMORY: return lim->memory > 0;
	case CTL_PIDS: return lim->pids > 0;
	case CTL_CPU: return lim->cpu_quota > 0;
	default: return false;
	}
}

static bool ctl_explicit(const vakt_cgroup_limits *lim, unsigned ctl)
{
	switch (ctl) {
	case CTL_MEMORY: return lim->memory_explicit;
	case CTL_PIDS: return lim->pids_explicit;
	case CTL_CPU: return lim->cpus_explicit;
	default: return false;
	}
}

/* A limit could not be applied: an error if it was asked for, else one warning. Returns
 * the code to fail with, or 0 to go on without the limit. */
static int limit_failed(cg_ctx *c, unsigned ctl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int limit_failed(cg_ctx *c, unsigned ctl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = NULL;
	if (vasprintf(&why, fmt, ap) < 0)
		vakt_oom();
	va_end(ap);
	if (ctl_explicit(c->lim, ctl))
		return vakt_error_set(c->err, VAKT_E_IO, "cannot apply the %s limit: %s",
				      ctl_name(ctl), why);
	if (c->warn) {
		_cleanup_free_ char *msg =
			xasprintf("%s limit not applied: %s", ctl_name(ctl), why);
		c->warn(msg, c->ud);
	}
	return 0;
}

/* mkdir <parent>/<name> and open it without following a link. An existing group is
 * taken over only when no process is in it (left by a crashed run, or a test tree):
 * an occupied one belongs to a live container with the same id. */
static int cg_mkdir_open(int parentfd, const char *name, bool must_be_empty, const char *display,
			 vakt_error **err)
{
	bool existed = false;
	if (mkdirat(parentfd, name, 0755) < 0) {
		if (errno != EEXIST)
			return vakt_error_set(err, VAKT_E_IO, "cannot create %s: %s", display,
					      strerror(errno));
		existed = true;
	}
	/* O_NOFOLLOW: an existing entry that is a symbolic link must not redirect us */
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "cannot open %s: %s", display,
				      strerror(errno));
	if (existed && must_be_empty) {
		_cleanup_free_ char *procs = NULL;
		if (cg_read(fd, "cgroup.procs", &procs) == 0 && procs[strspn(procs, " \n")]) {
			close(fd);
			return vakt_error_set(
				err, VAKT_E_INVALID,
				"%s already exists with processes in it (another container "
				"with this id?)",
				display);
		}
	}
	return fd;
}

/* Make <hierarchy fd>/vakt/<id> and record it. */
static int cg_add_group(cg_ctx *c, int hierfd, const char *hierpath, unsigned ctls,
			vakt_error **err)
{
	vakt_cgroup *cg = c->cg;
	_cleanup_free_ char *vpath = xasprintf("%s/vakt", hierpath);
	_cleanup_free_ char *gpath = xasprintf("%s/vakt/%s", hierpath, cg->id);
	_cleanup_close_ int vfd = cg_mkdir_open(hierfd, "vakt", false, vpath, err);
	if (vfd < 0)
		return vfd;
	/* cg->id was checked against [A-Za-z0-9_-]{1,64}: one path component, never "..". */
	int gfd = cg_mkdir_open(vfd, cg->id, true, gpath, err);
	if (gfd < 0)
		return gfd;
	cg_group *g = &cg->groups[cg->n++];
	g->vaktfd = TAKE_FD(vfd);
	g->fd = gfd;
	g->ctls = ctls;
	g->path = TAKE_PTR(gpath);
	if (ctls & CTL_MEMORY)
		cg->memfd = gfd;
	return 0;
}

static int cg_write_i64(int dirfd, const char *name, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cg_write(dirfd, name, buf);
}

/* Write the limits of one group's controllers; v2 and v1 differ only in file names. */
static int cg_apply(cg_ctx *c, cg_group *g)
{
	const vakt_cgroup_limits *lim = c->lim;
	bool v2 = c->cg->v2;
	int r;
	if ((g->ctls & CTL_MEMORY) && lim->memory > 0) {
		const char *f = v2 ? "memory.max" : "memory.limit_in_bytes";
		r = cg_write_i64(g->fd, f, lim->memory);
		bool applied = r == 0;
		if (r < 0 &&
		    (r = limit_failed(c, CTL_MEMORY, "%s/%s: %s", g->path, f, strerror(-r))) < 0)
			return r;
		/* Swap must not extend the limit. v1 counts memory+swap in memsw, which may
		 * never be below limit_in_bytes, so it goes second; v2 counts swap alone. A
		 * kernel without swap accounting has neither file: there is nothing to bypass. */
		const char *sf = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
		if (applied && cg_exists(g->fd, sf)) {
			r = v2 ? cg_write(g->fd, sf, "0") : cg_write_i64(g->fd, sf, lim->memory);
			if (r < 0 && (r = limit_failed(c, CTL_MEMORY, "%s/%s: %s", g->path, sf,
						       strerror(-r))) < 0)
				return r;
		}
	}
	if ((g->ctls & CTL_PIDS) && lim->pids > 0) {
		r = cg_write_i64(g->fd, "pids.max", lim->pids);
		if (r < 0 &&
		    (r = limit_failed(c, CTL_PIDS, "%s/pids.max: %s", g->path, strerror(-r))) < 0)
			return r;
	}
	if ((g->ctls & CTL_CPU) && lim->cpu_quota > 0) {
		int64_t period = lim->cpu_period > 0 ? lim->cpu_period : CG_DEFAULT_PERIOD;
		if (v2) {
			char buf[64];
			snprintf(buf, sizeof(buf), "%" PRId64 " %" PRId64, lim->cpu_quota, period);
			r = cg_write(g->fd, "cpu.max", buf);
			if (r < 0 && (r = limit_failed(c, CTL_CPU, "%s/cpu.max: %s", g->path,
						       strerror(-r))) < 0)
				return r;
		} else {
			/* period first: the kernel checks quota against the current period */
			r = cg_write_i64(g->fd, "cpu.cfs_period_us", period);
			if (r == 0)
				r = cg_write_i64(g->fd, "cpu.cfs_quota_us", lim->cpu_quota);
			if (r < 0 && (r = limit_failed(c, CTL_CPU, "%s/cpu.cfs_*_us: %s", g->path,
						       strerror(-r))) < 0)
				return r;
		}
	}
	return 0;
}

/* Enable wanted controllers in fd's cgroup.subtree_control, those missing only. One
 * write for all, else one at a time so a refused controller is named. Returns the
 * controllers that are enabled. */
static unsigned v2_enable(int fd, unsigned want, unsigned *failed, int *ret_errno)
{
	_cleanup_free_ char *cur = NULL;
	if (cg_read(fd, "cgroup.subtree_control", &cur) < 0)
		cur = xstrdup("");
	unsigned have = 0, missing = 0;
	char line[64] = "";
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1) {
		if (!(want & ctl))
			continue;
		if (cg_list_has(cur, ctl_name(ctl))) {
			have |= ctl;
		} else {
			missing |= ctl;
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s+%s",
				 *line ? " " : "", ctl_name(ctl));
		}
	}
	if (!missing)
		return have;
	if (cg_write(fd, "cgroup.subtree_control", line) == 0)
		return have | missing;
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1) {
		if (!(missing & ctl))
			continue;
		char one[16];
		snprintf(one, sizeof(one), "+%s", ctl_name(ctl));
		int r = cg_write(fd, "cgroup.subtree_control", one);
		if (r == 0) {
			have |= ctl;
		} else {
			*failed |= ctl;
			*ret_errno = -r;
		}
	}
	return have;
}

static int create_v2(cg_ctx *c, int rootfd, const char *root)
{
	unsigned want = 0;
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1)
		if (ctl_wanted(c->lim, ctl))
			want |= ctl;
	_cleanup_free_ char *avail = NULL;
	if (cg_read(rootfd, "cgroup.controllers", &avail) < 0)
		avail = xstrdup("");
	unsigned usable = 0;
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1) {
		if (!(want & ctl))
			continue;
		if (cg_list_has(avail, ctl_name(ctl))) {
			usable |= ctl;
			continue;
		}
		int r = limit_failed(c, ctl, "the %s controller is not available in %s",
				     ctl_name(ctl), root);
		if (r < 0)
			return r;
	}
	/* memory is always enabled when available, even without a limit: the OOM counter
	 * lives in memory.events. */
	if (cg_list_has(avail, "memory"))
		usable |= CTL_MEMORY;

	unsigned failed = 0;
	int eno = 0;
	unsigned on = v2_enable(rootfd, usable, &failed, &eno);
	int r = cg_add_group(c, rootfd, root, 0, c->err);
	if (r < 0)
		return r;
	cg_group *g = &c->cg->groups[0];
	on &= v2_enable(g->vaktfd, on, &failed, &eno);
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1) {
		if ((failed & ctl) && (want & ctl) &&
		    (r = limit_failed(c, ctl, "cannot enable the %s controller under %s: %s",
				      ctl_name(ctl), root, strerror(eno))) < 0)
			return r;
	}
	g->ctls = on;
	c->cg->memfd = (on & CTL_MEMORY) ? g->fd : -1;
	if (c->cg->memfd >= 0)
		c->cg->oom_base = cg_read_key(g->fd, "memory.events", "oom_kill");
	return cg_apply(c, g);
}

/* Open a v1 hierarchy directory by controller name. The names under the root are the
 * host's mount layout (root-owned), and "cpu" is by convention a link to "cpu,cpuacct",
 * so this one open follows links; everything below it does not. */
static int v1_open_hierarchy(int rootfd, const char *name, bool real)
{
	int fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (real) {
		/* on the host, only a mounted cgroup hierarchy counts: an empty directory
		 * left in the tmpfs would swallow the limits silently */
		struct statfs sf;
		if (fstatfs(fd, &sf) < 0 || (unsigned long)sf.f_type != CGROUP_SUPER_MAGIC) {
			close(fd);
			return -ENOENT;
		}
	}
	return fd;
}

static int create_v1(cg_ctx *c, int rootfd, const char *root, bool real)
{
	struct {
		dev_t dev;
		ino_t ino;
		size_t idx;
	} seen[CG_MAX_GROUPS];
	size_t nseen = 0;
	for (unsigned ctl = CTL_MEMORY; ctl <= CTL_CPU; ctl <<= 1) {
		bool want = ctl_wanted(c->lim, ctl);
		/* the cpu hierarchy only for a CPU limit: the memory and pids groups already
		 * hold every process for destroy, and each group costs a start time */
		if (ctl == CTL_CPU && !want)
			continue;
		_cleanup_close_ int hfd = v1_open_hierarchy(rootfd, ctl_name(ctl), real);
		if (hfd < 0) {
			int r = 0;
			if (want)
				r = limit_failed(c, ctl, "no %s hierarchy under %s", ctl_name(ctl),
						 root);
			if (r < 0)
				return r;
			continue;
		}
		/* co-mounted controllers ("cpu" a link to "cpu,cpuacct", or one mount with
		 * memory and pids) share one hierarchy directory, hence one group */
		struct stat st;
		if (fstat(hfd, &st) < 0)
			return vakt_error_set(c->err, VAKT_E_IO, "%s/%s: %s", root, ctl_name(ctl),
					      strerror(errno));
		size_t i;
		for (i = 0; i < nseen && (seen[i].dev != st.st_dev || seen[i].ino != st.st_ino);
		     i++)
			;
		if (i < nseen) {
			c->cg->groups[seen[i].idx].ctls |= ctl;
			if (ctl == CTL_MEMORY)
				c->cg->memfd = c->cg->groups[seen[i].idx].fd;
			continue;
		}
		/* Memory and pids get a group, limit or not: memory for the OOM counter, pids
		 * so that destroy finds every process. */
		_cleanup_free_ char *hpath = xasprintf("%s/%s", root, ctl_name(ctl));
		_cleanup_error_ vakt_error *e = NULL;
		int r = cg_add_group(c, hfd, hpath, ctl, &e);
		if (r < 0) {
			if (!want)
				continue; /* not needed for a limit: go on without it, silently */
			r = limit_failed(c, ctl, "%s", e ? e->msg : "?");
			if (r < 0)
				return r;
			continue;
		}
		seen[nseen].dev = st.st_dev;
		seen[nseen].ino = st.st_ino;
		seen[nseen].idx = c->cg->n - 1;
		nseen++;
	}
	if (c->cg->memfd >= 0)
		c->cg->oom_base = cg_read_key(c->cg->memfd, "memory.oom_control", "oom_kill");
	for (size_t i = 0; i < c->cg->n; i++) {
		int r = cg_apply(c, &c->cg->groups[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int vakt_cgroup_create(const char *root, const char *id, const vakt_cgroup_limits *lim,
		       void (*warn)(const char *msg, void *ud), void *ud, vakt_cgroup **ret,
		       vakt_error **err)
{
	/* The id becomes a directory name under every hierarchy: one component only. */
	if (!id || !cg_valid_id(id))
		return vakt_error_set(
			err, VAKT_E_INVALID,
			"invalid container id for a cgroup: want 1 to %d of [A-Za-z0-9_-]",
			CG_ID_MAX);
	static const vakt_cgroup_limits none;
	if (!lim)
		lim = &none;
	bool real = root == NULL;
	if (!root)
		root = CG_DEFAULT_ROOT;
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return vakt_error_set(err, VAKT_E_IO, "cannot open the cgroup root %s: %s", root,
				      strerror(errno));

	vakt_cgroup *cg = xcalloc(1, sizeof(*cg));
	cg->id = xstrdup(id);
	cg->memfd = -1;
	cg->oom_base = -1;
	cg->v2 = cg_exists(rootfd, "cgroup.controllers");
	if (cg->v2 && real) {
		struct statfs sf;
		if (fstatfs(rootfd, &sf) < 0 || (unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC)
			cg->v2 = false;
	}
	cg_ctx c = {.cg = cg, .lim = lim, .warn = warn, .ud = ud, .err = err};
	int r = cg->v2 ? create_v2(&c, rootfd, root) : create_v1(&c, rootfd, root, real);
	if (r < 0) {
		vakt_cgroup_destroy(cg);
		return r;
	}
	*ret = cg;
	return 0;
}

/* ---- attach and OOM ------------------------------------------------------------------- */

int vakt_cgroup_attach(vakt_cgroup *cg, pid_t pid, vakt_error **err)
{
	if (pid <= 0)
		return vakt_error_set(err, VAKT_E_INVALID, "cannot move pid %d into a cgroup",
				      (int)pid);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_write(cg->groups[i].fd, "cgroup.procs", buf);
		if (r < 0)
			return vakt_error_set(err, VAKT_E_IO, "cannot move pid %d into %s: %s",
					      (int)pid, cg->groups[i].path, strerror(-r));
	}
	return 0;
}

bool vakt_cgroup_oom_killed(vakt_cgroup *cg)
{
	if (!cg || cg->memfd < 0)
		return false;
	int64_t n = cg->v2 ? cg_read_key(cg->memfd, "memory.events", "oom_kill")
			   : cg_read_key(cg->memfd, "memory.oom_control", "oom_kill");
	if (n < 0)
		return false;
	return n > (cg->oom_base > 0 ? cg->oom_base : 0);
}

/* ---- destruction ---------------------------------------------------------------------- */

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int pidfd_kill(int pidfd)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
#else
	(void)pidfd;
	errno = ENOSYS;
	return -1;
#endif
}

/* Parse a cgroup.procs listing into a new array of pids. */
static size_t parse_pids(const char *s, pid_t **ret)
{
	size_t n = 0, cap = 0;
	pid_t *v = NULL;
	for (const char *p = s; *p;) {
		char *end;
		long x = strtol(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		if (x > 0 && x <= INT32_MAX) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[n++] = (pid_t)x;
		}
		p = end;
	}
	*ret = v;
	return n;
}

/* SIGKILL every process listed in dirfd's cgroup.procs and in its descendants'.
 * Returns how many were listed. A pid read from the listing may exit and be reused by
 * a process elsewhere before kill(2): so each pid is pinned with a pidfd first, and
 * signalled only if the listing, read again after pinning, still has it (a pinned
 * process cannot give up its pid, so a match is the same process). */
static size_t kill_tree(int dirfd, unsigned depth)
{
	size_t count = 0;
	_cleanup_free_ char *s = NULL;
	if (cg_read(dirfd, "cgroup.procs", &s) == 0) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = parse_pids(s, &pids);
		count += n;
		if (n) {
			int *fds = xcalloc(n, sizeof(*fds));
			for (size_t i = 0; i < n; i++) {
				fds[i] = pidfd_open_(pids[i]);
				if (fds[i] < 0)
					fds[i] = -errno;
			}
			_cleanup_free_ char *again = NULL;
			_cleanup_free_ pid_t *still = NULL;
			size_t m = cg_read(dirfd, "cgroup.procs", &again) == 0
					   ? parse_pids(again, &still)
					   : 0;
			for (size_t i = 0; i < n; i++) {
				bool listed = false;
				for (size_t j = 0; j < m && !listed; j++)
					listed = still[j] == pids[i];
				if (listed) {
					if (fds[i] >= 0)
						pidfd_kill(fds[i]);
					else if (fds[i] == -ENOSYS)
						kill(pids[i],
						     SIGKILL); /* kernel < 5.3: best effort */
				}
				if (fds[i] >= 0)
					close(fds[i]);
			}
			free(fds);
		}
	}
	if (depth >= CG_MAX_DEPTH)
		return count;
	int dup = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup < 0)
		return count;
	_cleanup_closedir_ DIR *d = fdopendir(dup);
	if (!d) {
		close(dup);
		return count;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_close_ int sub =
			openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub >= 0)
			count += kill_tree(sub, depth + 1);
	}
	return count;
}

/* Remove the groups below dirfd, deepest first (a group with children cannot go). */
static void rmdir_children(int dirfd, unsigned depth)
{
	if (depth >= CG_MAX_DEPTH)
		return;
	int dup = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup < 0)
		return;
	_cleanup_closedir_ DIR *d = fdopendir(dup);
	if (!d) {
		close(dup);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_close_ int sub =
			openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		rmdir_children(sub, depth + 1);
		unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kill everything in the groups, wait (bounded) for them to empty. v2 with cgroup.kill
 * (Linux 5.14) kills the subtree atomically, forks included; otherwise each listed
 * process is killed in rounds until none is left, which also catches children forked
 * while a round ran (a pids limit bounds how many). */
static void cg_kill_all(vakt_cgroup *cg)
{
	bool killed_v2 = false;
	if (cg->v2 && cg->n && cg_exists(cg->groups[0].fd, "cgroup.kill"))
		killed_v2 = cg_write(cg->groups[0].fd, "cgroup.kill", "1") == 0;
	for (long waited = 0;; waited += 10) {
		size_t left = 0;
		for (size_t i = 0; i < cg->n; i++) {
			if (killed_v2) {
				_cleanup_free_ char *s = NULL;
				if (cg_read(cg->groups[i].fd, "cgroup.procs", &s) == 0 &&
				    s[strspn(s, " \n")])
					left++;
			} else {
				left += kill_tree(cg->groups[i].fd, 0);
			}
		}
		if (!left || waited >= CG_KILL_WAIT_MS)
			return;
		sleep_ms(10);
	}
}

void vakt_cgroup_destroy(vakt_cgroup *cg)
{
	if (!cg)
		return;
	cg_kill_all(cg);
	for (size_t i = 0; i < cg->n; i++) {
		cg_group *g = &cg->groups[i];
		rmdir_children(g->fd, 0);
		close(g->fd);
		/* vakt/ itself stays: another container may be creating its group in it */
		unlinkat(g->vaktfd, cg->id, AT_REMOVEDIR);
		close(g->vaktfd);
		free(g->path);
	}
	free(cg->id);
	free(cg);
}
