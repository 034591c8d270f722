// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/nm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/dbus.h"
#include "core/util.h"

#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_IFACE "org.freedesktop.NetworkManager"
#define NM_DEV_IFACE "org.freedesktop.NetworkManager.Device"
#define NM_AC_IFACE "org.freedesktop.NetworkManager.Connection.Active"
#define NM_STATE_UNMANAGED 10

const char *uw_nm_state_name(uint32_t s)
{
	switch (s) {
	case 10: return "unmanaged";
	case 20: return "unavailable";
	case 30: return "disconnected";
	case 40: return "connecting (prepare)";
	case 50: return "connecting (configuring)";
	case 60: return "connecting (need authentication)";
	case 70: return "connecting (getting IP configuration)";
	case 80: return "connecting (checking IP connectivity)";
	case 90: return "connecting (starting secondary connections)";
	case 100: return "connected";
	case 110: return "deactivating";
	case 120: return "connection failed";
	default: return "unknown";
	}
}

/* Open the bus and see whether NetworkManager is on it. 1 running (*bus
 * open), 0 not running, -ENOTCONN no bus (@why says why). */
static int nm_bus(sd_bus **bus, char *why, size_t why_len)
{
	struct uw_error e;
	int r;

	uw_error_clear(&e);
	if (uw_dbus_open(bus, &e) < 0) {
		if (why)
			uw_strlcpy(why, e.msg, why_len);
		return -ENOTCONN;
	}
	r = uw_dbus_name_has_owner(*bus, UW_NM_BUSNAME, &e);
	if (r <= 0) {
		if (r < 0 && why)
			uw_strlcpy(why, e.msg, why_len);
		sd_bus_flush_close_unref(*bus);
		*bus = NULL;
		return r < 0 ? -ENOTCONN : 0;
	}
	return 1;
}

enum uw_nm_presence uw_nm_presence(char *why, size_t why_len)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	int r = nm_bus(&bus, why, why_len);

	return r < 0 ? UW_NM_UNKNOWN : r ? UW_NM_RUNNING : UW_NM_NOT_RUNNING;
}

/* The device object of @iface: 1 found (@path filled), 0 NetworkManager has
 * none, <0 error. */
static int dev_path(sd_bus *bus, const char *iface, char *path, size_t len, struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	const char *p = NULL;
	int r;

	r = sd_bus_call_method(bus, UW_NM_BUSNAME, NM_PATH, NM_IFACE, "GetDeviceByIpIface", &e, &reply,
			       "s", iface);
	if (r < 0) {
		if (sd_bus_error_has_name(&e, "org.freedesktop.NetworkManager.UnknownDevice")) {
			sd_bus_error_free(&e);
			return 0;
		}
		r = uw_dbus_error(err, r, &e, "Asking NetworkManager for the interface");
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_read(reply, "o", &p);
	if (r < 0)
		return uw_dbus_error(err, r, NULL, "Reading NetworkManager's answer");
	uw_strlcpy(path, p, len);
	return 1;
}

int uw_nm_device(const char *iface, struct uw_nm_dev *out, struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	char path[256], ac[256], what[64];
	int r;

	memset(out, 0, sizeof(*out));
	r = nm_bus(&bus, out->note, sizeof(out->note));
	if (r <= 0) {
		out->presence = r < 0 ? UW_NM_UNKNOWN : UW_NM_NOT_RUNNING;
		return 0;
	}
	out->presence = UW_NM_RUNNING;
	r = dev_path(bus, iface, path, sizeof(path), err);
	if (r <= 0)
		return r;
	out->known = true;
	snprintf(what, sizeof(what), "NetworkManager's state of %s", iface);
	r = uw_dbus_get_bool(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "Managed", &out->managed, what, err);
	if (r >= 0)
		r = uw_dbus_get_u32(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "State", &out->state, what, err);
	if (r >= 0)
		r = uw_dbus_get_str(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "ActiveConnection", 'o', ac,
				    sizeof(ac), what, err);
	if (r < 0)
		return r;
	if (strcmp(ac, "/") && ac[0]) {
		/* The connection may go away between the two questions: no name then. */
		if (uw_dbus_get_str(bus, UW_NM_BUSNAME, ac, NM_AC_IFACE, "Id", 's', out->connection,
				    sizeof(out->connection), what, NULL) < 0)
			out->connection[0] = 0;
	}
	return 0;
}

int uw_nm_managed_list(char (*names)[16], size_t max, struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char why[UW_ERROR_MSG_MAX] = "";
	const char *p;
	size_t n = 0;
	int r;

	r = nm_bus(&bus, why, sizeof(why));
	if (r < 0)
		return uw_error_set(err, -ENOTCONN, "%s", why);
	if (r == 0)
		return 0;
	r = sd_bus_call_method(bus, UW_NM_BUSNAME, NM_PATH, NM_IFACE, "GetDevices", &e, &reply, "");
	if (r < 0) {
		r = uw_dbus_error(err, r, &e, "Asking NetworkManager for its devices");
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_enter_container(reply, 'a', "o");
	while (r >= 0 && (r = sd_bus_message_read(reply, "o", &p)) > 0) {
		char name[64];
		bool managed = false;

		/* A device may vanish between the list and the question: skip it. */
		if (uw_dbus_get_str(bus, UW_NM_BUSNAME, p, NM_DEV_IFACE, "Interface", 's', name, sizeof(name),
				    "a device's name", NULL) < 0 ||
		    uw_dbus_get_bool(bus, UW_NM_BUSNAME, p, NM_DEV_IFACE, "Managed", &managed,
				     "a device's state", NULL) < 0)
			continue;
		if (managed && n < max && strlen(name) < 16)
			uw_strlcpy(names[n++], name, 16);
	}
	if (r < 0)
		return uw_dbus_error(err, r, NULL, "Reading NetworkManager's devices");
	return (int)n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Waiting for NetworkManager to change a device: woken by its signals
 * (PropertiesChanged of its objects, DeviceAdded), not by a timer, so the
 * answer is read the moment it is there. The matches are made before the
 * first look, so a change between the look and the wait is not missed. A
 * wait still ends after at most BACKSTOP_MS to look again, in case a change
 * comes with no signal; and without the matches (the bus refused them) the
 * old 50 ms polling is what is left.
 */
#define BACKSTOP_MS 250

static int on_nm_signal(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	return 0;
}

/* 1 the matches are in place, 0 not (then poll). @path NULL: every object. */
static int watch_nm(sd_bus *bus, const char *path)
{
	if (sd_bus_match_signal(bus, NULL, UW_NM_BUSNAME, path, "org.freedesktop.DBus.Properties",
				"PropertiesChanged", on_nm_signal, NULL) < 0)
		return 0;
	if (!path && sd_bus_match_signal(bus, NULL, UW_NM_BUSNAME, NM_PATH, NM_IFACE, "DeviceAdded",
					 on_nm_signal, NULL) < 0)
		return 0;
	return 1;
}

/* Until a signal from NetworkManager (or any message) arrives, at most
 * @ms; at once when one is already queued (it came in with a reply). */
static void wait_nm(sd_bus *bus, bool signals, long long ms)
{
	int r;
	bool got = false;

	if (ms <= 0)
		return;
	if (!signals) {
		sleep_ms(ms < 50 ? ms : 50);
		return;
	}
	while ((r = sd_bus_process(bus, NULL)) > 0)
		got = true;
	if (got || r < 0)
		return;
	if (ms > BACKSTOP_MS)
		ms = BACKSTOP_MS;
	sd_bus_wait(bus, (uint64_t)ms * 1000);
	while (sd_bus_process(bus, NULL) > 0)
		;
}

int uw_nm_set_managed(const char *iface, bool managed, struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	char path[256], what[96], why[UW_ERROR_MSG_MAX] = "";
	uint32_t state = 0;
	bool signals;
	int r;

	r = nm_bus(&bus, why, sizeof(why));
	if (r <= 0)
		return uw_error_set(err, -ESRCH, "NetworkManager is not running%s%s", why[0] ? ": " : ".",
				    why);
	r = dev_path(bus, iface, path, sizeof(path), err);
	if (r < 0)
		return r;
	if (r == 0)
		return uw_error_set(err, -ENODEV, "NetworkManager has no device %s.", iface);
	snprintf(what, sizeof(what), "NetworkManager's Managed property of %s", iface);
	/* Before the change: its state's signals are then not missed. */
	signals = !managed && watch_nm(bus, path);
	r = uw_dbus_set_bool(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "Managed", managed, what, err);
	if (r < 0)
		return r;
	if (managed)
		return 0;
	/* Let go: NetworkManager tears its activation down (state unmanaged)
	 * before our address goes on. Bounded: 5 s. */
	for (long long end = uw_now_ms() + 5000;;) {
		if (uw_dbus_get_u32(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "State", &state, what, NULL) < 0)
			return 0; /* the device went away: nothing left to wait for */
		if (state == NM_STATE_UNMANAGED)
			return 0;
		if (uw_now_ms() >= end)
			break;
		wait_nm(bus, signals, end - uw_now_ms());
	}
	return uw_error_set(err, -ETIMEDOUT, "NetworkManager accepted leaving %s alone but its device is "
			    "still \"%s\" after 5 s. Check 'nmcli device status', then try again.", iface,
			    uw_nm_state_name(state));
}

int uw_nm_wait_device(const char *iface, int timeout_ms, struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	char path[256];
	long long start = uw_now_ms(), known_at = -1;
	bool signals;
	int r;

	if (nm_bus(&bus, NULL, 0) <= 0)
		return 0;
	signals = watch_nm(bus, NULL);
	for (;;) {
		bool managed = false;
		long long now, end = start + timeout_ms;

		r = dev_path(bus, iface, path, sizeof(path), err);
		if (r < 0)
			return r;
		now = uw_now_ms();
		if (r > 0) {
			/* A new device starts unmanaged and becomes managed a moment
			 * later, when NetworkManager decides to take it: give that a
			 * second before believing "unmanaged". */
			if (known_at < 0)
				known_at = now;
			if (uw_dbus_get_bool(bus, UW_NM_BUSNAME, path, NM_DEV_IFACE, "Managed", &managed,
					     "a device's state", NULL) == 0 && managed)
				return 1;
			if (now - known_at >= 1000)
				return 1;
			if (known_at + 1000 < end)
				end = known_at + 1000;
		}
		if (now >= start + timeout_ms)
			return known_at >= 0;
		wait_nm(bus, signals, end - now);
	}
}

void uw_nm_describe(const char *iface, const struct uw_nm_dev *d, char *buf, size_t len)
{
	switch (d->presence) {
	case UW_NM_UNKNOWN:
		snprintf(buf, len, "whether NetworkManager manages %s is unknown: the system bus could not "
			 "be asked (%s)", iface, d->note);
		return;
	case UW_NM_NOT_RUNNING:
		snprintf(buf, len, "NetworkManager is not running: nothing else should reconfigure %s",
			 iface);
		return;
	case UW_NM_RUNNING:
		break;
	}
	if (!d->known)
		snprintf(buf, len, "NetworkManager runs but has no device for %s: it leaves it alone", iface);
	else if (!d->managed)
		snprintf(buf, len, "NetworkManager runs but leaves %s alone (unmanaged)", iface);
	else if (d->connection[0])
		snprintf(buf, len, "NetworkManager manages %s (connection \"%s\", %s): the setup tells it to "
			 "leave %s alone while it is live", iface, d->connection, uw_nm_state_name(d->state),
			 iface);
	else
		snprintf(buf, len, "NetworkManager manages %s (%s): the setup tells it to leave %s alone "
			 "while it is live", iface, uw_nm_state_name(d->state), iface);
}

#define NM_SETTINGS_PATH "/org/freedesktop/NetworkManager/Settings"
#define NM_SETTINGS_IFACE "org.freedesktop.NetworkManager.Settings"

int uw_nm_load_connections(const char *const *paths, size_t n, size_t *loaded, struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	_auto_(sd_bus_message) sd_bus_message *m = NULL;
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *failed;
	size_t nfailed = 0;
	int r, status = 0;

	if (loaded)
		*loaded = 0;
	if (nm_bus(&bus, NULL, 0) <= 0)
		return 0;
	r = sd_bus_message_new_method_call(bus, &m, UW_NM_BUSNAME, NM_SETTINGS_PATH, NM_SETTINGS_IFACE,
					   "LoadConnections");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "s");
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append(m, "s", paths[i]);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0)
		return uw_dbus_error(err, r, NULL, "Asking NetworkManager to load the connection");
	r = sd_bus_call(bus, m, UW_DBUS_TIMEOUT_USEC, &e, &reply);
	if (r < 0) {
		r = uw_dbus_error(err, r, &e, "Asking NetworkManager to load the connection");
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_read(reply, "b", &status);
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "s");
	while (r >= 0 && (r = sd_bus_message_read(reply, "s", &failed)) > 0)
		nfailed++;
	if (r < 0)
		return uw_dbus_error(err, r, NULL, "Reading NetworkManager's answer");
	if (loaded)
		*loaded = n > nfailed ? n - nfailed : 0;
	return 1;
}

int uw_nm_reload_connections(struct uw_error *err)
{
	_auto_(sd_bus) sd_bus *bus = NULL;
	_auto_(sd_bus_message) sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (nm_bus(&bus, NULL, 0) <= 0)
		return 0;
	r = sd_bus_call_method(bus, UW_NM_BUSNAME, NM_SETTINGS_PATH, NM_SETTINGS_IFACE, "ReloadConnections",
			       &e, &reply, "");
	if (r < 0) {
		r = uw_dbus_error(err, r, &e, "Asking NetworkManager to reload its connections");
		sd_bus_error_free(&e);
		return r;
	}
	return 1;
}
