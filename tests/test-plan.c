// SPDX-License-Identifier: GPL-2.0-or-later
/* Plan building, overlap and journal lines, from hand-made facts (no system access). */
#include "tests/testfacts.h"

#include <arpa/inet.h>

#include "core/overlap.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/text.h"

/* A desktop on 198.51.100.0/24 via lan0, nftables, DNS 203.0.113.53. */
static struct uw_facts *desk(bool overlap)
{
	struct uw_facts *f = calloc(1, sizeof(*f));
	const char *net = overlap ? "192.168.0.0" : "198.51.100.0";
	const char *me = overlap ? "192.168.0.100" : "198.51.100.2";
	const char *gw = overlap ? "192.168.0.1" : "198.51.100.1";

	add_addr(f, me, 24, "lan0");
	add_route(f, net, 24, "lan0", NULL);
	add_route(f, "0.0.0.0", 0, "lan0", gw);
	strcpy(f->default_iface, "lan0");
	f->default_gw = A(gw);
	f->dns[0] = A("203.0.113.53");
	f->n_dns = 1;
	f->ip_forward = 0;
	f->have_fw = true;
	f->fw.in_use = UW_FW_NFTABLES;
	return f;
}

static void choices(struct uw_choices *c)
{
	uw_choices_init(c);
	strcpy(c->iface, "usb0");
}

static size_t count_kind(const struct uw_plan *p, enum uw_action_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += p->actions[i].kind == k;
	return n;
}

static void test_default_plan(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	char sh[1024];

	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, 6);
	assert_int_equal(p->overlap.n, 0);
	uw_action_shell(&p->actions[0], false, sh, sizeof(sh));
	assert_string_equal(sh, "ip addr add 192.168.0.200/24 dev usb0");
	uw_action_shell(&p->actions[0], true, sh, sizeof(sh));
	assert_string_equal(sh, "ip addr del 192.168.0.200/24 dev usb0");
	uw_action_shell(&p->actions[2], false, sh, sizeof(sh));
	assert_string_equal(sh, "sysctl -w net.ipv4.ip_forward=1");
	assert_int_equal(p->actions[3].rule.kind, UW_FW_MASQUERADE);
	assert_string_equal(p->actions[3].rule.out_iface, "lan0");
	assert_int_equal(p->actions[3].rule.src_len, 24);
	assert_int_equal(p->actions[4].rule.to.s_addr, A("203.0.113.53").s_addr);
	assert_int_equal(count_kind(p, UW_ACT_ROUTE), 0);
	free(p);
	free(f);
}

static void test_overlap_defaults_to_32(void **state)
{
	struct uw_facts *f = desk(true);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;

	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_true(p->overlap.n >= 1);
	assert_string_equal(p->overlap.conflicts[0].text, "route 192.168.0.0/24 dev lan0");
	assert_true(p->netmask_from_overlap);
	assert_int_equal(p->choices.plen, 32);
	assert_int_equal(count_kind(p, UW_ACT_ROUTE), 1);
	assert_true(p->overlap.fix_29_ok);
	/* the masquerade covers only the phone */
	for (size_t i = 0; i < p->n; i++)
		if (p->actions[i].kind == UW_ACT_FW && p->actions[i].rule.kind == UW_FW_MASQUERADE)
			assert_int_equal(p->actions[i].rule.src_len, 32);
	/* a netmask chosen by the user wins, with a warning */
	choices(&c);
	assert_int_equal(uw_choices_set_netmask(&c, "/29", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->choices.plen, 29);
	assert_false(p->netmask_from_overlap);
	assert_non_null(strstr(p->notes[0], "Overlap handled"));
	/* a netmask that does not fix it is kept, with a warning */
	choices(&c);
	assert_int_equal(uw_choices_set_netmask(&c, "/24", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->choices.plen, 24);
	assert_non_null(strstr(p->notes[0], "Warning"));
	free(p);
	free(f);
}

static void test_overlap_taken_address(void **state)
{
	struct uw_facts *f = desk(true);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	choices(&c);
	c.host_ip = A("192.168.0.100");   /* the desktop's own LAN address */
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EADDRINUSE);
	assert_non_null(strstr(e.msg, "another subnet"));
	free(p);
	free(f);
}

static void test_forward_drop_docker(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;

	f->fw.in_use = UW_FW_IPTABLES;
	uw_fw_inventory_add_drop(&f->fw, UW_FW_IPTABLES, "FORWARD", true, false);
	f->fw.docker_user = true;
	f->fw.docker_user_backend = UW_FW_IPTABLES;
	strcpy(f->fw.docker_user_chain, "DOCKER-USER");
	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, 8);
	assert_int_equal(p->actions[3].rule.kind, UW_FW_FORWARD_ACCEPT);
	assert_string_equal(p->actions[3].rule.chain, "DOCKER-USER");
	assert_string_equal(p->actions[3].rule.in_iface, "usb0");
	assert_string_equal(p->actions[4].rule.out_iface, "usb0");
	assert_int_equal(p->actions[3].fw, UW_FW_IPTABLES);
	free(p);
	free(f);
}

static void test_dns_modes(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	/* stub with no upstream: proxy refused, static fine */
	f->n_dns = 0;
	f->dns_stub = true;
	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "127.0.0.53"));
	assert_int_equal(uw_choices_set_dns_mode(&c, "static", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_int_equal(uw_choices_add_dns_server(&c, "203.0.113.53", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, 4);
	assert_int_equal(uw_choices_add_dns_server(&c, "127.0.0.53", &e), -EINVAL);
	/* none + no NAT: address and link only */
	choices(&c);
	c.nat = false;
	assert_int_equal(uw_choices_set_dns_mode(&c, "none", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, 2);
	free(p);
	free(f);
}

static void test_not_a_phone_interface(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	choices(&c);
	strcpy(c.iface, "lo");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "loopback"));
	strcpy(c.iface, "lan0");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "default route"));
	choices(&c);
	assert_int_equal(uw_choices_set_dns_mode(&c, "static", NULL), 0);
	assert_int_equal(uw_choices_add_dns_server(&c, "192.168.0.202", NULL), 0);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "phone's own address"));
	free(p);
	free(f);
}

static void test_no_default_route(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	f->default_iface[0] = '\0';
	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -ENETUNREACH);
	assert_non_null(strstr(e.msg, "--no-nat"));
	choices(&c);
	c.iface[0] = '\0';
	assert_int_equal(uw_plan_build(&c, f, p, &e), -ENODEV);
	free(p);
	free(f);
}

static void test_journal_lines(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_action back;
	char line[1024];

	uw_fw_inventory_add_drop(&f->fw, UW_FW_NFTABLES, "inet filter forward", true, false);
	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	for (size_t i = 0; i < p->n; i++) {
		strcpy(p->actions[i].old_value, p->actions[i].kind == UW_ACT_SYSCTL ? "0" : "");
		assert_int_equal(uw_action_to_line(&p->actions[i], line, sizeof(line)), 0);
		assert_int_equal(uw_action_from_line(line, &back, NULL), 0);
		assert_true(uw_action_same(&p->actions[i], &back));
		if (back.kind == UW_ACT_FW && back.rule.kind == UW_FW_FORWARD_ACCEPT)
			assert_string_equal(back.rule.chain, "inet filter forward");
	}
	static const char *bad[] = {
		"", "kind=", "kind=addr", "kind=addr iface=usb0 addr=192.168.0.200 plen=33",
		"kind=addr iface=usb0;rm addr=192.168.0.200 plen=24",
		"kind=addr iface=usb0%3Brm addr=192.168.0.200 plen=24",
		"kind=sysctl name=kernel.core_pattern value=1 old=0",
		"kind=sysctl name=net.ipv4.ip_forward value=1;reboot old=0",
		"kind=sysctl name=net/../../etc value=1 old=0",
		"kind=fw backend=pf rule=masquerade", "kind=nope", "garbage", "kind=addr iface=%zz",
		"kind=link iface=usb0 was_up=2",
		"kind=nm iface=usb0 was_managed=2", "kind=nm iface=usb0", "kind=nm iface=a;b was_managed=1",
	};
	struct uw_error e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uw_error_clear(&e);
		assert_int_equal(uw_action_from_line(bad[i], &back, &e), -EBADMSG);
		assert_non_null(strstr(e.msg, "damaged"));
	}
	free(p);
	free(f);
}

/* firewalld runs (its chain "inet firewalld filter_FORWARD" rejects forwarded traffic). */
static struct uw_facts *desk_firewalld(const char *usb0_zone)
{
	struct uw_facts *f = desk(false);

	uw_fw_inventory_add_drop(&f->fw, UW_FW_NFTABLES, "inet firewalld filter_FORWARD", false, true);
	f->fw.firewalld_running = true;
	f->firewalld.running = true;
	f->firewalld.has_zone = true;
	strcpy(f->firewalld.version, "1.3.3");
	strcpy(f->firewalld.backend, "nftables");
	strcpy(f->firewalld.default_zone, "public");
	if (usb0_zone) {
		strcpy(f->firewalld.bind[0].iface, "usb0");
		strcpy(f->firewalld.bind[0].zone, usb0_zone);
		f->firewalld.n_bind = 1;
	}
	return f;
}

static void test_firewalld(void **state)
{
	struct uw_plan *p = calloc(1, sizeof(*p)), *q = calloc(1, sizeof(*q));
	struct uw_facts *f = desk_firewalld(NULL), *plain = desk(false);
	struct uw_choices c;
	struct uw_action back;
	char line[1024], sh[512];

	choices(&c);
	/* firewalld running: its own chains get nothing, the zone and the keeper come instead. */
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(count_kind(p, UW_ACT_FWD_ZONE), 1);
	assert_int_equal(count_kind(p, UW_ACT_FWD_KEEP), 1);
	for (size_t i = 0; i < p->n; i++) {
		const struct uw_action *a = &p->actions[i];
		if (a->kind == UW_ACT_FW)
			assert_int_not_equal(a->rule.kind, UW_FW_FORWARD_ACCEPT);
		if (a->kind == UW_ACT_FWD_ZONE) {
			assert_string_equal(a->zone, "nm-shared");
			uw_action_shell(a, false, sh, sizeof(sh));
			assert_string_equal(sh, "firewall-cmd --zone=nm-shared --change-interface=usb0");
			uw_action_shell(a, true, sh, sizeof(sh));
			assert_string_equal(sh, "firewall-cmd --zone=nm-shared --remove-interface=usb0");
			/* the zone step comes before the keeper (revert stops the keeper first) */
			assert_int_equal(p->actions[i + 1].kind, UW_ACT_FWD_KEEP);
		}
		/* journal round trip, with a prior zone */
		back = *a;
		if (back.kind == UW_ACT_FWD_ZONE)
			strcpy(back.old_zone, "public");
		assert_int_equal(uw_action_to_line(&back, line, sizeof(line)), 0);
		assert_int_equal(uw_action_from_line(line, &back, NULL), 0);
		assert_true(uw_action_same(a, &back));
		if (back.kind == UW_ACT_FWD_ZONE) {
			assert_string_equal(back.old_zone, "public");
			/* no zone before: comes back as no zone (not "-", which revert would ask firewalld for) */
			back.old_zone[0] = '\0';
			assert_int_equal(uw_action_to_line(&back, line, sizeof(line)), 0);
			assert_int_equal(uw_action_from_line(line, &back, NULL), 0);
			assert_string_equal(back.old_zone, "");
		}
	}
	/* Without firewalld: exactly today's plan (the drop chain gets accepts). */
	assert_int_equal(uw_plan_build(&c, plain, q, NULL), 0);
	assert_int_equal(count_kind(q, UW_ACT_FWD_ZONE) + count_kind(q, UW_ACT_FWD_KEEP), 0);
	/* Already in a zone that forwards (trusted, nm-shared): nothing to do in firewalld. */
	free(f);
	f = desk_firewalld("trusted");
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(count_kind(p, UW_ACT_FWD_ZONE), 0);
	/* No nm-shared zone (old firewalld): the old way, accepts in its chain. */
	free(f);
	f = desk_firewalld(NULL);
	f->firewalld.has_zone = false;
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(count_kind(p, UW_ACT_FWD_ZONE), 0);
	assert_int_equal(count_kind(p, UW_ACT_FW), count_kind(q, UW_ACT_FW) + 2);
	/* No sharing: no firewalld steps. */
	free(f);
	f = desk_firewalld(NULL);
	c.nat = false;
	c.dns = UW_DNS_NONE;
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(count_kind(p, UW_ACT_FWD_ZONE), 0);

	static const char *bad[] = {
		"kind=fwd-zone iface=usb0 zone=nm-shared", /* no old */
		"kind=fwd-zone iface=usb0 zone=nm%3Bshared old=-",
		"kind=fwd-zone iface=usb0 zone= old=-",
		"kind=fwd-zone iface=usb0 zone=nm-shared old=a%20b",
		"kind=fwd-keep iface=usb0",
		"kind=fwd-keep iface=../x zone=nm-shared",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(uw_action_from_line(bad[i], &back, NULL), -EBADMSG);
	free(p);
	free(q);
	free(f);
	free(plain);
}

/* NetworkManager manages the phone's interface: the plan's first step tells
 * it to leave the interface alone (before the address); the journal line
 * keeps the exact prior value. Not managed (or no NetworkManager): the plan
 * is exactly as without it. */
static void test_networkmanager_step(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p)), *q = calloc(1, sizeof(*q));
	struct uw_choices c;
	struct uw_action back;
	char sh[256], line[256];

	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, q, NULL), 0);
	f->nm_running = 1;
	strcpy(f->nm_managed[0], "wlan0");
	f->n_nm_managed = 1;
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, q->n); /* NetworkManager runs but leaves usb0 alone */
	strcpy(f->nm_managed[1], "usb0");
	f->n_nm_managed = 2;
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->n, q->n + 1);
	assert_int_equal(p->actions[0].kind, UW_ACT_NM_UNMANAGE);
	assert_int_equal(p->actions[1].kind, UW_ACT_ADDR);
	uw_action_describe(&p->actions[0], sh, sizeof(sh));
	assert_string_equal(sh, "NetworkManager leaves usb0 alone while this setup is live");
	uw_action_shell(&p->actions[0], false, sh, sizeof(sh));
	assert_string_equal(sh, "nmcli device set usb0 managed no");
	p->actions[0].was_managed = true;
	uw_action_shell(&p->actions[0], true, sh, sizeof(sh));
	assert_string_equal(sh, "nmcli device set usb0 managed yes");
	assert_int_equal(uw_action_to_line(&p->actions[0], line, sizeof(line)), 0);
	assert_string_equal(line, "kind=nm iface=usb0 was_managed=1");
	assert_int_equal(uw_action_from_line(line, &back, NULL), 0);
	assert_true(uw_action_same(&p->actions[0], &back));
	assert_true(back.was_managed);
	free(p);
	free(q);
	free(f);
}

static void test_presets(void **state)
{
	struct uw_choices c;
	char s[UW_IP4_STRLEN];

	uw_choices_init(&c);
	assert_string_equal(c.preset->id, "openmoko");
	assert_int_equal(uw_choices_set_preset(&c, "postmarketOS", NULL), 0);
	assert_string_equal(uw_ip4_str(c.phone_ip, s), "172.16.42.1");
	assert_int_equal(uw_choices_set_preset(&c, "windows", NULL), -EINVAL);
	assert_string_equal(c.preset->id, "postmarketos");
	assert_int_equal(uw_choices_set_netmask(&c, "/4", NULL), -EINVAL);
	assert_int_equal(uw_choices_set_netmask(&c, "/8", NULL), -EINVAL);
	assert_int_equal(uw_choices_set_netmask(&c, "/16", NULL), 0);
	assert_int_equal(uw_choices_set_fw(&c, "none", NULL), 0);
	assert_int_equal(uw_choices_set_dns_mode(&c, "static", NULL), 0);
	assert_int_equal(uw_choices_add_dns_server(&c, "0.0.0.0", NULL), -EINVAL);
	assert_int_equal(uw_choices_add_dns_server(&c, "255.255.255.255", NULL), -EINVAL);
	assert_int_equal(uw_choices_add_dns_server(&c, "224.0.0.1", NULL), -EINVAL);
	assert_int_equal(uw_choices_add_dns_server(&c, "203.0.113.53", NULL), 0);
	assert_int_equal(uw_choices_add_dns_server(&c, "203.0.113.53", NULL), -EINVAL);
}

/* Issue 12 item 1: forwarding already on (Docker, libvirt hosts) is kept by
 * the plan, so its undo (plan --json's undo_shell, the saved script's undo)
 * must leave it on, not switch it off. */
static void test_undo_keeps_forwarding_already_on(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	char sh[1024], *text = NULL;

	f->ip_forward = 1;
	choices(&c);
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	assert_int_equal(p->actions[2].kind, UW_ACT_SYSCTL);
	uw_action_shell(&p->actions[2], true, sh, sizeof(sh));
	assert_null(strstr(sh, "ip_forward=0"));
	assert_string_equal(sh, ": nothing to undo, net.ipv4.ip_forward was already 1");
	{
		struct uw_strbuf sb = UW_STRBUF_INIT;

		uw_text_plan_script(p, &sb);
		text = uw_strbuf_steal(&sb);
	}
	assert_null(strstr(text, "ip_forward=0"));
	assert_non_null(strstr(text, "sysctl -w net.ipv4.ip_forward=1"));
	free(text);

	/* Off before: undo switches it off again. */
	f->ip_forward = 0;
	assert_int_equal(uw_plan_build(&c, f, p, NULL), 0);
	uw_action_shell(&p->actions[2], true, sh, sizeof(sh));
	assert_string_equal(sh, "sysctl -w net.ipv4.ip_forward=0");
	free(p);
	free(f);
}

/* Issue 12 item 9: the DNS proxy is a DNAT, which needs forwarding: without
 * sharing, the default gives way (with the reason in the plan's notes), and
 * a proxy asked for is refused with what to do. */
static void test_no_nat_dns_consistent(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;
	char why[400];
	bool said = false;

	choices(&c);
	c.nat = false;
	assert_int_equal(uw_choices_dns_fit(&c, why, sizeof(why)), UW_DNS_NONE);
	assert_non_null(strstr(why, "forwarding"));
	assert_int_equal(uw_plan_build(&c, f, p, &e), 0);
	assert_int_equal(p->choices.dns, UW_DNS_NONE);
	assert_int_equal(count_kind(p, UW_ACT_FW), 0);
	for (size_t i = 0; i < p->n_notes; i++)
		said |= strstr(p->notes[i], "forwarding") != NULL;
	assert_true(said);

	/* Asked for by name (the front ends check before planning): refused. */
	assert_int_equal(uw_choices_check(&c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "DNS proxy cannot work without sharing"));
	assert_int_equal(uw_choices_set_dns_mode(&c, "none", NULL), 0);
	assert_int_equal(uw_choices_check(&c, NULL), 0);

	/* Sharing: the proxy stays the default. */
	choices(&c);
	assert_int_equal(uw_choices_dns_fit(&c, why, sizeof(why)), UW_DNS_PROXY);
	assert_string_equal(why, "");
	free(p);
	free(f);
}

/* Issue 12 item 16: network and broadcast addresses are no host's, per mask; the
 * error suggests a free address of the right role. */
static void test_network_broadcast_addresses(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	choices(&c);
	c.phone_ip = A("192.168.0.0");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "192.168.0.0 is the network address of its /24"));
	assert_non_null(strstr(e.msg, "such as 192.168.0.202."));
	assert_null(strstr(e.msg, "--"));
	c.phone_ip = A("192.168.0.255");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "broadcast"));
	assert_non_null(strstr(e.msg, "such as 192.168.0.202."));

	choices(&c);
	c.host_ip = A("192.168.0.0");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "desktop address 192.168.0.0 is the network address"));
	assert_non_null(strstr(e.msg, "such as 192.168.0.200."));
	assert_null(strstr(e.msg, "--")); /* the wizard shows it too: no CLI flags */
	assert_null(strstr(e.msg, "192.168.0.202")); /* never the phone's own address */

	/* The preset's phone address is the host's: the next free one is offered. */
	choices(&c);
	c.host_ip = A("192.168.0.202");
	c.phone_ip = A("192.168.0.0");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "such as 192.168.0.203."));

	/* /29: .207 is the broadcast, .200 the desktop's narrow recipe (phone on /24). */
	choices(&c);
	c.plen = 29;
	c.plen_set = true;
	assert_int_equal(uw_plan_build(&c, f, p, &e), 0);
	c.phone_ip = A("192.168.0.207");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "broadcast address of its /29"));
	c.phone_ip = A("192.168.0.200");
	c.host_ip = A("192.168.0.202");
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "phone address 192.168.0.200 is the network address"));

	/* /32: a host route joins any two addresses, none is special. */
	choices(&c);
	c.plen = 32;
	c.plen_set = true;
	c.phone_ip = A("192.168.0.0");
	assert_int_equal(uw_plan_build(&c, f, p, &e), 0);

	/* The desktop-address parse error suggests a desktop address. */
	assert_int_equal(uw_choices_set_host_ip(&c, "192.168.0", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "192.168.0.200"));
	assert_null(strstr(e.msg, "192.168.0.202"));
	assert_int_equal(uw_choices_set_host_ip(&c, "127.0.0.1", &e), 0);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_null(strstr(e.msg, "192.168.0.202"));
	free(p);
	free(f);
}

/* Issue 12 item 22: --fw none is documented and means "no firewall rule"; it is
 * refused, with the reason, where the plan needs one. */
static void test_fw_none(void **state)
{
	struct uw_facts *f = desk(false);
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_choices c;
	struct uw_error e;

	choices(&c);
	assert_int_equal(uw_choices_set_fw(&c, "none", &e), 0);
	assert_int_equal(uw_plan_build(&c, f, p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "masquerade"));
	c.nat = false;          /* the default proxy gives way without sharing (item 9) */
	assert_int_equal(uw_plan_build(&c, f, p, &e), 0);
	for (size_t i = 0; i < p->n; i++)
		assert_int_not_equal(p->actions[i].kind, UW_ACT_FW);
	assert_int_equal(uw_choices_set_dns_mode(&c, "none", &e), 0);
	assert_int_equal(uw_plan_build(&c, f, p, &e), 0);
	for (size_t i = 0; i < p->n; i++)
		assert_int_not_equal(p->actions[i].kind, UW_ACT_FW);
	free(p);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_plan),
		cmocka_unit_test(test_overlap_defaults_to_32),
		cmocka_unit_test(test_overlap_taken_address),
		cmocka_unit_test(test_forward_drop_docker),
		cmocka_unit_test(test_dns_modes),
		cmocka_unit_test(test_not_a_phone_interface),
		cmocka_unit_test(test_no_default_route),
		cmocka_unit_test(test_journal_lines),
		cmocka_unit_test(test_firewalld),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_networkmanager_step),
		cmocka_unit_test(test_undo_keeps_forwarding_already_on),
		cmocka_unit_test(test_no_nat_dns_consistent),
		cmocka_unit_test(test_network_broadcast_addresses),
		cmocka_unit_test(test_fw_none),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
