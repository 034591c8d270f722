/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The fuzz targets' bodies, shared by two callers:
 *   tests/fuzz/fuzz-NAME.c      libFuzzer's LLVMFuzzerTestOneInput (make fuzz)
 *   tests/test-fuzz-regress.c   a cmocka test feeding every file of
 *                               tests/fuzz/corpus/ and tests/fuzz/regress/ (make check)
 *
 * Each target calls one family of parsers/validators on arbitrary bytes and
 * checks properties their headers promise (a parse of a canonical address
 * prints back the same text, a failing setter changes nothing, a journal
 * line survives a write/read round trip, ...). A broken property calls
 * UW_FUZZ_FAIL, which the includer may define (the cmocka test makes it a
 * test failure); the default prints and aborts, which libFuzzer reports as
 * a crash with the input saved.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/choices.h"
#include "core/error.h"
#include "core/ip4.h"
#include "core/phonecheck.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/profile.h"
#include "core/resolv.h"

#ifndef UW_FUZZ_FAIL
#define UW_FUZZ_FAIL(what)                                                  \
	do {                                                                \
		fprintf(stderr, "fuzz property broken at %s:%d: %s\n", __FILE__, \
			__LINE__, what);                                    \
		abort();                                                    \
	} while (0)
#endif

#define UW_FUZZ_CHECK(cond)                   \
	do {                                  \
		if (!(cond))                  \
			UW_FUZZ_FAIL(#cond);  \
	} while (0)

/* Most parsers take C strings: copy the bytes and NUL-terminate them (an
 * embedded NUL simply ends the string early, as it would from a file). */
static inline char *uw_fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A failing function must say why: code negative and a sentence. */
static inline void uw_fuzz_check_err(int rc, const struct uw_error *err)
{
	UW_FUZZ_CHECK(rc < 0);
	UW_FUZZ_CHECK(err->code < 0);
	UW_FUZZ_CHECK(err->msg[0] != '\0');
	UW_FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
}

/* A fixed-size text field must be NUL-terminated inside its array. */
#define UW_FUZZ_TERMINATED(arr) UW_FUZZ_CHECK(memchr((arr), '\0', sizeof(arr)) != NULL)

/* ---- resolv: uw_resolv_parse ------------------------------------------- */

static inline int uw_fuzz_resolv(const uint8_t *data, size_t size)
{
	struct uw_resolv r, r2;
	struct uw_error err;
	int rc;

	/* Raw bytes, not NUL-terminated: the parser takes a length. */
	rc = uw_resolv_parse((const char *)data, size, &r, &err);
	UW_FUZZ_CHECK(rc == 0); /* "never fails on content" */
	UW_FUZZ_CHECK(r.n_ns <= UW_RESOLV_MAX_NS);
	UW_FUZZ_CHECK(r.n_search <= UW_RESOLV_MAX_SEARCH);
	UW_FUZZ_TERMINATED(r.options);
	UW_FUZZ_CHECK(r.n_bad_lines == 0 || r.first_bad_line > 0);
	for (size_t i = 0; i < r.n_ns; i++) {
		UW_FUZZ_TERMINATED(r.ns[i].text);
		UW_FUZZ_CHECK(r.ns[i].family == AF_INET || r.ns[i].family == AF_INET6);
		UW_FUZZ_CHECK(r.ns[i].text[0] != '\0');
	}
	for (size_t i = 0; i < r.n_search; i++)
		UW_FUZZ_TERMINATED(r.search[i]);
	UW_FUZZ_CHECK(uw_resolv_count_usable(&r) <= r.n_ns);
	if (uw_resolv_only_loopback(&r))
		UW_FUZZ_CHECK(r.n_ns > 0 && uw_resolv_count_usable(&r) == 0);
	/* Deterministic: the same bytes give the same answer. */
	rc = uw_resolv_parse((const char *)data, size, &r2, &err);
	UW_FUZZ_CHECK(rc == 0);
	UW_FUZZ_CHECK(r2.n_ns == r.n_ns && r2.n_search == r.n_search &&
		      r2.n_bad_lines == r.n_bad_lines && !strcmp(r2.options, r.options));
	return 0;
}

/* ---- ip4: addresses, netmasks, CIDR, interface names -------------------- */

static inline int uw_fuzz_ip4(const uint8_t *data, size_t size)
{
	char *s = uw_fuzz_cstr(data, size);
	struct uw_error err;
	struct in_addr a, before;
	struct uw_ip4_net net;
	unsigned plen;
	char buf[UW_IP4_STRLEN];
	int rc;

	/* Strict parse: whatever it accepts is the canonical dotted quad, so
	 * printing it back gives the same text; a failure leaves @out alone. */
	memset(&a, 0xa5, sizeof(a));
	before = a;
	uw_error_clear(&err);
	rc = uw_ip4_parse(s, &a, "fuzzed address", &err);
	if (rc == 0)
		UW_FUZZ_CHECK(!strcmp(uw_ip4_str(a, buf), s));
	else {
		uw_fuzz_check_err(rc, &err);
		UW_FUZZ_CHECK(a.s_addr == before.s_addr);
	}

	uw_error_clear(&err);
	plen = 99;
	rc = uw_ip4_parse_mask(s, &plen, &err);
	if (rc == 0) {
		UW_FUZZ_CHECK(plen <= 32);
		/* The dotted form of what we understood parses back to the same length. */
		unsigned plen2 = 99;
		UW_FUZZ_CHECK(uw_ip4_parse_mask(uw_ip4_mask_str(plen, buf), &plen2, NULL) == 0);
		UW_FUZZ_CHECK(plen2 == plen);
	} else
		uw_fuzz_check_err(rc, &err);

	uw_error_clear(&err);
	rc = uw_ip4_parse_cidr(s, &net, "fuzzed network", &err);
	if (rc == 0) {
		UW_FUZZ_CHECK(net.plen <= 32);
		UW_FUZZ_CHECK(strchr(s, '/') != NULL);
		UW_FUZZ_CHECK(uw_ip4_net_contains(&net, uw_ip4_network(net.addr, net.plen)));
		UW_FUZZ_CHECK(uw_ip4_net_overlaps(&net, &net));
	} else
		uw_fuzz_check_err(rc, &err);

	uw_error_clear(&err);
	rc = uw_ifname_check(s, &err);
	if (rc == 0) {
		size_t n = strlen(s);
		UW_FUZZ_CHECK(n >= 1 && n < UW_IFNAME_MAX);
		UW_FUZZ_CHECK(strcmp(s, ".") && strcmp(s, ".."));
		for (const char *p = s; *p; p++)
			UW_FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789_.@:-", *p) != NULL);
	} else
		uw_fuzz_check_err(rc, &err);

	/* The pair check on addresses taken from the raw bytes. */
	if (size >= 9) {
		struct in_addr h, p;
		memcpy(&h, data, 4);
		memcpy(&p, data + 4, 4);
		uw_error_clear(&err);
		rc = uw_ip4_check_pair(h, p, data[8] % 34, &err);
		if (rc < 0)
			uw_fuzz_check_err(rc, &err);
		else
			UW_FUZZ_CHECK(h.s_addr != p.s_addr && data[8] % 34 <= 32);
	}
	free(s);
	return 0;
}

/* ---- journal: uw_action_from_line / _to_line, and the journal file ------ */

/* Round trip: an action we read, written again, reads back the same action
 * (all of it, the captured prior state too: revert depends on it). */
static inline void uw_fuzz_action_roundtrip(const struct uw_action *a)
{
	struct uw_action b;
	struct uw_error err;
	char line[2048], line2[2048];
	int rc;

	UW_FUZZ_CHECK((unsigned)a->kind < UW_ACT__COUNT);
	UW_FUZZ_TERMINATED(a->iface);
	UW_FUZZ_TERMINATED(a->sysctl);
	UW_FUZZ_TERMINATED(a->value);
	UW_FUZZ_TERMINATED(a->old_value);
	UW_FUZZ_TERMINATED(a->rule.chain);
	rc = uw_action_to_line(a, line, sizeof(line));
	UW_FUZZ_CHECK(rc == 0);
	UW_FUZZ_CHECK(strchr(line, '\n') == NULL);
	uw_error_clear(&err);
	rc = uw_action_from_line(line, &b, &err);
	if (rc < 0)
		fprintf(stderr, "re-serialized line does not parse: %s\n", line);
	UW_FUZZ_CHECK(rc == 0);
	UW_FUZZ_CHECK(uw_action_same(a, &b));
	/* "why" is plain words for the screen, never journaled. */
	UW_FUZZ_CHECK(memcmp(a, &b, offsetof(struct uw_action, why)) == 0);
	UW_FUZZ_CHECK(!strcmp(a->old_value, b.old_value) && a->was_up == b.was_up);
	/* And the writer is a fixed point from there on. */
	UW_FUZZ_CHECK(uw_action_to_line(&b, line2, sizeof(line2)) == 0);
	UW_FUZZ_CHECK(!strcmp(line, line2));
	/* The describers must cope with anything the journal can hold. */
	uw_action_describe(a, line2, sizeof(line2));
	UW_FUZZ_TERMINATED(line2);
	uw_action_shell(a, false, line2, sizeof(line2));
	UW_FUZZ_TERMINATED(line2);
	uw_action_shell(a, true, line2, sizeof(line2));
	UW_FUZZ_TERMINATED(line2);
}

/* A private runtime directory for the journal file (made once, removed at exit). */
static char uw_fuzz_rundir[64];

static inline void uw_fuzz_rundir_cleanup(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/journal", uw_fuzz_rundir);
	unlink(p);
	rmdir(uw_fuzz_rundir);
}

static inline const char *uw_fuzz_journal_path(void)
{
	static char p[128];

	if (!uw_fuzz_rundir[0]) {
		snprintf(uw_fuzz_rundir, sizeof(uw_fuzz_rundir), "/tmp/uw-fuzz-run.XXXXXX");
		if (!mkdtemp(uw_fuzz_rundir))
			abort();
		setenv("USBNET_WIZARD_RUNDIR", uw_fuzz_rundir, 1);
		atexit(uw_fuzz_rundir_cleanup);
		snprintf(p, sizeof(p), "%s/journal", uw_fuzz_rundir);
	}
	return p;
}

/*
 * The input is both one journal line (uw_action_from_line) and a whole
 * journal file (uw_journal_read, which is what `revert` trusts after a
 * crash): whatever either accepts must round-trip.
 */
static inline int uw_fuzz_journal(const uint8_t *data, size_t size)
{
	char *s = uw_fuzz_cstr(data, size);
	struct uw_journal *j;
	struct uw_action a;
	struct uw_error err;
	FILE *f;
	int rc;

	uw_error_clear(&err);
	rc = uw_action_from_line(s, &a, &err);
	if (rc < 0)
		uw_fuzz_check_err(rc, &err);
	else
		uw_fuzz_action_roundtrip(&a);
	free(s);

	f = fopen(uw_fuzz_journal_path(), "we");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	j = malloc(sizeof(*j));
	if (!j)
		abort();
	uw_error_clear(&err);
	rc = uw_journal_read(j, &err);
	if (rc < 0)
		uw_fuzz_check_err(rc, &err);
	UW_FUZZ_CHECK(j->n_live <= UW_JOURNAL_MAX);
	UW_FUZZ_CHECK(j->exists);
	for (size_t i = 0; i < j->n_live; i++)
		uw_fuzz_action_roundtrip(&j->live[i]);
	free(j);
	return 0;
}

/* ---- phone output: uw_phonecheck_parse_* and interfaces_add -------------- */

static inline int uw_fuzz_phonecheck(const uint8_t *data, size_t size)
{
	char *s = uw_fuzz_cstr(data, size);
	char gw[64], dev[32], addr[64];
	char list[4][64];
	struct uw_error err;
	char *out = NULL;
	int n, rc;
	struct uw_phonecheck_params prm = {
		.desktop_ip = "192.168.0.200",
		.outside_ip = "203.0.113.1",
		.test_name = "phone-test.example",
		.iface = "usb0",
		.nameservers = { "203.0.113.53", "198.51.100.53" },
		.n_nameservers = 2,
	};

	n = uw_phonecheck_parse_ping(s);
	UW_FUZZ_CHECK(n == 0 || n == 1);

	memset(gw, 'x', sizeof(gw));
	memset(dev, 'x', sizeof(dev));
	n = uw_phonecheck_parse_default_route(s, gw, sizeof(gw), dev, sizeof(dev));
	UW_FUZZ_CHECK(n == 0 || n == 1);
	if (n == 1) {
		UW_FUZZ_TERMINATED(gw);
		UW_FUZZ_TERMINATED(dev);
	}

	memset(list, 'x', sizeof(list));
	n = uw_phonecheck_parse_resolv(s, list, 4);
	UW_FUZZ_CHECK(n >= 0 && n <= 4);
	for (int i = 0; i < n; i++)
		UW_FUZZ_TERMINATED(list[i]);

	memset(addr, 'x', sizeof(addr));
	n = uw_phonecheck_parse_lookup(s, prm.test_name, addr, sizeof(addr));
	UW_FUZZ_CHECK(n == 0 || n == 1);
	if (n == 1)
		UW_FUZZ_TERMINATED(addr);

	memset(list, 'x', sizeof(list));
	n = uw_phonecheck_parse_ipv4_addrs(s, list, 4);
	UW_FUZZ_CHECK(n >= 0 && n <= 4);
	for (int i = 0; i < n; i++) {
		UW_FUZZ_TERMINATED(list[i]);
		UW_FUZZ_CHECK(!uw_phonecheck_is_loopback(list[i]));
	}

	/* interfaces_add only inserts: the old content survives around our lines,
	 * and a second call finds them and adds nothing. */
	uw_error_clear(&err);
	rc = uw_phonecheck_interfaces_add(s, &prm, &out, &err);
	if (rc == 0) {
		size_t in = strlen(s), on = strlen(out), pre = 0, suf = 0;
		char *again = NULL;

		UW_FUZZ_CHECK(on > in);
		while (pre < in && out[pre] == s[pre])
			pre++;
		while (suf < in - pre && out[on - 1 - suf] == s[in - 1 - suf])
			suf++;
		UW_FUZZ_CHECK(pre + suf == in);
		uw_error_clear(&err);
		UW_FUZZ_CHECK(uw_phonecheck_interfaces_add(out, &prm, &again, &err) == -EEXIST);
		UW_FUZZ_CHECK(again == NULL);
		free(out);
	} else {
		uw_fuzz_check_err(rc, &err);
		UW_FUZZ_CHECK(out == NULL);
	}
	free(s);
	return 0;
}

/* ---- CLI arguments: the choices setters behind every option -------------- */

/*
 * uw_cli_plan_from_args reads the live host (facts, detection), so the text
 * of each option goes straight to the setters it would reach. The input is
 * lines "K VALUE": K picks the setter (the option), VALUE is what was typed.
 */
static inline int uw_fuzz_choices(const uint8_t *data, size_t size)
{
	char *s = uw_fuzz_cstr(data, size), *line, *save = NULL;
	struct uw_choices c, before;
	struct uw_error err;

	uw_choices_init(&c);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *v = line[0] ? line + 1 : line;
		int rc;

		if (*v == ' ')
			v++;
		before = c;
		uw_error_clear(&err);
		switch (line[0] % 10) {
		case 0: rc = uw_choices_set_preset(&c, v, &err); break;
		case 1: rc = uw_choices_set_iface(&c, v, &err); break;
		case 2: rc = uw_choices_set_out_iface(&c, v, &err); break;
		case 3: rc = uw_choices_set_host_ip(&c, v, &err); break;
		case 4: rc = uw_choices_set_phone_ip(&c, v, &err); break;
		case 5: rc = uw_choices_set_netmask(&c, v, &err); break;
		case 6: rc = uw_choices_set_dns_mode(&c, v, &err); break;
		case 7: rc = uw_choices_add_dns_server(&c, v, &err); break;
		case 8: rc = uw_choices_set_fw(&c, v, &err); break;
		default: rc = uw_choices_set_preset(&c, NULL, &err); break;
		}
		if (rc < 0) {
			/* "on error nothing changes" */
			uw_fuzz_check_err(rc, &err);
			UW_FUZZ_CHECK(memcmp(&c, &before, sizeof(c)) == 0);
		}
		UW_FUZZ_CHECK(c.preset != NULL);
		UW_FUZZ_CHECK(c.plen <= 32);
		UW_FUZZ_CHECK(c.n_dns_servers <= UW_MAX_DNS);
		UW_FUZZ_TERMINATED(c.iface);
		UW_FUZZ_TERMINATED(c.out_iface);
		if (c.iface[0])
			UW_FUZZ_CHECK(uw_ifname_check(c.iface, NULL) == 0);
		if (c.out_iface[0])
			UW_FUZZ_CHECK(uw_ifname_check(c.out_iface, NULL) == 0);
		UW_FUZZ_CHECK(strcmp(uw_dns_mode_name(c.dns), "?") != 0);
	}
	free(s);
	return 0;
}

/* ---- profile file: uw_profile_parse / uw_profile_format ----------------- */

/*
 * Whatever the parser accepts, written back by uw_profile_format, parses to
 * the same profile; what it refuses leaves @p as it was and names the line.
 */
static inline int uw_fuzz_profile(const uint8_t *data, size_t size)
{
	char *s = uw_fuzz_cstr(data, size), *text;
	struct uw_profile p, keep, q;
	struct uw_error err;
	int rc;

	uw_profile_init(&p);
	/* A profile that differs from the defaults, so "unchanged" means something. */
	UW_FUZZ_CHECK(uw_choices_set_iface(&p.choices, "usb7", NULL) == 0);
	UW_FUZZ_CHECK(uw_profile_set_match_name(&p, "usb*", NULL) == 0);
	keep = p;
	uw_error_clear(&err);
	rc = uw_profile_parse(s, "fuzzed", &p, &err);
	if (rc < 0) {
		uw_fuzz_check_err(rc, &err);
		UW_FUZZ_CHECK(strncmp(err.msg, "fuzzed", 6) == 0);
		UW_FUZZ_CHECK(memcmp(&p, &keep, sizeof(p)) == 0);
		free(s);
		return 0;
	}
	UW_FUZZ_TERMINATED(p.match_driver);
	UW_FUZZ_TERMINATED(p.match_name);
	UW_FUZZ_CHECK(p.choices.preset != NULL && p.choices.plen <= 32);
	UW_FUZZ_CHECK(p.choices.n_dns_servers <= UW_MAX_DNS);
	text = uw_profile_format(&p);
	UW_FUZZ_CHECK(text != NULL);
	uw_profile_init(&q);
	uw_error_clear(&err);
	rc = uw_profile_parse(text, "formatted", &q, &err);
	if (rc < 0)
		fprintf(stderr, "formatted profile does not parse: %s\n---\n%s---\n", err.msg, text);
	UW_FUZZ_CHECK(rc == 0);
	UW_FUZZ_CHECK(memcmp(&p.choices, &q.choices, sizeof(p.choices)) == 0);
	UW_FUZZ_CHECK(p.match_usb == q.match_usb && p.usb_vendor == q.usb_vendor &&
		      p.usb_product == q.usb_product);
	UW_FUZZ_CHECK(!strcmp(p.match_driver, q.match_driver) && !strcmp(p.match_name, q.match_name));
	free(text);
	free(s);
	return 0;
}

/* The table both callers walk: the corpus directories are named after these. */
struct uw_fuzz_target {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
};

static const struct uw_fuzz_target uw_fuzz_targets[] __attribute__((unused)) = {
	{ "resolv", uw_fuzz_resolv },
	{ "ip4", uw_fuzz_ip4 },
	{ "journal", uw_fuzz_journal },
	{ "phonecheck", uw_fuzz_phonecheck },
	{ "choices", uw_fuzz_choices },
	{ "profile", uw_fuzz_profile },
};
