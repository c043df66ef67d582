#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# disabled.sh BUILD_DIR CAPTURE: tcplife disabled (--disable-protocol
# tcplife, as Analyze > Enabled Protocols does) adds nothing: no TCP
# Lifecycle tree, no frame matches the filter "tcplife"; enabled, both are
# there. The post-dissector's handle has no
# protocol of its own, so this is packet-tcplife.c's check, not epan's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
ts() { "$here/tshark-plugin.sh" "$build" -n -r "$capture" "$@"; }
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

[ "$(ts -O tcplife -V | grep -c 'TCP Lifecycle')" -gt 0 ] || fail "enabled: no TCP Lifecycle tree"
[ "$(ts --disable-protocol tcplife -O tcplife -V | grep -c 'TCP Lifecycle' || true)" -eq 0 ] \
    || fail "disabled: a TCP Lifecycle tree"
[ -z "$(ts --disable-protocol tcplife -Y tcplife -T fields -e frame.number)" ] \
    || fail "disabled: frames match the filter tcplife"
[ -n "$(ts -Y tcplife -T fields -e frame.number)" ] || fail "enabled: no frame matches the filter tcplife"
exit "$status"
