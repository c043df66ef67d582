#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ws-headers.sh [--print]: fetches the Wireshark headers the plugin needs
# that Debian's libwireshark-dev does not install (today only
# epan/sequence_analysis.h, for the "TCP Lifecycle" Flow Graph, and what it
# includes that is not installed either) from Debian's own source package of
# exactly the installed libwireshark-dev version, and caches them in
#   $TCPLIFE_WS_CACHE/ws-include/<libwireshark-dev version>/
# (default /var/cache/tcplife), where CMake looks for them. Nothing of
# Wireshark is copied into this repository.
#
# Steps, each skipped when already done:
#   1. the header is installed, or already cached for this exact version: done;
#   2. no deb-src apt source configured: one is made from the machine's
#      Debian deb sources (same URIs, suites, components and keys), as
#      /etc/apt/sources.list.d/tcplife-src.sources (deb822 sources) and/or
#      tcplife-src.list (one-line sources); then apt-get update;
#   3. apt-get source --download-only wireshark=<source version> into
#      $TCPLIFE_WS_CACHE/ws-src/<source version>/ (apt checks the files'
#      hashes against the signed Sources index); the .dsc's version and the
#      orig tarball's upstream version are checked against the installed
#      package and ws_version.h;
#   4. the headers are extracted from the orig tarball (bz2 or xz; about 15 s
#      for 4.0's bz2), and each one's includes are followed: an include that
#      libwireshark-dev installs is left alone, one it does not is cached too.
#
# --print: print the cache folder (nothing else on stdout). Needs root for
# steps 2-3 (apt sources, apt-get update, /var/cache). Exit status: 0 done or
# nothing to do, 1 failed (the reason on stderr; the plugin then builds
# without the Flow Graph type), 2 usage.
# Environment: TCPLIFE_WS_CACHE (default /var/cache/tcplife),
# TCPLIFE_WS_INCLUDE (installed headers, default /usr/include/wireshark).
set -euo pipefail
cache=${TCPLIFE_WS_CACHE:-/var/cache/tcplife}
wsinc=${TCPLIFE_WS_INCLUDE:-/usr/include/wireshark}
wanted=(epan/sequence_analysis.h)
print=0
case "${1:-}" in
"") ;;
--print) print=1 ;;
-h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
*) echo "usage: $0 [--print]" >&2; exit 2 ;;
esac

log() { printf 'ws-headers: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"
q() { dpkg-query -W -f="$1" libwireshark-dev 2>/dev/null || true; }
[ "$(q '${Status}')" = "install ok installed" ] || die "libwireshark-dev is not installed"
ver=$(q '${Version}')                 # binary version, e.g. 4.6.9-1+b1
srcpkg=$(q '${source:Package}')       # wireshark
srcver=$(q '${source:Version}')       # source version, e.g. 4.6.9-1
upstream=${srcver#*:}
upstream=${upstream%-*}               # 4.6.9
inc=$cache/ws-include/$ver
done_print() { [ "$print" = 1 ] && printf '%s\n' "$1"; exit 0; }

# 1. Installed (a later Debian may ship it), or cached for this version.
missing=()
for h in "${wanted[@]}"; do [ -f "$wsinc/$h" ] || missing+=("$h"); done
if [ ${#missing[@]} -eq 0 ]; then
    log "installed by libwireshark-dev $ver in $wsinc: nothing to fetch"
    done_print "$wsinc"
fi
if [ -f "$inc/.tcplife-ws-headers" ]; then
    ok=1
    for h in "${wanted[@]}"; do [ -f "$inc/$h" ] || ok=0; done
    [ "$ok" = 1 ] && { log "cached: $inc (libwireshark-dev $ver)"; done_print "$inc"; }
fi

# ws_version.h must say the same version as the package.
ws_ver=$(awk '/#define WIRESHARK_VERSION_(MAJOR|MINOR|MICRO)/ { v = v (v == "" ? "" : ".") $3 } END { print v }' \
         "$wsinc/ws_version.h" 2>/dev/null || true)
[ "$ws_ver" = "$upstream" ] \
    || die "libwireshark-dev $ver (source $srcpkg $srcver) but $wsinc/ws_version.h says '$ws_ver'"

[ "$(id -u)" -eq 0 ] || die "needs root (apt sources, apt-get, $cache): sudo $0"
command -v apt-get >/dev/null || die "no apt-get"
export DEBIAN_FRONTEND=noninteractive

# 2. A deb-src source. Debian archives only: a third-party repository often
# has no source index, and apt-get update would fail on it.
debian_uri='(debian\.org|/debian(-security|-ports)?/?$)'
have_deb_src() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -qE '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && awk 'BEGIN { RS = ""; FS = "\n" }
            { src = 0; off = 0
              for (i = 1; i <= NF; i++) {
                  if ($i ~ /^Types:/ && $i ~ /[[:space:]]deb-src([[:space:]]|$)/) src = 1
                  if (tolower($i) ~ /^enabled:[[:space:]]*no/) off = 1 }
              if (src && !off) found = 1 }
            END { exit !found }' "$f" && return 0
    done
    return 1
}
make_deb_src() {
    local f made=0 out822=/etc/apt/sources.list.d/tcplife-src.sources
    local outlist=/etc/apt/sources.list.d/tcplife-src.list tmp
    tmp=$(mktemp)
    # deb822: each enabled stanza of Types deb with a Debian URI, as deb-src
    # (every field kept but Types and Architectures; continuation lines too).
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v re="$debian_uri" 'BEGIN { RS = ""; FS = "\n" }
            { deb = 0; off = 0; debian = 0; body = ""; keep = 0
              for (i = 1; i <= NF; i++) {
                  l = $i
                  if (l ~ /^#/) continue
                  if (l ~ /^[ \t]/) { if (keep) body = body "\n" l; continue }
                  k = tolower(substr(l, 1, index(l, ":") - 1))
                  if (k == "types") { if (l ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1; keep = 0; continue }
                  if (k == "enabled") { if (tolower(l) ~ /:[[:space:]]*no/) off = 1; keep = 0; continue }
                  if (k == "architectures") { keep = 0; continue }
                  if (k == "uris") { n = split(l, u, /[ \t]+/); for (j = 2; j <= n; j++) if (u[j] ~ re) debian = 1 }
                  body = body (body == "" ? "" : "\n") l; keep = 1 }
              if (deb && !off && debian) printf "Types: deb-src\n%s\n\n", body }' "$f" >>"$tmp"
    done
    if [ -s "$tmp" ]; then
        { echo "# Made by tcplife scripts/ws-headers.sh: Debian source packages"
          echo "# (Wireshark headers libwireshark-dev does not install)."
          echo; cat "$tmp"; } >"$out822"
        log "made $out822"
        made=1
    fi
    : >"$tmp"
    # One-line sources: deb -> deb-src, without an arch= option.
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        [ "$f" = "$outlist" ] && continue
        awk -v re="$debian_uri" '$1 == "deb" {
                line = "deb-src"; uri = ""
                for (i = 2; i <= NF; i++) {
                    w = $i
                    if (uri == "" && w ~ /^\[/) {         # [ options ]
                        opts = w
                        while (opts !~ /\]$/ && i < NF) opts = opts " " $(++i)
                        gsub(/arch=[^ \]]*/, "", opts)
                        if (opts !~ /^\[[ ]*\]$/) line = line " " opts
                        continue }
                    if (uri == "") uri = w
                    line = line " " w }
                if (uri ~ re) print line }' "$f" >>"$tmp"
    done
    if [ -s "$tmp" ]; then
        { echo "# Made by tcplife scripts/ws-headers.sh: Debian source packages"
          sort -u "$tmp"; } >"$outlist"
        log "made $outlist"
        made=1
    fi
    rm -f "$tmp"
    [ "$made" = 1 ] || die "no Debian deb source in /etc/apt to derive a deb-src source from"
}
updated=0
if ! have_deb_src; then
    log "no deb-src apt source: making one from the Debian deb sources"
    make_deb_src
    apt-get update -qq || die "apt-get update failed"
    updated=1
fi
has_version() {
    # Not `| grep -q`: under pipefail grep's early exit kills apt-cache with
    # SIGPIPE (141) and the whole test fails although the version is listed.
    local list
    list=$(apt-cache showsrc --only-source "$srcpkg" 2>/dev/null) || true
    grep -qx "Version: $srcver" <<<"$list"
}
if ! has_version && [ "$updated" = 0 ]; then
    apt-get update -qq || die "apt-get update failed"
fi
has_version || die "source package $srcpkg $srcver (of libwireshark-dev $ver) is not in any deb-src source; apt-cache showsrc $srcpkg lists: $(apt-cache showsrc --only-source "$srcpkg" 2>/dev/null | awk '/^Version:/ { printf "%s ", $2 }')"

# 3. The source package of exactly that version.
dl=$cache/ws-src/$srcver
mkdir -p "$dl"
dsc=$(ls "$dl"/*.dsc 2>/dev/null | head -n 1 || true)
orig=$(ls "$dl/${srcpkg}_${upstream}".orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1 || true)
if [ -z "$dsc" ] || [ -z "$orig" ]; then
    log "apt-get source --download-only $srcpkg=$srcver (about 40 MB) into $dl"
    # apt downloads as the _apt user when it can write the folder.
    id _apt >/dev/null 2>&1 && chown _apt "$dl"
    (cd "$dl" && apt-get source --download-only -qq "$srcpkg=$srcver" >/dev/null) \
        || die "apt-get source --download-only $srcpkg=$srcver failed"
    chown -R 0:0 "$dl"
    dsc=$(ls "$dl"/*.dsc 2>/dev/null | head -n 1 || true)
    orig=$(ls "$dl/${srcpkg}_${upstream}".orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n 1 || true)
fi
[ -n "$dsc" ] && [ -n "$orig" ] || die "no .dsc or ${srcpkg}_${upstream}.orig.tar.* in $dl"
dsc_ver=$(awk '/^Version:/ { print $2; exit }' "$dsc")
[ "$dsc_ver" = "$srcver" ] || die "$dsc is version $dsc_ver, libwireshark-dev $ver needs $srcver"

# 4. Extract the headers of the tarball (one pass), then follow includes
# from the wanted headers: cache those libwireshark-dev does not install.
work=$(mktemp -d /tmp/tcplife-ws-headers.XXXXXX)
trap 'rm -rf "$work"' EXIT
log "extracting headers from $(basename "$orig")"
tar -C "$work" -xf "$orig" --wildcards --wildcards-match-slash --no-same-owner \
    '*.h' 2>/dev/null || die "cannot extract headers from $orig (bzip2 / xz-utils installed?)"
top=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$top" ] || die "no folder in $orig"
mkdir -p "$inc.partial"
rm -rf "${inc:?}.partial"/*
queue=("${wanted[@]}")
declare -A seen=()
copied=()
while [ ${#queue[@]} -gt 0 ]; do
    h=${queue[0]}
    queue=("${queue[@]:1}")
    [ -n "${seen[$h]:-}" ] && continue
    seen[$h]=1
    [ -f "$top/$h" ] || die "$h is not in $(basename "$orig")"
    mkdir -p "$(dirname "$inc.partial/$h")"
    cp "$top/$h" "$inc.partial/$h"
    copied+=("$h")
    d=$(dirname "$h")
    while read -r kind name; do
        cands=("$name")
        [ "$kind" = '"' ] && [ "$d" != . ] && cands=("$d/$name" "$name")
        for c in "${cands[@]}"; do
            [ -f "$wsinc/$c" ] && break              # installed
            if [ -f "$top/$c" ]; then                # not installed: cache it too
                queue+=("$c")
                break
            fi
        done                                         # neither: a system header
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^">]+)[">].*/\1 \2/p' "$top/$h")
done
{
    echo "libwireshark-dev $ver"
    echo "source $srcpkg $srcver"
    echo "orig $(basename "$orig") sha256 $(sha256sum "$orig" | cut -d' ' -f1)"
    printf 'header %s\n' "${copied[@]}"
} >"$inc.partial/.tcplife-ws-headers"
chmod -R a+rX "$inc.partial"
rm -rf "$inc"
mv "$inc.partial" "$inc"
log "cached in $inc: ${copied[*]}"
done_print "$inc"
