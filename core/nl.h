/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Small handles over the kernel's routing netlink (libnl-route-3) and over
 * /proc/sys. No libnl type leaves core/nl.c: callers name interfaces by name
 * and addresses by struct in_addr. The routing calls share one netlink
 * socket per thread (opened on first use, and again after a failure or when
 * the thread has moved to another network namespace), so the functions are
 * independent of each other and act on the network namespace the calling
 * thread is in at the time of the call.
 *
 * Conventions: "already there" is an answer, not a failure (-EEXIST from an
 * add, -ENOENT from a delete); a vanished interface is -ENODEV with a
 * sentence telling the user what to do; bad names are -EINVAL and change
 * nothing.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/util.h"

#define UW_NL_IFNAME_MAX 16 /* IFNAMSIZ, with the NUL */

/* Interface names are checked with uw_ifname_check (core/ip4.h). */

/* The interface index of @ifname (> 0), or -ENODEV ("interface usb0 does not
 * exist (any more?) ...") or another negative errno. */
int uw_nl_link_index(const char *ifname, struct uw_error *err);

/* The current name of interface @ifindex into @buf (UW_NL_IFNAME_MAX bytes).
 * udev may rename a fresh gadget (usb0 -> enx...) right after it appears:
 * whoever keeps an interface across time keeps its index and re-reads the
 * name. Returns 0 or -ENODEV. */
int uw_nl_link_name(int ifindex, char *buf, size_t len, struct uw_error *err);

/* 1 if @ifname is administratively up (IFF_UP), 0 if down, <0 on error. */
int uw_nl_link_is_up(const char *ifname, struct uw_error *err);

/* Set the administrative state of @ifname (ip link set IF up|down).
 * Returns 0 (also when it already was in that state) or <0. */
int uw_nl_link_set_up(const char *ifname, bool up, struct uw_error *err);

/* Is the IPv4 address @a/@plen on @ifname? 1 present, 0 absent, <0 error.
 * Address and prefix length must both match (the kernel treats
 * 192.168.0.200/24 and 192.168.0.200/29 as two different addresses). */
int uw_nl_addr_probe(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err);

/* Add @a/@plen to @ifname (ip addr add A/PLEN dev IF). -EEXIST if it is
 * already there (nothing changed). */
int uw_nl_addr_add(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err);

/* Remove @a/@plen from @ifname (ip addr del A/PLEN dev IF). -ENOENT if it
 * was not there. */
int uw_nl_addr_del(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err);

/* Is there a device route @dst/@plen via @ifname in the main table with
 * scope link (ip route show DST/PLEN dev IF scope link)? 1/0/<0. */
int uw_nl_route_probe(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err);

/* Add a device route @dst/@plen dev @ifname scope link to the main table
 * (ip route add DST/PLEN dev IF scope link). @dst must be the network
 * address of the prefix (-EINVAL otherwise). -EEXIST if it is there. */
int uw_nl_route_add(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err);

/* Delete the device route @dst/@plen dev @ifname from the main table
 * (ip route del DST/PLEN dev IF). -ENOENT if it was not there. */
int uw_nl_route_del(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err);

/*
 * Sysctls through /proc/sys. @name is in dotted form ("net.ipv4.ip_forward",
 * "net.ipv4.conf.usb0.rp_filter") and must start with "net."; components are
 * 1..64 bytes of [A-Za-z0-9_@:-] (so no "/", no "..", no empty component).
 * Interface names that contain a dot (eth0.100) cannot be named this way.
 */

/* Read a sysctl into @buf (trailing newline removed). Returns 0 or <0
 * (-ENOENT: no such setting, -E2BIG: @buf too small). */
int uw_sysctl_read(const char *name, char *buf, size_t len, struct uw_error *err);

/* Write @value (1..63 printable bytes, no newline) to a sysctl. Returns 0
 * or <0 (-EACCES/-EPERM: needs root, -ENOENT, -EINVAL from the kernel). */
int uw_sysctl_write(const char *name, const char *value, struct uw_error *err);

/*
 * What the kernel lists, in plain C types (the dumps of core/inventory.c and
 * core/detect.c, read here so that no libnl type leaves core/nl.c).
 */
struct uw_nl_link {
	char ifname[UW_NL_IFNAME_MAX];
	int ifindex;
	unsigned flags;              /* IFF_UP, IFF_LOWER_UP, IFF_LOOPBACK ... */
	unsigned arptype;            /* ARPHRD_ETHER ... */
	int master;                  /* the bridge or bond it is a port of, 0 none */
	char kind[32];               /* "veth", "bridge", "" for a plain device */
	char operstate[16];          /* "up", "down", "unknown" ... */
	bool has_mac;
	unsigned char mac[6];
};

struct uw_nl_addr4 {
	int ifindex;
	struct in_addr addr;         /* the local address */
	unsigned plen;
};

/* A route of the main table, unicast, IPv4; a multipath route by its first hop. */
struct uw_nl_route4 {
	struct in_addr dst;          /* 0.0.0.0/0: a default route */
	unsigned plen;
	int ifindex;                 /* 0: no next hop */
	bool has_gateway;
	struct in_addr gateway;
	unsigned scope, metric, protocol;
};

#define UW_NL_DUMP_LINKS  1u
#define UW_NL_DUMP_ADDRS  2u
#define UW_NL_DUMP_ROUTES 4u

struct uw_nl_dump {
	struct uw_nl_link *links;
	size_t n_links;
	struct uw_nl_addr4 *addrs;
	size_t n_addrs;
	struct uw_nl_route4 *routes;
	size_t n_routes;
};

/*
 * Dump what @what names (UW_NL_DUMP_*), over one socket, into @d (free with
 * uw_nl_dump_fini; every array is allocated, maybe empty). Returns 0 or a
 * negative errno with a sentence.
 */
int uw_nl_dump(struct uw_nl_dump *d, unsigned what, struct uw_error *err);
void uw_nl_dump_fini(struct uw_nl_dump *d);

/* The lowest-metric default route's interface in @d, or 0. */
int uw_nl_dump_default_ifindex(const struct uw_nl_dump *d);

/* Interface @ifindex afresh from the kernel: 0, -ENODEV when it is gone. */
int uw_nl_link_get(int ifindex, struct uw_nl_link *out, struct uw_error *err);

/*
 * The rules of one nftables chain, as the kernel dumps them (a dump filtered
 * by table and chain, over NETLINK_NETFILTER, without libnftables turning
 * each rule into text): only what the firewall inventory needs of each rule.
 */
struct uw_nl_nft_rule {
	unsigned long long handle;
	bool drop;                   /* an immediate drop verdict, or a reject */
	bool masquerade;             /* a masquerade statement */
	char comment[128];           /* its comment, "" none */
};

/*
 * Call @cb for each rule of chain @chain of table @table in @family ("ip",
 * "inet", "ip6", "arp", "bridge", "netdev"). Returns the number of rules
 * or a negative errno. The kernel filters a dump, it does not look the chain
 * up: a chain or table that does not exist lists no rule (0). -EINTR when the
 * ruleset changed while the chain was read (between two rounds of the dump):
 * the rules already given to @cb are then not to be trusted. Safe to call
 * from several threads at once (each call has its own socket).
 */
int uw_nl_nft_chain_rules(const char *family, const char *table, const char *chain,
			  void (*cb)(const struct uw_nl_nft_rule *r, void *ud), void *ud,
			  struct uw_error *err);

/*
 * The nftables tables of every family, as the kernel lists them (one small
 * dump, no libnftables): the number of tables other than @our_family
 * @our_table, and in *ours whether that one exists. A negative errno when
 * nftables cannot be asked (no nf_tables in the kernel, no CAP_NET_ADMIN).
 */
int uw_nl_nft_tables(const char *our_family, const char *our_table, bool *ours,
		     struct uw_error *err);

/*
 * The nftables ruleset's generation (NFT_MSG_GETGEN: the kernel adds one at
 * every committed transaction, whoever commits it, and at nothing else) and
 * the cookie of the network namespace it belongs to (SO_NETNS_COOKIE:
 * unique while the system runs, unlike the namespace's inode number, which
 * a new namespace may get again). Either may be NULL. Returns 0 or a
 * negative errno (a kernel without netns cookies: -ENOPROTOOPT).
 */
int uw_nl_nft_generation(unsigned *gen, unsigned long long *netns_cookie, struct uw_error *err);

/* Does nftables table @table of @family exist? 1 yes, 0 no, or a negative
 * errno (one NFT_MSG_GETTABLE, without libnftables building its cache). */
int uw_nl_nft_table_exists(const char *family, const char *table, struct uw_error *err);

/*
 * nftables written and read raw, for core/fw-nft.c's apply and revert: no
 * libnftables (which costs a process several milliseconds to map, start
 * and fill its cache) on the common path.
 */

/* One chain, as the kernel lists it (NFT_MSG_GETCHAIN). */
struct uw_nl_nft_chain {
	char family[8];              /* "ip", "inet", "ip6", "arp", "bridge", "netdev" */
	char table[64], name[64];
	char type[16];               /* "filter", "nat", "route"; "" for a regular chain */
	char hook[16];               /* "prerouting" ... "egress"; "" for a regular chain */
	bool policy_drop;
};

/* Call @cb for every chain of every table. Returns the number of chains or a
 * negative errno (with a sentence). */
int uw_nl_nft_chains(void (*cb)(const struct uw_nl_nft_chain *c, void *ud), void *ud,
		     struct uw_error *err);

/* Does chain @chain of nftables table @table of @family exist? 1, 0, or a
 * negative errno (one NFT_MSG_GETCHAIN). */
int uw_nl_nft_chain_exists(const char *family, const char *table, const char *chain,
			   struct uw_error *err);

/*
 * A rule of the plain shape usbnet-wizard writes, in the order nft prints it:
 * [ip saddr A/L] [ip daddr A/L] [iifname "I"] [oifname "O"]
 * [tcp|udp dport P] then accept, masquerade or dnat to T. Encoded exactly as
 * nft 1.0.6 encodes the same text (an inet chain's ip matches with their
 * "meta nfproto ipv4" dependency); a kernel rule decodes into this only when
 * it has this very shape, and kind is UW_NL_NFT_OTHER otherwise.
 */
enum uw_nl_nft_kind { UW_NL_NFT_OTHER = 0, UW_NL_NFT_ACCEPT, UW_NL_NFT_MASQ, UW_NL_NFT_DNAT };

struct uw_nl_nft_plain {
	enum uw_nl_nft_kind kind;
	struct in_addr src, dst;     /* as matched; 0/0 when not matched */
	unsigned src_len, dst_len;
	char iif[UW_NL_IFNAME_MAX], oif[UW_NL_IFNAME_MAX];
	int proto;                   /* IPPROTO_TCP / IPPROTO_UDP with dport, else 0 */
	unsigned dport;
	struct in_addr to;           /* dnat */
};

bool uw_nl_nft_plain_equal(const struct uw_nl_nft_plain *a, const struct uw_nl_nft_plain *b);

/* A rule as the kernel dumps it: its chain, handle, comment and plain form. */
struct uw_nl_nft_plain_rule {
	char chain[64];
	unsigned long long handle;
	char comment[128];           /* "" none */
	struct uw_nl_nft_plain r;    /* decoded only when @comment is the one asked for */
};

/*
 * Call @cb for each rule of @family @table (@chain NULL: every chain of the
 * table; @table NULL too: every rule of every table of @family, NULL: of
 * every family). Rules whose comment is @comment are decoded into ->r (the
 * others have kind UW_NL_NFT_OTHER). Returns the number of rules or a
 * negative errno. A chain or table that does not exist lists no rule.
 */
int uw_nl_nft_rules_plain(const char *family, const char *table, const char *chain,
			  const char *comment,
			  void (*cb)(const char *family, const char *table,
				     const struct uw_nl_nft_plain_rule *r, void *ud),
			  void *ud, struct uw_error *err);

/*
 * One nftables transaction (a netlink batch: all or nothing), built up and
 * then committed with one sendmsg. Each change carries a @tag of the
 * caller's, given back for the change the kernel refused.
 */
struct uw_nl_nft_batch;

struct uw_nl_nft_batch *uw_nl_nft_batch_new(void);
void uw_nl_nft_batch_free(struct uw_nl_nft_batch *b);
UW_DEFINE_CLEANUP(struct uw_nl_nft_batch, uw_nl_nft_batch_free)
/* `add table F T` (nothing when it exists). */
void uw_nl_nft_batch_add_table(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       int tag);
/* `add chain F T C { type TYPE hook HOOK priority PRIO; policy accept; }` (nothing when
 * it exists with that definition). @hook: "prerouting", "forward", "postrouting" ... */
void uw_nl_nft_batch_add_chain(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       const char *chain, const char *type, const char *hook, int prio,
			       int tag);
/* `add rule` (@insert false: at the end) or `insert rule` (at the top) of
 * @r with comment @comment. */
void uw_nl_nft_batch_add_rule(struct uw_nl_nft_batch *b, const char *family, const char *table,
			      const char *chain, bool insert, const struct uw_nl_nft_plain *r,
			      const char *comment, int tag);
/* `delete rule F T C handle H` */
void uw_nl_nft_batch_del_rule(struct uw_nl_nft_batch *b, const char *family, const char *table,
			      const char *chain, unsigned long long handle, int tag);
/* `delete table F T` (with everything in it) */
void uw_nl_nft_batch_del_table(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       int tag);
/* Changes in the batch so far. */
size_t uw_nl_nft_batch_count(const struct uw_nl_nft_batch *b);

/*
 * Commit the batch as one transaction. Returns 0, or a negative errno with a
 * sentence naming the change refused ("nftables refused to add a rule to
 * ip usbnet-wizard postrouting: ...") and its tag in *bad_tag (when not
 * NULL; -1 when the whole batch was refused). Nothing is changed then.
 */
int uw_nl_nft_batch_commit(struct uw_nl_nft_batch *b, int *bad_tag, struct uw_error *err);

/* Link events. */
enum uw_link_event_type {
	UW_LINK_NEW,     /* an interface appeared (index not seen before) */
	UW_LINK_CHANGED, /* flags, state or name of a known interface changed */
	UW_LINK_DEL,     /* an interface went away */
};

struct uw_link_event {
	enum uw_link_event_type type;
	int ifindex;
	char ifname[UW_NL_IFNAME_MAX];
	bool admin_up;  /* IFF_UP */
	bool lower_up;  /* IFF_LOWER_UP: carrier */
};

struct uw_nl_monitor;

/* Subscribe to link events (RTNLGRP_LINK) of the current network namespace.
 * Interfaces existing at this moment are known: they are reported as CHANGED,
 * not NEW. Returns 0 and *out, or <0. */
int uw_nl_monitor_new(struct uw_nl_monitor **out, struct uw_error *err);

/* The file descriptor to poll() for POLLIN. Non-blocking. */
int uw_nl_monitor_fd(const struct uw_nl_monitor *mon);

/* Read every pending event and call @cb for each. Returns the number of
 * events delivered (0 if none was pending), or <0; -ENOBUFS means the kernel
 * dropped events because they were not read in time: rescan. */
int uw_nl_monitor_dispatch(struct uw_nl_monitor *mon,
			   void (*cb)(const struct uw_link_event *ev, void *ud), void *ud,
			   struct uw_error *err);

/* Unsubscribe and free (NULL is fine). */
void uw_nl_monitor_free(struct uw_nl_monitor *mon);
UW_DEFINE_CLEANUP(struct uw_nl_monitor, uw_nl_monitor_free)
