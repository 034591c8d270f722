/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Button row ("< Back >  < Next >"), right-aligned, with a line above it
 * that says why a button is disabled ("Next is unavailable: ..."). Disabled
 * buttons are drawn dimmed in square brackets and cannot be pressed, but can
 * be focused, so their reason stays readable. Left/Right move between
 * buttons and stop at the ends (tui/list.h, never wrapping); Enter or Space
 * presses the focused one, which is the one drawn focused: in the focus
 * colour, and without colour also marked in the text ("> Next <").
 * Dialogs (tui/msgbox.h) use the same row, centred.
 *
 * Each button has an id: UW_TUI_NEXT, UW_TUI_BACK, UW_TUI_QUIT, or any app
 * value >= UW_TUI_BUTTON_CUSTOM.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/widget.h"

#define UW_TUI_BUTTON_CUSTOM 0x1000

struct uw_widget_buttons;

/* A new, empty button row. */
struct uw_widget_buttons *uw_widget_buttons_new(void);

/* Append a button (enabled); returns its index. */
size_t uw_widget_buttons_add(struct uw_widget_buttons *b, const char *label, int id);

/* Remove every button. */
void uw_widget_buttons_clear(struct uw_widget_buttons *b);

/* A button of a row given as a table (uw_widget_buttons_set). */
struct uw_widget_button_def {
	const char *label;
	int id;
};

/* Replace the row with the @n buttons of @defs (all enabled), in that
 * order, and focus the one with the id @focus. */
void uw_widget_buttons_set(struct uw_widget_buttons *b, const struct uw_widget_button_def *defs, size_t n,
			   int focus);

/* Enable or disable the button with @id; @reason (copied, may be NULL)
 * says why it is disabled. Unknown ids are ignored. */
void uw_widget_buttons_set_enabled(struct uw_widget_buttons *b, int id, bool enabled,
				   const char *reason);

/* Whether a button with @id exists and is enabled. */
bool uw_widget_buttons_enabled(const struct uw_widget_buttons *b, int id);

/* Focus the button with @id. */
void uw_widget_buttons_focus(struct uw_widget_buttons *b, int id);

/* The id of the button pressed last (after UW_TUI_ACTIVATE), or 0. */
int uw_widget_buttons_activated(const struct uw_widget_buttons *b);

/* The base widget. */
struct uw_widget *uw_widget_buttons_widget(struct uw_widget_buttons *b);

/* Centre the row in its rectangle (dialogs) instead of aligning it right. */
void uw_widget_buttons_set_centered(struct uw_widget_buttons *b, bool centered);

/* The label of the focused button (what Enter on the row activates), or NULL. */
const char *uw_widget_buttons_focused_label(const struct uw_widget_buttons *b);
