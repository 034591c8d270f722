// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/widget.h"
#include "tui/theme.h"

void uw_widget_draw(struct uw_widget *w, bool focused)
{
	if (!w || w->hidden || w->h <= 0 || w->w <= 0 || !w->cls->draw)
		return;
	w->cls->draw(w, focused);
}

unsigned uw_widget_handle_key(struct uw_widget *w, int key)
{
	if (!w || w->hidden || !w->cls->handle_key)
		return UW_TUI_IGNORED;
	return w->cls->handle_key(w, key);
}

int uw_widget_size(struct uw_widget *w, int width)
{
	if (!w || w->hidden)
		return 0;
	return w->cls->size ? w->cls->size(w, width) : 1;
}

int uw_widget_min_size(struct uw_widget *w, int width)
{
	int want = uw_widget_size(w, width), min;

	if (!want || !w->cls->min_size)
		return want;
	min = w->cls->min_size(w, width);
	return min < want ? min : want;
}

const char *uw_widget_invalid(struct uw_widget *w)
{
	if (!w || w->hidden || !w->cls->invalid)
		return NULL;
	return w->cls->invalid(w);
}

void uw_widget_place(struct uw_widget *w, int y, int x, int h, int width)
{
	w->y = y;
	w->x = x;
	w->h = h;
	w->w = width;
}

void uw_widget_free(struct uw_widget *w)
{
	if (w)
		w->cls->destroy(w);
}

void uw_widget_attr_on(int role)
{
	wattron(stdscr, uw_tui_attr((enum uw_tui_role)role));
}

void uw_widget_attr_off(int role)
{
	wattroff(stdscr, uw_tui_attr((enum uw_tui_role)role));
}
