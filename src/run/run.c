/* run.c - see run.h.
 *
 * The parent (vakt) clones a child into new user, mount, PID, IPC, UTS and network
 * namespaces, writes its UID and GID maps, puts it in its cgroups, then lets it go on.
 * The child builds the container's filesystem under the rootfs, pivots into it, drops
 * every privilege and execs the command; it is PID 1 of the new PID namespace.
 *
 * The child is a copy of a single-threaded vakt, so it may use snprintf and the stack
 * freely before exec, but it never returns into vakt's code: every failure writes one
 * message to the error pipe and _exits.
 */
#include "run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/xalloc.h"
#include "run/seccomp.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define DEFAULT_MAP_BASE 1000000000u /* host UIDs/GIDs of the container's 0..65535 */
#define MAP_COUNT 65536u

void vakt_run_spec_init(vakt_run_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->userns = true;
	spec->cwd = "/";
	spec->hostname = "vakt";
	spec->limits.pids = 1024;
	spec->idmap = true;
}

/* ---- capabilities ------------------------------------------------------------------------ */

static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

const char *vakt_cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < sizeof(cap_names) / sizeof(cap_names[0]) ? cap_names[cap] : "?";
}

int vakt_cap_from_name(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- the child ------------------------------------------------------------------------------ */

typedef struct child_ctx {
	const vakt_run_spec *spec;
	int sync_fd;  /* read end: the parent has written the maps */
	int err_fd;   /* write end, close-on-exec: why the child failed */
	int root_fd;  /* O_PATH of the rootfs */
	const vakt_seccomp_prog *seccomp;
	const char *exe; /* argv[0] resolved inside the rootfs */
	int tty_slave;   /* -t: becomes stdio and the controlling terminal; else -1 */
} child_ctx;

__attribute__((noreturn, format(printf, 3, 4))) static void child_fail(const child_ctx *c, int errnum,
								      const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (errnum)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	ssize_t w = write(c->err_fd, msg, (size_t)n);
	(void)w;
	_exit(127);
}

/* See run.h. */
int vakt_open_in_root(int root_fd, const char *path, bool create, bool dir)
{
	while (*path == '/')
		path++;
	if (!*path)
		return (int)dup(root_fd);
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd >= 0 || !create || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	/* create the missing components one by one, each resolved inside the root */
	char buf[4096];
	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	int cur = (int)dup(root_fd);
	char *save = NULL;
	char *tok = strtok_r(buf, "/", &save);
	while (tok && cur >= 0) {
		char *next = strtok_r(NULL, "/", &save);
		struct open_how h2 = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
		/* the parent so far is cur; resolve tok relative to the root through it */
		int nfd = (int)syscall(SYS_openat2, cur, tok, &h2, sizeof(h2));
		if (nfd < 0 && errno == ENOENT) {
			int mk = (next || dir) ? mkdirat(cur, tok, 0755) : -1;
			if (!(next || dir)) {
				int f = openat(cur, tok, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
				if (f >= 0)
					close(f), mk = 0;
			}
			if (mk < 0 && errno != EEXIST) {
				int e = errno;
				close(cur);
				return -e;
			}
			nfd = (int)syscall(SYS_openat2, cur, tok, &h2, sizeof(h2));
		}
		close(cur);
		if (nfd < 0)
			return -errno;
		cur = nfd;
		tok = next;
	}
	return cur;
}

/* mount onto an fd from open_in_root, through /proc/self/fd: the target is the object
 * the fd names, not whatever the path means by the time mount(2) looks. */
static int mount_fd(const char *src, int fd, const char *type, unsigned long flags, const char *data)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return mount(src, p, type, flags, data);
}

static void mount_at(const child_ctx *c, const char *src, const char *dst, const char *type, unsigned long flags,
		     const char *data, bool dir)
{
	int fd = vakt_open_in_root(c->root_fd, dst, true, dir);
	if (fd < 0)
		child_fail(c, -fd, "%s in the container", dst);
	if (mount_fd(src, fd, type, flags, data) < 0)
		child_fail(c, errno, "mounting %s on %s", type ? type : src, dst);
	close(fd);
}

unsigned long vakt_mount_locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long keep = 0;
	if (statvfs(path, &sv) == 0) {
		if (sv.f_flag & ST_NOSUID)
			keep |= MS_NOSUID;
		if (sv.f_flag & ST_NODEV)
			keep |= MS_NODEV;
		if (sv.f_flag & ST_NOEXEC)
			keep |= MS_NOEXEC;
		if (sv.f_flag & ST_NOATIME)
			keep |= MS_NOATIME;
		if (sv.f_flag & ST_RELATIME)
			keep |= MS_RELATIME;
	}
	return keep;
}

/* Make the bind mount at dst read-only, keeping the flags the kernel locked on it (a
 * mount made in a user namespace must keep nosuid/nodev/noexec it inherited). */
static void remount_ro(const child_ctx *c, const char *dst, unsigned long extra)
{
	int fd = vakt_open_in_root(c->root_fd, dst, false, true);
	if (fd < 0)
		child_fail(c, -fd, "%s in the container", dst);
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	unsigned long keep = vakt_mount_locked_flags(p);
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep | extra, NULL) < 0)
		child_fail(c, errno, "making %s read-only", dst);
	close(fd);
}

/* Docker's masked paths: unreadable kernel information. Files get /dev/null bound over
 * them, directories an empty read-only tmpfs. */
static const char *const masked[] = {
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
};
static const char *const readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static void mask_paths(const child_ctx *c)
{
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		int fd = vakt_open_in_root(c->root_fd, masked[i], false, false);
		if (fd < 0)
			continue; /* absent on this kernel */
		struct stat st;
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
				child_fail(c, errno, "masking %s", masked[i]);
		} else if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0) {
			child_fail(c, errno, "masking %s", masked[i]);
		}
		close(fd);
	}
	for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		int fd = vakt_open_in_root(c->root_fd, readonly[i], false, false);
		if (fd < 0)
			continue;
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			child_fail(c, errno, "binding %s", readonly[i]);
		close(fd);
		remount_ro(c, readonly[i], 0);
	}
}

/* A minimal /dev: a tmpfs with the host's harmless character devices bound in (a user
 * namespace cannot mknod), a private devpts, shm and mqueue, and the usual links. */
static void make_dev(const child_ctx *c)
{
	mount_at(c, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=755,size=65536k", true);
	static const char *const devs[] = {"null", "zero", "full", "random", "urandom", "tty"};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		char dst[64], src[64];
		snprintf(dst, sizeof(dst), "/dev/%s", devs[i]);
		snprintf(src, sizeof(src), "/dev/%s", devs[i]);
		mount_at(c, src, dst, NULL, MS_BIND, NULL, false);
	}
	mount_at(c, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", true);
	mount_at(c, "shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", true);
	mount_at(c, "mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true);
	int dfd = vakt_open_in_root(c->root_fd, "/dev", false, true);
	if (dfd < 0)
		child_fail(c, -dfd, "/dev");
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", dfd);
	int real = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (real < 0)
		child_fail(c, errno, "/dev");
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},         {"/proc/kcore", "core"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], real, links[i][1]) < 0 && errno != EEXIST)
			child_fail(c, errno, "/dev/%s", links[i][1]);
	close(real);
	close(dfd);
}

int vakt_loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	int r = 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (r == 0 && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(s);
	return r;
}

/* The loopback interface up: the only network a container has by default. */
static void loopback_up(const child_ctx *c)
{
	int r = vakt_loopback_up();
	if (r < 0)
		child_fail(c, -r, "bringing lo up");
}

/* Drop every capability except those asked for; for a non-root user, keep the asked ones
 * through the ambient set so they survive exec. */
static void drop_caps(const child_ctx *c)
{
	const vakt_run_spec *s = c->spec;
	for (int cap = 0; cap <= 63; cap++) {
		if (s->caps & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			child_fail(c, errno, "dropping capability %d from the bounding set", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		child_fail(c, errno, "clearing the ambient capabilities");
	/* keep the permitted set across setuid for the asked capabilities */
	if (s->caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		child_fail(c, errno, "PR_SET_KEEPCAPS");
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		child_fail(c, errno, "setgroups");
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		child_fail(c, errno, "setting the group to %u", (unsigned)s->gid);
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		child_fail(c, errno, "setting the user to %u", (unsigned)s->uid);
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	for (int i = 0; i < 2; i++) {
		uint32_t bits = (uint32_t)(s->caps >> (32 * i));
		data[i].effective = data[i].permitted = data[i].inheritable = bits;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		child_fail(c, errno, "setting the capabilities");
	for (int cap = 0; cap <= 63; cap++)
		if ((s->caps & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			child_fail(c, errno, "raising capability %d", cap);
}

/* --init: stay PID 1 as a reaper and run the command as its child. A command that is
 * PID 1 itself gets no default signal handling (the kernel ignores SIGTERM for it unless
 * it installed a handler) and inherits every orphan; this loop forwards the signals vakt
 * forwards, reaps orphans, and exits with the command's status (128 + N for a signal).
 * It runs under the same seccomp filter, without capabilities, and holds no descriptor
 * but the standard ones. */
static volatile sig_atomic_t init_child;

static void init_forward(int sig)
{
	if (init_child > 0)
		kill(init_child, sig);
}

static void init_fork(const child_ctx *c)
{
	pid_t pid = fork();
	if (pid < 0)
		child_fail(c, errno, "--init: fork");
	if (pid == 0)
		return; /* the command: back to exec */
	init_child = pid;
	/* exec success or failure is reported by the command's process: drop our copy of
	 * the error pipe so the parent sees it close */
	close(c->err_fd);
	struct sigaction sa = {.sa_handler = init_forward};
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	for (;;) {
		int status;
		pid_t w = waitpid(-1, &status, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(127);
		if (w == pid)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
}

__attribute__((noreturn)) static void child_main(child_ctx *c)
{
	const vakt_run_spec *s = c->spec;
	char go;
	int tree_fd = -1; /* the rootfs as an idmapped mount, when the parent could make one */
	if (vakt_recv_fd(c->sync_fd, &go, 1, &tree_fd) != 1)
		_exit(127); /* the parent gave up: it reports why */
	/* if vakt dies, so does the container: nothing runs on unwatched, with its cgroups
	 * about to be removed */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(c, errno, "PR_SET_PDEATHSIG");
	if (s->userns) {
		/* root of the new user namespace: what the maps made of us */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			child_fail(c, errno, "becoming root in the user namespace");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(c, errno, "making the mounts private");
	/* the rootfs as a mount of its own, so it can be pivoted into and made read-only.
	 * The directory is opened again here: a descriptor opened before clone names a
	 * mount of the parent's namespace, which the kernel refuses to bind from. */
	close(c->root_fd);
	c->root_fd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0 && errno == EACCES && s->userns)
		child_fail(c, 0,
			   "%s: the container's root (an unprivileged UID on the host) cannot reach it: every directory "
			   "above it must be searchable by others (chmod o+x), as for rootless Podman",
			   s->rootfs);
	if (c->root_fd < 0)
		child_fail(c, errno, "%s", s->rootfs);
	char rp[64];
	snprintf(rp, sizeof(rp), "/proc/self/fd/%d", c->root_fd);
	if (tree_fd >= 0) {
		/* the idmapped copy of the rootfs's mount, attached over it */
		if (move_mount(tree_fd, "", c->root_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			child_fail(c, errno, "attaching the idmapped rootfs");
		close(tree_fd);
	} else if (mount(rp, rp, NULL, MS_BIND | MS_REC, NULL) < 0) {
		child_fail(c, errno, "binding the rootfs %s", s->rootfs);
	}
	int nroot = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nroot < 0)
		child_fail(c, errno, "%s", s->rootfs);
	close(c->root_fd);
	c->root_fd = nroot; /* the bind mount, not the directory under it */

	mount_at(c, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true);
	if (!s->network_host) {
		loopback_up(c);
		/* ports below 1024 without a capability, in this network namespace only (as
		 * rootless Podman does) */
		int pfd = vakt_open_in_root(c->root_fd, "/proc/sys/net/ipv4/ip_unprivileged_port_start", false, false);
		if (pfd >= 0) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/self/fd/%d", pfd);
			int w = open(p, O_WRONLY | O_CLOEXEC);
			if (w >= 0) {
				ssize_t n = write(w, "0", 1);
				(void)n;
				close(w);
			}
			close(pfd);
		}
	}
	if (s->network_host)
		mount_at(c, "/sys", "/sys", NULL, MS_BIND | MS_REC, NULL, true);
	else
		mount_at(c, "sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true);
	make_dev(c);
	mount_at(c, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", true);
	mount_at(c, "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", true);
	for (size_t i = 0; i < s->ntmpfs; i++)
		mount_at(c, "tmpfs", s->tmpfs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", true);
	for (size_t i = 0; i < s->nbinds; i++) {
		struct stat st;
		if (stat(s->binds[i].src, &st) < 0)
			child_fail(c, errno, "-v %s", s->binds[i].src);
		mount_at(c, s->binds[i].src, s->binds[i].dst, NULL, MS_BIND | MS_REC, NULL, S_ISDIR(st.st_mode));
		if (!s->binds[i].rw)
			remount_ro(c, s->binds[i].dst, 0);
	}
	if (s->network_host)
		remount_ro(c, "/sys", 0);
	mask_paths(c);

	/* into the rootfs: pivot_root with the old root stacked on the new one, then
	 * detached, so nothing of the host stays reachable */
	if (fchdir(c->root_fd) < 0)
		child_fail(c, errno, "chdir into the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		child_fail(c, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		child_fail(c, errno, "detaching the old root");
	if (chdir("/") < 0)
		child_fail(c, errno, "chdir /");
	close(c->root_fd);
	if (!s->read_write) {
		if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | vakt_mount_locked_flags("/"), NULL) < 0)
			child_fail(c, errno, "making the root read-only");
	}
	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		child_fail(c, errno, "sethostname");
	for (size_t i = 0; i < s->nrlimits; i++) {
		struct rlimit rl = {s->rlimits[i].soft, s->rlimits[i].hard};
		if (setrlimit(s->rlimits[i].resource, &rl) < 0)
			child_fail(c, errno, "--ulimit");
	}
	if (chdir(s->cwd) < 0)
		child_fail(c, errno, "--workdir %s", s->cwd);
	if (c->tty_slave >= 0) {
		/* a session of its own with the pseudo-terminal as controlling terminal */
		if (setsid() < 0 || ioctl(c->tty_slave, TIOCSCTTY, 0) < 0)
			child_fail(c, errno, "-t: the controlling terminal");
		for (int fd = 0; fd < 3; fd++)
			if (dup2(c->tty_slave, fd) < 0)
				child_fail(c, errno, "-t: stdio");
		if (c->tty_slave > 2)
			close(c->tty_slave);
	}
	/* the parent moves us into our cgroups while we build the filesystem (on cgroup v1
	 * that write waits for an RCU grace period: several milliseconds better overlapped);
	 * nothing of the command runs before it is done. The cgroup namespace comes after
	 * the move, so that those cgroups are its root. */
	if (read(c->sync_fd, &go, 1) != 1)
		_exit(127);
	close(c->sync_fd);
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(c, errno, "unshare(CLONE_NEWCGROUP)");
	drop_caps(c);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(c, errno, "no_new_privs");
	/* no descriptor of vakt's may reach the command (the CVE-2024-21626 class): all of
	 * them close on exec, the error pipe included, which tells the parent exec worked */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(c, errno, "close_range");
	if (c->seccomp) {
		int r = vakt_seccomp_load(c->seccomp);
		if (r < 0)
			child_fail(c, -r, "loading the seccomp filter");
	}
	if (s->init)
		init_fork(c);
	execve(c->exe, s->argv, s->env);
	child_fail(c, errno, "%s", c->exe);
}

/* ---- the parent ------------------------------------------------------------------------------ */

/* Create the mount points the container needs in the rootfs, as the caller (root owns a
 * rootfs that root inside the user namespace cannot write to): /proc, /sys, /dev, /tmp,
 * /run, the --tmpfs directories and the -v destinations. Each is resolved inside the
 * rootfs (open_in_root), so an image's symlink cannot make vakt create anything outside. */
static int prepare_mountpoints(const vakt_run_spec *s, int root_fd, vakt_error **err)
{
	static const char *const dirs[] = {"/proc", "/sys", "/dev", "/tmp", "/run"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int fd = vakt_open_in_root(root_fd, dirs[i], true, true);
		if (fd < 0)
			return vakt_error_set(err, VAKT_E_IO, "%s%s: %s", s->rootfs, dirs[i], strerror(-fd));
		close(fd);
	}
	for (size_t i = 0; i < s->ntmpfs; i++) {
		int fd = vakt_open_in_root(root_fd, s->tmpfs[i], true, true);
		if (fd < 0)
			return vakt_error_set(err, VAKT_E_IO, "--tmpfs %s: %s", s->tmpfs[i], strerror(-fd));
		close(fd);
	}
	for (size_t i = 0; i < s->nbinds; i++) {
		struct stat st;
		if (stat(s->binds[i].src, &st) < 0)
			return vakt_error_set(err, VAKT_E_NOTFOUND, "-v %s: %s", s->binds[i].src, strerror(errno));
		if (strncmp(s->binds[i].dst, "/dev/", 5) == 0)
			continue; /* made in the container's own /dev tmpfs, not in the rootfs */
		int fd = vakt_open_in_root(root_fd, s->binds[i].dst, true, S_ISDIR(st.st_mode));
		if (fd < 0)
			return vakt_error_set(err, VAKT_E_IO, "-v ...:%s: %s", s->binds[i].dst, strerror(-fd));
		close(fd);
	}
	return 0;
}

/* The host range of the container's UIDs: the "vakt" entry of /etc/subuid (or
 * /etc/subgid), else DEFAULT_MAP_BASE. */
static unsigned map_base(const char *file)
{
	FILE *f = fopen(file, "re");
	unsigned base = DEFAULT_MAP_BASE;
	if (!f)
		return base;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned b, n;
		if (strncmp(line, "vakt:", 5) == 0 && sscanf(line + 5, "%u:%u", &b, &n) == 2 && n >= MAP_COUNT) {
			base = b;
			break;
		}
	}
	fclose(f);
	return base;
}

static int write_proc(pid_t pid, const char *what, const char *data, vakt_error **err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vakt_error_set(err, VAKT_E_IO, "writing %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/* The rootfs as a detached mount that shows its files' host owners as the container's own
 * (host root's files belong to the container's root), made by the parent, which may: an
 * idmapped mount is set up in the initial user namespace, with the container's user
 * namespace as the map. -1 when the kernel or the filesystem cannot (then the files keep
 * their host owners, "nobody" inside). */
static int idmapped_tree(const vakt_run_spec *s, pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	int userns = open(path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return -1;
	int tree = open_tree(AT_FDCWD, s->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (tree >= 0 && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		close(tree);
		tree = -1;
	}
	close(userns);
	return tree;
}

/* Resolve the command inside the rootfs: a path as given, else each directory of the
 * container's PATH (from env, else the usual one). Checked before anything starts, so a
 * missing or non-executable command is a clear error. */
static int resolve_command(const vakt_run_spec *s, int root_fd, char **ret, vakt_error **err)
{
	const char *cmd = s->argv[0];
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (char *const *e = s->env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	char *cands[64];
	size_t n = 0;
	if (strchr(cmd, '/')) {
		cands[n++] = xstrdup(cmd);
	} else {
		char *copy = xstrdup(path), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d && n < 64; d = strtok_r(NULL, ":", &save))
			cands[n++] = xasprintf("%s/%s", d, cmd);
		free(copy);
	}
	int r = VAKT_E_NOTFOUND;
	for (size_t i = 0; i < n; i++) {
		const char *rel = cands[i];
		while (*rel == '/')
			rel++;
		struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
		int fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
		if (fd < 0)
			continue;
		struct stat st;
		bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
		close(fd);
		if (ok) {
			*ret = cands[i][0] == '/' ? xstrdup(cands[i]) : xasprintf("/%s", cands[i]);
			r = 0;
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(cands[i]);
	if (r < 0)
		vakt_error_set(err, VAKT_E_NOTFOUND, "%s: no executable \"%s\" in the container (PATH %s)", s->rootfs, cmd,
			       strchr(cmd, '/') ? "not searched" : path);
	return r;
}

/* ---- -p: a TCP proxy from the host into the container's network namespace ------------- *
 *
 * vakt itself listens on the host address and, for each connection, opens one to the
 * container's loopback from inside its network namespace (a socket keeps the namespace it
 * was created in: setns there, socket(), setns back), then copies bytes both ways until
 * either side closes. It is docker-proxy's approach: no tap device, no routing, nothing
 * but the published ports reachable, and it works rootless (the caller owns the
 * container's user namespace). */

#define PROXY_MAX_CONN 256

typedef struct proxy_conn {
	int a, b;          /* host side, container side */
	bool a_eof, b_eof;
} proxy_conn;

typedef struct proxy {
	int host_ns, ctr_ns;
	int *listen_fds;
	const vakt_port *ports;
	size_t nports;
	proxy_conn conns[PROXY_MAX_CONN];
	size_t nconns;
} proxy;

static int proxy_listen(proxy *px, const vakt_run_spec *s, pid_t pid, vakt_error **err)
{
	char path[64];
	memset(px, 0, sizeof(*px));
	px->host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	px->ctr_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (px->host_ns < 0 || px->ctr_ns < 0)
		return vakt_error_set(err, VAKT_E_IO, "-p: the network namespaces: %s", strerror(errno));
	px->ports = s->ports;
	px->nports = s->nports;
	px->listen_fds = xcalloc(s->nports, sizeof(int));
	for (size_t i = 0; i < s->nports; i++) {
		const vakt_port *p = &s->ports[i];
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->host_port)};
		if (inet_pton(AF_INET, p->host_addr ? p->host_addr : "127.0.0.1", &a.sin_addr) != 1)
			return vakt_error_set(err, VAKT_E_USAGE, "-p: bad address %s", p->host_addr);
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		int one = 1;
		px->listen_fds[i] = fd;
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0)
			return vakt_error_set(err, VAKT_E_IO, "-p %s:%u: %s", p->host_addr ? p->host_addr : "127.0.0.1",
					      p->host_port, strerror(errno));
	}
	return 0;
}

static void proxy_close(proxy *px)
{
	for (size_t i = 0; i < px->nconns; i++)
		close(px->conns[i].a), close(px->conns[i].b);
	for (size_t i = 0; px->listen_fds && i < px->nports; i++)
		if (px->listen_fds[i] >= 0)
			close(px->listen_fds[i]);
	free(px->listen_fds);
	if (px->host_ns >= 0)
		close(px->host_ns);
	if (px->ctr_ns >= 0)
		close(px->ctr_ns);
}

static void proxy_accept(proxy *px, size_t li)
{
	int a = accept4(px->listen_fds[li], NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return;
	if (px->nconns == PROXY_MAX_CONN || setns(px->ctr_ns, CLONE_NEWNET) < 0) {
		close(a);
		return;
	}
	int b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (setns(px->host_ns, CLONE_NEWNET) < 0)
		abort(); /* vakt would go on in the container's network: never */
	struct sockaddr_in c = {.sin_family = AF_INET, .sin_port = htons((uint16_t)px->ports[li].ctr_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (b < 0 || connect(b, (struct sockaddr *)&c, sizeof(c)) < 0) {
		close(a);
		if (b >= 0)
			close(b);
		return;
	}
	px->conns[px->nconns++] = (proxy_conn){a, b, false, false};
}

/* Copy what from can give to to; false when from reached its end (or failed). */
static bool proxy_copy(int from, int to)
{
	char buf[65536];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

/* Serve the published ports and, with -t, copy between our stdio and the pseudo-terminal,
 * until the container's first process exits. */
static void proxy_run(proxy *px, pid_t pid, int tty_master)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool in_eof = tty_master < 0;
	for (;;) {
		struct pollfd fds[3 + 16 + 2 * PROXY_MAX_CONN];
		size_t n = 0;
		fds[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = in_eof ? -1 : STDIN_FILENO, .events = POLLIN};
		fds[n++] = (struct pollfd){.fd = tty_master, .events = POLLIN};
		for (size_t i = 0; i < px->nports && i < 16; i++)
			fds[n++] = (struct pollfd){.fd = px->listen_fds[i], .events = POLLIN};
		size_t base = n;
		for (size_t i = 0; i < px->nconns; i++) {
			fds[n++] = (struct pollfd){.fd = px->conns[i].a_eof ? -1 : px->conns[i].a, .events = POLLIN};
			fds[n++] = (struct pollfd){.fd = px->conns[i].b_eof ? -1 : px->conns[i].b, .events = POLLIN};
		}
		if (poll(fds, n, pidfd < 0 ? 200 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (tty_master >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !proxy_copy(tty_master, STDOUT_FILENO))
			tty_master = -1; /* the terminal's other side is gone */
		if (!in_eof && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !proxy_copy(STDIN_FILENO, tty_master))
			in_eof = true;
		if (pidfd >= 0 ? (fds[0].revents & POLLIN) : waitpid(pid, NULL, WNOHANG | WNOWAIT) == pid)
			break;
		for (size_t i = 0; i < px->nports && i < 16; i++)
			if (fds[3 + i].revents & POLLIN)
				proxy_accept(px, i);
		for (size_t i = 0; i < px->nconns && base + 2 * i + 1 < n; i++) {
			proxy_conn *c = &px->conns[i];
			if (fds[base + 2 * i].revents & (POLLIN | POLLHUP | POLLERR) && !proxy_copy(c->a, c->b)) {
				c->a_eof = true;
				shutdown(c->b, SHUT_WR);
			}
			if (fds[base + 2 * i + 1].revents & (POLLIN | POLLHUP | POLLERR) && !proxy_copy(c->b, c->a)) {
				c->b_eof = true;
				shutdown(c->a, SHUT_WR);
			}
		}
		/* drop the finished pairs */
		size_t k = 0;
		for (size_t i = 0; i < px->nconns; i++) {
			if (px->conns[i].a_eof && px->conns[i].b_eof) {
				close(px->conns[i].a), close(px->conns[i].b);
				continue;
			}
			px->conns[k++] = px->conns[i];
		}
		px->nconns = k;
	}
	if (tty_master >= 0) {
		/* what the command wrote just before exiting */
		fcntl(tty_master, F_SETFL, fcntl(tty_master, F_GETFL) | O_NONBLOCK);
		while (proxy_copy(tty_master, STDOUT_FILENO))
			;
	}
	if (pidfd >= 0)
		close(pidfd);
}

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static unsigned kernel_version(void)
{
	FILE *f = fopen("/proc/sys/kernel/osrelease", "re");
	unsigned maj = 0, min = 0;
	if (f) {
		if (fscanf(f, "%u.%u", &maj, &min) != 2)
			maj = min = 0;
		fclose(f);
	}
	return maj * 1000 + min;
}

int vakt_run(const vakt_run_spec *s, int *ret_status, vakt_error **err)
{
	struct stat st;
	if (stat(s->rootfs, &st) < 0)
		return vakt_error_set(err, VAKT_E_NOTFOUND, "%s: %s", s->rootfs, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return vakt_error_set(err, VAKT_E_USAGE, "%s: not a directory (give a rootfs directory or an image)",
				      s->rootfs);
	if (!s->argv || !s->argv[0])
		return vakt_error_set(err, VAKT_E_USAGE, "no command: give one, or an image with an entrypoint or cmd");
	int root_fd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return vakt_error_set(err, VAKT_E_IO, "%s: %s", s->rootfs, strerror(errno));
	char *exe = NULL;
	int r = resolve_command(s, root_fd, &exe, err);
	if (r >= 0)
		r = prepare_mountpoints(s, root_fd, err);
	vakt_seccomp_prog prog = {0};
	if (r >= 0 && !s->no_seccomp)
		r = vakt_seccomp_build(s->caps, kernel_version(), s->seccomp_profile, &prog, err);
	vakt_cgroup *cg = NULL;
	char id[32];
	snprintf(id, sizeof(id), "run-%d", (int)getpid());
	if (r >= 0)
		r = vakt_cgroup_create(NULL, id, &s->limits, s->warn, s->ud, &cg, err);
	int sync[2] = {-1, -1}, errp[2] = {-1, -1};
	if (r >= 0 && (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0 || pipe2(errp, O_CLOEXEC) < 0))
		r = vakt_error_set(err, VAKT_E_IO, "pipe: %s", strerror(errno));
	/* -t: a pseudo-terminal of the host's; the container's stdio is its slave side, and
	 * our own terminal (when there is one) goes raw while we copy */
	int tty_master = -1, tty_slave = -1;
	struct termios saved_tio;
	bool tio_saved = false;
	if (r >= 0 && s->tty) {
		tty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		const char *name = tty_master >= 0 && grantpt(tty_master) == 0 && unlockpt(tty_master) == 0
					   ? ptsname(tty_master)
					   : NULL;
		tty_slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
		if (tty_slave < 0)
			r = vakt_error_set(err, VAKT_E_IO, "-t: a pseudo-terminal: %s", strerror(errno));
		struct winsize ws;
		if (r >= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(tty_master, TIOCSWINSZ, &ws);
		if (r >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
			struct termios raw = saved_tio;
			cfmakeraw(&raw);
			tio_saved = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		}
	}
	pid_t pid = -1;
	/* forward signals from before the container exists: it may print, and be signalled,
	 * before the parent learns that exec happened. The child resets them. */
	struct sigaction sa = {.sa_handler = forward_signal};
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction old_sa[6];
	for (size_t i = 0; i < 6; i++)
		sigaction(sigs[i], &sa, &old_sa[i]);
	if (r >= 0) {
		uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
		if (s->userns)
			flags |= CLONE_NEWUSER;
		if (!s->network_host)
			flags |= CLONE_NEWNET;
		struct clone_args ca = {.flags = flags, .exit_signal = SIGCHLD};
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid > 0)
			child_pid = pid;
		if (pid < 0)
			r = vakt_error_set(err, errno == EINVAL || errno == EPERM ? VAKT_E_USAGE : VAKT_E_IO,
					   "creating the container's namespaces: %s%s", strerror(errno),
					   errno == EPERM || errno == ENOSPC ? " (are user namespaces enabled?)" : "");
	}
	if (pid == 0) {
		for (size_t i = 0; i < 6; i++)
			signal(sigs[i], SIG_DFL);
		close(sync[1]);
		close(errp[0]);
		child_ctx c = {.spec = s, .sync_fd = sync[0], .err_fd = errp[1], .root_fd = root_fd,
			       .seccomp = s->no_seccomp ? NULL : &prog, .exe = exe, .tty_slave = tty_slave};
		child_main(&c);
	}
	if (sync[0] >= 0)
		close(sync[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (r >= 0 && s->userns) {
		char map[64];
		if (getuid() == 0) {
			snprintf(map, sizeof(map), "0 %u %u\n", map_base("/etc/subuid"), MAP_COUNT);
			r = write_proc(pid, "uid_map", map, err);
			snprintf(map, sizeof(map), "0 %u %u\n", map_base("/etc/subgid"), MAP_COUNT);
			if (r >= 0)
				r = write_proc(pid, "gid_map", map, err);
		} else {
			/* rootless: the container's root is the calling user, nothing more */
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)getuid());
			r = write_proc(pid, "uid_map", map, err);
			if (r >= 0)
				r = write_proc(pid, "setgroups", "deny", err);
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)getgid());
			if (r >= 0)
				r = write_proc(pid, "gid_map", map, err);
		}
	}
	/* the maps are written: the child may build its filesystem while we move it into
	 * its cgroups; it waits for the second byte before anything of the command runs */
	int tree_fd = r >= 0 && s->userns && s->idmap ? idmapped_tree(s, pid) : -1;
	if (r >= 0 && vakt_send_fd(sync[1], "m", 1, tree_fd) != 1) /* the first go-ahead */
		r = vakt_error_set(err, VAKT_E_IO, "starting the container: %s", strerror(errno));
	if (tree_fd >= 0)
		close(tree_fd);
	if (r >= 0 && cg)
		r = vakt_cgroup_attach(cg, pid, err);
	proxy px = {.host_ns = -1, .ctr_ns = -1};
	if (r >= 0 && s->nports) {
		if (s->network_host)
			r = vakt_error_set(err, VAKT_E_USAGE, "-p makes no sense with --network host");
		else
			r = proxy_listen(&px, s, pid, err);
	}
	if (pid > 0) {
		if (r >= 0) {
			if (write(sync[1], "g", 1) != 1)
				r = vakt_error_set(err, VAKT_E_IO, "starting the container: %s", strerror(errno));
		}
		close(sync[1]);
		if (r < 0)
			kill(pid, SIGKILL);
		/* exec happened when the error pipe closes with nothing in it */
		char msg[1024];
		ssize_t n = r >= 0 ? read(errp[0], msg, sizeof(msg) - 1) : 0;
		close(errp[0]);
		if (n > 0) {
			msg[n] = '\0';
			r = vakt_error_set(err, VAKT_E_IO, "starting the container: %s", msg);
		}
		int status = 0;
		if (tty_slave >= 0)
			close(tty_slave), tty_slave = -1;
		if (r >= 0 && (s->nports || tty_master >= 0))
			proxy_run(&px, pid, tty_master);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		if (r >= 0)
			*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	} else {
		if (sync[1] >= 0)
			close(sync[1]);
		if (errp[0] >= 0)
			close(errp[0]);
	}
	child_pid = 0;
	for (size_t i = 0; i < 6; i++)
		sigaction(sigs[i], &old_sa[i], NULL);
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	if (tty_slave >= 0)
		close(tty_slave);
	if (tty_master >= 0)
		close(tty_master);
	proxy_close(&px);
	vakt_cgroup_destroy(cg);
	vakt_seccomp_prog_free(&prog);
	free(exe);
	close(root_fd);
	return r < 0 ? r : 0;
}
