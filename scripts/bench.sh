#!/usr/bin/env bash
# `npm run bench -- [--endpoints E] [--signals N] [--rate R] [--concurrency C] [--out FILE] [--in-memory] [--sample-every S]`
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
export TEMPORAL_CLI_PATH
exec node --import tsx bench/run.ts "$@"
