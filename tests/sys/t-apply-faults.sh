#!/bin/bash
# Faults: kill -9 after each step (before and after the change) then revert
# restores the before-state; a failing step rolls back; the interface
# vanishing mid-apply; two wizards at once; a read-only runtime directory.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@"; }
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

for fw in nft legacy; do
	tb_up --fw $fw --forward-drop || continue
	before=$(desk_state)
	nsteps=$(W plan --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["actions"]))')
	check_eq "[$fw] forward-drop plan has 8 steps (2 accepts where the drop is)" "8" "$nsteps"
	for when in kill-after-begin kill-after-apply; do
		for n in $(seq 1 "$nsteps"); do
			USBNET_WIZARD_FAULT=$when:$n W apply >/dev/null 2>&1
			rc=$?
			if [ $rc -ne 137 ]; then not_ok "[$fw] $when:$n killed the apply (rc $rc)"; continue; fi
			W revert >"$TB_DIR/rev.out" 2>&1
			after=$(desk_state)
			if [ "$before" == "$after" ] && [ ! -e "$USBNET_WIZARD_RUNDIR/journal" ]; then
				ok "[$fw] kill -9 ($when step $n), then revert: before-state exactly"
			else
				not_ok "[$fw] kill -9 ($when step $n), then revert"
				diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' | head; sed 's/^/#   /' "$TB_DIR/rev.out"
			fi
		done
	done
	# kill -9 in the middle of a revert, then revert again.
	W apply >/dev/null 2>&1
	USBNET_WIZARD_FAULT=kill-revert-before:4 W revert >/dev/null 2>&1
	W revert >/dev/null 2>&1
	check_eq "[$fw] kill -9 during revert, then revert again: before-state" "$before" "$(desk_state)"

	for n in 1 4 "$nsteps"; do
		out=$(USBNET_WIZARD_FAULT=fail:$n W apply 2>&1); rc=$?
		if [ $rc = 1 ] && grep -q "Step $n .* failed" <<<"$out"; then
			ok "[$fw] step $n failing is reported with the step named (exit 1)"
		else
			not_ok "[$fw] failing step $n (rc $rc)"; tail -3 <<<"$out" | sed 's/^/#   /'
		fi
		check_eq "[$fw] ... and the rollback leaves the desktop as it was" "$before" "$(desk_state)"
	done

	# With the forward drop in place, the phone still gets out (accepts went where the drop is).
	check "[$fw] apply through a FORWARD policy of DROP" W apply
	check "[$fw] phone reaches the outside despite the host's forward drop" tb_phone ping -c3 -i0.2 -W2 "$TB_PING_IP"
	check "[$fw] revert" W revert
	check_eq "[$fw] revert restores the before-state" "$before" "$(desk_state)"
	tb_down
done

# The interface vanishes in the middle of apply (the cable is pulled).
tb_up --fw nft
before_fw=$(tb_desk nft list ruleset); before_fwd=$(tb_desk cat /proc/sys/net/ipv4/ip_forward)
USBNET_WIZARD_FAULT=stop-before:4 tb_desk "$UW_BIN" apply >"$TB_DIR/vanish.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do
	st=$(ps -o stat= -p $(pgrep -P $pid -n 2>/dev/null || echo $pid) 2>/dev/null)
	[[ "$st" == T* ]] && break
	grep -q '\[4/' "$TB_DIR/vanish.out" && sleep 0.1 && break
	sleep 0.05
done
tb_unplug
pkill -CONT -f "$UW_BIN apply" ; kill -CONT $pid 2>/dev/null
wait $pid; rc=$?
if [ $rc -ne 0 ] && grep -q 'usb0' "$TB_DIR/vanish.out"; then ok "cable pulled mid-apply: apply fails, naming usb0 (exit $rc)"
else not_ok "cable pulled mid-apply (rc $rc)"; sed 's/^/#   /' "$TB_DIR/vanish.out" | tail -5; fi
check_eq "... firewall as before" "$before_fw" "$(tb_desk nft list ruleset)"
check_eq "... ip_forward as before" "$before_fwd" "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
check_eq "... no journal left" "" "$(ls "$USBNET_WIZARD_RUNDIR/journal" 2>/dev/null)"
tb_plug

# Two wizards at once: the second is refused with a clear message, exit 5.
USBNET_WIZARD_FAULT=stop-before:2 tb_desk "$UW_BIN" apply >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do [ -s "$USBNET_WIZARD_RUNDIR/lock" ] && break; sleep 0.05; done
sleep 0.2
out=$(W apply 2>&1); rc=$?
[ $rc = 5 ] && grep -q 'Another usbnet-wizard (pid' <<<"$out" && ok "a second wizard is refused: ${out##*: }" \
	|| { not_ok "second wizard (rc $rc)"; echo "#   $out"; }
pkill -CONT -f "$UW_BIN apply"; wait $pid
check "the first one finishes" W status
W revert >/dev/null 2>&1

# A read-only runtime directory: nothing is changed, and it is said why.
before=$(desk_state)
mkdir -p "$TB_DIR/ro"; chmod 500 "$TB_DIR/ro"
out=$(USBNET_WIZARD_RUNDIR=$TB_DIR/ro/run tb_desk setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$UW_BIN" apply 2>&1); rc=$?
[ $rc = 3 ] && ok "not root: exit 3, told to use sudo" || { not_ok "not root (rc $rc)"; echo "#   $out"; }
mount -t tmpfs -o size=16k,mode=700 tmpfs "$TB_DIR/ro" && chmod 700 "$TB_DIR/ro"
mkdir -p "$TB_DIR/ro/run"; dd if=/dev/zero of="$TB_DIR/ro/fill" bs=4k count=100 2>/dev/null
out=$(USBNET_WIZARD_RUNDIR=$TB_DIR/ro/run W apply 2>&1); rc=$?
umount "$TB_DIR/ro"
[ $rc -ne 0 ] && grep -qi 'journal' <<<"$out" && ok "full disk for the journal: apply refuses (${out##*: })" \
	|| { not_ok "full journal disk (rc $rc)"; tail -3 <<<"$out" | sed 's/^/#   /'; }
check_eq "... and nothing was changed" "$before" "$(desk_state)"
tb_down
t_finish
