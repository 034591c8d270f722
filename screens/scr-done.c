// SPDX-License-Identifier: GPL-2.0-or-later
/* Done: summary; revert; make it permanent; save a support report; quit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/doctor.h"
#include "core/env.h"
#include "core/persist.h"
#include "core/text.h"
#include "core/profile.h"
#include "core/report.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/input.h"
#include "tui/msgbox.h"
#include "tui/textbox.h"
#include "tui/textview.h"

#define BTN_REVERT (UW_TUI_BUTTON_CUSTOM + 1)
#define BTN_PERSIST (UW_TUI_BUTTON_CUSTOM + 2)
#define BTN_REPORT (UW_TUI_BUTTON_CUSTOM + 3)
#define BTN_DOCTOR (UW_TUI_BUTTON_CUSTOM + 4)

/* The button last used: the screen is rebuilt after each action, and the
 * focus stays where the user was (an Enter after a message must not Quit). */
static int last_button = UW_TUI_NEXT;

#include "core/version.h"
#define WIZARD_VERSION UW_VERSION

static void enter(struct uw_wizard *w)
{
	static const struct uw_widget_button_def row[] = {
		{ "Back", UW_TUI_BACK }, { "Quit", UW_TUI_NEXT }, { "Revert", BTN_REVERT },
		{ "Permanent", BTN_PERSIST }, { "Doctor", BTN_DOCTOR }, { "Report", BTN_REPORT },
	};
	struct uw_widget_buttons *b = uw_tui_frame_buttons(w->frame);
	bool live = uw_wizard_changes_live();
	char text[1200];

	snprintf(text, sizeof(text), "%s\n\n%s\n\n"
		 "Revert undoes every change usbnet-wizard made. Permanent writes the "
		 "configuration files that set this up again each time the phone is plugged in. "
		 "Doctor looks for everything that stops a phone getting online and offers fixes. "
		 "Report writes a support report (secrets left out) to paste into a ticket.%s",
		 live ? "The desktop side is set up: the changes are live now." :
			"No usbnet-wizard changes are in place on this computer.",
		 w->checks_summary[0] ? w->checks_summary : "The phone was not checked.",
		 live ? "\n\nQuit leaves the changes in place; 'sudo usbnet-wizard revert' undoes "
			"them later." : "");
	struct uw_widget_textview *t = uw_widget_textview_new(text);
	uw_widget_textview_set_rows(t, 12);
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));
	uw_widget_buttons_set(b, row, UW_ARRAY_SIZE(row), last_button);
	if (!live)
		uw_widget_buttons_set_enabled(b, BTN_REVERT, false, "nothing is in place to revert.");
	if (!w->plan_ok)
		uw_widget_buttons_set_enabled(b, BTN_PERSIST, false, "there is no plan to make permanent.");
	uw_tui_frame_set_hints(w->frame, "Enter Quit  Tab/Left/Right Move  Esc Back  F1 Help  q Quit");
	uw_tui_frame_focus(w->frame, 1);
}

/*
 * Follow the cable: save these choices as watch's profile and install the
 * systemd unit that runs 'usbnet-wizard watch', which applies the profile
 * whenever the phone appears and reverts it when it goes. Enabling the unit
 * is left to the user (we run no shell); the message gives the command.
 */
static void follow_cable(struct uw_wizard *w, const char *root, bool real)
{
	static const char ppath[] = "/etc/usbnet-wizard/profile";
	static const char upath[] = "/etc/systemd/system/usbnet-wizard-watch.service";
	struct uw_persist_file files[2];
	struct uw_profile prof;
	struct uw_error err;
	char exe[512];

	if (real && geteuid() != 0) {
		uw_tui_message(w->loop, "Root is needed", "Writing to /etc needs root: run 'sudo usbnet-wizard' "
			       "(or 'sudo usbnet-wizard profile save' and install the watch unit). "
			       "Nothing was changed.");
		return;
	}
	uw_error_clear(&err);
	/* The unit runs the installed binary, never this build tree's copy. */
	if (uw_persist_service_binary(real ? "/" : root, exe, sizeof(exe), &err) < 0) {
		uw_tui_message(w->loop, "Install usbnet-wizard first", err.msg);
		return;
	}
	/* One permanent setup at a time: the watch service beside installed config
	 * files would set the phone up twice. */
	if (uw_persist_installed(real ? "/" : root)) {
		uw_tui_message(w->loop, "Already permanent", "A permanent setup by usbnet-wizard is already "
			       "installed (Config files); the watch service beside it would set the phone up "
			       "twice. Remove it first ('sudo usbnet-wizard persist --uninstall'), then choose "
			       "Follow the cable again. Nothing was changed.");
		return;
	}
	uw_profile_init(&prof);
	/* The user's choices as made (the draft), not the plan resolved from them:
	 * watch resolves them again, on the facts of the day it runs. */
	prof.choices = w->draft;
	if (prof.choices.dns != UW_DNS_STATIC)
		prof.choices.n_dns_servers = 0;
	uw_strlcpy(prof.match_name, w->plan->choices.iface, sizeof(prof.match_name));
	char *q = uw_strdup_printf("Save these choices as the profile %s and install %s, which runs "
				   "'%s watch' to set this up each time the phone (%s) is plugged in and undo "
				   "it when it is unplugged?", ppath, upath, exe, prof.match_name);
	bool yes = uw_tui_confirm(w->loop, "Follow the cable", q, false);
	free(q);
	if (!yes)
		return;
	/* Installed like the config files: journaled in the persist manifest, so
	 * 'persist --uninstall' removes both and puts back what they replaced. */
	memset(files, 0, sizeof(files));
	uw_strlcpy(files[0].path, ppath, sizeof(files[0].path));
	files[0].mode = 0644;
	files[0].content = uw_profile_format(&prof);
	uw_strlcpy(files[1].path, upath, sizeof(files[1].path));
	files[1].mode = 0644;
	files[1].content = uw_strdup_printf(
		"# Generated by usbnet-wizard: apply the profile %s whenever the phone is\n"
		"# plugged in by USB, and undo it when it is unplugged.\n"
		"# Remove with: usbnet-wizard persist --uninstall\n"
		"[Unit]\nDescription=usbnet-wizard: share this desktop's connection with a USB-networked phone\n"
		"After=network.target\n\n[Service]\nType=simple\nExecStart=%s watch --profile %s\n"
		"Restart=on-failure\nRestartSec=2\nKillSignal=SIGTERM\nTimeoutStopSec=20\n\n"
		"[Install]\nWantedBy=multi-user.target\n", ppath, exe, ppath);
	if (uw_persist_install(files, 2, real ? "/" : root, &err) < 0) {
		char *m = uw_strdup_printf("%s Nothing was installed.", err.msg);
		uw_tui_message(w->loop, "Not installed", m);
		free(m);
	} else {
		uw_tui_message(w->loop, "Follow the cable", "Saved. Turn it on with: systemctl daemon-reload && "
			       "systemctl enable --now usbnet-wizard-watch. Undo with: usbnet-wizard persist "
			       "--uninstall");
	}
	free(files[0].content);
	free(files[1].content);
}

static void persist(struct uw_wizard *w)
{
	const char *root = uw_env_get(UW_ENV_PERSIST_ROOT);
	bool real = !root || !root[0] || !strcmp(root, "/");
	enum uw_persist_target target;
	struct uw_persist_file *files = NULL;
	struct uw_error err;
	char why[256];
	size_t n = 0;

	static const char *const how[] = { "Config files", "Follow the cable", "Cancel" };
	int choice = uw_tui_msgbox(w->loop, "Make it permanent",
				   "Config files: the network system this computer runs (NetworkManager, "
				   "systemd-networkd, ifupdown, ...) sets the link up each time, with a hook "
				   "for NAT and DNS.\n\nFollow the cable: usbnet-wizard itself runs as a "
				   "service ('usbnet-wizard watch'), applying these choices when the phone "
				   "appears and undoing them when it goes.", how, 3, 0);
	if (choice == 1) {
		follow_cable(w, root, real);
		return;
	}
	if (choice != 0)
		return;
	uw_persist_detect(real ? NULL : root, &target, why, sizeof(why));
	if (uw_persist_generate(target, w->plan, time(NULL), &files, &n, &err) < 0) {
		uw_tui_message(w->loop, "Cannot make this permanent", err.msg);
		return;
	}
	/* Show first (persist --show), then ask (persist --install). */
	_auto_strbuf_ struct uw_strbuf text = UW_STRBUF_INIT;
	uw_text_persist_files(files, n, target, why, &text);
	uw_tui_textbox(w->loop, "Files to install", uw_strbuf_str(&text));
	char *q = uw_strdup_printf("Install these %zu files%s%s? 'usbnet-wizard persist --uninstall' "
				   "removes them and puts back any file they replace.", n,
				   real ? "" : " under ", real ? "" : root);
	if (real && geteuid() != 0) {
		uw_tui_message(w->loop, "Root is needed", "Writing to /etc needs root: run 'sudo usbnet-wizard "
			       "persist --install'. Nothing was changed.");
	} else if (uw_tui_confirm(w->loop, "Make permanent", q, false)) {
		if (uw_persist_install(files, n, real ? NULL : root, &err) < 0) {
			char *msg = uw_strdup_printf("%s Nothing was left changed.", err.msg);
			uw_tui_message(w->loop, "Install failed", msg);
			free(msg);
		} else {
			uw_tui_message(w->loop, "Made permanent", "Installed. Undo with 'usbnet-wizard persist "
				       "--uninstall'.");
		}
	}
	free(q);
	uw_persist_files_free(files, n);
}

static void report(struct uw_wizard *w)
{
	struct uw_report_opts o = { .version = WIZARD_VERSION };
	struct uw_report r;
	struct uw_error err;
	char path[512], cwd[256], def[300];

	snprintf(def, sizeof(def), "%s/usbnet-wizard-report.txt", getcwd(cwd, sizeof(cwd)) ? cwd : "/tmp");
	if (uw_tui_input(w->loop, "Save report", "Write the support report (secrets left out; read it "
			 "before sending) to this file:", def, path, sizeof(path)) < 0)
		return;
	uw_error_clear(&err);
	uw_report_build(&o, &r, &err);
	_auto_(free) char *text = uw_report_text(&r);
	uw_report_fini(&r);
	if (uw_wizard_save_file(w, path, text, 0600, true) == 0) {
		char *msg = uw_strdup_printf("Report written to %s (readable only by you).", path);
		uw_tui_message(w->loop, "Saved", msg);
		free(msg);
	}
}

/*
 * Doctor: every finding, as `doctor` prints them (core/text.c), in a scrollable box; then each fixable
 * warning or error offered with one confirmation. Fixes are plans applied
 * through the journal, so Revert (and 'usbnet-wizard revert') undoes them.
 */
static void doctor(struct uw_wizard *w)
{
	struct uw_doctor *d = uw_malloc0(sizeof(*d));
	struct uw_plan *plan = uw_malloc0(sizeof(*plan));
	struct uw_doctor_opts o = { .iface = w->draft.iface[0] ? w->draft.iface : NULL };
	struct uw_error err;
	_auto_strbuf_ struct uw_strbuf text = UW_STRBUF_INIT;

	uw_error_clear(&err);
	if (uw_doctor_run(&o, d, &err) < 0) {
		uw_tui_message(w->loop, "Doctor", err.msg);
		goto out;
	}
	uw_text_doctor_findings(d, &text);
	uw_tui_textbox(w->loop, "Doctor", uw_strbuf_str(&text));
	for (size_t i = 0; i < d->n; i++) {
		const struct uw_finding *f = &d->findings[i];
		bool revert_first = false;
		char *q;

		if (!f->fixable || f->severity < UW_DOC_WARN)
			continue;
		q = uw_strdup_printf("%s\n\n%s\n\nApply this fix? Revert undoes it.", f->title, f->fix);
		if (!uw_tui_confirm(w->loop, "Doctor: fix", q, false)) {
			free(q);
			continue;
		}
		free(q);
		if (geteuid() != 0) {
			uw_tui_message(w->loop, "Root is needed", "Fixes change the network: run 'sudo "
				       "usbnet-wizard'. Nothing was changed.");
			break;
		}
		if (uw_doctor_fix_plan(d, f->id, plan, &revert_first, &err) < 0 ||
		    (revert_first && uw_revert(NULL, NULL, NULL, &err) < 0) ||
		    uw_apply(plan, NULL, NULL, NULL, &err) < 0) {
			uw_tui_message(w->loop, "The fix did not work", err.msg);
			break;
		}
		uw_tui_message(w->loop, "Fixed", "Done. Run Doctor again to see the result; Revert undoes it.");
	}
out:
	free(plan);
	free(d);
}

static int leave(struct uw_wizard *w, int result)
{
	if (result == BTN_REVERT || result == BTN_PERSIST || result == BTN_REPORT || result == BTN_DOCTOR)
		last_button = result;
	switch (result) {
	case BTN_REVERT:
		if (uw_tui_confirm(w->loop, "Revert", "Undo every change usbnet-wizard made on this computer?",
				   false))
			uw_wizard_revert(w);
		return UW_WIZ_STAY;
	case BTN_PERSIST:
		persist(w);
		return UW_WIZ_STAY;
	case BTN_REPORT:
		report(w);
		return UW_WIZ_STAY;
	case BTN_DOCTOR:
		doctor(w);
		return UW_WIZ_STAY;
	case UW_TUI_NEXT:
		w->quit = true;
		if (uw_wizard_changes_live())
			w->exit_note = uw_env_get(UW_ENV_DEMO) ?
				"usbnet-wizard: this was the demo: the simulated phone and every change "
				"go away with it now." :
				"usbnet-wizard: the changes stay in place; 'sudo usbnet-wizard "
				"revert' undoes them.";
		return result;
	}
	return result;
}

const struct uw_screen uw_scr_done = {
	.id = "done", .title = "Done",
	.help = "Quit: leave the wizard; the changes stay until you revert them or the phone "
		"is unplugged (the address goes with the interface).\n\n"
		"Revert: undo exactly what usbnet-wizard did, restoring earlier values such as "
		"ip_forward.\n\n"
		"Permanent: shows the configuration files for the network system this "
		"computer runs (NetworkManager, systemd-networkd, ifupdown, ...), then installs "
		"them if you confirm; 'usbnet-wizard persist --uninstall' removes them. Or "
		"\"Follow the cable\": save these choices for 'usbnet-wizard watch' and install "
		"its systemd unit, which sets this up when the phone appears and undoes it when "
		"it goes.\n\n"
		"Doctor: every check of the Openmoko wiki's troubleshooting sections and more "
		"(firewall, forwarding, NAT, kernel options, DNS, NetworkManager, overlap), each "
		"explained, with fixes you confirm one by one (Revert undoes them).\n\n"
		"Report: everything support needs, with passwords and keys left out.\n\n"
		"Next: 'usbnet-wizard check --install-key' logs you in without a password, "
		"'check --ssh-config phone' makes 'ssh phone' work, and 'ssh -X' shows the "
		"phone's programs on this desktop. docs/troubleshooting.md (\"Once the phone is "
		"online\") has the wiki's other ssh extras.",
	.enter = enter, .leave = leave,
};
