#!/bin/bash
# Benchmark: apply + revert by usbnet-wizard against the seed's recipe doing
# the same changes and undoing them with ip, sysctl and the host's iptables
# (iptables-nft on an nftables host, iptables-legacy on a legacy host), in a
# testbed, per host firewall. Both sides run in one bash inside the desktop
# namespace (entered once with nsenter --net), on the same host firewall, in A B A B order; medians of
# RUNS pairs and their ratio.
#
#   bash bench/apply-revert.sh [RUNS]     (default 21; UW_BIN overrides the binary)
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-21}

for fw in nft legacy; do
	tb_up --fw $fw >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
	before=$(desk_state)
	recipe $fw "$TB_DIR/apply.sh" "$TB_DIR/undo.sh" || { echo "bench: plan failed" >&2; exit 1; }
	nact=$(grep -c . "$TB_DIR/apply.sh")
	: >"$TB_DIR/ua"; : >"$TB_DIR/ur"; : >"$TB_DIR/sa"; : >"$TB_DIR/sr"
	in_desk pairs "pairs $RUNS" || exit 1
	# iptables-nft leaves its (empty) tables behind; usbnet-wizard leaves nothing.
	if [ "$(desk_state)" != "$before" ]; then
		echo "bench: the desktop did not return to its before-state; figures discarded" >&2; exit 1
	fi
	ua=$(median_ms <"$TB_DIR/ua"); ur=$(median_ms <"$TB_DIR/ur")
	sa=$(median_ms <"$TB_DIR/sa"); sr=$(median_ms <"$TB_DIR/sr")
	paste "$TB_DIR/ua" "$TB_DIR/ur" | awk '{print $1 + $2}' >"$TB_DIR/ut"
	paste "$TB_DIR/sa" "$TB_DIR/sr" | awk '{print $1 + $2}' >"$TB_DIR/st"
	ut=$(median_ms <"$TB_DIR/ut"); st=$(median_ms <"$TB_DIR/st")
	printf 'apply-revert [%s host, %d changes, %d pairs]: usbnet-wizard apply %s ms + revert %s ms = %s ms; recipe (%s) apply %s ms + undo %s ms = %s ms; ratio %s\n' \
		"$fw" "$nact" "$RUNS" "$ua" "$ur" "$ut" "$([ $fw = nft ] && echo iptables-nft || echo iptables-legacy)" \
		"$sa" "$sr" "$st" "$(ratio "$ut" "$st")"
	result "apply_revert_${fw}_ours_apply_ms" "$ua"
	result "apply_revert_${fw}_ours_revert_ms" "$ur"
	result "apply_revert_${fw}_ours_ms" "$ut"
	result "apply_revert_${fw}_shell_apply_ms" "$sa"
	result "apply_revert_${fw}_shell_undo_ms" "$sr"
	result "apply_revert_${fw}_shell_ms" "$st"
	result "apply_revert_${fw}_ratio" "$(ratio "$ut" "$st")"
	result "apply_revert_${fw}_actions" "$nact"
	tb_down
done
result apply_revert_runs "$RUNS"
