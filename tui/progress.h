/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Progress list: the steps of long work (applying a plan), one line each
 * with its status mark, the running one with a spinner, a bar "done/total"
 * under them and a note line (e.g. "Automatic revert in 12 s"). The list
 * scrolls itself to keep the running step visible. Not focusable.
 */

#include <stddef.h>

#include "tui/theme.h"
#include "tui/widget.h"

struct uw_widget_progress;

/* A new, empty progress list. */
struct uw_widget_progress *uw_widget_progress_new(void);

/* Append a step (pending); returns its index. */
size_t uw_widget_progress_add(struct uw_widget_progress *p, const char *label);

/* Set step @i's status. */
void uw_widget_progress_set(struct uw_widget_progress *p, size_t i, enum uw_tui_status st);

/* Set the note line under the bar (NULL clears it). */
void uw_widget_progress_set_note(struct uw_widget_progress *p, const char *note);

/* Steps no longer pending or running. */
size_t uw_widget_progress_done(const struct uw_widget_progress *p);

/* Advance the spinner; returns whether a step is running. */
bool uw_widget_progress_tick(struct uw_widget_progress *p);

/*
 * Cells of a @width-cell bar that are full for @done of @total (rounded
 * down, full only when done == total; 0 when total is 0).
 */
int uw_widget_progress_bar_cells(size_t done, size_t total, int width);

/* The base widget. */
struct uw_widget *uw_widget_progress_widget(struct uw_widget_progress *p);

/*
 * Labels too long for their line take a second one, when every step fits so.
 * Compact: one line each (cut with an ellipsis), leaving the rows below to
 * something that matters more, such as why a step failed.
 */
void uw_widget_progress_set_compact(struct uw_widget_progress *p, bool compact);
