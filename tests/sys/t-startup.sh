#!/bin/bash
# Start-up pays only for what a command uses (issue 14): apply, revert,
# status and watch never load libssh, libcrypto or the curses libraries (the
# dynamic loader says which libraries it loads: LD_DEBUG=libs); check does
# load libssh, on first use, and works. Without a system bus (the testbed's
# namespaces have none) no command loads libsystemd or what it brings
# (libgcrypt, libcap, the compression libraries): it is loaded only when the
# bus socket exists (t-nm, t-firewalld and t-testbed-daemons drive that).
source "$(dirname "$0")/lib.sh"

# libs_of LOGFILE: the libraries the loader loaded, one per line
libs_of() { sed -n 's/.*calling init: //p' "$1" | xargs -r -n1 basename | sort -u; }
heavy='^lib(ssh|crypto|gssapi|krb5|k5crypto|ncurses|tinfo|menu|form|panel)'
sdbus='^lib(systemd|gcrypt|gpg-error|cap|lzma|zstd|lz4)[.]'

tb_up || { not_ok "testbed"; t_finish; }
tb_desk env LD_DEBUG=libs "$UW_BIN" --version >/dev/null 2>"$TB_DIR/ld.version"
check_eq "--version loads no ssh, crypto, curses or sd-bus library" "" \
	"$(libs_of "$TB_DIR/ld.version" | grep -E "$heavy|$sdbus")"
for cmd in apply status revert revert; do
	# The second revert has nothing to do.
	tb_desk env LD_DEBUG=libs "$UW_BIN" $cmd >/dev/null 2>"$TB_DIR/ld.$cmd"
	check_eq "$cmd loads no ssh, crypto or curses library" "" "$(libs_of "$TB_DIR/ld.$cmd" | grep -E "$heavy")"
	check_eq "$cmd without a system bus loads no libsystemd, libgcrypt or the like" "" \
		"$(libs_of "$TB_DIR/ld.$cmd" | grep -E "$sdbus")"
done
# A bus address whose socket is not there: the same "no bus" answer, and
# still nothing loaded for it.
tb_desk env LD_DEBUG=libs DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TB_DIR/no-bus" "$UW_BIN" apply \
	>"$TB_DIR/nobus.out" 2>"$TB_DIR/ld.nobus"; rc=$?
check_eq "apply with a bus address but no socket works" 0 "$rc"
check_eq "... and loads no libsystemd" "" "$(libs_of "$TB_DIR/ld.nobus" | grep -E "$sdbus")"
tb_desk "$UW_BIN" revert >/dev/null 2>&1
check "... and the loader log is what was read (libc is in it)" grep -q 'calling init: .*libc.so' "$TB_DIR/ld.apply"

export USBNET_WIZARD_PROFILE=$TB_DIR/etc/profile
tb_desk "$UW_BIN" profile save --match-driver veth --match-name 'usb*' >/dev/null 2>&1
LD_DEBUG=libs tb_desk "$UW_BIN" watch >"$TB_DIR/watch.out" 2>"$TB_DIR/ld.watch" &
wpid=$!
for i in $(seq 1 250); do grep -q APPLIED "$TB_DIR/watch.out" && break; sleep 0.02; done
check "watch applies the profile to the plugged phone" grep -q APPLIED "$TB_DIR/watch.out"
kill -TERM $(pgrep -P $wpid -n 2>/dev/null || echo $wpid) 2>/dev/null; wait $wpid
check_eq "watch loads no ssh, crypto or curses library" "" "$(libs_of "$TB_DIR/ld.watch" | grep -E "$heavy")"

tb_desk_configure 24 >/dev/null 2>&1
tb_phone_set_resolv "$TB_DNS_IP"
mkdir -p "$TB_DIR/ssh"
LD_DEBUG=libs tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" --no-rescue </dev/null >"$TB_DIR/check.out" 2>"$TB_DIR/ld.check"; rc=$?
check_eq "check passes with libssh loaded on first use" 0 "$rc"
check "... and check did load libssh" bash -c "sed -n 's/.*calling init: //p' '$TB_DIR/ld.check' | grep -q 'libssh.so'"
tb_down
t_finish
