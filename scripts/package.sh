#!/usr/bin/env bash
# Builds KvmTune for hosts without .NET: a self-contained single-file linux-x64 program (only that runtime's native
# libraries beside it) and a Debian package artifacts/kvmtune_VERSION_amd64.deb:
#   /usr/lib/kvmtune/kvmtune (+ libe_sqlite3.so), /usr/bin/kvmtune -> it,
#   /usr/share/kvmtune (the clone's share/: data files read at run time), /usr/share/doc/kvmtune (README, docs),
#   /usr/share/man/man1/kvmtune.1.gz (from the commands' --help), bash completion.
# The version is <Version> of Directory.Build.props. Prints the paths and sizes; the last line is the .deb's path.
# Usage: scripts/package.sh [OUTPUT_DIR]   (default: artifacts/ in the clone)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="$(mkdir -p "${1:-$here/artifacts}" && cd "${1:-$here/artifacts}" && pwd)"
version="$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$here/Directory.Build.props" | head -1)"
[ -n "$version" ] || { echo "package.sh: no <Version> in Directory.Build.props" >&2; exit 2; }
for tool in dotnet dpkg-deb gzip; do
    command -v "$tool" >/dev/null || { echo "package.sh: $tool is missing" >&2; exit 3; }
done

publish="$out/publish/linux-x64"
stage="$out/stage"
rm -rf "$publish" "$stage"
echo "package.sh: publishing kvmtune $version for linux-x64 (self-contained, single file)" >&2
start=$(date +%s)
# PublishSingleFile bundles every managed assembly and the runtime into one file; the native libraries of the
# packages (SQLite) stay beside it, for linux-x64 only (RuntimeIdentifier).
dotnet publish "$here/src/KvmTune.Cli/KvmTune.Cli.csproj" -c Release -r linux-x64 --self-contained true \
    -p:PublishSingleFile=true -p:DebugType=none \
    -o "$publish" -nologo -v q >&2
echo "package.sh: published in $(( $(date +%s) - start )) s" >&2
binary="$publish/kvmtune"
[ -x "$binary" ] || { echo "package.sh: $binary was not built" >&2; exit 3; }

lib="$stage/usr/lib/kvmtune"
doc="$stage/usr/share/doc/kvmtune"
install -d -m 0755 "$lib" "$stage/usr/bin" "$stage/usr/share/kvmtune" "$doc/docs" "$stage/usr/share/man/man1" \
    "$stage/usr/share/bash-completion/completions" "$stage/DEBIAN"
install -m 0755 "$binary" "$lib/kvmtune"
for so in "$publish"/*.so; do
    [ -e "$so" ] && install -m 0644 "$so" "$lib/"
done
ln -s ../lib/kvmtune/kvmtune "$stage/usr/bin/kvmtune"
# The clone's share/ is the program's data directory (KvmTune.Host.ShareDirectory finds either): the nova patches and
# share/nova/nova_disks.py among them; Python bytecode left by a run in the clone is not packaged.
(cd "$here/share" && find . -type f ! -name README.md ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | while IFS= read -r -d '' f; do
    install -D -m "$([ -x "$f" ] && echo 0755 || echo 0644)" "$f" "$stage/usr/share/kvmtune/$f"
done)
install -m 0644 "$here/README.md" "$doc/README.md"
install -m 0644 "$here"/docs/*.md "$doc/docs/"
cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kvmtune
Comment: self-contained build; bundles the .NET runtime and the NuGet packages listed in
 Directory.Packages.props of the source (Spectre.Console, Microsoft.Data.Sqlite, SQLitePCLRaw, CliWrap,
 Perfolizer), each under its own licence (MIT or Apache-2.0).
EOF
printf 'kvmtune (%s) unstable; urgency=low\n\n  * Package built by scripts/package.sh.\n\n -- KvmTune maintainers <kvmtune@localhost>  %s\n' \
    "$version" "$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" | gzip -9n >"$doc/changelog.Debian.gz"

# The man page and the completion come from the program's own --help, so they list what this build accepts.
"$here/scripts/package-docs.sh" "$binary" "$version" "$stage/usr/share/man/man1/kvmtune.1" \
    "$stage/usr/share/bash-completion/completions/kvmtune"
gzip -9n "$stage/usr/share/man/man1/kvmtune.1"

installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: kvmtune
Version: $version
Architecture: amd64
Maintainer: KvmTune maintainers <kvmtune@localhost>
Installed-Size: $installed_kb
Depends: libc6 (>= 2.31), libgcc-s1, libstdc++6
Recommends: libvirt0, qemu-utils, fio
Suggests: qemu-system-x86, qemu-block-extra, libvirt-daemon-system, busybox-static, lvm2, chromium
Section: admin
Priority: optional
Description: measure, decide and apply KVM disk IO settings (cache, aio, backend)
 KvmTune measures cache mode, aio mode and image backend candidates on this host
 (fio, qemu-img bench, a micro-VM), decides with confidence intervals, applies the
 decision to nova.conf and libvirt domains (diff, backup, atomic write, rollback),
 and lints, explains and inspects the disk settings of existing domains, locally
 or on many hosts through libvirt's remote driver.
 .
 This build is self-contained: it needs no .NET runtime.
EOF
deb="$out/kvmtune_${version}_amd64.deb"
rm -f "$deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "package.sh: binary $(stat -c %s "$lib/kvmtune") bytes; installed ${installed_kb} KiB; .deb $(stat -c %s "$deb") bytes" >&2
echo "$deb"
