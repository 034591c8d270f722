// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Apply: the plan step by step through uw_apply, one progress line per
 * action from its callback. On failure: what failed, why, and how the
 * rollback went. With "auto-revert", a countdown runs in the loop: no
 * confirmation within N seconds → uw_revert.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/env.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/progress.h"
#include "tui/textview.h"

enum state { RUNNING, APPLIED, COUNTDOWN, FAILED, REVERTED };

static struct {
	struct uw_wizard *w;
	enum state st;
	struct uw_widget_progress *prog;
	struct uw_widget_textview *outcome;
	char *log;              /* rollback / revert lines */
	size_t log_len;
	FILE *logf;
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
			fprintf(s.logf, "Already in place, left alone: %s\n", d);
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
		fprintf(s.logf, "%s: %s\n", ev == UW_STEP_GONE ? "Already gone" : "Undone", d);
		break;
	case UW_STEP_UNDO_FAILED:
		if (mine)
			uw_widget_progress_set(s.prog, idx, UW_TUI_WARNING);
		fprintf(s.logf, "COULD NOT UNDO: %s: %s\n", d, e ? e->msg : "");
		break;
	}
	fflush(s.logf);
	/* uw_apply runs in the loop thread and takes milliseconds: draw each step as it goes. */
	uw_tui_loop_redraw(s.w->loop, false);
}

static void show_outcome(const char *head)
{
	char *text = uw_strdup_printf("%s%s%s", head, s.log_len ? "\n\n" : "", s.log_len ? s.log : "");

	uw_widget_textview_set_text(s.outcome, text);
	uw_widget_textview_widget(s.outcome)->hidden = false;
	free(text);
}

static void note_countdown(void)
{
	char note[120];
	long long left = (s.deadline - uw_tui_now_ms() + 999) / 1000;

	snprintf(note, sizeof(note), "Automatic revert in %lld s unless you press Keep (Enter).",
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

static bool countdown(struct uw_tui_loop *loop, void *ud)
{
	if (uw_tui_now_ms() < s.deadline) {
		note_countdown();
		return true;
	}
	s.count_timer = 0;
	revert_now("Not confirmed in time");
	return false;
}

static bool start(struct uw_tui_loop *loop, void *ud)
{
	struct uw_wizard *w = ud;
	struct uw_error err;
	char head[UW_ERROR_MSG_MAX + 200];
	int r;

	s.start_timer = 0;
	uw_error_clear(&err);
	r = uw_apply(w->plan, NULL, on_step, NULL, &err);
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
	if (w->auto_revert) {
		s.st = COUNTDOWN;
		s.deadline = uw_tui_now_ms() + confirm_seconds() * 1000LL;
		note_countdown();
		s.count_timer = uw_tui_loop_add_timer(loop, 250, countdown, NULL);
		show_outcome("Applied. Check that you can still reach this computer, then press Keep. "
			     "Without it everything is undone when the countdown ends.");
		uw_widget_buttons_clear(uw_tui_frame_buttons(w->frame));
		uw_widget_buttons_add(uw_tui_frame_buttons(w->frame), "Revert now", UW_TUI_BACK);
		uw_widget_buttons_add(uw_tui_frame_buttons(w->frame), "Keep", UW_TUI_NEXT);
		uw_widget_buttons_focus(uw_tui_frame_buttons(w->frame), UW_TUI_NEXT);
		return false;
	}
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
	s.logf = open_memstream(&s.log, &s.log_len);
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

static int leave(struct uw_wizard *w, int result)
{
	if (s.start_timer)
		uw_tui_loop_remove_timer(w->loop, s.start_timer);
	if (s.count_timer)
		uw_tui_loop_remove_timer(w->loop, s.count_timer);
	/* Leaving a countdown any other way than Keep is not a confirmation. */
	if (s.st == COUNTDOWN && result == UW_TUI_BACK)
		revert_now("Reverted as asked");
	if (s.st == COUNTDOWN && result == UW_TUI_NEXT)
		w->auto_revert = false;
	fclose(s.logf);
	free(s.log);
	memset(&s, 0, sizeof(s));
	return result;
}

const struct uw_screen uw_scr_apply = {
	.id = "apply", .title = "Apply",
	.help = "Each step is journaled before it touches the system, then applied. A step "
		"that is already in place is left alone (it is not ours to undo). If a step "
		"fails, the steps this run made are undone in reverse order, and the screen "
		"says what failed and why.\n\n"
		"With auto-revert, a countdown runs after applying: press Keep (Enter) to keep "
		"the changes; otherwise they are undone when it ends.",
	.enter = enter, .leave = leave,
};
