// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the front ends show, rendered once (core/text.c): golden files for the
 * doctor's findings, the phone checks, the persist file list and the plan
 * summary, from fixed data. The CLI, the wizard and the report call these
 * renderers and present the bytes as they are (tests/sys/t-report.sh compares
 * the CLI's output with the report's sections on a live testbed).
 * UW_UPDATE_GOLDEN=1 rewrites tests/golden/text/ from the renderers.
 */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <limits.h>

#include "core/doctor.h"
#include "core/facts.h"
#include "core/persist.h"
#include "core/phonecheck.h"
#include "core/plan.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/util.h"

static char golden_dir[1024];

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	struct uw_strbuf b = UW_STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		uw_strbuf_append_len(&b, buf, n);
	fclose(f);
	return uw_strbuf_steal(&b);
}

/* @got must be the golden file @name to the byte. */
static void golden(const char *name, const char *got)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", golden_dir, name);
	if (getenv("UW_UPDATE_GOLDEN")) {
		FILE *f = fopen(p, "we");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	_auto_(free) char *want = read_all(p);
	if (!want)
		fail_msg("missing golden %s (run with UW_UPDATE_GOLDEN=1)", p);
	if (strcmp(want, got))
		fail_msg("%s differs:\n--- want\n%s--- got\n%s", p, want, got);
}

static void finding(struct uw_doctor *d, const char *id, enum uw_doctor_severity sev, bool fixable,
		    const char *title, const char *ev, const char *why, const char *fix)
{
	struct uw_finding *f = &d->findings[d->n++];

	uw_strlcpy(f->id, id, sizeof(f->id));
	f->severity = sev;
	f->fixable = fixable;
	uw_strlcpy(f->title, title, sizeof(f->title));
	uw_strlcpy(f->evidence, ev, sizeof(f->evidence));
	uw_strlcpy(f->explanation, why, sizeof(f->explanation));
	uw_strlcpy(f->fix, fix, sizeof(f->fix));
}

static void test_doctor_findings(void **state)
{
	struct uw_doctor *d = calloc(1, sizeof(*d));
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	finding(d, "iface", UW_DOC_OK, false, "The phone's interface usb0 is up", "usb0 up", "", "");
	finding(d, "ip-forward", UW_DOC_ERROR, true, "IPv4 forwarding is off",
		"net.ipv4.ip_forward = 0", "The desktop drops what the phone sends on.",
		"switch forwarding on");
	finding(d, "dns-stub", UW_DOC_INFO, false, "DNS goes to a loopback stub", "nameserver 127.0.0.53",
		"The phone cannot use 127.0.0.53.", "use --dns proxy");
	finding(d, "forward-drop", UW_DOC_WARN, false, "Docker drops forwarded traffic", "",
		"FORWARD policy drop.", "");
	uw_text_doctor_findings(d, &b);
	golden("doctor.txt", uw_strbuf_str(&b));
	free(d);
}

static void check(struct uw_check *c, enum uw_check_id id, enum uw_check_status st, const char *title,
		  const char *ev, const char *why, enum uw_fix_id fix)
{
	c->id = id;
	c->name = "name";
	c->title = title;
	c->status = st;
	c->evidence = (char *)ev;
	c->explanation = (char *)why;
	c->fix = fix;
}

static void fill_checks(struct uw_check c[UW_CHECK__COUNT])
{
	check(&c[0], UW_CHECK_HOST_REACH, UW_CHECK_PASS, "The phone reaches this computer",
	      "$ ping -c1 192.168.0.200\nPING ...", "It answered.", UW_FIX_NONE);
	/* blank lines are not shown; at most eight lines of evidence */
	check(&c[1], UW_CHECK_ROUTE, UW_CHECK_FAIL, "The phone's default route goes via this computer",
	      "$ ip route\n\n1\n2\n3\n4\n5\n6\n7\n8 (not shown)\n", "No default route.", UW_FIX_ROUTE);
	check(&c[2], UW_CHECK_OUTSIDE, UW_CHECK_SKIP, "The phone reaches an outside address", "",
	      "Not checked: no route.", UW_FIX_HOST_SIDE);
	check(&c[3], UW_CHECK_RESOLV, UW_CHECK_WARN, "The phone's resolv.conf names a usable server",
	      "nameserver 127.0.0.1", "A loopback server.", UW_FIX_RESOLV);
	check(&c[4], UW_CHECK_DNS, UW_CHECK_FAIL, "A name resolves on the phone", "no answer",
	      "Nothing resolves.", UW_FIX_PERSIST);
}

static void test_checks(void **state)
{
	struct uw_check c[UW_CHECK__COUNT];
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	fill_checks(c);
	uw_text_checks(c, UW_CHECK__COUNT, &b);
	golden("checks.txt", uw_strbuf_str(&b));
}

/* The wizard's detail under each check is `check`'s block under the title, unindented. */
static void test_check_detail_is_the_checks_block(void **state)
{
	struct uw_check c[UW_CHECK__COUNT];
	_auto_strbuf_ struct uw_strbuf all = UW_STRBUF_INIT, mine = UW_STRBUF_INIT;

	fill_checks(c);
	uw_text_checks(c, UW_CHECK__COUNT, &all);
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		_auto_strbuf_ struct uw_strbuf d = UW_STRBUF_INIT;
		static const char *const mark[] = { "[ ok ]", "[FAIL]", "[warn]", "[skip]" };

		uw_strbuf_printf(&mine, "%s %s\n", mark[c[i].status], c[i].title);
		uw_text_check_detail(&c[i], &d);
		for (const char *l = uw_strbuf_str(&d); *l;) {
			size_t k = strcspn(l, "\n");
			uw_strbuf_printf(&mine, "       %.*s\n", (int)k, l);
			l += k + (l[k] == '\n');
		}
	}
	assert_string_equal(uw_strbuf_str(&all), uw_strbuf_str(&mine));
}

static void test_persist_files(void **state)
{
	struct uw_persist_file f[2] = { 0 };
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT, nowhy = UW_STRBUF_INIT;

	uw_strlcpy(f[0].path, "/etc/network/interfaces.d/usbnet-wizard-usb0", sizeof(f[0].path));
	f[0].mode = 0644;
	f[0].content = (char *)"allow-hotplug usb0\niface usb0 inet static\n";
	uw_strlcpy(f[1].path, "/etc/systemd/network/usb0.link", sizeof(f[1].path));
	uw_strlcpy(f[1].link_target, "/dev/null", sizeof(f[1].link_target));
	uw_text_persist_files(f, 2, UW_PERSIST_IFUPDOWN, "ifupdown manages the interfaces", &b);
	golden("persist.txt", uw_strbuf_str(&b));
	/* --target given: no reason */
	uw_text_persist_files(f, 2, UW_PERSIST_IFUPDOWN, NULL, &nowhy);
	assert_non_null(strstr(uw_strbuf_str(&nowhy), ")\n\n==> "));
	assert_null(strstr(uw_strbuf_str(&nowhy), "Chosen because"));
}

static void test_plan_summary(void **state)
{
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_facts *fa = calloc(1, sizeof(*fa));
	struct uw_choices c;
	struct uw_error e;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT, steps = UW_STRBUF_INIT;

	/* the desktop of tests/test-plan.c: lan0 198.51.100.2/24, default via .1 */
	struct uw_facts_route *r = &fa->routes[fa->n_routes++];
	uw_strlcpy(r->dev, "lan0", sizeof(r->dev));
	inet_pton(AF_INET, "198.51.100.2", &r->address);
	r->is_address = true;
	r->net.plen = 24;
	inet_pton(AF_INET, "198.51.100.0", &r->net.addr);
	r = &fa->routes[fa->n_routes++];
	uw_strlcpy(r->dev, "lan0", sizeof(r->dev));
	inet_pton(AF_INET, "198.51.100.0", &r->net.addr);
	r->net.plen = 24;
	r = &fa->routes[fa->n_routes++];
	uw_strlcpy(r->dev, "lan0", sizeof(r->dev));
	inet_pton(AF_INET, "198.51.100.1", &r->gateway);
	uw_strlcpy(fa->default_iface, "lan0", sizeof(fa->default_iface));
	inet_pton(AF_INET, "198.51.100.1", &fa->default_gw);
	inet_pton(AF_INET, "203.0.113.53", &fa->dns[0]);
	fa->n_dns = 1;
	fa->have_fw = true;
	fa->fw.in_use = UW_FW_NFTABLES;
	uw_choices_init(&c);
	assert_int_equal(uw_choices_set_iface(&c, "usb0", &e), 0);
	if (uw_plan_build(&c, fa, p, &e) < 0)
		fail_msg("%s", e.msg);
	uw_text_plan_summary(p, &b);
	golden("plan-summary.txt", uw_strbuf_str(&b));
	/* the steps end the summary, byte for byte */
	uw_text_plan_steps(p, &steps);
	assert_true(b.len > steps.len);
	assert_string_equal(b.s + b.len - steps.len, steps.s);
	free(p);
	free(fa);
}

/* A fix as `check --fix` prints it and the wizard's Show commands shows it:
 * the real route fix, prepared as core prepares it (its undo restores the
 * phone's old gateway). */
static void test_phonefix(void **state)
{
	const struct uw_phonecheck_params prm = { .desktop_ip = "192.168.0.200",
						  .outside_ip = "203.0.113.1",
						  .test_name = "example.org", .iface = "usb0" };
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	struct uw_phonefix f;
	struct uw_error e;

	if (uw_phonefix_prepare(UW_FIX_ROUTE, &prm, "192.168.0.1", &f, &e) < 0)
		fail_msg("%s", e.msg);
	uw_text_phonefix(&f, &b);
	golden("phonefix.txt", uw_strbuf_str(&b));
	uw_phonefix_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doctor_findings),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_check_detail_is_the_checks_block),
		cmocka_unit_test(test_persist_files),
		cmocka_unit_test(test_phonefix),
		cmocka_unit_test(test_plan_summary),
	};
	uw_test_src_path(golden_dir, sizeof(golden_dir), "tests/golden/text");
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
