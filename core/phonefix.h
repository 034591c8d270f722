/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Which phone-side fixes a checklist calls for, each prepared once with its
 * exact commands: the CLI's `check --fix` and the wizard's Phone check show
 * these objects and run these same objects, never a second preparation (the
 * wizard's worker once prepared the route fix again without the phone's
 * gateway and ran `ip route add` where `ip route replace` had been confirmed).
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/phonecheck.h"

#define UW_PHONEFIX_MAX 3

struct uw_phonefix_set {
	struct uw_phonefix fix[UW_PHONEFIX_MAX];      /* prepared, in the order to offer */
	size_t n;
	/* Fixes that were called for but cannot be offered, each a sentence. */
	char unavailable[UW_PHONEFIX_MAX][UW_ERROR_MSG_MAX + 64];
	size_t n_unavailable;
};

/*
 * Choose the fixes @checks (UW_CHECK__COUNT results) call for (the default
 * route, the resolv.conf; each once), plus the persist fix when @persist, and
 * prepare each from @params and the phone's present default gateway read
 * from the route check's evidence (so the route fix replaces it and its undo
 * restores it). Free with uw_phonefix_set_fini.
 */
void uw_phonefix_choose(const struct uw_check *checks, const struct uw_phonecheck_params *params,
			bool persist, struct uw_phonefix_set *set);

/* Move fix @i out of @set into @out (the caller then owns it). */
void uw_phonefix_take(struct uw_phonefix_set *set, size_t i, struct uw_phonefix *out);

void uw_phonefix_set_fini(struct uw_phonefix_set *set);
