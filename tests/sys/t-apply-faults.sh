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
	# The firewall steps (the last ones): numbers, and how many.
	fwsteps=$(W plan --json | python3 -c 'import json,sys; print(" ".join(str(i + 1) for i, a in enumerate(json.load(sys.stdin)["actions"]) if a["kind"] == "fw"))')
	nfw=$(wc -w <<<"$fwsteps"); firstfw=${fwsteps%% *}; lastfw=${fwsteps##* }
	check_eq "[$fw] ... of which the last 5 are firewall rules" "4 5 6 7 8" "$fwsteps"
	ours() { if [ $fw = legacy ]; then tb_desk iptables-legacy-save | grep -c -- '--comment usbnet-wizard'
		else tb_desk nft list ruleset | grep -c 'comment "usbnet-wizard"'; fi; }
	# One transaction: killed right after the first firewall step, every
	# firewall step is in place (never a part of them).
	USBNET_WIZARD_FAULT=kill-after-apply:$firstfw W apply >/dev/null 2>&1
	check_eq "[$fw] killed after the first firewall step: all $nfw firewall rules are in (one transaction)" \
		"$nfw" "$(ours)"
	# Killed before undoing the middle one of them in a revert: none is undone yet.
	USBNET_WIZARD_FAULT=kill-revert-before:$((firstfw + 2)) W revert >/dev/null 2>&1
	check_eq "[$fw] killed in the revert's firewall steps: all $nfw rules still in (one transaction)" \
		"$nfw" "$(ours)"
	W revert >/dev/null 2>&1
	check_eq "[$fw] ... and a revert then removes them all" "0" "$(ours)"
	check_eq "[$fw] ... back to the before-state" "$before" "$(desk_state)"
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
	# kill -9 before each step of a revert, then revert again.
	for n in $(seq 1 "$nsteps"); do
		W apply >/dev/null 2>&1
		USBNET_WIZARD_FAULT=kill-revert-before:$n W revert >/dev/null 2>&1
		rc=$?
		W revert >/dev/null 2>&1
		if [ $rc = 137 ] && [ "$before" == "$(desk_state)" ]; then
			ok "[$fw] kill -9 at revert step $n, then revert again: before-state exactly"
		else
			not_ok "[$fw] kill -9 at revert step $n (rc $rc)"
		fi
	done
	if [ $fw = nft ]; then
		# The one nftables batch of the apply refused by the kernel (its
		# last change): none of its rules stays, and the steps before it
		# are rolled back.
		out=$(USBNET_WIZARD_FAULT=nft-batch-refused:1 W apply 2>&1); rc=$?
		if [ $rc = 1 ] && grep -q "Step $firstfw .*nftables refused to" <<<"$out" &&
			grep -q 'The steps before it were undone' <<<"$out"; then
			ok "[$fw] a refused nftables batch fails the firewall steps, saying so"
		else
			not_ok "[$fw] refused batch (rc $rc)"; tail -3 <<<"$out" | sed 's/^/#   /'
		fi
		check_eq "[$fw] ... none of its rules is left (the kernel aborted the whole batch)" "0" "$(ours)"
		check_eq "[$fw] ... and the rollback leaves the desktop as it was" "$before" "$(desk_state)"
		# A dump of tables, chains or rules that another program's commit
		# interrupted (the kernel marks it NLM_F_DUMP_INTR) is asked again:
		# a firewall manager busy beside us must not fail the apply or the
		# revert (t-concurrency met it for real, now and then).
		for n in 1 2 3 4; do
			out=$(USBNET_WIZARD_FAULT=nft-held-dump-intr:$n W apply 2>&1); rc=$?
			check_eq "[$fw] apply with its dump #$n interrupted succeeds" "0" "$rc"
			[ $rc = 0 ] || tail -3 <<<"$out" | sed 's/^/#   /'
			check_eq "[$fw] ... with each of our rules once" "5" "$(ours)"
			USBNET_WIZARD_FAULT=nft-held-dump-intr:$n W revert >/dev/null 2>&1; rc=$?
			check_eq "[$fw] ... revert with its dump #$n interrupted succeeds" "0" "$rc"
			check_eq "[$fw] ... and is back at the before-state" "$before" "$(desk_state)"
		done
	fi
	if [ $fw = legacy ]; then
		# libiptc's commit refused by the kernel (one commit per table: the
		# 1st is filter's two forward accepts, the 2nd nat's masquerade and
		# DNATs): apply fails and rolls back the filter table's commit too.
		out=$(USBNET_WIZARD_FAULT=iptc-commit-refused:2 W apply 2>&1); rc=$?
		if [ $rc = 1 ] && grep -q 'Step 6 .*Could not add the rule in nat/POSTROUTING and the others (one commit of the legacy nat table)' <<<"$out"; then
			ok "[$fw] a refused libiptc commit fails the step, naming the table"
		else
			not_ok "[$fw] refused commit (rc $rc)"; tail -3 <<<"$out" | sed 's/^/#   /'
		fi
		check_eq "[$fw] ... and the rollback leaves the desktop as it was" "$before" "$(desk_state)"
		# The 2nd commit (nat) meets a changed table (EAGAIN): without the
		# re-read and retry, this apply would fail and roll back.
		USBNET_WIZARD_FAULT=iptc-commit-eagain:2 W apply >/dev/null 2>&1; rc=$?
		check_eq "[$fw] apply with one EAGAIN commit succeeds" "0" "$rc"
		check_eq "[$fw] ... with exactly one copy of each of our rules" "5" \
			"$(tb_desk iptables-legacy-save | grep -c 'usbnet-wizard')"
		W revert >/dev/null 2>&1
		check_eq "[$fw] ... and reverts to the before-state" "$before" "$(desk_state)"
	fi

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
	check "[$fw] phone reaches the outside despite the host's forward drop" tb_phone_ping "$TB_PING_IP"
	check "[$fw] revert" W revert
	check_eq "[$fw] revert restores the before-state" "$before" "$(desk_state)"
	tb_down
done

# The interface vanishes before each step of apply (the cable is pulled).
tb_up --fw nft
before_fw=$(tb_desk nft list ruleset); before_fwd=$(tb_desk cat /proc/sys/net/ipv4/ip_forward)
for n in 1 2 3 4 5 6; do
	USBNET_WIZARD_FAULT=stop-before:$n tb_desk "$UW_BIN" apply >"$TB_DIR/vanish.out" 2>&1 &
	pid=$!
	stopped=""
	for i in $(seq 1 200); do
		for p in $(pgrep -f "$UW_BIN apply"); do
			[[ "$(ps -o stat= -p "$p" 2>/dev/null)" == T* ]] && stopped=$p
		done
		[ -n "$stopped" ] && break
		sleep 0.025
	done
	tb_unplug
	[ -n "$stopped" ] && kill -CONT "$stopped"
	wait $pid; rc=$?
	if [ -n "$stopped" ] && [ $rc -ne 0 ] && grep -q 'usb0 disappeared\|usb0 does not exist' "$TB_DIR/vanish.out"; then
		ok "cable pulled before step $n: apply fails, naming usb0 (exit $rc)"
	else not_ok "cable pulled before step $n (rc $rc, stopped '${stopped}')"; sed 's/^/#   /' "$TB_DIR/vanish.out" | tail -3; fi
	check_eq "... firewall as before" "$before_fw" "$(tb_desk nft list ruleset)"
	check_eq "... ip_forward as before" "$before_fwd" "$(tb_desk cat /proc/sys/net/ipv4/ip_forward)"
	check_eq "... no journal left" "" "$(ls "$USBNET_WIZARD_RUNDIR/journal" 2>/dev/null)"
	tb_plug
done

# Two wizards at once: the second is refused with a clear message, exit 5.
USBNET_WIZARD_FAULT=stop-before:2 tb_desk "$UW_BIN" apply >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do [ -s "$USBNET_WIZARD_RUNDIR/lock" ] && break; sleep 0.05; done
sleep 0.2
out=$(W apply 2>&1); rc=$?
[ $rc = 5 ] && grep -q 'Another usbnet-wizard (pid' <<<"$out" && ok "a second wizard is refused: ${out##*: }" \
	|| { not_ok "second wizard (rc $rc)"; echo "#   $out"; }
pkill -CONT -f "$UW_BIN apply"; wait $pid; rc=$?
check_eq "the first one finishes (exit 0)" 0 "$rc"
check "... with its changes in place" bash -c "$(declare -f tb_desk); TB_DESK=$TB_DESK; USBNET_WIZARD_RUNDIR=$USBNET_WIZARD_RUNDIR tb_desk '$UW_BIN' status | grep -q '^  \[in place\] Give the desktop the address'"
W revert >/dev/null 2>&1

# A read-only runtime directory: nothing is changed, and it is said why.
before=$(desk_state)
mkdir -p "$TB_DIR/ro"; chmod 500 "$TB_DIR/ro"
out=$(USBNET_WIZARD_RUNDIR=$TB_DIR/ro/run tb_desk setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$UW_BIN" apply 2>&1); rc=$?
[ $rc = 3 ] && grep -q "sudo usbnet-wizard" <<<"$out" && ok "not root: exit 3, told to use sudo" ||
	{ not_ok "not root (rc $rc)"; echo "#   $out"; }
mount -t tmpfs -o size=16k,mode=700 tmpfs "$TB_DIR/ro" && chmod 700 "$TB_DIR/ro"
mkdir -p "$TB_DIR/ro/run"; dd if=/dev/zero of="$TB_DIR/ro/fill" bs=4k count=100 2>/dev/null
out=$(USBNET_WIZARD_RUNDIR=$TB_DIR/ro/run W apply 2>&1); rc=$?
umount "$TB_DIR/ro"
[ $rc -ne 0 ] && grep -qi 'journal' <<<"$out" && ok "full disk for the journal: apply refuses (${out##*: })" \
	|| { not_ok "full journal disk (rc $rc)"; tail -3 <<<"$out" | sed 's/^/#   /'; }
check_eq "... and nothing was changed" "$before" "$(desk_state)"
tb_down
t_finish
