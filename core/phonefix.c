// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/phonefix.h"

#include <stdio.h>
#include <string.h>

static bool phone_side(enum uw_fix_id id)
{
	return id == UW_FIX_ROUTE || id == UW_FIX_RESOLV;
}

void uw_phonefix_choose(const struct uw_check *checks, const struct uw_phonecheck_params *params,
			bool persist, struct uw_phonefix_set *set)
{
	enum uw_fix_id wanted[UW_PHONEFIX_MAX];
	size_t nw = 0;
	char gw[64] = "", dev[64] = "";

	memset(set, 0, sizeof(*set));
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		bool dup = false;

		if (checks[i].status == UW_CHECK_PASS || !phone_side(checks[i].fix))
			continue;
		for (size_t k = 0; k < nw; k++)
			dup |= wanted[k] == checks[i].fix;
		if (!dup && nw < UW_PHONEFIX_MAX)
			wanted[nw++] = checks[i].fix;
	}
	if (persist && nw < UW_PHONEFIX_MAX)
		wanted[nw++] = UW_FIX_PERSIST;
	if (checks[UW_CHECK_ROUTE].evidence)
		uw_phonecheck_parse_default_route(checks[UW_CHECK_ROUTE].evidence, gw, sizeof(gw), dev,
						  sizeof(dev));
	for (size_t k = 0; k < nw; k++) {
		struct uw_error err;

		uw_error_clear(&err);
		if (uw_phonefix_prepare(wanted[k], params, gw, &set->fix[set->n], &err) == 0)
			set->n++;
		else
			snprintf(set->unavailable[set->n_unavailable++], sizeof(set->unavailable[0]),
				 "Cannot offer the %s fix: %s", uw_fix_name(wanted[k]), err.msg);
	}
}

void uw_phonefix_take(struct uw_phonefix_set *set, size_t i, struct uw_phonefix *out)
{
	*out = set->fix[i];
	memset(&set->fix[i], 0, sizeof(set->fix[i]));
}

void uw_phonefix_set_fini(struct uw_phonefix_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		uw_phonefix_fini(&set->fix[i]);
	set->n = 0;
}
