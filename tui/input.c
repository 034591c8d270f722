// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/input.h"
#include "tui/field.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/widget.h"

#include <errno.h>
#include <string.h>

/*
 * One modal line-input box for both the plain prompt and the password
 * prompt (tui/password.c), built from the text field widget (tui/field.h),
 * as nmtui builds its password dialog from an entry: a secret one echoes
 * nothing (not even stars: the length of a password is a hint too), edits
 * only at the end, and wipes what was typed from memory before returning.
 */
struct uw_tui_input {
	struct uw_tui_layer layer; /* first: the loop hands us this pointer */
	const char *title, *prompt;
	bool secret;
	struct uw_widget_field *field;
};

static void input_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_input *p = (struct uw_tui_input *)layer;
	struct uw_tui_rect box;
	/* Under the prompt: a blank row, the field, a blank row, the keys. */
	int fy = uw_tui_dialog_text(p->title, p->prompt, p->secret ? 60 : 70, 4, 4, &box) + 1;
	int x = box.x, w = box.w;
	struct uw_widget *fw = uw_widget_field_widget(p->field);

	/* "[" two columns in from the border, the text to three from the other. */
	uw_widget_field_set_cols(p->field, w - 6);
	uw_widget_place(fw, fy, x, 1, w - 1);
	uw_widget_draw(fw, true);
	uw_widget_attr_on(UW_TUI_DIM);
	uw_tui_puts(stdscr, fy + 2, x + 2, w - 4, p->secret ? "Typing is not shown.  Enter OK  Esc Cancel" :
		    "Enter OK  Esc Cancel  Ctrl-U Clear");
	uw_widget_attr_off(UW_TUI_DIM);
}

static unsigned input_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_input *p = (struct uw_tui_input *)layer;

	switch (key) {
	case '\r': case '\n': case UW_KEY(KEY_ENTER):
		p->layer.result = 0;
		p->layer.done = true;
		return UW_TUI_HANDLED;
	case UW_KEY_ESC:
		p->layer.result = -ECANCELED;
		p->layer.done = true;
		return UW_TUI_HANDLED;
	}
	uw_widget_handle_key(uw_widget_field_widget(p->field), key);
	return UW_TUI_HANDLED; /* modal: nothing reaches the screen below */
}

int uw_tui_input_run(struct uw_tui_loop *loop, const char *title, const char *prompt,
		     const char *initial, bool secret, char *out, size_t n)
{
	struct uw_tui_input p = {
		.layer = { .key = input_key, .draw = input_draw, .modal = true },
		.title = title ? title : secret ? "Password" : "Input", .prompt = prompt ? prompt : "",
		.secret = secret,
	};
	const char *text;
	int r;

	p.field = uw_widget_field_new("", secret ? NULL : initial, 0);
	uw_widget_field_set_secret(p.field, secret);
	r = uw_tui_loop_run_layer(loop, &p.layer);
	text = uw_widget_field_text(p.field);
	if (uw_tui_loop_quitting(loop))
		r = -EINTR;
	else if (r == 0 && strlen(text) >= n)
		r = -ENOSPC;
	else if (r == 0)
		memcpy(out, text, strlen(text) + 1);
	/* The field wipes what was typed when it is freed. */
	uw_widget_free(uw_widget_field_widget(p.field));
	return r;
}

int uw_tui_input(struct uw_tui_loop *loop, const char *title, const char *prompt,
		 const char *initial, char *out, size_t n)
{
	return uw_tui_input_run(loop, title, prompt, initial, false, out, n);
}
