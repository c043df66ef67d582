#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# parity-mutated.sh BUILD_DIR COUNT
#
# parity.sh on COUNT damaged sample captures, the same mutations as
# tests/fuzz/tshark-mutate.sh makes (editcap -E bit errors, editcap -s short
# snapshots, pcap-mutate.py's reordered, duplicated, dropped and malformed
# segments), seeded: the direct program must give the plugin's rows or say
# which frames it skipped, on captures no stack ever sent.
set -uo pipefail
build=$(cd "$1" && pwd)
count=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-mutated.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"    # tshark runs as nobody under root
caps=("$top"/sample-captures/*.pcap)
fail=0 same=0 skipped=0
for ((i = 1; i <= count; i++)); do
    c=${caps[$(( (i * 7) % ${#caps[@]} ))]}
    m=$tmp/m$i.pcap
    case $((i % 3)) in
    0) what="editcap -E 0.02 --seed $i"; editcap --seed "$i" -E 0.02 "$c" "$m" >/dev/null 2>&1 ;;
    1) what="editcap -s $((14 + i % 60))"; editcap -s $((14 + i % 60)) "$c" "$m" ;;
    2) what="pcap-mutate $(python3 "$top/tests/fuzz/pcap-mutate.py" "parity-$i" "$c" "$m")" ;;
    esac
    chmod 644 "$m"
    out=$("$top/tests/batch/parity.sh" "$build" "$m" 2>&1)
    case $out in
    *"identical rows"*|*"both report a damaged file"*) same=$((same + 1)) ;;
    *"skipped frames"*) skipped=$((skipped + 1)) ;;
    *) echo "FAIL: $(basename "$c"), $what:"; echo "$out" | head -n 30; fail=1 ;;
    esac
done
echo "$count mutated captures: $same identical, $skipped with frames skipped"
exit $fail
