# SPDX-License-Identifier: GPL-2.0-or-later
#
# lib.sh: shared by the GUI scripts in this folder (sourced, not run).
#
# Starts a private X server (Xvfb) and the real Wireshark GUI on it with the
# tcplife plugin built in BUILD_DIR, isolated from the machine: a fresh
# configuration folder and HOME, TZ=UTC, and, as root, the unprivileged user
# nobody (Wireshark started as root ignores WIRESHARK_PLUGIN_DIR and the
# personal plugin folder). Drives it with xdotool.
#
# After sourcing: gui_init BUILD_DIR; then gui_need PKG...; gui_start_x;
# gui_start_wireshark ARGS...; gui_wait_main; ... ; gui_quit.
# Everything started is stopped and removed on exit.

GUI_PKGS=(wireshark-qt xvfb xdotool xclip x11-utils fonts-dejavu-core)

gui_log() { printf '%s: %s\n' "${GUI_NAME:-gui}" "$*" >&2; }
gui_die() { gui_log "FAIL: $*"; exit 1; }
gui_skip() { gui_log "SKIP: $*"; exit 77; }

# gui_init BUILD_DIR: a private folder for X, Wireshark's configuration and
# HOME, and the cleanup trap.
gui_init() {
    GUI_BUILD=$(cd "$1" && pwd)
    GUI_PLUGIN="$GUI_BUILD/plugins/$(ls "$GUI_BUILD/plugins" 2>/dev/null | head -1)/epan/tcplife.so"
    [ -f "$GUI_PLUGIN" ] || gui_die "no tcplife.so under $GUI_BUILD/plugins: build first"
    GUI_TMP=$(mktemp -d /tmp/tcplife-gui.XXXXXX)
    chmod 755 "$GUI_TMP"
    mkdir -p "$GUI_TMP/home" "$GUI_TMP/config" "$GUI_TMP/run" "$GUI_TMP/cap"
    chmod 700 "$GUI_TMP/run"
    GUI_XVFB_PID= GUI_WS_PID=
    trap gui_cleanup EXIT
    GUI_RUN=()
    if [ "$(id -u)" -eq 0 ]; then
        GUI_RUN=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    fi
}

gui_cleanup() {
    local rc=$?
    set +e
    if [ -n "${GUI_WS_PID:-}" ] && kill -0 "$GUI_WS_PID" 2>/dev/null; then
        kill "$GUI_WS_PID" 2>/dev/null; sleep 0.5
        kill -0 "$GUI_WS_PID" 2>/dev/null && kill -9 "$GUI_WS_PID" 2>/dev/null
        wait "$GUI_WS_PID" 2>/dev/null
    fi
    if [ -n "${GUI_XVFB_PID:-}" ]; then
        kill "$GUI_XVFB_PID" 2>/dev/null
        wait "$GUI_XVFB_PID" 2>/dev/null
    fi
    if [ -n "${GUI_KEEP:-}" ]; then
        gui_log "kept $GUI_TMP"
    else
        rm -rf "$GUI_TMP"
    fi
    exit "$rc"
}

# gui_need PKG...: installs the Debian packages that are missing (as root, or
# through sudo without a password). Exits 77 when they cannot be installed.
gui_need() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || gui_skip "missing ${missing[*]} and no apt-get to install them"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || gui_skip "missing ${missing[*]}; not root and no password-less sudo"
        sudo=(sudo -n)
    fi
    gui_log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep dumpcap unprivileged: the GUI only reads capture files.
    echo "wireshark-common wireshark-common/install-setuid boolean false" \
        | "${sudo[@]}" debconf-set-selections 2>/dev/null || true
    if ! { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
           "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
               >"$GUI_TMP/apt.log" 2>&1; }; then
        tail -5 "$GUI_TMP/apt.log" >&2
        gui_skip "could not install ${missing[*]}"
    fi
}

# gui_start_x [WxH]: Xvfb on the first free display; exports DISPLAY.
gui_start_x() {
    local size=${1:-1280x1024} n
    command -v Xvfb >/dev/null || gui_skip "no Xvfb"
    : >"$GUI_TMP/display"
    Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp -noreset \
        3>"$GUI_TMP/display" >"$GUI_TMP/xvfb.log" 2>&1 &
    GUI_XVFB_PID=$!
    for n in $(seq 100); do
        [ -s "$GUI_TMP/display" ] && break
        kill -0 "$GUI_XVFB_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$GUI_TMP/display" ]; then
        cat "$GUI_TMP/xvfb.log" >&2
        gui_skip "Xvfb did not start"
    fi
    export DISPLAY=":$(tr -dc 0-9 <"$GUI_TMP/display")"
    GUI_W=${size%x*} GUI_H=${size#*x}
}

# gui_write_recent: a main window at 0,0 filling the screen, no byte view,
# no first-run warnings.
gui_write_recent() {
    cat >"$GUI_TMP/config/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $GUI_W
gui.geometry_main_height: $GUI_H
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
    cat >"$GUI_TMP/config/recent" <<EOF
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: 120
gui.geometry_main_lower_pane: 700
EOF
}

# gui_copy_capture FILE: a copy the unprivileged user can read; sets GUI_CAP.
gui_copy_capture() {
    GUI_CAP="$GUI_TMP/cap/$(basename "$1")"
    cp "$1" "$GUI_CAP"
}

# gui_start_wireshark ARGS...: starts wireshark in the background; its
# stdout and stderr go to $GUI_TMP/wireshark.log.
gui_start_wireshark() {
    command -v wireshark >/dev/null || gui_skip "no wireshark (package wireshark-qt)"
    [ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$GUI_TMP/home" "$GUI_TMP/config" "$GUI_TMP/run" "$GUI_TMP/cap"
    if [ ${#GUI_RUN[@]} -gt 0 ] && ! "${GUI_RUN[@]}" test -r "$GUI_PLUGIN"; then
        gui_die "user nobody cannot read $GUI_PLUGIN: build in a folder others can read (e.g. under /tmp)"
    fi
    "${GUI_RUN[@]}" env -i \
        PATH=/usr/bin:/bin:/usr/sbin:/sbin \
        DISPLAY="$DISPLAY" \
        HOME="$GUI_TMP/home" \
        XDG_RUNTIME_DIR="$GUI_TMP/run" \
        WIRESHARK_CONFIG_DIR="$GUI_TMP/config" \
        WIRESHARK_PLUGIN_DIR="$GUI_BUILD/plugins" \
        QT_QPA_PLATFORM=xcb \
        TZ=UTC LC_ALL=C.UTF-8 \
        wireshark "$@" >"$GUI_TMP/wireshark.log" 2>&1 &
    GUI_WS_PID=$!
}

# gui_windows: "id<TAB>name" of every mapped window of Wireshark.
gui_windows() {
    local w
    for w in $(xdotool search --onlyvisible --class wireshark 2>/dev/null); do
        printf '%s\t%s\n' "$w" "$(xdotool getwindowname "$w" 2>/dev/null)"
    done
}

# gui_wait_window REGEX [SECONDS]: prints the id of the first mapped Wireshark
# window whose title matches REGEX (extended), waiting up to SECONDS for it
# (0: just look).
gui_wait_window() {
    local re=$1 t=${2:-30} i w
    for i in $(seq $((t * 5 + 1))); do
        w=$(gui_windows | awk -F'\t' -v re="$re" '$2 ~ re { print $1; exit }')
        [ -n "$w" ] && { echo "$w"; return 0; }
        [ -n "${GUI_WS_PID:-}" ] && ! kill -0 "$GUI_WS_PID" 2>/dev/null && return 1
        [ "$i" -le $((t * 5)) ] && sleep 0.2
    done
    return 1
}

# gui_settle [SECONDS]: waits until two screen grabs 0.4 s apart are equal.
gui_settle() {
    local t=${1:-10} i a b=
    for i in $(seq $((t * 2))); do
        sleep 0.4
        a=$(import -silent -window root rgb:- 2>/dev/null | md5sum)
        [ "$a" = "$b" ] && return 0
        b=$a
    done
    return 0
}

# gui_focus WINDOW: gives it the keyboard (there is no window manager).
gui_focus() { xdotool windowfocus --sync "$1" 2>/dev/null || xdotool windowfocus "$1"; sleep 0.2; }

# gui_quit WINDOW [SECONDS]: Ctrl+Q and waits for Wireshark to exit; returns
# its exit status (1 when it had to be killed).
gui_quit() {
    local t=${2:-15} i
    gui_focus "$1"
    xdotool key ctrl+q
    for i in $(seq $((t * 5))); do
        kill -0 "$GUI_WS_PID" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$GUI_WS_PID" 2>/dev/null; then
        kill "$GUI_WS_PID"; wait "$GUI_WS_PID" 2>/dev/null; GUI_WS_PID=
        return 1
    fi
    local rc=0
    wait "$GUI_WS_PID" || rc=$?
    GUI_WS_PID=
    return $rc
}

# gui_tshark ARGS...: tshark with the same plugin, isolated the same way.
gui_tshark() {
    "$(dirname "${BASH_SOURCE[0]}")/../e2e/tshark-plugin.sh" "$GUI_BUILD" "$@"
}
