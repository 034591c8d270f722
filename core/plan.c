// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan's policy: which actions, in which order, for the user's choices
 * on this host (uw_plan_build), and the checks of the choices it needs.
 * What each action does is core/action.c; how an action is written in the
 * journal is core/journal.c.
 */
#include "core/plan.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apply.h"
#include "core/firewalld.h"
#include "core/nl.h"
#include "core/nm.h"
#include "core/util.h"

static void note(struct uw_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct uw_plan *p, const char *fmt, ...)
{
	va_list ap;

	/* More notes than room: say so in the last one rather than drop them unseen. */
	if (p->n_notes >= UW_PLAN_MAX_NOTES) {
		snprintf(p->notes[UW_PLAN_MAX_NOTES - 1], sizeof(p->notes[0]),
			 "(more notes than fit here; 'usbnet-wizard plan' on a terminal lists the steps)");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(p->notes[p->n_notes++], sizeof(p->notes[0]), fmt, ap);
	va_end(ap);
}

static struct uw_action *add(struct uw_plan *p, enum uw_action_kind k, const char *iface)
{
	struct uw_action *a;

	/* A plan is a handful of steps; more than the array holds is a bug in
	 * the plan builder, never input: stop loudly instead of writing past it. */
	if (p->n >= UW_PLAN_MAX_ACTIONS) {
		uw_bug("internal error: a plan of more than %d steps", UW_PLAN_MAX_ACTIONS);
	}
	a = &p->actions[p->n++];

	memset(a, 0, sizeof(*a));
	a->kind = k;
	if (iface)
		uw_strlcpy(a->iface, iface, sizeof(a->iface));
	return a;
}

static struct uw_action *add_fw(struct uw_plan *p, enum uw_fw_backend be, enum uw_fw_rule_kind k)
{
	struct uw_action *a = add(p, UW_ACT_FW, NULL);

	a->fw = be;
	a->rule.kind = k;
	return a;
}

/* Can an accept for @iface go into @chain of @be (a name our commands may carry)? */
static bool chain_usable(enum uw_fw_backend be, const char *chain, const char *iface)
{
	struct uw_fw_rule r = { .kind = UW_FW_FORWARD_ACCEPT };

	uw_strlcpy(r.chain, chain, sizeof(r.chain));
	uw_strlcpy(r.in_iface, iface, sizeof(r.in_iface));
	return uw_fw_rule_validate(be, &r, NULL) == 0;
}

/* The DNS server the proxy forwards to: the host's first real upstream that
 * is reachable from outside the USB link. */
static int pick_upstream(const struct uw_facts *f, const struct uw_ip4_net *usb, struct in_addr *out,
			 struct uw_error *err)
{
	for (size_t i = 0; i < f->n_dns; i++) {
		if (uw_ip4_is_loopback(f->dns[i]) || uw_ip4_net_contains(usb, f->dns[i]))
			continue;
		*out = f->dns[i];
		return 0;
	}
	if (f->dns_stub)
		return uw_error_set(err, -ENOENT,
				    "The desktop's resolv.conf points at a local stub resolver (127.0.0.53) and "
				    "the real upstream server could not be found (systemd-resolved's "
				    "/run/systemd/resolve/resolv.conf is missing or empty). A proxy to a loopback "
				    "address cannot work: use --dns static --dns-server ADDRESS.");
	return uw_error_set(err, -ENOENT,
			    "The desktop has no DNS server in its resolv.conf to forward the phone's queries "
			    "to: use --dns static --dns-server ADDRESS, or --dns none.");
}

int uw_plan_build(const struct uw_choices *choices, const struct uw_facts *facts,
		  struct uw_plan *plan, struct uw_error *err)
{
	struct uw_choices *c = &plan->choices;
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN], ns[UW_IP4_STRLEN];
	struct uw_ip4_net usb;
	enum uw_fw_backend nat_be;

	memset(plan, 0, sizeof(*plan));
	*c = *choices;
	if (!c->iface[0])
		return uw_error_set(err, -ENODEV, "No phone interface was chosen or found: plug the phone in "
				    "(and boot it past the boot menu), then run 'usbnet-wizard detect', or name "
				    "the interface with --iface.");
	if (uw_ifname_check(c->iface, err) < 0)
		return -EINVAL;
	if (!strcmp(c->iface, "lo"))
		return uw_error_set(err, -EINVAL, "lo is this computer's loopback interface, not a phone: name "
				    "the phone's interface with --iface (see 'usbnet-wizard detect').");
	if (facts->default_iface[0] && !strcmp(c->iface, facts->default_iface))
		return uw_error_set(err, -EINVAL, "%s carries this computer's own connection (the default "
				    "route goes out of it), so it cannot be the phone's interface: name the "
				    "phone's with --iface (see 'usbnet-wizard detect').", c->iface);
	for (unsigned i = 0; i < c->n_dns_servers; i++)
		if (c->dns_servers[i].s_addr == c->phone_ip.s_addr)
			return uw_error_set(err, -EINVAL, "The DNS server cannot be the phone's own address "
					    "%s: give your router's, or use --dns proxy.",
					    uw_ip4_str(c->phone_ip, hs));
	/* A DNS mode that cannot work with the other choices gives way, saying why
	 * (the CLI and the wizard refuse one the user named: uw_choices_check). */
	{
		char why[400];

		c->dns = uw_choices_dns_fit(c, why, sizeof(why));
		if (why[0])
			note(plan, "%s", why);
	}
	uw_ip4_str(c->host_ip, hs);
	uw_ip4_str(c->phone_ip, ps);

	/* Overlap with the choices as given (the user's netmask or the preset's). */
	uw_overlap_find(facts, c->iface, c->host_ip, c->phone_ip, c->plen, &plan->overlap);
	if (plan->overlap.n && c->plen_set &&
	    ((c->plen == 32 && plan->overlap.fix == UW_OVERLAP_FIX_32) ||
	     (c->plen == 29 && plan->overlap.fix_29_ok))) {
		/* The netmask chosen is already the fix: say so, do not warn. */
		note(plan, "Overlap handled: the USB link shares addresses with %s, and the /%u netmask "
		     "keeps it apart (the more specific route wins).", plan->overlap.conflicts[0].text,
		     c->plen);
	} else if (plan->overlap.n) {
		if (!c->plen_set && plan->overlap.fix == UW_OVERLAP_FIX_32) {
			c->plen = 32;
			plan->netmask_from_overlap = true;
			note(plan, "Overlap: %s The netmask is therefore /32 with a host route to %s "
			     "(choose another with --netmask).", plan->overlap.explanation, ps);
		} else if (plan->overlap.fix == UW_OVERLAP_FIX_SUBNET) {
			return uw_error_set(err, -EADDRINUSE, "%s", plan->overlap.explanation);
		} else {
			note(plan, "Warning: %s", plan->overlap.explanation);
		}
	}
	if (uw_choices_check_addresses(c, c->plen, err) < 0)
		return -EINVAL;
	usb.plen = c->plen == 32 ? 32 : c->plen;
	usb.addr = uw_ip4_network(c->plen == 32 ? c->phone_ip : c->host_ip, usb.plen);

	if (c->fw == UW_FW_NONE && (c->nat || c->dns == UW_DNS_PROXY))
		return uw_error_set(err, -EINVAL, "--fw none changes no firewall rule, but %s: use it with "
				    "--no-nat and --dns static, copy or none, or leave --fw out.",
				    c->nat ? "sharing the connection is a masquerade rule" :
				    "the DNS proxy is a firewall rule (DNAT)");
	if (c->nat && c->out_iface[0] &&
	    uw_out_iface_check(facts, c->iface, c->out_iface, facts->default_iface[0] ?
			       "Leave --out-iface out to use the default route's, or name one of those." :
			       "Name one of those with --out-iface, or use --no-nat.", err) < 0)
		return -EINVAL;
	if (c->nat && !c->out_iface[0]) {
		if (!facts->default_iface[0])
			return uw_error_set(err, -ENETUNREACH,
					    "The desktop has no default route, so there is no internet connection "
					    "to share with the phone. Connect the desktop first, name the outgoing "
					    "interface with --out-iface, or use --no-nat for a link to the phone only.");
		uw_strlcpy(c->out_iface, facts->default_iface, sizeof(c->out_iface));
		c->out_iface_auto = true;
	}
	if (c->nat && !strcmp(c->out_iface, c->iface))
		return uw_error_set(err, -EINVAL, "The outgoing interface cannot be the phone's own "
				    "interface %s: name the interface this computer reaches the internet "
				    "through (--out-iface; left out, the default route's is used).", c->iface);

	nat_be = c->fw;
	if (facts->have_fw)
		nat_be = uw_fw_backend_resolve(c->fw, &facts->fw);
	else if (nat_be == UW_FW_AUTO)
		nat_be = UW_FW_NFTABLES;

	struct uw_action *a;

	/* 0. NetworkManager manages the interface: it would take our address away
	 *    when its own attempt (DHCP) gives up. Told first, before the address. */
	if (uw_facts_nm_manages(facts, c->iface)) {
		a = add(plan, UW_ACT_NM_UNMANAGE, c->iface);
		snprintf(a->why, sizeof(a->why), "NetworkManager manages %s and would remove this setup's "
			 "address when its own attempt (DHCP) gives up; runtime only, put back on revert",
			 c->iface);
	}

	/* 1. Address, link, host route: the seed's `ip addr add`, `ifconfig usb0 up`, `route add -host`. */
	a = add(plan, UW_ACT_ADDR, c->iface);
	a->addr = c->host_ip;
	a->plen = c->plen;
	add(plan, UW_ACT_LINK_UP, c->iface);
	if (c->plen == 32) {
		a = add(plan, UW_ACT_ROUTE, c->iface);
		a->addr = c->phone_ip;
		a->plen = 32;
		snprintf(a->why, sizeof(a->why), "with a /32 address the desktop needs this route to know the "
			 "phone is on %s (and strict rp_filter needs it for the replies)", c->iface);
	}

	if (c->nat) {
		/* 2. Forwarding. */
		a = add(plan, UW_ACT_SYSCTL, NULL);
		uw_strlcpy(a->sysctl, "net.ipv4.ip_forward", sizeof(a->sysctl));
		uw_strlcpy(a->value, "1", sizeof(a->value));
		/* What is there now, as far as the plan knows: undo restores it
		 * (apply captures it again just before the change). */
		if (facts->ip_forward >= 0)
			snprintf(a->old_value, sizeof(a->old_value), "%d", facts->ip_forward);
		if (facts->ip_forward == 1)
			snprintf(a->why, sizeof(a->why), "already on; kept as it is");
		else
			snprintf(a->why, sizeof(a->why), "the desktop must pass packets between %s and %s",
				 c->iface, c->out_iface);

		/*
		 * 3. firewalld: its own chains drop forwarded traffic, and it wipes
		 * rules others put there on every reload. The phone's interface goes
		 * into its nm-shared zone through its own API instead, with a keeper
		 * that puts it back after a reload (core/firewalld.h says why).
		 */
		const struct uw_firewalld *fd = &facts->firewalld;
		bool fwd_steps = fd->running && fd->has_zone &&
				 !uw_firewalld_zone_forwards(uw_firewalld_zone_of(fd, c->iface));

		if (fwd_steps) {
			const char *cur = uw_firewalld_zone_of(fd, c->iface);

			a = add(plan, UW_ACT_FWD_ZONE, c->iface);
			uw_strlcpy(a->zone, UW_FWD_ZONE, sizeof(a->zone));
			snprintf(a->why, sizeof(a->why), "firewalld drops forwarded traffic; its zone %s (the one "
				 "NetworkManager uses for shared connections) lets the phone's traffic out and, to "
				 "the desktop, only ping, DNS, DHCP and ssh%s%s%s", UW_FWD_ZONE,
				 cur[0] ? "; now in zone " : "", cur, cur[0] ? "" : "");
			a = add(plan, UW_ACT_FWD_KEEP, c->iface);
			uw_strlcpy(a->zone, UW_FWD_ZONE, sizeof(a->zone));
			snprintf(a->why, sizeof(a->why), "a firewalld reload forgets runtime zones; usbnet-wizard "
				 "keeps nothing in firewalld's permanent configuration, so this waits for the reload "
				 "instead and stops at revert");
			note(plan, "firewalld %s is running (%s backend, default zone %s): %s goes into its zone "
			     "%s while this setup is live, through firewalld's own interface, and is put back "
			     "after every firewalld reload. Nothing is written to firewalld's permanent "
			     "configuration.", fd->version[0] ? fd->version : "", fd->backend[0] ? fd->backend :
			     "unknown", fd->default_zone[0] ? fd->default_zone : "?", c->iface, UW_FWD_ZONE);
		} else if (fd->running && !fd->has_zone) {
			note(plan, "firewalld is running but has no %s zone (firewalld older than 0.9?): the "
			     "accepts go into its chains, and a firewalld reload removes them ('usbnet-wizard "
			     "doctor' then puts them back).", UW_FWD_ZONE);
		} else if (fd->running) {
			note(plan, "firewalld is running and %s is in its zone %s, which already lets the phone's "
			     "traffic through.", c->iface, uw_firewalld_zone_of(fd, c->iface));
		}

		/* 4. Someone else's firewall drops forwarded traffic: accept ours where the drop is. */
		if (facts->have_fw) {
			const struct uw_fw_inventory *fi = &facts->fw;
			bool docker_done = false;
			const struct uw_fw_drop_chain *first = NULL;

			for (size_t i = 0; i < fi->n_drops; i++) {
				const struct uw_fw_drop_chain *d = &fi->drops[i];
				const char *chain = d->chain;
				enum uw_fw_backend be = d->backend;

				/* firewalld's own chains: handled by the zone above. */
				if (fd->running && fd->has_zone && uw_firewalld_owns_chain(fd, be, chain))
					continue;
				/* A name no command of ours may carry (the inventory made
				 * it safe to show, see core/fw-nft.c): said, not written. */
				if (!chain_usable(be, chain, c->iface)) {
					note(plan, "The %s chain \"%s\" drops forwarded traffic, but its name "
					     "holds characters usbnet-wizard never puts into a command: "
					     "nothing is written there. Put an accept for %s at its top "
					     "yourself, or rename the chain.", uw_fw_backend_name(be),
					     chain, c->iface);
					continue;
				}
				if (!first)
					first = d;

				/* Docker's FORWARD jumps to DOCKER-USER first: that is where ours go. */
				if (fi->docker_user && fi->docker_user_backend == be &&
				    (!strcmp(d->chain, "FORWARD") || strstr(d->chain, " FORWARD"))) {
					if (docker_done)
						continue;
					chain = fi->docker_user_chain;
					docker_done = true;
				}
				for (int dir = 0; dir < 2; dir++) {
					a = add_fw(plan, be, UW_FW_FORWARD_ACCEPT);
					uw_strlcpy(a->rule.chain, chain, sizeof(a->rule.chain));
					uw_strlcpy(dir ? a->rule.out_iface : a->rule.in_iface, c->iface, UW_IFNAME_MAX);
					snprintf(a->why, sizeof(a->why), "%s", d->why[0] ? d->why :
						 "this chain drops forwarded traffic; an accept elsewhere would not help");
					if (plan->n >= UW_PLAN_MAX_ACTIONS - 4)
						break;
				}
				if (plan->n >= UW_PLAN_MAX_ACTIONS - 4)
					break;
			}
			if (first)
				note(plan, "The desktop's firewall drops forwarded traffic (%s). usbnet-wizard puts "
				     "its own tagged accept rules for %s into that chain, because an accept "
				     "anywhere else would not override the drop.", first->why[0] ?
				     first->why : first->chain, c->iface);
		}

		/* 5. Masquerade: the seed's `iptables -t nat -A POSTROUTING -s NET -j MASQUERADE`. */
		a = add_fw(plan, nat_be, UW_FW_MASQUERADE);
		a->rule.src = usb.addr;
		a->rule.src_len = usb.plen;
		uw_strlcpy(a->rule.out_iface, c->out_iface, sizeof(a->rule.out_iface));
	}

	/* 6. DNS. */
	switch (c->dns) {
	case UW_DNS_PROXY: {
		struct in_addr up;
		int r = pick_upstream(facts, &usb, &up, err);

		if (r < 0)
			return r;
		for (int i = 0; i < 2; i++) {
			a = add_fw(plan, nat_be, UW_FW_DNAT);
			a->rule.proto = i ? IPPROTO_UDP : IPPROTO_TCP;
			a->rule.src = c->phone_ip;
			a->rule.src_len = 32;
			a->rule.dst = c->host_ip;
			a->rule.dst_len = 32;
			a->rule.dport = 53;
			a->rule.to = up;
			snprintf(a->why, sizeof(a->why), "the phone asks the desktop (%s) for names; this "
				 "forwards the question to %s", hs, uw_ip4_str(up, ns));
		}
		c->dns_servers[0] = up;
		c->n_dns_servers = 1;
		if (facts->dns_note[0])
			note(plan, "DNS: %s", facts->dns_note);
		note(plan, "DNS: the phone's resolv.conf must say 'nameserver %s' (a FreeRunner's does; "
		     "'usbnet-wizard check --fix' sets it).", hs);
		break;
	}
	case UW_DNS_STATIC:
		if (c->n_dns_servers == 0)
			return uw_error_set(err, -EINVAL, "DNS mode static needs at least one server: add "
					    "--dns-server ADDRESS (your router's, or your provider's).");
		note(plan, "DNS: the phone's resolv.conf is written by 'usbnet-wizard check --fix' (or the "
		     "wizard's phone step) with the servers you gave.");
		break;
	case UW_DNS_COPY:
		if (facts->n_dns == 0)
			return uw_error_set(err, -ENOENT, "DNS mode copy: the desktop has no usable DNS server "
					    "to copy%s. Use --dns static --dns-server ADDRESS.",
					    facts->dns_stub ? " (resolv.conf names only a local stub)" : "");
		c->n_dns_servers = 0;
		for (size_t i = 0; i < facts->n_dns && i < UW_MAX_DNS; i++)
			c->dns_servers[c->n_dns_servers++] = facts->dns[i];
		note(plan, "DNS: the desktop's servers are copied to the phone's resolv.conf by "
		     "'usbnet-wizard check --fix' (or the wizard's phone step)%s.",
		     facts->dns_stub ? "; the real upstream servers are used, not the 127.0.0.53 stub" : "");
		break;
	case UW_DNS_NONE:
		break;
	}

	/* Every firewall rule must make sense before anything is touched. */
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->actions[i].kind != UW_ACT_FW)
			continue;
		if (uw_fw_rule_validate(plan->actions[i].fw, &plan->actions[i].rule, err) < 0)
			return uw_error_prefix(err, "Internal plan error");
	}
	return 0;
}

int uw_out_iface_check(const struct uw_facts *facts, const char *phone_iface, const char *name,
		       const char *what_to_do, struct uw_error *err)
{
	char why[160], list[400] = "", route[96] = "";
	bool found = !facts->have_links;
	size_t l = 0;

	for (size_t i = 0; i < facts->n_links; i++) {
		const char *n = facts->links[i];

		if (!strcmp(n, name))
			found = true;
		if (!strcmp(n, "lo") || (phone_iface && !strcmp(n, phone_iface)) || l + strlen(n) + 3 >= sizeof(list))
			continue;
		l += (size_t)snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", n);
	}
	if (uw_ifname_check(name, NULL) < 0)
		snprintf(why, sizeof(why), "\"%.40s\" is not an interface name", name);
	else if (!strcmp(name, "lo"))
		snprintf(why, sizeof(why), "lo is the loopback interface: nothing leaves the desktop through it");
	else if (phone_iface && !strcmp(name, phone_iface))
		snprintf(why, sizeof(why), "%s is the phone's own interface: shared traffic must leave through "
			 "the internet connection", name);
	else if (!found)
		snprintf(why, sizeof(why), "There is no interface %s on this desktop", name);
	else
		return 0;
	if (facts->default_iface[0])
		snprintf(route, sizeof(route), "; the default route goes out of %s", facts->default_iface);
	return uw_error_set(err, -EINVAL, "%s%s. %s%s%s%s", why, route,
			    list[0] ? "The interfaces that could carry it: " : "This desktop has no other interface",
			    list, ". ", what_to_do);
}
