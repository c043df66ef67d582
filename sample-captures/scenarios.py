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
  run NAME OUTDIR        run one scenario and write OUTDIR/NAME.pcap (root)
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
import signal
import socket
import struct
import subprocess
import sys
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
    def __init__(self, path, bpf="tcp"):
        self.path = path
        self.bpf = bpf
        self.proc = None
        self.errlog = path + ".tcpdump-log"

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.err = open(self.errlog, "w+")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", NS_CLIENT, "tcpdump", "-i", IF_CLIENT,
             "-n", "-s", str(SNAPLEN), "--immediate-mode", "-U", "-Z", "root",
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
             manual_capture=False):
    def deco(fn):
        SCENARIOS[name] = dict(fn=fn, port=port, expect=expect,
                               client_sysctls=client_sysctls or {},
                               server_sysctls=server_sysctls or {},
                               manual_capture=manual_capture,
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
# pcap reading (for summaries and checks, no root needed)
# ---------------------------------------------------------------------------

FLAG_ORDER = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"),
              (0x10, "."), (0x20, "U"), (0x40, "E"), (0x80, "W"))


def read_pcap(path):
    """Yield (time, src, dst, sport, dport, flags, seq, ack, paylen)."""
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
        etype = struct.unpack("!H", pkt[12:14])[0]
        ip = pkt[14:]
        if etype == 0x0800:
            ihl = (ip[0] & 0x0F) * 4
            if ip[9] != 6:
                continue
            total = struct.unpack("!H", ip[2:4])[0]
            src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), \
                socket.inet_ntop(socket.AF_INET, ip[16:20])
            tcp, l3len = ip[ihl:], total - ihl
        elif etype == 0x86DD:
            if ip[6] != 6:
                continue
            l3len = struct.unpack("!H", ip[4:6])[0]
            src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), \
                socket.inet_ntop(socket.AF_INET6, ip[24:40])
            tcp = ip[40:]
        else:
            continue
        sport, dport, seq, ack, offflags = struct.unpack("!HHIIH", tcp[:14])
        doff = (offflags >> 12) * 4
        yield (t, src, dst, sport, dport, offflags & 0xFF, seq, ack,
               l3len - doff)


def flag_str(flags):
    return "".join(ch for bit, ch in FLAG_ORDER if flags & bit)


def summarize(path):
    toks = []
    for _t, src, _dst, _sp, _dp, flags, _seq, _ack, plen in read_pcap(path):
        d = "C>S" if src in (C4, C6) else "S>C"
        tok = "%s [%s]" % (d, flag_str(flags))
        if plen:
            tok += " %d" % plen
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
    cap = Capture(path)
    try:
        if not sc["manual_capture"]:
            cap.start()
        t0 = time.monotonic()
        sc["fn"](cap)
        log("scenario took %.1f s" % (time.monotonic() - t0))
    finally:
        cap.stop()
    log("client ss:", tcp_states(NS_CLIENT))
    log("server ss:", tcp_states(NS_SERVER))
    if name == "close-simultaneous":
        check_crossing_fins(path)


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
