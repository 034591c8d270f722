// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The doctor's checklist (core/doctor.c) on a real kernel, in a network
 * namespace of the test's own: the phone's interface missing, down, up;
 * the kernel options from a planted config; each finding once; the fix of a
 * finding that has one, and none for an unknown id.
 */
#include "tests/testutil.h"

#include "core/doctor.h"
#include "core/plan.h"
#include "core/util.h"

static char tmp[] = "/tmp/uw-test-doctor.XXXXXX";
static char kconfig[300];

static int setup(void **state)
{
	FILE *f;

	if (!mkdtemp(tmp))
		return -1;
	/* An uplink with a default route, as a desktop has (the plan shares it). */
	if (system("ip link add uwup0 type veth peer name uwup0p && ip link set uwup0p up && "
		   "ip addr add 198.51.100.2/24 dev uwup0 && ip link set uwup0 up && "
		   "ip route add default via 198.51.100.1") != 0)
		return -1;
	/* No journal here; a kernel config without RNDIS and without NAT. */
	setenv("USBNET_WIZARD_RUNDIR", tmp, 1);
	snprintf(kconfig, sizeof(kconfig), "%s/config", tmp);
	f = fopen(kconfig, "we");
	if (!f)
		return -1;
	fputs("CONFIG_NF_CONNTRACK=m\n# CONFIG_NF_NAT is not set\nCONFIG_NF_TABLES=y\n"
	      "CONFIG_USB_USBNET=m\nCONFIG_USB_NET_CDCETHER=m\n", f);
	fclose(f);
	setenv("USBNET_WIZARD_KERNEL_CONFIG", kconfig, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct uw_finding *must(const struct uw_doctor *d, const char *id, enum uw_doctor_severity sev)
{
	const struct uw_finding *f = uw_doctor_find(d, id);

	if (!f)
		fail_msg("no finding %s", id);
	if (f->severity != sev)
		fail_msg("%s is %s, not %s: %s", id, uw_doctor_severity_name(f->severity),
			 uw_doctor_severity_name(sev), f->title);
	return f;
}

static void each_once(const struct uw_doctor *d)
{
	for (size_t i = 0; i < d->n; i++) {
		assert_true(d->findings[i].id[0] && d->findings[i].title[0]);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(d->findings[i].id, d->findings[k].id))
				fail_msg("finding %s twice", d->findings[i].id);
	}
}

static void test_interface_missing_down_up(void **state)
{
	struct uw_doctor *d = calloc(1, sizeof(*d));
	struct uw_doctor_opts o = { .iface = "uwdoc0" };
	struct uw_error e;
	const struct uw_finding *f;

	uw_error_clear(&e);
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	each_once(d);
	f = must(d, "phone-iface", UW_DOC_ERROR);
	assert_non_null(strstr(f->title, "uwdoc0 is missing"));
	/* Without the interface nothing is compared with a setup. */
	assert_null(uw_doctor_find(d, "setup"));
	assert_null(uw_doctor_find(d, "rp-filter"));

	uw_test_sh("ip link add uwdoc0 type veth peer name uwdoc0p");
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	each_once(d);
	f = must(d, "phone-iface", UW_DOC_WARN);
	assert_true(f->fixable);
	assert_non_null(strstr(f->fix, "ip link set uwdoc0 up"));
	/* Nothing set up, nothing live: the setup is offered as a fix. */
	f = must(d, "setup", UW_DOC_WARN);
	assert_true(f->fixable);
	assert_false(d->live);

	uw_test_sh("ip link set uwdoc0 up");
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	each_once(d);
	must(d, "phone-iface", UW_DOC_OK);
	must(d, "overlap", UW_DOC_OK);
	uw_test_sh("ip link del uwdoc0");
	free(d);
}

static void test_kernel_options(void **state)
{
	struct uw_doctor *d = calloc(1, sizeof(*d));
	struct uw_doctor_opts o = { .iface = "uwdoc1" };
	struct uw_error e;
	const struct uw_finding *f;

	uw_error_clear(&e);
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	must(d, "kernel-nf-conntrack", UW_DOC_OK);
	f = must(d, "kernel-nf-nat", UW_DOC_ERROR);
	assert_non_null(strstr(f->evidence, "CONFIG_NF_NAT is not set"));
	assert_false(f->fixable);
	must(d, "kernel-firewall", UW_DOC_OK);
	must(d, "kernel-usbnet", UW_DOC_OK);
	must(d, "kernel-cdc-ether", UW_DOC_OK);
	must(d, "kernel-rndis-host", UW_DOC_WARN);
	/* An explicit config wins over the environment's. */
	o.kernel_config = "/nonexistent/uw-kconfig";
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	f = uw_doctor_find(d, "kernel-nf-nat");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence, "/nonexistent/uw-kconfig"));
	free(d);
}

static void test_fix_plan(void **state)
{
	struct uw_doctor *d = calloc(1, sizeof(*d));
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_doctor_opts o = { .iface = "uwdoc2" };
	struct uw_error e;
	bool revert_first = true;

	uw_test_sh("ip link add uwdoc2 type veth peer name uwdoc2p");
	uw_error_clear(&e);
	assert_int_equal(uw_doctor_run(&o, d, &e), 0);
	assert_int_equal(uw_doctor_fix_plan(d, "no-such-finding", p, &revert_first, &e), -ENOENT);
	/* The interface down: its fix is one step, bringing it up. */
	assert_int_equal(uw_doctor_fix_plan(d, "phone-iface", p, &revert_first, &e), 0);
	assert_false(revert_first);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->actions[0].kind, UW_ACT_LINK_UP);
	/* A kernel option has no automatic fix: said, not planned. */
	uw_error_clear(&e);
	assert_true(uw_doctor_fix_plan(d, "kernel-nf-nat", p, &revert_first, &e) < 0);
	assert_true(e.msg[0] != '\0');
	uw_test_sh("ip link del uwdoc2");
	free(p);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_missing_down_up),
		cmocka_unit_test(test_kernel_options),
		cmocka_unit_test(test_fix_plan),
	};
	uw_test_private_netns();
	return cmocka_run_group_tests_name("doctor", tests, setup, teardown);
}
