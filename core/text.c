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

void uw_text_plan_script(const struct uw_plan *p, FILE *f)
{
	char d[512], sh[1024], hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	fprintf(f, "#!/bin/sh\n# usbnet-wizard: phone on %s, desktop %s, phone %s/%u.\n"
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
		fprintf(f, "\t# undo: %s\n\t%s\n", d, sh);
	}
	fprintf(f, "else\n");
	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		fprintf(f, "\t# %s\n\t%s\n", d, sh);
	}
	fprintf(f, "fi\n");
}
