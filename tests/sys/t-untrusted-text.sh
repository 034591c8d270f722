#!/bin/bash
# Untrusted text never reaches a terminal, a report or JSON as it was written
# (issue 10, finding 3 and the names in finding 2): a hostile phone's ssh
# banner (which libssh quotes in its error), a hostile phone's command output
# (its resolv.conf), and file names in the ssh directory come out as inert,
# valid UTF-8 in `check`, `check --json`, `report --phone` and its --json.
source "$(dirname "$0")/lib.sh"

INERT=$UW_ROOT/tests/sys/inert.py
FP=""
cleanup_fake() { [ -n "$FP" ] && kill "$FP" 2>/dev/null && wait "$FP" 2>/dev/null; FP=""; }
# A fake ssh server in the phone's namespace whose identification string is
# the file $1: libssh refuses the protocol version and puts the line in its error.
fake_sshd() {
	cat >"$TB_DIR/fake-sshd.py" <<'PY'
import socket, sys
banner = open(sys.argv[1], 'rb').read()
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', 22)); s.listen(8)
while True:
    c, _ = s.accept()
    try:
        c.sendall(banner)
        c.settimeout(2)
        try: c.recv(4096)
        except Exception: pass
    finally:
        c.close()
PY
	ip netns exec "$TB_PHONE" python3 "$TB_DIR/fake-sshd.py" "$1" 2>>"$TB_DIR/fake-sshd.log" &
	FP=$!
	local i
	for i in $(seq 1 100); do
		tb_phone bash -c 'exec 3<>/dev/tcp/127.0.0.1/22' 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# inert NAME FILE [--json]
inert() {
	local name=$1 f=$2; shift 2
	if python3 "$INERT" "$f" "$@" >"$TB_DIR/inert.out" 2>&1; then ok "$name"; else
		not_ok "$name"; sed 's/^/#   /' "$TB_DIR/inert.out"; cat -v "$f" | head -20 | sed 's/^/#   /'; fi
}

trap 'cleanup_fake' EXIT     # set before tb_up, which keeps it and adds its own teardown
tb_up || { not_ok testbed; t_finish; }
SSHD=$TB_DIR/ssh; mkdir -p "$SSHD"; chmod 700 "$SSHD"
# File names anyone who can write the directory chooses: an OSC 52 clipboard
# write with a C1 CSI, and a newline followed by a sudoers line.
touch "$SSHD/$(printf 'id_\033]52;c;aGk=\007\2332J\302\233x')" \
	"$SSHD/$(printf 'notes\nroot ALL=(ALL) NOPASSWD: ALL')"
tb_desk "$UW_BIN" apply >/dev/null 2>&1
tb_phone_stop_sshd
printf 'SSH-1.0-x\033]52;c;aGk=\007\2332J\302\2331m\033[2J\r\n' >"$TB_DIR/banner"
fake_sshd "$TB_DIR/banner" || not_ok "the fake ssh server started"
D() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" "$@" </dev/null; }
D check --ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" >"$TB_DIR/check.txt" 2>&1
grep -q 'banner: SSH-1.0-x' "$TB_DIR/check.txt" && ok "check quotes the hostile banner in its error" \
	|| { not_ok "check shows the banner"; cat -v "$TB_DIR/check.txt" | sed 's/^/#   /'; }
inert "check: the banner comes out inert" "$TB_DIR/check.txt"
D check --json >"$TB_DIR/check.json" 2>/dev/null
inert "check --json: valid UTF-8 JSON, no ESC or C1" "$TB_DIR/check.json" --json
grep -q 'banner: SSH-1.0-x' "$TB_DIR/check.json" && ok "check --json holds the error" || not_ok "check --json error"
D report --phone >"$TB_DIR/report.txt" 2>&1
inert "report --phone: the banner and the file names come out inert" "$TB_DIR/report.txt"
grep -q 'could not log in: .*banner: SSH-1.0-x' "$TB_DIR/report.txt" && ok "report --phone quotes the banner" \
	|| { not_ok "report banner"; sed -n '/Phone check/,$p' "$TB_DIR/report.txt" | cat -v | sed 's/^/#   /'; }
check_eq "report: a file name's newline starts no line of its own" 0 \
	"$(grep -c '^root ALL' "$TB_DIR/report.txt")"
grep -q '^  notes?root ALL=(ALL) NOPASSWD: ALL$' "$TB_DIR/report.txt" && ok "report: that name is one line" \
	|| { not_ok "report: one line per name"; sed -n '/ssh directory/,/=====/p' "$TB_DIR/report.txt" | cat -v | sed 's/^/#   /'; }
D report --phone --json >"$TB_DIR/report.json" 2>/dev/null
inert "report --phone --json: valid UTF-8 JSON, no ESC or C1" "$TB_DIR/report.json" --json
cleanup_fake

# A real phone whose command output is hostile: its resolv.conf.
tb_phone_start_sshd || not_ok "dropbear restarted"
printf 'nameserver 127.0.0.1\n# \033]52;c;aGk=\007\2332J\302\2331m\300\257\355\240\200 caf\303\251\n' \
	>"/etc/netns/$TB_PHONE/resolv.conf"
D check --ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" >"$TB_DIR/check2.txt" 2>&1
grep -q '?\]52;c;aGk=' "$TB_DIR/check2.txt" && ok "check shows the phone's hostile resolv.conf line" \
	|| { not_ok "check shows resolv.conf"; cat -v "$TB_DIR/check2.txt" | sed 's/^/#   /'; }
grep -q "café" "$TB_DIR/check2.txt" && ok "valid multibyte text from the phone is kept" || not_ok "multibyte kept"
inert "check: the phone's output comes out inert" "$TB_DIR/check2.txt"
D check --json >"$TB_DIR/check2.json" 2>/dev/null
inert "check --json: the phone's output, valid UTF-8 JSON" "$TB_DIR/check2.json" --json
D report --phone >"$TB_DIR/report2.txt" 2>&1
inert "report --phone: the phone's output comes out inert" "$TB_DIR/report2.txt"
tb_desk "$UW_BIN" revert >/dev/null 2>&1

# Names in the desktop's firewall: whoever made them chose them (raw netlink
# or `nft -j` take any byte but NUL). A dropping forward chain whose name holds
# an OSC 52 clipboard write, a CSI and a C1 CSI, and a masquerade whose oifname
# does, reach the plan, the doctor and the report: inert there, and no rule is
# written into or shown for that chain.
cat >"$TB_DIR/hostile.json" <<'J'
{"nftables": [
 {"add": {"table": {"family": "inet", "name": "hx"}}},
 {"add": {"chain": {"family": "inet", "table": "hx", "name": "fw\u001b]52;c;aGk=\u0007\u009b2J\u001b[31m",
   "type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}}},
 {"add": {"chain": {"family": "inet", "table": "hx", "name": "po",
   "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}},
 {"add": {"rule": {"family": "inet", "table": "hx", "chain": "po", "expr": [
   {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "e\u001b[2Jx"}},
   {"masquerade": null}]}}}
]}
J
tb_desk nft -j -f "$TB_DIR/hostile.json" || not_ok "the hostile names were loaded"
tb_desk nft list table inet hx | grep -q $'fw\e]52' && ok "the kernel holds the hostile chain name" \
	|| not_ok "hostile chain name in the kernel"
before=$(tb_desk nft list ruleset | md5sum)
tb_desk "$UW_BIN" plan >"$TB_DIR/plan-h.txt" 2>&1
inert "plan: a hostile nftables chain name comes out inert" "$TB_DIR/plan-h.txt"
grep -q 'chain "inet hx fw?]52;c;aGk=??2J?\[31m" drops forwarded traffic, but its name' "$TB_DIR/plan-h.txt" \
	&& ok "plan names that chain, made safe, and says it writes nothing there" \
	|| { not_ok "plan names the hostile chain"; cat -v "$TB_DIR/plan-h.txt" | sed 's/^/#   /'; }
tb_desk "$UW_BIN" plan --json >"$TB_DIR/plan-h.json" 2>/dev/null
inert "plan --json: valid UTF-8 JSON, no ESC or C1" "$TB_DIR/plan-h.json" --json
tb_desk "$UW_BIN" doctor >"$TB_DIR/doctor-h.txt" 2>&1
inert "doctor: the hostile names come out inert" "$TB_DIR/doctor-h.txt"
tb_desk "$UW_BIN" doctor --json >"$TB_DIR/doctor-h.json" 2>/dev/null
inert "doctor --json: valid UTF-8 JSON, no ESC or C1" "$TB_DIR/doctor-h.json" --json
tb_desk "$UW_BIN" report >"$TB_DIR/report-h.txt" 2>&1
inert "report: the hostile names come out inert" "$TB_DIR/report-h.txt"
tb_desk "$UW_BIN" apply >"$TB_DIR/apply-h.txt" 2>&1 && ok "apply goes on beside the hostile chain" \
	|| { not_ok "apply beside the hostile chain"; cat -v "$TB_DIR/apply-h.txt" | sed 's/^/#   /'; }
inert "apply: the hostile names come out inert" "$TB_DIR/apply-h.txt"
# (nft cannot name that chain in a command: the whole table is listed,
# which must succeed and show the chain, else this check proves nothing)
if tb_desk nft list table inet hx >"$TB_DIR/hx.txt" 2>&1 && grep -q $'chain fw\e]52' "$TB_DIR/hx.txt"; then
	grep -q usbnet-wizard "$TB_DIR/hx.txt" && { not_ok "no rule of ours in the hostile chain"; cat -v "$TB_DIR/hx.txt" | sed 's/^/#   /'; } \
		|| ok "no rule of ours in the hostile chain"
else
	not_ok "the hostile table could be listed"; cat -v "$TB_DIR/hx.txt" | sed 's/^/#   /'
fi
tb_desk "$UW_BIN" revert >/dev/null 2>&1
check_eq "the firewall is back as it was" "$before" "$(tb_desk nft list ruleset | md5sum)"

# Interface names: the kernel takes any byte but '/', ':', white space and NUL
# (an ESC too). A veth pair named with an OSC 52 write and a CSI, one end
# holding an address in the phone's subnet and a route: never a phone
# candidate, and inert wherever a name or a route of it is shown.
H1=$(printf 'e\033]52;c;aGk=\a'); H2=$(printf 'u\033[2J')
tb_desk ip link add "$H1" type veth peer name "$H2" && tb_desk ip addr add 192.168.0.77/24 dev "$H1" \
	&& tb_desk ip link set "$H1" up && ok "hostile interface names made" || not_ok "hostile interface names"
for c in detect "detect --json" status plan "plan --json" doctor "doctor --json" report "report --json"; do
	# shellcheck disable=SC2086
	tb_desk "$UW_BIN" $c >"$TB_DIR/ifn.out" 2>&1
	case $c in *--json) inert "$c beside hostile interface names" "$TB_DIR/ifn.out" --json ;;
	*) inert "$c beside hostile interface names" "$TB_DIR/ifn.out" ;; esac
done
tb_desk "$UW_BIN" detect >"$TB_DIR/ifn.out" 2>&1
grep -q '^\* usb0 ' "$TB_DIR/ifn.out" && ! grep -q 'e?]52' "$TB_DIR/ifn.out" \
	&& ok "detect: usb0 is the phone, the hostile links are no candidates" \
	|| { not_ok "detect beside hostile names"; cat -v "$TB_DIR/ifn.out" | sed 's/^/#   /'; }
tb_desk ip link del "$H1"
tb_down
t_finish
