// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firewalld over D-Bus (sd-bus). The design and why: core/firewalld.h.
 */
#include "core/firewalld.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/dbus.h"
#include "core/fw.h"
#include "core/spawn.h"
#include "core/util.h"

#define FWD_NAME "org.fedoraproject.FirewallD1"
#define FWD_PATH "/org/fedoraproject/FirewallD1"
#define FWD_IF FWD_NAME
#define FWD_ZONE_IF FWD_NAME ".zone"
#define FWD_CONFIG_PATH FWD_PATH "/config"
#define FWD_CONFIG_IF FWD_NAME ".config"

static void bus_unrefp(sd_bus **b)
{
	if (*b)
		sd_bus_flush_close_unref(*b);
}
#define _auto_bus_ __attribute__((cleanup(bus_unrefp)))

static void msg_unrefp(sd_bus_message **m)
{
	sd_bus_message_unref(*m);
}
#define _auto_msg_ __attribute__((cleanup(msg_unrefp)))

/* A connection to the system bus (core/dbus.h: bounded call timeout); -ESRCH
 * (firewalld is not running) when there is none. */
static int bus_open(sd_bus **bus, struct uw_error *err)
{
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_dbus_open(bus, &e) < 0)
		return uw_error_set(err, -ESRCH, "firewalld is not running: %s", e.msg);
	return 0;
}

/* Map a failed call to an errno and a sentence. */
static int call_error(const sd_bus_error *e, int r, const char *what, struct uw_error *err)
{
	const char *name = e && e->name ? e->name : "";
	char msg[256];

	/* The daemon's words end up on a terminal: untrusted text. */
	uw_strlcpy(msg, e && e->message ? e->message : strerror(-r), sizeof(msg));
	uw_dbus_sanitize(msg);

	if (!strcmp(name, SD_BUS_ERROR_SERVICE_UNKNOWN) || !strcmp(name, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	    !strcmp(name, SD_BUS_ERROR_NO_REPLY) || !strcmp(name, SD_BUS_ERROR_DISCONNECTED))
		return uw_error_set(err, -ESRCH, "firewalld is not running (%s).", what);
	/* firewalld's own errors are "CODE: detail" in org.fedoraproject.FirewallD1.Exception. */
	if (strstr(msg, "NOT_ENABLED") || strstr(msg, "UNKNOWN_INTERFACE"))
		return uw_error_set(err, -ENOENT, "firewalld: %s: %.200s", what, msg);
	if (strstr(msg, "ZONE_ALREADY_SET") || strstr(msg, "ALREADY_ENABLED"))
		return uw_error_set(err, -EEXIST, "firewalld: %s: %.200s", what, msg);
	if (strstr(msg, "INVALID_ZONE"))
		return uw_error_set(err, -EINVAL, "firewalld has no zone for this (%s: %.200s). Check "
				    "'firewall-cmd --get-zones'; the zone \"" UW_FWD_ZONE "\" ships with "
				    "firewalld 0.9 and later.", what, msg);
	return uw_error_set(err, r < 0 ? r : -EIO, "firewalld refused %s: %.200s", what, msg);
}

/* Call a method of firewalld's main object whose reply is one string. */
static int call_s(sd_bus *bus, const char *iface, const char *method, char *out, size_t len,
		  struct uw_error *err, const char *types, ...)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	_auto_msg_ sd_bus_message *m = NULL, *reply = NULL;
	const char *s = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, FWD_NAME, FWD_PATH, iface, method);
	if (r >= 0) {
		va_start(ap, types);
		r = sd_bus_message_appendv(m, types, ap);
		va_end(ap);
	}
	if (r < 0)
		return uw_error_set(err, r, "Cannot build the D-Bus call %s: %s", method, strerror(-r));
	r = sd_bus_call(bus, m, 0, &e, &reply);
	if (r < 0) {
		r = call_error(&e, r, method, err);
		sd_bus_error_free(&e);
		return r;
	}
	if (out) {
		r = sd_bus_message_read(reply, "s", &s);
		if (r < 0)
			return uw_error_set(err, -EPROTO, "firewalld's answer to %s is not a string.", method);
		uw_strlcpy(out, s, len);
	}
	return 0;
}

static void get_prop(sd_bus *bus, const char *path, const char *iface, const char *prop, char *out, size_t len)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *s = NULL;

	out[0] = '\0';
	if (sd_bus_get_property_string(bus, FWD_NAME, path, iface, prop, &e, &s) >= 0 && s) {
		/* Shown to the user: daemon text is untrusted. */
		uw_strlcpy(out, s, len);
		uw_dbus_sanitize(out);
	}
	free(s);
	sd_bus_error_free(&e);
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == '@' || *s == '+'))
			return false;
	return true;
}

/* getActiveZones: a{sa{sas}} zone -> { "interfaces": [...], "sources": [...] }. */
static int read_bindings(sd_bus *bus, struct uw_firewalld *fw, struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	_auto_msg_ sd_bus_message *reply = NULL;
	const char *zone, *key, *val;
	int r;

	r = sd_bus_call_method(bus, FWD_NAME, FWD_PATH, FWD_ZONE_IF, "getActiveZones", &e, &reply, "");
	if (r < 0) {
		r = call_error(&e, r, "getActiveZones", err);
		sd_bus_error_free(&e);
		return r;
	}
	if ((r = sd_bus_message_enter_container(reply, 'a', "{sa{sas}}")) < 0)
		goto bad;
	while ((r = sd_bus_message_enter_container(reply, 'e', "sa{sas}")) > 0) {
		if ((r = sd_bus_message_read(reply, "s", &zone)) < 0 ||
		    (r = sd_bus_message_enter_container(reply, 'a', "{sas}")) < 0)
			goto bad;
		while ((r = sd_bus_message_enter_container(reply, 'e', "sas")) > 0) {
			if ((r = sd_bus_message_read(reply, "s", &key)) < 0 ||
			    (r = sd_bus_message_enter_container(reply, 'a', "s")) < 0)
				goto bad;
			while ((r = sd_bus_message_read(reply, "s", &val)) > 0) {
				if (strcmp(key, "interfaces") || fw->n_bind >= UW_FWD_MAX_BINDINGS ||
				    strlen(val) >= UW_IFNAME_MAX || strlen(zone) >= UW_FWD_ZONE_MAX || !name_ok(zone))
					continue;
				uw_strlcpy(fw->bind[fw->n_bind].iface, val, UW_IFNAME_MAX);
				uw_strlcpy(fw->bind[fw->n_bind].zone, zone, UW_FWD_ZONE_MAX);
				fw->n_bind++;
			}
			if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
			    (r = sd_bus_message_exit_container(reply)) < 0)
				goto bad;
		}
		if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
		    (r = sd_bus_message_exit_container(reply)) < 0)
			goto bad;
	}
	if (r < 0)
		goto bad;
	return 0;
bad:
	return uw_error_set(err, -EPROTO, "firewalld's list of active zones could not be read (%s).", strerror(-r));
}

static int read_has_zone(sd_bus *bus, struct uw_firewalld *fw, struct uw_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	_auto_msg_ sd_bus_message *reply = NULL;
	char **zones = NULL;
	int r;

	r = sd_bus_call_method(bus, FWD_NAME, FWD_PATH, FWD_ZONE_IF, "getZones", &e, &reply, "");
	if (r < 0) {
		r = call_error(&e, r, "getZones", err);
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_read_strv(reply, &zones);
	if (r < 0)
		return uw_error_set(err, -EPROTO, "firewalld's list of zones could not be read.");
	for (char **z = zones; z && *z; z++) {
		if (!strcmp(*z, UW_FWD_ZONE))
			fw->has_zone = true;
		free(*z);
	}
	free(zones);
	return 0;
}

int uw_firewalld_read(struct uw_firewalld *fw, struct uw_error *err)
{
	_auto_bus_ sd_bus *bus = NULL;
	char state[32];
	int r;

	memset(fw, 0, sizeof(*fw));
	if (bus_open(&bus, NULL) < 0)
		return 0;
	r = call_s(bus, FWD_IF, "getDefaultZone", fw->default_zone, sizeof(fw->default_zone), err, "");
	if (r == -ESRCH) {
		uw_error_clear(err);
		return 0;
	}
	fw->running = true;
	if (r < 0)
		goto fail;
	if (!name_ok(fw->default_zone))
		fw->default_zone[0] = '\0';
	get_prop(bus, FWD_PATH, FWD_IF, "state", state, sizeof(state));
	if (state[0] && strcmp(state, "RUNNING")) {
		r = uw_error_set(err, -EAGAIN, "firewalld is not ready (state %s): wait a moment and try again.", state);
		goto fail;
	}
	get_prop(bus, FWD_PATH, FWD_IF, "version", fw->version, sizeof(fw->version));
	get_prop(bus, FWD_CONFIG_PATH, FWD_CONFIG_IF, "FirewallBackend", fw->backend, sizeof(fw->backend));
	r = read_bindings(bus, fw, err);
	if (r == 0)
		r = read_has_zone(bus, fw, err);
	if (r == 0)
		return 0;
fail:
	uw_strlcpy(fw->note, err ? err->msg : "firewalld could not be read", sizeof(fw->note));
	return r;
}

const char *uw_firewalld_zone_of(const struct uw_firewalld *fw, const char *iface)
{
	for (size_t i = 0; i < fw->n_bind; i++)
		if (!strcmp(fw->bind[i].iface, iface))
			return fw->bind[i].zone;
	return "";
}

bool uw_firewalld_zone_forwards(const char *zone)
{
	return !strcmp(zone, UW_FWD_ZONE) || !strcmp(zone, "trusted");
}

bool uw_firewalld_owns_chain(const struct uw_firewalld *fw, int backend, const char *chain)
{
	if (!fw->running)
		return false;
	if (!strncmp(chain, "inet firewalld ", 15) || !strncmp(chain, "ip firewalld ", 13))
		return true;
	if (!strcmp(fw->backend, "iptables"))
		return !strcmp(chain, "ip filter FORWARD") ||
		       (backend == UW_FW_IPTABLES && !strcmp(chain, "FORWARD"));
	return false;
}

int uw_firewalld_get_zone(const char *iface, char *zone, size_t len, struct uw_error *err)
{
	_auto_bus_ sd_bus *bus = NULL;
	int r;

	if (uw_ifname_check(iface, err) < 0)
		return -EINVAL;
	r = bus_open(&bus, err);
	if (r < 0)
		return r;
	r = call_s(bus, FWD_ZONE_IF, "getZoneOfInterface", zone, len, err, "s", iface);
	if (r == 0 && zone[0] && !name_ok(zone))
		return uw_error_set(err, -EPROTO, "firewalld named an odd zone for %s.", iface);
	return r;
}

int uw_firewalld_set_zone(const char *iface, const char *zone, const char *from, struct uw_error *err)
{
	_auto_bus_ sd_bus *bus = NULL;
	int r;

	if (uw_ifname_check(iface, err) < 0)
		return -EINVAL;
	if ((zone[0] && !name_ok(zone)) || (!zone[0] && !name_ok(from)))
		return uw_error_set(err, -EINVAL, "Not a firewalld zone name.");
	r = bus_open(&bus, err);
	if (r < 0)
		return r;
	if (zone[0])
		return call_s(bus, FWD_ZONE_IF, "changeZoneOfInterface", NULL, 0, err, "ss", zone, iface);
	return call_s(bus, FWD_ZONE_IF, "removeInterface", NULL, 0, err, "ss", from, iface);
}

/* ---- the keeper ----------------------------------------------------------- */

static void keeper_path(const char *iface, char *buf, size_t len)
{
	snprintf(buf, len, "%s/firewalld-keeper-%s", uw_rundir(), iface);
}

/* The pid holding the keeper's lock: >0, 0 none, negative errno. */
static long keeper_pid(const char *iface, struct uw_error *err)
{
	char p[512];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd;

	keeper_path(iface, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		int e = errno;
		return uw_error_set(err, -e, "Cannot open %s: %s", p, strerror(e));
	}
	if (fcntl(fd, F_GETLK, &fl) < 0) {
		int e = errno;
		close(fd);
		return uw_error_set(err, -e, "Cannot look at the lock of %s: %s", p, strerror(e));
	}
	close(fd);
	return fl.l_type == F_UNLCK ? 0 : (long)fl.l_pid;
}

int uw_firewalld_keeper_probe(const char *iface, struct uw_error *err)
{
	long pid;

	if (uw_ifname_check(iface, err) < 0)
		return -EINVAL;
	pid = keeper_pid(iface, err);
	return pid < 0 ? (int)pid : pid > 0;
}

int uw_firewalld_keeper_start(const char *iface, const char *zone, struct uw_error *err)
{
	char *argv[] = { (char *)"usbnet-wizard", (char *)"__firewalld-keeper", (char *)iface, (char *)zone,
			 NULL };
	char msg[300];
	int r;

	if (uw_ifname_check(iface, err) < 0)
		return -EINVAL;
	if (!name_ok(zone))
		return uw_error_set(err, -EINVAL, "Not a firewalld zone name.");
	r = uw_firewalld_keeper_probe(iface, err);
	if (r < 0)
		return r;
	if (r == 1)
		return -EEXIST;
	/* Detached (core/spawn.h): neither apply nor watch keeps a zombie, and
	 * the wizard's blocked signals do not follow it. */
	r = uw_spawn_detached(argv, "the firewalld keeper", msg, sizeof(msg), err);
	if (r < 0)
		return r;
	/* "ready\n", or an error sentence; nothing means it died. */
	if (!strncmp(msg, "ready\n", 6))
		return 0;
	if (!strncmp(msg, "exists\n", 7))
		return -EEXIST;
	msg[strcspn(msg, "\n")] = '\0';
	return uw_error_set(err, -EIO, "The firewalld keeper did not start%s%s", msg[0] ? ": " : ".", msg);
}

int uw_firewalld_keeper_stop(const char *iface, struct uw_error *err)
{
	char p[512];
	long pid;

	if (uw_ifname_check(iface, err) < 0)
		return -EINVAL;
	pid = keeper_pid(iface, err);
	if (pid < 0)
		return (int)pid;
	if (pid > 0) {
		/* Its lock says it is alive and which pid it is: ask it to go, then wait for the lock. */
		kill((pid_t)pid, SIGTERM);
		for (int i = 0; i < 500 && keeper_pid(iface, NULL) > 0; i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			if (i == 300)
				kill((pid_t)pid, SIGKILL);
		}
		if (keeper_pid(iface, NULL) > 0)
			return uw_error_set(err, -EBUSY, "The firewalld keeper (pid %ld) does not stop; stop it "
					    "(kill %ld), then run 'usbnet-wizard revert' again.", pid, pid);
	}
	keeper_path(iface, p, sizeof(p));
	unlink(p);
	return pid > 0 ? 0 : 1;
}

struct keeper {
	const char *iface, *zone;
	bool quit;
	int err;
};

/* Is the zone step for our interface still journaled? Only then is it ours to put back. */
static bool still_journaled(const struct keeper *k)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	bool found = false;

	if (uw_journal_read(j, NULL) == 0)
		for (size_t i = 0; i < j->n_live && !found; i++)
			found = j->live[i].kind == UW_ACT_FWD_ZONE && !strcmp(j->live[i].iface, k->iface) &&
				!strcmp(j->live[i].zone, k->zone);
	free(j);
	return found;
}

static void keeper_restore(sd_bus *bus, struct keeper *k)
{
	char cur[UW_FWD_ZONE_MAX] = "";

	if (!still_journaled(k)) {
		k->quit = true;
		return;
	}
	if (call_s(bus, FWD_ZONE_IF, "getZoneOfInterface", cur, sizeof(cur), NULL, "s", k->iface) == 0 &&
	    !strcmp(cur, k->zone))
		return;
	call_s(bus, FWD_ZONE_IF, "changeZoneOfInterface", NULL, 0, NULL, "ss", k->zone, k->iface);
}

static int on_reloaded(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	keeper_restore(sd_bus_message_get_bus(m), ud);
	return 0;
}

/* firewalld restarted (a new owner of its name): its runtime state is gone too. */
static int on_owner(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	const char *name, *old, *new;

	if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0 || strcmp(name, FWD_NAME) || !*new)
		return 0;
	keeper_restore(sd_bus_message_get_bus(m), ud);
	return 0;
}

static void say(int fd, const char *s)
{
	if (fd >= 0 && write(fd, s, strlen(s)) < 0) {
		/* the parent went away: nothing to tell */
	}
}

int uw_firewalld_keeper_run(const char *iface, const char *zone, int ready_fd, struct uw_error *err)
{
	_auto_bus_ sd_bus *bus = NULL;
	struct keeper k = { .iface = iface, .zone = zone };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char p[512], pid[32];
	int fd, r;

	if (uw_ifname_check(iface, err) < 0 || !name_ok(zone)) {
		say(ready_fd, "bad interface or zone name\n");
		return uw_error_set(err, -EINVAL, "bad interface or zone name");
	}
	keeper_path(iface, p, sizeof(p));
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = -errno;
		say(ready_fd, "cannot open its lock file\n");
		return uw_error_set(err, r, "Cannot open %s: %s", p, strerror(-r));
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		say(ready_fd, "exists\n");
		return uw_error_set(err, -EEXIST, "Another keeper holds %s.", p);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		/* the pid in the file is a courtesy; the lock is what counts */
	}
	r = bus_open(&bus, err);
	if (r == 0)
		r = sd_bus_match_signal(bus, NULL, FWD_NAME, FWD_PATH, FWD_IF, "Reloaded", on_reloaded, &k);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
					"org.freedesktop.DBus", "NameOwnerChanged", on_owner, &k);
	if (r < 0) {
		say(ready_fd, "cannot listen to firewalld's signals on the system bus\n");
		return uw_error_set(err, r, "Cannot listen to firewalld's signals: %s", strerror(-r));
	}
	say(ready_fd, "ready\n");
	if (ready_fd >= 0)
		close(ready_fd);
	/* A reload between the zone step and this moment would have gone unseen. */
	keeper_restore(bus, &k);
	while (!k.quit) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;          /* the bus went away */
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, UINT64_MAX);
		if (r < 0 && r != -EINTR)
			break;
	}
	close(fd);
	return 0;
}
