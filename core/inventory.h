/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The host as it is: IPv4 addresses, main-table routes and the default
 * route, ip_forward and rp_filter, DNS servers (resolv.conf, and
 * systemd-resolved's real upstream when resolv.conf names only a loopback
 * stub), and whether NetworkManager runs. Read-only; everything comes from
 * the network namespace of the caller. The firewall's state is read by
 * core/fw.h, not here.
 *
 * Paths: $USBNET_WIZARD_RESOLV_CONF (default /etc/resolv.conf) and
 * $USBNET_WIZARD_RESOLVED_CONF (default /run/systemd/resolve/resolv.conf).
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/resolv.h"

struct uw_inv_addr {
	char ifname[16];
	int ifindex;
	struct in_addr addr;
	unsigned plen;
};

struct uw_inv_route {
	struct in_addr dst;       /* 0.0.0.0 for the default route */
	unsigned plen;
	bool has_gateway;
	struct in_addr gateway;
	char dev[16];
	int ifindex;
	unsigned scope;           /* RT_SCOPE_UNIVERSE (0), RT_SCOPE_LINK (253), ... */
	unsigned metric;
	unsigned protocol;        /* RTPROT_KERNEL, RTPROT_BOOT, RTPROT_DHCP ... */
};

struct uw_inv_link {
	char ifname[16];
	int ifindex;
	bool admin_up;
	int rp_filter;            /* net.ipv4.conf.IF.rp_filter, -1 if unreadable */
};

struct uw_inventory {
	struct uw_inv_addr *addrs;
	size_t n_addrs;
	struct uw_inv_route *routes;  /* main table, unicast, IPv4 */
	size_t n_routes;
	struct uw_inv_link *links;
	size_t n_links;

	bool has_default;
	struct uw_inv_route default_route; /* lowest metric default route */
	char default_ifname[16];           /* its interface ("" if none) */

	int ip_forward;           /* net.ipv4.ip_forward, -1 if unreadable */
	int rp_filter_all;        /* net.ipv4.conf.all.rp_filter, -1 if unreadable */
	int rp_filter_default;    /* net.ipv4.conf.default.rp_filter */

	char resolv_path[256];
	int resolv_error;         /* 0, or why resolv.conf could not be read */
	struct uw_resolv resolv;  /* as read from resolv_path */
	bool dns_stub;            /* resolv.conf names only loopback servers */
	char upstream_path[256];
	bool have_upstream;       /* dns_stub and upstream holds real servers */
	struct uw_resolv upstream;
	char dns_note[1280];       /* a sentence about DNS when something is special */

	bool nm_running;
};

/*
 * Fill @inv (any previous content is overwritten, not freed: start from a
 * zeroed struct or call uw_inventory_fini first). A missing resolv.conf is
 * not an error (see resolv_error and dns_note). Returns 0 or <0 when the
 * kernel cannot be asked; then @inv is left empty.
 */
int uw_inventory_read(struct uw_inventory *inv, struct uw_error *err);

/*
 * What a caller may leave out of uw_inventory_read_some: each costs reads
 * a plan never uses. NetworkManager's presence is a D-Bus call and, with no
 * bus, a scan of every process's comm in /proc; rp_filter is one /proc/sys
 * file per link.
 */
enum {
	UW_INV_SKIP_NM = 1 << 0,         /* nm_running stays false */
	UW_INV_SKIP_RP_FILTER = 1 << 1,  /* every rp_filter field stays -1 */
};

/* uw_inventory_read without the parts named in @skip (UW_INV_SKIP_*); the
 * rest is read exactly as uw_inventory_read reads it. */
int uw_inventory_read_some(struct uw_inventory *inv, unsigned skip, struct uw_error *err);

/* uw_inventory_read_some with the kernel's links, addresses and routes
 * taken from @d (a uw_nl_dump of all three, core/nl.h) instead of a dump of
 * its own: one dump can serve the inventory and detection together. The
 * sysctls, resolv.conf and the rest are read as uw_inventory_read_some reads
 * them. @d stays the caller's. */
struct uw_nl_dump;
void uw_inventory_from_dump(struct uw_inventory *inv, const struct uw_nl_dump *d, unsigned skip);

/* Free what uw_inventory_read allocated and zero @inv. */
void uw_inventory_fini(struct uw_inventory *inv);

/*
 * The DNS servers to use for the phone: systemd-resolved's upstream when
 * resolv.conf names only a stub and the upstream was found, else
 * resolv.conf's own list.
 */
const struct uw_resolv *uw_inventory_dns(const struct uw_inventory *inv);

/*
 * The rp_filter in effect for @ifname: the kernel applies the larger of
 * conf.all and conf.IF. -1 if unknown.
 */
int uw_inventory_rp_filter(const struct uw_inventory *inv, const char *ifname);
