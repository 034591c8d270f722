#!/bin/bash
# The testbed is real: the phone answers, the seed's manual recipe gets it
# online (masquerade + forwarding), DNS resolves, and a plain ssh client logs
# in with a blank password. This is the reference later tests compare the
# wizard's own result against.
source "$(dirname "$0")/lib.sh"

tb_up || { not_ok "testbed comes up"; t_finish; }
ok "testbed comes up ($TB_DESK, $TB_PHONE, $TB_UP)"

check_eq "usb0 starts unconfigured" "" "$(tb_desk ip -4 -o addr show dev usb0)"
check_fails "phone cannot reach the desktop before configuration" \
	tb_phone ping -c1 -W1 "$TB_HOST_IP"
check_fails "phone cannot reach the outside before configuration" \
	tb_phone ping -c1 -W1 "$TB_PING_IP"
check "desktop reaches the upstream address" tb_desk_ping "$TB_PING_IP"
check "desktop resolves the test name" \
	tb_desk bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"

# The seed's manual recipe, by hand.
check "seed recipe applies by hand" tb_desk_configure 24
check "phone pings the desktop" tb_phone_ping "$TB_HOST_IP"
check "phone reaches the upstream address through masquerade" \
	tb_phone_ping "$TB_PING_IP"
check_eq "the phone asks the desktop for names, as a FreeRunner ships" \
	"nameserver $TB_HOST_IP" "$(cat /etc/netns/$TB_PHONE/resolv.conf)"
check "phone resolves a test name through the desktop's DNAT proxy" \
	tb_phone bash -c "getent ahostsv4 $TB_TEST_NAME | grep -q $TB_TEST_NAME_IP"

# A libssh-free client: dbclient with a blank password (the FreeRunner default).
# -y accepts the new host key; the empty password is fed by DROPBEAR_PASSWORD.
out=$(tb_desk env DROPBEAR_PASSWORD= HOME="$TB_DIR" timeout 20 \
	dbclient -y -y -p 22 "root@$TB_PHONE_IP" 'echo hello-from-$(id -un); cat /etc/resolv.conf' \
	</dev/null 2>"$TB_DIR/dbclient.err")
if grep -q "hello-from-root" <<<"$out" && grep -q "nameserver $TB_HOST_IP" <<<"$out"; then
	ok "dbclient logs in with a blank password and sees the phone's own /etc"
else
	not_ok "dbclient logs in with a blank password"; sed 's/^/#   /' "$TB_DIR/dbclient.err"
fi

# Two testbeds at once do not collide.
second=$(bash -c "source tests/testbed/testbed.sh; tb_up && echo \$TB_DESK && tb_desk ip -4 -o addr show dev lan0" 2>&1)
if grep -q uwtb- <<<"$second" && ! grep -q "$TB_DESK" <<<"$second"; then
	ok "a second testbed runs beside the first with other names"
else
	not_ok "second testbed"; sed 's/^/#   /' <<<"$second"
fi

# Teardown leaves nothing.
ids=$TB_ID dir=$TB_DIR
tb_down
left=$(ip netns list | grep -c "uwtb-$ids" ; ls /etc/netns 2>/dev/null | grep -c "uwtb-$ids"; pgrep -f "$dir" | wc -l)
check_eq "teardown leaves no namespace, /etc/netns entry or process" "$(printf '0\n0\n0')" "$left"
[ -e "$dir" ] && not_ok "temp dir removed" || ok "temp dir removed"

# Teardown on Ctrl-C: a testbed in a child shell interrupted mid-way.
# (a background job has SIGINT ignored; env --default-signal gives it back,
# as a terminal's foreground job would have it)
env --default-signal=INT bash -c 'source tests/testbed/testbed.sh; tb_up; echo "$TB_ID" > /tmp/uwtb-int-id.$PPID; read -r -t 60 <> <(:)' &
child=$!
for i in $(seq 1 100); do [ -s /tmp/uwtb-int-id.$$ ] && break; sleep 0.1; done
cid=$(cat /tmp/uwtb-int-id.$$ 2>/dev/null); rm -f /tmp/uwtb-int-id.$$
kill -INT $child; wait $child 2>/dev/null
if [ -n "$cid" ] && [ "$(ip netns list | grep -c "uwtb-$cid")" = 0 ] && [ ! -e "/etc/netns/uwtb-$cid-phone" ]; then
	ok "Ctrl-C tears the testbed down"
else
	not_ok "Ctrl-C tears the testbed down (id ${cid:-none})"
fi

# A test's own EXIT trap (its temp files, its tmux server) is not lost to the
# testbed's: it comes back with tb_down, and runs when a signal ends the test.
mark=$(mktemp -u /tmp/uwtb-trap.XXXXXX)
bash -c 'source tests/testbed/testbed.sh; trap "echo cleanup >>'"$mark"'" EXIT
	tb_up || exit 1; tb_down; tb_up || exit 1; echo "$TB_ID" >'"$mark"'.id
	read -r -t 60 <> <(:)' &
child=$!
for i in $(seq 1 100); do [ -s "$mark.id" ] && break; sleep 0.1; done
cid=$(cat "$mark.id" 2>/dev/null)
kill -TERM $child; wait $child 2>/dev/null
check_eq "a caller's EXIT trap runs once when TERM ends it, after two testbeds" cleanup "$(cat "$mark" 2>/dev/null)"
check_eq "... and the second testbed is gone too" 0 "$(ip netns list | grep -c "uwtb-${cid:-none}")"
rm -f "$mark" "$mark.id"
t_finish
