#!/bin/bash
# Tools some tests use to check generated files with the target system's own
# parser, unpacked under build/tools/ WITHOUT being installed: installing
# ifupdown would enable a service that manages this machine's interfaces,
# which tests must never touch. Best effort: a missing tool skips its test.
set -u
cd "$(dirname "$0")/.."
dest=build/tools
if command -v ifquery >/dev/null 2>&1 || [ -x "$dest/sbin/ifquery" ]; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if (cd "$tmp" && apt-get download -q ifupdown >/dev/null 2>&1); then
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/ifupdown_*.deb "$tmp/root" && cp -a "$tmp/root/sbin/." "$dest/sbin/" 2>/dev/null ||
		{ mkdir -p "$dest/sbin" && cp -a "$tmp/root/sbin/." "$dest/sbin/"; }
	echo "tools: unpacked ifquery (from Debian's ifupdown, not installed) into $dest/sbin"
else
	echo "tools: could not download ifupdown; the ifquery test will be skipped"
fi
exit 0
