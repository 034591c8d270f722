// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uw_facts_read: what the plan needs from the live host, read through
 * libnl-route-3 (addresses, main-table routes), /proc/sys, resolv.conf and
 * the firewall inventory. Read-only.
 */
#include "core/facts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "core/nl.h"
#include "core/resolv.h"
#include "core/util.h"

struct walk {
	struct uw_facts *f;
	struct nl_cache *links;
	int default_metric;
};

static void ifname_of(struct nl_cache *links, int ifindex, char *buf)
{
	if (!rtnl_link_i2name(links, ifindex, buf, UW_IFNAME_MAX))
		snprintf(buf, UW_IFNAME_MAX, "if%d", ifindex);
}

static void on_addr(struct nl_object *obj, void *arg)
{
	struct walk *w = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	struct uw_facts_route *r;

	if (rtnl_addr_get_family(a) != AF_INET || !local || w->f->n_routes >= UW_FACTS_MAX_ROUTES)
		return;
	r = &w->f->routes[w->f->n_routes++];
	memset(r, 0, sizeof(*r));
	memcpy(&r->address, nl_addr_get_binary_addr(local), 4);
	r->is_address = true;
	r->net.plen = (unsigned)rtnl_addr_get_prefixlen(a);
	r->net.addr = uw_ip4_network(r->address, r->net.plen);
	ifname_of(w->links, rtnl_addr_get_ifindex(a), r->dev);
}

static void on_route(struct nl_object *obj, void *arg)
{
	struct walk *w = arg;
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;
	struct uw_facts_route *r;
	struct nl_addr *gw;

	if (rtnl_route_get_family(rt) != AF_INET || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(rt) != RTN_UNICAST || w->f->n_routes >= UW_FACTS_MAX_ROUTES)
		return;
	nh = rtnl_route_nexthop_n(rt, 0);
	r = &w->f->routes[w->f->n_routes++];
	memset(r, 0, sizeof(*r));
	if (dst && nl_addr_get_len(dst) == 4)
		memcpy(&r->net.addr, nl_addr_get_binary_addr(dst), 4);
	r->net.plen = dst ? nl_addr_get_prefixlen(dst) : 0;
	if (nh) {
		ifname_of(w->links, rtnl_route_nh_get_ifindex(nh), r->dev);
		gw = rtnl_route_nh_get_gateway(nh);
		if (gw && nl_addr_get_len(gw) == 4)
			memcpy(&r->gateway, nl_addr_get_binary_addr(gw), 4);
	}
	/* The default route with the lowest metric is the one the kernel uses. */
	if (r->net.plen == 0 && nh) {
		int metric = (int)rtnl_route_get_priority(rt);
		if (!w->f->default_iface[0] || metric < w->default_metric) {
			uw_strlcpy(w->f->default_iface, r->dev, sizeof(w->f->default_iface));
			w->f->default_gw = r->gateway;
			w->default_metric = metric;
		}
	}
}

static int read_routes(struct uw_facts *f, struct uw_error *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
	struct walk w = { .f = f };
	int r = 0;

	if (!sk)
		return uw_error_set(err, -ENOMEM, "out of memory");
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return uw_error_set(err, -EIO, "Cannot open a netlink socket to read the routing table.");
	}
	if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &links) < 0 || rtnl_addr_alloc_cache(sk, &addrs) < 0 ||
	    rtnl_route_alloc_cache(sk, AF_INET, 0, &routes) < 0) {
		r = uw_error_set(err, -EIO, "Cannot read the desktop's addresses and routes over netlink.");
		goto out;
	}
	w.links = links;
	nl_cache_foreach(addrs, on_addr, &w);
	nl_cache_foreach(routes, on_route, &w);
out:
	if (routes)
		nl_cache_free(routes);
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	nl_socket_free(sk);
	return r;
}

static void add_dns(struct uw_facts *f, const struct uw_resolv *rv)
{
	for (size_t i = 0; i < rv->n_ns && f->n_dns < UW_ARRAY_SIZE(f->dns); i++)
		if (rv->ns[i].family == AF_INET && !rv->ns[i].loopback)
			f->dns[f->n_dns++] = rv->ns[i].v4;
}

static void read_dns(struct uw_facts *f)
{
	const char *path = getenv("USBNET_WIZARD_RESOLV_CONF");
	const char *resolved = getenv("USBNET_WIZARD_RESOLVED_CONF");
	struct uw_resolv *rv = uw_malloc0(sizeof(*rv));
	bool any_stub = false;

	if (!path || !*path)
		path = "/etc/resolv.conf";
	if (!resolved || !*resolved)
		resolved = "/run/systemd/resolve/resolv.conf";
	if (uw_resolv_read(path, rv, NULL) == 0) {
		for (size_t i = 0; i < rv->n_ns; i++)
			any_stub |= rv->ns[i].loopback;
		add_dns(f, rv);
	}
	if (any_stub && f->n_dns == 0) {
		/* A local stub (systemd-resolved's 127.0.0.53): the real servers are elsewhere. */
		f->dns_stub = true;
		memset(rv, 0, sizeof(*rv));
		if (uw_resolv_read(resolved, rv, NULL) == 0)
			add_dns(f, rv);
		if (f->n_dns) {
			char s[UW_IP4_STRLEN];
			snprintf(f->dns_note, sizeof(f->dns_note),
				 "%s names only a local stub resolver (127.0.0.53), which the phone cannot use; "
				 "the real upstream server %s comes from %s.", path, uw_ip4_str(f->dns[0], s), resolved);
		} else {
			snprintf(f->dns_note, sizeof(f->dns_note),
				 "%s names only a local stub resolver (127.0.0.53) and %s gives no upstream server.",
				 path, resolved);
		}
	}
	free(rv);
}

int uw_facts_read(struct uw_facts *f, struct uw_error *err)
{
	char v[16];
	int r;

	memset(f, 0, sizeof(*f));
	f->ip_forward = -1;
	r = read_routes(f, err);
	if (r < 0)
		return r;
	if (uw_sysctl_read("net.ipv4.ip_forward", v, sizeof(v), NULL) == 0)
		f->ip_forward = atoi(v);
	read_dns(f);
	/* The firewall may be unreadable (no root): the plan then falls back to nftables. */
	if (uw_fw_inventory_read(&f->fw, NULL) == 0)
		f->have_fw = true;
	return 0;
}
