#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tshark-plugin.sh BUILD_DIR [TSHARK ARGS...]
#
# Runs tshark with the tcplife plugin freshly built in BUILD_DIR, isolated
# from the machine: TZ=UTC, LC_ALL=C, an empty configuration folder and HOME.
# tshark started as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin
# folder, so as root it is started as an unprivileged user (nobody).
set -euo pipefail

build=$(cd "$1" && pwd); shift
tmp=$(mktemp -d /tmp/tcplife-tshark.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/config"

run=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody:nogroup "$tmp"
    run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

"${run[@]}" env -i \
    PATH=/usr/bin:/bin:/usr/sbin:/sbin \
    HOME="$tmp/home" \
    WIRESHARK_CONFIG_DIR="$tmp/config" \
    WIRESHARK_PLUGIN_DIR="$build/plugins" \
    TZ=UTC LC_ALL=C \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
    ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
    ${LD_PRELOAD:+LD_PRELOAD="$LD_PRELOAD"} \
    tshark "$@"
