/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The non-interactive front end: one `struct uw_command` per CLI command, in
 * its own file cli/cmd-NAME.c, listed in the table in cli/main.c.
 * Commands print for people (or JSON with --json) and return an exit status.
 */

#include <stdbool.h>
#include <stdio.h>

#include "core/exit.h"

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

/* True when there is a terminal uw_cli_ask can ask on. */
bool uw_cli_can_ask(void);

/* True when argv holds -h or --help. */
int uw_cli_wants_help(int argc, char **argv);
extern const struct uw_command uw_cmd_detect;
extern const struct uw_command uw_cmd_plan;
extern const struct uw_command uw_cmd_apply;
extern const struct uw_command uw_cmd_revert;
extern const struct uw_command uw_cmd_confirm;
extern const struct uw_command uw_cmd_status;
extern const struct uw_command uw_cmd_check;
extern const struct uw_command uw_cmd_profile;
extern const struct uw_command uw_cmd_watch;
extern const struct uw_command uw_cmd_persist;
extern const struct uw_command uw_cmd_doctor;
extern const struct uw_command uw_cmd_report;
extern const struct uw_command uw_cmd_wizard;
