#!/usr/bin/env bash
# Runs every test: engine, service (on H2, then on PostgreSQL and MariaDB: scripts/databases.sh), CLI (crash,
# corruption, concurrency), end-to-end against a real `hearth serve`, then the scenario with the real `cinder`
# and `openstack` clients (apt-get install python3-cinderclient python3-openstackclient), and the cluster failover,
# broker restart and load tests (HAProxy in front of two api processes; RabbitMQ on 127.0.0.1:5672).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B verify -Pdatabases "$@"
tests/launcher/noexec-tmp.sh  # bin/hearth with /tmp mounted noexec
tests/clients/scenario.sh
tests/clients/tls.sh        # the same clients over HTTPS ([ssl] cert_file, key_file)
tests/cluster/failover.sh
# RabbitMQ (a node of the test's own) stopped and started under a stream of backups: none lost, none twice.
tests/cluster/broker-restart.sh
# 200 backups over 20 volumes and 3 backup hosts on that cluster, all available (the processes' logs are kept).
LOAD_LOGS=target/cluster-load tests/cluster/load.sh
# bin/hearth repo init/backup/restore through every target of scripts/target-servers.sh.
tests/targets/cli-roundtrip.sh s3 swift nfs ceph  # ceph: rados:// over librados and s3:// on its RGW
# One closing line over everything that ran.
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
tests = failed = skipped = 0
for report in glob.glob('*/target/surefire-reports*/TEST-*.xml') + glob.glob('*/target/failsafe-reports/TEST-*.xml'):
    suite = ET.parse(report).getroot()
    tests += int(suite.get('tests', 0))
    failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped += int(suite.get('skipped', 0))
print(f"tests: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped (JUnit; the scripted client, cluster and target tests above passed too)")
PY
