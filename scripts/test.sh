#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test.sh: installs what is missing, builds tcplife in build/, and runs the
# whole test suite with ctest: cmocka unit tests, tshark end-to-end tests,
# the fuzz replays, a short libFuzzer and tshark fuzz run, and valgrind
# memcheck (docs/reliability.md). Stages, in order:
#   deps            scripts/deps.sh (packages, the Flow Graph headers)
#   build           cmake and the build in build/ (TCPLIFE_BUILD_DIR)
#   fresh headers   as root: tests/fresh/run.sh, the Flow Graph header fetch
#                   with an empty cache, a scratch build against it, and
#                   flow,tcplife in tshark (TCPLIFE_FRESH=0 skips it)
#   suite           ctest in build/, against the installed Wireshark
#   sanitizer pass  the same build with -fsanitize=address,undefined in
#                   build-sanitize/ and the quick subset of the suite under
#                   it (tests/sanitize/run.sh --quick; TCPLIFE_SANITIZE=0
#                   skips it; tests/sanitize/run.sh runs the full suite)
#   compat SUITE    as root, the suite against Wireshark 4.4 (trixie) and
#                   4.6 (sid) in cached Debian roots, one stage per root
#                   (tests/compat/run.sh; TCPLIFE_COMPAT=0 skips them,
#                   TCPLIFE_COMPAT_SUITES="trixie sid" chooses the roots)
# At the end: each stage's time and result, and every test or stage that
# was skipped and why, over all passes (from ctest's JUnit reports, kept in
# build/test-results/; lines "test.sh skipped: [PASS] TEST: WHY", which
# also carry the compat roots' own lists out of them).
# TCPLIFE_CTEST_ARGS: extra ctest arguments for the suite and the sanitizer
# pass, e.g. "-L quick" or "-R half-close" (split on spaces).
# Exits non-zero when any test of any pass fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TCPLIFE_BUILD_DIR:-$top/build}
results=$build/test-results
jobs=$(nproc)
read -r -a ctest_extra <<<"${TCPLIFE_CTEST_ARGS:-}"
t0=$SECONDS
stages=()   # NAME<TAB>SECONDS<TAB>RESULT
skips=()    # PASS<TAB>WHAT<TAB>WHY
status=0

say() { printf '\n== test.sh: %s\n' "$*" >&2; }

# stage NAME COMMAND...: runs COMMAND, records its time and result.
stage() {
    local name=$1 start=$SECONDS rc=0 result=ok
    shift
    say "$name"
    "$@" || rc=$?
    [ "$rc" -eq 0 ] || result="FAILED (exit $rc)"
    stages+=("$name"$'\t'"$((SECONDS - start)) s"$'\t'"$result")
    return "$rc"
}
# skip_stage NAME WHY: a stage left out.
skip_stage() {
    stages+=("$1"$'\t'"-"$'\t'"skipped: $2")
    skips+=("$1"$'\t'"(the whole stage)"$'\t'"$2")
}

# The skipped tests of one ctest run (its JUnit report), as PASS's.
collect_skips() {
    local pass=$1 junit=$2 list test why
    if ! list=$(python3 "$top/scripts/ctest-skipped.py" "$junit" 2>&1); then
        skips+=("$pass"$'\t'"(skipped tests unknown)"$'\t'"no readable JUnit report $junit: $list")
        return 0
    fi
    while IFS=$'\t' read -r test why; do
        [ -n "$test" ] && skips+=("$pass"$'\t'"$test"$'\t'"$why")
    done <<<"$list"
    return 0
}

summary() {
    local rc=$? line name secs result pass what why
    {
        echo
        echo "== test.sh: stage times"
        for line in ${stages[@]+"${stages[@]}"}; do
            IFS=$'\t' read -r name secs result <<<"$line"
            printf '  %-32s %7s  %s\n' "$name" "$secs" "$result"
        done
        printf '  %-32s %7s\n' "total" "$((SECONDS - t0)) s"
        echo "== test.sh: skipped over all passes (${#skips[@]})"
        for line in ${skips[@]+"${skips[@]}"}; do
            IFS=$'\t' read -r pass what why <<<"$line"
            printf 'test.sh skipped: [%s] %s: %s\n' "$pass" "$what" "$why"
        done
        [ ${#skips[@]} -gt 0 ] || echo "  nothing"
        echo "== test.sh: $([ "$rc" -eq 0 ] && echo PASSED || echo "FAILED (exit $rc)")"
    } >&2
}
trap summary EXIT

run_suite() {
    local pass=$1 junit=$results/suite.xml rc=0
    rm -f "$junit"
    ctest --test-dir "$build" --output-on-failure -j"$jobs" --output-junit "$junit" \
        ${ctest_extra[@]+"${ctest_extra[@]}"} || rc=$?
    collect_skips "$pass" "$junit"
    return "$rc"
}

run_sanitize() {
    local junit=$results/sanitize.xml rc=0
    rm -f "$junit"
    "$top/tests/sanitize/run.sh" --quick "$build-sanitize" --output-junit "$junit" \
        ${ctest_extra[@]+"${ctest_extra[@]}"} || rc=$?
    collect_skips "sanitizer pass" "$junit"
    return "$rc"
}

# One compat root; its own test.sh prints its skips, carried over here.
run_compat() {
    local suite=$1 log=$results/compat-$1.log rc=0 line pass what why
    "$top/tests/compat/run.sh" "$suite" 2>&1 | tee "$log" || rc=$?
    while IFS= read -r line; do
        [[ $line =~ ^test\.sh\ skipped:\ \[([^]]*)\]\ ([^:]*):\ (.*)$ ]] || continue
        skips+=("compat $suite, ${BASH_REMATCH[1]}"$'\t'"${BASH_REMATCH[2]}"$'\t'"${BASH_REMATCH[3]}")
    done <"$log"
    return "$rc"
}

stage deps "$top/scripts/deps.sh"
build_all() {
    cmake -S "$top" -B "$build" -DBUILD_TESTING=ON >/dev/null &&
        cmake --build "$build" -j"$jobs"
}
stage build build_all
mkdir -p "$results"
# "4.4.19." on 4.4: the version ends with its last digit.
wsver=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9][0-9.]*[0-9]\).*/\1/p')
wsver=${wsver:-unknown}

if [ "${TCPLIFE_FRESH:-1}" = 0 ]; then
    skip_stage "fresh headers" "TCPLIFE_FRESH=0"
elif [ "$(id -u)" -ne 0 ]; then
    skip_stage "fresh headers" "not root (the header fetch needs apt-get source): sudo $0"
else
    stage "fresh headers" "$top/tests/fresh/run.sh" || status=1
fi

stage "suite (Wireshark $wsver)" run_suite "suite, Wireshark $wsver" || status=1

if [ "${TCPLIFE_SANITIZE:-1}" != 0 ]; then
    stage "sanitizer pass" run_sanitize || status=1
else
    skip_stage "sanitizer pass" "TCPLIFE_SANITIZE=0"
fi

# The same suite against Wireshark 4.4 (trixie) and 4.6 (sid) in cached
# Debian roots (tests/compat/run.sh, docs/compat.md). Needs root;
# TCPLIFE_COMPAT=0 leaves it out.
if [ "${TCPLIFE_COMPAT:-1}" = 0 ]; then
    skip_stage "compat roots" "TCPLIFE_COMPAT=0"
elif [ "$(id -u)" -ne 0 ]; then
    skip_stage "compat roots" "not root (debootstrap, chroot): sudo $0"
else
    read -r -a suites <<<"${TCPLIFE_COMPAT_SUITES:-trixie sid}"
    for s in "${suites[@]}"; do
        stage "compat $s" run_compat "$s" || status=1
    done
fi
exit "$status"
