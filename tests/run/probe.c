/* probe.c - a small static program run inside vakt containers by tests/run/run.py: it
 * tries what a hardened container must refuse and prints one line per attempt.
 *
 *   probe syscalls        unshare(CLONE_NEWUSER), keyctl, add_key, mount, ptrace,
 *                         a syscall number past the table: "NAME ok" or "NAME errno N"
 *   probe bind PORT       bind a TCP socket on 127.0.0.1:PORT
 *   probe chown PATH      chown PATH to 0:0
 *   probe alloc MB        touch MB megabytes (the memory limit should kill it)
 *   probe fork N          start N children that sleep; prints how many started
 *
 * Static and without sanitizers, so it runs in any rootfs and under any seccomp filter.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long r)
{
	if (r < 0)
		printf("%s errno %d\n", name, errno);
	else
		printf("%s ok\n", name);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(argv[1], "syscalls") == 0) {
		report("unshare_user", unshare(CLONE_NEWUSER));
		report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
		report("add_key", syscall(SYS_add_key, "user", "vakt", "x", 1, -3));
		report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
		report("ptrace", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
		report("future", syscall(1000));
		return 0;
	}
	if (strcmp(argv[1], "bind") == 0 && argc > 2) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])),
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		report("bind", s < 0 ? -1 : bind(s, (struct sockaddr *)&a, sizeof(a)));
		return 0;
	}
	if (strcmp(argv[1], "chown") == 0 && argc > 2) {
		report("chown", chown(argv[2], 0, 0));
		return 0;
	}
	if (strcmp(argv[1], "alloc") == 0 && argc > 2) {
		size_t mb = (size_t)atol(argv[2]);
		for (size_t i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);
			if (!p) {
				printf("alloc failed at %zu MB\n", i);
				return 1;
			}
			memset(p, 1, 1 << 20);
		}
		printf("alloc %zu MB ok\n", mb);
		return 0;
	}
	if (strcmp(argv[1], "fork") == 0 && argc > 2) {
		int n = atoi(argv[2]), started = 0;
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				sleep(2);
				_exit(0);
			}
			if (p > 0)
				started++;
		}
		printf("started %d\n", started);
		while (wait(NULL) > 0)
			;
		return 0;
	}
	return 2;
}
