#!/bin/bash
# detect: the simulated gadget is found and ranked with its reasons; --wait
# reports a phone plugged in later the moment it appears (link events).
source "$(dirname "$0")/lib.sh"
W() { tb_desk "$UW_BIN" "$@"; }

tb_up --no-phone
out=$(W detect 2>&1); rc=$?
check_eq "nothing plugged in: exit 4" "4" "$rc"
check "nothing plugged in: says how to plug and wait" grep -q 'detect --wait' <<<"$out"
W detect --wait 60 >"$TB_DIR/wait.out" 2>&1 &
pid=$!
# Plug only once it listens: a phone already there when it starts is not "new"
# (on a loaded machine the sanitizer build can take seconds to start). How fast
# it reports is measured in bench/, never asserted here.
for _ in $(seq 1 200); do grep -q "Waiting for the phone" "$TB_DIR/wait.out" && break; sleep 0.1; done
sleep 0.3 # (it subscribes to link events right after saying so)
start=$(date +%s%N)
tb_plug
wait $pid; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "--wait returns 0 when the phone appears" "0" "$rc"
check "--wait names usb0" grep -q '^\* usb0' "$TB_DIR/wait.out"
echo "# --wait reported the phone ${ms} ms after the plug"
W detect --json > "$TB_DIR/d.json"
check "--json is valid JSON naming usb0 with reasons" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); i=d["interfaces"]; assert d["version"]==1 and i[0]["ifname"]=="usb0" and i[0]["reasons"], d' "$TB_DIR/d.json"
# A second, more USB-looking interface ranks below usb0 only by name; lan0 (default route) is never a candidate.
check_fails "the default-route interface is never offered" grep -q '"lan0"' "$TB_DIR/d.json"
out=$(W detect --wait 1 2>&1); rc=$?
check_eq "--wait with nothing new times out with exit 4" "4" "$rc"
out=$(W detect --wait abc 2>&1); rc=$?
check_eq "--wait abc is refused (exit 2)" "2" "$rc"
tb_down
t_finish
