// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Phone check: log in to the phone with the built-in ssh client and run the
 * checklist from its side, in a worker thread (screens/phone-worker.c) that
 * reports to the loop with uw_tui_post, so the screen keeps drawing
 * (spinner, keys, resize) while ssh waits. Fixes are offered, each confirmed
 * first, then the checks run again. Only the loop thread reads and writes
 * s.*; the worker has its own copies (struct uw_phone_worker).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/phonefix.h"
#include "core/text.h"
#include "core/util.h"
#include "screens/phone-worker.h"
#include "screens/wizard.h"
#include "tui/checklist.h"
#include "tui/msgbox.h"
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

enum check_state { CHECK_PENDING, CHECK_RUNNING, CHECK_DONE };

static struct {
	struct uw_wizard *w;
	bool active;             /* state survives rebuilds of this screen */
	bool pending_start;      /* start the worker once the screen is rebuilt */
	bool fix_focused;        /* Fix... was focused for this run's results */
	struct uw_phone_worker *job; /* the running job, NULL when none */
	unsigned gen;

	/* What is shown: the loop thread's own copies. */
	struct uw_phone *phone;  /* between runs; a running job holds it */
	char login_detail[UW_ERROR_MSG_MAX + 64];
	enum uw_tui_status login_st;
	struct uw_check checks[UW_CHECK__COUNT];
	enum check_state state[UW_CHECK__COUNT];
	bool have_checks, checking, done;
	int run_rc;
	char run_error[UW_ERROR_MSG_MAX];
	struct uw_phonefix fixes[UW_PHONEFIX_MAX]; /* confirmed, prepared once: the job runs these */
	size_t n_fixes;
	char fix_log[1024];

	struct uw_phonecheck_params prm;
	char desktop_ip[UW_IP4_STRLEN], phone_ip[UW_IP4_STRLEN], iface[UW_IFNAME_MAX];
	char ns[UW_PHONECHECK_MAX_NS][64];

	struct uw_widget_checklist *list;
	struct uw_widget_textview *note;
	int spin_timer;
} s;

static void show(void);

static void on_msg(struct uw_tui_loop *loop, void *ud)
{
	struct uw_phone_worker_msg *m = ud;

	if (m->gen == s.gen && s.job) {
		switch (m->kind) {
		case UW_PHONE_WORKER_LOGIN:
			s.login_st = m->login_st;
			uw_strlcpy(s.login_detail, m->login_detail, sizeof(s.login_detail));
			break;
		case UW_PHONE_WORKER_CHECK:
			s.checking = true;
			if (!m->finished) {
				s.state[m->idx] = CHECK_RUNNING;
				break;
			}
			if (s.state[m->idx] == CHECK_DONE)
				uw_check_fini(&s.checks[m->idx]);
			s.checks[m->idx] = m->check; /* the copy moves over */
			m->finished = false;
			s.state[m->idx] = CHECK_DONE;
			break;
		case UW_PHONE_WORKER_DONE:
			/* The worker has nothing left to do but return. */
			pthread_join(s.job->th, NULL);
			s.phone = s.job->phone;
			s.job->phone = NULL;
			uw_phone_worker_free(s.job);
			s.job = NULL;
			s.checking = false;
			s.done = true;
			s.have_checks = m->have_checks;
			s.run_rc = m->run_rc;
			uw_strlcpy(s.run_error, m->run_error, sizeof(s.run_error));
			uw_strlcpy(s.fix_log, m->fix_log, sizeof(s.fix_log));
			break;
		}
		if (s.active && s.list)
			show();
	}
	uw_phone_worker_msg_free(m);
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
	bool running = s.job != NULL;
	size_t pass = 0, fix = 0;
	char note[2048];

	uw_widget_checklist_set(s.list, LOGIN, s.login_st, s.login_detail[0] ? s.login_detail : NULL);
	/* Each check as the worker reported it: a verdict as soon as it is known,
	 * the one on the phone now as running, the rest still to come. */
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		if (s.state[i] == CHECK_DONE) {
			/* The detail `check` prints under the check's title (core/text.c). */
			_auto_strbuf_ struct uw_strbuf d = UW_STRBUF_INIT;

			uw_text_check_detail(&s.checks[i], &d);
			uw_strbuf_truncate(&d, d.len - (d.len && d.s[d.len - 1] == '\n'));
			uw_widget_checklist_set(s.list, (size_t)i + 1, mark(s.checks[i].status),
						uw_strbuf_str(&d));
		} else if (s.state[i] == CHECK_RUNNING)
			uw_widget_checklist_set(s.list, (size_t)i + 1, UW_TUI_RUNNING, NULL);
		else if (s.login_st == UW_TUI_FAIL)
			uw_widget_checklist_set(s.list, (size_t)i + 1, UW_TUI_SKIPPED,
						"Not checked: no login to the phone.");
		else
			uw_widget_checklist_set(s.list, (size_t)i + 1, UW_TUI_PENDING, NULL);
		if (s.have_checks && !running) {
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

static bool spin(struct uw_tui_loop *loop, void *ud)
{
	uw_widget_checklist_tick(s.list);
	return true;
}

static const char *gate(void *ud)
{
	return s.job ? "the checks are still running." : NULL;
}

static void clear_shown(void)
{
	for (int i = 0; i < UW_CHECK__COUNT; i++) {
		if (s.state[i] == CHECK_DONE)
			uw_check_fini(&s.checks[i]);
		s.state[i] = CHECK_PENDING;
	}
	s.have_checks = s.checking = false;
}

/*
 * Leave the running job to finish in the background (see screens/phone-worker.h):
 * never waits for ssh. The session the job holds goes with it.
 */
static void abandon_worker(void)
{
	struct uw_phone_worker *j = s.job;

	if (!j)
		return;
	uw_phone_worker_abandon(j);
	s.job = NULL;
	s.gen++;
	/* Queued messages are now stale (dropped and freed), a queued question is
	 * answered "no": nothing of this job stays in the loop's queue. */
	uw_tui_loop_flush_posts(s.w->loop);
	uw_phone_worker_reap(false);
}

static void start_worker(struct uw_wizard *w)
{
	struct uw_phone_worker *j = uw_malloc0(sizeof(*j));

	abandon_worker();
	uw_phone_worker_reap(false);
	clear_shown();
	s.run_error[0] = '\0';
	s.done = false;
	s.fix_focused = false;
	if (!s.phone) {
		s.login_st = UW_TUI_RUNNING;
		s.login_detail[0] = '\0';
	}
	/* The job's own copies: the worker never reads s.* */
	j->loop = w->loop;
	j->gen = ++s.gen;
	j->prm = s.prm;
	uw_strlcpy(j->desktop_ip, s.desktop_ip, sizeof(j->desktop_ip));
	uw_strlcpy(j->phone_ip, s.phone_ip, sizeof(j->phone_ip));
	uw_strlcpy(j->iface, s.iface, sizeof(j->iface));
	uw_strlcpy(j->user, w->plan->choices.preset ? w->plan->choices.preset->user : "root",
		   sizeof(j->user));
	j->prm.desktop_ip = j->desktop_ip;
	j->prm.iface = j->iface;
	for (size_t i = 0; i < s.prm.n_nameservers; i++) {
		uw_strlcpy(j->ns[i], s.prm.nameservers[i], sizeof(j->ns[i]));
		j->prm.nameservers[i] = j->ns[i];
	}
	memcpy(j->fixes, s.fixes, sizeof(j->fixes)); /* ownership moves to the job */
	j->n_fixes = s.n_fixes;
	memset(s.fixes, 0, sizeof(s.fixes));
	s.n_fixes = 0;
	j->phone = s.phone; /* the job holds the session while it runs */
	s.phone = NULL;
	if (uw_phone_worker_start(j, on_msg) != 0) {
		s.phone = j->phone;
		j->phone = NULL;
		uw_phone_worker_free(j);
		s.done = true;
		s.login_st = UW_TUI_FAIL;
		snprintf(s.login_detail, sizeof(s.login_detail), "Could not start the check (out of threads?).");
		return;
	}
	s.job = j;
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
	/* What the resolv.conf fix writes follows the DNS choice (the rule `check` uses too). */
	n = uw_phonecheck_fix_nameservers(c, s.ns, UW_PHONECHECK_MAX_NS);
	for (int i = 0; i < n; i++)
		s.prm.nameservers[s.prm.n_nameservers++] = s.ns[i];
	start_worker(w);
}

static void enter(struct uw_wizard *w)
{
	static const struct uw_widget_button_def row[] = {
		{ "Back", UW_TUI_BACK }, { "Next", UW_TUI_NEXT }, { "Fix...", BTN_FIX }, { "Check again", BTN_AGAIN },
	};
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
	uw_widget_buttons_set(b, row, UW_ARRAY_SIZE(row), UW_TUI_NEXT);
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

/* Offer each fix with its shell text; returns how many were accepted. The
 * confirmed ones are kept as they were prepared: the worker runs those. */
static size_t choose_fixes(struct uw_wizard *w)
{
	struct uw_phonefix_set set;

	for (size_t i = 0; i < s.n_fixes; i++)
		uw_phonefix_fini(&s.fixes[i]);
	s.n_fixes = 0;
	uw_phonefix_choose(s.checks, &s.prm, false, &set);
	for (size_t k = 0; k < set.n_unavailable; k++)
		uw_tui_message(w->loop, "Cannot offer this fix", set.unavailable[k]);
	for (size_t k = 0; k < set.n; k++) {
		const struct uw_phonefix *f = &set.fix[k];
		/* The commands can be long: the question stays short and on screen,
		 * the full text (with its undo) is one button away. */
		static const char *const btn[] = { "Apply", "Show commands", "Skip" };
		char *msg = uw_strdup_printf("%s\n\nApply this fix on the phone?", f->describe);
		_auto_strbuf_ struct uw_strbuf cmds = UW_STRBUF_INIT;
		int r;

		/* The text `check --fix` prints before it asks (core/text.c). */
		uw_text_phonefix(f, &cmds);
		uw_strbuf_truncate(&cmds, cmds.len - 1);
		while ((r = uw_tui_msgbox(w->loop, "Fix on the phone", msg, btn, 3, 0)) == 1)
			uw_tui_textbox(w->loop, "The fix's commands", uw_strbuf_str(&cmds));
		if (r == 0 && s.n_fixes < UW_PHONEFIX_MAX)
			uw_phonefix_take(&set, k, &s.fixes[s.n_fixes++]);
		free(msg);
	}
	uw_phonefix_set_fini(&set);
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
	abandon_worker();
	clear_shown();
	uw_phone_free(s.phone);
	s.phone = NULL;
	s.active = false;
	s.list = NULL;
	s.note = NULL;
	s.login_st = UW_TUI_PENDING;
	s.pending_start = false;
	s.login_detail[0] = s.fix_log[0] = s.run_error[0] = '\0';
	return result;
}

/*
 * The hint says "Up/Down Details", and the focus starts on the buttons, which
 * have no use for Up/Down: there they move the checklist's selection (its
 * details line follows it). The frame would otherwise move the focus.
 */
static unsigned key(struct uw_wizard *w, int k)
{
	if ((k != UW_KEY(KEY_UP) && k != UW_KEY(KEY_DOWN)) || !s.list ||
	    !uw_tui_frame_buttons_focused(w->frame))
		return UW_TUI_IGNORED;
	/* At either end of the list the key is used up all the same: the focus
	 * stays on the buttons, where Enter acts. */
	return uw_widget_handle_key(uw_widget_checklist_widget(s.list), k) | UW_TUI_HANDLED;
}

const struct uw_screen uw_scr_phone = {
	.id = "phone", .title = "Phone check",
	.help = "usbnet-wizard logs in to the phone with its built-in ssh client (first with "
		"the blank password a FreeRunner ships with, then your keys, then a password "
		"you type) and checks from the phone's side: it reaches this computer, its "
		"default route goes via this computer, it reaches an outside address, its "
		"resolv.conf names a usable server, and a name resolves.\n\n"
		"Up/Down shows the details of another check. Fix... offers the "
		"phone-side fixes (its default route, its resolv.conf), each shown with its "
		"command and confirmed first. The first connection shows the phone's host key "
		"fingerprint; a changed key is never accepted without asking.",
	.enter = enter, .leave = leave, .key = key,
};
