#!/bin/bash
# Benchmark: the phone checks.
#  - healthy phone: connect + the whole checklist with the built-in libssh
#    client (`usbnet-wizard check`) against the same five checks done by the
#    openssh client in one ssh call, A B A B, medians of RUNS pairs;
#  - each fault the testbed can make: the time until `check` has given every
#    verdict (the process ends), median of FRUNS runs: a dead DNS server
#    (--phone-bad-resolv), no default route on the phone (--phone-no-route),
#    the phone's firewall dropping ping, dropbear stopped, and the phone
#    unplugged mid-check (timed from the unplug);
#  - CPU per healthy check on each side (phone, desktop), for both clients,
#    and on the phone for a bare login (the per-login floor dropbear sets).
# Everything in a bash inside the desktop namespace (bench/lib.sh in_desk).
#
#   bash bench/phone-check.sh [RUNS] [FRUNS]   (default 21 and 5)
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-21}
FRUNS=${2:-5}

ours() {
	USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
		--test-name "$TB_TEST_NAME" --no-rescue </dev/null >"$TB_DIR/check.out" 2>&1
}
# The same checks as one remote shell line. openssh has no "none with blank
# password" switch; dropbear -B accepts it via the none method openssh tries
# first, so BatchMode works. Host key: accepted into a bench-only file.
theirs() {
	ssh -q -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$TB_DIR/ssh/known_hosts.openssh" -F /dev/null \
		"root@$TB_PHONE_IP" "ping -c1 -W2 $TB_HOST_IP; ip route || route -n; \
		ping -c1 -W2 $TB_PING_IP; cat /etc/resolv.conf; getent hosts $TB_TEST_NAME" \
		</dev/null >/dev/null 2>&1
}
# The phone's per-login floor: a login that runs only `true`, with the key
# exchange libssh uses (curve25519; openssh's default, sntrup761, costs
# dropbear far more). What a check costs the phone above it is the checks'.
bare() {
	ssh -q -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$TB_DIR/ssh/known_hosts.openssh" -F /dev/null \
		-o KexAlgorithms=curve25519-sha256 "root@$TB_PHONE_IP" true </dev/null >/dev/null 2>&1
}
up() { # testbed options...
	tb_up "$@" >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
	tb_desk_configure 24 || exit 1
	mkdir -p "$TB_DIR/ssh"
}

up
tb_phone_set_resolv "$TB_DNS_IP"
in_desk ours ours || { echo "bench: usbnet-wizard check does not pass in the testbed" >&2; cat "$TB_DIR/check.out" >&2; exit 1; }
in_desk theirs theirs || { echo "bench: the openssh client cannot run the checks" >&2; exit 1; }
: >"$TB_DIR/o"; : >"$TB_DIR/t"
in_desk "ours theirs" 'for i in $(seq 1 '"$RUNS"'); do
	time_us ours >>"$TB_DIR/o"
	time_us theirs >>"$TB_DIR/t"
done'
m_ours=$(median_ms <"$TB_DIR/o"); m_theirs=$(median_ms <"$TB_DIR/t")
printf 'phone-check [healthy, %d pairs]: usbnet-wizard (libssh) median %s ms; openssh one call median %s ms; ratio %s\n' \
	"$RUNS" "$m_ours" "$m_theirs" "$(ratio "$m_ours" "$m_theirs")"
result phone_check_ours_ms "$m_ours"
result phone_check_openssh_ms "$m_theirs"
result phone_check_ratio "$(ratio "$m_ours" "$m_theirs")"
result phone_check_runs "$RUNS"

# CPU per check, which a loaded machine does not inflate the way it does wall
# time: on the phone's side, what dropbear and everything it started spent
# (the listener's cutime+cstime collect every reaped descendant: session,
# channels, shells, commands); on the desktop's side, the client process's own
# (bash's `times` for its children). CRUNS runs of one side at a time, so no
# session still being reaped is counted to the other.
CRUNS=$RUNS
dpid=$(cat "$TB_DIR/dropbear.pid")
ticks() { awk '{print $16 + $17}' "/proc/$dpid/stat"; }
cpu_side() { # FUNC: "phone-ms client-ms" per run
	local a b c
	a=$(ticks)
	c=$(in_desk "$1" 'for i in $(seq 1 '"$CRUNS"'); do '"$1"'; done; times' | tail -1)
	sleep 0.3
	b=$(ticks)
	awk -v d=$((b - a)) -v n="$CRUNS" -v hz="$(getconf CLK_TCK)" -v c="$c" 'BEGIN {
		split(c, t, " "); u = t[1]; s = t[2]
		sub(/s$/, "", u); sub(/s$/, "", s); split(u, um, "m"); split(s, sm, "m")
		printf "%.1f %.1f", d * 1000 / hz / n, (um[1] * 60 + um[2] + sm[1] * 60 + sm[2]) * 1000 / n }'
}
read -r po co <<<"$(cpu_side ours)"
read -r pt ct <<<"$(cpu_side theirs)"
read -r pb _ <<<"$(cpu_side bare)"
printf 'phone-check [healthy, CPU per check, %d runs each]: usbnet-wizard phone side %s ms + desktop side %s ms; openssh phone side %s ms + desktop side %s ms; a bare dropbear login (curve25519, runs true) %s ms on the phone\n' \
	"$CRUNS" "$po" "$co" "$pt" "$ct" "$pb"
result phone_check_phone_cpu_ours_ms "$po"
result phone_check_phone_cpu_openssh_ms "$pt"
result phone_check_desk_cpu_ours_ms "$co"
result phone_check_desk_cpu_openssh_ms "$ct"
result phone_check_phone_cpu_bare_login_ms "$pb"

# fault NAME: FRUNS timed checks (already set up), median and the verdicts seen
fault() {
	local name=$1 i
	: >"$TB_DIR/f"
	in_desk ours 'for i in $(seq 1 '"$FRUNS"'); do time_us ours >>"$TB_DIR/f"; done'
	report_fault "$name"
}
report_fault() {
	local name=$1 m mx verdicts
	m=$(median_ms <"$TB_DIR/f")
	mx=$(sort -n "$TB_DIR/f" | tail -1 | awk '{printf "%.2f", $1/1000}')
	verdicts=$(grep -E '^\s*\[(FAIL|WARN|SKIP|PASS)' "$TB_DIR/check.out" | sed -E 's/^\s*//' | cut -c1-60 | tr '\n' ';')
	printf 'phone-check [%s, %d runs]: every verdict after %s ms (median; max %s ms); last run: %s\n' \
		"$name" "$FRUNS" "$m" "$mx" "$verdicts"
	result "phone_fault_${name}_ms" "$m"
	result "phone_fault_${name}_max_ms" "$mx"
}


tb_phone_set_resolv 192.168.0.99   # nothing answers there
fault dead_dns
tb_phone_set_resolv "$TB_DNS_IP"
tb_phone iptables-legacy -A INPUT -p icmp --icmp-type echo-reply -j DROP
fault ping_dropped
tb_phone iptables-legacy -D INPUT -p icmp --icmp-type echo-reply -j DROP
tb_phone ip route del default
fault no_route
tb_phone ip route add default via "$TB_HOST_IP" dev eth0 onlink
tb_phone_stop_sshd
fault dropbear_stopped
tb_phone_start_sshd >/dev/null 2>&1
# Unplugged mid-check: pulled 0.2 s after the check starts; timed from the pull.
: >"$TB_DIR/f"
for i in $(seq 1 "$FRUNS"); do
	in_desk ours ours &
	pid=$!
	sleep 0.2
	t0=$(now_us)
	tb_unplug
	wait $pid
	echo $(($(now_us) - t0)) >>"$TB_DIR/f"
	tb_plug
	bd ip addr add "$TB_HOST_IP/24" dev usb0 && bd ip link set usb0 up
done
report_fault unplugged
result phone_fault_runs "$FRUNS"
tb_down
