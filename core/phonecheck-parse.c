// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parsers of the phone's output (core/phonecheck.h): busybox, iputils,
 * bind and dropbear quirks live here, pure and fuzzed (tests/fuzz), so the
 * checks never look at raw output themselves. resolv.conf is read by the
 * one resolv.conf parser, core/resolv.c.
 */
#include "core/phonecheck.h"

#include "core/phonecheck-private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ip4.h"
#include "core/resolv.h"
#include "core/util.h"

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

bool uw_phonecheck_is_ipv4(const char *s)
{
	struct in_addr a;

	return uw_ip4_parse(s, &a, NULL, NULL) == 0;
}

bool uw_phonecheck_is_ip(const char *s)
{
	struct in6_addr a;

	return uw_phonecheck_is_ipv4(s) || inet_pton(AF_INET6, s, &a) == 1;
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
		    uw_phonecheck_is_ipv4(w[1]) && n >= 8) {
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

/* The fuzzed resolv.conf parser (core/resolv.c) reads it; this keeps the
 * addresses only, as written ("fe80::1%usb0" with its scope). */
int uw_phonecheck_parse_resolv(const char *content, char (*ns)[64], size_t max)
{
	_auto_(free) struct uw_resolv *r = uw_malloc0(sizeof(*r));
	size_t n = 0;

	if (!content || uw_resolv_parse(content, strlen(content), r, NULL) < 0)
		return 0;
	for (size_t i = 0; i < r->n_ns && n < max; i++)
		uw_strlcpy(ns[n++], r->ns[i].text, 64);
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
		if (k && uw_phonecheck_is_ip(tok) && strcmp(tok, "::")) {
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

			if (sscanf(s, "%63s %255s", a, n2) == 2 && uw_phonecheck_is_ip(a) &&
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
		if (!uw_phonecheck_is_ipv4(a) || uw_phonecheck_is_loopback(a))
			continue;
		uw_strlcpy(addrs[n++], a, 64);
	}
	return (int)n;
}

