/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Small helpers shared by core/: cleanup attributes (ell's _auto_, NM's
 * gs_free), ownership steal, array size, and the one out-of-memory policy.
 */

#include <stdlib.h>
#include <unistd.h>

#define UW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Declare a cleanup function usable with _auto_(name) for type T *. */
#define UW_DEFINE_CLEANUP(T, fn)                                   \
	static inline void fn##_autoptr(T **p)                      \
	{                                                           \
		if (*p)                                             \
			fn(*p);                                     \
	}

#define _auto_(fn) __attribute__((cleanup(fn##_autoptr)))

static inline void free_autoptr(void *p)
{
	free(*(void **)p);
}

static inline void close_fd_autoptr(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _auto_fd_ __attribute__((cleanup(close_fd_autoptr)))

/* Hand ownership on: return *pp and set *pp to NULL. */
#define uw_steal_ptr(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define uw_steal_fd(pfd) ({ int _fd = *(pfd); *(pfd) = -1; _fd; })

/*
 * Out-of-memory policy: allocation failure of a few hundred bytes means the
 * machine is in trouble and nothing we can say will help; these abort with a
 * message instead of threading -ENOMEM through every path.
 */
/* Out of memory or a broken internal invariant (never bad input): say so on
 * stderr and abort. The one place core/ writes to stderr. */
void uw_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void *uw_malloc0(size_t n);
void *uw_realloc(void *p, size_t n);
char *uw_strdup(const char *s);
char *uw_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Safe bounded copy; always NUL-terminates. Returns strlen(src). */
size_t uw_strlcpy(char *dst, const char *src, size_t size);

/*
 * The whole number in environment variable @name when it is one within
 * [@min, @max]; otherwise (unset, empty, not a number, out of range) @def.
 */
long uw_env_long(const char *name, long min, long max, long def);

/*
 * Fault injection for the crash and rollback tests only: true when
 * USBNET_WIZARD_FAULT is "@what:@n" (docs/testing.md). Unset in real use.
 */
#include <stdbool.h>
bool uw_fault(const char *what, size_t n);

/* Milliseconds on the monotonic clock (for timeouts and intervals). */
long long uw_now_ms(void);
