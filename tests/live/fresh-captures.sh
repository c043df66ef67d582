#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fresh-captures.sh BUILD_DIR [--all | SCENARIO...]: the plugin on captures
# that are NOT in the repository. Makes fresh captures with the real Linux
# stack (sample-captures/make-captures.sh, private namespace names) and
# checks that every frame gets the same lifecycle verdict as the reviewed
# golden of the committed capture of that scenario: phase, both states,
# handshake and teardown steps, half-close bytes, RST kind and figures,
# TIME_WAIT holder and reuse, socket call. Timing-dependent columns
# (backoff, durations, time left) are left out. Where the scenario records
# the kernel's counters (kernel/NAME.txt), the RSTs must also agree with
# what the kernel counted in this run (tests/e2e/kernel-agree.py).
#
# Needs root and network namespaces; exits 77 (skipped) without them. The
# default set leaves out the slow scenarios (SYN retries, TIME_WAIT expiry);
# --all runs every one (about 3 minutes).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd); shift

if [ "${TCPLIFE_LIVE:-1}" = 0 ]; then echo "skipped: TCPLIFE_LIVE=0"; exit 77; fi
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v tcpdump >/dev/null \
   || ! command -v nft >/dev/null || ! ip netns add tlfresh-probe 2>/dev/null; then
    echo "skipped: needs root, iproute2, nftables, tcpdump and network namespaces"
    exit 77
fi
ip netns del tlfresh-probe

slow="syn-retries-dropped syn-retries-linear synack-timeout timewait-reuse-expired accept-queue-overflow accept-queue-overflow-abort"
if [ "${1:-}" = --all ]; then
    set -- $(/usr/bin/python3 "$top/sample-captures/scenarios.py" list)
elif [ $# -eq 0 ]; then
    set --
    for s in $(/usr/bin/python3 "$top/sample-captures/scenarios.py" list); do
        case " $slow " in *" $s "*) ;; *) set -- "$@" "$s" ;; esac
    done
fi

tmp=$(mktemp -d /tmp/tcplife-fresh.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
TCPLIFE_NS_CLIENT=tlfc TCPLIFE_NS_SERVER=tlfs "$top/sample-captures/make-captures.sh" "$tmp" "$@" \
    >"$tmp/make.log" 2>&1 || { echo "make-captures.sh failed:"; tail -20 "$tmp/make.log"; exit 1; }

# The verdict columns, by name, from a fields view.
cols='frame.number tcp.stream tcplife.sender tcp.flags.str tcp.len tcplife.phase
      tcplife.state.client tcplife.state.server tcplife.handshake.step tcplife.handshake.ack_ok
      tcplife.handshake.retry tcplife.teardown.step tcplife.teardown.kind tcplife.teardown.initiator
      tcplife.half_close tcplife.half_close.bytes tcplife.rst.kind tcplife.rst.unread_data
      tcplife.rst.unread_bytes tcplife.rst.unacked_bytes tcplife.time_wait.holder
      tcplife.time_wait.reuse tcplife.midstream tcplife.roles_inferred tcplife.api
      tcplife.rst.reason tcplife.keepalive'
pick() {
    awk -F'\t' -v want="$(echo $cols)" '
        NR == 1 { n = split(want, w, " "); for (i = 1; i <= NF; i++) idx[$i] = i }
        { line = ""; for (j = 1; j <= n; j++) line = line (j > 1 ? "\t" : "") $(idx[w[j]]); print line }'
}

fail=0
for s in "$@"; do
    golden=$top/tests/golden/$s.fields.txt
    [ -f "$golden" ] || { echo "$s: no golden"; fail=1; continue; }
    chmod 644 "$tmp/$s.pcap"
    "$top/tests/e2e/view.sh" "$build" "$tmp/$s.pcap" fields | pick >"$tmp/$s.fresh"
    pick <"$golden" >"$tmp/$s.golden"
    if diff -u "$tmp/$s.golden" "$tmp/$s.fresh" >"$tmp/$s.diff"; then
        echo "same verdicts: $s ($(($(wc -l <"$tmp/$s.fresh") - 1)) frames)"
    else
        echo "DIFFERENT: $s"; cat "$tmp/$s.diff"; fail=1
    fi
    # The RSTs against what the kernel counted during this very run.
    if [ -f "$tmp/kernel/$s.txt" ]; then
        if "$top/tests/e2e/kernel-agree.py" "$build" "$tmp/$s.pcap" "$tmp/kernel/$s.txt" >"$tmp/$s.kernel" 2>&1; then
            echo "kernel agrees: $s"
        else
            echo "KERNEL DIFFERS: $s"; cat "$tmp/$s.kernel"; fail=1
        fi
    fi
done
exit $fail
