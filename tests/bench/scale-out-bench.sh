#!/usr/bin/env bash
# Scale-out and hot-spot benchmarks of re-sharding, with every server's capacity EMULATED (serve --emulate-capacity:
# token buckets at the advertised IOPS), so that several servers on this 2-core machine behave like real servers of
# fixed capacity C. All servers share one local-directory store; data is served from their RAM tiers.
#   scale-out: 6 servers of C IOPS; a volume asking for 4C is planned over >= 4 servers and fio (4 KiB randread,
#              QD32, through one server's NBD) should reach >= 0.9 x 4C; a volume asking for less than one server
#              stays on one server and reaches about C.
#   hot-spot : 4 servers of C IOPS; a volume asking for 2C; fio reads a skewed (zipf) range inside one shard, so its
#              owner caps it at C. Run twice, automatic re-sharding off then on: with it on, the controller splits
#              the hot shard and throughput should recover to >= 80% of the spec within 30 s.
# Writes OUT/scale-out-bench.json and OUT/scale-out-bench.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/bench/scale-out-bench.sh [--capacity C] [--runtime S] [--hotspot-runtime S] [--out DIR] [--help]
  --capacity C         emulated IOPS of each server (default 1000)
  --runtime S          seconds per scale-out fio run (default 20)
  --hotspot-runtime S  seconds per hot-spot fio run (default 60)
  --out DIR            results folder (default tests/bench/results)
Needs gateway/target/gateway.jar (mvn -B -q package -DskipTests) and fio.
USAGE
}

C=1000
RUNTIME=20
HOT_RUNTIME=60
OUT=tests/bench/results
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --capacity=C --runtime=RUNTIME --hotspot-runtime=HOT_RUNTIME --out=OUT -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=gateway/target/gateway.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
stop_cluster() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { stop_cluster; rm -rf "$WORK"; }
trap cleanup EXIT

REST=()
NBD=()
start_cluster() { # name servers reshard-interval-ms
  local name=$1 n=$2 reshard=$3 hz=() members=() i
  for ((i = 0; i < n; i++)); do hz+=("$(free_port)"); done
  for p in "${hz[@]}"; do members+=(--member "127.0.0.1:$p"); done
  REST=(); NBD=()
  for ((i = 0; i < n; i++)); do
    REST+=("$(free_port)"); NBD+=("$(free_port)")
    java -Xmx768m -jar "$JAR" serve --hazelcast-port "${hz[$i]}" "${members[@]}" --cluster-name "$name-$$" \
      --server-id "gw-$i" --data-dir "$WORK/$name" --rest-port "${REST[$i]}" --nbd-port "${NBD[$i]}" \
      --iops "$C" --bandwidth-mbps 1000 --emulate-capacity --ram-tier 512M --load-interval 1000 \
      --reshard-interval "$reshard" --chunk-size 4M > "$WORK/$name-$i.log" 2>&1 &
    PIDS+=($!)
  done
  for ((i = 0; i < n; i++)); do
    for _ in $(seq 1 240); do
      curl -sf "http://127.0.0.1:${REST[$i]}/v1/health" >/dev/null 2>&1 && break
      sleep 0.5
    done
  done
  TOKEN=$(cat "$WORK/$name/admin.token")
}
api() { # method path [body]
  curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" ${3:+-d "$3"} "http://127.0.0.1:${REST[0]}$2"
}
create() { # name size-bytes iops
  api POST /v1/volumes "{\"name\":\"$1\",\"sizeBytes\":$2,\"iops\":$3,\"throughputMBps\":100}" >/dev/null
  fio --name=fill --ioengine=nbd --uri="nbd://127.0.0.1:${NBD[0]}/$1" --bs=1m --rw=write --iodepth=4 \
    --size="$2" --output-format=json --output="$WORK/fill-$1.json" >/dev/null
}
servers_of() { api GET "/v1/volumes/$1/shards" | python3 -c 'import json,sys; print(len({s["owner"] for s in json.load(sys.stdin)["shards"]}))'; }

echo "scale-out: 6 servers of $C IOPS (emulated)..." >&2
start_cluster scale 6 0
# first, while every server is free: below twice the planner's minimum per server (250 IOPS), one server takes it
create single $((256 << 20)) $((C * 3 / 10))
create wide $((1 << 30)) $((4 * C))
WIDE_SERVERS=$(servers_of wide)
SINGLE_SERVERS=$(servers_of single)
WIDE_SHARDS=$(api GET /v1/volumes/wide | python3 -c 'import json,sys; print(json.load(sys.stdin)["shardCount"])')
for v in wide single; do
  echo "  fio randread QD32 on $v (${RUNTIME}s)" >&2
  fio --name="$v" --ioengine=nbd --uri="nbd://127.0.0.1:${NBD[0]}/$v" --bs=4k --rw=randread --iodepth=32 \
    --time_based --runtime="$RUNTIME" --output-format=json --output="$WORK/scale-$v.json" >/dev/null
done
stop_cluster

hotspot() { # label reshard-interval-ms
  echo "hot-spot, re-sharding $1: 4 servers of $C IOPS (emulated)..." >&2
  start_cluster "hot-$1" 4 "$2"
  create hot $((1 << 30)) $((2 * C))
  # the first shard's range, read with a zipf skew: one owner serves all of it
  local end
  end=$(api GET /v1/volumes/hot/shards | python3 -c 'import json,sys; s=json.load(sys.stdin)["shards"][0]; print(s["start"]+s["length"])')
  echo "  fio zipf randread QD32 on [0, $end) for ${HOT_RUNTIME}s" >&2
  fio --name="hot-$1" --ioengine=nbd --uri="nbd://127.0.0.1:${NBD[0]}/hot" --bs=4k --rw=randread --iodepth=32 \
    --offset=0 --size="$end" --random_distribution=zipf:0.8 --time_based --runtime="$HOT_RUNTIME" \
    --write_iops_log="$WORK/hot-$1" --log_avg_msec=1000 --output-format=json --output="$WORK/hot-$1.json" >/dev/null
  api GET /v1/volumes/hot/migrations > "$WORK/hot-$1-migrations.json"
  stop_cluster
}
hotspot off 0
hotspot on 2000

python3 - "$WORK" "$OUT" "$C" "$WIDE_SERVERS" "$WIDE_SHARDS" "$SINGLE_SERVERS" <<'PY'
import glob, json, os, sys
work, out, c = sys.argv[1], sys.argv[2], int(sys.argv[3])
wide_servers, wide_shards, single_servers = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
iops = lambda f: json.load(open(os.path.join(work, f)))["jobs"][0]["read"]["iops"]
def series(label):  # IOPS per second from fio's iops log (time ms, value)
    f = sorted(glob.glob(os.path.join(work, f"hot-{label}_iops*.log")))[0]
    return [int(l.split(",")[1]) for l in open(f) if l.strip()]
spec = 2 * c
hot = {}
for label in ("off", "on"):
    s = series(label)
    ok = [i for i in range(len(s)) if all(v >= 0.8 * spec for v in s[i:i + 5])]
    hot[label] = {"iops_per_second": s, "mean_iops": iops(f"hot-{label}.json"),
                  "last_10s_iops": sum(s[-10:]) / max(1, len(s[-10:])),
                  "seconds_to_80pct_of_spec": ok[0] if ok else None,
                  "migrations": json.load(open(os.path.join(work, f"hot-{label}-migrations.json")))["migrations"]}
res = {"capacity_iops": c,
       "scale_out": {"wide": {"spec_iops": 4 * c, "servers": wide_servers, "shards": wide_shards,
                              "fio_iops": iops("scale-wide.json"), "ratio_to_4C": iops("scale-wide.json") / (4 * c)},
                     "single": {"spec_iops": c * 3 // 10, "servers": single_servers, "fio_iops": iops("scale-single.json"),
                                "ratio_to_C": iops("scale-single.json") / c}},
       "hot_spot": {"spec_iops": spec, **hot}}
json.dump(res, open(os.path.join(out, "scale-out-bench.json"), "w"), indent=2)
w, s1 = res["scale_out"]["wide"], res["scale_out"]["single"]
with open(os.path.join(out, "scale-out-bench.md"), "w") as f:
    f.write(f"Emulated capacity C = {c} IOPS per server.\n\n")
    f.write("| volume | spec | servers | shards | fio IOPS | ratio | goal |\n| --- | --- | --- | --- | --- | --- | --- |\n")
    f.write(f"| wide | 4C = {4*c} | {w['servers']} | {w['shards']} | {w['fio_iops']:.0f} | {w['ratio_to_4C']:.2f} x 4C | >= 4 servers, >= 0.9 x 4C |\n")
    f.write(f"| single | {c*3//10} | {s1['servers']} | - | {s1['fio_iops']:.0f} | {s1['ratio_to_C']:.2f} x C | about C |\n\n")
    f.write("| hot spot (spec 2C) | mean IOPS | last 10 s IOPS | seconds to >= 80% of spec (5 s sustained) | migrations |\n| --- | --- | --- | --- | --- |\n")
    for label in ("off", "on"):
        h = hot[label]
        f.write(f"| re-sharding {label} | {h['mean_iops']:.0f} | {h['last_10s_iops']:.0f} | {h['seconds_to_80pct_of_spec']} | {len(h['migrations'])} |\n")
print(open(os.path.join(out, "scale-out-bench.md")).read())
PY
