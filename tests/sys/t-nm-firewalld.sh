#!/bin/bash
# NetworkManager and firewalld at once (testbed --nm --firewalld), as on a
# Fedora or openSUSE laptop:
#  - kill -9 at each step of an apply (after each step is made, and between
#    journaling and making each daemon step), then `revert`: both daemons'
#    state (NetworkManager's devices and connections, firewalld's runtime
#    zones and permanent directory) is as before;
#  - `watch` with plug/unplug cycles and a udev-style rename (usb0 ->
#    enx...) while the setup is live: every plug, and the rename, carries the
#    NetworkManager step (journaled, for the interface's current name), the
#    address survives NetworkManager's DHCP timeout (one wait past it), the
#    phone is online after a firewalld reload, and every unplug leaves both
#    daemons as before; stopping watch after a rename gives NetworkManager
#    the renamed device back, managed as before.
source "$(dirname "$0")/lib.sh"

W() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" "$@" </dev/null; }
# NetworkManager's view (a replugged gadget's automatic connection gets a
# UUID from its new MAC: left out), then firewalld's runtime zones and
# permanent directory (lib.sh).
NM_ANY_UUID=1
state() { echo "## NetworkManager"; nm_view; echo "## firewalld"; fwd_state_quick; }
# Under watch, with gadgets coming and going: the default zone's interfaces
# are NetworkManager's doing (its automatic connection binds the device there
# and it drops or keeps that binding as the device comes, goes and is renamed);
# every other zone, nm-shared above all, must be exactly as before.
watch_state() { state | norm_public; }
norm_public() {
	awk '/^public( \(active\))?$/ { print "public"; z = 1; next }
		/^[^ ]/ { z = 0 }
		z && /^  interfaces:/ { print "  interfaces: (NetworkManager'"'"'s)"; next }
		{ print }'
}
state_is() { [ "$(state)" == "$1" ]; }
watch_state_is() { [ "$(watch_state)" == "$1" ]; }
# After a revert NetworkManager takes the device back and starts over: wait
# (bounded) until both daemons' view has settled where it was.
settled() { wait_for 30 state_is "$1"; }
show_diff() { diff <(echo "$1") <(${4:-state}) | head -${3:-12} | sed "s/^/#   $2: /"; }
watch_settled() { wait_for 30 watch_state_is "$1"; }
unmanaged() { [ "$(tb_nmcli -g GENERAL.STATE device show "$1" 2>/dev/null)" = "10 (unmanaged)" ]; }

tb_up --nm --firewalld || { not_ok "testbed with NetworkManager and firewalld"; t_finish; }
wait_for 10 nm_took_usb0
before=$(state)
grep -q '^usb0:ethernet:connecting:Wired connection 1$' <<<"$before" &&
	ok "NetworkManager takes usb0 (Wired connection 1), firewalld runs" ||
	{ not_ok "NetworkManager takes usb0"; sed 's/^/#   /' <<<"$before" | head -20; }

# --- the plan has both daemons' steps -----------------------------------------
json=$(W plan --json 2>/dev/null)
kinds=$(python3 -c 'import json,sys; print(" ".join(a["kind"] for a in json.load(sys.stdin)["actions"]))' <<<"$json")
check_eq "plan: NetworkManager step first, firewalld's zone and keeper, our own NAT rules" \
	"nm addr link sysctl fwd-zone fwd-keep fw fw fw" "$kinds"
n=$(wc -w <<<"$kinds")

# --- kill -9 at each step, then revert ---------------------------------------------
# After each step was made (kill-after-apply), and for the daemons' steps
# also between journaling it and making it (kill-after-begin).
bad=""
for fault in $(seq -f 'kill-after-apply:%g' 1 "$n") kill-after-begin:1 kill-after-begin:5 kill-after-begin:6; do
	tb_desk env USBNET_WIZARD_FAULT="$fault" "$UW_BIN" apply >/dev/null 2>&1
	rc=$?
	# (NetworkManager brought usb0 up already: the link step is in place, no kill after it)
	[ "$rc" = 137 ] || { [ "$rc" = 0 ] && [ "$fault" = kill-after-apply:3 ]; } ||
		bad+=" $fault: apply exit $rc (not killed);"
	W revert >/dev/null 2>&1 || bad+=" $fault: revert failed;"
	no_keeper || bad+=" $fault: a keeper is left;"
	if ! settled "$before"; then
		bad+=" $fault: the daemons differ;"
		show_diff "$before" "$fault"
	fi
done
check_eq "kill -9 after each of the $n steps (and before each daemon step is made), then revert: both daemons as before" "" "$bad"

# --- watch: plug/unplug cycles and a rename ------------------------------------------
export USBNET_WIZARD_PROFILE=$TB_DIR/profile
check "profile save" W profile save --match-driver veth --match-name 'usb*'
tb_unplug
wait_for 10 bash -c "! ip netns exec $TB_DESK env DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS nmcli -t -f DEVICE device | grep -q '^usb0\$'"
unplugged=$(watch_state)
tb_plug
settled "$before" || { not_ok "replugged: NetworkManager takes usb0 again"; show_diff "$before" replug; }

log=$TB_DIR/watch.log
ip netns exec "$TB_DESK" "$UW_BIN" watch >"$log" 2>&1 &  # (ip netns exec execs: $! is watch itself)
wpid=$!
applied() { [ "$(grep -c APPLIED "$log")" -ge "$1" ]; }
reverted() { [ "$(grep -c REVERTED "$log")" -ge "$1" ]; }
nm_journaled() { grep -q "kind=nm iface=$1 was_managed=1" "$USBNET_WIZARD_RUNDIR/journal"; }
has_addr() { tb_desk ip -4 -o addr show dev "$1" | grep -q "$TB_HOST_IP/"; }
online() { # IFACE CYCLE: the setup on IFACE is live and complete, with both daemons
	nm_journaled "$1" || bad+=" $2: no NetworkManager step journaled for $1;"
	wait_for 10 unmanaged "$1" || bad+=" $2: NetworkManager manages $1;"
	wait_for 10 in_zone "$1" || bad+=" $2: $1 not in nm-shared;"
	has_addr "$1" || bad+=" $2: no address on $1;"
	tb_fwcmd --reload >/dev/null 2>&1 || bad+=" $2: reload failed;"
	wait_for 10 in_zone "$1" || bad+=" $2: $1 not back in nm-shared after the reload;"
	tb_phone_ping "$TB_PING_IP" >/dev/null 2>&1 || bad+=" $2: the phone does not get out;"
}
bad=""
wait_for 30 applied 1 || bad+=" start: not applied;"
online usb0 "plug 1"
# udev's rename while the setup is live (the link goes down first, as udev's does).
tb_desk ip link set usb0 down && tb_desk ip link set usb0 name enxrename0
wait_for 30 applied 2 || bad+=" rename: not applied again;"
grep -q 'APPLIED usb0 was renamed to enxrename0' "$log" || bad+=" rename: no APPLIED line for it;"
online enxrename0 "rename 1"
sleep 50  # one functional wait, past NetworkManager's DHCP timeout (35-45 s)
has_addr enxrename0 || bad+=" rename 1: the address is gone 50 s later;"
tb_phone_ping "$TB_PING_IP" >/dev/null 2>&1 || bad+=" rename 1: the phone is offline 50 s later;"
tb_desk ip link del enxrename0
wait_for 30 reverted 2 || bad+=" rename 1: unplug not reverted;"
watch_settled "$unplugged" || { bad+=" rename 1: the daemons differ after unplug;"; show_diff "$unplugged" "rename 1" 12 watch_state; }
for cyc in 2 3; do
	tb_plug
	wait_for 30 applied $((cyc + 1)) || bad+=" plug $cyc: not applied;"
	online usb0 "plug $cyc"
	tb_unplug
	wait_for 30 reverted $((cyc + 1)) || bad+=" plug $cyc: not reverted;"
	no_keeper || bad+=" plug $cyc: a keeper is left;"
	watch_settled "$unplugged" || { bad+=" plug $cyc: the daemons differ after unplug;"; show_diff "$unplugged" "plug $cyc" 12 watch_state; }
done
# Plugged, renamed, and watch stopped: NetworkManager gets the renamed device
# back as it had usb0 before (managed, its automatic connection).
tb_plug
wait_for 30 applied 5 || bad+=" plug 4: not applied;"
tb_desk ip link set usb0 down && tb_desk ip link set usb0 name enxrename0
wait_for 30 applied 6 || bad+=" rename 2: not applied again;"
online enxrename0 "rename 2"
kill -TERM "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
[ -n "$bad" ] && sed 's/^/#   watch: /' "$log"
check_eq "watch with both daemons: 4 plugs, 2 renames (one waited past NetworkManager's DHCP timeout), a reload each, consistent after each unplug" "" "$bad"
out=$(W revert 2>&1)
grep -q '^Nothing to revert' <<<"$out" && ok "watch stopped: it reverted its setup itself (nothing left to revert)" ||
	{ not_ok "watch stopped: nothing left to revert"; sed 's/^/#   /' <<<"$out"; }
# (The test's rename took the link down, as a rename must; what NetworkManager
# then does with a managed device whose link is down is its business: the
# check is that it has the device back, managed, and that firewalld is as
# before but for its default zone's bindings.)
managed_again() { ! unmanaged enxrename0 && tb_nmcli -t -f DEVICE device | grep -qx enxrename0; }
fwd_only() { sed -n '/^## firewalld$/,$p' | norm_public; }
if wait_for 30 managed_again; then
	ok "after watch stopped, NetworkManager manages the renamed device again (it had usb0 before)"
else
	not_ok "after watch stopped, NetworkManager manages enxrename0 again"; nm_view | sed 's/^/#   /'
fi
check_eq "after watch stopped, firewalld as before (but for its default zone's bindings)" \
	"$(sed 's/usb0/enxrename0/g' <<<"$before" | fwd_only)" "$(state | fwd_only)"
grep -q 'FAILED' "$log" && { not_ok "watch reported a failure"; grep FAILED "$log" | sed 's/^/#   /' | head; }
no_keeper || not_ok "no keeper left"

tb_down
t_finish
