#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# stats-dialogs.sh BUILD_DIR CAPTURE
#
# Headless test of the GUI's TCP Lifecycle statistics with the plugin built
# in BUILD_DIR, under Xvfb, on CAPTURE:
#   - Statistics > TCP Lifecycle/Connections (Wireshark's table dialog,
#     opened with -z tcplife,table as the menu entry does): copied from the
#     dialog (Ctrl+C, plain text), it has one row per connection, with the
#     client, server and teardown of tshark -z tcplife,conn,tsv;
#   - Statistics > TCP Lifecycle > Summary (the stats tree, opened through
#     the menu: the plugin's submenu is the last entry of Statistics): its
#     Connections count and outcome counts are tshark -z tcplife,sum's;
#   - both close, Wireshark quits cleanly and logs no warning.
# Exits 77 (skipped) when Xvfb, xdotool, xclip or Wireshark are missing and
# cannot be installed. GUI_KEEP=1 keeps the work folder.
set -euo pipefail
[ "${TCPLIFE_GUI:-1}" != 0 ] || { echo "skipped: TCPLIFE_GUI=0"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
GUI_NAME=gui-stats
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR CAPTURE" >&2; exit 2; }
cap=$2
[ -r "$cap" ] || gui_die "cannot read $cap"
start=$(date +%s)

gui_init "$1"
gui_need "${GUI_PKGS[@]}"
gui_copy_capture "$cap"
name=$(basename "$cap")

# What tshark, with the same plugin, says the dialogs must show.
tsv=$(gui_tshark -n -r "$GUI_CAP" -q -z tcplife,conn,tsv) || gui_die "tshark -z tcplife,conn,tsv failed"
sum=$(gui_tshark -n -r "$GUI_CAP" -q -z tcplife,sum) || gui_die "tshark -z tcplife,sum failed"
nconn=$(sed -n 's/^Connections: //p' <<<"$sum")
[ "${nconn:-0}" -gt 0 ] || gui_die "tshark sees no connection in $name"

gui_start_x 1280x1024
gui_write_recent
gui_start_wireshark -r "$GUI_CAP" -z tcplife,table --log-level info
log=$GUI_TMP/wireshark.log

fail() {
    gui_log "FAIL: $*"
    if kill -0 "$GUI_WS_PID" 2>/dev/null; then
        gui_log "Wireshark's windows:"; gui_windows | sed 's/^/    /' >&2
    fi
    gui_log "Wireshark log (less the routine 'Compiled display filter' lines):"
    grep -v 'DFilter INFO' "$log" | sed 's/^/    /' >&2
    exit 1
}

# copy WINDOW: the dialog's contents as its Copy puts them on the clipboard
# (plain text): the first entry of the tree's context menu. The dialog is
# raised and moved to the top left first (there is no window manager).
copy() {
    local got= attempt
    xdotool windowraise "$1" windowmove "$1" 0 0 windowsize "$1" 1200 700
    sleep 0.5
    for attempt in 1 2 3; do
        printf '' | xclip -selection clipboard 2>/dev/null || true
        gui_focus "$1"
        xdotool mousemove --window "$1" 150 80 click 3
        sleep 0.5
        xdotool key Down Return
        sleep 0.5
        got=$(xclip -o -selection clipboard 2>/dev/null || true)
        [ "$(printf '%s\n' "$got" | wc -l)" -gt 1 ] && break
    done
    xdotool mousemove "$((GUI_W - 1))" "$((GUI_H - 1))"
    printf '%s\n' "$got"
}

title_re="^$(printf '%s' "$name" | sed 's/[.[\*^$()+?{|]/\\&/g')\$"
main=$(gui_wait_window "$title_re" 60) || fail "no main window on $name within 60 s"

# 1. Connections: one row per connection.
conn=$(gui_wait_window '· TCP Lifecycle/Connections ·' 30) || fail "the Connections dialog did not open"
sleep 1
text=$(copy "$conn")
printf '%s\n' "$text" >"$GUI_TMP/connections.txt"
[ -n "$text" ] || fail "could not copy the Connections table"
rows=0
while IFS=$'\t' read -r stream client server _ _ _ _ _ teardown _; do
    [ "$stream" = stream ] && continue
    grep -qE "^ *$stream +$(sed 's/[.[]/\\&/g' <<<"$client") +$(sed 's/[.[]/\\&/g' <<<"$server") .* $teardown " <<<"$text" \
        || fail "no row for stream $stream ($client, $server, $teardown) in the Connections dialog:
$text"
    rows=$((rows + 1))
done <<<"$tsv"
[ "$rows" -eq "$nconn" ] || fail "$rows rows for $nconn connections"
gui_log "Connections dialog: $rows rows as tshark -z tcplife,conn shows them"
gui_focus "$conn"
xdotool key Escape
sleep 0.5
[ -z "$(gui_wait_window '· TCP Lifecycle/Connections ·' 0 || true)" ] || fail "the Connections dialog did not close"

# 2. Summary, through the menu: Statistics, its last entry (the TCP
# Lifecycle submenu), Summary.
gui_focus "$main"
xdotool key alt+s
sleep 0.5
xdotool key Up Right
sleep 0.3
xdotool key Return
summ=$(gui_wait_window '· (TCP Lifecycle/)?Summary ·' 30) \
    || fail "Statistics > TCP Lifecycle > Summary did not open a Summary dialog"
sleep 1
text=$(copy "$summ")
printf '%s\n' "$text" >"$GUI_TMP/summary.txt"
[ -n "$text" ] || fail "could not copy the Summary tree"
count() {   # count NAME: the first number after NAME at a line's start
    awk -v n="$1" '{ line = $0; sub(/^ +/, "", line) }
                   index(line, n) == 1 && substr(line, length(n) + 1) ~ /^ +[0-9]/ {
                       rest = substr(line, length(n) + 1); sub(/^ +/, "", rest); split(rest, f, / +/); print f[1]; exit }' <<<"$text"
}
got=$(count Connections)
[ "$got" = "$nconn" ] || fail "Summary says $got connections, tshark -z tcplife,sum $nconn:
$text"
for outcome in closed reset refused; do
    want=$(awk -v n="$outcome" '/^Outcome:/ { s = 1; next } /^$/ { s = 0 } s && $1 == n { print $2; exit }' <<<"$sum")
    # The tree's Outcome node, then its children (indented deeper).
    got=$(awk -v n="$outcome" 'match($0, /^ *Outcome /) { s = 1; d = index($0, "O"); next }
                               s && match($0, /[^ ]/) <= d { s = 0 }
                               s && $1 == n { print $2; exit }' <<<"$text")
    [ "$got" = "$want" ] || fail "Summary: outcome $outcome $got, tshark -z tcplife,sum $want:
$text"
done
gui_log "Summary dialog: $nconn connections, outcomes as tshark -z tcplife,sum counts them"
gui_focus "$summ"
xdotool key Escape
sleep 0.5

# 3. A clean exit, no warnings.
rc=0
gui_quit "$main" || rc=$?
[ "$rc" -eq 0 ] || fail "Wireshark did not quit cleanly (status $rc)"
bad=$(grep -E '\[[A-Za-z0-9 _-]+ (WARNING|CRITICAL|ERROR)\]' "$log" | grep -vE 'QStandardPaths' || true)
[ -z "$bad" ] || fail "warnings in the log: $bad"
gui_log "PASS in $(( $(date +%s) - start )) s"
