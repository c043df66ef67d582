#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deps.sh [--capture]: installs the Debian packages tcplife needs to build and
# test (and, with --capture, to regenerate sample captures) when missing.
set -euo pipefail
pkgs=(cmake make gcc pkg-config libglib2.0-dev wireshark-dev libwireshark-dev
      tshark libcmocka-dev util-linux tcpdump python3 nftables iproute2 time
      valgrind clang libclang-rt-dev)
# valgrind: memcheck; clang, libclang-rt-dev: libFuzzer (docs/reliability.md).
[ "${1:-}" = --capture ] && pkgs+=(tcpdump nftables iproute2 python3)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
# Keep dumpcap unprivileged: tcplife only reads capture files.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
