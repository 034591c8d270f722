/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The wizard: a table of screens (nmtui's subprograms[]) walked by one app
 * over the shared wizard state. The screens edit a *draft* of the choices;
 * only the Apply screen changes the system, through core/ (uw_apply), and
 * quitting while changes are live asks first (q and Ctrl-C alike).
 *
 * Each screens/scr-NAME.c exports one `const struct uw_screen uw_scr_NAME`.
 * The app clears the frame, sets the title "Step N of M: TITLE" and the
 * help, calls enter() (which adds the widgets), runs the frame, and hands
 * the result to leave() (which reads the widgets back into the draft and
 * says where to go). Screens reach the system through core/ only.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/choices.h"
#include "core/detect.h"
#include "core/facts.h"
#include "core/plan.h"
#include "core/exit.h"
#include "tui/frame.h"
#include "tui/loop.h"

/* leave() may return this: build the same screen again (after a custom button). */
#define UW_WIZ_STAY 0x7000

struct uw_wizard {
	struct uw_tui_loop *loop;
	struct uw_tui_frame *frame;

	struct uw_choices draft;        /* what the screens edit */
	struct uw_facts *facts;         /* the host, read at start and before Review */
	bool facts_ok;
	char facts_error[UW_ERROR_MSG_MAX];
	struct uw_plan *plan;           /* built by Review from the draft and the facts */
	bool plan_ok;
	bool auto_revert;               /* Review asked for "apply with automatic revert" */
	bool applied;                   /* this run applied the plan (and did not revert it) */
	bool checks_passed;             /* every phone check passed */
	bool want_addresses;            /* Overlap chose other addresses: the Address screen shows */
	char checks_summary[256];       /* one line for the Done screen */

	size_t cur;                     /* index into the screen table */
	bool quit;                      /* leave the wizard */
	int exit_code;
	const char *exit_note;          /* printed after the terminal is restored */
};

struct uw_screen {
	const char *id;                 /* "welcome", "detect", ... */
	const char *title;              /* for the title bar */
	const char *help;               /* F1 / ? */
	/* Whether the screen is shown now (NULL: always). */
	bool (*wanted)(struct uw_wizard *w);
	/* Add the widgets to w->frame (cleared already) and start what runs. */
	void (*enter)(struct uw_wizard *w);
	/* Extra keys (NULL: none); see uw_tui_frame_key_fn. */
	unsigned (*key)(struct uw_wizard *w, int key);
	/* Read the widgets back, stop what runs, and return UW_TUI_NEXT,
	 * UW_TUI_BACK, UW_TUI_QUIT or UW_WIZ_STAY. @result is what the frame
	 * returned (a UW_TUI_* value or a custom button id). */
	int (*leave)(struct uw_wizard *w, int result);
	/* Optional: the screen's own state, zeroed by the app after leave()
	 * (the screen starts afresh next time; NULL: it keeps its state). */
	void *state;
	size_t state_size;
};

/*
 * The phone check leaves a login that is still under way to finish in the
 * background when the user goes on (libssh cannot be interrupted from
 * another thread). Wait up to @ms milliseconds for such logins to end and
 * free them; returns false when some are still inside libssh. The process
 * must then leave with _exit(): exit() would run library destructors under
 * the thread's feet, and waiting could take the whole ssh timeout (a phone
 * that stopped answering, or a link the quit just reverted).
 */
bool uw_scr_phone_wait(unsigned ms);

extern const struct uw_screen uw_scr_welcome, uw_scr_detect, uw_scr_overlap, uw_scr_address,
	uw_scr_netmask,
	uw_scr_nat, uw_scr_dns, uw_scr_review, uw_scr_apply, uw_scr_phone, uw_scr_done;

/*
 * The addresses the phone has as it comes (the preset's), which Overlap
 * checks whatever the draft says now: after moving the link to another
 * subnet, Overlap stays in the walk, so Back still reaches it.
 */
void uw_wizard_preset_addresses(const struct uw_wizard *w, struct in_addr *host, struct in_addr *phone,
				unsigned *plen);

/*
 * Run the wizard on this terminal. Returns an exit status: 0 normally, 1 on
 * a terminal error, 128+N when a signal ended it.
 */
int uw_wizard_main(void);

/* Rebuild the current screen now (from an fd or timer callback): clear the
 * frame, set title and help again, call enter(). */
void uw_wizard_rebuild(struct uw_wizard *w);

/* Whether usbnet-wizard changes are live (the journal holds steps). */
bool uw_wizard_changes_live(void);

/*
 * Undo the live changes (uw_revert) and tell the user how it went in a
 * message box. Returns uw_revert's result.
 */
int uw_wizard_revert(struct uw_wizard *w);

/*
 * A widget that takes no room and is never focused: at every redraw and
 * key it calls @check, which may sync other widgets (hide a field) and
 * returns NULL when the screen may go on, else the reason "Next" is
 * disabled. Add it first: the frame stops asking at the first invalid
 * widget.
 */
struct uw_widget *uw_wizard_gate_new(const char *(*check)(void *ud), void *ud);

struct uw_widget_textview;
struct uw_widget_radio;
struct uw_widget_field;

/*
 * Lay out a choice screen (Netmask, NAT, DNS): the explanation @text in
 * @rows rows (when the screen is short), the radio list @r and the field @f
 * that @gate shows or hides as the choice changes (and whose sentence, if
 * any, disables Next). The list gets the focus.
 */
void uw_wizard_add_choice(struct uw_wizard *w, const char *text, int rows, struct uw_widget_radio *r,
			  struct uw_widget_field *f, const char *(*gate)(void *ud));

/*
 * A text field's validator (tui/field.h) that asks a core/ setter, the one
 * the command line's option uses, on a scratch copy of the draft: @ud is a
 * struct uw_wizard_check (static: the field keeps the pointer). The field
 * shows the setter's own sentence.
 */
struct uw_wizard_check {
	struct uw_wizard *w;
	int (*set)(struct uw_choices *c, const char *s, struct uw_error *err);
};
bool uw_wizard_field_check(const char *text, char *why, size_t n, void *ud);

/* Write @text to @path with @mode, asking before overwriting an existing
 * file; never through a link (uw_write_file_safely). @for_user: under sudo
 * the file is the invoking user's (a report). Returns 0, -ECANCELED (the
 * user said no), or -errno with a message box already shown. */
int uw_wizard_save_file(struct uw_wizard *w, const char *path, const char *text, unsigned mode,
			bool for_user);
