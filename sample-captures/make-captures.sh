#!/usr/bin/env bash
# Regenerate the tcplife sample captures with the real Linux TCP stack.
#
#   sudo sample-captures/make-captures.sh [OUTDIR] [SCENARIO...]
#
# OUTDIR defaults to the folder of this script. SCENARIO names may be given
# with or without ".pcap"; without any, every scenario is run. For each
# scenario a fresh pair of network namespaces (client "tlc", server "tls")
# joined by a veth pair is created, scenarios.py drives the sockets and
# tcpdump inside them (and writes what nstat and ss reported to
# OUTDIR/kernel/NAME.txt), and the namespaces are deleted again (also on
# error or Ctrl-C). Each capture's flag sequence is then checked against the
# one the scenario expects; the script exits non-zero if any differs.
#
# Needs: root, iproute2 (ip, tc, ss), nftables (nft), tcpdump, python3.
# Environment: TCPLIFE_NS_CLIENT / TCPLIFE_NS_SERVER override the namespace
# names (default tlc / tls), e.g. to run two copies at once.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3
DRIVER="$HERE/scenarios.py"

export TCPLIFE_NS_CLIENT=${TCPLIFE_NS_CLIENT:-tlc}
export TCPLIFE_NS_SERVER=${TCPLIFE_NS_SERVER:-tls}
export TCPLIFE_IF_CLIENT=${TCPLIFE_NS_CLIENT}0
export TCPLIFE_IF_SERVER=${TCPLIFE_NS_SERVER}0
NS_C=$TCPLIFE_NS_CLIENT NS_S=$TCPLIFE_NS_SERVER
IF_C=$TCPLIFE_IF_CLIENT IF_S=$TCPLIFE_IF_SERVER

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    echo "Scenarios:"; "$PY" "$DRIVER" list | sed 's/^/  /'
}

case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    --list) "$PY" "$DRIVER" list; exit 0 ;;
esac

OUTDIR=${1:-$HERE}
[[ $# -gt 0 ]] && shift
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

mapfile -t ALL < <("$PY" "$DRIVER" list)
if [[ $# -gt 0 ]]; then
    WANT=()
    for arg in "$@"; do
        name=${arg%.pcap}
        found=0
        for s in "${ALL[@]}"; do [[ $s == "$name" ]] && found=1; done
        if [[ $found == 0 ]]; then
            echo "unknown scenario: $arg (try --list)" >&2
            exit 2
        fi
        WANT+=("$name")
    done
else
    WANT=("${ALL[@]}")
fi

if [[ $(id -u) != 0 ]]; then
    echo "make-captures.sh must run as root (network namespaces, tcpdump)" >&2
    exit 1
fi
for tool in ip tc ss nft tcpdump; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
for ns in "$NS_C" "$NS_S"; do
    if ip netns list | grep -qw -- "$ns"; then
        echo "network namespace $ns already exists; is another run active?" \
             "(delete it with: ip netns del $ns)" >&2
        exit 1
    fi
done

OWN_NS=0
CHILD=
teardown() {
    if [[ $OWN_NS == 1 ]]; then
        ip netns del "$NS_C" 2>/dev/null || true
        ip netns del "$NS_S" 2>/dev/null || true
        OWN_NS=0
    fi
}
on_signal() {
    # stop the running scenario (scenarios.py stops tcpdump on SIGTERM)
    if [[ -n $CHILD ]]; then
        kill -TERM "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    exit 130
}
trap teardown EXIT
trap on_signal INT TERM

setup() {
    OWN_NS=1
    ip netns add "$NS_C"
    ip netns add "$NS_S"
    ip link add "$IF_C" address 02:77:00:00:00:01 netns "$NS_C" type veth \
        peer name "$IF_S" address 02:77:00:00:00:02 netns "$NS_S"
    local ns ifc v4 v6
    for ns in "$NS_C" "$NS_S"; do
        if [[ $ns == "$NS_C" ]]; then ifc=$IF_C v4=10.77.0.1 v6=fd77::1
        else ifc=$IF_S v4=10.77.0.2 v6=fd77::2; fi
        ip -n "$ns" link set lo up
        # no router solicitations etc.; addresses usable at once (nodad)
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf."$ifc".accept_ra=0
        ip -n "$ns" addr add "$v4"/24 dev "$ifc"
        ip -n "$ns" addr add "$v6"/64 dev "$ifc" nodad
        ip netns exec "$ns" "$PY" "$DRIVER" offloads-off "$ifc"
        ip -n "$ns" link set "$ifc" up
    done
}

FAILED=()
for name in "${WANT[@]}"; do
    echo "== $name"
    setup
    # run in the background and wait, so that a signal is handled at once
    "$PY" "$DRIVER" run "$name" "$OUTDIR" &
    CHILD=$!
    rc=0
    wait "$CHILD" || rc=$?
    CHILD=
    if [[ $rc != 0 ]]; then
        FAILED+=("$name")
        teardown
        continue
    fi
    teardown
    "$PY" "$DRIVER" check "$name" "$OUTDIR/$name.pcap" || FAILED+=("$name")
done

if [[ ${#FAILED[@]} -gt 0 ]]; then
    echo "FAILED: ${FAILED[*]}" >&2
    exit 1
fi
echo "all ${#WANT[@]} captures written to $OUTDIR and checked"
