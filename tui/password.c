// SPDX-License-Identifier: GPL-2.0-or-later
/* The password prompt: the line-input box of tui/input.c in its secret mode. */
#include "tui/password.h"
#include "tui/input.h"

int uw_tui_password(struct uw_tui_loop *loop, const char *title, const char *prompt,
		    char *out, size_t n)
{
	return uw_tui_input_run(loop, title ? title : "Password", prompt, NULL, true, out, n);
}
