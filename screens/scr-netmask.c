// SPDX-License-Identifier: GPL-2.0-or-later
/* Netmask: /24, /29, /32 plus a host route, or typed in (checked by core/ as you type). */
#include <stdio.h>
#include <string.h>

#include "screens/wizard.h"
#include "tui/field.h"
#include "tui/radio.h"

#define CUSTOM 3

static const unsigned plens[] = { 24, 29, 32 };
static const struct uw_widget_radio_choice masks[] = {
	{ "255.255.255.0   (/24)", "The FreeRunner default; fine unless your LAN uses the same subnet." },
	{ "255.255.255.248 (/29)", "A narrow subnet: only .200 to .207 belong to the USB link." },
	{ "255.255.255.255 (/32 plus a route to the phone)",
	  "No subnet at all: one address and a host route to the phone." },
	{ "Custom", "Type a netmask or a prefix length below." },
};

static struct {
	struct uw_wizard *w;
	struct uw_widget_radio *radio;
	struct uw_widget_field *field;
} s;

/* Syntax and meaning both come from core/: the setter's own sentence. */
static struct uw_wizard_check check_mask = { .set = uw_choices_set_netmask };

/* The custom field is there only while "Custom" is chosen. */
static const char *gate(void *ud)
{
	uw_widget_field_widget(s.field)->hidden = uw_widget_radio_selected(s.radio) != CUSTOM;
	return NULL;
}

static void enter(struct uw_wizard *w)
{
	char ip[UW_IP4_STRLEN], ph[UW_IP4_STRLEN], text[400], cur[24] = "";
	unsigned plen = w->draft.plen_set ? w->draft.plen : (w->draft.preset ? w->draft.preset->plen : 24);
	size_t sel = CUSTOM;

	s.w = w;
	snprintf(text, sizeof(text), "The netmask of the USB link. This computer gets %s and the "
		 "phone %s on %s.", uw_ip4_str(w->draft.host_ip, ip), uw_ip4_str(w->draft.phone_ip, ph),
		 w->draft.iface[0] ? w->draft.iface : "the phone's interface");
	for (size_t i = 0; i < UW_ARRAY_SIZE(plens); i++)
		if (plen == plens[i])
			sel = i;
	if (sel == CUSTOM)
		snprintf(cur, sizeof(cur), "/%u", plen);
	s.radio = uw_widget_radio_new_choices(masks, UW_ARRAY_SIZE(masks), sel);
	s.field = uw_widget_field_new("Netmask:", cur, 18);
	check_mask.w = w;
	uw_widget_field_set_validate(s.field, uw_wizard_field_check, &check_mask);
	uw_wizard_add_choice(w, text, 2, s.radio, s.field, gate);
}

static int leave(struct uw_wizard *w, int result)
{
	size_t sel = uw_widget_radio_selected(s.radio);
	char mask[24];

	/* Going back keeps the choice too (unless the typed text is not valid). */
	if (sel == CUSTOM)
		snprintf(mask, sizeof(mask), "%s", uw_widget_field_text(s.field));
	else
		snprintf(mask, sizeof(mask), "/%u", plens[sel]);
	uw_choices_set_netmask(&w->draft, mask, NULL);
	return result;
}

const struct uw_screen uw_scr_netmask = {
	.id = "netmask", .title = "Netmask",
	.help = "The netmask decides which addresses belong to the USB link.\n\n"
		"/24 (255.255.255.0) is what the FreeRunner expects. Choose /29 or /32 when "
		"your home network already uses 192.168.0.x: with /32 this computer takes one "
		"address and adds a route to the phone, so the rest of the LAN stays reachable.\n\n"
		"Custom accepts 255.255.255.x or /N.",
	.enter = enter, .leave = leave,
};
