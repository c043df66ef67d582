#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# two-pass-experts.sh BUILD_DIR: handshakes that never complete get their
# expert item on every segment in two passes (tshark -2), and none in one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
caps=$(cd "$here/../../sample-captures" && pwd)
count() { "$here/tshark-plugin.sh" "$1" -n "${@:3}" -r "$caps/$2" | wc -l; }
b=$1
check() {   # check WANT CAPTURE ARGS...
    local got; got=$(count "$b" "${@:2}")
    [ "$got" -eq "$1" ] || { echo "$2 ${*:3}: $got frames, want $1"; exit 1; }
}
check 4 syn-retries-dropped.pcap -2 -Y tcplife.anomaly.handshake_syn_only
check 0 syn-retries-dropped.pcap -Y tcplife.anomaly.handshake_syn_only
check 9 synack-timeout.pcap -2 -Y tcplife.anomaly.handshake_half_open
check 0 close-client-first.pcap -2 -Y 'tcplife.anomaly.handshake_half_open || tcplife.anomaly.handshake_syn_only'
check 11 close-client-first.pcap -2 -Y 'tcplife.conn.handshake == "complete"'
echo ok
