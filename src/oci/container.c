/* container.c - see container.h.
 *
 * Sections: the state directory; hooks; the init (the child between clone and exec);
 * create; the verbs on an existing container; exec.
 *
 * create, step by step (docs/internals/oci.md has the why):
 *   parent                                   init (clone3 into the new namespaces)
 *   policy, config, seccomp program, cgroup
 *   start.sock listening, namespace fds
 *   clone3 ------------------------------->  waits for "G"
 *   uid/gid maps, oom_score_adj
 *   "G" + state JSON ---------------------->  joins namespace paths, mounts, devices, tty
 *   into the cgroups (overlapped)            (a cgroup mount first asks "A" and waits
 *                                             for "G": the groups must be its own)
 *                                  <--------  "H"
 *   prestart, createRuntime hooks
 *   "G" ---------------------------------->  createContainer hooks, cgroup namespace,
 *                                            pivot_root, sysctl, masked/read-only paths,
 *                                            read-only root, hostname, rlimits, cwd, the
 *                                            executable found
 *                                  <--------  "C", then accept(2) on start.sock
 *   state.json, pid file; exit
 *   start: connect ----------------------->  startContainer hooks, user, capabilities,
 *                                            no_new_privs, seccomp, execve
 *   start sees EOF (exec happened) or "E message" (why it did not).
 *
 * The init is a copy of a single-threaded vakt: it may use the stack and snprintf, never
 * returns into vakt's code, and reports every failure as one message before _exit.
 */
#include "oci/container.h"

#include "core/cleanup.h"
#include "core/fdpass.h"
#include "core/xalloc.h"
#include "oci/ocicg.h"
#include "run/run.h"
#include "run/seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

#define OCI_VERSION "1.2.0"
#define MSG_MAX 4096
#define STATE_MAX 65536 /* the state JSON given to hooks: annotations can be large */

static const int ns_clone_flag[VAKT_NS_COUNT] = {CLONE_NEWPID, CLONE_NEWNET,  CLONE_NEWNS,	   CLONE_NEWIPC,
						 CLONE_NEWUTS, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME};
static const char *const ns_proc_name[VAKT_NS_COUNT] = {"pid", "net", "mnt", "ipc", "uts", "user", "cgroup", "time"};

static void rlog(const vakt_oci_rt *rt, vakt_oci_log_level l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rlog(const vakt_oci_rt *rt, vakt_oci_log_level l, const char *fmt, ...)
{
	if (!rt->log)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt->log(l, msg, rt->ud);
}

bool vakt_oci_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-") == n;
}

/* execve's argv and envp from the config's const vectors (execve does not write them). */
static char *const *strv(const char *const *v)
{
	union {
		const char *const *c;
		char *const *m;
	} u = {.c = v};
	return u.m;
}

/* ---- the state directory ------------------------------------------------------------------ */

typedef struct ctr {
	int dirfd; /* <root>/<id>, flock'ed */
	char *dir;
	json_t *st; /* state.json, NULL while creating */
	pid_t pid;
	unsigned long long start;
} ctr;

static void ctr_close(ctr *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->dir);
	json_decref(c->st);
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
}

/* The start time of pid (clock ticks since boot, /proc/PID/stat field 22) and whether it
 * is a zombie; 0 when there is no such process. */
static unsigned long long pid_start(pid_t pid, bool *zombie)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (zombie)
		*zombie = false;
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || !p[1])
		return 0;
	p += 2; /* state */
	if (zombie)
		*zombie = *p == 'Z' || *p == 'X';
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

static int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	_cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	/* no fsync: this is runtime state (under /run, a tmpfs, by default) that does not
	 * survive a reboot anyway; the rename alone keeps readers from a half-written file */
	if (write(fd, data, len) != (ssize_t)len) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return -e;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		return -errno;
	return 0;
}

/* Open and lock <root>/<id>; load state.json when it is there. */
static int ctr_open(const vakt_oci_rt *rt, const char *id, bool shared, ctr *c, vakt_error **err)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	if (!vakt_oci_id_valid(id))
		return vakt_error_set(err, VAKT_E_USAGE, "invalid container ID '%s'", id);
	c->dir = xasprintf("%s/%s", rt->root, id);
	c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dirfd < 0) {
		int e = errno;
		ctr_close(c);
		if (e == ENOENT)
			return vakt_error_set(err, VAKT_E_NOTFOUND, "container \"%s\" does not exist", id);
		return vakt_error_set(err, VAKT_E_IO, "%s/%s: %s", rt->root, id, strerror(e));
	}
	if (flock(c->dirfd, shared ? LOCK_SH : LOCK_EX) < 0) {
		int e = errno;
		ctr_close(c);
		return vakt_error_set(err, VAKT_E_IO, "locking container %s: %s", id, strerror(e));
	}
	/* while we waited for the lock, the container may have been deleted (and another
	 * created under the same ID): the directory we hold must still be the one named */
	struct stat held, named;
	if (fstat(c->dirfd, &held) < 0 || held.st_nlink == 0 || stat(c->dir, &named) < 0 ||
	    held.st_dev != named.st_dev || held.st_ino != named.st_ino) {
		ctr_close(c);
		return vakt_error_set(err, VAKT_E_NOTFOUND, "container \"%s\" does not exist", id);
	}
	_cleanup_close_ int sfd = openat(c->dirfd, "state.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (sfd >= 0) {
		json_error_t je;
		c->st = vakt_oci_json_loadfd(sfd, 1u << 20, 0, &je);
		if (!c->st) {
			ctr_close(c);
			return vakt_error_set(err, VAKT_E_PARSE, "container %s: state.json: %s", id, je.text);
		}
		c->pid = (pid_t)json_integer_value(json_object_get(c->st, "pid"));
		c->start = (unsigned long long)json_integer_value(json_object_get(c->st, "pidStart"));
	}
	return 0;
}

static const char *ctr_str(const ctr *c, const char *k)
{
	const char *s = json_string_value(json_object_get(c->st, k));
	return s ? s : "";
}

static vakt_ocicg *ctr_cgroup(const vakt_oci_rt *rt, const ctr *c)
{
	json_t *saved = json_object_get(c->st, "cgroup");
	if (saved)
		return vakt_ocicg_restore(saved);
	vakt_ocicg *cg = NULL;
	vakt_error *e = NULL;
	if (vakt_ocicg_open(rt->cgroup_root, ctr_str(c, "cgroupsPath"), ctr_str(c, "id"), false, &cg, &e) < 0)
		vakt_error_free(e);
	return cg;
}

static bool ctr_alive(const ctr *c)
{
	bool z;
	return c->st && c->pid > 0 && pid_start(c->pid, &z) == c->start && !z;
}

static const char *ctr_status(const vakt_oci_rt *rt, const ctr *c)
{
	if (!c->st)
		return "creating";
	if (!ctr_alive(c))
		return "stopped";
	if (json_is_true(json_object_get(c->st, "creating")))
		return "creating"; /* its create is still running, or died half-way */
	struct stat st;
	if (fstatat(c->dirfd, "start.sock", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	vakt_ocicg *cg = ctr_cgroup(rt, c);
	bool frozen = cg && vakt_ocicg_frozen(cg);
	vakt_ocicg_free(cg);
	return frozen ? "paused" : "running";
}

/* The runtime-spec state object, status given. */
static json_t *state_json(const ctr *c, const char *status)
{
	json_t *o = json_object();
	json_object_set_new(o, "ociVersion", json_string(OCI_VERSION));
	json_object_set(o, "id", json_object_get(c->st, "id"));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "pid", json_integer(strcmp(status, "stopped") == 0 ? 0 : c->pid));
	json_object_set(o, "bundle", json_object_get(c->st, "bundle"));
	json_object_set(o, "rootfs", json_object_get(c->st, "rootfs"));
	json_object_set(o, "created", json_object_get(c->st, "created"));
	json_object_set(o, "owner", json_object_get(c->st, "owner"));
	json_t *ann = json_object_get(c->st, "annotations");
	json_object_set_new(o, "annotations", ann ? json_incref(ann) : json_object());
	return o;
}

/* Remove the state directory's files (state, config, start.sock, policy.log, device
 * nodes) and the directory. */
static void ctr_remove(const vakt_oci_rt *rt, ctr *c)
{
	int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(c->dirfd, de->d_name, 0);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	if (rmdir(c->dir) < 0 && errno != ENOENT)
		rlog(rt, VAKT_LOG_WARN, "removing %s: %s", c->dir, strerror(errno));
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* ---- hooks --------------------------------------------------------------------------------- */

/* Run one hook with the state on its stdin, killed after its timeout. */
static int run_hook(const vakt_oci_hook *h, const char *kind, const char *state, vakt_error **err)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return vakt_error_set(err, VAKT_E_IO, "hook %s: pipe: %s", h->path, strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]);
		return vakt_error_set(err, VAKT_E_IO, "hook %s: fork: %s", h->path, strerror(errno));
	}
	if (pid == 0) {
		dup2(in[0], 0);
		static const char *const noenv[] = {NULL};
		const char *argv0[] = {h->path, NULL};
		execve(h->path, strv(h->args && h->args[0] ? h->args : argv0), strv(h->env ? h->env : noenv));
		dprintf(2, "vakt: %s hook %s: %s\n", kind, h->path, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	/* a hook that does not read its stdin must not block us: SIGPIPE is ignored by the
	 * write's MSG_NOSIGNAL equivalent (the pipe is written with the signal blocked) */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t w = write(in[1], state, strlen(state));
	(void)w;
	close(in[1]);
	struct timespec ts = {0, 0};
	while (sigtimedwait(&pipe_set, NULL, &ts) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	int pfd = pidfd_open_(pid);
	if (pfd >= 0) {
		struct pollfd p = {pfd, POLLIN, 0};
		int r;
		do
			r = poll(&p, 1, h->timeout > 0 ? h->timeout * 1000 : -1);
		while (r < 0 && errno == EINTR);
		close(pfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return vakt_error_set(err, VAKT_E_IO, "%s hook %s: timed out after %d s", kind, h->path, h->timeout);
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return vakt_error_set(err, VAKT_E_IO, "%s hook %s: exit status %d", kind, h->path, WEXITSTATUS(status));
	return vakt_error_set(err, VAKT_E_IO, "%s hook %s: killed by signal %d", kind, h->path, WTERMSIG(status));
}

static const char *const hook_kind_names[VAKT_HOOK_COUNT] = {"prestart",	 "createRuntime", "createContainer",
							     "startContainer", "poststart",	"poststop"};

static int run_hooks(const vakt_oci_config *c, vakt_oci_hook_kind k, const char *state, vakt_error **err)
{
	for (size_t i = 0; i < c->nhooks[k]; i++)
		if (run_hook(&c->hooks[k][i], hook_kind_names[k], state, err) < 0)
			return (*err)->code;
	return 0;
}

/* ---- the init -------------------------------------------------------------------------------- */

typedef struct init_ctx {
	const vakt_oci_config *c;
	const vakt_oci_create_opts *o;
	int sync;	  /* SOCK_SEQPACKET to the parent; -1 once created */
	int listen_fd;	  /* start.sock */
	int conn;	  /* the start command's connection, -1 before */
	int console;	  /* connected console socket, or -1 */
	int ns_fd[VAKT_NS_COUNT];
	int root_fd;
	int tty_slave;
	const vakt_seccomp_prog *seccomp;
	char state[STATE_MAX];
	bool userns; /* in a user namespace of our own: no mknod */
	char exe[VAKT_OCI_MAX_PATH];
	int state_dirfd; /* the parent's locked state directory: closed at once */
	bool attached;	       /* the parent has moved us into our cgroups */
} init_ctx;

__attribute__((noreturn, format(printf, 3, 4))) static void init_fail(const init_ctx *x, int errnum, const char *fmt, ...)
{
	char msg[MSG_MAX];
	msg[0] = 'E';
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	n++;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (errnum)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	int to = x->sync >= 0 ? x->sync : x->conn;
	if (to >= 0) {
		ssize_t w = write(to, msg, (size_t)n);
		(void)w;
	} else {
		dprintf(2, "vakt: %.*s\n", n - 1, msg + 1);
	}
	_exit(127);
}

static void init_wait_go(init_ctx *x, bool with_state)
{
	char small[8];
	char *buf = with_state ? x->state : small;
	size_t cap = with_state ? sizeof(x->state) : sizeof(small);
	ssize_t n;
	do
		n = recv(x->sync, buf, cap - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 1 || buf[0] != 'G')
		_exit(127); /* the parent gave up: it says why */
	if (with_state) {
		buf[n] = '\0';
		memmove(buf, buf + 1, (size_t)n); /* drop the 'G' */
	}
}

/* A go-ahead carrying one descriptor (an idmapped mount or a device node from the
 * parent). */
static int init_recv_fd(init_ctx *x)
{
	char g = 0;
	int fd = -1;
	if (vakt_recv_fd(x->sync, &g, 1, &fd) != 1 || g != 'G' || fd < 0)
		_exit(127); /* the parent gave up: it says why */
	return fd;
}

static void init_send(init_ctx *x, char m)
{
	if (send(x->sync, &m, 1, MSG_NOSIGNAL) != 1)
		_exit(127);
}

static void fdpath(char *buf, size_t n, int fd)
{
	snprintf(buf, n, "/proc/self/fd/%d", fd);
}

/* The groups of the init from /proc/self/cgroup, bound under dst (a tmpfs): the
 * container sees its own group in each hierarchy at the usual place, nothing above it. */
static void mount_cgroups(init_ctx *x, const vakt_oci_mount *m, int dstfd)
{
	char dp[64];
	fdpath(dp, sizeof(dp), dstfd);
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mount("tmpfs", dp, "tmpfs", fl, "mode=755") < 0)
		init_fail(x, errno, "mounting a tmpfs on %s", m->destination);
	/* dstfd names the directory under the new mount: open the tmpfs itself */
	int tfd = vakt_open_in_root(x->root_fd, m->destination, false, true);
	if (tfd < 0)
		init_fail(x, -tfd, "%s", m->destination);
	fdpath(dp, sizeof(dp), tfd);
	_cleanup_close_ int real = open(dp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(tfd);
	if (real < 0)
		init_fail(x, errno, "%s", m->destination);
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024];
	struct stat st;
	bool v2 = stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		char name[256], src[1400];
		if (!*ctrls) {
			if (!v2 && stat("/sys/fs/cgroup/unified", &st) != 0)
				continue;
			snprintf(name, sizeof(name), "%s", v2 ? "" : "unified");
		} else {
			snprintf(name, sizeof(name), "%s", strncmp(ctrls, "name=", 5) == 0 ? ctrls + 5 : ctrls);
		}
		snprintf(src, sizeof(src), "/sys/fs/cgroup/%s%s", name, path);
		if (stat(src, &st) != 0)
			continue;
		int sub = real;
		if (*name) {
			if (mkdirat(real, name, 0755) < 0 && errno != EEXIST)
				init_fail(x, errno, "%s/%s", m->destination, name);
			sub = openat(real, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (sub < 0)
				init_fail(x, errno, "%s/%s", m->destination, name);
		}
		char sp[64];
		fdpath(sp, sizeof(sp), sub);
		if (mount(src, sp, NULL, MS_BIND | MS_REC, NULL) < 0)
			init_fail(x, errno, "binding %s on %s/%s", src, m->destination, name);
		if (sub != real)
			close(sub);
		if (m->flags & MS_RDONLY) {
			/* looked up again: the new bind, not the directory under it */
			sub = *name ? openat(real, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) : real;
			fdpath(sp, sizeof(sp), sub);
			if (sub < 0 || mount(NULL, sp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | vakt_mount_locked_flags(sp), NULL) < 0)
				init_fail(x, errno, "making %s/%s read-only", m->destination, name);
			if (sub != real)
				close(sub);
		}
		/* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host */
		if (strchr(name, ',')) {
			char copy[256];
			snprintf(copy, sizeof(copy), "%s", name);
			char *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (symlinkat(name, real, t) < 0 && errno != EEXIST)
					init_fail(x, errno, "%s/%s", m->destination, t);
		}
		if (!*name)
			break;
	}
	if (f)
		fclose(f);
	fdpath(dp, sizeof(dp), real);
	if ((m->flags & MS_RDONLY) && mount(NULL, dp, NULL, MS_REMOUNT | MS_RDONLY | fl, "mode=755") < 0)
		init_fail(x, errno, "making %s read-only", m->destination);
}

static void do_mount(init_ctx *x, size_t idx)
{
	const vakt_oci_mount *m = &x->c->mounts[idx];
	bool dir = true;
	int srcfd = -1;
	if (m->bind) {
		/* the source is the engine's host path (symlinks followed, as every runtime
		 * does: /etc/localtime is one); it is opened once and mounted through the fd,
		 * so the object checked by the policy is the object bound */
		srcfd = open(m->source, O_PATH | O_CLOEXEC);
		if (srcfd < 0)
			init_fail(x, errno, "mounts[%zu]: source %s", idx, m->source);
		struct stat st;
		if (fstat(srcfd, &st) < 0)
			init_fail(x, errno, "mounts[%zu]: source %s", idx, m->source);
		dir = S_ISDIR(st.st_mode);
	}
	int dfd = vakt_open_in_root(x->root_fd, m->destination, true, dir);
	if (dfd < 0)
		init_fail(x, -dfd, "mounts[%zu]: destination %s in the container", idx, m->destination);
	char dp[64], sp[64];
	fdpath(dp, sizeof(dp), dfd);
	const char *type = m->type ? m->type : "";
	unsigned long fl = m->flags & ~(unsigned long)MS_REMOUNT;
	if (!m->bind && (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)) {
		/* the groups to show are the ones the parent moves us into, which it does while
		 * we mount: wait until it has */
		if (!x->attached) {
			init_send(x, 'A');
			init_wait_go(x, false);
			x->attached = true;
		}
		mount_cgroups(x, m, dfd);
	} else if (m->bind && m->idmap) {
		/* an idmapped bind: the source's owners shown through the container's user
		 * namespace. Only the initial user namespace may make one of a host mount, so
		 * the parent makes it and sends it over */
		char req[32];
		int n = snprintf(req, sizeof(req), "I%zu", idx);
		if (send(x->sync, req, (size_t)n, MSG_NOSIGNAL) != n)
			_exit(127);
		int tree = init_recv_fd(x);
		if (syscall(SYS_move_mount, tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			init_fail(x, errno, "mounts[%zu]: attaching the idmapped %s", idx, m->source);
		close(tree);
	} else if (m->bind) {
		fdpath(sp, sizeof(sp), srcfd);
		if (mount(sp, dp, NULL, MS_BIND | (m->recursive ? MS_REC : 0), NULL) < 0)
			init_fail(x, errno, "mounts[%zu]: binding %s on %s", idx, m->source, m->destination);
		unsigned long want = fl & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
					   MS_RELATIME | MS_STRICTATIME);
		if (want) {
			/* a fresh descriptor: the old one names the directory under the bind */
			int nd = vakt_open_in_root(x->root_fd, m->destination, false, dir);
			if (nd < 0)
				init_fail(x, -nd, "mounts[%zu]: %s", idx, m->destination);
			fdpath(dp, sizeof(dp), nd);
			unsigned long keep = vakt_mount_locked_flags(dp);
			if (mount(NULL, dp, NULL, MS_REMOUNT | MS_BIND | want | keep, NULL) < 0)
				init_fail(x, errno, "mounts[%zu]: remounting %s with its options", idx, m->destination);
			close(dfd);
			dfd = nd;
		}
	} else {
		int r = mount(m->source ? m->source : type, dp, type, fl, m->data);
		if (r < 0 && errno == EPERM && strcmp(type, "sysfs") == 0) {
			/* sysfs cannot be mounted without a network namespace of our own (or
			 * from a user namespace that does not own it): bind the host's, read-only,
			 * as runc does */
			r = mount("/sys", dp, NULL, MS_BIND | MS_REC, NULL);
			if (r == 0) {
				int nd = vakt_open_in_root(x->root_fd, m->destination, false, true);
				fdpath(dp, sizeof(dp), nd);
				r = mount(NULL, dp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | vakt_mount_locked_flags(dp), NULL);
				close(dfd);
				dfd = nd;
			}
		}
		if (r < 0)
			init_fail(x, errno, "mounts[%zu]: mounting %s on %s", idx, type, m->destination);
	}
	if (m->propagation) {
		int nd = vakt_open_in_root(x->root_fd, m->destination, false, dir);
		fdpath(dp, sizeof(dp), nd);
		if (mount(NULL, dp, NULL, m->propagation, NULL) < 0)
			init_fail(x, errno, "mounts[%zu]: propagation of %s", idx, m->destination);
		close(nd);
	}
	if (srcfd >= 0)
		close(srcfd);
	close(dfd);
}

/* One device node: mknod where we may; in a user namespace, linux.devices[made_idx] from
 * the parent, or (made_idx -1, a default device) a bind of the host's. */
static void make_device(init_ctx *x, const char *path, char type, int64_t major, int64_t minor, uint32_t mode,
			uint32_t uid, uint32_t gid, int made_idx)
{
	const char *base = strrchr(path, '/') + 1;
	char parent[VAKT_OCI_MAX_PATH];
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	int pfd = vakt_open_in_root(x->root_fd, parent, true, true);
	if (pfd < 0)
		init_fail(x, -pfd, "device %s", path);
	unlinkat(pfd, base, 0); /* an image's own node or file there gives way */
	mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
	if (!x->userns && mknodat(pfd, base, fmt | (mode & 07777), makedev((unsigned)major, (unsigned)minor)) == 0) {
		if (fchownat(pfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			init_fail(x, errno, "device %s: chown", path);
		close(pfd);
		return;
	}
	/* over an empty file: the node the parent made for us (a detached mount of its own
	 * tmpfs: a state directory under a nodev /run would make it unusable), or the
	 * host's of the same path, bound */
	int f = openat(pfd, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (f < 0)
		init_fail(x, errno, "device %s", path);
	close(f);
	int dfd = vakt_open_in_root(x->root_fd, path, false, false);
	if (dfd < 0)
		init_fail(x, -dfd, "device %s", path);
	if (made_idx >= 0) {
		char req[32];
		int n = snprintf(req, sizeof(req), "D%d", made_idx);
		if (send(x->sync, req, (size_t)n, MSG_NOSIGNAL) != n)
			_exit(127);
		int tree = init_recv_fd(x);
		if (syscall(SYS_move_mount, tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			init_fail(x, errno, "device %s: attaching its node", path);
		close(tree);
	} else {
		char dp[64];
		fdpath(dp, sizeof(dp), dfd);
		if (mount(path, dp, NULL, MS_BIND, NULL) < 0)
			init_fail(x, errno, "device %s: binding the host's", path);
	}
	close(dfd);
	close(pfd);
}

static void make_devices(init_ctx *x)
{
	/* a /dev bound from the host brings its own devices */
	for (size_t i = 0; i < x->c->nmounts; i++)
		if (strcmp(x->c->mounts[i].destination, "/dev") == 0 && x->c->mounts[i].bind)
			return;
	static const struct {
		const char *path;
		int major, minor;
	} defs[] = {{"/dev/null", 1, 3}, {"/dev/zero", 1, 5},	 {"/dev/full", 1, 7},
		    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		bool given = false;
		for (size_t k = 0; k < x->c->ndevices; k++)
			given |= strcmp(x->c->devices[k].path, defs[i].path) == 0;
		if (!given)
			make_device(x, defs[i].path, 'c', defs[i].major, defs[i].minor, 0666, 0, 0, -1);
	}
	for (size_t k = 0; k < x->c->ndevices; k++) {
		const vakt_oci_device *d = &x->c->devices[k];
		make_device(x, d->path, d->type == 'u' ? 'c' : d->type, d->major, d->minor, d->mode, d->uid, d->gid,
			    x->userns ? (int)k : -1);
	}
	int dfd = vakt_open_in_root(x->root_fd, "/dev", true, true);
	if (dfd < 0)
		init_fail(x, -dfd, "/dev");
	static const char *const links[][2] = {{"/proc/self/fd", "fd"},	      {"/proc/self/fd/0", "stdin"},
					       {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
					       {"pts/ptmx", "ptmx"}};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (strcmp(links[i][1], "ptmx") == 0)
			unlinkat(dfd, "ptmx", 0);
		if (symlinkat(links[i][0], dfd, links[i][1]) < 0 && errno != EEXIST)
			init_fail(x, errno, "/dev/%s", links[i][1]);
	}
	struct stat st;
	if (stat("/proc/kcore", &st) == 0 && symlinkat("/proc/kcore", dfd, "core") < 0 && errno != EEXIST)
		init_fail(x, errno, "/dev/core");
	close(dfd);
}

/* A pseudo-terminal from the multiplexer at ptmx (the container's devpts), sized as p
 * asks, its slave given to p's user; the master goes to the engine's console socket as
 * runc sends it (the name as data, the descriptor attached). Returns the slave. */
static int open_pty(init_ctx *x, const char *ptmx, const vakt_oci_process *p, int console)
{
	int master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		init_fail(x, errno, "process.terminal: opening the pty master");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		init_fail(x, errno, "process.terminal: unlocking the pty");
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		init_fail(x, errno, "process.terminal: opening the pty");
	if (p->console_rows || p->console_cols) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_rows, .ws_col = (unsigned short)p->console_cols};
		ioctl(master, TIOCSWINSZ, &ws);
	}
	if (fchown(slave, p->uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM)
		init_fail(x, errno, "process.terminal: chown");
	ssize_t r = vakt_send_fd(console, "/dev/ptmx", 9, master);
	if (r < 0)
		init_fail(x, (int)-r, "sending the pty to --console-socket");
	close(master);
	close(console);
	return slave;
}

/* The pty as the process's controlling terminal and stdio, in a session of its own. */
static void use_pty(init_ctx *x, int slave)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		init_fail(x, errno, "process.terminal: the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			init_fail(x, errno, "process.terminal: stdio");
	if (slave > 2)
		close(slave);
}

/* process.terminal: a pseudo-terminal of the container's own devpts, its slave bound on
 * /dev/console and kept as the process's stdio; the master goes to the engine. */
static void setup_terminal(init_ctx *x)
{
	int pfd = vakt_open_in_root(x->root_fd, "/dev/pts/ptmx", false, false);
	if (pfd < 0)
		init_fail(x, -pfd, "process.terminal: the container has no /dev/pts/ptmx (a devpts mount on /dev/pts)");
	char p[64];
	fdpath(p, sizeof(p), pfd);
	int slave = open_pty(x, p, &x->c->process, x->console);
	x->console = -1;
	close(pfd);
	int cfd = vakt_open_in_root(x->root_fd, "/dev/console", true, false);
	if (cfd < 0)
		init_fail(x, -cfd, "/dev/console");
	char cp[64], slp[64];
	fdpath(cp, sizeof(cp), cfd);
	fdpath(slp, sizeof(slp), slave);
	if (mount(slp, cp, NULL, MS_BIND, NULL) < 0)
		init_fail(x, errno, "binding the pty on /dev/console");
	close(cfd);
	x->tty_slave = slave;
}

static void path_action(init_ctx *x, const char *path, bool mask)
{
	int fd = vakt_open_in_root(x->root_fd, path, false, false);
	if (fd < 0)
		return; /* absent here: nothing to hide */
	char p[64];
	fdpath(p, sizeof(p), fd);
	struct stat st;
	if (mask) {
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
				init_fail(x, errno, "linux.maskedPaths: %s", path);
		} else if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0) {
			init_fail(x, errno, "linux.maskedPaths: %s", path);
		}
	} else {
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			init_fail(x, errno, "linux.readonlyPaths: %s", path);
		int nd = vakt_open_in_root(x->root_fd, path, false, false);
		char np[64];
		fdpath(np, sizeof(np), nd);
		if (nd < 0 || mount(NULL, np, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | vakt_mount_locked_flags(np), NULL) < 0)
			init_fail(x, errno, "linux.readonlyPaths: %s", path);
		close(nd);
	}
	close(fd);
}

static void write_sysctls(init_ctx *x)
{
	for (size_t i = 0; i < x->c->nsysctl; i++) {
		char path[512];
		int n = snprintf(path, sizeof(path), "/proc/sys/%s", x->c->sysctl_keys[i]);
		for (int k = 10; k < n; k++)
			if (path[k] == '.')
				path[k] = '/';
		int fd = vakt_open_in_root(x->root_fd, path, false, false);
		if (fd < 0)
			init_fail(x, -fd, "linux.sysctl: %s", x->c->sysctl_keys[i]);
		char p[64];
		fdpath(p, sizeof(p), fd);
		int w = open(p, O_WRONLY | O_CLOEXEC);
		const char *v = x->c->sysctl_values[i];
		if (w < 0 || write(w, v, strlen(v)) < 0)
			init_fail(x, errno, "linux.sysctl: %s = %s", x->c->sysctl_keys[i], v);
		close(w);
		close(fd);
	}
}

static void loopback_up(init_ctx *x)
{
	int r = vakt_loopback_up();
	if (r < 0)
		init_fail(x, -r, "bringing lo up");
}

/* p's executable, as exec.LookPath finds it inside the container (after pivot). */
static void find_exe(init_ctx *x, const vakt_oci_process *p)
{
	const char *cmd = p->args[0];
	if (strchr(cmd, '/')) {
		snprintf(x->exe, sizeof(x->exe), "%s", cmd);
		struct stat st;
		if (stat(x->exe, &st) < 0)
			init_fail(x, 0, "exec: \"%s\": stat %s: %s", cmd, cmd, strerror(errno));
		if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
			init_fail(x, 0, "exec: \"%s\": permission denied", cmd);
		return;
	}
	const char *path = NULL;
	for (const char **e = p->env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *d = path; *d;) {
		size_t l = strcspn(d, ":");
		snprintf(x->exe, sizeof(x->exe), "%.*s/%s", (int)l, l ? d : ".", cmd);
		struct stat st;
		if (stat(x->exe, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return;
		d += l;
		if (*d == ':')
			d++;
	}
	init_fail(x, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
}

/* The process's user and capabilities: bounding first (it needs CAP_SETPCAP), then the
 * IDs with the permitted set kept across setuid, then the sets themselves and ambient. */
static void set_user_caps(init_ctx *x, const vakt_oci_process *p, bool in_userns_setgroups_denied)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (p->caps[VAKT_CAP_BOUNDING] & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			init_fail(x, errno, "dropping capability %d from the bounding set", cap);
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		init_fail(x, errno, "PR_SET_KEEPCAPS");
	if (!in_userns_setgroups_denied) {
		gid_t gids[65536];
		size_t n = p->ngids < 65536 ? p->ngids : 65536;
		for (size_t i = 0; i < n; i++)
			gids[i] = p->additional_gids[i];
		if (setgroups(n, gids) < 0)
			init_fail(x, errno, "process.user.additionalGids");
	}
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		init_fail(x, errno, "process.user.gid %u", p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		init_fail(x, errno, "process.user.uid %u", p->uid);
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(p->caps[VAKT_CAP_EFFECTIVE] >> (32 * i));
		data[i].permitted = (uint32_t)(p->caps[VAKT_CAP_PERMITTED] >> (32 * i));
		data[i].inheritable = (uint32_t)(p->caps[VAKT_CAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		init_fail(x, errno, "process.capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		init_fail(x, errno, "clearing the ambient capabilities");
	for (int cap = 0; cap <= 63; cap++)
		if ((p->caps[VAKT_CAP_AMBIENT] & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			init_fail(x, errno, "process.capabilities.ambient: raising %d (it must be permitted and inheritable)", cap);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

static void set_rlimits(init_ctx *x, const vakt_oci_process *p)
{
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			init_fail(x, errno, "process.rlimits[%zu]", i);
	}
}

/* The last steps of any process entering a container (the init after start, exec's):
 * user, capabilities, no_new_privs, seccomp, descriptors, exec. */
/* True when a user namespace's setgroups(2) is denied (/proc/self/setgroups "deny"):
 * additionalGids cannot be set there, and are skipped. */
static bool setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strncmp(buf, "deny", 4) == 0;
}

__attribute__((noreturn)) static void enter_exec(init_ctx *x, const vakt_oci_process *p, unsigned preserve_fds)
{
	if (p->umask >= 0)
		umask((mode_t)p->umask);
	/* nothing of vakt's may reach the process (the CVE-2024-21626 class): every
	 * descriptor above the preserved ones closes on exec, the start connection
	 * included, whose closing tells `start` that exec happened. Before any filter, which
	 * may not allow close_range */
	if (syscall(SYS_close_range, 3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		init_fail(x, errno, "close_range");
	/* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we
	 * still have it, as runc does; with it, load last so that vakt's own calls
	 * below need not be in the container's allow list */
	if (x->seccomp && !p->no_new_privileges) {
		int r = vakt_seccomp_load(x->seccomp);
		if (r < 0)
			init_fail(x, -r, "loading the seccomp filter");
	}
	set_user_caps(x, p, setgroups_denied());
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		init_fail(x, errno, "no_new_privs");
	if (x->seccomp && p->no_new_privileges) {
		int r = vakt_seccomp_load(x->seccomp);
		if (r < 0)
			init_fail(x, -r, "loading the seccomp filter");
	}
	static const char *const noenv[] = {NULL};
	execve(x->exe, strv(p->args), strv(p->env ? p->env : noenv));
	init_fail(x, errno, "exec: \"%s\"", p->args[0]);
}

static void pivot(init_ctx *x)
{
	if (fchdir(x->root_fd) < 0)
		init_fail(x, errno, "chdir into the rootfs");
	if (x->o->no_pivot) {
		/* --no-pivot (a ramdisk root cannot be pivoted): move the rootfs over / and
		 * chroot; the old root stays under it, so this is weaker, as with runc */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			init_fail(x, errno, "--no-pivot: moving the rootfs to /");
		if (chroot(".") < 0)
			init_fail(x, errno, "--no-pivot: chroot");
	} else {
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			init_fail(x, errno, "pivot_root");
		/* the old root is stacked on the new one: detach it, after making it a slave
		 * so the unmount cannot propagate to the host */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			init_fail(x, errno, "making the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			init_fail(x, errno, "detaching the old root");
	}
	if (chdir("/") < 0)
		init_fail(x, errno, "chdir /");
	close(x->root_fd);
	x->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->root_fd < 0)
		init_fail(x, errno, "/");
}

__attribute__((noreturn)) static void init_main(init_ctx *x)
{
	const vakt_oci_config *c = x->c;
	/* flock belongs to the open file: our copy of the state directory's descriptor
	 * would hold the create lock for as long as the container lives */
	close(x->state_dirfd);
	/* not dumpable until exec: a process exec'd into the created container cannot ptrace
	 * the init or open its /proc entries (/proc/1/exe is vakt: the CVE-2019-5736 class);
	 * execve makes the container's own program dumpable again */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		init_fail(x, errno, "PR_SET_DUMPABLE");
	init_wait_go(x, true);
	/* joining: the user namespace first (the others are owned by it), then the rest */
	if (x->ns_fd[VAKT_NS_USER] >= 0 && setns(x->ns_fd[VAKT_NS_USER], CLONE_NEWUSER) < 0)
		init_fail(x, errno, "joining the user namespace %s", c->ns[VAKT_NS_USER].path);
	if (c->ns[VAKT_NS_USER].present && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		init_fail(x, errno, "becoming root in the user namespace");
	for (int t = 0; t < VAKT_NS_COUNT; t++) {
		if (t == VAKT_NS_USER || t == VAKT_NS_PID || x->ns_fd[t] < 0)
			continue;
		if (setns(x->ns_fd[t], ns_clone_flag[t]) < 0)
			init_fail(x, errno, "joining the %s namespace %s", vakt_oci_ns_name(t), c->ns[t].path);
		close(x->ns_fd[t]);
	}
	bool new_mnt = c->ns[VAKT_NS_MNT].present && !c->ns[VAKT_NS_MNT].path;
	if (new_mnt) {
		/* nothing mounted below may reach the host: "/" becomes a slave (or what
		 * rootfsPropagation asks, a shared root still only a slave until the pivot) */
		unsigned long prop = (c->rootfs_propagation & ~(unsigned long)MS_REC) ?: MS_SLAVE;
		if (prop & MS_SHARED)
			prop = MS_SLAVE;
		if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
			init_fail(x, errno, "setting the propagation of /");
		/* the rootfs as a mount of its own, to pivot into and make read-only */
		if (mount(c->root_path, c->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
			init_fail(x, errno, "binding the rootfs %s", c->root_path);
	}
	x->root_fd = open(c->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->root_fd < 0)
		init_fail(x, errno, "root.path %s", c->root_path);
	if (c->ns[VAKT_NS_NET].present && !c->ns[VAKT_NS_NET].path)
		loopback_up(x);
	if (new_mnt) {
		for (size_t i = 0; i < c->nmounts; i++)
			do_mount(x, i);
		make_devices(x);
	}
	if (c->process.terminal)
		setup_terminal(x);
	/* prestart and createRuntime hooks run now, in the runtime's namespaces */
	init_send(x, 'H');
	init_wait_go(x, false);
	for (size_t i = 0; i < c->nhooks[VAKT_HOOK_CREATE_CONTAINER]; i++) {
		vakt_error *e = NULL;
		if (run_hook(&c->hooks[VAKT_HOOK_CREATE_CONTAINER][i], "createContainer", x->state, &e) < 0)
			init_fail(x, 0, "%s", e->msg);
	}
	if (c->ns[VAKT_NS_CGROUP].present && !c->ns[VAKT_NS_CGROUP].path && unshare(CLONE_NEWCGROUP) < 0)
		init_fail(x, errno, "unshare(CLONE_NEWCGROUP)");
	if (new_mnt) {
		pivot(x);
		if (c->rootfs_propagation && mount(NULL, "/", NULL, c->rootfs_propagation, NULL) < 0)
			init_fail(x, errno, "linux.rootfsPropagation");
	} else if (fchdir(x->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		init_fail(x, errno, "entering the root %s", c->root_path);
	}
	write_sysctls(x);
	for (size_t i = 0; i < c->nreadonly; i++)
		path_action(x, c->readonly_paths[i], false);
	for (size_t i = 0; i < c->nmasked; i++)
		path_action(x, c->masked_paths[i], true);
	if (c->root_readonly && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | vakt_mount_locked_flags("/"), NULL) < 0)
		init_fail(x, errno, "root.readonly");
	if (c->ns[VAKT_NS_UTS].present) {
		if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
			init_fail(x, errno, "hostname");
		if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
			init_fail(x, errno, "domainname");
	}
	if (c->has_personality && personality(c->personality) < 0)
		init_fail(x, errno, "linux.personality");
	if (!x->o->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    errno != EPERM && errno != EACCES)
		init_fail(x, errno, "a session keyring of its own");
	set_rlimits(x, &c->process);
	if (chdir(c->process.cwd) < 0)
		init_fail(x, errno, "process.cwd %s", c->process.cwd);
	find_exe(x, &c->process);
	if (x->tty_slave >= 0)
		use_pty(x, x->tty_slave);
	/* created: from here the init waits for `start` */
	init_send(x, 'C');
	close(x->sync);
	x->sync = -1;
	do
		x->conn = accept4(x->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (x->conn < 0 && errno == EINTR);
	if (x->conn < 0)
		init_fail(x, errno, "waiting for start");
	close(x->listen_fd);
	/* startContainer hooks: in the container, before the process */
	for (size_t i = 0; i < c->nhooks[VAKT_HOOK_START_CONTAINER]; i++) {
		vakt_error *e = NULL;
		if (run_hook(&c->hooks[VAKT_HOOK_START_CONTAINER][i], "startContainer", x->state, &e) < 0)
			init_fail(x, 0, "%s", e->msg);
	}
	enter_exec(x, &c->process, x->o->preserve_fds);
}

/* ---- create ---------------------------------------------------------------------------------- */

/* The cgroup module's warnings, to the runtime's log (ud: a const vakt_oci_rt *const *). */
static void cg_warn(const char *msg, void *ud)
{
	const vakt_oci_rt *const *rt = ud;
	rlog(*rt, VAKT_LOG_WARN, "%s", msg);
}

/* The hooks' state: the runtime-spec object with the given status. */
static char *hook_state(const vakt_oci_config *c, const char *id, const char *bundle, const char *status, pid_t pid)
{
	json_t *o = json_object();
	json_object_set_new(o, "ociVersion", json_string(OCI_VERSION));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "pid", json_integer(pid));
	json_object_set_new(o, "bundle", json_string(bundle));
	json_t *ann = json_object_get(c->json, "annotations");
	json_object_set_new(o, "annotations", json_is_object(ann) ? json_deep_copy(ann) : json_object());
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* ---- seccomp programs, compiled once ---------------------------------------------------------- *
 *
 * Compiling an engine's profile with libseccomp costs more than everything else in a
 * create (Podman's, three architectures and ~400 names: about 28 ms here). Engines use
 * one profile for every container, so the BPF is kept under <root>/seccomp~cache (not a
 * valid container ID), keyed by the SHA-256 of everything it depends on: vakt's version,
 * the kernel's release, the capabilities kept and the profile itself (compact JSON, keys
 * sorted). The directory is root's, 0700; an entry is used only when it is a regular file
 * owned by us, a whole number of instructions, within the kernel's limit. */

#define SC_CACHE_DIR "seccomp~cache"
#define SC_MAX_INSNS 4096 /* BPF_MAXINSNS: the kernel loads nothing longer */

static void sc_key(const json_t *profile, uint64_t caps, char out[65])
{
	struct utsname u;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	char *js = json_dumps(profile, JSON_COMPACT | JSON_SORT_KEYS);
	char head[512];
	int hl = snprintf(head, sizeof(head), "vakt %s\nkernel %s\ncaps %016" PRIx64 "\n", VAKT_VERSION, u.release, caps);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, head, (size_t)hl);
	EVP_DigestUpdate(ctx, js ? js : "", js ? strlen(js) : 0);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	free(js);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static bool sc_cache_get(int rootfd, const char *key, vakt_seccomp_prog *prog)
{
	char path[128];
	snprintf(path, sizeof(path), SC_CACHE_DIR "/%s.bpf", key);
	_cleanup_close_ int fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_size <= 0 ||
	    st.st_size % 8 != 0 || st.st_size > SC_MAX_INSNS * 8)
		return false;
	void *buf = xmalloc((size_t)st.st_size);
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		return false;
	}
	*prog = (vakt_seccomp_prog){.filter = buf, .len = (size_t)st.st_size / 8, .builtin = false};
	return true;
}

static void sc_cache_put(int rootfd, const char *key, const vakt_seccomp_prog *prog)
{
	if (prog->builtin || prog->len == 0 || prog->len > SC_MAX_INSNS)
		return;
	if (mkdirat(rootfd, SC_CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return;
	_cleanup_close_ int dfd = openat(rootfd, SC_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (dfd < 0 || fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077))
		return; /* not ours alone: do not write where others could */
	char name[80];
	snprintf(name, sizeof(name), "%s.bpf", key);
	write_file_atomic(dfd, name, prog->filter, prog->len * 8, 0600);
}

/* The seccomp program for a container: the config's own profile (cached, see above), the
 * built-in default where the policy asked for it, or none. rootfd: --root, for the cache
 * (-1: no cache). */
static int build_seccomp(int rootfd, const json_t *profile, bool want_default, uint64_t caps, vakt_seccomp_prog *prog,
			 bool *have, vakt_error **err)
{
	*have = false;
	if (profile) {
		char key[65];
		sc_key(profile, caps, key);
		if (rootfd >= 0 && sc_cache_get(rootfd, key, prog)) {
			*have = true;
			return 0;
		}
		/* handed to the profile reader in memory: nothing of it is written to disk */
		_cleanup_close_ int fd = memfd_create("vakt-oci-seccomp", MFD_CLOEXEC);
		if (fd < 0 || json_dumpfd(profile, fd, 0) < 0)
			return vakt_error_set(err, VAKT_E_IO, "linux.seccomp: %s", strerror(errno));
		char path[64];
		fdpath(path, sizeof(path), fd);
		if (vakt_seccomp_build(caps, 0, path, prog, err) < 0)
			return vakt_error_wrap(err, "linux.seccomp");
		*have = true;
		if (rootfd >= 0)
			sc_cache_put(rootfd, key, prog);
	} else if (want_default) {
		if (vakt_seccomp_build(caps, 0, NULL, prog, err) < 0)
			return (*err)->code;
		*have = true;
	}
	return 0;
}

/* A namespace file to join: it must be a namespace, of the type the config says. */
static int open_ns(const vakt_oci_config *c, int t, vakt_error **err)
{
	int fd = open(c->ns[t].path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "linux.namespaces: %s: %s", c->ns[t].path, strerror(errno));
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || type != ns_clone_flag[t]) {
		close(fd);
		return vakt_error_set(err, VAKT_E_INVALID, "linux.namespaces: %s is not a %s namespace", c->ns[t].path,
				      vakt_oci_ns_name(t));
	}
	return fd;
}

static int write_maps(pid_t pid, const char *what, const vakt_oci_idmap *m, size_t n, vakt_error **err)
{
	char buf[340 * 40];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return vakt_error_set(err, VAKT_E_INVALID, "linux.%s: writing %s: %s",
				      strcmp(what, "uid_map") == 0 ? "uidMappings" : "gidMappings", path, strerror(errno));
	return 0;
}

/* With a user namespace of its own, the container's root is an unprivileged host UID
 * that cannot create mount points in a rootfs owned by host root: create them here, as
 * the caller, each resolved inside the rootfs (vakt_open_in_root), so a symlink in the
 * image cannot make vakt create anything outside it. Destinations beneath /dev, /proc
 * and /sys are made by the init inside the filesystems mounted there. */
static int prepare_mountpoints(const vakt_oci_config *c, vakt_error **err)
{
	_cleanup_close_ int root = open(c->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "root.path %s: %s", c->root_path, strerror(errno));
	for (size_t i = 0; i < c->nmounts; i++) {
		const vakt_oci_mount *m = &c->mounts[i];
		const char *d = m->destination;
		if (strncmp(d, "/dev/", 5) == 0 || strncmp(d, "/proc/", 6) == 0 || strncmp(d, "/sys/", 5) == 0)
			continue;
		bool dir = true;
		struct stat st;
		if (m->bind && stat(m->source, &st) == 0)
			dir = S_ISDIR(st.st_mode);
		int fd = vakt_open_in_root(root, d, true, dir);
		if (fd < 0)
			return vakt_error_set(err, VAKT_E_INVALID, "mounts[%zu]: destination %s in the rootfs: %s", i, d,
					      strerror(-fd));
		close(fd);
	}
	return 0;
}

/* A go-ahead carrying fd, to the init. */
static int send_fd(int sock, int fd, vakt_error **err)
{
	ssize_t r = vakt_send_fd(sock, "G", 1, fd);
	if (r != 1)
		return vakt_error_set(err, VAKT_E_IO, "the container's init: %s", strerror(r < 0 ? (int)-r : EIO));
	return 0;
}

/* mounts[idx] (an "idmap" bind) as a detached mount idmapped through the init's user
 * namespace, sent to it with the go-ahead. Made here: only the initial user namespace may
 * idmap a mount of the host's. */
static int send_idmapped(const vakt_oci_config *c, size_t idx, pid_t pid, int sock, vakt_error **err)
{
	if (idx >= c->nmounts || !c->mounts[idx].idmap)
		return vakt_error_set(err, VAKT_E_INVALID, "the container's init asked for mounts[%zu]", idx);
	const vakt_oci_mount *m = &c->mounts[idx];
	if (!c->ns[VAKT_NS_USER].present)
		return vakt_error_set(err, VAKT_E_INVALID, "mounts[%zu]: an idmapped mount needs a user namespace", idx);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	_cleanup_close_ int uns = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, AT_FDCWD, m->source,
						OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive ? AT_RECURSIVE : 0));
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)uns};
	if (uns < 0 || tree < 0 ||
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return vakt_error_set(err, VAKT_E_INVALID,
				      "mounts[%zu]: idmapped mount of %s: %s (the kernel and the filesystem must support "
				      "idmapping)",
				      idx, m->source, strerror(errno));
	return send_fd(sock, tree, err);
}

static uint32_t map_id(const vakt_oci_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return 65534;
}

/* linux.devices[idx] for a container in a user namespace of its own, which may not
 * mknod: made here in a tmpfs of vakt's (created on first use, detached, never visible
 * anywhere, without nodev), owned by the mapped IDs, and sent to the init as a detached
 * mount of that one node. */
static int send_device(const vakt_oci_config *c, size_t idx, int *devfs, int sock, vakt_error **err)
{
	if (idx >= c->ndevices)
		return vakt_error_set(err, VAKT_E_INVALID, "the container's init asked for linux.devices[%zu]", idx);
	const vakt_oci_device *d = &c->devices[idx];
	if (*devfs < 0) {
		int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
		    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
		    (*devfs = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) {
			int e = errno;
			if (fs >= 0)
				close(fs);
			return vakt_error_set(err, VAKT_E_IO, "linux.devices: a tmpfs for the nodes: %s", strerror(e));
		}
		close(fs);
	}
	char name[32];
	snprintf(name, sizeof(name), "dev.%zu", idx);
	mode_t fmt = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	if (mknodat(*devfs, name, fmt | (d->mode & 07777), makedev((unsigned)d->major, (unsigned)d->minor)) < 0 ||
	    fchownat(*devfs, name, map_id(c->uid_mappings, c->nuid_mappings, d->uid),
		     map_id(c->gid_mappings, c->ngid_mappings, d->gid), AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(*devfs, name, d->mode & 07777, 0) < 0)
		return vakt_error_set(err, VAKT_E_INVALID, "linux.devices[%zu]: %s: %s", idx, d->path, strerror(errno));
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, *devfs, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return vakt_error_set(err, VAKT_E_IO, "linux.devices[%zu]: %s", idx, strerror(errno));
	return send_fd(sock, tree, err);
}

/* Read one message from the init: 'A' (waiting for its cgroups), 'I<n>' (mounts[n] is
 * idmapped: the parent makes it), 'D<n>' (linux.devices[n], made by the parent), 'H' (ready for the hooks), 'C' (created), or an error
 * (set in err). */
static int recv_init(int sync, pid_t pid, char *ret, size_t *ret_idx, vakt_error **err)
{
	char buf[MSG_MAX + 1];
	ssize_t n;
	do
		n = recv(sync, buf, MSG_MAX, 0);
	while (n < 0 && errno == EINTR);
	if (n >= 1 && (buf[0] == 'H' || buf[0] == 'C' || buf[0] == 'A')) {
		*ret = buf[0];
		return 0;
	}
	if (n >= 2 && (buf[0] == 'I' || buf[0] == 'D')) {
		buf[n] = '\0';
		*ret = buf[0];
		*ret_idx = strtoul(buf + 1, NULL, 10);
		return 0;
	}
	if (n >= 1 && buf[0] == 'E') {
		buf[n] = '\0';
		return vakt_error_set(err, VAKT_E_INVALID, "%s", buf + 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return vakt_error_set(err, VAKT_E_IO, "the container's init ended before it was created (status %d)", status);
}

static void rfc3339_now(char *buf, size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	size_t l = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + l, n - l, ".%09ldZ", ts.tv_nsec);
}

/* Apply the policy, log what it did (to the operator's log, and to policy.log in the
 * state directory when there is no --log), refuse on a denial. */
static int apply_policy(const vakt_oci_rt *rt, const vakt_oci_create_opts *o, int dirfd, json_t *cfg, bool *seccomp_default,
			const char *cfgpath, vakt_error **err)
{
	vakt_oci_result *res = NULL;
	if (vakt_oci_policy_apply(o->policy, cfg, &res, err) < 0)
		return vakt_error_wrap(err, "%s", cfgpath);
	_cleanup_free_ char *text = NULL;
	size_t tlen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	for (size_t i = 0; i < res->n; i++) {
		const vakt_oci_action *a = &res->actions[i];
		rlog(rt, a->kind == VAKT_OCI_ACT_DENIED ? VAKT_LOG_ERROR : VAKT_LOG_INFO, "policy %s: %s: %s: %s: %s",
		     o->policy->source, vakt_oci_action_kind_name(a->kind), a->rule, a->field, a->message);
		if (mem)
			fprintf(mem, "%s: %s: %s: %s\n", vakt_oci_action_kind_name(a->kind), a->rule, a->field, a->message);
	}
	if (mem)
		fclose(mem);
	if (!rt->log_to_file && text && tlen)
		write_file_atomic(dirfd, "policy.log", text, tlen, 0600);
	*seccomp_default = res->seccomp_default;
	bool denied = res->denied;
	if (denied) {
		_cleanup_free_ char *why = NULL;
		size_t wl = 0;
		FILE *w = open_memstream(&why, &wl);
		for (size_t i = 0; w && i < res->n; i++)
			if (res->actions[i].kind == VAKT_OCI_ACT_DENIED)
				fprintf(w, "%s%s: %s: %s", i ? "; " : "", res->actions[i].rule, res->actions[i].field,
					res->actions[i].message);
		if (w)
			fclose(w);
		vakt_oci_result_free(res);
		if (o->ret_refused)
			*o->ret_refused = true;
		return vakt_error_set(err, VAKT_E_USAGE, "container %s refused by the policy (%s): %s", o->id, o->policy->source,
				      why ? why : "");
	}
	vakt_oci_result_free(res);
	return 0;
}

/* state.json: vakt's record of the container (see container.h); creating marks the
 * provisional one written right after clone. */
static int write_state(ctr *ct, const char *id, pid_t pid, const char *bundle, const vakt_oci_config *c,
		       const vakt_ocicg *cg, bool seccomp_default, bool creating, vakt_error **err)
{
	char created[64];
	rfc3339_now(created, sizeof(created));
	json_t *st = json_object();
	json_object_set_new(st, "id", json_string(id));
	json_object_set_new(st, "pid", json_integer(pid));
	json_object_set_new(st, "pidStart", json_integer((json_int_t)pid_start(pid, NULL)));
	json_object_set_new(st, "bundle", json_string(bundle));
	json_object_set_new(st, "rootfs", json_string(c->root_path));
	json_object_set_new(st, "created", json_string(created));
	json_object_set_new(st, "owner", json_string(""));
	json_object_set_new(st, "cgroupsPath", json_string(vakt_ocicg_path(cg)));
	json_object_set_new(st, "cgroup", vakt_ocicg_save(cg));
	json_object_set_new(st, "seccompDefault", json_boolean(seccomp_default));
	if (creating)
		json_object_set_new(st, "creating", json_true());
	json_t *ann = json_object_get(c->json, "annotations");
	json_object_set_new(st, "annotations", json_is_object(ann) ? json_deep_copy(ann) : json_object());
	char *s = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	int r = write_file_atomic(ct->dirfd, "state.json", s, strlen(s), 0600);
	free(s);
	if (r < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s/state.json: %s", ct->dir, strerror(-r));
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, vakt_error **err)
{
	/* written beside its final name and renamed, so an engine never reads half of it */
	_cleanup_free_ char *tmp = xasprintf("%s.vakt-tmp", path);
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return vakt_error_set(err, VAKT_E_IO, "--pid-file %s: %s", path, strerror(e));
	}
	return 0;
}

static int connect_console(const char *path, vakt_error **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return vakt_error_set(err, VAKT_E_USAGE, "--console-socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vakt_error_set(err, VAKT_E_IO, "--console-socket %s: %s", path, strerror(e));
	}
	return fd;
}

/* start.sock in the state directory, listening; bound through the directory's fd path
 * so that a long --root does not run into sun_path's 108 bytes. */
static int listen_start(int dirfd, vakt_error **err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", dirfd);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* made 0600 from the start (connecting is starting the container; the directory is
	 * searchable by others) */
	mode_t old = umask(0177);
	int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 4) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vakt_error_set(err, VAKT_E_IO, "start.sock: %s", strerror(e));
	}
	return fd;
}

int vakt_oci_create(const vakt_oci_rt *rt, const vakt_oci_create_opts *o, pid_t *ret_pid, vakt_error **err)
{
	if (!vakt_oci_id_valid(o->id))
		return vakt_error_set(err, VAKT_E_USAGE, "invalid container ID '%s'", o->id);
	_cleanup_free_ char *bundle = realpath(o->bundle ? o->bundle : ".", NULL);
	if (!bundle)
		return vakt_error_set(err, VAKT_E_IO, "--bundle %s: %s", o->bundle ? o->bundle : ".", strerror(errno));
	_cleanup_free_ char *cfgpath = xasprintf("%s/config.json", bundle);
	if (mkdir(rt->root, 0711) < 0 && errno != EEXIST)
		return vakt_error_set(err, VAKT_E_IO, "--root %s: %s", rt->root, strerror(errno));
	_cleanup_free_ char *dir = xasprintf("%s/%s", rt->root, o->id);
	/* mkdir is the create lock: a second create of the same ID fails here */
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return vakt_error_set(err, VAKT_E_USAGE, "container with id \"%s\" already exists", o->id);
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", dir, strerror(errno));
	}
	ctr ct = {.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), .dir = xstrdup(dir)};
	json_t *cfgj = NULL;
	vakt_oci_config *c = NULL;
	vakt_ocicg *cg = NULL;
	vakt_seccomp_prog prog = {0};
	bool have_seccomp = false, seccomp_default = false;
	int listen_fd = -1, console = -1, sp[2] = {-1, -1};
	int ns_fd[VAKT_NS_COUNT];
	for (int t = 0; t < VAKT_NS_COUNT; t++)
		ns_fd[t] = -1;
	pid_t pid = -1;
	char *state = NULL;
	int rc = 0, own_pidns = -1, devfs = -1;
	char *sdpath = NULL; /* a systemd cgroupsPath as a cgroupfs path */
	if (ct.dirfd < 0 || flock(ct.dirfd, LOCK_EX) < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((rc = vakt_oci_config_load_json(cfgpath, &cfgj, err)) < 0 ||
	    (rc = apply_policy(rt, o, ct.dirfd, cfgj, &seccomp_default, cfgpath, err)) < 0 ||
	    (rc = vakt_oci_config_parse(cfgj, bundle, cfgpath, &c, err)) < 0)
		goto fail;
	{
		/* the config as the policy left it: exec, update and delete read this copy */
		char *s = json_dumps(cfgj, JSON_COMPACT);
		int r = write_file_atomic(ct.dirfd, "config.json", s, strlen(s), 0600);
		free(s);
		if (r < 0) {
			rc = vakt_error_set(err, VAKT_E_IO, "%s/config.json: %s", dir, strerror(-r));
			goto fail;
		}
	}
	/* root.path as the runtime will use it (a relative one joined to the bundle, which
	 * the policy could not see), and the bind sources once more, as the kernel will walk
	 * them: neither may be a denied host path */
	{
		const char *hit = vakt_oci_policy_denied_path(o->policy, c->root_path);
		const char *field = "root.path", *what = c->root_path;
		char mf[32];
		for (size_t i = 0; !hit && i < c->nmounts; i++)
			if (c->mounts[i].bind && (hit = vakt_oci_policy_denied_path(o->policy, c->mounts[i].source))) {
				snprintf(mf, sizeof(mf), "mounts[%zu]", i);
				field = mf, what = c->mounts[i].source;
			}
		if (hit) {
			if (o->ret_refused)
				*o->ret_refused = true;
			rc = vakt_error_set(err, VAKT_E_USAGE,
					    "container %s refused by the policy (%s): mounts: %s: %s is the host's %s", o->id,
					    o->policy->source, field, what, hit);
			goto fail;
		}
	}
	if (c->ns[VAKT_NS_TIME].present && !c->ns[VAKT_NS_TIME].path) {
		rc = vakt_error_set(err, VAKT_E_INVALID, "linux.namespaces: a new time namespace is not supported by vakt yet");
		goto fail;
	}
	if (c->process.terminal && !o->console_socket) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "process.terminal is true: --console-socket is required");
		goto fail;
	}
	if (c->ns[VAKT_NS_USER].path) {
		/* the namespaces made at clone would belong to the host's user namespace, and the
		 * init, once in the joined one, could not set them up */
		for (int t = 0; t < VAKT_NS_COUNT; t++)
			if (t != VAKT_NS_USER && c->ns[t].present && !c->ns[t].path) {
				rc = vakt_error_set(err, VAKT_E_INVALID,
						    "linux.namespaces: joining a user namespace (%s) together with a new %s "
						    "namespace is not supported yet: join the %s namespace by path too",
						    c->ns[VAKT_NS_USER].path, vakt_oci_ns_name(t), vakt_oci_ns_name(t));
				goto fail;
			}
	}
	if (c->ns[VAKT_NS_USER].present && !c->ns[VAKT_NS_USER].path && c->ns[VAKT_NS_MNT].present &&
	    !c->ns[VAKT_NS_MNT].path &&
	    (rc = prepare_mountpoints(c, err)) < 0)
		goto fail;
	{
		_cleanup_close_ int rootfd = open(rt->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = build_seccomp(rootfd, c->seccomp, seccomp_default, c->process.caps[VAKT_CAP_BOUNDING], &prog,
				   &have_seccomp, err);
	}
	if (rc < 0)
		goto fail;
	const vakt_oci_rt *rt_holder = rt;
	const char *cgpath = c->cgroups_path;
	if (rt->systemd_cgroup && cgpath && cgpath[0] != '/') {
		/* vakt does not talk to systemd over D-Bus: it makes the directories systemd
		 * would make for that slice and scope, in the cgroupfs tree */
		if (!(sdpath = vakt_ocicg_systemd_path(cgpath))) {
			rc = vakt_error_set(err, VAKT_E_INVALID, "linux.cgroupsPath '%s' is not slice:prefix:name", cgpath);
			goto fail;
		}
		cgpath = sdpath;
	}
	if ((rc = vakt_ocicg_open(rt->cgroup_root, cgpath, o->id, true, &cg, err)) < 0 ||
	    (rc = vakt_ocicg_apply(cg, &c->res, cg_warn, &rt_holder, err)) < 0)
		goto fail;
	if ((listen_fd = listen_start(ct.dirfd, err)) < 0) {
		rc = listen_fd;
		goto fail;
	}
	if (c->process.terminal && (console = connect_console(o->console_socket, err)) < 0) {
		rc = console;
		goto fail;
	}
	for (int t = 0; t < VAKT_NS_COUNT; t++)
		if (c->ns[t].path && (ns_fd[t] = open_ns(c, t, err)) < 0) {
			rc = ns_fd[t];
			goto fail;
		}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "socketpair: %s", strerror(errno));
		goto fail;
	}
	uint64_t flags = 0;
	for (int t = 0; t < VAKT_NS_COUNT; t++)
		if (c->ns[t].present && !c->ns[t].path && t != VAKT_NS_CGROUP)
			flags |= (uint64_t)ns_clone_flag[t];
	/* a PID namespace to join applies to children: the parent enters it for the clone */
	if (ns_fd[VAKT_NS_PID] >= 0) {
		own_pidns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
		if (setns(ns_fd[VAKT_NS_PID], CLONE_NEWPID) < 0) {
			rc = vakt_error_set(err, VAKT_E_INVALID, "joining the pid namespace %s: %s", c->ns[VAKT_NS_PID].path,
					    strerror(errno));
			goto fail;
		}
	}
	struct clone_args ca = {.flags = flags, .exit_signal = SIGCHLD};
	fflush(NULL);
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		close(sp[0]);
		init_ctx x = {.c = c, .o = o, .sync = sp[1], .listen_fd = listen_fd, .conn = -1, .console = console,
			      .root_fd = -1, .tty_slave = -1, .seccomp = have_seccomp ? &prog : NULL,
			      .userns = c->ns[VAKT_NS_USER].present, .state_dirfd = ct.dirfd};
		memcpy(x.ns_fd, ns_fd, sizeof(ns_fd));
		init_main(&x);
	}
	if (own_pidns >= 0)
		setns(own_pidns, CLONE_NEWPID);
	if (pid < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "clone3: %s", strerror(errno));
		goto fail;
	}
	close(sp[1]);
	sp[1] = -1;
	if (c->ns[VAKT_NS_USER].present && !c->ns[VAKT_NS_USER].path &&
	    ((rc = write_maps(pid, "uid_map", c->uid_mappings, c->nuid_mappings, err)) < 0 ||
	     (rc = write_maps(pid, "gid_map", c->gid_mappings, c->ngid_mappings, err)) < 0))
		goto fail;
	if (c->process.has_oom_score_adj) {
		char path[64], v[16];
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
		snprintf(v, sizeof(v), "%d", c->process.oom_score_adj);
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, v, strlen(v)) < 0) {
			rc = vakt_error_set(err, VAKT_E_INVALID, "process.oomScoreAdj: %s", strerror(errno));
			goto fail;
		}
	}
	/* a provisional record, so that if this process dies half-way, `delete` finds the
	 * init and the cgroup to remove (status "creating") */
	if ((rc = write_state(&ct, o->id, pid, bundle, c, cg, seccomp_default, true, err)) < 0)
		goto fail;
	state = hook_state(c, o->id, bundle, "creating", pid);
	{
		_cleanup_free_ char *msg = xasprintf("G%s", state);
		if (strlen(msg) >= STATE_MAX) {
			if (c->nhooks[VAKT_HOOK_CREATE_CONTAINER] || c->nhooks[VAKT_HOOK_START_CONTAINER]) {
				/* hooks would see a truncated state: the annotations are too large */
				rc = vakt_error_set(err, VAKT_E_LIMIT,
						    "annotations: the state passed to hooks exceeds %d bytes", STATE_MAX);
				goto fail;
			}
			msg[1] = '\0'; /* no hook in the container needs it */
		}
		if (send(sp[0], msg, strlen(msg), MSG_NOSIGNAL) < 0) {
			rc = vakt_error_set(err, VAKT_E_IO, "the container's init: %s", strerror(errno));
			goto fail;
		}
	}
	/* into the cgroups while the init builds the filesystem: on cgroup v1 the first write
	 * to cgroup.procs waits for an RCU grace period (about 12 ms here), better overlapped.
	 * The init does nothing of the container's own before the next go-ahead, which comes
	 * only after this, and its cgroup namespace is made after it too. */
	if ((rc = vakt_ocicg_attach(cg, pid, err)) < 0)
		goto fail;
	for (;;) {
		char m = 0;
		size_t idx = 0;
		if ((rc = recv_init(sp[0], pid, &m, &idx, err)) < 0) {
			vakt_error_wrap(err, "creating container %s", o->id);
			goto fail;
		}
		if (m == 'C')
			break;
		if (m == 'I') {
			if ((rc = send_idmapped(c, idx, pid, sp[0], err)) < 0)
				goto fail;
			continue;
		}
		if (m == 'D') {
			if ((rc = send_device(c, idx, &devfs, sp[0], err)) < 0)
				goto fail;
			continue;
		}
		if (m == 'A') {
			/* the init needs its cgroups (to mount them): they are attached by now */
			if (send(sp[0], "G", 1, MSG_NOSIGNAL) < 0) {
				rc = vakt_error_set(err, VAKT_E_IO, "the container's init: %s", strerror(errno));
				goto fail;
			}
			continue;
		}
		/* 'H': the namespaces exist, the filesystem is mounted, pivot_root is next */
		if ((rc = run_hooks(c, VAKT_HOOK_PRESTART, state, err)) < 0 ||
		    (rc = run_hooks(c, VAKT_HOOK_CREATE_RUNTIME, state, err)) < 0)
			goto fail;
		if (send(sp[0], "G", 1, MSG_NOSIGNAL) < 0) {
			rc = vakt_error_set(err, VAKT_E_IO, "the container's init: %s", strerror(errno));
			goto fail;
		}
	}
	if ((rc = write_state(&ct, o->id, pid, bundle, c, cg, seccomp_default, false, err)) < 0)
		goto fail;
	if (o->pid_file && (rc = write_pid_file(o->pid_file, pid, err)) < 0) {
		unlinkat(ct.dirfd, "state.json", 0);
		goto fail;
	}
	rlog(rt, VAKT_LOG_DEBUG, "container %s created, init pid %d", o->id, (int)pid);
	*ret_pid = pid;
	goto out;
fail:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (cg)
		vakt_ocicg_destroy(cg), cg = NULL;
	if (ct.dirfd >= 0)
		ctr_remove(rt, &ct);
	else
		rmdir(dir);
out:
	free(state);
	free(sdpath);
	if (devfs >= 0)
		close(devfs);
	if (own_pidns >= 0)
		close(own_pidns);
	for (int t = 0; t < VAKT_NS_COUNT; t++)
		if (ns_fd[t] >= 0)
			close(ns_fd[t]);
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	if (listen_fd >= 0)
		close(listen_fd);
	if (console >= 0)
		close(console);
	if (have_seccomp)
		vakt_seccomp_prog_free(&prog);
	vakt_ocicg_free(cg);
	vakt_oci_config_free(c);
	json_decref(cfgj);
	ctr_close(&ct);
	return rc;
}

/* ---- verbs on an existing container ----------------------------------------------------------- */

/* The container's config as create stored it. */
static vakt_oci_config *ctr_config(const ctr *ct, vakt_error **err)
{
	_cleanup_free_ char *p = xasprintf("%s/config.json", ct->dir);
	json_t *j = NULL;
	vakt_oci_config *c = NULL;
	if (vakt_oci_config_load_json(p, &j, err) < 0)
		return NULL;
	vakt_oci_config_parse(j, ctr_str(ct, "bundle"), p, &c, err);
	json_decref(j);
	return c;
}

int vakt_oci_start(const vakt_oci_rt *rt, const char *id, vakt_error **err)
{
	ctr ct;
	if (ctr_open(rt, id, false, &ct, err) < 0)
		return (*err)->code;
	int rc = 0, fd = -1;
	char *st = NULL;
	vakt_oci_config *c = NULL;
	const char *status = ctr_status(rt, &ct);
	if (strcmp(status, "created") != 0) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "cannot start container %s: it is %s, not created", id, status);
		goto out;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", ct.dirfd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "starting container %s: %s", id, strerror(errno));
		goto out;
	}
	/* the init closes the connection by exec (close-on-exec), or sends why it failed */
	char buf[MSG_MAX + 1];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, MSG_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == MSG_MAX)
			break;
	}
	unlinkat(ct.dirfd, "start.sock", 0);
	if (len > 0 && buf[0] == 'E') {
		buf[len] = '\0';
		rc = vakt_error_set(err, VAKT_E_INVALID, "starting container %s: %s", id, buf + 1);
		goto out;
	}
	c = ctr_config(&ct, err);
	if (!c) {
		rc = (*err)->code;
		goto out;
	}
	st = hook_state(c, id, ctr_str(&ct, "bundle"), "running", ct.pid);
	for (size_t i = 0; i < c->nhooks[VAKT_HOOK_POSTSTART]; i++) {
		vakt_error *e = NULL;
		if (run_hook(&c->hooks[VAKT_HOOK_POSTSTART][i], "poststart", st, &e) < 0) {
			rlog(rt, VAKT_LOG_WARN, "%s", e->msg);
			vakt_error_free(e);
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(st);
	vakt_oci_config_free(c);
	ctr_close(&ct);
	return rc;
}

int vakt_oci_state(const vakt_oci_rt *rt, const char *id, json_t **ret, vakt_error **err)
{
	ctr ct;
	if (ctr_open(rt, id, true, &ct, err) < 0)
		return (*err)->code;
	if (!ct.st) {
		ctr_close(&ct);
		return vakt_error_set(err, VAKT_E_NOTFOUND, "container \"%s\" is still being created", id);
	}
	*ret = state_json(&ct, ctr_status(rt, &ct));
	ctr_close(&ct);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vakt_oci_list(const vakt_oci_rt *rt, json_t **ret, vakt_error **err)
{
	json_t *arr = json_array();
	DIR *d = opendir(rt->root);
	if (!d) {
		*ret = arr;
		return errno == ENOENT ? 0 : vakt_error_set(err, VAKT_E_IO, "--root %s: %s", rt->root, strerror(errno));
	}
	char **ids = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && vakt_oci_id_valid(de->d_name)) {
			ids = xrealloc(ids, (n + 1) * sizeof(*ids));
			ids[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_str);
	for (size_t i = 0; i < n; i++) {
		json_t *s = NULL;
		vakt_error *e = NULL;
		if (vakt_oci_state(rt, ids[i], &s, &e) == 0)
			json_array_append_new(arr, s);
		vakt_error_free(e);
		free(ids[i]);
	}
	free(ids);
	*ret = arr;
	return 0;
}

int vakt_oci_kill(const vakt_oci_rt *rt, const char *id, int sig, bool all, vakt_error **err)
{
	ctr ct;
	if (ctr_open(rt, id, true, &ct, err) < 0)
		return (*err)->code;
	int rc = 0, pfd = -1;
	if (!ctr_alive(&ct)) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "container %s is not running", id);
		goto out;
	}
	/* a pidfd, checked against the recorded start time after it is opened: the signal
	 * goes to the container's init and cannot hit a process that reused its PID */
	pfd = pidfd_open_(ct.pid);
	if (pfd < 0 || pid_start(ct.pid, NULL) != ct.start) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "container %s is not running", id);
		goto out;
	}
	vakt_ocicg *cg = ctr_cgroup(rt, &ct);
	if (all && cg)
		vakt_ocicg_kill(cg, sig);
	if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 && errno != ESRCH)
		rc = vakt_error_set(err, VAKT_E_IO, "signalling container %s: %s", id, strerror(errno));
	/* a frozen container cannot act on SIGKILL until it thaws */
	if (cg && sig == SIGKILL && vakt_ocicg_frozen(cg)) {
		vakt_error *e = NULL;
		vakt_ocicg_freeze(cg, false, &e);
		vakt_error_free(e);
	}
	vakt_ocicg_free(cg);
out:
	if (pfd >= 0)
		close(pfd);
	ctr_close(&ct);
	return rc;
}

int vakt_oci_delete(const vakt_oci_rt *rt, const char *id, bool force, vakt_error **err)
{
	ctr ct;
	if (ctr_open(rt, id, false, &ct, err) < 0)
		return (*err)->code;
	int rc = 0;
	const char *status = ctr_status(rt, &ct);
	if (strcmp(status, "stopped") != 0) {
		/* as runc: a created container (its process never ran) is deleted without
		 * --force; so is one whose create died half-way */
		if (!force && strcmp(status, "created") != 0 && strcmp(status, "creating") != 0) {
			rc = vakt_error_set(err, VAKT_E_USAGE, "cannot delete container %s that is not stopped: %s", id, status);
			goto out;
		}
		_cleanup_close_ int pfd = pidfd_open_(ct.pid);
		vakt_ocicg *cg = ctr_cgroup(rt, &ct);
		if (cg) {
			vakt_ocicg_kill(cg, SIGKILL);
			if (vakt_ocicg_frozen(cg)) {
				vakt_error *e = NULL;
				vakt_ocicg_freeze(cg, false, &e);
				vakt_error_free(e);
			}
		}
		vakt_ocicg_free(cg);
		if (pfd >= 0 && pid_start(ct.pid, NULL) == ct.start) {
			syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
			struct pollfd p = {pfd, POLLIN, 0};
			poll(&p, 1, 10000);
		}
	}
	vakt_oci_config *c = ct.st ? ctr_config(&ct, err) : NULL;
	if (ct.st && !c)
		rlog(rt, VAKT_LOG_WARN, "container %s: its stored config is unreadable: no poststop hooks", id);
	vakt_error_free(*err);
	*err = NULL;
	vakt_ocicg *cg = ct.st ? ctr_cgroup(rt, &ct) : NULL;
	vakt_ocicg_destroy(cg);
	if (c) {
		_cleanup_free_ char *st = hook_state(c, id, ctr_str(&ct, "bundle"), "stopped", 0);
		for (size_t i = 0; i < c->nhooks[VAKT_HOOK_POSTSTOP]; i++) {
			vakt_error *e = NULL;
			if (run_hook(&c->hooks[VAKT_HOOK_POSTSTOP][i], "poststop", st, &e) < 0) {
				rlog(rt, VAKT_LOG_WARN, "%s", e->msg);
				vakt_error_free(e);
			}
		}
		vakt_oci_config_free(c);
	}
	ctr_remove(rt, &ct);
out:
	ctr_close(&ct);
	return rc;
}

/* Open a running (or paused) container's cgroup for a verb. */
static int running_cgroup(const vakt_oci_rt *rt, const char *id, bool exclusive, ctr *ct, vakt_ocicg **cg,
			  vakt_error **err)
{
	if (ctr_open(rt, id, !exclusive, ct, err) < 0)
		return (*err)->code;
	if (!ctr_alive(ct)) {
		ctr_close(ct);
		return vakt_error_set(err, VAKT_E_USAGE, "container %s is not running", id);
	}
	*cg = ctr_cgroup(rt, ct);
	if (!*cg) {
		ctr_close(ct);
		return vakt_error_set(err, VAKT_E_IO, "container %s: its cgroup is gone", id);
	}
	return 0;
}

int vakt_oci_pause(const vakt_oci_rt *rt, const char *id, bool pause, vakt_error **err)
{
	ctr ct;
	vakt_ocicg *cg;
	if (running_cgroup(rt, id, true, &ct, &cg, err) < 0)
		return (*err)->code;
	const char *status = ctr_status(rt, &ct);
	int rc = 0;
	if (pause && strcmp(status, "running") != 0)
		rc = vakt_error_set(err, VAKT_E_USAGE, "cannot pause container %s: it is %s", id, status);
	else if (!pause && strcmp(status, "paused") != 0)
		rc = vakt_error_set(err, VAKT_E_USAGE, "cannot resume container %s: it is %s, not paused", id, status);
	else
		rc = vakt_ocicg_freeze(cg, pause, err);
	vakt_ocicg_free(cg);
	ctr_close(&ct);
	return rc;
}

int vakt_oci_update(const vakt_oci_rt *rt, const char *id, const vakt_oci_resources *res, const vakt_oci_policy *pol,
		    vakt_error **err)
{
	if (pol && pol->pids_limit > 0 && (res->pids_limit < 0 || res->pids_limit > pol->pids_limit) &&
	    pol->mode == VAKT_OCI_MODE_DENY)
		return vakt_error_set(err, VAKT_E_USAGE, "update refused by the policy (%s): pidsLimit: the limit may not "
							 "be lifted above %" PRId64,
				      pol->source, pol->pids_limit);
	vakt_oci_resources r = *res;
	if (pol && pol->pids_limit > 0 && r.pids_limit < 0) {
		/* "unlimited" is what the policy exists to prevent: keep its limit */
		rlog(rt, VAKT_LOG_INFO, "policy %s: changed: pidsLimit: linux.resources.pids.limit: unlimited refused, kept %" PRId64,
		     pol->source, pol->pids_limit);
		r.pids_limit = pol->pids_limit;
	}
	ctr ct;
	vakt_ocicg *cg;
	if (running_cgroup(rt, id, true, &ct, &cg, err) < 0)
		return (*err)->code;
	const vakt_oci_rt *rt_holder = rt;
	int rc = vakt_ocicg_apply(cg, &r, cg_warn, &rt_holder, err);
	vakt_ocicg_free(cg);
	ctr_close(&ct);
	return rc;
}

int vakt_oci_ps(const vakt_oci_rt *rt, const char *id, pid_t **ret, size_t *n, vakt_error **err)
{
	ctr ct;
	vakt_ocicg *cg;
	if (running_cgroup(rt, id, false, &ct, &cg, err) < 0)
		return (*err)->code;
	int rc = vakt_ocicg_pids(cg, ret, n, err);
	vakt_ocicg_free(cg);
	ctr_close(&ct);
	return rc;
}

int vakt_oci_stats(const vakt_oci_rt *rt, const char *id, json_t **ret, vakt_error **err)
{
	ctr ct;
	vakt_ocicg *cg;
	if (running_cgroup(rt, id, false, &ct, &cg, err) < 0)
		return (*err)->code;
	*ret = json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", vakt_ocicg_stats(cg));
	vakt_ocicg_free(cg);
	ctr_close(&ct);
	return 0;
}

/* ---- exec ---------------------------------------------------------------------------------------- */

/* The namespaces of pid that differ from ours, as setns flags. */
static int ns_to_join(pid_t pid)
{
	int flags = 0;
	for (int t = 0; t < VAKT_NS_COUNT; t++) {
		char a[64], b[64];
		snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int)pid, ns_proc_name[t]);
		snprintf(b, sizeof(b), "/proc/self/ns/%s", ns_proc_name[t]);
		struct stat sa, sb;
		if (stat(a, &sa) == 0 && stat(b, &sb) == 0 && (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev))
			flags |= ns_clone_flag[t];
	}
	return flags;
}

/* The policy's word on an exec'd process: the same capability allow list and
 * no_new_privs as the container's own process. */
static void exec_policy(const vakt_oci_rt *rt, const vakt_oci_policy *pol, vakt_oci_process *p)
{
	if (!pol)
		return;
	if (pol->drop_capabilities)
		for (int s = 0; s < 5; s++) {
			uint64_t drop = p->caps[s] & ~pol->cap_allow;
			if (drop)
				rlog(rt, VAKT_LOG_INFO, "policy %s: changed: capabilities: process.capabilities: dropped 0x%" PRIx64,
				     pol->source, drop);
			p->caps[s] &= pol->cap_allow;
		}
	if (pol->no_new_privileges && !p->no_new_privileges) {
		rlog(rt, VAKT_LOG_INFO, "policy %s: changed: noNewPrivileges: process.noNewPrivileges: set to true", pol->source);
		p->no_new_privileges = true;
	}
}

/* The second child of exec: already in the container's namespaces (PID included). */
__attribute__((noreturn)) static void exec_child(init_ctx *x, const vakt_oci_process *p, int console)
{
	if (p->terminal)
		use_pty(x, open_pty(x, "/dev/ptmx", p, console));
	set_rlimits(x, p);
	if (chdir(p->cwd) < 0)
		init_fail(x, errno, "process.cwd %s", p->cwd);
	find_exe(x, p);
	enter_exec(x, p, x->o ? x->o->preserve_fds : 0);
}

static volatile sig_atomic_t exec_target;

static void exec_forward(int sig)
{
	if (exec_target > 0)
		kill(exec_target, sig);
}

/* The signals a foreground runtime passes on to exec_target, as runc does. */
static void forward_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa = {.sa_handler = exec_forward};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int vakt_oci_exec(const vakt_oci_rt *rt, const vakt_oci_exec_opts *o, int *ret_status, vakt_error **err)
{
	ctr ct;
	if (ctr_open(rt, o->id, true, &ct, err) < 0)
		return (*err)->code;
	int rc = 0;
	vakt_oci_process p;
	memset(&p, 0, sizeof(p));
	vakt_oci_config *c = NULL;
	vakt_ocicg *cg = NULL;
	vakt_seccomp_prog prog = {0};
	bool have_seccomp = false;
	int console = -1, pfd = -1, errp[2] = {-1, -1}, go[2] = {-1, -1};
	const char *status = ctr_status(rt, &ct);
	if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "cannot exec in container %s: it is %s", o->id, status);
		goto out;
	}
	if ((rc = vakt_oci_process_parse(o->process, "process", &p, err)) < 0)
		goto out;
	exec_policy(rt, o->policy, &p);
	if (!(c = ctr_config(&ct, err))) {
		rc = (*err)->code;
		goto out;
	}
	bool sc_default = json_is_true(json_object_get(ct.st, "seccompDefault"));
	{
		_cleanup_close_ int rootfd = open(rt->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = build_seccomp(rootfd, c->seccomp, sc_default, p.caps[VAKT_CAP_BOUNDING], &prog, &have_seccomp, err);
	}
	if (rc < 0)
		goto out;
	if (p.terminal && !o->console_socket) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "process.terminal is true: --console-socket is required");
		goto out;
	}
	if (p.terminal && (console = connect_console(o->console_socket, err)) < 0) {
		rc = console;
		goto out;
	}
	pfd = pidfd_open_(ct.pid);
	if (pfd < 0 || pid_start(ct.pid, NULL) != ct.start) {
		rc = vakt_error_set(err, VAKT_E_USAGE, "container %s is not running", o->id);
		goto out;
	}
	int nsflags = ns_to_join(ct.pid);
	cg = ctr_cgroup(rt, &ct);
	/* everything needed is loaded, and the pidfd pins the init: let go of the lock, or
	 * an interactive exec would block delete, pause and update for as long as it runs */
	ctr_close(&ct);
	if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid_t a = fork();
	if (a == 0) {
		/* A: waits to be in the cgroup, joins the namespaces, forks the process (a
		 * PID namespace applies to children) and reports its PID. Not dumpable: the
		 * container's processes, which share its namespaces, cannot ptrace it or open
		 * its /proc entries (the CVE-2019-5736 class), and neither A nor its child
		 * ever executes vakt again. */
		close(errp[0]);
		close(go[1]);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		char g;
		if (read(go[0], &g, 1) != 1)
			_exit(127);
		init_ctx x = {.c = c, .o = NULL, .sync = errp[1], .conn = -1, .console = console, .root_fd = -1,
			      .tty_slave = -1, .seccomp = have_seccomp ? &prog : NULL, .state_dirfd = -1};
		if (nsflags && setns(pfd, nsflags) < 0)
			init_fail(&x, errno, "joining the container's namespaces");
		if (nsflags & CLONE_NEWUSER)
			if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
				init_fail(&x, errno, "becoming root in the container's user namespace");
		pid_t b = fork();
		if (b < 0)
			init_fail(&x, errno, "fork");
		if (b == 0) {
			prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
			vakt_oci_create_opts oo = {.preserve_fds = o->preserve_fds};
			x.o = &oo;
			exec_child(&x, &p, console);
		}
		/* B's PID as the host sees it: A is still in the host's PID namespace */
		char msg[16];
		int n = snprintf(msg, sizeof(msg), "P%d", (int)b);
		if (write(errp[1], msg, (size_t)n) != n)
			_exit(127);
		close(errp[1]);
		if (o->detach)
			_exit(0);
		exec_target = b;
		forward_signals();
		int st;
		while (waitpid(b, &st, 0) < 0)
			if (errno != EINTR)
				_exit(127);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	close(errp[1]);
	errp[1] = -1;
	close(go[0]);
	go[0] = -1;
	if (a < 0) {
		rc = vakt_error_set(err, VAKT_E_IO, "fork: %s", strerror(errno));
		goto out;
	}
	if (cg && (rc = vakt_ocicg_attach(cg, a, err)) < 0) {
		kill(a, SIGKILL);
		waitpid(a, NULL, 0);
		goto out;
	}
	if (write(go[1], "g", 1) != 1) {
		rc = vakt_error_set(err, VAKT_E_IO, "exec: %s", strerror(errno));
		goto out;
	}
	/* "P<pid>" from A, then nothing (exec happened: the pipe closed) or "E<why>" */
	char buf[MSG_MAX + 1];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(errp[0], buf + len, MSG_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || len + (size_t)n >= MSG_MAX)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	pid_t b = 0;
	char *e = buf;
	if (buf[0] == 'P') {
		b = (pid_t)strtol(buf + 1, &e, 10);
	}
	if (*e == 'E' || b <= 0) {
		int st;
		waitpid(a, &st, 0);
		rc = vakt_error_set(err, VAKT_E_INVALID, "exec in container %s: %s", o->id, *e == 'E' ? e + 1 : "failed");
		goto out;
	}
	if (o->pid_file && (rc = write_pid_file(o->pid_file, b, err)) < 0) {
		kill(b, SIGKILL);
		goto out;
	}
	if (o->ret_pid)
		*o->ret_pid = b;
	if (o->detach) {
		waitpid(a, NULL, 0);
		*ret_status = 0;
		goto out;
	}
	exec_target = a; /* A forwards on to the process */
	forward_signals();
	int st;
	while (waitpid(a, &st, 0) < 0 && errno == EINTR)
		;
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
out:
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (pfd >= 0)
		close(pfd);
	if (console >= 0)
		close(console);
	if (have_seccomp)
		vakt_seccomp_prog_free(&prog);
	vakt_ocicg_free(cg);
	vakt_oci_config_free(c);
	vakt_oci_process_clear(&p);
	ctr_close(&ct);
	return rc;
}
