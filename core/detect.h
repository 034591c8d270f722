/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Find the phone's network interface.
 *
 * Every Ethernet-like link of the current network namespace is looked at
 * (netlink link list), except loopback, bridges/bonds and other virtual
 * plumbing, links enslaved to a bridge, and the interface of the default
 * route. Each remaining one gets a score and the human reasons for it:
 *
 *   +50  driver is a USB networking driver (cdc_ether, rndis_host,
 *        cdc_subset, cdc_eem, cdc_ncm, ...), from sysfs device/driver or,
 *        for links without a device (veth), ETHTOOL_GDRVINFO
 *   +20  a USB device with vendor:product ids up the sysfs device tree
 *   +40  a known gadget (1457:5122 Openmoko FreeRunner, 0525:a4a2 Linux
 *        USB Ethernet/RNDIS gadget, 1d6b:0104 composite gadget, ...)
 *   +30  name usbN (what gadgets get); +25 enx<mac> or rndisN; +20 a
 *        predictable name with a USB port path (enp0s20f0u1)
 *   +5   carrier (lower up)
 *
 * Identity comes from driver and USB ids first, name second: predictable
 * names and random MACs change on every plug. The sysfs root is /sys, or
 * $USBNET_WIZARD_SYSFS (tests build fake trees there); a sysfs entry whose
 * ifindex file disagrees with netlink (sysfs of another namespace) is
 * ignored.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/util.h"

#define UW_DETECT_MAX_REASONS 8
#define UW_DETECT_REASON_LEN  112
#define UW_DETECT_MAX_ADDRS   8

/* Who else may configure the interface. */
enum uw_manager {
	UW_MANAGER_NONE,          /* NetworkManager is not running */
	UW_MANAGER_NM_MANAGED,    /* NetworkManager manages it: it may reconfigure it */
	UW_MANAGER_NM_UNMANAGED,  /* NetworkManager runs but leaves it alone */
	UW_MANAGER_NM_UNKNOWN,    /* NetworkManager runs; its state for the link is unknown */
};

struct uw_candidate {
	char ifname[16];
	int ifindex;
	int score;
	bool likely;              /* score high enough to pick it without asking */
	char mac[18];             /* "02:aa:bb:cc:dd:ee" or "" */
	char operstate[16];       /* "up", "down", "lowerlayerdown", "unknown" ... */
	bool admin_up;            /* IFF_UP */
	bool carrier;             /* IFF_LOWER_UP */
	char driver[32];          /* "cdc_ether", "veth", "" if unknown */
	bool has_usb_id;
	unsigned usb_vendor, usb_product;
	char usb_name[48];        /* "Openmoko FreeRunner" for known ids, else "" */
	struct in_addr addrs[UW_DETECT_MAX_ADDRS]; /* IPv4 addresses on it */
	unsigned plens[UW_DETECT_MAX_ADDRS];
	size_t n_addrs;
	enum uw_manager manager;
	char manager_note[256];   /* a sentence about the manager, with advice */
	char reasons[UW_DETECT_MAX_REASONS][UW_DETECT_REASON_LEN];
	size_t n_reasons;
};

/*
 * List candidate interfaces, best first (ties by name). *out is a
 * malloc'd array of *n entries (NULL and 0 when there is none); free it
 * with uw_candidates_free. Returns 0 or <0.
 */
int uw_detect_scan(struct uw_candidate **out, size_t *n, struct uw_error *err);

/*
 * uw_detect_scan without asking who manages each candidate (no D-Bus
 * question to NetworkManager, no look through /proc for it): manager is
 * UW_MANAGER_NM_UNKNOWN. For `watch`, which only needs to recognise the
 * profile's gadget (driver, USB ids, name) on every plug, fast.
 */
int uw_detect_identify(struct uw_candidate **out, size_t *n, struct uw_error *err);

/*
 * uw_detect_scan and uw_detect_identify on @d, a uw_nl_dump (core/nl.h) of
 * links, addresses and routes the caller made and frees, instead of a dump
 * of their own: one read of the kernel serves detection and the plan's facts
 * (uw_facts_read_dump) together. Never fail (no candidate: NULL and 0).
 */
struct uw_nl_dump;
void uw_detect_scan_dump(const struct uw_nl_dump *d, struct uw_candidate **out, size_t *n);
void uw_detect_identify_dump(const struct uw_nl_dump *d, struct uw_candidate **out, size_t *n);

/*
 * uw_detect_identify for the one link @ifindex of @d (as above): the other
 * links' drivers and USB ids are not looked up. 1 and @out filled when it
 * is a candidate, 0 when it is not (loopback, a bridge, the uplink...; only
 * @out's ifname and ifindex are set), -ENODEV when @d has no such link.
 */
int uw_detect_identify_one(const struct uw_nl_dump *d, int ifindex, struct uw_candidate *out);

/* Free what uw_detect_scan returned (NULL is fine). */
void uw_candidates_free(struct uw_candidate *c);
UW_DEFINE_CLEANUP(struct uw_candidate, uw_candidates_free)

/*
 * Wait up to @timeout_ms (< 0: forever) for a *new* interface that scores
 * above 0 to appear, through netlink link events (no polling). Interfaces
 * present when the call starts, and those named in the NULL-terminated
 * @exclude list (may be NULL), never count. Returns 0 and fills @out the
 * moment one appears, -ETIMEDOUT with advice, or another <0.
 * udev may rename a new gadget (usb0 -> enx...) right after it appears:
 * keep out->ifindex and re-read the name (uw_nl_link_name) before use.
 */
int uw_detect_wait(int timeout_ms, const char *const *exclude, struct uw_candidate *out,
		   struct uw_error *err);

/*
 * Is NetworkManager running? Asked on the system bus (core/nm.h). Only when
 * the bus cannot be asked, guessed: $USBNET_WIZARD_NM_RUNDIR (default
 * /run/NetworkManager)/NetworkManager.pid names a live process, or a process
 * called NetworkManager runs in this network namespace. Candidates' manager
 * and manager_note come from the bus the same way (the run files'
 * devices/IFINDEX keyfiles only as the fallback).
 */
bool uw_detect_nm_running(void);
