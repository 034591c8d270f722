#!/bin/bash
# The pitfalls of DESIGN.md that the host-side engine handles by itself:
# overlap with a 192.168.0.x LAN (warned, route named, /32 fix by default),
# a resolv.conf pointing at the 127.0.0.53 stub (the real upstream is used),
# and the other DNS modes and NAT off.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@"; }
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

# --- overlap -------------------------------------------------------------
tb_up --overlap
before=$(desk_state)
W plan >"$TB_DIR/plan.txt" 2>&1
check "overlap: the plan warns and names the conflicting route" \
	grep -q 'overlaps route 192.168.0.0/24 dev lan0' "$TB_DIR/plan.txt"
check "overlap: the default netmask is the seed's /32 with a host route" \
	grep -q 'ip route add 192.168.0.202/32 dev usb0' "$TB_DIR/plan.txt"
check "overlap: the plan says the netmask is the overlap fix" grep -q '(the overlap fix)' "$TB_DIR/plan.txt"
check "overlap: apply with the recommended choice" W apply
check "overlap: phone pings the desktop" tb_phone_ping "$TB_HOST_IP"
check "overlap: phone reaches the outside" tb_phone_ping "$TB_PING_IP"
check "overlap: the desktop still reaches its LAN router" tb_desk_ping 192.168.0.1
check "overlap: phone resolves a name" tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
check "overlap: revert" W revert
check_eq "overlap: revert restores the before-state" "$before" "$(desk_state)"
check "overlap: /29 by choice works too" W apply --netmask /29
check "overlap: /29 phone reaches the outside" tb_phone_ping "$TB_PING_IP"
W revert >/dev/null
out=$(W plan --phone-ip 192.168.0.100 --host-ip 192.168.0.99 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'another subnet' <<<"$out" && ok "overlap: the phone's address itself taken on the LAN → another subnet advised" \
	|| { not_ok "overlap with the desktop's own LAN address (rc $rc)"; echo "#   $out"; }
tb_down

# --- DNS stub (systemd-resolved) ------------------------------------------
tb_up --dns-stub
W plan >"$TB_DIR/plan.txt" 2>&1
check "stub: the plan says the stub was seen and where the upstream came from" \
	grep -q 'local stub 127.0.0.53.*real upstream server is 203.0.113.53' "$TB_DIR/plan.txt"
check "stub: DNAT goes to the real upstream, never to 127.0.0.53" grep -q 'dnat to 203.0.113.53' "$TB_DIR/plan.txt"
check "stub: apply" W apply
check "stub: phone resolves a name through the proxy" \
	tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
W revert >/dev/null
rm -f "$TB_DIR/resolved.conf"
out=$(W plan 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'stub resolver' <<<"$out" && ok "stub without an upstream: proxy refused with advice" \
	|| { not_ok "stub without upstream (rc $rc)"; echo "#   $out"; }
check "stub without an upstream: --dns static works" W plan --dns static --dns-server 203.0.113.53
tb_down

# --- DNS modes and NAT off -------------------------------------------------
tb_up
before=$(desk_state)
out=$(W plan --dns static 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'dns-server' <<<"$out" && ok "static DNS without a server: asks for --dns-server" || not_ok "static without server ($rc): $out"
check "copy DNS: plan names the desktop's servers for the phone" bash -c "$(declare -f tb_desk); TB_DESK=$TB_DESK; tb_desk '$UW_BIN' plan --dns copy | grep -q 'copied to the phone'"
out=$(W plan --dns copy --json); rc=$?
check_eq "copy DNS: plan --json succeeds" 0 "$rc"
check_eq "copy DNS: the plan has steps, none of them a DNAT rule" "true 0" \
	"$(jq -r '(.actions | length > 0 | tostring) + " " + ([.actions[] | tostring | select(test("dnat"; "i"))] | length | tostring)' <<<"$out")"
check "NAT off: apply --no-nat --dns none" W apply --no-nat --dns none
check "NAT off: phone pings the desktop" tb_phone_ping "$TB_HOST_IP"
check_fails "NAT off: phone does not reach the outside" tb_phone ping -c1 -W1 "$TB_PING_IP"
check_eq "NAT off: ip_forward untouched" "0" "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
check_eq "NAT off: no firewall rule of ours" "0" "$(tb_desk nft list ruleset | grep -c usbnet-wizard)"
check "a plan that only adds to the live one is accepted (NAT on top)" W apply --dns none
out=$(W apply --netmask /29 2>&1); rc=$?
[ $rc = 1 ] && grep -q "revert' first" <<<"$out" && ok "a different setup on top of a live one is refused until revert" \
	|| { not_ok "different plan over live (rc $rc)"; tail -2 <<<"$out"; }
# Issue 12 item 25: the refusal is not followed (or preceded) by the plan's notes.
grep -q "DNS:" <<<"$out" && not_ok "the refused apply prints the DNS note" ||
	ok "the refused apply prints no DNS note"
check "revert" W revert
check_eq "revert restores the before-state" "$before" "$(desk_state)"
tb_desk ip route del default
out=$(W plan 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'no default route' <<<"$out" && ok "no default route: sharing explained, --no-nat suggested" || not_ok "no default route ($rc): $out"
tb_down
t_finish
