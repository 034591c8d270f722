/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Doctor: every check from the seed's "Firewall Issues" and "Linux Kernel
 * Support" sections and the pitfalls in DESIGN.md, each a finding with an id,
 * a severity, the evidence, plain words, and where possible a fix.
 *
 * Fixes are plans (core/plan.h actions) applied with uw_apply, so they are
 * journaled and `usbnet-wizard revert` undoes them like any setup. Because
 * uw_apply refuses a plan that leaves out steps of a live setup, a fix plan
 * holds the live setup's steps too: those still in place are left alone,
 * and any that went missing are put back (said in the fix's description).
 *
 * Reading only: uw_doctor_run never changes anything.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/choices.h"
#include "core/error.h"
#include "core/plan.h"

enum uw_doctor_severity { UW_DOC_OK, UW_DOC_INFO, UW_DOC_WARN, UW_DOC_ERROR };

#define UW_DOCTOR_MAX_FINDINGS 64

struct uw_finding {
	char id[32];                /* stable: "ip-forward", "nat-missing", "forward-drop", ... */
	enum uw_doctor_severity severity;
	char title[160];            /* one line */
	char evidence[768];         /* what was seen */
	char explanation[1024];     /* plain words: why it matters */
	bool fixable;               /* uw_doctor_fix_plan() makes a plan for it */
	char fix[512];              /* what the fix does, or what to do by hand ("" = nothing) */
};

struct uw_doctor_opts {
	const char *iface;          /* the phone's interface; NULL = live setup's, else detected */
	const char *kernel_config;  /* NULL = $USBNET_WIZARD_KERNEL_CONFIG, /boot/config-$(uname -r) */
};

struct uw_doctor {
	char iface[16];             /* the phone's interface looked at ("" = none found) */
	struct uw_choices choices;  /* what the fixes build from (profile or defaults, live values) */
	bool live;                  /* a setup by usbnet-wizard is live (journal) */
	struct uw_finding findings[UW_DOCTOR_MAX_FINDINGS];
	size_t n;
};

/* Run every check (read-only). Returns 0, or <0 when the host cannot be read at all. */
int uw_doctor_run(const struct uw_doctor_opts *opts, struct uw_doctor *d, struct uw_error *err);

/* The finding with @id, or NULL. */
const struct uw_finding *uw_doctor_find(const struct uw_doctor *d, const char *id);

/*
 * Build the fix plan for finding @id (re-reading the live facts). When
 * *@revert_first comes back true, the live setup must be reverted before the
 * plan is applied (the overlap fix changes the address). -ENOENT for an
 * unknown id, -EINVAL with a sentence when the finding has no automatic fix.
 */
int uw_doctor_fix_plan(const struct uw_doctor *d, const char *id, struct uw_plan *plan,
		       bool *revert_first, struct uw_error *err);

/* "ok", "info", "warn", "error". */
const char *uw_doctor_severity_name(enum uw_doctor_severity s);
