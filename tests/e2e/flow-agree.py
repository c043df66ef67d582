#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""flow-agree.py BUILD_DIR CAPTURE: the "TCP Lifecycle" Flow Graph
(tshark -z flow,tcplife,network) says what the per-packet fields say.

One arrow per tracked TCP segment, in frame order; for each:
  - it goes from the segment's sender (tcplife.sender, tcp.srcport) to its
    receiver, and its time is the frame's;
  - its label is the flags, then the handshake step "n/3" or the teardown
    step "n/3" (three-way) or "n/4", then " len=N" when it fits in the 20
    characters tshark gives a label (else the comment says "N bytes");
  - its comment starts "client STATE, server STATE | phase" with the
    tcplife.state.* and tcplife.phase fields, names the RST kind of a RST
    ("RST <tcplife.rst.kind>"), a SYN / SYN-ACK retry ("retry N") and the
    TIME_WAIT holder where TIME_WAIT starts;
  - -z flow,tcplife,standard draws the same.
Exits 77 (skipped) when the plugin was built without the Flow Graph type
(TCPLIFE_FLOW_GRAPH=OFF: no epan/sequence_analysis.h, docs/compat.md)."""
import datetime
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
build, capture = sys.argv[1], sys.argv[2]
LABEL_MAX = 20

if os.environ.get("TCPLIFE_FLOW_GRAPH", "ON") != "ON":
    print("SKIP: the plugin was built without the Flow Graph type: epan/sequence_analysis.h not "
          "found (run scripts/ws-headers.sh as root, then cmake again; docs/compat.md)")
    sys.exit(77)


def tshark(*args):
    out = subprocess.run([os.path.join(here, "tshark-plugin.sh"), build, "-n", "-r", capture, *args],
                         check=True, capture_output=True, text=True)
    return out.stdout


def parse_flow(text):
    """The arrows of tshark's text Flow Graph: time, label, comment,
    direction, left and right port, conversation."""
    lines = text.splitlines()
    if not lines:
        return []
    several = lines[0].startswith("Conv.|")
    items = []
    i = 2
    while i < len(lines):
        line = lines[i]
        if set(line) <= {"-"}:          # separator between conversations
            i += 1
            continue
        arrow = lines[i + 1]
        conv = line[:5].strip() if several else None
        # "|TIME" padded to 10 characters (longer times push the graph right).
        # (A frame captured before its predecessor has a negative time.)
        m = re.match(r"\|(-?[0-9.]+)", line[5:] if several else line)
        pre = 5 if several else 0
        head = pre + max(10, 1 + len(m.group(1)))
        width = len(arrow) - (pre + 10)  # the graph part: '|' ... '|'
        graph, comment = line[head:head + width], line[head + width:]
        ports = re.findall(r"\((\d+)\)", arrow)
        items.append({
            "time": float(m.group(1)),
            "label": re.sub(r"\s+", " ", graph.replace("|", " ")).strip(),
            "comment": comment,
            "right": ">" in arrow,
            "left_port": int(ports[0]), "right_port": int(ports[1]),
            "conv": conv,
        })
        i += 2
    return items


FIELDS = ["frame.number", "frame.time_relative", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags",
          "tcp.len", "tcplife.sender", "tcplife.handshake.step", "tcplife.handshake.retry",
          "tcplife.teardown.step", "tcplife.teardown.kind", "tcplife.state.client",
          "tcplife.state.server", "tcplife.phase", "tcplife.rst.kind", "tcplife.time_wait.holder",
          "tcplife.time_wait.start", "frame.time_epoch"]
rows = []
for line in tshark("-Y", "tcplife", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
                   *sum((["-e", f] for f in FIELDS), [])).splitlines():
    cells = dict(zip(FIELDS, line.split("\t")))
    # One row per tracked TCP layer (a tunnel frame has several). tcp.*
    # fields of ICMP-quoted headers would not line up: none in the samples.
    n = len(cells["tcplife.sender"].split(";"))
    for k in range(n):
        row = {}
        for f, v in cells.items():
            parts = v.split(";")
            row[f] = parts[k] if len(parts) == n else parts[0]
        rows.append(row)

flow = tshark("-q", "-z", "flow,tcplife,network")
items = parse_flow(flow)
errors = []
if len(items) != len(rows):
    errors.append(f"the flow graph has {len(items)} arrows, the fields {len(rows)} tracked segments")

def epoch(text):
    """An absolute time as -T fields prints it ("Nov 29, 2026 18:20:48.083190000 UTC";
    tshark runs with TZ=UTC) in seconds since the epoch."""
    m = re.match(r"(\w+ +\d+, \d+ \d+:\d+:\d+)\.(\d+)", text)
    t = datetime.datetime.strptime(m.group(1), "%b %d, %Y %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + float("0." + m.group(2))


FLAGS = [(0x002, "SYN"), (0x001, "FIN"), (0x004, "RST"), (0x008, "PSH"), (0x010, "ACK")]
for it, r in zip(items, rows):
    fr = r["frame.number"]

    def check(what, got, want):
        if got != want:
            errors.append(f"frame {fr}: {what}: flow graph says {got!r}, fields say {want!r}")

    flags = int(r["tcp.flags"], 16)
    label = ",".join(name for bit, name in FLAGS if flags & bit)
    if r["tcplife.handshake.step"]:
        label += f" {r['tcplife.handshake.step']}/3"
    elif r["tcplife.teardown.step"]:
        total = 3 if r["tcplife.teardown.kind"] == "three-way" else 4
        label += f" {r['tcplife.teardown.step']}/{total}"
    length = int(r["tcp.len"] or 0)
    if length and len(label + f" len={length}") <= LABEL_MAX:
        label += f" len={length}"
    elif length and f"{length} bytes" not in it["comment"]:
        errors.append(f"frame {fr}: label without len= and no '{length} bytes' in the comment")
    check("label", it["label"], label)

    head = (f"client {r['tcplife.state.client']}, server {r['tcplife.state.server']}"
            f" | {r['tcplife.phase']}")
    check("comment start", it["comment"][:len(head)], head)
    if r["tcplife.rst.kind"] and f"RST {r['tcplife.rst.kind']}" not in it["comment"]:
        errors.append(f"frame {fr}: RST kind {r['tcplife.rst.kind']} not in the comment {it['comment']!r}")
    if r["tcplife.handshake.retry"] and f"retry {r['tcplife.handshake.retry']}," not in it["comment"]:
        errors.append(f"frame {fr}: retry {r['tcplife.handshake.retry']} not in the comment {it['comment']!r}")
    tw_starts = (r["tcplife.time_wait.holder"] and r["tcplife.time_wait.start"]
                 and abs(epoch(r["tcplife.time_wait.start"]) - float(r["frame.time_epoch"])) < 5e-7)
    tw_note = f"{r['tcplife.time_wait.holder']} in TIME_WAIT for" in it["comment"]
    check("TIME_WAIT note where TIME_WAIT starts", tw_note, bool(tw_starts))

    # Sender to receiver: the arrow starts at the sender's port.
    sport, dport = int(r["tcp.srcport"]), int(r["tcp.dstport"])
    src, dst = (it["left_port"], it["right_port"]) if it["right"] else (it["right_port"], it["left_port"])
    check("sender port -> receiver port", (src, dst), (sport, dport))
    if abs(it["time"] - float(r["frame.time_relative"])) > 1e-6:
        errors.append(f"frame {fr}: time {it['time']} vs frame.time_relative {r['frame.time_relative']}")
    if it["conv"] is not None:
        check("conversation", int(it["conv"]), int(r["tcp.stream"]) & 0xFFFF)

# Over IP both address modes give the IP addresses of each TCP layer.
standard = tshark("-q", "-z", "flow,tcplife,standard")
if standard != flow:
    errors.append("-z flow,tcplife,standard differs from -z flow,tcplife,network")

# The arrows are the ladder's, label for label (-z tcplife,ladder).
ladder = [l for l in tshark("-q", "-z", "tcplife,ladder").splitlines() if l.strip()[:1].isdigit()]
if len(ladder) != len(items):
    errors.append(f"ladder has {len(ladder)} segments, flow graph {len(items)}")

for e in errors:
    print(e)
print(f"{os.path.basename(capture)}: {len(items)} arrows checked, {len(errors)} disagreements")
sys.exit(1 if errors else 0)
