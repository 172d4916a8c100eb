#!/usr/bin/env bash
# The test command: installs what the tests need, then builds and runs every unit and integration test.
# Integration tests start their own real parts (Ceph, gateway processes) and use real clients
# (qemu-img, qemu-io, nbdcopy, fio, iscsi-test-cu). Usage: tests/run.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ ! -d ../shared/traces ]; then
  echo "tests/run.sh: ../shared/traces is missing: trace tests will fail (they read the real traces there)" >&2
fi
exec mvn -B -e verify "$@"
