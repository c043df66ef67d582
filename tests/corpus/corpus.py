#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Invariants every capture must keep, whoever made it.

corpus.py fields BUILD_DIR OUT
    Writes the per-packet tcplife fields (every tcplife.* field with a value,
    tcplife.conn.* excepted: those exist only in two passes) to OUT, one a
    line, as the plugin built in BUILD_DIR registers them.

corpus.py check BUILD_DIR FIELDS CAPTURE
    1. tshark with the plugin exits 0, or with the status tshark has without
       it (e.g. 2 for a capture cut short), and shows no TCPLIFE error:
       "[Malformed Packet: TCPLIFE]", "[Dissector bug, protocol TCPLIFE ...]"
       or another exception epan caught in tcplife, or a plugin log line;
    2. one pass equals two: every per-packet tcplife field of every frame,
       as tshark's single pass gives it with -T fields (no visible tree, tap
       records), equals what tshark -2 shows in its visible tree (-T pdml:
       the first pass without taps or tree, the second rendering from what
       the first stored and making the tcpdump text again from the frame's
       bytes, as tests/e2e/property.sh tcpdump-passes checks on the sample
       captures). tcplife.conn.* is left out (two passes only);
    3. -z tcplife,conn,tsv in one pass equals -2.
    4. -2 with every connection parked between its segments
       (TCPLIFE_PARK_FRAMES=0, plugin/epan/tl_conns.c) equals -2 with the
       default: the fields of every frame and the tsv table.
    5. A single pass that reads no verdict (-q -z tcplife,conn,tsv: its
       listener reads only the streams) defers its tracking
       (packet-tcplife.c, deferred_add()) and leaves every connection as
       1.'s pass does: its table, and the rows TCPLIFE_MEMSTATS=rows prints
       at the file's end, equal 1.'s tsv table. A single pass that reads
       nothing of tcplife (-Y tcp -q) tracks at most the first four frames
       and exits cleanly (unread_pass()).
    One tshark run per pass: the fields or the PDML, with the tsv table
    after it. A failure prints the first differing lines. Exit 77
    (skipped) when CAPTURE does not exist.

TCPLIFE_CORPUS_TSHARK_ARGS: extra tshark arguments for every run, split on
spaces. The TCP preferences the comparison depends on are given
explicitly (their defaults), so a personal preference never changes it.
"""
import difflib
import os
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TSHARK_PLUGIN = os.path.join(HERE, "..", "e2e", "tshark-plugin.sh")
SEP = "\x1f"    # -E aggregator: tcpdump and api texts contain commas
TSV_HEAD = "stream\tclient\t"


EXTRA = shlex.split(os.environ.get("TCPLIFE_CORPUS_TSHARK_ARGS", ""))


def tshark(build, capture, args, env=None):
    opts = ["-n", "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.analyze_sequence_numbers:TRUE"]
    opts += EXTRA
    p = subprocess.run([TSHARK_PLUGIN, build, "-r", capture] + opts + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                       env=dict(os.environ, **env) if env else None)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def cmd_fields(build, out):
    p = subprocess.run([TSHARK_PLUGIN, build, "-G", "fields"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        return 1
    names = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        f = line.split("\t")
        # F, name, abbrev, type, ...; FT_NONE items (expert items) print
        # nothing with -T fields.
        if len(f) > 3 and f[0] == "F" and f[2].startswith("tcplife.") \
                and not f[2].startswith("tcplife.conn.") and f[3] != "FT_NONE":
            names.append(f[2])
    if not names:
        print("no tcplife fields registered")
        return 1
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("".join(n + "\n" for n in names))
    print(f"{len(names)} per-packet tcplife fields")
    return 0


def split_tsv(text):
    """-T fields / PDML output, then the tsv table after it."""
    if text.startswith(TSV_HEAD):
        return "", text.splitlines()
    i = text.find("\n" + TSV_HEAD)
    if i < 0:
        return text, []
    return text[:i + 1], text[i + 1:].splitlines()


def norm(v):
    # 4.0 prints booleans as 1/0 with -T fields, later ones True/False.
    return {"True": "1", "False": "0"}.get(v, v)


class Run:
    """What one tshark run gave: per frame, the values of each field (in
    the order epan added them), the TCPLIFE error lines, the tsv table."""

    def __init__(self, rc, err):
        self.rc = rc
        self.frames = {}        # frame -> {field: [values]}
        self.order = []
        self.errors = [l for l in err.splitlines() if "tcplife" in l.lower()]
        self.tsv = []

    def frame(self, num):
        if num not in self.frames:
            self.frames[num] = {}
            self.order.append(num)
        return self.frames[num]

    def lines(self, fields):
        out = []
        for num in self.order:
            vals = self.frames[num]
            cells = [SEP.join(norm(v) for v in vals.get(f, [])) for f in fields]
            if any(cells):
                out.append(f"frame {num}: " + " | ".join(
                    f"{f.replace('tcplife.', '')}={c.replace(SEP, ' ; ')}" for f, c in zip(fields, cells) if c))
        return out


def run_fields(build, capture, fields):
    args = ["-T", "fields", "-E", "header=y", "-E", "separator=/t", "-E", "occurrence=a",
            "-E", "aggregator=" + SEP, "-e", "frame.number", "-e", "tcp.stream", "-e", "_ws.malformed"]
    for f in fields:
        args += ["-e", f]
    rc, out, err = tshark(build, capture, args + ["-z", "tcplife,conn,tsv"])
    r = Run(rc, err)
    body, r.tsv = split_tsv(out)
    rows = body.splitlines()
    r.has_tcp = False
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < 3 + len(fields) or not cells[0].isdigit():
            continue
        fr = r.frame(int(cells[0]))
        r.has_tcp |= cells[1] != ""
        if cells[1] != "":
            fr["tcp.stream"] = cells[1].split(SEP)
        r.errors += [f"frame {cells[0]}: {m}" for m in cells[2].split(SEP) if "TCPLIFE" in m]
        for f, c in zip(fields, cells[3:]):
            if c != "":
                fr[f] = c.split(SEP)
    return r


def run_pdml(build, capture, fields, two_pass=True, env=None):
    wanted = set(fields)
    args = (["-2"] if two_pass else []) + ["-T", "pdml", "-J", "frame tcplife", "-z", "tcplife,conn,tsv"]
    rc, out, err = tshark(build, capture, args, env)
    r = Run(rc, err)
    end = out.find("</pdml>")
    xml, r.tsv = (out[:end + len("</pdml>")], split_tsv(out[end + 7:])[1]) if end >= 0 else (out, [])
    if end < 0:
        r.errors.append("no complete PDML document")
        return r
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as e:
        r.errors.append(f"PDML does not parse: {e}")
        return r
    for pkt in root.iter("packet"):
        num = None
        for f in pkt.iter("field"):
            if f.get("name") == "num":
                num = int(f.get("show"))
                break
        fr = r.frame(num)
        for proto in pkt.iter("proto"):
            show = proto.get("showname") or ""
            if "TCPLIFE" in show:
                r.errors.append(f"frame {num}: {show}")
        for f in pkt.iter("field"):
            name = f.get("name")
            if name in wanted:
                fr.setdefault(name, []).append(f.get("show", ""))
            elif "TCPLIFE" in (f.get("showname") or ""):
                r.errors.append(f"frame {num}: {f.get('showname')}")
    return r


def first_diff(a, b, what, la, lb, limit=40):
    if a == b:
        return True
    print(f"FAIL: {what}")
    for i, line in enumerate(difflib.unified_diff(a, b, la, lb, lineterm="", n=1)):
        if i >= limit:
            print("...")
            break
        print(line)
    return False


def baseline_status(capture, two_pass):
    """tshark's exit status without the plugin: an empty plugin folder."""
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        os.makedirs(os.path.join(d, "plugins"))
        rc, _, _ = tshark(d, capture, (["-2"] if two_pass else []) + ["-T", "fields", "-e", "frame.number"])
    return rc


def check(build, fields_file, capture, quiet=False):
    """Runs the invariants; returns (ok, one-pass Run, -2 Run)."""
    with open(fields_file, encoding="utf-8") as fh:
        fields = [l.strip() for l in fh if l.strip()]
    one = run_fields(build, capture, fields)
    two = run_pdml(build, capture, fields)
    name = os.path.basename(capture)
    ok = True

    # 1. no crash, no TCPLIFE error.
    for r, two_pass, label in ((one, False, "one pass"), (two, True, "-2")):
        if r.rc != 0:
            base = baseline_status(capture, two_pass)
            if r.rc != base:
                print(f"FAIL: {label} exits {r.rc}, {base} without the plugin")
                ok = False
        if r.errors:
            print(f"FAIL: TCPLIFE errors in {label}:")
            print("\n".join(r.errors[:10]))
            ok = False
    if not one.has_tcp:
        if ok and not quiet:
            print(f"ok: {name}: no TCP, no crash, no TCPLIFE error")
        return ok, one, two

    # 2. one pass = two passes, field by field.
    ok &= first_diff(one.lines(fields), two.lines(fields),
                     f"per-packet tcplife fields differ between one pass and -2 ({name})",
                     "one pass (-T fields)", "-2 (visible tree)")
    # 3. the connection table.
    ok &= first_diff(one.tsv, two.tsv, f"-z tcplife,conn,tsv differs between one pass and -2 ({name})",
                     "one pass", "-2")
    # 4. connections parked between segments: the same.
    parked = run_pdml(build, capture, fields, env={"TCPLIFE_PARK_FRAMES": "0"})
    ok &= first_diff(two.lines(fields) + two.tsv, parked.lines(fields) + parked.tsv,
                     f"-2 differs with every connection parked ({name})", "-2", "-2, parked")
    # 5. tracking deferred: the connections end the same.
    rc, out, err = tshark(build, capture, ["-q", "-z", "tcplife,conn,tsv"],
                          env={"TCPLIFE_MEMSTATS": "rows"})
    lines = err.splitlines()
    at = next((i for i, l in enumerate(lines) if l.startswith("tcplife memstats:")), None)
    if at is None or rc != 0:
        print(f"FAIL: no memstats line from -q -z tcplife,conn,tsv (exit {rc})")
        ok = False
    else:
        ok &= first_diff(one.tsv, [l for l in lines[at + 1:] if not l.startswith("tcplife memstats:")],
                         f"connections differ when the single pass defers its tracking ({name})",
                         "one pass, -z tcplife,conn,tsv", "-q -z tcplife,conn, TCPLIFE_MEMSTATS=rows")
        ok &= first_diff(one.tsv, [l for l in out.splitlines() if l.strip()],
                         f"-z tcplife,conn,tsv's table differs when its pass defers ({name})",
                         "one pass, -z tcplife,conn,tsv", "-q -z tcplife,conn,tsv")
    rc, _, err = tshark(build, capture, ["-Y", "tcp", "-q"], env={"TCPLIFE_MEMSTATS": "1"})
    stat = next((l.split() for l in err.splitlines() if l.startswith("tcplife memstats:")), None)
    count = {k: int(stat[stat.index(k) + 1]) for k in ("frames", "skipped")} if stat else {}
    if rc != 0 or len(count) != 2 or (count["skipped"] and count["frames"] > 4):
        print(f"FAIL: -Y tcp -q (nothing read): exit {rc}, memstats {count or 'missing'}: "
              f"at most 4 frames tracked when any is skipped ({name})")
        ok = False
    if ok and not quiet:
        layers = sum(len(v.get("tcplife.stream", [])) for v in one.frames.values())
        print(f"ok: {name}: {len(one.order)} frames, {layers} tracked TCP layers, "
              f"{max(len(one.tsv) - 1, 0)} connections; one pass = -2 = -2 parked = deferred")
    return ok, one, two


def main(argv):
    if len(argv) == 4 and argv[1] == "fields":
        return cmd_fields(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "check":
        build, fields_file, capture = argv[2:5]
        if not os.path.isfile(capture):
            print(f"skipped: {capture} does not exist (the corpus folder is absent; "
                  "set TCPLIFE_CORPUS_DIR when configuring)")
            return 77
        return 0 if check(build, fields_file, capture)[0] else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
