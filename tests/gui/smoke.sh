#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smoke.sh BUILD_DIR CAPTURE [FILTER]
#
# Headless test of the real Wireshark GUI with the tcplife plugin built in
# BUILD_DIR: starts Wireshark under Xvfb on CAPTURE with the display filter
# FILTER (default: tcplife.phase == "teardown") and fails unless
#   - the main window opens on CAPTURE (an invalid filter or a failed read
#     leaves the welcome screen and an error dialog instead);
#   - no other window (error dialog) is open;
#   - the process mapped tcplife.so from BUILD_DIR, not an installed copy;
#   - Wireshark's log says the filter compiled, and has no warning or error
#     besides known harmless ones;
#   - the first displayed packet, copied from the GUI (Edit > Copy > All
#     Visible Items), is the first packet tshark shows for FILTER and has the
#     same TCP Lifecycle summary as tshark -2 gives it;
#   - Wireshark quits cleanly (Ctrl+Q, exit status 0).
# Exits 77 (skipped) when Xvfb, xdotool, xclip or Wireshark are missing and
# cannot be installed. GUI_KEEP=1 keeps the work folder.
set -euo pipefail
[ "${TCPLIFE_GUI:-1}" != 0 ] || { echo "skipped: TCPLIFE_GUI=0"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
GUI_NAME=gui-smoke
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR CAPTURE [FILTER]" >&2; exit 2; }
cap=$2
filter=${3:-'tcplife.phase == "teardown"'}
[ -r "$cap" ] || gui_die "cannot read $cap"
start=$(date +%s)

gui_init "$1"
gui_need "${GUI_PKGS[@]}"
gui_copy_capture "$cap"
name=$(basename "$cap")
plugin=$(readlink -f "$GUI_PLUGIN")

# What tshark, with the same plugin, says the GUI must show.
want_frame=$(gui_tshark -r "$GUI_CAP" -Y "$filter" -T fields -e frame.number | head -1) \
    || gui_die "tshark with the plugin from $GUI_BUILD rejects $name or the filter: $filter"
[ -n "$want_frame" ] || gui_die "tshark shows no packet of $name for: $filter"
want_life=$(gui_tshark -2 -r "$GUI_CAP" -Y "frame.number == $want_frame" -V \
            | grep -m1 '^\[TCP Lifecycle' || true)
[ -n "$want_life" ] || gui_die "tshark shows no TCP Lifecycle tree on frame $want_frame"

gui_start_x 1280x1024
gui_write_recent
gui_start_wireshark -r "$GUI_CAP" -Y "$filter" --log-level info
log=$GUI_TMP/wireshark.log

fail() {
    gui_log "FAIL: $*"
    if kill -0 "$GUI_WS_PID" 2>/dev/null; then
        gui_log "Wireshark's windows:"; gui_windows | sed 's/^/    /' >&2
        if command -v import >/dev/null; then
            local png=${TMPDIR:-/tmp}/tcplife-gui-smoke-failure.png
            import -silent -window root "$png" 2>/dev/null && gui_log "screen: $png"
        fi
    fi
    gui_log "Wireshark log (less the routine 'Compiled display filter' lines):"
    grep -v 'DFilter INFO' "$log" | sed 's/^/    /' >&2
    exit 1
}

# 1. The main window, titled with the capture's name. Wireshark logs "up and
# ready" when its main window is up; the file is read right after, and the
# title changes to its name. A bad filter or file leaves the welcome screen
# and an error dialog.
title_re="^$(printf '%s' "$name" | sed 's/[.[\*^$()+?{|]/\\&/g')\$"
main= ready=
for i in $(seq 300); do
    main=$(gui_wait_window "$title_re" 0 || true)
    [ -n "$main" ] && break
    kill -0 "$GUI_WS_PID" 2>/dev/null || fail "Wireshark exited"
    if [ -z "$ready" ] && grep -q 'up and ready to go' "$log"; then ready=$i; fi
    [ -n "$ready" ] && [ $((i - ready)) -ge 25 ] \
        && fail "Wireshark is up but did not open $name: an error dialog (bad filter, plugin that failed to load, unreadable capture?)"
    sleep 0.2
done
[ -n "$main" ] || fail "no main window on $name within 60 s"
sleep 1
gui_log "main window up after $(( $(date +%s) - start )) s"

# 2. No other window: an error dialog would be one.
others=$(gui_windows | awk -F'\t' -v m="$main" '$1 != m')
[ -z "$others" ] || fail "other windows open (error dialog?): $(printf '%s' "$others" | cut -f2 | paste -sd, -)"

# 3. The plugin mapped from the build tree.
maps=$(grep -F 'tcplife.so' "/proc/$GUI_WS_PID/maps" | awk '{print $NF}' | sort -u || true)
[ -n "$maps" ] || fail "Wireshark did not load any tcplife.so"
[ "$maps" = "$plugin" ] || fail "Wireshark loaded $maps, not $plugin"
gui_log "plugin loaded: $maps"

# 4. The filter compiled; no warnings.
grep -qF "Compiled display filter: $filter" "$log" || fail "the log does not say the filter compiled"
! grep -q 'Compiling filter failed' "$log" || fail "a filter failed to compile"
# Harmless on a headless Debian 12: no nl80211 (no wireless) and Qt's
# runtime folder notes.
bad=$(grep -E '\[[A-Za-z0-9 _-]+ (WARNING|CRITICAL|ERROR)\]' "$log" \
      | grep -vE 'QStandardPaths' || true)
[ -z "$bad" ] || fail "warnings in the log: $bad"

# 5. The first displayed packet, as the GUI shows it.
got=
for attempt in 1 2 3; do
    gui_focus "$main"
    xdotool key Home
    sleep 0.5
    xdotool key ctrl+alt+shift+a          # Edit > Copy > All Visible Items
    sleep 0.5
    got=$(xclip -o -selection clipboard 2>/dev/null || true)
    [ -n "$got" ] && break
done
[ -n "$got" ] || fail "could not copy the selected packet from the GUI"
first=$(printf '%s\n' "$got" | head -1)
case "$first" in
    "Frame $want_frame:"*) ;;
    *) fail "first displayed packet is not frame $want_frame (the filter was not applied?): $first" ;;
esac
life=$(printf '%s\n' "$got" | grep -m1 '^\[TCP Lifecycle' || true)
[ -n "$life" ] || fail "no TCP Lifecycle tree on frame $want_frame in the GUI: $got"
[ "$life" = "$want_life" ] || fail "GUI and tshark -2 differ on frame $want_frame:
    GUI:    $life
    tshark: $want_life"
gui_log "GUI shows frame $want_frame: $life"

# 6. A clean exit.
rc=0
gui_quit "$main" || rc=$?
[ "$rc" -eq 0 ] || fail "Wireshark did not quit cleanly (status $rc)"
# Warnings written while closing count too.
bad=$(grep -E '\[[A-Za-z0-9 _-]+ (WARNING|CRITICAL|ERROR)\]' "$log" | grep -vE 'QStandardPaths' || true)
[ -z "$bad" ] || fail "warnings in the log: $bad"

gui_log "PASS in $(( $(date +%s) - start )) s"
