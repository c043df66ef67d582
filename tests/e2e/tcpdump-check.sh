#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tcpdump-check.sh BUILD_DIR CAPTURE: tcplife.tcpdump must read exactly as
# `tcpdump -n -r CAPTURE` prints each TCP segment (the part after the
# addresses, up to "length N"; tcpdump may append an application decode).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
command -v tcpdump >/dev/null || { echo "tcpdump is not installed" >&2; exit 1; }
source "$here/epan-skip.sh" "$capture"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tcpdump: one line per frame; keep TCP segments only (not ICMP quotes).
tcpdump -n -r "$capture" 2>/dev/null | awk '
    { n++ }
    /^[^ ]+ IP6? .*: Flags \[/ {
        sub(/^[^ ]+ IP6? .*: Flags \[/, "Flags [")   # time and addresses
        if (match($0, /, length [0-9]+/)) $0 = substr($0, 1, RSTART + RLENGTH - 1)
        print n "\t" $0
    }' >"$tmp/tcpdump"
"$here/tshark-plugin.sh" "$build" -n -r "$capture" -Y tcplife \
    -T fields -e frame.number -e tcplife.tcpdump >"$tmp/tcplife"
[ -s "$tmp/tcpdump" ] || { echo "tcpdump printed no TCP segment" >&2; exit 1; }
diff -u "$tmp/tcpdump" "$tmp/tcplife"
