/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The seed's 192.168.0.x trap: the USB subnet overlaps a network the desktop
 * already uses. Find every conflicting route or address, name it, and
 * recommend the seed's fix: a /32 address plus a host route to the phone
 * (only the phone's one address is taken from the LAN), or a /29, or another
 * subnet when even that collides (the phone's own address is on the LAN).
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"

#define UW_OVERLAP_MAX 16

struct uw_overlap_conflict {
	struct uw_facts_route route;    /* the conflicting route or address */
	char text[256];                 /* "192.168.0.0/24 on lan0 (your LAN)" */
};

enum uw_overlap_fix {
	UW_OVERLAP_NONE,        /* no overlap */
	UW_OVERLAP_FIX_32,      /* /32 + host route */
	UW_OVERLAP_FIX_29,      /* /29 */
	UW_OVERLAP_FIX_SUBNET,  /* the phone's address itself is in use: pick another subnet */
};

struct uw_overlap {
	struct uw_overlap_conflict conflicts[UW_OVERLAP_MAX];
	size_t n;
	enum uw_overlap_fix fix;        /* the recommendation */
	unsigned recommended_plen;      /* 32 or 29 (0 with FIX_SUBNET) */
	bool fix_29_ok;                 /* /29 would also work */
	/* With FIX_SUBNET: a free block from the private pool (uw_overlap_free_subnet)
	 * and the two addresses in it, same host parts as before (.200 and .202). */
	bool have_free;
	struct uw_ip4_net free_net;
	struct in_addr free_host, free_phone;
	char explanation[1024];          /* plain words for the user */
};

/* The pool free subnets come from: 192.168.0.0/16, as ConnMan's and
 * systemd-networkd's address pools are private ranges. */
#define UW_OVERLAP_POOL "192.168.0.0/16"

/*
 * A free block for the USB link, chosen as ConnMan and systemd-networkd pick
 * one from a pool: the first /@plen of @pool (in address order) that no
 * local address, route or default gateway on an interface other than
 * @iface touches (the default route itself does not count, lo neither).
 * @host and @phone keep their host parts in it (192.168.0.200 and .202
 * become 192.168.N.200 and .202), written to @new_host and @new_phone.
 * Pure: reads @facts only. Returns 0, -EINVAL when @plen is not inside the
 * pool or leaves no host part for the two (beyond /30), -ENOSPC when every
 * block is taken.
 */
int uw_overlap_free_subnet(const struct uw_facts *facts, const char *iface,
			   const struct uw_ip4_net *pool, unsigned plen, struct in_addr host,
			   struct in_addr phone, struct uw_ip4_net *out, struct in_addr *new_host,
			   struct in_addr *new_phone);

/*
 * Compare the USB link host/plen (with phone address @phone) on @iface with
 * every route and address in @facts on other interfaces. Fills @ov; returns
 * the number of conflicts.
 */
size_t uw_overlap_find(const struct uw_facts *facts, const char *iface, struct in_addr host,
		       struct in_addr phone, unsigned plen, struct uw_overlap *ov);
