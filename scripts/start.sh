#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and runs the whole service.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
  export TEMPORAL_CLI_PATH
fi
npx tsc -p tsconfig.build.json
exec node dist/src/main.js
