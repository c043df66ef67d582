#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""stats-agree.py BUILD_DIR CAPTURE: the batch summaries say what the
per-packet fields say. For every connection, the -z tcplife,conn,json row
must agree with the fields of its segments (two passes for the conn.*
fields), and -z tcplife,sum's counts with the rows. The GUI's two
statistics, as tshark prints them, say the same: -z tcplife,table (Statistics
> TCP Lifecycle/Connections) has the rows of -z tcplife,conn,tsv, and
-z tcplife,tree (Statistics > TCP Lifecycle > Summary) the counts and peaks
of -z tcplife,sum, in one pass and in two."""
import re
import collections
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
build, capture = sys.argv[1], sys.argv[2]


def tshark(*args):
    out = subprocess.run([os.path.join(here, "tshark-plugin.sh"), build, "-n", "-r", capture, *args],
                         check=True, capture_output=True, text=True)
    return out.stdout


FIELDS = ["tcp.stream", "tcplife.sender", "tcplife.handshake.step", "tcplife.handshake.retry",
          "tcplife.teardown.kind", "tcplife.teardown.initiator", "tcplife.rst.kind",
          "tcplife.time_wait.holder", "tcplife.state.client", "tcplife.state.server",
          "tcplife.half_close.bytes", "tcplife.conn.outcome", "tcplife.conn.handshake", "tcplife.conn.zeek_state",
          "tcplife.conn.history", "tcplife.midstream", "tcplife.phase", "tcplife.api",
          "tcplife.conn.one_sided", "tcp.flags.str"]
rows = json.loads(tshark("-q", "-z", "tcplife,conn,json"))
lines = tshark("-2", "-Y", "tcplife", "-T", "fields", "-E", "occurrence=f",
               *sum((["-e", f] for f in FIELDS), [])).splitlines()
per = collections.defaultdict(list)
for line in lines:
    v = dict(zip(FIELDS, line.split("\t")))
    per[int(v["tcp.stream"])].append(v)

errors = []


def check(stream, what, got, want):
    if got != want:
        errors.append(f"stream {stream}: {what}: summary says {got!r}, fields say {want!r}")


if sorted(r["stream"] for r in rows) != sorted(per):
    errors.append(f"streams differ: summary {sorted(r['stream'] for r in rows)}, fields {sorted(per)}")
for r in rows:
    segs = per.get(r["stream"], [])
    if not segs:
        continue
    last = segs[-1]
    check(r["stream"], "final states", r["final_states"], f"{last['tcplife.state.client']}/{last['tcplife.state.server']}")
    check(r["stream"], "zeek_state", r["zeek_state"], last["tcplife.conn.zeek_state"])
    check(r["stream"], "history", r["history"], last["tcplife.conn.history"])
    syn_retry = max([int(s["tcplife.handshake.retry"] or 0) for s in segs if s["tcplife.handshake.step"] == "1"] or [0])
    synack_retry = max([int(s["tcplife.handshake.retry"] or 0) for s in segs if s["tcplife.handshake.step"] == "2"] or [0])
    check(r["stream"], "syn_retries", r["syn_retries"], syn_retry)
    check(r["stream"], "synack_retries", r["synack_retries"], synack_retry)
    # The RST that reset a live connection: not one after its end (phase
    # closed/reset before it). Its sender going on afterwards makes it
    # injected; if its receiver did not take it either (RFC 5961), the
    # connection went on to its own end.
    first = [i for i, s in enumerate(segs) if s["tcplife.rst.kind"]
             and (i == 0 or segs[i - 1]["tcplife.phase"] not in ("closed", "reset"))][:1]
    rst = [segs[first[0]]] if first else []
    injected = taken = False
    if rst:
        sender = rst[0]["tcplife.sender"]
        receiver = "server" if sender == "client" else "client"
        injected = any(s["tcplife.sender"] == sender and not s["tcplife.rst.kind"]
                       and "SYN" not in s["tcp.flags.str"] for s in segs[first[0] + 1:])
        taken = rst[0][f"tcplife.state.{receiver}"] == "CLOSED"
    if rst:
        kind = "injected" if injected else rst[0]["tcplife.rst.kind"]
        check(r["stream"], "rst", r["rst"], f"{rst[0]['tcplife.sender']}/{kind}")
    if rst and (taken or not injected):
        check(r["stream"], "teardown", r["teardown"], "reset")
    else:
        if not rst:
            check(r["stream"], "rst", r["rst"], None)
        kinds = [s["tcplife.teardown.kind"] for s in segs if s["tcplife.teardown.kind"]]
        inits = [s["tcplife.teardown.initiator"] for s in segs if s["tcplife.teardown.initiator"]]
        want = f"{inits[0]}/{kinds[-1] if kinds else 'half-closed'}" if inits else "open"
        check(r["stream"], "teardown", r["teardown"], want)
    holders = [s["tcplife.time_wait.holder"] for s in segs if s["tcplife.time_wait.holder"]]
    check(r["stream"], "time_wait", r["time_wait"], holders[-1] if holders else None)
    hc = [int(s["tcplife.half_close.bytes"]) for s in segs if s["tcplife.half_close.bytes"]]
    check(r["stream"], "half_close_bytes", r["half_close_bytes"], max(hc) if hc else None)
    check(r["stream"], "handshake", r["handshake"], last["tcplife.conn.handshake"])
    if last["tcplife.midstream"] in ("1", "True"):     # 4.4+ prints True
        check(r["stream"], "handshake", r["handshake"], "midstream")
    elif (r["handshake"] == "complete" and not any(s["tcplife.handshake.step"] == "3" for s in segs)
          and not any(s["tcplife.api"].startswith("connect() on both sides") for s in segs)
          and last["tcplife.conn.one_sided"] not in ("1", "True")):
        errors.append(f"stream {r['stream']}: handshake complete without a step 3")
    elif r["handshake"] == "refused" and not any(s["tcplife.rst.kind"] == "refused" for s in segs):
        errors.append(f"stream {r['stream']}: refused without a refused RST")

# The summary's counts are the rows', grouped.
summary = tshark("-q", "-z", "tcplife,sum")
outcomes = collections.Counter(per[s][-1]["tcplife.conn.outcome"] for s in per)
for name in ("open", "closed", "reset", "refused", "half_open", "syn_only"):
    want = f"  {name:<18} {outcomes.get(name, 0)}"
    if want not in summary.splitlines():
        errors.append(f"summary outcome line {want.strip()!r} missing")
if f"Connections: {len(rows)}" not in summary:
    errors.append("summary connection count differs from the rows")

# The ladder has one line per segment, with the states of the fields.
ladder = [l.split() for l in tshark("-q", "-z", "tcplife,ladder").splitlines()
          if l.strip()[:1].isdigit()]
if len(ladder) != len(lines):
    errors.append(f"ladder has {len(ladder)} segments, fields {len(lines)}")

# No value has a space: awk splits the aligned table like the TSV.
for r in rows:
    for k, v in r.items():
        if isinstance(v, str) and " " in v:
            errors.append(f"stream {r['stream']}: {k} has a space: {v!r}")
table = [l.split() for l in tshark("-q", "-z", "tcplife,conn").splitlines()]
tsv = [l.split("\t") for l in tshark("-q", "-z", "tcplife,conn,tsv").splitlines()]
if [t for t in table if len(t) == len(tsv[0])] != tsv:
    errors.append("-z tcplife,conn split on blanks differs from -z tcplife,conn,tsv")

# -z tcplife,table: "v |v |...|" rows after the "Connections" line.
out = tshark("-q", "-z", "tcplife,table").splitlines()
start = out.index("Connections") + 1 if "Connections" in out else len(out)
grid = [[c.strip() for c in l.split("|")[:-1]] for l in out[start:] if l.count("|") == len(tsv[0])]
if sorted(grid, key=lambda c: int(c[0])) != tsv[1:]:
    errors.append(f"-z tcplife,table differs from -z tcplife,conn,tsv:\n{grid}\n{tsv[1:]}")


def sum_counts(text):
    """{(section, name): count} of -z tcplife,sum; peaks as ('peak', section, key)."""
    got, sec = {}, None
    for line in text.splitlines():
        if line.startswith("Connections: "):
            got[("Connections", "")] = int(line.split()[1])
        elif line and not line.startswith(" ") and line.endswith(":"):
            sec = line[:-1].split(" (compare")[0]
        elif line.startswith("  ") and sec:
            m = re.match(r"  (.+?) +peak (\d+) at ", line)
            if m:
                got[(sec, m.group(1))] = int(m.group(2))
            elif line.strip() != "none":
                name, n = line.strip().rsplit(None, 1)
                got[(sec, name)] = int(n)
    return got


def tree_counts(text):
    """The same from -z tcplife,tree: names under their parents, the count."""
    rename = {"Peak half-open connections (SYN queue) per server":
              "Peak concurrent half-open connections (SYN queue) per server",
              "Peak TIME_WAIT connections per holder": "Peak concurrent TIME_WAIT connections per holder",
              "Teardown (closed with FINs)": "Teardown (closed with FINs)", "Handshake": "Handshake",
              "Outcome": "Outcome", "RST kind": "RST kind"}
    got, parents = {}, []
    for line in text.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line + " ")
        if not m or line.startswith(("Topic", "=", "-")):
            continue
        depth, name, n = len(m.group(1)), m.group(2), int(m.group(3))
        parents[depth:] = [name]
        if depth == 0 and name == "Connections":
            got[("Connections", "")] = n
        elif depth == 1 and parents[0] in rename:
            got[(rename[parents[0]], name)] = n
        elif depth == 2 and parents[1] in rename:
            got[(rename[parents[1]], name)] = n
    return got


want = sum_counts(summary)
for passes in ([], ["-2"]):
    got = tree_counts(tshark(*passes, "-q", "-z", "tcplife,tree"))
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))
        errors.append(f"-z tcplife,tree {' '.join(passes) or '(one pass)'} differs from -z tcplife,sum: {diff}")

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
