#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-derived.py OUTDIR SAMPLES_DIR: captures built here, small and exact,
for what third-party captures showed about frames epan dissects in more than
one piece: several TCP layers in one frame (a tunnel, an 802.11 A-MSDU), a
TCP dissection epan stops partway, IP fragments. Each NAME.pcap comes with
NAME.json: the tshark options of its runs and what one pass must show per
frame (tests/corpus/derived.py checks it, after the invariants of corpus.py).
Deterministic, standard library only.

The connection in all of them (client 10.9.0.1:40100, server 10.9.0.2:80,
ISNs 1000 and 5000) is: SYN, SYN-ACK, ACK, 10 bytes from the client, ACK,
FIN from the client, ACK, FIN from the server, ACK.

Each DERIVED_X line names one capture (CMake reads them: one test each).
"""
import json
import os
import struct
import sys

# 802.11 QoS data frames; an A-MSDU carries the SYN-ACK and the ACK of the
# handshake (two directions in one frame), then both data halves, then the
# server's ACK and FIN.
DERIVED_AMSDU = "amsdu"
# The same, each A-MSDU's first subframe wrapped in IPv4/GRE between two
# other hosts: inner and outer addresses in one frame.
DERIVED_AMSDU_GRE = "amsdu-gre"
# IPv6 inside the A-MSDUs, with a hop-by-hop extension header on some.
DERIVED_AMSDU_IPV6 = "amsdu-ipv6"
# A midstream connection whose first two segments share an A-MSDU: tcpdump's
# relative numbering starts inside the frame.
DERIVED_AMSDU_MIDSTREAM = "amsdu-midstream"
# Ethernet, the data segment's IP total length ends inside the TCP options
# (epan: "Short segment", then an exception in the options).
DERIVED_SHORT_SEGMENT = "short-segment"
# The same as the second subframe of an A-MSDU whose first is whole.
DERIVED_SHORT_SEGMENT_AMSDU = "short-segment-amsdu"
# Ethernet, the data segment sent as two IPv4 fragments, and a second
# connection's data whose first fragment alone was captured (the second
# lost): the first is reassembled, the lone first fragment tracked with the
# bytes it carries.
DERIVED_FRAGMENTS = "fragments"
# The same with reassembly off (-o ip.defragment:FALSE): every first
# fragment that holds a whole TCP header is tracked.
DERIVED_FRAGMENTS_NODEFRAG = "fragments-nodefrag"
# IPv6 fragments, reassembly off.
DERIVED_FRAGMENTS_IPV6 = "fragments-ipv6"
# The data segment's frame cut by the snaplen inside the TCP options.
DERIVED_SNAPLEN_OPTIONS = "snaplen-options"

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

F, S, R, P, A = 1, 2, 4, 8, 16
C, SV = bytes((10, 9, 0, 1)), bytes((10, 9, 0, 2))
C6 = bytes.fromhex("20010db8000000000000000000000001")
SV6 = bytes.fromhex("20010db8000000000000000000000002")
O1, O2 = bytes((192, 0, 2, 1)), bytes((192, 0, 2, 2))
CP, SP = 40100, 80
TS_OPT = b"\x01\x01\x08\x0a" + struct.pack("!II", 100, 0)     # NOP NOP TS


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", opts=b"", win=501):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, ((20 + len(opts)) // 4) << 4, flags,
                    win, 0, 0) + opts
    plen = len(h) + len(payload)
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, plen)
    else:
        pseudo = src + dst + struct.pack("!IxxxB", plen, 6)
    c = csum(pseudo + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def ipv4(src, dst, proto, payload, ident=1, ttl=64, frag=0x4000, total=None):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), ident, frag, ttl, proto, 0,
                    src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(src, dst, nxt, payload, hlim=64):
    return struct.pack("!IHBB", 0x60000000, len(payload), nxt, hlim) + src + dst + payload


def seg(src, dst, sport, dport, seq, ack, flags, payload=b"", **kw):
    """An IPv4 or IPv6 packet carrying one TCP segment."""
    t = tcp(src, dst, sport, dport, seq, ack, flags, payload, **{k: v for k, v in kw.items() if k in ("opts",)})
    if len(src) == 4:
        return ipv4(src, dst, 6, t, ident=kw.get("ident", 1), ttl=kw.get("ttl", 64))
    if kw.get("hbh"):
        return ipv6(src, dst, 0, b"\x06\x00" + b"\x01\x04\0\0\0\0" + t, hlim=kw.get("ttl", 64))
    return ipv6(src, dst, 6, t, hlim=kw.get("ttl", 64))


def conn(cli=C, srv=SV, cp=CP, sp=SP):
    """The nine packets of the connection, as (from_client, ip packet)."""
    c, s = 1000, 5000
    d = b"0123456789"
    return [
        (True, seg(cli, srv, cp, sp, c, 0, S, ident=11, ttl=64)),
        (False, seg(srv, cli, sp, cp, s, c + 1, S | A, ident=21, ttl=63)),
        (True, seg(cli, srv, cp, sp, c + 1, s + 1, A, ident=12, ttl=64)),
        (True, seg(cli, srv, cp, sp, c + 1, s + 1, P | A, d[:5], ident=13, ttl=64, hbh=True)),
        (True, seg(cli, srv, cp, sp, c + 6, s + 1, P | A, d[5:], ident=14, ttl=64)),
        (False, seg(srv, cli, sp, cp, s + 1, c + 11, A, ident=22, ttl=63)),
        (True, seg(cli, srv, cp, sp, c + 11, s + 1, F | A, ident=15, ttl=64)),
        (False, seg(srv, cli, sp, cp, s + 1, c + 12, F | A, ident=23, ttl=63, hbh=True)),
        (True, seg(cli, srv, cp, sp, c + 12, s + 2, A, ident=16, ttl=64)),
    ]


ETH = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01"
MAC_C, MAC_S, BSSID = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x02", b"\x02\0\0\0\0\xaa"


def eth(pkt):
    return ETH + (b"\x08\x00" if pkt[0] >> 4 == 4 else b"\x86\xdd") + pkt


def llc(pkt):
    return b"\xaa\xaa\x03\0\0\0" + (b"\x08\x00" if pkt[0] >> 4 == 4 else b"\x86\xdd") + pkt


def wlan(msdus, amsdu, seqno):
    """An 802.11 QoS data frame to the AP (ToDS), one MSDU or an A-MSDU."""
    qos = b"\x80\x00" if amsdu else b"\x00\x00"
    hdr = b"\x88\x01" + b"\0\0" + BSSID + MAC_C + MAC_S + struct.pack("<H", seqno << 4) + qos
    if not amsdu:
        return hdr + llc(msdus[0])
    body = b""
    for i, m in enumerate(msdus):
        sub = MAC_S + MAC_C + struct.pack("!H", len(llc(m))) + llc(m)
        if i < len(msdus) - 1:
            sub += b"\0" * (-len(sub) % 4)
        body += sub
    return hdr + body


def gre(pkt):
    return ipv4(O1, O2, 47, b"\0\0\x08\x00" + pkt, ident=99, ttl=200)


def write(name, linktype, frames, snaplen=65535, args=(), expect=None):
    """frames: [(bytes, orig_len or None)]"""
    with open(os.path.join(out, name + ".pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, (fr, orig) in enumerate(frames):
            cap = fr[:snaplen]
            f.write(struct.pack("<IIII", 1700000000, 10000 * (i + 1), len(cap), orig or len(fr)))
            f.write(cap)
    with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
        json.dump({"args": list(args), "expect": expect or {}}, f, indent=1, sort_keys=True)
    for ext in (".pcap", ".json"):
        os.chmod(os.path.join(out, name + ext), 0o644)


def frames_of(pkts, groups, wrap_first=None, linktype=105):
    """802.11 frames grouping packets by index lists (a group of more than
    one becomes an A-MSDU)."""
    res = []
    for n, g in enumerate(groups):
        ms = [pkts[i][1] for i in g]
        if wrap_first and len(ms) > 1:
            ms[0] = wrap_first(ms[0])
        res.append((wlan(ms, len(ms) > 1, n), None))
    return res


# Frames and, per frame, the tracked layers one pass must show:
# (sender, tcpdump text prefix) for each.
V4 = conn()
GROUPS = [[0], [1, 2], [3, 4], [5, 6], [7, 8]]
EXPECT = {
    "1": [["client", "Flags [S], seq 1000, win 501, length 0"]],
    "2": [["server", "Flags [S.], seq 5000, ack 1001, win 501, length 0"],
          ["client", "Flags [.], ack 1, win 501, length 0"]],
    "3": [["client", "Flags [P.], seq 1:6, ack 1, win 501, length 5"],
          ["client", "Flags [P.], seq 6:11, ack 1, win 501, length 5"]],
    "4": [["server", "Flags [.], ack 11, win 501, length 0"],
          ["client", "Flags [F.], seq 11, ack 1, win 501, length 0"]],
    "5": [["server", "Flags [F.], seq 1, ack 12, win 501, length 0"],
          ["client", "Flags [.], ack 2, win 501, length 0"]],
}
write(DERIVED_AMSDU, 105, frames_of(V4, GROUPS), expect={"layers": EXPECT, "final": "TIME_WAIT/CLOSED"})
write(DERIVED_AMSDU_GRE, 105, frames_of(V4, GROUPS, wrap_first=gre),
      expect={"layers": EXPECT, "final": "TIME_WAIT/CLOSED", "tsv_client": "10.9.0.1:40100"})
V6 = conn(C6, SV6)
write(DERIVED_AMSDU_IPV6, 105, frames_of(V6, GROUPS), expect={"layers": EXPECT, "final": "TIME_WAIT/CLOSED"})

# Midstream: the data segments and what follows, the first two in one A-MSDU.
MID = V4[3:]
write(DERIVED_AMSDU_MIDSTREAM, 105, frames_of(MID, [[0, 1], [2], [3], [4], [5]]), expect={"layers": {
    "1": [["client", "Flags [P.], seq 1001:1006, ack 5001, win 501, length 5"],
          ["client", "Flags [P.], seq 5:10, ack 1, win 501, length 5"]],
    "2": [["server", "Flags [.], ack 10, win 501, length 0"]],
}})

# Short segment: the first data packet's IP total length covers only 24 of
# its 32-byte TCP header (options NOP NOP TS); the frame holds all of it.
# A receiver drops it (the header does not fit in the datagram): never
# tracked, in any pass.
d1 = tcp(C, SV, CP, SP, 1001, 5001, P | A, b"01234", opts=TS_OPT)
short = ipv4(C, SV, 6, d1, ident=13, total=20 + 24)
eth_frames = [(eth(p), None) for _, p in V4]
eth_frames[3] = (eth(short), None)
write(DERIVED_SHORT_SEGMENT, 1, eth_frames, expect={"layers": {"4": []}, "untracked": {"4": 1}})
amsdu_short = frames_of(V4, GROUPS)
short2 = ipv4(C, SV, 6, tcp(C, SV, CP, SP, 1006, 5001, P | A, b"56789", opts=TS_OPT), ident=14, total=20 + 24)
amsdu_short[2] = (wlan([V4[3][1], short2], True, 2), None)
write(DERIVED_SHORT_SEGMENT_AMSDU, 105, amsdu_short, expect={
    "layers": {"3": [["client", "Flags [P.], seq 1:6, ack 1, win 501, length 5"]]}, "untracked": {"3": 1}})

# Fragments. The data segment (both halves in one: 10 bytes) as two IPv4
# fragments: TCP header + 2 bytes, then 8 bytes. A second connection
# (port 40200) sends 300 bytes in one datagram whose second fragment was
# lost: its first fragment carries the header and 100 bytes.
c, s = 1000, 5000
data = tcp(C, SV, CP, SP, c + 1, s + 1, P | A, b"0123456789")           # 30 bytes
frag1 = ipv4(C, SV, 6, data[:24], ident=40, frag=0x2000, total=20 + 24)
frag2 = ipv4(C, SV, 6, data[24:], ident=40, frag=3, total=20 + 6)
lone = tcp(C, SV, 40200, SP, 7001, 9001, P | A, bytes(300))
lone1 = ipv4(C, SV, 6, lone[:120], ident=41, frag=0x2000, total=20 + 120)
V4b = conn(cp=40200)
frag_pkts = [V4[0][1], V4[1][1], V4[2][1], frag1, frag2, V4[5][1], V4[6][1], V4[7][1], V4[8][1]]
# the second connection: handshake, the lone first fragment, RST. With
# reassembly on (the default) epan keeps waiting for the second fragment
# and never hands the first to TCP: nothing to track.
second = [seg(C, SV, 40200, SP, 7000, 0, S), seg(SV, C, SP, 40200, 9000, 7001, S | A),
          seg(C, SV, 40200, SP, 7001, 9001, A), lone1, seg(SV, C, SP, 40200, 9001, 7001, R | A)]
frag_frames = [(eth(p), None) for p in frag_pkts + second]
write(DERIVED_FRAGMENTS, 1, frag_frames, expect={"layers": {
    "4": [],
    "5": [["client", "Flags [P.], seq 1:11, ack 1, win 501, length 10"]],
    "13": [],
}})
write(DERIVED_FRAGMENTS_NODEFRAG, 1, frag_frames, args=["-o", "ip.defragment:FALSE"], expect={"layers": {
    "4": [["client", "Flags [P.], seq 1:5, ack 1, win 501, length 4"]],
    "5": [],
    "13": [["client", "Flags [P.], seq 1:101, ack 1, win 501, length 100"]],
}})

# IPv6: the data segment in two fragments (fragment header, next header 6).
data6 = tcp(C6, SV6, CP, SP, c + 1, s + 1, P | A, b"0123456789")
fh1 = b"\x06\x00" + struct.pack("!HI", 0x0001, 77)           # offset 0, M
fh2 = b"\x06\x00" + struct.pack("!HI", (24 // 8) << 3, 77)   # offset 24, last
v6_pkts = [p for _, p in V6]
v6_pkts[3:5] = [ipv6(C6, SV6, 44, fh1 + data6[:24]), ipv6(C6, SV6, 44, fh2 + data6[24:])]
write(DERIVED_FRAGMENTS_IPV6, 1, [(eth(p), None) for p in v6_pkts], args=["-o", "ipv6.defragment:FALSE"],
      expect={"layers": {"4": [["client", "Flags [P.], seq 1:5, ack 1, win 501, length 4"]], "5": []}})

# The first data frame cut at 60 bytes: Ethernet, IP and 26 of the 32 TCP
# header bytes. The fixed header is whole, the options cut: tracked, with
# the length the IP header gives.
snap_pkts = [p for _, p in V4]
snap_pkts[3] = ipv4(C, SV, 6, tcp(C, SV, CP, SP, 1001, 5001, P | A, b"01234", opts=TS_OPT), ident=13)
sf = [(eth(p), None) for p in snap_pkts]
sf[3] = (sf[3][0][:60], len(sf[3][0]))
write(DERIVED_SNAPLEN_OPTIONS, 1, sf, expect={"layers": {
    "4": [["client", "Flags [P.], seq 1:6, ack 1, win 501, options ["]]}})
