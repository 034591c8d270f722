// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/doctor.h"

#include <zlib.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/detect.h"
#include "core/env.h"
#include "core/facts.h"
#include "core/fw.h"
#include "core/nl.h"
#include "core/nm.h"
#include "core/overlap.h"
#include "core/profile.h"
#include "core/util.h"

const char *uw_doctor_severity_name(enum uw_doctor_severity s)
{
	static const char *const n[] = { "ok", "info", "warn", "error" };
	return (unsigned)s < UW_ARRAY_SIZE(n) ? n[s] : "?";
}

static struct uw_finding *add(struct uw_doctor *d, const char *id, enum uw_doctor_severity sev,
			      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static struct uw_finding *add(struct uw_doctor *d, const char *id, enum uw_doctor_severity sev,
			      const char *fmt, ...)
{
	struct uw_finding *f;
	va_list ap;

	/* The checks are a fixed set: more findings than room is a bug, not input. */
	if (d->n >= UW_DOCTOR_MAX_FINDINGS) {
		uw_bug("internal error: more than %d doctor findings", UW_DOCTOR_MAX_FINDINGS);
	}
	f = &d->findings[d->n++];

	memset(f, 0, sizeof(*f));
	uw_strlcpy(f->id, id, sizeof(f->id));
	f->severity = sev;
	va_start(ap, fmt);
	vsnprintf(f->title, sizeof(f->title), fmt, ap);
	va_end(ap);
	return f;
}

#define SETF(f, field, ...) snprintf((f)->field, sizeof((f)->field), __VA_ARGS__)
#define APPF(f, field, ...) snprintf((f)->field + strlen((f)->field), sizeof((f)->field) - strlen((f)->field), __VA_ARGS__)

const struct uw_finding *uw_doctor_find(const struct uw_doctor *d, const char *id)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->findings[i].id, id))
			return &d->findings[i];
	return NULL;
}

/* ---- what the fixes build from -------------------------------------------- */

/*
 * The choices a fix builds on: the saved profile if there is one (else the
 * defaults), with what the live setup actually uses laid over it (its
 * address and netmask, firewall backend, outgoing interface, phone address).
 */
static void live_choices(const struct uw_journal *j, const char *iface, struct uw_choices *c)
{
	struct uw_profile p;

	if (uw_profile_load(NULL, &p, NULL) == 0)
		*c = p.choices;
	else
		uw_choices_init(c);
	/*
	 * A live setup says itself what was chosen: no masquerade step means
	 * "do not share" (--no-nat), no DNAT step means no DNS proxy. Judging it
	 * by the defaults reported errors for what the user chose not to have.
	 */
	if (j->n_live) {
		bool masq = false, dnat = false;

		for (size_t i = 0; i < j->n_live; i++) {
			masq |= j->live[i].kind == UW_ACT_FW && j->live[i].rule.kind == UW_FW_MASQUERADE;
			dnat |= j->live[i].kind == UW_ACT_FW && j->live[i].rule.kind == UW_FW_DNAT;
		}
		c->nat = masq;
		if (dnat)
			c->dns = UW_DNS_PROXY;
		else if (c->dns == UW_DNS_PROXY)
			c->dns = UW_DNS_NONE;
	}
	for (size_t i = 0; i < j->n_live; i++) {
		const struct uw_action *a = &j->live[i];

		if (a->kind == UW_ACT_ADDR) {
			c->host_ip = a->addr;
			c->plen = a->plen;
			c->plen_set = true;
			if (!iface || !*iface)
				iface = a->iface;
		} else if (a->kind == UW_ACT_FW && a->rule.kind != UW_FW_FORWARD_ACCEPT) {
			c->fw = a->fw;
			if (a->rule.kind == UW_FW_MASQUERADE && a->rule.out_iface[0])
				uw_strlcpy(c->out_iface, a->rule.out_iface, sizeof(c->out_iface));
			if (a->rule.kind == UW_FW_DNAT)
				c->phone_ip = a->rule.src;
		}
	}
	if (iface && *iface)
		uw_strlcpy(c->iface, iface, sizeof(c->iface));
}

/* Build the plan the choices give on this host now; @dns_proxy forces the DNS proxy. */
static int full_plan(const struct uw_choices *c0, bool dns_proxy, bool overlap_fix, struct uw_facts *facts,
		     struct uw_plan *plan, struct uw_error *err)
{
	struct uw_choices c = *c0;

	if (dns_proxy) {
		c.dns = UW_DNS_PROXY;
		c.n_dns_servers = 0;
	}
	if (overlap_fix)
		c.plen_set = false;
	return uw_plan_build(&c, facts, plan, err);
}

static bool is_kind(const struct uw_action *a, enum uw_action_kind k, int rule_kind)
{
	return a->kind == k && (rule_kind < 0 || a->rule.kind == (enum uw_fw_rule_kind)rule_kind);
}

/* 1 every action of @p matching the filter is in place, 0 some is missing, -1 there is none. */
static int all_present(const struct uw_plan *p, enum uw_action_kind k, int rule_kind, char *missing, size_t len)
{
	int seen = 0, ok = 1;

	if (missing)
		missing[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		if (!is_kind(&p->actions[i], k, rule_kind))
			continue;
		seen = 1;
		if (uw_action_probe(&p->actions[i], NULL) != 1) {
			ok = 0;
			if (missing && strlen(missing) + 8 < len) {
				char d[256];
				uw_action_describe(&p->actions[i], d, sizeof(d));
				snprintf(missing + strlen(missing), len - strlen(missing), "%s%s",
					 missing[0] ? "; " : "", d);
			}
		}
	}
	return seen ? ok : -1;
}

/* ---- kernel options ------------------------------------------------------- */

struct kopt {
	const char *id, *sym, *alt, *module, *alt_module, *what;
	enum uw_doctor_severity missing;
};

static const struct kopt kopts[] = {
	{ "kernel-nf-conntrack", "NF_CONNTRACK", NULL, "nf_conntrack", NULL,
	  "connection tracking (NAT is built on it)", UW_DOC_ERROR },
	{ "kernel-nf-nat", "NF_NAT", NULL, "nf_nat", NULL, "NAT (masquerading)", UW_DOC_ERROR },
	{ "kernel-firewall", "NF_TABLES", "IP_NF_IPTABLES", "nf_tables", "ip_tables",
	  "a packet filter to hold the masquerade rule (nftables or iptables)", UW_DOC_ERROR },
	{ "kernel-usbnet", "USB_USBNET", NULL, "usbnet", NULL,
	  "the Multipurpose USB Networking Framework every USB network gadget needs", UW_DOC_ERROR },
	{ "kernel-cdc-ether", "USB_NET_CDCETHER", NULL, "cdc_ether", NULL,
	  "the CDC Ethernet driver (Openmoko, most Linux gadgets)", UW_DOC_WARN },
	{ "kernel-rndis-host", "USB_NET_RNDIS_HOST", NULL, "rndis_host", NULL,
	  "the RNDIS driver (Android and Windows-style gadgets)", UW_DOC_WARN },
};

/* 'y', 'm', 'n' (not set or absent) from config text @cfg. */
static char config_value(const char *cfg, const char *sym)
{
	char key[64];
	const char *p = cfg;
	size_t kl;

	snprintf(key, sizeof(key), "CONFIG_%s=", sym);
	kl = strlen(key);
	while ((p = strstr(p, key))) {
		if (p == cfg || p[-1] == '\n')
			return p[kl] == 'y' || p[kl] == 'm' ? p[kl] : 'n';
		p += kl;
	}
	return 'n';
}

static bool module_present(const char *m)
{
	char path[128];
	struct stat st;

	if (!m)
		return false;
	snprintf(path, sizeof(path), "/sys/module/%s", m);
	return stat(path, &st) == 0;
}

/* Read up to @max bytes of a file, gzip-compressed or not (zlib reads both). */
static char *read_small(const char *path, size_t max)
{
	gzFile f = gzopen(path, "rb");
	char *buf;
	int n;

	if (!f)
		return NULL;
	buf = uw_malloc0(max + 1);
	n = gzread(f, buf, (unsigned)max);
	gzclose(f);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void kernel_findings(struct uw_doctor *d, const struct uw_doctor_opts *o)
{
	char path[256];
	const char *env = uw_env_get(UW_ENV_KERNEL_CONFIG);
	struct utsname u;
	_auto_(free) char *cfg = NULL;

	if (o && o->kernel_config)
		uw_strlcpy(path, o->kernel_config, sizeof(path));
	else if (env && *env)
		uw_strlcpy(path, env, sizeof(path));
	else {
		uname(&u);
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	}
	cfg = read_small(path, 4 << 20);
	/* Kernels built with IKCONFIG_PROC carry their own config (Arch, many phones' hosts). */
	if (!cfg && !(o && o->kernel_config) && !(env && *env) && (cfg = read_small("/proc/config.gz", 4 << 20)))
		uw_strlcpy(path, "/proc/config.gz", sizeof(path));
	for (size_t i = 0; i < UW_ARRAY_SIZE(kopts); i++) {
		const struct kopt *k = &kopts[i];
		struct uw_finding *f;

		if (cfg) {
			char v = config_value(cfg, k->sym), v2 = k->alt ? config_value(cfg, k->alt) : 'n';
			if (v != 'n' || v2 != 'n') {
				f = add(d, k->id, UW_DOC_OK, "Kernel: %s is there", k->what);
				SETF(f, evidence, "%s: CONFIG_%s=%c%s%s%s", path, k->sym, v, k->alt ? ", CONFIG_" : "",
				     k->alt ? k->alt : "", k->alt ? (v2 == 'n' ? "=not set" : v2 == 'y' ? "=y" : "=m") : "");
				SETF(f, explanation, "Built in (y) or a module (m): either works.");
				continue;
			}
			f = add(d, k->id, k->missing, "Kernel: %s is missing", k->what);
			SETF(f, evidence, "%s: CONFIG_%s is not set%s%s%s", path, k->sym, k->alt ? " (nor CONFIG_" : "",
			     k->alt ? k->alt : "", k->alt ? ")" : "");
			SETF(f, explanation, "This kernel was built without %s. The Openmoko wiki's \"Linux Kernel Support\" says: "
			     "enable CONFIG_%s (as a module is fine) and rebuild, or install your "
			     "distribution's standard kernel.", k->what, k->sym);
			SETF(f, fix, "Rebuild the kernel with CONFIG_%s=m (no automatic fix).", k->sym);
			continue;
		}
		/* No readable config: a hint from loaded modules. */
		if (module_present(k->module) || module_present(k->alt_module)) {
			f = add(d, k->id, UW_DOC_OK, "Kernel: %s is loaded", k->what);
			SETF(f, evidence, "no kernel config readable at %s; /sys/module/%s exists", path,
			     module_present(k->module) ? k->module : k->alt_module);
			SETF(f, explanation, "The module (or built-in part) is present in the running kernel.");
		} else {
			f = add(d, k->id, UW_DOC_INFO, "Kernel: %s: unknown", k->what);
			SETF(f, evidence, "no kernel config readable at %s or /proc/config.gz; /sys/module/%s%s%s "
			     "absent (it may load on demand)", path,
			     k->module, k->alt_module ? " and /sys/module/" : "", k->alt_module ? k->alt_module : "");
			SETF(f, explanation, "Most distribution kernels have it as a module that loads when "
			     "first needed; this is only a problem if the other checks fail.");
		}
	}
}

/* ---- the checks ----------------------------------------------------------- */

static bool route_to(const struct uw_facts *fa, const char *iface, struct in_addr a)
{
	for (size_t i = 0; i < fa->n_routes; i++)
		if (!strcmp(fa->routes[i].dev, iface) && uw_ip4_net_contains(&fa->routes[i].net, a))
			return true;
	return false;
}

/* The prefix length @iface holds @a with, or 0 when it does not hold it. */
static unsigned addr_plen_on(const struct uw_facts *fa, const char *iface, struct in_addr a)
{
	for (size_t i = 0; i < fa->n_routes; i++)
		if (fa->routes[i].is_address && !strcmp(fa->routes[i].dev, iface) &&
		    fa->routes[i].address.s_addr == a.s_addr)
			return fa->routes[i].net.plen;
	return 0;
}

static int sysctl_int(const char *name)
{
	char b[16];
	return uw_sysctl_read(name, b, sizeof(b), NULL) == 0 ? atoi(b) : -1;
}

static void firewalld_findings(struct uw_doctor *d, const struct uw_facts *fa, const struct uw_journal *j,
			       const struct uw_plan *plan, bool have_iface, bool have_plan)
{
	const struct uw_firewalld *fwd = &fa->firewalld;
	const struct uw_action *zs = NULL, *ks = NULL;
	const char *cur = d->iface[0] ? uw_firewalld_zone_of(fwd, d->iface) : "";
	char where[200];
	struct uw_finding *f;
	int keeper = -1;

	for (size_t i = 0; i < j->n_live; i++) {
		if (j->live[i].kind == UW_ACT_FWD_ZONE && !strcmp(j->live[i].iface, d->iface))
			zs = &j->live[i];
		if (j->live[i].kind == UW_ACT_FWD_KEEP && !strcmp(j->live[i].iface, d->iface))
			ks = &j->live[i];
	}
	if (ks)
		keeper = uw_firewalld_keeper_probe(ks->iface, NULL);
	if (cur[0])
		snprintf(where, sizeof(where), "%s is in zone %s", d->iface, cur);
	else
		snprintf(where, sizeof(where), "%s is in no zone (the default zone %s applies)", d->iface,
			 fwd->default_zone[0] ? fwd->default_zone : "?");
	if (zs && strcmp(cur, zs->zone)) {
		f = add(d, "firewalld-reload", UW_DOC_ERROR, "A firewalld reload removed the forwarding rules");
		SETF(f, evidence, "the journal holds the step \"put %s into the zone %s\"; firewalld %s is "
		     "running; %s; the keeper that puts it back is %s", zs->iface, zs->zone, fwd->version, where,
		     keeper == 1 ? "running" : "not running");
		SETF(f, explanation, "firewalld forgets runtime changes when it reloads (firewall-cmd --reload; "
		     "package installs, NetworkManager, libvirt and Docker trigger it) or restarts. Its own "
		     "chains then reject the phone's forwarded traffic: the phone is offline.");
		f->fixable = true;
		SETF(f, fix, "put %s back into the zone %s (firewall-cmd --zone=%s --change-interface=%s, "
		     "through firewalld's D-Bus interface) and start the keeper again (journaled)",
		     zs->iface, zs->zone, zs->zone, zs->iface);
	} else if (zs && ks && keeper != 1) {
		f = add(d, "firewalld-reload", UW_DOC_WARN, "The next firewalld reload will cut the phone off");
		SETF(f, evidence, "%s; the keeper that puts it back after a reload is not running "
		     "(no lock on %s/firewalld-keeper-%s)", where, uw_rundir(), ks->iface);
		SETF(f, explanation, "firewalld forgets runtime changes when it reloads; the keeper puts the "
		     "phone's interface back at once. It was stopped or killed.");
		f->fixable = true;
		SETF(f, fix, "start the keeper again (journaled)");
	} else if (zs) {
		f = add(d, "firewalld-reload", UW_DOC_OK, "firewalld lets the phone's traffic through");
		SETF(f, evidence, "%s; the keeper is %s", where, keeper == 1 ? "running" : "not needed");
	} else {
		bool planned = false;

		for (size_t i = 0; have_plan && i < plan->n; i++)
			planned = planned || plan->actions[i].kind == UW_ACT_FWD_ZONE;
		f = add(d, "firewalld", UW_DOC_INFO, "firewalld %s is running", fwd->version);
		SETF(f, evidence, "on the system bus: backend %s, default zone %s%s%s", fwd->backend[0] ?
		     fwd->backend : "?", fwd->default_zone[0] ? fwd->default_zone : "?",
		     have_iface ? "; " : "", have_iface ? where : "");
		if (planned)
			SETF(f, explanation, "Its chains reject forwarded traffic: 'usbnet-wizard apply' puts %s "
			     "into its zone %s (runtime only) and keeps it there across reloads.", d->iface,
			     UW_FWD_ZONE);
		else if (uw_firewalld_zone_forwards(cur))
			SETF(f, explanation, "%s's zone already lets the phone's traffic through.", d->iface);
	}
}

/* ---- the checks --------------------------------------------------------------- */

/* What every check reads: gathered once by uw_doctor_run. */
struct doctor_run {
	const struct uw_doctor_opts *o;
	struct uw_doctor *d;
	struct uw_journal *j;
	struct uw_facts *fa;
	struct uw_plan *plan;       /* the setup for d->choices (have_plan) */
	struct uw_plan *dnsplan;    /* the same with the DNS proxy (n = 0 when none) */
	struct uw_candidate *cands; /* detected interfaces, best first */
	size_t n_cands;
	char journal_error[256];    /* "" = the journal was read */
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	bool have_iface, have_plan;
};

static void check_journal(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_finding *f;

	if (!c->journal_error[0])
		return;
	f = add(d, "journal", UW_DOC_WARN, "The journal cannot be read");
	SETF(f, evidence, "%s", c->journal_error);
	SETF(f, explanation, "usbnet-wizard cannot tell what it set up earlier.");
}

static void check_phone_iface(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_finding *f;

	/* The phone's interface. */
	if (!d->iface[0]) {
		f = add(d, "phone-iface", UW_DOC_ERROR, "No phone interface found");
		SETF(f, evidence, "no USB network interface in 'ip link'");
		SETF(f, explanation, "The phone is not plugged in, not booted (at its boot menu it has no "
		     "network), or the kernel lacks its driver (see the kernel checks).");
		SETF(f, fix, "Plug the phone in and boot it; 'usbnet-wizard detect --wait' waits for it.");
	} else if (uw_nl_link_index(d->iface, NULL) < 0) {
		f = add(d, "phone-iface", UW_DOC_ERROR, "The phone's interface %s is missing", d->iface);
		SETF(f, evidence, "no interface %s in 'ip link'", d->iface);
		SETF(f, explanation, "It went away: the cable was pulled or the phone rebooted (it may come "
		     "back under another name, like enx<mac>).");
		SETF(f, fix, "Plug the phone in; then run 'usbnet-wizard doctor' again.");
	} else {
		c->have_iface = true;
		if (uw_nl_link_is_up(d->iface, NULL) == 0) {
			f = add(d, "phone-iface", d->live ? UW_DOC_ERROR : UW_DOC_WARN, "%s is down", d->iface);
			SETF(f, evidence, "'ip link show %s': state DOWN (administratively)", d->iface);
			SETF(f, explanation, "A link that is down carries nothing; a fresh gadget starts down.");
			f->fixable = true;
			SETF(f, fix, "ip link set %s up (journaled; 'usbnet-wizard revert' takes it down again)",
			     d->iface);
		} else {
			f = add(d, "phone-iface", UW_DOC_OK, "The phone's interface %s is there and up", d->iface);
			SETF(f, evidence, "'ip link show %s': UP", d->iface);
		}
	}
}

static void check_plan(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_plan *plan = c->plan;
	struct uw_plan *dnsplan = c->dnsplan;
	struct uw_error e;
	struct uw_finding *f;
	int r;

	uw_error_clear(&e);
	if (c->have_iface) {
		r = full_plan(&d->choices, false, false, c->fa, plan, &e);
		c->have_plan = r == 0;
		if (!c->have_plan) {
			f = add(d, "plan", UW_DOC_ERROR, "No setup can be planned on this host");
			SETF(f, evidence, "%s", e.msg);
			SETF(f, explanation, "The checks that compare the host with the setup were skipped.");
		}
		uw_error_clear(&e);
		if (full_plan(&d->choices, true, false, c->fa, dnsplan, &e) < 0)
			dnsplan->n = 0;
	}
}

static void check_setup(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	const struct uw_journal *j = c->j;
	struct uw_plan *plan = c->plan;
	const char *hs = c->hs;
	struct uw_finding *f;

	/* The setup itself. */
	if (c->have_iface && !d->live) {
		unsigned held = addr_plen_on(fa, d->iface, d->choices.host_ip);

		/* Set by hand, maybe with another mask (the seed's /32 recipe): take
		 * that mask, so the route check below judges what is really there. */
		if (held && held != d->choices.plen && !d->choices.plen_set) {
			d->choices.plen = held;
			d->choices.plen_set = true;
		}
		if (held || uw_nl_addr_probe(d->iface, d->choices.host_ip, d->choices.plen, NULL) == 1) {
			f = add(d, "setup", UW_DOC_INFO, "%s has %s/%u, set by someone else", d->iface, hs,
				held ? held : d->choices.plen);
			SETF(f, evidence, "the address is on %s; the journal holds no setup by usbnet-wizard", d->iface);
			SETF(f, explanation, "Another tool (NetworkManager, ifupdown, a script) configured it.");
		} else if (c->have_plan) {
			f = add(d, "setup", UW_DOC_WARN, "The desktop side is not set up");
			SETF(f, evidence, "%s has no address %s/%u; no setup by usbnet-wizard is live", d->iface, hs,
			     d->choices.plen);
			SETF(f, explanation, "Without it the phone cannot reach the desktop, let alone the outside.");
			f->fixable = true;
			SETF(f, fix, "apply the whole setup (%zu steps; 'usbnet-wizard plan' lists them)", plan->n);
		}
	} else if (c->have_iface) {
		f = add(d, "setup", UW_DOC_OK, "A setup by usbnet-wizard is live on %s (%zu steps)", d->iface,
			j->n_live);
		SETF(f, evidence, "journal in %s", uw_rundir());
	}
}

static void check_ip_forward(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_finding *f;

	/* ip_forward. */
	if (fa->ip_forward != 1 && d->choices.nat) {
		f = add(d, "ip-forward", UW_DOC_ERROR, "IP forwarding is off");
		SETF(f, evidence, "net.ipv4.ip_forward = %d", fa->ip_forward);
		SETF(f, explanation, "The desktop does not pass packets between the phone and the outside; "
		     "the phone reaches the desktop and nothing further.");
		f->fixable = c->have_plan;
		SETF(f, fix, "sysctl -w net.ipv4.ip_forward=1 (journaled; revert restores %d)", fa->ip_forward);
	} else if (fa->ip_forward != 1) {
		f = add(d, "ip-forward", UW_DOC_OK, "IP forwarding is off, as chosen (no sharing)");
		SETF(f, evidence, "net.ipv4.ip_forward = %d; the %s does not share the connection",
		     fa->ip_forward, d->live ? "live setup" : "saved profile");
		SETF(f, explanation, "The phone reaches the desktop only. To share the connection, "
		     "revert and apply again without --no-nat.");
	} else {
		f = add(d, "ip-forward", UW_DOC_OK, "IP forwarding is on");
		SETF(f, evidence, "net.ipv4.ip_forward = %d", fa->ip_forward);
	}
}

static void check_nat(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_plan *plan = c->plan;
	const char *ps = c->ps;
	char miss[400];
	struct uw_finding *f;

	/* The nat table (the seed: "you'll want to see only the MASQUERADE rule"). */
	if (c->have_plan && d->choices.nat) {
		int p = all_present(plan, UW_ACT_FW, UW_FW_MASQUERADE, miss, sizeof(miss));
		const struct uw_fw_masq *m = NULL;
		char out[UW_IFNAME_MAX] = "";

		for (size_t i = 0; i < plan->n; i++)
			if (is_kind(&plan->actions[i], UW_ACT_FW, UW_FW_MASQUERADE))
				uw_strlcpy(out, plan->actions[i].rule.out_iface, sizeof(out));
		if (p == 0 && fa->have_fw)
			m = uw_fw_inventory_masq_covering(&fa->fw, d->choices.phone_ip, out);
		if (m) {
			/* The seed's own rule, typed by hand: it does the job. */
			char a[UW_IP4_STRLEN];

			f = add(d, "nat-missing", UW_DOC_OK, "The phone's traffic is masqueraded by a rule "
				"made by hand");
			SETF(f, evidence, "%s nat: MASQUERADE from %s/%u%s%s (not tagged usbnet-wizard) "
			     "covers the phone %s", uw_fw_backend_name(m->backend), uw_ip4_str(m->src, a),
			     m->plen, m->out_iface[0] ? " out of " : "", m->out_iface, ps);
			SETF(f, explanation, "Another program or an earlier manual setup (the wiki's "
			     "'iptables -t nat -A POSTROUTING -s ... -j MASQUERADE') already does what "
			     "usbnet-wizard's rule would. Nothing to add.");
		} else if (p == 0) {
			f = add(d, "nat-missing", UW_DOC_ERROR, "The masquerade rule for the phone is missing");
			SETF(f, evidence, "not in the %s nat table: %s", uw_fw_backend_name(
			     uw_fw_backend_resolve(d->choices.fw, &fa->fw)), miss);
			SETF(f, explanation, "Without masquerading, the phone's packets leave with its private "
			     "address %s and the answers never find their way back.", ps);
			f->fixable = true;
			SETF(f, fix, "add the tagged masquerade rule (journaled)");
		} else if (p == 1) {
			f = add(d, "nat-missing", UW_DOC_OK, "The masquerade rule for the phone is in place");
			SETF(f, evidence, "%s", "found our tagged MASQUERADE rule");
		}
	}
	if (fa->have_fw && fa->fw.foreign_masquerade) {
		f = add(d, "nat-foreign", UW_DOC_INFO, "%u masquerade rule(s) of other programs", fa->fw.foreign_masquerade);
		SETF(f, evidence, "nat tables hold %u MASQUERADE rule(s) not tagged usbnet-wizard",
		     fa->fw.foreign_masquerade);
		SETF(f, explanation, "Docker, libvirt or an earlier manual setup made them. They do no harm "
		     "to the phone; usbnet-wizard never touches them (never flush the nat table).");
	}
}

static void check_forward(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_plan *plan = c->plan;
	char miss[400];
	struct uw_finding *f;

	/* The forward path: drops in other tables, Docker (firewalld's own chains: below). */
	if (fa->have_fw) {
		const struct uw_fw_inventory *fi = &fa->fw;
		const struct uw_firewalld *fwd = &fa->firewalld;
		const struct uw_fw_drop_chain *first = NULL, *fwd_chain = NULL;
		unsigned n_other = 0;
		int p = c->have_plan ? all_present(plan, UW_ACT_FW, UW_FW_FORWARD_ACCEPT, miss, sizeof(miss)) : -1;

		for (unsigned i = 0; i < fi->n_drops; i++) {
			if (fwd->has_zone && uw_firewalld_owns_chain(fwd, fi->drops[i].backend, fi->drops[i].chain)) {
				fwd_chain = &fi->drops[i];
				continue;
			}
			if (!first)
				first = &fi->drops[i];
			n_other++;
		}
		if (n_other && p == 0) {
			f = add(d, "forward-drop", UW_DOC_ERROR, "The firewall drops the phone's forwarded traffic");
			for (unsigned i = 0, k = 0; i < fi->n_drops; i++) {
				if (&fi->drops[i] == fwd_chain)
					continue;
				APPF(f, evidence, "%s%s chain \"%s\": %s%s%s", k++ ? "; " : "",
				     uw_fw_backend_name(fi->drops[i].backend), fi->drops[i].chain,
				     fi->drops[i].policy_drop ? "policy drop" : "",
				     fi->drops[i].policy_drop && fi->drops[i].has_drop_rule ? ", " : "",
				     fi->drops[i].has_drop_rule ? "drop/reject rules" : "");
			}
			if (fi->docker_user)
				APPF(f, evidence, "; Docker's DOCKER-USER chain exists");
			SETF(f, explanation, "A FORWARD policy or rule of DROP (Docker, ufw, firewalld, a distribution "
			     "firewall) silently kills sharing. An accept in another table does not override a "
			     "drop, so the accepts must go where the drop is%s.",
			     fi->docker_user ? " (for Docker: DOCKER-USER)" : "");
			f->fixable = true;
			SETF(f, fix, "insert tagged accepts for %s into the dropping chain(s): %s", d->iface, miss);
		} else if (n_other && p < 0) {
			f = add(d, "forward-drop", UW_DOC_OK, "The firewall drops forwarded traffic (no matter: "
				"the setup does not share the connection)");
			SETF(f, evidence, "dropping chain %s; no sharing chosen", first->chain);
		} else if (n_other) {
			f = add(d, "forward-drop", UW_DOC_OK, "The firewall drops forwarded traffic, but accepts "
				"the phone's");
			SETF(f, evidence, "dropping chain %s holds our tagged accepts for %s", first->chain, d->iface);
		} else if (fwd_chain) {
			f = add(d, "forward-drop", UW_DOC_OK, "Only firewalld drops forwarded traffic");
			SETF(f, evidence, "firewalld's chain %s (see the firewalld finding)", fwd_chain->chain);
		} else {
			f = add(d, "forward-drop", UW_DOC_OK, "Nothing drops forwarded traffic");
			SETF(f, evidence, "FORWARD policy %s; no dropping forward chain in nftables",
			     fi->legacy_forward_policy[0] ? fi->legacy_forward_policy : "(legacy filter not loaded)");
		}
		/* Split rulesets: legacy rules are invisible to Debian's default (nft) iptables. */
		if (fi->legacy_has_rules && fi->nft_tables > 0) {
			unsigned nft_rules = fi->nft_rules_foreign;
			bool other_drop = false;

			/* The facts' quick inventory may not have counted every nft rule. */
			if (!fi->nft_rules_counted) {
				_auto_(free) struct uw_fw_inventory *full = uw_malloc0(sizeof(*full));

				if (uw_fw_inventory_read(full, NULL) == 0)
					nft_rules = full->nft_rules_foreign;
			}
			for (unsigned i = 0; i < fi->n_drops; i++)
				other_drop = other_drop || fi->drops[i].backend != fi->in_use;
			f = add(d, "fw-split", other_drop && p == 0 ? UW_DOC_ERROR : UW_DOC_WARN,
				"Firewall rules are split between nftables and legacy iptables");
			SETF(f, evidence, "legacy iptables: %u rule(s), FORWARD policy %s; nftables: %u table(s) "
			     "with %u rule(s); in use: %s", fi->legacy_rules,
			     fi->legacy_forward_policy[0] ? fi->legacy_forward_policy : "-", fi->nft_tables,
			     nft_rules, uw_fw_backend_name(fi->in_use));
			SETF(f, explanation, "Both rule sets are active at once, but each tool shows only its own: "
			     "'iptables' (the nft variant) does not list legacy rules, and a drop in one still "
			     "drops what the other accepts. Legacy NAT may also fail to load while nft NAT is in "
			     "use. Look with 'iptables-legacy -S' and 'nft list ruleset'.");
			if (other_drop && p == 0) {
				f->fixable = true;
				SETF(f, fix, "insert tagged accepts for %s where the drop is, in that rule set: %s",
				     d->iface, miss);
			} else {
				SETF(f, fix, "Move the old rules to one system (iptables-legacy-save | "
				     "iptables-restore-translate), or leave them if nothing drops the phone.");
			}
		}
	}
}

static void check_rp_filter(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	const char *ps = c->ps;
	struct uw_finding *f;

	/* rp_filter with no return route (the /32 recipe without its host route). */
	if (c->have_iface) {
		char name[96];
		int all = sysctl_int("net.ipv4.conf.all.rp_filter"), one;
		snprintf(name, sizeof(name), "net.ipv4.conf.%s.rp_filter", d->iface);
		one = sysctl_int(name);
		int eff = all > one ? all : one;
		bool has_addr = d->live || addr_plen_on(fa, d->iface, d->choices.host_ip) ||
				uw_nl_addr_probe(d->iface, d->choices.host_ip, d->choices.plen, NULL) == 1;
		if (has_addr && !route_to(fa, d->iface, d->choices.phone_ip)) {
			f = add(d, "rp-filter", eff == 1 ? UW_DOC_ERROR : UW_DOC_WARN,
				"No route to the phone %s on %s%s", ps, d->iface, eff == 1 ? " and rp_filter is strict" : "");
			SETF(f, evidence, "'ip route get %s' does not use %s; rp_filter: all=%d, %s=%d (effective %d)",
			     ps, d->iface, all, d->iface, one, eff);
			SETF(f, explanation, "With a /32 address the desktop needs a host route to the phone. "
			     "Without it, replies to the phone go elsewhere%s.", eff == 1 ?
			     ", and strict reverse-path filtering drops everything the phone sends" : "");
			f->fixable = true;
			SETF(f, fix, "ip route add %s/32 dev %s (journaled)", ps, d->iface);
		} else if (has_addr) {
			f = add(d, "rp-filter", UW_DOC_OK, "The desktop routes to the phone over %s", d->iface);
			SETF(f, evidence, "route to %s via %s; rp_filter effective %d", ps, d->iface, eff);
		}
	}
}

static void check_overlap(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_plan *plan = c->plan;
	const char *hs = c->hs;
	const char *ps = c->ps;
	struct uw_finding *f;

	/* Overlap with the desktop's networks (the seed's 192.168.0.x trap). */
	if (c->have_iface) {
		struct uw_overlap *ov = uw_malloc0(sizeof(*ov));
		unsigned plen = d->live || d->choices.plen_set ? d->choices.plen : plan->choices.plen;

		size_t nov = uw_overlap_find(fa, d->iface, d->choices.host_ip, d->choices.phone_ip, plen, ov);

		if (nov > 0 && plen == 32 && route_to(fa, d->iface, d->choices.phone_ip)) {
			/* The seed's recipe for a 192.168.0.x LAN: only the phone's address is taken. */
			f = add(d, "overlap", UW_DOC_OK, "The USB link overlaps the LAN, handled with /32 and a "
				"host route to the phone");
			for (size_t i = 0; i < ov->n; i++)
				APPF(f, evidence, "%s%s", i ? "; " : "", ov->conflicts[i].text);
		} else if (nov > 0) {
			f = add(d, "overlap", d->live ? UW_DOC_ERROR : UW_DOC_INFO,
				"The USB subnet /%u overlaps a network the desktop uses", plen);
			for (size_t i = 0; i < ov->n; i++)
				APPF(f, evidence, "%s%s", i ? "; " : "", ov->conflicts[i].text);
			SETF(f, explanation, "%s", ov->explanation);
			if (d->live && ov->fix == UW_OVERLAP_FIX_32) {
				f->fixable = true;
				SETF(f, fix, "revert the live setup and apply it again with %s/32 plus a host "
				     "route to %s (journaled)", hs, ps);
			} else if (!d->live) {
				SETF(f, fix, "Nothing to do: the plan already picks /%u.", plan->choices.plen);
			}
		} else {
			f = add(d, "overlap", UW_DOC_OK, "The USB subnet overlaps none of the desktop's networks");
			SETF(f, evidence, "%s/%u checked against %zu routes and addresses", hs, plen, fa->n_routes);
		}
		free(ov);
	}
}

static void check_dns(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	struct uw_plan *dnsplan = c->dnsplan;
	const char *hs = c->hs;
	struct uw_finding *f;

	/* DNS: a loopback stub on the desktop. */
	{
		int p = dnsplan->n ? all_present(dnsplan, UW_ACT_FW, UW_FW_DNAT, NULL, 0) : -1;
		if (fa->dns_stub && p != 1) {
			f = add(d, "dns-stub", UW_DOC_WARN, "The desktop's resolv.conf names a local stub");
			SETF(f, evidence, "resolv.conf: loopback resolver only. %s", fa->dns_note);
			SETF(f, explanation, "The phone asks the desktop (%s) for names, but the stub only "
			     "listens on loopback; copying resolv.conf would give the phone a useless "
			     "127.0.0.53. The real upstream must be used.", hs);
			f->fixable = p == 0;
			if (p == 0)
				SETF(f, fix, "proxy the phone's DNS (port 53 tcp+udp to %s) to the real upstream "
				     "(journaled)", hs);
		} else {
			f = add(d, "dns-stub", UW_DOC_OK, fa->dns_stub ? "DNS: the stub is handled (proxy to the "
				"real upstream)" : "DNS: resolv.conf names real servers");
			SETF(f, evidence, "%s", fa->dns_note[0] ? fa->dns_note : "no loopback stub");
		}
	}
}

static void check_firewalld(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	const struct uw_journal *j = c->j;
	struct uw_plan *plan = c->plan;

	/* firewalld: did a reload (or restart) take the phone's interface out of our zone? */
	if (fa->firewalld.running)
		firewalld_findings(d, fa, j, plan, c->have_iface, c->have_plan);
}

static void check_nm(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	const struct uw_journal *j = c->j;
	const struct uw_candidate *cands = c->cands;
	size_t n_cands = c->n_cands;
	struct uw_error e;
	struct uw_finding *f;

	uw_error_clear(&e);
	/* NetworkManager fighting over the interface: asked on the system bus. */
	if (c->have_iface) {
		struct uw_nm_dev nm;
		const struct uw_action *live_addr = NULL, *live_nm = NULL;
		char nmsay[300];

		for (size_t i = 0; i < j->n_live; i++) {
			if (strcmp(j->live[i].iface, d->iface))
				continue;
			if (j->live[i].kind == UW_ACT_ADDR)
				live_addr = &j->live[i];
			else if (j->live[i].kind == UW_ACT_NM_UNMANAGE)
				live_nm = &j->live[i];
		}
		uw_error_clear(&e);
		if (uw_nm_device(d->iface, &nm, &e) < 0) {
			f = add(d, "nm-managed", UW_DOC_INFO, "NetworkManager may manage %s", d->iface);
			SETF(f, evidence, "NetworkManager runs, but asking it about %s failed: %s", d->iface, e.msg);
			SETF(f, fix, "check with: nmcli device status");
		} else if (nm.presence == UW_NM_RUNNING && nm.known && nm.managed) {
			uw_nm_describe(d->iface, &nm, nmsay, sizeof(nmsay));
			if (live_addr && uw_nl_addr_probe(d->iface, live_addr->addr, live_addr->plen, NULL) == 0) {
				char la[UW_IP4_STRLEN];

				uw_ip4_str(live_addr->addr, la);
				f = add(d, "nm-managed", UW_DOC_ERROR, "NetworkManager removed %s from %s", la,
					d->iface);
				SETF(f, evidence, "the journal has %s/%u on %s as live, 'ip addr show %s' has it no "
				     "more, and NetworkManager manages %s (connection \"%s\", %s)", la,
				     live_addr->plen, d->iface, d->iface, d->iface,
				     nm.connection[0] ? nm.connection : "none", uw_nm_state_name(nm.state));
				SETF(f, explanation, "NetworkManager took %s when it appeared and tried its own "
				     "configuration (DHCP); when that gave up it removed every address, ours too. "
				     "The phone is cut off until the address is back.%s", d->iface, live_nm ?
				     " NetworkManager was told to leave it alone, but it was restarted since "
				     "(or the interface came back), which forgets that." : "");
			} else {
				f = add(d, "nm-managed", d->live ? UW_DOC_WARN : UW_DOC_INFO,
					"NetworkManager manages %s", d->iface);
				SETF(f, evidence, "%s", nmsay);
				SETF(f, explanation, d->live ?
				     "It will undo this setup when its own attempt (DHCP) on the interface gives "
				     "up, typically within a minute." :
				     "Left alone it would undo a setup when its own attempt (DHCP) gives up; the "
				     "plan's first step therefore tells it to leave the interface alone while the "
				     "setup is live (runtime only, put back on revert).");
			}
			if (d->live) {
				f->fixable = c->have_plan;
				SETF(f, fix, "tell NetworkManager to leave %s alone while the setup is live (nmcli "
				     "device set %s managed no; runtime only, journaled, 'usbnet-wizard revert' "
				     "puts it back) and put back what is missing of the setup", d->iface, d->iface);
			}
		} else if (nm.presence == UW_NM_UNKNOWN) {
			/* No bus to ask: the run-file guess, said as such. */
			for (size_t i = 0; i < n_cands; i++) {
				if (strcmp(cands[i].ifname, d->iface))
					continue;
				if (cands[i].manager == UW_MANAGER_NM_MANAGED ||
				    cands[i].manager == UW_MANAGER_NM_UNKNOWN) {
					f = add(d, "nm-managed", cands[i].manager == UW_MANAGER_NM_MANAGED ?
						UW_DOC_WARN : UW_DOC_INFO, "NetworkManager %s %s",
						cands[i].manager == UW_MANAGER_NM_MANAGED ? "manages" : "may manage",
						d->iface);
					SETF(f, evidence, "%s", cands[i].manager_note);
					SETF(f, explanation, "NetworkManager takes a new interface and reconfigures "
					     "it a few seconds later, undoing this setup. The system bus could not "
					     "be asked, so usbnet-wizard cannot tell it to leave %s alone.", d->iface);
					SETF(f, fix, "by hand: nmcli device set %s managed no", d->iface);
				} else {
					f = add(d, "nm-managed", UW_DOC_OK, "No network manager fights over %s",
						d->iface);
					SETF(f, evidence, "%s", cands[i].manager_note[0] ? cands[i].manager_note :
					     "NetworkManager is not running");
				}
			}
		} else {
			uw_nm_describe(d->iface, &nm, nmsay, sizeof(nmsay));
			f = add(d, "nm-managed", UW_DOC_OK, "No network manager fights over %s", d->iface);
			SETF(f, evidence, "%s%s", nmsay, live_nm ? " (usbnet-wizard told it to, for the live "
			     "setup)" : "");
		}
	}
}

static void check_kernel(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa)
{
	kernel_findings(d, c->o);
}

/*
 * The checklist, in the order the findings are listed (the front ends show
 * them worst first, core/text.c). Each check adds the findings named beside
 * it, or none when it does not apply; "plan" also prepares the plans the
 * later checks compare the host with.
 */
static const struct doctor_check {
	const char *ids;
	/* @d and @fa are c->d and c->fa, which every check reads. */
	void (*run)(struct doctor_run *c, struct uw_doctor *d, const struct uw_facts *fa);
} checks[] = {
	{ "journal", check_journal },
	{ "phone-iface", check_phone_iface },
	{ "plan", check_plan },
	{ "setup", check_setup },
	{ "ip-forward", check_ip_forward },
	{ "nat-missing, nat-foreign", check_nat },
	{ "forward-drop, fw-split", check_forward },
	{ "rp-filter", check_rp_filter },
	{ "overlap", check_overlap },
	{ "dns-stub", check_dns },
	{ "firewalld-*", check_firewalld },
	{ "nm-managed", check_nm },
	{ "kernel-*", check_kernel },
};

int uw_doctor_run(const struct uw_doctor_opts *o, struct uw_doctor *d, struct uw_error *err)
{
	struct doctor_run c = {
		.o = o, .d = d,
		.j = uw_malloc0(sizeof(*c.j)),
		.fa = uw_malloc0(sizeof(*c.fa)),
		.plan = uw_malloc0(sizeof(*c.plan)),
		.dnsplan = uw_malloc0(sizeof(*c.dnsplan)),
	};
	struct uw_error e;
	int r;

	memset(d, 0, sizeof(*d));
	uw_error_clear(&e);
	r = uw_facts_read(c.fa, err);
	if (r < 0)
		goto out;
	if (uw_journal_read(c.j, &e) < 0)
		uw_strlcpy(c.journal_error, e.msg, sizeof(c.journal_error));
	d->live = c.j->n_live > 0;

	/* Which interface: asked for, else the live setup's, else the best detected one. */
	if (o && o->iface && *o->iface)
		uw_strlcpy(d->iface, o->iface, sizeof(d->iface));
	for (size_t i = 0; !d->iface[0] && i < c.j->n_live; i++)
		if (c.j->live[i].kind == UW_ACT_ADDR)
			uw_strlcpy(d->iface, c.j->live[i].iface, sizeof(d->iface));
	uw_detect_scan(&c.cands, &c.n_cands, NULL);
	if (!d->iface[0] && c.n_cands)
		uw_strlcpy(d->iface, c.cands[0].ifname, sizeof(d->iface));
	live_choices(c.j, d->iface, &d->choices);
	uw_ip4_str(d->choices.host_ip, c.hs);
	uw_ip4_str(d->choices.phone_ip, c.ps);

	for (size_t i = 0; i < UW_ARRAY_SIZE(checks); i++)
		checks[i].run(&c, d, c.fa);
	r = 0;
out:
	uw_candidates_free(c.cands);
	free(c.j);
	free(c.fa);
	free(c.plan);
	free(c.dnsplan);
	return r;
}

/* ---- fixes ---------------------------------------------------------------- */

static void plan_put(struct uw_plan *p, const struct uw_action *a)
{
	for (size_t i = 0; i < p->n; i++)
		if (uw_action_same(&p->actions[i], a))
			return;
	if (p->n < UW_PLAN_MAX_ACTIONS)
		p->actions[p->n++] = *a;
}

int uw_doctor_fix_plan(const struct uw_doctor *d, const char *id, struct uw_plan *plan,
		       bool *revert_first, struct uw_error *err)
{
	const struct uw_finding *f = uw_doctor_find(d, id);
	struct uw_journal *j = NULL;
	struct uw_facts *fa = NULL;
	struct uw_plan *full = NULL;
	int r;

	*revert_first = false;
	if (!f)
		return uw_error_set(err, -ENOENT, "There is no finding \"%.40s\" (run 'usbnet-wizard doctor' "
				    "to list them).", id);
	if (f->severity <= UW_DOC_INFO)
		return uw_error_set(err, -EALREADY, "Nothing to fix: \"%s\" is fine now (%s).", f->id, f->title);
	if (!f->fixable)
		return uw_error_set(err, -EINVAL, "The finding \"%s\" has no automatic fix%s%s", f->id,
				    f->fix[0] ? ". By hand: " : ".", f->fix);
	j = uw_malloc0(sizeof(*j));
	fa = uw_malloc0(sizeof(*fa));
	full = uw_malloc0(sizeof(*full));
	r = uw_journal_read(j, err);
	if (r == 0)
		r = uw_facts_read(fa, err);
	if (r < 0)
		goto out;
	*revert_first = !strcmp(id, "overlap");
	r = full_plan(&d->choices, !strcmp(id, "dns-stub"), *revert_first, fa, full, err);
	if (r < 0)
		goto out;
	memset(plan, 0, sizeof(*plan));
	plan->choices = full->choices;
	/* NetworkManager is told first, so it does not take away what is put back. */
	if (!strcmp(id, "nm-managed"))
		for (size_t i = 0; i < full->n; i++)
			if (full->actions[i].kind == UW_ACT_NM_UNMANAGE)
				plan_put(plan, &full->actions[i]);
	/* uw_apply wants every live step in the plan; they are probed and left alone when in place. */
	if (!*revert_first)
		for (size_t i = 0; i < j->n_live; i++)
			plan_put(plan, &j->live[i]);
	for (size_t i = 0; i < full->n; i++) {
		const struct uw_action *a = &full->actions[i];
		bool take = false;

		if (!strcmp(id, "setup") || !strcmp(id, "overlap"))
			take = true;
		else if (!strcmp(id, "ip-forward"))
			take = a->kind == UW_ACT_SYSCTL && !strcmp(a->sysctl, "net.ipv4.ip_forward");
		else if (!strcmp(id, "nat-missing"))
			take = is_kind(a, UW_ACT_FW, UW_FW_MASQUERADE);
		else if (!strcmp(id, "forward-drop") || !strcmp(id, "fw-split"))
			take = is_kind(a, UW_ACT_FW, UW_FW_FORWARD_ACCEPT);
		else if (!strcmp(id, "dns-stub"))
			take = is_kind(a, UW_ACT_FW, UW_FW_DNAT);
		else if (!strcmp(id, "phone-iface"))
			take = a->kind == UW_ACT_LINK_UP;
		else if (!strcmp(id, "firewalld-reload"))
			take = a->kind == UW_ACT_FWD_ZONE || a->kind == UW_ACT_FWD_KEEP;
		if (take)
			plan_put(plan, a);
	}
	if (!strcmp(id, "rp-filter")) {
		struct uw_action a;
		memset(&a, 0, sizeof(a));
		a.kind = UW_ACT_ROUTE;
		uw_strlcpy(a.iface, d->iface, sizeof(a.iface));
		a.addr = d->choices.phone_ip;
		a.plen = 32;
		snprintf(a.why, sizeof(a.why), "the desktop needs a route to the phone (and strict "
			 "rp_filter needs it for the replies)");
		plan_put(plan, &a);
	}
	if (plan->n == 0)
		r = uw_error_set(err, -EINVAL, "Nothing to do for \"%s\" any more (run 'usbnet-wizard doctor' "
				 "again).", id);
out:
	free(j);
	free(fa);
	free(full);
	return r;
}
