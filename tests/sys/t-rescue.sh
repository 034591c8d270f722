#!/bin/bash
# The phone check's IPv6 rescue (issue 12 item 18): it looks on the gadget's
# real interface (not a hard-coded usb0), and what it then suggests can work:
# never "--phone-ip" with an address the desktop uses or routes elsewhere.
source "$(dirname "$0")/lib.sh"

ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 2)
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check "$@" </dev/null; }
ll_ready() { # wait for IPv6 link-local addresses to leave "tentative" on both ends
	for _ in $(seq 1 50); do
		[ -z "$(tb_desk ip -6 addr show dev "$1" tentative)" ] &&
			[ -z "$(tb_phone ip -6 addr show dev eth0 tentative)" ] && return 0
		sleep 0.1
	done
}

# 1. A gadget with a predictable name (enx<mac>): no --iface given.
tb_up || { not_ok "testbed comes up"; t_finish; }
mkdir -p "$TB_DIR/ssh"
tb_desk ip link set usb0 down
tb_desk ip link set usb0 name enx02a0b0c0d0e0
tb_desk ip link set enx02a0b0c0d0e0 up
ll_ready enx02a0b0c0d0e0
# The desktop has no IPv4 address on it yet: IPv4 cannot answer.
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "enx gadget, no desktop address: exit 1 (found, but not over IPv4)" 1 "$rc"
grep -q "Looking for the phone by its IPv6 link-local address on enx02a0b0c0d0e0" "$TB_DIR/o" &&
	ok "the rescue looks on the detected gadget enx02a0b0c0d0e0, not usb0" ||
	{ not_ok "rescue interface"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q "Found the phone at fe80::" "$TB_DIR/o" && ok "the phone is found over IPv6 on enx..." ||
	{ not_ok "found on enx"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q "no address or route on enx02a0b0c0d0e0 yet: 'sudo usbnet-wizard apply'" "$TB_DIR/o" &&
	ok "... and told the desktop side is missing (apply), not to change --phone-ip" ||
	{ not_ok "advice without desktop address"; sed 's/^/#   /' "$TB_DIR/o"; }
check_fails "a bad --iface is refused" uwc "${ARGS[@]}" --iface 'usb0;x'
tb_down

# 2. The overlap trap: the desktop's LAN is 192.168.0.0/24 and the USB link has
# no setup; the phone's 192.168.0.202 goes out of lan0. The advice names the
# overlap and apply's /32 fix, not "--phone-ip 192.168.0.202" (what was tried).
tb_up --overlap || { not_ok "testbed comes up (--overlap)"; t_finish; }
mkdir -p "$TB_DIR/ssh"
tb_desk ip link set usb0 up
ll_ready usb0
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1
grep -q "Found the phone at fe80::" "$TB_DIR/o" && ok "overlap: the phone is found over IPv6" ||
	{ not_ok "overlap: found"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q "out of lan0 (route 192.168.0.0/24), not usb0" "$TB_DIR/o" &&
	grep -q "/32 address and a host route" "$TB_DIR/o" &&
	ok "overlap: the advice names the route out of lan0 and the /32 fix" ||
	{ not_ok "overlap advice"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q -- "--phone-ip 192.168.0.202" "$TB_DIR/o" && not_ok "overlap: suggests the address already tried" ||
	ok "overlap: does not suggest --phone-ip with the address that was tried"

# 3. The phone moved to an address the desktop itself holds on its LAN.
tb_phone ip addr del "$TB_PHONE_IP/24" dev eth0
tb_phone ip addr add 192.168.0.100/24 dev eth0
uwc "${ARGS[@]}" >"$TB_DIR/o" 2>&1
grep -q "The phone's IPv4 address is: 192.168.0.100" "$TB_DIR/o" && ok "a taken address: reported" ||
	{ not_ok "taken address reported"; sed 's/^/#   /' "$TB_DIR/o"; }
grep -q -- "--phone-ip 192.168.0.100" "$TB_DIR/o" && not_ok "suggests --phone-ip with the desktop's own address" ||
	ok "a taken address: never suggested as --phone-ip"
grep -q "give the phone the expected address 192.168.0.202" "$TB_DIR/o" &&
	ok "a taken address: the advice is to give the phone the expected address" ||
	{ not_ok "taken address advice"; sed 's/^/#   /' "$TB_DIR/o"; }
tb_down
t_finish
