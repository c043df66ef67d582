#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcap-mutate.py SEED IN.pcap OUT [OP...]: a seeded, standard-library-only
rewriter of libpcap files for tests/fuzz/tshark-mutate.sh. It mutates what
editcap cannot: the order of frames and the TCP header fields tcplife reads.

Operations (without OP: one to three picked at random from the seed):
  reorder    swap frames within small windows (out-of-order control segments)
  duplicate  repeat random frames, right away or a few frames later
  drop       remove random frames (lost SYN, FIN, final ACK, ...)
  tcpflags   flip random TCP flag bits (SYN+FIN, RST+data, FIN first, ...)
  tcpseq     move seq/ack by small deltas, large jumps or across the 2^32 wrap
  tcphdr     a malformed TCP header: data offset below 5 or beyond the frame,
             options of bad length
  caplen     cut single records short (snaplen per frame), down to a few bytes
  time       timestamps backwards, repeated, or jumping by hours or decades
  pcapng-ts  write pcapng whose timestamps are in seconds (if_tsresol 0) and
             close to 2^63 and 2^64: nanosecond times no longer fit 64 bits
Checksums are left as they are: epan does not check TCP checksums by default.
Ethernet (and 802.1Q), Linux cooked v1/v2, raw IPv4/IPv6 and loopback
link types are parsed to find the TCP header; other frames are only
reordered, duplicated, dropped or cut."""
import random
import struct
import sys

OPS = ["reorder", "duplicate", "drop", "tcpflags", "tcpseq", "tcphdr", "caplen", "time",
       "pcapng-ts"]


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("%s: not a libpcap file (pcapng input is not supported)" % path)
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    _, _, _, _, snap, linktype = struct.unpack(e + "HHiIII", data[4:24])
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        recs.append([sec, frac, orig, bytearray(data[off:off + incl])])
        off += incl
    return dict(endian=e, nsec=nsec, snap=snap, linktype=linktype & 0xffff,
                magic=magic, recs=recs)


def write_pcap(cap, path):
    e = cap["endian"]
    out = [cap["magic"], struct.pack(e + "HHiIII", 2, 4, 0, 0, max(cap["snap"], 65535),
                                     cap["linktype"])]
    for sec, frac, orig, pkt in cap["recs"]:
        out.append(struct.pack(e + "IIII", sec & 0xffffffff, frac & 0xffffffff, len(pkt),
                               max(orig, len(pkt))))
        out.append(bytes(pkt))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def write_pcapng_seconds(cap, path, rnd):
    """pcapng, one interface with if_tsresol = 10^0 (seconds): a timestamp
    of 2^63 s or more is far beyond what nanoseconds in 64 bits can hold."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = struct.pack("<HHB", 9, 1, 0) + b"\0\0\0" + struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", cap["linktype"], 0, 0) + opts)
    base = rnd.choice([2 ** 63 - 5, 2 ** 64 - 100, 2 ** 62, 9223372036, 18446744073])
    out = [shb, idb]
    for i, (_, _, orig, pkt) in enumerate(cap["recs"]):
        ts = (base + i * rnd.choice([0, 1, 1, 2])) & 0xFFFFFFFFFFFFFFFF
        body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(pkt), max(orig, len(pkt)))
        out.append(block(6, body + bytes(pkt)))
    with open(path, "wb") as f:
        f.write(b"".join(out))


def tcp_offset(linktype, pkt):
    """Offset of the TCP header in pkt, or None."""
    off, eth = 0, None
    if linktype == 1:                                   # Ethernet
        if len(pkt) < 14:
            return None
        eth, off = struct.unpack(">H", pkt[12:14])[0], 14
        while eth in (0x8100, 0x88a8) and len(pkt) >= off + 4:
            eth, off = struct.unpack(">H", pkt[off + 2:off + 4])[0], off + 4
    elif linktype == 113:                               # Linux cooked v1
        if len(pkt) < 16:
            return None
        eth, off = struct.unpack(">H", pkt[14:16])[0], 16
    elif linktype == 276:                               # Linux cooked v2
        if len(pkt) < 20:
            return None
        eth, off = struct.unpack(">H", pkt[0:2])[0], 20
    elif linktype in (101, 12, 14):                     # raw IP
        eth, off = None, 0
    elif linktype in (0, 108):                          # loopback / null
        off = 4
    else:
        return None
    if len(pkt) <= off:
        return None
    ver = pkt[off] >> 4
    if ver == 4 and eth in (None, 0x0800):
        ihl = (pkt[off] & 15) * 4
        if len(pkt) < off + 20 or pkt[off + 9] != 6 or ihl < 20:
            return None
        return off + ihl
    if ver == 6 and eth in (None, 0x86dd):
        if len(pkt) < off + 40 or pkt[off + 6] != 6:
            return None
        return off + 40
    return None


def mutate(cap, op, rnd):
    recs, lt = cap["recs"], cap["linktype"]
    n = len(recs)
    if n == 0:
        return
    if op == "reorder":
        for _ in range(rnd.randint(1, max(1, n // 3))):
            i = rnd.randrange(n)
            j = min(n - 1, i + rnd.randint(1, 3))
            recs[i], recs[j] = recs[j], recs[i]
    elif op == "duplicate":
        for _ in range(rnd.randint(1, max(1, n // 4))):
            i = rnd.randrange(len(recs))
            r = [recs[i][0], recs[i][1], recs[i][2], bytearray(recs[i][3])]
            recs.insert(min(len(recs), i + rnd.choice([1, 1, 2, 5])), r)
    elif op == "drop":
        for _ in range(rnd.randint(1, max(1, n // 4))):
            if len(recs) > 1:
                del recs[rnd.randrange(len(recs))]
    elif op in ("tcpflags", "tcpseq", "tcphdr"):
        for _ in range(rnd.randint(1, max(1, n // 3))):
            pkt = recs[rnd.randrange(n)][3]
            t = tcp_offset(lt, pkt)
            if t is None or len(pkt) < t + 20:
                continue
            if op == "tcpflags":
                v = struct.unpack(">H", pkt[t + 12:t + 14])[0]
                v ^= 1 << rnd.randrange(12)
                if rnd.random() < 0.3:
                    v ^= 1 << rnd.randrange(12)
                pkt[t + 12:t + 14] = struct.pack(">H", v)
            elif op == "tcpseq":
                k = rnd.choice([4, 8])
                v = struct.unpack(">I", pkt[t + k:t + k + 4])[0]
                d = rnd.choice([1, -1, 2, 1448, -1448, 1 << 31, (1 << 31) - 1, 1 << 30,
                                rnd.getrandbits(32)])
                if rnd.random() < 0.2:
                    v = 0xffffffff - rnd.randrange(4)       # right at the wrap
                pkt[t + k:t + k + 4] = struct.pack(">I", (v + d) & 0xffffffff)
            else:
                choice = rnd.randrange(3)
                if choice == 0:
                    pkt[t + 12] = (rnd.randrange(5) << 4) | (pkt[t + 12] & 15)
                elif choice == 1:
                    pkt[t + 12] = (15 << 4) | (pkt[t + 12] & 15)
                elif len(pkt) >= t + 24:
                    pkt[t + 12] = (6 << 4) | (pkt[t + 12] & 15)
                    pkt[t + 20:t + 24] = bytes([rnd.choice([2, 3, 4, 8, 30, 34]),
                                                rnd.choice([0, 1, 2, 40, 255]), 0, 0])
    elif op == "caplen":
        for _ in range(rnd.randint(1, max(1, n // 3))):
            r = recs[rnd.randrange(n)]
            r[3] = r[3][:rnd.randint(0, max(0, len(r[3]) - 1))]
    elif op == "time":
        for _ in range(rnd.randint(1, max(1, n // 3))):
            r = recs[rnd.randrange(n)]
            how = rnd.randrange(4)
            if how == 0:
                r[0] = max(0, r[0] - rnd.choice([1, 60, 3600]))
            elif how == 1:
                r[0] = 0xffffffff - rnd.randrange(3)
            elif how == 2:
                r[0], r[1] = 0, 0
            else:
                r[0] += rnd.choice([30, 61, 241, 86400 * 365 * 30])


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    seed, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    rnd = random.Random(seed)
    cap = read_pcap(src)
    ops = sys.argv[4:] or rnd.sample(OPS[:-1], rnd.randint(1, 3))
    pcapng = "pcapng-ts" in ops or (not sys.argv[4:] and rnd.random() < 0.05)
    for op in ops:
        if op not in OPS:
            sys.exit("unknown operation %s (one of %s)" % (op, " ".join(OPS)))
        if op != "pcapng-ts":
            mutate(cap, op, rnd)
    if pcapng:
        write_pcapng_seconds(cap, dst, rnd)
        ops = list(ops) + ([] if "pcapng-ts" in ops else ["pcapng-ts"])
    else:
        write_pcap(cap, dst)
    print(" ".join(ops))


if __name__ == "__main__":
    main()
