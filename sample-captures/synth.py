#!/usr/bin/env python3
"""Synthesized sample captures for tcplife (standard library only).

These pcaps show the behaviour of TCP stacks other than Linux (Windows,
macOS, FreeBSD) and one unusual client, which the namespace lab of
make-captures.sh cannot produce.  Every packet here is SYNTHESIZED by this
script from the documented behaviour of those stacks (sources in the comment
at the top of each function); none was sent by a real stack.  They are not
made by make-captures.sh.

    python3 sample-captures/synth.py [OUTDIR]

OUTDIR defaults to the folder this script lives in.  The output is
deterministic: fixed timestamps, ISNs, ports and IP IDs, so every run writes
byte-identical files.

Layout: Ethernet (DLT 1), IPv4, TCP with correct IPv4 header and TCP
checksums, microsecond timestamps, snap length 262144, every frame captured
in full.  Addresses are from the RFC 5737 documentation range and both
hosts sit on the same link (192.0.2.0/24), so TTLs are the senders' initial
TTLs: Windows 128, macOS/FreeBSD/Linux 64.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

BASE_TS = 1767261600          # 2026-01-01 10:00:00 UTC, start of every file
US = 1_000_000

# ---------------------------------------------------------------------------
# Packet construction
# ---------------------------------------------------------------------------

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Host:
    """One end: MAC, IPv4 address, initial TTL and an IP ID policy.

    ipid is 'counter' (one global counter, +1 per packet; `skip` lets the
    caller account for packets the host sent to others in between), 'zero'
    (constant 0, RFC 6864 atomic datagrams) or 'random' (a fixed
    pseudo-random sequence, for stacks that randomize the IP ID)."""

    def __init__(self, mac, ip, ttl, ipid="counter", first_id=0, df=True):
        self.mac = bytes.fromhex(mac.replace(":", ""))
        self.ip = bytes(int(x) for x in ip.split("."))
        self.ttl, self.ipid, self.df = ttl, ipid, df
        self._id = first_id

    def next_id(self, skip=0):
        if self.ipid == "zero":
            return 0
        if self.ipid == "random":
            # 16-bit LCG, fixed seed: deterministic but not sequential
            self._id = (self._id * 25173 + 13849) & 0xFFFF
            return self._id
        self._id = (self._id + skip) & 0xFFFF
        v = self._id
        self._id = (self._id + 1) & 0xFFFF
        return v


def frame(src, dst, sport, dport, seq, ack, flags, win, opts=b"",
          payload=b"", ip_id=None, skip=0):
    """Ethernet + IPv4 + TCP bytes with correct checksums."""
    assert len(opts) % 4 == 0, "TCP options must fill whole 32-bit words"
    if ip_id is None:
        ip_id = src.next_id(skip)
    doff = 5 + len(opts) // 4
    tcp = struct.pack("!HHIIHHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, (doff << 12) | flags, win, 0, 0)
    tcp += opts + payload
    pseudo = src.ip + dst.ip + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum16(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id,
                     0x4000 if src.df else 0, src.ttl, 6, 0, src.ip, dst.ip)
    ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
    return dst.mac + src.mac + b"\x08\x00" + ip + tcp


# TCP options (RFC 9293 MSS, RFC 7323 window scale and timestamps,
# RFC 2018 SACK, RFC 7413 Fast Open cookie)
NOP, EOL = b"\x01", b"\x00"


def o_mss(v):
    return struct.pack("!BBH", 2, 4, v)


def o_ws(shift):
    return struct.pack("!BBB", 3, 3, shift)


O_SACKOK = b"\x04\x02"


def o_ts(val, ecr):
    return struct.pack("!BBII", 8, 10, val & 0xFFFFFFFF, ecr & 0xFFFFFFFF)


def o_sack(*blocks):
    return struct.pack("!BB", 5, 2 + 8 * len(blocks)) + b"".join(
        struct.pack("!II", a & 0xFFFFFFFF, b & 0xFFFFFFFF) for a, b in blocks)


def o_tfo(cookie):
    return struct.pack("!BB", 34, 2 + len(cookie)) + cookie


# SYN option layouts of the stacks (byte order as each stack writes them)
def windows_syn_opts():
    # Windows 10/11: mss 1460,nop,wscale 8,nop,nop,sackOK; no timestamps
    # (Windows requests RFC 7323 timestamps only if Tcp1323Opts enables them;
    # by default it does window scaling but not timestamps on outgoing SYNs).
    return o_mss(1460) + NOP + o_ws(8) + NOP + NOP + O_SACKOK


def linux_synack_opts_no_ts():
    # Linux answering a SYN without timestamps: mss,nop,nop,sackOK,nop,wscale
    # (tcp_options_write(): MSS, then SACK-permitted padded with two NOPs
    # when there is no timestamp, then NOP + window scale).
    return o_mss(1460) + NOP + NOP + O_SACKOK + NOP + o_ws(7)


def macos_syn_opts(tsval):
    # macOS (XNU): mss,nop,wscale 6,nop,nop,TS,sackOK,eol,eol (24 bytes).
    return (o_mss(1460) + NOP + o_ws(6) + NOP + NOP + o_ts(tsval, 0)
            + O_SACKOK + EOL + EOL)


def freebsd_syn_opts(tsval):
    # FreeBSD: mss,nop,wscale 6,sackOK,TS (20 bytes, tcp_addoptions()).
    return o_mss(1460) + NOP + o_ws(6) + O_SACKOK + o_ts(tsval, 0)


# ---------------------------------------------------------------------------
# pcap output
# ---------------------------------------------------------------------------

def write_pcap(path, frames):
    """frames: list of (time in microseconds from BASE_TS, bytes)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)]
    last = -1
    for t, data in frames:
        assert t > last, "timestamps must increase"
        last = t
        ts = BASE_TS * US + t
        out.append(struct.pack("<IIII", ts // US, ts % US, len(data), len(data)))
        out.append(data)
    with open(path, "wb") as f:
        f.write(b"".join(out))


def s(sec):
    """Seconds (float literal in the scenario) to integer microseconds."""
    return int(round(sec * US))


# Hosts used below (same /24, no router in between)
def win_client(first_id):
    return Host("02:00:5e:10:00:0a", "192.0.2.10", 128, "counter", first_id)


def linux_server():
    # Linux sends IP ID 0 on SYN-ACKs and on RSTs from no socket (as in the
    # real captures here); established sockets count from a per-socket
    # start, which each scenario passes explicitly.
    return Host("02:00:5e:10:00:14", "192.0.2.20", 64, "counter", 0)


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def synth_windows_refused_retry():
    """Windows connect() to a port with no listener: SYN, RST+ACK, and the
    same SYN again twice, ~0.5 s apart, before connect() fails.

    Sources: Windows answers a RST to its SYN by retrying the connection
    request instead of failing at once; the number of retries is the SYN
    retransmission limit (registry TcpMaxConnectRetransmissions, netsh
    "Max SYN Retransmissions", default 2 on the Windows versions that
    document it), about 500 ms apart, so a connect() to a closed port takes
    about 1 s on Windows (Microsoft Learn, "TCP/IP registry values" and the
    many reports of "connection refused takes 1 second on Windows").  Each
    retry repeats the same ISN and source port (it is the same TCB's SYN);
    Windows counts the IP ID globally, +1 per packet.  Windows ephemeral
    ports are 49152-65535 (Microsoft KB 929851).  The server answers like
    any host without a listener, RFC 9293 section 3.10.7.1: RST+ACK with
    seq 0 and ack = SEG.SEQ + SEG.LEN (ISN + 1); Linux sends it with IP ID 0
    and DF (see refused.pcap).
    """
    c, sv = win_client(0x5A10), linux_server()
    cp, sp, isn = 50712, 8080, 0x6E3D2A91
    frames = []
    t = 0
    for i in range(3):
        frames.append((t, frame(c, sv, cp, sp, isn, 0, SYN, 64240,
                                windows_syn_opts(), skip=2 if i else 0)))
        frames.append((t + 212, frame(sv, c, sp, cp, 0, isn + 1, RST | ACK, 0,
                                      ip_id=0)))
        t += 212 + s(0.5)
    return frames


def synth_windows_syn_retries():
    """Windows SYN never answered: SYNs at 0, 3 and 9 s, then connect()
    fails at 21 s (no packet).

    Sources: Windows' initial RTO for a connection attempt is 3 s (netsh
    "Initial RTO: 3000", Set-NetTCPSetting InitialRtoMs, default 3000) and
    doubles on each retransmission; TcpMaxConnectRetransmissions /
    "Max SYN Retransmissions" = 2 (Microsoft Learn, TCP/IP registry values),
    so the SYN is sent 3 times: 0, 3, 9 s, and the attempt times out at
    9 + 12 = 21 s.  Same ISN and port on every SYN; global IP ID counter
    (other traffic of the host consumes IDs in between).
    """
    c, sv = win_client(0x1F02), linux_server()
    cp, sp, isn = 61234, 443, 0x0BADF00D
    frames = []
    for i, t in enumerate((0.0, 3.0, 9.0)):
        frames.append((s(t), frame(c, sv, cp, sp, isn, 0, SYN, 64240,
                                   windows_syn_opts(), skip=(0, 7, 19)[i])))
    return frames


def synth_macos_syn_retries():
    """macOS SYN never answered: retransmissions 1,1,1,1,1,2,4,8 s apart
    (first 8 retransmissions; the real sequence continues 16, 32 s and the
    connect() gives up at the 75 s connection-establishment timer).

    Sources: XNU bsd/netinet/tcp_timer.c multiplies the retransmission
    timeout of a socket in SYN_SENT by the BSD table tcp_syn_backoff[]
    = {1,1,1,1,1,2,4,8,16,32,64,64,64}; the base is TCPTV_RTOBASE = 1 s
    (bsd/netinet/tcp_timer.h); tcp_keepinit (TCPTV_KEEP_INIT) = 75 s ends
    the attempt.  XNU stops sending RFC 7323 options on retransmitted SYNs
    only after net.inet.tcp.broken_peer_syn_rexmit_thres (10) retries and
    only for local connections, so every SYN here keeps them.  SYN options
    mss,nop,wscale 6,nop,nop,TS,sackOK,eol,eol and window 65535 are macOS'
    well-known SYN signature; TSval is a 1 ms clock.  macOS randomizes the
    IP ID (net.inet.ip.random_id = 1) and uses ephemeral ports 49152-65535
    (net.inet.ip.portrange.first/last).
    """
    c = Host("02:00:5e:10:00:0b", "192.0.2.11", 64, "random", 0x3C7D)
    sv = linux_server()
    cp, sp, isn, ts0 = 58231, 443, 0x9C1E44F7, 0x2D4A1B20
    gaps = [1, 1, 1, 1, 1, 2, 4, 8]
    t, frames = 0.0, []
    for i in range(len(gaps) + 1):
        frames.append((s(t), frame(c, sv, cp, sp, isn, 0, SYN, 65535,
                                   macos_syn_opts(ts0 + int(t * 1000)))))
        if i < len(gaps):
            t += gaps[i]
    return frames


def synth_freebsd_syn_retries():
    """FreeBSD SYN never answered: SYNs at 0, 1.0, 3.2, 7.4, 15.6, 31.8 and
    64.0 s; the attempt ends at 75 s without another packet.

    Sources (FreeBSD 13/14 defaults): the old BSD tcp_syn_backoff[] table
    ({1,1,1,1,1,2,4,8,16,32,64,64,64}, still in XNU) is gone from FreeBSD's
    sys/netinet/tcp_timer.c; tcp_timer_rexmt() computes the timeout of a
    SYN_SENT socket as tcp_rexmit_initial * tcp_backoff[t_rxtshift] with
    tcp_backoff[] = {1,2,4,8,16,32,64,...} and net.inet.tcp.rexmit_initial
    = 1000 ms, and TCPT_RANGESET (sys/netinet/tcp_timer.h) adds
    tcp_rexmit_slop (net.inet.tcp.rexmit_slop = 200 ms) to every backed-off
    value.  The first timeout is the plain t_rxtcur = rexmit_initial (1 s),
    then 2.2, 4.2, 8.2, 16.2, 32.2 s.  net.inet.tcp.keepinit = 75000 ms
    (TCPTV_KEEP_INIT) drops the connection at 75 s, before the next SYN
    (which would be at 128.2 s).  net.inet.tcp.rexmit_drop_options = 0, so
    retransmitted SYNs keep their options (older FreeBSD dropped window
    scale and timestamps from the 4th SYN on).  IP ID 0 on every SYN:
    net.inet.ip.random_id = 0 and net.inet.ip.rfc6864 = 1 (constant IP ID
    for atomic datagrams, DF set).  Ephemeral ports 10000-65535
    (net.inet.ip.portrange.first/last).  Window 65535, wscale 6; TSval
    counts milliseconds with a random per-connection offset.
    """
    c = Host("02:00:5e:10:00:0c", "192.0.2.12", 64, "zero")
    sv = linux_server()
    cp, sp, isn, ts0 = 23817, 443, 0x51F0A3C2, 0x7A11C0DE
    frames = []
    for t in (0.0, 1.0, 3.2, 7.4, 15.6, 31.8, 64.0):
        frames.append((s(t), frame(c, sv, cp, sp, isn, 0, SYN, 65535,
                                   freebsd_syn_opts(ts0 + int(t * 1000)))))
    return frames


def synth_windows_close():
    """A Windows client talks to a Linux-like server and closes first with
    an orderly four-way teardown: a non-Linux baseline with TTL 128.

    Sources: Windows SYN layout and window 64240 (see windows_syn_opts);
    Windows' initial TTL 128 (DefaultTTL); ephemeral ports 49152-65535;
    window scale 8 makes a window field of 1026 after the handshake mean
    262656 bytes.  The server side follows Linux (see the real
    close-client-first.pcap): SYN-ACK with IP ID 0, window 64240 and
    mss,nop,nop,sackOK,nop,wscale 7 when the SYN has no timestamps; an
    immediate ACK of the request (quickack), a delayed ACK (~40 ms) of the
    client's FIN, its own FIN when the application closes.  Windows ACKs
    the response with its FIN (the application closes right after reading)
    and ACKs the server's FIN at once.  RFC 9293 section 3.6 (four-way
    close); the client ends in TIME_WAIT (Windows TcpTimedWaitDelay).
    """
    c, sv = win_client(0x7C31), linux_server()
    sv._id = 0x4E12
    cp, sp = 51377, 80
    ci, si = 0x3F2A1B77, 0xC0FFEE01
    req = (b"GET / HTTP/1.1\r\nHost: 192.0.2.20\r\n"
           b"User-Agent: tcplife-sample\r\nConnection: close\r\n\r\n")
    body = b"<html><body>tcplife sample</body></html>\n"
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    c1, s1 = ci + 1, si + 1
    f = []
    f.append((0, frame(c, sv, cp, sp, ci, 0, SYN, 64240, windows_syn_opts())))
    f.append((s(0.000312), frame(sv, c, sp, cp, si, c1, SYN | ACK, 64240,
                                 linux_synack_opts_no_ts(), ip_id=0)))
    f.append((s(0.000498), frame(c, sv, cp, sp, c1, s1, ACK, 1026)))
    f.append((s(0.001120), frame(c, sv, cp, sp, c1, s1, PSH | ACK, 1026,
                                 payload=req)))
    c2 = c1 + len(req)
    f.append((s(0.001301), frame(sv, c, sp, cp, s1, c2, ACK, 502)))
    f.append((s(0.003870), frame(sv, c, sp, cp, s1, c2, PSH | ACK, 502,
                                 payload=resp)))
    s2 = s1 + len(resp)
    f.append((s(0.004615), frame(c, sv, cp, sp, c2, s2, FIN | ACK, 1025)))
    f.append((s(0.046702), frame(sv, c, sp, cp, s2, c2 + 1, ACK, 502)))
    f.append((s(0.204117), frame(sv, c, sp, cp, s2, c2 + 1, FIN | ACK, 502)))
    f.append((s(0.204401), frame(c, sv, cp, sp, c2 + 1, s2 + 1, ACK, 1025)))
    return f


def synth_fin_from_syn_sent():
    """A TFO-style client sends a SYN carrying data and then, before any
    answer, a FIN; the server never answers.

    Sources: RFC 7413 (TCP Fast Open) lets a SYN carry data together with a
    cookie (option kind 34).  A FIN before the handshake completes is not
    in RFC 9293's state machine (CLOSE in SYN-SENT just deletes the TCB,
    section 3.10.4) and Linux does not send one; it is the T/TCP idea
    (RFC 1644, the SYN-SENT* state with a pending FIN) and what a user-space
    or embedded stack may do when the application writes, then shuts down
    at once.  The FIN carries no ACK (nothing to acknowledge yet) and has
    seq = ISN + 1 + data length.  Layout otherwise as a Linux TFO SYN
    (tfo.pcap): mss,sackOK,TS,nop,wscale,TFO cookie,nop,nop; TTL 64.
    """
    c = Host("02:00:5e:10:00:0d", "192.0.2.13", 64, "counter", 0x2B90)
    sv = linux_server()
    cp, sp, isn, ts0 = 41822, 8443, 0x17E5C3A0, 0x00C8D1E2
    cookie = bytes.fromhex("5c1e9a07d2384f61")
    data = b"GET /tcplife\n"
    syn_opts = (o_mss(1460) + O_SACKOK + o_ts(ts0, 0) + NOP + o_ws(7)
                + o_tfo(cookie) + NOP + NOP)
    f = []
    f.append((0, frame(c, sv, cp, sp, isn, 0, SYN, 64240, syn_opts,
                       payload=data)))
    f.append((s(0.001034), frame(c, sv, cp, sp, isn + 1 + len(data), 0, FIN,
                                 64240, NOP + NOP + o_ts(ts0 + 1, 0))))
    return f


def synth_keepalive_windows():
    """Windows keepalive: after 2 h idle the client sends a 1-byte probe at
    seq = SND.UNA - 1, the server ACKs it (twice, 2 h apart); then the
    server is gone: ten probes 1 s apart go unanswered and the client
    aborts with RST+ACK.

    Sources: RFC 1122 section 4.2.3.6 (keepalive segment with
    SEG.SEQ = SND.NXT-1, which may carry one garbage octet for
    compatibility with broken receivers); Windows sends that one byte
    (0x00) where Linux and BSD send none.  Windows defaults: KeepAliveTime
    7,200,000 ms (2 h), KeepAliveInterval 1000 ms, and since Windows Vista
    10 unanswered probes (fixed; Microsoft Learn, SIO_KEEPALIVE_VALS and
    the TCP/IP registry values) before the connection is dropped; the
    client's RST+ACK is its abort of the timed-out connection.  The probe
    lies before RCV.NXT, so the Linux server answers with an immediate ACK
    (RCV.NXT) that carries a D-SACK block for the duplicate byte (RFC 2883;
    SACK was negotiated, timestamps were not).
    """
    c, sv = win_client(0x0A11), linux_server()
    sv._id = 0x91C4
    cp, sp = 50244, 5432
    ci, si = 0x6A0C12F4, 0x2F7B9E03
    req, resp = b"PING tcplife\r\n", b"PONG tcplife ok\r\n"
    c1, s1 = ci + 1, si + 1
    f = []
    f.append((0, frame(c, sv, cp, sp, ci, 0, SYN, 64240, windows_syn_opts())))
    f.append((s(0.000287), frame(sv, c, sp, cp, si, c1, SYN | ACK, 64240,
                                 linux_synack_opts_no_ts(), ip_id=0)))
    f.append((s(0.000455), frame(c, sv, cp, sp, c1, s1, ACK, 1026)))
    f.append((s(0.000911), frame(c, sv, cp, sp, c1, s1, PSH | ACK, 1026,
                                 payload=req)))
    c2 = c1 + len(req)
    f.append((s(0.001102), frame(sv, c, sp, cp, s1, c2, ACK, 502)))
    f.append((s(0.001788), frame(sv, c, sp, cp, s1, c2, PSH | ACK, 502,
                                 payload=resp)))
    s2 = s1 + len(resp)
    f.append((s(0.201790), frame(c, sv, cp, sp, c2, s2, ACK, 1026)))
    idle = 7200.0
    t = 0.201790 + idle                  # 2 h after the last segment received
    for _ in range(2):                   # answered probes
        f.append((s(t), frame(c, sv, cp, sp, c2 - 1, s2, ACK, 1026,
                              payload=b"\x00", skip=311)))
        f.append((s(t + 0.000231), frame(sv, c, sp, cp, s2, c2, ACK, 502,
                                         NOP + NOP + o_sack((c2 - 1, c2)))))
        t += 0.000231 + idle
    for _ in range(10):                  # server gone: unanswered probes
        f.append((s(t), frame(c, sv, cp, sp, c2 - 1, s2, ACK, 1026,
                              payload=b"\x00", skip=3)))
        t += 1.0
    f.append((s(t), frame(c, sv, cp, sp, c2, s2, RST | ACK, 0, skip=3)))
    return f


SYNTH = [
    ("synth-windows-refused-retry.pcap", synth_windows_refused_retry),
    ("synth-windows-syn-retries.pcap", synth_windows_syn_retries),
    ("synth-macos-syn-retries.pcap", synth_macos_syn_retries),
    ("synth-freebsd-syn-retries.pcap", synth_freebsd_syn_retries),
    ("synth-windows-close.pcap", synth_windows_close),
    ("synth-fin-from-syn-sent.pcap", synth_fin_from_syn_sent),
    ("synth-keepalive-windows.pcap", synth_keepalive_windows),
]


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    outdir = argv[1] if len(argv) == 2 else HERE
    os.makedirs(outdir, exist_ok=True)
    for name, fn in SYNTH:
        frames = fn()
        write_pcap(os.path.join(outdir, name), frames)
        print(f"{name}: {len(frames)} frames")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
