// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/field.h"
#include "tui/edit.h"
#include "tui/term.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "core/util.h"

#include <string.h>

#define FIELD_MAX_COLS 32

struct uw_widget_field {
	struct uw_widget base;
	char *label;
	struct uw_tui_edit edit;
	uw_widget_field_validate_fn validate;
	void *validate_ud;
	bool secret;
	bool valid;
	int max_cols;           /* 0: FIELD_MAX_COLS */
	char why[256];
};

static void revalidate(struct uw_widget_field *f)
{
	f->why[0] = '\0';
	f->valid = !f->validate || f->validate(f->edit.buf, f->why, sizeof(f->why), f->validate_ud);
	if (!f->valid && !f->why[0])
		uw_strlcpy(f->why, "This value is not valid.", sizeof(f->why));
}

static int field_size(struct uw_widget *w, int width)
{
	return 3; /* field line, two lines for the message */
}

static void field_draw(struct uw_widget *w, bool focused)
{
	struct uw_widget_field *f = (struct uw_widget_field *)w;
	int lw = uw_tui_text_width(f->label);
	int x = w->x + 1 + lw + 1;
	int cols = w->x + w->w - x - 3;

	int max = f->max_cols > 0 ? f->max_cols : FIELD_MAX_COLS;

	if (cols > max)
		cols = max;
	if (cols < 4)
		cols = 4;
	uw_tui_puts(stdscr, w->y, w->x + 1, lw, f->label);
	uw_tui_puts(stdscr, w->y, x, 1, "[");
	int role = focused ? UW_TUI_FOCUS : UW_TUI_NORMAL;
	uw_widget_attr_on(role);
	mvwhline(stdscr, w->y, x + 1, ' ', cols);
	int cx = 0;
	if (!f->secret) {
		cx = uw_tui_edit_view(&f->edit, cols);
		uw_tui_put(stdscr, w->y, x + 1, cols, f->edit.buf + f->edit.scroll,
			   f->edit.len - f->edit.scroll);
	}
	uw_widget_attr_off(role);
	uw_tui_puts(stdscr, w->y, x + 1 + cols, 1, "]");
	if (focused)
		uw_tui_term_want_cursor(w->y, x + 1 + cx);
	if (!f->valid && w->h > 1) {
		struct uw_tui_line lines[2];
		size_t n = uw_tui_text_wrap(f->why, w->w - 2, lines, 2);

		uw_widget_attr_on(UW_TUI_ERROR);
		for (size_t i = 0; i < n && i < 2 && (int)i + 1 < w->h; i++)
			uw_tui_put(stdscr, w->y + 1 + (int)i, w->x + 1 + lines[i].indent,
				   w->w - 2 - lines[i].indent, f->why + lines[i].off, lines[i].len);
		uw_widget_attr_off(UW_TUI_ERROR);
	}
}

static unsigned field_key(struct uw_widget *w, int key)
{
	struct uw_widget_field *f = (struct uw_widget_field *)w;
	bool changed = false;

	/* A secret field shows nothing, so the cursor has nowhere to be seen
	 * moving: editing is at the end only, and Ctrl-U wipes the lot. */
	if (f->secret) {
		switch (key) {
		case UW_KEY(KEY_LEFT): case UW_KEY(KEY_RIGHT): case UW_KEY(KEY_HOME): case UW_KEY(KEY_END):
		case UW_KEY_CTRL('a'): case UW_KEY_CTRL('e'): case UW_KEY(KEY_DC):
			return UW_TUI_HANDLED;
		case UW_KEY_CTRL('u'):
			uw_tui_edit_wipe(&f->edit);
			revalidate(f);
			return UW_TUI_HANDLED | UW_TUI_REDRAW;
		}
	}
	switch (key) {
	case UW_KEY(KEY_LEFT): uw_tui_edit_left(&f->edit); break;
	case UW_KEY(KEY_RIGHT): uw_tui_edit_right(&f->edit); break;
	case UW_KEY(KEY_HOME): case UW_KEY_CTRL('a'): uw_tui_edit_home(&f->edit); break;
	case UW_KEY(KEY_END): case UW_KEY_CTRL('e'): uw_tui_edit_end(&f->edit); break;
	/* Terminals send ^? or ^H for Backspace, curses maps some of them. */
	case UW_KEY(KEY_BACKSPACE): case 127: case 8:
		changed = uw_tui_edit_backspace(&f->edit);
		break;
	case UW_KEY(KEY_DC): changed = uw_tui_edit_delete(&f->edit); break;
	case UW_KEY_CTRL('u'): changed = uw_tui_edit_kill_before(&f->edit); break;
	default:
		if (key >= 0x20 && key < UW_KEY(0) && key != 0x7F) {
			if (!uw_tui_edit_insert(&f->edit, (wchar_t)key))
				beep();
			changed = true;
			break;
		}
		return UW_TUI_IGNORED;
	}
	if (changed)
		revalidate(f);
	return UW_TUI_HANDLED | UW_TUI_REDRAW;
}

static const char *field_invalid(struct uw_widget *w)
{
	return uw_widget_field_error((struct uw_widget_field *)w);
}

static void field_destroy(struct uw_widget *w)
{
	struct uw_widget_field *f = (struct uw_widget_field *)w;

	uw_tui_edit_wipe(&f->edit);
	free(f->label);
	free(f);
}

static const struct uw_widget_class field_class = {
	.name = "field",
	.draw = field_draw,
	.handle_key = field_key,
	.size = field_size,
	.destroy = field_destroy,
	.invalid = field_invalid,
};

struct uw_widget_field *uw_widget_field_new(const char *label, const char *text, size_t max_chars)
{
	struct uw_widget_field *f = uw_malloc0(sizeof(*f));

	f->base.cls = &field_class;
	f->base.focusable = true;
	f->label = uw_strdup(label ? label : "");
	uw_tui_edit_init(&f->edit, text, max_chars);
	revalidate(f);
	return f;
}

void uw_widget_field_set_validate(struct uw_widget_field *f, uw_widget_field_validate_fn fn, void *ud)
{
	f->validate = fn;
	f->validate_ud = ud;
	revalidate(f);
}

void uw_widget_field_set_secret(struct uw_widget_field *f, bool secret)
{
	f->secret = secret;
}

void uw_widget_field_set_cols(struct uw_widget_field *f, int cols)
{
	f->max_cols = cols;
}

void uw_widget_field_set_text(struct uw_widget_field *f, const char *text)
{
	size_t max = f->edit.max_chars;

	uw_tui_edit_wipe(&f->edit);
	uw_tui_edit_init(&f->edit, text, max);
	revalidate(f);
}

const char *uw_widget_field_text(const struct uw_widget_field *f)
{
	return f->edit.buf;
}

const char *uw_widget_field_error(const struct uw_widget_field *f)
{
	return f->valid ? NULL : f->why;
}

void uw_widget_field_wipe(struct uw_widget_field *f)
{
	uw_tui_edit_wipe(&f->edit);
	revalidate(f);
}

struct uw_widget *uw_widget_field_widget(struct uw_widget_field *f)
{
	return &f->base;
}
