/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Looks: colour roles (with a monochrome fallback made of bold, reverse,
 * dim and underline) and glyphs (UTF-8 box drawing, or plain ASCII when the
 * locale is not UTF-8). One terminal per process, so this is global state,
 * set once by uw_tui_term_init().
 */

#include <stdbool.h>
#include <ncurses.h>

enum uw_tui_role {
	UW_TUI_NORMAL,
	UW_TUI_TITLE,    /* title bar */
	UW_TUI_FOOTER,   /* key hints */
	UW_TUI_FOCUS,    /* the focused item / button */
	UW_TUI_DIM,      /* disabled things, help lines */
	UW_TUI_ERROR,    /* validation errors, failed checks */
	UW_TUI_OK,       /* passed checks */
	UW_TUI_WARN,     /* warnings */
	UW_TUI_BORDER,   /* box lines */
	UW_TUI_DIALOG,   /* inside a modal box */
	UW_TUI_ROLE_COUNT
};

/* Status of a step or check, as shown by the checklist and progress list. */
enum uw_tui_status {
	UW_TUI_PENDING,
	UW_TUI_RUNNING,
	UW_TUI_OK_,      /* trailing _ : UW_TUI_OK is the colour role */
	UW_TUI_FAIL,
	UW_TUI_WARNING,
	UW_TUI_SKIPPED,
	UW_TUI_STATUS_COUNT
};

#define UW_TUI_SPINNER_FRAMES 4

struct uw_tui_glyphs {
	bool utf8;
	const char *ul, *ur, *ll, *lr, *hline, *vline;
	const char *radio_on, *radio_off;   /* 3 columns each */
	const char *check_on, *check_off;   /* 3 columns each */
	const char *status[UW_TUI_STATUS_COUNT]; /* 4 columns each, RUNNING unused */
	const char *spinner[UW_TUI_SPINNER_FRAMES]; /* 1 column each */
	const char *dash;                   /* title separator */
	const char *more_up, *more_down;    /* scroll indicators, 1 column */
	const char *bar_full, *bar_empty;   /* progress bar cells, 1 column */
	const char *ellipsis;               /* marks text cut short, 1 column */
};

/*
 * Choose colours or monochrome, and UTF-8 or ASCII glyphs. With @color it
 * must run after initscr() (it calls start_color and init_pair); without, it
 * makes no curses call, so tests may call it.
 */
void uw_tui_theme_init(bool color, bool utf8);

/* Whether colours are in use. */
bool uw_tui_theme_color(void);

/* The attribute for a role (colour pair, or a monochrome attribute). */
attr_t uw_tui_attr(enum uw_tui_role role);

/* The glyph table in use (ASCII until uw_tui_theme_init says otherwise). */
const struct uw_tui_glyphs *uw_tui_glyphs(void);

/* The role a status mark is drawn in. */
enum uw_tui_role uw_tui_status_role(enum uw_tui_status st);

/* Draw a box with the current glyphs, (@y,@x) top-left, @h x @w cells. */
void uw_tui_box(WINDOW *win, int y, int x, int h, int w);

/*
 * A modal box: cleared in the dialog colours, bordered, @title (may be NULL
 * or "") in bold on the top border. Message boxes, input boxes and the text
 * viewer all look the same this way.
 */
void uw_tui_dialog_frame(WINDOW *win, int y, int x, int h, int w, const char *title);

/* A rectangle of cells on the screen (a dialog's box, a frame's parts). */
struct uw_tui_rect {
	int y, x, h, w;
};

/*
 * A dialog centred on stdscr with @text at its top (message boxes, input
 * boxes): @max_w columns at most (and COLS - 4; the whole width when that
 * leaves under 20), the text wrapped two columns in from the borders and cut
 * to @max_lines lines (at most 16), after a blank row, and @rows_below rows
 * under it for the dialog's own widgets. Draws the frame (uw_tui_dialog_frame)
 * and the text, fills *@box, and returns the first row under the text.
 */
int uw_tui_dialog_text(const char *title, const char *text, int max_w, int max_lines, int rows_below,
		       struct uw_tui_rect *box);

/* Draw a horizontal line of @w cells. */
void uw_tui_hline(WINDOW *win, int y, int x, int w);

/* Fill a rectangle with spaces in the current attribute. */
void uw_tui_fill(WINDOW *win, int y, int x, int h, int w);
