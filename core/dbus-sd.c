// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsystemd (sd-bus), loaded when a command first talks to the system bus.
 *
 * libsystemd brings libcap, libgcrypt, libgpg-error, liblzma, libzstd and
 * liblz4 with it, relocated by every command at start-up although only the
 * NetworkManager and firewalld parts (core/dbus.c, core/nm.c,
 * core/firewalld.c) use sd-bus. So the binary is not linked against it: as
 * core/phone-ssh.c does for libssh, this file defines each sd-bus function
 * those files call, with sd-bus's own prototype (the header is included, so
 * a wrong signature does not compile), forwarding to the real one found with
 * dlopen/dlsym on first use. The variadic ones forward to their va_list
 * twins (sd_bus_call_methodv, ...).
 *
 * uw_dbus_open (core/dbus.c) calls uw_sd_load only when the bus socket
 * exists, so a host without a system bus never loads libsystemd; every other
 * call works on a bus or message made after a successful load. The cleanup
 * functions (error_free, *_unref) are also reached with nothing to free when
 * nothing was loaded: then they do nothing.
 *
 * An sd-bus function new to core/ needs its FWD line below: until it has one
 * the link fails with "undefined reference to `sd_bus_...'".
 */
#include <stdarg.h>

#include <systemd/sd-bus.h>

#include "core/dbus.h"
#include "core/dynlib.h"

#ifndef UW_LIBSYSTEMD_SONAME
#define UW_LIBSYSTEMD_SONAME "libsystemd.so.0"
#endif

static struct uw_dynlib libsd = UW_DYNLIB(UW_LIBSYSTEMD_SONAME, "The D-Bus library",
					  ", but a system bus is there", "libsystemd0");

int uw_sd_load(struct uw_error *err)
{
	return uw_dynlib_load(&libsd, err);
}

bool uw_sd_loaded(void)
{
	return uw_dynlib_loaded(&libsd);
}

#define LOOKUP(name) UW_DYNLIB_LOOKUP(&libsd, name)
#define FWD(ret, name, params, args) UW_DYNLIB_FWD(&libsd, ret, name, params, args)
/* Variadic @name forwarded to its va_list twin @vname. */
#define VAFWD(name, vname, params, last, args)                                \
	int name params                                                       \
	{                                                                     \
		va_list ap;                                                   \
		int r;                                                        \
		LOOKUP(vname)                                                 \
		va_start(ap, last);                                           \
		r = uw_fn args;                                               \
		va_end(ap);                                                   \
		return r;                                                     \
	}

FWD(int, sd_bus_open_system, (sd_bus **ret), (ret))
FWD(int, sd_bus_set_method_call_timeout, (sd_bus *b, uint64_t usec), (b, usec))
FWD(int, sd_bus_get_unique_name, (sd_bus *b, const char **u), (b, u))
FWD(int, sd_bus_call, (sd_bus *b, sd_bus_message *m, uint64_t usec, sd_bus_error *e,
		       sd_bus_message **reply), (b, m, usec, e, reply))
FWD(int, sd_bus_get_property, (sd_bus *b, const char *d, const char *p, const char *i,
			       const char *m, sd_bus_error *e, sd_bus_message **reply,
			       const char *t), (b, d, p, i, m, e, reply, t))
FWD(int, sd_bus_get_property_string, (sd_bus *b, const char *d, const char *p, const char *i,
				      const char *m, sd_bus_error *e, char **ret),
    (b, d, p, i, m, e, ret))
FWD(int, sd_bus_match_signal, (sd_bus *b, sd_bus_slot **ret, const char *s, const char *p,
			       const char *i, const char *m, sd_bus_message_handler_t cb,
			       void *ud), (b, ret, s, p, i, m, cb, ud))
FWD(int, sd_bus_process, (sd_bus *b, sd_bus_message **r), (b, r))
FWD(int, sd_bus_wait, (sd_bus *b, uint64_t usec), (b, usec))
FWD(int, sd_bus_error_has_name, (const sd_bus_error *e, const char *n), (e, n))
FWD(int, sd_bus_message_new_method_call, (sd_bus *b, sd_bus_message **m, const char *d,
					  const char *p, const char *i, const char *mb),
    (b, m, d, p, i, mb))
FWD(int, sd_bus_message_open_container, (sd_bus_message *m, char t, const char *c), (m, t, c))
FWD(int, sd_bus_message_close_container, (sd_bus_message *m), (m))
FWD(int, sd_bus_message_enter_container, (sd_bus_message *m, char t, const char *c), (m, t, c))
FWD(int, sd_bus_message_exit_container, (sd_bus_message *m), (m))
FWD(sd_bus *, sd_bus_message_get_bus, (sd_bus_message *m), (m))
FWD(int, sd_bus_message_read_strv, (sd_bus_message *m, char ***l), (m, l))
FWD(int, sd_bus_message_appendv, (sd_bus_message *m, const char *t, va_list ap), (m, t, ap))
FWD(int, sd_bus_message_readv, (sd_bus_message *m, const char *t, va_list ap), (m, t, ap))

VAFWD(sd_bus_call_method, sd_bus_call_methodv,
      (sd_bus *b, const char *d, const char *p, const char *i, const char *m, sd_bus_error *e,
       sd_bus_message **reply, const char *t, ...), t, (b, d, p, i, m, e, reply, t, ap))
VAFWD(sd_bus_set_property, sd_bus_set_propertyv,
      (sd_bus *b, const char *d, const char *p, const char *i, const char *m, sd_bus_error *e,
       const char *t, ...), t, (b, d, p, i, m, e, t, ap))
VAFWD(sd_bus_message_append, sd_bus_message_appendv, (sd_bus_message *m, const char *t, ...), t,
      (m, t, ap))
VAFWD(sd_bus_message_read, sd_bus_message_readv, (sd_bus_message *m, const char *t, ...), t,
      (m, t, ap))

/* Reached from cleanups with nothing made when nothing was loaded. */
sd_bus *sd_bus_flush_close_unref(sd_bus *b)
{
	if (!b)
		return NULL;
	LOOKUP(sd_bus_flush_close_unref)
	return uw_fn(b);
}

sd_bus_message *sd_bus_message_unref(sd_bus_message *m)
{
	if (!m)
		return NULL;
	LOOKUP(sd_bus_message_unref)
	return uw_fn(m);
}

void sd_bus_error_free(sd_bus_error *e)
{
	if (!uw_sd_loaded())
		return;   /* no sd-bus call ran, so nothing set it */
	LOOKUP(sd_bus_error_free)
	uw_fn(e);
}

int sd_bus_error_is_set(const sd_bus_error *e)
{
	if (!uw_sd_loaded())
		return 0;
	LOOKUP(sd_bus_error_is_set)
	return uw_fn(e);
}
