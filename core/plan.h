/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The plan: an ordered list of actions made from the choices and the host's
 * facts. Each action kind knows how to describe itself in plain words, give
 * the equivalent shell command, probe whether it is already in place, apply
 * itself and revert itself from the prior state captured at apply time.
 * Building a plan (the policy) is core/plan.c; what each action does is
 * core/action.c; an action's journal line is core/journal.h; running a plan
 * under the journal is core/apply.h.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/choices.h"
#include "core/error.h"
#include "core/facts.h"
#include "core/fw.h"
#include "core/overlap.h"

enum uw_action_kind {
	UW_ACT_ADDR,    /* ip addr add A/P dev IF */
	UW_ACT_LINK_UP, /* ip link set IF up */
	UW_ACT_ROUTE,   /* ip route add D/P dev IF (host route to the phone) */
	UW_ACT_SYSCTL,  /* sysctl -w NAME=VALUE */
	UW_ACT_FW,      /* one tagged firewall rule */
	UW_ACT_FWD_ZONE, /* firewalld: IF into zone (runtime): firewall-cmd --zone=Z --change-interface=IF */
	UW_ACT_FWD_KEEP, /* firewalld: the keeper that puts IF back into zone after a reload
			  * (core/firewalld.h says why) */
	UW_ACT_NM_UNMANAGE, /* nmcli device set IF managed no (runtime, through D-Bus) */
	UW_ACT__COUNT,
};

struct uw_action {
	enum uw_action_kind kind;
	char iface[UW_IFNAME_MAX];
	struct in_addr addr;            /* ADDR, ROUTE destination */
	unsigned plen;
	char sysctl[64];                /* SYSCTL: dotted name */
	char value[16];                 /* SYSCTL: value to set */
	enum uw_fw_backend fw;          /* FW */
	struct uw_fw_rule rule;         /* FW */
	char zone[64];                  /* FWD_ZONE, FWD_KEEP: the firewalld zone */
	char why[UW_FW_TEXT_MAX];        /* why this step is in the plan, plain words ("" = obvious) */

	/* Prior state, captured at apply time (and journaled before the change). */
	char old_value[16];             /* SYSCTL */
	bool was_up;                    /* LINK_UP */
	char old_zone[64];              /* FWD_ZONE: the interface's runtime zone before ("" = none) */
	bool was_managed;               /* NM_UNMANAGE: NetworkManager's Managed before */
};

#define UW_PLAN_MAX_ACTIONS 32
#define UW_PLAN_MAX_NOTES 16

struct uw_plan {
	struct uw_choices choices;      /* resolved: iface, plen, out_iface, DNS servers filled in */
	struct uw_action actions[UW_PLAN_MAX_ACTIONS];
	size_t n;
	struct uw_overlap overlap;      /* what overlap there was with the choices as given */
	bool netmask_from_overlap;      /* the netmask is the overlap fix, not the user's */
	char notes[UW_PLAN_MAX_NOTES][512]; /* warnings and explanations, in order */
	size_t n_notes;
};

/*
 * Build the plan for @choices on a host described by @facts. Defaults are
 * resolved here: no interface → error (the caller detects one first); no
 * netmask chosen → the preset's, or the overlap fix when there is an overlap;
 * no outgoing interface → the default route's; DNS proxy → the host's real
 * upstream. Returns 0, or -EINVAL with a sentence when the choices cannot
 * work (and @plan is then unusable).
 */
int uw_plan_build(const struct uw_choices *choices, const struct uw_facts *facts,
		  struct uw_plan *plan, struct uw_error *err);

/*
 * Can @name carry the phone's shared traffic out? It must be an interface
 * that exists on this desktop (when @facts knows them), not the loopback and
 * not the phone's own @phone_iface. The error (-EINVAL) says what is wrong,
 * where the default route goes, which interfaces could do it, and then
 * @what_to_do, the front end's own words ("leave --out-iface out ...").
 */
int uw_out_iface_check(const struct uw_facts *facts, const char *phone_iface, const char *name,
		       const char *what_to_do, struct uw_error *err);

/* One line of plain words for @a. */
void uw_action_describe(const struct uw_action *a, char *buf, size_t len);

/* The equivalent shell command: to apply (@undo false) or to undo it. Undo
 * restores what was there: a sysctl already at its value gives a no-op
 * (": nothing to undo, ..."), never a reset. */
void uw_action_shell(const struct uw_action *a, bool undo, char *buf, size_t len);

/*
 * Is @a already in place? 1 yes, 0 no, negative errno on error. An address,
 * route or link state whose interface is gone is not in place (0): it went
 * with the interface, as uw_action_revert also sees it.
 */
int uw_action_probe(const struct uw_action *a, struct uw_error *err);

/*
 * Capture the prior state @a's revert needs (old sysctl value, link state)
 * into @a. Called just before apply, and before journaling.
 */
int uw_action_capture(struct uw_action *a, struct uw_error *err);

/* Make the change. -EEXIST when it was already there. */
int uw_action_apply(const struct uw_action *a, struct uw_error *err);

/*
 * Undo the change from the captured prior state. Undoing something that is
 * already gone is success (a crash may have come before the change, and an
 * unplugged phone takes its interface's addresses and routes with it):
 * returns 1 then, 0 when it was undone, or a negative errno.
 */
int uw_action_revert(const struct uw_action *a, struct uw_error *err);

/* Serializing an action for the journal: core/journal.h. */

/* True when two actions change the same thing (same kind and target). */
bool uw_action_same(const struct uw_action *a, const struct uw_action *b);

/* Journal name of a kind: "addr", "link", "route", "sysctl", "fw", "fwd-zone", "fwd-keep", "nm". */
const char *uw_action_kind_name(enum uw_action_kind k);
