#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# view.sh BUILD_DIR CAPTURE VIEW: prints one view of CAPTURE as dissected
# with the freshly built plugin. The views are what the golden files hold:
#   fields    per-packet SPEC fields, single pass (tshark -T fields)
#   conn      whole-connection fields, two passes (tshark -2 -T fields)
#   stats     -z tcplife,conn, -z tcplife,sum and -z tcplife,ladder
#   flow      -z flow,tcplife,network: the "TCP Lifecycle" Flow Graph (only
#             when the plugin was built with it, docs/compat.md)
#   tree      the TCP Lifecycle tree of every frame (tshark -O tcplife -V)
#   tree2     the same in two passes (tshark -2)
#   expert    tcplife's expert items by severity (tshark -z expert)
#   teardown  frame numbers the filter tcplife.phase == "teardown" selects
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2 view=$3
# normalize.awk: newer tshark prints some values differently; goldens hold 4.0's form.
ts() { "$here/tshark-plugin.sh" "$build" -n -r "$capture" "$@" | awk -v view="$view" -f "$here/normalize.awk"; }

fields=(frame.number tcp.stream tcplife.sender tcp.flags.str tcp.len
        tcplife.phase tcplife.state.client tcplife.state.server
        tcplife.handshake.step tcplife.handshake.ack_ok tcplife.handshake.retry
        tcplife.handshake.backoff tcplife.teardown.step tcplife.teardown.kind
        tcplife.teardown.initiator tcplife.half_close tcplife.half_close.bytes
        tcplife.half_close.duration tcplife.rst.kind tcplife.rst.unread_data
        tcplife.rst.unread_bytes tcplife.rst.unacked_bytes tcplife.time_wait.holder
        tcplife.time_wait.left tcplife.time_wait.reuse tcplife.time_wait.prev_stream
        tcplife.midstream tcplife.roles_inferred tcplife.api
        tcplife.rst.reason tcplife.keepalive tcplife.duplicate)
# Whole-connection fields: two passes only.
conn_fields=(frame.number tcp.stream tcplife.conn.outcome tcplife.conn.duration
             tcplife.conn.handshake tcplife.conn.zeek_state tcplife.conn.history
             tcplife.conn.one_sided)

case "$view" in
fields)
    args=()
    for f in "${fields[@]}"; do args+=(-e "$f"); done
    ts -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, "${args[@]}"
    ;;
conn)
    args=()
    for f in "${conn_fields[@]}"; do args+=(-e "$f"); done
    ts -2 -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, "${args[@]}"
    ;;
stats)     ts -q -z tcplife,conn -z tcplife,sum -z tcplife,ladder ;;
flow)      ts -q -z flow,tcplife,network ;;
tree)      ts -O tcplife -V ;;
tree2)     ts -2 -O tcplife -V ;;
expert)
    ts -q -z expert,chat | awk '
        /^(Errors|Warns|Notes|Chats|Comments) \(/ { sect = $1; next }
        / TCPLIFE  / { sub(/^ +/, ""); print sect "\t" $0 }'
    ;;
teardown)  ts -Y 'tcplife.phase == "teardown"' -T fields -e frame.number ;;
*) echo "view.sh: unknown view '$view'" >&2; exit 2 ;;
esac
