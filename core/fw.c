// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Firewall: the backend-neutral part. Checks rules before any backend sees
 * them (so bad input changes nothing), dispatches through the backends'
 * table of operations (core/fw-backend.h: core/fw-iptc.c, core/fw-nft.c),
 * writes every plain word, and merges the inventory the backends return.
 */
#include "core/fw.h"
#include "core/fw-backend.h"

#include "core/firewalld.h"
#include "core/ip4.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *uw_fw_backend_name(enum uw_fw_backend be)
{
	switch (be) {
	case UW_FW_IPTABLES:
		return "iptables-legacy";
	case UW_FW_NFTABLES:
		return "nftables";
	case UW_FW_AUTO:
		return "auto";
	case UW_FW_NONE:
		break;
	}
	return "none";
}

int uw_fw_backend_parse(const char *s, enum uw_fw_backend *out, struct uw_error *err)
{
	static const struct {
		const char *name;
		enum uw_fw_backend be;
	} names[] = {
		{ "iptables", UW_FW_IPTABLES }, { "legacy", UW_FW_IPTABLES },
		{ "iptables-legacy", UW_FW_IPTABLES }, { "nft", UW_FW_NFTABLES },
		{ "nftables", UW_FW_NFTABLES }, { "auto", UW_FW_AUTO }, { "none", UW_FW_NONE },
	};

	for (size_t i = 0; s && i < UW_ARRAY_SIZE(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].be;
			return 0;
		}
	}
	return uw_error_set(err, -EINVAL,
			    "Unknown firewall backend \"%s\" — use one of: nftables (nft), "
			    "iptables (legacy), auto, none.", s ? s : "");
}

enum uw_fw_backend uw_fw_backend_resolve(enum uw_fw_backend be, const struct uw_fw_inventory *inv)
{
	if (be == UW_FW_AUTO && inv)
		return inv->in_use;
	return be;
}

/* Interface names go into shell text and nft commands: allow only what real
 * interface names use, so no quoting trap is possible. */
static bool iface_ok(const char *s)
{
	return !*s || uw_ifname_check(s, NULL) == 0;
}

static bool name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

/* "family table chain" with family ip or inet (the IPv4 forward path). */
static bool nft_chain_spec_ok(const char *spec)
{
	char fam[16], table[64], chain[64], extra[2];

	if (strnlen(spec, 96) >= 96 ||
	    sscanf(spec, "%15s %63s %63s %1s", fam, table, chain, extra) != 3)
		return false;
	if (strcmp(fam, "ip") != 0 && strcmp(fam, "inet") != 0)
		return false;
	return name_ok(table, 63) && name_ok(chain, 63);
}

int uw_fw_rule_validate(enum uw_fw_backend be, const struct uw_fw_rule *r, struct uw_error *err)
{
	if (!r)
		return uw_error_set(err, -EINVAL, "No firewall rule given.");
	if (be != UW_FW_IPTABLES && be != UW_FW_NFTABLES)
		return uw_error_set(err, -EINVAL,
				    "Firewall backend \"%s\" cannot change rules — choose nftables or "
				    "iptables (resolve \"auto\" from the inventory first).",
				    uw_fw_backend_name(be));
	if (r->src_len > 32 || r->dst_len > 32)
		return uw_error_set(err, -EINVAL,
				    "Prefix length /%u is impossible for IPv4 — use 0 to 32.",
				    r->src_len > 32 ? r->src_len : r->dst_len);
	if (!iface_ok(r->in_iface) || !iface_ok(r->out_iface))
		return uw_error_set(err, -EINVAL,
				    "Interface name \"%.16s\" is not valid — use at most 15 letters, "
				    "digits or _ - . @.",
				    iface_ok(r->in_iface) ? r->out_iface : r->in_iface);
	switch (r->kind) {
	case UW_FW_MASQUERADE:
		if (r->in_iface[0] || r->proto || r->dport || r->to.s_addr || r->chain[0])
			return uw_error_set(err, -EINVAL,
					    "A masquerade rule takes only source, destination and "
					    "outgoing interface — clear the other fields.");
		return 0;
	case UW_FW_DNAT:
		if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
			return uw_error_set(err, -EINVAL,
					    "A DNAT rule needs protocol tcp or udp (got %d).", r->proto);
		if (r->dport < 1 || r->dport > 65535)
			return uw_error_set(err, -EINVAL,
					    "A DNAT rule needs a destination port 1-65535 (got %u).",
					    r->dport);
		if (r->dst_len != 32 || r->dst.s_addr == 0)
			return uw_error_set(err, -EINVAL,
					    "A DNAT rule needs one destination address (a /32), the "
					    "address the phone sends its DNS queries to.");
		if (r->to.s_addr == 0)
			return uw_error_set(err, -EINVAL,
					    "A DNAT rule needs the address to redirect to.");
		if (r->out_iface[0] || r->chain[0])
			return uw_error_set(err, -EINVAL,
					    "A DNAT rule cannot name an outgoing interface or a chain.");
		return 0;
	case UW_FW_FORWARD_ACCEPT:
		if (r->proto || r->dport || r->to.s_addr)
			return uw_error_set(err, -EINVAL,
					    "A forward-accept rule takes no protocol, port or target.");
		if (!r->in_iface[0] && !r->out_iface[0])
			return uw_error_set(err, -EINVAL,
					    "A forward-accept rule needs an incoming or outgoing "
					    "interface; without one it would let everything through.");
		if (!r->chain[0])
			return 0;
		if (be == UW_FW_IPTABLES && !name_ok(r->chain, 28))
			return uw_error_set(err, -EINVAL,
					    "\"%.96s\" is not an iptables chain name — give a name like "
					    "FORWARD or DOCKER-USER.", r->chain);
		if (be == UW_FW_NFTABLES && !nft_chain_spec_ok(r->chain))
			return uw_error_set(err, -EINVAL,
					    "\"%.96s\" does not name an nftables chain — give \"family "
					    "table chain\", e.g. \"inet filter forward\" (family ip or "
					    "inet).", r->chain);
		return 0;
	}
	return uw_error_set(err, -EINVAL, "Unknown firewall rule kind %d.", (int)r->kind);
}

/* The kernel matches addr & mask; clear host bits so what we write, what we
 * probe and what the shell text says are the same rule. */
static void normalize(struct uw_fw_rule *r)
{
	uint32_t m;

	m = uw_ip4_mask(r->src_len);
	r->src.s_addr &= m;
	m = uw_ip4_mask(r->dst_len);
	r->dst.s_addr &= m;
}

static int prepare(enum uw_fw_backend be, const struct uw_fw_rule *in, struct uw_fw_rule *out,
		   struct uw_error *err)
{
	int r = uw_fw_rule_validate(be, in, err);

	if (r < 0)
		return r;
	*out = *in;
	normalize(out);
	return 0;
}

/* The operations of a backend that changes rules (validated before: never NULL). */
static const struct uw_fw_ops *ops_of(enum uw_fw_backend be)
{
	return be == UW_FW_IPTABLES ? &uw_fw_iptc_ops : &uw_fw_nft_ops;
}

int uw_fw_rule_probe(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err)
{
	struct uw_fw_rule r;
	int present = 0, ret = prepare(be, rule, &r, err);

	if (ret < 0)
		return ret;
	ret = ops_of(be)->probe_many(&r, 1, &present, err);
	return ret < 0 ? ret : present;
}

int uw_fw_rule_add(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err)
{
	const struct uw_fw_ops *o = ops_of(be);
	struct uw_fw_rule r;
	char where[160];
	size_t bad;
	int res = 0, ret = prepare(be, rule, &r, err);

	if (ret < 0)
		return ret;
	ret = o->add_many(&r, 1, &res, &bad, err);
	if (ret < 0 || !res)
		return ret;
	o->where(&r, where, sizeof(where));
	return uw_error_set(err, -EEXIST, "The rule is already in %s.", where);
}

int uw_fw_rule_del(enum uw_fw_backend be, const struct uw_fw_rule *rule, struct uw_error *err)
{
	const struct uw_fw_ops *o = ops_of(be);
	struct uw_fw_rule r;
	char where[160];
	int res = 0, ret = prepare(be, rule, &r, err);

	if (ret < 0)
		return ret;
	ret = o->del_many(&r, 1, &res, err);
	if (ret < 0 || !res)
		return ret;
	o->where(&r, where, sizeof(where));
	return uw_error_set(err, -ENOENT, "Our rule is not in %s; nothing to remove.", where);
}

/* Validated, normalized copies of @n rules (NULL and err set on a bad one). */
static int prepare_many(enum uw_fw_backend be, const struct uw_fw_rule *in, size_t n,
			struct uw_fw_rule **out, size_t *bad, struct uw_error *err)
{
	*out = uw_malloc0(sizeof(**out) * (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		int r = prepare(be, &in[i], &(*out)[i], err);

		if (r < 0) {
			if (bad)
				*bad = i;
			return r;
		}
	}
	return 0;
}

int uw_fw_rules_probe(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n,
		      int *present, struct uw_error *err)
{
	_auto_(free) struct uw_fw_rule *r = NULL;
	int ret = prepare_many(be, rules, n, &r, NULL, err);

	if (ret < 0 || n == 0)
		return ret;
	return ops_of(be)->probe_many(r, n, present, err);
}

int uw_fw_rules_add(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n, int *res,
		    size_t *bad, struct uw_error *err)
{
	size_t b = 0;
	_auto_(free) struct uw_fw_rule *r = NULL;
	int ret = prepare_many(be, rules, n, &r, &b, err);

	if (ret < 0 || n == 0) {
		if (bad)
			*bad = b;
		return ret;
	}
	ret = ops_of(be)->add_many(r, n, res, &b, err);
	if (bad)
		*bad = b;
	return ret;
}

int uw_fw_rules_del(enum uw_fw_backend be, const struct uw_fw_rule *rules, size_t n, int *res,
		    struct uw_error *err)
{
	_auto_(free) struct uw_fw_rule *r = NULL;
	int ret = prepare_many(be, rules, n, &r, NULL, err);

	if (ret < 0 || n == 0)
		return ret;
	return ops_of(be)->del_many(r, n, res, err);
}

void uw_fw_rule_shell(enum uw_fw_backend be, const struct uw_fw_rule *rule, bool add, char *buf,
		      size_t len)
{
	struct uw_error e;
	struct uw_fw_rule r;

	if (!buf || len == 0)
		return;
	if (prepare(be, rule, &r, &e) < 0) {
		snprintf(buf, len, "# invalid rule: %s", e.msg);
		return;
	}
	ops_of(be)->shell(&r, add, buf, len);
}

static void net_text(struct in_addr a, unsigned len, char *buf, size_t n)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (len == 32)
		snprintf(buf, n, "%s", ip);
	else
		snprintf(buf, n, "%s/%u", ip, len);
}

void uw_fw_rule_describe(const struct uw_fw_rule *rule, char *buf, size_t len)
{
	char src[32] = "anywhere", dst[32] = "anywhere", to[INET_ADDRSTRLEN];
	struct uw_fw_rule r;

	if (!buf || len == 0)
		return;
	if (!rule) {
		snprintf(buf, len, "(no rule)");
		return;
	}
	r = *rule;
	if (r.src_len <= 32 && r.dst_len <= 32)
		normalize(&r);
	if (r.src_len)
		net_text(r.src, r.src_len, src, sizeof(src));
	if (r.dst_len)
		net_text(r.dst, r.dst_len, dst, sizeof(dst));
	inet_ntop(AF_INET, &r.to, to, sizeof(to));

	switch (r.kind) {
	case UW_FW_MASQUERADE:
		snprintf(buf, len,
			 "Share this computer's connection: traffic from %s%s%s leaves with this "
			 "computer's address (masquerade)%s%.16s.",
			 src, r.dst_len ? " to " : "", r.dst_len ? dst : "",
			 r.out_iface[0] ? " through " : "", r.out_iface);
		break;
	case UW_FW_DNAT:
		snprintf(buf, len,
			 "Send %s port %u queries from %s to %s on to %s instead (DNS forwarding "
			 "by DNAT)%s%.16s.",
			 r.proto == IPPROTO_TCP ? "tcp" : "udp", r.dport, src, dst, to,
			 r.in_iface[0] ? ", arriving on " : "", r.in_iface);
		break;
	case UW_FW_FORWARD_ACCEPT:
		snprintf(buf, len, "Let forwarded traffic through%s%.16s%s%.16s (accept in chain %.96s).",
			 r.in_iface[0] ? " coming in on " : "", r.in_iface,
			 r.out_iface[0] ? " going out on " : "", r.out_iface,
			 r.chain[0] ? r.chain : "FORWARD / our own forward chain");
		break;
	default:
		snprintf(buf, len, "(unknown firewall rule kind %d)", (int)r.kind);
	}
}

int uw_fw_remove_all_ours(enum uw_fw_backend be, struct uw_error *err)
{
	if (be == UW_FW_IPTABLES || be == UW_FW_NFTABLES)
		return ops_of(be)->remove_all_ours(err);
	return uw_error_set(err, -EINVAL,
			    "Firewall backend \"%s\" has no rules to remove — choose nftables or "
			    "iptables.", uw_fw_backend_name(be));
}

void uw_fw_inventory_note(struct uw_fw_inventory *inv, const char *fmt, ...)
{
	va_list ap;

	if (inv->n_notes >= UW_FW_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(inv->notes[inv->n_notes++], UW_FW_TEXT_MAX, fmt, ap);
	va_end(ap);
}

/* The plain words for a dropping chain a backend found. */
static void drop_why(struct uw_fw_drop_chain *d)
{
	char chain[sizeof(d->chain)];

	/* A copy: d->chain and d->why live in one struct, and gcc -O2 with
	 * _FORTIFY_SOURCE (the Debian package's flags) cannot tell that they do not
	 * overlap (-Werror=restrict). */
	memcpy(chain, d->chain, sizeof(chain));
	chain[sizeof(chain) - 1] = '\0';
	snprintf(d->why, sizeof(d->why),
		 "%s chain \"%s\" %s: forwarded traffic from the phone is dropped there unless an "
		 "accept rule for the phone's interface is put into that very chain.",
		 d->backend == UW_FW_IPTABLES ? "The iptables-legacy" : "The nftables", chain,
		 d->policy_drop ? "has policy drop" : "holds a drop or reject rule");
}

void uw_fw_inventory_add_drop(struct uw_fw_inventory *inv, enum uw_fw_backend be,
			      const char *chain, bool policy_drop, bool has_drop_rule)
{
	unsigned n = inv->n_drops;

	uw_fw_backend_drop(inv, be, chain, policy_drop, has_drop_rule);
	if (inv->n_drops > n)
		drop_why(&inv->drops[n]);
}

int uw_fw_drop_empty_table(struct uw_error *err)
{
	return uw_fw_nft_ops.drop_empty_table(err);
}

/* firewalld rewrites the ruleset on reload and owns the forward policy: asked
 * on the system bus (core/firewalld.h), the one it answers on, not by a scan
 * of process names (which also sees daemons of other network namespaces). */
static bool firewalld_running(void)
{
	struct uw_firewalld fwd;

	uw_firewalld_read(&fwd, NULL);
	return fwd.running;
}

static int inventory_read(struct uw_fw_inventory *inv, enum uw_fw_read how, struct uw_error *err)
{
	struct uw_error e1, e2;
	int r1, r2;

	memset(inv, 0, sizeof(*inv));
	uw_error_clear(&e1);
	uw_error_clear(&e2);
	r1 = uw_fw_iptc_ops.inventory(inv, how, &e1);
	if (r1 < 0)
		uw_fw_inventory_note(inv, "Could not read legacy iptables: %s", e1.msg);
	else if (inv->legacy_ours)
		uw_fw_inventory_note(inv, "%u rule(s) of ours are in legacy iptables (from an "
				     "earlier run).", inv->legacy_ours);
	r2 = uw_fw_nft_ops.inventory(inv, how, &e2);
	if (r2 < 0)
		uw_fw_inventory_note(inv, "Could not read nftables: %s", e2.msg);
	else if (inv->nft_has_ours)
		uw_fw_inventory_note(inv, "usbnet-wizard's own nftables table \"ip %s\" exists: its "
				     "rules are in place ('usbnet-wizard status' says whether they are "
				     "journaled, 'usbnet-wizard revert --leftovers' removes them).",
				     UW_FW_NFT_TABLE);
	for (unsigned i = 0; i < inv->n_drops; i++)
		drop_why(&inv->drops[i]);

	if (inv->nft_available && inv->nft_tables > 0)
		inv->in_use = UW_FW_NFTABLES;
	else if (inv->legacy_has_rules)
		inv->in_use = UW_FW_IPTABLES;
	else if (inv->nft_available)
		inv->in_use = UW_FW_NFTABLES;
	else
		inv->in_use = UW_FW_IPTABLES;

	if (inv->nft_tables > 0 && inv->legacy_has_rules)
		uw_fw_inventory_note(inv,
				     "Rules exist both in legacy iptables and in nftables; both are "
				     "active at once, and the usual `iptables` command (the nft "
				     "variant) does not show the legacy ones. Using %s.",
				     uw_fw_backend_name(inv->in_use));
	else
		uw_fw_inventory_note(inv, "This computer's firewall uses %s; our rules go there.",
				     uw_fw_backend_name(inv->in_use));

	inv->firewalld_running = firewalld_running();
	if (inv->firewalld_running)
		uw_fw_inventory_note(inv,
				     "firewalld is running: the phone's interface goes into its zone "
				     "\"" UW_FWD_ZONE "\" through its own interface instead of rules "
				     "in its chains, which a firewalld reload would remove.");
	if (inv->docker_user)
		uw_fw_inventory_note(inv,
				     "Docker is set up here (chain DOCKER-USER in %s): Docker sets the "
				     "FORWARD policy to drop, so the accept for the phone goes into "
				     "DOCKER-USER.", uw_fw_backend_name(inv->docker_user_backend));
	if (inv->foreign_masquerade)
		uw_fw_inventory_note(inv,
				     "%u masquerade rule(s) of other programs exist (e.g. Docker, "
				     "libvirt); they are left alone.", inv->foreign_masquerade);
	for (unsigned i = 0; i < inv->n_drops; i++)
		uw_fw_inventory_note(inv, "%s", inv->drops[i].why);

	if (r1 < 0 && r2 < 0) {
		uw_error_set(err, r2, "Could not read the firewall at all: %s / %s", e1.msg, e2.msg);
		return r2;
	}
	return 0;
}

int uw_fw_inventory_read(struct uw_fw_inventory *inv, struct uw_error *err)
{
	return inventory_read(inv, UW_FW_READ_FULL, err);
}

int uw_fw_inventory_read_quick(struct uw_fw_inventory *inv, struct uw_error *err)
{
	return inventory_read(inv, UW_FW_READ_QUICK, err);
}

int uw_fw_inventory_read_plan(struct uw_fw_inventory *inv, struct uw_error *err)
{
	return inventory_read(inv, UW_FW_READ_PLAN, err);
}

const struct uw_fw_masq *uw_fw_inventory_masq_covering(const struct uw_fw_inventory *inv,
						       struct in_addr src, const char *out_iface)
{
	for (unsigned i = 0; i < inv->n_masq; i++) {
		const struct uw_fw_masq *m = &inv->masq[i];
		struct uw_ip4_net net = { m->src, m->plen };

		if (m->negated || (m->plen && !uw_ip4_net_contains(&net, src)))
			continue;
		if (m->out_iface[0] && (!out_iface || strcmp(m->out_iface, out_iface)))
			continue;
		return m;
	}
	return NULL;
}
