#!/bin/bash
# persist and profile save on the testbed: they start from the setup that is
# live (issue 12 item 17), and the installed hook follows the desktop's
# default route and DNS upstream at the time it runs, so a desktop moving
# from one uplink to another keeps the phone online (item 26).
source "$(dirname "$0")/lib.sh"
W() { tb_desk "$UW_BIN" "$@"; }
fw_ours() { tb_desk nft list ruleset 2>/dev/null | grep -c usbnet-wizard; }

tb_up --fw nft
before=$(ns_state "$TB_DESK")

# --- item 17: the live setup's choices -----------------------------------
check "apply --netmask /29 --dns none" W apply --netmask /29 --dns none
out=$(W persist --show --target udev 2>&1); rc=$?
check_eq "persist --show succeeds" 0 "$rc"
grep -q "^Choices: the live setup's" <<<"$out" && ok "persist says it used the live setup's choices" ||
	{ not_ok "persist does not say which choices"; head -3 <<<"$out" | sed 's/^/#   /'; }
grep -q "ip addr replace 192.168.0.200/29 dev usb0" <<<"$out" && ok "persist writes the live /29" ||
	{ not_ok "persist ignores the live netmask"; grep "addr replace" <<<"$out" | sed 's/^/#   /'; }
grep -qi "dnat" <<<"$out" && not_ok "persist adds the DNS proxy the live setup has not" ||
	ok "persist writes no DNS proxy (the live setup has --dns none)"
out=$(W persist --show --target udev --dns proxy 2>&1)
grep -q "dnat" <<<"$out" && grep -q "192.168.0.200/29" <<<"$out" &&
	ok "an option given changes only what it names (--dns proxy on top of the live /29)" ||
	not_ok "persist --dns proxy over the live setup"
out=$(W profile save --profile "$TB_DIR/profile" 2>&1); rc=$?
check_eq "profile save succeeds" 0 "$rc"
grep -q "^Choices: the live setup's" <<<"$out" && grep -qx "netmask=29" "$TB_DIR/profile" &&
	grep -qx "dns=none" "$TB_DIR/profile" && ok "profile save takes the live /29 and DNS none, and says so" ||
	{ not_ok "profile save ignores the live setup"; sed 's/^/#   /' "$TB_DIR/profile"; }
check "revert" W revert
out=$(W persist --show --target udev 2>&1)
grep -q "^Choices: no setup by usbnet-wizard is live" <<<"$out" && grep -q "192.168.0.200/24" <<<"$out" &&
	ok "with nothing live: the defaults, and it says so" || not_ok "persist with nothing live"

# --- item 26: the hook follows the default route and the upstream -----------
# Made while the desktop's resolv.conf names a server that does not answer and
# its uplink is lan0; then the desktop moves: lan0 goes, wlan0 (another
# subnet) takes the default route, resolv.conf names the live server. A plug
# (the hook's start) must give the phone NAT and DNS through the new uplink.
printf 'nameserver 203.0.113.99\n' >"/etc/netns/$TB_DESK/resolv.conf"
root=$TB_DIR/root
mkdir -p "$root"
check "persist --install --target udev under a root" W persist --install --target udev --root "$root" --yes
hook=$root/etc/usbnet-wizard/hook-usb0
[ -f "$hook" ] && ! grep -v '^#' "$hook" | grep -q 'lan0' && ok "the hook's commands name no uplink" ||
	not_ok "the hook names today's uplink lan0"
grep -q 'echo 203.0.113.99' "$hook" &&
	! grep -q 'dnat to 203.0.113.99' "$hook" && ok "the day's DNS server is only the hook's last resort" ||
	not_ok "the hook hard-codes the day's DNS server"
tb_desk ip link del lan0
tb_desk ip link add wlan0 type veth peer name wlan0 netns "$TB_UP"
tb_desk ip addr add 203.0.113.130/25 dev wlan0; tb_desk ip link set wlan0 up
tb_up_ns ip addr add 203.0.113.129/25 dev wlan0; tb_up_ns ip link set wlan0 up
tb_desk ip route add default via 203.0.113.129 dev wlan0
printf 'nameserver %s\n' "$TB_DNS_IP" >"/etc/netns/$TB_DESK/resolv.conf"
state=$TB_DIR/hookstate
check "the hook's start (the phone plugged in)" tb_desk env USBNET_WIZARD_STATE_DIR="$state" sh "$hook" start
check "the phone reaches the outside through the new uplink" tb_phone_ping "$TB_PING_IP"
check "the phone resolves through the desktop, to today's upstream" \
	tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
check "the hook's stop (unplugged)" tb_desk env USBNET_WIZARD_STATE_DIR="$state" sh "$hook" stop
check_eq "stop leaves none of our rules" 0 "$(fw_ours)"
check_eq "stop puts ip_forward back" 0 "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
check "persist --uninstall under the root" W persist --uninstall --root "$root" --yes
check_eq "uninstall leaves nothing under the root" "" "$(find "$root" -type f)"
tb_down
t_finish
