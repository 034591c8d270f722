// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/input.h"
#include "tui/edit.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/widget.h"

#include <errno.h>
#include <string.h>

/*
 * One modal line-input box for both the plain prompt and the password
 * prompt (tui/password.c): a secret one echoes nothing (not even stars: the
 * length of a password is a hint too), edits only at the end, and wipes
 * what was typed from memory before returning.
 */
struct uw_tui_input {
	struct uw_tui_layer layer; /* first: the loop hands us this pointer */
	const char *title, *prompt;
	bool secret;
	struct uw_tui_edit edit;
};

static void input_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_input *p = (struct uw_tui_input *)layer;
	struct uw_tui_line lines[4];
	int wmax = p->secret ? 60 : 70;
	int w = COLS - 4 < wmax ? COLS - 4 : wmax;
	size_t nl = uw_tui_text_wrap(p->prompt, w - 4, lines, 4);

	if (nl > 4)
		nl = 4;
	int h = (int)nl + 7;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	uw_tui_dialog_frame(stdscr, y, x, h, w, p->title);
	for (size_t i = 0; i < nl; i++)
		uw_tui_put(stdscr, y + 2 + (int)i, x + 2 + lines[i].indent, w - 4 - lines[i].indent,
			   p->prompt + lines[i].off, lines[i].len);
	int fy = y + 3 + (int)nl, cols = w - 6;
	/* The edit model keeps the cursor visible in a field narrower than the text. */
	int cx = p->secret ? 0 : uw_tui_edit_view(&p->edit, cols);
	uw_tui_puts(stdscr, fy, x + 2, 1, "[");
	uw_widget_attr_on(UW_TUI_FOCUS);
	mvwhline(stdscr, fy, x + 3, ' ', cols);
	if (!p->secret)
		uw_tui_put(stdscr, fy, x + 3, cols, p->edit.buf + p->edit.scroll,
			   p->edit.len - p->edit.scroll);
	uw_widget_attr_off(UW_TUI_FOCUS);
	uw_tui_puts(stdscr, fy, x + w - 3, 1, "]");
	uw_widget_attr_on(UW_TUI_DIM);
	uw_tui_puts(stdscr, fy + 2, x + 2, w - 4, p->secret ? "Typing is not shown.  Enter OK  Esc Cancel" :
		    "Enter OK  Esc Cancel  Ctrl-U Clear");
	uw_widget_attr_off(UW_TUI_DIM);
	uw_tui_term_want_cursor(fy, x + 3 + cx);
}

static unsigned input_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_input *p = (struct uw_tui_input *)layer;

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
		if (p->secret)
			uw_tui_edit_wipe(&p->edit);
		else
			uw_tui_edit_kill_before(&p->edit);
		break;
	default:
		if (key >= 0x20 && key < UW_KEY(0))
			uw_tui_edit_insert(&p->edit, (wchar_t)key);
	}
	if (p->secret || p->layer.done)
		return UW_TUI_HANDLED; /* unseen text: no cursor movement */
	switch (key) {
	case UW_KEY(KEY_DC):
		uw_tui_edit_delete(&p->edit);
		break;
	case UW_KEY(KEY_LEFT):
		uw_tui_edit_left(&p->edit);
		break;
	case UW_KEY(KEY_RIGHT):
		uw_tui_edit_right(&p->edit);
		break;
	case UW_KEY(KEY_HOME): case UW_KEY_CTRL('a'):
		uw_tui_edit_home(&p->edit);
		break;
	case UW_KEY(KEY_END): case UW_KEY_CTRL('e'):
		uw_tui_edit_end(&p->edit);
		break;
	}
	return UW_TUI_HANDLED;
}

int uw_tui_input_run(struct uw_tui_loop *loop, const char *title, const char *prompt,
		     const char *initial, bool secret, char *out, size_t n)
{
	struct uw_tui_input p = {
		.layer = { .key = input_key, .draw = input_draw, .modal = true },
		.title = title ? title : secret ? "Password" : "Input", .prompt = prompt ? prompt : "",
		.secret = secret,
	};
	int r;

	uw_tui_edit_init(&p.edit, secret ? NULL : initial, 0);
	r = uw_tui_loop_run_layer(loop, &p.layer);
	if (uw_tui_loop_quitting(loop))
		r = -EINTR;
	else if (r == 0 && p.edit.len >= n)
		r = -ENOSPC;
	else if (r == 0)
		memcpy(out, p.edit.buf, p.edit.len + 1);
	if (secret)
		uw_tui_edit_wipe(&p.edit);
	return r;
}

int uw_tui_input(struct uw_tui_loop *loop, const char *title, const char *prompt,
		 const char *initial, char *out, size_t n)
{
	return uw_tui_input_run(loop, title, prompt, initial, false, out, n);
}
