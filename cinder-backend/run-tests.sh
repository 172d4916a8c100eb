#!/usr/bin/env bash
# Runs the Cinder driver's tests (Cinder's own unit-test base, Debian's python3-cinder) against a real
# embedded gateway that this script starts on free loopback ports and stops at the end.
# Usage: cinder-backend/run-tests.sh [unittest args, e.g. tests.test_volumes]
# Env: SHARDGATE_JAR (default gateway/target/gateway.jar, built if missing), PYTHON (default /usr/bin/python3),
#      KEEP_DATA=1 keeps the gateway's data directory and log.
# Exit code: the tests' (0 all passed), 2 when the gateway or a dependency cannot be started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
python=${PYTHON:-/usr/bin/python3}
jar=${SHARDGATE_JAR:-$root/gateway/target/gateway.jar}

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

if ! "$python" -c 'import cinder.tests.unit.test' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "run-tests: installing python3-cinder (Cinder and its unit-test base)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cinder >/dev/null
  else
    echo "run-tests: $python cannot import cinder: apt-get install python3-cinder (as root)" >&2
    exit 2
  fi
fi
for t in java qemu-img qemu-io nbdinfo; do
  command -v "$t" >/dev/null || { echo "run-tests: $t is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
if [ ! -f "$jar" ]; then
  echo "run-tests: building $jar"
  (cd "$root" && mvn -B -o -q -pl gateway -am package -DskipTests)
fi

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest_port=$(free_port)
nbd_port=$(free_port)
iscsi_port=$(free_port)
data=$(mktemp -d /tmp/shardgate-cinder.XXXXXX)
gateway_pid=

# shellcheck disable=SC2317  # called by the EXIT trap
stop() {
  local rc=$?
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid"
    for _ in $(seq 50); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$gateway_pid" 2>/dev/null || true
  fi
  "$root/tests/scripts/keystone.sh" stop "$data/keystone" >/dev/null 2>&1 || true
  if [ "$rc" -ne 0 ] && [ -f "$data/gateway.log" ]; then
    echo "run-tests: last lines of the gateway log ($data/gateway.log):" >&2
    tail -n 30 "$data/gateway.log" >&2
  fi
  if [ "${KEEP_DATA:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "run-tests: gateway data and log kept in $data" >&2
  else
    rm -rf "$data"
  fi
  exit "$rc"
}
trap stop EXIT

echo "run-tests: starting Keystone (the gateway validates the driver's Keystone tokens against it)"
keystone_url=$("$root/tests/scripts/keystone.sh" start "$data/keystone" | tail -n 1)
echo "run-tests: starting the gateway (REST 127.0.0.1:$rest_port, NBD 127.0.0.1:$nbd_port, data $data)"
java -jar "$jar" serve --embedded --data-dir "$data" --rest-port "$rest_port" --nbd-port "$nbd_port" \
  --iscsi-port "$iscsi_port" --keystone-url "$keystone_url" --keystone-user admin \
  --keystone-password-file "$data/keystone/admin.password" --keystone-project admin \
  >"$data/gateway.log" 2>&1 &
gateway_pid=$!
url="http://127.0.0.1:$rest_port"
for i in $(seq 120); do
  if [ -s "$data/admin.token" ] && "$python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "$url/v1/health" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$gateway_pid" 2>/dev/null; then
    echo "run-tests: the gateway exited during start-up" >&2
    exit 2
  fi
  if [ "$i" -eq 120 ]; then
    echo "run-tests: the gateway did not answer $url/v1/health within 60 s" >&2
    exit 2
  fi
  sleep 0.5
done
echo "run-tests: gateway up after about $((i / 2)) s"

export SHARDGATE_TEST_URL=$url
export SHARDGATE_TEST_TOKEN_FILE=$data/admin.token
export SHARDGATE_TEST_NBD=127.0.0.1:$nbd_port
export SHARDGATE_TEST_ISCSI=127.0.0.1:$iscsi_port
export SHARDGATE_TEST_KEYSTONE_URL=$keystone_url
SHARDGATE_TEST_KEYSTONE_PASSWORD=$(cat "$data/keystone/admin.password")
export SHARDGATE_TEST_KEYSTONE_PASSWORD
cd "$here"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(discover -s tests -t . -v)
set +e
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$python" -W ignore::DeprecationWarning -m unittest "${args[@]}"
rc=$?
set -e
echo "run-tests: unittest exit code $rc"
exit "$rc"
