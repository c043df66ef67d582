#!/usr/bin/env python3
"""Scenario driver for the tcplife sample captures (stdlib only).

The namespaces and the veth pair are created by make-captures.sh.  This
program is started once per scenario, as root, and does everything that
happens inside them: sysctls, offload settings, nftables rules, the tcpdump
run and the socket calls.  All sockets live in one Python process: a socket
belongs to the network namespace its creating thread was in, so the driver
switches its own thread between the two namespaces with setns(2) before each
socket() call.  Because one thread performs both ends in a fixed order, the
sequence of packets is decided by the program and the kernel's timers, not
by the scheduler.

Sub-commands:
  run NAME OUTDIR        run one scenario and write OUTDIR/NAME.pcap and
                         OUTDIR/kernel/NAME.txt (nstat deltas, ss) (root)
  list                   print the scenario names, one per line
  summary FILE...        print the flag sequence of pcap files (no root)
  check NAME FILE        compare FILE's flag sequence with the expected one
  offloads-off IFNAME    switch off checksum/segmentation offloads of IFNAME
                         (via the ethtool ioctl; run inside the namespace)
"""

import array
import ctypes
import errno
import fcntl
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time

# ---------------------------------------------------------------------------
# Fixed lab layout (must match make-captures.sh)
# ---------------------------------------------------------------------------

NS_CLIENT = os.environ.get("TCPLIFE_NS_CLIENT", "tlc")
NS_SERVER = os.environ.get("TCPLIFE_NS_SERVER", "tls")
IF_CLIENT = os.environ.get("TCPLIFE_IF_CLIENT", "tlc0")
IF_SERVER = os.environ.get("TCPLIFE_IF_SERVER", "tls0")

C4, S4 = "10.77.0.1", "10.77.0.2"
C6, S6 = "fd77::1", "fd77::2"

STEP = 0.2          # pause between application steps (well above delayed-ACK)
SNAPLEN = 128       # enough for Ethernet + IPv6 + TCP header with options
NFT_TABLE = "tcplife"

# Kernel defaults of a fresh network namespace, written explicitly into both
# namespaces before every scenario so that nothing depends on what the host
# or a previous run left behind.  Scenarios override single keys.
BASE_SYSCTLS = {
    "net.ipv4.tcp_timestamps": "1",
    "net.ipv4.tcp_sack": "1",
    "net.ipv4.tcp_window_scaling": "1",
    "net.ipv4.tcp_ecn": "2",            # answer ECN, never ask for it
    "net.ipv4.tcp_syn_retries": "6",
    "net.ipv4.tcp_synack_retries": "5",
    "net.ipv4.tcp_tw_reuse": "2",       # loopback only
    "net.ipv4.tcp_fin_timeout": "60",
    "net.ipv4.tcp_syncookies": "1",
    # Linux >= 6.7: the first N SYN retransmissions use a 1 s timeout
    # instead of doubling; skipped where the kernel does not have it.
    "net.ipv4.tcp_syn_linear_timeouts": "4",
}
OPTIONAL_SYSCTLS = {"net.ipv4.tcp_syn_linear_timeouts"}

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def log(*args):
    print("  [scenario]", *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Namespace helpers
# ---------------------------------------------------------------------------

def enter_ns(ns):
    """Move the calling thread into network namespace `ns`."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def ns_run(ns, *cmd, stdin_text=None, check=True):
    res = subprocess.run(["ip", "netns", "exec", ns, *cmd],
                         input=stdin_text, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and res.returncode != 0:
        raise RuntimeError("%s: %s failed: %s" % (ns, " ".join(cmd),
                                                  res.stderr.strip()))
    return res.stdout


def set_sysctls(ns, values):
    for key, val in values.items():
        if key in OPTIONAL_SYSCTLS and not os.path.exists(
                "/proc/sys/" + key.replace(".", "/")):
            log("kernel has no %s, not set" % key)
            continue
        ns_run(ns, "sysctl", "-q", "-w", "%s=%s" % (key, val))


def nft(ns, script):
    ns_run(ns, "nft", "-f", "-", stdin_text=script)


def nft_input_rules(ns, *rules):
    """(Re)create table inet tcplife with an input chain holding `rules`."""
    body = "".join("        %s\n" % r for r in rules)
    nft(ns, "table inet %s {}\ndelete table inet %s\n"
            "table inet %s {\n    chain input {\n"
            "        type filter hook input priority 0; policy accept;\n"
            "%s    }\n}\n" % (NFT_TABLE, NFT_TABLE, NFT_TABLE, body))


def nft_clear(ns):
    nft(ns, "table inet %s {}\ndelete table inet %s\n" % (NFT_TABLE, NFT_TABLE))


def tcp_states(ns):
    """Non-listening TCP sockets in `ns` as printed by `ss -tano`."""
    out = ns_run(ns, "ss", "-tanoH")
    return [" ".join(l.split()) for l in out.splitlines()
            if l.strip() and not l.startswith("LISTEN")]


def ss_log(ns, label, port, opts="-tanoi"):
    """Log the `ss` lines of namespace `ns` that involve `port` (one line
    per socket; with -i the indented info line is joined to it). The
    snapshot also goes into the scenario's kernel record (see kernel_note)."""
    hits = ss_hits(ns, port, opts)
    log("%s: ss %s in %s:" % (label, opts, ns)
        + "".join("\n      " + l for l in hits or ["(none)"]))
    kernel_note("%s: `ss %s` in the %s namespace:" % (
        label, opts, "client" if ns == NS_CLIENT else "server"),
        hits or ["(no socket for port %d)" % port])
    return hits


def ss_hits(ns, port, opts="-tanoi"):
    out = ns_run(ns, "ss", "-H", *opts.split())
    lines = []
    for l in out.splitlines():
        if not l.strip():
            continue
        if l[0] in " \t" and lines:
            lines[-1] += " |" + " ".join(l.split())
        else:
            lines.append(" ".join(l.split()))
    pat = ":%d " % port
    return [l for l in lines if pat in l + " "]


# What the kernel itself said during the current scenario: ss snapshots and
# notes, with the time since the scenario started. run() adds the nstat
# counter deltas of both namespaces and writes OUTDIR/kernel/NAME.txt.
KERNEL_NOTES = []
KERNEL_T0 = [None]


def kernel_note(text, lines=()):
    t0 = KERNEL_T0[0]
    stamp = "t=%5.2f s  " % (time.monotonic() - t0) if t0 is not None else ""
    KERNEL_NOTES.append(stamp + text)
    KERNEL_NOTES.extend("    " + l for l in lines)


def nstat_all(ns):
    """Absolute values of every nstat counter in `ns` (history untouched)."""
    out = ns_run(ns, "nstat", "-asz")
    vals = {}
    for l in out.splitlines():
        f = l.split()
        if len(f) >= 2 and not l.startswith("#") and f[1].isdigit():
            vals[f[0]] = int(f[1])
    return vals


def nstat(ns, *counters):
    """Absolute values of the named nstat counters in `ns` (0 if absent)."""
    out = ns_run(ns, "nstat", "-az", *counters)
    vals = {c: 0 for c in counters}
    for l in out.splitlines():
        f = l.split()
        if len(f) >= 2 and f[0] in vals:
            vals[f[0]] = int(f[1])
    return vals


# ---------------------------------------------------------------------------
# Offloads (ethtool ioctl, so no ethtool binary is needed)
# ---------------------------------------------------------------------------

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17
ETHTOOL_SSG = 0x19
ETHTOOL_STSO = 0x1f
ETHTOOL_SGSO = 0x24


def offloads_off(ifname):
    """Turn off TSO, GSO, scatter-gather and TX checksum offload.

    On a veth the kernel would otherwise hand tcpdump 'super segments' far
    larger than the MSS and TCP checksums that are only filled in later.
    Switching the offloads off makes the capture look like a real wire.
    """
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for cmd in (ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SSG, ETHTOOL_STXCSUM):
            buf = array.array("B", struct.pack("II", cmd, 0))
            addr, _ = buf.buffer_info()
            ifr = struct.pack("16sP", ifname.encode(), addr)
            fcntl.ioctl(sk.fileno(), SIOCETHTOOL, ifr)
    finally:
        sk.close()


# ---------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------

class Capture:
    def __init__(self, path, bpf="tcp", snaplen=SNAPLEN):
        self.path = path
        self.bpf = bpf
        self.snaplen = snaplen
        self.proc = None
        self.errlog = path + ".tcpdump-log"

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.err = open(self.errlog, "w+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", NS_CLIENT, "tcpdump", "-i", IF_CLIENT,
             "-n", "-s", str(self.snaplen), "--immediate-mode", "-U", "-Z", "root",
             "-w", self.path, self.bpf],
            stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.err.seek(0)
            if "listening on" in self.err.read():
                time.sleep(0.1)     # let the packet socket settle
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.err.seek(0)
        raise RuntimeError("tcpdump did not start: " + self.err.read())

    def stop(self):
        if self.proc is None:
            return
        time.sleep(0.3)
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.seek(0)
        tail = self.err.read().strip().splitlines()
        self.err.close()
        os.unlink(self.errlog)
        self.proc = None
        log("tcpdump:", "; ".join(tail[-3:]))
        os.chmod(self.path, 0o644)


# ---------------------------------------------------------------------------
# Socket helpers
# ---------------------------------------------------------------------------

def sock_in(ns, family=socket.AF_INET):
    enter_ns(ns)
    return socket.socket(family, socket.SOCK_STREAM)


def listener(port, family=socket.AF_INET):
    s = sock_in(NS_SERVER, family)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((S6 if family == socket.AF_INET6 else S4, port))
    s.listen(8)
    return s


def connect(port, family=socket.AF_INET, bind_port=None, reuse=False):
    c = sock_in(NS_CLIENT, family)
    if reuse:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if bind_port is not None:
        c.bind((C6 if family == socket.AF_INET6 else C4, bind_port))
    c.connect((S6 if family == socket.AF_INET6 else S4, port))
    return c


def pair(port, family=socket.AF_INET):
    """Listener, connected client socket and accepted server socket."""
    ls = listener(port, family)
    c = connect(port, family)
    s, _ = ls.accept()
    return ls, c, s


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise RuntimeError("EOF after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def expect_eof(s):
    data = s.recv(65536)
    if data != b"":
        raise RuntimeError("expected EOF, got %d bytes" % len(data))


def expect_error(fn, err):
    try:
        fn()
    except OSError as e:
        if e.errno != err:
            raise
        log("got expected", errno.errorcode[err])
        return
    raise RuntimeError("expected %s" % errno.errorcode[err])


def pause(factor=1.0):
    time.sleep(STEP * factor)


REQ = b"GET /tcplife\n"                     # 13 bytes
RESP = b"200 OK tcplife says hi\n"          # 23 bytes
BULK = bytes(range(256)) * 16               # 4096 bytes -> 3 segments


def request_response(c, s):
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    pause()
    s.sendall(RESP)
    assert recv_exact(c, len(RESP)) == RESP
    pause()


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

SCENARIOS = {}


def scenario(name, port, expect, client_sysctls=None, server_sysctls=None,
             manual_capture=False, bpf="tcp", snaplen=SNAPLEN,
             post_check=None):
    """Register a scenario. `expect` is its flag sequence (see summarize());
    `bpf` the tcpdump filter, `snaplen` the bytes kept per packet and
    `post_check(path)` an extra check of the written file (raises on error)."""
    def deco(fn):
        SCENARIOS[name] = dict(fn=fn, port=port, expect=expect,
                               client_sysctls=client_sysctls or {},
                               server_sysctls=server_sysctls or {},
                               manual_capture=manual_capture,
                               bpf=bpf, snaplen=snaplen,
                               post_check=post_check,
                               doc=(fn.__doc__ or "").strip())
        return fn
    return deco


HS = "C>S [S] · S>C [S.] · C>S [.]"
REQRESP = "C>S [P.] 13 · S>C [.] · S>C [P.] 23 · C>S [.]"


def sequence_close_client_first(port, family):
    ls, c, s = pair(port, family)
    pause()
    request_response(c, s)
    c.close()                      # client: FIN_WAIT_1
    expect_eof(s)
    pause()                        # server's delayed ACK of the FIN leaves
    s.close()                      # server: LAST_ACK
    pause()
    ls.close()


@scenario("close-client-first", 7001,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")
def sc_close_client_first(cap):
    """Request/response, the client closes first; the server reads EOF and
    closes 200 ms later, so the kernel's delayed ACK of the client's FIN goes
    out on its own: a four-way teardown. The client ends in TIME_WAIT."""
    sequence_close_client_first(7001, socket.AF_INET)


@scenario("close-server-first", 7002,
          HS + " · " + REQRESP + " · S>C [F.] · C>S [F.] · S>C [.]")
def sc_close_server_first(cap):
    """The server closes right after its response; the client reads the
    response and EOF and closes at once, inside the delayed-ACK time, so its
    FIN carries the ACK of the server's FIN: a three-way teardown. The server
    ends in TIME_WAIT."""
    ls, c, s = pair(7002)
    pause()
    request_response(c, s)
    s.close()
    expect_eof(c)
    c.close()
    pause()
    ls.close()


TBF = ["tc", "qdisc", "replace", "dev"]


@scenario("close-simultaneous", 7003,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [F.] · C>S [.] · S>C [.]")
def sc_close_simultaneous(cap):
    """Both sides close() while the other's FIN is still in flight. A slow
    token bucket (tc tbf, 16 kbit/s) on both veth ends holds each FIN for a
    few tens of milliseconds; both close() calls happen before either FIN
    is delivered. The server's FIN therefore acknowledges only the client's
    data, not its FIN; both sides pass FIN_WAIT_1 -> CLOSING -> TIME_WAIT."""
    ls, c, s = pair(7003)
    pause()
    request_response(c, s)
    # UDP sockets used only to empty the token buckets (not captured).
    enter_ns(NS_CLIENT)
    uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    uc.bind((C4, 9))
    enter_ns(NS_SERVER)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.bind((S4, 9))
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, *TBF, dev, "root", "tbf", "rate", "16kbit",
               "burst", "1000", "limit", "20000")
    # 1000-byte frame (958 bytes UDP payload) empties a bucket of 1000 bytes.
    uc.sendto(b"x" * 958, (S4, 9))
    us.sendto(b"x" * 958, (C4, 9))
    us.sendto(b"x" * 100, (C4, 9))  # keeps the server's FIN ~70 ms longer
    c.close()   # client FIN leaves after ~33 ms
    s.close()   # server FIN leaves after ~105 ms, acking only the data
    time.sleep(0.5)
    cs, ss_ = tcp_states(NS_CLIENT), tcp_states(NS_SERVER)
    log("client ss:", cs)
    log("server ss:", ss_)
    if not (any(l.startswith("TIME-WAIT") for l in cs)
            and any(l.startswith("TIME-WAIT") for l in ss_)):
        raise RuntimeError("both sides should be in TIME-WAIT")
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, "tc", "qdisc", "del", "dev", dev, "root")
    uc.close()
    us.close()
    ls.close()


@scenario("half-close", 7004,
          HS + " · C>S [P.] 13 · S>C [.] · C>S [F.] · S>C [.] · "
          "S>C [.] 1448 · C>S [.] · S>C [.] 1448 · C>S [.] · "
          "S>C [P.] 1200 · C>S [.] · S>C [F.] · C>S [.]")
def sc_half_close(cap):
    """The client sends its request and shutdown(SHUT_WR)s; the server reads
    request and EOF, then sends 4096 bytes (three segments) into the
    half-closed connection, which the client still reads, and closes."""
    ls, c, s = pair(7004)
    pause()
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    pause()
    c.shutdown(socket.SHUT_WR)
    expect_eof(s)
    pause()
    s.sendall(BULK)
    assert recv_exact(c, len(BULK)) == BULK
    pause()
    s.close()
    expect_eof(c)
    pause()
    c.close()
    ls.close()


@scenario("refused", 7005, "C>S [S] · S>C [R.]")
def sc_refused(cap):
    """connect() to a port with no listener: the server's kernel answers the
    SYN with RST,ACK and connect() fails with ECONNREFUSED."""
    c = sock_in(NS_CLIENT)
    expect_error(lambda: c.connect((S4, 7005)), errno.ECONNREFUSED)
    c.close()


@scenario("rst-unread-data", 7006,
          HS + " · C>S [P.] 13 · S>C [.] · S>C [R.]")
def sc_rst_unread(cap):
    """The server reads only 4 of the 13 request bytes and close()s. Data
    left unread in the receive queue makes Linux abort the connection with
    RST (RFC 2525) instead of sending FIN; the client's recv() then fails
    with ECONNRESET."""
    ls, c, s = pair(7006)
    pause()
    c.sendall(REQ)
    pause()
    assert s.recv(4) == REQ[:4]
    s.close()
    pause()
    expect_error(lambda: c.recv(100), errno.ECONNRESET)
    c.close()
    ls.close()


@scenario("abort-linger0", 7007, HS + " · " + REQRESP + " · C>S [R.]")
def sc_abort_linger0(cap):
    """After a complete request/response the client sets SO_LINGER {1, 0}
    and close()s: an abortive close, a single RST,ACK and no TIME_WAIT. The
    server's next recv() fails with ECONNRESET."""
    ls, c, s = pair(7007)
    pause()
    request_response(c, s)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    pause()
    expect_error(lambda: s.recv(100), errno.ECONNRESET)
    s.close()
    ls.close()


def syn_timeout(port):
    nft_input_rules(NS_SERVER,
                    "tcp dport %d tcp flags & (syn | ack) == syn drop" % port)
    ls = listener(port)
    c = sock_in(NS_CLIENT)
    t0 = time.monotonic()
    expect_error(lambda: c.connect((S4, port)), errno.ETIMEDOUT)
    log("connect() gave up after %.1f s" % (time.monotonic() - t0))
    c.close()
    ls.close()
    nft_clear(NS_SERVER)


@scenario("syn-retries-dropped", 7008,
          "C>S [S] · C>S [S] · C>S [S] · C>S [S]",
          client_sysctls={"net.ipv4.tcp_syn_retries": "3",
                          "net.ipv4.tcp_syn_linear_timeouts": "0"})
def sc_syn_retries(cap):
    """nft in the server namespace drops every SYN to port 7008 (the capture
    point is before the drop). With net.ipv4.tcp_syn_retries=3 and
    net.ipv4.tcp_syn_linear_timeouts=0 the client sends the SYN and 3
    retransmissions at about 0, 1, 3 and 7 s (classic doubling from a 1 s
    initial RTO) and connect() fails with ETIMEDOUT at about 15 s."""
    syn_timeout(7008)


@scenario("syn-retries-linear", 7020,
          " · ".join(["C>S [S]"] * 8),
          client_sysctls={"net.ipv4.tcp_syn_retries": "3"})
def sc_syn_retries_linear(cap):
    """Like syn-retries-dropped, but with the kernel default
    net.ipv4.tcp_syn_linear_timeouts=4 (Linux >= 6.7): the allowed number of
    retransmissions becomes 3 + 4 = 7 and the first ones are spaced 1 s
    apart before doubling starts: SYNs at about 0, 1, 2, 3, 4, 5, 7 and 11 s,
    ETIMEDOUT at about 19 s."""
    syn_timeout(7020)


@scenario("synack-retries", 7009,
          "C>S [S] · S>C [S.] · C>S [.] · S>C [S.] · C>S [.] · S>C [S.] · "
          "C>S [.] · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")
def sc_synack_retries(cap):
    """nft in the server namespace drops pure ACKs to port 7009 for 2 s: the
    client is ESTABLISHED at once, the server stays in SYN_RECV and
    retransmits its SYN-ACK at about 1 s and 3 s; the client answers each
    with an ACK. The rule is removed at 2 s, so the ACK after the 3 s
    SYN-ACK completes the handshake. The client sends nothing until the
    server's accept() returns; then a normal exchange and close."""
    nft_input_rules(NS_SERVER, "tcp dport 7009 tcp flags == ack drop")
    ls = listener(7009)
    c = connect(7009)
    time.sleep(2.0)
    nft_clear(NS_SERVER)
    ls.settimeout(10)
    t0 = time.monotonic()
    s, _ = ls.accept()
    s.settimeout(None)
    log("accept() returned %.1f s after the rule was removed"
        % (time.monotonic() - t0))
    pause()
    request_response(c, s)
    c.close()
    expect_eof(s)
    pause()
    s.close()
    pause()
    ls.close()


@scenario("ipv6-close", 7010,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")
def sc_ipv6_close(cap):
    """Same exchange as close-client-first, over IPv6 (fd77::1 -> fd77::2)."""
    sequence_close_client_first(7010, socket.AF_INET6)


@scenario("midstream", 7011,
          "C>S [P.] 13 · S>C [.] · S>C [P.] 23 · C>S [.] · "
          "C>S [P.] 13 · S>C [.] · S>C [P.] 23 · C>S [.] · "
          "C>S [F.] · S>C [.] · S>C [F.] · C>S [.]",
          manual_capture=True)
def sc_midstream(cap):
    """The connection is opened and used once before tcpdump starts, so the
    capture begins in the middle of an established connection (no SYNs):
    two more request/response rounds, then the client closes first."""
    ls, c, s = pair(7011)
    pause()
    request_response(c, s)
    cap.start()
    pause()
    request_response(c, s)
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    s.sendall(RESP)
    assert recv_exact(c, len(RESP)) == RESP
    pause()
    c.close()
    expect_eof(s)
    pause()
    s.close()
    pause()
    ls.close()


# ---------------------------------------------------------------------------
# Optional scenarios
# ---------------------------------------------------------------------------

@scenario("half-close-server", 7012,
          HS + " · " + REQRESP + " · S>C [F.] · C>S [.] · "
          "C>S [.] 1448 · C>S [.] 1448 · C>S [P.] 1200 · "
          "S>C [.] · S>C [.] · S>C [.] · C>S [F.] · S>C [.]")
def sc_half_close_server(cap):
    """The server answers and shutdown(SHUT_WR)s first; the client reads EOF
    but keeps sending 4096 bytes (three segments) into the half-closed
    connection, which the server reads; then the client closes. The server,
    which closed first, ends in TIME_WAIT."""
    ls, c, s = pair(7012)
    pause()
    request_response(c, s)
    s.shutdown(socket.SHUT_WR)
    expect_eof(c)
    pause()
    c.sendall(BULK)
    assert recv_exact(s, len(BULK)) == BULK
    pause()
    c.close()
    expect_eof(s)
    pause()
    s.close()
    ls.close()


@scenario("rst-unread-data-client", 7013,
          HS + " · C>S [P.] 13 · S>C [.] · S>C [P.] 23 · C>S [.] · C>S [R.]")
def sc_rst_unread_client(cap):
    """The client sends a request but close()s without reading the server's
    23-byte response: unread data makes the client's kernel send RST,ACK
    instead of FIN."""
    ls, c, s = pair(7013)
    pause()
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    pause()
    s.sendall(RESP)
    pause()
    c.close()
    pause()
    expect_error(lambda: s.recv(100), errno.ECONNRESET)
    s.close()
    ls.close()


@scenario("data-after-close", 7014,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [P.] 23 · C>S [R]")
def sc_data_after_close(cap):
    """The client close()s fully (FIN); the server has not finished and sends
    another 23 bytes. The client socket is orphaned in FIN_WAIT_2 and can no
    longer deliver data, so its kernel answers with a bare RST (no ACK flag,
    seq = the data segment's ack) and the connection is gone on both sides."""
    ls, c, s = pair(7014)
    pause()
    request_response(c, s)
    c.close()
    expect_eof(s)
    pause()
    s.sendall(RESP)
    pause()
    # The server had already seen the FIN (CLOSE_WAIT); a reset in that
    # state is reported as EPIPE, not ECONNRESET.
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    log("server SO_ERROR after the RST:", errno.errorcode.get(err, err))
    if err != errno.EPIPE:
        raise RuntimeError("expected EPIPE on the server socket")
    s.close()
    ls.close()


@scenario("fin-retransmit", 7015,
          HS + " · " + REQRESP + " · C>S [F.] · C>S [F.] · S>C [.] · "
          "S>C [F.] · C>S [.]")
def sc_fin_retransmit(cap):
    """The client's first FIN is dropped by nft in the server namespace's
    input hook (so it is on the capture but never reaches the server). The
    rule is removed 100 ms later; the client's retransmission timer sends the
    FIN again about 200 ms after the first one and this time the server ACKs
    it; the server then closes normally."""
    ls, c, s = pair(7015)
    pause()
    request_response(c, s)
    nft_input_rules(NS_SERVER, "tcp dport 7015 tcp flags & fin == fin drop")
    c.close()
    time.sleep(0.1)
    nft_clear(NS_SERVER)
    s.settimeout(5)
    expect_eof(s)
    pause()
    s.close()
    pause()
    ls.close()


@scenario("timewait-reuse-client", 7016,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.] · "
          + HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")
def sc_timewait_reuse(cap):
    """The client binds source port 40016 with SO_REUSEADDR, talks, closes
    first and so holds the 4-tuple in TIME_WAIT. Right away a new socket
    with SO_REUSEADDR binds the same port and connects to the same server
    port. Linux accepts this at once (tcp_tw_reuse left at its default 2):
    for a connect() on an explicitly bound port the kernel takes over the
    TIME_WAIT entry whenever timestamps were in use, and starts the new
    connection's ISN 65537 above the old one's last sequence number."""
    ls = listener(7016)
    for round_ in (1, 2):
        c = connect(7016, bind_port=40016, reuse=True)
        s, _ = ls.accept()
        pause()
        request_response(c, s)
        c.close()
        expect_eof(s)
        pause()
        s.close()
        pause()
        if round_ == 1:
            log("client ss after round 1:", tcp_states(NS_CLIENT))
    ls.close()


@scenario("synack-timeout", 7017,
          "C>S [S] · S>C [S.] · C>S [.] · S>C [S.] · C>S [.] · S>C [S.] · "
          "C>S [.] · C>S [P.] 13 · S>C [R]",
          server_sysctls={"net.ipv4.tcp_synack_retries": "2"})
def sc_synack_timeout(cap):
    """Every pure ACK to port 7017 is dropped in the server namespace, so the
    handshake never completes on the server. With
    net.ipv4.tcp_synack_retries=2 the server sends its SYN-ACK at about 0, 1
    and 3 s and silently forgets the connection at about 7 s. The client has
    been ESTABLISHED all along (half-open); when it finally sends a request
    at 8 s, the server has no such connection and answers with RST."""
    nft_input_rules(NS_SERVER, "tcp dport 7017 tcp flags == ack drop")
    ls = listener(7017)
    c = connect(7017)
    time.sleep(8.0)
    c.sendall(REQ)
    pause()
    expect_error(lambda: c.recv(100), errno.ECONNRESET)
    c.close()
    ls.close()
    nft_clear(NS_SERVER)


ECN_ON = {"net.ipv4.tcp_ecn": "1"}


@scenario("ecn", 7018,
          "C>S [SEW] · S>C [S.E] · C>S [.] · " + REQRESP +
          " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]",
          client_sysctls=ECN_ON, server_sysctls=ECN_ON)
def sc_ecn(cap):
    """net.ipv4.tcp_ecn=1 on both sides: the SYN carries ECE+CWR, the SYN-ACK
    ECE, and the data segments are sent ECT(0) in the IP header. Otherwise
    the same exchange as close-client-first."""
    sequence_close_client_first(7018, socket.AF_INET)


NO_OPTS = {"net.ipv4.tcp_timestamps": "0", "net.ipv4.tcp_sack": "0",
           "net.ipv4.tcp_window_scaling": "0"}


@scenario("no-options", 7019,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]",
          client_sysctls=NO_OPTS, server_sysctls=NO_OPTS)
def sc_no_options(cap):
    """Timestamps, SACK and window scaling switched off on both sides: the
    SYN and SYN-ACK carry only the MSS option and no segment has options.
    Otherwise the same exchange as close-client-first."""
    sequence_close_client_first(7019, socket.AF_INET)


# ---------------------------------------------------------------------------
# Second batch (ports 7021-7030)
# ---------------------------------------------------------------------------

LINGER0 = struct.pack("ii", 1, 0)


@scenario("abort-linger0-server", 7021,
          HS + " · C>S [P.] 13 · S>C [.] · S>C [P.] 23 · S>C [R.]")
def sc_abort_linger0_server(cap):
    """The server reads the request, sends its 23-byte response and at once
    close()s with SO_LINGER {1, 0}: RST,ACK right behind the response, before
    the client has acknowledged it (the client has TCP_QUICKACK off, so its
    ACK would be delayed). The RST sender had read everything it received;
    its last payload came after all of it."""
    ls, c, s = pair(7021)
    pause()
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    pause()
    # Without this the client's kernel, still in quickack mode this early in
    # the connection, ACKs the response synchronously (veth) before the RST
    # is even built; in delayed-ACK mode its ACK would leave ~40 ms later.
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    s.sendall(RESP)
    s.close()
    ss_log(NS_CLIENT, "client after the RST", 7021, "-tanoi state all")
    ss_log(NS_SERVER, "server after the RST", 7021, "-tanoi state all")
    pause()
    data = c.recv(100)
    log("client recv() after the RST returned %d bytes" % len(data))
    expect_error(lambda: c.recv(100), errno.ECONNRESET)
    c.close()
    ls.close()


def syn_isns(path):
    """(client SYN seq, server SYN-ACK seq) of every handshake in a file."""
    syns = [r for r in read_records(path)
            if r["kind"] == "tcp" and r["flags"] & 0x02]
    out = []
    for r in syns:
        if r["flags"] & 0x10:
            out[-1] = (out[-1][0], r["seq"])
        else:
            out.append((r["seq"], None))
    return out


def last_seq(path, stream_port_client, from_client, before_index):
    """Highest sequence number (seq + len + SYN/FIN) sent by one side of the
    connection with client port `stream_port_client`, looking only at the
    first `before_index` packets."""
    best = None
    for i, r in enumerate(read_records(path)):
        if i >= before_index or r["kind"] != "tcp":
            break
        cport = r["sport"] if r["src"] in (C4, C6) else r["dport"]
        if cport != stream_port_client or (r["src"] in (C4, C6)) != from_client:
            continue
        end = (r["seq"] + r["plen"] + (1 if r["flags"] & 0x03 else 0)) % 2**32
        best = end
    return best


def check_tw_reuse(path):
    """Log how the second connection's ISNs relate to the first's."""
    recs = [r for r in read_records(path) if r["kind"] == "tcp"]
    second = [i for i, r in enumerate(recs)
              if r["flags"] & 0x12 == 0x02][1]
    cport = recs[second]["sport"]
    (c1, s1), (c2, s2) = syn_isns(path)[:2]
    c_end = last_seq(path, cport, True, second)
    s_end = last_seq(path, cport, False, second)
    log("client ISN %d -> %d (old connection's last client seq %d, "
        "new ISN is %+d from it)" % (c1, c2, c_end, (c2 - c_end) % 2**32
                                     if (c2 - c_end) % 2**32 < 2**31
                                     else (c2 - c_end) % 2**32 - 2**32))
    log("server ISN %d -> %d (old connection's last server seq %d, "
        "new ISN is %+d from it)" % (s1, s2, s_end, (s2 - s_end) % 2**32
                                     if (s2 - s_end) % 2**32 < 2**31
                                     else (s2 - s_end) % 2**32 - 2**32))
    return (c2 - c_end) % 2**32, (s2 - s_end) % 2**32


def check_tw_expired(path):
    dc, _ds = check_tw_reuse(path)
    if dc == 65537:
        raise RuntimeError("second client ISN is old snd_nxt + 65537: the "
                           "TIME_WAIT entry was taken over, not expired")


@scenario("timewait-reuse-server", 7022,
          (HS + " · " + REQRESP + " · S>C [F.] · C>S [F.] · S>C [.] · ") * 1
          + HS + " · " + REQRESP + " · S>C [F.] · C>S [F.] · S>C [.]",
          post_check=check_tw_reuse)
def sc_timewait_reuse_server(cap):
    """The server closes first (three-way teardown as in close-server-first),
    so the server holds 10.77.0.2:7022 <-> 10.77.0.1:40022 in TIME_WAIT. 200
    ms later the client binds port 40022 again (SO_REUSEADDR) and connects to
    the same server port: the SYN arrives at the server's TIME_WAIT socket,
    which accepts it as a new connection (tcp_timewait_state_process:
    the SYN's sequence number is above the old rcv_nxt and its timestamp is
    newer). Same exchange again; the server again ends in TIME_WAIT."""
    ls = listener(7022)
    for round_ in (1, 2):
        c = connect(7022, bind_port=40022, reuse=True)
        s, _ = ls.accept()
        pause()
        request_response(c, s)
        s.close()
        expect_eof(c)
        c.close()
        pause()
        ss_log(NS_SERVER, "server after round %d" % round_, 7022)
        ss_log(NS_CLIENT, "client after round %d" % round_, 7022)
    ls.close()


CLOSE_CLIENT_FIRST = (HS + " · " + REQRESP +
                      " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")


@scenario("timewait-reuse-expired", 7023,
          CLOSE_CLIENT_FIRST + " · " + CLOSE_CLIENT_FIRST,
          post_check=check_tw_expired)
def sc_timewait_reuse_expired(cap):
    """Like timewait-reuse-client (the client binds port 40023 with
    SO_REUSEADDR, closes first and holds TIME_WAIT), but the second
    connection from the same port is made only after the TIME_WAIT entry has
    expired (TCP_TIMEWAIT_LEN is 60 s, but the timer fires late: the entry
    was seen to disappear 61-62 s after the close). The driver polls `ss`
    until the entry is gone and reconnects 200 ms later, so nothing is left
    of the old connection on either side; the post-check makes sure the new
    client ISN is not the TIME_WAIT takeover value (old snd_nxt + 65537)."""
    ls = listener(7023)
    for round_ in (1, 2):
        c = connect(7023, bind_port=40023, reuse=True)
        s, _ = ls.accept()
        pause()
        request_response(c, s)
        c.close()
        t_close = time.monotonic()
        expect_eof(s)
        pause()
        s.close()
        pause()
        ss_log(NS_CLIENT, "client after round %d" % round_, 7023)
        if round_ == 2:
            break
        time.sleep(58.0 - (time.monotonic() - t_close))
        ss_log(NS_CLIENT, "client 58 s after its close", 7023)
        while ss_hits(NS_CLIENT, 7023):
            if time.monotonic() - t_close > 70.0:
                raise RuntimeError("TIME_WAIT still there 70 s after close")
            time.sleep(0.1)
        log("TIME_WAIT entry gone %.1f s after the client's close()"
            % (time.monotonic() - t_close))
        pause()
        ss_log(NS_CLIENT, "client before the reconnect", 7023)
    ls.close()


def wait_ipv6_ready(timeout=5.0):
    """Send UDP datagrams fd77::1 -> fd77::2 until one arrives.

    Right after the veth comes up the server namespace does not yet answer
    neighbour solicitations for fd77::2 (its addrconf work, which joins the
    solicited-node multicast group, runs with the link-local DAD about a
    second later), so the first IPv6 packet can wait a second for the
    neighbour entry. Doing this first keeps that delay out of the capture."""
    enter_ns(NS_SERVER)
    us = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    us.bind((S6, 9))
    us.settimeout(0.1)
    enter_ns(NS_CLIENT)
    uc = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < timeout:
            uc.sendto(b"x", (S6, 9))
            try:
                us.recv(10)
                log("IPv6 path ready after %.2f s" % (time.monotonic() - t0))
                return
            except socket.timeout:
                pass
        raise RuntimeError("IPv6 path not ready after %.0f s" % timeout)
    finally:
        uc.close()
        us.close()


ICMP_REJECTS = (
    (socket.AF_INET, "meta nfproto ipv4 tcp dport 7024 "
     "reject with icmp type port-unreachable", errno.ECONNREFUSED),
    (socket.AF_INET, "meta nfproto ipv4 tcp dport 7024 "
     "reject with icmp type host-unreachable", errno.EHOSTUNREACH),
    (socket.AF_INET6, "meta nfproto ipv6 tcp dport 7024 "
     "reject with icmpv6 type admin-prohibited", errno.EACCES),
)


def check_icmp_quotes(path):
    """Every ICMP error must quote the SYN it answers (ports and seq)."""
    last_syn = None
    n = 0
    for r in read_records(path):
        if r["kind"] == "tcp":
            last_syn = r
            continue
        q = r["quote"]
        if r["kind"] == "icmp":
            tcp = q[(q[0] & 0x0F) * 4:]
        else:
            tcp = q[40:]
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        if (sport, dport, seq) != (last_syn["sport"], last_syn["dport"],
                                   last_syn["seq"]):
            raise RuntimeError("ICMP quote %s does not match the SYN before it"
                               % ((sport, dport, seq),))
        log("%s type %d code %d quotes %d bytes: TCP %d > %d seq %d"
            % (r["kind"], r["type"], r["code"], len(q), sport, dport, seq))
        n += 1
    if n != 4:
        raise RuntimeError("expected 4 ICMP errors, found %d" % n)


@scenario("icmp-unreachable", 7024,
          "C>S [S] · S>C icmp 3/3 · C>S [S] · S>C icmp 3/1 · "
          "C>S [S] · S>C icmp6 1/1 · C>S [S] · S>C icmp6 1/1",
          bpf="tcp or icmp or (icmp6 and ip6[40] < 128)", snaplen=192,
          post_check=check_icmp_quotes)
def sc_icmp_unreachable(cap):
    """Three connect()s to port 7024, each SYN answered not by TCP but by an
    nft `reject` rule in the server namespace's input hook: ICMP port
    unreachable (type 3 code 3) and ICMP host unreachable (3/1) for IPv4,
    ICMPv6 administratively prohibited (type 1 code 1) for IPv6. A listener
    exists on 7024 (v4 and v6) but never sees the SYNs. The capture filter
    keeps ICMP/ICMPv6 errors (types < 128, so no neighbour discovery) and the
    snap length is 192 so that the quoted IPv6 + TCP headers fit."""
    wait_ipv6_ready()
    ls4 = listener(7024)
    ls6 = listener(7024, socket.AF_INET6)
    for family, rule, err in ICMP_REJECTS:
        nft_input_rules(NS_SERVER, rule)
        c = sock_in(NS_CLIENT, family)
        c.settimeout(10)
        dst = (S6 if family == socket.AF_INET6 else S4, 7024)
        before = nstat(NS_CLIENT, "TcpExtLockDroppedIcmps")
        t0 = time.monotonic()
        expect_error(lambda: c.connect(dst), err)
        took = time.monotonic() - t0
        log("connect() failed after %.3f s; TcpExtLockDroppedIcmps %+d" % (
            took,
            nstat(NS_CLIENT, "TcpExtLockDroppedIcmps")["TcpExtLockDroppedIcmps"]
            - before["TcpExtLockDroppedIcmps"]))
        c.close()
        pause()
    nft_clear(NS_SERVER)
    ls4.close()
    ls6.close()


def udp_pair():
    """UDP sockets on port 9 in both namespaces (used to fill token buckets
    and to resolve ARP; not captured)."""
    enter_ns(NS_CLIENT)
    uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    uc.bind((C4, 9))
    enter_ns(NS_SERVER)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.bind((S4, 9))
    return uc, us


def check_simultaneous_open(path):
    """Both SYNs must be on the wire before either SYN-ACK, and each SYN-ACK
    must repeat its sender's SYN sequence number and ack the other SYN."""
    recs = [r for r in read_records(path) if r["kind"] == "tcp"][:4]
    syns = [r for r in recs if r["flags"] & 0x12 == 0x02]
    synacks = [r for r in recs if r["flags"] & 0x12 == 0x12]
    if [r["flags"] & 0x12 for r in recs] != [0x02, 0x02, 0x12, 0x12]:
        raise RuntimeError("expected SYN, SYN, SYN-ACK, SYN-ACK")
    for sa in synacks:
        own = [r for r in syns if r["src"] == sa["src"]][0]
        other = [r for r in syns if r["src"] != sa["src"]][0]
        if sa["seq"] != own["seq"] or sa["ack"] != (other["seq"] + 1) % 2**32:
            raise RuntimeError("SYN-ACK from %s has seq %d ack %d"
                               % (sa["src"], sa["seq"], sa["ack"]))
    log("SYNs crossed: each SYN-ACK repeats its own SYN's seq and acks the "
        "other SYN")


@scenario("simultaneous-open", 7025,
          "C>S [S] · S>C [S] · C>S [S.] · S>C [S.] · C>S [.] · S>C [.] · "
          + REQRESP +
          " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]",
          client_sysctls={"net.ipv6.conf.all.disable_ipv6": "1"},
          server_sysctls={"net.ipv6.conf.all.disable_ipv6": "1"},
          post_check=check_simultaneous_open)
def sc_simultaneous_open(cap):
    """Simultaneous open (RFC 9293 figure 7): a socket bound to
    10.77.0.1:40025 and one bound to 10.77.0.2:7025 connect() to each other
    (non-blocking, back to back); neither listens. A tc tbf qdisc at 8 kbit/s
    on both veth ends, its bucket emptied by an uncaptured UDP datagram,
    holds each SYN until both connect() calls have been made: the client's
    SYN leaves after ~75 ms, the server's (behind 142 more bytes) after
    ~215 ms. Each side receives a SYN in SYN_SENT, moves to SYN_RECV and
    answers with a SYN-ACK repeating its own ISN. The peer's SYN-ACK then
    moves each side to ESTABLISHED; Linux treats its SYN as a duplicate and
    answers it with a pure ACK carrying a D-SACK block (RFC 9293 figure 7
    shows no such ACKs). Then a request/response (10.77.0.1 sends the
    request) and a 10.77.0.1-first close. IPv6 is disabled in both
    namespaces for this scenario: the link-local DAD and MLD packets sent in
    the first seconds after the link comes up would otherwise take tokens
    from the buckets at random moments and reorder the SYN-ACKs."""
    uc, us = udp_pair()
    uc.sendto(b"arp", (S4, 9))          # resolve ARP both ways first
    assert us.recv(10) == b"arp"
    us.sendto(b"arp", (C4, 9))
    assert uc.recv(10) == b"arp"
    c = sock_in(NS_CLIENT)
    c.bind((C4, 40025))
    c.setblocking(False)
    s = sock_in(NS_SERVER)
    s.bind((S4, 7025))
    s.setblocking(False)
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, *TBF, dev, "root", "tbf", "rate", "8kbit",
               "burst", "1000", "limit", "20000")
    uc.sendto(b"x" * 958, (S4, 9))      # 1000-byte frames empty both buckets
    us.sendto(b"x" * 958, (C4, 9))
    us.sendto(b"x" * 100, (C4, 9))      # server's SYN leaves ~140 ms later
    t0 = time.monotonic()
    assert c.connect_ex((S4, 7025)) == errno.EINPROGRESS
    assert s.connect_ex((C4, 40025)) == errno.EINPROGRESS
    time.sleep(max(0, 0.14 - (time.monotonic() - t0)))
    ss_log(NS_CLIENT, "client %.0f ms" % (1000 * (time.monotonic() - t0)),
           7025, "-tano")
    ss_log(NS_SERVER, "server %.0f ms" % (1000 * (time.monotonic() - t0)),
           7025, "-tano")
    time.sleep(max(0, 0.25 - (time.monotonic() - t0)))
    ss_log(NS_CLIENT, "client %.0f ms" % (1000 * (time.monotonic() - t0)),
           7025, "-tano")
    ss_log(NS_SERVER, "server %.0f ms" % (1000 * (time.monotonic() - t0)),
           7025, "-tano")
    time.sleep(max(0, 0.6 - (time.monotonic() - t0)))
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, "tc", "qdisc", "del", "dev", dev, "root")
    for sk, who in ((c, "client"), (s, "server")):
        err = sk.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise RuntimeError("%s connect failed: %s" % (who, os.strerror(err)))
        sk.setblocking(True)
    ss_log(NS_CLIENT, "client after the handshake", 7025)
    ss_log(NS_SERVER, "server after the handshake", 7025)
    uc.close()
    us.close()
    pause()
    request_response(c, s)
    c.close()
    expect_eof(s)
    pause()
    s.close()
    pause()


TCPOPT_FASTOPEN = 34


def check_tfo(path):
    """First SYN: cookie request; first SYN-ACK: a cookie; second SYN: the
    same cookie and 13 bytes of data; second SYN-ACK acks SYN + data."""
    hs = [r for r in read_records(path)
          if r["kind"] == "tcp" and r["flags"] & 0x02]
    if len(hs) != 4:
        raise RuntimeError("expected 2 SYNs and 2 SYN-ACKs")
    syn1, synack1, syn2, synack2 = hs
    tfo = [dict(tcp_options(r["opts"])).get(TCPOPT_FASTOPEN) for r in hs]
    if tfo[0] != b"":
        raise RuntimeError("first SYN has no TFO cookie request: %r" % tfo[0])
    if not tfo[1]:
        raise RuntimeError("first SYN-ACK carries no TFO cookie")
    if tfo[2] != tfo[1] or syn2["plen"] != 13:
        raise RuntimeError("second SYN does not carry the cookie and 13 bytes")
    if synack2["ack"] != (syn2["seq"] + 1 + 13) % 2**32:
        raise RuntimeError("second SYN-ACK does not ack the SYN's data")
    log("TFO: cookie request, cookie %s (%d bytes), SYN with cookie + 13 "
        "bytes, SYN-ACK ack = ISN + 14; TFO option on 2nd SYN-ACK: %r"
        % (tfo[1].hex(), len(tfo[1]), tfo[3]))


@scenario("tfo", 7026,
          "C>S [S] · S>C [S.] · C>S [P.] 13 · S>C [.] · S>C [P.] 23 · "
          "C>S [.] · C>S [F.] · S>C [.] · S>C [F.] · C>S [.] · "
          "C>S [S] 13 · S>C [S.] · C>S [.] · S>C [P.] 23 · C>S [.] · "
          "C>S [F.] · S>C [.] · S>C [F.] · C>S [.]",
          client_sysctls={"net.ipv4.tcp_fastopen": "1"},
          server_sysctls={"net.ipv4.tcp_fastopen": "2"},
          post_check=check_tfo)
def sc_tfo(cap):
    """TCP Fast Open. net.ipv4.tcp_fastopen=1 (client) in tlc, =2 (server)
    in tls, and the listener has the TCP_FASTOPEN socket option (queue 5).
    Connection 1: the client sends its request with sendto(MSG_FASTOPEN) but
    has no cookie yet, so the SYN carries only a cookie request (empty TFO
    option); the SYN-ACK carries the cookie and the request goes out in the
    segment that completes the handshake (no separate pure ACK).
    Connection 2 (new client port): sendto(MSG_FASTOPEN) puts the cookie
    and the 13-byte request into the SYN; the server accepts the
    cookie, its SYN-ACK acknowledges SYN + 13 bytes, and accept() returns
    with the request already readable. Both connections close client-first."""
    ls = sock_in(NS_SERVER)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
    ls.bind((S4, 7026))
    ls.listen(8)
    for round_ in (1, 2):
        before = nstat(NS_SERVER, "TcpExtTCPFastOpenPassive",
                       "TcpExtTCPFastOpenCookieReqd")
        c = sock_in(NS_CLIENT)
        c.sendto(REQ, socket.MSG_FASTOPEN, (S4, 7026))
        s, _ = ls.accept()
        assert recv_exact(s, len(REQ)) == REQ
        after = nstat(NS_SERVER, "TcpExtTCPFastOpenPassive",
                      "TcpExtTCPFastOpenCookieReqd")
        log("round %d server nstat: %s" % (round_, ", ".join(
            "%s %+d" % (k, after[k] - before[k]) for k in sorted(after))))
        pause()
        s.sendall(RESP)
        assert recv_exact(c, len(RESP)) == RESP
        pause()
        c.close()
        expect_eof(s)
        pause()
        s.close()
        pause()
    ls.close()


@scenario("syn-retries-then-success", 7027,
          "C>S [S] · C>S [S] · " + CLOSE_CLIENT_FIRST)
def sc_syn_retries_then_success(cap):
    """nft in the server namespace drops every SYN to port 7027 for the
    first 1.5 s. The client (defaults: tcp_syn_retries=6,
    tcp_syn_linear_timeouts=4) sends its SYN at 0 s and retransmits it at
    1 s and 2 s; the first two are dropped (they are still on the capture),
    the third gets through and the handshake completes; then a normal
    request/response and a client-first close."""
    nft_input_rules(NS_SERVER,
                    "tcp dport 7027 tcp flags & (syn | ack) == syn drop")
    ls = listener(7027)
    c = sock_in(NS_CLIENT)
    c.setblocking(False)
    t0 = time.monotonic()
    assert c.connect_ex((S4, 7027)) == errno.EINPROGRESS
    time.sleep(0.5)
    ss_log(NS_CLIENT, "client at 0.5 s", 7027)
    time.sleep(1.0)
    nft_clear(NS_SERVER)
    _r, w, _x = select.select([], [c], [], 5)
    if not w or c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
        raise RuntimeError("connect did not complete")
    log("connect() completed after %.2f s" % (time.monotonic() - t0))
    c.setblocking(True)
    s, _ = ls.accept()
    ss_log(NS_CLIENT, "client after connect", 7027)
    pause()
    request_response(c, s)
    c.close()
    expect_eof(s)
    pause()
    s.close()
    pause()
    ls.close()


LISTEN_COUNTERS = ("TcpExtListenOverflows", "TcpExtListenDrops",
                   "TcpExtTCPReqQFullDrop", "TcpExtTCPReqQFullDoCookies")


def accept_queue_overflow(port, abort):
    """Shared body of the two accept-queue-overflow scenarios."""
    def counters(label):
        v = nstat(NS_SERVER, *LISTEN_COUNTERS)
        log("%s server nstat: %s" % (label, ", ".join(
            "%s %d" % (k[6:], v[k]) for k in LISTEN_COUNTERS)))
    # B's handshake ACK is dropped, so B stays a request socket (SYN_RECV)
    # on the server while A1 and A2 fill the accept queue.
    b_port = 40000 + port - 7000
    nft_input_rules(NS_SERVER, "tcp sport %d tcp dport %d tcp flags == ack "
                    "drop" % (b_port, port))
    ls = sock_in(NS_SERVER)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((S4, port))
    ls.listen(1)                      # accept queue full at 2 entries
    t0 = time.monotonic()
    b = connect(port, bind_port=b_port)
    pause()
    a1 = connect(port)
    pause()
    a2 = connect(port)
    nft_clear(NS_SERVER)
    ss_log(NS_SERVER, "server, A1 and A2 queued, B's ACK dropped", port,
           "-tanoi state all")
    counters("before C")
    time.sleep(max(0, 0.5 - (time.monotonic() - t0)))
    cc = sock_in(NS_CLIENT)
    cc.setblocking(False)
    assert cc.connect_ex((S4, port)) == errno.EINPROGRESS
    time.sleep(max(0, 1.3 - (time.monotonic() - t0)))
    ss_log(NS_SERVER, "server after B's SYN-ACK retransmission at 1 s", port,
           "-tanoi state all")
    counters("after B's second ACK")
    if abort:
        expect_error(lambda: b.recv(100), errno.ECONNRESET)
    time.sleep(max(0, 4.0 - (time.monotonic() - t0)))
    ss_log(NS_CLIENT, "client at 4 s", port, "-tano state all")
    cc.close()                        # still SYN_SENT: nothing is sent
    if not abort:
        time.sleep(max(0, 7.5 - (time.monotonic() - t0)))
        ss_log(NS_SERVER, "server at 7.5 s", port, "-tanoi state all")
    counters("at the end")
    ls.close()                        # queued A1, A2 are reset
    pause()
    b.close()                         # FIN (normal case) -> RST
    pause()
    for a in (a1, a2):
        expect_error(lambda: a.recv(100), errno.ECONNRESET)
        a.close()


AQ_START = ("C>S [S] · S>C [S.] · C>S [.] · " * 3) + "C>S [S] · "
AQ_END = "S>C [R.] · S>C [R.]"


@scenario("accept-queue-overflow", 7028,
          AQ_START + "S>C [S.] · C>S [.] · C>S [S] · C>S [S] · "
          "S>C [S.] · C>S [.] · C>S [S] · " + AQ_END + " · C>S [F.] · S>C [R]",
          server_sysctls={"net.ipv4.tcp_synack_retries": "2"})
def sc_accept_queue_overflow(cap):
    """A listener with backlog 1 that never calls accept(); Linux counts the
    accept queue as full when it holds more than the backlog, i.e. 2
    connections. Client B (port 40028) connects first, but nft drops its
    handshake ACK, so on the server B stays a request socket (SYN_RECV),
    which does not count against the accept queue. A1 and A2 then connect
    normally and fill the accept queue. C's SYN at 0.5 s is dropped
    silently because the accept queue is full, and so are its
    retransmissions at 1.5, 2.5 and 3.5 s (C then gives up, still in
    SYN_SENT). B's request socket retransmits its SYN-ACK at 1 s and 3 s;
    B, ESTABLISHED all along, ACKs each one, but the ACK would create a third
    child socket, so with tcp_abort_on_overflow=0 the server drops it and
    the SYN-ACK is sent again later. With tcp_synack_retries=2 the request
    expires at about 7 s. At 7.5 s the listener is closed, which resets the
    two queued connections, and B's FIN is answered with a bare RST."""
    accept_queue_overflow(7028, abort=False)


@scenario("accept-queue-overflow-abort", 7029,
          AQ_START + "S>C [S.] · C>S [.] · S>C [R] · C>S [S] · C>S [S] · "
          "C>S [S] · " + AQ_END,
          server_sysctls={"net.ipv4.tcp_synack_retries": "2",
                          "net.ipv4.tcp_abort_on_overflow": "1"})
def sc_accept_queue_overflow_abort(cap):
    """The same as accept-queue-overflow with net.ipv4.tcp_abort_on_overflow=1
    on the server: when B ACKs the SYN-ACK retransmitted at 1 s and the
    accept queue is full, the server answers the ACK with a bare RST (seq =
    the ACK's ack number) instead of dropping it, and B's recv() fails with
    ECONNRESET. C's SYNs are still dropped silently: the sysctl only
    concerns the handshake ACK. At 4 s the listener is closed, which resets
    A1 and A2."""
    accept_queue_overflow(7029, abort=True)


BURST = bytes(range(256)) * 20                # 5120 bytes -> 4 segments


@scenario("half-close-large", 7030,
          HS + " · C>S [P.] 13 · S>C [.] · C>S [F.] · S>C [.] · "
          + ("S>C [.] 1448 · C>S [.] · " * 3 + "S>C [P.] 776 · C>S [.] · ") * 4
          + "S>C [F.] · C>S [.]")
def sc_half_close_large(cap):
    """Like half-close, with a longer half-closed period: the client sends
    its request and shutdown(SHUT_WR)s; the server reads request and EOF and
    then sends 20480 bytes in four bursts of 5120 bytes (1448 + 1448 + 1448
    + 776) 100 ms apart, which the client (FIN_WAIT_2) reads and ACKs; then
    the server closes."""
    ls, c, s = pair(7030)
    pause()
    c.sendall(REQ)
    assert recv_exact(s, len(REQ)) == REQ
    pause()
    c.shutdown(socket.SHUT_WR)
    expect_eof(s)
    pause()
    ss_log(NS_CLIENT, "client half-closed", 7030)
    ss_log(NS_SERVER, "server half-closed", 7030)
    for i in range(4):
        if i:
            time.sleep(0.1)
        s.sendall(BURST)
        assert recv_exact(c, len(BURST)) == BURST
    pause()
    s.close()
    expect_eof(c)
    pause()
    c.close()
    ls.close()


# ---------------------------------------------------------------------------
# Third batch (ports 7031-7039): timeouts and RSTs the kernel records
# ---------------------------------------------------------------------------

def keepalive(sk, idle, intvl, cnt):
    sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    sk.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


def elapsed(t0):
    return time.monotonic() - t0


TCP_STATE_NAMES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV",
                   4: "FIN_WAIT1", 5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE",
                   8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
                   11: "CLOSING"}


def proc_tcp_timers(ns, label, port):
    """Note the timer of every IPv4 socket on `port` in `ns` as
    /proc/net/tcp gives it (tr = timer kind, tm->when in clock ticks of
    1/100 s: finer than ss, which rounds TIME_WAIT to whole seconds)."""
    rows = []
    for l in ns_run(ns, "cat", "/proc/net/tcp").splitlines()[1:]:
        f = l.split()
        local, remote, st = f[1], f[2], int(f[3], 16)
        ports = (int(local.split(":")[1], 16), int(remote.split(":")[1], 16))
        if port not in ports or st == 10:
            continue
        tr, when = f[5].split(":")
        rows.append("%s local port %d: tr %s, timer %.2f s left, "
                    "retransmits %d" % (TCP_STATE_NAMES.get(st, st), ports[0],
                                        tr, int(when, 16) / 100.0,
                                        int(f[6], 16)))
    kernel_note("%s: /proc/net/tcp in the %s namespace:" % (
        label, "client" if ns == NS_CLIENT else "server"),
        rows or ["(no socket for port %d)" % port])
    log("%s: %s" % (label, "; ".join(rows) or "(none)"))


def wait_gone(ns, port, what, limit):
    """Poll `ss` in `ns` until no socket other than a listener involves
    `port`; return the time it took (raises after `limit` seconds)."""
    t0 = time.monotonic()
    while [l for l in ss_hits(ns, port, "-tanoi state all")
           if not l.startswith("LISTEN")]:
        if elapsed(t0) > limit:
            raise RuntimeError("%s still there after %.0f s" % (what, limit))
        time.sleep(0.05)
    return elapsed(t0)


@scenario("keepalive-timeout", 7031,
          HS + " · " + REQRESP + " · C>S [.] · C>S [.] · C>S [R.]")
def sc_keepalive_timeout(cap):
    """After a request/response the client switches on SO_KEEPALIVE with
    TCP_KEEPIDLE 1 s, TCP_KEEPINTVL 1 s and TCP_KEEPCNT 2. nft in the server
    namespace then drops every pure ACK to port 7031, i.e. the keepalive
    probes (seq = SND.UNA - 1, no payload), which are on the capture but
    never reach the server. The client sends probes at about 1 s and 2 s; at
    3 s, with 2 probes unanswered, tcp_keepalive_timer() gives up: it sends
    RST,ACK (tcp_send_active_reset, SK_RST_REASON_TCP_KEEPALIVE_TIMEOUT) and
    the socket fails with ETIMEDOUT. The RST passes the rule and resets the
    server socket, whose next recv() fails with ECONNRESET."""
    ls, c, s = pair(7031)
    pause()
    request_response(c, s)
    nft_input_rules(NS_SERVER, "tcp dport 7031 tcp flags == ack drop")
    t0 = time.monotonic()
    keepalive(c, 1, 1, 2)
    kernel_note("client: SO_KEEPALIVE on, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1, "
                "TCP_KEEPCNT 2; server drops pure ACKs to 7031 (nft)")
    time.sleep(1.5)
    ss_log(NS_CLIENT, "client after the first probe", 7031)
    c.settimeout(5)
    expect_error(lambda: c.recv(100), errno.ETIMEDOUT)
    kernel_note("client recv() failed with ETIMEDOUT %.2f s after "
                "SO_KEEPALIVE was set" % elapsed(t0))
    pause()
    ss_log(NS_CLIENT, "client after giving up", 7031, "-tanoi state all")
    ss_log(NS_SERVER, "server after the RST", 7031, "-tanoi state all")
    expect_error(lambda: s.recv(100), errno.ECONNRESET)
    kernel_note("server recv() failed with ECONNRESET")
    nft_clear(NS_SERVER)
    c.close()
    s.close()
    ls.close()


@scenario("keepalive-answered", 7032,
          HS + " · " + REQRESP + " · C>S [.] · S>C [.] · C>S [.] · S>C [.]"
          " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]")
def sc_keepalive_answered(cap):
    """After a request/response the client switches on SO_KEEPALIVE with
    TCP_KEEPIDLE 1 s, TCP_KEEPINTVL 1 s and TCP_KEEPCNT 5 and stays idle
    for 2.5 s. Each probe (seq = SND.UNA - 1, no payload) lies just below
    the server's window, so the server's kernel answers it with a duplicate
    ACK (seq = its SND.NXT, ack = the client's SND.NXT); the answer resets
    the idle time, so the probes come about 1 s apart: two probe/answer
    pairs. Then the client switches keepalive off and closes first; a
    normal four-way close follows."""
    ls, c, s = pair(7032)
    pause()
    request_response(c, s)
    t0 = time.monotonic()
    keepalive(c, 1, 1, 5)
    kernel_note("client: SO_KEEPALIVE on, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1, "
                "TCP_KEEPCNT 5")
    time.sleep(1.5)
    ss_log(NS_CLIENT, "client after the first probe", 7032)
    time.sleep(max(0, 2.5 - elapsed(t0)))
    ss_log(NS_CLIENT, "client after the second probe", 7032)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 0)
    c.close()
    expect_eof(s)
    pause()
    s.close()
    pause()
    ls.close()


@scenario("user-timeout", 7033,
          HS + " · " + REQRESP + " · C>S [P.] 13 · C>S [P.] 13 · "
          "C>S [P.] 13 · C>S [P.] 13 · C>S [P.] 13 · S>C [P.] 23 · C>S [R]")
def sc_user_timeout(cap):
    """After a request/response the client sets TCP_USER_TIMEOUT to 2000 ms.
    nft in the server namespace now drops everything to port 7033, and the
    client sends a second request: the original, a tail loss probe at
    about 0.2 s and RTO retransmissions at about 0.4, 0.85 and 1.7 s are on
    the capture but never reach the server. About 2 s after the first RTO
    retransmission (the last RTO is cut to the user timeout) the client's
    kernel gives up without sending anything (tcp_write_err(): no RST on a
    retransmission timeout) and the socket fails with ETIMEDOUT. The rule is
    removed, and the server, which never saw the second request and is
    still ESTABLISHED, sends 23 bytes. The client host has no socket
    for the 4-tuple any more and answers with a bare RST (no ACK flag, seq =
    the segment's ack; NO_SOCKET)."""
    ls, c, s = pair(7033)
    pause()
    request_response(c, s)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 2000)
    nft_input_rules(NS_SERVER, "tcp dport 7033 drop")
    kernel_note("client: TCP_USER_TIMEOUT 2000 ms; server drops everything "
                "to 7033 (nft); client sends 13 bytes")
    t0 = time.monotonic()
    c.sendall(REQ)
    time.sleep(1.0)
    ss_log(NS_CLIENT, "client retransmitting", 7033)
    c.settimeout(5)
    expect_error(lambda: c.recv(100), errno.ETIMEDOUT)
    kernel_note("client recv() failed with ETIMEDOUT %.2f s after the send"
                % elapsed(t0))
    nft_clear(NS_SERVER)
    ss_log(NS_CLIENT, "client after the user timeout", 7033,
           "-tanoi state all")
    ss_log(NS_SERVER, "server after the client's timeout", 7033)
    pause()
    s.sendall(RESP)
    pause()
    expect_error(lambda: s.recv(100), errno.ECONNRESET)
    kernel_note("server recv() failed with ECONNRESET")
    ss_log(NS_SERVER, "server after the RST", 7033, "-tanoi state all")
    c.close()
    s.close()
    ls.close()


@scenario("fin-wait2-timeout", 7034,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [R]")
def sc_fin_wait2_timeout(cap):
    """The client sets TCP_LINGER2 to 1 s and close()s after a
    request/response. The server's kernel ACKs the FIN (CLOSE_WAIT), but
    the server application keeps its socket open. The orphaned client socket
    in FIN_WAIT_2 is turned into a timewait socket in the FIN_WAIT2 substate
    for the 1 s (ss: FIN-WAIT-2 with a timewait timer) and then disappears.
    The driver waits until `ss` in the client namespace shows no socket for
    the port, then the server close()s: its FIN reaches a host without a
    socket for the 4-tuple, which answers with a bare RST (no ACK flag,
    seq = the FIN's ack; NO_SOCKET)."""
    ls, c, s = pair(7034)
    pause()
    request_response(c, s)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, 1)
    kernel_note("client: TCP_LINGER2 1 s, then close()")
    t0 = time.monotonic()
    c.close()
    expect_eof(s)
    pause()
    ss_log(NS_CLIENT, "client after the FIN was ACKed", 7034,
           "-tanoi state all")
    proc_tcp_timers(NS_CLIENT, "client after the FIN was ACKed", 7034)
    ss_log(NS_SERVER, "server after ACKing the FIN", 7034)
    wait_gone(NS_CLIENT, 7034, "client FIN_WAIT_2", 5)
    kernel_note("client socket gone from ss %.2f s after close()"
                % elapsed(t0))
    pause()
    s.close()
    pause()
    ss_log(NS_SERVER, "server after its FIN got the RST", 7034,
           "-tanoi state all")
    ls.close()


@scenario("synack-giveup-data", 7035,
          "C>S [S] · S>C [S.] · C>S [.] · S>C [S.] · C>S [.] · "
          "C>S [P.] 13 · S>C [R]",
          server_sysctls={"net.ipv4.tcp_synack_retries": "1"})
def sc_synack_giveup_data(cap):
    """Like synack-timeout, faster: net.ipv4.tcp_synack_retries=1 on the
    server and every pure ACK to port 7035 dropped there by nft. The server
    sends its SYN-ACK at 0 s and again at 1 s; the client, ESTABLISHED all
    along, ACKs both (the ACKs are on the capture but never reach the
    server; the second is a challenge ACK: client nstat TCPSYNChallenge and
    TCPChallengeACK +1). At about 3 s the server's request socket expires
    without a packet. At 3.5 s the rule is removed and the client sends its
    request: the listener has no connection for it (server nstat:
    SyncookiesFailed +1, the segment was tried as a cookie ACK first) and
    answers with a bare RST (no ACK flag, seq = the request's ack;
    NO_SOCKET)."""
    nft_input_rules(NS_SERVER, "tcp dport 7035 tcp flags == ack drop")
    ls = listener(7035)
    t0 = time.monotonic()
    c = connect(7035)
    time.sleep(0.5)
    ss_log(NS_SERVER, "server, handshake ACK dropped", 7035,
           "-tanoi state all")
    time.sleep(max(0, 3.5 - elapsed(t0)))
    ss_log(NS_SERVER, "server after the SYN-ACK retries", 7035,
           "-tanoi state all")
    ss_log(NS_CLIENT, "client before sending", 7035)
    nft_clear(NS_SERVER)
    c.sendall(REQ)
    pause()
    expect_error(lambda: c.recv(100), errno.ECONNRESET)
    kernel_note("client recv() failed with ECONNRESET")
    c.close()
    ls.close()


@scenario("final-ack-lost-twice", 7036,
          HS + " · " + REQRESP + " · C>S [F.] · S>C [.] · S>C [F.] · C>S [.]"
          " · S>C [F.] · C>S [.] · S>C [F.] · C>S [.]")
def sc_final_ack_lost_twice(cap):
    """A client-first four-way close, but nft in the server namespace drops
    the client's first two ACKs of the server's FIN (a rule installed after
    the client's FIN was ACKed, matching pure ACKs to port 7036, with a
    counter: `numgen inc mod 3 < 2`). The server (LAST_ACK) sends its FIN
    again after about 0.21 s (a tail loss probe) and 0.42 s (the RTO); the
    client, already in TIME_WAIT, answers each copy with another ACK
    (tcp_timewait_state_process(): TCP_TW_ACK, and the TIME_WAIT timer is
    set back to 60 s). The third ACK gets through and the server socket is
    gone; the client keeps TIME_WAIT, its timer restarted by the last
    re-ACK (/proc/net/tcp shows it to 10 ms)."""
    ls, c, s = pair(7036)
    pause()
    request_response(c, s)
    c.close()
    expect_eof(s)
    pause()
    nft_input_rules(NS_SERVER, "tcp dport 7036 tcp flags == ack "
                    "numgen inc mod 3 < 2 counter drop")
    kernel_note("server: nft drops the first two pure ACKs to 7036 from now "
                "on; server close()")
    t0 = time.monotonic()
    s.close()
    time.sleep(0.1)
    ss_log(NS_SERVER, "server after its FIN (first ACK dropped)", 7036)
    ss_log(NS_CLIENT, "client after its first ACK", 7036)
    proc_tcp_timers(NS_CLIENT, "client after its first ACK", 7036)
    time.sleep(max(0, 0.3 - elapsed(t0)))
    ss_log(NS_SERVER, "server after the first FIN retransmission", 7036)
    proc_tcp_timers(NS_CLIENT, "client after its second ACK", 7036)
    wait_gone(NS_SERVER, 7036, "server LAST_ACK", 5)
    kernel_note("server socket gone %.2f s after its close()" % elapsed(t0))
    kernel_note("nft rule counter: " + " ".join(ns_run(
        NS_SERVER, "nft", "list", "chain", "inet", NFT_TABLE,
        "input").split("counter")[1].split()[:4]))
    nft_clear(NS_SERVER)
    pause()
    kernel_note("%.2f s since the server's close()" % elapsed(t0))
    proc_tcp_timers(NS_CLIENT, "client at the end", 7036)
    ss_log(NS_CLIENT, "client at the end", 7036, "-tanoi state all")
    ss_log(NS_SERVER, "server at the end", 7036, "-tanoi state all")
    ls.close()


def check_injected_rst(path):
    """For nft-reject-reset: log IP TTL, ID and DF of every IPv4 segment, so
    the nft-made RST can be compared with the server's own segments."""
    rows = []
    for _t, etype, ip in read_frames(path):
        if etype != 0x0800 or ip[9] != 6:
            continue
        ihl = (ip[0] & 0x0F) * 4
        flags = ip[ihl + 13]
        rows.append("%s ttl %d id 0x%04x %s [%s] tos 0x%02x" % (
            "C>S" if socket.inet_ntop(socket.AF_INET, ip[12:16]) == C4
            else "S>C", ip[8], struct.unpack("!H", ip[4:6])[0],
            "DF" if ip[6] & 0x40 else "--", flag_str(flags), ip[1]))
    kernel_note("IP header of every segment in the capture (from the pcap):",
                rows)
    rsts = [r for r in rows if r.startswith("S>C") and "[R" in r]
    if len(rsts) != 1:
        raise RuntimeError("expected one RST from the server side")
    log("the server-side RST: " + rsts[0])


@scenario("nft-reject-reset", 7037,
          HS + " · " + REQRESP + " · C>S [P.] 13 · S>C [R] · S>C [P.] 23"
          " · C>S [R]",
          post_check=check_injected_rst)
def sc_nft_reject_reset(cap):
    """After a first request/response, an nft rule `tcp dport 7037 reject
    with tcp reset` is put into the server namespace's input hook, and the
    client sends a second request. nftables (nf_send_reset), not the server
    socket, answers it with a bare RST carrying the server's address (seq =
    the request's ack); the client's socket is reset (ECONNRESET), while the
    server socket never saw the request and stays ESTABLISHED (server nstat:
    TcpOutRsts 0). The rule is removed; 400 ms later the server application
    sends its 23 bytes as if nothing happened, and the client host, which no
    longer has a socket for the 4-tuple, answers with a bare RST
    (NO_SOCKET) that resets the server socket. The nft RST has IP TTL 64,
    ID 0 and DF, like the kernel's own socketless RSTs (the client's here)
    and the SYN-ACK; the server socket's segments count their IP ID up."""
    ls, c, s = pair(7037)
    pause()
    request_response(c, s)
    nft_input_rules(NS_SERVER, "tcp dport 7037 reject with tcp reset")
    kernel_note("server: nft `tcp dport 7037 reject with tcp reset`; client "
                "sends 13 bytes")
    c.sendall(REQ)
    pause()
    expect_error(lambda: c.recv(100), errno.ECONNRESET)
    kernel_note("client recv() failed with ECONNRESET")
    nft_clear(NS_SERVER)
    ss_log(NS_CLIENT, "client after the nft RST", 7037, "-tanoi state all")
    ss_log(NS_SERVER, "server after the nft RST", 7037)
    kernel_note("server nstat now: " + ", ".join(
        "%s %d" % kv for kv in sorted(nstat(
            NS_SERVER, "TcpOutRsts", "TcpEstabResets").items())))
    pause()
    s.sendall(RESP)
    pause()
    expect_error(lambda: s.recv(100), errno.ECONNRESET)
    kernel_note("server recv() failed with ECONNRESET")
    ss_log(NS_SERVER, "server at the end", 7037, "-tanoi state all")
    c.close()
    s.close()
    ls.close()


@scenario("syncookies", 7038, CLOSE_CLIENT_FIRST,
          server_sysctls={"net.ipv4.tcp_syncookies": "2"})
def sc_syncookies(cap):
    """net.ipv4.tcp_syncookies=2 on the server: every SYN is answered with a
    SYN cookie (the SYN-ACK's ISN encodes the MSS index and, with
    timestamps, the TSval the window scale and SACK/ECN bits) and no request
    socket is kept; the handshake ACK is checked against the cookie and
    creates the connection. Then the same exchange and client-first close
    as close-client-first."""
    sequence_close_client_first(7038, socket.AF_INET)
    kernel_note("server nstat: " + ", ".join("%s %d" % kv for kv in sorted(
        nstat(NS_SERVER, "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv",
              "TcpExtSyncookiesFailed").items())))


def check_crossing_rsts(path):
    """For abort-linger0-crossing: two RST,ACKs, the client's first, and
    the server's RST must be on the wire less than 200 ms after it."""
    rsts = [r for r in read_records(path)
            if r["kind"] == "tcp" and r["flags"] & 0x04]
    if len(rsts) != 2 or rsts[0]["src"] != C4 or rsts[1]["src"] != S4:
        raise RuntimeError("expected a client RST, then a server RST")
    gap = rsts[1]["t"] - rsts[0]["t"]
    log("RSTs %.0f ms apart; client RST seq %d ack %d, server RST seq %d "
        "ack %d" % (1000 * gap, rsts[0]["seq"], rsts[0]["ack"],
                    rsts[1]["seq"], rsts[1]["ack"]))
    kernel_note("from the pcap: the two RSTs are %.0f ms apart" % (1000 * gap))


@scenario("abort-linger0-crossing", 7039,
          HS + " · " + REQRESP + " · C>S [R.] · S>C [R.]",
          client_sysctls={"net.ipv6.conf.all.disable_ipv6": "1"},
          server_sysctls={"net.ipv6.conf.all.disable_ipv6": "1"},
          post_check=check_crossing_rsts)
def sc_abort_linger0_crossing(cap):
    """Both sides set SO_LINGER {1, 0} and close() back to back after a
    request/response, so both send RST,ACK and the two RSTs cross on the
    wire. The token-bucket trick of close-simultaneous holds each RST in a
    tc tbf qdisc (16 kbit/s, bucket emptied by an uncaptured UDP datagram):
    the client's RST leaves after about 30 ms, the server's about 70 ms
    later, both built before either arrived (nstat on each side:
    TcpOutRsts +1 and TCPAbortOnData +1, the counter Linux uses for
    SO_LINGER 0 aborts). Each RST then reaches a host whose socket is
    already gone and is dropped silently (no RST is answered with a RST).
    IPv6 is off in both namespaces (no DAD/MLD taking tokens)."""
    ls, c, s = pair(7039)
    pause()
    request_response(c, s)
    uc, us = udp_pair()
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, *TBF, dev, "root", "tbf", "rate", "16kbit",
               "burst", "1000", "limit", "20000")
    for sk in (c, s):
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    uc.sendto(b"x" * 958, (S4, 9))      # 1000-byte frames empty both buckets
    us.sendto(b"x" * 958, (C4, 9))
    us.sendto(b"x" * 100, (C4, 9))      # the server's RST leaves ~70 ms later
    c.close()
    s.close()
    kernel_note("client and server close() with SO_LINGER {1, 0}, back to "
                "back")
    time.sleep(0.5)
    for ns, dev in ((NS_CLIENT, IF_CLIENT), (NS_SERVER, IF_SERVER)):
        ns_run(ns, "tc", "qdisc", "del", "dev", dev, "root")
    uc.close()
    us.close()
    ls.close()


# ---------------------------------------------------------------------------
# pcap reading (for summaries and checks, no root needed)
# ---------------------------------------------------------------------------

FLAG_ORDER = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"),
              (0x10, "."), (0x20, "U"), (0x40, "E"), (0x80, "W"))


def read_frames(path):
    """Yield (time, ethertype, l3 bytes) for every frame of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, expected Ethernet" % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        t = sec + frac / (1e9 if nano else 1e6)
        yield t, struct.unpack("!H", pkt[12:14])[0], pkt[14:]


def parse_ip(etype, ip):
    """(src, dst, protocol, l4 bytes, l4 length) of an IPv4/IPv6 packet, or
    None for anything else (IPv6 extension headers are not followed)."""
    if etype == 0x0800:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        return (socket.inet_ntop(socket.AF_INET, ip[12:16]),
                socket.inet_ntop(socket.AF_INET, ip[16:20]),
                ip[9], ip[ihl:], total - ihl)
    if etype == 0x86DD:
        return (socket.inet_ntop(socket.AF_INET6, ip[8:24]),
                socket.inet_ntop(socket.AF_INET6, ip[24:40]),
                ip[6], ip[40:], struct.unpack("!H", ip[4:6])[0])
    return None


def read_records(path):
    """Yield one dict per TCP segment or ICMP/ICMPv6 message of a pcap file.

    TCP: kind "tcp", t, src, dst, sport, dport, flags, seq, ack, plen and
    opts (the raw option bytes, as far as captured). ICMP: kind "icmp" or
    "icmp6", t, src, dst, type, code and quote (the bytes after the 8-byte
    ICMP header: the offending packet's IP header and the start of its TCP
    header)."""
    for t, etype, ip in read_frames(path):
        parsed = parse_ip(etype, ip)
        if parsed is None:
            continue
        src, dst, proto, l4, l4len = parsed
        if proto == 6:
            sport, dport, seq, ack, offflags = struct.unpack("!HHIIH", l4[:14])
            doff = (offflags >> 12) * 4
            yield dict(kind="tcp", t=t, src=src, dst=dst, sport=sport,
                       dport=dport, flags=offflags & 0xFF, seq=seq, ack=ack,
                       plen=l4len - doff, opts=l4[20:doff])
        elif (proto == 1 and etype == 0x0800) or \
                (proto == 58 and etype == 0x86DD):
            yield dict(kind="icmp" if proto == 1 else "icmp6", t=t, src=src,
                       dst=dst, type=l4[0], code=l4[1], quote=l4[8:])


def read_pcap(path):
    """Yield (time, src, dst, sport, dport, flags, seq, ack, paylen) for
    every TCP segment."""
    for r in read_records(path):
        if r["kind"] == "tcp":
            yield (r["t"], r["src"], r["dst"], r["sport"], r["dport"],
                   r["flags"], r["seq"], r["ack"], r["plen"])


def tcp_options(opts):
    """List of (kind, data bytes) from raw TCP option bytes."""
    out, i = [], 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        ln = opts[i + 1]
        out.append((kind, bytes(opts[i + 2:i + ln])))
        i += ln
    return out


def flag_str(flags):
    return "".join(ch for bit, ch in FLAG_ORDER if flags & bit)


def summarize(path):
    """The flag sequence of a capture: one token per TCP segment, "C>S [S.]"
    plus the payload length if any, and one per ICMP error, "S>C icmp 3/3"
    (type/code; "icmp6" for ICMPv6)."""
    toks = []
    for r in read_records(path):
        d = "C>S" if r["src"] in (C4, C6) else "S>C"
        if r["kind"] != "tcp":
            toks.append("%s %s %d/%d" % (d, r["kind"], r["type"], r["code"]))
            continue
        tok = "%s [%s]" % (d, flag_str(r["flags"]))
        if r["plen"]:
            tok += " %d" % r["plen"]
        toks.append(tok)
    return " · ".join(toks)


def check(name, path):
    got = summarize(path)
    want = SCENARIOS[name]["expect"]
    n = len(got.split(" · ")) if got else 0
    if got == want:
        print("ok   %-24s %3d packets  %s" % (name + ".pcap", n, got))
        return True
    print("FAIL %-24s %3d packets\n  got:  %s\n  want: %s"
          % (name + ".pcap", n, got, want))
    return False


def check_crossing_fins(path):
    """For close-simultaneous: the second FIN must not ack the first FIN."""
    fins = [p for p in read_pcap(path) if p[5] & 0x01]
    if len(fins) != 2:
        raise RuntimeError("expected 2 FINs, found %d" % len(fins))
    first, second = fins
    if second[7] != first[6]:
        raise RuntimeError("second FIN acks %d, first FIN's seq is %d: the "
                           "FINs did not cross" % (second[7], first[6]))
    log("FINs crossed: second FIN ack=%d == first FIN seq=%d"
        % (second[7], first[6]))


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def run(name, outdir):
    sc = SCENARIOS[name]
    for ns in (NS_CLIENT, NS_SERVER):
        set_sysctls(ns, BASE_SYSCTLS)
    set_sysctls(NS_CLIENT, sc["client_sysctls"])
    set_sysctls(NS_SERVER, sc["server_sysctls"])
    for k, v in sorted(sc["client_sysctls"].items()):
        log("client sysctl %s=%s" % (k, v))
    for k, v in sorted(sc["server_sysctls"].items()):
        log("server sysctl %s=%s" % (k, v))
    path = os.path.join(outdir, name + ".pcap")
    cap = Capture(path, sc["bpf"], sc["snaplen"])
    before = {ns: nstat_all(ns) for ns in (NS_CLIENT, NS_SERVER)}
    try:
        if not sc["manual_capture"]:
            cap.start()
        t0 = time.monotonic()
        KERNEL_T0[0] = t0
        sc["fn"](cap)
        log("scenario took %.1f s" % (time.monotonic() - t0))
    finally:
        cap.stop()
    kernel_note("at the end: `ss -tanoi state all` (client, then server):",
                ["client: " + l for l in
                 ss_hits(NS_CLIENT, sc["port"], "-tanoi state all")]
                + ["server: " + l for l in
                   ss_hits(NS_SERVER, sc["port"], "-tanoi state all")]
                or ["(no socket for port %d in either namespace)"
                    % sc["port"]])
    after = {ns: nstat_all(ns) for ns in (NS_CLIENT, NS_SERVER)}
    log("client ss:", tcp_states(NS_CLIENT))
    log("server ss:", tcp_states(NS_SERVER))
    if name == "close-simultaneous":
        check_crossing_fins(path)
    if sc["post_check"] is not None:
        sc["post_check"](path)
    write_kernel_record(name, outdir, before, after)


# Counters printed even when they did not change (a zero is evidence too:
# e.g. no TcpOutRsts on the side whose address a RST carries).
KEY_COUNTERS = (
    "TcpActiveOpens", "TcpPassiveOpens", "TcpAttemptFails", "TcpEstabResets",
    "TcpOutRsts", "TcpRetransSegs", "TcpExtTCPAbortOnData",
    "TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnLinger",
    "TcpExtTCPAbortOnTimeout", "TcpExtTCPAbortOnMemory",
    "TcpExtTCPAbortFailed", "TcpExtTCPTimeouts", "TcpExtTCPSynRetrans",
    "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed",
    "TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtTW",
    "TcpExtTWRecycled", "TcpExtTWKilled", "TcpExtTCPTimeWaitOverflow",
    "TcpExtPAWSEstab", "TcpExtTCPKeepAlive", "TcpExtTCPLossProbes",
)


def write_kernel_record(name, outdir, before, after):
    """OUTDIR/kernel/NAME.txt: what the kernel itself reported while the
    capture was made (plain text, for reviewing the expected verdicts)."""
    sc = SCENARIOS[name]
    kdir = os.path.join(outdir, "kernel")
    os.makedirs(kdir, exist_ok=True)
    out = ["%s.pcap: what the Linux kernel reported while it was made" % name,
           "",
           "Made by sample-captures/scenarios.py (scenario %s, server port %d)"
           % (name, sc["port"]),
           "on Linux %s. Client namespace 10.77.0.1, server namespace "
           "10.77.0.2;" % os.uname().release,
           "the capture point is the client's end of the veth. Times are "
           "seconds since",
           "the scenario started (tcpdump was already running).",
           "",
           "Expected flag sequence:",
           "  " + sc["expect"]]
    for who, key in (("client", "client_sysctls"), ("server", "server_sysctls")):
        for k, v in sorted(sc[key].items()):
            out.append("%s sysctl: %s=%s" % (who, k, v))
    out += ["", "What happens:"]
    out += textwrap.wrap(" ".join(sc["doc"].split()), 76,
                         initial_indent="  ", subsequent_indent="  ")
    out += ["", "Notes and ss snapshots:"]
    out += ["  " + l for l in KERNEL_NOTES] or ["  (none)"]
    for ns, who in ((NS_CLIENT, "client"), (NS_SERVER, "server")):
        b, a = before[ns], after[ns]
        out += ["", "nstat deltas in the %s namespace (scenario start to end):"
                % who]
        out.append("  key counters (zeros included):")
        out += textwrap.wrap(", ".join(
            "%s %+d" % (k, a.get(k, 0) - b.get(k, 0)) for k in KEY_COUNTERS),
            76, initial_indent="    ", subsequent_indent="    ")
        out.append("  every nonzero Tcp/TcpExt delta:")
        for k in sorted(a):
            if k.startswith("Tcp") and a[k] - b.get(k, 0):
                out.append("    %-32s %+d" % (k, a[k] - b.get(k, 0)))
    path = os.path.join(kdir, name + ".txt")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    os.chmod(path, 0o644)
    log("kernel record written to", path)


def _terminate(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main(argv):
    signal.signal(signal.SIGTERM, _terminate)
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "list":
        for name in SCENARIOS:
            print(name)
        return 0
    if cmd == "run" and len(argv) == 4:
        run(argv[2], argv[3])
        return 0
    if cmd == "summary":
        for p in argv[2:]:
            print("%s: %s" % (p, summarize(p)))
        return 0
    if cmd == "check" and len(argv) == 4:
        return 0 if check(argv[2], argv[3]) else 1
    if cmd == "offloads-off" and len(argv) == 3:
        offloads_off(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        print("scenarios.py: interrupted", file=sys.stderr)
        sys.exit(130)
