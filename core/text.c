// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/text.h"

#include <string.h>

#include "core/doctor.h"
#include "core/facts.h"
#include "core/ip4.h"
#include "core/persist.h"
#include "core/phonecheck.h"
#include "core/strbuf.h"

void uw_text_plan_steps(const struct uw_plan *p, struct uw_strbuf *b)
{
	char d[512], sh[1024];

	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		uw_strbuf_printf(b, "%2zu. %s\n", i + 1, d);
		if (p->actions[i].why[0])
			uw_strbuf_printf(b, "    (%s)\n", p->actions[i].why);
		uw_strbuf_printf(b, "    $ %s\n", sh);
	}
}

void uw_text_plan_summary(const struct uw_plan *p, struct uw_strbuf *b)
{
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	uw_strbuf_printf(b, "Phone interface %s. Desktop %s, phone %s, netmask /%u%s.\n", c->iface,
			 uw_ip4_str(c->host_ip, hs), uw_ip4_str(c->phone_ip, ps), c->plen,
			 p->netmask_from_overlap ? " (the overlap fix)" : "");
	if (c->nat)
		uw_strbuf_printf(b, "Sharing: on, out through %s. DNS: %s.\n", c->out_iface,
				 uw_dns_mode_name(c->dns));
	else
		uw_strbuf_printf(b, "Sharing: off. DNS: %s.\n", uw_dns_mode_name(c->dns));
	for (size_t i = 0; i < p->n_notes; i++)
		uw_strbuf_printf(b, "* %s\n", p->notes[i]);
	uw_strbuf_printf(b, "\nThe plan (%zu steps), each with its shell command:\n", p->n);
	uw_text_plan_steps(p, b);
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

void uw_text_plan_script(const struct uw_plan *p, struct uw_strbuf *f)
{
	char d[512], sh[1024], hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	uw_strbuf_printf(f, "#!/bin/sh\n# usbnet-wizard: phone on %s, desktop %s, phone %s/%u.\n"
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
		uw_strbuf_printf(f, "\t# undo: %s\n\t%s\n", d, sh);
	}
	uw_strbuf_printf(f, "else\n");
	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		uw_strbuf_printf(f, "\t# %s\n\t%s\n", d, sh);
	}
	uw_strbuf_printf(f, "fi\n");
}

static void finding_text(const struct uw_finding *f, struct uw_strbuf *b)
{
	static const char *const mark[] = { "ok   ", "info ", "WARN ", "ERROR" };

	uw_strbuf_printf(b, "[%s] %s  (%s)\n", mark[f->severity], f->title, f->id);
	if (f->severity == UW_DOC_OK)
		return;
	if (f->evidence[0])
		uw_strbuf_printf(b, "        seen: %s\n", f->evidence);
	if (f->explanation[0])
		uw_strbuf_printf(b, "        why:  %s\n", f->explanation);
	if (f->fixable)
		uw_strbuf_printf(b, "        fix:  %s\n              run: usbnet-wizard doctor --fix %s\n",
				 f->fix, f->id);
	else if (f->fix[0])
		uw_strbuf_printf(b, "        what to do: %s\n", f->fix);
}

void uw_text_doctor_findings(const struct uw_doctor *d, struct uw_strbuf *b)
{
	unsigned n_err = 0, n_warn = 0;

	/* Worst first, in the doctor's order within a severity: what needs doing is on top. */
	for (int sev = UW_DOC_ERROR; sev >= UW_DOC_OK; sev--) {
		for (size_t i = 0; i < d->n; i++) {
			if ((int)d->findings[i].severity == sev)
				finding_text(&d->findings[i], b);
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		n_err += d->findings[i].severity == UW_DOC_ERROR;
		n_warn += d->findings[i].severity == UW_DOC_WARN;
	}
	uw_strbuf_printf(b, "\n%u error(s), %u warning(s).\n", n_err, n_warn);
}

/* What to type for a suggested fix: a command, never a bare fix id. */
static const char *fix_command(enum uw_fix_id id)
{
	switch (id) {
	case UW_FIX_ROUTE:
		return "run 'usbnet-wizard check --fix' (adds the phone's default route via this desktop)";
	case UW_FIX_RESOLV:
		return "run 'usbnet-wizard check --fix' (writes the phone's resolv.conf; --dns A,B picks "
		       "the servers)";
	case UW_FIX_PERSIST:
		return "run 'usbnet-wizard check --fix --persist' (makes the phone's fixes last in its "
		       "/etc/network/interfaces)";
	case UW_FIX_HOST_SIDE:
		return "the fault is on this desktop: run 'usbnet-wizard doctor', then the "
		       "'usbnet-wizard doctor --fix ID' it names";
	case UW_FIX_NONE:
		break;
	}
	return "";
}

void uw_text_check_detail(const struct uw_check *c, struct uw_strbuf *b)
{
	uw_strbuf_printf(b, "%s\n", c->explanation ? c->explanation : "");
	if (c->status != UW_CHECK_PASS && c->evidence && *c->evidence) {
		const char *l = c->evidence;

		/* Non-empty lines only, the first eight. */
		for (int lines = 0; *l && lines < 8;) {
			size_t n = strcspn(l, "\n");

			if (n) {
				uw_strbuf_append(b, "| ");
				uw_strbuf_append_len(b, l, n);
				uw_strbuf_putc(b, '\n');
				lines++;
			}
			l += n + (l[n] == '\n');
		}
	}
	if (c->fix != UW_FIX_NONE)
		uw_strbuf_printf(b, "suggested fix: %s\n", fix_command(c->fix));
}

void uw_text_checks(const struct uw_check *c, int n, struct uw_strbuf *b)
{
	static const char *const mark[] = { "[ ok ]", "[FAIL]", "[warn]", "[skip]" };

	for (int i = 0; i < n; i++) {
		_auto_strbuf_ struct uw_strbuf d = UW_STRBUF_INIT;
		const char *l;

		uw_strbuf_printf(b, "%s %s\n", mark[c[i].status], c[i].title);
		uw_text_check_detail(&c[i], &d);
		for (l = uw_strbuf_str(&d); *l;) {
			size_t k = strcspn(l, "\n");

			uw_strbuf_append(b, "       ");
			uw_strbuf_append_len(b, l, k);
			uw_strbuf_putc(b, '\n');
			l += k + (l[k] == '\n');
		}
	}
}

void uw_text_persist_files(const struct uw_persist_file *files, size_t n, enum uw_persist_target t,
			   const char *why, struct uw_strbuf *b)
{
	uw_strbuf_printf(b, "Target: %s (%s)%s%s%s\n", uw_persist_target_name(t), uw_persist_target_about(t),
			 why ? ". Chosen because " : "", why ? why : "", why ? "." : "");
	for (size_t i = 0; i < n; i++) {
		if (files[i].link_target[0])
			uw_strbuf_printf(b, "\n==> %s -> %s (symbolic link)\n", files[i].path,
					 files[i].link_target);
		else
			uw_strbuf_printf(b, "\n==> %s (mode %04o)\n%s", files[i].path, files[i].mode,
					 files[i].content ? files[i].content : "");
	}
}

void uw_text_phonefix(const struct uw_phonefix *f, struct uw_strbuf *b)
{
	uw_strbuf_printf(b, "%s\n\nRuns on the phone:\n\n%s\n\nUndone by:\n\n%s\n", f->describe,
			 f->shell, f->revert_shell);
}
