#!/bin/bash
# watch: the saved profile applied on every plug and reverted on every unplug,
# driven by link events. WATCH_CYCLES plug/unplug cycles (default 200): the
# phone gets out each time, one copy of each rule while plugged, exactly one
# "APPLIED" per plug, and the desktop exactly as before after the last unplug;
# no fd growth; SIGTERM while plugged reverts. Then a valgrind run of ~20 cycles.
source "$(dirname "$0")/lib.sh"

CYCLES=${WATCH_CYCLES:-200}
VG_CYCLES=${WATCH_VG_CYCLES:-20}
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }

WAIT_STEP=0.02
no_table() { ! tb_desk nft list table ip usbnet-wizard; }
has_table() { tb_desk nft list table ip usbnet-wizard; }
applied_count() { grep -c 'APPLIED' "$1"; }
wait_applied() { # log n
	local end=$((SECONDS + 10))
	while [ "$(grep -c 'APPLIED' "$1")" -lt "$2" ]; do
		[ $SECONDS -ge $end ] && return 1; sleep 0.02; done
}
wait_reverted() {
	local end=$((SECONDS + 10))
	while [ "$(grep -c 'REVERTED' "$1")" -lt "$2" ]; do
		[ $SECONDS -ge $end ] && return 1; sleep 0.02; done
}

tb_up --no-phone || { not_ok "testbed"; t_finish; }
export USBNET_WIZARD_PROFILE=$TB_DIR/etc/profile

# --- the profile: save, show, strict load --------------------------------------
check "profile save (match: driver veth, name usb*)" \
	tb_desk "$UW_BIN" profile save --match-driver veth --match-name 'usb*'
check "profile show reads it back" tb_desk "$UW_BIN" profile show
grep -q '^match-name=usb\*$' "$USBNET_WIZARD_PROFILE" && grep -q '^dns=proxy$' "$USBNET_WIZARD_PROFILE" \
	&& ok "profile file holds the choices and the match" || not_ok "profile file content"
cp "$USBNET_WIZARD_PROFILE" "$TB_DIR/good"
echo 'colour=blue' >>"$USBNET_WIZARD_PROFILE"
out=$(tb_desk "$UW_BIN" profile show 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'line [0-9]*: unknown key "colour"' <<<"$out" && ok "unknown key: error names the line" \
	|| { not_ok "unknown key (rc $rc)"; echo "#   $out"; }
cp "$TB_DIR/good" "$USBNET_WIZARD_PROFILE"; sed -i 's/^host-ip=.*/host-ip=192.168.0.300/' "$USBNET_WIZARD_PROFILE"
out=$(tb_desk "$UW_BIN" watch --once 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'line [0-9]*' <<<"$out" && ok "damaged value: watch refuses (exit 2), naming the line" \
	|| { not_ok "damaged value (rc $rc)"; echo "#   $out"; }
check_fails "profile save with a bad netmask saves nothing" tb_desk "$UW_BIN" profile save --netmask 255.0.255.0
cp "$TB_DIR/good" "$USBNET_WIZARD_PROFILE"

# --- watch over many cycles -----------------------------------------------------
before=$(desk_state)
log=$TB_DIR/watch.log
tb_desk "$UW_BIN" watch >"$log" 2>&1 &
wpid=$!
wait_for 10 grep -q 'watching for' "$log" || not_ok "watch started"
sleep 0.2
fd_base=""
bad_ping=0 bad_once=0 bad_rules=0 bad_gone=0
t0=$SECONDS
for i in $(seq 1 "$CYCLES"); do
	tb_plug
	if ! wait_applied "$log" "$i"; then bad_once=$((bad_once + 1)); fi
	# the phone gets out through the desktop (bounded wait for the first answer)
	if ! wait_for 5 tb_phone ping -c1 -W1 "$TB_PING_IP"; then bad_ping=$((bad_ping + 1)); fi
	# exactly one copy of each of our rules
	rules=$(tb_desk nft list table ip usbnet-wizard 2>/dev/null | grep -c 'comment "usbnet-wizard"')
	dup=$(tb_desk nft list table ip usbnet-wizard 2>/dev/null | grep 'comment' | sort | uniq -d | wc -l)
	if [ "$rules" != 3 ] || [ "$dup" != 0 ]; then
		bad_rules=$((bad_rules + 1)); [ $bad_rules -le 2 ] && tb_desk nft list table ip usbnet-wizard | sed 's/^/#   /'
	fi
	tb_unplug
	wait_reverted "$log" "$i" && wait_for 5 no_table || bad_gone=$((bad_gone + 1))
	# descriptors stay flat (taken once the first cycle has warmed up)
	fds=$(ls /proc/$(pgrep -P $wpid -n 2>/dev/null || echo $wpid)/fd 2>/dev/null | wc -l)
	[ -z "$fd_base" ] && fd_base=$fds
	fd_last=$fds
done
echo "# $CYCLES cycles in $((SECONDS - t0)) s"
check_eq "every plug: the profile applied once, in time" 0 "$bad_once"
check_eq "every plug: the phone reached the outside" 0 "$bad_ping"
check_eq "every plug: one copy of each rule (masquerade + 2 DNAT)" 0 "$bad_rules"
check_eq "every unplug: our nft table removed" 0 "$bad_gone"
check_eq "APPLIED logged exactly once per plug" "$CYCLES" "$(applied_count "$log")"
check_eq "REVERTED logged exactly once per unplug" "$CYCLES" "$(grep -c REVERTED "$log")"
check_eq "no FAILED line" 0 "$(grep -c FAILED "$log")"
check_eq "open descriptors stay flat ($fd_base after cycle 1)" "$fd_base" "$fd_last"
check_eq "after the last unplug the desktop is exactly as before" "$before" "$(desk_state)"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ APPLIED usb0 was plugged in: applied the profile' "$log" \
	&& ok "log lines are timestamped plain words" || { not_ok "log format"; head -3 "$log" | sed 's/^/#   /'; }

# SIGTERM while plugged: revert, then exit 0.
tb_plug
wait_applied "$log" $((CYCLES + 1)) || not_ok "applied before SIGTERM"
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid) 2>/dev/null
wait $wpid; rc=$?
check_eq "SIGTERM: exit 0" 0 "$rc"
grep -q 'REVERTED stopping' "$log" && ok "SIGTERM: the live setup was reverted" || not_ok "SIGTERM revert"
tb_unplug
check_eq "... desktop as before" "$before" "$(desk_state)"

# Already plugged in when watch starts; a non-matching interface is ignored; --once.
tb_desk ip link add veth9 type veth peer name veth9p
tb_plug
tb_desk timeout 60 "$UW_BIN" watch --once >"$TB_DIR/once.log" 2>&1 &
wpid=$!
wait_for 10 grep -q APPLIED "$TB_DIR/once.log" && ok "a gadget already plugged in is set up at start" \
	|| not_ok "already plugged"
tb_desk ip link add other0 type veth peer name other0p
wait_for 5 grep -q 'other0 appeared.*ignored' "$TB_DIR/once.log" && ok "another interface is ignored, in words" \
	|| { not_ok "ignore other"; sed 's/^/#   /' "$TB_DIR/once.log"; }
tb_desk ip link del other0
tb_unplug
wait $wpid; rc=$?
check_eq "--once: exits 0 after one plug and unplug" 0 "$rc"
tb_desk ip link del veth9
check_eq "... desktop as before" "$before" "$(desk_state)"

# udev's rename (usb0 -> enx<mac>) while set up: reverted and applied again under the new name.
tb_desk "$UW_BIN" watch >"$TB_DIR/rename.log" 2>&1 &
wpid=$!
wait_for 10 grep -q 'watching for' "$TB_DIR/rename.log" || not_ok "rename: watch started"
tb_plug
wait_applied "$TB_DIR/rename.log" 1 || not_ok "applied before rename"
tb_desk ip link set usb0 down && tb_desk ip link set usb0 name enxrename0
wait_applied "$TB_DIR/rename.log" 2 && grep -q 'APPLIED usb0 was renamed to enxrename0' "$TB_DIR/rename.log" \
	&& ok "rename: set up again under the new name" || { not_ok "rename"; sed 's/^/#   /' "$TB_DIR/rename.log"; }
check "rename: the phone reaches the outside" wait_for 5 tb_phone ping -c1 -W1 "$TB_PING_IP"
check_eq "rename: one copy of each rule" 3 "$(tb_desk nft list table ip usbnet-wizard | grep -c 'comment "usbnet-wizard"')"
tb_desk ip link del enxrename0
wait_reverted "$TB_DIR/rename.log" 2 && wait_for 5 no_table && ok "rename: unplug reverts" || not_ok "rename unplug"
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid); wait $wpid
check_eq "... desktop as before" "$before" "$(desk_state)"

# A setup left by a crashed run is reverted at start (no stale state).
tb_plug
tb_desk "$UW_BIN" apply --iface usb0 >/dev/null 2>&1
tb_unplug
tb_desk timeout 20 "$UW_BIN" watch >"$TB_DIR/stale.log" 2>&1 &
wpid=$!
wait_for 10 grep -q 'REVERTED a setup left by an earlier run' "$TB_DIR/stale.log" \
	&& ok "stale setup from an earlier run reverted at start" || { not_ok "stale"; sed 's/^/#   /' "$TB_DIR/stale.log"; }
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid); wait $wpid
check_eq "... desktop as before" "$before" "$(desk_state)"

# --- valgrind: ~20 cycles with the non-sanitizer binary ---------------------------
VG_BIN=$UW_ROOT/build/usbnet-wizard
if command -v valgrind >/dev/null && [ -x "$VG_BIN" ]; then
	vlog=$TB_DIR/vg.log
	tb_desk valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --suppressions="$UW_ROOT/tests/valgrind.supp" --log-file="$TB_DIR/vg.txt" \
		"$VG_BIN" watch >"$vlog" 2>&1 &
	wpid=$!
	wait_for 60 grep -q 'watching for' "$vlog" || not_ok "valgrind: watch started"
	vbad=0
	for i in $(seq 1 "$VG_CYCLES"); do
		tb_plug
		wait_applied "$vlog" "$i" || vbad=$((vbad + 1))
		tb_unplug
		wait_reverted "$vlog" "$i" || vbad=$((vbad + 1))
	done
	check_eq "valgrind: $VG_CYCLES cycles applied and reverted" 0 "$vbad"
	kill -TERM $(pgrep -f "valgrind.*$VG_BIN watch" | head -1) 2>/dev/null
	wait $wpid; rc=$?
	if [ $rc = 0 ] && ! grep -q 'definitely lost\|Invalid\|uninitialised' "$TB_DIR/vg.txt"; then
		ok "valgrind: zero errors, zero definite leaks"
	else
		not_ok "valgrind (rc $rc)"; head -40 "$TB_DIR/vg.txt" | sed 's/^/#   /'
	fi
	check_eq "... desktop as before" "$before" "$(desk_state)"
else
	ok "# SKIP valgrind not installed"
fi

# The systemd unit, as make install writes it (the template with sbindir in).
unit=$TB_DIR/usbnet-wizard-watch.service
sed 's|@sbindir@|/usr/local/sbin|g' "$UW_ROOT/docs/usbnet-wizard-watch.service.in" >"$unit"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify "$unit" 2>&1 | grep -v 'usbnet-wizard: No such file\|is not executable\|Command .* not found')
	[ -z "$out" ] && ok "systemd-analyze verify accepts the unit" || { not_ok "unit verify"; echo "$out" | sed 's/^/#   /'; }
else
	ok "# SKIP systemd-analyze not available"
fi
grep -q '^ExecStart=@sbindir@/usbnet-wizard watch$' "$UW_ROOT/docs/usbnet-wizard-watch.service.in" \
	&& grep -q '^Type=simple$' "$unit" && grep -q '^Restart=on-failure$' "$unit" \
	&& ok "the unit runs watch, Type=simple, Restart=on-failure" || not_ok "unit content"

tb_down
t_finish
