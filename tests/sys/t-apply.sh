#!/bin/bash
# The host-side engine against the testbed, on both firewall backends:
# apply with defaults gets the phone online; the result equals what our own
# shell text and the seed's manual recipe produce; applying again changes
# nothing; revert restores the before-state exactly; bad input changes nothing.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@"; }
desk_state() {
	# Link MACs of veths are random per run; ifindexes follow creation order.
	ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'
}
# iptables listing (either flavour) and nft listing of the desktop, for oracles.
fw_listing() {
	if [ "$TB_FW" = legacy ]; then tb_desk iptables-legacy-save | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
	else tb_desk nft list ruleset; fi
}

for fw in nft legacy; do
for plen in 24 29 32; do
	tb_up --fw $fw || { not_ok "testbed up ($fw)"; continue; }
	NM=(--netmask /$plen)
	W() { case $1 in plan|apply) tb_desk "$UW_BIN" "$1" "${NM[@]}" "${@:2}" ;; *) tb_desk "$UW_BIN" "$@" ;; esac; }
	fw="${fw%%/*}/$plen"
	before=$(desk_state)

	check "[$fw] plan works without changing anything" W plan
	check_eq "[$fw] plan changed nothing" "$before" "$(desk_state)"
	W plan > "$TB_DIR/plan.txt"
	check "[$fw] plan shows the seed's address command" grep -q "ip addr add 192.168.0.200/$plen dev usb0" "$TB_DIR/plan.txt"

	check "[$fw] apply with defaults" W apply
	check "[$fw] phone pings the desktop" tb_phone_ping "$TB_HOST_IP"
	check "[$fw] phone reaches the outside through masquerade" tb_phone_ping "$TB_PING_IP"
	check "[$fw] phone resolves a test name through the desktop's DNS proxy" \
		tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
	applied=$(desk_state)
	fw_applied=$(fw_listing)

	for i in $(seq 1 50); do W apply >/dev/null 2>&1 || break; done
	check_eq "[$fw] applying 50 more times changes nothing" "$applied" "$(desk_state)"
	check_eq "[$fw] status lists every change in place" "$(W plan --json | grep -o '"kind":' | wc -l)" \
		"$(W status | grep -c '\[in place\]')"

	# Equivalence oracle 1: the plan's own shell text, run by hand, gives the same state.
	W plan --json > "$TB_DIR/plan.json"
	check "[$fw] revert" W revert
	check_eq "[$fw] revert restores the before-state exactly" "$before" "$(desk_state)"
	python3 -c 'import json,sys; [print(a["shell"]) for a in json.load(open(sys.argv[1]))["actions"]]' \
		"$TB_DIR/plan.json" > "$TB_DIR/plan.sh"
	if tb_desk sh -e "$TB_DIR/plan.sh" >"$TB_DIR/sh.out" 2>&1; then
		check_eq "[$fw] state equals the plan's shell commands run by hand" "$applied" "$(desk_state)"
		# Tagged rules with no journal (issue 12 item 25): status says so and how to remove them.
		out=$(W status 2>&1)
		grep -q "tagged usbnet-wizard are still in place" <<<"$out" && grep -q "revert --leftovers" <<<"$out" &&
			ok "[$fw] status names tagged rules the journal does not know, and revert --leftovers" ||
			{ not_ok "[$fw] status is silent about leftover rules"; sed 's/^/#   /' <<<"$out"; }
		check_eq "[$fw] status --json counts them" true "$(W status --json | jq '.leftover_rules > 0')"
	else
		not_ok "[$fw] plan shell text runs"; sed 's/^/#   /' "$TB_DIR/sh.out"
	fi
	# Undo with the plan's undo text, back to the start.
	python3 -c 'import json,sys; [print(a["undo_shell"]) for a in reversed(json.load(open(sys.argv[1]))["actions"])]' \
		"$TB_DIR/plan.json" > "$TB_DIR/undo.sh"
	tb_desk sh -e "$TB_DIR/undo.sh" >"$TB_DIR/sh.out" 2>&1
	check_eq "[$fw] the undo shell text restores the before-state" "$before" "$(desk_state)"

	# Equivalence oracle 2: the seed's manual recipe (tb_desk_configure) gives the
	# same rules, but for our tag and the outgoing interface we name.
	tb_desk_configure "$plen" >/dev/null 2>&1
	seed=$(fw_listing)
	if [ "${fw%/*}" = legacy ]; then
		norm() { sed -E 's/ -m comment --comment usbnet-wizard//; s/ -o lan0//' | grep -v -- '-j ACCEPT$' | sort; }
	else
		norm() { sed -E 's/ comment "usbnet-wizard"//; s/ oifname "lan0"//' | grep -E 'masquerade|dnat' | sed -E 's/^\s+//; s/ (meta l4proto|ip protocol) (tcp|udp)//' | sort; }
		seed=$(tb_desk iptables-nft-save 2>/dev/null; tb_desk nft list ruleset)
	fi
	if [ "${fw%/*}" = legacy ]; then
		check_eq "[$fw] our rules equal the seed's manual commands (but for tag and -o)" \
			"$(norm <<<"$seed")" "$(norm <<<"$fw_applied")"
	else
		# Under nftables the seed's iptables commands land in iptables-nft's tables;
		# compare what each rule matches and does.
		ours=$(norm <<<"$fw_applied")
		theirs=$(tb_desk iptables-nft-save -t nat 2>/dev/null | grep -E 'MASQUERADE|DNAT' | sort)
		check_eq "[$fw] the seed's recipe makes the same three NAT rules" "3" "$(wc -l <<<"$theirs")"
		check_eq "[$fw] we make three NAT rules too" "3" "$(wc -l <<<"$ours")"
		check_eq "[$fw] ... matching the same addresses" \
			"$(grep -oE '(saddr|daddr|to) [0-9./]+' <<<"$ours" | sort | uniq -c)" \
			"$(sed -E 's/-s /saddr /; s/-d /daddr /; s/--to-destination /to /' <<<"$theirs" | grep -oE '(saddr|daddr|to) [0-9./]+' | sed -E 's#/32##' | sort | uniq -c)"
	fi
	fw=${fw%/*}
	tb_down
done
done
W() { tb_desk "$UW_BIN" "$@"; }

# /29 and /32 + host route: each works end to end and reverts cleanly.
for mask in /29 /32; do
	tb_up --fw nft || continue
	before=$(desk_state)
	check "[$mask] apply --netmask $mask" W apply --netmask $mask
	check "[$mask] phone reaches the outside" tb_phone_ping "$TB_PING_IP"
	if [ $mask = /32 ]; then
		check_eq "[$mask] host route to the phone exists" "192.168.0.202 dev usb0 scope link" \
			"$(tb_desk ip route show 192.168.0.202 | sed 's/ *$//')"
	fi
	check "[$mask] revert" W revert
	check_eq "[$mask] revert restores the before-state" "$before" "$(desk_state)"
	tb_down
done

# Bad input: a clear error, exit 2, nothing changed.
tb_up --fw nft
before=$(desk_state)
for args in "--host-ip 1.2.3" "--netmask /33" "--iface usb0;rm" "--phone-ip 192.168.0.300" \
	    "--dns bogus" "--netmask 255.0.255.0" "--host-ip 192.168.0.202" "--fw pf" "--frobnicate"; do
	# shellcheck disable=SC2086
	out=$(W apply $args 2>&1); rc=$?
	if [ $rc = 2 ] && grep -q 'usbnet-wizard apply: ' <<<"$out"; then ok "bad input '$args' refused: ${out#usbnet-wizard apply: }"
	else not_ok "bad input '$args' (rc $rc)"; sed 's/^/#   /' <<<"$out"; fi
done
check_eq "bad input changed nothing" "$before" "$(desk_state)"
out=$(W apply --iface nosuch0 2>&1); rc=$?
[ $rc = 4 ] && grep -qi 'interface nosuch0 does not exist' <<<"$out" && ok "a missing interface is named (exit 4)" || not_ok "missing iface ($rc): $out"
check_eq "missing interface changed nothing" "$before" "$(desk_state)"
check_eq "no journal left behind" "" "$(ls "$USBNET_WIZARD_RUNDIR/journal" 2>/dev/null)"

# The cable is pulled while the changes are live: the interface takes its
# address with it. status and revert say so instead of claiming to undo it.
check "apply before the unplug" W apply
tb_unplug
out=$(W status 2>&1)
grep -q '^  \[gone\]     Give the desktop the address' <<<"$out" &&
	ok "after the unplug, status shows the address as gone" || { not_ok "status after unplug"; sed 's/^/#   /' <<<"$out"; }
grep -q '^  \[in place\] Let the desktop forward' <<<"$out" &&
	ok "... and ip_forward still in place" || not_ok "status: ip_forward"
out=$(W revert 2>&1); rc=$?
check_eq "revert after the unplug succeeds" 0 "$rc"
check_eq "... saying twice that the interface's steps were already gone" 2 "$(grep -c 'already gone, nothing to undo' <<<"$out")"
check_eq "... and undoing the rest" 4 "$(grep -c '^      done$' <<<"$out")"
tb_plug
# (a new cable is a new veth pair: only the peer's index differs)
check_eq "after the unplug and revert, the desktop is as before" "$(sed 's/@if[0-9]*//' <<<"$before")" \
	"$(desk_state | sed 's/@if[0-9]*//')"
tb_down

t_finish
