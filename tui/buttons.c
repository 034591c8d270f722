// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/buttons.h"
#include "tui/list.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

/* The note says why the button is disabled. */
struct button {
	struct uw_tui_list_item base;
	int id;
	bool enabled;
};

struct uw_widget_buttons {
	struct uw_widget base;
	struct uw_tui_list l; /* the focused button: drawn focused, pressed by Enter */
	int activated;
	bool centered;
};

static struct button *button(const struct uw_widget_buttons *b, size_t i)
{
	return uw_tui_list_at(&b->l, i);
}

static int buttons_size(struct uw_widget *w, int width)
{
	return 2;
}

static void buttons_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_buttons *b = (struct uw_widget_buttons *)w;
	int total = 0, x;
	const struct button *why = NULL;

	for (size_t i = 0; i < b->l.n; i++)
		total += uw_tui_text_width(button(b, i)->base.label) + 4 + 2;
	x = b->centered ? w->x + (w->w - total + 2) / 2 : w->x + w->w - total;
	if (x < w->x)
		x = w->x;
	for (size_t i = 0; i < b->l.n; i++) {
		const struct button *bt = button(b, i);
		int lw = uw_tui_text_width(bt->base.label);
		bool cur = focused && i == b->l.sel;
		int role = cur ? UW_TUI_FOCUS : bt->enabled ? UW_TUI_NORMAL : UW_TUI_DIM;

		/* Without colour the focus is also drawn in the text ("> Next <"),
		 * as reverse video alone is lost on some terminals and in captures. */
		bool mark = cur && !uw_tui_theme_color();
		const char *open = mark ? (bt->enabled ? "> " : ">[") : bt->enabled ? "< " : "[ ";
		const char *close = mark ? (bt->enabled ? " <" : "]<") : bt->enabled ? " >" : " ]";

		uw_widget_attr_on(role);
		uw_tui_puts(stdscr, w->y + w->h - 1, x, 2, open);
		uw_tui_puts(stdscr, w->y + w->h - 1, x + 2, lw, bt->base.label);
		uw_tui_puts(stdscr, w->y + w->h - 1, x + 2 + lw, 2, close);
		uw_widget_attr_off(role);
		x += lw + 4 + 2;
		/* The focused disabled button's reason wins, else the first. */
		if (!bt->enabled && bt->base.note && (!why || cur))
			why = bt;
	}
	if (why && w->h > 1) {
		char line[320];

		snprintf(line, sizeof(line), "%s is unavailable: %s", why->base.label, why->base.note);
		/*
		 * One row: when it does not fit, the reason alone (it says what to
		 * do), and if even that is too long, cut it visibly ("...").
		 */
		if (uw_tui_text_width(line) > w->w) {
			snprintf(line, sizeof(line), "%s", why->base.note);
			if (line[0] >= 'a' && line[0] <= 'z')
				line[0] = (char)(line[0] - 'a' + 'A');
		}
		if (uw_tui_text_width(line) > w->w && w->w > 3) {
			int used;
			size_t cut = uw_tui_text_fit(line, strlen(line), w->w - 3, &used);
			snprintf(line + cut, sizeof(line) - cut, "...");
		}
		uw_widget_attr_on(UW_TUI_ERROR);
		uw_tui_puts(stdscr, w->y + w->h - 2, w->x, w->w, line);
		uw_widget_attr_off(UW_TUI_ERROR);
	}
}

static unsigned buttons_key(struct uw_widget *w, int key)
{
	struct uw_widget_buttons *b = (struct uw_widget_buttons *)w;
	unsigned r;

	if (!b->l.n)
		return UW_TUI_IGNORED;
	/* Left/Right stop at the ends (the list base never wraps), so the button
	 * Enter presses is always the one drawn focused. */
	r = uw_tui_list_key(&b->l, key);
	if (r != UW_TUI_IGNORED)
		return r;
	if (key == UW_KEY(KEY_LEFT) || key == UW_KEY(KEY_RIGHT) || key == UW_KEY(KEY_HOME) ||
	    key == UW_KEY(KEY_END))
		return UW_TUI_HANDLED; /* at the end already: stay (Up/Down/Tab leave the row) */
	switch (key) {
	case '\r': case '\n': case UW_KEY(KEY_ENTER): case ' ':
		if (!button(b, b->l.sel)->enabled) {
			beep();
			return UW_TUI_HANDLED;
		}
		b->activated = button(b, b->l.sel)->id;
		return UW_TUI_HANDLED | UW_TUI_ACTIVATE;
	}
	return UW_TUI_IGNORED;
}

static void buttons_destroy(struct uw_widget *w)
{
	struct uw_widget_buttons *b = (struct uw_widget_buttons *)w;

	uw_tui_list_reset(&b->l);
	free(b);
}

static const struct uw_widget_class buttons_class = {
	.name = "buttons",
	.draw = buttons_draw,
	.handle_key = buttons_key,
	.size = buttons_size,
	.destroy = buttons_destroy,
};

struct uw_widget_buttons *uw_widget_buttons_new(void)
{
	struct uw_widget_buttons *b = uw_malloc0(sizeof(*b));

	b->base.cls = &buttons_class;
	b->base.focusable = true;
	b->l.horizontal = true;
	return b;
}

size_t uw_widget_buttons_add(struct uw_widget_buttons *b, const char *label, int id)
{
	struct button *bt = uw_tui_list_add(&b->l, sizeof(*bt), label, NULL);

	bt->id = id;
	bt->enabled = true;
	return b->l.n - 1;
}

void uw_widget_buttons_clear(struct uw_widget_buttons *b)
{
	uw_tui_list_reset(&b->l);
	b->activated = 0;
}

void uw_widget_buttons_set(struct uw_widget_buttons *b, const struct uw_widget_button_def *defs, size_t n,
			   int focus)
{
	uw_widget_buttons_clear(b);
	for (size_t i = 0; i < n; i++)
		uw_widget_buttons_add(b, defs[i].label, defs[i].id);
	uw_widget_buttons_focus(b, focus);
}

static struct button *find(const struct uw_widget_buttons *b, int id)
{
	for (size_t i = 0; i < b->l.n; i++)
		if (button(b, i)->id == id)
			return button(b, i);
	return NULL;
}

void uw_widget_buttons_set_enabled(struct uw_widget_buttons *b, int id, bool enabled,
				   const char *reason)
{
	struct button *bt = find(b, id);

	if (!bt)
		return;
	bt->enabled = enabled;
	uw_tui_list_set_note(&b->l, (size_t)(bt - button(b, 0)), reason);
}

bool uw_widget_buttons_enabled(const struct uw_widget_buttons *b, int id)
{
	const struct button *bt = find(b, id);

	return bt && bt->enabled;
}

void uw_widget_buttons_focus(struct uw_widget_buttons *b, int id)
{
	for (size_t i = 0; i < b->l.n; i++)
		if (button(b, i)->id == id)
			uw_tui_list_set(&b->l, i);
}

int uw_widget_buttons_activated(const struct uw_widget_buttons *b)
{
	return b->activated;
}

struct uw_widget *uw_widget_buttons_widget(struct uw_widget_buttons *b)
{
	return &b->base;
}

void uw_widget_buttons_set_centered(struct uw_widget_buttons *b, bool centered)
{
	b->centered = centered;
}

const char *uw_widget_buttons_focused_label(const struct uw_widget_buttons *b)
{
	return b->l.sel < b->l.n ? button(b, b->l.sel)->base.label : NULL;
}
