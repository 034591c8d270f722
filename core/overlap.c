// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/overlap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

static bool route_conflicts(const struct uw_facts_route *r, const char *iface,
			    const struct uw_ip4_net *usb)
{
	if (iface && iface[0] && !strcmp(r->dev, iface))
		return false;           /* our own interface: not a conflict */
	if (!strcmp(r->dev, "lo"))
		return false;
	if (r->net.plen == 0)
		return false;           /* the default route overlaps everything by design */
	if (r->is_address && r->net.plen == 32)
		return uw_ip4_net_contains(usb, r->address);
	return uw_ip4_net_overlaps(&r->net, usb);
}

/* Would host/plen on the USB link still collide with something? */
static bool collides(const struct uw_facts *f, const char *iface, struct in_addr host,
		     struct in_addr phone, unsigned plen)
{
	struct uw_ip4_net usb = { uw_ip4_network(host, plen), plen };

	for (size_t i = 0; i < f->n_routes; i++) {
		const struct uw_facts_route *r = &f->routes[i];

		if (iface && iface[0] && !strcmp(r->dev, iface))
			continue;
		if (r->net.plen == 0 || !strcmp(r->dev, "lo"))
			continue;
		/*
		 * A narrower prefix on usb0 wins over the LAN's /24 by longest
		 * match, so only *addresses we need* must stay clear: a local
		 * address or gateway inside the USB subnet, or a route at least
		 * as specific as ours.
		 */
		if (r->is_address && uw_ip4_net_contains(&usb, r->address))
			return true;
		if (r->gateway.s_addr && uw_ip4_net_contains(&usb, r->gateway))
			return true;
		if (!r->is_address && r->net.plen >= plen && uw_ip4_net_overlaps(&r->net, &usb))
			return true;
	}
	if (f->default_gw.s_addr) {
		if (uw_ip4_net_contains(&usb, f->default_gw))
			return true;
	}
	(void)phone;
	return false;
}

/* Does anything outside @iface use addresses of @net? */
static bool block_used(const struct uw_facts *f, const char *iface, const struct uw_ip4_net *net)
{
	for (size_t i = 0; i < f->n_routes; i++) {
		const struct uw_facts_route *r = &f->routes[i];

		if (iface && iface[0] && !strcmp(r->dev, iface))
			continue;
		if (!strcmp(r->dev, "lo"))
			continue;
		if (r->is_address && uw_ip4_net_contains(net, r->address))
			return true;
		if (r->gateway.s_addr && uw_ip4_net_contains(net, r->gateway))
			return true;
		if (r->net.plen > 0 && uw_ip4_net_overlaps(&r->net, net))
			return true;
	}
	return f->default_gw.s_addr && uw_ip4_net_contains(net, f->default_gw);
}

int uw_overlap_free_subnet(const struct uw_facts *facts, const char *iface,
			   const struct uw_ip4_net *pool, unsigned plen, struct in_addr host,
			   struct in_addr phone, struct uw_ip4_net *out, struct in_addr *new_host,
			   struct in_addr *new_phone)
{
	uint32_t hmask, hpart, ppart, base, step, count;

	if (plen < pool->plen || plen > 30)
		return -EINVAL;
	hmask = ~ntohl(uw_ip4_mask(plen));
	hpart = ntohl(host.s_addr) & hmask;
	ppart = ntohl(phone.s_addr) & hmask;
	/* Neither the network nor the broadcast address, and two different hosts. */
	if (hpart == 0 || hpart == hmask || ppart == 0 || ppart == hmask || hpart == ppart)
		return -EINVAL;
	base = ntohl(uw_ip4_network(pool->addr, pool->plen).s_addr);
	step = hmask + 1;
	count = plen - pool->plen >= 32 ? 0 : 1u << (plen - pool->plen);
	for (uint32_t i = 0; i < count; i++) {
		struct uw_ip4_net net = { { htonl(base + i * step) }, plen };

		if (block_used(facts, iface, &net))
			continue;
		*out = net;
		new_host->s_addr = htonl(base + i * step + hpart);
		new_phone->s_addr = htonl(base + i * step + ppart);
		return 0;
	}
	return -ENOSPC;
}

size_t uw_overlap_find(const struct uw_facts *facts, const char *iface, struct in_addr host,
		       struct in_addr phone, unsigned plen, struct uw_overlap *ov)
{
	struct uw_ip4_net usb = { uw_ip4_network(host, plen), plen };
	char a[UW_IP4_STRLEN], h[UW_IP4_STRLEN], p[UW_IP4_STRLEN];
	struct uw_ip4_net phone32 = { phone, 32 }, host32 = { host, 32 };

	memset(ov, 0, sizeof(*ov));
	for (size_t i = 0; i < facts->n_routes && ov->n < UW_OVERLAP_MAX; i++) {
		const struct uw_facts_route *r = &facts->routes[i];
		struct uw_overlap_conflict *c;

		if (!route_conflicts(r, iface, &usb))
			continue;
		c = &ov->conflicts[ov->n++];
		c->route = *r;
		if (r->is_address)
			snprintf(c->text, sizeof(c->text), "address %s/%u on %s", uw_ip4_str(r->address, a),
				 r->net.plen, r->dev);
		else if (r->gateway.s_addr) {
			char g[UW_IP4_STRLEN];
			snprintf(c->text, sizeof(c->text), "route %s/%u via %s dev %s",
				 uw_ip4_str(r->net.addr, a), r->net.plen, uw_ip4_str(r->gateway, g), r->dev);
		} else
			snprintf(c->text, sizeof(c->text), "route %s/%u dev %s", uw_ip4_str(r->net.addr, a),
				 r->net.plen, r->dev);
	}
	if (ov->n == 0) {
		ov->fix = UW_OVERLAP_NONE;
		return 0;
	}
	/* Name a route first: that is what sends the packets the wrong way. */
	for (size_t i = 1; i < ov->n; i++) {
		if (ov->conflicts[0].route.is_address && !ov->conflicts[i].route.is_address) {
			struct uw_overlap_conflict t = ov->conflicts[0];
			ov->conflicts[0] = ov->conflicts[i];
			ov->conflicts[i] = t;
			break;
		}
	}
	uw_ip4_str(host, h);
	uw_ip4_str(phone, p);
	/*
	 * Is the phone's or the desktop's USB address itself taken on the LAN
	 * (a local address or the gateway)? Then no mask helps: another subnet.
	 */
	bool phone_taken = false;
	for (size_t i = 0; i < facts->n_routes; i++) {
		const struct uw_facts_route *r = &facts->routes[i];
		if (iface && iface[0] && !strcmp(r->dev, iface))
			continue;
		if (r->is_address && (uw_ip4_net_contains(&phone32, r->address) ||
				      uw_ip4_net_contains(&host32, r->address)))
			phone_taken = true;
	}
	if (facts->default_gw.s_addr &&
	    (facts->default_gw.s_addr == phone.s_addr || facts->default_gw.s_addr == host.s_addr))
		phone_taken = true;

	ov->fix_29_ok = !phone_taken && uw_ip4_network(host, 29).s_addr == uw_ip4_network(phone, 29).s_addr &&
			!collides(facts, iface, host, phone, 29);
	if (phone_taken || collides(facts, iface, host, phone, 32)) {
		struct uw_ip4_net pool;
		char fn[UW_IP4_STRLEN], fh[UW_IP4_STRLEN], fp[UW_IP4_STRLEN], other[200];

		ov->fix = UW_OVERLAP_FIX_SUBNET;
		ov->recommended_plen = 0;
		/* Propose a block that is free here, not a fixed example. */
		ov->have_free = uw_ip4_parse_cidr(UW_OVERLAP_POOL, &pool, "pool", NULL) == 0 &&
				uw_overlap_free_subnet(facts, iface, &pool, plen < 24 ? 24 : plen, host,
						       phone, &ov->free_net, &ov->free_host,
						       &ov->free_phone) == 0;
		if (ov->have_free)
			snprintf(other, sizeof(other), "%s/%u is free here: this computer %s and the "
				 "phone %s (the phone's own address must be changed to match)",
				 uw_ip4_str(ov->free_net.addr, fn), ov->free_net.plen,
				 uw_ip4_str(ov->free_host, fh), uw_ip4_str(ov->free_phone, fp));
		else
			snprintf(other, sizeof(other), "no block of %s is free here", UW_OVERLAP_POOL);
		snprintf(ov->explanation, sizeof(ov->explanation),
			 "The USB link %s/%u overlaps %s, and the address %s or %s is itself in use "
			 "there, so no netmask can separate them. Give the phone and the desktop "
			 "addresses in another subnet (%s), or renumber the LAN.",
			 uw_ip4_str(usb.addr, a), plen, ov->conflicts[0].text, h, p, other);
	} else {
		ov->fix = UW_OVERLAP_FIX_32;
		ov->recommended_plen = 32;
		snprintf(ov->explanation, sizeof(ov->explanation),
			 "The USB link %s/%u overlaps %s: the desktop could send the phone's packets "
			 "to the LAN (or LAN packets to the phone). Recommended, as the Openmoko wiki "
			 "does for a 192.168.0.x LAN: give usb0 only %s/32 and add a host route to the "
			 "phone %s, so only that one address leaves the LAN.%s",
			 uw_ip4_str(usb.addr, a), plen, ov->conflicts[0].text, h, p,
			 ov->fix_29_ok ? " A /29 netmask (255.255.255.248) would also work." : "");
	}
	return ov->n;
}
