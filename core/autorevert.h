/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The automatic revert ("apply, and undo it unless confirmed in time"), owned
 * by a process that outlives whoever asked for it, as `netplan try` and
 * NetworkManager's checkpoints do.
 *
 * The design (also docs/troubleshooting.md):
 *
 *   uw_apply_try() starts a detached timer (this same program,
 *   `usbnet-wizard __revert-timer DEADLINE_MS`: a new session with no
 *   controlling terminal, stdio on /dev/null, reparented to init by a double
 *   fork, exec'd from /proc/self/exe, no shell) and journals it, an "A"
 *   record with its pid, its start time in /proc (so a recycled pid is never
 *   taken for it) and the deadline, BEFORE the apply's first change. The
 *   timer sleeps until the deadline, then takes the usbnet-wizard lock
 *   (waiting for it), reads the journal, and only when the journal still
 *   names it as the pending timer (not confirmed) does it call uw_revert():
 *   exactly what `usbnet-wizard revert` does. Whatever ends the client (the
 *   terminal closing, SIGTERM, kill -9, a crash), the timer is not its child
 *   in any way that matters and does the revert.
 *
 *   Confirming ("Keep" in the wizard, `usbnet-wizard confirm`) takes the same
 *   lock, writes a "K" record, then stops the timer by its verified pid. The
 *   timer decides under that lock too, so the two cannot race: either the
 *   confirmation is journaled first (the timer then stands down) or the
 *   revert ran first (the confirmation then says it came too late). A
 *   revert (`usbnet-wizard revert`, the wizard's Revert) also stops the timer.
 *
 * Nothing here prints or touches the terminal.
 */

#include <stdbool.h>

#include "core/apply.h"
#include "core/error.h"

/* The longest automatic-revert delay accepted, in seconds. */
#define UW_AUTOREVERT_MAX_SECONDS 3600

/* The pending automatic revert, from the journal. */
struct uw_autorevert {
	bool pending;             /* a timer is journaled and not confirmed */
	long pid;                 /* the timer's pid */
	long long deadline_ms;    /* when it reverts (Unix time, milliseconds) */
	bool running;             /* that process (pid and start time) is alive */
};

/* Unix time now, in milliseconds. */
long long uw_autorevert_now_ms(void);

/*
 * Like uw_apply(), and then the changes are undone at now + @seconds
 * (1..UW_AUTOREVERT_MAX_SECONDS) unless uw_autorevert_confirm() is called
 * first, whatever happens to the calling process. *@deadline_ms gets the
 * deadline (Unix time, ms), or 0 when nothing was changed (every step was
 * already in place) and so nothing waits. Refused (-EALREADY, nothing
 * changed) while changes by usbnet-wizard are live: their revert would undo
 * those as well.
 */
int uw_apply_try(const struct uw_plan *plan, int seconds, long long *deadline_ms, uw_step_fn cb,
		 void *ud, struct uw_error *err);

/* What @j says about a pending automatic revert (and whether its timer runs). */
void uw_autorevert_from_journal(const struct uw_journal *j, struct uw_autorevert *ar);

/* The same, reading the journal. Returns 0, or a negative errno (err says why). */
int uw_autorevert_status(struct uw_autorevert *ar, struct uw_error *err);

/*
 * Keep the changes: the pending automatic revert stands down. 0 confirmed;
 * 1 nothing was pending (the changes stay as they are; err says so);
 * -ENOENT when nothing is in place any more (the revert already ran; err
 * says so); other negative errno on failure (-EBUSY when the lock stays
 * held). Waits for the lock for a while: the timer may be reverting.
 */
int uw_autorevert_confirm(struct uw_error *err);

/*
 * The deadline passed (the wizard's own countdown ended): revert now, as the
 * timer would, unless it already did or the changes were confirmed
 * elsewhere. Returns the steps undone (>0), 0 when the timer had already
 * undone everything, -ECANCELED when the changes were confirmed (kept), or
 * another negative errno (uw_revert's failure; err says why).
 */
int uw_autorevert_expire(uw_step_fn cb, void *ud, struct uw_error *err);

/*
 * The timer itself (the hidden command's body): say "ready PID" on
 * @ready_fd (then close it; -1 = none), sleep until @deadline_ms, then
 * revert as described above. Returns the steps undone, 0 when it stood
 * down, or a negative errno.
 */
int uw_autorevert_run(long long deadline_ms, int ready_fd, struct uw_error *err);

/* ---- for core/apply.c ---------------------------------------------------- */

/* Start a timer for @deadline_ms: its pid and /proc start time. */
int uw_autorevert_start(long long deadline_ms, long *pid, long long *start, struct uw_error *err);

/* Stop the timer @pid if it is still the process started at @start (never
 * another one that got the pid since). 0 stopped, 1 it was gone, negative errno. */
int uw_autorevert_stop(long pid, long long start);

/* Is @pid still the process that started at @start? */
bool uw_autorevert_alive(long pid, long long start);

/* This process's start time in /proc (clock ticks since boot), or -1. */
long long uw_proc_start_time(long pid);
