// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/loop.h"
#include "tui/term.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <ncurses.h>

struct fd_watch {
	int id, fd;
	short events;
	uw_tui_fd_fn cb;
	void *ud;
	bool removed;
	bool running; /* as for timers: not re-entered from a nested run */
};

struct timer {
	int id;
	unsigned interval;
	long long due;
	uw_tui_timer_fn cb;
	void *ud;
	bool removed;
	bool running; /* its callback is on the stack (maybe in a nested run) */
};

struct post {
	uw_tui_post_fn fn;
	void *ud;
	struct post *next;
};

struct uw_tui_loop {
	struct fd_watch *fds;
	size_t n_fds, cap_fds;
	struct timer *timers;
	size_t n_timers, cap_timers;
	int next_id;

	pthread_mutex_t post_lock;
	struct post *post_head, **post_tail;
	int post_pipe[2];

	uw_tui_signal_fn on_signal;
	void *signal_ud;

	struct uw_tui_layer *top;
	/* The last bottom layer that finished: still drawn behind a modal box
	 * opened between two screens ("Quit?" after a screen returned), so the
	 * box does not float on an empty terminal. */
	struct uw_tui_layer *backdrop;
	bool quit;
	int quit_code;
	bool full_redraw;
	int trace_fd;   /* uw_tui_loop_set_trace_fd, or -1 */
};

static const int loop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
static struct sigaction old_sig[sizeof(loop_signals) / sizeof(loop_signals[0])];
static int sig_pipe[2] = { -1, -1 };
static struct uw_tui_loop *the_loop;

long long uw_tui_now_ms(void)
{
	return uw_now_ms();
}

void uw_tui_loop_set_trace_fd(struct uw_tui_loop *loop, int fd)
{
	loop->trace_fd = fd;
}

/* One line of the trace: @what and the monotonic time now, in nanoseconds. */
static void trace_time(const struct uw_tui_loop *loop, const char *what)
{
	struct timespec ts;
	char line[64];
	int n;

	if (loop->trace_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%s %lld\n", what, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	/* A benchmark's file: a short write loses one sample, nothing else. */
	if (write(loop->trace_fd, line, (size_t)n) < 0)
		return;
}

/* The self-pipe trick: the handler only records the signal number in a
 * pipe the loop polls, so nothing unsafe runs in signal context and no
 * signal is lost between a check and poll(). */
static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t r = write(sig_pipe[1], &b, 1);

	(void)r;
	errno = saved;
}

static int make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		p[0] = p[1] = -1;
		return -errno;
	}
	return 0;
}

static void close_pipe(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	p[0] = p[1] = -1;
}

struct uw_tui_loop *uw_tui_loop_new(void)
{
	struct uw_tui_loop *loop;
	struct sigaction sa;

	if (the_loop)
		return NULL;
	loop = uw_malloc0(sizeof(*loop));
	loop->next_id = 1;
	loop->trace_fd = -1;
	loop->post_tail = &loop->post_head;
	pthread_mutex_init(&loop->post_lock, NULL);
	if (make_pipe(loop->post_pipe) < 0 || make_pipe(sig_pipe) < 0) {
		close_pipe(loop->post_pipe);
		close_pipe(sig_pipe);
		pthread_mutex_destroy(&loop->post_lock);
		free(loop);
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* SA_RESTART so a read() elsewhere is not cut short; poll() returns
	 * EINTR regardless, and the pipe wakes it anyway. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < UW_ARRAY_SIZE(loop_signals); i++)
		sigaction(loop_signals[i], &sa, &old_sig[i]);
	the_loop = loop;
	return loop;
}

void uw_tui_loop_free(struct uw_tui_loop *loop)
{
	struct post *p, *n;

	if (!loop)
		return;
	for (size_t i = 0; i < UW_ARRAY_SIZE(loop_signals); i++)
		sigaction(loop_signals[i], &old_sig[i], NULL);
	close_pipe(sig_pipe);
	close_pipe(loop->post_pipe);
	for (p = loop->post_head; p; p = n) {
		n = p->next;
		free(p);
	}
	pthread_mutex_destroy(&loop->post_lock);
	free(loop->fds);
	free(loop->timers);
	if (the_loop == loop)
		the_loop = NULL;
	free(loop);
}

int uw_tui_loop_add_fd(struct uw_tui_loop *loop, int fd, short events, uw_tui_fd_fn cb, void *ud)
{
	if (fd < 0 || !cb)
		return -EINVAL;
	if (loop->n_fds == loop->cap_fds) {
		loop->cap_fds = loop->cap_fds ? loop->cap_fds * 2 : 4;
		loop->fds = uw_realloc(loop->fds, loop->cap_fds * sizeof(*loop->fds));
	}
	loop->fds[loop->n_fds++] = (struct fd_watch){
		.id = loop->next_id++, .fd = fd, .events = events, .cb = cb, .ud = ud,
	};
	return loop->fds[loop->n_fds - 1].id;
}

void uw_tui_loop_remove_fd(struct uw_tui_loop *loop, int id)
{
	/* Only marked here: we may be inside the dispatch loop over fds. */
	for (size_t i = 0; i < loop->n_fds; i++)
		if (loop->fds[i].id == id)
			loop->fds[i].removed = true;
}

int uw_tui_loop_add_timer(struct uw_tui_loop *loop, unsigned ms, uw_tui_timer_fn cb, void *ud)
{
	if (!cb)
		return -EINVAL;
	if (loop->n_timers == loop->cap_timers) {
		loop->cap_timers = loop->cap_timers ? loop->cap_timers * 2 : 4;
		loop->timers = uw_realloc(loop->timers, loop->cap_timers * sizeof(*loop->timers));
	}
	loop->timers[loop->n_timers++] = (struct timer){
		.id = loop->next_id++, .interval = ms, .due = uw_tui_now_ms() + ms,
		.cb = cb, .ud = ud,
	};
	return loop->timers[loop->n_timers - 1].id;
}

void uw_tui_loop_remove_timer(struct uw_tui_loop *loop, int id)
{
	for (size_t i = 0; i < loop->n_timers; i++)
		if (loop->timers[i].id == id)
			loop->timers[i].removed = true;
}

int uw_tui_post(struct uw_tui_loop *loop, uw_tui_post_fn fn, void *ud)
{
	struct post *p = uw_malloc0(sizeof(*p));
	unsigned char b = 1;

	p->fn = fn;
	p->ud = ud;
	pthread_mutex_lock(&loop->post_lock);
	*loop->post_tail = p;
	loop->post_tail = &p->next;
	pthread_mutex_unlock(&loop->post_lock);
	/* A full pipe (EAGAIN) already means "wake up": nothing lost. */
	if (write(loop->post_pipe[1], &b, 1) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

void uw_tui_loop_set_signal_handler(struct uw_tui_loop *loop, uw_tui_signal_fn fn, void *ud)
{
	loop->on_signal = fn;
	loop->signal_ud = ud;
}

void uw_tui_loop_forget_layer(struct uw_tui_loop *loop, struct uw_tui_layer *layer)
{
	if (loop && loop->backdrop == layer)
		loop->backdrop = NULL;
}

void uw_tui_loop_quit(struct uw_tui_loop *loop, int code)
{
	loop->quit = true;
	loop->quit_code = code;
}

bool uw_tui_loop_quitting(const struct uw_tui_loop *loop)
{
	return loop->quit;
}

static void draw_layers(struct uw_tui_layer *l)
{
	if (!l)
		return;
	draw_layers(l->below);
	if (l->draw)
		l->draw(l);
}

void uw_tui_loop_redraw(struct uw_tui_loop *loop, bool full)
{
	if (!uw_tui_term_active())
		return;
	if (full || loop->full_redraw)
		clearok(curscr, TRUE);
	loop->full_redraw = false;
	uw_tui_term_begin_draw();
	werase(stdscr);
	if (loop->backdrop && loop->backdrop->draw)
		loop->backdrop->draw(loop->backdrop);
	draw_layers(loop->top);
	uw_tui_term_end_draw();
	wrefresh(stdscr);
	trace_time(loop, "draw");
}

static void handle_resize(struct uw_tui_loop *loop)
{
	struct winsize ws;

	if (!uw_tui_term_active())
		return;
	/* We own SIGWINCH (ncurses' handler is replaced by ours), so tell
	 * curses the new size ourselves. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	loop->full_redraw = true;
}

static void handle_signals(struct uw_tui_loop *loop)
{
	unsigned char buf[64];
	ssize_t n;

	while ((n = read(sig_pipe[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			int sig = buf[i];

			if (sig == SIGWINCH) {
				handle_resize(loop);
			} else if (sig == SIGHUP) {
				/* The terminal is gone: nobody left to ask. */
				uw_tui_loop_quit(loop, 128 + SIGHUP);
			} else if (loop->on_signal) {
				loop->on_signal(loop, sig, loop->signal_ud);
			} else {
				uw_tui_loop_quit(loop, 128 + sig);
			}
		}
	}
}

static void run_posts(struct uw_tui_loop *loop)
{
	unsigned char buf[256];
	struct post *list, *next;

	while (read(loop->post_pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&loop->post_lock);
	list = loop->post_head;
	loop->post_head = NULL;
	loop->post_tail = &loop->post_head;
	pthread_mutex_unlock(&loop->post_lock);
	for (; list; list = next) {
		next = list->next;
		list->fn(loop, list->ud);
		free(list);
	}
}

static struct timer *find_timer(struct uw_tui_loop *loop, int id)
{
	for (size_t i = 0; i < loop->n_timers; i++)
		if (loop->timers[i].id == id && !loop->timers[i].removed)
			return &loop->timers[i];
	return NULL;
}

void uw_tui_loop_flush_posts(struct uw_tui_loop *loop)
{
	run_posts(loop);
}

static void run_timers(struct uw_tui_loop *loop)
{
	long long now = uw_tui_now_ms();
	size_t n = 0;
	int *due = uw_malloc0((loop->n_timers + 1) * sizeof(*due));

	/* Take the ids first and look each one up again: a callback may add
	 * or remove timers, or open a modal box whose nested loop runs (and
	 * compacts) the timer array under our feet. Timers added meanwhile
	 * wait for the next turn. */
	for (size_t i = 0; i < loop->n_timers; i++)
		if (!loop->timers[i].removed && !loop->timers[i].running &&
		    loop->timers[i].due <= now)
			due[n++] = loop->timers[i].id;
	for (size_t k = 0; k < n && !loop->quit; k++) {
		struct timer *t = find_timer(loop, due[k]);
		if (!t || t->running)
			continue;
		t->running = true;
		bool again = t->cb(loop, t->ud);
		t = find_timer(loop, due[k]);
		if (!t)
			continue;
		t->running = false;
		if (again) {
			t->due += t->interval;
			if (t->due <= now) /* we fell behind: do not fire in a burst */
				t->due = now + t->interval;
		} else {
			t->removed = true;
		}
	}
	free(due);
}

static void compact(struct uw_tui_loop *loop)
{
	size_t j = 0;

	for (size_t i = 0; i < loop->n_fds; i++)
		if (!loop->fds[i].removed)
			loop->fds[j++] = loop->fds[i];
	loop->n_fds = j;
	j = 0;
	for (size_t i = 0; i < loop->n_timers; i++)
		if (!loop->timers[i].removed)
			loop->timers[j++] = loop->timers[i];
	loop->n_timers = j;
}

static int next_timeout(struct uw_tui_loop *loop)
{
	long long now = uw_tui_now_ms(), best = -1;

	for (size_t i = 0; i < loop->n_timers; i++) {
		if (loop->timers[i].removed || loop->timers[i].running)
			continue;
		long long d = loop->timers[i].due - now;
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	return best > 60000 ? 60000 : (int)best;
}

static void read_keys(struct uw_tui_loop *loop)
{
	wint_t ch;
	int r;

	nodelay(stdscr, TRUE);
	while (!loop->quit && (r = wget_wch(stdscr, &ch)) != ERR) {
		int key = r == KEY_CODE_YES ? UW_KEY((int)ch) : (int)ch;

		trace_time(loop, "key");
		if (key == UW_KEY(KEY_RESIZE)) {
			loop->full_redraw = true;
			continue;
		}
		if (!loop->top || !loop->top->key)
			continue;
		unsigned flags = loop->top->key(loop->top, key);
		if (flags & UW_TUI_QUIT)
			uw_tui_loop_quit(loop, 0);
		/* One key at a time when a layer finished: the next keys belong to
		 * whatever comes after it (the next screen), not to this one. */
		if (loop->top->done)
			break;
	}
}

/* One turn: wait for something, dispatch it, redraw. */
static void iterate(struct uw_tui_loop *loop)
{
	size_t n_app = loop->n_fds, n = 0;
	struct pollfd *pfd = uw_malloc0((n_app + 3) * sizeof(*pfd));
	int *ids = uw_malloc0((n_app + 1) * sizeof(*ids));
	bool keys = uw_tui_term_active();

	pfd[n++] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
	pfd[n++] = (struct pollfd){ .fd = loop->post_pipe[0], .events = POLLIN };
	if (keys)
		pfd[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	size_t first_app = n;
	for (size_t i = 0; i < n_app; i++) {
		if (loop->fds[i].removed || loop->fds[i].running)
			continue;
		ids[n - first_app] = loop->fds[i].id;
		pfd[n++] = (struct pollfd){ .fd = loop->fds[i].fd, .events = loop->fds[i].events };
	}

	int r = poll(pfd, n, next_timeout(loop));
	if (r > 0) {
		if (pfd[0].revents)
			handle_signals(loop);
		if (pfd[1].revents)
			run_posts(loop);
		for (size_t i = first_app; i < n && !loop->quit; i++) {
			if (!pfd[i].revents)
				continue;
			for (size_t k = 0; k < loop->n_fds; k++) {
				struct fd_watch *w = &loop->fds[k];
				if (w->id == ids[i - first_app] && !w->removed && !w->running) {
					int id = w->id;
					w->running = true;
					w->cb(loop, w->fd, pfd[i].revents, w->ud);
					/* The array may have moved (add_fd in the callback). */
					for (size_t m = 0; m < loop->n_fds; m++)
						if (loop->fds[m].id == id)
							loop->fds[m].running = false;
					break;
				}
			}
		}
		if (keys && !loop->quit && (pfd[2].revents & POLLIN))
			read_keys(loop);
		else if (keys && (pfd[2].revents & (POLLHUP | POLLERR | POLLNVAL)))
			/* The terminal went away (ssh dropped): like SIGHUP. */
			uw_tui_loop_quit(loop, 128 + SIGHUP);
	}
	run_timers(loop);
	compact(loop);
	free(pfd);
	free(ids);
	if (!loop->quit)
		uw_tui_loop_redraw(loop, false);
}

int uw_tui_loop_run(struct uw_tui_loop *loop)
{
	loop->quit = false;
	loop->quit_code = 0;
	uw_tui_loop_redraw(loop, false);
	while (!loop->quit)
		iterate(loop);
	return loop->quit_code;
}

int uw_tui_loop_run_layer(struct uw_tui_loop *loop, struct uw_tui_layer *layer)
{
	layer->done = false;
	layer->below = loop->top;
	if (!layer->modal)
		loop->backdrop = NULL; /* a new screen replaces the old one */
	loop->top = layer;
	uw_tui_loop_redraw(loop, false);
	while (!layer->done && !loop->quit)
		iterate(loop);
	loop->top = layer->below;
	layer->below = NULL;
	if (!loop->top && !layer->modal)
		loop->backdrop = layer;
	if (!loop->quit)
		uw_tui_loop_redraw(loop, false);
	return loop->quit ? loop->quit_code : layer->result;
}
