#!/bin/bash
# The journal and revert against real kernel state (issue 10, findings 4-6):
#  - an odd or missing --out-iface is refused (exit 2, a sentence saying what
#    to do, nothing changed) on both firewall backends, and a named one that
#    exists reverts leaving no rule;
#  - an empty table of ours (what a revert killed at its last step left) is
#    removed by the next revert, or apply's start;
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

# Finding 5: a revert killed between deleting our last nftables rule and our
# table (possible before reverts became one nftables transaction) left the
# table with empty chains. Made here by deleting our rules by hand, as that
# revert did; the next revert, or apply's start, must remove it.
tb_up --fw nft || { not_ok "testbed (nft)"; t_finish; }
before=$(ns_state "$TB_DESK")
has_table() { tb_desk nft list table ip usbnet-wizard >/dev/null 2>&1; }
empty_our_table() {
	local chain
	for chain in $(tb_desk nft list table ip usbnet-wizard | awk '$1 == "chain" { print $2 }'); do
		tb_desk nft flush chain ip usbnet-wizard "$chain" || return 1
	done
	[ "$(tb_desk nft list table ip usbnet-wizard | grep -c comment)" = 0 ]
}
for then in revert apply; do
	check "empty table: apply" tb_desk "$UW_BIN" apply
	check "empty table: our rules deleted, our table left with empty chains" empty_our_table
	if [ $then = revert ]; then
		check "the next revert finishes" tb_desk "$UW_BIN" revert
	else
		# apply's start finishes it too (nothing journaled as live, only
		# the empty table with its chain, as a killed revert left it)
		tb_desk "$UW_BIN" revert >/dev/null 2>&1
		tb_desk nft add table ip usbnet-wizard
		tb_desk nft add chain ip usbnet-wizard postrouting '{ type nat hook postrouting priority 100 ; }'
		check "the next apply starts" tb_desk "$UW_BIN" apply
		check "... and its revert" tb_desk "$UW_BIN" revert
	fi
	has_table && not_ok "after the next $then, our table is gone" || ok "after the next $then, our table is gone"
	check_eq "after the next $then, the desktop is as before" "$before" "$(ns_state "$TB_DESK")"
done
# The existing fault at the last step of the revert, then a revert.
check "kill-revert-before:1: apply" tb_desk "$UW_BIN" apply
tb_desk env USBNET_WIZARD_FAULT=kill-revert-before:1 "$UW_BIN" revert >/dev/null 2>&1
check_eq "kill-revert-before:1: killed" 137 "$?"
check "kill-revert-before:1: the next revert" tb_desk "$UW_BIN" revert
check_eq "kill-revert-before:1: as before" "$before" "$(ns_state "$TB_DESK")"

# Finding 6: the journal torn by a crash (a record cut short) keeps the
# records after it; status says so, apply starts on a fresh line, revert undoes all.
check "torn: apply" tb_desk "$UW_BIN" apply
printf 'B 99 kind=addr ifa' >>"$USBNET_WIZARD_RUNDIR/journal"
out=$(tb_desk "$UW_BIN" status 2>&1)
grep -q 'damaged line' <<<"$out" && grep -q 'in place' <<<"$out" && ok "torn: status lists the live steps and the damaged line" \
	|| { not_ok "torn: status"; sed 's/^/#   /' <<<"$out"; }
check "torn: apply again (same setup) works on the torn journal" tb_desk "$UW_BIN" apply
check "torn: revert" tb_desk "$UW_BIN" revert
check_eq "torn: as before" "$before" "$(ns_state "$TB_DESK")"
# A header cut short and nothing else: apply begins the file again.
mkdir -p "$USBNET_WIZARD_RUNDIR"; printf 'usbnet-wizard-jour' >"$USBNET_WIZARD_RUNDIR/journal"
check "torn header: apply" tb_desk "$UW_BIN" apply
check "torn header: revert" tb_desk "$UW_BIN" revert
check_eq "torn header: as before" "$before" "$(ns_state "$TB_DESK")"
# A sequence number that overflowed (UBSan aborted status, revert, apply).
check "overflow: apply" tb_desk "$UW_BIN" apply
echo 'B 9223372036854775807 kind=addr iface=usb0 addr=192.168.0.200 plen=24' >>"$USBNET_WIZARD_RUNDIR/journal"
check "overflow: status" tb_desk "$UW_BIN" status
check "overflow: revert" tb_desk "$UW_BIN" revert
check_eq "overflow: as before" "$before" "$(ns_state "$TB_DESK")"
tb_down
t_finish
