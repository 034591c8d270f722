#!/bin/bash
# Benchmark: hotplug-to-applied latency of `usbnet-wizard watch`: the time
# from the phone's interface appearing (the veth is created: what the kernel
# does when the gadget enumerates) to watch logging that the profile is
# applied, read from watch's own timestamp on that log line; and unplug to
# reverted likewise. Medians of RUNS plug/unplug cycles in a testbed (nft).
#
#   bash bench/watch-latency.sh [RUNS]    (default 20)
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-20}

tb_up --no-phone >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
export USBNET_WIZARD_PROFILE=$TB_DIR/etc/profile
bd "$UW_BIN" profile save --match-driver veth --match-name 'usb*' >/dev/null 2>&1 ||
	{ echo "bench: profile save failed" >&2; exit 1; }
log=$TB_DIR/watch.log
bd "$UW_BIN" watch >"$log" 2>&1 &
wpid=$!
wait_count() { # word n: until the log has n lines with word (bounded 10 s)
	local end=$((SECONDS + 10))
	while [ "$(grep -c "$1" "$log")" -lt "$2" ]; do
		[ $SECONDS -ge $end ] && return 1; sleep 0.005; done
}
wait_count 'watching for' 1 || { echo "bench: watch did not start" >&2; exit 1; }
# µs since the epoch of the timestamp on the n-th line with word
log_us() { # word n
	local ts
	ts=$(grep "$1" "$log" | sed -n "$2p" | awk '{print $1 " " $2}')
	echo $(($(date -d "$ts" +%s%N) / 1000))
}
: >"$TB_DIR/plug"; : >"$TB_DIR/unplug"
for i in $(seq 1 "$RUNS"); do
	t0=$(now_us)
	tb_plug
	wait_count 'APPLIED' "$i" || { echo "bench: no APPLIED after plug $i" >&2; exit 1; }
	echo $(($(log_us APPLIED "$i") - t0)) >>"$TB_DIR/plug"
	sleep 0.1
	t0=$(now_us)
	tb_unplug
	wait_count 'REVERTED' "$i" || { echo "bench: no REVERTED after unplug $i" >&2; exit 1; }
	echo $(($(log_us REVERTED "$i") - t0)) >>"$TB_DIR/unplug"
	sleep 0.1
done
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid) 2>/dev/null
wait $wpid
p=$(median_ms <"$TB_DIR/plug"); u=$(median_ms <"$TB_DIR/unplug")
pmax=$(sort -n "$TB_DIR/plug" | tail -1 | awk '{printf "%.2f", $1/1000}')
printf 'watch-latency [%d cycles]: plug to applied median %s ms (max %s ms); unplug to reverted median %s ms\n' \
	"$RUNS" "$p" "$pmax" "$u"
result watch_plug_applied_ms "$p"
result watch_plug_applied_max_ms "$pmax"
result watch_unplug_reverted_ms "$u"
result watch_runs "$RUNS"
