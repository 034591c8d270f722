#!/bin/bash
# The automatic revert survives whatever ends the wizard (issue 12 item 3):
# apply with auto-revert, then close the terminal (SIGHUP), SIGTERM or kill -9
# the wizard during the countdown: at the deadline the desktop namespace is
# back as it was (addresses, sysctl, firewall), the journal is gone and the
# timer process is gone too. Keep confirms (nothing is undone after the
# deadline); the CLI's apply --auto-revert with and without confirm; revert
# during the countdown stops the timer. The timer is found only by the pid
# status reports, never by name.
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up || { not_ok "testbed up"; exit 1; }
TIMERS=""
# Every timer this test saw, stopped by its pid if it is still the same process.
cleanup_timers() {
	local p
	for p in $TIMERS; do
		[ "$(proc_start "${p%:*}")" = "${p#*:}" ] && kill -9 "${p%:*}" 2>/dev/null
	done
}
trap 'cleanup_timers; cleanup' EXIT

JOURNAL=$USBNET_WIZARD_RUNDIR/journal
# Short for the cases that wait for the revert; long enough for the ones
# that must confirm in time (the sanitizer build is slow).
SECS=5
LONG=20
before=$(desk_state)

# proc_start PID: field 22 of /proc/PID/stat (empty when gone or a zombie)
proc_start() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	set -- $st
	[ "$1" = Z ] && return 0
	echo "${20}"
}
# pending: the status document's auto_revert object ("" when none)
pending() { tb_desk "$UW_BIN" status --json 2>/dev/null | jq -c '.auto_revert // empty'; }
# remember_timer: the pending timer's pid (from status) into TIMER, kept for cleanup
remember_timer() {
	local p
	p=$(pending)
	TIMER=$(jq -r '.pid // empty' <<<"$p")
	DEADLINE=$(jq -r '.deadline // empty' <<<"$p")
	RUNNING=$(jq -r '.running // empty' <<<"$p")
	[ -n "$TIMER" ] && TIMERS="$TIMERS $TIMER:$(proc_start "$TIMER")"
}
# wait_for SECONDS CMD...: poll until CMD succeeds, at most SECONDS
wait_for() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
gone() { [ -z "$(proc_start "$1")" ]; }
no_journal() { [ ! -e "$JOURNAL" ]; }
# past_deadline: wait until the deadline status reported has passed, plus 2 s
past_deadline() { while [ "$(date +%s)" -le $((DEADLINE + 2)) ]; do sleep 0.2; done; }

# reverted NAME: after the deadline, the desktop is as before, no journal, no timer
reverted() {
	if [ -n "$TIMER" ]; then ok "$1: status names the pending timer (pid $TIMER)"
	else not_ok "$1: status names a pending automatic revert"; fi
	if wait_for $((SECS + 20)) no_journal; then ok "$1: the journal is gone after the deadline"
	else not_ok "$1: the journal is gone after the deadline"; sed 's/^/#   /' "$JOURNAL"; fi
	check_eq "$1: the desktop is back as before (addresses, sysctl, firewall)" "$before" "$(desk_state)"
	if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "$1: the timer process is gone"
	else not_ok "$1: the timer process is gone"; fi
}

# wizard_countdown SECONDS: the wizard, applied with auto-revert, counting down
wizard_countdown() {
	wiz_start USBNET_WIZARD_CONFIRM_SECONDS=$1
	expect "wizard: welcome" "Welcome"
	to_review
	expect "at review" "Step 6 of 9: Review"
	k Right Enter
	expect "the countdown runs" "Automatic revert in"
	remember_timer
	WPID=$(wiz_pid)
}

# ---- (a) the terminal closes: SIGHUP ----------------------------------------
wizard_countdown $LONG
if grep -qF "even if the terminal closes" <<<"$TMX_LAST"; then ok "the countdown says the revert happens even if the terminal closes"
else not_ok "the countdown says the revert happens even if the terminal closes"; show; fi
tmx_kill
check "SIGHUP: the wizard ended" wait_for 10 gone "$WPID"
out=$(tb_desk "$UW_BIN" status)
if grep -q "Automatic revert pending" <<<"$out"; then ok "status says an automatic revert is pending"
else not_ok "status says an automatic revert is pending"; sed 's/^/#   /' <<<"$out"; fi
check_eq "status --json: the timer runs" true "$RUNNING"
SECS=$LONG reverted "terminal closed (SIGHUP)"

# ---- (b) SIGTERM --------------------------------------------------------------
wizard_countdown $SECS
kill -TERM "$WPID"
check "SIGTERM: the wizard ended" wait_for 10 gone "$WPID"
reverted "SIGTERM"
tmx_kill

# ---- (c) kill -9 ------------------------------------------------------------------
wizard_countdown $SECS
kill -9 "$WPID"
check "kill -9: the wizard ended" wait_for 10 gone "$WPID"
reverted "kill -9"
tmx_kill

# ---- (d) Keep ---------------------------------------------------------------------
wizard_countdown $LONG
applied=$(desk_state)
k Enter
expect "Keep moves on" "Step 8 of"
check_eq "Keep: no automatic revert is pending any more" "" "$(pending)"
if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "Keep: the timer process is gone"
else not_ok "Keep: the timer process is gone"; fi
[ -n "$DEADLINE" ] && past_deadline
check_eq "Keep: after the deadline the changes are still in place" "$applied" "$(desk_state)"
check "Keep: the journal still holds them" test -s "$JOURNAL"
# (the phone check may be asking about the phone's host key: end it from outside)
kill -TERM "$WPID"
check "Keep, then SIGTERM: the wizard ended" wait_for 10 gone "$WPID"
check_eq "Keep, then SIGTERM: the changes stay (nothing was pending)" "$applied" "$(desk_state)"
check "revert from the CLI" tb_desk "$UW_BIN" revert
check_eq "reverted: the desktop is as before" "$before" "$(desk_state)"
tmx_kill

# ---- (e) the wizard's Revert now stops the timer ------------------------------------
wizard_countdown $LONG
k Left Enter
expect "Revert now goes back to Review" "Step 6 of 9: Review"
if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "Revert now: the timer process is gone"
else not_ok "Revert now: the timer process is gone"; fi
check_eq "Revert now: the desktop is as before" "$before" "$(desk_state)"
k q
wiz_end "quit after Revert now" 0

# ---- (e2) q during the countdown: the quit box says the changes are on trial --------
wizard_countdown $LONG
k q
expect "q: the quit box says the changes are on trial" "undone automatically at"
k Left Enter
wiz_end "q, Revert and quit" 0
if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "Revert and quit: the timer process is gone"
else not_ok "Revert and quit: the timer process is gone"; fi
check_eq "Revert and quit: the desktop is as before" "$before" "$(desk_state)"

# ---- (e3) q, "Quit, revert at deadline": the timer reverts after the wizard is gone ----
wizard_countdown $LONG
k q
expect "q: the quit box offers to leave it to the deadline" "Quit, revert at deadline"
k Left Left Enter
wiz_end "q, quit and revert at the deadline" 0
expect "the exit note says when the automatic revert comes" "the automatic revert undoes the changes at"
SECS=$LONG reverted "quit, reverted at the deadline"

# ---- (f) CLI: apply --auto-revert, then confirm -----------------------------------------
out=$(tb_desk "$UW_BIN" apply --auto-revert "$LONG" 2>&1); rc=$?
check_eq "apply --auto-revert: exit 0" 0 "$rc"
if grep -q "even if this terminal closes" <<<"$out"; then ok "apply --auto-revert says the revert is coming and how to keep"
else not_ok "apply --auto-revert says the revert is coming"; sed 's/^/#   /' <<<"$out"; fi
remember_timer
applied=$(desk_state)
check_eq "apply --auto-revert: status --json names a running timer" true "$RUNNING"
out=$(tb_desk "$UW_BIN" confirm 2>&1); rc=$?
check_eq "confirm: exit 0" 0 "$rc"
if grep -q "^Kept" <<<"$out"; then ok "confirm says kept"; else not_ok "confirm says kept"; sed 's/^/#   /' <<<"$out"; fi
if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "confirm: the timer process is gone"
else not_ok "confirm: the timer process is gone"; fi
check_eq "confirm: no automatic revert is pending" "" "$(pending)"
[ -n "$DEADLINE" ] && past_deadline
check_eq "confirm: after the deadline the changes are still in place" "$applied" "$(desk_state)"
out=$(tb_desk "$UW_BIN" confirm 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -q "No automatic revert is pending" <<<"$out"; then ok "a second confirm: nothing pending, exit 0"
else not_ok "a second confirm: nothing pending, exit 0 (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi
out=$(tb_desk "$UW_BIN" apply --auto-revert "$SECS" 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -q "would undo those as well" <<<"$out"; then ok "apply --auto-revert with a setup live is refused"
else not_ok "apply --auto-revert with a setup live is refused (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi
check_eq "the refused apply changed nothing" "$applied" "$(desk_state)"
check "revert after confirm" tb_desk "$UW_BIN" revert
check_eq "reverted: the desktop is as before" "$before" "$(desk_state)"

# ---- (g) CLI: apply --auto-revert, no confirm ----------------------------------------------
check "apply --auto-revert, not confirmed" tb_desk "$UW_BIN" apply --auto-revert "$SECS"
remember_timer
reverted "CLI, not confirmed"
out=$(tb_desk "$UW_BIN" confirm 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -q "nothing to keep" <<<"$out"; then ok "confirm after the deadline: too late, exit 1"
else not_ok "confirm after the deadline: too late, exit 1 (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi

# ---- (h) CLI: revert during the countdown ------------------------------------------------------
check "apply --auto-revert 60" tb_desk "$UW_BIN" apply --auto-revert 60
remember_timer
check "revert during the countdown" tb_desk "$UW_BIN" revert
if [ -n "$TIMER" ] && wait_for 10 gone "$TIMER"; then ok "revert: the timer process is gone"
else not_ok "revert: the timer process is gone"; fi
check "revert: no journal" no_journal
check_eq "revert: the desktop is as before" "$before" "$(desk_state)"

# ---- (i) bad values change nothing ----------------------------------------------------------------
for v in 0 3601 abc ""; do
	out=$(tb_desk "$UW_BIN" apply --auto-revert "$v" 2>&1); rc=$?
	if [ "$rc" = 2 ] && grep -q "auto-revert" <<<"$out"; then ok "apply --auto-revert '$v': exit 2 naming the option"
	else not_ok "apply --auto-revert '$v': exit 2 (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi
done
check_eq "the bad values changed nothing" "$before" "$(desk_state)"

cleanup_timers
tmx_kill; tb_down
t_finish
