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

# Without a system bus, whether NetworkManager runs is guessed from its run
# directory; with none (it makes one when it starts) no process is looked
# for: plan reads no /proc/PID/comm (hundreds of reads on a desktop).
if [ ! -e /run/NetworkManager ]; then
	tb_desk strace -f -e trace=openat -o "$TB_DIR/plan.strace" "$UW_BIN" plan >/dev/null 2>&1
	check_eq "plan without NetworkManager's run directory scans no process" 0 \
		"$(grep -c '/proc/[0-9]*/comm' "$TB_DIR/plan.strace")"
	check "... (the trace is of plan's own opens)" grep -q 'ip_forward' "$TB_DIR/plan.strace"
fi

# The firewall libraries are loaded by the backend that has work (core/dynlib.h):
# on this nftables host apply and revert never map libiptc; nor libnftables and
# what it brings (libnftnl, libmnl, libxtables, libjansson, libgmp): the
# chains are read and the rules written and removed over raw netlink
# (core/nl.c), one batch per apply and per revert.
nftdeps='^lib(nftables|nftnl|mnl|xtables|jansson|gmp)[.]'
check_eq "apply on an nftables host does not load libip4tc" "" \
	"$(libs_of "$TB_DIR/ld.apply" | grep -E '^libip4tc[.]')"
check_eq "apply on an nftables host loads no libnftables (nor its libraries)" "" \
	"$(libs_of "$TB_DIR/ld.apply" | grep -E "$nftdeps")"
tb_desk "$UW_BIN" apply >/dev/null 2>&1
tb_desk env LD_DEBUG=libs "$UW_BIN" revert >"$TB_DIR/revert1.out" 2>"$TB_DIR/ld.revert1"
check "... revert removes our rules" bash -c "! ip netns exec '$TB_DESK' nft list ruleset | grep -q usbnet-wizard"
check_eq "... without loading libnftables either" "" \
	"$(libs_of "$TB_DIR/ld.revert1" | grep -E "$nftdeps")"
# libnftables missing (hidden in a mount namespace of this command alone):
# apply and revert still work; what needs the nft language (the full
# inventory of a report) says which package to install.
nftlib=$(ldconfig -p | sed -n 's/.*libnftables[.]so[.]1 (libc6,x86-64) => //p' | head -1)
nolib() { tb_desk unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$nftlib" "$UW_BIN" "$@"; }
nolib apply >"$TB_DIR/nolib.out" 2>"$TB_DIR/nolib.err"; rc=$?
check_eq "apply without libnftables on an nftables host works" 0 "$rc"
check "... and its rules are in place" bash -c "ip netns exec '$TB_DESK' nft list table ip usbnet-wizard | grep -q masquerade"
nolib report --output "$TB_DIR/nolib.report" >/dev/null 2>&1
check "a report without libnftables says which package to install" \
	grep -q 'apt-get install libnftables1' "$TB_DIR/nolib.report"
nolib revert >/dev/null 2>&1; rc=$?
check_eq "revert without libnftables works" 0 "$rc"
check "... and removes our rules" bash -c "! ip netns exec '$TB_DESK' nft list ruleset | grep -q usbnet-wizard"

tb_desk_configure 24 >/dev/null 2>&1
tb_phone_set_resolv "$TB_DNS_IP"
mkdir -p "$TB_DIR/ssh"
LD_DEBUG=libs tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" --no-rescue </dev/null >"$TB_DIR/check.out" 2>"$TB_DIR/ld.check"; rc=$?
check_eq "check passes with libssh loaded on first use" 0 "$rc"
check "... and check did load libssh" bash -c "sed -n 's/.*calling init: //p' '$TB_DIR/ld.check' | grep -q 'libssh.so'"
tb_down

# A legacy iptables host: apply and revert never map libnftables and what it
# brings (libnftnl, libmnl, libxtables, libjansson, libgmp); nftables holds no
# table there, which the kernel says without it.
tb_up --fw legacy || { not_ok "testbed (legacy)"; t_finish; }
for cmd in apply status revert; do
	tb_desk env LD_DEBUG=libs "$UW_BIN" $cmd >"$TB_DIR/$cmd.out" 2>"$TB_DIR/ld.$cmd"; rc=$?
	check_eq "$cmd on a legacy host works" 0 "$rc"
	check_eq "$cmd on a legacy host loads no libnftables (nor its libraries)" "" \
		"$(libs_of "$TB_DIR/ld.$cmd" | grep -E "$nftdeps")"
done
check "apply on a legacy host did load libip4tc" \
	bash -c "sed -n 's/.*calling init: //p' '$TB_DIR/ld.apply' | grep -q 'libip4tc.so'"
check_eq "... and nothing of ours is left after the revert" 0 \
	"$(ip netns exec "$TB_DESK" iptables-legacy-save | grep -c usbnet-wizard)"
tb_down
t_finish
