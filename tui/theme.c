// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/theme.h"
#include "tui/text.h"
#include "core/util.h"

static const struct uw_tui_glyphs glyphs_utf8 = {
	.utf8 = true,
	.ul = "┌", .ur = "┐", .ll = "└", .lr = "┘", .hline = "─", .vline = "│",
	.radio_on = "(•)", .radio_off = "( )",
	.check_on = "[x]", .check_off = "[ ]",
	.status = {
		[UW_TUI_PENDING] = " ·  ", [UW_TUI_RUNNING] = "    ",
		[UW_TUI_OK_] = " ✓  ", [UW_TUI_FAIL] = " ✗  ",
		[UW_TUI_WARNING] = " !  ", [UW_TUI_SKIPPED] = " -  ",
	},
	.spinner = { "◐", "◓", "◑", "◒" },
	.dash = "—", .more_up = "↑", .more_down = "↓", .ellipsis = "…",
	.bar_full = "█", .bar_empty = "░",
};

/* ASCII only: a non-UTF-8 locale (LANG=C, old serial consoles) would show
 * mojibake for the box characters. ACS line drawing is not used either: it
 * switches character sets with escape sequences that break in captures and
 * on terminals that lie about their capabilities. */
static const struct uw_tui_glyphs glyphs_ascii = {
	.utf8 = false,
	.ul = "+", .ur = "+", .ll = "+", .lr = "+", .hline = "-", .vline = "|",
	.radio_on = "(*)", .radio_off = "( )",
	.check_on = "[x]", .check_off = "[ ]",
	.status = {
		[UW_TUI_PENDING] = "[ ] ", [UW_TUI_RUNNING] = "[ ] ",
		[UW_TUI_OK_] = "[ok]", [UW_TUI_FAIL] = "[!!]",
		[UW_TUI_WARNING] = "[??]", [UW_TUI_SKIPPED] = "[--]",
	},
	.spinner = { "|", "/", "-", "\\" },
	.dash = "-", .more_up = "^", .more_down = "v", .ellipsis = ">",
	.bar_full = "#", .bar_empty = ".",
};

static const struct uw_tui_glyphs *cur_glyphs = &glyphs_ascii;
static bool use_color;
static attr_t attrs[UW_TUI_ROLE_COUNT];

/* Monochrome: every role must still be told apart without colour. */
static const attr_t mono[UW_TUI_ROLE_COUNT] = {
	[UW_TUI_NORMAL] = A_NORMAL,
	[UW_TUI_TITLE] = A_REVERSE,
	[UW_TUI_FOOTER] = A_REVERSE,
	[UW_TUI_FOCUS] = A_REVERSE | A_BOLD,
	[UW_TUI_DIM] = A_DIM,
	[UW_TUI_ERROR] = A_BOLD,
	[UW_TUI_OK] = A_NORMAL,
	[UW_TUI_WARN] = A_BOLD,
	[UW_TUI_BORDER] = A_NORMAL,
	[UW_TUI_DIALOG] = A_NORMAL,
};

void uw_tui_theme_init(bool color, bool utf8)
{
	cur_glyphs = utf8 ? &glyphs_utf8 : &glyphs_ascii;
	use_color = color;
	for (int i = 0; i < UW_TUI_ROLE_COUNT; i++)
		attrs[i] = mono[i];
	if (!color)
		return;
	start_color();
	/* Keep the user's own background: -1 is "terminal default". */
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);   /* title, footer */
	init_pair(2, COLOR_BLACK, COLOR_CYAN);   /* focus */
	init_pair(3, COLOR_RED, -1);             /* error */
	init_pair(4, COLOR_GREEN, -1);           /* ok */
	init_pair(5, COLOR_YELLOW, -1);          /* warn */
	init_pair(6, COLOR_CYAN, -1);            /* border */
	attrs[UW_TUI_TITLE] = COLOR_PAIR(1) | A_BOLD;
	attrs[UW_TUI_FOOTER] = COLOR_PAIR(1);
	attrs[UW_TUI_FOCUS] = COLOR_PAIR(2);
	attrs[UW_TUI_ERROR] = COLOR_PAIR(3) | A_BOLD;
	attrs[UW_TUI_OK] = COLOR_PAIR(4) | A_BOLD;
	attrs[UW_TUI_WARN] = COLOR_PAIR(5) | A_BOLD;
	attrs[UW_TUI_BORDER] = COLOR_PAIR(6);
}

bool uw_tui_theme_color(void)
{
	return use_color;
}

attr_t uw_tui_attr(enum uw_tui_role role)
{
	if ((unsigned)role >= UW_TUI_ROLE_COUNT)
		return A_NORMAL;
	return attrs[role];
}

const struct uw_tui_glyphs *uw_tui_glyphs(void)
{
	return cur_glyphs;
}

enum uw_tui_role uw_tui_status_role(enum uw_tui_status st)
{
	switch (st) {
	case UW_TUI_OK_: return UW_TUI_OK;
	case UW_TUI_FAIL: return UW_TUI_ERROR;
	case UW_TUI_WARNING: return UW_TUI_WARN;
	case UW_TUI_PENDING:
	case UW_TUI_SKIPPED: return UW_TUI_DIM;
	default: return UW_TUI_NORMAL;
	}
}

void uw_tui_hline(WINDOW *win, int y, int x, int w)
{
	for (int i = 0; i < w; i++)
		uw_tui_puts(win, y, x + i, 1, cur_glyphs->hline);
}

void uw_tui_fill(WINDOW *win, int y, int x, int h, int w)
{
	for (int r = 0; r < h; r++)
		mvwhline(win, y + r, x, ' ', w);
}

void uw_tui_dialog_frame(WINDOW *win, int y, int x, int h, int w, const char *title)
{
	wattron(win, uw_tui_attr(UW_TUI_DIALOG));
	uw_tui_fill(win, y, x, h, w);
	wattroff(win, uw_tui_attr(UW_TUI_DIALOG));
	wattron(win, uw_tui_attr(UW_TUI_BORDER));
	uw_tui_box(win, y, x, h, w);
	wattroff(win, uw_tui_attr(UW_TUI_BORDER));
	if (title && *title) {
		int tw;

		wattron(win, A_BOLD);
		mvwaddch(win, y, x + 2, ' ');
		tw = uw_tui_puts(win, y, x + 3, w - 6, title);
		mvwaddch(win, y, x + 3 + tw, ' ');
		wattroff(win, A_BOLD);
	}
}

int uw_tui_dialog_text(const char *title, const char *text, int max_w, int max_lines, int rows_below,
		       struct uw_tui_rect *box)
{
	struct uw_tui_line lines[16];
	int w = COLS - 4 < max_w ? COLS - 4 : max_w;
	size_t max = max_lines > 0 && (size_t)max_lines < UW_ARRAY_SIZE(lines) ? (size_t)max_lines :
		     UW_ARRAY_SIZE(lines);

	if (w < 20)
		w = COLS > 2 ? COLS : 2;
	size_t nl = uw_tui_text_wrap(text, w - 4, lines, max);
	if (nl > max)
		nl = max;
	/* border, blank, the text, what the dialog puts below, border */
	box->h = (int)nl + 3 + rows_below;
	box->w = w;
	box->y = (LINES - box->h) / 2 > 0 ? (LINES - box->h) / 2 : 0;
	box->x = (COLS - w) / 2 > 0 ? (COLS - w) / 2 : 0;
	uw_tui_dialog_frame(stdscr, box->y, box->x, box->h, w, title);
	for (size_t i = 0; i < nl; i++)
		uw_tui_put(stdscr, box->y + 2 + (int)i, box->x + 2 + lines[i].indent, w - 4 - lines[i].indent,
			   text + lines[i].off, lines[i].len);
	return box->y + 2 + (int)nl;
}

void uw_tui_box(WINDOW *win, int y, int x, int h, int w)
{
	if (h < 2 || w < 2)
		return;
	uw_tui_puts(win, y, x, 1, cur_glyphs->ul);
	uw_tui_hline(win, y, x + 1, w - 2);
	uw_tui_puts(win, y, x + w - 1, 1, cur_glyphs->ur);
	for (int r = 1; r < h - 1; r++) {
		uw_tui_puts(win, y + r, x, 1, cur_glyphs->vline);
		uw_tui_puts(win, y + r, x + w - 1, 1, cur_glyphs->vline);
	}
	uw_tui_puts(win, y + h - 1, x, 1, cur_glyphs->ll);
	uw_tui_hline(win, y + h - 1, x + 1, w - 2);
	uw_tui_puts(win, y + h - 1, x + w - 1, 1, cur_glyphs->lr);
}
