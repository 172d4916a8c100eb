#!/usr/bin/env bash
# Compares the ShardGate NBD front end (over an in-memory volume) with `nbdkit memory` using fio's nbd
# engine: 4 KiB random reads at iodepth 32 and 1, after a fill and a warm-up. Writes JSON and a Markdown
# table with IOPS, mean and p99 latency and the ratios ours/nbdkit.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tests/bench/nbd-frontend-bench.sh [--runtime SECONDS] [--size-mib MIB] [--out DIR] [--jfr]
                                       [--pin SERVER_CPUS:CLIENT_CPUS] [--help]

  --runtime S   seconds per measured fio run (default 15); warm-up runs take 5 s
  --size-mib N  volume size for both servers, MiB (default 1024, at most 2047)
  --out DIR     where results go (default tests/bench/results)
  --jfr         record a JFR profile of our server during the measured runs (DIR/nbd-frontend.jfr)
  --pin S:C     pin both servers to CPUs S and fio to CPUs C (taskset lists, e.g. 1:0), so that thread
                placement, which dominates QD1 latency on small VMs, is the same for both servers;
                results then go to DIR/nbd-frontend-bench-pinned.{json,md}

Needs: a compiled gateway (mvn -B -o -q -pl gateway -am test-compile), java 17, nbdkit, fio (nbd engine),
python3. Binds 127.0.0.1 only. Output: DIR/nbd-frontend-bench.json and .md (or -pinned).
USAGE
}

RUNTIME=15
SIZE_MIB=1024
OUT=tests/bench/results
JFR=0
PIN=""
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --runtime=RUNTIME --size-mib=SIZE_MIB --out=OUT --jfr=JFR! --pin=PIN -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
for tool in nbdkit fio java python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (Debian packages: nbdkit, fio, openjdk-17-jre, python3)" >&2; exit 1; }
done
SERVER_PIN=()
CLIENT_PIN=()
NAME=nbd-frontend-bench
if [[ -n "$PIN" ]]; then
    [[ "$PIN" == *:* ]] || { echo "--pin wants SERVER_CPUS:CLIENT_CPUS, e.g. 1:0" >&2; exit 2; }
    SERVER_PIN=(taskset -c "${PIN%%:*}")
    CLIENT_PIN=(taskset -c "${PIN##*:}")
    NAME=nbd-frontend-bench-pinned
fi
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT


echo "[1/5] classpath" >&2
mvn -B -o -q -pl gateway -am test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >&2
CP="$(cat "$WORK/cp.txt"):gateway/target/classes:gateway/target/test-classes"

echo "[2/5] starting nbdkit memory ${SIZE_MIB}M and our server" >&2
KIT_PORT=$(free_port)
"${SERVER_PIN[@]}" nbdkit -f -i 127.0.0.1 -p "$KIT_PORT" memory "${SIZE_MIB}M" &
PIDS+=($!)
JAVA_OPTS=(-Xms3g -Xmx3g -XX:+UseParallelGC -Dlogback.configurationFile=tests/bench/nbd-logback.xml)
if [[ $JFR == 1 ]]; then
    JAVA_OPTS+=(-XX:+FlightRecorder)
fi
"${SERVER_PIN[@]}" java "${JAVA_OPTS[@]}" -cp "$CP" io.shardgate.gateway.nbd.NbdBenchServer --port 0 --size-mib "$SIZE_MIB" \
    --name bench > "$WORK/ours.out" 2>&1 &
OUR_PID=$!
PIDS+=("$OUR_PID")
for _ in $(seq 1 100); do
    grep -q NBD_PORT "$WORK/ours.out" 2>/dev/null && break
    sleep 0.2
done
OUR_PORT=$(awk '/NBD_PORT/{print $2}' "$WORK/ours.out")
[[ -n "$OUR_PORT" ]] || { echo "our server did not start:" >&2; cat "$WORK/ours.out" >&2; exit 1; }
KIT_URI="nbd://127.0.0.1:$KIT_PORT/"
OUR_URI="nbd://127.0.0.1:$OUR_PORT/bench"

fio_run() { # name uri rw iodepth runtime -> JSON file
    local name=$1 uri=$2 rw=$3 qd=$4 rt=$5
    "${CLIENT_PIN[@]}" fio --name="$name" --ioengine=nbd --uri="$uri" --rw="$rw" --bs=4k --iodepth="$qd" \
        --size="${SIZE_MIB}m" --time_based --runtime="$rt" --randrepeat=1 --output-format=json \
        2>/dev/null | sed -n '/^{/,$p' > "$WORK/$name.json"
}

echo "[3/5] fill (sequential 1 MiB writes over the whole volume, both servers)" >&2
for s in kit ours; do
    uri=$KIT_URI; [[ $s == ours ]] && uri=$OUR_URI
    fio --name="fill-$s" --ioengine=nbd --uri="$uri" --rw=write --bs=1m --iodepth=8 --size="${SIZE_MIB}m" \
        --output-format=terse >/dev/null 2>&1
done

echo "[4/5] warm-up 5 s each, then measured runs of ${RUNTIME} s, alternating servers" >&2
fio_run warm-ours "$OUR_URI" randread 32 5
fio_run warm-kit "$KIT_URI" randread 32 5
if [[ $JFR == 1 ]]; then
    jcmd "$OUR_PID" JFR.start name=bench settings=profile filename="$ROOT/$OUT/nbd-frontend.jfr" >/dev/null
fi
for qd in 32 1; do
    fio_run "ours-qd$qd" "$OUR_URI" randread "$qd" "$RUNTIME"
    fio_run "kit-qd$qd" "$KIT_URI" randread "$qd" "$RUNTIME"
done
if [[ $JFR == 1 ]]; then
    jcmd "$OUR_PID" JFR.stop name=bench >/dev/null
fi

echo "[5/5] results" >&2
python3 - "$WORK" "$OUT" "$RUNTIME" "$SIZE_MIB" "$NAME" "$PIN" <<'PY'
import json, sys, datetime, os
work, out, runtime, size, name, pin = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
def load(name):
    with open(os.path.join(work, name + ".json")) as f:
        job = json.load(f)["jobs"][0]
    r = job["read"]
    if job["error"]:
        raise SystemExit(name + ": fio error " + str(job["error"]))
    return {"iops": r["iops"], "mean_lat_us": r["lat_ns"]["mean"] / 1000.0,
            "p99_lat_us": r["clat_ns"]["percentile"]["99.000000"] / 1000.0}
rows = []
for qd in (32, 1):
    ours, kit = load("ours-qd%d" % qd), load("kit-qd%d" % qd)
    rows.append({"iodepth": qd, "ours": ours, "nbdkit": kit,
                 "iops_ratio": ours["iops"] / kit["iops"],
                 "mean_lat_ratio": ours["mean_lat_us"] / kit["mean_lat_us"],
                 "p99_lat_ratio": ours["p99_lat_us"] / kit["p99_lat_us"]})
result = {"benchmark": "fio 4KiB randread, ioengine=nbd", "runtime_s": runtime, "size_mib": size,
          "pinning": pin or "none",
          "time": datetime.datetime.utcnow().isoformat() + "Z",
          "goal": {"qd32_iops_ratio_min": 0.9, "qd1_mean_lat_ratio_max": 1.2}, "rows": rows}
with open(os.path.join(out, name + ".json"), "w") as f:
    json.dump(result, f, indent=2)
lines = ["| iodepth | server | IOPS | mean lat (us) | p99 lat (us) |", "|---|---|---|---|---|"]
for row in rows:
    for who in ("ours", "nbdkit"):
        m = row[who]
        lines.append("| %d | %s | %.0f | %.1f | %.1f |" % (row["iodepth"], who, m["iops"], m["mean_lat_us"], m["p99_lat_us"]))
    lines.append("| %d | **ours/nbdkit** | **%.2f** | **%.2f** | **%.2f** |" % (
        row["iodepth"], row["iops_ratio"], row["mean_lat_ratio"], row["p99_lat_ratio"]))
md = "\n".join(lines) + "\n"
with open(os.path.join(out, name + ".md"), "w") as f:
    f.write(md)
print(md)
PY
