#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""How often tcplife.tcpdump reads exactly as tcpdump prints the segment.

tcpdump-agree.py BUILD_DIR CORPUS_DIR [--min PERCENT] [--examples N]

For every capture in CORPUS_DIR (*.pcap, *.pcapng, *.cap): `tcpdump -n -#
-r` and tshark with the plugin built in BUILD_DIR (tests/e2e/
tshark-plugin.sh, -T fields -e tcplife.tcpdump). A TCP segment in
tcpdump's line is the text from "Flags [" up to ", length N" (tcpdump may
append an application decode), or to the end of the segment's part of the
line when tcpdump stopped early (" [|tcp]"); a frame's segments are paired
in order with the frame's tcplife.tcpdump values (several in a tunnel).
A segment only one side shows counts as a difference.

Prints the agreement (equal segments / all segments), then the remaining
differences grouped by cause, with examples. Exits 1 when --min is given
and the agreement is below it, 77 (skipped) when CORPUS_DIR holds no
capture or tcpdump is not installed. The notation follows tcpdump 4.99.3
(Debian 12's); tcpdump's version is printed with the result.
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TSHARK_PLUGIN = os.path.join(HERE, "..", "e2e", "tshark-plugin.sh")
SEP = "\x1f"

# A frame's line with -#: "    7  12:00:00.000000 IP ...". Lines without
# the number continue the frame before (VXLAN prints the inner packet on
# one).
FRAME_RE = re.compile(r"^\s*(\d+)  (.*)$")
# Where tcpdump starts a TCP segment: after "src.port > dst.port: ", or
# "sport > dport: " after an IPv6 extension header ("HBH 1 > 2: ").
SEG_RE = re.compile(r"\S+ > \S+: (?=Flags \[)")
LEN_RE = re.compile(r", length \d+")


def tcpdump_segments(capture):
    p = subprocess.run(["tcpdump", "-n", "-#", "-r", capture], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=False)
    lines = {}
    num = None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        m = FRAME_RE.match(line)
        if m:
            num = int(m.group(1))
            lines[num] = m.group(2)
        elif num is not None:
            lines[num] += " " + line.strip()
    frames = {}
    for num, rest in lines.items():
        found = list(SEG_RE.finditer(rest))
        segs = []
        for i, m in enumerate(found):
            chunk = rest[m.end():found[i + 1].start() if i + 1 < len(found) else len(rest)]
            lm = LEN_RE.search(chunk)
            segs.append(chunk[:lm.end()] if lm else chunk.rstrip())
        if segs:
            frames[num] = segs
    return frames


def tcplife_segments(build, capture):
    p = subprocess.run([TSHARK_PLUGIN, build, "-n", "-r", capture, "-T", "fields",
                        "-E", "occurrence=a", "-E", "aggregator=" + SEP,
                        "-e", "frame.number", "-e", "tcplife.tcpdump"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    frames = {}
    for row in p.stdout.decode("utf-8", "replace").splitlines():
        cells = row.split("\t")
        if len(cells) < 2 or not cells[0].isdigit() or not cells[1]:
            continue
        frames[int(cells[0])] = cells[1].split(SEP)
    return frames


def cause(td, tl):
    """The reason two texts (either may be None) differ, as a group name."""
    if td is None:
        return "segment only tcplife shows"
    if tl is None:
        return "segment only tcpdump shows"
    both = td + " " + tl
    if "[|" in td:
        return "tcpdump stopped: truncated capture"
    if "[bad opt]" in both:
        return "malformed option list ([bad opt])"
    if "mptcp" in both:
        return "MPTCP option"
    if "md5" in both:
        return "MD5 signature option"
    if td.split("]")[0] != tl.split("]")[0]:
        return "flags"
    strip = re.compile(r"(, seq \d+(:\d+)?|, length \d+)")
    if strip.sub("", td) == strip.sub("", tl):
        # tcpdump takes it from the IP header, tcplife (as epan's tcp.len)
        # from what the frame holds: they differ when the datagram is
        # longer than the frame on the wire ("truncated-ip - N bytes
        # missing!"), or when padding were counted.
        return "payload length (IP header's vs the frame's)"
    if "options [" in both:
        return "other option"
    return "other"


def measure(build, capture):
    td = tcpdump_segments(capture)
    tl = tcplife_segments(build, capture)
    total = equal = 0
    diffs = []
    for num in sorted(set(td) | set(tl)):
        a, b = td.get(num, []), tl.get(num, [])
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            total += 1
            if x == y:
                equal += 1
            else:
                diffs.append((cause(x, y), os.path.basename(capture), num, x, y))
    return total, equal, diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("corpus")
    ap.add_argument("--min", type=float, default=None, help="fail below this percentage")
    ap.add_argument("--examples", type=int, default=2, help="examples shown per cause")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    captures = sorted(c for ext in ("pcap", "pcapng", "cap")
                      for c in glob.glob(os.path.join(args.corpus, "*." + ext)))
    if not captures:
        print(f"SKIP: no capture in {args.corpus}")
        return 77
    if not shutil.which("tcpdump"):
        print("SKIP: tcpdump is not installed")
        return 77
    ver = subprocess.run(["tcpdump", "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, check=False).stdout.decode().splitlines()[0]

    total = equal = 0
    diffs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for t, e, d in ex.map(lambda c: measure(args.build, c), captures):
            total, equal = total + t, equal + e
            diffs += d
    if total == 0:
        print("no TCP segment in the corpus")
        return 1
    pct = 100.0 * equal / total
    print(f"{ver}: tcplife.tcpdump equals tcpdump's text on {equal} of {total} "
          f"TCP segments ({pct:.2f} %) in {len(captures)} captures")
    groups = collections.defaultdict(list)
    for d in diffs:
        groups[d[0]].append(d)
    for name, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        caps = collections.Counter(i[1] for i in items)
        print(f"\n{len(items):6d}  {name}  ({', '.join(f'{c} {n}' for c, n in caps.most_common(4))}"
              f"{', ...' if len(caps) > 4 else ''})")
        for _, cap, num, x, y in items[:args.examples]:
            print(f"        {cap} frame {num}\n          tcpdump: {x}\n          tcplife: {y}")
    if args.min is not None and pct < args.min:
        print(f"\nFAIL: {pct:.2f} % is below {args.min} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
