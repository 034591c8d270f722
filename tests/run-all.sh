#!/bin/bash
# Run every test of usbnet-wizard and end with one line "N passed, N failed".
#
#   1. unit and kernel tests (tests/test-*.c, cmocka) built with ASan+UBSan;
#      kernel tests run in private network namespaces they make themselves
#   2. testbed tests (tests/sys/t-*.sh): simulated phone, real dropbear
#   3. the unit tests again under valgrind (no sanitizer build)
#
# Options via environment: ONLY=pattern runs only matching tests;
# NO_VALGRIND=1 skips step 3.
set -u
cd "$(dirname "$0")/.."

pass=0 fail=0 skip=0
failed_names=()
logdir=$(mktemp -d /tmp/uw-testlogs.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

note_fail() { fail=$((fail + 1)); failed_names+=("$1"); }

match() { [ -z "${ONLY:-}" ] || [[ "$1" == *${ONLY}* ]]; }

# ASan's leak checker needs ptrace-like access that some sandboxes refuse;
# leaks are covered by the valgrind pass instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_cmocka() { # name binary [wrapper...]
	local name=$1 bin=$2; shift 2
	local log="$logdir/$name.log" rc p f
	"$@" "$bin" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "SKIP  $name ($(tail -1 "$log"))"
		skip=$((skip + 1)); return
	fi
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | head -1)
	p=${p:-0}; f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p))
	if [ "$f" -gt 0 ]; then
		fail=$((fail + f)); failed_names+=("$name")
		echo "FAIL  $name ($p passed, $f failed, exit $rc)"
		sed 's/^/      /' "$log" | tail -40
	else
		echo "ok    $name ($p)"
	fi
}

echo "== unit and kernel tests (ASan+UBSan) =="
for bin in build-san/tests/test-*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	match "$name" || continue
	run_cmocka "$name" "$bin"
done

echo "== testbed tests (simulated phone) =="
for t in tests/sys/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	match "$name" || continue
	log="$logdir/$name.log"
	UW_BIN=${UW_BIN:-$PWD/build-san/usbnet-wizard} timeout 900 bash "$t" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p))
	if [ "$f" -gt 0 ]; then
		fail=$((fail + f)); failed_names+=("$name")
		echo "FAIL  $name ($p passed, $f failed, exit $rc)"
		# Each failed check with its diagnostics ("#" lines) first: a
		# shortened log must still say what failed. Then the tail.
		awk '/^not ok /{on=1; print; next} on && /^#/{print; next} {on=0}' "$log" |
			head -80 | sed 's/^/  !!  /'
		sed 's/^/      /' "$log" | tail -40
	else
		echo "ok    $name ($p)"
	fi
done

if [ -z "${NO_VALGRIND:-}" ] && command -v valgrind >/dev/null; then
	echo "== unit and kernel tests under valgrind =="
	for bin in build/tests/test-*; do
		[ -x "$bin" ] || continue
		name="valgrind:$(basename "$bin")"
		match "$name" || continue
		run_cmocka "$name" "$bin" valgrind -q --error-exitcode=99 --leak-check=full \
			--suppressions=tests/valgrind.supp \
			--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
			--track-fds=no
	done
fi

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
