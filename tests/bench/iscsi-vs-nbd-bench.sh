#!/usr/bin/env bash
# iSCSI against NBD on the same volume of one embedded gateway, in one run: `qemu-img bench` (QEMU's own block
# drivers: libiscsi for iscsi://, its NBD client for nbd://), 4 KiB requests, queue depth 32 and 1, read and write.
# The volume sits in the RAM tier (filled, then read once), so the front ends are what is compared.
# Goal (issue 7): iSCSI IOPS >= 0.8x NBD IOPS in every case. Writes OUT/iscsi-vs-nbd-bench.{json,md}.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/bench/iscsi-vs-nbd-bench.sh [--size-mib N] [--count-qd32 N] [--count-qd1 N] [--out DIR] [--help]
  --size-mib N     volume size (default 512)
  --count-qd32 N   requests per queue-depth-32 run (default 200000)
  --count-qd1 N    requests per queue-depth-1 run (default 40000)
  --out DIR        results folder (default tests/bench/results)
Needs gateway/target/gateway.jar (mvn -B -q -pl gateway -am package -DskipTests) and qemu-utils.
Each run is bounded by its request count and a 300 s timeout.
USAGE
}

SIZE_MIB=512
COUNT32=200000
COUNT1=40000
OUT=tests/bench/results
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --size-mib=SIZE_MIB --count-qd32=COUNT32 --count-qd1=COUNT1 --out=OUT -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=gateway/target/gateway.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -q -pl gateway -am package -DskipTests" >&2; exit 1; }
command -v qemu-img >/dev/null || { echo "qemu-img not found: install qemu-utils" >&2; exit 1; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
GW_PID=""
cleanup() {
  if [[ -n "$GW_PID" ]]; then kill "$GW_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

REST=$(free_port); NBD=$(free_port); ISCSI=$(free_port)

echo "[1/4] starting an embedded gateway (REST $REST, NBD $NBD, iSCSI $ISCSI)" >&2
java -Xmx1g -XX:MaxDirectMemorySize=2g -jar "$JAR" serve --embedded --data-dir "$WORK/data" --rest-port "$REST" \
  --nbd-port "$NBD" --iscsi-port "$ISCSI" --ram-tier "$((SIZE_MIB + 256))M" > "$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$REST/v1/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$REST/v1/health" >/dev/null || { echo "gateway did not start:" >&2; tail "$WORK/gateway.log" >&2; exit 1; }
java -jar "$JAR" volume create --url "http://127.0.0.1:$REST" --token-file "$WORK/data/admin.token" --name bench \
  --size "${SIZE_MIB}M" --iops 50000 --throughput 500 --workload database >/dev/null

NBD_URL="nbd://127.0.0.1:$NBD/bench"
ISCSI_URL="iscsi://127.0.0.1:$ISCSI/iqn.2026-11.io.shardgate:bench/0"

echo "[2/4] filling the volume and warming the RAM tier" >&2
timeout 300 qemu-io -f raw -c "write -P 0x5a 0 ${SIZE_MIB}M" "$NBD_URL" >/dev/null
timeout 300 qemu-io -f raw -c "read -P 0x5a 0 ${SIZE_MIB}M" "$ISCSI_URL" >/dev/null

bench() { # label url depth count [-w]
  local label=$1 url=$2 depth=$3 count=$4; shift 4
  local secs
  secs=$(timeout 300 qemu-img bench -f raw -t none -c "$count" -d "$depth" -s 4k -S 4k "$@" "$url" \
    | sed -n 's/^Run completed in \([0-9.]*\) seconds\./\1/p')
  [[ -n "$secs" ]] || { echo "qemu-img bench $label produced no result" >&2; exit 1; }
  echo "  $label: $count requests in $secs s" >&2
  echo "$label $count $secs" >> "$WORK/runs.txt"
}

echo "[3/4] measuring (NBD then iSCSI for each case)" >&2
for depth in 32 1; do
  count=$COUNT32; [[ $depth == 1 ]] && count=$COUNT1
  bench "nbd-read-qd$depth" "$NBD_URL" "$depth" "$count"
  bench "iscsi-read-qd$depth" "$ISCSI_URL" "$depth" "$count"
  bench "nbd-write-qd$depth" "$NBD_URL" "$depth" "$count" -w
  bench "iscsi-write-qd$depth" "$ISCSI_URL" "$depth" "$count" -w
done

echo "[4/4] results" >&2
/usr/bin/python3 - "$WORK/runs.txt" "$OUT" "$SIZE_MIB" <<'PY'
import json, os, sys
runs, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
iops = {}
for line in open(runs):
    label, count, secs = line.split()
    iops[label] = int(count) / float(secs)
rows = []
for case in ["read-qd32", "write-qd32", "read-qd1", "write-qd1"]:
    n, i = iops["nbd-" + case], iops["iscsi-" + case]
    rows.append({"case": case, "nbd_iops": round(n), "iscsi_iops": round(i), "ratio": round(i / n, 2),
                 "goal_met": i >= 0.8 * n})
doc = {"tool": "qemu-img bench -f raw -t none -s 4k -S 4k (sequential 4 KiB)", "volume_mib": size,
       "volume": "embedded gateway, local-directory store, RAM tier holding the whole volume", "rows": rows}
json.dump(doc, open(os.path.join(out, "iscsi-vs-nbd-bench.json"), "w"), indent=2)
with open(os.path.join(out, "iscsi-vs-nbd-bench.md"), "w") as f:
    f.write("| case | NBD IOPS | iSCSI IOPS | iSCSI / NBD | goal >= 0.8 |\n| --- | --- | --- | --- | --- |\n")
    for r in rows:
        f.write(f"| {r['case']} | {r['nbd_iops']} | {r['iscsi_iops']} | {r['ratio']:.2f} | "
                f"{'met' if r['goal_met'] else 'NOT met'} |\n")
print(open(os.path.join(out, "iscsi-vs-nbd-bench.md")).read())
PY
