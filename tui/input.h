/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Modal one-line text prompt ("Save the script as: [file name    ]"), drawn
 * like the password prompt but echoing what is typed, starting from an
 * initial text. Left/Right/Home/End move, Backspace/Delete edit, Ctrl-U
 * clears, Enter accepts, Esc cancels. Runs as a nested loop layer, so fds,
 * timers and posts keep running meanwhile.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tui/loop.h"

/*
 * Ask for a line of text, starting from @initial (may be NULL). On Enter
 * copies it into @out (@n bytes, NUL-terminated) and returns 0; Esc returns
 * -ECANCELED, a quitting loop -EINTR, and -ENOSPC (nothing copied) when the
 * text does not fit @out.
 */
int uw_tui_input(struct uw_tui_loop *loop, const char *title, const char *prompt,
		 const char *initial, char *out, size_t n);

/*
 * The box behind uw_tui_input and uw_tui_password (tui/password.h): with
 * @secret nothing typed is shown, @initial is ignored, editing is at the end
 * only, and the typed text is wiped from memory before returning. Same
 * results as uw_tui_input.
 */
int uw_tui_input_run(struct uw_tui_loop *loop, const char *title, const char *prompt,
		     const char *initial, bool secret, char *out, size_t n);
