#!/bin/bash
# The wizard (tmux, 80x24) on a desktop with the real daemons (issue 11):
#  - NetworkManager (testbed --nm): the Detect screen says NetworkManager
#    manages usb0, the Review screen lists its step with the shell command;
#    Enter through the defaults applies, every phone check passes, and still
#    does a minute later (past NetworkManager's DHCP timeout); Revert from
#    the wizard and NetworkManager's devices and connections are as before.
#  - firewalld (testbed --firewalld): the Detect screen says which zone holds
#    usb0, the Review screen lists the zone and keeper steps with their shell
#    commands; apply, `firewall-cmd --reload`, every phone check passes;
#    Revert from the wizard and `firewall-cmd --list-all-zones`, the
#    policies and the permanent configuration are byte-identical to before.
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

# Every phone check, from the CLI, with the host key the wizard remembered.
phone_checks() {
	tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
		--test-name "$TB_TEST_NAME" --no-rescue </dev/null
}
has_addr() { tb_desk ip -4 -o addr show dev usb0 | grep -q "$TB_HOST_IP/"; }
# The review's text scrolls: page down (bounded) until STRING is on screen.
review_shows() { # NAME STRING
	local i
	for i in 1 2 3 4 5 6; do
		tmx_wait "$2" 1 && { ok "$1"; return; }
		k NPage
	done
	not_ok "$1 (no \"$2\" on any page of the review)"; show
}
# Enter through the defaults: Review, Apply, the host key, the phone check.
wizard_apply() { # LABEL
	k Enter; expect "$1: apply finishes" "Done." 30
	k Enter; expect "$1: the first connection asks about the host key" "Trust this key"
	k Enter; expect "$1: every phone check passes" "Every check passed" 45
}
# Done screen, Revert (asks first), then quit: nothing is live, so no question.
wizard_revert() { # LABEL
	k Enter; expect "$1: done screen" "Step 9 of 9: Done"
	k Right Enter; expect "$1: Revert asks first" "Undo every change"
	k y; expect "$1: reverted from the wizard" "the desktop is as it was before" 30
	k Enter; k q
	wiz_end "$1: quit after revert" 0
}

# ---- NetworkManager ----------------------------------------------------------

tb_up --nm || { not_ok "testbed with NetworkManager"; exit 1; }
trap cleanup EXIT
wait_for 10 nm_took_usb0
before=$(nm_view)
grep -q '^usb0:ethernet:connecting:Wired connection 1$' <<<"$before" &&
	ok "[nm] NetworkManager takes usb0 (Wired connection 1) before the wizard starts" ||
	{ not_ok "[nm] NetworkManager takes usb0"; sed 's/^/#   /' <<<"$before"; }

wiz_start
expect "[nm] welcome" "Step 1 of 9: Welcome"
k Enter; expect "[nm] detect: usb0" "name usb0 is what"
expect "[nm] detect says NetworkManager manages usb0, with its connection" 'NetworkManager manages usb0 (connection "Wired connection 1"'
for n in 3 4 5 6; do k Enter; tmx_wait "Step $n of" 10 || { not_ok "[nm] Enter reaches step $n"; show; }; done
expect "[nm] review: NetworkManager's step" "NetworkManager leaves usb0 alone while this setup is live"
review_shows "[nm] review: ... with its shell command" '$ nmcli device set usb0 managed no'
wizard_apply "[nm]"
check "[nm] NetworkManager leaves usb0 alone" bash -c "[ \"\$(ip netns exec $TB_DESK env DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS nmcli -g GENERAL.STATE device show usb0)\" = '10 (unmanaged)' ]"
sleep 60  # one functional wait, past NetworkManager's DHCP timeout (35-45 s)
check "[nm] 60 s later usb0 still has $TB_HOST_IP" has_addr
check "[nm] 60 s later every phone check passes" phone_checks
wizard_revert "[nm]"
if wait_for 30 nm_view_is "$before"; then
	ok "[nm] after the wizard's revert NetworkManager's devices and connections are as before"
else
	not_ok "[nm] NetworkManager as before"; diff <(echo "$before") <(nm_view) | sed 's/^/#   /'
fi
check_fails "[nm] ... and usb0 has no address of ours" has_addr
tb_down

# ---- firewalld -----------------------------------------------------------------

tb_up --firewalld || { not_ok "testbed with firewalld"; exit 1; }
trap cleanup EXIT
before=$(fwd_state)
wiz_start
expect "[firewalld] welcome" "Step 1 of 9: Welcome"
k Enter; expect "[firewalld] detect: usb0" "name usb0 is what"
expect "[firewalld] detect says firewalld runs and usb0 is in no zone" "firewalld runs: usb0 is in no zone"
for n in 3 4 5 6; do k Enter; tmx_wait "Step $n of" 10 || { not_ok "[firewalld] Enter reaches step $n"; show; }; done
review_shows "[firewalld] review: the zone step with its shell command" '$ firewall-cmd --zone=nm-shared --change-interface=usb0'
review_shows "[firewalld] review: the keeper step with its shell command" '$ usbnet-wizard __firewalld-keeper usb0 nm-shared'
wizard_apply "[firewalld]"
check "[firewalld] usb0 is in nm-shared" in_zone
check "[firewalld] firewall-cmd --reload" tb_fwcmd --reload
check "[firewalld] after the reload usb0 is back in nm-shared" wait_for 10 in_zone
check "[firewalld] after the reload every phone check passes" phone_checks
wizard_revert "[firewalld]"
check_eq "[firewalld] after the wizard's revert: zones, policies and permanent configuration byte-identical" \
	"$before" "$(fwd_state)"
check "[firewalld] no keeper left" no_keeper
tb_down

t_finish
