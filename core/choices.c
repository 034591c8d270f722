// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/choices.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

static const struct uw_preset openmoko = {
	.id = "openmoko", .name = "Openmoko FreeRunner / Neo1973",
	.host_ip = "192.168.0.200", .phone_ip = "192.168.0.202", .plen = 24, .user = "root",
	.usb_vendor = 0x1457, .usb_product = 0x5122,
	.about = "phone 192.168.0.202, desktop 192.168.0.200, blank root password",
};
static const struct uw_preset postmarketos = {
	.id = "postmarketos", .name = "postmarketOS phone",
	.host_ip = "172.16.42.2", .phone_ip = "172.16.42.1", .plen = 24, .user = "user",
	.about = "phone 172.16.42.1, desktop 172.16.42.2, log in as your pmOS user",
};
static const struct uw_preset generic = {
	.id = "generic", .name = "Generic USB gadget (Raspberry Pi, BeagleBone, ...)",
	.host_ip = "192.168.7.1", .phone_ip = "192.168.7.2", .plen = 24, .user = "root",
	.about = "gadget 192.168.7.2, desktop 192.168.7.1; change them to what your gadget uses",
};

const struct uw_preset *const uw_presets[] = { &openmoko, &postmarketos, &generic, NULL };

const struct uw_preset *uw_preset_find(const char *id, struct uw_error *err)
{
	for (size_t i = 0; uw_presets[i]; i++)
		if (id && !strcasecmp(id, uw_presets[i]->id))
			return uw_presets[i];
	if (id && (!strcasecmp(id, "freerunner") || !strcasecmp(id, "neo")))
		return &openmoko;
	if (id && !strcasecmp(id, "pmos"))
		return &postmarketos;
	uw_error_set(err, -EINVAL, "Unknown preset \"%.40s\": use openmoko, postmarketos or generic.",
		     id ? id : "");
	return NULL;
}

static void apply_preset(struct uw_choices *c, const struct uw_preset *p)
{
	c->preset = p;
	inet_pton(AF_INET, p->host_ip, &c->host_ip);
	inet_pton(AF_INET, p->phone_ip, &c->phone_ip);
	c->plen = p->plen;
	c->plen_set = false;
}

void uw_choices_init(struct uw_choices *c)
{
	memset(c, 0, sizeof(*c));
	apply_preset(c, uw_presets[0]);
	c->nat = true;
	c->dns = UW_DNS_PROXY;
	c->fw = UW_FW_AUTO;
}

int uw_choices_set_preset(struct uw_choices *c, const char *id, struct uw_error *err)
{
	const struct uw_preset *p = uw_preset_find(id, err);

	if (!p)
		return -EINVAL;
	apply_preset(c, p);
	return 0;
}

int uw_choices_set_iface(struct uw_choices *c, const char *s, struct uw_error *err)
{
	if (uw_ifname_check(s, err) < 0)
		return -EINVAL;
	uw_strlcpy(c->iface, s, sizeof(c->iface));
	return 0;
}

int uw_choices_set_out_iface(struct uw_choices *c, const char *s, struct uw_error *err)
{
	if (uw_ifname_check(s, err) < 0)
		return uw_error_prefix(err, "Outgoing interface");
	uw_strlcpy(c->out_iface, s, sizeof(c->out_iface));
	return 0;
}

int uw_choices_set_host_ip(struct uw_choices *c, const char *s, struct uw_error *err)
{
	return uw_ip4_parse(s, &c->host_ip, "desktop address", err);
}

int uw_choices_set_phone_ip(struct uw_choices *c, const char *s, struct uw_error *err)
{
	return uw_ip4_parse(s, &c->phone_ip, "phone address", err);
}

int uw_choices_set_netmask(struct uw_choices *c, const char *s, struct uw_error *err)
{
	unsigned plen;

	if (uw_ip4_parse_mask(s, &plen, err) < 0)
		return -EINVAL;
	if (plen < 16)
		return uw_error_set(err, -EINVAL, "The netmask /%u would claim %s addresses for one USB cable "
				    "(and masquerade them all): use /24, /29 or /32.", plen,
				    plen < 8 ? "billions of" : "millions of");
	c->plen = plen;
	c->plen_set = true;
	return 0;
}

static const char *const dns_names[] = {
	[UW_DNS_PROXY] = "proxy", [UW_DNS_STATIC] = "static", [UW_DNS_COPY] = "copy", [UW_DNS_NONE] = "none",
};

const char *uw_dns_mode_name(enum uw_dns_mode m)
{
	return (unsigned)m < UW_ARRAY_SIZE(dns_names) ? dns_names[m] : "?";
}

int uw_choices_set_dns_mode(struct uw_choices *c, const char *s, struct uw_error *err)
{
	for (size_t i = 0; i < UW_ARRAY_SIZE(dns_names); i++) {
		if (s && !strcasecmp(s, dns_names[i])) {
			c->dns = (enum uw_dns_mode)i;
			return 0;
		}
	}
	return uw_error_set(err, -EINVAL, "Unknown DNS mode \"%.40s\": use proxy (the desktop forwards the "
			    "phone's DNS queries), static (give servers with --dns-server), copy (the "
			    "desktop's own servers) or none.", s ? s : "");
}

int uw_choices_add_dns_server(struct uw_choices *c, const char *s, struct uw_error *err)
{
	struct in_addr a;

	if (c->n_dns_servers >= UW_MAX_DNS)
		return uw_error_set(err, -E2BIG, "At most %d DNS servers can be given (resolv.conf uses no more).",
				    UW_MAX_DNS);
	if (uw_ip4_parse(s, &a, "DNS server", err) < 0)
		return -EINVAL;
	if (uw_ip4_is_loopback(a))
		return uw_error_set(err, -EINVAL, "The DNS server %s is a loopback address: on the phone it would "
				    "mean the phone itself. Give the address of a real server, such as "
				    "your router's.", s);
	{
		uint32_t h = ntohl(a.s_addr);
		if (h == 0 || (h >> 28) >= 0xe)
			return uw_error_set(err, -EINVAL, "%s cannot be a DNS server (it is %s): give the "
					    "address of a real server, such as your router's.", s,
					    h == 0 ? "the \"any\" address" : "a multicast or broadcast address");
	}
	for (unsigned i = 0; i < c->n_dns_servers; i++)
		if (c->dns_servers[i].s_addr == a.s_addr)
			return uw_error_set(err, -EINVAL, "The DNS server %s is given twice.", s);
	c->dns_servers[c->n_dns_servers++] = a;
	return 0;
}

int uw_choices_set_fw(struct uw_choices *c, const char *s, struct uw_error *err)
{
	enum uw_fw_backend be;

	if (uw_fw_backend_parse(s, &be, err) < 0)
		return -EINVAL;
	/* none is checked against NAT and the DNS proxy when the plan is built:
	 * the options may come in any order. */
	c->fw = be;
	return 0;
}

/* A usable host address of @net/@plen other than @avoid, near @near (the
 * preset's, when it fits): what an error suggests instead. */
static struct in_addr free_address(struct in_addr near, struct in_addr avoid, unsigned plen)
{
	uint32_t m = ntohl(uw_ip4_mask(plen)), net = ntohl(near.s_addr) & m, bc = net | ~m;
	uint32_t h = ntohl(near.s_addr), av = ntohl(avoid.s_addr);
	struct in_addr out;

	/* Walk up from @near, wrapping inside the subnet; /30 has two candidates. */
	for (uint32_t i = 0; i <= ~m; i++) {
		uint32_t cand = net | ((h - net + i) & ~m);

		if (cand != net && cand != bc && cand != av) {
			out.s_addr = htonl(cand);
			return out;
		}
	}
	out.s_addr = htonl(net + 1);
	return out;
}

int uw_choices_check_addresses(const struct uw_choices *c, unsigned plen, struct uw_error *err)
{
	char bad[UW_IP4_STRLEN], sug[UW_IP4_STRLEN], ms[UW_IP4_STRLEN];
	struct in_addr pre_host, pre_phone;
	unsigned phone_plen = plen;
	uint32_t m, hh, ph;

	/* The addresses themselves first (the /32 check looks at nothing else),
	 * then their place in the subnet here, then the rest of the pair. */
	if (uw_ip4_check_pair(c->host_ip, c->phone_ip, 32, err) < 0)
		return -EINVAL;
	if (plen >= 31 || uw_ip4_network(c->host_ip, plen).s_addr != uw_ip4_network(c->phone_ip, plen).s_addr)
		return uw_ip4_check_pair(c->host_ip, c->phone_ip, plen, err) < 0 ? -EINVAL : 0;
	m = ntohl(uw_ip4_mask(plen));
	hh = ntohl(c->host_ip.s_addr);
	ph = ntohl(c->phone_ip.s_addr);
	uw_ip4_mask_str(plen, ms);
	/* What the error suggests: the preset's address when it lies in this subnet. */
	pre_host = c->host_ip;
	pre_phone = c->phone_ip;
	if (c->preset) {
		struct in_addr a;
		if (inet_pton(AF_INET, c->preset->host_ip, &a) == 1 &&
		    uw_ip4_network(a, plen).s_addr == uw_ip4_network(c->host_ip, plen).s_addr)
			pre_host = a;
		if (inet_pton(AF_INET, c->preset->phone_ip, &a) == 1 &&
		    uw_ip4_network(a, plen).s_addr == uw_ip4_network(c->phone_ip, plen).s_addr)
			pre_phone = a;
		if (c->preset->plen < plen)
			phone_plen = c->preset->plen;
	}
	if ((ph & ~m) == 0 || (ph & ~m) == ~m) {
		uw_ip4_str(c->phone_ip, bad);
		uw_ip4_str(free_address(pre_phone, c->host_ip, plen), sug);
		return uw_error_set(err, -EINVAL, "The phone address %s is the %s address of its /%u subnet "
				    "(netmask %s), not an address a host can have: use a free one such as "
				    "%s.", bad, (ph & ~m) ? "broadcast" : "network", plen, ms, sug);
	}
	if ((hh & ~m) == ~m || (hh & ~ntohl(uw_ip4_mask(phone_plen))) == 0) {
		uw_ip4_str(c->host_ip, bad);
		uw_ip4_str(free_address(pre_host, c->phone_ip, plen), sug);
		return uw_error_set(err, -EINVAL, "The desktop address %s is the %s address of its /%u subnet "
				    "(netmask %s), not an address a host can have: use a free one such as "
				    "%s.", bad, (hh & ~m) ? "broadcast" : "network",
				    (hh & ~m) ? plen : phone_plen, (hh & ~m) ? ms : uw_ip4_mask_str(phone_plen, ms),
				    sug);
	}
	return uw_ip4_check_pair(c->host_ip, c->phone_ip, plen, err) < 0 ? -EINVAL : 0;
}

enum uw_dns_mode uw_choices_dns_fit(const struct uw_choices *c, char *why, size_t n)
{
	if (why && n)
		why[0] = '\0';
	if (c->nat || c->dns != UW_DNS_PROXY)
		return c->dns;
	if (why)
		snprintf(why, n, "DNS is left alone: the DNS proxy passes the phone's queries on through "
			 "this computer, which needs the forwarding that not sharing leaves off, and "
			 "without sharing the phone reaches only this computer.");
	return UW_DNS_NONE;
}

int uw_choices_check(const struct uw_choices *c, struct uw_error *err)
{
	if (!c->nat && c->dns == UW_DNS_PROXY)
		return uw_error_set(err, -EINVAL, "The DNS proxy cannot work without sharing the connection: it "
				    "passes the phone's queries on through this computer, which needs the "
				    "forwarding that not sharing leaves off. Leave DNS alone (DNS mode none), "
				    "or share the connection.");
	return 0;
}
