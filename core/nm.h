/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * NetworkManager, asked over the system bus (org.freedesktop.NetworkManager,
 * through core/dbus.h): is it running, does it manage an interface, in which
 * state and with which connection; and the one change usbnet-wizard makes to
 * it, the device's runtime Managed property (`nmcli device set IF managed
 * no`), put back to its exact prior value on revert.
 *
 * Why Managed and not a volatile NetworkManager connection with manual
 * addressing: a connection would make NetworkManager own the address, so
 * revert and `status` would have to ask it what it did, and a NetworkManager
 * restart would drop it (volatile) while our journal still lists it. With
 * Managed=false the kernel state stays ours alone, journaled and undone by
 * the same code as without NetworkManager, and putting the flag back makes
 * NetworkManager manage the interface exactly as it did before (it starts its
 * own connection again, or adopts what it finds).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define UW_NM_BUSNAME "org.freedesktop.NetworkManager"

enum uw_nm_presence {
	UW_NM_UNKNOWN,      /* the system bus is not reachable: cannot tell */
	UW_NM_NOT_RUNNING,  /* the bus answers, NetworkManager is not on it */
	UW_NM_RUNNING,
};

struct uw_nm_dev {
	enum uw_nm_presence presence;
	bool known;                 /* NetworkManager has a device for the interface */
	bool managed;               /* its Managed property */
	uint32_t state;             /* NM_DEVICE_STATE_* (10 unmanaged ... 100 activated) */
	char connection[128];       /* the active connection's name, "" = none (sanitized) */
	char note[240];             /* why presence is UNKNOWN (the bus error), else "" */
};

/* Is NetworkManager running? Never fails: UW_NM_UNKNOWN when the bus is
 * unreachable (@why, may be NULL, gets the sentence). */
enum uw_nm_presence uw_nm_presence(char *why, size_t why_len);

/*
 * What NetworkManager thinks of @iface. Returns 0 (out->presence says
 * whether it could be asked; out->known whether NetworkManager has the
 * device) or a negative errno with a sentence when NetworkManager runs but
 * a question failed.
 */
int uw_nm_device(const char *iface, struct uw_nm_dev *out, struct uw_error *err);

/*
 * The interfaces NetworkManager manages, into @names (@max entries of
 * @name_len). Returns their number (0 when NetworkManager is not running),
 * -ENOTCONN when the bus is unreachable, or another negative errno.
 */
int uw_nm_managed_list(char (*names)[16], size_t max, struct uw_error *err);

/*
 * Set @iface's runtime Managed property. Setting it false waits (bounded)
 * until NetworkManager has let the device go (state unmanaged), so nothing
 * of its own activation touches the interface afterwards. -ENODEV when
 * NetworkManager has no such device, -ESRCH when it is not running (or the
 * bus is unreachable).
 */
int uw_nm_set_managed(const char *iface, bool managed, struct uw_error *err);

/*
 * After a new interface appears NetworkManager needs a moment to create its
 * device and decide whether to manage it. Wait up to @timeout_ms for it to
 * know @iface (and up to a second more for a device still unmanaged to be
 * taken); 1 known, 0 not (NetworkManager not running, or it has no device
 * for the interface), <0 error.
 */
int uw_nm_wait_device(const char *iface, int timeout_ms, struct uw_error *err);

/* "connecting (getting IP configuration)" for NM_DEVICE_STATE_IP_CONFIG, ... */
const char *uw_nm_state_name(uint32_t state);

/* One sentence on who manages @iface: for detect, the Detect screen, doctor. */
void uw_nm_describe(const char *iface, const struct uw_nm_dev *d, char *buf, size_t len);

/*
 * Ask a running NetworkManager to load (or reload) the keyfiles at @paths
 * (Settings.LoadConnections), as `nmcli connection load` does: NetworkManager
 * does not notice new files by itself. It loads only files in its own
 * connection directories (an install under another root is left alone).
 * Returns 1 asked (*@loaded, may be NULL, gets how many it took), 0 when
 * NetworkManager is not running (or no bus), negative errno on error.
 */
int uw_nm_load_connections(const char *const *paths, size_t n, size_t *loaded, struct uw_error *err);

/* Settings.ReloadConnections (`nmcli connection reload`): NetworkManager
 * rereads its connection files and forgets removed ones. 1 done, 0 not
 * running, negative errno on error. */
int uw_nm_reload_connections(struct uw_error *err);
