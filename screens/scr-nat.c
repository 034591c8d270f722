// SPDX-License-Identifier: GPL-2.0-or-later
/* NAT: share this computer's connection (masquerade + ip_forward), and out of which interface. */
#include <stdio.h>
#include <string.h>

#include "core/nl.h"
#include "core/plan.h"
#include "screens/wizard.h"
#include "tui/field.h"
#include "tui/radio.h"

static const struct uw_widget_radio_choice sharing[] = {
	{ "Share the connection (NAT)", "The phone gets online through this computer. Needed for the phone checks." },
	{ "Do not share", "Only this computer and the phone talk (ssh still works)." },
};

static struct {
	struct uw_wizard *w;
	struct uw_widget_radio *radio;
	struct uw_widget_field *field;
} s;

static bool valid_out(const char *text, char *why, size_t n, void *ud)
{
	struct uw_choices scratch = s.w->draft;
	struct uw_error err;

	if (!text[0]) {
		snprintf(why, n, "Name the interface your internet connection uses (this computer "
			 "has no default route to take it from).");
		return false;
	}
	/*
	 * The same check as the plan's, in the wizard's words: no command-line
	 * option, and nothing about the phone's cable (this is the uplink).
	 */
	if (s.w->facts_ok) {
		if (uw_out_iface_check(s.w->facts, s.w->draft.iface, text, s.w->facts->default_iface[0] ?
				       "Clear the field to use the default route's, or type one of those." :
				       "Type one of those, or choose \"Do not share\".", &err) < 0) {
			snprintf(why, n, "%s", err.msg);
			return false;
		}
		return true;
	}
	if (uw_choices_set_out_iface(&scratch, text, &err) < 0) {
		snprintf(why, n, "%s", err.msg);
		return false;
	}
	if (uw_nl_link_index(text, NULL) < 0) {
		snprintf(why, n, "There is no interface %s on this desktop: type the name of the one your "
			 "internet connection uses.", text);
		return false;
	}
	if (!strcmp(text, s.w->draft.iface)) {
		snprintf(why, n, "%s is the phone's own interface: shared traffic must leave through "
			 "your internet connection.", text);
		return false;
	}
	return true;
}

static const char *gate(void *ud)
{
	uw_widget_field_widget(s.field)->hidden = uw_widget_radio_selected(s.radio) != 0;
	return NULL;
}

static void enter(struct uw_wizard *w)
{
	const char *def = w->facts_ok ? w->facts->default_iface : "";
	char text[400];

	s.w = w;
	snprintf(text, sizeof(text), "Share this computer's internet connection with the phone? "
		 "Its traffic is masqueraded (NAT) out of your connection%s%s%s, and IPv4 forwarding "
		 "is switched on.", def[0] ? " (the default route goes out of " : "", def,
		 def[0] ? ")" : "");
	s.radio = uw_widget_radio_new_choices(sharing, UW_ARRAY_SIZE(sharing), w->draft.nat ? 0 : 1);
	s.field = uw_widget_field_new("Outgoing interface:", w->draft.out_iface[0] ? w->draft.out_iface : def,
				      15);
	uw_widget_field_set_validate(s.field, valid_out, NULL);
	uw_wizard_add_choice(w, text, 3, s.radio, s.field, gate);
}

static int leave(struct uw_wizard *w, int result)
{
	const char *out = uw_widget_field_text(s.field);
	const char *def = w->facts_ok ? w->facts->default_iface : "";

	w->draft.nat = uw_widget_radio_selected(s.radio) == 0;
	/* The default route's interface stays "the default" (resolved by the plan). */
	if (!strcmp(out, def))
		w->draft.out_iface[0] = '\0';
	else if (!uw_widget_field_error(s.field))
		uw_choices_set_out_iface(&w->draft, out, NULL);
	return result;
}

const struct uw_screen uw_scr_nat = {
	.id = "nat", .title = "Sharing (NAT)",
	.help = "Sharing makes this computer a small router for the phone: IPv4 forwarding "
		"(net.ipv4.ip_forward=1) and a masquerade rule, so the phone's packets leave "
		"with this computer's address. Only rules tagged usbnet-wizard are added; "
		"nobody else's rules are touched, and revert removes exactly ours.\n\n"
		"The outgoing interface is the one your internet connection uses: by default "
		"the interface of the default route.",
	.enter = enter, .leave = leave,
};
