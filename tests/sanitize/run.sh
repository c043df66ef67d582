#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh [--quick] [BUILD_DIR] [CTEST ARGS...]: builds tcplife with
# -DTCPLIFE_SANITIZE=ON (-fsanitize=address,undefined) in BUILD_DIR (default
# /tmp/tcplife-sanitize, or $TCPLIFE_SANITIZE_BUILD_DIR), and runs the whole
# ctest suite there: the unit tests and the fuzz replay are ASan/UBSan
# binaries, and the end-to-end tests run the distribution's tshark with the
# sanitized plugin and gcc's ASan runtime preloaded into tshark only.
# Any sanitizer report fails its test (tests/e2e/tshark-plugin.sh).
# Extra arguments go to ctest, e.g. -L e2e or -R half-close.
# --quick: the unit tests, the fuzz replays, the short tshark fuzz run and
# the hostile captures, and of the end-to-end tests one single-pass (tree)
# and one two-pass (conn) view per capture plus the -z statistics: every
# code path of the plugin in about a third of the time (scripts/test.sh
# runs this).
#
# Settings, and why:
#   ASAN_OPTIONS   (test binaries) halt on the first error, leaks checked
#   TCPLIFE_TSHARK_ASAN_OPTIONS  (tshark) no leak checking and no
#                  detect_stack_use_after_return (it doubles the run time):
#                  Wireshark's own allocations at exit are not ours to judge;
#                  tests/memcheck/run.sh checks tcplife's leaks under valgrind
#   TCPLIFE_TSHARK_PRELOAD  gcc's libasan.so: tshark is not ASan-built, and
#                  the runtime must come first in the initial library list
#   UBSAN_OPTIONS  stack trace, halt on the first report
#   WIRESHARK_DEBUG_WMEM_OVERRIDE=simple  every wmem allocation is its own
#                  malloc, so ASan sees overflows of the plugin's file-scope
#                  records (the block allocator would hide them)
#   G_SLICE=always-malloc  the same for GLib's slice allocator
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
quick=()
if [ "${1:-}" = --quick ]; then
    quick=(-R '^(test_|fuzz[.]|hostile[.]|e2e[.]plugin_loaded$|e2e[.].*[.](tree|conn|stats)$)')
    shift
fi
build=${1:-${TCPLIFE_SANITIZE_BUILD_DIR:-/tmp/tcplife-sanitize}}
shift || true

cmake -S "$top" -B "$build" -DBUILD_TESTING=ON -DTCPLIFE_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

asan_rt=$(gcc -print-file-name=libasan.so)
[ -f "$asan_rt" ] || { echo "run.sh: gcc's libasan.so not found (apt-get install libasan8)" >&2; exit 1; }

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1
export TCPLIFE_TSHARK_ASAN_OPTIONS=halt_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TCPLIFE_TSHARK_PRELOAD=$asan_rt
export WIRESHARK_DEBUG_WMEM_OVERRIDE=simple
export G_SLICE=always-malloc
# Not here: the short libFuzzer run (clang's own runtime; the normal suite
# runs it), memcheck (valgrind and ASan do not mix) and the GUI tests (the
# Qt Wireshark is not started with the ASan runtime). Everything else runs,
# the tshark fuzz tests included. hostile.many-connections compares tshark's
# peak RSS with and without the plugin, which ASan's redzones and the simple
# wmem allocator make meaningless: left out until it skips that comparison
# in sanitizer runs (TCPLIFE_TSHARK_PRELOAD set).
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -LE '^(libfuzzer|memcheck|gui)$' \
    -E '^hostile[.]many-connections$' "${quick[@]}" "$@"
