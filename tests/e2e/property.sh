#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# property.sh BUILD_DIR CAPTURE CHECK: properties that hold on every capture.
#   passes-agree     per-packet output of tshark's single pass equals -2's
#                    (whole-connection tcplife.conn.* lines excepted: they
#                    exist only when all frames were seen)
#   teardown-filter  -Y 'tcplife.phase == "teardown"' selects exactly the
#                    frames whose tcplife.phase field is "teardown"
#   tcpdump-passes   tcplife.tcpdump is the same text in one pass, in -2 with
#                    -T fields (kept from the first pass) and in -2 -V (made
#                    again from the visible tree), and a -2 filter on it
#                    selects the frames a single pass selects
#   parked           every connection parked between its segments
#                    (TCPLIFE_PARK_FRAMES=0) gives the same -2 -V tree,
#                    -z tables and single-pass fields as the default
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2 check=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$check" in
passes-agree)
    "$here/view.sh" "$build" "$capture" tree >"$tmp/one"
    # Drop the "Connection outcome" item and its subtree (deeper indent).
    "$here/view.sh" "$build" "$capture" tree2 | awk '
        skip && match($0, /^ */) && RLENGTH > depth { next }
        { skip = 0 }
        /^ *\[Connection outcome: / { match($0, /^ */); depth = RLENGTH; skip = 1; next }
        { print }' >"$tmp/two"
    [ -s "$tmp/one" ] || { echo "no output from tshark" >&2; exit 1; }
    diff -u "$tmp/one" "$tmp/two"
    ;;
teardown-filter)
    "$here/view.sh" "$build" "$capture" teardown >"$tmp/filter"
    "$here/view.sh" "$build" "$capture" fields \
        | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tcplife.phase") col = i; next }
                      $col ~ /(^|,)teardown(,|$)/ { print $1 }' >"$tmp/fields"
    diff -u "$tmp/fields" "$tmp/filter"
    ;;
tcpdump-passes)
    ts() { "$here/tshark-plugin.sh" "$build" -r "$capture" "$@"; }
    ts -T fields -e frame.number -e tcplife.tcpdump >"$tmp/one"
    ts -2 -T fields -e frame.number -e tcplife.tcpdump >"$tmp/two"
    [ -s "$tmp/one" ] || { echo "no output from tshark" >&2; exit 1; }
    diff -u "$tmp/one" "$tmp/two"
    # -V: "tcpdump: <text>" lines, one per tracked layer, in frame order.
    ts -O tcplife -V | sed -n 's/^ *\[tcpdump: //p' >"$tmp/v1"
    ts -2 -O tcplife -V | sed -n 's/^ *\[tcpdump: //p' >"$tmp/v2"
    [ -s "$tmp/v1" ] || { echo "no tcpdump lines in -V" >&2; exit 1; }
    diff -u "$tmp/v1" "$tmp/v2"
    ts -Y 'tcplife.tcpdump contains "Flags [S"' -T fields -e frame.number >"$tmp/f1"
    ts -2 -Y 'tcplife.tcpdump contains "Flags [S"' -T fields -e frame.number >"$tmp/f2"
    diff -u "$tmp/f1" "$tmp/f2"
    ;;
parked)
    for view in tree2 stats fields; do
        "$here/view.sh" "$build" "$capture" "$view" >"$tmp/default.$view"
        TCPLIFE_PARK_FRAMES=0 "$here/view.sh" "$build" "$capture" "$view" >"$tmp/parked.$view"
        [ -s "$tmp/default.$view" ] || { echo "no $view output from tshark" >&2; exit 1; }
        diff -u "$tmp/default.$view" "$tmp/parked.$view"
    done
    ;;
*) echo "property.sh: unknown check '$check'" >&2; exit 2 ;;
esac
