#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tshark-mutate.sh BUILD_DIR [--iterations N | --time SECONDS] [--seed S]
#                  [--timeout SECONDS] [--keep DIR | --no-keep] [--long]
# tshark-mutate.sh BUILD_DIR --replay [DIR]
#
# Fuzzes tshark with the tcplife plugin built in BUILD_DIR: every iteration
# takes a sample capture, mutates it (editcap -E byte errors, editcap -s
# truncation, and tests/fuzz/pcap-mutate.py: reordered, duplicated and
# dropped frames, flipped TCP flags, moved seq/ack numbers, malformed TCP
# headers, records cut short, timestamps backwards or beyond 2262 in pcapng),
# and runs tshark on it in -V and -2 -V modes, each with a timeout. A crash,
# a hang (timeout), a sanitizer report or a "Dissector bug" / "Malformed
# Packet" attributed to TCPLIFE fails the run, and the mutated capture is kept
# as tests/fuzz/regressions/tshark-<seed>-<iteration>.<ext> (or in --keep DIR)
# so that --replay, and the fuzz.tshark_regressions ctest, replay it forever.
#
# When BUILD_DIR is a sanitizer build (-DTCPLIFE_SANITIZE=ON, e.g. the one
# tests/sanitize/run.sh makes), tshark runs with the ASan runtime preloaded,
# so memory errors and undefined behaviour in tcplife are reports, not luck.
#
# The run is reproducible: iteration i of seed S always makes the same file.
# Defaults (CI): 30 iterations, seed 1, 20 s timeout per tshark run, about a
# minute on the 2-core reference machine in a sanitizer build. --long: 2000
# iterations (about an hour); or --time SECONDS with a random seed, printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd); shift
iterations=30 seed=1 timeout=20 keep=$top/tests/fuzz/regressions duration=0 replay=
while [ $# -gt 0 ]; do
    case "$1" in
    --iterations) iterations=$2; shift 2 ;;
    --time)       duration=$2; iterations=1000000000; seed=$RANDOM$RANDOM; shift 2 ;;
    --seed)       seed=$2; shift 2 ;;
    --timeout)    timeout=$2; shift 2 ;;
    --keep)       keep=$2; shift 2 ;;
    --no-keep)    keep=; shift ;;
    --long)       iterations=2000; shift ;;
    --replay)     replay=${2:-$top/tests/fuzz/regressions}; shift $(( $# > 1 ? 2 : 1 )) ;;
    *) sed -n '4,7p' "$0" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d /tmp/tcplife-mutate.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

if grep -q '^TCPLIFE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
    export TCPLIFE_TSHARK_PRELOAD=${TCPLIFE_TSHARK_PRELOAD:-$(gcc -print-file-name=libasan.so)}
    export TCPLIFE_TSHARK_ASAN_OPTIONS=${TCPLIFE_TSHARK_ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    export WIRESHARK_DEBUG_WMEM_OVERRIDE=${WIRESHARK_DEBUG_WMEM_OVERRIDE:-simple}
    export G_SLICE=always-malloc
    echo "sanitizer build: tshark runs with ASan/UBSan"
fi
export TCPLIFE_TSHARK_WRAP="timeout -s KILL $timeout"

# check FILE LABEL: 0 when tshark handles FILE in both modes, else 1 with
# the reason on stderr.
check() {
    local file=$1 label=$2 mode status
    for mode in "-V" "-2 -V"; do
        status=0
        # shellcheck disable=SC2086
        "$top/tests/e2e/tshark-plugin.sh" "$build" -n -r "$file" $mode \
            >"$work/out" 2>"$work/err" || status=$?
        if grep -q 'sanitizer report' "$work/err"; then
            echo "FAIL $label ($mode): sanitizer report" >&2
        elif [ "$status" -eq 137 ] || [ "$status" -eq 124 ]; then
            echo "FAIL $label ($mode): no result within ${timeout}s (hang?)" >&2
        elif [ "$status" -gt 128 ]; then
            echo "FAIL $label ($mode): killed by signal $((status - 128))" >&2
        elif grep -qE 'Dissector bug, protocol TCPLIFE|Malformed Packet: TCPLIFE' "$work/out"; then
            echo "FAIL $label ($mode): exception in the TCPLIFE dissector" >&2
            grep -m3 -E 'Dissector bug, protocol TCPLIFE|Malformed Packet: TCPLIFE' "$work/out" >&2
        elif [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && ! grep -q 'cut short\|appears to be damaged\|isn.t a capture file' "$work/err"; then
            # 2: tshark's "file damaged or cut short"; anything else is ours to see.
            echo "FAIL $label ($mode): tshark exited $status" >&2
        else
            continue
        fi
        head -c 6000 "$work/err" >&2
        return 1
    done
    # The direct batch program on the same bytes: rows (0), a bad or damaged
    # file (2) or frames skipped (3); never a crash, a hang or a sanitizer
    # report (a sanitizer build's tcplife is instrumented itself).
    status=0
    ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=99 \
        timeout -s KILL "$timeout" "$build/tcplife" conn --json "$file" >"$work/out" 2>"$work/err" || status=$?
    case $status in
    0|2|3) return 0 ;;
    137|124) echo "FAIL $label (tcplife conn): no result within ${timeout}s (hang?)" >&2 ;;
    *) echo "FAIL $label (tcplife conn): exited $status" >&2 ;;
    esac
    head -c 6000 "$work/err" >&2
    return 1
}

if [ -n "$replay" ]; then
    n=0 fail=0
    for f in "$replay"/*.pcap "$replay"/*.pcapng; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        check "$f" "$(basename "$f")" || fail=1
    done
    echo "replayed $n captures from $replay: $([ $fail -eq 0 ] && echo ok || echo FAILED)"
    exit "$fail"
fi

caps=("$top"/sample-captures/*.pcap)
start=$SECONDS fails=0 runs=0
echo "seed $seed, up to $iterations iterations$([ "$duration" -gt 0 ] && echo ", $duration s")"
for ((i = 0; i < iterations; i++)); do
    [ "$duration" -gt 0 ] && [ $((SECONDS - start)) -ge "$duration" ] && break
    # Every choice of iteration i comes from "seed-i": reproducible alone.
    r=$(python3 -c 'import random, sys; r = random.Random(sys.argv[1]); print(r.randrange(1 << 30))' "$seed-$i")
    cap=${caps[$((r % ${#caps[@]}))]}
    kind=$(( (r / 64) % 6 ))
    in=$work/in.pcap out=$work/mut.pcap
    cp "$cap" "$in"
    case "$kind" in
    0) what="editcap -E 0.02"
       editcap --seed "$r" -E 0.02 "$in" "$out" ;;
    1) snap=$(( 14 + (r / 512) % 100 ))
       what="editcap -s $snap"
       editcap -s "$snap" "$in" "$out" ;;
    2|3) what="pcap-mutate $(python3 "$here/pcap-mutate.py" "$seed-$i" "$in" "$out")" ;;
    4) python3 "$here/pcap-mutate.py" "$seed-$i" "$in" "$work/m1.pcap" reorder duplicate >/dev/null
       what="pcap-mutate reorder duplicate + editcap -E 0.01"
       editcap --seed "$r" -E 0.01 "$work/m1.pcap" "$out" ;;
    5) what="pcap-mutate $(python3 "$here/pcap-mutate.py" "$seed-$i" "$in" "$work/m1.pcap" tcpflags tcpseq caplen) + editcap -E 0.005"
       editcap --seed "$r" -E 0.005 "$work/m1.pcap" "$out" ;;
    esac
    # pcap-mutate may have written pcapng: name the file after its format.
    ext=pcap
    [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] && ext=pcapng
    chmod 644 "$out"
    runs=$((runs + 1))
    label="iteration $i: $(basename "$cap") | $what"
    if ! check "$out" "$label"; then
        fails=$((fails + 1))
        if [ -n "$keep" ]; then
            mkdir -p "$keep"
            cp "$out" "$keep/tshark-$seed-$i.$ext"
            echo "kept as $keep/tshark-$seed-$i.$ext" >&2
        fi
    fi
done
echo "tshark-mutate: seed $seed, $runs mutated captures, $fails failing, $((SECONDS - start)) s"
[ "$fails" -eq 0 ]
