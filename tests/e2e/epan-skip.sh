#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# epan-skip.sh CAPTURE: exits 77 with the reason when CAPTURE is listed in
# epan-differences.txt for the installed tshark's version or later (its
# goldens hold for older versions only); 0 otherwise. Sourced by golden.sh
# and tcpdump-check.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$(basename "$1" .pcap)
line=$(awk -v n="$name" '$1 == n' "$here/epan-differences.txt")
[ -n "$line" ] || return 0 2>/dev/null || exit 0
from=$(awk '{ print $2 }' <<<"$line")
have=$(tshark -v 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$from" "$have" | sort -V | head -n 1)" = "$from" ]; then
    echo "SKIP: $name on Wireshark $have: $(cut -d' ' -f3- <<<"$line")"
    exit 77
fi
