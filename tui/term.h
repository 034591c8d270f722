/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The terminal: curses setup and a restore that always happens — on normal
 * exit (uw_tui_term_fini, and an atexit() safety net), on errors, and on a
 * crash (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL), where an async-signal-
 * safe handler writes the saved termios back and the terminal's reset
 * sequences, then re-raises the signal so the crash still dumps core.
 * SIGINT/SIGTERM/SIGHUP/SIGWINCH are the event loop's (tui/loop.h).
 *
 * One terminal per process: this is global state.
 */

#include <stdbool.h>

#include "core/error.h"

/* What the terminal can do, as decided at init. */
struct uw_tui_caps {
	bool color; /* false: monochrome attributes only */
	bool utf8;  /* false: ASCII glyphs only */
};

/* Minimum terminal size every screen is designed for. */
#define UW_TUI_MIN_COLS 80
#define UW_TUI_MIN_ROWS 24

/*
 * Whether to use colours: not when @no_color is set and non-empty (the
 * no-color.org convention), not on TERM=linux, vt100/vt102/vt220 or dumb
 * (@term), and not when curses says the terminal has none (@has_colors).
 */
bool uw_tui_color_wanted(const char *no_color, const char *term, bool has_colors);

/* Whether @codeset (nl_langinfo(CODESET)) is UTF-8. */
bool uw_tui_codeset_is_utf8(const char *codeset);

/*
 * Set up the terminal: locale from the environment, curses in cbreak/noecho/
 * keypad mode (Ctrl-C stays a signal, so the loop can ask before quitting),
 * a short Esc delay, colours or monochrome, UTF-8 or ASCII glyphs, and the
 * crash handlers. Fills @caps if not NULL. Fails with -ENOTTY when stdin or
 * stdout is not a terminal, -EALREADY if already set up.
 */
int uw_tui_term_init(struct uw_tui_caps *caps, struct uw_error *err);

/* Restore the terminal (endwin and the saved termios) and remove the crash
 * handlers. Safe to call more than once and when init failed. */
void uw_tui_term_fini(void);

/* Whether uw_tui_term_init succeeded and fini has not run yet. */
bool uw_tui_term_active(void);

/* Whether the terminal is at least UW_TUI_MIN_COLS x UW_TUI_MIN_ROWS. */
bool uw_tui_term_big_enough(void);

/*
 * Ask for the hardware cursor at (@y, @x) after this redraw (a text field
 * being edited). Without a call during a redraw the cursor is hidden.
 */
void uw_tui_term_want_cursor(int y, int x);

/* Called by the loop around a redraw: forget / apply the cursor wish. */
void uw_tui_term_begin_draw(void);
void uw_tui_term_end_draw(void);
