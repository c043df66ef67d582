#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-corpus.sh [OUTDIR] [CAPTURE...]: writes the fuzz harness's seed corpus,
# one file per sample capture (OUTDIR/<capture>.bin, default
# tests/fuzz/corpus/), in the input format described at the top of
# tests/fuzz/fuzz_core.c. Needs tshark only (no plugin): it reads the tcp.*
# fields epan decodes, the same ones the glue gives the core.
#
# Each 4-tuple gets a slot (the first four; later ones share slots round
# robin), a new tcp.stream on a 4-tuple already seen reopens its slot,
# sequence and ack numbers are written absolute (mode 3) and times as the
# nearest encodable delta.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/fuzz/corpus}
shift || true
[ $# -gt 0 ] || set -- "$top"/sample-captures/*.pcap
mkdir -p "$out"

for cap in "$@"; do
    name=$(basename "$cap" .pcap)
    tshark -n -r "$cap" -Y tcp -T fields -E separator=/t -E occurrence=f \
        -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst \
        -e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len \
        -e frame.time_epoch -e tcp.options.mss_val -e tcp.options.wscale.shift \
        -e tcp.options.sack_perm -e tcp.options.timestamp.tsval -e tcp.window_size_value \
        -e tcp.options -e tcp.urgent_pointer \
        2> >(grep -v '^Running as user' >&2) \
    | python3 -c '
import struct, sys
from decimal import Decimal

rows = [l.rstrip("\n").split("\t") for l in sys.stdin if l.strip()]
slots = {}          # canonical 4-tuple -> [slot, first source, stream]
nslots = 0
ipv6 = False
recs = []
prev_t = None
last_ts = {}

def intf(s, base=10):
    return int(s, 0) if s.startswith("0x") else int(s, base)

for r in rows:
    (stream, s4, s6, sp, d4, d6, dp, flags, seq, ack, ln, t, mss, ws, sack,
     tsval, win, opts, urp) = (r + [""] * 19)[:19]
    raw = bytes.fromhex(opts.replace(":", ""))[:40]
    src, dst = (s6, d6) if s6 else (s4, d4)
    ipv6 = ipv6 or bool(s6)
    a, b = (src, sp), (dst, dp)
    key = tuple(sorted([a, b]))
    b0 = 0
    if key not in slots:
        slots[key] = [len(slots) % 4, a, stream]
        nslots = min(4, len(slots))
        if len(slots) > 4:
            b0 |= 8                     # shares a slot: reopen
    ent = slots[key]
    if ent[2] != stream:
        ent[2] = stream
        ent[1] = a
        b0 |= 8
    dirn = 0 if a == ent[1] else 1
    b0 |= ent[0] | (dirn << 2) | (3 << 4) | (3 << 6)
    fl = intf(flags, 16)
    b2 = 0
    extra = b""
    # Extension byte: TFO / MD5 / AO from the raw options, the urgent
    # pointer, and the raw options themselves (for the tcpdump notation).
    b3, tfo, i = 0, None, 0
    while i < len(raw):
        kind = raw[i]
        if kind in (0, 1):
            i += 1
            continue
        olen = raw[i + 1] if i + 1 < len(raw) else 2
        if kind == 34: b3 |= 1; tfo = max(0, olen - 2)
        if kind == 19: b3 |= 2
        if kind == 29: b3 |= 4
        i += max(2, olen)
    if urp and urp != "0": b3 |= 8
    if raw: b3 |= 16
    if mss:   b2 |= 1;  extra += struct.pack("<H", int(mss))
    if ws:    b2 |= 2;  extra += struct.pack("<B", int(ws))
    if sack:  b2 |= 4
    if tsval:
        b2 |= 8
        k = (ent[0], dirn)
        d = max(0, min(255, int(tsval) - last_ts.get(k, int(tsval))))
        last_ts[k] = int(tsval)
        extra += struct.pack("<B", d)
    if fl & 0x100: b2 |= 16
    if fl & 0xe00: b2 |= 64
    if win == "0": b2 |= 32
    b2 |= 128
    ext = bytes([b3])
    n = int(ln or 0)
    if n == 1448:    lenb = b"\xff"
    elif n < 0xfd:   lenb = bytes([n])
    elif n < 65536:  lenb = b"\xfd" + struct.pack("<H", n)
    else:            lenb = b"\xfe" + struct.pack("<I", n)
    tt = Decimal(t)
    us = 0 if prev_t is None else int((tt - prev_t) * 1000000)
    prev_t = tt
    if us < 0:
        tb = 0xff
    else:
        e = 0
        while e < 7 and round(us / 10 ** e) > 31:
            e += 1
        tb = (e << 5) | min(31, round(us / 10 ** e))
        if tb == 0xff:
            tb = 0xfe
    if tfo is not None: extra += bytes([min(255, tfo)])
    if b3 & 8:          extra += struct.pack("<H", int(urp))
    if b3 & 16:         extra += bytes([len(raw)]) + raw
    recs.append(bytes([b0, fl & 0xff, b2]) + ext + struct.pack("<II", int(seq or 0), int(ack or 0))
                + lenb + bytes([tb]) + extra)

h0 = (max(nslots, 1) - 1) | (4 if ipv6 else 0) | 128
sys.stdout.buffer.write(bytes([h0]) + struct.pack("<I", 0) + b"".join(recs))
' >"$out/$name.bin"
    echo "$name: $(stat -c %s "$out/$name.bin") bytes"
done
