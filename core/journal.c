// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal's record format: one action as one line of key=value pairs
 * (core/journal.h). core/apply.c writes and reads the journal's records.
 */
#include "core/journal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sysctlname.h"
#include "core/util.h"

/*
 * Values are %XX-escaped so a chain like "inet filter forward" stays one
 * token. An empty value is written as nothing ("out="); a value that is
 * exactly "-" is escaped ("out=%2D"), because journals written before this
 * used a bare "-" for empty, and still read that way: every value stays
 * distinct from empty (an --out-iface "-" once came back as "no interface",
 * and revert then looked for the wrong rule).
 */
static void put(char **p, size_t *left, const char *key, const char *val)
{
	bool dash = !strcmp(val, "-");
	int n = snprintf(*p, *left, " %s=", key);

	if (n < 0 || (size_t)n >= *left) {
		*left = 0;
		return;
	}
	*p += n;
	*left -= (size_t)n;
	for (const unsigned char *v = (const unsigned char *)val; *v; v++) {
		if (!dash && (isalnum(*v) || strchr("._:/-@", *v))) {
			if (*left < 2) { *left = 0; return; }
			*(*p)++ = (char)*v;
			(*left)--;
		} else {
			if (*left < 4) { *left = 0; return; }
			snprintf(*p, *left, "%%%02X", *v);
			*p += 3;
			*left -= 3;
		}
	}
	**p = '\0';
}

static void put_addr(char **p, size_t *left, const char *key, struct in_addr a)
{
	char s[UW_IP4_STRLEN];
	put(p, left, key, uw_ip4_str(a, s));
}

static void put_uint(char **p, size_t *left, const char *key, unsigned v)
{
	char s[16];
	snprintf(s, sizeof(s), "%u", v);
	put(p, left, key, s);
}

int uw_action_to_line(const struct uw_action *a, char *buf, size_t len)
{
	char *p = buf;
	size_t left = len;
	static const char *const rk[] = { [UW_FW_MASQUERADE] = "masquerade", [UW_FW_DNAT] = "dnat",
					  [UW_FW_FORWARD_ACCEPT] = "forward-accept" };

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	put(&p, &left, "kind", uw_action_kind_name(a->kind));
	switch (a->kind) {
	case UW_ACT_ADDR:
	case UW_ACT_ROUTE:
		put(&p, &left, "iface", a->iface);
		put_addr(&p, &left, "addr", a->addr);
		put_uint(&p, &left, "plen", a->plen);
		break;
	case UW_ACT_LINK_UP:
		put(&p, &left, "iface", a->iface);
		put_uint(&p, &left, "was_up", a->was_up);
		break;
	case UW_ACT_NM_UNMANAGE:
		put(&p, &left, "iface", a->iface);
		put_uint(&p, &left, "was_managed", a->was_managed);
		break;
	case UW_ACT_SYSCTL:
		put(&p, &left, "name", a->sysctl);
		put(&p, &left, "value", a->value);
		put(&p, &left, "old", a->old_value);
		break;
	case UW_ACT_FW:
		put(&p, &left, "backend", a->fw == UW_FW_IPTABLES ? "iptables" : "nftables");
		put(&p, &left, "rule", (unsigned)a->rule.kind < 3 ? rk[a->rule.kind] : "?");
		put_addr(&p, &left, "src", a->rule.src);
		put_uint(&p, &left, "src_len", a->rule.src_len);
		put_addr(&p, &left, "dst", a->rule.dst);
		put_uint(&p, &left, "dst_len", a->rule.dst_len);
		put(&p, &left, "in", a->rule.in_iface);
		put(&p, &left, "out", a->rule.out_iface);
		put_uint(&p, &left, "proto", (unsigned)a->rule.proto);
		put_uint(&p, &left, "dport", a->rule.dport);
		put_addr(&p, &left, "to", a->rule.to);
		put(&p, &left, "chain", a->rule.chain);
		break;
	case UW_ACT_FWD_ZONE:
		put(&p, &left, "iface", a->iface);
		put(&p, &left, "zone", a->zone);
		put(&p, &left, "old", a->old_zone);
		break;
	case UW_ACT_FWD_KEEP:
		put(&p, &left, "iface", a->iface);
		put(&p, &left, "zone", a->zone);
		break;
	default:
		return -EINVAL;
	}
	if (left == 0)
		return -ENOSPC;
	/* drop the leading space */
	memmove(buf, buf + 1, strlen(buf));
	return 0;
}

static int unescape(const char *in, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '%') {
			unsigned v;
			char hex[3];
			if (i + 2 >= n)
				return -1;
			hex[0] = in[i + 1];
			hex[1] = in[i + 2];
			hex[2] = '\0';
			if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
				return -1;
			v = (unsigned)strtoul(hex, NULL, 16);
			if (v == 0)
				return -1;
			c = (char)v;
			i += 2;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

struct kv {
	char key[16];
	char val[128];
	bool old_empty;         /* written as a bare "-": the old format's empty */
};

static const struct kv *find(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return &kv[i];
	return NULL;
}

static int get(const struct kv *kv, size_t n, const char *key, const char **val)
{
	const struct kv *e = find(kv, n, key);

	if (!e)
		return -1;
	*val = e->val;
	return 0;
}

static int get_uint(const struct kv *kv, size_t n, const char *key, unsigned max, unsigned *out)
{
	const char *v;
	char *end;
	unsigned long x;

	if (get(kv, n, key, &v) < 0 || !*v || !isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (*end || errno || x > max)
		return -1;
	*out = (unsigned)x;
	return 0;
}

static int get_addr(const struct kv *kv, size_t n, const char *key, struct in_addr *out)
{
	const char *v;
	return get(kv, n, key, &v) < 0 ? -1 : uw_ip4_parse(v, out, key, NULL);
}

static int get_str(const struct kv *kv, size_t n, const char *key, char *out, size_t outlen, bool dash_empty)
{
	const struct kv *e = find(kv, n, key);
	const char *v;

	if (!e || strlen(e->val) >= outlen)
		return -1;
	v = dash_empty && e->old_empty ? "" : e->val;
	strcpy(out, v);
	return 0;
}

/* firewalld zone names: letters, digits and - _ . @ + (they end up in shell lines and D-Bus calls). */
static bool zone_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("-_.@+", *s)))
			return false;
	return true;
}

int uw_action_from_line(const char *line, struct uw_action *a, struct uw_error *err)
{
	struct kv kv[20];
	size_t n = 0;
	const char *p = line, *v;
	unsigned u;

	memset(a, 0, sizeof(*a));
	while (*p) {
		const char *sp, *eq;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		sp = strchr(p, ' ');
		if (!sp)
			sp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(sp - p));
		if (!eq || eq == p || (size_t)(eq - p) >= sizeof(kv[0].key) || n >= UW_ARRAY_SIZE(kv))
			goto bad;
		memcpy(kv[n].key, p, (size_t)(eq - p));
		kv[n].key[eq - p] = '\0';
		if (unescape(eq + 1, (size_t)(sp - eq - 1), kv[n].val, sizeof(kv[n].val)) < 0)
			goto bad;
		kv[n].old_empty = sp - eq - 1 == 1 && eq[1] == '-';
		n++;
		p = sp;
	}
	if (get(kv, n, "kind", &v) < 0)
		goto bad;
	for (u = 0; u < UW_ACT__COUNT; u++)
		if (!strcmp(v, uw_action_kind_name((enum uw_action_kind)u)))
			break;
	if (u == UW_ACT__COUNT)
		goto bad;
	a->kind = (enum uw_action_kind)u;
	switch (a->kind) {
	case UW_ACT_ADDR:
	case UW_ACT_ROUTE:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_addr(kv, n, "addr", &a->addr) < 0 ||
		    get_uint(kv, n, "plen", 32, &a->plen) < 0)
			goto bad;
		break;
	case UW_ACT_LINK_UP:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_uint(kv, n, "was_up", 1, &u) < 0)
			goto bad;
		a->was_up = u;
		break;
	case UW_ACT_NM_UNMANAGE:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 || get_uint(kv, n, "was_managed", 1, &u) < 0)
			goto bad;
		a->was_managed = u;
		break;
	case UW_ACT_SYSCTL:
		if (get_str(kv, n, "name", a->sysctl, sizeof(a->sysctl), false) < 0 || !uw_sysctl_name_ok(a->sysctl) ||
		    get_str(kv, n, "value", a->value, sizeof(a->value), false) < 0 ||
		    get_str(kv, n, "old", a->old_value, sizeof(a->old_value), true) < 0)
			goto bad;
		for (const char *q = a->value; *q; q++)
			if (!isdigit((unsigned char)*q))
				goto bad;
		for (const char *q = a->old_value; *q; q++)
			if (!isdigit((unsigned char)*q))
				goto bad;
		break;
	case UW_ACT_FW:
		if (get(kv, n, "backend", &v) < 0)
			goto bad;
		if (!strcmp(v, "iptables"))
			a->fw = UW_FW_IPTABLES;
		else if (!strcmp(v, "nftables"))
			a->fw = UW_FW_NFTABLES;
		else
			goto bad;
		if (get(kv, n, "rule", &v) < 0)
			goto bad;
		if (!strcmp(v, "masquerade"))
			a->rule.kind = UW_FW_MASQUERADE;
		else if (!strcmp(v, "dnat"))
			a->rule.kind = UW_FW_DNAT;
		else if (!strcmp(v, "forward-accept"))
			a->rule.kind = UW_FW_FORWARD_ACCEPT;
		else
			goto bad;
		if (get_addr(kv, n, "src", &a->rule.src) < 0 || get_uint(kv, n, "src_len", 32, &a->rule.src_len) < 0 ||
		    get_addr(kv, n, "dst", &a->rule.dst) < 0 || get_uint(kv, n, "dst_len", 32, &a->rule.dst_len) < 0 ||
		    get_str(kv, n, "in", a->rule.in_iface, sizeof(a->rule.in_iface), true) < 0 ||
		    get_str(kv, n, "out", a->rule.out_iface, sizeof(a->rule.out_iface), true) < 0 ||
		    get_uint(kv, n, "proto", 255, &u) < 0 || get_uint(kv, n, "dport", 65535, &a->rule.dport) < 0 ||
		    get_addr(kv, n, "to", &a->rule.to) < 0 ||
		    get_str(kv, n, "chain", a->rule.chain, sizeof(a->rule.chain), true) < 0)
			goto bad;
		a->rule.proto = (int)u;
		if (uw_fw_rule_validate(a->fw, &a->rule, NULL) < 0)
			goto bad;
		break;
	case UW_ACT_FWD_ZONE:
	case UW_ACT_FWD_KEEP:
		if (get_str(kv, n, "iface", a->iface, sizeof(a->iface), false) < 0 ||
		    uw_ifname_check(a->iface, NULL) < 0 ||
		    get_str(kv, n, "zone", a->zone, sizeof(a->zone), false) < 0 || !zone_name_ok(a->zone))
			goto bad;
		if (a->kind == UW_ACT_FWD_ZONE &&
		    (get_str(kv, n, "old", a->old_zone, sizeof(a->old_zone), true) < 0 ||
		     (a->old_zone[0] && !zone_name_ok(a->old_zone))))
			goto bad;
		break;
	default:
		goto bad;
	}
	return 0;
bad:
	return uw_error_set(err, -EBADMSG, "The journal line \"%.80s\" is damaged and cannot be read.", line);
}
