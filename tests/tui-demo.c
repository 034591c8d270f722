// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A demo of every tui/ widget in a six-step mock wizard, for tests only
 * (tests/sys/t-tui.sh drives it in tmux). No networking: the "checks" are a
 * worker thread that sleeps and reports through uw_tui_post(), the "apply"
 * steps are timers.
 *
 *   tui-demo [--screen N] [--pidfile FILE]
 *   UW_TUI_DEMO_CRASH=1  abort() once the first screen is up (crash handler test)
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/checklist.h"
#include "tui/field.h"
#include "tui/frame.h"
#include "tui/loop.h"
#include "tui/msgbox.h"
#include "tui/password.h"
#include "tui/progress.h"
#include "tui/radio.h"
#include "tui/term.h"
#include "tui/textview.h"

#define STEPS 6

struct app {
	struct uw_tui_loop *loop;
	struct uw_tui_frame *frame;
	size_t netmask;
	char address[64];
	int password_len;
};

static const char *const netmasks[] = { "255.255.255.0 (/24)", "255.255.255.248 (/29)",
					"255.255.255.255 (/32 plus a host route)" };

/* ---- step 1: radio list ---- */
static int screen_netmask(struct app *a)
{
	struct uw_widget_radio *r = uw_widget_radio_new();
	struct uw_widget_textview *t = uw_widget_textview_new(
		"Choose the netmask of the USB link. The phone gets 192.168.0.202 and this "
		"computer 192.168.0.200.");

	uw_widget_textview_set_rows(t, 2);
	uw_widget_radio_add(r, netmasks[0], "The FreeRunner default; fine unless your LAN is 192.168.0.x.");
	uw_widget_radio_add(r, netmasks[1], "A narrow subnet: only .200 to .207 belong to the USB link.");
	uw_widget_radio_add(r, netmasks[2], "No subnet at all: one address plus a route to the phone.");
	uw_widget_radio_set_selected(r, a->netmask);
	uw_tui_frame_add(a->frame, uw_widget_textview_widget(t));
	uw_tui_frame_add(a->frame, uw_widget_radio_widget(r));
	uw_tui_frame_focus(a->frame, 1);
	uw_tui_frame_set_help(a->frame, "The netmask decides which addresses are on the USB link.\n\n"
				        "Pick /29 or /32 when your home network already uses 192.168.0.x.");
	uw_widget_buttons_set_enabled(uw_tui_frame_buttons(a->frame), UW_TUI_BACK, false,
				      "this is the first step.");
	int res = uw_tui_frame_run(a->frame);
	a->netmask = uw_widget_radio_selected(r);
	return res;
}

/* ---- step 2: text field with validation ---- */
static bool valid_ipv4(const char *s, char *why, size_t n, void *ud)
{
	unsigned v[4];
	char tail;

	if (!s[0]) {
		snprintf(why, n, "Type the phone's address, for example 192.168.0.202.");
		return false;
	}
	if (sscanf(s, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4) {
		snprintf(why, n, "\"%s\" is not an IPv4 address: use four numbers with dots, like 192.168.0.202.", s);
		return false;
	}
	for (int i = 0; i < 4; i++) {
		if (v[i] > 255) {
			snprintf(why, n, "%u is too big: each part of an address is 0 to 255.", v[i]);
			return false;
		}
	}
	return true;
}

static int screen_address(struct app *a)
{
	struct uw_widget_field *f = uw_widget_field_new("Phone address:", a->address, 15);

	uw_widget_field_set_validate(f, valid_ipv4, NULL);
	uw_tui_frame_add(a->frame, uw_widget_field_widget(f));
	uw_tui_frame_set_help(a->frame, "The address the phone uses on the USB link.");
	int res = uw_tui_frame_run(a->frame);
	snprintf(a->address, sizeof(a->address), "%s", uw_widget_field_text(f));
	return res;
}

/* ---- step 3: checklist fed by a worker thread ---- */
struct check_update {
	struct uw_widget_checklist *list;
	size_t i;
	enum uw_tui_status st;
	const char *detail;
};

static struct check_update updates[] = {
	{ NULL, 0, UW_TUI_RUNNING, NULL }, { NULL, 0, UW_TUI_OK_, "The phone answers ping." },
	{ NULL, 1, UW_TUI_RUNNING, NULL }, { NULL, 1, UW_TUI_OK_, "Default route via 192.168.0.200." },
	{ NULL, 2, UW_TUI_RUNNING, NULL }, { NULL, 2, UW_TUI_FAIL, "203.0.113.1 does not answer: NAT is not set up yet." },
	{ NULL, 3, UW_TUI_RUNNING, NULL }, { NULL, 3, UW_TUI_WARNING, "resolv.conf on the phone is empty." },
	{ NULL, 4, UW_TUI_RUNNING, NULL }, { NULL, 4, UW_TUI_OK_, "All checks done." },
};

static void apply_update(struct uw_tui_loop *loop, void *ud)
{
	struct check_update *u = ud;

	uw_widget_checklist_set(u->list, u->i, u->st, u->detail);
}

static atomic_bool stop_worker;

static void *check_worker(void *ud)
{
	struct uw_tui_loop *loop = ud;

	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]) && !stop_worker; i++) {
		nanosleep(&(struct timespec){ 0, 120 * 1000 * 1000 }, NULL);
		uw_tui_post(loop, apply_update, &updates[i]);
	}
	return NULL;
}

static bool spin(struct uw_tui_loop *loop, void *ud)
{
	uw_widget_checklist_tick(ud);
	return true;
}

static unsigned checks_key(struct uw_tui_frame *f, int key, void *ud)
{
	struct app *a = ud;
	char pw[128];

	if (key != UW_KEY(KEY_F(2)))
		return UW_TUI_IGNORED;
	if (uw_tui_password(a->loop, "Phone password", "Password for root on the phone "
			    "(the FreeRunner's is empty: just press Enter):", pw, sizeof(pw)) == 0) {
		char msg[96];

		a->password_len = (int)strlen(pw);
		explicit_bzero(pw, sizeof(pw));
		snprintf(msg, sizeof(msg), "Got a password of %d characters.", a->password_len);
		uw_tui_message(a->loop, "Password", msg);
	}
	return UW_TUI_HANDLED;
}

static int screen_checks(struct app *a)
{
	struct uw_widget_checklist *c = uw_widget_checklist_new();
	static const char *const labels[] = { "Phone reachable over USB", "Phone's default route",
					      "Outside address reachable", "Phone's resolv.conf",
					      "Name resolution" };
	pthread_t th;

	for (size_t i = 0; i < 5; i++)
		uw_widget_checklist_add(c, labels[i]);
	uw_widget_checklist_set_checkable(c, 3, true);
	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]); i++)
		updates[i].list = c;
	uw_tui_frame_add(a->frame, uw_widget_checklist_widget(c));
	uw_tui_frame_set_hints(a->frame, "Enter Next  Esc Back  F2 Password  F1 Help  q Quit");
	uw_tui_frame_set_help(a->frame, "Checks run over ssh on the phone. Tick a fix with Space.");
	uw_tui_frame_set_key_handler(a->frame, checks_key, a);
	int timer = uw_tui_loop_add_timer(a->loop, 120, spin, c);
	stop_worker = false;
	bool threaded = pthread_create(&th, NULL, check_worker, a->loop) == 0;
	int res = uw_tui_frame_run(a->frame);
	uw_tui_loop_remove_timer(a->loop, timer);
	stop_worker = true;
	if (threaded)
		pthread_join(th, NULL);
	/* Posts the worker queued point at this screen's checklist, which the
	 * next uw_tui_frame_clear frees: run them while it still exists. */
	uw_tui_loop_flush_posts(a->loop);
	return res;
}

/* ---- step 4: progress list driven by timers, with a countdown ---- */
struct apply_state {
	struct uw_widget_progress *p;
	size_t next;
	long long deadline;
};

static bool apply_step(struct uw_tui_loop *loop, void *ud)
{
	struct apply_state *s = ud;
	char note[80];

	if (s->next > 0)
		uw_widget_progress_set(s->p, s->next - 1, s->next == 4 ? UW_TUI_SKIPPED : UW_TUI_OK_);
	if (s->next < 5)
		uw_widget_progress_set(s->p, s->next, UW_TUI_RUNNING);
	s->next++;
	uw_widget_progress_tick(s->p);
	long long left = (s->deadline - uw_tui_now_ms() + 999) / 1000;
	snprintf(note, sizeof(note), "Automatic revert in %lld s unless you press Next.",
		 left > 0 ? left : 0);
	uw_widget_progress_set_note(s->p, note);
	return true;
}

static int screen_apply(struct app *a)
{
	struct apply_state s = { .p = uw_widget_progress_new(),
				 .deadline = uw_tui_now_ms() + 30000 };
	static const char *const steps[] = { "Add 192.168.0.200/24 to usb0", "Enable ip_forward",
					     "Masquerade out of eth0", "Accept forwarding usb0 <-> eth0",
					     "Mark usb0 unmanaged in NetworkManager, so that it does not take the address "
					     "away again, which is what it does to a gadget it sees as new (a label too long even "
					     "for two lines)" };

	for (size_t i = 0; i < 5; i++)
		uw_widget_progress_add(s.p, steps[i]);
	uw_tui_frame_add(a->frame, uw_widget_progress_widget(s.p));
	int timer = uw_tui_loop_add_timer(a->loop, 150, apply_step, &s);
	int res = uw_tui_frame_run(a->frame);
	uw_tui_loop_remove_timer(a->loop, timer);
	return res;
}

/* ---- step 5: scrollable text ---- */
static int screen_review(struct app *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	fprintf(m, "The plan, with the command for each step:\n\n");
	for (int i = 1; i <= 20; i++)
		fprintf(m, "%2d. Step number %d of the plan.\n    $ ip addr add 192.168.0.200/24 dev usb0\n", i, i);
	fclose(m);
	struct uw_widget_textview *t = uw_widget_textview_new(text);
	free(text);
	uw_widget_textview_set_rows(t, 15);
	uw_tui_frame_add(a->frame, uw_widget_textview_widget(t));
	uw_tui_frame_set_hints(a->frame, "PgUp/PgDn Scroll  Enter Next  Esc Back  F1 Help  q Quit");
	return uw_tui_frame_run(a->frame);
}

/* ---- step 6: custom buttons and a confirm box ---- */
#define BTN_FINISH (UW_TUI_BUTTON_CUSTOM + 1)

static int screen_done(struct app *a)
{
	char summary[256];

	snprintf(summary, sizeof(summary), "Summary: netmask %s, phone %s.\n\nPress Finish to leave.",
		 netmasks[a->netmask], a->address);
	uw_tui_frame_add(a->frame, uw_widget_textview_widget(uw_widget_textview_new(summary)));
	struct uw_widget_buttons *b = uw_tui_frame_buttons(a->frame);
	uw_widget_buttons_set_enabled(b, UW_TUI_NEXT, false, "this is the last step.");
	uw_widget_buttons_add(b, "Finish", BTN_FINISH);
	uw_widget_buttons_focus(b, BTN_FINISH);
	uw_tui_frame_focus(a->frame, 1);
	int r = uw_tui_frame_run(a->frame);
	if (r == BTN_FINISH && !uw_tui_confirm(a->loop, "Finish", "Leave the wizard now?", true))
		return UW_TUI_HANDLED; /* stay on this screen */
	return r;
}

static int (*const screens[STEPS])(struct app *) = {
	screen_netmask, screen_address, screen_checks, screen_apply, screen_review, screen_done,
};
static const char *const titles[STEPS] = { "Netmask", "Phone address", "Phone check",
					   "Apply", "Review", "Done" };

static bool confirm_quit(struct app *a)
{
	return uw_tui_confirm(a->loop, "Quit?",
			      "Changes are live. Quit anyway? They stay in place until you "
			      "run: usbnet-wizard revert", false);
}

/* SIGINT asks (changes may be live); SIGTERM means it. */
static void on_signal(struct uw_tui_loop *loop, int sig, void *ud)
{
	if (sig == SIGINT && !confirm_quit(ud))
		return;
	uw_tui_loop_quit(loop, 128 + sig);
}

static bool crash(struct uw_tui_loop *loop, void *ud)
{
	abort();
}

int main(int argc, char **argv)
{
	struct app a = { .netmask = 0 };
	struct uw_error err;
	int screen = 0, quit_code = 0;

	snprintf(a.address, sizeof(a.address), "192.168.0.202");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--screen") && i + 1 < argc) {
			screen = atoi(argv[++i]) - 1;
		} else if (!strcmp(argv[i], "--pidfile") && i + 1 < argc) {
			FILE *f = fopen(argv[++i], "w");
			if (f) {
				fprintf(f, "%d\n", (int)getpid());
				fclose(f);
			}
		} else {
			fprintf(stderr, "usage: tui-demo [--screen N] [--pidfile FILE]\n");
			return 2;
		}
	}
	if (screen < 0 || screen >= STEPS)
		screen = 0;
	if (uw_tui_term_init(NULL, &err) < 0) {
		fprintf(stderr, "tui-demo: %s\n", err.msg);
		return 1;
	}
	a.loop = uw_tui_loop_new();
	a.frame = uw_tui_frame_new(a.loop, "usbnet-wizard");
	uw_tui_loop_set_signal_handler(a.loop, on_signal, &a);
	if (getenv("UW_TUI_DEMO_CRASH"))
		uw_tui_loop_add_timer(a.loop, 300, crash, NULL);

	while (screen >= 0 && screen < STEPS) {
		uw_tui_frame_clear(a.frame);
		uw_tui_frame_set_step(a.frame, screen + 1, STEPS, titles[screen]);
		int r = screens[screen](&a);
		if (uw_tui_loop_quitting(a.loop)) {
			quit_code = 1;
			break;
		}
		if (r == UW_TUI_NEXT)
			screen++;
		else if (r == UW_TUI_BACK && screen > 0)
			screen--;
		else if (r == BTN_FINISH || (r == UW_TUI_QUIT && confirm_quit(&a)))
			break;
	}
	uw_tui_frame_free(a.frame);
	uw_tui_loop_free(a.loop);
	uw_tui_term_fini();
	printf("tui-demo: %s (netmask %s, phone %s)\n", quit_code ? "stopped by a signal" : "done",
	       netmasks[a.netmask], a.address);
	return quit_code;
}
