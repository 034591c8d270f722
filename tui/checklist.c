// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/checklist.h"
#include "tui/text.h"
#include "core/util.h"

struct check_item {
	char *label, *detail;
	enum uw_tui_status st;
	bool checkable, checked;
};

struct uw_widget_checklist {
	struct uw_widget base;
	struct check_item *items;
	size_t n, sel, top;
	unsigned frame;
};

static int checklist_size(struct uw_widget *w, int width)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	return (int)c->n + 3;
}

static void checklist_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();
	int rows = w->h > 3 ? w->h - 3 : 1;

	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + (size_t)rows)
		c->top = c->sel - (size_t)rows + 1;
	for (int i = 0; i < rows && c->top + (size_t)i < c->n; i++) {
		size_t k = c->top + (size_t)i;
		struct check_item *it = &c->items[k];
		int y = w->y + i, x = w->x + 1;
		int role = uw_tui_status_role(it->st);

		uw_widget_attr_on(role);
		if (it->st == UW_TUI_RUNNING)
			uw_tui_puts(stdscr, y, x + 1, 1, g->spinner[c->frame % UW_TUI_SPINNER_FRAMES]);
		else
			uw_tui_puts(stdscr, y, x, 4, g->status[it->st]);
		uw_widget_attr_off(role);
		x += 5;
		bool cur = focused && k == c->sel;
		/* Unfocused, the selected item is still the one whose details show
		 * below (Up/Down from the buttons move it): underline it. */
		bool sel = !focused && k == c->sel && c->items[k].detail && w->h > 3;
		if (cur)
			uw_widget_attr_on(UW_TUI_FOCUS);
		else if (sel)
			wattron(stdscr, A_UNDERLINE);
		if (it->checkable) {
			uw_tui_puts(stdscr, y, x, 3, it->checked ? g->check_on : g->check_off);
			x += 4;
		}
		uw_tui_puts_cut(stdscr, y, x, w->x + w->w - x - 1, it->label);
		if (cur)
			uw_widget_attr_off(UW_TUI_FOCUS);
		else if (sel)
			wattroff(stdscr, A_UNDERLINE);
	}
	if (c->n && c->items[c->sel].detail && w->h > 3) {
		struct check_item *it = &c->items[c->sel];
		struct uw_tui_line lines[2];
		size_t nl = uw_tui_text_wrap(it->detail, w->w - 2, lines, 2);
		int role = it->st == UW_TUI_FAIL ? UW_TUI_ERROR :
			   it->st == UW_TUI_WARNING ? UW_TUI_WARN : UW_TUI_DIM;

		uw_widget_attr_on(role);
		for (size_t i = 0; i < nl && i < 2; i++)
			uw_tui_put(stdscr, w->y + rows + 1 + (int)i, w->x + 1 + lines[i].indent,
				   w->w - 2 - lines[i].indent, it->detail + lines[i].off, lines[i].len);
		uw_widget_attr_off(role);
	}
}

static unsigned checklist_key(struct uw_widget *w, int key)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	if (!c->n)
		return UW_TUI_IGNORED;
	switch (key) {
	case UW_KEY(KEY_UP):
		if (c->sel == 0)
			return UW_TUI_IGNORED;
		c->sel--;
		return UW_TUI_HANDLED | UW_TUI_REDRAW;
	case UW_KEY(KEY_DOWN):
		if (c->sel + 1 >= c->n)
			return UW_TUI_IGNORED;
		c->sel++;
		return UW_TUI_HANDLED | UW_TUI_REDRAW;
	case ' ':
		if (!c->items[c->sel].checkable)
			return UW_TUI_IGNORED;
		c->items[c->sel].checked = !c->items[c->sel].checked;
		return UW_TUI_HANDLED | UW_TUI_REDRAW;
	}
	return UW_TUI_IGNORED;
}

static void checklist_destroy(struct uw_widget *w)
{
	struct uw_widget_checklist *c = (struct uw_widget_checklist *)w;

	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].label);
		free(c->items[i].detail);
	}
	free(c->items);
	free(c);
}

static const struct uw_widget_class checklist_class = {
	.name = "checklist",
	.draw = checklist_draw,
	.handle_key = checklist_key,
	.size = checklist_size,
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
	c->items = uw_realloc(c->items, (c->n + 1) * sizeof(*c->items));
	c->items[c->n] = (struct check_item){ .label = uw_strdup(label), .st = UW_TUI_PENDING };
	return c->n++;
}

void uw_widget_checklist_set(struct uw_widget_checklist *c, size_t i, enum uw_tui_status st,
			     const char *detail)
{
	if (i >= c->n || (unsigned)st >= UW_TUI_STATUS_COUNT)
		return;
	c->items[i].st = st;
	free(c->items[i].detail);
	c->items[i].detail = uw_strdup(detail);
}

void uw_widget_checklist_set_checkable(struct uw_widget_checklist *c, size_t i, bool checked)
{
	if (i >= c->n)
		return;
	c->items[i].checkable = true;
	c->items[i].checked = checked;
}

bool uw_widget_checklist_checked(const struct uw_widget_checklist *c, size_t i)
{
	return i < c->n && c->items[i].checkable && c->items[i].checked;
}

enum uw_tui_status uw_widget_checklist_status(const struct uw_widget_checklist *c, size_t i)
{
	return i < c->n ? c->items[i].st : UW_TUI_PENDING;
}

bool uw_widget_checklist_finished(const struct uw_widget_checklist *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].st == UW_TUI_PENDING || c->items[i].st == UW_TUI_RUNNING)
			return false;
	return true;
}

bool uw_widget_checklist_tick(struct uw_widget_checklist *c)
{
	bool running = false;

	c->frame++;
	for (size_t i = 0; i < c->n; i++)
		running |= c->items[i].st == UW_TUI_RUNNING;
	return running;
}

struct uw_widget *uw_widget_checklist_widget(struct uw_widget_checklist *c)
{
	return &c->base;
}
