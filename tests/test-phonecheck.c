// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone checklist's parsers, fed real output of iputils, busybox,
 * iproute2, net-tools, bind's and busybox's nslookup, getent; plus the
 * interfaces-file edit and fix preparation (validation, shell text); and the
 * whole checklist run against canned phone output (a fake command runner),
 * for the order and content of its progress reports.
 */
#include "tests/testutil.h"
#include "core/phonecheck.h"
#include "core/phonecheck-private.h"
#include "core/phonefix.h"
#include "core/util.h"

static void test_ping(void **state)
{
	/* iputils, success and failure */
	assert_int_equal(uw_phonecheck_parse_ping(
		"PING 192.168.0.200 (192.168.0.200) 56(84) bytes of data.\n"
		"64 bytes from 192.168.0.200: icmp_seq=1 ttl=64 time=0.05 ms\n\n"
		"--- 192.168.0.200 ping statistics ---\n"
		"1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"), 1);
	assert_int_equal(uw_phonecheck_parse_ping(
		"PING 203.0.113.1 (203.0.113.1) 56(84) bytes of data.\n\n"
		"--- 203.0.113.1 ping statistics ---\n"
		"1 packets transmitted, 0 received, 100% packet loss, time 0ms\n"), 0);
	/* busybox */
	assert_int_equal(uw_phonecheck_parse_ping(
		"PING 203.0.113.1 (203.0.113.1): 56 data bytes\n\n"
		"--- 203.0.113.1 ping statistics ---\n"
		"1 packets transmitted, 0 packets received, 100% packet loss\n"), 0);
	assert_int_equal(uw_phonecheck_parse_ping(
		"--- x ping statistics ---\n2 packets transmitted, 10 packets received\n"), 1);
	assert_int_equal(uw_phonecheck_parse_ping("ping: sendto: Network is unreachable\n"), 0);
	assert_int_equal(uw_phonecheck_parse_ping(""), 0);
	assert_int_equal(uw_phonecheck_parse_ping(NULL), 0);
	/* garbage does not count as a reply */
	assert_int_equal(uw_phonecheck_parse_ping("received received 0 received\x01\x02"), 0);
}

static void test_default_route(void **state)
{
	char gw[64], dev[64];

	assert_int_equal(uw_phonecheck_parse_default_route(
		"default via 192.168.0.200 dev eth0 onlink \n"
		"192.168.0.0/24 dev eth0 proto kernel scope link src 192.168.0.202 \n",
		gw, sizeof(gw), dev, sizeof(dev)), 1);
	assert_string_equal(gw, "192.168.0.200");
	assert_string_equal(dev, "eth0");
	/* busybox route -n */
	assert_int_equal(uw_phonecheck_parse_default_route(
		"Kernel IP routing table\n"
		"Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"
		"192.168.0.0     0.0.0.0         255.255.255.0   U     0      0        0 usb0\n"
		"0.0.0.0         192.168.0.200   0.0.0.0         UG    0      0        0 usb0\n",
		gw, sizeof(gw), dev, sizeof(dev)), 1);
	assert_string_equal(gw, "192.168.0.200");
	assert_string_equal(dev, "usb0");
	/* route without -n */
	assert_int_equal(uw_phonecheck_parse_default_route(
		"default         192.168.0.200   0.0.0.0         UG    0      0        0 usb0\n",
		gw, sizeof(gw), dev, sizeof(dev)), 1);
	assert_string_equal(gw, "192.168.0.200");
	/* device-only default */
	assert_int_equal(uw_phonecheck_parse_default_route("default dev ppp0 scope link\n",
							   gw, sizeof(gw), dev, sizeof(dev)), 1);
	assert_string_equal(gw, "");
	assert_string_equal(dev, "ppp0");
	/* no default: only the link route */
	assert_int_equal(uw_phonecheck_parse_default_route(
		"192.168.0.0/24 dev eth0 proto kernel scope link src 192.168.0.202\n",
		gw, sizeof(gw), dev, sizeof(dev)), 0);
	assert_int_equal(uw_phonecheck_parse_default_route(
		"Kernel IP routing table\nDestination Gateway Genmask Flags Metric Ref Use Iface\n"
		"192.168.0.0 0.0.0.0 255.255.255.0 U 0 0 0 usb0\n", gw, sizeof(gw), dev,
		sizeof(dev)), 0);
	assert_int_equal(uw_phonecheck_parse_default_route("", gw, sizeof(gw), dev, sizeof(dev)), 0);
	/* wrong gateway is reported as it is */
	assert_int_equal(uw_phonecheck_parse_default_route("default via 10.0.0.1 dev wlan0\n",
							   gw, sizeof(gw), dev, sizeof(dev)), 1);
	assert_string_equal(gw, "10.0.0.1");
}

static void test_resolv(void **state)
{
	char ns[4][64];

	assert_int_equal(uw_phonecheck_parse_resolv("# the phone as shipped\n", ns, 4), 0);
	assert_int_equal(uw_phonecheck_parse_resolv("", ns, 4), 0);
	assert_int_equal(uw_phonecheck_parse_resolv(
		"search lan\nnameserver 203.0.113.53\n  nameserver\t198.51.100.1 # router\n"
		"nameserver garbage\n#nameserver 1.1.1.1\nnameserver fe80::1%usb0\n", ns, 4), 3);
	assert_string_equal(ns[0], "203.0.113.53");
	assert_string_equal(ns[1], "198.51.100.1");
	assert_string_equal(ns[2], "fe80::1%usb0");
	assert_int_equal(uw_phonecheck_parse_resolv("nameserver 127.0.0.53\noptions edns0\n", ns, 4), 1);
	assert_true(uw_phonecheck_is_loopback(ns[0]));
	assert_false(uw_phonecheck_is_loopback("192.168.0.200"));
	assert_true(uw_phonecheck_is_loopback("::1"));
	/* max is honoured */
	assert_int_equal(uw_phonecheck_parse_resolv("nameserver 1.2.3.4\nnameserver 1.2.3.5\n", ns, 1), 1);
}

static void test_lookup(void **state)
{
	char a[64];
	const char *n = "phone-test.example";

	/* bind nslookup success: the server's address must not be taken */
	assert_int_equal(uw_phonecheck_parse_lookup(
		"Server:\t\t203.0.113.53\nAddress:\t203.0.113.53#53\n\nNon-authoritative answer:\n"
		"Name:\tphone-test.example\nAddress: 203.0.113.1\n", n, a, sizeof(a)), 1);
	assert_string_equal(a, "203.0.113.1");
	/* busybox 1.x */
	assert_int_equal(uw_phonecheck_parse_lookup(
		"Server:    203.0.113.53\nAddress 1: 203.0.113.53\n\n"
		"Name:      phone-test.example\nAddress 1: 203.0.113.1 phone-test.example\n",
		n, a, sizeof(a)), 1);
	assert_string_equal(a, "203.0.113.1");
	/* busybox failure prints the server section and then "can't resolve" */
	assert_int_equal(uw_phonecheck_parse_lookup(
		"Server:    203.0.113.99\nAddress 1: 203.0.113.99\n\n"
		"nslookup: can't resolve 'phone-test.example'\n", n, a, sizeof(a)), 0);
	/* only the server section: no answer */
	assert_int_equal(uw_phonecheck_parse_lookup(
		"Server:\t\t203.0.113.53\nAddress:\t203.0.113.53#53\n", n, a, sizeof(a)), 0);
	assert_int_equal(uw_phonecheck_parse_lookup(
		";; connection timed out; no servers could be reached\n", n, a, sizeof(a)), 0);
	/* getent */
	assert_int_equal(uw_phonecheck_parse_lookup("203.0.113.1     phone-test.example\n", n, a,
						    sizeof(a)), 1);
	assert_string_equal(a, "203.0.113.1");
	assert_int_equal(uw_phonecheck_parse_lookup("", n, a, sizeof(a)), 0);
	/* ping fallback: resolving is enough even when no reply comes */
	assert_int_equal(uw_phonecheck_parse_lookup(
		"PING phone-test.example (203.0.113.1): 56 data bytes\n\n"
		"1 packets transmitted, 0 packets received, 100% packet loss\n", n, a, sizeof(a)), 1);
	assert_int_equal(uw_phonecheck_parse_lookup("ping: bad address 'phone-test.example'\n", n, a,
						    sizeof(a)), 0);
	/* another name's answer is not ours */
	assert_int_equal(uw_phonecheck_parse_lookup("203.0.113.1 other.example\n", n, a, sizeof(a)), 0);
}

static void test_ipv4_addrs(void **state)
{
	char a[4][64];

	assert_int_equal(uw_phonecheck_parse_ipv4_addrs(
		"1: lo: <LOOPBACK,UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n"
		"2: usb0: <BROADCAST,UP>\n    inet 192.168.0.77/24 brd 192.168.0.255 scope global usb0\n",
		a, 4), 1);
	assert_string_equal(a[0], "192.168.0.77");
	/* busybox / net-tools ifconfig, old and new style */
	assert_int_equal(uw_phonecheck_parse_ipv4_addrs(
		"usb0      Link encap:Ethernet  HWaddr 00:1F:11:01:0A:2B\n"
		"          inet addr:192.168.0.202  Bcast:192.168.0.255  Mask:255.255.255.0\n"
		"lo        Link encap:Local Loopback\n          inet addr:127.0.0.1  Mask:255.0.0.0\n"
		"eth0: flags=4163<UP>  mtu 1500\n        inet 10.1.2.3  netmask 255.0.0.0\n",
		a, 4), 2);
	assert_string_equal(a[0], "192.168.0.202");
	assert_string_equal(a[1], "10.1.2.3");
	assert_int_equal(uw_phonecheck_parse_ipv4_addrs("garbage inet \ninet 999.1.1.1\n", a, 4), 0);
}

static void test_interfaces_add(void **state)
{
	struct uw_phonecheck_params p = {
		.desktop_ip = "192.168.0.200", .outside_ip = "203.0.113.1", .test_name = "x.example",
		.iface = "usb0", .nameservers = { "203.0.113.53", "198.51.100.1" }, .n_nameservers = 2,
	};
	const char *in = "auto lo\niface lo inet loopback\n\n"
			 "auto usb0\niface usb0 inet static\n\taddress 192.168.0.202\n"
			 "\tnetmask 255.255.255.0\n\tnetwork 192.168.0.0\n\n"
			 "# Bluetooth networking\niface bnep0 inet dhcp\n";
	char *out = NULL, *again = NULL;
	struct uw_error e;

	assert_int_equal(uw_phonecheck_interfaces_add(in, &p, &out, &e), 0);
	assert_string_equal(out,
		"auto lo\niface lo inet loopback\n\n"
		"auto usb0\niface usb0 inet static\n\taddress 192.168.0.202\n"
		"\tnetmask 255.255.255.0\n\tnetwork 192.168.0.0\n"
		"\t# usbnet-wizard: default route and DNS via the desktop\n"
		"\tgateway 192.168.0.200\n"
		"\tup echo nameserver 203.0.113.53 > /etc/resolv.conf\n"
		"\tup echo nameserver 198.51.100.1 >> /etc/resolv.conf\n"
		"\n# Bluetooth networking\niface bnep0 inet dhcp\n");
	/* never twice */
	assert_int_equal(uw_phonecheck_interfaces_add(out, &p, &again, &e), -EEXIST);
	assert_null(again);
	free(out);
	/* an existing gateway line is kept and not duplicated; last stanza without newline */
	assert_int_equal(uw_phonecheck_interfaces_add(
		"iface usb0 inet static\n  address 192.168.0.202\n  gateway 192.168.0.200", &p,
		&out, &e), 0);
	assert_null(strstr(out, "\tgateway"));
	assert_non_null(strstr(out, "gateway 192.168.0.200\n\t# usbnet-wizard"));
	free(out);
	/* no stanza */
	assert_int_equal(uw_phonecheck_interfaces_add("iface usb01 inet dhcp\n", &p, &out, &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, "iface usb0"));
	/* bad nameserver: nothing produced */
	p.nameservers[1] = "8.8.8.8; reboot";
	assert_int_equal(uw_phonecheck_interfaces_add(in, &p, &out, &e), -EINVAL);
	assert_null(out);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The host's servers for the phone come from the files the inventory reads
 * (the same variables), skipping loopback stubs and scoped addresses. */
static void test_host_nameservers(void **state)
{
	char dir[] = "/tmp/uw-test-ns.XXXXXX", conf[64], resolved[64], ns[4][64];

	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/resolv.conf", dir);
	snprintf(resolved, sizeof(resolved), "%s/resolved.conf", dir);
	setenv("USBNET_WIZARD_RESOLV_CONF", conf, 1);
	setenv("USBNET_WIZARD_RESOLVED_CONF", resolved, 1);
	write_text(conf, "nameserver 127.0.0.1\nnameserver 198.51.100.7\n");
	write_text(resolved, "nameserver 203.0.113.53\n");
	assert_int_equal(uw_phonecheck_host_nameservers(ns, 4), 1);
	assert_string_equal(ns[0], "198.51.100.7");
	/* only a stub: systemd-resolved's upstream list instead */
	write_text(conf, "nameserver 127.0.0.53\noptions edns0\n");
	write_text(resolved, "nameserver fe80::1%eth0\nnameserver 203.0.113.53\n"
			     "nameserver 198.51.100.1\n");
	assert_int_equal(uw_phonecheck_host_nameservers(ns, 4), 2);
	assert_string_equal(ns[0], "203.0.113.53");
	assert_string_equal(ns[1], "198.51.100.1");
	assert_int_equal(uw_phonecheck_host_nameservers(ns, 1), 1);
	/* neither file: none known */
	unlink(conf);
	unlink(resolved);
	assert_int_equal(uw_phonecheck_host_nameservers(ns, 4), 0);
	unsetenv("USBNET_WIZARD_RESOLV_CONF");
	unsetenv("USBNET_WIZARD_RESOLVED_CONF");
	rmdir(dir);
}

static void test_fix_prepare(void **state)
{
	struct uw_phonecheck_params p = {
		.desktop_ip = "192.168.0.200", .outside_ip = "203.0.113.1", .test_name = "x.example",
		.nameservers = { "203.0.113.53" }, .n_nameservers = 1,
	};
	struct uw_phonefix f;
	struct uw_error e;

	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, NULL, &f, &e), 0);
	assert_string_equal(f.shell, "ip route add default via 192.168.0.200 || route add default gw 192.168.0.200");
	assert_non_null(strstr(f.revert_shell, "ip route del default via 192.168.0.200"));
	uw_phonefix_fini(&f);
	/* a wrong gateway is replaced and restored on revert */
	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, "10.0.0.1", &f, &e), 0);
	assert_non_null(strstr(f.shell, "replace default via 192.168.0.200"));
	assert_non_null(strstr(f.revert_shell, "replace default via 10.0.0.1"));
	uw_phonefix_fini(&f);
	assert_int_equal(uw_phonefix_prepare(UW_FIX_RESOLV, &p, NULL, &f, &e), 0);
	assert_non_null(strstr(f.shell, "printf 'nameserver %s\\n' 203.0.113.53 > /etc/resolv.conf"));
	assert_non_null(strstr(f.revert_shell, "/resolv.conf > /etc/resolv.conf"));
	uw_phonefix_fini(&f);
	/* bad input: clear error, nothing prepared */
	p.desktop_ip = "192.168.0.200; rm -rf /";
	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, NULL, &f, &e), -EINVAL);
	assert_null(f.shell);
	p.desktop_ip = "192.168.0.200";
	p.nameservers[0] = "127.0.0.53";
	assert_int_equal(uw_phonefix_prepare(UW_FIX_RESOLV, &p, NULL, &f, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "127.0.0.53"));
	p.n_nameservers = 0;
	assert_int_equal(uw_phonefix_prepare(UW_FIX_RESOLV, &p, NULL, &f, &e), -EINVAL);
	assert_int_equal(uw_phonefix_prepare(UW_FIX_HOST_SIDE, &p, NULL, &f, &e), -EINVAL);
	p.test_name = "a b";
	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, NULL, &f, &e), -EINVAL);
	/* The rescue interface is checked like every interface name, a '/' too. */
	p.test_name = "x.example";
	p.nameservers[0] = "203.0.113.53";
	p.n_nameservers = 1;
	p.iface = "usb0/../x";
	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, NULL, &f, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "contains '/'"));
	p.iface = "usb0";
	assert_int_equal(uw_phonefix_prepare(UW_FIX_ROUTE, &p, NULL, &f, &e), 0);
	uw_phonefix_fini(&f);
}

/* ---- the checklist against canned phone output ------------------------- */

/* A phone that answers each command from a script, and a log of what was
 * sent and what progress was reported, in the order it happened. The
 * commands all go out at once (as uw_phone_run_all sends them); @order says
 * in which order they finish (check ids, "01234" when NULL). */
#define FAKE_LATE "<cut at the local deadline>"
#define FAKE_UNPLUG "<the link went away>"
struct fake_phone {
	const char *answers[8][2];  /* command prefix, its output ({prefix, NULL}: vanish) */
	const char *order;
	char log[2048];
	int calls;
};

static void logf_(struct fake_phone *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct fake_phone *f, const char *fmt, ...)
{
	size_t l = strlen(f->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->log + l, sizeof(f->log) - l, fmt, ap);
	va_end(ap);
}

static int fake_run(void *ud, struct uw_phone_job *jobs, size_t n, uw_phone_job_done_fn done,
		    void *done_ud, struct uw_error *err)
{
	struct fake_phone *f = ud;
	int rc = 0, gone = 0;

	for (size_t k = 0; k < n; k++) {
		size_t i = f->order ? (size_t)(f->order[k] - '0') : k;
		struct uw_phone_job *job = &jobs[i];
		const char *cmd = job->cmd, *answer = "sh: not found\n";

		assert_true(i < n);
		/* resolv.conf streamed (any size); the lookup, the longest chain
		 * of programs, started before the others. */
		assert_int_equal(job->stream, i == UW_CHECK_RESOLV);
		assert_int_equal(job->first, i == UW_CHECK_DNS);
		memset(&job->res, 0, sizeof(job->res));
		job->res.err = uw_strdup("");
		job->res.exit_status = 0;
		job->rc = gone;
		f->calls++;
		if (gone) {
			job->res.out = uw_strdup("");
			done(i, job, done_ud);
			continue;
		}
		logf_(f, "run %.*s; ", (int)strcspn(cmd, " "), cmd);
		for (size_t a = 0; a < UW_ARRAY_SIZE(f->answers) && f->answers[a][0]; a++)
			if (!strncmp(cmd, f->answers[a][0], strlen(f->answers[a][0]))) {
				answer = f->answers[a][1];
				break;
			}
		if (!answer || !strcmp(answer, FAKE_UNPLUG)) {
			gone = answer ? -ENOLINK : -ECONNRESET;
			rc = uw_error_set(err, -ECONNRESET, "The phone stopped answering.");
			job->rc = gone;
			answer = "";
		} else if (!strcmp(answer, FAKE_LATE)) {
			job->res.timed_out = true;
			answer = "";
		}
		job->res.out = uw_strdup(answer);
		done(i, job, done_ud);
	}
	return rc;
}

static void fake_progress(enum uw_check_id id, const struct uw_check *c, void *ud)
{
	struct fake_phone *f = ud;

	if (!c) {
		logf_(f, "start %d; ", (int)id);
		return;
	}
	/* The verdict handed over is the final one: same id, a real explanation. */
	assert_int_equal(c->id, id);
	assert_non_null(c->explanation);
	assert_string_not_equal(c->explanation, "Not run.");
	logf_(f, "done %d %s; ", (int)id, uw_check_status_name(c->status));
}

#define PING_OK "PING x (x): 56 data bytes\n64 bytes from x: seq=0 ttl=64 time=1 ms\n\n" \
		"--- x ping statistics ---\n1 packets transmitted, 1 packets received, 0% packet loss\n"
#define PING_NONE "PING x (x): 56 data bytes\n\n--- x ping statistics ---\n" \
		  "1 packets transmitted, 0 packets received, 100% packet loss\n"

/* The phone's answers to the checklist's five commands, in its order: the
 * ping of the desktop, the routes, the ping of the outside, resolv.conf and
 * the lookup. */
static void answers(struct fake_phone *f, const char *desktop_ping, const char *routes,
		    const char *outside_ping, const char *resolv, const char *lookup)
{
	static const char *const cmds[] = { "ping -c1 -w1 192.168.0.200", "ip route",
					    "ping -c1 -w1 203.0.113.1", "cat /etc/resolv.conf",
					    "if command -v nslookup" };
	const char *const out[] = { desktop_ping, routes, outside_ping, resolv, lookup };

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < UW_ARRAY_SIZE(cmds); i++) {
		f->answers[i][0] = cmds[i];
		f->answers[i][1] = out[i];
	}
}

static const struct uw_phonecheck_params fake_params = {
	.desktop_ip = "192.168.0.200", .outside_ip = "203.0.113.1",
	.test_name = "phone-test.example", .iface = "usb0",
	.nameservers = { "203.0.113.53" }, .n_nameservers = 1,
};

static void fini_all(struct uw_check *c)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		uw_check_fini(&c[i]);
}

/* A phone without a default route (the FreeRunner as flashed): every check
 * starts at once (all commands go out together), each verdict is reported as
 * soon as the outputs it needs are in; resolv.conf stays open until the
 * lookup is done, the outside until the desktop and the route are known. */
static void test_progress_order(void **state)
{
	struct fake_phone f;
	struct uw_phonecheck_params p = fake_params;
	struct uw_check c[UW_CHECK__COUNT];
	struct uw_error e;

	answers(&f, PING_OK, "192.168.0.0/24 dev usb0 scope link src 192.168.0.202\n",
		"ping: sendto: Network is unreachable\n", "nameserver 192.168.0.200\n",
		"nslookup: can't resolve 'phone-test.example'\n");
	p.progress = fake_progress;
	p.progress_ud = &f;
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_string_equal(f.log,
		"start 0; start 1; start 2; start 3; start 4; "
		"run ping; done 0 pass; "
		"run ip; done 1 fail; "
		"run ping; done 2 fail; "
		"run cat; run if; done 3 pass; done 4 fail; ");
	fini_all(c);

	/* Finishing in another order: a verdict waits only for what it needs. */
	memset(f.log, 0, sizeof(f.log));
	f.order = "42310";
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_string_equal(f.log,
		"start 0; start 1; start 2; start 3; start 4; "
		"run if; run ping; run cat; done 3 pass; done 4 fail; "
		"run ip; done 1 fail; "
		"run ping; done 0 pass; done 2 fail; ");
	assert_non_null(strstr(c[UW_CHECK_OUTSIDE].explanation, "default route does not go via"));
	f.order = NULL;
	/* What progress said is what the caller's array holds at the end. */
	assert_int_equal(c[UW_CHECK_ROUTE].status, UW_CHECK_FAIL);
	assert_int_equal(c[UW_CHECK_ROUTE].fix, UW_FIX_ROUTE);
	assert_int_equal(c[UW_CHECK_HOST_REACH].status, UW_CHECK_PASS);
	fini_all(c);

	/* All well: every check passes, in order. */
	answers(&f, PING_OK, "default via 192.168.0.200 dev usb0\n", PING_OK,
		"nameserver 203.0.113.53\n", "203.0.113.1     phone-test.example\n");
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_string_equal(f.log,
		"start 0; start 1; start 2; start 3; start 4; "
		"run ping; done 0 pass; run ip; done 1 pass; "
		"run ping; done 2 pass; run cat; run if; "
		"done 3 pass; done 4 pass; ");
	fini_all(c);

	/* Without a callback nothing changes in the results. */
	p.progress = NULL;
	f.log[0] = '\0';
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_string_equal(f.log, "run ping; run ip; run ping; run cat; run if; ");
	assert_int_equal(c[UW_CHECK_DNS].status, UW_CHECK_PASS);
	fini_all(c);
}

/* A dead DNS server: the lookup is cut after its short wait (exit 124 of
 * `timeout`), and both DNS verdicts say it was not answered in time; a
 * server that answers "no such name" is not called late. */
static void test_dns_not_answered_in_time(void **state)
{
	struct fake_phone f;
	struct uw_phonecheck_params p = fake_params;
	struct uw_check c[UW_CHECK__COUNT];
	struct uw_error e;

	answers(&f, PING_OK, "default via 192.168.0.200 dev usb0\n", PING_OK,
		"nameserver 203.0.113.99\n", "uw-lookup-exit 124\n");
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_int_equal(c[UW_CHECK_DNS].status, UW_CHECK_FAIL);
	assert_int_equal(c[UW_CHECK_DNS].fix, UW_FIX_RESOLV);
	assert_non_null(strstr(c[UW_CHECK_DNS].explanation, "Not answered in time: "));
	assert_non_null(strstr(c[UW_CHECK_DNS].explanation, "203.0.113.99"));
	assert_int_equal(c[UW_CHECK_RESOLV].status, UW_CHECK_FAIL);
	assert_non_null(strstr(c[UW_CHECK_RESOLV].explanation, "Not answered in time: "));
	fini_all(c);

	answers(&f, PING_OK, "default via 192.168.0.200 dev usb0\n", PING_OK,
		"nameserver 203.0.113.99\n",
		"nslookup: can't resolve 'phone-test.example'\nuw-lookup-exit 1\n");
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_int_equal(c[UW_CHECK_DNS].status, UW_CHECK_FAIL);
	assert_null(strstr(c[UW_CHECK_DNS].explanation, "in time"));
	fini_all(c);
}

/* The phone vanishes during the outside ping: that check and every one that
 * needs its output finish as skipped, each exactly once. */
static void test_progress_lost(void **state)
{
	struct fake_phone f = { .answers = {
		{ "ping -c1 -w1 192.168.0.200", PING_NONE },
		{ "ip route", "default via 10.0.0.1 dev wlan0\n" },
		{ "ping -c1 -w1 203.0.113.1", NULL },
	} };
	struct uw_phonecheck_params p = fake_params;
	struct uw_check c[UW_CHECK__COUNT];
	struct uw_error e;

	p.progress = fake_progress;
	p.progress_ud = &f;
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), -ECONNRESET);
	assert_string_equal(f.log,
		"start 0; start 1; start 2; start 3; start 4; "
		"run ping; done 0 fail; run ip; done 1 fail; "
		"run ping; done 2 skip; done 3 skip; done 4 skip; ");
	assert_non_null(strstr(c[UW_CHECK_DNS].explanation, "stopped answering"));
	fini_all(c);

	/* Bad parameters: refused before anything runs, and nothing is reported. */
	f.log[0] = '\0';
	f.calls = 0;
	p.desktop_ip = "not-an-address";
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), -EINVAL);
	assert_string_equal(f.log, "");
	assert_int_equal(f.calls, 0);
	fini_all(c);
}

/* Issue 14: the verdicts when something is broken, each worded for what
 * happened; every check gets exactly one verdict. */
static void test_fault_verdicts(void **state)
{
	struct fake_phone f;
	struct uw_phonecheck_params p = fake_params;
	struct uw_check c[UW_CHECK__COUNT];
	struct uw_error e;

	answers(&f, PING_NONE, "default via 192.168.0.200 dev usb0\n", PING_NONE,
		"nameserver 203.0.113.53\n",
		"203.0.113.1     phone-test.example\nuw-lookup-exit 0\n");
	/* The phone's firewall drops the replies: its pings wait their second in vain. */
	p.progress = fake_progress;
	p.progress_ud = &f;
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_int_equal(c[UW_CHECK_HOST_REACH].status, UW_CHECK_FAIL);
	assert_non_null(strstr(c[UW_CHECK_HOST_REACH].explanation,
			       "Not answered in time: the phone pinged the desktop at 192.168.0.200 "
			       "and got no answer within 1 s."));
	assert_int_equal(c[UW_CHECK_OUTSIDE].status, UW_CHECK_FAIL);
	assert_non_null(strstr(c[UW_CHECK_OUTSIDE].explanation, "cannot even reach the desktop"));
	assert_string_equal(f.log, "start 0; start 1; start 2; start 3; start 4; "
			    "run ping; done 0 fail; run ip; done 1 pass; run ping; done 2 fail; "
			    "run cat; run if; done 3 pass; done 4 pass; ");
	fini_all(c);

	/* The desktop answers, the outside does not, within the phone's second. */
	memset(f.log, 0, sizeof(f.log));
	f.answers[0][1] = PING_OK;
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_non_null(strstr(c[UW_CHECK_OUTSIDE].explanation, "Not answered in time: the phone "
			       "reaches the desktop but got no answer from 203.0.113.1 within 1 s"));
	assert_non_null(strstr(c[UW_CHECK_OUTSIDE].explanation, "does not forward or masquerade"));
	fini_all(c);

	/* A command the phone does not finish by the local deadline (a phone
	 * without `timeout` whose lookup hangs, a route listing that never ends). */
	f.answers[2][1] = PING_OK;
	f.answers[1][1] = FAKE_LATE;
	f.answers[4][1] = FAKE_LATE;
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), 0);
	assert_int_equal(c[UW_CHECK_ROUTE].status, UW_CHECK_FAIL);
	assert_non_null(strstr(c[UW_CHECK_ROUTE].explanation, "Not answered in time: the phone did "
			       "not finish listing its routes within 1.4 s"));
	assert_non_null(strstr(c[UW_CHECK_ROUTE].evidence, "[no answer within the timeout]"));
	assert_int_equal(c[UW_CHECK_DNS].status, UW_CHECK_FAIL);
	assert_non_null(strstr(c[UW_CHECK_DNS].explanation, "Not answered in time: "));
	assert_non_null(strstr(c[UW_CHECK_RESOLV].explanation, "Not answered in time: "));
	fini_all(c);

	/* Unplugged while the lookup runs: said so, and the checks that needed
	 * it have no verdict but that; the others keep theirs. */
	memset(f.log, 0, sizeof(f.log));
	f.answers[1][1] = "default via 192.168.0.200 dev usb0\n";
	f.answers[4][1] = FAKE_UNPLUG;
	f.order = "01243";
	assert_int_equal(uw_phonecheck_run_with(fake_run, &f, &p, c, &e), -ECONNRESET);
	assert_string_equal(f.log, "start 0; start 1; start 2; start 3; start 4; "
			    "run ping; done 0 pass; run ip; done 1 pass; run ping; done 2 pass; "
			    "run if; done 3 skip; done 4 skip; ");
	for (int i = UW_CHECK_RESOLV; i <= UW_CHECK_DNS; i++) {
		assert_int_equal(c[i].status, UW_CHECK_SKIP);
		assert_non_null(strstr(c[i].explanation, "Not run: the phone was unplugged"));
	}
	assert_int_equal(c[UW_CHECK_OUTSIDE].status, UW_CHECK_PASS);
	fini_all(c);
}

/* Issue 12 item 6: the fixes a checklist calls for are chosen and prepared
 * once, with the phone's present gateway, so what is shown is what runs. */
static void test_phonefix_choose(void **state)
{
	struct uw_phonecheck_params p = {
		.desktop_ip = "192.168.0.200", .outside_ip = "203.0.113.1", .test_name = "x.example",
		.nameservers = { "203.0.113.53" }, .n_nameservers = 1,
	};
	struct uw_check c[UW_CHECK__COUNT];
	struct uw_phonefix_set set;
	struct uw_phonefix taken;

	memset(c, 0, sizeof(c));
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		c[i].status = UW_CHECK_PASS;
	c[UW_CHECK_ROUTE].status = UW_CHECK_FAIL;
	c[UW_CHECK_ROUTE].fix = UW_FIX_ROUTE;
	c[UW_CHECK_ROUTE].evidence = (char *)"$ ip route\ndefault via 192.168.0.1 dev eth0 onlink\n";
	/* the outside check fails for the same reason: the route fix, once */
	c[UW_CHECK_OUTSIDE].status = UW_CHECK_FAIL;
	c[UW_CHECK_OUTSIDE].fix = UW_FIX_ROUTE;

	uw_phonefix_choose(c, &p, false, &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.n_unavailable, 0);
	assert_int_equal(set.fix[0].id, UW_FIX_ROUTE);
	/* the wrong gateway is replaced (an add would fail: a default exists) and restored */
	assert_non_null(strstr(set.fix[0].shell, "ip route replace default via 192.168.0.200"));
	assert_non_null(strstr(set.fix[0].revert_shell, "replace default via 192.168.0.1"));
	uw_phonefix_take(&set, 0, &taken);
	uw_phonefix_set_fini(&set);
	assert_non_null(strstr(taken.shell, "ip route replace default via 192.168.0.200"));
	uw_phonefix_fini(&taken);

	/* no default route at all: add; a bad resolv.conf too; persist when asked */
	c[UW_CHECK_ROUTE].evidence = (char *)"$ ip route\n192.168.0.0/24 dev eth0\n";
	c[UW_CHECK_DNS].status = UW_CHECK_FAIL;
	c[UW_CHECK_DNS].fix = UW_FIX_RESOLV;
	uw_phonefix_choose(c, &p, true, &set);
	assert_int_equal(set.n, 3);
	assert_int_equal(set.fix[0].id, UW_FIX_ROUTE);
	assert_non_null(strstr(set.fix[0].shell, "ip route add default via 192.168.0.200"));
	assert_int_equal(set.fix[1].id, UW_FIX_RESOLV);
	assert_int_equal(set.fix[2].id, UW_FIX_PERSIST);
	uw_phonefix_set_fini(&set);

	/* a fix that cannot be prepared is said, not dropped */
	p.n_nameservers = 0;
	uw_phonefix_choose(c, &p, false, &set);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.n_unavailable, 1);
	assert_non_null(strstr(set.unavailable[0], "resolv"));
	uw_phonefix_set_fini(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping),
		cmocka_unit_test(test_default_route),
		cmocka_unit_test(test_resolv),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_ipv4_addrs),
		cmocka_unit_test(test_interfaces_add),
		cmocka_unit_test(test_fix_prepare),
		cmocka_unit_test(test_phonefix_choose),
		cmocka_unit_test(test_host_nameservers),
		cmocka_unit_test(test_progress_order),
		cmocka_unit_test(test_dns_not_answered_in_time),
		cmocka_unit_test(test_progress_lost),
		cmocka_unit_test(test_fault_verdicts),
	};
	return cmocka_run_group_tests_name("phonecheck", tests, NULL, NULL);
}
