#!/usr/bin/env bash
# A throwaway Keystone for the tests, from Debian's python3-keystone, without systemd: sqlite, fernet tokens,
# bootstrapped admin (password in DIR/admin.password), served by Keystone's own WSGI script on a free loopback port.
# Usage: tests/scripts/keystone.sh start DIR   (prints the v3 URL on its last line)
#        tests/scripts/keystone.sh stop DIR
# Env: KEYSTONE_DB_URL, an SQLAlchemy URL instead of DIR/keystone.db (sqlite locks under concurrent writers);
#      KEYSTONE_PORT, the port instead of a free one.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" || "$cmd" == -h || "$cmd" == --help ]]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  [[ "$cmd" == -h || "$cmd" == --help ]] && exit 0 || exit 2
fi
py=/usr/bin/python3

case "$cmd" in
  start)
    "$py" -c 'import keystone.server.wsgi' 2>/dev/null || {
      echo "keystone.sh: Debian's python3-keystone is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
    mkdir -p "$dir/fernet-keys" "$dir/credential-keys"
    dir=$(cd "$dir" && pwd)
    port=${KEYSTONE_PORT:-}
    [[ -n "$port" ]] || port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    url="http://127.0.0.1:$port/v3"
    conf="$dir/keystone.conf"
    cat > "$conf" <<CONF
[DEFAULT]
log_file = $dir/keystone.log
[database]
connection = ${KEYSTONE_DB_URL:-sqlite:///$dir/keystone.db}
[token]
provider = fernet
[fernet_tokens]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[identity]
password_hash_algorithm = bcrypt
password_hash_rounds = 4
CONF
    manage=(/usr/bin/keystone-manage --config-file "$conf")
    # the key repositories do not touch the database: made while db_sync runs (each call imports all of Keystone)
    "${manage[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" > "$dir/setup-fernet.log" 2>&1 &
    fernet=$!
    "${manage[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)" \
      > "$dir/setup-credential.log" 2>&1 &
    credential=$!
    "${manage[@]}" db_sync >> "$dir/setup.log" 2>&1
    wait "$fernet" || { cat "$dir/setup-fernet.log" >&2; exit 1; }
    wait "$credential" || { cat "$dir/setup-credential.log" >&2; exit 1; }
    password=$("$py" -c 'import secrets; print(secrets.token_hex(12))')
    echo "$password" > "$dir/admin.password"
    "${manage[@]}" bootstrap --bootstrap-password "$password" --bootstrap-admin-url "$url" \
      --bootstrap-public-url "$url" --bootstrap-internal-url "$url" --bootstrap-region-id RegionOne \
      >> "$dir/setup.log" 2>&1
    OS_KEYSTONE_CONFIG_FILES="$conf" nohup /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$port" \
      >> "$dir/server.log" 2>&1 &
    echo $! > "$dir/keystone.pid"
    for _ in $(seq 1 120); do
      curl -sf "$url" >/dev/null 2>&1 && { echo "$url" > "$dir/url"; echo "$url"; exit 0; }
      sleep 0.5
    done
    echo "keystone.sh: Keystone did not answer on $url; see $dir/server.log and $dir/keystone.log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$dir/keystone.pid" ]]; then
      kill "$(cat "$dir/keystone.pid")" 2>/dev/null || true
    fi
    ;;
  *)
    echo "keystone.sh: unknown command $cmd (start or stop)" >&2; exit 2 ;;
esac
