#!/bin/bash
# The wizard (screens/) end to end: the real binary in tmux at 80x24 against
# the testbed. Enter through the defaults gets the phone online with every
# phone check passing; Esc walks back keeping choices; resize keeps the
# screen whole; the overlap scenario warns with the conflicting route and the
# recommended fix, then works; a failing step shows the error and leaves the
# host clean; auto-revert reverts when not confirmed; quitting with live
# changes asks (q and Ctrl-C); without root nothing changes; "plug in your
# phone" updates by itself on a link event; after quitting `stty -a` is
# unchanged. Screens are compared with tests/fixtures/wizard/
# (UPDATE_FIXTURES=1 rewrites them).
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/sys/wizlib.sh
source "$(dirname "$0")/wizlib.sh"

FIX=$UW_ROOT/tests/fixtures/wizard
mkdir -p "$FIX"

# The random parts of a screen: namespace names, temp paths, host key
# fingerprints, MAC addresses, pids. Replacements keep the length where the
# text is wrapped, so the wrapping stays what it was.
normalize() {
	sed -E 's/uwtb-[0-9a-f]+-(desk|phone|up)/uwtb-ID-\1/g; s#uw-wizard-ssh-[A-Za-z0-9]{6}#uw-wizard-ssh-XXXXXX#g;
		s/SHA256:[A-Za-z0-9+/]{43}/SHA256:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/g;
		s/[◐◓◑◒]/*/g; s/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g;
		s/pid [0-9]+/pid N/g'
}
fixture() { # NAME: the screen (stable for a moment) matches tests/fixtures/wizard/NAME.txt
	local got="$T/$1.txt"
	sleep 0.3
	tmx_screen | normalize >"$got"
	if [ -n "${UPDATE_FIXTURES:-}" ]; then cp "$got" "$FIX/$1.txt"; ok "fixture $1 written"; return; fi
	if diff -u "$FIX/$1.txt" "$got" >"$T/diff" 2>&1; then ok "screen matches fixture $1"
	else not_ok "screen matches fixture $1"; sed 's/^/#   /' "$T/diff" | head -40; fi
}
# ---- 1. Enter through the defaults --------------------------------------
tb_up || { not_ok "testbed up"; exit 1; }
trap cleanup EXIT
before=$(desk_state)
mkdir -p "$T/root"
wiz_start USBNET_WIZARD_PERSIST_ROOT=$T/root
expect "welcome screen" "Step 1 of 9: Welcome"; fixture welcome
k Enter; expect "detect screen lists usb0 with its reasons" "name usb0 is what"; fixture detect
k Enter; expect "netmask screen" "Step 3 of 9: Netmask"; fixture netmask
k Enter; expect "NAT screen" "Step 4 of 9: Sharing"; fixture nat
k Enter; expect "DNS screen" "Step 5 of 9: DNS"; fixture dns
k Enter; expect "review shows the seed's address command" "ip addr add 192.168.0.200/24 dev usb0"; fixture review
check_eq "nothing changed before Apply" "$before" "$(desk_state)"
k Enter; expect "apply finishes" "The desktop side is ready"; fixture apply
k Enter; expect "the first connection asks about the host key" "Trust this key"; fixture hostkey
k Enter; expect "every phone check passes" "Every check passed" 45; fixture phone-check
check "the phone reaches the outside" tb_phone ping -c1 -w5 "$TB_PING_IP"
check "the phone resolves a name" tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
check "the host key was remembered" grep -q . "$SSHD/known_hosts"
k Enter; expect "done screen" "Step 9 of 9: Done"; fixture done
k Right Right Enter; expect "make permanent asks how" "Follow the cable"
k Enter; expect "config files: shown first" "Files to install"
k Escape; expect "then asks before installing" "Install these"
k y; expect "installed under the test root" "Installed. Undo with"; k Enter
check "the permanent setup has its manifest" test -s "$T/root/var/lib/usbnet-wizard/persist.manifest"
check "persist --uninstall removes it" "$UW_BIN" persist --uninstall --root "$T/root" --yes
k Enter; expect "permanent again" "Follow the cable"
# Follow the cable runs the installed binary, never this build tree's copy
# (issue 12 item 24, issue 15): not installed under the root yet, refused.
UNIT=$T/root/etc/systemd/system/usbnet-wizard-watch.service
k Right Enter; expect "follow the cable: refused while usbnet-wizard is not installed" \
	"Install usbnet-wizard first"
check_fails "... and nothing was written" test -e "$UNIT"
k Enter
install -D -m 0755 "$UW_BIN" "$T/root/usr/local/sbin/usbnet-wizard"
k Enter; expect "permanent once more" "Follow the cable"
k Right Enter; expect "follow the cable: asks first" "Save these choices as the profile"
k y; expect "the watch service is saved, and how to turn it on is said" "Turn it on with"; k Enter
check "the profile for watch is saved" grep -q '^iface=usb0' "$T/root/etc/usbnet-wizard/profile"
check "the saved profile reads back" "$UW_BIN" profile show --profile "$T/root/etc/usbnet-wizard/profile"
check_eq "the watch unit runs the installed binary with that profile" \
	"ExecStart=/usr/local/sbin/usbnet-wizard watch --profile /etc/usbnet-wizard/profile" \
	"$(grep '^ExecStart=' "$UNIT")"
check "the watch unit is in the persist manifest" \
	grep -q 'usbnet-wizard-watch.service' "$T/root/var/lib/usbnet-wizard/persist.manifest"
k Enter; expect "permanent, with the watch service installed" "Follow the cable"
k Right Enter; expect "a second permanent setup beside the first: refused, saying why" "Already permanent"
k Enter
check "persist --uninstall removes the watch service" "$UW_BIN" persist --uninstall --root "$T/root" --yes
check_fails "... the unit is gone" test -e "$UNIT"
check_fails "... and its profile" test -e "$T/root/etc/usbnet-wizard/profile"
k F1; expect "help on the done screen" "Permanent: shows"; k Escape
# (the focus stays on the button last used: Permanent)
k Right Enter
expect "Doctor lists its findings with what it saw and why" "seen: " 45
k NPage NPage NPage NPage; expect "... ending with the count of errors and warnings" " warning(s)." 5
k Escape; expect_gone "the doctor's box closes (nothing fixable to offer on a working setup)" " warning(s)."
expect "back on the done screen, its buttons no longer covered" "< Report >"
k q; expect "q with live changes asks" "Leave them in place"; fixture quit-live
k Escape; expect_gone "the question can be cancelled" "Leave them in place"
k C-c; expect "Ctrl-C with live changes asks too" "Leave them in place"
k Escape; expect_gone "Ctrl-C question cancelled" "Leave them in place"
k q; expect "ask again" "Revert and quit"
k Left Enter
wiz_end "revert and quit" 0
check_eq "revert and quit leaves the desktop as before" "$before" "$(desk_state)"
check_fails "the phone is offline again" tb_phone ping -c1 -W1 "$TB_PING_IP"

# ---- 2. Esc keeps choices; help; resize ---------------------------------
wiz_start
expect "wizard again" "Step 1 of 9: Welcome"
k Enter; expect "detect" "Find the phone"
k Enter; expect "netmask" "Step 3 of 9: Netmask"
k Down; expect "choose /29" "(•) 255.255.255.248"
k Escape; expect "Esc goes back to detect" "Step 2 of 9: Find the phone"
k Escape; expect "Esc goes back to welcome" "Step 1 of 9: Welcome"
k Enter Enter; expect "forward again to netmask" "Step 3 of 9: Netmask"
if grep -qF "(•) 255.255.255.248 (/29)" <<<"$(tmx_screen)"; then ok "the netmask choice survived going back two screens"
else not_ok "the netmask choice survived going back two screens"; TMX_LAST=$(tmx_screen); show; fi
k '?'; expect "? opens the help" "The netmask decides"; k Escape
k Down Down; expect "custom netmask" "Netmask: ["
k Down # at the list's end, Down moves on to the field
tmx_type "/4"; expect "inline validation says why" "would claim billions"
expect "Next is disabled with the reason (the whole sentence, not cut off)" "claim billions of addresses for one USB cable"
k BSpace BSpace; tmx_type "/29"; expect_gone "valid again" "would claim billions"
k Enter; expect "NAT" "Step 4 of 9"; k Enter Enter
expect "the review uses the typed /29" "ip addr add 192.168.0.200/29 dev usb0"
k Right Right Enter; expect "save as script asks for a file name" "Write the plan's shell commands"
k C-u; tmx_type "$T/plan.sh"; k Enter; expect "the script is saved" "Saved to" 5
k Enter
check "the script is 0644" test "$(stat -c %a "$T/plan.sh")" = 644
check "the script has the plan's commands" grep -q "ip addr add 192.168.0.200/29 dev usb0" "$T/plan.sh"
check "the script has the undo commands" grep -q "ip addr del 192.168.0.200/29 dev usb0" "$T/plan.sh"
echo precious >"$T/plan.sh"
k Right Right Enter; expect "save again" "Write the plan's shell commands"
k C-u; tmx_type "$T/plan.sh"; k Enter; expect "an existing file is not overwritten without asking" "Replace it?"
k Enter; sleep 0.3
check_eq "the answer No (the default) keeps the file" precious "$(cat "$T/plan.sh")"
k Escape; expect "back to DNS" "Step 5 of 9: DNS"
s1=$(tmx_screen)
tmx_resize 100 30; sleep 0.5
if tmx_screen | head -1 | grep -q "Step 5 of 9: DNS" && tmx_screen | tail -1 | grep -q "q Quit"; then
	ok "at 100x30 the screen is whole"; else not_ok "at 100x30 the screen is whole"; TMX_LAST=$(tmx_screen); show; fi
tmx_resize 60 20; expect "too small a terminal says so" "enlarge to 80x24"
tmx_resize 80 24; sleep 0.5
check_eq "back at 80x24 the screen is the same" "$s1" "$(tmx_screen)"
k q
wiz_end "quit with nothing live does not ask" 0
check_eq "walking around changed nothing" "$before" "$(desk_state)"

# ---- 3. a failing step --------------------------------------------------
wiz_start USBNET_WIZARD_FAULT=fail:3
expect "wizard with a fault" "Welcome"
to_review
expect "at review" "Step 6 of 9: Review"
k Enter; expect "the failure is shown" "Applying failed"; fixture apply-failed
expect "the rollback is shown" "Undone:"
check_eq "the failed apply left the desktop as before" "$before" "$(desk_state)"
k Enter; expect "Next stays disabled after a failure" "go Back to retry"
k q
wiz_end "quit after a failure" 0

# ---- 4. apply with automatic revert, not confirmed ----------------------
wiz_start USBNET_WIZARD_CONFIRM_SECONDS=2
expect "wizard for auto-revert" "Welcome"
to_review
expect "at review" "Step 6 of 9: Review"
k Right Enter
expect "the countdown runs" "Automatic revert in"
expect "not confirmed: reverted" "Not confirmed in time" 8
check_eq "the automatic revert restored the desktop" "$before" "$(desk_state)"
k q
wiz_end "quit after auto-revert" 0

# ---- 5. without root ----------------------------------------------------
wiz_start -- setpriv --reuid=65534 --regid=65534 --clear-groups
expect "wizard without root" "Not running as root"
to_review
expect "review without root" "Step 6 of 9: Review"
k Enter; expect "apply explains that root is needed" "Changing the network needs root"
k Enter; expect_gone "the root box closes" "Root is needed"
expect "and stays on review" "Step 6 of 9: Review"
check_eq "without root nothing changed" "$before" "$(desk_state)"
k q
wiz_end "quit without root" 0
tmx_kill; tb_down

# ---- 6. overlap ---------------------------------------------------------
tb_up --overlap || { not_ok "testbed up --overlap"; t_finish; }
trap cleanup EXIT
wiz_start
expect "overlap: welcome" "Welcome"
k Enter; expect "detect" "Find the phone"
k Enter; expect "the overlap screen names the conflicting route" "route 192.168.0.0/24 dev lan0"
expect "and recommends the /32 fix" "Recommended: /32"; fixture overlap
k Enter; expect "the netmask screen shows the recommended choice" "(•) 255.255.255.255"
k Enter Enter Enter
expect "review" "Review"
k NPage; expect "review has the host route" "ip route add 192.168.0.202/32 dev usb0"
k Enter; expect "apply" "The desktop side is ready"
k Enter; expect "host key" "Trust this key"
k Enter; expect "overlap: every phone check passes" "Every check passed" 45
check "overlap: the phone reaches the outside" tb_phone ping -c1 -w5 "$TB_PING_IP"
check "overlap: the LAN router is still reachable" tb_desk ping -c1 -w5 192.168.0.1
k Enter; expect "done" "Step 10 of 10: Done"
k Enter
wiz_end "quit from Done leaves the changes" 0
expect "a note says how to revert" "the changes stay in place"
check "revert from the CLI afterwards" tb_desk "$UW_BIN" revert
tmx_kill; tb_down

# ---- 7. a phone with a password, no default route and a dead nameserver ----
tb_up --phone-password sekrit --phone-no-route --phone-bad-resolv || { not_ok "testbed up (broken phone)"; t_finish; }
trap cleanup EXIT
wiz_start
expect "broken phone: welcome" "Welcome"
to_review
expect "review" "Step 6 of 9: Review"
k Enter; expect "apply" "The desktop side is ready"
k Enter; expect "host key" "Trust this key"
k Enter; expect "the password is asked in a modal box" "Typing is not shown"; fixture password
tmx_type sekrit; k Enter
expect "logged in with the password" "(password)" 10
# A fix can reveal the next problem (with a route, the dead nameserver
# shows): offer, confirm, check again until everything passes.
for round in 1 2 3; do
	expect "failed checks offer fixes (round $round)" "Fix... offers the phone-side fixes" 45
	if [ $round = 1 ]; then
		fixture phone-failing
		# The focus is on the buttons (Fix...): Up/Down still walk the
		# checklist, its details line follows, the focus stays put.
		k Down; expect "Down on the buttons shows the next check's details" \
			"The phone gets answers from the desktop at $TB_HOST_IP"
		k Down; expect "Down again: the route check's details" "The phone has no default route"
		# The item those details belong to is marked (underlined: SGR 4).
		if tmx_screen -e | grep -F "default route goes via" | grep -qE $'\e\\[([0-9;]*;)?4(;[0-9;]*)?m[^\e]*The phone.s default route'; then
			ok "the selected check is underlined while the focus is on the buttons"
		else not_ok "the selected check is underlined while the focus is on the buttons"
			tmx_screen -e | grep -F "default route goes via" | cat -v | sed 's/^/#   /'; fi
		expect_gone "the login's details are no longer shown" "Logged in to $TB_PHONE_IP"
		k Up; expect "Up goes back a check" "The phone gets answers from the desktop"
		k Up; expect "Up to the login's details" "Logged in to $TB_PHONE_IP"
	fi
	k Enter; expect "the fix is shown with its command (round $round)" "Apply this fix on the phone?"
	if [ $round = 1 ]; then
		fixture phone-fix
		k Right Enter; expect "Show commands shows what runs on the phone" "Runs on the phone:"
		fixture phone-fix-commands
		k Escape; expect "back to the question" "Apply this fix on the phone?"
	fi
	while tmx_screen | grep -qF "Apply this fix on the phone?"; do k Enter; sleep 0.3; done
	# The old results stay as the backdrop until the screen is rebuilt.
	tmx_wait_gone "Fix... offers" 10
	for i in $(seq 1 100); do
		TMX_LAST=$(tmx_screen)
		grep -qE "Every check passed|Fix\.\.\. offers" <<<"$TMX_LAST" && break
		sleep 0.2
	done
	grep -qF "Every check passed" <<<"$TMX_LAST" && break
done
expect "after the fixes every check passes" "Every check passed" 45
check "the fixed phone reaches the outside" tb_phone ping -c1 -w5 "$TB_PING_IP"
check "the fixed phone resolves a name" tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"
k Enter; expect "done" "Done"
k q; expect "asks" "Revert and quit"; k Left Enter
wiz_end "broken phone: revert and quit" 0
tmx_kill; tb_down

# ---- 8. verdicts as they come; leaving a login that hangs -----------------
tb_up || { not_ok "testbed up (slow phone)"; t_finish; }
trap cleanup EXIT
# The phone's default route points at a gateway that does not exist: the
# route check fails at once, the outside ping then waits its 4 s for ARP.
tb_phone ip route replace default via 192.168.0.1 dev eth0 onlink
# A 60 s ssh timeout: leaving within 10 s below can only be the cancel, never
# the timeout running out (and 10 s keeps a busy machine from failing it).
wiz_start USBNET_WIZARD_SSH_TIMEOUT=60
expect "slow phone: welcome" "Welcome"
to_review
expect "review" "Step 6 of 9: Review"
k Enter; expect "apply" "The desktop side is ready"
k Enter; expect "host key" "Trust this key"
k Enter
# Every screen until the count, seen while the checks run. They all start at
# once (core/phonecheck.c runs them concurrently), so each row may only move
# forward: waiting (·), running (spinner), then its one verdict, which stays.
# Every check starts before any answers, so no screen shows a verdict while
# a row still waits (its start was posted first, and posts keep their order);
# and one screen shows the route verdict while the outside check still spins.
rows=("reaches this computer" "default route goes via" "reaches an outside address"
	"resolv.conf names a usable server" "name resolves")
hist=("" "" "" "" "")
mixed="" both="" done=""
for i in $(seq 1 900); do
	TMX_LAST=$(tmx_screen)
	classes=""
	for r in 0 1 2 3 4; do
		line=$(grep -F "${rows[$r]}" <<<"$TMX_LAST")
		case "$line" in
		*"·"*) c=P ;;
		*[◐◓◑◒]*) c=R ;;
		*"✓"*) c=V✓ ;; *"✗"*) c=V✗ ;; *"!"*) c=V! ;; *"│   -  "*) c=V- ;;
		*) c=? ;;
		esac
		classes+="$c "
		last=${hist[$r]##* }
		[ "$last" = "$c" ] || hist[r]="${hist[$r]} $c"
	done
	[[ "$classes" == *P* && "$classes" == *V* ]] && mixed="$classes"
	[[ "$classes" =~ ^[^\ ]+\ V✗\ R\  ]] && both=1
	if grep -qF "of 5 checks passed" <<<"$TMX_LAST"; then done=$classes; break; fi
	sleep 0.05
done
[ -n "$both" ] && ok "the route check shows failed while the outside check is still running" ||
	{ not_ok "the route check shows failed while the outside check is still running"; show; }
bad=""
for r in 0 1 2 3 4; do
	[[ "${hist[$r]}" =~ ^(\ P)?(\ R)?(\ V[^\ ]+)?$ ]] || bad+="${rows[$r]}:${hist[$r]}; "
done
[ -z "$bad" ] && ok "each check goes waiting, running, then one verdict that stays" ||
	{ not_ok "each check goes waiting, running, then one verdict that stays"; echo "# $bad"; }
[ -z "$mixed" ] && ok "no verdict shows while a check still waits to start" ||
	{ not_ok "no verdict shows while a check still waits to start"; echo "# $mixed"; }
[[ "$done" =~ ^(V[^\ ]+\ ){5}$ ]] && ok "the count comes with a verdict on every check" ||
	{ not_ok "the count comes with a verdict on every check"; echo "# ${done:-no count}"; show; }
expect "the checks end with the count" "of 5 checks passed" 45
# A phone that accepts the connection but never answers (dropbear stopped):
# the login hangs until the ssh timeout. Leaving must not wait for it.
db=$(cat "$TB_DIR/dropbear.pid")
k Escape; expect "back to apply" "Step 7 of 9"
expect "apply again: already in place" "The desktop side is ready"
kill -STOP "$db"
k Enter; expect "the phone check logs in again" "Logging in to the phone" 10
t0=$(date +%s%N)
k Escape
if tmx_wait "Step 7 of 9" 10; then ok "Esc during a hanging login shows the previous screen (no wait for the 60 s timeout)"
else not_ok "Esc during a hanging login shows the previous screen (no wait for the 60 s timeout)"; show; fi
echo "# left the hanging login in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect "apply again" "The desktop side is ready"
k Enter; expect "the phone check again, a new login" "Logging in to the phone" 10
k q; expect "q during a hanging login asks at once (no wait for the 60 s timeout)" "Revert and quit" 10
k Left Enter
# The revert took the link away, so the hanging login would only end with
# its 60 s timeout: the wizard leaves without waiting for it.
wiz_end "quit while a login hangs (no wait for the 60 s timeout)" 0
kill -CONT "$db"
tmx_kill; tb_down

# ---- 9. plug in the phone while the wizard waits -------------------------
tb_up --no-phone || { not_ok "testbed up --no-phone"; t_finish; }
trap cleanup EXIT
wiz_start
expect "no phone: welcome" "Welcome"
k Enter; expect "no phone yet: asks to plug it in" "No phone found yet"; fixture detect-waiting
k Enter; expect "Next is disabled until a phone appears" "plug in the phone"
tb_plug
expect "the link event brings the phone onto the screen" "name usb0 is what" 3
k q
wiz_end "quit while detecting" 0
tmx_kill; tb_down
t_finish
