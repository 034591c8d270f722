#!/bin/bash
# Benchmark: how the cost of apply (and revert) grows with the size of the
# host's own ruleset. For each backend and each size (0, 10,000, 50,000
# unrelated host rules, half in the filter table and half in the nat table,
# loaded in one go with iptables-legacy-restore / nft -f), the median of
# RUNS apply and revert times of usbnet-wizard in a testbed.
#
#   bash bench/many-rules.sh [RUNS] [SIZES]   (default 5 and "0 10000 50000")
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
SIZES=${2:-0 10000 50000}

# N unrelated rules, each matching its own source address in 10.0.0.0/8.
gen_legacy() { # n
	local n=$1 half=$(($1 / 2))
	awk -v n="$n" -v h="$half" 'BEGIN {
		print "*filter"; print ":HOSTRULES - [0:0]"; print "-A INPUT -j HOSTRULES"
		for (i = 0; i < h; i++)
			printf "-A HOSTRULES -s 10.%d.%d.%d/32 -p tcp --dport %d -j ACCEPT\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "COMMIT"
		print "*nat"; print ":HOSTNAT - [0:0]"; print "-A PREROUTING -j HOSTNAT"
		for (i = h; i < n; i++)
			printf "-A HOSTNAT -s 10.%d.%d.%d/32 -p tcp --dport %d -j RETURN\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "COMMIT" }'
}
gen_nft() { # n
	local n=$1 half=$(($1 / 2))
	awk -v n="$n" -v h="$half" 'BEGIN {
		print "table inet hostrules {"
		print "chain input { type filter hook input priority 10; policy accept;"
		for (i = 0; i < h; i++)
			printf "ip saddr 10.%d.%d.%d tcp dport %d accept\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "}"; print "}"
		print "table ip hostnat {"
		print "chain prerouting { type nat hook prerouting priority -110; policy accept;"
		for (i = h; i < n; i++)
			printf "ip saddr 10.%d.%d.%d tcp dport %d return\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "}"; print "}" }'
}

for fw in legacy nft; do
	for n in $SIZES; do
		tb_up --fw $fw >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
		t0=$(date +%s%N)
		if [ "$n" -gt 0 ]; then
			if [ $fw = legacy ]; then gen_legacy "$n" | tb_desk iptables-legacy-restore --noflush || exit 1
			else gen_nft "$n" | tb_desk nft -f - || exit 1; fi
		fi
		load_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		before=$(desk_state)
		: >"$TB_DIR/a"; : >"$TB_DIR/r"
		for i in $(seq 1 "$RUNS"); do
			time_us tb_desk "$UW_BIN" apply >>"$TB_DIR/a" || { echo "bench: apply failed ($fw, $n)" >&2; exit 1; }
			time_us tb_desk "$UW_BIN" revert >>"$TB_DIR/r" || { echo "bench: revert failed ($fw, $n)" >&2; exit 1; }
		done
		[ "$(desk_state)" == "$before" ] || { echo "bench: not back to the before-state ($fw, $n)" >&2; exit 1; }
		if [ $fw = legacy ]; then have=$(tb_desk iptables-legacy-save | grep -c '^-A HOST')
		else have=$(tb_desk nft list ruleset | grep -c -E '(accept|return)$'); fi
		a=$(median_ms <"$TB_DIR/a"); r=$(median_ms <"$TB_DIR/r")
		printf 'many-rules [%s, %d host rules (%d listed, loaded in %d ms), %d runs]: apply %s ms, revert %s ms\n' \
			"$fw" "$n" "$have" "$load_ms" "$RUNS" "$a" "$r"
		result "many_rules_${fw}_${n}_apply_ms" "$a"
		result "many_rules_${fw}_${n}_revert_ms" "$r"
		tb_down
	done
done
result many_rules_runs "$RUNS"
