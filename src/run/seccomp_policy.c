/* seccomp_policy.c - vakt's default system call policy.
 *
 * The same rules as Docker's default seccomp profile (moby profiles/seccomp/default.json),
 * written as vakt data: an allowlist, every other syscall failing with EPERM (ENOSYS
 * above the highest number named here; see seccomp.c). Entries are in the Docker
 * profile's order so a reviewer can read the two side by side, and the unit test
 * (tests/unit/run/test_seccomp.c) checks that every name, action, argument condition,
 * capability, architecture and minKernel agrees with ../shared/data/seccomp/docker-default.json.
 *
 * Why some rules are there:
 *  - socket: every address family but AF_ALG (38) and AF_VSOCK (40): kernel crypto and
 *    host-guest sockets are attack surface a container does not need.
 *  - personality: only the personas programs really set (Linux, 32-bit, uname26) and
 *    the query 0xffffffff; not READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE.
 *  - clone without CAP_SYS_ADMIN: no CLONE_NEW* flag (arg 0, arg 1 on s390), so no new
 *    namespaces; clone3 cannot be filtered by flags (they sit in memory), so it fails
 *    with ENOSYS and libc falls back to clone.
 *  - ptrace and process_vm_*: only from 4.8, where ptrace can no longer bypass seccomp.
 */
#include <linux/capability.h>
#include <string.h>

#include "run/seccomp_policy.h"

#define VAKT_SC_LIST(...) ((const char *const[]){__VA_ARGS__, NULL})
#define VAKT_SC_ARGS(...) ((const vakt_sc_arg[]){__VA_ARGS__})

/* Which architectures a filter covers besides the native one (Docker's archMap): a
 * 64-bit kernel runs the 32-bit ABIs too, so an amd64 container's filter must also
 * decide i386 (int 0x80) and x32 syscalls, or they would bypass it. */
static const vakt_sc_archmap default_archmap[] = {
	{ "SCMP_ARCH_X86_64", VAKT_SC_LIST("SCMP_ARCH_X86", "SCMP_ARCH_X32") },
	{ "SCMP_ARCH_AARCH64", VAKT_SC_LIST("SCMP_ARCH_ARM") },
	{ "SCMP_ARCH_MIPS64", VAKT_SC_LIST("SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32") },
	{ "SCMP_ARCH_MIPS64N32", VAKT_SC_LIST("SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64") },
	{ "SCMP_ARCH_MIPSEL64", VAKT_SC_LIST("SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32") },
	{ "SCMP_ARCH_MIPSEL64N32", VAKT_SC_LIST("SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64") },
	{ "SCMP_ARCH_S390X", VAKT_SC_LIST("SCMP_ARCH_S390") },
	{ "SCMP_ARCH_RISCV64", NULL },
	{ "SCMP_ARCH_LOONGARCH64", NULL },
};

static const vakt_sc_rule default_rules[] = {
	{
		.names = VAKT_SC_LIST(
			"accept", "accept4", "access", "adjtimex", "alarm", "bind",
			"brk", "cachestat", "capget", "capset", "chdir", "chmod",
			"chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
			"clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
			"connect", "copy_file_range", "creat", "dup", "dup2", "dup3",
			"epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2",
			"epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
			"exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
			"fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2",
			"fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync",
			"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
			"fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync",
			"ftruncate", "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait",
			"futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
			"getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
			"getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
			"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid",
			"getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage",
			"getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
			"getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch", "inotify_init",
			"inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
			"io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
			"ipc", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
			"lchown32", "lgetxattr", "link", "linkat", "listen", "listmount",
			"listxattr", "listxattrat", "llistxattr", "_llseek", "lremovexattr", "lseek",
			"lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier",
			"memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
			"mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2",
			"mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
			"mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl",
			"msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
			"munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
			"openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
			"pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
			"ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
			"process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2",
			"read", "readahead", "readlink", "readlinkat", "readv", "recv",
			"recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr",
			"removexattrat", "rename", "renameat", "renameat2", "restart_syscall", "riscv_hwprobe",
			"rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
			"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity",
			"sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
			"sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield",
			"seccomp", "select", "semctl", "semget", "semop", "semtimedop",
			"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
			"sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid",
			"setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority",
			"setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
			"setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt",
			"set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr", "setxattrat",
			"shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
			"signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
			"splice", "stat", "stat64", "statfs", "statfs64", "statmount",
			"statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs",
			"sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
			"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
			"timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill",
			"truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink",
			"unlinkat", "uretprobe", "utime", "utimensat", "utimensat_time64", "utimes",
			"vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
			"writev"),
		.action = VAKT_SC_ALLOW,
	},
	{
		.names = VAKT_SC_LIST("process_vm_readv", "process_vm_writev", "ptrace"),
		.action = VAKT_SC_ALLOW,
		.min_kernel = 4008, /* 4.8 */
	},
	{
		.names = VAKT_SC_LIST("socket"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_LT, 38, 0} /* below AF_ALG */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("socket"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 39, 0} /* AF_NFC */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("socket"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_GT, 40, 0} /* above AF_VSOCK */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("personality"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 0, 0} /* PER_LINUX */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("personality"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 8, 0} /* PER_LINUX32 */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("personality"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 131072, 0} /* UNAME26 */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("personality"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 131080, 0} /* UNAME26 | PER_LINUX32 */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("personality"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_EQ, 4294967295, 0} /* query */),
		.nargs = 1,
	},
	{
		.names = VAKT_SC_LIST("sync_file_range2", "swapcontext"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("ppc64le"),
	},
	{
		.names = VAKT_SC_LIST("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("arm", "arm64"),
	},
	{
		.names = VAKT_SC_LIST("arch_prctl"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("amd64", "x32"),
	},
	{
		.names = VAKT_SC_LIST("modify_ldt"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("amd64", "x32", "x86"),
	},
	{
		.names = VAKT_SC_LIST("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("s390", "s390x"),
	},
	{
		.names = VAKT_SC_LIST("riscv_flush_icache"),
		.action = VAKT_SC_ALLOW,
		.arches_incl = VAKT_SC_LIST("riscv64"),
	},
	{
		.names = VAKT_SC_LIST("open_by_handle_at"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_DAC_READ_SEARCH"),
	},
	{
		.names = VAKT_SC_LIST(
			"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount",
			"fsopen", "fspick", "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr",
			"mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl",
			"quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
			"umount2", "unshare"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_ADMIN"),
	},
	{
		.names = VAKT_SC_LIST("clone"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({0, VAKT_SC_MASKED_EQ, 2114060288, 0} /* 0x7e020000: CLONE_NEW* */),
		.nargs = 1,
		.caps_excl = VAKT_SC_LIST("CAP_SYS_ADMIN"),
		.arches_excl = VAKT_SC_LIST("s390", "s390x"),
	},
	{
		.names = VAKT_SC_LIST("clone"),
		.action = VAKT_SC_ALLOW,
		.args = VAKT_SC_ARGS({1, VAKT_SC_MASKED_EQ, 2114060288, 0} /* 0x7e020000: CLONE_NEW* */),
		.nargs = 1,
		.arches_incl = VAKT_SC_LIST("s390", "s390x"),
		.caps_excl = VAKT_SC_LIST("CAP_SYS_ADMIN"),
		.comment = "s390 parameter ordering for clone is different",
	},
	{
		.names = VAKT_SC_LIST("clone3"),
		.action = VAKT_SC_ERRNO,
		.errno_ret = 38,
		.caps_excl = VAKT_SC_LIST("CAP_SYS_ADMIN"),
	},
	{
		.names = VAKT_SC_LIST("reboot"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_BOOT"),
	},
	{
		.names = VAKT_SC_LIST("chroot"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_CHROOT"),
	},
	{
		.names = VAKT_SC_LIST("delete_module", "init_module", "finit_module"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_MODULE"),
	},
	{
		.names = VAKT_SC_LIST("acct"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_PACCT"),
	},
	{
		.names = VAKT_SC_LIST("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_PTRACE"),
	},
	{
		.names = VAKT_SC_LIST("iopl", "ioperm"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_RAWIO"),
	},
	{
		.names = VAKT_SC_LIST("settimeofday", "stime", "clock_settime", "clock_settime64"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_TIME"),
	},
	{
		.names = VAKT_SC_LIST("vhangup"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_TTY_CONFIG"),
	},
	{
		.names = VAKT_SC_LIST("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYS_NICE"),
	},
	{
		.names = VAKT_SC_LIST("syslog"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_SYSLOG"),
	},
	{
		.names = VAKT_SC_LIST("bpf"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_BPF"),
	},
	{
		.names = VAKT_SC_LIST("perf_event_open"),
		.action = VAKT_SC_ALLOW,
		.caps_incl = VAKT_SC_LIST("CAP_PERFMON"),
	},
};

const vakt_sc_policy vakt_sc_default_policy = {
	.default_action = VAKT_SC_ERRNO,
	.default_errno = 1, /* EPERM */
	.archmap = default_archmap,
	.narchmap = sizeof(default_archmap) / sizeof(default_archmap[0]),
	.rules = default_rules,
	.nrules = sizeof(default_rules) / sizeof(default_rules[0]),
};

/* ---- capability names ------------------------------------------------------------------ */

#define CAP(n) { "CAP_" #n, CAP_##n }
static const struct {
	const char *name;
	int nr;
} cap_names[] = {
	CAP(CHOWN), CAP(DAC_OVERRIDE), CAP(DAC_READ_SEARCH), CAP(FOWNER), CAP(FSETID),
	CAP(KILL), CAP(SETGID), CAP(SETUID), CAP(SETPCAP), CAP(LINUX_IMMUTABLE),
	CAP(NET_BIND_SERVICE), CAP(NET_BROADCAST), CAP(NET_ADMIN), CAP(NET_RAW),
	CAP(IPC_LOCK), CAP(IPC_OWNER), CAP(SYS_MODULE), CAP(SYS_RAWIO), CAP(SYS_CHROOT),
	CAP(SYS_PTRACE), CAP(SYS_PACCT), CAP(SYS_ADMIN), CAP(SYS_BOOT), CAP(SYS_NICE),
	CAP(SYS_RESOURCE), CAP(SYS_TIME), CAP(SYS_TTY_CONFIG), CAP(MKNOD), CAP(LEASE),
	CAP(AUDIT_WRITE), CAP(AUDIT_CONTROL), CAP(SETFCAP), CAP(MAC_OVERRIDE),
	CAP(MAC_ADMIN), CAP(SYSLOG), CAP(WAKE_ALARM), CAP(BLOCK_SUSPEND), CAP(AUDIT_READ),
	CAP(PERFMON), CAP(BPF), CAP(CHECKPOINT_RESTORE),
};

int vakt_sc_cap_number(const char *name)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strcmp(cap_names[i].name, name) == 0)
			return cap_names[i].nr;
	return -1;
}

unsigned vakt_sc_policy_max_kernel(const vakt_sc_policy *pol)
{
	unsigned max = 0;
	for (size_t i = 0; i < pol->nrules; i++)
		if (pol->rules[i].min_kernel > max)
			max = pol->rules[i].min_kernel;
	return max;
}
