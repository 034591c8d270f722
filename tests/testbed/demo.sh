#!/bin/bash
# `make demo`: the wizard against a simulated phone. Builds nothing itself
# (make does); starts the testbed, runs ./usbnet-wizard inside the simulated
# desktop namespace in this terminal, and tears everything down when the
# wizard exits — also on Ctrl-C. The machine's own network is never touched.
set -u
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: network namespaces need root: run 'sudo make demo'" >&2
	exit 1
fi
source tests/testbed/testbed.sh
tb_up "$@" || { echo "demo: the simulated phone could not be started" >&2; exit 1; }

cat <<MSG
usbnet-wizard demo — a simulated phone is plugged in.

  desktop namespace  $TB_DESK  (the wizard runs here; the phone is on usb0)
  phone              root@$TB_PHONE_IP, blank password, real dropbear
  "internet"         $TB_PING_IP answers ping, $TB_TEST_NAME resolves

Everything happens inside these namespaces and disappears when you quit.
MSG
if [ -n "${_tb_nm_pid:-}" ]; then
	echo "  NetworkManager     runs in the desktop namespace and manages usb0, as on a laptop"
fi
if [ -n "${_tb_fwd_pid:-}" ]; then
	echo "  firewalld          runs in the desktop namespace (zone $(tb_fwcmd --get-default-zone 2>/dev/null))"
fi

if [ -t 0 ] && [ -t 1 ]; then
	[ -z "${DEMO_NO_PAUSE:-}" ] && read -r -p "Press Enter to start the wizard... " _
	# (the testbed exported USBNET_WIZARD_RUNDIR, _OUTSIDE_IP and _TEST_NAME:
	# journal in its temp dir, phone checks aimed at the simulated internet)
	# Files the wizard would write outside the namespaces go into the testbed's
	# temp dir too: the ssh directory, and Permanent's configuration files.
	mkdir -p "$TB_DIR/persist-root"
	tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" USBNET_WIZARD_PERSIST_ROOT="$TB_DIR/persist-root" \
		USBNET_WIZARD_DEMO=1 ./usbnet-wizard
	rc=$?
else
	# No terminal (a script or CI): show what the wizard would do instead.
	echo "(no terminal: showing the plan instead of the interactive wizard)"
	tb_desk ./usbnet-wizard plan
	rc=$?
fi
echo "demo: cleaning up the simulated phone..."
tb_down
exit $rc
