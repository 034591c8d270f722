// SPDX-License-Identifier: GPL-2.0-or-later
/* `revert`: undo exactly what apply did, from the journal. `status`: what is live.
 * `confirm`: keep what `apply --auto-revert` put on trial. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/autorevert.h"
#include "core/fw.h"
#include "cli/cli.h"
#include "cli/json.h"

/* With --json: the steps and their outcomes, in the order they were undone. */
static void json_step(const struct uw_action *a, enum uw_step_event ev, const struct uw_error *e)
{
	struct uw_json *j = uw_cli_json_doc();
	char d[512];

	if (!j || (ev != UW_STEP_UNDONE && ev != UW_STEP_GONE && ev != UW_STEP_UNDO_FAILED))
		return;
	uw_action_describe(a, d, sizeof(d));
	uw_json_obj_begin(j, NULL);
	uw_json_str(j, "describe", d);
	uw_json_str(j, "outcome", ev == UW_STEP_UNDONE ? "undone" : ev == UW_STEP_GONE ? "already_gone" :
		    "undo_failed");
	if (ev == UW_STEP_UNDO_FAILED && e)
		uw_json_str(j, "failure", e->msg);
	uw_json_obj_end(j);
}

static void on_step(void *ud, size_t idx, const struct uw_action *a, enum uw_step_event ev,
		    const struct uw_error *e)
{
	char d[512], sh[1024];

	if (uw_cli_json_doc()) {
		json_step(a, ev, e);
		return;
	}
	uw_action_describe(a, d, sizeof(d));
	if (ev == UW_STEP_UNDOING) {
		uw_action_shell(a, true, sh, sizeof(sh));
		printf("undo: %s\n      $ %s\n", d, sh);
	} else if (ev == UW_STEP_UNDONE) {
		printf("      done\n");
	} else if (ev == UW_STEP_GONE) {
		printf("      already gone, nothing to undo\n");
	} else if (ev == UW_STEP_UNDO_FAILED) {
		printf("      FAILED: %s\n", e ? e->msg : "");
	}
	fflush(stdout);
}

static int run_revert(int argc, char **argv)
{
	struct uw_error err;
	bool leftovers = false, json = false;
	struct uw_json *j = NULL;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--leftovers"))
			leftovers = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else {
			uw_cli_error("revert", "unknown option \"%s\" (see --help).", argv[i]);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	if (geteuid() != 0) {
		uw_cli_error("revert", "changing the network needs root: run 'sudo usbnet-wizard revert'. "
			     "Nothing was changed.");
		return UW_EXIT_NOPERM;
	}
	if (json) {
		j = uw_cli_json_begin(stdout);
		uw_json_arr_begin(j, "steps");
	}
	r = uw_revert(NULL, on_step, NULL, &err);
	if (j) {
		uw_json_arr_end(j);
		if (r >= 0)
			uw_json_int(j, "reverted", r);
	}
	if (r == -EBUSY) {
		uw_cli_error("revert", "%s", err.msg);
		return UW_EXIT_BUSY;
	}
	if (r < 0) {
		uw_cli_error("revert", "%s", err.msg);
		return UW_EXIT_FAIL;
	}
	if (j)
		;
	else if (r == 0 && !leftovers)
		printf("Nothing to revert: usbnet-wizard has no changes in place.\n");
	else if (r > 0)
		printf("Reverted %d step%s: the desktop is as it was before.\n", r, r == 1 ? "" : "s");
	if (leftovers) {
		/* Rules tagged by us with no journal entry: a crash before journaling existed, or a lost /run. */
		int total = 0;
		for (int be = UW_FW_IPTABLES; be <= UW_FW_NFTABLES; be++) {
			int n = uw_fw_remove_all_ours((enum uw_fw_backend)be, &err);
			if (n < 0) {
				uw_cli_error("revert", "%s: %s", uw_fw_backend_name((enum uw_fw_backend)be), err.msg);
				return UW_EXIT_FAIL;
			}
			total += n;
		}
		if (j)
			uw_json_int(j, "leftover_rules_removed", total);
		else
			printf("Removed %d leftover firewall rule%s tagged usbnet-wizard.\n", total,
			       total == 1 ? "" : "s");
	}
	return UW_EXIT_OK;
}

/*
 * Our tagged firewall rules the journal does not know (a crash before the
 * journal existed, a lost /run): one sentence naming them and how to remove
 * them, in @buf ("" when there are none or the firewall cannot be read).
 * Returns how many rules (the nft table counts as one at least).
 */
static unsigned leftovers(const struct uw_journal *j, char *buf, size_t len)
{
	struct uw_fw_inventory *inv = calloc(1, sizeof(*inv));
	struct uw_error e;
	unsigned n = 0;

	buf[0] = '\0';
	if (!inv)
		return 0;
	/* Rules the journal holds are not leftovers. */
	for (size_t i = 0; i < j->n_live; i++)
		if (j->live[i].kind == UW_ACT_FW) {
			free(inv);
			return 0;
		}
	if (uw_fw_inventory_read_quick(inv, &e) == 0) {
		n = inv->legacy_ours + inv->nft_ours_foreign_chains + (inv->nft_has_ours ? 1 : 0);
		if (n)
			snprintf(buf, len, "No journal records them, but firewall rules tagged usbnet-wizard "
				 "are still in place (%s%s%s%s): left by a crash or a lost %s. 'sudo usbnet-wizard "
				 "revert --leftovers' removes them (only rules tagged usbnet-wizard).",
				 inv->legacy_ours ? "iptables-legacy rules" : "",
				 inv->legacy_ours && (inv->nft_has_ours || inv->nft_ours_foreign_chains) ? ", " : "",
				 inv->nft_has_ours ? "the nftables table ip usbnet-wizard" : "",
				 inv->nft_ours_foreign_chains ? " and rules in other nftables chains" : "",
				 uw_rundir());
	}
	free(inv);
	return n;
}

/* The pending automatic revert, if any: when, and whether its timer still runs. */
static void print_pending(const struct uw_journal *j)
{
	struct uw_autorevert ar;
	char when[32] = "";
	time_t t;
	struct tm tm;
	long long left;

	uw_autorevert_from_journal(j, &ar);
	if (!ar.pending)
		return;
	t = (time_t)(ar.deadline_ms / 1000);
	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	left = (ar.deadline_ms - uw_autorevert_now_ms() + 999) / 1000;
	if (ar.running)
		printf("Automatic revert pending: at %s (in %lld s) these changes are undone unless "
		       "'sudo usbnet-wizard confirm' keeps them (timer pid %ld).\n", when, left > 0 ? left : 0,
		       ar.pid);
	else
		printf("An automatic revert was due at %s, but its timer (pid %ld) is gone, so nothing "
		       "will undo these changes by itself: 'sudo usbnet-wizard revert' undoes them, "
		       "'sudo usbnet-wizard confirm' keeps them.\n", when, ar.pid);
}

static int run_status(int argc, char **argv)
{
	struct uw_journal *j = calloc(1, sizeof(*j));
	struct uw_error err;
	bool json = false;
	int r, rc = UW_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else {
			uw_cli_error("status", "unknown option \"%s\" (see --help).", argv[i]);
			free(j);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	r = uw_journal_read(j, &err);
	if (r < 0) {
		bool perm = r == -EACCES || r == -EPERM;

		/* A journal from an older version is root's alone (0600); say so plainly. */
		if (perm)
			uw_error_set(&err, r, "The journal %s/journal can only be read by root (an older "
				     "usbnet-wizard made it private): run 'sudo usbnet-wizard status'. "
				     "The next apply makes it readable for everyone.", uw_rundir());
		/* (with --json, main closes the document with this sentence and status) */
		uw_cli_error("status", "%s", err.msg);
		free(j);
		return perm ? UW_EXIT_NOPERM : UW_EXIT_FAIL;
	}
	if (json) {
		struct uw_json *js = uw_cli_json_begin(stdout);
		char d[512], sh[1024];

		uw_json_bool(js, "live", j->n_live > 0);
		if (j->pid > 0)
			uw_json_int(js, "pid", j->pid);
		if (j->started > 0)
			uw_json_int(js, "started", j->started);
		uw_json_int(js, "damaged_lines", j->damaged);
		{
			struct uw_autorevert ar;

			uw_autorevert_from_journal(j, &ar);
			if (ar.pending) {
				uw_json_obj_begin(js, "auto_revert");
				uw_json_int(js, "deadline", ar.deadline_ms / 1000);
				uw_json_int(js, "pid", ar.pid);
				uw_json_bool(js, "running", ar.running);
				uw_json_obj_end(js);
			}
		}
		uw_json_arr_begin(js, "steps");
		for (size_t i = 0; i < j->n_live; i++) {
			struct uw_error pe;
			int p = uw_action_probe(&j->live[i], &pe);
			uw_action_describe(&j->live[i], d, sizeof(d));
			uw_action_shell(&j->live[i], true, sh, sizeof(sh));
			uw_json_obj_begin(js, NULL);
			uw_json_str(js, "describe", d);
			uw_json_str(js, "undo_shell", sh);
			uw_json_bool(js, "complete", j->complete[i]);
			/* true, false, or absent when it could not be probed */
			if (p >= 0)
				uw_json_bool(js, "in_place", p > 0);
			uw_json_obj_end(js);
		}
		uw_json_arr_end(js);
		{
			char lo[600];
			unsigned n = leftovers(j, lo, sizeof(lo));
			uw_json_int(js, "leftover_rules", n);
			if (n)
				uw_json_str(js, "leftovers", lo);
		}
	} else if (j->n_live == 0) {
		char lo[600];

		if (leftovers(j, lo, sizeof(lo)))
			printf("No journaled changes by usbnet-wizard are in place. %s\n", lo);
		else
			printf("No changes by usbnet-wizard are in place.\n");
	} else {
		char d[512], when[64] = "";
		time_t t = (time_t)j->started;
		struct tm tm;

		if (t > 0 && localtime_r(&t, &tm))
			strftime(when, sizeof(when), " since %Y-%m-%d %H:%M", &tm);
		printf("%zu change%s by usbnet-wizard in place%s; 'usbnet-wizard revert' undoes them:\n",
		       j->n_live, j->n_live == 1 ? "" : "s", when);
		size_t unknown = 0;

		for (size_t i = 0; i < j->n_live; i++) {
			struct uw_error pe;
			int p = uw_action_probe(&j->live[i], &pe);
			uw_action_describe(&j->live[i], d, sizeof(d));
			printf("  %s %s%s\n", p == 1 ? "[in place]" : p == 0 ? "[gone]    " : "[unknown] ", d,
			       j->complete[i] ? "" : " (interrupted while applying)");
			unknown += p < 0;
		}
		print_pending(j);
		/* Addresses, routes and sysctls are readable by anyone; the firewall is not. */
		if (unknown && geteuid() != 0)
			printf("Firewall rules can only be read by root: 'sudo usbnet-wizard status' "
			       "checks the [unknown] ones too.\n");
	}
	if (!json && j->damaged)
		printf("The journal %s/journal has %u damaged line%s (the first is line %d), skipped: a "
		       "record cut short by a crash was never acted on. The other records count.\n",
		       uw_rundir(), j->damaged, j->damaged == 1 ? "" : "s", j->damaged_line);
	free(j);
	return rc;
}

const struct uw_command uw_cmd_revert = {
	.name = "revert", .summary = "undo everything usbnet-wizard applied (also after a crash)",
	.usage = "usage: usbnet-wizard revert [--leftovers] [--json]\n\n"
		 "Undo every change recorded in the journal, newest first, restoring prior\n"
		 "values (such as the old ip_forward). Works after a crash or kill -9.\n"
		 "  --leftovers   also remove any firewall rule tagged usbnet-wizard that the\n"
		 "                journal does not know (only ever our own tagged rules)\n"
		 "  --json        the steps undone and their outcome as JSON (docs/json.md)\n\n"
		 "Exit status: 0 done (or nothing to do), 1 a step could not be undone (it\n"
		 "stays journaled), 3 not root, 5 another usbnet-wizard is busy.\n",
	.run = run_revert,
};

const struct uw_command uw_cmd_status = {
	.name = "status", .summary = "show the changes usbnet-wizard has in place",
	.usage = "usage: usbnet-wizard status [--json]\n\n"
		 "List the journaled changes still in place, each probed live. Works without\n"
		 "root; the firewall rules are then shown as [unknown] (only root can read\n"
		 "them). Exit status: 0 done, 1 the journal cannot be read, 3 the journal is\n"
		 "readable only by root (made by an older version).\n",
	.run = run_status,
};

static int run_confirm(int argc, char **argv)
{
	struct uw_error err;
	int r;

	for (int i = 1; i < argc; i++) {
		uw_cli_error("confirm", "unknown argument \"%s\" (see --help).", argv[i]);
		return UW_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		uw_cli_error("confirm", "keeping the changes needs root: run 'sudo usbnet-wizard confirm'. "
			     "Nothing was changed.");
		return UW_EXIT_NOPERM;
	}
	uw_error_clear(&err);
	r = uw_autorevert_confirm(&err);
	if (r == 0) {
		printf("Kept: the automatic revert is cancelled and the changes stay in place "
		       "('usbnet-wizard revert' undoes them).\n");
		return UW_EXIT_OK;
	}
	if (r == 1) {
		printf("%s\n", err.msg);
		return UW_EXIT_OK;
	}
	uw_cli_error("confirm", "%s", err.msg);
	return r == -EBUSY ? UW_EXIT_BUSY : UW_EXIT_FAIL;
}

const struct uw_command uw_cmd_confirm = {
	.name = "confirm", .summary = "keep what an apply on trial changed (cancel its automatic revert)",
	.usage = "usage: usbnet-wizard confirm\n\n"
		 "Keep the changes that apply put on trial with its automatic revert option\n"
		 "(or the wizard's \"Apply with auto-revert\"): the pending automatic revert is\n"
		 "cancelled. Without it, everything is undone at the deadline, even if the\n"
		 "terminal that applied it is gone. 'usbnet-wizard status' shows the deadline.\n\n"
		 "Exit status: 0 kept (or nothing was pending), 1 too late: the automatic\n"
		 "revert already undid the changes, 3 not root, 5 another usbnet-wizard is busy.\n",
	.run = run_confirm,
};
