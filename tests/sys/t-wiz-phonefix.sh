#!/bin/bash
# The Phone check's fix runs exactly what the user confirmed (issue 12 item 6):
# a phone whose default route goes via a wrong gateway is offered
# `ip route replace default via <desktop>` (an add would fail: a default
# exists); after Apply, that is what ran: the phone's default route goes via
# the desktop and the screen says "Fixed", not "The route fix failed".
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up || { not_ok "testbed up"; exit 1; }
trap cleanup EXIT
tb_phone ip route replace default via 192.168.0.1 dev eth0 onlink
wiz_start
expect "welcome" "Step 1 of 9: Welcome"
to_review
expect "review" "Step 6 of 9: Review"
k Enter; expect "apply" "The desktop side is ready"
k Enter; expect "host key" "Trust this key"
k Enter; expect "the route check fails and a fix is offered" "Fix... offers the phone-side fixes" 60
# (issue 12 item 21) Enter opens Fix... here, and the footer says so.
sleep 0.3
foot=$(tmx_screen | tail -1)
if grep -qF "Enter Fix..." <<<"$foot" && ! grep -qF "Enter Next" <<<"$foot"; then
	ok "the footer names what Enter does (Fix...)"
else not_ok "the footer names what Enter does (Fix...)"; echo "#   $foot"; fi
k Enter; expect "the fix is asked" "Apply this fix on the phone?"
k Right Enter; expect "its commands are shown" "Runs on the phone:"
confirmed=$(tmx_screen | grep -oE "ip route [a-z]+ default via [0-9.]+" | head -1)
check_eq "the confirmed command replaces the wrong gateway" "ip route replace default via $TB_HOST_IP" "$confirmed"
k Escape; expect "back to the question" "Apply this fix on the phone?"
k Enter
expect "the confirmed fix ran" "Fixed: " 60
expect_gone "it did not fail" "The route fix failed" 1
check_eq "the phone's default route now goes via the desktop (what was confirmed ran)" \
	"default via $TB_HOST_IP dev eth0" "$(tb_phone ip route show default | sed -E 's/ +$//; s/ onlink//')"
expect "then every check passes" "Every check passed" 60
k Enter; expect "done" "Done"
k q; expect "asks" "Revert and quit"; k Left Enter
wiz_end "revert and quit" 0
tmx_kill; tb_down
t_finish
