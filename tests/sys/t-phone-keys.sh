#!/bin/bash
# A passphrase-protected key and no ssh-agent (issue 12 item 14): on a
# terminal the passphrase is asked and the key logs in; without one the error
# says the key is locked and how to unlock it, never "the phone refused".
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/tmux.sh"

PP='correct horse battery'
keydir=$(mktemp -d /tmp/uwp-pkey.XXXXXX)
trap_prev=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
# shellcheck disable=SC2064
trap "rm -rf '$keydir'; ${trap_prev:-:}" EXIT
ssh-keygen -q -t ed25519 -N "$PP" -f "$keydir/id_ed25519"
tb_up --phone-keyonly "$keydir/id_ed25519.pub" || { not_ok "testbed comes up"; t_finish; }
tb_desk_configure 24
tb_phone_set_resolv "$TB_DNS_IP"
mkdir -p "$TB_DIR/ssh"; cp "$keydir"/id_ed25519* "$TB_DIR/ssh/"
ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 5)

tb_desk env -u SSH_AUTH_SOCK USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check "${ARGS[@]}" \
	</dev/null >"$TB_DIR/o" 2>&1; rc=$?
check_eq "locked key, no terminal: exit 1" 1 "$rc"
grep -q "protected by a passphrase" "$TB_DIR/o" && grep -q "ssh-add" "$TB_DIR/o" &&
	ok "locked key, no terminal: the error names the passphrase and ssh-add" ||
	{ not_ok "locked key message"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q "refused every login" "$TB_DIR/o" && not_ok "locked key: blames the phone" ||
	ok "locked key: does not blame the phone"

# On a terminal: asked for, typed, logged in by key.
tmx_start 100 30 "ip netns exec $TB_DESK env -u SSH_AUTH_SOCK USBNET_WIZARD_SSH_DIR=$TB_DIR/ssh $UW_BIN check ${ARGS[*]} --yes; echo DO\"\"NE=\$?"
if tmx_wait "Passphrase for your ssh key" 60; then
	ok "on a terminal the passphrase is asked for"
	tmx_type "$PP"; tmx_keys Enter
	tmx_wait "DONE=" 60 >/dev/null
	tmx_capture "$TB_DIR/screen"
	grep -q "as root (ssh key)" "$TB_DIR/screen" && grep -q "DONE=0" "$TB_DIR/screen" &&
		ok "with the passphrase typed, the key logs in and every check passes" ||
		{ not_ok "passphrase login"; sed 's/^/#   /' "$TB_DIR/screen"; }
	grep -qF "$PP" "$TB_DIR/screen" && not_ok "the passphrase was echoed" || ok "the passphrase is not echoed"
else
	not_ok "on a terminal the passphrase is asked for"; printf '%s\n' "$TMX_LAST" | sed 's/^/#   /'
fi
tmx_kill
tb_down
t_finish
