// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The phone check's worker thread and the questions it asks the loop thread
 * (see screens/phone-worker.h).
 */
#include "screens/phone-worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/env.h"
#include "core/util.h"
#include "screens/wizard.h"
#include "tui/msgbox.h"
#include "tui/password.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* job->abandoned/finished, ask->answered */
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct uw_phone_worker *abandoned_jobs;        /* left running in the background */

/* A question from the worker, answered in the loop thread. */
struct ask {
	struct uw_phone_worker *job;
	bool hostkey;
	const struct uw_phone_hostkey_info *info;
	const char *prompt;
	char *buf;
	size_t size;
	int answer;
	bool answered;
};

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

static bool abandoned(struct uw_phone_worker *j)
{
	bool a;

	pthread_mutex_lock(&mu);
	a = j->abandoned;
	pthread_mutex_unlock(&mu);
	return a;
}

/* Hand @m to the loop thread, or drop it when nobody is listening any more.
 * uw_tui_post queues before it wakes the loop, so a queued message is the
 * loop's to free even when the wake-up write fails. */
static void send_msg(struct uw_phone_worker *j, struct uw_phone_worker_msg *m)
{
	pthread_mutex_lock(&mu);
	if (!j->abandoned) {
		uw_tui_post(j->loop, j->on_msg, m);
		m = NULL;
	}
	pthread_mutex_unlock(&mu);
	if (m)
		uw_phone_worker_msg_free(m);
}

static struct uw_phone_worker_msg *msg_new(struct uw_phone_worker *j, enum uw_phone_worker_msg_kind kind)
{
	struct uw_phone_worker_msg *m = uw_malloc0(sizeof(*m));

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
	struct uw_phone_worker *j = ud;
	struct uw_phone_worker_msg *m = msg_new(j, UW_PHONE_WORKER_CHECK);

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
	struct uw_phone_worker *j = ud;
	struct uw_error err;
	struct uw_phone_worker_msg *m;

	if (!j->phone) {
		struct uw_phone_options po = {
			.host = j->phone_ip, .user = j->user, .timeout_s = ssh_timeout(),
			.hostkey_cb = on_hostkey, .hostkey_data = j,
			.password_cb = on_password, .password_data = j,
		};

		m = msg_new(j, UW_PHONE_WORKER_LOGIN);
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
	m = msg_new(j, UW_PHONE_WORKER_DONE);
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
	pthread_mutex_lock(&mu);
	j->finished = true;
	pthread_mutex_unlock(&mu);
	send_msg(j, m);
	return NULL;
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
	pthread_mutex_lock(&mu);
	a->answer = answer;
	a->answered = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static int ask_ui(struct ask *a)
{
	pthread_mutex_lock(&mu);
	if (a->job->abandoned) {
		pthread_mutex_unlock(&mu);
		return a->hostkey ? UW_PHONE_HOSTKEY_REJECT : -1;
	}
	/* Posted under s.mu: abandoning (also under s.mu) then flushes it, so
	 * the question is always answered and the worker never waits forever. */
	uw_tui_post(a->job->loop, on_ask, a);
	while (!a->answered)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return a->answer;
}

void uw_phone_worker_free(struct uw_phone_worker *j)
{
	for (size_t i = 0; i < j->n_fixes; i++)
		uw_phonefix_fini(&j->fixes[i]);
	uw_phone_free(j->phone);
	clear_checks(j->checks, &j->have_checks);
	free(j);
}

void uw_phone_worker_reap(bool wait)
{
	struct uw_phone_worker **pp = &abandoned_jobs;

	while (*pp) {
		struct uw_phone_worker *j = *pp;
		bool fin;

		pthread_mutex_lock(&mu);
		fin = j->finished;
		pthread_mutex_unlock(&mu);
		if (!fin && !wait) {
			pp = &j->next;
			continue;
		}
		pthread_join(j->th, NULL);
		*pp = j->next;
		uw_phone_worker_free(j);
	}
}

bool uw_scr_phone_wait(unsigned ms)
{
	long long end = uw_tui_now_ms() + ms;

	for (;;) {
		uw_phone_worker_reap(false);
		if (!abandoned_jobs)
			return true;
		if (uw_tui_now_ms() >= end)
			return false;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
}

void uw_phone_worker_msg_free(struct uw_phone_worker_msg *m)
{
	if (m->kind == UW_PHONE_WORKER_CHECK && m->finished)
		uw_check_fini(&m->check);
	free(m);
}

int uw_phone_worker_start(struct uw_phone_worker *j, uw_tui_post_fn on_msg)
{
	j->on_msg = on_msg;
	return pthread_create(&j->th, NULL, worker, j);
}

void uw_phone_worker_abandon(struct uw_phone_worker *j)
{
	pthread_mutex_lock(&mu);
	j->abandoned = true;
	pthread_mutex_unlock(&mu);
	j->next = abandoned_jobs;
	abandoned_jobs = j;
}
