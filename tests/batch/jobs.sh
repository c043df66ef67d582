#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# jobs.sh BUILD_DIR CAPTURE...           each capture on its own
# jobs.sh BUILD_DIR --made SAMPLES_DIR   captures made here (below)
#
# `tcplife -j N` reads on one thread and tracks on N - 1 others, from -j 3
# with the capture split by connection between them, and merges their
# results: the output must be byte for byte -j 1's, with the same exit
# status and the same stderr, for N = 2, 3 and 4: `check --records`,
# `check`, `conn --json` and `conn` (the table, whose widths come from every
# row). --made builds the captures where the split has the most to get
# wrong: every sample capture joined end to end (mergecap -a: 4-tuples
# reused across samples, dozens of connections spread over the workers),
# the same merged by time (connections interleaved), that one cut in files
# and read as a set (--set, and conn on several files), and connections
# whose IPv4 header the tracker's own header search reads elsewhere than
# epan: their 4-tuple is not their pair's, so the program must notice and
# read the capture again in one piece.
set -uo pipefail
build=$(cd "$1" && pwd)
shift
tl=$build/tcplife
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcplife-jobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

# same LABEL CMD ARGS...: tcplife CMD -j N ARGS, N from 1 to 4.
same() {
    local label=$1 cmd=$2 j rc
    shift 2
    for j in 1 2 3 4; do
        rc=0
        "$tl" "$cmd" -j "$j" "$@" >"$tmp/out.$j" 2>"$tmp/err.$j" || rc=$?
        echo "$rc" >"$tmp/rc.$j"
        sed -i "s|$tmp/||g" "$tmp/err.$j"
    done
    for j in 2 3 4; do
        if ! cmp -s "$tmp/out.1" "$tmp/out.$j" || ! cmp -s "$tmp/err.1" "$tmp/err.$j" \
           || ! cmp -s "$tmp/rc.1" "$tmp/rc.$j"; then
            echo "FAIL: $label: tcplife $cmd -j $j $* differs from -j 1 (exit $(cat "$tmp/rc.1") / $(cat "$tmp/rc.$j")):"
            diff "$tmp/out.1" "$tmp/out.$j" | head -n 20
            diff "$tmp/err.1" "$tmp/err.$j" | head -n 10
            fail=1
            return
        fi
    done
    n=$((n + 1))
}

each() {   # each CAPTURE...: every way of reading one capture
    local c
    for c in "$@"; do
        same "$(basename "$c")" check --records -- "$c"
        same "$(basename "$c")" check -- "$c"
        same "$(basename "$c")" conn --json -- "$c"
        same "$(basename "$c")" conn -- "$c"
    done
}

if [ "${1:-}" != --made ]; then
    each "$@"
    echo "$n comparisons of -j 1 to 4 on $# capture(s): identical"
    exit $fail
fi

samples=$2
mergecap -F pcap -a -w "$tmp/joined.pcap" "$samples"/*.pcap || exit 1
mergecap -F pcap -w "$tmp/merged.pcap" "$samples"/*.pcap || exit 1
each "$tmp/joined.pcap" "$tmp/merged.pcap"
# The split has to have something to split: many connections, some 4-tuple
# reused (tw_reuse), the renumbering visible in the rows.
line=$("$tl" check "$tmp/joined.pcap")
conns=$(sed -n 's/.*: \([0-9]*\) connections.*/\1/p' <<<"$line")
[ "${conns:-0}" -ge 20 ] || { echo "FAIL: the joined samples hold ${conns:-0} connections: $line"; fail=1; }
[[ $line == *"tw_reuse "[1-9]* ]] || { echo "FAIL: no 4-tuple reuse in the joined samples: $line"; fail=1; }

# A set: the joined capture in files of 40 packets.
editcap -c 40 "$tmp/joined.pcap" "$tmp/ring.pcap" >/dev/null || exit 1
mapfile -t parts < <(ls "$tmp"/ring_*.pcap | sort)
[ ${#parts[@]} -ge 3 ] || { echo "FAIL: editcap -c 40 made ${#parts[@]} file(s)"; fail=1; }
same "set of ${#parts[@]}" check --set --records -- "${parts[@]}"
same "set of ${#parts[@]}" check --records -- "${parts[@]}"
same "set of ${#parts[@]}" conn --json -- "${parts[@]}"
# ... with a file missing in the middle: the error, once, and no result.
same "set with a missing file" check --set -- "${parts[0]}" "$tmp/absent.pcap" "${parts[1]}"
same "set with a missing file" conn --json -- "${parts[0]}" "$tmp/absent.pcap" "${parts[1]}"

# The tracker's 4-tuple is not epan's pair: an IPv4 header of 52 bytes
# (options, checksum 0) whose last 40 bytes read as an IPv6 header, so the
# tracker's header search (tl_ip_header_before()) takes addresses from the
# options. Sixteen connections on sixteen address pairs (epan's streams,
# the split's unit), one 4-tuple for the tracker: 15 TIME_WAIT reuses with
# -j 1, fewer if the workers kept their own parts of the 4-tuple index.
python3 - "$tmp/odd.pcap" <<'EOF' || exit 1
import struct, sys
def ip4(src, dst, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x4d, 0, 52 + len(payload), 1, 0, 64, 6, 0, bytes(src), bytes(dst))
    return h + b'\x01' * 31 + b'\x00' + payload
def tcp(sp, dp, seq, ack, flags):
    return struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
eth = bytes([0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1]) + b'\x08\x00'
out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 0
def pkt(data):
    global t
    t += 1
    out.write(struct.pack('<IIII', 1000 + t // 1000, (t % 1000) * 1000, len(data), len(data)) + data)
for i in range(16):
    # 40 bytes before TCP: 0x6_ (the source's first byte), payload length 20
    # and next header 6 (the destination's first three bytes).
    c, s = [96, 0, 0, 1 + i], [0, 20, 6, 1 + i]
    isn, sisn = 1000 + i * 5000, 7000 + i * 3000
    pkt(eth + ip4(c, s, tcp(40000, 80, isn, 0, 0x02)))
    pkt(eth + ip4(s, c, tcp(80, 40000, sisn, isn + 1, 0x12)))
    pkt(eth + ip4(c, s, tcp(40000, 80, isn + 1, sisn + 1, 0x10)))
    pkt(eth + ip4(c, s, tcp(40000, 80, isn + 1, sisn + 1, 0x11)))
    pkt(eth + ip4(s, c, tcp(80, 40000, sisn + 1, isn + 2, 0x11)))
    pkt(eth + ip4(c, s, tcp(40000, 80, isn + 2, sisn + 2, 0x10)))
EOF
each "$tmp/odd.pcap"
# From a pipe the capture cannot be read again: it is not split.
for j in 1 2 3 4; do
    "$tl" check --records -j "$j" - <"$tmp/odd.pcap" >"$tmp/pipe.$j" 2>&1
    echo "exit $?" >>"$tmp/pipe.$j"
    if ! cmp -s "$tmp/pipe.1" "$tmp/pipe.$j"; then
        echo "FAIL: tcplife check --records -j $j - <odd.pcap differs from -j 1:"
        diff "$tmp/pipe.1" "$tmp/pipe.$j" | head -n 20
        fail=1
    fi
done
n=$((n + 1))
line=$("$tl" check "$tmp/odd.pcap")
[[ $line == *": 16 connections"*"tw_reuse 15"* ]] || { echo "FAIL: odd.pcap is not what it was made to be: $line"; fail=1; }

echo "$n comparisons of -j 1 to 4 on the made captures: identical"
exit $fail
