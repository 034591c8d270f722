#!/bin/bash
# Concurrency: while usbnet-wizard applies and reverts in a loop, another
# process adds and deletes its own rules with the iptables-legacy (-w) and nft
# binaries — in its own nft table, and in the very chains we share with it
# (nat PREROUTING/POSTROUTING and filter FORWARD for legacy; the host's
# forward chain that drops, for nft). Afterwards: none of its rules is lost
# or altered, none of ours was ever duplicated while applied, and the final
# state is the before-state plus exactly its final rules. Both backends.
#
#   UW_CONC_ROUNDS (30) apply+revert rounds; UW_CONC_OPS (500) minimum
#   operations of the other process (it keeps going until our loop ends).
source "$(dirname "$0")/lib.sh"

ROUNDS=${UW_CONC_ROUNDS:-30}
OPS=${UW_CONC_OPS:-500}

W() { tb_desk "$UW_BIN" "$@"; }
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

# Our tagged rules, both firewalls (each rule on one line in either listing).
count_ours() {
	{ tb_desk iptables-legacy-save 2>/dev/null | grep -c -- '--comment usbnet-wizard'
	  tb_desk nft list ruleset 2>/dev/null | grep -c 'comment "usbnet-wizard"'; } | awk '{s += $1} END {print s}'
}

# The other process's rules as they are: "legacy TABLE RULE" and
# "nft FAMILY TABLE CHAIN RULE", one per line, sorted.
other_actual() {
	tb_desk iptables-legacy-save 2>/dev/null | awk '/^\*/ { t = substr($0, 2) } /--comment other-/ { print "legacy " t " " $0 }'
	tb_desk nft list ruleset 2>/dev/null | awk '
		/^table / { fam = $2; tab = $3 }
		/^\tchain / { ch = $2 }
		/comment "other-/ { sub(/^\t+/, ""); print "nft " fam " " tab " " ch " " $0 }'
}

# The other process. Runs in the desktop namespace; keeps its own record of
# what it expects to be there ($1/expected), counts its failures ($1/failed),
# stops once $1/stop exists and it has done at least $OPS operations.
other_process() { # dir fw
	local dir=$1 fw=$2 i=0 fails=0 n
	declare -A legacy=() nft=() nfth=()
	local lchains=("nat PREROUTING" "nat POSTROUTING" "filter FORWARD")
	local nchains=("inet other c")
	[ "$fw" = nft ] && nchains+=("inet hostfw forward")
	while [ $i -lt "$OPS" ] || [ ! -e "$dir/stop" ]; do
		i=$((i + 1))
		local id="other-$i" addr="198.51.100.$((i % 200 + 20))"
		case $((i % 4)) in
		0|1) # iptables-legacy: insert or append in one of the shared chains
			local tc=${lchains[$((i % 3))]} t c op=-A
			t=${tc% *}; c=${tc#* }
			[ $((i % 8)) -lt 4 ] && op=-I
			if iptables-legacy -w -t "$t" $op "$c" -s "$addr/32" -m comment --comment "$id" -j RETURN; then
				legacy[$id]="$t -A $c -s $addr/32 -m comment --comment $id -j RETURN"
			else fails=$((fails + 1)); fi ;;
		2) # nft: add to our own table, or to the host's forward chain
			local ch=${nchains[$((i / 4 % ${#nchains[@]}))]} out h
			if out=$(nft -e -a add rule $ch ip saddr "$addr" accept comment "\"$id\"" 2>&1); then
				h=$(sed -n 's/.*# handle \([0-9]*\)$/\1/p' <<<"$out" | head -1)
				nft[$id]="$ch ip saddr $addr accept comment \"$id\""; nfth[$id]="$ch handle $h"
			else fails=$((fails + 1)); fi ;;
		3) # delete the oldest rule still there, alternating binaries
			local k victim=""
			if [ $((i % 8)) -eq 3 ]; then
				for k in "${!legacy[@]}"; do victim=$k; break; done
				if [ -n "$victim" ]; then
					local r=${legacy[$victim]}
					# "TABLE -A CHAIN SPEC" -> iptables -t TABLE -D CHAIN SPEC
					if iptables-legacy -w -t ${r%% *} -D ${r#* -A }; then unset "legacy[$victim]"
					else fails=$((fails + 1)); fi
				fi
			else
				for k in "${!nft[@]}"; do victim=$k; break; done
				if [ -n "$victim" ]; then
					if nft delete rule ${nfth[$victim]}; then unset "nft[$victim]" "nfth[$victim]"
					else fails=$((fails + 1)); fi
				fi
			fi ;;
		esac
	done
	{
		for n in "${!legacy[@]}"; do
			local r=${legacy[$n]}
			echo "legacy ${r%% *} -A ${r#* -A }"
		done
		for n in "${!nft[@]}"; do echo "nft ${nft[$n]}"; done
	} | sort >"$dir/expected"
	# The same rules as delete commands, to take them away at the end.
	{
		for n in "${!legacy[@]}"; do local r=${legacy[$n]}; echo "iptables-legacy -w -t ${r%% *} -D ${r#* -A }"; done
		for n in "${!nfth[@]}"; do echo "nft delete rule ${nfth[$n]}"; done
	} >"$dir/cleanup.sh"
	echo "$fails" >"$dir/failed"
	echo "$i" >"$dir/ops"
}

for fw in legacy nft; do
	# FORWARD drop: our accepts then go into the host's own chain, shared with the other.
	tb_up --fw $fw --forward-drop || { not_ok "[$fw] testbed up"; continue; }
	before=$(desk_state)
	nfw=$(W plan --json | python3 -c 'import json,sys; print(sum(a["kind"] == "firewall" or a["kind"] == "fw" for a in json.load(sys.stdin)["actions"]))')
	check_eq "[$fw] the plan has 5 firewall rules (masquerade, 2 dnat, 2 forward accepts)" "5" "$nfw"
	# The other process's own table (made before it starts, as its setup).
	tb_desk nft add table inet other
	tb_desk nft add chain inet other c '{ type filter hook forward priority 10; policy accept; }'
	with_other_table=$(desk_state)

	odir=$TB_DIR/other; mkdir -p "$odir"
	tb_desk bash -c "$(declare -f other_process); OPS=$OPS; other_process '$odir' '$fw'" \
		>"$odir/log" 2>&1 &
	opid=$!

	bad_apply=0 bad_revert=0 dup=0 rounds=0
	for r in $(seq 1 "$ROUNDS"); do
		rounds=$r
		if ! W apply >"$TB_DIR/apply.out" 2>&1; then
			bad_apply=$((bad_apply + 1)); sed 's/^/#   /' "$TB_DIR/apply.out" | tail -5
		fi
		c=$(count_ours)
		if [ "$c" != "$nfw" ]; then
			dup=$((dup + 1)); echo "# round $r: $c of our rules while applied, expected $nfw"
		fi
		if ! W revert >"$TB_DIR/revert.out" 2>&1; then
			bad_revert=$((bad_revert + 1)); sed 's/^/#   /' "$TB_DIR/revert.out" | tail -5
		fi
	done
	touch "$odir/stop"
	wait $opid
	check_eq "[$fw] $rounds applies while the other process worked all succeeded" 0 "$bad_apply"
	check_eq "[$fw] $rounds reverts while the other process worked all succeeded" 0 "$bad_revert"
	check_eq "[$fw] exactly $nfw of our rules after every apply (never duplicated, never missing)" 0 "$dup"
	check_eq "[$fw] no rule of ours is left after the last revert" 0 "$(count_ours)"
	nops=$(cat "$odir/ops" 2>/dev/null || echo 0)
	if [ "$nops" -ge "$OPS" ]; then ok "[$fw] the other process did $nops operations during our loop"
	else not_ok "[$fw] the other process did only $nops operations"; fi
	check_eq "[$fw] none of the other process's iptables-legacy -w / nft operations failed" 0 \
		"$(cat "$odir/failed" 2>/dev/null || echo missing)"
	sed 's/^/#   /' "$odir/log" | head -10
	nexp=$(grep -c . "$odir/expected")
	check_eq "[$fw] all $nexp of the other process's rules are there, unaltered, and nothing else of its" \
		"$(cat "$odir/expected")" "$(other_actual | sort)"
	# Before-state plus exactly its rules: take exactly those away again and
	# the namespace is as it was (with its table, which it made before).
	tb_desk sh -e "$odir/cleanup.sh" >"$TB_DIR/cleanup.out" 2>&1 ||
		not_ok "[$fw] removing the other process's rules"
	check_eq "[$fw] final state = before-state + exactly the other process's final rules" \
		"$with_other_table" "$(desk_state)"
	tb_desk nft delete table inet other
	check_eq "[$fw] and without its table, the before-state exactly" "$before" "$(desk_state)"
	tb_down
done
t_finish
