#!/usr/bin/env bash
# The README's first command: set up (Debian packages, npm packages, build), then issue a
# certificate through `terraform apply` against a local lab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx --no-install tsx scripts/demo.ts "$@"
