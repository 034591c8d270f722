/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared by the phone checklist's files (core/phonecheck*.c, core/phonefix.c)
 * and reached by tests/test-phonecheck.c: the checklist run against any
 * command runner, so the order and content of its progress reports can be
 * tested with canned phone output (busybox, iputils, a phone that vanishes,
 * a command cut at its deadline) without a phone. Not for front ends: they
 * use uw_phonecheck_run.
 *
 *   core/phonecheck-parse.c       the parsers of the phone's output
 *   core/phonecheck.c             the checklist: a table of checks, run concurrently
 *   core/phonecheck-interfaces.c  the editor of the phone's /etc/network/interfaces
 *   core/phonefix.c               the fixes: chosen, prepared, applied, reverted
 */

#include "core/phonecheck.h"

/* What a phone-side backup is kept in: the login user's home, not /etc, so a
 * read-only or shared /etc (and the testbed, whose /etc is the machine's) is
 * never littered. */
#define UW_PHONE_BACKUP_DIR "$HOME/.usbnet-wizard-backup"

/* The phone's routes, read by the route check and by the route fix's verification. */
#define UW_PHONE_ROUTE_CMD "ip route 2>/dev/null || route -n 2>&1"

/*
 * Run the @n jobs "on the phone" as uw_phone_run_all does: concurrently,
 * @done called once per job as it finishes (its res filled like uw_phone_run
 * does, rc 0 or -ECONNRESET when the phone is gone). Returns 0, or a
 * negative errno when the phone is gone, with @err set.
 */
typedef int (*uw_phonecheck_runner_fn)(void *ud, struct uw_phone_job *jobs, size_t n,
				       uw_phone_job_done_fn done, void *done_ud,
				       struct uw_error *err);

/* uw_phonecheck_run with the commands sent through @run (called with @ud). */
int uw_phonecheck_run_with(uw_phonecheck_runner_fn run, void *ud,
			   const struct uw_phonecheck_params *params,
			   struct uw_check checks[UW_CHECK__COUNT], struct uw_error *err);

/* Check @p (numeric addresses, a host name, an interface name); @need_ns:
 * at least one nameserver. 0 or -EINVAL with a sentence. */
int uw_phonecheck_validate(const struct uw_phonecheck_params *p, bool need_ns,
			   struct uw_error *err);

bool uw_phonecheck_is_ipv4(const char *s);
bool uw_phonecheck_is_ip(const char *s);
