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

# wait_for SECONDS CMD... : poll a condition (in the test, not in the program)
# every $WAIT_STEP seconds (default 0.05), for at most SECONDS.
wait_for() {
	local t=$1; shift
	local end=$((SECONDS + t))
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep "${WAIT_STEP:-0.05}"
	done
}

# ---- the real desktop daemons' state (testbed --nm, --firewalld) -------------
# For before/after comparisons: what NetworkManager and firewalld hold.

# NetworkManager's view of devices and connections; its activation steps
# ("connecting (prepare)", "(configuring)", "(getting IP configuration)") as
# one word. With NM_ANY_UUID set, connection UUIDs are left out (a replugged
# gadget's automatic connection gets a new one from its new MAC).
nm_view() {
	tb_nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device | sed -E 's/:connecting \([^)]*\):/:connecting:/' | sort
	if [ -n "${NM_ANY_UUID:-}" ]; then
		tb_nmcli -t -f NAME,UUID,TYPE,DEVICE connection | sed -E 's/:[0-9a-f]{8}-[0-9a-f-]{27}:/:UUID:/' | sort
	else
		tb_nmcli -t -f NAME,UUID,TYPE,DEVICE connection | sort
	fi
}
nm_view_is() { [ "$(nm_view)" == "$1" ]; }
# NetworkManager has taken usb0 (its automatic connection is on it).
nm_took_usb0() { [ -n "$(tb_nmcli -g GENERAL.CONNECTION device show usb0 2>/dev/null)" ]; }

# firewalld's runtime zones (with their interfaces) and its permanent
# configuration directory (names, modes and bytes of every file); fwd_state
# adds the runtime policies (firewall-cmd takes seconds on a busy machine:
# checks made many times use the quick one).
fwd_state_quick() {
	echo "## zones";    tb_fwcmd --list-all-zones
	echo "## permanent dir"
	(cd "$TB_FW_ETC" && find . -printf '%p %M %s\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
fwd_state() {
	fwd_state_quick
	echo "## policies"; tb_fwcmd --list-all-policies
}
# IFACE (default usb0) is in firewalld's zone nm-shared.
in_zone() { [ "$(tb_fwcmd --get-zone-of-interface="${1:-usb0}" 2>/dev/null)" = nm-shared ]; }
# No firewalld keeper in this testbed's desktop namespace (other tests may run their own).
no_keeper() {
	local p
	for p in $(ip netns pids "$TB_DESK"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '__firewalld-keeper' && return 1
	done
	return 0
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
