#!/usr/bin/env bash
# Installs what KvmTune measures and talks to (QEMU, fio, libvirt, busybox for the micro-VM,
# Chromium for report screenshots, fonts for the report charts; attr and acl for the extended-attribute tests;
# Debian's nova with what its unit tests need: the real nova is the oracle of `nova explain` and the target of
# `nova patch`) and starts libvirt without systemd. Also what the fleet tests use: sshd, ip (network namespaces),
# PostgreSQL 15, Ansible, and debootstrap for the package check (scripts/test-services.sh starts those services);
# python3 for scripts/kill-loop.py and the mutation summary. Idempotent; run as root.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: run as root (it installs Debian packages and starts libvirtd)" >&2
    exit 2
fi
packages=(qemu-utils qemu-system-x86 qemu-block-extra fio libvirt-daemon-system libvirt-clients xz-utils
          busybox-static cpio util-linux e2fsprogs lvm2 parted attr acl chromium fontconfig fonts-dejavu-core
          openssh-server openssh-client iproute2 postgresql-15 postgresql-client-15 ansible-core ansible-lint
          debootstrap patch python3-nova python3-stestr python3-oslotest python3-wsgi-intercept python3-ddt
          python3-testscenarios python3-requests-mock python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# libvirt re-probes QEMU on every call unless /dev/kvm is group kvm, mode 660.
if [ -e /dev/kvm ]; then
    chgrp kvm /dev/kvm 2>/dev/null || true
    chmod 660 /dev/kvm 2>/dev/null || true
fi
# No systemd here: start the daemons directly when they are not running.
pgrep -x virtlogd >/dev/null || virtlogd -d
pgrep -x libvirtd >/dev/null || libvirtd -d
for _ in $(seq 1 50); do
    virsh -c qemu:///system version >/dev/null 2>&1 && break
    sleep 0.2
done
virsh -c qemu:///system version >/dev/null 2>&1 || { echo "setup.sh: libvirtd did not answer on qemu:///system" >&2; exit 3; }
echo "setup.sh: ready ($(qemu-img --version | head -1); fio $(fio --version); libvirt $(virsh -c qemu:///system version --daemon 2>/dev/null | awk '/daemon/ {print $NF}'))" >&2
