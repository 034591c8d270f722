#!/bin/bash
# Keep the layers from leaking (docs/coding-style.md).
#   core/     no curses; never includes tui/, screens/ or cli/
#   tui/      terminal only: no netlink, iptc, nftables or ssh headers; no core/ system code
#   screens/  the wizard: reaches the system through core/ only; never includes cli/
#   cli/      the commands: never includes tui/ or screens/ (cmd-wizard.c alone may
#             include screens/wizard.h, to start the wizard)
# What both front ends need lives in core/, once. Headers and symbols are both checked:
# a function defined in one front end and called from the other is a leak too.
set -u
cd "$(dirname "$0")/.."
bad=0
fail() { echo "layering: $*" >&2; bad=1; }

grep -nE '#include <(n?curses|ncursesw/|menu|form|panel)' core/*.[ch] && fail "core/ must not include curses headers"
grep -nE '#include "(tui|screens|cli)/' core/*.[ch] && fail "core/ must not include tui/, screens/ or cli/"
grep -nE '#include <(netlink/|libiptc/|nftables/|libssh/|systemd/|linux/netfilter)' tui/*.[ch] &&
	fail "tui/ must not include netlink, iptc, nftables, ssh or D-Bus headers"
grep -nE '#include "(screens|cli)/' tui/*.[ch] && fail "tui/ must not include screens/ or cli/"
grep -nE '#include <(netlink/|libiptc/|nftables/|libssh/|systemd/)' screens/*.[ch] cli/*.[ch] &&
	fail "screens/ and cli/ reach the system only through core/"
grep -nE '#include "cli/' screens/*.[ch] && fail "screens/ must not include cli/ (shared code goes into core/)"
grep -nE '#include "(tui|screens)/' cli/*.[ch] | grep -v '^cli/cmd-wizard\.c:[0-9]*:#include "screens/wizard\.h"' &&
	fail "cli/ must not include tui/ or screens/ (only cmd-wizard.c starts the wizard)"

# Symbols: built objects, when present (make all builds them first in make check).
B=${B:-build}
if ls "$B"/cli/*.o "$B"/screens/*.o >/dev/null 2>&1; then
	defs() { nm -g --defined-only "$@" 2>/dev/null | awk 'NF==3{print $3}' | sort -u; }
	undefs() { nm -u "$@" 2>/dev/null | awk '{print $NF}' | sort -u; }
	cross=$(comm -12 <(undefs "$B"/screens/*.o) <(defs "$B"/cli/*.o))
	[ -n "$cross" ] && fail "screens/ uses symbols defined in cli/: $cross"
	cross=$(comm -12 <(undefs $(ls "$B"/cli/*.o | grep -v cmd-wizard.o)) <(defs "$B"/screens/*.o))
	[ -n "$cross" ] && fail "cli/ uses symbols defined in screens/ (outside cmd-wizard.c): $cross"
	cross=$(comm -12 <(undefs "$B"/cli/cmd-wizard.o) <(defs "$B"/screens/*.o) | grep -vx 'uw_wizard_main')
	[ -n "$cross" ] && fail "cmd-wizard.c may only call uw_wizard_main from screens/: $cross"
	cross=$(comm -12 <(undefs "$B"/tui/*.o) <(defs "$B"/screens/*.o "$B"/cli/*.o))
	[ -n "$cross" ] && fail "tui/ uses symbols of a front end: $cross"
fi
# libnl stays inside core/nl.c (its header promises no libnl type leaves it).
grep -nE '#include <netlink/' core/*.[ch] | grep -v '^core/nl\.c:' &&
	fail "libnl is used only in core/nl.c (add what you need to core/nl.h in plain C types)"
grep -nE 'struct nl_(sock|cache|msg)' core/nl.h && fail "core/nl.h must not expose libnl types"

# The firewall backends return data through core/fw-backend.h and never call
# back into core/fw.c: fw.c depends on them, not the other way round.
if ls "$B"/core/fw.o "$B"/core/fw-iptc.o "$B"/core/fw-nft.o >/dev/null 2>&1; then
	cross=$(comm -12 <(nm -u "$B"/core/fw-iptc.o "$B"/core/fw-nft.o 2>/dev/null | awk '{print $NF}' | sort -u) \
		<(nm -g --defined-only "$B"/core/fw.o 2>/dev/null | awk 'NF==3{print $3}' | sort -u))
	[ -n "$cross" ] && fail "core/fw-iptc.c and core/fw-nft.c call back into core/fw.c: $cross"
	grep -nE '#include "core/fw-backend\.h"' core/*.[ch] cli/*.[ch] screens/*.[ch] tui/*.[ch] 2>/dev/null |
		grep -vE '^core/fw(-iptc|-nft)?\.c:' && fail "core/fw-backend.h is private to core/fw*.c"
fi
exit $bad
