#!/bin/bash
# A root run never writes through a link a user controls (issue 10, docs/security.md).
#
# A real unprivileged user, who exists only in the desktop namespace's /etc
# view (/etc/netns/NS/passwd and group, which `ip netns exec` binds over
# /etc), plants links in their own home with setpriv. The binary then runs as
# root the way sudo runs it (SUDO_USER, SUDO_UID, SUDO_GID, HOME=/root), so
# it finds that user's ~/.ssh by their passwd entry. The link targets are
# temp files standing in for /etc/shadow; each must keep its content, owner
# and mode.
source "$(dirname "$0")/lib.sh"

tb_up || { not_ok "testbed comes up"; t_finish; }
# The desktop's side of the USB link, so the phone answers ssh.
tb_desk ip addr add "$TB_HOST_IP/24" dev usb0
tb_desk ip link set usb0 up

U=uwsec$$ UIDN=$((40000 + $$ % 20000)) GIDN=$((40000 + $$ % 20000))
H=$TB_DIR/home
{ cat /etc/passwd; echo "$U:x:$UIDN:$GIDN:usbnet-wizard test user:$H:/bin/sh"; } \
	>"/etc/netns/$TB_DESK/passwd"
{ cat /etc/group; echo "$U:x:$GIDN:"; } >"/etc/netns/$TB_DESK/group"
chmod 711 "$TB_DIR"   # the user may pass through the testbed's directory, not list it
mkdir -m 755 "$H" && chown "$UIDN:$GIDN" "$H"
# A root-only directory holding what stands in for /etc/shadow.
SECRET=$TB_DIR/secret; mkdir -m 711 "$SECRET"
ARGS=(check --ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --timeout 3 --no-rescue)

as_user() { tb_desk setpriv --reuid="$UIDN" --regid="$GIDN" --clear-groups env HOME="$H" "$@"; }
as_sudo() { # the binary as root under sudo, for $U
	tb_desk env -u USBNET_WIZARD_SSH_DIR SUDO_USER="$U" SUDO_UID="$UIDN" SUDO_GID="$GIDN" \
		HOME=/root USER=root LOGNAME=root "$UW_BIN" "$@" </dev/null
}
fresh_home() { # an empty home with an empty ~/.ssh, both the user's
	rm -rf "$H/.ssh"; as_user mkdir -m 700 "$H/.ssh"
}
make_shadow() { # NAME: a root-owned 0640 file with a secret in it
	printf 'root:$y$j9T$notarealhash:19000:0:99999:7:::\n' >"$SECRET/$1"
	chmod 640 "$SECRET/$1"
}
state_of() { stat -c '%u:%g %a %s' "$1" 2>&1; sha256sum <"$1" 2>&1; }
# check_untouched NAME FILE BEFORE
check_untouched() { check_eq "$1" "$3" "$(state_of "$2")"; }

# 0. The plain case, as a reference: under sudo the new ~/.ssh and known_hosts are the user's.
rm -rf "$H/.ssh"
as_sudo "${ARGS[@]}" >"$TB_DIR/out0" 2>&1
check_eq "under sudo a new ~/.ssh belongs to the user, mode 700" "$UIDN:$GIDN 700" \
	"$(stat -c '%u:%g %a' "$H/.ssh" 2>&1)"
check_eq "under sudo a new known_hosts belongs to the user" "$UIDN:$GIDN" \
	"$(stat -c '%u:%g' "$H/.ssh/known_hosts" 2>&1)"
check_eq "known_hosts holds one entry for the phone" 1 "$(grep -c "^$TB_PHONE_IP " "$H/.ssh/known_hosts")"
as_sudo "${ARGS[@]}" >"$TB_DIR/out0b" 2>&1
grep -q "First connection" "$TB_DIR/out0b" && not_ok "the saved host key is not found again" ||
	ok "the saved host key is found again (read through /proc/self/fd)"

# 1. known_hosts -> an existing root file.
fresh_home; make_shadow s1; before=$(state_of "$SECRET/s1")
as_user ln -s "$SECRET/s1" "$H/.ssh/known_hosts"
as_sudo "${ARGS[@]}" >"$TB_DIR/out1" 2>&1
check_untouched "known_hosts linked to a root file: the file keeps content, owner and mode" \
	"$SECRET/s1" "$before"
grep -q "symbolic link" "$TB_DIR/out1" && ok "known_hosts link: the error names the link" ||
	{ not_ok "known_hosts link: the error names the link"; sed 's/^/#   /' "$TB_DIR/out1" | head; }
check_eq "known_hosts link: the link is left as it was" "$SECRET/s1" "$(readlink "$H/.ssh/known_hosts")"
grep -q notarealhash "$TB_DIR/out1" && not_ok "known_hosts link: the secret is shown" ||
	ok "known_hosts link: nothing of the target is shown"

# 2. known_hosts -> a file that does not exist yet (dangling): root must not create it.
fresh_home
as_user ln -s "$SECRET/new-kh" "$H/.ssh/known_hosts"
as_sudo "${ARGS[@]}" >"$TB_DIR/out2" 2>&1
check_fails "dangling known_hosts link: nothing is created at its target" test -e "$SECRET/new-kh"

# 4. ~/.ssh/config -> a root file, with --ssh-config.
fresh_home; make_shadow s4; before=$(state_of "$SECRET/s4")
as_user ln -s "$SECRET/s4" "$H/.ssh/config"
as_sudo "${ARGS[@]}" --ssh-config phone >"$TB_DIR/out4" 2>&1
check_untouched "config linked to a root file: the file keeps content, owner and mode" \
	"$SECRET/s4" "$before"
grep -q "config is a symbolic link" "$TB_DIR/out4" && ok "config link: the error names the link" ||
	{ not_ok "config link: the error names the link"; sed 's/^/#   /' "$TB_DIR/out4" | head; }
# ... and a dangling one.
fresh_home
as_user ln -s "$SECRET/new-config" "$H/.ssh/config"
as_sudo "${ARGS[@]}" --ssh-config phone >"$TB_DIR/out4b" 2>&1
check_fails "dangling config link: nothing is created at its target" test -e "$SECRET/new-config"
# Without links it works and the file is the user's, mode 600.
fresh_home
as_sudo "${ARGS[@]}" --ssh-config phone >"$TB_DIR/out4c" 2>&1
check_eq "--ssh-config under sudo: config is the user's, mode 600" "$UIDN:$GIDN 600" \
	"$(stat -c '%u:%g %a' "$H/.ssh/config" 2>&1)"
grep -q "^Host phone" "$H/.ssh/config" && ok "--ssh-config under sudo: the Host entry is there" ||
	not_ok "--ssh-config under sudo: the Host entry is there"

# 5. The key pair: id_ed25519 and .pub as links, existing and dangling.
fresh_home; make_shadow s5; before=$(state_of "$SECRET/s5")
as_user ln -s "$SECRET/s5" "$H/.ssh/id_ed25519"
as_user ln -s "$SECRET/new-pub" "$H/.ssh/id_ed25519.pub"
as_sudo "${ARGS[@]}" --install-key --yes >"$TB_DIR/out5" 2>&1
check_untouched "--install-key: a private key linked to a root file leaves it untouched" \
	"$SECRET/s5" "$before"
check_fails "--install-key: a dangling .pub link creates nothing" test -e "$SECRET/new-pub"
grep -q notarealhash "$TB_DIR/out5" && not_ok "--install-key: the secret is shown" ||
	ok "--install-key: nothing of the linked file is shown"
fresh_home
as_user ln -s "$SECRET/new-priv" "$H/.ssh/id_ed25519"
as_sudo "${ARGS[@]}" --install-key --yes >"$TB_DIR/out5b" 2>&1
check_fails "--install-key: a dangling private key link creates nothing" test -e "$SECRET/new-priv"
# Without links: the new pair is the user's (0600 / 0644).
fresh_home
as_sudo "${ARGS[@]}" --install-key --yes >"$TB_DIR/out5c" 2>&1
check_eq "--install-key under sudo: the new key pair is the user's" \
	"$UIDN:$GIDN 600 $UIDN:$GIDN 644" \
	"$(stat -c '%u:%g %a' "$H/.ssh/id_ed25519" "$H/.ssh/id_ed25519.pub" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
grep -q "now in the phone's" "$TB_DIR/out5c" && ok "--install-key under sudo: the key is installed" ||
	{ not_ok "--install-key under sudo: the key is installed"; sed 's/^/#   /' "$TB_DIR/out5c" | head; }

# 6. ~/.ssh itself a link to a root directory.
rm -rf "$H/.ssh"; mkdir -m 755 "$SECRET/etc"; make_shadow etc-shadow
mv "$SECRET/etc-shadow" "$SECRET/etc/shadow"
before="$(ls -ln "$SECRET/etc"; state_of "$SECRET/etc/shadow")"
as_user ln -s "$SECRET/etc" "$H/.ssh"
as_sudo "${ARGS[@]}" --ssh-config phone --install-key --yes >"$TB_DIR/out6" 2>&1
check_eq "~/.ssh linked to a root directory: nothing is written in it" "$before" \
	"$(ls -ln "$SECRET/etc"; state_of "$SECRET/etc/shadow")"
grep -q "symbolic link" "$TB_DIR/out6" && ok "linked ~/.ssh: the error names the link" ||
	{ not_ok "linked ~/.ssh: the error names the link"; sed 's/^/#   /' "$TB_DIR/out6" | head; }
# ... and to a directory that does not exist yet.
rm -f "$H/.ssh"; as_user ln -s "$SECRET/newdir" "$H/.ssh"
as_sudo "${ARGS[@]}" >"$TB_DIR/out6b" 2>&1
check_fails "dangling ~/.ssh link: no directory is made at its target" test -e "$SECRET/newdir"
rm -f "$H/.ssh"

# 7. report --output FILE under sudo (issue 10, finding 2).
make_shadow r1; before=$(state_of "$SECRET/r1")
as_user ln -s "$SECRET/r1" "$H/report.txt"
as_sudo report --output "$H/report.txt" >"$TB_DIR/out7" 2>&1
check_untouched "report --output to a link: the target keeps content, owner and mode" \
	"$SECRET/r1" "$before"
grep -q "symbolic link" "$TB_DIR/out7" && ok "report --output to a link: the error names the link" ||
	{ not_ok "report --output to a link: the error names the link"; sed 's/^/#   /' "$TB_DIR/out7" | head; }
as_user ln -s "$SECRET/new-report" "$H/r2.txt"
as_sudo report --output "$H/r2.txt" >"$TB_DIR/out7b" 2>&1
check_fails "report --output to a dangling link: nothing is created at its target" \
	test -e "$SECRET/new-report"
as_user sh -c 'echo old >"$HOME/r3.txt" && chmod 644 "$HOME/r3.txt"'
as_sudo report --output "$H/r3.txt" >"$TB_DIR/out7c" 2>&1
check_eq "report --output over an existing 0644 file: mode 600, and the user's under sudo" \
	"$UIDN:$GIDN 600" "$(stat -c '%u:%g %a' "$H/r3.txt" 2>&1)"
grep -q "support report" "$H/r3.txt" && ok "report --output over an existing file: the report is in it" ||
	not_ok "report --output over an existing file: the report is in it"
as_sudo report --output "$H/r4.txt" >"$TB_DIR/out7d" 2>&1
check_eq "report --output, a new file: mode 600, and the user's under sudo" \
	"$UIDN:$GIDN 600" "$(stat -c '%u:%g %a' "$H/r4.txt" 2>&1)"

# 8. A FIFO where a file is read never hangs the run (finding 8). timeout: a
# hang shows as 124 instead of blocking the test for ever.
mkfifo "$TB_DIR/fifo"
timeout 60 ip netns exec "$TB_DESK" "$UW_BIN" profile show --profile "$TB_DIR/fifo" >"$TB_DIR/out8" 2>&1 </dev/null
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "not a regular file" "$TB_DIR/out8" &&
	ok "profile show on a FIFO: a clear error at once" ||
	{ not_ok "profile show on a FIFO: a clear error at once (exit $rc)"; sed 's/^/#   /' "$TB_DIR/out8" | head; }
timeout 60 ip netns exec "$TB_DESK" "$UW_BIN" watch --once --profile "$TB_DIR/fifo" >"$TB_DIR/out8b" 2>&1 </dev/null
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "not a regular file" "$TB_DIR/out8b" &&
	ok "watch --once --profile on a FIFO: a clear error at once" ||
	{ not_ok "watch --once --profile on a FIFO: a clear error at once (exit $rc)"; sed 's/^/#   /' "$TB_DIR/out8b" | head; }
timeout 120 ip netns exec "$TB_DESK" env USBNET_WIZARD_PROFILE="$TB_DIR/fifo" USBNET_WIZARD_RESOLV_CONF="$TB_DIR/fifo" \
	"$UW_BIN" report >"$TB_DIR/out8c" 2>&1 </dev/null
rc=$?
[ $rc -eq 0 ] && grep -q "not a regular file" "$TB_DIR/out8c" &&
	ok "report with the profile and resolv.conf FIFOs: finishes and names them" ||
	{ not_ok "report with FIFOs: finishes and names them (exit $rc)"; sed 's/^/#   /' "$TB_DIR/out8c" | head; }

tb_down
t_finish
