# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for usbnet-wizard: its commands, each command's options and
# the values of the options that take a fixed set of words.
# (tests/sys/t-options.sh checks these lists against --help and the man page.)

_usbnet_wizard_opts() {
	local plan="--iface --preset --host-ip --phone-ip --netmask --nat --no-nat
		--out-iface --dns --dns-server --fw"
	case $1 in
	detect)  echo "--wait --json" ;;
	plan)    echo "$plan --json" ;;
	apply)   echo "$plan --auto-revert --dry-run --json" ;;
	revert)  echo "--leftovers --json" ;;
	status)  echo "--json" ;;
	confirm) echo "" ;;
	check)   echo "--json --phone-ip --user --port --iface --timeout --desktop-ip
		--ping-ip --test-name --dns --fix --persist --yes --replace-host-key
		--install-key --ssh-config --no-rescue --password-file" ;;
	profile) echo "$plan --profile --match-usb --match-driver --match-name --json" ;;
	watch)   echo "--profile --once" ;;
	doctor)  echo "--json --iface --fix --yes" ;;
	report)  echo "--json --output --phone --phone-ip --ping-ip --test-name" ;;
	persist) echo "$plan --target --show --install --uninstall --root --yes" ;;
	wizard)  echo "" ;;
	esac
}

_usbnet_wizard() {
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "detect plan apply revert confirm status check profile watch
			doctor report persist wizard --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}

	case $prev in
	--iface|--out-iface)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")); return 0 ;;
	--preset)
		COMPREPLY=($(compgen -W "openmoko postmarketos generic" -- "$cur")); return 0 ;;
	--dns)
		[ "$cmd" = check ] && return 0
		COMPREPLY=($(compgen -W "proxy static copy none" -- "$cur")); return 0 ;;
	--fw)
		COMPREPLY=($(compgen -W "auto nftables iptables" -- "$cur")); return 0 ;;
	--netmask)
		COMPREPLY=($(compgen -W "/24 /29 /32" -- "$cur")); return 0 ;;
	--target)
		COMPREPLY=($(compgen -W "nm nm-unmanaged networkd ifupdown ifcfg openrc udev devd" \
			-- "$cur")); return 0 ;;
	--profile|--output|--password-file|--root)
		COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
	--host-ip|--phone-ip|--dns-server|--desktop-ip|--ping-ip|--test-name|--user|--port|\
	--timeout|--ssh-config|--match-usb|--match-driver|--match-name|--wait|--auto-revert)
		return 0 ;;
	--fix)
		[ "$cmd" = doctor ] && return 0 ;;
	esac

	if [ "$cmd" = profile ] && [ "$COMP_CWORD" -eq 2 ]; then
		COMPREPLY=($(compgen -W "save show" -- "$cur"))
		return 0
	fi
	if [ "$cmd" = profile ] && [ "${COMP_WORDS[2]}" = show ]; then
		COMPREPLY=($(compgen -W "--profile --json --help" -- "$cur"))
		return 0
	fi
	COMPREPLY=($(compgen -W "$(_usbnet_wizard_opts "$cmd") --help" -- "$cur"))
	return 0
}
complete -F _usbnet_wizard usbnet-wizard
