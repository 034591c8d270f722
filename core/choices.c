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
	if (be == UW_FW_NONE)
		return uw_error_set(err, -EINVAL, "--fw none cannot share a connection: masquerade and the DNS "
				    "proxy are firewall rules. To change no firewall rule at all, use "
				    "--no-nat --dns none (or --dns static) and leave --fw out.");
	c->fw = be;
	return 0;
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
