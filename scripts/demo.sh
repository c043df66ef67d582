#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh [CAPTURE]: installs what is missing, builds tcplife in build/, and
# shows the TCP Lifecycle of every segment of a bundled sample capture.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
cap=${1:-$top/sample-captures/close-client-first.pcap}
"$top/scripts/deps.sh"
cmake -S "$top" -B "$build" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
"$top/tests/e2e/plugin-loaded.sh" "$build"
ts() { "$top/tests/e2e/tshark-plugin.sh" "$build" -n -r "$cap" "$@"; }
echo "== Every segment: phase, both endpoints' states, the socket call"
ts -T fields -E header=y -e frame.number -e tcplife.sender -e tcp.flags.str \
    -e tcplife.phase -e tcplife.state.client -e tcplife.state.server -e tcplife.api
echo
echo "== The ladder and the connection summary (tshark -z tcplife,ladder / tcplife,conn)"
ts -q -z tcplife,ladder -z tcplife,conn
echo
echo "== One teardown segment's TCP Lifecycle tree"
ts -O tcplife -V -Y 'tcplife.teardown.step == 3' | grep -v '^Frame\|^Ethernet\|^Internet\|^Transmission'
