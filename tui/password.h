/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Modal password prompt: a box with a prompt sentence and an input line
 * that echoes nothing (not even stars: the length of a password is a hint
 * too). Enter accepts, Esc cancels. The typed text is wiped from the
 * widget's memory before returning.
 */

#include <stddef.h>

#include "tui/loop.h"

/*
 * Ask for a password. On Enter copies it into @out (@n bytes, NUL-
 * terminated) and returns 0; on Esc returns -ECANCELED, and -EINTR if the
 * loop was told to quit; -ENOSPC (nothing copied) if it does not fit.
 */
int uw_tui_password(struct uw_tui_loop *loop, const char *title, const char *prompt,
		    char *out, size_t n);
