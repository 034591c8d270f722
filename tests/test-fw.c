// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Firewall backends against the real kernel.
 *
 * main() leaves the machine's namespace once (uw_test_private_netns); every
 * test then unshares again into a brand-new namespace of its own, so no state
 * leaks from one test to the next. The equivalence oracle: the listing made
 * by our library calls must equal the listing made by running our own
 * uw_fw_rule_shell text through sh in a second fresh namespace.
 */
#include "tests/testutil.h"
#include "core/error.h"
#include "core/fw.h"
#include "core/nl.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>

static char lockfile[64];

static int fresh_netns(void **state)
{
	/* Already out of the machine's namespace (main); this is one more
	 * private namespace per test, the previous one dies with it. */
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	if (system("ip link set lo up") != 0)
		return -1;
	uw_fw_lock_timeout_set(5000);
	return 0;
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct uw_fw_rule masq(void)
{
	struct uw_fw_rule r = { .kind = UW_FW_MASQUERADE, .src_len = 24 };

	r.src = ip4("192.168.0.0");
	strcpy(r.out_iface, "up0");
	return r;
}

static struct uw_fw_rule dnat(int proto)
{
	struct uw_fw_rule r = { .kind = UW_FW_DNAT, .src_len = 29, .dst_len = 32,
				.proto = proto, .dport = 53 };

	r.src = ip4("192.168.0.200");
	r.dst = ip4("192.168.0.200");
	r.to = ip4("198.51.100.53");
	strcpy(r.in_iface, "usb0");
	return r;
}

static struct uw_fw_rule fwd(const char *in, const char *out, const char *chain)
{
	struct uw_fw_rule r = { .kind = UW_FW_FORWARD_ACCEPT };

	strcpy(r.in_iface, in);
	strcpy(r.out_iface, out);
	strcpy(r.chain, chain);
	return r;
}

static char *legacy_listing(void)
{
	/* Drop the "# Generated ... on <date>" lines. */
	char *s = uw_test_capture("iptables-legacy-save 2>&1 | grep -v '^#'");

	assert_non_null(s);
	return s;
}

static char *nft_listing(void)
{
	char *s = uw_test_capture("nft list ruleset 2>&1");

	assert_non_null(s);
	return s;
}

/* Run @script in a second fresh namespace and return what @list prints there. */
static char *shell_output(const char *script, const char *list)
{
	char path[] = "/tmp/uw-test-fw-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	char *out, cmd[128];

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "set -e\n%s\n%s\n", script, list);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "unshare -n sh %s", path);
	out = uw_test_capture(cmd);
	unlink(path);
	assert_non_null(out);
	return out;
}

/* Run @script in a second fresh namespace and return its listing. */
static char *shell_listing(const char *script, bool legacy)
{
	return shell_output(script, legacy ? "iptables-legacy-save 2>&1 | grep -v '^#'" :
				    "nft list ruleset 2>&1");
}

/* The ruleset down to each rule's expressions as the kernel dumps them
 * (registers, lengths, values, handles): more than `nft list` shows. */
#define NFT_EXPRS "nft --debug=netlink list ruleset 2>&1"

/* Append @line and a newline to the growing script *s. */
static void script_add(char **s, const char *line)
{
	char *n = uw_strdup_printf("%s%s\n", *s ? *s : "", line);

	free(*s);
	*s = n;
}

static void add_shell(char **script, enum uw_fw_backend be, const struct uw_fw_rule *r, bool add)
{
	char buf[2048];

	uw_fw_rule_shell(be, r, add, buf, sizeof(buf));
	assert_null(strstr(buf, "# invalid"));
	script_add(script, buf);
}

/* ---------------------------------------------------------------- */

static void test_backend_names(void **state)
{
	enum uw_fw_backend be;
	struct uw_error e;

	assert_int_equal(uw_fw_backend_parse("nft", &be, &e), 0);
	assert_int_equal(be, UW_FW_NFTABLES);
	assert_int_equal(uw_fw_backend_parse("Legacy", &be, &e), 0);
	assert_int_equal(be, UW_FW_IPTABLES);
	assert_int_equal(uw_fw_backend_parse("auto", &be, &e), 0);
	assert_int_equal(be, UW_FW_AUTO);
	assert_int_equal(uw_fw_backend_parse("pf", &be, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "pf"));
	assert_string_equal(uw_fw_backend_name(UW_FW_IPTABLES), "iptables-legacy");
	assert_string_equal(uw_fw_backend_name(UW_FW_NFTABLES), "nftables");
}

static void test_describe_and_shell_text(void **state)
{
	struct uw_fw_rule r = masq();
	char buf[1024];

	uw_fw_rule_shell(UW_FW_IPTABLES, &r, true, buf, sizeof(buf));
	assert_string_equal(buf, "iptables-legacy -t nat -A POSTROUTING -s 192.168.0.0/24 -o up0 "
				 "-m comment --comment usbnet-wizard -j MASQUERADE");
	r = dnat(IPPROTO_UDP);
	uw_fw_rule_shell(UW_FW_IPTABLES, &r, false, buf, sizeof(buf));
	assert_string_equal(buf, "iptables-legacy -t nat -D PREROUTING -s 192.168.0.200/29 "
				 "-d 192.168.0.200/32 -i usb0 -p udp -m udp --dport 53 -m comment "
				 "--comment usbnet-wizard -j DNAT --to-destination 198.51.100.53");
	uw_fw_rule_describe(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, "udp port 53"));
	assert_non_null(strstr(buf, "198.51.100.53"));
	r = fwd("usb0", "", "inet filter forward");
	uw_fw_rule_shell(UW_FW_NFTABLES, &r, true, buf, sizeof(buf));
	assert_string_equal(buf, "nft 'insert rule inet filter forward iifname \"usb0\" accept "
				 "comment \"usbnet-wizard\"'");
	/* Host bits are cleared, in the text too. */
	r = masq();
	r.src = ip4("192.168.0.77");
	uw_fw_rule_shell(UW_FW_NFTABLES, &r, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ip saddr 192.168.0.0/24 oifname \"up0\" masquerade"));
}

static void test_bad_input_changes_nothing(void **state)
{
	enum uw_fw_backend bes[] = { UW_FW_IPTABLES, UW_FW_NFTABLES };
	struct uw_fw_rule r;
	struct uw_error e;

	for (size_t i = 0; i < UW_ARRAY_SIZE(bes); i++) {
		enum uw_fw_backend be = bes[i];
		char *l0 = legacy_listing(), *n0 = nft_listing(), *l1, *n1;

		r = masq();
		r.src_len = 33;
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "/33"));
		r = dnat(IPPROTO_ICMP);
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -EINVAL);
		r = dnat(IPPROTO_TCP);
		r.dport = 70000;
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -EINVAL);
		r = fwd("", "", "");
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "interface"));
		r = fwd("usb0;rm", "", "");
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -EINVAL);
		r = fwd("usb0", "", "inet filter");
		assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &r, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "family table chain"));
		/* Well-formed but missing chains. */
		r = fwd("usb0", "", be == UW_FW_IPTABLES ? "NO-SUCH" : "inet filter nosuch");
		assert_int_equal(uw_fw_rule_add(be, &r, &e), -ENOENT);
		assert_non_null(strstr(e.msg, "nosuch") ? e.msg : strstr(e.msg, "NO-SUCH"));
		assert_int_equal(uw_fw_rule_probe(be, &r, &e), 0);
		assert_int_equal(uw_fw_rule_del(be, &r, &e), -ENOENT);
		/* NONE and AUTO cannot change rules. */
		r = masq();
		assert_int_equal(uw_fw_rule_add(UW_FW_AUTO, &r, &e), -EINVAL);
		uw_fw_rule_shell(be, &(struct uw_fw_rule){ .kind = UW_FW_MASQUERADE, .src_len = 40 },
				 true, e.msg, sizeof(e.msg));
		assert_non_null(strstr(e.msg, "# invalid rule"));

		l1 = legacy_listing();
		n1 = nft_listing();
		assert_string_equal(l0, l1);
		assert_string_equal(n0, n1);
		free(l0), free(l1), free(n0), free(n1);
	}
}

/* Foreign rules the library must never touch (legacy). */
static const char legacy_foreign[] =
	"iptables-legacy -t nat -A POSTROUTING -s 192.168.0.0/24 -o up0 -m comment --comment "
	"other -j MASQUERADE\n"
	"iptables-legacy -t nat -A POSTROUTING -s 10.9.0.0/16 -j MASQUERADE\n"
	"iptables-legacy -t filter -A FORWARD -i usb0 -j ACCEPT\n"
	"iptables-legacy -t filter -N DOCKER-USER\n"
	"iptables-legacy -t filter -A DOCKER-USER -j RETURN\n";

/* Foreign tables for nftables (including a masquerade identical but for
 * its comment, and a dropping forward chain). */
static const char nft_foreign[] =
	"nft add table ip nat\n"
	"nft 'add chain ip nat post { type nat hook postrouting priority srcnat; policy accept; }'\n"
	"nft 'add rule ip nat post ip saddr 192.168.0.0/24 oifname \"up0\" masquerade comment "
	"\"other\"'\n"
	"nft add table inet filter\n"
	"nft 'add chain inet filter forward { type filter hook forward priority filter; policy "
	"drop; }'\n"
	"nft 'add rule inet filter forward ct state established,related accept'\n";

static void rules_roundtrip(enum uw_fw_backend be, const char *foreign, const char *fwd_chain)
{
	bool legacy = be == UW_FW_IPTABLES;
	struct uw_fw_rule rules[] = { masq(), dnat(IPPROTO_TCP), dnat(IPPROTO_UDP),
				      fwd("usb0", "", fwd_chain), fwd("", "usb0", fwd_chain) };
	char *initial, *after, *oracle, *script = NULL;
	struct uw_error e;

	uw_test_sh(foreign);
	initial = legacy ? legacy_listing() : nft_listing();
	script_add(&script, foreign);

	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++) {
		assert_int_equal(uw_fw_rule_probe(be, &rules[i], &e), 0);
		if (uw_fw_rule_add(be, &rules[i], &e) != 0)
			fail_msg("add %zu: %s", i, e.msg);
		assert_int_equal(uw_fw_rule_probe(be, &rules[i], &e), 1);
		add_shell(&script, be, &rules[i], true);
	}
	after = legacy ? legacy_listing() : nft_listing();
	oracle = shell_listing(script, legacy);
	assert_string_equal(after, oracle);
	assert_string_not_equal(after, initial);
	free(oracle);

	/* Add again: already there, one copy. 50 times: still one copy. */
	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++)
		for (int k = 0; k < 50; k++)
			assert_int_equal(uw_fw_rule_add(be, &rules[i], &e), -EEXIST);
	{
		char *again = legacy ? legacy_listing() : nft_listing();
		assert_string_equal(again, after);
		free(again);
	}

	/* The delete shell text, run after the add text, returns to the
	 * initial listing as well. */
	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++)
		add_shell(&script, be, &rules[i], false);
	oracle = shell_listing(script, legacy);
	assert_string_equal(oracle, initial);
	free(oracle);

	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++) {
		assert_int_equal(uw_fw_rule_del(be, &rules[i], &e), 0);
		assert_int_equal(uw_fw_rule_probe(be, &rules[i], &e), 0);
		assert_int_equal(uw_fw_rule_del(be, &rules[i], &e), -ENOENT);
	}
	free(after);
	after = legacy ? legacy_listing() : nft_listing();
	assert_string_equal(after, initial);

	/* A crash leaves rules behind: remove_all_ours takes exactly ours. */
	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++)
		assert_int_equal(uw_fw_rule_add(be, &rules[i], &e), 0);
	assert_int_equal(uw_fw_remove_all_ours(be, &e), (int)UW_ARRAY_SIZE(rules));
	assert_int_equal(uw_fw_remove_all_ours(be, &e), 0);
	free(after);
	after = legacy ? legacy_listing() : nft_listing();
	assert_string_equal(after, initial);

	free(after);
	free(initial);
	free(script);
}

static void test_legacy_rules(void **state)
{
	rules_roundtrip(UW_FW_IPTABLES, legacy_foreign, "");
}

static void test_legacy_docker_user(void **state)
{
	rules_roundtrip(UW_FW_IPTABLES, legacy_foreign, "DOCKER-USER");
}

static void test_nft_rules_own_table(void **state)
{
	rules_roundtrip(UW_FW_NFTABLES, nft_foreign, "");
}

static void test_nft_rules_foreign_chain(void **state)
{
	rules_roundtrip(UW_FW_NFTABLES, nft_foreign, "inet filter forward");
}

/*
 * The whole plan's rules in one transaction (uw_fw_rules_add: one raw
 * netlink batch), in our table and at the top of a foreign chain: the kernel
 * holds exactly what the shell text we show makes, down to each rule's
 * expressions and handles, and one batch removes them again.
 */
static void test_nft_batch_matches_shell(void **state)
{
	struct uw_fw_rule rules[] = { masq(), dnat(IPPROTO_TCP), dnat(IPPROTO_UDP),
				      fwd("usb0", "", ""), fwd("", "usb0", ""),
				      fwd("usb0", "up0", "inet filter forward"),
				      fwd("", "usb0", "inet filter forward") };
	size_t n = UW_ARRAY_SIZE(rules), bad = 99;
	int res[UW_ARRAY_SIZE(rules)], present[UW_ARRAY_SIZE(rules)];
	char *initial, *after, *oracle, *script = NULL;
	struct uw_error e;

	/* A source that is not a whole number of bytes (/20) is masked. */
	rules[0].src_len = 20;
	rules[0].src = ip4("10.1.16.0");
	uw_test_sh(nft_foreign);
	initial = uw_test_capture(NFT_EXPRS);
	script_add(&script, nft_foreign);
	if (uw_fw_rules_add(UW_FW_NFTABLES, rules, n, res, &bad, &e) != 0)
		fail_msg("batch add: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(res[i], 0);
		add_shell(&script, UW_FW_NFTABLES, &rules[i], true);
	}
	after = uw_test_capture(NFT_EXPRS);
	oracle = shell_output(script, NFT_EXPRS);
	assert_string_equal(after, oracle);
	free(oracle);
	free(after);
	after = nft_listing();
	oracle = shell_listing(script, false);
	assert_string_equal(after, oracle);
	free(oracle);
	free(after);

	assert_int_equal(uw_fw_rules_probe(UW_FW_NFTABLES, rules, n, present, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(present[i], 1);
	assert_int_equal(uw_fw_rules_del(UW_FW_NFTABLES, rules, n, res, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(res[i], 0);
	after = uw_test_capture(NFT_EXPRS);
	assert_string_equal(after, initial);
	free(after);
	free(initial);
	free(script);
}

/*
 * Rules made by the shell text we show are ours: found (probe), left alone by
 * an add, removed by a delete. Rules that differ from ours in anything nft
 * prints (a wildcard name, a counter, another port or comment, a match of
 * their own) are never taken for ours, and stay.
 */
static void test_nft_shell_rules_are_ours(void **state)
{
	struct uw_fw_rule rules[] = { masq(), dnat(IPPROTO_TCP), fwd("usb0", "", "inet filter forward") };
	size_t n = UW_ARRAY_SIZE(rules), bad;
	int res[UW_ARRAY_SIZE(rules)], present[UW_ARRAY_SIZE(rules)];
	char *script = NULL, *before, *after;
	struct uw_error e;

	uw_test_sh(nft_foreign);
	uw_test_sh("nft 'insert rule inet filter forward iifname \"usb*\" accept comment \"usbnet-wizard\"'\n"
		   "nft 'insert rule inet filter forward iifname \"usb0\" counter accept comment "
		   "\"usbnet-wizard\"'\n"
		   "nft 'insert rule inet filter forward iifname \"usb0\" accept comment \"usbnet\"'\n"
		   "nft 'insert rule inet filter forward iifname \"usb0\" oifname \"up0\" accept comment "
		   "\"usbnet-wizard\"'\n"
		   "nft 'insert rule inet filter forward meta l4proto tcp iifname \"usb0\" accept comment "
		   "\"usbnet-wizard\"'\n"
		   "nft 'insert rule inet filter forward iifname \"usb0\" drop comment \"usbnet-wizard\"'\n");
	before = nft_listing();
	assert_int_equal(uw_fw_rules_probe(UW_FW_NFTABLES, rules, n, present, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(present[i], 0);

	for (size_t i = 0; i < n; i++)
		add_shell(&script, UW_FW_NFTABLES, &rules[i], true);
	uw_test_sh(script);
	/* a near miss in our own table: another port */
	uw_test_sh("nft 'add rule ip usbnet-wizard prerouting ip saddr 192.168.0.200/29 ip daddr "
		   "192.168.0.200 iifname \"usb0\" tcp dport 54 dnat to 198.51.100.53 comment "
		   "\"usbnet-wizard\"'");
	assert_int_equal(uw_fw_rules_probe(UW_FW_NFTABLES, rules, n, present, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(present[i], 1);
	after = nft_listing();
	assert_int_equal(uw_fw_rules_add(UW_FW_NFTABLES, rules, n, res, &bad, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(res[i], 1);
	free(before);
	before = nft_listing();
	assert_string_equal(before, after);
	free(after);

	/* Deleting ours leaves every near miss, and our table, which still
	 * holds the port-54 rule. */
	assert_int_equal(uw_fw_rules_del(UW_FW_NFTABLES, rules, n, res, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(res[i], 0);
	after = nft_listing();
	assert_null(strstr(after, "oifname \"up0\" masquerade comment \"usbnet-wizard\""));
	assert_non_null(strstr(after, "tcp dport 54"));
	assert_non_null(strstr(after, "iifname \"usb*\" accept comment \"usbnet-wizard\""));
	assert_non_null(strstr(after, "iifname \"usb0\" counter packets 0 bytes 0 accept"));
	assert_non_null(strstr(after, "iifname \"usb0\" accept comment \"usbnet\""));
	assert_non_null(strstr(after, "iifname \"usb0\" oifname \"up0\" accept"));
	assert_non_null(strstr(after, "meta l4proto tcp iifname \"usb0\" accept"));
	assert_non_null(strstr(after, "iifname \"usb0\" drop comment"));
	assert_null(strstr(after, "\tiifname \"usb0\" accept comment \"usbnet-wizard\""));
	free(after);
	free(before);
	free(script);
}

/*
 * A batch the kernel refuses changes nothing and names the rule it is about:
 * here our prerouting chain exists as a filter chain (someone else made it),
 * where the kernel takes no dnat. The masquerade before it in the same batch
 * is not left behind. A foreign chain that does not exist is found before
 * the kernel is asked.
 */
static void test_nft_refused_batch_changes_nothing(void **state)
{
	struct uw_fw_rule rules[] = { masq(), dnat(IPPROTO_TCP) };
	struct uw_fw_rule r2[] = { masq(), fwd("usb0", "", "inet filter nosuch") };
	int res[2];
	size_t bad = 99;
	struct uw_error e;
	char *before, *after;

	uw_test_sh(nft_foreign);
	uw_test_sh("nft add table ip usbnet-wizard && nft 'add chain ip usbnet-wizard prerouting "
		   "{ type filter hook prerouting priority 0; policy accept; }'");
	before = nft_listing();
	assert_true(uw_fw_rules_add(UW_FW_NFTABLES, rules, 2, res, &bad, &e) < 0);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(e.msg, "nftables refused to"));
	assert_non_null(strstr(e.msg, "ip usbnet-wizard prerouting"));
	after = nft_listing();
	assert_string_equal(before, after);
	free(after);

	bad = 99;
	assert_int_equal(uw_fw_rules_add(UW_FW_NFTABLES, r2, 2, res, &bad, &e), -ENOENT);
	assert_int_equal(bad, 1);
	assert_non_null(strstr(e.msg, "inet filter nosuch"));
	after = nft_listing();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_nft_other_backend_untouched(void **state)
{
	/* Our nft work never touches legacy tables and vice versa. */
	struct uw_fw_rule r = masq();
	struct uw_error e;
	char *l0, *l1;

	uw_test_sh(legacy_foreign);
	l0 = legacy_listing();
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &r, &e), 0);
	assert_int_equal(uw_fw_rule_probe(UW_FW_IPTABLES, &r, &e), 0);
	assert_int_equal(uw_fw_remove_all_ours(UW_FW_IPTABLES, &e), 0);
	assert_int_equal(uw_fw_rule_probe(UW_FW_NFTABLES, &r, &e), 1);
	l1 = legacy_listing();
	assert_string_equal(l0, l1);
	free(l0), free(l1);
}

static void test_inventory_empty_reads_only(void **state)
{
	struct uw_fw_inventory inv;
	struct uw_error e;
	char *names;

	assert_int_equal(uw_fw_inventory_read(&inv, &e), 0);
	assert_false(inv.legacy_has_rules);
	assert_int_equal(inv.nft_tables, 0);
	assert_int_equal(inv.n_drops, 0);
	assert_false(inv.docker_user);
	assert_true(inv.nft_available);
	assert_int_equal(inv.in_use, UW_FW_NFTABLES);
	assert_true(inv.n_notes >= 1);
	/* Reading created no legacy table and no nft table. */
	names = uw_test_capture("cat /proc/net/ip_tables_names 2>/dev/null");
	assert_string_equal(names, "");
	free(names);
	names = nft_listing();
	assert_string_equal(names, "");
	free(names);
	/* A probe on either backend neither. */
	struct uw_fw_rule r = masq();
	assert_int_equal(uw_fw_rule_probe(UW_FW_IPTABLES, &r, &e), 0);
	assert_int_equal(uw_fw_rule_probe(UW_FW_NFTABLES, &r, &e), 0);
	names = uw_test_capture("cat /proc/net/ip_tables_names 2>/dev/null; nft list ruleset");
	assert_string_equal(names, "");
	free(names);
}

static void test_inventory_legacy(void **state)
{
	struct uw_fw_inventory inv;
	struct uw_fw_rule r = masq();
	struct uw_error e;

	uw_test_sh(legacy_foreign);
	uw_test_sh("iptables-legacy -P FORWARD DROP");
	assert_int_equal(uw_fw_rule_add(UW_FW_IPTABLES, &r, &e), 0);
	assert_int_equal(uw_fw_inventory_read(&inv, &e), 0);
	assert_true(inv.legacy_has_rules);
	assert_int_equal(inv.legacy_rules, 5);
	assert_int_equal(inv.legacy_ours, 1);
	assert_string_equal(inv.legacy_forward_policy, "DROP");
	assert_int_equal(inv.in_use, UW_FW_IPTABLES);
	assert_int_equal(uw_fw_backend_resolve(UW_FW_AUTO, &inv), UW_FW_IPTABLES);
	assert_true(inv.docker_user);
	assert_int_equal(inv.docker_user_backend, UW_FW_IPTABLES);
	assert_string_equal(inv.docker_user_chain, "DOCKER-USER");
	assert_int_equal(inv.foreign_masquerade, 2);
	assert_int_equal(inv.n_drops, 1);
	assert_string_equal(inv.drops[0].chain, "FORWARD");
	assert_true(inv.drops[0].policy_drop);
	assert_non_null(strstr(inv.drops[0].why, "FORWARD"));
}

static void test_inventory_nft(void **state)
{
	struct uw_fw_inventory inv;
	struct uw_fw_rule r = fwd("usb0", "", "inet filter forward");
	struct uw_error e;
	bool found = false;

	uw_test_sh(nft_foreign);
	uw_test_sh("nft add table ip filter && nft add chain ip filter DOCKER-USER && "
		   "nft 'add chain ip filter fw2 { type filter hook forward priority 10; policy "
		   "accept; }' && nft add rule ip filter fw2 iifname eth7 reject");
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &r, &e), 0);
	assert_int_equal(uw_fw_inventory_read(&inv, &e), 0);
	assert_true(inv.nft_available);
	assert_int_equal(inv.nft_tables, 3);
	assert_false(inv.nft_has_ours);
	assert_int_equal(inv.nft_ours_foreign_chains, 1);
	assert_int_equal(inv.in_use, UW_FW_NFTABLES);
	assert_true(inv.docker_user);
	assert_int_equal(inv.docker_user_backend, UW_FW_NFTABLES);
	assert_string_equal(inv.docker_user_chain, "ip filter DOCKER-USER");
	assert_int_equal(inv.foreign_masquerade, 1);
	assert_int_equal(inv.n_drops, 2);
	for (unsigned i = 0; i < inv.n_drops; i++) {
		if (strcmp(inv.drops[i].chain, "inet filter forward") == 0) {
			assert_true(inv.drops[i].policy_drop);
			found = true;
		} else {
			assert_string_equal(inv.drops[i].chain, "ip filter fw2");
			assert_false(inv.drops[i].policy_drop);
			assert_true(inv.drops[i].has_drop_rule);
		}
	}
	assert_true(found);
}

/*
 * The quick inventory (what a plan reads) skips the rules of base chains on
 * hooks other than forward and postrouting. Each fact below sits where a
 * careless skip would lose it, next to a large-ish skipped chain: a
 * masquerade in a regular chain reached by a jump, a drop rule in a forward
 * chain of a table listed chain by chain and of one listed whole (more than
 * four chains to read), tagged rules of ours left in a foreign forward chain
 * and in DOCKER-USER (as after a crash), a DOCKER-USER that is a base chain
 * on another hook, and our own table. Every fact must equal the full read's.
 */
static const char nft_spread[] =
	"nft add table inet host\n"
	"nft 'add chain inet host input { type filter hook input priority 0; policy accept; }'\n"
	"for i in $(seq 1 40); do echo \"add rule inet host input ip saddr 10.0.0.$i drop\"; done "
	"| nft -f -\n"
	"nft 'add chain inet host fw { type filter hook forward priority 5; policy accept; }'\n"
	"nft 'add rule inet host fw iifname \"eth9\" drop'\n"
	"nft add table ip natty\n"
	"nft 'add chain ip natty pre { type nat hook prerouting priority dstnat; policy accept; }'\n"
	"nft 'add rule ip natty pre tcp dport 8080 dnat to 10.1.1.1'\n"
	"nft 'add chain ip natty post { type nat hook postrouting priority srcnat; policy "
	"accept; }'\n"
	"nft add chain ip natty masq_jumped\n"
	"nft 'add rule ip natty post oifname \"up0\" jump masq_jumped'\n"
	"nft 'add rule ip natty masq_jumped ip saddr 172.17.0.0/16 masquerade'\n"
	"nft add table ip many\n"
	"for c in a b c d e; do nft add chain ip many $c; done\n"
	"nft 'add chain ip many fwd2 { type filter hook forward priority 1; policy drop; }'\n"
	"nft 'add rule ip many fwd2 ct state established accept'\n"
	"nft 'add chain ip many out { type filter hook output priority 0; policy drop; }'\n"
	"nft add table ip filter\n"
	"nft 'add chain ip filter DOCKER-USER { type filter hook input priority 3; policy "
	"accept; }'\n";

/* The facts a plan is made of: the same in both reads. */
static void inventory_same_plan_facts(const struct uw_fw_inventory *a, const struct uw_fw_inventory *b)
{
	assert_int_equal(a->nft_available, b->nft_available);
	assert_int_equal(a->nft_tables, b->nft_tables);
	assert_int_equal(a->nft_has_ours, b->nft_has_ours);
	assert_int_equal(a->in_use, b->in_use);
	assert_int_equal(a->docker_user, b->docker_user);
	assert_string_equal(a->docker_user_chain, b->docker_user_chain);
	assert_int_equal(a->n_drops, b->n_drops);
	for (unsigned i = 0; i < a->n_drops; i++) {
		assert_string_equal(a->drops[i].chain, b->drops[i].chain);
		assert_int_equal(a->drops[i].policy_drop, b->drops[i].policy_drop);
		assert_int_equal(a->drops[i].has_drop_rule, b->drops[i].has_drop_rule);
		assert_string_equal(a->drops[i].why, b->drops[i].why);
	}
}

static void inventory_same_facts(const struct uw_fw_inventory *a, const struct uw_fw_inventory *b)
{
	inventory_same_plan_facts(a, b);
	assert_int_equal(a->nft_ours_foreign_chains, b->nft_ours_foreign_chains);
	assert_int_equal(a->foreign_masquerade, b->foreign_masquerade);
	assert_int_equal(a->n_notes, b->n_notes);
	for (unsigned i = 0; i < a->n_notes; i++)
		assert_string_equal(a->notes[i], b->notes[i]);
}

static void test_inventory_quick_keeps_facts(void **state)
{
	struct uw_fw_inventory *full = calloc(1, sizeof(*full)), *quick = calloc(1, sizeof(*quick));
	struct uw_fw_rule left = fwd("usb0", "", "inet host fw");
	struct uw_fw_rule left2 = fwd("", "usb0", "ip many a");
	struct uw_fw_rule own = masq();
	struct uw_error e;

	uw_test_sh(nft_spread);
	/* A crash left our accepts in foreign chains, and our own table. */
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &left, &e), 0);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &left2, &e), 0);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &own, &e), 0);

	assert_int_equal(uw_fw_inventory_read(full, &e), 0);
	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	inventory_same_facts(full, quick);
	/* The facts themselves, so that both reads losing one fails too. */
	assert_int_equal(quick->nft_tables, 4);
	assert_true(quick->nft_has_ours);
	assert_int_equal(quick->nft_ours_foreign_chains, 2);
	assert_int_equal(quick->foreign_masquerade, 1);
	assert_true(quick->docker_user);
	assert_string_equal(quick->docker_user_chain, "ip filter DOCKER-USER");
	assert_int_equal(quick->n_drops, 2);
	assert_string_equal(quick->drops[0].chain, "inet host fw");
	assert_false(quick->drops[0].policy_drop);
	assert_true(quick->drops[0].has_drop_rule);
	assert_string_equal(quick->drops[1].chain, "ip many fwd2");
	assert_true(quick->drops[1].policy_drop);
	/* Only the count differs: the full read counts every foreign rule
	 * (input 40, fw 1, pre 1, post 1, masq_jumped 1, fwd2 1, and the two
	 * left over), the quick one not the input and prerouting chains' 41. */
	assert_true(full->nft_rules_counted);
	assert_int_equal(full->nft_rules_foreign, 47);
	assert_false(quick->nft_rules_counted);
	assert_int_equal(quick->nft_rules_foreign, 47 - 41);
	free(full), free(quick);
}

/*
 * What a plan reads (plan, apply, watch): the same drops, DOCKER-USER,
 * tables and backend as the quick read, but none of the rules of the
 * postrouting and regular chains (a plan adds its own masquerade whatever
 * else masquerades), so neither the masquerade reached by a jump nor our
 * accept left in a regular chain is seen.
 */
static void test_inventory_plan_reads_only_what_a_plan_uses(void **state)
{
	struct uw_fw_inventory *quick = calloc(1, sizeof(*quick)), *plan = calloc(1, sizeof(*plan));
	struct uw_fw_rule left = fwd("usb0", "", "inet host fw");
	struct uw_fw_rule left2 = fwd("", "usb0", "ip many a");
	struct uw_error e;

	uw_test_sh(nft_spread);
	/* A drop in an IPv6-only forward chain: not on the phone's path. */
	uw_test_sh("nft add table ip6 six && nft 'add chain ip6 six f6 { type filter hook forward "
		   "priority 0; policy accept; }' && nft add rule ip6 six f6 drop");
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &left, &e), 0);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &left2, &e), 0);

	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	assert_int_equal(uw_fw_inventory_read_plan(plan, &e), 0);
	inventory_same_plan_facts(plan, quick);
	assert_int_equal(plan->n_drops, 2);
	assert_string_equal(plan->drops[0].chain, "inet host fw");
	assert_true(plan->drops[0].has_drop_rule);
	assert_true(plan->docker_user);
	/* What the quick read has and the plan's does not. */
	assert_int_equal(quick->foreign_masquerade, 1);
	assert_int_equal(plan->foreign_masquerade, 0);
	assert_int_equal(quick->nft_ours_foreign_chains, 2);
	assert_int_equal(plan->nft_ours_foreign_chains, 1);
	/* fw: its drop and our accept; fwd2: one rule. */
	assert_int_equal(plan->nft_rules_foreign, 3);
	assert_false(plan->nft_rules_counted);
	free(quick), free(plan);
}

/* With nothing skipped the quick read counts every rule too. */
static void test_inventory_quick_counts_when_nothing_skipped(void **state)
{
	struct uw_fw_inventory *full = calloc(1, sizeof(*full)), *quick = calloc(1, sizeof(*quick));
	struct uw_error e;

	uw_test_sh(nft_foreign);
	assert_int_equal(uw_fw_inventory_read(full, &e), 0);
	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	inventory_same_facts(full, quick);
	assert_true(quick->nft_rules_counted);
	assert_int_equal(quick->nft_rules_foreign, 2);
	assert_int_equal(full->nft_rules_foreign, 2);
	free(full), free(quick);
}

/* The one-question check that lets a fresh apply skip listing our table. */
static void test_nft_table_exists(void **state)
{
	struct uw_fw_rule own = masq();
	struct uw_error e;

	assert_int_equal(uw_nl_nft_table_exists("ip", "usbnet-wizard", &e), 0);
	/* Absent: the probe finds nothing (and lists nothing). */
	assert_int_equal(uw_fw_rule_probe(UW_FW_NFTABLES, &own, &e), 0);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &own, &e), 0);
	assert_int_equal(uw_nl_nft_table_exists("ip", "usbnet-wizard", &e), 1);
	assert_int_equal(uw_fw_rule_probe(UW_FW_NFTABLES, &own, &e), 1);
	/* Same name, other family: another table. */
	assert_int_equal(uw_nl_nft_table_exists("inet", "usbnet-wizard", &e), 0);
	assert_int_equal(uw_nl_nft_table_exists("nope", "usbnet-wizard", &e), -EINVAL);
	assert_int_equal(uw_fw_rule_del(UW_FW_NFTABLES, &own, &e), 0);
	assert_int_equal(uw_nl_nft_table_exists("ip", "usbnet-wizard", &e), 0);
}

/* The run directory of every test here (main), where the nft facts are kept. */
static char rundir[64];

/*
 * Long chains (each many rounds of a rule dump) are read side by side, one
 * thread each: the facts put together from them must be the full read's,
 * each chain's in its own place: the drop at the end of one forward chain
 * and not in the other, our accept deep in a regular chain, a masquerade at
 * the end of a postrouting chain behind 300 rules.
 */
static const char nft_long[] =
	"{ echo 'add table ip long'\n"
	"  echo 'add chain ip long fw { type filter hook forward priority 3; policy accept; }'\n"
	"  echo 'add chain ip long fw2 { type filter hook forward priority 4; policy accept; }'\n"
	"  echo 'add chain ip long post { type nat hook postrouting priority 100; policy accept; }'\n"
	"  for c in r1 r2 r3; do echo \"add chain ip long $c\"; done\n"
	"  for i in $(seq 1 300); do\n"
	"    for c in fw fw2 post r1 r2 r3; do\n"
	"      echo \"add rule ip long $c ip saddr 10.3.$((i / 256)).$((i % 256)) tcp dport $i return\"\n"
	"    done\n"
	"  done\n"
	"  echo 'add rule ip long fw ip saddr 10.9.9.9 drop'\n"
	"  echo 'add rule ip long post oifname \"up0\" masquerade'\n"
	"} | nft -f -\n";

static void test_inventory_quick_reads_long_chains_side_by_side(void **state)
{
	struct uw_fw_inventory *full = calloc(1, sizeof(*full)), *quick = calloc(1, sizeof(*quick));
	struct uw_fw_rule left = fwd("usb0", "", "ip long r2");
	struct uw_error e;

	uw_test_sh(nft_long);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &left, &e), 0);
	assert_int_equal(uw_fw_inventory_read(full, &e), 0);
	/* On 4 threads and on 1, whatever the machine's load (the saved facts
	 * removed before each read, so that each reads every chain). */
	for (const char **t = (const char *[]){ "nft-read-threads:4", "nft-read-threads:1", NULL };
	     *t; t++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -f %s/nft-facts", rundir);
		uw_test_sh(cmd);
		setenv("USBNET_WIZARD_FAULT", *t, 1);
		memset(quick, 0, sizeof(*quick));
		assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
		unsetenv("USBNET_WIZARD_FAULT");
		inventory_same_facts(full, quick);
		assert_true(quick->nft_rules_counted);
		assert_int_equal(quick->nft_rules_foreign, 6 * 300 + 2 + 1);
		assert_int_equal(full->nft_rules_foreign, quick->nft_rules_foreign);
		assert_int_equal(quick->nft_ours_foreign_chains, 1);
		assert_int_equal(quick->foreign_masquerade, 1);
		assert_int_equal(quick->n_drops, 1);
		assert_string_equal(quick->drops[0].chain, "ip long fw");
		assert_true(quick->drops[0].has_drop_rule);
	}
	free(full), free(quick);
}

/*
 * A commit between two rounds of a chain's dump (the kernel then marks it
 * interrupted): that chain is read again, not the whole ruleset through
 * libnftables (seconds on a host with 50,000 rules). The facts are the full
 * read's, and they are saved, which the fallback to the whole ruleset does
 * not do.
 */
static char *facts_text(void);

static void test_inventory_quick_reads_interrupted_chain_again(void **state)
{
	struct uw_fw_inventory *full = calloc(1, sizeof(*full)), *quick = calloc(1, sizeof(*quick));
	struct uw_error e;
	char cmd[128], *t;

	uw_test_sh(nft_long);
	assert_int_equal(uw_fw_inventory_read(full, &e), 0);
	snprintf(cmd, sizeof(cmd), "rm -f %s/nft-facts", rundir);
	uw_test_sh(cmd);
	setenv("USBNET_WIZARD_FAULT", "nft-dump-intr:2", 1);
	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	unsetenv("USBNET_WIZARD_FAULT");
	inventory_same_facts(full, quick);
	assert_int_equal(quick->nft_rules_foreign, 6 * 300 + 2);
	assert_int_equal(quick->n_drops, 1);
	t = facts_text();
	assert_non_null(t);
	assert_non_null(strstr(t, "\nchain ip long fw rules 301 ours 0 drop 1\n"));
	assert_non_null(strstr(t, "\nchain ip long r3 rules 300 ours 0 drop 0\n"));
	free(t);
	free(full), free(quick);
}

/* ---- the quick inventory's chain facts kept in <rundir>/nft-facts ---- */

static char *facts_text(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "cat %s/nft-facts 2>/dev/null", rundir);
	return uw_test_capture(cmd);
}

/* Rewrite the saved facts with sed expression @expr (same owner and mode). */
static void facts_edit(const char *expr)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "sed -i -e '%s' %s/nft-facts", expr, rundir);
	uw_test_sh(cmd);
}

static void quick_equals_full(void)
{
	struct uw_fw_inventory *full = calloc(1, sizeof(*full)), *quick = calloc(1, sizeof(*quick));
	struct uw_error e;

	assert_int_equal(uw_fw_inventory_read(full, &e), 0);
	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	inventory_same_facts(full, quick);
	assert_int_equal(quick->nft_rules_foreign, full->nft_rules_foreign - 41);
	free(full), free(quick);
}

/*
 * The facts are used only for the ruleset they were read from: any commit
 * by someone else makes them stale, our own commits carry them forward, and
 * a file of another namespace, or one anyone may write, is not believed.
 * Each step is checked against the full read (which never uses the file);
 * a planted wrong count proves when the file was used and when not.
 */
static void test_inventory_kept_facts_follow_changes(void **state)
{
	struct uw_fw_inventory *quick = calloc(1, sizeof(*quick));
	struct uw_fw_rule ours = fwd("usb0", "up0", "inet host fw");
	struct uw_error e;
	unsigned gen;
	char *t, cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -f %s/nft-facts", rundir);
	uw_test_sh(cmd);
	uw_test_sh(nft_spread);
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &ours, &e), 0);
	quick_equals_full();
	/* Saved, stamped with this ruleset's generation. */
	assert_int_equal(uw_nl_nft_generation(&gen, NULL, &e), 0);
	t = facts_text();
	snprintf(cmd, sizeof(cmd), "\ngen %u netns ", gen);
	assert_non_null(strstr(t, cmd));
	assert_non_null(strstr(t, "\nchain inet host fw rules 2 ours 1 drop 1\n"));
	/* The masquerade's chain is read from nft's text each time. */
	assert_null(strstr(t, "masq_jumped"));
	free(t);

	/* Used while the ruleset is unchanged: a planted count shows through. */
	facts_edit("s/^chain ip many fwd2 rules 1 /chain ip many fwd2 rules 1001 /");
	assert_int_equal(uw_fw_inventory_read_quick(quick, &e), 0);
	/* fw 2 (with ours), post 1, masq_jumped 1, fwd2 1: 5, and the planted 1000 */
	assert_int_equal(quick->nft_rules_foreign, 5 + 1000);
	assert_int_equal(quick->nft_ours_foreign_chains, 1);

	/* Someone else's commit: read again, the planted count is gone. */
	uw_test_sh("nft add rule ip many fwd2 ip saddr 10.9.9.9 drop");
	quick_equals_full();
	t = facts_text();
	assert_non_null(strstr(t, "\nchain ip many fwd2 rules 2 ours 0 drop 1\n"));
	free(t);

	/* Our own commit (our accept leaves the foreign chain) carries the facts
	 * to the new generation, with our rule taken away. */
	assert_int_equal(uw_fw_rule_del(UW_FW_NFTABLES, &ours, &e), 0);
	assert_int_equal(uw_nl_nft_generation(&gen, NULL, &e), 0);
	t = facts_text();
	snprintf(cmd, sizeof(cmd), "\ngen %u netns ", gen);
	assert_non_null(strstr(t, cmd));
	assert_non_null(strstr(t, "\nchain inet host fw rules 1 ours 0 drop 1\n"));
	free(t);
	quick_equals_full();
	/* And back in. */
	assert_int_equal(uw_fw_rule_add(UW_FW_NFTABLES, &ours, &e), 0);
	t = facts_text();
	assert_non_null(strstr(t, "\nchain inet host fw rules 2 ours 1 drop 1\n"));
	free(t);
	quick_equals_full();

	/* Not believed: a file others may write, or another namespace's. */
	facts_edit("s/^chain ip many fwd2 rules 2 /chain ip many fwd2 rules 1002 /");
	snprintf(cmd, sizeof(cmd), "chmod 0666 %s/nft-facts", rundir);
	uw_test_sh(cmd);
	quick_equals_full();
	snprintf(cmd, sizeof(cmd), "chmod 0600 %s/nft-facts", rundir);
	uw_test_sh(cmd);
	facts_edit("s/^chain ip many fwd2 rules 2 /chain ip many fwd2 rules 1002 /");
	facts_edit("s/ netns \\([0-9]*\\)$/ netns 1\\1/");
	quick_equals_full();
	free(quick);
}

/*
 * What the quick read relies on: the kernel refuses a masquerade in any base
 * chain but a nat one on postrouting, directly or through a jump. If a kernel
 * ever allowed it, the skipped chains could hide one.
 */
static void test_kernel_refuses_masquerade_off_postrouting(void **state)
{
	uw_test_sh("nft add table ip t && "
		   "nft 'add chain ip t pre { type nat hook prerouting priority dstnat; }' && "
		   "nft 'add chain ip t in { type filter hook input priority 0; }' && "
		   "nft add chain ip t reg && nft add rule ip t reg masquerade");
	assert_int_not_equal(system("nft add rule ip t pre masquerade 2>/dev/null"), 0);
	assert_int_not_equal(system("nft add rule ip t in masquerade 2>/dev/null"), 0);
	assert_int_not_equal(system("nft add rule ip t pre jump reg 2>/dev/null"), 0);
	assert_int_not_equal(system("nft add rule ip t in jump reg 2>/dev/null"), 0);
}

/*
 * The accept really opens a foreign dropping chain: a "phone" namespace
 * behind usb0 pings an "upstream" namespace through this one, with our
 * masquerade (own table) and our accepts (in `inet filter forward`, policy
 * drop).
 */
static void test_nft_forward_accept_lets_traffic_through(void **state)
{
	struct uw_fw_rule rules[] = { masq(), fwd("usb0", "", "inet filter forward"),
				      fwd("", "usb0", "inet filter forward") };
	char ph[32], up[32], cmd[1024];
	struct uw_error e;
	int ok;

	snprintf(ph, sizeof(ph), "uwfw%d-ph", (int)getpid());
	snprintf(up, sizeof(up), "uwfw%d-up", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "set -e; ip netns add %1$s; ip netns add %2$s;"
		 "ip link add usb0 type veth peer name p0; ip link set p0 netns %1$s;"
		 "ip link add up0 type veth peer name u0; ip link set u0 netns %2$s;"
		 "ip addr add 192.168.0.200/24 dev usb0; ip link set usb0 up;"
		 "ip addr add 203.0.113.2/24 dev up0; ip link set up0 up;"
		 "ip -n %1$s addr add 192.168.0.202/24 dev p0; ip -n %1$s link set p0 up;"
		 "ip -n %1$s route add default via 192.168.0.200;"
		 "ip -n %2$s addr add 203.0.113.1/24 dev u0; ip -n %2$s link set u0 up;"
		 "echo 1 > /proc/sys/net/ipv4/ip_forward",
		 ph, up);
	ok = system(cmd);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s ping -c1 -W1 203.0.113.1 >/dev/null 2>&1",
		 ph);
	/*
	 * No assert until the named namespaces are deleted below: a failing
	 * assert jumps out of the test and would leave them behind.
	 */
	if (ok == 0)
		ok = system(nft_foreign) == 0 ? 0 : 3;
	if (ok == 0)
		ok = system(cmd) != 0 ? 0 : 4; /* dropped */
	for (size_t i = 0; ok == 0 && i < UW_ARRAY_SIZE(rules); i++)
		ok = uw_fw_rule_add(UW_FW_NFTABLES, &rules[i], &e) == 0 ? 0 : 5;
	if (ok == 0)
		ok = system(cmd); /* passes now */
	for (size_t i = 0; i < UW_ARRAY_SIZE(rules); i++)
		if (uw_fw_rule_del(UW_FW_NFTABLES, &rules[i], &e) != 0 && ok == 0)
			ok = 6;
	if (ok == 0)
		ok = system(cmd) != 0 ? 0 : 2; /* dropped again */
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ph,
		 up);
	(void)!system(cmd);
	assert_int_equal(ok, 0);
}

/* Another process holds the xtables lock: we wait, then fail clearly
 * without touching the table; once it is released we succeed. */
static pid_t hold_lock(int ms)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(lockfile, O_CREAT | O_RDONLY, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		(void)!write(p[1], "x", 1);
		usleep((useconds_t)ms * 1000);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void test_legacy_lock_held(void **state)
{
	struct uw_fw_rule r = masq();
	struct uw_error e;
	struct timespec t0, t1;
	char *l0, *l1;
	pid_t pid;
	int st;
	long ms;

	uw_test_sh(legacy_foreign);
	l0 = legacy_listing();
	pid = hold_lock(1500);
	uw_fw_lock_timeout_set(200);
	assert_int_equal(uw_fw_rule_add(UW_FW_IPTABLES, &r, &e), -EBUSY);
	assert_non_null(strstr(e.msg, lockfile));
	assert_int_equal(uw_fw_remove_all_ours(UW_FW_IPTABLES, &e), -EBUSY);
	l1 = legacy_listing();
	assert_string_equal(l0, l1);
	assert_int_equal(waitpid(pid, &st, 0), pid);

	/* Held for 300 ms while we may wait 5 s: we wait, then add. */
	uw_fw_lock_timeout_set(5000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = hold_lock(300);
	assert_int_equal(uw_fw_rule_add(UW_FW_IPTABLES, &r, &e), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 250);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(uw_fw_rule_probe(UW_FW_IPTABLES, &r, &e), 1);
	free(l0), free(l1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend_names),
		cmocka_unit_test(test_describe_and_shell_text),
		cmocka_unit_test_setup(test_bad_input_changes_nothing, fresh_netns),
		cmocka_unit_test_setup(test_legacy_rules, fresh_netns),
		cmocka_unit_test_setup(test_legacy_docker_user, fresh_netns),
		cmocka_unit_test_setup(test_nft_rules_own_table, fresh_netns),
		cmocka_unit_test_setup(test_nft_rules_foreign_chain, fresh_netns),
		cmocka_unit_test_setup(test_nft_batch_matches_shell, fresh_netns),
		cmocka_unit_test_setup(test_nft_shell_rules_are_ours, fresh_netns),
		cmocka_unit_test_setup(test_nft_refused_batch_changes_nothing, fresh_netns),
		cmocka_unit_test_setup(test_nft_other_backend_untouched, fresh_netns),
		cmocka_unit_test_setup(test_inventory_empty_reads_only, fresh_netns),
		cmocka_unit_test_setup(test_inventory_legacy, fresh_netns),
		cmocka_unit_test_setup(test_inventory_nft, fresh_netns),
		cmocka_unit_test_setup(test_inventory_quick_keeps_facts, fresh_netns),
		cmocka_unit_test_setup(test_inventory_plan_reads_only_what_a_plan_uses, fresh_netns),
		cmocka_unit_test_setup(test_inventory_quick_counts_when_nothing_skipped, fresh_netns),
		cmocka_unit_test_setup(test_inventory_quick_reads_long_chains_side_by_side, fresh_netns),
		cmocka_unit_test_setup(test_inventory_quick_reads_interrupted_chain_again, fresh_netns),
		cmocka_unit_test_setup(test_inventory_kept_facts_follow_changes, fresh_netns),
		cmocka_unit_test_setup(test_nft_table_exists, fresh_netns),
		cmocka_unit_test_setup(test_kernel_refuses_masquerade_off_postrouting, fresh_netns),
		cmocka_unit_test_setup(test_nft_forward_accept_lets_traffic_through, fresh_netns),
		cmocka_unit_test_setup(test_legacy_lock_held, fresh_netns),
	};
	int fd, r;

	uw_test_private_netns();
	/* Our own lock file: the tests never wait on (or hold) the machine's
	 * /run/xtables.lock; iptables-legacy run by the tests honours it too. */
	snprintf(lockfile, sizeof(lockfile), "/tmp/uw-test-fw-lock-XXXXXX");
	fd = mkstemp(lockfile);
	if (fd < 0)
		return 1;
	close(fd);
	setenv("XTABLES_LOCKFILE", lockfile, 1);
	/* The quick inventory keeps its chain facts in the runtime directory:
	 * ours, never the machine's /run/usbnet-wizard. */
	snprintf(rundir, sizeof(rundir), "/tmp/uw-test-fw-run-XXXXXX");
	if (!mkdtemp(rundir))
		return 1;
	setenv("USBNET_WIZARD_RUNDIR", rundir, 1);
	r = cmocka_run_group_tests_name("fw", tests, NULL, NULL);
	unlink(lockfile);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", rundir);
		if (system(cmd) != 0)
			r = 1;
	}
	return r;
}
