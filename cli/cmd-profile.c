// SPDX-License-Identifier: GPL-2.0-or-later
/* `profile save|show`: the choices `watch` applies when the gadget is plugged in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/profile.h"
#include "core/util.h"
#include "cli/cli.h"
#include "cli/cliopts.h"
#include "cli/json.h"
#include "core/fw.h"

static char profile_help[4096];

__attribute__((constructor)) static void build_help(void)
{
	snprintf(profile_help, sizeof(profile_help),
		 "usage: usbnet-wizard profile save [OPTIONS] [--profile FILE] [--json]\n"
		 "       usbnet-wizard profile show [--profile FILE] [--json]\n\n"
		 "Save the choices that 'usbnet-wizard watch' applies every time the phone is\n"
		 "plugged in, and which gadget they are for. The file is %s\n"
		 "(or $USBNET_WIZARD_PROFILE, or --profile FILE); it is written atomically and\n"
		 "read strictly (a damaged line is an error naming the line). The choices\n"
		 "are those of the setup live now (its journal records them), changed by the\n"
		 "options given; without a live setup, the defaults.\n\nOptions:\n%s"
		 "  --match-usb V:P     the gadget's USB ids, like 1457:5122 (default: the\n"
		 "                      preset's ids, when it has some)\n"
		 "  --match-driver D    its kernel driver, like cdc_ether or rndis_host\n"
		 "  --match-name PAT    its interface name pattern, like usb* or enx*\n"
		 "                      (with no match at all: any likely USB gadget)\n"
		 "  --profile FILE      the profile file\n"
		 "  --json              the profile as JSON (docs/json.md)\n",
		 "/etc/usbnet-wizard/profile", uw_cli_plan_usage);
}

/* The profile as the command's JSON document (docs/json.md). */
static void print_json(const char *path, const struct uw_profile *p, bool saved)
{
	struct uw_json *j = uw_cli_json_begin(stdout);
	const struct uw_choices *c = &p->choices;
	char a[UW_IP4_STRLEN];

	uw_json_str(j, "path", path);
	uw_json_bool(j, "saved", saved);
	uw_json_obj_begin(j, "profile");
	uw_json_str(j, "preset", c->preset ? c->preset->id : uw_presets[0]->id);
	if (c->iface[0])
		uw_json_str(j, "iface", c->iface);
	uw_json_str(j, "host_ip", uw_ip4_str(c->host_ip, a));
	uw_json_str(j, "phone_ip", uw_ip4_str(c->phone_ip, a));
	if (c->plen_set)
		uw_json_int(j, "prefix", c->plen);
	uw_json_bool(j, "nat", c->nat);
	if (c->out_iface[0])
		uw_json_str(j, "out_iface", c->out_iface);
	uw_json_str(j, "dns", uw_dns_mode_name(c->dns));
	uw_json_arr_begin(j, "dns_servers");
	for (unsigned i = 0; i < c->n_dns_servers; i++)
		uw_json_str(j, NULL, uw_ip4_str(c->dns_servers[i], a));
	uw_json_arr_end(j);
	uw_json_str(j, "fw", c->fw == UW_FW_AUTO ? "auto" : uw_fw_backend_name(c->fw));
	if (p->match_usb) {
		snprintf(a, sizeof(a), "%04x:%04x", p->usb_vendor, p->usb_product);
		uw_json_str(j, "match_usb", a);
	}
	if (p->match_driver[0])
		uw_json_str(j, "match_driver", p->match_driver);
	if (p->match_name[0])
		uw_json_str(j, "match_name", p->match_name);
	uw_json_obj_end(j);
}

/* The plan options, through the same validated setters as `apply`. */
static int parse(int argc, char **argv, struct uw_profile *p, const char **path, struct uw_error *err)
{
	bool match_given = false, servers_given = false;
	int r;

	/* The preset first, wherever it is. */
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--preset") && uw_choices_set_preset(&p->choices, argv[i + 1], err) < 0)
			return -EINVAL;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;
		struct uw_choices *c = &p->choices;

		if (!strcmp(o, "--nat")) { c->nat = true; continue; }
		if (!strcmp(o, "--json")) continue; /* main() has turned JSON on */
		if (!strcmp(o, "--no-nat")) { c->nat = false; continue; }
		if (!a || strncmp(o, "--", 2))
			return uw_error_set(err, -EINVAL, "Unknown option or missing value: \"%.60s\" (see "
					    "'usbnet-wizard profile --help').", o);
		i++;
		if (!strcmp(o, "--preset")) r = 0;
		else if (!strcmp(o, "--profile")) { *path = a; r = 0; }
		else if (!strcmp(o, "--iface")) r = uw_choices_set_iface(c, a, err);
		else if (!strcmp(o, "--host-ip")) r = uw_choices_set_host_ip(c, a, err);
		else if (!strcmp(o, "--phone-ip")) r = uw_choices_set_phone_ip(c, a, err);
		else if (!strcmp(o, "--netmask")) r = uw_choices_set_netmask(c, a, err);
		else if (!strcmp(o, "--out-iface")) r = uw_choices_set_out_iface(c, a, err);
		else if (!strcmp(o, "--dns")) r = uw_choices_set_dns_mode(c, a, err);
		else if (!strcmp(o, "--dns-server")) {
			/* Given servers replace the live setup's, they do not add to them. */
			if (!servers_given)
				c->n_dns_servers = 0;
			servers_given = true;
			r = uw_choices_add_dns_server(c, a, err);
		}
		else if (!strcmp(o, "--fw")) r = uw_choices_set_fw(c, a, err);
		else if (!strcmp(o, "--match-usb")) { r = uw_profile_set_match_usb(p, a, err); match_given = true; }
		else if (!strcmp(o, "--match-driver")) { r = uw_profile_set_match_driver(p, a, err); match_given = true; }
		else if (!strcmp(o, "--match-name")) { r = uw_profile_set_match_name(p, a, err); match_given = true; }
		else
			return uw_error_set(err, -EINVAL, "Unknown option \"%.60s\" (see 'usbnet-wizard profile "
					    "--help').", o);
		if (r < 0)
			return r;
	}
	if (!servers_given && p->choices.dns != UW_DNS_STATIC)
		p->choices.n_dns_servers = 0;   /* the live setup's, for a mode that takes none */
	if (p->choices.n_dns_servers && p->choices.dns != UW_DNS_STATIC)
		return uw_error_set(err, -EINVAL, "--dns-server is used with --dns static.");
	if (uw_choices_check_addresses(&p->choices, p->choices.plen, err) < 0)
		return -EINVAL;
	if (!match_given && p->choices.preset && p->choices.preset->usb_vendor) {
		p->match_usb = true;
		p->usb_vendor = p->choices.preset->usb_vendor;
		p->usb_product = p->choices.preset->usb_product;
	}
	return 0;
}

static int run_profile(int argc, char **argv)
{
	struct uw_profile p;
	struct uw_error err;
	const char *path = NULL;
	_auto_(free) char *text = NULL;

	uw_error_clear(&err);
	uw_profile_init(&p);
	if (argc < 2 || (strcmp(argv[1], "save") && strcmp(argv[1], "show"))) {
		uw_cli_error("profile", "say 'save' or 'show' (see 'usbnet-wizard profile --help').");
		return UW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "show")) {
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--profile") && i + 1 < argc) {
				path = argv[++i];
			} else if (!strcmp(argv[i], "--json")) {
				/* main() has turned JSON on */
			} else {
				uw_cli_error("profile", "unknown option \"%s\" for show.", argv[i]);
				return UW_EXIT_USAGE;
			}
		}
		if (uw_profile_load(path, &p, &err) < 0) {
			uw_cli_error("profile", "%s", err.msg);
			return err.code == -ENOENT ? UW_EXIT_NOTFOUND : UW_EXIT_FAIL;
		}
		if (uw_cli_json_on()) {
			print_json(path ? path : uw_profile_path(), &p, false);
			return UW_EXIT_OK;
		}
		text = uw_profile_format(&p);
		printf("# %s\n%s", path ? path : uw_profile_path(), text);
		return UW_EXIT_OK;
	}
	/* The setup live now is what the user means to keep; the options change
	 * only what they name. Its interface is left out: watch takes whichever
	 * interface the gadget has when it is plugged in. */
	char whence[900];
	if (uw_live_choices(&p.choices, whence, sizeof(whence)) == 1)
		p.choices.iface[0] = '\0';
	if (parse(argc - 1, argv + 1, &p, &path, &err) < 0) {
		uw_cli_error("profile", "%s Nothing was saved.", err.msg);
		return UW_EXIT_USAGE;
	}
	if (uw_profile_save(path, &p, &err) < 0) {
		uw_cli_error("profile", "%s", err.msg);
		return err.code == -EACCES || err.code == -EPERM ? UW_EXIT_NOPERM : UW_EXIT_FAIL;
	}
	if (uw_cli_json_on()) {
		print_json(path ? path : uw_profile_path(), &p, true);
		return UW_EXIT_OK;
	}
	text = uw_profile_format(&p);
	printf("Choices: %s.\nSaved to %s:\n%s", whence, path ? path : uw_profile_path(), text);
	return UW_EXIT_OK;
}

const struct uw_command uw_cmd_profile = {
	.name = "profile", .summary = "save or show the profile that 'watch' applies",
	.usage = profile_help, .run = run_profile,
};
