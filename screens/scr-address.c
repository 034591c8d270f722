// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Addresses (only after Overlap chose another subnet): this computer's and
 * the phone's address on the USB link and the netmask, typed or as proposed
 * (the free subnet), each checked as it is typed by the same core/ setters
 * the CLI's --host-ip, --phone-ip and --netmask use, and together by
 * uw_choices_check_addresses and the overlap check. Says what must change on
 * the phone, which keeps its own address until it is told otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "core/overlap.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/field.h"
#include "tui/textview.h"

static struct {
	struct uw_wizard *w;
	struct uw_widget_textview *text;
	struct uw_widget_field *host, *phone, *mask;
	char why[UW_ERROR_MSG_MAX + 128];
	char shown_phone[UW_IP4_STRLEN + 32]; /* the text says how to give the phone this */
} s;

/* Each field is checked by the setter of the command line's option. */
static struct uw_wizard_check check_host = { .set = uw_choices_set_host_ip },
			      check_phone = { .set = uw_choices_set_phone_ip },
			      check_mask = { .set = uw_choices_set_netmask };

/* The three fields into @c; false when one of them is not valid (its own
 * sentence is then on screen). */
static bool read_fields(struct uw_choices *c)
{
	*c = s.w->draft;
	return uw_choices_set_host_ip(c, uw_widget_field_text(s.host), NULL) == 0 &&
	       uw_choices_set_phone_ip(c, uw_widget_field_text(s.phone), NULL) == 0 &&
	       uw_choices_set_netmask(c, uw_widget_field_text(s.mask), NULL) == 0;
}

/* What the user does on the phone, for the phone address typed now. */
static void explain(const struct uw_choices *c)
{
	char text[1400], ph[UW_IP4_STRLEN], hs[UW_IP4_STRLEN], mk[UW_IP4_STRLEN], old[UW_IP4_STRLEN];
	char key[sizeof(s.shown_phone)];
	struct in_addr host, phone;
	unsigned plen;

	uw_wizard_preset_addresses(s.w, &host, &phone, &plen);
	snprintf(key, sizeof(key), "%s/%s/%u", uw_ip4_str(c->phone_ip, ph), uw_ip4_str(c->host_ip, hs),
		 c->plen);
	if (!strcmp(key, s.shown_phone))
		return;
	uw_strlcpy(s.shown_phone, key, sizeof(s.shown_phone));
	if (c->phone_ip.s_addr == phone.s_addr)
		snprintf(text, sizeof(text), "The USB link's addresses: this computer's, the phone's "
			 "(it keeps %s, its own), and the netmask. Each is checked as you type.",
			 uw_ip4_str(phone, old));
	else
		snprintf(text, sizeof(text), "The phone keeps %s until it is changed on the phone too "
			 "(on its own terminal, or over ssh to its IPv6 link-local address): in its "
			 "/etc/network/interfaces, stanza 'iface usb0 inet static', set 'address %s', "
			 "'netmask %s' and 'gateway %s', then run 'ifdown usb0; ifup usb0'.",
			 uw_ip4_str(phone, old), ph, uw_ip4_mask_str(c->plen, mk), hs);
	uw_widget_textview_set_text(s.text, text);
}

/* The fields together: a pair core/ accepts, and clear of every network of
 * this computer (the reason the screen is here). */
static const char *gate(void *ud)
{
	struct uw_choices c;
	struct uw_error err;
	struct uw_overlap *ov;
	char a[UW_IP4_STRLEN];

	if (!read_fields(&c))
		return NULL; /* the field's own sentence says what to fix */
	explain(&c);
	uw_error_clear(&err);
	if (uw_choices_check_addresses(&c, c.plen, &err) < 0) {
		snprintf(s.why, sizeof(s.why), "%s", err.msg);
		return s.why;
	}
	if (!s.w->facts_ok)
		return NULL;
	ov = uw_malloc0(sizeof(*ov));
	if (uw_overlap_find(s.w->facts, c.iface, c.host_ip, c.phone_ip, c.plen, ov) > 0) {
		if (ov->have_free)
			snprintf(s.why, sizeof(s.why), "%s/%u overlaps %s: choose another subnet (%s/%u "
				 "is free).", uw_ip4_str(uw_ip4_network(c.host_ip, c.plen), a), c.plen,
				 ov->conflicts[0].text, uw_ip4_str(ov->free_net.addr, (char[UW_IP4_STRLEN]){ 0 }),
				 ov->free_net.plen);
		else
			snprintf(s.why, sizeof(s.why), "%s/%u overlaps %s: choose another subnet.",
				 uw_ip4_str(uw_ip4_network(c.host_ip, c.plen), a), c.plen,
				 ov->conflicts[0].text);
		free(ov);
		return s.why;
	}
	free(ov);
	return NULL;
}

static void enter(struct uw_wizard *w)
{
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN], mask[8];

	memset(&s, 0, sizeof(s));
	s.w = w;
	snprintf(mask, sizeof(mask), "/%u", w->draft.plen);
	s.text = uw_widget_textview_new("");
	uw_widget_textview_set_rows(s.text, 5);
	s.host = uw_widget_field_new("This computer:", uw_ip4_str(w->draft.host_ip, hs), 15);
	s.phone = uw_widget_field_new("Phone:        ", uw_ip4_str(w->draft.phone_ip, ps), 15);
	s.mask = uw_widget_field_new("Netmask:      ", mask, 18);
	check_host.w = check_phone.w = check_mask.w = w;
	uw_widget_field_set_validate(s.host, uw_wizard_field_check, &check_host);
	uw_widget_field_set_validate(s.phone, uw_wizard_field_check, &check_phone);
	uw_widget_field_set_validate(s.mask, uw_wizard_field_check, &check_mask);
	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(s.text));
	uw_tui_frame_add(w->frame, uw_widget_field_widget(s.host));
	uw_tui_frame_add(w->frame, uw_widget_field_widget(s.phone));
	uw_tui_frame_add(w->frame, uw_widget_field_widget(s.mask));
	gate(NULL);
	uw_tui_frame_focus(w->frame, 2);
}

static bool wanted(struct uw_wizard *w)
{
	return w->want_addresses;
}

static int leave(struct uw_wizard *w, int result)
{
	struct uw_choices c;

	/* Next needs everything valid; Back keeps what is valid, like Netmask. */
	if (read_fields(&c) && (result != UW_TUI_NEXT || !gate(NULL)))
		w->draft = c;
	return result;
}

const struct uw_screen uw_scr_address = {
	.id = "address", .title = "Addresses",
	.help = "The addresses of the USB link: this computer's, the phone's, and the netmask "
		"(255.255.255.x or /N). They must be in one subnet that nothing else on this "
		"computer uses (no LAN, VPN or route of it), or packets for the phone would go "
		"the wrong way. The proposed subnet is the first such block of 192.168.0.0/16.\n\n"
		"The phone has its own idea of its address: a FreeRunner is 192.168.0.202, set in "
		"its /etc/network/interfaces. When you pick another phone address here, change it "
		"on the phone as well (the screen says how), or the Phone check cannot reach it. "
		"The phone stays reachable meanwhile over IPv6: its link-local address "
		"(fe80::..., 'ping -6 ff02::1%usb0' lists it) is not hidden by the LAN, so "
		"'ssh root@fe80::...%usb0' logs in to make the change.\n\n"
		"Each field is checked as you type, as the command line checks --host-ip, "
		"--phone-ip and --netmask; Next stays unavailable, with the reason, until the "
		"three fit together.",
	.wanted = wanted, .enter = enter, .leave = leave,
};
