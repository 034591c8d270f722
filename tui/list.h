/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The selection-list base shared by the radio list, the checklist and the
 * button row (htop's Panel): a cursor over n items, moved by the arrows
 * along one axis (Up/Down, or Left/Right for a row of buttons) and by
 * Home/End. It stops at the ends, never wraps: at an end the arrow is
 * ignored, so the container can move the focus on. What the cursor is on is
 * what the widget draws focused and what Enter acts on: one index for both.
 */

#include <stdbool.h>
#include <stddef.h>

struct uw_tui_list {
	size_t n;        /* items */
	size_t sel;      /* the cursor (< n when n > 0) */
	size_t top;      /* first item shown, for lists that scroll */
	bool horizontal; /* Left/Right move (a button row), else Up/Down */
};

/* One item more (the cursor stays where it is). */
void uw_tui_list_grow(struct uw_tui_list *l);

/* Forget every item. */
void uw_tui_list_reset(struct uw_tui_list *l);

/* Put the cursor on @i (ignored out of range). */
void uw_tui_list_set(struct uw_tui_list *l, size_t i);

/*
 * A movement key: the previous/next item along the list's axis, Home, End.
 * Returns UW_TUI_HANDLED | UW_TUI_REDRAW when the cursor moved, else
 * UW_TUI_IGNORED (not a movement key, an empty list, or already at that end).
 */
unsigned uw_tui_list_key(struct uw_tui_list *l, int key);

/* Scroll so the cursor is inside a window of @rows items. */
void uw_tui_list_scroll(struct uw_tui_list *l, int rows);
