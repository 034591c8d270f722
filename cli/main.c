// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Entry point. With no command: the wizard (a terminal UI). With a command:
 * the CLI, on the same core, so support staff and scripts get exactly what
 * the wizard does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "core/autorevert.h"
#include "core/firewalld.h"

#include "core/version.h"

/* One line per command; each lives in cli/cmd-NAME.c. */
static const struct uw_command *const commands[] = {
	&uw_cmd_detect,
	&uw_cmd_plan,
	&uw_cmd_apply,
	&uw_cmd_revert,
	&uw_cmd_confirm,
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
	/*
	 * Not a user command: the firewalld keeper a journaled plan step starts
	 * (core/firewalld.h), with its readiness pipe on fd 3.
	 */
	if (!strcmp(argv[1], "__firewalld-keeper")) {
		if (argc != 4)
			return UW_EXIT_USAGE;
		return uw_firewalld_keeper_run(argv[2], argv[3], 3, NULL) < 0 ? UW_EXIT_FAIL : UW_EXIT_OK;
	}
	/*
	 * Not a user command either: the automatic revert's timer, started by
	 * uw_apply_try (core/autorevert.h), with its readiness pipe on fd 3.
	 */
	if (!strcmp(argv[1], "__revert-timer")) {
		char *end;
		long long dl;

		if (argc != 3)
			return UW_EXIT_USAGE;
		errno = 0;
		dl = strtoll(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || dl <= 0)
			return UW_EXIT_USAGE;
		return uw_autorevert_run(dl, 3, NULL) < 0 ? UW_EXIT_FAIL : UW_EXIT_OK;
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
