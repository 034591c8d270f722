// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/inventory.c in a private network namespace: what it reports must be
 * what the test set up (compared with `ip` too), and the DNS rules (stub ->
 * systemd-resolved upstream) on files the test writes.
 */
#include "tests/testutil.h"
#include "core/inventory.h"
#include "core/nl.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

static char dir[] = "/tmp/uw-inv-XXXXXX";
static char resolv[256], resolved[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const struct uw_inv_route *route(const struct uw_inventory *inv, const char *dst,
					unsigned plen)
{
	for (size_t i = 0; i < inv->n_routes; i++)
		if (inv->routes[i].dst.s_addr == inet_addr(dst) && inv->routes[i].plen == plen)
			return &inv->routes[i];
	return NULL;
}

static bool has_addr(const struct uw_inventory *inv, const char *ifname, const char *a,
		     unsigned plen)
{
	for (size_t i = 0; i < inv->n_addrs; i++)
		if (!strcmp(inv->addrs[i].ifname, ifname) &&
		    inv->addrs[i].addr.s_addr == inet_addr(a) && inv->addrs[i].plen == plen)
			return true;
	return false;
}

static void test_addresses_routes_default(void **state)
{
	struct uw_inventory inv;
	struct uw_error e;
	const struct uw_inv_route *r;
	char *out;

	write_file(resolv, "nameserver 198.51.100.53\n");
	/* Empty namespace first: only lo's address, no default route. */
	assert_int_equal(uw_inventory_read(&inv, &e), 0);
	assert_false(inv.has_default);
	assert_string_equal(inv.default_ifname, "");
	assert_true(has_addr(&inv, "lo", "127.0.0.1", 8));
	assert_int_equal(inv.n_addrs, 1);
	uw_inventory_fini(&inv);

	uw_test_shf("ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up");
	uw_test_shf("ip link add usb0 type veth peer name ph0 && ip link set usb0 up && ip link set ph0 up");
	uw_test_shf("ip link add up1 type veth peer name up1p && ip link set up1 up && ip link set up1p up");
	uw_test_shf("ip addr add 203.0.113.2/24 dev up0 && ip addr add 198.51.100.2/24 dev up1");
	uw_test_shf("ip route add default via 203.0.113.1 metric 100");
	uw_test_shf("ip route add default via 198.51.100.1 metric 600");
	uw_test_shf("ip route add 198.51.100.128/25 via 203.0.113.254 dev up0 metric 7");
	uw_test_shf("ip addr add 192.168.0.200/29 dev usb0");
	uw_test_shf("ip route add 192.168.0.202/32 dev usb0 scope link");

	assert_int_equal(uw_inventory_read(&inv, &e), 0);
	assert_true(has_addr(&inv, "up0", "203.0.113.2", 24));
	assert_true(has_addr(&inv, "up1", "198.51.100.2", 24));
	assert_true(has_addr(&inv, "usb0", "192.168.0.200", 29));
	assert_int_equal(inv.n_addrs, 4);

	/* The lowest metric wins the default route. */
	assert_true(inv.has_default);
	assert_string_equal(inv.default_ifname, "up0");
	assert_true(inv.default_route.has_gateway);
	assert_int_equal(inv.default_route.gateway.s_addr, inet_addr("203.0.113.1"));
	assert_int_equal(inv.default_route.metric, 100);
	out = uw_test_capture("ip -4 route show default | head -1");
	assert_non_null(strstr(out, "dev up0"));
	free(out);

	r = route(&inv, "198.51.100.128", 25);
	assert_non_null(r);
	assert_string_equal(r->dev, "up0");
	assert_int_equal(r->gateway.s_addr, inet_addr("203.0.113.254"));
	assert_int_equal(r->metric, 7);
	assert_int_equal(r->scope, RT_SCOPE_UNIVERSE);
	r = route(&inv, "192.168.0.202", 32);
	assert_non_null(r);
	assert_string_equal(r->dev, "usb0");
	assert_false(r->has_gateway);
	assert_int_equal(r->scope, RT_SCOPE_LINK);
	assert_int_equal(r->protocol, RTPROT_BOOT);
	/* The kernel's prefix route for the address. */
	r = route(&inv, "192.168.0.200", 29);
	assert_non_null(r);
	assert_int_equal(r->protocol, RTPROT_KERNEL);
	assert_string_equal(r->dev, "usb0");
	/* As many main-table routes as `ip route` shows. */
	out = uw_test_capture("ip -4 route show table main | wc -l");
	assert_int_equal((size_t)atoi(out), inv.n_routes);
	free(out);
	assert_null(route(&inv, "127.0.0.0", 8)); /* local table, not main */
	uw_inventory_fini(&inv);
	assert_null(inv.routes);
	uw_test_shf("ip link del up0 && ip link del up1 && ip link del usb0");
}

static void test_forward_and_rp_filter(void **state)
{
	struct uw_inventory inv;
	struct uw_error e;

	write_file(resolv, "nameserver 198.51.100.53\n");
	uw_test_shf("ip link add usb0 type veth peer name ph0");
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "0", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.all.rp_filter", "0", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.usb0.rp_filter", "0", &e), 0);
	assert_int_equal(uw_inventory_read(&inv, &e), 0);
	assert_int_equal(inv.ip_forward, 0);
	assert_int_equal(inv.rp_filter_all, 0);
	assert_int_equal(uw_inventory_rp_filter(&inv, "usb0"), 0);
	uw_inventory_fini(&inv);

	/* Only inside this private namespace. */
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "1", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.all.rp_filter", "2", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.usb0.rp_filter", "1", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.default.rp_filter", "1", &e), 0);
	assert_int_equal(uw_inventory_read(&inv, &e), 0);
	assert_int_equal(inv.ip_forward, 1);
	assert_int_equal(inv.rp_filter_all, 2);
	assert_int_equal(inv.rp_filter_default, 1);
	for (size_t i = 0; i < inv.n_links; i++)
		if (!strcmp(inv.links[i].ifname, "usb0"))
			assert_int_equal(inv.links[i].rp_filter, 1);
	/* The kernel uses max(all, IF). */
	assert_int_equal(uw_inventory_rp_filter(&inv, "usb0"), 2);
	assert_int_equal(uw_inventory_rp_filter(&inv, "nosuch"), -1);
	uw_inventory_fini(&inv);
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "0", &e), 0);
	uw_test_shf("ip link del usb0");
}

static void test_dns_plain(void **state)
{
	struct uw_inventory inv;

	write_file(resolv, "search lan\nnameserver 198.51.100.53\nnameserver 2001:db8::1\n");
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_string_equal(inv.resolv_path, resolv);
	assert_int_equal(inv.resolv_error, 0);
	assert_false(inv.dns_stub);
	assert_int_equal(inv.resolv.n_ns, 2);
	assert_ptr_equal(uw_inventory_dns(&inv), &inv.resolv);
	assert_string_equal(inv.dns_note, "");
	uw_inventory_fini(&inv);
}

static void test_dns_stub_to_upstream(void **state)
{
	struct uw_inventory inv;
	const struct uw_resolv *dns;

	write_file(resolv, "# This is /run/systemd/resolve/stub-resolv.conf\n"
			   "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n");
	write_file(resolved, "nameserver 203.0.113.53\nnameserver 198.51.100.53\n");
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_true(inv.dns_stub);
	assert_true(inv.have_upstream);
	dns = uw_inventory_dns(&inv);
	assert_ptr_equal(dns, &inv.upstream);
	assert_int_equal(dns->n_ns, 2);
	assert_string_equal(dns->ns[0].text, "203.0.113.53");
	assert_non_null(strstr(inv.dns_note, "local stub 127.0.0.53"));
	assert_non_null(strstr(inv.dns_note, "203.0.113.53, 198.51.100.53"));
	assert_non_null(strstr(inv.dns_note, resolved));
	uw_inventory_fini(&inv);

	/* Upstream file only has a stub as well: no upstream, said clearly. */
	write_file(resolved, "nameserver 127.0.0.1\n");
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_true(inv.dns_stub);
	assert_false(inv.have_upstream);
	assert_ptr_equal(uw_inventory_dns(&inv), &inv.resolv);
	assert_non_null(strstr(inv.dns_note, "no upstream server was found"));
	uw_inventory_fini(&inv);

	/* Upstream file missing. */
	unlink(resolved);
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_false(inv.have_upstream);
	assert_non_null(strstr(inv.dns_note, "no upstream server was found"));
	uw_inventory_fini(&inv);
}

static void test_dns_missing_or_empty(void **state)
{
	struct uw_inventory inv;

	unlink(resolv);
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_int_equal(inv.resolv_error, -ENOENT);
	assert_non_null(strstr(inv.dns_note, resolv));
	uw_inventory_fini(&inv);

	write_file(resolv, "# nothing\n");
	assert_int_equal(uw_inventory_read(&inv, NULL), 0);
	assert_int_equal(inv.resolv_error, 0);
	assert_non_null(strstr(inv.dns_note, "names no nameserver"));
	uw_inventory_fini(&inv);
}

/*
 * The facts' read (uw_inventory_read_some, skipping NetworkManager and
 * rp_filter) reports every other field exactly as the full read does, and
 * leaves the skipped ones at "unknown".
 */
static void test_read_some_same_as_full(void **state)
{
	struct uw_inventory full, some;
	struct uw_error e;

	write_file(resolv, "nameserver 127.0.0.53\n");
	write_file(resolved, "nameserver 203.0.113.53\n");
	uw_test_shf("ip link add usb0 type veth peer name ph0 && ip link set usb0 up && ip link set ph0 up");
	uw_test_shf("ip addr add 192.168.0.200/24 dev usb0 && ip route add default via 192.168.0.1 metric 5");
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "1", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.all.rp_filter", "1", &e), 0);
	/* A live pid (ours) as NetworkManager's: the full read says it runs. */
	uw_test_shf("echo %d > %s/NetworkManager.pid", (int)getpid(), dir);

	assert_int_equal(uw_inventory_read(&full, &e), 0);
	assert_int_equal(uw_inventory_read_some(&some, UW_INV_SKIP_NM | UW_INV_SKIP_RP_FILTER, &e), 0);
	assert_true(full.nm_running);
	assert_false(some.nm_running);
	assert_int_equal(full.rp_filter_all, 1);
	assert_int_equal(some.rp_filter_all, -1);
	assert_int_equal(some.rp_filter_default, -1);
	assert_int_equal(uw_inventory_rp_filter(&some, "usb0"), -1);

	assert_int_equal(some.n_links, full.n_links);
	for (size_t i = 0; i < full.n_links; i++) {
		assert_string_equal(some.links[i].ifname, full.links[i].ifname);
		assert_int_equal(some.links[i].ifindex, full.links[i].ifindex);
		assert_int_equal(some.links[i].admin_up, full.links[i].admin_up);
		assert_int_equal(some.links[i].rp_filter, -1);
	}
	assert_int_equal(some.n_addrs, full.n_addrs);
	assert_memory_equal(some.addrs, full.addrs, full.n_addrs * sizeof(*full.addrs));
	assert_int_equal(some.n_routes, full.n_routes);
	assert_memory_equal(some.routes, full.routes, full.n_routes * sizeof(*full.routes));
	assert_true(some.has_default);
	assert_memory_equal(&some.default_route, &full.default_route, sizeof(full.default_route));
	assert_string_equal(some.default_ifname, "usb0");
	assert_int_equal(some.ip_forward, 1);
	assert_int_equal(some.ip_forward, full.ip_forward);
	assert_true(some.dns_stub && some.have_upstream);
	assert_string_equal(some.dns_note, full.dns_note);
	assert_memory_equal(uw_inventory_dns(&some), uw_inventory_dns(&full), sizeof(struct uw_resolv));
	uw_inventory_fini(&full);
	uw_inventory_fini(&some);

	uw_test_shf("rm -f %s/NetworkManager.pid", dir);
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "0", &e), 0);
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.all.rp_filter", "0", &e), 0);
	uw_test_shf("ip link del usb0");
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", dir);
	snprintf(resolved, sizeof(resolved), "%s/resolved.conf", dir);
	setenv("USBNET_WIZARD_RESOLV_CONF", resolv, 1);
	setenv("USBNET_WIZARD_RESOLVED_CONF", resolved, 1);
	setenv("USBNET_WIZARD_NM_RUNDIR", dir, 1);
	/* NetworkManager's state is then the run-file guess these tests check. */
	uw_test_no_system_bus(dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_routes_default),
		cmocka_unit_test(test_forward_and_rp_filter),
		cmocka_unit_test(test_dns_plain),
		cmocka_unit_test(test_dns_stub_to_upstream),
		cmocka_unit_test(test_dns_missing_or_empty),
		cmocka_unit_test(test_read_some_same_as_full),
	};

	uw_test_private_netns();
	return cmocka_run_group_tests_name("inventory", tests, setup, teardown);
}
