// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/checklist.h"
#include "tui/list.h"
#include "tui/text.h"
#include "core/util.h"

/* The note is the detail shown under the list for the highlighted item. */
struct check_item {
	struct uw_tui_list_item base;
	enum uw_tui_status st;
	bool checkable, checked;
};

struct uw_widget_checklist {
	struct uw_widget base;
	struct uw_tui_list l; /* the highlighted item, whose detail shows */
	unsigned frame;
};

static struct check_item *item(const struct uw_widget_checklist *c, size_t i)
{
	return uw_tui_list_at(&c->l, i);
}

/* Rows the highlighted item's detail takes at @width (at least two): the
 * list asks for room for all of it, so the sentence is never cut (a login
 * error says what to check in its last words). */
static int detail_rows(const struct uw_widget_checklist *c, int width)
{
	const char *d = c->l.n ? item(c, c->l.sel)->base.note : NULL;
	size_t n = d ? uw_tui_text_wrap(d, width - 2, NULL, 0) : 0;

	return n > 2 ? (int)n : 2;
}

static int checklist_size(struct uw_widget *w, int width)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	return (int)c->l.n + 1 + detail_rows(c, width);
}

/* With less room: every item and two lines of detail (the rest scrolls). */
static int checklist_min_size(struct uw_widget *w, int width)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	return (int)c->l.n + 3;
}

static void checklist_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();
	int rows = w->h > 3 ? w->h - 3 : 1;

	if ((size_t)rows > c->l.n)
		rows = (int)c->l.n;
	uw_tui_list_scroll(&c->l, rows);
	for (int i = 0; i < rows && c->l.top + (size_t)i < c->l.n; i++) {
		size_t k = c->l.top + (size_t)i;
		struct check_item *it = item(c, k);
		int y = w->y + i, x = w->x + 1;
		int role = uw_tui_status_role(it->st);

		uw_widget_attr_on(role);
		if (it->st == UW_TUI_RUNNING)
			uw_tui_puts(stdscr, y, x + 1, 1, g->spinner[c->frame % UW_TUI_SPINNER_FRAMES]);
		else
			uw_tui_puts(stdscr, y, x, 4, g->status[it->st]);
		uw_widget_attr_off(role);
		x += 5;
		bool cur = focused && k == c->l.sel;
		/* Unfocused, the selected item is still the one whose details show
		 * below (Up/Down from the buttons move it): underline it. */
		bool sel = !focused && k == c->l.sel && item(c, k)->base.note && w->h > 3;
		if (cur)
			uw_widget_attr_on(UW_TUI_FOCUS);
		else if (sel)
			wattron(stdscr, A_UNDERLINE);
		if (it->checkable) {
			uw_tui_puts(stdscr, y, x, 3, it->checked ? g->check_on : g->check_off);
			x += 4;
		}
		uw_tui_puts_cut(stdscr, y, x, w->x + w->w - x - 1, it->base.label);
		if (cur)
			uw_widget_attr_off(UW_TUI_FOCUS);
		else if (sel)
			wattroff(stdscr, A_UNDERLINE);
	}
	/* The detail gets every row below the items: wrapped whole when that is
	 * room enough, else what fits with the last line cut visibly. */
	int drows = w->h - rows - 1;
	if (c->l.n && item(c, c->l.sel)->base.note && drows > 0) {
		struct check_item *it = item(c, c->l.sel);
		struct uw_tui_line *lines = uw_malloc0((size_t)drows * sizeof(*lines));
		size_t nl = uw_tui_text_wrap(it->base.note, w->w - 2, lines, (size_t)drows);
		int role = it->st == UW_TUI_FAIL ? UW_TUI_ERROR :
			   it->st == UW_TUI_WARNING ? UW_TUI_WARN : UW_TUI_DIM;

		uw_widget_attr_on(role);
		for (size_t i = 0; i < nl && i < (size_t)drows; i++) {
			int y = w->y + rows + 1 + (int)i, x = w->x + 1 + lines[i].indent;
			int cols = w->w - 2 - lines[i].indent;

			if (i + 1 == (size_t)drows && nl > (size_t)drows)
				uw_tui_puts_cut(stdscr, y, x, cols, it->base.note + lines[i].off);
			else
				uw_tui_put(stdscr, y, x, cols, it->base.note + lines[i].off, lines[i].len);
		}
		uw_widget_attr_off(role);
		free(lines);
	}
}

static unsigned checklist_key(struct uw_widget *w, int key)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	if (key == ' ' && c->l.n) {
		struct check_item *it = item(c, c->l.sel);

		if (!it->checkable)
			return UW_TUI_IGNORED;
		it->checked = !it->checked;
		return UW_TUI_HANDLED | UW_TUI_REDRAW;
	}
	return uw_tui_list_key(&c->l, key);
}

static void checklist_destroy(struct uw_widget *w)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	uw_tui_list_reset(&c->l);
	free(c);
}

static const struct uw_widget_class checklist_class = {
	.name = "checklist",
	.draw = checklist_draw,
	.handle_key = checklist_key,
	.size = checklist_size,
	.min_size = checklist_min_size,
	.destroy = checklist_destroy,
};

struct uw_widget_checklist *uw_widget_checklist_new(void)
{
	struct uw_widget_checklist *c = uw_malloc0(sizeof(*c));

	c->base.cls = &checklist_class;
	c->base.focusable = true;
	return c;
}

size_t uw_widget_checklist_add(struct uw_widget_checklist *c, const char *label)
{
	struct check_item *it = uw_tui_list_add(&c->l, sizeof(*it), label, NULL);

	it->st = UW_TUI_PENDING;
	return c->l.n - 1;
}

void uw_widget_checklist_set(struct uw_widget_checklist *c, size_t i, enum uw_tui_status st,
			     const char *detail)
{
	if (i >= c->l.n || (unsigned)st >= UW_TUI_STATUS_COUNT)
		return;
	item(c, i)->st = st;
	uw_tui_list_set_note(&c->l, i, detail);
}

void uw_widget_checklist_set_checkable(struct uw_widget_checklist *c, size_t i, bool checked)
{
	if (i >= c->l.n)
		return;
	item(c, i)->checkable = true;
	item(c, i)->checked = checked;
}

bool uw_widget_checklist_checked(const struct uw_widget_checklist *c, size_t i)
{
	return i < c->l.n && item(c, i)->checkable && item(c, i)->checked;
}

enum uw_tui_status uw_widget_checklist_status(const struct uw_widget_checklist *c, size_t i)
{
	return i < c->l.n ? item(c, i)->st : UW_TUI_PENDING;
}

bool uw_widget_checklist_finished(const struct uw_widget_checklist *c)
{
	for (size_t i = 0; i < c->l.n; i++)
		if (item(c, i)->st == UW_TUI_PENDING || item(c, i)->st == UW_TUI_RUNNING)
			return false;
	return true;
}

bool uw_widget_checklist_tick(struct uw_widget_checklist *c)
{
	bool running = false;

	c->frame++;
	for (size_t i = 0; i < c->l.n; i++)
		running |= item(c, i)->st == UW_TUI_RUNNING;
	return running;
}

struct uw_widget *uw_widget_checklist_widget(struct uw_widget_checklist *c)
{
	return &c->base;
}
