/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one event loop: poll() on the terminal (keys, resize), on file
 * descriptors the app registers (netlink link events, a pipe from a worker
 * thread), on a self-pipe for uw_tui_post() from other threads and on a
 * self-pipe for signals (SIGINT, SIGTERM, SIGHUP, SIGWINCH), plus one-shot
 * or repeating timers on CLOCK_MONOTONIC.
 *
 * What is on screen is a stack of layers (the wizard frame, a modal box on
 * top of it): keys go to the top layer, every layer draws bottom to top
 * after each batch of events. Key handlers return UW_TUI_* flags
 * (tui/widget.h). A modal box runs a nested loop with
 * uw_tui_loop_run_layer(); fds, timers and posts keep being served while it
 * is open, so progress never freezes.
 *
 * Without an active terminal (tests) the loop serves fds, timers, posts and
 * signals only.
 */

#include <stdbool.h>

struct uw_tui_loop;

/* What a key handler did, as flags (htop's HandlerResult). */
enum uw_tui_flags {
	UW_TUI_IGNORED = 0,       /* not mine: let the container try */
	UW_TUI_HANDLED = 1 << 0,  /* consumed */
	UW_TUI_REDRAW = 1 << 1,   /* state changed (the loop redraws after every batch anyway) */
	UW_TUI_NEXT = 1 << 2,     /* go to the next screen (Enter / "Next") */
	UW_TUI_BACK = 1 << 3,     /* go back (Esc / "Back") */
	UW_TUI_QUIT = 1 << 4,     /* the user wants to quit */
	UW_TUI_HELP = 1 << 5,     /* show help (F1 / ?) */
	UW_TUI_ACTIVATE = 1 << 6, /* a custom button was pressed */
};

/* Keys: a character is its Unicode code point; a curses function key
 * KEY_x is UW_KEY(KEY_x), above every code point, so both fit one int and
 * one switch. */
#define UW_KEY(k) (0x200000 + (k))
#define UW_KEY_CTRL(c) ((c) & 0x1f)
#define UW_KEY_ESC 27

/* @revents is poll()'s revents for @fd. */
typedef void (*uw_tui_fd_fn)(struct uw_tui_loop *loop, int fd, short revents, void *ud);
/* Return true to run again after the same interval, false to remove. */
typedef bool (*uw_tui_timer_fn)(struct uw_tui_loop *loop, void *ud);
typedef void (*uw_tui_post_fn)(struct uw_tui_loop *loop, void *ud);
/* SIGINT or SIGTERM arrived. The app decides: ask ("quit? changes are
 * live") or call uw_tui_loop_quit(). Without a handler the loop quits. */
typedef void (*uw_tui_signal_fn)(struct uw_tui_loop *loop, int signo, void *ud);

/* One thing on screen that takes keys. */
struct uw_tui_layer {
	/* Handle @key (a character, or UW_KEY(KEY_*)); return UW_TUI_* flags.
	 * UW_TUI_QUIT from the top layer ends the whole loop. */
	unsigned (*key)(struct uw_tui_layer *layer, int key);
	/* Draw on stdscr; called bottom to top after every batch of events. */
	void (*draw)(struct uw_tui_layer *layer);
	bool modal;   /* a box over the screen: keeps the backdrop drawn */
	bool done;    /* set to end uw_tui_loop_run_layer() for this layer */
	int result;   /* what uw_tui_loop_run_layer() returns */
	struct uw_tui_layer *below; /* managed by the loop */
};

/*
 * Create a loop and take over SIGINT, SIGTERM, SIGHUP and SIGWINCH (their
 * handlers only write to a pipe; the work happens in the loop). Only one
 * loop may exist at a time; returns NULL if one does.
 */
struct uw_tui_loop *uw_tui_loop_new(void);

/* Free the loop, put the old signal handlers back. Posts not yet run are
 * dropped. NULL is fine. */
void uw_tui_loop_free(struct uw_tui_loop *loop);

/*
 * Watch @fd for @events (POLLIN, POLLOUT, ...); @cb runs in the loop thread.
 * Returns an id > 0 for uw_tui_loop_remove_fd(), or -EINVAL.
 */
int uw_tui_loop_add_fd(struct uw_tui_loop *loop, int fd, short events, uw_tui_fd_fn cb, void *ud);

/* Stop watching; safe from within any callback, also the fd's own. */
void uw_tui_loop_remove_fd(struct uw_tui_loop *loop, int id);

/*
 * Run @cb after @ms milliseconds, and again every @ms while it returns
 * true. Returns an id > 0 for uw_tui_loop_remove_timer().
 */
int uw_tui_loop_add_timer(struct uw_tui_loop *loop, unsigned ms, uw_tui_timer_fn cb, void *ud);

/* Cancel a timer; unknown ids (timer already finished) are ignored. */
void uw_tui_loop_remove_timer(struct uw_tui_loop *loop, int id);

/*
 * Thread-safe: queue @fn(@ud) to run in the loop thread, and wake the loop.
 * This is how worker threads (ssh checks, apply steps) report progress.
 * Returns 0, or a negative errno if the wake-up pipe is broken.
 */
int uw_tui_post(struct uw_tui_loop *loop, uw_tui_post_fn fn, void *ud);

/*
 * Run the posts queued so far, now, in the calling (loop) thread. Call it
 * after joining a worker thread and before freeing what its posts point
 * to: a post still queued would otherwise run later on freed memory.
 */
void uw_tui_loop_flush_posts(struct uw_tui_loop *loop);

/* Who decides what SIGINT/SIGTERM mean (NULL: quit). */
void uw_tui_loop_set_signal_handler(struct uw_tui_loop *loop, uw_tui_signal_fn fn, void *ud);

/*
 * Run until uw_tui_loop_quit() (or UW_TUI_QUIT from a key handler, or
 * SIGHUP). Returns the code given to uw_tui_loop_quit(). The layers already
 * pushed are drawn; with none, only fds, timers and posts run.
 */
int uw_tui_loop_run(struct uw_tui_loop *loop);

/*
 * Push @layer, run until @layer->done is set (or the loop quits) and pop it.
 * Returns @layer->result, or the quit code if the loop was told to quit.
 * This is how modal boxes and wizard screens run; it nests.
 */
int uw_tui_loop_run_layer(struct uw_tui_loop *loop, struct uw_tui_layer *layer);

/*
 * The last bottom layer that finished stays drawn behind modal boxes until
 * the next bottom layer is pushed (so "Quit?" after a screen returned shows
 * over that screen). Call this before freeing a layer that may be that
 * backdrop.
 */
void uw_tui_loop_forget_layer(struct uw_tui_loop *loop, struct uw_tui_layer *layer);

/*
 * Write a line to @fd (-1: stop) per key read, "key NS\n", and per completed
 * terminal update (doupdate), "draw NS\n", NS being CLOCK_MONOTONIC in
 * nanoseconds: keypress-to-redraw measured inside the process, without a
 * terminal multiplexer's polling in the figure. The fd stays the caller's.
 */
void uw_tui_loop_set_trace_fd(struct uw_tui_loop *loop, int fd);

/* Ask every running uw_tui_loop_run*() to return @code. */
void uw_tui_loop_quit(struct uw_tui_loop *loop, int code);

/* Whether uw_tui_loop_quit() was called. */
bool uw_tui_loop_quitting(const struct uw_tui_loop *loop);

/* Redraw every layer now (after state changed outside a callback). With
 * @full, repaint the whole screen from scratch (after a resize). */
void uw_tui_loop_redraw(struct uw_tui_loop *loop, bool full);

/* Milliseconds on the monotonic clock (for countdowns). */
long long uw_tui_now_ms(void);
