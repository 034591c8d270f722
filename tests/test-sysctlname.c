// SPDX-License-Identifier: GPL-2.0-or-later
/* The one sysctl-name rule (core/sysctlname.h), for the plan, the journal, the hooks and /proc/sys. */
#include "tests/testutil.h"

#include "core/error.h"
#include "core/sysctlname.h"

static void test_good(void **state)
{
	static const char *const good[] = {
		"net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.usb0.rp_filter",
		"net.ipv4.conf.enx02a1b2c3d4e5.rp_filter", "net.ipv4.conf.veth-a.forwarding",
		"net.ipv4.conf.vlan@x.rp_filter", "net.ipv6.conf.eth0:1.disable_ipv6", "net.IPV4.x",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct uw_error e;

		uw_error_clear(&e);
		if (uw_sysctl_name_check(good[i], &e) != 0)
			fail_msg("%s refused: %s", good[i], e.msg);
		assert_true(uw_sysctl_name_ok(good[i]));
	}
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "kernel.core_pattern", "net", "net.", "net..ipv4", "net.ipv4.", ".net.ipv4",
		"net.ipv4/../../kernel", "net.ipv4.conf.usb0;reboot.x", "net.ipv4 .x", "net.ipv4.$(id)",
		"net.ipv4.a\nb", "net.ipv4.conf.\xc3\xa9.x", "net.ipv4.'x'",
		"net.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x", /* 65 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uw_error e;

		uw_error_clear(&e);
		if (uw_sysctl_name_check(bad[i], &e) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_true(e.msg[0] != '\0');
		assert_false(uw_sysctl_name_ok(bad[i]));
	}
	assert_false(uw_sysctl_name_ok(NULL));
}

static void test_length(void **state)
{
	char name[UW_SYSCTL_NAME_MAX + 2];
	size_t o = (size_t)snprintf(name, sizeof(name), "net");

	/* Components of 60: at the limit accepted, one more refused. */
	while (o + 61 <= UW_SYSCTL_NAME_MAX) {
		name[o++] = '.';
		memset(name + o, 'a', 60);
		o += 60;
	}
	name[o++] = '.';
	memset(name + o, 'b', UW_SYSCTL_NAME_MAX - o);
	name[UW_SYSCTL_NAME_MAX] = '\0';
	assert_true(uw_sysctl_name_ok(name));
	name[UW_SYSCTL_NAME_MAX] = 'b';
	name[UW_SYSCTL_NAME_MAX + 1] = '\0';
	assert_false(uw_sysctl_name_ok(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_length),
	};
	return cmocka_run_group_tests_name("sysctlname", tests, NULL, NULL);
}
