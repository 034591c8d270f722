#!/bin/bash
# Keep the layers from leaking (docs/coding-style.md).
set -u
bad=0
if grep -nE '#include <(n?curses|ncursesw/|menu|form|panel)' core/*.[ch] 2>/dev/null; then
	echo "layering: core/ must not include curses headers" >&2; bad=1
fi
if grep -nE '#include <(netlink/|libiptc/|nftables/|libssh/|linux/netfilter)' tui/*.[ch] 2>/dev/null; then
	echo "layering: tui/ must not include netlink, iptc, nftables or ssh headers" >&2; bad=1
fi
if grep -nE '#include <(netlink/|libiptc/|nftables/|libssh/)' screens/*.[ch] 2>/dev/null; then
	echo "layering: screens/ reaches the system only through core/" >&2; bad=1
fi
exit $bad
