#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# stats-options.sh BUILD_DIR CASE: the -z arguments of tcplife's statistics,
# with the plugin built in BUILD_DIR. A wrong argument is reported on stderr
# ("tshark: -z ...") and that statistic does not start; the plugin never
# exits the process. tshark 4.0 to 4.4 then go on with the rest of the run
# (the other -z statistics print, exit status 0); from 4.6 on tshark stops
# with a non-zero status (the tap init callback can say it failed).
#   csv         -z tcplife,conn,csv: unknown option, the valid ones listed
#   json-sum    -z tcplife,sum,json: an option of conn only
#   two-formats -z tcplife,conn,tsv,json
#   name        -z tcplife,connx: not one of ours
#   bad-filter  -z tcplife,conn,tcp.port==: the filter does not compile
#               (was exit(1) inside the plugin)
#   filter-word -z tcplife,conn,tcp: a one-word filter (a protocol) is fine
#   filter-comma -z tcplife,conn,json,tcp.port in {7001,80}: commas in a filter
#   table, tree -z tcplife,table / tcplife,tree print, and do not take
#               -z tcplife,conn's or tcplife,sum's place
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$1 case=$2
cap=$top/sample-captures/close-client-first.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

fail() { echo "FAIL ($case): $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }
run() {   # run ARGS...: tshark on the capture; sets rc
    rc=0
    "$here/tshark-plugin.sh" "$build" -n -r "$cap" -q "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
ver=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r major minor <<<"$ver"
stops=0
[ "${major:-4}" -gt 4 ] || { [ "${major:-4}" -eq 4 ] && [ "${minor:-0}" -ge 6 ]; } && stops=1

# bad ARG MESSAGE_REGEX: ARG is rejected with MESSAGE on stderr; tshark
# lives on (before 4.6: -z tcplife,sum in the same run still prints).
bad() {
    run -z "$1" -z tcplife,sum
    grep -qE "^tshark: -z $(printf '%s' "$1" | sed 's/[.[\*^$()+?{|]/\\&/g'): $2" "$tmp/err" \
        || fail "no error message matching: tshark: -z $1: $2"
    grep -q 'TCP Lifecycle: connections' "$tmp/out" && fail "the rejected statistic printed"
    if [ "$stops" = 1 ]; then
        [ "$rc" -ne 0 ] || fail "tshark $major.$minor should stop with an error status"
    else
        [ "$rc" -eq 0 ] || fail "exit status $rc: tshark died (exit inside the plugin?)"
        grep -q '^Connections: 1$' "$tmp/out" || fail "the other statistic (-z tcplife,sum) did not print"
    fi
    echo "ok: -z $1 rejected (exit status $rc): $(head -n1 "$tmp/err")"
}

case "$case" in
csv)          bad tcplife,conn,csv 'unknown option "csv" \(valid options: tsv, json; then an optional display filter' ;;
json-sum)     bad tcplife,sum,json 'option "json" not allowed here \(it takes no options' ;;
two-formats)  bad tcplife,conn,tsv,json 'option "json" not allowed here \(.*one output format only\)' ;;
name)         bad tcplife,connx 'unknown statistic; tcplife has -z tcplife,conn' ;;
bad-filter)   bad tcplife,conn,tcp.port== 'Filter "tcp.port==" is invalid' ;;
filter-word)
    run -z tcplife,conn,tcp
    [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || fail "a one-word filter was refused"
    grep -q '^TCP Lifecycle: connections  Filter: tcp$' "$tmp/out" || fail "no table filtered on tcp"
    grep -q '^0 .*client/four-way' "$tmp/out" || fail "no row for stream 0" ;;
filter-comma)
    run -z 'tcplife,conn,json,tcp.port in {7001,80}'
    [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || fail "a filter with commas was refused"
    grep -q '"teardown": "client/four-way"' "$tmp/out" || fail "no JSON row" ;;
table)
    run -z tcplife,table
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    grep -q '^TCP Lifecycle/Connections:$' "$tmp/out" || fail "no Connections table"
    grep -q '^0 |10.77.0.1:35386 |10.77.0.2:7001 |.*|client/four-way |' "$tmp/out" || fail "no row for stream 0"
    grep -q 'TCP Lifecycle: connections' "$tmp/out" && fail "-z tcplife,table printed -z tcplife,conn" ;;
tree)
    run -z tcplife,tree,tcp.port==7001
    [ "$rc" -eq 0 ] || fail "exit status $rc"
    grep -q 'TCP Lifecycle.*Summary' "$tmp/out" || fail "no Summary tree"
    grep -qE '^Connections +1 ' "$tmp/out" || fail "no connection counted"
    grep -qE '^  four-way +1 ' "$tmp/out" || fail "the four-way teardown not counted"
    grep -q 'TCP Lifecycle: summary' "$tmp/out" && fail "-z tcplife,tree printed -z tcplife,sum" ;;
*) echo "stats-options.sh: unknown case '$case'" >&2; exit 2 ;;
esac
echo "PASS ($case)"
