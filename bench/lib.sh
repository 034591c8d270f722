#!/bin/bash
# shellcheck shell=bash
# Helpers shared by the benchmarks: timing, medians, and the one machine-
# readable line each benchmark prints for bench/run-all.sh:
#   RESULT <key> <value>
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
UW_BIN=${UW_BIN:-$PWD/usbnet-wizard}
source tests/testbed/testbed.sh

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
