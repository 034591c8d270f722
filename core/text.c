// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/text.h"

#include <string.h>

#include "core/facts.h"
#include "core/ip4.h"

void uw_text_plan_steps(const struct uw_plan *p, FILE *f)
{
	char d[512], sh[1024];

	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		fprintf(f, "%2zu. %s\n", i + 1, d);
		if (p->actions[i].why[0])
			fprintf(f, "    (%s)\n", p->actions[i].why);
		fprintf(f, "    $ %s\n", sh);
	}
}

/* The interface the desktop's main table sends @a out of (longest prefix), or NULL. */
static const struct uw_facts_route *route_for(const struct uw_facts *fa, struct in_addr a)
{
	const struct uw_facts_route *best = NULL;

	for (size_t i = 0; i < fa->n_routes; i++) {
		const struct uw_facts_route *r = &fa->routes[i];

		if (r->is_address || !uw_ip4_net_contains(&r->net, a))
			continue;
		if (!best || r->net.plen > best->net.plen)
			best = r;
	}
	return best;
}

/* The desktop holds @a itself. */
static const struct uw_facts_route *own_address(const struct uw_facts *fa, struct in_addr a)
{
	for (size_t i = 0; i < fa->n_routes; i++)
		if (fa->routes[i].is_address && fa->routes[i].address.s_addr == a.s_addr)
			return &fa->routes[i];
	return NULL;
}

void uw_text_rescue_advice(const struct uw_facts *fa, const char *iface, const char *expected,
			   const char (*v4)[64], int nv4, char *buf, size_t len)
{
	struct in_addr want, a;
	const struct uw_facts_route *r;
	char net[UW_IP4_STRLEN];
	bool has_expected = false, usable = false;
	size_t o = 0;

#define OUT(...) do { if (o < len) o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	for (int i = 0; i < nv4; i++)
		has_expected |= !strcmp(v4[i], expected);
	OUT("The phone's IPv4 address%s: ", nv4 == 1 ? " is" : "es are");
	for (int i = 0; i < nv4; i++)
		OUT("%s%s", i ? ", " : "", v4[i]);
	OUT("%s. ", nv4 > 0 ? "" : "(none)");
	if (uw_ip4_parse(expected, &want, NULL, NULL) == 0 && has_expected) {
		/* The right address, unreachable: the desktop's side is what is wrong. */
		r = route_for(fa, want);
		if (r && r->net.plen == 0)
			r = NULL; /* only the default route: nothing of the link's own */
		if (r && strcmp(r->dev, iface))
			OUT("That is the address that was tried: the desktop sends traffic for %s out of "
			    "%s (route %s/%u), not %s. The USB link overlaps that network (the wiki's "
			    "192.168.0.x trap): 'sudo usbnet-wizard apply' gives %s a /32 address and a "
			    "host route to the phone, which fixes it.", expected, r->dev,
			    uw_ip4_str(r->net.addr, net), r->net.plen, iface, iface);
		else if (!r)
			OUT("That is the address that was tried, but the desktop has no address or route "
			    "on %s yet: 'sudo usbnet-wizard apply' sets up the desktop side.", iface);
		else
			OUT("That is the address that was tried and the desktop routes it over %s: a "
			    "firewall on the phone or the desktop may drop it (try 'usbnet-wizard "
			    "doctor').", iface);
		goto out;
	}
	for (int i = 0; i < nv4 && !usable; i++) {
		if (uw_ip4_parse(v4[i], &a, NULL, NULL) < 0 || own_address(fa, a))
			continue;
		r = route_for(fa, a);
		if (r && !strcmp(r->dev, iface)) {
			OUT("Use --phone-ip %s, or give the phone the expected address %s.", v4[i], expected);
			usable = true;
		}
	}
	if (!usable)
		OUT("The desktop cannot use %s to reach it (it is %s on another network of the "
		    "desktop's, or not on %s's subnet): give the phone the expected address %s, or "
		    "choose a free subnet for the link and apply it.", nv4 == 1 ? "that address" :
		    "those addresses", nv4 ? "taken or routed" : "missing", iface, expected);
out:
#undef OUT
	return;
}

void uw_text_plan_script(const struct uw_plan *p, FILE *f)
{
	char d[512], sh[1024], hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	fprintf(f, "#!/bin/sh\n# usbnet-wizard: phone on %s, desktop %s, phone %s/%u.\n"
		"# Run as root.  sh THIS-FILE       applies the plan\n"
		"#               sh THIS-FILE undo  undoes it\n"
		"# (the wizard's own apply also journals each step so 'usbnet-wizard revert' works)\n"
		"set -e\nif [ \"${1:-}\" = undo ]; then\n", c->iface, uw_ip4_str(c->host_ip, hs),
		uw_ip4_str(c->phone_ip, ps), c->plen);
	/* Undo restores what was there when the plan was made: a step that was
	 * already in place (forwarding already on) undoes to a no-op. */
	for (size_t i = p->n; i-- > 0;) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], true, sh, sizeof(sh));
		fprintf(f, "\t# undo: %s\n\t%s\n", d, sh);
	}
	fprintf(f, "else\n");
	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		fprintf(f, "\t# %s\n\t%s\n", d, sh);
	}
	fprintf(f, "fi\n");
}
