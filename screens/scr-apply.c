// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Apply: the plan step by step through uw_apply, one progress line per
 * action from its callback. On failure: what failed, why, and how the
 * rollback went. With "auto-revert", uw_apply_try puts the changes on
 * trial: a timer process of their own (core/autorevert.h) undoes them at the
 * deadline whatever becomes of the wizard, and the countdown here only shows
 * it. Keep confirms (uw_autorevert_confirm); the countdown's end reverts
 * (uw_autorevert_expire: the timer may have been first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/autorevert.h"
#include "core/env.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/msgbox.h"
#include "tui/progress.h"
#include "tui/textview.h"

enum state { RUNNING, APPLIED, COUNTDOWN, FAILED, REVERTED };

static struct {
	struct uw_wizard *w;
	enum state st;
	struct uw_widget_progress *prog;
	struct uw_widget_textview *outcome;
	struct uw_strbuf log;   /* rollback / revert lines */
	int start_timer, count_timer;
	size_t failed_idx;      /* the step that failed keeps its mark through the rollback */
	bool failed;
	long long deadline;
} s;

/* Seconds to confirm an auto-revert apply: $USBNET_WIZARD_CONFIRM_SECONDS (1-600) or 30. */
static int confirm_seconds(void)
{
	return (int)uw_env_number(UW_ENV_CONFIRM_SECONDS, 30);
}

static const char *gate(void *ud)
{
	switch (s.st) {
	case RUNNING:
		return "the plan is being applied.";
	case FAILED:
		return "a step failed and was undone; go Back to retry.";
	case REVERTED:
		return "the changes were reverted: go Back to apply again.";
	default:
		return NULL;
	}
}

static void on_step(void *ud, size_t idx, const struct uw_action *a, enum uw_step_event ev,
		    const struct uw_error *e)
{
	const struct uw_plan *p = s.w->plan;
	bool mine = idx < p->n && uw_action_same(&p->actions[idx], a);
	char d[512];

	uw_action_describe(a, d, sizeof(d));
	switch (ev) {
	case UW_STEP_START:
		if (mine)
			uw_widget_progress_set(s.prog, idx, UW_TUI_RUNNING);
		break;
	case UW_STEP_DONE:
	case UW_STEP_ALREADY:
		if (mine)
			uw_widget_progress_set(s.prog, idx, UW_TUI_OK_);
		if (ev == UW_STEP_ALREADY)
			uw_strbuf_printf(&s.log, "Already in place, left alone: %s\n", d);
		break;
	case UW_STEP_FAILED:
		if (mine) {
			uw_widget_progress_set(s.prog, idx, UW_TUI_FAIL);
			s.failed = true;
			s.failed_idx = idx;
		}
		break;
	case UW_STEP_UNDOING:
		break;
	case UW_STEP_UNDONE:
	case UW_STEP_GONE:
		if (mine && !(s.failed && idx == s.failed_idx))
			uw_widget_progress_set(s.prog, idx, UW_TUI_SKIPPED);
		uw_strbuf_printf(&s.log, "%s: %s\n", ev == UW_STEP_GONE ? "Already gone" : "Undone", d);
		break;
	case UW_STEP_UNDO_FAILED:
		if (mine)
			uw_widget_progress_set(s.prog, idx, UW_TUI_WARNING);
		uw_strbuf_printf(&s.log, "COULD NOT UNDO: %s: %s\n", d, e ? e->msg : "");
		break;
	}
	/* uw_apply runs in the loop thread and takes milliseconds: draw each step as it goes. */
	uw_tui_loop_redraw(s.w->loop, false);
}

static void show_outcome(const char *head)
{
	char *text = uw_strdup_printf("%s%s%s", head, s.log.len ? "\n\n" : "", uw_strbuf_str(&s.log));

	uw_widget_textview_set_text(s.outcome, text);
	uw_widget_textview_widget(s.outcome)->hidden = false;
	free(text);
}

static void note_countdown(void)
{
	char note[120];
	long long left = (s.deadline - uw_tui_now_ms() + 999) / 1000;

	snprintf(note, sizeof(note), "Automatic revert in %lld s, even if the terminal closes. Keep stops it.",
		 left > 0 ? left : 0);
	uw_widget_progress_set_note(s.prog, note);
}

static void revert_now(const char *why)
{
	struct uw_error err;
	char head[UW_ERROR_MSG_MAX + 200];
	int r;

	uw_error_clear(&err);
	r = uw_revert(NULL, on_step, NULL, &err);
	if (r < 0)
		snprintf(head, sizeof(head), "%s, but reverting failed: %s What could not be undone stays "
			 "in the journal: 'sudo usbnet-wizard revert' tries again.", why, err.msg);
	else
		snprintf(head, sizeof(head), "%s: %d step%s reverted. The desktop is as it was before.",
			 why, r, r == 1 ? "" : "s");
	s.st = REVERTED;
	s.w->applied = false;
	uw_widget_progress_set_note(s.prog, "Reverted.");
	show_outcome(head);
}

/* The countdown ended: the timer reverts now, or this does, whichever takes the lock first. */
static void expire(void)
{
	struct uw_error err;
	char head[UW_ERROR_MSG_MAX + 200];
	int r;

	uw_error_clear(&err);
	r = uw_autorevert_expire(on_step, NULL, &err);
	if (r == -ECANCELED) {
		/* 'usbnet-wizard confirm' from elsewhere kept them */
		s.st = APPLIED;
		uw_widget_progress_set_note(s.prog, "Kept.");
		show_outcome("Kept: the changes were confirmed from elsewhere ('usbnet-wizard confirm'). "
			     "'usbnet-wizard revert' undoes them at any time.");
		return;
	}
	if (r < 0)
		snprintf(head, sizeof(head), "Not confirmed in time, but reverting failed: %s What could not "
			 "be undone stays in the journal: 'sudo usbnet-wizard revert' tries again.", err.msg);
	else if (r == 0)
		snprintf(head, sizeof(head), "Not confirmed in time: the automatic revert undid the changes. "
			 "The desktop is as it was before.");
	else
		snprintf(head, sizeof(head), "Not confirmed in time: %d step%s reverted. The desktop is as "
			 "it was before.", r, r == 1 ? "" : "s");
	s.st = REVERTED;
	s.w->applied = false;
	uw_widget_progress_set_note(s.prog, "Reverted.");
	show_outcome(head);
}

static bool countdown(struct uw_tui_loop *loop, void *ud)
{
	if (uw_tui_now_ms() < s.deadline) {
		note_countdown();
		return true;
	}
	s.count_timer = 0;
	expire();
	return false;
}

static void start_countdown(struct uw_wizard *w, long long deadline_ms)
{
	s.st = COUNTDOWN;
	s.deadline = uw_tui_now_ms() + (deadline_ms - uw_autorevert_now_ms());
	note_countdown();
	s.count_timer = uw_tui_loop_add_timer(w->loop, 250, countdown, NULL);
	show_outcome("Applied, on trial: everything is undone when the countdown ends, even if the "
		     "terminal closes or the wizard is stopped, unless you press Keep. Check first that "
		     "you can still reach this computer; 'sudo usbnet-wizard confirm' keeps it too.");
	static const struct uw_widget_button_def row[] = { { "Revert now", UW_TUI_BACK }, { "Keep", UW_TUI_NEXT } };

	uw_widget_buttons_set(uw_tui_frame_buttons(w->frame), row, UW_ARRAY_SIZE(row), UW_TUI_NEXT);
}

static bool start(struct uw_tui_loop *loop, void *ud)
{
	struct uw_wizard *w = ud;
	struct uw_error err;
	char head[UW_ERROR_MSG_MAX + 200];
	int r;

	s.start_timer = 0;
	uw_error_clear(&err);
	if (w->auto_revert) {
		struct uw_autorevert ar;
		long long deadline = 0;

		/* Back on this screen during a countdown (Cancel on Quit): the trial goes on. */
		if (uw_autorevert_status(&ar, NULL) == 0 && ar.pending) {
			for (size_t i = 0; i < w->plan->n; i++)
				uw_widget_progress_set(s.prog, i, UW_TUI_OK_);
			w->applied = true;
			start_countdown(w, ar.deadline_ms);
			return false;
		}
		r = uw_apply_try(w->plan, confirm_seconds(), &deadline, on_step, NULL, &err);
		if (r == 0 && deadline > 0) {
			w->applied = true;
			start_countdown(w, deadline);
			return false;
		}
		/* (every step was already in place: nothing to put on trial) */
	} else {
		r = uw_apply(w->plan, NULL, on_step, NULL, &err);
	}
	if (r < 0) {
		s.st = FAILED;
		snprintf(head, sizeof(head), "Applying failed: %s", err.msg);
		uw_widget_progress_set_note(s.prog, "Failed; what this run changed was rolled back.");
		/* Why it failed and what was undone needs the rows more than the labels. */
		uw_widget_progress_set_compact(s.prog, true);
		show_outcome(head);
		return false;
	}
	w->applied = true;
	s.st = APPLIED;
	uw_widget_progress_set_note(s.prog, "Done.");
	show_outcome("The desktop side is ready. Next: log in to the phone and check it is online. "
		     "'usbnet-wizard revert' undoes all of this at any time.");
	return false;
}

static void enter(struct uw_wizard *w)
{
	char d[512];

	memset(&s, 0, sizeof(s));
	s.w = w;
	s.st = RUNNING;
	s.prog = uw_widget_progress_new();
	for (size_t i = 0; i < w->plan->n; i++) {
		uw_action_describe(&w->plan->actions[i], d, sizeof(d));
		uw_widget_progress_add(s.prog, d);
	}
	s.outcome = uw_widget_textview_new("");
	uw_widget_textview_set_rows(s.outcome, 10);
	uw_widget_textview_widget(s.outcome)->hidden = true;
	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	uw_tui_frame_add(w->frame, uw_widget_progress_widget(s.prog));
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(s.outcome));
	/* Start once the screen is up, so the first steps are seen running. */
	s.start_timer = uw_tui_loop_add_timer(w->loop, 1, start, w);
}

/*
 * Keep: the timer stands down. UW_TUI_NEXT when kept; when the timer was
 * first, a message says so and the wizard goes back to Review (the changes
 * are gone); when keeping failed, a message says why and the countdown
 * screen comes back (the trial goes on).
 */
static int keep(struct uw_wizard *w)
{
	struct uw_error err;
	char msg[UW_ERROR_MSG_MAX + 200];
	int r;

	uw_error_clear(&err);
	r = uw_autorevert_confirm(&err);
	if (r >= 0) {
		w->auto_revert = false;
		return UW_TUI_NEXT;
	}
	if (r == -ENOENT) {
		w->applied = false;
		snprintf(msg, sizeof(msg), "Too late to keep: %s", err.msg);
		uw_tui_message(w->loop, "Reverted", msg);
		return UW_TUI_BACK;
	}
	snprintf(msg, sizeof(msg), "Keeping failed: %s\n\nThe automatic revert is still pending: press "
		 "Keep again, or run 'sudo usbnet-wizard confirm'.", err.msg);
	uw_tui_message(w->loop, "Keep", msg);
	return UW_WIZ_STAY;
}

static int leave(struct uw_wizard *w, int result)
{
	if (s.start_timer)
		uw_tui_loop_remove_timer(w->loop, s.start_timer);
	if (s.count_timer)
		uw_tui_loop_remove_timer(w->loop, s.count_timer);
	/* Leaving a countdown any other way than Keep is not a confirmation
	 * (quitting leaves it to the timer: the quit box says so). */
	if (s.st == COUNTDOWN && result == UW_TUI_BACK)
		revert_now("Reverted as asked");
	if (s.st == COUNTDOWN && result == UW_TUI_NEXT)
		result = keep(w);
	uw_strbuf_fini(&s.log);
	return result;
}

const struct uw_screen uw_scr_apply = {
	.id = "apply", .title = "Apply",
	.help = "Each step is journaled before it touches the system, then applied. A step "
		"that is already in place is left alone (it is not ours to undo). If a step "
		"fails, the steps this run made are undone in reverse order, and the screen "
		"says what failed and why.\n\n"
		"With auto-revert, a countdown runs after applying: press Keep (Enter) to keep "
		"the changes; otherwise they are undone when it ends. The revert is done by a "
		"process of its own, so it happens even if this terminal closes, the connection "
		"drops or the wizard is stopped; 'sudo usbnet-wizard confirm' keeps the changes "
		"from another terminal, and 'usbnet-wizard status' shows the deadline.",
	.enter = enter, .leave = leave, .state = &s, .state_size = sizeof(s),
};
