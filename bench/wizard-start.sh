#!/bin/bash
# Benchmark: the wizard's start-to-first-screen time and peak memory. Started
# with no arguments in an 80x24 tmux pane inside a testbed's desktop
# namespace (phone plugged in); the time runs from the keystroke that starts
# it to the first screen on which the wizard has drawn text (the shell's
# command line is gone: ncurses switched screens); peak RSS from
# /usr/bin/time -v. Medians of RUNS starts.
# Keypress to redraw twice: in the process, from the wizard's own times
# ($USBNET_WIZARD_KEY_TIMES: each key read, each completed doupdate(), on
# CLOCK_MONOTONIC), the time from a key to the next update; and as seen from
# outside through tmux (its polling included: an upper bound).
#
#   bash bench/wizard-start.sh [RUNS]     (default 7)
# Prints "RESULT wizard_skipped <reason>" when the binary has no wizard yet.
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-7}

# No wizard yet: with no arguments the program returns at once, drawing nothing.
out=$(timeout 5 "$UW_BIN" </dev/null 2>&1); rc=$?
if [ $rc -ne 124 ] && [ -z "$out" ]; then
	echo "wizard-start: skipped: '$(basename "$UW_BIN")' with no arguments exits at once ($rc) without drawing a screen (the wizard's screens are not in this build)"
	result wizard_skipped "no-wizard-in-this-build"
	exit 0
fi
command -v tmux >/dev/null || { echo "bench: tmux is needed" >&2; exit 1; }
source tests/tmux.sh
tb_up >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }

: >"$TB_DIR/start"; : >"$TB_DIR/rss"; : >"$TB_DIR/key"; : >"$TB_DIR/keyin"
for i in $(seq 1 "$RUNS"); do
	tmx_start 80 24 ":" || exit 1
	tmx_wait '$ ' 5 >/dev/null
	marker="UWSTART$i"
	# The pane's shell becomes /usr/bin/time, whose child is the wizard.
	tmx_type "echo \$\$ >$TB_DIR/pid; exec /usr/bin/time -v -o $TB_DIR/time.$i nsenter --net=/run/netns/$TB_DESK env USBNET_WIZARD_BENCH=$marker USBNET_WIZARD_KEY_TIMES=$TB_DIR/keytimes.$i $UW_BIN"
	t0=$(date +%s%N)
	tmx_keys Enter
	t1=""
	for j in $(seq 1 2000); do
		scr=$(tmx_screen 2>/dev/null)
		if ! grep -q "$marker" <<<"$scr" && [ -n "$(tr -d ' \n' <<<"$scr")" ]; then
			t1=$(date +%s%N); break
		fi
		sleep 0.005
	done
	[ -n "$t1" ] || { echo "bench: no wizard screen within 10 s" >&2; tmx_screen >&2; exit 1; }
	echo $(((t1 - t0) / 1000)) >>"$TB_DIR/start"
	sleep 1 # let it settle: peak memory of the first screen, not of the start alone
	# Keypress to redraw: Down moves the preset choice, Up moves it back; the
	# time runs from the key to the screen showing the new selection (as seen
	# through tmux, whose own latency is included: an upper bound).
	for k in 1 2 3 4 5; do
		for dir in Down Up; do
			want='(•) postmarketOS'; [ $dir = Up ] && want='(•) Openmoko'
			t0=$(date +%s%N)
			tmx_keys $dir
			t2=""
			for j in $(seq 1 1000); do
				if tmx_screen 2>/dev/null | grep -qF "$want"; then t2=$(date +%s%N); break; fi
			done
			[ -n "$t2" ] && echo $(((t2 - t0) / 1000)) >>"$TB_DIR/key"
		done
	done
	tpid=$(cat "$TB_DIR/pid")
	wpid=$(pgrep -P "$tpid" -n)
	[ -n "$wpid" ] && kill -TERM "$wpid" 2>/dev/null
	for j in $(seq 1 100); do [ -s "$TB_DIR/time.$i" ] && grep -q 'Maximum resident' "$TB_DIR/time.$i" && break; sleep 0.05; done
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$TB_DIR/time.$i" >>"$TB_DIR/rss"
	# Each key's time to the first terminal update after it, in µs (the
	# wizard made the file itself: TB_DIR is the testbed's, new per run).
	awk '$1 == "key" && !pending {k = $2; pending = 1}
	     $1 == "draw" && pending {printf "%d\n", ($2 - k) / 1000; pending = 0}' \
		"$TB_DIR/keytimes.$i" >>"$TB_DIR/keyin" 2>/dev/null
	tmx_kill
done
s=$(median_ms <"$TB_DIR/start")
rss=$(sort -n "$TB_DIR/rss" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
key=$(median_ms <"$TB_DIR/key")
keyin=$(median_ms <"$TB_DIR/keyin")
printf 'wizard-start [%d runs]: first screen after %s ms (median); peak RSS %s KiB (median); keypress to redraw %s ms in the process (median of %d), %s ms through tmux (median of %d)\n' \
	"$RUNS" "$s" "$rss" "$keyin" "$(wc -l <"$TB_DIR/keyin")" "$key" "$(wc -l <"$TB_DIR/key")"
result wizard_key_redraw_ms "$keyin"
result wizard_key_samples "$(wc -l <"$TB_DIR/keyin")"
result wizard_key_redraw_tmux_ms "$key"
result wizard_first_screen_ms "$s"
result wizard_peak_rss_kib "$rss"
result wizard_runs "$RUNS"
