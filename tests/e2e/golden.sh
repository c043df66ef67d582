#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# golden.sh BUILD_DIR CAPTURE VIEW GOLDEN: fails with a diff unless the view
# equals the reviewed golden file. Goldens change only through
# tests/update-goldens.sh, and are read in review.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2 view=$3 golden=$4

# The Flow Graph view needs the plugin built with epan/sequence_analysis.h
# (CMake sets TCPLIFE_FLOW_GRAPH for these tests).
if [ "$view" = flow ] && [ "${TCPLIFE_FLOW_GRAPH:-ON}" != ON ]; then
    echo "SKIP: the plugin was built without the Flow Graph type: epan/sequence_analysis.h not found" \
         "(run scripts/ws-headers.sh as root, then cmake again; docs/compat.md)"
    exit 77
fi

# A capture whose streams differ in this Wireshark (epan-differences.txt).
source "$here/epan-skip.sh" "$capture" "$golden"

if [ ! -f "$golden" ]; then
    echo "missing golden file $golden (run tests/update-goldens.sh, then review it)" >&2
    exit 1
fi
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$here/view.sh" "$build" "$capture" "$view" >"$actual"
if ! diff -u "$golden" "$actual"; then
    echo "FAIL: $(basename "$capture") view '$view' differs from $golden" >&2
    exit 1
fi
