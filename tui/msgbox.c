// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/msgbox.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/widget.h"
#include "core/util.h"

#include <ctype.h>

#define BOX_MAX_WIDTH 64
#define BOX_MAX_LINES 14

struct uw_tui_msgbox {
	struct uw_tui_layer layer; /* first: the loop hands us back this pointer */
	const char *title, *text;
	const char *const *buttons;
	size_t n, focus;
};

static void msgbox_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_msgbox *m = (struct uw_tui_msgbox *)layer;
	struct uw_tui_line lines[BOX_MAX_LINES];
	int w = COLS - 4 < BOX_MAX_WIDTH ? COLS - 4 : BOX_MAX_WIDTH;
	int bw = 0;

	if (w < 20)
		w = COLS > 2 ? COLS : 2;
	size_t nl = uw_tui_text_wrap(m->text, w - 4, lines, BOX_MAX_LINES);
	if (nl > BOX_MAX_LINES)
		nl = BOX_MAX_LINES;
	int h = (int)nl + 5; /* border, blank, text, blank, buttons, border */
	int y = (LINES - h) / 2, x = (COLS - w) / 2;

	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	uw_tui_dialog_frame(stdscr, y, x, h, w, m->title);
	for (size_t i = 0; i < nl; i++)
		uw_tui_put(stdscr, y + 2 + (int)i, x + 2 + lines[i].indent, w - 4 - lines[i].indent,
			   m->text + lines[i].off, lines[i].len);
	for (size_t i = 0; i < m->n; i++)
		bw += uw_tui_text_width(m->buttons[i]) + 4 + 2;
	int bx = x + (w - bw + 2) / 2;
	for (size_t i = 0; i < m->n; i++) {
		int lw = uw_tui_text_width(m->buttons[i]);
		int role = i == m->focus ? UW_TUI_FOCUS : UW_TUI_NORMAL;

		uw_widget_attr_on(role);
		uw_tui_puts(stdscr, y + h - 2, bx, 2, "< ");
		uw_tui_puts(stdscr, y + h - 2, bx + 2, lw, m->buttons[i]);
		uw_tui_puts(stdscr, y + h - 2, bx + 2 + lw, 2, " >");
		uw_widget_attr_off(role);
		bx += lw + 6;
	}
}

static void finish(struct uw_tui_msgbox *m, int result)
{
	m->layer.result = result;
	m->layer.done = true;
}

static unsigned msgbox_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_msgbox *m = (struct uw_tui_msgbox *)layer;

	switch (key) {
	case UW_KEY(KEY_LEFT): case UW_KEY(KEY_BTAB):
		m->focus = (m->focus + m->n - 1) % m->n;
		return UW_TUI_HANDLED;
	case UW_KEY(KEY_RIGHT): case '\t':
		m->focus = (m->focus + 1) % m->n;
		return UW_TUI_HANDLED;
	case '\r': case '\n': case UW_KEY(KEY_ENTER): case ' ':
		finish(m, (int)m->focus);
		return UW_TUI_HANDLED;
	case UW_KEY_ESC:
		finish(m, -1);
		return UW_TUI_HANDLED;
	}
	if (key < 0x80 && isalpha(key)) {
		for (size_t i = 0; i < m->n; i++) {
			if (tolower((unsigned char)m->buttons[i][0]) == tolower(key)) {
				finish(m, (int)i);
				return UW_TUI_HANDLED;
			}
		}
	}
	/* Modal: nothing falls through to the screen below. */
	return UW_TUI_HANDLED;
}

int uw_tui_msgbox(struct uw_tui_loop *loop, const char *title, const char *text,
		  const char *const *buttons, size_t n, size_t def)
{
	static const char *const ok[] = { "OK" };
	struct uw_tui_msgbox m = {
		.layer = { .key = msgbox_key, .draw = msgbox_draw, .modal = true },
		.title = title, .text = text ? text : "",
		.buttons = n ? buttons : ok, .n = n ? n : 1,
		.focus = def < n ? def : 0,
	};
	int r = uw_tui_loop_run_layer(loop, &m.layer);

	if (uw_tui_loop_quitting(loop))
		return -2;
	return r;
}

bool uw_tui_confirm(struct uw_tui_loop *loop, const char *title, const char *text,
		    bool default_yes)
{
	static const char *const yn[] = { "Yes", "No" };

	return uw_tui_msgbox(loop, title, text, yn, 2, default_yes ? 0 : 1) == 0;
}

void uw_tui_message(struct uw_tui_loop *loop, const char *title, const char *text)
{
	uw_tui_msgbox(loop, title, text, NULL, 0, 0);
}
