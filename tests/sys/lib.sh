#!/bin/bash
# shellcheck shell=bash
# Small TAP-style helpers for testbed tests: every check prints
# "ok - NAME" or "not ok - NAME"; tests/run-all.sh counts them.

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
UW_ROOT=$PWD
UW_BIN=${UW_BIN:-$UW_ROOT/build-san/usbnet-wizard}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
source "$UW_ROOT/tests/testbed/testbed.sh"

_t_failed=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; _t_failed=1; }

# check NAME CMD... : ok when CMD exits 0
check() {
	local name=$1; shift
	if "$@" >"$TB_DIR/last.out" 2>&1; then ok "$name"; else
		not_ok "$name"; sed 's/^/#   /' "$TB_DIR/last.out" | head -30; fi
}
# check_fails NAME CMD... : ok when CMD exits non-zero
check_fails() {
	local name=$1; shift
	if "$@" >"$TB_DIR/last.out" 2>&1; then
		not_ok "$name (unexpectedly succeeded)"; sed 's/^/#   /' "$TB_DIR/last.out" | head -30
	else ok "$name"; fi
}
# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else
		not_ok "$1"; diff <(echo "$2") <(echo "$3") | sed 's/^/#   /' | head -40; fi
}

# A picture of one namespace's network state, for before/after comparisons.
# Counters are stripped: they change with traffic, not with configuration.
ns_state() { # [ns] — empty means the machine's own namespace (read only!)
	local pre=()
	[ -n "${1:-}" ] && pre=(ip netns exec "$1")
	{
		echo "## addr";  "${pre[@]}" ip -o addr show | sed -E 's/valid_lft.*//; s/ tentative//' | sort
		# (the qdisc is the kernel's default once a link was up: not configuration)
		echo "## link";  "${pre[@]}" ip -o link show | sed -E 's/^[0-9]+: //; s/ state [A-Z]+//; s/ qdisc [a-z_]+//; s/link-netns [^ ]*//; s/ link-netnsid [0-9]+//' | sort
		echo "## route"; "${pre[@]}" ip route show table all | grep -v -E '^(local|broadcast|multicast) ' | sort
		echo "## sysctl"; "${pre[@]}" cat /proc/sys/net/ipv4/ip_forward
		# A legacy table, once loaded, cannot be unloaded from a namespace; an
		# empty one (no rule, every policy ACCEPT) holds no configuration.
		echo "## iptables-legacy"; "${pre[@]}" iptables-legacy-save 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//' |
			awk '/^\*/ { buf = $0; keep = 0; next }
			     /^COMMIT/ { if (keep) print buf "\nCOMMIT"; next }
			     { buf = buf "\n" $0; if ($0 ~ /^-/ || ($0 ~ /^:/ && $2 != "ACCEPT")) keep = 1 }'
		echo "## nft"; "${pre[@]}" nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
	}
}

# The machine's own namespace must be identical before and after every test.
_t_root_before=$(ns_state)
t_finish() {
	local after
	after=$(ns_state)
	check_eq "the machine's own namespace is unchanged" "$_t_root_before" "$after"
	exit $_t_failed
}
