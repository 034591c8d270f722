#!/bin/bash
# The terminal layer (tui/) in a real terminal: tests/tui-demo.c driven in
# tmux at 80x24. Navigation, inline validation, help, password and confirm
# boxes, live updates from a worker thread and timers, resize, quitting by
# SIGTERM / Ctrl-C / a crash with the terminal restored (`stty -a` in the
# pane unchanged), NO_COLOR, TERM=vt100 and the ASCII fallback under LANG=C.
# Screens are compared with the fixtures in tests/fixtures/tui/
# (UPDATE_FIXTURES=1 rewrites them). No network, no root needed.
#
# Prints TAP-style "ok - ..." / "not ok - ..." lines.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
FIX=$ROOT/tests/fixtures/tui
TMP=$(mktemp -d /tmp/uw-tui.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/tmux.sh
source "$ROOT/tests/tmux.sh"   # chains its own kill-server before the rm

failed=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
show()   { sed 's/^/#   /' <<<"$TMX_LAST"; }

# expect NAME STRING [TIMEOUT]: the screen shows STRING within TIMEOUT s
expect() {
	if tmx_wait "$2" "${3:-5}"; then ok "$1"; else not_ok "$1 (no \"$2\" on screen)"; show; fi
}
# expect_gone NAME STRING
expect_gone() {
	if tmx_wait_gone "$2" "${3:-5}"; then ok "$1"; else not_ok "$1 (\"$2\" still on screen)"; show; fi
}

if ! command -v tmux >/dev/null; then
	echo "not ok - tmux is installed (apt-get install tmux)"; exit 1
fi

DEMO=$TMP/tui-demo
# The demo is for tests only, so it is built here rather than by the
# Makefile; tui/ needs nothing of core/ but the error, memory, sanitizer and
# environment helpers (util.c reads USBNET_WIZARD_FAULT through env.c).
# shellcheck disable=SC2046
# With ASan+UBSan (like build-san/): a use-after-free in a widget or the
# loop kills the demo, and the test sees it.
if cc -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-D_GNU_SOURCE -I. tests/tui-demo.c tui/*.c core/util.c core/error.c core/sanitize.c core/env.c \
	$(pkg-config --cflags --libs ncursesw menuw formw panelw) -lpthread \
	-o "$DEMO" 2>"$TMP/cc.log"; then
	ok "the demo builds with -Werror"
else
	not_ok "the demo builds"; sed 's/^/#   /' "$TMP/cc.log"; exit 1
fi

# demo_start [VAR=VALUE...] -- [ARGS...]: run the demo in a fresh 80x24
# pane; a shell in the pane records `stty -a` before and after, and the exit
# status. The markers are quoted so the echoed command line never matches.
demo_start() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	rm -f "$TMP"/pid "$TMP"/stty.* "$TMP"/rc
	# Under bash -c, not the interactive shell: that one restores the terminal
	# itself after a job dies of a signal, which would hide our failures.
	tmx_start 80 24 "bash --norc --noprofile -c 'stty -a >$TMP/stty.before; env LANG=C.UTF-8 ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 ${envs[*]} $DEMO --pidfile $TMP/pid $*; echo \$? >$TMP/rc; stty -a >$TMP/stty.after; echo DEMO-\"END\"'"
}

# demo_ended NAME WANT_RC: the demo exited with WANT_RC and the terminal
# settings are exactly what they were before it started.
demo_ended() {
	if ! tmx_wait "DEMO-END" 5; then not_ok "$1: the demo exits"; show; return; fi
	local rc
	rc=$(cat "$TMP/rc" 2>/dev/null)
	if [ "$rc" == "$2" ]; then ok "$1: exit status $2"; else not_ok "$1: exit status $rc, wanted $2"; show; fi
	if [ -s "$TMP/stty.before" ] && cmp -s "$TMP/stty.before" "$TMP/stty.after"; then
		ok "$1: stty -a unchanged"
	else
		not_ok "$1: stty -a unchanged"
		diff "$TMP/stty.before" "$TMP/stty.after" | sed 's/^/#   /'
	fi
}

# fixture NAME: the screen matches tests/fixtures/tui/NAME.txt (numbers in
# the live countdown are masked).
normalize() { sed -E 's/revert in [0-9]+ s/revert in N s/'; }
fixture() {
	local got="$TMP/$1.txt"
	tmx_screen | normalize >"$got"
	if [ -n "${UPDATE_FIXTURES:-}" ]; then
		cp "$got" "$FIX/$1.txt"; ok "fixture $1 written"; return
	fi
	if diff -u "$FIX/$1.txt" "$got" >"$TMP/diff" 2>&1; then
		ok "screen matches fixture $1"
	else
		not_ok "screen matches fixture $1"; sed 's/^/#   /' "$TMP/diff" | head -40
	fi
}

# stays NAME STRING: after a key that must do nothing, STRING stays. A
# short wait is the only way to see that nothing happens.
stays() {
	sleep 0.3
	TMX_LAST=$(tmx_screen)
	if grep -qF -- "$2" <<<"$TMX_LAST"; then ok "$1"; else not_ok "$1"; show; fi
}

echo "# --- the whole wizard, UTF-8, colours"
demo_start --
expect "first screen shows the step title" "usbnet-wizard — Step 1 of 6: Netmask"
expect "frame has UTF-8 corners" "┌──"
fixture radio
tmx_keys Down
expect "Down moves the radio selection" "(•) 255.255.255.248 (/29)"
expect "the help line follows the selection" "A narrow subnet"
tmx_keys F1
expect "F1 opens the help overlay" "decides which addresses"
fixture help
tmx_keys Escape
expect_gone "Esc closes the help overlay" "decides which addresses"
tmx_keys '?'
expect "? opens help too" "decides which addresses"
tmx_keys Enter
expect_gone "Enter closes help" "decides which addresses"
tmx_keys Enter
expect "Enter goes to the next step" "Step 2 of 6: Phone address"
fixture field
tmx_type "9"
expect "the validation message appears under the field" "2029 is too big: each part of an address is 0 to 255."
expect "Next is disabled with the reason" "Next is unavailable: 2029 is too big"
expect "the disabled Next is drawn in brackets" "[ Next ]"
fixture field-invalid
tmx_keys Enter
stays "Enter does not leave an invalid screen" "Step 2 of 6"
tmx_keys BSpace
expect_gone "fixing the text removes the message" "is too big"
tmx_keys Escape
expect "Esc goes back" "Step 1 of 6"
expect "going back keeps the choice" "(•) 255.255.255.248 (/29)"
tmx_keys Enter
expect "forward again" "Step 2 of 6"
tmx_keys Enter
expect "the checks screen" "Step 3 of 6: Phone check"
tmx_keys Escape
expect "Esc while the worker thread runs goes back" "Step 2 of 6"
tmx_keys Enter
expect "the checks screen again" "Step 3 of 6: Phone check"
expect "worker thread results arrive (fail mark and detail)" "✗   Outside address reachable" 8
expect "all checks finish" "✓   Name resolution" 8
tmx_keys Down Down
expect "the detail of the highlighted check is shown" "203.0.113.1 does not answer"
tmx_keys Up Up
fixture checklist
tmx_keys F2
expect "F2 opens the password prompt" "Typing is not shown."
tmx_type "s3cret-pw"
stays "the password prompt is open" "Typing is not shown."
fixture password
if grep -q "s3cret" <<<"$TMX_LAST"; then not_ok "the password is not echoed"; show; else ok "the password is not echoed"; fi
tmx_keys Enter
expect "the password reached the app" "Got a password of 9 characters."
tmx_keys Enter
expect_gone "the message box closes" "Got a password"
tmx_keys Enter
expect "the apply screen" "Step 4 of 6: Apply"
expect "timers drive the progress list to the end" "5/5" 8
expect "the countdown note is shown" "Automatic revert in"
expect "a label too long for its line goes on under itself" "│       address away again, which"
expect "... and one too long for two lines ends in an ellipsis" "to a gadget it sees as new…  │"
fixture progress
tmx_keys Enter
expect "the review screen" "Step 5 of 6: Review"
expect "long text shows its position, in all the rows there are" "lines 1-16 of 43"
fixture textview
tmx_keys NPage
expect "PgDn scrolls the text" "lines 16-31 of 43"
tmx_keys PPage
expect "PgUp scrolls back" "lines 1-16 of 43"
tmx_keys Tab
expect_gone "Tab moves the focus to the buttons" "PgUp/PgDn scroll"
tmx_keys Enter
expect "the last screen" "Step 6 of 6: Done"
tmx_keys q
expect "q asks before quitting" "Changes are live. Quit anyway?"
fixture confirm-quit
tmx_keys Enter
expect_gone "the quit question defaults to No" "Quit anyway?"
stays "still in the wizard after No" "Step 6 of 6: Done"
tmx_keys Enter
expect "Finish asks to confirm" "Leave the wizard now?"
tmx_keys y
demo_ended "normal quit" 0
expect "the choices reached the app" "tui-demo: done (netmask 255.255.255.248 (/29), phone 192.168.0.202)"

echo "# --- resize"
demo_start --
expect "started" "Step 1 of 6"
tmx_resize 100 30
# frame_whole COLS ROWS: the box's top and bottom lines run corner to corner
# at exactly this size, and the footer is on the last row (polled, bounded).
frame_whole() {
	local cols=$1 rows=$2 i bar
	bar=$(printf '─%.0s' $(seq $((cols - 2))))
	for i in $(seq 100); do
		TMX_LAST=$(tmx_screen)
		if [ "$(sed -n 2p <<<"$TMX_LAST")" == "┌$bar┐" ] &&
		   [ "$(sed -n "$((rows - 1))p" <<<"$TMX_LAST")" == "└$bar┘" ] &&
		   sed -n "${rows}p" <<<"$TMX_LAST" | grep -qF "Enter Next"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}
if frame_whole 100 30; then ok "at 100x30 the frame is whole (corners where they belong, footer last)"
else not_ok "at 100x30 the frame is whole"; show; fi
tmx_resize 60 20
expect "too small a terminal asks to enlarge" "enlarge to 80x24"
tmx_keys Down
tmx_resize 80 24
expect_gone "back at 80x24 the message is gone" "enlarge to"
if frame_whole 80 24; then ok "back at 80x24 the frame is whole"
else not_ok "back at 80x24 the frame is whole"; show; fi
expect "keys were not taken while too small" "(•) 255.255.255.0 (/24)"
fixture radio
tmx_keys Escape
stays "Esc on the first step goes nowhere" "Step 1 of 6"
kill -TERM "$(cat "$TMP/pid")"
demo_ended "SIGTERM" 1

echo "# --- Ctrl-C asks, then quits"
demo_start --
expect "started" "Step 1 of 6"
tmx_keys C-c
expect "Ctrl-C asks before quitting" "Changes are live. Quit anyway?"
tmx_keys Enter
expect_gone "No keeps the wizard running" "Quit anyway?"
tmx_keys Enter
expect "still working after Ctrl-C + No" "Step 2 of 6"
tmx_keys C-c
expect "Ctrl-C asks again" "Quit anyway?"
tmx_keys y
demo_ended "Ctrl-C + Yes" 1

echo "# --- crash"
demo_start UW_TUI_DEMO_CRASH=1 --
demo_ended "abort() in the app: the crash handler restores the terminal" 134
expect_gone "crash: the alternate screen was left (reset sequences written)" "255.255.255.0 (/24)" 1

echo "# --- NO_COLOR, TERM=vt100, LANG=C"
demo_start --
expect "started" "Step 1 of 6"
if tmx_screen -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'; then
	ok "colours are used by default"
else not_ok "colours are used by default"; fi
tmx_keys q y
demo_ended "q + y" 0

demo_start NO_COLOR=1 --
expect "NO_COLOR: started" "Step 1 of 6"
if tmx_screen -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'; then
	not_ok "NO_COLOR: no colour on screen"; tmx_screen -e | cat -v | head -5 | sed 's/^/#   /'
else ok "NO_COLOR: no colour on screen"; fi
expect "NO_COLOR: the focus is still visible (reverse video)" "(•) 255.255.255.0"
if tmx_screen -e | grep -qE $'\e\\[[0-9;]*7m'; then ok "NO_COLOR: reverse video marks focus and title"
else not_ok "NO_COLOR: reverse video marks focus and title"; fi
tmx_keys q y
demo_ended "NO_COLOR quit" 0

demo_start TERM=vt100 --
expect "TERM=vt100: started" "Step 1 of 6"
expect "TERM=vt100: frame drawn" "└──"
if tmx_screen -e | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7])m'; then
	not_ok "TERM=vt100: monochrome"
else ok "TERM=vt100: monochrome"; fi
tmx_keys q y
demo_ended "TERM=vt100 quit" 0

demo_start LANG=C LC_ALL=C --
expect "LANG=C: started with an ASCII title" "usbnet-wizard - Step 1 of 6: Netmask"
expect "LANG=C: ASCII corners" "+------"
expect "LANG=C: ASCII radio marks" "(*) 255.255.255.0 (/24)"
if tmx_screen | LC_ALL=C grep -q $'[\x80-\xff]'; then
	not_ok "LANG=C: the screen is pure ASCII"; tmx_screen | sed 's/^/#   /'
else ok "LANG=C: the screen is pure ASCII"; fi
fixture radio-ascii
tmx_keys Enter Enter
expect "LANG=C: checks finish" "[ok] Name resolution" 8
fixture checklist-ascii
tmx_keys q y
demo_ended "LANG=C quit" 0

exit $failed
