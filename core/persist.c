// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistence generators: one hook script shared by all targets, plus the
 * target system's own configuration that calls it. Install/uninstall is in
 * core/persist-install.c.
 */
#include "core/persist.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/sysctlname.h"
#include "core/util.h"

static const struct {
	const char *name, *about;
} targets[UW_PERSIST__COUNT] = {
	[UW_PERSIST_NM] = { "nm", "NetworkManager connection (keyfile): NetworkManager's own sharing, "
			    "or a dispatcher script for a /31 or /32 link" },
	[UW_PERSIST_NM_UNMANAGED] = { "nm-unmanaged", "NetworkManager told to leave the interface alone; "
				      "a udev rule and hook script configure it" },
	[UW_PERSIST_NETWORKD] = { "networkd", "systemd-networkd .network and .link files and a unit "
				  "bound to the device" },
	[UW_PERSIST_IFUPDOWN] = { "ifupdown", "Debian/Ubuntu /etc/network/interfaces.d stanza with "
				  "up and down hooks" },
	[UW_PERSIST_IFCFG] = { "ifcfg", "Fedora/RHEL network-scripts ifcfg file with ifup-local and "
			       "ifdown-local hooks" },
	[UW_PERSIST_OPENRC] = { "openrc", "Gentoo/OpenRC netifrc /etc/conf.d/net.IFACE" },
	[UW_PERSIST_UDEV] = { "udev", "udev rule for the gadget's USB ids with a hook script "
			      "(Slackware, Arch, any system)" },
	[UW_PERSIST_DEVD] = { "devd", "FreeBSD devd configuration (text for a FreeBSD desktop)" },
};

const char *uw_persist_target_name(enum uw_persist_target t)
{
	return (unsigned)t < UW_PERSIST__COUNT ? targets[t].name : "?";
}

const char *uw_persist_target_about(enum uw_persist_target t)
{
	return (unsigned)t < UW_PERSIST__COUNT ? targets[t].about : "?";
}

int uw_persist_target_parse(const char *s, enum uw_persist_target *out, struct uw_error *err)
{
	for (int t = 0; t < UW_PERSIST__COUNT; t++) {
		if (s && !strcasecmp(s, targets[t].name)) {
			*out = (enum uw_persist_target)t;
			return 0;
		}
	}
	if (s && (!strcasecmp(s, "networkmanager") || !strcasecmp(s, "keyfile"))) {
		*out = UW_PERSIST_NM;
		return 0;
	}
	if (s && (!strcasecmp(s, "systemd-networkd") || !strcasecmp(s, "systemd"))) {
		*out = UW_PERSIST_NETWORKD;
		return 0;
	}
	return uw_error_set(err, -EINVAL, "Unknown target \"%.40s\": use nm, nm-unmanaged, networkd, "
			    "ifupdown, ifcfg, openrc, udev or devd.", s ? s : "");
}

/* ---- detection ------------------------------------------------------- */

static bool exists_under(const char *root, const char *path, bool want_dir)
{
	char full[512];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root && strcmp(root, "/") ? root : "", path);
	if (lstat(full, &st) < 0)
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : true;
}

void uw_persist_detect(const char *root, enum uw_persist_target *out, char *why, size_t why_len)
{
	enum uw_persist_target t;
	const char *w;

	/* A running NetworkManager takes any new interface it is not told to
	 * leave alone, so it wins over whatever else is installed. */
	if (exists_under(root, "/etc/NetworkManager", true) &&
	    (exists_under(root, "/run/NetworkManager/NetworkManager.pid", false) ||
	     exists_under(root, "/run/NetworkManager/devices", true))) {
		t = UW_PERSIST_NM;
		w = "NetworkManager is installed and running";
	} else if (exists_under(root, "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
				false) || exists_under(root, "/run/systemd/netif/links", true)) {
		t = UW_PERSIST_NETWORKD;
		w = "systemd-networkd is enabled or running";
	} else if (exists_under(root, "/etc/network/interfaces", false)) {
		t = UW_PERSIST_IFUPDOWN;
		w = "/etc/network/interfaces exists (ifupdown)";
	} else if (exists_under(root, "/etc/sysconfig/network-scripts", true)) {
		t = UW_PERSIST_IFCFG;
		w = "/etc/sysconfig/network-scripts exists (Fedora/RHEL network scripts)";
	} else if (exists_under(root, "/etc/conf.d/net", false) || exists_under(root, "/sbin/openrc-run", false)) {
		t = UW_PERSIST_OPENRC;
		w = "OpenRC's netifrc is installed (/etc/conf.d/net)";
	} else {
		t = UW_PERSIST_UDEV;
		w = "no known network manager was found, so a udev rule runs the setup";
	}
	*out = t;
	if (why && why_len)
		snprintf(why, why_len, "%s", w);
}

/* ---- what every file says about itself --------------------------------- */

struct gen {
	const struct uw_plan *plan;
	enum uw_persist_target target;
	time_t when;
	const char *ifc;
	char host[UW_IP4_STRLEN], phone[UW_IP4_STRLEN];
	unsigned plen;
	enum uw_fw_backend fw;          /* of the plan's firewall actions, NONE if there are none */
	char hook[128];                 /* path of the hook script */
	char renamed_from[UW_IFNAME_MAX]; /* the MAC-based name the gadget had, "" = not renamed */
	struct uw_persist_file *files;
	size_t n;
};

/* "enx" and 12 hex digits: systemd's name made from the MAC address. */
static bool is_mac_name(const char *ifc)
{
	if (strncmp(ifc, "enx", 3) || strlen(ifc) != 15)
		return false;
	for (const char *s = ifc + 3; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

/* The name the persisted setup gives a gadget that had a MAC-based one. */
#define UW_PERSIST_STABLE_NAME "usbnet0"

static void header(struct uw_strbuf *b, const struct gen *g, const char *what)
{
	const struct uw_choices *c = &g->plan->choices;
	char ts[40], ns[UW_IP4_STRLEN];
	struct tm tm;

	gmtime_r(&g->when, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	uw_strbuf_printf(b, "# Generated by usbnet-wizard (persist --target %s): %s.\n", targets[g->target].name, what);
	uw_strbuf_printf(b, "# Generated at %s.\n", ts);
	uw_strbuf_printf(b, "# Choices: interface %s; desktop %s/%u; phone %s", g->ifc, g->host, g->plen, g->phone);
	if (c->nat && c->out_iface_auto)
		uw_strbuf_printf(b, "; sharing on, out through the default route's interface (%s when made; %s)",
		       c->out_iface, uw_fw_backend_name(g->fw));
	else if (c->nat)
		uw_strbuf_printf(b, "; sharing on, out through %s (%s)", c->out_iface, uw_fw_backend_name(g->fw));
	else
		uw_strbuf_printf(b, "; sharing off");
	uw_strbuf_printf(b, "; DNS %s", uw_dns_mode_name(c->dns));
	for (unsigned i = 0; i < c->n_dns_servers && i < UW_MAX_DNS; i++)
		uw_strbuf_printf(b, "%s%s", i ? ", " : " ", uw_ip4_str(c->dns_servers[i], ns));
	uw_strbuf_printf(b, ".\n");
	if (g->renamed_from[0])
		uw_strbuf_printf(b, "# The gadget was %s, a name made from its MAC address, which some gadgets change on\n"
			  "# every plug: it is named %s by its USB ids instead, from the next plug on.\n",
		       g->renamed_from, g->ifc);
	else if (is_mac_name(g->ifc))
		uw_strbuf_printf(b, "# Warning: %s is a name made from the gadget's MAC address and the preset has no\n"
			  "# USB ids to match instead; if the gadget changes its MAC on every plug, this will\n"
			  "# not match again (use the openmoko preset's ids, or a udev rule naming it).\n", g->ifc);
	uw_strbuf_printf(b, "# Remove with 'usbnet-wizard persist --uninstall'; edits here are lost when it is "
		  "installed again.\n");
}

/*
 * One more file, at the path @path_fmt makes (most name the interface),
 * holding what @b has (which is left empty for the next file), or nothing
 * for a link.
 */
/* A shell script's first lines: the interpreter, then the header. */
static void script_header(struct uw_strbuf *b, const struct gen *g, const char *what)
{
	uw_strbuf_append(b, "#!/bin/sh\n");
	header(b, g, what);
}

static struct uw_persist_file *add_file(struct gen *g, unsigned mode, struct uw_strbuf *b, const char *path_fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct uw_persist_file *add_file(struct gen *g, unsigned mode, struct uw_strbuf *b, const char *path_fmt, ...)
{
	struct uw_persist_file *f;
	va_list ap;

	g->files = uw_realloc(g->files, (g->n + 1) * sizeof(*g->files));
	f = &g->files[g->n++];
	memset(f, 0, sizeof(*f));
	va_start(ap, path_fmt);
	vsnprintf(f->path, sizeof(f->path), path_fmt, ap);
	va_end(ap);
	f->mode = mode;
	f->content = b ? uw_strbuf_steal(b) : NULL;
	return f;
}

static void add_link(struct gen *g, const char *path, const char *target)
{
	struct uw_persist_file *f = add_file(g, 0777, NULL, "%s", path);

	uw_strlcpy(f->link_target, target, sizeof(f->link_target));
}

/* ---- the hook script ----------------------------------------------------- */

enum hook_mode {
	HOOK_FW,        /* the system configures address and routes; we add sysctls and firewall */
	HOOK_ROUTE_FW,  /* the system configures the address; we add the host route too */
	HOOK_FULL,      /* nothing else configures the interface: address, link, route too */
};

/* A sysctl value as the plan has them ("1"): digits only, so it goes into a
 * script as it is; anything else is refused rather than quoted. The name
 * follows the one rule (core/sysctlname.h). */
static bool sysctl_value_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * The DNS proxy's target in the hook is the desktop's upstream when the hook
 * runs, not the one of the day the files were made: in a firewall command
 * generated with the plan's upstream @addr, every occurrence of it (and of
 * its regex-escaped form, in the undo's sed pattern) becomes the shell
 * variable DNS_UP (DNS_UP_RE), quoted to fit where it stands.
 */
static void add_with_upstream_var(struct uw_strbuf *b, const char *sh, const char *addr)
{
	enum { Q_NONE, Q_SINGLE, Q_DOUBLE } q = Q_NONE;
	char esc[2 * UW_IP4_STRLEN];
	size_t la = strlen(addr), le = 0;

	for (const char *s = addr; *s && le + 2 < sizeof(esc); s++) {
		if (*s == '.')
			esc[le++] = '\\';
		esc[le++] = *s;
	}
	esc[le] = '\0';
	for (const char *s = sh; *s;) {
		bool start = s == sh || !(isdigit((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '\\');
		const char *var = NULL;
		size_t skip = 0;

		if (start && !strncmp(s, esc, le) && !isdigit((unsigned char)s[le]) && s[le] != '\\') {
			var = "DNS_UP_RE";
			skip = le;
		} else if (start && !strncmp(s, addr, la) && !isdigit((unsigned char)s[la]) && s[la] != '.') {
			var = "DNS_UP";
			skip = la;
		}
		if (var) {
			uw_strbuf_printf(b, q == Q_SINGLE ? "'\"$%s\"'" : q == Q_DOUBLE ? "${%s}" : "\"$%s\"", var);
			s += skip;
			continue;
		}
		if (*s == '\\' && q != Q_SINGLE && s[1]) {
			uw_strbuf_printf(b, "%c%c", s[0], s[1]);
			s += 2;
			continue;
		}
		if (*s == '\'' && q != Q_DOUBLE)
			q = q == Q_SINGLE ? Q_NONE : Q_SINGLE;
		else if (*s == '"' && q != Q_SINGLE)
			q = q == Q_DOUBLE ? Q_NONE : Q_DOUBLE;
		uw_strbuf_printf(b, "%c", *s);
		s++;
	}
}

/* One firewall step of the hook, as it must be at the time the hook runs. */
static void hook_fw_step(struct uw_strbuf *b, const struct uw_action *a0, bool undo, bool out_follows,
			 bool dns_follows, const char *upstream)
{
	struct uw_action a = *a0;
	char sh[1400];

	/* Sharing follows the default route: no outgoing interface, the source
	 * (the phone's subnet) is what limits the masquerade. Its packets only
	 * leave towards the uplink: the phone talks to the desktop itself
	 * without being forwarded, so nothing goes back out on the USB link. */
	if (a.rule.kind == UW_FW_MASQUERADE && out_follows)
		a.rule.out_iface[0] = '\0';
	uw_action_shell(&a, undo, sh, sizeof(sh));
	if (a.rule.kind == UW_FW_DNAT && dns_follows)
		add_with_upstream_var(b, sh, upstream);
	else
		uw_strbuf_printf(b, "%s", sh);
}

static void hook_script(struct gen *g, enum hook_mode mode)
{
	const struct uw_plan *p = g->plan;
	const struct uw_choices *c = &p->choices;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char net[UW_IP4_STRLEN], up[UW_IP4_STRLEN] = "";
	bool have_sysctl = false, dns_follows = false;

	script_header(&b, g, "hook script run when the phone's interface comes and goes");
	uw_strbuf_printf(&b, "#\n# Usage: %s start|stop\n", g->hook);
	uw_strbuf_printf(&b, "# 'start' applies the steps below; 'stop' undoes all of them. 'start' first removes\n"
		   "# our own tagged rules, so running it twice never duplicates a rule, and only rules\n"
		   "# tagged '%s' are ever removed.\n", UW_FW_TAG);
	/* The state directory can be moved for tests, which must not write
	 * into the machine's /run. */
	uw_strbuf_printf(&b, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
		   "STATE_DIR=${USBNET_WIZARD_STATE_DIR:-/run/usbnet-wizard}\n\n");

	for (size_t i = 0; i < p->n; i++)
		if (p->actions[i].kind == UW_ACT_FW && p->actions[i].rule.kind == UW_FW_DNAT &&
		    c->dns == UW_DNS_PROXY && p->actions[i].rule.to.s_addr)
			uw_ip4_str(p->actions[i].rule.to, up);
	dns_follows = up[0] != '\0';
	if (c->nat && c->out_iface_auto)
		uw_strbuf_printf(&b, "# Sharing follows the default route: the masquerade names no outgoing interface\n"
			   "# (it was %s when this was made), only the phone's addresses, so moving the\n"
			   "# desktop from one uplink to another (Ethernet to Wi-Fi) keeps the phone online.\n\n",
		       c->out_iface);
	if (dns_follows) {
		uint32_t m = ntohl(uw_ip4_mask(g->plen == 32 ? 32 : g->plen));
		struct in_addr usbnet = uw_ip4_network(g->plen == 32 ? c->phone_ip : c->host_ip, g->plen);

		uw_strbuf_printf(&b, "# The DNS proxy forwards to the desktop's upstream server at the time this runs\n"
			   "# (%s when this was made): the first nameserver of resolv.conf that is not a\n"
			   "# loopback stub and not on the USB link, else systemd-resolved's upstream file.\n"
			   "# 'stop' removes the rules 'start' made with the server it saved.\n", up);
		uw_strbuf_printf(&b, "RESOLV_CONF=${USBNET_WIZARD_RESOLV_CONF:-/etc/resolv.conf}\n"
			   "RESOLVED_CONF=${USBNET_WIZARD_RESOLVED_CONF:-/run/systemd/resolve/resolv.conf}\n"
			   "DNS_SAVED=\"$STATE_DIR/%s-dns-upstream\"\n\n", g->ifc);
		uw_strbuf_printf(&b, "# An IPv4 address off the USB link (%s/%u)?\n"
			   "usable_upstream() {\n"
			   "\tcase \"$1\" in ''|*[!0-9.]*|127.*|0.*) return 1 ;; esac\n"
			   "\to=$IFS; IFS=.; set -- $1; IFS=$o\n"
			   "\t[ $# -eq 4 ] || return 1\n"
			   "\tfor x; do [ -n \"$x\" ] && [ \"$x\" -le 255 ] || return 1; done\n"
			   "\t[ $(( (($1 << 24) | ($2 << 16) | ($3 << 8) | $4) & %lu )) -ne %lu ]\n}\n\n",
		       uw_ip4_str(usbnet, net), g->plen, (unsigned long)m,
		       (unsigned long)ntohl(usbnet.s_addr));
		uw_strbuf_printf(&b, "upstream_dns() {\n"
			   "\tfor f in \"$RESOLV_CONF\" \"$RESOLVED_CONF\"; do\n"
			   "\t\t[ -r \"$f\" ] || continue\n"
			   "\t\tfor a in $(sed -n 's/^[[:space:]]*nameserver[[:space:]][[:space:]]*\\([0-9.]*\\)[[:space:]]*$/\\1/p' \"$f\"); do\n"
			   "\t\t\tusable_upstream \"$a\" && { echo \"$a\"; return 0; }\n"
			   "\t\tdone\n\tdone\n"
			   "\t# None found: the server of the day the files were made.\n"
			   "\techo %s\n}\n\n", up);
	}

	uw_strbuf_printf(&b, "undo_firewall() {\n");
	if (dns_follows)
		uw_strbuf_printf(&b, "\t# The server 'start' used; the current one if there is no record of it.\n"
			   "\tDNS_UP=$(cat \"$DNS_SAVED\" 2>/dev/null)\n"
			   "\tusable_upstream \"$DNS_UP\" || DNS_UP=$(upstream_dns)\n"
			   "\tDNS_UP_RE=$(printf '%%s' \"$DNS_UP\" | sed 's/\\./\\\\./g')\n");
	for (size_t i = p->n; i-- > 0;) {
		if (p->actions[i].kind != UW_ACT_FW)
			continue;
		uw_strbuf_printf(&b, "\t{ ");
		hook_fw_step(&b, &p->actions[i], true, c->out_iface_auto, dns_follows, up);
		uw_strbuf_printf(&b, "; } >/dev/null 2>&1\n");
	}
	if (dns_follows)
		uw_strbuf_printf(&b, "\trm -f \"$DNS_SAVED\"\n");
	uw_strbuf_printf(&b, "\treturn 0\n}\n\n");

	uw_strbuf_printf(&b, "start() {\n\trc=0\n\tundo_firewall\n");
	if (dns_follows)
		uw_strbuf_printf(&b, "\tDNS_UP=$(upstream_dns)\n"
			   "\tDNS_UP_RE=$(printf '%%s' \"$DNS_UP\" | sed 's/\\./\\\\./g')\n"
			   "\tmkdir -p \"$STATE_DIR\" && echo \"$DNS_UP\" >\"$DNS_SAVED\"\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct uw_action *a = &p->actions[i];

		switch (a->kind) {
		case UW_ACT_ADDR:
			/* `replace`, not `add`: a second start must not fail on the address
			 * the first one set. */
			if (mode == HOOK_FULL)
				uw_strbuf_printf(&b, "\tip addr replace %s/%u dev %s || rc=1\n", uw_ip4_str(a->addr, net),
				       a->plen, a->iface);
			break;
		case UW_ACT_LINK_UP:
			if (mode == HOOK_FULL)
				uw_strbuf_printf(&b, "\tip link set %s up || rc=1\n", a->iface);
			break;
		case UW_ACT_ROUTE:
			if (mode != HOOK_FW)
				uw_strbuf_printf(&b, "\tip route replace %s/%u dev %s || rc=1\n", uw_ip4_str(a->addr, net),
				       a->plen, a->iface);
			break;
		case UW_ACT_SYSCTL:
			/* Remember the value found before the first start, so stop puts it
			 * back instead of blindly writing 0 (the seed's scripts turned
			 * forwarding off even when another program needed it). */
			have_sysctl = true;
			uw_strbuf_printf(&b, "\tif [ ! -e \"$STATE_DIR/%s-%s\" ]; then\n"
				   "\t\tmkdir -p \"$STATE_DIR\" && cat /proc/sys/",
			       g->ifc, a->sysctl);
			for (const char *ch = a->sysctl; *ch; ch++)
				uw_strbuf_printf(&b, "%c", *ch == '.' ? '/' : *ch);
			uw_strbuf_printf(&b, " >\"$STATE_DIR/%s-%s\"\n\tfi\n", g->ifc, a->sysctl);
			uw_strbuf_printf(&b, "\tsysctl -q -w %s=%s || rc=1\n", a->sysctl, a->value);
			break;
		case UW_ACT_FW:
			uw_strbuf_printf(&b, "\t{ ");
			hook_fw_step(&b, a, false, c->out_iface_auto, dns_follows, up);
			uw_strbuf_printf(&b, "; } || rc=1\n");
			break;
		default:
			break;
		}
	}
	uw_strbuf_printf(&b, "\treturn $rc\n}\n\n");

	uw_strbuf_printf(&b, "stop() {\n\tundo_firewall\n");
	for (size_t i = p->n; i-- > 0;) {
		const struct uw_action *a = &p->actions[i];

		if (a->kind == UW_ACT_SYSCTL) {
			uw_strbuf_printf(&b, "\tif [ -f \"$STATE_DIR/%s-%s\" ]; then\n"
				   "\t\tv=$(cat \"$STATE_DIR/%s-%s\")\n"
				   "\t\tcase \"$v\" in [0-9]|[0-9][0-9]) sysctl -q -w %s=\"$v\" ;; esac\n"
				   "\t\trm -f \"$STATE_DIR/%s-%s\"\n\tfi\n",
			       g->ifc, a->sysctl, g->ifc, a->sysctl, a->sysctl, g->ifc, a->sysctl);
		} else if (a->kind == UW_ACT_ROUTE && mode != HOOK_FW) {
			uw_strbuf_printf(&b, "\tip route del %s/%u dev %s 2>/dev/null\n", uw_ip4_str(a->addr, net),
			       a->plen, a->iface);
		} else if (a->kind == UW_ACT_ADDR && mode == HOOK_FULL) {
			/* On unplug the interface is already gone with its address: the
			 * error is expected and silenced. */
			uw_strbuf_printf(&b, "\tip addr del %s/%u dev %s 2>/dev/null\n", uw_ip4_str(a->addr, net),
			       a->plen, a->iface);
		}
	}
	(void)have_sysctl;
	uw_strbuf_printf(&b, "\treturn 0\n}\n\n");
	uw_strbuf_printf(&b, "case \"$1\" in\nstart) start ;;\nstop) stop ;;\n"
		   "*) echo \"usage: $0 start|stop\" >&2; exit 2 ;;\nesac\n");
	add_file(g, 0755, &b, "%s", g->hook);
}

/* ---- targets -------------------------------------------------------------- */

/* A stable UUID for the keyfile: the same choices give the same connection,
 * so installing again replaces it instead of adding a twin. FNV-1a over the
 * interface and addresses, laid out as a version-4-looking UUID. */
static void stable_uuid(const struct gen *g, char *out, size_t len)
{
	unsigned long long h1 = 1469598103934665603ULL, h2 = 0x9e3779b97f4a7c15ULL;
	char seed[96];

	snprintf(seed, sizeof(seed), "usbnet-wizard/%s/%s/%s/%u", g->ifc, g->host, g->phone, g->plen);
	for (const char *s = seed; *s; s++) {
		h1 = (h1 ^ (unsigned char)*s) * 1099511628211ULL;
		h2 = (h2 ^ (unsigned char)*s) * 0x100000001b3ULL + 0x51ULL;
	}
	snprintf(out, len, "%08llx-%04llx-4%03llx-%04llx-%012llx", h1 >> 32, (h1 >> 16) & 0xffff,
		 h1 & 0xfff, 0x8000 | ((h2 >> 48) & 0x3fff), h2 & 0xffffffffffffULL);
}

static bool has_route(const struct uw_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->actions[i].kind == UW_ACT_ROUTE)
			return true;
	return false;
}

static void naming_rule(struct gen *g);

/*
 * NetworkManager's own sharing (ipv4.method=shared) when the plan shares the
 * connection over a link with room for it (/30 or wider): NetworkManager then
 * does all of it by itself every time the connection comes up, with nothing
 * for a dispatcher script to run: the fixed address the phone expects,
 * forwarding, masquerading of the link's subnet (its own nftables/iptables
 * table), a DNS server on the desktop's address (its dnsmasq, which is what
 * the phone's resolv.conf names), and with firewalld the interface in the
 * zone nm-shared, put back by NetworkManager after every firewalld reload.
 * A dispatcher script only runs where NetworkManager-dispatcher is enabled
 * (Debian and Fedora enable it; minimal and container installs often do not),
 * so the hook path is kept for what shared cannot do: /31 and /32 links
 * (shared needs a subnet to hand out) and no sharing at all.
 */
static bool nm_shared(const struct gen *g)
{
	return g->plan->choices.nat && g->plen <= 30;
}

static void gen_nm(struct gen *g)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char uuid[40];
	bool shared = nm_shared(g);

	header(&b, g, "NetworkManager connection for the phone's USB link");
	if (shared)
		uw_strbuf_printf(&b, "#\n# method=shared with the fixed address the phone expects (%s, the phone %s):\n"
			   "# NetworkManager itself turns forwarding on, masquerades %s's subnet, answers DNS\n"
			   "# on %s (its dnsmasq) and, when firewalld runs, puts %s into the zone\n"
			   "# nm-shared (again after every firewalld reload). No dispatcher script is needed.\n"
			   "# Matched by the interface name, which the udev rule next to this file gives the\n"
			   "# gadget by its USB ids (never by its MAC, which some gadgets change on every plug).\n",
		       g->host, g->phone, g->ifc, g->host, g->ifc);
	else
		uw_strbuf_printf(&b, "#\n# method=manual: a %s link has no room for NetworkManager's own sharing\n"
			   "# (method=shared hands out a subnet). The NAT and DNS steps run from the dispatcher\n"
			   "# script next to this file (NetworkManager-dispatcher must be enabled), tagged like\n"
			   "# usbnet-wizard's live rules.\n",
		       g->plan->choices.nat ? "point-to-point" : "non-shared");
	stable_uuid(g, uuid, sizeof(uuid));
	uw_strbuf_printf(&b, "\n[connection]\nid=usbnet-wizard-%s\nuuid=%s\ntype=ethernet\ninterface-name=%s\n"
		   "autoconnect=true\n# firewalld (when it runs): what the phone needs and no more (forwarding\n"
		   "# out, DNS, DHCP, ping and ssh to the desktop), not the wide-open trusted zone.\n"
		   "zone=nm-shared\n\n[ethernet]\n\n[ipv4]\nmethod=%s\naddress1=%s/%u\n",
	       g->ifc, uuid, g->ifc, shared ? "shared" : "manual", g->host, g->plen);
	if (has_route(g->plan) && !shared)
		uw_strbuf_printf(&b, "route1=%s/32\n", g->phone);
	/* The phone is not a way to the internet: never a default route. */
	uw_strbuf_printf(&b, "never-default=true\n\n[ipv6]\n# Link-local only: the rescue path (fe80::...%%%s) "
		   "when IPv4 is broken.\nmethod=link-local\n", g->ifc);
	/* NetworkManager ignores keyfiles readable by others: 0600 is required. */
	add_file(g, 0600, &b, UW_PERSIST_NM_CONN_DIR "/usbnet-wizard-%s.nmconnection", g->ifc);
	naming_rule(g);
	if (shared)
		return;

	script_header(&b, g, "NetworkManager dispatcher script");
	uw_strbuf_printf(&b, "# NetworkManager runs this with the interface and the action; it must be owned by\n"
		   "# root and not writable by others, or NetworkManager skips it.\n");
	uw_strbuf_printf(&b, "[ \"$1\" = \"%s\" ] || exit 0\ncase \"$2\" in\nup) exec %s start ;;\n"
		   "down|pre-down) exec %s stop ;;\nesac\nexit 0\n", g->ifc, g->hook, g->hook);
	add_file(g, 0755, &b, "/etc/NetworkManager/dispatcher.d/90-usbnet-wizard-%s", g->ifc);
	hook_script(g, HOOK_FW);
}

static void udev_rule(struct gen *g, const char *why)
{
	const struct uw_preset *pr = g->plan->choices.preset;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	header(&b, g, why);
	uw_strbuf_printf(&b, "#\n# Add: matched by the gadget's USB ids (never by MAC: some gadgets make a new one\n"
		   "# on every plug) and named %s, so the hook and the firewall rules find it.\n"
		   "# Remove: the USB attributes are gone by then (the bug behind the old advice that\n"
		   "# 'ifdown is not run on unplug'), so the name is matched instead.\n"
		   "# udev kills programs that run long; the hook only runs ip, sysctl and the firewall tool.\n",
	       g->ifc);
	if (pr && pr->usb_vendor && pr->usb_product)
		uw_strbuf_printf(&b, "SUBSYSTEM==\"net\", ACTION==\"add\", ATTRS{idVendor}==\"%04x\", "
			   "ATTRS{idProduct}==\"%04x\", NAME=\"%s\", RUN+=\"%s start\"\n",
		       pr->usb_vendor, pr->usb_product, g->ifc, g->hook);
	else
		uw_strbuf_printf(&b, "# The preset has no USB ids: matched by interface name only.\n"
			   "SUBSYSTEM==\"net\", ACTION==\"add\", KERNEL==\"%s\", RUN+=\"%s start\"\n",
		       g->ifc, g->hook);
	uw_strbuf_printf(&b, "SUBSYSTEM==\"net\", ACTION==\"remove\", ENV{INTERFACE}==\"%s\", RUN+=\"%s stop\"\n",
	       g->ifc, g->hook);
	add_file(g, 0644, &b, "/etc/udev/rules.d/91-usbnet-wizard-%s.rules", g->ifc);
}

/*
 * The systems that bind their configuration to an interface name (NetworkManager's
 * interface-name=, ifupdown's stanza, ifcfg's DEVICE=, netifrc's net.IFACE) get
 * a udev rule that gives the gadget that name by its USB ids, before the
 * MAC-based naming (73-usb-net-by-mac.rules, 80-net-setup-link.rules) runs:
 * a gadget with a new MAC on every plug keeps the name, so the configuration
 * matches again. Without ids in the preset a note says the name is the match.
 */
static void naming_rule(struct gen *g)
{
	const struct uw_preset *pr = g->plan->choices.preset;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	if (!pr || !pr->usb_vendor || !pr->usb_product)
		return;
	header(&b, g, "udev rule giving the phone's gadget a stable name");
	uw_strbuf_printf(&b, "#\n# Matched by the gadget's USB ids, never by MAC (some gadgets make a new one on\n"
		   "# every plug, and with it a new enx... name), and named %s, the name the rest\n"
		   "# of the configuration uses. Numbered below 73 and 80 so the MAC-based names of\n"
		   "# 73-usb-net-by-mac.rules and 80-net-setup-link.rules do not apply.\n", g->ifc);
	uw_strbuf_printf(&b, "SUBSYSTEM==\"net\", ACTION==\"add\", ATTRS{idVendor}==\"%04x\", "
		   "ATTRS{idProduct}==\"%04x\", NAME=\"%s\"\n", pr->usb_vendor, pr->usb_product, g->ifc);
	add_file(g, 0644, &b, "/etc/udev/rules.d/70-usbnet-wizard-%s-name.rules", g->ifc);
}

static void gen_nm_unmanaged(struct gen *g)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	header(&b, g, "NetworkManager leaves the phone's interface to usbnet-wizard");
	uw_strbuf_printf(&b, "# Without this NetworkManager takes the new interface a few seconds after it appears\n"
		   "# and replaces the address; the udev rule and hook script configure it instead.\n");
	uw_strbuf_printf(&b, "\n[keyfile]\nunmanaged-devices=interface-name:%s\n", g->ifc);
	add_file(g, 0644, &b, "/etc/NetworkManager/conf.d/90-usbnet-wizard-unmanaged.conf");
	udev_rule(g, "udev rule that configures the phone's interface when it appears");
	hook_script(g, HOOK_FULL);
}

static void gen_networkd(struct gen *g)
{
	const struct uw_preset *pr = g->plan->choices.preset;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	if (pr && pr->usb_vendor && pr->usb_product) {
		header(&b, g, "systemd .link file naming the gadget");
		uw_strbuf_printf(&b, "# Matched by the USB ids udev imports for the interface (never by MAC: some\n"
			   "# gadgets make a new one on every plug), so the name stays %s.\n", g->ifc);
		uw_strbuf_printf(&b, "\n[Match]\nProperty=ID_VENDOR_ID=%04x ID_MODEL_ID=%04x\n\n[Link]\nNamePolicy=\n"
			   "Name=%s\n", pr->usb_vendor, pr->usb_product, g->ifc);
		add_file(g, 0644, &b, "/etc/systemd/network/10-usbnet-wizard-%s.link", g->ifc);
	}

	header(&b, g, "systemd-networkd configuration of the phone's USB link");
	uw_strbuf_printf(&b, "#\n# No IPMasquerade= here: networkd masquerades only its own address's subnet (with\n"
		   "# a /32 address not the phone's), cannot proxy DNS, and its rules are not tagged;\n"
		   "# usbnet-wizard-%s.service runs the hook script for NAT and DNS instead.\n", g->ifc);
	uw_strbuf_printf(&b, "\n[Match]\nName=%s\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nAddress=%s/%u\n"
		   "ConfigureWithoutCarrier=yes\n# Keep the IPv6 link-local rescue path (fe80::...%%%s).\n"
		   "LinkLocalAddressing=ipv6\nIPv6AcceptRA=no\n",
	       g->ifc, g->host, g->plen, g->ifc);
	if (has_route(g->plan))
		uw_strbuf_printf(&b, "\n[Route]\nDestination=%s/32\nScope=link\n", g->phone);
	add_file(g, 0644, &b, "/etc/systemd/network/10-usbnet-wizard-%s.network", g->ifc);

	header(&b, g, "unit running the hook script while the phone's interface exists");
	uw_strbuf_printf(&b, "# BindsTo= the device: unplugging stops the unit, which runs the 'stop' half.\n");
	uw_strbuf_printf(&b, "\n[Unit]\nDescription=usbnet-wizard sharing for %s\n"
		   "BindsTo=sys-subsystem-net-devices-%s.device\nAfter=sys-subsystem-net-devices-%s.device\n\n"
		   "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=%s start\nExecStop=%s stop\n\n"
		   "[Install]\nWantedBy=sys-subsystem-net-devices-%s.device\n",
	       g->ifc, g->ifc, g->ifc, g->hook, g->hook, g->ifc);
	add_file(g, 0644, &b, "/etc/systemd/system/usbnet-wizard-%s.service", g->ifc);
	/* What `systemctl enable` would make, written directly so install needs no
	 * running systemd (and works under a root prefix). */
	char link[256], target[256];
	snprintf(link, sizeof(link),
		 "/etc/systemd/system/sys-subsystem-net-devices-%s.device.wants/usbnet-wizard-%s.service",
		 g->ifc, g->ifc);
	snprintf(target, sizeof(target), "/etc/systemd/system/usbnet-wizard-%s.service", g->ifc);
	add_link(g, link, target);
	hook_script(g, HOOK_FW);
}

static void gen_ifupdown(struct gen *g)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	header(&b, g, "ifupdown stanza for the phone's USB link");
	uw_strbuf_printf(&b, "# Read through 'source /etc/network/interfaces.d/*' in /etc/network/interfaces\n"
		   "# (Debian's default). allow-hotplug: brought up when the phone appears and down when it\n"
		   "# goes; pre-down undoes every change of post-up (the old recipe left its NAT rule and\n"
		   "# forwarding behind, and added a second copy on every plug).\n");
	uw_strbuf_printf(&b, "allow-hotplug %s\niface %s inet static\n\taddress %s/%u\n\tpost-up %s start\n"
		   "\tpre-down %s stop\n",
	       g->ifc, g->ifc, g->host, g->plen, g->hook, g->hook);
	add_file(g, 0644, &b, "/etc/network/interfaces.d/usbnet-wizard-%s", g->ifc);
	naming_rule(g);
	hook_script(g, HOOK_ROUTE_FW);
}

static void gen_ifcfg(struct gen *g)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;

	header(&b, g, "network-scripts configuration of the phone's USB link");
	uw_strbuf_printf(&b, "# NM_CONTROLLED=no keeps NetworkManager from taking the interface a few seconds\n"
		   "# after it appears; /sbin/ifup-local and /sbin/ifdown-local run the hook script.\n");
	uw_strbuf_printf(&b, "DEVICE=%s\nBOOTPROTO=none\nONBOOT=yes\nHOTPLUG=yes\nIPADDR=%s\nPREFIX=%u\n"
		   "DEFROUTE=no\nNM_CONTROLLED=no\n", g->ifc, g->host, g->plen);
	add_file(g, 0644, &b, "/etc/sysconfig/network-scripts/ifcfg-%s", g->ifc);

	for (int down = 0; down < 2; down++) {
		script_header(&b, g, down ? "ifdown-local hook" : "ifup-local hook");
		uw_strbuf_printf(&b, "# The network scripts run this with the interface name after every if%s.\n"
			   "[ \"$1\" = \"%s\" ] || exit 0\nexec %s %s\n",
		       down ? "down" : "up", g->ifc, g->hook, down ? "stop" : "start");
		add_file(g, 0755, &b, "/sbin/if%s-local", down ? "down" : "up");
	}
	naming_rule(g);
	hook_script(g, HOOK_ROUTE_FW);
}

static void gen_openrc(struct gen *g)
{
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char link[256];

	header(&b, g, "netifrc configuration of the phone's USB link");
	uw_strbuf_printf(&b, "# OpenRC reads /etc/conf.d/net.%s for the net.%s service, so /etc/conf.d/net\n"
		   "# stays untouched. postup/predown run the hook (predown undoes all of postup).\n",
	       g->ifc, g->ifc);
	uw_strbuf_printf(&b, "config_%s=\"%s/%u\"\n\npostup() {\n\t[ \"${IFACE}\" = \"%s\" ] || return 0\n"
		   "\t%s start\n\treturn 0\n}\n\npredown() {\n\t[ \"${IFACE}\" = \"%s\" ] || return 0\n"
		   "\t%s stop\n\treturn 0\n}\n",
	       g->ifc, g->host, g->plen, g->ifc, g->hook, g->ifc, g->hook);
	add_file(g, 0644, &b, "/etc/conf.d/net.%s", g->ifc);
	snprintf(link, sizeof(link), "/etc/init.d/net.%s", g->ifc);
	add_link(g, link, "net.lo");
	naming_rule(g);
	hook_script(g, HOOK_ROUTE_FW);
}

static void gen_udev(struct gen *g)
{
	udev_rule(g, "udev rule that configures the phone's interface when it appears");
	hook_script(g, HOOK_FULL);
}

static void gen_devd(struct gen *g)
{
	const struct uw_choices *c = &g->plan->choices;
	_auto_strbuf_ struct uw_strbuf b = UW_STRBUF_INIT;
	char mask[UW_IP4_STRLEN];

	header(&b, g, "FreeBSD devd configuration (for a FreeBSD desktop)");
	uw_strbuf_printf(&b, "# FreeBSD names the gadget cdce0 (kldload if_cdce). Restart devd after installing:\n"
		   "#   service devd restart\n");
	uw_strbuf_printf(&b, "notify 100 {\n\tmatch \"system\" \"IFNET\";\n\tmatch \"subsystem\" \"cdce[0-9]+\";\n"
		   "\tmatch \"type\" \"ATTACH\";\n\taction \"/usr/local/etc/devd/usbnet-wizard.sh $subsystem start\";\n"
		   "};\n\nnotify 100 {\n\tmatch \"system\" \"IFNET\";\n\tmatch \"subsystem\" \"cdce[0-9]+\";\n"
		   "\tmatch \"type\" \"DETACH\";\n\taction \"/usr/local/etc/devd/usbnet-wizard.sh $subsystem stop\";\n"
		   "};\n");
	add_file(g, 0644, &b, "/usr/local/etc/devd/usbnet-wizard.conf");

	script_header(&b, g, "FreeBSD hook run by devd");
	uw_strbuf_printf(&b, "# Sharing on FreeBSD needs pf: add to /etc/pf.conf (and pf_enable=\"YES\" in rc.conf)\n"
		   "#   nat on %s from %s/%u to any -> (%s)\n"
		   "# The interface name there is the FreeBSD one of your uplink (em0, wlan0, ...).\n",
	       c->nat ? c->out_iface : "UPLINK", g->plen == 32 ? g->phone : g->host, g->plen,
	       c->nat ? c->out_iface : "UPLINK");
	uw_strbuf_printf(&b, "case \"$1\" in\ncdce[0-9]*) ;;\n*) exit 0 ;;\nesac\ncase \"$2\" in\nstart)\n"
		   "\tifconfig \"$1\" inet %s netmask %s\n", g->host, uw_ip4_mask_str(g->plen, mask));
	if (has_route(g->plan))
		uw_strbuf_printf(&b, "\troute add -host %s -interface \"$1\"\n", g->phone);
	if (c->nat)
		uw_strbuf_printf(&b, "\tsysctl net.inet.ip.forwarding=1\n");
	uw_strbuf_printf(&b, "\t;;\nstop)\n");
	if (c->nat)
		uw_strbuf_printf(&b, "\t# forwarding is left on: other interfaces may need it\n");
	uw_strbuf_printf(&b, "\t;;\nesac\nexit 0\n");
	add_file(g, 0755, &b, "/usr/local/etc/devd/usbnet-wizard.sh");
}

/* @plan with the phone's interface @from called @to everywhere. */
static struct uw_plan *plan_renamed(const struct uw_plan *plan, const char *from, const char *to)
{
	struct uw_plan *p = uw_malloc0(sizeof(*p));

	*p = *plan;
	uw_strlcpy(p->choices.iface, to, sizeof(p->choices.iface));
	for (size_t i = 0; i < p->n; i++) {
		struct uw_action *a = &p->actions[i];

		if (!strcmp(a->iface, from))
			uw_strlcpy(a->iface, to, sizeof(a->iface));
		if (!strcmp(a->rule.in_iface, from))
			uw_strlcpy(a->rule.in_iface, to, sizeof(a->rule.in_iface));
		if (!strcmp(a->rule.out_iface, from))
			uw_strlcpy(a->rule.out_iface, to, sizeof(a->rule.out_iface));
	}
	return p;
}

static int generate(enum uw_persist_target target, const struct uw_plan *plan, time_t when,
		    const char *renamed_from, struct uw_persist_file **files, size_t *n, struct uw_error *err);

int uw_persist_generate(enum uw_persist_target target, const struct uw_plan *plan, time_t when,
			struct uw_persist_file **files, size_t *n, struct uw_error *err)
{
	const struct uw_preset *pr = plan->choices.preset;
	struct uw_plan *renamed;
	int r;

	/* A MAC-based name changes with the MAC: the gadget is named by its USB
	 * ids instead (FreeBSD's devd matches cdce[0-9]+ by itself). */
	if (target != UW_PERSIST_DEVD && is_mac_name(plan->choices.iface) && pr && pr->usb_vendor &&
	    pr->usb_product) {
		renamed = plan_renamed(plan, plan->choices.iface, UW_PERSIST_STABLE_NAME);
		r = generate(target, renamed, when, plan->choices.iface, files, n, err);
		free(renamed);
		return r;
	}
	return generate(target, plan, when, "", files, n, err);
}

static int generate(enum uw_persist_target target, const struct uw_plan *plan, time_t when,
		    const char *renamed_from, struct uw_persist_file **files, size_t *n, struct uw_error *err)
{
	struct gen g = { .plan = plan, .target = target, .when = when, .fw = UW_FW_NONE };
	const struct uw_choices *c = &plan->choices;

	uw_strlcpy(g.renamed_from, renamed_from, sizeof(g.renamed_from));
	*files = NULL;
	*n = 0;
	if ((unsigned)target >= UW_PERSIST__COUNT)
		return uw_error_set(err, -EINVAL, "Unknown persistence target.");
	/* The interface name goes into shell text and file names: it must be one
	 * uw_ifname_check accepts, and must not look like an option. */
	if (uw_ifname_check(c->iface, err) < 0)
		return uw_error_prefix(err, "Cannot make the setup permanent");
	if (c->iface[0] == '-' || strchr(c->iface, ':') || strchr(c->iface, '@'))
		return uw_error_set(err, -EINVAL, "The interface name \"%s\" cannot be used in configuration "
				    "files safely: rename the interface (e.g. to usb0) first.", c->iface);
	if (plan->n == 0)
		return uw_error_set(err, -EINVAL, "The plan is empty: build it first ('usbnet-wizard plan').");
	for (size_t i = 0; i < plan->n; i++) {
		const struct uw_action *a = &plan->actions[i];

		if (a->kind == UW_ACT_FW) {
			if (uw_fw_rule_validate(a->fw, &a->rule, err) < 0)
				return uw_error_prefix(err, "Cannot make the setup permanent");
			if (g.fw == UW_FW_NONE)
				g.fw = a->fw;
		}
		if (a->kind == UW_ACT_SYSCTL && (!uw_sysctl_name_ok(a->sysctl) || !sysctl_value_ok(a->value)))
			return uw_error_set(err, -EINVAL, "The plan's sysctl step \"%.60s\" cannot be written "
					    "into a script safely.", a->sysctl);
		if (a->iface[0] && strcmp(a->iface, c->iface))
			return uw_error_set(err, -EINVAL, "The plan's steps are for %s, not %s: build it again.",
					    a->iface, c->iface);
	}
	g.ifc = c->iface;
	uw_ip4_str(c->host_ip, g.host);
	uw_ip4_str(c->phone_ip, g.phone);
	g.plen = c->plen;
	snprintf(g.hook, sizeof(g.hook), "%s/hook-%s",
		 target == UW_PERSIST_DEVD ? "/usr/local/etc/devd" : "/etc/usbnet-wizard", g.ifc);

	switch (target) {
	case UW_PERSIST_NM: gen_nm(&g); break;
	case UW_PERSIST_NM_UNMANAGED: gen_nm_unmanaged(&g); break;
	case UW_PERSIST_NETWORKD: gen_networkd(&g); break;
	case UW_PERSIST_IFUPDOWN: gen_ifupdown(&g); break;
	case UW_PERSIST_IFCFG: gen_ifcfg(&g); break;
	case UW_PERSIST_OPENRC: gen_openrc(&g); break;
	case UW_PERSIST_UDEV: gen_udev(&g); break;
	case UW_PERSIST_DEVD: gen_devd(&g); break;
	default: break;
	}
	*files = g.files;
	*n = g.n;
	return 0;
}

void uw_persist_files_free(struct uw_persist_file *files, size_t n)
{
	if (!files)
		return;
	for (size_t i = 0; i < n; i++)
		free(files[i].content);
	free(files);
}
