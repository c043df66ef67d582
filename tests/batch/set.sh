#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# set.sh BUILD_DIR CAPTURE PACKETS_PER_FILE
#
# A rotated capture set is one capture: CAPTURE cut into files of
# PACKETS_PER_FILE packets (editcap -c, as dumpcap -b packets: does) gives,
# read as a set, exactly the rows and the checks of the whole file: a
# connection that spans files is one connection, a 4-tuple reused across
# files is seen as reused. Also asserts the cut really splits connections
# (more than one file, some connection in two).
set -euo pipefail
build=$(cd "$1" && pwd)
cap=$2
per=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-set.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

editcap -c "$per" "$cap" "$tmp/ring.pcap" >/dev/null
mapfile -t parts < <(ls "$tmp"/ring_*.pcap | sort)
[ ${#parts[@]} -ge 2 ] || { echo "editcap -c $per made ${#parts[@]} file(s): nothing to test"; exit 1; }

"$build/tcplife" conn --json "$cap" >"$tmp/whole.json"
"$build/tcplife" conn --json "${parts[@]}" >"$tmp/set.json"
if ! cmp -s "$tmp/whole.json" "$tmp/set.json"; then
    echo "tcplife conn on the ${#parts[@]} files differs from the whole capture (< whole, > set):"
    diff "$tmp/whole.json" "$tmp/set.json" | head -n 40
    exit 1
fi
# Read one by one instead, the files must differ: the set is what joins them.
split=0
for p in "${parts[@]}"; do "$build/tcplife" conn --tsv "$p" | tail -n +2; done >"$tmp/each.tsv"
[ "$(wc -l <"$tmp/each.tsv")" -gt "$(grep -c '"stream"' "$tmp/whole.json")" ] && split=1
[ $split -eq 1 ] || { echo "no connection spans two files: the cut proves nothing"; exit 1; }

rc1=0 rc2=0
"$build/tcplife" check --records "$cap" >"$tmp/whole.rec" || rc1=$?
"$build/tcplife" check --set --records "${parts[@]}" >"$tmp/set.rec" || rc2=$?
sed -i "s|$cap|CAPTURE|; s|${parts[0]}|CAPTURE|" "$tmp/whole.rec" "$tmp/set.rec"
if [ $rc1 -ne $rc2 ] || ! cmp -s "$tmp/whole.rec" "$tmp/set.rec"; then
    echo "tcplife check --set differs from the whole capture (exit $rc1 / $rc2; < whole, > set):"
    diff "$tmp/whole.rec" "$tmp/set.rec" | head -n 40
    exit 1
fi
echo "${#parts[@]} files read as one capture: $(grep -c '"stream"' "$tmp/whole.json") connections, same rows and checks"
