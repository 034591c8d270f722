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

/* What a choice does: a netmask for the preset's addresses, the free
 * subnet from the pool, or addresses typed on the Address screen. */
enum kind { KIND_PLEN, KIND_FREE, KIND_TYPE };

static struct {
	struct uw_overlap ov;
	struct uw_widget_radio *radio;
	unsigned plens[4];
	enum kind kinds[4];
	size_t n;
} s;

/* The overlap of the preset's own subnet (the addresses the phone comes
 * with): what the user is warned about, whatever the draft holds now. */
static size_t find(struct uw_wizard *w, struct uw_overlap *ov)
{
	const struct uw_choices *c = &w->draft;
	struct in_addr host, phone;
	unsigned plen;

	if (!w->facts_ok || !c->iface[0])
		return 0;
	uw_wizard_preset_addresses(w, &host, &phone, &plen);
	return uw_overlap_find(w->facts, c->iface, host, phone, plen, ov);
}

static bool wanted(struct uw_wizard *w)
{
	struct uw_overlap *ov = uw_malloc0(sizeof(*ov));
	bool yes = find(w, ov) > 0;

	free(ov);
	return yes;
}

static void add_kind(enum kind kind, unsigned plen, const char *label, const char *help)
{
	uw_widget_radio_add(s.radio, label, help);
	s.kinds[s.n] = kind;
	s.plens[s.n++] = plen;
}

static void add(unsigned plen, const char *label, const char *help)
{
	add_kind(KIND_PLEN, plen, label, help);
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
	if (s.ov.fix == UW_OVERLAP_FIX_SUBNET) {
		/*
		 * No netmask helps when the address itself is taken (the /32 and
		 * "keep" choices would only lead to a plan that cannot be made):
		 * another subnet, the free one proposed or typed by hand.
		 */
		char label[96], help[200], n[UW_IP4_STRLEN], h[UW_IP4_STRLEN], p[UW_IP4_STRLEN];

		if (s.ov.have_free) {
			snprintf(label, sizeof(label), "Recommended: use the free subnet %s/%u",
				 uw_ip4_str(s.ov.free_net.addr, n), s.ov.free_net.plen);
			snprintf(help, sizeof(help), "This computer %s, the phone %s: the phone's own "
				 "address must be changed too (the next screen says how).",
				 uw_ip4_str(s.ov.free_host, h), uw_ip4_str(s.ov.free_phone, p));
			add_kind(KIND_FREE, s.ov.free_net.plen, label, help);
		}
		add_kind(KIND_TYPE, 0, "Type the addresses",
			 "Choose this computer's and the phone's addresses and the netmask yourself.");
	}
	if (s.ov.fix == UW_OVERLAP_FIX_32)
		add(32, "Recommended: /32 address plus a route to the phone",
		    "Only the phone's one address is taken from the LAN (the Openmoko wiki's recipe for a 192.168.0.x LAN).");
	if (s.ov.fix == UW_OVERLAP_FIX_29)
		add(29, "Recommended: /29 netmask (255.255.255.248)",
		    "Only .200 to .207 belong to the USB link; the rest of the LAN stays reachable.");
	else if (s.ov.fix_29_ok)
		add(29, "/29 netmask (255.255.255.248)",
		    "Only .200 to .207 belong to the USB link; the rest of the LAN stays reachable.");
	if (s.ov.fix != UW_OVERLAP_FIX_SUBNET)
		add(preset_plen, "Keep the preset's netmask anyway",
		    "Not recommended: part of your LAN becomes unreachable from this computer.");
	/* Coming back: show what was chosen before. */
	for (size_t i = 0; i < s.n; i++) {
		if (s.kinds[i] == KIND_PLEN && !w->want_addresses && w->draft.plen_set &&
		    w->draft.plen == s.plens[i])
			sel = i;
		if (s.kinds[i] == KIND_FREE && w->want_addresses &&
		    w->draft.host_ip.s_addr == s.ov.free_host.s_addr &&
		    w->draft.phone_ip.s_addr == s.ov.free_phone.s_addr)
			sel = i;
		if (s.kinds[i] == KIND_TYPE && w->want_addresses &&
		    (!s.ov.have_free || w->draft.phone_ip.s_addr != s.ov.free_phone.s_addr ||
		     w->draft.host_ip.s_addr != s.ov.free_host.s_addr))
			sel = i;
	}
	uw_widget_radio_set_selected(s.radio, sel);
	uw_tui_frame_add(w->frame, uw_widget_radio_widget(s.radio));
	uw_tui_frame_focus(w->frame, 1);
}

static int leave(struct uw_wizard *w, int result)
{
	size_t i = uw_widget_radio_selected(s.radio);
	char mask[8];
	struct in_addr host, phone;
	unsigned plen;

	switch (s.kinds[i]) {
	case KIND_PLEN:
		/* The preset's addresses again, if another subnet was chosen before. */
		if (w->want_addresses) {
			uw_wizard_preset_addresses(w, &host, &phone, &plen);
			w->draft.host_ip = host;
			w->draft.phone_ip = phone;
		}
		w->want_addresses = false;
		snprintf(mask, sizeof(mask), "/%u", s.plens[i]);
		uw_choices_set_netmask(&w->draft, mask, NULL);
		break;
	case KIND_FREE:
		w->draft.host_ip = s.ov.free_host;
		w->draft.phone_ip = s.ov.free_phone;
		snprintf(mask, sizeof(mask), "/%u", s.plens[i]);
		uw_choices_set_netmask(&w->draft, mask, NULL);
		w->want_addresses = true;
		break;
	case KIND_TYPE:
		w->want_addresses = true;
		break;
	}
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
		"to .207).\n\n"
		"If the phone's own address (or this computer's) is in use on the LAN, no "
		"netmask helps: the USB link moves to another subnet. The wizard proposes one "
		"that nothing on this computer uses (from 192.168.0.0/16, as ConnMan and "
		"systemd-networkd pick theirs), or you type the addresses. The phone must then "
		"be given its new address too: the Addresses screen says how.",
	.wanted = wanted, .enter = enter, .leave = leave,
};
