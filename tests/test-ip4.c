// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/testutil.h"
#include "core/ip4.h"

#include <arpa/inet.h>

static struct in_addr A(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void test_parse_good(void **state)
{
	struct in_addr a;
	char b[UW_IP4_STRLEN];

	assert_int_equal(uw_ip4_parse("192.168.0.202", &a, "phone address", NULL), 0);
	assert_string_equal(uw_ip4_str(a, b), "192.168.0.202");
	assert_int_equal(uw_ip4_parse("0.0.0.0", &a, NULL, NULL), 0);
	assert_int_equal(uw_ip4_parse("255.255.255.255", &a, NULL, NULL), 0);
}

static void test_parse_bad(void **state)
{
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ",
				     " 1.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4/24", "1.2.3.-4", "1234.1.1.1",
				     "192.168.0.202;rm -rf /", "0x7f.0.0.1" };
	struct in_addr a;
	struct uw_error e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uw_error_clear(&e);
		assert_int_equal(uw_ip4_parse(bad[i], &a, "phone address", &e), -EINVAL);
		assert_non_null(strstr(e.msg, "phone address"));
	}
	assert_int_equal(uw_ip4_parse(NULL, &a, NULL, NULL), -EINVAL);
}

static void test_masks(void **state)
{
	unsigned p;
	struct uw_error e;
	char b[UW_IP4_STRLEN];

	assert_int_equal(uw_ip4_parse_mask("/29", &p, NULL), 0); assert_int_equal(p, 29);
	assert_int_equal(uw_ip4_parse_mask("24", &p, NULL), 0); assert_int_equal(p, 24);
	assert_int_equal(uw_ip4_parse_mask("255.255.255.248", &p, NULL), 0); assert_int_equal(p, 29);
	assert_int_equal(uw_ip4_parse_mask("255.255.255.255", &p, NULL), 0); assert_int_equal(p, 32);
	assert_int_equal(uw_ip4_parse_mask("0.0.0.0", &p, NULL), 0); assert_int_equal(p, 0);
	assert_int_equal(uw_ip4_parse_mask("/32", &p, NULL), 0); assert_int_equal(p, 32);
	assert_int_equal(uw_ip4_parse_mask("/33", &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "/33"));
	assert_int_equal(uw_ip4_parse_mask("255.0.255.0", &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "holes"));
	assert_int_equal(uw_ip4_parse_mask("", &p, NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_mask("/", &p, NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_mask("2x", &p, NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_mask("024", &p, NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_mask("-1", &p, NULL), -EINVAL);
	assert_string_equal(uw_ip4_mask_str(29, b), "255.255.255.248");
	assert_string_equal(uw_ip4_mask_str(0, b), "0.0.0.0");
}

static void test_cidr_and_overlap(void **state)
{
	struct uw_ip4_net lan, usb29, usb24, other, n;

	assert_int_equal(uw_ip4_parse_cidr("192.168.0.0/24", &lan, "LAN", NULL), 0);
	assert_int_equal(uw_ip4_parse_cidr("192.168.0.200/29", &usb29, "usb", NULL), 0);
	assert_int_equal(uw_ip4_parse_cidr("192.168.0.200/24", &usb24, "usb", NULL), 0);
	assert_int_equal(uw_ip4_parse_cidr("192.168.1.0/24", &other, "x", NULL), 0);
	assert_true(uw_ip4_net_overlaps(&lan, &usb29));
	assert_true(uw_ip4_net_overlaps(&usb29, &lan));
	assert_true(uw_ip4_net_overlaps(&lan, &usb24));
	assert_false(uw_ip4_net_overlaps(&lan, &other));
	assert_true(uw_ip4_net_contains(&usb29, A("192.168.0.207")));
	assert_false(uw_ip4_net_contains(&usb29, A("192.168.0.199")));
	assert_int_equal(uw_ip4_network(A("192.168.0.202"), 29).s_addr, A("192.168.0.200").s_addr);
	assert_int_equal(uw_ip4_parse_cidr("192.168.0.0", &n, "x", NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_cidr("192.168.0.0/33", &n, "x", NULL), -EINVAL);
	assert_int_equal(uw_ip4_parse_cidr("192.168.0.0/255.255.255.0", &n, "x", NULL), -EINVAL);
}

static void test_pairs(void **state)
{
	struct uw_error e;

	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.202"), 24, NULL), 0);
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.202"), 29, NULL), 0);
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.202"), 32, NULL), 0);
	/* .200 is the network address of .200/29 and /30: Linux allows it, the seed uses it */
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.202"), 30, NULL), 0);
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.203"), 30, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "broadcast"));
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.201"), A("192.168.0.202"), 30, NULL), 0);
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.200"), 24, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "different"));
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.1.202"), 24, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "same /24"));
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.255"), 24, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "broadcast"));
	assert_int_equal(uw_ip4_check_pair(A("127.0.0.1"), A("192.168.0.202"), 24, &e), -EINVAL);
	assert_int_equal(uw_ip4_check_pair(A("224.0.0.1"), A("192.168.0.202"), 24, &e), -EINVAL);
	assert_int_equal(uw_ip4_check_pair(A("192.168.0.200"), A("192.168.0.202"), 31, &e), -EINVAL);
}

static void test_ifnames(void **state)
{
	struct uw_error e;

	assert_int_equal(uw_ifname_check("usb0", NULL), 0);
	assert_int_equal(uw_ifname_check("enx02aabbccddee", NULL), 0);
	assert_int_equal(uw_ifname_check("enp0s20f0u1", NULL), 0);
	assert_int_equal(uw_ifname_check("usb0;rm", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "';'"));
	assert_int_equal(uw_ifname_check("", NULL), -EINVAL);
	assert_int_equal(uw_ifname_check("0123456789abcdef", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "15"));
	assert_int_equal(uw_ifname_check("..", NULL), -EINVAL);
	assert_int_equal(uw_ifname_check("a/b", NULL), -EINVAL);
	assert_int_equal(uw_ifname_check("a b", NULL), -EINVAL);
	assert_int_equal(uw_ifname_check("$(id)", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_cidr_and_overlap),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_ifnames),
	};
	return cmocka_run_group_tests_name("ip4", tests, NULL, NULL);
}
