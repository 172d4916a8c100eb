#!/usr/bin/env bash
# A throwaway single-node Ceph cluster on 127.0.0.1 for tests and benchmarks: one monitor, one memstore OSD,
# one manager, pools "shardgate" (our chunks) and "rbd" (for librbd comparisons), size 1. No systemd.
#   tests/scripts/ceph-cluster.sh start DIR   -> prints DIR/ceph.conf when the cluster answers
#   tests/scripts/ceph-cluster.sh stop DIR    -> kills the daemons, removes DIR
#   tests/scripts/ceph-cluster.sh status DIR
# Environment: CEPH_MEMSTORE_BYTES (default 4 GiB), CEPH_MON_PORT (default: a free port).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|status DIR" >&2
  exit 2
fi

conf="$dir/ceph.conf"
ceph_() { ceph -c "$conf" --connect-timeout 10 "$@"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop() {
  if [ -d "$dir/run" ]; then
    for pidfile in "$dir"/run/*.pid; do
      [ -f "$pidfile" ] || continue
      kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    done
  fi
  rm -rf "$dir"
}

start_osd() {
  local tries=0
  while :; do
    ceph-osd -c "$conf" -i 0 --pid-file "$dir/run/osd.0.pid" >> "$dir/log/osd-start.log" 2>&1 && return 0
    tries=$((tries + 1))
    # ceph-osd sometimes exits (250, "wrong fsid") before it knows the cluster id: start it again
    if [ "$tries" -ge 5 ]; then
      echo "ceph-cluster: ceph-osd failed to start 5 times; see $dir/log" >&2
      return 1
    fi
    sleep 1
  done
}

start() {
  for bin in ceph-mon ceph-osd ceph-mgr ceph ceph-authtool monmaptool rados; do
    command -v "$bin" >/dev/null || { echo "ceph-cluster: $bin is missing: run scripts/install-deps.sh" >&2; exit 1; }
  done
  if [ -e "$dir" ]; then
    echo "ceph-cluster: $dir exists; stop it first" >&2
    exit 1
  fi
  mkdir -p "$dir"/{mon,osd,mgr,run,log,keys}
  dir=$(cd "$dir" && pwd)
  conf="$dir/ceph.conf"
  local fsid port osd_uuid
  fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  osd_uuid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  port=${CEPH_MON_PORT:-$(free_port)}
  cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$port
public network = 127.0.0.0/8
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keys/admin.keyring
osd pool default size = 1
osd pool default min size = 1
osd crush chooseleaf type = 0
mon allow pool delete = true
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
ms bind ipv4 = true
ms bind ipv6 = false
run dir = $dir/run
log file = $dir/log/\$name.log
mgr stats period = 1
mgr tick period = 1
[mon.a]
mon data = $dir/mon/a
[mgr]
mgr data = $dir/mgr/\$cluster-\$id
keyring = $dir/mgr/\$cluster-\$id/keyring
[osd]
keyring = $dir/osd/\$cluster-\$id/keyring
osd objectstore = memstore
osd data = $dir/osd/\$cluster-\$id
memstore device bytes = ${CEPH_MEMSTORE_BYTES:-4294967296}
memstore page set = true
osd max object size = 134217728
CONF
  ceph-authtool --create-keyring "$dir/keys/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$dir/keys/admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$dir/keys/mon.keyring" --import-keyring "$dir/keys/admin.keyring" >/dev/null
  monmaptool --create --addv a "[v1:127.0.0.1:$port]" --fsid "$fsid" "$dir/keys/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/keys/monmap" --keyring "$dir/keys/mon.keyring" \
    > "$dir/log/mon-mkfs.log" 2>&1
  ceph-mon -c "$conf" -i a --pid-file "$dir/run/mon.a.pid"
  ceph_ -s >/dev/null

  ceph_ osd create "$osd_uuid" >/dev/null
  mkdir -p "$dir/osd/ceph-0"
  ceph_ auth get-or-create osd.0 osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
    -o "$dir/osd/ceph-0/keyring"
  ceph-osd -c "$conf" -i 0 --mkfs --no-mon-config --osd-uuid "$osd_uuid" >> "$dir/log/osd-mkfs.log" 2>&1
  ceph_ osd crush add osd.0 1.0 host=localhost root=default >/dev/null 2>&1 || true
  start_osd

  mkdir -p "$dir/mgr/ceph-x"
  ceph_ auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$dir/mgr/ceph-x/keyring"
  ceph-mgr -c "$conf" -i x --pid-file "$dir/run/mgr.x.pid"

  for _ in $(seq 1 60); do
    if ceph_ osd stat 2>/dev/null | grep -q '1 up'; then break; fi
    sleep 0.5
  done
  ceph_ osd pool create shardgate 32 >/dev/null 2>&1
  ceph_ osd pool set shardgate size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
  ceph_ osd pool application enable shardgate shardgate >/dev/null 2>&1
  ceph_ osd pool create rbd 32 >/dev/null 2>&1
  ceph_ osd pool set rbd size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
  ceph_ osd pool application enable rbd rbd >/dev/null 2>&1
  # ready when a write and a read round-trip through the OSD
  for _ in $(seq 1 60); do
    if echo ready | rados -c "$conf" -p shardgate put ceph-cluster-probe - 2>/dev/null \
       && [ "$(rados -c "$conf" -p shardgate get ceph-cluster-probe - 2>/dev/null)" = ready ]; then
      rados -c "$conf" -p shardgate rm ceph-cluster-probe
      echo "$conf"
      return 0
    fi
    sleep 0.5
  done
  echo "ceph-cluster: the cluster did not answer a write within 30 s; see $dir/log" >&2
  ceph_ -s >&2 || true
  return 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) ceph_ -s ;;
  *) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
esac
