// SPDX-License-Identifier: GPL-2.0-or-later
#include "tui/term.h"
#include "tui/theme.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <ncurses.h>
#include <term.h>

static bool active;
static SCREEN *screen;
static bool atexit_done;
static struct termios saved_tio;
static bool have_saved_tio;
static int cursor_y = -1, cursor_x = -1;

/* Reset sequences for the crash handler, copied at init: a signal handler
 * may not call into curses (it allocates, and its state may be the very
 * thing that crashed), but it may write() bytes it already has. */
static char reset_seq[256];
static size_t reset_len;

static const int crash_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
static struct sigaction old_crash[sizeof(crash_signals) / sizeof(crash_signals[0])];

bool uw_tui_color_wanted(const char *no_color, const char *term, bool has_colors)
{
	static const char *const mono_terms[] = { "linux", "vt100", "vt102", "vt220", "dumb" };

	if (no_color && no_color[0])
		return false;
	if (!term || !term[0])
		return false;
	for (size_t i = 0; i < sizeof(mono_terms) / sizeof(mono_terms[0]); i++)
		if (!strcmp(term, mono_terms[i]))
			return false;
	return has_colors;
}

bool uw_tui_codeset_is_utf8(const char *codeset)
{
	return codeset && (!strcasecmp(codeset, "UTF-8") || !strcasecmp(codeset, "utf8"));
}

static void add_seq(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n >= sizeof(reset_seq))
		return;
	memcpy(reset_seq + reset_len, s, n);
	reset_len += n;
}

static void crash_handler(int sig)
{
	/* Only async-signal-safe calls: write(2), tcsetattr(3), raise(3). */
	if (reset_len) {
		ssize_t r = write(STDOUT_FILENO, reset_seq, reset_len);
		(void)r;
	}
	if (have_saved_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	/* SA_RESETHAND put the default action back; SA_NODEFER lets the
	 * re-raised signal through now, so the process dies of @sig (core
	 * dump and exit status as if we were not here). */
	raise(sig);
}

static void install_crash_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = crash_handler;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, &old_crash[i]);
}

static void remove_crash_handlers(void)
{
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &old_crash[i], NULL);
}

static void at_exit(void)
{
	uw_tui_term_fini();
}

int uw_tui_term_init(struct uw_tui_caps *caps, struct uw_error *err)
{
	struct uw_tui_caps c;

	if (active)
		return uw_error_set(err, -EALREADY, "The terminal is already set up.");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return uw_error_set(err, -ENOTTY,
				    "The wizard needs a terminal; for scripts use a command "
				    "(usbnet-wizard --help).");
	setlocale(LC_ALL, "");
	c.utf8 = uw_tui_codeset_is_utf8(nl_langinfo(CODESET));

	/* Saved before curses touches anything: this is what `stty -a` showed
	 * and what the crash handler writes back. */
	have_saved_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;

	/* newterm instead of initscr: initscr exits the process on failure
	 * (unknown TERM), newterm returns NULL and we can explain. */
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		const char *t = getenv("TERM");
		return uw_error_set(err, -ENOTTY,
				    "Cannot use the terminal type \"%s\"; set TERM to one "
				    "that is installed, for example TERM=xterm.", t ? t : "");
	}
	active = true;
	if (!atexit_done) {
		atexit(at_exit);
		atexit_done = true;
	}
	reset_len = 0;
	add_seq("sgr0");
	add_seq("cnorm");
	add_seq("rmkx");
	add_seq("rmcup");

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* The default 1 s wait after Esc makes "Esc Back" feel broken; 25 ms
	 * is enough for escape sequences even over ssh. */
	set_escdelay(25);
	curs_set(0);

	c.color = uw_tui_color_wanted(getenv("NO_COLOR"), getenv("TERM"), has_colors());
	uw_tui_theme_init(c.color, c.utf8);
	install_crash_handlers();
	if (caps)
		*caps = c;
	return 0;
}

void uw_tui_term_fini(void)
{
	if (!active)
		return;
	active = false;
	remove_crash_handlers();
	curs_set(1);
	endwin();
	if (have_saved_tio)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	/* Frees curses' memory, so valgrind runs of the app stay clean. */
	delscreen(screen);
	screen = NULL;
}

bool uw_tui_term_active(void)
{
	return active;
}

bool uw_tui_term_big_enough(void)
{
	return COLS >= UW_TUI_MIN_COLS && LINES >= UW_TUI_MIN_ROWS;
}

void uw_tui_term_want_cursor(int y, int x)
{
	cursor_y = y;
	cursor_x = x;
}

void uw_tui_term_begin_draw(void)
{
	cursor_y = cursor_x = -1;
}

void uw_tui_term_end_draw(void)
{
	if (cursor_y >= 0) {
		wmove(stdscr, cursor_y, cursor_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
}
