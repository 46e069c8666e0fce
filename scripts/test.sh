#!/usr/bin/env bash
# Runs every test: unit, property, crash, end-to-end (with the real servers and clients they need).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B verify "$@"
