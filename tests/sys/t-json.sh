#!/bin/bash
# One JSON interface (issue 15, docs/json.md): every command's --json output,
# on success, on failure and for bad usage, validates against its JSON Schema
# in docs/json/ (python3-jsonschema), and carries "version", "ok" and, on
# failure, "error" with the text's sentence and the exit status.
source "$(dirname "$0")/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || { not_ok "python3-jsonschema is missing: run 'make deps'"; t_finish; }
SSHD=$(mktemp -d /tmp/uw-json-ssh.XXXXXX); rmdir "$SSHD"
trap 'rm -rf "$SSHD"' EXIT
W() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" "$@" </dev/null 2>"$TB_DIR/stderr"; }

# validate NAME SCHEMA EXPECTED_EXIT ACTUAL_EXIT [python assertion on d]
validate() {
	local name=$1 schema=$2 want=$3 got=$4 extra=${5:-True}
	if python3 - "$UW_ROOT/docs/json/$schema.schema.json" "$TB_DIR/out.json" "$got" "$extra" <<'PY' >"$TB_DIR/v.log" 2>&1
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
text = open(sys.argv[2]).read()
assert text.count("\n") == 1 and text.endswith("\n"), "not exactly one JSON document on one line: %r" % text[:300]
d = json.loads(text)
jsonschema.Draft202012Validator(schema).validate(d)
rc = int(sys.argv[3])
assert d["ok"] == (rc == 0), ("ok", d["ok"], "exit", rc)
if rc:
    assert d["error"]["exit"] == rc, (d["error"], rc)
assert eval(sys.argv[4]), ("assertion", sys.argv[4], d)
PY
	then
		[ "$want" = "$got" ] || [ "$want" = any ] && ok "$name (exit $got, valid $schema document)" ||
			{ not_ok "$name: exit $got, expected $want"; sed 's/^/#   /' "$TB_DIR/out.json" | head -c 2000; }
	else
		not_ok "$name"; sed 's/^/#   /' "$TB_DIR/v.log" | tail -15; head -c 1500 "$TB_DIR/out.json" | sed 's/^/#   /'
	fi
}
# run NAME SCHEMA EXPECTED_EXIT ASSERTION -- ARGS...
run() {
	local name=$1 schema=$2 want=$3 extra=$4; shift 5
	W "$@" >"$TB_DIR/out.json"; validate "$name" "$schema" "$want" $? "$extra"
}

tb_up
run "detect" detect 0 'd["interfaces"][0]["ifname"] == "usb0" and "" not in d["interfaces"][0].values()' -- detect --json
run "plan" plan 0 'd["iface"] == "usb0" and d["actions"] and "steps" not in d' -- plan --json
run "apply --dry-run" apply 0 'd["dry_run"] is True' -- apply --dry-run --json
run "apply: every step done" apply 0 \
	'd["dry_run"] is False and d["steps"] and all(s["outcome"] == "done" for s in d["steps"])' -- apply --json
run "apply again: every step already in place" apply 0 \
	'all(s["outcome"] == "already_in_place" for s in d["steps"])' -- apply --json
run "status: in_place is a boolean" status 0 \
	'd["live"] is True and d["steps"] and all(s["in_place"] is True for s in d["steps"])' -- status --json
run "check (the phone, over ssh)" check 0 'd["all_pass"] is True and len(d["checks"]) >= 5' -- check --json
# (exit 1 when the testbed's kernel lacks an option doctor looks for: still a valid document)
run "doctor" doctor any 'd["live"] is True and d["iface"] == "usb0"' -- doctor --json
run "report" report 0 'len(d["sections"]) > 3' -- report --json
run "revert: every step undone" revert 0 \
	'd["reverted"] == len(d["steps"]) > 0 and all(s["outcome"] == "undone" for s in d["steps"])' -- revert --json
run "revert with nothing to do" revert 0 'd["reverted"] == 0 and d["steps"] == []' -- revert --json
run "status: nothing live" status 0 'd["live"] is False and "pid" not in d' -- status --json
# An apply on trial (issue 12 item 3): its deadline, and status's pending revert.
run "apply --auto-revert" apply 0 'd["auto_revert_deadline"] > 0' -- apply --auto-revert 120 --json
run "status: an automatic revert is pending" status 0 \
	'd["auto_revert"]["running"] is True and d["auto_revert"]["pid"] > 0 and d["auto_revert"]["deadline"] > 0' -- status --json
run "revert during the countdown" revert 0 'd["reverted"] > 0' -- revert --json
run "status: nothing pending after revert" status 0 '"auto_revert" not in d' -- status --json
# A step that fails: the document says which failed and which were undone.
W() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" USBNET_WIZARD_FAULT=fail:2 "$UW_BIN" "$@" </dev/null 2>"$TB_DIR/stderr"; }
run "apply with step 2 failing: failed, undone, not run" apply 1 \
	'[s["outcome"] for s in d["steps"]][:2] == ["undone", "failed"] and d["steps"][-1]["outcome"] == "not_run" and d["error"]["message"].startswith("Step ")' -- apply --json
W() { tb_desk env USBNET_WIZARD_SSH_DIR="$SSHD" "$UW_BIN" "$@" </dev/null 2>"$TB_DIR/stderr"; }
msg=$(W apply --json --iface nope0; true)
check "the error sentence is the text's" grep -qF "$(W apply --iface nope0 2>&1 >/dev/null; sed 's/^usbnet-wizard apply: //' "$TB_DIR/stderr")" <<<"$msg"
P=$TB_DIR/prof
run "profile save" profile 0 'd["saved"] is True and d["profile"]["nat"] is True' -- profile save --json --profile "$P"
run "profile show" profile 0 'd["saved"] is False and d["profile"]["host_ip"] == "192.168.0.200"' -- profile show --json --profile "$P"
run "profile show, no such file" profile 4 '"no saved profile" in d["error"]["message"]' -- profile show --json --profile "$TB_DIR/none"
# Usage errors are documents too, with exit 2.
for c in detect plan apply revert status check doctor report; do
	run "$c --json --no-such-option" $c 2 'd["error"]["message"]' -- $c --json --no-such-option
done
run "profile show --json --no-such-option" profile 2 'True' -- profile show --json --no-such-option
tb_unplug
run "detect, nothing plugged in" detect 4 'd["interfaces"] == [] and "detect --wait" in d["error"]["message"]' -- detect --json
tb_down
t_finish
