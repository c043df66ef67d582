#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""filter-agree.py BUILD_DIR CAPTURE...

For every field the plugin registers (tshark -G fields: tcplife.*, the
expert items included), a display filter naming it must select exactly the
frames whose full dissection (-V, here as PDML) shows it. The plugin renders
only what a filter or a view asks for (tl_fields.h's render groups); a field left out
of its group would still show under -V and never match -Y, and only this
test would notice. The captures are concatenated (mergecap -a) into as few
files as keep every 4-tuple in one capture (derived captures reuse their
original's connections, which would merge them into one stream), so each
field costs one tshark run per file; both passes (-2), as the GUI.
Exits 0 when every field agrees, 1 with the differences.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def tshark(build, *args):
    cmd = [os.path.join(HERE, "tshark-plugin.sh"), build, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def shown(build, capture):
    """{field: set of frame numbers whose dissection shows it}."""
    out = {}
    xml = tshark(build, "-r", capture, "-2", "-T", "pdml")
    for pkt in ET.fromstring(xml).iter("packet"):
        num = None
        names = set()
        for f in pkt.iter("field"):
            name = f.get("name", "")
            if name == "frame.number":
                num = int(f.get("show"))
            elif name.startswith("tcplife."):
                names.add(name)
        for n in names:
            out.setdefault(n, set()).add(num)
    return out


def tuples(capture):
    """The TCP 4-tuples of a capture, direction-free (plain tshark)."""
    text = subprocess.run(
        ["tshark", "-n", "-r", capture, "-Y", "tcp", "-T", "fields", "-E", "occurrence=f",
         "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
         "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport"],
        check=True, capture_output=True, text=True).stdout
    out = set()
    for line in text.splitlines():
        c = (line.split("\t") + [""] * 6)[:6]
        a, b = (c[0] or c[1], c[2]), (c[3] or c[4], c[5])
        out.add(tuple(sorted([a, b])))
    return out


def batches(captures):
    """Greedy: each capture into the first batch none of whose captures
    shares a 4-tuple with it."""
    out = []
    for cap in captures:
        t = tuples(cap)
        for b in out:
            if not (b[0] & t):
                b[0].update(t)
                b[1].append(cap)
                break
        else:
            out.append([set(t), [cap]])
    return [b[1] for b in out]


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    build, captures = argv[1], argv[2:]
    fields = []
    for line in tshark(build, "-G", "fields").splitlines():
        cols = line.split("\t")
        if len(cols) > 2 and cols[0] == "F" and cols[2].startswith("tcplife."):
            fields.append(cols[2])
    if not fields:
        print("no tcplife fields registered: is the plugin loaded?", file=sys.stderr)
        return 1
    views_all, seen_all, bad = {}, set(), []
    with tempfile.TemporaryDirectory(dir=os.environ.get("TCPLIFE_SCRATCH", "/var/tmp")) as tmp:
        os.chmod(tmp, 0o755)
        for i, group in enumerate(batches(captures)):
            merged = os.path.join(tmp, f"batch{i}.pcapng")
            subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged, *group], check=True)
            os.chmod(merged, 0o644)
            views = shown(build, merged)
            present = [f for f in fields if f in views]
            absent = [f for f in fields if f not in views]
            for f in present:
                text = tshark(build, "-r", merged, "-2", "-Y", f, "-T", "fields", "-e", "frame.number")
                selected = {int(x) for x in text.split()}
                if selected != views[f]:
                    only_y = sorted(selected - views[f])[:5]
                    only_v = sorted(views[f] - selected)[:5]
                    bad.append(f"{f} (batch {i}): -Y selects {len(selected)} frames, -V shows it in "
                               f"{len(views[f])} (only -Y: {only_y}, only -V: {only_v})")
            # What no frame shows, no filter may select: one run for them all.
            if absent:
                text = tshark(build, "-r", merged, "-2", "-Y", " || ".join(absent),
                              "-T", "fields", "-e", "frame.number")
                if text.strip():
                    bad.append(f"batch {i}: a filter on fields -V never shows selects frames "
                               f"{text.split()[:5]}")
            seen_all.update(present)
            print(f"batch {i}: {len(group)} captures, {len(present)} fields shown and checked")
    never = [f for f in fields if f not in seen_all]
    print(f"{len(fields) - len(never)} fields checked; "
          f"{len(never)} appear in no frame of these captures:")
    print("  " + " ".join(sorted(never)))
    for b in bad:
        print("DIFFERS " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
