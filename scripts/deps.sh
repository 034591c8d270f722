#!/bin/bash
# Install the Debian packages usbnet-wizard needs to build, test and demo,
# only those that are missing. Does nothing (and needs no network) when all
# are present.
set -euo pipefail

build_pkgs=(make gcc pkg-config libncurses-dev libnl-3-dev libnl-route-3-dev
            libip4tc-dev libnftables-dev libssh-dev libcmocka-dev zlib1g-dev
            libsystemd-dev)
test_pkgs=(iproute2 iptables nftables dropbear-bin dnsmasq-base iputils-ping
           tmux openssh-client openssl valgrind procps psmisc python3 time jq strace
           python3-jsonschema)
# The real desktop daemons the testbed runs inside its own namespace, on a
# private bus (testbed.sh --nm / --firewalld; the shared REAL-DAEMONS.md).
# On Debian 12 the bus daemon itself is the package dbus-daemon.
daemon_pkgs=(dbus-daemon network-manager firewalld)
# Building and checking the Debian package (tests/sys/t-deb.sh).
pkg_pkgs=(debhelper dpkg-dev fakeroot lintian)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}" "${daemon_pkgs[@]}" "${pkg_pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "deps: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: root is needed to install packages; run: sudo make ${MAKECMDGOALS:-check}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# NetworkManager and firewalld must never start on this machine itself: they
# would take its interfaces and firewall. A policy-rc.d that exits 101 tells
# the packages' maintainer scripts (invoke-rc.d) "do not start anything".
# It is written before any install and left in place (later upgrades too).
if [ ! -x /usr/sbin/policy-rc.d ] || ! grep -qx 'exit 101' /usr/sbin/policy-rc.d; then
	if [ -e /usr/sbin/policy-rc.d ]; then
		echo "deps: /usr/sbin/policy-rc.d exists but does not block starts; refusing to install" \
			"network-manager/firewalld. Make it 'exit 101' (see docs/testing.md) and retry." >&2
		exit 1
	fi
	printf '#!/bin/sh\n# usbnet-wizard deps: never start services on package install\nexit 101\n' \
		>/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
fi
_daemon_pids() { pgrep -x NetworkManager || true; pgrep -f '^/usr/bin/python3 [^ ]*/usr/sbin/firewalld' || true; }
before=$(_daemon_pids | tr '\n' ' ')
# Refresh the package lists only when they are missing or a first try fails.
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Belt and braces: neither daemon may run on the machine itself after the
# install. Only a daemon in the machine's own network namespace that was not
# there before the install (so the install started it) is stopped, by pid; a
# testbed's instances live in namespaces of their own and are left alone.
self_ns=$(readlink /proc/$$/ns/net)
for pid in $(_daemon_pids); do
	case " $before " in *" $pid "*) continue ;; esac
	if [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$self_ns" ]; then
		echo "deps: the install started a daemon on this machine (pid $pid); stopping it" >&2
		kill "$pid" 2>/dev/null || true
	fi
done
exit 0
