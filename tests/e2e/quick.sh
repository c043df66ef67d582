#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# quick.sh BUILD_DIR CAPTURE: the quick tier's end-to-end check (ctest -L
# quick). ONE tshark run of CAPTURE with the built plugin, two passes (-2),
# printing together
#   -T fields with the fields view's and the conn view's columns,
#   -z tcplife,conn -z tcplife,sum -z tcplife,ladder (the stats view) and,
#   when the plugin has the Flow Graph and the capture a flow golden,
#   -z flow,tcplife,network (the flow view);
# the output is split into those views, each normalized as view.sh does
# (normalize.awk), and compared with the same reviewed goldens golden.sh
# uses: tests/golden/NAME.{fields,conn,stats,flow}.txt (or the epan-VERSION/
# ones, epan-skip.sh). The fields view is compared with its -2 output: the
# per-packet fields of both passes are the same (property.sh passes-agree,
# in the full suite, checks that). Not here: the tree and expert views (the
# full suite's golden.sh tests).
#
# Splitting: the fields rows are the header and the lines that start with a
# frame number and a tab; then the Flow Graph (tshark draws the last -z
# first), which has no empty line; the statistics start with an empty line.
# A wrong split is a diff, never a pass. Exit 0 all compared views equal,
# 1 a view differs, 77 every view skipped (the reason printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1 capture=$2
name=$(basename "$capture" .pcap)
gdir=$(cd "$here/../golden" && pwd)
source "$here/view-fields.sh"

# The golden file of a view (epan-skip.sh: another one or none on this
# Wireshark). Prints the path, or the skip reason on stderr and returns 77.
golden_of() {
    (
        golden=$gdir/$name.$1.txt
        source "$here/epan-skip.sh" "$capture" "$golden" >&2
        printf '%s\n' "$golden"
    )
}

views=() goldens=() skipped=()
for view in fields conn stats flow; do
    if [ "$view" = flow ]; then
        if ! grep -qx "$name" "$here/flow-captures.txt"; then
            continue                      # no flow golden for this capture
        fi
        if [ "${TCPLIFE_FLOW_GRAPH:-ON}" != ON ]; then
            skipped+=("flow: the plugin was built without the Flow Graph type (epan/sequence_analysis.h not found; scripts/ws-headers.sh, docs/compat.md)")
            continue
        fi
    fi
    rc=0
    res=$(golden_of "$view" 2>&1) || rc=$?
    if [ "$rc" -eq 77 ]; then
        skipped+=("$view: $(tail -n 1 <<<"$res")")
        continue
    fi
    [ "$rc" -eq 0 ] || { printf '%s\n' "$res" >&2; exit "$rc"; }
    [ "$(wc -l <<<"$res")" -gt 1 ] && sed '$d' <<<"$res"     # "comparing with ..."
    g=$(tail -n 1 <<<"$res")
    if [ ! -f "$g" ]; then
        echo "missing golden file $g (run tests/update-goldens.sh, then review it)" >&2
        exit 1
    fi
    views+=("$view") goldens+=("$g")
done
for s in ${skipped[@]+"${skipped[@]}"}; do echo "not compared: $s"; done
if [ ${#views[@]} -eq 0 ]; then
    echo "SKIP: $name: no view to compare on this build and Wireshark (above)"
    exit 77
fi

# Each field once: tshark leaves the first of two equal -e columns empty.
args=()
declare -A seen=()
for f in "${fields[@]}" "${conn_fields[@]}"; do
    [ -n "${seen[$f]:-}" ] && continue
    seen[$f]=1
    args+=(-e "$f")
done
z=(-z tcplife,conn -z tcplife,sum -z tcplife,ladder)
[[ " ${views[*]} " == *" flow "* ]] && z+=(-z flow,tcplife,network)

out=$(mktemp -d "$build/.quick-$name.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$here/tshark-plugin.sh" "$build" -n -r "$capture" -2 "${fields_opts[@]}" "${args[@]}" "${z[@]}" >"$out/all"

# Rows: the header, then one line per frame.
awk -v out="$out" '
    part == "" { part = "rows" }
    part == "rows" && NR > 1 && !/^[0-9]+\t/ { part = "flow" }
    part == "flow" && /^$/ { part = "stats" }
    { print > (out "/" part) }' "$out/all"
touch "$out/rows" "$out/flow" "$out/stats"
# The view's columns, by the header's names, in the view's order.
columns() {
    awk -v want="$*" 'BEGIN { FS = OFS = "\t"; n = split(want, w, " ") }
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
                  for (k = 1; k <= n; k++) if (!(w[k] in col)) { print "no column " w[k] > "/dev/stderr"; exit 1 } }
        { line = ""
          for (k = 1; k <= n; k++) line = line (k > 1 ? OFS : "") $(col[w[k]])
          print line }' "$out/rows"
}
columns "${fields[@]}" | awk -v view=fields -f "$here/normalize.awk" >"$out/fields"
columns "${conn_fields[@]}" | awk -v view=conn -f "$here/normalize.awk" >"$out/conn"

status=0
for i in "${!views[@]}"; do
    v=${views[$i]} g=${goldens[$i]}
    if diff -u "$g" "$out/$v" >"$out/$v.diff"; then
        echo "ok: $v = ${g#"$gdir"/}"
    else
        cat "$out/$v.diff"
        echo "FAIL: $name view '$v' differs from $g" >&2
        status=1
    fi
done
exit "$status"
