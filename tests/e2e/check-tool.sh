#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-tool.sh BUILD_DIR CASE: tools/tcplife-check's verdicts, exit codes and
# messages, with the plugin built in BUILD_DIR; and its JUnit XML and JSON
# reports, validated by check-report.py (well-formed, the JUnit schema's
# elements and counts, the connections each failure names).
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

tmp=""
mk_tmp() {   # a private folder nobody (tshark's user for --plugin-dir) can read
    [ -n "$tmp" ] && return
    tmp=$(mktemp -d); chmod 755 "$tmp"; trap 'rm -rf "$tmp"' EXIT
}

# report RC junit|json CHECKER-ARGS... -- CHECK-REPORT-ARGS...: the checker
# with --KIND FILE (REPORT_STDOUT=1: --KIND -, the report on stdout) exits RC,
# and check-report.py finds the report valid with those expectations.
report() {
    local want=$1 kind=$2 rc dest cargs=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do cargs+=("$1"); shift; done
    shift
    mk_tmp
    rep=$tmp/report.$kind dest=$tmp/report.$kind
    [ "${REPORT_STDOUT:-0}" = 1 ] && dest=-
    rm -f "$rep"
    "$top/tools/tcplife-check" --plugin-dir "$build/plugins" "--$kind" "$dest" "${cargs[@]}" \
        >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?
    [ "$dest" = - ] && cp "$tmp/stdout" "$rep"
    if [ "$rc" -ne "$want" ] || [ ! -s "$rep" ]; then
        echo "tcplife-check --$kind $dest ${cargs[*]}: exit $rc (want $want), stdout, stderr:"
        cat "$tmp/stdout" "$tmp/stderr"; exit 1
    fi
    "$here/check-report.py" "$kind" "$rep" "$@" || { echo "the report:"; cat "$rep"; exit 1; }
}
out_has() {   # out_has PATTERN: the checker's stdout in the last report() has a matching line
    grep -qE -- "$1" "$tmp/stdout" || { echo "stdout has no line matching $1:"; cat "$tmp/stdout"; exit 1; }
}

sim='tcplife.teardown.kind == "simultaneous"'
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
# The reports: one test case per capture, failures naming checks and
# connections (stream, frames), errors for captures that could not be checked.
junit)        report 1 junit "$caps/refused.pcap" "$caps/close-client-first.pcap" "$caps/rst-unread-data.pcap" \
                  "$caps/timewait-reuse-server.pcap" "$caps/accept-queue-overflow.pcap" -- \
                  --tests 5 --failures 4 --errors 0 --case close-client-first.pcap=ok \
                  --conn 'refused.pcap@refused@0' --conn 'rst-unread-data.pcap@unread_data@0@6' \
                  --conn 'timewait-reuse-server.pcap@tw_reuse@1@11' --conn 'accept-queue-overflow.pcap@half_open@0'
              # The text report is still printed, unchanged.
              out_has '^FAIL +.*refused.pcap: 1 connections, 0 closed, 0 reset, 1 refused, .*failed: refused=1$'
              out_has '^ok +.*close-client-first.pcap: 1 connections, 1 closed' ;;
junit-pass)   report 0 junit "$caps/close-client-first.pcap" "$caps/half-close.pcap" -- \
                  --tests 2 --failures 0 --errors 0 --case close-client-first.pcap=ok --case half-close.pcap=ok ;;
junit-errors) report 2 junit "$caps/refused.pcap" "$caps/no-such.pcap" "$caps/README.md" -- \
                  --tests 3 --failures 1 --errors 2 --case refused.pcap=fail --case no-such.pcap=error \
                  --case README.md=error
              grep -q 'no-such.pcap: no such file' "$tmp/stderr" || { cat "$tmp/stderr"; exit 1; } ;;
junit-custom) report 1 junit --no-defaults --fail-on "$sim" "$caps/close-simultaneous.pcap" "$caps/close-client-first.pcap" -- \
                  --tests 2 --failures 1 --conn "close-simultaneous.pcap@$sim@0@9,10,11" ;;
junit-stdout) REPORT_STDOUT=1 report 1 junit "$caps/refused.pcap" -- --tests 1 --failures 1 --conn 'refused.pcap@refused@0' ;;
# File names and filters with XML and JSON specials and UTF-8 come out intact.
report-escape) mk_tmp
              d="$tmp/a & <b> \"c\" 'd' é"; f="$d/r&<>\"'é.pcap"
              mkdir "$d" && chmod 755 "$d" && cp "$caps/refused.pcap" "$f" && chmod 644 "$f" || exit 1
              filt='tcplife.rst.kind == "refused" && tcp.flags.reset == 1'
              report 1 junit --fail-on "$filt" "$f" -- --tests 1 --failures 1 --name "$f" \
                  --conn "é.pcap@refused@0" --conn "é.pcap@$filt@0@2"
              report 1 json --fail-on "$filt" "$f" -- --status 1 --name "$f" \
                  --conn "é.pcap@refused@0" --conn "é.pcap@$filt@0@2" ;;
json)         REPORT_STDOUT=1 report 1 json "$caps/refused.pcap" "$caps/close-client-first.pcap" "$caps/rst-unread-data.pcap" \
                  "$caps/timewait-reuse-server.pcap" -- --status 1 --tests 4 --failures 3 --errors 0 \
                  --case close-client-first.pcap=ok --conn 'refused.pcap@refused@0' \
                  --conn 'rst-unread-data.pcap@unread_data@0@6' --conn 'timewait-reuse-server.pcap@tw_reuse@1@11' ;;
json-file)    report 2 json -q "$caps/refused.pcap" "$caps/close-client-first.pcap" "$caps/no-such.pcap" -- \
                  --status 2 --tests 3 --failures 1 --errors 1 --case no-such.pcap=error
              # -q: the text report shows the failure only.
              out_has '^FAIL +.*refused.pcap'
              ! grep -q 'close-client-first' "$tmp/stdout" || { cat "$tmp/stdout"; exit 1; } ;;
report-both-stdout) expect 2 'cannot both use stdout' -- --junit - --json - "$caps/refused.pcap" ;;
report-unwritable)  expect 2 'cannot write the report /nonexistent-tcplife/r.xml' -- \
                  --junit /nonexistent-tcplife/r.xml "$caps/refused.pcap" ;;
*) echo "check-tool.sh: unknown case $case" >&2; exit 2 ;;
esac
