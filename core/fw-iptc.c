// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Legacy iptables backend through libiptc.
 *
 * Rules are built by hand as the kernel wants them: an ipt_entry, then the
 * matches, then the target, each size rounded with XT_ALIGN, and
 * target_offset/next_offset exact — that is exactly what iptables-legacy
 * builds, so `iptables-legacy-save` shows our rules as if typed by hand.
 *
 * libiptc never locks: it reads a snapshot of the whole table, edits it in
 * memory and replaces the table at commit. Two writers without a lock can
 * silently undo each other, so every write holds the xtables lock (the one
 * iptables-legacy takes) from iptc_init to iptc_commit.
 */
#include "core/dynlib.h"
#include "core/env.h"
#include "core/fw-backend.h"
#include "core/ip4.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#ifndef UW_LIBIP4TC_SONAME
#define UW_LIBIP4TC_SONAME "libip4tc.so.2"
#endif

/*
 * libiptc is loaded on first use (core/dynlib.h): an nftables host never
 * maps it. Every iptc_init below is preceded by iptc_load(); every other
 * libiptc call works on the handle it returned.
 */
static struct uw_dynlib libip4tc = UW_DYNLIB(UW_LIBIP4TC_SONAME, "The iptables library", "",
					     "libip4tc2");

static int iptc_load(struct uw_error *err)
{
	return uw_dynlib_load(&libip4tc, err);
}

#define FWD(ret, name, params, args) UW_DYNLIB_FWD(&libip4tc, ret, name, params, args)
FWD(struct xtc_handle *, iptc_init, (const char *t), (t))
UW_DYNLIB_VFWD(&libip4tc, iptc_free, (struct xtc_handle *h), (h))
FWD(int, iptc_is_chain, (const char *c, struct xtc_handle *const h), (c, h))
FWD(const char *, iptc_first_chain, (struct xtc_handle *h), (h))
FWD(const char *, iptc_next_chain, (struct xtc_handle *h), (h))
FWD(const struct ipt_entry *, iptc_first_rule, (const char *c, struct xtc_handle *h), (c, h))
FWD(const struct ipt_entry *, iptc_next_rule, (const struct ipt_entry *p, struct xtc_handle *h),
    (p, h))
FWD(const char *, iptc_get_target, (const struct ipt_entry *e, struct xtc_handle *h), (e, h))
FWD(int, iptc_builtin, (const char *c, struct xtc_handle *const h), (c, h))
FWD(const char *, iptc_get_policy, (const char *c, struct xt_counters *n, struct xtc_handle *h),
    (c, n, h))
FWD(int, iptc_insert_entry,
    (const xt_chainlabel c, const struct ipt_entry *e, unsigned int n, struct xtc_handle *h),
    (c, e, n, h))
FWD(int, iptc_append_entry,
    (const xt_chainlabel c, const struct ipt_entry *e, struct xtc_handle *h), (c, e, h))
FWD(int, iptc_check_entry,
    (const xt_chainlabel c, const struct ipt_entry *e, unsigned char *m, struct xtc_handle *h),
    (c, e, m, h))
FWD(int, iptc_delete_entry,
    (const xt_chainlabel c, const struct ipt_entry *e, unsigned char *m, struct xtc_handle *h),
    (c, e, m, h))
FWD(int, iptc_delete_num_entry, (const xt_chainlabel c, unsigned int n, struct xtc_handle *h),
    (c, n, h))
FWD(int, iptc_commit, (struct xtc_handle *h), (h))
FWD(const char *, iptc_strerror, (int e), (e))
#undef FWD

/*
 * iptc_commit, with fault injection for the rollback tests only
 * (USBNET_WIZARD_FAULT=iptc-commit-refused:N refuses the Nth commit of this
 * process with EPERM, iptc-commit-eagain:N makes it fail with EAGAIN as when
 * another writer changed the table; see docs/testing.md). Unset in real use.
 */
static int commit(struct xtc_handle *h)
{
	static unsigned n;
	const char *f = uw_env_get(UW_ENV_FAULT);
	unsigned want;

	n++;
	if (f && sscanf(f, "iptc-commit-refused:%u", &want) == 1 && want == n) {
		errno = EPERM;
		return 0;
	}
	if (f && sscanf(f, "iptc-commit-eagain:%u", &want) == 1 && want == n) {
		errno = EAGAIN;
		return 0;
	}
	return iptc_commit(h);
}

static unsigned lock_timeout_ms = 5000;

void uw_fw_lock_timeout_set(unsigned ms)
{
	lock_timeout_ms = ms;
}

static const char *lock_path(void)
{
	const char *p = getenv("XTABLES_LOCKFILE");

	return p && *p ? p : "/run/xtables.lock";
}

/* Returns the locked fd, or a negative errno. */
static int xt_lock(struct uw_error *err)
{
	const char *path = lock_path();
	long long start = uw_now_ms();
	int fd;

	/* Same file, same flock as iptables-legacy (libxtables' xtables_lock). */
	fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return uw_error_set(err, -errno,
				    "Could not open the xtables lock %s: %s — run as root.", path,
				    strerror(errno));
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return uw_error_set(err, -e, "Could not lock %s: %s.", path, strerror(e));
		}
		if (uw_now_ms() - start >= (long long)lock_timeout_ms) {
			close(fd);
			return uw_error_set(err, -EBUSY,
					    "Another program (iptables, firewalld, Docker ...) has held "
					    "the xtables lock %s for %u ms; nothing was changed — try "
					    "again when it is done.", path, lock_timeout_ms);
		}
		usleep(20 * 1000);
	}
}

static void xt_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the flock */
}

static const char *table_of(const struct uw_fw_rule *r)
{
	return r->kind == UW_FW_FORWARD_ACCEPT ? "filter" : "nat";
}

static void chain_of(const struct uw_fw_rule *r, xt_chainlabel out)
{
	const char *c = r->kind == UW_FW_MASQUERADE ? "POSTROUTING"
			: r->kind == UW_FW_DNAT	    ? "PREROUTING"
			: r->chain[0]		    ? r->chain
						    : "FORWARD";

	memset(out, 0, sizeof(xt_chainlabel));
	uw_strlcpy(out, c, sizeof(xt_chainlabel));
}

/* Exact-name match: iptables puts 0xFF over the name and its NUL. */
static void set_iface(char *name, unsigned char *mask, const char *src)
{
	size_t n = strlen(src);

	if (!n)
		return;
	memcpy(name, src, n + 1);
	memset(mask, 0xFF, n + 1);
}

static struct ipt_entry *build_entry(const struct uw_fw_rule *r, size_t *size_out)
{
	size_t mhdr = XT_ALIGN(sizeof(struct xt_entry_match));
	size_t thdr = XT_ALIGN(sizeof(struct xt_entry_target));
	size_t proto_sz = 0, comment_sz, target_sz, size, off;
	struct xt_entry_match *m;
	struct xt_entry_target *t;
	struct ipt_entry *e;

	if (r->kind == UW_FW_DNAT)
		proto_sz = mhdr + (r->proto == IPPROTO_TCP ? XT_ALIGN(sizeof(struct xt_tcp))
							   : XT_ALIGN(sizeof(struct xt_udp)));
	comment_sz = mhdr + XT_ALIGN(sizeof(struct xt_comment_info));
	if (r->kind == UW_FW_MASQUERADE)
		target_sz = thdr + XT_ALIGN(sizeof(struct nf_nat_ipv4_multi_range_compat));
	else if (r->kind == UW_FW_DNAT)
		target_sz = thdr + XT_ALIGN(sizeof(struct nf_nat_range2));
	else
		target_sz = XT_ALIGN(sizeof(struct xt_standard_target));
	size = XT_ALIGN(sizeof(struct ipt_entry)) + proto_sz + comment_sz + target_sz;

	e = uw_malloc0(size);
	e->ip.src = r->src;
	e->ip.smsk.s_addr = uw_ip4_mask(r->src_len);
	e->ip.dst = r->dst;
	e->ip.dmsk.s_addr = uw_ip4_mask(r->dst_len);
	set_iface(e->ip.iniface, e->ip.iniface_mask, r->in_iface);
	set_iface(e->ip.outiface, e->ip.outiface_mask, r->out_iface);
	off = XT_ALIGN(sizeof(struct ipt_entry));

	if (r->kind == UW_FW_DNAT) {
		/* `-p udp` sets ip.proto; the udp/tcp match carries the port. */
		e->ip.proto = (uint16_t)r->proto;
		m = (struct xt_entry_match *)((char *)e + off);
		m->u.match_size = (uint16_t)proto_sz;
		if (r->proto == IPPROTO_TCP) {
			struct xt_tcp *tcp = (struct xt_tcp *)m->data;
			strcpy(m->u.user.name, "tcp");
			tcp->spts[0] = 0;
			tcp->spts[1] = 0xFFFF;
			tcp->dpts[0] = tcp->dpts[1] = (uint16_t)r->dport;
		} else {
			struct xt_udp *udp = (struct xt_udp *)m->data;
			strcpy(m->u.user.name, "udp");
			udp->spts[0] = 0;
			udp->spts[1] = 0xFFFF;
			udp->dpts[0] = udp->dpts[1] = (uint16_t)r->dport;
		}
		off += proto_sz;
	}

	m = (struct xt_entry_match *)((char *)e + off);
	m->u.match_size = (uint16_t)comment_sz;
	strcpy(m->u.user.name, "comment");
	uw_strlcpy(((struct xt_comment_info *)m->data)->comment, UW_FW_TAG, XT_MAX_COMMENT_LEN);
	off += comment_sz;

	e->target_offset = (uint16_t)off;
	e->next_offset = (uint16_t)size;
	t = (struct xt_entry_target *)((char *)e + off);
	t->u.target_size = (uint16_t)target_sz;
	if (r->kind == UW_FW_MASQUERADE) {
		struct nf_nat_ipv4_multi_range_compat *mr = (void *)t->data;
		strcpy(t->u.user.name, "MASQUERADE");
		mr->rangesize = 1;
	} else if (r->kind == UW_FW_DNAT) {
		/* Revision 2 is what iptables 1.8.9 writes; with revision 0
		 * `iptables-legacy -S` prints "unsupported revision". */
		struct nf_nat_range2 *nr = (void *)t->data;
		strcpy(t->u.user.name, "DNAT");
		t->u.user.revision = 2;
		nr->flags = NF_NAT_RANGE_MAP_IPS;
		nr->min_addr.ip = nr->max_addr.ip = r->to.s_addr;
	} else {
		/* libiptc maps the name "ACCEPT" to the standard verdict. */
		strcpy(t->u.user.name, IPTC_LABEL_ACCEPT);
	}
	*size_out = size;
	return e;
}

static bool entry_is_ours(const struct ipt_entry *e)
{
	for (size_t off = sizeof(struct ipt_entry); off < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + off);
		if (m->u.match_size == 0)
			break;
		if (strcmp(m->u.user.name, "comment") == 0) {
			const struct xt_comment_info *c = (const void *)m->data;
			if (strncmp(c->comment, UW_FW_TAG, XT_MAX_COMMENT_LEN) == 0)
				return true;
		}
		off += m->u.match_size;
	}
	return false;
}

static int init_error(struct uw_error *err, const char *table)
{
	int e = errno ? errno : EIO;

	return uw_error_set(err, -e,
			    "Could not read the legacy iptables table \"%s\": %s (run as root; the "
			    "ip_tables kernel module must be available).", table, iptc_strerror(e));
}

static int loaded_tables(char names[][XT_TABLE_MAXNAMELEN], int max);

/* 1 when the kernel already has @table in this namespace, 0 if not. */
static int table_loaded(const char *table, struct uw_error *err)
{
	char tables[8][XT_TABLE_MAXNAMELEN];
	int n = loaded_tables(tables, 8);

	if (n < 0)
		return uw_error_set(err, n, "Could not read /proc/net/ip_tables_names: %s.",
				    strerror(-n));
	for (int i = 0; i < n; i++)
		if (strcmp(tables[i], table) == 0)
			return 1;
	return 0;
}

static bool builtin_chain(const char *table, const char *chain)
{
	if (strcmp(table, "nat") == 0)
		return !strcmp(chain, "PREROUTING") || !strcmp(chain, "INPUT") ||
		       !strcmp(chain, "OUTPUT") || !strcmp(chain, "POSTROUTING");
	return !strcmp(chain, "INPUT") || !strcmp(chain, "FORWARD") || !strcmp(chain, "OUTPUT");
}

enum op { OP_PROBE, OP_ADD, OP_DEL };

/*
 * @op on the rules @idx[0..m) of @rules, all in @table, with one iptc_init
 * and (for a change) one iptc_commit. res[i]: probe 1 present / 0 absent;
 * add 0 added / 1 already there; del 0 deleted / 1 not there. *bad is the
 * rule an error is about. The caller holds the xtables lock for a change.
 */
static int table_ops(const char *table, const struct uw_fw_rule *rules, const size_t *idx,
		     size_t m, enum op op, int *res, size_t *bad, struct uw_error *err)
{
	struct ipt_entry **e = uw_malloc0(sizeof(*e) * m);
	unsigned char **mask = uw_malloc0(sizeof(*mask) * m);
	int ret = 0;

	for (size_t k = 0; k < m; k++) {
		size_t size;

		e[k] = build_entry(&rules[idx[k]], &size);
		/* Full mask: every byte of header, matches and target must be equal. */
		mask[k] = uw_malloc0(size);
		memset(mask[k], 0xFF, size);
	}
	/* iptc_init on a table the kernel does not have yet creates it: a
	 * probe must not change anything, and neither may a failing add. */
	ret = table_loaded(table, err);
	if (ret < 0)
		goto out;
	if (!ret) {
		ret = 0;
		for (size_t k = 0; k < m; k++) {
			xt_chainlabel chain;

			chain_of(&rules[idx[k]], chain);
			res[idx[k]] = op == OP_PROBE ? 0 : 1;
			if (op == OP_ADD && !builtin_chain(table, chain)) {
				*bad = idx[k];
				ret = uw_error_set(err, -ENOENT,
						   "Chain \"%s\" does not exist in the legacy iptables %s "
						   "table — pick an existing chain (e.g. FORWARD).", chain,
						   table);
				goto out;
			}
		}
		if (op != OP_ADD)
			goto out;
	}
	ret = iptc_load(err);
	if (ret < 0) {
		*bad = idx[0];
		goto out;
	}
	for (int attempt = 0;; attempt++) {
		struct xtc_handle *h;
		bool changed = false;

		errno = 0;
		h = iptc_init(table);
		if (!h) {
			*bad = idx[0];
			ret = init_error(err, table);
			break;
		}
		ret = 0;
		for (size_t k = 0; k < m && ret == 0; k++) {
			const struct uw_fw_rule *r = &rules[idx[k]];
			xt_chainlabel chain;
			int present, ok = 1;

			chain_of(r, chain);
			*bad = idx[k];
			if (!iptc_is_chain(chain, h)) {
				if (op != OP_ADD) {
					res[idx[k]] = op == OP_PROBE ? 0 : 1;
					continue;
				}
				ret = uw_error_set(err, -ENOENT,
						   "Chain \"%s\" does not exist in the legacy iptables %s "
						   "table — pick an existing chain (e.g. FORWARD).", chain,
						   table);
				break;
			}
			errno = 0;
			present = iptc_check_entry(chain, e[k], mask[k], h);
			if (!present && errno != ENOENT) {
				/* errno ENOENT means "no such rule"; iptc_strerror's text
				 * for it is misleading, so only other errors are errors. */
				int en = errno ? errno : EIO;
				ret = uw_error_set(err, -en, "Could not look for the rule in %s/%s: %s.",
						   table, chain, iptc_strerror(en));
				break;
			}
			if (op == OP_PROBE) {
				res[idx[k]] = present ? 1 : 0;
				continue;
			}
			if (op == OP_ADD && present) {
				res[idx[k]] = 1;
				continue;
			}
			if (op == OP_DEL && !present) {
				res[idx[k]] = 1;
				continue;
			}
			res[idx[k]] = 0;
			if (op == OP_DEL)
				ok = iptc_delete_entry(chain, e[k], mask[k], h);
			else if (r->kind == UW_FW_FORWARD_ACCEPT)
				/* At the top: an accept after a DROP/REJECT rule
				 * (or Docker's RETURN) would never be reached. */
				ok = iptc_insert_entry(chain, e[k], 0, h);
			else
				ok = iptc_append_entry(chain, e[k], h);
			if (!ok) {
				int en = errno ? errno : EIO;
				ret = uw_error_set(err, -en, "Could not %s the rule in %s/%s: %s.",
						   op == OP_DEL ? "delete" : "add", table, chain,
						   iptc_strerror(en));
				break;
			}
			changed = true;
		}
		if (ret == 0 && changed && !commit(h)) {
			int en = errno ? errno : EIO;
			xt_chainlabel chain;

			iptc_free(h);
			/* EAGAIN: the table changed between our read and our
			 * commit (someone ignored the lock): read again. */
			if (en == EAGAIN && attempt < 5)
				continue;
			*bad = idx[0];
			chain_of(&rules[idx[0]], chain);
			ret = uw_error_set(err, -en, "Could not %s the rule in %s/%s%s (one commit of "
					   "the legacy %s table): %s.", op == OP_DEL ? "delete" : "add",
					   table, chain, m > 1 ? " and the others" : "", table,
					   iptc_strerror(en));
			break;
		}
		iptc_free(h);
		break;
	}
out:
	for (size_t k = 0; k < m; k++) {
		free(e[k]);
		free(mask[k]);
	}
	free(e);
	free(mask);
	return ret;
}

/* @op on @n rules: grouped by table, filter first, one commit per table. */
static int many_ops(const struct uw_fw_rule *rules, size_t n, enum op op, int *res, size_t *bad,
		    struct uw_error *err)
{
	static const char *const tables[] = { "filter", "nat" };
	_auto_(free) size_t *idx = uw_malloc0(sizeof(size_t) * (n ? n : 1));
	size_t dummy;
	int fd = -1, ret = 0;

	if (!bad)
		bad = &dummy;
	*bad = 0;
	if (op != OP_PROBE) {
		fd = xt_lock(err);
		if (fd < 0)
			return fd;
	}
	for (size_t t = 0; t < UW_ARRAY_SIZE(tables) && ret == 0; t++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (strcmp(table_of(&rules[i]), tables[t]) == 0)
				idx[m++] = i;
		if (m)
			ret = table_ops(tables[t], rules, idx, m, op, res, bad, err);
	}
	xt_unlock(fd);
	return ret;
}

static int iptc_probe_many(const struct uw_fw_rule *rules, size_t n, int *present,
			  struct uw_error *err)
{
	return many_ops(rules, n, OP_PROBE, present, NULL, err);
}

static int iptc_add_many(const struct uw_fw_rule *rules, size_t n, int *res, size_t *bad,
			struct uw_error *err)
{
	return many_ops(rules, n, OP_ADD, res, bad, err);
}

static int iptc_del_many(const struct uw_fw_rule *rules, size_t n, int *res, struct uw_error *err)
{
	return many_ops(rules, n, OP_DEL, res, NULL, err);
}

/*
 * The tables the kernel has in this namespace. Reading only these (as
 * iptables-legacy-save does) matters: iptc_init on a table that is not
 * there yet makes the kernel create it.
 */
static int loaded_tables(char names[][XT_TABLE_MAXNAMELEN], int max)
{
	FILE *f = fopen("/proc/net/ip_tables_names", "re");
	char line[64];
	int n = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			uw_strlcpy(names[n++], line, XT_TABLE_MAXNAMELEN);
	}
	fclose(f);
	return n;
}

static int iptc_remove_all_ours(struct uw_error *err)
{
	char tables[8][XT_TABLE_MAXNAMELEN];
	int n = loaded_tables(tables, 8), total = 0, fd;

	if (n < 0)
		return uw_error_set(err, n, "Could not read /proc/net/ip_tables_names: %s.",
				    strerror(-n));
	if (n == 0)
		return 0;
	if (iptc_load(err) < 0)
		return -ENOENT;
	fd = xt_lock(err);
	if (fd < 0)
		return fd;
	for (int t = 0; t < n; t++) {
		for (int attempt = 0;; attempt++) {
			struct xtc_handle *h;
			int removed = 0;

			errno = 0;
			h = iptc_init(tables[t]);
			if (!h) {
				int r = init_error(err, tables[t]);
				xt_unlock(fd);
				return r;
			}
			for (const char *c = iptc_first_chain(h); c; c = iptc_next_chain(h)) {
				xt_chainlabel chain;
				bool again = true;

				memset(chain, 0, sizeof(chain));
				uw_strlcpy(chain, c, sizeof(chain));
				/* Deleting invalidates the iteration: restart the
				 * chain after each deletion. */
				while (again) {
					unsigned num = 0;
					again = false;
					for (const struct ipt_entry *e = iptc_first_rule(chain, h); e;
					     e = iptc_next_rule(e, h), num++) {
						if (!entry_is_ours(e))
							continue;
						if (!iptc_delete_num_entry(chain, num, h))
							break;
						removed++;
						again = true;
						break;
					}
				}
			}
			if (removed && !commit(h)) {
				int en = errno ? errno : EIO;
				iptc_free(h);
				if (en == EAGAIN && attempt < 5)
					continue;
				xt_unlock(fd);
				return uw_error_set(err, -en,
						    "Could not remove our rules from table %s: %s.",
						    tables[t], iptc_strerror(en));
			}
			iptc_free(h);
			total += removed;
			break;
		}
	}
	xt_unlock(fd);
	return total;
}

static int iptc_inventory(struct uw_fw_inventory *inv, enum uw_fw_read how, struct uw_error *err)
{
	char tables[8][XT_TABLE_MAXNAMELEN];
	int n = loaded_tables(tables, 8);
	bool fwd_drop_rule = false;

	if (n < 0)
		return uw_error_set(err, n, "Could not read /proc/net/ip_tables_names: %s.",
				    strerror(-n));
	if (n > 0 && iptc_load(err) < 0)
		return -ENOENT;
	for (int t = 0; t < n; t++) {
		bool is_filter = strcmp(tables[t], "filter") == 0;
		bool is_nat = strcmp(tables[t], "nat") == 0;
		struct xtc_handle *h;

		errno = 0;
		h = iptc_init(tables[t]);
		if (!h)
			return init_error(err, tables[t]);
		for (const char *c = iptc_first_chain(h); c; c = iptc_next_chain(h)) {
			bool fwd = is_filter && strcmp(c, "FORWARD") == 0;

			if (iptc_builtin(c, h)) {
				struct xt_counters cnt;
				const char *pol = iptc_get_policy(c, &cnt, h);
				if (pol && strcmp(pol, "ACCEPT") != 0)
					inv->legacy_has_rules = true;
				if (fwd && pol)
					uw_strlcpy(inv->legacy_forward_policy, pol,
						   sizeof(inv->legacy_forward_policy));
			} else if (is_filter && strcmp(c, "DOCKER-USER") == 0) {
				inv->docker_user = true;
				inv->docker_user_backend = UW_FW_IPTABLES;
				uw_strlcpy(inv->docker_user_chain, "DOCKER-USER",
					   sizeof(inv->docker_user_chain));
			}
			for (const struct ipt_entry *e = iptc_first_rule(c, h); e;
			     e = iptc_next_rule(e, h)) {
				const char *target = iptc_get_target(e, h);
				bool ours = entry_is_ours(e);

				inv->legacy_rules++;
				inv->legacy_has_rules = true;
				if (ours)
					inv->legacy_ours++;
				if (fwd && target &&
				    (strcmp(target, "DROP") == 0 || strcmp(target, "REJECT") == 0))
					fwd_drop_rule = true;
				if (is_nat && !ours && target && strcmp(c, "POSTROUTING") == 0 &&
				    strcmp(target, "MASQUERADE") == 0) {
					inv->foreign_masquerade++;
					if (inv->n_masq < UW_ARRAY_SIZE(inv->masq)) {
						struct uw_fw_masq *m = &inv->masq[inv->n_masq++];

						m->backend = UW_FW_IPTABLES;
						m->src = e->ip.src;
						m->plen = (unsigned)__builtin_popcount(e->ip.smsk.s_addr);
						uw_strlcpy(m->out_iface, e->ip.outiface, sizeof(m->out_iface));
						m->negated = (e->ip.invflags & (IPT_INV_SRCIP | IPT_INV_VIA_OUT)) != 0;
					}
				}
			}
		}
		iptc_free(h);
	}
	inv->legacy_readable = true;
	if (strcmp(inv->legacy_forward_policy, "ACCEPT") != 0 && inv->legacy_forward_policy[0])
		uw_fw_backend_drop(inv, UW_FW_IPTABLES, "FORWARD", true, fwd_drop_rule);
	else if (fwd_drop_rule)
		uw_fw_backend_drop(inv, UW_FW_IPTABLES, "FORWARD", false, true);
	return 0;
}

static void net_arg(char *buf, size_t n, const char *opt, struct in_addr a, unsigned len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	snprintf(buf, n, " %s %s/%u", opt, ip, len);
}

static void iptc_shell(const struct uw_fw_rule *r, bool add, char *buf, size_t len)
{
	char src[40] = "", dst[40] = "", in[24] = "", out[24] = "", proto[48] = "", target[64];
	char to[INET_ADDRSTRLEN];
	xt_chainlabel chain;
	const char *verb;

	chain_of(r, chain);
	if (r->src_len)
		net_arg(src, sizeof(src), "-s", r->src, r->src_len);
	if (r->dst_len)
		net_arg(dst, sizeof(dst), "-d", r->dst, r->dst_len);
	if (r->in_iface[0])
		snprintf(in, sizeof(in), " -i %s", r->in_iface);
	if (r->out_iface[0])
		snprintf(out, sizeof(out), " -o %s", r->out_iface);
	if (r->kind == UW_FW_DNAT) {
		const char *p = r->proto == IPPROTO_TCP ? "tcp" : "udp";
		snprintf(proto, sizeof(proto), " -p %s -m %s --dport %u", p, p, r->dport);
	}
	inet_ntop(AF_INET, &r->to, to, sizeof(to));
	if (r->kind == UW_FW_MASQUERADE)
		snprintf(target, sizeof(target), "MASQUERADE");
	else if (r->kind == UW_FW_DNAT)
		snprintf(target, sizeof(target), "DNAT --to-destination %s", to);
	else
		snprintf(target, sizeof(target), "ACCEPT");
	verb = !add ? "-D" : r->kind == UW_FW_FORWARD_ACCEPT ? "-I" : "-A";
	snprintf(buf, len, "iptables-legacy -t %s %s %s%s%s%s%s%s -m comment --comment %s -j %s",
		 table_of(r), verb, chain, src, dst, in, out, proto, UW_FW_TAG, target);
}

static void iptc_where(const struct uw_fw_rule *r, char *buf, size_t len)
{
	xt_chainlabel chain;

	chain_of(r, chain);
	snprintf(buf, len, "%s/%s", table_of(r), chain);
}

/* (legacy iptables has no table of ours to leave empty) */
const struct uw_fw_ops uw_fw_iptc_ops = UW_FW_OPS(iptc, UW_FW_IPTABLES, NULL);
