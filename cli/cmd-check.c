// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `usbnet-wizard check`: log in to the phone with the built-in ssh client and
 * run the checklist from the phone's side; optionally fix what is found.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/choices.h"
#include "core/detect.h"
#include "core/error.h"
#include "core/facts.h"
#include "core/ip4.h"
#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/phonefix.h"
#include "core/sanitize.h"
#include "core/text.h"
#include "core/util.h"
#include "cli/cli.h"
#include "cli/json.h"

struct opts {
	bool json, fix, yes, replace_key, rescue, persist, install_key;
	const char *phone_ip, *user, *iface, *desktop_ip, *ping_ip, *test_name;
	const char *password_file, *ssh_config_name;
	char *dns;
	unsigned port, timeout;
	FILE *msg;              /* people's messages: stdout, or stderr with --json */
};

static bool ask_yes_no(const struct opts *o, const char *q, bool dflt)
{
	return o->yes || uw_cli_ask(q, dflt);
}

static enum uw_phone_hostkey_decision on_hostkey(const struct uw_phone_hostkey_info *i, void *ud)
{
	const struct opts *o = ud;

	if (i->state == UW_PHONE_HOSTKEY_NEW) {
		fprintf(o->msg, "First connection to %s: its %s host key is\n  %s\n%s\n", i->host,
			i->key_type, i->fingerprint, i->explanation);
		/* Trust on first use; someone at a terminal may still say no. */
		if (!o->yes && isatty(STDIN_FILENO) &&
		    !ask_yes_no(o, "Trust this key and remember it?", true))
			return UW_PHONE_HOSTKEY_REJECT;
		fprintf(o->msg, "Remembered in %s.\n", i->known_hosts);
		return UW_PHONE_HOSTKEY_ACCEPT;
	}
	fprintf(o->msg, "\nWARNING: the phone's host key changed.\n"
		"  on file (%s): %s\n  offered now:  %s (%s)\n%s\n", i->known_hosts,
		*i->old_fingerprint ? i->old_fingerprint : "(another key)", i->fingerprint,
		i->key_type, i->explanation);
	if (o->replace_key) {
		/* A changed key is also what an attacker in the middle looks like:
		 * the person compares the fingerprint and says yes, or --yes does. */
		if (!o->yes && !uw_cli_can_ask()) {
			fprintf(o->msg, "Not replacing the remembered key: there is no terminal to confirm "
				"on. Compare the fingerprint above with the phone's, then run again with "
				"--replace-host-key --yes. Nothing was sent to the phone.\n");
			return UW_PHONE_HOSTKEY_REJECT;
		}
		if (!o->yes && !uw_cli_ask("Is this the phone you reflashed? Replace its remembered key?", false)) {
			fprintf(o->msg, "The remembered key was kept; nothing was sent to the phone.\n");
			return UW_PHONE_HOSTKEY_REJECT;
		}
		fprintf(o->msg, "Replacing the old entry, as asked (--replace-host-key).\n");
		return UW_PHONE_HOSTKEY_REPLACE;
	}
	fprintf(o->msg, "Not connecting. If the phone was reflashed, run again with "
		"--replace-host-key.\n");
	return UW_PHONE_HOSTKEY_REJECT;
}

/* For scripts and tests only: read the password from a file (never from argv). */
static int password_from_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int on_password(const char *prompt, char *buf, size_t size, void *ud)
{
	const struct opts *o = ud;
	struct termios old, noecho;
	int fd;
	ssize_t n;
	size_t len = 0;

	if (o->password_file)
		return password_from_file(o->password_file, buf, size);
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1; /* no terminal, no password */
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return -1;
	}
	dprintf(fd, "%s: ", prompt);
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &noecho);
	while (len + 1 < size && (n = read(fd, buf + len, 1)) == 1 && buf[len] != '\n')
		len++;
	buf[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	return 0;
}

static bool all_pass(const struct uw_check *c)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		if (c[i].status != UW_CHECK_PASS)
			return false;
	return true;
}

static void print_checks(const struct opts *o, const struct uw_check *c)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	uw_text_checks(c, UW_CHECK__COUNT, &b);
	fputs(uw_strbuf_str(&b), o->msg);
}

/* The checklist as the command's JSON document (docs/json.md); an error goes
 * into the document's "error" through uw_cli_error(). */
static void print_json(const struct opts *o, const struct uw_check *c, const char *host,
		       const char *fp, const char (*v4)[64], int nv4)
{
	struct uw_json *j = uw_cli_json_begin(stdout);

	uw_json_str(j, "phone", host);
	if (fp && *fp)
		uw_json_str(j, "host_key", fp);
	if (nv4 >= 0) {
		uw_json_arr_begin(j, "phone_ipv4");
		for (int i = 0; i < nv4; i++)
			uw_json_str(j, NULL, v4[i]);
		uw_json_arr_end(j);
	}
	uw_json_bool(j, "all_pass", c && all_pass(c));
	uw_json_arr_begin(j, "checks");
	for (int i = 0; c && i < UW_CHECK__COUNT; i++) {
		uw_json_obj_begin(j, NULL);
		uw_json_str(j, "id", c[i].name);
		uw_json_str(j, "title", c[i].title);
		uw_json_str(j, "status", uw_check_status_name(c[i].status));
		uw_json_str(j, "explanation", c[i].explanation);
		if (c[i].evidence && *c[i].evidence)
			uw_json_str(j, "evidence", c[i].evidence);
		if (c[i].fix != UW_FIX_NONE)
			uw_json_str(j, "fix", uw_fix_name(c[i].fix));
		uw_json_obj_end(j);
	}
	uw_json_arr_end(j);
}

/*
 * On a terminal, one transient line on stderr says how many verdicts are in
 * and how they went, updated as each arrives (the checks run side by side);
 * it is erased before the results are printed. Never in pipes or logs, so
 * --json and scripted output are exactly what they were.
 */
struct progress {
	int passed, other;      /* verdicts so far */
};

static void on_progress(enum uw_check_id id, const struct uw_check *c, void *ud)
{
	struct progress *pr = ud;

	if (c)
		*(c->status == UW_CHECK_PASS ? &pr->passed : &pr->other) += 1;
	fprintf(stderr, "\r\033[KChecking from the phone's side: %d of %d verdicts in (%d "
		"passed, %d not)...", pr->passed + pr->other, UW_CHECK__COUNT, pr->passed, pr->other);
	fflush(stderr);
}

static int run_checks(struct uw_phone *p, struct uw_phonecheck_params *prm,
		      struct uw_check checks[UW_CHECK__COUNT], struct uw_error *e)
{
	struct progress pr;
	bool tty = isatty(STDERR_FILENO);
	int rc;

	memset(&pr, 0, sizeof(pr));
	prm->progress = tty ? on_progress : NULL;
	prm->progress_ud = &pr;
	rc = uw_phonecheck_run(p, prm, checks, e);
	if (tty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	prm->progress = NULL;
	return rc;
}

static void fini_checks(struct uw_check *c)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		uw_check_fini(&c[i]);
}

/* Offer and apply the phone-side fixes the checklist suggests (chosen and
 * prepared once, in core): each runs exactly as shown. Returns the number applied. */
static int offer_fixes(const struct opts *o, struct uw_phone *p,
		       const struct uw_phonecheck_params *prm, const struct uw_check *c)
{
	struct uw_phonefix_set set;
	int applied = 0, rc;

	uw_phonefix_choose(c, prm, o->persist, &set);
	for (size_t k = 0; k < set.n_unavailable; k++)
		fprintf(o->msg, "%s\n", set.unavailable[k]);
	for (size_t k = 0; k < set.n; k++) {
		const struct uw_phonefix *f = &set.fix[k];
		_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
		struct uw_error e;

		/* The text the wizard's Show commands shows (core/text.c). */
		uw_text_phonefix(f, &b);
		fprintf(o->msg, "\nFix on the phone:\n%s(This stays on the phone: 'usbnet-wizard "
			"revert' undoes only the desktop side.)\n", uw_strbuf_str(&b));
		if (!ask_yes_no(o, "Apply this fix on the phone?", false)) {
			fprintf(o->msg, "Skipped (use --yes to apply without asking).\n");
		} else if ((rc = uw_phonefix_apply(p, f, &e)) < 0) {
			fprintf(o->msg, "The fix failed: %s\nRun the command above on the phone by "
				"hand, or try 'usbnet-wizard check --fix' again.\n", e.msg);
		} else if (rc > 0) {
			fprintf(o->msg, "Already in place on the phone: nothing to do.\n");
		} else {
			fprintf(o->msg, "Done.\n");
			applied++;
		}
	}
	uw_phonefix_set_fini(&set);
	return applied;
}

static int parse_dns(char *list, struct uw_phonecheck_params *prm)
{
	char *save = NULL;

	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (prm->n_nameservers >= UW_PHONECHECK_MAX_NS)
			return -1;
		prm->nameservers[prm->n_nameservers++] = t;
	}
	return 0;
}

/*
 * The gadget's real name (enx..., usb1), not a guess: the IPv6 rescue and the
 * persist fix use it. Looked up only when one of them needs it, and without
 * asking who manages it (NetworkManager over D-Bus or through /proc): a
 * plain check has no use for either.
 */
static void gadget_iface(struct opts *o, char *buf, size_t len)
{
	struct uw_candidate *cands = NULL;
	size_t n = 0;

	if (o->iface)
		return;
	if (uw_detect_identify(&cands, &n, NULL) == 0 && n > 0)
		uw_strlcpy(buf, cands[0].ifname, len);
	uw_candidates_free(cands);
	o->iface = buf;
}

/* IPv4 did not answer: look for the phone by IPv6 link-local on the USB link. */
static int rescue(const struct opts *o, const struct uw_phone_options *po,
		  struct uw_phone **out, char *found, size_t flen)
{
	char addrs[8][64];
	struct uw_error e;
	int n;

	fprintf(o->msg, "Looking for the phone by its IPv6 link-local address on %s...\n", o->iface);
	n = uw_phone_find_link_local(o->iface, 1500, addrs, UW_ARRAY_SIZE(addrs), &e);
	if (n < 0) {
		fprintf(o->msg, "The IPv6 search failed: %s\n", e.msg);
		return n;
	}
	if (n == 0) {
		fprintf(o->msg, "Nothing answered on %s over IPv6 either: the phone is not on this "
			"link (cable, USB mode, interface name?).\n", o->iface);
		return -ENOENT;
	}
	for (int i = 0; i < n; i++) {
		struct uw_phone_options ro = *po;

		ro.host = addrs[i];
		/* Same phone, same key: check it under the name it is known by. */
		ro.known_host_name = o->phone_ip;
		if (uw_phone_connect(&ro, out, &e) == 0) {
			uw_strlcpy(found, addrs[i], flen);
			return 0;
		}
		fprintf(o->msg, "%s answered but: %s\n", addrs[i], e.msg);
	}
	return -EHOSTUNREACH;
}

/*
 * Everything the command line says, checked before anything touches the
 * network (bad input changes nothing), and the parameters of the checks
 * made from it: the interface (@iface_buf when looked up), the addresses,
 * the nameservers the resolv.conf fix writes (in @host_ns when not given).
 * 0, or -EINVAL with @e saying what is wrong.
 */
static int check_input(int argc, char **argv, struct opts *o, struct uw_phonecheck_params *prm,
		       char host_ns[][64], char *iface_buf, size_t iface_len, struct uw_error *e)
{
	/* An IPv4 address is checked here; an IPv6 one (fe80::...%usb0) goes to libssh as is. */
	const char *const *which[] = { &o->phone_ip, &o->desktop_ip, &o->ping_ip };
	static const char *const what[] = { "phone address (--phone-ip)", "desktop address (--desktop-ip)",
					    "outside address (--ping-ip)" };
	struct in_addr a;
	struct uw_phonefix f;
	int rc;

	if (optind < argc)
		return uw_error_set(e, -EINVAL, "unexpected argument '%s' (see --help).", argv[optind]);
	if (o->persist)
		gadget_iface(o, iface_buf, iface_len);
	else if (o->iface && uw_ifname_check(o->iface, e) < 0)
		return -EINVAL;
	for (size_t i = 0; i < UW_ARRAY_SIZE(which); i++) {
		if (strchr(*which[i], ':') && i == 0)
			continue;
		if (uw_ip4_parse(*which[i], &a, what[i], e) < 0)
			return -EINVAL;
	}
	prm->desktop_ip = o->desktop_ip;
	prm->outside_ip = o->ping_ip;
	prm->test_name = o->test_name;
	prm->iface = o->iface;
	if (o->dns) {
		if (parse_dns(o->dns, prm) < 0)
			return uw_error_set(e, -EINVAL, "--dns takes at most %d addresses.", UW_PHONECHECK_MAX_NS);
	} else {
		/* The live setup's DNS choice decides what the resolv.conf fix writes
		 * (its --dns static servers, the proxy's desktop address), by the rule
		 * the wizard uses; with no setup live, the desktop's own upstream. */
		struct uw_choices live;
		int n;

		if (uw_live_choices(&live, NULL, 0) == 1)
			n = uw_phonecheck_fix_nameservers(&live, host_ns, UW_PHONECHECK_MAX_NS);
		else
			n = uw_phonecheck_host_nameservers(host_ns, UW_PHONECHECK_MAX_NS);
		for (int i = 0; i < n; i++)
			prm->nameservers[prm->n_nameservers++] = host_ns[i];
	}
	rc = uw_phonefix_prepare(UW_FIX_ROUTE, prm, NULL, &f, e);
	uw_phonefix_fini(&f);
	return rc < 0 ? -EINVAL : 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "phone-ip", required_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'u' },
		{ "port", required_argument, NULL, 'p' },
		{ "iface", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "fix", no_argument, NULL, 'f' },
		{ "yes", no_argument, NULL, 'y' },
		{ "replace-host-key", no_argument, NULL, 'R' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "desktop-ip", required_argument, NULL, 'd' },
		{ "ping-ip", required_argument, NULL, 'o' },
		{ "test-name", required_argument, NULL, 'n' },
		{ "dns", required_argument, NULL, 'D' },
		{ "no-rescue", no_argument, NULL, 'N' },
		{ "persist", no_argument, NULL, 'S' },
		{ "install-key", no_argument, NULL, 'K' },
		{ "ssh-config", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.phone_ip = "192.168.0.202", .user = "root", .iface = NULL,
		.desktop_ip = "192.168.0.200", .ping_ip = "9.9.9.9", .test_name = "example.com",
		.port = 22, .timeout = 5, .rescue = true, .msg = stdout,
	};
	struct uw_phonecheck_params prm = { 0 };
	struct uw_phone_options po = { 0 };
	struct uw_check checks[UW_CHECK__COUNT];
	struct uw_phone *p = NULL;
	struct uw_error e;
	char host_ns[UW_PHONECHECK_MAX_NS][64], found[64] = "", v4[8][64];
	char iface_buf[UW_IFNAME_MAX] = "usb0";
	int c, rc, nv4 = -1;
	bool ok;

	uw_phonecheck_default_targets(&o.ping_ip, &o.test_name);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'j': o.json = true; o.msg = stderr; break;
		case 'a': o.phone_ip = optarg; break;
		case 'u': o.user = optarg; break;
		case 'i': o.iface = optarg; break;
		case 'f': o.fix = true; break;
		case 'y': o.yes = true; break;
		case 'R': o.replace_key = true; break;
		case 'P': o.password_file = optarg; break;
		case 'd': o.desktop_ip = optarg; break;
		case 'o': o.ping_ip = optarg; break;
		case 'n': o.test_name = optarg; break;
		case 'D': o.dns = optarg; break;
		case 'N': o.rescue = false; break;
		case 'S': o.persist = true; o.fix = true; break;
		case 'K': o.install_key = true; break;
		case 'C': o.ssh_config_name = optarg; break;
		case 'p':
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || v == 0 || v > (c == 'p' ? 65535 : 600)) {
				uw_cli_error("check", "--%s needs a number (%s), not '%s'.",
					     c == 'p' ? "port" : "timeout",
					     c == 'p' ? "1-65535" : "1-600 seconds", optarg);
				return UW_EXIT_USAGE;
			}
			if (c == 'p')
				o.port = (unsigned)v;
			else
				o.timeout = (unsigned)v;
			break;
		default:
			return UW_EXIT_USAGE;
		}
	}
	if (check_input(argc, argv, &o, &prm, host_ns, iface_buf, sizeof(iface_buf), &e) < 0) {
		uw_cli_error("check", "%s", e.msg);
		return UW_EXIT_USAGE;
	}

	po.host = o.phone_ip;
	po.user = o.user;
	po.port = o.port;
	po.timeout_s = o.timeout;
	po.hostkey_cb = on_hostkey;
	po.hostkey_data = &o;
	po.password_cb = on_password;
	po.password_data = &o;
	rc = uw_phone_connect(&po, &p, &e);
	if (rc < 0) {
		struct uw_error first = e;

		if (o.rescue && (rc == -ETIMEDOUT || rc == -EHOSTUNREACH))
			gadget_iface(&o, iface_buf, sizeof(iface_buf));
		if (!o.rescue || (rc != -ETIMEDOUT && rc != -EHOSTUNREACH) ||
		    rescue(&o, &po, &p, found, sizeof(found)) < 0) {
			uw_cli_error("check", "%s", first.msg);
			/* No login, no checks: each still gets its verdict, said as such. */
			uw_phonecheck_not_run(checks, "no login to the phone, so nothing could be "
					      "asked there (see the error)");
			if (o.json)
				print_json(&o, checks, o.phone_ip, "", NULL, -1);
			else
				print_checks(&o, checks);
			fini_checks(checks);
			return rc == -ETIMEDOUT || rc == -EHOSTUNREACH || rc == -ECONNREFUSED ?
			       UW_EXIT_NOTFOUND : UW_EXIT_FAIL;
		}
		nv4 = uw_phonecheck_phone_ipv4(p, v4, UW_ARRAY_SIZE(v4), &e);
		fprintf(o.msg, "Found the phone at %s (IPv6 link-local); %s did not answer.\n",
			found, o.phone_ip);
		{
			_auto_(free) struct uw_facts *fa = uw_malloc0(sizeof(*fa));
			char advice[1024];

			if (uw_facts_read(fa, NULL) < 0)
				fa->n_routes = 0;
			uw_text_rescue_advice(fa, o.iface, o.phone_ip, (const char (*)[64])v4,
					      nv4 < 0 ? 0 : nv4, advice, sizeof(advice));
			fprintf(o.msg, "%s\n", advice);
		}
	}
	fprintf(o.msg, "Logged in to %s as %s (%s).\n", found[0] ? found : o.phone_ip, o.user,
		uw_phone_auth_name(uw_phone_auth_method(p)));

	if (o.install_key) {
		_auto_(free) char *dir = uw_phone_ssh_dir();
		_auto_(free) char *key = NULL;

		rc = uw_phone_user_key(dir, false, &key, &e);
		if (rc == -ENOENT && ask_yes_no(&o, "You have no ssh key. Make one now (ed25519)?",
						 false))
			rc = uw_phone_user_key(dir, true, &key, &e);
		if (rc >= 0)
			rc = uw_phone_install_key(p, key, &e);
		fprintf(o.msg, "%s\n", rc == 0 ? "Your public key is now in the phone's "
			"authorized_keys." : rc == -EEXIST ? "The phone already has your key." : e.msg);
	}
	if (o.ssh_config_name) {
		_auto_(free) char *dir = uw_phone_ssh_dir();

		rc = uw_phone_ssh_config_add(dir, o.ssh_config_name, o.phone_ip, o.user, o.port, &e);
		/* (the alias was validated by uw_phone_ssh_config_add: letters, digits, -_.;
		 * the directory is a file name, untrusted text) */
		if (rc == 0) {
			_auto_(free) char *shown = uw_sanitize_dup(dir, 0);

			fprintf(o.msg, "Added 'Host %s' to %s/config; now 'ssh %s' logs in to the "
				"phone.\n", o.ssh_config_name, shown, o.ssh_config_name);
		} else {
			fprintf(o.msg, "%s\n", e.msg);
		}
	}

	rc = run_checks(p, &prm, checks, &e);
	if (rc < 0 && rc != -ECONNRESET) {
		uw_cli_error("check", "%s", e.msg);
		uw_phone_free(p);
		return UW_EXIT_USAGE;
	}
	/*
	 * One fix can reveal the next: with no default route the phone cannot
	 * reach its DNS server, so a wrong resolv.conf shows only once the route
	 * is there. Fix, check again, and offer what is new, until nothing more
	 * is applied (at most three rounds: route, resolv.conf, persistence).
	 */
	for (int round = 0; round < 3 && rc == 0 && o.fix && (!all_pass(checks) || o.persist); round++) {
		print_checks(&o, checks);
		if (offer_fixes(&o, p, &prm, checks) <= 0)
			break;
		o.persist = false; /* made to last once is enough */
		fprintf(o.msg, "\nChecking again:\n");
		fini_checks(checks);
		rc = run_checks(p, &prm, checks, &e);
	}
	if (o.json)
		print_json(&o, checks, found[0] ? found : o.phone_ip, uw_phone_fingerprint(p), v4, nv4);
	else
		print_checks(&o, checks);
	if (rc < 0)
		uw_cli_error("check", "%s", e.msg);
	ok = rc == 0 && all_pass(checks) && !found[0];
	if (!ok && rc == 0)
		uw_cli_json_set_error(found[0] ? "The phone answered only over IPv6 link-local; use --phone-ip "
				      "with its IPv4 address." : "Not every check passed (see the checks).");
	fini_checks(checks);
	uw_phone_free(p);
	return ok ? UW_EXIT_OK : UW_EXIT_FAIL;
}

const struct uw_command uw_cmd_check = {
	.name = "check",
	.summary = "check from the phone's side (over ssh) that it is online; offer fixes",
	.usage =
	"usage: usbnet-wizard check [OPTIONS]\n"
	"\n"
	"Logs in to the phone with the built-in ssh client (no ssh binary is run) and\n"
	"checks, from the phone's side: it reaches the desktop, its default route goes\n"
	"via the desktop, it reaches an outside address, its resolv.conf names a usable\n"
	"DNS server, a name resolves. Exit status 0 only if every check passes.\n"
	"\n"
	"Login order: blank password (the FreeRunner default), your keys and ssh-agent\n"
	"(under sudo: the invoking user's ~/.ssh), then a password asked on the terminal.\n"
	"\n"
	"  --json               print the checklist as JSON on stdout\n"
	"  --phone-ip A         the phone's address (default 192.168.0.202)\n"
	"  --user U             login user (default root)\n"
	"  --port N             ssh port (default 22)\n"
	"  --iface IF           the USB interface, for the IPv6 rescue (default: the\n"
	"                       detected gadget, else usb0)\n"
	"  --timeout S          connect and per-command timeout in seconds (default 5)\n"
	"  --desktop-ip A       the desktop's address on the link (default 192.168.0.200)\n"
	"  --ping-ip A          outside address the phone pings (default 9.9.9.9,\n"
	"                       or $USBNET_WIZARD_OUTSIDE_IP)\n"
	"  --test-name NAME     name the phone resolves (default example.com,\n"
	"                       or $USBNET_WIZARD_TEST_NAME)\n"
	"  --dns A[,B]          nameservers for the resolv.conf fix (default: what the\n"
	"                       live setup chose: the desktop's address for the DNS\n"
	"                       proxy, the --dns static servers; else the desktop's\n"
	"                       own upstream servers)\n"
	"  --fix                offer the phone-side fixes (route, resolv.conf); they\n"
	"                       stay on the phone ('revert' undoes the desktop side\n"
	"                       only): each is shown with its undo command\n"
	"  --persist            also make them last in the phone's /etc/network/interfaces\n"
	"  --yes                apply fixes without asking\n"
	"  --replace-host-key   the phone was reflashed: replace its remembered host key\n"
	"                       after you confirm (--yes confirms; no terminal: refused)\n"
	"  --install-key        put your public key on the phone (offers to make one)\n"
	"  --ssh-config NAME    add 'Host NAME' for the phone to your ~/.ssh/config\n"
	"  --no-rescue          do not look for the phone over IPv6 when IPv4 fails\n"
	"  --password-file F    for scripts and tests only: read the password from F\n"
	"                       (never put a password on the command line)\n"
	"\n"
	"Environment: USBNET_WIZARD_SSH_DIR overrides the ssh directory (known_hosts,\n"
	"keys, config); USBNET_WIZARD_PHONE_INTERFACES the phone-side interfaces path.\n"
	"Exit: 0 all pass, 1 a check failed or the host key changed, 2 bad usage,\n"
	"4 the phone did not answer.\n",
	.run = run,
};
