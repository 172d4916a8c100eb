#!/usr/bin/env bash
# The product's main job on its embedded default: one gateway with a local-directory durable store,
# NBD on 10809 and REST on 8080. Installs what it needs, builds the jar if missing, then runs in the foreground.
# Usage: scripts/serve-embedded.sh [DATA_DIR]   (default ./data; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${1:-./data}
scripts/install-deps.sh
if [ ! -f gateway/target/gateway.jar ]; then
  mvn -B -q package -DskipTests
fi
exec java -jar gateway/target/gateway.jar serve --embedded --data-dir "$data_dir"
