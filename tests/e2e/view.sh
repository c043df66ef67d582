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

# The columns of the fields and conn views: $fields, $conn_fields, $fields_opts.
source "$here/view-fields.sh"

case "$view" in
fields)
    args=()
    for f in "${fields[@]}"; do args+=(-e "$f"); done
    ts "${fields_opts[@]}" "${args[@]}"
    ;;
conn)
    args=()
    for f in "${conn_fields[@]}"; do args+=(-e "$f"); done
    ts -2 "${fields_opts[@]}" "${args[@]}"
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
