/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The wizard frame (one per app, reused by every screen): a title bar
 * ("usbnet-wizard — Step 3 of 9: Netmask"), a box with the screen's widgets
 * stacked in it, a button row (Back / Next by default) with the reason a
 * disabled button is disabled, and a key-hint footer. Keys like nmtui and
 * dialog: Tab/Shift-Tab (and Up/Down at a widget's edge) move the focus,
 * Enter means Next, Esc (or Backspace outside a text field) Back, F1 or ?
 * help, q quit. "Next" is disabled while any widget is invalid, with the
 * widget's own sentence as the reason. A terminal smaller than 80x24 shows
 * "enlarge to 80x24" instead of a squashed screen.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/buttons.h"
#include "tui/loop.h"
#include "tui/theme.h"
#include "tui/widget.h"

struct uw_tui_frame;

/* Rectangles of the frame's parts (rows/cols in screen cells). */
struct uw_tui_frame_layout {
	struct uw_tui_rect title, box, body, buttons, footer;
};

/*
 * Compute the frame's layout for a @rows x @cols terminal. Returns 0, or
 * -ERANGE when the terminal is smaller than UW_TUI_MIN_COLS x
 * UW_TUI_MIN_ROWS (the layout is still filled, clipped).
 */
int uw_tui_frame_compute_layout(int rows, int cols, struct uw_tui_frame_layout *l);

/*
 * Stack @n widgets that want @wants[i] rows, and work in no fewer than
 * @mins[i] (NULL: the wants), into @height rows with @gap blank rows between
 * them (a want of 0 takes no room and no gap):
 *  - when every want fits, each gets what it wants;
 *  - else each gets its minimum and the rows left over go to the widgets
 *    still wanting more, the last first: the message areas sit below what
 *    they report on (Apply's outcome under its steps, the Phone check's note
 *    under its list), and a message cut to two rows above empty rows is
 *    what this avoids;
 *  - when even the minimums do not fit, each gets its minimum while room
 *    lasts and the rest what is left (maybe 0).
 * Fills @ys (offsets from the top) and @hs. Returns the rows used.
 */
int uw_tui_stack_layout(const int *wants, const int *mins, size_t n, int height, int gap, int *ys,
			int *hs);

/* A new frame for the app @app_name, drawing through @loop. */
struct uw_tui_frame *uw_tui_frame_new(struct uw_tui_loop *loop, const char *app_name);

/* Free the frame and its widgets; NULL is fine. */
void uw_tui_frame_free(struct uw_tui_frame *f);

/* Set the title: "APP — Step @step of @total: @title" (@total 0: "APP — @title"). */
void uw_tui_frame_set_step(struct uw_tui_frame *f, int step, int total, const char *title);

/* Help text shown by F1 or ? (NULL: "No help for this screen."). */
void uw_tui_frame_set_help(struct uw_tui_frame *f, const char *help);

/* Replace the footer hints (NULL: "Enter Next  Esc Back  Tab Move  F1 Help  q Quit"). */
void uw_tui_frame_set_hints(struct uw_tui_frame *f, const char *hints);

/* Add a widget below the others; the frame owns it from now on. */
void uw_tui_frame_add(struct uw_tui_frame *f, struct uw_widget *w);

/* Start a new screen: free every widget, reset the buttons to
 * "< Back >  < Next >", the help and hints to the defaults. */
void uw_tui_frame_clear(struct uw_tui_frame *f);

/* The frame's button row, to add or disable buttons. */
struct uw_widget_buttons *uw_tui_frame_buttons(struct uw_tui_frame *f);

/* Focus the @i-th widget added (the buttons come after them). */
void uw_tui_frame_focus(struct uw_tui_frame *f, size_t i);

/* True when the button row has the focus (a screen may then give keys the
 * buttons do not use, like Up/Down, to one of its widgets). */
bool uw_tui_frame_buttons_focused(const struct uw_tui_frame *f);

/* Screen-specific keys: called when the focused widget ignored @key, before
 * the frame's own keys. Return UW_TUI_IGNORED to let the frame handle it,
 * UW_TUI_NEXT/BACK/QUIT to end the screen with that result. */
typedef unsigned (*uw_tui_frame_key_fn)(struct uw_tui_frame *f, int key, void *ud);
void uw_tui_frame_set_key_handler(struct uw_tui_frame *f, uw_tui_frame_key_fn fn, void *ud);

/*
 * Run the screen until the user goes on: returns UW_TUI_NEXT, UW_TUI_BACK,
 * UW_TUI_QUIT (q, or the loop was told to quit), or the id of a custom
 * button. Screens that update live (checks) keep updating meanwhile.
 */
int uw_tui_frame_run(struct uw_tui_frame *f);

/* The loop the frame draws through. */
struct uw_tui_loop *uw_tui_frame_loop(struct uw_tui_frame *f);
