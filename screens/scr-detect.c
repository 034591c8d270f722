// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Detect: the candidate interfaces with the reasons each may be the phone.
 * When there is none, "plug in your phone": the screen watches netlink link
 * events through the loop (the monitor's fd wakes it; no polling) and
 * rescans the moment an interface appears, changes or goes.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "core/firewalld.h"
#include "core/nl.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/radio.h"
#include "tui/textview.h"

static struct {
	struct uw_wizard *w;
	struct uw_candidate *cands;
	size_t n;
	char error[UW_ERROR_MSG_MAX];
	struct uw_nl_monitor *mon;
	int mon_id;
	struct uw_widget_radio *radio;
	struct uw_firewalld fwd;        /* firewalld's state, from the bus (running false: none) */
} s;

static const char *gate(void *ud)
{
	if (s.n)
		return NULL;
	return s.error[0] ? s.error : "no phone interface yet: plug in the phone (this screen "
				      "updates by itself).";
}

static void scan(void)
{
	struct uw_error err;

	uw_candidates_free(s.cands);
	s.cands = NULL;
	s.n = 0;
	s.error[0] = '\0';
	uw_error_clear(&err);
	if (uw_detect_scan(&s.cands, &s.n, &err) < 0)
		snprintf(s.error, sizeof(s.error), "%s", err.msg);
	/* firewalld decides what the interface may do (its zone), as
	 * NetworkManager decides its addresses: said here when it runs. */
	uw_error_clear(&err);
	if (uw_firewalld_read(&s.fwd, &err) < 0)
		s.fwd.running = false;
}

static void on_link(const struct uw_link_event *ev, void *ud)
{
	bool *changed = ud;

	*changed = true;
}

static void on_monitor(struct uw_tui_loop *loop, int fd, short revents, void *ud)
{
	struct uw_wizard *w = ud;
	bool changed = false;
	int r = uw_nl_monitor_dispatch(s.mon, on_link, &changed, NULL);

	/* -ENOBUFS: events were dropped; a rescan catches up all the same. */
	if (changed || r == -ENOBUFS) {
		int sel = s.radio && s.n ? (int)uw_widget_radio_selected(s.radio) : -1;
		char name[UW_IFNAME_MAX] = "";

		if (sel >= 0)
			uw_strlcpy(name, s.cands[sel].ifname, sizeof(name));
		scan();
		/* Keep the user's pick across a rescan when it is still there. */
		if (name[0])
			uw_strlcpy(w->draft.iface, name, sizeof(w->draft.iface));
		uw_wizard_rebuild(w);
	}
}

static void build(struct uw_wizard *w)
{
	char text[1200];
	size_t sel = 0;

	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	if (!s.n) {
		snprintf(text, sizeof(text),
			 "No phone found yet.\n\nPlug in your phone with its USB cable and switch it "
			 "on (a FreeRunner must be fully booted, not at its boot menu). This screen "
			 "updates by itself the moment its network interface appears.%s%s",
			 s.error[0] ? "\n\nDetection failed: " : "", s.error);
		s.radio = NULL;
		uw_tui_frame_add(w->frame, uw_widget_textview_widget(uw_widget_textview_new(text)));
		return;
	}
	snprintf(text, sizeof(text), "%s network interface%s may be the phone. The best match is "
		 "chosen; the line under the list says why it looks like a phone.",
		 s.n == 1 ? "This" : "These", s.n == 1 ? "" : "s");
	struct uw_widget_textview *t = uw_widget_textview_new(text);
	uw_widget_textview_set_rows(t, 3);
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));
	s.radio = uw_widget_radio_new();
	for (size_t i = 0; i < s.n && i < 8; i++) {
		const struct uw_candidate *c = &s.cands[i];
		char label[128], why[UW_DETECT_MAX_REASONS * UW_DETECT_REASON_LEN + 16] = "";

		snprintf(label, sizeof(label), "%-15s %s%s%s", c->ifname,
			 c->driver[0] ? c->driver : "driver unknown",
			 c->usb_name[0] ? ", " : "", c->usb_name);
		for (size_t k = 0; k < c->n_reasons; k++) {
			size_t l = strlen(why);
			snprintf(why + l, sizeof(why) - l, "%s%s", k ? "; " : "", c->reasons[k]);
		}
		uw_widget_radio_add(s.radio, label, why);
		if (!strcmp(c->ifname, w->draft.iface))
			sel = i;
	}
	uw_widget_radio_set_selected(s.radio, sel);
	uw_tui_frame_add(w->frame, uw_widget_radio_widget(s.radio));
	uw_tui_frame_focus(w->frame, 2);
	/* Who manages the interface, whenever NetworkManager is there to ask
	 * (without it, the screen is as it always was). */
	char who[700] = "";
	int rows = 0;

	if (s.cands[sel].manager != UW_MANAGER_NONE && s.cands[sel].manager_note[0]) {
		snprintf(who, sizeof(who), "%s", s.cands[sel].manager_note);
		rows += 3;
	}
	/* And whenever firewalld runs: the zone that holds the interface. */
	if (s.fwd.running) {
		const char *ifn = s.cands[sel].ifname, *zone = uw_firewalld_zone_of(&s.fwd, ifn);
		size_t l = strlen(who);

		if (zone[0])
			snprintf(who + l, sizeof(who) - l, "%sfirewalld runs: %s is in its zone %s; the setup "
				 "puts it into the zone %s while it is live", l ? "\n" : "", ifn, zone,
				 UW_FWD_ZONE);
		else
			snprintf(who + l, sizeof(who) - l, "%sfirewalld runs: %s is in no zone (its default "
				 "zone %s applies); the setup puts it into the zone %s while it is live",
				 l ? "\n" : "", ifn, s.fwd.default_zone[0] ? s.fwd.default_zone : "?",
				 UW_FWD_ZONE);
		rows += 3;
	}
	if (who[0]) {
		struct uw_widget_textview *m = uw_widget_textview_new(who);
		uw_widget_textview_set_rows(m, rows);
		uw_tui_frame_add(w->frame, uw_widget_textview_widget(m));
	}
}

static void enter(struct uw_wizard *w)
{
	/* Rebuilt from the monitor callback: scan and monitor are already up. */
	if (s.w != w) {
		struct uw_error err;

		s.w = w;
		scan();
		s.mon_id = 0;
		if (uw_nl_monitor_new(&s.mon, &err) == 0)
			s.mon_id = uw_tui_loop_add_fd(w->loop, uw_nl_monitor_fd(s.mon), POLLIN,
						      on_monitor, w);
	}
	build(w);
}

static int leave(struct uw_wizard *w, int result)
{
	if (s.radio && s.n)
		uw_strlcpy(w->draft.iface, s.cands[uw_widget_radio_selected(s.radio)].ifname,
			   sizeof(w->draft.iface));
	if (s.mon_id > 0)
		uw_tui_loop_remove_fd(w->loop, s.mon_id);
	uw_nl_monitor_free(s.mon);
	uw_candidates_free(s.cands);
	return result;
}

const struct uw_screen uw_scr_detect = {
	.id = "detect", .title = "Find the phone",
	.help = "The phone appears on this computer as a network interface: usb0 on older "
		"systems, enx<MAC> or enp0s20f0u1 with predictable names. usbnet-wizard looks "
		"at every interface and scores it: a USB networking driver (cdc_ether, "
		"rndis_host, cdc_ncm...), USB vendor and product ids (Openmoko 1457:5122), the "
		"name, and the carrier.\n\nIdentity comes from the driver and USB ids first: "
		"predictable names and random MAC addresses change on every plug.\n\n"
		"If nothing is found, check the cable, and that the phone is booted with USB "
		"networking on. This screen listens for new interfaces and updates by itself.",
	.enter = enter, .leave = leave, .state = &s, .state_size = sizeof(s),
};
