#!/bin/bash
# The Debian package (issue 15): dpkg-buildpackage -us -uc -b builds it from
# a copy of the tree (the work tree stays as it is); its contents are the
# program in /usr/sbin, the man page, the completion, the docs and the watch
# unit (ExecStart=/usr/sbin/usbnet-wizard, not enabled); Depends come from
# the shared libraries; lintian finds nothing; installed into a throwaway
# root (dpkg-deb -x, never the machine's /usr) the program runs --version and
# detects the simulated phone.
source "$(dirname "$0")/lib.sh"

for tool in dpkg-buildpackage dh fakeroot lintian; do
	command -v $tool >/dev/null || { not_ok "$tool is missing: run 'make deps' (scripts/deps.sh)"; t_finish; }
done
T=$(mktemp -d /tmp/uw-deb.XXXXXX)
trap 'rm -rf "$T"' EXIT
version=$(sed -n 's/^#define UW_VERSION "\(.*\)"/\1/p' "$UW_ROOT/core/version.h")
check_eq "debian/changelog's version is the program's ($version)" "$version" \
	"$(cd "$UW_ROOT" && dpkg-parsechangelog -S Version)"

src=$T/usbnet-wizard-$version
mkdir "$src"
tar -C "$UW_ROOT" --exclude=./build --exclude=./build-san --exclude=./build-fuzz \
	--exclude=./.git --exclude=./usbnet-wizard -cf - . | tar -C "$src" -xf -
parent_debs_before=$(ls "$UW_ROOT"/../usbnet-wizard_* 2>/dev/null)
if (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 noautodbgsym" dpkg-buildpackage -us -uc -b) \
	>"$T/build.log" 2>&1; then ok "dpkg-buildpackage -us -uc -b builds the package"
else not_ok "dpkg-buildpackage failed"; tail -40 "$T/build.log" | sed 's/^/#   /'; t_finish; fi
check "the work tree is untouched by the build (no debian/ build state, no .deb beside it)" \
	bash -c '[ ! -e "$1/debian/usbnet-wizard" ] && [ ! -e "$1/debian/.debhelper" ] &&
		[ ! -e "$1/debian/files" ] && [ "$(ls "$1"/../usbnet-wizard_* 2>/dev/null)" = "$2" ]' _ \
	"$UW_ROOT" "$parent_debs_before"
deb=$(ls "$T"/usbnet-wizard_"$version"_*.deb)
check "one .deb: $(basename "$deb")" test -f "$deb"

dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$' | sed 's|^\./|/|' | sort >"$T/contents"
sed 's/^/# /' "$T/contents"
check_eq "its files" "$(grep -v '^$' <<<"/lib/systemd/system/usbnet-wizard-watch.service
/usr/sbin/usbnet-wizard
/usr/share/bash-completion/completions/usbnet-wizard
/usr/share/doc/usbnet-wizard/README.md.gz
/usr/share/doc/usbnet-wizard/changelog.gz
/usr/share/doc/usbnet-wizard/copyright
$(cd "$UW_ROOT" && for s in docs/json/*.schema.json; do [ -f "$s" ] && echo "/usr/share/doc/usbnet-wizard/json/${s##*/}"; done)
$([ -f "$UW_ROOT/docs/json.md" ] && echo /usr/share/doc/usbnet-wizard/json.md.gz)
/usr/share/doc/usbnet-wizard/troubleshooting.md.gz
/usr/share/man/man8/usbnet-wizard.8.gz" | sort)" "$(grep -v '^$' "$T/contents" | sort)"
deps=$(dpkg-deb -f "$deb" Depends)
echo "# Depends: $deps"
for lib in libc6 libnl-3-200 libnl-route-3-200 libip4tc2 libnftables1 libssh-4 libsystemd0 libncursesw6 zlib1g; do
	check "Depends names $lib (from the shared libraries)" grep -q "\\b$lib\\b" <<<"$deps"
done
# Not enabled: the postinst is debhelper's "do not enable" form (it only
# re-creates links an administrator made, on upgrade), and starts nothing.
dpkg-deb -e "$deb" "$T/control"
check "the unit is shipped" grep -q "deb-systemd-helper update-state 'usbnet-wizard-watch.service'" "$T/control/postinst"
check "the unit is not enabled on install (only re-enabled when the admin had enabled it)" \
	grep -q "if deb-systemd-helper debian-installed 'usbnet-wizard-watch.service'" "$T/control/postinst"
check_fails "... no unconditional enable" grep -q 'Enables the unit on first installation' "$T/control/postinst"
check_fails "the unit is not started on install" grep -qE 'deb-systemd-invoke (start|restart)' "$T/control/postinst"

# lintian: nothing at all (errors, warnings, info); pedantic tags are shown.
lintian --info --pedantic --display-experimental "$T"/usbnet-wizard_"$version"_*.changes >"$T/lintian" 2>&1
sed 's/^/# lintian: /' "$T/lintian"
check_fails "lintian is clean (no E:, W: or I: tag)" grep -qE '^[EWI]: ' "$T/lintian"

# Installed into a throwaway root (never the machine's /usr).
R=$T/root
dpkg-deb -x "$deb" "$R"
check_eq "the unit runs the installed binary" "ExecStart=/usr/sbin/usbnet-wizard watch" \
	"$(grep '^ExecStart=' "$R/lib/systemd/system/usbnet-wizard-watch.service")"
check_eq "the installed binary: --version" "usbnet-wizard $version" "$("$R/usr/sbin/usbnet-wizard" --version)"
check "the man page formats" bash -c "[ ! -x /usr/bin/man ] || man -l '$R/usr/share/man/man8/usbnet-wizard.8.gz' >/dev/null"
tb_up
out=$(tb_desk "$R/usr/sbin/usbnet-wizard" detect 2>&1); rc=$?
check_eq "the installed binary: detect finds the simulated phone (exit 0)" 0 "$rc"
check "... and names usb0 first" grep -q '^\* usb0' <<<"$out"
tb_down
t_finish
