/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the plan needs to know about the host, in one plain struct: filled
 * from the live inventory by uw_facts_read(), or by hand in unit tests. The
 * plan never reads the system itself, so it can be tested on any machine.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/firewalld.h"
#include "core/fw.h"
#include "core/ip4.h"

#define UW_FACTS_MAX_ROUTES 256
#define UW_FACTS_NOTE_MAX 320
#define UW_FACTS_MAX_NM 16
#define UW_FACTS_MAX_LINKS 64

struct uw_facts_route {
	struct uw_ip4_net net;          /* destination (an address's own subnet for is_address) */
	char dev[UW_IFNAME_MAX];
	struct in_addr gateway;         /* 0 = on-link */
	bool is_address;                /* a local address, not a route */
	struct in_addr address;         /* for is_address: the address itself */
};

struct uw_facts {
	struct uw_facts_route routes[UW_FACTS_MAX_ROUTES];
	size_t n_routes;
	char default_iface[UW_IFNAME_MAX];  /* "" = no default route */
	struct in_addr default_gw;

	struct in_addr dns[3];              /* real upstream servers (never a loopback stub) */
	size_t n_dns;
	bool dns_stub;                      /* resolv.conf points at a local stub */
	char dns_note[UW_FACTS_NOTE_MAX];   /* where the servers came from, in plain words */

	char links[UW_FACTS_MAX_LINKS][UW_IFNAME_MAX]; /* the interfaces that exist */
	size_t n_links;
	bool have_links;                    /* links was read (hand-made facts may leave it out) */

	int ip_forward;                     /* -1 unknown */
	/* NetworkManager, from the system bus: 1 running, 0 not, -1 unknown (no
	 * bus; then no interface is listed as managed). */
	int nm_running;
	char nm_managed[UW_FACTS_MAX_NM][UW_IFNAME_MAX]; /* interfaces it manages */
	size_t n_nm_managed;
	bool have_fw;                       /* fw was read */
	struct uw_fw_inventory fw;
	struct uw_firewalld firewalld;      /* read from the system bus (running false: none) */
};

/* Fill @f from the running system (the calling thread's namespace). */
int uw_facts_read(struct uw_facts *f, struct uw_error *err);

/*
 * uw_facts_read with the kernel's links, addresses and routes taken from @d,
 * a uw_nl_dump (core/nl.h) of all three that the caller made and frees: one
 * read of the kernel serves the facts and detection (uw_detect_scan_dump)
 * alike. Everything else is read as uw_facts_read reads it.
 */
struct uw_nl_dump;
int uw_facts_read_dump(struct uw_facts *f, const struct uw_nl_dump *d, struct uw_error *err);

/*
 * uw_facts_read_dump for a plan and nothing else (plan, apply, watch): the
 * firewall part is uw_fw_inventory_read_plan's, which leaves out the
 * masquerades and rule counts a doctor or report shows. The plan made from
 * it is the one uw_facts_read's facts make.
 */
int uw_facts_read_dump_plan(struct uw_facts *f, const struct uw_nl_dump *d, struct uw_error *err);

/* Refresh only the NetworkManager facts (watch: after NetworkManager took a
 * new interface). */
void uw_facts_read_nm(struct uw_facts *f);

/* Does NetworkManager manage @iface (per @f)? */
bool uw_facts_nm_manages(const struct uw_facts *f, const char *iface);
