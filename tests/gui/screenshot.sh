#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# screenshot.sh BUILD_DIR OUTDIR [CAPTURE]
#
# Starts the real Wireshark GUI under Xvfb with the tcplife plugin built in
# BUILD_DIR on CAPTURE (default: sample-captures/close-client-first.pcap) and
# saves PNG screenshots to OUTDIR:
#   teardown-filter.png  filter tcplife.phase == "teardown" applied, a
#                        teardown packet (step 3 when there is one) selected,
#                        its TCP Lifecycle tree expanded
#   flow-graph.png       Statistics > Flow Graph ("TCP Lifecycle" flow type
#                        when Wireshark offers it, else "TCP Flows")
#   flow-types.png       the flow types Wireshark offers
#   about-plugins.png    Help > About Wireshark > Plugins, tcplife.so listed
#                        from BUILD_DIR
#   preferences.png      Edit > Preferences > Protocols > TCPLIFE
#   preferences-msl.png  the same with the MSL profile list open
#   stats-menu.png       Statistics > TCP Lifecycle open (Summary; the
#                        Connections table is the "TCP Lifecycle/Connections"
#                        entry higher up)
#   stats-connections.png  the Connections table dialog, and
#   stats-summary.png    the Summary stats tree, on STATS_CAPTURE (default:
#                        sample-captures/accept-queue-overflow.pcap, several
#                        connections)
# and checks that the preferences page works: choosing another MSL profile
# and OK writes tcplife.msl_profile to the preferences file.
#
# Installs what is missing (wireshark-qt, xvfb, xdotool, xclip, x11-utils,
# imagemagick, fonts-dejavu-core). GUI_KEEP=1 keeps the work folder (logs,
# Wireshark configuration) for a look.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
GUI_NAME=screenshot
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR OUTDIR [CAPTURE [STATS_CAPTURE]]" >&2; exit 2; }
build=$1
mkdir -p "$2"; out=$(cd "$2" && pwd)
cap=${3:-$top/sample-captures/close-client-first.pcap}
stats_cap=${4:-$top/sample-captures/accept-queue-overflow.pcap}
[ -r "$cap" ] || gui_die "cannot read $cap"
filter='tcplife.phase == "teardown"'

start=$(date +%s)
gui_init "$build"
gui_need "${GUI_PKGS[@]}" imagemagick
gui_copy_capture "$cap"
name=$(basename "$cap")

# The packet to show: the first teardown step 3 (the second FIN), else the
# first teardown packet.
frame=$(gui_tshark -r "$GUI_CAP" -Y 'tcplife.teardown.step == 3' -T fields -e frame.number | head -1)
[ -n "$frame" ] || frame=$(gui_tshark -r "$GUI_CAP" -Y "$filter" -T fields -e frame.number | head -1)
[ -n "$frame" ] || gui_die "no packet of $name matches $filter"

gui_start_x 1280x900
gui_write_recent
gui_start_wireshark -r "$GUI_CAP" -Y "$filter" -g "$frame" -o gui.layout_type:1
main=$(gui_wait_window "^$(printf '%s' "$name" | sed 's/[.[\*^$()+?{|]/\\&/g')\$" 60) \
    || { cat "$GUI_TMP/wireshark.log" >&2; gui_windows >&2; gui_die "no main window titled $name"; }
gui_settle 10

shot_window() {   # shot_window WINDOW FILE: that window only
    import -silent -window "$1" "$out/$2"
    gui_log "wrote $out/$2 ($(du -k "$out/$2" | cut -f1) KB)"
}
shot_area() {     # shot_area WxH+X+Y FILE: a part of the screen (popups included)
    import -silent -window root -crop "$1" +repage "$out/$2"
    gui_log "wrote $out/$2 ($(du -k "$out/$2" | cut -f1) KB)"
}
park_mouse() { xdotool mousemove "$((GUI_W - 1))" "$((GUI_H - 1))"; sleep 0.2; }

# 1. The details pane: focus it (a click below its five top-level items),
# go to its last top-level item (TCP Lifecycle, a post-dissector's tree comes
# last) and expand it with all its subtrees (Shift+Right). The first key a
# tree without a current item gets only makes its first item current: Home
# first, then End.
gui_focus "$main"
xdotool mousemove $((GUI_W / 2)) $((GUI_H - 60)) click 1
sleep 0.3
xdotool key Home End shift+Right
park_mouse
gui_settle 5
shot_window "$main" teardown-filter.png

# 2. Statistics > Flow Graph: Flow Graph is the 18th entry of the Statistics
# menu of Wireshark 4.0 with the plugin (it has no keyboard accelerator; the
# plugin's "TCP Lifecycle/Connections" table entry sorts above it).
gui_focus "$main"
xdotool key alt+s
sleep 0.4
xdotool key --delay 20 $(printf 'Down %.0s' $(seq "${GUI_FLOW_MENU_INDEX:-17}")) Return
if flow=$(gui_wait_window '· Flow ·' 15); then
    xdotool windowsize "$flow" 1280 560
    gui_focus "$flow"
    # Focus starts on the diagram: Tab, Tab reaches the Flow type list.
    xdotool key Tab Tab alt+Down
    sleep 0.8
    shot_area 1280x170+0+470 flow-types.png
    # Type-ahead picks "TCP Lifecycle" when it is offered, else "TCP Flows".
    xdotool type --delay 40 'TCP L'
    xdotool key Return
    park_mouse
    gui_settle 5
    shot_window "$flow" flow-graph.png
    gui_focus "$flow"
    xdotool key Escape
    sleep 0.5
else
    gui_log "WARN: Statistics > Flow Graph did not open (menu entry moved?); windows:"
    gui_windows >&2
    xdotool key Escape Escape
fi

# 3. Help > About Wireshark (the last entry of Help) > Plugins (4th tab).
gui_focus "$main"
xdotool key alt+h
sleep 0.4
xdotool key Up Return
about=$(gui_wait_window '^About Wireshark$' 15) || gui_die "About Wireshark did not open"
gui_focus "$about"
xdotool key ctrl+Tab ctrl+Tab ctrl+Tab
park_mouse
gui_settle 5
shot_window "$about" about-plugins.png
xdotool key Escape
sleep 0.5

# 4. Edit > Preferences (Ctrl+Shift+P) > Protocols > TCPLIFE, by type-ahead
# in the page tree; then open the MSL profile list.
gui_focus "$main"
xdotool key ctrl+shift+p
prefs=$(gui_wait_window 'Preferences$' 15) || gui_die "Preferences did not open"
xdotool windowsize "$prefs" 800 500
gui_focus "$prefs"
xdotool type --delay 60 Protocols
xdotool key Right
sleep 0.5
xdotool type --delay 60 TCPLIFE
park_mouse
gui_settle 5
shot_window "$prefs" preferences.png
# The MSL profile list is the first widget of the page, right of the tree.
xdotool mousemove --window "$prefs" 500 55 click 1
park_mouse
sleep 0.8
shot_area 800x500+0+0 preferences-msl.png
# Pick the next profile (RFC 9293) and press OK: the preference must be saved.
xdotool key Down Return
sleep 0.3
gui_focus "$prefs"
xdotool key Return
sleep 1.5
if grep -q '^tcplife\.msl_profile: RFC 9293' "$GUI_TMP/config/preferences" 2>/dev/null; then
    gui_log "preferences page works: $(grep '^tcplife\.msl_profile' "$GUI_TMP/config/preferences")"
else
    gui_log "WARN: Preferences > TCPLIFE did not save tcplife.msl_profile"
fi

rc=0
gui_quit "$main" || rc=$?
[ "$rc" -eq 0 ] || gui_log "WARN: Wireshark exited with $rc"

# 5. Statistics > TCP Lifecycle, on a capture with several connections: the
# Connections table (opened with -z tcplife,table, as its menu entry does)
# and the Summary stats tree (through the menu: the plugin's submenu is the
# last entry of Statistics).
gui_copy_capture "$stats_cap"
rm -f "$GUI_TMP/config/preferences"     # step 4 chose another MSL profile
sname=$(basename "$stats_cap")
gui_start_wireshark -r "$GUI_CAP" -z tcplife,table -o gui.layout_type:1
main=$(gui_wait_window "^$(printf '%s' "$sname" | sed 's/[.[\*^$()+?{|]/\\&/g')\$" 60) \
    || { cat "$GUI_TMP/wireshark.log" >&2; gui_die "no main window titled $sname"; }
if conn=$(gui_wait_window '· TCP Lifecycle/Connections ·' 20); then
    xdotool windowraise "$conn" windowmove "$conn" 0 0 windowsize "$conn" 1280 300
    park_mouse
    gui_settle 5
    shot_area 1280x300+0+0 stats-connections.png
    gui_focus "$conn"
    xdotool key Escape
    sleep 0.5
else
    gui_log "WARN: the Connections dialog did not open"
fi
gui_focus "$main"
xdotool key alt+s
sleep 0.5
xdotool key Up Right
sleep 0.8
shot_area 840x760+0+0 stats-menu.png
xdotool key Return
if summ=$(gui_wait_window '· (TCP Lifecycle/)?Summary ·' 20); then
    xdotool windowraise "$summ" windowmove "$summ" 0 0 windowsize "$summ" 1100 760
    park_mouse
    gui_settle 5
    shot_area 1100x760+0+0 stats-summary.png
    gui_focus "$summ"
    xdotool key Escape
    sleep 0.5
else
    gui_log "WARN: Statistics > TCP Lifecycle > Summary did not open"
fi
gui_quit "$main" || gui_log "WARN: Wireshark exited with $?"
gui_log "done in $(( $(date +%s) - start )) s; Wireshark log:"
sed 's/^/    /' "$GUI_TMP/wireshark.log" >&2
