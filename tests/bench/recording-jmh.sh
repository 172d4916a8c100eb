#!/usr/bin/env bash
# JMH benchmark of access recording: the I/O thread's hand-off alone, and hand-off + recorder + trace record on one thread. About 30 s; the end-to-end cost is tests/bench/recording-cost.sh.
# Writes JSON to the given file (default tests/bench/results/recording-jmh.json) and prints JMH's table.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  echo "usage: tests/bench/recording-jmh.sh [OUT.json]"
  exit 0
fi
exec "$(dirname "$0")/jmh.sh" gateway io.shardgate.gateway.prefetch.RecordingBenchmark "${1:-tests/bench/results/recording-jmh.json}"
