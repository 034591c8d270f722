// SPDX-License-Identifier: GPL-2.0-or-later
/* Pure decisions of tui/: frame layout, stacking, progress bar, colour and
 * UTF-8 choices, glyph tables. */
#include "tests/testutil.h"
#include "tui/frame.h"
#include "tui/progress.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

#include <locale.h>

static void test_frame_layout_80x24(void **state)
{
	struct uw_tui_frame_layout l;

	assert_int_equal(uw_tui_frame_compute_layout(24, 80, &l), 0);
	assert_int_equal(l.title.y, 0);
	assert_int_equal(l.footer.y, 23);
	/* The box spans rows 1..22; the body, the reason line and the buttons
	 * are inside it and do not overlap. */
	assert_int_equal(l.box.y, 1);
	assert_int_equal(l.box.y + l.box.h - 1, 22);
	assert_int_equal(l.box.w, 80);
	assert_int_equal(l.body.y, 2);
	assert_true(l.body.y + l.body.h <= l.buttons.y - 1); /* a blank row between */
	assert_int_equal(l.buttons.y + l.buttons.h - 1, 21);
	assert_true(l.body.x >= 1 && l.body.x + l.body.w <= 79);
	assert_int_equal(l.body.h, 17);
}

static void test_frame_layout_sizes(void **state)
{
	struct uw_tui_frame_layout l;

	assert_int_equal(uw_tui_frame_compute_layout(30, 100, &l), 0);
	assert_int_equal(l.footer.y, 29);
	assert_int_equal(l.box.w, 100);
	assert_int_equal(l.body.h, 23);
	assert_int_equal(uw_tui_frame_compute_layout(23, 80, &l), -ERANGE);
	assert_int_equal(uw_tui_frame_compute_layout(24, 79, &l), -ERANGE);
	assert_int_equal(uw_tui_frame_compute_layout(3, 5, &l), -ERANGE);
	assert_true(l.body.h >= 0 && l.body.w >= 0);
}

static void test_stack(void **state)
{
	int ys[4], hs[4];

	int wants[] = { 2, 6, 0, 3 };
	assert_int_equal(uw_tui_stack_layout(wants, NULL, 4, 17, 1, ys, hs), 13);
	assert_int_equal(ys[0], 0);
	assert_int_equal(hs[0], 2);
	assert_int_equal(ys[1], 3);
	assert_int_equal(hs[1], 6);
	assert_int_equal(hs[2], 0); /* hidden: no room, no gap */
	assert_int_equal(ys[3], 10);
	assert_int_equal(hs[3], 3);

	/* Not enough room: the last gets what is left, nothing overflows. */
	int big[] = { 10, 10 };
	assert_int_equal(uw_tui_stack_layout(big, NULL, 2, 15, 1, ys, hs), 15);
	assert_int_equal(hs[0], 10);
	assert_int_equal(ys[1], 11);
	assert_int_equal(hs[1], 4);
	int huge[] = { 20, 5 };
	uw_tui_stack_layout(huge, NULL, 2, 15, 1, ys, hs);
	assert_int_equal(hs[0], 15);
	assert_int_equal(hs[1], 0);
	assert_true(ys[1] <= 15);
}

/* Issue 12 item 21: a message area below a list gets the rows the list can
 * spare, instead of two rows ("lines 1-2 of 17") while the list above keeps
 * rows it does not need. */
static void test_stack_message_area(void **state)
{
	int ys[3], hs[3];

	/* Steps wanting 15 rows wrapped (9 one line each), an outcome of 12 lines
	 * that asked for 10 rows: the outcome grows first, then the steps. */
	int wants[] = { 15, 12 }, mins[] = { 9, 10 };
	assert_int_equal(uw_tui_stack_layout(wants, mins, 2, 17, 1, ys, hs), 17);
	assert_int_equal(hs[0], 9);
	assert_int_equal(ys[1], 10);
	assert_int_equal(hs[1], 7);

	/* Room to spare after the minimums: the last widget first, up to its want. */
	int w2[] = { 12, 6 }, m2[] = { 9, 2 };
	assert_int_equal(uw_tui_stack_layout(w2, m2, 2, 17, 1, ys, hs), 17);
	assert_int_equal(hs[1], 6);
	assert_int_equal(hs[0], 10);

	/* Everything fits: each gets what it wants, minimums do not matter. */
	int w3[] = { 0, 4, 5 }, m3[] = { 0, 2, 2 };
	assert_int_equal(uw_tui_stack_layout(w3, m3, 3, 17, 1, ys, hs), 10);
	assert_int_equal(hs[0], 0);
	assert_int_equal(ys[1], 0);
	assert_int_equal(hs[1], 4);
	assert_int_equal(ys[2], 5);
	assert_int_equal(hs[2], 5);
}

static void test_bar(void **state)
{
	assert_int_equal(uw_widget_progress_bar_cells(0, 5, 50), 0);
	assert_int_equal(uw_widget_progress_bar_cells(1, 5, 50), 10);
	assert_int_equal(uw_widget_progress_bar_cells(2, 3, 10), 6);
	assert_int_equal(uw_widget_progress_bar_cells(3, 3, 10), 10);
	assert_int_equal(uw_widget_progress_bar_cells(7, 3, 10), 10);
	assert_int_equal(uw_widget_progress_bar_cells(0, 0, 10), 0);
	/* 99 of 100 is not shown as complete */
	assert_int_equal(uw_widget_progress_bar_cells(99, 100, 10), 9);
}

static void test_color_wanted(void **state)
{
	assert_true(uw_tui_color_wanted(NULL, "xterm-256color", true));
	assert_true(uw_tui_color_wanted("", "tmux-256color", true)); /* empty NO_COLOR: ignored */
	assert_false(uw_tui_color_wanted("1", "xterm-256color", true));
	assert_false(uw_tui_color_wanted(NULL, "linux", true));
	assert_false(uw_tui_color_wanted(NULL, "vt100", true));
	assert_false(uw_tui_color_wanted(NULL, "vt220", true));
	assert_false(uw_tui_color_wanted(NULL, "xterm", false));
	assert_false(uw_tui_color_wanted(NULL, NULL, true));
}

static void test_codeset(void **state)
{
	assert_true(uw_tui_codeset_is_utf8("UTF-8"));
	assert_true(uw_tui_codeset_is_utf8("utf8"));
	assert_false(uw_tui_codeset_is_utf8("ANSI_X3.4-1968"));
	assert_false(uw_tui_codeset_is_utf8("ISO-8859-1"));
	assert_false(uw_tui_codeset_is_utf8(NULL));
}

static bool ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void check_glyphs(const struct uw_tui_glyphs *g, bool ascii)
{
	const char *one_col[] = { g->ul, g->ur, g->ll, g->lr, g->hline, g->vline, g->more_up,
				  g->more_down, g->bar_full, g->bar_empty, g->dash };

	for (size_t i = 0; i < UW_ARRAY_SIZE(one_col); i++) {
		assert_int_equal(uw_tui_text_width(one_col[i]), 1);
		if (ascii)
			assert_true(ascii_only(one_col[i]));
	}
	for (int i = 0; i < UW_TUI_SPINNER_FRAMES; i++)
		assert_int_equal(uw_tui_text_width(g->spinner[i]), 1);
	/* Marks line up: every status takes the same columns. */
	for (int i = 0; i < UW_TUI_STATUS_COUNT; i++) {
		assert_non_null(g->status[i]);
		assert_int_equal(uw_tui_text_width(g->status[i]), 4);
		if (ascii)
			assert_true(ascii_only(g->status[i]));
	}
	assert_int_equal(uw_tui_text_width(g->radio_on), 3);
	assert_int_equal(uw_tui_text_width(g->radio_off), 3);
	assert_int_equal(uw_tui_text_width(g->check_on), 3);
	if (ascii) {
		assert_true(ascii_only(g->radio_on));
		assert_true(ascii_only(g->check_on));
	}
}

static void test_glyphs(void **state)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	uw_tui_theme_init(false, true);
	assert_true(uw_tui_glyphs()->utf8);
	assert_string_equal(uw_tui_glyphs()->ul, "┌");
	check_glyphs(uw_tui_glyphs(), false);
	uw_tui_theme_init(false, false);
	assert_false(uw_tui_glyphs()->utf8);
	assert_string_equal(uw_tui_glyphs()->ul, "+");
	check_glyphs(uw_tui_glyphs(), true);
	/* Monochrome still tells focus, title and errors apart. */
	assert_int_not_equal(uw_tui_attr(UW_TUI_FOCUS), uw_tui_attr(UW_TUI_NORMAL));
	assert_int_not_equal(uw_tui_attr(UW_TUI_TITLE), uw_tui_attr(UW_TUI_NORMAL));
	assert_int_not_equal(uw_tui_attr(UW_TUI_ERROR), uw_tui_attr(UW_TUI_NORMAL));
	assert_int_not_equal(uw_tui_attr(UW_TUI_DIM), uw_tui_attr(UW_TUI_NORMAL));
	assert_false(uw_tui_theme_color());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_layout_80x24),
		cmocka_unit_test(test_frame_layout_sizes),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_stack_message_area),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_color_wanted),
		cmocka_unit_test(test_codeset),
		cmocka_unit_test(test_glyphs),
	};
	return cmocka_run_group_tests_name("tui-layout", tests, NULL, NULL);
}
