// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/textview.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

#include <stdio.h>

struct uw_widget_textview {
	struct uw_widget base;
	char *text;
	int top, rows;
	int last_total, last_page; /* from the last draw: keys scroll by these */
	/* The text wrapped at wrap_width: sizing and drawing (every redraw, the
	 * spinner's and countdown's too) share one wrap until text or width change. */
	struct uw_tui_line *lines;
	size_t n_lines;
	int wrap_width;
	bool keys_from_screen; /* the screen sends it scroll keys while the buttons have the focus */
};

static size_t wrapped(struct uw_widget_textview *t, int width)
{
	if (!t->lines || width != t->wrap_width) {
		t->n_lines = uw_tui_text_wrap(t->text, width, NULL, 0);
		t->lines = uw_realloc(t->lines, (t->n_lines + 1) * sizeof(*t->lines));
		uw_tui_text_wrap(t->text, width, t->lines, t->n_lines);
		t->wrap_width = width;
	}
	return t->n_lines;
}

static int textview_size(struct uw_widget *w, int width)
{
	struct uw_widget_textview *t = (struct uw_widget_textview *)w;
	/* The whole text when there is room for it: a message area never shows
	 * "lines 1-2 of 17" above empty rows. */
	return (int)wrapped(t, width - 3);
}

/* With less room: the rows asked for (uw_widget_textview_set_rows), or
 * fewer when the text is shorter; the rest scrolls. */
static int textview_min_size(struct uw_widget *w, int width)
{
	struct uw_widget_textview *t = (struct uw_widget_textview *)w;
	int need = (int)wrapped(t, width - 3);

	return need < t->rows ? need : t->rows;
}

static void textview_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_textview *t = (struct uw_widget_textview *)w;
	int width = w->w - 3; /* margin, text, scroll mark column */
	size_t total = wrapped(t, width);
	const struct uw_tui_line *lines = t->lines;
	/* The last row shows the position, but only when there is more text
	 * than rows: a short paragraph should look like a paragraph. */
	int page = (int)total <= w->h || w->h <= 1 ? w->h : w->h - 1;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();

	if (t->top > (int)total - page)
		t->top = (int)total - page;
	if (t->top < 0)
		t->top = 0;
	t->last_total = (int)total;
	t->last_page = page;
	for (int i = 0; i < page && t->top + i < (int)total; i++) {
		const struct uw_tui_line *l = &lines[t->top + i];
		uw_tui_put(stdscr, w->y + i, w->x + 1 + l->indent, width - l->indent, t->text + l->off,
			   l->len);
	}
	if (t->top > 0)
		uw_tui_puts(stdscr, w->y, w->x + w->w - 1, 1, g->more_up);
	if (t->top + page < (int)total)
		uw_tui_puts(stdscr, w->y + page - 1, w->x + w->w - 1, 1, g->more_down);
	if (w->h > 1 && (int)total > page) {
		char mark[64];
		int last = t->top + page < (int)total ? t->top + page : (int)total;

		snprintf(mark, sizeof(mark), "lines %d-%d of %zu%s", t->top + 1, last, total,
			 focused || t->keys_from_screen ? "  PgUp/PgDn scroll" : "");
		uw_widget_attr_on(UW_TUI_DIM);
		uw_tui_puts(stdscr, w->y + w->h - 1, w->x + w->w - 1 - uw_tui_text_width(mark),
			    w->w, mark);
		uw_widget_attr_off(UW_TUI_DIM);
	}
}

static unsigned textview_key(struct uw_widget *w, int key)
{
	struct uw_widget_textview *t = (struct uw_widget_textview *)w;
	int page = t->last_page > 1 ? t->last_page - 1 : 1; /* keep a line of context */
	int max = t->last_total - t->last_page;
	int old = t->top;

	if (max < 0)
		max = 0;
	switch (key) {
	case UW_KEY(KEY_UP): t->top--; break;
	case UW_KEY(KEY_DOWN): t->top++; break;
	case UW_KEY(KEY_PPAGE): t->top -= page; break;
	case UW_KEY(KEY_NPAGE): case ' ': t->top += page; break;
	case UW_KEY(KEY_HOME): t->top = 0; break;
	case UW_KEY(KEY_END): t->top = max; break;
	default: return UW_TUI_IGNORED;
	}
	if (t->top > max)
		t->top = max;
	if (t->top < 0)
		t->top = 0;
	/* At an edge, arrows fall through to the container (focus moves). */
	if (t->top == old && (key == UW_KEY(KEY_UP) || key == UW_KEY(KEY_DOWN)))
		return UW_TUI_IGNORED;
	return UW_TUI_HANDLED | UW_TUI_REDRAW;
}

static void textview_destroy(struct uw_widget *w)
{
	struct uw_widget_textview *t = (struct uw_widget_textview *)w;

	free(t->text);
	free(t->lines);
	free(t);
}

static const struct uw_widget_class textview_class = {
	.name = "textview",
	.draw = textview_draw,
	.handle_key = textview_key,
	.size = textview_size,
	.min_size = textview_min_size,
	.destroy = textview_destroy,
};

struct uw_widget_textview *uw_widget_textview_new(const char *text)
{
	struct uw_widget_textview *t = uw_malloc0(sizeof(*t));

	t->base.cls = &textview_class;
	t->base.focusable = true;
	t->rows = 10;
	/* Tabs as a terminal shows them (persist's files have tabs). */
	t->text = uw_tui_text_expand_tabs(text ? text : "");
	return t;
}

void uw_widget_textview_set_text(struct uw_widget_textview *t, const char *text)
{
	free(t->text);
	t->text = uw_tui_text_expand_tabs(text ? text : "");
	free(t->lines);
	t->lines = NULL;
	t->top = 0;
}

int uw_widget_textview_top(const struct uw_widget_textview *t)
{
	return t->top;
}

void uw_widget_textview_set_rows(struct uw_widget_textview *t, int rows)
{
	t->rows = rows > 1 ? rows : 2;
}

void uw_widget_textview_set_scrolled_by_screen(struct uw_widget_textview *t, bool yes)
{
	t->keys_from_screen = yes;
}

struct uw_widget *uw_widget_textview_widget(struct uw_widget_textview *t)
{
	return &t->base;
}
