/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The firewall backends' one interface, private to core/fw*.c (as iwd's
 * resolve_method_ops, or ConnMan's one firewall API with an iptables and an
 * nftables implementation). core/fw.c checks every rule first (the backends
 * see only valid, normalized rules), picks the backend's table of
 * operations, and words what the backends found: the backends return data
 * and never call back into core/fw.c, so fw.c depends on the backends and
 * not the other way round (scripts/layering.sh checks it).
 *
 * Contracts are those of the uw_fw_rules_* and uw_fw_* functions of
 * core/fw.h that dispatch to them.
 */

#include "core/fw.h"

#include <string.h>

/* How much of the firewall an inventory reads (core/fw.h says what each leaves out). */
enum uw_fw_read {
	UW_FW_READ_FULL,    /* uw_fw_inventory_read */
	UW_FW_READ_QUICK,   /* uw_fw_inventory_read_quick */
	UW_FW_READ_PLAN,    /* uw_fw_inventory_read_plan */
};

struct uw_fw_ops {
	enum uw_fw_backend be;
	/* uw_fw_rules_probe / _add / _del, for rules already validated */
	int (*probe_many)(const struct uw_fw_rule *rules, size_t n, int *present,
			  struct uw_error *err);
	int (*add_many)(const struct uw_fw_rule *rules, size_t n, int *res, size_t *bad,
			struct uw_error *err);
	int (*del_many)(const struct uw_fw_rule *rules, size_t n, int *res, struct uw_error *err);
	/* uw_fw_remove_all_ours */
	int (*remove_all_ours)(struct uw_error *err);
	/*
	 * Fill this backend's fields of @inv (counts, masquerades, DOCKER-USER)
	 * and append its dropping chains with uw_fw_backend_drop(): data only,
	 * no sentence (core/fw.c writes the notes and the drops' why).
	 * @how: every rule (UW_FW_READ_FULL), or what uw_fw_inventory_read_quick
	 * or uw_fw_inventory_read_plan read.
	 */
	int (*inventory)(struct uw_fw_inventory *inv, enum uw_fw_read how, struct uw_error *err);
	/* Our table left empty removed: 1 removed, 0 nothing to do. NULL: no such thing. */
	int (*drop_empty_table)(struct uw_error *err);
	/* uw_fw_rule_shell for one valid rule */
	void (*shell)(const struct uw_fw_rule *rule, bool add, char *buf, size_t len);
	/* Where @rule lives, for messages: "nat/POSTROUTING", "ip usbnet-wizard postrouting". */
	void (*where)(const struct uw_fw_rule *rule, char *buf, size_t len);
};

/*
 * A backend's table from its functions, all named PREFIX_probe_many,
 * PREFIX_add_many ... PREFIX_where: UW_FW_OPS(nft, UW_FW_NFTABLES,
 * nft_drop_empty_table).
 */
#define UW_FW_OPS(prefix, backend, drop_empty)                                \
	{                                                                     \
		.be = (backend),                                              \
		.probe_many = prefix##_probe_many,                            \
		.add_many = prefix##_add_many,                                \
		.del_many = prefix##_del_many,                                \
		.remove_all_ours = prefix##_remove_all_ours,                  \
		.inventory = prefix##_inventory,                              \
		.drop_empty_table = (drop_empty),                             \
		.shell = prefix##_shell,                                      \
		.where = prefix##_where,                                      \
	}

extern const struct uw_fw_ops uw_fw_iptc_ops;  /* core/fw-iptc.c */
extern const struct uw_fw_ops uw_fw_nft_ops;   /* core/fw-nft.c */

/*
 * A chain on the IPv4 forward path that drops, as a backend found it: the
 * entry's why[] stays empty until core/fw.c words it. Dropped when full.
 */
static inline void uw_fw_backend_drop(struct uw_fw_inventory *inv, enum uw_fw_backend be,
				      const char *chain, bool policy_drop, bool has_drop_rule)
{
	struct uw_fw_drop_chain *d;
	size_t n = strlen(chain);

	if (inv->n_drops >= UW_FW_MAX_DROP_CHAINS)
		return;
	d = &inv->drops[inv->n_drops++];
	memset(d, 0, sizeof(*d));
	d->backend = be;
	if (n >= sizeof(d->chain))
		n = sizeof(d->chain) - 1;
	memcpy(d->chain, chain, n);
	d->policy_drop = policy_drop;
	d->has_drop_rule = has_drop_rule;
}
