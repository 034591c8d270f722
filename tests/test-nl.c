// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/nl.c against the real kernel, in a private network namespace entered
 * once in main(). cmocka runs every test in this one process, so each test
 * makes veth pairs with names of its own and removes them at the end.
 */
#include "tests/testutil.h"
#include "core/nl.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <time.h>

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* Does the fixed command @cmd print @text? */
static bool prints(const char *cmd, const char *text)
{
	_auto_(free) char *out = uw_test_capture(cmd);

	assert_non_null(out);
	return strstr(out, text) != NULL;
}

static void test_bad_names_rejected(void **state)
{
	struct uw_error e;
	const char *bad[] = { "usb0;rm", "usb0 x", "0123456789abcdef", "", "..", ".", "a/b",
			      "usb0$(id)" };

	for (size_t i = 0; i < UW_ARRAY_SIZE(bad); i++) {
		uw_error_clear(&e);
		assert_int_equal(uw_nl_link_index(bad[i], &e), -EINVAL);
		assert_true(strlen(e.msg) > 10);
		assert_int_equal(uw_nl_addr_add(bad[i], ip("192.168.0.200"), 24, &e), -EINVAL);
		assert_int_equal(uw_nl_route_add(bad[i], ip("192.168.0.202"), 32, &e), -EINVAL);
		assert_int_equal(uw_nl_link_set_up(bad[i], true, &e), -EINVAL);
	}
	assert_int_equal(uw_nl_link_index(NULL, &e), -EINVAL);
	uw_nl_link_index("usb0;rm", &e);
	assert_non_null(strstr(e.msg, "usb0;rm"));
	uw_nl_link_index("0123456789abcdef", &e);
	assert_non_null(strstr(e.msg, "15 characters"));
	/* Valid syntax, absent: ENODEV with the advice. */
	assert_int_equal(uw_nl_link_index("usb9", &e), -ENODEV);
	assert_string_equal(e.msg, "interface usb9 does not exist (any more?): plug the phone in "
				   "again, or pick another interface with --iface");

	const char *bad_sysctl[] = { "", "net", "net.", "net..ipv4.ip_forward", "net/ipv4/ip_forward",
				     "net.ipv4.conf.usb0;rm.rp_filter", "kernel.hostname",
				     "net.ipv4.conf.a/../../x", ".net.ipv4.ip_forward",
				     "net.ipv4.ip_forward." };
	char buf[64];

	for (size_t i = 0; i < UW_ARRAY_SIZE(bad_sysctl); i++) {
		uw_error_clear(&e);
		assert_int_equal(uw_sysctl_read(bad_sysctl[i], buf, sizeof(buf), &e), -EINVAL);
		assert_true(strlen(e.msg) > 10);
		assert_int_equal(uw_sysctl_write(bad_sysctl[i], "1", &e), -EINVAL);
	}
	/* Bad values change nothing. */
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "1\n0", &e), -EINVAL);
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "", &e), -EINVAL);
	assert_int_equal(uw_sysctl_read("net.ipv4.ip_forward", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "0");
}

static void test_link_index_and_up(void **state)
{
	struct uw_error e;
	char name[UW_NL_IFNAME_MAX];
	int idx;

	uw_test_shf("ip link add tnl1a type veth peer name tnl1b");
	idx = uw_nl_link_index("tnl1a", &e);
	assert_true(idx > 0);
	assert_int_equal(idx, (int)if_nametoindex("tnl1a"));
	assert_int_equal(uw_nl_link_name(idx, name, sizeof(name), &e), 0);
	assert_string_equal(name, "tnl1a");

	assert_int_equal(uw_nl_link_is_up("tnl1a", &e), 0);
	assert_int_equal(uw_nl_link_set_up("tnl1a", true, &e), 0);
	assert_int_equal(uw_nl_link_is_up("tnl1a", &e), 1);
	assert_true(prints("ip -o link show tnl1a", ",UP"));
	/* Setting the state it already has is fine. */
	assert_int_equal(uw_nl_link_set_up("tnl1a", true, &e), 0);
	assert_int_equal(uw_nl_link_set_up("tnl1a", false, &e), 0);
	assert_int_equal(uw_nl_link_is_up("tnl1a", &e), 0);
	/* The peer was never touched. */
	assert_int_equal(uw_nl_link_is_up("tnl1b", &e), 0);

	/* Renamed: the index stays, the name follows. */
	uw_test_shf("ip link set tnl1a name tnl1r");
	assert_int_equal(uw_nl_link_name(idx, name, sizeof(name), &e), 0);
	assert_string_equal(name, "tnl1r");
	uw_test_shf("ip link del tnl1r");
	assert_int_equal(uw_nl_link_name(idx, name, sizeof(name), &e), -ENODEV);
	assert_int_equal(uw_nl_link_index("tnl1r", &e), -ENODEV);
}

static void test_addr_add_probe_del(void **state)
{
	struct uw_error e;

	uw_test_shf("ip link add tnl2a type veth peer name tnl2b");
	assert_int_equal(uw_nl_addr_probe("tnl2a", ip("192.168.0.200"), 24, &e), 0);
	assert_int_equal(uw_nl_addr_add("tnl2a", ip("192.168.0.200"), 24, &e), 0);
	assert_int_equal(uw_nl_addr_probe("tnl2a", ip("192.168.0.200"), 24, &e), 1);
	/* Same address, other prefix: a different address for the kernel. */
	assert_int_equal(uw_nl_addr_probe("tnl2a", ip("192.168.0.200"), 29, &e), 0);
	/* Not on the peer. */
	assert_int_equal(uw_nl_addr_probe("tnl2b", ip("192.168.0.200"), 24, &e), 0);

	assert_true(prints("ip -4 -o addr show dev tnl2a", "inet 192.168.0.200/24 "));

	uw_error_clear(&e);
	assert_int_equal(uw_nl_addr_add("tnl2a", ip("192.168.0.200"), 24, &e), -EEXIST);
	assert_string_equal(e.msg, "address 192.168.0.200/24 is already on tnl2a");

	/* A /32 next to it. */
	assert_int_equal(uw_nl_addr_add("tnl2a", ip("192.168.0.201"), 32, &e), 0);
	assert_true(prints("ip -4 -o addr show dev tnl2a", "inet 192.168.0.201/32 "));

	assert_int_equal(uw_nl_addr_del("tnl2a", ip("192.168.0.200"), 24, &e), 0);
	assert_int_equal(uw_nl_addr_probe("tnl2a", ip("192.168.0.200"), 24, &e), 0);
	assert_false(prints("ip -4 -o addr show dev tnl2a", "192.168.0.200"));
	assert_true(prints("ip -4 -o addr show dev tnl2a", "192.168.0.201/32"));
	uw_error_clear(&e);
	assert_int_equal(uw_nl_addr_del("tnl2a", ip("192.168.0.200"), 24, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "is not on tnl2a"));

	assert_int_equal(uw_nl_addr_add("tnl2a", ip("192.168.0.200"), 33, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/33"));
	uw_test_shf("ip link del tnl2a");
}

static void test_route_add_probe_del(void **state)
{
	struct uw_error e;

	uw_test_shf("ip link add tnl3a type veth peer name tnl3b");
	/* The kernel refuses routes through a down device (ENETDOWN). */
	uw_error_clear(&e);
	assert_int_equal(uw_nl_route_add("tnl3a", ip("192.168.0.202"), 32, &e), -ENETDOWN);
	assert_non_null(strstr(e.msg, "tnl3a"));
	assert_int_equal(uw_nl_link_set_up("tnl3a", true, &e), 0);

	assert_int_equal(uw_nl_route_probe("tnl3a", ip("192.168.0.202"), 32, &e), 0);
	assert_int_equal(uw_nl_route_add("tnl3a", ip("192.168.0.202"), 32, &e), 0);
	assert_int_equal(uw_nl_route_probe("tnl3a", ip("192.168.0.202"), 32, &e), 1);
	assert_int_equal(uw_nl_route_probe("tnl3b", ip("192.168.0.202"), 32, &e), 0);
	assert_int_equal(uw_nl_route_probe("tnl3a", ip("192.168.0.203"), 32, &e), 0);
	/* Shown by `ip route show ... proto boot` like a route `ip route add` made. */
	assert_true(prints("ip -4 route show dev tnl3a proto boot", "192.168.0.202 scope link"));
	uw_error_clear(&e);
	assert_int_equal(uw_nl_route_add("tnl3a", ip("192.168.0.202"), 32, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "already"));

	/* A subnet route; host bits in the destination are refused. */
	assert_int_equal(uw_nl_route_add("tnl3a", ip("203.0.113.0"), 29, &e), 0);
	assert_int_equal(uw_nl_route_probe("tnl3a", ip("203.0.113.0"), 29, &e), 1);
	assert_int_equal(uw_nl_route_add("tnl3a", ip("203.0.113.5"), 29, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "203.0.113.0/29"));
	assert_true(prints("ip -4 route show dev tnl3a proto boot", "203.0.113.0/29 scope link"));

	/* A route made by `ip route` (proto boot) or by the kernel for an
	 * address (proto kernel) is deleted as well. */
	uw_test_shf("ip route add 198.51.100.0/24 dev tnl3a scope link");
	assert_int_equal(uw_nl_route_probe("tnl3a", ip("198.51.100.0"), 24, &e), 1);
	assert_int_equal(uw_nl_route_del("tnl3a", ip("198.51.100.0"), 24, &e), 0);

	assert_int_equal(uw_nl_route_del("tnl3a", ip("192.168.0.202"), 32, &e), 0);
	assert_int_equal(uw_nl_route_probe("tnl3a", ip("192.168.0.202"), 32, &e), 0);
	uw_error_clear(&e);
	assert_int_equal(uw_nl_route_del("tnl3a", ip("192.168.0.202"), 32, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "no route 192.168.0.202/32 dev tnl3a"));
	assert_false(prints("ip -4 route show dev tnl3a", "192.168.0.202"));
	assert_false(prints("ip -4 route show dev tnl3a", "198.51.100.0"));
	assert_true(prints("ip -4 route show dev tnl3a", "203.0.113.0/29"));
	uw_test_shf("ip link del tnl3a");
}

static void test_sysctl(void **state)
{
	struct uw_error e;
	char buf[64];
	char *out;

	/* A new namespace starts with forwarding off; this is ours alone. */
	assert_int_equal(uw_sysctl_read("net.ipv4.ip_forward", buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "1", &e), 0);
	assert_int_equal(uw_sysctl_read("net.ipv4.ip_forward", buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "1");
	out = uw_test_capturef("cat /proc/sys/net/ipv4/ip_forward");
	assert_string_equal(out, "1\n");
	free(out);
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "0", &e), 0);

	/* The kernel's own range check comes back as an error. */
	uw_error_clear(&e);
	assert_int_equal(uw_sysctl_write("net.ipv4.ip_forward", "abc", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "ip_forward"));

	uw_test_shf("ip link add tnl4a type veth peer name tnl4b");
	assert_int_equal(uw_sysctl_write("net.ipv4.conf.tnl4a.rp_filter", "2", &e), 0);
	assert_int_equal(uw_sysctl_read("net.ipv4.conf.tnl4a.rp_filter", buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "2");
	uw_test_shf("ip link del tnl4a");
	uw_error_clear(&e);
	assert_int_equal(uw_sysctl_read("net.ipv4.conf.tnl4a.rp_filter", buf, sizeof(buf), &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "does not exist"));
	/* Too small a buffer is an error, not a silent truncation. */
	assert_int_equal(uw_sysctl_read("net.ipv4.ip_local_port_range", buf, 4, &e), -E2BIG);
}

static void test_interface_vanishes(void **state)
{
	struct uw_error e;

	uw_test_shf("ip link add usb0 type veth peer name tnl5b");
	assert_true(uw_nl_link_index("usb0", &e) > 0);
	assert_int_equal(uw_nl_link_set_up("usb0", true, &e), 0);
	assert_int_equal(uw_nl_addr_add("usb0", ip("192.168.0.200"), 24, &e), 0);
	uw_test_shf("ip link del usb0");
	const int want = -ENODEV;
	const char *msg = "interface usb0 does not exist (any more?): plug the phone in again, "
			  "or pick another interface with --iface";

	uw_error_clear(&e);
	assert_int_equal(uw_nl_addr_probe("usb0", ip("192.168.0.200"), 24, &e), want);
	assert_string_equal(e.msg, msg);
	assert_int_equal(uw_nl_addr_add("usb0", ip("192.168.0.200"), 24, &e), want);
	assert_int_equal(uw_nl_addr_del("usb0", ip("192.168.0.200"), 24, &e), want);
	assert_int_equal(uw_nl_route_add("usb0", ip("192.168.0.202"), 32, &e), want);
	assert_int_equal(uw_nl_route_del("usb0", ip("192.168.0.202"), 32, &e), want);
	assert_int_equal(uw_nl_route_probe("usb0", ip("192.168.0.202"), 32, &e), want);
	assert_int_equal(uw_nl_link_is_up("usb0", &e), want);
	assert_int_equal(uw_nl_link_set_up("usb0", false, &e), want);
	assert_string_equal(e.msg, msg);
}

struct seen {
	struct uw_link_event ev[32];
	int n;
};

static void collect(const struct uw_link_event *ev, void *ud)
{
	struct seen *s = ud;

	if (s->n < (int)UW_ARRAY_SIZE(s->ev))
		s->ev[s->n++] = *ev;
}

static const struct uw_link_event *find(const struct seen *s, enum uw_link_event_type t,
					const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (s->ev[i].type == t && !strcmp(s->ev[i].ifname, name))
			return &s->ev[i];
	return NULL;
}

/* poll()+dispatch until @t for @name is seen or 2 s pass. */
static const struct uw_link_event *wait_for(struct uw_nl_monitor *m, struct seen *s,
					    enum uw_link_event_type t, const char *name)
{
	struct pollfd p = { .fd = uw_nl_monitor_fd(m), .events = POLLIN };
	struct uw_error e;

	for (int i = 0; i < 20 && !find(s, t, name); i++) {
		if (poll(&p, 1, 100) > 0)
			assert_true(uw_nl_monitor_dispatch(m, collect, s, &e) >= 0);
	}
	return find(s, t, name);
}

static void test_monitor(void **state)
{
	_auto_(uw_nl_monitor_free) struct uw_nl_monitor *m = NULL;
	struct seen s = { .n = 0 };
	struct uw_error e;
	const struct uw_link_event *ev;

	uw_test_shf("ip link add tnl6old type veth peer name tnl6oldp");
	assert_int_equal(uw_nl_monitor_new(&m, &e), 0);
	assert_true(uw_nl_monitor_fd(m) >= 0);
	/* Nothing pending: 0 events, no blocking. */
	assert_int_equal(uw_nl_monitor_dispatch(m, collect, &s, &e), 0);

	uw_test_shf("ip link add tnl6a type veth peer name tnl6b");
	ev = wait_for(m, &s, UW_LINK_NEW, "tnl6a");
	assert_non_null(ev);
	assert_int_equal(ev->ifindex, (int)if_nametoindex("tnl6a"));
	assert_false(ev->admin_up);
	assert_non_null(find(&s, UW_LINK_NEW, "tnl6b"));

	/* A link that existed before the monitor is only ever CHANGED. */
	uw_test_shf("ip link set tnl6old up");
	ev = wait_for(m, &s, UW_LINK_CHANGED, "tnl6old");
	assert_non_null(ev);
	assert_null(find(&s, UW_LINK_NEW, "tnl6old"));

	s.n = 0;
	uw_test_shf("ip link set tnl6a up");
	ev = wait_for(m, &s, UW_LINK_CHANGED, "tnl6a");
	assert_non_null(ev);
	assert_true(ev->admin_up);

	uw_test_shf("ip link del tnl6a");
	assert_non_null(wait_for(m, &s, UW_LINK_DEL, "tnl6a"));
	uw_test_shf("ip link del tnl6old");
}

struct nft_seen {
	unsigned n, drops, masq, ours;
	unsigned long long max_handle;
};

static void seen_cb(const struct uw_nl_nft_rule *r, void *ud)
{
	struct nft_seen *s = ud;

	s->n++;
	s->drops += r->drop;
	s->masq += r->masquerade;
	s->ours += !strcmp(r->comment, "usbnet-wizard");
	if (r->handle > s->max_handle)
		s->max_handle = r->handle;
}

/* The raw rule dump of one chain (the firewall inventory's fast path). */
static void test_nft_chain_rules(void **state)
{
	struct nft_seen s = { 0 };
	struct uw_error e;

	if (system("nft list ruleset >/dev/null 2>&1") != 0)
		skip();
	assert_int_equal(system("nft -f - <<'X'\n"
				"table inet t {\n"
				" chain fwdx { type filter hook forward priority 0; policy accept;\n"
				"  ip saddr 10.0.0.1 accept\n"
				"  ip saddr 10.0.0.2 drop\n"
				"  tcp dport 22 reject\n"
				"  iifname \"x0\" accept comment \"usbnet-wizard\"\n"
				"  counter\n"
				" }\n"
				" chain pst { type nat hook postrouting priority 100; policy accept;\n"
				"  oifname \"x1\" masquerade comment \"other\"\n"
				" }\n"
				" chain emp { }\n"
				"}\n"
				"X"), 0);
	uw_error_clear(&e);
	assert_int_equal(uw_nl_nft_chain_rules("inet", "t", "fwdx", seen_cb, &s, &e), 5);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.drops, 2);
	assert_int_equal(s.masq, 0);
	assert_int_equal(s.ours, 1);
	assert_true(s.max_handle > 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(uw_nl_nft_chain_rules("inet", "t", "pst", seen_cb, &s, &e), 1);
	assert_int_equal(s.masq, 1);
	assert_int_equal(s.ours, 0);
	assert_int_equal(uw_nl_nft_chain_rules("inet", "t", "emp", seen_cb, &s, &e), 0);
	/* A dump filter, not a lookup: no such chain (or family) lists nothing. */
	assert_int_equal(uw_nl_nft_chain_rules("inet", "t", "nosuch", seen_cb, &s, &e), 0);
	assert_int_equal(uw_nl_nft_chain_rules("ip", "t", "fwdx", seen_cb, &s, &e), 0);
	assert_int_equal(uw_nl_nft_chain_rules("bogus", "t", "fwdx", seen_cb, &s, &e), -EINVAL);
	assert_int_equal(system("nft delete table inet t"), 0);
}

/*
 * A chain far longer than one round of the dump (about 70 of these rules fit
 * in a round): every rule comes, the drop at the very end and our tag deep
 * inside included.
 */
static void test_nft_chain_rules_many_rounds(void **state)
{
	struct nft_seen s = { 0 };
	struct uw_error e;

	if (system("nft list ruleset >/dev/null 2>&1") != 0)
		skip();
	assert_int_equal(system("{ echo 'add table inet big'; echo 'add chain inet big c'; "
				"for i in $(seq 1 1500); do "
				"echo \"add rule inet big c ip saddr 10.1.$((i / 256)).$((i % 256)) "
				"tcp dport $((1024 + i)) accept\"; "
				"[ $i = 1234 ] && echo 'add rule inet big c iifname \"x0\" accept "
				"comment \"usbnet-wizard\"'; done; "
				"echo 'add rule inet big c oifname \"x1\" masquerade'; "
				"echo 'add rule inet big c ip saddr 10.9.9.9 drop'; } | nft -f -"), 0);
	assert_int_equal(uw_nl_nft_chain_rules("inet", "big", "c", seen_cb, &s, &e), 1503);
	assert_int_equal(s.n, 1503);
	assert_int_equal(s.ours, 1);
	assert_int_equal(s.masq, 1);
	assert_int_equal(s.drops, 1);
	assert_int_equal(system("nft delete table inet big"), 0);
}

/* Commits into the ruleset on the first rule it is given. */
static void commit_cb(const struct uw_nl_nft_rule *r, void *ud)
{
	unsigned *n = ud;

	if ((*n)++ == 0)
		assert_int_equal(system("nft add rule inet big c ip saddr 10.9.9.8 drop"), 0);
}

/*
 * The ruleset changed between two rounds of a dump: what was read no longer
 * fits together (the kernel counts its place by position, so a rule inserted
 * before it is read twice, one deleted makes another skipped), and the read
 * says so (-EINTR) instead of returning it.
 */
static void test_nft_chain_rules_changed_mid_read(void **state)
{
	unsigned n = 0;
	struct uw_error e;

	if (system("nft list ruleset >/dev/null 2>&1") != 0)
		skip();
	assert_int_equal(system("{ echo 'add table inet big'; echo 'add chain inet big c'; "
				"for i in $(seq 1 500); do "
				"echo \"add rule inet big c ip saddr 10.2.$((i / 256)).$((i % 256)) "
				"accept\"; done; } | nft -f -"), 0);
	uw_error_clear(&e);
	assert_int_equal(uw_nl_nft_chain_rules("inet", "big", "c", commit_cb, &n, &e), -EINTR);
	assert_non_null(strstr(e.msg, "changed while the rules of chain inet big c were read"));
	assert_true(n >= 1 && n < 500);
	/* Unchanged since: read whole again. */
	n = 0;
	assert_int_equal(uw_nl_nft_chain_rules("inet", "big", "c", NULL, NULL, &e), 501);
	assert_int_equal(system("nft delete table inet big"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_names_rejected),
		cmocka_unit_test(test_link_index_and_up),
		cmocka_unit_test(test_addr_add_probe_del),
		cmocka_unit_test(test_route_add_probe_del),
		cmocka_unit_test(test_sysctl),
		cmocka_unit_test(test_interface_vanishes),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_nft_chain_rules),
		cmocka_unit_test(test_nft_chain_rules_many_rounds),
		cmocka_unit_test(test_nft_chain_rules_changed_mid_read),
	};

	uw_test_private_netns();
	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
