/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A thin layer over sd-bus (libsystemd) for talking to the desktop's daemons
 * (NetworkManager, firewalld) on the system bus. sd-bus is small, plain C and
 * needs no main loop: every call here is a blocking method call with a
 * bounded timeout. The bus is the one sd_bus_open_system() finds, which
 * honours $DBUS_SYSTEM_BUS_ADDRESS (the testbed's private bus).
 *
 * Errors become uw_error sentences; text from a daemon (its error message)
 * is untrusted and is sanitized of control characters before it is stored.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "core/error.h"

/* Method call timeout (microseconds): a hung daemon must not hang us. */
#define UW_DBUS_TIMEOUT_USEC (10ULL * 1000 * 1000)

/*
 * Open the system bus. Returns 0 and sets *@bus, or a negative errno with a
 * sentence (no bus: "the D-Bus system bus at ADDRESS is not reachable").
 * Close with sd_bus_flush_close_unref() (or _auto_(sd_bus) below).
 */
int uw_dbus_open(sd_bus **bus, struct uw_error *err);

/*
 * libsystemd is not linked but loaded on first use (core/dbus-sd.c):
 * uw_dbus_open loads it only when the bus socket exists. uw_sd_load returns
 * 0 or an error saying what to install; uw_sd_loaded says whether it was.
 */
int uw_sd_load(struct uw_error *err);
bool uw_sd_loaded(void);

/* Is well-known @name (e.g. "org.freedesktop.NetworkManager") owned on the
 * bus? 1 yes, 0 no, negative errno (with a sentence) on error. */
int uw_dbus_name_has_owner(sd_bus *bus, const char *name, struct uw_error *err);

/*
 * Properties (org.freedesktop.DBus.Properties.Get/Set). Each returns 0, or a
 * negative errno with a sentence naming @what (a few plain words: "usb0's
 * Managed property") and the daemon's own error.
 */
int uw_dbus_get_bool(sd_bus *bus, const char *dest, const char *path, const char *iface,
		     const char *prop, bool *out, const char *what, struct uw_error *err);
int uw_dbus_get_u32(sd_bus *bus, const char *dest, const char *path, const char *iface,
		    const char *prop, uint32_t *out, const char *what, struct uw_error *err);
/* A string or object path ('s' or 'o' property), copied into @buf (sanitized,
 * truncated to @len - 1). */
int uw_dbus_get_str(sd_bus *bus, const char *dest, const char *path, const char *iface,
		    const char *prop, char type, char *buf, size_t len, const char *what,
		    struct uw_error *err);
int uw_dbus_set_bool(sd_bus *bus, const char *dest, const char *path, const char *iface,
		     const char *prop, bool value, const char *what, struct uw_error *err);

/*
 * Turn a failed sd-bus call into a sentence: "@what failed: DAEMON MESSAGE
 * (ERROR NAME)". @r is the sd-bus return (negative errno), @e the call's
 * error (may be NULL or unset). Returns the negative code.
 */
int uw_dbus_error(struct uw_error *err, int r, const sd_bus_error *e, const char *what);

/* Make untrusted daemon text safe to show (core/sanitize.h; newlines become spaces). */
void uw_dbus_sanitize(char *s);

static inline void sd_bus_autoptr(sd_bus **b)
{
	if (*b)
		sd_bus_flush_close_unref(*b);
}
static inline void sd_bus_message_autoptr(sd_bus_message **m)
{
	if (*m)
		sd_bus_message_unref(*m);
}
