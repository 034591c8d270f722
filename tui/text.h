/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * UTF-8 text measured in terminal columns: decoding, display width, fitting
 * and word wrapping. Pure functions (no curses state), so tests cover them;
 * plus one drawing helper that writes a string clipped to a column count.
 *
 * Widths come from wcwidth(), which follows LC_CTYPE: in a UTF-8 locale CJK
 * is two columns and combining marks zero. In a non-UTF-8 locale every
 * non-ASCII character counts one column (it is drawn as '?').
 */

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <ncurses.h>

/*
 * Decode one UTF-8 sequence from @s (at most @len bytes, @len >= 1). Stores
 * the code point in @wc (U+FFFD for a malformed or truncated sequence) and
 * returns the number of bytes consumed, always >= 1 so callers make progress.
 */
size_t uw_tui_utf8_decode(const char *s, size_t len, wchar_t *wc);

/* Columns one code point takes: 0 for combining marks and controls, 2 for
 * wide characters, 1 otherwise (also for characters the locale cannot show). */
int uw_tui_char_width(wchar_t wc);

/* Columns the whole NUL-terminated UTF-8 string @s takes. */
int uw_tui_text_width(const char *s);

/*
 * Length in bytes of the longest prefix of @s (up to @len bytes) that fits in
 * @cols columns without splitting a character. If @used is not NULL it gets
 * the columns that prefix takes.
 */
size_t uw_tui_text_fit(const char *s, size_t len, int cols, int *used);

/*
 * One wrapped line: a byte range of the source text (no '\n' inside), drawn
 * @indent columns in (the hanging indent of a continued list item).
 */
struct uw_tui_line {
	size_t off;
	size_t len;
	int indent;
};

/*
 * Word-wrap @s into lines of at most @width columns (@width >= 1): breaks at
 * spaces, hard-breaks words longer than a line, keeps explicit '\n' line
 * breaks (an empty line stays an empty line). Spaces at a wrap point are
 * dropped. A paragraph that starts with spaces and/or a list marker ("1. ",
 * "* ", "- ", "$ ") continues under its text: its later lines are @indent
 * columns in and wrapped @indent columns narrower. Fills at most @max
 * entries of @lines (may be NULL with @max 0 to count) and returns the
 * total number of lines.
 */
size_t uw_tui_text_wrap(const char *s, int width, struct uw_tui_line *lines, size_t max);

/*
 * @s with each tab replaced by the spaces to the next multiple of 8 columns
 * from the start of its line, as a terminal shows the text `cat` prints
 * (curses would count from the window's edge, and the wrapper and the drawing
 * count a tab as no column at all). malloc'd.
 */
char *uw_tui_text_expand_tabs(const char *s);

/*
 * Draw @len bytes of UTF-8 text at (@y, @x) in @win, clipped to @cols columns.
 * In a non-UTF-8 terminal non-ASCII characters are drawn as '?'. Returns the
 * columns written.
 */
int uw_tui_put(WINDOW *win, int y, int x, int cols, const char *s, size_t len);

/* Same as uw_tui_put for a NUL-terminated string. */
int uw_tui_puts(WINDOW *win, int y, int x, int cols, const char *s);

/*
 * Like uw_tui_puts, but text longer than @cols ends in an ellipsis ("…", or
 * ">" in ASCII) in the last column, so a cut label is seen to be cut.
 */
int uw_tui_puts_cut(WINDOW *win, int y, int x, int cols, const char *s);
