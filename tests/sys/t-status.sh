#!/bin/bash
# status is a read-only view: it works for a normal user (the README shows it
# without sudo), says which parts only root can see, and gives JSON either way
# (issue 12 item 11).
source "$(dirname "$0")/lib.sh"

tb_up || { not_ok "testbed comes up"; t_finish; }
# The testbed's temp dir is root's (0700): let the user reach the run dir in it,
# as everyone reaches /run/usbnet-wizard.
chmod 755 "$TB_DIR"
as_user() { tb_desk setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

check "apply (root)" tb_desk "$UW_BIN" apply
check_eq "the run dir is readable by everyone (0755)" 755 "$(stat -c %a "$USBNET_WIZARD_RUNDIR")"
check_eq "the journal is readable by everyone (0644)" 644 "$(stat -c %a "$USBNET_WIZARD_RUNDIR/journal")"

out=$(as_user "$UW_BIN" status 2>&1); rc=$?
check_eq "status as a normal user: exit 0" 0 "$rc"
grep -q 'in place' <<<"$out" && grep -q '\[in place\] .*192.168.0.200' <<<"$out" &&
	ok "status as a normal user lists the changes, the address probed live" ||
	{ not_ok "status as a user"; sed 's/^/#   /' <<<"$out"; }
grep -q "only be read by root: 'sudo usbnet-wizard status'" <<<"$out" &&
	ok "status as a user says the firewall needs root to be read" ||
	{ not_ok "firewall note"; sed 's/^/#   /' <<<"$out"; }
out=$(as_user "$UW_BIN" status --json 2>/dev/null); rc=$?
check_eq "status --json as a normal user: exit 0" 0 "$rc"
check_eq "status --json as a normal user: live" true "$(jq -r .live <<<"$out" 2>&1)"

# A journal an older version made private: a clear sentence, exit 3, and JSON.
chmod 600 "$USBNET_WIZARD_RUNDIR/journal"
out=$(as_user "$UW_BIN" status 2>&1); rc=$?
check_eq "a root-only journal: exit 3" 3 "$rc"
grep -q "can only be read by root.*sudo usbnet-wizard status" <<<"$out" &&
	ok "a root-only journal: the error says to use sudo" || { not_ok "message"; sed 's/^/#   /' <<<"$out"; }
out=$(as_user "$UW_BIN" status --json 2>/dev/null); rc=$?
check_eq "a root-only journal: --json exit 3" 3 "$rc"
check_eq "a root-only journal: --json prints a JSON error" "false 3" \
	"$(jq -r '"\(.ok) \(.error.exit)"' <<<"$out" 2>&1)"
check "root still reads it" tb_desk "$UW_BIN" status
check "revert" tb_desk "$UW_BIN" revert
t_finish
