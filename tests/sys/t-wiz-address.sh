#!/bin/bash
# Issue 12 item 5: the desktop already holds the phone's address on its LAN
# (`--overlap`, then 192.168.0.202/24 on lan0). No netmask can help, and the
# wizard was a dead end ("/32" preselected, Review: "The plan cannot be made",
# nowhere to type addresses). Now Overlap proposes a subnet that is free here
# and offers typing the addresses; the Addresses screen checks what is typed
# with core/'s setters (a clear sentence, Next disabled, nothing changes),
# says what to change on the phone, and the plan applies. With the phone
# renumbered as the screen says, the Phone check logs in at its new address.
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up --overlap || { not_ok "testbed up (--overlap)"; exit 1; }
trap cleanup EXIT
tb_desk ip addr add 192.168.0.202/24 dev lan0
before=$(desk_state)

wiz_start
expect "welcome" "Step 1 of"
k Enter; expect "detect" "Step 2 of"
k Enter; expect "the overlap screen" "Subnet overlap"
expect "it proposes a subnet that is free here" "use the free subnet 192.168.1.0/24"
expect "and offers typing the addresses" "Type the addresses"
if tmx_screen | grep -q "/32 address plus a route"; then
	not_ok "no /32 (it cannot help when the address itself is taken)"; TMX_LAST=$(tmx_screen); show
else ok "no /32 (it cannot help when the address itself is taken)"; fi
expect "the explanation names the free subnet" "192.168.1.0/24 is free here"
k Enter; expect "the Addresses screen" "Addresses"
expect "the phone's address is proposed" "192.168.1.202"
expect "and what to change on the phone is said" "ifdown usb0; ifup usb0"
expect "with the phone's new address and gateway" "'gateway 192.168.1.200'"

# Focus starts on this computer's field; Down goes to the phone's, then the netmask.
k Down Down
k C-u; tmx_type "/16"
expect "a netmask reaching into the LAN: refused, saying why" "overlaps route 192.168.0.0/24"
expect "Next is unavailable meanwhile" "[ Next ]"
k C-u; tmx_type "/24"
expect_gone "back to /24: accepted" "[ Next ]"
k Up
k C-u; tmx_type "192.168.1.0"
expect "the phone on a network address: refused by core's check" "network address"
k C-u; tmx_type "192.168.1.999"
expect "not an address: the setter's sentence" "not an IPv4 address"
check_eq "nothing changed on the desktop meanwhile" "$before" "$(desk_state)"
k C-u; tmx_type "192.168.1.202"
expect_gone "a free address: accepted" "[ Next ]"

k Enter; expect "netmask" "Netmask"
k Enter; expect "sharing" "Sharing"
k Enter; expect "dns" "DNS"
k Enter; expect "review has a plan on the free subnet" "ip addr add 192.168.1.200/24 dev usb0"
if tmx_screen | grep -q "cannot be made"; then not_ok "review: no dead end"; TMX_LAST=$(tmx_screen); show
else ok "review: no dead end"; fi
k Enter; expect "the plan applies" "The desktop side is ready" 15
check_eq "usb0 has the free subnet's address" 1 "$(tb_desk ip -o addr show dev usb0 | grep -c 192.168.1.200/24)"
check_eq "the LAN keeps its addresses" 1 "$(tb_desk ip -o addr show dev lan0 | grep -c 192.168.0.202/24)"

# What the screen told the user to do on the phone.
tb_phone ip addr flush dev eth0
tb_phone ip addr add 192.168.1.202/24 dev eth0
tb_phone ip route replace default via 192.168.1.200 dev eth0 onlink
k Enter; expect "host key" "Trust this key" 20
k Enter; expect "the Phone check logs in at the new address" "Logged in to 192.168.1.202" 30
check "the phone reaches the outside through the desktop" tb_phone ping -c1 -w5 "$TB_PING_IP"

k q; expect "asks" "Revert and quit"; k Left Enter
wiz_end "revert and quit" 0
check_eq "reverted: the desktop is as before" "$before" "$(desk_state)"
tmx_kill; tb_down
t_finish
