// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Entry point. With no command: the wizard (a terminal UI). With a command:
 * the CLI, on the same core, so support staff and scripts get exactly what
 * the wizard does.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"

#include "core/version.h"

/* One line per command; each lives in cli/cmd-NAME.c. */
static const struct uw_command *const commands[] = {
	&uw_cmd_detect,
	&uw_cmd_plan,
	&uw_cmd_apply,
	&uw_cmd_revert,
	&uw_cmd_status,
	&uw_cmd_check,
	&uw_cmd_profile,
	&uw_cmd_watch,
	&uw_cmd_doctor,
	&uw_cmd_report,
	&uw_cmd_persist,
	&uw_cmd_wizard,
	NULL,
};

void uw_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "usbnet-wizard %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	uw_cli_json_note_error(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool uw_cli_ask(const char *question, bool dflt)
{
	FILE *tty = fopen("/dev/tty", "r+e");
	char line[16];
	bool ans = dflt;

	if (!tty || !isatty(fileno(tty))) {
		if (tty)
			fclose(tty);
		return false;
	}
	fprintf(tty, "%s [%s] ", question, dflt ? "Y/n" : "y/N");
	fflush(tty);
	if (fgets(line, sizeof(line), tty))
		ans = line[0] == '\n' ? dflt : (line[0] == 'y' || line[0] == 'Y');
	else
		ans = false;
	fclose(tty);
	return ans;
}

bool uw_cli_can_ask(void)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	bool ok = fd >= 0 && isatty(fd);

	if (fd >= 0)
		close(fd);
	return ok;
}

int uw_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: usbnet-wizard [COMMAND [OPTIONS]]\n\n"
		   "Without a command, starts the wizard in the terminal.\n\nCommands:\n");
	for (size_t i = 0; commands[i]; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nRun 'usbnet-wizard COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		return uw_cmd_wizard.run(argc, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("usbnet-wizard %s\n", UW_VERSION);
		return UW_EXIT_OK;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return UW_EXIT_OK;
	}
	for (size_t i = 0; commands[i]; i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		if (uw_cli_wants_help(argc - 1, argv + 1)) {
			fputs(commands[i]->usage, stdout);
			return UW_EXIT_OK;
		}
		/* --json anywhere: the answer is one JSON document, also for bad usage. */
		for (int k = 2; k < argc; k++)
			if (!strcmp(argv[k], "--json"))
				uw_cli_json_enable();
		rc = commands[i]->run(argc - 1, argv + 1);
		uw_cli_json_finish(rc);
		return rc;
	}
	fprintf(stderr, "usbnet-wizard: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return UW_EXIT_USAGE;
}
