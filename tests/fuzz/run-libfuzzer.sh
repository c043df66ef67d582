#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-libfuzzer.sh [--target core|decode] [--time SECONDS] [--dir DIR] [--jobs N]
#                  [--unit-timeout S] [-- LIBFUZZER ARGS...]
#
# --target decode: the direct batch program's frame decoder instead
# (tests/fuzz/fuzz_decode.c with plugin/batch/tl_decode.c and the core),
# seeded from tests/fuzz/decode-corpus/, its working corpus DIR/corpus-decode.
#
# Builds the core's libFuzzer harness (tests/fuzz/fuzz_core.c with every
# plugin/core/*.c) with clang -fsanitize=fuzzer,address,undefined in DIR
# (default /tmp/tcplife-libfuzzer) and runs it for SECONDS (default 60) on a
# working corpus DIR/corpus seeded from tests/fuzz/corpus/ and
# tests/fuzz/regressions/. A crash, an invariant violation (abort), a
# sanitizer report, a leak or a timeout fails the run; the input is left in
# DIR/artifacts/ and the script says how to keep it as a regression.
#
# Exits 77 (ctest: skipped) when clang or its libFuzzer runtime is missing
# (Debian: apt-get install clang libclang-rt-14-dev).
#
# --unit-timeout: seconds one input may take before libFuzzer calls it a
# hang (default 10). libFuzzer measures wall time, so a worker starved of
# CPU (nice 19 beside a build) or stopped (SIGSTOP) reports a false hang:
# give background runs more, e.g. 120.
#
# Long run, e.g. 8 hours on every core, resuming the same working corpus:
#     tests/fuzz/run-libfuzzer.sh --time 28800 --jobs "$(nproc)" --unit-timeout 120
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
time=60 dir=/tmp/tcplife-libfuzzer jobs=1 unit_timeout=10 target=core
while [ $# -gt 0 ]; do
    case "$1" in
    --target) target=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --dir)  dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --unit-timeout) unit_timeout=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--target core|decode] [--time SECONDS] [--dir DIR] [--jobs N] [--unit-timeout S] [-- LIBFUZZER ARGS...]" >&2; exit 2 ;;
    esac
done

cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null; then
    echo "SKIP: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 77
fi
mkdir -p "$dir/corpus" "$dir/artifacts"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    echo "SKIP: $cc has no libFuzzer runtime (apt-get install libclang-rt-14-dev)" >&2
    exit 77
fi

case $target in
core)
    bin=$dir/fuzz_core
    srcs=("$top/tests/fuzz/fuzz_core.c")
    seeds=("$top/tests/fuzz/corpus" "$top/tests/fuzz/regressions")
    work=$dir/corpus ;;
decode)
    bin=$dir/fuzz_decode
    srcs=("$top/tests/fuzz/fuzz_decode.c" "$top/plugin/batch/tl_decode.c")
    seeds=("$top/tests/fuzz/decode-corpus")
    work=$dir/corpus-decode ;;
*) echo "run-libfuzzer.sh: --target core or decode" >&2; exit 2 ;;
esac
mkdir -p "$work"
"$cc" -std=c11 -g -O1 -Wall -Wextra -Werror \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -I"$top/include" -I"$top/plugin/core" -I"$top/plugin/batch" \
    "${srcs[@]}" "$top"/plugin/core/*.c -o "$bin"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

args=(-max_total_time="$time" -timeout="$unit_timeout" -rss_limit_mb=2048 -max_len=4096
      -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
cd "$dir"
status=0
if [ "$jobs" -gt 1 ]; then
    # -jobs/-workers: independent processes sharing the corpus; logs in DIR.
    "$bin" "${args[@]}" -jobs="$jobs" -workers="$jobs" "$@" "$work" "${seeds[@]}" || status=$?
else
    "$bin" "${args[@]}" "$@" "$work" "${seeds[@]}" || status=$?
fi
if [ "$status" -ne 0 ]; then
    echo "FAIL: libFuzzer found an input that fails (exit $status); see $dir/artifacts/." >&2
    echo "Keep it: cp $dir/artifacts/<crash-file> $top/tests/fuzz/regressions/<name>" >&2
    echo "Read it: build with -DFUZZ_TRACE and run tests/fuzz/replay on it." >&2
    exit 1
fi
