#!/bin/bash
# Benchmark: connect + the full phone checklist with the built-in libssh
# client (`usbnet-wizard check`), against the same five checks done by the
# openssh client in one ssh call. Runs inside its own testbed (configured
# desktop, phone online); prints both medians and their ratio.
#
#   bash bench/phone-check.sh [RUNS]     (default 15; UW_BIN overrides the binary)
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-15}
UW_BIN=${UW_BIN:-$PWD/usbnet-wizard}
source tests/testbed/testbed.sh
tb_up >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
tb_desk_configure 24 || exit 1
tb_phone_set_resolv "$TB_DNS_IP"
mkdir -p "$TB_DIR/ssh"

ours() {
	tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
		--test-name "$TB_TEST_NAME" --no-rescue </dev/null >/dev/null 2>&1
}
# The same checks as one remote shell line. openssh has no "none with blank
# password" switch; dropbear -B accepts it via the none method openssh tries
# first, so BatchMode works. Host key: accepted into a bench-only file.
theirs() {
	tb_desk ssh -q -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$TB_DIR/ssh/known_hosts.openssh" -F /dev/null \
		"root@$TB_PHONE_IP" "ping -c1 -W2 $TB_HOST_IP; ip route || route -n; \
		ping -c1 -W2 $TB_PING_IP; cat /etc/resolv.conf; getent hosts $TB_TEST_NAME" \
		</dev/null >/dev/null 2>&1
}

ours || { echo "bench: usbnet-wizard check does not pass in the testbed" >&2; exit 1; }
theirs || { echo "bench: the openssh client cannot run the checks" >&2; exit 1; }

median_ms() { # fn runs
	local fn=$1 n=$2 t0 t1 i
	for i in $(seq 1 "$n"); do
		t0=$(date +%s%N); "$fn"; t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'
}
m_ours=$(median_ms ours "$RUNS")
m_theirs=$(median_ms theirs "$RUNS")
printf 'phone-check: usbnet-wizard (libssh, 5 channels) median %s ms; openssh one call median %s ms; ratio %s\n' \
	"$m_ours" "$m_theirs" "$(awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN {printf "%.2f", a/b}')"
# Machine-readable lines for bench/run-all.sh.
echo "RESULT phone_check_ours_ms $m_ours"
echo "RESULT phone_check_openssh_ms $m_theirs"
echo "RESULT phone_check_ratio $(awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN {printf "%.2f", a/b}')"
echo "RESULT phone_check_runs $RUNS"
