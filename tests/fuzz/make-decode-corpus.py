#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-decode-corpus.py OUT_DIR CAPTURE...

Seeds for tests/fuzz/fuzz_decode.c: up to 6 frames of each pcap capture
(little-endian pcap, Ethernet, Linux cooked v1/v2 or raw IP), each written as
the harness reads it: the link byte, the wire length beyond the captured
bytes (2 bytes, little endian), the frame. Named by content (SHA-1).
"""
import hashlib
import os
import struct
import sys

# pcap link types -> tl_link_t (plugin/batch/tl_decode.h order)
LINKS = {1: 0, 113: 1, 276: 2, 101: 3, 228: 4, 229: 5, 0: 6, 108: 7, 12: 3}


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24 or data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return
    link = struct.unpack_from("<I", data, 20)[0] & 0x0FFFFFFF
    if link not in LINKS:
        return
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack_from("<IIII", data, off)
        off += 16
        yield LINKS[link], data[off:off + caplen], max(0, wirelen - caplen)
        off += caplen


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for cap in sys.argv[2:]:
        for i, (link, frame, extra) in enumerate(frames(cap)):
            if i >= 6:
                break
            blob = bytes([link]) + struct.pack("<H", min(extra, 0xFFFF)) + frame
            name = hashlib.sha1(blob).hexdigest()
            with open(os.path.join(out, name), "wb") as f:
                f.write(blob)


if __name__ == "__main__":
    main()
