/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Persistence: turn an applied plan into the configuration files that make
 * the same setup happen every time the phone is plugged in, for the network
 * system the host runs (NetworkManager, systemd-networkd, ifupdown, ifcfg,
 * OpenRC, plain udev; FreeBSD devd as text), and install / uninstall those
 * files under a root prefix with a manifest and backups.
 *
 * Every target shares one generated hook script (/etc/usbnet-wizard/hook-IFACE
 * start|stop) holding the firewall and sysctl steps of the plan, in the shell
 * text of the plan's own backend and tagged like our live rules; "stop" undoes
 * everything "start" did, including restoring the previous ip_forward value,
 * and "start" first removes our own copies so it never duplicates a rule.
 *
 * Everything written comes from a built plan (validated addresses, interface
 * names that passed uw_ifname_check): no user text reaches generated shell.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/plan.h"

enum uw_persist_target {
	UW_PERSIST_NM,            /* NetworkManager keyfile (method=shared; manual + dispatcher for /31, /32) */
	UW_PERSIST_NM_UNMANAGED,  /* NM leaves the interface alone; udev rule + hook do the rest */
	UW_PERSIST_NETWORKD,      /* systemd-networkd .network (+ .link) + a unit bound to the device */
	UW_PERSIST_IFUPDOWN,      /* Debian/Ubuntu /etc/network/interfaces.d stanza */
	UW_PERSIST_IFCFG,         /* Fedora/RHEL network-scripts ifcfg + ifup-local/ifdown-local */
	UW_PERSIST_OPENRC,        /* Gentoo netifrc /etc/conf.d/net.IFACE */
	UW_PERSIST_UDEV,          /* udev rule for the gadget's USB ids + hook (Slackware, Arch, any) */
	UW_PERSIST_DEVD,          /* FreeBSD devd config (text for a FreeBSD host) */
	UW_PERSIST__COUNT,
};

/* One generated file. @path is absolute as on the target system ("/etc/..."). */
struct uw_persist_file {
	char path[256];
	unsigned mode;            /* permission bits, e.g. 0600 */
	char *content;            /* file text (NULL for a symlink) */
	char link_target[256];    /* non-empty: a symlink pointing here instead of a file */
};

/* Where NetworkManager's keyfiles go (the nm target writes one there). */
#define UW_PERSIST_NM_CONN_DIR "/etc/NetworkManager/system-connections"

/* Where the install manifest lives, relative to the root prefix. */
#define UW_PERSIST_STATE_DIR "/var/lib/usbnet-wizard"
#define UW_PERSIST_MANIFEST UW_PERSIST_STATE_DIR "/persist.manifest"

/* "nm", "nm-unmanaged", "networkd", "ifupdown", "ifcfg", "openrc", "udev", "devd". */
const char *uw_persist_target_name(enum uw_persist_target t);

/* One line of plain words about a target ("NetworkManager connection (keyfile)"). */
const char *uw_persist_target_about(enum uw_persist_target t);

/* Parse a target name (case-insensitive). -EINVAL with the list of names otherwise. */
int uw_persist_target_parse(const char *s, enum uw_persist_target *out, struct uw_error *err);

/*
 * Which network system the host under @root ("/" or NULL = this machine) uses:
 * NetworkManager when it is installed and running, systemd-networkd when
 * enabled or running, ifupdown when /etc/network/interfaces exists, ifcfg
 * when /etc/sysconfig/network-scripts exists, OpenRC when /etc/conf.d/net or
 * /sbin/openrc-run exists, else plain udev. Reads only. @why (may be NULL)
 * gets one sentence naming the evidence. Always succeeds.
 */
void uw_persist_detect(const char *root, enum uw_persist_target *out, char *why, size_t why_len);

/*
 * Generate the files for @target from @plan (as built by uw_plan_build).
 * @when is written into each file's header (one line "# Generated ... at
 * TIME." that tests can fix by passing a constant). On success *files is a
 * heap array of *n files (free with uw_persist_files_free). -EINVAL when the
 * plan cannot be made permanent this way (e.g. an interface name that would
 * be unsafe in shell).
 */
int uw_persist_generate(enum uw_persist_target target, const struct uw_plan *plan, time_t when,
			struct uw_persist_file **files, size_t *n, struct uw_error *err);

/* Free what uw_persist_generate returned (NULL is fine). */
void uw_persist_files_free(struct uw_persist_file *files, size_t n);

/*
 * Write @files under @root ("/" or NULL = the real system; tests pass a temp
 * dir). Each file is written to a temp file in its directory and renamed
 * into place (atomic), with its mode. A file that already exists is first
 * copied to ROOT/var/lib/usbnet-wizard/backup/PATH; when it cannot be backed
 * up nothing is overwritten. Every step is recorded in the manifest
 * (UW_PERSIST_MANIFEST) before it is done, so uninstall works after a crash.
 * -EEXIST when a manifest is already there (uninstall first); on any failure
 * the steps done so far are undone.
 */
int uw_persist_install(const struct uw_persist_file *files, size_t n, const char *root,
		       struct uw_error *err);

/*
 * Undo uw_persist_install under @root: remove exactly the files and links it
 * wrote, put back every file it replaced (byte for byte, with its mode),
 * remove the directories it created when empty, and the manifest.
 * -ENOENT when nothing is installed. A manifest line that is not ours
 * (relative path, "..") is refused before anything is removed.
 */
int uw_persist_uninstall(const char *root, struct uw_error *err);

/* True when a manifest exists under @root. */
bool uw_persist_installed(const char *root);

/*
 * The path a system service can run usbnet-wizard by, for the watch unit's
 * ExecStart: the installed binary (UW_INSTALLED_BIN, where `make install` and
 * the package put it) when it exists under @root ("/" or NULL = this
 * machine) as a root-owned executable; else, on the real system, this very
 * binary when it lives in a system directory (/usr, /sbin, /bin). A binary
 * run from a build tree is refused (-ENOENT, with a sentence: install it
 * first), never written into a unit that would break when the tree moves.
 */
int uw_persist_service_binary(const char *root, char *out, size_t len, struct uw_error *err);
