#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs both tiers (`--project unit` or `--project e2e`
# runs one): the unit tier on Temporal's time-skipping test server, the end-to-end tier against a
# real Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
TEMPORAL_TEST_SERVER_PATH=$(bash scripts/install-test-server.sh)
export TEMPORAL_CLI_PATH TEMPORAL_TEST_SERVER_PATH
exec npx vitest run "$@"
