#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test.sh: installs what is missing, builds tcplife in build/, and runs the
# whole test suite (cmocka unit tests and tshark end-to-end tests) with ctest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TCPLIFE_BUILD_DIR:-$top/build}
"$top/scripts/deps.sh"
cmake -S "$top" -B "$build" -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
