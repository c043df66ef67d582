#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test.sh: installs what is missing, builds tcplife in build/, and runs the
# whole test suite with ctest: cmocka unit tests, tshark end-to-end tests,
# the fuzz replays, a short libFuzzer and tshark fuzz run, and valgrind
# memcheck (docs/reliability.md). Then the sanitizer pass: the same build
# with -fsanitize=address,undefined in build-sanitize/ and the quick subset
# of the suite under it (tests/sanitize/run.sh --quick). TCPLIFE_SANITIZE=0
# skips that pass; tests/sanitize/run.sh runs the full suite sanitized.
# Exits non-zero when any test of either pass fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TCPLIFE_BUILD_DIR:-$top/build}
"$top/scripts/deps.sh"
cmake -S "$top" -B "$build" -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" || status=$?
if [ "${TCPLIFE_SANITIZE:-1}" != 0 ]; then
    "$top/tests/sanitize/run.sh" --quick "$build-sanitize" || status=$?
fi
exit "$status"
