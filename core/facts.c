// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uw_facts_read: the plan's view of the live host, taken from the host
 * inventory (core/inventory.h) and the firewall inventory (core/fw.h).
 * Read-only. uw_facts_read_dump takes the kernel's links, addresses and
 * routes from a dump the caller made (and may also give to detection).
 */
#include "core/facts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/inventory.h"
#include "core/nl.h"
#include "core/nm.h"
#include "core/util.h"

static void add_dns(struct uw_facts *f, const struct uw_resolv *rv)
{
	for (size_t i = 0; i < rv->n_ns && f->n_dns < UW_ARRAY_SIZE(f->dns); i++)
		if (rv->ns[i].family == AF_INET && !rv->ns[i].loopback)
			f->dns[f->n_dns++] = rv->ns[i].v4;
}

int uw_facts_read(struct uw_facts *f, struct uw_error *err)
{
	struct uw_nl_dump d;
	int r = uw_nl_dump(&d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, err);

	if (r < 0) {
		memset(f, 0, sizeof(*f));
		return r;
	}
	r = uw_facts_read_dump(f, &d, err);
	uw_nl_dump_fini(&d);
	return r;
}

static int cmp_link_index(const void *a, const void *b)
{
	const struct uw_nl_link *x = *(const struct uw_nl_link *const *)a;
	const struct uw_nl_link *y = *(const struct uw_nl_link *const *)b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int read_dump(struct uw_facts *f, const struct uw_nl_dump *d, bool plan_only)
{
	struct uw_inventory *inv = uw_malloc0(sizeof(*inv));

	memset(f, 0, sizeof(*f));
	/* NetworkManager is asked below (uw_facts_read_nm), and no plan uses
	 * rp_filter: the inventory's own reads of both are left out. */
	uw_inventory_from_dump(inv, d, UW_INV_SKIP_NM | UW_INV_SKIP_RP_FILTER);
	for (size_t i = 0; i < inv->n_addrs && f->n_routes < UW_FACTS_MAX_ROUTES; i++) {
		struct uw_facts_route *fr = &f->routes[f->n_routes++];
		memset(fr, 0, sizeof(*fr));
		fr->is_address = true;
		fr->address = inv->addrs[i].addr;
		fr->net.plen = inv->addrs[i].plen;
		fr->net.addr = uw_ip4_network(fr->address, fr->net.plen);
		uw_strlcpy(fr->dev, inv->addrs[i].ifname, sizeof(fr->dev));
	}
	for (size_t i = 0; i < inv->n_routes && f->n_routes < UW_FACTS_MAX_ROUTES; i++) {
		struct uw_facts_route *fr = &f->routes[f->n_routes++];
		memset(fr, 0, sizeof(*fr));
		fr->net.addr = inv->routes[i].dst;
		fr->net.plen = inv->routes[i].plen;
		if (inv->routes[i].has_gateway)
			fr->gateway = inv->routes[i].gateway;
		uw_strlcpy(fr->dev, inv->routes[i].dev, sizeof(fr->dev));
	}
	{
		/* The links from the same dump, in index order (as if_nameindex
		 * lists them, which asked the kernel once more). */
		_auto_(free) const struct uw_nl_link **v = uw_malloc0((d->n_links + 1) * sizeof(*v));

		for (size_t i = 0; i < d->n_links; i++)
			v[i] = &d->links[i];
		qsort(v, d->n_links, sizeof(*v), cmp_link_index);
		f->have_links = true;
		for (size_t i = 0; i < d->n_links && f->n_links < UW_FACTS_MAX_LINKS; i++)
			uw_strlcpy(f->links[f->n_links++], v[i]->ifname, UW_IFNAME_MAX);
	}
	if (inv->has_default) {
		uw_strlcpy(f->default_iface, inv->default_ifname, sizeof(f->default_iface));
		if (inv->default_route.has_gateway)
			f->default_gw = inv->default_route.gateway;
	}
	f->ip_forward = inv->ip_forward;
	f->dns_stub = inv->dns_stub;
	add_dns(f, uw_inventory_dns(inv));
	uw_strlcpy(f->dns_note, inv->dns_note, sizeof(f->dns_note));
	uw_inventory_fini(inv);
	free(inv);
	/* The firewall may be unreadable (no root): the plan then falls back to nftables.
	 * The quick read has every fact a plan uses; only the count of foreign
	 * nft rules may be partial (doctor reads it in full when it shows it). */
	if ((plan_only ? uw_fw_inventory_read_plan : uw_fw_inventory_read_quick)(&f->fw, NULL) == 0)
		f->have_fw = true;
	/* firewalld from its D-Bus interface (no bus, or not running: running stays false). */
	uw_firewalld_read(&f->firewalld, NULL);
	f->fw.firewalld_running = f->firewalld.running;
	uw_facts_read_nm(f);
	return 0;
}

int uw_facts_read_dump(struct uw_facts *f, const struct uw_nl_dump *d, struct uw_error *err)
{
	return read_dump(f, d, false);
}

int uw_facts_read_dump_plan(struct uw_facts *f, const struct uw_nl_dump *d, struct uw_error *err)
{
	return read_dump(f, d, true);
}

void uw_facts_read_nm(struct uw_facts *f)
{
	int n = uw_nm_managed_list(f->nm_managed, UW_FACTS_MAX_NM, NULL);

	f->n_nm_managed = n > 0 ? (size_t)n : 0;
	if (n == -ENOTCONN)
		f->nm_running = -1;
	else if (n < 0)
		f->nm_running = 1; /* it answered the bus but a question failed: it runs */
	else if (n > 0)
		f->nm_running = 1; /* it listed devices it manages: it runs (no second connection to ask) */
	else
		f->nm_running = uw_nm_presence(NULL, 0) == UW_NM_RUNNING;
}

bool uw_facts_nm_manages(const struct uw_facts *f, const char *iface)
{
	for (size_t i = 0; i < f->n_nm_managed; i++)
		if (!strcmp(f->nm_managed[i], iface))
			return true;
	return false;
}
