#!/usr/bin/env python3
# inert.py FILE [--json]: exit 0 when FILE is valid UTF-8 with nothing a
# terminal could obey (no ESC or other C0 control but newline and tab, no
# DEL, no C1 control as a raw byte or as U+0080..U+009F); with --json, it
# must also parse as JSON and the decoded strings must hold no ESC or C1 either.
import json, sys

data = open(sys.argv[1], 'rb').read()
try:
    text = data.decode('utf-8', errors='strict')
except UnicodeDecodeError as e:
    sys.exit('not valid UTF-8: %s' % e)

def bad(s, allow_nl=True):
    for i, c in enumerate(s):
        o = ord(c)
        if (o < 0x20 and not (allow_nl and c in '\n\t')) or 0x7f <= o <= 0x9f:
            return 'control U+%04X at %d: %r' % (o, i, s[max(0, i - 20):i + 20])
    return None

why = bad(text)
if why:
    sys.exit(why)
if '--json' in sys.argv[2:]:
    def walk(v):
        if isinstance(v, str):
            # Decoded strings may hold newlines (bodies), never ESC or C1.
            w = bad(v)
            if w:
                sys.exit('in a JSON string: ' + w)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k); walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    try:
        walk(json.loads(text))
    except ValueError as e:
        sys.exit('not JSON: %s' % e)
