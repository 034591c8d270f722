// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ip4.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * inet_pton would do, but it accepts nothing less than a dotted quad and
 * gives no reason; we parse by hand to say *what* is wrong with the text a
 * person typed, and to refuse leading zeros ("010" means 8 to some tools).
 */
int uw_ip4_parse(const char *s, struct in_addr *out, const char *what, struct uw_error *err)
{
	uint32_t v = 0;
	const char *p = s;

	/* The example fits the role: never the phone's address for the desktop's. */
	const char *ex;

	if (!what)
		what = "address";
	ex = strstr(what, "desktop") ? "192.168.0.200" : "192.168.0.202";
	if (!s || !*s)
		return uw_error_set(err, -EINVAL, "The %s is empty: type an IPv4 address such as %s.", what, ex);
	for (int part = 0; part < 4; part++) {
		unsigned n = 0, digits = 0;
		const char *start = p;

		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (unsigned)(*p - '0');
			digits++;
			p++;
			if (digits > 3)
				break;
		}
		if (digits == 0 || digits > 3 || n > 255)
			goto bad;
		if (digits > 1 && *start == '0')
			goto bad;
		v = (v << 8) | n;
		if (part < 3) {
			if (*p != '.')
				goto bad;
			p++;
		}
	}
	if (*p != '\0')
		goto bad;
	out->s_addr = htonl(v);
	return 0;
bad:
	return uw_error_set(err, -EINVAL,
			    "The %s \"%.40s\" is not an IPv4 address: write four numbers 0-255 "
			    "separated by dots, such as %s.", what, s, ex);
}

uint32_t uw_ip4_mask(unsigned plen)
{
	if (plen == 0)
		return 0;
	if (plen >= 32)
		return 0xffffffffu;
	return htonl(~((1u << (32 - plen)) - 1));
}

const char *uw_ip4_str(struct in_addr a, char *buf)
{
	inet_ntop(AF_INET, &a, buf, UW_IP4_STRLEN);
	return buf;
}

const char *uw_ip4_mask_str(unsigned plen, char *buf)
{
	struct in_addr m = { .s_addr = uw_ip4_mask(plen) };
	return uw_ip4_str(m, buf);
}

int uw_ip4_parse_mask(const char *s, unsigned *plen, struct uw_error *err)
{
	const char *p = s;
	struct in_addr m;
	uint32_t h;
	unsigned n = 0;

	if (!s || !*s)
		return uw_error_set(err, -EINVAL, "The netmask is empty: use /24, /29, /32 or 255.255.255.0.");
	if (*p == '/')
		p++;
	if (strchr(p, '.')) {
		if (uw_ip4_parse(p, &m, "netmask", NULL) < 0)
			goto bad;
		h = ntohl(m.s_addr);
		/* contiguous ones then zeros: ~h + 1 must be a power of two */
		if (h != 0 && ((~h + 1) & ~h) != 0)
			return uw_error_set(err, -EINVAL,
					    "The netmask %s has holes in it: a netmask is ones then zeros, "
					    "such as 255.255.255.0 (/24) or 255.255.255.248 (/29).", p);
		while (h & 0x80000000u) {
			n++;
			h <<= 1;
		}
		*plen = n;
		return 0;
	}
	if (!*p || strlen(p) > 2)
		goto bad;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			goto bad;
	if (strlen(p) == 2 && p[0] == '0')
		goto bad;
	n = (unsigned)atoi(p);
	if (n > 32)
		return uw_error_set(err, -EINVAL,
				    "The netmask /%u is too long: IPv4 prefixes go from /0 to /32 "
				    "(use /24, /29, or /32 with a host route).", n);
	*plen = n;
	return 0;
bad:
	return uw_error_set(err, -EINVAL,
			    "The netmask \"%.40s\" is not understood: write /24, /29, /32 or a dotted "
			    "mask such as 255.255.255.248.", s);
}

int uw_ip4_parse_cidr(const char *s, struct uw_ip4_net *out, const char *what, struct uw_error *err)
{
	char buf[64];
	char *slash;

	if (!s || strlen(s) >= sizeof(buf))
		return uw_error_set(err, -EINVAL, "The %s is not an address/prefix such as 192.168.0.0/24.",
				    what ? what : "network");
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return uw_error_set(err, -EINVAL, "The %s \"%s\" needs a /prefix, such as 192.168.0.0/24.",
				    what ? what : "network", s);
	*slash = '\0';
	if (uw_ip4_parse(buf, &out->addr, what, err) < 0)
		return -EINVAL;
	if (strchr(slash + 1, '.') || uw_ip4_parse_mask(slash + 1, &out->plen, err) < 0)
		return uw_error_set(err, -EINVAL, "The prefix in \"%s\" must be a number from 0 to 32.", s);
	return 0;
}

struct in_addr uw_ip4_network(struct in_addr a, unsigned plen)
{
	struct in_addr n = { .s_addr = a.s_addr & uw_ip4_mask(plen) };
	return n;
}

bool uw_ip4_net_contains(const struct uw_ip4_net *net, struct in_addr a)
{
	uint32_t m = uw_ip4_mask(net->plen);
	return (a.s_addr & m) == (net->addr.s_addr & m);
}

bool uw_ip4_net_overlaps(const struct uw_ip4_net *a, const struct uw_ip4_net *b)
{
	/* Two prefixes overlap iff they agree on the shorter prefix. */
	unsigned p = a->plen < b->plen ? a->plen : b->plen;
	uint32_t m = uw_ip4_mask(p);
	return (a->addr.s_addr & m) == (b->addr.s_addr & m);
}

bool uw_ip4_is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

/* @example: an address of the same role to suggest (the desktop's or the phone's default). */
static int check_one(struct in_addr a, const char *what, const char *example, struct uw_error *err)
{
	uint32_t h = ntohl(a.s_addr);
	char s[UW_IP4_STRLEN];

	uw_ip4_str(a, s);
	if (h == 0)
		return uw_error_set(err, -EINVAL, "The %s cannot be 0.0.0.0.", what);
	if ((h >> 24) == 127)
		return uw_error_set(err, -EINVAL, "The %s %s is a loopback address; pick one on the USB link, "
				    "such as %s.", what, s, example);
	if ((h >> 28) == 0xe || (h >> 28) == 0xf)
		return uw_error_set(err, -EINVAL, "The %s %s is a multicast or reserved address; pick an "
				    "ordinary one such as %s.", what, s, example);
	if ((h >> 16) == 0xa9fe)
		return uw_error_set(err, -EINVAL, "The %s %s is a link-local (169.254.x.x) address, which "
				    "cannot be routed or masqueraded.", what, s);
	return 0;
}

int uw_ip4_check_pair(struct in_addr host, struct in_addr phone, unsigned plen, struct uw_error *err)
{
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN], ms[UW_IP4_STRLEN];

	if (plen > 32)
		return uw_error_set(err, -EINVAL, "The netmask /%u is too long (at most /32).", plen);
	if (check_one(host, "desktop address", "192.168.0.200", err) < 0 ||
	    check_one(phone, "phone address", "192.168.0.202", err) < 0)
		return -EINVAL;
	uw_ip4_str(host, hs);
	uw_ip4_str(phone, ps);
	if (host.s_addr == phone.s_addr)
		return uw_error_set(err, -EINVAL, "The desktop and the phone both have %s: they need two "
				    "different addresses (FreeRunner: desktop 192.168.0.200, phone 192.168.0.202).", hs);
	if (plen == 32)
		return 0;
	if (plen > 30)
		return uw_error_set(err, -EINVAL, "A /%u subnet has no room for two hosts: use /30 or wider, "
				    "or /32 with a host route to the phone.", plen);
	uw_ip4_mask_str(plen, ms);
	if (uw_ip4_network(host, plen).s_addr != uw_ip4_network(phone, plen).s_addr)
		return uw_error_set(err, -EINVAL, "The desktop %s and the phone %s are not in the same /%u "
				    "subnet (netmask %s): widen the netmask or use /32 with a host route.",
				    hs, ps, plen, ms);
	uint32_t m = ntohl(uw_ip4_mask(plen));
	uint32_t hh = ntohl(host.s_addr), ph = ntohl(phone.s_addr);
	/*
	 * No check for the network address: Linux lets a host hold it, and the
	 * FreeRunner's own narrow-mask recipe is exactly 192.168.0.200/29,
	 * the network address of .200-.207. The broadcast address is different:
	 * packets to it go to every host and replies never come back.
	 */
	if ((hh & ~m) == ~m || (ph & ~m) == ~m)
		return uw_error_set(err, -EINVAL, "%s is the broadcast address of its /%u subnet and cannot "
				    "be given to a host.", (hh & ~m) == ~m ? hs : ps, plen);
	return 0;
}

int uw_ifname_check(const char *name, struct uw_error *err)
{
	size_t n;

	if (!name || !*name)
		return uw_error_set(err, -EINVAL, "The interface name is empty: use the phone's interface, "
				    "such as usb0 (see 'usbnet-wizard detect').");
	n = strlen(name);
	if (n >= UW_IFNAME_MAX)
		return uw_error_set(err, -EINVAL, "The interface name \"%.40s\" is too long: Linux names have "
				    "at most 15 characters.", name);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return uw_error_set(err, -EINVAL, "\"%s\" is not an interface name.", name);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!(isascii(c) && (isalnum(c) || c == '_' || c == '-' || c == '.' || c == '@' || c == ':')))
			return uw_error_set(err, -EINVAL, "The interface name \"%.40s\" contains '%c', which no "
					    "network interface name has here: use a name such as usb0 or "
					    "enx02aabbccddee (see 'usbnet-wizard detect').", name,
					    isprint(c) ? c : '?');
	}
	return 0;
}
