#!/bin/bash
# The wizard's widgets as a user meets them (issue 12 item 21), in tmux at
# 80x24 against the testbed:
# - Review: the buttons have the focus at once (Left/Right move among them
#   without Tab), and without colour (TERM=vt100) the focused one is marked
#   in the text ("> Apply <"); the row stops at its ends;
# - message areas get the rows there are: Apply's outcome (steps that were
#   in place already) is not cut to "lines 1-2 of 9" above spare rows;
# - the quit box's buttons stop at the ends: from "Cancel", Right then Enter
#   is still Cancel (it wrapped to "Leave them in place" and quit); Enter
#   acts on the button drawn focused ("Revert and quit" reverts);
# - a failed login's whole sentence shows on the Phone check (it was cut at
#   "Check the user").
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up || { not_ok "testbed up"; exit 1; }
trap cleanup EXIT
before=$(desk_state)

WIZ_TERM=vt100 wiz_start
expect "vt100: welcome" "Step 1 of 9: Welcome"
to_review
expect "review" "Step 6 of 9: Review"
expect "review: the focused button is marked without colour, at once" "> Apply <"
k Right; expect "review: Right moves to the next button without Tab" "> Apply with auto-revert <"
k Right Right Right; expect "review: the row stops at its last button" "> Save as script <"
k Left Left Left Left Left; expect "review: and at its first" "> Back <"
k Right; expect "review: back on Apply" "> Apply <"
# (vt100 has no PgUp/PgDn keys: tmux sends them as Esc sequences it cannot decode)
k Down; expect "review: Down still scrolls the plan" "lines 2-17 of" 5
# A fresh wizard for the rest, whatever the keys above did.
tmx_kill

WIZ_TERM=vt100 wiz_start
expect "vt100 again: welcome" "Step 1 of 9: Welcome"
to_review
expect "review again" "Step 6 of 9: Review"
# Two steps in place already (not by usbnet-wizard): Apply leaves them alone
# and its outcome says so, line by line, below the steps.
tb_desk ip addr add 192.168.0.200/24 dev usb0
tb_desk sysctl -qw net.ipv4.ip_forward=1
k Enter; expect "apply finishes" "The desktop side is ready" 15
expect "the outcome names the steps left alone" "Already in place, left alone: Give the desktop"
# The steps shrink to a line each so the outcome gets the rows: all of it, or
# at least six lines of it (it had two, "lines 1-2 of 9", above spare rows).
sleep 0.3
shown=$(tmx_screen | grep -o "lines 1-[0-9]* of" | sed -E 's/lines 1-([0-9]+) of/\1/')
if [ -z "$shown" ] || [ "$shown" -ge 6 ]; then ok "the outcome gets the rows there are (${shown:-all} lines)"
else not_ok "the outcome gets the rows there are (only $shown lines)"; TMX_LAST=$(tmx_screen); show; fi

k Enter; expect "host key" "Trust this key"
k Enter; expect "every phone check passes" "Every check passed" 45
k Enter; expect "done" "Step 9 of 9: Done"
k q; expect "quit asks, Cancel focused" "> Cancel <"
k Right; expect "Right at the last button stays on it" "> Cancel <"
k Enter; expect_gone "Enter on Cancel closes the box" "Quit?"
sleep 0.5
if [ -e "$T/rc" ]; then not_ok "Right then Enter from Cancel did not quit"; TMX_LAST=$(tmx_screen); show
else ok "Right then Enter from Cancel did not quit"; fi
expect "still on Done" "Step 9 of 9: Done"
k q; expect "quit asks again" "> Cancel <"
k Left; expect "Left moves to Revert and quit" "> Revert and quit <"
k Enter
wiz_end "Enter on 'Revert and quit' quits" 0
# The two steps that were in place before stay: they were never ours.
check_eq "the address that was there before stays" 1 "$(tb_desk ip -o addr show dev usb0 | grep -c 192.168.0.200/24)"
tb_desk ip addr del 192.168.0.200/24 dev usb0
tb_desk ip link set usb0 down
tb_desk sysctl -qw net.ipv4.ip_forward=0
check_eq "the desktop is as before" "$before" "$(desk_state)"
tmx_kill; tb_down

# ---- a login refused: the whole sentence, up to what to do ------------------
ssh-keygen -q -t ed25519 -N "" -f "$T/other" >/dev/null
tb_up --phone-keyonly "$T/other.pub" || { not_ok "testbed up (key-only phone)"; t_finish; }
trap cleanup EXIT
wiz_start
expect "key-only phone: welcome" "Step 1 of 9: Welcome"
to_review
k Enter; expect "apply" "The desktop side is ready" 15
k Enter; expect "host key" "Trust this key"
k Enter; expect "the login fails" "refused every login" 30
expect "the login error shows whole, to its last words" "or install a key." 5
k q; expect "asks" "Revert and quit"; k Left Enter
wiz_end "key-only phone: revert and quit" 0
tmx_kill; tb_down
t_finish
