// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Review: the plan built from the draft on the host as it is now, every
 * action in plain words with its shell equivalent. Apply, apply with an
 * automatic revert unless confirmed, save the plan as a script, or go back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/text.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/input.h"
#include "tui/msgbox.h"
#include "tui/textview.h"

#define BTN_AUTO (UW_TUI_BUTTON_CUSTOM + 1)
#define BTN_SAVE (UW_TUI_BUTTON_CUSTOM + 2)

static struct {
	struct uw_wizard *w;
	struct uw_widget_textview *text;
	char error[UW_ERROR_MSG_MAX + 64];
} s;

static const char *gate(void *ud)
{
	return s.error[0] ? "the plan cannot be made: go Back and change the choices." : NULL;
}

static char *plan_text(const struct uw_plan *p)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	uw_text_plan_summary(p, &b);
	return uw_strbuf_steal(&b);
}

static void enter(struct uw_wizard *w)
{
	static const struct uw_widget_button_def row[] = {
		{ "Back", UW_TUI_BACK }, { "Apply", UW_TUI_NEXT }, { "Apply with auto-revert", BTN_AUTO },
		{ "Save as script", BTN_SAVE },
	};
	struct uw_error err;
	struct uw_widget_buttons *b = uw_tui_frame_buttons(w->frame);
	_auto_(free) char *text = NULL;

	s.w = w;
	s.error[0] = '\0';
	uw_error_clear(&err);
	/* Plan against the host as it is now, not as it was at start. */
	w->facts_ok = uw_facts_read(w->facts, &err) == 0;
	if (!w->facts_ok)
		snprintf(s.error, sizeof(s.error), "Reading this computer's network failed: %s", err.msg);
	else if (uw_plan_build(&w->draft, w->facts, w->plan, &err) < 0)
		snprintf(s.error, sizeof(s.error), "%s", err.msg);
	w->plan_ok = !s.error[0];
	if (w->plan_ok)
		uw_plan_prior_from_journal(w->plan); /* undo text: as before usbnet-wizard */
	text = w->plan_ok ? plan_text(w->plan) : uw_strdup(s.error);

	struct uw_widget_textview *t = uw_widget_textview_new(text);
	uw_widget_textview_set_rows(t, 17);
	uw_widget_textview_set_scrolled_by_screen(t, true);
	s.text = t;
	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));
	uw_widget_buttons_set(b, row, UW_ARRAY_SIZE(row), UW_TUI_NEXT);
	if (!w->plan_ok) {
		uw_widget_buttons_set_enabled(b, BTN_AUTO, false, "the plan cannot be made.");
		uw_widget_buttons_set_enabled(b, BTN_SAVE, false, "the plan cannot be made.");
	} else if (uw_wizard_changes_live()) {
		/* Its automatic revert would undo the earlier, confirmed setup as well. */
		uw_widget_buttons_set_enabled(b, BTN_AUTO, false, "changes are already live; an automatic "
					      "revert would undo those too.");
	}
	uw_tui_frame_set_hints(w->frame, "Enter Apply  PgUp/PgDn Scroll  Tab Move  Esc Back  F1 Help  q Quit");
	/* The buttons have the focus from the start, so Left/Right choose among
	 * them at once and the one Enter presses is drawn focused; the plan above
	 * scrolls with Up/Down/PgUp/PgDn all the same (key() below). */
	uw_tui_frame_focus(w->frame, 2);
}

static unsigned key(struct uw_wizard *w, int k)
{
	if (!uw_tui_frame_buttons_focused(w->frame))
		return UW_TUI_IGNORED;
	switch (k) {
	case UW_KEY(KEY_UP): case UW_KEY(KEY_DOWN): case UW_KEY(KEY_PPAGE): case UW_KEY(KEY_NPAGE):
	case UW_KEY(KEY_HOME): case UW_KEY(KEY_END):
		uw_widget_handle_key(uw_widget_textview_widget(s.text), k);
		return UW_TUI_HANDLED; /* at the top or the end: stay on the buttons */
	}
	return UW_TUI_IGNORED;
}

static void save(struct uw_wizard *w)
{
	char path[512], cwd[256], def[300], msg[1800];

	snprintf(def, sizeof(def), "%s/usbnet-wizard-%s.sh", getcwd(cwd, sizeof(cwd)) ? cwd : "/tmp",
		 w->plan->choices.iface);
	if (uw_tui_input(w->loop, "Save as script", "Write the plan's shell commands (and the commands "
			 "that undo them) to this file:", def, path, sizeof(path)) < 0)
		return;
	_auto_strbuf_ struct uw_strbuf text = UW_STRBUF_INIT;

	uw_text_plan_script(w->plan, &text);
	if (uw_wizard_save_file(w, path, uw_strbuf_str(&text), 0644, false) == 0) {
		snprintf(msg, sizeof(msg), "Saved to %s.\n\n'sh %s' applies the plan; 'sh %s undo' undoes it.",
			 path, path, path);
		uw_tui_message(w->loop, "Saved", msg);
	}
}

static int leave(struct uw_wizard *w, int result)
{
	if (result == BTN_SAVE) {
		save(w);
		return UW_WIZ_STAY;
	}
	if (result != UW_TUI_NEXT && result != BTN_AUTO)
		return result;
	if (!w->plan_ok)
		return UW_WIZ_STAY;
	if (geteuid() != 0) {
		uw_tui_message(w->loop, "Root is needed",
			       "Changing the network needs root. Nothing was changed.\n\n"
			       "Quit and start the wizard again with 'sudo usbnet-wizard', or save "
			       "this plan as a script and run it as root. Detection and the phone "
			       "check work without root.");
		return UW_WIZ_STAY;
	}
	w->auto_revert = result == BTN_AUTO;
	return UW_TUI_NEXT;
}

const struct uw_screen uw_scr_review = {
	.id = "review", .title = "Review",
	.help = "This is everything usbnet-wizard will change, in order, with the command "
		"you could type to do the same by hand. Nothing has changed yet.\n\n"
		"Apply: make the changes now. Each step is written to a journal first, so a "
		"failing step undoes the ones before it and 'usbnet-wizard revert' undoes "
		"everything, even after a crash.\n\n"
		"Apply with auto-revert: the same, but everything is undone unless you press "
		"Keep in time (useful when working remotely). A process of its own does the "
		"undo, so it happens even if the terminal closes, the connection drops or the "
		"wizard is killed.\n\n"
		"Save as script: write these commands, and the ones undoing them, to a file.",
	.enter = enter, .key = key, .leave = leave,
};
