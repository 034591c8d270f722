// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/text.h"

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
