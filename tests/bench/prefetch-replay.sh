#!/usr/bin/env bash
# End-to-end replay of a real trace's test split through a gateway volume backed by RADOS, with the owner's
# prefetcher off and on, in one run: the same volume and data, the gateway restarted between the two (cold tiers).
# The split is exported by `predict export` as an fio iolog and replayed by fio's NBD engine (reads and writes as in
# the trace, offsets wrapped into the volume); fio reports the read latency.
# The cost of recording accesses is measured by tests/bench/recording-cost.sh.
# Writes OUT/prefetch-replay.json and OUT/prefetch-replay.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/bench/prefetch-replay.sh [--trace FILE] [--requests N] [--policy P] [--out DIR] [--help]
  --trace FILE    trace to replay (default ../shared/traces/cloudPhysicsIO.csv)
  --requests N    requests of the test split to replay (default 20000)
  --policy P      prefetch policy when on (default readahead32; lstm needs PREFETCH_MODEL=FILE)
  --out DIR       results folder (default tests/bench/results)
Needs gateway/target/gateway.jar (mvn -B -q package -DskipTests), Ceph (scripts/install-deps.sh) and fio.
USAGE
}

TRACE=../shared/traces/cloudPhysicsIO.csv
REQUESTS=20000
POLICY=readahead32
OUT=tests/bench/results
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --trace=TRACE --requests=REQUESTS --policy=POLICY --out=OUT -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=gateway/target/gateway.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
PID=
stop_gateway() { if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { stop_gateway; tests/scripts/ceph-cluster.sh stop "$WORK/ceph" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
REST=$(free_port); NBD=$(free_port)
start_gateway() { # data-dir extra-args...
  local data=$1; shift
  java -Xmx2g -XX:MaxDirectMemorySize=2g -jar "$JAR" serve --embedded --data-dir "$data" --rest-port "$REST" \
    --nbd-port "$NBD" --iscsi-port -1 "$@" >> "$WORK/gateway.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$REST/v1/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "the gateway did not start: see $WORK/gateway.log" >&2; return 1
}
SIZE=$((2 << 30))

echo "exporting $REQUESTS requests of the test split of $TRACE..." >&2
java -jar "$JAR" predict export --trace "$TRACE" --limit "$REQUESTS" --max-offset "$SIZE" --out "$WORK/replay.iolog"

echo "starting Ceph..." >&2
CONF=$(tests/scripts/ceph-cluster.sh start "$WORK/ceph" | tail -1)
RADOS=(--store rados --ceph-conf "$CONF" --ram-tier 256M)
start_gateway "$WORK/rados" "${RADOS[@]}" --prefetch-policy none --no-record-traces
java -jar "$JAR" volume create --url "http://127.0.0.1:$REST" --token-file "$WORK/rados/admin.token" --name replay \
  --size "$SIZE" --iops 20000 --throughput 500 --workload general >/dev/null
echo "filling the volume..." >&2
fio --name=fill --ioengine=nbd --uri="nbd://127.0.0.1:$NBD/replay" --bs=1m --rw=write --iodepth=8 --size="$SIZE" \
  --output-format=json --output="$WORK/fill.json" >/dev/null
replay() { # label
  echo "  replay, prefetch $1" >&2
  fio --name="replay-$1" --ioengine=nbd --uri="nbd://127.0.0.1:$NBD/replay" --read_iolog="$WORK/replay.iolog" \
    --replay_no_stall=1 --iodepth=4 --output-format=json --output="$WORK/replay-$1.json" >/dev/null
  curl -sf -H "Authorization: Bearer $(cat "$WORK/rados/admin.token")" \
    "http://127.0.0.1:$REST/v1/volumes/replay/stats" > "$WORK/stats-$1.json"
}
stop_gateway
start_gateway "$WORK/rados" "${RADOS[@]}" --prefetch-policy none --no-record-traces
replay off
stop_gateway
MODEL=()
[[ -n "${PREFETCH_MODEL:-}" ]] && MODEL=(--prefetch-model "$PREFETCH_MODEL")
start_gateway "$WORK/rados" "${RADOS[@]}" --prefetch-policy "$POLICY" "${MODEL[@]}" --record-traces
replay on
stop_gateway

python3 - "$WORK" "$OUT" "$TRACE" "$REQUESTS" "$POLICY" <<'PY'
import json, os, sys
work, out, trace, requests, policy = sys.argv[1:6]
def read_side(name):
    j = json.load(open(os.path.join(work, name)))["jobs"][0]["read"]
    return {"ios": j["total_ios"], "mean_us": j["clat_ns"]["mean"] / 1000,
            "p99_us": j["clat_ns"]["percentile"]["99.000000"] / 1000}
res = {"trace": trace, "requests": int(requests), "policy": policy, "replay": {}}
for label in ("off", "on"):
    r = read_side(f"replay-{label}.json")
    r["stats"] = json.load(open(os.path.join(work, f"stats-{label}.json")))
    res["replay"][label] = r
json.dump(res, open(os.path.join(out, "prefetch-replay.json"), "w"), indent=2)
with open(os.path.join(out, "prefetch-replay.md"), "w") as f:
    f.write(f"Replay of {requests} requests of the test split of {os.path.basename(trace)}, volume in RADOS, policy {policy}:\n\n")
    f.write("| prefetch | reads | mean read latency us | p99 read latency us | RAM-tier block hits | prefetch issued / used |\n| --- | --- | --- | --- | --- | --- |\n")
    for label in ("off", "on"):
        r = res["replay"][label]; s = r["stats"]
        f.write(f"| {label} | {r['ios']} | {r['mean_us']:.0f} | {r['p99_us']:.0f} | {s['ramHits']} | {s['prefetchIssued']} / {s['prefetchUsed']} |\n")
print(open(os.path.join(out, "prefetch-replay.md")).read())
PY
