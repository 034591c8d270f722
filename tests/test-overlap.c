// SPDX-License-Identifier: GPL-2.0-or-later
/* core/overlap.c from hand-made facts: the free subnet from the pool (issue
 * 12 item 5: with the phone's own address in use on the LAN, a block that is
 * free here is proposed, as ConnMan and systemd-networkd pick one). */
#include "tests/testfacts.h"

#include <arpa/inet.h>

#include "core/overlap.h"
#include "core/plan.h"

static const char *S(struct in_addr a)
{
	static char buf[4][UW_IP4_STRLEN];
	static int k;
	return uw_ip4_str(a, buf[k++ % 4]);
}

/* The testbed's --overlap desktop, with 192.168.0.202 added on lan0. */
static struct uw_facts *lan_holding_202(void)
{
	struct uw_facts *f = calloc(1, sizeof(*f));

	add_addr(f, "192.168.0.100", 24, "lan0");
	add_addr(f, "192.168.0.202", 24, "lan0");
	add_route(f, "192.168.0.0", 24, "lan0", NULL);
	add_route(f, "0.0.0.0", 0, "lan0", "192.168.0.1");
	add_addr(f, "127.0.0.1", 8, "lo");
	strcpy(f->default_iface, "lan0");
	f->default_gw = A("192.168.0.1");
	return f;
}

static void test_free_subnet_first_free_block(void **state)
{
	struct uw_facts *f = lan_holding_202();
	struct uw_ip4_net pool = { A("192.168.0.0"), 16 }, out;
	struct in_addr h, p;

	assert_int_equal(uw_overlap_free_subnet(f, "usb0", &pool, 24, A("192.168.0.200"),
						A("192.168.0.202"), &out, &h, &p), 0);
	assert_string_equal(S(out.addr), "192.168.1.0");
	assert_int_equal(out.plen, 24);
	assert_string_equal(S(h), "192.168.1.200");
	assert_string_equal(S(p), "192.168.1.202");

	/* A route (a VPN's), an address and a gateway each take their block;
	 * the usb0's own and lo's do not count, the default route neither. */
	add_route(f, "192.168.1.0", 24, "tun0", NULL);
	add_addr(f, "192.168.2.7", 32, "wg0");
	add_route(f, "10.0.0.0", 8, "lan0", "192.168.3.1");
	add_addr(f, "192.168.4.200", 24, "usb0");
	assert_int_equal(uw_overlap_free_subnet(f, "usb0", &pool, 24, A("192.168.0.200"),
						A("192.168.0.202"), &out, &h, &p), 0);
	assert_string_equal(S(out.addr), "192.168.4.0");
	assert_string_equal(S(p), "192.168.4.202");

	/* A route over the whole pool leaves nothing. */
	add_route(f, "192.168.0.0", 16, "lan1", NULL);
	assert_int_equal(uw_overlap_free_subnet(f, "usb0", &pool, 24, A("192.168.0.200"),
						A("192.168.0.202"), &out, &h, &p), -ENOSPC);
	/* Host parts that are no hosts, or a block outside the pool: refused. */
	assert_int_equal(uw_overlap_free_subnet(f, "usb0", &pool, 24, A("192.168.0.0"),
						A("192.168.0.202"), &out, &h, &p), -EINVAL);
	assert_int_equal(uw_overlap_free_subnet(f, "usb0", &pool, 8, A("192.168.0.200"),
						A("192.168.0.202"), &out, &h, &p), -EINVAL);
	free(f);
}

/* The overlap finding proposes it, and a plan on it is made (no dead end). */
static void test_overlap_proposes_free_subnet(void **state)
{
	struct uw_facts *f = lan_holding_202();
	struct uw_overlap *ov = calloc(1, sizeof(*ov));
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_choices c;
	struct uw_error e;

	assert_true(uw_overlap_find(f, "usb0", A("192.168.0.200"), A("192.168.0.202"), 24, ov) > 0);
	assert_int_equal(ov->fix, UW_OVERLAP_FIX_SUBNET);
	assert_true(ov->have_free);
	assert_string_equal(S(ov->free_host), "192.168.1.200");
	assert_string_equal(S(ov->free_phone), "192.168.1.202");
	assert_non_null(strstr(ov->explanation, "192.168.1.0/24 is free here"));

	uw_choices_init(&c);
	strcpy(c.iface, "usb0");
	strcpy(c.out_iface, "lan0");
	c.dns = UW_DNS_NONE;
	assert_int_equal(uw_plan_build(&c, f, plan, &e), -EADDRINUSE);
	c.host_ip = ov->free_host;
	c.phone_ip = ov->free_phone;
	assert_int_equal(uw_plan_build(&c, f, plan, &e), 0);
	assert_int_equal(plan->overlap.n, 0);
	free(plan);
	free(ov);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_subnet_first_free_block),
		cmocka_unit_test(test_overlap_proposes_free_subnet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
