#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# parity.sh BUILD_DIR CAPTURE [MSL_PROFILE]
#
# The direct batch program and the plugin agree on CAPTURE: `tcplife conn
# --json` prints exactly the rows of `tshark -2 -q -z tcplife,conn,json`
# with the freshly built plugin (tests/e2e/tshark-plugin.sh). When the
# program skips frames (exit 3: a tunnel, a fragment, a link it does not
# decode) it must say so on stderr and the rows are not compared: that is
# where tcplife-check asks tshark instead. Any other failure of the program
# (a crash, exit 2 on a file tshark reads) fails the test.
set -euo pipefail
build=$(cd "$1" && pwd)
cap=$2
msl=${3:-linux}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-parity.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rc=0
"$build/tcplife" conn --json --msl "$msl" "$cap" >"$tmp/direct" 2>"$tmp/direct.err" || rc=$?
trc=0
"$here/../e2e/tshark-plugin.sh" "$build" -n -2 -q -r "$cap" -o "tcplife.msl_profile:$msl" \
    -z tcplife,conn,json >"$tmp/tshark.out" 2>"$tmp/tshark.err" || trc=$?
# tshark's -z output follows whatever else it printed: the JSON array.
awk '/^\[$/ { on = 1 } on { print } /^\]$/ { on = 0 }' "$tmp/tshark.out" >"$tmp/plugin"

if [ ! -s "$tmp/plugin" ] && [ "$rc" -eq 0 ]; then
    echo "tshark printed no rows (exit $trc):"; head -n 5 "$tmp/tshark.err"; exit 1
fi
case $rc in
0) ;;
3)
    grep -q "frames\? skipped" "$tmp/direct.err" || { echo "exit 3 without a skip report"; cat "$tmp/direct.err"; exit 1; }
    echo "skipped frames (tcplife-check falls back to tshark here):"
    cat "$tmp/direct.err"
    exit 0 ;;
2)
    # A damaged file: tshark must not have read it cleanly either.
    if [ "$trc" -eq 0 ]; then
        echo "tcplife failed on a file tshark reads:"; cat "$tmp/direct.err"; exit 1
    fi
    echo "both report a damaged file: tcplife: $(head -n 1 "$tmp/direct.err")" ;;
*)
    echo "tcplife exited $rc:"; cat "$tmp/direct.err"; exit 1 ;;
esac
if ! cmp -s "$tmp/plugin" "$tmp/direct"; then
    echo "rows differ (< plugin, > tcplife):"
    diff "$tmp/plugin" "$tmp/direct" | head -n 40
    exit 1
fi
echo "identical rows: $(grep -c '"stream"' "$tmp/direct" || true) connections"
