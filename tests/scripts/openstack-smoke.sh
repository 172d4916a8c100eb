#!/usr/bin/env bash
# Smoke test of a cloud started by tests/scripts/openstack.sh, as its demo user, with the stock CLIs:
#  1. `cinder create` of a volume of each meetable tier: available, and the gateway holds it with the tier's IOPS;
#  2. the `impossible` tier: the volume ends in error, with a Cinder user message and the gateway's reason in
#     the volume's metadata (shardgate:refusal);
#  3. with Nova (NOVA_URL set): a fake server booted from a volume of the first tier is built, a second volume
#     is attached and detached through Nova's API, and cinder-volume's log shows the driver's connection info
#     and the terminated connection for it;
#  4. everything deleted, and the gateway holds no volume of this run.
# Usage: tests/scripts/openstack-smoke.sh DIR     exit 0 when every check passed, 1 otherwise (the check named)
set -euo pipefail

if [[ "${1:-}" == -h || "${1:-}" == --help || -z "${1:-}" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  [[ -n "${1:-}" ]] && exit 0 || exit 2
fi
dir=$(cd "$1" && pwd)
[[ -f "$dir/openstack.env" ]] || { echo "smoke: no $dir/openstack.env: start the cloud first" >&2; exit 1; }
# shellcheck source=/dev/null
source "$dir/openstack.env"
# shellcheck source=/dev/null
source "$dir/demo-openrc"
tag=smoke-$$
t0=$SECONDS
created=()
server=""

say() { printf 'smoke [%3ds] %s\n' $((SECONDS - t0)) "$*"; }
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

# field VALUE-TABLE KEY: the value of a `cinder show`-style table row
field() { awk -F'|' -v k="$2" '{gsub(/^ +| +$/, "", $2)} $2 == k {gsub(/^ +| +$/, "", $3); print $3; exit}' <<< "$1"; }

volume_status() { field "$(cinder show "$1")" status; }

# wait_volume ID STATUS TIMEOUT
wait_volume() {
  local s="" deadline=$((SECONDS + $3))
  while [[ $SECONDS -lt $deadline ]]; do
    s=$(volume_status "$1")
    [[ "$s" == "$2" ]] && return 0
    [[ "$s" == error && "$2" != error ]] && break
    sleep 2
  done
  fail "volume $1 is '$s', not '$2' (see $dir/logs/cinder-volume.log)"
}

create_volume() {
  local id
  id=$(field "$(cinder create --volume-type "$1" --name "$tag-$1" 1)" id)
  [[ -n "$id" ]] || fail "cinder create --volume-type $1 returned no id"
  created+=("$id")
  echo "$id"
}

gateway_get() {
  local url
  for url in ${SHARDGATE_URLS//,/ }; do
    curl -sf --max-time 10 -H "Authorization: Bearer $(tr -d '\n' < "$SHARDGATE_TOKEN_FILE")" "$url$1" && return 0
  done
  return 1
}

# json EXPR [ARGS]: EXPR over the JSON document on stdin (as d), ARGS in sys.argv[1:]
json() {
  local expr=$1
  shift
  python3 -c "import json,sys; d=json.load(sys.stdin); print($expr)" "$@"
}

cleanup() {
  local id
  set +e
  for id in "${created[@]}"; do
    cinder delete "$id" >/dev/null 2>&1
  done
}
trap cleanup EXIT

say "Cinder at $CINDER_URL, microversion $OS_VOLUME_API_VERSION, as $OS_USERNAME/$OS_PROJECT_NAME"
mapfile -t tiers < <(python3 -c '
import re, sys
# tier names: the keys indented two spaces under "tiers:" (the file is checked by gateway.jar; no YAML module needed)
inside = False
for line in open(sys.argv[1]):
    if re.match(r"^tiers:\s*(#.*)?$", line): inside = True; continue
    if inside and re.match(r"^\S", line): inside = False
    m = re.match(r"^  ([A-Za-z0-9][A-Za-z0-9._-]*):", line)
    if inside and m: print(m.group(1))
' "$SHARDGATE_TIERS_FILE")
[[ " ${tiers[*]} " == *" impossible "* ]] || fail "$SHARDGATE_TIERS_FILE has no tier named impossible"

# 1. a volume of each meetable tier
declare -A by_tier=()
for t in "${tiers[@]}"; do
  [[ "$t" == impossible ]] && continue
  by_tier[$t]=$(create_volume "$t")
done
for t in "${tiers[@]}"; do
  [[ "$t" == impossible ]] && continue
  id=${by_tier[$t]}
  wait_volume "$id" available 120
  shards=$(gateway_get "/v1/volumes/volume-$id/shards") || fail "the gateway does not hold volume-$id"
  iops=$(gateway_get "/v1/volumes/volume-$id" | json 'd["spec"]["iops"]')
  say "tier $t: volume $id available; on the gateway: $(json '"%d shards in %s on %s" % (len(d["shards"]), d["spine"], sorted({s["owner"] for s in d["shards"]}))' <<< "$shards"), $iops IOPS"
done

# 2. the impossible tier
bad=$(create_volume impossible)
wait_volume "$bad" error 120
messages=$(cinder message-list --resource_uuid "$bad")
grep -q "Driver failed to create the volume" <<< "$messages" \
  || fail "no 'Driver failed to create the volume' user message for $bad: $messages"
reason=$(cinder metadata-show "$bad" | awk -F'|' '$2 ~ /shardgate:refusal/ {gsub(/^ +| +$/, "", $3); print $3}')
[[ "$reason" == *"no spine can give"* ]] || fail "volume $bad has no gateway reason in its metadata: '$reason'"
say "tier impossible: volume $bad in error; user message 'Driver failed to create the volume'; reason: $reason"

# 3. Nova
if [[ -n "${NOVA_URL:-}" ]]; then
  token=$(openstack token issue -f value -c id)
  # nova_call METHOD PATH [BODY]: Nova's API at microversion 2.51 (the CLIs' server lookups need Neutron: below)
  nova_call() {
    curl -sf --max-time 60 -X "$1" -H "X-Auth-Token: $token" -H "OpenStack-API-Version: compute 2.51" \
      -H "Content-Type: application/json" ${3:+-d "$3"} "$NOVA_URL$2"
  }
  first=${tiers[0]}
  boot=${by_tier[$first]}
  cinder set-bootable "$boot" true
  log=$dir/logs/cinder-volume.log
  before_init=$(grep -c "ShardGate: connection for volume-$boot" "$log" || true)
  out=$(nova --os-compute-api-version 2.37 boot --flavor sg.tiny --nic none \
    --block-device "source=volume,id=$boot,dest=volume,bootindex=0,shutdown=preserve" "$tag-server") \
    || fail "nova boot failed: $out"
  server=$(field "$out" id)
  # ACTIVE = the compute's build event succeeded (GET /servers/{id} asks Neutron for security groups)
  deadline=$((SECONDS + 120))
  result=""
  while [[ $SECONDS -lt $deadline ]]; do
    result=$(nova_call GET "/servers/$server/os-instance-actions" | json 'd["instanceActions"][0]["request_id"]' \
      | { read -r req; nova_call GET "/servers/$server/os-instance-actions/$req"; } \
      | json '",".join(e["event"] + "=" + str(e["result"]) for e in d["instanceAction"]["events"])' || true)
    [[ "$result" == *"compute__do_build_and_run_instance=Success"* || "$result" == *"=Error"* ]] && break
    sleep 2
  done
  [[ "$result" == *"compute__do_build_and_run_instance=Success"* ]] \
    || fail "server $server not built ($result); see $dir/logs/nova-compute.log"
  wait_volume "$boot" in-use 60
  attached_to=$(field "$(cinder show "$boot")" attachment_ids)
  [[ $(grep -c "ShardGate: connection for volume-$boot" "$log" || true) -gt $before_init ]] \
    || fail "cinder-volume's log has no connection info for volume-$boot"
  say "nova boot: server $server built on the fake driver (events $result), boot volume $boot in-use (attachment $attached_to)"

  second=${by_tier[${tiers[1]:-$first}]}
  [[ "$second" != "$boot" ]] || second=$(create_volume "${tiers[0]}")
  wait_volume "$second" available 60
  before_term=$(grep -c "Terminate volume connection completed successfully" "$log" || true)
  nova_call POST "/servers/$server/os-volume_attachments" "{\"volumeAttachment\": {\"volumeId\": \"$second\"}}" \
    >/dev/null || fail "Nova refused to attach $second"
  wait_volume "$second" in-use 60
  grep -q "ShardGate: connection for volume-$second" "$log" \
    || fail "cinder-volume's log has no connection info for volume-$second"
  say "volume-attach: $second in-use; driver: $(grep "ShardGate: connection for volume-$second" "$log" | tail -n 1 \
    | sed 's/.*ShardGate: //; s/\x1b\[[0-9;]*m//g' | cut -c1-160)"
  nova_call DELETE "/servers/$server/os-volume_attachments/$second" >/dev/null || fail "Nova refused to detach $second"
  wait_volume "$second" available 60
  [[ $(grep -c "Terminate volume connection completed successfully" "$log" || true) -gt $before_term ]] \
    || fail "cinder-volume's log shows no terminated connection after the detach"
  say "volume-detach: $second available; cinder-volume: Terminate volume connection completed successfully"
  # Deleting the server needs Neutron (Nova deallocates its network first), which this cloud does not run: the
  # boot volume's attachment is deleted in Cinder instead, which Cinder allows only with a service token (Nova's)
  if cinder --os-volume-api-version 3.44 attachment-delete "$attached_to" >/dev/null 2>&1; then
    fail "Cinder deleted Nova's attachment $attached_to without a service token"
  fi
  service_token=$(OS_USERNAME=nova OS_PASSWORD=$(cat "$dir/service.password") OS_PROJECT_NAME=service \
    openstack token issue -f value -c id)
  curl -sf --max-time 60 -X DELETE -H "X-Auth-Token: $token" -H "X-Service-Token: $service_token" \
    -H "OpenStack-API-Version: volume 3.44" "$CINDER_URL/attachments/$attached_to" >/dev/null \
    || fail "Cinder refused to delete attachment $attached_to with Nova's service token"
  wait_volume "$boot" available 60
  say "boot volume detached in Cinder with a service token (refused without one); server $server left to 'stop'"
fi

# 4. cleanup and a clean gateway
trap - EXIT
cleanup
deadline=$((SECONDS + 60))
while [[ $SECONDS -lt $deadline ]]; do
  left=$(gateway_get /v1/volumes | json 'sum(1 for v in d["volumes"] if v["name"] in sys.argv[1:])' \
    "${created[@]/#/volume-}" 2>/dev/null || echo "?")
  [[ "$left" == 0 ]] && break
  sleep 2
done
[[ "$left" == 0 ]] || fail "$left volumes of this run still on the gateway after deleting them in Cinder"
say "cleaned up: the gateway holds none of this run's volumes; all checks passed"
