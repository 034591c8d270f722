#!/bin/bash
# The real NetworkManager in the desktop namespace (testbed --nm): it takes
# usb0 and starts DHCP on it, as on a laptop, and when that attempt gives up
# (35-45 s) it removes every address from usb0. The plan's first step tells
# it to leave usb0 alone (Managed=false, runtime, journaled); revert puts the
# exact prior value back, and NetworkManager's view is then as before.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@"; }
SSHD=$(mktemp -d /tmp/uw-nm-ssh.XXXXXX)
trap 'rm -rf "$SSHD"' EXIT
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" --no-rescue "$@" </dev/null; }
# After a revert NetworkManager takes usb0 back and starts its activation
# again; wait (bounded) until its view (nm_view, lib.sh) has settled where it was.
check_nm_back() { # NAME BEFORE
	wait_for 30 nm_view_is "$2"
	check_eq "$1" "$2" "$(nm_view)"
}
usb0_state() { tb_nmcli -g GENERAL.STATE device show usb0 | sed -E 's/^[0-9]+ \(([^ )]*).*/\1/'; }
has_addr() { tb_desk ip -4 -o addr show dev usb0 | grep -q "$TB_HOST_IP/"; }

tb_up --nm || { not_ok "testbed comes up with NetworkManager"; t_finish; }
wait_for 10 nm_took_usb0
before=$(nm_view)
grep -q '^usb0:ethernet:connecting:Wired connection 1$' <<<"$before" \
	&& ok "NetworkManager takes usb0 and starts DHCP on it (Wired connection 1)" \
	|| { not_ok "NetworkManager takes usb0"; sed 's/^/#   /' <<<"$before"; }

# --- detect and plan ask NetworkManager on the bus ------------------------------
out=$(W detect 2>&1)
grep -q 'NetworkManager manages usb0 (connection "Wired connection 1"' <<<"$out" \
	&& ok "detect says NetworkManager manages usb0, with its connection (from the bus)" \
	|| { not_ok "detect names NetworkManager"; sed 's/^/#   /' <<<"$out"; }
out=$(W plan 2>&1)
first=$(grep -m1 '^ 1\. ' <<<"$out")
check_eq "the plan's first step: NetworkManager leaves usb0 alone" \
	" 1. NetworkManager leaves usb0 alone while this setup is live" "$first"
grep -q '^    \$ nmcli device set usb0 managed no$' <<<"$out" \
	&& ok "... shown with its shell equivalent" || not_ok "nmcli shell equivalent"
json=$(W plan --json 2>/dev/null)
check_eq "... before the address step" "nm addr" \
	"$(python3 -c 'import json,sys; a=json.load(sys.stdin)["actions"]; print(a[0]["kind"], a[1]["kind"])' <<<"$json" 2>&1)"

# --- CLI apply, then a minute: NetworkManager's DHCP gives up meanwhile ---------
check "apply with NetworkManager running" W apply
check_eq "NetworkManager leaves usb0 alone (unmanaged)" unmanaged "$(usb0_state)"
check "journal holds the step with the prior value" grep -q 'kind=nm iface=usb0 was_managed=1' \
	"$USBNET_WIZARD_RUNDIR/journal"
sleep 60  # a functional wait: longer than NetworkManager's DHCP attempt (35-45 s)
check "60 s later usb0 still has $TB_HOST_IP" has_addr
check "60 s later every phone check passes" uwc
check "status: everything in place" W status

# --- doctor: NetworkManager took the address (restarted, it forgot the flag) ---
tb_nmcli device set usb0 managed yes  # what a NetworkManager restart does to the runtime flag
tb_desk ip addr flush dev usb0        # what its failed DHCP then does to the address
out=$(W doctor --json 2>/dev/null)
title=$(python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    if f["id"]=="nm-managed": print(f["severity"], f["title"])' <<<"$out")
check_eq "doctor: NetworkManager removed the address (with evidence)" \
	"error NetworkManager removed $TB_HOST_IP from usb0" "$title"
check "doctor --fix nm-managed --yes" W doctor --fix nm-managed --yes
check_eq "... NetworkManager leaves usb0 alone again" unmanaged "$(usb0_state)"
check "... the address is back" has_addr
check "... the phone reaches the outside" tb_phone_ping "$TB_PING_IP"

check "revert" W revert
check_nm_back "after revert NetworkManager's devices and connections are as before apply" "$before"
check_fails "... and usb0 has no address of ours" has_addr

# --- kill -9 after each step of an apply, then revert ---------------------------
n=$(W plan --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["actions"]))')
[ -n "$n" ] && [ "$n" -ge 5 ] && ok "the plan with NetworkManager has $n steps" || not_ok "plan step count ($n)"
bad=""
for i in $(seq 1 "$n"); do
	tb_desk env USBNET_WIZARD_FAULT="kill-after-apply:$i" "$UW_BIN" apply >/dev/null 2>&1
	rc=$?
	# (NetworkManager brought usb0 up already: that step is left as it is, no kill after it)
	kind=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["actions"][int(sys.argv[1])-1]["kind"])' "$i" <<<"$json")
	[ "$rc" = 137 ] || { [ "$rc" = 0 ] && [ "$kind" = link ]; } || bad+=" step $i ($kind): apply exit $rc (not killed);"
	[ "$i" = 1 ] && [ "$(usb0_state)" != unmanaged ] && bad+=" step 1 made but usb0 is $(usb0_state);"
	[ "$i" = 1 ] && ! grep -q 'kind=nm' "$USBNET_WIZARD_RUNDIR/journal" && bad+=" step 1 not journaled;"
	W revert >/dev/null 2>&1 || bad+=" step $i: revert failed;"
	wait_for 30 nm_view_is "$before" || bad+=" step $i: NetworkManager's view differs: $(nm_view | tr '\n' ' ');"
done
check_eq "kill -9 after each of the $n steps, then revert: NetworkManager as before" "" "$bad"

# --- watch: every plug gets the step, every unplug reverts -----------------------
export USBNET_WIZARD_PROFILE=$TB_DIR/profile
check "profile save" W profile save --match-driver veth --match-name 'usb*'
log=$TB_DIR/watch.log
tb_desk "$UW_BIN" watch >"$log" 2>&1 &
wpid=$!
wait_for 10 grep -q 'watching for' "$log" || not_ok "watch started"
bad=""
for cyc in 1 2 3; do
	if [ "$cyc" -gt 1 ]; then
		tb_plug
	fi
	wait_for 30 bash -c "[ \$(grep -c APPLIED '$log') -ge $cyc ]" || bad+=" cycle $cyc: not applied;"
	wait_for 10 bash -c "[ \"\$(ip netns exec $TB_DESK env DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS nmcli -g GENERAL.STATE device show usb0)\" = '10 (unmanaged)' ]" \
		|| bad+=" cycle $cyc: usb0 is $(usb0_state);"
	has_addr || bad+=" cycle $cyc: no address;"
	tb_phone_ping "$TB_HOST_IP" >/dev/null 2>&1 || bad+=" cycle $cyc: phone cannot reach the desktop;"
	tb_unplug
	wait_for 30 bash -c "[ \$(grep -c REVERTED '$log') -ge $cyc ]" || bad+=" cycle $cyc: not reverted;"
done
check_eq "watch: 3 plug/unplug cycles, NetworkManager told to leave usb0 alone on each plug" "" "$bad"
tb_plug
wait_for 30 bash -c "[ \$(grep -c APPLIED '$log') -ge 4 ]"
kill -TERM "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null
W revert >/dev/null 2>&1
# (a replugged gadget is a new device to NetworkManager: its automatic
# connection's UUID comes from the new MAC, so the UUID is left out here)
nouuid() { sed -E 's/:[0-9a-f]{8}-[0-9a-f-]{27}:/:UUID:/'; }
nm_view_nouuid_is() { [ "$(nm_view | nouuid)" == "$(nouuid <<<"$1")" ]; }
wait_for 30 nm_view_nouuid_is "$before"
check_eq "watch stopped and reverted: NetworkManager's view as before (but the new device's UUID)" \
	"$(nouuid <<<"$before")" "$(nm_view | nouuid)"
grep -q 'WATCH_FAILED\|FAILED' "$log" && { not_ok "watch reported a failure"; sed 's/^/#   /' "$log" | head; }

tb_down
t_finish
