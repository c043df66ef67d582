#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh: the README's promise on a fresh machine, for the one piece a
# machine that already built tcplife never repeats: the Flow Graph headers
# libwireshark-dev does not install. scripts/test.sh runs it as root (stage
# "fresh headers"; TCPLIFE_FRESH=0 leaves it out); it can run on its own.
#   1. scripts/ws-headers.sh (what scripts/deps.sh runs) with an EMPTY cache
#      folder (TCPLIFE_WS_CACHE, a new mktemp -d under /var/tmp): it fetches
#      Debian's source package of the installed libwireshark-dev and caches
#      epan/sequence_analysis.h there, or says libwireshark-dev installs it;
#   2. cmake with -DBUILD_TESTING=OFF and that cache into a scratch build
#      folder: the Flow Graph type must be on, from that cache, and no test
#      dependency (cmocka) may have been looked for; then the build;
#   3. tshark with that plugin (tests/e2e/tshark-plugin.sh) must list
#      flow,tcplife in -z help, and draw close-client-first.pcap's Flow Graph
#      as its golden file says.
# Everything it made is deleted at the end; the machine's own cache
# (/var/cache/tcplife) and build/ are not touched. What it does not cover:
# ws-headers.sh's making of a deb-src apt source (only when /etc/apt has
# none; the compat roots do it once when they are made).
# Needs root (ws-headers.sh: apt-get source, apt sources) and the network:
# exits 77 (skipped, saying why) when not root; fails when the fetch fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
log() { printf 'fresh: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the fresh-machine header fetch needs root (apt-get source, apt sources): sudo $0"
    exit 77
fi
work=$(mktemp -d /var/tmp/tcplife-fresh.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
chmod 755 "$work"                 # tshark runs as nobody and reads build/
cache=$work/cache build=$work/build
mkdir -p "$cache"
wsinc=${TCPLIFE_WS_INCLUDE:-/usr/include/wireshark}

start=$SECONDS
log "1/3 scripts/ws-headers.sh with an empty cache: TCPLIFE_WS_CACHE=$cache"
inc=$(TCPLIFE_WS_CACHE=$cache "$top/scripts/ws-headers.sh" --print) \
    || fail "scripts/ws-headers.sh failed with an empty cache (above): a fresh machine gets no Flow Graph"
case "$inc" in
"$cache"/ws-include/*) [ -f "$inc/epan/sequence_analysis.h" ] || fail "$inc has no epan/sequence_analysis.h" ;;
"$wsinc") log "libwireshark-dev installs epan/sequence_analysis.h: nothing was fetched" ;;
*) fail "ws-headers.sh printed '$inc', neither in $cache nor $wsinc" ;;
esac
log "headers in $inc ($((SECONDS - start)) s)"

start=$SECONDS
log "2/3 cmake -DBUILD_TESTING=OFF -DTCPLIFE_WS_CACHE=$cache, build in $build"
cmake -S "$top" -B "$build" -DBUILD_TESTING=OFF -DTCPLIFE_WS_CACHE="$cache" >"$work/cmake.log" 2>&1 \
    || { cat "$work/cmake.log" >&2; fail "cmake failed"; }
flow=$(grep 'Flow Graph type' "$work/cmake.log" || true)
printf '%s\n' "$flow" >&2
[[ $flow == *'"TCP Lifecycle": on (epan/sequence_analysis.h from '"$inc"')'* ]] \
    || fail "the Flow Graph type is not on from $inc"
cache_vars=$(cat "$build/CMakeCache.txt")
if grep -qi 'cmocka' <<<"$cache_vars"; then
    fail "BUILD_TESTING=OFF but cmocka was looked for: $(grep -i cmocka <<<"$cache_vars" | head -n 3)"
fi
cmake --build "$build" -j"$(nproc)" >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; fail "build failed"; }
log "configured and built ($((SECONDS - start)) s)"

start=$SECONDS
log "3/3 tshark with that plugin"
help=$("$top/tests/e2e/tshark-plugin.sh" "$build" -z help 2>&1) || true
grep -qE '^[[:space:]]*flow,tcplife$' <<<"$help" \
    || fail "tshark -z help does not list flow,tcplife with the plugin of $build"
cap=$top/sample-captures/close-client-first.pcap
golden=$top/tests/golden/close-client-first.flow.txt
"$top/tests/e2e/view.sh" "$build" "$cap" flow >"$work/flow.txt"
diff -u "$golden" "$work/flow.txt" >&2 || fail "close-client-first's Flow Graph differs from $golden"
log "flow,tcplife listed; close-client-first's Flow Graph = its golden ($((SECONDS - start)) s)"
log "passed"
