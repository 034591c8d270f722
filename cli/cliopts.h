/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The options `plan`, `apply` and `persist` share, turned into choices and a
 * plan on the live host: --iface --host-ip --phone-ip --netmask --nat/--no-nat
 * --out-iface --dns --dns-server (repeatable) --preset --fw.
 */

#include <stdio.h>
#include <stdbool.h>

#include "core/choices.h"
#include "core/facts.h"
#include "core/plan.h"

struct uw_cli_plan_opts {
	bool json;
	bool dry_run;
	bool yes;
	int auto_revert;                /* apply --auto-revert SECONDS (0: none) */
	bool iface_detected;            /* the interface came from detection */
	char detect_reason[256];        /* why that one */
};

/*
 * Parse the shared plan options in @argv (argv[0] = command name), read the
 * host's facts, detect the phone's interface when none is given, and build
 * the plan. Options not in the shared set are an error unless @extra_ok says
 * the caller handles them (it returns 1 from the callback). Prints nothing;
 * on error @err says what is wrong and the return is UW_EXIT_* (non-zero).
 */
int uw_cli_plan_from_args(int argc, char **argv, struct uw_plan *plan, struct uw_facts *facts,
			  struct uw_cli_plan_opts *o,
			  int (*extra)(const char *opt, const char *arg, void *ud), void *ud,
			  struct uw_error *err);

/* The same, starting from @base (the live setup's choices) instead of the
 * defaults: the options given change only what they name. */
int uw_cli_plan_from_args_base(int argc, char **argv, const struct uw_choices *base, struct uw_plan *plan,
			       struct uw_facts *facts, struct uw_cli_plan_opts *o,
			       int (*extra)(const char *opt, const char *arg, void *ud), void *ud,
			       struct uw_error *err);

/* Apply @plan with progress on stdout; returns a UW_EXIT_* status. */
int uw_cli_apply_plan(const struct uw_plan *plan, const struct uw_cli_plan_opts *o, const char *cmd);

/* The usage text of the shared options (for --help). */
extern const char uw_cli_plan_usage[];
