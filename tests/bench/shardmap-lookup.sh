#!/usr/bin/env bash
# JMH benchmark of ShardMap.shardIndexOf (the router's LBA lookup).
# Writes JSON to the given file (default tests/bench/results/shardmap-lookup.json) and prints JMH's table.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  echo "usage: tests/bench/shardmap-lookup.sh [OUT.json]"
  exit 0
fi
exec "$(dirname "$0")/jmh.sh" sharding-core io.shardgate.core.bench.ShardMapLookupBenchmark "${1:-tests/bench/results/shardmap-lookup.json}"
