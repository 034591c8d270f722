// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch (core/watch.c) on a real kernel, in a network namespace of the
 * test's own: real link events (veths named like gadgets, a fake sysfs tree
 * for USB ids) drive uw_watch_dispatch, and what it decides is read back
 * from the kernel (address, nftables rules), the journal and its messages:
 *   - a matching gadget plugged in is set up, unplugged it is reverted and
 *     the namespace is exactly as before;
 *   - an interface the profile does not match (name, driver, USB ids) is
 *     ignored, so is a second gadget while one is set up, and so is a link
 *     going down or up;
 *   - a rename while set up (udev's usb0 -> enx...) reverts and applies
 *     again under the new name, nothing left under the old one;
 *   - a gadget already plugged in at start is set up at once, a setup left
 *     by an earlier run is reverted first, and stop reverts.
 */
#include "tests/testutil.h"

#include <net/if.h>
#include <poll.h>

#include "core/apply.h"
#include "core/profile.h"
#include "core/util.h"
#include "core/watch.h"

static char dir[] = "/tmp/uw-test-watch.XXXXXX";
static char sysfs[300], jpath[300];

#define MAX_MSGS 64

struct log {
	size_t n, total;
	enum uw_watch_msg kind[MAX_MSGS];
	char text[MAX_MSGS][1024];
};

static void on_msg(void *ud, enum uw_watch_msg kind, const char *text)
{
	struct log *l = ud;

	l->total++;
	if (l->n >= MAX_MSGS)
		return;         /* (a flood of links: the first ones are what is checked) */
	l->kind[l->n] = kind;
	uw_strlcpy(l->text[l->n], text, sizeof(l->text[0]));
	l->n++;
}

/* How many messages of @kind (from message @from on) contain @text. */
static size_t count(const struct log *l, size_t from, enum uw_watch_msg kind, const char *text)
{
	size_t c = 0;

	for (size_t i = from; i < l->n; i++)
		if (l->kind[i] == kind && strstr(l->text[i], text))
			c++;
	return c;
}

static void dump(const struct log *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "  msg %zu kind %d: %s\n", i, (int)l->kind[i], l->text[i]);
}

#define expect_msgs(l, from, kind, text, n)                                                    \
	do {                                                                                   \
		size_t c_ = count(l, from, kind, text);                                        \
		if (c_ != (size_t)(n)) {                                                       \
			dump(l);                                                               \
			fail_msg("%zu messages of kind %d with \"%s\", not %d", c_, (int)(kind), \
				 text, (int)(n));                                               \
		}                                                                              \
	} while (0)

/*
 * Hand watch every link event the kernel has queued for it. `ip link` has
 * sent its events by the time it returns, so after a command they are all
 * there: no waiting, no timing.
 */
static void pump(struct uw_watch *w)
{
	struct pollfd pfd = { .fd = uw_watch_fd(w), .events = POLLIN };
	struct uw_error e;

	while (poll(&pfd, 1, 0) > 0) {
		uw_error_clear(&e);
		assert_int_equal(uw_watch_dispatch(w, &e), 0);
	}
}

/* Change the links (a fixed command), then hand watch the events. */
static void act(struct uw_watch *w, const char *cmd)
{
	uw_test_sh(cmd);
	pump(w);
}

/* The kernel state watch changes, as text (two equal snapshots: same state). */
static char *snapshot(void)
{
	return uw_test_capture("ip -o -4 addr show; ip -o link show | grep -o '^[0-9]*: [^:@]*\\|<[^>]*>'; "
			       "ip route show table all | grep -v '^local\\|^broadcast\\|^multicast'; "
			       "sysctl -n net.ipv4.ip_forward; nft list ruleset");
}

/* The namespace as @before, and no journal left (@when: after what). */
static void assert_as_before(const char *before, const char *when)
{
	_auto_(free) char *after = snapshot();

	if (strcmp(before, after))
		fail_msg("%s:\n--- before\n%s--- after\n%s", when, before, after);
	assert_int_equal(access(jpath, F_OK), -1);
}

/* Has @ifname the desktop's address? */
static bool addr_on(const char *ifname)
{
	_auto_(free) char *out = uw_test_capturef("ip -o -4 addr show dev %s 2>/dev/null", ifname);

	return out && strstr(out, "192.168.0.200/");
}

/* Do the firewall rules name @ifname? */
static bool rules_for(const char *ifname)
{
	_auto_(free) char *out = uw_test_capturef("nft list ruleset | grep -c '\"%s\"'", ifname);

	return out && atoi(out) > 0;
}

static bool journal_live(void)
{
	return access(jpath, F_OK) == 0;
}

static void profile_by_name(struct uw_profile *p, const char *pattern)
{
	struct uw_error e;

	uw_profile_init(p);
	uw_error_clear(&e);
	assert_int_equal(uw_profile_set_match_driver(p, "veth", &e), 0);
	assert_int_equal(uw_profile_set_match_name(p, pattern, &e), 0);
}

static struct uw_watch *start(const struct uw_profile *p, struct log *l)
{
	struct uw_watch *w = NULL;
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_watch_new(p, on_msg, l, &w, &e) < 0)
		fail_msg("uw_watch_new: %s", e.msg);
	return w;
}

/* Watching for a veth named like @pattern. */
static struct uw_watch *start_name(const char *pattern, struct log *l)
{
	struct uw_profile p;

	profile_by_name(&p, pattern);
	return start(&p, l);
}

static void stop(struct uw_watch *w)
{
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_watch_stop(w, &e) < 0)
		fail_msg("uw_watch_stop: %s", e.msg);
	uw_watch_free(w);
}

/* Plug in, unplug: applied once, reverted once, the namespace as before. */
static void test_plug_unplug(void **state)
{
	_auto_(free) char *before = snapshot();
	struct log l = { 0 };
	struct uw_watch *w = start_name("usb*", &l);

	expect_msgs(&l, 0, UW_WATCH_INFO, "watching for the profile's gadget", 1);
	assert_false(uw_watch_active(w));
	assert_int_equal(uw_watch_stats(w)->applied, 0);

	for (int cycle = 1; cycle <= 2; cycle++) {
		size_t mark = l.n;

		act(w, "ip link add usb0 type veth peer name wpeer0");
		expect_msgs(&l, mark, UW_WATCH_APPLIED, "usb0 was plugged in: applied the profile to usb0", 1);
		assert_true(uw_watch_active(w));
		assert_int_equal(uw_watch_stats(w)->applied, (unsigned)cycle);
		assert_true(addr_on("usb0"));
		assert_true(rules_for("usb0"));
		assert_true(journal_live());

		mark = l.n;
		act(w, "ip link del usb0");
		expect_msgs(&l, mark, UW_WATCH_REVERTED, "usb0 was unplugged: reverted", 1);
		assert_false(uw_watch_active(w));
		assert_int_equal(uw_watch_stats(w)->reverted, (unsigned)cycle);
		assert_as_before(before, cycle == 1 ? "after the first unplug" : "after the second unplug");
	}
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	stop(w);
}

/* What the profile does not match is left alone: another name, a link
 * that is no candidate at all (a bridge), and changes to them do nothing. */
static void test_not_ours_ignored(void **state)
{
	_auto_(free) char *before = snapshot();
	struct log l = { 0 };
	struct uw_watch *w = start_name("usb*", &l);

	uw_test_sh("ip link add eth9 type veth peer name wpeer9");
	act(w, "ip link add usb3 type bridge");
	expect_msgs(&l, 0, UW_WATCH_INFO, "eth9 appeared (driver veth); not the profile's gadget, ignored", 1);
	expect_msgs(&l, 0, UW_WATCH_INFO, "wpeer9 appeared (driver veth); not the profile's gadget, ignored", 1);
	expect_msgs(&l, 0, UW_WATCH_INFO, "usb3 appeared (not a USB gadget); not the profile's gadget, ignored", 1);
	assert_false(uw_watch_active(w));
	assert_false(journal_live());
	uw_test_sh("ip link set eth9 up && ip link set wpeer9 up && ip link set usb3 up && "
		   "ip link set eth9 down && ip link set wpeer9 down && ip link set usb3 down");
	pump(w);
	act(w, "ip link del eth9 && ip link del usb3");
	assert_int_equal(uw_watch_stats(w)->applied, 0);
	assert_int_equal(uw_watch_stats(w)->reverted, 0);
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	assert_true(uw_watch_stats(w)->events >= 6);
	assert_as_before(before, "after links not ours came and went");
	stop(w);
}

/* A second gadget while one is set up: ignored, the setup stays on the
 * first; the link of the gadget going down and up is no unplug. */
static void test_second_gadget_and_link_changes(void **state)
{
	struct log l = { 0 };
	struct uw_watch *w = start_name("usb*", &l);
	size_t mark;

	act(w, "ip link add usb0 type veth peer name wpeer0");
	assert_true(uw_watch_active(w));

	mark = l.n;
	act(w, "ip link add usb1 type veth peer name wpeer1");
	expect_msgs(&l, mark, UW_WATCH_INFO, "usb1 appeared; ignored while the profile is on usb0", 1);
	assert_int_equal(uw_watch_stats(w)->applied, 1);
	assert_false(addr_on("usb1"));
	assert_false(rules_for("usb1"));

	/* Down and up again (a flaky cable, the phone's USB reset): same gadget. */
	mark = l.n;
	act(w, "ip link set usb0 down && ip link set usb0 up");
	assert_int_equal(l.n, mark);
	assert_int_equal(uw_watch_stats(w)->reverted, 0);
	assert_true(uw_watch_active(w));

	/* The second gadget going does not touch the first's setup. */
	act(w, "ip link del usb1");
	assert_int_equal(uw_watch_stats(w)->reverted, 0);
	assert_true(addr_on("usb0"));
	assert_true(rules_for("usb0"));

	act(w, "ip link del usb0");
	assert_false(uw_watch_active(w));
	/* With nothing set up, a gadget plugged in now is taken. */
	mark = l.n;
	act(w, "ip link add usb1 type veth peer name wpeer1");
	expect_msgs(&l, mark, UW_WATCH_APPLIED, "applied the profile to usb1", 1);
	act(w, "ip link del usb1");
	assert_int_equal(uw_watch_stats(w)->applied, 2);
	assert_int_equal(uw_watch_stats(w)->reverted, 2);
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	stop(w);
}

/* udev renames usb0 to enx<mac> while it is set up: revert, apply again
 * under the new name; nothing names the old one any more. */
static void test_rename_while_active(void **state)
{
	_auto_(free) char *before = snapshot();
	struct log l = { 0 };
	struct uw_profile p;
	struct uw_watch *w;
	size_t mark;
	unsigned idx;

	/* (a pattern that takes usb0 and enxrename0: the renamed gadget is still ours) */
	profile_by_name(&p, "[ue][sn][bx]*");
	w = start(&p, &l);
	act(w, "ip link add usb0 type veth peer name wpeer0");
	assert_true(uw_watch_active(w));
	idx = if_nametoindex("usb0");

	mark = l.n;
	act(w, "ip link set usb0 down && ip link set usb0 name enxrename0");
	expect_msgs(&l, mark, UW_WATCH_INFO, "usb0 was renamed to enxrename0", 1);
	expect_msgs(&l, mark, UW_WATCH_REVERTED, "usb0 was renamed to enxrename0: reverted", 1);
	expect_msgs(&l, mark, UW_WATCH_APPLIED,
		    "usb0 was renamed to enxrename0: applied the profile to enxrename0", 1);
	assert_int_equal(if_nametoindex("enxrename0"), idx);
	assert_true(uw_watch_active(w));
	assert_true(addr_on("enxrename0"));
	assert_true(rules_for("enxrename0"));
	assert_false(rules_for("usb0"));
	/* Only one address: the old setup's was undone under the new name. */
	{
		_auto_(free) char *n = uw_test_capture("ip -o -4 addr show dev enxrename0 | grep -c .");

		assert_string_equal(n, "1\n");
	}

	assert_int_equal(uw_watch_stats(w)->failed, 0);

	/* Stopped with the renamed gadget still plugged in: nothing of either
	 * setup stays on it (the address and link state moved with the rename,
	 * and were undone under the new name), it is down as it came. */
	stop(w);
	assert_false(journal_live());
	assert_false(addr_on("enxrename0"));
	assert_false(rules_for("enxrename0"));
	{
		_auto_(free) char *flags = uw_test_capture("ip -o link show dev enxrename0");

		assert_null(strstr(flags, ",UP"));
	}
	uw_test_sh("ip link del enxrename0");
	assert_as_before(before, "after stop and unplug");

	/* Unplugged after a rename: reverted under the new name. */
	memset(&l, 0, sizeof(l));
	w = start(&p, &l);
	uw_test_sh("ip link add usb0 type veth peer name wpeer0");
	act(w, "ip link set usb0 name enxrename0");
	mark = l.n;
	act(w, "ip link del enxrename0");
	expect_msgs(&l, mark, UW_WATCH_REVERTED, "enxrename0 was unplugged: reverted", 1);
	assert_as_before(before, "after a rename and unplug");
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	stop(w);
}

/* The profile's USB ids decide, not the name (a fake sysfs gives veths
 * ids): other ids are ignored, the profile's are set up whatever the name,
 * also when a link already there is renamed into a match. */
static void test_match_by_usb_ids(void **state)
{
	struct log l = { 0 };
	struct uw_profile p;
	struct uw_watch *w;
	struct uw_error e;
	size_t mark;

	uw_profile_init(&p);
	uw_error_clear(&e);
	assert_int_equal(uw_profile_set_match_usb(&p, "1457:5122", &e), 0);
	w = start(&p, &l);
	expect_msgs(&l, 0, UW_WATCH_INFO, "1457:5122", 1);

	/* Another gadget's ids, named like a gadget: not the profile's. (The
	 * sysfs entry is there before the event is read, as udev's would be.) */
	uw_test_sh("ip link add usb5 type veth peer name wpeer5");
	uw_test_fake_usb(sysfs, "usb5", "cdc_ether", "1234", "abcd", (int)if_nametoindex("usb5"));
	pump(w);
	expect_msgs(&l, 0, UW_WATCH_INFO,
		    "usb5 appeared (driver cdc_ether, USB 1234:abcd); not the profile's gadget, ignored", 1);
	assert_false(uw_watch_active(w));

	/* The FreeRunner's ids, under a name no pattern would pick. */
	mark = l.n;
	uw_test_sh("ip link add frx7 type veth peer name wpeer7");
	uw_test_fake_usb(sysfs, "frx7", "cdc_ether", "1457", "5122", (int)if_nametoindex("frx7"));
	pump(w);
	expect_msgs(&l, mark, UW_WATCH_APPLIED, "frx7 was plugged in: applied the profile to frx7", 1);
	assert_true(addr_on("frx7"));
	assert_false(addr_on("usb5"));
	act(w, "ip link del frx7");
	assert_false(uw_watch_active(w));

	/* A link with no ids (nothing in sysfs) is not the profile's; renamed to a
	 * name whose sysfs entry has the profile's ids, it is ("appeared"). */
	mark = l.n;
	act(w, "ip link add gad0 type veth peer name wpeer8");
	expect_msgs(&l, mark, UW_WATCH_INFO, "gad0 appeared (driver veth); not the profile's gadget", 1);
	assert_false(uw_watch_active(w));
	uw_test_fake_usb(sysfs, "gad1", "rndis_host", "1457", "5122", (int)if_nametoindex("gad0"));
	act(w, "ip link set gad0 name gad1");
	expect_msgs(&l, mark, UW_WATCH_APPLIED, "gad1 appeared: applied the profile to gad1", 1);
	assert_true(addr_on("gad1"));

	act(w, "ip link del gad1 && ip link del usb5");
	assert_false(uw_watch_active(w));
	assert_int_equal(uw_watch_stats(w)->applied, 2);
	assert_int_equal(uw_watch_stats(w)->reverted, 2);
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	stop(w);
	uw_test_shf("rm -rf '%s'/class '%s'/devices '%s'/bus", sysfs, sysfs, sysfs);
}

/* @n link events (lo's alias changed @n times): more than watch's socket
 * holds while it is not reading, so the kernel drops the rest (ENOBUFS). */
static void flood(int n)
{
	_auto_(free) char *batch = uw_strdup_printf("%s/flood", dir);
	FILE *f = fopen(batch, "we");

	assert_non_null(f);
	for (int i = 0; i < n; i++)
		fprintf(f, "link set dev lo alias uwflood%d\n", i);
	fclose(f);
	uw_test_shf("ip -batch '%s'", batch);
}

/* Events lost (the system was busy): watch looks at what is there instead.
 * The gadget unplugged meanwhile is reverted; one plugged in meanwhile is
 * set up, once. */
static void test_lost_events(void **state)
{
	_auto_(free) char *before = snapshot();
	struct log l = { 0 };
	struct uw_watch *w = start_name("usb*", &l);

	act(w, "ip link add usb0 type veth peer name wpeer0");
	assert_true(uw_watch_active(w));

	memset(&l, 0, sizeof(l));
	flood(1000);
	uw_test_sh("ip link del usb0");
	pump(w);
	expect_msgs(&l, 0, UW_WATCH_INFO, "link events were lost (the system was busy); looking again", 1);
	expect_msgs(&l, 0, UW_WATCH_REVERTED, "usb0 is gone: reverted", 1);
	assert_false(uw_watch_active(w));
	assert_as_before(before, "after usb0 went while events were lost");

	memset(&l, 0, sizeof(l));
	flood(1000);
	uw_test_sh("ip link add usb1 type veth peer name wpeer1");
	pump(w);
	expect_msgs(&l, 0, UW_WATCH_INFO, "link events were lost", 1);
	expect_msgs(&l, 0, UW_WATCH_APPLIED, "found after lost events: applied the profile to usb1", 1);
	assert_true(uw_watch_active(w));
	assert_true(addr_on("usb1"));
	assert_int_equal(uw_watch_stats(w)->applied, 2);

	act(w, "ip link del usb1");
	assert_false(uw_watch_active(w));
	assert_as_before(before, "after usb1 was unplugged");
	assert_int_equal(uw_watch_stats(w)->failed, 0);
	stop(w);
}

/* Start with the gadget plugged in: set up at once; stop reverts. Start
 * again over a setup a killed run left behind: that is reverted first. */
static void test_start_present_leftover_and_stop(void **state)
{
	_auto_(free) char *before = NULL;
	struct log l = { 0 };
	struct uw_profile p;
	struct uw_watch *w;

	uw_test_sh("ip link add usb0 type veth peer name wpeer0");
	before = snapshot();
	profile_by_name(&p, "usb*");
	w = start(&p, &l);
	expect_msgs(&l, 0, UW_WATCH_APPLIED, "already plugged in: applied the profile to usb0", 1);
	assert_true(uw_watch_active(w));
	/* Freed without stop, as a kill -9 would leave it: the setup stays live. */
	uw_watch_free(w);
	assert_true(journal_live());
	assert_true(addr_on("usb0"));

	memset(&l, 0, sizeof(l));
	w = start(&p, &l);
	expect_msgs(&l, 0, UW_WATCH_REVERTED, "a setup left by an earlier run (crash or kill): reverted", 1);
	expect_msgs(&l, 0, UW_WATCH_APPLIED, "already plugged in: applied the profile to usb0", 1);
	assert_true(uw_watch_active(w));
	assert_true(rules_for("usb0"));

	stop(w);
	assert_as_before(before, "after stop");
	uw_test_sh("ip link del usb0");
}

static bool nft_usable(void)
{
	return system("nft list ruleset >/dev/null 2>&1") == 0;
}

static int setup(void **state)
{
	char p[400];
	FILE *f;

	if (!nft_usable()) {
		fprintf(stderr, "nftables not usable here\n");
		return -1;
	}
	if (!mkdtemp(dir))
		return -1;
	snprintf(sysfs, sizeof(sysfs), "%s/sys", dir);
	snprintf(jpath, sizeof(jpath), "%s/run/journal", dir);
	snprintf(p, sizeof(p), "%s/run", dir);
	setenv("USBNET_WIZARD_RUNDIR", p, 1);
	setenv("USBNET_WIZARD_SYSFS", sysfs, 1);
	snprintf(p, sizeof(p), "%s/nm", dir);
	setenv("USBNET_WIZARD_NM_RUNDIR", p, 1);
	snprintf(p, sizeof(p), "%s/resolv.conf", dir);
	setenv("USBNET_WIZARD_RESOLV_CONF", p, 1);
	f = fopen(p, "we");
	if (!f)
		return -1;
	fputs("nameserver 203.0.113.53\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/no-resolved.conf", dir);
	setenv("USBNET_WIZARD_RESOLVED_CONF", p, 1);
	uw_test_no_system_bus(dir);
	unsetenv("USBNET_WIZARD_FAULT");
	if (system("mkdir -p $USBNET_WIZARD_RUNDIR $USBNET_WIZARD_SYSFS $USBNET_WIZARD_NM_RUNDIR") != 0)
		return -1;
	/* The desktop's uplink with the default route (the plan shares it). */
	if (system("ip link add uwup0 type veth peer name uwup0p && ip link set uwup0p up && "
		   "ip addr add 198.51.100.2/24 dev uwup0 && ip link set uwup0 up && "
		   "ip route add default via 198.51.100.1") != 0)
		return -1;
	/* A desktop firewall that drops forwarded traffic (Docker, ufw): the
	 * plan lets the gadget's traffic through by its interface name. */
	if (system("nft add table inet hostfw && nft add chain inet hostfw forward "
		   "'{ type filter hook forward priority 0; policy drop; }'") != 0)
		return -1;
	return 0;
}

/* Whatever a failed test left: its links, and a live setup. */
static int cleanup(void **state)
{
	(void)system("for l in usb0 usb1 usb3 usb5 eth9 frx7 gad0 gad1 enxrename0; do "
		     "ip link del $l 2>/dev/null; done; rm -rf \"$USBNET_WIZARD_SYSFS\"/*");
	if (access(jpath, F_OK) == 0)
		uw_revert(NULL, NULL, NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_plug_unplug, cleanup),
		cmocka_unit_test_teardown(test_not_ours_ignored, cleanup),
		cmocka_unit_test_teardown(test_second_gadget_and_link_changes, cleanup),
		cmocka_unit_test_teardown(test_rename_while_active, cleanup),
		cmocka_unit_test_teardown(test_match_by_usb_ids, cleanup),
		cmocka_unit_test_teardown(test_lost_events, cleanup),
		cmocka_unit_test_teardown(test_start_present_leftover_and_stop, cleanup),
	};

	uw_test_private_netns();
	return cmocka_run_group_tests_name("watch", tests, setup, teardown);
}
