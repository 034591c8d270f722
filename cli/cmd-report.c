// SPDX-License-Identifier: GPL-2.0-or-later
/* `report`: everything support needs, secrets redacted, to paste into a ticket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/report.h"
#include "core/userfile.h"
#include "core/util.h"
#include "cli/cli.h"
#include "cli/json.h"

#include "core/version.h"
#define REPORT_VERSION UW_VERSION

static const char report_usage[] =
	"usage: usbnet-wizard report [--json] [--output FILE] [--phone [--phone-ip A]\n"
	"                            [--ping-ip A] [--test-name NAME]]\n\n"
	"A support report to paste into a ticket: version, kernel, distribution, the\n"
	"detected interfaces, the host inventory (addresses, routes, DNS, firewall and\n"
	"what drops forwarded traffic), the plan for the default choices, the journal,\n"
	"the doctor's findings, the saved profile, the names of the files in your ssh\n"
	"directory, and with --phone the phone check. Changes nothing.\n\n"
	"Secrets stay out: no password is asked for or used, private keys and password\n"
	"hashes are never read, and anything that looks like a password, key, token or\n"
	"hash in the included files is replaced by [REDACTED]. Read it before sending.\n\n"
	"  --json            JSON: {\"sections\": [{\"title\", \"body\"}...]}\n"
	"  --output FILE     write to FILE (mode 600) instead of stdout\n"
	"  --phone           also log in to the phone (blank password or keys only)\n"
	"  --phone-ip A      the phone's address (default 192.168.0.202)\n"
	"  --ping-ip A       the outside address the phone pings (default 9.9.9.9)\n"
	"  --test-name NAME  the name the phone resolves (default example.com)\n";

static int run_report(int argc, char **argv)
{
	struct uw_report_opts o = { .version = REPORT_VERSION };
	struct uw_report r;
	struct uw_error err;
	const char *output = NULL;
	bool json = false;
	FILE *f = stdout;
	char *text = NULL;
	size_t len = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--json")) json = true;
		else if (!strcmp(argv[i], "--phone")) o.phone = true;
		else if (!strcmp(argv[i], "--output") && a) { output = a; i++; }
		else if (!strcmp(argv[i], "--phone-ip") && a) { o.phone_ip = a; i++; }
		else if (!strcmp(argv[i], "--ping-ip") && a) { o.ping_ip = a; i++; }
		else if (!strcmp(argv[i], "--test-name") && a) { o.test_name = a; i++; }
		else {
			uw_cli_error("report", "unknown option or missing value \"%s\" (see --help).", argv[i]);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	/* Built in memory, then written by uw_write_file_safely: never through a link. */
	if (output)
		f = open_memstream(&text, &len);
	uw_report_build(&o, &r, &err);
	if (json) {
		struct uw_json *jp = uw_cli_json_begin(f);
		struct uw_json j = *jp;
		uw_json_str(&j, "report", "usbnet-wizard");
		uw_json_arr_begin(&j, "sections");
		for (size_t i = 0; i < r.n; i++) {
			uw_json_obj_begin(&j, NULL);
			uw_json_str(&j, "title", r.s[i].title);
			uw_json_str(&j, "body", r.s[i].body);
			uw_json_obj_end(&j);
		}
		uw_json_arr_end(&j);
		*jp = j;
		/* closed here: the --output file is closed before the command returns */
		uw_cli_json_finish(UW_EXIT_OK);
	} else {
		_auto_(free) char *t = uw_report_text(&r);

		fputs(t, f);
	}
	uw_report_fini(&r);
	if (output) {
		int rc = fclose(f) == 0 ? 0 : -ENOMEM;

		/* Mode 600 always, the invoking user's under sudo (docs/security.md). */
		if (rc == 0)
			rc = uw_write_file_safely(output, text, len, 0600, UW_WRITE_FOR_USER, &err);
		else
			uw_error_set(&err, rc, "Out of memory.");
		free(text);
		if (rc < 0) {
			uw_cli_error("report", "%s Choose another --output file, or leave --output "
				     "out to print the report.", err.msg);
			return UW_EXIT_FAIL;
		}
		fprintf(stderr, "Report written to %s\n", output);
	}
	return UW_EXIT_OK;
}

const struct uw_command uw_cmd_report = {
	.name = "report", .summary = "a support report to paste into a ticket (secrets redacted)",
	.usage = report_usage, .run = run_report,
};
