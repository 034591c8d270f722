// SPDX-License-Identifier: GPL-2.0-or-later
/* Libraries loaded on first use (core/dynlib.h). */
#include "core/dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

int uw_dynlib_load(struct uw_dynlib *lib, struct uw_error *err)
{
	void *h;

	if (__atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&load_lock);
	if (!lib->tried) {
		const char *e;

		lib->tried = true;
		h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!h && (e = dlerror()))
			snprintf(lib->error, sizeof(lib->error), "%s", e);
		__atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
	}
	h = lib->handle;
	pthread_mutex_unlock(&load_lock);
	if (h)
		return 0;
	return uw_error_set(err, -ENOENT, "%s (%s) could not be loaded (%s)%s: install it (Debian: "
			    "apt-get install %s), then try again.", lib->what, lib->soname,
			    lib->error[0] ? lib->error : "not found", lib->when, lib->package);
}

bool uw_dynlib_loaded(struct uw_dynlib *lib)
{
	return __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE) != NULL;
}

void *uw_dynlib_sym(struct uw_dynlib *lib, const char *name)
{
	void *p;

	if (uw_dynlib_load(lib, NULL) < 0 || !(p = dlsym(lib->handle, name)))
		abort();
	return p;
}
