/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Checklist with live status marks: one line per check (pending, running
 * with a spinner, ok, fail, warning, skipped), a detail sentence per item
 * shown under the list for the highlighted item, and optional tick boxes
 * (Space toggles) for offering fixes. Status changes come from the loop
 * thread (e.g. a uw_tui_post() callback from the worker doing the checks).
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/theme.h"
#include "tui/widget.h"

struct uw_widget_checklist;

/* A new, empty checklist. */
struct uw_widget_checklist *uw_widget_checklist_new(void);

/* Append an item (pending, no detail); returns its index. */
size_t uw_widget_checklist_add(struct uw_widget_checklist *c, const char *label);

/* Set item @i's status and detail sentence (@detail may be NULL). */
void uw_widget_checklist_set(struct uw_widget_checklist *c, size_t i, enum uw_tui_status st,
			     const char *detail);

/* Give item @i a tick box, initially @checked. */
void uw_widget_checklist_set_checkable(struct uw_widget_checklist *c, size_t i, bool checked);

/* Whether item @i is ticked. */
bool uw_widget_checklist_checked(const struct uw_widget_checklist *c, size_t i);

/* Item @i's status. */
enum uw_tui_status uw_widget_checklist_status(const struct uw_widget_checklist *c, size_t i);

/* Whether no item is pending or running. */
bool uw_widget_checklist_finished(const struct uw_widget_checklist *c);

/* Advance the spinner one frame (call from a ~150 ms timer). Returns
 * whether anything is running (so the timer can stop when nothing is). */
bool uw_widget_checklist_tick(struct uw_widget_checklist *c);

/* The base widget. */
struct uw_widget *uw_widget_checklist_widget(struct uw_widget_checklist *c);
