/* fdpass.h - one message with a descriptor attached (SCM_RIGHTS) over a Unix socket.
 *
 * Used where vakt hands descriptors between processes: the runtime's parent and the
 * container's init (idmapped mounts, device nodes), the init and the engine's console
 * socket (a pty master), and back. Both are async-signal-safe: the init calls them
 * between clone and exec.
 */
#ifndef VAKT_CORE_FDPASS_H
#define VAKT_CORE_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send len bytes of data (at least 1) with fd attached (fd < 0: none), MSG_NOSIGNAL.
 * Returns the bytes sent or -errno. */
ssize_t vakt_send_fd(int sock, const void *data, size_t len, int fd);

/* Receive one message of at most cap bytes into buf; *ret_fd is the descriptor that came
 * with it (close-on-exec), or -1. Returns the bytes received (0 at end of file) or
 * -errno. */
ssize_t vakt_recv_fd(int sock, void *buf, size_t cap, int *ret_fd);

#endif
