/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Hand-made facts for the tests of what is built from them (test-plan,
 * test-overlap): no system access. A("192.0.2.1") is an address; add_addr
 * and add_route put an interface address or a route into the facts' table,
 * as core/facts.c reads them from the kernel.
 */

#include <arpa/inet.h>

#include "core/facts.h"
#include "core/ip4.h"
#include "core/util.h"
#include "tests/testutil.h"

static inline struct in_addr A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static inline struct uw_facts_route *facts_new_route(struct uw_facts *f, const char *dev)
{
	struct uw_facts_route *r;

	assert_true(f->n_routes < UW_ARRAY_SIZE(f->routes));
	r = &f->routes[f->n_routes++];
	memset(r, 0, sizeof(*r));
	assert_true(strlen(dev) < sizeof(r->dev));
	strcpy(r->dev, dev);
	return r;
}

/* A route to @net/@plen on @dev (through @gw when not NULL). */
static inline void add_route(struct uw_facts *f, const char *net, unsigned plen, const char *dev,
			     const char *gw)
{
	struct uw_facts_route *r = facts_new_route(f, dev);

	r->net.addr = A(net);
	r->net.plen = plen;
	if (gw)
		r->gateway = A(gw);
}

/* Address @a/@plen on @dev. */
static inline void add_addr(struct uw_facts *f, const char *a, unsigned plen, const char *dev)
{
	struct uw_facts_route *r = facts_new_route(f, dev);

	r->is_address = true;
	r->address = A(a);
	r->net.plen = plen;
	r->net.addr = uw_ip4_network(r->address, plen);
}
