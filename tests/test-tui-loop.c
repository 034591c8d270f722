// SPDX-License-Identifier: GPL-2.0-or-later
/* tui/loop.c without a terminal: timers, fds, posts from threads, signals,
 * nested layers. */
#include "tests/testutil.h"
#include "tui/loop.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

struct counter {
	int n, stop_at;
	long long first, last;
};

static bool count_timer(struct uw_tui_loop *loop, void *ud)
{
	struct counter *c = ud;

	if (c->n == 0)
		c->first = uw_tui_now_ms();
	c->last = uw_tui_now_ms();
	c->n++;
	if (c->n >= c->stop_at)
		uw_tui_loop_quit(loop, 7);
	return true;
}

static bool once(struct uw_tui_loop *loop, void *ud)
{
	(*(int *)ud)++;
	return false;
}

static void test_timers(void **state)
{
	struct uw_tui_loop *loop = uw_tui_loop_new();
	struct counter c = { .stop_at = 5 };
	int fired = 0;
	long long start = uw_tui_now_ms();

	assert_non_null(loop);
	assert_null(uw_tui_loop_new()); /* one loop at a time (signals are global) */
	assert_true(uw_tui_loop_add_timer(loop, 20, count_timer, &c) > 0);
	assert_true(uw_tui_loop_add_timer(loop, 5, once, &fired) > 0);
	int cancelled = 0;
	int id = uw_tui_loop_add_timer(loop, 10, once, &cancelled);
	uw_tui_loop_remove_timer(loop, id);
	assert_int_equal(uw_tui_loop_run(loop), 7);
	assert_int_equal(c.n, 5);
	assert_int_equal(fired, 1);       /* one-shot: ran once in ~100 ms */
	assert_int_equal(cancelled, 0);
	assert_true(c.first - start >= 20);
	/* Five periods of 20 ms: no faster, and not wildly slower. */
	assert_true(c.last - start >= 100);
	assert_true(c.last - start < 1000);
	uw_tui_loop_free(loop);
}

struct fdtest {
	int p[2];
	int id;
	char got[16];
	size_t len;
};

static void on_readable(struct uw_tui_loop *loop, int fd, short revents, void *ud)
{
	struct fdtest *t = ud;
	ssize_t n = read(fd, t->got + t->len, sizeof(t->got) - 1 - t->len);

	assert_true(revents & POLLIN);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= 3) {
		uw_tui_loop_remove_fd(loop, t->id); /* from inside its own callback */
		uw_tui_loop_quit(loop, 0);
	}
}

static bool write_later(struct uw_tui_loop *loop, void *ud)
{
	struct fdtest *t = ud;

	assert_int_equal(write(t->p[1], "abc", 3), 3);
	return false;
}

static void test_fds(void **state)
{
	struct uw_tui_loop *loop = uw_tui_loop_new();
	struct fdtest t = { 0 };

	assert_int_equal(pipe2(t.p, O_NONBLOCK), 0);
	assert_int_equal(uw_tui_loop_add_fd(loop, -1, POLLIN, on_readable, &t), -EINVAL);
	t.id = uw_tui_loop_add_fd(loop, t.p[0], POLLIN, on_readable, &t);
	assert_true(t.id > 0);
	uw_tui_loop_add_timer(loop, 10, write_later, &t);
	assert_int_equal(uw_tui_loop_run(loop), 0);
	assert_string_equal(t.got, "abc");
	/* Removed: more data does not call it again (the test would fail in
	 * on_readable's bookkeeping or hang otherwise). */
	assert_int_equal(write(t.p[1], "d", 1), 1);
	int fired = 0;
	uw_tui_loop_add_timer(loop, 30, once, &fired);
	struct counter c = { .stop_at = 1 };
	uw_tui_loop_add_timer(loop, 60, count_timer, &c);
	uw_tui_loop_run(loop);
	assert_int_equal(t.len, 3);
	close(t.p[0]);
	close(t.p[1]);
	uw_tui_loop_free(loop);
}

#define THREADS 4
#define POSTS 200

struct posts {
	struct uw_tui_loop *loop;
	pthread_t main_thread;
	int last[THREADS];
	int total;
	bool in_order, in_loop_thread;
};

struct post_msg {
	struct posts *p;
	int thread, seq;
};

static struct post_msg msgs[THREADS][POSTS];

static void on_post(struct uw_tui_loop *loop, void *ud)
{
	struct post_msg *m = ud;
	struct posts *p = m->p;

	if (!pthread_equal(pthread_self(), p->main_thread))
		p->in_loop_thread = false;
	if (m->seq != p->last[m->thread] + 1)
		p->in_order = false;
	p->last[m->thread] = m->seq;
	if (++p->total == THREADS * POSTS)
		uw_tui_loop_quit(loop, 0);
}

static void *poster(void *ud)
{
	struct post_msg *row = ud;

	for (int i = 0; i < POSTS; i++)
		assert_int_equal(uw_tui_post(row[i].p->loop, on_post, &row[i]), 0);
	return NULL;
}

static void test_posts_from_threads(void **state)
{
	struct posts p = { .loop = uw_tui_loop_new(), .main_thread = pthread_self(),
			   .in_order = true, .in_loop_thread = true };
	pthread_t th[THREADS];

	for (int t = 0; t < THREADS; t++) {
		p.last[t] = -1;
		for (int i = 0; i < POSTS; i++)
			msgs[t][i] = (struct post_msg){ &p, t, i };
	}
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, poster, msgs[t]), 0);
	/* 800 wake-ups through a pipe of limited size: a full pipe must not
	 * lose a post (the queue is separate from the wake-up bytes). */
	uw_tui_loop_run(p.loop);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	assert_int_equal(p.total, THREADS * POSTS);
	assert_true(p.in_order);
	assert_true(p.in_loop_thread);
	uw_tui_loop_free(p.loop);
}

struct sig_seen {
	int signo, count;
};

static void on_sig(struct uw_tui_loop *loop, int signo, void *ud)
{
	struct sig_seen *s = ud;

	s->signo = signo;
	s->count++;
	uw_tui_loop_quit(loop, 42);
}

static bool raise_term(struct uw_tui_loop *loop, void *ud)
{
	raise(*(int *)ud);
	return false;
}

static void test_signals(void **state)
{
	struct sigaction before, after;
	struct uw_tui_loop *loop;
	struct sig_seen seen = { 0 };
	int sig = SIGTERM;

	sigaction(SIGTERM, NULL, &before);
	loop = uw_tui_loop_new();
	/* The app decides what SIGTERM means (here: quit with 42). */
	uw_tui_loop_set_signal_handler(loop, on_sig, &seen);
	uw_tui_loop_add_timer(loop, 5, raise_term, &sig);
	assert_int_equal(uw_tui_loop_run(loop), 42);
	assert_int_equal(seen.signo, SIGTERM);
	assert_int_equal(seen.count, 1);

	/* Without an app handler, SIGINT quits with 128+2. */
	uw_tui_loop_set_signal_handler(loop, NULL, NULL);
	sig = SIGINT;
	uw_tui_loop_add_timer(loop, 5, raise_term, &sig);
	assert_int_equal(uw_tui_loop_run(loop), 128 + SIGINT);

	/* SIGHUP (terminal gone) quits even with a handler: nobody to ask. */
	uw_tui_loop_set_signal_handler(loop, on_sig, &seen);
	sig = SIGHUP;
	uw_tui_loop_add_timer(loop, 5, raise_term, &sig);
	assert_int_equal(uw_tui_loop_run(loop), 128 + SIGHUP);
	assert_int_equal(seen.count, 1);
	uw_tui_loop_free(loop);

	/* The old disposition is back. */
	sigaction(SIGTERM, NULL, &after);
	assert_ptr_equal(before.sa_handler, after.sa_handler);
}

struct nest {
	struct uw_tui_loop *loop;
	struct uw_tui_layer outer, inner;
	int inner_result;
	bool inner_ran;
};

static bool finish_inner(struct uw_tui_loop *loop, void *ud)
{
	struct nest *n = ud;

	n->inner.result = 5;
	n->inner.done = true;
	return false;
}

static bool open_inner(struct uw_tui_loop *loop, void *ud)
{
	struct nest *n = ud;

	/* A modal box opened from a callback: a nested run that keeps
	 * serving timers (finish_inner fires inside it). */
	uw_tui_loop_add_timer(loop, 10, finish_inner, n);
	n->inner_result = uw_tui_loop_run_layer(loop, &n->inner);
	n->inner_ran = true;
	n->outer.result = 9;
	n->outer.done = true;
	return false;
}

static void test_nested_layers(void **state)
{
	struct nest n = { .loop = uw_tui_loop_new() };

	uw_tui_loop_add_timer(n.loop, 5, open_inner, &n);
	assert_int_equal(uw_tui_loop_run_layer(n.loop, &n.outer), 9);
	assert_true(n.inner_ran);
	assert_int_equal(n.inner_result, 5);

	/* A quit inside a nested run ends every level with the quit code. */
	struct counter c = { .stop_at = 1 };
	n.inner_ran = false;
	uw_tui_loop_add_timer(n.loop, 5, open_inner, &n);
	uw_tui_loop_add_timer(n.loop, 8, count_timer, &c);   /* quits with 7 first */
	assert_int_equal(uw_tui_loop_run_layer(n.loop, &n.outer), 7);
	assert_int_equal(n.inner_result, 7);
	uw_tui_loop_free(n.loop);
}

static void bump(struct uw_tui_loop *loop, void *ud)
{
	(*(int *)ud)++;
}

static void test_flush_posts(void **state)
{
	struct uw_tui_loop *loop = uw_tui_loop_new();
	int n = 0;

	uw_tui_post(loop, bump, &n);
	uw_tui_post(loop, bump, &n);
	assert_int_equal(n, 0); /* queued, not run */
	uw_tui_loop_flush_posts(loop);
	assert_int_equal(n, 2);
	uw_tui_loop_flush_posts(loop); /* nothing left: nothing runs twice */
	assert_int_equal(n, 2);
	/* A post left queued at free is dropped, not leaked (valgrind). */
	uw_tui_post(loop, bump, &n);
	uw_tui_loop_free(loop);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_posts_from_threads),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_nested_layers),
		cmocka_unit_test(test_flush_posts),
	};
	return cmocka_run_group_tests_name("tui-loop", tests, NULL, NULL);
}
