#!/usr/bin/env bash
# JMH benchmark of the iSCSI PDU decoder (framing + digests of one SCSI command PDU). About 1 minute.
# Writes JSON to the given file (default tests/bench/results/iscsi-pdu-decode.json) and prints JMH's table.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  echo "usage: tests/bench/iscsi-pdu-decode.sh [OUT.json]"
  exit 0
fi
exec "$(dirname "$0")/jmh.sh" gateway io.shardgate.gateway.iscsi.PduDecodeBenchmark "${1:-tests/bench/results/iscsi-pdu-decode.json}"
