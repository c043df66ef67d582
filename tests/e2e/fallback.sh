#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fallback.sh BUILD_DIR CAPTURE: the public fallback of tl_epan_seam.c
# (TCPLIFE_EPAN_FALLBACK=1: tcp.stream and tcp.len from primed fields for
# the whole file) gives the same single-pass output as the default (TCP's
# tap records and conversation data): the tcplife tree of every frame, the
# fields view and the -z statistics. Two passes are primed either way
# (tshark -2's first pass has no taps) and are not compared here.
#
# Each run reports the mode its file got (TCPLIFE_EPAN_REPORT=1): the
# default must have taken the tap path and the fallback the primed one, or
# neither (a capture without TCP), so that both paths were really compared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TCPLIFE_EPAN_REPORT=1

for view in tree fields stats; do
    "$here/view.sh" "$build" "$capture" "$view" >"$tmp/default.$view" 2>"$tmp/default.$view.err"
    TCPLIFE_EPAN_FALLBACK=1 "$here/view.sh" "$build" "$capture" "$view" \
        >"$tmp/fallback.$view" 2>"$tmp/fallback.$view.err"
    [ -s "$tmp/default.$view" ] || { echo "no $view output from tshark" >&2; exit 1; }
    diff -u "$tmp/default.$view" "$tmp/fallback.$view"
    d=$(grep '^tcplife epan: ' "$tmp/default.$view.err" | sed 's/^tcplife epan: frame [0-9]*: //' || true)
    f=$(grep '^tcplife epan: ' "$tmp/fallback.$view.err" | sed 's/^tcplife epan: frame [0-9]*: //' || true)
    if [ -n "$d$f" ] && { [ "$d" != tap ] || [ "$f" != "primed (TCPLIFE_EPAN_FALLBACK is set)" ]; }; then
        echo "view $view: modes '$d' (default) and '$f' (fallback), expected 'tap' and the forced fallback" >&2
        cat "$tmp/default.$view.err" "$tmp/fallback.$view.err" >&2
        exit 1
    fi
done
