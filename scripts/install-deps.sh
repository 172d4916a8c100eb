#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need. Idempotent: installs only what is missing.
# Usage: scripts/install-deps.sh            (as root on Debian 12)
set -euo pipefail

packages=(
  # build
  openjdk-17-jdk-headless maven
  # real parts the integration tests start
  ceph-mon ceph-osd ceph-mgr librados2 ceph-common
  # the OpenStack side: Cinder (its driver interface and test base) for the Cinder driver tests
  python3-cinder
  # Keystone (Debian's python3-keystone, run by tests/scripts/keystone.sh) for the Keystone token tests
  python3-keystone
  # block clients nobody here wrote
  qemu-utils qemu-block-extra libnbd-bin nbdkit fio libiscsi-bin
  # trace decompression for the shell tools, script lint
  zstd xz-utils bzip2 shellcheck
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: need root to install Debian packages (run with sudo)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
