/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Modal scrollable text box (help pages): a large box over the screen with
 * a text view inside; arrows and PgUp/PgDn scroll, Esc, Enter or q close.
 */

#include "tui/loop.h"

/* Show @text under @title until closed. */
void uw_tui_textbox(struct uw_tui_loop *loop, const char *title, const char *text);
