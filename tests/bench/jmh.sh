#!/usr/bin/env bash
# Runs one of the project's JMH benchmarks (a class in a module's test sources with a main(OUT.json)), after compiling
# the module's tests. Prints JMH's table and writes its JSON to OUT.
# Usage: tests/bench/jmh.sh MODULE CLASS OUT.json
set -euo pipefail
if [[ $# -ne 3 || "$1" == "--help" || "$1" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && exit 0 || exit 2
fi
module=$1 class=$2 out=$3
cd "$(dirname "$0")/../.."
mkdir -p "$(dirname "$out")"
mvn -B -q -o -pl "$module" -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/test-classpath.txt")"
java -cp "$cp" "$class" "$out"
