#!/bin/bash
# report: every section is there, as text and as JSON; no planted secret gets
# in (the phone's password, a private key in the ssh dir, a password and a
# hash in files the report reads).
source "$(dirname "$0")/lib.sh"

PW='Sw0rdfish-uwtb-91'
tb_up --phone-password "$PW" || { not_ok testbed; t_finish; }
SSHD=$TB_DIR/ssh; mkdir -p "$SSHD"; chmod 700 "$SSHD"
ssh-keygen -q -t ed25519 -N '' -C planted -f "$SSHD/id_ed25519"
KEYLINE=$(sed -n 2p "$SSHD/id_ed25519")            # a line of the private key's base64
PUBKEY=$(awk '{print $2}' "$SSHD/id_ed25519.pub")
# Secrets in files the report includes: the desktop's resolv.conf and the profile.
# Shapes the first redaction missed (issue 12 item 23): "psk VALUE", "# secret VALUE".
printf '# password=%s\nnameserver %s\npsk %s-psk\n# secret %s-sec\n' "$PW" "$TB_DNS_IP" "$PW" "$PW" \
	>"/etc/netns/$TB_DESK/resolv.conf"
HASH=$(openssl passwd -6 -salt plantedsalt "$PW")
export USBNET_WIZARD_PROFILE=$TB_DIR/profile
printf 'preset=openmoko\n# root:%s:19000::\napi_token: %s\n' "$HASH" "$PW" >"$USBNET_WIZARD_PROFILE"
tb_desk "$UW_BIN" apply >/dev/null 2>&1

R() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" report --phone --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" "$@" </dev/null; }
check "report --phone --output FILE" R --output "$TB_DIR/report.txt"
check_eq "... the file is private (600)" 600 "$(stat -c %a "$TB_DIR/report.txt")"
R --json >"$TB_DIR/report.json" 2>/dev/null
check "--json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TB_DIR/report.json"
for s in System "Detected interfaces" "Host inventory" "Plan for the default choices" Journal Doctor \
	"Saved profile" "ssh directory" "Phone check"; do
	grep -q "^===== $s =====" "$TB_DIR/report.txt" && ok "section: $s" || not_ok "section: $s"
done
grep -q 'usb0: score' "$TB_DIR/report.txt" && grep -q 'ip_forward: 1' "$TB_DIR/report.txt" \
	&& grep -q 'firewall in use: nftables' "$TB_DIR/report.txt" && grep -q 'live step' "$TB_DIR/report.txt" \
	&& grep -q 'masquerade' "$TB_DIR/report.txt" && grep -q 'could not log in' "$TB_DIR/report.txt" \
	&& ok "the sections hold the interface, inventory, firewall, journal, plan and phone result" \
	|| { not_ok "section content"; head -80 "$TB_DIR/report.txt" | sed 's/^/#   /'; }
for f in report.txt report.json; do
	leak=""
	grep -qF "$PW" "$TB_DIR/$f" && leak="$leak password"
	grep -qF "$KEYLINE" "$TB_DIR/$f" && leak="$leak private-key"
	grep -qF "$PUBKEY" "$TB_DIR/$f" && leak="$leak key-material"
	grep -qF "$HASH" "$TB_DIR/$f" && leak="$leak hash"
	grep -qF 'plantedsalt' "$TB_DIR/$f" && leak="$leak hash-salt"
	grep -q 'PRIVATE KEY' "$TB_DIR/$f" && leak="$leak pem"
	check_eq "$f: no planted secret" "" "$leak"
done
grep -q 'id_ed25519 (a private key, never included)' "$TB_DIR/report.txt" && ok "ssh dir listed by name only" \
	|| not_ok "ssh names"
grep -q 'REDACTED' "$TB_DIR/report.txt" && ok "redactions are marked" || not_ok "redaction marks"

# The phone answering: the check results appear (blank-password phone).
tb_down
tb_up
tb_desk "$UW_BIN" apply >/dev/null 2>&1
SSHD=$TB_DIR/ssh2; mkdir -p "$SSHD"
out=$(tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" report --phone --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" 2>&1)
grep -q '^\[ ok \] The phone reaches an outside address' <<<"$out" && ok "with a reachable phone, the phone check results are in" \
	|| { not_ok "phone results"; sed -n '/Phone check/,$p' <<<"$out" | sed 's/^/#   /'; }
# One renderer (core/text.c): the report's check results and doctor findings
# are `check`'s and `doctor`'s, byte for byte (issue 13).
checks_of() { grep -E '^(\[( ok |FAIL|warn|skip)\] |       )'; }
section_of() { awk -v s="===== $1 =====" '$0==s{on=1;next} /^===== /{on=0} on'; }
cli=$(tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" --no-rescue </dev/null 2>&1 | checks_of)
rep=$(section_of "Phone check" <<<"$out" | checks_of)
[ -n "$cli" ] && [ "$cli" = "$rep" ] && ok "the report's check results are check's, byte for byte" \
	|| { not_ok "check vs report"; diff <(echo "$cli") <(echo "$rep") | sed 's/^/#   /'; }
cli=$(tb_desk "$UW_BIN" doctor 2>/dev/null | sed -n '3,$p' | head -n -2)
rep=$(tb_desk "$UW_BIN" report 2>/dev/null | section_of Doctor | sed '${/^$/d}')
grep -q ' error(s), ' <<<"$cli" && [ "$cli" = "$rep" ] && ok "the report's doctor findings are doctor's, byte for byte" \
	|| { not_ok "doctor vs report"; diff <(echo "$cli") <(echo "$rep") | sed 's/^/#   /'; }
# Without --ping-ip/--test-name the report pings and resolves what `check`
# would: $USBNET_WIZARD_OUTSIDE_IP and _TEST_NAME (the testbed's internet).
out=$(tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" report --phone 2>&1)
grep -q '^\[ ok \] The phone reaches an outside address' <<<"$out" && grep -q '^\[ ok \] A name resolves on the phone' <<<"$out" &&
	ok "report --phone honours USBNET_WIZARD_OUTSIDE_IP and USBNET_WIZARD_TEST_NAME" ||
	{ not_ok "report --phone targets"; sed -n '/Phone check/,$p' <<<"$out" | sed 's/^/#   /'; }
tb_desk "$UW_BIN" revert >/dev/null 2>&1
tb_down
t_finish
