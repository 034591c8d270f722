// SPDX-License-Identifier: GPL-2.0-or-later
/* Welcome: what will happen, and which kind of device (the preset). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "screens/wizard.h"
#include "tui/radio.h"
#include "tui/textview.h"

static struct {
	struct uw_widget_radio *radio;
} s;

static void enter(struct uw_wizard *w)
{
	char text[1600];
	size_t sel = 0;

	snprintf(text, sizeof(text),
		 "This wizard lets a phone plugged in by USB get online through this computer, "
		 "and lets you ssh to it. It finds the phone's network interface, asks a few "
		 "questions (each with a safe default: Enter takes it), shows every change with "
		 "its shell command, applies it step by step (undoable at any time), then logs "
		 "in to the phone to check it is online.%s%s%s\n\nWhat is plugged in?",
		 geteuid() != 0 ? "\n\nNot running as root: detection and checks work, but applying "
				  "needs 'sudo usbnet-wizard'." : "",
		 w->facts_ok ? "" : "\n\nReading this computer's network failed: ",
		 w->facts_ok ? "" : w->facts_error);
	struct uw_widget_textview *t = uw_widget_textview_new(text);
	uw_widget_textview_set_rows(t, 9);
	s.radio = uw_widget_radio_new();
	for (size_t i = 0; uw_presets[i]; i++) {
		uw_widget_radio_add(s.radio, uw_presets[i]->name, uw_presets[i]->about);
		if (uw_presets[i] == w->draft.preset)
			sel = i;
	}
	uw_widget_radio_set_selected(s.radio, sel);
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));
	uw_tui_frame_add(w->frame, uw_widget_radio_widget(s.radio));
	uw_tui_frame_focus(w->frame, 1);
	uw_widget_buttons_set_enabled(uw_tui_frame_buttons(w->frame), UW_TUI_BACK, false,
				      "this is the first step.");
}

static int leave(struct uw_wizard *w, int result)
{
	const struct uw_preset *p = uw_presets[uw_widget_radio_selected(s.radio)];

	/* Switching preset resets the addresses and netmask; keep them otherwise. */
	if (p && p != w->draft.preset)
		uw_choices_set_preset(&w->draft, p->id, NULL);
	return result;
}

const struct uw_screen uw_scr_welcome = {
	.id = "welcome", .title = "Welcome",
	.help = "usbnet-wizard sets this computer up so a USB-networked phone gets online "
		"through it: an address on the phone's USB interface, forwarding with "
		"masquerade (NAT) out of your internet connection, and DNS for the phone.\n\n"
		"Nothing changes until you press Apply on the Review screen, and every change "
		"can be undone ('usbnet-wizard revert').\n\n"
		"The preset gives the addresses the phone expects: the Openmoko FreeRunner uses "
		"192.168.0.202 for itself and 192.168.0.200 for the desktop.\n\n"
		"Keys: Up/Down choose, Tab moves, Enter goes on, Esc goes back, q quits.",
	.enter = enter, .leave = leave,
};
