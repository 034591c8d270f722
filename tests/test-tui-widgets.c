// SPDX-License-Identifier: GPL-2.0-or-later
/* Widget models driven key by key, without a screen: radio list, text
 * field validation, button row, checklist, progress list. Drawing is
 * covered by tests/sys/t-tui.sh in a real terminal (tmux). */
#include "tests/testutil.h"
#include "tui/buttons.h"
#include "tui/checklist.h"
#include "tui/list.h"
#include "tui/field.h"
#include "tui/progress.h"
#include "tui/radio.h"

static void test_radio_keys(void **state)
{
	struct uw_widget_radio *r = uw_widget_radio_new();
	struct uw_widget *w = uw_widget_radio_widget(r);

	assert_int_equal(uw_widget_handle_key(w, UW_KEY(KEY_DOWN)), UW_TUI_IGNORED); /* empty */
	uw_widget_radio_add(r, "/24", "help 24");
	uw_widget_radio_add(r, "/29", "help 29");
	uw_widget_radio_add(r, "/32", NULL);
	assert_int_equal(uw_widget_size(w, 76), 6);
	assert_int_equal(uw_widget_radio_selected(r), 0);
	/* Up at the top is not ours: the frame moves the focus. */
	assert_int_equal(uw_widget_handle_key(w, UW_KEY(KEY_UP)), UW_TUI_IGNORED);
	assert_true(uw_widget_handle_key(w, UW_KEY(KEY_DOWN)) & UW_TUI_HANDLED);
	assert_int_equal(uw_widget_radio_selected(r), 1);
	assert_true(uw_widget_handle_key(w, UW_KEY(KEY_END)) & UW_TUI_HANDLED);
	assert_int_equal(uw_widget_radio_selected(r), 2);
	assert_int_equal(uw_widget_handle_key(w, UW_KEY(KEY_DOWN)), UW_TUI_IGNORED);
	assert_true(uw_widget_handle_key(w, ' ') & UW_TUI_HANDLED); /* wraps */
	assert_int_equal(uw_widget_radio_selected(r), 0);
	uw_widget_radio_set_selected(r, 7); /* out of range: ignored */
	assert_int_equal(uw_widget_radio_selected(r), 0);
	assert_int_equal(uw_widget_handle_key(w, '\r'), UW_TUI_IGNORED); /* Enter is the frame's */
	assert_null(uw_widget_invalid(w));
	uw_widget_free(w);
}

static bool digits_only(const char *text, char *why, size_t n, void *ud)
{
	(*(int *)ud)++;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9') {
			snprintf(why, n, "'%c' is not a digit.", *p);
			return false;
		}
	}
	return true;
}

static void test_field_validation(void **state)
{
	int calls = 0;
	struct uw_widget_field *f = uw_widget_field_new("Port:", "22", 5);
	struct uw_widget *w = uw_widget_field_widget(f);

	assert_null(uw_widget_invalid(w)); /* no validator: valid */
	uw_widget_field_set_validate(f, digits_only, &calls);
	assert_int_equal(calls, 1);
	assert_null(uw_widget_field_error(f));
	assert_true(uw_widget_handle_key(w, 'x') & UW_TUI_HANDLED);
	assert_string_equal(uw_widget_field_text(f), "22x");
	assert_string_equal(uw_widget_field_error(f), "'x' is not a digit.");
	assert_string_equal(uw_widget_invalid(w), "'x' is not a digit.");
	/* Moving the cursor does not re-validate; editing does. */
	int before = calls;
	uw_widget_handle_key(w, UW_KEY(KEY_LEFT));
	assert_int_equal(calls, before);
	uw_widget_handle_key(w, UW_KEY(KEY_RIGHT));
	assert_true(uw_widget_handle_key(w, 127) & UW_TUI_HANDLED); /* ^? Backspace */
	assert_string_equal(uw_widget_field_text(f), "22");
	assert_null(uw_widget_invalid(w));
	/* Keys the frame needs pass through. */
	assert_int_equal(uw_widget_handle_key(w, '\r'), UW_TUI_IGNORED);
	assert_int_equal(uw_widget_handle_key(w, '\t'), UW_TUI_IGNORED);
	assert_int_equal(uw_widget_handle_key(w, UW_KEY_ESC), UW_TUI_IGNORED);
	assert_int_equal(uw_widget_handle_key(w, UW_KEY(KEY_F(1))), UW_TUI_IGNORED);
	/* ...but printable ones, '?' and 'q' included, are text. */
	uw_widget_handle_key(w, 'q');
	assert_string_equal(uw_widget_field_text(f), "22q");
	uw_widget_field_set_text(f, "8080");
	assert_null(uw_widget_invalid(w));
	uw_widget_handle_key(w, '1');
	uw_widget_handle_key(w, '2'); /* max 5 characters */
	assert_string_equal(uw_widget_field_text(f), "80801");
	uw_widget_field_wipe(f);
	assert_string_equal(uw_widget_field_text(f), "");
	uw_widget_free(w);
}

static void test_buttons(void **state)
{
	struct uw_widget_buttons *b = uw_widget_buttons_new();
	struct uw_widget *w = uw_widget_buttons_widget(b);

	uw_widget_buttons_add(b, "Back", UW_TUI_BACK);
	uw_widget_buttons_add(b, "Next", UW_TUI_NEXT);
	uw_widget_buttons_add(b, "Save", UW_TUI_BUTTON_CUSTOM + 3);
	assert_true(uw_widget_buttons_enabled(b, UW_TUI_NEXT));
	assert_false(uw_widget_buttons_enabled(b, UW_TUI_QUIT)); /* no such button */
	uw_widget_buttons_focus(b, UW_TUI_NEXT);
	uw_widget_buttons_set_enabled(b, UW_TUI_NEXT, false, "fix the address first.");
	assert_false(uw_widget_buttons_enabled(b, UW_TUI_NEXT));
	/* A disabled button cannot be pressed. */
	assert_int_equal(uw_widget_handle_key(w, '\r'), UW_TUI_HANDLED);
	assert_int_equal(uw_widget_buttons_activated(b), 0);
	assert_true(uw_widget_handle_key(w, UW_KEY(KEY_RIGHT)) & UW_TUI_HANDLED);
	/* At the last button Right stays there: no wrap to the first (issue 12
	 * item 21: "Revert and quit" then Right landed on "Leave them in place"),
	 * and the row keeps the key, so Enter presses the button drawn focused. */
	assert_int_equal(uw_widget_handle_key(w, UW_KEY(KEY_RIGHT)), UW_TUI_HANDLED);
	assert_string_equal(uw_widget_buttons_focused_label(b), "Save");
	assert_true(uw_widget_handle_key(w, '\r') & UW_TUI_ACTIVATE);
	assert_int_equal(uw_widget_buttons_activated(b), UW_TUI_BUTTON_CUSTOM + 3);
	uw_widget_buttons_set_enabled(b, UW_TUI_NEXT, true, NULL);
	uw_widget_buttons_focus(b, UW_TUI_NEXT);
	assert_true(uw_widget_handle_key(w, ' ') & UW_TUI_ACTIVATE);
	assert_int_equal(uw_widget_buttons_activated(b), UW_TUI_NEXT);
	uw_widget_buttons_clear(b);
	assert_int_equal(uw_widget_handle_key(w, '\r'), UW_TUI_IGNORED);
	uw_widget_free(w);
}

/* The selection-list base under radio, checklist and buttons: one axis,
 * stops at both ends, Home/End. */
static void test_list_base(void **state)
{
	struct uw_tui_list l = { 0 };

	assert_int_equal(uw_tui_list_key(&l, UW_KEY(KEY_DOWN)), UW_TUI_IGNORED); /* empty */
	uw_tui_list_grow(&l);
	uw_tui_list_grow(&l);
	uw_tui_list_grow(&l);
	assert_int_equal(uw_tui_list_key(&l, UW_KEY(KEY_UP)), UW_TUI_IGNORED);
	assert_true(uw_tui_list_key(&l, UW_KEY(KEY_DOWN)) & UW_TUI_HANDLED);
	assert_true(uw_tui_list_key(&l, UW_KEY(KEY_END)) & UW_TUI_HANDLED);
	assert_int_equal(l.sel, 2);
	assert_int_equal(uw_tui_list_key(&l, UW_KEY(KEY_DOWN)), UW_TUI_IGNORED);
	assert_int_equal(l.sel, 2);
	assert_int_equal(uw_tui_list_key(&l, UW_KEY(KEY_RIGHT)), UW_TUI_IGNORED); /* not its axis */
	uw_tui_list_scroll(&l, 2);
	assert_int_equal(l.top, 1);
	l.horizontal = true;
	assert_true(uw_tui_list_key(&l, UW_KEY(KEY_LEFT)) & UW_TUI_HANDLED);
	assert_int_equal(l.sel, 1);
	assert_int_equal(uw_tui_list_key(&l, UW_KEY(KEY_UP)), UW_TUI_IGNORED);
	uw_tui_list_set(&l, 7); /* out of range: ignored */
	assert_int_equal(l.sel, 1);
	uw_tui_list_reset(&l);
	assert_int_equal(l.n, 0);
}

static void test_checklist(void **state)
{
	struct uw_widget_checklist *c = uw_widget_checklist_new();
	struct uw_widget *w = uw_widget_checklist_widget(c);

	uw_widget_checklist_add(c, "ping");
	uw_widget_checklist_add(c, "dns");
	uw_widget_checklist_set_checkable(c, 1, false);
	assert_false(uw_widget_checklist_finished(c));
	uw_widget_checklist_set(c, 0, UW_TUI_RUNNING, NULL);
	assert_true(uw_widget_checklist_tick(c));
	uw_widget_checklist_set(c, 0, UW_TUI_OK_, "answers");
	assert_false(uw_widget_checklist_tick(c));
	assert_false(uw_widget_checklist_finished(c));
	uw_widget_checklist_set(c, 1, UW_TUI_FAIL, "no answer");
	uw_widget_checklist_set(c, 1, UW_TUI_STATUS_COUNT, "bogus"); /* ignored */
	assert_int_equal(uw_widget_checklist_status(c, 1), UW_TUI_FAIL);
	assert_true(uw_widget_checklist_finished(c));
	/* Space ticks only tickable items. */
	assert_int_equal(uw_widget_handle_key(w, ' '), UW_TUI_IGNORED);
	uw_widget_handle_key(w, UW_KEY(KEY_DOWN));
	assert_true(uw_widget_handle_key(w, ' ') & UW_TUI_HANDLED);
	assert_true(uw_widget_checklist_checked(c, 1));
	assert_false(uw_widget_checklist_checked(c, 0));
	assert_false(uw_widget_checklist_checked(c, 9));
	uw_widget_free(w);
}

static void test_progress(void **state)
{
	struct uw_widget_progress *p = uw_widget_progress_new();
	struct uw_widget *w = uw_widget_progress_widget(p);

	for (int i = 0; i < 4; i++)
		uw_widget_progress_add(p, "step");
	assert_false(w->focusable);
	assert_int_equal(uw_widget_progress_done(p), 0);
	uw_widget_progress_set(p, 0, UW_TUI_OK_);
	uw_widget_progress_set(p, 1, UW_TUI_RUNNING);
	assert_true(uw_widget_progress_tick(p));
	uw_widget_progress_set(p, 1, UW_TUI_FAIL);
	uw_widget_progress_set(p, 2, UW_TUI_SKIPPED);
	assert_int_equal(uw_widget_progress_done(p), 3);
	assert_false(uw_widget_progress_tick(p));
	uw_widget_progress_set_note(p, "Automatic revert in 30 s");
	uw_widget_progress_set_note(p, NULL);
	assert_int_equal(uw_widget_handle_key(w, '\r'), UW_TUI_IGNORED);
	/* Rows: a line a step, the bar and the note; a label too long for its
	 * line (76 columns less the status mark) takes a second one. */
	assert_int_equal(uw_widget_size(w, 76), 4 + 3);
	uw_widget_progress_add(p, "Send udp port 53 queries from 192.168.0.202 to 192.168.0.200 on "
			       "to 203.0.113.53 instead (DNS forwarding by DNAT).");
	assert_int_equal(uw_widget_size(w, 76), 4 + 2 + 3);
	assert_int_equal(uw_widget_size(w, 200), 5 + 3);
	uw_widget_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radio_keys),
		cmocka_unit_test(test_field_validation),
		cmocka_unit_test(test_buttons),
		cmocka_unit_test(test_list_base),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests_name("tui-widgets", tests, NULL, NULL);
}
