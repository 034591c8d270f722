/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The phone check's worker thread (screens/scr-phone.c is the screen): it
 * logs in to the phone, applies the fixes the user confirmed and runs the
 * checklist, reporting to the loop thread with uw_tui_post. The host-key and
 * password questions it has are asked as modal boxes in the loop thread
 * while it waits for the answer.
 *
 * Threads. The worker owns a struct uw_phone_worker: its inputs copied at start, its own
 * check array, and the phone session while it runs. It never touches the screen's state,
 * which only the loop thread reads and writes. It reports by posting heap
 * messages holding copies (struct uw_phone_worker_msg) with uw_tui_post, and only while the
 * job is not abandoned, which it checks under the worker lock.
 *
 * Leaving the screen while the worker runs (Back, Next, q, a signal) must not
 * wait for ssh: a libssh session may be used by one thread only, so the loop
 * thread cannot cut the connect short (ssh_disconnect from here would race
 * the worker inside libssh). Instead the job is abandoned: under the worker lock its
 * flag is set (no post after that), the posts already queued are run at once
 * (their generation is stale, so they are dropped; a pending host-key or
 * password question is answered "no"), and the job goes on the abandoned
 * list. The worker gives up at its next step or when ssh times out, and
 * frees nothing itself: uw_phone_worker_reap() joins finished jobs and frees them in the loop
 * thread, and uw_scr_phone_wait() joins the rest before the process exits,
 * so exit never races a worker inside libssh.
 */

#include <pthread.h>
#include <stdbool.h>

#include "core/ip4.h"
#include "core/phone.h"
#include "core/phonecheck.h"
#include "core/phonefix.h"
#include "tui/loop.h"
#include "tui/theme.h"

struct uw_phone_worker {
	struct uw_phone_worker *next;          /* on the abandoned list */
	pthread_t th;
	struct uw_tui_loop *loop;
	unsigned gen;              /* the screen's generation: stale messages are dropped */
	uw_tui_post_fn on_msg;     /* gets each struct uw_phone_worker_msg in the loop thread */
	bool abandoned, finished;  /* under the worker lock */

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

/* What the worker tells the loop thread: copies, freed with uw_phone_worker_msg_free. */
enum uw_phone_worker_msg_kind { UW_PHONE_WORKER_LOGIN, UW_PHONE_WORKER_CHECK, UW_PHONE_WORKER_DONE };
struct uw_phone_worker_msg {
	enum uw_phone_worker_msg_kind kind;
	unsigned gen;
	/* UW_PHONE_WORKER_LOGIN */
	enum uw_tui_status login_st;
	char login_detail[UW_ERROR_MSG_MAX + 64];
	/* UW_PHONE_WORKER_CHECK: check @idx started (!finished) or has its verdict in @check */
	int idx;
	bool finished;
	struct uw_check check;
	/* UW_PHONE_WORKER_DONE */
	bool have_checks;
	int run_rc;
	char run_error[UW_ERROR_MSG_MAX];
	char fix_log[1024];
};

/* Start @j's thread; its messages go to @on_msg in the loop thread. Returns
 * 0 or what pthread_create returned (then nothing runs). */
int uw_phone_worker_start(struct uw_phone_worker *j, uw_tui_post_fn on_msg);

/* Leave @j to finish in the background: no post from it after this returns
 * (a question it asks is answered "no"). The caller drops its messages
 * already queued (uw_tui_loop_flush_posts). Freed by uw_phone_worker_reap. */
void uw_phone_worker_abandon(struct uw_phone_worker *j);

/* Join and free the abandoned jobs that are finished (@wait: all of them). */
void uw_phone_worker_reap(bool wait);

/* Free a job that is not running (joined, or never started). */
void uw_phone_worker_free(struct uw_phone_worker *j);

void uw_phone_worker_msg_free(struct uw_phone_worker_msg *m);
