#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# frames-kept.sh BUILD_DIR CAPTURE: the per-frame store is written only
# when a later pass can read it, and read filters do not shift it.
#  1. tshark's single pass stores no frame after the first four (the
#     program keeps no frame to come back to: frames_kept() in
#     packet-tcplife.c); tshark -2 stores every frame it tracks
#     (TCPLIFE_MEMSTATS=1: "frames" tracked, "stored").
#     Neither -q -z tcplife,conn (its listener reads only which connections
#     the frames belong to: the "tcplife.streams" tap) nor -2 -Y tcp -q's
#     first pass reads a verdict, so both defer their tracking ("deferred"
#     frames, fed to the tracker and the store in a row: see deferred_add()
#     in packet-tcplife.c), while a single pass with -z tcplife,ladder (its
#     tap reads every frame's verdict) defers none. All leave every
#     connection the same: the rows TCPLIFE_MEMSTATS=rows prints at the
#     file's end are equal, and equal to the -z tcplife,conn,tsv table.
#     tshark -2 -z tcplife,ladder has a tcplife tap, but its first pass
#     dissects without taps: it defers too, asks once whether the pass taps
#     ("probes" 1: run_is_tapping()), and prints the single pass's ladder
#     from the store. (That -2's deferred store holds the same verdicts is
#     what every golden and corpus.py's "one pass = -2" check.)
#     A single pass that reads nothing of tcplife (-Y tcp -q) tracks the
#     first four frames and skips every later one (unread_pass()).
#  2. tshark -2 -R FILTER: a frame the read filter rejects gives its number
#     to the next one. Every frame the filter keeps shows the same tcplife
#     fields as in tshark -2 without a filter (rows matched on the frame's
#     time and TCP sequence number, as the frame numbers differ), for two
#     filters: one keeping SYNs, FINs and RSTs, one keeping the segments
#     with an odd sequence number (about half, at random); and the store
#     holds the frames the filter keeps, not the rejected ones as well.
#  3. The same two filters: every related-frame link (tcplife.rst.answers,
#     tcplife.duplicate, ...) of a kept frame names the same frame as
#     without the filter, by its new number, or is absent when the filter
#     rejected that frame (tl_frames.h).
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
TCPLIFE_MEMSTATS=rows "$here/tshark-plugin.sh" "$build" -n -r "$capture" -q -z tcplife,conn,tsv \
    >"$tmp/table" 2>"$tmp/one"
TCPLIFE_MEMSTATS=rows "$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -Y tcp -q 2>"$tmp/two" >/dev/null
TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -r "$capture" -q -z tcplife,ladder \
    >"$tmp/ladder" 2>"$tmp/now"
TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -q -z tcplife,ladder \
    >"$tmp/ladder2" 2>"$tmp/now2"
TCPLIFE_MEMSTATS=1 "$here/tshark-plugin.sh" "$build" -n -r "$capture" -Y tcp -q 2>"$tmp/unread" >/dev/null
frames1=$(memstat frames "$tmp/one") stored1=$(memstat stored "$tmp/one")
frames2=$(memstat frames "$tmp/two") stored2=$(memstat stored "$tmp/two")
deferred1=$(memstat deferred "$tmp/one") deferred2=$(memstat deferred "$tmp/two")
if [ -z "$frames1" ] || [ -z "$stored1" ] || [ -z "$stored2" ] || [ -z "$deferred1" ]; then
    echo "no memstats line from tshark" >&2; cat "$tmp/one" "$tmp/two" >&2; exit 1
fi
if [ "$stored1" -gt 4 ] || [ "$stored2" != "$frames2" ] || [ "$frames1" != "$frames2" ]; then
    echo "FAIL: single pass tracked $frames1 frames and stored $stored1 (at most 4 expected);" \
         "-2 tracked $frames2 and stored $stored2 (all expected)" >&2
    status=1
fi
deferred_now=$(memstat deferred "$tmp/now")
if [ "$deferred_now" != 0 ] || [ "$deferred1" = 0 ] || [ "$deferred2" = 0 ]; then
    echo "FAIL: deferred: $deferred1 of $frames1 frames with -z tcplife,conn, $deferred2 of $frames2" \
         "in -2 (some expected), $deferred_now with -z tcplife,ladder (none expected)" >&2
    status=1
fi
if [ "$(memstat deferred "$tmp/now2")" = 0 ] || [ "$(memstat probes "$tmp/now2")" != 1 ] \
   || ! diff -u "$tmp/ladder" "$tmp/ladder2" >"$tmp/ladder.diff"; then
    echo "FAIL: -2 -z tcplife,ladder: deferred $(memstat deferred "$tmp/now2") (some expected)," \
         "probes $(memstat probes "$tmp/now2") (1 expected); its ladder against one pass's:" >&2
    head -20 "$tmp/ladder.diff" >&2
    status=1
fi
# Nothing read: frames 1 to 4 tracked (the program's fate is not known
# before frame 5), every later frame skipped.
total=$("$here/tshark-plugin.sh" "$build" -n -r "$capture" -T fields -e frame.number | wc -l)
skipped=$(memstat skipped "$tmp/unread") tracked=$(memstat frames "$tmp/unread")
if [ -z "$skipped" ] || [ "$skipped" != $((total > 4 ? total - 4 : 0)) ] || [ "$tracked" -gt 4 ]; then
    echo "FAIL: -Y tcp -q: ${skipped:-no} frames skipped and ${tracked:-no} tracked of $total" \
         "(every frame from 5 on skipped expected)" >&2
    status=1
fi
# The same connections, parked and unparked alike, as a pass that tracks
# every frame at once (its tap reads them).
for k in frames connections conn_bytes live parks unparks; do
    if [ "$(memstat $k "$tmp/one")" != "$(memstat $k "$tmp/now")" ]; then
        echo "FAIL: $k: $(memstat $k "$tmp/one") deferred, $(memstat $k "$tmp/now") at once" >&2
        status=1
    fi
done
grep -v '^tcplife memstats:' "$tmp/one" >"$tmp/one.rows" || true
grep -v '^tcplife memstats:' "$tmp/two" >"$tmp/two.rows" || true
for other in two.rows table; do
    if ! diff -u "$tmp/$other" "$tmp/one.rows" >"$tmp/rows.diff"; then
        echo "FAIL: connections as -z tcplife,conn's deferred single pass left them differ from $other:" >&2
        head -20 "$tmp/rows.diff" >&2
        status=1
    fi
done
if [ "$(wc -l <"$tmp/one.rows")" -lt 2 ]; then
    echo "FAIL: no connection rows from TCPLIFE_MEMSTATS=rows" >&2; cat "$tmp/one" >&2
    status=1
fi

keys=(frame.time_epoch tcp.seq_raw)
args=()
# Links name frames by number, which a read filter changes: compared
# below by the frames they name.
links=(tcplife.handshake.syn_frame tcplife.handshake.ack_not_taken tcplife.prev_frame
       tcplife.teardown.fin_frame tcplife.rst.answers tcplife.rst.forged_frame
       tcplife.half_close.fin_frame tcplife.keepalive.probe_frame tcplife.duplicate)
for f in "${keys[@]}" "${fields[@]:2}"; do
    [[ " ${links[*]} " == *" $f "* ]] || args+=(-e "$f")
done
largs=(-e frame.number)
for f in "${keys[@]}" "${links[@]}"; do largs+=(-e "$f"); done
"$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -T fields -E occurrence=a -E aggregator=, \
    "${args[@]}" | sort -u >"$tmp/all"
"$here/tshark-plugin.sh" "$build" -n -2 -r "$capture" -T fields -E occurrence=a -E aggregator=, \
    "${largs[@]}" >"$tmp/all-links"
for filter in 'tcp.flags.syn == 1 || tcp.flags.fin == 1 || tcp.flags.reset == 1' \
              'tcp.seq_raw % 2 == 1'; do
    "$here/tshark-plugin.sh" "$build" -n -2 -R "$filter" -r "$capture" -T fields -E occurrence=a \
        -E aggregator=, "${args[@]}" | sort -u >"$tmp/some"
    if ! comm -13 "$tmp/all" "$tmp/some" >"$tmp/extra" || [ -s "$tmp/extra" ]; then
        echo "FAIL: tshark -2 -R '$filter' shows rows tshark -2 does not:" >&2
        head -5 "$tmp/extra" >&2
        status=1
    fi
    # Links: file 1 is the unfiltered run, file 2 the filtered one; a frame
    # is known by its time and sequence numbers (frames that share them,
    # exact copies, are left out).
    "$here/tshark-plugin.sh" "$build" -n -2 -R "$filter" -r "$capture" -T fields -E occurrence=a \
        -E aggregator=, "${largs[@]}" >"$tmp/some-links"
    if ! awk -F'\t' -v nlinks="${#links[@]}" -v names="${links[*]}" '
        FNR == NR { k = $2 SUBSEP $3; cnt[k]++; key1[$1] = k
                    for (j = 4; j < 4 + nlinks; j++) link1[k, j] = $j
                    next }
        { k = $2 SUBSEP $3; key2[$1] = k; num2[k] = $1; n++; row[n] = $0 }
        END {
            split(names, name, " ")
            for (i = 1; i <= n; i++) {
                nf = split(row[i], f, "\t"); k = f[2] SUBSEP f[3]
                if (cnt[k] != 1) continue
                for (j = 4; j < 4 + nlinks; j++) {
                    want = ""; skip = 0
                    m = split(link1[k, j], u, ",")
                    for (x = 1; x <= m; x++) {
                        if (u[x] == "") continue
                        ku = key1[u[x]]
                        if (cnt[ku] != 1) { skip = 1; break }
                        if (ku in num2) want = want (want == "" ? "" : ",") num2[ku]
                    }
                    got = (j <= nf) ? f[j] : ""
                    if (!skip && got != want) {
                        printf "frame %s (%s): %s is \"%s\", expected \"%s\"\n", f[1], f[2], name[j - 3], got, want
                        bad++
                    }
                }
            }
            exit (bad > 0)
        }' "$tmp/all-links" "$tmp/some-links" >"$tmp/badlinks"; then
        echo "FAIL: tshark -2 -R '$filter': links that do not name the frames they name without it:" >&2
        head -5 "$tmp/badlinks" >&2
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
    # Every hidden frame was kept in the map (none lost for memory).
    if [ "$(memstat hidden_lost "$tmp/rstat")" != 0 ]; then
        echo "FAIL: tshark -2 -R '$filter': hidden frames lost: $(grep memstats "$tmp/rstat")" >&2
        status=1
    fi
done
exit "$status"
