#!/bin/bash
# The CLI under valgrind in the testbed, on both firewall backends: detect,
# plan, apply (twice: the second finds everything in place), status, check
# against the testbed's phone (unreachable before apply, failing checks
# without NAT, passing after), revert,
# and error paths (bad input, revert with nothing applied). Each command is
# "ok" when it exits as expected with zero valgrind errors and zero definite
# leaks. Uses the non-sanitizer build/usbnet-wizard (valgrind and ASan do not
# mix), whatever UW_BIN says.
source "$(dirname "$0")/lib.sh"

VG_BIN=$UW_ROOT/build/usbnet-wizard
if ! command -v valgrind >/dev/null; then not_ok "valgrind is installed"; t_finish; fi
if [ ! -x "$VG_BIN" ]; then not_ok "$VG_BIN is built (make)"; t_finish; fi
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

n=0
# vg NAME EXPECTED_RC ARGS... : run the CLI under valgrind in the desktop namespace
vg() {
	local name=$1 want=$2; shift 2
	local log rc
	n=$((n + 1)); log=$TB_DIR/vg-$n.txt
	tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" valgrind --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite --error-exitcode=99 \
		--suppressions="$UW_ROOT/tests/valgrind.supp" --log-file="$log" \
		"$VG_BIN" "$@" </dev/null >"$TB_DIR/out-$n.txt" 2>&1
	rc=$?
	if [ $rc = "$want" ] && grep -q 'ERROR SUMMARY: 0 errors' "$log" && ! grep -q 'definitely lost: [1-9]' "$log"; then
		ok "valgrind [$fw] $name (exit $rc, 0 errors, 0 definite leaks)"
	else
		not_ok "valgrind [$fw] $name (exit $rc, expected $want)"
		grep -E 'ERROR SUMMARY|definitely lost|Invalid|uninitialised|at 0x|by 0x' "$log" | head -30 | sed 's/^/#   /'
		tail -5 "$TB_DIR/out-$n.txt" | sed 's/^/#   out: /'
	fi
}

CHECK=(check --ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3 --no-rescue)
for fw in nft legacy; do
	tb_up --fw $fw || { not_ok "[$fw] testbed up"; continue; }
	mkdir -p "$TB_DIR/ssh"
	before=$(desk_state)
	vg "detect" 0 detect
	vg "plan" 0 plan
	vg "plan --json" 0 plan --json
	vg "apply with a bad netmask is refused" 2 apply --netmask /33
	vg "revert with nothing applied" 0 revert
	vg "check before apply (phone unreachable)" 4 "${CHECK[@]}"
	vg "apply --no-nat" 0 apply --no-nat
	vg "check without NAT (outside and DNS checks fail)" 1 "${CHECK[@]}"
	vg "revert of the --no-nat setup" 0 revert
	vg "apply" 0 apply
	vg "apply again (everything in place)" 0 apply
	vg "status" 0 status
	vg "status --json" 0 status --json
	vg "check after apply (all pass)" 0 "${CHECK[@]}"
	vg "check --json" 0 "${CHECK[@]}" --json
	vg "revert" 0 revert
	check_eq "[$fw] the desktop is as before" "$before" "$(desk_state)"
	tb_down
done
t_finish
