/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The editing model behind a one-line text field: a UTF-8 buffer with a
 * cursor that always sits on a character boundary, and a horizontal scroll
 * offset so the cursor stays visible in a field narrower than the text.
 * No curses here: tests drive it key by key.
 */

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define UW_TUI_EDIT_MAX 256

struct uw_tui_edit {
	char buf[UW_TUI_EDIT_MAX]; /* always NUL-terminated UTF-8 */
	size_t len;                /* bytes in buf */
	size_t cur;                /* cursor, a byte offset on a character boundary */
	size_t scroll;             /* first byte shown */
	size_t max_chars;          /* 0 = only limited by the buffer */
};

/* Initialise @e with the text @text (may be NULL), cursor at the end. Text
 * that does not fit is cut on a character boundary. */
void uw_tui_edit_init(struct uw_tui_edit *e, const char *text, size_t max_chars);

/* Insert the code point @wc at the cursor. Returns false (and changes
 * nothing) for control characters or when the buffer or max_chars is full. */
bool uw_tui_edit_insert(struct uw_tui_edit *e, wchar_t wc);

/* Delete the character before the cursor (Backspace). False at the start. */
bool uw_tui_edit_backspace(struct uw_tui_edit *e);

/* Delete the character under the cursor (Delete). False at the end. */
bool uw_tui_edit_delete(struct uw_tui_edit *e);

/* Move the cursor one character left/right, or to the start/end. Each
 * returns false when the cursor did not move. */
bool uw_tui_edit_left(struct uw_tui_edit *e);
bool uw_tui_edit_right(struct uw_tui_edit *e);
bool uw_tui_edit_home(struct uw_tui_edit *e);
bool uw_tui_edit_end(struct uw_tui_edit *e);

/* Delete everything before the cursor (Ctrl-U, as in a shell). */
bool uw_tui_edit_kill_before(struct uw_tui_edit *e);

/* Number of characters (code points) in the buffer. */
size_t uw_tui_edit_chars(const struct uw_tui_edit *e);

/*
 * Adjust e->scroll so the cursor is visible in a field @cols columns wide
 * (leaving a column for the cursor at the end of the text), and return the
 * cursor's column relative to the field's left edge.
 */
int uw_tui_edit_view(struct uw_tui_edit *e, int cols);

/* Overwrite the buffer with zeros (for passwords) and empty it. */
void uw_tui_edit_wipe(struct uw_tui_edit *e);
