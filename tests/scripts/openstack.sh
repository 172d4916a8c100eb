#!/usr/bin/env bash
# A throwaway OpenStack cloud on 127.0.0.1 with ShardGate as Cinder's only backend, from Debian's packages,
# without systemd: Ceph, a gateway cluster of 3 servers on 2 spines, Keystone, MariaDB, RabbitMQ, Cinder (api,
# scheduler, volume) and, unless --no-nova, placement and Nova (api, conductor, scheduler, compute with the fake
# virt driver). Then the performance tiers (devstack/tiers.yaml) are applied as volume types.
# Usage: tests/scripts/openstack.sh start DIR [--no-nova]   writes DIR/openstack.env, DIR/admin-openrc, DIR/demo-openrc
#        tests/scripts/openstack.sh stop DIR                 stops everything started in DIR (idempotent)
#        tests/scripts/openstack.sh --help
# Logs: DIR/logs/<service>.log (Ceph's under DIR/ceph/log while it runs). Env: SHARDGATE_JAR (the gateway jar,
# default gateway/target/gateway.jar), SHARDGATE_TIERS_FILE (default devstack/tiers.yaml), KEEP_ON_FAILURE=1
# leaves a failed start running for inspection. The gateway logic is devstack/lib/shardgate, as in devstack.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

cmd=${1:-}
case "$cmd" in
  -h|--help) usage; exit 0 ;;
  start|stop) ;;
  *) usage >&2; exit 2 ;;
esac
dir=${2:-}
[[ -n "$dir" ]] || { usage >&2; exit 2; }
nova=1
for arg in "${@:3}"; do
  case "$arg" in
    --no-nova) nova=0 ;;
    *) echo "openstack.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [[ "$dir" == *[[:space:]]* ]]; then
  echo "openstack.sh: DIR must not contain spaces: $dir" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
logs=$dir/logs
run=$dir/run
t0=$SECONDS

say() { printf 'openstack.sh [%3ds] %s\n' $((SECONDS - t0)) "$*"; }

# ---- the process runner (the hooks devstack/lib/shardgate calls; devstack's run_process/stop_process there)

# osenv_run_process NAME "COMMAND LINE": runs it in its own session (so stop kills its children too), output
# appended to DIR/logs/NAME.log, pid in DIR/run/NAME.pid.
osenv_run_process() {
  local name=$1 command=$2
  mkdir -p "$logs" "$run"
  echo "=== $(date -u +%FT%TZ) $command" >> "$logs/$name.log"
  # shellcheck disable=SC2086  # the command line is split into words on purpose, as devstack's run_process does
  nohup setsid bash -c "exec $command" >> "$logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$run/$name.pid"
}

# osenv_stop_process NAME: SIGTERM to its process group, SIGKILL after 10 s. Nothing to stop is fine.
osenv_stop_process() {
  local name=$1 pid
  [[ -f "$run/$name.pid" ]] || return 0
  pid=$(cat "$run/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$run/$name.pid"
}

# The resident memory of everything started in DIR (process groups of the runner's pids, Ceph's daemons), MiB.
memory_mib() {
  local pids=() f pid
  for f in "$run"/*.pid "$dir"/ceph/run/*.pid; do
    [[ -f "$f" ]] || continue
    pid=$(cat "$f")
    pids+=("$pid")
    while read -r pid; do pids+=("$pid"); done < <(pgrep -g "$pid" 2>/dev/null || true)
  done
  [[ ${#pids[@]} -gt 0 ]] || { echo 0; return; }
  ps -o rss= -p "$(printf '%s\n' "${pids[@]}" | sort -u | paste -sd,)" | awk '{s += $1} END {printf "%d", s / 1024}'
}

alive() { [[ -f "$run/$1.pid" ]] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

# fail SERVICE LOG MESSAGE: names the service and its log, shows the log's end, stops what started, exits 1.
fail() {
  local service=$1 log=$2
  shift 2
  echo "openstack.sh: $service FAILED: $*" >&2
  if [[ -f "$log" ]]; then
    echo "openstack.sh: last lines of $log:" >&2
    tail -n 25 "$log" | sed 's/^/    /' >&2
  else
    echo "openstack.sh: (no log at $log)" >&2
  fi
  if [[ "${KEEP_ON_FAILURE:-0}" != 1 ]]; then
    stop_all >/dev/null 2>&1 || true
    echo "openstack.sh: stopped what was started; logs kept in $logs" >&2
  fi
  exit 1
}

# wait_for SERVICE TIMEOUT COMMAND...: polls COMMAND until it succeeds; fails naming SERVICE if its process dies.
wait_for() {
  local service=$1 timeout=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$run/$service.pid" ]] && ! alive "$service"; then
      fail "$service" "$logs/$service.log" "the process exited during start-up"
    fi
    [[ $SECONDS -lt $deadline ]] || fail "$service" "$logs/$service.log" "not ready after ${timeout}s"
    sleep 0.5
  done
}

tcp_open() { "$py" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1"; }
http_ok() { curl -s -o /dev/null --max-time 3 "$1"; }

# ---- background steps: run a function in the background with its output in DIR/logs/setup-NAME.log

# niced COMMAND...: runs it (a function too) at a lower CPU priority, children included.
niced() {
  renice -n 10 -p "$BASHPID" >/dev/null
  "$@"
}

declare -A step_pids=()
step() {
  local name=$1
  shift
  ("$@") > "$logs/setup-$name.log" 2>&1 &
  step_pids[$name]=$!
}
join() {
  local name
  for name in "$@"; do
    wait "${step_pids[$name]}" || fail "$name" "$logs/setup-$name.log" "its set-up step failed"
  done
}

# ---- settings shared by every step

write_settings() {
  local ports
  # every port at once, the sockets held until all are chosen, so no two are the same
  read -r -a ports <<< "$("$py" -c '
import socket
socks = [socket.socket() for _ in range(16)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
  umask 077
  cat > "$dir/settings.env" <<ENV
RABBIT_PORT=${ports[0]}
RABBIT_DIST_PORT=${ports[1]}
EPMD_PORT=${ports[2]}
CINDER_PORT=${ports[3]}
PLACEMENT_PORT=${ports[4]}
NOVA_PORT=${ports[5]}
SHARDGATE_REST_PORTS="${ports[6]} ${ports[7]} ${ports[8]}"
SHARDGATE_NBD_PORTS="${ports[9]} ${ports[10]} ${ports[11]}"
SHARDGATE_HAZELCAST_PORTS="${ports[12]} ${ports[13]} ${ports[14]}"
KEYSTONE_PORT=${ports[15]}
SERVICE_PASSWORD=$("$py" -c 'import secrets; print(secrets.token_hex(12))')
DEMO_PASSWORD=$("$py" -c 'import secrets; print(secrets.token_hex(12))')
ENV
  umask 022
}

load_settings() {
  # shellcheck source=/dev/null
  source "$dir/settings.env"
  mysql_sock=$dir/mysql/mysqld.sock
  transport_url="rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/"
  keystone_url=http://127.0.0.1:$KEYSTONE_PORT/v3
  admin_password=$(cat "$dir/keystone/admin.password" 2>/dev/null || true)
  export SHARDGATE_CONF_DIR=$dir/gateway/etc
  export SHARDGATE_DATA_DIR=$dir/gateway
  export SHARDGATE_HOST=127.0.0.1
  export SHARDGATE_SPINES=spine-a,spine-a,spine-b
  export SHARDGATE_REST_PORTS SHARDGATE_NBD_PORTS SHARDGATE_HAZELCAST_PORTS
  export SHARDGATE_IOPS=10000 SHARDGATE_BANDWIDTH_MBPS=500
  export SHARDGATE_STORE=rados SHARDGATE_CEPH_CONF=$dir/ceph/ceph.conf SHARDGATE_CEPH_POOL=shardgate
  export SHARDGATE_CHUNK_SIZE=1M SHARDGATE_RAM_TIER=32M SHARDGATE_JAVA_OPTS=-Xmx256m
  export SHARDGATE_CLUSTER_NAME=osenv-$$
  export SHARDGATE_KEYSTONE_URL=$keystone_url SHARDGATE_KEYSTONE_USER=shardgate
  export SHARDGATE_KEYSTONE_PASSWORD=$SERVICE_PASSWORD SHARDGATE_KEYSTONE_PROJECT=service
  export SHARDGATE_BACKEND_NAME=shardgate SHARDGATE_PROTOCOL=nbd
  export SHARDGATE_TIERS_FILE=${SHARDGATE_TIERS_FILE:-$root/devstack/tiers.yaml}
  export SHARDGATE_RUN_PROCESS=osenv_run_process SHARDGATE_STOP_PROCESS=osenv_stop_process
  # shellcheck source=devstack/lib/shardgate
  source "$root/devstack/lib/shardgate"
}

db_url() { echo "mysql+pymysql://root@localhost/$1?unix_socket=$mysql_sock&charset=utf8"; }

# keystone_options USER: the keystoneauth password options of a service user (under a section the caller writes).
keystone_options() {
  cat <<CONF
auth_type = password
auth_url = $keystone_url
username = $1
password = $SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
CONF
}

# ---- MariaDB: own data directory and socket under DIR, no TCP

start_mariadb() {
  mkdir -p "$dir/mysql"
  mariadb-install-db --no-defaults --datadir="$dir/mysql/data" --auth-root-authentication-method=normal \
    --skip-test-db --user=root > "$logs/mariadb-install.log" 2>&1 \
    || { echo "mariadb-install-db failed: see $logs/mariadb-install.log"; return 1; }
  osenv_run_process mariadb "/usr/sbin/mariadbd --no-defaults --datadir=$dir/mysql/data --socket=$mysql_sock \
--pid-file=$dir/mysql/mariadbd.pid --skip-networking --user=root --skip-name-resolve --performance-schema=OFF \
--innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 --max-connections=1000 \
--character-set-server=utf8mb4"
  local i
  for i in $(seq 120); do
    mariadb-admin --no-defaults --socket="$mysql_sock" -uroot ping >/dev/null 2>&1 && break
    alive mariadb || { echo "mariadbd exited"; return 1; }
    [[ $i -lt 120 ]] || { echo "mariadbd did not answer within 60 s"; return 1; }
    sleep 0.5
  done
  local dbs=(keystone cinder) db sql=""
  [[ $nova -eq 1 ]] && dbs+=(placement nova_api nova nova_cell0)
  for db in "${dbs[@]}"; do sql+="CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8; "; done
  mariadb --no-defaults --socket="$mysql_sock" -uroot -e "$sql"
}

# ---- RabbitMQ: as root from /usr/lib/rabbitmq/bin, own epmd on 127.0.0.1, own ports and data

rabbit_env() {
  echo "HOME=$dir/rabbitmq RABBITMQ_NODENAME=osenv@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
RABBITMQ_NODE_PORT=$RABBIT_PORT RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT ERL_EPMD_PORT=$EPMD_PORT \
ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE=$dir/rabbitmq/mnesia RABBITMQ_LOG_BASE=$dir/rabbitmq/log \
RABBITMQ_LOGS=- RABBITMQ_CONFIG_FILE=$dir/rabbitmq/rabbitmq.conf RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq/env.conf \
RABBITMQ_ENABLED_PLUGINS_FILE=$dir/rabbitmq/enabled_plugins RABBITMQ_ADVANCED_CONFIG_FILE=$dir/rabbitmq/advanced.config \
RABBITMQ_PID_FILE=$dir/rabbitmq/rabbit.pid"
}

start_rabbitmq() {
  local epmd
  mkdir -p "$dir/rabbitmq/mnesia" "$dir/rabbitmq/log"
  echo "[]." > "$dir/rabbitmq/enabled_plugins"
  : > "$dir/rabbitmq/env.conf"
  # the Erlang distribution listens on loopback only
  echo "[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}]." > "$dir/rabbitmq/advanced.config"
  cat > "$dir/rabbitmq/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
loopback_users.guest = true
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.absolute = 512MB
CONF
  epmd=$(command -v epmd || find /usr/lib/erlang -name epmd -type f -perm -u+x | head -n 1)
  osenv_run_process epmd "$epmd -address 127.0.0.1 -port $EPMD_PORT"
  osenv_run_process rabbitmq "env $(rabbit_env) /usr/lib/rabbitmq/bin/rabbitmq-server"
  local i
  for i in $(seq 120); do
    tcp_open "$RABBIT_PORT" 2>/dev/null && return 0
    alive rabbitmq || { echo "rabbitmq-server exited"; return 1; }
    [[ $i -lt 120 ]] || { echo "RabbitMQ did not listen on $RABBIT_PORT within 60 s"; return 1; }
    sleep 0.5
  done
}

# ---- Keystone (tests/scripts/keystone.sh: fernet, sqlite, bootstrapped admin) and the accounts

start_keystone() {
  KEYSTONE_DB_URL=$(db_url keystone) KEYSTONE_PORT=$KEYSTONE_PORT "$here/keystone.sh" start "$dir/keystone"
  cp "$dir/keystone/keystone.pid" "$run/keystone.pid"
}

create_accounts() {
  local users=cinder,shardgate endpoints=(--endpoint "volumev3=cinderv3=http://127.0.0.1:$CINDER_PORT/v3"
    --endpoint "block-storage=cinder=http://127.0.0.1:$CINDER_PORT/v3")
  if [[ $nova -eq 1 ]]; then
    users+=,nova,placement
    # Nova puts an image URL into the notifications of every build, a volume-booted one too: without an image
    # endpoint in the catalog the build fails. Nothing is served there (no Glance: nothing here reads images).
    endpoints+=(--endpoint "compute=nova=http://127.0.0.1:$NOVA_PORT/v2.1"
      --endpoint "placement=placement=http://127.0.0.1:$PLACEMENT_PORT"
      --endpoint "image=glance=http://127.0.0.1:9/image-service-not-running")
  fi
  (umask 077
   echo "$SERVICE_PASSWORD" > "$dir/service.password"
   echo "$DEMO_PASSWORD" > "$dir/demo.password")
  "$py" "$here/openstack-accounts.py" --auth-url "$keystone_url" \
    --admin-password-file "$dir/keystone/admin.password" --service-password-file "$dir/service.password" \
    --demo-password-file "$dir/demo.password" --service-users "$users" "${endpoints[@]}"
}

write_openrc() {
  local file=$1 user=$2 password=$3 project=$4
  cat > "$file" <<RC
export OS_AUTH_URL=$keystone_url
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME=RegionOne
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_USERNAME=$user
export OS_PASSWORD=$password
export OS_PROJECT_NAME=$project
export OS_VOLUME_API_VERSION=3.44
export CINDER_ENDPOINT_TYPE=public
RC
  chmod 600 "$file"
}

# ---- the gateway cluster, through devstack/lib/shardgate

start_gateways() {
  shardgate_install_gateway
  shardgate_write_gateway_config
  shardgate_start_gateways
  shardgate_wait_for_gateways 150
}

# ---- Cinder

write_cinder_conf() {
  local d=$dir/cinder conf=$dir/cinder/cinder.conf
  mkdir -p "$d/state" "$d/locks"
  cat > "$d/api-paste.ini" <<'PASTE'
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/v3: openstack_volume_api_v3

[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
keystone = request_id faultwrap sizelimit authtoken keystonecontext apiv3

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory

[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory

[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory

[pipeline:apiversions]
pipeline = request_id faultwrap osvolumeversionapp

[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory
PASTE
  # the filters Cinder's list calls accept (packaged as /etc/cinder/resource_filters.json by cinder-common):
  # without it, cinderclient's lookups by name and GET /attachments?volume_id= are refused
  cat > "$d/resource_filters.json" <<'JSON'
{
  "volume": ["name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id",
             "size", "created_at", "updated_at"],
  "backup": ["name", "status", "volume_id"],
  "snapshot": ["name", "status", "volume_id", "metadata", "availability_zone"],
  "group": [],
  "group_snapshot": ["status", "group_id"],
  "attachment": ["volume_id", "status", "instance_id", "attach_status"],
  "message": ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"],
  "pool": ["name", "volume_type"],
  "volume_type": ["is_public"]
}
JSON
  cat > "$conf" <<CONF
[DEFAULT]
host = osenv
my_ip = 127.0.0.1
transport_url = $transport_url
auth_strategy = keystone
resource_query_filters_file = $d/resource_filters.json
state_path = $d/state
api_paste_config = $d/api-paste.ini
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $CINDER_PORT
osapi_volume_workers = 1
enabled_backends = $SHARDGATE_BACKEND_NAME
scheduler_default_weighers = GoodnessWeigher,CapacityWeigher
periodic_interval = 10
report_interval = 5
# oslo.log's defaults, plus the driver's debug lines (its connection info for each attachment)
default_log_levels = amqp=WARN,amqplib=WARN,sqlalchemy=WARN,oslo.messaging=INFO,oslo_messaging=INFO,iso8601=WARN,urllib3.connectionpool=WARN,keystonemiddleware=WARN,routes.middleware=WARN,stevedore=WARN,taskflow=WARN,keystoneauth=WARN,oslo.cache=INFO,oslo_policy=INFO,dogpile.core.dogpile=INFO,shardgate_cinder=DEBUG
rpc_response_timeout = 60
[database]
connection = $(db_url cinder)
[oslo_concurrency]
lock_path = $d/locks
[oslo_messaging_notifications]
driver = noop
[keystone_authtoken]
www_authenticate_uri = $keystone_url
service_token_roles_required = true
CONF
  # authtoken's own user, the service token Cinder sends along, and Cinder's calls to Nova
  {
    keystone_options cinder
    echo "[service_user]"
    echo "send_service_user_token = true"
    keystone_options cinder
    echo "[nova]"
    echo "interface = public"
    keystone_options nova
  } >> "$conf"
  # the backend section, exactly as devstack's configure_cinder_backend_shardgate writes it
  shardgate_configure_cinder_backend "$conf" "$SHARDGATE_BACKEND_NAME"
}

cinder_manage() {
  "$py" -c 'import sys; from cinder.cmd.manage import main; sys.exit(main())' --config-file "$dir/cinder/cinder.conf" "$@"
}

# ---- placement and Nova

write_nova_confs() {
  local d=$dir/nova p=$dir/placement
  mkdir -p "$d/state" "$d/locks" "$d/instances" "$p"
  cat > "$p/placement.conf" <<CONF
[placement_database]
connection = $(db_url placement)
[api]
auth_strategy = keystone
[keystone_authtoken]
www_authenticate_uri = $keystone_url
CONF
  keystone_options placement >> "$p/placement.conf"

  cat > "$d/api-paste.ini" <<'PASTE'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/v2.1: openstack_compute_api_v21

[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = request_id faultwrap sizelimit authtoken keystonecontext osapi_compute_app_v21

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute.routes:APIRouterV21.factory
PASTE
  local conf=$d/nova.conf
  cat > "$conf" <<CONF
[DEFAULT]
host = osenv
my_ip = 127.0.0.1
transport_url = $transport_url
compute_driver = fake.FakeDriver
state_path = $d/state
instances_path = $d/instances
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $NOVA_PORT
osapi_compute_workers = 1
rpc_response_timeout = 60
[wsgi]
api_paste_config = $d/api-paste.ini
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[oslo_concurrency]
lock_path = $d/locks
[oslo_messaging_notifications]
driver = noop
[vnc]
enabled = false
[keystone_authtoken]
www_authenticate_uri = $keystone_url
service_token_roles_required = true
CONF
  {
    keystone_options nova
    echo "[service_user]"
    echo "send_service_user_token = true"
    keystone_options nova
    echo "[placement]"
    keystone_options nova
    echo "[cinder]"
    echo "os_region_name = RegionOne"
    keystone_options nova
  } >> "$conf"
}

nova_manage() {
  "$py" -c 'import sys; from nova.cmd.manage import main; sys.exit(main())' --config-file "$dir/nova/nova.conf" "$@"
}

sync_nova_dbs() {
  nova_manage api_db sync
  nova_manage cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  nova_manage cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || nova_manage cell_v2 create_cell --name cell1
  nova_manage db sync
}

sync_placement_db() {
  /usr/bin/placement-manage --config-file "$dir/placement/placement.conf" db sync
}

start_nova() {
  local conf=$dir/nova/nova.conf entry
  osenv_run_process placement "env OS_PLACEMENT_CONFIG_DIR=$dir/placement /usr/bin/placement-api --host 127.0.0.1 \
--port $PLACEMENT_PORT"
  for entry in api conductor scheduler compute; do
    osenv_run_process "nova-$entry" "$py -c 'import sys; from nova.cmd.$entry import main; sys.exit(main())' \
--config-file $conf"
  done
}

# ---- start, stop

write_env() {
  local nova_url=""
  [[ $nova -eq 1 ]] && nova_url=http://127.0.0.1:$NOVA_PORT/v2.1
  umask 077
  cat > "$dir/openstack.env.tmp" <<ENV
OS_AUTH_URL=$keystone_url
OS_REGION_NAME=RegionOne
OS_USER_DOMAIN_NAME=Default
OS_PROJECT_DOMAIN_NAME=Default
OS_ADMIN_USERNAME=admin
OS_ADMIN_PASSWORD=$admin_password
OS_ADMIN_PROJECT=admin
OS_DEMO_USERNAME=demo
OS_DEMO_PASSWORD=$DEMO_PASSWORD
OS_DEMO_PROJECT=demo
CINDER_URL=http://127.0.0.1:$CINDER_PORT/v3
NOVA_URL=$nova_url
SHARDGATE_URLS=$(shardgate_rest_urls)
SHARDGATE_TOKEN_FILE=$(shardgate_token_file)
SHARDGATE_BACKEND=$SHARDGATE_BACKEND_NAME
CEPH_CONF=$SHARDGATE_CEPH_CONF
SHARDGATE_TIERS_FILE=$SHARDGATE_TIERS_FILE
ENV
  mv "$dir/openstack.env.tmp" "$dir/openstack.env"
  umask 022
}

# shellcheck source=/dev/null
as_admin() { (source "$dir/admin-openrc" && "$@"); }

start_all() {
  if [[ -d "$run" ]] && compgen -G "$run/*.pid" >/dev/null; then
    echo "openstack.sh: $dir has a cloud running (or not stopped): run 'openstack.sh stop $dir' first" >&2
    exit 1
  fi
  local missing=()
  for t in java curl ceph-mon mariadbd mariadb-install-db /usr/lib/rabbitmq/bin/rabbitmq-server \
      /usr/bin/keystone-manage /usr/bin/cinder; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  "$py" -c 'import cinder.cmd.volume, pymysql' 2>/dev/null || missing+=(python3-cinder/python3-pymysql)
  if [[ $nova -eq 1 ]]; then
    "$py" -c 'import nova.cmd.compute, placement' 2>/dev/null || missing+=(python3-nova/python3-placement)
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "openstack.sh: missing ${missing[*]}: run scripts/install-deps.sh" >&2
    exit 1
  fi
  rm -rf "$dir/ceph" "$dir/gateway" "$dir/keystone" "$dir/mysql" "$dir/rabbitmq" "$dir/cinder" "$dir/nova" \
    "$dir/placement" "$logs" "$dir/openstack.env"
  mkdir -p "$logs" "$run"
  write_settings
  load_settings
  [[ -f "$SHARDGATE_JAR" ]] || fail gateway "$logs/setup-gateway.log" "$SHARDGATE_JAR is missing: build it" \
    "(mvn -B -o -q -pl gateway -am package -DskipTests) or set SHARDGATE_JAR"

  say "starting Ceph, MariaDB, RabbitMQ (in parallel)"
  step ceph "$here/ceph-cluster.sh" start "$dir/ceph"
  step mariadb start_mariadb
  step rabbitmq start_rabbitmq
  join mariadb
  say "MariaDB up; starting Keystone, syncing the databases"
  step keystone start_keystone
  write_cinder_conf
  # the short schema migrations yield the CPU to Keystone, which the accounts and the gateways wait for; Nova's
  # (api, cell0, cell1: the longest step of all) does not
  step cinder-db niced cinder_manage db sync
  if [[ $nova -eq 1 ]]; then
    write_nova_confs
    step placement-db niced sync_placement_db
    step nova-db sync_nova_dbs
  fi
  join keystone
  load_settings
  say "Keystone up at $keystone_url; creating service users, demo project and endpoints"
  step accounts create_accounts
  join ceph accounts
  say "Ceph and accounts ready; starting 3 gateway servers on spines $SHARDGATE_SPINES"
  step gateway start_gateways
  write_openrc "$dir/admin-openrc" admin "$admin_password" admin
  write_openrc "$dir/demo-openrc" demo "$DEMO_PASSWORD" demo
  join rabbitmq cinder-db
  say "RabbitMQ up, Cinder database synced; starting cinder-api and cinder-scheduler"
  osenv_run_process cinder-api "$py -c 'import sys; from cinder.cmd.api import main; sys.exit(main())' \
--config-file $dir/cinder/cinder.conf"
  osenv_run_process cinder-scheduler "$py -c 'import sys; from cinder.cmd.scheduler import main; sys.exit(main())' \
--config-file $dir/cinder/cinder.conf"
  if [[ $nova -eq 1 ]]; then
    join placement-db nova-db
    say "Nova databases synced; starting placement and Nova"
    start_nova
  fi
  join gateway
  say "gateways up at $(shardgate_rest_urls); starting cinder-volume"
  osenv_run_process cinder-volume "env PYTHONPATH=$SHARDGATE_DRIVER_DIR $py -c 'import sys; \
from cinder.cmd.volume import main; sys.exit(main())' --config-file $dir/cinder/cinder.conf"
  wait_for cinder-api 90 http_ok "http://127.0.0.1:$CINDER_PORT/"
  as_admin shardgate_wait_for_cinder_pools 120 > "$logs/setup-cinder-pools.log" 2>&1 \
    || fail cinder-volume "$logs/cinder-volume.log" "Cinder's scheduler lists no pool of backend" \
      "$SHARDGATE_BACKEND_NAME (also see $logs/cinder-scheduler.log)"
  say "Cinder up: $(as_admin cinder get-pools 2>/dev/null | grep -c '| name ') pools of backend $SHARDGATE_BACKEND_NAME"
  if [[ $nova -eq 1 ]]; then
    wait_for placement 60 http_ok "http://127.0.0.1:$PLACEMENT_PORT/"
    wait_for nova-api 90 http_ok "http://127.0.0.1:$NOVA_PORT/v2.1/"
    local i
    for i in $(seq 120); do
      as_admin nova service-list --binary nova-compute 2>/dev/null | grep -q ' up ' && break
      alive nova-compute || fail nova-compute "$logs/nova-compute.log" "the process exited during start-up"
      [[ $i -lt 120 ]] || fail nova-compute "$logs/nova-compute.log" "not up in nova service-list after 120 s"
      sleep 1
    done
    nova_manage cell_v2 discover_hosts > "$logs/setup-discover-hosts.log" 2>&1 \
      || fail nova-discover-hosts "$logs/setup-discover-hosts.log" "nova-manage cell_v2 discover_hosts failed"
    as_admin nova flavor-show sg.tiny >/dev/null 2>&1 \
      || as_admin nova flavor-create sg.tiny auto 256 0 1 > "$logs/setup-flavor.log" 2>&1 \
      || fail nova-api "$logs/setup-flavor.log" "cannot create the flavor sg.tiny"
    say "Nova up: compute host osenv discovered, flavor sg.tiny"
  fi
  say "applying the tiers of $SHARDGATE_TIERS_FILE"
  as_admin shardgate_apply_tiers > "$logs/setup-tiers.log" 2>&1 \
    || fail tiers "$logs/setup-tiers.log" "gateway.jar openstack tiers apply failed"
  sed 's/^/    /' "$logs/setup-tiers.log"
  write_env
  say "ready in $((SECONDS - t0)) s, $(memory_mib) MiB resident: source $dir/demo-openrc (or admin-openrc); settings in $dir/openstack.env"
}

stop_all() {
  local f pid pids=()
  if [[ -f "$dir/settings.env" ]]; then
    load_settings
    # the gateways through the lib, as devstack's unstack does
    shardgate_stop_gateways || true
  fi
  # the rest at once: SIGTERM to every process group, SIGKILL to what is left after 10 s
  if [[ -d "$run" ]]; then
    for f in "$run"/*.pid; do
      [[ -f "$f" ]] || continue
      pid=$(cat "$f")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        pids+=("$pid")
      fi
    done
    for _ in $(seq 50); do
      local left=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
      [[ $left -eq 1 ]] || break
      sleep 0.2
    done
    for pid in "${pids[@]}"; do
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    rm -f "$run"/*.pid
  fi
  "$here/ceph-cluster.sh" stop "$dir/ceph" >/dev/null 2>&1 || true
  rm -f "$dir/openstack.env"
}

case "$cmd" in
  start) start_all ;;
  stop) stop_all; say "stopped everything started in $dir" ;;
esac
