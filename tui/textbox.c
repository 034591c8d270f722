// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/textbox.h"
#include "tui/text.h"
#include "tui/textview.h"
#include "tui/theme.h"

struct uw_tui_textbox {
	struct uw_tui_layer layer; /* first */
	const char *title;
	struct uw_widget_textview *view;
};

static void textbox_draw(struct uw_tui_layer *layer)
{
	struct uw_tui_textbox *t = (struct uw_tui_textbox *)layer;
	struct uw_widget *v = uw_widget_textview_widget(t->view);
	int h = LINES - 4, w = COLS - 8;
	int y = 2, x = 4;

	if (h < 5)
		h = LINES, y = 0;
	if (w < 20)
		w = COLS, x = 0;
	uw_tui_dialog_frame(stdscr, y, x, h, w, t->title);
	uw_widget_place(v, y + 1, x + 1, h - 3, w - 2);
	uw_widget_draw(v, true);
	uw_widget_attr_on(UW_TUI_DIM);
	uw_tui_puts(stdscr, y + h - 2, x + 2, w - 4, "Esc/Enter Close  PgUp/PgDn Scroll");
	uw_widget_attr_off(UW_TUI_DIM);
}

static unsigned textbox_key(struct uw_tui_layer *layer, int key)
{
	struct uw_tui_textbox *t = (struct uw_tui_textbox *)layer;

	switch (key) {
	case UW_KEY_ESC: case '\r': case '\n': case UW_KEY(KEY_ENTER): case 'q':
	case UW_KEY(KEY_F(1)):
		t->layer.done = true;
		return UW_TUI_HANDLED;
	}
	uw_widget_handle_key(uw_widget_textview_widget(t->view), key);
	return UW_TUI_HANDLED;
}

void uw_tui_textbox(struct uw_tui_loop *loop, const char *title, const char *text)
{
	struct uw_tui_textbox t = {
		.layer = { .key = textbox_key, .draw = textbox_draw, .modal = true },
		.title = title ? title : "Help",
		.view = uw_widget_textview_new(text),
	};

	uw_tui_loop_run_layer(loop, &t.layer);
	uw_widget_free(uw_widget_textview_widget(t.view));
}
