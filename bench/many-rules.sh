#!/bin/bash
# Benchmark: apply (and revert) on a host with many firewall rules of its
# own, placed where the inventory has to look: a third in the forward base
# chain, a third in the nat postrouting chain, a third in a regular chain
# jumped to from forward (all harmless: accept/return for sources in 10/8).
#   nftables host: usbnet-wizard's apply with N host rules against the same
#     with none (the growth);
#   legacy host: usbnet-wizard's apply + revert against the seed's recipe
#     (iptables-legacy) on the same N-rule host, in A B A B order — both read
#     and write the whole table, so the ratio between them is what counts.
# Everything through nsenter --net; medians of RUNS.
#
#   bash bench/many-rules.sh [RUNS] [N]   (default 21 and 50000)
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-21}
N=${2:-50000}

src() { # i -> a distinct 10/8 address
	echo "10.$(($1 / 65536 % 256)).$(($1 / 256 % 256)).$(($1 % 256))"
}
gen_legacy() { # n
	awk -v n="$1" 'BEGIN { t = int(n / 3)
		print "*filter"; print ":HOSTREG - [0:0]"; print "-A FORWARD -j HOSTREG"
		for (i = 0; i < t; i++)
			printf "-A FORWARD -s 10.%d.%d.%d/32 -p tcp --dport %d -j ACCEPT\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		for (i = t; i < 2 * t; i++)
			printf "-A HOSTREG -s 10.%d.%d.%d/32 -p tcp --dport %d -j RETURN\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "COMMIT"
		print "*nat"
		for (i = 2 * t; i < n; i++)
			printf "-A POSTROUTING -s 10.%d.%d.%d/32 -p tcp --dport %d -j RETURN\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "COMMIT" }'
}
gen_nft() { # n
	awk -v n="$1" 'BEGIN { t = int(n / 3)
		print "table inet hostrules {"
		print "chain hostreg {"
		for (i = t; i < 2 * t; i++)
			printf "ip saddr 10.%d.%d.%d tcp dport %d return\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "}"
		print "chain forward { type filter hook forward priority 10; policy accept;"
		print "jump hostreg"
		for (i = 0; i < t; i++)
			printf "ip saddr 10.%d.%d.%d tcp dport %d accept\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "}"
		print "chain postrouting { type nat hook postrouting priority 110; policy accept;"
		for (i = 2 * t; i < n; i++)
			printf "ip saddr 10.%d.%d.%d tcp dport %d return\n", int(i/65536)%256, int(i/256)%256, i%256, 1024 + i%60000
		print "}"; print "}" }'
}
load() { # fw n
	[ "$2" -gt 0 ] || return 0
	if [ "$1" = legacy ]; then gen_legacy "$2" | bd iptables-legacy-restore --noflush
	else gen_nft "$2" | bd nft -f -; fi
}
count() { # fw: the host's rules, as listed
	if [ "$1" = legacy ]; then bd iptables-legacy-save | grep -c '^-A '
	else bd nft list ruleset | grep -c -E '(accept|return|jump hostreg)$'; fi
}

# cold_runs RUNS: like ours_runs, but before each apply another program
# commits to the ruleset (a table added and deleted, untimed), so the apply
# cannot use its saved chain facts (<rundir>/nft-facts, stamped with the
# ruleset's generation) and reads the host's chains again: what the first
# apply after a change by anyone else pays. Timed into $TB_DIR/c.
cold_runs() {
	local i
	for i in $(seq 1 "$1"); do
		nft add table inet uwbench_bump && nft delete table inet uwbench_bump || return 1
		time_us "$UW_BIN" apply >>"$TB_DIR/c" || { echo "bench: apply failed" >&2; return 1; }
		"$UW_BIN" revert >/dev/null 2>&1 || { echo "bench: revert failed" >&2; return 1; }
	done
}

# nftables: the growth of apply (and revert) from 0 to N host rules.
for n in 0 "$N"; do
	tb_up --fw nft >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
	load nft "$n" || { echo "bench: could not load $n nft rules" >&2; exit 1; }
	have=$(count nft)
	before=$(desk_state)
	: >"$TB_DIR/a"; : >"$TB_DIR/r"
	in_desk ours_runs "ours_runs $RUNS" || { echo "bench: (nft, $n host rules)" >&2; exit 1; }
	[ "$(desk_state)" == "$before" ] || { echo "bench: not back to the before-state (nft, $n)" >&2; exit 1; }
	a=$(median_ms <"$TB_DIR/a"); r=$(median_ms <"$TB_DIR/r")
	printf 'many-rules [nft host, %d host rules (%d listed), %d runs]: apply %s ms, revert %s ms\n' \
		"$n" "$have" "$RUNS" "$a" "$r"
	result "many_rules_nft_${n}_apply_ms" "$a"
	result "many_rules_nft_${n}_revert_ms" "$r"
	: >"$TB_DIR/c"
	in_desk cold_runs "cold_runs $RUNS" || { echo "bench: (nft, $n host rules, cold)" >&2; exit 1; }
	[ "$(desk_state)" == "$before" ] || { echo "bench: not back to the before-state (nft, $n, cold)" >&2; exit 1; }
	c=$(median_ms <"$TB_DIR/c")
	printf 'many-rules [nft host, %d host rules, %d runs]: first apply after a change by another program %s ms\n' "$n" "$RUNS" "$c"
	result "many_rules_nft_${n}_cold_apply_ms" "$c"
	tb_down
done

# legacy: usbnet-wizard against the recipe, on the same N-rule host (A B A B).
tb_up --fw legacy >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
load legacy "$N" || { echo "bench: could not load $N legacy rules" >&2; exit 1; }
have=$(count legacy)
recipe legacy "$TB_DIR/apply.sh" "$TB_DIR/undo.sh" || { echo "bench: plan failed" >&2; exit 1; }
before=$(desk_state)
: >"$TB_DIR/ua"; : >"$TB_DIR/ur"; : >"$TB_DIR/sa"; : >"$TB_DIR/sr"
in_desk pairs "pairs $RUNS" || { echo "bench: (legacy, $N host rules)" >&2; exit 1; }
[ "$(desk_state)" == "$before" ] || { echo "bench: not back to the before-state (legacy)" >&2; exit 1; }
paste "$TB_DIR/ua" "$TB_DIR/ur" | awk '{print $1 + $2}' >"$TB_DIR/ut"
paste "$TB_DIR/sa" "$TB_DIR/sr" | awk '{print $1 + $2}' >"$TB_DIR/st"
ua=$(median_ms <"$TB_DIR/ua"); ut=$(median_ms <"$TB_DIR/ut")
sa=$(median_ms <"$TB_DIR/sa"); st=$(median_ms <"$TB_DIR/st")
printf 'many-rules [legacy host, %d host rules (%d listed), %d pairs]: usbnet-wizard apply %s ms, apply+revert %s ms; recipe apply %s ms, apply+undo %s ms; ratio %s\n' \
	"$N" "$have" "$RUNS" "$ua" "$ut" "$sa" "$st" "$(ratio "$ut" "$st")"
result "many_rules_legacy_ours_apply_ms" "$ua"
result "many_rules_legacy_ours_ms" "$ut"
result "many_rules_legacy_shell_apply_ms" "$sa"
result "many_rules_legacy_shell_ms" "$st"
result "many_rules_legacy_ratio" "$(ratio "$ut" "$st")"
tb_down
result many_rules_n "$N"
result many_rules_runs "$RUNS"
