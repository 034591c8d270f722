// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/list.h"
#include "tui/loop.h"

#include <ncurses.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void uw_tui_list_grow(struct uw_tui_list *l)
{
	l->n++;
}

void *uw_tui_list_add(struct uw_tui_list *l, size_t item_size, const char *label, const char *note)
{
	struct uw_tui_list_item *it;

	l->item_size = item_size;
	l->items = uw_realloc(l->items, (l->n + 1) * item_size);
	it = (struct uw_tui_list_item *)((char *)l->items + l->n * item_size);
	memset(it, 0, item_size);
	it->label = uw_strdup(label);
	it->note = uw_strdup(note);
	uw_tui_list_grow(l);
	return it;
}

void *uw_tui_list_at(const struct uw_tui_list *l, size_t i)
{
	return (char *)l->items + i * l->item_size;
}

void uw_tui_list_set_note(struct uw_tui_list *l, size_t i, const char *note)
{
	struct uw_tui_list_item *it = uw_tui_list_at(l, i);

	if (it->note && note && !strcmp(it->note, note))
		return;
	free(it->note);
	it->note = uw_strdup(note);
}

void uw_tui_list_reset(struct uw_tui_list *l)
{
	for (size_t i = 0; l->items && i < l->n; i++) {
		struct uw_tui_list_item *it = uw_tui_list_at(l, i);

		free(it->label);
		free(it->note);
	}
	free(l->items);
	l->items = NULL;
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
