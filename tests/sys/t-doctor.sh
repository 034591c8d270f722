#!/bin/bash
# doctor: each fault scenario of the testbed is found with the right id and
# explained; its offered fix (--fix ID --yes) fixes it, so the phone reaches
# the outside (and 'check' passes where relevant); revert restores the
# before-state. Plus kernel options from a planted config.
source "$(dirname "$0")/lib.sh"

W() { tb_desk "$UW_BIN" "$@"; }
# The simulated phone is a veth, so this machine's own kernel config (a VM's may
# lack USB networking entirely) says nothing about the scenarios: doctor reads a
# standard distribution kernel's options instead; the kernel checks themselves
# are tested below with a planted config that lacks some.
STD_KCONFIG=$(mktemp /tmp/uw-doc-kconfig.XXXXXX)
printf 'CONFIG_%s=m\n' NF_CONNTRACK NF_NAT IP_NF_IPTABLES NF_TABLES USB_USBNET USB_NET_CDCETHER \
	USB_NET_RNDIS_HOST >"$STD_KCONFIG"
export USBNET_WIZARD_KERNEL_CONFIG=$STD_KCONFIG
desk_state() { ns_state "$TB_DESK" | sed -E 's#link/ether [0-9a-f:]+ brd [0-9a-f:]+##'; }
SSHD=$(mktemp -d /tmp/uw-doc-ssh.XXXXXX)
uwc() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" check --ping-ip "$TB_PING_IP" \
	--test-name "$TB_TEST_NAME" --no-rescue "$@" </dev/null; }
# severity ID: the finding's severity from doctor --json ("" if absent)
sev() { W doctor --json 2>/dev/null | python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    if f["id"]==sys.argv[1]: print(f["severity"]); break' "$1"; }
explained() { W doctor --json 2>/dev/null | python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    if f["id"]==sys.argv[1] and len(f["explanation"])>40 and f["evidence"]: sys.exit(0)
sys.exit(1)' "$1"; }

# scenario NAME ID EXPECTED-SEVERITY : find, explain, fix, phone online, revert exact
scenario() {
	local name=$1 id=$2 want=$3 after=${4:-ok}
	local s; s=$(sev "$id")
	check_eq "[$name] doctor finds '$id' ($want)" "$want" "$s"
	check "[$name] ... with evidence and an explanation" explained "$id"
	check "[$name] doctor --fix $id --yes" W doctor --fix "$id" --yes
	check_eq "[$name] ... the finding is $after now" "$after" "$(sev "$id")"
	check "[$name] ... the phone reaches the outside" tb_phone_ping "$TB_PING_IP"
}

# 1. FORWARD DROP: a drop policy appears after the setup (Docker starting later).
tb_up --fw nft
rm -f "$SSHD/known_hosts"
before=$(desk_state)
check "[forward-drop] apply" W apply
tb_desk nft add chain inet hostfw forward '{ type filter hook forward priority 0; policy drop; }'
check_fails "[forward-drop] the phone is cut off" tb_phone ping -c1 -W1 "$TB_PING_IP"
check_fails "[forward-drop] doctor exits 1 on an error" W doctor
# No terminal to confirm on and no --yes: exit 2 as the man page says, a
# sentence, nothing changed (setsid: no controlling terminal). Issue 12 item 22.
cut_off=$(desk_state)
setsid -w ip netns exec "$TB_DESK" "$UW_BIN" doctor --fix forward-drop </dev/null >"$TB_DIR/noyes.out" 2>&1; rc=$?
check_eq "[forward-drop] --fix without a terminal or --yes exits 2" 2 "$rc"
check "[forward-drop] ... saying to add --yes" grep -q "no terminal to ask.*--yes" "$TB_DIR/noyes.out"
check_eq "[forward-drop] ... and changes nothing" "$cut_off" "$(desk_state)"
scenario forward-drop forward-drop error
check "[forward-drop] check passes" uwc
check "[forward-drop] revert" W revert
tb_desk nft delete chain inet hostfw forward
check_eq "[forward-drop] revert restores the before-state" "$before" "$(desk_state)"

# 2. ip_forward switched off after apply.
check "[ip-forward] apply" W apply
steps_before=$(W status --json | jq '.steps | length')
tb_desk sysctl -qw net.ipv4.ip_forward=0
scenario ip-forward ip-forward error
# Issue 12 item 25: the step made again is the journal's own, not a second copy.
check_eq "[ip-forward] status lists each step once after the fix" "$steps_before" \
	"$(W status --json | jq '.steps | length')"
check_eq "[ip-forward] ... no step twice" "" "$(W status | sed -n 's/^  \[[a-z ]*\] //p' | sort | uniq -d)"
W revert >/dev/null 2>&1
check_eq "[ip-forward] revert restores the before-state" "$before" "$(desk_state)"

# 3. Our masquerade deleted by hand after apply.
check "[nat] apply" W apply
h=$(tb_desk nft -a list chain ip usbnet-wizard postrouting | sed -n 's/.*masquerade.*# handle \([0-9]*\).*/\1/p')
tb_desk nft delete rule ip usbnet-wizard postrouting handle "$h"
scenario nat nat-missing error
check "[nat] check passes" uwc
W revert >/dev/null 2>&1
check_eq "[nat] revert restores the before-state" "$before" "$(desk_state)"

# 4. Split rulesets: a legacy iptables rule drops the phone on an nft host.
check "[split] apply" W apply
tb_desk iptables-legacy -I FORWARD -i usb0 -j DROP
scenario split fw-split error warn
check_eq "[split] ... and nothing drops the phone any more" ok "$(sev forward-drop)"
check "[split] revert" W revert
tb_desk iptables-legacy -D FORWARD -i usb0 -j DROP
check_eq "[split] revert restores the before-state" "$before" "$(desk_state)"

# 5. Nothing set up yet: the whole setup is one fix.
scenario setup setup warn
W revert >/dev/null 2>&1
check_eq "[setup] revert restores the before-state" "$before" "$(desk_state)"

# 6. Kernel options from a planted config.
printf 'CONFIG_NF_CONNTRACK=m\nCONFIG_NF_NAT=y\n# CONFIG_NF_TABLES is not set\nCONFIG_IP_NF_IPTABLES=m\n# CONFIG_USB_USBNET is not set\nCONFIG_USB_NET_CDCETHER=m\n' >"$TB_DIR/kconfig"
out=$(USBNET_WIZARD_KERNEL_CONFIG=$TB_DIR/kconfig W doctor --json)
kj() { python3 -c 'import json,sys
d={f["id"]:f["severity"] for f in json.load(sys.stdin)["findings"]}
print(" ".join(d.get(k,"-") for k in sys.argv[1:]))' "$@" <<<"$out"; }
check_eq "kernel config: conntrack ok, nat ok, iptables-only ok, usbnet error, cdc ok, rndis warn" \
	"ok ok ok error ok warn" "$(kj kernel-nf-conntrack kernel-nf-nat kernel-firewall kernel-usbnet kernel-cdc-ether kernel-rndis-host)"
check_fails "--fix of a finding with no automatic fix is refused" tb_desk env USBNET_WIZARD_KERNEL_CONFIG="$TB_DIR/kconfig" "$UW_BIN" doctor --fix kernel-usbnet --yes
check_fails "--fix of an unknown id is refused" W doctor --fix no-such --yes
check_eq "... and nothing was changed" "$before" "$(desk_state)"
tb_down

# 7. Overlap: applied with /24 on a 192.168.0.x LAN.
tb_up --overlap
rm -f "$SSHD/known_hosts"
before=$(desk_state)
check "[overlap] apply --netmask 24 (the trap)" W apply --netmask 24
scenario overlap overlap error
W revert >/dev/null 2>&1
check_eq "[overlap] revert restores the before-state" "$before" "$(desk_state)"
tb_down

# 8. DNS stub on the desktop, applied without the DNS proxy.
tb_up --dns-stub
rm -f "$SSHD/known_hosts"
before=$(desk_state)
check "[dns-stub] apply --dns none" W apply --dns none
check_fails "[dns-stub] the phone cannot resolve names" uwc
scenario dns-stub dns-stub warn
check "[dns-stub] check passes (names resolve)" uwc
W revert >/dev/null 2>&1
check_eq "[dns-stub] revert restores the before-state" "$before" "$(desk_state)"
tb_down

# 9. The phone has no default route: the host side is fine; check --fix is the way.
tb_up --phone-no-route
rm -f "$SSHD/known_hosts"
before=$(desk_state)
check "[phone-no-route] apply" W apply
out=$(W doctor 2>&1); rc=$?
check_eq "[phone-no-route] doctor: no error on the desktop side (exit 0)" 0 "$rc"
grep -q "usbnet-wizard check --fix" <<<"$out" && ok "[phone-no-route] doctor points at 'usbnet-wizard check --fix'" \
	|| not_ok "[phone-no-route] pointer"
check_fails "[phone-no-route] check fails" uwc
check "[phone-no-route] check --fix --yes" uwc --fix --yes --dns "$TB_DNS_IP"
check "[phone-no-route] the phone reaches the outside" tb_phone_ping "$TB_PING_IP"
W revert >/dev/null 2>&1
check_eq "[phone-no-route] revert restores the before-state" "$before" "$(desk_state)"
tb_down
# 10. Misdiagnoses (issue 12 item 10). The seed's hand-made MASQUERADE, on
# both backends: a working rule is not "missing".
for fw in nft legacy; do
	tb_up --fw $fw
	check "[hand-made $fw] the seed's recipe by hand" tb_desk_configure 24
	check_eq "[hand-made $fw] doctor: the hand-made masquerade covers the phone (ok)" ok "$(sev nat-missing)"
	W doctor --json 2>/dev/null | grep -q 'made by hand' &&
		ok "[hand-made $fw] ... and says it is a rule made by hand" || not_ok "[hand-made $fw] wording"
	check "[hand-made $fw] doctor exits 0" W doctor
	tb_down
done
# What the user chose not to have is no error: --no-nat --dns none.
tb_up
check "[no-nat] apply --no-nat --dns none" W apply --no-nat --dns none
check_eq "[no-nat] ip-forward: ok (off, as chosen)" ok "$(sev ip-forward)"
check_eq "[no-nat] no nat-missing finding" "" "$(sev nat-missing)"
check "[no-nat] doctor exits 0 (no error)" W doctor
W revert >/dev/null 2>&1
tb_down
# A hand-made /32 without its host route: the fault named is the route, not the address.
tb_up
tb_desk ip addr add "$TB_HOST_IP/32" dev usb0; tb_desk ip link set usb0 up
out=$(W doctor 2>&1)
grep -q "has no address $TB_HOST_IP" <<<"$out" && not_ok "[/32 by hand] doctor blames the address" ||
	ok "[/32 by hand] doctor does not blame a missing address"
s=$(sev rp-filter)   # error with strict rp_filter, warn without
[ "$s" = error ] || [ "$s" = warn ] && ok "[/32 by hand] doctor names the missing route to the phone ($s)" ||
	not_ok "[/32 by hand] rp-filter finding: '$s'"
grep -q "No route to the phone $TB_PHONE_IP" <<<"$out" && ok "[/32 by hand] ... in words" ||
	{ not_ok "[/32 by hand] words"; sed 's/^/#   /' <<<"$out" | head -20; }
check "[/32 by hand] doctor --fix rp-filter --yes" W doctor --fix rp-filter --yes
check "[/32 by hand] ... the phone answers ping from the desktop" tb_desk ping -c1 -W2 "$TB_PHONE_IP"
W revert >/dev/null 2>&1
tb_down
rm -rf "$SSHD" "$STD_KCONFIG"
t_finish
