// SPDX-License-Identifier: GPL-2.0-or-later
/* `wizard`: the one command that starts the other front end (screens/). */
#include "cli/cli.h"
#include "screens/wizard.h"

static int run_wizard(int argc, char **argv)
{
	if (argc > 1) {
		uw_cli_error("wizard", "takes no options (not \"%.60s\").", argv[1]);
		return UW_EXIT_USAGE;
	}
	return uw_wizard_main();
}

const struct uw_command uw_cmd_wizard = {
	.name = "wizard", .summary = "the interactive wizard (the same as no command)",
	.usage = "usage: usbnet-wizard wizard\n\n"
		 "Start the terminal wizard: detect the phone, choose netmask, sharing and DNS,\n"
		 "review the plan with its shell commands, apply it (journaled, undoable),\n"
		 "check the phone over ssh and offer fixes. Without root, detection and the\n"
		 "checks work; applying explains that root is needed. Needs a terminal of at\n"
		 "least 80x24.\n",
	.run = run_wizard,
};
