#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# errors.sh BUILD_DIR GOOD_CAPTURE
#
# `tcplife` on bad usage and bad files: a message naming the problem and
# exit 2, never a crash and never rows for a file it could not open; a
# capture cut short mid-record: the rows read so far, a message, exit 2.
set -uo pipefail
build=$(cd "$1" && pwd)
good=$2
tl=$build/tcplife
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-errors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect STATUS STDERR_PATTERN STDOUT(empty|rows) ARGS...
expect() {
    local want=$1 pat=$2 out=$3 rc=0
    shift 3
    "$tl" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -q -- "$pat" "$tmp/err" \
       || { [ "$out" = empty ] && [ -s "$tmp/out" ]; } || { [ "$out" = rows ] && ! grep -q '"stream"' "$tmp/out"; }; then
        echo "FAIL: tcplife $*: exit $rc (want $want), stderr:"; cat "$tmp/err"; fail=1
    else
        echo "ok: tcplife $*: exit $rc, $(head -n 1 "$tmp/err")"
    fi
}

expect 2 "usage:" empty
expect 2 "usage:" empty frobnicate "$good"
expect 2 "unknown option --bogus" empty conn --bogus "$good"
expect 2 "not a profile" empty conn --msl lunar "$good"
for j in 0 -1 65 x 2x ""; do
    expect 2 "threads from 1 to 64" empty check -j "$j" "$good"
done
expect 2 "threads from 1 to 64" empty conn -j0 "$good"
expect 2 "usage:" empty conn --json
expect 2 "No such file" empty conn "$tmp/absent.pcap"
printf 'not a capture\n' >"$tmp/text.pcap"
expect 2 "isn't a capture file" empty conn --json "$tmp/text.pcap"
expect 2 "isn't a capture file" empty check "$tmp/text.pcap"
# A capture cut inside its last record: what came before, then the error.
size=$(stat -c %s "$good")
head -c $((size - 10)) "$good" >"$tmp/cut.pcap"
expect 2 "Less data was read\|damaged" rows conn --json "$tmp/cut.pcap"
expect 2 "Less data was read\|damaged" rows conn --json -j 2 "$tmp/cut.pcap"
expect 2 "No such file" empty check -j 2 "$tmp/absent.pcap"
"$tl" --version | grep -q "^tcplife " || { echo "FAIL: --version"; fail=1; }
exit $fail
