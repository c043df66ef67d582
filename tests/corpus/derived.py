#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""derived.py BUILD_DIR FIELDS WORKDIR NAME: the invariants of corpus.py on
WORKDIR/NAME.pcap (made by make-derived.py), run with the tshark options of
WORKDIR/NAME.json, then what that file says one pass must show:
  layers    {frame: [[sender, tcpdump text prefix], ...]}: the tracked TCP
            layers of the frame, in order (none: [])
  untracked {frame: n}: TCP layers epan decoded that tcplife did not track
  final     the last connection's final states in -z tcplife,conn,tsv
  tsv_client  a connection's client column in the tsv table
"""
import json
import os
import sys

sys.dont_write_bytecode = True      # nothing written beside the sources
import corpus  # noqa: E402  (tests/corpus/corpus.py)


def main(build, fields, work, name):
    cap = os.path.join(work, name + ".pcap")
    if not os.path.isfile(cap):
        print(f"skipped: {cap} was not made (corpus.derive)")
        return 77
    with open(os.path.join(work, name + ".json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    corpus.EXTRA += spec["args"]
    ok, one, _ = corpus.check(build, fields, cap)
    exp = spec["expect"]
    for frame, want in sorted(exp.get("layers", {}).items(), key=lambda kv: int(kv[0])):
        v = one.frames.get(int(frame), {})
        got = list(zip(v.get("tcplife.sender", []), v.get("tcplife.tcpdump", [])))
        if len(got) != len(want) or any(g[0] != w[0] or not g[1].startswith(w[1]) for g, w in zip(got, want)):
            print(f"FAIL: frame {frame}: tracked layers {got}, want {want}")
            ok = False
    for frame, n in exp.get("untracked", {}).items():
        v = one.frames.get(int(frame), {})
        got = len(v.get("tcp.stream", [])) - len(v.get("tcplife.stream", []))
        if got != n:
            print(f"FAIL: frame {frame}: {got} TCP layers not tracked, want {n}")
            ok = False
    cols = [r.split("\t") for r in one.tsv]
    if "final" in exp:
        i = cols[0].index("final_states") if cols else -1
        got = cols[-1][i] if len(cols) > 1 else None
        if got != exp["final"]:
            print(f"FAIL: final states {got}, want {exp['final']}")
            ok = False
    if "tsv_client" in exp and not any(len(c) > 1 and c[1] == exp["tsv_client"] for c in cols[1:]):
        print(f"FAIL: no connection with client {exp['tsv_client']}:")
        print("\n".join(one.tsv))
        ok = False
    if ok:
        print(f"ok: {name}: as expected")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
