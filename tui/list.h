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

/*
 * What every item of the three lists has: its label and one sentence about
 * it (a radio choice's help, a check's detail, a disabled button's reason).
 * A widget's own item struct starts with this one and adds its fields.
 */
struct uw_tui_list_item {
	char *label;
	char *note;
};

struct uw_tui_list {
	size_t n;        /* items */
	size_t sel;      /* the cursor (< n when n > 0) */
	size_t top;      /* first item shown, for lists that scroll */
	bool horizontal; /* Left/Right move (a button row), else Up/Down */
	void *items;     /* n items of item_size bytes (uw_tui_list_add), or NULL */
	size_t item_size;
};

/* One item more (the cursor stays where it is); for a bare cursor. */
void uw_tui_list_grow(struct uw_tui_list *l);

/*
 * Append an item of @item_size bytes (the same for every item of @l), which
 * starts with a struct uw_tui_list_item: zeroed, with copies of @label and
 * @note (may be NULL). Returns it, for the widget to fill in the rest; it
 * stays valid until the next add or reset.
 */
void *uw_tui_list_add(struct uw_tui_list *l, size_t item_size, const char *label, const char *note);

/* Item @i (< n) of a list filled by uw_tui_list_add. */
void *uw_tui_list_at(const struct uw_tui_list *l, size_t i);

/* Replace item @i's note with a copy of @note (may be NULL). */
void uw_tui_list_set_note(struct uw_tui_list *l, size_t i, const char *note);

/* Forget every item (freeing labels, notes and the array). */
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
