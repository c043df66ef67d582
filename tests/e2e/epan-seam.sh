#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# epan-seam.sh BUILD_DIR CAPTURE: the runtime half of the layout check
# (tests/layout is the compile-time half). With the plugin built here,
# tshark takes tl_epan_seam.c's internal path in a single pass (its layouts
# reviewed, libwireshark the version built against, the first TCP frame's
# check passed), the primed fields in tshark -2's untapped first pass and
# when TCPLIFE_EPAN_FALLBACK=1 forces them; and tcplife logs no warning.
# Fails on a Wireshark whose layout has not been reviewed (tl_compat.h).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TCPLIFE_EPAN_REPORT=1
status=0

expect() {   # expect WANT TSHARK-ARGS...: the mode reported, and nothing else from tcplife
    local want=$1; shift
    "$here/tshark-plugin.sh" "$build" -n -r "$capture" -Y tcp "$@" >/dev/null 2>"$tmp/err"
    local got
    got=$(sed -n 's/^tcplife epan: frame [0-9]*: //p' "$tmp/err")
    if [ "$got" != "$want" ] || grep -v '^tcplife epan: ' "$tmp/err" | grep -qi tcplife; then
        echo "FAIL: tshark $* (${TCPLIFE_EPAN_FALLBACK:+TCPLIFE_EPAN_FALLBACK=$TCPLIFE_EPAN_FALLBACK}): expected '$want'" >&2
        cat "$tmp/err" >&2
        status=1
    fi
}

expect tap
expect "primed (no taps in this pass)" -2
TCPLIFE_EPAN_FALLBACK=1 expect "primed (TCPLIFE_EPAN_FALLBACK is set)"
TCPLIFE_EPAN_FALLBACK=0 expect tap
exit "$status"
