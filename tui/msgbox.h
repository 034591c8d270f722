/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Modal message and confirm boxes, drawn centred over whatever is on screen
 * and run as a nested loop layer: fds, timers and posts keep running while
 * the box waits, so progress behind it does not freeze. The buttons are the
 * frame's button row (tui/buttons.h): Left/Right (and Tab/Shift-Tab) move
 * between them and stop at the ends, Enter presses the one drawn focused, a
 * button's first letter presses it (y/n), Esc cancels.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/loop.h"

/*
 * Show @text (word-wrapped) under @title with @n buttons; the button @def is
 * focused first. Returns the index pressed, -1 for Esc, or -2 if the loop
 * was told to quit meanwhile (SIGTERM).
 */
int uw_tui_msgbox(struct uw_tui_loop *loop, const char *title, const char *text,
		  const char *const *buttons, size_t n, size_t def);

/*
 * Yes/No question. Dangerous questions pass @default_yes false, so a stray
 * Enter answers No. Esc and a quitting loop answer No.
 */
bool uw_tui_confirm(struct uw_tui_loop *loop, const char *title, const char *text,
		    bool default_yes);

/* A message with one "OK" button. */
void uw_tui_message(struct uw_tui_loop *loop, const char *title, const char *text);
