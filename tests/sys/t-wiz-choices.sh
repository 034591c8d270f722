#!/bin/bash
# Choices that must stay consistent, in the CLI and the wizard (issue 12):
# item 1, forwarding already on: `plan --json`'s undo_shell and the saved
# script's `sh plan.sh undo` leave it on (undo restores what was there);
# item 9, no sharing: the DNS proxy (a DNAT, which needs forwarding) is not
# the default and is refused when asked for, in the CLI and the wizard.
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up || { not_ok "testbed up"; exit 1; }
trap cleanup EXIT

# ---- item 1: forwarding already on ------------------------------------------
tb_desk sysctl -qw net.ipv4.ip_forward=1
before=$(desk_state)
json=$(tb_desk "$UW_BIN" plan --json)
undo=$(jq -r '.actions[] | select(.kind == "sysctl") | .undo_shell' <<<"$json")
if [ -n "$undo" ] && ! grep -q "ip_forward=0" <<<"$undo"; then ok "plan --json: undo_shell keeps forwarding that was on ($undo)"
else not_ok "plan --json: undo_shell keeps forwarding that was on"; echo "#   $undo"; fi

wiz_start
expect "wizard: welcome" "Step 1 of 9: Welcome"
to_review
expect "wizard: review" "Step 6 of 9: Review"
k Right Right Enter; expect "save as script asks for a file name" "Write the plan's shell commands"
k C-u; tmx_type "$T/plan.sh"; k Enter; expect "the script is saved" "Saved to" 5
k Enter
k q
wiz_end "quit after saving" 0
check "the saved script's undo says forwarding was already on" grep -q "nothing to undo, net.ipv4.ip_forward was already 1" "$T/plan.sh"
check "the saved script applies the plan" tb_desk sh "$T/plan.sh"
check_eq "the script set the address" 1 "$(tb_desk ip -o addr show dev usb0 | grep -c 192.168.0.200/24)"
check "the saved script's undo runs" tb_desk sh "$T/plan.sh" undo
check_eq "after 'sh plan.sh undo' forwarding is still on" 1 "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
check_eq "after 'sh plan.sh undo' the desktop is as before" "$before" "$(desk_state)"
tb_desk sysctl -qw net.ipv4.ip_forward=0

# ---- item 9: no sharing, DNS proxy ------------------------------------------
before=$(desk_state)
out=$(tb_desk "$UW_BIN" plan --no-nat 2>&1); rc=$?
check_eq "plan --no-nat: exit 0" 0 "$rc"
if grep -q "DNS is left alone" <<<"$out" && ! grep -qi "dnat\|port 53\|dport 53" <<<"$out"; then
	ok "plan --no-nat: no DNS proxy, and the reason is said"
else not_ok "plan --no-nat: no DNS proxy, and the reason is said"; sed 's/^/#   /' <<<"$out"; fi
check_eq "plan --no-nat --json: dns none" none "$(tb_desk "$UW_BIN" plan --no-nat --json | jq -r .dns)"
out=$(tb_desk "$UW_BIN" apply --no-nat --dns proxy 2>&1); rc=$?
if [ "$rc" != 0 ] && grep -q "DNS proxy cannot work without sharing" <<<"$out"; then
	ok "apply --no-nat --dns proxy is refused with the reason"
else not_ok "apply --no-nat --dns proxy is refused with the reason (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi
check_eq "the refused apply changed nothing" "$before" "$(desk_state)"

wiz_start
expect "wizard: welcome" "Step 1 of 9: Welcome"
k Enter; expect "detect" "Step 2 of 9"
k Enter; expect "netmask" "Step 3 of 9"
k Enter; expect "sharing" "Step 4 of 9"
k Down; expect "do not share chosen" "(•) Do not share"
k Enter; expect "DNS after 'Do not share'" "Step 5 of 9: DNS"
if tmx_screen | grep -qF "(•) Proxy"; then not_ok "the proxy is not preselected after 'Do not share'"; TMX_LAST=$(tmx_screen); show
else ok "the proxy is not preselected after 'Do not share'"; fi
expect "'Leave DNS alone' is preselected" "(•) Leave DNS alone"
expect "and the screen says why" "DNS is left alone"
k Up Up Up; expect "proxy chosen by hand" "(•) Proxy"
expect "Next is disabled with the reason" "cannot work without sharing"
k Down Down Down; expect_gone "leave DNS alone again: the reason goes" "cannot work without sharing"
k Enter; expect "review" "Step 6 of 9: Review"
if tmx_screen | grep -qE "dport 53|port 53"; then not_ok "review has no DNS proxy"; TMX_LAST=$(tmx_screen); show
else ok "review has no DNS proxy"; fi
k Enter; expect "apply works" "The desktop side is ready"
check_eq "no sharing: forwarding stays off" 0 "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
k q; expect "asks" "Revert and quit"; k Left Enter
wiz_end "no sharing: revert and quit" 0
check_eq "reverted: the desktop is as before" "$before" "$(desk_state)"
tmx_kill; tb_down
t_finish
