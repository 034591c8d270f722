/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Radio list: pick one of a few choices, each with a one-line help shown
 * under the list for the highlighted choice. Up/Down (and Space) move the
 * selection, like dialog's --radiolist with the cursor and the mark joined:
 * what is highlighted is what is chosen.
 */

#include <stddef.h>

#include "tui/widget.h"

struct uw_widget_radio;

/* A new, empty radio list. */
struct uw_widget_radio *uw_widget_radio_new(void);

/* A choice given as a table (uw_widget_radio_new_choices). */
struct uw_widget_radio_choice {
	const char *label;
	const char *help;
};

/* A radio list of the @n choices of @c, choice @sel selected. */
struct uw_widget_radio *uw_widget_radio_new_choices(const struct uw_widget_radio_choice *c, size_t n, size_t sel);

/* Append a choice (strings are copied); returns its index. */
size_t uw_widget_radio_add(struct uw_widget_radio *r, const char *label, const char *help);

/* Select choice @i (ignored if out of range). */
void uw_widget_radio_set_selected(struct uw_widget_radio *r, size_t i);

/* The selected choice's index. */
size_t uw_widget_radio_selected(const struct uw_widget_radio *r);

/* The base widget (for uw_tui_frame_add and friends). */
struct uw_widget *uw_widget_radio_widget(struct uw_widget_radio *r);
