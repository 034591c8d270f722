// SPDX-License-Identifier: GPL-2.0-or-later
/* `plan` and `apply`: the same options; plan only shows, apply changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/autorevert.h"
#include "core/text.h"
#include "core/util.h"
#include "cli/cli.h"
#include "cli/cliopts.h"
#include "cli/json.h"

static void print_plan_text(const struct uw_plan *p, const struct uw_cli_plan_opts *o, FILE *f)
{
	char hs[UW_IP4_STRLEN], ps[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	fprintf(f, "Phone interface: %s%s%s%s\n", c->iface, o->iface_detected ? " (detected: " : "",
		o->iface_detected ? o->detect_reason : "", o->iface_detected ? ")" : "");
	fprintf(f, "Preset: %s. Desktop %s, phone %s, netmask /%u%s.\n", c->preset->name,
		uw_ip4_str(c->host_ip, hs), uw_ip4_str(c->phone_ip, ps), c->plen,
		p->netmask_from_overlap ? " (the overlap fix)" : "");
	if (c->nat)
		fprintf(f, "Sharing: on, out through %s. DNS: %s.\n\n", c->out_iface, uw_dns_mode_name(c->dns));
	else
		fprintf(f, "Sharing: off. DNS: %s.\n\n", uw_dns_mode_name(c->dns));
	for (size_t i = 0; i < p->n_notes; i++)
		fprintf(f, "* %s\n\n", p->notes[i]);
	fprintf(f, "Plan (%zu steps):\n", p->n);
	uw_text_plan_steps(p, f);
}

static void print_plan_json(const struct uw_plan *p, const struct uw_cli_plan_opts *o, struct uw_json *j)
{
	char d[512], sh[1024], un[1024], s[UW_IP4_STRLEN];
	const struct uw_choices *c = &p->choices;

	uw_json_str(j, "iface", c->iface);
	uw_json_bool(j, "iface_detected", o->iface_detected);
	uw_json_str(j, "preset", c->preset->id);
	uw_json_str(j, "host_ip", uw_ip4_str(c->host_ip, s));
	uw_json_str(j, "phone_ip", uw_ip4_str(c->phone_ip, s));
	uw_json_int(j, "prefix", c->plen);
	uw_json_bool(j, "netmask_from_overlap", p->netmask_from_overlap);
	uw_json_bool(j, "nat", c->nat);
	if (c->nat && c->out_iface[0])
		uw_json_str(j, "out_iface", c->out_iface);
	uw_json_str(j, "dns", uw_dns_mode_name(c->dns));
	uw_json_arr_begin(j, "overlap");
	for (size_t i = 0; i < p->overlap.n; i++)
		uw_json_str(j, NULL, p->overlap.conflicts[i].text);
	uw_json_arr_end(j);
	uw_json_arr_begin(j, "notes");
	for (size_t i = 0; i < p->n_notes; i++)
		uw_json_str(j, NULL, p->notes[i]);
	uw_json_arr_end(j);
	uw_json_arr_begin(j, "actions");
	for (size_t i = 0; i < p->n; i++) {
		uw_action_describe(&p->actions[i], d, sizeof(d));
		uw_action_shell(&p->actions[i], false, sh, sizeof(sh));
		uw_action_shell(&p->actions[i], true, un, sizeof(un));
		uw_json_obj_begin(j, NULL);
		uw_json_str(j, "kind", uw_action_kind_name(p->actions[i].kind));
		uw_json_str(j, "describe", d);
		if (p->actions[i].why[0])
			uw_json_str(j, "why", p->actions[i].why);
		uw_json_str(j, "shell", sh);
		uw_json_str(j, "undo_shell", un);
		uw_json_obj_end(j);
	}
	uw_json_arr_end(j);
}

static const char plan_usage[] =
	"usage: usbnet-wizard plan [OPTIONS] [--json]\n\n"
	"Show what 'apply' would do with the same options: warnings (such as a\n"
	"subnet overlap), then every step in plain words with its shell command.\n"
	"Changes nothing; needs no root.\n\nOptions:\n";

static const char apply_usage[] =
	"usage: usbnet-wizard apply [OPTIONS] [--dry-run] [--json]\n\n"
	"Configure this desktop so the phone gets online through it: address on\n"
	"the phone's interface, forwarding, masquerade, DNS proxy. Every step is\n"
	"journaled first; a failing step undoes the ones before it, and\n"
	"'usbnet-wizard revert' undoes everything, even after a crash.\n"
	"Applying again changes nothing that is already in place.\n\nOptions:\n";

static int do_plan(int argc, char **argv, bool apply)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_facts *facts = calloc(1, sizeof(*facts));
	struct uw_cli_plan_opts o;
	struct uw_error err;
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int rc, n_args = 0;
	long auto_revert = 0;

	uw_error_clear(&err);
	if (!plan || !facts || !args) {
		free(plan);
		free(facts);
		free(args);
		return UW_EXIT_FAIL;
	}
	/* apply's own --auto-revert SECONDS; the rest are the shared plan options. */
	rc = 0;
	for (int i = 0; i < argc && !rc; i++) {
		const char *v = NULL;

		if (apply && i > 0 && !strcmp(argv[i], "--auto-revert")) {
			if (i + 1 >= argc) {
				uw_error_set(&err, -EINVAL, "--auto-revert needs a value: the seconds to wait "
					     "for 'usbnet-wizard confirm' (1-%d).", UW_AUTOREVERT_MAX_SECONDS);
				rc = UW_EXIT_USAGE;
				break;
			}
			v = argv[++i];
		} else if (apply && i > 0 && !strncmp(argv[i], "--auto-revert=", 14)) {
			v = argv[i] + 14;
		} else {
			args[n_args++] = argv[i];
			continue;
		}
		char *end;
		errno = 0;
		auto_revert = strtol(v, &end, 10);
		if (errno || end == v || *end || auto_revert < 1 || auto_revert > UW_AUTOREVERT_MAX_SECONDS) {
			uw_error_set(&err, -EINVAL, "--auto-revert takes the seconds to wait for 'usbnet-wizard "
				     "confirm', 1 to %d (not \"%.40s\"). Nothing was changed.",
				     UW_AUTOREVERT_MAX_SECONDS, v);
			rc = UW_EXIT_USAGE;
		}
	}
	args[n_args] = NULL;
	argc = n_args;
	argv = args;
	if (rc) {
		uw_cli_error(argv[0], "%s", err.msg);
		goto out;
	}
	o.auto_revert = (int)auto_revert;
	/* The shared parser knows --yes for persist; plan and apply never ask. */
	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y")) {
			uw_error_set(&err, -EINVAL, "%s asks for no confirmation, so it takes no --yes: leave "
				     "it out. Nothing was changed.", argv[0]);
			rc = UW_EXIT_USAGE;
		}
	}
	if (!rc)
	{
		int ar = o.auto_revert;

		rc = uw_cli_plan_from_args(argc, argv, plan, facts, &o, NULL, NULL, &err);
		o.auto_revert = ar;
	}
	if (rc) {
		uw_cli_error(argv[0], "%s", err.msg);
		goto out;
	}
	if (!apply || o.dry_run) {
		if (o.json) {
			struct uw_json *j = uw_cli_json_begin(stdout);
			uw_json_bool(j, "dry_run", apply);
			print_plan_json(plan, &o, j);
		} else {
			print_plan_text(plan, &o, stdout);
			if (apply)
				printf("\n(--dry-run: nothing was changed)\n");
		}
		rc = UW_EXIT_OK;
		goto out;
	}
	rc = uw_cli_apply_plan(plan, &o, argv[0]);
out:
	free(plan);
	free(facts);
	free(args);
	return rc;
}

struct progress {
	bool json;
	const struct uw_plan *plan;
	/* Each step's last outcome, for --json (UW_STEP_START: not finished). */
	bool seen[UW_PLAN_MAX_ACTIONS];
	enum uw_step_event outcome[UW_PLAN_MAX_ACTIONS];
	char failure[UW_PLAN_MAX_ACTIONS][256];
};

/* The words of docs/json.md for a step's outcome. */
static const char *outcome_name(enum uw_step_event ev)
{
	switch (ev) {
	case UW_STEP_DONE: return "done";
	case UW_STEP_ALREADY: return "already_in_place";
	case UW_STEP_FAILED: return "failed";
	case UW_STEP_UNDOING: return "undo_started";
	case UW_STEP_UNDONE: return "undone";
	case UW_STEP_GONE: return "already_gone";
	case UW_STEP_UNDO_FAILED: return "undo_failed";
	case UW_STEP_START: break;
	}
	return "interrupted";
}

static void on_step(void *ud, size_t idx, const struct uw_action *a, enum uw_step_event ev,
		    const struct uw_error *e)
{
	struct progress *pr = ud;
	char d[512], sh[1024];
	FILE *f = pr->json ? stderr : stdout;

	/* A failed step stays "failed" (its cleanup is part of the failure). */
	if (idx < UW_PLAN_MAX_ACTIONS && !(pr->seen[idx] && pr->outcome[idx] == UW_STEP_FAILED)) {
		pr->seen[idx] = true;
		pr->outcome[idx] = ev;
		if ((ev == UW_STEP_FAILED || ev == UW_STEP_UNDO_FAILED) && e)
			uw_strlcpy(pr->failure[idx], e->msg, sizeof(pr->failure[idx]));
	}
	uw_action_describe(a, d, sizeof(d));
	switch (ev) {
	case UW_STEP_START:
		uw_action_shell(a, false, sh, sizeof(sh));
		fprintf(f, "[%zu/%zu] %s\n        $ %s\n", idx + 1, pr->plan ? pr->plan->n : 0, d, sh);
		break;
	case UW_STEP_DONE:
		fprintf(f, "        done\n");
		break;
	case UW_STEP_ALREADY:
		fprintf(f, "        already in place, left as it is\n");
		break;
	case UW_STEP_FAILED:
		fprintf(f, "        FAILED: %s\n", e ? e->msg : "");
		break;
	case UW_STEP_UNDOING:
		uw_action_shell(a, true, sh, sizeof(sh));
		fprintf(f, "  undo: %s\n        $ %s\n", d, sh);
		break;
	case UW_STEP_UNDONE:
		fprintf(f, "        undone\n");
		break;
	case UW_STEP_GONE:
		fprintf(f, "        already gone, nothing to undo\n");
		break;
	case UW_STEP_UNDO_FAILED:
		fprintf(f, "        COULD NOT UNDO: %s\n", e ? e->msg : "");
		break;
	}
	fflush(f);
}

int uw_cli_apply_plan(const struct uw_plan *plan, const struct uw_cli_plan_opts *o, const char *cmd)
{
	static struct progress pr;
	struct uw_error err;
	int r;

	memset(&pr, 0, sizeof(pr));
	pr.json = o->json;
	pr.plan = plan;
	uw_error_clear(&err);
	if (geteuid() != 0) {
		uw_cli_error(cmd, "changing the network needs root: run 'sudo usbnet-wizard %s ...'. "
			     "Nothing was changed ('usbnet-wizard plan' shows what would be done).", cmd);
		return UW_EXIT_NOPERM;
	}
	long long deadline = 0;

	if (o->auto_revert > 0)
		r = uw_apply_try(plan, o->auto_revert, &deadline, on_step, &pr, &err);
	else
		r = uw_apply(plan, NULL, on_step, &pr, &err);
	if (o->json) {
		struct uw_json *j = uw_cli_json_begin(stdout);
		char d[512];

		uw_json_bool(j, "dry_run", false);
		print_plan_json(plan, o, j);
		/* What happened to each step: done, already in place, failed, undone (rollback). */
		uw_json_arr_begin(j, "steps");
		for (size_t i = 0; i < plan->n && i < UW_PLAN_MAX_ACTIONS; i++) {
			uw_action_describe(&plan->actions[i], d, sizeof(d));
			uw_json_obj_begin(j, NULL);
			uw_json_int(j, "index", (long long)i + 1);
			uw_json_str(j, "describe", d);
			uw_json_str(j, "outcome", pr.seen[i] ? outcome_name(pr.outcome[i]) : "not_run");
			if (pr.failure[i][0])
				uw_json_str(j, "failure", pr.failure[i]);
			uw_json_obj_end(j);
		}
		uw_json_arr_end(j);
		if (r == 0 && deadline > 0)
			uw_json_int(j, "auto_revert_deadline", deadline / 1000);
	}
	if (r < 0 && !strncmp(err.msg, "Step ", 5)) {
		/* a step failed (and was rolled back), whatever its errno */
		uw_cli_error(cmd, "%s", err.msg);
		return UW_EXIT_FAIL;
	}
	if (r == -EBUSY) {
		uw_cli_error(cmd, "%s", err.msg);
		return UW_EXIT_BUSY;
	}
	if (r == -ENODEV) {
		uw_cli_error(cmd, "%s", err.msg);
		return UW_EXIT_NOTFOUND;
	}
	if (r == -EALREADY || r == -EINVAL) {
		uw_cli_error(cmd, "%s", err.msg);
		return r == -EINVAL ? UW_EXIT_USAGE : UW_EXIT_FAIL;
	}
	if (r == -EACCES || r == -EPERM) {
		uw_cli_error(cmd, "%s", err.msg);
		return UW_EXIT_NOPERM;
	}
	if (r < 0) {
		uw_cli_error(cmd, "%s", err.msg);
		return UW_EXIT_FAIL;
	}
	/* The plan's notes (DNS, overlap, firewalld) describe the setup now in place:
	 * after a refusal or a rollback there is none, and they would only mislead. */
	if (!o->json && plan->n_notes) {
		printf("\n");
		for (size_t i = 0; i < plan->n_notes; i++)
			printf("* %s\n", plan->notes[i]);
	}
	if (!o->json && deadline > 0) {
		char when[32] = "";
		time_t t = (time_t)(deadline / 1000);
		struct tm tm;

		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
		printf("\nThe desktop side is ready, on trial: unless 'sudo usbnet-wizard confirm' keeps it "
		       "within %d s (by %s), everything is undone, even if this terminal closes. "
		       "'usbnet-wizard check' tests the phone meanwhile.\n", o->auto_revert, when);
	} else if (!o->json)
		printf("\nThe desktop side is ready. Next: 'usbnet-wizard check' tests the phone; "
		       "'usbnet-wizard revert' undoes all of this.\n");
	return UW_EXIT_OK;
}

static int run_plan(int argc, char **argv) { return do_plan(argc, argv, false); }
static int run_apply(int argc, char **argv) { return do_plan(argc, argv, true); }

static char plan_help[4096], apply_help[4096];

__attribute__((constructor)) static void build_help(void)
{
	snprintf(plan_help, sizeof(plan_help), "%s%s  --json              machine-readable output\n",
		 plan_usage, uw_cli_plan_usage);
	snprintf(apply_help, sizeof(apply_help),
		 "%s%s  --auto-revert SECONDS  undo everything SECONDS (1-3600) from now unless\n"
		 "                      'usbnet-wizard confirm' keeps it; done by a process of its\n"
		 "                      own, so it happens even if the terminal or session dies\n"
		 "  --dry-run           show the plan, change nothing\n"
		 "  --json              machine-readable result\n\n"
		 "Exit status: 0 done, 1 a step failed (and was rolled back) or a different\n"
		 "setup is still live (revert it first), 2 bad option or value (nothing\n"
		 "changed), 3 not root, 4 no phone interface, 5 another usbnet-wizard is busy.\n", apply_usage, uw_cli_plan_usage);
}

const struct uw_command uw_cmd_plan = {
	.name = "plan", .summary = "show what apply would do, with the equivalent commands",
	.usage = plan_help, .run = run_plan,
};

const struct uw_command uw_cmd_apply = {
	.name = "apply", .summary = "configure the desktop side live (journaled, undoable)",
	.usage = apply_help, .run = run_apply,
};
