/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Firewall backends: add, remove and probe exactly the rules the wizard
 * needs, in legacy iptables (libiptc) or nftables (libnftables), and take an
 * inventory of the host's firewall.
 *
 * Ownership: every rule we write carries the tag UW_FW_TAG as a comment
 * (`-m comment --comment usbnet-wizard` / `comment "usbnet-wizard"`), so we
 * only ever touch our own rules. Under nftables our rules live in our own
 * table `ip usbnet-wizard` (chains `prerouting` (nat, dstnat), `postrouting`
 * (nat, srcnat) and `forward` (filter)), created on the first add and deleted
 * when its last rule goes. The one exception is a FORWARD_ACCEPT aimed at
 * someone else's dropping chain (an accept in our table cannot override a
 * drop in another table): it is inserted at the top of that chain and found
 * again by its comment.
 *
 * All functions act on the network namespace of the calling thread.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define UW_FW_TAG "usbnet-wizard"
#define UW_FW_NFT_TABLE "usbnet-wizard"     /* family ip */

enum uw_fw_backend {
	UW_FW_NONE = 0,
	UW_FW_IPTABLES,   /* legacy, via libiptc */
	UW_FW_NFTABLES,   /* libnftables */
	UW_FW_AUTO,       /* only from uw_fw_backend_parse(): resolve with uw_fw_backend_resolve() */
};

enum uw_fw_rule_kind {
	UW_FW_MASQUERADE,     /* nat POSTROUTING: [-s SRC/LEN] [-d DST/LEN] [-o OUT] -j MASQUERADE */
	UW_FW_DNAT,           /* nat PREROUTING: -p tcp|udp [-s SRC/LEN] -d DST/32 [-i IN] --dport P
	                       * -j DNAT --to-destination TO */
	UW_FW_FORWARD_ACCEPT, /* filter: [-i IN] [-o OUT] [-s/-d] -j ACCEPT, inserted at the top of
	                       * `chain` (legacy: "FORWARD" or "DOCKER-USER" ...; nft: "family table
	                       * chain" of a foreign chain, or "" for our own forward chain) */
};

struct uw_fw_rule {
	enum uw_fw_rule_kind kind;
	struct in_addr src; unsigned src_len;   /* 0.0.0.0/0 = any; host bits are cleared */
	struct in_addr dst; unsigned dst_len;
	char in_iface[16], out_iface[16];       /* "" = any */
	int proto;                              /* IPPROTO_TCP / IPPROTO_UDP for DNAT */
	unsigned dport;
	struct in_addr to;                      /* DNAT target */
	char chain[96];                         /* FORWARD_ACCEPT only; "" = default (FORWARD / our table) */
};

/* Longest-ever plain-language line of the inventory. */
#define UW_FW_TEXT_MAX 320
#define UW_FW_MAX_DROP_CHAINS 8
#define UW_FW_MAX_NOTES 16

/* A chain on the IPv4 forward path that drops what it does not accept. */
struct uw_fw_drop_chain {
	enum uw_fw_backend backend;  /* where it lives */
	char chain[96];              /* value for uw_fw_rule.chain: "FORWARD", "inet filter forward" */
	bool policy_drop;            /* the chain's policy is drop */
	bool has_drop_rule;          /* it holds a drop or reject rule */
	char why[UW_FW_TEXT_MAX];    /* plain words for the UI */
};

struct uw_fw_inventory {
	/* legacy iptables (only tables the kernel already has are read) */
	bool legacy_readable;            /* libiptc could read the loaded tables */
	bool legacy_has_rules;           /* any rule, or a built-in chain whose policy is not ACCEPT */
	unsigned legacy_rules;           /* number of rules in all legacy tables */
	unsigned legacy_ours;            /* of which tagged by us */
	char legacy_forward_policy[16];  /* "ACCEPT", "DROP", or "" (filter table not loaded) */

	/* nftables */
	bool nft_available;              /* libnftables could list the ruleset */
	unsigned nft_tables;             /* tables other than ours */
	bool nft_has_ours;               /* our table exists */
	unsigned nft_rules_foreign;      /* rules in other tables (all of them only when
	                                  * nft_rules_counted; see uw_fw_inventory_read_quick) */
	bool nft_rules_counted;          /* nft_rules_foreign counts every foreign rule */
	unsigned nft_ours_foreign_chains;/* our tagged rules inside other tables */

	enum uw_fw_backend in_use;       /* the backend the host "uses" (see uw_fw_inventory_read) */

	struct uw_fw_drop_chain drops[UW_FW_MAX_DROP_CHAINS];
	unsigned n_drops;

	bool docker_user;                /* a DOCKER-USER chain exists */
	enum uw_fw_backend docker_user_backend;
	char docker_user_chain[96];      /* value for uw_fw_rule.chain */

	bool firewalld_running;
	unsigned foreign_masquerade;     /* MASQUERADE rules not ours (legacy nat + nft) */
	/* What the first of them match: a rule made by hand (the seed's
	 * "-s 192.168.0.0/24 -j MASQUERADE") may well cover the phone. */
	struct uw_fw_masq {
		enum uw_fw_backend backend;
		struct in_addr src;      /* 0.0.0.0/0: any source */
		unsigned plen;
		char out_iface[16];      /* "" any */
		bool negated;            /* "! -s" / "!=": not understood, never counts as covering */
	} masq[UW_FW_MAX_DROP_CHAINS];
	unsigned n_masq;

	char notes[UW_FW_MAX_NOTES][UW_FW_TEXT_MAX]; /* findings in plain words, in order */
	unsigned n_notes;
};

/*
 * The first foreign masquerade rule of @inv that masquerades traffic from
 * @src leaving by @out_iface ("" or NULL: whatever leaves), or NULL.
 */
const struct uw_fw_masq *uw_fw_inventory_masq_covering(const struct uw_fw_inventory *inv,
						       struct in_addr src, const char *out_iface);

/*
 * Is @rule in place (exact match, including our tag)? Returns 1 present,
 * 0 absent, negative errno on error (bad rule, library failure). Reading
 * only: never creates a table or chain.
 */
int uw_fw_rule_probe(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err);

/*
 * Add @rule with our tag. Returns 0, or -EEXIST when exactly this rule is
 * already there (and adds nothing), or another negative errno. Legacy: holds
 * the xtables lock (see uw_fw_lock_timeout_set) from read to commit.
 */
int uw_fw_rule_add(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err);

/*
 * Delete our copy of @rule. Returns 0, -ENOENT when absent, or another
 * negative errno. nftables: our table is removed once it holds no rule.
 */
int uw_fw_rule_del(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err);

/*
 * Many rules in one transaction: what apply and revert use, so that the
 * firewall part of a plan is one change, not one per rule.
 *
 * uw_fw_rules_probe: present[i] = 1 when rules[i] is in place, else 0 (one
 * read of our table and of each foreign chain named).
 * uw_fw_rules_add: add every rule not yet there; res[i] = 0 added, 1 was
 * already there (nothing done). nftables: one atomic batch, all or nothing.
 * Legacy: one iptc_commit per table (filter, then nat) under the xtables
 * lock; a failure leaves the tables committed before it changed. On error
 * *bad (when not NULL) is the index of the rule the error is about.
 * uw_fw_rules_del: delete ours of every rule; res[i] = 0 deleted, 1 was not
 * there. nftables: one batch that also deletes our table when it empties.
 * All return 0 or a negative errno; every rule is validated first, and a bad
 * one changes nothing.
 */
int uw_fw_rules_probe(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n,
		      int *present, struct uw_error *err);
int uw_fw_rules_add(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n, int *res,
		    size_t *bad, struct uw_error *err);
int uw_fw_rules_del(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n, int *res,
		    struct uw_error *err);

/*
 * Write into @buf the exact shell command (or short `&&` chain) a person
 * could type for the same effect as uw_fw_rule_add (@add) or uw_fw_rule_del,
 * including any `nft add table/chain` preamble. An invalid rule gives a
 * "# invalid rule: ..." comment line. Always NUL-terminates.
 */
void uw_fw_rule_shell(enum uw_fw_backend be, const struct uw_fw_rule *rule, bool add,
		      char *buf, size_t len);

/* One line of plain words saying what @rule does. Always NUL-terminates. */
void uw_fw_rule_describe(const struct uw_fw_rule *rule, char *buf, size_t len);

/*
 * Check @rule for sense (prefix lengths, protocol, port, interface and chain
 * names, fields that do not belong to the kind) without touching the kernel.
 * Returns 0 or -EINVAL with a sentence.
 */
int uw_fw_rule_validate(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err);

/*
 * Leftovers after a crash: delete every rule tagged by us in every loaded
 * table (legacy), or our nft table plus our tagged rules in foreign chains.
 * Returns the number of rules removed (>= 0) or a negative errno.
 */
int uw_fw_remove_all_ours(enum uw_fw_backend be, struct uw_error *err);

/*
 * Read the host's firewall state without changing it (legacy: only tables
 * listed in /proc/net/ip_tables_names are read, so none is instantiated).
 * in_use is nftables when it has tables other than ours, else legacy when it
 * has rules, else nftables when libnftables works, else legacy.
 * Returns 0 (partial results with notes when one backend is unreadable) or a
 * negative errno when neither could be read.
 */
int uw_fw_inventory_read(struct uw_fw_inventory *inv, struct uw_error *err);

/*
 * The same inventory with every fact a plan needs, read faster on a large
 * nftables ruleset: the rules of nftables base chains on hooks other than
 * forward and postrouting are not read (no masquerade can be there — the
 * kernel refuses it — no drop there stops forwarded traffic, and we never
 * put a rule there). Every field is as uw_fw_inventory_read fills it, except
 * that nft_rules_foreign then counts only the rules read and
 * nft_rules_counted is false. Same returns.
 */
int uw_fw_inventory_read_quick(struct uw_fw_inventory *inv, struct uw_error *err);

/*
 * Only what a plan is made of (core/plan.c): the dropping chains on the IPv4
 * forward path and DOCKER-USER, whole, exactly as uw_fw_inventory_read_quick
 * finds them. The rules of nftables chains that hold nothing a plan uses
 * are not read: postrouting (masquerades: the plan adds its own whatever
 * else masquerades), regular chains (only DOCKER-USER's name counts), and
 * forward chains of families other than ip and inet. So foreign_masquerade,
 * masq[], nft_ours_foreign_chains and nft_rules_foreign leave out those
 * chains (nft_rules_counted false): a doctor or a report uses the others.
 * Why: on a host with tens of thousands of rules each chain's rules cost
 * the kernel time that grows with the square of the chain's length. Same
 * returns.
 */
int uw_fw_inventory_read_plan(struct uw_fw_inventory *inv, struct uw_error *err);

/* "iptables-legacy", "nftables", "none", "auto". Never NULL. */
const char *uw_fw_backend_name(enum uw_fw_backend be);

/*
 * Parse a backend name: "iptables", "legacy", "iptables-legacy" ->
 * UW_FW_IPTABLES; "nft", "nftables" -> UW_FW_NFTABLES; "auto" -> UW_FW_AUTO;
 * "none" -> UW_FW_NONE. Case-insensitive. -EINVAL otherwise.
 */
int uw_fw_backend_parse(const char *s, enum uw_fw_backend *out, struct uw_error *err);

/* UW_FW_AUTO -> @inv->in_use; anything else is returned unchanged. */
enum uw_fw_backend uw_fw_backend_resolve(enum uw_fw_backend be, const struct uw_fw_inventory *inv);

/*
 * How long a legacy writer waits for the xtables lock (/run/xtables.lock or
 * $XTABLES_LOCKFILE) before failing with -EBUSY. Default 5000 ms; 0 = try once.
 */
void uw_fw_lock_timeout_set(unsigned ms);

/*
 * Our nftables table with no rule in it removed (what a revert killed between
 * its last rule and the table leaves). 1 removed, 0 nothing to do, or a
 * negative errno.
 */
int uw_fw_drop_empty_table(struct uw_error *err);

/* Building an inventory (core/fw.c; the tests use them to make one up). */
/* Append a plain-language note to @inv (dropped when full). */
void uw_fw_inventory_note(struct uw_fw_inventory *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Record a dropping chain in @inv (dropped when full). */
void uw_fw_inventory_add_drop(struct uw_fw_inventory *inv, enum uw_fw_backend be,
			      const char *chain, bool policy_drop, bool has_drop_rule);
