#!/bin/bash
# Phone scenarios, one testbed each: password phone, key-only phone, no
# default route, wrong resolv.conf, a phone whose IPv4 address is not the
# expected one (found over IPv6 link-local), the ssh extras (key install,
# ~/.ssh/config entry) and persistence in the phone's interfaces file.
source "$(dirname "$0")/lib.sh"

ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3 --dns "$TB_DNS_IP")
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check "$@" </dev/null; }
fresh() { # tb_up options...
	tb_down
	tb_up "$@" || { not_ok "testbed comes up ($*)"; t_finish; }
	mkdir -p "$TB_DIR/ssh"
	tb_desk_configure 24
	tb_phone_set_resolv "$TB_DNS_IP"
}

# Password-protected phone: blank login refused, the password (from a file,
# the scripted stand-in for the terminal prompt) works, a wrong one is refused.
fresh --phone-password 's3cret pw'
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "password phone without a password: exit 1" 1 "$rc"
grep -q "refused every login" "$TB_DIR/o" && ok "password phone: refusal explained" ||
	{ not_ok "refusal message"; sed 's/^/#   /' "$TB_DIR/o"; }
printf 'wrong\n' >"$TB_DIR/pw.bad"; printf 's3cret pw\n' >"$TB_DIR/pw.good"
check_fails "password phone: wrong password refused" uwc "${ARGS[@]}" --password-file "$TB_DIR/pw.bad"
uwc "${ARGS[@]}" --password-file "$TB_DIR/pw.good" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "password phone: right password, all checks pass" 0 "$rc"
grep -q "as root (password)" "$TB_DIR/o" && ok "password phone: logged in by password" ||
	not_ok "auth method"
grep -q "s3cret" "$TB_DIR/o" && not_ok "the password appears in the output" ||
	ok "the password never appears in the output"

# Key-only phone: the key in the (temp) ssh dir is used.
keydir=$(mktemp -d /tmp/uwp-key.XXXXXX)
ssh-keygen -q -t ed25519 -N '' -f "$keydir/id_ed25519"
fresh --phone-keyonly "$keydir/id_ed25519.pub"
check_fails "key-only phone without the key: refused" uwc "${ARGS[@]}"
cp "$keydir"/id_ed25519* "$TB_DIR/ssh/"
rm -rf "$keydir"
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "key-only phone with the key: all pass" 0 "$rc"
grep -q "as root (ssh key)" "$TB_DIR/o" && ok "key-only phone: logged in by key" || not_ok "auth method key"

# No default route on the phone: detected, --fix --yes adds it, check passes.
fresh --phone-no-route
out=$(uwc "${ARGS[@]}" --json 2>/dev/null)
check_eq "no route: detected" fail "$(jq -r '.checks[] | select(.id=="default-route") | .status' <<<"$out")"
check_eq "no route: fix suggested" route "$(jq -r '.checks[] | select(.id=="default-route") | .fix' <<<"$out")"
check "no route: --fix --yes fixes it, all pass" uwc "${ARGS[@]}" --fix --yes
check_eq "the phone now has its default route via the desktop" "default via $TB_HOST_IP" \
	"$(tb_phone ip route show default | awk '{print $1, $2, $3}')"
check "no route: a fresh check passes" uwc "${ARGS[@]}"

# Wrong resolv.conf (a dead server): detected as wrong, fixed.
fresh --phone-bad-resolv
printf 'nameserver 203.0.113.99\n' >"/etc/netns/$TB_PHONE/resolv.conf"
out=$(uwc "${ARGS[@]}" --json 2>/dev/null)
check_eq "bad resolv: detected" fail "$(jq -r '.checks[] | select(.id=="resolv-conf") | .status' <<<"$out")"
jq -r '.checks[] | select(.id=="resolv-conf") | .explanation' <<<"$out" | grep -q "wrong or dead" &&
	ok "bad resolv: explained" || not_ok "bad resolv explanation"
# The dead server is asked directly with a short wait, and the verdict says
# that it did not answer in time (not that the name does not exist).
for id in resolv-conf name-resolves; do
	jq -r ".checks[] | select(.id==\"$id\") | .explanation" <<<"$out" | grep -q "^Not answered in time: " &&
		ok "bad resolv: the $id verdict says 'Not answered in time'" ||
		{ not_ok "bad resolv: $id not 'Not answered in time'"; jq -r ".checks[] | select(.id==\"$id\")" <<<"$out" | sed 's/^/#   /'; }
done
jq -r '.checks[] | select(.id=="name-resolves") | .evidence' <<<"$out" | grep -q '^uw-lookup-exit 124$' &&
	ok "... the lookup was cut after its short wait (exit 124 of timeout)" || not_ok "bad resolv: lookup not cut"
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1
grep -q "suggested fix: run 'usbnet-wizard check --fix'" "$TB_DIR/o" && ! grep -q "suggested fix: resolv" "$TB_DIR/o" &&
	ok "bad resolv: the suggested fix is a command to run (issue 12 item 25)" ||
	{ not_ok "bad resolv: suggested fix is not a command"; grep "suggested" "$TB_DIR/o" | sed 's/^/#   /'; }
check "bad resolv: --fix --yes fixes it" uwc "${ARGS[@]}" --fix --yes
check_eq "the phone's resolv.conf was rewritten" "nameserver $TB_DNS_IP" \
	"$(cat "/etc/netns/$TB_PHONE/resolv.conf")"
check_eq "the old resolv.conf was kept for undo" "nameserver 203.0.113.99" \
	"$(cat "$TB_DIR/phone-root/.usbnet-wizard-backup/resolv.conf")"

# ssh extras: install a key (generated on consent) and a Host entry, never twice.
check "install-key generates a key and installs it" uwc "${ARGS[@]}" --install-key --yes
[ -s "$TB_DIR/ssh/id_ed25519" ] && [ "$(stat -c %a "$TB_DIR/ssh/id_ed25519")" = 600 ] &&
	ok "the new private key exists with mode 600" || not_ok "private key"
check_eq "the phone's authorized_keys holds the new key" "$(cat "$TB_DIR/ssh/id_ed25519.pub")" \
	"$(cat "$TB_DIR/phone-root/.ssh/authorized_keys")"
uwc "${ARGS[@]}" --install-key --yes >"$TB_DIR/o" 2>&1
grep -q "already has your key" "$TB_DIR/o" && ok "install-key twice: not duplicated" || not_ok "key twice"
check_eq "authorized_keys still has one line" 1 "$(wc -l <"$TB_DIR/phone-root/.ssh/authorized_keys")"
printf 'Host other\n\tHostName 198.51.100.9' >"$TB_DIR/ssh/config"
uwc "${ARGS[@]}" --ssh-config neo >"$TB_DIR/o" 2>&1 && ok "ssh-config adds a Host entry" ||
	{ not_ok "ssh-config adds a Host entry"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q "now 'ssh neo' logs in to the phone" "$TB_DIR/o" && ! grep -q NAME "$TB_DIR/o" &&
	ok "ssh-config names the alias it added (not a placeholder)" ||
	{ not_ok "ssh-config message"; sed 's/^/#   /' "$TB_DIR/o"; }
uwc "${ARGS[@]}" --ssh-config neo >"$TB_DIR/o" 2>&1
grep -q "already has a 'Host neo'" "$TB_DIR/o" && ok "ssh-config twice: not duplicated" || not_ok "config twice"
check_eq "ssh config: old content kept, one stanza added" \
	"$(printf 'Host other\n\tHostName 198.51.100.9\n\n# added by usbnet-wizard\nHost neo\n\tHostName 192.168.0.202\n\tUser root')" \
	"$(cat "$TB_DIR/ssh/config")"

# Persistence in the phone's interfaces file (a copy in the phone's home:
# the testbed phone shares the machine's /etc, which must not be touched).
ifile=$TB_DIR/phone-root/interfaces
printf 'auto usb0\niface usb0 inet static\n\taddress 192.168.0.202\n\tnetmask 255.255.255.0\n\n# Bluetooth networking\niface bnep0 inet dhcp\n' >"$ifile"
check "--persist writes the interfaces file" \
	tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" USBNET_WIZARD_PHONE_INTERFACES="$ifile" \
	"$UW_BIN" check "${ARGS[@]}" --persist --yes
tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" USBNET_WIZARD_PHONE_INTERFACES="$ifile" \
	"$UW_BIN" check "${ARGS[@]}" --persist --yes >"$TB_DIR/o" 2>&1; rc=$?
check_eq "a second --persist: exit 0" 0 "$rc"
grep -q "Already in place on the phone" "$TB_DIR/o" && ! grep -q "fix failed" "$TB_DIR/o" &&
	ok "a second --persist says the lines are already there, not that it failed" ||
	{ not_ok "second --persist"; sed 's/^/#   /' "$TB_DIR/o"; }
check_eq "a second --persist adds nothing" 1 "$(grep -c 'gateway' "$ifile")"
grep -q "gateway $TB_HOST_IP" "$ifile" && grep -q "up echo nameserver $TB_DNS_IP > /etc/resolv.conf" "$ifile" &&
	ok "interfaces: gateway and DNS lines in the usb0 stanza" || { not_ok "interfaces"; sed 's/^/#   /' "$ifile"; }
[ "$(sed -n '/usbnet-wizard/,$p' "$ifile" | grep -c bnep0)" = 1 ] && ok "interfaces: added before the next stanza" ||
	not_ok "placement"

# Rescue: the phone's IPv4 address is not the expected one. Found over IPv6
# link-local, its real address reported; the known host key still applies.
fresh
uwc "${ARGS[@]}" >/dev/null 2>&1 # remember the key under 192.168.0.202
tb_phone ip addr del "$TB_PHONE_IP/24" dev eth0
tb_phone ip addr add 192.168.0.77/24 dev eth0
for i in $(seq 1 50); do
	[ -z "$(tb_desk ip -6 addr show dev usb0 tentative)" ] &&
		[ -z "$(tb_phone ip -6 addr show dev eth0 tentative)" ] && break
	sleep 0.1
done
uwc "${ARGS[@]}" --timeout 2 --json >"$TB_DIR/o" 2>"$TB_DIR/e"; rc=$?
check_eq "rescue: exit 1 (the expected address does not answer)" 1 "$rc"
grep -q "Found the phone at fe80::" "$TB_DIR/e" && ok "rescue: found over IPv6 link-local" ||
	{ not_ok "rescue"; sed 's/^/#   /' "$TB_DIR/e"; }
check_eq "rescue: the phone's real IPv4 address reported" 192.168.0.77 "$(jq -r '.phone_ipv4[0]' "$TB_DIR/o")"
grep -q "First connection" "$TB_DIR/e" && not_ok "rescue re-trusted the key" ||
	ok "rescue: host key checked against the phone's known entry"

t_finish
