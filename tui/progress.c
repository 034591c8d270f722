// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/progress.h"
#include "tui/text.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

struct step {
	char *label;
	enum uw_tui_status st;
};

struct uw_widget_progress {
	struct uw_widget base;
	struct step *steps;
	size_t n;
	char *note;
	unsigned frame;
	bool compact;
};

int uw_widget_progress_bar_cells(size_t done, size_t total, int width)
{
	if (total == 0 || width <= 0)
		return 0;
	if (done >= total)
		return width;
	return (int)((done * (size_t)width) / total);
}

/* A step's label takes two lines when it needs them (the plan's steps are
 * sentences: "Send udp port 53 queries from ... on to 203.0.113.53 instead"). */
#define LABEL_LINES_MAX 2

static int label_lines(const char *label, int cols)
{
	size_t n = uw_tui_text_wrap(label, cols > 1 ? cols : 1, NULL, 0);

	return n >= LABEL_LINES_MAX ? LABEL_LINES_MAX : 1;
}

/* Rows the steps take with wrapped labels. */
static int wrapped_rows(const struct uw_widget_progress *p, int cols)
{
	int n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += label_lines(p->steps[i].label, cols);
	return n;
}

static int progress_size(struct uw_widget *w, int width)
{
	struct uw_widget_progress *p = (struct uw_widget_progress *)w;

	return (p->compact ? (int)p->n : wrapped_rows(p, width - 7)) + 3;
}

/* With less room: one line a step (the draw cuts the labels). */
static int progress_min_size(struct uw_widget *w, int width)
{
	return (int)((struct uw_widget_progress *)w)->n + 3;
}

/* Draw @label from row @y over at most LABEL_LINES_MAX rows; returns the rows used. */
static int draw_label(int y, int x, int cols, const char *label, bool wrap)
{
	struct uw_tui_line l[LABEL_LINES_MAX];
	size_t n = wrap ? uw_tui_text_wrap(label, cols > 1 ? cols : 1, l, LABEL_LINES_MAX) : 1;

	if (n == 1) {
		uw_tui_puts_cut(stdscr, y, x, cols, label);
		return 1;
	}
	uw_tui_put(stdscr, y, x, cols, label + l[0].off, l[0].len);
	/* The rest of the label on the second line, cut with an ellipsis when
	 * even two lines are not enough. */
	if (n > LABEL_LINES_MAX)
		uw_tui_puts_cut(stdscr, y + 1, x + l[1].indent, cols - l[1].indent, label + l[1].off);
	else
		uw_tui_put(stdscr, y + 1, x + l[1].indent, cols - l[1].indent, label + l[1].off,
			   l[1].len);
	return LABEL_LINES_MAX;
}

static void progress_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_progress *p = (struct uw_widget_progress *)w;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();
	int rows = w->h > 3 ? w->h - 3 : 1;
	size_t top = 0, focus = 0, done = uw_widget_progress_done(p);
	char count[32];

	/* Every step with its whole label when they fit; else one line each,
	 * keeping the first unfinished step in view. */
	bool wrap = !p->compact && wrapped_rows(p, w->w - 7) <= rows;

	while (focus < p->n && p->steps[focus].st != UW_TUI_PENDING &&
	       p->steps[focus].st != UW_TUI_RUNNING)
		focus++;
	if (!wrap) {
		if (focus >= (size_t)rows)
			top = focus - (size_t)rows + 1;
		if (top + (size_t)rows > p->n)
			top = p->n > (size_t)rows ? p->n - (size_t)rows : 0;
	}
	for (int y = w->y; y < w->y + rows && top < p->n; top++) {
		struct step *s = &p->steps[top];
		int role = uw_tui_status_role(s->st);

		uw_widget_attr_on(role);
		if (s->st == UW_TUI_RUNNING)
			uw_tui_puts(stdscr, y, w->x + 2, 1, g->spinner[p->frame % UW_TUI_SPINNER_FRAMES]);
		else
			uw_tui_puts(stdscr, y, w->x + 1, 4, g->status[s->st]);
		uw_widget_attr_off(role);
		if (s->st == UW_TUI_RUNNING)
			wattron(stdscr, A_BOLD);
		y += draw_label(y, w->x + 6, w->w - 7, s->label, wrap);
		wattroff(stdscr, A_BOLD);
	}
	if (w->h <= 3)
		return;
	snprintf(count, sizeof(count), " %zu/%zu", done, p->n);
	int bar = w->w - 3 - (int)strlen(count);
	int full = uw_widget_progress_bar_cells(done, p->n, bar);
	int y = w->y + rows + 1;
	for (int i = 0; i < bar; i++)
		uw_tui_puts(stdscr, y, w->x + 1 + i, 1, i < full ? g->bar_full : g->bar_empty);
	uw_tui_puts(stdscr, y, w->x + 1 + bar, (int)strlen(count), count);
	if (p->note) {
		uw_widget_attr_on(UW_TUI_WARN);
		uw_tui_puts(stdscr, y + 1, w->x + 1, w->w - 2, p->note);
		uw_widget_attr_off(UW_TUI_WARN);
	}
}

static void progress_destroy(struct uw_widget *w)
{
	struct uw_widget_progress *p = (struct uw_widget_progress *)w;

	for (size_t i = 0; i < p->n; i++)
		free(p->steps[i].label);
	free(p->steps);
	free(p->note);
	free(p);
}

static const struct uw_widget_class progress_class = {
	.name = "progress",
	.draw = progress_draw,
	.size = progress_size,
	.min_size = progress_min_size,
	.destroy = progress_destroy,
};

struct uw_widget_progress *uw_widget_progress_new(void)
{
	struct uw_widget_progress *p = uw_malloc0(sizeof(*p));

	p->base.cls = &progress_class;
	return p;
}

size_t uw_widget_progress_add(struct uw_widget_progress *p, const char *label)
{
	p->steps = uw_realloc(p->steps, (p->n + 1) * sizeof(*p->steps));
	p->steps[p->n] = (struct step){ .label = uw_strdup(label), .st = UW_TUI_PENDING };
	return p->n++;
}

void uw_widget_progress_set(struct uw_widget_progress *p, size_t i, enum uw_tui_status st)
{
	if (i < p->n && (unsigned)st < UW_TUI_STATUS_COUNT)
		p->steps[i].st = st;
}

void uw_widget_progress_set_note(struct uw_widget_progress *p, const char *note)
{
	free(p->note);
	p->note = uw_strdup(note);
}

size_t uw_widget_progress_done(const struct uw_widget_progress *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->steps[i].st != UW_TUI_PENDING && p->steps[i].st != UW_TUI_RUNNING;
	return n;
}

bool uw_widget_progress_tick(struct uw_widget_progress *p)
{
	p->frame++;
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].st == UW_TUI_RUNNING)
			return true;
	return false;
}

struct uw_widget *uw_widget_progress_widget(struct uw_widget_progress *p)
{
	return &p->base;
}

void uw_widget_progress_set_compact(struct uw_widget_progress *p, bool compact)
{
	p->compact = compact;
}
