#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# frames-kept.sh BUILD_DIR CAPTURE: the per-frame store is written only
# when a later pass can read it, and read filters do not shift it.
#  1. tshark's single pass stores no frame after the first four (the
#     program keeps no frame to come back to: frames_kept() in
#     packet-tcplife.c); tshark -2 stores every frame it tracks
#     (TCPLIFE_MEMSTATS=1: "frames" tracked, "stored").
#  2. tshark -2 -R FILTER: a frame the read filter rejects gives its number
#     to the next one. Every frame the filter keeps shows the same tcplife
#     fields as in tshark -2 without a filter (rows matched on the frame's
#     time and TCP sequence number, as the frame numbers differ), for two
#     filters: one keeping SYNs, FINs and RSTs, one keeping the segments
#     with an odd sequence number (about half, at random); and the store
#     holds the frames the filter keeps, not the rejected ones as well.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/view-fields.sh"
status=0

memstat() {   # memstat KEY FILE: the value after KEY on tcplife's memstats line
    awk -v k="$1" '/^tcplife memstats:/ { for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$2"
}
TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -r "$capture" -Y tcp -q 2>"$tmp/one" >/dev/null
TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -Y tcp -q 2>"$tmp/two" >/dev/null
frames1=$(memstat frames "$tmp/one") stored1=$(memstat stored "$tmp/one")
frames2=$(memstat frames "$tmp/two") stored2=$(memstat stored "$tmp/two")
if [ -z "$frames1" ] || [ -z "$stored1" ] || [ -z "$stored2" ]; then
    echo "no memstats line from tshark" >&2; cat "$tmp/one" "$tmp/two" >&2; exit 1
fi
if [ "$stored1" -gt 4 ] || [ "$stored2" != "$frames2" ] || [ "$frames1" != "$frames2" ]; then
    echo "FAIL: single pass tracked $frames1 frames and stored $stored1 (at most 4 expected);" \
         "-2 tracked $frames2 and stored $stored2 (all expected)" >&2
    status=1
fi

keys=(frame.time_epoch tcp.seq_raw)
args=()
# tcplife.duplicate names a frame by its number, which a read filter changes.
# A RST's cause (rst.kind, rst.reason, its unread and unacked bytes, the api
# text) is judged by which frame the RST answers, and the tracker tells
# frames apart by their numbers, which a read filter gives twice: known
# limitation, noted on issue #15; every other field must agree.
skip=(tcplife.duplicate tcplife.rst.kind tcplife.rst.reason tcplife.rst.unread_data
      tcplife.rst.unread_bytes tcplife.rst.unacked_bytes tcplife.api)
for f in "${keys[@]}" "${fields[@]:2}"; do
    [[ " ${skip[*]} " == *" $f "* ]] || args+=(-e "$f")
done
"$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -T fields -E occurrence=a -E aggregator=, \
    "${args[@]}" | sort -u >"$tmp/all"
for filter in 'tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcp.flags.reset == 1' \
              'tcp.seq_raw % 2 == 1'; do
    "$here/tshark-plugin.sh" "$build" -n -2 -R "$filter" -r "$capture" -T fields -E occurrence=a \
        -E aggregator=, "${args[@]}" | sort -u >"$tmp/some"
    if ! comm -13 "$tmp/all" "$tmp/some" >"$tmp/extra" || [ -s "$tmp/extra" ]; then
        echo "FAIL: tshark -2 -R '$filter' shows rows tshark -2 does not:" >&2
        head -5 "$tmp/extra" >&2
        status=1
    fi
    # The store holds the frames the filter keeps: a rejected frame's
    # record is replaced by the next one's (only the file's last frame,
    # if rejected, stays stored unseen).
    shown=$(TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -2 -R "$filter" -r "$capture" \
                -Y tcplife -T fields -e frame.number 2>"$tmp/rstat" | wc -l)
    stored=$(memstat stored "$tmp/rstat")
    if [ -z "$stored" ] || [ "$stored" -lt "$shown" ] || [ "$stored" -gt $((shown + 1)) ]; then
        echo "FAIL: tshark -2 -R '$filter': ${stored:-no} frames stored for $shown shown" >&2
        status=1
    fi
done
exit "$status"
