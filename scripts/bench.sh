#!/usr/bin/env bash
# `npm run bench -- [--endpoints E] [--signals N] [--rate R] [--concurrency C] [--out FILE] [--in-memory] [--sample-every S]`
# `npm run bench -- --cluster [--signals N] [--concurrency C] [--out FILE]` (against `npm run start:cluster`)
# `npm run bench -- --fairness [--flood-signals N] [--flood-endpoints E] [--samples S] [--every MS] [--out FILE]`
# `npm run bench:tenant -- [--endpoints E] [--samples N] [--concurrency C]`
# `npm run bench:tenant -- --broken [--idle-seconds S] [--signals N]`
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
export TEMPORAL_CLI_PATH
if [ "${1:-}" = "--tenant" ]; then
  shift
  if [ "${1:-}" = "--broken" ]; then
    shift
    exec node --import tsx bench/broken-tenant.ts "$@"
  fi
  exec node --import tsx bench/tenant-scale.ts "$@"
fi
if [ "${1:-}" = "--fairness" ]; then
  exec node --import tsx bench/fairness.ts "$@"
fi
if [ "${1:-}" = "--cluster" ]; then
  exec node --import tsx bench/cluster.ts "$@"
fi
exec node --import tsx bench/run.ts "$@"
