#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kernel-agree.py BUILD_DIR CAPTURE KERNEL_RECORD

The RSTs tcplife finds in CAPTURE must agree with what the Linux kernel
itself counted while the capture was made: the nstat deltas of the client
and the server namespace that sample-captures/scenarios.py wrote to
KERNEL_RECORD (sample-captures/kernel/NAME.txt). Per side, with u, o, d,
a, k its RSTs with reason TCP_ABORT_ON_CLOSE (unread_data), unread_data
with the reason left open (after the answer to its own request: unread, or
read and then SO_LINGER 0 -- the same bytes), reason TCP_ABORT_ON_DATA
(data_after_close), kind abort, reason TCP_KEEPALIVE_TIMEOUT:

  TcpOutRsts == its RSTs, except those tcplife calls injected (a forger's
                RST is not counted by the host it claims to be from; a RST
                that a later segment proves forged counts as injected)
  u <= TCPAbortOnClose <= u + o   tcp_close() with unread data resets
  d + (u + o - TCPAbortOnClose) <= TCPAbortOnData
                                  <= d + a + (u + o - TCPAbortOnClose)
                                  payload after the FIN always counts
                                  (tcp_rcv_state_process()), and so do
                                  SO_LINGER 0 closes (tcp_close()); other
                                  tcp_disconnect() calls (a listener closed
                                  with queued connections) do not
  TCPAbortOnTimeout >= k          tcp_keepalive_timer() resets and counts;
                                  a retransmission give-up counts with no RST

So no RST is unread_data unless the kernel aborted a close with unread
data, and every RST a host sent has the kind of what its kernel did.
Exits 0 when every check holds, 1 with the differences otherwise.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def nstat(record):
    """{'client': {counter: delta}, 'server': {...}} from a kernel record."""
    out, side, in_list = {}, None, False
    for line in open(record, encoding="utf-8"):
        m = re.match(r"nstat deltas in the (client|server) namespace", line)
        if m:
            side, in_list = m.group(1), False
            out[side] = {}
            continue
        if side and line.strip().startswith("every nonzero"):
            in_list = True
            continue
        if side and in_list:
            m = re.match(r"\s+(\w+)\s+([+-]\d+)\s*$", line)
            if m:
                out[side][m.group(1)] = int(m.group(2))
            elif line.strip() and not line.startswith(" "):
                side, in_list = None, False
    return out


def rsts(build, capture):
    """[(sender, kind, reason)] for every RST tcplife tracked; a RST that a
    later segment of its alleged sender proves forged
    (tcplife.rst.forged_frame) counts as injected, as the connection does."""
    fields = ["frame.number", "tcplife.sender", "tcplife.rst.kind", "tcplife.rst.reason",
              "tcplife.rst.forged_frame"]
    cmd = [os.path.join(HERE, "tshark-plugin.sh"), build, "-r", capture, "-2",
           "-Y", "tcplife.rst.kind || tcplife.rst.forged_frame", "-T", "fields",
           "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = [(line.split("\t") + [""] * 5)[:5] for line in text.splitlines() if line]
    forged = {r[4] for r in rows if r[4]}
    return [(s, "injected" if f in forged else k, r) for f, s, k, r, _ in rows if k]


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    build, capture, record = argv[1:]
    counts = nstat(record)
    if set(counts) != {"client", "server"}:
        print(f"{record}: no nstat deltas for both namespaces", file=sys.stderr)
        return 1
    seen = rsts(build, capture)
    bad = []
    for side in ("client", "server"):
        mine = [(k, r) for s, k, r in seen if s == side]
        c = counts[side]
        unread = sum(1 for _, r in mine if r == "TCP_ABORT_ON_CLOSE")
        # unread_data with the reason left open: the answer to its own
        # request unread, or SO_LINGER 0 after reading it (docs/rst.md).
        either = sum(1 for k, r in mine if k == "unread_data" and r == "NOT_SPECIFIED")
        on_data = sum(1 for _, r in mine if r == "TCP_ABORT_ON_DATA")
        aborts = sum(1 for k, _ in mine if k == "abort")
        aoc = c.get("TcpExtTCPAbortOnClose", 0)
        aod = c.get("TcpExtTCPAbortOnData", 0)
        checks = [
            # Every RST the host sent itself, none it did not.
            ("TcpOutRsts", c.get("TcpOutRsts", 0), sum(1 for k, _ in mine if k != "injected"), "=="),
            # Each TCP_ABORT_ON_CLOSE RST is a close with unread data; the
            # open ones may be too.
            ("TcpExtTCPAbortOnClose", aoc, unread, ">="),
            ("TcpExtTCPAbortOnClose", aoc, unread + either, "<="),
            # The open ones that were not are SO_LINGER 0 closes (counted as
            # TCPAbortOnData by tcp_close()); payload after the FIN always
            # counts; tcp_disconnect() elsewhere (listener closed) does not.
            ("TcpExtTCPAbortOnData", aod, on_data + (unread + either - aoc), ">="),
            ("TcpExtTCPAbortOnData", aod, on_data + aborts + (unread + either - aoc), "<="),
            ("TcpExtTCPAbortOnTimeout", c.get("TcpExtTCPAbortOnTimeout", 0),
             sum(1 for _, r in mine if r == "TCP_KEEPALIVE_TIMEOUT"), ">="),
        ]
        for name, kernel, ours, op in checks:
            ok = {"==": kernel == ours, ">=": kernel >= ours, "<=": kernel <= ours}[op]
            line = f"{side:6} {name:26} kernel {kernel:+d} {op} tcplife {ours}"
            print(("ok     " if ok else "DIFFERS ") + line)
            if not ok:
                bad.append(line)
        print(f"{side:6} RSTs: " + (", ".join(f"{k}/{r}" for k, r in mine) or "none"))
    if bad:
        print(f"FAIL: {os.path.basename(capture)}: tcplife's RSTs differ from the kernel's counters",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
