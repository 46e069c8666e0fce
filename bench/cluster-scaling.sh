#!/usr/bin/env bash
# Aggregate backup throughput of the loopback cluster with 1 and with 3 backup hosts, against an S3 target with
# LATENCY_MS (default 20) added to every request: tests/cluster/load.sh twice, same load. Each host runs at most
# OPERATIONS (default 2) backups at once, so that more hosts must be what brings more throughput.
#
#   bench/cluster-scaling.sh                 # BACKUPS=200 VOLUMES=20
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LATENCY_MS=${LATENCY_MS:-20} OPERATIONS=${OPERATIONS:-2} BACKUPS=${BACKUPS:-200} VOLUMES=${VOLUMES:-20}
echo "== cluster scaling: $BACKUPS backups over $VOLUMES volumes, ${LATENCY_MS} ms per target request, $(nproc) cores, $(date -u +%FT%TZ)"
declare -A rate
for hosts in 1 3; do
  line=$(BACKUP_HOSTS=$hosts "$ROOT/tests/cluster/load.sh" | grep -o 'load: .*')
  echo "$line"
  rate[$hosts]=$(sed -n 's/.*backups_per_s=\([0-9.]*\).*/\1/p' <<< "$line")
done
python3 -c "print(f'scaling: 3 hosts / 1 host = {${rate[3]} / ${rate[1]}:.2f}x')"
