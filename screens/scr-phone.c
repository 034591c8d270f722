// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Phone check: log in to the phone with the built-in ssh client and run the
 * checklist from its side, in a worker thread that reports to the loop with
 * uw_tui_post, so the screen keeps drawing (spinner, keys, resize) while ssh
 * waits. The host-key and password questions come from the worker's
 * callbacks; they are asked as modal boxes in the loop thread while the
 * worker waits for the answer. Fixes are offered, each confirmed first,
 * then the checks run again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/checklist.h"
#include "tui/msgbox.h"
#include "tui/password.h"
#include "tui/textbox.h"
#include "tui/textview.h"

#define BTN_FIX (UW_TUI_BUTTON_CUSTOM + 1)
#define BTN_AGAIN (UW_TUI_BUTTON_CUSTOM + 2)
#define LOGIN 0 /* checklist item 0; the checks follow */

static const char *const titles[UW_CHECK__COUNT] = {
	"The phone reaches this computer", "The phone's default route goes via this computer",
	"The phone reaches an outside address", "The phone's resolv.conf names a usable server",
	"A name resolves on the phone",
};

/* A question from the worker, answered in the loop thread. */
struct ask {
	bool hostkey;
	const struct uw_phone_hostkey_info *info;
	const char *prompt;
	char *buf;
	size_t size;
	int answer;
	bool answered;
};

static struct {
	struct uw_wizard *w;
	bool active;             /* state survives rebuilds of this screen */
	bool pending_start;      /* start the worker once the screen is rebuilt */
	bool fix_focused;        /* Fix... was focused for this run's results */
	pthread_t th;
	bool th_started;
	atomic_bool done, cancel;
	pthread_mutex_t mu;
	pthread_cond_t cv;

	struct uw_phone *phone;
	char login_detail[UW_ERROR_MSG_MAX + 64];
	enum uw_tui_status login_st;
	struct uw_check checks[UW_CHECK__COUNT];
	bool have_checks, checking;
	int run_rc;
	char run_error[UW_ERROR_MSG_MAX];
	enum uw_fix_id fixes[3];
	size_t n_fixes;
	char fix_log[1024];

	struct uw_phonecheck_params prm;
	char desktop_ip[UW_IP4_STRLEN], phone_ip[UW_IP4_STRLEN], iface[UW_IFNAME_MAX];
	char ns[UW_PHONECHECK_MAX_NS][64];

	struct uw_widget_checklist *list;
	struct uw_widget_textview *note;
	int spin_timer;
} s = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

/* ---- worker side ---- */

static int ask_ui(struct ask *a);

static enum uw_phone_hostkey_decision on_hostkey(const struct uw_phone_hostkey_info *info, void *ud)
{
	struct ask a = { .hostkey = true, .info = info };

	return (enum uw_phone_hostkey_decision)ask_ui(&a);
}

static int on_password(const char *prompt, char *buf, size_t size, void *ud)
{
	struct ask a = { .prompt = prompt, .buf = buf, .size = size };

	return ask_ui(&a);
}

static void post_update(struct uw_tui_loop *loop, void *ud);

static void *worker(void *ud)
{
	struct uw_wizard *w = ud;
	struct uw_error err;

	if (!s.phone) {
		struct uw_phone_options po = {
			.host = s.phone_ip,
			.user = w->plan->choices.preset ? w->plan->choices.preset->user : "root",
			.hostkey_cb = on_hostkey, .password_cb = on_password,
		};

		uw_error_clear(&err);
		if (uw_phone_connect(&po, &s.phone, &err) < 0) {
			s.phone = NULL;
			s.login_st = UW_TUI_FAIL;
			snprintf(s.login_detail, sizeof(s.login_detail), "%s", err.msg);
		} else {
			enum uw_phone_auth m = uw_phone_auth_method(s.phone);

			s.login_st = UW_TUI_OK_;
			snprintf(s.login_detail, sizeof(s.login_detail), "Logged in to %s (%s).", s.phone_ip,
				 m == UW_PHONE_AUTH_NONE_BLANK ? "blank password" :
				 m == UW_PHONE_AUTH_KEY ? "ssh key" : "password");
		}
		uw_tui_post(w->loop, post_update, NULL);
	}
	/* Fixes the user confirmed, then the checks again. */
	s.fix_log[0] = '\0';
	for (size_t i = 0; s.phone && i < s.n_fixes && !s.cancel; i++) {
		struct uw_phonefix f;
		size_t l = strlen(s.fix_log);

		uw_error_clear(&err);
		if (uw_phonefix_prepare(s.fixes[i], &s.prm, NULL, &f, &err) == 0 &&
		    uw_phonefix_apply(s.phone, &f, &err) == 0)
			snprintf(s.fix_log + l, sizeof(s.fix_log) - l, "Fixed: %.*s. ",
				 (int)strcspn(f.describe, "\n") - (f.describe[0] &&
				 f.describe[strcspn(f.describe, "\n") - 1] == '.'), f.describe);
		else
			snprintf(s.fix_log + l, sizeof(s.fix_log) - l, "The %s fix failed: %s ",
				 uw_fix_name(s.fixes[i]), err.msg);
		uw_phonefix_fini(&f);
	}
	s.n_fixes = 0;
	if (s.phone && !s.cancel) {
		s.checking = true;
		uw_tui_post(w->loop, post_update, NULL);
		uw_error_clear(&err);
		s.run_rc = uw_phonecheck_run(s.phone, &s.prm, s.checks, &err);
		snprintf(s.run_error, sizeof(s.run_error), "%s", s.run_rc < 0 ? err.msg : "");
		s.have_checks = s.run_rc == 0 || s.run_rc == -ECONNRESET;
		s.checking = false;
	}
	s.done = true;
	uw_tui_post(w->loop, post_update, NULL);
	return NULL;
}

/* ---- loop side ---- */

static void on_ask(struct uw_tui_loop *loop, void *ud)
{
	struct ask *a = ud;
	int answer = -1;

	if (s.cancel) {
		answer = a->hostkey ? UW_PHONE_HOSTKEY_REJECT : -1;
	} else if (a->hostkey && a->info->state == UW_PHONE_HOSTKEY_NEW) {
		static const char *const btn[] = { "Trust it", "Do not connect" };
		char *msg = uw_strdup_printf("First connection to %s. Its %s host key is\n%s\n\n%s\n\n"
					     "Trust this key and remember it in %s?", a->info->host,
					     a->info->key_type, a->info->fingerprint, a->info->explanation,
					     a->info->known_hosts);
		answer = uw_tui_msgbox(loop, "New phone", msg, btn, 2, 0) == 0 ?
			 UW_PHONE_HOSTKEY_ACCEPT : UW_PHONE_HOSTKEY_REJECT;
		free(msg);
	} else if (a->hostkey) {
		static const char *const btn[] = { "Do not connect", "Replace the key" };
		char *msg = uw_strdup_printf("WARNING: the phone's host key changed.\n\non file: %s\n"
					     "offered now: %s (%s)\n\n%s\n\nReplace it only if you know "
					     "the phone was reflashed.", *a->info->old_fingerprint ?
					     a->info->old_fingerprint : "(another key)",
					     a->info->fingerprint, a->info->key_type, a->info->explanation);
		answer = uw_tui_msgbox(loop, "Host key changed", msg, btn, 2, 0) == 1 ?
			 UW_PHONE_HOSTKEY_REPLACE : UW_PHONE_HOSTKEY_REJECT;
		free(msg);
	} else {
		answer = uw_tui_password(loop, "Phone password", a->prompt, a->buf, a->size) == 0 ? 0 : -1;
	}
	pthread_mutex_lock(&s.mu);
	a->answer = answer;
	a->answered = true;
	pthread_cond_broadcast(&s.cv);
	pthread_mutex_unlock(&s.mu);
}

static int ask_ui(struct ask *a)
{
	if (uw_tui_post(s.w->loop, on_ask, a) < 0)
		return a->hostkey ? UW_PHONE_HOSTKEY_REJECT : -1;
	pthread_mutex_lock(&s.mu);
	while (!a->answered)
		pthread_cond_wait(&s.cv, &s.mu);
	pthread_mutex_unlock(&s.mu);
	return a->answer;
}

static enum uw_tui_status mark(enum uw_check_status st)
{
	switch (st) {
	case UW_CHECK_PASS: return UW_TUI_OK_;
	case UW_CHECK_FAIL: return UW_TUI_FAIL;
	case UW_CHECK_WARN: return UW_TUI_WARNING;
	default: return UW_TUI_SKIPPED;
	}
}

static bool fixable(enum uw_fix_id f)
{
	return f == UW_FIX_ROUTE || f == UW_FIX_RESOLV;
}

/* Show the state on the widgets (after every post, and on a rebuild). */
static void show(void)
{
	struct uw_widget_buttons *b = uw_tui_frame_buttons(s.w->frame);
	bool running = s.th_started && !s.done;
	size_t pass = 0, fix = 0;
	char note[2048];

	uw_widget_checklist_set(s.list, LOGIN, s.login_st, s.login_detail[0] ? s.login_detail : NULL);
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		if (s.checking)
			uw_widget_checklist_set(s.list, (size_t)i + 1, UW_TUI_RUNNING, NULL);
		else if (s.have_checks)
			uw_widget_checklist_set(s.list, (size_t)i + 1, mark(s.checks[i].status),
						s.checks[i].explanation);
		else if (s.login_st == UW_TUI_FAIL)
			uw_widget_checklist_set(s.list, (size_t)i + 1, UW_TUI_SKIPPED,
						"Not checked: no login to the phone.");
		if (s.have_checks && !s.checking) {
			pass += s.checks[i].status == UW_CHECK_PASS;
			fix += s.checks[i].status != UW_CHECK_PASS && fixable(s.checks[i].fix);
		}
	}
	if (running)
		snprintf(note, sizeof(note), "%s", s.checking ? "Checking from the phone's side..." :
			 "Logging in to the phone...");
	else if (s.have_checks && pass == UW_CHECK__COUNT)
		snprintf(note, sizeof(note), "%sEvery check passed: the phone is online through this "
			 "computer, and ssh to it works.", s.fix_log);
	else if (s.have_checks)
		snprintf(note, sizeof(note), "%s%zu of %d checks passed.%s%s%s", s.fix_log, pass,
			 UW_CHECK__COUNT, fix ? " Fix... offers the phone-side fixes." : "",
			 s.run_error[0] ? " " : "", s.run_error);
	else
		snprintf(note, sizeof(note), "The phone could not be checked. Check again retries; "
			 "Next goes on without it.");
	uw_widget_textview_set_text(s.note, note);
	if (!running) {
		s.w->checks_passed = s.have_checks && pass == UW_CHECK__COUNT;
		snprintf(s.w->checks_summary, sizeof(s.w->checks_summary), "%s",
			 s.w->checks_passed ? "Every phone check passed." :
			 s.have_checks ? "Some phone checks failed." : "The phone could not be checked.");
	}
	uw_widget_buttons_set_enabled(b, BTN_FIX, !running && fix > 0,
				      running ? "the checks are running." : "nothing to fix on the phone.");
	/* Fixes on offer: Enter goes to them first (each is still confirmed). */
	if (!running && fix > 0 && !s.fix_focused) {
		s.fix_focused = true;
		uw_widget_buttons_focus(b, BTN_FIX);
		uw_tui_frame_focus(s.w->frame, 3); /* gate, list, note, then the buttons */
	}
	uw_widget_buttons_set_enabled(b, BTN_AGAIN, !running, "the checks are running.");
}

static void post_update(struct uw_tui_loop *loop, void *ud)
{
	if (s.active && s.list)
		show();
}

static bool spin(struct uw_tui_loop *loop, void *ud)
{
	uw_widget_checklist_tick(s.list);
	return true;
}

static const char *gate(void *ud)
{
	return s.th_started && !s.done ? "the checks are still running." : NULL;
}

static void join_worker(void)
{
	if (!s.th_started)
		return;
	s.cancel = true;
	/* A question the worker waits on is answered "no" by on_ask once cancel is set. */
	while (!s.done) {
		uw_tui_loop_flush_posts(s.w->loop);
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	pthread_join(s.th, NULL);
	uw_tui_loop_flush_posts(s.w->loop);
	s.th_started = false;
	s.cancel = false;
}

static void start_worker(struct uw_wizard *w)
{
	join_worker();
	if (s.have_checks)
		for (int i = 0; i < UW_CHECK__COUNT; i++)
			uw_check_fini(&s.checks[i]);
	s.have_checks = false;
	s.run_error[0] = '\0';
	s.done = false;
	s.fix_focused = false;
	if (!s.phone) {
		s.login_st = UW_TUI_RUNNING;
		s.login_detail[0] = '\0';
	}
	s.th_started = pthread_create(&s.th, NULL, worker, w) == 0;
	if (!s.th_started) {
		s.done = true;
		s.login_st = UW_TUI_FAIL;
		snprintf(s.login_detail, sizeof(s.login_detail), "Could not start the check (out of threads?).");
	}
}

static void init(struct uw_wizard *w)
{
	const struct uw_choices *c = w->plan_ok ? &w->plan->choices : &w->draft;
	const char *outside, *name;
	int n;

	s.w = w;
	s.active = true;
	uw_ip4_str(c->host_ip, s.desktop_ip);
	uw_ip4_str(c->phone_ip, s.phone_ip);
	uw_strlcpy(s.iface, c->iface, sizeof(s.iface));
	uw_phonecheck_default_targets(&outside, &name);
	memset(&s.prm, 0, sizeof(s.prm));
	s.prm.desktop_ip = s.desktop_ip;
	s.prm.outside_ip = outside;
	s.prm.test_name = name;
	s.prm.iface = s.iface;
	/* What the resolv.conf fix writes follows the DNS choice: the proxy answers on
	 * this computer's USB address, static mode has its own servers, else ours. */
	if (c->dns == UW_DNS_PROXY) {
		uw_strlcpy(s.ns[0], s.desktop_ip, sizeof(s.ns[0]));
		n = 1;
	} else if (c->dns == UW_DNS_STATIC && c->n_dns_servers) {
		n = 0;
		for (unsigned i = 0; i < c->n_dns_servers && i < UW_PHONECHECK_MAX_NS; i++)
			uw_ip4_str(c->dns_servers[i], s.ns[n++]);
	} else {
		n = uw_phonecheck_host_nameservers(s.ns, UW_PHONECHECK_MAX_NS);
	}
	for (int i = 0; i < n; i++)
		s.prm.nameservers[s.prm.n_nameservers++] = s.ns[i];
	start_worker(w);
}

static void enter(struct uw_wizard *w)
{
	struct uw_widget_buttons *b = uw_tui_frame_buttons(w->frame);

	s.list = uw_widget_checklist_new();
	{
		char login[96];
		snprintf(login, sizeof(login), "Log in to the phone (ssh %s@%s)",
			 w->plan_ok && w->plan->choices.preset ? w->plan->choices.preset->user : "root",
			 uw_ip4_str(w->plan_ok ? w->plan->choices.phone_ip : w->draft.phone_ip,
				    (char[UW_IP4_STRLEN]){ 0 }));
		uw_widget_checklist_add(s.list, login);
	}
	for (int i = 0; i < UW_CHECK__COUNT; i++)
		uw_widget_checklist_add(s.list, titles[i]);
	s.note = uw_widget_textview_new("");
	uw_widget_textview_set_rows(s.note, 4);
	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	uw_tui_frame_add(w->frame, uw_widget_checklist_widget(s.list));
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(s.note));
	uw_widget_buttons_clear(b);
	uw_widget_buttons_add(b, "Back", UW_TUI_BACK);
	uw_widget_buttons_add(b, "Next", UW_TUI_NEXT);
	uw_widget_buttons_add(b, "Fix...", BTN_FIX);
	uw_widget_buttons_add(b, "Check again", BTN_AGAIN);
	uw_widget_buttons_focus(b, UW_TUI_NEXT);
	uw_tui_frame_set_hints(w->frame, "Enter Next  Up/Down Details  Tab Move  Esc Back  F1 Help  q Quit");
	uw_tui_frame_focus(w->frame, 1);
	if (!s.active)
		init(w);
	else if (s.pending_start)
		start_worker(w);
	s.pending_start = false;
	s.spin_timer = uw_tui_loop_add_timer(w->loop, 150, spin, NULL);
	show();
}

/* Offer each fix with its shell text; returns how many were accepted. */
static size_t choose_fixes(struct uw_wizard *w)
{
	enum uw_fix_id wanted[3];
	size_t nw = 0;
	char gw[64] = "", dev[64];

	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		bool dup = false;

		if (s.checks[i].status == UW_CHECK_PASS || !fixable(s.checks[i].fix))
			continue;
		for (size_t k = 0; k < nw; k++)
			dup |= wanted[k] == s.checks[i].fix;
		if (!dup && nw < 3)
			wanted[nw++] = s.checks[i].fix;
	}
	uw_phonecheck_parse_default_route(s.checks[UW_CHECK_ROUTE].evidence, gw, sizeof(gw), dev, sizeof(dev));
	s.n_fixes = 0;
	for (size_t k = 0; k < nw; k++) {
		struct uw_phonefix f;
		struct uw_error err;

		if (uw_phonefix_prepare(wanted[k], &s.prm, gw, &f, &err) < 0) {
			uw_tui_message(w->loop, "Cannot offer this fix", err.msg);
			continue;
		}
		/* The commands can be long: the question stays short and on screen,
		 * the full text (with its undo) is one button away. */
		static const char *const btn[] = { "Apply", "Show commands", "Skip" };
		char *msg = uw_strdup_printf("%s\n\nApply this fix on the phone?", f.describe);
		char *cmds = uw_strdup_printf("%s\n\nRuns on the phone:\n\n%s\n\nUndone by:\n\n%s",
					      f.describe, f.shell, f.revert_shell);
		int r;
		while ((r = uw_tui_msgbox(w->loop, "Fix on the phone", msg, btn, 3, 0)) == 1)
			uw_tui_textbox(w->loop, "The fix's commands", cmds);
		if (r == 0)
			s.fixes[s.n_fixes++] = wanted[k];
		free(msg);
		free(cmds);
		uw_phonefix_fini(&f);
	}
	return s.n_fixes;
}

static int leave(struct uw_wizard *w, int result)
{
	if (s.spin_timer)
		uw_tui_loop_remove_timer(w->loop, s.spin_timer);
	s.spin_timer = 0;
	if (result == BTN_FIX || result == BTN_AGAIN) {
		if (result == BTN_AGAIN || choose_fixes(w) > 0)
			s.pending_start = true;
		s.list = NULL;
		return UW_WIZ_STAY;
	}
	join_worker();
	if (s.have_checks)
		for (int i = 0; i < UW_CHECK__COUNT; i++)
			uw_check_fini(&s.checks[i]);
	uw_phone_free(s.phone);
	s.phone = NULL;
	s.have_checks = false;
	s.active = false;
	s.list = NULL;
	s.note = NULL;
	s.login_st = UW_TUI_PENDING;
	s.pending_start = false;
	s.login_detail[0] = s.fix_log[0] = s.run_error[0] = '\0';
	return result;
}

const struct uw_screen uw_scr_phone = {
	.id = "phone", .title = "Phone check",
	.help = "usbnet-wizard logs in to the phone with its built-in ssh client (first with "
		"the blank password a FreeRunner ships with, then your keys, then a password "
		"you type) and checks from the phone's side: it reaches this computer, its "
		"default route goes via this computer, it reaches an outside address, its "
		"resolv.conf names a usable server, and a name resolves.\n\n"
		"Up/Down on the list shows the details of a check. Fix... offers the "
		"phone-side fixes (its default route, its resolv.conf), each shown with its "
		"command and confirmed first. The first connection shows the phone's host key "
		"fingerprint; a changed key is never accepted without asking.",
	.enter = enter, .leave = leave,
};
