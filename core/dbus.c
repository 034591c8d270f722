// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/dbus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/sanitize.h"
#include "core/util.h"

void uw_dbus_sanitize(char *s)
{
	uw_sanitize(s, UW_SAN_SPACES);
}

int uw_dbus_error(struct uw_error *err, int r, const sd_bus_error *e, const char *what)
{
	char msg[256] = "", name[128] = "";

	if (r >= 0)
		r = -EIO;
	if (e && sd_bus_error_is_set(e)) {
		if (e->message)
			uw_strlcpy(msg, e->message, sizeof(msg));
		if (e->name)
			uw_strlcpy(name, e->name, sizeof(name));
		uw_dbus_sanitize(msg);
		uw_dbus_sanitize(name);
	}
	if (!msg[0])
		uw_strlcpy(msg, strerror(-r), sizeof(msg));
	if (r == -ETIMEDOUT)
		return uw_error_set(err, r, "%s failed: the daemon did not answer on the system bus "
				    "within %llu s. Check that it is not hung, then try again.", what,
				    UW_DBUS_TIMEOUT_USEC / 1000000ULL);
	if (name[0])
		return uw_error_set(err, r, "%s failed: %s (%s).", what, msg, name);
	return uw_error_set(err, r, "%s failed: %s.", what, msg);
}

/*
 * Whether the system bus @addr names (DBUS_SYSTEM_BUS_ADDRESS, or NULL for
 * the default socket) is certainly absent: a single unix:path= address whose
 * socket does not exist. Anything else (several addresses, abstract sockets,
 * escapes, tcp:) is left to sd-bus. Lets a host without a bus answer "no
 * bus" without loading libsystemd.
 */
static bool bus_absent(const char *addr)
{
	char path[4096];
	const char *p;
	size_t n;
	struct stat st;

	if (!addr || !*addr) {
		uw_strlcpy(path, "/run/dbus/system_bus_socket", sizeof(path));
	} else {
		if (strncmp(addr, "unix:", 5) != 0 || strchr(addr, ';') || strchr(addr, '%'))
			return false;
		p = strstr(addr + 5, "path=");
		if (!p || (p != addr + 5 && p[-1] != ','))
			return false;
		p += 5;
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(path))
			return false;
		memcpy(path, p, n);
		path[n] = 0;
	}
	return stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR);
}

int uw_dbus_open(sd_bus **bus, struct uw_error *err)
{
	const char *addr = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	char shown[200];
	sd_bus *b = NULL;
	int r;

	*bus = NULL;
	uw_strlcpy(shown, addr && *addr ? addr : "/run/dbus/system_bus_socket", sizeof(shown));
	uw_dbus_sanitize(shown);
	if (bus_absent(addr))
		r = -ENOENT;
	else if ((r = uw_sd_load(err)) < 0)
		return r;
	else
		r = sd_bus_open_system(&b);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(b, UW_DBUS_TIMEOUT_USEC);
	if (r >= 0) {
		/* Connecting is asynchronous: wait until the bus said hello, so an
		 * unreachable bus is reported here and not by the first call. */
		r = sd_bus_get_unique_name(b, &(const char *){ NULL });
	}
	if (r < 0) {
		sd_bus_flush_close_unref(b);
		return uw_error_set(err, r, "The D-Bus system bus (%s) is not reachable: %s. Is the dbus "
				    "service running? Without it, NetworkManager and firewalld cannot be asked "
				    "anything.", shown, strerror(-r));
	}
	*bus = b;
	return 0;
}

int uw_dbus_name_has_owner(sd_bus *bus, const char *name, struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	int has = 0, r;

	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &e, &reply, "s", name);
	if (r >= 0)
		r = sd_bus_message_read(reply, "b", &has);
	if (r < 0) {
		r = uw_dbus_error(err, r, &e, "Asking the system bus whether a daemon runs");
		sd_bus_error_free(&e);
		return r;
	}
	return has ? 1 : 0;
}

static int get_prop(sd_bus *bus, const char *dest, const char *path, const char *iface,
		    const char *prop, const char *type, sd_bus_message **reply, const char *what,
		    struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_get_property(bus, dest, path, iface, prop, &e, reply, type);
	if (r < 0) {
		char w[160];

		snprintf(w, sizeof(w), "Reading %s", what);
		r = uw_dbus_error(err, r, &e, w);
		sd_bus_error_free(&e);
	}
	return r;
}

int uw_dbus_get_bool(sd_bus *bus, const char *dest, const char *path, const char *iface,
		     const char *prop, bool *out, const char *what, struct uw_error *err)
{
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	int v = 0, r;

	r = get_prop(bus, dest, path, iface, prop, "b", &reply, what, err);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "b", &v); /* sd_bus_get_property entered the variant */
	if (r < 0)
		return uw_dbus_error(err, r, NULL, what);
	*out = v != 0;
	return 0;
}

int uw_dbus_get_u32(sd_bus *bus, const char *dest, const char *path, const char *iface,
		    const char *prop, uint32_t *out, const char *what, struct uw_error *err)
{
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	int r;

	r = get_prop(bus, dest, path, iface, prop, "u", &reply, what, err);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "u", out);
	if (r < 0)
		return uw_dbus_error(err, r, NULL, what);
	return 0;
}

int uw_dbus_get_str(sd_bus *bus, const char *dest, const char *path, const char *iface,
		    const char *prop, char type, char *buf, size_t len, const char *what,
		    struct uw_error *err)
{
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	const char *s = NULL;
	char t[2] = { type, 0 };
	int r;

	if (len)
		buf[0] = 0;
	r = get_prop(bus, dest, path, iface, prop, t, &reply, what, err);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, t, &s);
	if (r < 0)
		return uw_dbus_error(err, r, NULL, what);
	uw_strlcpy(buf, s ? s : "", len);
	uw_dbus_sanitize(buf);
	return 0;
}

int uw_dbus_set_bool(sd_bus *bus, const char *dest, const char *path, const char *iface,
		     const char *prop, bool value, const char *what, struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_set_property(bus, dest, path, iface, prop, &e, "b", (int)value);
	if (r < 0) {
		char w[160];

		snprintf(w, sizeof(w), "Setting %s", what);
		r = uw_dbus_error(err, r, &e, w);
		sd_bus_error_free(&e);
	}
	return r;
}
