#!/usr/bin/env python3
"""The clients of tests/cluster/load.sh, as threads of one process (a process per poll would load the machine more
than the cluster does): one per volume, each PER_VOLUME times writing 1 MiB of new data at a random place of its
volume file, asking for a backup and polling it until it is no longer creating. Prints one line
"load: LABEL backups=… available=… seconds=… backups_per_s=…" and fails unless every backup ended available.

    load_clients.py URL PROJECT TOKEN VOLUMES_DIR PER_VOLUME LABEL VOLUME_ID...
"""
import json
import os
import random
import sys
import threading
import time
import urllib.request
from collections import Counter

url, project, token, volumes_dir, per_volume, label = sys.argv[1:7]
volume_ids = sys.argv[7:]
per_volume = int(per_volume)
headers = {"X-Auth-Token": token, "Content-Type": "application/json"}
statuses = Counter()
lock = threading.Lock()


def call(method, path, body=None):
    request = urllib.request.Request(f"{url}/v3/{project}{path}", method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def client(volume_id):
    path = os.path.join(volumes_dir, f"volume-{volume_id}")
    for _ in range(per_volume):
        # The volume is available between backups (its status comes back before the backup's): write to it.
        with open(path, "r+b") as volume:
            volume.seek(random.randrange(1023) << 20)
            volume.write(os.urandom(1 << 20))
        backup_id = call("POST", "/backups", {"backup": {"volume_id": volume_id}})["backup"]["id"]
        while (status := call("GET", f"/backups/{backup_id}")["backup"]["status"]) == "creating":
            time.sleep(0.2)
        with lock:
            statuses[status] += 1


started = time.monotonic()
threads = [threading.Thread(target=client, args=(v,)) for v in volume_ids]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
seconds = time.monotonic() - started
total = sum(statuses.values())
print(f"load: {label} backups={total} available={statuses['available']} seconds={seconds:.1f}"
      f" backups_per_s={total / seconds:.2f}", flush=True)
if statuses["available"] != per_volume * len(volume_ids):
    sys.exit(f"load: not every backup ended available: {dict(statuses)}")
