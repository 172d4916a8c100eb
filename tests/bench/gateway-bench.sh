#!/usr/bin/env bash
# Side-by-side fio benchmark of the gateway against the references the gateway issue names, in one run:
#   hit path : 4 KiB randread QD32 and QD1 through our NBD front end, the volume's blocks all in our RAM tier
#              (sized to hold the volume, warmed by one sequential read), vs `nbdkit memory`;
#   miss path: 4 KiB randread and randwrite QD32 through our NBD front end, volume in RADOS, vs fio's rbd engine
#              (librbd) on an RBD image in the same throwaway Ceph cluster.
# Writes DIR/gateway-bench.json and DIR/gateway-bench.md (IOPS, mean and p99 latency, ratios ours/reference).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/bench/gateway-bench.sh [--runtime SECONDS] [--size-mib MIB] [--out DIR] [--help]
  --runtime S   seconds per measured fio run (default 15)
  --size-mib N  volume size (default 1024)
  --out DIR     results folder (default tests/bench/results)
  --store-threads N  store-io pool of the RADOS gateway (default 16; 64 measured no better, see the README;
                each rados-java call blocks its thread)
  --profile DIR record the RADOS gateway with JFR (settings=profile) into DIR/gateway-rados.jfr
The miss rows also give CPU time per operation of each process (gateway, ceph-osd, fio), from /proc.
Needs gateway/target/gateway.jar (mvn -B -q package -DskipTests), Ceph (scripts/install-deps.sh), nbdkit, fio.
USAGE
}

RUNTIME=15
SIZE_MIB=1024
STORE_THREADS=16
PROFILE=
OUT=tests/bench/results
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options usage --runtime=RUNTIME --size-mib=SIZE_MIB --out=OUT --store-threads=STORE_THREADS --profile=PROFILE -- "$@"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAR=gateway/target/gateway.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  tests/scripts/ceph-cluster.sh stop "$WORK/ceph" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_health() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$1/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "gateway on $1 did not start" >&2; return 1
}

echo "starting Ceph..." >&2
CONF=$(tests/scripts/ceph-cluster.sh start "$WORK/ceph" | tail -1)

start_gateway() { # name rest nbd extra-args...
  local name=$1 rest=$2 nbd=$3; shift 3
  local jfr=()
  if [[ -n "$PROFILE" && $name == rados ]]; then
    mkdir -p "$PROFILE"
    jfr=("-XX:StartFlightRecording=filename=$(cd "$PROFILE" && pwd)/gateway-rados.jfr,settings=profile,dumponexit=true")
  fi
  java "${jfr[@]}" -Xmx2g -XX:MaxDirectMemorySize=3g -jar "$JAR" serve --embedded --data-dir "$WORK/$name" --rest-port "$rest" --nbd-port "$nbd" --iscsi-port -1 \
    --prefetch-policy none --no-record-traces "$@" \
    > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  eval "${name^^}_PID=$!"
  wait_health "$rest"
  java -jar "$JAR" volume create --url "http://127.0.0.1:$rest" --token-file "$WORK/$name/admin.token" \
    --name bench --size "${SIZE_MIB}M" --iops 50000 --throughput 500 --workload database >/dev/null
}

L_REST=$(free_port); L_NBD=$(free_port)
R_REST=$(free_port); R_NBD=$(free_port)
K_NBD=$(free_port)
start_gateway local "$L_REST" "$L_NBD" --ram-tier "$((SIZE_MIB + 256))M"
start_gateway rados "$R_REST" "$R_NBD" --store rados --ceph-conf "$CONF" --store-threads "$STORE_THREADS"
nbdkit -f -i 127.0.0.1 -p "$K_NBD" memory "${SIZE_MIB}M" > "$WORK/nbdkit.log" 2>&1 &
PIDS+=($!)
rbd -c "$CONF" create --size "${SIZE_MIB}M" rbd/bench
sleep 1

# CPU seconds per thread name of a process (digits dropped: msgr-worker-0..2 count as one), as JSON
thread_cpu() {
  python3 - "$1" <<'PY'
import json, os, re, sys
hz = os.sysconf("SC_CLK_TCK")
out = {}
base = f"/proc/{sys.argv[1]}/task"
for tid in os.listdir(base):
    try:
        name = re.sub(r"[-_]?\d+$", "", open(f"{base}/{tid}/comm").read().strip())
        f = open(f"{base}/{tid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    out[name] = out.get(name, 0) + (int(f[11]) + int(f[12])) / hz
print(json.dumps(out))
PY
}
OSD_PID=$(pgrep -f "ceph-osd.*$WORK" | head -1)
fio_run() { # label out.json fio-args...  (also writes out.cpu: CPU seconds of gateway, OSD and fio during the run)
  local label=$1 json=$2; shift 2
  echo "  $label" >&2
  local g0 o0 t0
  g0=$(cpu_seconds "$RADOS_PID"); o0=$(cpu_seconds "$OSD_PID"); t0=$(thread_cpu "$RADOS_PID")
  # fio's CPU including its librbd threads: the rusage of the child processes it waited for
  local fio_cpu
  fio_cpu=$(python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:]).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(u.ru_utime + u.ru_stime)
sys.exit(r)' fio --name="$label" --bs=4k --direct=1 --time_based --runtime="$RUNTIME" --group_reporting \
    --output-format=json --output="$json" "$@")
  python3 - "$(cpu_seconds "$RADOS_PID")" "$g0" "$(cpu_seconds "$OSD_PID")" "$o0" "$fio_cpu" "$t0" \
    "$(thread_cpu "$RADOS_PID")" > "${json%.json}.cpu" <<'PY'
import json, sys
g1, g0, o1, o0, fio = map(float, sys.argv[1:6])
t0, t1 = json.loads(sys.argv[6]), json.loads(sys.argv[7])
threads = {k: v - t0.get(k, 0) for k, v in t1.items() if v - t0.get(k, 0) > 0.005}
print(json.dumps({"gateway_cpu_s": g1 - g0, "osd_cpu_s": o1 - o0, "fio_cpu_s": fio, "gateway_threads_s": threads}))
PY
}
NBD_L=(--ioengine=nbd --uri="nbd://127.0.0.1:$L_NBD/bench")
NBD_R=(--ioengine=nbd --uri="nbd://127.0.0.1:$R_NBD/bench")
NBD_K=(--ioengine=nbd --uri="nbd://127.0.0.1:$K_NBD/")
RBD=(--ioengine=rbd --clientname=admin --pool=rbd --rbdname=bench)
export CEPH_CONF="$CONF"

echo "filling the volumes (sequential 1 MiB writes)..." >&2
for t in L R K; do
  declare -n args="NBD_$t"
  fio --name=fill --bs=1m --rw=write --iodepth=8 --size="${SIZE_MIB}M" --output-format=json \
    --output="$WORK/fill-$t.json" "${args[@]}"
done
fio --name=fill --bs=1m --rw=write --iodepth=8 --size="${SIZE_MIB}M" --output-format=json \
  --output="$WORK/fill-rbd.json" "${RBD[@]}"

echo "warming our RAM tier (one sequential read of the volume)..." >&2
fio --name=warm --bs=1m --rw=read --iodepth=8 --size="${SIZE_MIB}M" --output-format=json \
  --output="$WORK/warm.json" "${NBD_L[@]}"

echo "measuring (${RUNTIME}s per run)..." >&2
fio_run ours-hit-qd32 "$WORK/ours-hit-qd32.json" --rw=randread --iodepth=32 --size="${SIZE_MIB}M" "${NBD_L[@]}"
fio_run nbdkit-qd32 "$WORK/nbdkit-qd32.json" --rw=randread --iodepth=32 --size="${SIZE_MIB}M" "${NBD_K[@]}"
fio_run ours-hit-qd1 "$WORK/ours-hit-qd1.json" --rw=randread --iodepth=1 --size="${SIZE_MIB}M" "${NBD_L[@]}"
fio_run nbdkit-qd1 "$WORK/nbdkit-qd1.json" --rw=randread --iodepth=1 --size="${SIZE_MIB}M" "${NBD_K[@]}"
fio_run ours-rados-randread "$WORK/ours-rados-randread.json" --rw=randread --iodepth=32 --size="${SIZE_MIB}M" "${NBD_R[@]}"
fio_run librbd-randread "$WORK/librbd-randread.json" --rw=randread --iodepth=32 --size="${SIZE_MIB}M" "${RBD[@]}"
fio_run ours-rados-randwrite "$WORK/ours-rados-randwrite.json" --rw=randwrite --iodepth=32 --size="${SIZE_MIB}M" "${NBD_R[@]}"
fio_run librbd-randwrite "$WORK/librbd-randwrite.json" --rw=randwrite --iodepth=32 --size="${SIZE_MIB}M" "${RBD[@]}"

python3 - "$WORK" "$OUT" "$RUNTIME" <<'PY'
import json, sys, os
work, out, runtime = sys.argv[1], sys.argv[2], sys.argv[3]
def fig(name):
    j = json.load(open(os.path.join(work, name + ".json")))["jobs"][0]
    side = j["read"] if j["read"]["io_bytes"] > 0 else j["write"]
    lat = side["clat_ns"]
    cpu = json.load(open(os.path.join(work, name + ".cpu")))
    ops = side["total_ios"] or 1
    return {"iops": side["iops"], "mean_us": lat["mean"] / 1000, "p99_us": lat["percentile"]["99.000000"] / 1000,
            "errors": j["error"],
            "cpu_us_per_op": {"gateway": cpu["gateway_cpu_s"] * 1e6 / ops, "ceph-osd": cpu["osd_cpu_s"] * 1e6 / ops,
                              "fio": cpu["fio_cpu_s"] * 1e6 / ops},
            "gateway_thread_us_per_op": {k: v * 1e6 / ops for k, v in sorted(
                cpu["gateway_threads_s"].items(), key=lambda kv: -kv[1])}}
pairs = [("hit randread QD32", "ours-hit-qd32", "nbdkit-qd32", "nbdkit memory", ">= 0.9x IOPS"),
         ("hit randread QD1", "ours-hit-qd1", "nbdkit-qd1", "nbdkit memory", "<= 1.2x mean latency"),
         ("miss randread QD32", "ours-rados-randread", "librbd-randread", "fio rbd (librbd)", ">= 1.0x IOPS"),
         ("miss randwrite QD32", "ours-rados-randwrite", "librbd-randwrite", "fio rbd (librbd)", ">= 1.0x IOPS")]
rows = []
for label, ours, ref, refname, goal in pairs:
    o, r = fig(ours), fig(ref)
    rows.append({"case": label, "reference": refname, "goal": goal, "ours": o, "ref": r,
                 "iops_ratio": o["iops"] / r["iops"], "mean_latency_ratio": o["mean_us"] / r["mean_us"]})
json.dump({"runtime_s": int(runtime), "rows": rows}, open(os.path.join(out, "gateway-bench.json"), "w"), indent=2)
with open(os.path.join(out, "gateway-bench.md"), "w") as f:
    f.write("| case | reference | ours IOPS | ref IOPS | IOPS ratio | ours mean us | ref mean us | latency ratio | goal |\n")
    f.write("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    for r in rows:
        f.write(f"| {r['case']} | {r['reference']} | {r['ours']['iops']:.0f} | {r['ref']['iops']:.0f} | "
                f"{r['iops_ratio']:.2f} | {r['ours']['mean_us']:.0f} | {r['ref']['mean_us']:.0f} | "
                f"{r['mean_latency_ratio']:.2f} | {r['goal']} |\n")
    f.write("\nCPU microseconds per operation on the miss path (the machine's two cores are the limit):\n\n")
    f.write("| case | side | our gateway | ceph-osd | fio (incl. librbd for the reference) |\n| --- | --- | --- | --- | --- |\n")
    for r in rows[2:]:
        for side, name in (("ours", "ours"), ("ref", r["reference"])):
            c = r[side]["cpu_us_per_op"]
            gw = f"{c['gateway']:.0f}" if side == "ours" else "-"
            f.write(f"| {r['case']} | {name} | {gw} | {c['ceph-osd']:.0f} | {c['fio']:.0f} |\n")
    f.write("\nOur gateway's CPU microseconds per operation by thread (top 6):\n\n")
    for r in rows[2:]:
        t = list(r["ours"]["gateway_thread_us_per_op"].items())[:6]
        f.write(f"- {r['case']}: " + ", ".join(f"{k} {v:.0f}" for k, v in t) + "\n")
print(open(os.path.join(out, "gateway-bench.md")).read())
PY
