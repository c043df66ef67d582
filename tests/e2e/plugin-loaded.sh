#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# plugin-loaded.sh BUILD_DIR: fails unless tshark loads tcplife.so from
# BUILD_DIR (and not an installed copy), and the protocol is registered.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)

plugins=$("$here/tshark-plugin.sh" "$build" -G plugins 2>&1)
line=$(printf '%s\n' "$plugins" | grep -E '^tcplife\.so' || true)
if [ -z "$line" ]; then
    echo "tcplife.so is not among tshark's plugins:" >&2
    printf '%s\n' "$plugins" >&2
    exit 1
fi
case "$line" in
    *"$build/plugins/"*) echo "loaded: $line" ;;
    *) echo "tshark loaded another tcplife.so: $line" >&2; exit 1 ;;
esac
# 4.0 prints name, short name, filter name; 4.4 on add columns after them.
"$here/tshark-plugin.sh" "$build" -G protocols | grep -P '^TCP Lifecycle\tTCPLIFE\ttcplife(\t|$)' >/dev/null \
    || { echo "protocol tcplife is not registered" >&2; exit 1; }
