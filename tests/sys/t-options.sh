#!/bin/bash
# Shell completion, --help and the man page agree (issue 15): for every
# command, the option list of each of the three is diffed against the others.
# The man page's list is the command's synopsis line(s), with the options of
# the sections a synopsis names (PLAN OPTIONS, MATCH OPTIONS, CHECK OPTIONS).
# Needs no testbed: only --help.
cd "$(dirname "$0")/../.." || exit 1
UW_BIN=${UW_BIN:-$PWD/build-san/usbnet-wizard}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
MAN=docs/usbnet-wizard.8
failed=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
# shellcheck source=/dev/null
source completion/usbnet-wizard.bash

opts() { grep -o -- '--[a-z][a-z-]*' | grep -vx -- '--help' | sort -u; }
section() { # the options a man page section lists (".SS Plan options (...)")
	sed -n "/^\\.SS $1/,/^\\.S[SH] /p" "$MAN" | sed 's/\\-/-/g' | grep '^\.B' | opts
}
man_opts() { # CMD: its synopsis lines plus the sections they name
	local syn
	syn=$(sed -n "s/^\\.B $1\\( [a-z]*\\)\\? \\\\fR\\(.*\\)\$/\\2/p" "$MAN" | sed 's/\\-/-/g')
	{
		opts <<<"$syn"
		grep -q 'PLAN OPTIONS' <<<"$syn" && section 'Plan options' | grep -vx -- '--yes'
		grep -q 'MATCH OPTIONS' <<<"$syn" && section 'Match options'
		grep -q 'CHECK OPTIONS' <<<"$syn" && section 'Check options'
	} | sort -u
}

for cmd in detect plan apply revert confirm status check profile watch doctor report persist; do
	help=$("$UW_BIN" "$cmd" --help 2>&1 | opts)
	comp=$(_usbnet_wizard_opts "$cmd" | tr -s ' \t' '\n' | opts)
	man=$(man_opts "$cmd")
	if [ "$help" == "$comp" ]; then ok "$cmd: completion offers exactly the options of --help"
	else not_ok "$cmd: completion and --help differ"; diff <(echo "$help") <(echo "$comp") | sed 's/^/#   help|completion /'; fi
	if [ "$help" == "$man" ]; then ok "$cmd: the man page lists exactly the options of --help"
	else not_ok "$cmd: the man page and --help differ"; diff <(echo "$help") <(echo "$man") | sed 's/^/#   help|man /'; fi
done
# The command list itself.
cmds=$(sed -n 's/^\.B \([a-z]*\)\( [a-z]*\)\? \\fR.*/\1/p' "$MAN" | sort -u)
for c in $(_usbnet_wizard 2>/dev/null; COMP_WORDS=(usbnet-wizard ""); COMP_CWORD=1; _usbnet_wizard; printf '%s\n' "${COMPREPLY[@]}" | grep -v '^-' | sort -u); do
	grep -qx "$c" <<<"$cmds" && ok "command $c: in the man page and the completion" ||
		not_ok "command $c is completed but has no synopsis in the man page"
done
[ $failed -eq 0 ] && echo "# the three option lists agree"
exit $failed
