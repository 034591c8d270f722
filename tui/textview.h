/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Scrollable text, word-wrapped to the widget's width: for reviewing a plan
 * and for help pages. Up/Down scroll a line, PgUp/PgDn (and Space) a page,
 * Home/End to the ends; a "lines a-b of n" mark shows where you are.
 */

#include <stdbool.h>

#include "tui/widget.h"

struct uw_widget_textview;

/* A new text view showing @text (copied; '\n' separates paragraphs). */
struct uw_widget_textview *uw_widget_textview_new(const char *text);

/* Replace the text and scroll back to the top. */
void uw_widget_textview_set_text(struct uw_widget_textview *t, const char *text);

/* First shown line (0-based). */
int uw_widget_textview_top(const struct uw_widget_textview *t);

/* Ask for @rows rows (the frame gives up to this much; default 10). */
void uw_widget_textview_set_rows(struct uw_widget_textview *t, int rows);

/* The screen passes scroll keys on to it while another widget (the buttons)
 * has the focus: the position mark then names the keys all the same. */
void uw_widget_textview_set_scrolled_by_screen(struct uw_widget_textview *t, bool yes);

/* The base widget. */
struct uw_widget *uw_widget_textview_widget(struct uw_widget_textview *t);
