// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int uw_spawn_detached(char *const argv[], const char *what, char *msg, size_t size, struct uw_error *err)
{
	int pfd[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	msg[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return uw_error_set(err, -errno, "Cannot start %s: %s", what, strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		return uw_error_set(err, -e, "Cannot start %s: %s", what, strerror(e));
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here on. */
		sigset_t none;
		int nul;

		if (setsid() < 0)
			_exit(126);
		if (fork() != 0)
			_exit(0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (pfd[1] == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(pfd[1], 3) < 0)
			_exit(126);
		close_range(4, ~0U, 0);
		nul = open("/dev/null", O_RDWR);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0)
			_exit(126);
		if (nul > 3)
			close(nul);
		if (chdir("/") < 0)
			_exit(126);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(pfd[1]);
	waitpid(pid, NULL, 0);
	while (got < size - 1 && (n = read(pfd[0], msg + got, size - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
		if (memchr(msg, '\n', got))
			break;
	}
	close(pfd[0]);
	msg[got] = '\0';
	return 0;
}
