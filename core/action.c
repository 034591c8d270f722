// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The action mechanics: each kind of plan step in plain words and as a shell
 * command, and how it is probed, its prior state captured, applied and
 * reverted (core/apply.c runs them in order, under the journal).
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

static const char *const kind_names[UW_ACT__COUNT] = {
	[UW_ACT_ADDR] = "addr", [UW_ACT_LINK_UP] = "link", [UW_ACT_ROUTE] = "route",
	[UW_ACT_SYSCTL] = "sysctl", [UW_ACT_FW] = "fw", [UW_ACT_FWD_ZONE] = "fwd-zone",
	[UW_ACT_FWD_KEEP] = "fwd-keep", [UW_ACT_NM_UNMANAGE] = "nm",
};

const char *uw_action_kind_name(enum uw_action_kind k)
{
	return (unsigned)k < UW_ACT__COUNT ? kind_names[k] : "?";
}

/* ---- describe / shell -------------------------------------------------- */

void uw_action_describe(const struct uw_action *a, char *buf, size_t len)
{
	char s[UW_IP4_STRLEN], m[UW_IP4_STRLEN];

	switch (a->kind) {
	case UW_ACT_ADDR:
		snprintf(buf, len, "Give the desktop the address %s/%u (netmask %s) on %s, the USB link "
			 "to the phone", uw_ip4_str(a->addr, s), a->plen, uw_ip4_mask_str(a->plen, m), a->iface);
		break;
	case UW_ACT_LINK_UP:
		snprintf(buf, len, "Bring %s up", a->iface);
		break;
	case UW_ACT_ROUTE:
		snprintf(buf, len, "Route %s/%u directly to %s", uw_ip4_str(a->addr, s), a->plen, a->iface);
		break;
	case UW_ACT_SYSCTL:
		if (!strcmp(a->sysctl, "net.ipv4.ip_forward"))
			snprintf(buf, len, "Let the desktop forward packets (IPv4 forwarding %s)",
				 !strcmp(a->value, "1") ? "on" : "off");
		else
			snprintf(buf, len, "Set %s to %s", a->sysctl, a->value);
		break;
	case UW_ACT_FW:
		uw_fw_rule_describe(&a->rule, buf, len);
		break;
	case UW_ACT_FWD_ZONE:
		snprintf(buf, len, "firewalld: put %s into the zone %s while this setup is live (runtime only)",
			 a->iface, a->zone);
		break;
	case UW_ACT_FWD_KEEP:
		snprintf(buf, len, "firewalld: keep %s in the zone %s when firewalld reloads", a->iface, a->zone);
		break;
	case UW_ACT_NM_UNMANAGE:
		snprintf(buf, len, "NetworkManager leaves %s alone while this setup is live", a->iface);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void uw_action_shell(const struct uw_action *a, bool undo, char *buf, size_t len)
{
	char s[UW_IP4_STRLEN];

	switch (a->kind) {
	case UW_ACT_ADDR:
		snprintf(buf, len, "ip addr %s %s/%u dev %s", undo ? "del" : "add", uw_ip4_str(a->addr, s),
			 a->plen, a->iface);
		break;
	case UW_ACT_LINK_UP:
		snprintf(buf, len, "ip link set %s %s", a->iface, undo ? "down" : "up");
		break;
	case UW_ACT_ROUTE:
		snprintf(buf, len, "ip route %s %s/%u dev %s", undo ? "del" : "add", uw_ip4_str(a->addr, s),
			 a->plen, a->iface);
		break;
	case UW_ACT_SYSCTL:
		/* A value that was already set is left as it was: undo restores, never resets. */
		if (undo && !strcmp(a->old_value, a->value))
			snprintf(buf, len, ": nothing to undo, %s was already %s", a->sysctl, a->value);
		else
			snprintf(buf, len, "sysctl -w %s=%s", a->sysctl,
				 undo ? (a->old_value[0] ? a->old_value : "0") : a->value);
		break;
	case UW_ACT_FW:
		uw_fw_rule_shell(a->fw, &a->rule, !undo, buf, len);
		break;
	case UW_ACT_FWD_ZONE:
		if (!undo)
			snprintf(buf, len, "firewall-cmd --zone=%s --change-interface=%s", a->zone, a->iface);
		else if (a->old_zone[0])
			snprintf(buf, len, "firewall-cmd --zone=%s --change-interface=%s", a->old_zone, a->iface);
		else
			snprintf(buf, len, "firewall-cmd --zone=%s --remove-interface=%s", a->zone, a->iface);
		break;
	case UW_ACT_FWD_KEEP:
		if (!undo)
			snprintf(buf, len, "usbnet-wizard __firewalld-keeper %s %s &  # after each reload: "
				 "firewall-cmd --zone=%s --change-interface=%s", a->iface, a->zone, a->zone, a->iface);
		else
			snprintf(buf, len, "kill $(cat %s/firewalld-keeper-%s)", uw_rundir(), a->iface);
		break;
	case UW_ACT_NM_UNMANAGE:
		snprintf(buf, len, "nmcli device set %s managed %s", a->iface,
			 undo && a->was_managed ? "yes" : "no");
		break;
	default:
		snprintf(buf, len, "# ?");
	}
}

/* ---- probe / capture / apply / revert ---------------------------------- */

int uw_action_probe(const struct uw_action *a, struct uw_error *err)
{
	char v[32];
	int r;

	switch (a->kind) {
	case UW_ACT_ADDR:
		r = uw_nl_addr_probe(a->iface, a->addr, a->plen, err);
		break;
	case UW_ACT_LINK_UP:
		r = uw_nl_link_is_up(a->iface, err);
		break;
	case UW_ACT_ROUTE:
		r = uw_nl_route_probe(a->iface, a->addr, a->plen, err);
		break;
	case UW_ACT_SYSCTL:
		r = uw_sysctl_read(a->sysctl, v, sizeof(v), err);
		if (r < 0)
			return r;
		return !strcmp(v, a->value);
	case UW_ACT_FW:
		return uw_fw_rule_probe(a->fw, &a->rule, err);
	case UW_ACT_FWD_ZONE: {
		char z[64];
		r = uw_firewalld_get_zone(a->iface, z, sizeof(z), err);
		if (r < 0)
			return r;
		return !strcmp(z, a->zone);
	}
	case UW_ACT_FWD_KEEP:
		return uw_firewalld_keeper_probe(a->iface, err);
	case UW_ACT_NM_UNMANAGE: {
		/* In place when NetworkManager leaves the interface alone already
		 * (or does not run, or has no device for it). */
		struct uw_nm_dev d;

		r = uw_nm_device(a->iface, &d, err);
		if (r < 0)
			return r;
		return !(d.presence == UW_NM_RUNNING && d.known && d.managed);
	}
	default:
		return uw_error_set(err, -EINVAL, "unknown action");
	}
	if (r == -ENODEV) {
		uw_error_clear(err);
		return 0;
	}
	return r;
}

int uw_action_capture(struct uw_action *a, struct uw_error *err)
{
	int r;

	switch (a->kind) {
	case UW_ACT_LINK_UP:
		r = uw_nl_link_is_up(a->iface, err);
		if (r < 0)
			return r;
		a->was_up = r;
		return 0;
	case UW_ACT_SYSCTL:
		return uw_sysctl_read(a->sysctl, a->old_value, sizeof(a->old_value), err);
	case UW_ACT_FWD_ZONE:
		return uw_firewalld_get_zone(a->iface, a->old_zone, sizeof(a->old_zone), err);
	case UW_ACT_NM_UNMANAGE: {
		struct uw_nm_dev d;

		r = uw_nm_device(a->iface, &d, err);
		if (r < 0)
			return r;
		a->was_managed = d.presence == UW_NM_RUNNING && d.known && d.managed;
		return 0;
	}
	default:
		return 0;
	}
}

int uw_action_apply(const struct uw_action *a, struct uw_error *err)
{
	switch (a->kind) {
	case UW_ACT_ADDR:
		return uw_nl_addr_add(a->iface, a->addr, a->plen, err);
	case UW_ACT_LINK_UP:
		if (a->was_up)
			return -EEXIST;
		return uw_nl_link_set_up(a->iface, true, err);
	case UW_ACT_ROUTE:
		return uw_nl_route_add(a->iface, a->addr, a->plen, err);
	case UW_ACT_SYSCTL:
		if (!strcmp(a->old_value, a->value))
			return -EEXIST;
		return uw_sysctl_write(a->sysctl, a->value, err);
	case UW_ACT_FW:
		return uw_fw_rule_add(a->fw, &a->rule, err);
	case UW_ACT_FWD_ZONE:
		return uw_firewalld_set_zone(a->iface, a->zone, NULL, err);
	case UW_ACT_FWD_KEEP:
		return uw_firewalld_keeper_start(a->iface, a->zone, err);
	case UW_ACT_NM_UNMANAGE:
		if (!a->was_managed)
			return -EEXIST;
		return uw_nm_set_managed(a->iface, false, err);
	default:
		return uw_error_set(err, -EINVAL, "unknown action");
	}
}

int uw_action_revert(const struct uw_action *a, struct uw_error *err)
{
	int r;

	switch (a->kind) {
	case UW_ACT_ADDR:
		r = uw_nl_addr_del(a->iface, a->addr, a->plen, err);
		break;
	case UW_ACT_LINK_UP:
		if (a->was_up)
			return 0;
		r = uw_nl_link_set_up(a->iface, false, err);
		break;
	case UW_ACT_ROUTE:
		r = uw_nl_route_del(a->iface, a->addr, a->plen, err);
		break;
	case UW_ACT_SYSCTL:
		if (!a->old_value[0])
			return 0;
		r = uw_sysctl_write(a->sysctl, a->old_value, err);
		break;
	case UW_ACT_FW:
		r = uw_fw_rule_del(a->fw, &a->rule, err);
		break;
	case UW_ACT_FWD_ZONE: {
		/*
		 * Only while the interface is still in our zone: otherwise a reload
		 * (or firewalld stopping) already took it out, and whatever holds
		 * it now is not ours to change.
		 */
		char z[64];
		r = uw_firewalld_get_zone(a->iface, z, sizeof(z), err);
		if (r == 0 && strcmp(z, a->zone))
			r = -ENOENT;
		if (r == 0)
			r = uw_firewalld_set_zone(a->iface, a->old_zone, a->zone, err);
		break;
	}
	case UW_ACT_FWD_KEEP:
		r = uw_firewalld_keeper_stop(a->iface, err);
		if (r == 1)
			r = -ENOENT;
		break;
	case UW_ACT_NM_UNMANAGE:
		/* The exact prior value back. A NetworkManager that is gone (or was
		 * restarted, or lost the device with the phone) kept no runtime flag
		 * of ours: nothing to put back (-ESRCH, -ENODEV below). */
		if (!a->was_managed)
			return 0;
		r = uw_nm_set_managed(a->iface, true, err);
		break;
	default:
		return uw_error_set(err, -EINVAL, "unknown action");
	}
	/*
	 * Gone already is fine: a crash can come between journaling a step
	 * and making it, and unplugging the phone takes its address and
	 * routes with it.
	 */
	if (r == -ENOENT || r == -ENODEV || r == -ESRCH) {
		uw_error_clear(err);
		return 1;
	}
	return r < 0 ? r : 0;
}

bool uw_action_same(const struct uw_action *a, const struct uw_action *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case UW_ACT_ADDR:
	case UW_ACT_ROUTE:
		return !strcmp(a->iface, b->iface) && a->addr.s_addr == b->addr.s_addr && a->plen == b->plen;
	case UW_ACT_LINK_UP:
	case UW_ACT_NM_UNMANAGE:
		return !strcmp(a->iface, b->iface);
	case UW_ACT_SYSCTL:
		return !strcmp(a->sysctl, b->sysctl);
	case UW_ACT_FW:
		return a->fw == b->fw && !memcmp(&a->rule, &b->rule, sizeof(a->rule));
	case UW_ACT_FWD_ZONE:
	case UW_ACT_FWD_KEEP:
		return !strcmp(a->iface, b->iface) && !strcmp(a->zone, b->zone);
	default:
		return false;
	}
}
