// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Overlap (only when there is one): the USB subnet of the preset collides
 * with a network this computer already uses (the seed's 192.168.0.x trap).
 * Names the conflicting route and recommends core/'s fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/overlap.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/radio.h"
#include "tui/textview.h"

static struct {
	struct uw_overlap ov;
	struct uw_widget_radio *radio;
	unsigned plens[3];
	size_t n;
} s;

/* The overlap of the preset's own subnet: what the user is warned about. */
static size_t find(struct uw_wizard *w, struct uw_overlap *ov)
{
	const struct uw_choices *c = &w->draft;

	if (!w->facts_ok || !c->iface[0])
		return 0;
	return uw_overlap_find(w->facts, c->iface, c->host_ip, c->phone_ip,
			       c->preset ? c->preset->plen : c->plen, ov);
}

static bool wanted(struct uw_wizard *w)
{
	struct uw_overlap *ov = uw_malloc0(sizeof(*ov));
	bool yes = find(w, ov) > 0;

	free(ov);
	return yes;
}

static void add(unsigned plen, const char *label, const char *help)
{
	uw_widget_radio_add(s.radio, label, help);
	s.plens[s.n++] = plen;
}

static void enter(struct uw_wizard *w)
{
	char text[2048];
	size_t len, sel = 0;
	unsigned preset_plen = w->draft.preset ? w->draft.preset->plen : 24;

	memset(&s, 0, sizeof(s));
	find(w, &s.ov);
	len = (size_t)snprintf(text, sizeof(text), "Warning: the USB link would overlap a network "
			       "this computer already uses:\n");
	for (size_t i = 0; i < s.ov.n && i < 3 && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "  %s\n", s.ov.conflicts[i].text);
	if (len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, "\n%s", s.ov.explanation);
	struct uw_widget_textview *t = uw_widget_textview_new(text);
	uw_widget_textview_set_rows(t, 10);
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));

	s.radio = uw_widget_radio_new();
	if (s.ov.fix == UW_OVERLAP_FIX_32 || s.ov.fix == UW_OVERLAP_FIX_SUBNET)
		add(32, "Recommended: /32 address plus a route to the phone",
		    "Only the phone's one address is taken from the LAN (the Openmoko wiki's recipe for a 192.168.0.x LAN).");
	if (s.ov.fix == UW_OVERLAP_FIX_29)
		add(29, "Recommended: /29 netmask (255.255.255.248)",
		    "Only .200 to .207 belong to the USB link; the rest of the LAN stays reachable.");
	else if (s.ov.fix_29_ok)
		add(29, "/29 netmask (255.255.255.248)",
		    "Only .200 to .207 belong to the USB link; the rest of the LAN stays reachable.");
	add(preset_plen, "Keep the preset's netmask anyway",
	    "Not recommended: part of your LAN becomes unreachable from this computer.");
	/* Coming back: show what was chosen before. */
	for (size_t i = 0; i < s.n; i++)
		if (w->draft.plen_set && w->draft.plen == s.plens[i])
			sel = i;
	uw_widget_radio_set_selected(s.radio, sel);
	uw_tui_frame_add(w->frame, uw_widget_radio_widget(s.radio));
	uw_tui_frame_focus(w->frame, 1);
}

static int leave(struct uw_wizard *w, int result)
{
	char mask[8];

	snprintf(mask, sizeof(mask), "/%u", s.plens[uw_widget_radio_selected(s.radio)]);
	uw_choices_set_netmask(&w->draft, mask, NULL);
	return result;
}

const struct uw_screen uw_scr_overlap = {
	.id = "overlap", .title = "Subnet overlap",
	.help = "The phone's subnet (for a FreeRunner 192.168.0.0/24) is the same as, or "
		"overlaps, a network this computer already uses, often the home LAN behind a "
		"192.168.0.1 router. With both on the same subnet, this computer cannot tell "
		"which way to send packets: the LAN or the phone breaks.\n\n"
		"The fix: give the USB link a /32 address and a route to the phone's one "
		"address (only that address is taken from the LAN), or a /29 netmask (only .200 "
		"to .207). If the phone's own address is in use on the LAN, change the phone's "
		"subnet instead.",
	.wanted = wanted, .enter = enter, .leave = leave,
};
