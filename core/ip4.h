/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * IPv4 addresses, prefixes and subnet math, and validation of what people
 * type: "192.168.0.202", "255.255.255.248", "/29", "29". Pure functions, no
 * system access; every parser is strict (no "1.2.3", no "01.2.3.4", no
 * trailing junk) and explains what it expected.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define UW_IP4_STRLEN 16  /* "255.255.255.255" + NUL */
#define UW_IFNAME_MAX 16  /* IFNAMSIZ */

struct uw_ip4_net {
	struct in_addr addr; /* network byte order */
	unsigned plen;       /* 0..32 */
};

/* Parse a dotted-quad address strictly. @what names the field in errors
 * ("phone address"). Returns 0 or -EINVAL. */
int uw_ip4_parse(const char *s, struct in_addr *out, const char *what, struct uw_error *err);

/* Parse a netmask: "/29", "29", or "255.255.255.248" (must be contiguous).
 * Returns 0 or -EINVAL. */
int uw_ip4_parse_mask(const char *s, unsigned *plen, struct uw_error *err);

/* Parse "A.B.C.D/N" (the /N is required). */
int uw_ip4_parse_cidr(const char *s, struct uw_ip4_net *out, const char *what, struct uw_error *err);

/* Format into @buf (at least UW_IP4_STRLEN); returns buf. */
const char *uw_ip4_str(struct in_addr a, char *buf);

/* Netmask in network byte order for a prefix length. */
uint32_t uw_ip4_mask(unsigned plen);

/* Dotted netmask text for a prefix length ("255.255.255.248"). */
const char *uw_ip4_mask_str(unsigned plen, char *buf);

/* The network address of a/plen. */
struct in_addr uw_ip4_network(struct in_addr a, unsigned plen);

/* True if @a lies in @net. */
bool uw_ip4_net_contains(const struct uw_ip4_net *net, struct in_addr a);

/* True if the two networks share any address. */
bool uw_ip4_net_overlaps(const struct uw_ip4_net *a, const struct uw_ip4_net *b);

/* True for 127/8 */
bool uw_ip4_is_loopback(struct in_addr a);

/* Check that host and phone addresses make a usable point-to-point pair on
 * a /plen link: both usable host addresses of the same subnet (not network
 * or broadcast for plen <= 30), distinct, not loopback/multicast/0.0.0.0.
 * For plen 32 only the addresses themselves are checked (a host route joins
 * them). Returns 0 or -EINVAL with a sentence. */
int uw_ip4_check_pair(struct in_addr host, struct in_addr phone, unsigned plen, struct uw_error *err);

/*
 * Validate an interface name as the kernel would accept it: 1..15 bytes, no
 * '/', no whitespace, not "." or "..", and — stricter than the kernel, since
 * names end up in shell text shown to people — only [A-Za-z0-9_.@:-].
 */
int uw_ifname_check(const char *name, struct uw_error *err);
