#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-agree.sh BUILD_DIR CAPTURE...
#
# tools/tcplife-check gives the same JSON report (times aside) whether the
# direct program (`tcplife check`, its default) or tshark (--tshark) checks
# the captures, with the detail reports on (failed connections and frames).
# Then --set: the first capture cut in files by editcap gives, as a set, the
# whole capture's counts, by either path.
set -euo pipefail
build=$(cd "$1" && pwd); shift
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-agree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
check=("$top/tools/tcplife-check" --plugin-dir "$build/plugins" -j 2)

norm() {   # times and the top-level time stamp out
    sed -E 's/"time": [0-9.]+/"time": T/g' "$1"
}
"${check[@]}" --json "$tmp/direct.json" "$@" >/dev/null || true
"${check[@]}" --tshark --json "$tmp/tshark.json" "$@" >/dev/null || true
if ! diff <(norm "$tmp/tshark.json") <(norm "$tmp/direct.json") >"$tmp/diff"; then
    echo "the reports differ (< tshark, > direct):"; head -n 40 "$tmp/diff"; exit 1
fi
echo "$# captures: same report by both paths"

first=$1
editcap -c 3 "$first" "$tmp/ring.pcap" >/dev/null
mapfile -t parts < <(ls "$tmp"/ring_*.pcap | sort)
chmod 644 "${parts[@]}"
line() { sed -n 's/^[a-zA-Z]* *[^:]*: //p' "$1"; }
"${check[@]}" "$first" >"$tmp/whole.txt" || true
"${check[@]}" --set "${parts[@]}" >"$tmp/set-direct.txt" || true
"${check[@]}" --tshark --set "${parts[@]}" >"$tmp/set-tshark.txt" || true
for v in set-direct set-tshark; do
    if [ "$(line "$tmp/whole.txt")" != "$(line "$tmp/$v.txt")" ]; then
        echo "$v: ${#parts[@]} files as a set differ from the whole capture:"
        cat "$tmp/whole.txt" "$tmp/$v.txt"; exit 1
    fi
done
echo "--set over ${#parts[@]} files: $(line "$tmp/whole.txt")"
