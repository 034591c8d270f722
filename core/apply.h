/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Apply a plan live, step by step, journaled; revert exactly what was done.
 *
 * The journal (RUNDIR/journal, RUNDIR = $USBNET_WIZARD_RUNDIR or
 * /run/usbnet-wizard) gets a "begin" record holding each step and the prior
 * state it needs for undo *before* the kernel is touched, so `revert` works
 * after a crash or kill -9 at any point. A step that fails rolls back the
 * steps this run made, in reverse. A step already in place is left alone and
 * not journaled (it is not ours to undo). One lock (RUNDIR/lock) keeps two
 * usbnet-wizard processes from changing things at once.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/plan.h"

enum uw_step_event {
	UW_STEP_START,        /* about to apply */
	UW_STEP_DONE,         /* applied */
	UW_STEP_ALREADY,      /* already in place: nothing done */
	UW_STEP_FAILED,       /* failed (err says why); rollback follows */
	UW_STEP_UNDOING,      /* about to undo (rollback or revert) */
	UW_STEP_UNDONE,       /* undone */
	UW_STEP_GONE,         /* nothing to undo: already gone (e.g. with the unplugged interface) */
	UW_STEP_UNDO_FAILED,  /* could not be undone (err says why); stays in the journal */
};

/* Progress callback: @idx is the step's index in its list. */
typedef void (*uw_step_fn)(void *ud, size_t idx, const struct uw_action *a, enum uw_step_event ev,
			   const struct uw_error *err);

/* The runtime directory (never NULL). */
const char *uw_rundir(void);

struct uw_lock {
	int fd;
};

/*
 * Take the machine-wide usbnet-wizard lock without waiting. -EBUSY with the
 * other process's pid in the sentence when it is held; -EACCES when the
 * runtime directory cannot be created (not root).
 */
int uw_lock_take(struct uw_lock *lk, struct uw_error *err);
/* The same, waiting for it up to @timeout_ms (-1: as long as it takes). */
int uw_lock_take_wait(struct uw_lock *lk, int timeout_ms, struct uw_error *err);
void uw_lock_release(struct uw_lock *lk);

/*
 * Apply @plan (takes the lock unless @lk is given and held). Returns 0 when
 * every step is in place; on failure the steps made by this run are undone and
 * the failing step's error is returned (err says what failed, why, and the
 * rollback's outcome). If an earlier apply is still live and differs from
 * @plan, nothing is changed and -EALREADY explains that a revert comes first.
 */
int uw_apply(const struct uw_plan *plan, struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err);

/*
 * Undo everything the journal records, newest first. Returns the number of
 * steps undone (0 when nothing was live), or a negative errno; steps that
 * could not be undone stay journaled for a later try.
 */
int uw_revert(struct uw_lock *lk, uw_step_fn cb, void *ud, struct uw_error *err);

#define UW_JOURNAL_MAX 64
#define UW_JOURNAL_LINE_MAX 4096          /* a longer line is damaged, and never read into memory */
#define UW_JOURNAL_SEQ_MAX 1000000000L    /* sequence numbers are 1..this */

struct uw_journal {
	struct uw_action live[UW_JOURNAL_MAX];  /* steps applied and not undone, in order */
	size_t n_live;
	bool complete[UW_JOURNAL_MAX];          /* the step was finished (a "done" record) */
	long seq[UW_JOURNAL_MAX];               /* each live step's journal sequence number */
	long next_seq;                          /* the next free sequence number */
	long pid;                               /* who wrote it */
	long long started;                      /* unix time of the first apply */
	bool other_netns;                       /* written in another network namespace */
	bool exists;
	bool have_choices;                      /* a "C" record: the choices of the live setup */
	struct uw_choices choices;              /* as the user made them (the last apply's) */
	unsigned damaged;                       /* lines skipped: torn by a crash, too long or unreadable */
	int damaged_line;                       /* the first of them (1-based), 0 if none */
	/* The automatic revert (core/autorevert.h): an "A" record journals its
	 * timer, a "K" record says it stands down (confirmed, or reverted by hand). */
	bool ar_armed;
	bool ar_kept;
	long ar_pid;
	long long ar_start;                     /* the timer's start time in /proc */
	long long ar_deadline_ms;               /* Unix time, ms */
};

/*
 * Read the journal (no lock needed: records are appended whole). A line
 * that cannot be read (cut short by a crash, too long, garbled, a sequence
 * number out of range) is skipped and counted in damaged; the records after
 * it still count. Only a file that is not a journal at all, or one with more
 * live steps than UW_JOURNAL_MAX, is refused.
 */
int uw_journal_read(struct uw_journal *j, struct uw_error *err);

/*
 * A plan made while a setup by usbnet-wizard is live sees that setup as the
 * host's state (forwarding "already on"): its undo text would keep what
 * usbnet-wizard itself turned on. Give each of @plan's steps that is live
 * the prior value the journal captured before usbnet-wizard changed it, so
 * undo means "as before usbnet-wizard", however the plan was made. No
 * journal, nothing changes.
 */
void uw_plan_prior_from_journal(struct uw_plan *plan);

/*
 * The choices of the setup live now, for `persist` and `profile save` to
 * start from: 1 with *out filled when a setup is live and its journal
 * records its choices, 0 otherwise (*out untouched). Either way @why (may be
 * NULL) gets one sentence saying which choices are used and why, to show
 * the user ("the live setup's (journal in /run/usbnet-wizard)", "no setup
 * is live", "the journal could not be read: ..."). Never fails.
 */
int uw_live_choices(struct uw_choices *out, char *why, size_t why_len);
