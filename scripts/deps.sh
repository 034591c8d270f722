#!/bin/bash
# Install the Debian packages usbnet-wizard needs to build, test and demo,
# only those that are missing. Does nothing (and needs no network) when all
# are present.
set -euo pipefail

build_pkgs=(make gcc pkg-config libncurses-dev libnl-3-dev libnl-route-3-dev
            libip4tc-dev libnftables-dev libssh-dev libcmocka-dev zlib1g-dev)
test_pkgs=(iproute2 iptables nftables dropbear-bin dnsmasq-base iputils-ping
           tmux openssh-client openssl valgrind procps psmisc python3 time
           python3-jsonschema)
# Building and checking the Debian package (tests/sys/t-deb.sh).
pkg_pkgs=(debhelper dpkg-dev fakeroot lintian)

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}" "${pkg_pkgs[@]}"; do
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
# Refresh the package lists only when they are missing or a first try fails.
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
