#!/bin/bash
# The phone check over the built-in ssh client, against the testbed's real
# dropbear: before and after the desktop side, the fixes, a reflashed phone,
# and the ways it can go wrong (unreachable, wrong port, garbage and huge
# output, the phone vanishing mid-check). The binary runs inside the desktop
# namespace with its own ssh directory in $TB_DIR.
source "$(dirname "$0")/lib.sh"

tb_up || { not_ok "testbed comes up"; t_finish; }
SSHD=$TB_DIR/ssh
ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3)
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check "$@" </dev/null; }
status_of() { # json id
	jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' <<<"$1"
}
expl_of() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .explanation' <<<"$1"; }

# The desktop has its address on usb0 but no NAT yet (half of the host side).
tb_desk ip addr add "$TB_HOST_IP/24" dev usb0
tb_desk ip link set usb0 up

# A connection that fails (nothing listens on port 2) creates no ssh directory.
uwc "${ARGS[@]}" --port 2 --no-rescue >/dev/null 2>&1
check_fails "a refused connection leaves no ssh directory behind" test -e "$SSHD"

out=$(uwc "${ARGS[@]}" --json 2>"$TB_DIR/err1"); rc=$?
check_eq "before NAT: exit status 1" 1 "$rc"
check_eq "before NAT: host reachable passes" pass "$(status_of "$out" host-reachable)"
check_eq "before NAT: default route passes" pass "$(status_of "$out" default-route)"
check_eq "before NAT: outside fails" fail "$(status_of "$out" outside-reachable)"
grep -q "does not forward or masquerade" <<<"$(expl_of "$out" outside-reachable)" &&
	ok "before NAT: outside failure explained as missing forwarding/NAT" ||
	not_ok "outside explanation: $(expl_of "$out" outside-reachable)"
check_eq "before NAT: name resolution fails" fail "$(status_of "$out" name-resolves)"
grep -q "First connection" "$TB_DIR/err1" && grep -q "SHA256:" "$TB_DIR/err1" &&
	ok "first contact: trust on first use with the fingerprint shown" || not_ok "TOFU message"
fp1=$(jq -r .host_key <<<"$out")
check_eq "known_hosts holds one entry for the phone" 1 "$(grep -c "^$TB_PHONE_IP " "$SSHD/known_hosts")"

# After the seed's recipe on the desktop (NAT, forwarding, the DNS proxy the
# phone's shipped resolv.conf points at): everything passes.
tb_desk ip addr del "$TB_HOST_IP/24" dev usb0
tb_desk_configure 24
check "after configure: all checks pass (exit 0)" uwc "${ARGS[@]}"
# A phone with no DNS server at all: detected, and the fix writes one.
printf '# no DNS server known\n' >"/etc/netns/$TB_PHONE/resolv.conf"
out=$(uwc "${ARGS[@]}" --json 2>/dev/null)
check_eq "after configure: outside passes" pass "$(status_of "$out" outside-reachable)"
check_eq "after configure: empty resolv.conf detected" fail "$(status_of "$out" resolv-conf)"
check_eq "after configure: the suggested fix is resolv" resolv \
	"$(jq -r '.checks[] | select(.id == "resolv-conf") | .fix' <<<"$out")"
check_fails "the fix is not applied without --yes and without a terminal" \
	uwc "${ARGS[@]}" --fix --dns "$TB_DNS_IP"
check_eq "phone resolv.conf unchanged without consent" "# no DNS server known" \
	"$(cat "/etc/netns/$TB_PHONE/resolv.conf")"
check "--fix --yes writes the phone's resolv.conf and all checks pass" \
	uwc "${ARGS[@]}" --fix --yes --dns "$TB_DNS_IP"
check_eq "the phone's resolv.conf now names the DNS server" "nameserver $TB_DNS_IP" \
	"$(cat "/etc/netns/$TB_PHONE/resolv.conf")"
check "a fresh check passes (exit 0)" uwc "${ARGS[@]}"
out=$(uwc "${ARGS[@]}" --json 2>/dev/null)
check_eq "JSON: all_pass" true "$(jq -r .all_pass <<<"$out")"
# Progress on a terminal only: with stderr a tty (script(1) gives the run a
# pty) a transient line names the check being run; stdout, the JSON, is the
# same bytes as without a terminal, where no progress is written at all.
uwc "${ARGS[@]}" --json >"$TB_DIR/j.plain" 2>"$TB_DIR/e.plain"
script -qec "ip netns exec $TB_DESK env USBNET_WIZARD_SSH_DIR=$SSHD $UW_BIN check ${ARGS[*]} --json >$TB_DIR/j.tty </dev/null" \
	/dev/null >"$TB_DIR/e.tty" 2>&1
grep -q "Checking from the phone's side: 5 of 5 verdicts in (5 passed, 0 not)" "$TB_DIR/e.tty" &&
	ok "on a terminal, progress names each check as it runs" ||
	{ not_ok "progress on a terminal"; sed 's/^/#   /' "$TB_DIR/e.tty" | cat -v | head; }
grep -q "Checking from" "$TB_DIR/e.plain" && not_ok "progress written without a terminal" ||
	ok "without a terminal no progress is written"
# (the ping times are the only bytes that may differ between runs: each
# reply's round trip, and the whole run's "time 0ms" or "time 1ms")
rtt() { sed -E 's/time=[0-9.]+ ms/time=T ms/g; s#= [0-9./]+ ms#= T ms#g; s/, time [0-9]+ms/, time Tms/g' "$1"; }
[ -s "$TB_DIR/j.tty" ] && [ "$(rtt "$TB_DIR/j.plain")" == "$(rtt "$TB_DIR/j.tty")" ] &&
	ok "--json output is byte-identical with stderr on a terminal (round-trip times aside)" ||
	{ not_ok "--json differs with a terminal"; diff "$TB_DIR/j.plain" "$TB_DIR/j.tty" | sed 's/^/#   /' | head; }
check_fails "a bad --dns is refused before anything runs" uwc "${ARGS[@]}" --fix --yes --dns "1.2.3.4;reboot"

# A reflashed phone: new host key. Detected, explained, never silently accepted.
tb_phone_reflash
cp "$SSHD/known_hosts" "$TB_DIR/kh.before"
uwc "${ARGS[@]}" >"$TB_DIR/reflash.out" 2>&1; rc=$?
check_eq "reflash: exit status 1" 1 "$rc"
grep -q "host key changed" "$TB_DIR/reflash.out" && grep -qF "$fp1" "$TB_DIR/reflash.out" &&
	grep -q "reflashed" "$TB_DIR/reflash.out" &&
	ok "reflash: old fingerprint shown and explained" ||
	{ not_ok "reflash message"; sed 's/^/#   /' "$TB_DIR/reflash.out"; }
grep -q "Logged in" "$TB_DIR/reflash.out" && not_ok "reflash: logged in anyway" ||
	ok "reflash: nothing sent to the phone"
check_eq "reflash: known_hosts untouched" "$(cat "$TB_DIR/kh.before")" "$(cat "$SSHD/known_hosts")"
# --replace-host-key asks first (issue 12 item 22); with no terminal to ask on
# (setsid: no controlling terminal) and no --yes it keeps the old key.
setsid -w ip netns exec "$TB_DESK" env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check "${ARGS[@]}" \
	--replace-host-key </dev/null >"$TB_DIR/noask.out" 2>&1; rc=$?
check_eq "--replace-host-key without a terminal or --yes: refused (exit 1)" 1 "$rc"
grep -q "no terminal to confirm on.*--replace-host-key --yes" "$TB_DIR/noask.out" &&
	ok "... and it says to confirm with --yes" || { not_ok "no-terminal sentence"; sed 's/^/#   /' "$TB_DIR/noask.out"; }
check_eq "... known_hosts untouched" "$(cat "$TB_DIR/kh.before")" "$(cat "$SSHD/known_hosts")"
out=$(uwc "${ARGS[@]}" --json --replace-host-key --yes 2>"$TB_DIR/replace.err"); rc=$?
check_eq "--replace-host-key: connects and passes" 0 "$rc"
fp2=$(jq -r .host_key <<<"$out")
[ -n "$fp2" ] && [ "$fp2" != "$fp1" ] && grep -qF "$fp2" "$TB_DIR/replace.err" &&
	ok "--replace-host-key: the new fingerprint was shown" || not_ok "new fingerprint ($fp1 / $fp2)"
check_eq "known_hosts holds exactly one, new, entry" 1 "$(grep -c "^$TB_PHONE_IP " "$SSHD/known_hosts")"
check "next check accepts the new key without options" uwc "${ARGS[@]}"

# Unreachable address, wrong port: clear results, never a hang. The watchdog
# (timeout 120, far beyond any deadline) only tells a hang from an answer;
# how fast the answer comes is measured in bench/, not asserted here.
uwc_wd() { tb_desk timeout 120 env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check "$@" </dev/null; }
uwc_wd "${ARGS[@]}" --phone-ip 192.168.0.203 --no-rescue --timeout 2 >"$TB_DIR/unr.out" 2>&1; rc=$?
[ "$rc" -ne 124 ] && ok "unreachable phone: the check ends by itself (no hang)" ||
	not_ok "unreachable phone: still running after the 120 s watchdog"
check_eq "unreachable phone: exit 4" 4 "$rc"
grep -qiE "did not answer|No route" "$TB_DIR/unr.out" && ok "unreachable phone: said so" ||
	{ not_ok "unreachable message"; sed 's/^/#   /' "$TB_DIR/unr.out"; }
uwc "${ARGS[@]}" --port 2222 --no-rescue >"$TB_DIR/port.out" 2>&1; rc=$?
check_eq "wrong port: exit 4" 4 "$rc"
grep -q "refused a connection on port 2222" "$TB_DIR/port.out" && ok "wrong port: said so" ||
	{ not_ok "wrong port message"; sed 's/^/#   /' "$TB_DIR/port.out"; }
uwc "${ARGS[@]}" --user nobody >"$TB_DIR/auth.out" 2>&1; rc=$?
check_eq "refused login: exit 1" 1 "$rc"
grep -q "refused every login" "$TB_DIR/auth.out" && ok "refused login: said so" ||
	{ not_ok "refused login message"; sed 's/^/#   /' "$TB_DIR/auth.out"; }

# Garbage and huge output: 300 KB of random bytes as the phone's resolv.conf.
head -c 300000 /dev/urandom >"/etc/netns/$TB_PHONE/resolv.conf"
out=$(uwc "${ARGS[@]}" --json 2>/dev/null); rc=$?
check_eq "garbage resolv.conf: exit 1, no crash" 1 "$rc"
ev=$(jq -r '.checks[] | select(.id == "resolv-conf") | .evidence' <<<"$out")
[ ${#ev} -ge 60000 ] && [ ${#ev} -le 70000 ] && grep -q "output cut at 64 KiB" <<<"$ev" &&
	ok "huge output is capped at 64 KiB and says so (${#ev} chars)" || not_ok "cap (${#ev} chars)"
uwc "${ARGS[@]}" >"$TB_DIR/garbage.out" 2>&1
if LC_ALL=C grep -q $'\x1b' "$TB_DIR/garbage.out"; then not_ok "escape bytes reached the terminal"
else ok "no escape bytes from the phone reach the terminal"; fi
tb_phone_set_resolv "$TB_DNS_IP"

# The phone vanishes mid-check: its link goes down while a ping runs there.
tb_desk iptables -I FORWARD -s 192.168.0.0/24 -j DROP # the outside ping now waits 2 s
uwc_wd "${ARGS[@]}" --timeout 2 >"$TB_DIR/vanish.out" 2>&1 &
pid=$!
sleep 1
tb_phone ip link set eth0 down
wait $pid; rc=$?
tb_phone ip link set eth0 up
tb_phone ip route add default via "$TB_HOST_IP" dev eth0 onlink 2>/dev/null
tb_desk iptables -D FORWARD -s 192.168.0.0/24 -j DROP
[ "$rc" -ne 124 ] && ok "vanished phone: the check ends by itself (no hang)" ||
	not_ok "vanished phone: still running after the 120 s watchdog"
[ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && ok "vanished phone: failing exit status $rc, no crash" ||
	not_ok "vanished phone: rc $rc"
grep -qE "stopped answering|no answer within|Not run" "$TB_DIR/vanish.out" &&
	ok "vanished phone: said so" || { not_ok "vanish message"; sed 's/^/#   /' "$TB_DIR/vanish.out"; }
for i in $(seq 1 30); do tb_phone ping -c1 -W1 "$TB_HOST_IP" >/dev/null 2>&1 && break; done
check "after the phone is back, the check passes again" uwc "${ARGS[@]}"

t_finish
