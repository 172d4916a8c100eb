#!/usr/bin/env bash
# The test command: installs what the tests need, then builds and runs every unit and integration test.
# Integration tests start their own real parts (Ceph, gateway processes) and use real clients
# (qemu-img, qemu-io, nbdcopy, fio, iscsi-test-cu), then the Cinder driver's tests run against a real gateway.
# Usage: tests/run.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ ! -d ../shared/traces ]; then
  echo "tests/run.sh: ../shared/traces is missing: trace tests will fail (they read the real traces there)" >&2
fi
mvn -B -e verify "$@"
# the Cinder driver's tests (Python, Cinder's own test base) against a real embedded gateway built above
cinder-backend/run-tests.sh
