#!/usr/bin/env bash
# JMH benchmark of ShardMap.shardIndexOf (the router's LBA lookup). Writes JSON to the given file
# (default tests/bench/results/shardmap-lookup.json) and prints JMH's table.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-tests/bench/results/shardmap-lookup.json}
mkdir -p "$(dirname "$out")"
mvn -B -q -pl sharding-core test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
cp="sharding-core/target/test-classes:sharding-core/target/classes:$(cat sharding-core/target/test-classpath.txt)"
java -cp "$cp" io.shardgate.core.bench.ShardMapLookupBenchmark "$out"
