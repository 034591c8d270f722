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
# sides of every ratio alike). Timed loops use in_desk below instead, which
# enters once.
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

# now_us: the wall clock in microseconds, from bash's own clock: reading it
# forks nothing (a `date` process costs milliseconds on a loaded machine).
now_us() { local t=$EPOCHREALTIME; echo $((10#${t/[.,]/})); }

# time_us CMD... : run CMD (output discarded), print its wall time in µs;
# returns CMD's status. Both clock readings are bash's own, so no process
# other than CMD's falls inside the measured interval.
time_us() {
	local t0=$EPOCHREALTIME t1 rc
	"$@" >/dev/null 2>&1
	rc=$?
	t1=$EPOCHREALTIME
	echo $((10#${t1/[.,]/} - 10#${t0/[.,]/}))
	return $rc
}

# in_desk "FUNCS" CODE: run CODE in one bash that is already inside the
# desktop namespace, with time_us, the shell functions named in FUNCS and
# every UW_*/TB_* variable defined there. The namespace is entered once, so
# its cost (setns(CLONE_NEWNET) alone takes ~30 ms on some VMs) falls outside
# every measured interval instead of being added to both sides of a ratio.
in_desk() {
	local funcs=$1
	shift
	# shellcheck disable=SC2046
	bd bash -c "$(declare -p UW_BIN $(compgen -v TB_) 2>/dev/null)
$(declare -f time_us $funcs)
$*"
}

# pairs RUNS: usbnet-wizard apply and revert, then the recipe's apply.sh and
# undo.sh ($TB_DIR, made by `recipe`), RUNS times in A B A B order, each
# timed into $TB_DIR/ua, ur, sa, sr. Call it through in_desk.
pairs() {
	local i
	for i in $(seq 1 "$1"); do
		time_us "$UW_BIN" apply >>"$TB_DIR/ua" || { echo "bench: apply failed" >&2; return 1; }
		time_us "$UW_BIN" revert >>"$TB_DIR/ur" || { echo "bench: revert failed" >&2; return 1; }
		time_us sh -e "$TB_DIR/apply.sh" >>"$TB_DIR/sa" || { echo "bench: recipe apply failed" >&2; return 1; }
		time_us sh -e "$TB_DIR/undo.sh" >>"$TB_DIR/sr" || { echo "bench: recipe undo failed" >&2; return 1; }
	done
}

# ours_runs RUNS: usbnet-wizard apply and revert only, RUNS times, timed into
# $TB_DIR/a and r. Call it through in_desk.
ours_runs() {
	local i
	for i in $(seq 1 "$1"); do
		time_us "$UW_BIN" apply >>"$TB_DIR/a" || { echo "bench: apply failed" >&2; return 1; }
		time_us "$UW_BIN" revert >>"$TB_DIR/r" || { echo "bench: revert failed" >&2; return 1; }
	done
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
