#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# package.sh BUILD_DIR CASE: the Debian package `cpack -G DEB` makes from
# BUILD_DIR (the CPack section of the top-level CMakeLists.txt).
#
#   contents  control fields (dpkg-deb -I / -f) and file list (dpkg-deb -c):
#             the plugin in the global plugin folder tshark reports, the
#             checker in /usr/bin, the documents in /usr/share/doc/tcplife,
#             and Depends pinning exactly the installed packages that hold the
#             Wireshark libraries the plugin links (found here from ldd and
#             dpkg, independently of how CMake found them).
#   install   root only (else exit 77): dpkg -i, tshark started as nobody
#             lists tcplife.so from the global plugin folder, the installed
#             tcplife-check works, a build-tree tshark still loads the build
#             tree's copy; then dpkg -r, also when a step fails (trap). ctest
#             runs it alone (RUN_SERIAL): other tests assert which copy loads.
#
# Every file it makes is in a mktemp -d folder, removed at exit.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) case=$2
pkg=tcplife

fail() { echo "package.sh $case: $*" >&2; exit 1; }
for t in cpack dpkg-deb dpkg-query; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed (not a Debian system?)"; exit 77; }
done
if [ "$case" = install ] && [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: installing the package (dpkg -i) needs root; the contents test checks it without installing"
    exit 77
fi

tmp=$(mktemp -d)
installed=0
cleanup() {
    local rc=$?
    if [ $installed -eq 1 ]; then
        echo "removing the package (dpkg -r $pkg)"
        dpkg_locked -r "$pkg" >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log" >&2; rc=1; }
    fi
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# dpkg, waiting while another dpkg or apt (another worker's deps.sh) holds
# the lock instead of failing at once.
dpkg_locked() {
    local i out rc
    for i in $(seq 1 60); do
        out=$(dpkg "$@" 2>&1); rc=$?
        if [ $rc -ne 0 ] && grep -qi 'lock' <<<"$out"; then sleep 2; continue; fi
        printf '%s\n' "$out"
        return $rc
    done
    printf '%s\n' "$out"
    return 1
}

# An isolated environment for tshark: no HOME or configuration of the caller
# (runuser would set HOME to nobody's, so env comes after it).
mkdir -p "$tmp/home" "$tmp/config" "$tmp/extcap"
clean_env=(env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME="$tmp/home" WIRESHARK_CONFIG_DIR="$tmp/config"
           WIRESHARK_EXTCAP_DIR="$tmp/extcap" TZ=UTC LC_ALL=C)
isolated() { "${clean_env[@]}" "$@"; }
as_nobody() { runuser -u nobody -- "${clean_env[@]}" "$@"; }

# --- The package ------------------------------------------------------------
(cd "$build" && cpack -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1 \
    || { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB failed"; }
debs=("$tmp"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { cat "$tmp/cpack.log" >&2; fail "expected one .deb, got: ${debs[*]}"; }
deb=${debs[0]}
echo "built $(basename "$deb")"

# Wireshark's global plugin folder, as this tshark reports it (not the
# WIRESHARK_PLUGIN_DIR of the tests: the environment is emptied).
folders=$(isolated tshark -G folders 2>"$tmp/err") || fail "tshark -G folders failed: $(cat "$tmp/err")"
global=$(awk -F'\t' '$1 ~ /^Global Plugins: *$/ { print $2; exit }' <<<"$folders")
[ -n "$global" ] || fail "no Global Plugins line in tshark -G folders: $folders"
sofile=${global#/}/epan/tcplife.so

case "$case" in
contents)
    info=$(dpkg-deb -I "$deb") || fail "dpkg-deb -I failed"
    echo "$info"
    field() { dpkg-deb -f "$deb" "$1"; }
    [ "$(field Package)" = "$pkg" ] || fail "Package: $(field Package), want $pkg"
    [ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
    want_ver=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
    [ -n "$want_ver" ] || want_ver=$(sed -n 's/^tcplife_VERSION:STATIC=//p' "$build/CMakeCache.txt")
    [ "$(field Version)" = "$want_ver" ] || fail "Version: $(field Version), want $want_ver"
    for f in Maintainer Description Section Priority Installed-Size; do
        [ -n "$(field $f)" ] || fail "no $f field"
    done
    # Depends: every Wireshark library the plugin links (ldd), by the package
    # that holds it, at exactly its installed version.
    depends=$(field Depends)
    so=$(ls "$build"/plugins/*/epan/tcplife.so) || fail "no built plugin in $build/plugins"
    # Its own NEEDED entries (ldd also lists what those libraries need).
    needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(lib\(wireshark\|wsutil\|wiretap\)\.so[^]]*\)\]/\1/p')
    libs=$(ldd "$so" | awk -v needed="$needed" 'BEGIN { n = split(needed, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
                                                  $1 in want { print $3 }')
    grep -q 'libwireshark\.so' <<<"$libs" || fail "ldd finds no libwireshark for $so"
    while read -r lib; do
        real=$(readlink -f "$lib")
        owner=$(dpkg-query -S "$real" 2>/dev/null | sed -n '1s/: .*//p')
        [ -n "$owner" ] || fail "$real belongs to no package"
        name=${owner%%:*}
        ver=$(dpkg-query -W -f='${Version}' "$owner")
        case ", $depends," in
            *", $name (= $ver),"*) echo "Depends pins $name (= $ver) for $(basename "$lib")" ;;
            *) fail "Depends: $depends; want $name (= $ver) for $real" ;;
        esac
    done <<<"$libs"

    list=$(dpkg-deb -c "$deb") || fail "dpkg-deb -c failed"
    echo "$list"
    # "MODE OWNER SIZE DATE TIME ./PATH": the regular files, by path.
    files=$(awk '$1 ~ /^-/ { p = $6; sub(/^\.\//, "", p); print $1, p }' <<<"$list")
    want() {   # want MODE PATH
        grep -qxF -- "$1 $2" <<<"$files" || fail "no $2 with mode $1 in the package"
    }
    want -rw-r--r-- "$sofile"
    want -rwxr-xr-x usr/bin/tcplife-check
    want -rwxr-xr-x usr/bin/tcplife
    for d in copyright changelog.gz README.md.gz; do want -rw-r--r-- "usr/share/doc/$pkg/$d"; done
    n=$(wc -l <<<"$files")
    [ "$n" -eq 6 ] || fail "$n files in the package, want 6"
    bad=$(awk '{ p = $6; sub(/^\.\//, "", p) } p !~ /^usr\// && p != "" { print p } p ~ /^usr\/local/ { print p }' <<<"$list")
    [ -z "$bad" ] || fail "files outside /usr or in /usr/local: $bad"
    # What is inside: the very files of this tree and build.
    dpkg-deb -x "$deb" "$tmp/root" || fail "dpkg-deb -x failed"
    # (No pipes into grep -q or cmp -s under pipefail: their early exit
    # would kill the writer with SIGPIPE.)
    zcat "$tmp/root/usr/share/doc/$pkg/README.md.gz" >"$tmp/README.md" || fail "README.md.gz is not gzip"
    cmp -s "$tmp/README.md" "$top/README.md" || fail "README.md.gz is not README.md"
    cmp -s "$tmp/root/usr/bin/tcplife-check" "$top/tools/tcplife-check" || fail "usr/bin/tcplife-check is not tools/tcplife-check"
    grep -q 'GPL-2.0-or-later' "$tmp/root/usr/share/doc/$pkg/copyright" || fail "copyright names no license"
    readelf -S "$tmp/root/$sofile" >"$tmp/sections" 2>&1 || fail "readelf -S failed on the packaged plugin"
    grep -q '\.debug_info' "$tmp/sections" && fail "the packaged plugin is not stripped"
    readelf -Ws --dyn-syms "$tmp/root/$sofile" >"$tmp/syms" 2>&1
    grep -qw plugin_register "$tmp/syms" || fail "the packaged plugin exports no plugin_register"
    echo "package contents ok"
    ;;
install)
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *" installed") fail "package $pkg is already installed ($status): remove it first (dpkg -r $pkg)" ;;
    esac
    [ -e "/$sofile" ] && fail "/$sofile exists already (installed by hand?): the test would overwrite it"
    installed=1   # from here on, the trap removes the package
    out=$(dpkg_locked -i "$deb") || fail "dpkg -i failed: $out"
    echo "$out"
    [ -f "/$sofile" ] || fail "dpkg -i installed no /$sofile"
    [ -x /usr/bin/tcplife-check ] || fail "dpkg -i installed no /usr/bin/tcplife-check"
    [ -x /usr/bin/tcplife ] || fail "dpkg -i installed no /usr/bin/tcplife"

    # tshark as an unprivileged user (root tshark is not what users run),
    # with no WIRESHARK_PLUGIN_DIR: the global folder is where it looks.
    chmod 711 "$tmp"
    chown -R nobody:nogroup "$tmp/home" "$tmp/config" "$tmp/extcap"
    plugins=$(as_nobody tshark -G plugins 2>&1) || fail "tshark -G plugins as nobody failed: $plugins"
    line=$(grep -E '^tcplife\.so' <<<"$plugins")
    [ -n "$line" ] || fail "tshark (as nobody) does not list tcplife.so: $plugins"
    echo "as nobody: $line"
    # "NAME<TAB>VERSION<TAB>TYPE<TAB>PATH" (later versions may add columns).
    [ -n "$(awk -F'\t' -v p="/$sofile" '{ for (i = 2; i <= NF; i++) if ($i == p) print }' <<<"$line")" ] \
        || fail "tcplife.so loaded from elsewhere than /$sofile: $line"
    # The installed plugin dissects, and the installed checker uses it.
    cap=$top/sample-captures/close-client-first.pcap
    phases=$(as_nobody tshark -n -r "$cap" -T fields -e tcplife.phase 2>&1) \
        || fail "tshark -r as nobody failed: $phases"
    grep -qx teardown <<<"$phases" || fail "no tcplife.phase teardown from the installed plugin: $phases"
    chk=$(as_nobody /usr/bin/tcplife-check -j 1 "$cap" 2>&1) \
        || fail "the installed tcplife-check failed: $chk"
    grep -q '^ok .*close-client-first.pcap: 1 connections, 1 closed' <<<"$chk" || fail "tcplife-check: $chk"
    echo "installed tcplife-check: $chk"
    # The direct program, installed beside it, with the libraries the
    # package depends on.
    rows=$(as_nobody /usr/bin/tcplife conn --tsv "$cap" 2>&1) || fail "the installed tcplife failed: $rows"
    [ "$(wc -l <<<"$rows")" -eq 2 ] || fail "tcplife conn --tsv: $rows"
    echo "installed tcplife: $(tail -n 1 <<<"$rows" | cut -f 1-6)"
    # The other tests' tshark still takes the build tree's copy.
    loaded=$("$here/plugin-loaded.sh" "$build" 2>&1) || fail "with the package installed: $loaded"
    echo "$loaded"

    out=$(dpkg_locked -r "$pkg") || fail "dpkg -r failed: $out"
    installed=0
    echo "$out"
    [ -e "/$sofile" ] && fail "dpkg -r left /$sofile"
    [ -e /usr/bin/tcplife-check ] && fail "dpkg -r left /usr/bin/tcplife-check"
    echo "installed, loaded from $global/epan as nobody, removed: ok"
    ;;
*) echo "package.sh: unknown case $case" >&2; exit 2 ;;
esac
exit 0
