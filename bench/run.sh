#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   bench/run.sh [--quick] [--runs N] [--packets N] [--close N]
#
# The tcplife performance benchmark (docs/benchmarks.md). As root:
#  1. builds the plugin (Release) in a temporary build folder, and
#     bench/replay_core.c and bench/sizes.c against the same sources;
#  2. makes the capture with bench/make-big-capture.sh (1,000,000 packets;
#     --quick: 100,000) unless it is already in the cache folder
#     ($TLBENCH_CACHE, default /var/tmp/tcplife-bench), and cuts it to an
#     exact count and to 1%, 10% and 30% of it (linearity, callgrind);
#  3. runs every tshark command N times (default 3, --quick 2), the rounds
#     interleaved so that a noisy neighbour hits all commands alike, under
#     /usr/bin/time (wall, user+sys CPU, peak RSS), tshark as "nobody" with
#     an isolated configuration (as root tshark ignores WIRESHARK_PLUGIN_DIR);
#     "without the plugin" = an empty WIRESHARK_PLUGIN_DIR;
#  4. counts the core's instructions per segment under callgrind
#     (bench/replay_core.c on the capture's segments) and whole tshark's
#     per packet (-Y tcp and -z tcplife,conn on the 10% cut, with default
#     preferences and with tools/tcplife-check's, the tcplife
#     filter and -V on the 1% cut: the numbers to trust on a shared
#     machine, where times move by 20-30%), estimates the
#     plugin's own state per frame and per connection from the sizes of the
#     stored structures, and diffs tcplife's fields with TCP reassembly and
#     sequence analysis on and off; and the same #15 commands under
#     cachegrind (simulated instruction and data caches: what tcplife adds
#     in cache misses, with a cycle estimate, docs/benchmarks.md);
#  5. prints the table of medians and ratios; a copy is kept as
#     $TLBENCH_CACHE/results-PACKETS.txt.
#
# Issue #15's CPU targets (the check's preferences) are also timed on their
# own: tshark alone, with tcplife, and -z tcplife,conn with tcplife, one
# after another for --close N rounds (default 3 x --runs), so that each
# round's three runs share the machine's state of the same half minute. On
# a shared machine the CPU time of one command moves by 20-30 % from run to
# run; the ratio of the rounds' medians, the median of the per-round ratios
# and the ratio of the least times (the runs least disturbed) are printed.
#
# Also times tcplife, the direct batch program (conn --json, check) against
# tcptrace and the tshark path, and checks its rows equal the plugin's.
# Needs: root, cmake, gcc, tshark, editcap, valgrind, tcptrace (installed
# when missing),
# and what bench/make-big-capture.sh needs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
CACHE=${TLBENCH_CACHE:-/var/tmp/tcplife-bench}
PACKETS=1000000
RUNS=3
CLOSE=
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1; PACKETS=100000; RUNS=2; shift ;;
    --runs) RUNS=$2; shift 2 ;;
    --packets) PACKETS=$2; shift 2 ;;
    --close) CLOSE=$2; shift 2 ;;
    -h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
for n in "$RUNS" "$PACKETS" ${CLOSE:+"$CLOSE"}; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs, --packets and --close take a positive number, not '$n'" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "run.sh must run as root (namespaces for the capture)" >&2; exit 1; }
for t in cmake gcc tshark editcap valgrind callgrind_annotate setpriv; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/tlbench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/home" "$WORK/noplugins" "$WORK/extcap" "$WORK/res"
chown nobody:nogroup "$WORK/home"

say() { printf '%s\n' "$*" >&2; }

# ---- 1. build ------------------------------------------------------------
say "== building (Release) in $WORK/build"
cmake -S "$TOP" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$WORK/cmake.log" 2>&1 \
    || { cat "$WORK/cmake.log" >&2; exit 1; }
cmake --build "$WORK/build" -j"$(nproc)" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
PLUG=$WORK/build/plugins
# shellcheck disable=SC2046
gcc -O2 -g -I"$TOP/include" -I"$TOP/plugin/core" -o "$WORK/replay_core" \
    "$HERE/replay_core.c" "$TOP"/plugin/core/*.c 2>>"$WORK/build.log"
# shellcheck disable=SC2046
gcc -I"$TOP/include" -I"$TOP/plugin/epan" $(pkg-config --cflags wireshark) \
    -o "$WORK/sizes" "$HERE/sizes.c"

# ---- tshark as nobody, isolated ------------------------------------------
runner=()
[ "$(id -u)" -eq 0 ] && runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
tsh() {   # tsh PLUGIN_DIR ARGS...
    local pd=$1; shift
    "${runner[@]}" env -i PATH=/usr/bin:/bin HOME="$WORK/home" WIRESHARK_CONFIG_DIR="$WORK/home" \
        WIRESHARK_PLUGIN_DIR="$pd" WIRESHARK_EXTCAP_DIR="$WORK/extcap" TZ=UTC LC_ALL=C tshark "$@"
}
tsh "$PLUG" -G plugins 2>/dev/null | grep "^tcplife\.so.*$PLUG" >/dev/null \
    || { echo "the freshly built tcplife.so does not load" >&2; exit 1; }
if tsh "$WORK/noplugins" -G plugins 2>/dev/null | grep '^tcplife\.so' >/dev/null; then
    echo "tcplife.so loads even from an empty plugin folder (installed globally?)" >&2; exit 1
fi

# ---- 2. captures ---------------------------------------------------------
mkdir -p "$CACHE"
chmod 755 "$CACHE"
if [ ! -s "$CACHE/big-$PACKETS.pcap" ]; then
    say "== making the capture ($PACKETS packets) into $CACHE"
    "$HERE/make-big-capture.sh" "$CACHE" "$PACKETS" >&2
fi
n1=$((PACKETS / 100)) n10=$((PACKETS / 10)) n30=$((PACKETS * 3 / 10))
for n in 1 "$n1" "$n10" "$n30" "$PACKETS"; do
    [ -s "$CACHE/cut-$n.pcap" ] || editcap -r "$CACHE/big-$PACKETS.pcap" "$CACHE/cut-$n.pcap" "1-$n"
    chmod 644 "$CACHE/cut-$n.pcap"
done
BIG=$CACHE/cut-$PACKETS.pcap

# ---- 3. timed runs -------------------------------------------------------
# measure NAME PLUGIN_DIR|- ARGS...: one run; "-" runs ARGS as a command.
measure() {
    local name=$1 pd=$2; shift 2
    local out="$WORK/res/$name.time"
    if [ "$pd" = - ]; then
        /usr/bin/time -f '%e %U %S %M' -a -o "$out" "$@" >/dev/null 2>"$WORK/res/$name.err" || true
    else
        /usr/bin/time -f '%e %U %S %M' -a -o "$out" \
            "${runner[@]}" env -i PATH=/usr/bin:/bin HOME="$WORK/home" WIRESHARK_CONFIG_DIR="$WORK/home" \
            WIRESHARK_PLUGIN_DIR="$pd" WIRESHARK_EXTCAP_DIR="$WORK/extcap" TZ=UTC LC_ALL=C \
            tshark "$@" >/dev/null 2>"$WORK/res/$name.err" || true
    fi
}
NOP=$WORK/noplugins
FAST=(-o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE)
# The preferences tools/tcplife-check runs tshark with (issue #15's
# targets): TCP's reassembly, sequence analysis and timestamps off, and with
# the plugin no tcpdump text.
CHECK_BASE=("${FAST[@]}" -o tcp.calculate_timestamps:FALSE)
CHECK_PLUG=("${CHECK_BASE[@]}" -o tcplife.tcpdump:FALSE)
# tcptrace is the tool to beat for a batch run: install it when missing.
command -v tcptrace >/dev/null || apt-get install -y --no-install-recommends tcptrace >/dev/null 2>&1 || true
have_tcptrace=0
command -v tcptrace >/dev/null && have_tcptrace=1
DIRECT=$WORK/build/tcplife


LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "== $RUNS interleaved rounds on $BIG"
for r in $(seq "$RUNS"); do
    say "   round $r/$RUNS"
    measure filter.base   "$NOP"  -r "$BIG" -Y tcp -q
    measure filter.plugin "$PLUG" -r "$BIG" -Y tcp -q
    measure fin.base      "$NOP"  -r "$BIG" -Y 'tcp.flags.fin == 1'
    measure teardown.plugin "$PLUG" -r "$BIG" -Y 'tcplife.phase == "teardown"'
    measure conn.plugin   "$PLUG" -r "$BIG" -q -z tcplife,conn
    measure conv.base     "$NOP"  -r "$BIG" -q -z conv,tcp
    measure V.base        "$NOP"  -r "$BIG" -V
    measure V.plugin      "$PLUG" -r "$BIG" -V
    measure fast.base     "$NOP"  -r "$BIG" -Y tcp -q "${CHECK_BASE[@]}"
    measure fast.plugin   "$PLUG" -r "$BIG" -Y tcp -q "${CHECK_PLUG[@]}"
    measure conn.check.plugin "$PLUG" -r "$BIG" -q -z tcplife,conn "${CHECK_PLUG[@]}"
    measure sum.plugin    "$PLUG" -r "$BIG" -q -z tcplife,sum
    measure check -       "$TOP/tools/tcplife-check" --plugin-dir "$PLUG" -j 1 "$BIG"
    measure check.tshark - "$TOP/tools/tcplife-check" --tshark --plugin-dir "$PLUG" -j 1 "$BIG"
    [ $have_tcptrace = 1 ] && measure tcptrace - tcptrace -n "$BIG"
    measure direct.conn -  "$DIRECT" conn --json "$BIG"
    measure direct.check - "$DIRECT" check "$BIG"
    for n in 1 "$n10" "$n30"; do
        measure "lin$n.base"   "$NOP"  -r "$CACHE/cut-$n.pcap" -Y tcp -q
        measure "lin$n.plugin" "$PLUG" -r "$CACHE/cut-$n.pcap" -Y tcp -q
    done
done

# #15's three commands, close together (see the top of this file).
CLOSE=${CLOSE:-$((3 * RUNS))}
say "== #15's commands alternating, $CLOSE rounds"
LOAD_CLOSE0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$CLOSE"); do
    measure close.base   "$NOP"  -r "$BIG" -Y tcp -q "${CHECK_BASE[@]}"
    measure close.plugin "$PLUG" -r "$BIG" -Y tcp -q "${CHECK_PLUG[@]}"
    measure close.conn   "$PLUG" -r "$BIG" -q -z tcplife,conn "${CHECK_PLUG[@]}"
done
LOAD_CLOSE1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 4. state size, core instructions, preference independence -------------
say "== connections and sizes"
sum=$(tsh "$PLUG" -r "$BIG" -q -z tcplife,sum 2>/dev/null)
CONNS=$(sed -n 's/^Connections: //p' <<<"$sum")
FRAMES=$(tsh "$NOP" -r "$BIG" -Y tcp -T fields -e frame.number 2>/dev/null | wc -l)
"$WORK/sizes" >"$WORK/sizes.txt"
sz() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/sizes.txt"; }
# The plugin's own count of what it keeps (TCPLIFE_MEMSTATS, printed when
# the file is closed): frames, packed per-frame store, connections, and the
# bytes of their records (connection, tcpdump renumberings, 4-tuple entry).
# With -2: a single pass stores no frame (nothing could read it), two
# passes and the GUI store every one.
MEMSTATS=$("${runner[@]}" env -i PATH=/usr/bin:/bin HOME="$WORK/home" \
    WIRESHARK_CONFIG_DIR="$WORK/home" WIRESHARK_PLUGIN_DIR="$PLUG" WIRESHARK_EXTCAP_DIR="$WORK/extcap" \
    TCPLIFE_MEMSTATS=1 tshark -2 -r "$BIG" -Y tcp -q 2>&1 >/dev/null | grep '^tcplife memstats:')
ms() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$MEMSTATS"; }

say "== tcplife conn --json vs tshark -2 -z tcplife,conn,json on $BIG"
DIRECT_RC=0
"$DIRECT" conn --json "$BIG" >"$WORK/direct.json" 2>"$WORK/direct.err" || DIRECT_RC=$?
tsh "$PLUG" -n -2 -q -r "$BIG" -z tcplife,conn,json 2>/dev/null \
    | awk '/^\[$/ { on = 1 } on { print } /^\]$/ { on = 0 }' >"$WORK/plugin.json"
if [ $DIRECT_RC -eq 0 ] && cmp -s "$WORK/direct.json" "$WORK/plugin.json"; then
    PARITY="identical: $(grep -c '"stream"' "$WORK/direct.json") rows"
else
    PARITY="DIFFERENT (exit $DIRECT_RC; $(diff "$WORK/plugin.json" "$WORK/direct.json" | grep -c '^[<>]') lines differ)"
fi

say "== core replay under callgrind"
SEGS=$CACHE/segs-$PACKETS.tsv
if [ ! -s "$SEGS" ]; then
    tsh "$NOP" -r "$BIG" -Y tcp -T fields -E occurrence=f "${FAST[@]}" \
        -e tcp.stream -e frame.number -e frame.time_epoch -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
        -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len \
        -e tcp.window_size_value -e tcp.options.mss_val -e tcp.options.wscale.shift \
        -e tcp.options.sack_perm -e tcp.options.timestamp.tsval -e tcp.options.timestamp.tsecr \
        -e tcp.urgent_pointer -e tcp.options 2>/dev/null >"$SEGS.tmp"
    mv "$SEGS.tmp" "$SEGS"
fi
# At most 300,000 segments under callgrind (the per-segment count is what matters).
head -n 300000 "$SEGS" >"$WORK/segs.tsv"
NSEG=$(wc -l <"$WORK/segs.tsv")
valgrind --tool=callgrind --toggle-collect=replay --callgrind-out-file="$WORK/cg.out" \
    "$WORK/replay_core" "$WORK/segs.tsv" >/dev/null 2>"$WORK/cg.log"
callgrind_annotate --inclusive=yes "$WORK/cg.out" >"$WORK/cg.txt" 2>/dev/null
ir() {   # inclusive Ir of a function, or the total
    if [ "$1" = total ]; then
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$WORK/cg.txt"
    else
        awk -v f=":$1 " 'index($0, f) { gsub(",", "", $1); print $1; exit }' "$WORK/cg.txt"
    fi
}
IR_TOTAL=$(ir total) IR_CONN=$(ir tl_conn_observe) IR_ZEEK=$(ir tl_zeek_observe) IR_TD=$(ir tl_tcpdump_format)

say "== whole tshark under callgrind on cut-$n10 (instruction counts: stable on a busy machine)"
tsh_ir() {   # tsh_ir PLUGIN_DIR ARGS...: total instructions of one tshark run
    local pd=$1; shift
    "${runner[@]}" env -i PATH=/usr/bin:/bin HOME="$WORK/home" WIRESHARK_CONFIG_DIR="$WORK/home" \
        WIRESHARK_PLUGIN_DIR="$pd" WIRESHARK_EXTCAP_DIR="$WORK/extcap" TZ=UTC LC_ALL=C \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null tshark "$@" 2>&1 >/dev/null \
        | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
IR_FB=$(tsh_ir "$NOP" -r "$CACHE/cut-$n10.pcap" -Y tcp -q)
IR_FP=$(tsh_ir "$PLUG" -r "$CACHE/cut-$n10.pcap" -Y tcp -q)
IR_CP=$(tsh_ir "$PLUG" -r "$CACHE/cut-$n10.pcap" -q -z tcplife,conn)
IR_S0=$(tsh_ir "$NOP" -r "$CACHE/cut-1.pcap" -Y tcp -q)
IR_S1=$(tsh_ir "$PLUG" -r "$CACHE/cut-1.pcap" -Y tcp -q)
# The same with the check's preferences (#15's targets).
IR_KB=$(tsh_ir "$NOP" -r "$CACHE/cut-$n10.pcap" -Y tcp -q "${CHECK_BASE[@]}")
IR_KP=$(tsh_ir "$PLUG" -r "$CACHE/cut-$n10.pcap" -Y tcp -q "${CHECK_PLUG[@]}")
IR_KC=$(tsh_ir "$PLUG" -r "$CACHE/cut-$n10.pcap" -q -z tcplife,conn "${CHECK_PLUG[@]}")
IR_K0=$(tsh_ir "$NOP" -r "$CACHE/cut-1.pcap" -Y tcp -q "${CHECK_BASE[@]}")
IR_K1=$(tsh_ir "$PLUG" -r "$CACHE/cut-1.pcap" -Y tcp -q "${CHECK_PLUG[@]}")
# The filter and -V runs on the 1% cut (-V is six times the instructions);
# each with its own start-up run.
ir_pp() {   # ir_pp PLUGIN_DIR ARGS...: instructions per packet on cut-$n1, start-up off
    local pd=$1 a b; shift
    a=$(tsh_ir "$pd" -r "$CACHE/cut-$n1.pcap" "$@")
    b=$(tsh_ir "$pd" -r "$CACHE/cut-1.pcap" "$@")
    echo "($a - $b) / ($n1 - 1)" | bc -l
}
# Cache simulation (#15, check's preferences): instructions alone leave out
# the instruction- and data-cache misses tcplife adds, which CPU time on a
# shared machine cannot resolve. "IR I1 D1 LL" of one tshark run.
tsh_cache() {
    local pd=$1; shift
    "${runner[@]}" env -i PATH=/usr/bin:/bin HOME="$WORK/home" WIRESHARK_CONFIG_DIR="$WORK/home" \
        WIRESHARK_PLUGIN_DIR="$pd" WIRESHARK_EXTCAP_DIR="$WORK/extcap" TZ=UTC LC_ALL=C \
        valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null tshark "$@" 2>&1 >/dev/null \
        | awk '{ gsub(",", "") } / I +refs:/ { i = $4 } / I1 +misses:/ { i1 = $4 }
               / D1 +misses:/ { d1 = $4 } / LL misses:/ { ll = $4 } END { print i, i1, d1, ll }'
}
say "== the check's preferences under cachegrind on cut-$n10 (cache misses)"
CG_B=$(tsh_cache "$NOP" -r "$CACHE/cut-$n10.pcap" -Y tcp -q "${CHECK_BASE[@]}")
CG_P=$(tsh_cache "$PLUG" -r "$CACHE/cut-$n10.pcap" -Y tcp -q "${CHECK_PLUG[@]}")
CG_C=$(tsh_cache "$PLUG" -r "$CACHE/cut-$n10.pcap" -q -z tcplife,conn "${CHECK_PLUG[@]}")
CG_B0=$(tsh_cache "$NOP" -r "$CACHE/cut-1.pcap" -Y tcp -q "${CHECK_BASE[@]}")
CG_P0=$(tsh_cache "$PLUG" -r "$CACHE/cut-1.pcap" -Y tcp -q "${CHECK_PLUG[@]}")
CG_C0=$(tsh_cache "$PLUG" -r "$CACHE/cut-1.pcap" -q -z tcplife,conn "${CHECK_PLUG[@]}")
IR_FIN=$(ir_pp "$NOP" -Y 'tcp.flags.fin == 1' -q)
IR_PHASE=$(ir_pp "$PLUG" -Y 'tcplife.phase == "teardown"' -q)
IR_V0=$(ir_pp "$NOP" -V)
IR_V1=$(ir_pp "$PLUG" -V)

say "== tcplife fields with default TCP preferences vs reassembly and sequence analysis off"
F=(-T fields -e frame.number -e tcplife.phase -e tcplife.state.client -e tcplife.state.server
   -e tcplife.teardown.step -e tcplife.rst.kind)
tsh "$PLUG" -r "$BIG" "${F[@]}" 2>/dev/null >"$WORK/prefs-default.txt"
tsh "$PLUG" -r "$BIG" "${F[@]}" "${FAST[@]}" 2>/dev/null >"$WORK/prefs-fast.txt"
PREF_DIFF=$(diff "$WORK/prefs-default.txt" "$WORK/prefs-fast.txt" | grep -c '^<' || true)
PREF_LINES=$(wc -l <"$WORK/prefs-default.txt")

# ---- 5. the table ----------------------------------------------------------
# stats NAME: "median_wall median_cpu median_rss_kb runs"
# MED: awk's median of a[1..n] (sorts a), shared by stats() and close().
MED='function med(a, n,   i, j, t) {
         for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }'
stats() {
    awk "$MED"'
         { w[NR] = $1; c[NR] = $2 + $3; m[NR] = $4 }
         END { printf "%.2f %.2f %d %d\n", med(w, NR), med(c, NR), med(m, NR), NR }' "$WORK/res/$1.time"
}
col() { stats "$1" | awk -v i="$2" '{ print $i }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

out=$WORK/results.txt
{
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "tcplife benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($cpu), $mem, load average $LOAD_START before the timed runs, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "tshark $(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) //p'); capture $BIG: $FRAMES TCP frames, $CONNS connections; $RUNS runs each, medians"
echo
printf '| %-52s | %8s | %8s | %8s | %8s | %7s |\n' measurement "wall s" "ratio" "CPU s" "ratio" "target"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" ---------- ---------- ---------- ---------- ---------
row() {   # row LABEL NAME BASE TARGET
    local w c bw bc
    w=$(col "$2" 1) c=$(col "$2" 2) bw=$(col "$3" 1) bc=$(col "$3" 2)
    printf '| %-52s | %8s | %8s | %8s | %8s | %7s |\n' "$1" "$w" "$(ratio "$w" "$bw")" "$c" "$(ratio "$c" "$bc")" "$4"
}
base() { printf '| %-52s | %8s | %8s | %8s | %8s | %7s |\n' "$1" "$(col "$2" 1)" 1.00 "$(col "$2" 2)" 1.00 ""; }
base "-Y tcp -q, no plugin (baseline)" filter.base
row  "-Y tcp -q, plugin loaded" filter.plugin filter.base "<= 1.05"
base "-Y 'tcp.flags.fin == 1', no plugin" fin.base
row  "-Y 'tcplife.phase == \"teardown\"', plugin" teardown.plugin fin.base "<= 1.05"
row  "-q -z tcplife,conn, plugin (vs -Y tcp -q no plugin)" conn.plugin filter.base "<= 1.10"
row  "-q -z conv,tcp, no plugin (vs -Y tcp -q no plugin)" conv.base filter.base ""
base "-V, no plugin" V.base
row  "-V, plugin" V.plugin V.base "<= 1.05"
row  "-q -z tcplife,sum, plugin, default TCP prefs" sum.plugin filter.base ""
row  "-Y tcp -q, no plugin, the check's prefs" fast.base filter.base ""
row  "-Y tcp -q, plugin, the check's prefs (vs the same, no plugin)" fast.plugin fast.base "<= 1.05"
row  "-q -z tcplife,conn, check's prefs (vs no plugin, same)" conn.check.plugin fast.base "<= 1.10"
row  "tools/tcplife-check BIG (vs -Y tcp -q no plugin)" check filter.base ""
if [ $have_tcptrace = 1 ]; then
    base "tcptrace -n BIG" tcptrace
    row  "tools/tcplife-check BIG (vs tcptrace -n)" check tcptrace "<= 4.00"
    row  "tools/tcplife-check --tshark BIG (vs tcptrace -n)" check.tshark tcptrace ""
    row  "-q -z tcplife,sum default prefs (vs tcptrace -n)" sum.plugin tcptrace ""
    row  "tcplife conn --json BIG, direct (vs tcptrace -n)" direct.conn tcptrace "<= 1.00"
    row  "tcplife check BIG, direct (vs tcptrace -n)" direct.check tcptrace "<= 1.00"
fi
row  "tcplife conn --json BIG, direct (vs -q -z tcplife,conn)" direct.conn conn.plugin "<= 0.25"
row  "tcplife check BIG, direct (vs tools/tcplife-check BIG)" direct.check check ""
echo
# close NAME BASE TARGET: the per-round CPU times of NAME, and its ratios to BASE
close() {
    paste -d' ' "$WORK/res/$1.time" "$WORK/res/$2.time" | awk -v t="$3" "$MED"'
        { c[NR] = $2 + $3; b[NR] = $6 + $7; r[NR] = b[NR] > 0 ? c[NR] / b[NR] : 0
          list = list sprintf(" %.2f", c[NR])
          if (NR == 1 || c[NR] < cl) cl = c[NR]; if (NR == 1 || b[NR] < bl) bl = b[NR] }
        END { n = NR; mc = med(c, n); mb = med(b, n); mr = med(r, n)
              printf "   %s\n      median %.2f s, least %.2f s", list, mc, cl
              if (t != "") printf "; vs tshark alone: medians %.3f, median of the rounds %.3f, least %.3f (target <= %s)", mc / mb, mr, cl / bl, t
              printf "\n" }'
}
echo "#15's commands with the check's preferences, $CLOSE rounds of the three one after another,"
echo "user+system CPU s of each round (load average $LOAD_CLOSE0 before, $LOAD_CLOSE1 after):"
echo "  -Y tcp -q, tshark alone"; close close.base close.base ""
echo "  -Y tcp -q, with tcplife"; close close.plugin close.base 1.05
echo "  -q -z tcplife,conn, with tcplife"; close close.conn close.base 1.10
echo
echo "Direct program's rows vs the plugin's (tshark -2 -z tcplife,conn,json): $PARITY"
echo
echo "Peak RSS (median of the runs above, MB):"
for p in "-Y tcp -q:filter:1.10" "-V:V:1.10" "check prefs:fast:1.05"; do
    l=${p%%:*} n=${p#*:} t=${p##*:}
    n=${n%%:*}
    b=$(col "$n.base" 3) q=$(col "$n.plugin" 3)
    printf '  %-11s no plugin %7.1f   plugin %7.1f   ratio %s (target <= %s)   difference %.1f MB = %.0f bytes/frame\n' \
        "$l" "$(echo "$b / 1024" | bc -l)" "$(echo "$q / 1024" | bc -l)" "$(ratio "$q" "$b")" "$t" \
        "$(echo "($q - $b) / 1024" | bc -l)" "$(echo "($q - $b) * 1024 / $FRAMES" | bc -l)"
done
# Since a single pass that reads nothing of tcplife tracks nothing
# (unread_pass() in packet-tcplife.c), the tracker's memory shows in a pass
# that reads it: -z tcplife,conn, against -Y tcp -q without the plugin
# (for scale, tshark's own -z conv,tcp, which also keeps every connection to
# the end, against -Y tcp -q, both with default preferences).
b=$(col fast.base 3) q=$(col conn.check.plugin 3) v=$(col conv.base 3) f=$(col filter.base 3)
printf '  %-11s no plugin %7.1f   plugin %7.1f   ratio %s   difference %.1f MB = %.0f bytes/frame (-z conv,tcp alone, default prefs: %s)\n' \
    "-z conn chk" "$(echo "$b / 1024" | bc -l)" "$(echo "$q / 1024" | bc -l)" "$(ratio "$q" "$b")" \
    "$(echo "($q - $b) / 1024" | bc -l)" "$(echo "($q - $b) * 1024 / $FRAMES" | bc -l)" "$(ratio "$v" "$f")"
printf '  %-10s %7.1f MB (tcplife-check)   tcptrace %s MB\n' "check" "$(echo "$(col check 3) / 1024" | bc -l)" \
    "$([ $have_tcptrace = 1 ] && echo "scale=1; $(col tcptrace 3) / 1024" | bc || echo -)"
printf '  %-10s %7.1f MB (tcplife conn --json), %.0f bytes per connection all in\n' "direct" \
    "$(echo "$(col direct.conn 3) / 1024" | bc -l)" "$(echo "$(col direct.conn 3) * 1024 / $CONNS" | bc -l)"
echo
# Counted by the plugin (TCPLIFE_MEMSTATS); wmem's block allocator adds an
# 8-byte header per allocation (per connection: its parked bytes, its 4-tuple
# entry and its tcpdump renumbering list; not per frame: frames go into 64 KB
# chunks) and the 4-tuple map a 24-byte item per entry (the connections'
# slots are an array indexed by stream and the few live records a pool,
# counted in conn_bytes).
ST=$(ms store) CB=$(ms conn_bytes) NC=$(ms connections) NF=$(ms frames)
MAPS=$(( NC * (24 + 3 * 8) ))
echo "Plugin state, counted by the plugin (TCPLIFE_MEMSTATS; tl_conn_rec_t $(ms conn_rec) B, $(ms live) live at the end, $(ms parks) parks, $(ms unparks) unparks):"
printf '  per frame      %6.1f B  packed verdicts and their index (%d frames, %.1f MB; tshark -2 and the GUI, a single pass stores none)\n' \
    "$(echo "$ST / $NF" | bc -l)" "$NF" "$(echo "$ST / 1048576" | bc -l)"
printf '  per connection %6.1f B  records %d B + map items and wmem headers %d B (%d connections)\n' \
    "$(echo "($CB + $MAPS) / $NC" | bc -l)" "$CB" "$MAPS" "$NC"
printf '  total          %6.1f MB, %.0f B per frame all in\n' \
    "$(echo "($ST + $CB + $MAPS) / 1048576" | bc -l)" "$(echo "($ST + $CB + $MAPS) / $NF" | bc -l)"
echo
echo "Core alone (bench/replay_core.c, callgrind, $NSEG segments):"
for f in "total:$IR_TOTAL" "tl_conn_observe:$IR_CONN" "tl_zeek_observe:$IR_ZEEK" "tl_tcpdump_format:$IR_TD"; do
    printf '  %-18s %8.0f Ir/segment\n' "${f%%:*}" "$(echo "${f##*:} / $NSEG" | bc -l)"
done
echo
echo "Whole tshark under callgrind, cut-$n10 (instructions per packet after start-up: a 1-packet run, $IR_S0 / $IR_S1 Ir):"
ipp() { echo "($1 - $2) / $n10" | bc -l; }
printf '  -Y tcp -q no plugin %8.0f Ir/packet\n' "$(ipp "$IR_FB" "$IR_S0")"
printf '  -Y tcp -q plugin    %8.0f Ir/packet   ratio %.2f (target <= 1.05)\n' "$(ipp "$IR_FP" "$IR_S1")" \
    "$(echo "$(ipp "$IR_FP" "$IR_S1") / $(ipp "$IR_FB" "$IR_S0")" | bc -l)"
printf '  -z tcplife,conn     %8.0f Ir/packet   ratio %.2f (target <= 1.10)\n' "$(ipp "$IR_CP" "$IR_S1")" \
    "$(echo "$(ipp "$IR_CP" "$IR_S1") / $(ipp "$IR_FB" "$IR_S0")" | bc -l)"
echo "The same with the check's preferences (reassembly, sequence analysis, timestamps, tcpdump text off;"
echo "start-up $IR_K0 / $IR_K1 Ir):"
printf '  -Y tcp -q no plugin %8.0f Ir/packet\n' "$(ipp "$IR_KB" "$IR_K0")"
printf '  -Y tcp -q plugin    %8.0f Ir/packet   ratio %.3f (target <= 1.05)\n' "$(ipp "$IR_KP" "$IR_K1")" \
    "$(echo "$(ipp "$IR_KP" "$IR_K1") / $(ipp "$IR_KB" "$IR_K0")" | bc -l)"
printf '  -z tcplife,conn     %8.0f Ir/packet   ratio %.3f (target <= 1.10)\n' "$(ipp "$IR_KC" "$IR_K1")" \
    "$(echo "$(ipp "$IR_KC" "$IR_K1") / $(ipp "$IR_KB" "$IR_K0")" | bc -l)"
echo "The same under cachegrind (simulated caches; per packet, start-up off; cycle estimate"
echo "Ir + 10 x (I1 + D1 misses) + 100 x LL misses, as KCachegrind's):"
cache_row() {   # cache_row LABEL "RUN" "START-UP" ["BASE RUN" "BASE START-UP" TARGET]
    awk -v l="$1" -v r="$2" -v s="$3" -v br="${4:-}" -v bs="${5:-}" -v t="${6:-}" -v n="$n10" '
        function pp(a, b, k,   x, y) { split(a, x, " "); split(b, y, " "); return (x[k] - y[k]) / n }
        function cyc(a, b) { return pp(a, b, 1) + 10 * (pp(a, b, 2) + pp(a, b, 3)) + 100 * pp(a, b, 4) }
        BEGIN { printf "  %-22s %7.0f Ir %6.0f I1 %5.0f D1 %5.1f LL misses  %7.0f cycles", l,
                       pp(r, s, 1), pp(r, s, 2), pp(r, s, 3), pp(r, s, 4), cyc(r, s)
                if (br != "") printf "   ratio %.3f (Ir %.3f, I1 %.3f, D1 %.3f; target <= %s)", cyc(r, s) / cyc(br, bs),
                       pp(r, s, 1) / pp(br, bs, 1), pp(r, s, 2) / pp(br, bs, 2), pp(r, s, 3) / pp(br, bs, 3), t
                printf "\n" }'
}
cache_row "-Y tcp -q no plugin" "$CG_B" "$CG_B0"
cache_row "-Y tcp -q plugin" "$CG_P" "$CG_P0" "$CG_B" "$CG_B0" 1.05
cache_row "-z tcplife,conn" "$CG_C" "$CG_C0" "$CG_B" "$CG_B0" 1.10
echo "Whole tshark under callgrind, cut-$n1 (each run's own 1-packet start-up taken off):"
printf '  -Y tcp.flags.fin == 1, no plugin      %8.0f Ir/packet\n' "$IR_FIN"
printf '  -Y tcplife.phase == "teardown"        %8.0f Ir/packet   ratio %.2f (target <= 1.05)\n' \
    "$IR_PHASE" "$(echo "$IR_PHASE / $IR_FIN" | bc -l)"
printf '  -V no plugin                          %8.0f Ir/packet\n' "$IR_V0"
printf '  -V plugin                             %8.0f Ir/packet   ratio %.2f (target <= 1.05)\n' \
    "$IR_V1" "$(echo "$IR_V1 / $IR_V0" | bc -l)"
echo
echo "Linearity (-Y tcp -q): CPU time per packet after the start-up time (a 1-packet cut:"
echo "no plugin $(col lin1.base 2) s, plugin $(col lin1.plugin 2) s) is taken off, microseconds:"
for n in "$n10" "$n30" "$PACKETS"; do
    if [ "$n" = "$PACKETS" ]; then b=filter.base q=filter.plugin; else b=lin$n.base q=lin$n.plugin; fi
    pb=$(echo "($(col $b 2) - $(col lin1.base 2)) * 1000000 / $n" | bc -l)
    pq=$(echo "($(col $q 2) - $(col lin1.plugin 2)) * 1000000 / $n" | bc -l)
    printf '  %8d packets  no plugin %6.2f us/packet   plugin %6.2f us/packet   ratio %.2f   (wall %s s / %s s)\n' \
        "$n" "$pb" "$pq" "$(echo "$pq / $pb" | bc -l)" "$(col $b 1)" "$(col $q 1)"
done
echo
if [ "$PREF_DIFF" = 0 ]; then
    echo "TCP preferences: tcplife.phase/state.client/state.server/teardown.step/rst.kind identical on all $PREF_LINES frames with tcp.desegment_tcp_streams and tcp.analyze_sequence_numbers on and off"
else
    echo "TCP preferences: $PREF_DIFF of $PREF_LINES frames differ with reassembly and sequence analysis off; first differences:"
    diff "$WORK/prefs-default.txt" "$WORK/prefs-fast.txt" | head -n 10 | sed 's/^/  /'
fi
} >"$out"
cat "$out"
cp "$out" "$CACHE/results-$PACKETS.txt"
for f in "$WORK"/res/*.err; do
    [ -s "$f" ] && { say "stderr of $(basename "$f" .err):"; head -n 3 "$f" >&2; }
done
exit 0
