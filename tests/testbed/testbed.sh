#!/bin/bash
# shellcheck shell=bash
#
# The simulated phone: three network namespaces made for this run only.
#
#   desktop ns (TB_DESK)   usb0 (veth, unconfigured, like a freshly plugged gadget)
#                          lan0 198.51.100.2/24, default route via 198.51.100.1
#   phone ns   (TB_PHONE)  eth0 192.168.0.202/24, default route via 192.168.0.200,
#                          real dropbear on :22, blank root password, root's
#                          shell /bin/sh, its own /etc/resolv.conf (via /etc/netns)
#   upstream   (TB_UP)     lan0 198.51.100.1/24; "the internet": 203.0.113.1
#                          (ping target) and 203.0.113.53 (dnsmasq) on lo
#
# Source this file, then:  tb_up [OPTIONS]   (teardown is automatic on exit,
# error, Ctrl-C and SIGTERM; tb_down may also be called by hand).
#
# Options (scenario switches):
#   --overlap            desktop LAN is 192.168.0.0/24 (desktop 192.168.0.100,
#                        router 192.168.0.1) — the seed's overlap trap
#   --phone-password PW  phone root has password PW (blank logins refused)
#   --phone-keyonly F    phone accepts only the public key in file F
#   --phone-no-route     phone has no default route
#   --phone-bad-resolv   phone's resolv.conf names a dead server (default: the
#                        desktop, 192.168.0.200, as a FreeRunner ships)
#   --forward-drop       desktop firewall FORWARD policy DROP (like Docker/ufw)
#   --dns-stub           desktop resolv.conf is 127.0.0.53; the real upstream
#                        is in $TB_DIR/resolved.conf (USBNET_WIZARD_RESOLVED_CONF)
#   --fw legacy|nft      the desktop "uses" legacy iptables or nftables (a
#                        harmless host rule is planted in that one); default nft
#   --no-phone           make only desktop + upstream (no usb0 yet); tb_plug adds it
#   --nm                 the real NetworkManager runs in the desktop namespace
#                        (it takes usb0 and starts DHCP on it, as on a laptop)
#   --firewalld          the real firewalld runs in the desktop namespace
#                        (both together are fine). Either starts a private
#                        D-Bus system bus first; DBUS_SYSTEM_BUS_ADDRESS names
#                        it. Read their state with tb_nmcli / tb_fwcmd;
#                        tb_nm_restart restarts NetworkManager (a reboot).
#
# Safety: nothing here touches the machine's own namespace. Every command
# that changes state runs with `ip -n NS` or `ip netns exec NS`. The daemons
# run in a mount namespace of their own too, so their files (/run,
# /var/lib/NetworkManager, /etc/firewalld) are private copies in $TB_DIR.

TB_PHONE_IP=192.168.0.202
TB_HOST_IP=192.168.0.200
TB_PING_IP=203.0.113.1
TB_DNS_IP=203.0.113.53
TB_TEST_NAME=phone-test.example
TB_TEST_NAME_IP=203.0.113.1
export TB_PHONE_IP TB_HOST_IP TB_PING_IP TB_DNS_IP TB_TEST_NAME TB_TEST_NAME_IP
# The phone check's outside address and test name point into the simulated
# internet, so no check ever sends anything beyond these namespaces.
USBNET_WIZARD_OUTSIDE_IP=$TB_PING_IP USBNET_WIZARD_TEST_NAME=$TB_TEST_NAME
export USBNET_WIZARD_OUTSIDE_IP USBNET_WIZARD_TEST_NAME

_tb_log() { echo "testbed: $*" >&2; }

tb_desk()  { ip netns exec "$TB_DESK" "$@"; }

# ping_ok IP [SECONDS]: succeed as soon as one echo comes back, trying for up
# to SECONDS (default 5). A neighbour entry left FAILED or INCOMPLETE by an
# earlier unanswered ping can turn the first tries into "Host Unreachable"
# for up to three seconds after the link starts working; a real user would
# simply try again too. Run it inside a namespace: tb_phone ping_ok ...
ping_ok() {
	local ip=$1 secs=${2:-5} end
	end=$(( $(date +%s) + secs ))
	while :; do
		ping -c1 -W1 "$ip" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
export -f ping_ok
tb_phone_ping() { ip netns exec "$TB_PHONE" bash -c 'ping_ok "$@"' _ "$@"; }
tb_desk_ping()  { ip netns exec "$TB_DESK" bash -c 'ping_ok "$@"' _ "$@"; }
tb_phone() { ip netns exec "$TB_PHONE" "$@"; }
tb_up_ns() { ip netns exec "$TB_UP" "$@"; }

_tb_write_phone_etc() { # password-field
	local etc=/etc/netns/$TB_PHONE
	mkdir -p "$etc"
	# root's home is a per-run directory so authorized_keys never touches /root.
	printf 'root:x:0:0:root:%s:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
		"$TB_DIR/phone-root" >"$etc/passwd"
	printf 'root:%s:19000:0:99999:7:::\n' "$1" >"$etc/shadow"
	chmod 600 "$etc/shadow"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$etc/group"
	if [ -n "${_tb_bad_resolv:-}" ]; then
		printf 'nameserver 203.0.113.99\n' >"$etc/resolv.conf"
	else
		# As a FreeRunner ships: it assumes a DNS server on the desktop.
		printf 'nameserver %s\n' "$TB_HOST_IP" >"$etc/resolv.conf"
	fi
	# A phone has no hosts entries for the test names.
	printf '127.0.0.1 localhost\n' >"$etc/hosts"
}

tb_phone_start_sshd() {
	local extra=()
	[ -n "${_tb_keyonly:-}" ] && extra+=(-s)
	[ -z "${_tb_keyonly:-}" ] && [ -z "${_tb_password:-}" ] && extra+=(-B)
	rm -f "$TB_DIR/dropbear.pid"
	tb_phone dropbear -r "$TB_DIR/hostkey" -E -p 22 -P "$TB_DIR/dropbear.pid" "${extra[@]}" \
		2>>"$TB_DIR/dropbear.log"
	local i
	for i in $(seq 1 100); do
		[ -s "$TB_DIR/dropbear.pid" ] && tb_phone bash -c 'exec 3<>/dev/tcp/127.0.0.1/22' 2>/dev/null && return 0
		sleep 0.05
	done
	_tb_log "dropbear did not start; its log:"; cat "$TB_DIR/dropbear.log" >&2
	return 1
}

tb_phone_stop_sshd() {
	local pid
	pid=$(cat "$TB_DIR/dropbear.pid" 2>/dev/null) || return 0
	# Kill every dropbear whose netns is the phone's (the listener and its children).
	_tb_kill_ns_procs "$TB_PHONE"
	rm -f "$TB_DIR/dropbear.pid"
}

# The phone was reflashed: a new host key.
tb_phone_reflash() {
	tb_phone_stop_sshd
	rm -f "$TB_DIR/hostkey"
	dropbearkey -t ed25519 -f "$TB_DIR/hostkey" >/dev/null 2>&1 || return 1
	tb_phone_start_sshd
}

_tb_kill_ns_procs() { # ns — kill every process living in namespace ns
	local ns=$1 pids
	pids=$(ip netns pids "$ns" 2>/dev/null) || return 0
	[ -n "$pids" ] && kill $pids 2>/dev/null
	local i
	for i in $(seq 1 40); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$pids" ] && return 0
		sleep 0.05
	done
	kill -9 $pids 2>/dev/null
	return 0
}

# Plug the phone in: the veth pair usb0 (desktop) <-> eth0 (phone).
tb_plug() {
	ip -n "$TB_DESK" link add usb0 type veth peer name eth0 netns "$TB_PHONE" || return 1
	ip -n "$TB_PHONE" addr add "$TB_PHONE_IP/24" dev eth0
	ip -n "$TB_PHONE" link set eth0 up
	[ -z "${_tb_no_route:-}" ] && ip -n "$TB_PHONE" route add default via "$TB_HOST_IP" dev eth0 onlink
	# usb0 stays down and unconfigured: that is what a freshly plugged gadget looks like.
	return 0
}

# Unplug: the gadget's interface vanishes.
tb_unplug() {
	ip -n "$TB_DESK" link del usb0 2>/dev/null
	return 0
}

# The seed's "Simple Manual Linux Configuration", done by hand in the desktop
# namespace (the reference the wizard's own result is compared against):
#   ip addr add 192.168.0.200/24 dev usb0; ip link set usb0 up
#   iptables -t nat -A POSTROUTING -s 192.168.0.0/24 -j MASQUERADE
#   sysctl -w net.ipv4.ip_forward=1
# plus the seed's "Proxying with iptables" DNAT of port 53 (tcp and udp) to the
# desktop's DNS server, since the phone asks the desktop for names.
tb_desk_configure() {
	local plen=${1:-24} ipt=iptables
	[ "$TB_FW" = legacy ] && ipt=iptables-legacy
	tb_desk ip addr add "$TB_HOST_IP/$plen" dev usb0 || return 1
	tb_desk ip link set usb0 up || return 1
	if [ "$plen" = 32 ]; then
		tb_desk ip route add "$TB_PHONE_IP/32" dev usb0 || return 1
	fi
	local src
	case $plen in 24) src=192.168.0.0/24 ;; 29) src=192.168.0.200/29 ;; 32) src=$TB_PHONE_IP/32 ;;
	*) _tb_log "tb_desk_configure: plen 24, 29 or 32"; return 2 ;; esac
	tb_desk "$ipt" -t nat -A POSTROUTING -s "$src" -j MASQUERADE || return 1
	local p
	for p in tcp udp; do
		tb_desk "$ipt" -t nat -A PREROUTING -p $p -s "$TB_PHONE_IP" -d "$TB_HOST_IP" --dport 53 \
			-j DNAT --to-destination "$TB_DNS_IP" || return 1
	done
	if [ -n "${_tb_forward_drop:-}" ]; then
		tb_desk "$ipt" -I FORWARD -i usb0 -j ACCEPT || return 1
		tb_desk "$ipt" -I FORWARD -o usb0 -j ACCEPT || return 1
	fi
	tb_desk sysctl -qw net.ipv4.ip_forward=1
}

# Point the phone's resolv.conf at a server (what the wizard's DNS fix does).
tb_phone_set_resolv() {
	printf 'nameserver %s\n' "$1" >"/etc/netns/$TB_PHONE/resolv.conf"
}

# ---- the real desktop daemons (--nm, --firewalld) --------------------------
# Recipe and what was observed: ../shared/docs/REAL-DAEMONS.md (docs/testing.md).

# nmcli / firewall-cmd inside the desktop namespace, on the private bus.
tb_nmcli() { ip netns exec "$TB_DESK" env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" nmcli "$@"; }
tb_fwcmd() { ip netns exec "$TB_DESK" env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" firewall-cmd "$@"; }

# _tb_wait WHAT TRIES CMD...: run CMD every 0.1 s until it succeeds (bounded).
_tb_wait() {
	local what=$1 tries=$2 i; shift 2
	for i in $(seq 1 "$tries"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	_tb_log "$what did not become ready"
	return 1
}

_tb_bus_start() {
	[ -n "${_tb_dbus_pid:-}" ] && return 0
	cat >"$TB_DIR/dbus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$TB_DIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
	tb_desk dbus-daemon --config-file="$TB_DIR/dbus.conf" --fork --print-pid=3 \
		3>"$TB_DIR/dbus.pid" </dev/null >>"$TB_DIR/dbus.log" 2>&1 || {
		_tb_log "the private D-Bus daemon did not start; its log:"; cat "$TB_DIR/dbus.log" >&2; return 1; }
	_tb_dbus_pid=$(cat "$TB_DIR/dbus.pid")
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TB_DIR/bus; export DBUS_SYSTEM_BUS_ADDRESS
	_tb_wait "the private D-Bus system bus" 100 test -S "$TB_DIR/bus"
}

# NetworkManager, as a laptop runs it: keyfile plugin, every interface but
# lan0 (the desktop's LAN, left as the testbed made it) and lo managed.
# Its connection files are in $TB_NM_CONN (a keyfile there is loaded on
# Settings.ReloadConnections: `tb_nmcli connection reload`), which is
# /etc/NetworkManager/system-connections under the desktop's root $TB_ROOT:
# `usbnet-wizard persist --install --root $TB_ROOT` writes its keyfile where
# this NetworkManager reads its connections, as on a real desktop.
_tb_nm_start() {
	TB_NM_CONN=$TB_ROOT/etc/NetworkManager/system-connections; export TB_NM_CONN
	mkdir -p "$TB_NM_CONN" "$TB_DIR/nm/conf.d" "$TB_DIR/nm/lib"
	chmod 700 "$TB_NM_CONN"
	cat >"$TB_DIR/nm/NetworkManager.conf" <<CONF
[main]
plugins=keyfile
auth-polkit=false
dns=none
[logging]
level=INFO
[keyfile]
path=$TB_NM_CONN
unmanaged-devices=interface-name:lan0;interface-name:lo
CONF
	# A private tmpfs on /run (NetworkManager's run dir: another instance's
	# state must not be met) and on /var/lib/NetworkManager (its leases and
	# secret key), and /sys read-only so it does not wait for udev.
	tb_desk unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/NetworkManager &&
		mount -o remount,ro /sys || exit 1
		echo $$ >"$1/pid"
		exec NetworkManager --no-daemon --config="$1/NetworkManager.conf" \
			--config-dir="$1/conf.d" --system-config-dir="$1/conf.d" \
			--intern-config="$1/lib/intern.conf" --state-file="$1/state"' \
		sh "$TB_DIR/nm" </dev/null >>"$TB_DIR/nm.log" 2>&1 &
	_tb_nm_job=$!
	# `ip netns exec` forks: the daemon's own pid is the one it wrote.
	_tb_wait "NetworkManager's pid" 100 test -s "$TB_DIR/nm/pid" || return 1
	_tb_nm_pid=$(cat "$TB_DIR/nm/pid")
	_tb_wait "NetworkManager" 300 tb_nmcli -t general status || {
		_tb_log "its log:"; tail -20 "$TB_DIR/nm.log" >&2; return 1; }
}

# firewalld, with its configuration (/etc/firewalld, where permanent changes
# are written) a private copy: $TB_FW_ETC. The machine's files are never
# read back or written.
_tb_fwd_start() {
	TB_FW_ETC=$TB_DIR/firewalld-etc; export TB_FW_ETC
	cp -a /etc/firewalld "$TB_FW_ETC" || return 1
	tb_desk unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run && mount --bind "$1" /etc/firewalld || exit 1
		echo $$ >"$2"
		exec firewalld --nofork --nopid --log-target=console' \
		sh "$TB_FW_ETC" "$TB_DIR/firewalld.pid" </dev/null >>"$TB_DIR/firewalld.log" 2>&1 &
	_tb_fwd_job=$!
	_tb_wait "firewalld's pid" 100 test -s "$TB_DIR/firewalld.pid" || return 1
	_tb_fwd_pid=$(cat "$TB_DIR/firewalld.pid")
	_tb_wait "firewalld" 600 _tb_fwd_running || {
		_tb_log "its log:"; tail -20 "$TB_DIR/firewalld.log" >&2; return 1; }
}
_tb_fwd_running() { [ "$(tb_fwcmd --state 2>/dev/null)" = running ]; }

# NetworkManager stops and starts again, as across a reboot (runtime state
# gone, connection files read afresh).
tb_nm_restart() {
	local pid=${_tb_nm_pid:-} i
	[ -n "$pid" ] || { _tb_log "NetworkManager is not running here"; return 1; }
	kill "$pid" 2>/dev/null
	for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -9 "$pid" 2>/dev/null
	[ -n "${_tb_nm_job:-}" ] && wait "$_tb_nm_job" 2>/dev/null
	_tb_nm_pid="" _tb_nm_job=""
	rm -f "$TB_DIR/nm/pid"
	_tb_nm_start
}

# Stop the daemons by pid (never by name: other tests run their own), the
# bus last, and wait for each so nothing outlives the testbed.
_tb_daemons_stop() {
	local v pid i
	for v in _tb_nm_pid _tb_fwd_pid _tb_dbus_pid; do
		pid=${!v:-}
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null
		eval "$v="
	done
	# Reap the `ip netns exec` jobs that ran them (only those).
	for v in _tb_nm_job _tb_fwd_job; do
		[ -n "${!v:-}" ] && wait "${!v}" 2>/dev/null
		eval "$v="
	done
	return 0
}

tb_up() {
	local overlap="" fw=nft dns_stub="" no_phone="" nm="" fwd=""
	_tb_password="" _tb_keyonly="" _tb_no_route="" _tb_forward_drop="" _tb_bad_resolv=""
	while [ $# -gt 0 ]; do
		case $1 in
		--overlap) overlap=1 ;;
		--phone-password) _tb_password=$2; shift ;;
		--phone-keyonly) _tb_keyonly=$2; shift ;;
		--phone-no-route) _tb_no_route=1 ;;
		--phone-bad-resolv) _tb_bad_resolv=1 ;;
		--forward-drop) _tb_forward_drop=1 ;;
		--dns-stub) dns_stub=1 ;;
		--fw) fw=$2; shift ;;
		--no-phone) no_phone=1 ;;
		--nm) nm=1 ;;
		--firewalld) fwd=1 ;;
		*) _tb_log "unknown option $1"; return 2 ;;
		esac
		shift
	done
	case $fw in legacy|nft) ;; *) _tb_log "--fw must be legacy or nft"; return 2 ;; esac
	TB_FW=$fw; export TB_FW

	# Unique names: pid + random, so two testbeds never collide.
	TB_ID=$(printf '%x%04x' $$ $RANDOM)
	TB_DESK=uwtb-$TB_ID-desk TB_PHONE=uwtb-$TB_ID-phone TB_UP=uwtb-$TB_ID-up
	export TB_ID TB_DESK TB_PHONE TB_UP
	TB_DIR=$(mktemp -d "/tmp/uwtb-$TB_ID.XXXXXX"); export TB_DIR
	# The desktop's own file tree for what installs files (persist --root).
	TB_ROOT=$TB_DIR/root; export TB_ROOT
	mkdir -p "$TB_ROOT"
	# usbnet-wizard's journal and lock live here, not in the machine's /run.
	USBNET_WIZARD_RUNDIR=$TB_DIR/run; export USBNET_WIZARD_RUNDIR
	# The caller's own traps (a test's cleanup of its temp files and tmux
	# server) come back when the testbed goes down, and run on every exit.
	[ -n "${_tb_saved_traps+set}" ] || _tb_saved_traps=$(trap -p EXIT INT TERM HUP)
	local prev_exit
	prev_exit=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
	# shellcheck disable=SC2064
	trap "tb_down; ${prev_exit:-:}" EXIT
	trap 'tb_down; trap - INT; kill -INT $$' INT
	trap 'tb_down; trap - TERM; kill -TERM $$' TERM
	# The terminal closing (a demo's window, an ssh session dropping).
	trap 'tb_down; trap - HUP; kill -HUP $$' HUP

	ip netns add "$TB_DESK" && ip netns add "$TB_PHONE" && ip netns add "$TB_UP" || {
		_tb_log "cannot create network namespaces (are you root?)"; return 1; }
	local ns
	for ns in "$TB_DESK" "$TB_PHONE" "$TB_UP"; do ip -n "$ns" link set lo up; done

	# Desktop's own files: resolv.conf (and NetworkManager-free /etc view).
	mkdir -p "/etc/netns/$TB_DESK"
	if [ -n "$dns_stub" ]; then
		printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n' >"/etc/netns/$TB_DESK/resolv.conf"
		printf 'nameserver %s\n' "$TB_DNS_IP" >"$TB_DIR/resolved.conf"
		USBNET_WIZARD_RESOLVED_CONF=$TB_DIR/resolved.conf; export USBNET_WIZARD_RESOLVED_CONF
	else
		printf 'nameserver %s\n' "$TB_DNS_IP" >"/etc/netns/$TB_DESK/resolv.conf"
	fi

	# Desktop <-> upstream (the desktop's LAN and its router).
	local dlan=198.51.100.2 ulan=198.51.100.1 lplen=24
	if [ -n "$overlap" ]; then dlan=192.168.0.100 ulan=192.168.0.1; fi
	ip -n "$TB_DESK" link add lan0 type veth peer name lan0 netns "$TB_UP" || return 1
	ip -n "$TB_DESK" addr add "$dlan/$lplen" dev lan0
	ip -n "$TB_DESK" link set lan0 up
	ip -n "$TB_UP" addr add "$ulan/$lplen" dev lan0
	ip -n "$TB_UP" link set lan0 up
	ip -n "$TB_DESK" route add default via "$ulan" dev lan0
	# "The internet": an address to ping and a DNS server, on the upstream's lo.
	ip -n "$TB_UP" addr add "$TB_PING_IP/32" dev lo
	ip -n "$TB_UP" addr add "$TB_DNS_IP/32" dev lo
	# The upstream knows no route to the USB subnet: the phone only gets out
	# through the desktop's masquerade, exactly as with a real router.

	tb_up_ns dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --keep-in-foreground \
		--listen-address="$TB_DNS_IP" --bind-interfaces --user=root --group=root \
		--pid-file="$TB_DIR/dnsmasq.pid" \
		--address="/$TB_TEST_NAME/$TB_TEST_NAME_IP" \
		--address="/www.$TB_TEST_NAME/$TB_TEST_NAME_IP" \
		--log-facility="$TB_DIR/dnsmasq.log" >/dev/null 2>&1 &
	_tb_dnsmasq_pid=$!

	# Firewall flavour of the desktop: plant one harmless rule in the one it uses.
	if [ "$fw" = legacy ]; then
		tb_desk iptables-legacy -t filter -A INPUT -i lo -m comment --comment "host-rule" -j ACCEPT
		[ -n "$_tb_forward_drop" ] && tb_desk iptables-legacy -P FORWARD DROP
	else
		tb_desk nft -f - <<'NFT' || return 1
table inet hostfw {
	chain input { type filter hook input priority 0; policy accept; iifname "lo" accept comment "host-rule"; }
}
NFT
		if [ -n "$_tb_forward_drop" ]; then
			tb_desk nft add chain inet hostfw forward '{ type filter hook forward priority 0; policy drop; }'
		fi
	fi

	# The desktop's daemons, before the phone is plugged in (as on a laptop).
	# Without them the bus address names a socket that does not exist, so
	# nothing run in the testbed ever talks to the machine's own system bus.
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TB_DIR/no-bus; export DBUS_SYSTEM_BUS_ADDRESS
	if [ -n "$nm$fwd" ]; then
		_tb_bus_start || return 1
		if [ -n "$fwd" ]; then _tb_fwd_start || return 1; fi
		if [ -n "$nm" ]; then _tb_nm_start || return 1; fi
	fi

	# The phone.
	mkdir -p "$TB_DIR/phone-root"
	chmod 700 "$TB_DIR/phone-root"
	local pwfield=""
	if [ -n "$_tb_password" ]; then
		pwfield=$(openssl passwd -6 -salt uwtbsalt "$_tb_password") || return 1
	elif [ -n "$_tb_keyonly" ]; then
		pwfield='*'
	fi
	_tb_write_phone_etc "$pwfield"
	if [ -n "$_tb_keyonly" ]; then
		mkdir -p "$TB_DIR/phone-root/.ssh"; chmod 700 "$TB_DIR/phone-root/.ssh"
		cp "$_tb_keyonly" "$TB_DIR/phone-root/.ssh/authorized_keys"
		chmod 600 "$TB_DIR/phone-root/.ssh/authorized_keys"
	fi
	dropbearkey -t ed25519 -f "$TB_DIR/hostkey" >/dev/null 2>&1 || return 1
	if [ -z "$no_phone" ]; then
		tb_plug || return 1
	fi
	tb_phone_start_sshd || return 1

	# Wait for dnsmasq to answer (bounded).
	local i
	for i in $(seq 1 100); do
		[ -s "$TB_DIR/dnsmasq.pid" ] && break
		sleep 0.05
	done
	return 0
}

tb_down() {
	# A run being stopped signals the test's whole process group, and again a
	# few seconds later: that second INT, TERM or HUP must not cut the
	# teardown short and leave namespaces and a dropbear behind. They are
	# ignored while it runs (its own commands, `ip netns del` among them,
	# inherit that), and the caller's traps come back at the end (on a signal
	# its EXIT trap then runs as the shell dies of the signal).
	local entry_traps
	entry_traps=$(trap -p INT TERM HUP)
	trap '' INT TERM HUP
	_tb_teardown
	trap - INT TERM HUP
	if [ -n "${_tb_saved_traps+set}" ]; then
		trap - EXIT
		eval "$_tb_saved_traps"
		unset _tb_saved_traps
	else
		eval "$entry_traps"
	fi
	return 0
}

# TB_TEARDOWN_HOOK (tests only): a command run half way through the teardown,
# the daemons stopped but the namespaces still there (t-testbed-signals.sh
# holds the teardown there while it sends the second signal).
_tb_teardown() {
	[ -n "${TB_ID:-}" ] || return 0
	_tb_daemons_stop
	[ -n "${TB_TEARDOWN_HOOK:-}" ] && eval "$TB_TEARDOWN_HOOK"
	local ns
	for ns in "$TB_DESK" "$TB_PHONE" "$TB_UP"; do
		_tb_kill_ns_procs "$ns"
	done
	# dnsmasq was started in the background of this shell: reap it (only it;
	# the caller may have other jobs of its own).
	[ -n "${_tb_dnsmasq_pid:-}" ] && wait "$_tb_dnsmasq_pid" 2>/dev/null
	for ns in "$TB_DESK" "$TB_PHONE" "$TB_UP"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	[ -n "${TB_DIR:-}" ] && rm -rf "$TB_DIR"
	TB_ID=""
	unset DBUS_SYSTEM_BUS_ADDRESS TB_NM_CONN TB_FW_ETC TB_ROOT
	return 0
}
