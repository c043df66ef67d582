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
"$top/tests/e2e/tshark-plugin.sh" "$build" -n -r "$cap" \
    -T fields -E header=y -e frame.number -e tcplife.sender -e tcp.flags.str \
    -e tcplife.phase -e tcplife.state.client -e tcplife.state.server -e tcplife.api
echo
"$top/tests/e2e/tshark-plugin.sh" "$build" -n -r "$cap" -O tcplife -V -c 3 | grep -v '^Frame\|^Ethernet\|^Internet\|^Transmission'
