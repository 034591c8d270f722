#!/bin/bash
# check --fix (issue 12 item 8): every fix one run can make is made in one run.
source "$(dirname "$0")/lib.sh"

ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3)
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check "$@" </dev/null; }

# 8. No default route AND a dead DNS server: one --fix --yes run fixes both.
tb_up --phone-no-route --phone-bad-resolv || { not_ok "testbed comes up"; t_finish; }
mkdir -p "$TB_DIR/ssh"
check "apply" tb_desk "$UW_BIN" apply
uwc "${ARGS[@]}" --fix --yes --dns "$TB_DNS_IP" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "no route + dead DNS: one --fix --yes run ends with every check passing (exit 0)" 0 "$rc"
[ "$(grep -c '^Fix: ' "$TB_DIR/o")" -ge 2 ] && ok "... both fixes were offered in that one run" ||
	{ not_ok "fixes in one run"; sed 's/^/#   /' "$TB_DIR/o" | head -60; }
check "a fresh check passes" uwc "${ARGS[@]}"
tb_desk "$UW_BIN" revert >/dev/null 2>&1
tb_down

t_finish
