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
for cap in "${captures[@]}"; do
    name=$(basename "$cap" .pcap)
    for v in "${views[@]}"; do
        "$top/tests/e2e/view.sh" "$build" "$cap" "$v" >"$top/tests/golden/$name.$v.txt"
    done
    if [ "$have_flow" = 1 ] && grep -qx "$name" <<<"$flow_caps"; then
        "$top/tests/e2e/view.sh" "$build" "$cap" flow >"$top/tests/golden/$name.flow.txt"
    fi
    echo "updated $name"
done
