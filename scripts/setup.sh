#!/usr/bin/env bash
# Everything the README's commands need on a fresh machine: Debian packages for the lab
# (Pebble, bind9, unbound, lego), npm dependencies, and the built provider.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
