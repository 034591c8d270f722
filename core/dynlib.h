/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Libraries loaded when a command first needs them (README, "Start-up"):
 * the binary is not linked against them; the file that uses one defines
 * each function it calls with the library's own prototype (its header is
 * included, so a wrong signature does not compile) and forwards it to the
 * real one, found with dlopen/dlsym on first use (UW_DYNLIB_FWD).
 *
 * Every entry point that leads to such a library calls uw_dynlib_load first
 * and returns its error, which names the library and the Debian package to
 * install; the forwarders are only reached after a successful load (a
 * missing symbol then means a library too old for this build: abort).
 */
#include <stdbool.h>

#include "core/error.h"

struct uw_dynlib {
	const char *soname;    /* "libnftables.so.1" (from the Makefile) */
	const char *what;      /* "The nftables library" */
	const char *when;      /* "" or ", but a system bus is there" */
	const char *package;   /* Debian's package: "libnftables1" */
	/* filled by uw_dynlib_load */
	void *handle;
	bool tried;
	char error[256];
};

#define UW_DYNLIB(soname, what, when, package) \
	{ (soname), (what), (when), (package), NULL, false, "" }

/* Load @lib once per process: 0, or -ENOENT with "The nftables library
 * (libnftables.so.1) could not be loaded (...): install it (Debian: apt-get
 * install libnftables1), then try again." Thread-safe. */
int uw_dynlib_load(struct uw_dynlib *lib, struct uw_error *err);

/* Was @lib loaded (by an earlier uw_dynlib_load)? */
bool uw_dynlib_loaded(struct uw_dynlib *lib);

/* The address of @name in @lib, loading it first; aborts when either fails. */
void *uw_dynlib_sym(struct uw_dynlib *lib, const char *name);

/* In a forwarder: uw_fn, the real @name of @lib (looked up once). */
#define UW_DYNLIB_LOOKUP(lib, name)                                           \
	static __typeof__(&name) uw_fp;                                       \
	__typeof__(&name) uw_fn = __atomic_load_n(&uw_fp, __ATOMIC_ACQUIRE);  \
	if (!uw_fn) {                                                         \
		uw_fn = (__typeof__(&name))uw_dynlib_sym((lib), #name);       \
		__atomic_store_n(&uw_fp, uw_fn, __ATOMIC_RELEASE);            \
	}

/* Define @name (prototype @params, from the library's header) to forward
 * to @lib's own with @args; UW_DYNLIB_VFWD for a void function. */
#define UW_DYNLIB_FWD(lib, ret, name, params, args) \
	ret name params { UW_DYNLIB_LOOKUP(lib, name) return uw_fn args; }
#define UW_DYNLIB_VFWD(lib, name, params, args) \
	void name params { UW_DYNLIB_LOOKUP(lib, name) uw_fn args; }
