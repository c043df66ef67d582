# SPDX-License-Identifier: GPL-2.0-or-later
#
# awk -v view=VIEW -f normalize.awk: rewrites what newer tshark releases print
# differently for the same value into Wireshark 4.0's form, so one golden file
# serves 4.0, 4.4 and 4.6 (docs/compat.md). view.sh pipes every view through
# it; a view not named below passes unchanged. POSIX awk (mawk, gawk).
#   fields, conn  FT_BOOLEAN cells: 4.4+ print True/False, 4.0 prints 1/0
#   tree, tree2   4.6's "Frame N: Packet, ..." summary line; 4.6's
#                 FT_RELATIVE_TIME text ("1 minute, 4 seconds", "200.328000
#                 milliseconds", "96.000 microseconds") -> "64.000000000 seconds";
#                 4.6's top-level "Data (N bytes)" after a snaplen-cut segment

# 4.6's relative time text -> 4.0's "[-]S.NNNNNNNNN seconds", or "" if v is not one.
function reltime(v,    neg, n, k, parts, tok, num, unit, ip, fp, secs, ns) {
    neg = ""
    if (substr(v, 1, 1) == "-") {
        neg = "-"
        v = substr(v, 2)
    }
    n = split(v, parts, /, /)
    secs = 0
    ns = 0
    for (k = 1; k <= n; k++) {
        if (split(parts[k], tok, " ") != 2)
            return ""
        num = tok[1]
        unit = tok[2]
        sub(/s$/, "", unit)
        ip = num
        fp = ""
        if (index(num, ".")) {
            ip = substr(num, 1, index(num, ".") - 1)
            fp = substr(num, index(num, ".") + 1)
        }
        if (ip !~ /^[0-9]+$/ || fp !~ /^[0-9]*$/)
            return ""
        if (unit == "day")
            secs += ip * 86400
        else if (unit == "hour")
            secs += ip * 3600
        else if (unit == "minute")
            secs += ip * 60
        else if (unit == "second") {
            secs += ip
            ns = substr(fp "000000000", 1, 9) + 0
        } else if (unit == "millisecond")
            ns = ip * 1000000 + substr(fp "000000", 1, 6)
        else if (unit == "microsecond")
            ns = ip * 1000 + substr(fp "000", 1, 3)
        else if (unit == "nanosecond")
            ns = ip + 0
        else
            return ""
    }
    return sprintf("%s%d.%09d seconds", neg, secs, ns)
}

BEGIN { FS = "\t"; OFS = "\t" }

(view == "fields" || view == "conn") && NR > 1 {
    for (i = 1; i <= NF; i++)
        if ($i ~ /^(True|False)(,(True|False))*$/) {
            gsub(/True/, "1", $i)
            gsub(/False/, "0", $i)
        }
}

# 4.6 adds a top-level "Data (N bytes)" layer after a TCP header whose
# segment the snaplen cut: epan's, not tcplife's, so it is dropped.
(view == "tree" || view == "tree2") && /^Data \([0-9]+ bytes?\)$/ { next }
view == "tree" || view == "tree2" {
    if ($0 ~ /^Frame [0-9]+: Packet, /)
        sub(/: Packet, /, ": ")
    if (match($0, /: -?[0-9][0-9., a-z]*(nanosecond|microsecond|millisecond|second|minute|hour|day)s?]?$/)) {
        head = substr($0, 1, RSTART + 1)
        val = substr($0, RSTART + 2)
        tail = ""
        if (val ~ /]$/) {
            tail = "]"
            val = substr(val, 1, length(val) - 1)
        }
        out = reltime(val)
        if (out != "")
            $0 = head out tail
    }
}

{ print }
