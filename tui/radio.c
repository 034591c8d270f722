// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/radio.h"
#include "tui/list.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

/* A choice: its label and its help (the note). */
struct uw_widget_radio {
	struct uw_widget base;
	struct uw_tui_list l; /* the cursor is the choice */
};

static const struct uw_tui_list_item *item(const struct uw_widget_radio *r, size_t i)
{
	return uw_tui_list_at(&r->l, i);
}

static int radio_size(struct uw_widget *w, int width)
{
	struct uw_widget_radio *r = (struct uw_widget_radio *)w;

	/* Items, a blank line, two lines of help. */
	return (int)r->l.n + 3;
}

static void radio_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_radio *r = (struct uw_widget_radio *)w;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();
	int rows = w->h > 3 ? w->h - 3 : 1;

	/* Scroll so the selection is visible when space is short. */
	uw_tui_list_scroll(&r->l, rows);
	for (int i = 0; i < rows && r->l.top + (size_t)i < r->l.n; i++) {
		size_t k = r->l.top + (size_t)i;
		bool cur = k == r->l.sel;
		int role = cur && focused ? UW_TUI_FOCUS : UW_TUI_NORMAL;

		uw_widget_attr_on(role);
		mvwhline(stdscr, w->y + i, w->x, ' ', w->w);
		uw_tui_puts(stdscr, w->y + i, w->x + 1, 3, cur ? g->radio_on : g->radio_off);
		uw_tui_puts_cut(stdscr, w->y + i, w->x + 5, w->w - 6, item(r, k)->label);
		uw_widget_attr_off(role);
	}
	if (r->l.top > 0)
		uw_tui_puts(stdscr, w->y, w->x + w->w - 1, 1, g->more_up);
	if (r->l.top + (size_t)rows < r->l.n)
		uw_tui_puts(stdscr, w->y + rows - 1, w->x + w->w - 1, 1, g->more_down);
	if (r->l.n && item(r, r->l.sel)->note && w->h > 3) {
		struct uw_tui_line lines[2];
		const char *help = item(r, r->l.sel)->note;
		size_t nl = uw_tui_text_wrap(help, w->w - 2, lines, 2);

		uw_widget_attr_on(UW_TUI_DIM);
		for (size_t i = 0; i < nl && i < 2; i++)
			uw_tui_put(stdscr, w->y + rows + 1 + (int)i, w->x + 1 + lines[i].indent,
				   w->w - 2 - lines[i].indent, help + lines[i].off, lines[i].len);
		uw_widget_attr_off(UW_TUI_DIM);
	}
}

static unsigned radio_key(struct uw_widget *w, int key)
{
	struct uw_widget_radio *r = (struct uw_widget_radio *)w;

	/* Space steps through the choices (dialog's habit); the rest is the
	 * list base's (at an end, Up/Down go to the container). */
	if (key == ' ' && r->l.n) {
		r->l.sel = (r->l.sel + 1) % r->l.n;
		return UW_TUI_HANDLED | UW_TUI_REDRAW;
	}
	return uw_tui_list_key(&r->l, key);
}

static void radio_destroy(struct uw_widget *w)
{
	struct uw_widget_radio *r = (struct uw_widget_radio *)w;

	uw_tui_list_reset(&r->l);
	free(r);
}

static const struct uw_widget_class radio_class = {
	.name = "radio",
	.draw = radio_draw,
	.handle_key = radio_key,
	.size = radio_size,
	.destroy = radio_destroy,
};

struct uw_widget_radio *uw_widget_radio_new(void)
{
	struct uw_widget_radio *r = uw_malloc0(sizeof(*r));

	r->base.cls = &radio_class;
	r->base.focusable = true;
	return r;
}

size_t uw_widget_radio_add(struct uw_widget_radio *r, const char *label, const char *help)
{
	uw_tui_list_add(&r->l, sizeof(struct uw_tui_list_item), label, help);
	return r->l.n - 1;
}

struct uw_widget_radio *uw_widget_radio_new_choices(const struct uw_widget_radio_choice *c, size_t n, size_t sel)
{
	struct uw_widget_radio *r = uw_widget_radio_new();

	for (size_t i = 0; i < n; i++)
		uw_widget_radio_add(r, c[i].label, c[i].help);
	uw_widget_radio_set_selected(r, sel);
	return r;
}

void uw_widget_radio_set_selected(struct uw_widget_radio *r, size_t i)
{
	uw_tui_list_set(&r->l, i);
}

size_t uw_widget_radio_selected(const struct uw_widget_radio *r)
{
	return r->l.sel;
}

struct uw_widget *uw_widget_radio_widget(struct uw_widget_radio *r)
{
	return &r->base;
}
