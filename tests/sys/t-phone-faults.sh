#!/bin/bash
# The phone check in each fault the testbed can make (issue 14): a dead DNS
# server, no default route on the phone, the phone's firewall dropping ping,
# dropbear stopped, the phone unplugged mid-check. For each: every check gets
# exactly one verdict (none left "Not run." as initialised), worded for what
# happened ("Not answered in time: ..." where an answer did not come). No
# timing is asserted: a 120 s watchdog only tells a hang from an answer; how
# fast the verdicts come is measured by bench/phone-check.sh.
source "$(dirname "$0")/lib.sh"

tb_up || { not_ok "testbed comes up"; t_finish; }
SSHD=$TB_DIR/ssh
mkdir -p "$SSHD"
ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --no-rescue --json)
uwc() { tb_desk timeout 120 env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check "$@" </dev/null; }
status_of() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .status' <<<"$1"; }
expl_of() { jq -r --arg id "$2" '.checks[] | select(.id == $id) | .explanation' <<<"$1"; }
IDS="host-reachable default-route outside-reachable resolv-conf name-resolves"

# every_verdict NAME JSON: the five checks, each once, each with a real verdict.
every_verdict() {
	local name=$1 out=$2 id n bad=""
	for id in $IDS; do
		n=$(jq --arg id "$id" '[.checks[] | select(.id == $id)] | length' <<<"$out" 2>/dev/null)
		[ "$n" = 1 ] || bad+=" $id:${n:-no-json}"
		case $(status_of "$out" "$id") in pass | fail | warn | skip) ;; *) bad+=" $id:status" ;; esac
		[ "$(expl_of "$out" "$id")" = "Not run." ] && bad+=" $id:unjudged"
	done
	[ -z "$bad" ] && ok "$name: every check got a verdict" ||
		{ not_ok "$name: checks without a verdict:$bad"; sed 's/^/#   /' <<<"$out" | head -30; }
}
# says NAME ID PATTERN JSON: check ID's explanation matches PATTERN (grep -E)
says() {
	local e
	e=$(expl_of "$4" "$2")
	grep -qE "$3" <<<"$e" && ok "$1: $2 says so" || not_ok "$1: $2 explanation: $e"
}

tb_desk_configure 24 || { not_ok "desktop configured"; t_finish; }
tb_phone_set_resolv "$TB_DNS_IP"
out=$(uwc "${ARGS[@]}" 2>/dev/null); rc=$?
check_eq "healthy: every check passes (exit 0)" 0 "$rc"
every_verdict healthy "$out"

# A dead DNS server: the phone asks it directly and gives up after its second.
tb_phone_set_resolv 192.168.0.99
out=$(uwc "${ARGS[@]}" 2>/dev/null); rc=$?
check_eq "dead DNS: exit 1 (not a hang: $rc)" 1 "$rc"
every_verdict "dead DNS" "$out"
check_eq "dead DNS: the outside still passes" pass "$(status_of "$out" outside-reachable)"
says "dead DNS" name-resolves "^Not answered in time: the phone asked its DNS server 192\.168\.0\.99" "$out"
says "dead DNS" resolv-conf "^Not answered in time: .*192\.168\.0\.99.*wrong or dead" "$out"
tb_phone_set_resolv "$TB_DNS_IP"

# The phone's firewall drops ping replies.
tb_phone iptables-legacy -A INPUT -p icmp --icmp-type echo-reply -j DROP
out=$(uwc "${ARGS[@]}" 2>/dev/null); rc=$?
tb_phone iptables-legacy -D INPUT -p icmp --icmp-type echo-reply -j DROP
check_eq "ping dropped: exit 1 (not a hang: $rc)" 1 "$rc"
every_verdict "ping dropped" "$out"
says "ping dropped" host-reachable "^Not answered in time: the phone pinged the desktop at $TB_HOST_IP and got no answer" "$out"
says "ping dropped" outside-reachable "cannot even reach the desktop" "$out"
check_eq "ping dropped: the route still passes" pass "$(status_of "$out" default-route)"

# No default route on the phone.
tb_phone ip route del default
out=$(uwc "${ARGS[@]}" 2>/dev/null); rc=$?
tb_phone ip route add default via "$TB_HOST_IP" dev eth0 onlink
check_eq "no route: exit 1 (not a hang: $rc)" 1 "$rc"
every_verdict "no route" "$out"
says "no route" default-route "has no default route" "$out"
says "no route" outside-reachable "default route does not go via the desktop" "$out"
says "no route" name-resolves "cannot reach the outside" "$out"

# dropbear stopped: no login, and each check says it was not run because of that.
tb_phone_stop_sshd
out=$(uwc "${ARGS[@]}" 2>"$TB_DIR/stopped.err"); rc=$?
check_eq "dropbear stopped: exit 4 (not a hang: $rc)" 4 "$rc"
grep -q "refused a connection" "$TB_DIR/stopped.err" && ok "dropbear stopped: said so" ||
	{ not_ok "dropbear stopped: message"; sed 's/^/#   /' "$TB_DIR/stopped.err"; }
every_verdict "dropbear stopped" "$out"
for id in $IDS; do
	says "dropbear stopped" "$id" "^Not run: no login to the phone" "$out"
done
tb_phone_start_sshd >/dev/null 2>&1 || not_ok "dropbear restarts"

# Unplugged mid-check. The check is held mid-way without any timing: its
# session's dropbear process is stopped (SIGSTOP) as soon as it has logged in,
# so no answer can come; then the phone is unplugged. The check must say the
# phone was unplugged, not wait for answers.
# (the dead DNS server keeps the lookup busy for a second: the window to stop it in)
tb_phone_set_resolv 192.168.0.99
logn=$(wc -l <"$TB_DIR/dropbear.log")
uwc "${ARGS[@]}" >"$TB_DIR/unplug.out" 2>"$TB_DIR/unplug.err" &
pid=$!
spid=""
for _ in $(seq 1 2000); do
	spid=$(tail -n +"$((logn + 1))" "$TB_DIR/dropbear.log" | sed -n 's/^\[\([0-9]*\)\].*Auth succeeded.*/\1/p' | head -1)
	[ -n "$spid" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.01
done
if [ -n "$spid" ]; then
	kill -STOP "$spid"
	tb_unplug
	wait $pid; rc=$?
	kill -CONT "$spid" 2>/dev/null
	out=$(cat "$TB_DIR/unplug.out")
	check_eq "unplugged mid-check: exit 1 (not a hang: $rc)" 1 "$rc"
	grep -q "The phone was unplugged" "$TB_DIR/unplug.err" && ok "unplugged mid-check: said so" ||
		{ not_ok "unplugged mid-check: message"; sed 's/^/#   /' "$TB_DIR/unplug.err"; }
	every_verdict "unplugged mid-check" "$out"
	n=$(jq '[.checks[] | select(.explanation | startswith("Not run: the phone was unplugged"))] | length' <<<"$out")
	[ "${n:-0}" -ge 1 ] && ok "unplugged mid-check: the unanswered checks say the phone was unplugged ($n)" ||
		{ not_ok "unplugged mid-check: verdicts"; sed 's/^/#   /' <<<"$out" | head -30; }
else
	wait $pid
	not_ok "unplugged mid-check: the check never logged in"
	sed 's/^/#   /' "$TB_DIR/unplug.err"
fi
tb_plug

t_finish
