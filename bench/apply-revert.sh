#!/bin/bash
# Benchmark: apply + revert by usbnet-wizard against the same state made and
# undone by the equivalent shell commands (the plan's own "shell" and
# "undo_shell" text: the seed's recipe, in the chosen firewall's syntax), in
# a testbed, per firewall backend; medians of RUNS runs and their ratio.
#
#   bash bench/apply-revert.sh [RUNS]     (default 15; UW_BIN overrides the binary)
set -u
source "$(dirname "$0")/lib.sh"
RUNS=${1:-15}

for fw in nft legacy; do
	tb_up --fw $fw >/dev/null || { echo "bench: testbed did not come up" >&2; exit 1; }
	before=$(desk_state)
	tb_desk "$UW_BIN" plan --json >"$TB_DIR/plan.json" || { echo "bench: plan failed" >&2; exit 1; }
	python3 -c 'import json,sys; [print(a["shell"]) for a in json.load(open(sys.argv[1]))["actions"]]' \
		"$TB_DIR/plan.json" >"$TB_DIR/apply.sh"
	python3 -c 'import json,sys; [print(a["undo_shell"]) for a in reversed(json.load(open(sys.argv[1]))["actions"])]' \
		"$TB_DIR/plan.json" >"$TB_DIR/undo.sh"
	nact=$(grep -c . "$TB_DIR/apply.sh")
	: >"$TB_DIR/ua"; : >"$TB_DIR/ur"; : >"$TB_DIR/sa"; : >"$TB_DIR/sr"
	for i in $(seq 1 "$RUNS"); do
		time_us tb_desk "$UW_BIN" apply >>"$TB_DIR/ua" || { echo "bench: apply failed" >&2; exit 1; }
		time_us tb_desk "$UW_BIN" revert >>"$TB_DIR/ur" || { echo "bench: revert failed" >&2; exit 1; }
		time_us tb_desk sh -e "$TB_DIR/apply.sh" >>"$TB_DIR/sa" || { echo "bench: shell apply failed" >&2; exit 1; }
		time_us tb_desk sh -e "$TB_DIR/undo.sh" >>"$TB_DIR/sr" || { echo "bench: shell undo failed" >&2; exit 1; }
	done
	if [ "$(desk_state)" != "$before" ]; then
		echo "bench: the desktop did not return to its before-state; figures discarded" >&2; exit 1
	fi
	ua=$(median_ms <"$TB_DIR/ua"); ur=$(median_ms <"$TB_DIR/ur")
	sa=$(median_ms <"$TB_DIR/sa"); sr=$(median_ms <"$TB_DIR/sr")
	paste "$TB_DIR/ua" "$TB_DIR/ur" | awk '{print $1 + $2}' >"$TB_DIR/ut"
	paste "$TB_DIR/sa" "$TB_DIR/sr" | awk '{print $1 + $2}' >"$TB_DIR/st"
	ut=$(median_ms <"$TB_DIR/ut"); st=$(median_ms <"$TB_DIR/st")
	printf 'apply-revert [%s, %d actions, %d runs]: usbnet-wizard apply %s ms + revert %s ms = %s ms; shell apply %s ms + undo %s ms = %s ms; ratio %s\n' \
		"$fw" "$nact" "$RUNS" "$ua" "$ur" "$ut" "$sa" "$sr" "$st" "$(ratio "$ut" "$st")"
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
