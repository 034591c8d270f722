#!/bin/bash
# persist's nm target against the real NetworkManager and firewalld
# (testbed --nm --firewalld, the desktop's files under $TB_ROOT, where the
# testbed's NetworkManager reads its connections):
#  - `persist --target nm --install` writes the keyfile and the running
#    NetworkManager loads it at once (no restart, no `nmcli connection
#    reload` by hand): it is matched by the interface name the udev rule
#    gives the gadget by its USB ids, never by a MAC;
#  - the phone plugged in: NetworkManager brings the connection up by
#    itself (method=shared: its own NAT and DNS, no dispatcher needed), the
#    phone reaches the simulated internet and resolves a name, usb0 is in
#    firewalld's zone nm-shared;
#  - `firewall-cmd --reload`, and NetworkManager restarted (a reboot's
#    worth): the phone is still online;
#  - `persist --uninstall`: NetworkManager forgets the connection at once;
#    with the phone plugged in again its devices and connections, and
#    firewalld's zones, policies and permanent configuration, are as before.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@" </dev/null; }
# NetworkManager's view (a replugged gadget's automatic connection gets a
# UUID from its new MAC: left out), firewalld's runtime and permanent state
# (lib.sh), and the desktop's file tree.
NM_ANY_UUID=1
root_tree() { (cd "$TB_ROOT" && find . -printf '%p %M %s\n' | sort); }
usb0_on() { [ "$(tb_nmcli -g GENERAL.STATE,GENERAL.CONNECTION device show usb0 2>/dev/null | tr '\n' ' ')" = "100 (connected) $1 " ]; }
online() { tb_phone_ping "$TB_PING_IP" >/dev/null 2>&1; }
resolves() { tb_phone getent ahostsv4 "$TB_TEST_NAME" | grep -q "$TB_TEST_NAME_IP"; }

tb_up --nm --firewalld || { not_ok "testbed with NetworkManager and firewalld"; t_finish; }
wait_for 10 nm_took_usb0
before_nm=$(nm_view)
before_fw=$(fwd_state)
before_root=$(root_tree)
grep -q '^usb0:ethernet:connecting:Wired connection 1$' <<<"$before_nm" &&
	ok "NetworkManager takes usb0 (Wired connection 1) before anything is installed" ||
	{ not_ok "NetworkManager takes usb0"; sed 's/^/#   /' <<<"$before_nm"; }

# --- a hook-based target on a firewalld host says what it cannot do ----------------
out=$(W persist --show --target udev 2>&1)
grep -q "Note: firewalld runs here, and the udev target does not put usb0 into a firewalld zone" <<<"$out" &&
	ok "persist --target udev with firewalld running: says firewalld would drop the phone's traffic, names nm and watch" ||
	{ not_ok "persist --target udev notes firewalld"; head -5 <<<"$out" | sed 's/^/#   /'; }
out=$(W persist --show --target nm 2>&1)
grep -q "Note: firewalld" <<<"$out" && not_ok "persist --target nm needs no firewalld note" ||
	ok "persist --target nm: no such note (NetworkManager binds the zone)"

# --- install: NetworkManager loads the keyfile by itself -------------------------
KF=$TB_NM_CONN/usbnet-wizard-usb0.nmconnection
check "persist --target nm --install --root \$TB_ROOT" W persist --target nm --install --root "$TB_ROOT" --yes
check_eq "the keyfile is where NetworkManager reads connections, mode 0600" 600 "$(stat -c %a "$KF" 2>&1)"
check_eq "the running NetworkManager loaded it (from that file, no reload by hand)" \
	"usbnet-wizard-usb0:$KF" "$(tb_nmcli -t -f NAME,FILENAME connection | grep '^usbnet-wizard-usb0:')"
check_eq "NetworkManager: matched by the interface name, no MAC (interface-name|mac-address)" "usb0|" \
	"$(tb_nmcli -g connection.interface-name,802-3-ethernet.mac-address connection show usbnet-wizard-usb0 | paste -sd '|')"
check_eq "NetworkManager: its own sharing on the phone's fixed address, firewalld zone nm-shared" \
	"shared 192.168.0.200/24 nm-shared" \
	"$(tb_nmcli -g ipv4.method,ipv4.addresses,connection.zone connection show usbnet-wizard-usb0 | tr '\n' ' ' | sed 's/ $//')"
check "the udev rule names the gadget by its USB ids (Openmoko 1457:5122), not by MAC" \
	grep -q 'ATTRS{idVendor}=="1457", ATTRS{idProduct}=="5122", NAME="usb0"' \
	"$TB_ROOT/etc/udev/rules.d/70-usbnet-wizard-usb0-name.rules"
check_fails "... and nothing in it matches a MAC" grep -qi 'address' "$TB_ROOT/etc/udev/rules.d/70-usbnet-wizard-usb0-name.rules"
check_fails "no dispatcher script: NetworkManager's sharing needs none" \
	test -e "$TB_ROOT/etc/NetworkManager/dispatcher.d/90-usbnet-wizard-usb0"

# --- the phone plugged in: online through NetworkManager's connection ------------
tb_unplug
tb_plug
check "plugged in: NetworkManager brings up usbnet-wizard-usb0 on usb0 by itself" wait_for 30 usb0_on usbnet-wizard-usb0
check "usb0 has the address the phone expects" bash -c "ip -n $TB_DESK -4 -o addr show dev usb0 | grep -q ' $TB_HOST_IP/24 '"
check "usb0 is in firewalld's zone nm-shared" wait_for 10 in_zone
check "the phone reaches the outside ($TB_PING_IP)" online
check "the phone resolves a name through the desktop ($TB_HOST_IP)" resolves
check "firewall-cmd --reload" tb_fwcmd --reload
check "after the reload usb0 is in nm-shared again" wait_for 10 in_zone
check "after the reload the phone reaches the outside" online
check "NetworkManager restarted (a reboot's worth)" tb_nm_restart
check "after the restart NetworkManager brings the connection up again" wait_for 30 usb0_on usbnet-wizard-usb0
check "after the restart usb0 is in nm-shared" wait_for 10 in_zone
check "after the restart the phone reaches the outside" online
check "and resolves a name" resolves

# --- uninstall: both daemons as before ---------------------------------------------
check "persist --uninstall --root \$TB_ROOT" W persist --uninstall --root "$TB_ROOT" --yes
check_fails "the keyfile is gone" test -e "$KF"
no_conn() { ! tb_nmcli -t -f NAME connection | grep -q '^usbnet-wizard-usb0$'; }
check "NetworkManager forgot the connection at once (no reload by hand)" wait_for 10 no_conn
check_eq "... and let usb0 go" "" "$(tb_nmcli -g GENERAL.CONNECTION device show usb0 2>&1)"
# NetworkManager makes its automatic "Wired connection 1" for a device that
# appears: the phone plugged in again finds the desktop as before.
tb_unplug
tb_plug
if wait_for 30 nm_view_is "$before_nm"; then
	ok "after uninstall (and a replug) NetworkManager's devices and connections are as before (usb0 on its automatic connection)"
else
	not_ok "after uninstall NetworkManager as before"; diff <(echo "$before_nm") <(nm_view) | sed 's/^/#   /'
fi
fwd_is() { [ "$(fwd_state)" == "$1" ]; }
wait_for 10 fwd_is "$before_fw"
check_eq "after uninstall firewalld's zones, policies and permanent configuration are as before" \
	"$before_fw" "$(fwd_state)"
check_eq "after uninstall the desktop's files are as before" "$before_root" "$(root_tree)"

tb_down
t_finish
