#!/bin/bash
# firewalld, for real (testbed --firewalld: the Debian daemon in the desktop
# namespace on a private bus, with a private copy of /etc/firewalld):
#  - the plan lets the phone through firewalld's own D-Bus API (zone nm-shared,
#    runtime only, plus a keeper), not with rules in firewalld's chains;
#  - apply, `firewall-cmd --reload`, and every phone check still passes;
#  - revert: `firewall-cmd --list-all-zones`, the policies and the permanent
#    configuration directory are byte-identical to before apply;
#  - the keeper killed, then a reload: doctor names it ("a firewalld reload
#    removed the forwarding rules") and its fix brings the phone back;
#  - kill -9 after each step of an apply, then revert: firewalld as before;
#  - NetworkManager and firewalld at once: apply, reload, check;
#  - watch with plug/unplug cycles and reloads in between.
source "$(dirname "$0")/lib.sh"

# (the phone's host key goes into the testbed's own ssh directory)
W() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" "$@" </dev/null; }


# (what firewalld holds: fwd_state, fwd_state_quick, in_zone, no_keeper in lib.sh)
keeper_pid() { cat "$USBNET_WIZARD_RUNDIR/firewalld-keeper-usb0" 2>/dev/null; }
keeper_alive() { local p; p=$(keeper_pid) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

tb_up --firewalld || { not_ok "testbed with firewalld"; t_finish; }
before=$(fwd_state)
before_quick=$(fwd_state_quick)

# --- the plan --------------------------------------------------------------------
plan=$(W plan 2>&1)
grep -q 'firewall-cmd --zone=nm-shared --change-interface=usb0' <<<"$plan" &&
grep -q 'keep usb0 in the zone nm-shared when firewalld reloads' <<<"$plan" &&
	ok "plan: usb0 into firewalld's zone nm-shared (shell equivalent shown) and a keeper" ||
	{ not_ok "plan: firewalld steps"; sed 's/^/#   /' <<<"$plan"; }
grep -q 'inet firewalld' <<<"$plan" && { not_ok "plan puts nothing into firewalld's own chains"; sed 's/^/#   /' <<<"$plan"; } ||
	ok "plan puts nothing into firewalld's own chains"
det=$(W detect 2>&1)
grep -q 'firewalld .* is running (backend nftables, default zone public)' <<<"$det" &&
grep -q 'usb0: no zone' <<<"$det" && grep -q 'lan0 (outgoing): no zone' <<<"$det" &&
	ok "detect: firewalld running, backend, default zone, zones of usb0 and lan0 (from the bus)" ||
	{ not_ok "detect shows firewalld"; sed 's/^/#   /' <<<"$det"; }

# --- apply, reload, check ---------------------------------------------------------
check "apply" W apply
check "usb0 is in zone nm-shared" in_zone
check "the keeper runs" keeper_alive
check "check passes after apply" W check
check "firewall-cmd --reload" tb_fwcmd --reload
# The keeper puts it back on firewalld's Reloaded signal: wait for that (bounded).
check "after the reload usb0 is back in nm-shared" wait_for 10 in_zone
check "every phone check passes after firewall-cmd --reload" W check
check "the phone reaches the outside after the reload" tb_phone_ping "$TB_PING_IP"
check "a second reload: still online" tb_fwcmd --reload
check "after the second reload usb0 is back in nm-shared" wait_for 10 in_zone
check "check passes after the second reload" W check
out=$(W doctor 2>&1)
grep -q 'firewalld lets the phone.s traffic through' <<<"$out" && ok "doctor: firewalld lets the phone through" ||
	{ not_ok "doctor: firewalld ok"; sed 's/^/#   /' <<<"$out" | head -40; }

# --- the keeper killed, then a reload: doctor names it, its fix repairs it --------
kp=$(keeper_pid)
kill -9 "$kp" 2>/dev/null
wait_for 5 sh -c "! kill -0 $kp" || not_ok "keeper killed"
tb_fwcmd --reload >/dev/null
check_fails "without the keeper a reload cuts the phone off (the test can fail)" W check
out=$(W doctor 2>&1)
grep -q 'A firewalld reload removed the forwarding rules' <<<"$out" && grep -q 'firewalld-reload' <<<"$out" &&
	ok "doctor: 'A firewalld reload removed the forwarding rules', with evidence" ||
	{ not_ok "doctor names the reload"; sed 's/^/#   /' <<<"$out" | head -40; }
check "doctor --fix firewalld-reload --yes" W doctor --fix firewalld-reload --yes
check "after the fix usb0 is in nm-shared" in_zone
check "after the fix the keeper runs again" keeper_alive
check "after the fix every phone check passes" W check
check "and it survives the next reload" tb_fwcmd --reload
check "usb0 back in nm-shared after that reload" wait_for 10 in_zone
check "check passes" W check

# --- revert: byte-identical -----------------------------------------------------
check "revert" W revert
check_eq "after revert firewalld (runtime zones, policies, permanent dir) is as before" "$before" "$(fwd_state)"
check "after revert no keeper runs" no_keeper

# --- kill -9 after each step, then revert ------------------------------------------
nsteps=$(W plan 2>&1 | grep -c '^ *[0-9][0-9]*\. ')
bad=0
for n in $(seq 1 "$nsteps"); do
	tb_desk env USBNET_WIZARD_FAULT=kill-after-apply:$n "$UW_BIN" apply >/dev/null 2>&1
	W revert >/dev/null 2>&1 || { bad=1; echo "#   revert after kill at step $n failed"; }
	after=$(fwd_state_quick)
	if [ "$after" != "$before_quick" ]; then
		bad=1; echo "#   firewalld differs after kill at step $n:"; diff <(echo "$before_quick") <(echo "$after") | head -10 | sed 's/^/#   /'
	fi
	no_keeper || { bad=1; echo "#   a keeper is left after kill at step $n"; }
done
# Journaled, not yet made: the keeper step (the zone step before it was made).
tb_desk env USBNET_WIZARD_FAULT=kill-after-begin:5 "$UW_BIN" apply >/dev/null 2>&1
W revert >/dev/null 2>&1 || bad=1
[ "$(fwd_state)" = "$before" ] && no_keeper || { bad=1; echo "#   kill-after-begin:5 left something"; }
[ $bad = 0 ] && ok "kill -9 after each of the $nsteps steps (and before the keeper starts), then revert: firewalld as before" ||
	not_ok "kill -9 at each step, then revert"

# --- a failure mid-apply rolls the firewalld steps back -------------------------------
check_fails "apply with step 6 failing" tb_desk env USBNET_WIZARD_FAULT=fail:6 "$UW_BIN" apply
check_eq "after the rollback firewalld is as before" "$before_quick" "$(fwd_state_quick)"
check "after the rollback no keeper runs" no_keeper

# --- watch: plug/unplug cycles with reloads ------------------------------------------
export USBNET_WIZARD_PROFILE=$TB_DIR/profile
check "profile save" W profile save --match-driver veth --match-name 'usb*'
tb_unplug
log=$TB_DIR/watch.log
tb_desk "$UW_BIN" watch >"$log" 2>&1 &
wpid=$!
wait_for 10 grep -q 'watching for' "$log" || not_ok "watch started"
bad=0
for i in 1 2; do
	tb_plug
	wait_for 10 sh -c "[ \$(grep -c APPLIED '$log') -ge $i ]" || { bad=1; echo "#   cycle $i: not applied"; }
	wait_for 10 in_zone || { bad=1; echo "#   cycle $i: usb0 not in nm-shared"; }
	tb_fwcmd --reload >/dev/null
	wait_for 10 in_zone || { bad=1; echo "#   cycle $i: not back in nm-shared after the reload"; }
	tb_phone_ping "$TB_PING_IP" >/dev/null || { bad=1; echo "#   cycle $i: the phone does not get out after the reload"; }
	tb_unplug
	wait_for 10 sh -c "[ \$(grep -c REVERTED '$log') -ge $i ]" || { bad=1; echo "#   cycle $i: not reverted"; }
	wait_for 10 no_keeper || { bad=1; echo "#   cycle $i: keeper left after unplug"; }
	after=$(fwd_state_quick)
	[ "$after" = "$before_quick" ] || { bad=1; echo "#   cycle $i: firewalld differs after unplug"; diff <(echo "$before_quick") <(echo "$after") | head -10 | sed 's/^/#   /'; }
done
kill "$wpid"; wait "$wpid" 2>/dev/null
[ $bad = 0 ] && ok "watch: 2 plug/unplug cycles with a reload each; online after every reload, firewalld as before after every unplug" ||
	{ not_ok "watch with firewalld"; tail -20 "$log" | sed 's/^/#   /'; }
unset USBNET_WIZARD_PROFILE
tb_plug
tb_down

# --- NetworkManager and firewalld at once ---------------------------------------------
tb_up --nm --firewalld || { not_ok "testbed with NetworkManager and firewalld"; t_finish; }
before=$(fwd_state)
check "[nm+firewalld] apply" W apply
check "[nm+firewalld] usb0 in nm-shared" wait_for 10 in_zone
check "[nm+firewalld] firewall-cmd --reload" tb_fwcmd --reload
check "[nm+firewalld] usb0 back in nm-shared after the reload" wait_for 10 in_zone
check "[nm+firewalld] every phone check passes after the reload" W check
check "[nm+firewalld] revert" W revert
check "[nm+firewalld] no keeper left" no_keeper
check_eq "[nm+firewalld] firewalld as before" "$before" "$(fwd_state)"
tb_down

t_finish
