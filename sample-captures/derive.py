#!/usr/bin/env python3
"""Derived sample captures for tcplife (standard library only).

Every file written here is made from the real Linux captures in this folder
(see README.md and make-captures.sh) by doing to them what a *capture point*
or a *middlebox* does to real traffic: seeing only one direction, starting
late, recording a frame twice, recording two frames out of order, and (one
file) a forged RST injected into a real transfer.  They are NOT produced by
the Linux stack as such and are not made by make-captures.sh.

    python3 sample-captures/derive.py [OUTDIR]

Sources are read from the folder this script lives in and are never
modified; OUTDIR defaults to that same folder.  The output is deterministic:
the same source files always give byte-identical results.

Derived frames keep the source's link layer (the pcap link type is read and
copied) and the source's timestamp resolution and snap length.  Frames are
copied byte for byte unless the description says otherwise; a frame that is
changed or created gets fresh IPv4 header and TCP checksums (the frame must
be fully captured for that, which the code checks).

The real captures were taken with a 128-byte snap length, so their
1448-byte data segments are truncated and tshark reports their TCP checksum
as "unverified" (not "bad"): that holds for the copies here too.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# pcap input/output (classic libpcap format, either byte order, us or ns)
# ---------------------------------------------------------------------------

_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 10**6),
    b"\xa1\xb2\xc3\xd4": (">", 10**6),
    b"\x4d\x3c\xb2\xa1": ("<", 10**9),
    b"\xa1\xb2\x3c\x4d": (">", 10**9),
}


class Pcap:
    """A classic pcap file: global header fields and a list of frames.

    Each frame is [ts, data, origlen] with ts an integer count of the
    file's time unit (microseconds or nanoseconds since the epoch)."""

    def __init__(self, endian, unit, snaplen, linktype, frames, magic):
        self.endian, self.unit, self.snaplen = endian, unit, snaplen
        self.linktype, self.frames, self.magic = linktype, frames, magic

    @property
    def usec(self):
        return self.unit // 10**6

    @classmethod
    def read(cls, path):
        with open(path, "rb") as f:
            raw = f.read()
        magic = raw[:4]
        if magic not in _MAGICS:
            sys.exit(f"{path}: not a classic pcap file (pcapng is not supported)")
        endian, unit = _MAGICS[magic]
        _vmaj, _vmin, _zone, _sig, snaplen, linktype = struct.unpack(
            endian + "HHiIII", raw[4:24])
        frames, off = [], 24
        while off + 16 <= len(raw):
            sec, frac, incl, orig = struct.unpack(endian + "IIII", raw[off:off + 16])
            off += 16
            frames.append([sec * unit + frac, raw[off:off + incl], orig])
            off += incl
        return cls(endian, unit, snaplen, linktype, frames, magic)

    def derive(self, frames):
        """A new Pcap with this one's header and the given frames."""
        return Pcap(self.endian, self.unit, self.snaplen, self.linktype,
                    [list(f) for f in frames], self.magic)

    def write(self, path):
        e = self.endian
        out = [self.magic, struct.pack(e + "HHiIII", 2, 4, 0, 0,
                                       self.snaplen, self.linktype)]
        for ts, data, orig in self.frames:
            out.append(struct.pack(e + "IIII", ts // self.unit, ts % self.unit,
                                   len(data), orig))
            out.append(data)
        with open(path, "wb") as f:
            f.write(b"".join(out))


# ---------------------------------------------------------------------------
# Packet parsing and checksums
# ---------------------------------------------------------------------------

def l3_offset(linktype, data):
    """Offset of the IP header for the link types we know, or None."""
    if linktype == 1:                         # DLT_EN10MB
        off, etype = 14, struct.unpack("!H", data[12:14])[0]
        while etype in (0x8100, 0x88A8):      # VLAN tags
            etype = struct.unpack("!H", data[off + 2:off + 4])[0]
            off += 4
        return off if etype in (0x0800, 0x86DD) else None
    if linktype in (12, 101):                 # raw IP
        return 0
    if linktype == 113:                       # Linux cooked v1
        return 16
    if linktype == 276:                       # Linux cooked v2
        return 20
    sys.exit(f"link type {linktype} is not supported")


class Seg:
    """The TCP/IP fields of one frame that the derivations need."""

    def __init__(self, linktype, data):
        self.ok = False
        o = l3_offset(linktype, data)
        if o is None or len(data) < o + 20:
            return
        self.l3 = o
        ver = data[o] >> 4
        if ver == 4:
            ihl = (data[o] & 15) * 4
            if data[o + 9] != 6:
                return
            self.v6 = False
            self.ip_len = struct.unpack("!H", data[o + 2:o + 4])[0]
            self.ip_id = struct.unpack("!H", data[o + 4:o + 6])[0]
            self.ttl = data[o + 8]
            self.src, self.dst = data[o + 12:o + 16], data[o + 16:o + 20]
            self.l4 = o + ihl
            l4len = self.ip_len - ihl
        elif ver == 6:
            if data[o + 6] != 6:              # no extension headers here
                return
            self.v6 = True
            self.ip_id = None
            self.ttl = data[o + 7]
            self.src, self.dst = data[o + 8:o + 24], data[o + 24:o + 40]
            self.l4 = o + 40
            l4len = struct.unpack("!H", data[o + 4:o + 6])[0]
        else:
            return
        t = self.l4
        (self.sport, self.dport, self.seq, self.ack, offflags,
         self.win) = struct.unpack("!HHIIHH", data[t:t + 16])
        self.doff = (offflags >> 12) * 4
        self.flags = offflags & 0x1FF
        self.plen = l4len - self.doff
        self.l4len = l4len
        self.complete = len(data) >= self.l4 + l4len
        self.ok = True

    syn = property(lambda s: bool(s.flags & 0x02))
    fin = property(lambda s: bool(s.flags & 0x01))
    rst = property(lambda s: bool(s.flags & 0x04))
    has_ack = property(lambda s: bool(s.flags & 0x10))

    def endpoint(self):
        return (self.src, self.sport)


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fix_checksums(linktype, data):
    """Recompute the IPv4 header checksum and the TCP checksum of a frame."""
    s = Seg(linktype, data)
    if not (s.ok and s.complete):
        raise ValueError("cannot checksum a truncated or non-TCP frame")
    b = bytearray(data)
    o, t = s.l3, s.l4
    if not s.v6:
        b[o + 10:o + 12] = b"\0\0"
        b[o + 10:o + 12] = struct.pack("!H", csum16(bytes(b[o:t])))
        pseudo = s.src + s.dst + struct.pack("!BBH", 0, 6, s.l4len)
    else:
        pseudo = s.src + s.dst + struct.pack("!IxxxB", s.l4len, 6)
    b[t + 16:t + 18] = b"\0\0"
    b[t + 16:t + 18] = struct.pack("!H", csum16(pseudo + bytes(b[t:t + s.l4len])))
    return bytes(b)


def set_ip_id(linktype, data, ip_id):
    s = Seg(linktype, data)
    b = bytearray(data)
    b[s.l3 + 4:s.l3 + 6] = struct.pack("!H", ip_id & 0xFFFF)
    return fix_checksums(linktype, bytes(b))


def bump_tsval(linktype, data, delta_ms):
    """Add delta_ms to the TSval of a frame's timestamp option (if any)."""
    s = Seg(linktype, data)
    b = bytearray(data)
    i, end = s.l4 + 20, s.l4 + s.doff
    while i < end:
        kind = b[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        ln = b[i + 1]
        if kind == 8 and ln == 10:
            val = struct.unpack("!I", b[i + 2:i + 6])[0]
            b[i + 2:i + 6] = struct.pack("!I", (val + delta_ms) & 0xFFFFFFFF)
        i += max(ln, 2)
    return bytes(b)


# ---------------------------------------------------------------------------
# Helpers on whole captures
# ---------------------------------------------------------------------------

def load(name):
    return Pcap.read(os.path.join(HERE, name))


def segs(p):
    return [Seg(p.linktype, f[1]) for f in p.frames]


def client_of(p):
    """(address, port) of the endpoint that sent the first pure SYN."""
    for s in segs(p):
        if s.ok and s.syn and not s.has_ack:
            return s.endpoint()
    sys.exit("no SYN in source capture")


def handshake_end(p):
    """Index of the first frame after the handshake (after the ACK of the
    SYN-ACK)."""
    ss = segs(p)
    synack = next(i for i, s in enumerate(ss) if s.ok and s.syn and s.has_ack)
    for i in range(synack + 1, len(ss)):
        s = ss[i]
        if s.ok and not s.syn and s.has_ack and s.ack == ss[synack].seq + 1:
            return i + 1
    sys.exit("handshake does not complete in source capture")


# ---------------------------------------------------------------------------
# The derivations
# ---------------------------------------------------------------------------

def one_sided(src, from_client, start=0):
    """Only one direction of a real capture (a tap on one fibre, or
    asymmetric routing), optionally only from frame index `start` on."""
    p = load(src)
    client = client_of(p)
    keep = [f for i, (f, s) in enumerate(zip(p.frames, segs(p)))
            if i >= start and s.ok and (s.endpoint() == client) == from_client]
    return p.derive(keep)


def derived_one_sided_client():
    return one_sided("half-close-large.pcap", from_client=True)


def derived_one_sided_server():
    return one_sided("half-close-large.pcap", from_client=False)


def derived_one_sided_midstream():
    # Server-to-client direction of close-server-first, starting after the
    # handshake: the capture sees the server's ACK of the request, its
    # response, its FIN and its ACK of the client's FIN, and nothing else.
    p = load("close-server-first.pcap")
    return one_sided("close-server-first.pcap", from_client=False,
                     start=handshake_end(p))


def derived_duplicated():
    # A SPAN/mirror port that copies each frame twice (e.g. both ingress and
    # egress of the mirrored ports are mirrored): the copy is byte-identical
    # (same IP ID, same checksums) and is captured 1 us after the original.
    p = load("close-client-first.pcap")
    out = []
    for ts, data, orig in p.frames:
        out.append([ts, data, orig])
        out.append([ts + p.usec, data, orig])
    return p.derive(out)


def derived_duplicated_syn():
    # Only the SYN and the SYN-ACK are duplicated (copies 1 us later).
    p = load("close-client-first.pcap")
    out = []
    for (ts, data, orig), s in zip(p.frames, segs(p)):
        out.append([ts, data, orig])
        if s.ok and s.syn:
            out.append([ts + p.usec, data, orig])
    return p.derive(out)


def derived_reordered_synack():
    # The SYN-ACK is written to the file before the SYN.  A capture point
    # with several receive queues (RSS on a multi-queue NIC, or two tap
    # fibres recorded on two ports) timestamps each frame on its own queue
    # when it arrives and writes frames in the order the queues are
    # drained.  Each frame therefore keeps its own, true timestamp, and the
    # file order disagrees with the timestamps: here the SYN-ACK (t=72 us)
    # comes first and the SYN (t=0) second, so time runs backwards between
    # frames 1 and 2.  That is what such a capture point produces, so the
    # original timestamps are kept, in swapped order.
    p = load("close-client-first.pcap")
    ss = segs(p)
    assert ss[0].syn and not ss[0].has_ack and ss[1].syn and ss[1].has_ack
    fr = [list(f) for f in p.frames]
    fr[0], fr[1] = fr[1], fr[0]
    return p.derive(fr)


def derived_lone_rst():
    # Only the RST of refused.pcap: a capture that starts with a RST (the
    # SYN it answers was not captured).
    p = load("refused.pcap")
    return p.derive([f for f, s in zip(p.frames, segs(p)) if s.ok and s.rst])


def derived_fin_first():
    # close-client-first from the client's FIN on: the capture starts in
    # the middle of a four-way teardown.
    p = load("close-client-first.pcap")
    first = next(i for i, s in enumerate(segs(p)) if s.ok and s.fin)
    return p.derive(p.frames[first:])


def transfer_pause():
    """half-close-large and the largest pause of its server's data transfer:
    (capture, its segments, which are the client's, the index of the client
    ACK that starts the pause, the server's last segment before it)."""
    p = load("half-close-large.pcap")
    ss = segs(p)
    client = client_of(p)
    is_c = [s.endpoint() == client for s in ss]
    first_data = next(i for i, s in enumerate(ss) if not is_c[i] and s.plen > 0)
    last_data = max(i for i, s in enumerate(ss) if not is_c[i] and s.plen > 0)
    gap_i = max(range(first_data, last_data),
                key=lambda i: p.frames[i + 1][0] - p.frames[i][0])
    assert is_c[gap_i] and ss[gap_i].plen == 0, "pause should follow a client ACK"
    srv_frame = next(i for i in range(gap_i, -1, -1) if not is_c[i])
    return p, ss, is_c, gap_i, srv_frame


def derived_injected_rst():
    # A forged RST "from the server" injected into the real transfer of
    # half-close-large, while the real server goes on sending.
    #
    # * Where: in the largest pause of the server's data transfer (between
    #   two 5120-byte bursts, which are 100 ms apart), 1/8 of the pause after
    #   the client's last ACK.
    # * What: RST+ACK, no TCP options, window 0, ack = the client's snd.nxt,
    #   seq = the client's rcv.nxt + 1448: inside the client's receive
    #   window but not exactly rcv.nxt, as a blind (off-path) attacker
    #   guessing one segment ahead would send.
    # * IP: TTL = server's TTL - 7 (emitted by a box 7 hops closer to the
    #   client than the server's initial TTL suggests), an IP ID that does
    #   not fit the server's consecutive IP IDs, DF clear (the server's own
    #   segments have DF set).  Same Ethernet header as the server's frames
    #   (it arrives through the same last hop).
    # * The client: RFC 5961 section 3.2 -- a RST whose seq is in the window
    #   but not equal to rcv.nxt must not reset the connection; the receiver
    #   answers with a "challenge ACK" (Linux: tcp_send_challenge_ack()).
    #   So one client ACK (seq = snd.nxt, ack = rcv.nxt, TSval advanced by
    #   the elapsed milliseconds) is added 30 us after the RST, and the IP ID
    #   of every later client frame with a nonzero IP ID goes up by one,
    #   since Linux counts IP IDs per socket.
    # * Afterwards the real server keeps sending (the rest of the real
    #   capture, unchanged apart from those client IP IDs).
    p, ss, is_c, gap_i, srv_frame = transfer_pause()
    lt = p.linktype
    cl = ss[gap_i]
    sv = ss[srv_frame]
    srv_ids = {s.ip_id for s, c in zip(ss, is_c) if not c}
    t0, t1 = p.frames[gap_i][0], p.frames[gap_i + 1][0]
    t_rst = t0 + (t1 - t0) // 8
    t_chal = t_rst + 30 * p.usec

    # Forged RST, built on the server frame's link layer.
    sdata = p.frames[srv_frame][1]
    o = sv.l3
    forged_id = 0xD431
    assert forged_id not in srv_ids
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, forged_id, 0x0000,
                     sv.ttl - 7, 6, 0, sv.src, sv.dst)
    tcp = struct.pack("!HHIIHHHH", sv.sport, sv.dport,
                      (cl.ack + 1448) & 0xFFFFFFFF, cl.seq,
                      (5 << 12) | 0x14, 0, 0, 0)
    rst = fix_checksums(lt, sdata[:o] + ip + tcp)

    # Challenge ACK: the client's last ACK again, a little later.
    cdata = p.frames[gap_i][1]
    elapsed_ms = (t_chal - t0) // (1000 * p.usec)
    chal = bump_tsval(lt, cdata, elapsed_ms)
    chal = set_ip_id(lt, chal, cl.ip_id + 1)

    out = [list(f) for f in p.frames[:gap_i + 1]]
    out.append([t_rst, rst, len(rst)])
    out.append([t_chal, chal, len(chal)])
    for f, s, c in zip(p.frames[gap_i + 1:], ss[gap_i + 1:], is_c[gap_i + 1:]):
        if c and s.ip_id:
            d = set_ip_id(lt, f[1], s.ip_id + 1)
            out.append([f[0], d, len(d)])
        else:
            out.append(list(f))
    return p.derive(out)



def derived_injected_rst_ipid():
    # A forged RST that only its IP ID gives away: the same real transfer
    # and pause as derived_injected_rst, but the forger copies what an
    # on-path box can see of the server's frames -- TTL, DF -- and sends
    # RST+ACK exactly at the client's rcv.nxt, which the client accepts.
    # Its IP ID (0x5e21) is far from the server's per-socket run. The
    # capture ends with the RST (the client's socket is gone; nothing of the
    # real server follows), so no other evidence exists.
    p, ss, is_c, gap_i, srv_frame = transfer_pause()
    lt = p.linktype
    cl = ss[gap_i]
    sv = ss[srv_frame]
    srv_ids = [s.ip_id for s, c in zip(ss[:gap_i + 1], is_c) if not c and s.ip_id]
    assert all(0 < (b - a) % 65536 <= 64 for a, b in zip(srv_ids, srv_ids[1:])), \
        "the server's IP IDs should run consecutively"
    t0, t1 = p.frames[gap_i][0], p.frames[gap_i + 1][0]
    t_rst = t0 + (t1 - t0) // 8

    sdata = p.frames[srv_frame][1]
    o = sv.l3
    forged_id = 0x5E21
    assert (forged_id - srv_ids[-1]) % 65536 > 64
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, forged_id, 0x4000,
                     sv.ttl, 6, 0, sv.src, sv.dst)
    tcp = struct.pack("!HHIIHHHH", sv.sport, sv.dport, cl.ack, cl.seq,
                      (5 << 12) | 0x14, 0, 0, 0)
    rst = fix_checksums(lt, sdata[:o] + ip + tcp)
    out = [list(f) for f in p.frames[:gap_i + 1]]
    out.append([t_rst, rst, len(rst)])
    return p.derive(out)

DERIVED = [
    ("derived-one-sided-client.pcap", derived_one_sided_client),
    ("derived-one-sided-server.pcap", derived_one_sided_server),
    ("derived-one-sided-midstream.pcap", derived_one_sided_midstream),
    ("derived-duplicated.pcap", derived_duplicated),
    ("derived-duplicated-syn.pcap", derived_duplicated_syn),
    ("derived-reordered-synack.pcap", derived_reordered_synack),
    ("derived-lone-rst.pcap", derived_lone_rst),
    ("derived-fin-first.pcap", derived_fin_first),
    ("derived-injected-rst.pcap", derived_injected_rst),
    ("derived-injected-rst-ipid.pcap", derived_injected_rst_ipid),
]


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    outdir = argv[1] if len(argv) == 2 else HERE
    os.makedirs(outdir, exist_ok=True)
    for name, fn in DERIVED:
        pcap = fn()
        pcap.write(os.path.join(outdir, name))
        print(f"{name}: {len(pcap.frames)} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
