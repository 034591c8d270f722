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
tb_down
t_finish
