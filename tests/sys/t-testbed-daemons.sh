#!/bin/bash
# The testbed's real desktop daemons (--nm --firewalld): NetworkManager takes
# usb0 as on a laptop, firewalld runs, both on a private bus, neither touches
# the machine (its /etc/firewalld, its own namespace), and teardown ends them
# by pid on every exit path.
source "$(dirname "$0")/lib.sh"

fw_sum() { (cd /etc/firewalld && find . -printf '%p %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }
fw_before=$(fw_sum)
ns_self=$(readlink /proc/$$/ns/net)
# Daemons in the machine's own namespace (there must never be any).
root_daemons() {
	local p
	for p in $(pgrep -x NetworkManager; pgrep -f '/usr/sbin/firewalld'); do
		[ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$ns_self" ] && echo "$p $(tr '\0' ' ' </proc/$p/cmdline)"
	done
}

tb_up --nm --firewalld || { not_ok "testbed comes up with --nm --firewalld"; t_finish; }
ok "testbed comes up with --nm --firewalld ($TB_DESK)"

check_eq "DBUS_SYSTEM_BUS_ADDRESS names the testbed's private bus" \
	"unix:path=$TB_DIR/bus" "$DBUS_SYSTEM_BUS_ADDRESS"
check_eq "NetworkManager runs in the desktop namespace" "$TB_DESK" "$(ip netns identify "$_tb_nm_pid")"
check_eq "firewalld runs in the desktop namespace" "$TB_DESK" "$(ip netns identify "$_tb_fwd_pid")"
check_eq "lan0 and lo are unmanaged, usb0 is NetworkManager's" "lan0:unmanaged lo:unmanaged usb0:managed" \
	"$(tb_nmcli -t -f DEVICE,STATE device | sed -E 's/:(connecting|disconnected|connected|unavailable).*/:managed/' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "NetworkManager puts its automatic connection on usb0 (DHCP, as on a laptop)" \
	"GENERAL.CONNECTION:Wired connection 1" "$(tb_nmcli -t -f GENERAL.CONNECTION device show usb0)"
check_eq "firewall-cmd --state" running "$(tb_fwcmd --state 2>&1)"
check "firewalld built its nftables table in the desktop namespace" tb_desk nft list table inet firewalld
check_eq "no firewalld table in the machine's namespace" "" "$(nft list tables 2>/dev/null | grep firewalld)"

# A permanent change lands in the testbed's copy, not in the machine's /etc/firewalld.
check "a permanent firewalld change works" tb_fwcmd --permanent --new-zone=uwtbprobe
check "... and is written to the testbed's copy" test -f "$TB_FW_ETC/zones/uwtbprobe.xml"
check_eq "... and the machine's /etc/firewalld is untouched" "$fw_before" "$(fw_sum)"
check_eq "no daemon runs in the machine's own namespace" "" "$(root_daemons)"

pids="$_tb_nm_pid $_tb_fwd_pid $_tb_dbus_pid" dir=$TB_DIR
tb_down
alive=""
for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
check_eq "teardown ends NetworkManager, firewalld and the bus (by pid)" "" "$alive"
check_eq "... and leaves no process naming the temp dir" 0 "$(pgrep -f "$dir" | wc -l)"
check_eq "... and DBUS_SYSTEM_BUS_ADDRESS is gone" "" "${DBUS_SYSTEM_BUS_ADDRESS:-}"

# Without the switches no bus is reachable: nothing in a testbed talks to the
# machine's own system bus.
tb_up || { not_ok "plain testbed comes up"; t_finish; }
check_eq "a plain testbed's bus address names a socket that does not exist" \
	"unix:path=$TB_DIR/no-bus" "$DBUS_SYSTEM_BUS_ADDRESS"
check_fails "... where no bus listens" test -e "$TB_DIR/no-bus"
tb_down

# SIGTERM mid-way (a test killed by its runner): the daemons go too.
mark=$(mktemp /tmp/uwtb-nmterm.XXXXXX)
bash -c 'source tests/testbed/testbed.sh; tb_up --nm || exit 1
	echo "$_tb_nm_pid $_tb_dbus_pid" >"$1"; sleep 60 & wait' _ "$mark" &
child=$!
for i in $(seq 1 300); do [ -s "$mark" ] && break; sleep 0.1; done
dpids=$(cat "$mark")
kill -TERM "$child"; wait "$child" 2>/dev/null
alive=""
for p in $dpids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
if [ -n "$dpids" ] && [ -z "$alive" ]; then ok "SIGTERM: NetworkManager and the bus end with the testbed"
else not_ok "SIGTERM teardown (pids '$dpids', alive '$alive')"; fi
rm -f "$mark"
check_eq "the machine's /etc/firewalld is unchanged at the end" "$fw_before" "$(fw_sum)"
t_finish
