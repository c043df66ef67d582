#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-tool.sh BUILD_DIR CASE: tools/tcplife-check's verdicts, exit codes and
# messages, with the plugin built in BUILD_DIR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) case=$2
caps=$top/sample-captures
chk() { "$top/tools/tcplife-check" --plugin-dir "$build/plugins" "$@" 2>&1; }

expect() {   # expect RC PATTERN -- ARGS...
    local want=$1 pat=$2 out rc
    shift 3
    out=$(chk "$@"); rc=$?
    if [ "$rc" -ne "$want" ] || ! grep -qE -- "$pat" <<<"$out"; then
        echo "tcplife-check $*: exit $rc (want $want), output:"; echo "$out"
        echo "(wanted a line matching: $pat)"
        exit 1
    fi
}

case "$case" in
clean)        expect 0 '^ok +.*close-client-first.pcap: 1 connections, 1 closed' -- "$caps/close-client-first.pcap" "$caps/half-close.pcap" ;;
refused)      expect 1 '^FAIL .*refused.pcap: .*failed: refused=1' -- "$caps/refused.pcap" "$caps/close-client-first.pcap" ;;
unread)       expect 1 '^FAIL .*rst-unread-data.pcap: .*failed: unread_data=1' -- "$caps/rst-unread-data.pcap" ;;
half-open)    expect 1 'failed: .*half_open=1' -- "$caps/accept-queue-overflow.pcap" ;;
tw-reuse)     expect 1 'failed: tw_reuse=1' -- "$caps/timewait-reuse-server.pcap" ;;
custom)       expect 1 'failed: tcplife.teardown.kind == "simultaneous"=3' -- --no-defaults \
                  --fail-on 'tcplife.teardown.kind == "simultaneous"' "$caps/close-simultaneous.pcap" ;;
custom-pass)  expect 0 '^ok ' -- --no-defaults --fail-on 'tcplife.teardown.kind == "simultaneous"' \
                  "$caps/close-client-first.pcap" ;;
missing)      expect 2 'no-such.pcap: no such file' -- "$caps/no-such.pcap" ;;
not-capture)  expect 2 'README.md: not a capture file' -- "$caps/README.md" ;;
no-plugin)    # An empty plugin folder of its own: tshark walks a plugin folder
              # recursively for Lua, so a shared one like /tmp can take minutes.
              empty=$(mktemp -d); chmod 755 "$empty"; trap 'rm -rf "$empty"' EXIT
              out=$("$top/tools/tcplife-check" --plugin-dir "$empty" "$caps/refused.pcap" 2>&1); rc=$?
              [ $rc -eq 2 ] && grep -q "plugin did not load" <<<"$out" || { echo "exit $rc: $out"; exit 1; } ;;
comma)        expect 2 'cannot take a comma' -- --fail-on 'tcp.port in {1,2}' "$caps/refused.pcap" ;;
*) echo "check-tool.sh: unknown case $case" >&2; exit 2 ;;
esac
