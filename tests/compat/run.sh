#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh [trixie|sid|all|SUITE...]: builds tcplife and runs the whole test
# suite (scripts/test.sh: cmocka unit tests and tshark end-to-end tests) inside
# a Debian root of each suite, against that suite's Wireshark:
#   trixie  Debian 13, Wireshark 4.4
#   sid     Debian unstable, Wireshark 4.6
#   all     trixie and sid (the default)
# Any other Debian suite name works too (bookworm: Wireshark 4.0).
# run.sh --shell SUITE: an interactive shell in that root instead, with the
# source tree in /tmp/src (scripts/test.sh builds in /tmp/build).
#
# Each root is made once with `debootstrap --variant=minbase` plus the build
# and test packages, and cached in $TCPLIFE_COMPAT_CACHE/<suite> (default
# /var/cache/tcplife-compat). The source tree is copied into a tmpfs inside the
# root on every run, so nothing of a run is left in the cache, except what
# scripts/ws-headers.sh (run by scripts/deps.sh inside the root, as on a fresh
# machine) fetches once per Wireshark version: a deb-src source made from the
# root's deb source, and the headers libwireshark-dev lacks (the Flow Graph's
# epan/sequence_analysis.h) in the root's /var/cache/tcplife.
#
# Environment:
#   TCPLIFE_COMPAT_CACHE    folder of the cached roots (/var/cache/tcplife-compat)
#   TCPLIFE_COMPAT_MIRROR   Debian mirror URL (default: the first non-security
#                           Debian URI in this machine's apt sources)
#   TCPLIFE_COMPAT_UPGRADE  1: apt-get upgrade the cached root before building
#   TCPLIFE_COMPAT_FRESH    1: delete the cached root and make it again
#
# Needs root (debootstrap, chroot, mounts). Installs debootstrap on the host
# when missing. Exit status: 0 when every suite passed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
self=$top/tests/compat/run.sh
cache=${TCPLIFE_COMPAT_CACHE:-/var/cache/tcplife-compat}

# Build and test packages: the list scripts/deps.sh installs (so the two
# cannot drift), plus ca-certificates for an https mirror. scripts/test.sh
# runs deps.sh inside the root too, which would install anything missed here.
deps_pkgs() {
    sed -n '/^pkgs=(/,/)/p' "$top/scripts/deps.sh" | sed 's/^pkgs=//' | tr -d '()' | tr -s ' \n' ' '
}
read -r -a pkgs <<<"$(deps_pkgs)"
[ ${#pkgs[@]} -gt 0 ] || pkgs=(cmake make gcc pkg-config libglib2.0-dev wireshark-dev
                               libwireshark-dev tshark libcmocka-dev util-linux)
pkgs+=(ca-certificates)

log() { printf 'compat: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The Debian mirror this machine's apt uses: deb822 .sources files and
# one-line sources.list entries, skipping security and non-Debian archives.
host_mirror() {
    local f
    # Every stage reads all its input and exits 0 (set -o pipefail): a
    # missing sources file or no match is an empty answer, not an exit.
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }' "$f"
        done
    } | awk '/\/debian\/?$/ && !/-security/ && !found { print; found = 1 }'
}

# Inside a private mount namespace (see main): mounts, source copy, chroot.
# Every mount vanishes with the namespace, however the run ends.
inner() {
    local mode=$1 suite=$2 root=$3
    mount --make-rprivate /
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mkdir -p "$root/tmp/src" "$root/tmp/build"
    # The working tree as it is (tracked and untracked files, no build dirs).
    if git -C "$top" -c safe.directory="$top" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$top" -c safe.directory="$top" ls-files -z -c -o --exclude-standard \
            | (cd "$top" && while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) \
            | tar -C "$top" --null -T - -cf - | tar -C "$root/tmp/src" -xf -
    else
        tar -C "$top" --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . \
            | tar -C "$root/tmp/src" -xf -
    fi
    # The third-party corpus beside the tree (tests/corpus), when there is one.
    local corpus=${TCPLIFE_CORPUS_DIR:-$top/../shared/corpus/tcpdump-tests}
    if [ -d "$corpus" ]; then
        mkdir -p "$root/tmp/corpus"
        cp -R "$corpus/." "$root/tmp/corpus/"
        chmod -R a+rX "$root/tmp/corpus"
    fi
    # tshark runs as nobody in the e2e tests: it must read captures and build.
    chmod -R a+rX "$root/tmp/src"
    chmod 755 "$root/tmp/build"
    local cmd='/tmp/src/scripts/test.sh'
    [ "$mode" = shell ] && cmd='cd /tmp/src && exec bash -i'
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        TERM="${TERM:-dumb}" LC_ALL=C.UTF-8 TCPLIFE_BUILD_DIR=/tmp/build TCPLIFE_CORPUS_DIR=/tmp/corpus \
        TCPLIFE_COMPAT=0 TCPLIFE_SANITIZE=0 TCPLIFE_LIVE=0 TCPLIFE_GUI=0 TCPLIFE_FRESH=0 /bin/bash -c '
            echo "compat: $(. /etc/os-release; echo "$PRETTY_NAME"), tshark $(dpkg-query -W -f="\${Version}" tshark), $(gcc --version | head -n 1)" >&2
            '"$cmd"
}

# Make (once) the cached root of one suite, with the packages installed.
ensure_root() {
    local suite=$1 root=$cache/$1 mirror lock
    # One run at a time makes or changes a root; test runs share it (each has
    # its own /tmp).
    mkdir -p "$cache"
    exec {lock}>"$cache/$suite.lock"
    flock "$lock"
    if [ "${TCPLIFE_COMPAT_FRESH:-0}" = 1 ] && [ -d "$root" ]; then
        log "$suite: deleting the cached root $root"
        rm -rf --one-file-system "$root"
    fi
    if [ ! -f "$root/.tcplife-debootstrap" ]; then
        mirror=${TCPLIFE_COMPAT_MIRROR:-$(host_mirror)}
        [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources*; set TCPLIFE_COMPAT_MIRROR"
        if ! command -v debootstrap >/dev/null; then
            log "installing debootstrap on the host"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
                || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
        fi
        log "$suite: debootstrap --variant=minbase $suite $root $mirror (once; several minutes)"
        rm -rf --one-file-system "$root.partial"
        debootstrap --variant=minbase "$suite" "$root.partial" "$mirror" >"$cache/$suite.debootstrap.log" 2>&1 \
            || die "$suite: debootstrap failed, see $cache/$suite.debootstrap.log"
        rm -rf --one-file-system "$root"
        mv "$root.partial" "$root"
        echo "$mirror" >"$root/.tcplife-debootstrap"
    fi
    # A cached root is a test fixture: a mirror snapshot may be older than its
    # Release file's Valid-Until, and no service may start in it.
    printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
        >"$root/etc/apt/apt.conf.d/90tcplife-compat"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

    local want=${pkgs[*]} have=""
    [ -f "$root/.tcplife-packages" ] && have=$(cat "$root/.tcplife-packages")
    if [ "$want" != "$have" ] || [ "${TCPLIFE_COMPAT_UPGRADE:-0}" = 1 ]; then
        log "$suite: installing ${pkgs[*]}"
        unshare --mount -- /bin/bash -c '
            set -e
            root=$1; shift
            mount --make-rprivate /
            mount -t proc proc "$root/proc"
            mount --rbind /dev "$root/dev"
            chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
                DEBIAN_FRONTEND=noninteractive /bin/bash -c "
                    set -e
                    echo wireshark-common wireshark-common/install-setuid boolean false | debconf-set-selections
                    apt-get update -qq
                    apt-get upgrade -y -qq
                    apt-get install -y -qq --no-install-recommends $*
                    apt-get clean"' _ "$root" "${pkgs[@]}" >"$cache/$suite.packages.log" 2>&1 \
            || die "$suite: package installation failed, see $cache/$suite.packages.log"
        echo "$want" >"$root/.tcplife-packages"
    fi
    exec {lock}>&-
}

run_suite() {
    local suite=$1 start=$SECONDS rc=0
    ensure_root "$suite"
    log "$suite: build and ctest"
    unshare --mount -- "$self" __inner test "$suite" "$cache/$suite" || rc=$?
    log "$suite: $([ "$rc" -eq 0 ] && echo PASSED || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
    return "$rc"
}

main() {
    if [ "${1:-}" = __inner ]; then
        shift
        inner "$@"
        return
    fi
    [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts): sudo $0 $*"
    local suites=() failed=()
    [ $# -eq 0 ] && set -- all
    for a in "$@"; do
        case "$a" in
        all) suites+=(trixie sid) ;;
        --shell)
            [ $# -eq 2 ] && [[ $2 =~ ^[a-z][a-z0-9-]*$ ]] || die "usage: $0 --shell SUITE"
            ensure_root "$2"
            exec unshare --mount -- "$self" __inner shell "$2" "$cache/$2" ;;
        -h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$self"; return 0 ;;
        -*) die "unknown option $a" ;;
        *) [[ $a =~ ^[a-z][a-z0-9-]*$ ]] || die "not a Debian suite name: $a"
           suites+=("$a") ;;
        esac
    done
    for s in "${suites[@]}"; do
        run_suite "$s" || failed+=("$s")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        log "FAILED: ${failed[*]}"
        return 1
    fi
    log "passed: ${suites[*]}"
}

main "$@"
