#!/bin/bash
# make install / make uninstall (issue 15): into a throwaway DESTDIR (no root
# needed, nothing outside it touched). The installed tree holds exactly the
# binary, the man page, the watch unit (ExecStart = the installed path),
# the bash completion and the docs; the installed binary runs; uninstall
# leaves the DESTDIR as it was (empty), and keeps a directory that existed
# before install.
source "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/uw-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
# A copy of the tree: the test builds with its own prefix and must not
# change the work tree's build (nor race another make in it).
tar -C "$UW_ROOT" --exclude=./build --exclude=./build-san --exclude=./build-fuzz \
	--exclude=./.git -cf - . | (mkdir "$T/src" && tar -C "$T/src" -xf -)
M() { make -s -C "$T/src" "$@" >"$T/make.log" 2>&1 || { cat "$T/make.log"; return 1; }; }

check "make builds in a copy of the tree" M -j2 "$(echo build/usbnet-wizard)"

# 1. Default prefix (/usr/local).
D=$T/dest
mkdir "$D"
check "make install DESTDIR=... works without root" M install DESTDIR="$D"
files=$(cd "$D" && find . -type f | sort)
expect="./usr/local/lib/systemd/system/usbnet-wizard-watch.service
./usr/local/sbin/usbnet-wizard
./usr/local/share/bash-completion/completions/usbnet-wizard
./usr/local/share/doc/usbnet-wizard/README.md
$(cd "$UW_ROOT" && for s in docs/json/*.schema.json; do [ -f "$s" ] && echo "./usr/local/share/doc/usbnet-wizard/json/${s##*/}"; done)
$([ -f "$UW_ROOT/docs/json.md" ] && echo ./usr/local/share/doc/usbnet-wizard/json.md)
./usr/local/share/doc/usbnet-wizard/troubleshooting.md
./usr/local/share/man/man8/usbnet-wizard.8
./usr/local/share/usbnet-wizard/installed-dirs"
check_eq "the installed files, and only those" "$(sort <<<"$expect" | grep .)" "$files"
check_eq "the binary is mode 755" "755" "$(stat -c %a "$D/usr/local/sbin/usbnet-wizard")"
check_eq "the man page is mode 644" "644" "$(stat -c %a "$D/usr/local/share/man/man8/usbnet-wizard.8")"
unit=$D/usr/local/lib/systemd/system/usbnet-wizard-watch.service
check_eq "the unit's ExecStart is the installed binary" \
	"ExecStart=/usr/local/sbin/usbnet-wizard watch" "$(grep '^ExecStart=' "$unit")"
check_fails "no @placeholder@ is left in the unit" grep -q @ "$unit"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify "$unit" 2>&1 | grep -v 'is not executable\|No such file\|Command .* not found')
	[ -z "$out" ] && ok "systemd-analyze verify accepts the installed unit" ||
		{ not_ok "systemd-analyze verify"; sed 's/^/#   /' <<<"$out"; }
fi
check_eq "the installed binary runs: --version" "usbnet-wizard $(sed -n 's/^#define UW_VERSION "\(.*\)"/\1/p' "$UW_ROOT/core/version.h")" \
	"$("$D/usr/local/sbin/usbnet-wizard" --version)"
check "the installed binary runs: status" "$D/usr/local/sbin/usbnet-wizard" status
check "the installed man page formats" bash -c "man -l '$D/usr/local/share/man/man8/usbnet-wizard.8' >/dev/null 2>&1 || [ ! -x /usr/bin/man ]"
# The completion, loaded into a bash, completes commands and options.
comp() { # words... : the completions of the last word
	bash -c 'complete() { :; }; source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_usbnet_wizard; printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$D/usr/local/share/bash-completion/completions/usbnet-wizard" usbnet-wizard "$@"
}
check_eq "completion: commands starting with 'd'" "detect
doctor" "$(comp d)"
check_eq "completion: apply's --dr..." "--dry-run" "$(comp apply --dr)"
check_eq "completion: --preset values" "postmarketos" "$(comp plan --preset po)"

check "make uninstall DESTDIR=..." M uninstall DESTDIR="$D"
check_eq "after uninstall the DESTDIR is empty" "" "$(cd "$D" && find . -mindepth 1)"

# 2. prefix=/usr, as the Debian package installs, with directories that
# existed before install: uninstall leaves them, with whatever they held.
D=$T/dest2
mkdir -p "$D/usr/sbin" "$D/usr/share/man/man8"
echo other >"$D/usr/sbin/other-tool"
check "make install prefix=/usr DESTDIR=..." M install prefix=/usr DESTDIR="$D"
check "... the binary is in /usr/sbin" test -x "$D/usr/sbin/usbnet-wizard"
udir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
check_eq "... the unit is in systemd's unit directory ($udir) and runs /usr/sbin/usbnet-wizard" \
	"ExecStart=/usr/sbin/usbnet-wizard watch" "$(grep '^ExecStart=' "$D$udir/usbnet-wizard-watch.service")"
check "make uninstall prefix=/usr DESTDIR=..." M uninstall prefix=/usr DESTDIR="$D"
check_eq "... only what existed before is left (other files, and the empty directory)" \
	"./usr
./usr/sbin
./usr/sbin/other-tool
./usr/share
./usr/share/man
./usr/share/man/man8" "$(cd "$D" && find . -mindepth 1 | sort)"
t_finish
