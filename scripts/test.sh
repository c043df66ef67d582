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
# Then, as root, the suite against Wireshark 4.4 and 4.6 (TCPLIFE_COMPAT=0
# skips it). Exits non-zero when any test of any pass fails.
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
# The same suite against Wireshark 4.4 (trixie) and 4.6 (sid) in cached
# Debian roots (tests/compat/run.sh, docs/compat.md). Needs root;
# TCPLIFE_COMPAT=0 leaves it out.
if [ "${TCPLIFE_COMPAT:-1}" != 0 ] && [ "$(id -u)" -eq 0 ]; then
    "$top/tests/compat/run.sh" all || status=$?
fi
exit "$status"
