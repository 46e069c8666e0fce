#!/usr/bin/env python3
"""Sets up users, roles and catalog entries in a test Keystone through its REST API, as admin, in one process (one
CLI call per user would take minutes). Used by scripts/keystone.sh and scripts/targets/swift.sh.

    keystone-admin.py KEYSTONE_URL ADMIN_PASSWORD < COMMANDS

One command per line of standard input:
    user NAME PASSWORD PROJECT ROLE...       the user, the project and the roles, made when missing
    service TYPE NAME URL INTERFACE...       a catalog entry with one endpoint per interface (region RegionOne)
"""
import json
import sys
import urllib.request

url, password = sys.argv[1], sys.argv[2]


def call(method, path, body=None, token=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return response.headers, json.loads(text) if text else None


headers, _ = call("POST", "/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": password}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
token = headers["X-Subject-Token"]


def find_or_create(kind, name, fields):
    _, found = call("GET", f"/{kind}?name={name}", token=token)
    if found[kind]:
        return found[kind][0]["id"]
    _, made = call("POST", f"/{kind}", {kind[:-1]: {"name": name, **fields}}, token=token)
    return made[kind[:-1]]["id"]


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "user" and len(words) >= 5:
        name, user_password, project, roles = words[1], words[2], words[3], words[4:]
        project_id = find_or_create("projects", project, {"domain_id": "default"})
        user_id = find_or_create("users", name, {"domain_id": "default", "password": user_password})
        for role in roles:
            call("PUT", f"/projects/{project_id}/users/{user_id}/roles/{find_or_create('roles', role, {})}", token=token)
    elif words[0] == "service" and len(words) >= 5:
        service_type, name, endpoint_url, interfaces = words[1], words[2], words[3], words[4:]
        _, made = call("POST", "/services", {"service": {"type": service_type, "name": name}}, token=token)
        for interface in interfaces:
            call("POST", "/endpoints", {"endpoint": {"service_id": made["service"]["id"], "interface": interface,
                                                     "url": endpoint_url, "region_id": "RegionOne"}}, token=token)
    else:
        sys.exit(f"keystone-admin.py: cannot read the command '{line.strip()}'")
print("keystone-admin.py: done")
