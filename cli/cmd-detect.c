// SPDX-License-Identifier: GPL-2.0-or-later
/* `detect [--wait [SECONDS]] [--json]`: which interface is the phone, and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/detect.h"
#include "core/ip4.h"
#include "cli/cli.h"
#include "cli/json.h"

static void print_one(const struct uw_candidate *c, bool best)
{
	char a[UW_IP4_STRLEN];

	printf("%s%s  (score %d%s)\n", best ? "* " : "  ", c->ifname, c->score, c->likely ? ", likely the phone" : "");
	for (size_t i = 0; i < c->n_reasons; i++)
		printf("      - %s\n", c->reasons[i]);
	printf("      link %s%s, MAC %s%s%s\n", c->admin_up ? "up" : "down",
	       c->carrier ? " with carrier" : "", c->mac[0] ? c->mac : "none",
	       c->driver[0] ? ", driver " : "", c->driver);
	if (c->has_usb_id)
		printf("      USB id %04x:%04x%s%s\n", c->usb_vendor, c->usb_product,
		       c->usb_name[0] ? " " : "", c->usb_name);
	for (size_t i = 0; i < c->n_addrs; i++)
		printf("      has address %s/%u\n", uw_ip4_str(c->addrs[i], a), c->plens[i]);
	if (c->manager_note[0])
		printf("      %s\n", c->manager_note);
}

static void json_one(struct uw_json *j, const struct uw_candidate *c)
{
	char a[UW_IP4_STRLEN + 4];

	uw_json_obj_begin(j, NULL);
	uw_json_str(j, "ifname", c->ifname);
	uw_json_int(j, "ifindex", c->ifindex);
	uw_json_int(j, "score", c->score);
	uw_json_bool(j, "likely", c->likely);
	/* Absent values are left out, never "". */
	if (c->mac[0])
		uw_json_str(j, "mac", c->mac);
	if (c->operstate[0])
		uw_json_str(j, "operstate", c->operstate);
	uw_json_bool(j, "admin_up", c->admin_up);
	uw_json_bool(j, "carrier", c->carrier);
	if (c->driver[0])
		uw_json_str(j, "driver", c->driver);
	if (c->has_usb_id) {
		snprintf(a, sizeof(a), "%04x:%04x", c->usb_vendor, c->usb_product);
		uw_json_str(j, "usb_id", a);
		if (c->usb_name[0])
			uw_json_str(j, "usb_name", c->usb_name);
	}
	uw_json_arr_begin(j, "addresses");
	for (size_t i = 0; i < c->n_addrs; i++) {
		char s[UW_IP4_STRLEN];
		snprintf(a, sizeof(a), "%s/%u", uw_ip4_str(c->addrs[i], s), c->plens[i]);
		uw_json_str(j, NULL, a);
	}
	uw_json_arr_end(j);
	if (c->manager_note[0])
		uw_json_str(j, "manager_note", c->manager_note);
	uw_json_arr_begin(j, "reasons");
	for (size_t i = 0; i < c->n_reasons; i++)
		uw_json_str(j, NULL, c->reasons[i]);
	uw_json_arr_end(j);
	uw_json_obj_end(j);
}

static int run_detect(int argc, char **argv)
{
	struct uw_candidate *c = NULL;
	struct uw_error err;
	bool json = false, wait = false;
	int timeout_ms = -1;
	size_t n = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--wait")) {
			wait = true;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				char *end;
				long s = strtol(argv[++i], &end, 10);
				if (*end || s < 0 || s > 86400) {
					uw_cli_error("detect", "--wait takes a number of seconds (0-86400), not \"%s\".",
						     argv[i]);
					return UW_EXIT_USAGE;
				}
				timeout_ms = (int)s * 1000;
			}
		} else {
			uw_cli_error("detect", "unknown option \"%s\" (see --help).", argv[i]);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	if (wait) {
		struct uw_candidate one;

		if (!json) {
			printf("Waiting for the phone to appear%s... plug it in and boot it.\n",
			       timeout_ms >= 0 ? " (with a timeout)" : "");
			fflush(stdout);
		}
		r = uw_detect_wait(timeout_ms, NULL, &one, &err);
		if (r < 0) {
			uw_cli_error("detect", "%s", err.msg);
			return r == -ETIMEDOUT ? UW_EXIT_NOTFOUND : UW_EXIT_FAIL;
		}
		if (json) {
			struct uw_json *j = uw_cli_json_begin(stdout);
			uw_json_arr_begin(j, "interfaces");
			json_one(j, &one);
			uw_json_arr_end(j);
		} else {
			printf("The phone appeared:\n");
			print_one(&one, true);
		}
		return UW_EXIT_OK;
	}
	r = uw_detect_scan(&c, &n, &err);
	if (r < 0) {
		uw_cli_error("detect", "%s", err.msg);
		return UW_EXIT_FAIL;
	}
	if (json) {
		struct uw_json *j = uw_cli_json_begin(stdout);
		uw_json_arr_begin(j, "interfaces");
		for (size_t i = 0; i < n; i++)
			json_one(j, &c[i]);
		uw_json_arr_end(j);
		if (n == 0)
			uw_cli_json_set_error("No phone interface found. Plug the phone in and boot it (not at its "
					      "boot menu); 'usbnet-wizard detect --wait' waits for it to appear.");
	} else if (n == 0) {
		printf("No phone interface found. Plug the phone in and boot it (not at its boot menu);\n"
		       "'usbnet-wizard detect --wait' waits for it to appear.\n");
	} else {
		for (size_t i = 0; i < n; i++)
			print_one(&c[i], i == 0);
	}
	uw_candidates_free(c);
	return n ? UW_EXIT_OK : UW_EXIT_NOTFOUND;
}

const struct uw_command uw_cmd_detect = {
	.name = "detect", .summary = "find the phone's network interface and say why",
	.usage = "usage: usbnet-wizard detect [--wait [SECONDS]] [--json]\n\n"
		 "List the interfaces that may be the phone, best first, with the reasons\n"
		 "(USB networking driver, USB vendor:product, name). With --wait, wait for a\n"
		 "new one to appear (netlink events, no polling) and report it at once.\n\n"
		 "Exit status: 0 found, 4 none found (or --wait timed out), 1 error.\n",
	.run = run_detect,
};
