#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh BUILD_DIR [--each] [CAPTURE...]: valgrind memcheck of tshark with
# the tcplife plugin built in BUILD_DIR (a normal, not a sanitizer, build).
#
# Modes, each one tshark run: -V (single pass), -2 -V (two passes, the
# whole-connection fields), -T fields with every registered tcplife.* field,
# and -q -z tcplife,conn -z tcplife,sum when those statistics exist.
# Captures: by default all of sample-captures/*.pcap concatenated into one
# file (mergecap -a: every packet of every capture, one tshark start per
# mode, a few minutes in all); --each runs every capture on its own
# (about 30 s per capture and mode).
#
# Fails on any error valgrind does not suppress: invalid reads or writes,
# uninitialised values, bad frees, and definitely lost blocks. Wireshark's
# and GLib's own are in wireshark.supp next to this script, each entry
# anchored on frames that cannot include tcplife's (read it before adding
# one). Reports that name tcplife code are listed first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd); shift
each=0
if [ "${1:-}" = --each ]; then each=1; shift; fi
[ $# -gt 0 ] || set -- "$top"/sample-captures/*.pcap
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed (apt-get install valgrind)" >&2; exit 77; }

work=$(mktemp -d /tmp/tcplife-memcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 1777 "$work/logs"

ts() { "$top/tests/e2e/tshark-plugin.sh" "$build" "$@"; }

if [ "$each" -eq 1 ]; then
    caps=("$@")
else
    mergecap -a -w "$work/all.pcapng" "$@"
    caps=("$work/all.pcapng")
fi
chmod 644 "${caps[@]}" 2>/dev/null || true

fields=()
while IFS=$'\t' read -r _ _ abbrev _; do
    fields+=(-e "$abbrev")
done < <(ts -G fields | awk -F'\t' '$1 == "F" && $3 ~ /^tcplife\./')
modes=("-V" "-2 -V" "fields")
if ts -z help 2>&1 | grep -E '^ *tcplife,conn$' >/dev/null; then
    modes+=("stats")
fi

export G_SLICE=always-malloc
# Park every connection idle for more than a frame (tl_conns.c): the sample
# captures are too short for the default 2,048 frames, and parking and
# unpacking are what valgrind should watch.
export TCPLIFE_PARK_FRAMES=${TCPLIFE_PARK_FRAMES:-1}
export TCPLIFE_TSHARK_WRAP="valgrind --tool=memcheck --error-exitcode=99 --keep-debuginfo=yes
 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
 --num-callers=40 --suppressions=$here/wireshark.supp --log-file=$work/logs/vg.%p"
TCPLIFE_TSHARK_WRAP=${TCPLIFE_TSHARK_WRAP//$'\n'/}

fail=0 n=0
for cap in "${caps[@]}"; do
    for mode in "${modes[@]}"; do
        case "$mode" in
        fields) args=(-T fields -E occurrence=a "${fields[@]}") ;;
        stats)  args=(-q -z "tcplife,conn" -z "tcplife,sum") ;;
        *)      read -r -a args <<<"$mode" ;;
        esac
        rm -f "$work"/logs/vg.*
        status=0
        ts -n -r "$cap" "${args[@]}" >/dev/null 2>"$work/stderr" || status=$?
        n=$((n + 1))
        name="$(basename "$cap") ${mode}"
        log=$(ls "$work"/logs/vg.* 2>/dev/null | head -1)
        if [ -z "$log" ]; then
            echo "FAIL $name: no valgrind log (exit $status)" >&2
            cat "$work/stderr" >&2
            fail=1
            continue
        fi
        summary=$(grep -E 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //')
        if [ "$status" -ne 0 ]; then
            echo "FAIL $name: exit $status, $summary" >&2
            # The error blocks naming tcplife first, then the whole log.
            awk '/^==[0-9]+== $/ { if (blk ~ /(by|at) 0x[0-9A-F]+: (tl_|[a-z_]*tcplife)|tcplife\.so/) print blk; blk = ""; next }
                 { blk = blk $0 "\n" }' "$log" | sed 's/^/  tcplife: /' >&2
            cat "$log" >&2
            fail=1
        else
            echo "ok   $name: $summary"
        fi
    done
done
echo "memcheck: $n runs, $([ $fail -eq 0 ] && echo 'no errors' || echo FAILED)"
exit "$fail"
