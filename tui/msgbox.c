// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/msgbox.h"
#include "tui/buttons.h"
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
	const char *const *labels;
	size_t n;
	/* The same button row as the wizard frame's (tui/buttons.h): one focus,
	 * one drawing, one set of keys; button i has the id CUSTOM + i. */
	struct uw_widget_buttons *row;
};

static void msgbox_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_msgbox *m = (struct uw_tui_msgbox *)layer;
	struct uw_tui_rect box;

	/* Under the text: a blank row and the buttons. */
	uw_tui_dialog_text(m->title, m->text, BOX_MAX_WIDTH, BOX_MAX_LINES, 2, &box);
	struct uw_widget *row = uw_widget_buttons_widget(m->row);
	uw_widget_place(row, box.y + box.h - 2, box.x, 1, box.w);
	uw_widget_draw(row, true);
}

static void finish(struct uw_tui_msgbox *m, int result)
{
	m->layer.result = result;
	m->layer.done = true;
}

static unsigned msgbox_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_msgbox *m = (struct uw_tui_msgbox *)layer;

	unsigned r;

	/* Tab and Shift-Tab move like Right and Left (and stop at the ends too). */
	if (key == '\t')
		key = UW_KEY(KEY_RIGHT);
	else if (key == UW_KEY(KEY_BTAB))
		key = UW_KEY(KEY_LEFT);
	r = uw_widget_handle_key(uw_widget_buttons_widget(m->row), key);
	if (r & UW_TUI_ACTIVATE) {
		finish(m, uw_widget_buttons_activated(m->row) - UW_TUI_BUTTON_CUSTOM);
		return UW_TUI_HANDLED;
	}
	if (r != UW_TUI_IGNORED)
		return UW_TUI_HANDLED;
	if (key == UW_KEY_ESC) {
		finish(m, -1);
		return UW_TUI_HANDLED;
	}
	if (key < 0x80 && isalpha(key)) {
		for (size_t i = 0; i < m->n; i++) {
			if (tolower((unsigned char)m->labels[i][0]) == tolower(key)) {
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
		.labels = n ? buttons : ok, .n = n ? n : 1,
	};
	int r;

	m.row = uw_widget_buttons_new();
	uw_widget_buttons_set_centered(m.row, true);
	for (size_t i = 0; i < m.n; i++)
		uw_widget_buttons_add(m.row, m.labels[i], UW_TUI_BUTTON_CUSTOM + (int)i);
	uw_widget_buttons_focus(m.row, UW_TUI_BUTTON_CUSTOM + (int)(def < m.n ? def : 0));
	r = uw_tui_loop_run_layer(loop, &m.layer);
	uw_widget_free(uw_widget_buttons_widget(m.row));
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
