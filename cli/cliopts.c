// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/cliopts.h"

#include "core/apply.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/detect.h"
#include "core/nl.h"
#include "core/util.h"
#include "cli/cli.h"

const char uw_cli_plan_usage[] =
	"  --iface NAME        the phone's interface (default: the detected gadget)\n"
	"  --preset NAME       openmoko (default), postmarketos, generic\n"
	"  --host-ip A         the desktop's address on the USB link (openmoko: 192.168.0.200)\n"
	"  --phone-ip A        the phone's address (openmoko: 192.168.0.202)\n"
	"  --netmask N         /24, /29, /32 (with a host route) or 255.255.255.x\n"
	"                      (default: the preset's, or the overlap fix when the USB\n"
	"                      subnet overlaps a network the desktop already uses)\n"
	"  --nat | --no-nat    share the desktop's connection (default: --nat)\n"
	"  --out-iface NAME    where shared traffic leaves (default: the default route's)\n"
	"  --dns MODE          proxy (default): the desktop forwards the phone's DNS\n"
	"                      queries to its real upstream server; static: use\n"
	"                      --dns-server; copy: the desktop's servers; none\n"
	"  --dns-server A      a nameserver for --dns static (repeatable, up to 3)\n"
	"  --fw BACKEND        auto (default), nftables, iptables (legacy), or none:\n"
	"                      change no firewall rule (only with --no-nat and\n"
	"                      --dns static, copy or none)\n";

/* Options taking an argument. */
static const char *const with_arg[] = {
	"--iface", "--preset", "--host-ip", "--phone-ip", "--netmask", "--out-iface",
	"--dns", "--dns-server", "--fw", NULL,
};

static bool takes_arg(const char *o)
{
	for (size_t i = 0; with_arg[i]; i++)
		if (!strcmp(o, with_arg[i]))
			return true;
	return false;
}

static void dump_fini_autoptr(struct uw_nl_dump *d)
{
	uw_nl_dump_fini(d);
}

static bool dump_has(const struct uw_nl_dump *d, const char *ifname)
{
	for (size_t i = 0; i < d->n_links; i++)
		if (!strcmp(d->links[i].ifname, ifname))
			return true;
	return false;
}

int uw_cli_plan_from_args(int argc, char **argv, struct uw_plan *plan, struct uw_facts *facts,
			  struct uw_cli_plan_opts *o,
			  int (*extra)(const char *opt, const char *arg, void *ud), void *ud,
			  struct uw_error *err)
{
	return uw_cli_plan_from_args_base(argc, argv, NULL, plan, facts, o, extra, ud, err);
}

int uw_cli_plan_from_args_base(int argc, char **argv, const struct uw_choices *base, struct uw_plan *plan,
			       struct uw_facts *facts, struct uw_cli_plan_opts *o,
			       int (*extra)(const char *opt, const char *arg, void *ud), void *ud,
			       struct uw_error *err)
{
	struct uw_choices c;
	_auto_(dump_fini) struct uw_nl_dump d = { 0 };
	bool servers_given = false, dns_named = false;
	int r;

	memset(o, 0, sizeof(*o));
	if (base)
		c = *base;
	else
		uw_choices_init(&c);

	/* The preset first, whatever its position: the other options refine it. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--preset")) {
			if (i + 1 >= argc) {
				uw_error_set(err, -EINVAL, "--preset needs a value: openmoko, postmarketos or generic.");
				return UW_EXIT_USAGE;
			}
			if (uw_choices_set_preset(&c, argv[i + 1], err) < 0)
				return UW_EXIT_USAGE;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *arg = NULL;
		char tmp[64];
		const char *eq = strchr(opt, '=');

		/* --opt=value */
		if (!strncmp(opt, "--", 2) && eq && (size_t)(eq - opt) < sizeof(tmp)) {
			memcpy(tmp, opt, (size_t)(eq - opt));
			tmp[eq - opt] = '\0';
			opt = tmp;
			arg = eq + 1;
		} else if (takes_arg(opt) || (extra && extra(opt, NULL, NULL) == 2)) {
			if (i + 1 >= argc) {
				uw_error_set(err, -EINVAL, "%s needs a value (see --help).", opt);
				return UW_EXIT_USAGE;
			}
			arg = argv[++i];
		}
		r = 0;
		if (!strcmp(opt, "--preset"))
			continue;
		else if (!strcmp(opt, "--iface"))
			r = uw_choices_set_iface(&c, arg, err);
		else if (!strcmp(opt, "--host-ip"))
			r = uw_choices_set_host_ip(&c, arg, err);
		else if (!strcmp(opt, "--phone-ip"))
			r = uw_choices_set_phone_ip(&c, arg, err);
		else if (!strcmp(opt, "--netmask"))
			r = uw_choices_set_netmask(&c, arg, err);
		else if (!strcmp(opt, "--nat"))
			c.nat = true;
		else if (!strcmp(opt, "--no-nat"))
			c.nat = false;
		else if (!strcmp(opt, "--out-iface"))
			r = uw_choices_set_out_iface(&c, arg, err);
		else if (!strcmp(opt, "--dns")) {
			r = uw_choices_set_dns_mode(&c, arg, err);
			dns_named = true;
		} else if (!strcmp(opt, "--dns-server")) {
			/* Given servers replace the live setup's, they do not add to them. */
			if (!servers_given)
				c.n_dns_servers = 0;
			servers_given = true;
			r = uw_choices_add_dns_server(&c, arg, err);
		}
		else if (!strcmp(opt, "--fw"))
			r = uw_choices_set_fw(&c, arg, err);
		else if (!strcmp(opt, "--json"))
			o->json = true;
		else if (!strcmp(opt, "--dry-run"))
			o->dry_run = true;
		else if (!strcmp(opt, "--yes") || !strcmp(opt, "-y"))
			o->yes = true;
		else if (extra && extra(opt, arg, ud) == 1)
			continue;
		else {
			uw_error_set(err, -EINVAL, "Unknown option \"%.60s\" (see 'usbnet-wizard %s --help').",
				     argv[i], argv[0]);
			return UW_EXIT_USAGE;
		}
		if (r < 0)
			return UW_EXIT_USAGE;
	}
	if (!servers_given && c.dns != UW_DNS_STATIC)
		c.n_dns_servers = 0;    /* the live setup's, for a mode that takes none */
	/* A proxy asked for by name without sharing is refused (left out, the plan
	 * puts what fits in its place and says why). */
	if (dns_named && uw_choices_check(&c, err) < 0)
		return UW_EXIT_USAGE;
	if (c.n_dns_servers && c.dns != UW_DNS_STATIC) {
		uw_error_set(err, -EINVAL, "--dns-server is used with --dns static (the mode is %s).",
			     uw_dns_mode_name(c.dns));
		return UW_EXIT_USAGE;
	}

	/* One read of the kernel's links, addresses and routes serves the facts,
	 * the check that the interface exists and detection. */
	r = uw_nl_dump(&d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, err);
	if (r < 0)
		return UW_EXIT_FAIL;
	r = uw_facts_read_dump_plan(facts, &d, err);
	if (r < 0)
		return UW_EXIT_FAIL;

	/*
	 * plan and apply (which pass no extra options) need the interface to
	 * exist now; persist and profile may describe a phone not plugged in.
	 * Said first, before an overlap with some other interface confuses it.
	 */
	if (c.iface[0] && !extra && !dump_has(&d, c.iface)) {
		uw_error_set(err, -ENODEV, "The interface %s does not exist (is the phone plugged in and "
			     "booted?). 'usbnet-wizard detect' lists the candidates.", c.iface);
		return UW_EXIT_NOTFOUND;
	}
	if (!c.iface[0]) {
		struct uw_candidate *cands = NULL;
		size_t n = 0;

		uw_detect_scan_dump(&d, &cands, &n);
		if (n == 0) {
			uw_candidates_free(cands);
			uw_error_set(err, -ENODEV, "No phone interface was found. Plug the phone in and boot it "
				     "(not at its boot menu), wait a few seconds, then try again; "
				     "'usbnet-wizard detect --wait' waits for it. Or name it with --iface.");
			return UW_EXIT_NOTFOUND;
		}
		uw_strlcpy(c.iface, cands[0].ifname, sizeof(c.iface));
		o->iface_detected = true;
		o->detect_reason[0] = '\0';
		for (size_t k = 0; k < cands[0].n_reasons; k++) {
			size_t l = strlen(o->detect_reason);
			snprintf(o->detect_reason + l, sizeof(o->detect_reason) - l, "%s%s", k ? "; " : "",
				 cands[0].reasons[k]);
		}
		uw_candidates_free(cands);
	}
	r = uw_plan_build(&c, facts, plan, err);
	if (r == 0)
		uw_plan_prior_from_journal(plan);
	if (r < 0)
		return r == -ENODEV ? UW_EXIT_NOTFOUND : UW_EXIT_USAGE;
	return 0;
}
