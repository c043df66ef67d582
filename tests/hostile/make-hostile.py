#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-hostile.py OUTDIR SAMPLES_DIR: writes the hostile and odd captures
the tests in run.sh read. Each is derived from a real sample capture or
built from scratch, deterministically (stdlib only, no randomness).

  truncated-header.pcap   every frame cut to 54 bytes: TCP header, no options
  truncated-tcp.pcap      every frame cut inside the TCP header (40 bytes)
  truncated-some.pcap     every second frame cut inside the TCP options (IPv4, 54 bytes)
  truncated-some-ipv6.pcap  the same over IPv6 (74 bytes)
  duplicated.pcap         every frame of close-client-first twice
  reordered-fin.pcap      close-client-first with the FIN's ACK before the FIN
  seq-wrap.pcap           close-client-first with both ISNs 20 bytes below 2^32
  rst-with-data.pcap      a handshake, then a RST carrying 16 bytes of text
  fin-first.pcap          a connection whose first segment is a FIN
  syn-data.pcap           a SYN with 10 bytes of payload and no TFO option
  gre-tunnel.pcap         close-client-first inside IPv4/GRE between other hosts
  many-connections.pcap   20000 connections: SYN, SYN-ACK, RST (60000 frames)
"""
import os
import struct
import sys

out, samples = sys.argv[1], sys.argv[2]


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    hdr, pos, recs = data[:24], 24, []
    while pos + 16 <= len(data):
        ts, us, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
        recs.append([ts, us, data[pos + 16:pos + 16 + incl], orig])
        pos += 16 + incl
    return hdr, recs


def write_pcap(path, hdr, recs, snaplen=None):
    with open(path, "wb") as f:
        h = bytearray(hdr)
        if snaplen:
            h[16:20] = struct.pack("<I", snaplen)
        f.write(h)
        for ts, us, frame, orig in recs:
            f.write(struct.pack("<IIII", ts, us, len(frame), orig))
            f.write(frame)
    os.chmod(path, 0o644)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=64240, opts=b""):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                    off << 4, flags, win, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 6, len(h) + len(payload))
    c = csum(pseudo + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


ETH = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
F, S, R, P, A = 1, 2, 4, 8, 16
C, SV = (10, 9, 0, 1), (10, 9, 0, 2)


def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    return ETH + ipv4(src, dst, 6, tcp(src, dst, sport, dport, seq, ack, flags, payload))


def synth(name, segs, t0=1700000000):
    hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    recs = [[t0 + i // 1000, (i % 1000) * 1000, f, len(f)] for i, f in enumerate(segs)]
    write_pcap(os.path.join(out, name), hdr, recs)


hdr, base = read_pcap(os.path.join(samples, "close-client-first.pcap"))
full = [[ts, us, fr, orig] for ts, us, fr, orig in base]

write_pcap(os.path.join(out, "truncated-header.pcap"), hdr,
           [[ts, us, fr[:54], orig] for ts, us, fr, orig in full], snaplen=54)
write_pcap(os.path.join(out, "truncated-tcp.pcap"), hdr,
           [[ts, us, fr[:40], orig] for ts, us, fr, orig in full], snaplen=40)
# Every second frame cut after the fixed TCP header, the others whole: epan's
# TCP dissector stops inside the options of each cut one (no tap record)
# while the whole ones around it bring theirs.
_, v6 = read_pcap(os.path.join(samples, "ipv6-close.pcap"))
for name, recs, cut in (("truncated-some.pcap", full, 54), ("truncated-some-ipv6.pcap", v6, 74)):
    write_pcap(os.path.join(out, name), hdr,
               [[ts, us, fr[:cut] if i % 2 else fr, orig] for i, (ts, us, fr, orig) in enumerate(recs)])
write_pcap(os.path.join(out, "duplicated.pcap"), hdr, [r for r in full for _ in (0, 1)])
# Frames 8 (client FIN) and 9 (server's ACK of it) swapped.
swapped = full[:7] + [full[8], full[7]] + full[9:]
write_pcap(os.path.join(out, "reordered-fin.pcap"), hdr, swapped)


def shift_seq(fr, d_client, d_server):
    """Add d to the sender's seq and the peer's delta to ack (IPv4 frames)."""
    fr = bytearray(fr)
    ihl = (fr[14] & 0x0F) * 4
    t = 14 + ihl
    src = bytes(fr[26:30])
    from_client = src == bytes(full[0][2][26:30])
    ds, da = (d_client, d_server) if from_client else (d_server, d_client)
    seq, ack = struct.unpack("!II", fr[t + 4:t + 12])
    flags = fr[t + 13]
    fr[t + 4:t + 8] = struct.pack("!I", (seq + ds) & 0xFFFFFFFF)
    if flags & A:
        fr[t + 8:t + 12] = struct.pack("!I", (ack + da) & 0xFFFFFFFF)
    fr[t + 16:t + 18] = b"\0\0"
    seg = bytes(fr[t:])
    pseudo = bytes(fr[26:34]) + struct.pack("!BBH", 0, 6, len(seg))
    fr[t + 16:t + 18] = struct.pack("!H", csum(pseudo + seg))
    return bytes(fr)


t0 = 14 + (full[0][2][14] & 0x0F) * 4
isn_c = struct.unpack("!I", full[0][2][t0 + 4:t0 + 8])[0]
isn_s = struct.unpack("!I", full[1][2][t0 + 4:t0 + 8])[0]
dc, ds = (0xFFFFFFEC - isn_c) & 0xFFFFFFFF, (0xFFFFFFEC - isn_s) & 0xFFFFFFFF
write_pcap(os.path.join(out, "seq-wrap.pcap"), hdr,
           [[ts, us, shift_seq(fr, dc, ds), orig] for ts, us, fr, orig in full])

synth("rst-with-data.pcap", [
    frame(C, SV, 40001, 80, 1000, 0, S), frame(SV, C, 80, 40001, 5000, 1001, S | A),
    frame(C, SV, 40001, 80, 1001, 5001, A),
    frame(SV, C, 80, 40001, 5001, 1001, R | A, b"diagnostic text!")])
synth("fin-first.pcap", [
    frame(C, SV, 40002, 80, 2000, 7000, F | A), frame(SV, C, 80, 40002, 7000, 2001, A),
    frame(SV, C, 80, 40002, 7000, 2001, F | A), frame(C, SV, 40002, 80, 2001, 7001, A)])
synth("syn-data.pcap", [
    frame(C, SV, 40003, 80, 3000, 0, S, b"0123456789"), frame(SV, C, 80, 40003, 9000, 3001, S | A),
    frame(C, SV, 40003, 80, 3001, 9001, A), frame(C, SV, 40003, 80, 3001, 9001, P | A, b"0123456789")])

# GRE (protocol 47, 0x0800) between 192.0.2.1 and 192.0.2.2 carrying the
# sample connection's IP packets.
O1, O2 = (192, 0, 2, 1), (192, 0, 2, 2)
gre = [[ts, us, ETH + ipv4(O1, O2, 47, b"\0\0\x08\x00" + fr[14:], ident=i + 1), orig + 24]
       for i, (ts, us, fr, orig) in enumerate(full)]
write_pcap(os.path.join(out, "gre-tunnel.pcap"), hdr, gre)

segs = []
for i in range(20000):
    cport = 10000 + i % 50000
    cip = (10, 8, (i // 250) % 256, 1 + i % 250)
    segs += [frame(cip, SV, cport, 80, i * 7, 0, S), frame(SV, cip, 80, cport, i * 11, i * 7 + 1, S | A),
             frame(cip, SV, cport, 80, i * 7 + 1, 0, R)]
synth("many-connections.pcap", segs)
