// SPDX-License-Identifier: GPL-2.0-or-later
/* `watch`: apply the saved profile when the gadget is plugged in, revert when it goes. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "core/profile.h"
#include "core/watch.h"
#include "cli/cli.h"

static const char watch_usage[] =
	"usage: usbnet-wizard watch [--profile FILE] [--once]\n\n"
	"Follow the cable: every time the profile's gadget is plugged in, apply the\n"
	"saved profile (see 'usbnet-wizard profile save'); when it is unplugged, revert\n"
	"(remove our firewall rules, restore ip_forward). Driven by the kernel's link\n"
	"events, no polling. Each event is logged with a timestamp on stdout (the\n"
	"systemd journal takes it under the unit usbnet-wizard-watch.service, which\n"
	"'make install' and the Debian package install but do not enable).\n"
	"SIGTERM or Ctrl-C reverts a live setup and exits.\n\n"
	"  --profile FILE   the profile to use (default: $USBNET_WIZARD_PROFILE or\n"
	"                   /etc/usbnet-wizard/profile)\n"
	"  --once           stop after one plug and unplug\n\n"
	"Exit status: 0 stopped cleanly, 1 the event source failed, 2 bad option or\n"
	"profile, 3 not root.\n";

static void stamp(FILE *f)
{
	struct timespec ts;
	struct tm tm;
	char b[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm);
	/* Microseconds: bench/watch-latency.sh reads its intervals from these stamps. */
	fprintf(f, "%s.%06ld ", b, ts.tv_nsec / 1000);
}

static void on_msg(void *ud, enum uw_watch_msg kind, const char *text)
{
	static const char *const tag[] = {
		[UW_WATCH_INFO] = "", [UW_WATCH_APPLIED] = "APPLIED ", [UW_WATCH_REVERTED] = "REVERTED ",
		[UW_WATCH_FAILED] = "FAILED ",
	};
	stamp(stdout);
	printf("%s%s\n", tag[kind], text);
	fflush(stdout);
}

static int run_watch(int argc, char **argv)
{
	_auto_(uw_watch_free) struct uw_watch *w = NULL;
	struct uw_profile p;
	struct uw_error err;
	const char *path = NULL;
	bool once = false;
	sigset_t mask, old;
	int sfd, rc = UW_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--once"))
			once = true;
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			path = argv[++i];
		else {
			uw_cli_error("watch", "unknown option \"%s\" (see --help).", argv[i]);
			return UW_EXIT_USAGE;
		}
	}
	uw_error_clear(&err);
	if (uw_profile_load(path, &p, &err) < 0) {
		uw_cli_error("watch", "%s", err.msg);
		return UW_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		uw_cli_error("watch", "changing the network needs root: run 'sudo usbnet-wizard watch' "
			     "(or the systemd unit).");
		return UW_EXIT_NOPERM;
	}
	/* Signals arrive as readable data on an fd polled beside the netlink socket: no async handler. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		uw_cli_error("watch", "cannot set up signal handling: %s", strerror(errno));
		return UW_EXIT_FAIL;
	}
	if (uw_watch_new(&p, on_msg, NULL, &w, &err) < 0) {
		uw_cli_error("watch", "%s", err.msg);
		close(sfd);
		return UW_EXIT_FAIL;
	}
	for (;;) {
		struct pollfd pfd[2] = { { .fd = uw_watch_fd(w), .events = POLLIN },
					 { .fd = sfd, .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			uw_cli_error("watch", "poll: %s", strerror(errno));
			rc = UW_EXIT_FAIL;
			break;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				on_msg(NULL, UW_WATCH_INFO, si.ssi_signo == SIGHUP ? "SIGHUP: stopping" :
				       si.ssi_signo == SIGINT ? "interrupted: stopping" : "SIGTERM: stopping");
				break;
			}
		}
		if (pfd[0].revents && uw_watch_dispatch(w, &err) < 0) {
			uw_cli_error("watch", "%s", err.msg);
			rc = UW_EXIT_FAIL;
			break;
		}
		if (once && uw_watch_stats(w)->reverted > 0 && uw_watch_stats(w)->applied > 0 &&
		    !uw_watch_active(w))
			break;
	}
	if (uw_watch_stop(w, &err) < 0) {
		uw_cli_error("watch", "%s", err.msg);
		rc = UW_EXIT_FAIL;
	}
	on_msg(NULL, UW_WATCH_INFO, "stopped");
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

const struct uw_command uw_cmd_watch = {
	.name = "watch", .summary = "apply the saved profile whenever the phone is plugged in",
	.usage = watch_usage, .run = run_watch,
};
