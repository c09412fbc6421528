#!/usr/bin/env bash
# Proves that the Debian package installs and runs on a fresh Debian 12 with no .NET: a debootstrap'ed minbase
# bookworm root (cached as a tarball in the data directory, so only the first run spends minutes on it) gets the
# .deb through `apt-get install ./kvmtune_….deb`, then runs kvmtune --version, kvmtune version --paths (the program
# finds /usr/share/kvmtune) and kvmtune lint on an example domain. Mounts (proc) live in a private mount namespace
# and vanish with it; the root is deleted afterwards.
# Usage: scripts/package-check.sh [DEB]   (root; default: the newest artifacts/kvmtune_*_amd64.deb, built when missing)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "package-check.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
deb="${1:-$(ls -t "$here"/artifacts/kvmtune_*_amd64.deb 2>/dev/null | head -1 || true)}"
if [ -z "$deb" ]; then
    deb="$("$here/scripts/package.sh" | tail -1)"
fi
[ -f "$deb" ] || { echo "package-check.sh: $deb: no such package" >&2; exit 2; }

cache_dir="${XDG_DATA_HOME:-$HOME/.local/share}/kvmtune/cache"
cache="$cache_dir/debian-bookworm-minbase.tar.gz"
if [ ! -s "$cache" ]; then
    command -v debootstrap >/dev/null || { echo "package-check.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 3; }
    # The machine's own Debian mirror (deb822 sources), else Debian's.
    mirror="$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    build="$(mktemp -d /tmp/kvmtune-debootstrap-XXXXXX)"
    echo "package-check.sh: debootstrap --variant=minbase bookworm from $mirror (once; cached in $cache)" >&2
    if ! debootstrap --variant=minbase bookworm "$build" "$mirror" >"$build.log" 2>&1; then
        tail -5 "$build.log" >&2; rm -rf "$build" "$build.log"; exit 3
    fi
    install -d -m 0700 "$cache_dir"
    tar -C "$build" -czf "$cache.tmp.$$" . && mv "$cache.tmp.$$" "$cache"
    rm -rf "$build" "$build.log"
fi

root="$(mktemp -d /tmp/kvmtune-pkgcheck-XXXXXX)"
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xzf "$cache"
cp "$deb" "$root/tmp/"
cp "$here/examples/web01.xml" "$root/tmp/web01.xml"
start=$(date +%s)
# shellcheck disable=SC2016 # expanded inside the chroot
unshare --mount --propagation private -- bash -euo pipefail -c '
    root="$1" deb="$2"
    mount -t proc proc "$root/proc"
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/bash -euo pipefail -c "
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends /tmp/$deb >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
        if command -v dotnet >/dev/null || [ -d /usr/share/dotnet ] || [ -d /usr/lib/dotnet ]; then echo \"dotnet is installed\"; exit 1; fi
        echo \"+ kvmtune --version\"; kvmtune --version
        echo \"+ kvmtune version --paths\"; kvmtune version --paths | tee /tmp/paths
        grep -qx \"share: /usr/share/kvmtune\" /tmp/paths
        echo \"+ kvmtune lint /tmp/web01.xml\"; rc=0; kvmtune lint /tmp/web01.xml || rc=\$?
        [ \$rc -le 1 ] || { echo \"lint exited \$rc\"; exit 1; }
        test -s /usr/share/man/man1/kvmtune.1.gz && test -s /usr/share/bash-completion/completions/kvmtune
        dpkg-query -W -f=\"\\\${Package} \\\${Version} \\\${Installed-Size} KiB installed\\n\" kvmtune
    "
' check "$root" "$(basename "$deb")"
echo "package-check.sh: $(basename "$deb") installed and ran in a fresh Debian 12 root without .NET ($(( $(date +%s) - start )) s)"
