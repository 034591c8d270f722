#!/bin/bash
# check --fix (issue 12 items 7, 8): every fix one run can make is made in one
# run, and the resolv.conf fix writes what the live setup chose (--dns static
# servers, the proxy's desktop address), as the wizard does.
source "$(dirname "$0")/lib.sh"

ARGS=(--ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3)
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$TB_DIR/ssh" "$UW_BIN" check "$@" </dev/null; }

# 8. No default route AND a dead DNS server: one --fix --yes run fixes both.
tb_up --phone-no-route --phone-bad-resolv || { not_ok "testbed comes up"; t_finish; }
mkdir -p "$TB_DIR/ssh"
check "apply" tb_desk "$UW_BIN" apply
uwc "${ARGS[@]}" --fix --yes --dns "$TB_DNS_IP" >"$TB_DIR/o" 2>&1; rc=$?
check_eq "no route + dead DNS: one --fix --yes run ends with every check passing (exit 0)" 0 "$rc"
[ "$(grep -c '^Fix on the phone:' "$TB_DIR/o")" -ge 2 ] && ok "... both fixes were offered in that one run" ||
	{ not_ok "fixes in one run"; sed 's/^/#   /' "$TB_DIR/o" | head -60; }
check "a fresh check passes" uwc "${ARGS[@]}"
tb_desk "$UW_BIN" revert >/dev/null 2>&1
tb_down

# 7. apply --dns static: check --fix writes those servers, not the desktop's upstream.
tb_up --phone-bad-resolv || { not_ok "testbed comes up"; t_finish; }
mkdir -p "$TB_DIR/ssh"
check "apply --dns static --dns-server $TB_DNS_IP" tb_desk "$UW_BIN" apply --dns static --dns-server "$TB_DNS_IP"
# The desktop's own resolv.conf names another server: the fix must not copy it.
printf 'nameserver 198.51.100.53\n' >"/etc/netns/$TB_DESK/resolv.conf"
uwc "${ARGS[@]}" --fix --yes >"$TB_DIR/o" 2>&1; rc=$?
check_eq "static DNS: the fix writes the chosen server" "nameserver $TB_DNS_IP" \
	"$(grep nameserver "/etc/netns/$TB_PHONE/resolv.conf")"
check_eq "static DNS: every check passes after the fix" 0 "$rc"
tb_desk "$UW_BIN" revert >/dev/null 2>&1
tb_down

# 7. the default DNS proxy: the fix points the phone at the desktop, where the proxy answers.
tb_up --phone-bad-resolv || { not_ok "testbed comes up"; t_finish; }
mkdir -p "$TB_DIR/ssh"
check "apply (DNS proxy)" tb_desk "$UW_BIN" apply
uwc "${ARGS[@]}" --fix --yes >"$TB_DIR/o" 2>&1; rc=$?
check_eq "proxy: the fix writes the desktop's address" "nameserver $TB_HOST_IP" \
	"$(grep nameserver "/etc/netns/$TB_PHONE/resolv.conf")"
check_eq "proxy: every check passes after the fix" 0 "$rc"
grep -q "stays on the phone" "$TB_DIR/o" && ok "the fix says it stays on the phone (revert is desktop-side)" ||
	{ not_ok "phone-side note"; sed 's/^/#   /' "$TB_DIR/o" | head -30; }
tb_desk "$UW_BIN" revert >/dev/null 2>&1
tb_down
t_finish
