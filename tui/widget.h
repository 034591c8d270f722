/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The widget base. Every widget struct starts with a struct uw_widget whose
 * cls points to a constant method table (htop's PanelClass, nmt's
 * NmtNewtWidgetClass). The container (tui/frame.h) gives each widget a
 * rectangle, draws it, and sends it keys; key handlers return UW_TUI_*
 * flags (tui/loop.h). Widgets draw on stdscr inside their rectangle.
 */

#include <stdbool.h>
#include <ncurses.h>

#include "tui/loop.h"

struct uw_widget;

struct uw_widget_class {
	const char *name;
	/* Draw inside w->y, w->x, w->h, w->w; @focused: it has the keyboard. */
	void (*draw)(struct uw_widget *w, bool focused);
	/* Handle one key; return UW_TUI_IGNORED to let the container try. */
	unsigned (*handle_key)(struct uw_widget *w, int key);
	/* Rows wanted at @width columns (the container may give fewer). */
	int (*size)(struct uw_widget *w, int width);
	/* Optional: the fewest rows it still works in (NULL: what size says).
	 * When the screen is short, every widget gets this first and the rows
	 * left over go on to the widgets wanting more (uw_tui_stack_layout). */
	int (*min_size)(struct uw_widget *w, int width);
	/* Free the widget (the struct itself included). */
	void (*destroy)(struct uw_widget *w);
	/* Optional: NULL when the content is acceptable, else a sentence
	 * saying what to fix ("Next" is disabled and shows it). */
	const char *(*invalid)(struct uw_widget *w);
};

struct uw_widget {
	const struct uw_widget_class *cls;
	int y, x, h, w;     /* the rectangle, set by the container */
	bool focusable;
	bool hidden;
};

/* Draw @w (nothing if hidden or without room). */
void uw_widget_draw(struct uw_widget *w, bool focused);

/* Send @key to @w; UW_TUI_IGNORED if it has no handler. */
unsigned uw_widget_handle_key(struct uw_widget *w, int key);

/* Rows @w wants at @width (1 without a size method, 0 when hidden). */
int uw_widget_size(struct uw_widget *w, int width);

/* The fewest rows @w works in at @width (never more than uw_widget_size). */
int uw_widget_min_size(struct uw_widget *w, int width);

/* NULL if @w is acceptable (or hidden), else the reason it is not. */
const char *uw_widget_invalid(struct uw_widget *w);

/* Place @w in a rectangle. */
void uw_widget_place(struct uw_widget *w, int y, int x, int h, int width);

/* Destroy @w through its class; NULL is fine. */
void uw_widget_free(struct uw_widget *w);

static inline void uw_widget_free_autoptr(struct uw_widget **p)
{
	if (*p)
		uw_widget_free(*p);
}

/* Start and end drawing in a role's attribute (wattron/wattroff). */
void uw_widget_attr_on(int role);
void uw_widget_attr_off(int role);
