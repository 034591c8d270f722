// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/env.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
	uw_bug("out of memory");
}

void uw_bug(const char *fmt, ...)
{
	/* The only place core/ writes to stderr: we are about to abort. */
	char msg[256];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "usbnet-wizard: ");
	ssize_t r;

	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	r = write(2, msg, (size_t)n);
	(void)r;
	abort();
}

void *uw_malloc0(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *uw_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *uw_strdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		oom();
	return d;
}

char *uw_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return s;
}

size_t uw_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

long uw_env_long(const char *name, long min, long max, long def)
{
	const char *e = getenv(name);
	char *end;
	long v;

	if (!e || !*e)
		return def;
	v = strtol(e, &end, 10);
	return !*end && v >= min && v <= max ? v : def;
}

long long uw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool uw_fault(const char *what, size_t n)
{
	const char *f = uw_env_get(UW_ENV_FAULT);
	size_t wl = strlen(what);

	if (!f || strncmp(f, what, wl) || f[wl] != ':')
		return false;
	return (size_t)atoi(f + wl + 1) == n;
}
