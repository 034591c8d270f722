#!/bin/bash
# shellcheck shell=bash
# Helpers for the tests that drive the wizard in tmux against the testbed
# (t-wizard.sh, t-wiz-*.sh): source lib.sh first, then this.
# Provides T (a temp dir removed on exit), expect/expect_gone, wiz_start,
# wiz_end, k, to_review, desk_state, show.
# shellcheck source=tests/tmux.sh
source "$UW_ROOT/tests/tmux.sh"

T=$(mktemp -d /tmp/uw-wiztest.XXXXXX)
chmod 755 "$T"
cleanup() { tmx_kill; tb_down; rm -rf "$T" ${SSHDS:-} 2>/dev/null; }
trap cleanup EXIT
if ! command -v tmux >/dev/null; then not_ok "tmux is installed"; exit 1; fi

show() { sed 's/^/#   /' <<<"$TMX_LAST"; }
expect() { # NAME STRING [TIMEOUT]
	if tmx_wait "$2" "${3:-8}"; then ok "$1"; else not_ok "$1 (no \"$2\" on screen)"; show; fi
}
expect_gone() {
	if tmx_wait_gone "$2" "${3:-8}"; then ok "$1"; else not_ok "$1 (\"$2\" still on screen)"; show; fi
}
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

# wiz_start [VAR=VALUE...] [-- PREFIX...]: the wizard in a fresh 80x24 pane in
# the desktop namespace, with a fresh ssh directory; the pane's shell records
# `stty -a` before and after, and the exit status in $T/rc (it execs nothing:
# it waits).
wiz_start() {
	local envs=() pre=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
	[ "${1:-}" = "--" ] && { shift; pre="$*"; }
	SSHD=$(mktemp -d /tmp/uw-wizard-ssh-XXXXXX); SSHDS="${SSHDS:-} $SSHD"
	chmod 755 "$SSHD"
	rm -f "$T"/rc "$T"/stty.*
	install -m 666 /dev/null "$T/stderr.log"   # writable when the wizard runs without root
	tmx_start 80 24 "bash --norc --noprofile -c 'stty -a >$T/stty.before; ip netns exec $TB_DESK env TERM=${WIZ_TERM:-xterm-256color} LANG=C.UTF-8 USBNET_WIZARD_SSH_DIR=$SSHD USBNET_WIZARD_RUNDIR=$USBNET_WIZARD_RUNDIR USBNET_WIZARD_OUTSIDE_IP=$TB_PING_IP USBNET_WIZARD_TEST_NAME=$TB_TEST_NAME USBNET_WIZARD_STDERR=$T/stderr.log ${envs[*]} $pre $UW_BIN; echo \$? >$T/rc; stty -a >$T/stty.after; echo WIZ-\"END\"'"
}
# wiz_end NAME RC: the wizard exited with RC, the terminal is as it was, and
# there is no sanitizer report.
wiz_end() {
	if ! tmx_wait "WIZ-END" 10; then not_ok "$1: the wizard exits"; show; return; fi
	local rc; rc=$(cat "$T/rc" 2>/dev/null)
	if [ "$rc" == "$2" ]; then ok "$1: exit status $2"; else not_ok "$1: exit status $rc, wanted $2"; show; fi
	if [ -s "$T/stty.before" ] && cmp -s "$T/stty.before" "$T/stty.after"; then ok "$1: stty -a unchanged"
	else not_ok "$1: stty -a unchanged"; diff "$T/stty.before" "$T/stty.after" | sed 's/^/#   /'; fi
	rm -rf "$SSHD"
	if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$T/stderr.log" 2>/dev/null; then
		not_ok "$1: no sanitizer report"; sed 's/^/#   /' "$T/stderr.log" | head -30
	fi
	rm -f "$T/stderr.log"
}
# wiz_pid: the wizard's pid: the descendant of the pane's shell that runs the binary
wiz_pid() {
	local queue want c
	want=$(readlink -f "$UW_BIN")
	queue=$(tmx list-panes -t "$TMX_SESSION" -F '#{pane_pid}')
	while [ -n "$queue" ]; do
		set -- $queue; c=$1; shift; queue="$*"
		if [ "$(readlink "/proc/$c/exe" 2>/dev/null)" = "$want" ]; then echo "$c"; return 0; fi
		queue="$queue $(pgrep -P "$c" | tr '\n' ' ')"
		queue=$(echo $queue)
	done
	return 1
}
k() { tmx_keys "$@"; sleep 0.15; }
# to_review: Enter through Welcome, Find the phone, Netmask, Sharing and DNS,
# each step seen on screen before the next key (a key pressed while a screen
# is still being built must not be what the test depends on).
to_review() {
	local n
	for n in 2 3 4 5 6; do
		k Enter
		tmx_wait "Step $n of" 10 || { not_ok "Enter reaches step $n"; show; return; }
	done
}
