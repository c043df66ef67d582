#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# epan-skip.sh CAPTURE [GOLDEN]: for a CAPTURE listed in epan-differences.txt
# and a tshark of the listed version or later (its streams differ there),
# sets $golden to that version's reviewed golden, tests/golden/epan-FROM/ +
# GOLDEN's name, when there is one; otherwise exits 77 with the reason (the
# test is skipped there). Does nothing for other captures and versions.
# Sourced by golden.sh and tcpdump-check.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$(basename "$1" .pcap)
line=$(awk -v n="$name" '$1 == n' "$here/epan-differences.txt")
[ -n "$line" ] || return 0 2>/dev/null || exit 0
from=$(awk '{ print $2 }' <<<"$line")
have=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$from" "$have" | sort -V | head -n 1)" = "$from" ]; then
    if [ -n "${2:-}" ]; then
        alt="$here/../golden/epan-$from/$(basename "$2")"
        if [ -f "$alt" ]; then
            echo "Wireshark $have: comparing with $(basename "$(dirname "$alt")")/$(basename "$alt")"
            golden=$alt
            return 0 2>/dev/null || exit 0
        fi
    fi
    echo "SKIP: $name on Wireshark $have: $(cut -d' ' -f3- <<<"$line")"
    exit 77
fi
