/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What tests/test-phonecheck.c needs to reach: the checklist run against any
 * command runner, so the order and content of its progress reports can be
 * tested with canned phone output (busybox, iputils, a phone that vanishes)
 * without a phone. Not for front ends: they use uw_phonecheck_run.
 */

#include "core/phonecheck.h"

/*
 * Run @cmd "on the phone" and fill @res like uw_phone_run does (malloc'd
 * out/err, freed by uw_phone_result_fini). Returns 0, or a negative errno
 * when the phone is gone (-ECONNRESET), with @err set.
 */
typedef int (*uw_phonecheck_runner_fn)(void *ud, const char *cmd, struct uw_phone_result *res,
				       struct uw_error *err);

/* uw_phonecheck_run with the commands sent through @run (called with @ud). */
int uw_phonecheck_run_with(uw_phonecheck_runner_fn run, void *ud,
			   const struct uw_phonecheck_params *params,
			   struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err);
