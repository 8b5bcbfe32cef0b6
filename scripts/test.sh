#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs the suite against a real Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
export TEMPORAL_CLI_PATH
exec npx vitest run "$@"
