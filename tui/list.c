// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/list.h"
#include "tui/loop.h"

#include <ncurses.h>

void uw_tui_list_grow(struct uw_tui_list *l)
{
	l->n++;
}

void uw_tui_list_reset(struct uw_tui_list *l)
{
	l->n = l->sel = l->top = 0;
}

void uw_tui_list_set(struct uw_tui_list *l, size_t i)
{
	if (i < l->n)
		l->sel = i;
}

unsigned uw_tui_list_key(struct uw_tui_list *l, int key)
{
	int prev = l->horizontal ? UW_KEY(KEY_LEFT) : UW_KEY(KEY_UP);
	int next = l->horizontal ? UW_KEY(KEY_RIGHT) : UW_KEY(KEY_DOWN);
	size_t old = l->sel;

	if (!l->n)
		return UW_TUI_IGNORED;
	if (key == prev) {
		if (l->sel > 0)
			l->sel--;
	} else if (key == next) {
		if (l->sel + 1 < l->n)
			l->sel++;
	} else if (key == UW_KEY(KEY_HOME)) {
		l->sel = 0;
	} else if (key == UW_KEY(KEY_END)) {
		l->sel = l->n - 1;
	} else {
		return UW_TUI_IGNORED;
	}
	return l->sel == old ? UW_TUI_IGNORED : UW_TUI_HANDLED | UW_TUI_REDRAW;
}

void uw_tui_list_scroll(struct uw_tui_list *l, int rows)
{
	if (rows < 1)
		rows = 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)rows)
		l->top = l->sel - (size_t)rows + 1;
}
