// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/frame.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/textbox.h"
#include "tui/theme.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_HINTS "Enter Next  Esc Back  Tab Move  F1 Help  q Quit"

struct uw_tui_frame {
	struct uw_tui_layer layer; /* first: the loop hands us this pointer */
	struct uw_tui_loop *loop;
	char *app, *title, *help, *hints;
	struct uw_widget **widgets;     /* body widgets, then the buttons last */
	size_t n;
	size_t focus;
	struct uw_widget_buttons *buttons;
	uw_tui_frame_key_fn on_key;
	void *on_key_ud;
};

int uw_tui_frame_compute_layout(int rows, int cols, struct uw_tui_frame_layout *l)
{
	/* Row 0 title; a box from row 1 to rows-2 with the body, a blank row,
	 * the reason line and the buttons inside; footer on the last row. */
	l->title = (struct uw_tui_rect){ 0, 0, 1, cols };
	l->footer = (struct uw_tui_rect){ rows - 1, 0, 1, cols };
	l->box = (struct uw_tui_rect){ 1, 0, rows - 2, cols };
	l->buttons = (struct uw_tui_rect){ rows - 4, 2, 2, cols - 4 };
	l->body = (struct uw_tui_rect){ 2, 2, rows - 7, cols - 4 };
	if (l->body.h < 0)
		l->body.h = 0;
	if (l->body.w < 0)
		l->body.w = 0;
	if (rows < UW_TUI_MIN_ROWS || cols < UW_TUI_MIN_COLS)
		return -ERANGE;
	return 0;
}

/* Place @n widgets of @sizes from the top, a gap between the ones taking
 * room, cut at @height. */
static int stack(const int *sizes, size_t n, int height, int gap, int *ys, int *hs)
{
	int y = 0;
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		int want = sizes[i] > 0 ? sizes[i] : 0;

		if (want && !first)
			y += gap;
		if (y > height)
			y = height;
		ys[i] = y;
		hs[i] = want < height - y ? want : height - y;
		y += hs[i];
		if (want)
			first = false;
	}
	return y;
}

int uw_tui_stack_layout(const int *wants, const int *mins, size_t n, int height, int gap, int *ys,
			int *hs)
{
	int avail = height, sum_want = 0, sum_min = 0, shown = 0, r;
	int *give = uw_malloc0((n + 1) * sizeof(int));

	for (size_t i = 0; i < n; i++) {
		int want = wants[i] > 0 ? wants[i] : 0;
		int min = mins && mins[i] < want ? (mins[i] > 0 ? mins[i] : 0) : want;

		/* A widget that takes room keeps it even at its minimum (hidden ones want 0). */
		if (want && !min)
			min = 1;
		shown += want > 0;
		sum_want += want;
		sum_min += min;
		give[i] = min;
	}
	if (shown > 1)
		avail -= (shown - 1) * gap;
	if (sum_want <= avail) {
		for (size_t i = 0; i < n; i++)
			give[i] = wants[i] > 0 ? wants[i] : 0;
	} else if (sum_min <= avail) {
		int extra = avail - sum_min;

		for (size_t k = n; k-- > 0 && extra > 0;) {
			int more = (wants[k] > 0 ? wants[k] : 0) - give[k];

			if (more > extra)
				more = extra;
			if (more > 0) {
				give[k] += more;
				extra -= more;
			}
		}
	}
	r = stack(give, n, height, gap, ys, hs);
	free(give);
	return r;
}

static struct uw_widget *buttons_w(struct uw_tui_frame *f)
{
	return uw_widget_buttons_widget(f->buttons);
}

/* Focusable things in focus order: body widgets, then the button row. */
static struct uw_widget *focus_at(struct uw_tui_frame *f, size_t i)
{
	return i < f->n ? f->widgets[i] : buttons_w(f);
}

static bool can_focus(struct uw_tui_frame *f, size_t i)
{
	struct uw_widget *w = focus_at(f, i);

	return w->focusable && !w->hidden;
}

static void fix_focus(struct uw_tui_frame *f)
{
	for (size_t k = 0; k <= f->n; k++) {
		size_t i = (f->focus + k) % (f->n + 1);
		if (can_focus(f, i)) {
			f->focus = i;
			return;
		}
	}
	f->focus = f->n;
}

static bool move_focus(struct uw_tui_frame *f, int dir, bool wrap)
{
	size_t total = f->n + 1;

	for (size_t k = 1; k < total; k++) {
		long i = (long)f->focus + dir * (long)k;
		if (!wrap && (i < 0 || i >= (long)total))
			return false;
		i = ((i % (long)total) + (long)total) % (long)total;
		if (can_focus(f, (size_t)i)) {
			f->focus = (size_t)i;
			return true;
		}
	}
	return false;
}

/* Validity flows upward: Next is enabled only when every widget is valid. */
static const char *update_validity(struct uw_tui_frame *f)
{
	const char *why = NULL;

	for (size_t i = 0; i < f->n && !why; i++)
		why = uw_widget_invalid(f->widgets[i]);
	uw_widget_buttons_set_enabled(f->buttons, UW_TUI_NEXT, !why, why);
	return why;
}

static void draw_too_small(void)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "Terminal too small (%dx%d): enlarge to %dx%d", COLS, LINES,
		 UW_TUI_MIN_COLS, UW_TUI_MIN_ROWS);
	int w = uw_tui_text_width(msg);
	int x = COLS > w ? (COLS - w) / 2 : 0;

	wattron(stdscr, A_BOLD);
	uw_tui_puts(stdscr, LINES / 2, x, COLS, msg);
	wattroff(stdscr, A_BOLD);
	if (LINES > 2)
		uw_tui_puts(stdscr, LINES / 2 + 1, COLS > 10 ? (COLS - 10) / 2 : 0, COLS, "q to quit");
}

static void frame_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_frame *f = (struct uw_tui_frame *)layer;
	struct uw_tui_frame_layout l;
	const struct uw_tui_glyphs *g = uw_tui_glyphs();

	if (uw_tui_frame_compute_layout(LINES, COLS, &l) < 0) {
		draw_too_small();
		return;
	}
	update_validity(f);
	fix_focus(f);

	uw_widget_attr_on(UW_TUI_TITLE);
	mvwhline(stdscr, 0, 0, ' ', COLS);
	int x = 1 + uw_tui_puts(stdscr, 0, 1, COLS - 2, f->app);
	if (f->title && f->title[0]) {
		x += uw_tui_puts(stdscr, 0, x, COLS - x, " ");
		x += uw_tui_puts(stdscr, 0, x, COLS - x, g->dash);
		x += uw_tui_puts(stdscr, 0, x, COLS - x, " ");
		uw_tui_puts(stdscr, 0, x, COLS - x - 1, f->title);
	}
	uw_widget_attr_off(UW_TUI_TITLE);

	uw_widget_attr_on(UW_TUI_BORDER);
	uw_tui_box(stdscr, l.box.y, l.box.x, l.box.h, l.box.w);
	uw_widget_attr_off(UW_TUI_BORDER);

	int *wants = uw_malloc0((f->n + 1) * sizeof(int));
	int *mins = uw_malloc0((f->n + 1) * sizeof(int));
	int *ys = uw_malloc0((f->n + 1) * sizeof(int));
	int *hs = uw_malloc0((f->n + 1) * sizeof(int));
	for (size_t i = 0; i < f->n; i++) {
		wants[i] = uw_widget_size(f->widgets[i], l.body.w);
		mins[i] = uw_widget_min_size(f->widgets[i], l.body.w);
	}
	uw_tui_stack_layout(wants, mins, f->n, l.body.h, 1, ys, hs);
	for (size_t i = 0; i < f->n; i++) {
		uw_widget_place(f->widgets[i], l.body.y + ys[i], l.body.x, hs[i], l.body.w);
		uw_widget_draw(f->widgets[i], i == f->focus);
	}
	free(wants);
	free(mins);
	free(ys);
	free(hs);
	uw_widget_place(buttons_w(f), l.buttons.y, l.buttons.x, l.buttons.h, l.buttons.w);
	uw_widget_draw(buttons_w(f), f->focus == f->n);

	uw_widget_attr_on(UW_TUI_FOOTER);
	mvwhline(stdscr, l.footer.y, 0, ' ', COLS);
	/* The footer's "Enter X" says what Enter does now: on the button row that is
	 * the focused button (Fix... on the Phone check), not the screen's default. */
	const char *hints = f->hints ? f->hints : DEFAULT_HINTS;
	const char *label = f->focus == f->n ? uw_widget_buttons_focused_label(f->buttons) : NULL;
	char footer[256];

	if (label && !strncmp(hints, "Enter ", 6)) {
		const char *rest = strstr(hints + 6, "  ");

		snprintf(footer, sizeof(footer), "Enter %s%s", label, rest ? rest : "");
		hints = footer;
	}
	uw_tui_puts(stdscr, l.footer.y, 1, COLS - 2, hints);
	uw_widget_attr_off(UW_TUI_FOOTER);
}

static unsigned finish(struct uw_tui_frame *f, int result)
{
	f->layer.result = result;
	f->layer.done = true;
	return UW_TUI_HANDLED;
}

static unsigned frame_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_frame *f = (struct uw_tui_frame *)layer;
	unsigned r;

	if (!uw_tui_term_big_enough()) {
		if (key == 'q' || key == 'Q')
			return finish(f, UW_TUI_QUIT);
		return UW_TUI_HANDLED;
	}
	update_validity(f);
	fix_focus(f);
	r = uw_widget_handle_key(focus_at(f, f->focus), key);
	if (r & UW_TUI_ACTIVATE)
		return finish(f, uw_widget_buttons_activated(f->buttons));
	if (r & (UW_TUI_NEXT | UW_TUI_BACK | UW_TUI_QUIT))
		return finish(f, r & UW_TUI_NEXT ? UW_TUI_NEXT : r & UW_TUI_BACK ? UW_TUI_BACK :
								      UW_TUI_QUIT);
	if (r != UW_TUI_IGNORED)
		return r;
	if (f->on_key) {
		r = f->on_key(f, key, f->on_key_ud);
		if (r & (UW_TUI_NEXT | UW_TUI_BACK | UW_TUI_QUIT))
			return finish(f, r & UW_TUI_NEXT ? UW_TUI_NEXT :
					 r & UW_TUI_BACK ? UW_TUI_BACK : UW_TUI_QUIT);
		if (r != UW_TUI_IGNORED)
			return r;
	}
	switch (key) {
	case '\t': case UW_KEY(KEY_DOWN): case UW_KEY(KEY_RIGHT):
		move_focus(f, +1, key == '\t');
		return UW_TUI_HANDLED;
	case UW_KEY(KEY_BTAB): case UW_KEY(KEY_UP): case UW_KEY(KEY_LEFT):
		move_focus(f, -1, key == UW_KEY(KEY_BTAB));
		return UW_TUI_HANDLED;
	case UW_KEY(KEY_F(1)): case '?':
		uw_tui_textbox(f->loop, "Help", f->help ? f->help : "No help for this screen.");
		return UW_TUI_HANDLED;
	case '\r': case '\n': case UW_KEY(KEY_ENTER):
		if (uw_widget_buttons_enabled(f->buttons, UW_TUI_NEXT))
			return finish(f, UW_TUI_NEXT);
		/* The reason is on screen already; take the user to it. */
		uw_widget_buttons_focus(f->buttons, UW_TUI_NEXT);
		beep();
		return UW_TUI_HANDLED;
	case UW_KEY_ESC: case UW_KEY(KEY_BACKSPACE): case 127: case 8:
		if (uw_widget_buttons_enabled(f->buttons, UW_TUI_BACK))
			return finish(f, UW_TUI_BACK);
		return UW_TUI_HANDLED;
	case 'q': case 'Q':
		return finish(f, UW_TUI_QUIT);
	}
	return UW_TUI_IGNORED;
}

static void reset_buttons(struct uw_tui_frame *f)
{
	static const struct uw_widget_button_def row[] = { { "Back", UW_TUI_BACK }, { "Next", UW_TUI_NEXT } };

	uw_widget_buttons_set(f->buttons, row, UW_ARRAY_SIZE(row), UW_TUI_NEXT);
}

struct uw_tui_frame *uw_tui_frame_new(struct uw_tui_loop *loop, const char *app_name)
{
	struct uw_tui_frame *f = uw_malloc0(sizeof(*f));

	f->layer.key = frame_key;
	f->layer.draw = frame_draw;
	f->loop = loop;
	f->app = uw_strdup(app_name ? app_name : "");
	f->buttons = uw_widget_buttons_new();
	reset_buttons(f);
	return f;
}

static void free_widgets(struct uw_tui_frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		uw_widget_free(f->widgets[i]);
	free(f->widgets);
	f->widgets = NULL;
	f->n = 0;
	f->focus = 0;
}

void uw_tui_frame_free(struct uw_tui_frame *f)
{
	if (!f)
		return;
	uw_tui_loop_forget_layer(f->loop, &f->layer);
	free_widgets(f);
	uw_widget_free(buttons_w(f));
	free(f->app);
	free(f->title);
	free(f->help);
	free(f->hints);
	free(f);
}

void uw_tui_frame_set_step(struct uw_tui_frame *f, int step, int total, const char *title)
{
	free(f->title);
	if (total > 0)
		f->title = uw_strdup_printf("Step %d of %d: %s", step, total, title ? title : "");
	else
		f->title = uw_strdup(title ? title : "");
}

void uw_tui_frame_set_help(struct uw_tui_frame *f, const char *help)
{
	free(f->help);
	f->help = uw_strdup(help);
}

void uw_tui_frame_set_hints(struct uw_tui_frame *f, const char *hints)
{
	free(f->hints);
	f->hints = uw_strdup(hints);
}

void uw_tui_frame_add(struct uw_tui_frame *f, struct uw_widget *w)
{
	f->widgets = uw_realloc(f->widgets, (f->n + 1) * sizeof(*f->widgets));
	f->widgets[f->n++] = w;
}

void uw_tui_frame_clear(struct uw_tui_frame *f)
{
	free_widgets(f);
	reset_buttons(f);
	uw_tui_frame_set_help(f, NULL);
	uw_tui_frame_set_hints(f, NULL);
	f->on_key = NULL;
	f->on_key_ud = NULL;
}

struct uw_widget_buttons *uw_tui_frame_buttons(struct uw_tui_frame *f)
{
	return f->buttons;
}

void uw_tui_frame_focus(struct uw_tui_frame *f, size_t i)
{
	f->focus = i <= f->n ? i : f->n;
}

bool uw_tui_frame_buttons_focused(const struct uw_tui_frame *f)
{
	return f->focus == f->n;
}

void uw_tui_frame_set_key_handler(struct uw_tui_frame *f, uw_tui_frame_key_fn fn, void *ud)
{
	f->on_key = fn;
	f->on_key_ud = ud;
}

int uw_tui_frame_run(struct uw_tui_frame *f)
{
	int r;

	fix_focus(f);
	r = uw_tui_loop_run_layer(f->loop, &f->layer);
	if (uw_tui_loop_quitting(f->loop))
		return UW_TUI_QUIT;
	return r;
}

struct uw_tui_loop *uw_tui_frame_loop(struct uw_tui_frame *f)
{
	return f->loop;
}
