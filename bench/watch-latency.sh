#!/bin/bash
# Benchmark: hotplug-to-applied latency of `usbnet-wizard watch`, in a testbed
# (nft): medians of RUNS plug/unplug cycles.
#
# "Plug" is the moment the kernel is asked to create the phone's link (what
# it does when the gadget enumerates): bench/link-stamp creates the veth over
# rtnetlink and stamps the wall clock just before the request is sent and
# just after the kernel's acknowledgement. The kernel sends watch its
# RTM_NEWLINK between the two, at the end of its own work; the interval is
# taken from the first stamp, so it is an upper bound that includes the
# kernel's creation of the link (its median is printed) and never starts
# late (the second stamp can, if the stamping process is preempted by watch
# on its way back to user space). "Applied" is the timestamp (µs) on watch's
# own APPLIED log line. Unplug to reverted likewise, from just before the
# request to delete the link (whose acknowledgement comes only after the
# kernel's RCU grace periods, long after the RTM_DELLINK). The figure is
# kernel link appears -> profile applied, with none of the plugging
# process's own start-up in it.
#
# A second row keeps the old interval, from bash's clock just before the
# process that creates the link is started (its fork, exec and start-up
# included), from the same cycles.
#
# Between the link's creation and APPLIED the phone's own side is set up as
# tb_plug does (address, link up, route, in the phone namespace, with `ip`):
# the same work as before on the same CPUs. The bench waits for watch's lines
# on a pipe (a blocking read), so nothing of its own polls while watch works.
#
#   bash bench/watch-latency.sh [--nm] [RUNS]    (default 20)
#
# --nm: the real NetworkManager runs in the desktop namespace (watch then
# tells it to leave each new gadget alone, once it has taken it).
set -u
source "$(dirname "$0")/lib.sh"
tb_opts=(--no-phone)
[ "${1:-}" = --nm ] && { tb_opts+=(--nm); shift; }
RUNS=${1:-20}

tb_up "${tb_opts[@]}" >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
LS=$TB_DIR/link-stamp
# shellcheck disable=SC2046
cc -O1 -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags libnl-route-3.0) -o "$LS" \
	bench/link-stamp.c $(pkg-config --libs libnl-route-3.0) ||
	{ echo "bench: cannot build bench/link-stamp.c (needs cc and libnl-route-3-dev)" >&2; exit 1; }
export USBNET_WIZARD_PROFILE=$TB_DIR/etc/profile
bd "$UW_BIN" profile save --match-driver veth --match-name 'usb*' >/dev/null 2>&1 ||
	{ echo "bench: profile save failed" >&2; exit 1; }
log=$TB_DIR/watch.log
fifo=$TB_DIR/watch.fifo
mkfifo "$fifo" || exit 1
bd "$UW_BIN" watch >"$fifo" 2>&1 &
wpid=$!
exec {wfd}<"$fifo"
# wait_line WORD: read watch's lines (kept in $log) until one has WORD, which
# is left in $LINE; bounded 10 s.
wait_line() {
	while IFS= read -r -t 10 -u "$wfd" LINE; do
		printf '%s\n' "$LINE" >>"$log"
		case $LINE in *"$1"*) return 0 ;; esac
	done
	return 1
}
# line_us: µs since the epoch of the timestamp on $LINE ("YYYY-mm-dd HH:MM:SS.uuuuuu ...")
line_us() { date -d "${LINE:0:26}" +%s%6N; }
wait_line 'watching for' || { echo "bench: watch did not start" >&2; exit 1; }
# watch's own process (bd's nsenter execs it), for its CPU time: the first
# field of /proc/PID/schedstat is the ns it has run, read by bash's own read.
wproc=$(pgrep -P "$wpid" -n) || { echo "bench: watch's pid not found" >&2; exit 1; }
cpu_ns() { local a _; read -r a _ <"/proc/$wproc/schedstat"; echo "$a"; }
# The phone's side of the link, as tb_plug sets it up.
phone_side() {
	ip -n "$TB_PHONE" addr add "$TB_PHONE_IP/24" dev eth0
	ip -n "$TB_PHONE" link set eth0 up
	ip -n "$TB_PHONE" route add default via "$TB_HOST_IP" dev eth0 onlink
}
: >"$TB_DIR/plug"; : >"$TB_DIR/plug_proc"; : >"$TB_DIR/unplug"; : >"$TB_DIR/unplug_proc"; : >"$TB_DIR/kern"; : >"$TB_DIR/cpu"
for i in $(seq 1 "$RUNS"); do
	c0=$(cpu_ns)
	t0=$(now_us)
	read -r kb ka < <(bd "$LS" add usb0 eth0 "/run/netns/$TB_PHONE") ||
		{ echo "bench: plug $i failed" >&2; exit 1; }
	phone_side
	wait_line 'APPLIED' || { echo "bench: no APPLIED after plug $i" >&2; exit 1; }
	c1=$(cpu_ns)
	t=$(line_us)
	echo $((t - kb)) >>"$TB_DIR/plug"
	echo $((t - t0)) >>"$TB_DIR/plug_proc"
	echo $((ka - kb)) >>"$TB_DIR/kern"
	echo $(((c1 - c0) / 1000)) >>"$TB_DIR/cpu"
	sleep 0.1
	t0=$(now_us)
	read -r kb _ < <(bd "$LS" del usb0) || { echo "bench: unplug $i failed" >&2; exit 1; }
	wait_line 'REVERTED' || { echo "bench: no REVERTED after unplug $i" >&2; exit 1; }
	t=$(line_us)
	echo $((t - kb)) >>"$TB_DIR/unplug"
	echo $((t - t0)) >>"$TB_DIR/unplug_proc"
	sleep 0.1
done
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid) 2>/dev/null
wait_line 'stopped'
exec {wfd}<&-
wait $wpid
p=$(median_ms <"$TB_DIR/plug"); u=$(median_ms <"$TB_DIR/unplug")
pmax=$(sort -n "$TB_DIR/plug" | tail -1 | awk '{printf "%.2f", $1/1000}')
pp=$(median_ms <"$TB_DIR/plug_proc"); up=$(median_ms <"$TB_DIR/unplug_proc")
k=$(median_ms <"$TB_DIR/kern")
c=$(median_ms <"$TB_DIR/cpu")
# The first plug after watch started (what a user plugging in once after boot sees).
first=$(head -1 "$TB_DIR/plug" | awk '{printf "%.2f", $1/1000}')
first_cpu=$(head -1 "$TB_DIR/cpu" | awk '{printf "%.2f", $1/1000}')
printf 'watch-latency [%d cycles]: link created by the kernel to applied median %s ms (max %s ms); link deleted to reverted median %s ms\n' \
	"$RUNS" "$p" "$pmax" "$u"
printf 'watch-latency: the first plug after watch started: %s ms (CPU %s ms); watch'"'"'s own CPU per plug (median): %s ms\n' "$first" "$first_cpu" "$c"
printf 'watch-latency [same cycles]: from before the plugging process starts: to applied %s ms, to reverted %s ms (the kernel took %s ms to create the link)\n' \
	"$pp" "$up" "$k"
result watch_plug_applied_ms "$p"
result watch_plug_applied_max_ms "$pmax"
result watch_unplug_reverted_ms "$u"
result watch_plug_applied_proc_ms "$pp"
result watch_unplug_reverted_proc_ms "$up"
result watch_kernel_add_ms "$k"
result watch_first_plug_applied_ms "$first"
result watch_cpu_per_plug_ms "$c"
result watch_runs "$RUNS"
