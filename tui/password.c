// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/password.h"
#include "tui/edit.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/widget.h"

#include <errno.h>
#include <string.h>

struct uw_tui_password {
	struct uw_tui_layer layer; /* first */
	const char *title, *prompt;
	struct uw_tui_edit edit;
};

static void password_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_password *p = (struct uw_tui_password *)layer;
	struct uw_tui_line lines[4];
	int w = COLS - 4 < 60 ? COLS - 4 : 60;
	size_t nl = uw_tui_text_wrap(p->prompt, w - 4, lines, 4);

	if (nl > 4)
		nl = 4;
	int h = (int)nl + 7;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	uw_tui_fill(stdscr, y, x, h, w);
	uw_widget_attr_on(UW_TUI_BORDER);
	uw_tui_box(stdscr, y, x, h, w);
	uw_widget_attr_off(UW_TUI_BORDER);
	wattron(stdscr, A_BOLD);
	mvwaddch(stdscr, y, x + 2, ' ');
	int tw = uw_tui_puts(stdscr, y, x + 3, w - 6, p->title);
	mvwaddch(stdscr, y, x + 3 + tw, ' ');
	wattroff(stdscr, A_BOLD);
	for (size_t i = 0; i < nl; i++)
		uw_tui_put(stdscr, y + 2 + (int)i, x + 2, w - 4, p->prompt + lines[i].off, lines[i].len);
	int fy = y + 3 + (int)nl;
	uw_tui_puts(stdscr, fy, x + 2, 1, "[");
	uw_widget_attr_on(UW_TUI_FOCUS);
	mvwhline(stdscr, fy, x + 3, ' ', w - 6);
	uw_widget_attr_off(UW_TUI_FOCUS);
	uw_tui_puts(stdscr, fy, x + w - 3, 1, "]");
	uw_widget_attr_on(UW_TUI_DIM);
	uw_tui_puts(stdscr, fy + 2, x + 2, w - 4, "Typing is not shown.  Enter OK  Esc Cancel");
	uw_widget_attr_off(UW_TUI_DIM);
	uw_tui_term_want_cursor(fy, x + 3);
}

static unsigned password_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_password *p = (struct uw_tui_password *)layer;

	switch (key) {
	case '\r': case '\n': case UW_KEY(KEY_ENTER):
		p->layer.result = 0;
		p->layer.done = true;
		break;
	case UW_KEY_ESC:
		p->layer.result = -ECANCELED;
		p->layer.done = true;
		break;
	case UW_KEY(KEY_BACKSPACE): case 127: case 8:
		uw_tui_edit_backspace(&p->edit);
		break;
	case UW_KEY_CTRL('u'):
		uw_tui_edit_wipe(&p->edit);
		break;
	default:
		if (key >= 0x20 && key < UW_KEY(0))
			uw_tui_edit_insert(&p->edit, (wchar_t)key);
	}
	return UW_TUI_HANDLED;
}

int uw_tui_password(struct uw_tui_loop *loop, const char *title, const char *prompt,
		    char *out, size_t n)
{
	struct uw_tui_password p = {
		.layer = { .key = password_key, .draw = password_draw, .modal = true },
		.title = title ? title : "Password", .prompt = prompt ? prompt : "",
	};
	int r;

	uw_tui_edit_init(&p.edit, NULL, 0);
	r = uw_tui_loop_run_layer(loop, &p.layer);
	if (uw_tui_loop_quitting(loop))
		r = -EINTR;
	else if (r == 0 && p.edit.len >= n)
		r = -ENOSPC;
	else if (r == 0)
		memcpy(out, p.edit.buf, p.edit.len + 1);
	uw_tui_edit_wipe(&p.edit);
	return r;
}
