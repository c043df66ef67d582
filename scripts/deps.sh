#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deps.sh [--capture]: installs the Debian packages tcplife needs to build and
# test (and, with --capture, to regenerate sample captures) when missing.
# Then fetches the Wireshark headers libwireshark-dev does not install
# (scripts/ws-headers.sh: epan/sequence_analysis.h for the Flow Graph type,
# from Debian's source package of the same version, cached in
# /var/cache/tcplife); when that fails the plugin builds without the Flow
# Graph, so it only warns.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(cmake make gcc pkg-config libglib2.0-dev wireshark-dev libwireshark-dev
      tshark libcmocka-dev util-linux tcpdump python3 nftables iproute2 time
      valgrind clang libclang-rt-dev bzip2 xz-utils)
# valgrind: memcheck; clang, libclang-rt-dev: libFuzzer (docs/reliability.md);
# bzip2, xz-utils: Wireshark's source tarball for scripts/ws-headers.sh.
# The GUI tests install their own packages when they run (tests/gui/lib.sh
# GUI_PKGS): not here, so that the compat roots, which skip them, stay small.
[ "${1:-}" = --capture ] && pkgs+=(tcpdump nftables iproute2 python3)

missing=()
for p in "${pkgs[@]}"; do
    # No `| grep -q` under pipefail (grep's early exit can fail the pipe).
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep dumpcap unprivileged: tcplife only reads capture files.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Not root: nothing to do without sudo when the headers are installed or cached.
if [ ${#sudo[@]} -eq 0 ] || ! "$top/scripts/ws-headers.sh" 2>/dev/null; then
    "${sudo[@]}" "$top/scripts/ws-headers.sh" \
        || echo "deps.sh: WARNING: no epan/sequence_analysis.h (above): the plugin builds without" \
                "the \"TCP Lifecycle\" Flow Graph type and its tests are skipped" >&2
fi
