// SPDX-License-Identifier: GPL-2.0-or-later
/* The automatic revert's timer process (core/autorevert.h). */
#include "core/autorevert.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/spawn.h"
#include "core/util.h"

long long uw_autorevert_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long uw_proc_start_time(long pid)
{
	char p[64], buf[1024];
	ssize_t n;
	int fd;
	char *s;
	long long v = -1;

	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After the command name in parentheses (which may hold anything): field 3 on; starttime is field 22. */
	s = strrchr(buf, ')');
	if (!s)
		return -1;
	s++;
	for (int field = 3; field < 22 && s; field++)
		s = strchr(s + 1, ' ');
	if (!s || sscanf(s, " %lld", &v) != 1)
		return -1;
	return v;
}

bool uw_autorevert_alive(long pid, long long start)
{
	return pid > 0 && start >= 0 && uw_proc_start_time(pid) == start;
}

void uw_autorevert_from_journal(const struct uw_journal *j, struct uw_autorevert *ar)
{
	memset(ar, 0, sizeof(*ar));
	if (!j->exists || !j->ar_armed || j->ar_kept)
		return;
	ar->pending = true;
	ar->pid = j->ar_pid;
	ar->deadline_ms = j->ar_deadline_ms;
	ar->running = uw_autorevert_alive(j->ar_pid, j->ar_start);
}

int uw_autorevert_status(struct uw_autorevert *ar, struct uw_error *err)
{
	struct uw_journal *j = uw_malloc0(sizeof(*j));
	int r = uw_journal_read(j, err);

	if (r == 0)
		uw_autorevert_from_journal(j, ar);
	else
		memset(ar, 0, sizeof(*ar));
	free(j);
	return r;
}

static int pidfd_open_(long pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int pidfd_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int uw_autorevert_stop(long pid, long long start)
{
	int pfd, i;

	if (pid <= 0 || pid == (long)getpid())
		return 1;
	/*
	 * A pidfd holds on to the process it was opened for: checked against the
	 * journaled start time after opening it, a signal through it can only
	 * reach that process, even if the pid is reused meanwhile.
	 */
	pfd = pidfd_open_(pid);
	if (pfd < 0) {
		if (errno == ESRCH)
			return 1;
		if (errno != ENOSYS)
			return -errno;
		/* An old kernel: the start time checked just before the signal. */
		if (!uw_autorevert_alive(pid, start))
			return 1;
		kill((pid_t)pid, SIGTERM);
		for (i = 0; i < 500 && uw_autorevert_alive(pid, start); i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		return uw_autorevert_alive(pid, start) ? -EBUSY : 0;
	}
	if (uw_proc_start_time(pid) != start) {
		close(pfd);
		return 1;
	}
	pidfd_signal(pfd, SIGTERM);
	/* The pidfd becomes readable when the process ends. */
	for (i = 0; i < 2; i++) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int n = poll(&p, 1, 3000);

		if (n > 0)
			break;
		if (n < 0 && errno == EINTR) {
			i--;
			continue;
		}
		pidfd_signal(pfd, SIGKILL);
	}
	close(pfd);
	return uw_autorevert_alive(pid, start) ? -EBUSY : 0;
}

int uw_autorevert_start(long long deadline_ms, long *pidp, long long *startp, struct uw_error *err)
{
	char msg[128], dl[32];
	char *argv[] = { (char *)"usbnet-wizard", (char *)"__revert-timer", dl, NULL };
	long tpid = 0;
	int r;

	snprintf(dl, sizeof(dl), "%lld", deadline_ms);
	/* Detached as the firewalld keeper is (core/spawn.h): a closing terminal,
	 * SIGTERM or kill -9 of the wizard never reaches it. */
	r = uw_spawn_detached(argv, "the automatic revert's timer", msg, sizeof(msg), err);
	if (r < 0)
		return r;
	/* "ready PID\n", or an error sentence; nothing means it died. */
	if (sscanf(msg, "ready %ld\n", &tpid) == 1 && tpid > 0) {
		long long st = uw_proc_start_time(tpid);

		if (st >= 0) {
			*pidp = tpid;
			*startp = st;
			return 0;
		}
		msg[0] = '\0';
	}
	msg[strcspn(msg, "\n")] = '\0';
	return uw_error_set(err, -EIO, "The automatic revert's timer did not start%s%s", msg[0] ? ": " : ".",
			    msg);
}

static void say(int fd, const char *s)
{
	if (fd >= 0 && write(fd, s, strlen(s)) < 0) {
		/* the parent went away: nothing to tell */
	}
}

int uw_autorevert_run(long long deadline_ms, int ready_fd, struct uw_error *err)
{
	struct uw_journal *j;
	struct uw_lock lk = { .fd = -1 };
	struct timespec ts = { .tv_sec = deadline_ms / 1000, .tv_nsec = (deadline_ms % 1000) * 1000000 };
	long long me = uw_proc_start_time((long)getpid());
	sigset_t stop;
	char msg[64];
	int r;

	if (deadline_ms <= 0 || me < 0) {
		say(ready_fd, "bad deadline\n");
		return uw_error_set(err, -EINVAL, "bad deadline");
	}
	snprintf(msg, sizeof(msg), "ready %ld\n", (long)getpid());
	say(ready_fd, msg);
	if (ready_fd >= 0)
		close(ready_fd);
	/* Wall-clock time: a deadline that passed while the machine slept is past. */
	while ((r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL)) == EINTR)
		;
	/* Wait for the lock: an apply still running, or a confirmation, decides first. */
	r = uw_lock_take_wait(&lk, -1, err);
	if (r < 0)
		return r;
	/*
	 * From here the timer acts under the lock: whoever wants it to stand
	 * down holds the lock when they say so, so no signal of ours arrives
	 * now, and one from elsewhere must not cut a revert in half.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	j = uw_malloc0(sizeof(*j));
	r = uw_journal_read(j, err);
	if (r == 0 && j->exists && j->ar_armed && !j->ar_kept && j->ar_pid == (long)getpid() &&
	    j->ar_start == me)
		r = uw_revert(&lk, NULL, NULL, err);
	else if (r == 0)
		r = 0;  /* confirmed, reverted already, or not ours: stand down */
	free(j);
	uw_lock_release(&lk);
	return r;
}
