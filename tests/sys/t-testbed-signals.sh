#!/bin/bash
# The testbed's teardown survives a second signal. A run being stopped sends
# SIGTERM to the test's whole process group, and another a few seconds later;
# the second one must not cut the teardown short. A testbed in a child shell
# (a process group of its own, as a test under a runner) gets TERM; its
# teardown is held half way (TB_TEARDOWN_HOOK: the daemons stopped, the
# namespaces still there) while the group gets TERM again; then nothing of
# that testbed is left: no namespace by its unique names, no /etc/netns
# entry, no temp dir, none of its processes (dropbear, dnsmasq, the daemons,
# each checked by pid and start time), and the child's own EXIT trap ran once.
source "$(dirname "$0")/lib.sh"

T=$(mktemp -d /tmp/uw-tbsig.XXXXXX)
trap 'rm -rf "$T"' EXIT

# "pid starttime" of a live process (starttime: field 22 of /proc/PID/stat).
pid_stamp() { [ -r "/proc/$1/stat" ] && echo "$1 $(sed -E 's/^.*\) //' "/proc/$1/stat" | cut -d' ' -f20)"; }
# Still running: the same process (pid and start time), and not a zombie (it
# has ended; its new parent reaps it when it gets to it).
alive() {
	[ -n "$1" ] && [ "$(pid_stamp "${1%% *}")" = "$1" ] &&
		[ "$(sed -E 's/^.*\) //' "/proc/${1%% *}/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]
}

run_case() { # LABEL TB_UP-SWITCHES...
	local label=$1; shift
	local d="$T/$label" pgid id tbdir stamps p left
	mkdir -p "$d"
	mkfifo "$d/go"
	# The child: its own session and process group (setsid), a testbed, an
	# EXIT trap of its own, and its processes written down by pid.
	# (the hook opens the fifo before it says "held": the "go" written
	# after that is never lost)
	TB_TEARDOWN_HOOK="{ echo held >'$d/held'; read -r _; } 0<>'$d/go'" \
	setsid bash -c '
		d=$1; shift
		source tests/testbed/testbed.sh
		trap "echo cleanup >>$d/exit-trap" EXIT
		tb_up "$@" || exit 1
		echo "$$" >"$d/pgid.tmp"
		echo "$TB_ID" >"$d/id.tmp"
		echo "$TB_DIR" >"$d/dir.tmp"
		{
			cat "$TB_DIR/dropbear.pid"; echo
			echo "${_tb_dnsmasq_pid:-}"
			echo "${_tb_nm_pid:-}"; echo "${_tb_fwd_pid:-}"; echo "${_tb_dbus_pid:-}"
		} >"$d/pids.tmp"
		mv "$d/pids.tmp" "$d/pids"; mv "$d/id.tmp" "$d/id"; mv "$d/dir.tmp" "$d/dir"
		mv "$d/pgid.tmp" "$d/pgid"
		sleep 600' _ "$d" "$@" </dev/null >"$d/log" 2>&1 &
	local child=$!
	if ! wait_for 120 test -s "$d/pgid"; then
		not_ok "[$label] the child's testbed comes up"; sed 's/^/#   /' "$d/log" | tail -20
		kill -TERM -- "-$child" 2>/dev/null
		return
	fi
	pgid=$(cat "$d/pgid") id=$(cat "$d/id") tbdir=$(cat "$d/dir")
	stamps=()
	while read -r p; do
		[ -n "$p" ] && stamps+=("$(pid_stamp "$p")")
	done <"$d/pids"
	ok "[$label] the child's testbed is up (uwtb-$id, ${#stamps[@]} processes of its own)"

	kill -TERM -- "-$pgid"
	if wait_for 60 test -s "$d/held"; then
		ok "[$label] TERM starts the teardown"
	else
		not_ok "[$label] TERM starts the teardown"; sed 's/^/#   /' "$d/log" | tail -20
	fi
	# The second TERM, to the whole group, while the teardown is held half way.
	kill -TERM -- "-$pgid" 2>/dev/null
	# Let the teardown go on (read-write open: no hang if nobody reads any more).
	echo go 1<>"$d/go"
	if wait_for 60 bash -c "! kill -0 $child 2>/dev/null"; then
		ok "[$label] the child ends"
	else
		not_ok "[$label] the child ends"; kill -KILL -- "-$pgid" 2>/dev/null
	fi
	wait "$child" 2>/dev/null

	left=$(ip netns list | grep "uwtb-$id")
	check_eq "[$label] no namespace of that testbed is left" "" "$left"
	check_eq "[$label] no /etc/netns entry of it is left" "" "$(ls /etc/netns 2>/dev/null | grep "uwtb-$id")"
	check_fails "[$label] its temp dir is gone" test -e "$tbdir"
	local alive_list=""
	for p in "${stamps[@]}"; do
		alive "$p" && alive_list+="$p ($(tr '\0' ' ' <"/proc/${p%% *}/cmdline" 2>/dev/null)) "
	done
	check_eq "[$label] none of its processes is left (by pid and start time)" "" "$alive_list"
	check_eq "[$label] the child's own EXIT trap ran once" cleanup "$(cat "$d/exit-trap" 2>/dev/null)"

	# Whatever a failed teardown left, by pid and by this testbed's names only.
	for p in "${stamps[@]}"; do alive "$p" && kill -KILL "${p%% *}" 2>/dev/null; done
	for p in desk phone up; do
		ip netns del "uwtb-$id-$p" 2>/dev/null
		rm -rf "/etc/netns/uwtb-$id-$p"
	done
	[ -n "$tbdir" ] && rm -rf "$tbdir"
}

run_case plain
run_case daemons --nm --firewalld
t_finish
