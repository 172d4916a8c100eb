#!/usr/bin/env bash
# The cost of recording every owner access (issue 5: under 2% of hot-path throughput), measured on the hit path:
# fio 4 KiB randread QD32 over NBD on a volume held whole in the RAM tier (1 GiB, the volume 512 MiB) of an embedded gateway, with recording off
# and on, alternated for several rounds (the order flips every round), prefetching off in both. Reports per round
# the IOPS and the gateway's CPU time per operation (from /proc), and the median on/off ratio of each.
# Writes OUT/recording-cost.json and OUT/recording-cost.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/bench/recording-cost.sh [--rounds N] [--runtime S] [--out DIR] [--help]
  --rounds N    alternated off/on pairs (default 5)
  --runtime S   seconds of fio per run (default 10)
  --out DIR     results folder (default tests/bench/results)
Needs gateway/target/gateway.jar (mvn -B -q package -DskipTests) and fio (scripts/install-deps.sh).
USAGE
}

ROUNDS=5
RUNTIME=10
OUT=tests/bench/results
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --rounds=ROUNDS --runtime=RUNTIME --out=OUT -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=gateway/target/gateway.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 1; }
command -v fio >/dev/null || { echo "fio is missing: scripts/install-deps.sh installs it" >&2; exit 1; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
PID=
stop_gateway() { if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { stop_gateway; rm -rf "$WORK"; }
trap cleanup EXIT
REST=$(free_port); NBD=$(free_port)
URI="nbd://127.0.0.1:$NBD/hit"
start_gateway() { # extra-args...
  java -Xmx2g -XX:MaxDirectMemorySize=2g -jar "$JAR" serve --embedded --data-dir "$WORK/data" --rest-port "$REST" \
    --nbd-port "$NBD" --iscsi-port -1 --ram-tier 1G --prefetch-policy none "$@" >> "$WORK/gateway.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$REST/v1/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "the gateway did not start: see $WORK/gateway.log" >&2; return 1
}
# CPU seconds of the recorder's own thread ("prefetcher"), 0 when it does not run
recorder_seconds() {
  local t total=0
  for t in /proc/"$1"/task/*; do
    if [[ $(cat "$t/comm" 2>/dev/null) == prefetcher ]]; then
      total=$(awk -v hz="$(getconf CLK_TCK)" -v acc="$total" '{ print acc + ($14 + $15) / hz }' "$t/stat")
    fi
  done
  echo "$total"
}

start_gateway --no-record-traces
java -jar "$JAR" volume create --url "http://127.0.0.1:$REST" --token-file "$WORK/data/admin.token" --name hit \
  --size 512M --iops 20000 >/dev/null
fio --name=fill --ioengine=nbd --uri="$URI" --bs=1m --rw=write --iodepth=8 --size=512M \
  --output-format=json --output="$WORK/fill.json" >/dev/null
stop_gateway

run() { # mode round
  local flag=--no-record-traces
  [[ $1 == on ]] && flag=--record-traces
  start_gateway "$flag"
  fio --name=warm --ioengine=nbd --uri="$URI" --bs=1m --rw=read --iodepth=8 --size=512M \
    --output-format=json --output="$WORK/warm.json" >/dev/null
  local before after rec_before rec_after
  before=$(cpu_seconds "$PID")
  rec_before=$(recorder_seconds "$PID")
  fio --name="hit-$1" --ioengine=nbd --uri="$URI" --bs=4k --rw=randread --iodepth=32 --size=512M --time_based \
    --runtime="$RUNTIME" --output-format=json --output="$WORK/hit-$1-$2.json" >/dev/null
  after=$(cpu_seconds "$PID")
  rec_after=$(recorder_seconds "$PID")
  echo "$before $after $rec_before $rec_after" > "$WORK/cpu-$1-$2"
  if [[ $1 == on ]] && ! find "$WORK/data/traces" -name '*.sgtrace' -size +0 2>/dev/null | grep -q .; then
    echo "recording was on but no trace file was written: see $WORK/gateway.log" >&2; exit 1
  fi
  stop_gateway
}
for round in $(seq 1 "$ROUNDS"); do
  order=(off on); (( round % 2 == 0 )) && order=(on off)
  for mode in "${order[@]}"; do
    echo "round $round/$ROUNDS, recording $mode" >&2
    run "$mode" "$round"
  done
done

python3 - "$WORK" "$OUT" "$ROUNDS" <<'PY'
import json, os, statistics, sys
work, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
res = {"case": "hit randread 4 KiB QD32 over NBD, RAM tier, prefetch none", "rounds": []}
for n in range(1, rounds + 1):
    row = {}
    for mode in ("off", "on"):
        j = json.load(open(os.path.join(work, f"hit-{mode}-{n}.json")))["jobs"][0]["read"]
        before, after, rec_before, rec_after = map(float, open(os.path.join(work, f"cpu-{mode}-{n}")).read().split())
        ios = max(1, j["total_ios"])
        row[mode] = {"iops": j["iops"], "ios": j["total_ios"],
                     "gateway_cpu_us_per_op": (after - before) * 1e6 / ios,
                     "recorder_thread_cpu_us_per_op": (rec_after - rec_before) * 1e6 / ios}
    row["iops_ratio_on_off"] = row["on"]["iops"] / row["off"]["iops"]
    row["cpu_ratio_on_off"] = row["on"]["gateway_cpu_us_per_op"] / row["off"]["gateway_cpu_us_per_op"]
    res["rounds"].append(row)
res["median_iops_ratio_on_off"] = statistics.median(r["iops_ratio_on_off"] for r in res["rounds"])
res["median_cpu_ratio_on_off"] = statistics.median(r["cpu_ratio_on_off"] for r in res["rounds"])
res["throughput_cost_percent"] = (1 - res["median_iops_ratio_on_off"]) * 100
res["cpu_cost_percent"] = (res["median_cpu_ratio_on_off"] - 1) * 100
# the recorder thread's share: CPU it spent per operation over the gateway's CPU per operation without recording
res["recorder_thread_cost_percent"] = statistics.median(
    100 * r["on"]["recorder_thread_cpu_us_per_op"] / r["off"]["gateway_cpu_us_per_op"] for r in res["rounds"])
json.dump(res, open(os.path.join(out, "recording-cost.json"), "w"), indent=2)
with open(os.path.join(out, "recording-cost.md"), "w") as f:
    f.write(f"Recording every access, {res['case']}, {rounds} alternated rounds:\n\n")
    f.write("| round | IOPS off | IOPS on | ratio | gateway CPU us/op off | on | ratio | recorder thread us/op |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
    for n, r in enumerate(res["rounds"], 1):
        f.write(f"| {n} | {r['off']['iops']:.0f} | {r['on']['iops']:.0f} | {r['iops_ratio_on_off']:.3f} | "
                f"{r['off']['gateway_cpu_us_per_op']:.2f} | {r['on']['gateway_cpu_us_per_op']:.2f} | {r['cpu_ratio_on_off']:.3f} | "
                f"{r['on']['recorder_thread_cpu_us_per_op']:.3f} |\n")
    f.write(f"\nMedian IOPS ratio on/off {res['median_iops_ratio_on_off']:.3f} (throughput cost "
            f"{res['throughput_cost_percent']:.1f}%); median gateway CPU per op on/off {res['median_cpu_ratio_on_off']:.3f} "
            f"(CPU cost {res['cpu_cost_percent']:.1f}%); the recorder thread's CPU per op is "
            f"{res['recorder_thread_cost_percent']:.2f}% of the gateway's without recording (median). Goal: under 2%.\n")
print(open(os.path.join(out, "recording-cost.md")).read())
PY
