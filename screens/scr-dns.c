// SPDX-License-Identifier: GPL-2.0-or-later
/* DNS: how the phone resolves names (proxy, static servers, a copy of ours, or none). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "screens/wizard.h"
#include "tui/field.h"
#include "tui/radio.h"

/* Radio order = enum uw_dns_mode order. */
static const struct uw_widget_radio_choice modes[] = {
	{ "Proxy through this computer (recommended)",
	  "The phone asks this computer; queries go on to its real upstream server." },
	{ "Nameservers I type", "The phone check offers to write them to the phone's resolv.conf." },
	{ "Copy this computer's nameservers", "The phone asks the same servers as this computer, directly." },
	{ "Leave DNS alone", "Nothing is set up for names; the phone keeps what it has." },
};

static struct {
	struct uw_wizard *w;
	struct uw_widget_radio *radio;
	struct uw_widget_field *field;
} s;

/* Fill @c's servers from "a, b c" (commas or spaces). 0, or -EINVAL with @err. */
static int parse_servers(struct uw_choices *c, const char *text, struct uw_error *err)
{
	char buf[256];
	char *save = NULL;

	c->n_dns_servers = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		if (uw_choices_add_dns_server(c, t, err) < 0)
			return -EINVAL;
	if (!c->n_dns_servers)
		return uw_error_set(err, -EINVAL, "Type at least one nameserver address, for example 203.0.113.53.");
	return 0;
}

static struct uw_wizard_check check_servers = { .set = parse_servers };

static const char *gate(void *ud)
{
	static char why[UW_ERROR_MSG_MAX];
	struct uw_choices scratch = s.w->draft;
	struct uw_error err;

	uw_widget_field_widget(s.field)->hidden = uw_widget_radio_selected(s.radio) != UW_DNS_STATIC;
	scratch.dns = (enum uw_dns_mode)uw_widget_radio_selected(s.radio);
	if (uw_choices_check(&scratch, &err) < 0) {
		snprintf(why, sizeof(why), "%s", err.msg);
		return why;
	}
	return NULL;
}

static void enter(struct uw_wizard *w)
{
	char text[UW_FACTS_NOTE_MAX + 200], servers[128] = "", ip[UW_IP4_STRLEN];

	s.w = w;
	char fit_why[400];
	/* After "Do not share" the proxy cannot work: preselect what fits, and say why. */
	enum uw_dns_mode fit = uw_choices_dns_fit(&w->draft, fit_why, sizeof(fit_why));

	snprintf(text, sizeof(text), "How should the phone look up names?%s%s",
		 fit_why[0] ? " " : w->facts_ok && w->facts->dns_note[0] ? " " : "",
		 fit_why[0] ? fit_why : w->facts_ok ? w->facts->dns_note : "");
	s.radio = uw_widget_radio_new_choices(modes, UW_ARRAY_SIZE(modes), (size_t)fit);
	for (unsigned i = 0; i < w->draft.n_dns_servers; i++) {
		size_t l = strlen(servers);
		snprintf(servers + l, sizeof(servers) - l, "%s%s", i ? ", " : "",
			 uw_ip4_str(w->draft.dns_servers[i], ip));
	}
	if (!servers[0] && w->facts_ok && w->facts->n_dns)
		uw_ip4_str(w->facts->dns[0], servers);
	s.field = uw_widget_field_new("Nameservers:", servers, 50);
	check_servers.w = w;
	uw_widget_field_set_validate(s.field, uw_wizard_field_check, &check_servers);
	uw_wizard_add_choice(w, text, 3, s.radio, s.field, gate);
}

static int leave(struct uw_wizard *w, int result)
{
	enum uw_dns_mode m = (enum uw_dns_mode)uw_widget_radio_selected(s.radio);

	uw_choices_set_dns_mode(&w->draft, uw_dns_mode_name(m), NULL);
	if (m == UW_DNS_STATIC) {
		struct uw_choices scratch = w->draft;

		if (parse_servers(&scratch, uw_widget_field_text(s.field), NULL) == 0)
			w->draft = scratch;
	} else {
		w->draft.n_dns_servers = 0;
	}
	return result;
}

const struct uw_screen uw_scr_dns = {
	.id = "dns", .title = "DNS",
	.help = "Proxy (the default): the phone keeps asking this computer for names, as a "
		"FreeRunner does out of the box, and this computer forwards port 53 (udp and "
		"tcp) to its real upstream server. When this computer uses a local stub such "
		"as systemd-resolved's 127.0.0.53, the real upstream behind it is used, since "
		"a loopback address is no use to the phone.\n\n"
		"Nameservers I type / Copy: the phone asks those servers directly; the phone "
		"check offers to write them into the phone's /etc/resolv.conf.\n\n"
		"Leave DNS alone: nothing is set up for names.",
	.enter = enter, .leave = leave,
};
