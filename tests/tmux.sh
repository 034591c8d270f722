#!/bin/bash
# shellcheck shell=bash
# tmux harness for terminal tests: source it, then
#
#   tmx_start 80 24 'command'      # detached session on a private tmux server
#   tmx_wait 'Step 2 of 6'          # bounded wait until the screen shows a string
#   tmx_keys Down Enter             # tmux send-keys names (Enter, Escape, C-c, F1, BTab...)
#   tmx_type '192.168.0.2'          # literal text
#   tmx_capture FILE                # the screen as text (-e: with escape sequences)
#   tmx_resize 100 30
#   tmx_kill                        # also done by the EXIT trap
#
# Every run uses its own socket (-L) so it never sees or touches the user's
# tmux sessions; the trap kills only that server.

TMX_SOCK_BASE=${TMX_SOCK_BASE:-uw-tui-$$-$RANDOM}
TMX_SOCK=$TMX_SOCK_BASE
_tmx_n=0
TMX_SESSION=uw
TMX_TIMEOUT=${TMX_TIMEOUT:-10}   # seconds tmx_wait waits at most
TMX_LAST=""                      # the last screen tmx_wait saw

tmx() { tmux -L "$TMX_SOCK" "$@"; }

tmx_kill() {
	tmx kill-server 2>/dev/null || true
}

# Chain our cleanup before whatever EXIT trap the caller already has.
_tmx_prev_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
# shellcheck disable=SC2064
trap "tmx_kill; ${_tmx_prev_trap:-:}" EXIT

# tmx_start COLS ROWS COMMAND — COMMAND runs in bash in the pane; the pane
# stays after it ends (remain-on-exit) so its last screen can be read.
tmx_start() {
	local cols=$1 rows=$2 cmd=$3
	tmx_kill
	# A fresh socket for every session: a server that is still shutting
	# down must not meet the next one ("server exited unexpectedly").
	_tmx_n=$((_tmx_n + 1))
	TMX_SOCK=$TMX_SOCK_BASE-$_tmx_n
	# -u: the server speaks UTF-8 whatever this script's locale is; the
	# program's own locale comes from COMMAND's environment.
	tmx -u -f /dev/null new-session -d -s "$TMX_SESSION" -x "$cols" -y "$rows" \
		"env TERM=${TMX_TERM:-tmux-256color} bash --norc --noprofile" || return 1
	tmx set-option -g remain-on-exit on >/dev/null
	tmx set-option -g status off >/dev/null
	tmx set-option -g window-size manual >/dev/null 2>&1 || true
	tmx resize-window -t "$TMX_SESSION" -x "$cols" -y "$rows" >/dev/null 2>&1 || true
	tmx set-option -g escape-time 0 >/dev/null
	tmx_type "PS1='$ '; $cmd"
	tmx_keys Enter
}

# tmx_keys KEY... — tmux key names
tmx_keys() { tmx send-keys -t "$TMX_SESSION" "$@"; }

# tmx_type TEXT — literal text, no key-name lookup
tmx_type() { tmx send-keys -t "$TMX_SESSION" -l -- "$1"; }

# tmx_screen [-e] — print the visible screen
tmx_screen() { tmx capture-pane -t "$TMX_SESSION" -p "$@"; }

# tmx_capture FILE [-e]
tmx_capture() { local f=$1; shift; tmx_screen "$@" >"$f"; }

# tmx_wait STRING [TIMEOUT] — poll the screen every 50 ms until it contains
# STRING (fixed string); returns 1 on timeout with the screen in TMX_LAST.
tmx_wait() {
	local want=$1 limit=${2:-$TMX_TIMEOUT} i=0
	local tries=$((limit * 20))
	while [ $i -lt $tries ]; do
		TMX_LAST=$(tmx_screen 2>/dev/null)
		if grep -qF -- "$want" <<<"$TMX_LAST"; then return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# tmx_wait_gone STRING [TIMEOUT] — until the screen no longer contains STRING
tmx_wait_gone() {
	local want=$1 limit=${2:-$TMX_TIMEOUT} i=0
	local tries=$((limit * 20))
	while [ $i -lt $tries ]; do
		TMX_LAST=$(tmx_screen 2>/dev/null)
		if ! grep -qF -- "$want" <<<"$TMX_LAST"; then return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# tmx_resize COLS ROWS
tmx_resize() { tmx resize-window -t "$TMX_SESSION" -x "$1" -y "$2"; }

# tmx_size — "COLSxROWS" of the pane
tmx_size() { tmx display-message -p -t "$TMX_SESSION" '#{pane_width}x#{pane_height}'; }
