/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The non-interactive front end: one `struct uw_command` per CLI command, in
 * its own file screens/cmd-NAME.c, listed in the table in screens/main.c.
 * Commands print for people (or JSON with --json) and return an exit status.
 */

#include <stdbool.h>
#include <stdio.h>

/* Documented exit statuses (docs/usbnet-wizard.8, --help). */
enum uw_exit {
	UW_EXIT_OK = 0,        /* done / all checks passed */
	UW_EXIT_FAIL = 1,      /* the operation failed (and was rolled back) or a check failed */
	UW_EXIT_USAGE = 2,     /* bad command line or bad input; nothing was changed */
	UW_EXIT_NOPERM = 3,    /* root is needed; nothing was changed */
	UW_EXIT_NOTFOUND = 4,  /* no phone interface found / nothing to revert */
	UW_EXIT_BUSY = 5,      /* another usbnet-wizard holds the lock */
};

struct uw_command {
	const char *name;
	const char *summary;            /* one line for the command list */
	const char *usage;              /* full --help text */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

/* Print a core error for people: "usbnet-wizard CMD: message". */
void uw_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Ask @question on the terminal (/dev/tty, so it works with stdout
 * redirected): "[Y/n]" or "[y/N]" after it by @dflt, Enter takes @dflt.
 * With no terminal to ask: false, the safe answer.
 */
bool uw_cli_ask(const char *question, bool dflt);

/* True when argv holds -h or --help. */
int uw_cli_wants_help(int argc, char **argv);
extern const struct uw_command uw_cmd_detect;
extern const struct uw_command uw_cmd_plan;
extern const struct uw_command uw_cmd_apply;
extern const struct uw_command uw_cmd_revert;
extern const struct uw_command uw_cmd_status;
extern const struct uw_command uw_cmd_check;
extern const struct uw_command uw_cmd_profile;
extern const struct uw_command uw_cmd_watch;
extern const struct uw_command uw_cmd_persist;
extern const struct uw_command uw_cmd_doctor;
extern const struct uw_command uw_cmd_report;
