/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * firewalld, through its own D-Bus API (org.fedoraproject.FirewallD1 on the
 * system bus; $DBUS_SYSTEM_BUS_ADDRESS is honoured). No firewall-cmd is ever
 * run: the commands are only shown as the shell equivalents.
 *
 * The design (why runtime-only plus a keeper; also docs/troubleshooting.md):
 *
 *   The phone's interface is put into firewalld's "nm-shared" zone, at
 *   runtime only (changeZoneOfInterface). That zone is the one NetworkManager
 *   itself uses for a device that shares the desktop's connection: it
 *   accepts what comes in from the device and is forwarded out (target
 *   ACCEPT for forwarded traffic), and to the desktop itself only ICMP (the
 *   phone pings the desktop), DNS (the phone asks the desktop for names),
 *   DHCP and ssh; everything else to the desktop is rejected. Least
 *   privilege, unlike the wide-open "trusted" zone. Masquerading and the DNS
 *   proxy stay our own tagged rules in our own nftables table `ip
 *   usbnet-wizard` (firewalld leaves foreign tables alone on reload), scoped
 *   to the phone's subnet: firewalld's own masquerade is per zone or policy,
 *   and the outgoing zone's would masquerade every forwarded packet.
 *
 *   Runtime changes are lost on `firewall-cmd --reload`. A permanent change
 *   (a zone or policy of ours in /etc/firewalld) would survive it, but
 *   cannot be undone byte for byte: firewalld keeps every permanent file it
 *   removes as NAME.xml.old, a new zone or policy needs a reload (which drops
 *   every other program's runtime changes) to become active, and it
 *   outlives our journal in /run. So the change stays runtime-only (gone at
 *   reboot together with the journal), and a small keeper process (this same
 *   program, `usbnet-wizard __firewalld-keeper IFACE ZONE`, started by a
 *   journaled plan step) waits for firewalld's Reloaded signal (and for
 *   firewalld restarting) and puts the interface back into the zone at
 *   once. Revert stops the keeper, then puts back the interface's zone as
 *   it was (usually none), so firewalld's runtime and permanent
 *   configuration are exactly as before. The keeper holds a POSIX lock on
 *   RUNDIR/firewalld-keeper-IFACE: that lock says it is alive (and the
 *   lock's owner pid is who to stop), so a stale file or a reused pid can
 *   never get a process killed.
 *
 * Every function acts on the bus of the calling process; none prints.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/ip4.h"

/* The zone the phone's interface goes into (NetworkManager's shared-connection zone). */
#define UW_FWD_ZONE "nm-shared"
#define UW_FWD_ZONE_MAX 64
#define UW_FWD_MAX_BINDINGS 16

struct uw_firewalld {
	bool running;                       /* firewalld answers on the system bus */
	char version[32];
	char backend[16];                   /* "nftables", "iptables" ("" = unknown) */
	char default_zone[UW_FWD_ZONE_MAX];
	bool has_zone;                      /* UW_FWD_ZONE exists at runtime */
	struct {
		char iface[UW_IFNAME_MAX];
		char zone[UW_FWD_ZONE_MAX];
	} bind[UW_FWD_MAX_BINDINGS];        /* interfaces bound to a zone at runtime */
	size_t n_bind;
	char note[256];                     /* why it could not be read, when it runs but failed */
};

/*
 * Read firewalld's state. No bus or no firewalld is not an error: running
 * is false then. Returns 0, or a negative errno when firewalld answered but
 * a call failed (running is true, the rest may be partial).
 */
int uw_firewalld_read(struct uw_firewalld *fw, struct uw_error *err);

/* The zone @iface is bound to in @fw ("" = none: the default zone applies). */
const char *uw_firewalld_zone_of(const struct uw_firewalld *fw, const char *iface);

/* Does @zone accept the phone's forwarded traffic as it is ("nm-shared", "trusted")? */
bool uw_firewalld_zone_forwards(const char *zone);

/*
 * Is the forward chain @chain (as in struct uw_fw_drop_chain) firewalld's own?
 * Its nftables table "inet firewalld", or with its iptables backend the
 * FORWARD chain of the filter table.
 */
bool uw_firewalld_owns_chain(const struct uw_firewalld *fw, int backend, const char *chain);

/* The runtime zone of @iface into @zone ("" = none). -ESRCH when firewalld is not running. */
int uw_firewalld_get_zone(const char *iface, char *zone, size_t len, struct uw_error *err);

/*
 * Bind @iface to @zone at runtime (changeZoneOfInterface), or, with @zone
 * "", remove its binding to @from (removeInterface). -ENOENT when there was
 * nothing to remove; -ESRCH when firewalld is not running.
 */
int uw_firewalld_set_zone(const char *iface, const char *zone, const char *from, struct uw_error *err);

/* Is the keeper for @iface alive? 1 yes, 0 no, negative errno on error. */
int uw_firewalld_keeper_probe(const char *iface, struct uw_error *err);

/*
 * Start the keeper for @iface/@zone (a detached `usbnet-wizard
 * __firewalld-keeper`), and return once it holds its lock and listens for
 * firewalld's signals. -EEXIST when one is alive already.
 */
int uw_firewalld_keeper_start(const char *iface, const char *zone, struct uw_error *err);

/* Stop the keeper for @iface: 0 stopped, 1 none was running, negative errno. */
int uw_firewalld_keeper_stop(const char *iface, struct uw_error *err);

/*
 * The keeper itself (the hidden command's body): take the lock, listen,
 * say "ready" on @ready_fd (then close it; -1 = none), and put @iface back
 * into @zone after every firewalld reload or restart, as long as the
 * journal holds that step. Returns when the bus goes away or the step is
 * no longer journaled (0), or on error (negative errno; -EEXIST when
 * another keeper holds the lock).
 */
int uw_firewalld_keeper_run(const char *iface, const char *zone, int ready_fd, struct uw_error *err);
