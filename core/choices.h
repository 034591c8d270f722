/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The user's choices (a draft the wizard screens and the CLI options edit;
 * only the plan turns them into changes) and the presets they start from.
 * Setters take the text a person typed and validate it.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/fw.h"
#include "core/ip4.h"

#define UW_MAX_DNS 3

enum uw_dns_mode {
	UW_DNS_PROXY,   /* DNAT tcp+udp 53 from the phone to the host's real upstream */
	UW_DNS_STATIC,  /* given nameservers written to the phone's resolv.conf */
	UW_DNS_COPY,    /* the host's upstream nameservers written to the phone */
	UW_DNS_NONE,    /* leave DNS alone */
};

struct uw_preset {
	const char *id;           /* "openmoko", "postmarketos", "generic" */
	const char *name;         /* "Openmoko FreeRunner" */
	const char *host_ip;      /* the desktop's address on the USB link */
	const char *phone_ip;
	unsigned plen;
	const char *user;         /* ssh login on the phone */
	unsigned short usb_vendor, usb_product; /* 0 = any */
	const char *about;        /* one line for people */
};

/* NULL-terminated list of presets; the first is the default. */
extern const struct uw_preset *const uw_presets[];

/* Find a preset by id (case-insensitive); NULL with a sentence in @err. */
const struct uw_preset *uw_preset_find(const char *id, struct uw_error *err);

struct uw_choices {
	const struct uw_preset *preset;
	char iface[UW_IFNAME_MAX];      /* "" = the detected gadget */
	struct in_addr host_ip, phone_ip;
	unsigned plen;
	bool plen_set;                  /* false = preset's, or the overlap fix */
	bool nat;                       /* masquerade + ip_forward */
	char out_iface[UW_IFNAME_MAX];  /* "" = the default route's interface */
	bool out_iface_auto;            /* set by the plan: out_iface is the default route's of the
	                                 * day, not the user's choice (persisted hooks follow the
	                                 * default route instead) */
	enum uw_dns_mode dns;
	struct in_addr dns_servers[UW_MAX_DNS];
	unsigned n_dns_servers;
	enum uw_fw_backend fw;          /* UW_FW_AUTO = what the host uses */
};

/* Defaults: the first preset, NAT on, DNS proxy, firewall auto. */
void uw_choices_init(struct uw_choices *c);

/* Switch preset: addresses and netmask follow it; other choices stay. */
int uw_choices_set_preset(struct uw_choices *c, const char *id, struct uw_error *err);
/* Validated setters: each takes what a person typed; on error nothing changes. */
int uw_choices_set_iface(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_out_iface(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_host_ip(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_phone_ip(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_netmask(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_dns_mode(struct uw_choices *c, const char *s, struct uw_error *err);
/* Append a nameserver for static mode (at most UW_MAX_DNS). */
int uw_choices_add_dns_server(struct uw_choices *c, const char *s, struct uw_error *err);
int uw_choices_set_fw(struct uw_choices *c, const char *s, struct uw_error *err);

/*
 * Check the two addresses against the netmask @plen the plan uses (which may
 * be the overlap fix rather than c->plen): everything uw_ip4_check_pair
 * checks, plus no host address that is its subnet's network or broadcast
 * address (for /31 and /32 there are none). The one exception is the seed's
 * narrow desktop-side recipe, 192.168.0.200/29 with the phone on /24: the
 * desktop may hold the network address of its own narrower subnet when the
 * phone (on the preset's wider mask) sees an ordinary address there. The
 * error sentence suggests a free address that would be accepted.
 */
int uw_choices_check_addresses(const struct uw_choices *c, unsigned plen, struct uw_error *err);

/*
 * The DNS mode that fits the other choices: the proxy is a DNAT on this
 * computer, which forwards the phone's packets, so without sharing (no
 * forwarding) it cannot work: the proxy then becomes "none" (without sharing
 * the phone reaches only this computer, so no server would answer it), with
 * the reason in @why; any other mode is returned as it is. Front ends refuse
 * a proxy the user asked for by name with uw_choices_check.
 */
enum uw_dns_mode uw_choices_dns_fit(const struct uw_choices *c, char *why, size_t n);

/* Choices that contradict each other (a proxy without sharing): 0, or -EINVAL with what to do. */
int uw_choices_check(const struct uw_choices *c, struct uw_error *err);

/* "proxy", "static", "copy", "none". */
const char *uw_dns_mode_name(enum uw_dns_mode m);
