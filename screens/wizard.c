// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The wizard app: walks the screen table, owns the terminal, the loop and
 * the frame, and decides what quitting means (changes live → ask).
 */
#include "screens/wizard.h"
#include "tui/field.h"
#include "tui/radio.h"
#include "tui/textview.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/apply.h"
#include "core/autorevert.h"
#include "core/env.h"
#include "core/userfile.h"
#include "core/util.h"
#include "tui/msgbox.h"
#include "tui/term.h"

static const struct uw_screen *const screens[] = {
	&uw_scr_welcome, &uw_scr_detect, &uw_scr_overlap, &uw_scr_address, &uw_scr_netmask,
	&uw_scr_nat,     &uw_scr_dns,    &uw_scr_review,  &uw_scr_apply,   &uw_scr_phone,
	&uw_scr_done,
};
#define N_SCREENS UW_ARRAY_SIZE(screens)

/* ---- the gate widget ---------------------------------------------------- */

struct gate {
	struct uw_widget base;
	const char *(*check)(void *ud);
	void *ud;
};

static int gate_size(struct uw_widget *wd, int width)
{
	return 0;
}

static void gate_draw(struct uw_widget *wd, bool focused)
{
}

static void gate_destroy(struct uw_widget *wd)
{
	free(wd);
}

static const char *gate_invalid(struct uw_widget *wd)
{
	struct gate *g = (struct gate *)wd;

	return g->check(g->ud);
}

static const struct uw_widget_class gate_class = {
	.name = "gate", .draw = gate_draw, .size = gate_size, .destroy = gate_destroy,
	.invalid = gate_invalid,
};

struct uw_widget *uw_wizard_gate_new(const char *(*check)(void *ud), void *ud)
{
	struct gate *g = uw_malloc0(sizeof(*g));

	g->base.cls = &gate_class;
	g->base.focusable = false;
	g->check = check;
	g->ud = ud;
	return &g->base;
}

void uw_wizard_add_choice(struct uw_wizard *w, const char *text, int rows, struct uw_widget_radio *r,
			  struct uw_widget_field *f, const char *(*gate)(void *ud))
{
	struct uw_widget_textview *t = uw_widget_textview_new(text);

	uw_widget_textview_set_rows(t, rows);
	uw_tui_frame_add(w->frame, uw_wizard_gate_new(gate, NULL));
	uw_tui_frame_add(w->frame, uw_widget_textview_widget(t));
	uw_tui_frame_add(w->frame, uw_widget_radio_widget(r));
	uw_tui_frame_add(w->frame, uw_widget_field_widget(f));
	gate(NULL);
	uw_tui_frame_focus(w->frame, 2);
}

/* ---- helpers for screens ------------------------------------------------ */

bool uw_wizard_field_check(const char *text, char *why, size_t n, void *ud)
{
	const struct uw_wizard_check *chk = ud;
	struct uw_choices scratch = chk->w->draft;
	struct uw_error err;

	uw_error_clear(&err);
	if (chk->set(&scratch, text, &err) == 0)
		return true;
	snprintf(why, n, "%s", err.msg);
	return false;
}

void uw_wizard_preset_addresses(const struct uw_wizard *w, struct in_addr *host, struct in_addr *phone,
				unsigned *plen)
{
	const struct uw_preset *p = w->draft.preset;

	*host = w->draft.host_ip;
	*phone = w->draft.phone_ip;
	*plen = w->draft.plen;
	if (!p)
		return;
	if (uw_ip4_parse(p->host_ip, host, "address", NULL) < 0)
		*host = w->draft.host_ip;
	if (uw_ip4_parse(p->phone_ip, phone, "address", NULL) < 0)
		*phone = w->draft.phone_ip;
	*plen = p->plen;
}

bool uw_wizard_changes_live(void)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	bool live = uw_journal_read(j, NULL) == 0 && j->n_live > 0;

	free(j);
	return live;
}

/* After a failed revert: where things stand and how to go on. */
#define REVERT_RETRY "\n\nWhat could not be undone stays in the journal: 'sudo usbnet-wizard " \
	"revert' tries again."

int uw_wizard_revert(struct uw_wizard *w)
{
	struct uw_error err;
	char msg[UW_ERROR_MSG_MAX + 128];
	int r;

	uw_error_clear(&err);
	r = uw_revert(NULL, NULL, NULL, &err);
	if (r < 0)
		snprintf(msg, sizeof(msg), "Reverting failed: %s" REVERT_RETRY, err.msg);
	else if (r == 0)
		snprintf(msg, sizeof(msg), "Nothing to revert: usbnet-wizard has no changes in place.");
	else
		snprintf(msg, sizeof(msg), "Reverted %d step%s: the desktop is as it was before.", r,
			 r == 1 ? "" : "s");
	if (r >= 0)
		w->applied = false;
	uw_tui_message(w->loop, "Revert", msg);
	return r;
}

int uw_wizard_save_file(struct uw_wizard *w, const char *path, const char *text, unsigned mode,
			bool for_user)
{
	char msg[600];
	struct stat st;
	struct uw_error err;
	int rc;

	if (!path[0])
		return -ECANCELED;
	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(msg, sizeof(msg), "%s exists and is not a plain file: choose another name.", path);
			uw_tui_message(w->loop, "Cannot save", msg);
			return -EEXIST;
		}
		snprintf(msg, sizeof(msg), "%s already exists. Replace it?", path);
		if (!uw_tui_confirm(w->loop, "Replace the file?", msg, false))
			return -ECANCELED;
	}
	/*
	 * A new file renamed over the name: never through a link, never into
	 * a hard-linked file, and the mode asked for is the mode meant.
	 */
	uw_error_clear(&err);
	rc = uw_write_file_safely(path, text, strlen(text), mode, for_user ? UW_WRITE_FOR_USER : 0,
				  &err);
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "%s Choose another place.", err.msg);
		uw_tui_message(w->loop, "Cannot save", msg);
		return rc;
	}
	return 0;
}

/* ---- the app ------------------------------------------------------------ */

static bool shown(struct uw_wizard *w, size_t i)
{
	return !screens[i]->wanted || screens[i]->wanted(w);
}

static void set_title(struct uw_wizard *w)
{
	int step = 0, total = 0;

	for (size_t i = 0; i < N_SCREENS; i++) {
		if (i == w->cur || shown(w, i)) {
			total++;
			if (i <= w->cur)
				step++;
		}
	}
	uw_tui_frame_set_step(w->frame, step, total, screens[w->cur]->title);
}

static unsigned screen_key(struct uw_tui_frame *f, int key, void *ud)
{
	struct uw_wizard *w = ud;

	return screens[w->cur]->key ? screens[w->cur]->key(w, key) : UW_TUI_IGNORED;
}

void uw_wizard_rebuild(struct uw_wizard *w)
{
	const struct uw_screen *s = screens[w->cur];

	uw_tui_frame_clear(w->frame);
	set_title(w);
	uw_tui_frame_set_help(w->frame, s->help);
	uw_tui_frame_set_key_handler(w->frame, screen_key, w);
	s->enter(w);
}

/*
 * When an automatic revert is pending: its deadline as "HH:MM:SS" in @when
 * (and true); false when none is.
 */
static bool revert_pending(char *when, size_t len)
{
	struct uw_autorevert ar;
	time_t t;
	struct tm tm;

	if (uw_autorevert_status(&ar, NULL) < 0 || !ar.pending)
		return false;
	t = (time_t)(ar.deadline_ms / 1000);
	if (!localtime_r(&t, &tm) || !strftime(when, len, "%H:%M:%S", &tm))
		snprintf(when, len, "its deadline");
	return true;
}

/* The note printed when the wizard ends with changes live (static storage). */
static const char *live_note(const char *how)
{
	static char note[300];
	char when[32];

	if (revert_pending(when, sizeof(when)))
		snprintf(note, sizeof(note), "usbnet-wizard: %s; the automatic revert undoes the changes at %s "
			 "unless 'sudo usbnet-wizard confirm' keeps them.", how, when);
	else
		snprintf(note, sizeof(note), "usbnet-wizard: %s; the changes stay in place, 'sudo usbnet-wizard "
			 "revert' undoes them.", how);
	return note;
}

/*
 * Quitting: with changes live, three answers (nmtui/kconfig ask before
 * throwing work away; here the work is live in the kernel). Returns true
 * when the wizard should end.
 */
static bool ask_quit(struct uw_wizard *w)
{
	static const char *const lbtn[] = { "Leave them in place", "Revert and quit", "Cancel" };
	const char *const *btn = lbtn;

	char when[32], text[600];

	if (!uw_wizard_changes_live()) {
		w->exit_note = NULL;
		return true;
	}
	if (revert_pending(when, sizeof(when))) {
		static const char *const tbtn[] = { "Quit, revert at deadline", "Revert and quit", "Cancel" };

		snprintf(text, sizeof(text), "Changes made by usbnet-wizard are live on this computer, on "
			 "trial: they are undone automatically at %s, also after the wizard has quit, "
			 "unless 'sudo usbnet-wizard confirm' keeps them.\n\nQuit and leave them until "
			 "then, revert them now, or go back to the wizard (Keep)?", when);
		btn = tbtn;
	} else {
		snprintf(text, sizeof(text), "Changes made by usbnet-wizard are live on this computer.\n\n"
			 "Leave them in place (the phone stays online; 'sudo usbnet-wizard revert' "
			 "undoes them later), revert them now, or go back to the wizard?");
	}
	int r = uw_tui_msgbox(w->loop, "Quit?", text, btn, 3, 2);
	if (r == 0) {
		w->exit_note = revert_pending(when, sizeof(when)) ? live_note("quit") :
			"usbnet-wizard: the changes stay in place; 'sudo usbnet-wizard revert' undoes them.";
		return true;
	}
	if (r == 1) {
		struct uw_error err;
		int n = uw_revert(NULL, NULL, NULL, &err);

		if (n < 0) {
			char msg[UW_ERROR_MSG_MAX + 128];
			snprintf(msg, sizeof(msg), "Reverting failed: %s" REVERT_RETRY, err.msg);
			uw_tui_message(w->loop, "Revert", msg);
			return false;
		}
		w->applied = false;
		w->exit_note = "usbnet-wizard: the changes were reverted.";
		return true;
	}
	return false;
}

/* Ctrl-C asks like q does; SIGTERM (and SIGHUP, handled by the loop) end at
 * once, leaving any changes journaled for 'revert' (and a pending automatic
 * revert to its timer, which does not depend on this process). */
static void on_signal(struct uw_tui_loop *loop, int sig, void *ud)
{
	struct uw_wizard *w = ud;

	if (sig == SIGINT && !ask_quit(w))
		return;
	if (sig != SIGINT && uw_wizard_changes_live())
		w->exit_note = live_note("stopped");
	w->quit = true;
	w->exit_code = sig == SIGINT ? 0 : 128 + sig;
	uw_tui_loop_quit(loop, 128 + sig);
}

static void go(struct uw_wizard *w, int dir)
{
	size_t i = w->cur;

	for (;;) {
		if (dir > 0 && i + 1 >= N_SCREENS)
			return;
		if (dir < 0 && i == 0)
			return;
		i = (size_t)((long)i + dir);
		if (shown(w, i)) {
			w->cur = i;
			return;
		}
	}
}

/*
 * Libraries below core/ (libnftables, libiptc's helpers, libssh) may write
 * to stderr, which would scribble over the screen. While the wizard owns the
 * terminal, stderr goes to $USBNET_WIZARD_STDERR (tests read it; sanitizer
 * reports land there too) or /dev/null. Returns the saved stderr, or -1.
 */
static int divert_stderr(void)
{
	const char *path = uw_env_get(UW_ENV_STDERR);
	int saved = dup(STDERR_FILENO), fd;

	if (saved < 0)
		return -1;
	/* Often run as root with the name from the environment: never through a
	 * link (a dangling one would have made its target). */
	fd = path && *path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (fd >= 0)
			close(fd);
		close(saved);
		return -1;
	}
	close(fd);
	return saved;
}

/*
 * $USBNET_WIZARD_KEY_TIMES: the benchmark's file for the loop's key and
 * redraw times (tui/loop.h). The wizard often runs as root and the name
 * comes from the environment: only a new file is made (O_EXCL), never
 * through a link, so no existing file is ever written. Returns the fd, or -1.
 */
static int open_key_times(void)
{
	const char *path = uw_env_get(UW_ENV_KEY_TIMES);

	if (!path || !*path)
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

static void restore_stderr(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

int uw_wizard_main(void)
{
	struct uw_wizard w = { .exit_code = 0 };
	struct uw_error err;
	int saved_stderr, key_times;

	uw_error_clear(&err);
	if (uw_tui_term_init(NULL, &err) < 0) {
		fprintf(stderr, "usbnet-wizard: %s\nThe wizard needs a terminal; the commands "
			"('usbnet-wizard --help') work without one.\n", err.msg);
		return UW_EXIT_USAGE;
	}
	saved_stderr = divert_stderr();
	w.loop = uw_tui_loop_new();
	if (!w.loop) {
		uw_tui_term_fini();
		restore_stderr(saved_stderr);
		fprintf(stderr, "usbnet-wizard: cannot start the event loop.\n");
		return UW_EXIT_FAIL;
	}
	w.frame = uw_tui_frame_new(w.loop, "usbnet-wizard");
	key_times = open_key_times();
	uw_tui_loop_set_trace_fd(w.loop, key_times);
	uw_tui_loop_set_signal_handler(w.loop, on_signal, &w);
	w.facts = uw_malloc0(sizeof(*w.facts));
	w.plan = uw_malloc0(sizeof(*w.plan));
	uw_choices_init(&w.draft);
	w.facts_ok = uw_facts_read(w.facts, &err) == 0;
	if (!w.facts_ok)
		uw_strlcpy(w.facts_error, err.msg, sizeof(w.facts_error));

	while (!w.quit) {
		const struct uw_screen *s = screens[w.cur];

		uw_wizard_rebuild(&w);
		int r = uw_tui_frame_run(w.frame);
		bool signalled = uw_tui_loop_quitting(w.loop);
		r = s->leave(&w, signalled ? UW_TUI_QUIT : r);
		if (s->state)
			memset(s->state, 0, s->state_size);
		if (signalled || w.quit) {
			if (!w.quit) { /* SIGHUP or a lost terminal: the loop ended itself */
				w.exit_code = 128 + SIGHUP;
				if (uw_wizard_changes_live())
					w.exit_note = live_note("stopped");
			}
			break;
		}
		if (r == UW_TUI_NEXT)
			go(&w, +1);
		else if (r == UW_TUI_BACK)
			go(&w, -1);
		else if (r == UW_TUI_QUIT && ask_quit(&w))
			w.quit = true;
	}
	uw_tui_frame_free(w.frame);
	uw_tui_loop_free(w.loop);
	if (key_times >= 0)
		close(key_times);
	uw_tui_term_fini();
	restore_stderr(saved_stderr);
	if (w.exit_note)
		printf("%s\n", w.exit_note);
	/* The terminal is the user's again. A phone login left running in the
	 * background (it never touches the loop freed above) gets a moment to
	 * end; one still stuck inside libssh is not waited for (see
	 * uw_scr_phone_wait): leave without running exit handlers under it. */
	fflush(NULL);
	if (!uw_scr_phone_wait(500))
		_exit(w.exit_code);
	free(w.facts);
	free(w.plan);
	return w.exit_code;
}
