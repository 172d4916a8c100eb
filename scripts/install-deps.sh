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
  # the test cloud of tests/scripts/openstack.sh: its database, message bus, Nova and placement (started by the
  # script from their Python entry points, never as system services), the CLIs the smoke test uses
  mariadb-server rabbitmq-server python3-pymysql python3-nova python3-placement
  python3-cinderclient python3-novaclient python3-openstackclient curl
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
# daemon packages (mariadb-server, rabbitmq-server) must not start system services: the test scripts run their
# own instances on loopback. A policy-rc.d answering 101 forbids starts during the install (kept if one exists).
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  added_policy=1
fi
rc=0
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
[ "$added_policy" -eq 0 ] || rm -f "$policy"
exit "$rc"
