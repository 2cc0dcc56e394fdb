/* cleanup.h - scope-bound resource release, after systemd's src/basic/macro.h.
 *
 *   _cleanup_free_ char *s = NULL;      free(s) when s leaves scope
 *   _cleanup_close_ int fd = -1;        close(fd) when fd leaves scope (if >= 0)
 *   return TAKE_PTR(s);                 hand ownership to the caller
 *
 * Destructors accept NULL (or -1) so every variable can be initialised to "nothing".
 */
#ifndef VAKT_CORE_CLEANUP_H
#define VAKT_CORE_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void vakt_freep(void *p) { free(*(void **)p); }
static inline void vakt_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void vakt_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void vakt_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ _cleanup_(vakt_freep)
#define _cleanup_close_ _cleanup_(vakt_closep)
#define _cleanup_fclose_ _cleanup_(vakt_fclosep)
#define _cleanup_closedir_ _cleanup_(vakt_closedirp)

/* Define a cleanup helper "name##p" for a type whose destructor takes T*. */
#define VAKT_DEFINE_CLEANUP(type, func)                                                    \
	static inline void func##p(type *p)                                                    \
	{                                                                                      \
		if (*p)                                                                            \
			func(*p);                                                                      \
	}

/* Return the pointer and reset the variable, so its cleanup does nothing. */
#define TAKE_PTR(p)                                                                        \
	({                                                                                     \
		__typeof__(p) _tp_ = (p);                                                          \
		(p) = NULL;                                                                        \
		_tp_;                                                                              \
	})

#define TAKE_FD(fd)                                                                        \
	({                                                                                     \
		int _tfd_ = (fd);                                                                  \
		(fd) = -1;                                                                         \
		_tfd_;                                                                             \
	})

#define VAKT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
