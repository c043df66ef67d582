#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# update-goldens.sh [BUILD_DIR] [CAPTURE...]: rewrites tests/golden/ from the
# plugin built in BUILD_DIR (default: build). Read `git diff tests/golden`
# before committing: a golden file is a reviewed statement of behaviour.
# The flow view (-z flow,tcplife,network) is written for the captures listed
# in tests/e2e/flow-captures.txt, when the plugin has the Flow Graph type.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}; shift || true
views=(fields conn tree expert stats)
captures=("$@")
[ ${#captures[@]} -gt 0 ] || captures=("$top"/sample-captures/*.pcap)
mkdir -p "$top/tests/golden"
"$top/tests/e2e/plugin-loaded.sh" "$build"
flow_caps=$(grep -v '^#' "$top/tests/e2e/flow-captures.txt")
zhelp=$("$top/tests/e2e/tshark-plugin.sh" "$build" -z help 2>&1 || true)
if grep -qx '[[:space:]]*flow,tcplife' <<<"$zhelp"; then
    have_flow=1
else
    have_flow=0
    echo "WARNING: the plugin in $build has no Flow Graph type (no epan/sequence_analysis.h):" \
         "flow goldens left as they are" >&2
fi
# Captures whose streams differ from some Wireshark version on
# (tests/e2e/epan-differences.txt): with such a tshark their goldens go to
# tests/golden/epan-FROM/, the older versions' stay as they are.
have=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
golden_dir() {
    local from
    from=$(awk -v n="$1" '$1 == n { print $2 }' "$top/tests/e2e/epan-differences.txt")
    if [ -n "$from" ] && [ -n "$have" ] \
       && [ "$(printf '%s\n%s\n' "$from" "$have" | sort -V | head -n 1)" = "$from" ]; then
        echo "$top/tests/golden/epan-$from"
    else
        echo "$top/tests/golden"
    fi
}
for cap in "${captures[@]}"; do
    name=$(basename "$cap" .pcap)
    dir=$(golden_dir "$name")
    mkdir -p "$dir"
    for v in "${views[@]}"; do
        "$top/tests/e2e/view.sh" "$build" "$cap" "$v" >"$dir/$name.$v.txt"
    done
    if [ "$have_flow" = 1 ] && grep -qx "$name" <<<"$flow_caps"; then
        "$top/tests/e2e/view.sh" "$build" "$cap" flow >"$dir/$name.flow.txt"
    fi
    echo "updated $name${dir#"$top/tests/golden"}"
done
