#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# update-goldens.sh [BUILD_DIR] [CAPTURE...]: rewrites tests/golden/ from the
# plugin built in BUILD_DIR (default: build). Read `git diff tests/golden`
# before committing: a golden file is a reviewed statement of behaviour.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}; shift || true
views=(fields conn tree expert stats)
captures=("$@")
[ ${#captures[@]} -gt 0 ] || captures=("$top"/sample-captures/*.pcap)
mkdir -p "$top/tests/golden"
"$top/tests/e2e/plugin-loaded.sh" "$build"
for cap in "${captures[@]}"; do
    name=$(basename "$cap" .pcap)
    for v in "${views[@]}"; do
        "$top/tests/e2e/view.sh" "$build" "$cap" "$v" >"$top/tests/golden/$name.$v.txt"
    done
    echo "updated $name"
done
