/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Follow the cable: apply the saved profile when its gadget appears and
 * revert when it goes, driven by netlink link events (no polling).
 *
 * The caller owns the loop: poll() uw_watch_fd() for POLLIN, call
 * uw_watch_dispatch() when it is readable, and uw_watch_stop() on the way out
 * (SIGTERM, SIGINT). Every event and what was done about it is told in plain
 * words through the message callback.
 *
 * The phone is followed by interface index, not by name: udev may rename a
 * fresh usb0 to enx<mac> right after it appears; then the setup is reverted
 * and applied again under the new name (firewall rules name the interface).
 * When the gadget goes, the kernel takes its address and routes with it; the
 * revert still removes our firewall rules and restores ip_forward.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/profile.h"

struct uw_watch;

enum uw_watch_msg {
	UW_WATCH_INFO,      /* something happened (plugged, unplugged, renamed, ignored) */
	UW_WATCH_APPLIED,   /* the profile was applied to the gadget (once per plug) */
	UW_WATCH_REVERTED,  /* the setup was reverted */
	UW_WATCH_FAILED,    /* an apply or revert failed (the text says why and what to do) */
};

/* Message callback: one line of plain words, no newline. */
typedef void (*uw_watch_msg_fn)(void *ud, enum uw_watch_msg kind, const char *text);

/* Counters, for tests and the log. */
struct uw_watch_stats {
	unsigned applied, reverted, failed, events;
};

/*
 * Start watching with profile @p (copied) in the calling thread's namespace.
 * A setup left live by an earlier run (crash, kill -9) is reverted first, and
 * a matching gadget already plugged in is set up at once. Returns 0 and *out,
 * or a negative errno (no netlink, journal unreadable).
 */
int uw_watch_new(const struct uw_profile *p, uw_watch_msg_fn cb, void *ud, struct uw_watch **out,
		 struct uw_error *err);

/* The file descriptor to poll() for POLLIN. */
int uw_watch_fd(const struct uw_watch *w);

/*
 * Read pending link events and act on them. Returns 0, or a negative errno
 * when the event source broke (the caller should stop). Failures to apply or
 * revert are told through the callback, not returned: the next plug gets a
 * fresh try.
 */
int uw_watch_dispatch(struct uw_watch *w, struct uw_error *err);

/* True while the profile is applied to a plugged-in gadget. */
bool uw_watch_active(const struct uw_watch *w);

/* How many plug/unplug cycles have completed (an unplug after an apply). */
const struct uw_watch_stats *uw_watch_stats(const struct uw_watch *w);

/* Revert the live setup (if any). Returns 0 or a negative errno. */
int uw_watch_stop(struct uw_watch *w, struct uw_error *err);

/* Free (does not revert: call uw_watch_stop first). NULL is fine. */
void uw_watch_free(struct uw_watch *w);
UW_DEFINE_CLEANUP(struct uw_watch, uw_watch_free)
