// SPDX-License-Identifier: GPL-2.0-or-later
/* `persist`: make the setup permanent (show, install, uninstall the files). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/firewalld.h"
#include "core/persist.h"
#include "cli/cli.h"
#include "cli/cliopts.h"

struct persist_opts {
	bool target_set;
	enum uw_persist_target target;
	bool show, install, uninstall;
	const char *root;
	struct uw_error *err;
	bool bad;
};

/* The options only `persist` has; see uw_cli_plan_from_args for the protocol
 * (2: "takes a value" when asked with ud NULL; 1: handled). */
static int extra(const char *opt, const char *arg, void *ud)
{
	struct persist_opts *po = ud;

	if (!po)
		return !strcmp(opt, "--target") || !strcmp(opt, "--root") ? 2 : 0;
	if (!strcmp(opt, "--target")) {
		if (uw_persist_target_parse(arg, &po->target, po->err) < 0)
			po->bad = true;
		po->target_set = true;
	} else if (!strcmp(opt, "--root")) {
		po->root = arg;
	} else if (!strcmp(opt, "--show")) {
		po->show = true;
	} else if (!strcmp(opt, "--install")) {
		po->install = true;
	} else if (!strcmp(opt, "--uninstall")) {
		po->uninstall = true;
	} else {
		return 0;
	}
	return 1;
}

static bool confirm(const char *question, bool yes, const char *cmd)
{
	if (yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		uw_cli_error(cmd, "not asking on a non-terminal: add --yes to confirm. Nothing was changed.");
		return false;
	}
	return uw_cli_ask(question, false);
}

static bool root_is_real(const char *root)
{
	return !root || !strcmp(root, "/");
}

static int do_uninstall(int argc, char **argv)
{
	const char *root = NULL;
	bool yes = false;
	struct uw_error err;

	uw_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strncmp(argv[i], "--root=", 7))
			root = argv[i] + 7;
		else if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
			yes = true;
		else if (strcmp(argv[i], "--uninstall")) {
			uw_cli_error(argv[0], "--uninstall takes only --root DIR and --yes (not \"%.60s\").", argv[i]);
			return UW_EXIT_USAGE;
		}
	}
	if (!uw_persist_installed(root)) {
		uw_cli_error(argv[0], "no permanent setup is installed%s%s: nothing to remove.",
			     root_is_real(root) ? "" : " under ", root_is_real(root) ? "" : root);
		return UW_EXIT_NOTFOUND;
	}
	if (root_is_real(root) && geteuid() != 0) {
		uw_cli_error(argv[0], "removing files from /etc needs root: run 'sudo usbnet-wizard persist "
			     "--uninstall'. Nothing was changed.");
		return UW_EXIT_NOPERM;
	}
	if (!confirm("Remove the permanent setup and put back the files it replaced?", yes, argv[0]))
		return UW_EXIT_USAGE;
	if (uw_persist_uninstall(root, &err) < 0) {
		uw_cli_error(argv[0], "%s", err.msg);
		return UW_EXIT_FAIL;
	}
	printf("The permanent setup was removed; replaced files were put back.\n");
	return UW_EXIT_OK;
}

static void show_files(const struct uw_persist_file *files, size_t n, enum uw_persist_target t,
		       const char *why)
{
	printf("Target: %s (%s)%s%s%s\n", uw_persist_target_name(t), uw_persist_target_about(t),
	       why ? ". Chosen because " : "", why ? why : "", why ? "." : "");
	for (size_t i = 0; i < n; i++) {
		if (files[i].link_target[0]) {
			printf("\n==> %s -> %s (symbolic link)\n", files[i].path, files[i].link_target);
			continue;
		}
		printf("\n==> %s (mode %04o)\n%s", files[i].path, files[i].mode, files[i].content);
	}
}

static int run(int argc, char **argv)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_facts *facts = calloc(1, sizeof(*facts));
	struct persist_opts po = { 0 };
	struct uw_persist_file *files = NULL;
	struct uw_cli_plan_opts o;
	struct uw_error err;
	struct uw_choices live;
	char why[256], whence[900];
	bool have_live;
	size_t n = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--uninstall")) {
			free(plan);
			free(facts);
			return do_uninstall(argc, argv);
		}
	}
	if (!plan || !facts) {
		free(plan);
		free(facts);
		return UW_EXIT_FAIL;
	}
	uw_error_clear(&err);
	po.err = &err;
	/* What is live now is what the user means to keep (issue: persist wrote
	 * /24 and the DNS proxy after 'apply --netmask /29 --dns none'). */
	have_live = uw_live_choices(&live, whence, sizeof(whence)) == 1;
	rc = uw_cli_plan_from_args_base(argc, argv, have_live ? &live : NULL, plan, facts, &o, extra, &po, &err);
	if (!rc && po.bad)
		rc = UW_EXIT_USAGE;
	if (!rc && o.json) {
		uw_error_set(&err, -EINVAL, "persist shows files, not a report: it has no --json (docs/json.md).");
		rc = UW_EXIT_USAGE;
	}
	if (rc) {
		uw_cli_error(argv[0], "%s", err.msg);
		goto out;
	}
	if (po.root && po.root[0] != '/') {
		uw_cli_error(argv[0], "--root needs an absolute path (not \"%.60s\").", po.root);
		rc = UW_EXIT_USAGE;
		goto out;
	}
	if (!po.target_set)
		uw_persist_detect(po.root, &po.target, why, sizeof(why));
	if (uw_persist_generate(po.target, plan, time(NULL), &files, &n, &err) < 0) {
		uw_cli_error(argv[0], "%s", err.msg);
		rc = UW_EXIT_USAGE;
		goto out;
	}
	printf("Choices: %s.\n", whence);
	/* Only the nm target keeps firewalld's zone across reloads and reboots
	 * (zone=nm-shared: NetworkManager binds it each time); the hook-based
	 * targets put nothing into firewalld, so say so where it matters. */
	if (po.target != UW_PERSIST_NM && po.target != UW_PERSIST_DEVD) {
		struct uw_firewalld *fwd = calloc(1, sizeof(*fwd));

		if (fwd && uw_firewalld_read(fwd, NULL) >= 0 && fwd->running)
			printf("Note: firewalld runs here, and the %s target does not put %s into a firewalld "
			       "zone, so firewalld drops the phone's forwarded traffic (at once, or after the "
			       "next 'firewall-cmd --reload'). Use --target nm (NetworkManager binds the zone nm-shared each time) "
			       "or 'usbnet-wizard watch' (which keeps the zone) on this desktop.\n",
			       uw_persist_target_name(po.target), plan->choices.iface);
		free(fwd);
	}
	if (po.show || !po.install)
		show_files(files, n, po.target, po.target_set ? NULL : why);
	if (!po.install) {
		if (!po.show)
			printf("\n(Shown only: add --install to write these files.)\n");
		rc = UW_EXIT_OK;
		goto out;
	}
	if (root_is_real(po.root) && geteuid() != 0) {
		uw_cli_error(argv[0], "writing to /etc needs root: run 'sudo usbnet-wizard persist --install "
			     "...'. Nothing was changed ('--show' shows the files).");
		rc = UW_EXIT_NOPERM;
		goto out;
	}
	if (!confirm("Install these files?", o.yes, argv[0])) {
		rc = UW_EXIT_USAGE;
		goto out;
	}
	if (uw_persist_install(files, n, po.root, &err) < 0) {
		uw_cli_error(argv[0], "%s Nothing was left changed.", err.msg);
		rc = err.code == -EEXIST ? UW_EXIT_USAGE : UW_EXIT_FAIL;
		goto out;
	}
	printf("Installed %zu file%s for %s%s%s. Undo with 'usbnet-wizard persist --uninstall%s%s'.\n", n,
	       n == 1 ? "" : "s", uw_persist_target_name(po.target), root_is_real(po.root) ? "" : " under ",
	       root_is_real(po.root) ? "" : po.root, root_is_real(po.root) ? "" : " --root ",
	       root_is_real(po.root) ? "" : po.root);
	rc = UW_EXIT_OK;
out:
	uw_persist_files_free(files, n);
	free(plan);
	free(facts);
	return rc;
}

static char usage[4096];

static const char *build_usage(void)
{
	snprintf(usage, sizeof(usage),
		 "usage: usbnet-wizard persist [--target T] [--show] [--install] [--uninstall]\n"
		 "                             [--root DIR] [--yes] [OPTIONS]\n\n"
		 "Make the setup permanent: generate the configuration that applies it\n"
		 "every time the phone is plugged in (and undoes it on unplug) for the\n"
		 "network system this desktop runs, show it, and install it on request.\n"
		 "Every file says it was generated, when, and from which choices.\n"
		 "The choices are those of the setup live now (its journal records them),\n"
		 "changed by the options given; without a live setup, the defaults.\n\n"
		 "  --target T     nm, nm-unmanaged, networkd, ifupdown, ifcfg, openrc, udev,\n"
		 "                 devd (default: detected)\n"
		 "  --show         print the files (the default without --install)\n"
		 "  --install      write them (root); a replaced file is backed up first\n"
		 "  --uninstall    remove what --install wrote and put back what it replaced\n"
		 "  --root DIR     install under DIR instead of / (for images and tests)\n"
		 "  --yes          do not ask for confirmation\n\nPlan options (as for apply):\n%s",
		 uw_cli_plan_usage);
	return usage;
}

__attribute__((constructor)) static void init_usage(void)
{
	build_usage();
}

const struct uw_command uw_cmd_persist = {
	.name = "persist",
	.summary = "make the setup permanent (NetworkManager, networkd, ifupdown, udev, ...)",
	.usage = usage,
	.run = run,
};
