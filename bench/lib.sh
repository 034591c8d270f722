#!/bin/bash
# shellcheck shell=bash
# Helpers shared by the benchmarks: timing, medians, and the one machine-
# readable line each benchmark prints for bench/run-all.sh:
#   RESULT <key> <value>
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
UW_BIN=${UW_BIN:-$PWD/usbnet-wizard}
source tests/testbed/testbed.sh

# Commands in the desktop namespace through nsenter --net (no `ip netns exec`
# bind mounts and sysfs remount around every command, which would dilute both
# sides of every ratio alike).
bd() { nsenter --net="/run/netns/$TB_DESK" "$@"; }

# The seed's recipe (ip, sysctl, iptables) for the plan's changes: the plan's
# own shell lines for the legacy backend, with the host's iptables flavour
# (iptables-nft on an nftables host, iptables-legacy on a legacy host).
# recipe FW OUT_APPLY OUT_UNDO [PLAN ARGS...]
recipe() {
	local fw=$1 a=$2 u=$3 ipt=iptables-legacy; shift 3
	[ "$fw" = nft ] && ipt=iptables-nft
	bd "$UW_BIN" plan --fw legacy --json "$@" >"$TB_DIR/recipe.json" || return 1
	python3 - "$TB_DIR/recipe.json" "$ipt" "$a" "$u" <<'PY' || return 1
import json, sys
acts = json.load(open(sys.argv[1]))["actions"]
ipt = sys.argv[2]
fix = lambda s: s.replace("iptables-legacy", ipt)
open(sys.argv[3], "w").write("".join(fix(a["shell"]) + "\n" for a in acts))
open(sys.argv[4], "w").write("".join(fix(a["undo_shell"]) + "\n" for a in reversed(acts)))
PY
}

# now_us: monotonic-enough wall clock in microseconds
now_us() { echo $(($(date +%s%N) / 1000)); }

# time_us CMD... : run CMD (output discarded), print its wall time in µs;
# returns CMD's status.
time_us() {
	local t0 t1 rc
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	rc=$?
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
	return $rc
}

# median_ms < list of µs values: the median in ms with 2 decimals
median_ms() {
	sort -n | awk '{a[NR]=$1} END {if (!NR) {print "nan"; exit}
		m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "nan"}'; }

result() { echo "RESULT $1 $2"; }

desk_state() { ns_state_b "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }
# The testbed's state picture (as tests/sys/lib.sh's ns_state), only for the
# desktop namespace: a benchmark must end where it started.
ns_state_b() {
	local pre=(ip netns exec "$1")
	{
		"${pre[@]}" ip -o addr show | sed -E 's/valid_lft.*//; s/ tentative//' | sort
		"${pre[@]}" ip -o link show | sed -E 's/^[0-9]+: //; s/ state [A-Z]+//; s/ qdisc [a-z_]+//' | sort
		"${pre[@]}" ip route show table all | grep -v -E '^(local|broadcast|multicast) ' | sort
		"${pre[@]}" cat /proc/sys/net/ipv4/ip_forward
		"${pre[@]}" iptables-legacy-save 2>/dev/null | grep -c -- '--comment usbnet-wizard'
		"${pre[@]}" nft list ruleset 2>/dev/null | grep -c 'usbnet-wizard'
	}
}
