#!/bin/bash
# The man page and each command's --help say the same thing: every option the
# man page's synopsis gives a command is in that command's --help and accepted,
# and the behaviours the pages promise are what the code does (issue 12 item 22).
# Needs no testbed: only --help and refusals that change nothing.
cd "$(dirname "$0")/../.." || exit 1
UW_BIN=${UW_BIN:-$PWD/build-san/usbnet-wizard}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
MAN=docs/usbnet-wizard.8
failed=0
ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }

# "apply", "--dry-run --json" ... from each synopsis line ".B CMD \fR[...]".
while read -r cmd opts; do
	help=$("$UW_BIN" "$cmd" --help 2>&1)
	for o in $opts; do
		if grep -q -- "$o" <<<"$help"; then ok "$cmd --help lists $o (as the man page does)"
		else not_ok "the man page gives '$cmd $o', '$cmd --help' does not"; fi
	done
done < <(sed -n 's/^\.B \([a-z]*\) \\fR\(.*\)$/\1 \2/p' "$MAN" | sed 's/\\-/-/g' |
	awk '{ cmd=$1; $1=""; n=split($0, w, /[^-a-z]+/); s="";
	       for (i=1;i<=n;i++) if (w[i] ~ /^--[a-z]/) s=s" "w[i]; print cmd s }')

# Every USBNET_WIZARD_* variable the program reads is read through core/env.c's
# table and listed in the man page's ENVIRONMENT (issue 13).
envsec=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH FILES/p' "$MAN")
raw=$(grep -rln 'getenv("USBNET_WIZARD_' core cli screens tui | grep -v '^core/env\.c$')
[ -z "$raw" ] && ok "USBNET_WIZARD_* variables are read only through core/env.c" ||
	not_ok "read outside core/env.c: $raw"
table=$(grep -oE '^	[SN]\([A-Z_]+' core/env.c | sed 's/.*(/USBNET_WIZARD_/' | sort -u)
used=$(grep -rhoE '\bUW_ENV_[A-Z][A-Z_]*' core cli screens tui | sed 's/^UW_ENV_/USBNET_WIZARD_/' | sort -u)
[ "$(wc -l <<<"$table")" -ge 17 ] && ok "core/env.c's table has $(wc -l <<<"$table") variables" ||
	not_ok "core/env.c's table looks empty"
for v in $used; do
	grep -qx "$v" <<<"$table" || not_ok "$v is used but not in core/env.c's table"
done
for v in $table; do
	grep -q "^\.B[R]* .*$v" <<<"$envsec" && ok "the man page's ENVIRONMENT lists $v" ||
		not_ok "$v is read by the program but not in the man page's ENVIRONMENT"
done

# Every plan option of the man page is in apply --help.
help=$("$UW_BIN" apply --help 2>&1)
for o in $(sed -n '/^\.SS Plan options/,/^\.SS Match/p' "$MAN" | sed 's/\\-/-/g' |
	   grep -o -- '^\.B[IR]* --[a-z-]*' | awk '{print $2}'); do
	[ "$o" = "--yes" ] && continue   # persist's, said so there
	grep -q -- "$o" <<<"$help" && ok "apply --help lists plan option $o" ||
		not_ok "plan option $o is in the man page, not in apply --help"
done

# --fw none: documented in both, and it means what they say.
grep -q -- "none: *$" <<<"$help" || grep -q -- "or none" <<<"$help" &&
	ok "apply --help documents --fw none" || not_ok "apply --help does not document --fw none"
sed 's/\\-/-/g' "$MAN" | grep -q "change no firewall rule" &&
	ok "the man page documents --fw none" || not_ok "the man page does not document --fw none"
out=$("$UW_BIN" persist --show --iface uwdocs0 --fw none 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "fw none" <<<"$out" && ok "--fw none with sharing on is refused, saying why" ||
	not_ok "--fw none with NAT: exit $rc: $out"

# apply takes no --yes (it asks nothing), and says so.
out=$("$UW_BIN" apply --yes --iface lo 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "takes no --yes" <<<"$out" && ok "apply --yes is refused with a sentence" ||
	not_ok "apply --yes: exit $rc: $out"

# doctor --fix: the man page's exit status 2 without a terminal to confirm on.
sed 's/\\-/-/g' "$MAN" | tr '\n' ' ' | grep -q "without a terminal and without .B --yes nothing is changed and the exit status is 2" &&
	ok "the man page says doctor --fix without a terminal exits 2" || not_ok "man page: doctor --fix exit"
"$UW_BIN" doctor --help | tr '\n' ' ' | grep -q "2 bad usage, no such fix, or the fix not confirmed" &&
	ok "doctor --help says the same" || not_ok "doctor --help: exit status of an unconfirmed fix"
exit $failed
