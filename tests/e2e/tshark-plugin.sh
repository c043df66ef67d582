#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tshark-plugin.sh BUILD_DIR [TSHARK ARGS...]
#
# Runs tshark with the tcplife plugin freshly built in BUILD_DIR, isolated
# from the machine: TZ=UTC, LC_ALL=C, an empty configuration folder and HOME,
# and no extcap helpers (an empty WIRESHARK_EXTCAP_DIR: reading files needs
# none, and tshark would otherwise start each of them at every run).
# tshark started as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin
# folder, so as root it is started as an unprivileged user (nobody).
#
# Sanitizer builds (tests/sanitize/run.sh): tshark is not built with ASan, so
# the ASan runtime must be preloaded into it. TCPLIFE_TSHARK_PRELOAD (or
# LD_PRELOAD) becomes tshark's LD_PRELOAD, and TCPLIFE_TSHARK_ASAN_OPTIONS
# (or ASAN_OPTIONS) and UBSAN_OPTIONS its sanitizer options: set only for
# tshark, not for this shell, diff or awk. Reports are written to files, and
# any report fails the run (exit 1, the report on stderr) even when tshark
# itself exits 0. WIRESHARK_DEBUG_WMEM_OVERRIDE and G_SLICE are passed
# through when set, and so are TCPLIFE_PARK_FRAMES (tl_conns.c),
# TCPLIFE_EPAN_FALLBACK and TCPLIFE_EPAN_REPORT (tl_extract.c), and
# TCPLIFE_MEMSTATS (packet-tcplife.c).
#
# TCPLIFE_TSHARK_WRAP: a command prefix for tshark, split on spaces, e.g.
# "valgrind --tool=memcheck ..." (tests/memcheck/run.sh) or "timeout 30"
# (tests/fuzz/tshark-mutate.sh).
set -euo pipefail

build=$(cd "$1" && pwd); shift
tmp=$(mktemp -d /tmp/tcplife-tshark.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/config" "$tmp/extcap" "$tmp/san"

run=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody:nogroup "$tmp"
    run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

preload=${TCPLIFE_TSHARK_PRELOAD:-${LD_PRELOAD:-}}
asan=${TCPLIFE_TSHARK_ASAN_OPTIONS:-${ASAN_OPTIONS:-}}
san=()
if [ -n "$preload$asan${UBSAN_OPTIONS:-}" ]; then
    san=(ASAN_OPTIONS="${asan:+$asan:}log_path=$tmp/san/asan"
         UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$tmp/san/ubsan")
    [ -n "$preload" ] && san+=(LD_PRELOAD="$preload")
fi

wrap=()
[ -n "${TCPLIFE_TSHARK_WRAP:-}" ] && read -r -a wrap <<<"$TCPLIFE_TSHARK_WRAP"

tshark_isolated() {
    "${run[@]}" env -i \
        PATH=/usr/bin:/bin:/usr/sbin:/sbin \
        HOME="$tmp/home" \
        WIRESHARK_CONFIG_DIR="$tmp/config" \
        WIRESHARK_PLUGIN_DIR="$build/plugins" \
        WIRESHARK_EXTCAP_DIR="$tmp/extcap" \
        TZ=UTC LC_ALL=C \
        ${WIRESHARK_DEBUG_WMEM_OVERRIDE:+WIRESHARK_DEBUG_WMEM_OVERRIDE="$WIRESHARK_DEBUG_WMEM_OVERRIDE"} \
        ${G_SLICE:+G_SLICE="$G_SLICE"} \
        ${TCPLIFE_PARK_FRAMES:+TCPLIFE_PARK_FRAMES="$TCPLIFE_PARK_FRAMES"} \
        ${TCPLIFE_EPAN_FALLBACK:+TCPLIFE_EPAN_FALLBACK="$TCPLIFE_EPAN_FALLBACK"} \
        ${TCPLIFE_EPAN_REPORT:+TCPLIFE_EPAN_REPORT="$TCPLIFE_EPAN_REPORT"} \
        ${TCPLIFE_MEMSTATS:+TCPLIFE_MEMSTATS="$TCPLIFE_MEMSTATS"} \
        "${san[@]}" \
        "${wrap[@]}" tshark "$@"
}

status=0
if [ ${#san[@]} -eq 0 ]; then
    tshark_isolated "$@" || status=$?
    exit "$status"
fi
# Sanitizer mode: stderr is kept too, as UBSan in a dlopen()ed module may
# print its report there instead of to log_path.
tshark_isolated "$@" 2>"$tmp/stderr" || status=$?

cat "$tmp/stderr" >&2
if [ -n "$(ls -A "$tmp/san")" ] \
   || grep -qE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$tmp/stderr"; then
    echo "tshark-plugin.sh: sanitizer report from tshark $* (exit $status):" >&2
    cat "$tmp"/san/* >&2 2>/dev/null || true
    exit 1
fi
exit "$status"
