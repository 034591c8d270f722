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

#include "core/env.h"
#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/phonefix.h"
#include "core/text.h"
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

/*
 * Threads. The worker owns a struct job: its inputs copied at start, its own
 * check array, and the phone session while it runs. It never touches s.*,
 * which only the loop thread reads and writes. It reports by posting heap
 * messages holding copies (struct msg) with uw_tui_post, and only while the
 * job is not abandoned, which it checks under s.mu.
 *
 * Leaving the screen while the worker runs (Back, Next, q, a signal) must not
 * wait for ssh: a libssh session may be used by one thread only, so the loop
 * thread cannot cut the connect short (ssh_disconnect from here would race
 * the worker inside libssh). Instead the job is abandoned: under s.mu its
 * flag is set (no post after that), the posts already queued are run at once
 * (their generation is stale, so they are dropped; a pending host-key or
 * password question is answered "no"), and the job goes on the abandoned
 * list. The worker gives up at its next step or when ssh times out, and
 * frees nothing itself: reap() joins finished jobs and frees them in the loop
 * thread, and uw_scr_phone_wait() joins the rest before the process exits,
 * so exit never races a worker inside libssh.
 */
struct job {
	struct job *next;          /* on the abandoned list */
	pthread_t th;
	struct uw_tui_loop *loop;
	unsigned gen;              /* s.gen when started: stale messages are dropped */
	bool abandoned, finished;  /* under s.mu */

	/* Inputs, read-only for the worker. */
	struct uw_phonecheck_params prm;
	char desktop_ip[UW_IP4_STRLEN], phone_ip[UW_IP4_STRLEN], iface[UW_IFNAME_MAX];
	char user[64], ns[UW_PHONECHECK_MAX_NS][64];
	struct uw_phonefix fixes[UW_PHONEFIX_MAX]; /* exactly the ones confirmed; the job owns them */
	size_t n_fixes;

	/* The worker's own. */
	struct uw_phone *phone;
	struct uw_check checks[UW_CHECK__COUNT];
	bool have_checks;
};

/* What the worker tells the loop thread: copies, freed by on_msg. */
enum msg_kind { MSG_LOGIN, MSG_CHECK, MSG_DONE };
struct msg {
	enum msg_kind kind;
	unsigned gen;
	/* MSG_LOGIN */
	enum uw_tui_status login_st;
	char login_detail[UW_ERROR_MSG_MAX + 64];
	/* MSG_CHECK: check @idx started (!finished) or has its verdict in @check */
	int idx;
	bool finished;
	struct uw_check check;
	/* MSG_DONE */
	bool have_checks;
	int run_rc;
	char run_error[UW_ERROR_MSG_MAX];
	char fix_log[1024];
};

/* A question from the worker, answered in the loop thread. */
struct ask {
	struct job *job;
	bool hostkey;
	const struct uw_phone_hostkey_info *info;
	const char *prompt;
	char *buf;
	size_t size;
	int answer;
	bool answered;
};

enum check_state { CHECK_PENDING, CHECK_RUNNING, CHECK_DONE };

static struct {
	struct uw_wizard *w;
	bool active;             /* state survives rebuilds of this screen */
	bool pending_start;      /* start the worker once the screen is rebuilt */
	bool fix_focused;        /* Fix... was focused for this run's results */
	pthread_mutex_t mu;      /* job->abandoned/finished, ask->answered */
	pthread_cond_t cv;
	struct job *job;         /* the running job, NULL when none */
	struct job *abandoned;   /* jobs left running in the background */
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
} s = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void copy_check(struct uw_check *to, const struct uw_check *from)
{
	*to = *from;
	to->evidence = uw_strdup(from->evidence ? from->evidence : "");
	to->explanation = uw_strdup(from->explanation ? from->explanation : "");
}

static void clear_checks(struct uw_check *c, bool *have)
{
	if (*have)
		for (int i = 0; i < UW_CHECK__COUNT; i++)
			uw_check_fini(&c[i]);
	*have = false;
}

/* ---- worker side ---- */

static void on_msg(struct uw_tui_loop *loop, void *ud);

static bool abandoned(struct job *j)
{
	bool a;

	pthread_mutex_lock(&s.mu);
	a = j->abandoned;
	pthread_mutex_unlock(&s.mu);
	return a;
}

/* Hand @m to the loop thread, or drop it when nobody is listening any more.
 * uw_tui_post queues before it wakes the loop, so a queued message is the
 * loop's to free even when the wake-up write fails. */
static void send_msg(struct job *j, struct msg *m)
{
	pthread_mutex_lock(&s.mu);
	if (!j->abandoned) {
		uw_tui_post(j->loop, on_msg, m);
		m = NULL;
	}
	pthread_mutex_unlock(&s.mu);
	if (m && m->kind == MSG_CHECK && m->finished)
		uw_check_fini(&m->check);
	free(m);
}

static struct msg *msg_new(struct job *j, enum msg_kind kind)
{
	struct msg *m = uw_malloc0(sizeof(*m));

	m->kind = kind;
	m->gen = j->gen;
	return m;
}

static int ask_ui(struct ask *a);

static enum uw_phone_hostkey_decision on_hostkey(const struct uw_phone_hostkey_info *info, void *ud)
{
	struct ask a = { .job = ud, .hostkey = true, .info = info };

	return (enum uw_phone_hostkey_decision)ask_ui(&a);
}

static int on_password(const char *prompt, char *buf, size_t size, void *ud)
{
	struct ask a = { .job = ud, .prompt = prompt, .buf = buf, .size = size };

	return ask_ui(&a);
}

/* Each check's start and verdict, as soon as the checklist knows it. */
static void on_progress(enum uw_check_id id, const struct uw_check *c, void *ud)
{
	struct job *j = ud;
	struct msg *m = msg_new(j, MSG_CHECK);

	m->idx = (int)id;
	m->finished = c != NULL;
	if (c)
		copy_check(&m->check, c);
	send_msg(j, m);
}

/* The ssh connect and per-command timeout: $USBNET_WIZARD_SSH_TIMEOUT (1-600 s), or
 * the library's default (5 s) — a slow phone (an old FreeRunner) may need more. */
static unsigned ssh_timeout(void)
{
	return (unsigned)uw_env_number(UW_ENV_SSH_TIMEOUT, 0);
}

static void *worker(void *ud)
{
	struct job *j = ud;
	struct uw_error err;
	struct msg *m;

	if (!j->phone) {
		struct uw_phone_options po = {
			.host = j->phone_ip, .user = j->user, .timeout_s = ssh_timeout(),
			.hostkey_cb = on_hostkey, .hostkey_data = j,
			.password_cb = on_password, .password_data = j,
		};

		m = msg_new(j, MSG_LOGIN);
		uw_error_clear(&err);
		if (uw_phone_connect(&po, &j->phone, &err) < 0) {
			j->phone = NULL;
			m->login_st = UW_TUI_FAIL;
			snprintf(m->login_detail, sizeof(m->login_detail), "%s", err.msg);
		} else {
			m->login_st = UW_TUI_OK_;
			snprintf(m->login_detail, sizeof(m->login_detail), "Logged in to %s (%s).",
				 j->phone_ip, uw_phone_auth_name(uw_phone_auth_method(j->phone)));
		}
		send_msg(j, m);
	}
	m = msg_new(j, MSG_DONE);
	/* Fixes the user confirmed, then the checks again; nothing more once
	 * the user has left the screen. */
	for (size_t i = 0; j->phone && i < j->n_fixes && !abandoned(j); i++) {
		const struct uw_phonefix *f = &j->fixes[i];
		size_t l = strlen(m->fix_log);

		uw_error_clear(&err);
		/* The very object the user confirmed: its command is the one shown. */
		if (uw_phonefix_apply(j->phone, f, &err) >= 0)
			snprintf(m->fix_log + l, sizeof(m->fix_log) - l, "Fixed: %.*s. ",
				 (int)strcspn(f->describe, "\n") - (f->describe[0] &&
				 f->describe[strcspn(f->describe, "\n") - 1] == '.'), f->describe);
		else
			snprintf(m->fix_log + l, sizeof(m->fix_log) - l, "The %s fix failed: %s (Fix... "
				 "offers it again; Show commands there lists what to run on the phone "
				 "by hand.) ", uw_fix_name(f->id), err.msg);
	}
	if (j->phone && !abandoned(j)) {
		j->prm.progress = on_progress;
		j->prm.progress_ud = j;
		uw_error_clear(&err);
		m->run_rc = uw_phonecheck_run(j->phone, &j->prm, j->checks, &err);
		j->have_checks = true; /* filled even on error: freed by whoever frees the job */
		snprintf(m->run_error, sizeof(m->run_error), "%s", m->run_rc < 0 ? err.msg : "");
		m->have_checks = m->run_rc == 0 || m->run_rc == -ECONNRESET;
	}
	pthread_mutex_lock(&s.mu);
	j->finished = true;
	pthread_mutex_unlock(&s.mu);
	send_msg(j, m);
	return NULL;
}

/* ---- loop side ---- */

static void show(void);

static void job_free(struct job *j)
{
	for (size_t i = 0; i < j->n_fixes; i++)
		uw_phonefix_fini(&j->fixes[i]);
	uw_phone_free(j->phone);
	clear_checks(j->checks, &j->have_checks);
	free(j);
}

/* Join and free the abandoned jobs that are finished (@wait: all of them). */
static void reap(bool wait)
{
	struct job **pp = &s.abandoned;

	while (*pp) {
		struct job *j = *pp;
		bool fin;

		pthread_mutex_lock(&s.mu);
		fin = j->finished;
		pthread_mutex_unlock(&s.mu);
		if (!fin && !wait) {
			pp = &j->next;
			continue;
		}
		pthread_join(j->th, NULL);
		*pp = j->next;
		job_free(j);
	}
}

bool uw_scr_phone_wait(unsigned ms)
{
	long long end = uw_tui_now_ms() + ms;

	for (;;) {
		reap(false);
		if (!s.abandoned)
			return true;
		if (uw_tui_now_ms() >= end)
			return false;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
}

static void on_msg(struct uw_tui_loop *loop, void *ud)
{
	struct msg *m = ud;

	if (m->gen == s.gen && s.job) {
		switch (m->kind) {
		case MSG_LOGIN:
			s.login_st = m->login_st;
			uw_strlcpy(s.login_detail, m->login_detail, sizeof(s.login_detail));
			break;
		case MSG_CHECK:
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
		case MSG_DONE:
			/* The worker has nothing left to do but return. */
			pthread_join(s.job->th, NULL);
			s.phone = s.job->phone;
			s.job->phone = NULL;
			job_free(s.job);
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
	if (m->kind == MSG_CHECK && m->finished)
		uw_check_fini(&m->check);
	free(m);
}

static void on_ask(struct uw_tui_loop *loop, void *ud)
{
	struct ask *a = ud;
	int answer = -1;

	if (abandoned(a->job)) {
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
	pthread_mutex_lock(&s.mu);
	if (a->job->abandoned) {
		pthread_mutex_unlock(&s.mu);
		return a->hostkey ? UW_PHONE_HOSTKEY_REJECT : -1;
	}
	/* Posted under s.mu: abandoning (also under s.mu) then flushes it, so
	 * the question is always answered and the worker never waits forever. */
	uw_tui_post(a->job->loop, on_ask, a);
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
 * Leave the running job to finish in the background (see "Threads" above):
 * never waits for ssh. The session the job holds goes with it.
 */
static void abandon_worker(void)
{
	struct job *j = s.job;

	if (!j)
		return;
	pthread_mutex_lock(&s.mu);
	j->abandoned = true;
	pthread_mutex_unlock(&s.mu);
	s.job = NULL;
	s.gen++;
	/* Queued messages are now stale (dropped and freed), a queued question is
	 * answered "no": nothing of this job stays in the loop's queue. */
	uw_tui_loop_flush_posts(s.w->loop);
	j->next = s.abandoned;
	s.abandoned = j;
	reap(false);
}

static void start_worker(struct uw_wizard *w)
{
	struct job *j = uw_malloc0(sizeof(*j));

	abandon_worker();
	reap(false);
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
	if (pthread_create(&j->th, NULL, worker, j) != 0) {
		s.phone = j->phone;
		j->phone = NULL;
		job_free(j);
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
