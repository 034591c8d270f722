// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/detect.c in a private network namespace: veths named like gadgets,
 * a fake sysfs tree for driver and USB-id ranking, a fake NetworkManager
 * run directory, and link events for uw_detect_wait.
 */
#include "tests/testutil.h"
#include "core/detect.h"
#include "core/facts.h"
#include "core/nl.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <pthread.h>
#include <time.h>

static char sysfs[] = "/tmp/uw-detect-sysfs-XXXXXX";
static char nmdir[] = "/tmp/uw-detect-nm-XXXXXX";

static const struct uw_candidate *find(const struct uw_candidate *c, size_t n, const char *name,
				       size_t *pos)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(c[i].ifname, name)) {
			if (pos)
				*pos = i;
			return &c[i];
		}
	}
	return NULL;
}

static bool has_reason(const struct uw_candidate *c, const char *text)
{
	for (size_t i = 0; i < c->n_reasons; i++)
		if (strstr(c->reasons[i], text))
			return true;
	return false;
}

static void test_rank_by_name(void **state)
{
	_auto_(uw_candidates_free) struct uw_candidate *c = NULL;
	struct uw_error e;
	size_t n, p_usb, p_enx, p_eth;
	const struct uw_candidate *usb, *enx, *eth;

	uw_test_shf("ip link add usb0 type veth peer name dpeer0");
	/* The brief said enx02aabbccddeeff: 17 characters, longer than any
	 * interface name can be; a real enx name has the 12 hex digits of a MAC. */
	uw_test_shf("ip link add enx02aabbccddee address 02:aa:bb:cc:dd:ee type veth peer name dpeer1");
	uw_test_shf("ip link add eth7 type veth peer name eth8");
	uw_test_shf("ip link add br7 type bridge");
	uw_test_shf("ip link add dport0 type veth peer name dport1 && ip link set dport0 master br7");
	/* The uplink: holds the default route, so it is never the phone. */
	uw_test_shf("ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up");
	uw_test_shf("ip addr add 203.0.113.2/24 dev up0 && ip route add default via 203.0.113.1");
	uw_test_shf("ip link set usb0 up && ip link set dpeer0 up && ip addr add 192.168.0.200/24 dev usb0");

	assert_int_equal(uw_detect_scan(&c, &n, &e), 0);
	usb = find(c, n, "usb0", &p_usb);
	enx = find(c, n, "enx02aabbccddee", &p_enx);
	eth = find(c, n, "eth7", &p_eth);
	assert_non_null(usb);
	assert_non_null(enx);
	assert_non_null(eth);
	assert_int_equal(p_usb, 0);
	assert_true(p_enx < p_eth);
	assert_true(usb->score > enx->score && enx->score > eth->score);
	assert_true(usb->likely);
	assert_false(eth->likely);
	assert_null(find(c, n, "lo", NULL));
	assert_null(find(c, n, "br7", NULL));
	assert_null(find(c, n, "dport0", NULL)); /* bridge port */
	assert_null(find(c, n, "up0", NULL));    /* default route */

	assert_true(has_reason(usb, "name usb0 is what gadgets get"));
	assert_true(has_reason(usb, "driver veth"));
	assert_true(has_reason(usb, "carrier"));
	assert_true(has_reason(enx, "predictable name"));
	assert_string_equal(usb->driver, "veth");
	assert_false(usb->has_usb_id);
	assert_int_equal(usb->ifindex, (int)if_nametoindex("usb0"));
	assert_true(usb->admin_up);
	assert_true(usb->carrier);
	assert_string_equal(usb->operstate, "up");
	assert_int_equal(usb->n_addrs, 1);
	assert_int_equal(usb->addrs[0].s_addr, inet_addr("192.168.0.200"));
	assert_int_equal(usb->plens[0], 24);
	assert_string_equal(enx->mac, "02:aa:bb:cc:dd:ee");
	assert_false(enx->admin_up);
	assert_string_equal(enx->operstate, "down");
	assert_int_equal(enx->n_addrs, 0);
	/* No NetworkManager in the fake run directory. */
	assert_int_equal(usb->manager, UW_MANAGER_NONE);
	assert_non_null(strstr(usb->manager_note, "not running"));

	uw_test_shf("ip link del usb0 && ip link del enx02aabbccddee && ip link del eth7 && ip link del br7 "
	   "&& ip link del dport0 && ip link del up0");
}

static void test_rank_by_sysfs(void **state)
{
	_auto_(uw_candidates_free) struct uw_candidate *c = NULL;
	struct uw_error e;
	size_t n;
	const struct uw_candidate *fr, *usb0, *ndis, *stale;

	uw_test_shf("ip link add usb0 type veth peer name spe0");
	uw_test_shf("ip link add usb1 type veth peer name spe1");
	uw_test_shf("ip link add foo3 type veth peer name spe3");
	uw_test_shf("ip link add usb4 type veth peer name spe4");
	uw_test_fake_usb(sysfs, "usb1", "cdc_ether", "1457", "5122", (int)if_nametoindex("usb1"));
	/* Odd name, but an RNDIS driver and a USB id: still found, above usb0. */
	uw_test_fake_usb(sysfs, "foo3", "rndis_host", "1234", "abcd", (int)if_nametoindex("foo3"));
	/* An entry whose ifindex disagrees (sysfs of another namespace) is
	 * not believed. */
	uw_test_fake_usb(sysfs, "usb4", "cdc_ether", "1457", "5122", 99999);

	assert_int_equal(uw_detect_scan(&c, &n, &e), 0);
	assert_true(n >= 4);
	assert_string_equal(c[0].ifname, "usb1");
	assert_string_equal(c[1].ifname, "foo3");
	fr = &c[0];
	ndis = &c[1];
	usb0 = find(c, n, "usb0", NULL);
	stale = find(c, n, "usb4", NULL);
	assert_non_null(usb0);
	assert_non_null(stale);

	assert_string_equal(fr->driver, "cdc_ether");
	assert_true(fr->has_usb_id);
	assert_int_equal(fr->usb_vendor, 0x1457);
	assert_int_equal(fr->usb_product, 0x5122);
	assert_string_equal(fr->usb_name, "Openmoko FreeRunner");
	assert_true(has_reason(fr, "driver cdc_ether (USB networking gadget)"));
	assert_true(has_reason(fr, "USB id 1457:5122 = Openmoko FreeRunner"));
	assert_true(has_reason(fr, "name usb1 is what gadgets get"));

	assert_string_equal(ndis->driver, "rndis_host");
	assert_true(has_reason(ndis, "USB device 1234:abcd"));
	assert_string_equal(ndis->usb_name, "");
	assert_true(ndis->score > usb0->score);
	assert_true(ndis->likely);

	assert_string_equal(stale->driver, "veth");
	assert_false(stale->has_usb_id);
	assert_int_equal(stale->score, usb0->score);

	uw_test_shf("ip link del usb0 && ip link del usb1 && ip link del foo3 && ip link del usb4");
	uw_test_shf("rm -rf %s/class %s/devices %s/bus", sysfs, sysfs, sysfs);
}

static void test_networkmanager_state(void **state)
{
	_auto_(uw_candidates_free) struct uw_candidate *c = NULL;
	struct uw_error e;
	size_t n;
	const struct uw_candidate *a, *b, *u;

	uw_test_shf("ip link add usb0 type veth peer name nmp0");
	uw_test_shf("ip link add usb1 type veth peer name nmp1");
	uw_test_shf("ip link add usb2 type veth peer name nmp2");
	assert_false(uw_detect_nm_running());
	/* A live pid (ours) in the pid file means "running". */
	uw_test_shf("mkdir -p %s/devices && echo %d > %s/NetworkManager.pid", nmdir, (int)getpid(), nmdir);
	uw_test_shf("printf '[device]\\nmanaged=true\\n' > %s/devices/%u", nmdir, if_nametoindex("usb0"));
	uw_test_shf("printf '[device]\\nmanaged=false\\n' > %s/devices/%u", nmdir, if_nametoindex("usb1"));
	assert_true(uw_detect_nm_running());

	assert_int_equal(uw_detect_scan(&c, &n, &e), 0);
	a = find(c, n, "usb0", NULL);
	b = find(c, n, "usb1", NULL);
	u = find(c, n, "usb2", NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(u);
	assert_int_equal(a->manager, UW_MANAGER_NM_MANAGED);
	assert_non_null(strstr(a->manager_note, "nmcli device set usb0 managed no"));
	assert_non_null(strstr(a->manager_note, "the system bus could not be asked"));
	assert_int_equal(b->manager, UW_MANAGER_NM_UNMANAGED);
	assert_int_equal(u->manager, UW_MANAGER_NM_UNKNOWN);

	/* A dead pid is not a running NetworkManager. */
	uw_test_shf("echo 999999999 > %s/NetworkManager.pid", nmdir);
	assert_false(uw_detect_nm_running());
	uw_test_shf("rm -rf %s/devices %s/NetworkManager.pid", nmdir, nmdir);
	uw_test_shf("ip link del usb0 && ip link del usb1 && ip link del usb2");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct plug {
	int delay_ms;
	const char *cmds[3];
};

static void *plug_later(void *arg)
{
	const struct plug *p = arg;

	for (int i = 0; i < 3 && p->cmds[i]; i++) {
		struct timespec ts = { .tv_sec = p->delay_ms / 1000,
				       .tv_nsec = (p->delay_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		if (system(p->cmds[i]) != 0)
			return (void *)1;
	}
	return NULL;
}

static void test_wait_returns_new_link(void **state)
{
	struct plug p = { 200, { "ip link add usb7 type veth peer name wpeer7", NULL } };
	struct uw_candidate c;
	struct uw_error e;
	pthread_t t;
	long long t0, dt;
	void *res;

	/* Present before the wait: never returned, even named usb*. */
	uw_test_shf("ip link add usb6 type veth peer name wpeer6");
	t0 = now_ms();
	assert_int_equal(pthread_create(&t, NULL, plug_later, &p), 0);
	assert_int_equal(uw_detect_wait(5000, NULL, &c, &e), 0);
	dt = now_ms() - t0;
	pthread_join(t, &res);
	assert_null(res);
	assert_string_equal(c.ifname, "usb7");
	assert_int_equal(c.ifindex, (int)if_nametoindex("usb7"));
	assert_true(has_reason(&c, "name usb7"));
	/* It returned when the link appeared, not at the timeout. */
	assert_true(dt >= 190);
	assert_true(dt < 2000);
	uw_test_shf("ip link del usb7 && ip link del usb6");
}

static void test_wait_skips_non_candidates(void **state)
{
	/* A plain veth (score 0, and its peer) and an excluded name come first. */
	struct plug p = { 150, { "ip link add zq1 type veth peer name zq2",
				 "ip link add usb8 type veth peer name wpeer8",
				 "ip link add usb9 type veth peer name wpeer9" } };
	const char *const exclude[] = { "usb8", NULL };
	struct uw_candidate c;
	struct uw_error e;
	pthread_t t;
	void *res;

	assert_int_equal(pthread_create(&t, NULL, plug_later, &p), 0);
	assert_int_equal(uw_detect_wait(5000, exclude, &c, &e), 0);
	pthread_join(t, &res);
	assert_null(res);
	assert_string_equal(c.ifname, "usb9");
	uw_test_shf("ip link del zq1 && ip link del usb8 && ip link del usb9");
}

static void test_wait_timeout(void **state)
{
	struct uw_candidate c;
	struct uw_error e;
	long long t0 = now_ms(), dt;

	uw_test_shf("ip link add usb5 type veth peer name wpeer5");
	uw_error_clear(&e);
	assert_int_equal(uw_detect_wait(300, NULL, &c, &e), -ETIMEDOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 290 && dt < 2000);
	assert_non_null(strstr(e.msg, "no new network interface appeared"));
	uw_test_shf("ip link del usb5");
}

/*
 * One dump of the kernel serves detection and the plan's facts (watch and
 * apply read it once): what they make of it is what they make of a read of
 * their own, and uw_detect_identify_one looks at just the one link.
 */
static void test_one_dump_serves_all(void **state)
{
	_auto_(uw_candidates_free) struct uw_candidate *own = NULL, *shared = NULL;
	struct uw_facts *fa = uw_malloc0(sizeof(*fa)), *fb = uw_malloc0(sizeof(*fb));
	struct uw_candidate one;
	struct uw_nl_dump d;
	struct uw_error e;
	size_t n_own, n_shared;

	uw_test_shf("ip link add usb0 type veth peer name dpeer0 && ip link set usb0 up && ip link set dpeer0 up");
	uw_test_shf("ip addr add 192.168.0.200/24 dev usb0");
	uw_test_shf("ip link add br7 type bridge");
	uw_test_shf("ip link add up0 type veth peer name up0p && ip link set up0 up && ip link set up0p up");
	uw_test_shf("ip addr add 203.0.113.2/24 dev up0 && ip route add default via 203.0.113.1");

	uw_error_clear(&e);
	assert_int_equal(uw_nl_dump(&d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, &e), 0);
	assert_int_equal(uw_detect_scan(&own, &n_own, &e), 0);
	uw_detect_scan_dump(&d, &shared, &n_shared);
	assert_int_equal(n_shared, n_own);
	for (size_t i = 0; i < n_own; i++) {
		assert_string_equal(shared[i].ifname, own[i].ifname);
		assert_int_equal(shared[i].score, own[i].score);
		assert_int_equal(shared[i].manager, own[i].manager);
		assert_string_equal(shared[i].driver, own[i].driver);
	}

	/* The gadget alone: the same as the scan says of it. */
	assert_int_equal(uw_detect_identify_one(&d, (int)if_nametoindex("usb0"), &one), 1);
	assert_string_equal(one.ifname, "usb0");
	assert_string_equal(one.driver, "veth");
	assert_int_equal(one.score, find(own, n_own, "usb0", NULL)->score);
	assert_int_equal(one.n_addrs, 1);
	assert_int_equal(one.addrs[0].s_addr, inet_addr("192.168.0.200"));
	assert_int_equal(one.manager, UW_MANAGER_NM_UNKNOWN); /* identification only */
	/* Not candidates: named, but no; and a link the dump does not have. */
	assert_int_equal(uw_detect_identify_one(&d, (int)if_nametoindex("br7"), &one), 0);
	assert_string_equal(one.ifname, "br7");
	assert_int_equal(uw_detect_identify_one(&d, (int)if_nametoindex("up0"), &one), 0);
	assert_int_equal(uw_detect_identify_one(&d, (int)if_nametoindex("lo"), &one), 0);
	assert_int_equal(uw_detect_identify_one(&d, 99999, &one), -ENODEV);

	/* The plan's facts from the shared dump are the facts read alone. */
	assert_int_equal(uw_facts_read(fa, &e), 0);
	assert_int_equal(uw_facts_read_dump(fb, &d, &e), 0);
	assert_int_equal(fb->n_routes, fa->n_routes);
	assert_true(fa->n_routes >= 3); /* two addresses, and routes */
	assert_memory_equal(fb->routes, fa->routes, fa->n_routes * sizeof(fa->routes[0]));
	assert_true(fa->have_links && fb->have_links);
	assert_int_equal(fb->n_links, fa->n_links);
	for (size_t i = 0; i < fa->n_links; i++)
		assert_string_equal(fb->links[i], fa->links[i]);
	/* in index order, as if_nameindex lists them: lo first */
	assert_string_equal(fb->links[0], "lo");
	assert_string_equal(fb->default_iface, "up0");
	assert_string_equal(fb->default_iface, fa->default_iface);
	assert_int_equal(fb->default_gw.s_addr, fa->default_gw.s_addr);
	assert_int_equal(fb->ip_forward, fa->ip_forward);
	assert_int_equal(fb->n_dns, fa->n_dns);

	uw_nl_dump_fini(&d);
	free(fa);
	free(fb);
	uw_test_shf("ip link del usb0 && ip link del br7 && ip link del up0");
}

static int setup(void **state)
{
	if (!mkdtemp(sysfs) || !mkdtemp(nmdir))
		return -1;
	setenv("USBNET_WIZARD_SYSFS", sysfs, 1);
	setenv("USBNET_WIZARD_NM_RUNDIR", nmdir, 1);
	/* NetworkManager's state is then the run-file guess these tests check. */
	uw_test_no_system_bus(nmdir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", sysfs, nmdir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_by_name),
		cmocka_unit_test(test_rank_by_sysfs),
		cmocka_unit_test(test_networkmanager_state),
		cmocka_unit_test(test_wait_returns_new_link),
		cmocka_unit_test(test_wait_skips_non_candidates),
		cmocka_unit_test(test_wait_timeout),
		cmocka_unit_test(test_one_dump_serves_all),
	};

	uw_test_private_netns();
	return cmocka_run_group_tests_name("detect", tests, setup, teardown);
}
