#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh BUILD_DIR WORKDIR CASE: one hostile or odd capture (made by
# make-hostile.py into WORKDIR) and what tcplife must do with it: never crash,
# never guess, flag what it cannot place.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) work=$2 case=$3
caps=$top/sample-captures
[ -f "$work/many-connections.pcap" ] || python3 "$here/make-hostile.py" "$work" "$caps" || exit 1
ts() { "$top/tests/e2e/tshark-plugin.sh" "$build" -n "$@"; }
fail() { echo "FAIL ($case): $*"; exit 1; }

# The verdict columns of a fields view (no times, no sequence numbers).
verdict() {
    "$top/tests/e2e/view.sh" "$build" "$1" fields | awk -F'\t' '
        NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
        { print $idx["tcplife.sender"], $idx["tcplife.phase"], $idx["tcplife.state.client"],
                $idx["tcplife.state.server"], $idx["tcplife.handshake.step"],
                $idx["tcplife.teardown.step"], $idx["tcplife.teardown.kind"],
                $idx["tcplife.rst.kind"], $idx["tcplife.time_wait.holder"], $idx["tcplife.api"] }'
}
col() { ts -r "$work/$1.pcap" -T fields -e "$2"; }

case "$case" in
truncated-header)   # 54-byte snaplen: the header without options is all tcplife needs
    diff <(verdict "$caps/close-client-first.pcap") <(verdict "$work/truncated-header.pcap") \
        || fail "verdicts differ from the untruncated capture" ;;
truncated-some|truncated-some-ipv6)  # every second frame's options cut: the same stream and length as whole
    orig=close-client-first; [ "$case" = truncated-some-ipv6 ] && orig=ipv6-close
    # The tcpdump text up to its options: flags, seq (a range iff payload:
    # the length), ack, win. Cut options end it with " [|tcp]" and no
    # "length N", as tcpdump prints them.
    lens() { ts -r "$@" -T fields -e tcplife.stream -e tcplife.tcpdump \
             | sed -E 's/, options \[.*$//; s/, length [0-9]+$//'; }
    [ "$(lens "$work/$case.pcap" | grep -c 'Flags \[')" -gt 6 ] || fail "frames untracked"
    diff <(verdict "$caps/$orig.pcap") <(verdict "$work/$case.pcap") \
        || fail "verdicts differ from the untruncated capture"
    diff <(lens "$caps/$orig.pcap") <(lens "$work/$case.pcap") || fail "stream or length differ"
    diff <(lens "$work/$case.pcap") <(lens "$work/$case.pcap" -2) || fail "one and two passes differ" ;;
truncated-tcp)      # the TCP header itself is cut: flagged, never tracked
    n=$(ts -r "$work/truncated-tcp.pcap" -Y 'tcplife.untracked' | wc -l)
    [ "$n" -eq 11 ] || fail "$n of 11 frames carry the untracked expert item"
    [ -z "$(col truncated-tcp tcplife.phase | tr -d '\n')" ] || fail "a truncated header got a phase" ;;
duplicated)         # every frame twice: nothing advances twice, no copy is a retry
    [ "$(col duplicated tcplife.teardown.step | grep . | tr '\n' ' ')" = "1 2 3 4 " ] \
        || fail "teardown steps: $(col duplicated tcplife.teardown.step | grep . | tr '\n' ' ')"
    [ "$(col duplicated tcplife.handshake.retry | grep -c .)" -eq 0 ] || fail "a copy was taken for a retry"
    # Copies of SYN, SYN-ACK, FIN and data frames name their original (pure
    # ACKs with IP ID 0 cannot be told from real duplicate ACKs).
    [ "$(col duplicated tcplife.duplicate | grep -c .)" -ge 6 ] || fail "copies not marked tcplife.duplicate"
    [ "$(col duplicated tcplife.state.client | tail -1)" = TIME_WAIT ] || fail "final client state" ;;
reordered-fin)      # the ACK of a FIN captured before the FIN
    [ "$(col reordered-fin tcplife.teardown.kind | tail -1)" = four-way ] || fail "not four-way"
    [ "$(col reordered-fin tcplife.teardown.step | grep . | tr '\n' ' ')" = "1 3 4 " ] || fail "steps"
    ts -r "$work/reordered-fin.pcap" -Y 'tcplife.anomaly.teardown_ack_before_fin' -T fields -e frame.number \
        | grep -x 9 >/dev/null || fail "frame 9 lacks the reordering expert item" ;;
seq-wrap)           # both ISNs 20 below 2^32: the same verdicts as the original
    diff <(verdict "$caps/close-client-first.pcap") <(verdict "$work/seq-wrap.pcap") \
        || fail "verdicts differ after the wrap" ;;
rst-with-data)
    ts -r "$work/rst-with-data.pcap" -Y 'tcplife.anomaly.reset_with_data && tcplife.phase == "reset"' \
        | grep . >/dev/null || fail "no RST-with-data expert item" ;;
fin-first)          # a connection first seen at its FIN
    case "$(col fin-first tcplife.midstream | head -1)" in 1|True) ;; *) fail "not midstream" ;; esac
    [ "$(col fin-first tcplife.teardown.kind | tail -1)" = four-way ] || fail "not four-way"
    [ "$(col fin-first tcplife.state.server | tail -1)" = CLOSED ] || fail "server not CLOSED" ;;
syn-data)           # data on a SYN without TFO: not acknowledged, sent again
    [ "$(col syn-data tcplife.handshake.step | grep . | tr '\n' ' ')" = "1 2 3 " ] || fail "handshake steps"
    [ "$(col syn-data tcplife.state.server | tail -1)" = ESTABLISHED ] || fail "server state" ;;
gre-tunnel)         # TCP inside GRE: tracked with the inner addresses
    diff <(verdict "$caps/close-client-first.pcap") <(verdict "$work/gre-tunnel.pcap") \
        || fail "verdicts differ inside the tunnel"
    ts -r "$work/gre-tunnel.pcap" -q -z tcplife,conn,tsv | grep '10.77.0.1:[0-9]*	10.77.0.2:7001' >/dev/null \
        || fail "the connection is not keyed by the inner addresses" ;;
icmp-quoted)        # TCP headers quoted in ICMP/ICMPv6 errors: no tree, no state change
    n=$(ts -r "$caps/icmp-unreachable.pcap" -Y 'icmp || icmpv6' | wc -l)
    m=$(ts -r "$caps/icmp-unreachable.pcap" -Y '(icmp || icmpv6) && tcplife' | wc -l)
    [ "$n" -eq 4 ] && [ "$m" -eq 0 ] || fail "$m of $n ICMP frames got a lifecycle tree" ;;
many-connections)   # 20000 connections: all tracked, memory bounded
    out=$(/usr/bin/time -f 'rss %M' "$top/tests/e2e/tshark-plugin.sh" "$build" -n \
          -r "$work/many-connections.pcap" -q -z tcplife,sum 2>&1)
    grep -q '^Connections: 20000$' <<<"$out" || fail "not 20000 connections"
    # Each client answers the SYN-ACK with a bare RST: its socket was gone.
    grep -qE '^  stray +20000$' <<<"$out" || fail "not 20000 stray RSTs"
    mkdir -p "$work/no-plugin/plugins"      # the same tshark, no tcplife
    base=$(/usr/bin/time -f 'rss %M' "$top/tests/e2e/tshark-plugin.sh" "$work/no-plugin" -n \
           -r "$work/many-connections.pcap" -Y tcp -q 2>&1 | sed -n 's/^rss //p')
    rss=$(sed -n 's/^rss //p' <<<"$out")
    # 20000 connections and 60000 frames: at most 4 KB of plugin state per connection.
    echo "peak RSS ${rss} KB with tcplife, ${base} KB without"
    [ $((rss - base)) -lt 80000 ] || fail "RSS ${rss} KB vs ${base} KB without the plugin" ;;
*) echo "run.sh: unknown case $case" >&2; exit 2 ;;
esac
echo "ok: $case"
