#!/usr/bin/env bash
# JMH benchmark of the iSCSI PDU decoder (framing + digests of one SCSI command PDU). Writes JSON to the given file
# (default tests/bench/results/iscsi-pdu-decode.json) and prints JMH's table. About 1 minute.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  echo "usage: tests/bench/iscsi-pdu-decode.sh [OUT.json]"
  exit 0
fi
cd "$(dirname "$0")/../.."
out=${1:-tests/bench/results/iscsi-pdu-decode.json}
mkdir -p "$(dirname "$out")"
mvn -B -q -o -pl gateway -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
cp="gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/test-classpath.txt)"
java -cp "$cp" io.shardgate.gateway.iscsi.PduDecodeBenchmark "$out"
