#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   bench/make-big-capture.sh OUTDIR [PACKETS]
#
# Writes OUTDIR/big-PACKETS.pcap: about PACKETS packets (default 1000000) of
# HTTP/1.1 over the real Linux TCP stack, about one connection per 20
# packets, with mixed lifecycles: client-first and server-first closes,
# half-closes, RSTs with unread data from either side, SO_LINGER 0 aborts,
# refused connections, and a few long (1-2 MB) transfers; 10% over IPv6.
# bench/loadgen.c (compiled here) is the client and the server; the mix is
# its mix[] table.
#
# Like sample-captures/make-captures.sh: a fresh pair of network namespaces
# joined by a veth pair with segmentation and checksum offloads off (so the
# capture looks like a wire: no super-segments), tcpdump -s 128 on the
# server's side. The client stops starting connections once the veth has
# carried PACKETS packets, so the capture holds a few hundred more; cut it
# with `editcap -r IN OUT 1-N` for an exact count.
#
# Needs root, iproute2, tcpdump, gcc, python3. Namespace names: TLBENCH_NS_CLIENT /
# TLBENCH_NS_SERVER (default tlbc / tlbs). TLBENCH_CONCURRENCY (default 48),
# TLBENCH_SEED (default 1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
[[ $# -ge 1 ]] || { sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
OUTDIR=$1
PACKETS=${2:-1000000}
NS_C=${TLBENCH_NS_CLIENT:-tlbc}
NS_S=${TLBENCH_NS_SERVER:-tlbs}
IF_C=${NS_C}0 IF_S=${NS_S}0
CONC=${TLBENCH_CONCURRENCY:-48}
SEED=${TLBENCH_SEED:-1}
C4=10.78.0.1 S4=10.78.0.2 C6=fd78::1 S6=fd78::2

[[ $(id -u) == 0 ]] || { echo "make-big-capture.sh must run as root" >&2; exit 1; }
for t in ip tcpdump gcc python3; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
for ns in "$NS_C" "$NS_S"; do
    if ip netns list | grep -qw -- "$ns"; then
        echo "network namespace $ns exists; another run active? (ip netns del $ns)" >&2
        exit 1
    fi
done
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
OUT=$OUTDIR/big-$PACKETS.pcap
WORK=$(mktemp -d /tmp/tlbench-cap.XXXXXX)

SRV_PID= DUMP_PID=
cleanup() {
    if [[ -n $SRV_PID ]]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null || true; fi
    if [[ -n $DUMP_PID ]]; then kill "$DUMP_PID" 2>/dev/null; wait "$DUMP_PID" 2>/dev/null || true; fi
    ip netns del "$NS_C" 2>/dev/null || true
    ip netns del "$NS_S" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -O2 -Wall -o "$WORK/loadgen" "$HERE/loadgen.c" -lm

ip netns add "$NS_C"
ip netns add "$NS_S"
ip link add "$IF_C" address 02:78:00:00:00:01 netns "$NS_C" type veth \
    peer name "$IF_S" address 02:78:00:00:00:02 netns "$NS_S"
for ns in "$NS_C" "$NS_S"; do
    if [[ $ns == "$NS_C" ]]; then ifc=$IF_C v4=$C4 v6=$C6; else ifc=$IF_S v4=$S4 v6=$S6; fi
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf."$ifc".accept_ra=0
    ip -n "$ns" addr add "$v4"/24 dev "$ifc"
    ip -n "$ns" addr add "$v6"/64 dev "$ifc" nodad
    # the sample-capture machinery's ethtool ioctl: TSO, GSO, SG, tx csum off
    ip netns exec "$ns" python3 "$TOP/sample-captures/scenarios.py" offloads-off "$ifc"
    ip -n "$ns" link set "$ifc" up
    ip netns exec "$ns" sysctl -q -w net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
done
# ~50k connections from one address: let the client reuse TIME_WAIT ports
# (older than 1 s, with timestamps) instead of running out of them.
ip netns exec "$NS_C" sysctl -q -w net.ipv4.tcp_tw_reuse=1

ip netns exec "$NS_S" "$WORK/loadgen" server >"$WORK/server.out" 2>"$WORK/server.err" &
SRV_PID=$!
ip netns exec "$NS_S" tcpdump -i "$IF_S" -s 128 -B 131072 --immediate-mode -n -w "$WORK/cap.pcap" \
    tcp 2>"$WORK/tcpdump.err" &
DUMP_PID=$!
for _ in $(seq 100); do
    grep -q '^ready' "$WORK/server.out" 2>/dev/null && grep -q 'listening on' "$WORK/tcpdump.err" && break
    sleep 0.1
done
grep -q 'listening on' "$WORK/tcpdump.err" || { echo "tcpdump did not start:" >&2; cat "$WORK/tcpdump.err" >&2; exit 1; }

start=$(date +%s.%N)
ip netns exec "$NS_C" "$WORK/loadgen" client "$S4" "$S6" "$IF_C" "$PACKETS" "$CONC" "$SEED"
sleep 1   # the last FINs and ACKs
kill -INT "$DUMP_PID"; wait "$DUMP_PID" || true; DUMP_PID=
end=$(date +%s.%N)
grep -E 'captured|dropped' "$WORK/tcpdump.err" | sed 's/^/tcpdump: /'
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$WORK/tcpdump.err")
if [[ ${dropped:-0} != 0 ]]; then
    echo "tcpdump dropped $dropped packets: the capture is incomplete" >&2
    exit 1
fi
mv "$WORK/cap.pcap" "$OUT"
chmod 644 "$OUT"
printf 'wrote %s in %.0f s\n' "$OUT" "$(echo "$end - $start" | bc)"
