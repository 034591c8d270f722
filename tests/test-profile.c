// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/testutil.h"
#include "core/profile.h"
#include "core/util.h"

static void test_roundtrip(void **state)
{
	struct uw_profile p, q;
	struct uw_error e;
	char *t1, *t2;

	uw_profile_init(&p);
	assert_int_equal(uw_choices_set_preset(&p.choices, "postmarketos", &e), 0);
	assert_int_equal(uw_choices_set_netmask(&p.choices, "29", &e), 0);
	assert_int_equal(uw_choices_set_dns_mode(&p.choices, "static", &e), 0);
	assert_int_equal(uw_choices_add_dns_server(&p.choices, "203.0.113.53", &e), 0);
	assert_int_equal(uw_choices_set_fw(&p.choices, "iptables", &e), 0);
	p.choices.nat = false;
	assert_int_equal(uw_profile_set_match_usb(&p, "18d1:d001", &e), 0);
	assert_int_equal(uw_profile_set_match_name(&p, "enx*", &e), 0);
	t1 = uw_profile_format(&p);
	uw_profile_init(&q);
	assert_int_equal(uw_profile_parse(t1, "t", &q, &e), 0);
	t2 = uw_profile_format(&q);
	assert_string_equal(t1, t2);
	assert_true(q.choices.plen_set);
	assert_int_equal(q.choices.plen, 29);
	assert_false(q.choices.nat);
	assert_int_equal(q.usb_vendor, 0x18d1);
	free(t1);
	free(t2);
}

static void expect_error(const char *text, const char *needle)
{
	struct uw_profile p, before;
	struct uw_error e;

	uw_profile_init(&p);
	before = p;
	uw_error_clear(&e);
	assert_int_equal(uw_profile_parse(text, "F", &p, &e), -EINVAL);
	if (!strstr(e.msg, needle))
		fail_msg("error \"%s\" lacks \"%s\"", e.msg, needle);
	assert_memory_equal(&p, &before, sizeof(p)); /* unchanged */
}

static void test_strict(void **state)
{
	expect_error("preset=openmoko\ncolour=blue\n", "F line 2: unknown key \"colour\"");
	expect_error("\n# c\nhost-ip 1.2.3.4\n", "F line 3:");
	expect_error("host-ip=192.168.0.300\n", "F line 1");
	expect_error("nat=maybe\n", "F line 1");
	expect_error("dns=proxy\ndns=none\n", "given twice (first on line 1)");
	expect_error("host-ip= 192.168.0.1\n", "F line 1");
	expect_error("netmask=\n", "has no value");
	expect_error("match-usb=1457:51222\n", "F line 1");
	expect_error("match-name=usb;rm\n", "F line 1");
	expect_error("preset=nokia\n", "F line 1");
	expect_error("dns-server=203.0.113.5\n", "dns=static");
	expect_error("iface=a\001b\n", "control characters");
}

static void test_preset_first_and_match(void **state)
{
	struct uw_profile p;
	struct uw_error e;
	struct uw_candidate c;
	char ip[16];

	uw_profile_init(&p);
	/* host-ip before preset still wins: the preset is applied first. */
	assert_int_equal(uw_profile_parse("host-ip=172.16.42.2\npreset=postmarketos\nmatch-driver=cdc_ether\n"
					  "match-name=usb*\n", "F", &p, &e), 0);
	assert_string_equal(uw_ip4_str(p.choices.host_ip, ip), "172.16.42.2");
	memset(&c, 0, sizeof(c));
	strcpy(c.ifname, "usb0");
	strcpy(c.driver, "cdc_ether");
	assert_true(uw_profile_match(&p, &c));
	strcpy(c.driver, "rndis_host");
	assert_false(uw_profile_match(&p, &c));
	uw_profile_init(&p);
	c.likely = false;
	assert_false(uw_profile_match(&p, &c)); /* no criteria: likely gadgets only */
	c.likely = true;
	assert_true(uw_profile_match(&p, &c));
}

static void test_save_load_atomic(void **state)
{
	char dir[] = "/tmp/uw-profile-XXXXXX", path[128], *out;
	struct uw_profile p, q;
	struct uw_error e;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/profile", dir);
	uw_profile_init(&p);
	assert_int_equal(uw_profile_set_match_driver(&p, "veth", &e), 0);
	assert_int_equal(uw_profile_save(path, &p, &e), 0);
	assert_int_equal(uw_profile_load(path, &q, &e), 0);
	assert_string_equal(q.match_driver, "veth");
	snprintf(path, sizeof(path), "ls %s/sub | wc -l", dir);
	out = uw_test_capture(path);
	assert_string_equal(out, "1\n"); /* no temporary left behind */
	free(out);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(uw_profile_load(path, &q, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "profile save"));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	uw_test_sh(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_preset_first_and_match),
		cmocka_unit_test(test_save_load_atomic),
	};
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
