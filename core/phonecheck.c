// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone checklist and fixes. Everything runs as one command per channel
 * through uw_phone_run; the verdicts come from parsing output, because the
 * phone's shell is often busybox and some dropbear builds report exit status
 * 255 for commands that succeeded.
 */
#include "core/env.h"
#include "core/phonecheck.h"

#include "core/choices.h"
#include "core/phonecheck-private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip4.h"
#include "core/resolv.h"
#include "core/util.h"

/* Where the phone-side backups go: the login user's home, not /etc, so a
 * read-only or shared /etc (and the testbed, whose /etc is the machine's) is
 * never littered. */
#define BACKUP_DIR "$HOME/.usbnet-wizard-backup"

#define ROUTE_CMD "ip route 2>/dev/null || route -n 2>&1"
#define ADDR_CMD "ip -4 addr 2>/dev/null || ifconfig 2>&1"

static const struct {
	const char *name, *title;
} check_info[UW_CHECK__COUNT] = {
	[UW_CHECK_HOST_REACH] = { "host-reachable", "The phone reaches the desktop" },
	[UW_CHECK_ROUTE] = { "default-route", "The phone's default route goes via the desktop" },
	[UW_CHECK_OUTSIDE] = { "outside-reachable", "The phone reaches an outside address" },
	[UW_CHECK_RESOLV] = { "resolv-conf", "The phone's resolv.conf names a usable DNS server" },
	[UW_CHECK_DNS] = { "name-resolves", "A name resolves on the phone" },
};

const char *uw_check_status_name(enum uw_check_status s)
{
	switch (s) {
	case UW_CHECK_PASS: return "pass";
	case UW_CHECK_FAIL: return "fail";
	case UW_CHECK_WARN: return "warn";
	case UW_CHECK_SKIP: return "skip";
	}
	return "?";
}

const char *uw_fix_name(enum uw_fix_id id)
{
	switch (id) {
	case UW_FIX_NONE: return "";
	case UW_FIX_ROUTE: return "route";
	case UW_FIX_RESOLV: return "resolv";
	case UW_FIX_PERSIST: return "persist";
	case UW_FIX_HOST_SIDE: return "host-side";
	}
	return "";
}

void uw_check_fini(struct uw_check *c)
{
	free(c->evidence);
	free(c->explanation);
	c->evidence = c->explanation = NULL;
}

void uw_phonefix_fini(struct uw_phonefix *f)
{
	free(f->describe);
	free(f->shell);
	free(f->revert_shell);
	memset(f, 0, sizeof(*f));
}

/* ---- parsers ----------------------------------------------------------- */

int uw_phonecheck_parse_ping(const char *out)
{
	const char *p;

	if (!out)
		return 0;
	/*
	 * iputils: "1 packets transmitted, 1 received"; busybox: "1 packets
	 * received"; both print "bytes from" per reply. "0 received" and
	 * "0 packets received" are failures; "bytes from" alone is enough.
	 */
	if (strstr(out, "bytes from"))
		return 1;
	for (p = strstr(out, "received"); p; p = strstr(p + 1, "received")) {
		const char *q = p;

		while (q > out && q[-1] == ' ')
			q--;
		if (q - out >= 7 && !strncmp(q - 7, "packets", 7))
			q -= 7;
		while (q > out && q[-1] == ' ')
			q--;
		while (q > out && isdigit((unsigned char)q[-1]))
			q--;
		if (isdigit((unsigned char)*q) && strtoul(q, NULL, 10) > 0)
			return 1;
	}
	return 0;
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return uw_ip4_parse(s, &a, NULL, NULL) == 0;
}

static bool is_ip(const char *s)
{
	struct in6_addr a;

	return is_ipv4(s) || inet_pton(AF_INET6, s, &a) == 1;
}

int uw_phonecheck_parse_default_route(const char *out, char *gw, size_t gwlen, char *dev,
				      size_t devlen)
{
	_auto_(free) char *copy = uw_strdup(out ? out : "");
	char *save = NULL;

	gw[0] = dev[0] = '\0';
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char w[8][64] = { { 0 } };
		int n = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %63s", w[0], w[1], w[2],
			       w[3], w[4], w[5], w[6], w[7]);

		if (n < 2)
			continue;
		if (!strcmp(w[0], "default") && n >= 2 && strcmp(w[1], "via") && strcmp(w[1], "dev") &&
		    is_ipv4(w[1]) && n >= 8) {
			/* `route` without -n: "default 192.168.0.200 0.0.0.0 UG 0 0 0 usb0" */
			uw_strlcpy(gw, w[1], gwlen);
			uw_strlcpy(dev, w[7], devlen);
			return 1;
		}
		if (!strcmp(w[0], "default")) {
			/* iproute2 and busybox ip: "default via GW dev DEV ..." or "default dev DEV" */
			for (int i = 1; i + 1 < n; i++) {
				if (!strcmp(w[i], "via"))
					uw_strlcpy(gw, w[i + 1], gwlen);
				if (!strcmp(w[i], "dev"))
					uw_strlcpy(dev, w[i + 1], devlen);
			}
			return 1;
		}
		/* route -n: "0.0.0.0 GW 0.0.0.0 UG metric ref use iface" */
		if (n >= 8 && !strcmp(w[0], "0.0.0.0") && !strcmp(w[2], "0.0.0.0") &&
		    strchr(w[3], 'U')) {
			if (strcmp(w[1], "0.0.0.0") && strcmp(w[1], "*"))
				uw_strlcpy(gw, w[1], gwlen);
			uw_strlcpy(dev, w[7], devlen);
			return 1;
		}
	}
	return 0;
}

bool uw_phonecheck_is_loopback(const char *a)
{
	return !strncmp(a, "127.", 4) || !strcmp(a, "::1") || !strcmp(a, "0.0.0.0") ||
	       !strcmp(a, "::");
}

int uw_phonecheck_parse_resolv(const char *content, char (*ns)[64], size_t max)
{
	_auto_(free) char *copy = uw_strdup(content ? content : "");
	char *save = NULL;
	size_t n = 0;

	for (char *line = strtok_r(copy, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[32], val[128];

		line[strcspn(line, "#;")] = '\0';
		if (sscanf(line, "%31s %127s", key, val) != 2 || strcmp(key, "nameserver"))
			continue;
		/* A scoped fe80::1%eth0 is a valid nameserver line; check the address part. */
		{
			char addr[128];

			uw_strlcpy(addr, val, sizeof(addr));
			addr[strcspn(addr, "%")] = '\0';
			if (!is_ip(addr))
				continue;
		}
		uw_strlcpy(ns[n++], val, 64);
	}
	return (int)n;
}

/* First IP address token in @s (stops at '#' for "1.2.3.4#53"). */
static bool first_ip_in(const char *s, char *addr, size_t len)
{
	const char *p = s;

	while (*p) {
		char tok[64];
		size_t k = 0;

		while (*p && !isxdigit((unsigned char)*p) && *p != ':')
			p++;
		while (*p && (isxdigit((unsigned char)*p) || *p == '.' || *p == ':') && k < 63)
			tok[k++] = *p++;
		tok[k] = '\0';
		if (k && is_ip(tok) && strcmp(tok, "::")) {
			uw_strlcpy(addr, tok, len);
			return true;
		}
		if (!k && *p)
			p++;
	}
	return false;
}

int uw_phonecheck_parse_lookup(const char *out, const char *name, char *addr, size_t addrlen)
{
	_auto_(free) char *copy = uw_strdup(out ? out : "");
	char *save = NULL, *line;
	bool after_name = false;
	size_t nl = strlen(name);

	addr[0] = '\0';
	if (strstr(copy, "can't resolve") || strstr(copy, "NXDOMAIN") ||
	    strstr(copy, "bad address") || strstr(copy, "not known") ||
	    strstr(copy, "server can't find") || strstr(copy, "Temporary failure"))
		return 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = line;

		while (isspace((unsigned char)*s))
			s++;
		/* ping: "PING name (1.2.3.4): 56 data bytes" / "PING name (1.2.3.4) 56(84)" */
		if (!strncmp(s, "PING ", 5) && !strncmp(s + 5, name, nl) && s[5 + nl] == ' ' &&
		    s[6 + nl] == '(') {
			if (first_ip_in(s + 7 + nl, addr, addrlen))
				return 1;
		}
		/*
		 * nslookup (bind and busybox) prints the server's own address first:
		 * "Server: ...", "Address: 203.0.113.53#53", old busybox even
		 * "Address 1: ..." before the answer. Only addresses after the
		 * "Name:" line are answers.
		 */
		if (!strncmp(s, "Name:", 5)) {
			after_name = strstr(s, name) != NULL;
			/* busybox 1.x: "Name:      host\nAddress 1: 1.2.3.4 host" */
			continue;
		}
		if (after_name && !strncmp(s, "Address", 7)) {
			char *c = strchr(s, ':');

			if (c && first_ip_in(c + 1, addr, addrlen))
				return 1;
		}
		/* getent hosts / ahosts: "1.2.3.4   name" */
		{
			char a[64], n2[256];

			if (sscanf(s, "%63s %255s", a, n2) == 2 && is_ip(a) &&
			    !strcmp(n2, name)) {
				uw_strlcpy(addr, a, addrlen);
				return 1;
			}
		}
	}
	return 0;
}

int uw_phonecheck_parse_ipv4_addrs(const char *out, char (*addrs)[64], size_t max)
{
	_auto_(free) char *copy = uw_strdup(out ? out : "");
	char *save = NULL;
	size_t n = 0;

	for (char *line = strtok_r(copy, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s = strstr(line, "inet "), a[64];
		size_t k = 0;

		if (!s)
			continue;
		s += 5;
		while (*s == ' ')
			s++;
		if (!strncmp(s, "addr:", 5)) /* busybox/net-tools ifconfig: "inet addr:1.2.3.4" */
			s += 5;
		while (*s && (isdigit((unsigned char)*s) || *s == '.') && k < sizeof(a) - 1)
			a[k++] = *s++;
		a[k] = '\0';
		if (!is_ipv4(a) || uw_phonecheck_is_loopback(a))
			continue;
		uw_strlcpy(addrs[n++], a, 64);
	}
	return (int)n;
}

/* ---- checks ------------------------------------------------------------ */

static int validate_params(const struct uw_phonecheck_params *p, bool need_ns,
			   struct uw_error *err)
{
	if (!p->desktop_ip || !is_ipv4(p->desktop_ip))
		return uw_error_set(err, -EINVAL, "The desktop address '%s' is not an IPv4 address "
				    "(for example 192.168.0.200).", p->desktop_ip ? p->desktop_ip : "");
	if (!p->outside_ip || !is_ip(p->outside_ip))
		return uw_error_set(err, -EINVAL, "The outside address '%s' is not an IP address.",
				    p->outside_ip ? p->outside_ip : "");
	if (!p->test_name || !*p->test_name || strlen(p->test_name) > 253)
		return uw_error_set(err, -EINVAL, "A test name to resolve is needed (for example "
				    "example.com).");
	for (const char *s = p->test_name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-')
			return uw_error_set(err, -EINVAL, "'%s' is not a host name (letters, digits, "
					    "'.' and '-').", p->test_name);
	if (p->n_nameservers > UW_PHONECHECK_MAX_NS)
		return uw_error_set(err, -EINVAL, "At most %d nameservers.", UW_PHONECHECK_MAX_NS);
	for (size_t i = 0; i < p->n_nameservers; i++)
		if (!p->nameservers[i] || !is_ip(p->nameservers[i]) ||
		    uw_phonecheck_is_loopback(p->nameservers[i]))
			return uw_error_set(err, -EINVAL, "'%s' is not a nameserver the phone can "
					    "use (a numeric, non-loopback address is needed).",
					    p->nameservers[i] ? p->nameservers[i] : "");
	if (need_ns && p->n_nameservers == 0)
		return uw_error_set(err, -EINVAL, "No nameserver to write: give one (for example "
				    "the desktop's upstream DNS server).");
	if (p->iface && *p->iface)
		return uw_ifname_check(p->iface, err);
	return 0;
}

/* How long the phone's DNS server gets to answer the lookup check, and the
 * marker before the lookup's exit status in its output. */
#define DNS_WAIT_S 1
#define DNS_END "uw-lookup-exit "

static void set(struct uw_check *c, enum uw_check_status st, enum uw_fix_id fix,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set(struct uw_check *c, enum uw_check_status st, enum uw_fix_id fix,
		const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	free(c->explanation);
	c->explanation = s;
	c->status = st;
	c->fix = fix;
}

/* What one run needs besides its results: where commands go, and who is
 * told about progress (and which checks were reported finished already). */
struct run {
	uw_phonecheck_runner_fn exec;
	void *exec_ud;
	const struct uw_phonecheck_params *prm;
	struct uw_check *checks;
	bool finished[UW_CHECK__COUNT];
};

static void started(struct run *run, enum uw_check_id id)
{
	if (run->prm->progress)
		run->prm->progress(id, NULL, run->prm->progress_ud);
}

static void finished(struct run *run, enum uw_check_id id)
{
	run->finished[id] = true;
	if (run->prm->progress)
		run->prm->progress(id, &run->checks[id], run->prm->progress_ud);
}

/* Run @cmd and store "$ cmd\noutput" as the check's evidence. */
static int probe(struct run *run, struct uw_check *c, const char *cmd,
		 struct uw_phone_result *res, struct uw_error *err)
{
	int rc = run->exec(run->exec_ud, cmd, res, err);

	free(c->evidence);
	c->evidence = uw_strdup_printf("$ %s\n%s%s%s%s", cmd, res->out ? res->out : "",
				       res->err && *res->err ? res->err : "",
				       res->truncated ? "\n[output cut at 64 KiB]" : "",
				       res->timed_out ? "\n[no answer within the timeout]" : "");
	return rc;
}

static int phone_exec(void *ud, const char *cmd, struct uw_phone_result *res, struct uw_error *err)
{
	return uw_phone_run(ud, cmd, NULL, res, err);
}

int uw_phonecheck_run(struct uw_phone *p, const struct uw_phonecheck_params *prm,
		      struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err)
{
	return uw_phonecheck_run_with(phone_exec, p, prm, checks, err);
}

int uw_phonecheck_run_with(uw_phonecheck_runner_fn exec, void *exec_ud,
			   const struct uw_phonecheck_params *prm,
			   struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err)
{
	struct run run = { .exec = exec, .exec_ud = exec_ud, .prm = prm, .checks = checks };
	struct uw_phone_result r = { 0 };
	_auto_(free) char *cmd = NULL;
	char gw[64], dev[64], ns[4][64], addr[64];
	int rc, nns = 0;
	bool host_ok, route_ok, out_ok, dns_ok, dns_late = false, has_route;

	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		checks[i] = (struct uw_check){ .id = i, .name = check_info[i].name,
					      .title = check_info[i].title,
					      .status = UW_CHECK_SKIP };
		checks[i].evidence = uw_strdup("");
		checks[i].explanation = uw_strdup("Not run.");
	}
	rc = validate_params(prm, false, err);
	if (rc < 0)
		return rc;

	/* 1. the desktop */
	/*
	 * -c1 -w4: stop at the first reply, but keep asking for up to 4 s: a
	 * neighbour entry left FAILED by an earlier try answers "unreachable"
	 * for a few seconds after the link starts working (iputils and busybox
	 * both know -w).
	 */
	cmd = uw_strdup_printf("ping -c1 -w4 %s 2>&1", prm->desktop_ip);
	started(&run, UW_CHECK_HOST_REACH);
	rc = probe(&run, &checks[UW_CHECK_HOST_REACH], cmd, &r, err);
	if (rc < 0)
		goto lost;
	host_ok = uw_phonecheck_parse_ping(r.out);
	if (host_ok)
		set(&checks[UW_CHECK_HOST_REACH], UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone gets answers from the desktop at %s.", prm->desktop_ip);
	else
		set(&checks[UW_CHECK_HOST_REACH], UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone gets no answer from the desktop at %s. The desktop's side of the "
		    "USB link is not configured with that address, or the phone's address is in "
		    "another subnet. Apply the desktop side first.", prm->desktop_ip);
	uw_phone_result_fini(&r);
	finished(&run, UW_CHECK_HOST_REACH);

	/* 2. default route */
	started(&run, UW_CHECK_ROUTE);
	rc = probe(&run, &checks[UW_CHECK_ROUTE], ROUTE_CMD, &r, err);
	if (rc < 0)
		goto lost;
	has_route = uw_phonecheck_parse_default_route(r.out, gw, sizeof(gw), dev, sizeof(dev));
	route_ok = has_route && !strcmp(gw, prm->desktop_ip);
	if (route_ok)
		set(&checks[UW_CHECK_ROUTE], UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone sends traffic for the outside to the desktop (%s, dev %s).", gw, dev);
	else if (!has_route && strstr(r.out, "not found") && !strstr(r.out, "0.0.0.0"))
		set(&checks[UW_CHECK_ROUTE], UW_CHECK_SKIP, UW_FIX_NONE,
		    "The phone has neither 'ip' nor 'route', so its routes cannot be read.");
	else if (!has_route)
		set(&checks[UW_CHECK_ROUTE], UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone has no default route, so it does not know where to send traffic "
		    "for the outside. It should go via the desktop (%s).", prm->desktop_ip);
	else if (!*gw)
		set(&checks[UW_CHECK_ROUTE], UW_CHECK_WARN, UW_FIX_ROUTE,
		    "The phone's default route goes straight out of %s without a gateway; it "
		    "should go via the desktop (%s).", dev, prm->desktop_ip);
	else
		set(&checks[UW_CHECK_ROUTE], UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone's default route goes via %s, not via the desktop (%s), so its "
		    "traffic does not reach the desktop's NAT.", gw, prm->desktop_ip);
	uw_phone_result_fini(&r);
	finished(&run, UW_CHECK_ROUTE);

	/* 3. outside */
	free(cmd);
	started(&run, UW_CHECK_OUTSIDE);
	cmd = uw_strdup_printf("ping -c1 -w4 %s 2>&1", prm->outside_ip);
	rc = probe(&run, &checks[UW_CHECK_OUTSIDE], cmd, &r, err);
	if (rc < 0)
		goto lost;
	out_ok = uw_phonecheck_parse_ping(r.out);
	if (out_ok)
		set(&checks[UW_CHECK_OUTSIDE], UW_CHECK_PASS, UW_FIX_NONE,
		    "The phone reaches %s outside: the desktop forwards and masquerades its "
		    "traffic.", prm->outside_ip);
	else if (!host_ok)
		set(&checks[UW_CHECK_OUTSIDE], UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone cannot reach %s because it cannot even reach the desktop; fix the "
		    "USB link first.", prm->outside_ip);
	else if (!route_ok)
		set(&checks[UW_CHECK_OUTSIDE], UW_CHECK_FAIL, UW_FIX_ROUTE,
		    "The phone cannot reach %s: its default route does not go via the desktop.",
		    prm->outside_ip);
	else
		set(&checks[UW_CHECK_OUTSIDE], UW_CHECK_FAIL, UW_FIX_HOST_SIDE,
		    "The phone reaches the desktop but not %s: the desktop does not forward or "
		    "masquerade the phone's traffic (NAT, ip_forward, or a FORWARD policy of "
		    "DROP). Apply the desktop side.", prm->outside_ip);
	uw_phone_result_fini(&r);
	finished(&run, UW_CHECK_OUTSIDE);

	/* 4. resolv.conf content (judged together with 5., so it finishes with it) */
	started(&run, UW_CHECK_RESOLV);
	rc = probe(&run, &checks[UW_CHECK_RESOLV], "cat /etc/resolv.conf 2>&1", &r, err);
	if (rc < 0)
		goto lost;
	nns = uw_phonecheck_parse_resolv(r.out, ns, UW_ARRAY_SIZE(ns));
	uw_phone_result_fini(&r);

	/* 5. a name resolves: whatever the phone has (busybox often lacks getent) */
	free(cmd);
	/*
	 * Ask the server resolv.conf names first, directly (nslookup NAME
	 * SERVER), and give it DNS_WAIT_S: a dead server otherwise costs the
	 * resolver's 5 s per try. What the phone lacks is done without:
	 * getent (no server choice) or ping, and no `timeout`. The last line
	 * says how the lookup ended; 124 (coreutils) or 143 (busybox, TERM)
	 * means it was cut: not answered in time.
	 */
	cmd = uw_strdup_printf("if command -v nslookup >/dev/null 2>&1; then set -- nslookup %s "
			       "$(sed -n 's/^[[:space:]]*nameserver[[:space:]]*\\([^[:space:]]*\\).*/\\1/p' "
			       "/etc/resolv.conf | head -n 1); "
			       "elif command -v getent >/dev/null 2>&1; then set -- getent hosts %s; "
			       "else set -- ping -c1 -w%d %s; fi; "
			       "if command -v timeout >/dev/null 2>&1; then timeout %d \"$@\"; else \"$@\"; fi 2>&1; "
			       "echo \"" DNS_END "$?\"", prm->test_name, prm->test_name, DNS_WAIT_S,
			       prm->test_name, DNS_WAIT_S);
	started(&run, UW_CHECK_DNS);
	rc = probe(&run, &checks[UW_CHECK_DNS], cmd, &r, err);
	if (rc < 0)
		goto lost;
	dns_ok = uw_phonecheck_parse_lookup(r.out, prm->test_name, addr, sizeof(addr));
	{
		const char *end = r.out ? strstr(r.out, DNS_END) : NULL;
		int code = end ? atoi(end + strlen(DNS_END)) : 0;

		dns_late = !dns_ok && (code == 124 || code == 143);
	}
	uw_phone_result_fini(&r);

	{
		bool all_loop = nns > 0;

		for (int i = 0; i < nns; i++)
			all_loop &= uw_phonecheck_is_loopback(ns[i]);
		if (nns == 0)
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_FAIL, UW_FIX_RESOLV,
			    "The phone's /etc/resolv.conf names no DNS server, so no name can be "
			    "looked up.");
		else if (all_loop && !dns_ok)
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_FAIL, UW_FIX_RESOLV,
			    "The phone's resolv.conf names only %s, a loopback address, and nothing "
			    "answers there. Write a real server into it.", ns[0]);
		else if (all_loop)
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_WARN, UW_FIX_NONE,
			    "The phone's resolv.conf names only %s (loopback): this works only while "
			    "a DNS server runs on the phone itself.", ns[0]);
		else if (dns_late && out_ok)
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_FAIL, UW_FIX_RESOLV,
			    "Not answered in time: the phone's resolv.conf names %s%s, which did not "
			    "answer within %d s although the phone reaches the outside: that server "
			    "is wrong or dead.", ns[0], nns > 1 ? " and others" : "", DNS_WAIT_S);
		else if (!dns_ok && out_ok)
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_FAIL, UW_FIX_RESOLV,
			    "The phone's resolv.conf names %s%s, but no answer comes back although "
			    "the phone reaches the outside: that server is wrong or dead.", ns[0],
			    nns > 1 ? " and others" : "");
		else
			set(&checks[UW_CHECK_RESOLV], UW_CHECK_PASS, UW_FIX_NONE,
			    "The phone's resolv.conf names %s%s.", ns[0], nns > 1 ? " and others" : "");
	}
	if (dns_ok)
		set(&checks[UW_CHECK_DNS], UW_CHECK_PASS, UW_FIX_NONE,
		    "%s resolves to %s on the phone.", prm->test_name, addr);
	else if (nns == 0)
		set(&checks[UW_CHECK_DNS], UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "%s does not resolve: the phone knows no DNS server (its resolv.conf is "
		    "empty).", prm->test_name);
	else if (!out_ok)
		set(&checks[UW_CHECK_DNS], UW_CHECK_FAIL,
		    checks[UW_CHECK_OUTSIDE].fix,
		    "%s does not resolve: the phone cannot reach the outside, so its DNS server "
		    "%s cannot be asked either. Fix the outside check first.", prm->test_name,
		    ns[0]);
	else if (dns_late)
		set(&checks[UW_CHECK_DNS], UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "Not answered in time: the phone asked its DNS server %s for %s and got no "
		    "answer within %d s. Write a working server into its resolv.conf.", ns[0],
		    prm->test_name, DNS_WAIT_S);
	else
		set(&checks[UW_CHECK_DNS], UW_CHECK_FAIL, UW_FIX_RESOLV,
		    "%s does not resolve on the phone: its DNS server %s does not answer. Write "
		    "a working server into its resolv.conf.", prm->test_name, ns[0]);
	finished(&run, UW_CHECK_RESOLV);
	finished(&run, UW_CHECK_DNS);
	return 0;

lost:
	uw_phone_result_fini(&r);
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		if (checks[i].status == UW_CHECK_SKIP && !strcmp(checks[i].explanation, "Not run."))
			set(&checks[i], UW_CHECK_SKIP, UW_FIX_NONE,
			    "Not run: the phone stopped answering.");
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		if (!run.finished[i])
			finished(&run, i);
	return rc;
}

int uw_phonecheck_phone_ipv4(struct uw_phone *p, char (*addrs)[64], size_t max,
			     struct uw_error *err)
{
	struct uw_phone_result r;
	int rc = uw_phone_run(p, ADDR_CMD, NULL, &r, err);

	if (rc == 0)
		rc = uw_phonecheck_parse_ipv4_addrs(r.out, addrs, max);
	uw_phone_result_fini(&r);
	return rc;
}

/* ---- persistence in /etc/network/interfaces ----------------------------- */

#define PERSIST_MARK "# usbnet-wizard: default route and DNS via the desktop"

static bool stanza_start(const char *line)
{
	static const char *const kw[] = { "iface", "auto", "allow-", "mapping", "source",
					  "no-auto-down", "no-scripts" };
	const char *s = line;

	/* Stanzas start at column 0 in practice, but ifupdown allows indentation. */
	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t i = 0; i < UW_ARRAY_SIZE(kw); i++)
		if (!strncmp(s, kw[i], strlen(kw[i])))
			return true;
	return false;
}

int uw_phonecheck_interfaces_add(const char *content, const struct uw_phonecheck_params *prm,
				 char **out, struct uw_error *err)
{
	const char *iface = prm->iface && *prm->iface ? prm->iface : "usb0";
	const char *p, *stanza = NULL, *insert = NULL;
	bool has_gateway = false;
	char *lines = NULL;
	size_t before;
	int rc;

	*out = NULL;
	rc = validate_params(prm, true, err);
	if (rc < 0)
		return rc;
	if (strstr(content, PERSIST_MARK))
		return uw_error_set(err, -EEXIST, "The phone's interfaces file already has the "
				    "usbnet-wizard lines; nothing to add.");
	/* Find "iface IFACE " at the start of a line. */
	for (p = content; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *s = p;
		size_t il = strlen(iface);

		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "iface", 5) && (s[5] == ' ' || s[5] == '\t')) {
			s += 5;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!strncmp(s, iface, il) && (s[il] == ' ' || s[il] == '\t')) {
				stanza = p;
				break;
			}
		}
	}
	if (!stanza)
		return uw_error_set(err, -ENOENT, "The phone's interfaces file has no 'iface %s' "
				    "section; the settings cannot be made permanent there.", iface);
	/* The stanza runs until the next stanza keyword; insert after its last non-blank line. */
	insert = strchr(stanza, '\n');
	insert = insert ? insert + 1 : stanza + strlen(stanza);
	for (p = insert; *p;) {
		const char *eol = strchr(p, '\n');
		const char *next = eol ? eol + 1 : p + strlen(p);
		const char *s = p;

		if (stanza_start(p))
			break;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "gateway", 7))
			has_gateway = true;
		if (*s && *s != '\n' && *s != '#')
			insert = next;
		p = next;
	}
	lines = uw_strdup_printf("\t%s\n", PERSIST_MARK);
	if (!has_gateway) {
		char *t = uw_strdup_printf("%s\tgateway %s\n", lines, prm->desktop_ip);

		free(lines);
		lines = t;
	}
	for (size_t i = 0; i < prm->n_nameservers; i++) {
		char *t = uw_strdup_printf("%s\tup echo nameserver %s %s /etc/resolv.conf\n", lines,
					   prm->nameservers[i], i ? ">>" : ">");

		free(lines);
		lines = t;
	}
	before = (size_t)(insert - content);
	/* A last line without newline must not be glued to ours. */
	*out = uw_strdup_printf("%.*s%s%s%s", (int)before, content,
				before && content[before - 1] != '\n' ? "\n" : "", lines,
				content + before);
	free(lines);
	return 0;
}

/* ---- fixes ------------------------------------------------------------- */

static bool safe_path(const char *s)
{
	if (!s || s[0] != '/' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/._-", *s))
			return false;
	return true;
}

static const char *interfaces_path(void)
{
	/* Tests point this at a file of their own: the testbed phone shares /etc
	 * with the machine, whose interfaces file must never be touched. */
	const char *e = uw_env_get(UW_ENV_PHONE_INTERFACES);

	return e && *e ? e : "/etc/network/interfaces";
}

int uw_phonefix_prepare(enum uw_fix_id id, const struct uw_phonecheck_params *prm,
			const char *old_gw, struct uw_phonefix *f, struct uw_error *err)
{
	char list[256] = "";
	int rc;

	memset(f, 0, sizeof(*f));
	f->id = id;
	rc = validate_params(prm, id == UW_FIX_RESOLV || id == UW_FIX_PERSIST, err);
	if (rc < 0)
		return rc;
	uw_strlcpy(f->desktop_ip, prm->desktop_ip, sizeof(f->desktop_ip));
	uw_strlcpy(f->iface, prm->iface && *prm->iface ? prm->iface : "usb0", sizeof(f->iface));
	for (size_t i = 0; i < prm->n_nameservers; i++)
		uw_strlcpy(f->nameservers[i], prm->nameservers[i], sizeof(f->nameservers[i]));
	f->n_nameservers = prm->n_nameservers;
	for (size_t i = 0; i < prm->n_nameservers; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? " " : "", prm->nameservers[i]);
	}
	switch (id) {
	case UW_FIX_ROUTE:
		if (old_gw && *old_gw && !is_ipv4(old_gw))
			return uw_error_set(err, -EINVAL, "'%s' is not an IPv4 gateway.", old_gw);
		if (old_gw && *old_gw && strcmp(old_gw, prm->desktop_ip)) {
			f->describe = uw_strdup_printf("Make the phone's default route go via the "
						       "desktop (%s) instead of %s.",
						       prm->desktop_ip, old_gw);
			f->shell = uw_strdup_printf("ip route replace default via %s || "
						    "{ route del default; route add default gw %s; }",
						    prm->desktop_ip, prm->desktop_ip);
			f->revert_shell = uw_strdup_printf("ip route replace default via %s || "
							   "{ route del default; route add default gw %s; }",
							   old_gw, old_gw);
		} else {
			f->describe = uw_strdup_printf("Give the phone a default route via the "
						       "desktop (%s).", prm->desktop_ip);
			f->shell = uw_strdup_printf("ip route add default via %s || route add default "
						    "gw %s", prm->desktop_ip, prm->desktop_ip);
			f->revert_shell = uw_strdup_printf("ip route del default via %s || route del "
							   "default gw %s", prm->desktop_ip,
							   prm->desktop_ip);
		}
		return 0;
	case UW_FIX_RESOLV:
		f->describe = uw_strdup_printf("Write the phone's /etc/resolv.conf with nameserver "
					       "%s (the old file is kept in ~/.usbnet-wizard-backup "
					       "on the phone for undo).", list);
		f->shell = uw_strdup_printf("mkdir -p " BACKUP_DIR " && { [ -e " BACKUP_DIR
					    "/resolv.conf ] || cat /etc/resolv.conf > " BACKUP_DIR
					    "/resolv.conf 2>/dev/null || : > " BACKUP_DIR
					    "/resolv.conf; } && printf 'nameserver %%s\\n' %s > "
					    "/etc/resolv.conf", list);
		/* cat into the file rather than mv: resolv.conf is often a symlink or a
		 * bind mount, which mv would replace or fail on. */
		f->revert_shell = uw_strdup("[ -e " BACKUP_DIR "/resolv.conf ] && cat " BACKUP_DIR
					    "/resolv.conf > /etc/resolv.conf && rm -f " BACKUP_DIR
					    "/resolv.conf");
		return 0;
	case UW_FIX_PERSIST: {
		const char *path = interfaces_path();

		if (!safe_path(path))
			return uw_error_set(err, -EINVAL, "'%s' is not a usable interfaces path.", path);
		f->describe = uw_strdup_printf("Make the default route via %s and nameserver %s "
					       "last across the phone's reboots, in the %s section "
					       "of %s (as the FreeRunner wiki shows).",
					       prm->desktop_ip, list, prm->iface ? prm->iface : "usb0",
					       path);
		/* The new content is computed here and sent on stdin (see apply). */
		f->shell = uw_strdup_printf("mkdir -p " BACKUP_DIR " && cp %s " BACKUP_DIR
					    "/interfaces && cat > %s", path, path);
		f->revert_shell = uw_strdup_printf("[ -e " BACKUP_DIR "/interfaces ] && cat "
						   BACKUP_DIR "/interfaces > %s && rm -f " BACKUP_DIR
						   "/interfaces", path);
		return 0;
	}
	default:
		return uw_error_set(err, -EINVAL, "'%s' cannot be fixed from the phone: apply the "
				    "desktop side.", uw_fix_name(id));
	}
}

static int run_checked(struct uw_phone *p, const char *cmd, const char *input, const char *what,
		       struct uw_error *err)
{
	struct uw_phone_result r;
	int rc = uw_phone_run(p, cmd, input, &r, err);

	if (rc == 0 && r.timed_out)
		rc = uw_error_set(err, -ETIMEDOUT, "The phone did not finish %s in time. Check the "
				  "cable and that the phone is awake, then try again (a slow phone: a "
				  "longer --timeout).", what);
	else if (rc == 0 && r.exit_status != 0 && r.exit_status != 255 && *r.err)
		rc = uw_error_set(err, -EIO, "The phone could not %s: %s", what, r.err);
	uw_phone_result_fini(&r);
	return rc;
}

/* Is the phone's state now what @fix wants? */
static int verify(struct uw_phone *p, const struct uw_phonefix *f, const char *want,
		  struct uw_error *err)
{
	struct uw_phone_result r;
	char gw[64], dev[64], ns[4][64];
	int rc, ok = 0, n;

	rc = uw_phone_run(p, f->id == UW_FIX_ROUTE ? ROUTE_CMD : "cat /etc/resolv.conf", NULL,
			  &r, err);
	if (rc < 0) {
		uw_phone_result_fini(&r);
		return rc;
	}
	if (f->id == UW_FIX_ROUTE) {
		ok = uw_phonecheck_parse_default_route(r.out, gw, sizeof(gw), dev, sizeof(dev)) &&
		     !strcmp(gw, want);
	} else {
		n = uw_phonecheck_parse_resolv(r.out, ns, UW_ARRAY_SIZE(ns));
		ok = n > 0 && !strcmp(ns[0], want);
	}
	uw_phone_result_fini(&r);
	if (!ok)
		return uw_error_set(err, -EIO, "The change did not take on the phone (%s). Its "
				    "file or route may be managed by another program there.",
				    f->describe);
	return 0;
}

static int persist_apply(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	struct uw_phonecheck_params prm = { .desktop_ip = f->desktop_ip, .iface = f->iface,
					    .outside_ip = f->desktop_ip, .test_name = "x",
					    .n_nameservers = f->n_nameservers };
	struct uw_phone_result r;
	_auto_(free) char *cmd = uw_strdup_printf("cat %s", interfaces_path());
	_auto_(free) char *content = NULL;
	int rc = uw_phone_run(p, cmd, NULL, &r, err);

	if (rc == 0 && (r.truncated || *r.err))
		rc = uw_error_set(err, -EIO, "Cannot read the phone's %s: %s", interfaces_path(),
				  *r.err ? r.err : "it is too large.");
	for (size_t i = 0; i < f->n_nameservers; i++)
		prm.nameservers[i] = f->nameservers[i];
	if (rc == 0)
		rc = uw_phonecheck_interfaces_add(r.out, &prm, &content, err);
	uw_phone_result_fini(&r);
	/* A second --persist finds its own lines: that is the goal reached, not a failure. */
	if (rc == -EEXIST)
		return 1;
	if (rc < 0)
		return rc;
	return run_checked(p, f->shell, content, "write its interfaces file", err);
}

int uw_phonefix_apply(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	int rc;

	if (!f->shell)
		return uw_error_set(err, -EINVAL, "This fix was not prepared.");
	if (f->id == UW_FIX_PERSIST)
		return persist_apply(p, f, err);
	rc = run_checked(p, f->shell, NULL, "apply the change", err);
	if (rc < 0)
		return rc;
	return verify(p, f, f->id == UW_FIX_ROUTE ? f->desktop_ip : f->nameservers[0], err);
}

int uw_phonefix_revert(struct uw_phone *p, const struct uw_phonefix *f, struct uw_error *err)
{
	if (!f->revert_shell)
		return uw_error_set(err, -EINVAL, "This fix was not prepared.");
	return run_checked(p, f->revert_shell, NULL, "undo the change", err);
}

/* ---- host nameservers -------------------------------------------------- */


/* Append the usable (non-loopback, unscoped) nameservers of @path to @ns. */
static size_t usable_ns(const char *path, char (*ns)[64], size_t n, size_t max)
{
	struct uw_resolv r;

	if (uw_resolv_read(path, &r, NULL) < 0)
		return n;
	for (size_t i = 0; i < r.n_ns && n < max; i++)
		if (!r.ns[i].loopback && !strchr(r.ns[i].text, '%'))
			uw_strlcpy(ns[n++], r.ns[i].text, 64);
	return n;
}

int uw_phonecheck_host_nameservers(char (*ns)[64], size_t max)
{
	const char *conf = uw_env_get(UW_ENV_RESOLV_CONF);
	const char *resolved = uw_env_get(UW_ENV_RESOLVED_CONF);
	size_t n;

	/*
	 * A loopback stub (systemd-resolved's 127.0.0.53, a local dnsmasq)
	 * means nothing on the phone: use the upstream servers resolved keeps
	 * in /run/systemd/resolve/resolv.conf instead (the same files, and the
	 * same variables, as the inventory's DNS facts).
	 */
	n = usable_ns(conf && *conf ? conf : "/etc/resolv.conf", ns, 0, max);
	if (n == 0)
		n = usable_ns(resolved && *resolved ? resolved : "/run/systemd/resolve/resolv.conf",
			      ns, 0, max);
	return (int)n;
}

void uw_phonecheck_default_targets(const char **outside_ip, const char **test_name)
{
	const char *ip = uw_env_get(UW_ENV_OUTSIDE_IP);
	const char *name = uw_env_get(UW_ENV_TEST_NAME);
	struct in_addr a;

	*outside_ip = "9.9.9.9";
	*test_name = "example.com";
	if (ip && inet_pton(AF_INET, ip, &a) == 1)
		*outside_ip = ip;
	if (name && *name && strlen(name) < 254 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(name))
		*test_name = name;
}

int uw_phonecheck_fix_nameservers(const struct uw_choices *c, char (*ns)[64], size_t max)
{
	size_t n = 0;

	if (c->dns == UW_DNS_PROXY && max) {
		uw_ip4_str(c->host_ip, ns[n++]);
		return (int)n;
	}
	if (c->dns == UW_DNS_STATIC && c->n_dns_servers) {
		for (unsigned i = 0; i < c->n_dns_servers && n < max; i++)
			uw_ip4_str(c->dns_servers[i], ns[n++]);
		return (int)n;
	}
	return uw_phonecheck_host_nameservers(ns, max);
}
