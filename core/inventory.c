// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host inventory: one netlink dump each of links, addresses and routes,
 * sysctls from /proc/sys, and the resolv.conf files.
 */
#include "core/env.h"
#include "core/inventory.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detect.h"
#include "core/nl.h"
#include "core/util.h"

static int sysctl_int(const char *name)
{
	char buf[32];

	if (uw_sysctl_read(name, buf, sizeof(buf), NULL) < 0)
		return -1;
	return atoi(buf);
}

static void ns_list(const struct uw_resolv *r, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n_ns && n < len; i++) {
		if (r->ns[i].loopback)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", r->ns[i].text);
	}
}

static void read_dns(struct uw_inventory *inv)
{
	struct uw_error e;
	char list[256];

	uw_strlcpy(inv->resolv_path, uw_env_or(UW_ENV_RESOLV_CONF, "/etc/resolv.conf"),
		   sizeof(inv->resolv_path));
	uw_strlcpy(inv->upstream_path,
		   uw_env_or(UW_ENV_RESOLVED_CONF, "/run/systemd/resolve/resolv.conf"),
		   sizeof(inv->upstream_path));
	inv->resolv_error = uw_resolv_read(inv->resolv_path, &inv->resolv, &e);
	if (inv->resolv_error < 0) {
		snprintf(inv->dns_note, sizeof(inv->dns_note),
			 "%s: the phone needs DNS servers named by hand (static mode)", e.msg);
		return;
	}
	if (inv->resolv.n_ns == 0) {
		snprintf(inv->dns_note, sizeof(inv->dns_note),
			 "%s names no nameserver (the resolver then asks 127.0.0.1): no upstream DNS "
			 "server found; name one by hand for the phone", inv->resolv_path);
		return;
	}
	if (!uw_resolv_only_loopback(&inv->resolv))
		return;
	/* A stub such as systemd-resolved's 127.0.0.53 is useless to the
	 * phone (its own loopback) and cannot be a DNAT target: the real
	 * servers are in resolved's own file. */
	inv->dns_stub = true;
	if (uw_resolv_read(inv->upstream_path, &inv->upstream, NULL) == 0 &&
	    uw_resolv_count_usable(&inv->upstream) > 0) {
		inv->have_upstream = true;
		ns_list(&inv->upstream, list, sizeof(list));
		snprintf(inv->dns_note, sizeof(inv->dns_note),
			 "%s points at the local stub %s; the real upstream server%s %s (from %s)",
			 inv->resolv_path, inv->resolv.ns[0].text,
			 uw_resolv_count_usable(&inv->upstream) > 1 ? "s are" : " is", list,
			 inv->upstream_path);
	} else {
		snprintf(inv->dns_note, sizeof(inv->dns_note),
			 "%s points only at the local stub %s and no upstream server was found in "
			 "%s: give the phone a DNS server by hand (static mode)",
			 inv->resolv_path, inv->resolv.ns[0].text, inv->upstream_path);
	}
}

static const char *link_name(const struct uw_inventory *inv, int ifindex)
{
	for (size_t i = 0; i < inv->n_links; i++)
		if (inv->links[i].ifindex == ifindex)
			return inv->links[i].ifname;
	return "";
}

int uw_inventory_read(struct uw_inventory *inv, struct uw_error *err)
{
	return uw_inventory_read_some(inv, 0, err);
}

int uw_inventory_read_some(struct uw_inventory *inv, unsigned skip, struct uw_error *err)
{
	struct uw_nl_dump d;
	int r;

	memset(inv, 0, sizeof(*inv));
	r = uw_nl_dump(&d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, err);
	if (r < 0)
		return r;
	uw_inventory_from_dump(inv, &d, skip);
	uw_nl_dump_fini(&d);
	return 0;
}

void uw_inventory_from_dump(struct uw_inventory *inv, const struct uw_nl_dump *dp, unsigned skip)
{
	const struct uw_nl_dump d = *dp;
	char name[96];

	memset(inv, 0, sizeof(*inv));
	inv->links = uw_malloc0((d.n_links + 1) * sizeof(*inv->links));
	for (size_t i = 0; i < d.n_links; i++) {
		struct uw_inv_link *il = &inv->links[inv->n_links++];

		uw_strlcpy(il->ifname, d.links[i].ifname, sizeof(il->ifname));
		il->ifindex = d.links[i].ifindex;
		il->admin_up = d.links[i].flags & IFF_UP;
		il->rp_filter = -1;
		/* Names with a dot cannot be written in dotted sysctl form. */
		if (!(skip & UW_INV_SKIP_RP_FILTER) && !strchr(il->ifname, '.')) {
			snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter", il->ifname);
			il->rp_filter = sysctl_int(name);
		}
	}

	inv->addrs = uw_malloc0((d.n_addrs + 1) * sizeof(*inv->addrs));
	for (size_t i = 0; i < d.n_addrs; i++) {
		struct uw_inv_addr *ia = &inv->addrs[inv->n_addrs++];

		ia->ifindex = d.addrs[i].ifindex;
		uw_strlcpy(ia->ifname, link_name(inv, ia->ifindex), sizeof(ia->ifname));
		ia->addr = d.addrs[i].addr;
		ia->plen = d.addrs[i].plen;
	}

	inv->routes = uw_malloc0((d.n_routes + 1) * sizeof(*inv->routes));
	for (size_t i = 0; i < d.n_routes; i++) {
		const struct uw_nl_route4 *rt = &d.routes[i];
		struct uw_inv_route *ir = &inv->routes[inv->n_routes++];

		ir->dst = rt->dst;
		ir->plen = rt->plen;
		ir->scope = rt->scope;
		ir->metric = rt->metric;
		ir->protocol = rt->protocol;
		ir->ifindex = rt->ifindex;
		if (rt->ifindex > 0)
			uw_strlcpy(ir->dev, link_name(inv, ir->ifindex), sizeof(ir->dev));
		ir->has_gateway = rt->has_gateway;
		ir->gateway = rt->gateway;
		if (ir->plen == 0 && (!inv->has_default || ir->metric < inv->default_route.metric)) {
			inv->has_default = true;
			inv->default_route = *ir;
			uw_strlcpy(inv->default_ifname, ir->dev, sizeof(inv->default_ifname));
		}
	}

	inv->ip_forward = sysctl_int("net.ipv4.ip_forward");
	inv->rp_filter_all = inv->rp_filter_default = -1;
	if (!(skip & UW_INV_SKIP_RP_FILTER)) {
		inv->rp_filter_all = sysctl_int("net.ipv4.conf.all.rp_filter");
		inv->rp_filter_default = sysctl_int("net.ipv4.conf.default.rp_filter");
	}
	read_dns(inv);
	if (!(skip & UW_INV_SKIP_NM))
		inv->nm_running = uw_detect_nm_running();
}

void uw_inventory_fini(struct uw_inventory *inv)
{
	if (!inv)
		return;
	free(inv->addrs);
	free(inv->routes);
	free(inv->links);
	memset(inv, 0, sizeof(*inv));
}

const struct uw_resolv *uw_inventory_dns(const struct uw_inventory *inv)
{
	return inv->dns_stub && inv->have_upstream ? &inv->upstream : &inv->resolv;
}

int uw_inventory_rp_filter(const struct uw_inventory *inv, const char *ifname)
{
	for (size_t i = 0; i < inv->n_links; i++) {
		if (strcmp(inv->links[i].ifname, ifname))
			continue;
		if (inv->links[i].rp_filter < 0 || inv->rp_filter_all < 0)
			return -1;
		return inv->links[i].rp_filter > inv->rp_filter_all ? inv->links[i].rp_filter
								     : inv->rp_filter_all;
	}
	return -1;
}
