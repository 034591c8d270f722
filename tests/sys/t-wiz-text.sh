#!/bin/bash
# The wizard shows the text the CLI prints, byte for byte (issue 13): core/text.c
# renders the plan, the check results, the doctor's findings and the persist
# file list once, and the screens only present it. In a terminal wide and tall enough that
# nothing wraps or scrolls (480x140), against the testbed:
# - Review's plan is `usbnet-wizard plan` without its first line ("Preset:
#   ..., detected: ..."; the wizard has its own screens for those);
# - Phone check shows under each check the detail `check` prints under its
#   title (the title and mark are the checklist's own);
# - Done's Doctor box is `usbnet-wizard doctor` for the same live setup,
#   from its findings to their count (its heading and closing words are its own);
# - Done's Permanent box is `usbnet-wizard persist --show --root R` without
#   its "Choices:" line, for the same root.
# Compared line by line after taking off the box around the text; a terminal
# keeps no trailing blanks and shows a tab as spaces (tab stops every 8
# columns from the line's start), so the CLI's lines are compared with
# trailing blanks dropped and tabs expanded; the files' "Generated at" second
# is the one thing that differs in truth (each made them at its own moment).
# A screen that formatted any of these texts itself would differ here.
# Also: $USBNET_WIZARD_KEY_TIMES records keys and redraws; it and
# $USBNET_WIZARD_STDERR are never opened through a link.
source "$(dirname "$0")/lib.sh"
source "$UW_ROOT/tests/sys/wizlib.sh"

tb_up || { not_ok "testbed up"; exit 1; }
trap cleanup EXIT
before=$(desk_state)
mkdir -p "$T/root"

# same_text NAME EXPECTED_FILE: EXPECTED_FILE's lines stand on the screen one
# under the other, from one column, each followed by nothing but blanks and
# the box's right border.
same_text() {
	local name=$1 want=$2 screen
	screen=$(tmx_screen)
	if python3 - "$want" <(printf '%s\n' "$screen") >"$T/cmp.out" 2>&1 <<'EOF'
import sys
stamp = "# Generated at "
def norm(line):
    line = line.rstrip()
    return stamp + "TIME" if line.startswith(stamp) else line
want = [norm(l) for l in open(sys.argv[1], encoding="utf-8").read().expandtabs(8).split("\n")]
while want and want[-1] == "":
    want.pop()
rows = open(sys.argv[2], encoding="utf-8").read().split("\n")
def cut(row, col):
    # The text, then blanks and the right borders of the box and the frame.
    return norm(row[col:].rstrip(" \u2502"))
best = None
for r, row in enumerate(rows):
    col = row.find(want[0])
    while col >= 0:
        got = [cut(x, col) for x in rows[r:r + len(want)]]
        bad = [i for i in range(len(want)) if i >= len(got) or got[i] != want[i]]
        if not bad:
            sys.exit(0)
        if best is None or len(bad) < len(best[2]):
            best = (r, col, bad, got)
        col = row.find(want[0], col + 1)
if best is None:
    print("the first line is not on the screen: %r" % want[0])
else:
    r, col, bad, got = best
    print("from screen row %d, column %d: %d of %d lines differ; the first:" % (r, col, len(bad), len(want)))
    for i in bad[:5]:
        print("  line %d: CLI    %r" % (i + 1, want[i]))
        print("  line %d: screen %r" % (i + 1, got[i] if i < len(got) else None))
sys.exit(1)
EOF
	then ok "$name"
	else not_ok "$name"; sed 's/^/#   /' "$T/cmp.out"; TMX_LAST=$screen; show | head -60; fi
}

# wizlib's wiz_start opens an 80x24 pane; this test wants 480x140 (the
# persist files have lines of over 400 columns, and about 120 lines).
eval "$(declare -f tmx_start | sed '1s/^tmx_start/_tmx_start_any/')"
tmx_start() { _tmx_start_any 480 140 "$3"; }

wiz_start USBNET_WIZARD_PERSIST_ROOT="$T/root"
expect "welcome" "Step 1 of 9: Welcome"
to_review
expect "review" "Step 6 of 9: Review"
tb_desk "$UW_BIN" plan >"$T/plan.cli" 2>&1
tail -n +2 "$T/plan.cli" >"$T/plan.want"
if [ "$(wc -l <"$T/plan.want")" -gt 10 ]; then ok "plan prints the plan ($(wc -l <"$T/plan.want") lines)"
else not_ok "plan prints the plan"; sed 's/^/#   /' "$T/plan.cli"; fi
same_text "Review shows the plan as 'plan' prints it, byte for byte" "$T/plan.want"

k Enter; expect "apply finishes" "The desktop side is ready" 20
k Enter; expect "host key" "Trust this key"
k Enter; expect "every phone check passes" "Every check passed" 45
# The Phone check screen: under each check, the detail `check` prints under
# the check's title (core/text.c's uw_text_check_detail), for the same phone
# and the same known host key (the wizard's ssh directory).
tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" USBNET_WIZARD_RUNDIR="$USBNET_WIZARD_RUNDIR" \
	"$UW_BIN" check --ping-ip "$TB_PING_IP" --test-name "$TB_TEST_NAME" --no-rescue \
	</dev/null >"$T/check.cli" 2>&1
n=$(grep -c -E '^\[( ok |FAIL|warn|skip)\] ' "$T/check.cli")
if [ "$n" -ge 5 ] && ! grep -q -E '^\[(FAIL|warn)\] ' "$T/check.cli"; then ok "check passes too ($n checks)"
else not_ok "check passes too"; sed 's/^/#   /' "$T/check.cli"; fi
# One file per check: its detail lines, without check's 7-column indent.
awk -v d="$T/check" '/^\[( ok |FAIL|warn|skip)\] /{f=sprintf("%s.%02d", d, ++i); printf "" >f; next}
	f && /^       /{print substr($0, 8) >>f}' "$T/check.cli"
# The screen shows the details of one line at a time; Down on the buttons
# moves from the login's line to the next check's.
for f in "$T"/check.[0-9][0-9]; do
	[ -s "$f" ] || { not_ok "check's detail for ${f##*.}"; continue; }
	k Down; tmx_wait "$(head -1 "$f")" 5 >/dev/null
	same_text "Phone check shows check $((10#${f##*.}))'s detail as 'check' prints it: $(head -c 50 "$f" | head -1)" "$f"
done
k Enter; expect "done" "Step 9 of 9: Done"

# Done's buttons: Back Quit Revert Permanent Doctor Report, Quit focused.
k Right Right Right; expect "Doctor focused" "< Doctor >"
k Enter; expect "the Doctor box" "error(s)," 20
tb_desk "$UW_BIN" doctor >"$T/doctor.cli" 2>&1
# Its own heading and a blank line, the findings, its own closing words.
tail -n +3 "$T/doctor.cli" | sed '/^[0-9]* error(s), [0-9]* warning(s)\.$/q' >"$T/doctor.want"
if grep -q "error(s)," "$T/doctor.want" && grep -q '^\[' "$T/doctor.want"; then ok "doctor prints its findings"
else not_ok "doctor prints its findings"; sed 's/^/#   /' "$T/doctor.cli"; fi
same_text "Done's Doctor box shows the findings as 'doctor' prints them, byte for byte" "$T/doctor.want"
k Escape
# Then a fix is offered for each fixable warning: say No to each (none is expected).
for _ in 1 2 3 4 5; do
	tmx_wait "Apply this fix?" 1 || break
	k Escape
done
expect "back on Done" "Step 9 of 9: Done"

k Left; k Enter; expect "Permanent asks how" "Config files"
k Enter; expect "the Files box" "==> " 10
tb_desk "$UW_BIN" persist --show --root "$T/root" >"$T/persist.cli" 2>&1
grep -v '^Choices: ' "$T/persist.cli" >"$T/persist.want"
if grep -q '^==> ' "$T/persist.want"; then ok "persist --show lists the files"
else not_ok "persist --show lists the files"; sed 's/^/#   /' "$T/persist.cli" | head; fi
if grep -q $'\t' "$T/persist.want"; then ok "the files have tabs (what the comparison must cover)"
else not_ok "the files have tabs"; fi
same_text "Done's Permanent box shows the files as 'persist --show' prints them, byte for byte" "$T/persist.want"
k Escape; expect "install asks" "Install these"
k Enter; expect_gone "No installs nothing" "Install these"
[ -z "$(ls -A "$T/root")" ] && ok "nothing was installed" || not_ok "nothing was installed: $(ls -A "$T/root")"

k q; expect "quit asks" "Revert and quit"
k Left; k Enter
wiz_end "revert and quit" 0
check_eq "the desktop is as before" "$before" "$(desk_state)"

# $USBNET_WIZARD_KEY_TIMES (bench/wizard-start.sh's in-process keypress to
# redraw): a line per key read and per terminal update, in that order; a name
# that is already there (here a link to a file) is never written through.
wiz_start USBNET_WIZARD_KEY_TIMES="$T/keytimes"
expect "key times: welcome" "Step 1 of 9: Welcome"
k Down; k Up; sleep 0.3
k q; wiz_end "key times: quit" 0
if [ -f "$T/keytimes" ]; then
	keys=$(grep -c '^key [0-9]*$' "$T/keytimes")
	after=$(awk '$1 == "key" {k = $2; p = 1} $1 == "draw" && p {if ($2 >= k) n++; p = 0} END {print n + 0}' "$T/keytimes")
	if [ "$keys" -ge 3 ] && [ "$after" -ge 3 ]; then ok "key times: $keys keys, each followed by a later draw"
	else not_ok "key times: $keys keys, $after followed by a draw"; sed 's/^/#   /' "$T/keytimes" | head; fi
	[ "$(stat -c %a "$T/keytimes")" = 600 ] && ok "key times: the file is the wizard's own (0600)" ||
		not_ok "key times: mode $(stat -c %a "$T/keytimes")"
else
	not_ok "key times: the wizard wrote no $T/keytimes"
fi
echo victim >"$T/victim"; ln -s "$T/victim" "$T/keylink"
wiz_start USBNET_WIZARD_KEY_TIMES="$T/keylink"
expect "key times through a link: the wizard still runs" "Step 1 of 9: Welcome"
k Down; k q; wiz_end "key times through a link: quit" 0
[ "$(cat "$T/victim")" = victim ] && [ -L "$T/keylink" ] && ok "key times: nothing written through the link" ||
	not_ok "key times: the link's target was written: $(head -c 200 "$T/victim")"
# The same for $USBNET_WIZARD_STDERR: a dangling link's target is not made.
ln -s "$T/made-through-link" "$T/errlink"
wiz_start USBNET_WIZARD_STDERR="$T/errlink"
expect "stderr through a link: the wizard still runs" "Step 1 of 9: Welcome"
k q; wiz_end "stderr through a link: quit" 0
[ ! -e "$T/made-through-link" ] && ok "stderr: nothing made through the link" ||
	not_ok "stderr: the wizard made $T/made-through-link through the link"
tb_down
t_finish
